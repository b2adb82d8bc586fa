//! GoDaddy Domains API (https://developer.godaddy.com/doc/endpoint/domains): read the records of a name and type, replace them only when they differ.
use super::api::{SendFn, error_detail, holds, parse_value, update_each_cached};
use super::names::{full_name, zone_at_and_inner_name};
use super::{Addrs, Cache, Planned, Provider, StatusClass, Success};
use crate::error::Error;
use crate::family::Family;
use crate::fields::{Fields, Secret};
use crate::http::{Client, Method, Reply, Request};
use crate::json::Json;
use std::net::IpAddr;

pub const DEFAULT_SERVER: &str = "https://api.godaddy.com";
/// Added to a `server` given without a path.
pub const API_PATH: &str = "/v1";
/// GoDaddy refuses shorter TTLs ("must have a minimum value of 600").
const MIN_TTL_SECS: i64 = 600;
const MAX_TTL_SECS: i64 = 2_147_483_647;
/// The longest `retryAfterSec` taken as is: GoDaddy's limit is per minute.
const MAX_RETRY_AFTER_SECS: u64 = 3600;
/// What the cache holds when the record's TTL is not known.
const NO_TTL: &str = "-";

pub struct GoDaddy {
    base: String,
    domain: String,
    /// The record name inside the domain: `@` for the apex.
    name: String,
    key: Secret,
    secret: Secret,
    /// `None`: keep the record's own TTL (GoDaddy's default for a new one).
    ttl: Option<u64>,
    create: bool,
}

/// One record of the name and type, as GoDaddy lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct Existing {
    pub data: String,
    pub ttl: Option<u64>,
}

impl GoDaddy {
    pub fn from_config(f: &mut Fields) -> Result<GoDaddy, Error> {
        let base = f.endpoint(DEFAULT_SERVER, API_PATH)?;
        let (domain, name) = zone_at_and_inner_name(f, "domain")?;
        let key = f.secret("key")?;
        let secret = f.secret("secret")?;
        let ttl = f
            .int_in("ttl", MIN_TTL_SECS, MAX_TTL_SECS)?
            .map(|t| t as u64);
        let create = f.bool("create")?.unwrap_or(false);
        Ok(GoDaddy {
            base,
            domain,
            name,
            key,
            secret,
            ttl,
            create,
        })
    }

    /// `<base>/domains/<domain>/records/<type>/<name>`; names checked, so nothing needs escaping.
    fn url(&self, rr: &str) -> String {
        format!(
            "{}/domains/{}/records/{rr}/{}",
            self.base, self.domain, self.name
        )
    }

    /// `Authorization: sso-key <key>:<secret>`, hidden when shown.
    fn signed(&self, req: Request) -> Request {
        let value = format!("sso-key {}:{}", self.key.expose(), self.secret.expose());
        req.secret_header("Authorization", value)
    }

    pub fn build_get(&self, rr: &str) -> Request {
        self.signed(Request::get(self.url(rr)))
    }

