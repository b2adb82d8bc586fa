//! Spaceship through the real binary: list, upsert the new address, delete the old one (no stale second record), no write when unchanged, failures classified, no secret shown.
mod harness;
mod support;

use harness::*;
use support::{MockServer, Recorded, Reply};

const API_KEY: &str = "JdIS8QYFMZpVKupJtdc3";
const API_SECRET: &str = "F3brvQluT4s8aDB7PeFBH6qKHfH2xTKTneCjZbq3z2w7rj2vV6n_zhSvvJoQ";
/// What must never show, whole or in part.
const SECRETS: &[&str] = &[API_KEY, "JdIS8QYF", API_SECRET, "F3brvQluT4s8"];
const V6: &str = "2a01:4f8:10:20::5";
const LIST_PATH: &str = "/api/v1/dns/records/example.com?take=100&skip=0";
const RECORDS_PATH: &str = "/api/v1/dns/records/example.com";

/// A "Get resource records list" answer (https://docs.spaceship.dev/#tag/DNS-records):
/// `{"items":[...],"total":N}`, each item with `type`, `name`, `ttl`, `address` and `group`.
/// Reconstructed from the documented schema, not copied from a published example. A TXT record
/// of the name and an A record of Spaceship's own (group `product`) are listed too, and
/// must be left alone.
fn listed(records: &[(&str, &str)]) -> String {
    let mut items = vec![
        r#"{"type":"TXT","name":"home","ttl":3600,"value":"v=spf1 -all","group":{"type":"custom"}}"#.to_string(),
        r#"{"type":"A","name":"*","ttl":3600,"address":"15.197.162.184","group":{"type":"product"}}"#.to_string(),
    ];
    for (rr, address) in records {
        items.push(format!(
            r#"{{"type":"{rr}","name":"home","ttl":1800,"address":"{address}","group":{{"type":"custom"}}}}"#
        ));
    }
    format!(
        r#"{{"items":[{}],"total":{}}}"#,
        items.join(","),
        items.len()
    )
}

/// Spaceship's error body `{"detail":...}` for 401 and 429 (PROTOCOLS.md §8.5, from ddclient's
/// t/protocol_spaceship.pl).
const UNAUTHORIZED: &str = r#"{"detail":"Unauthorized"}"#;
const TOO_MANY: &str = r#"{"detail":"Too Many Requests"}"#;

fn record(server: &MockServer, extra: &str) -> String {
    format!(
        "[[record]]\nprovider = \"spaceship\"\nserver = {:?}\ndomain = \"example.com\"\nname = \"home\"\napi_key = {API_KEY:?}\napi_secret = {API_SECRET:?}\n{extra}",
        server.url()
    )
}

#[track_caller]
fn expect_keys(r: &Recorded) {
    assert_eq!(r.header("x-api-key"), Some(API_KEY));
    assert_eq!(r.header("x-api-secret"), Some(API_SECRET));
}

#[track_caller]
fn expect_list(r: &Recorded) {
    assert_eq!(r.method, "GET");
    assert_eq!(r.target, LIST_PATH);
    expect_keys(r);
}

#[track_caller]
fn expect_put(r: &Recorded, rr: &str, ip: &str, ttl: u64) {
    assert_eq!(r.method, "PUT");
    assert_eq!(r.target, RECORDS_PATH);
    expect_keys(r);
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_eq!(
        r.body_text(),
        format!(
            r#"{{"force":true,"items":[{{"type":"{rr}","name":"home","address":"{ip}","ttl":{ttl}}}]}}"#
        )
    );
}

