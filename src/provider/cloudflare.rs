//! Cloudflare API v4 (https://developers.cloudflare.com/api/resources/dns/subresources/records/methods/edit/): zone and record lookup, PATCH of the content, ids cached in the state.
use super::{Addrs, Cache, Planned, Provider, Success, classify_status, short};
use crate::config::{Fields, Secret};
use crate::detect::Family;
use crate::error::Error;
use crate::http::{Client, Method, Reply, Request};
use crate::json::parse_json;
use nanoserde::SerJson;
use std::net::IpAddr;
use wire::{
    ApiError, CreateBody, DnsRecord, Envelope, PatchBody, RecordReply, RecordsReply, ZonesReply,
};

pub const DEFAULT_SERVER: &str = "https://api.cloudflare.com";
/// Added to a `server` given without a path.
const API_PATH: &str = "/client/v4";
/// The wait after a rate limit without `Retry-After`: Cloudflare blocks for five minutes.
const RATE_LIMIT_WAIT_SECS: u64 = 5 * 60;
/// `ttl = 1` means "automatic" to Cloudflare.
const TTL_AUTO: i64 = 1;
const MIN_TTL_SECS: i64 = 60;
const MAX_TTL_SECS: i64 = 86_400;
/// Error codes that mean the token itself was refused (malformed, invalid, revoked, or
/// lacking a permission), in `errors` or their `error_chain`.
const AUTH_CODES: &[i64] = &[9109, 10000, 6003, 6111];
const CODE_ROUTE: i64 = 7003;
const CODE_RATE_LIMIT: i64 = 971;
const CODE_RECORD_GONE: i64 = 81044;
const CODE_CNAME_EXISTS: i64 = 81054;
const CODE_EXISTS: i64 = 81057;
const CODE_IDENTICAL: i64 = 81058;
/// Cloudflare ids are 32 hex digits; anything longer is not an id.
const MAX_ID_LEN: usize = 64;

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
        let zone = parse_dns_name(&zone, false).map_err(|m| f.error("zone", &m))?;
        let name = f.required_str("name")?;
        let name = parse_dns_name(&name, true).map_err(|m| f.error("name", &m))?;
        if name != zone && !name.ends_with(&format!(".{zone}")) {
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

    fn authorized(&self, req: Request) -> Request {
        req.secret_header("Authorization", format!("Bearer {}", self.token.expose()))
    }

    /// `GET /zones?name=<zone>`.
    fn zones_request(&self) -> Request {
        self.authorized(Request::get(format!("{}/zones", self.base)).param("name", &self.zone))
    }

    /// `GET /zones/<zone_id>/dns_records?type=A&name=<fqdn>`.
    fn records_request(&self, zone_id: &str, family: Family) -> Request {
        let url = format!("{}/zones/{zone_id}/dns_records", self.base);
        self.authorized(
            Request::get(url)
                .param("type", family.rr())
                .param("name", &self.name),
        )
    }

    /// `PATCH /zones/<zone_id>/dns_records/<record_id>` with only the content, so the
    /// record keeps its proxy setting, TTL, comment and tags.
    fn patch_request(&self, zone_id: &str, record_id: &str, ip: IpAddr) -> Request {
        let url = format!("{}/zones/{zone_id}/dns_records/{record_id}", self.base);
        self.authorized(Request::json(
            Method::Patch,
            url,
            build_patch_body(ip),
            false,
        ))
    }

    /// `POST /zones/<zone_id>/dns_records`: a new record with the configured TTL and proxying.
    fn create_request(&self, zone_id: &str, ip: IpAddr, new: NewRecord) -> Request {
        let url = format!("{}/zones/{zone_id}/dns_records", self.base);
        let body = build_create_body(&self.name, ip, new);
        self.authorized(Request::json(Method::Post, url, body, false))
    }

    /// The cache entry for a record: the zone it was found in, the zone id and the record id.
    fn cache_value(&self, zone_id: &str, record_id: &str) -> String {
        format!("{}/{zone_id}/{record_id}", self.zone)
    }

    /// The ids in a cache entry written for this zone; anything else is ignored.
    fn cached_ids(&self, cached: &str) -> Option<(String, String)> {
        let mut parts = cached.split('/');
        let (zone, zone_id, record_id) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() || zone != self.zone || !valid_id(zone_id) || !valid_id(record_id)
        {
            return None;
        }
        Some((zone_id.to_string(), record_id.to_string()))
    }

    /// Per family: one PATCH with cached ids, else the lookups (the zone once for both
    /// families). A fixed sequence, no loops: usually one request, at most six (a stale cached
    /// id, then a create racing another client).
    fn update_with(
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
                    log::info!(
                        "{} (cloudflare): cached {} record id no longer valid: {e}; looking the record up again",
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
        match session.find_record(self, &zone_id, family)? {
            Some(found) => self.set_content(session, &zone_id, found, ip, family, cache),
            None => {
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
                        Ok(Success::Updated)
                    }
                    // Created meanwhile (another client?): list it again and set it.
                    Err(Fail::Exists(e)) => match session.find_record(self, &zone_id, family)? {
                        Some(found) => {
                            self.set_content(session, &zone_id, found, ip, family, cache)
                        }
                        None => Err(Error::transient(format!(
                            "Cloudflare says the {} record exists ({e}) but does not list it",
                            family.rr()
                        ))),
                    },
                    other => settle(other.map(|_| Success::Updated)),
                }
            }
        }
    }

    /// A listed record: remember its ids; PATCH it unless it already holds `ip`.
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

