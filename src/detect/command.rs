//! Command sources: a program that prints the address, run without a shell, bounded in time
//! and output.
use super::Family;
use crate::process::{self, Exit, MAX_CAPTURE_BYTES, Ran};
use std::time::Duration;

/// At most this many characters of the program's stderr line go into the message.
const MAX_STDERR_CHARS: usize = 200;

/// Runs `argv` with the environment only `PATH` and `DDNSUP_FAMILY=ipv4|ipv6`, for at most
/// `timeout`, and returns what it printed on stdout when it exits with status 0.
pub fn run(argv: &[String], family: Family, timeout: Duration) -> Result<String, String> {
    let word = match family {
        Family::V4 => "ipv4",
        Family::V6 => "ipv6",
    };
    let env = vec![format!("DDNSUP_FAMILY={word}")];
    let ran = process::run(argv, env, true, timeout)?;
    check_output(ran, timeout)
}

/// The stdout of a program that exited with status 0, as text; else what went wrong, with the
/// first line of its stderr when it wrote one.
pub fn check_output(ran: Ran, timeout: Duration) -> Result<String, String> {
    if let Some(why) = ran.exit.failure(timeout) {
        let said = first_line(&ran.stderr);
        return Err(match ran.exit {
            Exit::TimedOut => why,
            _ if said.is_empty() => why,
            _ => format!("{why}: {said}"),
        });
    }
    if ran.stdout.len() > MAX_CAPTURE_BYTES {
        return Err(format!(
            "printed more than {MAX_CAPTURE_BYTES} bytes, not one address"
        ));
    }
    String::from_utf8(ran.stdout).map_err(|_| "printed bytes that are not UTF-8 text".to_string())
}

/// The first line of `stderr`, control characters removed, trimmed, at most
/// [`MAX_STDERR_CHARS`] characters (then `…`).
pub fn first_line(stderr: &[u8]) -> String {
    let line = stderr.split(|b| *b == b'\n').next().unwrap_or_default();
    let mut text = String::from_utf8_lossy(line).into_owned();
    text.retain(|c| !c.is_control());
    let text = text.trim();
    let mut out: String = text.chars().take(MAX_STDERR_CHARS).collect();
    if out.len() < text.len() {
        out.push('…');
    }
    out
}

#[cfg(test)]
#[path = "command_tests.rs"]
mod tests;
