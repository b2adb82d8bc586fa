//! A datagram from the router to our PCP MAP. The first 14 bytes are the mapping's nonce and
//! internal port; the rest is the reply. An accepted reply is a version 2 MAP response of a
//! length the RFC allows, for exactly that mapping, with result code 0.
#![no_main]
use ddnsup_fuzz::detect::pcp::{MAP_MESSAGE_LEN, build_request, external_v4, parse_reply};
use libfuzzer_sys::fuzz_target;
use std::net::Ipv4Addr;

fuzz_target!(|data: &[u8]| {
    let Some((head, reply)) = data.split_first_chunk::<14>() else {
        return;
    };
    let (nonce, port) = head.split_at(12);
    let nonce: [u8; 12] = nonce.try_into().unwrap();
    let port = u16::from_be_bytes([port[0], port[1]]);
    let request = build_request(
        Ipv4Addr::new(192, 168, 1, 2).to_ipv6_mapped(),
        &nonce,
        port,
        120,
    );
    assert_eq!(request[24..36], nonce);
    if let Ok((lifetime, external)) = parse_reply(&nonce, port, reply) {
        assert!(reply.len() >= MAP_MESSAGE_LEN && reply.len() <= 1100 && reply.len() % 4 == 0);
        assert_eq!(reply[..2], [2, 0x81]);
        assert_eq!(reply[3], 0);
        assert_eq!(lifetime.to_be_bytes(), reply[4..8]);
        assert_eq!(reply[24..36], nonce);
        assert_eq!(reply[36], 17);
        assert_eq!(reply[40..42], port.to_be_bytes());
        assert_eq!(external.octets(), reply[44..60]);
        if let Ok(ip) = external_v4(external) {
            assert_ne!(ip, Ipv4Addr::UNSPECIFIED);
        }
    }
});
