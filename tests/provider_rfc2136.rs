//! RFC 2136 + TSIG through the real binary against a real BIND 9 (`named`) on loopback.
//!
//! Each test starts its own `named -g` in a temp dir on a free port (UDP and TCP), serving
//! `example.com` (updatable with key `ddns-key`, made by `tsig-keygen`) and `example.net`
//! (updatable only with `other-key`), and kills it at the end. Without BIND installed
//! (`apt-get install -y bind9 bind9-utils bind9-dnsutils`) those tests print a note and pass.
mod harness;
mod support;

use harness::*;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream, UdpSocket};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};
use support::{MockServer, Output, Run, wait_until};

const V6A: &str = "2a01:4f8:10:20::5";
const CLOCK_VAR: &str = "DDNSUP_TSIG_CLOCK_OFFSET";
const ZONE: &str =
    "$TTL 300\n@ IN SOA ns.@@. admin.@@. 1 3600 600 86400 300\n@ IN NS ns.@@.\nns IN A 127.0.0.1\n";

/// The BIND programs, when installed.
struct Tools {
    named: PathBuf,
    keygen: PathBuf,
    dig: PathBuf,
}

fn find(program: &str) -> Option<PathBuf> {
    let path = std::env::var("PATH").unwrap_or_default();
    path.split(':')
        .chain(["/usr/sbin", "/sbin", "/usr/local/sbin", "/usr/bin"])
        .map(|dir| Path::new(dir).join(program))
        .find(|p| p.is_file())
}

/// With this set to 1 (CI sets it), a missing BIND fails the tests instead of skipping them.
const REQUIRE_BIND_VAR: &str = "DDNSUP_TEST_REQUIRE_BIND";

fn tools() -> Option<Tools> {
    let found = (find("named"), find("tsig-keygen"), find("dig"));
    let why = match found {
        (Some(named), Some(keygen), Some(dig)) => return Some(Tools { named, keygen, dig }),
        (None, ..) => "BIND (named) not installed",
        _ => "tsig-keygen or dig not installed (bind9-utils, bind9-dnsutils)",
    };
    if std::env::var(REQUIRE_BIND_VAR).is_ok_and(|v| v == "1") {
        panic!("{why}, and {REQUIRE_BIND_VAR}=1");
    }
    println!("skipping: {why}");
    None
}

/// A port free for both UDP and TCP on 127.0.0.1 (bound, then released).
fn free_port() -> u16 {
    for _ in 0..100 {
        let udp = UdpSocket::bind("127.0.0.1:0").unwrap();
        let port = udp.local_addr().unwrap().port();
        if TcpListener::bind(("127.0.0.1", port)).is_ok() {
            return port;
        }
    }
    panic!("no port free for UDP and TCP");
}

fn keygen(tools: &Tools, name: &str) -> String {
    let out = Command::new(&tools.keygen)
        .args(["-a", "hmac-sha256", name])
        .output()
        .expect("tsig-keygen runs");
    assert!(out.status.success(), "tsig-keygen failed");
    String::from_utf8(out.stdout).unwrap()
}

/// A running `named`, killed on drop.
struct Bind {
    child: Child,
    port: u16,
    dir: PathBuf,
    dig: PathBuf,
    /// The `ddns-key` file, as tsig-keygen wrote it.
    key_file: PathBuf,
}

