//! Name.com API v4 (https://www.name.com/api-docs/DNS): list the domain's records, update the one with the host and type by its id (remembered), create it when allowed.
use super::api::{SendFn, busy_error, error_detail, holds, parse_value, update_each_cached};
use super::names::{full_name, zone_at_and_inner_name};
use super::{Addrs, Cache, Planned, Provider, StatusClass, Success, short};
use crate::error::Error;
use crate::family::Family;
use crate::fields::{Fields, Secret};
use crate::http::{Client, Method, Reply, Request};
use crate::json::{Json, quote};
use std::net::IpAddr;

pub const DEFAULT_SERVER: &str = "https://api.name.com";
/// Added to a `server` given without a path.
pub const API_PATH: &str = "/v4";
/// Name.com's documented minimum TTL.
const MIN_TTL_SECS: i64 = 300;
const MAX_TTL_SECS: i64 = 2_147_483_647;
/// The TTL of a record ddnsup creates when `ttl` is not given.
const DEFAULT_TTL_SECS: u64 = 300;
/// Records asked for in one list (the documented default and what ddnsup reads: one page).
const PER_PAGE: &str = "1000";

pub struct NameCom {
    base: String,
    domain: String,
    /// The host inside the domain: `@` for the apex.
    host: String,
    username: String,
    token: Secret,
    /// Sent on every write when given; else the record's own TTL is kept.
    ttl: Option<u64>,
    create: bool,
}

/// A record of the host and type as listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub id: u64,
    pub answer: String,
    pub ttl: u64,
}

impl NameCom {
    pub fn from_config(f: &mut Fields) -> Result<NameCom, Error> {
        let base = f.endpoint(DEFAULT_SERVER, API_PATH)?;
        let (domain, host) = zone_at_and_inner_name(f, "domain")?;
        let username = f.required_str("username")?;
        if username.is_empty() || username.contains(':') {
            return Err(f.error(
                "username",
                "must be the Name.com account name (not empty, no ':')",
            ));
        }
        let token = f.secret("token")?;
        let ttl = f
            .int_in("ttl", MIN_TTL_SECS, MAX_TTL_SECS)?
            .map(|t| t as u64);
        let create = f.bool("create")?.unwrap_or(false);
        Ok(NameCom {
            base,
            domain,
            host,
            username,
            token,
            ttl,
            create,
        })
    }

    fn records_url(&self) -> String {
        format!("{}/domains/{}/records", self.base, self.domain)
    }

    fn auth(&self, req: Request) -> Request {
        req.basic_auth(&self.username, self.token.expose())
    }

    pub fn build_list(&self) -> Request {
        self.auth(Request::get(self.records_url()).param("perPage", PER_PAGE))
    }

    /// `{"host":..,"type":..,"answer":..,"ttl":..}`: every field, as UpdateRecord overwrites all.
    fn body(&self, rr: &str, ip: IpAddr, ttl: u64) -> String {
        format!(
            r#"{{"host":{},"type":"{rr}","answer":"{ip}","ttl":{ttl}}}"#,
            quote(&self.host)
        )
    }

    pub fn build_update(&self, id: u64, rr: &str, ip: IpAddr, ttl: u64) -> Request {
        let url = format!("{}/{id}", self.records_url());
        let body = self.body(rr, ip, ttl);
        self.auth(Request::json(Method::Put, url, body, false))
    }

    pub fn build_create(&self, rr: &str, ip: IpAddr) -> Request {
        let body = self.body(rr, ip, self.ttl.unwrap_or(DEFAULT_TTL_SECS));
        self.auth(Request::json(Method::Post, self.records_url(), body, false))
    }

    /// With the record's id known (`cache`: `<id>/<ttl>`), one update; else the list first, no
    /// write when the record holds `ip`, a create when it is missing and allowed.
    pub fn update_family(
        &self,
        send: &mut SendFn,
        ip: IpAddr,
        cache: &mut String,
    ) -> Result<Success, Error> {
        let rr = Family::of(ip).rr();
        let mut cached = parse_cache(cache);
        // At most twice: a cached id that is gone (404) is followed by the list.
        loop {
            let req = match cached {
                Some((id, ttl)) => self.build_update(id, rr, ip, self.ttl.unwrap_or(ttl)),
                None => {
                    let reply = send(&self.build_list())?;
                    let mut found = parse_list(&reply, &self.host, rr, &self.domain)?;
                    match found.len() {
                        0 if self.create => self.build_create(rr, ip),
                        0 => {
                            return Err(Error::fatal(format!(
                                "Name.com: no {rr} record {} in domain {}; create it, or set create = true",
                                self.host, self.domain
                            )));
                        }
                        1 => {
                            let record = found.swap_remove(0);
                            remember(cache, record.id, record.ttl);
                            if holds(&record.answer, ip) {
                                return Ok(Success::NoChange);
                            }
                            self.build_update(record.id, rr, ip, self.ttl.unwrap_or(record.ttl))
                        }
                        many => {
                            return Err(Error::fatal(format!(
                                "Name.com: {many} {rr} records for {}; ddnsup keeps exactly one up to date, remove the others",
                                self.fqdn()
                            )));
                        }
                    }
                }
            };
            let reply = send(&req)?;
            if let (Some((id, _)), 404) = (cached.take(), reply.status) {
                detail!("{}: record {id} is gone; listing again", self.fqdn());
                cache.clear();
                continue;
            }
            // The answer to an update or create names the record to remember.
            let record = parse_record(&reply, rr, ip, &self.domain)?;
            remember(cache, record.id, record.ttl);
            return Ok(Success::Updated);
        }
    }
}

impl Provider for NameCom {
    fn fqdn(&self) -> String {
        full_name(&self.host, &self.domain)
    }

