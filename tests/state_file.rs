//! The state file through the real binary: its temp file, symlinks, its cap, kills during
//! writes, and a location that cannot be written.
mod harness;
mod support;

use harness::*;
use std::fs;
use std::path::Path;
use std::time::{Duration, Instant};
use support::{Reply, Run};

/// The temp files ddnsup left beside the state file.
fn temp_files(dir: &Path) -> Vec<String> {
    fs::read_dir(dir)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".state.json.tmp"))
        .collect()
}

/// A DuckDNS record whose server refuses connections: every run is a transient failure.
fn refused_record(domain: &str) -> String {
    format!(
        "[[record]]\nprovider=\"duckdns\"\nserver=\"http://127.0.0.1:1\"\nallow_http=true\ndomain=\"{domain}\"\ntoken=\"t\"\n"
    )
}

#[test]
fn a_planted_temp_symlink_is_never_followed() {
    let env = Env::new("planted");
    let source = env.ip_source(&[IP1]);
    let provider = env.server(vec![Reply::ok(&nc_success(IP1))]);
    env.namecheap(&source, &provider, PASSWORD);
    let victim = env.dir.write("victim", "precious");
    std::os::unix::fs::symlink(&victim, env.dir.join(".state.json.tmp")).unwrap();
    expect_code(&env.run(&[]), 0);
    assert_eq!(provider.count(), 1);
    assert_eq!(fs::read_to_string(&victim).unwrap(), "precious");
    assert!(env.state_text().unwrap().contains(IP1));
    assert_eq!(temp_files(env.dir.path()), Vec::<String>::new());
}

#[test]
fn a_symlinked_state_path_stays_a_symlink() {
    let env = Env::new("state-symlink");
    let source = env.ip_source(&[IP1, IP2]);
    let provider = env.server(vec![
        Reply::ok(&nc_success(IP1)),
        Reply::ok(&nc_success(IP2)),
    ]);
    env.namecheap(&source, &provider, PASSWORD);
    let real_dir = env.dir.join("real");
    fs::create_dir(&real_dir).unwrap();
    std::os::unix::fs::symlink("real/state.json", &env.state).unwrap();
    for ip in [IP1, IP2] {
        expect_code(&env.run(&[]), 0);
        let meta = fs::symlink_metadata(&env.state).unwrap();
        assert!(meta.file_type().is_symlink(), "the link was replaced");
        let text = fs::read_to_string(real_dir.join("state.json")).unwrap();
        assert!(text.contains(&format!("\"ip\":\"{ip}\"")), "{text}");
        assert_eq!(temp_files(env.dir.path()), Vec::<String>::new());
        assert_eq!(temp_files(&real_dir), Vec::<String>::new());
    }
    assert_eq!(provider.count(), 2);
}

/// The "1,000 SIGKILLs during writes", cheaply and without a race: every other run
/// dies in the middle of its write (a file size limit of 0 raises SIGXFSZ at the first byte
/// written to the temp file), the others are SIGKILLed as soon as their temp file shows.
#[test]
fn runs_killed_during_writes_leave_at_most_one_temp_file() {
    let env = Env::new("kills");
    let source = env.ip_source(&[IP1]);
    env.write_config(3, &[source.url()], &refused_record("home"));
    let config = env.config.to_str().unwrap().to_string();
    let words = support::program_words(
        None,
        std::env::var_os(support::BIN_VAR),
        std::env::var(support::RUNNER_VAR).ok(),
    );
    let runs = 160;
    for i in 0..runs {
        // --force: every run fails again, so every run writes the state.
        if i % 2 == 0 {
            let out = Run::new()
                .program("sh")
                .args(["-c", "ulimit -f 0; exec \"$@\"", "sh"])
                .args(&words)
                .args(["-c", &config, "--force"])
                .deadline_secs(30)
                .output();
            assert_eq!(out.code, 128 + libc::SIGXFSZ, "{}", out.stderr);
        } else {
            let mut child = Run::new()
                .args(["-c", &config, "--force"])
                .deadline_secs(30)
                .spawn();
            let start = Instant::now();
            while child.is_running() && start.elapsed() < Duration::from_secs(20) {
                if !temp_files(env.dir.path()).is_empty() {
                    break;
                }
            }
            drop(child); // SIGKILL, if it is still running
        }
        let left = temp_files(env.dir.path());
        assert!(left.len() <= 1, "after {} runs: {left:?}", i + 1);
    }
    // The state still parses, and a run that completes cleans up.
    let out = env.run(&["--force"]);
    expect_code(&out, 1);
    assert!(!out.stderr.contains("without history"), "{}", out.stderr);
    assert_eq!(temp_files(env.dir.path()), Vec::<String>::new());
}