impl Bind {
    fn start(tools: &Tools, dir: &Path) -> Bind {
        let key_file = dir.join("ddns-key.key");
        std::fs::write(&key_file, keygen(tools, "ddns-key")).unwrap();
        std::fs::write(dir.join("other-key.key"), keygen(tools, "other-key")).unwrap();
        for zone in ["example.com", "example.net"] {
            let text = ZONE.replace("@@", zone);
            std::fs::write(dir.join(format!("{zone}.zone")), text).unwrap();
        }
        // A port taken between our check and named's bind: try again with another.
        for _ in 0..3 {
            let port = free_port();
            let d = dir.display();
            let conf = format!(
                "options {{\n  directory \"{d}\";\n  listen-on port {port} {{ 127.0.0.1; }};\n  listen-on-v6 {{ none; }};\n  pid-file none;\n  session-keyfile none;\n  recursion no;\n  dnssec-validation no;\n  notify no;\n}};\ncontrols {{ }};\ninclude \"{d}/ddns-key.key\";\ninclude \"{d}/other-key.key\";\nzone \"example.com\" {{ type primary; file \"{d}/example.com.zone\"; allow-update {{ key \"ddns-key\"; }}; }};\nzone \"example.net\" {{ type primary; file \"{d}/example.net.zone\"; allow-update {{ key \"other-key\"; }}; }};\n"
            );
            let conf_path = dir.join("named.conf");
            std::fs::write(&conf_path, conf).unwrap();
            let log = std::fs::File::create(dir.join("named.log")).unwrap();
            let child = Command::new(&tools.named)
                .args(["-g", "-4", "-n", "1", "-c"])
                .arg(&conf_path)
                .stdin(Stdio::null())
                .stdout(log.try_clone().unwrap())
                .stderr(log)
                .spawn()
                .expect("named starts");
            let mut bind = Bind {
                child,
                port,
                dir: dir.to_path_buf(),
                dig: tools.dig.clone(),
                key_file: key_file.clone(),
            };
            let ready = wait_until(Duration::from_secs(20), || {
                bind.log().contains("running") || !bind.alive()
            });
            if ready && bind.alive() && !bind.dig("example.com", "SOA").is_empty() {
                return bind;
            }
            eprintln!("named did not start on port {port}:\n{}", bind.log());
        }
        panic!("named did not start");
    }

    fn alive(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("named.log")).unwrap_or_default()
    }

    /// How many requests named has logged (each update attempt logs at least one line).
    fn requests(&self) -> usize {
        // named writes its log lines asynchronously.
        thread::sleep(Duration::from_millis(300));
        self.log()
            .lines()
            .filter(|l| l.contains(" client @") && l.contains("127.0.0.1#"))
            .filter(|l| !l.contains("query:"))
            .count()
    }

    /// `dig +short`: the answers, sorted.
    fn dig(&self, name: &str, rtype: &str) -> Vec<String> {
        let out = Command::new(&self.dig)
            .args(["@127.0.0.1", "-p", &self.port.to_string(), name, rtype])
            .args(["+short", "+time=2", "+tries=2"])
            .output()
            .expect("dig runs");
        let mut lines: Vec<String> = String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(|l| l.trim().to_string())
            .filter(|l| !l.is_empty() && !l.starts_with(";;"))
            .collect();
        lines.sort();
        lines
    }

    fn serial(&self, zone: &str) -> String {
        let soa = self.dig(zone, "SOA");
        let first = soa.first().cloned().unwrap_or_default();
        first
            .split_whitespace()
            .nth(2)
            .unwrap_or_default()
            .to_string()
    }

    fn server(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }
}

impl Drop for Bind {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if !matches!(self.child.try_wait(), Ok(None)) {
                return;
            }
            thread::sleep(Duration::from_millis(20));
        }
        eprintln!("named (pid {}) did not exit after SIGKILL", self.child.id());
    }
}

/// Writes the config: address sources and one rfc2136 record with `keys` (key lines).
fn write_config(env: &Env, v4: &MockServer, v6: Option<&MockServer>, record: &str) {
    use std::os::unix::fs::PermissionsExt;
    let family = if v6.is_some() { "both" } else { "ipv4" };
    let v6 = v6.map_or_else(|| "https://127.0.0.1:9".to_string(), |s| s.url());
    let text = format!(
        "timeout = 3\nca_file = {:?}\nstate_file = {:?}\n\n[ip]\nsources = [{:?}]\nsources6 = [{:?}]\n\n[[record]]\nprovider = \"rfc2136\"\nfamily = \"{family}\"\n{record}",
        env.ca_file,
        env.state,
        v4.url(),
        v6
    );
    std::fs::write(&env.config, text).unwrap();
    std::fs::set_permissions(&env.config, std::fs::Permissions::from_mode(0o600)).unwrap();
}

