//! The dyndns2 protocol (https://help.dyn.com/remote-access-api/) and its presets: one table row per service.
use super::custom::starts_with_word;
use super::names::parse_record_name;
use super::{Addrs, Planned, Provider, Success, classify_status, first_line, unknown_answer};
use crate::error::Error;
use crate::fields::{Fields, Secret, endpoint_url};
use crate::http::{Reply, Request};
use std::net::IpAddr;

/// How a service takes an IPv6 address (PROTOCOLS.md §2.6).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum V6Style {
    /// `myip=v4,v6` in one request; one status line covers both (Dyn, No-IP).
    Comma,
    /// One request per family (Hurricane Electric: one record per request).
    Separate,
    /// `myip=v4&myipv6=v6`, and `myip=no` when only IPv6 is sent (Dynu).
    MyIpv6,
    /// No IPv6 updates.
    None,
}

/// A service's own reply words, each matched case-insensitively as the first word(s) of the
/// reply's first non-blank line. Fatal words win whatever the status; the others count only
/// on a 2xx reply; a reply matching none is classified by its status, else transient.
#[derive(Debug, PartialEq, Eq)]
pub struct Words {
    pub good: &'static [&'static str],
    pub nochg: &'static [&'static str],
    pub fatal: &'static [&'static str],
}

/// How a service's reply is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// The dyndns2 return codes (PROTOCOLS.md §2.3).
    Codes,
    /// The service's own words.
    Words(&'static Words),
    /// HTTP 204 No Content is success (Domeneshop); any other reply by its status.
    NoContent,
}

/// A dyndns2-compatible service: where it listens and what it needs beyond the protocol.
pub struct Preset {
    pub name: &'static str,
    pub server: &'static str,
    /// Where IPv6 updates go when that is another host (nsupdate.info); empty: `server`.
    pub server6: &'static str,
    pub path: &'static str,
    /// Query pairs the service requires (e.g. OVH's `system=dyndns`).
    pub extra: &'static [(&'static str, &'static str)],
    /// Pairs sent only with an IPv4 / only with an IPv6 update (core-networks.de's
    /// `keepipv6=1` / `keepipv4=1`, which keep the other family's record).
    pub extra4: &'static [(&'static str, &'static str)],
    pub extra6: &'static [(&'static str, &'static str)],
    /// Hurricane Electric: the login is the hostname itself, so `username` may be left out.
    pub user_is_hostname: bool,
    /// ApertoDNS' token login: the token is both login and password, so `username` may be
    /// left out.
    pub user_is_password: bool,
    /// The `hostname` is an id or label, not a domain name (a tunnel id, a network label).
    pub id_hostname: bool,
    pub v6: V6Style,
    /// The query keys of the address, IPv4 and IPv6 (`myip` unless the service says otherwise).
    pub ip_keys: (&'static str, &'static str),
    pub answer: Answer,
}

const fn row(name: &'static str, server: &'static str, path: &'static str) -> Preset {
    Preset {
        name,
        server,
        server6: "",
        path,
        extra: &[],
        extra4: &[],
        extra6: &[],
        user_is_hostname: false,
        user_is_password: false,
        id_hostname: false,
        v6: V6Style::Comma,
        ip_keys: ("myip", "myip"),
        answer: Answer::Codes,
    }
}

const fn v4_only(name: &'static str, server: &'static str, path: &'static str) -> Preset {
    Preset {
        v6: V6Style::None,
        ..row(name, server, path)
    }
}

/// One request per family: what ddns-scripts sends where its IPv6 template is the IPv4 one.
const fn each(name: &'static str, server: &'static str, path: &'static str) -> Preset {
    Preset {
        v6: V6Style::Separate,
        ..row(name, server, path)
    }
}

/// The plain `dyndns2` provider: the user names the server.
const GENERIC: Preset = row("dyndns2", "", "/nic/update");

/// easyDNS's own codes (its dynamic update spec, support.easydns.com/tutorials/
/// dynamicUpdateSpecs.php, and ddns-scripts' `OK|NOERROR`); `TOOSOON` (sooner than its
/// 10-minute limit) matches nothing and so is transient.
const EASYDNS: Words = Words {
    good: &["noerror", "ok"],
    nochg: &[],
    fatal: &["noaccess", "noservice", "illegal input"],
};

