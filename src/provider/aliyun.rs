//! Alibaba Cloud DNS (Alidns RPC API 2015-01-09, https://www.alibabacloud.com/help/en/dns/api-alidns-2015-01-09-dir-parsing-records): read the record, update it by id only when it differs, add it when allowed.
use super::api::{SendFn, holds, parse_value, update_each_cached};
use super::names::{full_name, zone_at_and_inner_name};
use super::sign_acs::{signature, sorted};
use super::{Addrs, Cache, Planned, Provider, StatusClass, Success, short};
use crate::clock::{format_iso8601, now_secs};
use crate::error::Error;
use crate::family::Family;
use crate::fields::{Fields, Secret};
use crate::http::{Client, Reply, Request};
use crate::json::Json;
use std::net::IpAddr;

pub const DEFAULT_SERVER: &str = "https://alidns.aliyuncs.com";
const API_PATH: &str = "/";
const VERSION: &str = "2015-01-09";
const NAME: &str = "Alibaba Cloud DNS";
const MIN_TTL_SECS: i64 = 1;
const MAX_TTL_SECS: i64 = 86_400;
/// Alidns says nothing about how long to wait after `Throttling`; a minute.
const THROTTLE_WAIT_SECS: u64 = 60;
/// The first wait after a clock or nonce refusal: our clock needs a person (or NTP).
const CLOCK_BACKOFF_SECS: u64 = 3600;
/// More records of one name and type than this is not a dynamic record.
const MAX_RECORDS: usize = 20;

/// Codes that need a person: the key pair, its RAM policy, or the domain's owner.
const FATAL_CODES: &[(&str, &str)] = &[
    ("InvalidAccessKeyId.NotFound", "check access_key_id"),
    ("InvalidAccessKeyId", "check access_key_id"),
    ("InvalidAccessKeyId.Inactive", "the AccessKey is disabled"),
    ("SignatureDoesNotMatch", "check access_key_secret"),
    ("IncompleteSignature", "check access_key_secret"),
    (
        "Forbidden.RAM",
        "give the RAM user the AliyunDNSFullAccess policy",
    ),
    (
        "Forbidden",
        "give the RAM user the AliyunDNSFullAccess policy",
    ),
    (
        "IncorrectDomainUser",
        "the domain is not in this account; check `domain`",
    ),
];
/// Codes that a later run may not see again.
const THROTTLE_CODES: &[&str] = &["Throttling", "Throttling.User", "Throttling.Api"];
const CLOCK_CODES: &[&str] = &[
    "InvalidTimeStamp.Expired",
    "IllegalTimestamp",
    "SignatureNonceUsed",
];
/// An update of a record id that is no longer there (it was deleted, or belongs to no one).
const GONE_CODES: &[&str] = &["DomainRecordNotBelongToUser", "InvalidRecordId.NotFound"];

pub struct Aliyun {
    url: String,
    zone: String,
    /// The record's RR inside the zone: `@` for the apex.
    name: String,
    key_id: String,
    secret: Secret,
    /// Sent with every write when set; else Alidns's default.
    ttl: Option<i64>,
    create: bool,
}

/// When and with which nonce a request is signed.
pub struct Stamp {
    pub now: u64,
    pub nonce: String,
}

impl Stamp {
    /// Now, with 128 random bits as the nonce.
    pub fn fresh() -> Stamp {
        use ring::rand::{SecureRandom, SystemRandom};
        let mut b = [0u8; 16];
        let nonce = match SystemRandom::new().fill(&mut b) {
            Ok(()) => super::sigv4::hex(&b),
            Err(_) => format!("{}-{}", now_secs(), std::process::id()),
        };
        Stamp {
            now: now_secs(),
            nonce,
        }
    }
}

impl Aliyun {
    pub fn from_config(f: &mut Fields) -> Result<Aliyun, Error> {
        let url = f.endpoint(DEFAULT_SERVER, API_PATH)?;
        let (zone, name) = zone_at_and_inner_name(f, "domain")?;
        let key_id = f.required_str("access_key_id")?;
        let secret = f.secret("access_key_secret")?;
        let ttl = f.int_in("ttl", MIN_TTL_SECS, MAX_TTL_SECS)?;
        let create = f.bool("create")?.unwrap_or(false);
        Ok(Aliyun {
            url,
            zone,
            name,
            key_id,
            secret,
            ttl,
            create,
        })
    }

    /// A signed GET of `action` with its parameters: the common ones, sorted, then the
    /// `Signature`. The key id and the signature are hidden when shown.
    pub fn call(&self, action: &str, params: &[(&str, &str)], stamp: &Stamp) -> Request {
        let time = format_iso8601(stamp.now);
        let common = [
            ("AccessKeyId", self.key_id.as_str()),
            ("Action", action),
            ("Format", "JSON"),
            ("SignatureMethod", "HMAC-SHA1"),
            ("SignatureNonce", &stamp.nonce),
            ("SignatureVersion", "1.0"),
            ("Timestamp", &time),
            ("Version", VERSION),
        ];
        let all = sorted(&[&common[..], params].concat());
        let signed = signature("GET", &all, self.secret.expose());
        let mut req = Request::get(self.url.clone());
        for (k, v) in all {
            req = if k == "AccessKeyId" {
                req.secret_param(k, v)
            } else {
                req.param(k, v)
            };
        }
        req.secret_param("Signature", signed)
    }

