//! NameSilo API (https://www.namesilo.com/api-reference): list the domain's records, update the one by id only when it differs, add a missing one when allowed; the key in the query, JSON replies read by `reply.code`.
use super::api::{SendFn, holds, parse_value, update_each_cached};
use super::names::{full_name, zone_at_and_inner_name};
use super::{Addrs, Cache, Planned, Provider, StatusClass, Success, short};
use crate::error::Error;
use crate::family::Family;
use crate::fields::{Fields, Secret};
use crate::http::{Client, Reply, Request};
use crate::json::Json;
use std::net::IpAddr;

pub const DEFAULT_SERVER: &str = "https://www.namesilo.com";
/// Added to a `server` given without a path.
pub const API_PATH: &str = "/api";
/// NameSilo's TTL range for DNS records.
const MIN_TTL_SECS: i64 = 3600;
const MAX_TTL_SECS: i64 = 2_592_001;
/// `reply.code` of a successful operation.
const SUCCESS: i64 = 300;
/// What the cache holds for a TTL that is not known.
const NO_TTL: &str = "-";

/// The documented reply codes that need a person (https://www.namesilo.com/api-reference,
/// "Response Codes"), with what to do; any code not listed here or in `SUCCESS` is transient
/// (115 "Central Registry Not Responding", 201 "Internal system error", 210 "General error",
/// 400 "Existing API request is still processing", ...).
const FATAL_CODES: &[(i64, &str)] = &[
    (101, "use https for `server`"),
    (102, "ddnsup's request was refused"),
    (103, "ddnsup's request was refused"),
    (104, "ddnsup's request was refused"),
    (105, "ddnsup's request was refused"),
    (106, "ddnsup's request was refused"),
    (107, "ddnsup's request was refused"),
    (108, "ddnsup's request was refused"),
    (109, "check `api_key`"),
    (110, "check `api_key` (API Manager in the NameSilo account)"),
    (111, "check `api_key`"),
    (
        112,
        "use a key of the main account: the API is not available to sub-accounts",
    ),
    (
        113,
        "allow this address for the key in NameSilo's API Manager, or lift the IP restriction",
    ),
    (114, "check `domain`"),
    (120, "ddnsup's request was refused"),
    (200, "check `domain` (a domain of this account, active)"),
    (
        280,
        "the DNS change was refused; check the record in NameSilo's DNS manager",
    ),
];

pub struct NameSilo {
    base: String,
    domain: String,
    /// The record name inside the domain: `@` for the apex.
    name: String,
    api_key: Secret,
    /// `None`: keep the record's own TTL (NameSilo's default, 7207, for a new one).
    ttl: Option<u64>,
    create: bool,
}

/// A record of the name and type, as `dnsListRecords` gives it.
#[derive(Debug, Clone, PartialEq)]
pub struct Existing {
    pub id: String,
    pub value: String,
    pub ttl: Option<u64>,
}

impl NameSilo {
    pub fn from_config(f: &mut Fields) -> Result<NameSilo, Error> {
        let base = f.endpoint(DEFAULT_SERVER, API_PATH)?;
        let (domain, name) = zone_at_and_inner_name(f, "domain")?;
        let api_key = f.secret("api_key")?;
        let ttl = f
            .int_in("ttl", MIN_TTL_SECS, MAX_TTL_SECS)?
            .map(|t| t as u64);
        let create = f.bool("create")?.unwrap_or(false);
        Ok(NameSilo {
            base,
            domain,
            name,
            api_key,
            ttl,
            create,
        })
    }

    /// `<base>/<operation>?version=1&type=json&key=***&domain=<domain>`.
    fn call(&self, operation: &str) -> Request {
        Request::get(format!("{}/{operation}", self.base))
            .param("version", "1")
            .param("type", "json")
            .secret_param("key", self.api_key.expose())
            .param("domain", self.domain.as_str())
    }

    /// The subdomain as NameSilo's `rrhost` takes it: empty for the apex.
    fn rrhost(&self) -> &str {
        match self.name.as_str() {
            "@" => "",
            name => name,
        }
    }

