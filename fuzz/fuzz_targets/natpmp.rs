//! A datagram from the router to our NAT-PMP external-address request. An accepted reply is
//! exactly 12 bytes of version 0, opcode 128 and result code 0, and never 0.0.0.0.
#![no_main]
use ddnsup_fuzz::detect::natpmp::parse_reply;
use libfuzzer_sys::fuzz_target;
use std::net::Ipv4Addr;

fuzz_target!(|data: &[u8]| {
    if let Ok(ip) = parse_reply(data) {
        assert_eq!(data.len(), 12);
        assert_eq!(data[..4], [0, 128, 0, 0]);
        assert_eq!(ip.octets(), data[8..12]);
        assert_ne!(ip, Ipv4Addr::UNSPECIFIED);
    }
});
