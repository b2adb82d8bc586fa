//! UPnP IGD sources through the real binary: `upnp@URL` against a loopback mock router serving
//! a device description and the SOAP control URL, and SSDP discovery in a pair of network
//! namespaces (a LAN where ddnsup runs, a router answering the M-SEARCH). The namespace tests
//! need root; without it they pass after printing why they skipped.
mod harness;
mod support;

use harness::*;
use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, UdpSocket};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::Duration;
use support::{MockServer, NetNs, Output, Reply, route};

const WAN_IP: &str = "urn:schemas-upnp-org:service:WANIPConnection:1";
const WAN_PPP: &str = "urn:schemas-upnp-org:service:WANPPPConnection:1";

/// A device description in miniupnpd's shape with one connection service at `control`.
fn description(service: &str, control: &str) -> String {
    format!(
        "<?xml version=\"1.0\"?>\r\n<root xmlns=\"urn:schemas-upnp-org:device-1-0\"><specVersion><major>1</major><minor>1</minor></specVersion><device><deviceType>urn:schemas-upnp-org:device:InternetGatewayDevice:1</deviceType><friendlyName>router</friendlyName><serviceList><service><serviceType>urn:schemas-upnp-org:service:Layer3Forwarding:1</serviceType><serviceId>urn:upnp-org:serviceId:L3Forwarding1</serviceId><SCPDURL>/L3F.xml</SCPDURL><controlURL>/ctl/L3F</controlURL><eventSubURL>/evt/L3F</eventSubURL></service></serviceList><deviceList><device><deviceType>urn:schemas-upnp-org:device:WANDevice:1</deviceType><deviceList><device><deviceType>urn:schemas-upnp-org:device:WANConnectionDevice:1</deviceType><serviceList><service><serviceType>{service}</serviceType><serviceId>urn:upnp-org:serviceId:WANIPConn1</serviceId><SCPDURL>/WANIPCn.xml</SCPDURL><controlURL>{control}</controlURL><eventSubURL>/evt/IPConn</eventSubURL></service></serviceList></device></deviceList></device></deviceList></device></root>\r\n"
    )
}

/// miniupnpd's GetExternalIPAddress reply for `ip`.
fn soap_ok(ip: &str) -> String {
    format!(
        "<?xml version=\"1.0\"?>\r\n<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\" s:encodingStyle=\"http://schemas.xmlsoap.org/soap/encoding/\"><s:Body><u:GetExternalIPAddressResponse xmlns:u=\"{WAN_IP}\"><NewExternalIPAddress>{ip}</NewExternalIPAddress></u:GetExternalIPAddressResponse></s:Body></s:Envelope>\r\n"
    )
}

/// miniupnpd's SOAP fault for UPnP error 501.
const SOAP_FAULT: &str = "<?xml version=\"1.0\"?>\r\n<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\" s:encodingStyle=\"http://schemas.xmlsoap.org/soap/encoding/\"><s:Body><s:Fault><faultcode>s:Client</faultcode><faultstring>UPnPError</faultstring><detail><UPnPError xmlns=\"urn:schemas-upnp-org:control-1-0\"><errorCode>501</errorCode><errorDescription>Action Failed</errorDescription></UPnPError></detail></s:Fault></s:Body></s:Envelope>\r\n";

/// A loopback router: the description at `/rootDesc.xml`, `soap` at `/ctl/IPConn`.
fn router(desc: Reply, soap: Reply) -> MockServer {
    MockServer::http(route(vec![("/rootDesc.xml", desc), ("/ctl/IPConn", soap)]))
}

fn xml(body: &str) -> Reply {
    Reply::ok(body).with_header("Content-Type", "text/xml; charset=\"utf-8\"")
}

fn location(router: &MockServer) -> String {
    format!("upnp@{}/rootDesc.xml", router.url())
}

fn record(provider: &MockServer) -> String {
    format!(
        "[[record]]\nprovider = \"duckdns\"\nserver = {:?}\ndomain = \"home\"\ntoken = \"t\"\nfamily = \"ipv4\"\n",
        provider.url()
    )
}

/// The paths asked of `server`, in order.
fn paths(server: &MockServer) -> Vec<String> {
    server.requests().into_iter().map(|r| r.path).collect()
}

