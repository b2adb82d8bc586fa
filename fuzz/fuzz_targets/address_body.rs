//! An address source's reply body (web sources: exactly one public address), and the
//! `ipv6_host_id` forms. First byte even: IPv4 asked, odd: IPv6.
#![no_main]
use ddnsup_fuzz::detect::{Family, parse_host_id, parse_public, why_not_public, with_host_id};
use libfuzzer_sys::fuzz_target;
use std::net::Ipv6Addr;

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let family = if mode & 1 == 0 {
        Family::V4
    } else {
        Family::V6
    };
    let body = String::from_utf8_lossy(rest);
    if let Ok(ip) = parse_public(&body, family) {
        assert_eq!(
            why_not_public(ip, family),
            None,
            "{ip} accepted from {body:?}"
        );
        assert_eq!(Family::of(ip), family);
    }
    if let Ok(id) = parse_host_id(body.trim()) {
        assert_ne!(id, 0);
        let prefix: Ipv6Addr = "2a01:4f8:10:20:ffff:ffff:ffff:ffff".parse().unwrap();
        let ip = with_host_id(prefix, id);
        assert_eq!(u128::from(ip) >> 64, u128::from(prefix) >> 64);
        assert_eq!(u128::from(ip) as u64, id);
    }
});
