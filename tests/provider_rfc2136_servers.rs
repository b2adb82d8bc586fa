//! RFC 2136 through the real binary against the loopback DNS mock answering as servers other
//! than BIND do: PowerDNS (every TSIG failure is an unsigned REFUSED) and Knot (an ACL denial
//! for a key it knows is NOTAUTH with TSIG error BADKEY).
mod harness;
mod support;

use harness::*;
use support::{DnsReply, DnsServer, MockServer, Output, Run};

const SECRET: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
/// The bytes `SECRET` stands for.
fn secret_bytes() -> Vec<u8> {
    (0u8..32).collect()
}

/// The config: one address source and one rfc2136 record at `server` with the inline key.
fn write_config(env: &Env, v4: &MockServer, server: &str) {
    use std::os::unix::fs::PermissionsExt;
    let text = format!(
        "timeout = 3\nca_file = {:?}\nstate_file = {:?}\n\n[ip]\nsources = [{:?}]\n\n[[record]]\nprovider = \"rfc2136\"\nserver = \"{server}\"\nzone = \"example.com\"\nname = \"home.example.com\"\ntsig_key_name = \"ddns-key\"\ntsig_secret = \"{SECRET}\"\n",
        env.ca_file,
        env.state,
        v4.url(),
    );
    std::fs::write(&env.config, text).unwrap();
    std::fs::set_permissions(&env.config, std::fs::Permissions::from_mode(0o600)).unwrap();
}

fn run(env: &Env, args: &[&str]) -> Output {
    Run::new()
        .args(["-c", env.config.to_str().unwrap()])
        .args(args)
        .env_remove("DDNSUP_TSIG_CLOCK_OFFSET")
        .deadline_secs(60)
        .output()
}

/// A number field of the state's first entry.
fn state_number(env: &Env, field: &str) -> u64 {
    let state = env.state_text().unwrap();
    let key = format!("\"{field}\":");
    let at = state.find(&key).expect(&key) + key.len();
    let digits: String = state[at..]
        .chars()
        .take_while(|c| c.is_ascii_digit())
        .collect();
    digits.parse().unwrap()
}

/// PowerDNS: a bad secret, an unknown key and a wrong clock all get an unsigned REFUSED. The
/// record is retried, not stopped, but only after an hour, then two.
#[test]
fn powerdns_unsigned_refused_backs_off_an_hour_then_two_and_never_stops() {
    let env = Env::new("rfc2136-pdns");
    let v4 = env.ip_source(&[IP1]);
    let dns = DnsServer::start(vec![DnsReply::Rcode(5)]);
    write_config(&env, &v4, &dns.spec());

    let before = now();
    let out = run(&env, &[]);
    expect_code(&out, 1);
    assert_eq!(dns.count(), 1);
    let q = &dns.queries()[0];
    assert_eq!((q.name.as_str(), q.qtype), ("example.com.", 6));
    for words in [
        "REFUSED without a TSIG signature: the server could not verify our signed update",
        "the secret, the key name \"ddns-key\", the algorithm (hmac-sha256) and this machine's clock (ours read 20",
        " UTC when signing",
        "next try in 1 h or later",
    ] {
        assert!(
            out.stderr.contains(words),
            "{words:?} not in\n{}",
            out.stderr
        );
    }
    assert!(!out.stderr.contains(SECRET));
    let next = state_number(&env, "next");
    assert!(next >= before + 3600 && next <= now() + 3600, "{next}");
    assert_eq!(state_number(&env, "failures"), 1);
    let state = env.state_text().unwrap();
    assert!(state.contains("\"stopped\":false"), "{state}");

    // The next cron run waits: nothing is sent.
    let out = run(&env, &[]);
    assert_eq!(dns.count(), 1, "{}", out.stderr);
    assert_ne!(out.code, 3, "{}", out.stderr);

    // A forced run tries again; the wait doubles.
    let before = now();
    let out = run(&env, &["--force"]);
    expect_code(&out, 1);
    assert_eq!(dns.count(), 2);
    assert!(out.stderr.contains("next try in 2 h"), "{}", out.stderr);
    let next = state_number(&env, "next");
    assert!(next >= before + 7200 && next <= now() + 7200, "{next}");
    assert_eq!(state_number(&env, "failures"), 2);
    assert!(!env.state_text().unwrap().contains("\"stopped\":true"));
}

/// An unsigned NOTAUTH with no TSIG record is read the same way, naming the zone as well.
#[test]
fn unsigned_notauth_is_the_same_slow_retry() {
    let env = Env::new("rfc2136-notauth-bare");
    let v4 = env.ip_source(&[IP1]);
    let dns = DnsServer::start(vec![DnsReply::Rcode(9)]);
    write_config(&env, &v4, &dns.spec());
    let before = now();
    let out = run(&env, &[]);
    expect_code(&out, 1);
    assert!(
        out.stderr.contains("NOTAUTH without a TSIG signature")
            && out
                .stderr
                .contains("or the server is not authoritative for zone example.com"),
        "{}",
        out.stderr
    );
    assert!(state_number(&env, "next") >= before + 3600);
}

/// Knot: an ACL that does not let a known key update the zone answers NOTAUTH + BADKEY, with
/// the TSIG record unsigned (as Knot sends it) or signed (a server that signs its errors):
/// fatal, and the text does not claim the key is unknown.
#[test]
fn knot_badkey_is_fatal_and_says_not_allowed_or_unknown() {
    for (tag, secret) in [
        ("rfc2136-knot-unsigned", None),
        ("rfc2136-knot-signed", Some(secret_bytes())),
    ] {
        let env = Env::new(tag);
        let v4 = env.ip_source(&[IP1]);
        let dns = DnsServer::start(vec![DnsReply::UpdateTsig {
            rcode: 9,
            error: 17,
            secret: secret.clone(),
        }]);
        write_config(&env, &v4, &dns.spec());
        let out = run(&env, &[]);
        expect_code(&out, 3);
        assert_eq!(dns.count(), 1);
        assert!(
            out.stderr.contains("NOTAUTH/BADKEY: the server refused TSIG key \"ddns-key\" (hmac-sha256): not allowed, or unknown key")
                && out.stderr.contains("ACL or update policy lets the key update zone example.com"),
            "{tag}: {}",
            out.stderr
        );
        assert!(!out.stderr.contains("does not know"), "{}", out.stderr);
        assert_eq!(
            out.stderr.contains("(unsigned reply)"),
            secret.is_none(),
            "{tag}: {}",
            out.stderr
        );
        assert!(env.state_text().unwrap().contains("\"stopped\":true"));

        // Stopped: the next run sends nothing.
        let out = run(&env, &[]);
        expect_code(&out, 3);
        assert_eq!(dns.count(), 1);
    }
}

/// The mock's signed TSIG errors are real signatures: with a wrong secret in the mock the
/// reply does not verify, which ddnsup reports as an untrustworthy reply (transient).
#[test]
fn a_badly_signed_badkey_is_not_trusted() {
    let env = Env::new("rfc2136-knot-forged");
    let v4 = env.ip_source(&[IP1]);
    let dns = DnsServer::start(vec![DnsReply::UpdateTsig {
        rcode: 9,
        error: 17,
        secret: Some(vec![9; 32]),
    }]);
    write_config(&env, &v4, &dns.spec());
    let out = run(&env, &[]);
    expect_code(&out, 1);
    assert!(
        out.stderr
            .contains("is not trustworthy: its TSIG signature does not verify"),
        "{}",
        out.stderr
    );
}
