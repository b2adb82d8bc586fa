//! GoDaddy through the real binary: exact requests, a record seen once makes a new address one PUT, failures classified, no key or secret shown.
mod harness;
mod support;

use harness::*;
use support::{MockServer, Recorded, Reply};

const KEY: &str = "dLP4wKz5PdkS_GuUDNigHcLQFpw4CWNwAQ5";
const SECRET: &str = "GuUFdVFj8nJ1M79RtdwmkZ";
const SECRETS: &[&str] = &[KEY, SECRET, "dLP4wKz5Pdk", "GuUFdVFj8n"];
const V6: &str = "2a01:4f8:10:20::5";

/// GET /v1/domains/{domain}/records/{type}/{name}: an array of the DNSRecord schema of
/// https://developer.godaddy.com/doc/endpoint/domains, as users capture it
/// (`[{"data":"10.0.0.1","name":"@","ttl":600,"type":"A"}]`), with this test's name.
fn records(rr: &str, value: &str) -> String {
    format!(r#"[{{"data":"{value}","name":"home","ttl":600,"type":"{rr}"}}]"#)
}

/// A wrong key or secret (captured in acmesh-official/acme.sh issue #1564).
const UNAUTHENTICATED: &str = r#"{"code":"UNABLE_TO_AUTHENTICATE","message":"Unauthorized : Could not authenticate API key/secret"}"#;
/// An account without API access, 78 bytes (captured in srvrco/getssl issue #847).
const ACCESS_DENIED: &str =
    "{\"code\":\"ACCESS_DENIED\",\"message\":\"Authenticated user is not allowed access\"}\n";
/// The documented ErrorLimit shape (code, message, retryAfterSec); reconstructed.
const LIMITED: &str = r#"{"code":"TOO_MANY_REQUESTS","message":"Too many requests received within interval","retryAfterSec":1800}"#;

fn record(server: &MockServer, extra: &str) -> String {
    format!(
        "[[record]]\nprovider = \"godaddy\"\nserver = {:?}\ndomain = \"example.com\"\nname = \"home\"\nkey = {KEY:?}\nsecret = {SECRET:?}\n{extra}",
        server.url()
    )
}

#[track_caller]
fn expect_auth(r: &Recorded) {
    assert_eq!(
        r.header("authorization"),
        Some(format!("sso-key {KEY}:{SECRET}").as_str())
    );
}

#[track_caller]
fn expect_get(r: &Recorded, rr: &str) {
    assert_eq!(r.method, "GET");
    assert_eq!(
        r.target,
        format!("/v1/domains/example.com/records/{rr}/home")
    );
    expect_auth(r);
}

#[track_caller]
fn expect_put(r: &Recorded, rr: &str, body: &str) {
    assert_eq!(r.method, "PUT");
    assert_eq!(
        r.target,
        format!("/v1/domains/example.com/records/{rr}/home")
    );
    expect_auth(r);
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_eq!(r.body_text(), body);
}

#[test]
fn reads_then_puts_and_a_later_change_is_one_request() {
    let env = Env::new("gd-put");
    let source = env.ip_source(&[IP1, IP2]);
    // A successful PUT answers 200 with no body (lexicon's log in AnalogJ/lexicon issue #214).
    let provider = env.server(vec![
        Reply::json(200, &records("A", "81.2.69.100")),
        Reply::status(200, ""),
        Reply::status(200, ""),
    ]);
    env.write_config(3, &[source.url()], &record(&provider, ""));

    let out = env.run(&["-vv"]);
    expect_code(&out, 0);
    let sent = provider.requests();
    assert_eq!(sent.len(), 2);
    expect_get(&sent[0], "A");
    expect_put(&sent[1], "A", r#"[{"data":"81.2.69.160","ttl":600}]"#);
    assert!(
        out.stderr
            .contains("home.example.com (godaddy): updated A to 81.2.69.160"),
        "{}",
        out.stderr
    );
    no_secret(&[&out], &[], SECRETS);
    let state = env.state_text().unwrap();
    assert!(state.contains("\"cache\":\"600\""), "{state}");

    // A new address: the record was seen, so one PUT.
    let out = env.run(&["-v"]);
    expect_code(&out, 0);
    let sent = provider.requests();
    assert_eq!(sent.len(), 3);
    expect_put(&sent[2], "A", r#"[{"data":"81.2.69.161","ttl":600}]"#);
    no_secret(&[&out], &[], SECRETS);

    // Unchanged: nothing sent.
    expect_code(&env.run(&[]), 0);
    assert_eq!(provider.count(), 3);
    no_secret(
        &[&env.run(&["status"])],
        &[&env.state_text().unwrap()],
        SECRETS,
    );
}

#[test]
fn a_matching_record_is_not_written() {
    let env = Env::new("gd-same");
    let source = env.ip_source(&[IP1]);
    let provider = env.server(vec![
        Reply::json(200, &records("A", IP1)),
        Reply::json(500, "unexpected write"),
    ]);
    env.write_config(3, &[source.url()], &record(&provider, ""));
    let out = env.run(&[]);
    expect_code(&out, 0);
    assert_eq!(provider.count(), 1);
    assert!(
        out.stderr.contains("A already 81.2.69.160"),
        "{}",
        out.stderr
    );
}

#[test]
fn both_families() {
    let env = Env::new("gd-dual");
    let v4 = env.ip_source(&[IP1]);
    let v6 = env.ip_source(&[V6]);
    let provider = env.server(vec![
        Reply::json(200, &records("A", "81.2.69.100")),
        Reply::status(200, ""),
        Reply::json(200, &records("AAAA", "2a01:4f8:10:20::4")),
        Reply::status(200, ""),
    ]);
    let record = record(&provider, "family = \"both\"\nttl = 3600\n");
    env.write_config_dual(3, &[v4.url()], &[v6.url()], &record);
    let out = env.run(&[]);
    expect_code(&out, 0);
    let sent = provider.requests();
    assert_eq!(sent.len(), 4);
    expect_get(&sent[0], "A");
    expect_put(&sent[1], "A", r#"[{"data":"81.2.69.160","ttl":3600}]"#);
    expect_get(&sent[2], "AAAA");
    expect_put(
        &sent[3],
        "AAAA",
        &format!(r#"[{{"data":"{V6}","ttl":3600}}]"#),
    );
}

#[test]
fn a_missing_record_is_fatal_unless_create_is_set() {
    // No record of the name and type: 200 with `[]` (navilg/godaddy-ddns issue #6).
    let env = Env::new("gd-missing");
    let source = env.ip_source(&[IP1]);
    let provider = env.server(vec![Reply::json(200, "[]")]);
    env.write_config(3, &[source.url()], &record(&provider, ""));
    let out = env.run(&[]);
    expect_code(&out, 3);
    assert!(
        out.stderr
            .contains("GoDaddy: no A record home in example.com; create it, or set create = true"),
        "{}",
        out.stderr
    );
    expect_code(&env.run(&[]), 3);
    assert_eq!(provider.count(), 1);

    let env = Env::new("gd-create");
    let source = env.ip_source(&[IP1]);
    let provider = env.server(vec![Reply::json(200, "[]"), Reply::status(200, "")]);
    env.write_config(
        3,
        &[source.url()],
        &record(&provider, "create = true\nttl = 600\n"),
    );
    let out = env.run(&[]);
    expect_code(&out, 0);
    let sent = provider.requests();
    assert_eq!(sent.len(), 2);
    expect_put(&sent[1], "A", r#"[{"data":"81.2.69.160","ttl":600}]"#);
}

#[test]
fn refused_keys_exit_3_and_are_not_retried() {
    for (tag, status, body, said) in [
        (
            "gd-401",
            401,
            UNAUTHENTICATED,
            "GoDaddy refused the key (HTTP 401: Unauthorized : Could not authenticate API key/secret)",
        ),
        (
            "gd-403",
            403,
            ACCESS_DENIED,
            "GoDaddy denied access (HTTP 403: Authenticated user is not allowed access); its DNS API needs an account with 10 or more domains or a Discount Domain Club plan",
        ),
    ] {
        let env = Env::new(tag);
        let source = env.ip_source(&[IP1, IP2]);
        let provider = env.server(vec![Reply::json(status, body)]);
        env.write_config(3, &[source.url()], &record(&provider, ""));
        let out = env.run(&["-vv"]);
        expect_code(&out, 3);
        assert!(out.stderr.contains(said), "{}", out.stderr);
        no_secret(&[&out], &[], SECRETS);
        expect_code(&env.run(&[]), 3);
        assert_eq!(provider.count(), 1);
    }
}

#[test]
fn a_rate_limit_waits_for_retry_after_sec() {
    let env = Env::new("gd-429");
    let source = env.ip_source(&[IP1]);
    let provider = env.server(vec![Reply::json(429, LIMITED)]);
    env.write_config(3, &[source.url()], &record(&provider, ""));
    let out = env.run(&[]);
    expect_code(&out, 1);
    assert!(out.stderr.contains("next try in 30 min"), "{}", out.stderr);
    assert!(
        out.stderr.contains("Too many requests received"),
        "{}",
        out.stderr
    );
    expect_code(&env.run(&[]), 1);
    assert_eq!(provider.count(), 1, "backing off: nothing sent");
}

#[test]
fn dry_run_shows_the_read_without_the_key() {
    let env = Env::new("gd-dry");
    let source = env.ip_source(&[IP1]);
    let provider = env.server(vec![Reply::json(200, &records("A", IP1))]);
    env.write_config(3, &[source.url()], &record(&provider, ""));
    let out = env.dry_run(&[&provider]);
    assert!(
        out.stdout.contains(&format!(
            "GET {}/v1/domains/example.com/records/A/home\n  Authorization: sso-key ***",
            provider.url()
        )),
        "{}",
        out.stdout
    );
    no_secret(&[&out], &[], SECRETS);
}
