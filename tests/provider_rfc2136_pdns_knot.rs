//! RFC 2136 + TSIG through the real binary against a real PowerDNS (`pdns_server`, gsqlite3
//! backend) and a real Knot DNS (`knotd`) on loopback.
//!
//! Each test starts its own server in the foreground in a temp dir on a free port, serving
//! `example.com` (updatable with key `ddns-key`) and `example.net` (updatable only with
//! `other-key`), and kills it at the end. Without the servers installed (`apt-get install -y
//! pdns-server pdns-backend-sqlite3 sqlite3 knot knot-dnsutils bind9-dnsutils`) the tests print
//! a note and pass; with `DDNSUP_TEST_REQUIRE_PDNS_KNOT=1` (CI) they fail instead.
mod harness;
mod support;

use harness::*;
use std::net::{TcpListener, UdpSocket};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};
use support::{MockServer, Output, Run, wait_until};

const REQUIRE_VAR: &str = "DDNSUP_TEST_REQUIRE_PDNS_KNOT";
const CLOCK_VAR: &str = "DDNSUP_TSIG_CLOCK_OFFSET";
const SECRET: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
const OTHER_SECRET: &str = "ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8=";
const WRONG_SECRET: &str = "QEFCQ0RFRkdISUpLTE1OT1BRUlNUVVZXWFlaW1xdXl8=";

fn find(program: &str) -> Option<PathBuf> {
    let path = std::env::var("PATH").unwrap_or_default();
    path.split(':')
        .chain(["/usr/sbin", "/sbin", "/usr/local/sbin", "/usr/bin"])
        .map(|dir| Path::new(dir).join(program))
        .find(|p| p.is_file())
}

/// The programs `names` when all are installed; otherwise a note (or a panic under CI).
fn tools<const N: usize>(names: [&str; N]) -> Option<[PathBuf; N]> {
    let found = names.map(find);
    if found.iter().all(Option::is_some) {
        return Some(found.map(Option::unwrap));
    }
    let missing: Vec<&str> = names
        .iter()
        .zip(&found)
        .filter(|(_, f)| f.is_none())
        .map(|(n, _)| *n)
        .collect();
    skip(&format!("{} not installed", missing.join(", ")))
}

