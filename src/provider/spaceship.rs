//! Spaceship DNS records API (https://docs.spaceship.dev/#tag/DNS-records): read the name's records, upsert the address only when it is missing, delete the name's other addresses of the type.
use super::api::{SendFn, holds, parse_value, update_each};
use super::names::{full_name, zone_at_and_inner_name};
use super::{Addrs, Cache, Planned, Provider, StatusClass, Success, short};
use crate::error::Error;
use crate::family::Family;
use crate::fields::{Fields, Secret};
use crate::http::{Client, Method, Reply, Request};
use crate::json::{Json, quote};
use std::fmt::Write;
use std::net::IpAddr;

pub const DEFAULT_SERVER: &str = "https://spaceship.dev";
/// Added to a `server` given without a path.
pub const API_PATH: &str = "/api/v1";
const MIN_TTL_SECS: i64 = 60;
const MAX_TTL_SECS: i64 = 3600;
/// The TTL of a record ddnsup creates when `ttl` is not given (Spaceship's usual one).
const DEFAULT_TTL_SECS: u64 = 3600;
/// Records asked for in one list; ddnsup reads this one page.
const TAKE: &str = "100";

pub struct Spaceship {
    base: String,
    domain: String,
    /// The name inside the domain: `@` for the apex.
    name: String,
    api_key: Secret,
    api_secret: Secret,
    /// For the address ddnsup writes; `None`: the replaced record's own, else 3600.
    ttl: Option<u64>,
    create: bool,
}

/// A record of the name and type as listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    pub address: String,
    pub ttl: Option<u64>,
}

impl Spaceship {
    pub fn from_config(f: &mut Fields) -> Result<Spaceship, Error> {
        let base = f.endpoint(DEFAULT_SERVER, API_PATH)?;
        let (domain, name) = zone_at_and_inner_name(f, "domain")?;
        let api_key = f.secret("api_key")?;
        let api_secret = f.secret("api_secret")?;
        let ttl = f
            .int_in("ttl", MIN_TTL_SECS, MAX_TTL_SECS)?
            .map(|t| t as u64);
        let create = f.bool("create")?.unwrap_or(false);
        Ok(Spaceship {
            base,
            domain,
            name,
            api_key,
            api_secret,
            ttl,
            create,
        })
    }

    fn records_url(&self) -> String {
        format!("{}/dns/records/{}", self.base, self.domain)
    }

    fn auth(&self, req: Request) -> Request {
        req.secret_header("X-API-Key", self.api_key.expose())
            .secret_header("X-API-Secret", self.api_secret.expose())
    }

    pub fn build_list(&self) -> Request {
        let req = Request::get(self.records_url())
            .param("take", TAKE)
            .param("skip", "0");
        self.auth(req)
    }

    /// The upsert of one record: Spaceship adds it, or only sets the TTL of an equal one.
    pub fn build_put(&self, rr: &str, ip: IpAddr, ttl: u64) -> Request {
        let body = format!(
            r#"{{"force":true,"items":[{{"type":"{rr}","name":{},"address":"{ip}","ttl":{ttl}}}]}}"#,
            quote(&self.name)
        );
        self.auth(Request::json(Method::Put, self.records_url(), body, false))
    }

    /// The delete of the name's `rr` records holding `addresses`.
    pub fn build_delete(&self, rr: &str, addresses: &[String]) -> Request {
        let mut body = String::from("[");
        for (i, a) in addresses.iter().enumerate() {
            let sep = if i > 0 { "," } else { "" };
            let _ = write!(
                body,
                r#"{sep}{{"type":"{rr}","name":{},"address":{}}}"#,
                quote(&self.name),
                quote(a)
            );
        }
        body.push(']');
        self.auth(Request::json(
            Method::Delete,
            self.records_url(),
            body,
            false,
        ))
    }

    /// Reads the name's records; when none holds `ip`, upserts it (a missing record only with
    /// `create`); then deletes the others of the type, which an upsert leaves in place.
    pub fn update_family(&self, send: &mut SendFn, ip: IpAddr) -> Result<Success, Error> {
        let rr = Family::of(ip).rr();
        let reply = send(&self.build_list())?;
        let listed = parse_list(&reply, &self.name, rr, &self.domain)?;
        if listed.is_empty() && !self.create {
            return Err(Error::fatal(format!(
                "Spaceship: no {rr} record {} in domain {}; create it, or set create = true",
                self.name, self.domain
            )));
        }
        // Whether one holds `ip`; the addresses of the others, and the first TTL among them.
        let (mut holding, mut old, mut old_ttl) = (false, Vec::new(), None);
        for r in listed {
            if holds(&r.address, ip) {
                holding = true;
            } else {
                old_ttl = old_ttl.or(r.ttl);
                old.push(r.address);
            }
        }
        if holding && old.is_empty() {
            return Ok(Success::NoChange);
        }
        if !holding {
            let ttl = self.ttl.or(old_ttl).unwrap_or(DEFAULT_TTL_SECS);
            let reply = send(&self.build_put(rr, ip, ttl))?;
            parse_written(&reply, &self.domain, false)?;
        }
        if !old.is_empty() {
            detail!("{}: deleting the old {rr} {}", self.fqdn(), old.join(", "));
            let reply = send(&self.build_delete(rr, &old))?;
            parse_written(&reply, &self.domain, true)?;
        }
        Ok(Success::Updated)
    }
}

