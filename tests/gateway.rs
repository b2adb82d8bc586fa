//! NAT-PMP and PCP sources through the real binary against a UDP router mock that answers with
//! the exact bytes of RFC 6886 and RFC 6887; in network namespaces (root), the default gateway
//! from `/proc/net/route` and sources bound to one of two uplinks (`%IFACE`).
mod harness;
mod support;

use harness::*;
use std::net::{Ipv4Addr, SocketAddr, UdpSocket};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::Duration;
use support::{MockServer, NetNs, Output, Reply, script};

/// What the mock sends for one datagram it received.
enum Out {
    /// This datagram to the sender, from the router's socket.
    Reply(Vec<u8>),
    /// This datagram to the sender, from another port of the same address.
    FromElsewhere(Vec<u8>),
}

/// The answers to the `n`-th datagram (from 0).
type Answer = Box<dyn Fn(usize, &[u8]) -> Vec<Out> + Send>;

/// Every datagram received, with its sender.
type Log = Arc<Mutex<Vec<(SocketAddr, Vec<u8>)>>>;

/// A UDP router mock on its own thread: answers by `answer`, records every datagram and its
/// sender; stops when dropped.
struct Router {
    addr: SocketAddr,
    received: Log,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Router {
    /// On 127.0.0.1, a free port.
    fn start(answer: Answer) -> Router {
        let other = UdpSocket::bind("127.0.0.1:0").unwrap();
        Router::on(UdpSocket::bind("127.0.0.1:0").unwrap(), Some(other), answer)
    }

    /// On `socket`; [`Out::FromElsewhere`] is sent from `other` (dropped without one).
    fn on(socket: UdpSocket, other: Option<UdpSocket>, answer: Answer) -> Router {
        let addr = socket.local_addr().unwrap();
        socket
            .set_read_timeout(Some(Duration::from_millis(20)))
            .unwrap();
        let received: Log = Arc::default();
        let stop = Arc::new(AtomicBool::new(false));
        let (log, flag) = (received.clone(), stop.clone());
        let thread = thread::spawn(move || {
            let mut buf = [0u8; 2048];
            while !flag.load(Ordering::SeqCst) {
                let Ok((len, from)) = socket.recv_from(&mut buf) else {
                    continue;
                };
                let n = {
                    let mut log = log.lock().unwrap();
                    log.push((from, buf[..len].to_vec()));
                    log.len() - 1
                };
                for out in answer(n, &buf[..len]) {
                    let _ = match out {
                        Out::Reply(bytes) => socket.send_to(&bytes, from),
                        Out::FromElsewhere(bytes) => match &other {
                            Some(other) => other.send_to(&bytes, from),
                            None => Ok(0),
                        },
                    };
                }
            }
        });
        Router {
            addr,
            received,
            stop,
            thread: Some(thread),
        }
    }

    /// `natpmp@127.0.0.1:PORT` and the like.
    fn spec(&self, protocol: &str) -> String {
        format!("{protocol}@{}", self.addr)
    }

    fn received(&self) -> Vec<(SocketAddr, Vec<u8>)> {
        self.received.lock().unwrap().clone()
    }
}

impl Drop for Router {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// A NAT-PMP external-address reply (RFC 6886 §3.2): version 0, opcode, result code, seconds
/// since the epoch, address.
fn natpmp_reply(opcode: u8, code: u16, ip: Ipv4Addr) -> Vec<u8> {
    let mut r = vec![0, opcode];
    r.extend_from_slice(&code.to_be_bytes());
    r.extend_from_slice(&3_600u32.to_be_bytes());
    r.extend_from_slice(&ip.octets());
    r
}

/// A PCP MAP response (RFC 6887 §7.2, §11.1) to `request`: its nonce, protocol and internal
/// port echoed, result `code`, the request's lifetime, external port 50000 and `ip`.
fn pcp_response(request: &[u8], code: u8, ip: Ipv4Addr) -> Vec<u8> {
    let mut r = vec![2, 0x81, 0, code];
    r.extend_from_slice(&request[4..8]);
    r.extend_from_slice(&3_600u32.to_be_bytes());
    r.extend_from_slice(&[0; 12]);
    r.extend_from_slice(&request[24..42]);
    r.extend_from_slice(&50_000u16.to_be_bytes());
    r.extend_from_slice(&ip.to_ipv6_mapped().octets());
    r
}

/// An OpenDNS-style answer to a `myip.opendns.com` A query: the question echoed, one A record.
fn dns_answer(query: &[u8], ip: Ipv4Addr) -> Vec<u8> {
    let mut r = query[..2].to_vec();
    r.extend_from_slice(&[0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0]);
    r.extend_from_slice(&query[12..]);
    r.extend_from_slice(&[0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 0, 0, 4]);
    r.extend_from_slice(&ip.octets());
    r
}

fn is_natpmp(request: &[u8]) -> bool {
    request == [0, 0]
}

fn is_pcp_map(request: &[u8]) -> bool {
    request.len() == 60 && request[..2] == [2, 1]
}

/// A router answering NAT-PMP and PCP MAP requests with `ip` (result code `code`).
fn router(code: u8, ip: Ipv4Addr) -> Answer {
    Box::new(move |_, req| match req {
        r if is_natpmp(r) => vec![Out::Reply(natpmp_reply(128, code.into(), ip))],
        r if is_pcp_map(r) => vec![Out::Reply(pcp_response(r, code, ip))],
        _ => vec![],
    })
}

fn ip(text: &str) -> Ipv4Addr {
    text.parse().unwrap()
}

fn write_config(env: &Env, sources: &[String], provider: &MockServer, timeout: u64) {
    let record = format!(
        "[[record]]\nprovider = \"duckdns\"\nserver = {:?}\ndomain = \"home\"\ntoken = \"t\"\nfamily = \"ipv4\"\n",
        provider.url()
    );
    env.write_config(timeout, sources, &record);
}

fn lifetime(request: &[u8]) -> u32 {
    u32::from_be_bytes(request[4..8].try_into().unwrap())
}

/// Checks a PCP router's record of one run: a MAP of UDP, of the sender's own nonzero port,
/// from ::ffff:127.0.0.1, then its delete (lifetime 0) with the same nonce and port from the
/// same socket. Returns the two requests.
#[track_caller]
fn map_then_delete(received: &[(SocketAddr, Vec<u8>)]) -> (Vec<u8>, Vec<u8>) {
    let [(from, map), (from2, delete)] = received else {
        panic!("not a MAP and a delete: {received:?}");
    };
    assert!(is_pcp_map(map) && is_pcp_map(delete));
    assert_eq!(map[36], 17, "protocol UDP");
    assert_ne!(from.port(), 0);
    assert_eq!(map[40..42], from.port().to_be_bytes(), "its own port");
    assert_eq!(map[8..24], Ipv4Addr::LOCALHOST.to_ipv6_mapped().octets());
    assert!((1..=3600).contains(&lifetime(map)), "{}", lifetime(map));
    assert_eq!(lifetime(delete), 0);
    assert_eq!(from2, from, "the same socket");
    assert_eq!(
        (&delete[..4], &delete[8..]),
        (&map[..4], &map[8..]),
        "the same nonce, protocol and ports"
    );
    (map.clone(), delete.clone())
}

#[test]
fn natpmp_first_update_then_an_unchanged_run() {
    let env = Env::new("natpmp-ok");
    let gw = Router::start(router(0, ip(IP1)));
    let provider = env.server(vec![Reply::ok("OK")]);
    write_config(&env, &[gw.spec("natpmp")], &provider, 3);
    expect_code(&env.run(&[]), 0);
    assert_eq!(provider.last().unwrap().param("ip"), Some(IP1));
    expect_code(&env.run(&[]), 0);
    assert_eq!(provider.count(), 1, "unchanged: nothing sent");
    let got = gw.received();
    assert_eq!(got.len(), 2, "one request a run: {got:?}");
    assert!(got.iter().all(|(_, r)| is_natpmp(r)));
}

#[test]
fn pcp_first_update_then_an_unchanged_run_and_each_mapping_is_deleted() {
    let env = Env::new("pcp-ok");
    let gw = Router::start(router(0, ip(IP1)));
    let provider = env.server(vec![Reply::ok("OK")]);
    write_config(&env, &[gw.spec("pcp")], &provider, 3);
    let out = env.run(&[]);
    expect_code(&out, 0);
    assert_eq!(provider.last().unwrap().param("ip"), Some(IP1));
    assert!(!out.stderr.contains("not confirmed"), "{}", out.stderr);
    let (first, _) = map_then_delete(&gw.received());
    expect_code(&env.run(&[]), 0);
    assert_eq!(provider.count(), 1);
    let (second, _) = map_then_delete(&gw.received()[2..]);
    assert_ne!(first[24..36], second[24..36], "a new nonce each run");
}

#[test]
fn an_unconfirmed_delete_is_a_warning_naming_the_port() {
    let env = Env::new("pcp-nodelete");
    let gw = Router::start(Box::new(|_, req: &[u8]| match req {
        r if is_pcp_map(r) && lifetime(r) > 0 => vec![Out::Reply(pcp_response(r, 0, ip(IP1)))],
        _ => vec![],
    }));
    let provider = env.server(vec![Reply::ok("OK")]);
    write_config(&env, &[gw.spec("pcp")], &provider, 5);
    let out = env.run(&[]);
    expect_code(&out, 0);
    assert_eq!(provider.last().unwrap().param("ip"), Some(IP1));
    let got = gw.received();
    let (map, _) = map_then_delete(&got);
    let port = u16::from_be_bytes([map[40], map[41]]);
    assert!(
        out.stderr
            .contains(&format!("mapping of UDP port {port} not confirmed deleted")),
        "{}",
        out.stderr
    );
    assert!(out.elapsed < Duration::from_secs(4), "{:?}", out.elapsed);
}

#[test]
fn a_lost_request_is_sent_again() {
    let env = Env::new("gw-retry");
    let drop_first = |n: usize, req: &[u8]| {
        let mut outs = router(0, ip(IP1))(n, req);
        if n == 0 {
            outs.clear();
        }
        outs
    };
    let natpmp = Router::start(Box::new(drop_first));
    let provider = env.server(vec![Reply::ok("OK")]);
    write_config(&env, &[natpmp.spec("natpmp")], &provider, 5);
    let out = env.run(&[]);
    expect_code(&out, 0);
    assert_eq!(provider.last().unwrap().param("ip"), Some(IP1));
    let got = natpmp.received();
    assert_eq!(got.len(), 2, "{got:?}");
    assert_eq!(got[0], got[1], "the same request from the same socket");
    assert!(
        out.elapsed >= Duration::from_millis(250),
        "{:?}",
        out.elapsed
    );

    let pcp = Router::start(Box::new(drop_first));
    write_config(&env, &[pcp.spec("pcp")], &provider, 5);
    std::fs::remove_file(&env.state).unwrap();
    let out = env.run(&[]);
    expect_code(&out, 0);
    let got = pcp.received();
    assert_eq!(got.len(), 3, "MAP, MAP again after 3 s, delete: {got:?}");
    assert_eq!(got[0], got[1]);
    map_then_delete(&got[1..]);
    assert!(out.elapsed >= Duration::from_secs(3), "{:?}", out.elapsed);
}

#[test]
fn datagrams_from_elsewhere_or_for_another_request_are_ignored() {
    let env = Env::new("gw-spoof");
    let decoy = ip(IP2);
    let natpmp = Router::start(Box::new(move |_, req: &[u8]| {
        if !is_natpmp(req) {
            return vec![];
        }
        vec![
            Out::FromElsewhere(natpmp_reply(128, 0, decoy)),
            // A port-mapping reply (opcode 129), and one of another length.
            Out::Reply(natpmp_reply(129, 0, decoy)),
            Out::Reply([natpmp_reply(128, 0, decoy), vec![0]].concat()),
            Out::Reply(natpmp_reply(128, 0, ip(IP1))),
        ]
    }));
    let pcp = Router::start(Box::new(move |_, req: &[u8]| {
        if !is_pcp_map(req) {
            return vec![];
        }
        let mut other_nonce = pcp_response(req, 0, decoy);
        other_nonce[24] ^= 0xff;
        let mut announce = pcp_response(req, 0, decoy);
        announce[1] = 0x80;
        vec![
            Out::FromElsewhere(pcp_response(req, 0, decoy)),
            Out::Reply(other_nonce),
            Out::Reply(announce),
            Out::Reply(pcp_response(req, 0, ip(IP2))),
        ]
    }));
    let provider = env.server(vec![Reply::ok("OK")]);
    write_config(&env, &[natpmp.spec("natpmp")], &provider, 3);
    expect_code(&env.run(&[]), 0);
    assert_eq!(provider.last().unwrap().param("ip"), Some(IP1));

    // The same through PCP; its right answer is IP2, so the record changes.
    write_config(&env, &[pcp.spec("pcp")], &provider, 3);
    let out = env.run(&[]);
    expect_code(&out, 0);
    assert_eq!(provider.count(), 2, "{}", out.stderr);
    assert_eq!(provider.last().unwrap().param("ip"), Some(IP2));
    map_then_delete(&pcp.received());
}

#[test]
fn a_refusing_router_moves_on_to_the_next_source() {
    let env = Env::new("gw-refused");
    let natpmp_refuses = Router::start(router(2, ip(IP2)));
    let pcp_refuses = Router::start(router(2, ip(IP2)));
    let pcp_only = Router::start(Box::new(|_, req: &[u8]| {
        // A PCP server's UNSUPP_VERSION to a NAT-PMP request (version 2, result 1).
        let mut r = vec![2, 0x80, 0, 1];
        r.extend_from_slice(&[0; 20]);
        if is_natpmp(req) {
            vec![Out::Reply(r)]
        } else {
            vec![]
        }
    }));
    let natpmp_only = Router::start(Box::new(|_, req: &[u8]| {
        // RFC 6886 §3.5: version 0, opcode 128 + 1, result 1, epoch.
        let r = vec![0, 0x81, 0, 1, 0, 0, 0, 9];
        if is_pcp_map(req) {
            vec![Out::Reply(r)]
        } else {
            vec![]
        }
    }));
    let good = Router::start(router(0, ip(IP1)));
    let provider = env.server(vec![Reply::ok("OK")]);
    let sources = [
        natpmp_refuses.spec("natpmp"),
        pcp_refuses.spec("pcp"),
        pcp_only.spec("natpmp"),
        natpmp_only.spec("pcp"),
        good.spec("natpmp"),
    ];
    write_config(&env, &sources, &provider, 3);
    let out = env.run(&["-v"]);
    expect_code(&out, 0);
    assert_eq!(provider.last().unwrap().param("ip"), Some(IP1));
    for said in [
        format!(
            "natpmp@{}: the router answers result code 2, not authorized",
            natpmp_refuses.addr
        ),
        "result code 2, NOT_AUTHORIZED".to_string(),
        "the router speaks PCP, not NAT-PMP; use pcp".to_string(),
        "the router speaks only NAT-PMP; use natpmp".to_string(),
    ] {
        assert!(out.stderr.contains(&said), "{said}: {}", out.stderr);
    }
    assert!(out.elapsed < Duration::from_secs(3), "{:?}", out.elapsed);
    // A refused MAP created nothing: no delete.
    assert_eq!(pcp_refuses.received().len(), 1);
}

#[test]
fn a_router_behind_another_nat_is_refused() {
    let env = Env::new("gw-double");
    let natpmp = Router::start(router(0, ip("10.0.0.5")));
    let pcp = Router::start(router(0, ip("100.64.1.2")));
    let provider = env.server(vec![Reply::ok("OK")]);
    write_config(
        &env,
        &[natpmp.spec("natpmp"), pcp.spec("pcp")],
        &provider,
        3,
    );
    let out = env.run(&[]);
    expect_code(&out, 1);
    assert_eq!(provider.count(), 0);
    for said in [
        format!(
            "natpmp@{}: the router reports 10.0.0.5, a private address",
            natpmp.addr
        ),
        format!(
            "pcp@{}: the router reports 100.64.1.2, a carrier-grade NAT address",
            pcp.addr
        ),
    ] {
        assert!(out.stderr.contains(&said), "{said}: {}", out.stderr);
    }
    assert_eq!(
        out.stderr.matches("double NAT").count(),
        2,
        "{}",
        out.stderr
    );
    // The mapping was made, so it was deleted too.
    map_then_delete(&pcp.received());
}

#[test]
fn a_silent_router_costs_at_most_the_timeout() {
    let env = Env::new("gw-silent");
    let natpmp = Router::start(Box::new(|_, _: &[u8]| vec![]));
    let pcp = Router::start(Box::new(|_, _: &[u8]| vec![]));
    let provider = env.server(vec![Reply::ok("OK")]);
    write_config(
        &env,
        &[natpmp.spec("natpmp"), pcp.spec("pcp")],
        &provider,
        2,
    );
    let out = env.run(&[]);
    expect_code(&out, 1);
    assert_eq!(provider.count(), 0);
    assert_eq!(
        out.stderr.matches("no reply within 2s").count(),
        2,
        "{}",
        out.stderr
    );
    assert!(out.elapsed >= Duration::from_secs(4), "{:?}", out.elapsed);
    assert!(out.elapsed < Duration::from_secs(6), "{:?}", out.elapsed);
    // NAT-PMP at 0, 0.25, 0.75 and 1.75 s; PCP at 0 (the next is due at 3 s); no delete.
    assert_eq!(natpmp.received().len(), 4);
    assert_eq!(pcp.received().len(), 1);
}

/// Runs ddnsup inside `ns` with `env`'s config.
fn run_in(ns: &NetNs, env: &Env, extra: &[&str]) -> Output {
    ns.run_ddnsup(&env.config, extra)
}

/// A namespace holding the other end `peer` of `lan`'s veth `dev`, with `cidr` on it.
fn uplink(lan: &NetNs, dev: &str, peer: &str, lan_cidr: &str, peer_cidr: &str) -> Option<NetNs> {
    let other = NetNs::create(peer)?;
    lan.veth_to(dev, &other, peer);
    other.add_addr(peer, peer_cidr, &[]);
    lan.add_addr(dev, lan_cidr, &[]);
    Some(other)
}

/// A router mock bound to `addr` inside `ns`.
fn router_in(ns: &NetNs, addr: &str, answer: Answer) -> Router {
    let addr: SocketAddr = addr.parse().unwrap();
    let socket = ns.run_inside(move || UdpSocket::bind(addr).unwrap());
    Router::on(socket, None, answer)
}

#[test]
fn without_an_address_the_default_gateway_is_asked() {
    let Some(lan) = NetNs::create("gw-lan") else {
        return;
    };
    let Some(gw) = uplink(&lan, "wan0", "gw0", "10.1.0.2/24", "10.1.0.1/24") else {
        return;
    };
    // A host route first, then two defaults: the lower metric is the gateway.
    lan.ip(&[
        "route",
        "add",
        "10.7.0.0/16",
        "via",
        "10.1.0.7",
        "dev",
        "wan0",
    ]);
    lan.ip(&[
        "route", "add", "default", "via", "10.1.0.9", "dev", "wan0", "metric", "300",
    ]);
    lan.ip(&[
        "route", "add", "default", "via", "10.1.0.1", "dev", "wan0", "metric", "100",
    ]);
    let mock = router_in(
        &gw,
        "0.0.0.0:5351",
        Box::new(|_, req: &[u8]| match req {
            r if is_natpmp(r) => vec![Out::Reply(natpmp_reply(128, 0, ip(IP1)))],
            r if is_pcp_map(r) => vec![Out::Reply(pcp_response(r, 0, ip(IP2)))],
            _ => vec![],
        }),
    );
    let env = Env::new("gw-default");
    let ca = env.ca.clone();
    let provider = lan.run_inside(move || MockServer::https(&ca, script(vec![Reply::ok("OK")])));
    write_config(&env, &["natpmp".to_string()], &provider, 3);
    let out = run_in(&lan, &env, &["-v"]);
    expect_code(&out, 0);
    assert_eq!(provider.last().unwrap().param("ip"), Some(IP1));

    write_config(&env, &["pcp%wan0".to_string()], &provider, 3);
    let out = run_in(&lan, &env, &["-v"]);
    expect_code(&out, 0);
    assert_eq!(provider.last().unwrap().param("ip"), Some(IP2));
    let got = mock.received();
    assert_eq!(got.len(), 3, "{got:?}");
    assert!(
        got.iter()
            .all(|(from, _)| from.ip().to_string() == "10.1.0.2")
    );

    // Named interfaces without a default route.
    write_config(&env, &["natpmp%lo".to_string()], &provider, 3);
    let out = run_in(&lan, &env, &[]);
    expect_code(&out, 1);
    assert!(
        out.stderr.contains("no default route on lo"),
        "{}",
        out.stderr
    );
    lan.ip(&["route", "del", "default", "via", "10.1.0.1"]);
    lan.ip(&["route", "del", "default", "via", "10.1.0.9"]);
    write_config(&env, &["natpmp".to_string()], &provider, 3);
    let out = run_in(&lan, &env, &[]);
    expect_code(&out, 1);
    assert!(
        out.stderr.contains("natpmp: no IPv4 default route"),
        "{}",
        out.stderr
    );
}

#[test]
fn each_uplink_is_asked_through_its_own_interface() {
    let Some(lan) = NetNs::create("gw-multi") else {
        return;
    };
    let Some(a) = uplink(&lan, "wa", "pa", "10.1.0.2/24", "10.1.0.1/24") else {
        return;
    };
    let Some(b) = uplink(&lan, "wb", "pb", "10.2.0.2/24", "10.2.0.1/24") else {
        return;
    };
    // Replies from 10.9.9.9 come in on wb too, where the route back says wa.
    for dev in ["all", "default", "wa", "wb"] {
        lan.sysctl(&format!("net/ipv4/conf/{dev}/rp_filter"), "0");
    }
    lan.ip(&[
        "route", "add", "default", "via", "10.1.0.1", "dev", "wa", "metric", "100",
    ]);
    lan.ip(&[
        "route", "add", "default", "via", "10.2.0.1", "dev", "wb", "metric", "200",
    ]);
    // The same server address behind each uplink, each saying its own public address.
    let mut mocks = Vec::new();
    for (ns, public) in [(&a, IP1), (&b, IP2)] {
        ns.add_addr("lo", "10.9.9.9/32", &[]);
        let public = ip(public);
        mocks.push(router_in(ns, "10.9.9.9:5351", router(0, public)));
        mocks.push(router_in(
            ns,
            "10.9.9.9:53",
            Box::new(move |_, q: &[u8]| vec![Out::Reply(dns_answer(q, public))]),
        ));
    }
    let env = Env::new("gw-multi");
    let ca = env.ca.clone();
    let provider = lan.run_inside(move || MockServer::https(&ca, script(vec![Reply::ok("OK")])));
    let mut said = Vec::new();
    for source in [
        "natpmp@10.9.9.9%wb",
        "natpmp@10.9.9.9%wa",
        "dns:opendns@10.9.9.9%wb",
        "dns:opendns@10.9.9.9%wa",
        "pcp@10.9.9.9%wb",
    ] {
        write_config(&env, &[source.to_string()], &provider, 3);
        let out = run_in(&lan, &env, &["-v"]);
        expect_code(&out, 0);
        said.push(provider.last().unwrap().param("ip").unwrap().to_string());
    }
    assert_eq!(said, [IP2, IP1, IP2, IP1, IP2]);
    assert_eq!(provider.count(), 5, "each run changed the address");
    // Each mock heard only from its own side.
    for (mock, from) in mocks
        .iter()
        .zip(["10.1.0.2", "10.1.0.2", "10.2.0.2", "10.2.0.2"])
    {
        let got = mock.received();
        assert!(!got.is_empty());
        assert!(
            got.iter().all(|(f, _)| f.ip().to_string() == from),
            "{got:?}"
        );
    }

    write_config(&env, &["natpmp%wz".to_string()], &provider, 3);
    let out = run_in(&lan, &env, &[]);
    expect_code(&out, 1);
    assert!(
        out.stderr.contains("no default route on wz"),
        "{}",
        out.stderr
    );
    write_config(&env, &["dns:opendns@10.9.9.9%wz".to_string()], &provider, 3);
    let out = run_in(&lan, &env, &[]);
    expect_code(&out, 1);
    assert!(
        out.stderr.contains("no such interface wz"),
        "{}",
        out.stderr
    );
}
