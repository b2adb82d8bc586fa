//! Presets through the real binary: a few rows against a loopback mock (`server = ...`), their own reply words, and the ddns-scripts service names.
mod harness;
mod support;

use harness::*;
use support::{MockServer, Reply};

const V6: &str = "2a01:4f8:10:20::5";
const SECRET: &str = "s3cr3t-Pa55word";

/// A config with IPv4 (and IPv6, when given) sources and `records`.
fn write(env: &Env, v4: &MockServer, v6: Option<&MockServer>, records: &str) {
    let sources6: Vec<String> = v6.iter().map(|s| s.url()).collect();
    env.write_config_dual(3, &[v4.url()], &sources6, records);
}

/// One record of `provider` pointed at `server`, logging in as `user` / [`SECRET`].
fn record(provider: &str, server: &MockServer, hostname: &str, extra: &str) -> String {
    format!(
        "[[record]]\nprovider = {provider:?}\nserver = {:?}\nhostname = {hostname:?}\nusername = \"user\"\npassword = {SECRET:?}\n{extra}",
        server.url()
    )
}

#[test]
fn core_networks_keeps_the_other_family_in_each_request() {
    let env = Env::new("preset-cn");
    let (v4, v6) = (env.ip_source(&[IP1]), env.ip_source(&[V6]));
    // dyndns2 answers, as ddns-scripts' `answer` for core-networks.de (`good`) expects.
    let provider = env.server(vec![
        Reply::ok(&format!("good {IP1}")),
        Reply::ok(&format!("good {V6}")),
    ]);
    // Its ddns-scripts name, in another case.
    let rec = record(
        "Core-Networks.de",
        &provider,
        "home.example.org",
        "family = \"both\"\n",
    );
    write(&env, &v4, Some(&v6), &rec);
    let dry = env.dry_run(&[&provider]);
    let out = env.run(&["-v"]);
    expect_code(&out, 0);
    let sent = provider.requests();
    assert_eq!(sent.len(), 2);
    assert_eq!(
        sent[0].target,
        format!("/?hostname=home.example.org&myip={IP1}&keepipv6=1")
    );
    assert_eq!(
        sent[1].target,
        "/?hostname=home.example.org&myip=2a01%3A4f8%3A10%3A20%3A%3A5&keepipv4=1"
    );
    for r in &sent {
        assert_eq!(r.basic_auth(), Some(("user".into(), SECRET.into())));
    }
    assert!(
        out.stderr.contains("updated AAAA to 2a01:4f8:10:20::5"),
        "{}",
        out.stderr
    );
    no_secret(&[&dry, &out], &[], &[SECRET]);
}

#[test]
fn easydns_words_stop_a_refused_record() {
    let env = Env::new("preset-easydns");
    let v4 = env.ip_source(&[IP1, IP2]);
    // easyDNS's own refusal code (its dynamic update spec).
    let provider = env.server(vec![Reply::ok("NOACCESS\n")]);
    write(
        &env,
        &v4,
        None,
        &record("easydns.com", &provider, "home.example.org", ""),
    );
    let out = env.run(&["-v"]);
    expect_code(&out, 3);
    assert_eq!(
        provider.last().unwrap().target,
        format!("/dyn/generic.php?hostname=home.example.org&myip={IP1}")
    );
    assert!(out.stderr.contains("NOACCESS"), "{}", out.stderr);
    expect_code(&env.run(&[]), 3);
    assert_eq!(provider.count(), 1, "a fatal answer is not retried");
    no_secret(&[&out], &[], &[SECRET]);
}

#[test]
fn easydns_noerror_is_success_and_toosoon_is_transient() {
    let env = Env::new("preset-easydns-ok");
    let v4 = env.ip_source(&[IP1, IP2]);
    let provider = env.server(vec![Reply::ok("NOERROR"), Reply::ok("TOOSOON")]);
    write(
        &env,
        &v4,
        None,
        &record("easydns", &provider, "home.example.org", ""),
    );
    expect_code(&env.run(&[]), 0);
    let out = env.run(&[]);
    expect_code(&out, 1);
    assert!(out.stderr.contains("TOOSOON"), "{}", out.stderr);
}

#[test]
fn domeneshop_success_is_204_and_a_body_is_not() {
    let env = Env::new("preset-domeneshop");
    let v4 = env.ip_source(&[IP1, IP2]);
    let provider = env.server(vec![Reply::status(204, ""), Reply::ok("good")]);
    write(
        &env,
        &v4,
        None,
        &record("domeneshop", &provider, "home.example.org", ""),
    );
    let out = env.run(&[]);
    expect_code(&out, 0);
    assert!(
        out.stderr
            .contains("home.example.org (domeneshop): updated A to 81.2.69.160"),
        "{}",
        out.stderr
    );
    assert_eq!(
        provider.last().unwrap().target,
        format!("/v0/dyndns/update?hostname=home.example.org&myip={IP1}")
    );
    expect_code(&env.run(&[]), 1);
}

#[test]
fn changeip_success_heading_and_its_ip_key() {
    let env = Env::new("preset-changeip");
    let v4 = env.ip_source(&[IP1]);
    let provider = env.server(vec![Reply::ok("200 Successful Update\n")]);
    write(
        &env,
        &v4,
        None,
        &record("changeip.com", &provider, "home.example.org", ""),
    );
    expect_code(&env.run(&[]), 0);
    let r = provider.last().unwrap();
    assert_eq!(r.param("ip"), Some(IP1));
    assert_eq!(r.param("myip"), None);
}

