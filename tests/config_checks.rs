//! `check` and `status` through the real binary: output into a pipe closed early, and a config of 10,000 records.
mod support;

use std::io::{BufRead, BufReader};
use std::os::fd::{FromRawFd, OwnedFd};
use std::process::{Command, Stdio};
use support::{Run, TempDir};

/// A config with `n` DuckDNS records and its state file in `dir`; mode 0600.
fn write_config(dir: &TempDir, n: usize) -> String {
    use std::os::unix::fs::PermissionsExt;
    let mut text = format!("state_file = {:?}\n", dir.join("state.json"));
    for i in 0..n {
        text.push_str(&format!(
            "[[record]]\nprovider = \"duckdns\"\ndomain = \"h{i}\"\ntoken = \"t\"\n"
        ));
    }
    let path = dir.write("config.toml", text);
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    path.to_str().unwrap().to_string()
}

/// The ddnsup command line the support runner would use (honours `DDNSUP_TEST_BIN`).
fn command(args: &[&str]) -> Command {
    let words = Run::new().args(args).command_line();
    let mut cmd = Command::new(&words[0]);
    cmd.args(&words[1..]).stdin(Stdio::null());
    cmd
}

/// A pipe's (read, write) ends.
fn pipe() -> (OwnedFd, OwnedFd) {
    let mut fds = [0; 2];
    assert_eq!(unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) }, 0);
    unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) }
}

#[track_caller]
fn quiet_exit(out: std::process::Output, what: &str) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{what}: {:?}\n{stderr}",
        out.status
    );
    assert!(
        !stderr.contains("Broken pipe") && !stderr.contains("panicked"),
        "{what}: {stderr}"
    );
}

#[test]
fn output_into_a_pipe_already_closed_is_dropped_quietly() {
    let dir = TempDir::new("closed-pipe");
    let config = write_config(&dir, 3);
    for args in [
        vec!["check", "-c", &config],
        vec!["status", "-c", &config],
        vec!["--help"],
        vec!["--version"],
    ] {
        // The read end is closed before the child starts: its first write gets EPIPE.
        let (read, write) = pipe();
        drop(read);
        let out = command(&args)
            .stdout(Stdio::from(write))
            .stderr(Stdio::piped())
            .output()
            .unwrap();
        quiet_exit(out, &args.join(" "));
    }
}

#[test]
fn piped_into_head_exits_quietly() {
    let dir = TempDir::new("head-pipe");
    // More output than a pipe holds (64 KiB), so the child is still writing when the reader goes.
    let config = write_config(&dir, 3_000);
    for command_name in ["check", "status"] {
        let mut child = command(&[command_name, "-c", &config])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut reader = BufReader::new(child.stdout.take().unwrap());
        let mut first = String::new();
        reader.read_line(&mut first).unwrap();
        assert!(!first.is_empty(), "{command_name}");
        drop(reader); // like `head -1`
        let out = child.wait_with_output().unwrap();
        quiet_exit(out, command_name);
    }
}

#[test]
fn ten_thousand_records_check_in_linear_time() {
    let dir = TempDir::new("many-records");
    let config = write_config(&dir, 10_000);
    // Comparing each record with every earlier one took 135 s in a release build; a linear
    // check takes well under a second there and a few seconds in a debug build.
    let out = Run::new()
        .args(["check", "-c", &config])
        .deadline_secs(60)
        .output();
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.contains("OK, 10000 record(s)"),
        "{}",
        &out.stdout[..200.min(out.stdout.len())]
    );
    assert!(
        out.stdout
            .contains("record 10000: h9999.duckdns.org (duckdns) A")
    );
}
