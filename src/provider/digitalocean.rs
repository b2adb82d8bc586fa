//! DigitalOcean domain records (https://docs.digitalocean.com/reference/api/digitalocean/#tag/Domain-Records): find the one record, PATCH its data, remember its id.
use super::api::{
    SendFn, bearer, holds, parse_value, token_error, unknown_zone, update_each_cached,
};
use super::names::{is_within, parse_record_name, required_name};
use super::{Addrs, Cache, Planned, Provider, Success, short};
use crate::error::Error;
use crate::family::Family;
use crate::fields::{Fields, Secret};
use crate::http::{Client, Method, Reply, Request};
use crate::json::{Json, quote};
use std::net::IpAddr;

pub const DEFAULT_SERVER: &str = "https://api.digitalocean.com";
/// Added to a `server` given without a path.
pub const API_PATH: &str = "/v2";

pub struct DigitalOcean {
    base: String,
    zone: String,
    /// The full name, inside `zone`.
    name: String,
    token: Secret,
}

impl DigitalOcean {
    pub fn from_config(f: &mut Fields) -> Result<DigitalOcean, Error> {
        let base = f.endpoint(DEFAULT_SERVER, API_PATH)?;
        let zone = required_name(f, "zone", None)?;
        let name = parse_record_name(&f.required_str("name")?).map_err(|m| f.error("name", &m))?;
        if !is_within(&name, &zone) {
            return Err(f.error(
                "name",
                &format!("give the full name inside the zone, e.g. \"home.{zone}\" or \"{zone}\""),
            ));
        }
        let token = f.secret("token")?;
        Ok(DigitalOcean {
            base,
            zone,
            name,
            token,
        })
    }

    /// The name as DigitalOcean lists it: relative to the zone, `@` for the apex.
    fn relative_name(&self) -> &str {
        if self.name == self.zone {
            "@"
        } else {
            &self.name[..self.name.len() - self.zone.len() - 1]
        }
    }

    fn records_url(&self) -> String {
        format!("{}/domains/{}/records", self.base, self.zone)
    }

    pub fn build_list(&self, rr: &str) -> Request {
        let req = Request::get(self.records_url())
            .param("name", &self.name)
            .param("type", rr);
        bearer(req, &self.token)
    }

    pub fn build_patch(&self, id: u64, rr: &str, ip: IpAddr) -> Request {
        let body = format!(r#"{{"type":{},"data":"{ip}"}}"#, quote(rr));
        let url = format!("{}/{id}", self.records_url());
        bearer(Request::json(Method::Patch, url, body, false), &self.token)
    }

    /// With a remembered id, one PATCH; without one (or when it is gone), the lookup first,
    /// and no PATCH when the record already holds the address.
    pub fn update_family(
        &self,
        send: &mut SendFn,
        ip: IpAddr,
        cache: &mut String,
    ) -> Result<Success, Error> {
        let rr = Family::of(ip).rr();
        let mut known = cache.parse::<u64>().ok();
        // At most twice: a remembered id that is gone is looked up again, once.
        loop {
            let id = match known {
                Some(id) => id,
                None => {
                    let reply = send(&self.build_list(rr))?;
                    let (id, data) =
                        parse_list(&reply, rr, self.relative_name(), &self.name, &self.zone)?;
                    *cache = id.to_string();
                    if holds(&data, ip) {
                        return Ok(Success::NoChange);
                    }
                    id
                }
            };
            let reply = send(&self.build_patch(id, rr, ip))?;
            match parse_patch(&reply, ip) {
                Err(Patched::Gone) => {
                    cache.clear();
                    if known.is_none() {
                        return Err(Error::transient(format!(
                            "DigitalOcean: record {id} vanished while updating it"
                        )));
                    }
                    detail!("{}: record id {id} is gone; looking it up again", self.name);
                    known = None;
                }
                Err(Patched::Failed(e)) => return Err(e),
                Ok(done) => return Ok(done),
            }
        }
    }
}

impl Provider for DigitalOcean {
    fn fqdn(&self) -> String {
        self.name.clone()
    }

    fn supports_v6(&self) -> bool {
        true
    }