#[test]
fn the_router_address_is_used_then_unchanged() {
    let env = Env::new("upnp-ok");
    let gw = router(xml(&description(WAN_IP, "/ctl/IPConn")), xml(&soap_ok(IP1)));
    let provider = env.server(vec![Reply::ok("OK")]);
    env.write_config(3, &[location(&gw)], &record(&provider));

    let out = env.run(&["-v"]);
    expect_code(&out, 0);
    assert_eq!(provider.count(), 1);
    assert_eq!(provider.last().unwrap().param("ip"), Some(IP1));
    assert_eq!(paths(&gw), ["/rootDesc.xml", "/ctl/IPConn"]);
    let desc = &gw.requests()[0];
    assert_eq!((desc.method.as_str(), desc.body.len()), ("GET", 0));
    let soap = &gw.requests()[1];
    assert_eq!(soap.method, "POST");
    assert_eq!(
        soap.header("soapaction"),
        Some("\"urn:schemas-upnp-org:service:WANIPConnection:1#GetExternalIPAddress\"")
    );
    assert_eq!(
        soap.header("content-type"),
        Some("text/xml; charset=\"utf-8\"")
    );
    assert_eq!(
        soap.header("host"),
        Some(format!("127.0.0.1:{}", gw.port()).as_str())
    );
    assert_eq!(
        soap.body_text(),
        "<?xml version=\"1.0\"?>\r\n<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\" s:encodingStyle=\"http://schemas.xmlsoap.org/soap/encoding/\"><s:Body><u:GetExternalIPAddress xmlns:u=\"urn:schemas-upnp-org:service:WANIPConnection:1\"></u:GetExternalIPAddress></s:Body></s:Envelope>\r\n"
    );

    // Nothing changed: the router is asked again, the provider is not.
    let out = env.run(&[]);
    expect_code(&out, 0);
    assert_eq!(provider.count(), 1);
    assert_eq!(gw.count(), 4);
}

#[test]
fn a_ppp_connection_is_asked_with_its_own_service_type() {
    let env = Env::new("upnp-ppp");
    let gw = router(xml(&description(WAN_PPP, "ctl/IPConn")), xml(&soap_ok(IP2)));
    let provider = env.server(vec![Reply::ok("OK")]);
    env.write_config(3, &[location(&gw)], &record(&provider));
    expect_code(&env.run(&[]), 0);
    assert_eq!(provider.last().unwrap().param("ip"), Some(IP2));
    assert_eq!(
        gw.last().unwrap().header("soapaction"),
        Some("\"urn:schemas-upnp-org:service:WANPPPConnection:1#GetExternalIPAddress\"")
    );
    assert!(gw.last().unwrap().body_text().contains(
        "<u:GetExternalIPAddress xmlns:u=\"urn:schemas-upnp-org:service:WANPPPConnection:1\">"
    ));
}

#[test]
fn a_soap_fault_falls_through_to_the_next_source() {
    let env = Env::new("upnp-fault");
    let gw = router(
        xml(&description(WAN_IP, "/ctl/IPConn")),
        Reply::Full {
            status: 500,
            headers: vec![("Content-Type".into(), "text/xml".into())],
            body: SOAP_FAULT.as_bytes().to_vec(),
        },
    );
    let web = env.ip_source(&[IP2]);
    let provider = env.server(vec![Reply::ok("OK")]);
    env.write_config(3, &[location(&gw), web.url()], &record(&provider));
    let out = env.run(&["-v"]);
    expect_code(&out, 0);
    assert_eq!(provider.last().unwrap().param("ip"), Some(IP2));
    assert_eq!(gw.count(), 2);
    assert!(
        out.stderr.contains(&format!(
            "upnp@127.0.0.1:{}/rootDesc.xml: router 127.0.0.1:{}: WANIPConnection:1: refused GetExternalIPAddress: UPnP error 501 (Action Failed)",
            gw.port(),
            gw.port()
        )),
        "{}",
        out.stderr
    );
}

