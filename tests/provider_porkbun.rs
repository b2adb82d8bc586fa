//! Porkbun through the real binary: exact requests (only the documented edit fields), no edit when the content matches, fatal and transient failures by code or wording, no secret shown.
mod harness;
mod support;

use harness::*;
use support::{MockServer, Recorded, Reply};

const API_KEY: &str = "pk1_0123456789abcdef0123456789abcdef";
const SECRET_KEY: &str = "sk1_fedcba9876543210fedcba9876543210";
/// What must never show, whole or in part.
const SECRETS: &[&str] = &[API_KEY, "pk1_0123", SECRET_KEY, "sk1_fedc"];
const V6: &str = "2a01:4f8:10:20::5";
const KEYS_BODY: &str = r#"{"apikey":"pk1_0123456789abcdef0123456789abcdef","secretapikey":"sk1_fedcba9876543210fedcba9876543210"}"#;
const SUCCESS: &str = r#"{"status":"SUCCESS"}"#;
const BAD_KEY: &str = r#"{"status":"ERROR","message":"Invalid API key. (002)"}"#;
/// Porkbun's documented answer to a bad key pair: the `code` decides, not the wording.
const BAD_KEYS_CODED: &str = r#"{"status":"ERROR","code":"INVALID_API_KEYS_001","message":"API key and secret combination is invalid"}"#;
const EDIT_ERROR: &str =
    r#"{"status":"ERROR","message":"Edit error: We were unable to edit the DNS record."}"#;

/// A retrieve answer holding one record, shaped as PROTOCOLS.md §5.3 shows it.
fn retrieved(name: &str, rr: &str, content: &str) -> String {
    format!(
        r#"{{"status":"SUCCESS","records":[{{"id":"253440869","name":"{name}","type":"{rr}","content":"{content}","ttl":"600","prio":"0","notes":"lab router"}}]}}"#
    )
}

fn record(server: &MockServer, host: &str, extra: &str) -> String {
    format!(
        "[[record]]\nprovider = \"porkbun\"\nserver = {:?}\ndomain = \"example.com\"\nhost = {host:?}\napi_key = {API_KEY:?}\nsecret_api_key = {SECRET_KEY:?}\n{extra}",
        server.url()
    )
}

#[track_caller]
fn expect_post(r: &Recorded, path: &str, body: &str) {
    assert_eq!(r.method, "POST");
    assert_eq!(r.target, path);
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_eq!(r.header("authorization"), None);
    assert_eq!(r.body_text(), body);
}

#[test]
fn edits_a_changed_record_keeping_ttl_and_prio_then_stays_quiet() {
    let env = Env::new("porkbun-edit");
    let source = env.ip_source(&[IP1]);
    let provider = env.server(vec![
        Reply::json(200, &retrieved("home.example.com", "A", "81.2.69.100")),
        Reply::json(200, SUCCESS),
    ]);
    env.write_config(3, &[source.url()], &record(&provider, "home", ""));

    let out = env.run(&["-vv"]);
    expect_code(&out, 0);
    assert!(
        out.stderr
            .contains("home.example.com (porkbun): updated A to 81.2.69.160"),
        "{}",
        out.stderr
    );
    let sent = provider.requests();
    assert_eq!(sent.len(), 2);
    expect_post(
        &sent[0],
        "/api/json/v3/dns/retrieveByNameType/example.com/A/home",
        KEYS_BODY,
    );
    expect_post(
        &sent[1],
        "/api/json/v3/dns/editByNameType/example.com/A/home",
        r#"{"apikey":"pk1_0123456789abcdef0123456789abcdef","secretapikey":"sk1_fedcba9876543210fedcba9876543210","content":"81.2.69.160","ttl":"600","prio":"0"}"#,
    );
    assert!(sent[0].header("user-agent").unwrap().starts_with("ddnsup/"));
    no_secret(&[&out], &[], SECRETS);
    assert!(out.stderr.contains("holds a secret"), "{}", out.stderr);
    let state = env.state_text().unwrap();
    no_secret(&[], &[&state], SECRETS);
    assert!(state.contains("porkbun home.example.com A"), "{state}");

    // Same address next run: nothing is sent.
    let out = env.run(&[]);
    expect_code(&out, 0);
    assert_eq!(provider.count(), 2);
    let out = env.run(&["status"]);
    expect_code(&out, 0);
    assert!(out.stdout.contains("81.2.69.160"), "{}", out.stdout);
    no_secret(&[&out], &[], SECRETS);
}

