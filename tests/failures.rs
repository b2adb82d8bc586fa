//! Failures through the real binary: rejection, backoff, dead sources, hangs, floods, bad TLS.
mod harness;
mod support;

use harness::*;
use std::time::Duration;
use support::{MockServer, Reply, TestCa};

#[test]
fn wrong_password_exits_3_and_later_runs_send_nothing() {
    let env = Env::new("badpass");
    let source = env.ip_source(&[IP1, IP2]);
    let provider = env.server(vec![Reply::ok(NC_BAD_PASSWORD)]);
    env.namecheap(&source, &provider, PASSWORD);

    let out = env.run(&[]);
    expect_code(&out, 3);
    assert!(
        out.stderr.contains("Passwords do not match"),
        "{}",
        out.stderr
    );
    assert_eq!(provider.count(), 1);

    // The next run (even with a new address) leaves the provider alone and still says why.
    let out = env.run(&[]);
    expect_code(&out, 3);
    assert_eq!(provider.count(), 1, "a rejected record is not retried");
    assert!(out.stderr.contains("stopped"), "{}", out.stderr);
    let out = env.run(&["status"]);
    assert!(
        out.stdout
            .contains("stopped until the record's configuration changes"),
        "{}",
        out.stdout
    );

    // --force tries again; so does a changed password.
    expect_code(&env.run(&["--force"]), 3);
    assert_eq!(provider.count(), 2);
    env.namecheap(&source, &provider, "fedcba9876543210fedcba9876543210");
    expect_code(&env.run(&[]), 3);
    assert_eq!(provider.count(), 3);
}

#[test]
fn when_every_source_fails_nothing_is_sent_and_no_state_is_written() {
    let env = Env::new("nosource");
    let html = env.server(vec![Reply::ok("<html>Service Unavailable</html>")]);
    let private = env.ip_source(&["10.0.0.7"]);
    let down = env.server(vec![Reply::status(500, "")]);
    let provider = env.server(vec![Reply::ok(&nc_success(IP1))]);
    let sources: Vec<String> = [&html, &private, &down].iter().map(|s| s.url()).collect();
    env.write_config(3, &sources, &namecheap_record(&provider.url(), PASSWORD));

    let out = env.run(&[]);
    expect_code(&out, 1);
    assert_eq!(
        provider.count(),
        0,
        "never an update with a wrong or empty address"
    );
    assert!(env.state_text().is_none(), "state file created");
    assert!(
        out.stderr
            .contains("could not find the public IPv4 address"),
        "{}",
        out.stderr
    );
    // `status` says why the last run found nothing (kept in RAM, not in the state file).
    let status = env.run(&["status"]);
    expect_code(&status, 0);
    let said = status
        .stdout
        .lines()
        .find(|l| l.starts_with("last run: "))
        .unwrap_or_else(|| panic!("{}", status.stdout));
    assert!(
        said.contains("UTC: could not find the public IPv4 address") && said.contains("HTTP 500"),
        "{said}"
    );
    assert!(env.state_text().is_none(), "status wrote a state file");

    // With good state on disk, a failing lookup leaves it byte for byte.
    let good = env.ip_source(&[IP1]);
    env.write_config(
        3,
        &[good.url()],
        &namecheap_record(&provider.url(), PASSWORD),
    );
    expect_code(&env.run(&[]), 0);
    let before = std::fs::read(&env.state).unwrap();
    env.write_config(3, &sources, &namecheap_record(&provider.url(), PASSWORD));
    expect_code(&env.run(&[]), 1);
    assert_eq!(std::fs::read(&env.state).unwrap(), before);
}

#[test]
fn provider_503_backs_off_across_runs_and_force_overrides() {
    let env = Env::new("backoff");
    let source = env.ip_source(&[IP1]);
    let provider = env.server(vec![
        Reply::status(503, "<html>Service Unavailable</html>"),
        Reply::ok(&nc_success(IP1)),
    ]);
    env.namecheap(&source, &provider, PASSWORD);

    let out = env.run(&[]);
    expect_code(&out, 1);
    assert!(out.stderr.contains("HTTP 503"), "{}", out.stderr);
    assert!(out.stderr.contains("next try in 5 min"), "{}", out.stderr);
    let state = env.state_text().unwrap();
    assert!(state.contains("\"failures\":1"), "{state}");

    let out = env.run(&[]);
    expect_code(&out, 1);
    assert_eq!(provider.count(), 1, "backing off: nothing sent");
    assert_eq!(source.count(), 1, "backing off: not even an address lookup");
    assert!(out.stderr.contains("waiting"), "{}", out.stderr);

    let out = env.run(&["--force"]);
    expect_code(&out, 0);
    assert_eq!(provider.count(), 2);
    assert!(env.state_text().unwrap().contains("\"failures\":0"));
}

#[test]
fn dyndns2_911_waits_at_least_thirty_minutes() {
    let env = Env::new("911");
    let source = env.ip_source(&[IP1]);
    let provider = env.server(vec![Reply::status(500, "911")]);
    let record = format!(
        "[[record]]\nprovider = \"dyn\"\nserver = {:?}\nhostname = \"h.example.org\"\nusername = \"u\"\npassword = \"p\"\n",
        provider.url()
    );
    env.write_config(3, &[source.url()], &record);
    let out = env.run(&[]);
    expect_code(&out, 1);
    assert!(out.stderr.contains("next try in 30 min"), "{}", out.stderr);
}

