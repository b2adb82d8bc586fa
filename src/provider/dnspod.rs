//! DNSPod through Tencent Cloud API 3.0 (dnspod 2021-03-23, https://cloud.tencent.com/document/api/1427/56166 and /56157): read the record, modify it by id only when it differs, create it when allowed.
use super::api::{SendFn, holds, parse_value, update_each_cached};
use super::names::{full_name, zone_at_and_inner_name};
use super::sign_tc3::Signed;
use super::{Addrs, Cache, Planned, Provider, Success, short, status_error};
use crate::clock::now_secs;
use crate::error::Error;
use crate::family::Family;
use crate::fields::{Fields, Secret};
use crate::http::wire::parse_target;
use crate::http::{Client, Method, Reply, Request};
use crate::json::{Json, quote};
use std::net::IpAddr;

pub const DEFAULT_SERVER: &str = "https://dnspod.tencentcloudapi.com";
const API_PATH: &str = "/";
const SERVICE: &str = "dnspod";
const VERSION: &str = "2021-03-23";
const CONTENT_TYPE: &str = "application/json; charset=utf-8";
const NAME: &str = "DNSPod";
/// The line a record ddnsup creates is on (DNSPod's default line).
const DEFAULT_LINE: &str = "默认";
const DEFAULT_LINE_ID: &str = "0";
const MIN_TTL_SECS: i64 = 1;
const MAX_TTL_SECS: i64 = 604_800;
/// The API limits requests per second and gives no wait; a minute.
const LIMIT_WAIT_SECS: u64 = 60;
/// The first wait after an expired signature: our clock needs a person (or NTP).
const CLOCK_BACKOFF_SECS: u64 = 3600;
/// More records of one name and type than this is not a dynamic record.
const MAX_RECORDS: usize = 20;

/// Codes that need a person, with the codes under them (`AuthFailure.SecretIdNotFound`).
const FATAL_CODES: &[(&str, &str)] = &[
    ("AuthFailure", "check secret_id and secret_key"),
    (
        "UnauthorizedOperation",
        "give the key's CAM user QcloudDNSPodFullAccess",
    ),
    ("FailedOperation.NotDomainOwner", "check `domain`"),
    ("InvalidParameterValue.DomainNotExists", "check `domain`"),
    ("ResourceNotFound.NoDataOfDomain", "check `domain`"),
];
/// A modify of a record id that is no longer there.
const GONE_CODES: &[&str] = &[
    "InvalidParameter.RecordIdInvalid",
    "ResourceNotFound.NoDataOfRecord",
];

pub struct DnsPod {
    url: String,
    /// `Host` as sent (and signed).
    host: String,
    zone: String,
    /// The subdomain inside the zone: `@` for the apex.
    name: String,
    secret_id: String,
    secret_key: Secret,
    ttl: Option<i64>,
    create: bool,
}

/// A record as the list shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub id: String,
    pub value: String,
    pub line_id: String,
    /// Its TTL, when the reply gives one in range.
    pub ttl: Option<i64>,
}

impl DnsPod {
    pub fn from_config(f: &mut Fields) -> Result<DnsPod, Error> {
        let url = f.endpoint(DEFAULT_SERVER, API_PATH)?;
        let host = parse_target(&url)
            .map_err(|m| f.error("server", &m))?
            .host_header()
            .to_ascii_lowercase();
        let (zone, name) = zone_at_and_inner_name(f, "domain")?;
        let secret_id = f.required_str("secret_id")?;
        let secret_key = f.secret("secret_key")?;
        let ttl = f.int_in("ttl", MIN_TTL_SECS, MAX_TTL_SECS)?;
        let create = f.bool("create")?.unwrap_or(false);
        Ok(DnsPod {
            url,
            host,
            zone,
            name,
            secret_id,
            secret_key,
            ttl,
            create,
        })
    }