    pub fn build_describe(&self, rr: &str, stamp: &Stamp) -> Request {
        let sub = full_name(&self.name, &self.zone);
        let params = [
            ("DomainName", self.zone.as_str()),
            ("SubDomain", &sub),
            ("Type", rr),
        ];
        self.call("DescribeSubDomainRecords", &params, stamp)
    }

    /// UpdateDomainRecord of record `id`, with the configured TTL, else `ttl` (the record's
    /// own: Alidns would reset a TTL left out to its default).
    pub fn build_update(&self, id: &str, ttl: Option<i64>, ip: IpAddr, stamp: &Stamp) -> Request {
        let ttl = self.ttl.or(ttl);
        self.write("UpdateDomainRecord", ("RecordId", id), ttl, ip, stamp)
    }

    pub fn build_add(&self, ip: IpAddr, stamp: &Stamp) -> Request {
        let which = ("DomainName", self.zone.as_str());
        self.write("AddDomainRecord", which, self.ttl, ip, stamp)
    }

    fn write(
        &self,
        action: &str,
        which: (&str, &str),
        ttl: Option<i64>,
        ip: IpAddr,
        stamp: &Stamp,
    ) -> Request {
        let value = ip.to_string();
        let ttl = ttl.map(|t| t.to_string());
        let mut params = vec![
            which,
            ("RR", self.name.as_str()),
            ("Type", Family::of(ip).rr()),
            ("Value", &value),
        ];
        if let Some(ttl) = &ttl {
            params.push(("TTL", ttl));
        }
        self.call(action, &params, stamp)
    }

    /// With the record known (`cache`: `<id>` or `<id>/<ttl>`), one update; else the read
    /// first, no write when the record holds `ip`, and an add when it is missing and allowed.
    pub fn update_family(
        &self,
        send: &mut SendFn,
        ip: IpAddr,
        cache: &mut String,
        stamp: &mut dyn FnMut() -> Stamp,
    ) -> Result<Success, Error> {
        let rr = Family::of(ip).rr();
        if !cache.is_empty() {
            let (id, ttl) = match cache.split_once('/') {
                Some((id, ttl)) => (id.to_string(), ttl.parse().ok()),
                None => (cache.clone(), None),
            };
            let reply = send(&self.build_update(&id, ttl, ip, &stamp()))?;
            if let Some(done) = parse_written(&reply)?.success() {
                return Ok(done);
            }
            detail!("{}: record {id} is gone; reading again", self.fqdn());
            cache.clear();
        }
        let reply = send(&self.build_describe(rr, &stamp()))?;
        let records = parse_records(&reply, rr)?;
        match records.as_slice() {
            [] if self.create => {
                let reply = send(&self.build_add(ip, &stamp()))?;
                *cache = parse_added(&reply)?;
                Ok(Success::Updated)
            }
            [] => Err(Error::fatal(format!(
                "{NAME}: no {rr} record {} in {}; add it, or set create = true",
                self.name, self.zone
            ))),
            [record] => {
                let id = &record.id;
                *cache = match record.ttl {
                    Some(ttl) => format!("{id}/{ttl}"),
                    None => id.clone(),
                };
                if holds(&record.value, ip) {
                    return Ok(Success::NoChange);
                }
                let reply = send(&self.build_update(id, record.ttl, ip, &stamp()))?;
                parse_written(&reply)?.success().ok_or_else(|| {
                    Error::transient(format!("{NAME}: record {id} went away during the update"))
                })
            }
            more => Err(Error::fatal(format!(
                "{NAME}: {} {rr} records for {}; keep one (ddnsup sets one address)",
                more.len(),
                self.fqdn()
            ))),
        }
    }
}

impl Provider for Aliyun {
    fn fqdn(&self) -> String {
        full_name(&self.name, &self.zone)
    }

    fn supports_v6(&self) -> bool {
        true
    }

    /// Each family starts with reading its record (skipped on runs that know its id).
    fn plan(&self, addrs: Addrs) -> Vec<Planned> {
        Planned::each(addrs, |ip| {
            self.build_describe(Family::of(ip).rr(), &Stamp::fresh())
        })
    }

    fn update(
        &self,
        client: &Client,
        addrs: Addrs,
        cache: &mut Cache,
    ) -> Vec<(Family, Result<Success, Error>)> {
        update_each_cached(client, addrs, cache, |send, ip, known| {
            self.update_family(send, ip, known, &mut Stamp::fresh)
        })
    }
}

/// What an update answered.
#[derive(Debug, PartialEq, Eq)]
pub enum Written {
    Done,
    /// `DomainRecordDuplicate`: the record already holds the value.
    Same,
    /// The record id is unknown: read the record again.
    Gone,
}

