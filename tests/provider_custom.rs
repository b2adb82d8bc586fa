//! `provider = "custom"` and the URL presets through the real binary: requests from templates, the reply rules and exit codes, plain http, config errors, no secret shown.
mod harness;
mod support;

use harness::*;
use support::{MockServer, Reply};

const TOKEN: &str = "Tk3nQ9zPq7LmW2xV";
const PASS: &str = "Pw8rHs4Jd6NbY1cK";
const SECRETS: &[&str] = &[TOKEN, PASS, "Tk3nQ9", "Pw8rHs"];
const V6: &str = "2a01:4f8:10:20::5";

/// dyndns2 return codes, as https://help.dyn.com/remote-access-api/return-codes/ lists them.
fn good(ip: &str) -> Reply {
    Reply::ok(&format!("good {ip}"))
}

fn record(server: &MockServer, keys: &str) -> String {
    format!(
        "[[record]]\nprovider = \"custom\"\nhostname = \"home.example.org\"\n{}",
        keys.replace("SERVER", &server.url())
    )
}

/// One run against `replies` with `keys`; the exit code, output and requests.
fn one_run(
    tag: &str,
    keys: &str,
    replies: Vec<Reply>,
) -> (support::Output, Vec<support::Recorded>) {
    let env = Env::new(tag);
    let source = env.ip_source(&[IP1]);
    let provider = env.server(replies);
    env.write_config(3, &[source.url()], &record(&provider, keys));
    let out = env.run(&["-vv"]);
    no_secret(&[&out], &[&env.state_text().unwrap_or_default()], SECRETS);
    (out, provider.requests())
}

#[test]
fn get_with_query_placeholders_and_success_words() {
    let keys = format!(
        "url = \"SERVER/nic/update?hostname={{hostname}}&myip={{ip}}&key={{token}}\"\ntoken = {TOKEN:?}\nsuccess = [\"good\", \"nochg\"]\nfailure = [\"badauth\"]\n"
    );
    let env = Env::new("cu-get");
    let source = env.ip_source(&[IP1]);
    let provider = env.server(vec![good(IP1)]);
    env.write_config(3, &[source.url()], &record(&provider, &keys));
    let dry = env.dry_run(&[&provider]);
    assert!(dry.stdout.contains("key=***"), "{}", dry.stdout);
    let out = env.run(&["-vv"]);
    expect_code(&out, 0);
    let sent = provider.requests();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].method, "GET");
    assert_eq!(
        sent[0].target,
        format!("/nic/update?hostname=home.example.org&myip={IP1}&key={TOKEN}")
    );
    assert!(
        out.stderr
            .contains("home.example.org (custom): updated A to 81.2.69.160"),
        "{}",
        out.stderr
    );
    no_secret(&[&dry, &out], &[&env.state_text().unwrap()], SECRETS);
}

#[test]
fn post_json_body_headers_and_a_token_in_the_path() {
    let keys = format!(
        "url = \"SERVER/v1/{{token}}/update\"\nmethod = \"POST\"\nbody = '{{\"host\": \"{{hostname}}\", \"ip\": \"{{ip}}\", \"note\": \"a \\\"q\\\"\", \"pw\": \"{{password}}\"}}'\nheaders = {{ \"X-Auth\" = \"Key {{password}}\", \"X-Client\" = \"ddnsup\" }}\ntoken = {TOKEN:?}\npassword = {PASS:?}\n"
    );
    let env = Env::new("cu-post");
    let source = env.ip_source(&[IP1]);
    let provider = env.server(vec![Reply::json(200, "{}")]);
    env.write_config(3, &[source.url()], &record(&provider, &keys));
    let dry = env.dry_run(&[&provider]);
    for shown in [
        "/v1/***/update",
        "X-Auth: Key ***",
        "X-Client: ddnsup",
        "holds a secret",
    ] {
        assert!(dry.stdout.contains(shown), "{shown}: {}", dry.stdout);
    }
    let out = env.run(&["-vv"]);
    expect_code(&out, 0);
    let sent = provider.requests();
    assert_eq!(sent[0].method, "POST");
    assert_eq!(sent[0].target, format!("/v1/{TOKEN}/update"));
    assert_eq!(
        sent[0].body_text(),
        format!(
            r#"{{"host": "home.example.org", "ip": "{IP1}", "note": "a \"q\"", "pw": "{PASS}"}}"#
        )
    );
    assert_eq!(sent[0].header("content-type"), Some("application/json"));
    assert_eq!(
        sent[0].header("x-auth"),
        Some(format!("Key {PASS}").as_str())
    );
    assert_eq!(sent[0].header("x-client"), Some("ddnsup"));
    assert_eq!(
        sent[0].header("authorization"),
        None,
        "{{password}} is placed: no Basic"
    );
    no_secret(&[&dry, &out], &[], SECRETS);
}

