//! Run-level behaviour through the real binary: check, dry run, the lock, state recovery, secrets.
mod harness;
mod support;

use harness::*;
use std::time::Duration;
use support::{Reply, Run, wait_until};

#[test]
fn check_validates_without_the_network_and_catches_typos() {
    let env = Env::new("check");
    let source = env.ip_source(&[IP1]);
    let provider = env.server(vec![Reply::ok(&nc_success(IP1))]);
    env.namecheap(&source, &provider, PASSWORD);
    let out = env.run(&["check"]);
    expect_code(&out, 0);
    assert!(out.stdout.contains("OK, 1 record(s)"), "{}", out.stdout);
    assert_eq!(source.count() + provider.count(), 0);

    let record = "[[record]]\nprovider = \"namecheap\"\nhost = \"home\"\ndomain = \"example.com\"\npassword = \"x\"\n\n[[record]]\nprovider = \"dyndns2\"\nserver = \"https://members.dyndns.org\"\nhostname = \"h.example.org\"\nusername = \"me\"\npasword = \"x\"\n".to_string();
    env.write_config(3, &[source.url()], &record);
    for args in [&["check"][..], &[][..]] {
        let out = env.run(args);
        expect_code(&out, 2);
        assert!(
            out.stderr
                .contains("record 2 (dyndns2): unknown key \"pasword\""),
            "{}",
            out.stderr
        );
    }
    assert_eq!(source.count() + provider.count(), 0);

    env.write_config(
        3,
        &[source.url()],
        &namecheap_record("http://127.0.0.1:9", PASSWORD),
    );
    let out = env.run(&["check"]);
    expect_code(&out, 2);
    assert!(
        out.stderr.contains("plain http:// is refused"),
        "{}",
        out.stderr
    );
    // allow_http = true lets a record use plain http on purpose.
    let plain = support::MockServer::http(support::script(vec![Reply::ok(&nc_success(IP1))]));
    let record = format!(
        "{}allow_http = true\n",
        namecheap_record(&plain.url(), PASSWORD)
    );
    env.write_config(3, &[source.url()], &record);
    expect_code(&env.run(&[]), 0);
    assert_eq!(plain.count(), 1);
}

#[test]
fn usage_errors_and_info_flags() {
    let out = Run::new().arg("--frobnicate").output();
    expect_code(&out, 2);
    assert!(out.stderr.contains("unknown option \"--frobnicate\""));
    let out = Run::new().args(["-c", "/nonexistent/ddnsup.toml"]).output();
    expect_code(&out, 2);
    assert!(
        out.stderr.contains("/nonexistent/ddnsup.toml"),
        "{}",
        out.stderr
    );
    let out = Run::new().arg("--version").output();
    expect_code(&out, 0);
    assert!(out.stdout.starts_with("ddnsup 0."));
    let out = Run::new().arg("-h").output();
    expect_code(&out, 0);
    assert!(out.stdout.contains("Exit codes:") && out.stdout.contains("--dry-run"));
}

#[test]
fn dry_run_sends_and_writes_nothing() {
    let env = Env::new("dry-run");
    let source = env.ip_source(&[IP1]);
    let provider = env.server(vec![Reply::ok(&nc_success(IP1))]);
    env.namecheap(&source, &provider, PASSWORD);
    let out = env.run(&["--dry-run", "-vv"]);
    expect_code(&out, 0);
    assert_eq!(provider.count(), 0);
    assert_eq!(source.count(), 1, "a dry run still finds the address");
    assert!(env.state_text().is_none());
    let shown = format!(
        "{}/update?host=home&domain=example.com&password=***&ip=81.2.69.160",
        provider.url()
    );
    assert!(out.stdout.contains(&shown), "{}", out.stdout);
    assert!(!out.stdout.contains(PASSWORD) && !out.stderr.contains(PASSWORD));
}

#[test]
fn a_concurrent_run_exits_4_at_once() {
    let env = Env::new("lock");
    let source = env.ip_source(&[IP1]);
    let provider = env.server(vec![Reply::Hang]);
    env.write_config(
        5,
        &[source.url()],
        &namecheap_record(&provider.url(), PASSWORD),
    );
    let config = env.config.to_str().unwrap().to_string();
    let first = Run::new().args(["-c", &config]).deadline_secs(30).spawn();
    assert!(
        wait_until(Duration::from_secs(15), || provider.count() == 1),
        "first run never reached the provider"
    );

    let second = env.run(&[]);
    expect_code(&second, 4);
    assert!(
        second.stderr.contains("holds the lock"),
        "{}",
        second.stderr
    );
    // Under -q (cron, hotplug) a held lock is normal: exit 4 and nothing said.
    let quiet = env.run(&["-q"]);
    expect_code(&quiet, 4);
    assert_eq!(quiet.stderr, "", "a held lock is not a warning");
    assert!(
        second.elapsed < Duration::from_secs(3),
        "took {:?}",
        second.elapsed
    );
    assert_eq!(
        source.count(),
        1,
        "the second run must not even look up the address"
    );

    let first = first.wait();
    expect_code(&first, 1);
    // The lock went with the first process: a third run proceeds (and backs off).
    expect_code(&env.run(&[]), 1);
}

