//! Hetzner DNS through the Hetzner Cloud API (https://docs.hetzner.cloud/reference/cloud#zone-rrsets): read the rrset, set its records only when they differ, create it when allowed.
use super::api::{SendFn, bearer, busy_error, holds, parse_value, update_each_cached};
use super::names::{full_name, zone_and_inner_name};
use super::{Addrs, Cache, Planned, Provider, StatusClass, Success, short};
use crate::error::Error;
use crate::family::Family;
use crate::fields::{Fields, Secret};
use crate::http::{Client, Method, Reply, Request};
use crate::json::Json;
use std::net::IpAddr;

pub const DEFAULT_SERVER: &str = "https://api.hetzner.cloud";
/// Added to a `server` given without a path.
pub const API_PATH: &str = "/v1";
const MIN_TTL_SECS: i64 = 60;
const MAX_TTL_SECS: i64 = 2_147_483_647;

pub struct Hetzner {
    base: String,
    zone: String,
    /// The rrset name inside the zone: `@` for the apex.
    name: String,
    token: Secret,
    /// Only for an rrset ddnsup creates; `None`: the zone's default.
    ttl: Option<u64>,
    create: bool,
}

impl Hetzner {
    pub fn from_config(f: &mut Fields) -> Result<Hetzner, Error> {
        let base = f.endpoint(DEFAULT_SERVER, API_PATH)?;
        let (zone, name) = zone_and_inner_name(f)?;
        let token = f.secret("token")?;
        let ttl = f
            .int_in("ttl", MIN_TTL_SECS, MAX_TTL_SECS)?
            .map(|t| t as u64);
        let create = f.bool("create")?.unwrap_or(false);
        Ok(Hetzner {
            base,
            zone,
            name,
            token,
            ttl,
            create,
        })
    }

    /// `<base>/zones/<zone>/rrsets/<name>/<type>`; the zone by name (the API takes an id or a
    /// name), names checked, so nothing needs escaping.
    fn rrset_url(&self, rr: &str) -> String {
        format!("{}/rrsets/{}/{rr}", self.zone_url(), self.name)
    }

    fn zone_url(&self) -> String {
        format!("{}/zones/{}", self.base, self.zone)
    }

    pub fn build_get(&self, rr: &str) -> Request {
        bearer(Request::get(self.rrset_url(rr)), &self.token)
    }

