//! UPnP IGD sources: SSDP discovery of the Internet gateway, then SOAP GetExternalIPAddress
//! (UPnP Device Architecture 1.1 §1.3, §3; WANIPConnection:2 / WANPPPConnection:1 §2.4).
use super::xml;
use crate::fields::check_url;
use crate::http::{Client, Method, Reply, Request, host_of};
use std::net::{IpAddr, Ipv4Addr, SocketAddr, UdpSocket};
use std::time::{Duration, Instant};

/// The SSDP multicast group and port (UDA 1.1 §1.1.2).
const SSDP_GROUP: SocketAddr = SocketAddr::new(IpAddr::V4(Ipv4Addr::new(239, 255, 255, 250)), 1900);
/// The search for an Internet gateway; `MX: 2` lets devices wait up to 2 s before answering.
pub const MSEARCH: &[u8] = b"M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: \"ssdp:discover\"\r\nMX: 2\r\nST: urn:schemas-upnp-org:device:InternetGatewayDevice:1\r\n\r\n";
/// The search is sent again once when no gateway answered this soon.
const SSDP_RESEND: Duration = Duration::from_secs(1);
/// Discovery waits at most this long (MX after the second search), within `timeout`.
const SSDP_WAIT: Duration = Duration::from_secs(3);
/// Longer datagrams are ignored (an SSDP reply is a few hundred bytes).
pub const MAX_SSDP_BYTES: usize = 1500;
/// At most this many datagrams are read in one discovery.
const MAX_SSDP_REPLIES: usize = 32;
/// At most this many `<service>` entries of a description are looked at.
const MAX_SERVICES: usize = 64;
/// At most this many matching services are asked (WANIPConnection first).
const MAX_ASKED: usize = 2;
/// The connection services that answer GetExternalIPAddress, preferred first.
const SERVICES: [&str; 3] = [
    "urn:schemas-upnp-org:service:WANIPConnection:1",
    "urn:schemas-upnp-org:service:WANIPConnection:2",
    "urn:schemas-upnp-org:service:WANPPPConnection:1",
];

/// The router's name for messages (its description URL's host:port) and the external address
/// it reports, from the device description at `location`, or found by SSDP; the whole exchange
/// stays within `timeout`.
pub fn ask(
    client: &Client,
    location: Option<&str>,
    timeout: Duration,
) -> Result<(String, Ipv4Addr), String> {
    let deadline = Instant::now() + timeout;
    let found;
    let location = match location {
        Some(l) => l,
        None => {
            found = discover(deadline.min(Instant::now() + SSDP_WAIT))?;
            found.as_str()
        }
    };
    let router = host_of(location).to_string();
    let send = |req: &Request| -> Result<Reply, String> {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(format!("no answer within {} s", timeout.as_secs()));
        }
        let secs = (left.as_millis() as u64).div_ceil(1000);
        let within = Client {
            timeout_secs: secs.min(client.timeout_secs.max(1)),
        };
        within.send(req).map_err(|e| e.to_string())
    };
    let at = |e: String| format!("router {router}: {e}");
    let description = send(&Request::get(location).origin_only()).map_err(at)?;
    if description.status != 200 {
        return Err(at(format!(
            "device description: HTTP {}",
            description.status
        )));
    }
    let mut why = Vec::new();
    for (url, service) in parse_description(&description.text(), location).map_err(at)? {
        match send(&build_soap(&url, service)).and_then(|r| parse_soap(r.status, &r.text())) {
            Ok(ip) => return Ok((router.clone(), ip)),
            Err(e) => why.push(format!(
                "{}: {e}",
                service.trim_start_matches("urn:schemas-upnp-org:service:")
            )),
        }
    }
    Err(at(why.join("; ")))
}

