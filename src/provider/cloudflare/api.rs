//! Cloudflare API v4 calls, pure: the requests, reading each reply (the envelope with
//! `success` and `errors`, then `result`), and sorting failures by their error codes.
use super::punycode::idn_to_unicode;
use super::{Cloudflare, NewRecord};
use crate::error::Error;
use crate::family::Family;
use crate::http::{Method, Reply, Request};
use crate::json::{Json, quote};
use crate::provider::api::holds;
use crate::provider::{Success, classify_status, short};
use std::fmt::Write;
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
    #[inline(never)]
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
    format!(r#"{{"content":"{ip}"}}"#)
}

/// `{"type":"A","name":"<fqdn>","content":"<ip>","ttl":1,"proxied":false}`.
fn build_create_body(name: &str, ip: IpAddr, new: NewRecord) -> String {
    format!(
        r#"{{"type":"{}","name":{},"content":"{ip}","ttl":{},"proxied":{}}}"#,
        Family::of(ip).rr(),
        quote(name),
        new.ttl,
        new.proxied
    )
}

// ---- reply parsing (pure) ----

/// A member that must be text when present: `Ok(None)` when absent or null.
fn text<'a>(v: &'a Json, key: &str) -> Result<Option<&'a str>, ()> {
    match v.get(key) {
        Json::Null => Ok(None),
        Json::Str(s) => Ok(Some(s)),
        _ => Err(()),
    }
}

/// `result` of a successful reply when it is an array of objects (zones or records).
fn result_list(v: &Json) -> Option<&[Json]> {
    match v.get("result") {
        Json::Arr(items) if items.iter().all(|i| matches!(i, Json::Obj(_))) => Some(items),
        _ => None,
    }
}

/// A successful reply's JSON, or how it failed. `success:false` fails whatever the status.
fn check_reply(reply: &Reply) -> Result<Json, Fail> {
    let text = reply.text();
    let status = reply.status;
    let e = match Json::parse(&text) {
        Ok(env) if env.get("success").bool() == Some(true) && (200..300).contains(&status) => {
            return Ok(env);
        }
        Ok(env) => return Err(classify_failure(reply, env.get("errors").items())),
        Err(e) => e,
    };
    Err(match status {
        200..300 => Fail::Other(Error::transient(format!(
            "Cloudflare answered HTTP {status} without valid JSON ({e}): {:?}",
            short(&text)
        ))),
        429 => Fail::Other(rate_limited(reply, "HTTP 429")),
        404 => Fail::Gone(classify_status(reply, "reply")),
        _ => Fail::Other(classify_status(reply, "reply")),
    })
}

fn rate_limited(reply: &Reply, what: &str) -> Error {
    Error::transient_after(
        format!("Cloudflare rate limit ({what})"),
        reply.retry_after_secs().unwrap_or(RATE_LIMIT_WAIT_SECS),
    )
}

/// How a refused call fails: the kind of `Fail`, fatal or not, and the words around what
/// Cloudflare said.
type Outcome = (fn(Error) -> Fail, bool, &'static str, &'static str);

/// 81058, whatever the message: nothing to change.
fn identical(_: Error) -> Fail {
    Fail::Identical
}

/// Error codes and what they mean; the first entry a reply has a code of decides.
const BY_CODE: [(&[i64], Outcome); 6] = [
    (
        AUTH_CODES,
        (
            Fail::Other,
            true,
            "Cloudflare refused the API token",
            "; use an API token (not the Global API Key) with Zone:Zone:Read and Zone:DNS:Edit on the zone",
        ),
    ),
    (&[CODE_IDENTICAL], (identical, false, "", "")),
    (
        &[CODE_EXISTS],
        (Fail::Exists, false, "record already exists", ""),
    ),
    (
        &[CODE_RECORD_GONE],
        (Fail::Gone, false, "record not found", ""),
    ),
    (
        &[CODE_ROUTE],
        (
            Fail::Gone,
            true,
            "Cloudflare could not route the request",
            ": a wrong `server`, or an id no longer valid",
        ),
    ),
    (
        &[CODE_CNAME_EXISTS],
        (
            Fail::Other,
            true,
            "a CNAME record holds the name",
            "; remove it or update another name",
        ),
    ),
];

/// Sorts a refused call by its error codes (those in `error_chain` too), then its status.
fn classify_failure(reply: &Reply, errors: &[Json]) -> Fail {
    let status = reply.status;
    let mut codes = Vec::new();
    let mut said = format!("HTTP {status}");
    for e in errors {
        for c in std::iter::once(e).chain(e.get("error_chain").items()) {
            let code = c.get("code").int().unwrap_or_default();
            codes.push(code);
            let message = c.get("message").str().unwrap_or_default();
            let sep = if codes.len() == 1 { ", " } else { "; " };
            let _ = write!(said, "{sep}{code} {}", short(message));
        }
    }
    if codes.is_empty() {
        said += ", no error given";
    }
    if status == 429 || codes.contains(&CODE_RATE_LIMIT) {
        return Fail::Other(rate_limited(reply, &said));
    }
    let by_code = BY_CODE
        .iter()
        .find(|(known, _)| codes.iter().any(|c| known.contains(c)));
    let (wrap, fatal, pre, post): Outcome = match by_code {
        Some((_, outcome)) => *outcome,
        None if status >= 500 => (Fail::Other, false, "Cloudflare server error", ""),
        None if status == 401 || status == 403 => (
            Fail::Other,
            true,
            "Cloudflare refused the request",
            "; check the token and its permissions",
        ),
        None if status == 404 => (Fail::Gone, false, "not found", ""),
        None => (
            Fail::Other,
            false,
            "Cloudflare did not accept the request",
            "",
        ),
    };
    let message = format!("{pre} ({said}){post}");
    wrap(match reply.retry_after_secs() {
        _ if fatal => Error::fatal(message),
        Some(s) if status >= 500 => Error::transient_after(message, s),
        _ => Error::transient(message),
    })
}

