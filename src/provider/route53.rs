//! AWS Route 53 (https://docs.aws.amazon.com/Route53/latest/APIReference/API_ChangeResourceRecordSets.html): read the record set, UPSERT it when it differs, every request signed with SigV4; the hosted zone by id, or looked up once by name.
use super::api::{SendFn, holds};
use super::names::{full_name, is_within, parse_dns_name, parse_record_name};
use super::sigv4::{self, Credentials, Signable};
use super::xml::{document, element, elements};
use super::{Addrs, Cache, Planned, Provider, StatusClass, Success, short};
use crate::error::Error;
use crate::family::Family;
use crate::fields::{Fields, Secret};
use crate::http::{Client, Method, Reply, Request};
use std::fmt::Write as _;
use std::net::IpAddr;

pub const DEFAULT_SERVER: &str = "https://route53.amazonaws.com";
/// The API version, added to a `server` given without a path.
pub const API_PATH: &str = "/2013-04-01";
/// Route 53 is a global service, signed for us-east-1.
const REGION: &str = "us-east-1";
const SERVICE: &str = "route53";
const DEFAULT_TTL_SECS: i64 = 300;
const MAX_TTL_SECS: i64 = 2_147_483_647;
const MAX_ID_CHARS: usize = 32;
/// Hosted zones read when looking one up by name: a public and a private zone may share it.
const MAX_ZONES: usize = 10;
/// Values read from one record set.
const MAX_VALUES: usize = 100;

/// Error codes by what resending can do, with what the user can do: busy ones mean "later"
/// (the rate limit, or a change still being applied); refused ones cannot be helped.
const CODES: &[(&str, StatusClass, &str)] = &[
    ("Throttling", StatusClass::Busy, ""),
    ("PriorRequestNotComplete", StatusClass::Busy, ""),
    ("ServiceUnavailable", StatusClass::Busy, ""),
    (
        "InvalidClientTokenId",
        StatusClass::Refused,
        "check `access_key_id`",
    ),
    (
        "UnrecognizedClientException",
        StatusClass::Refused,
        "check `access_key_id`",
    ),
    (
        "SignatureDoesNotMatch",
        StatusClass::Refused,
        "check `secret_access_key`",
    ),
    (
        "AccessDenied",
        StatusClass::Refused,
        "the key's IAM policy must allow route53:ListResourceRecordSets and route53:ChangeResourceRecordSets (and route53:ListHostedZonesByName with `zone`)",
    ),
    ("NoSuchHostedZone", StatusClass::Refused, "check `zone_id`"),
    (
        "InvalidChangeBatch",
        StatusClass::Refused,
        "the change was refused",
    ),
    (
        "InvalidInput",
        StatusClass::Refused,
        "the request was refused",
    ),
];

/// Where the record's hosted zone comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Zone {
    /// `zone_id`, without its `/hostedzone/` prefix.
    Id(String),
    /// `zone`: looked up with ListHostedZonesByName, its id kept in the cache.
    Name(String),
}

pub struct Route53 {
    base: String,
    zone: Zone,
    /// The record's full name, lowercased, without the trailing dot.
    name: String,
    access_key_id: String,
    secret: Secret,
    ttl: u64,
}

impl Route53 {
    pub fn from_config(f: &mut Fields) -> Result<Route53, Error> {
        let base = f.endpoint(DEFAULT_SERVER, API_PATH)?;
        let access_key_id = f.required_str("access_key_id")?.trim().to_string();
        if !(1..=128).contains(&access_key_id.len())
            || !access_key_id.bytes().all(|b| b.is_ascii_alphanumeric())
        {
            return Err(f.error(
                "access_key_id",
                "is not an access key id (letters and digits, e.g. AKIAIOSFODNN7EXAMPLE)",
            ));
        }
        let secret = f.secret("secret_access_key")?;
        let zone = match (f.str("zone_id")?, f.str("zone")?) {
            (Some(_), Some(_)) => {
                return Err(f.error("zone_id", "set either zone_id or zone, not both"));
            }
            (None, None) => {
                return Err(Error::Config(format!(
                    "{}: missing key \"zone_id\" (or \"zone\")",
                    f.label
                )));
            }
            (Some(id), None) => Zone::Id(parse_zone_id(&id).map_err(|m| f.error("zone_id", &m))?),
            (None, Some(z)) => Zone::Name(parse_dns_name(&z).map_err(|m| f.error("zone", &m))?),
        };
        let given = f.required_str("name")?;
        let name = match (&zone, given.trim()) {
            (Zone::Name(z), "@") => z.clone(),
            (zone, n) => {
                let n = parse_record_name(n).map_err(|m| f.error("name", &m))?;
                match zone {
                    Zone::Name(z) if !is_within(&n, z) => full_name(&n, z),
                    Zone::Id(_) if !n.contains('.') => {
                        return Err(f.error(
                            "name",
                            "give the full name (e.g. \"home.example.com\") with zone_id",
                        ));
                    }
                    _ => n,
                }
            }
        };
        let ttl = f
            .int_in("ttl", 0, MAX_TTL_SECS)?
            .unwrap_or(DEFAULT_TTL_SECS) as u64;
        Ok(Route53 {
            base,
            zone,
            name,
            access_key_id,
            secret,
            ttl,
        })
    }

