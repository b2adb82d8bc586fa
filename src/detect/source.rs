//! The configured address sources of one family, tried in order, with optional agreement.
use super::dns::{self, DnsKind};
use super::{Family, check_public, iface, web, why_not_public};
use crate::error::Error;
use crate::fields::check_url;
use crate::http::Client;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::Duration;

/// The port of a `dns:` source's server written without one.
const DNS_PORT: u16 = 53;

/// One place to learn the public address from, as written in `[ip] sources`/`sources6`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// An HTTP(S) service answering with the bare address: `https://…`.
    Web(String),
    /// The address on a network interface, no request at all: `interface:pppoe-wan`.
    Interface(String),
    /// A resolver that answers with the asker's address: `dns:opendns`, `dns:cloudflare`,
    /// optionally at another server: `dns:opendns@127.0.0.1:5353`.
    Dns {
        kind: DnsKind,
        server: Option<SocketAddr>,
    },
}

impl Source {
    /// Parses one `sources`/`sources6` entry.
    pub fn parse(text: &str) -> Result<Source, String> {
        if let Some(name) = text.strip_prefix("interface:") {
            if name.is_empty() || name.len() > 15 || name.contains(['/', ' ']) {
                return Err(format!("\"{text}\": not an interface name"));
            }
            return Ok(Source::Interface(name.to_string()));
        }
        if let Some(spec) = text.strip_prefix("dns:") {
            let (name, server) = match spec.split_once('@') {
                Some((n, s)) => {
                    let addr = parse_dns_server(s).ok_or_else(|| {
                        format!("\"{text}\": the server must be an address, with or without a port, like 127.0.0.1:53 or [::1]")
                    })?;
                    (n, Some(addr))
                }
                None => (spec, None),
            };
            let kind = DnsKind::parse(name).ok_or_else(|| {
                format!("\"{text}\": unknown DNS source \"{name}\" (known: opendns, cloudflare)")
            })?;
            return Ok(Source::Dns { kind, server });
        }
        check_url(text, true).map_err(|e| {
            format!("{e}; a source is an http(s):// URL, interface:NAME or dns:opendns|cloudflare")
        })?;
        Ok(Source::Web(text.to_string()))
    }

    /// Parses one entry of the `family` list: like [`Source::parse`], and a server written as
    /// a public address of the other family is refused, since it can only ever see that
    /// family. Loopback and private servers are local services that may report any address,
    /// so they are not judged by how they are reached.
    pub fn parse_for(text: &str, family: Family) -> Result<Source, String> {
        let source = Source::parse(text)?;
        if let Some(ip) = source.literal_server()
            && Family::of(ip) != family
            && why_not_public(ip, Family::of(ip)).is_none()
        {
            let (other, key) = match family {
                Family::V4 => ("IPv6", "sources6"),
                Family::V6 => ("IPv4", "sources"),
            };
            return Err(format!(
                "\"{text}\": the server is an {other} address and so only ever sees this network's {other} address, never its {}; list it in {key}",
                family.name()
            ));
        }
        Ok(source)
    }

    /// The server's address when the source is written with one (`https://[::1]/`,
    /// `dns:cloudflare@1.1.1.1:53`). An IPv4-mapped IPv6 address counts as IPv4.
    fn literal_server(&self) -> Option<IpAddr> {
        let ip = match self {
            Source::Web(url) => url_ip_literal(url)?,
            Source::Dns { server, .. } => server.as_ref()?.ip(),
            Source::Interface(_) => return None,
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
            Source::Dns { kind, server } => {
                let server = server.unwrap_or_else(|| kind.default_server(family == Family::V6));
                format!("dns:{}@{server}", kind.name())
            }
        }
    }

    /// How logs name the source.
    pub fn describe(&self) -> String {
        match self {
            Source::Web(url) => web::where_of(url),
            Source::Interface(name) => format!("interface {name}"),
            Source::Dns { kind, server: None } => format!("dns:{}", kind.name()),
            Source::Dns {
                kind,
                server: Some(s),
            } => format!("dns:{}@{s}", kind.name()),
        }
    }

    /// Asks the source once; the answer is already checked to be public and of `family`.
    fn ask(&self, client: &Client, family: Family) -> Result<IpAddr, String> {
        let v6 = family == Family::V6;
        let what = self.describe();
        match self {
            Source::Web(url) => web::ask(client, url, family),
            Source::Interface(name) => {
                interface_address(name, family).map_err(|e| format!("{what}: {e}"))
            }
            Source::Dns { kind, server } => {
                let server = server.unwrap_or_else(|| kind.default_server(v6));
                let timeout = Duration::from_secs(client.timeout_secs);
                let ip =
                    dns::query(*kind, v6, server, timeout).map_err(|e| format!("{what}: {e}"))?;
                check_public(ip, family).map_err(|e| format!("{what}: {e}"))
            }
        }
    }
}

/// `1.1.1.1:53`, `[::1]:5353`, or an address alone (`1.1.1.1`, `[::1]`, `::1`) for port 53.
fn parse_dns_server(text: &str) -> Option<SocketAddr> {
    if let Ok(addr) = text.parse::<SocketAddr>() {
        return Some(addr);
    }
    let bare = text
        .strip_prefix('[')
        .and_then(|t| t.strip_suffix(']'))
        .unwrap_or(text);
    let ip = bare.parse::<IpAddr>().ok()?;
    Some(SocketAddr::new(ip, DNS_PORT))
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

#[cfg(test)]
#[path = "source_tests.rs"]
mod tests;
