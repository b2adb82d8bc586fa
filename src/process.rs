//! Runs a program without a shell: found on `PATH`, started by fork/execve in its own process
//! group with only the environment given, stdin on /dev/null, stdout and stderr captured (capped)
//! or discarded, and the whole group killed at the deadline. By hand with fork/exec: std's
//! `Command` would add about 45 KB to the binary.
use std::ffi::CString;
use std::time::{Duration, Instant};

/// A program's `PATH` when ddnsup has none (cron's usual one, plus the sbin directories).
const DEFAULT_PATH: &str = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
/// Bytes kept of each captured stream; one more is kept to show there was more, the rest is
/// read and dropped, so a chatty program neither blocks on a full pipe nor fills our memory.
pub const MAX_CAPTURE_BYTES: usize = 4096;
/// How often a program whose output is closed is checked for having exited.
const REAP_POLL_MS: i32 = 20;

/// How a program ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// It exited with this status.
    Code(i32),
    /// A signal (not ours) ended it.
    Signal(i32),
    /// Still running (or its output still open) at the deadline: its group was killed.
    TimedOut,
}

/// A finished program: how it ended and what it printed (each at most
/// [`MAX_CAPTURE_BYTES`] + 1 bytes; empty unless captured).
#[derive(Debug)]
pub struct Ran {
    pub exit: Exit,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
}

impl Exit {
    /// The failure in words ("exit status 3", "killed by signal 11 (SIGSEGV)", "killed after
    /// 5 s"), or `None` for exit status 0.
    pub fn failure(self, timeout: Duration) -> Option<String> {
        Some(match self {
            Exit::Code(0) => return None,
            Exit::Code(code) => format!("exit status {code}"),
            Exit::Signal(sig) => format!("killed by signal {sig}{}", signal_name(sig)),
            Exit::TimedOut => format!("killed after {} s", timeout.as_secs()),
        })
    }
}

/// ` (SIGSEGV)` for the signals a crashing or stopped program usually gets (the numbers differ
/// between architectures), else nothing.
fn signal_name(sig: i32) -> &'static str {
    match sig {
        libc::SIGHUP => " (SIGHUP)",
        libc::SIGINT => " (SIGINT)",
        libc::SIGABRT => " (SIGABRT)",
        libc::SIGBUS => " (SIGBUS)",
        libc::SIGFPE => " (SIGFPE)",
        libc::SIGKILL => " (SIGKILL)",
        libc::SIGSEGV => " (SIGSEGV)",
        libc::SIGPIPE => " (SIGPIPE)",
        libc::SIGTERM => " (SIGTERM)",
        _ => "",
    }
}