#[test]
fn basic_auth_and_a_secret_in_a_form_body() {
    let keys = format!(
        "url = \"SERVER/update\"\nmethod = \"PUT\"\nbody = \"ip={{ip}}&key={{token}}\"\nusername = \"me\"\npassword = {PASS:?}\ntoken = {TOKEN:?}\n"
    );
    let env = Env::new("cu-basic");
    let source = env.ip_source(&[IP1]);
    let provider = env.server(vec![Reply::status(204, "")]);
    env.write_config(3, &[source.url()], &record(&provider, &keys));
    let dry = env.dry_run(&[&provider]);
    let out = env.run(&["-vv"]);
    expect_code(&out, 0);
    let sent = provider.requests();
    assert_eq!(sent[0].method, "PUT");
    assert_eq!(
        sent[0].basic_auth(),
        Some(("me".to_string(), PASS.to_string()))
    );
    assert_eq!(sent[0].body_text(), format!("ip={IP1}&key={TOKEN}"));
    assert_eq!(
        sent[0].header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    no_secret(&[&dry, &out], &[], SECRETS);
}

#[test]
fn both_families_go_to_url_and_url6() {
    let env = Env::new("cu-dual");
    let v4 = env.ip_source(&[IP1]);
    let v6 = env.ip_source(&[V6]);
    let provider = env.server(vec![good(IP1), good(V6)]);
    let keys = "url = \"SERVER/4?ip={ip}\"\nurl6 = \"SERVER/6?ip={ip}&v4={ip4}\"\nfamily = \"both\"\nreply = \"dyndns2\"\n";
    env.write_config_dual(3, &[v4.url()], &[v6.url()], &record(&provider, keys));
    let out = env.run(&[]);
    expect_code(&out, 0);
    let targets: Vec<String> = provider.requests().into_iter().map(|r| r.target).collect();
    assert_eq!(
        targets,
        [
            format!("/4?ip={IP1}"),
            "/6?ip=2a01%3A4f8%3A10%3A20%3A%3A5&v4=".to_string()
        ]
    );
}

#[test]
fn reply_rules_choose_the_exit_code() {
    let words = "url = \"SERVER/u?ip={ip}\"\nsuccess = [\"good\", \"nochg\"]\nfailure = [\"badauth\", \"nohost\"]\n";
    for (tag, keys, reply, code) in [
        ("cu-fail", words, Reply::ok("badauth"), 3),
        (
            "cu-unmatched",
            words,
            Reply::ok("<html>maintenance</html>"),
            1,
        ),
        ("cu-5xx", words, Reply::status(503, "good"), 1),
        ("cu-nochg", words, Reply::ok("nochg 81.2.69.160\n"), 0),
        (
            "cu-d2-bad",
            "url = \"SERVER/u\"\nreply = \"dyndns2\"\n",
            Reply::ok("nohost"),
            3,
        ),
        (
            "cu-d2-911",
            "url = \"SERVER/u\"\nreply = \"dyndns2\"\n",
            Reply::status(500, "911"),
            1,
        ),
        (
            "cu-status-ok",
            "url = \"SERVER/u\"\n",
            Reply::status(201, "whatever"),
            0,
        ),
        (
            "cu-status-401",
            "url = \"SERVER/u\"\n",
            Reply::status(401, ""),
            3,
        ),
    ] {
        let (out, sent) = one_run(tag, keys, vec![reply]);
        expect_code(&out, code);
        assert_eq!(sent.len(), 1, "{tag}");
    }
    // 429 with Retry-After: transient, and the wait is kept.
    let reply = Reply::status(429, "").with_header("Retry-After", "7200");
    let (out, _) = one_run("cu-429", "url = \"SERVER/u\"\n", vec![reply]);
    expect_code(&out, 1);
    assert!(out.stderr.contains("next try in 2 h"), "{}", out.stderr);
}

#[test]
fn plain_http_is_refused_unless_allowed() {
    let env = Env::new("cu-http");
    let source = env.ip_source(&[IP1]);
    let provider = MockServer::http(support::script(vec![Reply::ok("ok")]));
    env.write_config(
        3,
        &[source.url()],
        &record(&provider, "url = \"SERVER/u?ip={ip}\"\n"),
    );
    let out = env.run(&[]);
    expect_code(&out, 2);
    assert!(out.stderr.contains("allow_http"), "{}", out.stderr);
    assert_eq!(provider.count(), 0);
    let keys = "url = \"SERVER/u?ip={ip}\"\nallow_http = true\n";
    env.write_config(3, &[source.url()], &record(&provider, keys));
    expect_code(&env.run(&[]), 0);
    assert_eq!(provider.requests()[0].target, format!("/u?ip={IP1}"));
}

#[test]
fn an_unknown_placeholder_is_a_config_error_naming_it() {
    let env = Env::new("cu-unknown");
    let source = env.ip_source(&[IP1]);
    let provider = env.server(vec![Reply::ok("good")]);
    env.write_config(
        3,
        &[source.url()],
        &record(&provider, "url = \"SERVER/u?ip={ipv4}\"\n"),
    );
    for out in [env.run(&[]), env.run(&["check"])] {
        expect_code(&out, 2);
        assert!(
            out.stderr
                .contains("key \"url\": unknown placeholder {ipv4} (known: {ip}, {ip4}"),
            "{}",
            out.stderr
        );
    }
    assert_eq!(provider.count(), 0);
}

#[test]
fn a_preset_pointed_at_the_mock_with_server() {
    let env = Env::new("cu-preset");
    let source = env.ip_source(&[IP1]);
    // DNS Made Easy's success word, as ddns-scripts matches it (SERVICES.md): reconstructed.
    let provider = env.server(vec![Reply::ok("success")]);
    let text = format!(
        "[[record]]\nprovider = \"dnsmadeeasy.com\"\nserver = {:?}\nhostname = \"1007\"\nusername = \"me\"\npassword = {PASS:?}\n",
        provider.url()
    );
    env.write_config(3, &[source.url()], &text);
    let dry = env.dry_run(&[&provider]);
    let out = env.run(&["-vv"]);
    expect_code(&out, 0);
    assert_eq!(
        provider.requests()[0].target,
        format!("/servlet/updateip?username=me&password={PASS}&id=1007&ip={IP1}")
    );
    no_secret(&[&dry, &out], &[&env.state_text().unwrap()], SECRETS);
}
