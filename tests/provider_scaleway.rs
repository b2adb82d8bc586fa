//! Scaleway Domains and DNS through the real binary: exact requests, a record once seen makes a new address one `set`, a missing record created only when allowed, failures classified, no secret shown.
mod harness;
mod support;

use harness::*;
use support::{MockServer, Recorded, Reply};

const SECRET_KEY: &str = "0b1e7a4c-93d2-4f5e-8a6b-2c9d0e1f3a57";
/// What must never show, whole or in part.
const SECRETS: &[&str] = &[SECRET_KEY, "0b1e7a4c-93d2"];
const V6: &str = "2a01:4f8:10:20::5";

/// A `Record` as the schemas of https://www.scaleway.com/en/developers/api/domains-and-dns/
/// define it (`data`, `name`, `priority`, `ttl`, `type`, `comment`, the dynamic configs,
/// `id`), with this test's type, data and TTL. Reconstructed: the page publishes no example.
fn record_object(rr: &str, data: &str, ttl: u64) -> String {
    format!(
        r#"{{"data":"{data}","name":"home","priority":0,"ttl":{ttl},"type":"{rr}","comment":null,"geo_ip_config":null,"http_service_config":null,"weighted_config":null,"view_config":null,"id":"11111111-1111-1111-1111-111111111111"}}"#
    )
}

/// A `ListDNSZoneRecordsResponse` (`records`, `total_count`) holding `records`.
fn listed(records: &[String]) -> String {
    format!(
        r#"{{"records":[{}],"total_count":{}}}"#,
        records.join(","),
        records.len()
    )
}