#[test]
fn a_control_url_on_another_host_is_never_asked() {
    let env = Env::new("upnp-elsewhere");
    // The other host would answer, with an address ddnsup must not take.
    let elsewhere = router(xml(""), xml(&soap_ok(IP1)));
    let gw = router(
        xml(&description(
            WAN_IP,
            &format!("{}/ctl/IPConn", elsewhere.url_localhost()),
        )),
        xml(&soap_ok(IP1)),
    );
    let web = env.ip_source(&[IP2]);
    let provider = env.server(vec![Reply::ok("OK")]);
    env.write_config(3, &[location(&gw), web.url()], &record(&provider));
    let out = env.run(&["-v"]);
    expect_code(&out, 0);
    assert_eq!(provider.last().unwrap().param("ip"), Some(IP2));
    assert_eq!(elsewhere.count(), 0);
    assert_eq!(paths(&gw), ["/rootDesc.xml"]);
    assert!(
        out.stderr.contains(&format!(
            "the control URL http://localhost:{}/ctl/IPConn is not on the router's own host 127.0.0.1; not asked",
            elsewhere.port()
        )),
        "{}",
        out.stderr
    );
}

#[test]
fn a_redirect_off_the_router_is_not_followed() {
    let env = Env::new("upnp-redirect");
    // The other host would answer both steps, with an address ddnsup must not take.
    let elsewhere = router(xml(&description(WAN_IP, "/ctl/IPConn")), xml(&soap_ok(IP1)));
    let to = |path: &str| {
        Reply::status(302, "").with_header("Location", &format!("{}{path}", elsewhere.url()))
    };
    let description_moved = router(to("/rootDesc.xml"), xml(&soap_ok(IP1)));
    let control_moved = router(xml(&description(WAN_IP, "/ctl/IPConn")), to("/ctl/IPConn"));
    let web = env.ip_source(&[IP2]);
    let provider = env.server(vec![Reply::ok("OK")]);
    env.write_config(
        3,
        &[
            location(&description_moved),
            location(&control_moved),
            web.url(),
        ],
        &record(&provider),
    );
    let out = env.run(&["-v"]);
    expect_code(&out, 0);
    assert_eq!(provider.last().unwrap().param("ip"), Some(IP2));
    assert_eq!(elsewhere.count(), 0, "{}", out.stderr);
    for moved in [&description_moved, &control_moved] {
        let said = format!(
            "127.0.0.1:{}: redirected to another host (127.0.0.1:{}); not followed",
            moved.port(),
            elsewhere.port()
        );
        assert!(out.stderr.contains(&said), "{said}: {}", out.stderr);
    }
}

#[test]
fn garbage_and_oversized_replies_are_refused() {
    let env = Env::new("upnp-garbage");
    let desc = || xml(&description(WAN_IP, "/ctl/IPConn"));
    let cases = [
        (
            router(Reply::Huge(200_000), xml(&soap_ok(IP1))),
            "reply larger than 64 KiB",
        ),
        (
            router(xml("<html><body>router</body></html"), xml(&soap_ok(IP1))),
            "the device description is not well-formed XML",
        ),
        (
            router(Reply::status(404, "not found"), xml(&soap_ok(IP1))),
            "device description: HTTP 404",
        ),
        (
            router(desc(), Reply::Huge(200_000)),
            "reply larger than 64 KiB",
        ),
        (
            router(desc(), xml(&soap_ok(&format!(" {IP1}")))),
            "NewExternalIPAddress is not an IPv4 address: \" 81.2.69.160\"",
        ),
        (
            router(desc(), xml(&soap_ok(&format!("<b>{IP1}</b>")))),
            "NewExternalIPAddress is not an IPv4 address",
        ),
        (
            router(desc(), xml(&format!("{IP1}\n"))),
            "not a GetExternalIPAddressResponse",
        ),
        (
            router(desc(), xml(&soap_ok(""))),
            "the router has no external address",
        ),
        (
            router(
                desc(),
                Reply::raw("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n81.2"),
            ),
            "reply cut short after 4 of 5 bytes",
        ),
    ];
    let provider = env.server(vec![Reply::ok("OK")]);
    let sources: Vec<String> = cases.iter().map(|(gw, _)| location(gw)).collect();
    env.write_config(3, &sources, &record(&provider));
    let out = env.run(&["-v"]);
    expect_code(&out, 1);
    assert_eq!(provider.count(), 0);
    for (gw, why) in &cases {
        let port = gw.port();
        let line = out
            .stderr
            .lines()
            .find(|l| {
                l.contains(&format!(
                    "upnp@127.0.0.1:{port}/rootDesc.xml: router 127.0.0.1:{port}: "
                ))
            })
            .unwrap_or_else(|| panic!("no line for {port}:\n{}", out.stderr));
        assert!(line.contains(why), "{why}: {line}");
    }
    assert!(out.stderr.contains("no A update sent"), "{}", out.stderr);
}

