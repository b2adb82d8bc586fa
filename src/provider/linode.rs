//! Linode (Akamai) DNS Manager (https://techdocs.akamai.com/linode-api/reference/api): find the domain and the record, PUT its target when it differs, create it when allowed, remember both ids.
use super::api::{SendFn, bearer, busy_error, holds, parse_value, update_each_cached};
use super::names::{full_name, zone_at_and_inner_name};
use super::{Addrs, Cache, Planned, Provider, StatusClass, Success, short};
use crate::error::Error;
use crate::family::Family;
use crate::fields::{Fields, Secret};
use crate::http::{Client, Method, Reply, Request};
use crate::json::{Json, quote};
use std::net::IpAddr;

pub const DEFAULT_SERVER: &str = "https://api.linode.com";
/// Added to a `server` given without a path.
pub const API_PATH: &str = "/v4";
/// Linode rounds a TTL to the nearest value it offers (30 s to 28 days).
const MIN_TTL_SECS: i64 = 30;
const MAX_TTL_SECS: i64 = 2_419_200;
/// Linode's own reset time of a rate limit (a UNIX time), used when `Retry-After` is absent.
const RESET_HEADER: &str = "x-ratelimit-reset";

pub struct Linode {
    base: String,
    domain: String,
    /// The record name inside the domain: `@` for the apex.
    name: String,
    token: Secret,
    /// Only for a record ddnsup creates; `None`: the domain's default.
    ttl: Option<u64>,
    create: bool,
}

impl Linode {
    pub fn from_config(f: &mut Fields) -> Result<Linode, Error> {
        let base = f.endpoint(DEFAULT_SERVER, API_PATH)?;
        let (domain, name) = zone_at_and_inner_name(f, "domain")?;
        let token = f.secret("token")?;
        let ttl = f
            .int_in("ttl", MIN_TTL_SECS, MAX_TTL_SECS)?
            .map(|t| t as u64);
        let create = f.bool("create")?.unwrap_or(false);
        Ok(Linode {
            base,
            domain,
            name,
            token,
            ttl,
            create,
        })
    }

    /// The name as Linode writes it: relative to the domain, empty for the apex.
    fn wire_name(&self) -> &str {
        if self.name == "@" { "" } else { &self.name }
    }

    fn records_url(&self, domain_id: u64) -> String {
        format!("{}/domains/{domain_id}/records", self.base)
    }

