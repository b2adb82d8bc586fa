//! The router sources (`natpmp`, `pcp`, `upnp`) against a real miniupnpd (Debian's package,
//! nftables backend), run in three network namespaces: a LAN where ddnsup runs, the router
//! where miniupnpd serves the LAN and NATs to its WAN interface, and the WAN side beyond it.
//!
//! ```text
//!   lan: lan0 192.168.77.2/24 ── veth ── rlan 192.168.77.1/24 :router: rwan 81.2.69.160/24 ── veth ── wan0 81.2.69.1/24 :wan
//!        default via .1                  miniupnpd (UPnP :5000, NAT-PMP/PCP :5351)
//! ```
//!
//! Needs root, `ip`, `nft` and `/usr/sbin/miniupnpd`; without them each test passes after
//! printing why it skipped, unless `DDNSUP_TEST_REQUIRE_MINIUPNPD=1` (CI), where it fails.
mod harness;
mod support;

use harness::*;
use std::fs;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;
use support::{MockServer, NetNs, Output, Reply, is_root, script, wait_until};

const REQUIRE_VAR: &str = "DDNSUP_TEST_REQUIRE_MINIUPNPD";
const MINIUPNPD: &str = "/usr/sbin/miniupnpd";
const ROUTER_LAN: &str = "192.168.77.1";

/// The nftables table miniupnpd adds its rules to (it needs the chains to exist).
const NFT_TABLE: &str = "table inet miniupnpd {
  chain miniupnpd {
  }
  chain prerouting_miniupnpd {
  }
  chain postrouting_miniupnpd {
  }
  chain forward {
    type filter hook forward priority 0; policy accept;
    jump miniupnpd
  }
  chain prerouting {
    type nat hook prerouting priority -100; policy accept;
    jump prerouting_miniupnpd
  }
  chain postrouting {
    type nat hook postrouting priority 100; policy accept;
    jump postrouting_miniupnpd
  }
}
";

fn skip(why: &str) -> Option<Home> {
    let required = std::env::var(REQUIRE_VAR).is_ok_and(|v| v == "1");
    assert!(!required, "{REQUIRE_VAR}=1 but {why}");
    eprintln!("skipping: {why}");
    None
}

/// The three namespaces and the running miniupnpd (killed on drop, before the namespaces go).
struct Home {
    daemon: Option<Child>,
    lan: NetNs,
    router: NetNs,
    _wan: NetNs,
    env: Env,
    log: std::path::PathBuf,
}

