//! Cloudflare API v4 calls, pure: the requests, reading each reply (its JSON shape is in
//! `wire`), and sorting failures by their error codes.
use super::punycode::idn_to_unicode;
use super::wire::{
    ApiError, CreateBody, DnsRecord, Envelope, PatchBody, RecordReply, RecordsReply, ZonesReply,
};
use super::{Cloudflare, NewRecord};
use crate::error::Error;
use crate::family::Family;
use crate::http::{Method, Reply, Request};
use crate::json::parse_json;
use crate::provider::{Success, classify_status, short};
use nanoserde::SerJson;
use std::net::IpAddr;

/// The wait after a rate limit without `Retry-After`: Cloudflare blocks for five minutes.
const RATE_LIMIT_WAIT_SECS: u64 = 5 * 60;
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

impl Cloudflare {
    fn authorized(&self, req: Request) -> Request {
        crate::provider::api::bearer(req, &self.token)
    }

    /// `GET /zones?name=<zone>`.
    pub(super) fn zones_request(&self) -> Request {
        self.authorized(Request::get(format!("{}/zones", self.base)).param("name", &self.zone))
    }

    /// `GET /zones/<zone_id>/dns_records?type=A&name=<fqdn>`.
    pub(super) fn records_request(&self, zone_id: &str, family: Family) -> Request {
        let url = format!("{}/zones/{zone_id}/dns_records", self.base);
        self.authorized(
            Request::get(url)
                .param("type", family.rr())
                .param("name", &self.name),
        )
    }

    /// `PATCH /zones/<zone_id>/dns_records/<record_id>` with only the content, so the
    /// record keeps its proxy setting, TTL, comment and tags.
    pub(super) fn patch_request(&self, zone_id: &str, record_id: &str, ip: IpAddr) -> Request {
        let url = format!("{}/zones/{zone_id}/dns_records/{record_id}", self.base);
        self.authorized(Request::json(
            Method::Patch,
            url,
            build_patch_body(ip),
            false,
        ))
    }

    /// `POST /zones/<zone_id>/dns_records`: a new record with the configured TTL and proxying.
    pub(super) fn create_request(&self, zone_id: &str, ip: IpAddr, new: NewRecord) -> Request {
        let url = format!("{}/zones/{zone_id}/dns_records", self.base);
        let body = build_create_body(&self.name, ip, new);
        self.authorized(Request::json(Method::Post, url, body, false))
    }
}

/// How a call failed, where the caller acts on particular answers.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Fail {
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
pub(super) fn settle(result: Result<Success, Fail>) -> Result<Success, Error> {
    match result {
        Ok(s) => Ok(s),
        Err(Fail::Identical) => Ok(Success::NoChange),
        Err(Fail::Gone(e) | Fail::Exists(e) | Fail::Other(e)) => Err(e),
    }
}

/// A failed lookup: there, an 81058 is just an unexpected answer.
pub(super) fn lookup_error(fail: Fail) -> Error {
    match fail {
        Fail::Identical => Error::transient("unexpected answer 81058 to a lookup"),
        Fail::Gone(e) | Fail::Exists(e) | Fail::Other(e) => e,
    }
}

/// The one record a lookup found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct FoundRecord {
    pub(super) id: String,
    /// Its current address, when the reply said and it parses.
    pub(super) content: Option<IpAddr>,
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
pub(super) fn parse_zones(reply: &Reply, zone: &str) -> Result<String, Error> {
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
pub(super) fn parse_records(
    reply: &Reply,
    name: &str,
    family: Family,
) -> Result<Option<FoundRecord>, Error> {
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
pub(super) fn parse_patch(reply: &Reply, ip: IpAddr) -> Result<Success, Fail> {
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
pub(super) fn parse_created(reply: &Reply) -> Result<Option<String>, Fail> {
    let text = check_reply(reply)?;
    let record = parse_json::<RecordReply>(&text)
        .map_err(|e| Fail::Other(Error::transient(format!("unexpected create reply: {e}"))))?
        .result
        .ok_or_else(|| Fail::Other(Error::transient("create reply without the record")))?;
    Ok(record.id.filter(|id| valid_id(id)))
}

/// Ids go into URL paths: only letters, digits, `-` and `_`.
pub(super) fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_ID_LEN
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
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

#[cfg(test)]
#[path = "api_tests.rs"]
mod tests;
