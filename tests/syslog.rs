//! `--syslog` through the real binary: each line goes to the syslog socket as
//! `<PRI>ddnsup[PID]: text` (facility daemon, the line's own severity), nothing to stderr, the
//! exit code kept; with no syslog listening, stderr with one warning.
mod harness;
mod support;

use harness::*;
use std::os::unix::net::UnixDatagram;
use std::path::Path;
use std::time::Duration;
use support::{Output, Reply, Run};

/// Every datagram the socket received so far.
fn received(socket: &UnixDatagram) -> Vec<String> {
    socket
        .set_read_timeout(Some(Duration::from_millis(200)))
        .unwrap();
    let mut lines = Vec::new();
    let mut buf = [0u8; 4096];
    while let Ok(n) = socket.recv(&mut buf) {
        lines.push(String::from_utf8_lossy(&buf[..n]).into_owned());
    }
    lines
}

fn run_with_syslog(env: &Env, socket: &Path, extra: &[&str]) -> Output {
    Run::new()
        .args(["-c", env.config.to_str().unwrap(), "--syslog"])
        .args(extra)
        .env("DDNSUP_SYSLOG_SOCKET", socket)
        .deadline_secs(60)
        .output()
}

#[test]
fn lines_go_to_syslog_with_their_priority_and_the_exit_code_is_kept() {
    let env = Env::new("syslog-lines");
    let socket_path = env.dir.join("log");
    let socket = UnixDatagram::bind(&socket_path).unwrap();
    let source = env.ip_source(&[IP1]);
    let provider = env.server(vec![Reply::ok(&nc_success(IP1))]);
    env.namecheap(&source, &provider, PASSWORD);

    let out = run_with_syslog(&env, &socket_path, &[]);
    expect_code(&out, 0);
    assert_eq!(out.stderr, "", "with syslog, nothing goes to stderr");
    let lines = received(&socket);
    let updated = lines
        .iter()
        .find(|l| l.contains("updated A to 81.2.69.160"))
        .unwrap_or_else(|| panic!("no update line in {lines:?}"));
    // Facility daemon (3) * 8 + info (6) = 30; the PID is the run's own.
    let rest = updated.strip_prefix("<30>ddnsup[").expect(updated);
    let (pid, text) = rest.split_once("]: ").expect(updated);
    assert!(pid.parse::<u32>().is_ok_and(|p| p > 1), "{updated}");
    assert!(text.starts_with("home.example.com"), "{updated}");

    // A rejected password: an error line (daemon.err = 27), exit 3, under -q too.
    let env = Env::new("syslog-err");
    let socket_path = env.dir.join("log");
    let socket = UnixDatagram::bind(&socket_path).unwrap();
    let source = env.ip_source(&[IP1]);
    let provider = env.server(vec![Reply::ok(NC_BAD_PASSWORD)]);
    env.namecheap(&source, &provider, PASSWORD);
    let out = run_with_syslog(&env, &socket_path, &["-q"]);
    expect_code(&out, 3);
    assert_eq!(out.stderr, "");
    let lines = received(&socket);
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("<27>ddnsup[") && l.contains("rejected")),
        "{lines:?}"
    );
    assert!(
        lines.iter().all(|l| !l.starts_with("<30>")),
        "-q sends no info lines: {lines:?}"
    );
    no_secret(
        &[&out],
        &lines.iter().map(String::as_str).collect::<Vec<_>>(),
        &[PASSWORD],
    );
}

#[test]
fn without_a_syslog_the_lines_go_to_stderr_after_one_warning() {
    let env = Env::new("syslog-absent");
    let source = env.ip_source(&[IP1]);
    let provider = env.server(vec![Reply::ok(&nc_success(IP1))]);
    env.namecheap(&source, &provider, PASSWORD);
    let missing = env.dir.join("no-such-socket");
    let out = run_with_syslog(&env, &missing, &[]);
    expect_code(&out, 0);
    assert_eq!(
        out.stderr.matches("no syslog at").count(),
        1,
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains(missing.to_str().unwrap()),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("updated A to 81.2.69.160"),
        "{}",
        out.stderr
    );
}

#[test]
fn stderr_lines_say_what_is_an_error_or_a_warning() {
    let env = Env::new("stderr-lines");
    let source = env.ip_source(&[IP1]);
    let provider = env.server(vec![Reply::ok(NC_BAD_PASSWORD)]);
    env.namecheap(&source, &provider, PASSWORD);
    let out = env.run(&[]);
    expect_code(&out, 3);
    assert!(
        out.stderr
            .lines()
            .any(|l| l.starts_with("ddnsup: error: ") && l.contains("rejected")),
        "{}",
        out.stderr
    );
}
