//! Linode through the real binary: exact requests, both ids remembered so a new address costs one PUT, a missing record created only when allowed, failures classified, no secret shown.
mod harness;
mod support;

use harness::*;
use support::{MockServer, Recorded, Reply};

const TOKEN: &str = "8ecb16673e042f7e44d57a3b30a414397c7c5ebb7a91a75b465693bfbfffadcd";
/// What must never show, whole or in part.
const SECRETS: &[&str] = &[TOKEN, "8ecb16673e04"];
const V6: &str = "2a01:4f8:10:20::5";
const DOMAIN_ID: u64 = 1234;

/// The "Domains List" response sample of https://www.linode.com/docs/api/domains/#domains-list,
/// its domain renamed to this test's.
const DOMAINS: &str = r#"{"data":[{"axfr_ips":[],"description":null,"domain":"example.com","expire_sec":300,"group":null,"id":1234,"master_ips":[],"refresh_sec":300,"retry_sec":300,"soa_email":"admin@example.com","status":"active","tags":["example tag","another example"],"ttl_sec":300,"type":"master"}],"page":1,"pages":1,"results":1}"#;
/// The error object every operation documents as its default answer (`errors[].field`,
/// `errors[].reason`, e.g. https://www.linode.com/docs/api/domains/#domains-list) with the
/// reason Linode gives a bad token ("[401] Invalid Token", as its clients report it, e.g.
/// linode/terraform-provider-linode#325); reconstructed, no published example.
const INVALID_TOKEN: &str = r#"{"errors":[{"reason":"Invalid Token"}]}"#;
const NOT_FOUND: &str = r#"{"errors":[{"reason":"Not found"}]}"#;

/// One record as the "Domain Record View" response sample of
/// https://developers.linode.com/api/v4/domains-domain-id-records-record-id shows it (PUT and POST
/// answer the same object), with this test's id, type, name and target.
fn record_object(id: u64, rr: &str, target: &str) -> String {
    format!(
        r#"{{"created":"2018-01-01T00:01:01","updated":"2018-01-01T00:01:01","id":{id},"type":"{rr}","port":80,"ttl_sec":604800,"name":"home","target":"{target}","priority":50,"weight":50,"service":"","protocol":"","tag":""}}"#
    )
}

/// The "Domain Records List" response sample of
/// https://developers.linode.com/api/v4/domains-domain-id-records holding these records.
fn listed(records: &[(u64, &str, &str)]) -> String {
    let items: Vec<String> = records
        .iter()
        .map(|(id, rr, target)| record_object(*id, rr, target))
        .collect();
    format!(
        r#"{{"data":[{}],"page":1,"pages":1,"results":{}}}"#,
        items.join(","),
        records.len()
    )
}

fn record(server: &MockServer, extra: &str) -> String {
    format!(
        "[[record]]\nprovider = \"linode\"\nserver = {:?}\ndomain = \"example.com\"\nname = \"home\"\ntoken = {TOKEN:?}\n{extra}",
        server.url()
    )
}

