//! Gandi LiveDNS through the real binary: exact requests, no PUT when the rrset matches, creation, fatal and transient failures, no secret shown.
mod harness;
mod support;

use harness::*;
use support::{MockServer, Recorded, Reply};

const TOKEN: &str = "pat_0123456789abcdef0123456789abcdef";
/// What must never show, whole or in part.
const SECRETS: &[&str] = &[TOKEN, "pat_0123"];
const V6: &str = "2a01:4f8:10:20::5";
const CREATED: &str = r#"{"message": "DNS Record Created"}"#;
const UNAUTHORIZED: &str = r#"{"code": 401, "message": "The server could not verify that you authorized to access the document you requested.", "object": "HTTPUnauthorized", "cause": "Unauthorized"}"#;

/// A GET answer, shaped as PROTOCOLS.md §5.4 shows it.
fn rrset(name: &str, rr: &str, ttl: u64, value: &str) -> String {
    format!(
        r#"{{"rrset_name":"{name}","rrset_type":"{rr}","rrset_ttl":{ttl},"rrset_values":["{value}"],"rrset_href":"https://api.gandi.net/v5/livedns/domains/example.com/records/{name}/{rr}"}}"#
    )
}

fn record(server: &MockServer, name: &str, extra: &str) -> String {
    format!(
        "[[record]]\nprovider = \"gandi\"\nserver = {:?}\nzone = \"example.com\"\nname = {name:?}\ntoken = {TOKEN:?}\n{extra}",
        server.url()
    )
}

#[track_caller]
fn expect_request(r: &Recorded, method: &str, path: &str, body: &str) {
    assert_eq!(r.method, method);
    assert_eq!(r.target, path);
    expect_bearer(r, TOKEN);
    assert_eq!(r.body_text(), body);
    if body.is_empty() {
        assert_eq!(r.header("content-type"), None);
    } else {
        assert_eq!(r.header("content-type"), Some("application/json"));
    }
}

#[test]
fn replaces_a_changed_rrset_keeping_its_ttl_then_stays_quiet() {
    let env = Env::new("gandi-put");
    let source = env.ip_source(&[IP1]);
    let provider = env.server(vec![
        Reply::json(200, &rrset("home", "A", 1800, "81.2.69.100")),
        Reply::json(201, CREATED),
    ]);
    env.write_config(3, &[source.url()], &record(&provider, "home", ""));

    let out = env.run(&["-vv"]);
    expect_code(&out, 0);
    assert!(
        out.stderr
            .contains("home.example.com (gandi): updated A to 81.2.69.160"),
        "{}",
        out.stderr
    );
    let sent = provider.requests();
    assert_eq!(sent.len(), 2);
    expect_request(
        &sent[0],
        "GET",
        "/v5/livedns/domains/example.com/records/home/A",
        "",
    );
    expect_request(
        &sent[1],
        "PUT",
        "/v5/livedns/domains/example.com/records/home/A",
        r#"{"rrset_values":["81.2.69.160"],"rrset_ttl":1800}"#,
    );
    no_secret(&[&out], &[], SECRETS);
    assert!(
        out.stderr.contains("Authorization: Bearer ***"),
        "{}",
        out.stderr
    );
    no_secret(&[], &[&env.state_text().unwrap()], SECRETS);

    let out = env.run(&[]);
    expect_code(&out, 0);
    assert_eq!(provider.count(), 2, "same address: nothing sent");
    let out = env.run(&["status"]);
    no_secret(&[&out], &[], SECRETS);
    assert!(out.stdout.contains("81.2.69.160"), "{}", out.stdout);
}

