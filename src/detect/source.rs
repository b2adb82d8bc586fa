//! The configured address sources of one family, tried in order, with optional agreement.
use super::dns::{self, DnsKind};
use super::{
    Family, check_public, command, iface, natpmp, parse_public, pcp, route, web, why_not_public,
};
use crate::error::Error;
use crate::http::Client;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::Duration;

/// The port of a `dns:` source's server written without one.
const DNS_PORT: u16 = 53;
/// The port NAT-PMP and PCP servers listen on (RFC 6886 §3.1, RFC 6887 §19.1).
const GATEWAY_PORT: u16 = 5351;
/// At most this many words in a `command:` source (the program and its arguments).
const MAX_ARGS: usize = 32;

/// Which protocol a [`Source::Gateway`] speaks to the router.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GatewayProtocol {
    /// NAT-PMP (RFC 6886): the external-address request.
    NatPmp,
    /// PCP (RFC 6887): a short MAP of ddnsup's own UDP port, deleted at once.
    Pcp,
}

impl GatewayProtocol {
    /// The name written in the config (`natpmp`, `pcp`).
    pub fn name(self) -> &'static str {
        match self {
            GatewayProtocol::NatPmp => "natpmp",
            GatewayProtocol::Pcp => "pcp",
        }
    }
}

/// One place to learn the public address from, as written in `[ip] sources`/`sources6`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// An HTTP(S) service answering with the bare address: `https://…`.
    Web(String),
    /// The address on a network interface, no request at all: `interface:pppoe-wan`.
    Interface(String),
    /// A resolver that answers with the asker's address: `dns:opendns`, `dns:cloudflare`,
    /// optionally at another server: `dns:opendns@127.0.0.1:5353`.
    /// `%wan2` at the end binds the query to that interface (`SO_BINDTODEVICE`).
    Dns {
        kind: DnsKind,
        server: Option<SocketAddr>,
        device: Option<String>,
    },
    /// The home router by NAT-PMP or PCP: `natpmp`, `pcp@192.168.1.1`, `natpmp@10.0.0.1:5351`,
    /// `pcp%wan2` (without `@`, the default gateway, of that interface when one is named).
    Gateway {
        protocol: GatewayProtocol,
        gateway: Option<SocketAddr>,
        device: Option<String>,
    },
    /// The home router by UPnP IGD `GetExternalIPAddress`: `upnp` (SSDP discovery) or
    /// `upnp@http://192.168.1.1:5000/rootDesc.xml` (that device description, no discovery).
    Upnp(Option<String>),
    /// A program that prints the address: `command:/usr/local/bin/wan-ip --v4` (split on
    /// spaces, no shell).
    Command(Vec<String>),
}

impl Source {
    /// The server's address when the source is written with one (`https://[::1]/`,
    /// `dns:cloudflare@1.1.1.1:53`). An IPv4-mapped IPv6 address counts as IPv4.
    fn literal_server(&self) -> Option<IpAddr> {
        let ip = match self {
            Source::Web(url) => url_ip_literal(url)?,
            Source::Dns { server, .. } => server.as_ref()?.ip(),
            _ => return None,
        };
        Some(ip.to_canonical())
    }

    /// What two entries of the `family` list share when they are the same source however
    /// written: a web source by its host (lowercased, default port dropped, either scheme)
    /// and path (trailing `/` dropped), a DNS source by its kind and the server it asks.
    pub fn identity(&self, family: Family) -> String {
        match self {
            Source::Web(url) => web_identity(url),
            Source::Interface(name) => format!("interface:{name}"),
            Source::Dns {
                kind,
                server,
                device,
            } => {
                let server = server.unwrap_or_else(|| kind.default_server(family == Family::V6));
                format!("dns:{}@{server}{}", kind.name(), on_device(device))
            }
            Source::Gateway {
                protocol,
                gateway,
                device,
            } => {
                let at = gateway.map_or("the default gateway".to_string(), |g| g.to_string());
                format!("{}@{at}{}", protocol.name(), on_device(device))
            }
            Source::Upnp(None) => "upnp".to_string(),
            Source::Upnp(Some(url)) => format!("upnp@{}", web_identity(url)),
            Source::Command(argv) => format!("command:{}", argv.join(" ")),
        }
    }

