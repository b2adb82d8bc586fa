//! Cloudflare API v4 (https://developers.cloudflare.com/api/resources/dns/subresources/records/methods/edit/): zone and record lookup, PATCH of the content, ids cached in the state.
//!
//! Here: the record's settings, the Provider impl and the per-run flow (cached ids, lookups,
//! PATCH or create); `api` builds the requests and reads the replies; `punycode` decodes IDN
//! zone names.
mod api;
mod punycode;

use super::{Addrs, Cache, Planned, Provider, Success, names};
use crate::error::Error;
use crate::family::Family;
use crate::fields::{Fields, Secret};
use crate::http::{Client, Reply, Request};
use api::{
    Fail, FoundRecord, parse_created, parse_patch, parse_records, parse_zones, settle, valid_id,
};
use std::net::IpAddr;

pub const DEFAULT_SERVER: &str = "https://api.cloudflare.com";
/// Added to a `server` given without a path.
const API_PATH: &str = "/client/v4";
/// `ttl = 1` means "automatic" to Cloudflare.
const TTL_AUTO: i64 = 1;
const MIN_TTL_SECS: i64 = 60;
const MAX_TTL_SECS: i64 = 86_400;
pub struct Cloudflare {
    /// `https://api.cloudflare.com/client/v4`, no trailing slash.
    base: String,
    /// Lowercase, without a trailing dot.
    zone: String,
    /// The name to update, lowercase, inside `zone`.
    name: String,
    token: Secret,
    /// Set with `create = true`: what a missing record is created with.
    create: Option<NewRecord>,
}

/// The settings of a record ddnsup creates; an existing record keeps its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct NewRecord {
    ttl: i64,
    proxied: bool,
}

impl Cloudflare {
    pub fn from_config(f: &mut Fields) -> Result<Cloudflare, Error> {
        let base = f.endpoint(DEFAULT_SERVER, API_PATH)?;
        let zone = f.required_str("zone")?;
        let zone = names::parse_dns_name(&zone).map_err(|m| f.error("zone", &m))?;
        let name = f.required_str("name")?;
        let name = names::parse_record_name(&name).map_err(|m| f.error("name", &m))?;
        if !names::is_within(&name, &zone) {
            return Err(f.error(
                "name",
                &format!("\"{name}\" is not inside zone \"{zone}\" (give the full name, e.g. \"home.{zone}\")"),
            ));
        }
        let token = f.secret("token")?;
        if !token.expose().bytes().all(|b| b.is_ascii_graphic()) {
            return Err(f.error(
                "token",
                "must be a Cloudflare API token (printable ASCII, no spaces)",
            ));
        }
        let create = f.bool("create")?.unwrap_or(false);
        let ttl = f.int_in("ttl", TTL_AUTO, MAX_TTL_SECS)?;
        if let Some(ttl) = ttl
            && ttl != TTL_AUTO
            && ttl < MIN_TTL_SECS
        {
            return Err(f.error(
                "ttl",
                &format!("{ttl} is neither 1 (automatic) nor in {MIN_TTL_SECS}..={MAX_TTL_SECS}"),
            ));
        }
        let proxied = f.bool("proxied")?;
        if !create {
            for (key, given) in [("ttl", ttl.is_some()), ("proxied", proxied.is_some())] {
                if given {
                    return Err(f.error(
                        key,
                        "is only used when creating a missing record: add create = true or remove it (an existing record keeps its own settings)",
                    ));
                }
            }
        }
        Ok(Cloudflare {
            base,
            zone,
            name,
            token,
            create: create.then_some(NewRecord {
                ttl: ttl.unwrap_or(TTL_AUTO),
                proxied: proxied.unwrap_or(false),
            }),
        })
    }

    /// The cache entry for a record: the zone it was found in, the zone id and the record id.
    fn cache_value(&self, zone_id: &str, record_id: &str) -> String {
        format!("{}/{zone_id}/{record_id}", self.zone)
    }

    /// The ids in a cache entry written for this zone; anything else is ignored.
    #[inline(never)]
    fn cached_ids(&self, cached: &str) -> Option<(String, String)> {
        let (zone, ids) = cached.split_once('/')?;
        // A valid record id has no `/`: nothing follows it.
        let (zone_id, record_id) = ids.split_once('/')?;
        if zone != self.zone || !valid_id(zone_id) || !valid_id(record_id) {
            return None;
        }
        Some((zone_id.to_string(), record_id.to_string()))
    }

    /// Per family: one PATCH with cached ids, else the lookups (the zone once for both
    /// families). A fixed sequence, no loops: usually one request, at most six (a stale cached
    /// id, then a create racing another client).
    #[inline(never)]
    pub fn update_with(
        &self,
        send: Send,
        addrs: Addrs,
        cache: &mut Cache,
    ) -> Vec<(Family, Result<Success, Error>)> {
        let mut session = Session {
            send,
            zone_id: None,
        };
        addrs
            .list()
            .into_iter()
            .map(|ip| {
                let family = Family::of(ip);
                (family, self.update_family(&mut session, family, ip, cache))
            })
            .collect()
    }

