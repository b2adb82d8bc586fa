//! A and AAAA through the real binary: independent families, per-family failures, host ids, agreement.
mod harness;
mod support;

use harness::*;
use support::{MockServer, Reply};

const V6A: &str = "2a01:4f8:10:20::5";
const V6B: &str = "2a01:4f8:10:99::5";

fn sources(env: &Env, v4: &[&MockServer], v6: &[&MockServer], extra: &str, records: &str) {
    let list = |s: &[&MockServer]| {
        s.iter()
            .map(|m| format!("{:?}", m.url()))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let text = format!(
        "timeout = 3\nca_file = {:?}\nstate_file = {:?}\n\n[ip]\nsources = [{}]\nsources6 = [{}]\n{extra}\n{records}",
        env.ca_file,
        env.state,
        list(v4),
        list(v6)
    );
    std::fs::write(&env.config, text).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&env.config, std::fs::Permissions::from_mode(0o600)).unwrap();
}

fn duck(server: &MockServer, extra: &str) -> String {
    format!(
        "[[record]]\nprovider = \"duckdns\"\nserver = {:?}\ndomain = \"home\"\ntoken = \"t\"\nfamily = \"both\"\n{extra}",
        server.url()
    )
}

#[test]
fn both_families_update_independently() {
    let env = Env::new("dual");
    let v4 = env.ip_source(&[IP1]);
    let v6 = env.ip_source(&[V6A, V6B]);
    let provider = env.server(vec![Reply::ok("OK")]);
    sources(&env, &[&v4], &[&v6], "", &duck(&provider, ""));

    let out = env.run(&[]);
    expect_code(&out, 0);
    let r = provider.last().unwrap();
    assert_eq!((r.param("ip"), r.param("ipv6")), (Some(IP1), Some(V6A)));
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

    // Only the IPv6 address changed: only it is sent.
    let out = env.run(&[]);
    expect_code(&out, 0);
    let r = provider.last().unwrap();
    assert_eq!((r.param("ip"), r.param("ipv6")), (None, Some(V6B)));
    assert!(
        out.stderr.contains("A unchanged (81.2.69.160)"),
        "{}",
        out.stderr
    );
    let state = env.state_text().unwrap();
    assert!(
        state.contains("duckdns home.duckdns.org A")
            && state.contains("duckdns home.duckdns.org AAAA"),
        "{state}"
    );
}

