//! Scaleway Domains and DNS (https://www.scaleway.com/en/developers/api/domains-and-dns/): read the record, `set` it only when it differs, never create a zone.
use super::api::{SendFn, error_detail, holds, parse_value, unknown_zone, update_each_cached};
use super::names::{full_name, zone_and_inner_name};
use super::{Addrs, Cache, Planned, Provider, StatusClass, Success, short};
use crate::error::Error;
use crate::family::Family;
use crate::fields::{Fields, Secret};
use crate::http::{Client, Method, Reply, Request};
use crate::json::{Json, quote};
use std::net::IpAddr;

pub const DEFAULT_SERVER: &str = "https://api.scaleway.com";
/// Added to a `server` given without a path.
pub const API_PATH: &str = "/domain/v2beta1";
const MIN_TTL_SECS: i64 = 60;
const MAX_TTL_SECS: i64 = 2_592_000;
/// The TTL of a record ddnsup creates when the config names none.
const DEFAULT_TTL_SECS: u64 = 3600;

/// `create` decides only what happens when the first read finds no record: `set` (which
/// replaces every record of the name and type, or adds one) is sent when `create = true`,
/// else the run stops with a clear error. Once a record was seen, later changes send the
/// `set` alone, which would also put back a record deleted since.
pub struct Scaleway {
    base: String,
    zone: String,
    /// The record name inside the zone: `@` for the apex.
    name: String,
    secret_key: Secret,
    /// `None`: keep the record's own TTL (a created one gets an hour).
    ttl: Option<u64>,
    create: bool,
}

impl Scaleway {
    pub fn from_config(f: &mut Fields) -> Result<Scaleway, Error> {
        let base = f.endpoint(DEFAULT_SERVER, API_PATH)?;
        let (zone, name) = zone_and_inner_name(f)?;
        let secret_key = f.secret("secret_key")?;
        let ttl = f
            .int_in("ttl", MIN_TTL_SECS, MAX_TTL_SECS)?
            .map(|t| t as u64);
        let create = f.bool("create")?.unwrap_or(false);
        Ok(Scaleway {
            base,
            zone,
            name,
            secret_key,
            ttl,
            create,
        })
    }

    /// The name as Scaleway writes it: relative to the zone, empty for the apex.
    fn wire_name(&self) -> &str {
        if self.name == "@" { "" } else { &self.name }
    }

    /// `<base>/dns-zones/<zone>/records`; names checked, so nothing needs escaping.
    fn records_url(&self) -> String {
        format!("{}/dns-zones/{}/records", self.base, self.zone)
    }

    fn authorized(&self, req: Request) -> Request {
        req.secret_header("X-Auth-Token", self.secret_key.expose())
    }

    pub fn build_list(&self, rr: &str) -> Request {
        let req = Request::get(self.records_url())
            .param("name", self.wire_name())
            .param("type", rr);
        self.authorized(req)
    }

    /// One `set` change for the name and type, holding `ip` alone; the zone is never created
    /// (`disallow_new_zone_creation`) and only the changed records come back.
    pub fn build_set(&self, rr: &str, ip: IpAddr, ttl: u64) -> Request {
        let name = quote(self.wire_name());
        let rr = quote(rr);
        let body = format!(
            r#"{{"changes":[{{"set":{{"id_fields":{{"name":{name},"type":{rr}}},"records":[{{"data":"{ip}","name":{name},"type":{rr},"ttl":{ttl}}}]}}}}],"return_all_records":false,"disallow_new_zone_creation":true}}"#
        );
        self.authorized(Request::json(
            Method::Patch,
            self.records_url(),
            body,
            false,
        ))
    }

    /// With the record seen before (its TTL in `cache`), one `set`; else the read first, no
    /// write when the record holds exactly `ip`, and a `set` that creates it only when allowed.
    pub fn update_family(
        &self,
        send: &mut SendFn,
        ip: IpAddr,
        cache: &mut String,
    ) -> Result<Success, Error> {
        let rr = Family::of(ip).rr();
        // `seen`: the TTL cached by an earlier run, which then skips the read.
        let seen = cache.parse::<u64>().ok();
        let (ttl, same) = match seen {
            Some(seen_ttl) => (self.ttl.unwrap_or(seen_ttl), false),
            None => {
                let reply = send(&self.build_list(rr))?;
                let found = parse_list(&reply, rr, self.wire_name(), &self.zone)?;
                if found.is_empty() && !self.create {
                    return Err(Error::fatal(format!(
                        "Scaleway: no {rr} record {} in zone {}; create it, or set create = true",
                        self.fqdn(),
                        self.zone
                    )));
                }
                let ttl = self
                    .ttl
                    .or(found.iter().find_map(|(_, ttl)| *ttl))
                    .unwrap_or(DEFAULT_TTL_SECS);
                let same = matches!(found.as_slice(), [(data, _)] if holds(data, ip));
                (ttl, same)
            }
        };
        let done = if same {
            Success::NoChange
        } else {
            let reply = send(&self.build_set(rr, ip, ttl))?;
            parse_set(&reply, rr, self.wire_name(), ip, &self.zone)?
        };
        if seen.is_none() {
            *cache = ttl.to_string();
        }
        Ok(done)
    }
}

