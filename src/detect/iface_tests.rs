//! Interface tests: if_inet6 parsing, choosing one global IPv6 address, this machine's interfaces.
use super::*;

/// This machine's `/proc/net/if_inet6` (kernel 6.18), plus lines made by `ip` in a test
/// namespace: deprecated (a2), temporary (01), tentative (c0), dad-failed (c8).
const REAL: &str = "\
00000000000000000000000000000001 01 80 10 80       lo
fd000000000000000000000000000002 04 40 00 82     eth0
fe8000000000000000fc00fffe000001 04 40 20 80     eth0
2a0104f8001000210000000000000006 02 40 00 a2     wan0
2a0104f8001000200000000000000005 02 40 00 82     wan0
2a0104f800100023e179f9fa5c107fd3 02 40 00 01     wan0
2a0104f8001000240000000000000009 02 40 00 c0     wan0
2a0104f800100025000000000000000a 04 40 00 c8      vx0
";

fn ip(s: &str) -> Ipv6Addr {
    s.parse().unwrap()
}

fn entry(addr: &str, flags: u8) -> V6Entry {
    V6Entry {
        addr: ip(addr),
        ifindex: 2,
        prefix_len: 64,
        scope: 0,
        flags,
        ifname: "wan".to_string(),
    }
}

fn choose(entries: &[V6Entry]) -> Result<Ipv6Addr, String> {
    choose_v6(entries, "wan")
}

#[test]
fn parses_real_text() {
    let entries = parse_if_inet6(REAL);
    assert_eq!(entries.len(), 8);
    assert_eq!(
        entries[0],
        V6Entry {
            addr: Ipv6Addr::LOCALHOST,
            ifindex: 1,
            prefix_len: 128,
            scope: 0x10,
            flags: 0x80,
            ifname: "lo".to_string(),
        }
    );
    assert_eq!(
        entries[2],
        V6Entry {
            addr: ip("fe80::fc:ff:fe00:1"),
            ifindex: 4,
            prefix_len: 64,
            scope: 0x20,
            flags: 0x80,
            ifname: "eth0".to_string(),
        }
    );
    assert_eq!(entries[3].addr, ip("2a01:4f8:10:21::6"));
    assert_eq!(entries[3].flags, IFA_F_PERMANENT | IFA_F_DEPRECATED | 0x02);
    assert_eq!(entries[5].addr, ip("2a01:4f8:10:23:e179:f9fa:5c10:7fd3"));
    assert_eq!(entries[5].flags, IFA_F_TEMPORARY);
    assert_eq!(entries[6].flags, IFA_F_PERMANENT | IFA_F_TENTATIVE);
    assert_eq!(
        entries[7].flags,
        IFA_F_PERMANENT | IFA_F_TENTATIVE | IFA_F_DADFAILED
    );
    assert_eq!(entries[7].ifname, "vx0");
    let names: Vec<&str> = entries.iter().map(|e| e.ifname.as_str()).collect();
    assert_eq!(
        names,
        ["lo", "eth0", "eth0", "wan0", "wan0", "wan0", "wan0", "vx0"]
    );
}

#[test]
fn parses_unusual_but_valid_lines() {
    let text = "2a0104f8001000200000000000000005 1a2 40 00 182 eth0.2\n\
                    \t2A0104F8001000200000000000000006\t3\t80\t0\t80\tpppoe-wan  \r\n";
    let entries = parse_if_inet6(text);
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[0].ifindex, 0x1a2);
    assert_eq!(entries[0].flags, 0x82, "only the low 8 bits of the flags");
    assert_eq!(entries[0].ifname, "eth0.2");
    assert_eq!(entries[1].addr, ip("2a01:4f8:10:20::6"));
    assert_eq!(entries[1].prefix_len, 128);
    assert_eq!(entries[1].ifname, "pppoe-wan");
}

#[test]
fn skips_malformed_lines() {
    let good = "2a0104f8001000200000000000000005 02 40 00 80 wan0";
    let text = [
        "",
        "   ",
        "garbage",
        "2a0104f800100020000000000000005 02 40 00 80 wan0",
        "2a0104f80010002000000000000000051 02 40 00 80 wan0",
        "2a0104f800100020000000000000000g 02 40 00 80 wan0",
        "+a0104f8001000200000000000000005 02 40 00 80 wan0",
        "2a01:4f8:10:20::5 02 40 00 80 wan0",
        "2a0104f8001000200000000000000005 02 40 00 80",
        "2a0104f8001000200000000000000005 02 40 00 80 wan0 extra",
        "2a0104f8001000200000000000000005 zz 40 00 80 wan0",
        "2a0104f8001000200000000000000005 -2 40 00 80 wan0",
        "2a0104f8001000200000000000000005 02 81 00 80 wan0",
        "2a0104f8001000200000000000000005 02 140 00 80 wan0",
        "2a0104f8001000200000000000000005 02 40 100 80 wan0",
        "2a0104f8001000200000000000000005 02 40 00 0x80 wan0",
        "2a0104f8001000200000000000000005 1ffffffff 40 00 80 wan0",
        good,
    ]
    .join("\n");
    let entries = parse_if_inet6(&text);
    assert_eq!(entries.len(), 1, "{entries:?}");
    assert_eq!(entries[0].addr, ip("2a01:4f8:10:20::5"));
    assert!(parse_if_inet6("").is_empty());
}

