//! deSEC through the real binary: Basic auth as domain:token, `preserve` for the family not sent, status-coded errors.
mod harness;
mod support;

use harness::*;
use support::{MockServer, Recorded, Reply};

const TOKEN: &str = "d3sec-T0ken_0123456789abcdefXYZ";
const DOMAIN: &str = "myhome.dedyn.io";
const V6A: &str = "2a01:4f8:10:20::5";
const V6B: &str = "2a01:4f8:10:99::5";

/// Config with IPv4 and IPv6 sources and one deSEC record; `extra` adds keys to it.
fn setup(env: &Env, v4: &MockServer, v6: &MockServer, provider: &MockServer, extra: &str) {
    let record = format!(
        "[[record]]\nprovider = \"desec\"\nserver = {:?}\ndomain = \"{DOMAIN}\"\ntoken = \"{TOKEN}\"\n{extra}",
        provider.url()
    );
    env.write_config_dual(3, &[v4.url()], &[v6.url()], &record);
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// The exact request deSEC must see: GET /, these query pairs, Basic domain:token.
#[track_caller]
fn expect_request(r: &Recorded, hostname: &str, v4: &str, v6: &str) {
    assert_eq!((r.method.as_str(), r.path.as_str()), ("GET", "/"));
    assert_eq!(
        r.query,
        pairs(&[("hostname", hostname), ("myipv4", v4), ("myipv6", v6)])
    );
    assert_eq!(
        r.basic_auth(),
        Some((DOMAIN.to_string(), TOKEN.to_string()))
    );
    assert!(r.body.is_empty());
}

#[test]
fn ipv4_record_preserves_aaaa_and_a_second_run_sends_nothing() {
    let env = Env::new("desec-v4");
    let (v4, v6) = (env.ip_source(&[IP1]), env.ip_source(&[V6A]));
    let provider = env.server(vec![Reply::ok("good")]);
    setup(&env, &v4, &v6, &provider, "");

    let out = env.run(&[]);
    expect_code(&out, 0);
    assert_eq!(provider.count(), 1);
    expect_request(&provider.requests()[0], DOMAIN, IP1, "preserve");
    assert!(
        out.stderr
            .contains("myhome.dedyn.io (desec): updated A to 81.2.69.160"),
        "{}",
        out.stderr
    );
    assert_eq!(v6.count(), 0, "no IPv6 lookup for an IPv4-only record");

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
fn ipv6_record_preserves_a() {
    let env = Env::new("desec-v6");
    let (v4, v6) = (env.ip_source(&[IP1]), env.ip_source(&[V6A]));
    let provider = env.server(vec![Reply::ok("good")]);
    setup(
        &env,
        &v4,
        &v6,
        &provider,
        "family = \"ipv6\"\nhostname = \"www.myhome.dedyn.io\"\n",
    );

    let out = env.run(&[]);
    expect_code(&out, 0);
    expect_request(
        &provider.requests()[0],
        "www.myhome.dedyn.io",
        "preserve",
        V6A,
    );
    assert!(
        out.stderr
            .contains("www.myhome.dedyn.io (desec): updated AAAA to 2a01:4f8:10:20::5"),
        "{}",
        out.stderr
    );
    assert_eq!(v4.count(), 0);
}

#[test]
fn dual_stack_sends_both_then_only_the_changed_family_with_preserve() {
    let env = Env::new("desec-dual");
    let v4 = env.ip_source(&[IP1, IP1, IP2]);
    let v6 = env.ip_source(&[V6A, V6B, V6B]);
    let provider = env.server(vec![Reply::ok("good")]);
    setup(&env, &v4, &v6, &provider, "family = \"both\"\n");

    // First run: A and AAAA in one request.
    let out = env.run(&[]);
    expect_code(&out, 0);
    assert_eq!(provider.count(), 1);
    expect_request(&provider.requests()[0], DOMAIN, IP1, V6A);
    assert!(out.stderr.contains("updated A to 81.2.69.160"));
    assert!(out.stderr.contains("updated AAAA to 2a01:4f8:10:20::5"));

    // Only IPv6 changed: the A RRset is preserved, not deleted.
    let out = env.run(&[]);
    expect_code(&out, 0);
    assert_eq!(provider.count(), 2);
    expect_request(&provider.requests()[1], DOMAIN, "preserve", V6B);
    assert!(
        out.stderr.contains("A unchanged (81.2.69.160)"),
        "{}",
        out.stderr
    );

    // Only IPv4 changed: the AAAA RRset is preserved.
    let out = env.run(&[]);
    expect_code(&out, 0);
    assert_eq!(provider.count(), 3);
    expect_request(&provider.requests()[2], DOMAIN, IP2, "preserve");
    assert!(
        out.stderr
            .contains("updated A to 81.2.69.161 (was 81.2.69.160)"),
        "{}",
        out.stderr
    );

    // Nothing changed: nothing sent.
    let out = env.run(&[]);
    expect_code(&out, 0);
    assert_eq!(provider.count(), 3);
    let state = env.state_text().unwrap();
    assert!(
        state.contains("desec myhome.dedyn.io A") && state.contains("desec myhome.dedyn.io AAAA"),
        "{state}"
    );
}

#[test]
fn refusals_exit_3_and_the_next_run_sends_nothing() {
    for (status, body, shown) in [
        (401, "Invalid basic auth token", "HTTP 401"),
        (401, "badauth", "\"badauth\""),
        (
            403,
            "Domain not eligible for dynamic updates, please contact support.",
            "Domain not eligible",
        ),
        (404, "nohost", "HTTP 404: \"nohost\""),
        (400, "inconsistent-parameter", "HTTP 400"),
    ] {
        let env = Env::new("desec-refused");
        let (v4, v6) = (env.ip_source(&[IP1, IP2]), env.ip_source(&[V6A]));
        let provider = env.server(vec![Reply::status(status, body)]);
        setup(&env, &v4, &v6, &provider, "");

        let out = env.run(&[]);
        expect_code(&out, 3);
        assert!(out.stderr.contains(shown), "{status}: {}", out.stderr);
        assert!(out.stderr.contains("rejected"), "{}", out.stderr);
        assert_eq!(provider.count(), 1);

        // Even with a new address, a stopped record is left alone.
        let out = env.run(&[]);
        expect_code(&out, 3);
        assert_eq!(
            provider.count(),
            1,
            "{status}: a rejected record was retried"
        );
        assert!(out.stderr.contains("stopped"), "{}", out.stderr);
    }
}

#[test]
fn throttling_waits_at_least_a_minute_and_retry_after_when_longer() {
    let env = Env::new("desec-429");
    let (v4, v6) = (env.ip_source(&[IP1]), env.ip_source(&[V6A]));
    let provider = env.server(vec![
        Reply::status(
            429,
            "Request was throttled. Expected available in 60 seconds.",
        ),
        Reply::ok("good"),
    ]);
    setup(&env, &v4, &v6, &provider, "");
    let out = env.run(&[]);
    expect_code(&out, 1);
    assert!(out.stderr.contains("HTTP 429"), "{}", out.stderr);
    assert!(
        out.stderr.contains("retry in 60 s or later"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("next try in 5 min"), "{}", out.stderr);
    let out = env.run(&[]);
    expect_code(&out, 1);
    assert_eq!(provider.count(), 1, "backing off: nothing sent");
    assert!(out.stderr.contains("waiting"), "{}", out.stderr);

    let env = Env::new("desec-429-long");
    let (v4, v6) = (env.ip_source(&[IP1]), env.ip_source(&[V6A]));
    let provider = env.server(vec![
        Reply::status(429, "throttled").with_header("Retry-After", "7200"),
    ]);
    setup(&env, &v4, &v6, &provider, "");
    let out = env.run(&[]);
    expect_code(&out, 1);
    assert!(out.stderr.contains("next try in 2 h"), "{}", out.stderr);
}

#[test]
fn server_errors_back_off() {
    let env = Env::new("desec-5xx");
    let (v4, v6) = (env.ip_source(&[IP1]), env.ip_source(&[V6A]));
    let provider = env.server(vec![
        Reply::status(502, "<html>Bad Gateway</html>"),
        Reply::ok("good"),
    ]);
    setup(&env, &v4, &v6, &provider, "");
    let out = env.run(&[]);
    expect_code(&out, 1);
    assert!(out.stderr.contains("HTTP 502"), "{}", out.stderr);
    assert!(out.stderr.contains("next try in 5 min"), "{}", out.stderr);
    expect_code(&env.run(&[]), 1);
    assert_eq!(provider.count(), 1, "backing off: nothing sent");
    expect_code(&env.run(&["--force"]), 0);
    assert_eq!(provider.count(), 2);

    // A 200 that is not `good` is never taken for success.
    let env = Env::new("desec-garbage");
    let (v4, v6) = (env.ip_source(&[IP1]), env.ip_source(&[V6A]));
    let provider = env.server(vec![Reply::ok("<html>good</html>")]);
    setup(&env, &v4, &v6, &provider, "");
    let out = env.run(&[]);
    expect_code(&out, 1);
    assert!(out.stderr.contains("unexpected reply"), "{}", out.stderr);
}

#[test]
fn the_token_never_shows() {
    let env = Env::new("desec-secret");
    let (v4, v6) = (env.ip_source(&[IP1]), env.ip_source(&[V6A]));
    let provider = env.server(vec![Reply::status(401, "Invalid basic auth token")]);
    setup(&env, &v4, &v6, &provider, "family = \"both\"\n");

    let dry = env.dry_run(&[&provider]);
    let port = provider.port();
    assert!(
        dry.stdout.contains(&format!(
            "GET https://127.0.0.1:{port}/?hostname=myhome.dedyn.io&myipv4=81.2.69.160&myipv6=2a01%3A4f8%3A10%3A20%3A%3A5"
        )),
        "{}",
        dry.stdout
    );
    assert!(
        dry.stdout.contains("Authorization: Basic ***"),
        "{}",
        dry.stdout
    );
    let run = env.run(&["-vv"]);
    expect_code(&run, 3);
    let header = provider.requests()[0]
        .header("authorization")
        .unwrap()
        .to_string();
    let basic = header.strip_prefix("Basic ").unwrap();
    let status = env.run(&["status"]);
    expect_code(&status, 0);
    assert!(status.stdout.contains("rejected"), "{}", status.stdout);
    let state = env.state_text().unwrap();
    no_secret(&[&dry, &run, &status], &[&state], &[TOKEN, basic]);
}

#[test]
fn check_names_the_record_and_key() {
    let env = Env::new("desec-check");
    let (v4, v6) = (env.ip_source(&[IP1]), env.ip_source(&[V6A]));
    let provider = env.server(vec![Reply::ok("good")]);
    setup(&env, &v4, &v6, &provider, "hostname = \"other.dedyn.io\"\n");
    let out = env.run(&["check"]);
    expect_code(&out, 2);
    assert!(
        out.stderr
            .contains("record 1 (desec): key \"hostname\": \"other.dedyn.io\" is not within the domain \"myhome.dedyn.io\""),
        "{}",
        out.stderr
    );
    setup(&env, &v4, &v6, &provider, "");
    let out = env.run(&["check"]);
    expect_code(&out, 0);
    assert!(
        out.stdout.contains("record 1: myhome.dedyn.io (desec) A"),
        "{}",
        out.stdout
    );
    assert_eq!(provider.count() + v4.count(), 0, "check touches no network");
}
