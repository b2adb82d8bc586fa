//! A command source's outcome: exit, stdout and stderr as the program left them. First byte:
//! the exit (0: status 0, 1: status 1, 2: a signal, 3: timed out); the rest split at the first
//! 0xFE byte into stdout and stderr.
#![no_main]
use ddnsup_fuzz::detect::command::{check_output, first_line};
use ddnsup_fuzz::process::{Exit, Ran};
use libfuzzer_sys::fuzz_target;
use std::time::Duration;

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let exit = match mode & 3 {
        0 => Exit::Code(0),
        1 => Exit::Code(1),
        2 => Exit::Signal(11),
        _ => Exit::TimedOut,
    };
    let (stdout, stderr) = match rest.iter().position(|b| *b == 0xfe) {
        Some(at) => (&rest[..at], &rest[at + 1..]),
        None => (rest, &[][..]),
    };
    let line = first_line(stderr);
    assert!(line.chars().count() <= 201, "{line:?}");
    assert!(!line.chars().any(char::is_control), "{line:?}");
    assert_eq!(line, line.trim());
    let ran = Ran {
        exit,
        stdout: stdout.to_vec(),
        stderr: stderr.to_vec(),
    };
    match check_output(ran, Duration::from_secs(5)) {
        Ok(text) => {
            assert_eq!(exit, Exit::Code(0));
            assert_eq!(text.as_bytes(), stdout);
        }
        Err(why) => {
            assert!(
                exit != Exit::Code(0)
                    || std::str::from_utf8(stdout).is_err()
                    || stdout.len() > 4096
            );
            assert!(!why.contains('\n'), "{why:?}");
        }
    }
});