    /// Replaces every record of the name and type by one holding `ip` (and creates it when
    /// there is none); `ttl` `None` leaves it to GoDaddy.
    pub fn build_put(&self, rr: &str, ip: IpAddr, ttl: Option<u64>) -> Request {
        let ttl = ttl.map(|t| format!(r#","ttl":{t}"#)).unwrap_or_default();
        let body = format!(r#"[{{"data":"{ip}"{ttl}}}]"#);
        self.signed(Request::json(Method::Put, self.url(rr), body, false))
    }

    /// With the record seen before (`cache` holds its TTL), one PUT; else the read first, no
    /// write when it holds exactly `ip` (and the configured TTL), and a PUT that creates it
    /// when it is absent and `create` allows. GoDaddy's PUT creates a missing record, so a
    /// record deleted by hand after ddnsup saw it comes back at the next change.
    pub fn update_family(
        &self,
        send: &mut SendFn,
        ip: IpAddr,
        cache: &mut String,
    ) -> Result<Success, Error> {
        let rr = Family::of(ip).rr();
        // `created`: the PUT creates the record, whose TTL is cached once that worked.
        let mut created = false;
        let ttl = if !cache.is_empty() {
            self.ttl.or(cache.parse().ok())
        } else {
            let reply = send(&self.build_get(rr))?;
            let records = parse_get(&reply, &self.domain)?;
            match records.first() {
                None if !self.create => {
                    return Err(Error::fatal(format!(
                        "GoDaddy: no {rr} record {} in {}; create it, or set create = true",
                        self.name, self.domain
                    )));
                }
                None => {
                    created = true;
                    self.ttl
                }
                Some(first) => {
                    *cache = ttl_text(first.ttl);
                    let same_ttl = self.ttl.is_none_or(|t| first.ttl == Some(t));
                    if records.len() == 1 && holds(&first.data, ip) && same_ttl {
                        return Ok(Success::NoChange);
                    }
                    self.ttl.or(first.ttl)
                }
            }
        };
        let reply = send(&self.build_put(rr, ip, ttl))?;
        let done = parse_put(&reply, &self.domain)?;
        if created {
            *cache = ttl_text(self.ttl);
        }
        Ok(done)
    }
}

/// A TTL as the cache holds it.
fn ttl_text(ttl: Option<u64>) -> String {
    ttl.map_or(NO_TTL.to_string(), |t| t.to_string())
}

impl Provider for GoDaddy {
    fn fqdn(&self) -> String {
        full_name(&self.name, &self.domain)
    }

    fn supports_v6(&self) -> bool {
        true
    }

    /// Each family starts with reading its records (skipped on later runs that saw them).
    fn plan(&self, addrs: Addrs) -> Vec<Planned> {
        Planned::each(addrs, |ip| self.build_get(Family::of(ip).rr()))
    }

    /// The answer to the PUT; `update` drives the whole exchange.
    fn parse_reply(&self, reply: &Reply, _sets: Addrs) -> Result<Success, Error> {
        parse_put(reply, &self.domain)
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

/// The records of the name and type: an array, empty when there is none.
pub fn parse_get(reply: &Reply, domain: &str) -> Result<Vec<Existing>, Error> {
    if reply.status != 200 {
        return Err(api_error(reply, domain));
    }
    let got = parse_value(reply, "GoDaddy", "record list")?;
    let Json::Arr(items) = got else {
        return Err(Error::transient(
            "GoDaddy: unexpected record list (not an array)",
        ));
    };
    items
        .iter()
        .map(|item| match item.get("data").str() {
            Some(data) => Ok(Existing {
                data: data.to_string(),
                ttl: item.get("ttl").int().and_then(|t| u64::try_from(t).ok()),
            }),
            None => Err(Error::transient(
                "GoDaddy: unexpected record list (a record without data)",
            )),
        })
        .collect()
}

/// The answer to the PUT: 200 with an empty body (any JSON accepted); anything else fails.
pub fn parse_put(reply: &Reply, domain: &str) -> Result<Success, Error> {
    if reply.status != 200 {
        return Err(api_error(reply, domain));
    }
    if reply.text().trim().is_empty() {
        return Ok(Success::Updated);
    }
    parse_value(reply, "GoDaddy", "reply to the update").map(|_| Success::Updated)
}

/// GoDaddy's error body `{"code":..,"message":..}` by status: refused keys (401), an account
/// without API access (403) and an unknown domain (404) are fatal; 429 waits `retryAfterSec`
/// (else `Retry-After`); server errors and anything else are transient.
fn api_error(reply: &Reply, domain: &str) -> Error {
    let status = reply.status;
    let detail = error_detail(reply);
    match status {
        401 => Error::fatal(format!(
            "GoDaddy refused the key (HTTP 401{detail}); check `key` and `secret` (a production key, not an OTE one)"
        )),
        403 => Error::fatal(format!(
            "GoDaddy denied access (HTTP 403{detail}); its DNS API needs an account with 10 or more domains or a Discount Domain Club plan"
        )),
        404 => Error::fatal(format!(
            "GoDaddy: unknown domain {domain} (HTTP 404{detail}); check `domain` (its DNS hosted at GoDaddy)"
        )),
        _ => {
            let class = StatusClass::of(status);
            let message = match class {
                StatusClass::Unexpected => format!("GoDaddy: unexpected HTTP {status}{detail}"),
                _ => format!("GoDaddy: HTTP {status}{detail}"),
            };
            match (status, retry_after_sec(reply)) {
                (429, Some(secs)) => Error::transient_after(message, secs),
                _ => class.error(reply, message),
            }
        }
    }
}

/// The `retryAfterSec` of a 429 body, at most an hour.
pub fn retry_after_sec(reply: &Reply) -> Option<u64> {
    let tree = Json::parse(&reply.text()).ok()?;
    let secs = u64::try_from(tree.get("retryAfterSec").int()?).ok()?;
    Some(secs.min(MAX_RETRY_AFTER_SECS))
}

#[cfg(test)]
#[path = "godaddy_tests.rs"]
mod tests;
