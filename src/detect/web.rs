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

/// How messages name a web source: its host and path (`checkip.example.net/v4`), so two
/// sources on one host are told apart; no scheme, query or fragment.
pub fn where_of(url: &str) -> String {
    let rest = url.find("://").map_or(url, |i| &url[i + 3..]);
    let rest = rest.split(['?', '#']).next().unwrap_or_default();
    let host = host_of(url);
    match rest.find('/') {
        Some(i) if rest.len() > i + 1 => format!("{host}{}", &rest[i..]),
        _ => host.to_string(),
    }
}

/// Asks one web source; the reply must be exactly one public address of `family`.
pub fn ask(client: &Client, url: &str, family: Family) -> Result<IpAddr, String> {
    let reply = client.send(&Request::get(url)).map_err(|e| e.to_string())?;
    let host = where_of(url);
    if reply.status != 200 {
        return Err(format!("{host}: HTTP {}", reply.status));
    }
    parse_public(&reply.text(), family).map_err(|e| format!("{host}: {e}"))
}

#[cfg(test)]
mod tests {
    use super::where_of;

    #[test]
    fn sources_are_named_by_host_and_path() {
        assert_eq!(where_of("https://api.ipify.org"), "api.ipify.org");
        assert_eq!(where_of("https://api.ipify.org/"), "api.ipify.org");
        assert_eq!(
            where_of("https://ip.example.net/v4?format=text"),
            "ip.example.net/v4"
        );
        assert_eq!(where_of("http://127.0.0.1:8080/ip#x"), "127.0.0.1:8080/ip");
        assert_eq!(where_of("https://[::1]:8443/a/b"), "[::1]:8443/a/b");
    }
}