impl Written {
    /// What the run did; `None` when the record is gone.
    fn success(self) -> Option<Success> {
        match self {
            Written::Done => Some(Success::Updated),
            Written::Same => Some(Success::NoChange),
            Written::Gone => None,
        }
    }
}

/// A record of the list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub id: String,
    pub value: String,
    /// Its TTL, when the reply gives one in range.
    pub ttl: Option<i64>,
}

/// The records of the name and type.
pub fn parse_records(reply: &Reply, rr: &str) -> Result<Vec<Found>, Error> {
    if reply.status != 200 {
        return Err(api_error(reply));
    }
    let body = parse_value(reply, NAME, "record list")?;
    let list = body.get("DomainRecords").get("Record");
    if !matches!(list, Json::Arr(_)) {
        return Err(unexpected("record list (no DomainRecords.Record)"));
    }
    if list.items().len() > MAX_RECORDS {
        return Err(unexpected("record list (too many records)"));
    }
    let mut out = Vec::new();
    for record in list.items() {
        let (Some(id), Some(kind), Some(value)) = (
            record_id(record.get("RecordId")),
            record.get("Type").str(),
            record.get("Value").str(),
        ) else {
            return Err(unexpected("record (no RecordId, Type or Value)"));
        };
        if !kind.eq_ignore_ascii_case(rr) {
            return Err(unexpected(&format!(
                "record: asked for {rr}, got {:?}",
                short(kind)
            )));
        }
        let ttl = record
            .get("TTL")
            .int()
            .filter(|t| (MIN_TTL_SECS..=MAX_TTL_SECS).contains(t));
        out.push(Found {
            id,
            value: value.to_string(),
            ttl,
        });
    }
    Ok(out)
}

/// The answer to UpdateDomainRecord.
pub fn parse_written(reply: &Reply) -> Result<Written, Error> {
    if reply.status == 200 {
        let body = parse_value(reply, NAME, "reply to the update")?;
        return match record_id(body.get("RecordId")) {
            Some(_) => Ok(Written::Done),
            None => Err(unexpected("reply to the update (no RecordId)")),
        };
    }
    match error_code(reply).as_deref() {
        Some("DomainRecordDuplicate") => Ok(Written::Same),
        Some(code) if GONE_CODES.contains(&code) => Ok(Written::Gone),
        _ => Err(api_error(reply)),
    }
}

/// The answer to AddDomainRecord: the new record's id.
pub fn parse_added(reply: &Reply) -> Result<String, Error> {
    if reply.status != 200 {
        return Err(api_error(reply));
    }
    let body = parse_value(reply, NAME, "reply to the add")?;
    record_id(body.get("RecordId")).ok_or_else(|| unexpected("reply to the add (no RecordId)"))
}

/// A record id: a string of digits (Alidns sends strings; a bare number is taken too).
fn record_id(v: &Json) -> Option<String> {
    let id = match v {
        Json::Str(s) => s.clone(),
        Json::Num(n) => n.clone(),
        _ => return None,
    };
    (!id.is_empty() && id.len() <= 32 && id.bytes().all(|b| b.is_ascii_digit())).then_some(id)
}

fn unexpected(what: &str) -> Error {
    Error::transient(format!("{NAME}: unexpected {what}"))
}

/// The `Code` of an error body `{"RequestId":..,"HostId":..,"Code":..,"Message":..}`.
fn error_code(reply: &Reply) -> Option<String> {
    let body = Json::parse(&reply.text()).ok()?;
    body.get("Code").str().map(str::to_string)
}

/// A failure by its documented `Code`: credentials and permissions are fatal, throttling and
/// clock trouble transient; any other code or body by its HTTP status.
pub fn api_error(reply: &Reply) -> Error {
    let body = Json::parse(&reply.text()).unwrap_or(Json::Null);
    let code = body.get("Code").str().unwrap_or("");
    let said = match body.get("Message").str() {
        Some(m) if !code.is_empty() => format!("{}: {}", short(code), short(m)),
        _ if !code.is_empty() => short(code),
        _ => short(&reply.text()),
    };
    let status = reply.status;
    if let Some((_, fix)) = FATAL_CODES.iter().find(|(c, _)| *c == code) {
        return Error::fatal(format!("{NAME} refused the request ({said}); {fix}"));
    }
    if THROTTLE_CODES.contains(&code) {
        return Error::transient_after(format!("{NAME}: throttled ({said})"), THROTTLE_WAIT_SECS);
    }
    if CLOCK_CODES.contains(&code) {
        return Error::transient_slow(
            format!("{NAME} refused the request time ({said}); check this machine's clock"),
            CLOCK_BACKOFF_SECS,
        );
    }
    let class = StatusClass::of(status);
    let message = match class {
        StatusClass::Refused => format!(
            "{NAME} refused the request (HTTP {status}: {said}); check access_key_id and access_key_secret"
        ),
        _ => format!("{NAME}: HTTP {status}: {said}"),
    };
    class.error(reply, message)
}

#[cfg(test)]
#[path = "aliyun_tests.rs"]
mod tests;