    fn supports_v6(&self) -> bool {
        true
    }

    /// Each family starts with the list (skipped on later runs that know the record's id).
    fn plan(&self, addrs: Addrs) -> Vec<Planned> {
        Planned::each(addrs, |_| self.build_list())
    }

    /// The answer to an update; `update` drives the whole exchange.
    fn parse_reply(&self, reply: &Reply, sets: Addrs) -> Result<Success, Error> {
        let Some(ip) = sets.list().first().copied() else {
            return Err(Error::fatal("nothing to update"));
        };
        parse_record(reply, Family::of(ip).rr(), ip, &self.domain).map(|_| Success::Updated)
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

/// Keeps `<id>/<ttl>` for the next run.
fn remember(cache: &mut String, id: u64, ttl: u64) {
    *cache = format!("{id}/{ttl}");
}

/// `<id>/<ttl>` as remembered; `None` for anything else (nothing remembered yet).
pub fn parse_cache(text: &str) -> Option<(u64, u64)> {
    let (id, ttl) = text.split_once('/')?;
    Some((id.parse().ok()?, ttl.parse().ok()?))
}

/// Whether a listed host (`None` or `""` for the apex) is `host` (`@` for the apex).
fn same_host(listed: Option<&str>, host: &str) -> bool {
    let listed = match listed.unwrap_or("") {
        "" => "@",
        h => h,
    };
    listed.eq_ignore_ascii_case(host)
}

/// A record's id and TTL: whole numbers, the id above 0.
fn id_and_ttl(r: &Json) -> Option<(u64, u64)> {
    let id = u64::try_from(r.get("id").int()?)
        .ok()
        .filter(|&id| id > 0)?;
    let ttl = u64::try_from(r.get("ttl").int()?).ok()?;
    Some((id, ttl))
}

/// The `rr` records of `host` in a ListRecords answer. A record missing from a first page
/// that is not the last is refused, so ddnsup never creates a second one.
pub fn parse_list(reply: &Reply, host: &str, rr: &str, domain: &str) -> Result<Vec<Found>, Error> {
    if reply.status != 200 {
        return Err(api_error(reply, domain));
    }
    let got = parse_value(reply, "Name.com", "record list")?;
    let Json::Arr(records) = got.get("records") else {
        // An empty zone may leave `records` out.
        return match &got {
            Json::Obj(_) if got.get("records").is_null() => Ok(Vec::new()),
            _ => Err(Error::transient(
                "Name.com: unexpected record list (no records)",
            )),
        };
    };
    let mut found = Vec::new();
    for r in records {
        let host_of = r.get("host").str();
        let (Some(kind), Some((id, ttl))) = (r.get("type").str(), id_and_ttl(r)) else {
            return Err(Error::transient(
                "Name.com: unexpected record list (a record without type, id or ttl)",
            ));
        };
        if kind.eq_ignore_ascii_case(rr) && same_host(host_of, host) {
            let answer = r.get("answer").str().unwrap_or_default().to_string();
            found.push(Found { id, answer, ttl });
        }
    }
    if found.is_empty() && !got.get("nextPage").is_null() {
        return Err(Error::fatal(format!(
            "Name.com: domain {domain} has more than {PER_PAGE} records and ddnsup reads only the first {PER_PAGE}"
        )));
    }
    Ok(found)
}

/// The record in the answer to an update or create: it must be of type `rr` and hold `ip`.
pub fn parse_record(reply: &Reply, rr: &str, ip: IpAddr, domain: &str) -> Result<Found, Error> {
    if !matches!(reply.status, 200 | 201) {
        return Err(api_error(reply, domain));
    }
    let got = parse_value(reply, "Name.com", "reply to the update")?;
    let (Some(kind), Some(answer), Some((id, ttl))) = (
        got.get("type").str(),
        got.get("answer").str(),
        id_and_ttl(&got),
    ) else {
        return Err(Error::transient(
            "Name.com: unexpected reply to the update (no record)",
        ));
    };
    if !kind.eq_ignore_ascii_case(rr) || !holds(answer, ip) {
        return Err(Error::transient(format!(
            "Name.com: the update answered {} {:?}, not {rr} {ip}",
            short(kind),
            short(answer)
        )));
    }
    Ok(Found {
        id,
        answer: answer.to_string(),
        ttl,
    })
}

/// Refused credentials (401) and a refused account (403: API access off, or this address
/// not allowed) are fatal, as is an unknown domain (404); rate limits and server errors are
/// transient, waiting for `Retry-After` or else Name.com's `X-RateLimit-Reset`.
fn api_error(reply: &Reply, domain: &str) -> Error {
    let status = reply.status;
    let class = match status {
        404 => StatusClass::Refused,
        _ => StatusClass::of(status),
    };
    // The message: `<before><domain><between>HTTP <status>: <detail><after>`.
    let (before, domain, between, after) = match (status, class) {
        (401, _) => (
            "Name.com refused the username and token (",
            "",
            "",
            "); check `username` and `token` (api.dev.name.com takes the -test username and its own token)",
        ),
        (403, _) => (
            "Name.com: permission denied (",
            "",
            "",
            "); turn on API access for the account and check its API IP allowlist",
        ),
        (404, _) => (
            "Name.com: no domain ",
            domain,
            " in this account (",
            "); check `domain`",
        ),
        (_, StatusClass::Unexpected) => ("Name.com: unexpected ", "", "", ""),
        _ => ("Name.com: ", "", "", ""),
    };
    let detail = error_detail(reply);
    let message = format!("{before}{domain}{between}HTTP {status}{detail}{after}");
    busy_error(reply, class, message, "x-ratelimit-reset")
}

#[cfg(test)]
#[path = "namecom_tests.rs"]
mod tests;