/// How a call failed, where the caller acts on particular answers.
#[derive(Debug, Clone, PartialEq)]
enum Fail {
    /// The record id is not (or no longer) valid: 81044, HTTP 404, or 7003. With cached ids
    /// this means "look it up again"; the error is what it means otherwise.
    Gone(Error),
    /// 81057 to a create: the record exists already.
    Exists(Error),
    /// 81058: an identical record exists, i.e. nothing to change.
    Identical,
    Other(Error),
}

/// A failure as the user sees it; 81058 is success without change.
fn settle(result: Result<Success, Fail>) -> Result<Success, Error> {
    match result {
        Ok(s) => Ok(s),
        Err(Fail::Identical) => Ok(Success::NoChange),
        Err(Fail::Gone(e) | Fail::Exists(e) | Fail::Other(e)) => Err(e),
    }
}

/// A failed lookup: there, an 81058 is just an unexpected answer.
fn lookup_error(fail: Fail) -> Error {
    match fail {
        Fail::Identical => Error::transient("unexpected answer 81058 to a lookup"),
        Fail::Gone(e) | Fail::Exists(e) | Fail::Other(e) => e,
    }
}

/// Reply shapes, one per endpoint (unknown fields ignored, `null` read as absent), and the
/// request bodies.
mod wire {
    // nanoserde's derive expands `Option` fields to a pattern this lint flags.
    #![allow(clippy::question_mark)]
    use nanoserde::{DeJson, SerJson};

    /// What every reply carries.
    #[derive(DeJson, Debug, Default)]
    pub struct Envelope {
        #[nserde(default)]
        pub success: bool,
        #[nserde(default)]
        pub errors: Option<Vec<ApiError>>,
    }

    #[derive(DeJson, Debug, Default, Clone)]
    pub struct ApiError {
        #[nserde(default)]
        pub code: i64,
        #[nserde(default)]
        pub message: Option<String>,
        #[nserde(default)]
        pub error_chain: Option<Vec<ChainedError>>,
    }

    #[derive(DeJson, Debug, Default, Clone)]
    pub struct ChainedError {
        #[nserde(default)]
        pub code: i64,
        #[nserde(default)]
        pub message: Option<String>,
    }

    /// `GET /zones`: `result` is an array.
    #[derive(DeJson, Debug, Default)]
    pub struct ZonesReply {
        #[nserde(default)]
        pub result: Option<Vec<Zone>>,
    }

    #[derive(DeJson, Debug, Default)]
    pub struct Zone {
        #[nserde(default)]
        pub id: Option<String>,
        #[nserde(default)]
        pub name: Option<String>,
        #[nserde(default)]
        pub status: Option<String>,
    }

    /// `GET /dns_records`: `result` is an array.
    #[derive(DeJson, Debug, Default)]
    pub struct RecordsReply {
        #[nserde(default)]
        pub result: Option<Vec<DnsRecord>>,
    }

    /// `PATCH` and `POST`: `result` is the record object.
    #[derive(DeJson, Debug, Default)]
    pub struct RecordReply {
        #[nserde(default)]
        pub result: Option<DnsRecord>,
    }

    #[derive(DeJson, Debug, Default)]
    pub struct DnsRecord {
        #[nserde(default)]
        pub id: Option<String>,
        #[nserde(default)]
        pub name: Option<String>,
        #[nserde(default, rename = "type")]
        pub kind: Option<String>,
        #[nserde(default)]
        pub content: Option<String>,
    }