/// An `UpdateDNSZoneRecordsResponse` (`records`) after a `set` to `data`.
fn set_answer(rr: &str, data: &str, ttl: u64) -> String {
    format!(r#"{{"records":[{}]}}"#, record_object(rr, data, ttl))
}

/// The error shapes scaleway-sdk-go reads (`message`, `type`, and `method`/`reason` for a
/// denied authentication); reconstructed.
const DENIED: &str = r#"{"message":"authentication is denied","method":"api_key","reason":"invalid_argument","type":"denied_authentication"}"#;
const QUOTA: &str = r#"{"message":"quota exceeded","type":"too_many_requests"}"#;
const NOT_FOUND: &str = r#"{"message":"resource is not found","resource":"dns_zone","resource_id":"example.com","type":"not_found"}"#;

fn record(server: &MockServer, extra: &str) -> String {
    format!(
        "[[record]]\nprovider = \"scaleway\"\nserver = {:?}\nzone = \"example.com\"\nname = \"home\"\nsecret_key = {SECRET_KEY:?}\n{extra}",
        server.url()
    )
}

#[track_caller]
fn expect_list(r: &Recorded, rr: &str) {
    assert_eq!(r.method, "GET");
    assert_eq!(
        r.target,
        format!("/domain/v2beta1/dns-zones/example.com/records?name=home&type={rr}")
    );
    assert_eq!(r.header("x-auth-token"), Some(SECRET_KEY));
    assert!(r.body.is_empty());
}

#[track_caller]
fn expect_set(r: &Recorded, rr: &str, ip: &str, ttl: u64) {
    assert_eq!(r.method, "PATCH");
    assert_eq!(r.target, "/domain/v2beta1/dns-zones/example.com/records");
    assert_eq!(r.header("x-auth-token"), Some(SECRET_KEY));
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_eq!(
        r.body_text(),
        format!(
            r#"{{"changes":[{{"set":{{"id_fields":{{"name":"home","type":"{rr}"}},"records":[{{"data":"{ip}","name":"home","type":"{rr}","ttl":{ttl}}}]}}}}],"return_all_records":false,"disallow_new_zone_creation":true}}"#
        )
    );
}

#[test]
fn reads_then_sets_and_a_later_change_is_one_request() {
    let env = Env::new("scw-set");
    let source = env.ip_source(&[IP1, IP2]);
    let provider = env.server(vec![
        Reply::json(200, &listed(&[record_object("A", "81.2.69.100", 1800)])),
        Reply::json(200, &set_answer("A", IP1, 1800)),
        Reply::json(200, &set_answer("A", IP2, 1800)),
    ]);
    env.write_config(3, &[source.url()], &record(&provider, ""));

    let out = env.run(&["-vv"]);
    expect_code(&out, 0);
    let sent = provider.requests();
    assert_eq!(sent.len(), 2);
    expect_list(&sent[0], "A");
    // The record's own TTL is kept.
    expect_set(&sent[1], "A", IP1, 1800);
    assert!(
        out.stderr
            .contains("home.example.com (scaleway): updated A to 81.2.69.160"),
        "{}",
        out.stderr
    );
    no_secret(&[&out], &[], SECRETS);
    let state = env.state_text().unwrap();
    assert!(state.contains("\"cache\":\"1800\""), "{state}");

    // A new address: the record was seen, so one set.
    let out = env.run(&["-v"]);
    expect_code(&out, 0);
    let sent = provider.requests();
    assert_eq!(sent.len(), 3);
    expect_set(&sent[2], "A", IP2, 1800);
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
    let env = Env::new("scw-same");
    let source = env.ip_source(&[IP1]);
    let provider = env.server(vec![
        Reply::json(200, &listed(&[record_object("A", IP1, 3600)])),
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
    let env = Env::new("scw-dual");
    let v4 = env.ip_source(&[IP1]);
    let v6 = env.ip_source(&[V6]);
    let provider = env.server(vec![
        Reply::json(200, &listed(&[record_object("A", "81.2.69.100", 3600)])),
        Reply::json(200, &set_answer("A", IP1, 300)),
        Reply::json(
            200,
            &listed(&[record_object("AAAA", "2a01:4f8:10:20::4", 3600)]),
        ),
        Reply::json(200, &set_answer("AAAA", V6, 300)),
    ]);
    let record = record(&provider, "family = \"both\"\nttl = 300\n");
    env.write_config_dual(3, &[v4.url()], &[v6.url()], &record);
    let out = env.run(&[]);
    expect_code(&out, 0);
    let sent = provider.requests();
    assert_eq!(sent.len(), 4);
    expect_list(&sent[0], "A");
    // A configured TTL replaces the record's.
    expect_set(&sent[1], "A", IP1, 300);
    expect_list(&sent[2], "AAAA");
    expect_set(&sent[3], "AAAA", V6, 300);
}

#[test]
fn a_missing_record_is_fatal_unless_create_is_set() {
    let env = Env::new("scw-missing");
    let source = env.ip_source(&[IP1]);
    let provider = env.server(vec![Reply::json(200, &listed(&[]))]);
    env.write_config(3, &[source.url()], &record(&provider, ""));
    let out = env.run(&[]);
    expect_code(&out, 3);
    assert!(
        out.stderr.contains(
            "Scaleway: no A record home.example.com in zone example.com; create it, or set create = true"
        ),
        "{}",
        out.stderr
    );
    expect_code(&env.run(&[]), 3);
    assert_eq!(provider.count(), 1, "nothing written");

    let env = Env::new("scw-create");
    let source = env.ip_source(&[IP1]);
    let provider = env.server(vec![
        Reply::json(200, &listed(&[])),
        Reply::json(200, &set_answer("A", IP1, 3600)),
    ]);
    env.write_config(3, &[source.url()], &record(&provider, "create = true\n"));
    let out = env.run(&[]);
    expect_code(&out, 0);
    let sent = provider.requests();
    assert_eq!(sent.len(), 2);
    // Created with an hour's TTL when none is configured.
    expect_set(&sent[1], "A", IP1, 3600);
}

#[test]
fn a_refused_key_exits_3_and_is_not_retried() {
    for status in [401, 403] {
        let env = Env::new("scw-denied");
        let source = env.ip_source(&[IP1, IP2]);
        let provider = env.server(vec![Reply::json(status, DENIED)]);
        env.write_config(3, &[source.url()], &record(&provider, ""));
        let out = env.run(&["-vv"]);
        expect_code(&out, 3);
        let said = format!(
            "Scaleway refused the secret key (HTTP {status}: authentication is denied); check `secret_key`"
        );
        assert!(out.stderr.contains(&said), "{}", out.stderr);
        no_secret(&[&out], &[], SECRETS);
        expect_code(&env.run(&[]), 3);
        assert_eq!(provider.count(), 1);
    }
}

#[test]
fn an_unknown_zone_is_fatal() {
    let env = Env::new("scw-404");
    let source = env.ip_source(&[IP1]);
    let provider = env.server(vec![Reply::json(404, NOT_FOUND)]);
    env.write_config(3, &[source.url()], &record(&provider, "create = true\n"));
    let out = env.run(&[]);
    expect_code(&out, 3);
    assert!(
        out.stderr
            .contains("Scaleway: no DNS zone example.com for this token (HTTP 404: resource is not found); check `zone`"),
        "{}",
        out.stderr
    );
    assert_eq!(provider.count(), 1, "no set that could create a zone");
}

#[test]
fn a_rate_limit_waits_for_retry_after() {
    let env = Env::new("scw-429");
    let source = env.ip_source(&[IP1]);
    let provider = env.server(vec![
        Reply::json(429, QUOTA).with_header("Retry-After", "3600"),
    ]);
    env.write_config(3, &[source.url()], &record(&provider, ""));
    let out = env.run(&[]);
    expect_code(&out, 1);
    assert!(out.stderr.contains("next try in 1 h"), "{}", out.stderr);
    assert!(out.stderr.contains("quota exceeded"), "{}", out.stderr);
    expect_code(&env.run(&[]), 1);
    assert_eq!(provider.count(), 1, "backing off: nothing sent");
}

#[test]
fn dry_run_shows_the_read_without_the_key() {
    let env = Env::new("scw-dry");
    let source = env.ip_source(&[IP1]);
    let provider = env.server(vec![Reply::json(200, &listed(&[]))]);
    env.write_config(3, &[source.url()], &record(&provider, ""));
    let out = env.dry_run(&[&provider]);
    assert!(
        out.stdout.contains(&format!(
            "GET {}/domain/v2beta1/dns-zones/example.com/records?name=home&type=A\n  X-Auth-Token: ***",
            provider.url()
        )),
        "{}",
        out.stdout
    );
    no_secret(&[&out], &[], SECRETS);
}
