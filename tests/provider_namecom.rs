//! Name.com API v4 through the real binary: list then update by id, a remembered id makes a later change one request, create when allowed, failures classified, no secret shown.
mod harness;
mod support;

use harness::*;
use support::{MockServer, Recorded, Reply};

const USERNAME: &str = "ddnsup-test";
const TOKEN: &str = "4f3c2b1a0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b";
/// base64("ddnsup-test:4f3c...6c5b"), the Basic credentials.
const BASIC: &str =
    "Basic ZGRuc3VwLXRlc3Q6NGYzYzJiMWEwZTlkOGM3YjZhNWY0ZTNkMmMxYjBhOWY4ZTdkNmM1Yg==";
/// What must never show, whole or in part (the token and the Basic credentials).
const SECRETS: &[&str] = &[TOKEN, "4f3c2b1a0e9d", "ZGRuc3VwLXRlc3Q6"];
const V6: &str = "2a01:4f8:10:20::5";
const LIST_PATH: &str = "/v4/domains/example.org/records?perPage=1000";

/// One record in the shape of the ListRecords example response of
/// https://www.name.com/api-docs/DNS (`{"id":12345,"domainName":"example.org","host":"www",
/// "fqdn":"www.example.org","type":"A","answer":"10.0.0.1","ttl":300}`), with this test's values.
fn record_json(id: u64, host: &str, rr: &str, answer: &str) -> String {
    format!(
        r#"{{"id":{id},"domainName":"example.org","host":"{host}","fqdn":"{host}.example.org","type":"{rr}","answer":"{answer}","ttl":300}}"#
    )
}

