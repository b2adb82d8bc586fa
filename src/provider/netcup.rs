//! netcup CCP DNS API (https://ccp.netcup.net/run/webservice/servers/endpoint.php, JSON at `?JSON`): one session per run — login, infoDnsRecords, updateDnsRecords, always logout.
use super::api::{SendFn, holds, parse_value};
use super::names::{is_within, parse_record_name, required_name};
use super::{Addrs, Cache, Planned, Provider, Success, short, status_error};
use crate::error::{Class, Error};
use crate::family::Family;
use crate::fields::{Fields, Secret};
use crate::http::{Client, Method, Reply, Request};
use crate::json::{Json, quote};
use std::net::IpAddr;

pub const DEFAULT_SERVER: &str = "https://ccp.netcup.net";
/// Added to a `server` given without a path; the JSON flavour is the `?JSON` query.
pub const API_PATH: &str = "/run/webservice/servers/endpoint.php";
/// netcup's `statuscode` for a request that went through.
const STATUS_OK: i64 = 2000;
/// The API allows a number of requests per minute; past it, wait a minute.
const RATE_LIMIT_WAIT_SECS: u64 = 60;

pub struct Netcup {
    url: String,
    zone: String,
    /// The full name, inside `zone`.
    name: String,
    customer: String,
    apikey: Secret,
    apipassword: Secret,
    /// Create the record when the zone has none (`create = true`).
    create: bool,
}

/// An open session: what every call after login carries.
#[derive(Debug)]
pub struct Session {
    id: String,
}

impl Netcup {
    pub fn from_config(f: &mut Fields) -> Result<Netcup, Error> {
        let url = format!("{}?JSON", f.endpoint(DEFAULT_SERVER, API_PATH)?);
        let zone = required_name(f, "zone", None)?;
        let name = parse_record_name(&f.required_str("name")?).map_err(|m| f.error("name", &m))?;
        if !is_within(&name, &zone) {
            return Err(f.error(
                "name",
                &format!("give the full name inside the zone, e.g. \"home.{zone}\" or \"{zone}\""),
            ));
        }
        let customer = f.required_str("customernumber")?;
        if customer.is_empty() || !customer.bytes().all(|b| b.is_ascii_digit()) {
            return Err(f.error("customernumber", "give the netcup customer number (digits)"));
        }
        let apikey = f.secret("apikey")?;
        let apipassword = f.secret("apipassword")?;
        let create = f.bool("create")?.unwrap_or(false);
        Ok(Netcup {
            url,
            zone,
            name,
            customer,
            apikey,
            apipassword,
            create,
        })
    }

    /// The hostname as netcup lists it: relative to the zone, `@` for the apex.
    fn hostname(&self) -> &str {
        if self.name == self.zone {
            "@"
        } else {
            &self.name[..self.name.len() - self.zone.len() - 1]
        }
    }

