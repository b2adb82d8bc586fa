//! Hetzner DNS (Cloud API) through the real binary: exact requests, a known rrset makes a new address one set_records, failures classified, no secret shown.
mod harness;
mod support;

use harness::*;
use support::{MockServer, Recorded, Reply};

const TOKEN: &str = "jEheVytlAoFl7F8MqUQ7jAo2hOXASztX0123456789abcdef0123456789abcdef";
const SECRETS: &[&str] = &[TOKEN, "jEheVytlAoFl"];
const V6: &str = "2a01:4f8:10:20::5";

/// The "Get an RRSet" example response of https://docs.hetzner.cloud/reference/cloud#zone-rrsets,
/// with the name and value of this test.
fn rrset(rr: &str, value: &str) -> String {
    format!(
        r#"{{"rrset":{{"id":"home/{rr}","name":"home","type":"{rr}","ttl":3600,"labels":{{"environment":"prod","example.com/my":"label","just-a-key":""}},"protection":{{"change":false}},"records":[{{"value":"{value}","comment":"My web server at Hetzner Cloud."}}],"zone":42}}}}"#
    )
}

/// The "Set Records of an RRSet" example response of
/// https://docs.hetzner.cloud/reference/cloud#zone-rrset-actions.
const ACTION: &str = r#"{"action":{"id":42,"command":"set_rrset_records","status":"running","progress":0,"started":"2016-01-30T23:55:00+00:00","finished":null,"resources":[{"id":42,"type":"zone"}],"error":null}}"#;
/// The documented error shape (https://docs.hetzner.cloud/reference/cloud#errors) with its codes.
const UNAUTHORIZED: &str =
    r#"{"error":{"code":"unauthorized","message":"unable to authenticate","details":{}}}"#;
const NOT_FOUND: &str =
    r#"{"error":{"code":"not_found","message":"rrset not found","details":{}}}"#;

fn record(server: &MockServer, extra: &str) -> String {
    format!(
        "[[record]]\nprovider = \"hetzner\"\nserver = {:?}\nzone = \"example.com\"\nname = \"home\"\ntoken = {TOKEN:?}\n{extra}",
        server.url()
    )
}

#[track_caller]
fn expect_get(r: &Recorded, rr: &str) {
    assert_eq!(r.method, "GET");
    assert_eq!(r.target, format!("/v1/zones/example.com/rrsets/home/{rr}"));
    expect_bearer(r, TOKEN);
}

