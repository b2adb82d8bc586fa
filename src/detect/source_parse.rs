//! Reading one `sources`/`sources6` entry into a [`Source`]: its kinds, servers, routers,
//! commands and the `%IFACE` binding, with messages that say what a good entry looks like.
use super::{DNS_PORT, GATEWAY_PORT, GatewayProtocol, MAX_ARGS, Source};
use crate::detect::Family;
use crate::detect::dns::DnsKind;
use crate::detect::why_not_public;
use crate::fields::check_url;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};

impl Source {
    /// Parses one `sources`/`sources6` entry.
    pub fn parse(text: &str) -> Result<Source, String> {
        if let Some(name) = text.strip_prefix("interface:") {
            // Labels (`eth0:1`) are names here too.
            if name.is_empty() || name.len() > 15 || name.contains(['/', ' ']) {
                return Err(format!("\"{text}\": not an interface name"));
            }
            return Ok(Source::Interface(name.to_string()));
        }
        if let Some(line) = text.strip_prefix("command:") {
            let argv: Vec<String> = line
                .split(' ')
                .filter(|w| !w.is_empty())
                .map(String::from)
                .collect();
            if argv.is_empty() || argv.len() > MAX_ARGS || line.contains(['\0', '\n', '\t']) {
                return Err(format!(
                    "\"{text}\": a command source is command:PROGRAM ARGS..., at most {MAX_ARGS} words split on spaces"
                ));
            }
            return Ok(Source::Command(argv));
        }
        if let Some(spec) = text.strip_prefix("upnp") {
            if cfg!(not(feature = "upnp")) {
                return Err(format!(
                    "\"{text}\": this build has no upnp source (the router builds leave it out); use natpmp or pcp, which most routers also answer"
                ));
            }
            return match spec.strip_prefix('@') {
                None if spec.is_empty() => Ok(Source::Upnp(None)),
                Some(url) if url.starts_with("http://") && check_url(url, true).is_ok() => {
                    Ok(Source::Upnp(Some(url.to_string())))
                }
                _ => Err(format!(
                    "\"{text}\": write upnp, or upnp@ and the router's device description URL, like upnp@http://192.168.1.1:5000/rootDesc.xml"
                )),
            };
        }
        let (spec, device) = split_device(text)?;
        for protocol in [GatewayProtocol::NatPmp, GatewayProtocol::Pcp] {
            let Some(rest) = spec.strip_prefix(protocol.name()) else {
                continue;
            };
            let gateway = match rest.strip_prefix('@') {
                None if rest.is_empty() => None,
                Some(addr) => Some(parse_gateway(addr).ok_or_else(|| {
                    format!("\"{text}\": the router must be an IPv4 address, with or without a port, like 192.168.1.1 or 192.168.1.1:5351")
                })?),
                None => continue,
            };
            return Ok(Source::Gateway {
                protocol,
                gateway,
                device,
            });
        }
        if let Some(spec) = spec.strip_prefix("dns:") {
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
            return Ok(Source::Dns {
                kind,
                server,
                device,
            });
        }
        check_url(text, true).map_err(|e| {
            format!("{e}; a source is an http(s):// URL, interface:NAME, dns:opendns|cloudflare, natpmp, pcp, upnp or command:PROGRAM")
        })?;
        Ok(Source::Web(text.to_string()))
    }

    /// Parses one entry of the `family` list: like [`Source::parse`], and a server written as
    /// a public address of the other family is refused, since it can only ever see that
    /// family. Loopback and private servers are local services that may report any address,
    /// so they are not judged by how they are reached.
    pub fn parse_for(text: &str, family: Family) -> Result<Source, String> {
        let source = Source::parse(text)?;
        if family == Family::V6 && matches!(source, Source::Gateway { .. } | Source::Upnp(_)) {
            return Err(format!(
                "\"{text}\": the router reports only its IPv4 address this way; list it in sources"
            ));
        }
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
}

/// `NAME%IFACE` -> (`NAME`, `Some(IFACE)`) for the sources that can be bound to an interface
/// (`dns:`, `natpmp`, `pcp`): their sockets are bound to it with `SO_BINDTODEVICE`.
fn split_device(text: &str) -> Result<(&str, Option<String>), String> {
    let bindable = ["dns:", "natpmp", "pcp"]
        .iter()
        .any(|p| text.starts_with(p));
    match text.rsplit_once('%') {
        Some((spec, dev)) if bindable && !dev.contains(']') => {
            if !is_interface_name(dev) {
                return Err(format!(
                    "\"{text}\": \"{dev}\" after % is not an interface name"
                ));
            }
            Ok((spec, Some(dev.to_string())))
        }
        // `%XX` in a URL is percent-encoding; `%wan2` is a binding the HTTP client cannot do.
        Some((_, dev))
            if text.contains("://")
                && is_interface_name(dev)
                && !dev
                    .get(..2)
                    .is_some_and(|h| h.bytes().all(|b| b.is_ascii_hexdigit())) =>
        {
            Err(format!(
                "\"{text}\": a web source cannot be bound to an interface (the HTTP client cannot bind its sockets); bind a dns: source instead, like dns:opendns%{dev}"
            ))
        }
        _ => Ok((text, None)),
    }
}

/// What the kernel accepts as an interface name: 1 to 15 bytes, no `/`, `:`, `%` or space.
pub fn is_interface_name(name: &str) -> bool {
    (1..=15).contains(&name.len())
        && !name.contains(['/', ':', '%', ' ', '\t', '\n', '\0'])
        && name != "."
        && name != ".."
}

/// A router's IPv4 address, `192.168.1.1` (port 5351) or `192.168.1.1:PORT`.
fn parse_gateway(text: &str) -> Option<SocketAddr> {
    if let Ok(addr) = text.parse::<std::net::SocketAddrV4>() {
        return Some(SocketAddr::V4(addr));
    }
    let ip = text.parse::<Ipv4Addr>().ok()?;
    Some(SocketAddr::new(IpAddr::V4(ip), GATEWAY_PORT))
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
