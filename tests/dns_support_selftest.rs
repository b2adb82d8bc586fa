//! Owns the self-test of tests/support/dns.rs: the UDP DNS mock checked byte for byte with a
//! small hand-written client.
#[allow(dead_code)]
#[path = "support/dns.rs"]
mod dns_mock;

use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, UdpSocket};
use std::time::{Duration, Instant};

use dns_mock::{DNS_WRONG_ID_V4, DNS_WRONG_ID_V6, DnsQuery, DnsReply, DnsServer};

const OPENDNS_A: &[u8] = b"\x04myip\x07opendns\x03com\x00\x00\x01\x00\x01";
const OPENDNS_AAAA: &[u8] = b"\x04myip\x07opendns\x03com\x00\x00\x1c\x00\x01";
const CLOUDFLARE: &[u8] = b"\x06whoami\x0acloudflare\x00\x00\x10\x00\x03";
const ADDR: Ipv4Addr = Ipv4Addr::new(81, 2, 69, 160);

/// A query with `id`, RD as given, and this question section.
fn query(id: u16, rd: bool, question: &[u8]) -> Vec<u8> {
    let mut out = id.to_be_bytes().to_vec();
    out.extend_from_slice(if rd { &[0x01, 0x00] } else { &[0x00, 0x00] });
    out.extend_from_slice(&[0, 1, 0, 0, 0, 0, 0, 0]);
    out.extend_from_slice(question);
    out
}

/// A client socket of the server's family, connected to it.
fn client(server: &DnsServer) -> UdpSocket {
    let local: SocketAddr = if server.addr().is_ipv4() {
        (Ipv4Addr::UNSPECIFIED, 0).into()
    } else {
        (Ipv6Addr::UNSPECIFIED, 0).into()
    };
    let socket = UdpSocket::bind(local).unwrap();
    socket.connect(server.addr()).unwrap();
    socket
}

/// The next datagram within `wait`, if any.
fn receive(socket: &UdpSocket, wait: Duration) -> Option<Vec<u8>> {
    socket.set_read_timeout(Some(wait)).unwrap();
    let mut buf = [0u8; 4096];
    let len = socket.recv(&mut buf).ok()?;
    Some(buf[..len].to_vec())
}

/// Sends `message` and returns the first reply (panics when none comes within 5 s).
fn ask(server: &DnsServer, message: &[u8]) -> Vec<u8> {
    let socket = client(server);
    socket.send(message).unwrap();
    receive(&socket, Duration::from_secs(5)).expect("a reply from the DNS mock")
}

/// The expected reply: header, `question`, one answer named `0xC00C` with TTL 0.
fn expected(id: u16, flags: u16, question: &[u8], answer: Option<(u16, u16, &[u8])>) -> Vec<u8> {
    let mut out = id.to_be_bytes().to_vec();
    out.extend_from_slice(&flags.to_be_bytes());
    out.extend_from_slice(&[0, 1, 0, u8::from(answer.is_some()), 0, 0, 0, 0]);
    out.extend_from_slice(question);
    if let Some((rtype, rclass, rdata)) = answer {
        out.extend_from_slice(&[0xC0, 0x0C]);
        out.extend_from_slice(&rtype.to_be_bytes());
        out.extend_from_slice(&rclass.to_be_bytes());
        out.extend_from_slice(&[0, 0, 0, 0]);
        out.extend_from_slice(&(rdata.len() as u16).to_be_bytes());
        out.extend_from_slice(rdata);
    }
    out
}

#[test]
fn opendns_a_answer_is_byte_exact_and_recorded() {
    let server = DnsServer::start(vec![DnsReply::OpenDnsA(ADDR)]);
    assert_eq!(server.spec(), format!("127.0.0.1:{}", server.addr().port()));
    let reply = ask(&server, &query(0x1234, true, OPENDNS_A));
    let want = expected(0x1234, 0x8180, OPENDNS_A, Some((1, 1, &ADDR.octets())));
    assert_eq!(reply, want);
    let recorded = DnsQuery {
        id: 0x1234,
        name: "myip.opendns.com.".to_string(),
        qtype: 1,
        qclass: 1,
    };
    assert_eq!(server.queries(), vec![recorded]);
    assert_eq!(server.count(), 1);
}

