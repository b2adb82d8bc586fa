//! Owns running the ddnsup binary (or a stand-in) as a child process with a hard deadline.

use std::ffi::{OsStr, OsString};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

/// Environment variable naming a binary to run instead of the freshly built ddnsup.
pub const BIN_VAR: &str = "DDNSUP_TEST_BIN";
/// Environment variable naming a command (split on whitespace) to run the binary through,
/// e.g. `qemu-mipsel-static -cpu 24Kc`.
pub const RUNNER_VAR: &str = "DDNSUP_TEST_RUNNER";
/// Variables removed from the child's environment unless the caller sets them explicitly.
pub const SCRUBBED_VARS: [&str; 2] = ["SSL_CERT_FILE", "SSL_CERT_DIR"];
/// Deadline of a run unless [`Run::deadline`] says otherwise.
pub const DEFAULT_DEADLINE: Duration = Duration::from_secs(60);
/// How long to wait for the output pipes to close after the child has exited.
const PIPE_GRACE: Duration = Duration::from_secs(2);
/// How often a running child is polled.
const POLL: Duration = Duration::from_millis(10);

/// The result of a finished run.
#[derive(Clone, Debug)]
pub struct Output {
    /// Exit code; `128 + signal` if the process was killed by a signal.
    pub code: i32,
    /// Standard output (invalid UTF-8 replaced).
    pub stdout: String,
    /// Standard error (invalid UTF-8 replaced).
    pub stderr: String,
    /// Time from spawn to exit.
    pub elapsed: Duration,
}

/// Builder for one run of ddnsup: arguments, environment, working directory and deadline.
///
/// The program is `DDNSUP_TEST_BIN` if set, else the ddnsup built by cargo, run through
/// `DDNSUP_TEST_RUNNER` if set; [`Run::program`] overrides all of that. Stdin is null, and
/// `SSL_CERT_FILE`/`SSL_CERT_DIR` are removed unless set with [`Run::env`].
#[derive(Clone, Debug)]
pub struct Run {
    program: Option<OsString>,
    args: Vec<OsString>,
    env: Vec<(OsString, Option<OsString>)>,
    dir: Option<PathBuf>,
    deadline: Duration,
}

impl Default for Run {
    fn default() -> Self {
        Run::new()
    }
}

impl Run {
    /// A run of ddnsup with no arguments and the default deadline.
    pub fn new() -> Run {
        Run {
            program: None,
            args: Vec::new(),
            env: Vec::new(),
            dir: None,
            deadline: DEFAULT_DEADLINE,
        }
    }

    /// Runs this host program directly instead, ignoring `DDNSUP_TEST_BIN` and
    /// `DDNSUP_TEST_RUNNER`.
    pub fn program(mut self, program: impl AsRef<OsStr>) -> Run {
        self.program = Some(program.as_ref().to_os_string());
        self
    }

    /// Appends one argument.
    pub fn arg(mut self, arg: impl AsRef<OsStr>) -> Run {
        self.args.push(arg.as_ref().to_os_string());
        self
    }

    /// Appends arguments.
    pub fn args<I, S>(mut self, args: I) -> Run
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.args
            .extend(args.into_iter().map(|a| a.as_ref().to_os_string()));
        self
    }

    /// Sets an environment variable for the child.
    pub fn env(mut self, key: impl AsRef<OsStr>, value: impl AsRef<OsStr>) -> Run {
        let value = Some(value.as_ref().to_os_string());
        self.env.push((key.as_ref().to_os_string(), value));
        self
    }

    /// Removes an environment variable from the child's environment.
    pub fn env_remove(mut self, key: impl AsRef<OsStr>) -> Run {
        self.env.push((key.as_ref().to_os_string(), None));
        self
    }

    /// Runs the child in `dir`.
    pub fn current_dir(mut self, dir: impl AsRef<Path>) -> Run {
        self.dir = Some(dir.as_ref().to_path_buf());
        self
    }

    /// Kills the child and panics if it runs longer than `deadline`.
    pub fn deadline(mut self, deadline: Duration) -> Run {
        self.deadline = deadline;
        self
    }

    /// Same as [`Run::deadline`] in whole seconds.
    pub fn deadline_secs(self, secs: u64) -> Run {
        self.deadline(Duration::from_secs(secs))
    }

    /// The words that will be executed: runner words, program, then arguments.
    pub fn command_line(&self) -> Vec<OsString> {
        let mut words = program_words(
            self.program.as_deref(),
            std::env::var_os(BIN_VAR),
            std::env::var(RUNNER_VAR).ok(),
        );
        words.extend(self.args.iter().cloned());
        words
    }

    /// Starts the child and returns at once; see [`RunningChild::wait`].
    pub fn spawn(self) -> RunningChild {
        let words = self.command_line();
        let mut command = self.command(&words);
        let started = Instant::now();
        let mut child = command
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", show(&words)));
        let stdout = Collector::start(child.stdout.take());
        let stderr = Collector::start(child.stderr.take());
        RunningChild {
            child: Some(child),
            stdout,
            stderr,
            started,
            deadline: self.deadline,
            words,
        }
    }

    /// Runs the child to completion (within the deadline) and returns its output.
    pub fn output(self) -> Output {
        self.spawn().wait()
    }

    /// The configured [`Command`] for `words`.
    fn command(&self, words: &[OsString]) -> Command {
        let mut command = Command::new(&words[0]);
        command
            .args(&words[1..])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for var in SCRUBBED_VARS {
            command.env_remove(var);
        }
        for (key, value) in &self.env {
            match value {
                Some(value) => command.env(key, value),
                None => command.env_remove(key),
            };
        }
        if let Some(dir) = &self.dir {
            command.current_dir(dir);
        }
        command
    }
}