impl Home {
    /// The home network with the router's WAN address `wan_cidr` and miniupnpd started.
    fn start(tag: &str, wan_cidr: &str) -> Option<Home> {
        if !Path::new(MINIUPNPD).exists() {
            return skip("no /usr/sbin/miniupnpd (Debian package miniupnpd)");
        }
        if Command::new("nft").arg("--version").output().is_err() {
            return skip("no nft (Debian package nftables)");
        }
        if !is_root() {
            return skip("needs root");
        }
        let lan = NetNs::create(&format!("{tag}-lan"))?;
        let router = NetNs::create(&format!("{tag}-rtr"))?;
        let wan = NetNs::create(&format!("{tag}-wan"))?;
        lan.veth_to("lan0", &router, "rlan");
        router.veth_to("rwan", &wan, "wan0");
        lan.add_addr("lan0", "192.168.77.2/24", &[]);
        lan.ip(&["route", "add", "default", "via", ROUTER_LAN]);
        router.add_addr("rlan", &format!("{ROUTER_LAN}/24"), &[]);
        router.add_addr("rwan", wan_cidr, &[]);
        wan.add_addr("wan0", "81.2.69.1/24", &[]);
        router.sysctl("net/ipv4/ip_forward", "1");

        let env = Env::new(tag);
        let nft = env.dir.write("miniupnpd.nft", NFT_TABLE);
        router.exec(&["nft", "-f", nft.to_str().unwrap()]);
        let conf = env.dir.write(
            "miniupnpd.conf",
            "ext_ifname=rwan\nlistening_ip=rlan\nhttp_port=5000\nenable_natpmp=yes\nenable_upnp=yes\n\
             secure_mode=yes\nsystem_uptime=yes\nuuid=3d3cec3a-8cf0-11e0-98ee-001a6bd2d07b\n\
             upnp_table_name=miniupnpd\nupnp_nat_table_name=miniupnpd\nupnp_forward_chain=miniupnpd\n\
             upnp_nat_chain=prerouting_miniupnpd\nupnp_nat_postrouting_chain=postrouting_miniupnpd\n\
             allow 1024-65535 192.168.77.0/24 1024-65535\ndeny 0-65535 0.0.0.0/0 0-65535\n",
        );
        let log = env.dir.join("miniupnpd.log");
        let pid = env.dir.join("miniupnpd.pid");
        let daemon = Command::new("ip")
            .args(["netns", "exec", router.name(), MINIUPNPD, "-d", "-f"])
            .arg(&conf)
            .arg("-P")
            .arg(&pid)
            .stdin(Stdio::null())
            .stdout(fs::File::create(&log).unwrap())
            .stderr(fs::File::create(&log).unwrap())
            .spawn()
            .expect("start miniupnpd");
        let home = Home {
            daemon: Some(daemon),
            lan,
            router,
            _wan: wan,
            env,
            log,
        };
        let ready = wait_until(Duration::from_secs(10), || {
            home.daemon_log()
                .contains("Listening for NAT-PMP/PCP traffic")
                && home.daemon_log().contains("HTTP listening on port 5000")
        });
        assert!(ready, "miniupnpd did not start:\n{}", home.daemon_log());
        Some(home)
    }

    fn daemon_log(&self) -> String {
        fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// A DuckDNS mock on the LAN namespace's loopback and a config asking `source`.
    fn config(&self, source: &str) -> MockServer {
        let ca = self.env.ca.clone();
        let provider = self
            .lan
            .run_inside(move || MockServer::https(&ca, script(vec![Reply::ok("OK")])));
        let text = format!(
            "timeout = 4\nca_file = {:?}\nstate_file = {:?}\n\n[ip]\nsources = [{source:?}]\n\n[[record]]\nprovider = \"duckdns\"\nserver = {:?}\ndomain = \"home\"\ntoken = \"t\"\nfamily = \"ipv4\"\n",
            self.env.ca_file,
            self.env.state,
            provider.url()
        );
        fs::write(&self.env.config, text).unwrap();
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&self.env.config, fs::Permissions::from_mode(0o600)).unwrap();
        provider
    }

    /// Runs ddnsup in the LAN namespace.
    fn run(&self, extra: &[&str]) -> Output {
        self.lan.run_ddnsup(&self.env.config, extra)
    }

    /// Moves the router's WAN to another address, as a provider's reconnect does.
    fn renumber(&self, from: &str, to: &str) {
        self.router.ip(&["addr", "del", from, "dev", "rwan"]);
        self.router.ip(&["addr", "add", to, "dev", "rwan"]);
    }

    /// The port-forwarding rules miniupnpd holds now.
    fn nat_rules(&self) -> String {
        self.router.exec(&[
            "nft",
            "list",
            "chain",
            "inet",
            "miniupnpd",
            "prerouting_miniupnpd",
        ])
    }
}

impl Drop for Home {
    fn drop(&mut self) {
        if let Some(mut child) = self.daemon.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
        // miniupnpd runs under `ip netns exec`, which execs it: the child is the daemon.
    }
}