/// The case: 2,500 failing records with 250-character names wrote 1.2 MB, and the
/// next run refused the file ("larger than 1 MiB") and retried all of them at once. Here
/// 5,000 failing records (a state over 1 MiB) keep every backoff.
#[test]
fn thousands_of_failing_records_keep_every_backoff() {
    const RECORDS: usize = 5000;
    let env = Env::new("many");
    let source = env.ip_source(&[IP1]);
    // DuckDNS records keep the config under its 1 MiB cap; their 63-character labels still
    // make each state entry long.
    let records: String = (0..RECORDS)
        .map(|i| {
            let label = format!("r{i:04}-{}", "x".repeat(57));
            assert_eq!(label.len(), 63);
            format!(
                "[[record]]\nprovider=\"duckdns\"\nserver=\"http://127.0.0.1:1\"\nallow_http=true\ndomain=\"{label}\"\ntoken=\"t\"\n"
            )
        })
        .collect();
    env.write_config(3, &[source.url()], &records);
    let first = env.run(&[]);
    expect_code(&first, 1);
    let size = fs::metadata(&env.state).unwrap().len();
    assert!(
        size > 1 << 20,
        "the state is only {size} bytes: not a test of the cap"
    );
    let second = env.run(&[]);
    expect_code(&second, 1);
    assert!(
        !second.stderr.contains("without history"),
        "{}",
        second.stderr
    );
    assert_eq!(
        source.count(),
        1,
        "the second run must not even look up the address"
    );
    let waiting = second.stderr.matches("more before retrying").count();
    assert_eq!(
        waiting,
        RECORDS,
        "{}",
        &second.stderr[..2000.min(second.stderr.len())]
    );
}

#[test]
fn an_unwritable_state_location_is_caught_before_anything_is_sent() {
    let env = Env::new("location");
    let source = env.ip_source(&[IP1]);
    let provider = env.server(vec![Reply::ok(&nc_success(IP1))]);
    let file = env.dir.write("plain-file", "x");
    let mut bad = vec![
        (env.dir.join("missing/state.json"), "does not exist"),
        (file.join("state.json"), "is not a directory"),
        (env.dir.path().to_path_buf(), "is not a regular file"),
    ];
    // access(2) says yes to root for a read-only directory, so that case only runs as
    // another user.
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        use std::os::unix::fs::PermissionsExt;
        let ro = env.dir.join("read-only");
        fs::create_dir(&ro).unwrap();
        fs::set_permissions(&ro, fs::Permissions::from_mode(0o555)).unwrap();
        bad.push((ro.join("state.json"), "is not writable"));
    }
    for (state, why) in &bad {
        let text = format!(
            "timeout = 3\nca_file = {:?}\nstate_file = {state:?}\n\n[ip]\nsources = [{:?}]\n\n{}",
            env.ca_file,
            source.url(),
            namecheap_record(&provider.url(), PASSWORD)
        );
        fs::write(&env.config, text).unwrap();
        for args in [&["check"][..], &[][..], &["--force"][..]] {
            let out = env.run(args);
            expect_code(&out, 2);
            let named = format!("state file {}", state.display());
            assert!(out.stderr.contains(&named), "{}", out.stderr);
            assert!(out.stderr.contains(why), "{}", out.stderr);
        }
    }
    assert_eq!(source.count() + provider.count(), 0, "nothing was sent");
    assert!(!env.dir.join("missing").exists());
}

#[test]
fn entries_of_records_no_longer_configured_are_dropped_on_save() {
    let env = Env::new("stale");
    let source = env.ip_source(&[IP1]);
    let both = format!("{}\n{}", refused_record("kept"), refused_record("gone"));
    env.write_config(3, &[source.url()], &both);
    expect_code(&env.run(&[]), 1);
    let state = env.state_text().unwrap();
    assert!(state.contains("gone.duckdns.org"), "{state}");
    env.write_config(3, &[source.url()], &refused_record("kept"));
    let out = env.run(&[]);
    expect_code(&out, 1);
    assert!(
        out.stderr.contains("more before retrying"),
        "{}",
        out.stderr
    );
    let state = env.state_text().unwrap();
    assert!(state.contains("kept.duckdns.org"), "{state}");
    assert!(!state.contains("gone.duckdns.org"), "{state}");
    assert_eq!(source.count(), 1);
}

/// FNV-1a 64, as the state file's trailer uses it, to edit a state file as a clock would.
fn fnv(body: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in body.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

#[test]
fn a_backoff_from_before_the_clock_went_back_waits_only_its_own_length() {
    let env = Env::new("clock-back");
    let source = env.ip_source(&[IP1]);
    env.write_config(3, &[source.url()], &refused_record("home"));
    expect_code(&env.run(&[]), 1);
    let state = env.state_text().unwrap();
    let (next, wait) = (state_number(&state, "next"), state_number(&state, "wait"));
    assert_eq!(wait, 300, "{state}");
    // As if the clock went back 12 h since: the stored backoff now ends 12 h 5 min ahead.
    let body = state[..state.find("\n#ddnsup-checksum ").unwrap()].replace(
        &format!("\"next\":{next}"),
        &format!("\"next\":{}", next + 12 * 3600),
    );
    let edited = format!(
        "{body}\n#ddnsup-checksum {} {:016x}\n",
        body.len(),
        fnv(&body)
    );
    std::fs::write(&env.state, edited).unwrap();
    let out = env.run(&[]);
    expect_code(&out, 1);
    assert!(out.stderr.contains("waiting 5 min more"), "{}", out.stderr);
    let clamped = state_number(&env.state_text().unwrap(), "next");
    assert!(
        clamped <= next + 300,
        "{clamped} vs {next}: the clamp was not saved"
    );
    assert_eq!(source.count(), 1);
}
