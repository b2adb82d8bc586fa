//! Hand-written argument parser, the usage text, and command output that survives a closed pipe.
use crate::config::DEFAULT_CONFIG_PATH;
use crate::error::Error;
use std::io::Write;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};

/// Set once standard output refused a write: its reader is gone (`ddnsup check | head -1`).
static STDOUT_GONE: AtomicBool = AtomicBool::new(false);

/// Writes what a command prints to standard output. When the reader has gone (EPIPE) or the
/// write fails otherwise, printing stops and the command carries on to its own end and exit
/// code: a closed pipe must neither kill a run half-way (updates sent, state not yet saved)
/// nor turn a good `check` into a crash. Rust's runtime already ignores SIGPIPE, so the
/// failure arrives here as an error instead of a signal.
pub fn print_stdout(text: std::fmt::Arguments) {
    if STDOUT_GONE.load(Ordering::Relaxed) {
        return;
    }
    let mut out = std::io::stdout().lock();
    if out.write_fmt(text).and_then(|()| out.flush()).is_err() {
        STDOUT_GONE.store(true, Ordering::Relaxed);
    }
}

/// `println!` for command output, through [`print_stdout`].
macro_rules! say {
    ($($arg:tt)*) => {
        $crate::cli::print_stdout(format_args!("{}\n", format_args!($($arg)*)))
    };
}

pub const USAGE: &str = "\
ddnsup - keep DNS records pointing at this network's public address (one pass, for cron)

Usage: ddnsup [run|check|status] [options]
       ddnsup import KIND FILE [-o OUT]

Commands:
  run       one pass over every record, then exit (the default)
  check     validate the config without touching the network
  status    print what is remembered about each record (never a secret)
  import    print another tool's config (KIND: ddns-scripts, ddclient or inadyn) as a
            ddnsup config, secrets as ***; FILE itself is never changed

Options:
  -c, --config PATH   config file (default /etc/ddnsup/config.toml)
      --state PATH    state file (overrides state_file in the config)
      --force         update every record now, stopped and backed-off ones too
      --dry-run       find the address and decide, print the requests that would be
                      sent (secrets hidden); send no update, write no state
  -v, --verbose       more detail: each source's answer, the requests sent (secrets hidden)
  -q, --quiet         warnings and errors only
  -o, --output OUT    import: write the config to OUT (mode 600, never over a file)
      --syslog        log to syslog (/dev/log, facility daemon, as ddnsup[PID])
                      instead of stderr; stderr when no syslog listens
  -V, --version       print the version
  -h, --help          print this help

Exit codes:
  0  every record is current or was updated
  1  a transient failure somewhere; a later run retries (with backoff)
  2  usage or configuration error
  3  a provider rejected a record for good; fix the config (not retried until it changes)
  4  another run holds the lock
  With several outcomes: 2 over 3 over 1 over 0.
";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    Run,
    Check,
    Status,
    Import,
}