#[test]
fn excludes_every_kind_of_non_global_address() {
    for (addr, kind) in [
        ("::", "unspecified"),
        ("::1", "loopback"),
        ("::ffff:81.2.69.160", "IPv4-mapped"),
        ("fd00::1", "ULA"),
        ("fc00::1", "ULA"),
        ("fe80::1", "link-local"),
        ("febf::1", "link-local"),
        ("fec0::1", "site-local"),
        ("ff02::1", "multicast"),
        ("2001:db8::1", "documentation"),
        ("3fff::1", "documentation"),
        ("2001:2::1", "benchmarking"),
        ("2001::1", "Teredo"),
        ("::81.2.69.160", "not-global"),
        ("64:ff9b::5102:45a0", "not-global"),
        ("4000::1", "not-global"),
    ] {
        let err = choose(&[entry(addr, IFA_F_PERMANENT)]).unwrap_err();
        let shown: Ipv6Addr = ip(addr);
        assert_eq!(
            err,
            format!("wan: no global IPv6 address (only: {shown} {kind})"),
            "{addr}"
        );
    }
}

#[test]
fn excludes_every_unusable_flag() {
    for (flags, why) in [
        (IFA_F_TEMPORARY, "temporary"),
        (IFA_F_DADFAILED, "dad-failed"),
        (
            IFA_F_DADFAILED | IFA_F_TENTATIVE | IFA_F_PERMANENT,
            "dad-failed",
        ),
        (IFA_F_DEPRECATED, "deprecated"),
        (IFA_F_DEPRECATED | IFA_F_PERMANENT | 0x02, "deprecated"),
        (IFA_F_TENTATIVE, "tentative"),
        (IFA_F_TENTATIVE | IFA_F_PERMANENT, "tentative"),
        (IFA_F_TEMPORARY | IFA_F_DEPRECATED, "deprecated temporary"),
    ] {
        let err = choose(&[entry("2a01:4f8:10:20::5", flags)]).unwrap_err();
        assert_eq!(
            err,
            format!("wan: no global IPv6 address (only: 2a01:4f8:10:20::5 {why})"),
            "{flags:#04x}"
        );
    }
}

#[test]
fn accepts_global_addresses_with_harmless_flags() {
    for (addr, flags) in [
        ("2a01:4f8:10:20::5", 0x00),
        ("2a01:4f8:10:20::5", IFA_F_PERMANENT),
        ("2a01:4f8:10:20::5", IFA_F_PERMANENT | 0x02),
        ("2a01:4f8:10:20::5", 0x04),
        ("2a01:4f8:10:20::5", 0x10),
        ("2002:5102:45a0::1", 0x00),
        ("2001:4860::1", 0x00),
        ("3ffe::1", 0x00),
        ("3fff:1000::1", 0x00),
    ] {
        assert_eq!(
            choose(&[entry(addr, flags)]),
            Ok(ip(addr)),
            "{addr} {flags}"
        );
    }
}

#[test]
fn candidates_agree_with_the_crate_wide_public_check() {
    for addr in [
        "::",
        "::1",
        "::ffff:1.2.3.4",
        "fd00::1",
        "fe80::1",
        "fec0::1",
        "ff02::1",
        "2001:db8::1",
        "3fff::1",
        "2001:2::1",
        "2001::1",
        "4000::1",
        "::1.2.3.4",
        "2a01:4f8::1",
        "2002::1",
        "2001:4860::1",
        "3ffe::1",
    ] {
        let addr = ip(addr);
        assert_eq!(
            non_global_kind(addr).is_none(),
            super::super::why_not_public_v6(addr).is_none(),
            "{addr}"
        );
    }
}

#[test]
fn prefers_permanent_then_lowest_address() {
    let permanent_high = entry("2a01:4f8:10:20::ff", IFA_F_PERMANENT);
    let permanent_low = entry("2a01:4f8:10:20::10", IFA_F_PERMANENT | 0x02);
    let slaac_lowest = entry("2a01:4f8:10:20::1", 0x00);
    let slaac_other = entry("2a01:4f8:10:20::2", 0x00);
    let excluded_lower = [
        entry("2000::1", IFA_F_TEMPORARY),
        entry("2000::2", IFA_F_PERMANENT | IFA_F_DEPRECATED),
        entry("2000::3", IFA_F_PERMANENT | IFA_F_TENTATIVE),
        entry("2000::4", IFA_F_PERMANENT | IFA_F_DADFAILED),
        entry("2001:db8::1", IFA_F_PERMANENT),
        entry("fd00::1", IFA_F_PERMANENT),
        entry("fe80::1", IFA_F_PERMANENT),
    ];

    let mut all = excluded_lower.to_vec();
    all.extend([
        permanent_high.clone(),
        slaac_lowest.clone(),
        permanent_low.clone(),
        slaac_other.clone(),
    ]);
    assert_eq!(choose(&all), Ok(permanent_low.addr));

    let mut no_low = excluded_lower.to_vec();
    no_low.extend([
        slaac_lowest.clone(),
        permanent_high.clone(),
        slaac_other.clone(),
    ]);
    assert_eq!(choose(&no_low), Ok(permanent_high.addr));

    let mut slaac_only = excluded_lower.to_vec();
    slaac_only.extend([slaac_other.clone(), slaac_lowest.clone()]);
    assert_eq!(choose(&slaac_only), Ok(slaac_lowest.addr));
}