#[test]
fn a_router_behind_another_nat_is_refused() {
    let env = Env::new("upnp-double-nat");
    let gw = router(
        xml(&description(WAN_IP, "/ctl/IPConn")),
        xml(&soap_ok("100.64.12.34")),
    );
    let provider = env.server(vec![Reply::ok("OK")]);
    env.write_config(3, &[location(&gw)], &record(&provider));
    let out = env.run(&[]);
    expect_code(&out, 1);
    assert_eq!(provider.count(), 0);
    assert!(
        out.stderr.contains(&format!(
            "router 127.0.0.1:{}: the router reports 100.64.12.34",
            gw.port()
        )) && out.stderr.contains("double NAT"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_silent_control_url_costs_at_most_the_timeout_for_the_whole_exchange() {
    let env = Env::new("upnp-hang");
    let gw = router(xml(&description(WAN_IP, "/ctl/IPConn")), Reply::Hang);
    let provider = env.server(vec![Reply::ok("OK")]);
    env.write_config(2, &[location(&gw)], &record(&provider));
    let out = env.run(&[]);
    expect_code(&out, 1);
    assert_eq!(paths(&gw), ["/rootDesc.xml", "/ctl/IPConn"]);
    assert!(
        out.elapsed >= Duration::from_secs(2),
        "took {:?}",
        out.elapsed
    );
    assert!(
        out.elapsed < Duration::from_millis(3500),
        "took {:?}",
        out.elapsed
    );
    assert!(out.stderr.contains("timed out after 2 s"), "{}", out.stderr);
}

// ---- SSDP discovery in network namespaces ----

/// The router side of the LAN.
const GW_ADDR: &str = "192.168.77.1";
/// Another address on the router side, where a description would also be served.
const OTHER_ADDR: &str = "192.168.77.3";
/// ddnsup's side.
const LAN_ADDR: &str = "192.168.77.2";

/// A LAN namespace (ddnsup, default route via the router) joined by a veth pair to a router
/// namespace that holds an HTTP server on every address and an SSDP responder.
struct Lan {
    lan: NetNs,
    _gw: NetNs,
    http: Served,
    ssdp: Served,
    /// The port the router's HTTP server listens on (all addresses).
    port: u16,
}

/// What a mock saw: for each request, an address (the HTTP server's own, the sender of a
/// datagram) and the bytes.
type Seen = Arc<Mutex<Vec<(SocketAddr, Vec<u8>)>>>;

/// A background thread serving until dropped, and what it saw.
struct Served {
    stop: Arc<AtomicBool>,
    seen: Seen,
    thread: Option<JoinHandle<()>>,
}

impl Served {
    fn seen(&self) -> Vec<(SocketAddr, Vec<u8>)> {
        self.seen.lock().unwrap().clone()
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Lan {
    /// `answers(port)` are the datagrams the responder sends back for each M-SEARCH; `soap`
    /// is the body of every control-URL reply.
    fn create(tag: &str, answers: fn(u16) -> Vec<String>, soap: String) -> Option<Lan> {
        let lan = NetNs::create(&format!("{tag}-lan"))?;
        let gw = NetNs::create(&format!("{tag}-gw"))?;
        lan.veth_to("lan0", &gw, "gw0");
        lan.add_addr("lan0", &format!("{LAN_ADDR}/24"), &[]);
        lan.ip(&["route", "add", "default", "via", GW_ADDR]);
        gw.add_addr("gw0", &format!("{GW_ADDR}/24"), &[]);
        gw.add_addr("gw0", &format!("{OTHER_ADDR}/24"), &[]);
        let desc = description(WAN_IP, "/ctl/IPConn");
        let (http, port) = gw.run_inside(move || serve_http(desc, soap));
        let ssdp = gw.run_inside(move || respond_ssdp(answers(port)));
        Some(Lan {
            lan,
            _gw: gw,
            http,
            ssdp,
            port,
        })
    }

    fn run(&self, env: &Env, extra: &[&str]) -> Output {
        self.lan.run_ddnsup(&env.config, extra)
    }
}

/// A tiny HTTP server on every address of the namespace: `desc` for `/rootDesc.xml`, `soap`
/// for `/ctl/IPConn`, 404 otherwise; one request per connection.
fn serve_http(desc: String, soap: String) -> (Served, u16) {
    let listener = TcpListener::bind("0.0.0.0:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    listener.set_nonblocking(true).unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    let seen: Seen = Arc::default();
    let (s, log) = (stop.clone(), seen.clone());
    let thread = thread::spawn(move || {
        while !s.load(Ordering::SeqCst) {
            let Ok((mut conn, _)) = listener.accept() else {
                thread::sleep(Duration::from_millis(10));
                continue;
            };
            conn.set_nonblocking(false).unwrap();
            conn.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
            let request = read_http_request(&mut conn);
            let head = String::from_utf8_lossy(&request).into_owned();
            log.lock()
                .unwrap()
                .push((conn.local_addr().unwrap(), request));
            let (status, body) = match head.split(' ').nth(1) {
                Some("/rootDesc.xml") => ("200 OK", desc.as_str()),
                Some("/ctl/IPConn") => ("200 OK", soap.as_str()),
                _ => ("404 Not Found", ""),
            };
            let reply = format!(
                "HTTP/1.1 {status}\r\nContent-Type: text/xml; charset=\"utf-8\"\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = conn.write_all(reply.as_bytes());
        }
    });
    let served = Served {
        stop,
        seen,
        thread: Some(thread),
    };
    (served, port)
}

/// One request: the head, then `Content-Length` bytes of body.
fn read_http_request(conn: &mut impl Read) -> Vec<u8> {
    let mut data = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        let text = String::from_utf8_lossy(&data).to_ascii_lowercase();
        if let Some(end) = text.find("\r\n\r\n") {
            let length = text[..end]
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse::<usize>().ok())
                .unwrap_or(0);
            if data.len() >= end + 4 + length {
                return data;
            }
        }
        match conn.read(&mut buf) {
            Ok(0) | Err(_) => return data,
            Ok(n) if data.len() < 1 << 20 => data.extend_from_slice(&buf[..n]),
            Ok(_) => return data,
        }
    }
}

/// An SSDP responder: joins 239.255.255.250 on the router's address, records each datagram
/// and answers it (unicast, from port 1900) with `answers`.
fn respond_ssdp(answers: Vec<String>) -> Served {
    let socket = UdpSocket::bind("0.0.0.0:1900").unwrap();
    socket
        .join_multicast_v4(
            &Ipv4Addr::new(239, 255, 255, 250),
            &GW_ADDR.parse().unwrap(),
        )
        .unwrap();
    socket
        .set_read_timeout(Some(Duration::from_millis(50)))
        .unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    let seen: Seen = Arc::default();
    let (s, log) = (stop.clone(), seen.clone());
    let thread = thread::spawn(move || {
        let mut buf = [0u8; 2048];
        while !s.load(Ordering::SeqCst) {
            let Ok((n, from)) = socket.recv_from(&mut buf) else {
                continue;
            };
            log.lock().unwrap().push((from, buf[..n].to_vec()));
            for answer in &answers {
                let _ = socket.send_to(answer.as_bytes(), from);
            }
        }
    });
    Served {
        stop,
        seen,
        thread: Some(thread),
    }
}

/// miniupnpd's answer to an M-SEARCH, with `location`.
fn ssdp_reply(location: &str) -> String {
    format!(
        "HTTP/1.1 200 OK\r\nCACHE-CONTROL: max-age=120\r\nST: urn:schemas-upnp-org:device:InternetGatewayDevice:1\r\nUSN: uuid:7c0a2f1e-1d2b-4c5e-9f00-0123456789ab::urn:schemas-upnp-org:device:InternetGatewayDevice:1\r\nEXT:\r\nSERVER: OpenWrt/23.05 UPnP/1.1 MiniUPnPd/2.3.3\r\nLOCATION: {location}\r\nOPT: \"http://schemas.upnp.org/upnp/1/0/\"; ns=01\r\n01-NLS: 1\r\nBOOTID.UPNP.ORG: 1\r\nCONFIGID.UPNP.ORG: 1337\r\n\r\n"
    )
}

const MSEARCH: &str = "M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: \"ssdp:discover\"\r\nMX: 2\r\nST: urn:schemas-upnp-org:device:InternetGatewayDevice:1\r\n\r\n";

/// Starts the provider inside `lan`'s namespace and writes a config with `sources`.
fn setup(lan: &Lan, env: &Env, timeout: u64) -> MockServer {
    let ca = env.ca.clone();
    let provider = lan
        .lan
        .run_inside(move || MockServer::https(&ca, support::script(vec![Reply::ok("OK")])));
    env.write_config(timeout, &["upnp".to_string()], &record(&provider));
    provider
}

#[test]
fn discovery_finds_the_router_and_ignores_answers_about_other_hosts() {
    let answers = |port: u16| {
        vec![
            // About another host: ignored, though a description is served there too.
            ssdp_reply(&format!("http://{OTHER_ADDR}:{port}/rootDesc.xml")),
            "garbage".to_string(),
            ssdp_reply(&format!("http://{GW_ADDR}:{port}/rootDesc.xml")),
        ]
    };
    let Some(lan) = Lan::create("upnp-ssdp", answers, soap_ok(IP1)) else {
        return;
    };
    let env = Env::new("upnp-ssdp");
    let provider = setup(&lan, &env, 3);
    let out = lan.run(&env, &["-v"]);
    expect_code(&out, 0);
    assert_eq!(provider.last().unwrap().param("ip"), Some(IP1));
    let searches = lan.ssdp.seen();
    assert_eq!(searches.len(), 1, "answered at once: no second search");
    assert_eq!(searches[0].0.ip().to_string(), LAN_ADDR);
    assert_eq!(String::from_utf8_lossy(&searches[0].1), MSEARCH);
    let asked: Vec<(String, String)> = lan
        .http
        .seen()
        .iter()
        .map(|(at, req)| {
            let head = String::from_utf8_lossy(req);
            (
                at.to_string(),
                head.lines().next().unwrap_or_default().to_string(),
            )
        })
        .collect();
    let at = format!("{GW_ADDR}:{}", lan.port);
    assert_eq!(
        asked,
        [
            (at.clone(), "GET /rootDesc.xml HTTP/1.1".to_string()),
            (at, "POST /ctl/IPConn HTTP/1.1".to_string())
        ]
    );
    assert_eq!(
        out.stderr.matches("SSDP: ignored a reply").count(),
        2,
        "{}",
        out.stderr
    );
}

#[test]
fn discovery_refuses_a_router_that_names_another_host() {
    let answers = |port: u16| {
        vec![ssdp_reply(&format!(
            "http://{OTHER_ADDR}:{port}/rootDesc.xml"
        ))]
    };
    let Some(lan) = Lan::create("upnp-other", answers, soap_ok(IP1)) else {
        return;
    };
    let env = Env::new("upnp-other");
    let provider = setup(&lan, &env, 3);
    let out = lan.run(&env, &[]);
    expect_code(&out, 1);
    assert_eq!(provider.count(), 0);
    assert!(lan.http.seen().is_empty(), "nothing asked of {OTHER_ADDR}");
    assert_eq!(lan.ssdp.seen().len(), 2, "searched twice");
    assert!(
        out.stderr.contains(
            "upnp: no UPnP Internet gateway answered the SSDP search (2 other replies ignored)"
        ),
        "{}",
        out.stderr
    );
}

#[test]
fn a_silent_lan_costs_at_most_the_timeout() {
    let Some(lan) = Lan::create("upnp-silent", |_| Vec::new(), soap_ok(IP1)) else {
        return;
    };
    let env = Env::new("upnp-silent");
    let provider = setup(&lan, &env, 2);
    let out = lan.run(&env, &[]);
    expect_code(&out, 1);
    assert_eq!(provider.count(), 0);
    assert!(
        out.elapsed >= Duration::from_secs(2),
        "took {:?}",
        out.elapsed
    );
    assert!(
        out.elapsed < Duration::from_millis(2900),
        "took {:?}",
        out.elapsed
    );
    let searches = lan.ssdp.seen();
    assert_eq!(searches.len(), 2, "the search is sent again once");
    assert!(searches.iter().all(|(_, d)| d == MSEARCH.as_bytes()));
    assert!(
        out.stderr.contains(
            "no UPnP Internet gateway answered the SSDP search (0 other replies ignored)"
        ),
        "{}",
        out.stderr
    );

    // A longer timeout: discovery still ends after MX (2 s) past the second search.
    env.write_config(10, &["upnp".to_string()], &record(&provider));
    let out = lan.run(&env, &[]);
    expect_code(&out, 1);
    assert!(
        out.elapsed >= Duration::from_secs(3),
        "took {:?}",
        out.elapsed
    );
    assert!(
        out.elapsed < Duration::from_millis(4500),
        "took {:?}",
        out.elapsed
    );
}
