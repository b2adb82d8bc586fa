//! IONOS through the real binary: zone and record found by name, ids remembered so a new address is one PUT, a missing record POSTed when allowed, failures classified, no key shown.
mod harness;
mod support;

use harness::*;
use support::{MockServer, Recorded, Reply};

const API_KEY: &str = "7c1b9e0f3a2d4c6b8e0f1a2b3c4d5e6f.Xq3vT8mK2pL9sR4wY7zA1bC5dE6fG0hJkLmNoPqRsTuVwXyZ0123456789abcd";
const SECRETS: &[&str] = &[API_KEY, "7c1b9e0f3a2d", "Xq3vT8mK2pL9"];
const V6: &str = "2a01:4f8:10:20::5";
const ZONE_ID: &str = "11af3414-ebba-11e9-8df5-66fbe8a334b4";
const RECORD_ID: &str = "22af3414-abbe-9e11-5df5-66fbe8e334b4";
const RECORD6_ID: &str = "33af3414-abbe-9e11-5df5-66fbe8e334b4";

/// The GET /v1/zones example of https://developer.hosting.ionos.com/docs/dns, with this
/// test's zone name.
const ZONES: &str =
    r#"[{"name":"example.com","id":"11af3414-ebba-11e9-8df5-66fbe8a334b4","type":"NATIVE"}]"#;

/// A RecordResponse as in the GET /v1/zones/{zoneId} example of the same page, with this
/// test's name, type, content and id.
fn record(id: &str, rr: &str, content: &str) -> String {
    format!(
        r#"{{"id":"{id}","name":"home.example.com","rootName":"example.com","type":"{rr}","content":"{content}","changeDate":"2019-12-09T13:04:25.772Z","ttl":3600,"prio":0,"disabled":false}}"#
    )
}

/// The GET /v1/zones/{zoneId} example (ZoneDetails) holding `records`.
fn zone(records: &[String]) -> String {
    format!(
        r#"{{"id":"{ZONE_ID}","name":"example.com","type":"NATIVE","records":[{}]}}"#,
        records.join(",")
    )
}

/// The documented 401 error array.
const UNAUTHORIZED: &str =
    r#"[{"code":"UNAUTHORIZED","message":"The customer is not authorized to do this operation."}]"#;

fn config(server: &MockServer, extra: &str) -> String {
    format!(
        "[[record]]\nprovider = \"ionos\"\nserver = {:?}\nzone = \"example.com\"\nname = \"home\"\napi_key = {API_KEY:?}\n{extra}",
        server.url()
    )
}

#[track_caller]
fn expect_key(r: &Recorded) {
    assert_eq!(r.header("x-api-key"), Some(API_KEY));
}

#[track_caller]
fn expect_zones(r: &Recorded) {
    assert_eq!(
        (r.method.as_str(), r.target.as_str()),
        ("GET", "/dns/v1/zones")
    );
    expect_key(r);
}

#[track_caller]
fn expect_zone(r: &Recorded, rr: &str) {
    assert_eq!(r.method, "GET");
    assert_eq!(
        r.target,
        format!("/dns/v1/zones/{ZONE_ID}?suffix=home.example.com&recordType={rr}")
    );
    expect_key(r);
}

#[track_caller]
fn expect_put(r: &Recorded, id: &str, body: &str) {
    assert_eq!(r.method, "PUT");
    assert_eq!(r.target, format!("/dns/v1/zones/{ZONE_ID}/records/{id}"));
    expect_key(r);
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_eq!(r.body_text(), body);
}