    #[derive(SerJson)]
    pub struct PatchBody {
        pub content: String,
    }

    #[derive(SerJson)]
    pub struct CreateBody {
        #[nserde(rename = "type")]
        pub kind: String,
        pub name: String,
        pub content: String,
        pub ttl: i64,
        pub proxied: bool,
    }
}

/// The one record a lookup found.
#[derive(Debug, Clone, PartialEq, Eq)]
struct FoundRecord {
    id: String,
    /// Its current address, when the reply said and it parses.
    content: Option<IpAddr>,
}

/// `{"content":"<ip>"}`.
fn build_patch_body(ip: IpAddr) -> String {
    PatchBody {
        content: ip.to_string(),
    }
    .serialize_json()
}

/// `{"type":"A","name":"<fqdn>","content":"<ip>","ttl":1,"proxied":false}`.
fn build_create_body(name: &str, ip: IpAddr, new: NewRecord) -> String {
    CreateBody {
        kind: Family::of(ip).rr().to_string(),
        name: name.to_string(),
        content: ip.to_string(),
        ttl: new.ttl,
        proxied: new.proxied,
    }
    .serialize_json()
}

// ---- reply parsing (pure) ----

/// A successful reply's text, or how it failed. `success:false` fails whatever the status.
fn check_reply(reply: &Reply) -> Result<String, Fail> {
    let text = reply.text();
    let ok_status = (200..300).contains(&reply.status);
    match parse_json::<Envelope>(&text) {
        Ok(env) if env.success && ok_status => Ok(text),
        Ok(env) => Err(classify_failure(reply, &env.errors.unwrap_or_default())),
        Err(_) if reply.status == 404 => Err(Fail::Gone(classify_status(reply, "reply"))),
        Err(e) if ok_status => Err(Fail::Other(Error::transient(format!(
            "Cloudflare answered HTTP {} without valid JSON ({e}): {:?}",
            reply.status,
            short(&text)
        )))),
        Err(_) if reply.status == 429 => Err(Fail::Other(rate_limited(reply, "HTTP 429"))),
        Err(_) => Err(Fail::Other(classify_status(reply, "reply"))),
    }
}

fn rate_limited(reply: &Reply, what: &str) -> Error {
    Error::transient_after(
        format!("Cloudflare rate limit ({what})"),
        reply.retry_after_secs().unwrap_or(RATE_LIMIT_WAIT_SECS),
    )
}

/// Sorts a refused call by its error codes (those in `error_chain` too), then its status.
fn classify_failure(reply: &Reply, errors: &[ApiError]) -> Fail {
    let status = reply.status;
    let mut codes = Vec::new();
    let mut said = Vec::new();
    for e in errors {
        codes.push(e.code);
        said.push(format!(
            "{} {}",
            e.code,
            short(e.message.as_deref().unwrap_or(""))
        ));
        for c in e.error_chain.iter().flatten() {
            codes.push(c.code);
            said.push(format!(
                "{} {}",
                c.code,
                short(c.message.as_deref().unwrap_or(""))
            ));
        }
    }
    let said = if said.is_empty() {
        format!("HTTP {status}, no error given")
    } else {
        format!("HTTP {status}, {}", said.join("; "))
    };
    let has = |code: i64| codes.contains(&code);
    if status == 429 || has(CODE_RATE_LIMIT) {
        Fail::Other(rate_limited(reply, &said))
    } else if codes.iter().any(|c| AUTH_CODES.contains(c)) {
        Fail::Other(Error::fatal(format!(
            "Cloudflare refused the API token ({said}); use an API token (not the Global API Key) with Zone:Zone:Read and Zone:DNS:Edit on the zone"
        )))
    } else if has(CODE_IDENTICAL) {
        Fail::Identical
    } else if has(CODE_EXISTS) {
        Fail::Exists(Error::transient(format!("record already exists ({said})")))
    } else if has(CODE_RECORD_GONE) {
        Fail::Gone(Error::transient(format!("record not found ({said})")))
    } else if has(CODE_ROUTE) {
        Fail::Gone(Error::fatal(format!(
            "Cloudflare could not route the request ({said}): a wrong `server`, or an id no longer valid"
        )))
    } else if has(CODE_CNAME_EXISTS) {
        Fail::Other(Error::fatal(format!(
            "a CNAME record holds the name ({said}); remove it or update another name"
        )))
    } else if status >= 500 {
        Fail::Other(match reply.retry_after_secs() {
            Some(s) => Error::transient_after(format!("Cloudflare server error ({said})"), s),
            None => Error::transient(format!("Cloudflare server error ({said})")),
        })
    } else if status == 401 || status == 403 {
        Fail::Other(Error::fatal(format!(
            "Cloudflare refused the request ({said}); check the token and its permissions"
        )))
    } else if status == 404 {
        Fail::Gone(Error::transient(format!("not found ({said})")))
    } else {
        Fail::Other(Error::transient(format!(
            "Cloudflare did not accept the request ({said})"
        )))
    }
}

