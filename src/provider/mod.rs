//! The provider trait and the registry: one `match` from a config name to an implementation.
pub mod api;
pub mod cloudflare;
pub mod desec;
pub mod digitalocean;
pub mod duckdns;
pub mod dyndns2;
pub mod dynv6;
pub mod freedns;
pub mod gandi;
pub mod namecheap;
pub mod names;
pub mod porkbun;
pub mod rfc2136;
#[cfg(test)]
mod testutil;

use crate::config::Fields;
use crate::error::Error;
use crate::family::Family;
use crate::http::{Client, Reply, Request};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// What a provider answered to an update that went through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Success {
    /// The record now holds the address.
    Updated,
    /// The provider says the record already held it (`nochg`).
    NoChange,
}

/// The addresses one update sets: at most one per family.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Addrs {
    pub v4: Option<Ipv4Addr>,
    pub v6: Option<Ipv6Addr>,
}

impl Addrs {
    pub fn one(ip: IpAddr) -> Addrs {
        let mut a = Addrs::default();
        a.set(ip);
        a
    }

    pub fn set(&mut self, ip: IpAddr) {
        match ip {
            IpAddr::V4(v4) => self.v4 = Some(v4),
            IpAddr::V6(v6) => self.v6 = Some(v6),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.v4.is_none() && self.v6.is_none()
    }

    /// The IPv4 address alone, for services without IPv6 updates.
    pub fn v4_only(self) -> Addrs {
        Addrs { v6: None, ..self }
    }

    /// The addresses, IPv4 first.
    pub fn list(&self) -> Vec<IpAddr> {
        self.v4
            .map(IpAddr::V4)
            .into_iter()
            .chain(self.v6.map(IpAddr::V6))
            .collect()
    }

    pub fn families(&self) -> Vec<Family> {
        self.list().into_iter().map(Family::of).collect()
    }
}

/// What a provider remembers between runs, per family (e.g. a zone and record id), kept in
/// the state file. Empty until the provider writes it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Cache {
    pub v4: String,
    pub v6: String,
}

impl Cache {
    pub fn get(&self, family: Family) -> &str {
        match family {
            Family::V4 => &self.v4,
            Family::V6 => &self.v6,
        }
    }

    pub fn set(&mut self, family: Family, value: String) {
        match family {
            Family::V4 => self.v4 = value,
            Family::V6 => self.v6 = value,
        }
    }
}

/// One request of an update and the addresses its answer speaks for.
pub struct Planned {
    pub request: Request,
    pub sets: Addrs,
}

impl Planned {
    /// One request for all of `addrs` (both families at once); none when there is nothing to set.
    pub fn together(addrs: Addrs, build: impl FnOnce(Addrs) -> Request) -> Vec<Planned> {
        if addrs.is_empty() {
            return Vec::new();
        }
        vec![Planned {
            request: build(addrs),
            sets: addrs,
        }]
    }

    /// One request per address, IPv4 first.
    pub fn each(addrs: Addrs, build: impl Fn(IpAddr) -> Request) -> Vec<Planned> {
        addrs
            .list()
            .into_iter()
            .map(|ip| Planned {
                request: build(ip),
                sets: Addrs::one(ip),
            })
            .collect()
    }
}

/// A DNS provider: builds its requests from a validated record, and reads the answers.
pub trait Provider: Send + Sync {
    /// The name a person knows the record by, e.g. `home.example.com`.
    fn fqdn(&self) -> String;
    /// Whether it can set AAAA records.
    fn supports_v6(&self) -> bool {
        false
    }
    /// The requests an update to `addrs` sends (what `--dry-run` prints). Pure.
    fn plan(&self, addrs: Addrs) -> Vec<Planned>;
    /// What an update to `addrs` does, for `--dry-run`, when it is not an HTTP request
    /// (never a secret). Pure.
    fn describe(&self, _addrs: Addrs) -> Vec<String> {
        Vec::new()
    }
    /// Reads the reply to a planned request that set `sets`. Pure. Providers whose `update`
    /// drives its own exchange (not HTTP, or several steps) need not read a single reply.
    fn parse_reply(&self, _reply: &Reply, _sets: Addrs) -> Result<Success, Error> {
        Err(Error::fatal(
            "this provider has no single HTTP reply to read",
        ))
    }
    /// Sends the update: each family's outcome, already classified transient or fatal.
    /// Providers with a multi-step API override this and may keep ids in `cache`.
    fn update(
        &self,
        client: &Client,
        addrs: Addrs,
        _cache: &mut Cache,
    ) -> Vec<(Family, Result<Success, Error>)> {
        let mut out = Vec::new();
        for planned in self.plan(addrs) {
            let result = client
                .send(&planned.request)
                .and_then(|reply| self.parse_reply(&reply, planned.sets));
            for family in planned.sets.families() {
                out.push((family, result.clone()));
            }
        }
        out
    }
}