fn record(server: &str, zone: &str, name: &str, key_lines: &str) -> String {
    format!("server = \"{server}\"\nzone = \"{zone}\"\nname = \"{name}\"\n{key_lines}")
}

fn key_file_line(path: &Path) -> String {
    format!("tsig_key_file = {:?}\n", path.display().to_string())
}

/// Runs ddnsup with `args`; `offset` sets the TSIG clock hook.
fn run(env: &Env, args: &[&str], offset: Option<&str>) -> Output {
    let run = Run::new()
        .args(["-c", env.config.to_str().unwrap()])
        .args(args)
        .deadline_secs(60);
    let run = match offset {
        Some(o) => run.env(CLOCK_VAR, o),
        None => run.env_remove(CLOCK_VAR),
    };
    run.output()
}

/// The secret in a tsig-keygen key file.
fn secret_of(key_file: &Path) -> String {
    let text = std::fs::read_to_string(key_file).unwrap();
    let start = text.find("secret \"").unwrap() + 8;
    let end = start + text[start..].find('"').unwrap();
    text[start..end].to_string()
}

fn assert_no_secret(out: &Output, secret: &str) {
    assert!(
        !out.stdout.contains(secret) && !out.stderr.contains(secret),
        "secret shown:\n{}\n{}",
        out.stdout,
        out.stderr
    );
}

