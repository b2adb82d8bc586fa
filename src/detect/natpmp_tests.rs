//! NAT-PMP messages on the RFC 6886 layouts, and one exchange with a loopback router.
use super::*;
use std::net::UdpSocket;
use std::thread;
use std::time::Instant;

/// A reply: version, opcode, result code, seconds since the epoch, address.
fn reply(version: u8, opcode: u8, code: u16, ip: [u8; 4]) -> Vec<u8> {
    let mut r = vec![version, opcode];
    r.extend_from_slice(&code.to_be_bytes());
    r.extend_from_slice(&7_200u32.to_be_bytes());
    r.extend_from_slice(&ip);
    r
}

fn failed(r: Result<Ipv4Addr, ParseOutcome>) -> String {
    match r {
        Err(ParseOutcome::Fail(why)) => why,
        other => panic!("not a failure: {other:?}"),
    }
}

fn ignored(r: Result<Ipv4Addr, ParseOutcome>) -> String {
    match r {
        Err(ParseOutcome::Ignore(why)) => why,
        other => panic!("not ignored: {other:?}"),
    }
}

#[test]
fn the_request_and_a_good_reply_byte_for_byte() {
    assert_eq!(REQUEST, [0x00, 0x00]);
    // RFC 6886 §3.2: 0, 128, result 0, epoch 0x00001c20, 81.2.69.160.
    let bytes = [0, 0x80, 0, 0, 0, 0, 0x1c, 0x20, 81, 2, 69, 160];
    assert_eq!(bytes.to_vec(), reply(0, 128, 0, [81, 2, 69, 160]));
    assert_eq!(parse_reply(&bytes), Ok(Ipv4Addr::new(81, 2, 69, 160)));
}

#[test]
fn result_codes_are_named() {
    for (code, name) in [
        (1, "unsupported version"),
        (2, "not authorized or refused"),
        (3, "network failure"),
        (4, "out of resources"),
        (5, "unsupported opcode"),
        (6, "unknown"),
        (0xffff, "unknown"),
    ] {
        let why = failed(parse_reply(&reply(0, 128, code, [81, 2, 69, 160])));
        assert!(
            why.starts_with(&format!("the router answers result code {code}, {name}")),
            "{why}"
        );
    }
    // An error reply may end after the epoch (RFC 6886 §3.5).
    let short = [0, 128, 0, 1, 0, 0, 0, 9];
    assert!(failed(parse_reply(&short)).contains("unsupported version"));
}

#[test]
fn a_pcp_only_router_and_no_address_yet_are_failures() {
    // A PCP server's UNSUPP_VERSION: version 2, R|opcode 0, reserved, result 1.
    let pcp = [2, 0x80, 0, 1, 0, 0, 0, 0];
    assert!(failed(parse_reply(&pcp)).contains("speaks PCP"));
    let why = failed(parse_reply(&reply(0, 128, 0, [0, 0, 0, 0])));
    assert!(why.contains("no external address yet"), "{why}");
}

#[test]
fn other_datagrams_are_ignored() {
    let good = reply(0, 128, 0, [81, 2, 69, 160]);
    assert!(ignored(parse_reply(&[])).contains("too short"));
    assert!(ignored(parse_reply(&[0, 128, 0])).contains("too short"));
    assert!(ignored(parse_reply(&reply(1, 128, 0, [81, 2, 69, 160]))).contains("version"));
    // Our own request looped back, and a mapping reply (opcode 129).
    assert!(ignored(parse_reply(&[0, 0, 0, 0])).contains("opcode"));
    assert!(ignored(parse_reply(&reply(0, 129, 0, [81, 2, 69, 160]))).contains("opcode"));
    assert!(ignored(parse_reply(&good[..11])).contains("12 bytes"));
    let mut long = good.clone();
    long.push(0);
    assert!(ignored(parse_reply(&long)).contains("12 bytes"));
}

#[test]
fn ask_retransmits_until_the_router_answers() {
    let router = UdpSocket::bind("127.0.0.1:0").unwrap();
    let gateway = router.local_addr().unwrap();
    let server = thread::spawn(move || {
        router
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        let mut buf = [0u8; 64];
        let mut times = Vec::new();
        for _ in 0..2 {
            let (len, from) = router.recv_from(&mut buf).unwrap();
            assert_eq!(&buf[..len], &REQUEST);
            times.push((Instant::now(), from));
        }
        let from = times[1].1;
        router
            .send_to(&reply(0, 129, 0, [81, 2, 69, 1]), from)
            .unwrap();
        router
            .send_to(&reply(0, 128, 0, [81, 2, 69, 160]), from)
            .unwrap();
        assert_eq!(times[0].1, from, "one socket for every send");
        times[1].0 - times[0].0
    });
    let started = Instant::now();
    let got = ask(gateway, None, Duration::from_secs(5));
    let gap = server.join().unwrap();
    assert_eq!(got, Ok(Ipv4Addr::new(81, 2, 69, 160)));
    assert!(
        gap >= Duration::from_millis(240) && gap < Duration::from_secs(2),
        "{gap:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(3));
}

#[test]
fn a_silent_router_costs_the_timeout_and_a_closed_port_less() {
    let router = UdpSocket::bind("127.0.0.1:0").unwrap();
    let gateway = router.local_addr().unwrap();
    let started = Instant::now();
    let why = ask(gateway, None, Duration::from_millis(900)).unwrap_err();
    let took = started.elapsed();
    assert!(why.starts_with("no reply within 900ms"), "{why}");
    assert!(
        took >= Duration::from_millis(900) && took < Duration::from_millis(1500),
        "{took:?}"
    );
    // Sent at 0, 250 and 750 ms.
    router.set_nonblocking(true).unwrap();
    let mut buf = [0u8; 8];
    let mut sends = 0;
    while router.recv_from(&mut buf).is_ok() {
        sends += 1;
    }
    assert_eq!(sends, 3);
    drop(router);
    let why = ask(gateway, None, Duration::from_secs(5)).unwrap_err();
    assert!(why.contains("unreachable"), "{why}");
}
