//! RFC 2136 exchange tests against loopback fakes: strays, the TCP fallback, large messages,
//! silence and refusal.
use super::*;
use crate::error::Class;
use crate::family::Family;
use crate::http::Client;
use crate::provider::rfc2136::Rfc2136;
use crate::provider::rfc2136::tests::{reply, v4, vector_key, vector_provider};
use crate::provider::rfc2136::wire::{Signed, TsigKey, read_message};
use crate::provider::{Cache, Provider, Success};
use std::net::TcpListener;
use std::thread;

/// A UDP socket and a TCP listener on the same free loopback port.
fn udp_and_tcp() -> (UdpSocket, TcpListener) {
    for _ in 0..50 {
        let udp = UdpSocket::bind("127.0.0.1:0").unwrap();
        let port = udp.local_addr().unwrap().port();
        if let Ok(tcp) = TcpListener::bind(("127.0.0.1", port)) {
            return (udp, tcp);
        }
    }
    panic!("no free port for UDP and TCP");
}

/// Answers `request` as a server holding `key` would: NOERROR, signed.
fn answer(request: &[u8], key: &TsigKey) -> Vec<u8> {
    let t = read_message(request).unwrap().tsig.unwrap();
    let sent = Signed {
        wire: request.to_vec(),
        mac: t.mac.to_vec(),
        id: t.original_id,
        time_signed: t.time_signed,
    };
    reply(&sent, 0, Some(key), 0, &[])
}

fn provider_at(port: u16, name: &str) -> Rfc2136 {
    let mut p = vector_provider();
    p.server = Server::parse(&format!("127.0.0.1:{port}")).unwrap();
    p.name = name.to_string();
    p
}

#[test]
fn udp_update_ignores_strays_and_verifies() {
    let (udp, _tcp) = udp_and_tcp();
    let port = udp.local_addr().unwrap().port();
    let server = thread::spawn(move || {
        let mut buf = [0u8; 2048];
        let (len, from) = udp.recv_from(&mut buf).unwrap();
        let request = buf[..len].to_vec();
        // A stray datagram with another ID first, then the real answer.
        let mut stray = answer(&request, &vector_key());
        stray[0] ^= 0xff;
        udp.send_to(&stray, from).unwrap();
        udp.send_to(&[1, 2, 3], from).unwrap();
        udp.send_to(&answer(&request, &vector_key()), from).unwrap();
        request
    });
    let p = provider_at(port, "host.example.com");
    let mut addrs = v4("81.2.69.160");
    addrs.set("2a01:4f8:10:20::5".parse().unwrap());
    let client = Client { timeout_secs: 5 };
    let out = p.update(&client, addrs, &mut Cache::default());
    assert_eq!(
        out,
        vec![
            (Family::V4, Ok(Success::Updated)),
            (Family::V6, Ok(Success::Updated))
        ]
    );
    let request = server.join().unwrap();
    assert_eq!(&request[2..12], &[0x28, 0, 0, 1, 0, 0, 0, 4, 0, 1]);
}

#[test]
fn truncated_udp_reply_falls_back_to_tcp() {
    let (udp, tcp) = udp_and_tcp();
    let port = udp.local_addr().unwrap().port();
    let server = thread::spawn(move || {
        let mut buf = [0u8; 2048];
        let (len, from) = udp.recv_from(&mut buf).unwrap();
        // QR, opcode 5, TC.
        let mut tc = buf[..12].to_vec();
        tc[2] = 0xaa;
        udp.send_to(&tc, from).unwrap();
        let udp_request = buf[..len].to_vec();
        let (mut stream, _) = tcp.accept().unwrap();
        let mut len = [0u8; 2];
        stream.read_exact(&mut len).unwrap();
        let mut request = vec![0u8; usize::from(u16::from_be_bytes(len))];
        stream.read_exact(&mut request).unwrap();
        assert_eq!(request, udp_request);
        let a = answer(&request, &vector_key());
        // Written in two pieces, the length first.
        stream.write_all(&(a.len() as u16).to_be_bytes()).unwrap();
        thread::sleep(Duration::from_millis(20));
        stream.write_all(&a).unwrap();
    });
    let p = provider_at(port, "host.example.com");
    assert_eq!(p.send_update(5, v4("81.2.69.160")), Ok(Success::Updated));
    server.join().unwrap();
}

#[test]
fn large_messages_go_over_tcp() {
    let (udp, tcp) = udp_and_tcp();
    let port = udp.local_addr().unwrap().port();
    let server = thread::spawn(move || {
        let (mut stream, _) = tcp.accept().unwrap();
        let mut len = [0u8; 2];
        stream.read_exact(&mut len).unwrap();
        let mut request = vec![0u8; usize::from(u16::from_be_bytes(len))];
        stream.read_exact(&mut request).unwrap();
        let mut out = Vec::new();
        let a = answer(&request, &vector_key());
        out.extend_from_slice(&(a.len() as u16).to_be_bytes());
        out.extend_from_slice(&a);
        stream.write_all(&out).unwrap();
        request.len()
    });
    let long = format!("{}.{}.example.com", "a".repeat(60), "b".repeat(60));
    let p = provider_at(port, &long);
    let mut addrs = v4("81.2.69.160");
    addrs.set("2a01:4f8:10:20::5".parse().unwrap());
    assert_eq!(p.send_update(5, addrs), Ok(Success::Updated));
    assert!(server.join().unwrap() > 512);
    drop(udp);
}

#[test]
fn silence_and_refusal_are_transient() {
    // Nobody answers: the timeout.
    let udp = UdpSocket::bind("127.0.0.1:0").unwrap();
    let port = udp.local_addr().unwrap().port();
    let p = provider_at(port, "host.example.com");
    let start = Instant::now();
    let e = p.send_update(1, v4("81.2.69.160")).unwrap_err();
    assert!(start.elapsed() < Duration::from_secs(3));
    assert_eq!(e.class(), Class::Transient);
    assert!(e.to_string().contains("no reply within 1 s"), "{e}");
    drop(udp);
    // Nothing listens: port unreachable.
    let e = p.send_update(2, v4("81.2.69.160")).unwrap_err();
    assert_eq!(e.class(), Class::Transient);
    assert!(e.to_string().contains("UDP to 127.0.0.1:"), "{e}");
}