impl Provider for Scaleway {
    fn fqdn(&self) -> String {
        full_name(&self.name, &self.zone)
    }

    fn supports_v6(&self) -> bool {
        true
    }

    /// Each family starts with reading its records (skipped on later runs that saw them).
    fn plan(&self, addrs: Addrs) -> Vec<Planned> {
        Planned::each(addrs, |ip| self.build_list(Family::of(ip).rr()))
    }

    /// The answer to the `set`; `update` drives the whole exchange.
    fn parse_reply(&self, reply: &Reply, sets: Addrs) -> Result<Success, Error> {
        let Some(ip) = sets.list().first().copied() else {
            return Err(Error::fatal("nothing to update"));
        };
        let rr = Family::of(ip).rr();
        parse_set(reply, rr, self.wire_name(), ip, &self.zone)
    }

    fn update(
        &self,
        client: &Client,
        addrs: Addrs,
        cache: &mut Cache,
    ) -> Vec<(Family, Result<Success, Error>)> {
        update_each_cached(client, addrs, cache, |send, ip, known| {
            self.update_family(send, ip, known)
        })
    }
}

/// The data and TTL of each record named `name` (relative, empty for the apex) of type `rr`
/// in the list answer `{"records":[..],"total_count":N}`; empty when there is none. Only
/// the page received is read.
pub fn parse_list(
    reply: &Reply,
    rr: &str,
    name: &str,
    zone: &str,
) -> Result<Vec<(String, Option<u64>)>, Error> {
    records(reply, rr, name, zone, "record list")
}

/// `parse_list` for the answer called `what`.
fn records(
    reply: &Reply,
    rr: &str,
    name: &str,
    zone: &str,
    what: &str,
) -> Result<Vec<(String, Option<u64>)>, Error> {
    let tree = answer(reply, zone, what)?;
    let found = ours(&tree, rr, name, what)?
        .into_iter()
        .map(|r| {
            let ttl = r.get("ttl").int().and_then(|t| u64::try_from(t).ok());
            (text_of(r, "data"), ttl)
        })
        .collect();
    Ok(found)
}

/// The answer to a `set`: 200 with `records`; every record of the name and type listed there
/// must hold `ip` (the documented answer names no order or subset, so one that lists none is
/// taken at its 200).
pub fn parse_set(
    reply: &Reply,
    rr: &str,
    name: &str,
    ip: IpAddr,
    zone: &str,
) -> Result<Success, Error> {
    for (data, _) in records(reply, rr, name, zone, "reply to the update")? {
        if !holds(&data, ip) {
            return Err(Error::transient(format!(
                "Scaleway: the record holds {:?} after the update, not {ip}",
                short(&data)
            )));
        }
    }
    Ok(Success::Updated)
}

/// A 200 answer as a tree; a 404 means the zone is not one of the key's (fatal).
fn answer(reply: &Reply, zone: &str, what: &str) -> Result<Json, Error> {
    match reply.status {
        200 => parse_value(reply, "Scaleway", what),
        404 => Err(unknown_zone(reply, "Scaleway", &format!("DNS zone {zone}"))),
        _ => Err(api_error(reply)),
    }
}

/// The records of `tree` named `name` of type `rr`, after checking that every record has
/// the documented shape. Names are compared here too, so a server that ignored the filter
/// can never get another record read as ours.
fn ours<'a>(tree: &'a Json, rr: &str, name: &str, what: &str) -> Result<Vec<&'a Json>, Error> {
    let Json::Arr(records) = tree.get("records") else {
        return Err(unexpected(what, "no records"));
    };
    let shaped = |r: &Json| {
        r.get("name").str().is_some()
            && r.get("type").str().is_some()
            && r.get("data").str().is_some()
    };
    if !records.iter().all(shaped) {
        return Err(unexpected(what, "a record without name, type or data"));
    }
    let is = |r: &Json, key, want: &str| {
        r.get(key)
            .str()
            .is_some_and(|v| v.eq_ignore_ascii_case(want))
    };
    Ok(records
        .iter()
        .filter(|r| is(r, "type", rr) && is(r, "name", name))
        .collect())
}

fn text_of(item: &Json, key: &str) -> String {
    item.get(key).str().unwrap_or_default().to_string()
}

fn unexpected(what: &str, why: &str) -> Error {
    Error::transient(format!("Scaleway: unexpected {what} ({why})"))
}

/// A refused key (401, 403: `denied_authentication`, `permissions_denied`) is fatal; rate
/// limits (`too_many_requests`) and server errors are transient (Retry-After kept).
fn api_error(reply: &Reply) -> Error {
    let status = reply.status;
    let detail = error_detail(reply);
    let class = StatusClass::of(status);
    let message = match class {
        StatusClass::Refused => format!(
            "Scaleway refused the secret key (HTTP {status}{detail}); check `secret_key` and its DomainsDNSFullAccess permission"
        ),
        StatusClass::Busy => format!("Scaleway: HTTP {status}{detail}"),
        StatusClass::Unexpected => format!("Scaleway: unexpected HTTP {status}{detail}"),
    };
    class.error(reply, message)
}

#[cfg(test)]
#[path = "scaleway_tests.rs"]
mod tests;