#[track_caller]
fn expect_set(r: &Recorded, rr: &str, ip: &str) {
    assert_eq!(r.method, "POST");
    assert_eq!(
        r.target,
        format!("/v1/zones/example.com/rrsets/home/{rr}/actions/set_records")
    );
    expect_bearer(r, TOKEN);
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_eq!(
        r.body_text(),
        format!(r#"{{"records":[{{"value":"{ip}"}}]}}"#)
    );
}

#[test]
fn reads_then_sets_and_a_later_change_is_one_request() {
    let env = Env::new("hz-set");
    let source = env.ip_source(&[IP1, IP2]);
    let provider = env.server(vec![
        Reply::json(200, &rrset("A", "81.2.69.100")),
        Reply::json(201, ACTION),
        Reply::json(201, ACTION),
    ]);
    env.write_config(3, &[source.url()], &record(&provider, ""));

    let out = env.run(&["-vv"]);
    expect_code(&out, 0);
    let sent = provider.requests();
    assert_eq!(sent.len(), 2);
    expect_get(&sent[0], "A");
    expect_set(&sent[1], "A", IP1);
    assert!(
        out.stderr
            .contains("home.example.com (hetzner): updated A to 81.2.69.160"),
        "{}",
        out.stderr
    );
    no_secret(&[&out], &[], SECRETS);
    let state = env.state_text().unwrap();
    assert!(state.contains("\"cache\":\"home/A\""), "{state}");

    // A new address: the rrset is known, so one set_records.
    let out = env.run(&[]);
    expect_code(&out, 0);
    let sent = provider.requests();
    assert_eq!(sent.len(), 3);
    expect_set(&sent[2], "A", IP2);

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
fn a_matching_rrset_is_not_written() {
    let env = Env::new("hz-same");
    let source = env.ip_source(&[IP1]);
    let provider = env.server(vec![
        Reply::json(200, &rrset("A", IP1)),
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
    let env = Env::new("hz-dual");
    let v4 = env.ip_source(&[IP1]);
    let v6 = env.ip_source(&[V6]);
    let provider = env.server(vec![
        Reply::json(200, &rrset("A", "81.2.69.100")),
        Reply::json(201, ACTION),
        Reply::json(200, &rrset("AAAA", "2a01:4f8:10:20::4")),
        Reply::json(201, ACTION),
    ]);
    let record = record(&provider, "family = \"both\"\n");
    env.write_config_dual(3, &[v4.url()], &[v6.url()], &record);
    let out = env.run(&[]);
    expect_code(&out, 0);
    let sent = provider.requests();
    assert_eq!(sent.len(), 4);
    expect_get(&sent[0], "A");
    expect_set(&sent[1], "A", IP1);
    expect_get(&sent[2], "AAAA");
    expect_set(&sent[3], "AAAA", V6);
    let state = env.state_text().unwrap();
    assert!(state.contains("\"cache\":\"home/AAAA\""), "{state}");
}

#[test]
fn a_missing_rrset_is_fatal_unless_create_is_set() {
    let env = Env::new("hz-missing");
    let source = env.ip_source(&[IP1]);
    let provider = env.server(vec![Reply::json(404, NOT_FOUND)]);
    env.write_config(3, &[source.url()], &record(&provider, ""));
    let out = env.run(&[]);
    expect_code(&out, 3);
    assert!(
        out.stderr
            .contains("Hetzner: no A rrset home in zone example.com"),
        "{}",
        out.stderr
    );
    expect_code(&env.run(&[]), 3);
    assert_eq!(provider.count(), 1);

    let env = Env::new("hz-create");
    let source = env.ip_source(&[IP1]);
    // "Create an RRSet" answers the rrset and its action (docs.hetzner.cloud, zone-rrsets).
    let created = format!(
        r#"{{"rrset":{},"action":{}}}"#,
        &rrset("A", IP1)[9..rrset("A", IP1).len() - 1],
        &ACTION[10..ACTION.len() - 1]
    );
    let provider = env.server(vec![
        Reply::json(404, NOT_FOUND),
        Reply::json(201, &created),
    ]);
    env.write_config(
        3,
        &[source.url()],
        &record(&provider, "create = true\nttl = 300\n"),
    );
    let out = env.run(&[]);
    expect_code(&out, 0);
    let sent = provider.requests();
    assert_eq!(sent.len(), 2);
    assert_eq!(sent[1].method, "POST");
    assert_eq!(sent[1].target, "/v1/zones/example.com/rrsets");
    assert_eq!(
        sent[1].body_text(),
        r#"{"name":"home","type":"A","ttl":300,"records":[{"value":"81.2.69.160"}]}"#
    );
}

#[test]
fn a_refused_token_exits_3_and_is_not_retried() {
    let env = Env::new("hz-401");
    let source = env.ip_source(&[IP1, IP2]);
    let provider = env.server(vec![Reply::json(401, UNAUTHORIZED)]);
    env.write_config(3, &[source.url()], &record(&provider, ""));
    let out = env.run(&["-vv"]);
    expect_code(&out, 3);
    assert!(
        out.stderr
            .contains("Hetzner refused the token (HTTP 401: unable to authenticate)"),
        "{}",
        out.stderr
    );
    no_secret(&[&out], &[], SECRETS);
    expect_code(&env.run(&[]), 3);
    assert_eq!(provider.count(), 1);
}

#[test]
fn a_rate_limit_waits_for_ratelimit_reset() {
    let env = Env::new("hz-429");
    let source = env.ip_source(&[IP1]);
    let provider = env.server(vec![
        Reply::json(
            429,
            r#"{"error":{"code":"rate_limit_exceeded","message":"limit of 3600 requests per hour reached","details":{}}}"#,
        )
        .with_header("RateLimit-Limit", "3600")
        .with_header("RateLimit-Remaining", "0")
        .with_header("RateLimit-Reset", "9999999999"),
    ]);
    env.write_config(3, &[source.url()], &record(&provider, ""));
    let out = env.run(&[]);
    expect_code(&out, 1);
    assert!(out.stderr.contains("next try in 1 h"), "{}", out.stderr);
    assert!(out.stderr.contains("limit of 3600"), "{}", out.stderr);
    expect_code(&env.run(&[]), 1);
    assert_eq!(provider.count(), 1, "backing off: nothing sent");
}

#[test]
fn dry_run_shows_the_read_without_the_token() {
    let env = Env::new("hz-dry");
    let source = env.ip_source(&[IP1]);
    let provider = env.server(vec![Reply::json(200, &rrset("A", IP1))]);
    env.write_config(3, &[source.url()], &record(&provider, ""));
    let out = env.dry_run(&[&provider]);
    assert!(
        out.stdout.contains(&format!(
            "GET {}/v1/zones/example.com/rrsets/home/A\n  Authorization: Bearer ***",
            provider.url()
        )),
        "{}",
        out.stdout
    );
    no_secret(&[&out], &[], SECRETS);
}
