//! DNS echo sources through the real binary against a loopback UDP resolver mock.
mod harness;
mod support;

use harness::*;
use std::time::Duration;
use support::{DnsReply, DnsServer, MockServer, Reply};

fn config(
    env: &Env,
    v4: &[String],
    v6: &[String],
    provider: &MockServer,
    family: &str,
    timeout: u64,
) {
    let quote = |l: &[String]| {
        l.iter()
            .map(|s| format!("{s:?}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let text = format!(
        "timeout = {timeout}\nca_file = {:?}\nstate_file = {:?}\n\n[ip]\nsources = [{}]\nsources6 = [{}]\n\n[[record]]\nprovider = \"duckdns\"\nserver = {:?}\ndomain = \"home\"\ntoken = \"t\"\nfamily = \"{family}\"\n",
        env.ca_file,
        env.state,
        quote(v4),
        quote(v6),
        provider.url()
    );
    std::fs::write(&env.config, text).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&env.config, std::fs::Permissions::from_mode(0o600)).unwrap();
}

#[test]
fn opendns_and_cloudflare_answers_are_used() {
    let env = Env::new("dns-ok");
    let opendns = DnsServer::start(vec![DnsReply::OpenDnsA(IP1.parse().unwrap())]);
    let cloudflare = DnsServer::start(vec![DnsReply::CloudflareTxt("2a01:4f8:10:20::5".into())]);
    let provider = env.server(vec![Reply::ok("OK")]);
    config(
        &env,
        &[format!("dns:opendns@{}", opendns.spec())],
        &[format!("dns:cloudflare@{}", cloudflare.spec())],
        &provider,
        "both",
        3,
    );
    let out = env.run(&[]);
    expect_code(&out, 0);
    let r = provider.last().unwrap();
    assert_eq!(
        (r.param("ip"), r.param("ipv6")),
        (Some(IP1), Some("2a01:4f8:10:20::5"))
    );
    let q = &opendns.queries()[0];
    assert_eq!(
        (q.name.to_lowercase().as_str(), q.qtype, q.qclass),
        ("myip.opendns.com.", 1, 1)
    );
    let q = &cloudflare.queries()[0];
    assert_eq!(
        (q.name.to_lowercase().as_str(), q.qtype, q.qclass),
        ("whoami.cloudflare.", 16, 3)
    );
}

#[test]
fn opendns_aaaa_for_ipv6() {
    let env = Env::new("dns-aaaa");
    let opendns = DnsServer::start(vec![DnsReply::OpenDnsAaaa(
        "2a01:4f8:10:20::7".parse().unwrap(),
    )]);
    let provider = env.server(vec![Reply::ok("OK")]);
    // `sources` may not be empty: give IPv4 a source that is never asked.
    config(
        &env,
        &["https://127.0.0.1:9".into()],
        &[format!("dns:opendns@{}", opendns.spec())],
        &provider,
        "ipv6",
        3,
    );
    expect_code(&env.run(&[]), 0);
    assert_eq!(
        provider.last().unwrap().param("ipv6"),
        Some("2a01:4f8:10:20::7")
    );
    assert_eq!(opendns.queries()[0].qtype, 28);
}

#[test]
fn bad_answers_fall_through_to_the_next_source() {
    let env = Env::new("dns-bad");
    let nxdomain = DnsServer::start(vec![DnsReply::Rcode(3)]);
    let truncated = DnsServer::start(vec![DnsReply::Truncated]);
    let private = DnsServer::start(vec![DnsReply::CloudflareTxt("192.168.0.1".into())]);
    let spoofed_then_good = DnsServer::start(vec![DnsReply::Several(vec![
        DnsReply::WrongId,
        DnsReply::OpenDnsA(IP2.parse().unwrap()),
    ])]);
    let provider = env.server(vec![Reply::ok("OK")]);
    let v4 = vec![
        format!("dns:opendns@{}", nxdomain.spec()),
        format!("dns:opendns@{}", truncated.spec()),
        format!("dns:cloudflare@{}", private.spec()),
        format!("dns:opendns@{}", spoofed_then_good.spec()),
    ];
    config(&env, &v4, &v4, &provider, "ipv4", 3);
    let out = env.run(&["-v"]);
    expect_code(&out, 0);
    assert_eq!(
        provider.last().unwrap().param("ip"),
        Some(IP2),
        "the wrong-ID datagram is ignored"
    );
    for s in ["NXDOMAIN", "truncated", "192.168.0.1 is a private address"] {
        assert!(out.stderr.contains(s), "{s}: {}", out.stderr);
    }
}

#[test]
fn a_resolver_that_never_answers_is_bounded_by_the_timeout() {
    let env = Env::new("dns-silent");
    let silent = DnsServer::start(vec![DnsReply::Silent]);
    let only_wrong_ids = DnsServer::start(vec![DnsReply::WrongId]);
    let provider = env.server(vec![Reply::ok("OK")]);
    let v4 = vec![
        format!("dns:opendns@{}", silent.spec()),
        format!("dns:opendns@{}", only_wrong_ids.spec()),
    ];
    config(&env, &v4, &v4, &provider, "ipv4", 2);
    let out = env.run(&[]);
    expect_code(&out, 1);
    assert_eq!(provider.count(), 0);
    assert!(
        out.elapsed < Duration::from_secs(8),
        "took {:?}",
        out.elapsed
    );
    assert!(
        out.elapsed >= Duration::from_secs(4),
        "took {:?}",
        out.elapsed
    );
    assert!(out.stderr.contains("no reply within"), "{}", out.stderr);
    assert_eq!(silent.count(), 1, "one query, no retries inside a run");
}