/// `None` with a note why the test does not run (a panic when CI requires it).
fn skip<T>(why: &str) -> Option<T> {
    if std::env::var(REQUIRE_VAR).is_ok_and(|v| v == "1") {
        panic!("{why}, and {REQUIRE_VAR}=1");
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

/// A DNS server running in the foreground, killed on drop.
struct Server {
    child: Child,
    port: u16,
    log: PathBuf,
    dig: PathBuf,
    name: &'static str,
}

/// What the servers of this test process put in their SOA's mailbox, so that a server of
/// another process that took the port first (tests run in parallel) is not mistaken for ours.
fn marker() -> String {
    format!("ddnsup-test-{}", std::process::id())
}

impl Server {
    /// Starts `command(port)` on a free port and waits until it answers for both zones with
    /// our [`marker`]; tries another port when it dies or another server answers.
    fn start(
        name: &'static str,
        command: impl Fn(u16) -> Command,
        dir: &Path,
        dig: &Path,
    ) -> Server {
        let log = dir.join(format!("{name}.log"));
        for _ in 0..3 {
            let port = free_port();
            let file = std::fs::File::create(&log).unwrap();
            let child = command(port)
                .stdin(Stdio::null())
                .stdout(file.try_clone().unwrap())
                .stderr(file)
                .spawn()
                .unwrap_or_else(|e| panic!("{name} starts: {e}"));
            let mut server = Server {
                child,
                port,
                log: log.clone(),
                dig: dig.to_path_buf(),
                name,
            };
            let mut ours = false;
            wait_until(Duration::from_secs(20), || {
                ours = ["example.com", "example.net"].iter().all(|zone| {
                    let soa = server.dig(zone, "SOA");
                    soa.iter().any(|line| line.contains(&marker()))
                });
                ours || !server.alive()
            });
            if ours && server.alive() {
                return server;
            }
            eprintln!(
                "{name} did not start on port {port} (SOA {:?}):\n{}",
                server.dig("example.com", "SOA"),
                server.log()
            );
        }
        panic!("{name} did not start");
    }

    fn alive(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// `dig +short`: the answers, sorted (without dig's `;` comments, which it prints when
    /// nobody answers).
    fn dig(&self, name: &str, rtype: &str) -> Vec<String> {
        let out = Command::new(&self.dig)
            .args(["@127.0.0.1", "-p", &self.port.to_string(), name, rtype])
            .args(["+short", "+time=1", "+tries=2"])
            .output()
            .expect("dig runs");
        let mut lines: Vec<String> = String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(|l| l.trim().to_string())
            .filter(|l| !l.is_empty() && !l.starts_with(';'))
            .collect();
        lines.sort();
        lines
    }

    fn spec(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if !matches!(self.child.try_wait(), Ok(None)) {
                return;
            }
            thread::sleep(Duration::from_millis(20));
        }
        eprintln!("{} (pid {}) did not exit", self.name, self.child.id());
    }
}

fn ok(command: &mut Command, what: &str) {
    let out = command.output().unwrap_or_else(|e| panic!("{what}: {e}"));
    assert!(
        out.status.success(),
        "{what} failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// PowerDNS with a gsqlite3 database: both zones, both keys, each zone's TSIG-ALLOW-DNSUPDATE.
fn start_pdns(dir: &Path) -> Option<Server> {
    let [pdns, pdnsutil, sqlite3, dig] = tools(["pdns_server", "pdnsutil", "sqlite3", "dig"])?;
    let schema = Path::new("/usr/share/pdns-backend-sqlite3/schema/schema.sqlite3.sql");
    if !schema.is_file() {
        return skip("the gsqlite3 schema (pdns-backend-sqlite3) not installed");
    }
    let db = dir.join("pdns.sqlite3");
    let sql = std::fs::read(schema).unwrap();
    let mut child = Command::new(&sqlite3)
        .arg(&db)
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), &sql).unwrap();
    assert!(child.wait().unwrap().success(), "sqlite3 loads the schema");
    let d = dir.display();
    let conf = |port: u16| {
        format!(
            "launch=gsqlite3\ngsqlite3-database={}\ngsqlite3-dnssec=yes\nlocal-address=127.0.0.1\nlocal-port={port}\ndnsupdate=yes\nallow-dnsupdate-from=127.0.0.0/8\nsocket-dir={d}\ndaemon=no\nguardian=no\ndisable-syslog=yes\nlog-dns-details=yes\nloglevel=6\nwebserver=no\napi=no\ndefault-soa-content=ns.@ {}.@ 0 10800 3600 604800 3600\n",
            db.display(),
            marker()
        )
    };
    std::fs::write(dir.join("pdns.conf"), conf(53)).unwrap();
    let util = |args: &[&str]| {
        let mut c = Command::new(&pdnsutil);
        c.arg(format!("--config-dir={d}")).args(args);
        ok(&mut c, &format!("pdnsutil {}", args.join(" ")));
    };
    for zone in ["example.com", "example.net"] {
        util(&["create-zone", zone, &format!("ns.{zone}")]);
    }
    util(&["import-tsig-key", "ddns-key", "hmac-sha256", SECRET]);
    util(&["import-tsig-key", "other-key", "hmac-sha256", OTHER_SECRET]);
    util(&[
        "set-meta",
        "example.com",
        "TSIG-ALLOW-DNSUPDATE",
        "ddns-key",
    ]);
    util(&[
        "set-meta",
        "example.net",
        "TSIG-ALLOW-DNSUPDATE",
        "other-key",
    ]);
    let command = |port| {
        std::fs::write(dir.join("pdns.conf"), conf(port)).unwrap();
        let mut command = Command::new(&pdns);
        command.arg(format!("--config-dir={d}"));
        command
    };
    Some(Server::start("pdns_server", command, dir, &dig))
}

/// Knot DNS: `ddns-key` may update A and AAAA of home.example.com (the README's ACL),
/// `other-key` A and AAAA in example.net.
fn start_knot(dir: &Path) -> Option<Server> {
    let [knotd, dig] = tools(["knotd", "dig"])?;
    let d = dir.display();
    let mailbox = marker();
    for zone in ["example.com", "example.net"] {
        let text = format!(
            "$TTL 300\n@ IN SOA ns.{zone}. {mailbox}.{zone}. 1 3600 600 86400 300\n@ IN NS ns.{zone}.\nns IN A 127.0.0.1\n"
        );
        std::fs::write(dir.join(format!("{zone}.zone")), text).unwrap();
    }
    let conf_path = dir.join("knot.conf");
    let command = |port: u16| {
        let conf = format!(
            "server:\n    rundir: \"{d}\"\n    listen: 127.0.0.1@{port}\n\ndatabase:\n    storage: \"{d}\"\n\nlog:\n  - target: stderr\n    any: info\n\nkey:\n  - id: ddns-key\n    algorithm: hmac-sha256\n    secret: {SECRET}\n  - id: other-key\n    algorithm: hmac-sha256\n    secret: {OTHER_SECRET}\n\nacl:\n  - id: ddns\n    key: ddns-key\n    action: update\n    update-type: [A, AAAA]\n    update-owner: name\n    update-owner-match: equal\n    update-owner-name: [home]\n  - id: other\n    key: other-key\n    action: update\n    update-type: [A, AAAA]\n\nzone:\n  - domain: example.com\n    file: \"{d}/example.com.zone\"\n    acl: [ddns]\n  - domain: example.net\n    file: \"{d}/example.net.zone\"\n    acl: [other]\n"
        );
        std::fs::write(&conf_path, conf).unwrap();
        let mut command = Command::new(&knotd);
        command.arg("-c").arg(&conf_path);
        command
    };
    Some(Server::start("knotd", command, dir, &dig))
}

/// The config: one address source and one rfc2136 record with an inline key.
fn write_config(env: &Env, v4: &MockServer, server: &str, zone: &str, key: &str, secret: &str) {
    use std::os::unix::fs::PermissionsExt;
    let text = format!(
        "timeout = 3\nca_file = {:?}\nstate_file = {:?}\n\n[ip]\nsources = [{:?}]\n\n[[record]]\nprovider = \"rfc2136\"\nserver = \"{server}\"\nzone = \"{zone}\"\nname = \"home.{zone}\"\ntsig_key_name = \"{key}\"\ntsig_secret = \"{secret}\"\n",
        env.ca_file,
        env.state,
        v4.url(),
    );
    std::fs::write(&env.config, text).unwrap();
    std::fs::set_permissions(&env.config, std::fs::Permissions::from_mode(0o600)).unwrap();
}

fn run(env: &Env, args: &[&str], offset: Option<&str>) -> Output {
    let run = Run::new()
        .args(["-c", env.config.to_str().unwrap()])
        .args(args)
        .deadline_secs(60);
    match offset {
        Some(o) => run.env(CLOCK_VAR, o),
        None => run.env_remove(CLOCK_VAR),
    }
    .output()
}

/// The state's first `"next"` time.
fn state_next(env: &Env) -> u64 {
    let state = env.state_text().unwrap();
    let at = state.find("\"next\":").unwrap() + "\"next\":".len();
    let digits: String = state[at..]
        .chars()
        .take_while(|c| c.is_ascii_digit())
        .collect();
    digits.parse().unwrap()
}

/// Asserts the exit code, showing the run's output and the server's log when it differs.
#[track_caller]
fn expect_exit(out: &Output, code: i32, server: &Server) {
    assert_eq!(
        out.code,
        code,
        "stderr:\n{}\n{} log:\n{}",
        out.stderr,
        server.name,
        server.log()
    );
}

#[track_caller]
fn expect_text(out: &Output, words: &str) {
    assert!(
        out.stderr.contains(words),
        "{words:?} not in\n{}",
        out.stderr
    );
}

#[test]
fn powerdns_update_lands_and_tsig_failures_back_off_slowly() {
    let env = Env::new("rfc2136-real-pdns");
    let Some(pdns) = start_pdns(env.dir.path()) else {
        return;
    };
    let v4 = env.ip_source(&[IP1]);

    // The right key lands.
    write_config(&env, &v4, &pdns.spec(), "example.com", "ddns-key", SECRET);
    let out = run(&env, &[], None);
    expect_exit(&out, 0, &pdns);
    assert_eq!(pdns.dig("home.example.com", "A"), [IP1], "{}", pdns.log());

    // A wrong secret, an unknown key and a clock an hour off: each an unsigned REFUSED, a
    // transient failure waiting at least an hour, the record not stopped.
    let cases = [
        ("ddns-key", WRONG_SECRET, None),
        ("no-such-key", SECRET, None),
        ("ddns-key", SECRET, Some("3600")),
    ];
    for (key, secret, offset) in cases {
        write_config(&env, &v4, &pdns.spec(), "example.net", key, secret);
        let before = now();
        let out = run(&env, &["--force"], offset);
        expect_exit(&out, 1, &pdns);
        expect_text(&out, "REFUSED without a TSIG signature");
        expect_text(&out, "this machine's clock (ours read ");
        assert!(state_next(&env) >= before + 3600, "{key} {offset:?}");
        assert!(!env.state_text().unwrap().contains("\"stopped\":true"));
    }
    assert!(pdns.dig("home.example.net", "A").is_empty());

    // A key PowerDNS knows but the zone does not allow: a signed REFUSED, the policy (fatal).
    write_config(&env, &v4, &pdns.spec(), "example.net", "ddns-key", SECRET);
    let out = run(&env, &["--force"], None);
    expect_exit(&out, 3, &pdns);
    expect_text(&out, "REFUSED: the server's policy denies");
    assert!(!out.stderr.contains("unsigned"), "{}", out.stderr);
    assert!(pdns.dig("home.example.net", "A").is_empty());
}

#[test]
fn knot_update_lands_and_an_acl_denial_is_not_allowed_or_unknown_key() {
    let env = Env::new("rfc2136-real-knot");
    let Some(knot) = start_knot(env.dir.path()) else {
        return;
    };
    let v4 = env.ip_source(&[IP1]);

    write_config(&env, &v4, &knot.spec(), "example.com", "ddns-key", SECRET);
    let out = run(&env, &[], None);
    expect_exit(&out, 0, &knot);
    assert_eq!(knot.dig("home.example.com", "A"), [IP1], "{}", knot.log());

    // A key Knot knows, in a zone whose ACL is for another key: NOTAUTH/BADKEY.
    write_config(&env, &v4, &knot.spec(), "example.net", "ddns-key", SECRET);
    let out = run(&env, &["--force"], None);
    expect_exit(&out, 3, &knot);
    expect_text(
        &out,
        "NOTAUTH/BADKEY: the server refused TSIG key \"ddns-key\"",
    );
    expect_text(&out, "not allowed, or unknown key");
    assert!(knot.dig("home.example.net", "A").is_empty());

    // The ACL allows only home.example.com: another name in the zone is denied the same way.
    let text = std::fs::read_to_string(&env.config).unwrap();
    let other = text
        .replace("example.net", "example.com")
        .replace("home.example.com", "www.example.com");
    std::fs::write(&env.config, other).unwrap();
    let out = run(&env, &["--force"], None);
    expect_exit(&out, 3, &knot);
    expect_text(&out, "not allowed, or unknown key");
    assert!(knot.dig("www.example.com", "A").is_empty());

    // An unknown key is the same answer; a wrong secret is BADSIG.
    write_config(
        &env,
        &v4,
        &knot.spec(),
        "example.com",
        "no-such-key",
        SECRET,
    );
    let out = run(&env, &["--force"], None);
    expect_exit(&out, 3, &knot);
    expect_text(&out, "not allowed, or unknown key");
    write_config(
        &env,
        &v4,
        &knot.spec(),
        "example.com",
        "ddns-key",
        WRONG_SECRET,
    );
    let out = run(&env, &["--force"], None);
    expect_exit(&out, 3, &knot);
    expect_text(&out, "NOTAUTH/BADSIG");

    // A clock an hour off: BADTIME, transient, with the skew.
    write_config(&env, &v4, &knot.spec(), "example.com", "ddns-key", SECRET);
    let out = run(&env, &["--force"], Some("3600"));
    expect_exit(&out, 1, &knot);
    expect_text(&out, "NOTAUTH/BADTIME");
}