#[test]
fn update_lands_then_nothing_then_a_change() {
    let Some(tools) = tools() else { return };
    let env = Env::new("rfc2136-lands");
    let bind = Bind::start(&tools, env.dir.path());
    let v4 = env.ip_source(&[IP1, IP1, IP2]);
    let v6 = env.ip_source(&[V6A]);
    let rec = record(
        &bind.server(),
        "example.com",
        "home.example.com",
        &key_file_line(&bind.key_file),
    );
    write_config(&env, &v4, Some(&v6), &rec);
    let secret = secret_of(&bind.key_file);

    let out = run(&env, &["-v"], None);
    expect_code(&out, 0);
    assert_no_secret(&out, &secret);
    assert!(
        out.stderr.contains("updated A to 81.2.69.160"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("updated AAAA to 2a01:4f8:10:20::5"),
        "{}",
        out.stderr
    );
    assert_eq!(bind.dig("home.example.com", "A"), [IP1]);
    assert_eq!(bind.dig("home.example.com", "AAAA"), [V6A]);
    // One UPDATE message for both families: the zone's serial moved once.
    assert_eq!(bind.serial("example.com"), "2");
    let sent = bind.requests();

    // Unchanged: nothing reaches named.
    let out = run(&env, &[], None);
    expect_code(&out, 0);
    assert!(
        out.stderr.contains("A unchanged (81.2.69.160)"),
        "{}",
        out.stderr
    );
    assert_eq!(bind.requests(), sent);
    assert_eq!(bind.serial("example.com"), "2");

    // A new IPv4 address replaces the old one (delete RRset, then add).
    let out = run(&env, &[], None);
    expect_code(&out, 0);
    assert!(
        out.stderr
            .contains("updated A to 81.2.69.161 (was 81.2.69.160)"),
        "{}",
        out.stderr
    );
    assert_eq!(bind.dig("home.example.com", "A"), [IP2]);
    assert_eq!(bind.dig("home.example.com", "AAAA"), [V6A]);
    assert!(bind.requests() > sent);
    let state = env.state_text().unwrap();
    assert!(state.contains("rfc2136 home.example.com A"), "{state}");
    assert!(!state.contains(&secret));

    // `status` and `--dry-run` never show the secret either.
    let out = run(&env, &["status"], None);
    expect_code(&out, 0);
    assert_no_secret(&out, &secret);
}

#[test]
fn wrong_secret_is_badsig_fatal_and_stops() {
    let Some(tools) = tools() else { return };
    let env = Env::new("rfc2136-badsig");
    let bind = Bind::start(&tools, env.dir.path());
    // Same key name, another secret.
    let wrong = env.dir.write("wrong.key", keygen(&tools, "ddns-key"));
    let v4 = env.ip_source(&[IP1]);
    write_config(
        &env,
        &v4,
        None,
        &record(
            &bind.server(),
            "example.com",
            "home.example.com",
            &key_file_line(&wrong),
        ),
    );
    let out = run(&env, &[], None);
    expect_code(&out, 3);
    assert!(out.stderr.contains("NOTAUTH/BADSIG"), "{}", out.stderr);
    assert_no_secret(&out, &secret_of(&wrong));
    assert!(bind.dig("home.example.com", "A").is_empty());
    assert!(bind.log().contains("tsig verify failure (BADSIG)"));
    let sent = bind.requests();

    // Stopped: the next run sends nothing and still says why.
    let out = run(&env, &[], None);
    expect_code(&out, 3);
    assert!(out.stderr.contains("stopped"), "{}", out.stderr);
    assert_eq!(bind.requests(), sent);

    // Fixing the key file is a configuration change: the record runs again and lands.
    std::fs::copy(&bind.key_file, &wrong).unwrap();
    let out = run(&env, &[], None);
    expect_code(&out, 0);
    assert_eq!(bind.dig("home.example.com", "A"), [IP1]);
}

#[test]
fn unknown_key_is_badkey_fatal() {
    let Some(tools) = tools() else { return };
    let env = Env::new("rfc2136-badkey");
    let bind = Bind::start(&tools, env.dir.path());
    let v4 = env.ip_source(&[IP1]);
    let secret = secret_of(&bind.key_file);
    let keys = format!("tsig_key_name = \"no-such-key\"\ntsig_secret = \"{secret}\"\n");
    write_config(
        &env,
        &v4,
        None,
        &record(&bind.server(), "example.com", "home.example.com", &keys),
    );
    let out = run(&env, &[], None);
    expect_code(&out, 3);
    assert!(
        out.stderr
            .contains("NOTAUTH/BADKEY: the server refused TSIG key \"no-such-key\" (hmac-sha256): not allowed, or unknown key"),
        "{}",
        out.stderr
    );
    assert_no_secret(&out, &secret);
    assert!(bind.dig("home.example.com", "A").is_empty());
}

#[test]
fn clock_skew_is_badtime_transient_with_the_skew() {
    let Some(tools) = tools() else { return };
    let env = Env::new("rfc2136-badtime");
    let bind = Bind::start(&tools, env.dir.path());
    let v4 = env.ip_source(&[IP1]);
    write_config(
        &env,
        &v4,
        None,
        &record(
            &bind.server(),
            "example.com",
            "home.example.com",
            &key_file_line(&bind.key_file),
        ),
    );
    // Our clock an hour ahead: BIND signs its BADTIME answer, which must still verify.
    let out = run(&env, &[], Some("3600"));
    expect_code(&out, 1);
    assert!(out.stderr.contains("NOTAUTH/BADTIME"), "{}", out.stderr);
    assert!(
        out.stderr
            .contains("the server's clock is 3600 s behind ours"),
        "{}",
        out.stderr
    );
    assert!(bind.dig("home.example.com", "A").is_empty());

    // A clock within the fudge works (with --force: the failure is backing off).
    let out = run(&env, &["--force"], Some("-200"));
    expect_code(&out, 0);
    assert_eq!(bind.dig("home.example.com", "A"), [IP1]);
}

#[test]
fn zone_bind_does_not_serve_is_notauth_fatal() {
    let Some(tools) = tools() else { return };
    let env = Env::new("rfc2136-notauth");
    let bind = Bind::start(&tools, env.dir.path());
    let v4 = env.ip_source(&[IP1]);
    write_config(
        &env,
        &v4,
        None,
        &record(
            &bind.server(),
            "sub.example.com",
            "home.sub.example.com",
            &key_file_line(&bind.key_file),
        ),
    );
    let out = run(&env, &[], None);
    expect_code(&out, 3);
    assert!(
        out.stderr
            .contains("NOTAUTH: the server is not authoritative for zone sub.example.com"),
        "{}",
        out.stderr
    );
    // Signed by BIND, so not marked unsigned.
    assert!(!out.stderr.contains("unsigned"), "{}", out.stderr);
}

#[test]
fn zone_the_key_may_not_update_is_refused_fatal() {
    let Some(tools) = tools() else { return };
    let env = Env::new("rfc2136-refused");
    let bind = Bind::start(&tools, env.dir.path());
    let v4 = env.ip_source(&[IP1]);
    write_config(
        &env,
        &v4,
        None,
        &record(
            &bind.server(),
            "example.net",
            "home.example.net",
            &key_file_line(&bind.key_file),
        ),
    );
    let out = run(&env, &[], None);
    expect_code(&out, 3);
    assert!(
        out.stderr.contains("REFUSED: the server's policy denies"),
        "{}",
        out.stderr
    );
    assert!(bind.dig("home.example.net", "A").is_empty());
}

/// A name outside the zone never leaves `check`; what BIND answers to one (NOTZONE) is
/// pinned with nsupdate, since ddnsup cannot be made to send it.
#[test]
fn name_outside_the_zone() {
    let env = Env::new("rfc2136-notzone");
    let v4 = env.ip_source(&[IP1]);
    let keys = "tsig_key_name = \"ddns-key\"\ntsig_secret = \"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\"\n";
    write_config(
        &env,
        &v4,
        None,
        &record("127.0.0.1:9", "example.net", "home.example.com", keys),
    );
    let out = run(&env, &["check"], None);
    expect_code(&out, 2);
    assert!(
        out.stderr.contains("record 1 (rfc2136): key \"name\": \"home.example.com\" is not inside zone \"example.net\""),
        "{}",
        out.stderr
    );
    assert!(v4.requests().is_empty());

    let Some(tools) = tools() else { return };
    let Some(nsupdate) = find("nsupdate") else {
        println!("skipping the nsupdate part: nsupdate not installed");
        return;
    };
    let bind = Bind::start(&tools, env.dir.path());
    let script = format!(
        "server 127.0.0.1 {}\nzone example.net\nupdate add home.example.com 300 A 81.2.69.160\nsend\n",
        bind.port
    );
    let mut child = Command::new(nsupdate)
        .arg("-d")
        .arg("-k")
        .arg(bind.dir.join("other-key.key"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(script.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    assert!(text.contains("status: NOTZONE"), "{text}");
}

#[test]
fn a_large_update_goes_over_tcp() {
    let Some(tools) = tools() else { return };
    let env = Env::new("rfc2136-tcp");
    let bind = Bind::start(&tools, env.dir.path());
    let v4 = env.ip_source(&[IP1]);
    let v6 = env.ip_source(&[V6A]);
    let name = format!(
        "{}.{}.{}.example.com",
        "a".repeat(60),
        "b".repeat(60),
        "c".repeat(40)
    );
    write_config(
        &env,
        &v4,
        Some(&v6),
        &record(
            &bind.server(),
            "example.com",
            &name,
            &key_file_line(&bind.key_file),
        ),
    );
    let out = run(&env, &["-vv"], None);
    expect_code(&out, 0);
    assert!(out.stderr.contains("over TCP"), "{}", out.stderr);
    assert_eq!(bind.dig(&name, "A"), [IP1]);
    assert_eq!(bind.dig(&name, "AAAA"), [V6A]);
}

/// Answers every UDP datagram with its header marked as a truncated reply, and forwards one
/// TCP connection to `upstream` (BIND's TCP port).
fn truncating_proxy(upstream: u16) -> (u16, thread::JoinHandle<usize>) {
    let (udp, tcp) = loop {
        let udp = UdpSocket::bind("127.0.0.1:0").unwrap();
        let port = udp.local_addr().unwrap().port();
        if let Ok(tcp) = TcpListener::bind(("127.0.0.1", port)) {
            break (udp, tcp);
        }
    };
    let port = udp.local_addr().unwrap().port();
    let handle = thread::spawn(move || {
        let mut buf = [0u8; 4096];
        let (len, from) = udp.recv_from(&mut buf).unwrap();
        assert!(len >= 12);
        let mut tc = buf[..12].to_vec();
        tc[2] = 0xaa; // QR, opcode UPDATE, TC
        tc[3] = 0;
        tc[4..12].fill(0);
        udp.send_to(&tc, from).unwrap();
        let (mut client, _) = tcp.accept().unwrap();
        let mut up = TcpStream::connect(("127.0.0.1", upstream)).unwrap();
        let forward = |from: &mut TcpStream, to: &mut TcpStream| -> usize {
            let mut len = [0u8; 2];
            from.read_exact(&mut len).unwrap();
            let mut body = vec![0u8; usize::from(u16::from_be_bytes(len))];
            from.read_exact(&mut body).unwrap();
            to.write_all(&len).unwrap();
            to.write_all(&body).unwrap();
            body.len()
        };
        let request = forward(&mut client, &mut up);
        forward(&mut up, &mut client);
        request
    });
    (port, handle)
}

#[test]
fn a_truncated_udp_reply_falls_back_to_tcp() {
    let Some(tools) = tools() else { return };
    let env = Env::new("rfc2136-tc");
    let bind = Bind::start(&tools, env.dir.path());
    let (port, proxy) = truncating_proxy(bind.port);
    let v4 = env.ip_source(&[IP1]);
    write_config(
        &env,
        &v4,
        None,
        &record(
            &format!("127.0.0.1:{port}"),
            "example.com",
            "home.example.com",
            &key_file_line(&bind.key_file),
        ),
    );
    let out = run(&env, &["-vv"], None);
    expect_code(&out, 0);
    assert!(
        out.stderr
            .contains("truncated; sending the UPDATE over TCP"),
        "{}",
        out.stderr
    );
    assert!(proxy.join().unwrap() > 100);
    assert_eq!(bind.dig("home.example.com", "A"), [IP1]);
}

#[test]
fn silence_is_a_timeout_and_dry_run_sends_nothing() {
    // No BIND needed: a socket that never answers.
    let env = Env::new("rfc2136-silent");
    let silent = UdpSocket::bind("127.0.0.1:0").unwrap();
    silent
        .set_read_timeout(Some(Duration::from_millis(200)))
        .unwrap();
    let server = silent.local_addr().unwrap().to_string();
    let v4 = env.ip_source(&[IP1]);
    let secret = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
    let keys = format!("tsig_key_name = \"ddns-key\"\ntsig_secret = \"{secret}\"\nttl = 60\n");
    write_config(
        &env,
        &v4,
        None,
        &record(&server, "example.com", "home.example.com", &keys),
    );

    let out = run(&env, &["--dry-run"], None);
    expect_code(&out, 0);
    assert_eq!(
        out.stdout.trim(),
        format!(
            "DNS UPDATE to {server} zone example.com: delete home.example.com A; add home.example.com 60 A 81.2.69.160 (TSIG key ddns-key, hmac-sha256)"
        )
    );
    assert_no_secret(&out, secret);
    let mut buf = [0u8; 512];
    assert!(
        silent.recv_from(&mut buf).is_err(),
        "dry run sent a datagram"
    );
    assert!(env.state_text().is_none());

    let started = Instant::now();
    let out = run(&env, &[], None);
    expect_code(&out, 1);
    assert!(out.stderr.contains("no reply within 3 s"), "{}", out.stderr);
    assert!(started.elapsed() < Duration::from_secs(20));
    let (len, _) = silent.recv_from(&mut buf).unwrap();
    assert_eq!(&buf[2..4], &[0x28, 0x00]);
    assert!(len > 89);
}