    pub fn build_set(&self, rr: &str, ip: IpAddr) -> Request {
        let url = format!("{}/actions/set_records", self.rrset_url(rr));
        let body = format!(r#"{{"records":[{{"value":"{ip}"}}]}}"#);
        bearer(Request::json(Method::Post, url, body, false), &self.token)
    }

    pub fn build_create(&self, rr: &str, ip: IpAddr) -> Request {
        let url = format!("{}/rrsets", self.zone_url());
        let name = &self.name;
        let body = match self.ttl {
            Some(t) => format!(
                r#"{{"name":"{name}","type":"{rr}","ttl":{t},"records":[{{"value":"{ip}"}}]}}"#
            ),
            None => format!(r#"{{"name":"{name}","type":"{rr}","records":[{{"value":"{ip}"}}]}}"#),
        };
        bearer(Request::json(Method::Post, url, body, false), &self.token)
    }

    /// With the rrset known to exist (`cache`), one `set_records`; else the read first, no
    /// write when the rrset holds exactly `ip`, and a create when it is absent and allowed.
    pub fn update_family(
        &self,
        send: &mut SendFn,
        ip: IpAddr,
        cache: &mut String,
    ) -> Result<Success, Error> {
        let rr = Family::of(ip).rr();
        let mut cached = !cache.is_empty();
        // At most twice: a known rrset that is gone (404) is read again.
        loop {
            let mut creating = false;
            let req = if cached {
                self.build_set(rr, ip)
            } else {
                let reply = send(&self.build_get(rr))?;
                match parse_get(&reply, rr)? {
                    None if !self.create => {
                        return Err(Error::fatal(format!(
                            "Hetzner: no {rr} rrset {} in zone {} (or no such zone for this token); create it, or set create = true",
                            self.name, self.zone
                        )));
                    }
                    None => {
                        creating = true;
                        self.build_create(rr, ip)
                    }
                    Some(values) => {
                        *cache = self.cache_key(rr);
                        if values.len() == 1 && holds(&values[0], ip) {
                            return Ok(Success::NoChange);
                        }
                        self.build_set(rr, ip)
                    }
                }
            };
            let reply = send(&req)?;
            if std::mem::take(&mut cached) && reply.status == 404 {
                detail!("{}: the {rr} rrset is gone; reading it again", self.fqdn());
                cache.clear();
                continue;
            }
            if !creating {
                return parse_action(&reply);
            }
            let done = parse_created(&reply, &self.zone)?;
            *cache = self.cache_key(rr);
            return Ok(done);
        }
    }

    /// What the cache keeps once the rrset is known to exist.
    fn cache_key(&self, rr: &str) -> String {
        format!("{}/{rr}", self.name)
    }
}

impl Provider for Hetzner {
    fn fqdn(&self) -> String {
        full_name(&self.name, &self.zone)
    }

    fn supports_v6(&self) -> bool {
        true
    }

    /// Each family starts with reading its rrset (skipped on later runs that know it exists).
    fn plan(&self, addrs: Addrs) -> Vec<Planned> {
        Planned::each(addrs, |ip| self.build_get(Family::of(ip).rr()))
    }

    /// The answer to `set_records`; `update` drives the whole exchange.
    fn parse_reply(&self, reply: &Reply, _sets: Addrs) -> Result<Success, Error> {
        parse_action(reply)
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

/// The rrset's values; `None` when there is no such rrset (404).
pub fn parse_get(reply: &Reply, rr: &str) -> Result<Option<Vec<String>>, Error> {
    match reply.status {
        200 => {}
        404 => return Ok(None),
        _ => return Err(api_error(reply)),
    }
    let got = parse_value(reply, "Hetzner", "rrset reply")?;
    let rrset = got.get("rrset");
    let (Some(kind), Json::Arr(records)) = (rrset.get("type").str(), rrset.get("records")) else {
        return Err(Error::transient(
            "Hetzner: unexpected rrset reply (no rrset)",
        ));
    };
    if !kind.eq_ignore_ascii_case(rr) {
        return Err(Error::transient(format!(
            "Hetzner: asked for the {rr} rrset, got {:?}",
            short(kind)
        )));
    }
    let value = |r: &Json| r.get("value").str().unwrap_or_default().to_string();
    Ok(Some(records.iter().map(value).collect()))
}

/// The answer to `set_records` (and the action in a create's answer): 201 with an action
/// that is `running` or `success`; an action in `error` is not a success.
pub fn parse_action(reply: &Reply) -> Result<Success, Error> {
    if !matches!(reply.status, 200 | 201) {
        return Err(api_error(reply));
    }
    let got = parse_value(reply, "Hetzner", "reply to the update")?;
    let action = got.get("action");
    match action.get("status").str() {
        Some("running" | "success") => Ok(Success::Updated),
        Some("error") => Err(Error::transient(format!(
            "Hetzner: the update failed: {}",
            short(action.get("error").get("message").str().unwrap_or_default())
        ))),
        Some(other) => Err(Error::transient(format!(
            "Hetzner: unexpected action status {:?}",
            short(other)
        ))),
        None => Err(Error::transient(
            "Hetzner: unexpected reply to the update (no action)",
        )),
    }
}

/// The answer to a create; a 404 here means the zone is not one of the token's.
pub fn parse_created(reply: &Reply, zone: &str) -> Result<Success, Error> {
    if reply.status == 404 {
        return Err(Error::fatal(format!(
            "Hetzner: no zone {zone} for this token (HTTP 404{}); check `zone`",
            error_of(reply).1
        )));
    }
    parse_action(reply)
}

/// The error body `{"error":{"code":..,"message":..}}`, and `: <message>` from its `error`,
/// else its code, else the start of the text (empty when there is none).
fn error_of(reply: &Reply) -> (Json, String) {
    let text = reply.text();
    let tree = Json::parse(&text).unwrap_or(Json::Null);
    let error = tree.get("error");
    let said = |key| {
        error
            .get(key)
            .str()
            .map(str::trim)
            .filter(|s| !s.is_empty())
    };
    let shown = match error {
        Json::Obj(_) => short(said("message").or(said("code")).unwrap_or_default()),
        _ => short(&text),
    };
    let detail = if shown.is_empty() {
        shown
    } else {
        format!(": {shown}")
    };
    (tree, detail)
}

/// A refused token (401, 403) or a protected rrset is fatal; rate limits and server errors
/// are transient, waiting for `Retry-After` or else Hetzner's own `RateLimit-Reset`.
fn api_error(reply: &Reply) -> Error {
    let status = reply.status;
    let (tree, detail) = error_of(reply);
    let protected = tree.get("error").get("code").str() == Some("protected");
    let class = match StatusClass::of(status) {
        _ if protected => StatusClass::Refused,
        class => class,
    };
    let (before, after) = match class {
        _ if protected => (
            "Hetzner: the rrset is protected against changes (",
            "); lift its protection",
        ),
        StatusClass::Refused => (
            "Hetzner refused the token (",
            "); check `token` (a Cloud API token of the zone's project, with Read & Write)",
        ),
        StatusClass::Busy => ("Hetzner: ", ""),
        StatusClass::Unexpected => ("Hetzner: unexpected ", ""),
    };
    let message = format!("{before}HTTP {status}{detail}{after}");
    busy_error(reply, class, message, "ratelimit-reset")
}

#[cfg(test)]
#[path = "hetzner_tests.rs"]
mod tests;