/// ChangeIP's plain-text success heading `200 Successful Update` (ddns-scripts matches
/// `Successful`; the heading as clients of https://www.changeip.com/accounts/knowledgebase.php
/// ?action=displayarticle&id=34 read it); refusals come as HTTP 401/403.
const CHANGEIP: Words = Words {
    good: &["200 successful"],
    nochg: &[],
    fatal: &[],
};

/// Services whose dyndns2 endpoints are documented (see the README's preset table). Unless a
/// row says otherwise its replies are the dyndns2 codes (`good`/`nochg`, as ddns-scripts'
/// `answer` for it says, and every dyndns2 failure code).
pub const PRESETS: &[Preset] = &[
    row("dyn", "https://members.dyndns.org", "/nic/update"),
    row("noip", "https://dynupdate.no-ip.com", "/nic/update"),
    Preset {
        v6: V6Style::MyIpv6,
        ..row("dynu", "https://api.dynu.com", "/nic/update")
    },
    Preset {
        user_is_hostname: true,
        v6: V6Style::Separate,
        ..row("he", "https://dyn.dns.he.net", "/nic/update")
    },
    // OVHcloud's DynHost guide (github.com/ovh/docs, pages/web_cloud/domains/dns_dynhost):
    // `https://dns.eu.ovhapis.com/nic/update?system=dyndns&hostname=..&myip=..`, "the new
    // IPv4 or IPv6 address": one address per request.
    Preset {
        extra: &[("system", "dyndns")],
        ..each("ovh", "https://dns.eu.ovhapis.com", "/nic/update")
    },
    row("strato", "https://dyndns.strato.com", "/nic/update"),
    Preset {
        v6: V6Style::Separate,
        ..row("infomaniak", "https://infomaniak.com", "/nic/update")
    },
    row("dnsomatic", "https://updates.dnsomatic.com", "/nic/update"),
    row("selfhost", "https://carol.selfhost.de", "/nic/update"),
    row("spdyn", "https://update.spdyn.de", "/nic/update"),
    // IPv6 updates go to the IPv6 host, as in ddns-scripts' nsupdate.info templates.
    Preset {
        server6: "https://ipv6.nsupdate.info",
        ..each("nsupdate.info", "https://ipv4.nsupdate.info", "/nic/update")
    },
    v4_only(
        "loopia",
        "https://dns.loopia.se",
        "/XDynDNSServer/XDynDNS.php",
    ),
    v4_only("dy.fi", "https://www.dy.fi", "/nic/update"),
    row("do.de", "https://ddns.do.de", "/nic/update"),
    Preset {
        v6: V6Style::MyIpv6,
        ..row("inwx", "https://dyndns.inwx.com", "/nic/update")
    },
    row("joker", "https://svc.joker.com", "/nic/update"),
    row("schokokeks", "https://dyndns.schokokeks.org", "/nic/update"),
    row("variomedia", "https://dyndns.variomedia.de", "/nic/update"),
    row("dyndns.it", "https://update.dyndns.it", "/nic/update"),
    v4_only("oray", "https://ddns.oray.com", "/ph/update"),
    // Simply.com's API documentation (https://www.simply.com/en/docs/api/): the API lives at
    // api.simply.com/2/ (Basic: account number + API key) and its `/dyndns/` endpoint
    // emulates the dyndns protocol (ddns-scripts uses `/2/ddns/`, answer `good|nochg`).
    each("simply", "https://api.simply.com", "/2/dyndns/"),
    v4_only("3322", "https://members.3322.org", "/dyndns/update"),
    each("hosting.de", "https://ddns.hosting.de", "/nic/update"),
    each("eurodns", "https://update.eurodyndns.org", "/update/"),
    v4_only("xlhost", "https://nsupdate.xlhost.de", "/nic/update"),
    each("apertodns", "https://api.apertodns.com", "/nic/update"),
    // ddns-scripts' apertodns.com-token: `https://[PASSWORD]:[PASSWORD]@api.apertodns.com/...`.
    Preset {
        user_is_password: true,
        ..each(
            "apertodns-token",
            "https://api.apertodns.com",
            "/nic/update",
        )
    },
    // ddns-scripts' template has no address; Now-DNS takes `myip` like the others.
    each("now-dns", "https://now-dns.com", "/update"),
    // The hostname is the OpenDNS network's label, not a domain name.
    Preset {
        id_hostname: true,
        ..v4_only("opendns", "https://updates.opendns.com", "/nic/update")
    },
    each("udmedia", "https://www.udmedia.de", "/nic/update"),
    v4_only("domopoli", "https://dyndns.domopoli.de", "/nic/update"),
    // ddns-scripts' templates: `ip=` for IPv4, `ip6=` for IPv6, one request each.
    Preset {
        ip_keys: ("ip", "ip6"),
        ..each("dnshome", "https://www.dnshome.de", "/dyndns.php")
    },
    // The update lives at the root path (ddns-scripts: `dyndns.kasserver.com/?myip=`).
    each("all-inkl", "https://dyndns.kasserver.com", "/"),
    // ddns-scripts and inadyn: path `/`, and `keepipv6=1` on an IPv4 update, `keepipv4=1`
    // on an IPv6 one, so that one family's update leaves the other's record alone.
    Preset {
        extra4: &[("keepipv6", "1")],
        extra6: &[("keepipv4", "1")],
        ..each("core-networks", "https://dyndns.core-networks.de", "/")
    },
    // `ip=`, not `myip=` (ddns-scripts), and ChangeIP's own success heading.
    Preset {
        ip_keys: ("ip", "ip"),
        answer: Answer::Words(&CHANGEIP),
        ..v4_only("changeip", "https://nic.changeip.com", "/nic/update")
    },
    Preset {
        answer: Answer::Words(&EASYDNS),
        ..each("easydns", "https://api.cp.easydns.com", "/dyn/generic.php")
    },
    // LuaDNS's dyndns2 endpoint (login: account email + API key).
    each("luadns", "https://app.luadns.com", "/nic/update"),
    // Domeneshop's dyndns endpoint (Basic: API token + secret; `GET /v0/dyndns/update?
    // hostname=&myip=`, as clients of api.domeneshop.no use it); success is `204 No Content`
    // (issue 9; the API reference itself was not at hand), so a 200 with a body is not.
    Preset {
        answer: Answer::NoContent,
        ..each(
            "domeneshop",
            "https://api.domeneshop.no",
            "/v0/dyndns/update",
        )
    },
    // Hurricane Electric's tunnel broker ("Dyn-compliant Endpoint Updates",
    // forums.he.net/index.php?topic=1994): the hostname is the tunnel id, the password the
    // tunnel's update key, the address the tunnel's IPv4 endpoint; dyndns2 replies.
    Preset {
        id_hostname: true,
        ..v4_only(
            "tunnelbroker",
            "https://ipv4.tunnelbroker.net",
            "/nic/update",
        )
    },
    // FreeDNS's dyndns2 endpoint with the account's login (ddns-scripts: afraid.org-basicauth).
    each("afraid-dyndns", "https://freedns.afraid.org", "/nic/update"),
];