#[test]
fn finds_the_record_then_puts_and_a_later_change_is_one_request() {
    let env = Env::new("io-put");
    let source = env.ip_source(&[IP1, IP2]);
    let provider = env.server(vec![
        Reply::json(200, ZONES),
        Reply::json(200, &zone(&[record(RECORD_ID, "A", "81.2.69.100")])),
        Reply::json(200, &record(RECORD_ID, "A", IP1)),
        Reply::json(200, &record(RECORD_ID, "A", IP2)),
    ]);
    env.write_config(3, &[source.url()], &config(&provider, ""));

    let out = env.run(&["-vv"]);
    expect_code(&out, 0);
    let sent = provider.requests();
    assert_eq!(sent.len(), 3);
    expect_zones(&sent[0]);
    expect_zone(&sent[1], "A");
    expect_put(
        &sent[2],
        RECORD_ID,
        r#"{"content":"81.2.69.160","ttl":3600}"#,
    );
    assert!(
        out.stderr
            .contains("home.example.com (ionos): updated A to 81.2.69.160"),
        "{}",
        out.stderr
    );
    no_secret(&[&out], &[], SECRETS);
    let state = env.state_text().unwrap();
    assert!(
        state.contains(&format!("\"cache\":\"{ZONE_ID}/{RECORD_ID}/3600\"")),
        "{state}"
    );

    // A new address: the ids are known, so one PUT.
    let out = env.run(&["-v"]);
    expect_code(&out, 0);
    let sent = provider.requests();
    assert_eq!(sent.len(), 4);
    expect_put(
        &sent[3],
        RECORD_ID,
        r#"{"content":"81.2.69.161","ttl":3600}"#,
    );
    no_secret(&[&out], &[], SECRETS);

    // Unchanged: nothing sent.
    expect_code(&env.run(&[]), 0);
    assert_eq!(provider.count(), 4);
    no_secret(
        &[&env.run(&["status"])],
        &[&env.state_text().unwrap()],
        SECRETS,
    );
}

#[test]
fn a_matching_record_is_not_written() {
    let env = Env::new("io-same");
    let source = env.ip_source(&[IP1]);
    let provider = env.server(vec![
        Reply::json(200, ZONES),
        Reply::json(200, &zone(&[record(RECORD_ID, "A", IP1)])),
        Reply::json(500, "unexpected write"),
    ]);
    env.write_config(3, &[source.url()], &config(&provider, ""));
    let out = env.run(&[]);
    expect_code(&out, 0);
    assert_eq!(provider.count(), 2);
    assert!(
        out.stderr.contains("A already 81.2.69.160"),
        "{}",
        out.stderr
    );
}