/// The zone id from `GET /zones?name=<zone>`: the entry named `zone` (IDN zones are named
/// in Unicode by Cloudflare); none is fatal.
fn parse_zones(reply: &Reply, zone: &str) -> Result<String, Error> {
    let text = check_reply(reply).map_err(lookup_error)?;
    let zones = parse_json::<ZonesReply>(&text)
        .map_err(|e| Error::transient(format!("unexpected zone list: {e}")))?
        .result
        .ok_or_else(|| Error::transient("zone list without a result"))?;
    let live = zones.iter().find(|z| {
        z.name.as_deref().is_some_and(|n| same_zone(n, zone))
            && z.status.as_deref() != Some("deleted")
    });
    let Some(found) = live else {
        return Err(Error::fatal(format!(
            "zone {zone} not found: check `zone`, and that the token has Zone:Zone:Read on it"
        )));
    };
    match found.id.as_deref() {
        Some(id) if valid_id(id) => Ok(id.to_string()),
        other => Err(Error::transient(format!(
            "zone {zone} listed with an unusable id {:?}",
            short(other.unwrap_or(""))
        ))),
    }
}

/// The record from `GET /dns_records?type=..&name=..`: none is `Ok(None)`, several are fatal
/// (ddnsup keeps exactly one record per name and type).
fn parse_records(reply: &Reply, name: &str, family: Family) -> Result<Option<FoundRecord>, Error> {
    let text = check_reply(reply).map_err(lookup_error)?;
    let records = parse_json::<RecordsReply>(&text)
        .map_err(|e| Error::transient(format!("unexpected record list: {e}")))?
        .result
        .ok_or_else(|| Error::transient("record list without a result"))?;
    // The query filters already; a record that says it is another name or type is ignored.
    let matching: Vec<&DnsRecord> = records
        .iter()
        .filter(|r| r.name.as_deref().is_none_or(|n| same_name(n, name)))
        .filter(|r| {
            r.kind
                .as_deref()
                .is_none_or(|k| k.eq_ignore_ascii_case(family.rr()))
        })
        .collect();
    match matching.as_slice() {
        [] => Ok(None),
        [one] => match one.id.as_deref() {
            Some(id) if valid_id(id) => Ok(Some(FoundRecord {
                id: id.to_string(),
                content: one.content.as_deref().and_then(|c| c.trim().parse().ok()),
            })),
            other => Err(Error::transient(format!(
                "{} record listed with an unusable id {:?}",
                family.rr(),
                short(other.unwrap_or(""))
            ))),
        },
        several => Err(Error::fatal(format!(
            "{} {} records named {name}: ddnsup keeps exactly one up to date; delete the others",
            several.len(),
            family.rr()
        ))),
    }
}

/// The reply to a PATCH of the content to `ip`.
fn parse_patch(reply: &Reply, ip: IpAddr) -> Result<Success, Fail> {
    let text = check_reply(reply)?;
    let record = parse_json::<RecordReply>(&text)
        .map_err(|e| Fail::Other(Error::transient(format!("unexpected update reply: {e}"))))?
        .result
        .ok_or_else(|| Fail::Other(Error::transient("update reply without the record")))?;
    match record
        .content
        .as_deref()
        .map(|c| c.trim().parse::<IpAddr>())
    {
        None => Ok(Success::Updated),
        Some(Ok(now)) if now == ip => Ok(Success::Updated),
        Some(_) => Err(Fail::Other(Error::transient(format!(
            "Cloudflare answered the update with content {:?}, not {ip}",
            short(record.content.as_deref().unwrap_or(""))
        )))),
    }
}

