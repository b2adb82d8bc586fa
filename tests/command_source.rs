//! `command:` address sources through the real binary: small `#!/bin/sh` scripts in a temp dir,
//! a loopback provider mock receiving the update.
mod harness;
mod support;

use harness::*;
use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;
use std::time::Duration;
use support::{MockServer, Reply, Run, wait_until};

const IP6: &str = "2a01:4f8:10:20::5";

/// An executable `#!/bin/sh` script `name` in the test's directory.
fn script(env: &Env, name: &str, body: &str) -> PathBuf {
    let path = env.dir.write(name, format!("#!/bin/sh\n{body}"));
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path
}

/// `command:PATH ARGS` for a script.
fn command(path: &std::path::Path, args: &str) -> String {
    format!("command:{} {args}", path.display())
}

/// Writes the config: the two source lists and one DuckDNS record of `family` at `provider`.
fn config(env: &Env, v4: &[String], v6: &[String], provider: &MockServer, family: &str, t: u64) {
    let record = format!(
        "[[record]]\nprovider = \"duckdns\"\nserver = {:?}\ndomain = \"home\"\ntoken = \"t\"\nfamily = \"{family}\"\n",
        provider.url()
    );
    env.write_config_dual(t, v4, v6, &record);
}

#[test]
fn a_printed_public_address_is_sent_once_then_unchanged() {
    let env = Env::new("cmd-ok");
    let s = script(&env, "wan-ip.sh", &format!("echo {IP1}\n"));
    let provider = env.server(vec![Reply::ok("OK")]);
    config(&env, &[command(&s, "")], &[], &provider, "ipv4", 3);
    let out = env.run(&["-v"]);
    expect_code(&out, 0);
    assert_eq!(provider.count(), 1);
    assert_eq!(provider.last().unwrap().param("ip"), Some(IP1));
    let out = env.run(&["-v"]);
    expect_code(&out, 0);
    assert_eq!(provider.count(), 1, "nothing sent when unchanged");
    assert!(
        out.stderr.contains(&format!("A unchanged ({IP1})")),
        "{}",
        out.stderr
    );
}

#[test]
fn bad_output_and_failures_fall_through_to_the_next_source() {
    let env = Env::new("cmd-bad");
    let private = script(&env, "private.sh", "echo 192.168.1.5\n");
    let garbage = script(&env, "garbage.sh", "echo '<html>router</html>'\n");
    let two = script(&env, "two.sh", &format!("echo {IP1}\necho {IP2}\n"));
    let v6 = script(&env, "v6.sh", &format!("echo {IP6}\n"));
    let no_wan = script(
        &env,
        "nowan.sh",
        &format!("echo {IP1}\necho '  no wan\t(ppp down)' >&2\necho more >&2\nexit 3\n"),
    );
    let signal = script(&env, "signal.sh", "kill -TERM $$\n");
    let not_exec = env
        .dir
        .write("plain.sh", format!("#!/bin/sh\necho {IP1}\n"));
    let good = script(&env, "good.sh", &format!("echo '  {IP2}  '\n"));
    let provider = env.server(vec![Reply::ok("OK")]);
    let v4 = vec![
        command(&private, ""),
        command(&garbage, ""),
        command(&two, ""),
        command(&v6, ""),
        command(&no_wan, ""),
        command(&signal, ""),
        command(&not_exec, ""),
        "command:/nonexistent/wan-ip".to_string(),
        "command:ddnsup-no-such-program".to_string(),
        command(&good, ""),
    ];
    config(&env, &v4, &[], &provider, "ipv4", 3);
    let out = env.run(&["-v"]);
    expect_code(&out, 0);
    assert_eq!(provider.last().unwrap().param("ip"), Some(IP2));
    let at = |p: &PathBuf| format!("command:{}: ", p.display());
    for want in [
        format!("{}192.168.1.5 is a private address", at(&private)),
        format!("{}reply is not an IPv4 address: \"<html>", at(&garbage)),
        format!("{}reply is not an IPv4 address: \"{IP1}{IP2}\"", at(&two)),
        format!(
            "{}{IP6} is an IPv6 address where IPv4 was asked for",
            at(&v6)
        ),
        format!("{}exit status 3: no wan(ppp down)\n", at(&no_wan)),
        format!("{}killed by signal 15 (SIGTERM)\n", at(&signal)),
        format!("{}not executable", at(&not_exec)),
        "command:/nonexistent/wan-ip: not found\n".to_string(),
        "command:ddnsup-no-such-program: not found in PATH\n".to_string(),
    ] {
        assert!(out.stderr.contains(&want), "{want}\n{}", out.stderr);
    }

    // Without the good one the run fails and nothing is sent.
    let provider = env.server(vec![Reply::ok("OK")]);
    config(&env, &v4[..v4.len() - 1], &[], &provider, "ipv4", 3);
    let out = env.run(&[]);
    expect_code(&out, 1);
    assert_eq!(provider.count(), 0);
    assert!(
        out.stderr
            .contains("could not find the public IPv4 address")
            && out.stderr.contains("exit status 3: no wan"),
        "{}",
        out.stderr
    );
}

