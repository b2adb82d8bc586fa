//! Where the public address comes from: address families, sources, and what counts as public.
pub mod command;
pub mod dns;
pub mod iface;
pub mod natpmp;
pub mod pcp;
pub mod route;
pub mod source;
pub mod udp;
#[cfg(feature = "upnp")]
pub mod upnp;
pub mod web;
#[cfg(feature = "upnp")]
pub mod xml;

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

pub use crate::family::Family;

/// Why an IPv4 address cannot be the home's public address, or `None` when it can.
pub fn why_not_public_v4(ip: Ipv4Addr) -> Option<&'static str> {
    let [a, b, c, _] = ip.octets();
    let reason = match (a, b, c) {
        (0, _, _) => "an unspecified/\"this network\" address (0.0.0.0/8)",
        (10, _, _) => "a private address (10.0.0.0/8)",
        (100, 64..=127, _) => "a carrier-grade NAT address (100.64.0.0/10)",
        (127, _, _) => "a loopback address",
        (169, 254, _) => "a link-local address",
        (172, 16..=31, _) => "a private address (172.16.0.0/12)",
        (192, 0, 0) => "an IETF protocol address (192.0.0.0/24)",
        (192, 0, 2) | (198, 51, 100) | (203, 0, 113) => "a documentation address",
        (192, 88, 99) => "a deprecated 6to4 relay address",
        (192, 168, _) => "a private address (192.168.0.0/16)",
        (198, 18..=19, _) => "a benchmarking address (198.18.0.0/15)",
        (224..=239, _, _) => "a multicast address",
        (240..=255, _, _) => "a reserved or broadcast address",
        _ => return None,
    };
    Some(reason)
}

/// Why an IPv6 address cannot be published as the home's address, or `None` when it can.
pub fn why_not_public_v6(ip: Ipv6Addr) -> Option<&'static str> {
    let s = ip.segments();
    let reason = match s {
        _ if ip.is_unspecified() => "the unspecified address",
        _ if ip.is_loopback() => "a loopback address",
        [0, 0, 0, 0, 0, 0xffff, ..] => "an IPv4-mapped address",
        [a, ..] if a & 0xfe00 == 0xfc00 => "a unique local address (fc00::/7)",
        [a, ..] if a & 0xffc0 == 0xfe80 => "a link-local address",
        [a, ..] if a & 0xffc0 == 0xfec0 => "a site-local address",
        [a, ..] if a & 0xff00 == 0xff00 => "a multicast address",
        [0x2001, 0x0db8, ..] => "a documentation address",
        [0x3fff, b, ..] if b & 0xf000 == 0 => "a documentation address",
        [0x2001, 0x0002, 0, ..] => "a benchmarking address",
        [0x2001, 0, ..] => "a Teredo address",
        [a, ..] if a & 0xe000 != 0x2000 => "not a global unicast address (2000::/3)",
        _ => return None,
    };
    Some(reason)
}

/// Why `ip` cannot be published as a `family` address, or `None` when it can.
pub fn why_not_public(ip: IpAddr, family: Family) -> Option<&'static str> {
    match (ip, family) {
        (IpAddr::V4(v4), Family::V4) => why_not_public_v4(v4),
        (IpAddr::V6(v6), Family::V6) => why_not_public_v6(v6),
        (IpAddr::V4(_), Family::V6) => Some("an IPv4 address where IPv6 was asked for"),
        (IpAddr::V6(_), Family::V4) => Some("an IPv6 address where IPv4 was asked for"),
    }
}

/// Checks that `ip` is a public address of `family`.
pub fn check_public(ip: IpAddr, family: Family) -> Result<IpAddr, String> {
    match why_not_public(ip, family) {
        Some(why) => Err(format!(
            "{ip} is {why}, not a public {} address",
            family.name()
        )),
        None => Ok(ip),
    }
}

/// Parses a reply body that must be exactly one public address of `family` (surrounding
/// whitespace allowed). Anything else, HTML or an error page included, is refused.
pub fn parse_public(body: &str, family: Family) -> Result<IpAddr, String> {
    let text = body.trim();
    let ip: IpAddr = text.parse().map_err(|_| {
        let mut shown: String = text.chars().take(40).collect();
        shown.retain(|c| !c.is_control());
        if text.chars().count() > 40 {
            shown.push('…');
        }
        format!("reply is not an {} address: {shown:?}", family.name())
    })?;
    check_public(ip, family)
}

/// Parses `ipv6_host_id`: an interface identifier written as an IPv6 address with the upper
/// 64 bits zero (`::1234`), or a MAC address (`02:11:22:33:44:55`) turned into its EUI-64.
pub fn parse_host_id(text: &str) -> Result<u64, String> {
    if let Ok(ip) = text.parse::<Ipv6Addr>() {
        let bits = u128::from(ip);
        if bits >> 64 != 0 || bits == 0 {
            return Err(format!(
                "\"{text}\": the identifier must be within ::/64 and not ::"
            ));
        }
        return Ok(bits as u64);
    }
    let octets: Vec<u8> = text
        .split([':', '-'])
        .map(|p| {
            // Two hex digits: `from_str_radix` alone would also take a sign ("+1").
            if p.len() == 2 && p.bytes().all(|b| b.is_ascii_hexdigit()) {
                u8::from_str_radix(p, 16).ok()
            } else {
                None
            }
        })
        .collect::<Option<Vec<u8>>>()
        .filter(|o| o.len() == 6)
        .ok_or_else(|| {
            format!("\"{text}\" is neither an identifier like \"::1234\" nor a MAC address")
        })?;
    let eui = [
        octets[0] ^ 0x02,
        octets[1],
        octets[2],
        0xff,
        0xfe,
        octets[3],
        octets[4],
        octets[5],
    ];
    Ok(u64::from_be_bytes(eui))
}

/// The /64 prefix of `prefix_from` combined with the interface identifier `host_id`.
pub fn with_host_id(prefix_from: Ipv6Addr, host_id: u64) -> Ipv6Addr {
    let prefix = u128::from(prefix_from) & !u128::from(u64::MAX);
    Ipv6Addr::from(prefix | u128::from(host_id))
}

#[cfg(test)]
#[path = "mod_tests.rs"]
mod tests;