/// One source learns the WAN address from miniupnpd, sends it once, sends nothing while it
/// stays, and follows a renumbered WAN.
fn learns_and_follows(tag: &str, source: &str) -> Option<Home> {
    let home = Home::start(tag, "81.2.69.160/24")?;
    let provider = home.config(source);
    let out = home.run(&["-v"]);
    expect_code(&out, 0);
    assert_eq!(provider.count(), 1, "{}", out.stderr);
    assert_eq!(provider.last().unwrap().param("ip"), Some("81.2.69.160"));

    expect_code(&home.run(&[]), 0);
    assert_eq!(provider.count(), 1, "unchanged: nothing sent");

    home.renumber("81.2.69.160/24", "81.2.69.161/24");
    let out = home.run(&[]);
    expect_code(&out, 0);
    assert_eq!(provider.count(), 2, "{}", out.stderr);
    assert_eq!(provider.last().unwrap().param("ip"), Some("81.2.69.161"));
    Some(home)
}

#[test]
fn natpmp_asks_the_default_gateway() {
    let Some(home) = learns_and_follows("mu-natpmp", "natpmp") else {
        return;
    };
    let log = home.daemon_log();
    assert_eq!(
        log.matches("NAT-PMP public address request").count(),
        3,
        "one request per run:\n{log}"
    );
}

#[test]
fn natpmp_at_a_named_router() {
    let _ = learns_and_follows("mu-natpmp-at", &format!("natpmp@{ROUTER_LAN}:5351"));
}

#[test]
fn pcp_maps_one_udp_port_and_deletes_it_at_once() {
    let Some(home) = learns_and_follows("mu-pcp", "pcp") else {
        return;
    };
    let log = home.daemon_log();
    let added: Vec<&str> = log
        .lines()
        .filter(|l| l.contains("PCP MAP: added mapping"))
        .collect();
    assert_eq!(added.len(), 3, "one mapping per run:\n{log}");
    for line in &added {
        // "PCP MAP: added mapping UDP 53773->192.168.77.2:53773 ..."
        let port = line
            .split("mapping UDP ")
            .nth(1)
            .and_then(|r| r.split("->").next())
            .and_then(|p| p.parse::<u16>().ok());
        assert!(
            matches!(port, Some(p) if p > 0),
            "a UDP mapping of one real port: {line}"
        );
    }
    assert_eq!(
        log.matches("mapping removed").count(),
        3,
        "each mapping deleted by its run:\n{log}"
    );
    let rules = home.nat_rules();
    assert!(
        !rules.contains("dnat") && !rules.contains("192.168.77.2"),
        "nothing stays open on the router:\n{rules}"
    );
}

#[test]
fn upnp_discovers_the_gateway_by_ssdp() {
    let Some(home) = learns_and_follows("mu-upnp", "upnp") else {
        return;
    };
    let log = home.daemon_log();
    assert!(log.contains("SSDP M-SEARCH from 192.168.77.2"), "{log}");
    assert!(log.contains("GetExternalIPAddress"), "{log}");
}

#[test]
fn upnp_at_a_given_description_skips_discovery() {
    let Some(home) = learns_and_follows(
        "mu-upnp-at",
        &format!("upnp@http://{ROUTER_LAN}:5000/rootDesc.xml"),
    ) else {
        return;
    };
    let log = home.daemon_log();
    assert!(!log.contains("SSDP M-SEARCH"), "no discovery:\n{log}");
}

/// A router whose own WAN holds a private address (double NAT): miniupnpd reports no usable
/// external address by any of the three protocols, and ddnsup sends nothing.
#[test]
fn a_router_behind_another_nat_gives_no_address() {
    let Some(home) = Home::start("mu-dnat", "10.0.0.2/24") else {
        return;
    };
    for source in ["natpmp", "pcp", "upnp"] {
        let provider = home.config(source);
        let out = home.run(&[]);
        assert_ne!(out.code, 0, "{source}: {}", out.stderr);
        assert_eq!(provider.count(), 0, "{source}: nothing sent");
        assert!(
            out.stderr
                .contains("could not find the public IPv4 address"),
            "{source}: {}",
            out.stderr
        );
    }
}