/// A ListRecords answer: the example's envelope `{"records":[...]}` around `records`; a
/// mail record of the zone is listed too, which must be left alone.
fn listed(records: &[String]) -> String {
    let mut all = vec![record_json(1001, "mail", "A", "192.0.2.25")];
    all.extend_from_slice(records);
    format!(r#"{{"records":[{}]}}"#, all.join(","))
}

/// 401 for bad credentials: the `message` error shape with the wording v4 sends
/// (`Unauthenticated`, as the registered_domains gem matches it:
/// https://www.rubydoc.info/gems/registered_domains/0.1.4/RegisteredDomains/NameCom/Domains).
/// Reconstructed, not a published example body.
const UNAUTHENTICATED: &str = r#"{"message":"Unauthenticated"}"#;
/// The 403 body of the Core API reference (https://docs.name.com, UpdateRecord responses),
/// assembled from its field examples (`message`, `details`).
const DENIED: &str = r#"{"message":"Permission denied","details":"Failed authentication"}"#;
/// The NotFound404 schema of the Core API reference (https://docs.name.com), assembled from
/// its field examples.
const NOT_FOUND: &str =
    r#"{"message":"Not Found","details":"The requested domain does not exist."}"#;
/// The 429 answer of the Core API reference (https://docs.name.com): its `message` example;
/// `details` paraphrases the description. Sent with `X-RateLimit-Reset` (a UNIX time).
const LIMITED: &str =
    r#"{"message":"Rate Limit Exceeded","details":"You have exceeded the rate limit."}"#;

fn record(server: &MockServer, extra: &str) -> String {
    format!(
        "[[record]]\nprovider = \"namecom\"\nserver = {:?}\ndomain = \"example.org\"\nname = \"www\"\nusername = {USERNAME:?}\ntoken = {TOKEN:?}\n{extra}",
        server.url()
    )
}

#[track_caller]
fn expect_list(r: &Recorded) {
    assert_eq!(r.method, "GET");
    assert_eq!(r.target, LIST_PATH);
    assert_eq!(r.header("authorization"), Some(BASIC));
}

#[track_caller]
fn expect_write(r: &Recorded, method: &str, path: &str, rr: &str, ip: &str) {
    assert_eq!(r.method, method);
    assert_eq!(r.target, path);
    assert_eq!(r.header("authorization"), Some(BASIC));
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_eq!(
        r.body_text(),
        format!(r#"{{"host":"www","type":"{rr}","answer":"{ip}","ttl":300}}"#)
    );
}

#[test]
fn lists_then_updates_and_a_later_change_is_one_request() {
    let env = Env::new("nc-update");
    let source = env.ip_source(&[IP1, IP2]);
    let provider = env.server(vec![
        Reply::json(
            200,
            &listed(&[record_json(12345, "www", "A", "81.2.69.100")]),
        ),
        Reply::json(200, &record_json(12345, "www", "A", IP1)),
        Reply::json(200, &record_json(12345, "www", "A", IP2)),
    ]);
    env.write_config(3, &[source.url()], &record(&provider, ""));

    let out = env.run(&["-vv"]);
    expect_code(&out, 0);
    let sent = provider.requests();
    assert_eq!(sent.len(), 2);
    expect_list(&sent[0]);
    expect_write(
        &sent[1],
        "PUT",
        "/v4/domains/example.org/records/12345",
        "A",
        IP1,
    );
    assert!(
        out.stderr
            .contains("www.example.org (namecom): updated A to 81.2.69.160"),
        "{}",
        out.stderr
    );
    no_secret(&[&out], &[], SECRETS);
    let state = env.state_text().unwrap();
    assert!(state.contains("\"cache\":\"12345/300\""), "{state}");

    // A new address: the id is known, so one update.
    let out = env.run(&["-v"]);
    expect_code(&out, 0);
    let sent = provider.requests();
    assert_eq!(sent.len(), 3);
    expect_write(
        &sent[2],
        "PUT",
        "/v4/domains/example.org/records/12345",
        "A",
        IP2,
    );
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
    let env = Env::new("nc-same");
    let source = env.ip_source(&[IP1]);
    let provider = env.server(vec![
        Reply::json(200, &listed(&[record_json(12345, "www", "A", IP1)])),
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
    let env = Env::new("nc-dual");
    let v4 = env.ip_source(&[IP1]);
    let v6 = env.ip_source(&[V6]);
    let records = [
        record_json(12345, "www", "A", "81.2.69.100"),
        record_json(12346, "www", "AAAA", "2a01:4f8:10:20::4"),
    ];
    let provider = env.server(vec![
        Reply::json(200, &listed(&records)),
        Reply::json(200, &record_json(12345, "www", "A", IP1)),
        Reply::json(200, &listed(&records)),
        Reply::json(200, &record_json(12346, "www", "AAAA", V6)),
    ]);
    let record = record(&provider, "family = \"both\"\n");
    env.write_config_dual(3, &[v4.url()], &[v6.url()], &record);
    let out = env.run(&[]);
    expect_code(&out, 0);
    let sent = provider.requests();
    assert_eq!(sent.len(), 4);
    expect_list(&sent[0]);
    expect_write(
        &sent[1],
        "PUT",
        "/v4/domains/example.org/records/12345",
        "A",
        IP1,
    );
    expect_list(&sent[2]);
    expect_write(
        &sent[3],
        "PUT",
        "/v4/domains/example.org/records/12346",
        "AAAA",
        V6,
    );
    let state = env.state_text().unwrap();
    assert!(state.contains("\"cache\":\"12346/300\""), "{state}");
}

#[test]
fn a_missing_record_is_fatal_unless_create_is_set() {
    let env = Env::new("nc-missing");
    let source = env.ip_source(&[IP1]);
    let provider = env.server(vec![Reply::json(200, &listed(&[]))]);
    env.write_config(3, &[source.url()], &record(&provider, ""));
    let out = env.run(&[]);
    expect_code(&out, 3);
    assert!(
        out.stderr.contains(
            "Name.com: no A record www in domain example.org; create it, or set create = true"
        ),
        "{}",
        out.stderr
    );
    expect_code(&env.run(&[]), 3);
    assert_eq!(provider.count(), 1);

    let env = Env::new("nc-create");
    let source = env.ip_source(&[IP1]);
    let provider = env.server(vec![
        Reply::json(200, &listed(&[])),
        Reply::json(200, &record_json(777, "www", "A", IP1)),
    ]);
    env.write_config(3, &[source.url()], &record(&provider, "create = true\n"));
    let out = env.run(&[]);
    expect_code(&out, 0);
    let sent = provider.requests();
    assert_eq!(sent.len(), 2);
    expect_write(
        &sent[1],
        "POST",
        "/v4/domains/example.org/records",
        "A",
        IP1,
    );
    let state = env.state_text().unwrap();
    assert!(state.contains("\"cache\":\"777/300\""), "{state}");
}

#[test]
fn bad_credentials_exit_3_and_are_not_retried() {
    let env = Env::new("nc-401");
    let source = env.ip_source(&[IP1, IP2]);
    let provider = env.server(vec![Reply::json(401, UNAUTHENTICATED)]);
    env.write_config(3, &[source.url()], &record(&provider, ""));
    let out = env.run(&["-vv"]);
    expect_code(&out, 3);
    assert!(
        out.stderr
            .contains("Name.com refused the username and token (HTTP 401: Unauthenticated)"),
        "{}",
        out.stderr
    );
    no_secret(&[&out], &[], SECRETS);
    expect_code(&env.run(&[]), 3);
    assert_eq!(provider.count(), 1);
}

#[test]
fn api_access_refused_is_fatal_with_a_hint() {
    let env = Env::new("nc-403");
    let source = env.ip_source(&[IP1]);
    let provider = env.server(vec![Reply::json(403, DENIED)]);
    env.write_config(3, &[source.url()], &record(&provider, ""));
    let out = env.run(&[]);
    expect_code(&out, 3);
    assert!(
        out.stderr.contains(
            "permission denied (HTTP 403: Permission denied); turn on API access for the account"
        ),
        "{}",
        out.stderr
    );
}

#[test]
fn an_unknown_domain_is_fatal() {
    let env = Env::new("nc-404");
    let source = env.ip_source(&[IP1]);
    let provider = env.server(vec![Reply::json(404, NOT_FOUND)]);
    env.write_config(3, &[source.url()], &record(&provider, ""));
    let out = env.run(&[]);
    expect_code(&out, 3);
    assert!(
        out.stderr
            .contains("Name.com: no domain example.org in this account (HTTP 404: Not Found)"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_rate_limit_waits_for_the_reset_time() {
    let env = Env::new("nc-429");
    let source = env.ip_source(&[IP1]);
    let provider = env.server(vec![
        Reply::json(429, LIMITED).with_header("X-RateLimit-Reset", &(now() + 1800).to_string()),
    ]);
    env.write_config(3, &[source.url()], &record(&provider, ""));
    let out = env.run(&[]);
    expect_code(&out, 1);
    assert!(out.stderr.contains("Rate Limit Exceeded"), "{}", out.stderr);
    // 1800 s from the test's clock: 29 or 30 min from the run's, a second later.
    assert!(
        out.stderr.contains("next try in 30 min") || out.stderr.contains("next try in 29 min"),
        "{}",
        out.stderr
    );
    expect_code(&env.run(&[]), 1);
    assert_eq!(provider.count(), 1, "backing off: nothing sent");
}

#[test]
fn garbage_is_a_transient_failure() {
    let env = Env::new("nc-garbage");
    let source = env.ip_source(&[IP1]);
    let provider = env.server(vec![
        Reply::json(
            200,
            &listed(&[record_json(12345, "www", "A", "81.2.69.100")]),
        ),
        Reply::json(
            200,
            r#"{"id":12345,"type":"A","answer":"81.2.69.160","ttl":3"#,
        ),
    ]);
    env.write_config(3, &[source.url()], &record(&provider, ""));
    let out = env.run(&[]);
    expect_code(&out, 1);
    assert!(
        !env.state_text().unwrap().contains("\"ip\":\"81.2.69.160\""),
        "a cut-off reply is not a confirmation"
    );
}

#[test]
fn dry_run_shows_the_list_without_the_credentials() {
    let env = Env::new("nc-dry");
    let source = env.ip_source(&[IP1]);
    let provider = env.server(vec![Reply::json(200, &listed(&[]))]);
    env.write_config(3, &[source.url()], &record(&provider, ""));
    let out = env.dry_run(&[&provider]);
    assert!(
        out.stdout.contains(&format!(
            "GET {}{LIST_PATH}\n  Authorization: Basic ***",
            provider.url()
        )),
        "{}",
        out.stdout
    );
    no_secret(&[&out], &[], SECRETS);
}
