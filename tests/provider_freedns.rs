//! FreeDNS v2 through the real binary: the token as a hidden path segment, one request and token per family.
mod harness;
mod support;

use harness::*;
use support::{MockServer, Recorded, Reply};

const TOKEN: &str = "Fr33dnsV4tokenAbCdEfGhIjKlMn";
const TOKEN6: &str = "Fr33dnsV6tokenZyXwVuTsRqPoNm";
const HOST: &str = "myhome.mooo.com";
const V6A: &str = "2a01:4f8:10:20::5";
const V6B: &str = "2a01:4f8:10:99::5";

fn updated(ip: &str) -> Reply {
    Reply::ok(&format!(
        "Updated 1 host(s) {HOST} to {ip} in 0.178 seconds\n"
    ))
}

fn unchanged(ip: &str) -> Reply {
    Reply::ok(&format!(
        "No IP change detected for {HOST} with IP {ip}, skipping update\n"
    ))
}

/// Config with both address sources and one FreeDNS record whose IPv4 updates go to
/// `server` and IPv6 updates to `server6`; `extra` adds keys (family, tokens).
fn setup(
    env: &Env,
    sources: (&MockServer, &MockServer),
    servers: (&MockServer, &MockServer),
    extra: &str,
) {
    let record = format!(
        "[[record]]\nprovider = \"freedns\"\nhostname = \"{HOST}\"\nserver = {:?}\n{extra}",
        servers.0.url()
    );
    let record = if extra.contains("token6") {
        format!("{record}server6 = {:?}\n", servers.1.url())
    } else {
        record
    };
    env.write_config_dual(3, &[sources.0.url()], &[sources.1.url()], &record);
}

#[track_caller]
fn expect_request(r: &Recorded, token: &str, ip: &str) {
    assert_eq!(r.method, "GET");
    assert_eq!(r.path, format!("/u/{token}/"));
    assert_eq!(r.query, vec![("address".to_string(), ip.to_string())]);
    assert_eq!(r.header("authorization"), None);
    assert!(r.body.is_empty());
}

const V4_ONLY: &str = "token = \"Fr33dnsV4tokenAbCdEfGhIjKlMn\"\n";
const BOTH: &str = "family = \"both\"\ntoken = \"Fr33dnsV4tokenAbCdEfGhIjKlMn\"\ntoken6 = \"Fr33dnsV6tokenZyXwVuTsRqPoNm\"\n";

#[test]
fn ipv4_update_then_a_second_run_sends_nothing() {
    let env = Env::new("freedns-v4");
    let (v4, v6) = (env.ip_source(&[IP1]), env.ip_source(&[V6A]));
    let (sync, sync6) = (
        env.server(vec![updated(IP1)]),
        env.server(vec![updated(V6A)]),
    );
    setup(&env, (&v4, &v6), (&sync, &sync6), V4_ONLY);

    let out = env.run(&[]);
    expect_code(&out, 0);
    assert_eq!(sync.count(), 1);
    expect_request(&sync.requests()[0], TOKEN, IP1);
    assert!(
        out.stderr
            .contains("myhome.mooo.com (freedns): updated A to 81.2.69.160"),
        "{}",
        out.stderr
    );

    let out = env.run(&[]);
    expect_code(&out, 0);
    assert_eq!(sync.count(), 1, "unchanged: nothing sent");
    assert_eq!(
        sync6.count() + v6.count(),
        0,
        "no IPv6 traffic for an IPv4 record"
    );
}

