//! Web sources: ask HTTP(S) services which address they see, in order, first good answer wins.
use super::{Family, parse_public};
use crate::http::{Client, Request, host_of};
use std::net::IpAddr;

/// Independent, maintained services that answer with the bare IPv4 address.
pub const DEFAULT_SOURCES_V4: &[&str] = &[
    "https://api.ipify.org",
    "https://ipv4.icanhazip.com",
    "https://checkip.amazonaws.com",
    "https://dynamicdns.park-your-domain.com/getip",
];

/// The same for IPv6 (these hosts have AAAA records only).
pub const DEFAULT_SOURCES_V6: &[&str] = &["https://api6.ipify.org", "https://ipv6.icanhazip.com"];

/// Asks one web source; the reply must be exactly one public address of `family`.
pub fn ask(client: &Client, url: &str, family: Family) -> Result<IpAddr, String> {
    let reply = client.send(&Request::get(url)).map_err(|e| e.to_string())?;
    let host = host_of(url);
    if reply.status != 200 {
        return Err(format!("{host}: HTTP {}", reply.status));
    }
    parse_public(&reply.text(), family).map_err(|e| format!("{host}: {e}"))
}
