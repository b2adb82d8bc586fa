//! dynv6 through the real binary: zone and secret token in the query, only the families being updated named.
mod harness;
mod support;

use harness::*;
use support::{MockServer, Recorded, Reply};

const TOKEN: &str = "dynv6-HttpToken_0123456789abcdef";
const ZONE: &str = "myhome.dynv6.net";
const V6A: &str = "2a01:4f8:10:20::5";
const V6B: &str = "2a01:4f8:10:99::5";

fn setup(env: &Env, v4: &MockServer, v6: &MockServer, provider: &MockServer, extra: &str) {
    let record = format!(
        "[[record]]\nprovider = \"dynv6\"\nserver = {:?}\nzone = \"{ZONE}\"\ntoken = \"{TOKEN}\"\n{extra}",
        provider.url()
    );
    env.write_config_dual(3, &[v4.url()], &[v6.url()], &record);
}

/// GET /api/update with zone, token and exactly the given address pairs.
#[track_caller]
fn expect_request(r: &Recorded, addrs: &[(&str, &str)]) {
    assert_eq!((r.method.as_str(), r.path.as_str()), ("GET", "/api/update"));
    let mut want = vec![
        ("zone".to_string(), ZONE.to_string()),
        ("token".to_string(), TOKEN.to_string()),
    ];
    want.extend(addrs.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    assert_eq!(r.query, want);
    assert_eq!(r.header("authorization"), None);
    assert!(r.body.is_empty());
}

#[test]
fn ipv4_update_then_a_second_run_sends_nothing() {
    let env = Env::new("dynv6-v4");
    let (v4, v6) = (env.ip_source(&[IP1]), env.ip_source(&[V6A]));
    let provider = env.server(vec![Reply::ok("addresses updated")]);
    setup(&env, &v4, &v6, &provider, "");

    let out = env.run(&[]);
    expect_code(&out, 0);
    assert_eq!(provider.count(), 1);
    expect_request(&provider.requests()[0], &[("ipv4", IP1)]);
    assert!(
        out.stderr
            .contains("myhome.dynv6.net (dynv6): updated A to 81.2.69.160"),
        "{}",
        out.stderr
    );

    let out = env.run(&[]);
    expect_code(&out, 0);
    assert_eq!(provider.count(), 1, "unchanged: nothing sent");
    assert!(
        out.stderr.contains("A unchanged (81.2.69.160)"),
        "{}",
        out.stderr
    );
}

#[test]
fn dual_stack_names_only_the_changed_family() {
    let env = Env::new("dynv6-dual");
    let v4 = env.ip_source(&[IP1, IP1]);
    let v6 = env.ip_source(&[V6A, V6B]);
    let provider = env.server(vec![
        Reply::ok("addresses updated"),
        Reply::ok("addresses unchanged\n"),
    ]);
    setup(&env, &v4, &v6, &provider, "family = \"both\"\n");

    let out = env.run(&[]);
    expect_code(&out, 0);
    expect_request(&provider.requests()[0], &[("ipv4", IP1), ("ipv6", V6A)]);
    assert!(
        out.stderr.contains("updated AAAA to 2a01:4f8:10:20::5"),
        "{}",
        out.stderr
    );

    // Only IPv6 changed: `ipv4` is left out, so dynv6 keeps the A record as it is.
    let out = env.run(&[]);
    expect_code(&out, 0);
    assert_eq!(provider.count(), 2);
    expect_request(&provider.requests()[1], &[("ipv6", V6B)]);
    assert!(
        out.stderr
            .contains("AAAA already 2a01:4f8:10:99::5 at the provider"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_refused_token_or_zone_exits_3_and_the_next_run_sends_nothing() {
    for (status, body) in [
        (401, "invalid authentication token"),
        (404, "zone not found"),
    ] {
        let env = Env::new("dynv6-refused");
        let (v4, v6) = (env.ip_source(&[IP1, IP2]), env.ip_source(&[V6A]));
        let provider = env.server(vec![Reply::status(status, body)]);
        setup(&env, &v4, &v6, &provider, "");
        let out = env.run(&[]);
        expect_code(&out, 3);
        assert!(
            out.stderr.contains(&format!("HTTP {status}")),
            "{}",
            out.stderr
        );
        let out = env.run(&[]);
        expect_code(&out, 3);
        assert_eq!(provider.count(), 1, "a rejected record was retried");
    }
}

#[test]
fn server_trouble_and_unknown_answers_back_off() {
    for (status, body, shown) in [
        (500, "Internal Server Error", "HTTP 500"),
        (200, "something else", "unexpected reply"),
        (200, "", "empty reply"),
    ] {
        let env = Env::new("dynv6-5xx");
        let (v4, v6) = (env.ip_source(&[IP1]), env.ip_source(&[V6A]));
        let provider = env.server(vec![
            Reply::status(status, body),
            Reply::ok("addresses updated"),
        ]);
        setup(&env, &v4, &v6, &provider, "");
        let out = env.run(&[]);
        expect_code(&out, 1);
        assert!(out.stderr.contains(shown), "{}", out.stderr);
        assert!(out.stderr.contains("next try in 5 min"), "{}", out.stderr);
        expect_code(&env.run(&[]), 1);
        assert_eq!(provider.count(), 1, "backing off: nothing sent");
    }
}

#[test]
fn the_token_never_shows() {
    let env = Env::new("dynv6-secret");
    let (v4, v6) = (env.ip_source(&[IP1]), env.ip_source(&[V6A]));
    let provider = env.server(vec![Reply::status(401, "invalid authentication token")]);
    setup(&env, &v4, &v6, &provider, "family = \"both\"\n");

    let dry = env.dry_run(&[&provider]);
    assert!(
        dry.stdout.contains(&format!(
            "GET https://127.0.0.1:{}/api/update?zone=myhome.dynv6.net&token=***&ipv4=81.2.69.160&ipv6=2a01%3A4f8%3A10%3A20%3A%3A5",
            provider.port()
        )),
        "{}",
        dry.stdout
    );
    let run = env.run(&["-vv"]);
    expect_code(&run, 3);
    let status = env.run(&["status"]);
    expect_code(&status, 0);
    let state = env.state_text().unwrap();
    no_secret(&[&dry, &run, &status], &[&state], &[TOKEN]);
}

#[test]
fn check_names_the_record_and_key() {
    let env = Env::new("dynv6-check");
    let (v4, v6) = (env.ip_source(&[IP1]), env.ip_source(&[V6A]));
    let provider = env.server(vec![Reply::ok("addresses updated")]);
    setup(&env, &v4, &v6, &provider, "");
    let text = std::fs::read_to_string(&env.config).unwrap();
    std::fs::write(
        &env.config,
        text.replace(&format!("token = \"{TOKEN}\"\n"), ""),
    )
    .unwrap();
    let out = env.run(&["check"]);
    expect_code(&out, 2);
    assert!(
        out.stderr
            .contains("record 1 (dynv6): missing key \"token\" (or \"token_file\")"),
        "{}",
        out.stderr
    );
}
