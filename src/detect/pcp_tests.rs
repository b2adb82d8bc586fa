//! PCP MAP messages on the RFC 6887 layouts, and one MAP-and-delete with a loopback router.
use super::*;
use std::net::UdpSocket;
use std::thread;

const NONCE: [u8; 12] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
const PORT: u16 = 40_000;

/// A MAP response to `request` (its nonce, protocol and internal port): result `code`,
/// `lifetime`, external port 40001 and address `ip` (IPv4-mapped), then `options`.
fn response(request: &[u8], code: u8, lifetime: u32, ip: Ipv6Addr, options: &[u8]) -> Vec<u8> {
    let mut r = vec![2, 0x81, 0, code];
    r.extend_from_slice(&lifetime.to_be_bytes());
    r.extend_from_slice(&1_000u32.to_be_bytes()); // epoch
    r.extend_from_slice(&[0; 12]);
    r.extend_from_slice(&request[24..42]);
    r.extend_from_slice(&40_001u16.to_be_bytes());
    r.extend_from_slice(&ip.octets());
    r.extend_from_slice(options);
    r
}

fn public() -> Ipv6Addr {
    Ipv4Addr::new(81, 2, 69, 160).to_ipv6_mapped()
}

fn request() -> [u8; MAP_MESSAGE_LEN] {
    build_request(
        Ipv4Addr::new(192, 168, 1, 20).to_ipv6_mapped(),
        &NONCE,
        PORT,
        120,
    )
}

fn failed(r: Result<(u32, Ipv6Addr), ParseOutcome>) -> String {
    match r {
        Err(ParseOutcome::Fail(why)) => why,
        other => panic!("not a failure: {other:?}"),
    }
}

fn ignored(r: Result<(u32, Ipv6Addr), ParseOutcome>) -> String {
    match r {
        Err(ParseOutcome::Ignore(why)) => why,
        other => panic!("not ignored: {other:?}"),
    }
}

#[test]
fn the_map_request_byte_for_byte() {
    #[rustfmt::skip]
    let expected: [u8; 60] = [
        // Version 2, R=0 opcode MAP, reserved, lifetime 120.
        2, 1, 0, 0, 0, 0, 0, 120,
        // PCP client IP ::ffff:192.168.1.20.
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 168, 1, 20,
        // Mapping nonce.
        1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12,
        // Protocol UDP, reserved, internal port 40000, suggested external port 0.
        17, 0, 0, 0, 0x9c, 0x40, 0, 0,
        // Suggested external address ::ffff:0.0.0.0.
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 0, 0,
    ];
    assert_eq!(request(), expected);
    let delete = build_request(
        Ipv4Addr::new(192, 168, 1, 20).to_ipv6_mapped(),
        &NONCE,
        PORT,
        0,
    );
    assert_eq!(delete[4..8], [0, 0, 0, 0]);
    assert_eq!(delete[..4], expected[..4]);
    assert_eq!(delete[8..], expected[8..]);
}

#[test]
fn a_map_response_gives_the_lifetime_and_external_address() {
    let r = response(&request(), 0, 120, public(), &[]);
    assert_eq!(r.len(), 60);
    assert_eq!(parse_reply(&NONCE, PORT, &r), Ok((120, public())));
    // Options are skipped: PREFER_FAILURE (code 2, no data), FILTER (code 3, 20 bytes), and
    // one of an odd length, padded.
    let mut options = vec![2, 0, 0, 0, 3, 0, 0, 20];
    options.extend_from_slice(&[0; 20]);
    options.extend_from_slice(&[130, 0, 0, 3, 9, 9, 9, 0]);
    let r = response(&request(), 0, 60, public(), &options);
    assert_eq!(parse_reply(&NONCE, PORT, &r), Ok((60, public())));
    assert_eq!(external_v4(public()), Ok(Ipv4Addr::new(81, 2, 69, 160)));
}

#[test]
fn result_codes_are_named() {
    let names = [
        "UNSUPP_VERSION",
        "NOT_AUTHORIZED",
        "MALFORMED_REQUEST",
        "UNSUPP_OPCODE",
        "UNSUPP_OPTION",
        "MALFORMED_OPTION",
        "NETWORK_FAILURE",
        "NO_RESOURCES",
        "UNSUPP_PROTOCOL",
        "USER_EX_QUOTA",
        "CANNOT_PROVIDE_EXTERNAL",
        "ADDRESS_MISMATCH",
        "EXCESSIVE_REMOTE_PEERS",
    ];
    for (i, name) in names.iter().enumerate() {
        let code = i as u8 + 1;
        let r = response(&request(), code, 0, public(), &[]);
        let want = format!("the router answers result code {code}, {name}");
        assert_eq!(failed(parse_reply(&NONCE, PORT, &r)), want);
        // The header alone.
        assert_eq!(failed(parse_reply(&NONCE, PORT, &r[..24])), want);
    }
    let r = response(&request(), 14, 0, public(), &[]);
    assert!(failed(parse_reply(&NONCE, PORT, &r)).ends_with("14, unknown"));
}