#[test]
fn dual_stack_uses_each_family_its_server_and_token() {
    let env = Env::new("freedns-dual");
    let v4 = env.ip_source(&[IP1, IP1]);
    let v6 = env.ip_source(&[V6A, V6B]);
    let sync = env.server(vec![updated(IP1)]);
    let sync6 = env.server(vec![updated(V6A), updated(V6B)]);
    setup(&env, (&v4, &v6), (&sync, &sync6), BOTH);

    let out = env.run(&[]);
    expect_code(&out, 0);
    assert_eq!((sync.count(), sync6.count()), (1, 1));
    expect_request(&sync.requests()[0], TOKEN, IP1);
    expect_request(&sync6.requests()[0], TOKEN6, V6A);
    assert!(
        out.stderr.contains("updated A to 81.2.69.160"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("updated AAAA to 2a01:4f8:10:20::5"),
        "{}",
        out.stderr
    );

    // Only IPv6 changed: only the IPv6 record is sent.
    let out = env.run(&[]);
    expect_code(&out, 0);
    assert_eq!((sync.count(), sync6.count()), (1, 2));
    expect_request(&sync6.requests()[1], TOKEN6, V6B);
}

#[test]
fn no_change_answers_are_success() {
    for (tag, reply) in [
        ("freedns-nochg", unchanged(IP1)),
        (
            "freedns-notchanged",
            Reply::ok("ERROR: Address 81.2.69.160 has not changed."),
        ),
    ] {
        let env = Env::new(tag);
        let (v4, v6) = (env.ip_source(&[IP1]), env.ip_source(&[V6A]));
        let (sync, sync6) = (env.server(vec![reply]), env.server(vec![updated(V6A)]));
        setup(&env, (&v4, &v6), (&sync, &sync6), V4_ONLY);
        let out = env.run(&[]);
        expect_code(&out, 0);
        assert!(
            out.stderr.contains("A already 81.2.69.160 at the provider"),
            "{}",
            out.stderr
        );
        expect_code(&env.run(&[]), 0);
        assert_eq!(sync.count(), 1);
    }
}

#[test]
fn a_refused_token_exits_3_and_the_next_run_sends_nothing() {
    for body in [
        "Failed authenticating to fetch API keys",
        "ERROR: Unable to locate this record",
    ] {
        let env = Env::new("freedns-badtoken");
        let (v4, v6) = (env.ip_source(&[IP1, IP2]), env.ip_source(&[V6A]));
        let (sync, sync6) = (
            env.server(vec![Reply::ok(body)]),
            env.server(vec![updated(V6A)]),
        );
        setup(&env, (&v4, &v6), (&sync, &sync6), V4_ONLY);
        let out = env.run(&[]);
        expect_code(&out, 3);
        assert!(out.stderr.contains(body), "{}", out.stderr);
        let out = env.run(&[]);
        expect_code(&out, 3);
        assert_eq!(sync.count(), 1, "a rejected record was retried");
        assert!(out.stderr.contains("stopped"), "{}", out.stderr);
    }
}

#[test]
fn a_refused_ipv6_token_leaves_ipv4_alone() {
    let env = Env::new("freedns-v6-refused");
    let (v4, v6) = (env.ip_source(&[IP1]), env.ip_source(&[V6A]));
    let sync = env.server(vec![updated(IP1)]);
    let sync6 = env.server(vec![Reply::ok("ERROR: Unable to locate this record")]);
    setup(&env, (&v4, &v6), (&sync, &sync6), BOTH);
    let out = env.run(&[]);
    expect_code(&out, 3);
    assert!(
        out.stderr.contains("updated A to 81.2.69.160"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("AAAA rejected"), "{}", out.stderr);
    let out = env.run(&[]);
    expect_code(&out, 3);
    assert_eq!((sync.count(), sync6.count()), (1, 1));
}

#[test]
fn server_trouble_and_garbage_back_off() {
    for (status, body, shown) in [
        (503, "<html>Service Unavailable</html>", "HTTP 503"),
        (200, "<html>Updated 1 host(s)</html>", "unexpected reply"),
        (429, "Too Many Requests", "HTTP 429"),
    ] {
        let env = Env::new("freedns-5xx");
        let (v4, v6) = (env.ip_source(&[IP1]), env.ip_source(&[V6A]));
        let (sync, sync6) = (
            env.server(vec![Reply::status(status, body), updated(IP1)]),
            env.server(vec![updated(V6A)]),
        );
        setup(&env, (&v4, &v6), (&sync, &sync6), V4_ONLY);
        let out = env.run(&[]);
        expect_code(&out, 1);
        assert!(out.stderr.contains(shown), "{}", out.stderr);
        assert!(out.stderr.contains("next try in 5 min"), "{}", out.stderr);
        let out = env.run(&[]);
        expect_code(&out, 1);
        assert_eq!(sync.count(), 1, "backing off: nothing sent");
    }
}

#[test]
fn the_tokens_never_show() {
    let env = Env::new("freedns-secret");
    let (v4, v6) = (env.ip_source(&[IP1]), env.ip_source(&[V6A]));
    let sync = env.server(vec![Reply::ok("ERROR: Unable to locate this record")]);
    let sync6 = env.server(vec![Reply::status(500, "")]);
    setup(&env, (&v4, &v6), (&sync, &sync6), BOTH);

    let dry = env.dry_run(&[&sync, &sync6]);
    assert!(
        dry.stdout.contains(&format!(
            "GET https://127.0.0.1:{}/u/***/?address=81.2.69.160",
            sync.port()
        )),
        "{}",
        dry.stdout
    );
    assert!(
        dry.stdout.contains(&format!(
            "GET https://127.0.0.1:{}/u/***/?address=2a01%3A4f8%3A10%3A20%3A%3A5",
            sync6.port()
        )),
        "{}",
        dry.stdout
    );
    let run = env.run(&["-vv"]);
    expect_code(&run, 3);
    assert_eq!((sync.count(), sync6.count()), (1, 1));
    let status = env.run(&["status"]);
    expect_code(&status, 0);
    let state = env.state_text().unwrap();
    no_secret(&[&dry, &run, &status], &[&state], &[TOKEN, TOKEN6]);
}

#[test]
fn check_requires_the_aaaa_token_for_ipv6() {
    let env = Env::new("freedns-check");
    let (v4, v6) = (env.ip_source(&[IP1]), env.ip_source(&[V6A]));
    let (sync, sync6) = (
        env.server(vec![updated(IP1)]),
        env.server(vec![updated(V6A)]),
    );
    setup(
        &env,
        (&v4, &v6),
        (&sync, &sync6),
        &format!("family = \"both\"\n{V4_ONLY}"),
    );
    let out = env.run(&["check"]);
    expect_code(&out, 2);
    assert!(
        out.stderr
            .contains("record 1 (freedns): missing key \"token6\" (or \"token6_file\")"),
        "{}",
        out.stderr
    );
    setup(&env, (&v4, &v6), (&sync, &sync6), BOTH);
    let out = env.run(&["check"]);
    expect_code(&out, 0);
    assert!(
        out.stdout
            .contains("record 1: myhome.mooo.com (freedns) A + AAAA"),
        "{}",
        out.stdout
    );
}

#[test]
fn a_sync_url_given_as_token_is_refused_before_anything_is_sent() {
    let env = Env::new("freedns-url-token");
    let (v4, v6) = (env.ip_source(&[IP1]), env.ip_source(&[V6A]));
    let (sync, sync6) = (
        env.server(vec![updated(IP1)]),
        env.server(vec![updated(V6A)]),
    );
    let url = format!("token = \"https://sync.afraid.org/u/{TOKEN}/\"\n");
    setup(&env, (&v4, &v6), (&sync, &sync6), &url);
    for args in [&["check"][..], &[]] {
        let out = env.run(args);
        expect_code(&out, 2);
        assert!(
            out.stderr.contains(
                "record 1 (freedns): key \"token\": holds a URL or a path, not the token alone"
            ),
            "{}",
            out.stderr
        );
        assert!(out.stderr.contains("the part after /u/"), "{}", out.stderr);
        no_secret(&[&out], &[], &[TOKEN]);
    }
    assert_eq!((v4.count(), sync.count()), (0, 0));
}
