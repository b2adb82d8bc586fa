//! What counts as a public address, pinned range by range on both sides of every boundary;
//! reply bodies that must be one address; interface identifiers and EUI-64.
use super::*;

fn parse_public_v4(body: &str) -> Result<IpAddr, String> {
    parse_public(body, Family::V4)
}

#[test]
fn accepts_public_addresses() {
    for s in [
        "81.2.69.160",
        "8.8.8.8",
        "1.1.1.1",
        "100.63.255.255",
        "100.128.0.1",
        "172.32.0.1",
        "223.255.255.254",
        " 81.2.69.160\n",
        "81.2.69.160\r\n",
    ] {
        assert!(parse_public_v4(s).is_ok(), "{s:?}");
    }
}

#[test]
fn rejects_non_public_addresses() {
    for s in [
        "0.0.0.0",
        "10.1.2.3",
        "100.64.0.1",
        "100.127.255.255",
        "127.0.0.1",
        "169.254.1.1",
        "172.16.0.1",
        "172.31.255.255",
        "192.0.0.8",
        "192.0.2.1",
        "192.168.1.1",
        "198.18.0.1",
        "198.51.100.7",
        "203.0.113.7",
        "224.0.0.1",
        "239.255.255.250",
        "240.0.0.1",
        "255.255.255.255",
    ] {
        assert!(parse_public_v4(s).is_err(), "{s}");
    }
    assert!(
        parse_public_v4("100.64.0.1")
            .unwrap_err()
            .contains("carrier-grade NAT")
    );
}

#[test]
fn rejects_anything_that_is_not_one_address() {
    for s in [
        "",
        "   ",
        "<html><body>Current IP Address: 81.2.69.160</body></html>",
        "81.2.69.160 81.2.69.161",
        "81.2.69",
        "81.2.69.160.1",
        "081.2.69.160",
        "81.2.69.256",
        "2001:db8::1",
        "::ffff:81.2.69.160",
        "error code: 1034",
        "81.2.69.160:80",
    ] {
        assert!(parse_public_v4(s).is_err(), "{s:?}");
    }
}

#[test]
fn error_message_is_short_and_printable() {
    let long = format!("<html>{}</html>", "x".repeat(1000));
    let e = parse_public_v4(&long).unwrap_err();
    assert!(e.len() < 100, "{e}");
    let e = parse_public_v4("\u{1b}[31mred").unwrap_err();
    assert!(!e.contains('\u{1b}'));
}

/// `(address, the reason's words)`; `None` when the address is public.
fn check_v4_table(table: &[(&str, Option<&str>)]) {
    for (text, want) in table {
        let got = why_not_public_v4(text.parse().unwrap());
        match (want, got) {
            (None, None) => {}
            (Some(want), Some(got)) if got.contains(want) => {}
            _ => panic!("{text}: expected {want:?}, got {got:?}"),
        }
    }
}

fn check_v6_table(table: &[(&str, Option<&str>)]) {
    for (text, want) in table {
        let got = why_not_public_v6(text.parse().unwrap());
        match (want, got) {
            (None, None) => {}
            (Some(want), Some(got)) if got.contains(want) => {}
            _ => panic!("{text}: expected {want:?}, got {got:?}"),
        }
    }
}

#[test]
fn every_ipv4_range_on_both_sides_of_its_boundaries() {
    check_v4_table(&[
        ("0.0.0.0", Some("0.0.0.0/8")),
        ("0.255.255.255", Some("0.0.0.0/8")),
        ("1.0.0.0", None),
        ("9.255.255.255", None),
        ("10.0.0.0", Some("10.0.0.0/8")),
        ("10.255.255.255", Some("10.0.0.0/8")),
        ("11.0.0.0", None),
        ("100.63.255.255", None),
        ("100.64.0.0", Some("carrier-grade NAT")),
        ("100.127.255.255", Some("carrier-grade NAT")),
        ("100.128.0.0", None),
        ("126.255.255.255", None),
        ("127.0.0.0", Some("loopback")),
        ("127.255.255.255", Some("loopback")),
        ("128.0.0.0", None),
        ("169.253.255.255", None),
        ("169.254.0.0", Some("link-local")),
        ("169.254.255.255", Some("link-local")),
        ("169.255.0.0", None),
        ("172.15.255.255", None),
        ("172.16.0.0", Some("172.16.0.0/12")),
        ("172.31.255.255", Some("172.16.0.0/12")),
        ("172.32.0.0", None),
        ("191.255.255.255", None),
        ("192.0.0.0", Some("192.0.0.0/24")),
        ("192.0.0.255", Some("192.0.0.0/24")),
        ("192.0.1.0", None),
        ("192.0.1.255", None),
        ("192.0.2.0", Some("documentation")),
        ("192.0.2.255", Some("documentation")),
        ("192.0.3.0", None),
        ("192.88.98.255", None),
        ("192.88.99.0", Some("6to4 relay")),
        ("192.88.99.255", Some("6to4 relay")),
        ("192.88.100.0", None),
        ("192.167.255.255", None),
        ("192.168.0.0", Some("192.168.0.0/16")),
        ("192.168.255.255", Some("192.168.0.0/16")),
        ("192.169.0.0", None),
        ("198.17.255.255", None),
        ("198.18.0.0", Some("benchmarking")),
        ("198.19.255.255", Some("benchmarking")),
        ("198.20.0.0", None),
        ("198.51.99.255", None),
        ("198.51.100.0", Some("documentation")),
        ("198.51.100.255", Some("documentation")),
        ("198.51.101.0", None),
        ("203.0.112.255", None),
        ("203.0.113.0", Some("documentation")),
        ("203.0.113.255", Some("documentation")),
        ("203.0.114.0", None),
        ("223.255.255.255", None),
        ("224.0.0.0", Some("multicast")),
        ("239.255.255.255", Some("multicast")),
        ("240.0.0.0", Some("reserved or broadcast")),
        ("255.255.255.255", Some("reserved or broadcast")),
    ]);
}