/// Whether the process `pid` is still alive (a zombie waiting for init counts as gone).
fn alive(pid: &str) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .is_ok_and(|s| !s.rsplit(')').next().unwrap().trim_start().starts_with('Z'))
}

#[test]
fn a_program_past_the_timeout_is_killed_with_its_children() {
    let env = Env::new("cmd-hang");
    let pids = env.dir.join("pids");
    let s = script(
        &env,
        "slow.sh",
        &format!("sleep 60 &\necho $$ $! > {pids:?}\nsleep 60\necho {IP1}\n"),
    );
    let good = script(&env, "good.sh", &format!("echo {IP2}\n"));
    let provider = env.server(vec![Reply::ok("OK")]);
    config(
        &env,
        &[command(&s, ""), command(&good, "")],
        &[],
        &provider,
        "ipv4",
        1,
    );
    let out = env.run(&["-v"]);
    expect_code(&out, 0);
    assert_eq!(provider.last().unwrap().param("ip"), Some(IP2));
    assert!(
        out.elapsed < Duration::from_secs(5),
        "took {:?}\n{}",
        out.elapsed,
        out.stderr
    );
    assert!(
        out.stderr
            .contains(&format!("command:{}: killed after 1 s", s.display())),
        "{}",
        out.stderr
    );
    let text = std::fs::read_to_string(&pids).unwrap();
    let ids: Vec<&str> = text.split_whitespace().collect();
    assert_eq!(ids.len(), 2, "{text}");
    assert!(
        wait_until(Duration::from_secs(3), || !ids.iter().any(|p| alive(p))),
        "the script or its background sleep lives on: {text}"
    );
}

/// The peak memory (VmHWM, kB) of ddnsup, as its child sees it in /proc/$PPID/status.
fn peak_kb(env: &Env, prefix: &str, name: &str) -> (support::Output, u64) {
    let hwm = env.dir.join(format!("{name}.hwm"));
    let s = script(
        env,
        name,
        &format!("{prefix}\ngrep VmHWM /proc/$PPID/status > {hwm:?}\n"),
    );
    let provider = env.server(vec![Reply::ok("OK")]);
    config(env, &[command(&s, "")], &[], &provider, "ipv4", 10);
    let out = env.run(&["-v"]);
    let text = std::fs::read_to_string(&hwm).unwrap();
    let kb = text.split_whitespace().nth(1).unwrap().parse().unwrap();
    (out, kb)
}

#[test]
fn ten_megabytes_of_output_are_capped_in_bounded_time_and_memory() {
    let env = Env::new("cmd-chatty");
    let (small, small_kb) = peak_kb(&env, &format!("echo {IP1}"), "small.sh");
    expect_code(&small, 0);
    let (big, big_kb) = peak_kb(&env, &format!("yes {IP1} | head -c 10000000"), "big.sh");
    expect_code(&big, 1);
    assert!(
        big.stderr
            .contains("big.sh: printed more than 4096 bytes, not one address"),
        "{}",
        big.stderr
    );
    assert!(
        big.elapsed < Duration::from_secs(8),
        "took {:?}",
        big.elapsed
    );
    // Keeping the 10 MB would raise the peak by at least that much.
    assert!(
        big_kb < small_kb + 2048,
        "peak {big_kb} kB with 10 MB of output, {small_kb} kB without"
    );
    // A flood on stderr of a failing program is capped too, its first line shown.
    let s = script(
        &env,
        "flood.sh",
        "echo 'no wan' >&2\nhead -c 10000000 /dev/zero >&2\nexit 2\n",
    );
    let provider = env.server(vec![Reply::ok("OK")]);
    config(&env, &[command(&s, "")], &[], &provider, "ipv4", 10);
    let out = env.run(&[]);
    expect_code(&out, 1);
    assert!(
        out.stderr.contains("flood.sh: exit status 2: no wan"),
        "{}",
        out.stderr
    );
    assert!(
        out.elapsed < Duration::from_secs(8),
        "took {:?}",
        out.elapsed
    );
}