#[track_caller]
fn expect_domains(r: &Recorded) {
    assert_eq!(r.method, "GET");
    assert_eq!(r.target, "/v4/domains");
    assert_eq!(r.header("x-filter"), Some(r#"{"domain":"example.com"}"#));
    expect_bearer(r, TOKEN);
}

#[track_caller]
fn expect_records(r: &Recorded, rr: &str) {
    assert_eq!(r.method, "GET");
    assert_eq!(r.target, format!("/v4/domains/{DOMAIN_ID}/records"));
    let filter = format!(r#"{{"name":"home","type":"{rr}"}}"#);
    assert_eq!(r.header("x-filter"), Some(filter.as_str()));
    expect_bearer(r, TOKEN);
}

#[track_caller]
fn expect_put(r: &Recorded, id: u64, ip: &str) {
    assert_eq!(r.method, "PUT");
    assert_eq!(r.target, format!("/v4/domains/{DOMAIN_ID}/records/{id}"));
    expect_bearer(r, TOKEN);
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_eq!(r.body_text(), format!(r#"{{"target":"{ip}"}}"#));
}

#[test]
fn looks_up_then_puts_and_a_later_change_is_one_request() {
    let env = Env::new("ln-put");
    let source = env.ip_source(&[IP1, IP2]);
    let provider = env.server(vec![
        Reply::json(200, DOMAINS),
        Reply::json(200, &listed(&[(5678, "A", "81.2.69.100")])),
        Reply::json(200, &record_object(5678, "A", IP1)),
        Reply::json(200, &record_object(5678, "A", IP2)),
    ]);
    env.write_config(3, &[source.url()], &record(&provider, ""));

    let out = env.run(&["-vv"]);
    expect_code(&out, 0);
    let sent = provider.requests();
    assert_eq!(sent.len(), 3);
    expect_domains(&sent[0]);
    expect_records(&sent[1], "A");
    expect_put(&sent[2], 5678, IP1);
    assert!(
        out.stderr
            .contains("home.example.com (linode): updated A to 81.2.69.160"),
        "{}",
        out.stderr
    );
    no_secret(&[&out], &[], SECRETS);
    let state = env.state_text().unwrap();
    assert!(state.contains("\"cache\":\"1234/5678\""), "{state}");

    // A new address: both ids are known, so one PUT.
    let out = env.run(&["-v"]);
    expect_code(&out, 0);
    let sent = provider.requests();
    assert_eq!(sent.len(), 4);
    expect_put(&sent[3], 5678, IP2);
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
    let env = Env::new("ln-same");
    let source = env.ip_source(&[IP1]);
    let provider = env.server(vec![
        Reply::json(200, DOMAINS),
        Reply::json(200, &listed(&[(5678, "A", IP1)])),
        Reply::json(500, "unexpected write"),
    ]);
    env.write_config(3, &[source.url()], &record(&provider, ""));
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
fn both_families() {
    let env = Env::new("ln-dual");
    let v4 = env.ip_source(&[IP1]);
    let v6 = env.ip_source(&[V6]);
    let provider = env.server(vec![
        Reply::json(200, DOMAINS),
        Reply::json(200, &listed(&[(5678, "A", "81.2.69.100")])),
        Reply::json(200, &record_object(5678, "A", IP1)),
        Reply::json(200, DOMAINS),
        Reply::json(200, &listed(&[(5679, "AAAA", "2a01:4f8:10:20::4")])),
        Reply::json(200, &record_object(5679, "AAAA", V6)),
    ]);
    let record = record(&provider, "family = \"both\"\n");
    env.write_config_dual(3, &[v4.url()], &[v6.url()], &record);
    let out = env.run(&[]);
    expect_code(&out, 0);
    let sent = provider.requests();
    assert_eq!(sent.len(), 6);
    expect_domains(&sent[0]);
    expect_records(&sent[1], "A");
    expect_put(&sent[2], 5678, IP1);
    expect_domains(&sent[3]);
    expect_records(&sent[4], "AAAA");
    expect_put(&sent[5], 5679, V6);
    let state = env.state_text().unwrap();
    assert!(state.contains("\"cache\":\"1234/5679\""), "{state}");
}

#[test]
fn a_missing_record_is_fatal_unless_create_is_set() {
    let env = Env::new("ln-missing");
    let source = env.ip_source(&[IP1]);
    let provider = env.server(vec![
        Reply::json(200, DOMAINS),
        Reply::json(200, &listed(&[])),
    ]);
    env.write_config(3, &[source.url()], &record(&provider, ""));
    let out = env.run(&[]);
    expect_code(&out, 3);
    assert!(
        out.stderr
            .contains("Linode: no A record for home.example.com in domain example.com; create it, or set create = true"),
        "{}",
        out.stderr
    );
    expect_code(&env.run(&[]), 3);
    assert_eq!(provider.count(), 2);

    let env = Env::new("ln-create");
    let source = env.ip_source(&[IP1, IP2]);
    let provider = env.server(vec![
        Reply::json(200, DOMAINS),
        Reply::json(200, &listed(&[])),
        Reply::json(200, &record_object(9012, "A", IP1)),
        Reply::json(200, &record_object(9012, "A", IP2)),
    ]);
    env.write_config(
        3,
        &[source.url()],
        &record(&provider, "create = true\nttl = 300\n"),
    );
    let out = env.run(&[]);
    expect_code(&out, 0);
    let sent = provider.requests();
    assert_eq!(sent.len(), 3);
    assert_eq!(sent[2].method, "POST");
    assert_eq!(sent[2].target, format!("/v4/domains/{DOMAIN_ID}/records"));
    expect_bearer(&sent[2], TOKEN);
    assert_eq!(
        sent[2].body_text(),
        r#"{"type":"A","name":"home","target":"81.2.69.160","ttl_sec":300}"#
    );
    // The created record's id is remembered: the next change is one PUT.
    expect_code(&env.run(&[]), 0);
    let sent = provider.requests();
    assert_eq!(sent.len(), 4);
    expect_put(&sent[3], 9012, IP2);
}

#[test]
fn a_refused_token_exits_3_and_is_not_retried() {
    let env = Env::new("ln-401");
    let source = env.ip_source(&[IP1, IP2]);
    let provider = env.server(vec![Reply::json(401, INVALID_TOKEN)]);
    env.write_config(3, &[source.url()], &record(&provider, ""));
    let out = env.run(&["-vv"]);
    expect_code(&out, 3);
    assert!(
        out.stderr
            .contains("Linode refused the token (HTTP 401: Invalid Token)"),
        "{}",
        out.stderr
    );
    no_secret(&[&out], &[], SECRETS);
    expect_code(&env.run(&[]), 3);
    assert_eq!(provider.count(), 1);
}

#[test]
fn a_token_without_the_domains_scope_is_fatal() {
    let env = Env::new("ln-403");
    let source = env.ip_source(&[IP1]);
    let provider = env.server(vec![
        Reply::json(200, DOMAINS),
        Reply::json(200, &listed(&[(5678, "A", "81.2.69.100")])),
        Reply::json(403, r#"{"errors":[{"reason":"Unauthorized"}]}"#),
    ]);
    env.write_config(3, &[source.url()], &record(&provider, ""));
    let out = env.run(&[]);
    expect_code(&out, 3);
    assert!(
        out.stderr
            .contains("(HTTP 403: Unauthorized); check `token` and its Domains Read/Write scope"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_rate_limit_waits_for_retry_after() {
    let env = Env::new("ln-429");
    let source = env.ip_source(&[IP1]);
    // Rate-limit headers as https://techdocs.akamai.com/linode-api/reference/rate-limits names
    // them; the body is the documented error object (reconstructed).
    let provider = env.server(vec![
        Reply::json(429, r#"{"errors":[{"reason":"Too Many Requests"}]}"#)
            .with_header("X-RateLimit-Limit", "800")
            .with_header("X-RateLimit-Remaining", "0")
            .with_header("X-RateLimit-Reset", "9999999999")
            .with_header("Retry-After", "120"),
    ]);
    env.write_config(3, &[source.url()], &record(&provider, ""));
    let out = env.run(&[]);
    expect_code(&out, 1);
    // Retry-After wins over the (later) reset; the backoff's own floor is 5 min.
    assert!(
        out.stderr
            .contains("(retry in 120 s or later); next try in 5 min"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("Too Many Requests"), "{}", out.stderr);
    expect_code(&env.run(&[]), 1);
    assert_eq!(provider.count(), 1, "backing off: nothing sent");
}

#[test]
fn a_rate_limit_without_retry_after_waits_for_its_reset() {
    let env = Env::new("ln-429r");
    let source = env.ip_source(&[IP1]);
    let provider = env.server(vec![
        Reply::json(429, r#"{"errors":[{"reason":"Too Many Requests"}]}"#)
            .with_header("X-RateLimit-Reset", "9999999999"),
    ]);
    env.write_config(3, &[source.url()], &record(&provider, ""));
    let out = env.run(&[]);
    expect_code(&out, 1);
    assert!(out.stderr.contains("next try in 1 h"), "{}", out.stderr);
}

#[test]
fn dry_run_shows_the_lookup_without_the_token() {
    let env = Env::new("ln-dry");
    let source = env.ip_source(&[IP1]);
    let provider = env.server(vec![Reply::json(200, DOMAINS)]);
    env.write_config(3, &[source.url()], &record(&provider, ""));
    let out = env.dry_run(&[&provider]);
    assert!(
        out.stdout.contains(&format!(
            "GET {}/v4/domains\n  X-Filter: {{\"domain\":\"example.com\"}}\n  Authorization: Bearer ***",
            provider.url()
        )),
        "{}",
        out.stdout
    );
    no_secret(&[&out], &[], SECRETS);
}

#[test]
fn a_remembered_record_that_is_gone_is_looked_up_again() {
    let env = Env::new("ln-gone");
    let source = env.ip_source(&[IP1, IP2]);
    let provider = env.server(vec![
        Reply::json(200, DOMAINS),
        Reply::json(200, &listed(&[(5678, "A", IP1)])),
        Reply::json(404, NOT_FOUND),
        Reply::json(200, DOMAINS),
        Reply::json(200, &listed(&[(6789, "A", IP1)])),
        Reply::json(200, &record_object(6789, "A", IP2)),
    ]);
    env.write_config(3, &[source.url()], &record(&provider, ""));
    expect_code(&env.run(&[]), 0);
    assert_eq!(provider.count(), 2);
    let out = env.run(&["-v"]);
    expect_code(&out, 0);
    let sent = provider.requests();
    assert_eq!(sent.len(), 6);
    expect_put(&sent[2], 5678, IP2);
    expect_domains(&sent[3]);
    expect_records(&sent[4], "A");
    expect_put(&sent[5], 6789, IP2);
    let state = env.state_text().unwrap();
    assert!(state.contains("\"cache\":\"1234/6789\""), "{state}");
}