/// FNV-1a 64, as the state file's trailer uses it, to forge trailers over hostile bodies.
fn fnv(body: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in body.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

#[test]
fn corrupt_or_hostile_state_is_recovered() {
    let hostile = [
        r#"{"version":1,"records":[],"zz":[1,2"#.to_string(),
        r#"{"version":1,"records":[],"zz":{"a":1"#.to_string(),
        r#"{"version":1,"records":[{"ip":"x","failures":0,"next":0,"zz":["#.to_string(),
        r#"{"version":1,"records":[],"zz":}"#.to_string(),
        format!(
            "{}{}",
            r#"{"version":1,"records":[],"zz":"#,
            "[".repeat(100_000)
        ),
    ];
    let mut files: Vec<Vec<u8>> = vec![
        Vec::new(),
        b"\0\0\0\0".to_vec(),
        b"{\"version\":1,\"rec".to_vec(),
        vec![0xff; 300],
    ];
    for body in &hostile {
        files.push(body.clone().into_bytes());
        files.push(
            format!(
                "{body}\n#ddnsup-checksum {} {:016x}\n",
                body.len(),
                fnv(body)
            )
            .into_bytes(),
        );
    }
    let env = Env::new("corrupt");
    let source = env.ip_source(&[IP1]);
    let provider = env.server(vec![Reply::ok(&nc_success(IP1))]);
    env.namecheap(&source, &provider, PASSWORD);
    for (i, bytes) in files.iter().enumerate() {
        std::fs::write(&env.state, bytes).unwrap();
        let out = Run::new()
            .args(["-c", env.config.to_str().unwrap()])
            .deadline_secs(20)
            .output();
        expect_code(&out, 0);
        assert_eq!(provider.count(), i + 1, "case {i}: the update goes out");
        let state = env.state_text().unwrap();
        assert!(
            state.contains("\"ip\":\"81.2.69.160\""),
            "case {i}: {state}"
        );
        if i > 0 {
            assert!(
                out.stderr.contains("starting without history"),
                "case {i}: {}",
                out.stderr
            );
        }
    }
    // A state file cut short after a good run is recovered too.
    let good = std::fs::read(&env.state).unwrap();
    std::fs::write(&env.state, &good[..good.len() - 10]).unwrap();
    expect_code(&env.run(&[]), 0);
    assert_eq!(std::fs::read(&env.state).unwrap().len(), good.len());
}

#[test]
fn secrets_never_reach_the_output() {
    let env = Env::new("secrets");
    let source = env.ip_source(&[IP1]);
    let nc_secret = "nc-S3cret&Value";
    let dyn_secret = "dyn-p4ss";
    let duck_secret = "duck-t0ken";
    let nc = env.server(vec![Reply::ok(NC_BAD_PASSWORD)]);
    let dyn_server = env.server(vec![Reply::status(401, "badauth\r\n")]);
    let duck = env.server(vec![Reply::status(500, "oops")]);
    let records = format!(
        "{}\n[[record]]\nprovider = \"noip\"\nserver = {:?}\nhostname = \"h.example.org\"\nusername = \"me\"\npassword = {dyn_secret:?}\n\n[[record]]\nprovider = \"duckdns\"\nserver = {:?}\ndomain = \"d\"\ntoken = {duck_secret:?}\n",
        namecheap_record(&nc.url(), nc_secret),
        dyn_server.url(),
        duck.url()
    );
    env.write_config(3, &[source.url()], &records);
    let basic = "bWU6ZHluLXA0c3M="; // base64("me:dyn-p4ss")
    let mut seen = String::new();
    for args in [
        &["-vv"][..],
        &["-vv", "--force", "--dry-run"][..],
        &["status"][..],
        &["check"][..],
        &["-vv"][..],
    ] {
        let out = env.run(args);
        seen.push_str(&out.stdout);
        seen.push_str(&out.stderr);
    }
    seen.push_str(&env.state_text().unwrap());
    for secret in [
        nc_secret,
        "nc-S3cret%26Value",
        dyn_secret,
        duck_secret,
        basic,
    ] {
        assert!(!seen.contains(secret), "{secret} leaked:\n{seen}");
    }
    assert!(seen.contains("password=***") && seen.contains("token=***"));
    assert_eq!(
        dyn_server.last().unwrap().basic_auth(),
        Some(("me".into(), dyn_secret.into()))
    );
}

#[test]
fn a_world_readable_config_is_warned_about() {
    use std::os::unix::fs::PermissionsExt;
    let env = Env::new("perms");
    let source = env.ip_source(&[IP1]);
    let provider = env.server(vec![Reply::ok(&nc_success(IP1))]);
    env.namecheap(&source, &provider, PASSWORD);
    let out = env.run(&["check"]);
    assert!(!out.stderr.contains("readable by every user"));
    std::fs::set_permissions(&env.config, std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = env.run(&["check"]);
    expect_code(&out, 0);
    assert!(
        out.stderr.contains("readable by every user"),
        "{}",
        out.stderr
    );
}