    fn with_ttl(req: Request, ttl: Option<u64>) -> Request {
        match ttl {
            Some(t) => req.param("rrttl", t.to_string()),
            None => req,
        }
    }

    pub fn build_list(&self) -> Request {
        self.call("dnsListRecords")
    }

    pub fn build_update(&self, id: &str, ip: IpAddr, ttl: Option<u64>) -> Request {
        let req = self
            .call("dnsUpdateRecord")
            .param("rrid", id)
            .param("rrhost", self.rrhost())
            .param("rrvalue", ip.to_string());
        Self::with_ttl(req, ttl)
    }

    pub fn build_add(&self, rr: &str, ip: IpAddr) -> Request {
        let req = self
            .call("dnsAddRecord")
            .param("rrtype", rr)
            .param("rrhost", self.rrhost())
            .param("rrvalue", ip.to_string());
        Self::with_ttl(req, self.ttl)
    }

    /// With the record id known (`cache`), one `dnsUpdateRecord` (a 280 forgets it and lists
    /// again); else the list first, no write when the record holds exactly `ip` (and the
    /// configured TTL), and `dnsAddRecord` when it is absent and `create` allows. The id a
    /// write answers with is the one remembered.
    // Kept out of `update`'s generic closure: inlined there it costs more code.
    #[inline(never)]
    pub fn update_family(
        &self,
        send: &mut SendFn,
        ip: IpAddr,
        cache: &mut String,
    ) -> Result<Success, Error> {
        let rr = Family::of(ip).rr();
        let known = cache
            .split_once('/')
            .filter(|(id, _)| !id.is_empty())
            .map(|(id, ttl)| (id.to_string(), ttl.parse().ok()));
        if let Some((id, ttl)) = known {
            let ttl = self.ttl.or(ttl);
            let reply = send(&self.build_update(&id, ip, ttl))?;
            match self.parse_written(&reply) {
                Err(e) if reply_code(&reply) == Some(280) => {
                    detail!(
                        "{}: the {rr} update was refused ({e}); listing again",
                        self.fqdn()
                    );
                    cache.clear();
                }
                done => return self.remember(done, cache, id, ttl),
            }
        }
        let reply = send(&self.build_list())?;
        let records = self.parse_list(&reply, rr)?;
        let (req, fallback, ttl) = match records.as_slice() {
            [] if self.create => (self.build_add(rr, ip), String::new(), self.ttl),
            [] => {
                return Err(Error::fatal(format!(
                    "NameSilo: no {rr} record {} in {}; create it, or set create = true",
                    self.fqdn(),
                    self.domain
                )));
            }
            [record] => {
                *cache = cache_text(&record.id, record.ttl);
                let same_ttl = self.ttl.is_none_or(|t| record.ttl == Some(t));
                if holds(&record.value, ip) && same_ttl {
                    return Ok(Success::NoChange);
                }
                let ttl = self.ttl.or(record.ttl);
                (
                    self.build_update(&record.id, ip, ttl),
                    record.id.clone(),
                    ttl,
                )
            }
            more => {
                return Err(Error::fatal(format!(
                    "NameSilo: {} {rr} records named {}; keep one",
                    more.len(),
                    self.fqdn()
                )));
            }
        };
        let done = self.parse_written(&send(&req)?);
        self.remember(done, cache, fallback, ttl)
    }

    /// Keeps the id a write answered with (else `fallback`) for the next change.
    fn remember(
        &self,
        done: Result<Option<String>, Error>,
        cache: &mut String,
        fallback: String,
        ttl: Option<u64>,
    ) -> Result<Success, Error> {
        let id = done?.unwrap_or(fallback);
        *cache = if id.is_empty() {
            String::new()
        } else {
            cache_text(&id, ttl)
        };
        Ok(Success::Updated)
    }