#[test]
fn every_ipv6_range_on_both_sides_of_its_boundaries() {
    let not_global = Some("not a global unicast address");
    check_v6_table(&[
        ("::", Some("unspecified")),
        ("::1", Some("loopback")),
        ("::2", not_global),
        // IPv4-mapped: ::ffff:0:0/96.
        ("::fffe:ffff:ffff", not_global),
        ("::ffff:0.0.0.0", Some("IPv4-mapped")),
        ("::ffff:81.2.69.160", Some("IPv4-mapped")),
        ("::ffff:255.255.255.255", Some("IPv4-mapped")),
        ("::1:ffff:0:0", not_global),
        ("0:0:0:0:1:ffff:0:0", not_global),
        // ULA: fc00::/7.
        ("fbff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", not_global),
        ("fc00::", Some("unique local")),
        ("fd12:3456::1", Some("unique local")),
        (
            "fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
            Some("unique local"),
        ),
        ("fe00::", not_global),
        // Link-local: fe80::/10.
        ("fe7f:ffff:ffff:ffff:ffff:ffff:ffff:ffff", not_global),
        ("fe80::", Some("link-local")),
        (
            "febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
            Some("link-local"),
        ),
        // Site-local: fec0::/10.
        ("fec0::", Some("site-local")),
        (
            "feff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
            Some("site-local"),
        ),
        // Multicast: ff00::/8.
        ("ff00::", Some("multicast")),
        ("ff02::1", Some("multicast")),
        ("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", Some("multicast")),
        // Documentation: 2001:db8::/32 and 3fff::/20.
        ("2001:db7:ffff:ffff:ffff:ffff:ffff:ffff", None),
        ("2001:db8::", Some("documentation")),
        (
            "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff",
            Some("documentation"),
        ),
        ("2001:db9::", None),
        ("3ffe:ffff:ffff:ffff:ffff:ffff:ffff:ffff", None),
        ("3fff::", Some("documentation")),
        (
            "3fff:fff:ffff:ffff:ffff:ffff:ffff:ffff",
            Some("documentation"),
        ),
        ("3fff:1000::", None),
        // Benchmarking: 2001:2::/48.
        ("2001:1:ffff:ffff:ffff:ffff:ffff:ffff", None),
        ("2001:2::", Some("benchmarking")),
        ("2001:2:0:ffff:ffff:ffff:ffff:ffff", Some("benchmarking")),
        ("2001:2:1::", None),
        // Teredo: 2001::/32.
        ("2000:ffff:ffff:ffff:ffff:ffff:ffff:ffff", None),
        ("2001::", Some("Teredo")),
        ("2001:0:ffff:ffff:ffff:ffff:ffff:ffff", Some("Teredo")),
        ("2001:1::", None),
        // Global unicast: 2000::/3.
        ("1fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", not_global),
        ("2000::", None),
        ("2a01:4f8:10:20::5", None),
        ("3fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", None),
        ("4000::", not_global),
        ("e000::", not_global),
    ]);
}

