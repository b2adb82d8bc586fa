//! Owns network-namespace fixtures (root only): a private namespace per test, its interfaces,
//! and IPv6 addresses in each kernel state (permanent, deprecated, temporary, tentative,
//! dad-failed).
//!
//! How each IPv6 flag of `/proc/net/if_inet6` is produced, as verified on Linux 6.18 (the
//! flags column as that file prints it, in hex):
//!
//! - permanent `0x80`: any `ip addr add`; with `nodad` also `0x02` -> `80` / `82`.
//! - deprecated `0x20`: `ip addr add … preferred_lft 0` -> `a2` (with `nodad`).
//! - temporary `0x01` (RFC 4941): `use_tempaddr=2` on the device, then `ip addr add <a /64>
//!   … mngtmpaddr`; the kernel adds a random-IID address in that /64 -> `01` (the base address
//!   stays, `82`). See [`NetNs::add_temporary_addr`].
//! - tentative `0x40`: DAD must run and last. The "dummy" is `NOARP`, and the kernel skips DAD
//!   on `NOARP` devices, so: `ip link set X arp on`, `accept_dad=1`, `dad_transmits=255` and
//!   `net.ipv6.neigh.X.retrans_time_ms=10000` keep an address tentative for about 40 minutes
//!   -> `c0`. See [`NetNs::add_tentative_addr`].
//! - dad-failed `0x08`: another node must answer the DAD probe. On a veth pair the peer takes
//!   the address (`nodad`), then it is added to our end with DAD on; a permanent address stays
//!   listed -> `c8` (tentative too). See [`NetNs::add_dadfailed_addr`].
//!
//! This kernel has no `dummy` driver (`CONFIG_DUMMY` unset), so [`NetNs::add_dummy`] falls
//! back to `ifb`, which behaves alike here: an Ethernet-type, `NOARP` device with carrier that
//! drops what it sends, so DAD is skipped (`accept_dad` reads -1) and addresses never go
//! tentative unless [`NetNs::add_tentative_addr`] turns DAD on.
//!
//! A namespace has its own loopback (brought up here): a server the test starts in the host
//! namespace is not reachable from a program run inside, but one started through
//! [`NetNs::run_inside`] is.

use super::run::{BIN_VAR, Output, RUNNER_VAR, Run, program_words};
use std::fs::{self, File};
use std::net::Ipv6Addr;
use std::os::fd::AsRawFd;
use std::process::{self, Command};
use std::sync::atomic::{AtomicU32, Ordering};
use std::thread;
use std::time::{Duration, Instant};

/// Set to `1` to make [`NetNs::create`] panic instead of skipping (e.g. on a CI runner that is
/// expected to run these tests).
pub const REQUIRE_NETNS_VAR: &str = "DDNSUP_TEST_REQUIRE_NETNS";

/// `IFA_F_TEMPORARY`, as in the flags column of `/proc/net/if_inet6`.
pub const IFA_F_TEMPORARY: u8 = 0x01;
/// `IFA_F_NODAD`.
pub const IFA_F_NODAD: u8 = 0x02;
/// `IFA_F_DADFAILED`.
pub const IFA_F_DADFAILED: u8 = 0x08;
/// `IFA_F_DEPRECATED`.
pub const IFA_F_DEPRECATED: u8 = 0x20;
/// `IFA_F_TENTATIVE`.
pub const IFA_F_TENTATIVE: u8 = 0x40;
/// `IFA_F_PERMANENT`.
pub const IFA_F_PERMANENT: u8 = 0x80;

/// Where `ip netns` keeps the namespaces it names.
const NETNS_DIR: &str = "/var/run/netns";
/// Prefix of every namespace made here: `ddnsup-<pid>-<n>-<tag>`.
const PREFIX: &str = "ddnsup-";
/// How long to wait for the kernel to add or flag an address.
const SETTLE: Duration = Duration::from_secs(10);

static NEXT: AtomicU32 = AtomicU32::new(0);

/// A network namespace created for one test (`ip netns add ddnsup-<unique>`), deleted on drop.
#[derive(Debug)]
pub struct NetNs {
    name: String,
}

