//! DNS echo tests with real sockets: random IDs, and queries against a loopback server thread.
use super::tests::{PTR, V4, V6, ip4, ip6, message, rr, txt};
use super::*;
use std::net::UdpSocket;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::{self, JoinHandle};
use std::time::Instant;

#[test]
fn random_ids_vary() {
    let ids: Vec<u16> = (0..8).map(|_| random_id()).collect();
    assert!(ids.iter().any(|&id| id != ids[0]), "{ids:?}");
}

/// Binds `bind` (None when that address is unavailable) and answers the first query with
/// `behaviour`.
fn serve(
    bind: &str,
    behaviour: impl FnOnce(&UdpSocket, SocketAddr, &[u8]) + Send + 'static,
) -> Option<(SocketAddr, JoinHandle<()>)> {
    let socket = UdpSocket::bind(bind).ok()?;
    let addr = socket.local_addr().ok()?;
    let handle = thread::spawn(move || {
        socket
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        let mut buf = [0u8; 512];
        if let Ok((len, from)) = socket.recv_from(&mut buf) {
            behaviour(&socket, from, &buf[..len]);
        }
    });
    Some((addr, handle))
}

/// The reply for `query` with the question echoed, `id` and one answer.
fn answer_to(query: &[u8], id: u16, answer: Vec<u8>) -> Vec<u8> {
    message(id, 0x8180, &query[HEADER_LEN..], &[answer])
}

fn id_of(query: &[u8]) -> u16 {
    u16::from_be_bytes([query[0], query[1]])
}

#[test]
fn query_gets_the_address_over_ipv4() {
    let (addr, server) = serve("127.0.0.1:0", |socket, from, query| {
        let id = id_of(query);
        assert_eq!(query, build_query(DnsKind::OpenDns, false, id));
        let reply = answer_to(query, id, rr(&PTR, TYPE_A, CLASS_IN, &V4));
        socket.send_to(&reply, from).unwrap();
    })
    .unwrap();
    let got = query(DnsKind::OpenDns, false, addr, None, Duration::from_secs(5));
    server.join().unwrap();
    assert_eq!(got, Ok(ip4()));

    let (addr, server) = serve("127.0.0.1:0", |socket, from, query| {
        let id = id_of(query);
        assert_eq!(query, build_query(DnsKind::Cloudflare, false, id));
        let rdata = txt(&["81.2.69.160"]);
        let reply = answer_to(query, id, rr(&PTR, TYPE_TXT, CLASS_CH, &rdata));
        socket.send_to(&reply, from).unwrap();
    })
    .unwrap();
    let got = query(
        DnsKind::Cloudflare,
        false,
        addr,
        None,
        Duration::from_secs(5),
    );
    server.join().unwrap();
    assert_eq!(got, Ok(ip4()));
}

#[test]
fn query_gets_the_address_over_ipv6() {
    let Some((addr, server)) = serve("[::1]:0", |socket, from, query| {
        let id = id_of(query);
        assert_eq!(query, build_query(DnsKind::OpenDns, true, id));
        let reply = answer_to(query, id, rr(&PTR, TYPE_AAAA, CLASS_IN, &V6));
        socket.send_to(&reply, from).unwrap();
    }) else {
        eprintln!("skipped: ::1 is unavailable");
        return;
    };
    let got = query(DnsKind::OpenDns, true, addr, None, Duration::from_secs(5));
    server.join().unwrap();
    assert_eq!(got, Ok(ip6()));
}

#[test]
fn query_ignores_wrong_ids_and_other_senders() {
    let (addr, server) = serve("127.0.0.1:0", |socket, from, query| {
        let id = id_of(query);
        let decoy = rr(&PTR, TYPE_A, CLASS_IN, &[81, 2, 69, 99]);
        // The right answer from another port, then a wrong ID, then the real one.
        let other = UdpSocket::bind("127.0.0.1:0").unwrap();
        other
            .send_to(&answer_to(query, id, decoy.clone()), from)
            .unwrap();
        let wrong = answer_to(query, id.wrapping_add(1), decoy);
        socket.send_to(&wrong, from).unwrap();
        socket.send_to(b"\x00", from).unwrap();
        thread::sleep(Duration::from_millis(50));
        let good = answer_to(query, id, rr(&PTR, TYPE_A, CLASS_IN, &V4));
        socket.send_to(&good, from).unwrap();
    })
    .unwrap();
    let got = query(DnsKind::OpenDns, false, addr, None, Duration::from_secs(5));
    server.join().unwrap();
    assert_eq!(got, Ok(ip4()));
}

#[test]
fn query_reports_a_final_error_at_once() {
    let (addr, server) = serve("127.0.0.1:0", |socket, from, query| {
        let reply = message(id_of(query), 0x8183, &query[HEADER_LEN..], &[]);
        socket.send_to(&reply, from).unwrap();
    })
    .unwrap();
    let started = Instant::now();
    let got = query(DnsKind::OpenDns, false, addr, None, Duration::from_secs(5));
    server.join().unwrap();
    assert_eq!(got, Err("NXDOMAIN".to_string()));
    assert!(started.elapsed() < Duration::from_secs(3));
}

#[test]
fn query_times_out_when_nobody_answers() {
    let (addr, server) = serve("127.0.0.1:0", |_, _, _| {}).unwrap();
    let timeout = Duration::from_millis(300);
    let started = Instant::now();
    let got = query(DnsKind::Cloudflare, false, addr, None, timeout);
    let took = started.elapsed();
    server.join().unwrap();
    let why = got.unwrap_err();
    assert!(why.starts_with("no reply within 300ms"), "{why}");
    assert!(took >= timeout, "{took:?}");
    assert!(took < timeout + Duration::from_secs(1), "{took:?}");
}

#[test]
fn wrong_ids_do_not_extend_the_deadline() {
    let stop = Arc::new(AtomicBool::new(false));
    let flag = stop.clone();
    let (addr, server) = serve("127.0.0.1:0", move |socket, from, query| {
        let wrong = answer_to(
            query,
            id_of(query).wrapping_add(1),
            rr(&PTR, TYPE_A, CLASS_IN, &V4),
        );
        // Keep sending wrong IDs every 20 ms for up to 5 s.
        for _ in 0..250 {
            if flag.load(Ordering::SeqCst) {
                break;
            }
            let _ = socket.send_to(&wrong, from);
            thread::sleep(Duration::from_millis(20));
        }
    })
    .unwrap();
    let timeout = Duration::from_millis(300);
    let started = Instant::now();
    let got = query(DnsKind::OpenDns, false, addr, None, timeout);
    let took = started.elapsed();
    stop.store(true, Ordering::SeqCst);
    server.join().unwrap();
    let why = got.unwrap_err();
    assert!(why.contains("ignored"), "{why}");
    assert!(why.contains("another ID"), "{why}");
    assert!(took >= timeout, "{took:?}");
    assert!(took < timeout + Duration::from_secs(1), "{took:?}");
}

#[test]
fn query_to_a_closed_port_fails() {
    let port = UdpSocket::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let got = query(
        DnsKind::OpenDns,
        false,
        addr,
        None,
        Duration::from_millis(500),
    );
    assert!(got.is_err(), "{got:?}");
}

#[test]
fn zero_timeout_fails_without_waiting() {
    let (addr, server) = serve("127.0.0.1:0", |_, _, _| {}).unwrap();
    let got = query(DnsKind::OpenDns, false, addr, None, Duration::ZERO);
    assert!(got.unwrap_err().starts_with("no reply"));
    server.join().unwrap();
}
