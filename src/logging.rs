//! ddnsup's own logger: lines to stderr, or with `--syslog` to the local syslog socket, and the
//! `detail!` line that only `-v` shows.
//!
//! The release build caps `log` at INFO (`release_max_level_info`), which keeps the formatting
//! code of the dependencies' debug and trace lines (rustls has many) out of the binary: about
//! 36 KB on MIPS. ddnsup's own detail lines are INFO lines that `-v` switches on. Only lines of
//! target `ddnsup` are ever written: dependencies' logs could carry request details.
use std::io::Write;
use std::os::fd::AsRawFd;
use std::os::unix::net::UnixDatagram;
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};
use std::sync::{Mutex, OnceLock};

static VERBOSE: AtomicBool = AtomicBool::new(false);

/// Where syslog listens on every Linux system and on OpenWrt (`logd`).
pub const SYSLOG_SOCKET: &str = "/dev/log";
/// Overrides [`SYSLOG_SOCKET`], for tests and unusual systems.
pub const SYSLOG_SOCKET_ENV: &str = "DDNSUP_SYSLOG_SOCKET";
/// syslog's `daemon` facility (3), shifted as the priority field wants it.
const FACILITY_DAEMON: u8 = 3 << 3;
/// A datagram longer than this is cut (syslog daemons take at least 1 KiB; logd 1 KiB lines).
const MAX_SYSLOG_LINE_BYTES: usize = 1024;

/// Called once by `main` for `-v`.
pub fn set_verbose(on: bool) {
    VERBOSE.store(on, Ordering::Relaxed);
}

pub fn verbose() -> bool {
    VERBOSE.load(Ordering::Relaxed)
}

/// Like `log::info!`, but only with `-v`.
macro_rules! detail {
    ($($arg:tt)*) => {
        if $crate::logging::verbose() {
            log::info!(target: "ddnsup", $($arg)*)
        }
    };
}

struct Logger {
    level: log::LevelFilter,
    /// The connected syslog socket; `None`: stderr.
    syslog: Mutex<Option<UnixDatagram>>,
    pid: u32,
}

static LOGGER: OnceLock<Logger> = OnceLock::new();
/// The syslog socket's descriptor while lines go there (-1: stderr), for `say_last_words`.
static SYSLOG_FD: AtomicI32 = AtomicI32::new(-1);
/// An error line made in advance, as it goes to stderr and to syslog.
static LAST_WORDS: OnceLock<(Vec<u8>, Vec<u8>)> = OnceLock::new();

/// Makes the error line `say_last_words` will write, while allocating is still safe.
pub fn prepare_last_words(text: &str) {
    let stderr = format!("{}\n", stderr_line(log::Level::Error, text)).into_bytes();
    let syslog = syslog_line(log::Level::Error, std::process::id(), text);
    let _ = LAST_WORDS.set((stderr, syslog));
}

/// Writes the prepared line where the log goes, with nothing but write(2)/send(2): safe in a
/// signal handler.
pub fn say_last_words() {
    let Some((stderr, syslog)) = LAST_WORDS.get() else {
        return;
    };
    let fd = SYSLOG_FD.load(Ordering::Relaxed);
    // SAFETY: plain writes of bytes that live for the whole process.
    unsafe {
        if fd < 0 || libc::send(fd, syslog.as_ptr().cast(), syslog.len(), 0) < 0 {
            libc::write(2, stderr.as_ptr().cast(), stderr.len());
        }
    }
}

/// Installs the logger: lines of `level` and above, to syslog when `syslog` is set and the
/// socket takes them, else (with one warning saying why) to stderr.
pub fn init(level: log::LevelFilter, syslog: bool) {
    let socket = if syslog {
        let path = std::env::var_os(SYSLOG_SOCKET_ENV).unwrap_or_else(|| SYSLOG_SOCKET.into());
        match UnixDatagram::unbound().and_then(|s| s.connect(&path).map(|()| s)) {
            Ok(s) => Some(s),
            Err(e) => {
                write_stderr(&format!(
                    "ddnsup: warning: no syslog at {} ({e}); logging to stderr",
                    path.to_string_lossy()
                ));
                None
            }
        }
    } else {
        None
    };
    if let Some(s) = &socket {
        SYSLOG_FD.store(s.as_raw_fd(), Ordering::Relaxed);
    }
    let logger = LOGGER.get_or_init(|| Logger {
        level,
        syslog: Mutex::new(socket),
        pid: std::process::id(),
    });
    if log::set_logger(logger).is_ok() {
        log::set_max_level(level);
    }
}