#[test]
fn tunnelbroker_takes_the_tunnel_id_as_hostname() {
    let env = Env::new("preset-tb");
    let v4 = env.ip_source(&[IP1]);
    let provider = env.server(vec![Reply::ok(&format!("good {IP1}"))]);
    write(
        &env,
        &v4,
        None,
        &record("tunnelbroker", &provider, "123456", ""),
    );
    expect_code(&env.run(&[]), 0);
    assert_eq!(
        provider.last().unwrap().target,
        format!("/nic/update?hostname=123456&myip={IP1}")
    );
}

/// `ddnsup check` on a config of one record.
fn check(env: &Env, records: &str) -> support::Output {
    let v4 = env.ip_source(&[IP1]);
    write(env, &v4, None, records);
    support::Run::new()
        .args(["check", "-c", env.config.to_str().unwrap()])
        .deadline_secs(30)
        .output()
}

#[test]
fn ddns_scripts_names_are_accepted_or_refused_with_a_reason() {
    let env = Env::new("preset-names");
    let server = env.ip_source(&[IP1]);
    for name in [
        "dyndns.org",
        "no-ip.com",
        "he.net",
        "OVH.com",
        "nsupdate.info",
    ] {
        let out = check(&env, &record(name, &server, "home.example.org", ""));
        expect_code(&out, 0);
    }
    let gone = check(&env, &record("google.com", &server, "home.example.org", ""));
    expect_code(&gone, 2);
    assert!(
        gone.stderr
            .contains("\"google.com\" is not served: Google Domains is gone"),
        "{}",
        gone.stderr
    );
    let api = check(
        &env,
        "[[record]]\nprovider = \"cloudflare.com-v4\"\nzone = \"example.com\"\nname = \"home.example.com\"\ntoken = \"t0k3n\"\n",
    );
    if cfg!(feature = "api") {
        expect_code(&api, 0);
    } else {
        expect_code(&api, 2);
        assert!(api.stderr.contains("not in this build"), "{}", api.stderr);
    }
}

#[test]
fn url_preset_freedns_key_auth_hides_the_key_in_the_query() {
    let env = Env::new("preset-afraid-key");
    let (v4, v6) = (env.ip_source(&[IP1]), env.ip_source(&[V6]));
    // FreeDNS's v1 update replies (PROTOCOLS.md §5.6).
    let provider = env.server(vec![
        Reply::ok(&format!(
            "Updated 1 host(s) home.example.org to {IP1} in 0.178 seconds"
        )),
        Reply::ok("ERROR: Address 2a01:4f8:10:20::5 has not changed."),
    ]);
    let rec = format!(
        "[[record]]\nprovider = \"afraid.org-keyauth\"\nserver = {:?}\nhostname = \"home.example.org\"\ntoken = {SECRET:?}\nfamily = \"both\"\n",
        provider.url()
    );
    write(&env, &v4, Some(&v6), &rec);
    let dry = env.dry_run(&[&provider]);
    let out = env.run(&["-vv"]);
    expect_code(&out, 1);
    let sent = provider.requests();
    assert_eq!(
        sent[0].target,
        format!("/dynamic/update.php?{SECRET}&address={IP1}")
    );
    assert_eq!(
        sent[1].target,
        format!("/dynamic/update.php?{SECRET}&address=2a01%3A4f8%3A10%3A20%3A%3A5")
    );
    assert!(
        out.stderr.contains("updated A to 81.2.69.160"),
        "{}",
        out.stderr
    );
    no_secret(&[&dry, &out], &[&env.state_text().unwrap()], &[SECRET]);
}

#[test]
fn url_preset_zoneedit_basic_and_its_xml_words() {
    let env = Env::new("preset-zoneedit");
    let v4 = env.ip_source(&[IP1, IP2]);
    // ZoneEdit's reply lines as ddclient's zoneedit reader takes them: reconstructed.
    let provider = env.server(vec![
        Reply::ok(&format!(
            "<SUCCESS CODE=\"200\" TEXT=\"Update succeeded.\" ZONE=\"example.org\" IP=\"{IP1}\">"
        )),
        Reply::status(401, ""),
    ]);
    write(
        &env,
        &v4,
        None,
        &record("ZoneEdit.com", &provider, "home.example.org", ""),
    );
    let out = env.run(&["-v"]);
    expect_code(&out, 0);
    let r = provider.last().unwrap();
    assert_eq!(
        r.target,
        format!("/auth/dynamic.html?host=home.example.org&dnsto={IP1}")
    );
    assert_eq!(r.basic_auth(), Some(("user".into(), SECRET.into())));
    expect_code(&env.run(&[]), 3);
    no_secret(&[&out], &[], &[SECRET]);
}

#[test]
fn url_preset_ipv64_sends_ipv6_with_its_own_key() {
    let env = Env::new("preset-ipv64");
    let v6 = env.ip_source(&[V6]);
    let v4 = env.ip_source(&[IP1]);
    let provider = env.server(vec![Reply::ok("badauth")]);
    let rec = format!(
        "[[record]]\nprovider = \"ipv64.net\"\nserver = {:?}\nhostname = \"home.example.org\"\ntoken = {SECRET:?}\nfamily = \"ipv6\"\n",
        provider.url()
    );
    write(&env, &v4, Some(&v6), &rec);
    let out = env.run(&["-v"]);
    expect_code(&out, 3);
    assert_eq!(
        provider.last().unwrap().target,
        format!(
            "/nic/update?domain=home.example.org&key={SECRET}&ipv6=2a01%3A4f8%3A10%3A20%3A%3A5"
        )
    );
    no_secret(&[&out], &[], &[SECRET]);
}