    /// How logs name the source.
    pub fn describe(&self) -> String {
        match self {
            Source::Web(url) => web::where_of(url),
            Source::Interface(name) => format!("interface {name}"),
            Source::Dns {
                kind,
                server,
                device,
            } => {
                let at = server.map_or(String::new(), |s| format!("@{s}"));
                format!("dns:{}{at}{}", kind.name(), on_device(device))
            }
            Source::Gateway {
                protocol,
                gateway,
                device,
            } => {
                let at = gateway.map_or(String::new(), |g| format!("@{g}"));
                format!("{}{at}{}", protocol.name(), on_device(device))
            }
            Source::Upnp(None) => "upnp".to_string(),
            Source::Upnp(Some(url)) => format!("upnp@{}", web::where_of(url)),
            Source::Command(argv) => format!("command:{}", argv[0]),
        }
    }

    /// Asks the source once; the answer is already checked to be public and of `family`.
    fn ask(&self, client: &Client, family: Family) -> Result<IpAddr, String> {
        let timeout = Duration::from_secs(client.timeout_secs);
        match self {
            // A web source's messages already name its host and path.
            Source::Web(url) => web::ask(client, url, family),
            _ => self
                .ask_local(client, family, timeout)
                .map_err(|e| format!("{}: {e}", self.describe())),
        }
    }

    /// [`Source::ask`] for the sources other than the web: the error without the source's
    /// name, which the caller puts in front once.
    fn ask_local(
        &self,
        client: &Client,
        family: Family,
        timeout: Duration,
    ) -> Result<IpAddr, String> {
        let v6 = family == Family::V6;
        match self {
            Source::Web(_) => Err("not a local source".to_string()),
            Source::Interface(name) => interface_address(name, family),
            Source::Dns {
                kind,
                server,
                device,
            } => {
                let server = server.unwrap_or_else(|| kind.default_server(v6));
                check_public(
                    dns::query(*kind, v6, server, device.as_deref(), timeout)?,
                    family,
                )
            }
            Source::Gateway {
                protocol,
                gateway,
                device,
            } => {
                let device = device.as_deref();
                let (gateway, named) = match gateway {
                    Some(g) => (*g, true),
                    None => (
                        SocketAddr::new(IpAddr::V4(route::default_gateway(device)?), GATEWAY_PORT),
                        false,
                    ),
                };
                match protocol {
                    GatewayProtocol::NatPmp => natpmp::ask(gateway, device, timeout),
                    GatewayProtocol::Pcp => pcp::ask(gateway, device, timeout),
                }
                .and_then(router_address)
                .map_err(|e| {
                    if named {
                        e
                    } else {
                        format!("router {gateway}: {e}")
                    }
                })
            }
            Source::Upnp(location) => ask_upnp(client, location.as_deref(), timeout),
            Source::Command(argv) => parse_public(&command::run(argv, family, timeout)?, family),
        }
    }
}

/// Asks a UPnP gateway (see `upnp.rs`) and checks what it reports.
#[cfg(feature = "upnp")]
fn ask_upnp(client: &Client, location: Option<&str>, timeout: Duration) -> Result<IpAddr, String> {
    let (router, ip) = super::upnp::ask(client, location, timeout)?;
    router_address(ip).map_err(|e| format!("router {router}: {e}"))
}

/// A build without the `upnp` feature refuses `upnp` in the config already.
#[cfg(not(feature = "upnp"))]
fn ask_upnp(_: &Client, _: Option<&str>, _: Duration) -> Result<IpAddr, String> {
    Err("not in this build".to_string())
}

/// `%IFACE` for names and identities, or nothing.
fn on_device(device: &Option<String>) -> String {
    device.as_ref().map_or(String::new(), |d| format!("%{d}"))
}

/// Checks the external address a router reports ("the router reports 10.0.0.2, …" if bad). A private
/// or carrier-grade NAT address means the router is itself behind another NAT.
fn router_address(ip: Ipv4Addr) -> Result<IpAddr, String> {
    let [a, b, ..] = ip.octets();
    let behind_nat = a == 10
        || (a == 172 && b & 0xf0 == 16)
        || (a == 192 && b == 168)
        || (a == 100 && b & 0xc0 == 64);
    match why_not_public(IpAddr::V4(ip), Family::V4) {
        None => Ok(IpAddr::V4(ip)),
        Some(why) if behind_nat => Err(format!(
            "the router reports {ip}, {why}: it is itself behind another NAT (double NAT), so the home cannot be reached from outside at that address; ask the upstream router (natpmp@ADDR) or use another source"
        )),
        Some(why) => Err(format!(
            "the router reports {ip}, {why}, not a public IPv4 address"
        )),
    }
}

