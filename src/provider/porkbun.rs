//! Porkbun JSON API v3 (https://porkbun.com/api/json/v3/documentation): read the record by name and type, edit it only when its content differs.
use super::api::{SendFn, holds, update_each};
use super::names::{full_name, is_within, parse_record_name, required_name};
use super::{Addrs, Cache, Planned, Provider, Success, classify_status, short, status_error};
use crate::error::Error;
use crate::family::Family;
use crate::fields::{Fields, Secret};
use crate::http::{Client, Method, Reply, Request};
use crate::json::{Json, quote};
use std::net::IpAddr;

pub const DEFAULT_SERVER: &str = "https://api.porkbun.com";
/// Added to a `server` given without a path.
pub const API_PATH: &str = "/api/json/v3";

pub struct Porkbun {
    base: String,
    domain: String,
    /// The subdomain labels; empty for the apex.
    host: String,
    api_key: Secret,
    secret_api_key: Secret,
}

impl Porkbun {
    pub fn from_config(f: &mut Fields) -> Result<Porkbun, Error> {
        let base = f.endpoint(DEFAULT_SERVER, API_PATH)?;
        let domain = required_name(f, "domain", None)?;
        let host = match f.str("host")? {
            Some(h) if h == "@" || h.is_empty() => String::new(),
            Some(h) => parse_record_name(&h).map_err(|m| f.error("host", &m))?,
            None => return Err(f.missing("host")),
        };
        if is_within(&host, &domain) {
            return Err(f.error(
                "host",
                &format!("give only the subdomain (e.g. \"home\", \"@\" or \"*\"), not \"{host}\""),
            ));
        }
        let api_key = f.secret("api_key")?;
        let secret_api_key = f.secret("secret_api_key")?;
        check_key_kinds(f, &api_key, &secret_api_key)?;
        Ok(Porkbun {
            base,
            domain,
            host,
            api_key,
            secret_api_key,
        })
    }

    /// `<base>/dns/<op>/<domain>/<type>[/<host>]`; names are checked, so nothing needs escaping.
    fn url(&self, op: &str, rr: &str) -> String {
        let mut url = format!("{}/dns/{op}/{}/{rr}", self.base, self.domain);
        if !self.host.is_empty() {
            url.push('/');
            url.push_str(&self.host);
        }
        url
    }

    /// `"apikey":..,"secretapikey":..`, the members every request starts with.
    fn keys(&self) -> String {
        format!(
            r#""apikey":{},"secretapikey":{}"#,
            quote(self.api_key.expose()),
            quote(self.secret_api_key.expose())
        )
    }

    pub fn build_retrieve(&self, rr: &str) -> Request {
        let body = format!("{{{}}}", self.keys());
        Request::json(Method::Post, self.url("retrieveByNameType", rr), body, true)
    }

