//! IONOS Hosting DNS API (https://developer.hosting.ionos.com/docs/dns): find the zone and the record by name, PUT its content only when it differs, POST a missing one when allowed; ids remembered.
use super::api::{SendFn, holds, parse_value, update_each_cached};
use super::names::{full_name, zone_and_inner_name};
use super::{Addrs, Cache, Planned, Provider, StatusClass, Success, short};
use crate::error::Error;
use crate::family::Family;
use crate::fields::{Fields, Secret};
use crate::http::{Client, Method, Reply, Request};
use crate::json::{Json, quote};
use std::net::IpAddr;

pub const DEFAULT_SERVER: &str = "https://api.hosting.ionos.com";
/// Added to a `server` given without a path.
pub const API_PATH: &str = "/dns/v1";
const MIN_TTL_SECS: i64 = 60;
const MAX_TTL_SECS: i64 = 86_400;
/// What the cache holds for a TTL that is not known.
const NO_TTL: &str = "-";

pub struct Ionos {
    base: String,
    zone: String,
    /// The record name inside the zone: `@` for the apex.
    name: String,
    /// `publicprefix.secret`, sent as `X-API-Key`.
    api_key: Secret,
    /// `None`: keep the record's own TTL (IONOS's default for a new one).
    ttl: Option<u64>,
    create: bool,
}

/// What the cache remembers per family: `<zone id>/<record id>/<ttl or ->`.
#[derive(Debug, Clone, PartialEq)]
pub struct Known {
    pub zone_id: String,
    pub record_id: String,
    pub ttl: Option<u64>,
}

impl Known {
    pub fn parse(text: &str) -> Option<Known> {
        let mut parts = text.split('/');
        let (zone_id, record_id, ttl) = (parts.next()?, parts.next()?, parts.next()?);
        if zone_id.is_empty() || record_id.is_empty() || parts.next().is_some() {
            return None;
        }
        Some(Known {
            zone_id: zone_id.to_string(),
            record_id: record_id.to_string(),
            ttl: ttl.parse().ok(),
        })
    }

    pub fn text(&self) -> String {
        let ttl = self.ttl.map_or(NO_TTL.to_string(), |t| t.to_string());
        format!("{}/{}/{ttl}", self.zone_id, self.record_id)
    }
}

/// A record of the name and type, as the zone lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct Existing {
    pub id: String,
    pub content: String,
    pub ttl: Option<u64>,
}

impl Ionos {
    pub fn from_config(f: &mut Fields) -> Result<Ionos, Error> {
        let base = f.endpoint(DEFAULT_SERVER, API_PATH)?;
        let (zone, name) = zone_and_inner_name(f)?;
        let api_key = f.secret("api_key")?;
        let ttl = f
            .int_in("ttl", MIN_TTL_SECS, MAX_TTL_SECS)?
            .map(|t| t as u64);
        let create = f.bool("create")?.unwrap_or(false);
        Ok(Ionos {
            base,
            zone,
            name,
            api_key,
            ttl,
            create,
        })
    }

    fn keyed(&self, req: Request) -> Request {
        req.secret_header("X-API-Key", self.api_key.expose())
    }

    pub fn build_zones(&self) -> Request {
        self.keyed(Request::get(format!("{}/zones", self.base)))
    }

    /// The zone with only the records of this name and type (`suffix`, `recordType`).
    pub fn build_records(&self, zone_id: &str, rr: &str) -> Request {
        let url = format!("{}/zones/{}", self.base, segment(zone_id));
        let req = Request::get(url)
            .param("suffix", self.fqdn())
            .param("recordType", rr);
        self.keyed(req)
    }

    pub fn build_put(&self, known: &Known, ip: IpAddr) -> Request {
        let url = format!(
            "{}/zones/{}/records/{}",
            self.base,
            segment(&known.zone_id),
            segment(&known.record_id)
        );
        let body = format!(
            r#"{{"content":"{ip}"{}}}"#,
            ttl_field(self.ttl.or(known.ttl))
        );
        self.keyed(Request::json(Method::Put, url, body, false))
    }

    pub fn build_post(&self, zone_id: &str, rr: &str, ip: IpAddr) -> Request {
        let url = format!("{}/zones/{}/records", self.base, segment(zone_id));
        let body = format!(
            r#"[{{"name":{},"type":"{rr}","content":"{ip}"{}}}]"#,
            quote(&self.fqdn()),
            ttl_field(self.ttl)
        );
        self.keyed(Request::json(Method::Post, url, body, false))
    }