    /// Every call is a POST of `{"action":..,"param":{..}}`: the account, the session when
    /// there is one, then `extra` (members already JSON, each after a comma). The body carries
    /// the key, so it is hidden whole when shown.
    fn call(&self, action: &str, s: Option<&Session>, extra: &str) -> Request {
        let session = s
            .map(|s| format!(r#","apisessionid":{}"#, quote(&s.id)))
            .unwrap_or_default();
        let body = format!(
            r#"{{"action":{},"param":{{"customernumber":{},"apikey":{}{session}{extra}}}}}"#,
            quote(action),
            quote(&self.customer),
            quote(self.apikey.expose())
        );
        let req = Request::json(Method::Post, &self.url, body, true)
            .hiding(self.apikey.expose())
            .hiding(self.apipassword.expose());
        match s {
            Some(s) => req.hiding(&s.id),
            None => req,
        }
    }

    /// The answer to a login holds the session id, a credential: `-v` does not show it.
    pub fn build_login(&self) -> Request {
        let password = quote(self.apipassword.expose());
        self.call("login", None, &format!(r#","apipassword":{password}"#))
            .secret_reply()
    }

    pub fn build_info(&self, s: &Session) -> Request {
        let zone = quote(&self.zone);
        self.call(
            "infoDnsRecords",
            Some(s),
            &format!(r#","domainname":{zone}"#),
        )
    }

    /// Sets each `(id, ip)`: a record with an id is changed, one without is created.
    pub fn build_update(&self, s: &Session, records: &[(Option<String>, IpAddr)]) -> Request {
        let hostname = quote(self.hostname());
        let mut set = String::new();
        for (id, ip) in records {
            let id = id.as_ref().map(|id| format!(r#""id":{},"#, quote(id)));
            set.push_str(&format!(
                r#",{{{}"hostname":{hostname},"type":"{}","destination":"{ip}","deleterecord":false}}"#,
                id.unwrap_or_default(),
                Family::of(*ip).rr()
            ));
        }
        let extra = format!(
            r#","domainname":{},"dnsrecordset":{{"dnsrecords":[{}]}}"#,
            quote(&self.zone),
            set.get(1..).unwrap_or_default()
        );
        self.call("updateDnsRecords", Some(s), &extra)
    }

    pub fn build_logout(&self, s: &Session) -> Request {
        self.call("logout", Some(s), "")
    }

    /// The whole session for `addrs`: login, then the work, then logout whatever happened.
    #[inline(never)]
    pub fn session(
        &self,
        send: &mut SendFn,
        addrs: Addrs,
        cache: &mut Cache,
    ) -> Result<Vec<(Family, Success)>, Error> {
        let reply = send(&self.build_login())?;
        let session = parse_login(&reply)?;
        let result = self.work(send, &session, addrs, cache);
        if let Err(e) = send(&self.build_logout(&session)).and_then(|r| parse_answer(&r, "logout"))
        {
            detail!("netcup: logout failed ({e}); the session expires by itself");
        }
        result
    }

    /// With every id remembered, one update; else (or when that fails) read the zone first.
    #[inline(never)]
    fn work(
        &self,
        send: &mut SendFn,
        s: &Session,
        addrs: Addrs,
        cache: &mut Cache,
    ) -> Result<Vec<(Family, Success)>, Error> {
        let ips = addrs.list();
        if ips.iter().all(|ip| !cache.get(Family::of(*ip)).is_empty()) {
            let records: Vec<_> = ips
                .iter()
                .map(|ip| (Some(cache.get(Family::of(*ip)).to_string()), *ip))
                .collect();
            let mut out = Vec::new();
            match self.send_update(send, s, &records, cache, &mut out) {
                Ok(()) => return Ok(out),
                Err(e) if e.class() == Class::Fatal || e.retry_after_secs().is_some() => {
                    return Err(e);
                }
                Err(e) => {
                    detail!("netcup: update by remembered id failed ({e}); reading the zone again");
                    *cache = Cache::default();
                }
            }
        }
        let reply = send(&self.build_info(s))?;
        let listed = parse_records(&reply, "infoDnsRecords")?;
        let mut out = Vec::new();
        let mut records = Vec::new();
        for ip in ips {
            let family = Family::of(ip);
            let rr = family.rr();
            let mut matching = listed.iter().filter(|r| self.is_ours(r, rr));
            let first = matching.next();
            match (first, matching.count()) {
                (None, _) if self.create => records.push((None, ip)),
                (None, _) => {
                    return Err(Error::fatal(format!(
                        "netcup: no {rr} record for {} in {}; create it, or set `create = true`",
                        self.name, self.zone
                    )));
                }
                (Some(one), 0) => {
                    cache.set(family, one.id.clone());
                    if holds(&one.destination, ip) {
                        out.push((family, Success::NoChange));
                    } else {
                        records.push((Some(one.id.clone()), ip));
                    }
                }
                (Some(_), more) => {
                    return Err(Error::fatal(format!(
                        "netcup: {} {rr} records for {}; ddnsup keeps exactly one up to date, remove the others",
                        more + 1,
                        self.name
                    )));
                }
            }
        }
        if !records.is_empty() {
            self.send_update(send, s, &records, cache, &mut out)?;
        }
        Ok(out)
    }

    /// Whether a listed record is this name's, of type `rr`.
    fn is_ours(&self, r: &RecordIn, rr: &str) -> bool {
        r.rr.eq_ignore_ascii_case(rr) && r.hostname.eq_ignore_ascii_case(self.hostname())
    }

    /// Sends the update; the answer lists the zone's records, which must hold each address
    /// (ids of created records are learnt from it). Each family updated is added to `out`.
    fn send_update(
        &self,
        send: &mut SendFn,
        s: &Session,
        records: &[(Option<String>, IpAddr)],
        cache: &mut Cache,
        out: &mut Vec<(Family, Success)>,
    ) -> Result<(), Error> {
        let reply = send(&self.build_update(s, records))?;
        let listed = parse_records(&reply, "updateDnsRecords")?;
        for (id, ip) in records {
            let rr = Family::of(*ip).rr();
            let found = listed.iter().find(|r| match id {
                Some(id) => r.id == *id,
                None => self.is_ours(r, rr) && holds(&r.destination, *ip),
            });
            match found {
                Some(r) if holds(&r.destination, *ip) => {
                    cache.set(Family::of(*ip), r.id.clone());
                    out.push((Family::of(*ip), Success::Updated));
                }
                Some(r) => {
                    return Err(Error::transient(format!(
                        "netcup: the {rr} record holds {:?} after the update, not {ip}",
                        short(&r.destination)
                    )));
                }
                None => {
                    return Err(Error::transient(format!(
                        "netcup: the {rr} record is missing from the answer to the update"
                    )));
                }
            }
        }
        Ok(())
    }
}

impl Provider for Netcup {
    fn fqdn(&self) -> String {
        self.name.clone()
    }

    fn supports_v6(&self) -> bool {
        true
    }

    /// The session starts with the login (its body, which holds the key, is hidden).
    fn plan(&self, addrs: Addrs) -> Vec<Planned> {
        Planned::together(addrs, |_| self.build_login())
    }

    fn update(
        &self,
        client: &Client,
        addrs: Addrs,
        cache: &mut Cache,
    ) -> Vec<(Family, Result<Success, Error>)> {
        let mut send = |req: &Request| client.send(req);
        match self.session(&mut send, addrs, cache) {
            Ok(done) => done.into_iter().map(|(f, s)| (f, Ok(s))).collect(),
            Err(e) => addrs
                .families()
                .into_iter()
                .map(|f| (f, Err(e.clone())))
                .collect(),
        }
    }
}

/// One record of the zone as listed (id, hostname, type, destination).
#[derive(Clone, Debug)]
struct RecordIn {
    id: String,
    hostname: String,
    rr: String,
    destination: String,
}

/// Success is HTTP 200 with `status` "success" and `statuscode` 2000; any other answer is
/// classified: HTTP errors by status, the per-minute limit transient for a minute, a refused
/// login fatal, other 4xxx codes (validation: the zone, the record) fatal, the rest transient.
pub fn parse_answer(reply: &Reply, action: &str) -> Result<(), Error> {
    answer(reply, action).map(|_| ())
}

/// [`parse_answer`], keeping the answer's JSON tree.
fn answer(reply: &Reply, action: &str) -> Result<Json, Error> {
    if reply.status != 200 {
        return Err(status_error(
            reply,
            format!(
                "netcup {action}: HTTP {}{}",
                reply.status,
                super::said(&reply.text())
            ),
        ));
    }
    let e = parse_value(reply, &format!("netcup {action}"), "answer")?;
    let text = |key| e.get(key).str().unwrap_or_default();
    let (status, code) = (
        text("status"),
        e.get("statuscode").int().unwrap_or_default(),
    );
    if status == "success" && code == STATUS_OK {
        return Ok(e);
    }
    let said = format!(
        "netcup {action}: {code} {}: {}",
        short(text("shortmessage")),
        short(text("longmessage"))
    );
    if text("longmessage").starts_with("More than ") {
        return Err(Error::transient_after(said, RATE_LIMIT_WAIT_SECS));
    }
    if status != "error" {
        return Err(Error::transient(format!(
            "{said} (status {:?})",
            short(status)
        )));
    }
    match (action, code) {
        ("login", _) => Err(Error::fatal(format!(
            "{said}; check `customernumber`, `apikey` and `apipassword`"
        ))),
        ("infoDnsRecords" | "updateDnsRecords", 4000..=4999) => {
            Err(Error::fatal(format!("{said}; check `zone` and `name`")))
        }
        _ => Err(Error::transient(said)),
    }
}

/// The session id from the answer to `login`.
pub fn parse_login(reply: &Reply) -> Result<Session, Error> {
    let login = answer(reply, "login")?;
    match login.get("responsedata").get("apisessionid").str() {
        Some(id) if !id.is_empty() => Ok(Session { id: id.to_string() }),
        _ => Err(Error::transient(
            "netcup login: no apisessionid in the answer",
        )),
    }
}

/// The zone's records from the answer to `infoDnsRecords` or `updateDnsRecords`; a record
/// without the documented text members makes the whole list unreadable.
fn parse_records(reply: &Reply, action: &str) -> Result<Vec<RecordIn>, Error> {
    let listed = answer(reply, action)?;
    let unexpected = |why| Error::transient(format!("netcup: unexpected record list ({why})"));
    let Json::Arr(records) = listed.get("responsedata").get("dnsrecords") else {
        return Err(unexpected("no dnsrecords"));
    };
    let read = |r: &Json| {
        let text = |key| r.get(key).str().map(str::to_string);
        Some(RecordIn {
            id: text("id")?,
            hostname: text("hostname")?,
            rr: text("type")?,
            destination: text("destination")?,
        })
    };
    let records = records.iter().map(read).collect::<Option<Vec<RecordIn>>>();
    records.ok_or_else(|| unexpected("a record without id, hostname, type or destination"))
}

#[cfg(test)]
#[path = "netcup_tests.rs"]
mod tests;
