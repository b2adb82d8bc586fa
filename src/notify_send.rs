//! Sends each `[[notify]]` target its notice after a run: HTTP through the client, commands without a shell; each bounded by its timeout, and a failure only a warning.
use crate::http::Client;
use crate::notify::{
    Happened, Notice, Notify, Target, UrlTarget, build_request, command_env, notice,
};
use std::time::Duration;

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

/// Runs `argv` without a shell, output on /dev/null, the environment only `PATH` and the
/// notice; the whole group is killed at the timeout.
fn run_command(argv: &[String], n: &Notice, timeout_secs: u64) -> Result<(), String> {
    let env = command_env(n)
        .into_iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    let timeout = Duration::from_secs(timeout_secs);
    let ran = crate::process::run(argv, env, false, timeout)
        .map_err(|why| format!("cannot run {}: {why}", argv[0]))?;
    ran.exit.failure(timeout).map_or(Ok(()), Err)
}