/// Runs `argv` with the environment `PATH` (ours, or [`DEFAULT_PATH`]) plus `env`
/// (`NAME=value` each), for at most `timeout`. With `capture`, stdout and stderr come back
/// through pipes; without, they go to /dev/null. `Err` says why it could not be started
/// ("not found", "not executable", ...), in words that fit after the program's name.
pub fn run(
    argv: &[String],
    env: Vec<String>,
    capture: bool,
    timeout: Duration,
) -> Result<Ran, String> {
    let path = std::env::var("PATH").unwrap_or_else(|_| DEFAULT_PATH.to_string());
    let program = find_program(&argv[0], &path)?;
    let c = |s: &str| CString::new(s).map_err(|_| "a NUL byte in its arguments".to_string());
    let args = argv.iter().map(|a| c(a)).collect::<Result<Vec<_>, _>>()?;
    let mut vars = vec![c(&format!("PATH={path}"))?];
    for v in &env {
        vars.push(c(v)?);
    }
    let argp = pointers(&args);
    let envp = pointers(&vars);
    // Read ends for us, write ends for the child; -1 when not captured.
    let mut fds = [-1; 4];
    if capture {
        for pair in fds.chunks_mut(2) {
            // SAFETY: pipe2 writes two descriptors into the two-int slice.
            if unsafe { libc::pipe2(pair.as_mut_ptr(), libc::O_CLOEXEC) } != 0 {
                let e = std::io::Error::last_os_error();
                close_all(&fds);
                return Err(e.to_string());
            }
        }
    }
    // SAFETY: between fork and exec the child only calls async-signal-safe functions, on
    // memory made before the fork.
    let pid = unsafe { libc::fork() };
    if pid == 0 {
        unsafe {
            libc::setpgid(0, 0);
            // Rust ignores SIGPIPE, and an ignored signal stays ignored across exec.
            libc::signal(libc::SIGPIPE, libc::SIG_DFL);
            let null = libc::open(c"/dev/null".as_ptr(), libc::O_RDWR);
            libc::dup2(null, 0);
            // dup2 clears O_CLOEXEC on the copies; the originals close at exec.
            libc::dup2(if capture { fds[1] } else { null }, 1);
            libc::dup2(if capture { fds[3] } else { null }, 2);
            if null > 2 {
                libc::close(null);
            }
            libc::execve(program.as_ptr(), argp.as_ptr(), envp.as_ptr());
            let why = b"ddnsup: the program could not be executed\n";
            libc::write(2, why.as_ptr().cast(), why.len());
            libc::_exit(127);
        }
    }
    let started = std::io::Error::last_os_error();
    close_all(&[fds[1], fds[3]]);
    if pid < 0 {
        close_all(&[fds[0], fds[2]]);
        return Err(started.to_string());
    }
    // SAFETY: plain syscalls on the child's pid (and the group it leads).
    unsafe { libc::setpgid(pid, pid) };
    let deadline = Instant::now() + timeout;
    let mut ran = Ran {
        exit: Exit::TimedOut,
        stdout: Vec::new(),
        stderr: Vec::new(),
    };
    let mut open = [fds[0], fds[2]];
    let mut status = 0;
    let finished = loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            break false;
        }
        let wait_ms = left.as_millis().min(i32::MAX as u128) as i32;
        if open == [-1, -1] {
            // Output closed: wait for the exit itself.
            match unsafe { libc::waitpid(pid, &mut status, libc::WNOHANG) } {
                0 => unsafe { libc::poll(std::ptr::null_mut(), 0, wait_ms.min(REAP_POLL_MS)) },
                -1 if interrupted() => 0,
                -1 => break false,
                _ => break true,
            };
            continue;
        }
        let mut polls = open.map(|fd| libc::pollfd {
            fd,
            events: libc::POLLIN,
            revents: 0,
        });
        // SAFETY: poll on our two-entry array; negative descriptors are ignored.
        if unsafe { libc::poll(polls.as_mut_ptr(), 2, wait_ms) } < 0 && !interrupted() {
            break false;
        }
        for (i, p) in polls.iter().enumerate() {
            if p.fd >= 0 && p.revents != 0 {
                let out = if i == 0 {
                    &mut ran.stdout
                } else {
                    &mut ran.stderr
                };
                if !read_capped(p.fd, out) {
                    close_all(&[p.fd]);
                    open[i] = -1;
                }
            }
        }
    };
    close_all(&open);
    if !finished {
        // Kill the whole group, also what a program that did exit left holding its output.
        // SAFETY: as above; the unreaped child keeps its pid, and so the group's, ours.
        let exited = unsafe { libc::waitpid(pid, &mut status, libc::WNOHANG) } == pid;
        unsafe { libc::kill(-pid, libc::SIGKILL) };
        if !exited {
            while unsafe { libc::waitpid(pid, &mut status, 0) } == -1 && interrupted() {}
            return Ok(ran);
        }
    }
    ran.exit = if libc::WIFEXITED(status) {
        Exit::Code(libc::WEXITSTATUS(status))
    } else {
        Exit::Signal(libc::WTERMSIG(status))
    };
    Ok(ran)
}

/// Reads once from `fd` into `out`, keeping at most [`MAX_CAPTURE_BYTES`] + 1 bytes; `false`
/// at the end of the stream (or on an error other than an interruption).
fn read_capped(fd: i32, out: &mut Vec<u8>) -> bool {
    let mut buf = [0u8; 4096];
    // SAFETY: read(2) into our buffer, within its length.
    let n = unsafe { libc::read(fd, buf.as_mut_ptr().cast(), buf.len()) };
    if n < 0 {
        return interrupted();
    }
    let n = n as usize;
    let room = (MAX_CAPTURE_BYTES + 1).saturating_sub(out.len());
    out.extend_from_slice(&buf[..n.min(room)]);
    n > 0
}

fn interrupted() -> bool {
    std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted
}

fn close_all(fds: &[i32]) {
    for &fd in fds.iter().filter(|fd| **fd >= 0) {
        // SAFETY: closing a descriptor we own and no longer use.
        unsafe { libc::close(fd) };
    }
}

/// `name` itself when it holds a `/`, else the first executable `dir/name` of `path`.
fn find_program(name: &str, path: &str) -> Result<CString, String> {
    let access = |p: &CString, mode| unsafe { libc::access(p.as_ptr(), mode) } == 0;
    let executable = |p: String| CString::new(p).ok().filter(|c| access(c, libc::X_OK));
    if name.contains('/') {
        return executable(name.to_string()).ok_or_else(|| {
            let exists = CString::new(name).is_ok_and(|c| access(&c, libc::F_OK));
            if exists {
                "not executable"
            } else {
                "not found"
            }
            .to_string()
        });
    }
    path.split(':')
        .filter(|dir| !dir.is_empty())
        .find_map(|dir| executable(format!("{dir}/{name}")))
        .ok_or_else(|| "not found in PATH".to_string())
}

/// A NULL-terminated array of pointers into `strings`, for execve.
fn pointers(strings: &[CString]) -> Vec<*const libc::c_char> {
    let mut out: Vec<*const libc::c_char> = strings.iter().map(|s| s.as_ptr()).collect();
    out.push(std::ptr::null());
    out
}

#[cfg(test)]
#[path = "process_tests.rs"]
mod tests;
