//! Update-URL presets: one table row per service, each a `custom` provider with its templates and reply words filled in.
//!
//! A record names a row with `provider = "<name>"`; any key of the row (`url`, `url6`,
//! `success`, `failure`, `method`, ...) may be set in the record to override it, and
//! `server = "https://host:port"` replaces the scheme and host of the row's templates, keeping
//! their paths and queries. Templates use the `custom` placeholders; `{ip}` is the address of
//! the family sent (one request per family).

use crate::http::Method;

/// A service reached by an update URL.
pub struct Preset {
    pub name: &'static str,
    pub url: &'static str,
    /// The IPv6 update URL; `None` when the service takes no IPv6 update.
    pub url6: Option<&'static str>,
    pub method: Method,
    /// Whether `username` and `password` go as HTTP Basic (else the templates place them).
    pub basic: bool,
    /// Reply words (see the `custom` word rule); empty `success` means the HTTP status decides.
    pub success: &'static [&'static str],
    pub failure: &'static [&'static str],
}

/// An IPv4-only GET service whose templates carry the credentials, with no failure words.
pub const fn row(
    name: &'static str,
    url: &'static str,
    success: &'static [&'static str],
) -> Preset {
    Preset {
        name,
        url,
        url6: None,
        method: Method::Get,
        basic: false,
        success,
        failure: &[],
    }
}

pub const PRESETS: &[Preset] = &[
    // Words: ddns-scripts' `answer` (SERVICES.md); the service's page
    // (https://support.dnsmadeeasy.com/support/solutions/articles/47001122450-dynamic-dns)
    // names the arguments, not the replies. `id` is the record's id: give it as `hostname`.
    row(
        "dnsmadeeasy.com",
        "https://cp.dnsmadeeasy.com/servlet/updateip?username={username}&password={password}&id={hostname}&ip={ip}",
        &["success", "ip-same"],
    ),
    // `apikey` (the DonDNS key) as https://dondominio.dev/en/dondns/docs/api/ names it, where
    // ddns-scripts sends `password`; `ip` and the word `OK` are ddns-scripts' (SERVICES.md).
    row(
        "dondominio.com",
        "https://dondns.dondominio.com/plain/?user={username}&apikey={password}&host={hostname}&ip={ip}",
        &["OK"],
    ),
    // Words: ddns-scripts' `answer` (SERVICES.md), `success|100|101`, read as the first word.
    Preset {
        url6: Some(
            "https://dyndns.regfish.de/?fqdn={hostname}&forcehost=1&authtype=secure&token={token}&ipv6={ip}",
        ),
        ..row(
            "regfish.de",
            "https://dyndns.regfish.de/?fqdn={hostname}&forcehost=1&authtype=secure&token={token}&ipv4={ip}",
            &["success", "100", "101"],
        )
    },
    // No `answer` in ddns-scripts (SERVICES.md): the HTTP status decides. Basic auth with the
    // API key pair, POST, as https://www.mythic-beasts.com/support/api/dnsv2/dynamic-dns
    // suggests; the service sets the address the request comes from (no {ip}).
    Preset {
        url6: Some("https://ipv6.api.mythic-beasts.com/dns/v2/dynamic/{hostname}"),
        method: Method::Post,
        basic: true,
        ..row(
            "mythic-beasts.com-v2",
            "https://ipv4.api.mythic-beasts.com/dns/v2/dynamic/{hostname}",
            &[],
        )
    },
];

pub fn preset(name: &str) -> Option<&'static Preset> {
    PRESETS.iter().find(|p| p.name == name)
}

pub fn preset_names() -> Vec<&'static str> {
    PRESETS.iter().map(|p| p.name).collect()
}

/// `template` with its scheme and host replaced by `server`'s, path and query kept.
pub fn with_server(template: &str, server: &str) -> String {
    let start = template.find("://").map_or(0, |i| i + 3);
    let rest = &template[start..];
    let end = rest.find(['/', '?']).unwrap_or(rest.len());
    format!("{}{}", server.trim_end_matches('/'), &rest[end..])
}

#[cfg(test)]
#[path = "presets_tests.rs"]
mod tests;
