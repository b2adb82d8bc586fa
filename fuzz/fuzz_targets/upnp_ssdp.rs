//! An SSDP reply to the M-SEARCH. The first four bytes are the IPv4 address it came from; the
//! rest is the datagram.
#![no_main]
use ddnsup_fuzz::detect::upnp::{MAX_SSDP_BYTES, parse_ssdp};
use ddnsup_fuzz::http::host_of;
use libfuzzer_sys::fuzz_target;
use std::net::{IpAddr, Ipv4Addr};

fuzz_target!(|data: &[u8]| {
    let [a, b, c, d, datagram @ ..] = data else {
        return;
    };
    if datagram.len() > MAX_SSDP_BYTES {
        return;
    }
    let from = IpAddr::V4(Ipv4Addr::new(*a, *b, *c, *d));
    if let Some(location) = parse_ssdp(datagram, from) {
        assert!(location.starts_with("http://"), "{location}");
        let host = host_of(location).split(':').next().unwrap_or_default();
        assert_eq!(host.parse::<IpAddr>().ok(), Some(from), "{location}");
    }
});