    /// Each family starts with the lookup (skipped on later runs that remember the id).
    fn plan(&self, addrs: Addrs) -> Vec<Planned> {
        Planned::each(addrs, |ip| self.build_list(Family::of(ip).rr()))
    }

    /// The answer to the PATCH; `update` drives the whole exchange.
    fn parse_reply(&self, reply: &Reply, sets: Addrs) -> Result<Success, Error> {
        let Some(ip) = sets.list().first().copied() else {
            return Err(Error::fatal("nothing to update"));
        };
        parse_patch(reply, ip).map_err(|e| match e {
            Patched::Gone => Error::transient("DigitalOcean: the record is gone (HTTP 404)"),
            Patched::Failed(e) => e,
        })
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

/// The id and data of the one record named `relative` (as the API lists names) of type `rr`;
/// none or several are fatal. Names are compared here too, so a server that ignored the
/// filter can never get another record changed.
pub fn parse_list(
    reply: &Reply,
    rr: &str,
    relative: &str,
    fqdn: &str,
    zone: &str,
) -> Result<(u64, String), Error> {
    match reply.status {
        200 => {}
        404 => {
            return Err(unknown_zone(
                reply,
                "DigitalOcean",
                &format!("domain {zone}"),
            ));
        }
        _ => return Err(api_error(reply)),
    }
    let list = parse_value(reply, "DigitalOcean", "record list")?;
    let Json::Arr(records) = list.get("domain_records") else {
        return Err(unexpected("no domain_records"));
    };
    // Every record must have the documented shape; a list that does not is not read at all.
    let shaped = |r: &Json| {
        r.get("id").int().is_some()
            && r.get("type").str().is_some()
            && r.get("name").str().is_some()
    };
    if !records.iter().all(shaped) {
        return Err(unexpected("a record without id, type or name"));
    }
    let is = |r: &Json, key, want: &str| {
        r.get(key)
            .str()
            .is_some_and(|v| v.eq_ignore_ascii_case(want))
    };
    let matching: Vec<&Json> = records
        .iter()
        .filter(|r| is(r, "type", rr) && is(r, "name", relative))
        .collect();
    match matching.as_slice() {
        [] => Err(Error::fatal(format!(
            "DigitalOcean: no {rr} record for {fqdn} in {zone}; create it first (ddnsup only updates)"
        ))),
        [one] => match one.get("id").int() {
            Some(id) if id >= 0 => Ok((id as u64, text_of(one, "data"))),
            _ => Err(unexpected("a record without an id")),
        },
        many => Err(Error::fatal(format!(
            "DigitalOcean: {} {rr} records for {fqdn}; ddnsup keeps exactly one up to date, remove the others",
            many.len()
        ))),
    }
}

/// Why a PATCH did not go through: the id is gone (look it up again), or a classified failure.
#[derive(Debug, Clone, PartialEq)]
pub enum Patched {
    Gone,
    Failed(Error),
}

/// 200 with the record now holding `ip` is the only success.
pub fn parse_patch(reply: &Reply, ip: IpAddr) -> Result<Success, Patched> {
    match reply.status {
        200 => {}
        404 => return Err(Patched::Gone),
        _ => return Err(Patched::Failed(api_error(reply))),
    }
    let patched =
        parse_value(reply, "DigitalOcean", "reply to the update").map_err(Patched::Failed)?;
    let data = text_of(patched.get("domain_record"), "data");
    if holds(&data, ip) {
        Ok(Success::Updated)
    } else {
        Err(Patched::Failed(Error::transient(format!(
            "DigitalOcean: the record holds {:?} after the update, not {ip}",
            short(&data)
        ))))
    }
}

fn unexpected(why: &str) -> Error {
    Error::transient(format!("DigitalOcean: unexpected record list ({why})"))
}

/// A record's text member, empty when absent.
fn text_of(record: &Json, key: &str) -> String {
    record.get(key).str().unwrap_or_default().to_string()
}

/// A refused token is fatal; rate limits and server errors are transient (Retry-After kept).
fn api_error(reply: &Reply) -> Error {
    token_error(reply, "DigitalOcean", "its domain write scope")
}

#[cfg(test)]
#[path = "digitalocean_tests.rs"]
mod tests;
