//! The dyndns2 protocol (https://help.dyn.com/remote-access-api/) and its presets: one table row per service.
use super::names::parse_record_name;
use super::{Addrs, Planned, Provider, Success, first_line, unknown_answer};
use crate::error::Error;
use crate::fields::{Fields, Secret};
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

/// A dyndns2-compatible service: where it listens and what it needs beyond the protocol.
pub struct Preset {
    pub name: &'static str,
    pub server: &'static str,
    pub path: &'static str,
    /// Query pairs the service requires (e.g. OVH's `system=dyndns`).
    pub extra: &'static [(&'static str, &'static str)],
    /// Hurricane Electric: the login is the hostname itself, so `username` may be left out.
    pub user_is_hostname: bool,
    pub v6: V6Style,
}

const fn row(name: &'static str, server: &'static str, path: &'static str) -> Preset {
    Preset {
        name,
        server,
        path,
        extra: &[],
        user_is_hostname: false,
        v6: V6Style::Comma,
    }
}

const fn v4_only(name: &'static str, server: &'static str, path: &'static str) -> Preset {
    Preset {
        v6: V6Style::None,
        ..row(name, server, path)
    }
}

/// Services whose dyndns2 endpoints are documented (see the README's provider table).
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
    Preset {
        extra: &[("system", "dyndns")],
        ..v4_only("ovh", "https://www.ovh.com", "/nic/update")
    },
    row("strato", "https://dyndns.strato.com", "/nic/update"),
    Preset {
        v6: V6Style::Separate,
        ..row("infomaniak", "https://infomaniak.com", "/nic/update")
    },
    row("dnsomatic", "https://updates.dnsomatic.com", "/nic/update"),
    row("selfhost", "https://carol.selfhost.de", "/nic/update"),
    row("spdyn", "https://update.spdyn.de", "/nic/update"),
    v4_only("nsupdate.info", "https://ipv4.nsupdate.info", "/nic/update"),
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
    Preset {
        v6: V6Style::Separate,
        ..row("simply", "https://ddns.simply.com", "/nic/update")
    },
    v4_only("3322", "https://members.3322.org", "/dyndns/update"),
];

pub fn preset(name: &str) -> Option<&'static Preset> {
    PRESETS.iter().find(|p| p.name == name)
}

pub fn preset_names() -> Vec<&'static str> {
    PRESETS.iter().map(|p| p.name).collect()
}

pub struct Dyndns2 {
    endpoint: String,
    extra: &'static [(&'static str, &'static str)],
    v6: V6Style,
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
        let given = f.required_str("hostname")?;
        if given.contains(',') {
            return Err(f.error(
                "hostname",
                "one hostname per record (write one [[record]] each)",
            ));
        }
        let hostname = parse_hostname(&given).map_err(|m| f.error("hostname", &m))?;
        let username = match (preset, f.str("username")?) {
            (_, Some(u)) => u,
            (Some(p), None) if p.user_is_hostname => hostname.clone(),
            (_, None) => return Err(f.missing("username")),
        };
        let password = f.secret("password")?;
        Ok(Dyndns2 {
            endpoint,
            extra: preset.map_or(&[], |p| p.extra),
            v6: preset.map_or(V6Style::Comma, |p| p.v6),
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

impl Provider for Dyndns2 {
    fn fqdn(&self) -> String {
        self.hostname.clone()
    }

    fn supports_v6(&self) -> bool {
        self.v6 != V6Style::None
    }

    fn plan(&self, addrs: Addrs) -> Vec<Planned> {
        let one_each = |ip| self.build_request(Addrs::one(ip));
        match self.v6 {
            V6Style::Separate => Planned::each(addrs, one_each),
            V6Style::None => Planned::each(addrs.v4_only(), one_each),
            V6Style::Comma | V6Style::MyIpv6 => {
                Planned::together(addrs, |addrs| self.build_request(addrs))
            }
        }
    }

    fn parse_reply(&self, reply: &Reply, sets: Addrs) -> Result<Success, Error> {
        parse_reply(reply, &sets.list())
    }
}

impl Dyndns2 {
    fn build_request(&self, sets: Addrs) -> Request {
        let mut req = Request::get(&self.endpoint);
        for (k, v) in self.extra {
            req = req.param(k, *v);
        }
        req = req.param("hostname", &self.hostname);
        let text = |ip: Option<IpAddr>| ip.map(|ip| ip.to_string());
        let (v4, v6) = (text(sets.v4.map(IpAddr::V4)), text(sets.v6.map(IpAddr::V6)));
        req = match (self.v6, v4, v6) {
            (V6Style::MyIpv6, v4, Some(v6)) => req
                .param("myip", v4.unwrap_or_else(|| "no".to_string()))
                .param("myipv6", v6),
            (_, v4, v6) => {
                let list: Vec<String> = v4.into_iter().chain(v6).collect();
                req.param("myip", list.join(","))
            }
        };
        req.basic_auth(&self.username, self.password.expose())
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