impl NetNs {
    /// A fresh namespace with its loopback up, or `None` (with a printed reason on stderr:
    /// "skipping: needs root" / "skipping: ip netns unavailable: ...") when the test cannot
    /// create namespaces. With `DDNSUP_TEST_REQUIRE_NETNS=1` it panics instead of skipping.
    pub fn create(tag: &str) -> Option<NetNs> {
        if !is_root() {
            return skip("needs root".to_string());
        }
        remove_stale();
        let tag: String = tag
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
            .take(24)
            .collect();
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let name = format!("{PREFIX}{}-{n}-{tag}", process::id());
        match Command::new("ip").args(["netns", "add", &name]).output() {
            Err(e) => return skip(format!("ip netns unavailable: {e}")),
            Ok(out) if !out.status.success() => {
                let why = String::from_utf8_lossy(&out.stderr).trim().to_string();
                return skip(format!("ip netns unavailable: {why}"));
            }
            Ok(_) => {}
        }
        let ns = NetNs { name };
        ns.ip(&["link", "set", "lo", "up"]);
        Some(ns)
    }

    /// The namespace's name, as `ip netns` knows it.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Runs `ip -n <ns> <args>` (panics with the command's stderr on failure), e.g.
    /// `ns.ip(&["link", "add", "wan0", "type", "dummy"])`.
    pub fn ip(&self, args: &[&str]) {
        let mut argv = vec!["ip", "-n", &self.name];
        argv.extend_from_slice(args);
        run(&argv);
    }

    /// Runs a program inside the namespace (`ip netns exec <ns> <argv>`) and returns its
    /// standard output; panics with its stderr on failure.
    pub fn exec(&self, argv: &[&str]) -> String {
        let mut full = vec!["ip", "netns", "exec", &self.name];
        full.extend_from_slice(argv);
        run(&full)
    }

    /// The command prefix to run a program inside the namespace: `["ip","netns","exec",name]`.
    pub fn exec_prefix(&self) -> Vec<String> {
        ["ip", "netns", "exec", &self.name]
            .iter()
            .map(|s| s.to_string())
            .collect()
    }

    /// Convenience: a dummy interface, up. Where the kernel has no `dummy` driver it is an `ifb`
    /// device instead (see the module docs; both are `NOARP`, so no DAD).
    pub fn add_dummy(&self, name: &str) {
        let dummy = self.try_ip(&["link", "add", name, "type", "dummy"]);
        if let Err(dummy_err) = dummy
            && let Err(ifb_err) = self.try_ip(&["link", "add", name, "type", "ifb"])
        {
            panic!(
                "{}: cannot add {name}: {dummy_err}; as ifb: {ifb_err}",
                self.name
            );
        }
        self.ip(&["link", "set", name, "up"]);
    }

    /// A veth pair `name`–`peer` inside the namespace, both ends up (so it has carrier, and
    /// DAD runs on it).
    pub fn add_veth(&self, name: &str, peer: &str) {
        self.ip(&["link", "add", name, "type", "veth", "peer", "name", peer]);
        self.ip(&["link", "set", peer, "up"]);
        self.ip(&["link", "set", name, "up"]);
    }

    /// A veth pair with `name` here and `peer` in `other`, both ends up.
    pub fn veth_to(&self, name: &str, other: &NetNs, peer: &str) {
        self.ip(&[
            "link",
            "add",
            name,
            "type",
            "veth",
            "peer",
            "name",
            peer,
            "netns",
            &other.name,
        ]);
        self.ip(&["link", "set", name, "up"]);
        other.ip(&["link", "set", peer, "up"]);
    }

    /// Runs the ddnsup under test inside the namespace with `-c config` and `extra`
    /// (`DDNSUP_TEST_BIN`/`DDNSUP_TEST_RUNNER` honoured), bounded to 60 s.
    pub fn run_ddnsup(&self, config: &std::path::Path, extra: &[&str]) -> Output {
        let words = program_words(
            None,
            std::env::var_os(BIN_VAR),
            std::env::var(RUNNER_VAR).ok(),
        );
        Run::new()
            .program("ip")
            .args(["netns", "exec", &self.name])
            .args(words)
            .arg("-c")
            .arg(config)
            .args(extra)
            .deadline_secs(60)
            .output()
    }

    /// `ip -n ns addr add <cidr> dev <dev> [extra...]`, e.g. extra = `["nodad"]`, or
    /// `["nodad", "preferred_lft", "0"]` for a deprecated address. For temporary, tentative and
    /// dad-failed addresses use the `add_*_addr` helpers below.
    pub fn add_addr(&self, dev: &str, cidr: &str, extra: &[&str]) {
        let mut args = vec!["addr", "add", cidr, "dev", dev];
        args.extend_from_slice(extra);
        self.ip(&args);
    }