#[test]
fn retry_after_is_honoured() {
    let env = Env::new("retry-after");
    let source = env.ip_source(&[IP1]);
    let provider = env.server(vec![
        Reply::status(429, "slow down").with_header("Retry-After", "7200"),
    ]);
    env.namecheap(&source, &provider, PASSWORD);
    let out = env.run(&[]);
    expect_code(&out, 1);
    assert!(out.stderr.contains("next try in 2 h"), "{}", out.stderr);
}

#[test]
fn a_server_that_never_answers_is_bounded_by_the_timeout() {
    let env = Env::new("hang");
    let hang_source = env.server(vec![Reply::Hang]);
    let no_tls = env.server(vec![Reply::HangBeforeTls]);
    let provider = env.server(vec![Reply::Hang]);
    let good = env.ip_source(&[IP1]);
    env.write_config(
        2,
        &[hang_source.url(), no_tls.url(), good.url()],
        &namecheap_record(&provider.url(), PASSWORD),
    );

    let out = env.run(&[]);
    expect_code(&out, 1);
    assert_eq!(provider.count(), 1);
    assert!(out.stderr.contains("timed out after 2 s"), "{}", out.stderr);
    // Three requests of at most 2 s each, plus start-up.
    assert!(
        out.elapsed < Duration::from_secs(10),
        "took {:?}",
        out.elapsed
    );
    assert!(
        out.elapsed >= Duration::from_secs(6),
        "took {:?}",
        out.elapsed
    );
}

#[test]
fn a_huge_reply_is_a_clean_failure() {
    let env = Env::new("huge");
    let flood = env.server(vec![Reply::Huge(20_000_000)]);
    let good = env.ip_source(&[IP1]);
    let provider = env.server(vec![Reply::Huge(20_000_000)]);
    env.write_config(
        5,
        &[flood.url(), good.url()],
        &namecheap_record(&provider.url(), PASSWORD),
    );
    let out = env.run(&[]);
    expect_code(&out, 1);
    assert_eq!(provider.count(), 1);
    assert!(
        out.stderr.contains("reply larger than 64 KiB"),
        "{}",
        out.stderr
    );
    assert!(env.state_text().unwrap().contains("\"failures\":1"));
}

#[test]
fn an_untrusted_certificate_fails_before_anything_is_sent() {
    let env = Env::new("untrusted");
    let source = env.ip_source(&[IP1]);
    let stranger = TestCa::new();
    let provider = MockServer::https(
        &stranger,
        support::script(vec![Reply::ok(&nc_success(IP1))]),
    );
    env.namecheap(&source, &provider, PASSWORD);
    let out = env.run(&[]);
    expect_code(&out, 1);
    assert_eq!(provider.count(), 0, "the request must not be sent");
    assert!(provider.connections() >= 1);
    assert!(out.stderr.contains("UnknownIssuer"), "{}", out.stderr);
    assert!(!out.stderr.contains(PASSWORD));
}

#[test]
fn credentials_never_follow_a_redirect_to_another_host() {
    let env = Env::new("redirect");
    let source = env.ip_source(&[IP1]);
    let elsewhere = env.server(vec![Reply::ok("good 81.2.69.160")]);
    let provider = env.server(vec![Reply::status(302, "").with_header(
        "Location",
        &format!("{}/nic/update", elsewhere.url_localhost()),
    )]);
    let record = format!(
        "[[record]]\nprovider = \"dyndns2\"\nserver = {:?}\nhostname = \"h.example.org\"\nusername = \"u\"\npassword = \"p\"\n",
        provider.url()
    );
    env.write_config(3, &[source.url()], &record);
    let out = env.run(&[]);
    expect_code(&out, 1);
    assert_eq!(
        elsewhere.count(),
        0,
        "credentials were carried to another host"
    );
    assert!(
        out.stderr.contains("credentials not sent there"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_same_host_redirect_is_followed() {
    let env = Env::new("redirect-same");
    let source = env.ip_source(&[IP1]);
    let provider = env.server(vec![
        Reply::status(301, "").with_header("Location", "/nic/update2"),
        Reply::ok("good 81.2.69.160"),
    ]);
    let record = format!(
        "[[record]]\nprovider = \"dyndns2\"\nserver = {:?}\nhostname = \"h.example.org\"\nusername = \"u\"\npassword = \"p\"\n",
        provider.url()
    );
    env.write_config(3, &[source.url()], &record);
    expect_code(&env.run(&[]), 0);
    let reqs = provider.requests();
    assert_eq!(reqs[1].path, "/nic/update2");
    assert!(reqs[1].basic_auth().is_some());
}

#[test]
fn a_fatal_and_a_transient_record_exit_3() {
    let env = Env::new("mixed");
    let source = env.ip_source(&[IP1]);
    let rejecting = env.server(vec![Reply::ok(NC_BAD_PASSWORD)]);
    let down = env.server(vec![Reply::status(502, "")]);
    let ok = env.server(vec![Reply::ok("OK")]);
    let records = format!(
        "{}\n[[record]]\nprovider = \"duckdns\"\nserver = {:?}\ndomain = \"a\"\ntoken = \"t\"\n\n[[record]]\nprovider = \"duckdns\"\nserver = {:?}\ndomain = \"b\"\ntoken = \"t\"\n",
        namecheap_record(&rejecting.url(), PASSWORD),
        down.url(),
        ok.url()
    );
    env.write_config(3, &[source.url()], &records);
    let out = env.run(&[]);
    expect_code(&out, 3);
    assert_eq!(
        ok.count(),
        1,
        "one record's failure does not block the others"
    );
    assert!(
        out.stderr.contains("b.duckdns.org (duckdns): updated"),
        "{}",
        out.stderr
    );
}