    /// Sets `content` and sends the record's own TTL and priority back, so they are kept:
    /// only the fields `editByNameType` documents (`content`, `ttl`, `prio`) and the keys.
    pub fn build_edit(&self, rr: &str, ip: IpAddr, existing: &Existing) -> Request {
        let mut body = format!(r#"{{{},"content":"{ip}""#, self.keys());
        for (key, value) in [("ttl", &existing.ttl), ("prio", &existing.prio)] {
            if let Some(v) = value {
                body.push_str(&format!(r#","{key}":{}"#, quote(v)));
            }
        }
        body.push('}');
        Request::json(Method::Post, self.url("editByNameType", rr), body, true)
    }

    /// Reads the record; edits it only when it holds another address, because Porkbun answers
    /// an edit that changes nothing with an error.
    pub fn update_family(&self, send: &mut SendFn, ip: IpAddr) -> Result<Success, Error> {
        let rr = Family::of(ip).rr();
        let reply = send(&self.build_retrieve(rr))?;
        let existing = parse_retrieve(&reply, rr, &self.fqdn())?;
        if holds(&existing.content, ip) {
            return Ok(Success::NoChange);
        }
        let reply = send(&self.build_edit(rr, ip, &existing))?;
        parse_edit(&reply)
    }
}

/// Porkbun's API keys start `pk1_` and its secret keys `sk1_`: keys given the other way round
/// are named without repeating them.
fn check_key_kinds(f: &Fields, api_key: &Secret, secret_api_key: &Secret) -> Result<(), Error> {
    const WHERE: &str =
        "api_key takes the API key (pk1_...) and secret_api_key the secret API key (sk1_...)";
    let (api, secret) = (api_key.expose(), secret_api_key.expose());
    let (key, what) = match (api.starts_with("sk1_"), secret.starts_with("pk1_")) {
        (true, true) => ("api_key", "the two keys are swapped"),
        (true, false) => ("api_key", "holds a secret API key (sk1_...)"),
        (false, true) => (
            "secret_api_key",
            "holds an API key (pk1_...), not the secret one",
        ),
        (false, false) => return Ok(()),
    };
    Err(f.error(key, &format!("{what}; {WHERE}")))
}

impl Provider for Porkbun {
    fn fqdn(&self) -> String {
        full_name(&self.host, &self.domain)
    }

    fn supports_v6(&self) -> bool {
        true
    }

    /// Each family starts with reading its record.
    fn plan(&self, addrs: Addrs) -> Vec<Planned> {
        Planned::each(addrs, |ip| self.build_retrieve(Family::of(ip).rr()))
    }

    /// The answer to the edit; `update` drives the whole exchange.
    fn parse_reply(&self, reply: &Reply, _sets: Addrs) -> Result<Success, Error> {
        parse_edit(reply)
    }

    fn update(
        &self,
        client: &Client,
        addrs: Addrs,
        _cache: &mut Cache,
    ) -> Vec<(Family, Result<Success, Error>)> {
        update_each(client, addrs, |send, ip| self.update_family(send, ip))
    }
}

/// A string, a number or null: Porkbun documents numbers as strings (`"ttl":"600"`), and a
/// bare number or a null is taken too. `None` when null or absent; `Err` for anything else.
fn text(v: &Json) -> Result<Option<String>, ()> {
    match v {
        Json::Str(s) | Json::Num(s) => Ok(Some(s.clone())),
        Json::Null => Ok(None),
        _ => Err(()),
    }
}

/// The record as read: what an edit compares with and keeps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Existing {
    pub content: String,
    pub ttl: Option<String>,
    pub prio: Option<String>,
}

/// The one `rr` record of the name: none or several are fatal (nothing to edit, or an edit
/// would collapse them all into one address).
pub fn parse_retrieve(reply: &Reply, rr: &str, fqdn: &str) -> Result<Existing, Error> {
    let envelope = parse_envelope(reply)?;
    let mut records = Vec::new();
    for r in envelope.get("records").items() {
        let (Some(kind), Some(content), Ok(ttl), Ok(prio)) = (
            r.get("type").str(),
            r.get("content").str(),
            text(r.get("ttl")),
            text(r.get("prio")),
        ) else {
            return Err(classify_status(reply, "record (not Porkbun's JSON)"));
        };
        if kind.eq_ignore_ascii_case(rr) {
            let content = content.to_string();
            records.push(Existing { content, ttl, prio });
        }
    }
    match records.len() {
        0 => Err(Error::fatal(format!(
            "no existing {rr} record for {fqdn} at Porkbun; create it first (ddnsup only edits)"
        ))),
        1 => Ok(records.swap_remove(0)),
        many => Err(Error::fatal(format!(
            "{many} {rr} records for {fqdn} at Porkbun; ddnsup keeps exactly one up to date, remove the others"
        ))),
    }
}

/// `SUCCESS` with HTTP 200 is the only success.
pub fn parse_edit(reply: &Reply) -> Result<Success, Error> {
    parse_envelope(reply).map(|_| Success::Updated)
}

/// A `SUCCESS` envelope, or the failure the reply stands for.
fn parse_envelope(reply: &Reply) -> Result<Json, Error> {
    let Ok(envelope) = Json::parse(&reply.text()) else {
        return Err(classify_status(reply, "reply (not Porkbun's JSON)"));
    };
    let said = |key| envelope.get(key).str().unwrap_or_default();
    match said("status") {
        "SUCCESS" if reply.status == 200 => Ok(envelope),
        "ERROR" => Err(classify_error(said("code"), said("message"), reply)),
        _ => Err(classify_status(reply, "reply")),
    }
}

const CHECK_KEYS: &str =
    "check api_key and secret_api_key, and that API access is on for the domain";

/// Porkbun's documented error codes that need a person, with what to do.
const FATAL_CODES: &[(&str, &str)] = &[
    ("INVALID_API_KEYS_001", CHECK_KEYS),
    ("INVALID_USER", CHECK_KEYS),
    ("INVALID_TOKEN", CHECK_KEYS),
    ("API_KEY_REQUIRED", CHECK_KEYS),
    (
        "INVALID_DOMAIN",
        "check `domain`: the domain registered at Porkbun",
    ),
];

/// Porkbun's documented error codes that pass by themselves.
const TRANSIENT_CODES: &[&str] = &["RATE_LIMIT_EXCEEDED"];

/// Porkbun's machine-readable `code` decides where it is a documented one; otherwise the
/// `message`: a refused key or an unknown domain is fatal, an edit error and anything unknown
/// are transient unless the status says otherwise.
fn classify_error(code: &str, message: &str, reply: &Reply) -> Error {
    let m = short(message);
    let code = code.trim();
    if let Some((_, hint)) = FATAL_CODES.iter().find(|(c, _)| *c == code) {
        return Error::fatal(format!("Porkbun: {m} ({code}; {hint})"));
    }
    if TRANSIENT_CODES.contains(&code) {
        let message = format!("Porkbun: {m} ({code})");
        return match reply.retry_after_secs() {
            Some(secs) => Error::transient_after(message, secs),
            None => Error::transient(message),
        };
    }
    if m.starts_with("Invalid API key.") {
        Error::fatal(format!("Porkbun: {m} ({CHECK_KEYS})"))
    } else if m == "Invalid domain." {
        Error::fatal(format!(
            "Porkbun: {m} (check `domain`: the domain registered at Porkbun)"
        ))
    } else if m.starts_with("Edit error") {
        Error::transient(format!("Porkbun: {m}"))
    } else {
        status_error(reply, format!("Porkbun: {m} (HTTP {})", reply.status))
    }
}

#[cfg(test)]
#[path = "porkbun_tests.rs"]
mod tests;
