use super::*;
use std::os::unix::fs::PermissionsExt;

fn sh(script: &str, timeout_ms: u64) -> Ran {
    let argv = ["sh", "-c", script].map(String::from);
    run(
        &argv,
        vec!["X=1".into()],
        true,
        Duration::from_millis(timeout_ms),
    )
    .unwrap()
}

/// A file in a fresh temp dir with `mode`.
fn file(name: &str, text: &str, mode: u32) -> String {
    let dir = std::env::temp_dir().join(format!("ddnsup-process-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
    path.to_str().unwrap().to_string()
}

#[test]
fn stdout_stderr_and_status_come_back_apart() {
    let ran = sh("echo out; echo err >&2; exit 3", 5000);
    assert_eq!(ran.exit, Exit::Code(3));
    assert_eq!(
        (&ran.stdout[..], &ran.stderr[..]),
        (&b"out\n"[..], &b"err\n"[..])
    );
    assert_eq!(
        ran.exit.failure(Duration::from_secs(5)).as_deref(),
        Some("exit status 3")
    );
    assert_eq!(Exit::Code(0).failure(Duration::from_secs(5)), None);
}

#[test]
fn stdin_is_empty_and_the_environment_is_only_path_and_ours() {
    let ran = run(
        &["env".to_string()],
        vec!["DDNSUP_FAMILY=ipv4".into()],
        true,
        Duration::from_secs(5),
    )
    .unwrap();
    let text = String::from_utf8(ran.stdout).unwrap();
    let names: Vec<&str> = text.lines().map(|l| l.split('=').next().unwrap()).collect();
    assert_eq!(names, ["PATH", "DDNSUP_FAMILY"], "{text}");
    assert!(text.contains("DDNSUP_FAMILY=ipv4\n"));
    let ran = sh("cat; echo read-done", 5000);
    assert_eq!(ran.stdout, b"read-done\n");
}

#[test]
fn without_capture_nothing_is_kept() {
    let argv = ["sh", "-c", "echo out; echo err >&2"].map(String::from);
    let ran = run(&argv, vec![], false, Duration::from_secs(5)).unwrap();
    assert_eq!(ran.exit, Exit::Code(0));
    assert!(ran.stdout.is_empty() && ran.stderr.is_empty());
}

#[test]
fn output_is_capped_and_the_rest_drained() {
    let start = Instant::now();
    let ran = sh(
        "head -c 3000000 /dev/zero; head -c 100000 /dev/zero >&2",
        10_000,
    );
    assert_eq!(ran.exit, Exit::Code(0), "the program was not blocked");
    assert_eq!(ran.stdout.len(), MAX_CAPTURE_BYTES + 1);
    assert_eq!(ran.stderr.len(), MAX_CAPTURE_BYTES + 1);
    assert!(start.elapsed() < Duration::from_secs(5));
}

#[test]
fn the_group_is_killed_at_the_deadline() {
    let pid_file = file("pid", "", 0o644);
    let start = Instant::now();
    let ran = sh(&format!("sleep 30 & echo $! > {pid_file}; sleep 30"), 300);
    let took = start.elapsed();
    assert_eq!(ran.exit, Exit::TimedOut);
    assert!(
        took >= Duration::from_millis(300) && took < Duration::from_secs(3),
        "{took:?}"
    );
    assert_eq!(
        ran.exit.failure(Duration::from_secs(7)).as_deref(),
        Some("killed after 7 s")
    );
    let bg: i32 = std::fs::read_to_string(&pid_file)
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    // The background sleep was killed; it is reaped by init, so give it a moment.
    let gone = (0..100).any(|_| {
        std::thread::sleep(Duration::from_millis(20));
        let dead = unsafe { libc::kill(bg, 0) } != 0;
        dead || std::fs::read_to_string(format!("/proc/{bg}/stat"))
            .is_ok_and(|s| s.contains(") Z "))
    });
    assert!(gone, "the background child {bg} lives on");
}

#[test]
fn an_exit_is_kept_when_a_background_child_holds_the_output() {
    let start = Instant::now();
    let ran = sh("echo 81.2.69.160; sleep 30 &", 400);
    assert_eq!(ran.exit, Exit::Code(0));
    assert_eq!(ran.stdout, b"81.2.69.160\n");
    assert!(start.elapsed() < Duration::from_secs(3));
}

#[test]
fn a_signal_is_named() {
    let ran = sh("kill -SEGV $$", 5000);
    assert_eq!(ran.exit, Exit::Signal(libc::SIGSEGV));
    let why = ran.exit.failure(Duration::from_secs(1)).unwrap();
    assert_eq!(why, format!("killed by signal {} (SIGSEGV)", libc::SIGSEGV));
    assert_eq!(
        Exit::Signal(libc::SIGUSR1).failure(Duration::from_secs(1)),
        Some(format!("killed by signal {}", libc::SIGUSR1))
    );
}

#[test]
fn programs_that_cannot_start_say_why() {
    let t = Duration::from_secs(1);
    let err = |argv: &[&str]| {
        let argv: Vec<String> = argv.iter().map(|s| s.to_string()).collect();
        run(&argv, vec![], true, t).unwrap_err()
    };
    assert_eq!(err(&["/nonexistent/prog"]), "not found");
    assert_eq!(err(&["ddnsup-no-such-program"]), "not found in PATH");
    assert_eq!(
        err(&[&file("plain", "#!/bin/sh\n", 0o644)]),
        "not executable"
    );
    assert_eq!(err(&["sh", "a\0b"]), "a NUL byte in its arguments");
    // Found and executable, but execve fails: status 127 and a line on stderr.
    let ran = run(
        &[file("badinterp", "#!/nonexistent/interpreter\n", 0o755)],
        vec![],
        true,
        t,
    )
    .unwrap();
    assert_eq!(ran.exit, Exit::Code(127));
    assert_eq!(ran.stderr, b"ddnsup: the program could not be executed\n");
}

#[test]
fn a_bare_name_is_looked_up_on_path() {
    let sh = find_program("sh", "/nonexistent:/bin:/usr/bin").unwrap();
    assert!(sh.to_str().unwrap().ends_with("/sh"));
    assert_eq!(
        find_program("sh", "/nonexistent::").unwrap_err(),
        "not found in PATH"
    );
}

#[test]
fn sigpipe_is_not_left_ignored() {
    let ran = sh("grep SigIgn /proc/self/status", 5000);
    let text = String::from_utf8(ran.stdout).unwrap();
    let mask = u64::from_str_radix(text.split_whitespace().nth(1).unwrap(), 16).unwrap();
    assert_eq!(mask & 1 << (libc::SIGPIPE - 1), 0, "{text}");
}