/// Sends the M-SEARCH (twice at most) and returns the first acceptable reply's LOCATION.
fn discover(deadline: Instant) -> Result<String, String> {
    let not_sent = |e: std::io::Error| format!("SSDP discovery not sent: {e}");
    let socket = UdpSocket::bind((Ipv4Addr::UNSPECIFIED, 0)).map_err(not_sent)?;
    let _ = socket.set_multicast_ttl_v4(2);
    socket.send_to(MSEARCH, SSDP_GROUP).map_err(not_sent)?;
    let mut resend = Some(Instant::now() + SSDP_RESEND);
    let mut buf = [0u8; MAX_SSDP_BYTES + 1];
    let mut ignored = 0;
    for _ in 0..MAX_SSDP_REPLIES {
        let now = Instant::now();
        if resend.is_some_and(|at| now >= at) {
            socket.send_to(MSEARCH, SSDP_GROUP).map_err(not_sent)?;
            resend = None;
        }
        let until = resend.map_or(deadline, |at| at.min(deadline));
        let wait = until.saturating_duration_since(now);
        if wait.is_zero() {
            break;
        }
        socket.set_read_timeout(Some(wait)).map_err(not_sent)?;
        match socket.recv_from(&mut buf) {
            Ok((n, from)) => {
                if let Some(location) = buf.get(..n).and_then(|d| parse_ssdp(d, from.ip())) {
                    detail!("SSDP: {from} is an Internet gateway at {location}");
                    return Ok(location.to_string());
                }
                detail!("SSDP: ignored a reply from {from}");
                ignored += 1;
            }
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) => {}
            Err(e) => return Err(format!("SSDP discovery failed: {e}")),
        }
    }
    Err(format!(
        "no UPnP Internet gateway answered the SSDP search ({ignored} other replies ignored)"
    ))
}

/// The LOCATION of an SSDP search reply from `from`: an `HTTP/1.1 200 OK` whose ST is an
/// Internet gateway or WAN connection URN and whose LOCATION is an `http://` URL on `from`
/// itself (any LAN host can answer, so it is trusted only for its own address). Anything else
/// is `None`.
pub fn parse_ssdp(datagram: &[u8], from: IpAddr) -> Option<&str> {
    let text = std::str::from_utf8(datagram).ok()?;
    let mut lines = text.lines();
    if lines.next()? != "HTTP/1.1 200 OK" {
        return None;
    }
    let (mut st, mut location) = (None, None);
    for line in lines.take(32) {
        if line.is_empty() {
            break;
        }
        let (name, value) = line.split_once(':')?;
        let slot = if name.eq_ignore_ascii_case("st") {
            &mut st
        } else if name.eq_ignore_ascii_case("location") {
            &mut location
        } else {
            continue;
        };
        if slot.replace(value.trim()).is_some() {
            return None;
        }
    }
    let st = st?;
    let gateway = matches!(
        st.strip_prefix("urn:schemas-upnp-org:device:InternetGatewayDevice:"),
        Some("1" | "2")
    );
    let location = location?;
    let host: Ipv4Addr = host(location).parse().ok()?;
    (IpAddr::V4(host) == from && (gateway || SERVICES.contains(&st)) && is_plain_url(location))
        .then_some(location)
}

/// The control URLs and service types of the description's WAN connection services, resolved
/// against its `<URLBase>` or `location`, WANIPConnection first, at most [`MAX_ASKED`]. A
/// control URL on another host than `location`'s is refused.
pub fn parse_description(
    body: &str,
    location: &str,
) -> Result<Vec<(String, &'static str)>, String> {
    let services = xml::elements(body, "service", MAX_SERVICES)
        .ok_or("the device description is not well-formed XML")?;
    let base = xml::text(body, "URLBase")
        .filter(|b| !b.is_empty())
        .unwrap_or(location);
    let mut found = Vec::new();
    let mut why =
        "the device description lists no WANIPConnection or WANPPPConnection service".to_string();
    for service in services {
        let Some((kind, control)) = xml::text(service, "serviceType")
            .and_then(|k| SERVICES.iter().find(|s| **s == k))
            .zip(xml::text(service, "controlURL"))
        else {
            continue;
        };
        let url = resolve(base, control);
        if is_plain_url(&url) && host(&url).eq_ignore_ascii_case(host(location)) {
            found.push((url, *kind));
        } else {
            let shown: String = url.chars().filter(|c| !c.is_control()).take(80).collect();
            why = format!(
                "the control URL {shown} is not on the router's own host {}; not asked",
                host(location)
            );
        }
    }
    if found.is_empty() {
        return Err(why);
    }
    found.sort_by_key(|(_, kind)| kind.contains("PPP"));
    found.truncate(MAX_ASKED);
    Ok(found)
}