    /// ListHostedZonesByName for the zone name.
    pub fn build_lookup(&self, zone: &str, now: u64) -> Request {
        let max = MAX_ZONES.to_string();
        let query = [("dnsname", zone), ("maxitems", &max)];
        self.signed("hostedzonesbyname".into(), &query, None, now)
    }

    /// ListResourceRecordSets starting at the record's name and type: one set.
    pub fn build_list(&self, zone_id: &str, rr: &str, now: u64) -> Request {
        let query = [("name", &*self.name), ("type", rr), ("maxitems", "1")];
        self.signed(format!("hostedzone/{zone_id}/rrset"), &query, None, now)
    }

    /// ChangeResourceRecordSets: one UPSERT of the record set to `ip` alone.
    pub fn build_upsert(&self, zone_id: &str, ip: IpAddr, now: u64) -> Request {
        let rr = Family::of(ip).rr();
        let body = format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><ChangeResourceRecordSetsRequest xmlns="https://route53.amazonaws.com/doc/2013-04-01/"><ChangeBatch><Changes><Change><Action>UPSERT</Action><ResourceRecordSet><Name>{}.</Name><Type>{rr}</Type><TTL>{}</TTL><ResourceRecords><ResourceRecord><Value>{ip}</Value></ResourceRecord></ResourceRecords></ResourceRecordSet></Change></Changes></ChangeBatch></ChangeResourceRecordSetsRequest>"#,
            self.name, self.ttl
        );
        self.signed(format!("hostedzone/{zone_id}/rrset"), &[], Some(body), now)
    }

    /// The request for `path` under the API (a GET, or a POST of the XML `body`) with
    /// `X-Amz-Date` and its `Authorization` (hidden when shown), signed over the `Host` the
    /// transport sends.
    fn signed(
        &self,
        path: String,
        query: &[(&str, &str)],
        body: Option<String>,
        now: u64,
    ) -> Request {
        let mut req = Request::get(format!("{}/{path}", self.base));
        for (name, value) in query {
            req = req.param(name, *value);
        }
        if let Some(body) = body {
            req = req.header("Content-Type", "text/xml");
            req.method = Method::Post;
            req.body = Some(body.into_bytes());
        }
        // The endpoint was checked when the config was read.
        let Ok(target) = crate::http::wire::parse_target(&req.url) else {
            return req;
        };
        let creds = Credentials {
            access_key_id: &self.access_key_id,
            secret_key: self.secret.expose(),
            region: REGION,
            service: SERVICE,
        };
        let signable = Signable {
            method: req.method.as_str(),
            path: &target.path,
            query,
            headers: &[("host", &target.host_header())],
            body: req.body.as_deref().unwrap_or_default(),
        };
        let [(date_name, date), (auth_name, auth)] =
            sigv4::sign(&signable, &creds, &sigv4::amz_date(now));
        req.header(date_name, date).secret_header(auth_name, auth)
    }

    /// The hosted zone's id: configured, cached, or looked up by name.
    pub fn zone_id(&self, send: &mut SendFn, cache: &Cache, now: u64) -> Result<String, Error> {
        match &self.zone {
            Zone::Id(id) => Ok(id.clone()),
            Zone::Name(zone) => match [&cache.v4, &cache.v6]
                .into_iter()
                .find(|id| parse_zone_id(id).is_ok())
            {
                Some(id) => Ok(id.clone()),
                None => parse_zones(&send(&self.build_lookup(zone, now))?, zone),
            },
        }
    }

    /// One family: the read, then no write when the set holds exactly `ip`, else the UPSERT
    /// (which creates a missing set). A looked-up zone that is gone clears `zone_id`.
    pub fn update_family(
        &self,
        send: &mut SendFn,
        zone_id: &mut String,
        ip: IpAddr,
        now: u64,
    ) -> Result<Success, Error> {
        if zone_id.is_empty() {
            return Err(Error::transient("Route 53: the hosted zone is gone"));
        }
        let rr = Family::of(ip).rr();
        let reply = send(&self.build_list(zone_id, rr, now))?;
        if matches!(self.zone, Zone::Name(_)) && error_of(&reply.text()).0 == "NoSuchHostedZone" {
            let gone = std::mem::take(zone_id);
            return Err(Error::transient(format!(
                "Route 53: hosted zone {gone} is gone; looking the zone up again next run"
            )));
        }
        match parse_list(&reply, &self.name, rr)? {
            Some(values) if values.len() == 1 && holds(&values[0], ip) => {
                return Ok(Success::NoChange);
            }
            Some(_) => {}
            None => detail!("{}: no {rr} record yet; the UPSERT creates it", self.name),
        }
        parse_change(&send(&self.build_upsert(zone_id, ip, now))?)
    }

    /// The whole update with `send`: the zone once, then each family in turn (IPv4 first).
    pub fn update_with(
        &self,
        send: &mut SendFn,
        addrs: Addrs,
        cache: &mut Cache,
        now: u64,
    ) -> Vec<(Family, Result<Success, Error>)> {
        let ips = addrs.list();
        if ips.is_empty() {
            return Vec::new();
        }
        let zone = self.zone_id(send, cache, now);
        let mut zone_id = zone.clone().unwrap_or_default();
        let out = ips
            .into_iter()
            .map(|ip| {
                let result = match &zone {
                    Err(e) => Err(e.clone()),
                    Ok(_) => self.update_family(send, &mut zone_id, ip, now),
                };
                (Family::of(ip), result)
            })
            .collect();
        if zone.is_ok() && matches!(self.zone, Zone::Name(_)) {
            cache.v4.clone_from(&zone_id);
            cache.v6 = zone_id;
        }
        out
    }
}