#[test]
fn opendns_aaaa_over_ipv6() {
    let ip: Ipv6Addr = "2a02:898::160".parse().unwrap();
    let Some(server) = DnsServer::start_v6(vec![DnsReply::OpenDnsAaaa(ip)]) else {
        eprintln!("skipped: ::1 is unavailable");
        return;
    };
    assert_eq!(server.spec(), format!("[::1]:{}", server.addr().port()));
    let reply = ask(&server, &query(7, true, OPENDNS_AAAA));
    assert_eq!(
        reply,
        expected(7, 0x8180, OPENDNS_AAAA, Some((28, 1, &ip.octets())))
    );
    assert_eq!(server.queries()[0].qtype, 28);
}

#[test]
fn cloudflare_txt_answer_is_byte_exact() {
    let server = DnsServer::start(vec![DnsReply::CloudflareTxt("81.2.69.160".into())]);
    let reply = ask(&server, &query(0xBEEF, false, CLOUDFLARE));
    let want = expected(
        0xBEEF,
        0x8080,
        CLOUDFLARE,
        Some((16, 3, b"\x0b81.2.69.160")),
    );
    assert_eq!(reply, want);
    let recorded = &server.queries()[0];
    assert_eq!(
        (recorded.name.as_str(), recorded.qtype, recorded.qclass),
        ("whoami.cloudflare.", 16, 3)
    );
}

#[test]
fn question_is_echoed_as_received() {
    let mixed = b"\x04MyIp\x07OpenDNS\x03COM\x00\x00\x01\x00\x01";
    let server = DnsServer::start(vec![DnsReply::OpenDnsA(ADDR)]);
    let reply = ask(&server, &query(1, true, mixed));
    assert_eq!(
        reply,
        expected(1, 0x8180, mixed, Some((1, 1, &ADDR.octets())))
    );
    assert_eq!(server.queries()[0].name, "MyIp.OpenDNS.COM.");
}

#[test]
fn long_txt_is_split_into_strings() {
    let text = "x".repeat(300);
    let server = DnsServer::start(vec![DnsReply::CloudflareTxt(text)]);
    let reply = ask(&server, &query(1, true, CLOUDFLARE));
    let mut rdata = vec![255];
    rdata.extend_from_slice(&[b'x'; 255]);
    rdata.push(45);
    rdata.extend_from_slice(&[b'x'; 45]);
    assert_eq!(
        reply,
        expected(1, 0x8180, CLOUDFLARE, Some((16, 3, &rdata)))
    );
}

#[test]
fn wrong_id_answers_correctly_with_the_next_id() {
    let server = DnsServer::start(vec![DnsReply::WrongId]);
    let reply = ask(&server, &query(0xFFFF, true, OPENDNS_A));
    let want = expected(
        0,
        0x8180,
        OPENDNS_A,
        Some((1, 1, &DNS_WRONG_ID_V4.octets())),
    );
    assert_eq!(reply, want);
    let reply = ask(&server, &query(9, true, OPENDNS_AAAA));
    let want = expected(
        10,
        0x8180,
        OPENDNS_AAAA,
        Some((28, 1, &DNS_WRONG_ID_V6.octets())),
    );
    assert_eq!(reply, want);
    let reply = ask(&server, &query(9, true, CLOUDFLARE));
    let text = DNS_WRONG_ID_V4.to_string();
    let mut rdata = vec![text.len() as u8];
    rdata.extend_from_slice(text.as_bytes());
    assert_eq!(
        reply,
        expected(10, 0x8180, CLOUDFLARE, Some((16, 3, &rdata)))
    );
    assert_eq!(server.count(), 3);
}

#[test]
fn truncated_and_rcode_replies() {
    let server = DnsServer::start(vec![
        DnsReply::Truncated,
        DnsReply::Rcode(3),
        DnsReply::Rcode(5),
    ]);
    assert_eq!(
        ask(&server, &query(1, true, OPENDNS_A)),
        expected(1, 0x8380, OPENDNS_A, None)
    );
    assert_eq!(
        ask(&server, &query(2, true, OPENDNS_A)),
        expected(2, 0x8183, OPENDNS_A, None)
    );
    assert_eq!(
        ask(&server, &query(3, true, OPENDNS_A)),
        expected(3, 0x8185, OPENDNS_A, None)
    );
    // The script repeats its last entry.
    assert_eq!(
        ask(&server, &query(4, true, OPENDNS_A)),
        expected(4, 0x8185, OPENDNS_A, None)
    );
    let ids: Vec<u16> = server.queries().iter().map(|q| q.id).collect();
    assert_eq!(ids, [1, 2, 3, 4]);
}

