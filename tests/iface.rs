//! Interface sources through the real binary, run inside a network namespace with real addresses.
//! Needs root (CI runs as root); without it each test passes after printing why it skipped.
mod harness;
mod support;

use harness::*;
use support::{MockServer, NetNs, Output, Reply, script};

/// Runs ddnsup inside `ns` with `env`'s config.
fn run_in(ns: &NetNs, env: &Env, extra: &[&str]) -> Output {
    ns.run_ddnsup(&env.config, extra)
}

fn config(env: &Env, provider: &MockServer, family: &str) {
    let record = format!(
        "[[record]]\nprovider = \"duckdns\"\nserver = {:?}\ndomain = \"home\"\ntoken = \"t\"\nfamily = \"{family}\"\n",
        provider.url()
    );
    let text = format!(
        "timeout = 3\nca_file = {:?}\nstate_file = {:?}\n\n[ip]\nsources = [\"interface:wan0\"]\nsources6 = [\"interface:wan0\"]\n\n{record}",
        env.ca_file, env.state
    );
    std::fs::write(&env.config, text).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&env.config, std::fs::Permissions::from_mode(0o600)).unwrap();
}

#[test]
fn the_wan_interface_gives_both_addresses_without_a_request() {
    let Some(ns) = NetNs::create("iface") else {
        return;
    };
    ns.add_dummy("wan0");
    ns.add_addr("wan0", "192.168.1.2/24", &[]);
    ns.add_addr("wan0", "81.2.69.160/24", &[]);
    ns.add_addr("wan0", "fd00::1/64", &["nodad"]);
    ns.add_addr(
        "wan0",
        "2a01:4f8:10:20::9/64",
        &["nodad", "preferred_lft", "0"],
    );
    ns.add_addr("wan0", "2a01:4f8:10:30::5/64", &["nodad"]);
    ns.add_addr("wan0", "2a01:4f8:10:20::5/64", &["nodad"]);
    let temporary = ns.add_temporary_addr("wan0", "2a01:4f8:10:40::1/64");
    let env = Env::new("iface");
    let ca = env.ca.clone();
    let provider = ns.run_inside(move || MockServer::https(&ca, script(vec![Reply::ok("OK")])));
    config(&env, &provider, "both");

    let out = run_in(&ns, &env, &["-v"]);
    expect_code(&out, 0);
    let r = provider.last().unwrap();
    assert_eq!(
        r.param("ip"),
        Some("81.2.69.160"),
        "the private address is passed over"
    );
    // Permanent, global, not deprecated or temporary; the lowest of those.
    assert_eq!(r.param("ipv6"), Some("2a01:4f8:10:20::5"));
    assert_ne!(r.param("ipv6"), Some(temporary.to_string().as_str()));
    assert_eq!(
        provider.count(),
        1,
        "the interface source needs no request of its own"
    );

    // Nothing changed: nothing sent.
    expect_code(&run_in(&ns, &env, &[]), 0);
    assert_eq!(provider.count(), 1);
}

#[test]
fn a_cgnat_wan_address_is_refused_with_a_clear_warning() {
    let Some(ns) = NetNs::create("cgnat") else {
        return;
    };
    ns.add_dummy("wan0");
    ns.add_addr("wan0", "100.72.1.2/10", &[]);
    let env = Env::new("cgnat");
    let ca = env.ca.clone();
    let provider = ns.run_inside(move || MockServer::https(&ca, script(vec![Reply::ok("OK")])));
    config(&env, &provider, "ipv4");
    let out = run_in(&ns, &env, &[]);
    expect_code(&out, 1);
    assert_eq!(provider.count(), 0);
    assert!(out.stderr.contains("carrier-grade NAT"), "{}", out.stderr);
    assert!(
        out.stderr.contains("cannot be reached from outside"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_missing_interface_or_only_private_addresses_is_a_transient_failure() {
    let Some(ns) = NetNs::create("noaddr") else {
        return;
    };
    ns.add_dummy("wan0");
    ns.add_addr("wan0", "10.0.0.2/8", &[]);
    ns.add_addr("wan0", "fd00::2/64", &["nodad"]);
    let env = Env::new("noaddr");
    let ca = env.ca.clone();
    let provider = ns.run_inside(move || MockServer::https(&ca, script(vec![Reply::ok("OK")])));
    config(&env, &provider, "both");
    let out = run_in(&ns, &env, &[]);
    expect_code(&out, 1);
    assert_eq!(provider.count(), 0);
    assert!(
        out.stderr
            .contains("no public IPv4 address (only 10.0.0.2)"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("fd00::2 ULA"), "{}", out.stderr);

    let text = std::fs::read_to_string(&env.config)
        .unwrap()
        .replace("interface:wan0", "interface:wan9");
    std::fs::write(&env.config, text).unwrap();
    let out = run_in(&ns, &env, &[]);
    expect_code(&out, 1);
    assert!(
        out.stderr.contains("wan9: no such interface"),
        "{}",
        out.stderr
    );
}