impl Provider for Route53 {
    fn fqdn(&self) -> String {
        self.name.clone()
    }

    fn supports_v6(&self) -> bool {
        true
    }

    /// The first request: the zone lookup (by name), else each family's read.
    fn plan(&self, addrs: Addrs) -> Vec<Planned> {
        let now = crate::clock::now_secs();
        match &self.zone {
            Zone::Name(zone) => Planned::together(addrs, |_| self.build_lookup(zone, now)),
            Zone::Id(id) => {
                Planned::each(addrs, |ip| self.build_list(id, Family::of(ip).rr(), now))
            }
        }
    }

    /// The answer to the UPSERT; `update` drives the whole exchange.
    fn parse_reply(&self, reply: &Reply, _sets: Addrs) -> Result<Success, Error> {
        parse_change(reply)
    }

    fn update(
        &self,
        client: &Client,
        addrs: Addrs,
        cache: &mut Cache,
    ) -> Vec<(Family, Result<Success, Error>)> {
        let mut send = |req: &Request| client.send(req);
        self.update_with(&mut send, addrs, cache, crate::clock::now_secs())
    }
}

/// A hosted zone id, with or without its `/hostedzone/` prefix: letters and digits.
pub fn parse_zone_id(text: &str) -> Result<String, String> {
    let id = text.trim();
    let id = id.strip_prefix("/hostedzone/").unwrap_or(id);
    if (1..=MAX_ID_CHARS).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric()) {
        Ok(id.to_string())
    } else {
        Err(format!(
            "\"{}\" is not a hosted zone id (e.g. Z1D633PJN98FT9)",
            short(id)
        ))
    }
}

/// Whether a name Route 53 answered (`home.example.com.`, `\052` for `*`) is `want`.
fn same_name(got: &str, want: &str) -> bool {
    let got = got.trim();
    let got = got.strip_suffix('.').unwrap_or(got).replace("\\052", "*");
    got.eq_ignore_ascii_case(want)
}

fn unexpected(what: &str, text: &str) -> Error {
    Error::transient(format!("Route 53: unexpected {what}: {:?}", short(text)))
}

/// The body of a 200 reply; any other status is the API's error.
fn text_of(reply: &Reply) -> Result<String, Error> {
    match reply.status {
        200 => Ok(reply.text()),
        _ => Err(api_error(reply)),
    }
}

