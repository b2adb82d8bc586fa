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
    }, // FreeDNS's v1 update URL; its replies (PROTOCOLS.md §5.6): `Updated 1 host(s) ...`; an
    // `ERROR: ...` (an unchanged address too) matches nothing
    Preset {
        url6: Some("https://freedns.afraid.org/dynamic/update.php?{token}&address={ip}"),
        ..row(
            "afraid.org-keyauth",
            "https://freedns.afraid.org/dynamic/update.php?{token}&address={ip}",
            &["updated"],
        )
    },
    // FreeDNS v2 with the account's login; its replies (PROTOCOLS.md §5.6): `Updated <n> host(s)
    // ...`, `No IP change detected for ...`
    Preset {
        url6: Some("https://v6.sync.afraid.org/u/?h={hostname}&ip={ip}"),
        basic: true,
        ..row(
            "afraid.org-v2-basic",
            "https://sync.afraid.org/u/?h={hostname}&ip={ip}",
            &["updated", "no ip change detected"],
        )
    },
    // ddns-scripts' template (v4 at ip4.ddnss.de) and `ip6=` as DDNSS's own update URL takes it;
    // words: ddns-scripts' `Updated|No change`
    Preset {
        url6: Some(
            "https://ddnss.de/upd.php?user={username}&pwd={password}&host={hostname}&ip6={ip}",
        ),
        ..row(
            "ddnss.de",
            "https://ddnss.de/upd.php?user={username}&pwd={password}&host={hostname}&ip={ip}",
            &["updated", "no change"],
        )
    },
    // ddns-scripts' template; no answer known: HTTP status
    row(
        "ddo.jp",
        "https://free.ddo.jp/dnsupdate.php?dn={hostname}&pw={password}&ip={ip}",
        &[],
    ),
    // ddns-scripts' template; no answer known: HTTP status
    row(
        "dnsexit.com",
        "https://update.dnsexit.com/RemoteUpdate.sv?login={username}&password={password}&host={hostname}&myip={ip}",
        &[],
    ),
    // ddns-scripts' template; no answer known: HTTP status
    row(
        "dnsmax.com",
        "https://update.dnsmax.com/update/?username={username}&password={password}&resellerid=1&clientname=openwrt&clientversion=8.09&protocolversion=2.0&updatehostname={hostname}&ip={ip}",
        &[],
    ),
    // DNSMax for ThatIP (`resellerid=2`); ddns-scripts' template; HTTP status
    row(
        "thatip.com",
        "https://update.dnsmax.com/update/?username={username}&password={password}&resellerid=2&clientname=openwrt&clientversion=8.09&protocolversion=2.0&updatehostname={hostname}&ip={ip}",
        &[],
    ),
    // ddns-scripts' templates; no answer known: HTTP status
    Preset {
        url6: Some(
            "https://ip.duiadns.net/dynamic.duia?host={hostname}&password={password}&ip6={ip}",
        ),
        ..row(
            "duiadns.net",
            "https://ip.duiadns.net/dynamic.duia?host={hostname}&password={password}&ip4={ip}",
            &[],
        )
    },
    // ddns-scripts' templates; no answer known: HTTP status
    Preset {
        url6: Some(
            "https://www.goip.de/setip?username={username}&password={password}&subdomain={hostname}&ip6={ip}",
        ),
        ..row(
            "goip.de",
            "https://www.goip.de/setip?username={username}&password={password}&subdomain={hostname}&ip={ip}",
            &[],
        )
    },
    // ddns-scripts' templates and answer `good|nochg`; `badauth` as in dyndns2
    Preset {
        url6: Some("https://ipv64.net/nic/update?domain={hostname}&key={token}&ipv6={ip}"),
        failure: &["badauth"],
        ..row(
            "ipv64.net",
            "https://ipv64.net/nic/update?domain={hostname}&key={token}&ip={ip}",
            &["good", "nochg"],
        )
    },
    // Key-Systems' dynamic DNS URL (as domaindiscount24's help page gives it) and ddns-scripts'
    // answer `success`
    row(
        "moniker.com",
        "https://dynamicdns.key-systems.net/update.php?hostname={hostname}&password={password}&ip={ip}",
        &["success"],
    ),
    // ddns-scripts' templates; no answer known: HTTP status
    Preset {
        url6: Some(
            "https://www.mydns.jp/directip.html?MID={username}&PWD={password}&IPV6ADDR={ip}",
        ),
        ..row(
            "mydns.jp",
            "https://www.mydns.jp/directip.html?MID={username}&PWD={password}&IPV4ADDR={ip}",
            &[],
        )
    },
    // ddns-scripts' templates and answer `good|nochg`
    Preset {
        url6: Some(
            "https://myonlineportal.net/updateddns?hostname={hostname}&ip6={ip}&username={username}&password={password}",
        ),
        ..row(
            "myonlineportal.net",
            "https://myonlineportal.net/updateddns?hostname={hostname}&ip={ip}&username={username}&password={password}",
            &["good", "nochg"],
        )
    },
    // ddns-scripts' templates with the address itself instead of `DYNAMIC_IP` (the connection's);
    // HTTP status
    Preset {
        url6: Some(
            "https://dnsapi6.mythic-beasts.com/?domain={username}&password={password}&command=REPLACE%20{hostname}%2060%20AAAA%20{ip}&origin=.",
        ),
        ..row(
            "mythic-beasts.com",
            "https://dnsapi4.mythic-beasts.com/?domain={username}&password={password}&command=REPLACE%20{hostname}%2060%20A%20{ip}&origin=.",
            &[],
        )
    },
    // ddns-scripts' templates; no answer known: HTTP status
    Preset {
        url6: Some("https://njal.la/update/?h={hostname}&k={token}&aaaa={ip}"),
        ..row(
            "njal.la",
            "https://njal.la/update/?h={hostname}&k={token}&a={ip}",
            &[],
        )
    },
    // ddns-scripts' template and answer `success`; `hostname` is the record's id
    row(
        "sitelutions.com",
        "https://dnsup.sitelutions.com/dnsup?user={username}&pass={password}&id={hostname}&ip={ip}",
        &["success"],
    ),
    // ddns-scripts' template; its answer `0` says too little: HTTP status
    row(
        "system-ns.com",
        "https://system-ns.com/api?type=dynamic&command=set&domain={hostname}&token={token}&ip={ip}",
        &[],
    ),
    // ddns-scripts' template; no answer known: HTTP status
    Preset {
        basic: true,
        ..row(
            "twodns.de",
            "https://update.twodns.de/update?hostname={hostname}&ip={ip}",
            &[],
        )
    },
    // ddns-scripts' template and answer `good|nochg`
    Preset {
        url6: Some("https://ydns.io/api/v1/update/?host={hostname}&ip={ip}"),
        basic: true,
        failure: &["badauth"],
        ..row(
            "ydns.io",
            "https://ydns.io/api/v1/update/?host={hostname}&ip={ip}",
            &["good", "nochg"],
        )
    },
    // ddns-scripts' template; ZoneEdit answers `<SUCCESS CODE="200" ...>` or `<ERROR CODE=...>`
    // (as ddclient's zoneedit reader takes it); an error matches nothing
    Preset {
        basic: true,
        ..row(
            "zoneedit.com",
            "https://dynamic.zoneedit.com/auth/dynamic.html?host={hostname}&dnsto={ip}",
            &["<success"],
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