    /// A signed POST of `action` with a JSON `body`; the `Authorization` header is hidden
    /// when shown.
    pub fn call(&self, action: &str, body: String, timestamp: u64) -> Request {
        let signed = [
            ("content-type", CONTENT_TYPE),
            ("host", self.host.as_str()),
            ("x-tc-action", action),
        ];
        let auth = Signed {
            headers: &signed,
            payload: body.as_bytes(),
            service: SERVICE,
            timestamp,
        }
        .authorization(&self.secret_id, self.secret_key.expose());
        let mut req = Request::get(self.url.clone())
            .header("Content-Type", CONTENT_TYPE)
            .header("X-TC-Action", action)
            .header("X-TC-Timestamp", timestamp.to_string())
            .header("X-TC-Version", VERSION)
            .secret_header("Authorization", auth);
        req.method = Method::Post;
        req.body = Some(body.into_bytes());
        req
    }

    pub fn build_list(&self, rr: &str, timestamp: u64) -> Request {
        let body = format!(
            r#"{{"Domain":{},"Subdomain":{},"RecordType":"{rr}"}}"#,
            quote(&self.zone),
            quote(&self.name)
        );
        self.call("DescribeRecordList", body, timestamp)
    }

    /// ModifyRecord of `record` (its id, line and TTL kept; the configured TTL wins; a TTL
    /// left out would be reset to DNSPod's default).
    pub fn build_modify(&self, record: &Found, ip: IpAddr, timestamp: u64) -> Request {
        let body = format!(
            r#"{{"Domain":{},"RecordId":{},{}}}"#,
            quote(&self.zone),
            record.id,
            self.fields(&record.line_id, self.ttl.or(record.ttl), ip)
        );
        self.call("ModifyRecord", body, timestamp)
    }

    pub fn build_create(&self, ip: IpAddr, timestamp: u64) -> Request {
        let body = format!(
            r#"{{"Domain":{},{}}}"#,
            quote(&self.zone),
            self.fields(DEFAULT_LINE_ID, self.ttl, ip)
        );
        self.call("CreateRecord", body, timestamp)
    }

