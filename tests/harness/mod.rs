//! Shared fixtures for the integration tests: a temp config/state per test and provider replies.
#![allow(dead_code)]

use crate::support::{MockServer, Output, Reply, Run, TempDir, TestCa, script};
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
        use std::os::unix::fs::PermissionsExt;
        let sources: Vec<String> = sources.iter().map(|s| format!("{s:?}")).collect();
        let text = format!(
            "timeout = {timeout}\nca_file = {:?}\nstate_file = {:?}\n\n[ip]\nsources = [{}]\n\n{records}",
            self.ca_file,
            self.state,
            sources.join(", ")
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