/// `import KIND FILE [--output FILE]`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Import {
    pub kind: String,
    pub file: PathBuf,
    pub output: Option<PathBuf>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Args {
    pub command: Command,
    pub config: PathBuf,
    pub state: Option<PathBuf>,
    pub force: bool,
    pub dry_run: bool,
    /// -1 quiet, 0 normal, 1 verbose, 2 debug.
    pub verbosity: i8,
    /// Log to the local syslog socket instead of stderr.
    pub syslog: bool,
    /// What `import` reads and writes.
    pub import: Import,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Parsed {
    Args(Args),
    Help,
    Version,
}

/// Parses the arguments after the program name.
pub fn parse_args(argv: impl IntoIterator<Item = String>) -> Result<Parsed, Error> {
    let mut args = Args {
        command: Command::Run,
        config: PathBuf::from(DEFAULT_CONFIG_PATH),
        state: None,
        force: false,
        dry_run: false,
        verbosity: 0,
        syslog: false,
        import: Import::default(),
    };
    let mut output = None;
    let mut positional = Vec::new();
    let mut command_seen = false;
    let mut it = argv.into_iter();
    while let Some(arg) = it.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
            _ => (arg.clone(), None),
        };
        let mut value = |name: &str| -> Result<String, Error> {
            match inline.clone().or_else(|| it.next()) {
                Some(v) if !v.is_empty() => Ok(v),
                _ => Err(Error::Usage(format!("{name} needs a path"))),
            }
        };
        match flag.as_str() {
            "-h" | "--help" => return Ok(Parsed::Help),
            "-V" | "--version" => return Ok(Parsed::Version),
            "-c" | "--config" => args.config = PathBuf::from(value("--config")?),
            "--state" => args.state = Some(PathBuf::from(value("--state")?)),
            "--force" => args.force = true,
            "--dry-run" => args.dry_run = true,
            "-v" | "--verbose" => args.verbosity = args.verbosity.max(0) + 1,
            "-vv" => args.verbosity = 2,
            "-q" | "--quiet" => args.verbosity = -1,
            "--syslog" => args.syslog = true,
            "-o" | "--output" => output = Some(PathBuf::from(value("--output")?)),
            "import" if !command_seen => {
                command_seen = true;
                args.command = Command::Import;
            }
            "run" | "check" | "status" if !command_seen => {
                command_seen = true;
                args.command = match flag.as_str() {
                    "run" => Command::Run,
                    "check" => Command::Check,
                    _ => Command::Status,
                };
            }
            other if other.starts_with('-') => {
                return Err(Error::Usage(format!("unknown option \"{other}\"")));
            }
            other if args.command == Command::Import && positional.len() < 2 => {
                positional.push(other.to_string());
            }
            other => return Err(Error::Usage(format!("unexpected argument \"{other}\""))),
        }
        if inline.is_some() && !matches!(flag.as_str(), "--config" | "--state" | "--output") {
            return Err(Error::Usage(format!("{flag} takes no value")));
        }
    }
    args.verbosity = args.verbosity.min(2);
    if args.command == Command::Import {
        let [kind, file] = positional.as_slice() else {
            return Err(Error::Usage("import needs KIND and FILE".into()));
        };
        args.import = Import {
            kind: kind.clone(),
            file: PathBuf::from(file),
            output,
        };
    } else if output.is_some() {
        return Err(Error::Usage("--output goes with import only".into()));
    }
    Ok(Parsed::Args(args))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Result<Parsed, Error> {
        parse_args(s.split_whitespace().map(String::from))
    }

    fn args(s: &str) -> Args {
        match parse(s) {
            Ok(Parsed::Args(a)) => a,
            other => panic!("{s}: {other:?}"),
        }
    }

    #[test]
    fn defaults() {
        let a = args("");
        assert_eq!(a.command, Command::Run);
        assert_eq!(a.config, PathBuf::from("/etc/ddnsup/config.toml"));
        assert_eq!(
            (a.force, a.dry_run, a.verbosity, a.state),
            (false, false, 0, None)
        );
    }

    #[test]
    fn commands_and_options() {
        let a = args("check -c /tmp/c.toml");
        assert_eq!(
            (a.command, a.config),
            (Command::Check, PathBuf::from("/tmp/c.toml"))
        );
        let a = args("--config=/x.toml status --state /run/s.json");
        assert_eq!(a.command, Command::Status);
        assert_eq!(a.state, Some(PathBuf::from("/run/s.json")));
        let a = args("run --force --dry-run -q");
        assert!(a.force && a.dry_run && !a.syslog);
        assert!(args("-q --syslog").syslog);
        assert_eq!(a.verbosity, -1);
        assert_eq!(args("-v -v -v").verbosity, 2);
        assert_eq!(args("-vv").verbosity, 2);
        assert_eq!(parse("-h").unwrap(), Parsed::Help);
        assert_eq!(parse("--version").unwrap(), Parsed::Version);
    }

    #[test]
    fn mistakes_are_usage_errors() {
        for s in [
            "--frce",
            "-c",
            "--config=",
            "run run",
            "update",
            "--force=yes",
            "-x",
        ] {
            let e = parse(s).unwrap_err();
            assert_eq!(e.exit_code(), 2, "{s}");
        }
    }

    #[test]
    fn import_takes_kind_file_and_output() {
        let a = args("import ddns-scripts /etc/config/ddns --output /tmp/c.toml");
        assert_eq!(a.command, Command::Import);
        assert_eq!(a.import.kind, "ddns-scripts");
        assert_eq!(a.import.file, PathBuf::from("/etc/config/ddns"));
        assert_eq!(a.import.output, Some(PathBuf::from("/tmp/c.toml")));
        assert_eq!(
            args("import inadyn --output=o x").import.output,
            Some("o".into())
        );
        assert_eq!(args("import ddclient f").import.output, None);
        for s in [
            "import",
            "import ddclient",
            "import a b c",
            "check --output x",
            "import a b -o",
        ] {
            assert_eq!(parse(s).unwrap_err().exit_code(), 2, "{s}");
        }
    }

    #[test]
    fn usage_documents_every_exit_code() {
        for code in [
            "0  every",
            "1  a transient",
            "2  usage",
            "3  a provider",
            "4  another",
        ] {
            assert!(USAGE.contains(code), "{code}");
        }
    }
}