    fn fields(&self, line_id: &str, ttl: Option<i64>, ip: IpAddr) -> String {
        let ttl = ttl.map(|t| format!(r#","TTL":{t}"#)).unwrap_or_default();
        format!(
            r#""SubDomain":{},"RecordType":"{}","RecordLine":{},"RecordLineId":{},"Value":"{ip}"{ttl}"#,
            quote(&self.name),
            Family::of(ip).rr(),
            quote(DEFAULT_LINE),
            quote(line_id)
        )
    }

    /// With the record known (`cache`: `<id>/<line id>[/<ttl>]`), one modify; else the list
    /// first, no write when the record holds `ip`, and a create when it is missing and allowed.
    pub fn update_family(
        &self,
        send: &mut SendFn,
        ip: IpAddr,
        cache: &mut String,
        now: &mut dyn FnMut() -> u64,
    ) -> Result<Success, Error> {
        let rr = Family::of(ip).rr();
        if let Some(known) = from_cache(cache) {
            let reply = send(&self.build_modify(&known, ip, now()))?;
            match parse_written(&reply)? {
                Some(done) => return Ok(done),
                None => {
                    detail!(
                        "{}: record {} is gone; reading again",
                        self.fqdn(),
                        known.id
                    );
                    cache.clear();
                }
            }
        }
        let reply = send(&self.build_list(rr, now()))?;
        let found = parse_list(&reply, &self.name, rr)?;
        match found.as_slice() {
            [] if self.create => {
                let reply = send(&self.build_create(ip, now()))?;
                let id = parse_created(&reply)?;
                *cache = format!("{id}/{DEFAULT_LINE_ID}");
                Ok(Success::Updated)
            }
            [] => Err(Error::fatal(format!(
                "{NAME}: no {rr} record {} in {}; add it, or set create = true",
                self.name, self.zone
            ))),
            [record] => {
                *cache = to_cache(record);
                if holds(&record.value, ip) {
                    return Ok(Success::NoChange);
                }
                let reply = send(&self.build_modify(record, ip, now()))?;
                parse_written(&reply)?.ok_or_else(|| {
                    Error::transient(format!(
                        "{NAME}: record {} went away during the update",
                        record.id
                    ))
                })
            }
            more => Err(Error::fatal(format!(
                "{NAME}: {} {rr} records for {} (lines or weights); keep one (ddnsup sets one address)",
                more.len(),
                self.fqdn()
            ))),
        }
    }
}

impl Provider for DnsPod {
    fn fqdn(&self) -> String {
        full_name(&self.name, &self.zone)
    }

    fn supports_v6(&self) -> bool {
        true
    }

    /// Each family starts with listing its record (skipped on runs that know its id).
    fn plan(&self, addrs: Addrs) -> Vec<Planned> {
        Planned::each(addrs, |ip| self.build_list(Family::of(ip).rr(), now_secs()))
    }

    fn update(
        &self,
        client: &Client,
        addrs: Addrs,
        cache: &mut Cache,
    ) -> Vec<(Family, Result<Success, Error>)> {
        update_each_cached(client, addrs, cache, |send, ip, known| {
            self.update_family(send, ip, known, &mut now_secs)
        })
    }
}

/// `<id>/<line id>[/<ttl>]`: what a later run needs to modify the record.
fn to_cache(record: &Found) -> String {
    let ttl = record.ttl.map(|t| format!("/{t}")).unwrap_or_default();
    format!("{}/{}{ttl}", record.id, record.line_id)
}

fn from_cache(cache: &str) -> Option<Found> {
    let mut parts = cache.splitn(3, '/');
    let id = parts
        .next()
        .filter(|id| record_id(&Json::Str(id.to_string())).is_some())?;
    let line_id = parts.next().filter(|l| !l.is_empty())?;
    Some(Found {
        id: id.to_string(),
        value: String::new(),
        line_id: line_id.to_string(),
        ttl: parts.next().and_then(|t| t.parse().ok()),
    })
}

/// The `Response` object of a reply, or its classified failure: a non-200 status, a body
/// that is no JSON, or a `Response.Error` (returned as its code and the error when `code`
/// is to be looked at by the caller).
fn response(reply: &Reply, what: &str) -> Result<Result<Json, (String, Error)>, Error> {
    if reply.status != 200 {
        return Err(status_error(
            reply,
            format!("{NAME}: HTTP {}{}", reply.status, said_error(reply)),
        ));
    }
    let body = parse_value(reply, NAME, what)?;
    let Json::Obj(_) = body.get("Response") else {
        return Err(unexpected(&format!("{what} (no Response)")));
    };
    let error = body.get("Response").get("Error");
    if error.is_null() {
        return Ok(Ok(body.get("Response").clone()));
    }
    let code = error.get("Code").str().unwrap_or("").to_string();
    let message = error.get("Message").str().unwrap_or("");
    Ok(Err((code.clone(), classify(&code, message))))
}

/// The records of the name and type; `ResourceNotFound.NoDataOfRecord` is none.
pub fn parse_list(reply: &Reply, name: &str, rr: &str) -> Result<Vec<Found>, Error> {
    let body = match response(reply, "record list")? {
        Ok(body) => body,
        Err((code, _)) if code == "ResourceNotFound.NoDataOfRecord" => return Ok(Vec::new()),
        Err((_, e)) => return Err(e),
    };
    let list = body.get("RecordList");
    if !matches!(list, Json::Arr(_)) {
        return Err(unexpected("record list (no RecordList)"));
    }
    if list.items().len() > MAX_RECORDS {
        return Err(unexpected("record list (too many records)"));
    }
    let mut out = Vec::new();
    for record in list.items() {
        let (Some(id), Some(kind), Some(value), Some(got)) = (
            record_id(record.get("RecordId")),
            record.get("Type").str(),
            record.get("Value").str(),
            record.get("Name").str(),
        ) else {
            return Err(unexpected("record (no RecordId, Name, Type or Value)"));
        };
        // The list may hold other names and types on some plans; only the exact match counts.
        if !kind.eq_ignore_ascii_case(rr) || !got.eq_ignore_ascii_case(name) {
            continue;
        }
        let line_id = record.get("LineId").str().unwrap_or(DEFAULT_LINE_ID);
        if line_id.is_empty() || line_id.len() > 32 || line_id.contains(['/', '"', '\\']) {
            return Err(unexpected("record (bad LineId)"));
        }
        let ttl = record
            .get("TTL")
            .int()
            .filter(|t| (MIN_TTL_SECS..=MAX_TTL_SECS).contains(t));
        out.push(Found {
            id,
            value: value.to_string(),
            line_id: line_id.to_string(),
            ttl,
        });
    }
    Ok(out)
}

/// The answer to ModifyRecord: `None` when the record id is unknown (read it again).
pub fn parse_written(reply: &Reply) -> Result<Option<Success>, Error> {
    match response(reply, "reply to the update")? {
        Ok(body) => match record_id(body.get("RecordId")) {
            Some(_) => Ok(Some(Success::Updated)),
            None => Err(unexpected("reply to the update (no RecordId)")),
        },
        Err((code, _)) if GONE_CODES.contains(&code.as_str()) => Ok(None),
        Err((code, _)) if code == "InvalidParameter.DomainRecordExist" => {
            Ok(Some(Success::NoChange))
        }
        Err((_, e)) => Err(e),
    }
}

/// The answer to CreateRecord: the new record's id.
pub fn parse_created(reply: &Reply) -> Result<String, Error> {
    match response(reply, "reply to the create")? {
        Ok(body) => record_id(body.get("RecordId"))
            .ok_or_else(|| unexpected("reply to the create (no RecordId)")),
        Err((_, e)) => Err(e),
    }
}

/// A record id: a whole number (DNSPod sends numbers; digits in a string are taken too).
fn record_id(v: &Json) -> Option<String> {
    let id = match v {
        Json::Num(n) => n.clone(),
        Json::Str(s) => s.clone(),
        _ => return None,
    };
    (!id.is_empty() && id.len() <= 20 && id.bytes().all(|b| b.is_ascii_digit())).then_some(id)
}

fn unexpected(what: &str) -> Error {
    Error::transient(format!("{NAME}: unexpected {what}"))
}

/// `: <code>: <message>` of an error body, else the start of the text.
fn said_error(reply: &Reply) -> String {
    let body = Json::parse(&reply.text()).unwrap_or(Json::Null);
    let error = body.get("Response").get("Error");
    let shown = match (error.get("Code").str(), error.get("Message").str()) {
        (Some(c), Some(m)) => format!("{}: {}", short(c), short(m)),
        _ => short(&reply.text()),
    };
    if shown.is_empty() {
        shown
    } else {
        format!(": {shown}")
    }
}

/// A `Response.Error` by its code: credentials, permissions and the domain are fatal; an
/// expired signature, rate limits and anything else transient.
pub fn classify(code: &str, message: &str) -> Error {
    let said = format!("{}: {}", short(code), short(message));
    if code == "AuthFailure.SignatureExpire" {
        return Error::transient_slow(
            format!("{NAME} refused the request time ({said}); check this machine's clock"),
            CLOCK_BACKOFF_SECS,
        );
    }
    let fatal = FATAL_CODES.iter().find(|(c, _)| {
        code.strip_prefix(*c)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('.'))
    });
    if let Some((_, fix)) = fatal {
        return Error::fatal(format!("{NAME} refused the request ({said}); {fix}"));
    }
    if code.starts_with("RequestLimitExceeded") || code == "LimitExceeded.RequestLimitExceeded" {
        return Error::transient_after(format!("{NAME}: rate limited ({said})"), LIMIT_WAIT_SECS);
    }
    Error::transient(format!("{NAME}: {said}"))
}

#[cfg(test)]
#[path = "dnspod_tests.rs"]
mod tests;
