//! Sends each `[[notify]]` target its notice after a run: HTTP through the client, commands without a shell; each bounded by its timeout, and a failure only a warning.
use crate::http::Client;
use crate::notify::{
    Happened, Notice, Notify, Target, UrlTarget, build_request, command_env, notice,
};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A command's `PATH` when ddnsup has none (cron's usual one, plus the sbin directories).
const DEFAULT_PATH: &str = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/// One notice per target that has something to hear, in file order.
pub fn send_all(targets: &[Notify], happened: &[Happened], ip4: &str, ip6: &str) {
    for t in targets {
        let Some(n) = notice(&t.on, happened, ip4, ip6) else {
            continue;
        };
        let result = match &t.target {
            Target::Url(u) => send_url(u, &n, t.timeout_secs),
            Target::Command(argv) => run_command(argv, &n, t.timeout_secs),
        };
        let label = t.label();
        match result {
            Ok(()) => log::info!(target: "ddnsup", "{label}: sent {}", n.event),
            Err(m) => log::warn!(target: "ddnsup", "{label}: {} not sent: {m}", n.event),
        }
    }
}

fn send_url(u: &UrlTarget, n: &Notice, timeout_secs: u64) -> Result<(), String> {
    let req = build_request(u, n)?;
    detail!("{}", req.redacted());
    let reply = Client { timeout_secs }
        .send(&req)
        .map_err(|e| e.to_string())?;
    match reply.status {
        200..=299 => Ok(()),
        status => Err(format!("HTTP {status}")),
    }
}

/// Runs `argv` in its own process group, stdin and output on /dev/null, environment cleared
/// but for `PATH` and the notice; the whole group is killed at the timeout.
fn run_command(argv: &[String], n: &Notice, timeout_secs: u64) -> Result<(), String> {
    use std::os::unix::process::CommandExt;
    let path = std::env::var_os("PATH").unwrap_or_else(|| DEFAULT_PATH.into());
    let mut child = Command::new(&argv[0])
        .args(&argv[1..])
        .env_clear()
        .env("PATH", path)
        .envs(command_env(n))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .process_group(0)
        .spawn()
        .map_err(|e| format!("cannot run {}: {e}", argv[0]))?;
    let deadline = Instant::now() + Duration::from_secs(timeout_secs);
    loop {
        match child.try_wait() {
            Ok(Some(status)) if status.success() => return Ok(()),
            Ok(Some(status)) => return Err(status.to_string()),
            Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(20)),
            Ok(None) => {
                // SAFETY: a plain syscall on the group this child leads (its pid).
                unsafe { libc::kill(-(child.id() as libc::pid_t), libc::SIGKILL) };
                let _ = child.wait();
                return Err(format!("killed after {timeout_secs} s"));
            }
            Err(e) => return Err(e.to_string()),
        }
    }
}