    /// One family's update: with cached ids a single PATCH; otherwise (or when the cached
    /// record is gone) zone lookup, record lookup, then PATCH or, if allowed, create.
    #[inline(never)]
    fn update_family(
        &self,
        session: &mut Session,
        family: Family,
        ip: IpAddr,
        cache: &mut Cache,
    ) -> Result<Success, Error> {
        if let Some((zone_id, record_id)) = self.cached_ids(cache.get(family)) {
            match session.patch(self, &zone_id, &record_id, ip) {
                Err(Fail::Gone(e)) => {
                    log::info!(target: "ddnsup", "{} (cloudflare): cached {} record id no longer valid: {e}; looking the record up again",
                        self.name,
                        family.rr()
                    );
                    cache.set(family, String::new());
                }
                other => {
                    if other.is_ok() {
                        session.zone_id.get_or_insert(Ok(zone_id));
                    }
                    return settle(other);
                }
            }
        }
        let zone_id = session.zone_id(self)?;
        // Created meanwhile (another client?) when the create says it exists: list it again.
        let mut exists = None;
        loop {
            if let Some(found) = session.find_record(self, &zone_id, family)? {
                return self.set_content(session, &zone_id, found, ip, family, cache);
            }
            if let Some(e) = exists {
                return Err(Error::transient(format!(
                    "Cloudflare says the {} record exists ({e}) but does not list it",
                    family.rr()
                )));
            }
            let Some(new) = self.create else {
                return Err(Error::fatal(format!(
                    "no {} record named {} in zone {}: create it in the Cloudflare dashboard, or set create = true",
                    family.rr(),
                    self.name,
                    self.zone
                )));
            };
            match session.create(self, &zone_id, ip, new) {
                Ok(id) => {
                    if let Some(id) = id {
                        cache.set(family, self.cache_value(&zone_id, &id));
                    }
                    return Ok(Success::Updated);
                }
                Err(Fail::Exists(e)) => exists = Some(e),
                other => return settle(other.map(|_| Success::Updated)),
            }
        }
    }

    /// A listed record: remember its ids; PATCH it unless it already holds `ip`.
    #[inline(never)]
    fn set_content(
        &self,
        session: &mut Session,
        zone_id: &str,
        found: FoundRecord,
        ip: IpAddr,
        family: Family,
        cache: &mut Cache,
    ) -> Result<Success, Error> {
        cache.set(family, self.cache_value(zone_id, &found.id));
        if found.content == Some(ip) {
            return Ok(Success::NoChange);
        }
        let result = session.patch(self, zone_id, &found.id, ip);
        if matches!(result, Err(Fail::Gone(_))) {
            cache.set(family, String::new());
        }
        settle(result)
    }
}

/// Sends a request; the real client, or a script in tests.
type Send<'a> = &'a dyn Fn(&Request) -> Result<Reply, Error>;

/// One run's calls for a record, and what they learnt about its zone: its id, or why it
/// could not be found (so that A and AAAA share one zone lookup).
struct Session<'a> {
    send: Send<'a>,
    zone_id: Option<Result<String, Error>>,
}

impl Session<'_> {
    fn send(&self, req: &Request) -> Result<Reply, Error> {
        (self.send)(req)
    }

    #[inline(never)]
    fn zone_id(&mut self, cf: &Cloudflare) -> Result<String, Error> {
        if let Some(known) = &self.zone_id {
            return known.clone();
        }
        let found = self
            .send(&cf.zones_request())
            .and_then(|reply| parse_zones(&reply, &cf.zone));
        self.zone_id = Some(found.clone());
        found
    }

    #[inline(never)]
    fn find_record(
        &self,
        cf: &Cloudflare,
        zone_id: &str,
        family: Family,
    ) -> Result<Option<FoundRecord>, Error> {
        let reply = self.send(&cf.records_request(zone_id, family))?;
        parse_records(&reply, &cf.name, family)
    }

    fn patch(
        &self,
        cf: &Cloudflare,
        zone_id: &str,
        record_id: &str,
        ip: IpAddr,
    ) -> Result<Success, Fail> {
        let reply = self
            .send(&cf.patch_request(zone_id, record_id, ip))
            .map_err(Fail::Other)?;
        parse_patch(&reply, ip)
    }

    #[inline(never)]
    fn create(
        &self,
        cf: &Cloudflare,
        zone_id: &str,
        ip: IpAddr,
        new: NewRecord,
    ) -> Result<Option<String>, Fail> {
        let reply = self
            .send(&cf.create_request(zone_id, ip, new))
            .map_err(Fail::Other)?;
        parse_created(&reply)
    }
}

impl Provider for Cloudflare {
    fn fqdn(&self) -> String {
        self.name.clone()
    }

    fn supports_v6(&self) -> bool {
        true
    }

    /// The lookups and the PATCH an update without cached ids sends; the ids the lookups
    /// would find are shown as `<zone_id>` and `<record_id>`.
    fn plan(&self, addrs: Addrs) -> Vec<Planned> {
        if addrs.is_empty() {
            return Vec::new();
        }
        let mut out = vec![Planned {
            request: self.zones_request(),
            sets: addrs,
        }];
        for ip in addrs.list() {
            let sets = Addrs::one(ip);
            out.push(Planned {
                request: self.records_request("<zone_id>", Family::of(ip)),
                sets,
            });
            out.push(Planned {
                request: self.patch_request("<zone_id>", "<record_id>", ip),
                sets,
            });
        }
        out
    }

    /// Reads the reply to a PATCH that set `sets`.
    fn parse_reply(&self, reply: &Reply, sets: Addrs) -> Result<Success, Error> {
        match sets.list().first() {
            Some(ip) => settle(parse_patch(reply, *ip)),
            None => Err(Error::transient("nothing to update")),
        }
    }

    /// See `update_with`; the ids found are kept in `cache` for the next run.
    fn update(
        &self,
        client: &Client,
        addrs: Addrs,
        cache: &mut Cache,
    ) -> Vec<(Family, Result<Success, Error>)> {
        self.update_with(&|req: &Request| client.send(req), addrs, cache)
    }
}

#[cfg(test)]
mod flow_tests;
#[cfg(test)]
mod tests;