pub fn preset(name: &str) -> Option<&'static Preset> {
    PRESETS.iter().find(|p| p.name == name)
}

pub fn preset_names() -> Vec<&'static str> {
    PRESETS.iter().map(|p| p.name).collect()
}

pub struct Dyndns2 {
    endpoint: String,
    /// Where an IPv6-only update goes (the same as `endpoint` unless the preset says so).
    endpoint6: String,
    preset: &'static Preset,
    hostname: String,
    username: String,
    password: Secret,
}

impl Dyndns2 {
    pub fn from_config(preset: Option<&'static Preset>, f: &mut Fields) -> Result<Dyndns2, Error> {
        let endpoint = match preset {
            Some(p) => f.endpoint(p.server, p.path)?,
            None => f.endpoint_required("/nic/update")?,
        };
        let p = preset.unwrap_or(&GENERIC);
        // The preset's own IPv6 host, unless `server` moved the record elsewhere.
        let endpoint6 = if p.server6.is_empty() || endpoint != endpoint_url(p.server, p.path) {
            endpoint.clone()
        } else {
            endpoint_url(p.server6, p.path)
        };
        let given = f.required_str("hostname")?;
        if given.contains(',') {
            return Err(f.error(
                "hostname",
                "one hostname per record (write one [[record]] each)",
            ));
        }
        let hostname = if p.id_hostname {
            parse_id(&given)
        } else {
            parse_hostname(&given)
        }
        .map_err(|m| f.error("hostname", &m))?;
        let username = f.str("username")?;
        let password = f.secret("password")?;
        let username = match username {
            Some(u) => u,
            None if p.user_is_hostname => hostname.clone(),
            None if p.user_is_password => password.expose().to_string(),
            None => return Err(f.missing("username")),
        };
        Ok(Dyndns2 {
            endpoint,
            endpoint6,
            preset: p,
            hostname,
            username,
            password,
        })
    }
}