#[test]
fn a_nat_pmp_only_router_is_named() {
    // RFC 6886 §3.5: version 0, opcode 128 + 1, result 1, epoch.
    let natpmp = [0, 0x81, 0, 1, 0, 0, 0, 9];
    assert!(failed(parse_reply(&NONCE, PORT, &natpmp)).contains("speaks only NAT-PMP"));
    // A NAT-PMP success is not for us.
    let other = [0, 0x80, 0, 0, 0, 0, 0, 9, 81, 2, 69, 160];
    assert!(ignored(parse_reply(&NONCE, PORT, &other)).contains("version 2"));
}

#[test]
fn other_datagrams_are_ignored() {
    let good = response(&request(), 0, 120, public(), &[]);
    let ignores = |r: &[u8]| ignored(parse_reply(&NONCE, PORT, r));
    assert!(ignores(&good[..7]).contains("too short"));
    assert!(ignores(&good[..56]).contains("too short for a MAP"));
    // Our own request looped back (R bit clear), and an ANNOUNCE response.
    assert!(ignores(&request()).contains("not a MAP response"));
    let mut announce = good.clone();
    announce[1] = 0x80;
    assert!(ignores(&announce).contains("not a MAP response"));
    let mut v1 = good.clone();
    v1[0] = 1;
    assert!(ignores(&v1).contains("version 2"));
    // Lengths: not a multiple of 4, over 1100.
    let mut odd = good.clone();
    odd.push(0);
    assert!(ignores(&odd).contains("length"));
    let mut huge = good.clone();
    huge.extend_from_slice(&[0; 1044]);
    assert!(ignores(&huge).contains("length"));
    // 1100 bytes of padding options are fine.
    let mut options = Vec::new();
    for _ in 0..260 {
        options.extend_from_slice(&[0, 0, 0, 0]);
    }
    let r = response(&request(), 0, 120, public(), &options);
    assert_eq!(r.len(), 1100);
    assert_eq!(parse_reply(&NONCE, PORT, &r), Ok((120, public())));
    // An option longer than the rest.
    let r = response(&request(), 0, 120, public(), &[3, 0, 0, 20, 0, 0, 0, 0]);
    assert!(ignores(&r).contains("option"));
    // Another mapping: nonce, protocol, internal port.
    for (at, value) in [(24, 0xee), (35, 0xee), (36, 6), (41, 0x41)] {
        let mut r = good.clone();
        r[at] = value;
        assert!(ignores(&r).contains("another mapping"), "byte {at}");
    }
    // Even an error for another mapping.
    let mut r = response(&request(), 2, 0, public(), &[]);
    r[30] ^= 1;
    assert!(ignores(&r).contains("another mapping"));
}

#[test]
fn the_external_address_must_be_ipv4_and_assigned() {
    assert!(
        external_v4(Ipv4Addr::UNSPECIFIED.to_ipv6_mapped())
            .unwrap_err()
            .contains("no external address yet")
    );
    let why = external_v4("2a01:4f8::1".parse().unwrap()).unwrap_err();
    assert_eq!(why, "the router assigns 2a01:4f8::1, not an IPv4 address");
}

#[test]
fn ask_maps_its_own_port_then_deletes_the_mapping() {
    let router = UdpSocket::bind("127.0.0.1:0").unwrap();
    let gateway = router.local_addr().unwrap();
    let server = thread::spawn(move || {
        router
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        let mut buf = [0u8; 1100];
        let (len, from) = router.recv_from(&mut buf).unwrap();
        let map = buf[..len].to_vec();
        // A stale reply for another nonce first, then the answer twice (a duplicate must not
        // pass for the delete's confirmation).
        let mut stale = response(&map, 0, 120, public(), &[]);
        stale[24] ^= 0xff;
        router.send_to(&stale, from).unwrap();
        let answer = response(&map, 0, 120, public(), &[]);
        router.send_to(&answer, from).unwrap();
        router.send_to(&answer, from).unwrap();
        let (len, from2) = router.recv_from(&mut buf).unwrap();
        let delete = buf[..len].to_vec();
        router
            .send_to(&response(&delete, 0, 0, public(), &[]), from2)
            .unwrap();
        (map, from, delete, from2)
    });
    let got = ask(gateway, None, Duration::from_secs(5));
    let (map, from, delete, from2) = server.join().unwrap();
    assert_eq!(got, Ok(Ipv4Addr::new(81, 2, 69, 160)));
    assert_eq!(map.len(), 60);
    assert_eq!(map[..4], [2, 1, 0, 0]);
    assert_eq!(map[4..8], 120u32.to_be_bytes());
    assert_eq!(map[8..24], Ipv4Addr::LOCALHOST.to_ipv6_mapped().octets());
    assert_eq!(map[36], 17);
    assert_eq!(map[40..42], from.port().to_be_bytes(), "our own port");
    assert_ne!(from.port(), 0);
    assert_eq!(from2, from, "the delete comes from the same socket");
    assert_eq!(delete[4..8], [0, 0, 0, 0]);
    assert_eq!((&delete[..4], &delete[8..]), (&map[..4], &map[8..]));
}