#[test]
fn a_matching_rrset_is_not_written() {
    let env = Env::new("gandi-same");
    let source = env.ip_source(&[IP1]);
    let provider = env.server(vec![
        Reply::json(200, &rrset("home", "A", 10800, IP1)),
        Reply::json(500, "unexpected PUT"),
    ]);
    env.write_config(3, &[source.url()], &record(&provider, "home", ""));
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
fn a_configured_ttl_is_enforced() {
    let env = Env::new("gandi-ttl");
    let source = env.ip_source(&[IP1]);
    let provider = env.server(vec![
        Reply::json(200, &rrset("home", "A", 10800, IP1)),
        Reply::json(201, CREATED),
    ]);
    env.write_config(
        3,
        &[source.url()],
        &record(&provider, "home", "ttl = 300\n"),
    );
    expect_code(&env.run(&[]), 0);
    let sent = provider.requests();
    assert_eq!(sent.len(), 2);
    assert_eq!(
        sent[1].body_text(),
        r#"{"rrset_values":["81.2.69.160"],"rrset_ttl":300}"#
    );
}

#[test]
fn an_absent_rrset_is_created_for_both_families_at_the_apex() {
    let env = Env::new("gandi-create");
    let v4 = env.ip_source(&[IP1]);
    let v6 = env.ip_source(&[V6]);
    let not_found = r#"{"code": 404, "message": "Can't find the DNS record", "object": "dns-record", "cause": "Not Found"}"#;
    let provider = env.server(vec![
        Reply::json(404, not_found),
        Reply::json(201, CREATED),
        Reply::json(404, not_found),
        Reply::json(201, CREATED),
    ]);
    let record = record(&provider, "@", "family = \"both\"\n");
    env.write_config_dual(3, &[v4.url()], &[v6.url()], &record);

    let out = env.run(&[]);
    expect_code(&out, 0);
    let sent = provider.requests();
    assert_eq!(sent.len(), 4);
    let path = |rr: &str| format!("/v5/livedns/domains/example.com/records/@/{rr}");
    expect_request(&sent[0], "GET", &path("A"), "");
    expect_request(
        &sent[1],
        "PUT",
        &path("A"),
        r#"{"rrset_values":["81.2.69.160"],"rrset_ttl":10800}"#,
    );
    expect_request(&sent[2], "GET", &path("AAAA"), "");
    expect_request(
        &sent[3],
        "PUT",
        &path("AAAA"),
        r#"{"rrset_values":["2a01:4f8:10:20::5"],"rrset_ttl":10800}"#,
    );
    assert!(
        out.stderr
            .contains("example.com (gandi): updated AAAA to 2a01:4f8:10:20::5"),
        "{}",
        out.stderr
    );
}

#[test]
fn an_unknown_zone_is_fatal() {
    let env = Env::new("gandi-nozone");
    let source = env.ip_source(&[IP1]);
    let provider = env.server(vec![Reply::json(
        404,
        r#"{"code": 404, "message": "Unknown domain", "object": "HTTPNotFound", "cause": "Not Found"}"#,
    )]);
    env.write_config(3, &[source.url()], &record(&provider, "home", ""));
    let out = env.run(&[]);
    expect_code(&out, 3);
    assert_eq!(provider.count(), 2, "read, then the create is refused too");
    assert!(
        out.stderr.contains("no LiveDNS zone example.com"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_refused_token_exits_3_surfaces_the_message_and_is_not_retried() {
    let env = Env::new("gandi-401");
    let source = env.ip_source(&[IP1, IP2]);
    let provider = env.server(vec![Reply::json(401, UNAUTHORIZED)]);
    env.write_config(3, &[source.url()], &record(&provider, "home", ""));

    let out = env.run(&["-vv"]);
    expect_code(&out, 3);
    assert!(
        out.stderr
            .contains("Gandi refused the token (HTTP 401: The server could not verify"),
        "{}",
        out.stderr
    );
    no_secret(&[&out], &[], SECRETS);
    let out = env.run(&[]);
    expect_code(&out, 3);
    assert_eq!(provider.count(), 1, "a rejected record sends nothing");
    let out = env.run(&["status"]);
    assert!(out.stdout.contains("stopped until"), "{}", out.stdout);
    no_secret(&[&out], &[], SECRETS);
}

#[test]
fn rate_limits_and_server_errors_back_off() {
    let env = Env::new("gandi-429");
    let source = env.ip_source(&[IP1]);
    let provider = env.server(vec![
        Reply::json(429, r#"{"message":"Too many requests"}"#).with_header("Retry-After", "7200"),
        Reply::status(502, "<html>Bad Gateway</html>"),
    ]);
    env.write_config(3, &[source.url()], &record(&provider, "home", ""));

    let out = env.run(&[]);
    expect_code(&out, 1);
    assert!(out.stderr.contains("next try in 2 h"), "{}", out.stderr);
    assert!(out.stderr.contains("Too many requests"), "{}", out.stderr);
    expect_code(&env.run(&[]), 1);
    assert_eq!(provider.count(), 1, "backing off: nothing sent");

    let out = env.run(&["--force"]);
    expect_code(&out, 1);
    assert!(out.stderr.contains("HTTP 502"), "{}", out.stderr);
    assert_eq!(provider.count(), 2);
}

#[test]
fn dry_run_prints_the_read_without_the_token() {
    let env = Env::new("gandi-dry");
    let source = env.ip_source(&[IP1]);
    let provider = env.server(vec![Reply::json(201, CREATED)]);
    env.write_config(3, &[source.url()], &record(&provider, "home", ""));
    let out = env.dry_run(&[&provider]);
    assert!(
        out.stdout.contains(&format!(
            "GET {}/v5/livedns/domains/example.com/records/home/A\n  Authorization: Bearer ***",
            provider.url()
        )),
        "{}",
        out.stdout
    );
    no_secret(&[&out], &[], SECRETS);
    assert!(env.state_text().is_none());
}