#[test]
fn both_families_share_one_zone_list() {
    let env = Env::new("io-dual");
    let v4 = env.ip_source(&[IP1]);
    let v6 = env.ip_source(&[V6]);
    let provider = env.server(vec![
        Reply::json(200, ZONES),
        Reply::json(200, &zone(&[record(RECORD_ID, "A", "81.2.69.100")])),
        Reply::json(200, &record(RECORD_ID, "A", IP1)),
        Reply::json(
            200,
            &zone(&[record(RECORD6_ID, "AAAA", "2a01:4f8:10:20::4")]),
        ),
        Reply::json(200, &record(RECORD6_ID, "AAAA", V6)),
    ]);
    let record = config(&provider, "family = \"both\"\nttl = 300\n");
    env.write_config_dual(3, &[v4.url()], &[v6.url()], &record);
    let out = env.run(&[]);
    expect_code(&out, 0);
    let sent = provider.requests();
    assert_eq!(sent.len(), 5);
    expect_zones(&sent[0]);
    expect_zone(&sent[1], "A");
    expect_put(
        &sent[2],
        RECORD_ID,
        r#"{"content":"81.2.69.160","ttl":300}"#,
    );
    expect_zone(&sent[3], "AAAA");
    expect_put(
        &sent[4],
        RECORD6_ID,
        &format!(r#"{{"content":"{V6}","ttl":300}}"#),
    );
}

#[test]
fn a_missing_record_is_fatal_unless_create_is_set() {
    let env = Env::new("io-missing");
    let source = env.ip_source(&[IP1]);
    let provider = env.server(vec![Reply::json(200, ZONES), Reply::json(200, &zone(&[]))]);
    env.write_config(3, &[source.url()], &config(&provider, ""));
    let out = env.run(&[]);
    expect_code(&out, 3);
    assert!(
        out.stderr.contains(
            "IONOS: no A record home.example.com in zone example.com; create it, or set create = true"
        ),
        "{}",
        out.stderr
    );
    expect_code(&env.run(&[]), 3);
    assert_eq!(provider.count(), 2);

    // POST answers 201 with the created records (an array of RecordResponse).
    let env = Env::new("io-create");
    let source = env.ip_source(&[IP1, IP2]);
    let provider = env.server(vec![
        Reply::json(200, ZONES),
        Reply::json(200, &zone(&[])),
        Reply::json(201, &format!("[{}]", record(RECORD_ID, "A", IP1))),
        Reply::json(200, &record(RECORD_ID, "A", IP2)),
    ]);
    env.write_config(3, &[source.url()], &config(&provider, "create = true\n"));
    let out = env.run(&[]);
    expect_code(&out, 0);
    let sent = provider.requests();
    assert_eq!(sent.len(), 3);
    assert_eq!(sent[2].method, "POST");
    assert_eq!(sent[2].target, format!("/dns/v1/zones/{ZONE_ID}/records"));
    assert_eq!(
        sent[2].body_text(),
        r#"[{"name":"home.example.com","type":"A","content":"81.2.69.160"}]"#
    );
    // The created record's id is known: the next change is one PUT.
    expect_code(&env.run(&[]), 0);
    let sent = provider.requests();
    assert_eq!(sent.len(), 4);
    expect_put(&sent[3], RECORD_ID, r#"{"content":"81.2.69.161"}"#);
}

#[test]
fn a_zone_the_key_cannot_see_is_fatal() {
    let env = Env::new("io-nozone");
    let source = env.ip_source(&[IP1]);
    let provider = env.server(vec![Reply::json(200, "[]")]);
    env.write_config(3, &[source.url()], &config(&provider, ""));
    let out = env.run(&[]);
    expect_code(&out, 3);
    assert!(
        out.stderr
            .contains("IONOS: no zone example.com for this API key"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_refused_key_exits_3_and_is_not_retried() {
    let env = Env::new("io-401");
    let source = env.ip_source(&[IP1, IP2]);
    let provider = env.server(vec![Reply::json(401, UNAUTHORIZED)]);
    env.write_config(3, &[source.url()], &config(&provider, ""));
    let out = env.run(&["-vv"]);
    expect_code(&out, 3);
    assert!(
        out.stderr.contains(
            "IONOS refused the API key (HTTP 401: The customer is not authorized to do this operation.)"
        ),
        "{}",
        out.stderr
    );
    no_secret(&[&out], &[], SECRETS);
    expect_code(&env.run(&[]), 3);
    assert_eq!(provider.count(), 1);
}

#[test]
fn a_rate_limit_waits_for_retry_after() {
    let env = Env::new("io-429");
    let source = env.ip_source(&[IP1]);
    // The error array shape with a code for the limit; reconstructed (no published example).
    let provider = env.server(vec![
        Reply::json(
            429,
            r#"[{"code":"TOO_MANY_REQUESTS","message":"Too many requests"}]"#,
        )
        .with_header("Retry-After", "1200"),
    ]);
    env.write_config(3, &[source.url()], &config(&provider, ""));
    let out = env.run(&[]);
    expect_code(&out, 1);
    assert!(out.stderr.contains("next try in 20 min"), "{}", out.stderr);
    expect_code(&env.run(&[]), 1);
    assert_eq!(provider.count(), 1, "backing off: nothing sent");
}

#[test]
fn dry_run_shows_the_zone_list_without_the_key() {
    let env = Env::new("io-dry");
    let source = env.ip_source(&[IP1]);
    let provider = env.server(vec![Reply::json(200, ZONES)]);
    env.write_config(3, &[source.url()], &config(&provider, ""));
    let out = env.dry_run(&[&provider]);
    assert!(
        out.stdout.contains(&format!(
            "GET {}/dns/v1/zones\n  X-API-Key: ***",
            provider.url()
        )),
        "{}",
        out.stdout
    );
    no_secret(&[&out], &[], SECRETS);
}
