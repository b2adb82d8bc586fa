//! A DNS echo service's reply (OpenDNS A/AAAA, Cloudflare TXT CH) to our query. First byte:
//! bit 0 the kind, bit 1 the family; the next two the query ID; the rest the reply.
#![no_main]
use ddnsup_fuzz::detect::dns::{DnsKind, build_query, parse_reply};
use ddnsup_fuzz::detect::{Family, why_not_public};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let [mode, hi, lo, reply @ ..] = data else {
        return;
    };
    let kind = if mode & 1 == 0 {
        DnsKind::OpenDns
    } else {
        DnsKind::Cloudflare
    };
    let v6 = mode & 2 != 0;
    let id = u16::from_be_bytes([*hi, *lo]);
    let _ = build_query(kind, v6, id);
    if let Ok(ip) = parse_reply(kind, v6, id, reply) {
        let family = if v6 { Family::V6 } else { Family::V4 };
        assert_eq!(Family::of(ip), family, "{ip} for a {} query", family.name());
        let _ = why_not_public(ip, family);
    }
});
