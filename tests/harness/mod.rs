//! Shared fixtures for the integration tests: a temp config/state per test and provider replies.
#![allow(dead_code)]

use crate::support::{MockServer, Output, Recorded, Reply, Run, TempDir, TestCa, script};
use std::path::PathBuf;

/// Namecheap's current success reply (PROTOCOLS.md §1.2 b), for `ip`.
pub fn nc_success(ip: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"utf-16\"?>\r\n<interface-response>\r\n  <Command>SETDNSHOST</Command>\r\n  <Language>eng</Language>\r\n  <IP>{ip}</IP>\r\n  <ErrCount>0</ErrCount>\r\n  <errors />\r\n  <ResponseCount>0</ResponseCount>\r\n  <responses />\r\n  <Done>true</Done>\r\n  <debug><![CDATA[]]></debug>\r\n</interface-response>"
    )
}

/// Namecheap's reply to a wrong Dynamic DNS password (PROTOCOLS.md §1.4), byte for byte.
pub const NC_BAD_PASSWORD: &str = r#"<?xml version="1.0" encoding="utf-16"?><interface-response><Command>SETDNSHOST</Command><Language>eng</Language><ErrCount>1</ErrCount><errors><Err1>Passwords do not match</Err1></errors><ResponseCount>1</ResponseCount><responses><response><Description>Passwords do not match</Description><ResponseNumber>304156</ResponseNumber><ResponseString>Validation error; invalid ; password</ResponseString></response></responses><Done>true</Done><debug><![CDATA[]]></debug></interface-response>"#;

pub const PASSWORD: &str = "0123456789abcdef0123456789abcdef";
pub const IP1: &str = "81.2.69.160";
pub const IP2: &str = "81.2.69.161";

/// One test's world: a CA, a directory, a config file and where the state goes.
pub struct Env {
    pub dir: TempDir,
    pub ca: TestCa,
    pub ca_file: PathBuf,
    pub config: PathBuf,
    pub state: PathBuf,
}

impl Env {
    pub fn new(tag: &str) -> Env {
        let dir = TempDir::new(tag);
        let ca = TestCa::new();
        let ca_file = ca.write_ca_pem(dir.path());
        let config = dir.join("config.toml");
        let state = dir.join("state.json");
        Env {
            dir,
            ca,
            ca_file,
            config,
            state,
        }
    }

    /// A loopback HTTPS server trusted through `ca_file`.
    pub fn server(&self, replies: Vec<Reply>) -> MockServer {
        MockServer::https(&self.ca, script(replies))
    }

    /// An address source answering `ips` in turn (repeating the last).
    pub fn ip_source(&self, ips: &[&str]) -> MockServer {
        self.server(ips.iter().map(|ip| Reply::ok(&format!("{ip}\n"))).collect())
    }

    /// Writes the config: settings, `[ip] sources`, then `records`; mode 0600.
    pub fn write_config(&self, timeout: u64, sources: &[String], records: &str) {
        self.write_config_dual(timeout, sources, &[], records);
    }

    /// Like `write_config`, with `sources6` too when there are any.
    pub fn write_config_dual(
        &self,
        timeout: u64,
        sources: &[String],
        sources6: &[String],
        records: &str,
    ) {
        use std::os::unix::fs::PermissionsExt;
        let list = |urls: &[String]| {
            let quoted: Vec<String> = urls.iter().map(|s| format!("{s:?}")).collect();
            quoted.join(", ")
        };
        let sources6 = if sources6.is_empty() {
            String::new()
        } else {
            format!("sources6 = [{}]\n", list(sources6))
        };
        let text = format!(
            "timeout = {timeout}\nca_file = {:?}\nstate_file = {:?}\n\n[ip]\nsources = [{}]\n{sources6}\n{records}",
            self.ca_file,
            self.state,
            list(sources)
        );
        std::fs::write(&self.config, text).unwrap();
        std::fs::set_permissions(&self.config, std::fs::Permissions::from_mode(0o600)).unwrap();
    }

    /// The usual setup: one address source, one Namecheap record at `provider`.
    pub fn namecheap(&self, source: &MockServer, provider: &MockServer, password: &str) {
        self.write_config(
            3,
            &[format!("{}/ip", source.url())],
            &namecheap_record(&provider.url(), password),
        );
    }

    pub fn run(&self, extra: &[&str]) -> Output {
        let config = self.config.to_str().unwrap();
        Run::new()
            .args(["-c", config])
            .args(extra)
            .deadline_secs(60)
            .output()
    }

    pub fn state_text(&self) -> Option<String> {
        std::fs::read_to_string(&self.state).ok()
    }

    /// A `--dry-run -vv` pass, before anything was sent: it must exit 0, leave the state as it
    /// was and send nothing, so every server in `unasked` still has no request.
    #[track_caller]
    pub fn dry_run(&self, unasked: &[&MockServer]) -> Output {
        let state = self.state_text();
        let out = self.run(&["--dry-run", "-vv"]);
        expect_code(&out, 0);
        for server in unasked {
            assert_eq!(server.count(), 0, "a dry run sends nothing");
        }
        assert_eq!(self.state_text(), state, "a dry run writes no state");
        out
    }
}

pub fn namecheap_record(server: &str, password: &str) -> String {
    format!(
        "[[record]]\nprovider = \"namecheap\"\nhost = \"home\"\ndomain = \"example.com\"\npassword = {password:?}\nserver = {server:?}\n"
    )
}

/// Asserts an exit code, showing the run's output when it differs.
#[track_caller]
pub fn expect_code(out: &Output, code: i32) {
    assert_eq!(
        out.code, code,
        "stdout:\n{}\nstderr:\n{}",
        out.stdout, out.stderr
    );
}

/// Asserts that none of `secrets` shows in the runs' stdout or stderr, nor in `texts` (such as
/// the state file).
#[track_caller]
pub fn no_secret(runs: &[&Output], texts: &[&str], secrets: &[&str]) {
    let outputs = runs
        .iter()
        .flat_map(|r| [r.stdout.as_str(), r.stderr.as_str()]);
    for text in outputs.chain(texts.iter().copied()) {
        for secret in secrets {
            assert!(!text.contains(secret), "a secret shows in:\n{text}");
        }
    }
}

/// Asserts that a request carried `Authorization: Bearer <token>`.
#[track_caller]
pub fn expect_bearer(r: &Recorded, token: &str) {
    assert_eq!(
        r.header("authorization"),
        Some(format!("Bearer {token}").as_str())
    );
}

/// Now, in seconds since 1970 (the binary's clock).
pub fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// The number after `"name":` in a state file's JSON (its first occurrence).
pub fn state_number(state: &str, name: &str) -> u64 {
    let at = state.find(&format!("\"{name}\":")).unwrap() + name.len() + 3;
    let digits: String = state[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().unwrap()
}
