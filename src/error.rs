//! The one error enum: its user-facing `Display`, the transient/fatal class, exit codes.
use std::fmt;

/// Exit codes, documented in `--help` and the README.
pub const EXIT_OK: i32 = 0;
pub const EXIT_TRANSIENT: i32 = 1;
pub const EXIT_CONFIG: i32 = 2;
pub const EXIT_FATAL: i32 = 3;
pub const EXIT_LOCKED: i32 = 4;

/// Everything that can go wrong, classified where it is detected.
#[derive(Debug, Clone, PartialEq)]
pub enum Error {
    /// Bad command line.
    Usage(String),
    /// Bad or unreadable configuration; the message names the file, record and key.
    Config(String),
    /// Another run holds the lock.
    Locked(String),
    /// Try again on a later run: network trouble, server errors, rate limits.
    /// `retry_after_secs` is the provider's own minimum wait, when it gave one;
    /// `first_backoff_secs` replaces the usual first backoff for failures a person must fix
    /// (the wait still doubles from there to the cap).
    Transient {
        message: String,
        retry_after_secs: Option<u64>,
        first_backoff_secs: Option<u64>,
    },
    /// The provider rejected the record for good; stop until the config changes.
    Fatal(String),
    /// The run finished but some records did not: the worst outcome decides the code.
    /// The run's summary: each record that failed (retried later) or was rejected for good,
    /// as `home.example.com (A, AAAA)`.
    Records {
        failed: Vec<String>,
        rejected: Vec<String>,
    },
}

/// How a failure should be treated by later runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    Transient,
    Fatal,
}

impl Error {
    pub fn transient(message: impl Into<String>) -> Error {
        Error::Transient {
            message: message.into(),
            retry_after_secs: None,
            first_backoff_secs: None,
        }
    }

    pub fn transient_after(message: impl Into<String>, secs: u64) -> Error {
        Error::Transient {
            message: message.into(),
            retry_after_secs: Some(secs),
            first_backoff_secs: None,
        }
    }

    /// A transient failure that needs a person (a key or clock to fix): later runs retry, but
    /// the backoff starts at `first_secs` instead of the usual few minutes.
    pub fn transient_slow(message: impl Into<String>, first_secs: u64) -> Error {
        Error::Transient {
            message: message.into(),
            retry_after_secs: None,
            first_backoff_secs: Some(first_secs),
        }
    }

    pub fn fatal(message: impl Into<String>) -> Error {
        Error::Fatal(message.into())
    }

    /// The class of a per-record failure; configuration problems count as fatal.
    pub fn class(&self) -> Class {
        match self {
            Error::Transient { .. } | Error::Locked(_) => Class::Transient,
            Error::Records { rejected, .. } if rejected.is_empty() => Class::Transient,
            _ => Class::Fatal,
        }
    }

    pub fn retry_after_secs(&self) -> Option<u64> {
        match self {
            Error::Transient {
                retry_after_secs, ..
            } => *retry_after_secs,
            _ => None,
        }
    }

    /// The first backoff this failure asks for instead of the usual one.
    pub fn first_backoff_secs(&self) -> Option<u64> {
        match self {
            Error::Transient {
                first_backoff_secs, ..
            } => *first_backoff_secs,
            _ => None,
        }
    }

    /// The process exit code this error stands for.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Usage(_) | Error::Config(_) => EXIT_CONFIG,
            Error::Locked(_) => EXIT_LOCKED,
            Error::Transient { .. } => EXIT_TRANSIENT,
            Error::Fatal(_) => EXIT_FATAL,
            Error::Records { rejected, .. } if !rejected.is_empty() => EXIT_FATAL,
            Error::Records { .. } => EXIT_TRANSIENT,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Usage(m) => write!(f, "{m} (see ddnsup --help)"),
            Error::Config(m) => write!(f, "configuration error: {m}"),
            Error::Locked(m) => write!(f, "another ddnsup run holds the lock {m}; exiting"),
            Error::Transient {
                message,
                retry_after_secs: Some(s),
                ..
            } => write!(f, "{message} (retry in {s} s or later)"),
            Error::Transient { message, .. } => write!(f, "{message}"),
            Error::Fatal(m) => write!(f, "{m}"),
            Error::Records { failed, rejected } => {
                let count = |n: usize| {
                    if n == 1 {
                        "1 record".to_string()
                    } else {
                        format!("{n} records")
                    }
                };
                let mut parts = Vec::new();
                if !rejected.is_empty() {
                    parts.push(format!(
                        "{} rejected by the provider (fix the config; not retried until it changes): {}",
                        count(rejected.len()),
                        rejected.join(", ")
                    ));
                }
                if !failed.is_empty() {
                    parts.push(format!(
                        "{} failed (a later run retries): {}",
                        count(failed.len()),
                        failed.join(", ")
                    ));
                }
                write!(f, "{}", parts.join("; "))
            }
        }
    }
}

impl From<crate::toml::ParseError> for Error {
    fn from(e: crate::toml::ParseError) -> Error {
        Error::Config(e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_summary_codes() {
        let e = Error::Records {
            failed: vec!["a.example (A)".into(), "b.example (A, AAAA)".into()],
            rejected: vec![],
        };
        assert_eq!(e.exit_code(), EXIT_TRANSIENT);
        assert_eq!(
            e.to_string(),
            "2 records failed (a later run retries): a.example (A), b.example (A, AAAA)"
        );
        let e = Error::Records {
            failed: vec!["home.example.com (A, AAAA)".into()],
            rejected: vec!["c.example (AAAA)".into()],
        };
        assert_eq!(e.exit_code(), EXIT_FATAL);
        assert_eq!(
            e.to_string(),
            "1 record rejected by the provider (fix the config; not retried until it changes): c.example (AAAA); 1 record failed (a later run retries): home.example.com (A, AAAA)"
        );
    }

    #[test]
    fn classes() {
        assert_eq!(Error::transient("x").class(), Class::Transient);
        assert_eq!(Error::fatal("x").class(), Class::Fatal);
        assert_eq!(Error::transient_after("x", 60).retry_after_secs(), Some(60));
        let slow = Error::transient_slow("x", 3600);
        assert_eq!(slow.class(), Class::Transient);
        assert_eq!(slow.exit_code(), EXIT_TRANSIENT);
        assert_eq!(slow.first_backoff_secs(), Some(3600));
        assert_eq!(slow.retry_after_secs(), None);
        assert_eq!(slow.to_string(), "x");
        assert_eq!(Error::transient("x").first_backoff_secs(), None);
        assert_eq!(Error::fatal("x").first_backoff_secs(), None);
        assert_eq!(Error::Config("x".into()).exit_code(), EXIT_CONFIG);
        assert_eq!(Error::Usage("x".into()).exit_code(), EXIT_CONFIG);
        assert_eq!(Error::Locked("x".into()).exit_code(), EXIT_LOCKED);
    }
}