/// The zone id from `GET /zones?name=<zone>`: the entry named `zone` (IDN zones are named
/// in Unicode by Cloudflare); none is fatal.
#[inline(never)]
pub(super) fn parse_zones(reply: &Reply, zone: &str) -> Result<String, Error> {
    let env = check_reply(reply).map_err(lookup_error)?;
    // Cloudflare names IDN zones in Unicode.
    let unicode = idn_to_unicode(zone).map(|u| u.to_lowercase());
    let live = listed(&env, "zone", &["id", "name", "status"])?
        .into_iter()
        .find(|[_, name, status, _]| {
            name.is_some_and(|n| {
                let n = n.trim_end_matches('.').to_lowercase();
                n == zone || unicode.as_ref() == Some(&n)
            }) && *status != Some("deleted")
        });
    let Some([id, ..]) = live else {
        return Err(Error::fatal(format!(
            "zone {zone} not found: check `zone`, and that the token has Zone:Zone:Read on it"
        )));
    };
    usable_id(id, "zone ", zone)
}

/// The record from `GET /dns_records?type=..&name=..`: none is `Ok(None)`, several are fatal
/// (ddnsup keeps exactly one record per name and type).
#[inline(never)]
pub(super) fn parse_records(
    reply: &Reply,
    name: &str,
    family: Family,
) -> Result<Option<FoundRecord>, Error> {
    let env = check_reply(reply).map_err(lookup_error)?;
    let rr = family.rr();
    // The query filters already; a record that says it is another name or type is ignored.
    let mut matching = listed(&env, "record", &["id", "name", "type", "content"])?;
    matching.retain(|[_, listed, kind, _]| {
        listed.is_none_or(|n| same_name(n, name)) && kind.is_none_or(|k| k.eq_ignore_ascii_case(rr))
    });
    match matching.as_slice() {
        [] => Ok(None),
        [[id, _, _, content]] => Ok(Some(FoundRecord {
            id: usable_id(*id, rr, " record")?,
            content: content.and_then(|c| c.trim().parse().ok()),
        })),
        several => Err(Error::fatal(format!(
            "{} {rr} records named {name}: ddnsup keeps exactly one up to date; delete the others",
            several.len(),
        ))),
    }
}

/// The members `keys` (at most four) of each object in `result`: text, or `None` when absent.
#[inline(never)]
fn listed<'a>(
    env: &'a Json,
    what: &str,
    keys: &[&str],
) -> Result<Vec<[Option<&'a str>; 4]>, Error> {
    let items = result_list(env)
        .ok_or_else(|| Error::transient(format!("{what} list without a result")))?;
    items
        .iter()
        .map(|item| {
            let mut got = [None; 4];
            for (slot, key) in got.iter_mut().zip(keys) {
                *slot = text(item, key).map_err(|()| {
                    Error::transient(format!("unexpected {what} list: a member that is not text"))
                })?;
            }
            Ok(got)
        })
        .collect()
}

/// A listed id that can go into a URL, else an error naming `<a><b>` (the zone or record).
fn usable_id(id: Option<&str>, a: &str, b: &str) -> Result<String, Error> {
    match id {
        Some(id) if valid_id(id) => Ok(id.to_string()),
        other => Err(Error::transient(format!(
            "{a}{b} listed with an unusable id {:?}",
            short(other.unwrap_or(""))
        ))),
    }
}

/// The reply to a PATCH of the content to `ip`.
pub(super) fn parse_patch(reply: &Reply, ip: IpAddr) -> Result<Success, Fail> {
    let env = check_reply(reply)?;
    match record_of(&env, "update")?.1 {
        Some(content) if !holds(content, ip) => Err(Fail::Other(Error::transient(format!(
            "Cloudflare answered the update with content {:?}, not {ip}",
            short(content)
        )))),
        _ => Ok(Success::Updated),
    }
}

/// The reply to a create: the new record's id, when usable.
#[inline(never)]
pub(super) fn parse_created(reply: &Reply) -> Result<Option<String>, Fail> {
    let env = check_reply(reply)?;
    let id = record_of(&env, "create")?.0;
    Ok(id.filter(|id| valid_id(id)).map(str::to_string))
}

/// The `id` and `content` of the record object in `result` (the answer to an update or a
/// create), each absent when not given.
fn record_of<'a>(env: &'a Json, what: &str) -> Result<(Option<&'a str>, Option<&'a str>), Fail> {
    let record = env.get("result");
    let unexpected = |m: &str| Fail::Other(Error::transient(format!("{what} reply {m}")));
    if !matches!(record, Json::Obj(_)) {
        return Err(unexpected("without the record"));
    }
    match (text(record, "id"), text(record, "content")) {
        (Ok(id), Ok(content)) => Ok((id, content)),
        _ => Err(unexpected("with a member that is not text")),
    }
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

#[cfg(test)]
#[path = "api_tests.rs"]
mod tests;