/// Builds the provider named in a record's `provider` key. Adding a provider with its own
/// API means one file and one arm here; a dyndns2-style service is a preset row instead.
pub fn from_config(name: &str, fields: &mut Fields) -> Result<Box<dyn Provider>, Error> {
    Ok(match name {
        "namecheap" => Box::new(namecheap::Namecheap::from_config(fields)?),
        "duckdns" => Box::new(duckdns::DuckDns::from_config(fields)?),
        "cloudflare" => Box::new(cloudflare::Cloudflare::from_config(fields)?),
        "dyndns2" => Box::new(dyndns2::Dyndns2::from_config(None, fields)?),
        "desec" => Box::new(desec::Desec::from_config(fields)?),
        "dynv6" => Box::new(dynv6::Dynv6::from_config(fields)?),
        "freedns" => Box::new(freedns::FreeDns::from_config(fields)?),
        "porkbun" => Box::new(porkbun::Porkbun::from_config(fields)?),
        "gandi" => Box::new(gandi::Gandi::from_config(fields)?),
        "digitalocean" => Box::new(digitalocean::DigitalOcean::from_config(fields)?),
        "rfc2136" => Box::new(rfc2136::Rfc2136::from_config(fields)?),
        other => match dyndns2::preset(other) {
            Some(preset) => Box::new(dyndns2::Dyndns2::from_config(Some(preset), fields)?),
            None => {
                return Err(Error::Config(format!(
                    "unknown provider \"{other}\" (known: namecheap, duckdns, cloudflare, desec, dynv6, freedns, porkbun, gandi, digitalocean, rfc2136, dyndns2, {})",
                    dyndns2::preset_names().join(", ")
                )));
            }
        },
    })
}

/// What an HTTP status alone says about a failed request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusClass {
    /// 401, 403: the credentials were refused; fatal.
    Refused,
    /// 429 and 5xx: the server is busy or in trouble; transient, after its `Retry-After`.
    Busy,
    /// Anything else: transient.
    Unexpected,
}

impl StatusClass {
    pub fn of(status: u16) -> StatusClass {
        match status {
            401 | 403 => StatusClass::Refused,
            429 | 500..=599 => StatusClass::Busy,
            _ => StatusClass::Unexpected,
        }
    }

    /// `message` as an error of this class; a busy server's `Retry-After` is kept.
    pub fn error(self, reply: &Reply, message: String) -> Error {
        match (self, reply.retry_after_secs()) {
            (StatusClass::Refused, _) => Error::fatal(message),
            (StatusClass::Busy, Some(secs)) => Error::transient_after(message, secs),
            (StatusClass::Busy, None) | (StatusClass::Unexpected, _) => Error::transient(message),
        }
    }
}

/// `message` classified by the reply's status alone (see [`StatusClass`]).
pub fn status_error(reply: &Reply, message: String) -> Error {
    StatusClass::of(reply.status).error(reply, message)
}

/// The HTTP status alone, for replies whose body says nothing recognisable:
/// 401/403 are fatal (credentials), 429 and 5xx transient, anything else transient.
pub fn classify_status(reply: &Reply, what: &str) -> Error {
    let status = reply.status;
    let said = said(&reply.text());
    let class = StatusClass::of(status);
    let message = match class {
        StatusClass::Refused => {
            format!("HTTP {status}, credentials refused{said}; check the record's secret")
        }
        StatusClass::Busy => format!("HTTP {status}{said}"),
        StatusClass::Unexpected => format!("unexpected {what} (HTTP {status}){said}"),
    };
    class.error(reply, message)
}

/// A reply to a text protocol whose first line is no known answer: transient, as an empty or
/// unexpected reply on HTTP 200, else by its status alone.
pub fn unknown_answer(reply: &Reply, line: &str) -> Error {
    match reply.status {
        200 if line.is_empty() => Error::transient("empty reply"),
        200 => Error::transient(format!("unexpected reply{}", said(line))),
        _ => classify_status(reply, "reply"),
    }
}

/// The first line of a text reply that is not blank, trimmed; empty when there is none.
pub fn first_line(text: &str) -> &str {
    text.lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("")
}

/// `req` with `<v4_key>=<IPv4>` and `<v6_key>=<IPv6>` for the addresses present.
pub fn add_addresses(req: Request, addrs: Addrs, v4_key: &str, v6_key: &str) -> Request {
    let req = match addrs.v4 {
        Some(v4) => req.param(v4_key, v4.to_string()),
        None => req,
    };
    match addrs.v6 {
        Some(v6) => req.param(v6_key, v6.to_string()),
        None => req,
    }
}

/// What a reply said, for the end of a log line: `: "<text>"`, cut short; empty when it
/// said nothing.
pub fn said(text: &str) -> String {
    let shown = short(text);
    if shown.is_empty() {
        String::new()
    } else {
        format!(": {shown:?}")
    }
}

/// A reply cut down to something a log line can hold.
pub fn short(text: &str) -> String {
    let t = text.trim();
    let mut s: String = t.chars().filter(|c| !c.is_control()).take(80).collect();
    if t.chars().count() > 80 {
        s.push('…');
    }
    s
}