/// The first record set of a ListResourceRecordSets answer, when it is `name`'s `rr` set: its
/// values (none for an alias). `None`: there is no such set.
pub fn parse_list(reply: &Reply, name: &str, rr: &str) -> Result<Option<Vec<String>>, Error> {
    let text = text_of(reply)?;
    let sets = document(&text, "ListResourceRecordSetsResponse")
        .and_then(|doc| element(doc, "ResourceRecordSets"))
        .ok_or_else(|| unexpected("record list", &text))?;
    let Some(set) = element(sets, "ResourceRecordSet") else {
        return Ok(None);
    };
    let (Some(got), Some(kind)) = (element(set, "Name"), element(set, "Type")) else {
        return Err(unexpected("record set", set));
    };
    if !same_name(got, name) || kind.trim() != rr {
        return Ok(None);
    }
    if element(set, "SetIdentifier").is_some() {
        return Err(Error::fatal(format!(
            "Route 53: {name} {rr} has a routing policy (SetIdentifier); ddnsup sets simple records only"
        )));
    }
    let values = element(set, "ResourceRecords")
        .map(|records| elements(records, "Value", MAX_VALUES))
        .unwrap_or_default();
    Ok(Some(values.into_iter().map(str::to_string).collect()))
}

/// The answer to ChangeResourceRecordSets: its ChangeInfo PENDING or INSYNC.
pub fn parse_change(reply: &Reply) -> Result<Success, Error> {
    let text = text_of(reply)?;
    let status = document(&text, "ChangeResourceRecordSetsResponse")
        .and_then(|doc| element(doc, "ChangeInfo"))
        .and_then(|info| element(info, "Status"));
    match status.map(str::trim) {
        Some("PENDING" | "INSYNC") => Ok(Success::Updated),
        _ => Err(unexpected("reply to the change", &text)),
    }
}

/// The id of the public hosted zone named `zone` in a ListHostedZonesByName answer.
pub fn parse_zones(reply: &Reply, zone: &str) -> Result<String, Error> {
    let text = text_of(reply)?;
    let zones = document(&text, "ListHostedZonesByNameResponse")
        .and_then(|doc| element(doc, "HostedZones"))
        .ok_or_else(|| unexpected("zone list", &text))?;
    let mut only = "";
    for hz in elements(zones, "HostedZone", MAX_ZONES) {
        if !element(hz, "Name").is_some_and(|n| same_name(n, zone)) {
            continue;
        }
        if element(hz, "PrivateZone").map(str::trim) == Some("true") {
            only = " (only a private one)";
            continue;
        }
        return element(hz, "Id")
            .and_then(|id| parse_zone_id(id).ok())
            .ok_or_else(|| unexpected("zone", hz));
    }
    Err(Error::fatal(format!(
        "Route 53: no public hosted zone {zone} for this key{only}; check `zone`, or give `zone_id`"
    )))
}

/// `<ErrorResponse><Error><Code>` and `<Message>`, trimmed; empty when absent.
fn error_of(text: &str) -> (String, String) {
    let error = document(text, "ErrorResponse").and_then(|d| element(d, "Error"));
    let said = |tag| {
        error
            .and_then(|e| element(e, tag))
            .map_or(String::new(), |s| s.trim().to_string())
    };
    (said("Code"), said("Message"))
}

/// A failed request by its error code, else its status: throttling, a change still in
/// progress and server errors are transient (`Retry-After` kept), as is a clock the service
/// finds wrong; refused keys and refused changes are fatal, with the fix.
pub fn api_error(reply: &Reply) -> Error {
    let text = reply.text();
    let (code, message) = error_of(&text);
    let shown = short(&message);
    let detail = if code.is_empty() {
        short(&text)
    } else if shown.is_empty() {
        code.clone()
    } else {
        format!("{code}: {shown}")
    };
    let (class, hint) = match CODES.iter().find(|(c, ..)| *c == code) {
        Some((_, StatusClass::Busy, _)) => (StatusClass::Busy, ""),
        _ if code == "RequestExpired" || message.starts_with("Signature expired") => {
            (StatusClass::Unexpected, "check the system clock")
        }
        Some((_, class, hint)) => (*class, *hint),
        None => match StatusClass::of(reply.status) {
            StatusClass::Refused => (
                StatusClass::Refused,
                "check `access_key_id` and `secret_access_key`",
            ),
            class => (class, ""),
        },
    };
    let mut said = format!("Route 53: HTTP {}", reply.status);
    if !detail.is_empty() {
        let _ = write!(said, " ({detail})");
    }
    if !hint.is_empty() {
        let _ = write!(said, "; {hint}");
    }
    class.error(reply, said)
}

#[cfg(test)]
#[path = "route53_tests.rs"]
mod tests;