#[track_caller]
fn expect_delete(r: &Recorded, rr: &str, ip: &str) {
    assert_eq!(r.method, "DELETE");
    assert_eq!(r.target, RECORDS_PATH);
    expect_keys(r);
    assert_eq!(
        r.body_text(),
        format!(r#"[{{"type":"{rr}","name":"home","address":"{ip}"}}]"#)
    );
}

#[test]
fn upserts_the_new_address_and_deletes_the_old_one() {
    let env = Env::new("ss-update");
    let source = env.ip_source(&[IP1, IP2]);
    let provider = env.server(vec![
        Reply::json(200, &listed(&[("A", "81.2.69.100")])),
        Reply::status(204, ""),
        Reply::status(204, ""),
        Reply::json(200, &listed(&[("A", IP1)])),
        Reply::status(204, ""),
        Reply::status(204, ""),
    ]);
    env.write_config(3, &[source.url()], &record(&provider, ""));

    let out = env.run(&["-vv"]);
    expect_code(&out, 0);
    let sent = provider.requests();
    assert_eq!(sent.len(), 3);
    expect_list(&sent[0]);
    expect_put(&sent[1], "A", IP1, 1800);
    expect_delete(&sent[2], "A", "81.2.69.100");
    assert!(
        out.stderr
            .contains("home.example.com (spaceship): updated A to 81.2.69.160"),
        "{}",
        out.stderr
    );
    no_secret(&[&out], &[], SECRETS);

    // A new address: the list (Spaceship has no record ids), the upsert, the delete.
    let out = env.run(&["-v"]);
    expect_code(&out, 0);
    let sent = provider.requests();
    assert_eq!(sent.len(), 6);
    expect_list(&sent[3]);
    expect_put(&sent[4], "A", IP2, 1800);
    expect_delete(&sent[5], "A", IP1);
    no_secret(&[&out], &[], SECRETS);

    // Unchanged: nothing sent.
    expect_code(&env.run(&[]), 0);
    assert_eq!(provider.count(), 6);
    no_secret(
        &[&env.run(&["status"])],
        &[&env.state_text().unwrap()],
        SECRETS,
    );
}

#[test]
fn a_matching_record_is_not_written() {
    let env = Env::new("ss-same");
    let source = env.ip_source(&[IP1]);
    let provider = env.server(vec![
        Reply::json(200, &listed(&[("A", IP1)])),
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
fn a_failed_delete_is_finished_on_the_next_run() {
    let env = Env::new("ss-stale");
    let source = env.ip_source(&[IP1]);
    let provider = env.server(vec![
        Reply::json(200, &listed(&[("A", "81.2.69.100")])),
        Reply::status(204, ""),
        Reply::json(500, r#"{"detail":"Internal Server Error"}"#),
        // Both addresses are there now: only the old one is deleted.
        Reply::json(200, &listed(&[("A", "81.2.69.100"), ("A", IP1)])),
        Reply::status(204, ""),
    ]);
    env.write_config(3, &[source.url()], &record(&provider, ""));
    let out = env.run(&[]);
    expect_code(&out, 1);
    assert!(out.stderr.contains("HTTP 500"), "{}", out.stderr);
    let out = env.run(&["--force"]);
    expect_code(&out, 0);
    let sent = provider.requests();
    assert_eq!(sent.len(), 5);
    expect_list(&sent[3]);
    expect_delete(&sent[4], "A", "81.2.69.100");
}

#[test]
fn both_families() {
    let env = Env::new("ss-dual");
    let v4 = env.ip_source(&[IP1]);
    let v6 = env.ip_source(&[V6]);
    let both = listed(&[("A", "81.2.69.100"), ("AAAA", "2a01:4f8:10:20::4")]);
    let provider = env.server(vec![
        Reply::json(200, &both),
        Reply::status(204, ""),
        Reply::status(204, ""),
        Reply::json(200, &both),
        Reply::status(204, ""),
        Reply::status(204, ""),
    ]);
    let record = record(&provider, "family = \"both\"\n");
    env.write_config_dual(3, &[v4.url()], &[v6.url()], &record);
    let out = env.run(&[]);
    expect_code(&out, 0);
    let sent = provider.requests();
    assert_eq!(sent.len(), 6);
    expect_list(&sent[0]);
    expect_put(&sent[1], "A", IP1, 1800);
    expect_delete(&sent[2], "A", "81.2.69.100");
    expect_list(&sent[3]);
    expect_put(&sent[4], "AAAA", V6, 1800);
    expect_delete(&sent[5], "AAAA", "2a01:4f8:10:20::4");
}

#[test]
fn a_missing_record_is_fatal_unless_create_is_set() {
    let env = Env::new("ss-missing");
    let source = env.ip_source(&[IP1]);
    let provider = env.server(vec![Reply::json(200, &listed(&[]))]);
    env.write_config(3, &[source.url()], &record(&provider, ""));
    let out = env.run(&[]);
    expect_code(&out, 3);
    assert!(
        out.stderr.contains(
            "Spaceship: no A record home in domain example.com; create it, or set create = true"
        ),
        "{}",
        out.stderr
    );
    expect_code(&env.run(&[]), 3);
    assert_eq!(provider.count(), 1);

    let env = Env::new("ss-create");
    let source = env.ip_source(&[IP1]);
    let provider = env.server(vec![Reply::json(200, &listed(&[])), Reply::status(204, "")]);
    env.write_config(
        3,
        &[source.url()],
        &record(&provider, "create = true\nttl = 300\n"),
    );
    let out = env.run(&[]);
    expect_code(&out, 0);
    let sent = provider.requests();
    assert_eq!(sent.len(), 2, "no delete: nothing stale");
    expect_put(&sent[1], "A", IP1, 300);
}

#[test]
fn refused_keys_exit_3_and_are_not_retried() {
    let env = Env::new("ss-401");
    let source = env.ip_source(&[IP1, IP2]);
    let provider = env.server(vec![Reply::json(401, UNAUTHORIZED)]);
    env.write_config(3, &[source.url()], &record(&provider, ""));
    let out = env.run(&["-vv"]);
    expect_code(&out, 3);
    assert!(
        out.stderr
            .contains("Spaceship refused the API key (HTTP 401: Unauthorized)"),
        "{}",
        out.stderr
    );
    no_secret(&[&out], &[], SECRETS);
    expect_code(&env.run(&[]), 3);
    assert_eq!(provider.count(), 1);
}

#[test]
fn an_unknown_domain_is_fatal() {
    let env = Env::new("ss-404");
    let source = env.ip_source(&[IP1]);
    let provider = env.server(vec![Reply::json(404, r#"{"detail":"Not Found"}"#)]);
    env.write_config(3, &[source.url()], &record(&provider, ""));
    let out = env.run(&[]);
    expect_code(&out, 3);
    assert!(
        out.stderr
            .contains("Spaceship: no domain example.com in this account (HTTP 404: Not Found)"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_rate_limit_waits_for_retry_after() {
    let env = Env::new("ss-429");
    let source = env.ip_source(&[IP1]);
    let provider = env.server(vec![
        Reply::json(429, TOO_MANY).with_header("Retry-After", "1200"),
    ]);
    env.write_config(3, &[source.url()], &record(&provider, ""));
    let out = env.run(&[]);
    expect_code(&out, 1);
    assert!(out.stderr.contains("Too Many Requests"), "{}", out.stderr);
    assert!(out.stderr.contains("next try in 20 min"), "{}", out.stderr);
    expect_code(&env.run(&[]), 1);
    assert_eq!(provider.count(), 1, "backing off: nothing sent");
}

#[test]
fn garbage_is_a_transient_failure() {
    let env = Env::new("ss-garbage");
    let source = env.ip_source(&[IP1]);
    let provider = env.server(vec![Reply::json(200, r#"{"items":[{"type":"A","#)]);
    env.write_config(3, &[source.url()], &record(&provider, ""));
    let out = env.run(&[]);
    expect_code(&out, 1);
    assert_eq!(provider.count(), 1);
}

#[test]
fn dry_run_shows_the_list_without_the_keys() {
    let env = Env::new("ss-dry");
    let source = env.ip_source(&[IP1]);
    let provider = env.server(vec![Reply::json(200, &listed(&[]))]);
    env.write_config(3, &[source.url()], &record(&provider, ""));
    let out = env.dry_run(&[&provider]);
    assert!(
        out.stdout.contains(&format!(
            "GET {}{LIST_PATH}\n  X-API-Key: ***\n  X-API-Secret: ***",
            provider.url()
        )),
        "{}",
        out.stdout
    );
    no_secret(&[&out], &[], SECRETS);
}