#[test]
fn raw_bytes_get_the_query_id() {
    let server = DnsServer::start(vec![
        DnsReply::Raw(b"\x00\x00\x81\x80rest".to_vec()),
        DnsReply::Raw(vec![0xAB]),
    ]);
    assert_eq!(
        ask(&server, &query(0x0102, true, OPENDNS_A)),
        b"\x01\x02\x81\x80rest"
    );
    assert_eq!(ask(&server, &query(0x0102, true, OPENDNS_A)), [0xAB]);
}

#[test]
fn silent_records_but_never_answers() {
    let server = DnsServer::start(vec![DnsReply::Silent]);
    let socket = client(&server);
    socket.send(&query(5, true, OPENDNS_A)).unwrap();
    assert_eq!(receive(&socket, Duration::from_millis(300)), None);
    assert_eq!(server.count(), 1);
    let empty = DnsServer::start(Vec::new());
    let socket = client(&empty);
    socket.send(&query(5, true, OPENDNS_A)).unwrap();
    assert_eq!(receive(&socket, Duration::from_millis(200)), None);
    assert_eq!(empty.count(), 1);
}

#[test]
fn several_and_delayed_replies() {
    let server = DnsServer::start(vec![DnsReply::Several(vec![
        DnsReply::WrongId,
        DnsReply::Delayed(
            Duration::from_millis(200),
            Box::new(DnsReply::OpenDnsA(ADDR)),
        ),
    ])]);
    let socket = client(&server);
    let started = Instant::now();
    socket.send(&query(0x10, true, OPENDNS_A)).unwrap();
    let first = receive(&socket, Duration::from_secs(5)).unwrap();
    assert_eq!(first[..2], [0, 0x11]);
    let second = receive(&socket, Duration::from_secs(5)).unwrap();
    assert!(started.elapsed() >= Duration::from_millis(200));
    assert_eq!(
        second,
        expected(0x10, 0x8180, OPENDNS_A, Some((1, 1, &ADDR.octets())))
    );
    assert_eq!(server.count(), 1);
}

#[test]
fn garbage_is_neither_recorded_nor_answered() {
    let server = DnsServer::start(vec![DnsReply::OpenDnsA(ADDR)]);
    let socket = client(&server);
    let mut a_reply = query(1, true, OPENDNS_A);
    a_reply[2] |= 0x80;
    let mut two_questions = query(1, true, OPENDNS_A);
    two_questions[5] = 2;
    let compressed = query(1, true, b"\xc0\x0c\x00\x01\x00\x01");
    for junk in [
        &b""[..],
        b"\x00",
        &[0u8; 11],
        &a_reply,
        &two_questions,
        &compressed,
        &OPENDNS_A[..20],
    ] {
        socket.send(junk).unwrap();
    }
    assert_eq!(receive(&socket, Duration::from_millis(200)), None);
    assert_eq!(server.count(), 0);
    socket.send(&query(2, true, OPENDNS_A)).unwrap();
    assert!(receive(&socket, Duration::from_secs(5)).is_some());
    assert_eq!(server.count(), 1);
}

#[test]
fn drop_stops_quickly_even_while_waiting() {
    let server = DnsServer::start(vec![DnsReply::Delayed(
        Duration::from_secs(60),
        Box::new(DnsReply::OpenDnsA(ADDR)),
    )]);
    let socket = client(&server);
    socket.send(&query(1, true, OPENDNS_A)).unwrap();
    assert!(ask_count_eventually(&server, 1));
    let started = Instant::now();
    drop(server);
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(receive(&socket, Duration::from_millis(100)), None);

    let idle = DnsServer::start(vec![DnsReply::Silent]);
    let started = Instant::now();
    drop(idle);
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
}

/// Whether the server has recorded `n` queries within 5 s.
fn ask_count_eventually(server: &DnsServer, n: usize) -> bool {
    let deadline = Instant::now() + Duration::from_secs(5);
    while Instant::now() < deadline {
        if server.count() >= n {
            return true;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    false
}