#[test]
fn an_address_of_the_other_family_is_refused() {
    let v4: IpAddr = "81.2.69.160".parse().unwrap();
    let v6: IpAddr = "2a01:4f8:10:20::5".parse().unwrap();
    assert_eq!(why_not_public(v4, Family::V4), None);
    assert_eq!(why_not_public(v6, Family::V6), None);
    assert!(
        why_not_public(v4, Family::V6)
            .unwrap()
            .contains("IPv4 address")
    );
    assert!(
        why_not_public(v6, Family::V4)
            .unwrap()
            .contains("IPv6 address")
    );
    assert_eq!(parse_public("2a01:4f8:10:20::5\n", Family::V6), Ok(v6));
    assert!(parse_public("81.2.69.160", Family::V6).is_err());
    let e = check_public("10.0.0.1".parse().unwrap(), Family::V4).unwrap_err();
    assert_eq!(
        e,
        "10.0.0.1 is a private address (10.0.0.0/8), not a public IPv4 address"
    );
}

#[test]
fn a_refused_body_is_shown_cut_at_40_characters_without_control_characters() {
    let forty = "x".repeat(40);
    let e = parse_public_v4(&forty).unwrap_err();
    assert!(e.ends_with(&format!("\"{forty}\"")), "{e}");
    let e = parse_public_v4(&format!("{forty}y")).unwrap_err();
    assert!(e.ends_with(&format!("\"{forty}…\"")), "{e}");
    // Characters, not bytes: 40 two-byte characters are shown whole.
    let wide = "é".repeat(40);
    let e = parse_public_v4(&wide).unwrap_err();
    assert!(e.ends_with(&format!("\"{wide}\"")), "{e}");
    // Control characters are dropped, everything else kept.
    let e = parse_public_v4("no\u{7}t\u{1b}[0m an address").unwrap_err();
    assert!(e.ends_with("\"not[0m an address\""), "{e}");
    assert!(e.starts_with("reply is not an IPv4 address: "), "{e}");
}

#[test]
fn host_ids_as_identifiers() {
    assert_eq!(parse_host_id("::1234"), Ok(0x1234));
    assert_eq!(parse_host_id("::1"), Ok(1));
    assert_eq!(
        parse_host_id("::211:22ff:fe33:4455"),
        Ok(0x0211_22ff_fe33_4455)
    );
    assert_eq!(
        parse_host_id("::ffff:ffff:ffff:ffff"),
        Ok(0xffff_ffff_ffff_ffff)
    );
    for bad in ["::", "0:0:0:1::", "::1:0:0:0:0", "2a01:4f8::1", "1::1"] {
        let e = parse_host_id(bad).unwrap_err();
        assert!(e.contains("within ::/64 and not ::"), "{bad}: {e}");
    }
}

#[test]
fn host_ids_from_mac_addresses_flip_the_universal_local_bit() {
    for (mac, id) in [
        ("00:11:22:33:44:55", 0x0211_22ff_fe33_4455),
        // The bit already set (a locally administered MAC) is cleared.
        ("02:11:22:33:44:55", 0x0011_22ff_fe33_4455),
        ("03:11:22:33:44:55", 0x0111_22ff_fe33_4455),
        ("fd:00:00:00:00:01", 0xff00_00ff_fe00_0001),
        ("00-11-22-33-44-55", 0x0211_22ff_fe33_4455),
        ("AA:BB:CC:DD:EE:FF", 0xa8bb_ccff_fedd_eeff),
        ("ff:ff:ff:ff:ff:ff", 0xfdff_ffff_feff_ffff),
    ] {
        assert_eq!(parse_host_id(mac), Ok(id), "{mac}");
    }
    for bad in [
        "",
        "00:11:22:33:44",
        "00:11:22:33:44:55:66",
        "0:11:22:33:44:55",
        "000:11:22:33:44:55",
        "gg:11:22:33:44:55",
        "00:11:22:33:44:5",
        "00:11:22:33:44:55:",
        "+1:22:33:44:55:66",
        "00 11 22 33 44 55",
    ] {
        let e = parse_host_id(bad).unwrap_err();
        assert!(e.contains("neither an identifier"), "{bad}: {e}");
    }
}

#[test]
fn a_host_id_replaces_the_lower_64_bits_only() {
    let ip = |s: &str| s.parse::<Ipv6Addr>().unwrap();
    let prefix = ip("2a01:4f8:10:20:ffff:ffff:ffff:ffff");
    assert_eq!(with_host_id(prefix, 0x1234), ip("2a01:4f8:10:20::1234"));
    assert_eq!(with_host_id(prefix, 1), ip("2a01:4f8:10:20::1"));
    assert_eq!(
        with_host_id(ip("2a01:4f8:10:20::"), u64::MAX),
        ip("2a01:4f8:10:20:ffff:ffff:ffff:ffff")
    );
    assert_eq!(
        with_host_id(ip("2a01:4f8:10:20:a:b:c:d"), 0x0211_22ff_fe33_4455),
        ip("2a01:4f8:10:20:211:22ff:fe33:4455")
    );
    assert_eq!(
        with_host_id(ip("ffff:ffff:ffff:ffff::"), 0),
        ip("ffff:ffff:ffff:ffff::")
    );
}