/// Runs ddnsup with `args` and extra environment `env`, within the default deadline.
pub fn run(args: &[&str], env: &[(&str, &str)]) -> Output {
    env.iter()
        .fold(Run::new().args(args), |run, (k, v)| run.env(k, v))
        .output()
}

/// Resolves what to execute: an explicit program alone, else the runner words (if any)
/// followed by `env_bin` or the ddnsup built by cargo.
pub fn program_words(
    explicit: Option<&OsStr>,
    env_bin: Option<OsString>,
    env_runner: Option<String>,
) -> Vec<OsString> {
    if let Some(program) = explicit {
        return vec![program.to_os_string()];
    }
    let bin = env_bin
        .filter(|b| !b.is_empty())
        .unwrap_or_else(|| OsString::from(env!("CARGO_BIN_EXE_ddnsup")));
    let mut words: Vec<OsString> = env_runner
        .as_deref()
        .unwrap_or("")
        .split_whitespace()
        .map(OsString::from)
        .collect();
    words.push(bin);
    words
}

/// A child started by [`Run::spawn`]. Dropping it without waiting kills it.
pub struct RunningChild {
    child: Option<Child>,
    stdout: Collector,
    stderr: Collector,
    started: Instant,
    deadline: Duration,
    words: Vec<OsString>,
}

impl RunningChild {
    /// The child's process id.
    pub fn pid(&self) -> u32 {
        self.child.as_ref().map_or(0, Child::id)
    }

    /// Whether the child is still running.
    pub fn is_running(&mut self) -> bool {
        self.child
            .as_mut()
            .is_some_and(|c| matches!(c.try_wait(), Ok(None)))
    }

    /// Standard error written so far.
    pub fn stderr_so_far(&self) -> String {
        self.stderr.text()
    }

    /// Waits for the child to exit and returns its output. Past the deadline (counted from
    /// spawn) the child is killed and this panics with "ddnsup did not exit within N s".
    pub fn wait(mut self) -> Output {
        let mut child = self.child.take().expect("child not yet waited for");
        let status = match wait_deadline(&mut child, self.started + self.deadline) {
            Some(status) => status,
            None => self.kill_and_panic(child),
        };
        let elapsed = self.started.elapsed();
        let pipes_deadline = Instant::now() + PIPE_GRACE;
        Output {
            code: exit_code(status),
            stdout: self.stdout.finish(pipes_deadline),
            stderr: self.stderr.finish(pipes_deadline),
            elapsed,
        }
    }

    /// Kills an overdue child and panics with what it wrote to stderr so far.
    fn kill_and_panic(&self, mut child: Child) -> ! {
        let _ = child.kill();
        let _ = child.wait();
        panic!(
            "ddnsup did not exit within {} s (killed; command: {}; stderr so far: {:?})",
            secs_text(self.deadline),
            show(&self.words),
            self.stderr.text()
        );
    }
}

impl Drop for RunningChild {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// Polls `child` until it exits (its status) or `deadline` passes (`None`).
fn wait_deadline(child: &mut Child, deadline: Instant) -> Option<ExitStatus> {
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return Some(status),
            Ok(None) if Instant::now() < deadline => thread::sleep(POLL),
            Ok(None) => return None,
            Err(e) => panic!("cannot wait for child: {e}"),
        }
    }
}

/// Exit code, or `128 + signal` for a child killed by a signal (`-1` if neither is known).
fn exit_code(status: ExitStatus) -> i32 {
    if let Some(code) = status.code() {
        return code;
    }
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(signal) = status.signal() {
            return 128 + signal;
        }
    }
    -1
}

/// A duration as whole seconds when exact, else with one decimal.
fn secs_text(duration: Duration) -> String {
    if duration.subsec_nanos() == 0 {
        duration.as_secs().to_string()
    } else {
        format!("{:.1}", duration.as_secs_f64())
    }
}

/// A command line for messages.
fn show(words: &[OsString]) -> String {
    words
        .iter()
        .map(|w| w.to_string_lossy())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Drains one output pipe on a thread, keeping what was read visible while it runs.
struct Collector {
    bytes: Arc<Mutex<Vec<u8>>>,
    reader: Option<JoinHandle<()>>,
}

impl Collector {
    /// Starts draining `pipe` (nothing to do if there is none).
    fn start<R: Read + Send + 'static>(pipe: Option<R>) -> Collector {
        let bytes = Arc::new(Mutex::new(Vec::new()));
        let reader = pipe.map(|mut pipe| {
            let bytes = Arc::clone(&bytes);
            thread::spawn(move || {
                let mut chunk = [0u8; 8192];
                while let Ok(n @ 1..) = pipe.read(&mut chunk) {
                    lock(&bytes).extend_from_slice(&chunk[..n]);
                }
            })
        });
        Collector { bytes, reader }
    }

    /// What was read so far, as text.
    fn text(&self) -> String {
        String::from_utf8_lossy(&lock(&self.bytes)).into_owned()
    }

    /// Waits (until `deadline`) for the pipe to close, then returns everything read. A
    /// grandchild still holding the pipe open cannot make this hang.
    fn finish(&mut self, deadline: Instant) -> String {
        if let Some(reader) = self.reader.take() {
            while !reader.is_finished() && Instant::now() < deadline {
                thread::sleep(Duration::from_millis(5));
            }
            if reader.is_finished() {
                let _ = reader.join();
            }
        }
        self.text()
    }
}

/// Locks a mutex, ignoring poisoning.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}
