//! Cloudflare API v4 through the real binary: lookups, PATCH, cached ids, failures, creation.
mod harness;
mod support;

use harness::*;
use support::{MockServer, Recorded, Reply};

const TOKEN: &str = "Cf_t0ken-0123456789abcdefghijABCDEFGHIJ01";
const V6A: &str = "2a01:4f8:10:20::5";
const V6B: &str = "2a01:4f8:10:99::5";

// PROTOCOLS.md §8.4 and §4.3, byte for byte.
const ZONES_OK: &str = r#"{"success":true,"result":[{"id":"zone111","name":"example.com"}]}"#;
const RECORDS_OK: &str = r#"{"success":true,"result":[{"id":"rec222","name":"host.example.com"}]}"#;
const PATCH_OK: &str = r#"{"success":true,"result":{"id":"rec222"}}"#;
const EMPTY: &str = r#"{"success":true,"result":[]}"#;
const BAD_TOKEN: &str = r#"{"success":false,"errors":[{"code":9109,"message":"Invalid access token"}],"messages":[],"result":null}"#;
const GONE: &str = r#"{"result":null,"success":false,"errors":[{"code":81044,"message":"Record does not exist."}],"messages":[]}"#;
const RATE: &str = r#"{"success":false,"errors":[{"code":971,"message":"Please wait and consider throttling your request speed"}],"messages":[],"result":null}"#;

fn ok(body: &str) -> Reply {
    Reply::json(200, body)
}

/// A Cloudflare record for `host.example.com` in `example.com` at the mock `server`.
fn record(server: &MockServer, extra: &str) -> String {
    format!(
        "[[record]]\nprovider = \"cloudflare\"\nserver = {:?}\nzone = \"example.com\"\nname = \"host.example.com\"\ntoken = {TOKEN:?}\n{extra}",
        server.url()
    )
}

/// One IPv4 source and one Cloudflare record.
fn setup(env: &Env, source: &MockServer, provider: &MockServer, extra: &str) {
    env.write_config(3, &[source.url()], &record(provider, extra));
}

/// IPv4 and IPv6 sources and one dual-stack Cloudflare record.
fn setup_dual(env: &Env, v4: &MockServer, v6: &MockServer, provider: &MockServer) {
    use std::os::unix::fs::PermissionsExt;
    let text = format!(
        "timeout = 3\nca_file = {:?}\nstate_file = {:?}\n\n[ip]\nsources = [{:?}]\nsources6 = [{:?}]\n\n{}",
        env.ca_file,
        env.state,
        v4.url(),
        v6.url(),
        record(provider, "family = \"both\"\n")
    );
    std::fs::write(&env.config, text).unwrap();
    std::fs::set_permissions(&env.config, std::fs::Permissions::from_mode(0o600)).unwrap();
}

/// `METHOD path?query` as the mock saw it.
fn line(r: &Recorded) -> String {
    format!("{} {}", r.method, r.target)
}

fn lines(server: &MockServer) -> Vec<String> {
    server.requests().iter().map(line).collect()
}

#[track_caller]
fn assert_no_token(texts: &[&str]) {
    for t in texts {
        assert!(!t.contains(TOKEN), "the token leaked:\n{t}");
    }
}

/// The `"next"` time of the state's first entry (backoff), and the file's age in seconds now.
fn state_next(env: &Env) -> u64 {
    let state = env.state_text().unwrap();
    let at = state.find("\"next\":").expect("a next field") + "\"next\":".len();
    let digits: String = state[at..]
        .chars()
        .take_while(|c| c.is_ascii_digit())
        .collect();
    digits.parse().unwrap()
}