    /// Sets `net.ipv6.conf.<dev>.<key>` inside the namespace (`dev` may contain dots).
    pub fn set_ipv6_conf(&self, dev: &str, key: &str, value: &str) {
        self.sysctl(&format!("net/ipv6/conf/{dev}/{key}"), value);
    }

    /// Sets a sysctl inside the namespace; `key` in the slash form (`net/ipv6/conf/eth0.2/…`)
    /// keeps dots in interface names intact.
    pub fn sysctl(&self, key: &str, value: &str) {
        self.exec(&["sysctl", "-q", "-w", &format!("{key}={value}")]);
    }

    /// Makes the kernel create an RFC 4941 temporary address on `dev`: turns `use_tempaddr`
    /// to 2, adds `cidr` (which must be a /64) with `mngtmpaddr nodad`, and returns the
    /// temporary address the kernel derived from it. `cidr` itself stays, permanent.
    /// Add temporaries before [`NetNs::add_tentative_addr`] on the same device, or they go
    /// tentative as well.
    pub fn add_temporary_addr(&self, dev: &str, cidr: &str) -> Ipv6Addr {
        let base = cidr_addr(cidr);
        assert!(
            cidr.ends_with("/64"),
            "a temporary address needs a /64: {cidr}"
        );
        self.set_ipv6_conf(dev, "use_tempaddr", "2");
        self.add_addr(dev, cidr, &["mngtmpaddr", "nodad"]);
        let same_64 = |a: &Ipv6Addr| a.segments()[..4] == base.segments()[..4];
        self.wait_for(&format!("a temporary address in {cidr} on {dev}"), || {
            self.ipv6_flags(dev)
                .into_iter()
                .find(|(a, f)| f & IFA_F_TEMPORARY != 0 && same_64(a))
                .map(|(a, _)| a)
        })
    }

    /// Adds `cidr` to `dev` as a tentative address that stays so for about 40 minutes (longer
    /// than any test): turns ARP on for `dev` (DAD is skipped on `NOARP` devices) and DAD on
    /// with 255 probes 10 s apart. Addresses added to `dev` afterwards without `nodad` are
    /// tentative too.
    pub fn add_tentative_addr(&self, dev: &str, cidr: &str) {
        self.ip(&["link", "set", "dev", dev, "arp", "on"]);
        self.set_ipv6_conf(dev, "accept_dad", "1");
        // The kernel keeps the probe count in 8 bits: 255 is the most.
        self.set_ipv6_conf(dev, "dad_transmits", "255");
        self.sysctl(&format!("net/ipv6/neigh/{dev}/retrans_time_ms"), "10000");
        self.add_addr(dev, cidr, &[]);
        self.wait_for_flags(dev, cidr_addr(cidr), IFA_F_TENTATIVE);
    }

    /// Adds `cidr` to `dev` so that duplicate address detection fails: `dev` and `peer` must be
    /// the two ends of a veth pair in this namespace (see [`NetNs::add_veth`]). The peer takes
    /// the address first, then `dev` probes for it and hears the peer answer. Takes up to ~2 s.
    pub fn add_dadfailed_addr(&self, dev: &str, peer: &str, cidr: &str) {
        self.add_addr(peer, cidr, &["nodad"]);
        self.set_ipv6_conf(dev, "accept_dad", "1");
        self.set_ipv6_conf(dev, "dad_transmits", "1");
        self.add_addr(dev, cidr, &[]);
        self.wait_for_flags(dev, cidr_addr(cidr), IFA_F_DADFAILED);
    }

    /// The IPv6 addresses of `dev` with their flags, as `/proc/net/if_inet6` inside the
    /// namespace lists them (in its order).
    pub fn ipv6_flags(&self, dev: &str) -> Vec<(Ipv6Addr, u8)> {
        self.exec(&["cat", "/proc/net/if_inet6"])
            .lines()
            .filter_map(|line| {
                let fields: Vec<&str> = line.split_whitespace().collect();
                let [addr, _, _, _, flags, name] = fields[..] else {
                    return None;
                };
                let addr = u128::from_str_radix(addr, 16).ok()?;
                let flags = u32::from_str_radix(flags, 16).ok()?;
                (name == dev).then_some((Ipv6Addr::from(addr), (flags & 0xff) as u8))
            })
            .collect()
    }