#[test]
fn an_ipv6_failure_never_blocks_the_ipv4_update() {
    let env = Env::new("v6-fails");
    let v4 = env.ip_source(&[IP1]);
    let v6_bad = env.ip_source(&["fd00::1", IP2]);
    let provider = env.server(vec![Reply::ok("OK")]);
    sources(&env, &[&v4], &[&v6_bad], "", &duck(&provider, ""));

    let out = env.run(&[]);
    expect_code(&out, 1);
    let r = provider.last().unwrap();
    assert_eq!((r.param("ip"), r.param("ipv6")), (Some(IP1), None));
    assert!(
        out.stderr
            .contains("could not find the public IPv6 address"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("unique local"), "{}", out.stderr);
    let state = env.state_text().unwrap();
    assert!(
        !state.contains("AAAA"),
        "no AAAA memory from a failed lookup: {state}"
    );

    // The reverse: IPv4 lookups failing do not stop IPv6.
    let env = Env::new("v4-fails");
    let v4_bad = env.ip_source(&[V6A]);
    let v6 = env.ip_source(&[V6A]);
    let provider = env.server(vec![Reply::ok("OK")]);
    sources(&env, &[&v4_bad], &[&v6], "", &duck(&provider, ""));
    let out = env.run(&[]);
    expect_code(&out, 1);
    let r = provider.last().unwrap();
    assert_eq!((r.param("ip"), r.param("ipv6")), (None, Some(V6A)));
    assert!(
        out.stderr.contains("IPv6 address where IPv4 was asked for"),
        "{}",
        out.stderr
    );
}

#[test]
fn separate_requests_and_per_family_outcomes() {
    let env = Env::new("he");
    let v4 = env.ip_source(&[IP1]);
    let v6 = env.ip_source(&[V6A]);
    let provider = env.server(vec![Reply::ok("good 81.2.69.160"), Reply::ok("nohost")]);
    let record = format!(
        "[[record]]\nprovider = \"he\"\nserver = {:?}\nhostname = \"home.example.net\"\npassword = \"key\"\nfamily = \"both\"\n",
        provider.url()
    );
    sources(&env, &[&v4], &[&v6], "", &record);
    let out = env.run(&[]);
    expect_code(&out, 3);
    let reqs = provider.requests();
    assert_eq!(
        reqs.len(),
        2,
        "Hurricane Electric takes one address per request"
    );
    assert_eq!(reqs[0].param("myip"), Some(IP1));
    assert_eq!(reqs[1].param("myip"), Some(V6A));
    assert_eq!(
        reqs[1].basic_auth(),
        Some(("home.example.net".into(), "key".into()))
    );
    assert!(
        out.stderr.contains("updated A to 81.2.69.160"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("AAAA rejected: nohost"),
        "{}",
        out.stderr
    );

    // Next run: A is current, AAAA is stopped: nothing is sent.
    let out = env.run(&[]);
    expect_code(&out, 3);
    assert_eq!(provider.count(), 2);
}

#[test]
fn dynu_sends_myipv6_and_comma_services_one_list() {
    let env = Env::new("dynu");
    let v4 = env.ip_source(&[IP1]);
    let v6 = env.ip_source(&[V6A]);
    let dynu = env.server(vec![Reply::ok("good")]);
    let noip = env.server(vec![Reply::ok(&format!("good {IP1},{V6A}"))]);
    let records = format!(
        "[[record]]\nprovider = \"dynu\"\nserver = {:?}\nhostname = \"a.dynu.net\"\nusername = \"u\"\npassword = \"p\"\nfamily = \"ipv6\"\n\n[[record]]\nprovider = \"noip\"\nserver = {:?}\nhostname = \"b.ddns.net\"\nusername = \"u\"\npassword = \"p\"\nfamily = \"both\"\n",
        dynu.url(),
        noip.url()
    );
    sources(&env, &[&v4], &[&v6], "", &records);
    expect_code(&env.run(&[]), 0);
    let d = dynu.last().unwrap();
    assert_eq!(
        (d.param("myip"), d.param("myipv6")),
        (Some("no"), Some(V6A))
    );
    let n = noip.last().unwrap();
    assert_eq!(n.param("myip"), Some(format!("{IP1},{V6A}").as_str()));
    assert_eq!(v4.count(), 1, "one IPv4 lookup shared by both records");
}

#[test]
fn a_host_behind_the_router_gets_the_prefix_and_its_id() {
    let env = Env::new("hostid");
    let v6 = env.ip_source(&["2a01:4f8:10:20:aaaa:bbbb:cccc:dddd"]);
    let v4 = env.ip_source(&[IP1]);
    let provider = env.server(vec![Reply::ok("OK")]);
    let record = duck(&provider, "ipv6_host_id = \"::1234\"\n")
        .replace("family = \"both\"", "family = \"ipv6\"");
    sources(&env, &[&v4], &[&v6], "", &record);
    expect_code(&env.run(&[]), 0);
    assert_eq!(
        provider.last().unwrap().param("ipv6"),
        Some("2a01:4f8:10:20::1234")
    );
    assert_eq!(v4.count(), 0, "no IPv4 lookup for an IPv6-only record");
}

#[test]
fn agreement_between_sources() {
    let env = Env::new("agree");
    let a = env.ip_source(&[IP1]);
    let b = env.ip_source(&[IP2]);
    let c = env.ip_source(&[IP2]);
    let provider = env.server(vec![Reply::ok(&nc_success(IP2))]);
    let record = namecheap_record(&provider.url(), PASSWORD);
    sources(&env, &[&a, &b, &c], &[&a, &b], "agree = 2\n", &record);
    let out = env.run(&[]);
    expect_code(&out, 0);
    assert_eq!(provider.last().unwrap().param("ip"), Some(IP2));
    assert!(
        out.stderr
            .contains("disagrees: says 81.2.69.160, others agree on 81.2.69.161"),
        "{}",
        out.stderr
    );

    // No two sources agree: nothing is sent, and the message says who said what.
    let env = Env::new("disagree");
    let (a, b) = (env.ip_source(&[IP1]), env.ip_source(&[IP2]));
    let provider = env.server(vec![Reply::ok(&nc_success(IP2))]);
    let record = namecheap_record(&provider.url(), PASSWORD);
    sources(&env, &[&a, &b], &[&a, &b], "agree = 2\n", &record);
    let out = env.run(&[]);
    expect_code(&out, 1);
    assert_eq!(provider.count(), 0);
    assert!(
        out.stderr.contains("fewer than 2 sources agree"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("says 81.2.69.160") && out.stderr.contains("says 81.2.69.161"),
        "{}",
        out.stderr
    );
}

#[test]
fn the_run_summary_names_each_record_with_its_families() {
    let env = Env::new("summary");
    let v4 = env.ip_source(&[IP1]);
    // No IPv6 source answers, so both records' AAAA fail; DuckDNS refuses the token for A.
    let v6 = env.server(vec![Reply::status(503, "busy")]);
    let duck_server = env.server(vec![Reply::ok("KO")]);
    let dyn2 = env.server(vec![Reply::ok(&format!("good {IP1}"))]);
    let records = format!(
        "{}\n[[record]]\nprovider = \"dyndns2\"\nhostname = \"home.example.com\"\nusername = \"me\"\npassword = \"{PASSWORD}\"\nserver = {:?}\nfamily = \"both\"\n",
        duck(&duck_server, ""),
        dyn2.url()
    );
    sources(&env, &[&v4], &[&v6], "", &records);
    let out = env.run(&["-q"]);
    let last = out.stderr.lines().last().unwrap_or_default();
    // One line: records, not families, are counted, each named with what failed of it.
    assert!(
        last.ends_with(
            "1 record rejected by the provider (fix the config; not retried until it changes): \
             home.duckdns.org (A); 2 records failed (a later run retries): home.duckdns.org (AAAA), \
             home.example.com (AAAA)"
        ),
        "{}",
        out.stderr
    );
    expect_code(&out, 3);
}