impl Provider for Spaceship {
    fn fqdn(&self) -> String {
        full_name(&self.name, &self.domain)
    }

    fn supports_v6(&self) -> bool {
        true
    }

    /// Each family starts with reading the name's records.
    fn plan(&self, addrs: Addrs) -> Vec<Planned> {
        Planned::each(addrs, |_| self.build_list())
    }

    /// The answer to the upsert; `update` drives the whole exchange.
    fn parse_reply(&self, reply: &Reply, _sets: Addrs) -> Result<Success, Error> {
        parse_written(reply, &self.domain, false).map(|_| Success::Updated)
    }

    fn update(
        &self,
        client: &Client,
        addrs: Addrs,
        _cache: &mut Cache,
    ) -> Vec<(Family, Result<Success, Error>)> {
        update_each(client, addrs, |send, ip| self.update_family(send, ip))
    }
}

/// Whether a listed name (`@` or empty for the apex) is `name`.
fn same_name(listed: &str, name: &str) -> bool {
    let listed = if listed.is_empty() { "@" } else { listed };
    listed.eq_ignore_ascii_case(name)
}

/// The name's `rr` records in a list answer `{"items":[...],"total":N}`. Records of another
/// group than `custom` (those of Spaceship's own features) are not ddnsup's and are left out.
/// A name missing from a first page that is not the whole list is refused, so ddnsup never
/// adds a second record.
pub fn parse_list(reply: &Reply, name: &str, rr: &str, domain: &str) -> Result<Vec<Listed>, Error> {
    if reply.status != 200 {
        return Err(api_error(reply, domain));
    }
    let got = parse_value(reply, "Spaceship", "record list")?;
    let (Json::Arr(items), Some(total)) = (got.get("items"), got.get("total").int()) else {
        return Err(Error::transient(
            "Spaceship: unexpected record list (no items or total)",
        ));
    };
    let mut found = Vec::new();
    for r in items {
        let (Some(kind), Some(listed)) = (r.get("type").str(), r.get("name").str()) else {
            return Err(Error::transient(
                "Spaceship: unexpected record list (a record without type or name)",
            ));
        };
        let group = r.get("group").get("type").str().unwrap_or("custom");
        if !kind.eq_ignore_ascii_case(rr) || !same_name(listed, name) || group != "custom" {
            continue;
        }
        let Some(address) = r.get("address").str() else {
            return Err(Error::transient(format!(
                "Spaceship: unexpected record list (an {rr} record without address)"
            )));
        };
        let ttl = r.get("ttl").int().and_then(|t| u64::try_from(t).ok());
        found.push(Listed {
            address: address.to_string(),
            ttl,
        });
    }
    let whole = usize::try_from(total).is_ok_and(|t| t <= items.len());
    if found.is_empty() && !whole {
        return Err(Error::fatal(format!(
            "Spaceship: domain {domain} has more than {TAKE} records and ddnsup reads only the first {TAKE}"
        )));
    }
    Ok(found)
}

/// The answer to an upsert or a delete: 204 (or 200) is success, whatever the body; for a
/// delete (`gone_is_done`), 404 too: the record is already gone.
pub fn parse_written(reply: &Reply, domain: &str, gone_is_done: bool) -> Result<(), Error> {
    match reply.status {
        200 | 204 => Ok(()),
        404 if gone_is_done => Ok(()),
        _ => Err(api_error(reply, domain)),
    }
}

/// `: <detail>` from the documented error body `{"detail":"..."}`, else the start of the
/// text; empty when there is none.
fn error_detail(reply: &Reply) -> String {
    let text = reply.text();
    let tree = Json::parse(&text).unwrap_or(Json::Null);
    let said = tree
        .get("detail")
        .str()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    let shown = short(said.unwrap_or(&text));
    if shown.is_empty() {
        shown
    } else {
        format!(": {shown}")
    }
}

/// Refused keys (401, 403) and an unknown domain (404) are fatal; rate limits (429, after
/// its `Retry-After`) and server errors are transient.
fn api_error(reply: &Reply, domain: &str) -> Error {
    let status = reply.status;
    let class = match status {
        404 => StatusClass::Refused,
        _ => StatusClass::of(status),
    };
    // The message: `<before><domain><between>HTTP <status>: <detail><after>`.
    let (before, domain, between, after) = match (status, class) {
        (404, _) => (
            "Spaceship: no domain ",
            domain,
            " in this account (",
            "); check `domain`",
        ),
        (_, StatusClass::Refused) => (
            "Spaceship refused the API key (",
            "",
            "",
            "); check `api_key` and `api_secret`, and that the key has the dnsrecords:read and dnsrecords:write permissions",
        ),
        (_, StatusClass::Busy) => ("Spaceship: ", "", "", ""),
        (_, StatusClass::Unexpected) => ("Spaceship: unexpected ", "", "", ""),
    };
    let detail = error_detail(reply);
    class.error(
        reply,
        format!("{before}{domain}{between}HTTP {status}{detail}{after}"),
    )
}

#[cfg(test)]
#[path = "spaceship_tests.rs"]
mod tests;
