//! Files that are not files (devices, FIFOs, directories) as the config, the state or a
//! secret, and a state file built to make ddnsup allocate: refused at once, memory bounded.
mod harness;
mod support;

use harness::*;
use std::path::Path;
use std::time::Duration;
use support::{Output, Reply, Run};

/// A run that must finish promptly: a device read to the end or a FIFO waited on would not.
fn prompt(env: &Env, args: &[&str]) -> Output {
    Run::new()
        .args(["-c", env.config.to_str().unwrap()])
        .args(args)
        .deadline_secs(15)
        .output()
}

fn mkfifo(path: &Path) {
    let c = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
}

#[track_caller]
fn refused(out: &Output, wants: &[&str]) {
    expect_code(out, 2);
    for want in wants {
        assert!(
            out.stderr.contains(want),
            "{want:?} not in:\n{}",
            out.stderr
        );
    }
    assert!(
        out.elapsed < Duration::from_secs(5),
        "took {:?}",
        out.elapsed
    );
}

#[test]
fn secret_files_that_are_not_files_are_refused_at_once() {
    let env = Env::new("secret-files");
    let source = env.ip_source(&[IP1]);
    let provider = env.server(vec![Reply::ok("OK")]);
    let fifo = env.dir.join("token.fifo");
    mkfifo(&fifo);
    let tsig = "[[record]]\nprovider = \"rfc2136\"\nserver = \"127.0.0.1\"\nzone = \"example.com\"\nname = \"home.example.com\"\ntsig_key_file = \"/dev/zero\"\n";
    let cases = [
        ("token_file", "/dev/zero".to_string(), "a device"),
        ("token_file", fifo.display().to_string(), "a FIFO"),
        (
            "token_file",
            env.dir.path().display().to_string(),
            "a directory",
        ),
    ];
    for (key, file, what) in &cases {
        let record = format!(
            "[[record]]\nprovider = \"duckdns\"\nserver = {:?}\ndomain = \"home\"\n{key} = {file:?}\n",
            provider.url()
        );
        env.write_config(3, &[source.url()], &record);
        for args in [&["check"][..], &[][..]] {
            let out = prompt(&env, args);
            let key = format!("key \"{key}\"");
            let named = format!("cannot read {file}: not a regular file ({what})");
            refused(&out, &["record 1 (duckdns)", &key, &named]);
        }
    }
    env.write_config(3, &[source.url()], tsig);
    let out = prompt(&env, &["check"]);
    refused(
        &out,
        &["key \"tsig_key_file\"", "/dev/zero: not a regular file"],
    );
    let record = format!(
        "[[record]]\nprovider = \"namecheap\"\nhost = \"home\"\ndomain = \"example.com\"\npassword_file = \"/dev/zero\"\nserver = {:?}\n",
        provider.url()
    );
    env.write_config(3, &[source.url()], &record);
    let out = prompt(&env, &["check"]);
    refused(
        &out,
        &["key \"password_file\"", "/dev/zero: not a regular file"],
    );
    // minreq would read a ca_file whole at the first HTTPS request.
    let text = format!(
        "ca_file = \"/dev/zero\"\nstate_file = {:?}\n\n{record}",
        env.state
    );
    std::fs::write(&env.config, text).unwrap();
    for args in [&["check"][..], &[][..]] {
        let out = prompt(&env, args);
        refused(
            &out,
            &["key \"ca_file\"", "/dev/zero is not a regular file"],
        );
    }
    assert_eq!(source.count() + provider.count(), 0);
}

#[test]
fn a_config_that_is_not_a_file_is_refused_at_once() {
    let dir = support::TempDir::new("config-files");
    let fifo = dir.join("config.fifo");
    mkfifo(&fifo);
    let fifo = fifo.display().to_string();
    let d = dir.path().display().to_string();
    for (config, what) in [
        ("/dev/zero", "a device"),
        (&fifo, "a FIFO"),
        (&d, "a directory"),
    ] {
        let out = Run::new()
            .args(["-c", config, "check"])
            .deadline_secs(15)
            .output();
        let named = format!("cannot read {config}: not a regular file ({what})");
        refused(&out, &[&named]);
    }
    let big = dir.write("big.toml", vec![b'#'; (1 << 20) + 1]);
    let out = Run::new()
        .args(["-c", big.to_str().unwrap(), "check"])
        .output();
    refused(&out, &["larger than 1 MiB"]);
}

#[test]
fn a_state_file_that_is_not_a_file_stops_before_anything_is_sent() {
    let env = Env::new("state-device");
    let source = env.ip_source(&[IP1]);
    let provider = env.server(vec![Reply::ok(&nc_success(IP1))]);
    let fifo = env.dir.join("state.fifo");
    mkfifo(&fifo);
    for state in [Path::new("/dev/zero"), &fifo] {
        let text = format!(
            "timeout = 3\nca_file = {:?}\nstate_file = {state:?}\n\n[ip]\nsources = [{:?}]\n\n{}",
            env.ca_file,
            source.url(),
            namecheap_record(&provider.url(), PASSWORD)
        );
        std::fs::write(&env.config, text).unwrap();
        let named = format!(
            "state file {}: {} is not a regular file",
            state.display(),
            state.display()
        );
        for args in [&["check"][..], &[][..], &["--force"][..]] {
            refused(&prompt(&env, args), &[&named]);
        }
        // status only reads: it warns and goes on, promptly.
        let out = prompt(&env, &["status"]);
        expect_code(&out, 0);
        assert!(out.stderr.contains("not a regular file"), "{}", out.stderr);
    }
    assert_eq!(source.count() + provider.count(), 0);
}

/// FNV-1a 64, as the state file's trailer uses it.
fn fnv(body: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in body.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// The largest peak RSS of any child this test process has waited for, in KiB.
fn children_max_rss_kib() -> libc::c_long {
    // SAFETY: getrusage fills the struct it is given.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    assert_eq!(
        unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) },
        0
    );
    usage.ru_maxrss
}

#[test]
fn a_mib_of_empty_records_cannot_make_ddnsup_allocate() {
    let env = Env::new("empty-records");
    let source = env.ip_source(&[IP1]);
    let provider = env.server(vec![Reply::ok(&nc_success(IP1))]);
    env.namecheap(&source, &provider, PASSWORD);
    // As many `{}` as fit in 1 MiB with the trailer: about 349,000 entries.
    let body = format!(
        "{{\"version\":1,\"records\":[{}]}}",
        vec!["{}"; 349_000].join(",")
    );
    let file = format!(
        "{body}\n#ddnsup-checksum {} {:016x}\n",
        body.len(),
        fnv(&body)
    );
    assert!(file.len() <= 1 << 20);
    std::fs::write(&env.state, &file).unwrap();
    let out = prompt(&env, &[]);
    expect_code(&out, 0);
    assert!(
        out.stderr
            .contains("holds 349000 entries, more than the 256"),
        "{}",
        out.stderr
    );
    assert_eq!(provider.count(), 1);
    // Measured: 64 MB before entries were counted, 6.5 MB after (5 MB for a tiny state).
    let peak = children_max_rss_kib();
    assert!(peak < 24 * 1024, "a child peaked at {peak} KiB");
}