    /// With the ids known (`cache`), one PUT (a 404 forgets them and starts over); else the
    /// zone id (from `zone_hint`, which the other family may have found, or the zone list),
    /// the record, and a PUT only when its content or the configured TTL differs, or a POST
    /// when it is absent and `create` allows.
    // Kept out of `update`'s generic closure: inlined there it costs more code.
    #[inline(never)]
    pub fn update_family(
        &self,
        send: &mut SendFn,
        ip: IpAddr,
        cache: &mut String,
        zone_hint: &mut String,
    ) -> Result<Success, Error> {
        let rr = Family::of(ip).rr();
        if let Some(known) = Known::parse(cache) {
            let reply = send(&self.build_put(&known, ip))?;
            if reply.status != 404 {
                return parse_put(&reply);
            }
            detail!(
                "{}: the {rr} record is gone; looking it up again",
                self.fqdn()
            );
            cache.clear();
            zone_hint.clear();
        }
        if zone_hint.is_empty() {
            let reply = send(&self.build_zones())?;
            *zone_hint = parse_zones(&reply, &self.zone)?;
        }
        let zone_id = zone_hint.clone();
        let reply = send(&self.build_records(&zone_id, rr))?;
        let fqdn = self.fqdn();
        let records = parse_records(&reply, &fqdn, rr)?;
        // A listed record is remembered before it is written; a created one once it exists.
        let (req, put) = match records.as_slice() {
            [] if self.create => (self.build_post(&zone_id, rr, ip), false),
            [] => {
                return Err(Error::fatal(format!(
                    "IONOS: no {rr} record {fqdn} in zone {}; create it, or set create = true",
                    self.zone
                )));
            }
            [record] => {
                let known = Known {
                    zone_id: zone_id.clone(),
                    record_id: record.id.clone(),
                    ttl: record.ttl,
                };
                *cache = known.text();
                let same_ttl = self.ttl.is_none_or(|t| record.ttl == Some(t));
                if holds(&record.content, ip) && same_ttl {
                    return Ok(Success::NoChange);
                }
                (self.build_put(&known, ip), true)
            }
            more => {
                return Err(Error::fatal(format!(
                    "IONOS: {} {rr} records named {fqdn}; keep one",
                    more.len()
                )));
            }
        };
        let reply = send(&req)?;
        if put {
            return parse_put(&reply);
        }
        let record_id = parse_created(&reply)?;
        let ttl = self.ttl;
        *cache = Known {
            zone_id,
            record_id,
            ttl,
        }
        .text();
        Ok(Success::Updated)
    }
}