/// The syslog datagram of one line: `<PRI>ddnsup[PID]: text`, facility daemon, the line's
/// own severity; no timestamp (the daemon adds its own: router clocks are often wrong at boot).
pub fn syslog_line(level: log::Level, pid: u32, text: &str) -> Vec<u8> {
    let severity = match level {
        log::Level::Error => 3,
        log::Level::Warn => 4,
        log::Level::Info => 6,
        log::Level::Debug | log::Level::Trace => 7,
    };
    let one_line = text.replace('\n', " ");
    let mut line =
        format!("<{}>ddnsup[{pid}]: {one_line}", FACILITY_DAEMON | severity).into_bytes();
    if line.len() > MAX_SYSLOG_LINE_BYTES {
        let mut end = MAX_SYSLOG_LINE_BYTES;
        while !one_line.is_char_boundary(end.saturating_sub(line.len() - one_line.len())) {
            end -= 1;
        }
        line.truncate(end);
    }
    line
}

/// The stderr line: `ddnsup: error: text` for errors and warnings, the text alone otherwise.
fn stderr_line(level: log::Level, text: &str) -> String {
    match level {
        log::Level::Error => format!("ddnsup: error: {text}"),
        log::Level::Warn => format!("ddnsup: warning: {text}"),
        _ => text.to_string(),
    }
}

/// A write to stderr that never fails the run: a closed stderr loses the line, nothing more.
fn write_stderr(line: &str) {
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "{line}");
}

impl log::Log for Logger {
    fn enabled(&self, meta: &log::Metadata) -> bool {
        meta.target() == "ddnsup" && meta.level() <= self.level
    }

    fn log(&self, record: &log::Record) {
        if !self.enabled(record.metadata()) {
            return;
        }
        let text = record.args().to_string();
        let mut syslog = self.syslog.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(socket) = syslog.as_ref() {
            match socket.send(&syslog_line(record.level(), self.pid, &text)) {
                Ok(_) => return,
                Err(e) => {
                    SYSLOG_FD.store(-1, Ordering::Relaxed);
                    *syslog = None;
                    write_stderr(&format!(
                        "ddnsup: warning: syslog refused a line ({e}); logging to stderr"
                    ));
                }
            }
        }
        write_stderr(&stderr_line(record.level(), &text));
    }

    fn flush(&self) {}
}

#[cfg(test)]
mod tests {
    use super::*;
    use log::Level;

    #[test]
    fn syslog_lines_carry_facility_daemon_and_their_own_severity() {
        assert_eq!(
            syslog_line(Level::Error, 42, "home: rejected"),
            b"<27>ddnsup[42]: home: rejected"
        );
        assert_eq!(syslog_line(Level::Warn, 7, "w"), b"<28>ddnsup[7]: w");
        assert_eq!(syslog_line(Level::Info, 7, "i"), b"<30>ddnsup[7]: i");
        assert_eq!(syslog_line(Level::Debug, 7, "d"), b"<31>ddnsup[7]: d");
    }

    #[test]
    fn syslog_lines_are_one_line_and_bounded() {
        assert_eq!(syslog_line(Level::Info, 1, "a\nb"), b"<30>ddnsup[1]: a b");
        let long = "é".repeat(2000);
        let line = syslog_line(Level::Info, 1, &long);
        assert!(line.len() <= MAX_SYSLOG_LINE_BYTES, "{}", line.len());
        assert!(std::str::from_utf8(&line).is_ok(), "cut inside a character");
        assert!(line.len() > MAX_SYSLOG_LINE_BYTES - 4);
    }

    #[test]
    fn stderr_lines_name_errors_and_warnings() {
        assert_eq!(stderr_line(Level::Error, "x"), "ddnsup: error: x");
        assert_eq!(stderr_line(Level::Warn, "x"), "ddnsup: warning: x");
        assert_eq!(stderr_line(Level::Info, "x"), "x");
    }
}