/// The SOAP request for GetExternalIPAddress of `service` at `control_url`.
pub fn build_soap(control_url: &str, service: &str) -> Request {
    let mut req = Request::get(control_url)
        .origin_only()
        .header("Content-Type", "text/xml; charset=\"utf-8\"")
        .header("SOAPAction", format!("\"{service}#GetExternalIPAddress\""));
    req.method = Method::Post;
    req.body = Some(format!(
        "<?xml version=\"1.0\"?>\r\n<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\" s:encodingStyle=\"http://schemas.xmlsoap.org/soap/encoding/\"><s:Body><u:GetExternalIPAddress xmlns:u=\"{service}\"></u:GetExternalIPAddress></s:Body></s:Envelope>\r\n"
    ).into_bytes());
    req
}

/// The address in a GetExternalIPAddress reply: HTTP 200 and exactly one
/// `NewExternalIPAddress` in the envelope's `GetExternalIPAddressResponse`, its whole text an
/// IPv4 address. A SOAP fault (HTTP 500) is reported with its UPnP error code and description.
pub fn parse_soap(status: u16, body: &str) -> Result<Ipv4Addr, String> {
    if status == 500 {
        let fault = xml::one(body, "UPnPError").and_then(|e| {
            let code = xml::text(e, "errorCode")
                .filter(|c| (1..=4).contains(&c.len()) && c.bytes().all(|b| b.is_ascii_digit()))?;
            Some((code, xml::text(e, "errorDescription").unwrap_or_default()))
        });
        return Err(match fault {
            Some((code, text)) => {
                let text: String = text.chars().filter(|c| !c.is_control()).take(80).collect();
                format!("refused GetExternalIPAddress: UPnP error {code} ({text})")
            }
            None => "HTTP 500 without a UPnP error".to_string(),
        });
    }
    if status != 200 {
        return Err(format!("HTTP {status}"));
    }
    let ip = xml::one(body, "Body")
        .and_then(|b| xml::one(b, "GetExternalIPAddressResponse"))
        .and_then(|r| xml::one(r, "NewExternalIPAddress"))
        .filter(|_| xml::one(body, "NewExternalIPAddress").is_some())
        .ok_or("the reply is not a GetExternalIPAddressResponse with one NewExternalIPAddress")?;
    if ip.is_empty() {
        return Err("the router has no external address (is its WAN connected?)".to_string());
    }
    ip.parse().map_err(|_| {
        let shown: String = ip.chars().filter(|c| !c.is_control()).take(40).collect();
        format!("NewExternalIPAddress is not an IPv4 address: {shown:?}")
    })
}

/// `reference` resolved against the `base` URL (RFC 3986 §5.2, for the forms devices use:
/// absolute, `/path`, or relative to the base's directory).
fn resolve(base: &str, reference: &str) -> String {
    if reference.contains("://") {
        return reference.to_string();
    }
    let start = base.find("://").map_or(0, |i| i + 3);
    let (origin, path) = base.split_at(base[start..].find('/').map_or(base.len(), |i| start + i));
    let dir = match path.rfind('/') {
        _ if reference.starts_with('/') => "",
        Some(i) => &path[..=i],
        None => "/",
    };
    format!("{origin}{dir}{reference}")
}

/// Whether `url` is a plain `http://` URL the client can ask (no credentials, query or
/// fragment).
fn is_plain_url(url: &str) -> bool {
    url.starts_with("http://") && check_url(url, true).is_ok()
}

/// The host of a URL, without its port: `192.168.1.1`, `[fe80::1]`, `router.lan`.
fn host(url: &str) -> &str {
    let authority = host_of(url);
    match authority.find(']') {
        Some(end) if authority.starts_with('[') => &authority[..=end],
        _ => authority.split(':').next().unwrap_or_default(),
    }
}

#[cfg(test)]
#[path = "upnp_tests.rs"]
mod tests;