/// `(scheme, authority, path)` of an already checked `http(s)://` URL.
fn split_url(url: &str) -> (&str, &str, &str) {
    let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    (scheme, authority, path)
}

/// The host of a URL when it is an address: `[v6]` in brackets, or dotted IPv4.
fn url_ip_literal(url: &str) -> Option<IpAddr> {
    let (_, authority, _) = split_url(url);
    if let Some(rest) = authority.strip_prefix('[') {
        let (inside, _) = rest.split_once(']')?;
        return inside.parse::<Ipv6Addr>().ok().map(IpAddr::V6);
    }
    let host = authority.split_once(':').map_or(authority, |(h, _)| h);
    host.parse::<Ipv4Addr>().ok().map(IpAddr::V4)
}

fn web_identity(url: &str) -> String {
    let (scheme, authority, path) = split_url(url);
    let authority = authority.to_ascii_lowercase();
    let default_port = if scheme.eq_ignore_ascii_case("https") {
        ":443"
    } else {
        ":80"
    };
    let host = authority.strip_suffix(default_port).unwrap_or(&authority);
    format!("{host}{}", path.trim_end_matches('/'))
}

/// The interface's public address of `family`. A carrier-grade NAT address on the WAN gets
/// a warning of its own: no DNS record can make such a home reachable.
fn interface_address(name: &str, family: Family) -> Result<IpAddr, String> {
    match family {
        Family::V6 => Ok(IpAddr::V6(iface::interface_v6(name)?)),
        Family::V4 => {
            let addrs = iface::interface_v4_addrs(name)?;
            if let Some(ip) = addrs
                .iter()
                .find(|ip| check_public(IpAddr::V4(**ip), family).is_ok())
            {
                return Ok(IpAddr::V4(*ip));
            }
            if let Some(cgnat) = addrs
                .iter()
                .find(|ip| ip.octets()[0] == 100 && ip.octets()[1] & 0xc0 == 64)
            {
                log::warn!(target: "ddnsup", "{name} has {cgnat}, a carrier-grade NAT (CGNAT, 100.64.0.0/10) address: your provider shares one public address among many homes, so the home cannot be reached from outside and updating DNS will not help; ask the provider for a public IPv4 address or use IPv6"
                );
            }
            let listed: Vec<String> = addrs.iter().map(|ip| ip.to_string()).collect();
            Err(format!(
                "no public IPv4 address (only {})",
                listed.join(", ")
            ))
        }
    }
}

/// The public address of `family`: the first source's good answer, or with `agree` > 1 the
/// first address that many sources report. Each source is asked at most once.
pub fn detect(
    client: &Client,
    family: Family,
    sources: &[Source],
    agree: usize,
) -> Result<IpAddr, Error> {
    let mut answers: Vec<(String, IpAddr)> = Vec::new();
    let mut failures = Vec::new();
    for source in sources {
        match source.ask(client, family) {
            Ok(ip) => {
                detail!("{}: {} {ip}", source.describe(), family.name());
                answers.push((source.describe(), ip));
                if let Some(ip) = agreed(&answers, agree) {
                    warn_disagreement(&answers, ip);
                    return Ok(ip);
                }
            }
            Err(e) => {
                detail!("{e}");
                failures.push(e);
            }
        }
    }
    let mut why = failures;
    if !answers.is_empty() {
        let said: Vec<String> = answers
            .iter()
            .map(|(s, ip)| format!("{s} says {ip}"))
            .collect();
        why.insert(
            0,
            format!("fewer than {agree} sources agree ({})", said.join(", ")),
        );
    }
    Err(Error::transient(format!(
        "could not find the public {} address; no {} update sent ({})",
        family.name(),
        family.rr(),
        why.join("; ")
    )))
}

/// The first address reported by at least `agree` sources.
fn agreed(answers: &[(String, IpAddr)], agree: usize) -> Option<IpAddr> {
    answers
        .iter()
        .map(|(_, ip)| *ip)
        .find(|ip| answers.iter().filter(|(_, other)| other == ip).count() >= agree.max(1))
}

fn warn_disagreement(answers: &[(String, IpAddr)], chosen: IpAddr) {
    for (source, ip) in answers.iter().filter(|(_, ip)| *ip != chosen) {
        log::warn!(target: "ddnsup", "{source} disagrees: says {ip}, others agree on {chosen}");
    }
}

#[path = "source_parse.rs"]
mod parse;

#[cfg(test)]
#[path = "source_tests.rs"]
mod tests;