/// A full name, lowercased; a leading `*` label is allowed for services that take wildcards.
fn parse_hostname(text: &str) -> Result<String, String> {
    let name = parse_record_name(text)?;
    if !name.contains('.') {
        return Err(format!(
            "\"{name}\" is not a full domain name (e.g. \"home.example.org\")"
        ));
    }
    Ok(name)
}

/// An id or label the service names the record by (sent as given, percent-encoded).
fn parse_id(text: &str) -> Result<String, String> {
    let id = text.trim();
    if id.is_empty() || id.len() > 253 || id.chars().any(char::is_control) {
        return Err(format!("\"{}\" is not an id or label", id.escape_debug()));
    }
    Ok(id.to_string())
}

impl Provider for Dyndns2 {
    fn fqdn(&self) -> String {
        self.hostname.clone()
    }

    fn supports_v6(&self) -> bool {
        self.preset.v6 != V6Style::None
    }

    fn plan(&self, addrs: Addrs) -> Vec<Planned> {
        let one_each = |ip| self.build_request(Addrs::one(ip));
        match self.preset.v6 {
            V6Style::Separate => Planned::each(addrs, one_each),
            V6Style::None => Planned::each(addrs.v4_only(), one_each),
            V6Style::Comma | V6Style::MyIpv6 => {
                Planned::together(addrs, |addrs| self.build_request(addrs))
            }
        }
    }

    fn parse_reply(&self, reply: &Reply, sets: Addrs) -> Result<Success, Error> {
        match self.preset.answer {
            Answer::Codes => parse_reply(reply, &sets.list()),
            Answer::Words(words) => parse_words(reply, words),
            Answer::NoContent => parse_no_content(reply),
        }
    }
}

impl Dyndns2 {
    fn build_request(&self, sets: Addrs) -> Request {
        let p = self.preset;
        let v6_only = sets.v4.is_none();
        let mut req = Request::get(if v6_only {
            &self.endpoint6
        } else {
            &self.endpoint
        });
        for (k, v) in p.extra {
            req = req.param(k, *v);
        }
        req = req.param("hostname", &self.hostname);
        let text = |ip: Option<IpAddr>| ip.map(|ip| ip.to_string());
        let (v4, v6) = (text(sets.v4.map(IpAddr::V4)), text(sets.v6.map(IpAddr::V6)));
        let family_extra = match (&v4, &v6) {
            (Some(_), None) => p.extra4,
            (None, Some(_)) => p.extra6,
            _ => &[],
        };
        req = match (p.v6, v4, v6) {
            (V6Style::MyIpv6, v4, Some(v6)) => req
                .param("myip", v4.unwrap_or_else(|| "no".to_string()))
                .param("myipv6", v6),
            (_, None, Some(v6)) => req.param(p.ip_keys.1, v6),
            (_, v4, v6) => {
                let list: Vec<String> = v4.into_iter().chain(v6).collect();
                req.param(p.ip_keys.0, list.join(","))
            }
        };
        for (k, v) in family_extra {
            req = req.param(k, *v);
        }
        req.basic_auth(&self.username, self.password.expose())
    }
}

/// Reads a reply by a service's own words (see [`Words`]).
pub fn parse_words(reply: &Reply, words: &Words) -> Result<Success, Error> {
    let text = reply.text();
    let line = first_line(&text);
    let said = |list: &[&str]| list.iter().any(|w| starts_with_word(line, w));
    if said(words.fatal) {
        return Err(Error::fatal(format!("refused: {}", super::short(line))));
    }
    if (200..300).contains(&reply.status) {
        if said(words.good) {
            return Ok(Success::Updated);
        }
        if said(words.nochg) {
            return Ok(Success::NoChange);
        }
    }
    Err(unknown_answer(reply, line))
}

/// HTTP 204 is success; anything else (a 200 with a body included) is classified by status.
pub fn parse_no_content(reply: &Reply) -> Result<Success, Error> {
    match reply.status {
        204 => Ok(Success::Updated),
        _ => Err(classify_status(reply, "reply")),
    }
}