    /// Waits until `addr` on `dev` has every flag of `mask`; returns its flags. Panics after
    /// 10 s.
    pub fn wait_for_flags(&self, dev: &str, addr: Ipv6Addr, mask: u8) -> u8 {
        self.wait_for(&format!("{addr} on {dev} with flags {mask:#04x}"), || {
            self.ipv6_flags(dev)
                .into_iter()
                .find(|&(a, f)| a == addr && f & mask == mask)
                .map(|(_, f)| f)
        })
    }

    /// Runs `f` on a new thread that has joined the namespace, and returns its result. Sockets
    /// made there (and threads spawned from there) belong to the namespace, so e.g. a mock
    /// server started inside `f` is reachable from a program run with [`NetNs::exec_prefix`].
    /// A panic in `f` is passed on.
    pub fn run_inside<T, F>(&self, f: F) -> T
    where
        T: Send + 'static,
        F: FnOnce() -> T + Send + 'static,
    {
        let path = format!("{NETNS_DIR}/{}", self.name);
        let file = File::open(&path).unwrap_or_else(|e| panic!("open {path}: {e}"));
        let joined = thread::spawn(move || {
            // SAFETY: `file` is an open network-namespace file that outlives the call; setns
            // only moves this thread, which ends after `f`.
            let rc = unsafe { libc::setns(file.as_raw_fd(), libc::CLONE_NEWNET) };
            assert_eq!(rc, 0, "setns {path}: {}", std::io::Error::last_os_error());
            drop(file);
            f()
        })
        .join();
        joined.unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    }

    fn try_ip(&self, args: &[&str]) -> Result<String, String> {
        let mut argv = vec!["ip", "-n", &self.name];
        argv.extend_from_slice(args);
        try_run(&argv)
    }

    fn wait_for<T>(&self, what: &str, mut probe: impl FnMut() -> Option<T>) -> T {
        let deadline = Instant::now() + SETTLE;
        loop {
            if let Some(found) = probe() {
                return found;
            }
            if Instant::now() >= deadline {
                let text = self.exec(&["cat", "/proc/net/if_inet6"]);
                panic!("{}: no {what} after {SETTLE:?}:\n{text}", self.name);
            }
            thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for NetNs {
    fn drop(&mut self) {
        if let Err(e) = try_run(&["ip", "netns", "del", &self.name]) {
            eprintln!("warning: could not delete namespace {}: {e}", self.name);
        }
    }
}

/// The address part of `cidr` (`2a01:4f8::5/64` -> `2a01:4f8::5`).
fn cidr_addr(cidr: &str) -> Ipv6Addr {
    let addr = cidr.split('/').next().unwrap_or(cidr);
    addr.parse()
        .unwrap_or_else(|e| panic!("not an IPv6 cidr: {cidr}: {e}"))
}

fn skip(why: String) -> Option<NetNs> {
    let required = std::env::var(REQUIRE_NETNS_VAR).is_ok_and(|v| v == "1");
    assert!(!required, "{REQUIRE_NETNS_VAR}=1 but {why}");
    eprintln!("skipping: {why}");
    None
}

/// Whether the effective user is root (from `/proc/self/status`, no libc call needed).
pub fn is_root() -> bool {
    let Ok(status) = fs::read_to_string("/proc/self/status") else {
        return false;
    };
    status
        .lines()
        .find_map(|line| line.strip_prefix("Uid:"))
        .and_then(|ids| ids.split_whitespace().nth(1))
        == Some("0")
}

/// Deletes namespaces left by test processes that died without dropping them (killed, or
/// `panic = "abort"`), recognised by the dead pid in their name.
fn remove_stale() {
    let Ok(dir) = fs::read_dir(NETNS_DIR) else {
        return;
    };
    for entry in dir.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(pid) = name
            .strip_prefix(PREFIX)
            .and_then(|rest| rest.split('-').next())
            .and_then(|pid| pid.parse::<u32>().ok())
        else {
            continue;
        };
        if pid != process::id() && !fs::exists(format!("/proc/{pid}")).unwrap_or(true) {
            let _ = try_run(&["ip", "netns", "del", &name]);
        }
    }
}

fn run(argv: &[&str]) -> String {
    try_run(argv).unwrap_or_else(|e| panic!("{e}"))
}

fn try_run(argv: &[&str]) -> Result<String, String> {
    let shown = argv.join(" ");
    let out = Command::new(argv[0])
        .args(&argv[1..])
        .output()
        .map_err(|e| format!("{shown}: {e}"))?;
    if !out.status.success() {
        let stderr = String::from_utf8_lossy(&out.stderr);
        return Err(format!("{shown}: {}: {}", out.status, stderr.trim()));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}
