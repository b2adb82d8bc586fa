//! The retransmission schedule and what an exchange accepts, against loopback sockets.
use super::*;
use std::thread;

fn server() -> (UdpSocket, SocketAddr) {
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    let addr = socket.local_addr().unwrap();
    socket
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    (socket, addr)
}

fn accept_ok(reply: &[u8]) -> Result<(), ParseOutcome> {
    match reply {
        b"ok" => Ok(()),
        b"fail" => Err(ParseOutcome::Fail("it failed".to_string())),
        _ => Err(ParseOutcome::Ignore("not ok".to_string())),
    }
}

#[test]
fn sends_are_spaced_by_doubling_waits_cut_to_the_timeout() {
    let (router, addr) = server();
    let socket = open(addr, None).unwrap();
    let started = Instant::now();
    let got = exchange(
        &socket,
        addr,
        b"q",
        Duration::from_millis(100),
        4,
        Duration::from_millis(1_200),
        &mut accept_ok,
    );
    let took = started.elapsed();
    assert_eq!(got, Err("no reply within 1.2s".to_string()));
    assert!(
        took >= Duration::from_millis(1_200) && took < Duration::from_secs(2),
        "{took:?}"
    );
    router.set_nonblocking(true).unwrap();
    let mut buf = [0u8; 4];
    let mut sends = 0;
    while let Ok((len, _)) = router.recv_from(&mut buf) {
        assert_eq!(&buf[..len], b"q");
        sends += 1;
    }
    // At 0, 100, 300 and 700 ms; the fifth would be due at 1500 ms, after the timeout.
    assert_eq!(sends, 4);
}

#[test]
fn the_schedule_stops_at_the_timeout() {
    let (router, addr) = server();
    let socket = open(addr, None).unwrap();
    let got = exchange(
        &socket,
        addr,
        b"q",
        Duration::from_millis(100),
        9,
        Duration::from_millis(250),
        &mut accept_ok,
    );
    assert!(got.is_err());
    router.set_nonblocking(true).unwrap();
    let mut buf = [0u8; 4];
    let mut sends = 0;
    while router.recv_from(&mut buf).is_ok() {
        sends += 1;
    }
    assert_eq!(sends, 2, "at 0 and 100 ms; 300 ms is past the timeout");
}

#[test]
fn ignored_datagrams_are_counted_and_a_failure_ends_at_once() {
    let (router, addr) = server();
    let socket = open(addr, None).unwrap();
    let helper = thread::spawn(move || {
        let mut buf = [0u8; 4];
        let (_, from) = router.recv_from(&mut buf).unwrap();
        router.send_to(b"??", from).unwrap();
        router.send_to(b"ok", from).unwrap();
        let (_, from) = router.recv_from(&mut buf).unwrap();
        router.send_to(b"fail", from).unwrap();
        router.send_to(b"ok", from).unwrap();
    });
    let long = Duration::from_secs(5);
    assert_eq!(
        exchange(&socket, addr, b"q", long, 1, long, &mut accept_ok),
        Ok(())
    );
    let started = Instant::now();
    assert_eq!(
        exchange(&socket, addr, b"q", long, 1, long, &mut accept_ok),
        Err("it failed".to_string())
    );
    assert!(started.elapsed() < Duration::from_secs(2));
    helper.join().unwrap();
}

#[test]
fn the_timeout_message_names_the_last_ignored_datagram() {
    let (router, addr) = server();
    let socket = open(addr, None).unwrap();
    let helper = thread::spawn(move || {
        let mut buf = [0u8; 4];
        let (_, from) = router.recv_from(&mut buf).unwrap();
        for _ in 0..3 {
            router.send_to(b"??", from).unwrap();
        }
    });
    let got = exchange(
        &socket,
        addr,
        b"q",
        Duration::from_secs(5),
        1,
        Duration::from_millis(300),
        &mut accept_ok,
    );
    helper.join().unwrap();
    assert_eq!(
        got,
        Err("no reply within 300ms (ignored 3 datagram(s), the last one: not ok)".to_string())
    );
}

#[test]
fn random_bytes_vary_and_result_codes_are_named() {
    let (mut a, mut b) = ([0u8; 12], [0u8; 12]);
    fill_random(&mut a);
    fill_random(&mut b);
    assert_ne!(a, b);
    let names = ["one", "two"];
    let name = |code| result_failure(code, &names).to_string();
    assert_eq!(name(1), "the router answers result code 1, one");
    assert_eq!(name(2), "the router answers result code 2, two");
    assert_eq!(name(3), "the router answers result code 3, unknown");
    assert_eq!(name(0), "the router answers result code 0, unknown");
}
