//! Sends each `[[notify]]` target its notice after a run: HTTP through the client, commands without a shell; each bounded by its timeout, and a failure only a warning.
use crate::http::Client;
use crate::notify::{
    Happened, Notice, Notify, Target, UrlTarget, build_request, command_env, notice,
};
use std::ffi::CString;
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

/// Runs `argv` in its own process group, stdin and output on /dev/null, the environment only
/// `PATH` and the notice; the whole group is killed at the timeout. By hand with fork/exec:
/// std's `Command` would add about 45 KB to the binary.
fn run_command(argv: &[String], n: &Notice, timeout_secs: u64) -> Result<(), String> {
    let cannot = |why: &str| format!("cannot run {}: {why}", argv[0]);
    let path = std::env::var("PATH").unwrap_or_else(|_| DEFAULT_PATH.to_string());
    let program = find_program(&argv[0], &path).ok_or_else(|| cannot("not found"))?;
    let c = |s: String| CString::new(s).map_err(|_| cannot("a NUL byte in its arguments"));
    let args = argv
        .iter()
        .map(|a| c(a.clone()))
        .collect::<Result<Vec<_>, _>>()?;
    let mut env = vec![c(format!("PATH={path}"))?];
    for (k, v) in command_env(n) {
        env.push(c(format!("{k}={v}"))?);
    }
    let argp: Vec<*const libc::c_char> = pointers(&args);
    let envp: Vec<*const libc::c_char> = pointers(&env);
    // SAFETY: between fork and exec the child only calls async-signal-safe functions, on
    // memory made before the fork.
    let pid = unsafe { libc::fork() };
    if pid == 0 {
        unsafe {
            libc::setpgid(0, 0);
            let fd = libc::open(c"/dev/null".as_ptr(), libc::O_RDWR);
            for target in 0..3 {
                libc::dup2(fd, target);
            }
            if fd > 2 {
                libc::close(fd);
            }
            libc::execve(program.as_ptr(), argp.as_ptr(), envp.as_ptr());
            libc::_exit(127);
        }
    }
    if pid < 0 {
        return Err(cannot(&std::io::Error::last_os_error().to_string()));
    }
    // SAFETY: plain syscalls on the child's pid (and the group it leads).
    unsafe { libc::setpgid(pid, pid) };
    let deadline = Instant::now() + Duration::from_secs(timeout_secs);
    let mut status = 0;
    loop {
        match unsafe { libc::waitpid(pid, &mut status, libc::WNOHANG) } {
            0 if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(20)),
            0 => {
                unsafe {
                    libc::kill(-pid, libc::SIGKILL);
                    libc::waitpid(pid, &mut status, 0);
                }
                return Err(format!("killed after {timeout_secs} s"));
            }
            -1 if std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted => {}
            -1 => return Err(std::io::Error::last_os_error().to_string()),
            _ => break,
        }
    }
    match (libc::WIFEXITED(status), libc::WEXITSTATUS(status)) {
        (true, 0) => Ok(()),
        (true, code) => Err(format!("exit status {code}")),
        _ => Err(format!("killed by signal {}", libc::WTERMSIG(status))),
    }
}

/// `name` itself when it holds a `/`, else the first executable `dir/name` of `path`.
fn find_program(name: &str, path: &str) -> Option<CString> {
    let executable = |p: String| {
        let c = CString::new(p).ok()?;
        // SAFETY: access(2) on a valid C string.
        (unsafe { libc::access(c.as_ptr(), libc::X_OK) } == 0).then_some(c)
    };
    if name.contains('/') {
        return executable(name.to_string());
    }
    path.split(':')
        .filter(|dir| !dir.is_empty())
        .find_map(|dir| executable(format!("{dir}/{name}")))
}

/// A NULL-terminated array of pointers into `strings`, for execve.
fn pointers(strings: &[CString]) -> Vec<*const libc::c_char> {
    let mut out: Vec<*const libc::c_char> = strings.iter().map(|s| s.as_ptr()).collect();
    out.push(std::ptr::null());
    out
}