#[test]
fn first_run_costs_three_requests_then_nothing_then_one_patch() {
    let env = Env::new("cf-cycle");
    let source = env.ip_source(&[IP1, IP1, IP2]);
    let provider = env.server(vec![
        ok(ZONES_OK),
        ok(RECORDS_OK),
        ok(PATCH_OK),
        ok(PATCH_OK),
    ]);
    setup(&env, &source, &provider, "");

    let out = env.run(&[]);
    expect_code(&out, 0);
    let reqs = provider.requests();
    assert_eq!(
        lines(&provider),
        [
            "GET /client/v4/zones?name=example.com",
            "GET /client/v4/zones/zone111/dns_records?type=A&name=host.example.com",
            "PATCH /client/v4/zones/zone111/dns_records/rec222",
        ]
    );
    for r in &reqs {
        assert_eq!(
            r.header("authorization"),
            Some(format!("Bearer {TOKEN}").as_str())
        );
    }
    assert_eq!(reqs[0].param("name"), Some("example.com"));
    assert_eq!(
        (reqs[1].param("type"), reqs[1].param("name")),
        (Some("A"), Some("host.example.com"))
    );
    assert!(reqs[0].body.is_empty() && reqs[1].body.is_empty());
    assert_eq!(reqs[2].body_text(), r#"{"content":"81.2.69.160"}"#);
    assert_eq!(reqs[2].header("content-type"), Some("application/json"));
    assert!(
        out.stderr
            .contains("host.example.com (cloudflare): updated A to 81.2.69.160"),
        "{}",
        out.stderr
    );
    let state = env.state_text().unwrap();
    assert!(state.contains("example.com/zone111/rec222"), "{state}");
    assert_no_token(&[&out.stdout, &out.stderr, &state]);

    // Same address: nothing is sent.
    let out = env.run(&[]);
    expect_code(&out, 0);
    assert_eq!(provider.count(), 3);
    assert!(
        out.stderr.contains("A unchanged (81.2.69.160)"),
        "{}",
        out.stderr
    );

    // New address: one PATCH with the cached ids.
    let out = env.run(&[]);
    expect_code(&out, 0);
    assert_eq!(provider.count(), 4);
    let r = provider.last().unwrap();
    assert_eq!(
        line(&r),
        "PATCH /client/v4/zones/zone111/dns_records/rec222"
    );
    assert_eq!(r.body_text(), r#"{"content":"81.2.69.161"}"#);
    assert_eq!(
        r.header("authorization"),
        Some(format!("Bearer {TOKEN}").as_str())
    );
    assert!(
        out.stderr
            .contains("updated A to 81.2.69.161 (was 81.2.69.160)"),
        "{}",
        out.stderr
    );
    let out = env.run(&["status"]);
    assert_no_token(&[&out.stdout, &out.stderr]);
}

#[test]
fn a_gone_cached_record_is_listed_again_and_patched_in_the_same_run() {
    let env = Env::new("cf-gone");
    let source = env.ip_source(&[IP1, IP2]);
    let relisted = r#"{"success":true,"result":[{"id":"rec999","name":"host.example.com","type":"A","content":"81.2.69.160"}]}"#;
    let provider = env.server(vec![
        ok(ZONES_OK),
        ok(RECORDS_OK),
        ok(PATCH_OK),
        Reply::json(400, GONE),
        ok(ZONES_OK),
        ok(relisted),
        ok(r#"{"success":true,"result":{"id":"rec999","content":"81.2.69.161"}}"#),
    ]);
    setup(&env, &source, &provider, "");
    expect_code(&env.run(&[]), 0);
    assert_eq!(provider.count(), 3);

    let out = env.run(&[]);
    expect_code(&out, 0);
    assert_eq!(
        lines(&provider)[3..],
        [
            "PATCH /client/v4/zones/zone111/dns_records/rec222",
            "GET /client/v4/zones?name=example.com",
            "GET /client/v4/zones/zone111/dns_records?type=A&name=host.example.com",
            "PATCH /client/v4/zones/zone111/dns_records/rec999",
        ]
    );
    assert_eq!(
        provider.last().unwrap().body_text(),
        r#"{"content":"81.2.69.161"}"#
    );
    assert!(
        out.stderr
            .contains("cached A record id no longer valid: record not found (HTTP 400, 81044"),
        "{}",
        out.stderr
    );
    let state = env.state_text().unwrap();
    assert!(state.contains("example.com/zone111/rec999"), "{state}");
    assert!(!state.contains("rec222"), "{state}");
}

#[test]
fn a_bad_token_exits_3_and_the_next_run_sends_nothing() {
    let env = Env::new("cf-badtoken");
    let source = env.ip_source(&[IP1, IP2]);
    let provider = env.server(vec![Reply::json(403, BAD_TOKEN)]);
    setup(&env, &source, &provider, "");

    let out = env.run(&[]);
    expect_code(&out, 3);
    assert_eq!(provider.count(), 1);
    assert!(
        out.stderr.contains("9109 Invalid access token"),
        "{}",
        out.stderr
    );
    assert_no_token(&[&out.stdout, &out.stderr, &env.state_text().unwrap()]);

    let out = env.run(&[]);
    expect_code(&out, 3);
    assert_eq!(provider.count(), 1, "a refused token is not retried");
    assert!(out.stderr.contains("stopped"), "{}", out.stderr);
}

#[test]
fn a_refused_patch_with_cached_ids_is_fatal_too() {
    let env = Env::new("cf-noedit");
    let source = env.ip_source(&[IP1, IP2]);
    let provider = env.server(vec![
        ok(ZONES_OK),
        ok(RECORDS_OK),
        ok(PATCH_OK),
        Reply::json(
            403,
            r#"{"success":false,"errors":[{"code":10000,"message":"Authentication error"}]}"#,
        ),
    ]);
    setup(&env, &source, &provider, "");
    expect_code(&env.run(&[]), 0);
    let out = env.run(&[]);
    expect_code(&out, 3);
    assert_eq!(provider.count(), 4, "no lookups after an auth error");
    assert!(
        out.stderr.contains("10000 Authentication error"),
        "{}",
        out.stderr
    );
}

#[test]
fn rate_limit_exits_1_and_waits_for_retry_after() {
    let env = Env::new("cf-429");
    let source = env.ip_source(&[IP1]);
    let provider = env.server(vec![
        Reply::json(429, RATE).with_header("Retry-After", "600"),
    ]);
    setup(&env, &source, &provider, "");

    let before = now();
    let out = env.run(&[]);
    expect_code(&out, 1);
    assert_eq!(provider.count(), 1);
    assert!(out.stderr.contains("rate limit"), "{}", out.stderr);
    assert!(out.stderr.contains("next try in 10 min"), "{}", out.stderr);
    let next = state_next(&env);
    assert!(
        next >= before + 600 && next <= now() + 600,
        "next {next}, now {}",
        now()
    );

    let out = env.run(&[]);
    expect_code(&out, 1);
    assert_eq!(provider.count(), 1, "backing off: nothing sent");
    assert!(out.stderr.contains("waiting"), "{}", out.stderr);
}

#[test]
fn server_errors_and_garbage_are_transient() {
    for reply in [
        Reply::status(502, "<html><body>502 Bad Gateway</body></html>"),
        Reply::status(200, "not json at all"),
        Reply::json(200, r#"{"success":true,"result":[{"id":"#),
    ] {
        let env = Env::new("cf-5xx");
        let source = env.ip_source(&[IP1]);
        let provider = env.server(vec![reply.clone()]);
        setup(&env, &source, &provider, "");
        let out = env.run(&[]);
        expect_code(&out, 1);
        assert_eq!(provider.count(), 1, "{reply:?}");
        assert!(out.stderr.contains("next try in 5 min"), "{}", out.stderr);
    }
}

#[test]
fn a_missing_record_is_fatal_without_create() {
    let env = Env::new("cf-norecord");
    let source = env.ip_source(&[IP1]);
    let provider = env.server(vec![ok(ZONES_OK), ok(EMPTY)]);
    setup(&env, &source, &provider, "");
    let out = env.run(&[]);
    expect_code(&out, 3);
    assert_eq!(provider.count(), 2);
    assert!(
        out.stderr.contains("no A record named host.example.com"),
        "{}",
        out.stderr
    );
}

#[test]
fn create_true_creates_a_missing_record_and_caches_its_id() {
    let env = Env::new("cf-create");
    let source = env.ip_source(&[IP1, IP2]);
    let created = r#"{"success":true,"errors":[],"messages":[],"result":{"id":"rec444","zone_id":"zone111","name":"host.example.com","type":"A","content":"81.2.69.160","proxied":true,"ttl":1,"comment":null,"tags":[]}}"#;
    let provider = env.server(vec![
        ok(ZONES_OK),
        ok(EMPTY),
        ok(created),
        ok(r#"{"success":true,"result":{"id":"rec444"}}"#),
    ]);
    setup(&env, &source, &provider, "create = true\nproxied = true\n");

    let out = env.run(&[]);
    expect_code(&out, 0);
    assert_eq!(
        lines(&provider),
        [
            "GET /client/v4/zones?name=example.com",
            "GET /client/v4/zones/zone111/dns_records?type=A&name=host.example.com",
            "POST /client/v4/zones/zone111/dns_records",
        ]
    );
    let post = provider.last().unwrap();
    assert_eq!(
        post.body_text(),
        r#"{"type":"A","name":"host.example.com","content":"81.2.69.160","ttl":1,"proxied":true}"#
    );
    assert_eq!(post.header("content-type"), Some("application/json"));

    let out = env.run(&[]);
    expect_code(&out, 0);
    assert_eq!(
        line(&provider.last().unwrap()),
        "PATCH /client/v4/zones/zone111/dns_records/rec444"
    );
    assert_eq!(provider.count(), 4);
}

#[test]
fn dual_stack_sets_a_and_aaaa() {
    let env = Env::new("cf-dual");
    let v4 = env.ip_source(&[IP1]);
    let v6 = env.ip_source(&[V6A, V6B]);
    let provider = env.server(vec![
        ok(ZONES_OK),
        ok(RECORDS_OK),
        ok(PATCH_OK),
        ok(r#"{"success":true,"result":[{"id":"rec333","name":"host.example.com","type":"AAAA","content":"2a01:4f8:10:20::1"}]}"#),
        ok(r#"{"success":true,"result":{"id":"rec333"}}"#),
    ]);
    setup_dual(&env, &v4, &v6, &provider);

    let out = env.run(&[]);
    expect_code(&out, 0);
    assert_eq!(
        lines(&provider),
        [
            "GET /client/v4/zones?name=example.com",
            "GET /client/v4/zones/zone111/dns_records?type=A&name=host.example.com",
            "PATCH /client/v4/zones/zone111/dns_records/rec222",
            "GET /client/v4/zones/zone111/dns_records?type=AAAA&name=host.example.com",
            "PATCH /client/v4/zones/zone111/dns_records/rec333",
        ]
    );
    assert_eq!(
        provider.requests()[4].body_text(),
        r#"{"content":"2a01:4f8:10:20::5"}"#
    );
    assert!(
        out.stderr.contains("updated AAAA to 2a01:4f8:10:20::5"),
        "{}",
        out.stderr
    );

    // Only the IPv6 address changed: one PATCH of the AAAA record.
    let out = env.run(&[]);
    expect_code(&out, 0);
    assert_eq!(provider.count(), 6);
    let r = provider.last().unwrap();
    assert_eq!(
        line(&r),
        "PATCH /client/v4/zones/zone111/dns_records/rec333"
    );
    assert_eq!(r.body_text(), r#"{"content":"2a01:4f8:10:99::5"}"#);
}

#[test]
fn dry_run_sends_nothing_and_hides_the_token() {
    let env = Env::new("cf-dry");
    let source = env.ip_source(&[IP1]);
    let provider = env.server(vec![ok(ZONES_OK)]);
    setup(&env, &source, &provider, "");

    let out = env.run(&["--dry-run"]);
    expect_code(&out, 0);
    assert_eq!(provider.count(), 0);
    assert!(env.state_text().is_none(), "a dry run writes no state");
    let base = format!("{}/client/v4", provider.url());
    for want in [
        format!("GET {base}/zones?name=example.com"),
        format!("GET {base}/zones/<zone_id>/dns_records?type=A&name=host.example.com"),
        format!("PATCH {base}/zones/<zone_id>/dns_records/<record_id>"),
        "Authorization: Bearer ***".to_string(),
        r#"{"content":"81.2.69.160"}"#.to_string(),
    ] {
        assert!(out.stdout.contains(&want), "{want}\n{}", out.stdout);
    }
    assert_no_token(&[&out.stdout, &out.stderr]);
}

#[test]
fn check_validates_the_record_keys() {
    let env = Env::new("cf-check");
    let source = env.ip_source(&[IP1]);
    let provider = env.server(vec![ok(ZONES_OK)]);
    setup(&env, &source, &provider, "");
    let out = env.run(&["check"]);
    expect_code(&out, 0);
    assert!(
        out.stdout.contains("host.example.com (cloudflare) A"),
        "{}",
        out.stdout
    );

    let bad = record(&provider, "").replace(&format!("token = {TOKEN:?}\n"), "");
    env.write_config(3, &[source.url()], &bad);
    let out = env.run(&["check"]);
    expect_code(&out, 2);
    assert!(
        out.stderr
            .contains("record 1 (cloudflare): missing key \"token\" (or \"token_file\")"),
        "{}",
        out.stderr
    );

    let outside = record(&provider, "").replace("host.example.com", "host.example.org");
    env.write_config(3, &[source.url()], &outside);
    let out = env.run(&["check"]);
    expect_code(&out, 2);
    assert!(out.stderr.contains("not inside zone"), "{}", out.stderr);
    assert_eq!(provider.count(), 0);
}
