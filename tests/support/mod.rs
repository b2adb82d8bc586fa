//! Owns the integration-test support: loopback HTTP(S) mock servers with a per-test CA,
//! temporary directories, and bounded runs of the ddnsup binary.
//!
//! ```ignore
//! mod support;
//! use support::{MockServer, Reply, Run, TempDir, TestCa, script};
//!
//! let ca = TestCa::new();
//! let dir = TempDir::new("nochg");
//! let ca_file = ca.write_ca_pem(dir.path());
//! let server = MockServer::https(&ca, script(vec![Reply::ok("nochg 81.2.69.160")]));
//! let config = dir.write("ddnsup.conf", format!("ca_file = {:?}\n...", ca_file));
//! let out = Run::new().arg("--config").arg(&config).deadline_secs(30).output();
//! assert_eq!(out.code, 0, "{}", out.stderr);
//! assert_eq!(server.requests()[0].param("myip"), Some("81.2.69.160"));
//! ```
//!
//! Set `DDNSUP_TEST_BIN` (and `DDNSUP_TEST_RUNNER`, e.g. `qemu-mipsel-static -cpu 24Kc`) to
//! drive another build of ddnsup, such as a cross-compiled one, with the same tests.
//!
//! Every `tests/*.rs` file compiles this module on its own, so items one file leaves unused
//! must not warn (hence the `allow` below).
#![allow(dead_code, unused_imports)]

mod dns;
mod fs;
mod http;
mod netns;
mod run;
mod server;
mod tls;

use std::thread;
use std::time::{Duration, Instant};

pub use dns::*;
pub use fs::TempDir;
pub use http::{MAX_BODY, Recorded, Reply, parse_query, percent_decode};
pub use netns::*;
pub use run::{
    BIN_VAR, DEFAULT_DEADLINE, Output, RUNNER_VAR, Run, RunningChild, program_words, run,
};
pub use server::{MockServer, READ_TIMEOUT, StopReport, route, script};
pub use tls::TestCa;

/// Polls `condition` every 10 ms until it holds (`true`) or `timeout` passes (`false`).
pub fn wait_until(timeout: Duration, mut condition: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + timeout;
    loop {
        if condition() {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        thread::sleep(Duration::from_millis(10));
    }
}