#[test]
fn entry_order_never_changes_the_choice() {
    let entries = [
        entry("2a01:4f8:10:20::9", 0x00),
        entry("2a01:4f8:10:20::3", IFA_F_PERMANENT),
        entry("2a01:4f8:10:20::1", IFA_F_TEMPORARY),
        entry("2a01:4f8:10:21::2", IFA_F_PERMANENT | 0x02),
        entry("2a01:4f8:10:20::2", 0x00),
        entry("fd00::1", IFA_F_PERMANENT),
    ];
    let expected = ip("2a01:4f8:10:20::3");
    // Every rotation, each also reversed.
    for start in 0..entries.len() {
        let mut order = entries.to_vec();
        order.rotate_left(start);
        assert_eq!(choose(&order), Ok(expected), "{order:?}");
        order.reverse();
        assert_eq!(choose(&order), Ok(expected), "{order:?}");
    }
}

#[test]
fn only_looks_at_the_named_interface() {
    let mut other = entry("2a01:4f8:10:20::1", IFA_F_PERMANENT);
    other.ifname = "wan0".to_string();
    let mut prefix = entry("2a01:4f8:10:20::2", IFA_F_PERMANENT);
    prefix.ifname = "wa".to_string();
    let mine = entry("2a01:4f8:10:20::3", 0x00);
    assert_eq!(
        choose(&[other.clone(), prefix.clone(), mine.clone()]),
        Ok(mine.addr)
    );
    assert_eq!(
        choose(&[other, prefix]),
        Err("wan: no IPv6 address".to_string())
    );
    assert_eq!(choose(&[]), Err("wan: no IPv6 address".to_string()));
}

#[test]
fn error_lists_what_was_excluded_and_why() {
    let mut entries = vec![
        entry("fe80::1", IFA_F_PERMANENT),
        entry("fd00::1", IFA_F_PERMANENT),
        entry("2a01:4f8::9", IFA_F_TEMPORARY),
        entry("2001:db8::1", IFA_F_TEMPORARY),
    ];
    for e in &mut entries {
        e.ifname = "pppoe-wan".to_string();
    }
    assert_eq!(
        choose_v6(&entries, "pppoe-wan"),
        Err(
            "pppoe-wan: no global IPv6 address (only: fe80::1 link-local, fd00::1 ULA, \
                 2a01:4f8::9 temporary, 2001:db8::1 documentation temporary)"
                .to_string()
        )
    );
}

#[test]
fn error_stays_short_with_many_addresses() {
    let entries: Vec<V6Entry> = (1..=20u16)
        .map(|i| entry(&format!("2a01:4f8::{i:x}"), IFA_F_TEMPORARY))
        .collect();
    let err = choose(&entries).unwrap_err();
    assert!(err.ends_with("2a01:4f8::8 temporary and 12 more)"), "{err}");
    assert!(err.len() < 300, "{err}");
}

#[test]
fn loopback_has_127_0_0_1() {
    let addrs = interface_v4_addrs("lo").unwrap();
    assert!(addrs.contains(&Ipv4Addr::LOCALHOST), "{addrs:?}");
}

#[test]
fn missing_interface_is_named() {
    for name in [
        "eth9",
        "ddnsup-nope0",
        "",
        "a-name-far-too-long-for-linux",
        "x\0y",
    ] {
        assert_eq!(
            interface_v4_addrs(name),
            Err(format!("{name}: no such interface"))
        );
        assert_eq!(
            interface_v6(name),
            Err(format!("{name}: no such interface"))
        );
    }
}

#[test]
fn loopback_has_no_global_ipv6() {
    // `lo` exists; it has no global address (::1 at most, or nothing with IPv6 off).
    let err = interface_v6("lo").unwrap_err();
    assert!(err.starts_with("lo: no "), "{err}");
    assert!(!err.contains("no such interface"), "{err}");
}

#[test]
fn reads_this_machine_consistently() {
    // Whatever this machine has, the parsed text and the choice agree.
    let Ok(text) = std::fs::read_to_string(IF_INET6) else {
        return;
    };
    let entries = parse_if_inet6(&text);
    assert_eq!(entries.len(), text.lines().count(), "{text}");
    for e in &entries {
        assert_eq!(interface_v6(&e.ifname), choose_v6(&entries, &e.ifname));
    }
}