#[test]
fn matching_content_is_not_edited() {
    let env = Env::new("porkbun-same");
    let source = env.ip_source(&[IP1]);
    let provider = env.server(vec![
        Reply::json(200, &retrieved("home.example.com", "A", IP1)),
        Reply::json(400, EDIT_ERROR),
    ]);
    env.write_config(3, &[source.url()], &record(&provider, "home", ""));

    let out = env.run(&[]);
    expect_code(&out, 0);
    assert_eq!(provider.count(), 1, "no edit when the content matches");
    assert!(
        out.stderr.contains("A already 81.2.69.160 at the provider"),
        "{}",
        out.stderr
    );
    expect_code(&env.run(&[]), 0);
    assert_eq!(provider.count(), 1);
}

#[test]
fn apex_and_both_families_from_key_files() {
    let env = Env::new("porkbun-dual");
    let v4 = env.ip_source(&[IP1]);
    let v6 = env.ip_source(&[V6]);
    let provider = env.server(vec![
        Reply::json(200, &retrieved("example.com", "A", "81.2.69.100")),
        Reply::json(200, SUCCESS),
        Reply::json(200, &retrieved("example.com", "AAAA", V6)),
    ]);
    let dir = env.dir.path();
    std::fs::write(dir.join("api.key"), format!("{API_KEY}\n")).unwrap();
    std::fs::write(dir.join("secret.key"), format!("{SECRET_KEY}\n")).unwrap();
    let text = format!(
        "[[record]]\nprovider = \"porkbun\"\nserver = {:?}\ndomain = \"example.com\"\nhost = \"@\"\napi_key_file = \"api.key\"\nsecret_api_key_file = \"secret.key\"\nfamily = \"both\"\n",
        provider.url()
    );
    env.write_config_dual(3, &[v4.url()], &[v6.url()], &text);

    let out = env.run(&[]);
    expect_code(&out, 0);
    let sent = provider.requests();
    assert_eq!(sent.len(), 3, "A: read + edit; AAAA: read only");
    expect_post(
        &sent[0],
        "/api/json/v3/dns/retrieveByNameType/example.com/A",
        KEYS_BODY,
    );
    expect_post(
        &sent[1],
        "/api/json/v3/dns/editByNameType/example.com/A",
        r#"{"apikey":"pk1_0123456789abcdef0123456789abcdef","secretapikey":"sk1_fedcba9876543210fedcba9876543210","content":"81.2.69.160","ttl":"600","prio":"0"}"#,
    );
    expect_post(
        &sent[2],
        "/api/json/v3/dns/retrieveByNameType/example.com/AAAA",
        KEYS_BODY,
    );
    assert!(
        out.stderr.contains("example.com (porkbun): updated A"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("AAAA already 2a01:4f8:10:20::5"),
        "{}",
        out.stderr
    );
}

#[test]
fn wildcard_host_goes_unescaped_into_the_path() {
    let env = Env::new("porkbun-wild");
    let source = env.ip_source(&[IP1]);
    let provider = env.server(vec![Reply::json(
        200,
        &retrieved("*.example.com", "A", IP1),
    )]);
    env.write_config(3, &[source.url()], &record(&provider, "*", ""));
    expect_code(&env.run(&[]), 0);
    assert_eq!(
        provider.requests()[0].target,
        "/api/json/v3/dns/retrieveByNameType/example.com/A/*"
    );
}

#[test]
fn a_refused_key_exits_3_and_is_not_retried() {
    let env = Env::new("porkbun-badkey");
    let source = env.ip_source(&[IP1, IP2]);
    let provider = env.server(vec![Reply::json(400, BAD_KEY)]);
    env.write_config(3, &[source.url()], &record(&provider, "home", ""));

    let out = env.run(&["-vv"]);
    expect_code(&out, 3);
    assert!(
        out.stderr.contains("Invalid API key. (002)"),
        "{}",
        out.stderr
    );
    no_secret(&[&out], &[], SECRETS);
    assert_eq!(provider.count(), 1);

    let out = env.run(&[]);
    expect_code(&out, 3);
    assert_eq!(provider.count(), 1, "a rejected record sends nothing");
    let out = env.run(&["status"]);
    assert!(
        out.stdout
            .contains("stopped until the record's configuration changes"),
        "{}",
        out.stdout
    );
    no_secret(&[&out], &[&env.state_text().unwrap()], SECRETS);
}

#[test]
fn a_documented_bad_keys_code_exits_3_then_sends_nothing() {
    let env = Env::new("porkbun-badkey-code");
    let source = env.ip_source(&[IP1, IP2]);
    let provider = env.server(vec![Reply::json(400, BAD_KEYS_CODED)]);
    env.write_config(3, &[source.url()], &record(&provider, "home", ""));

    let out = env.run(&[]);
    expect_code(&out, 3);
    assert!(
        out.stderr.contains(
            "Porkbun: API key and secret combination is invalid (INVALID_API_KEYS_001; check api_key and secret_api_key"
        ),
        "{}",
        out.stderr
    );
    assert_eq!(provider.count(), 1);
    // The next run, even with a new address, leaves the stopped record alone.
    let out = env.run(&[]);
    expect_code(&out, 3);
    assert_eq!(provider.count(), 1, "a rejected record sends nothing");
    no_secret(&[&out], &[&env.state_text().unwrap()], SECRETS);
}

#[test]
fn a_rate_limit_code_backs_off() {
    let env = Env::new("porkbun-ratelimit");
    let source = env.ip_source(&[IP1]);
    let limited =
        r#"{"status":"ERROR","code":"RATE_LIMIT_EXCEEDED","message":"Rate limit exceeded"}"#;
    let provider = env.server(vec![Reply::json(400, limited)]);
    env.write_config(3, &[source.url()], &record(&provider, "home", ""));
    let out = env.run(&[]);
    expect_code(&out, 1);
    assert!(out.stderr.contains("RATE_LIMIT_EXCEEDED"), "{}", out.stderr);
    let out = env.run(&[]);
    expect_code(&out, 1);
    assert_eq!(provider.count(), 1, "backing off: nothing sent");
}

#[test]
fn a_missing_record_is_fatal() {
    let env = Env::new("porkbun-norecord");
    let source = env.ip_source(&[IP1]);
    let provider = env.server(vec![Reply::json(
        200,
        r#"{"status":"SUCCESS","records":[]}"#,
    )]);
    env.write_config(3, &[source.url()], &record(&provider, "home", ""));
    let out = env.run(&[]);
    expect_code(&out, 3);
    assert!(
        out.stderr
            .contains("no existing A record for home.example.com at Porkbun; create it first"),
        "{}",
        out.stderr
    );
    assert_eq!(provider.count(), 1);
}

#[test]
fn server_errors_and_edit_errors_back_off() {
    let env = Env::new("porkbun-503");
    let source = env.ip_source(&[IP1]);
    let provider = env.server(vec![
        Reply::status(503, "<html>Service Unavailable</html>"),
        Reply::json(200, &retrieved("home.example.com", "A", "81.2.69.100")),
        Reply::json(400, EDIT_ERROR),
    ]);
    env.write_config(3, &[source.url()], &record(&provider, "home", ""));

    let out = env.run(&[]);
    expect_code(&out, 1);
    assert!(out.stderr.contains("HTTP 503"), "{}", out.stderr);
    assert!(out.stderr.contains("next try in 5 min"), "{}", out.stderr);
    let out = env.run(&[]);
    expect_code(&out, 1);
    assert_eq!(provider.count(), 1, "backing off: nothing sent");

    let out = env.run(&["--force"]);
    expect_code(&out, 1);
    assert_eq!(provider.count(), 3);
    assert!(out.stderr.contains("Edit error"), "{}", out.stderr);
}

#[test]
fn garbage_is_a_transient_failure() {
    let env = Env::new("porkbun-garbage");
    let source = env.ip_source(&[IP1]);
    let provider = env.server(vec![
        Reply::json(200, &retrieved("home.example.com", "A", "81.2.69.100")),
        Reply::json(200, r#"{"status":"SUCCESS","zz":[1,2"#),
    ]);
    env.write_config(3, &[source.url()], &record(&provider, "home", ""));
    let out = env.run(&[]);
    expect_code(&out, 1);
    assert!(
        !env.state_text().unwrap().contains("\"ip\":\"81.2.69.160\""),
        "a cut-off reply is not a confirmation"
    );
}

#[test]
fn dry_run_prints_the_read_without_secrets_and_sends_nothing() {
    let env = Env::new("porkbun-dry");
    let source = env.ip_source(&[IP1]);
    let provider = env.server(vec![Reply::json(200, SUCCESS)]);
    env.write_config(3, &[source.url()], &record(&provider, "home", ""));
    let out = env.dry_run(&[&provider]);
    assert!(
        out.stdout.contains(&format!(
            "POST {}/api/json/v3/dns/retrieveByNameType/example.com/A/home",
            provider.url()
        )),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains(&format!(
            "<body of {} bytes, holds a secret>",
            KEYS_BODY.len()
        )),
        "{}",
        out.stdout
    );
    no_secret(&[&out], &[], SECRETS);
    assert!(env.state_text().is_none());
}

#[test]
fn check_names_the_record_and_key() {
    let env = Env::new("porkbun-check");
    let provider = env.server(vec![Reply::json(200, SUCCESS)]);
    let text = format!(
        "[[record]]\nprovider = \"porkbun\"\nserver = {:?}\ndomain = \"example.com\"\nhost = \"home\"\napi_key = {API_KEY:?}\n",
        provider.url()
    );
    env.write_config(3, &["https://127.0.0.1:9/ip".into()], &text);
    let out = env.run(&["check"]);
    expect_code(&out, 2);
    assert!(
        out.stderr.contains(
            "record 1 (porkbun): missing key \"secret_api_key\" (or \"secret_api_key_file\")"
        ),
        "{}",
        out.stderr
    );
    no_secret(&[&out], &[], SECRETS);
}
