//! The configured address sources of one family, tried in order, with optional agreement.
use super::dns::{self, DnsKind};
use super::{Family, check_public, iface, web};
use crate::config::check_url;
use crate::error::Error;
use crate::http::{Client, host_of};
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

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
                    let addr = s.parse::<SocketAddr>().map_err(|_| {
                        format!("\"{text}\": the server must be an address with a port, like 127.0.0.1:53 or [::1]:53")
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

    /// How logs name the source.
    pub fn describe(&self) -> String {
        match self {
            Source::Web(url) => host_of(url).to_string(),
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
mod tests {
    use super::*;

    fn answers(ips: &[&str]) -> Vec<(String, IpAddr)> {
        ips.iter()
            .enumerate()
            .map(|(i, ip)| (format!("s{i}"), ip.parse().unwrap()))
            .collect()
    }

    #[test]
    fn agreement_counts_equal_answers() {
        let a = answers(&["81.2.69.160"]);
        assert_eq!(agreed(&a, 1), Some("81.2.69.160".parse().unwrap()));
        assert_eq!(agreed(&a, 2), None);
        let a = answers(&["81.2.69.160", "81.2.69.161", "81.2.69.161"]);
        assert_eq!(agreed(&a, 2), Some("81.2.69.161".parse().unwrap()));
        assert_eq!(agreed(&a, 3), None);
        assert_eq!(agreed(&answers(&[]), 1), None);
    }

    #[test]
    fn sources_parse() {
        assert_eq!(
            Source::parse("https://api.ipify.org"),
            Ok(Source::Web("https://api.ipify.org".into()))
        );
        assert!(Source::parse("http://checkip.example/").is_ok());
        assert!(Source::parse("ftp://x").is_err());
        assert!(Source::parse("api.ipify.org").is_err());
    }
}