    /// The domain by name: `X-Filter: {"domain":"example.com"}`.
    pub fn build_domains(&self) -> Request {
        let filter = format!(r#"{{"domain":{}}}"#, quote(&self.domain));
        let req = Request::get(format!("{}/domains", self.base)).header("X-Filter", filter);
        bearer(req, &self.token)
    }

    /// The domain's records of this name and type: `X-Filter: {"name":"home","type":"A"}`.
    pub fn build_records(&self, domain_id: u64, rr: &str) -> Request {
        let filter = format!(
            r#"{{"name":{},"type":{}}}"#,
            quote(self.wire_name()),
            quote(rr)
        );
        let req = Request::get(self.records_url(domain_id)).header("X-Filter", filter);
        bearer(req, &self.token)
    }

    pub fn build_put(&self, domain_id: u64, record_id: u64, ip: IpAddr) -> Request {
        let url = format!("{}/{record_id}", self.records_url(domain_id));
        let body = format!(r#"{{"target":"{ip}"}}"#);
        bearer(Request::json(Method::Put, url, body, false), &self.token)
    }

    pub fn build_create(&self, domain_id: u64, rr: &str, ip: IpAddr) -> Request {
        let ttl = self
            .ttl
            .map(|t| format!(r#","ttl_sec":{t}"#))
            .unwrap_or_default();
        let body = format!(
            r#"{{"type":{},"name":{},"target":"{ip}"{ttl}}}"#,
            quote(rr),
            quote(self.wire_name())
        );
        let req = Request::json(Method::Post, self.records_url(domain_id), body, false);
        bearer(req, &self.token)
    }

    /// With both ids remembered (`<domain id>/<record id>`), one PUT; else the domain lookup
    /// (skipped when its id is remembered), the record lookup, and a PUT only when the target
    /// differs, or a create when the record is absent and allowed.
    // Kept out of `update`'s generic closure: inlined there it costs more code.
    #[inline(never)]
    pub fn update_family(
        &self,
        send: &mut SendFn,
        ip: IpAddr,
        cache: &mut String,
    ) -> Result<Success, Error> {
        let rr = Family::of(ip).rr();
        if let (Some(domain_id), Some(record_id)) = parse_cache(cache) {
            match parse_written(&send(&self.build_put(domain_id, record_id, ip))?, ip) {
                Err(Written::Gone) => {
                    detail!(
                        "{}: record {record_id} is gone; looking it up again",
                        self.fqdn()
                    );
                    cache.clear();
                }
                Err(Written::Failed(e)) => return Err(e),
                Ok(_) => return Ok(Success::Updated),
            }
        }
        let domain_id = match parse_cache(cache).0 {
            Some(id) => id,
            None => parse_domains(&send(&self.build_domains())?, &self.domain)?,
        };
        *cache = domain_id.to_string();
        let reply = send(&self.build_records(domain_id, rr))?;
        let fqdn = self.fqdn();
        let found = parse_records(&reply, rr, self.wire_name(), &fqdn);
        if found.is_err() && reply.status == 404 {
            cache.clear();
        }
        // A known record is remembered before it is written; a created one once it exists.
        let (req, known) = match found? {
            Some((record_id, target)) => {
                *cache = format!("{domain_id}/{record_id}");
                if holds(&target, ip) {
                    return Ok(Success::NoChange);
                }
                (self.build_put(domain_id, record_id, ip), true)
            }
            None if self.create => (self.build_create(domain_id, rr, ip), false),
            None => {
                return Err(Error::fatal(format!(
                    "Linode: no {rr} record for {fqdn} in domain {}; create it, or set create = true",
                    self.domain
                )));
            }
        };
        match parse_written(&send(&req)?, ip) {
            Ok(id) => {
                if !known {
                    *cache = format!("{domain_id}/{id}");
                }
                Ok(Success::Updated)
            }
            Err(e) => {
                if known && e == Written::Gone {
                    cache.clear();
                }
                Err(e.into_error(&self.domain))
            }
        }
    }
}

impl Provider for Linode {
    fn fqdn(&self) -> String {
        full_name(&self.name, &self.domain)
    }

    fn supports_v6(&self) -> bool {
        true
    }

    /// Each family starts with the domain lookup (skipped on later runs that remember the ids).
    fn plan(&self, addrs: Addrs) -> Vec<Planned> {
        Planned::each(addrs, |_| self.build_domains())
    }

    /// The answer to the PUT; `update` drives the whole exchange.
    fn parse_reply(&self, reply: &Reply, sets: Addrs) -> Result<Success, Error> {
        let Some(ip) = sets.list().first().copied() else {
            return Err(Error::fatal("nothing to update"));
        };
        parse_written(reply, ip)
            .map(|_| Success::Updated)
            .map_err(|e| e.into_error(&self.domain))
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

/// The remembered `<domain id>[/<record id>]`; what does not parse is not remembered.
pub fn parse_cache(cache: &str) -> (Option<u64>, Option<u64>) {
    let (domain, record) = cache.split_once('/').unwrap_or((cache, ""));
    match domain.parse() {
        Ok(d) => (Some(d), record.parse().ok()),
        Err(_) => (None, None),
    }
}

/// The id of the domain named `domain` in the (filtered) domain list; its absence is fatal.
/// Names are compared here too, so a server that ignored the filter can never get another
/// domain changed.
#[inline(never)]
pub fn parse_domains(reply: &Reply, domain: &str) -> Result<u64, Error> {
    let list = parse_list(reply, "domain list")?;
    match pick(&list, &|d| is(d, "domain", domain)) {
        (0, _) => Err(Error::fatal(format!(
            "Linode: no domain {domain} for this token; check `domain`"
        ))),
        (1, Some(one)) => {
            id_of(one).ok_or_else(|| unexpected("domain list", "a domain without an id"))
        }
        _ => Err(unexpected("domain list", "the domain twice")),
    }
}

/// The id and target of the one record named `name` (relative, or in full as `fqdn`) of type
/// `rr`; `None` when there is none, several are fatal.
#[inline(never)]
pub fn parse_records(
    reply: &Reply,
    rr: &str,
    name: &str,
    fqdn: &str,
) -> Result<Option<(u64, String)>, Error> {
    if reply.status == 404 {
        return Err(Error::transient(
            "Linode: the domain is gone (HTTP 404); looking it up again next time",
        ));
    }
    let list = parse_list(reply, "record list")?;
    // Every record must have the documented shape; a list that does not is not read at all.
    let shaped = |r: &Json| {
        id_of(r).is_some() && r.get("type").str().is_some() && r.get("name").str().is_some()
    };
    if !list.get("data").items().iter().all(shaped) {
        return Err(unexpected(
            "record list",
            "a record without id, type or name",
        ));
    }
    match pick(&list, &|r| {
        is(r, "type", rr) && (is(r, "name", name) || is(r, "name", fqdn))
    }) {
        (_, None) => Ok(None),
        (1, Some(one)) => Ok(id_of(one).map(|id| (id, text_of(one, "target")))),
        (n, _) => Err(Error::fatal(format!(
            "Linode: {n} {rr} records for {fqdn}; ddnsup keeps exactly one up to date, remove the others"
        ))),
    }
}

/// A 200 answer's list, `{"data":[..],"page":1,"pages":1,"results":1}`; only the page
/// received is read.
fn parse_list(reply: &Reply, what: &str) -> Result<Json, Error> {
    if reply.status != 200 {
        return Err(api_error(reply));
    }
    let list = parse_value(reply, "Linode", what)?;
    match list.get("data") {
        Json::Arr(_) => Ok(list),
        _ => Err(unexpected(what, "no data")),
    }
}

/// How many items of the list's `data` `keep` holds for, and the first of them.
fn pick<'a>(list: &'a Json, keep: &dyn Fn(&Json) -> bool) -> (usize, Option<&'a Json>) {
    let mut kept = list.get("data").items().iter().filter(|j| keep(j));
    let first = kept.next();
    (first.map_or(0, |_| 1 + kept.count()), first)
}

/// Whether the item's text at `key` is `want`, in any case.
fn is(item: &Json, key: &str, want: &str) -> bool {
    item.get(key)
        .str()
        .is_some_and(|v| v.eq_ignore_ascii_case(want))
}

/// Why a PUT or a create did not go through: the record (or domain) is gone, or a classified
/// failure.
#[derive(Debug, Clone, PartialEq)]
pub enum Written {
    Gone,
    Failed(Error),
}

impl Written {
    fn into_error(self, domain: &str) -> Error {
        match self {
            Written::Gone => Error::transient(format!(
                "Linode: the record or domain {domain} vanished while writing it (HTTP 404)"
            )),
            Written::Failed(e) => e,
        }
    }
}

/// The answer to a PUT or a create: 200 with the record, now targeting `ip`; its id.
pub fn parse_written(reply: &Reply, ip: IpAddr) -> Result<u64, Written> {
    match reply.status {
        200 => {}
        404 => return Err(Written::Gone),
        _ => return Err(Written::Failed(api_error(reply))),
    }
    let record = parse_value(reply, "Linode", "reply to the update").map_err(Written::Failed)?;
    let target = text_of(&record, "target");
    match id_of(&record) {
        Some(id) if holds(&target, ip) => Ok(id),
        Some(_) => Err(Written::Failed(Error::transient(format!(
            "Linode: the record targets {:?} after the update, not {ip}",
            short(&target)
        )))),
        None => Err(Written::Failed(unexpected(
            "reply to the update",
            "no record id",
        ))),
    }
}

fn id_of(item: &Json) -> Option<u64> {
    item.get("id").int().and_then(|id| u64::try_from(id).ok())
}

fn text_of(item: &Json, key: &str) -> String {
    item.get(key).str().unwrap_or_default().to_string()
}

fn unexpected(what: &str, why: &str) -> Error {
    Error::transient(format!("Linode: unexpected {what} ({why})"))
}

/// `: <reason>` from the error body `{"errors":[{"field":..,"reason":..}]}`, else the start
/// of the text; empty when there is none.
fn error_detail(reply: &Reply) -> String {
    let text = reply.text();
    let tree = Json::parse(&text).unwrap_or(Json::Null);
    let reason = tree.get("errors").at(0).get("reason").str();
    let shown = short(reason.unwrap_or(&text));
    if shown.is_empty() {
        shown
    } else {
        format!(": {shown}")
    }
}

/// A refused token (401) or one without the Domains scope (403) is fatal; rate limits and
/// server errors are transient, waiting for `Retry-After` or else `X-RateLimit-Reset`.
fn api_error(reply: &Reply) -> Error {
    let status = reply.status;
    let detail = error_detail(reply);
    let class = StatusClass::of(status);
    let message = match class {
        StatusClass::Refused => format!(
            "Linode refused the token (HTTP {status}{detail}); check `token` and its Domains Read/Write scope"
        ),
        StatusClass::Busy => format!("Linode: HTTP {status}{detail}"),
        StatusClass::Unexpected => format!("Linode: unexpected HTTP {status}{detail}"),
    };
    busy_error(reply, class, message, RESET_HEADER)
}

#[cfg(test)]
#[path = "linode_tests.rs"]
mod tests;