/// Return codes that need a person: both Dyn and No-IP say to stop sending after these.
const FATAL_CODES: &[(&str, &str)] = &[
    ("badauth", "username or password refused"),
    (
        "!donator",
        "the request used a feature this account does not have",
    ),
    (
        "notfqdn",
        "the hostname is not a fully-qualified domain name",
    ),
    (
        "nofqdn",
        "the hostname is not a fully-qualified domain name",
    ),
    ("nohost", "the hostname does not exist in this account"),
    ("numhost", "too many hosts, or a round-robin record"),
    ("abuse", "the hostname is blocked for update abuse"),
    ("badagent", "the provider refused this client"),
    ("badsys", "the system parameter was refused"),
    ("!yours", "the hostname belongs to another account"),
    ("!active", "the hostname's custom domain is not active"),
    (
        "badrequest",
        "the provider refused the request as malformed",
    ),
    (
        "conflict",
        "another A/AAAA record conflicts with the update; remove it",
    ),
];

/// Provider-side trouble: try again later.
const TRANSIENT_CODES: &[(&str, &str, u64)] = &[
    ("911", "provider-side outage or maintenance", 30 * 60),
    ("dnserr", "provider-side DNS error", 30 * 60),
    ("interror", "provider-side internal error", 0),
    ("servererror", "provider-side server error", 0),
];

/// Classifies a dyndns2 reply for one hostname. The body decides whatever the HTTP status
/// (`911` arrives with HTTP 500); the status is used only when the body says nothing known.
pub fn parse_reply(reply: &Reply, sent: &[IpAddr]) -> Result<Success, Error> {
    let text = reply.text();
    let line = first_line(&text);
    let (code, rest) = match line.split_once(char::is_whitespace) {
        Some((c, r)) => (c.to_ascii_lowercase(), r.trim()),
        None => (line.to_ascii_lowercase(), ""),
    };
    match code.as_str() {
        "good" | "nochg" => {
            check_returned_ip(rest, sent)?;
            Ok(if code == "good" {
                Success::Updated
            } else {
                Success::NoChange
            })
        }
        _ => {
            if let Some((c, meaning)) = FATAL_CODES.iter().find(|(c, _)| *c == code) {
                let what = if rest.is_empty() {
                    String::new()
                } else {
                    format!(" {rest}")
                };
                return Err(Error::fatal(format!("{c}{what}: {meaning}")));
            }
            if let Some((c, meaning, min_wait)) = TRANSIENT_CODES.iter().find(|(c, ..)| *c == code)
            {
                let wait = reply.retry_after_secs().unwrap_or(0).max(*min_wait);
                let msg = format!("{c}: {meaning}");
                return Err(if wait > 0 {
                    Error::transient_after(msg, wait)
                } else {
                    Error::transient(msg)
                });
            }
            if let Some(secs) = parse_wait(&code) {
                return Err(Error::transient_after(
                    format!("{code}: the provider asks to wait"),
                    secs,
                ));
            }
            Err(unknown_answer(reply, line))
        }
    }
}

/// `good 127.0.0.1` when 127.0.0.1 was not sent is Dyn's way of saying "bad agent";
/// an address list without the one sent means the provider set something else.
fn check_returned_ip(rest: &str, sent: &[IpAddr]) -> Result<(), Error> {
    let listed: Vec<IpAddr> = rest
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    if listed.is_empty() || listed.iter().any(|ip| sent.contains(ip)) {
        return Ok(());
    }
    if listed.iter().any(|ip| ip.is_loopback()) {
        return Err(Error::fatal(
            "good 127.0.0.1: the provider ignored the update because of the client (badagent)",
        ));
    }
    let sent: Vec<String> = sent.iter().map(IpAddr::to_string).collect();
    Err(Error::transient(format!(
        "the provider reports {rest}, not the {} that was sent",
        sent.join(",")
    )))
}

/// `w30m`, `w90s`, `w2h`: wait exactly that long.
fn parse_wait(code: &str) -> Option<u64> {
    let body = code.strip_prefix('w')?;
    let (scale, digits) = if let Some(d) = body.strip_suffix('s') {
        (1, d)
    } else if let Some(d) = body.strip_suffix('m') {
        (60, d)
    } else {
        (3600, body.strip_suffix('h')?)
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n: u64 = digits.parse().ok()?;
    Some(n.saturating_mul(scale))
}

#[cfg(test)]
#[path = "dyndns2_tests.rs"]
mod tests;