/// `,"ttl":<secs>` for a body, empty without a TTL.
fn ttl_field(ttl: Option<u64>) -> String {
    ttl.map(|t| format!(r#","ttl":{t}"#)).unwrap_or_default()
}

/// An id from a reply as a path segment: anything but letters, digits and `-` is encoded.
fn segment(id: &str) -> String {
    crate::http::percent_encode(id)
}

impl Provider for Ionos {
    fn fqdn(&self) -> String {
        full_name(&self.name, &self.zone)
    }

    fn supports_v6(&self) -> bool {
        true
    }

    /// Each family starts with the zone list (skipped on later runs that know the ids).
    fn plan(&self, addrs: Addrs) -> Vec<Planned> {
        Planned::each(addrs, |_| self.build_zones())
    }

    /// The answer to the PUT; `update` drives the whole exchange.
    fn parse_reply(&self, reply: &Reply, _sets: Addrs) -> Result<Success, Error> {
        parse_put(reply)
    }

    fn update(
        &self,
        client: &Client,
        addrs: Addrs,
        cache: &mut Cache,
    ) -> Vec<(Family, Result<Success, Error>)> {
        let mut zone_hint = String::new();
        update_each_cached(client, addrs, cache, |send, ip, known| {
            self.update_family(send, ip, known, &mut zone_hint)
        })
    }
}

/// The id of `zone` in the zone list; a list without it is fatal (the key cannot see it).
#[inline(never)]
pub fn parse_zones(reply: &Reply, zone: &str) -> Result<String, Error> {
    let got = answer(reply, 200, "zone list")?;
    let Json::Arr(zones) = got else {
        return Err(unexpected("zone list", "not an array"));
    };
    let named = |z: &&Json| {
        z.get("name")
            .str()
            .is_some_and(|n| n.trim_end_matches('.').eq_ignore_ascii_case(zone))
    };
    match zones.iter().find(named).map(|z| z.get("id").str()) {
        Some(Some(id)) if !id.is_empty() => Ok(id.to_string()),
        Some(_) => Err(unexpected("zone list", "a zone without id")),
        None => Err(Error::fatal(format!(
            "IONOS: no zone {zone} for this API key; check `zone`"
        ))),
    }
}

/// The records of the zone named `fqdn` of type `rr` (the filter is applied again here).
#[inline(never)]
pub fn parse_records(reply: &Reply, fqdn: &str, rr: &str) -> Result<Vec<Existing>, Error> {
    let got = answer(reply, 200, "zone")?;
    let Json::Arr(records) = got.get("records") else {
        return Err(unexpected("zone", "no records"));
    };
    let mut out = Vec::new();
    for r in records {
        let name = r.get("name").str().unwrap_or_default();
        let kind = r.get("type").str().unwrap_or_default();
        if !name.trim_end_matches('.').eq_ignore_ascii_case(fqdn) || !kind.eq_ignore_ascii_case(rr)
        {
            continue;
        }
        let (Some(id), Some(content)) = (r.get("id").str(), r.get("content").str()) else {
            return Err(unexpected("zone", "a record without id or content"));
        };
        out.push(Existing {
            id: id.to_string(),
            content: content.to_string(),
            ttl: r.get("ttl").int().and_then(|t| u64::try_from(t).ok()),
        });
    }
    Ok(out)
}

/// The answer to the PUT: 200 with the record.
pub fn parse_put(reply: &Reply) -> Result<Success, Error> {
    match answer(reply, 200, "reply to the update")? {
        Json::Obj(_) => Ok(Success::Updated),
        _ => Err(unexpected("reply to the update", "not a record")),
    }
}

/// The answer to the POST: 201 with the created records; the id of the first.
pub fn parse_created(reply: &Reply) -> Result<String, Error> {
    let got = answer(reply, 201, "reply to the create")?;
    match got.at(0).get("id").str() {
        Some(id) if !id.is_empty() => Ok(id.to_string()),
        _ => Err(unexpected("reply to the create", "no record id")),
    }
}

/// The body of an answer with the status `ok`, as JSON; any other status is an API error.
fn answer(reply: &Reply, ok: u16, what: &str) -> Result<Json, Error> {
    if reply.status != ok {
        return Err(api_error(reply));
    }
    parse_value(reply, "IONOS", what)
}

fn unexpected(what: &str, why: &str) -> Error {
    Error::transient(format!("IONOS: unexpected {what} ({why})"))
}

/// `: <message>` from the documented error array `[{"code":..,"message":..}]` (its first
/// entry's message, else its code), else the start of the text; empty when there is none.
fn error_detail(reply: &Reply) -> String {
    let text = reply.text();
    let tree = Json::parse(&text).unwrap_or(Json::Null);
    let first = tree.at(0);
    let said = |key| {
        first
            .get(key)
            .str()
            .map(str::trim)
            .filter(|s| !s.is_empty())
    };
    let shown = match tree {
        Json::Arr(_) => short(said("message").or(said("code")).unwrap_or_default()),
        _ => short(&text),
    };
    if shown.is_empty() {
        shown
    } else {
        format!(": {shown}")
    }
}

/// A refused key (401, 403) is fatal; rate limits and server errors are transient (with
/// `Retry-After`), as is anything else.
fn api_error(reply: &Reply) -> Error {
    let status = reply.status;
    let detail = error_detail(reply);
    let class = StatusClass::of(status);
    let message = match class {
        StatusClass::Refused => format!(
            "IONOS refused the API key (HTTP {status}{detail}); check `api_key` (publicprefix.secret, from developer.hosting.ionos.com)"
        ),
        StatusClass::Busy => format!("IONOS: HTTP {status}{detail}"),
        StatusClass::Unexpected => format!("IONOS: unexpected HTTP {status}{detail}"),
    };
    class.error(reply, message)
}

#[cfg(test)]
#[path = "ionos_tests.rs"]
mod tests;
