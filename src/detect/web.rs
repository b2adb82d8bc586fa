//! Web sources: ask HTTP(S) services which address they see, in order, first good answer wins.
use super::parse_public_v4;
use crate::error::Error;
use crate::http::{Client, Request, host_of};
use std::net::Ipv4Addr;

/// Independent, maintained services that answer with the bare address.
pub const DEFAULT_SOURCES: &[&str] = &[
    "https://api.ipify.org",
    "https://ipv4.icanhazip.com",
    "https://checkip.amazonaws.com",
    "https://dynamicdns.park-your-domain.com/getip",
];

/// Tries each source once, in order; the first reply that is exactly one public IPv4
/// address wins. When none answers usefully the error lists why each one failed.
pub fn detect_v4(client: &Client, sources: &[String]) -> Result<Ipv4Addr, Error> {
    let mut why = Vec::new();
    for url in sources {
        match ask(client, url) {
            Ok(ip) => {
                log::debug!("{}: sees {ip}", host_of(url));
                return Ok(ip);
            }
            Err(e) => {
                log::debug!("{e}");
                why.push(e);
            }
        }
    }
    Err(Error::transient(format!(
        "could not find the public IPv4 address; no update sent ({})",
        why.join("; ")
    )))
}

fn ask(client: &Client, url: &str) -> Result<Ipv4Addr, String> {
    let reply = client.send(&Request::get(url)).map_err(|e| e.to_string())?;
    let host = host_of(url);
    if reply.status != 200 {
        return Err(format!("{host}: HTTP {}", reply.status));
    }
    parse_public_v4(&reply.text()).map_err(|e| format!("{host}: {e}"))
}