    /// The records of `dnsListRecords` named like this record, of type `rr`.
    #[inline(never)]
    pub fn parse_list(&self, reply: &Reply, rr: &str) -> Result<Vec<Existing>, Error> {
        let tree = self.parse_ok(reply, "record list")?;
        let fqdn = self.fqdn();
        // One record may come as a bare object instead of a one-element array.
        let records = match tree.get("reply").get("resource_record") {
            Json::Arr(items) => items.as_slice(),
            one @ Json::Obj(_) => std::slice::from_ref(one),
            Json::Null => &[],
            _ => {
                return Err(Error::transient(
                    "NameSilo: unexpected record list (resource_record)",
                ));
            }
        };
        let mut out = Vec::new();
        for r in records {
            let host = r.get("host").str().unwrap_or_default();
            let kind = r.get("type").str().unwrap_or_default();
            if !host.trim_end_matches('.').eq_ignore_ascii_case(&fqdn)
                || !kind.eq_ignore_ascii_case(rr)
            {
                continue;
            }
            let (Some(id), Some(value)) = (r.get("record_id").str(), r.get("value").str()) else {
                return Err(Error::transient(
                    "NameSilo: unexpected record list (a record without id or value)",
                ));
            };
            out.push(Existing {
                id: id.to_string(),
                value: value.to_string(),
                ttl: number(r.get("ttl")).and_then(|t| u64::try_from(t).ok()),
            });
        }
        Ok(out)
    }

    /// The answer to `dnsUpdateRecord` / `dnsAddRecord`: success, with the record id it
    /// gives (when it gives one).
    pub fn parse_written(&self, reply: &Reply) -> Result<Option<String>, Error> {
        let tree = self.parse_ok(reply, "reply to the update")?;
        let id = tree.get("reply").get("record_id").str();
        Ok(id.filter(|id| !id.is_empty()).map(str::to_string))
    }

    /// The reply tree when `reply.code` is 300; any other code is classified by
    /// [`FATAL_CODES`], a non-200 status by the status.
    fn parse_ok(&self, reply: &Reply, what: &str) -> Result<Json, Error> {
        if reply.status != 200 {
            let class = StatusClass::of(reply.status);
            let message = match class {
                StatusClass::Refused => format!(
                    "NameSilo refused the request (HTTP {}); check `api_key`",
                    reply.status
                ),
                _ => format!("NameSilo: HTTP {}", reply.status),
            };
            return Err(class.error(reply, message));
        }
        let tree = parse_value(reply, "NameSilo", what)?;
        let answer = tree.get("reply");
        let Some(code) = number(answer.get("code")) else {
            return Err(Error::transient(format!(
                "NameSilo: unexpected {what} (no reply code)"
            )));
        };
        if code == SUCCESS {
            return Ok(tree);
        }
        // The detail can quote the key back ("Invalid API Key ..."): never shown.
        let said = answer.get("detail").str().unwrap_or_default();
        let said = short(&said.replace(self.api_key.expose(), "***"));
        match FATAL_CODES.iter().find(|(c, _)| *c == code) {
            Some((_, fix)) => Err(Error::fatal(format!(
                "NameSilo: code {code} ({said}); {fix}"
            ))),
            None => Err(Error::transient(format!("NameSilo: code {code} ({said})"))),
        }
    }
}

fn cache_text(id: &str, ttl: Option<u64>) -> String {
    let ttl = ttl.map_or(NO_TTL.to_string(), |t| t.to_string());
    format!("{id}/{ttl}")
}

/// A number NameSilo sends as a JSON number or as a string of digits (it does both).
fn number(v: &Json) -> Option<i64> {
    v.int().or_else(|| v.str()?.trim().parse().ok())
}

/// `reply.code` of a reply, when it has one.
fn reply_code(reply: &Reply) -> Option<i64> {
    number(Json::parse(&reply.text()).ok()?.get("reply").get("code"))
}

impl Provider for NameSilo {
    fn fqdn(&self) -> String {
        full_name(&self.name, &self.domain)
    }

    fn supports_v6(&self) -> bool {
        true
    }

    /// Each family starts with the record list (skipped on later runs that know the id).
    fn plan(&self, addrs: Addrs) -> Vec<Planned> {
        Planned::each(addrs, |_| self.build_list())
    }

    /// The answer to `dnsUpdateRecord`; `update` drives the whole exchange.
    fn parse_reply(&self, reply: &Reply, _sets: Addrs) -> Result<Success, Error> {
        self.parse_written(reply).map(|_| Success::Updated)
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

#[cfg(test)]
#[path = "namesilo_tests.rs"]
mod tests;
