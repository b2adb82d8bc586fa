//! Checks the network-namespace fixtures: each IPv6 flag really appears in the namespace's
//! `/proc/net/if_inet6`, nothing leaks to the host, and the namespace goes away on drop.
//! Every test passes with a printed reason when it cannot create namespaces (not root).

#[allow(dead_code)]
#[path = "support/netns.rs"]
mod netns;
// netns.rs runs the binary through run.rs (`NetNs::run_ddnsup`).
#[allow(dead_code)]
#[path = "support/run.rs"]
mod run;

use netns::{
    IFA_F_DADFAILED, IFA_F_DEPRECATED, IFA_F_NODAD, IFA_F_PERMANENT, IFA_F_TEMPORARY,
    IFA_F_TENTATIVE, NetNs,
};
use std::io::{Read, Write};
use std::net::{Ipv6Addr, TcpListener, TcpStream};
use std::path::Path;
use std::process::Command;

fn ip(s: &str) -> Ipv6Addr {
    s.parse().unwrap()
}

fn flags_of(list: &[(Ipv6Addr, u8)], addr: Ipv6Addr) -> u8 {
    list.iter()
        .find(|(a, _)| *a == addr)
        .map(|(_, f)| *f)
        .unwrap_or_else(|| panic!("{addr} missing from {list:x?}"))
}

#[test]
fn wan_interface_holds_every_kind_of_address() {
    let Some(ns) = NetNs::create("flags") else {
        return;
    };
    ns.add_dummy("wan0");
    ns.add_addr("wan0", "81.2.69.160/24", &[]);
    ns.add_addr("wan0", "192.168.1.2/24", &[]);
    ns.add_addr("wan0", "2a01:4f8:10:20::5/64", &["nodad"]);
    ns.add_addr("wan0", "fd00::1/64", &["nodad"]);
    ns.add_addr(
        "wan0",
        "2a01:4f8:10:21::6/64",
        &["nodad", "preferred_lft", "0"],
    );
    let temporary = ns.add_temporary_addr("wan0", "2a01:4f8:10:23::8/64");
    ns.add_tentative_addr("wan0", "2a01:4f8:10:24::9/64");

    let v4 = ns.exec(&["ip", "-4", "-o", "addr", "show", "dev", "wan0"]);
    assert!(v4.contains("inet 81.2.69.160/24"), "{v4}");
    assert!(v4.contains("inet 192.168.1.2/24"), "{v4}");

    let list = ns.ipv6_flags("wan0");
    let permanent = IFA_F_PERMANENT | IFA_F_NODAD;
    assert_eq!(flags_of(&list, ip("2a01:4f8:10:20::5")), permanent);
    assert_eq!(flags_of(&list, ip("fd00::1")), permanent);
    assert_eq!(
        flags_of(&list, ip("2a01:4f8:10:21::6")),
        permanent | IFA_F_DEPRECATED
    );
    assert_eq!(flags_of(&list, ip("2a01:4f8:10:23::8")), permanent);
    assert_eq!(flags_of(&list, temporary), IFA_F_TEMPORARY);
    assert_ne!(temporary, ip("2a01:4f8:10:23::8"));
    assert_eq!(temporary.segments()[..4], [0x2a01, 0x4f8, 0x10, 0x23]);
    assert_eq!(
        flags_of(&list, ip("2a01:4f8:10:24::9")),
        IFA_F_PERMANENT | IFA_F_TENTATIVE
    );
    // The kernel's own link-local address: permanent, not tentative (no DAD on the dummy).
    let link_local: Vec<_> = list
        .iter()
        .filter(|(a, _)| a.segments()[0] == 0xfe80)
        .collect();
    assert_eq!(link_local.len(), 1, "{list:x?}");
    assert_eq!(link_local[0].1, IFA_F_PERMANENT);
    assert_eq!(list.len(), 7, "{list:x?}");

    // Nothing of it is visible outside the namespace.
    let host = std::fs::read_to_string("/proc/net/if_inet6").unwrap_or_default();
    assert!(!host.contains("2a0104f8001000200000000000000005"), "{host}");
}