#[test]
fn argv_is_split_on_spaces_and_never_through_a_shell() {
    let env = Env::new("cmd-argv");
    let args = env.dir.join("args");
    let s = script(
        &env,
        "args.sh",
        &format!("printf '%s\\n' \"$@\" > {args:?}\necho {IP1}\n"),
    );
    let provider = env.server(vec![Reply::ok("OK")]);
    let line = command(&s, "--v4  a;b $HOME 'two words' `id` >x");
    config(&env, &[line], &[], &provider, "ipv4", 3);
    let out = env.run(&[]);
    expect_code(&out, 0);
    assert_eq!(provider.last().unwrap().param("ip"), Some(IP1));
    let got = std::fs::read_to_string(&args).unwrap();
    assert_eq!(
        got.lines().collect::<Vec<_>>(),
        ["--v4", "a;b", "$HOME", "'two", "words'", "`id`", ">x"]
    );
    assert!(!env.dir.join("x").exists() && !PathBuf::from("x").exists());
}

#[test]
fn the_environment_is_only_path_and_the_family() {
    let env = Env::new("cmd-env");
    let seen = env.dir.join("environ");
    // /proc/$$/environ is what execve was given, before the shell adds PWD and the like.
    let s = script(
        &env,
        "env.sh",
        &format!("tr '\\0' '\\n' < /proc/$$/environ > {seen:?}\necho {IP1}\n"),
    );
    let provider = env.server(vec![Reply::ok("OK")]);
    config(&env, &[command(&s, "")], &[], &provider, "ipv4", 3);
    let path = "/usr/local/bin:/usr/bin:/bin:/ddnsup-test-path";
    let out = Run::new()
        .args(["-c", env.config.to_str().unwrap()])
        .env("PATH", path)
        .env("HOME", "/root")
        .env("DDNSUP_TEST_CALLER_SECRET", "caller-secret-value")
        .deadline_secs(60)
        .output();
    expect_code(&out, 0);
    let text = std::fs::read_to_string(&seen).unwrap();
    assert_eq!(
        text.lines().collect::<Vec<_>>(),
        [format!("PATH={path}").as_str(), "DDNSUP_FAMILY=ipv4"]
    );
}

#[test]
fn one_script_serves_both_lists_through_ddnsup_family() {
    let env = Env::new("cmd-v6");
    let s = script(
        &env,
        "both.sh",
        &format!(
            "case \"$DDNSUP_FAMILY\" in\n  ipv4) echo {IP1} ;;\n  ipv6) echo {IP6} ;;\n  *) exit 9 ;;\nesac\n"
        ),
    );
    let provider = env.server(vec![Reply::ok("OK")]);
    let line = [command(&s, "")];
    config(&env, &line, &line, &provider, "both", 3);
    let out = env.run(&[]);
    expect_code(&out, 0);
    let r = provider.last().unwrap();
    assert_eq!((r.param("ip"), r.param("ipv6")), (Some(IP1), Some(IP6)));

    // A script printing its IPv4 address in sources6 is refused there.
    let v4_only = script(&env, "v4.sh", &format!("echo {IP1}\n"));
    let provider = env.server(vec![Reply::ok("OK")]);
    config(
        &env,
        &[command(&v4_only, "")],
        &[command(&v4_only, "")],
        &provider,
        "ipv6",
        3,
    );
    let out = env.run(&[]);
    expect_code(&out, 1);
    assert_eq!(provider.count(), 0);
    assert!(
        out.stderr.contains(&format!(
            "v4.sh: {IP1} is an IPv4 address where IPv6 was asked for"
        )),
        "{}",
        out.stderr
    );
}