/// The reply to a create: the new record's id, when usable.
fn parse_created(reply: &Reply) -> Result<Option<String>, Fail> {
    let text = check_reply(reply)?;
    let record = parse_json::<RecordReply>(&text)
        .map_err(|e| Fail::Other(Error::transient(format!("unexpected create reply: {e}"))))?
        .result
        .ok_or_else(|| Fail::Other(Error::transient("create reply without the record")))?;
    Ok(record.id.filter(|id| valid_id(id)))
}

/// Ids go into URL paths: only letters, digits, `-` and `_`.
fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_ID_LEN
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// A DNS name as written in the config: ASCII (IDN in its `xn--` form), lowercased, without
/// a trailing dot; `*` allowed as the first label of a record name.
fn parse_dns_name(given: &str, wildcard: bool) -> Result<String, String> {
    let name = given.trim().trim_end_matches('.').to_ascii_lowercase();
    if !name.is_ascii() {
        return Err(format!(
            "\"{given}\": write an internationalised name in its xn-- (punycode) form"
        ));
    }
    if name.len() > 253 || !name.contains('.') {
        return Err(format!("\"{given}\" is not a full domain name"));
    }
    for (i, label) in name.split('.').enumerate() {
        let ok = (1..=63).contains(&label.len())
            && (label
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
                || (wildcard && i == 0 && label == "*"));
        if !ok {
            return Err(format!("\"{given}\" is not a valid domain name"));
        }
    }
    Ok(name)
}

fn same_name(listed: &str, name: &str) -> bool {
    listed.trim_end_matches('.').eq_ignore_ascii_case(name)
}

/// Whether a zone name from Cloudflare (Unicode for IDN zones) is the configured one
/// (ASCII, perhaps with `xn--` labels).
fn same_zone(listed: &str, zone: &str) -> bool {
    let listed = listed.trim_end_matches('.').to_lowercase();
    listed == zone || idn_to_unicode(zone).is_some_and(|u| u.to_lowercase() == listed)
}

/// Decodes every `xn--` label of an ASCII name (RFC 3492); `None` if one is malformed.
fn idn_to_unicode(name: &str) -> Option<String> {
    let labels: Option<Vec<String>> = name
        .split('.')
        .map(|label| match label.get(..4) {
            Some(prefix) if prefix.eq_ignore_ascii_case("xn--") => punycode_decode(&label[4..]),
            _ => Some(label.to_string()),
        })
        .collect();
    Some(labels?.join("."))
}

/// Punycode decoding, RFC 3492 §6.2. Bounded by the input: each step reads one digit.
fn punycode_decode(input: &str) -> Option<String> {
    const BASE: u32 = 36;
    const T_MIN: u32 = 1;
    const T_MAX: u32 = 26;
    let (basic, extended) = match input.rfind('-') {
        Some(i) => (&input[..i], &input[i + 1..]),
        None => ("", input),
    };
    if !basic.is_ascii() {
        return None;
    }
    let mut output: Vec<char> = basic.chars().collect();
    let (mut n, mut i, mut bias) = (128u32, 0u32, 72u32);
    let mut digits = extended.bytes();
    let mut next = digits.next();
    while next.is_some() {
        let old_i = i;
        let mut w = 1u32;
        let mut k = BASE;
        loop {
            let digit = match next? {
                c @ b'a'..=b'z' => u32::from(c - b'a'),
                c @ b'A'..=b'Z' => u32::from(c - b'A'),
                c @ b'0'..=b'9' => u32::from(c - b'0') + 26,
                _ => return None,
            };
            next = digits.next();
            i = i.checked_add(digit.checked_mul(w)?)?;
            let t = k.saturating_sub(bias).clamp(T_MIN, T_MAX);
            if digit < t {
                break;
            }
            w = w.checked_mul(BASE - t)?;
            k = k.checked_add(BASE)?;
        }
        let len = u32::try_from(output.len()).ok()? + 1;
        bias = punycode_adapt(i - old_i, len, old_i == 0);
        n = n.checked_add(i / len)?;
        i %= len;
        output.insert(i as usize, char::from_u32(n)?);
        i += 1;
    }
    Some(output.into_iter().collect())
}

fn punycode_adapt(delta: u32, points: u32, first: bool) -> u32 {
    let mut delta = if first { delta / 700 } else { delta / 2 };
    delta += delta / points;
    let mut k = 0;
    while delta > ((36 - 1) * 26) / 2 {
        delta /= 36 - 1;
        k += 36;
    }
    k + (36 * delta) / (delta + 38)
}

#[cfg(test)]
#[path = "cloudflare_tests.rs"]
mod tests;