#[test]
fn dad_fails_on_a_veth_whose_peer_holds_the_address() {
    let Some(ns) = NetNs::create("dadfailed") else {
        return;
    };
    ns.add_veth("wan1", "wan1peer");
    ns.add_dadfailed_addr("wan1", "wan1peer", "2a01:4f8:10:25::a/64");
    let flags = flags_of(&ns.ipv6_flags("wan1"), ip("2a01:4f8:10:25::a"));
    assert_eq!(flags, IFA_F_PERMANENT | IFA_F_TENTATIVE | IFA_F_DADFAILED);
    let peer = flags_of(&ns.ipv6_flags("wan1peer"), ip("2a01:4f8:10:25::a"));
    assert_eq!(peer, IFA_F_PERMANENT | IFA_F_NODAD);
}

#[test]
fn exec_prefix_runs_a_program_inside() {
    let Some(ns) = NetNs::create("exec") else {
        return;
    };
    ns.add_dummy("eth0.2");
    ns.add_addr("eth0.2", "2a01:4f8:10:20::5/64", &["nodad"]);
    ns.set_ipv6_conf("eth0.2", "use_tempaddr", "2");
    let prefix = ns.exec_prefix();
    assert_eq!(prefix, ["ip", "netns", "exec", ns.name()]);
    let out = Command::new(&prefix[0])
        .args(&prefix[1..])
        .args([
            "cat",
            "/proc/net/if_inet6",
            "/proc/sys/net/ipv6/conf/eth0.2/use_tempaddr",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.lines()
            .any(|l| l.starts_with("2a0104f8001000200000000000000005 ") && l.ends_with(" eth0.2")),
        "{text}"
    );
    assert_eq!(text.lines().last(), Some("2"), "{text}");
}

#[test]
fn run_inside_makes_sockets_in_the_namespace() {
    let Some(ns) = NetNs::create("inside") else {
        return;
    };
    ns.add_dummy("wan0");
    ns.add_addr("wan0", "81.2.69.160/24", &[]);
    // Binding (never connecting) shows which namespace a socket is in: only the namespace
    // has this address.
    let bound = ns.run_inside(|| TcpListener::bind("81.2.69.160:0").map(|_| ()));
    assert!(bound.is_ok(), "{bound:?}");
    let nonlocal = std::fs::read_to_string("/proc/sys/net/ipv4/ip_nonlocal_bind");
    if nonlocal.is_ok_and(|v| v.trim() == "0") {
        assert!(TcpListener::bind("81.2.69.160:0").is_err());
    }

    // A server started inside answers a client inside, over the namespace's loopback.
    let listener = ns.run_inside(|| TcpListener::bind("127.0.0.1:0").unwrap());
    let port = listener.local_addr().unwrap().port();
    let server = std::thread::spawn(move || {
        let (mut conn, _) = listener.accept().unwrap();
        conn.write_all(b"hello from inside").unwrap();
    });
    let reply = ns.run_inside(move || {
        let mut text = String::new();
        let mut conn = TcpStream::connect(("127.0.0.1", port)).unwrap();
        conn.read_to_string(&mut text).unwrap();
        text
    });
    server.join().unwrap();
    assert_eq!(reply, "hello from inside");
}

#[test]
fn panics_inside_are_passed_on() {
    let Some(ns) = NetNs::create("panic") else {
        return;
    };
    let caught = std::panic::catch_unwind(|| ns.run_inside(|| panic!("boom")));
    assert!(caught.is_err());
}

#[test]
fn namespace_is_deleted_on_drop() {
    let Some(ns) = NetNs::create("drop me!") else {
        return;
    };
    let name = ns.name().to_string();
    assert!(name.starts_with("ddnsup-"), "{name}");
    assert!(name.ends_with("-dropme"), "{name}");
    let path = Path::new("/var/run/netns").join(&name);
    assert!(path.exists());
    drop(ns);
    assert!(!path.exists());
}
