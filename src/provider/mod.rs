//! The provider trait and the registry: one `match` from a config name to an implementation.
pub mod duckdns;
pub mod dyndns2;
pub mod namecheap;

use crate::config::Fields;
use crate::error::Error;
use crate::http::{Client, Reply, Request};
use std::net::IpAddr;

/// What a provider answered to an update that went through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Success {
    /// The record now holds the address.
    Updated,
    /// The provider says the record already held it (`nochg`).
    NoChange,
}

/// A DNS provider: builds its requests from a validated record and sends them.
pub trait Provider: Send + Sync {
    /// The name a person knows the record by, e.g. `home.example.com`.
    fn fqdn(&self) -> String;
    /// The requests an update to `ip` starts with (what `--dry-run` prints).
    fn plan(&self, ip: IpAddr) -> Vec<Request>;
    /// Sends the update; the error is already classified transient or fatal.
    fn update(&self, client: &Client, ip: IpAddr) -> Result<Success, Error>;
}

/// Builds the provider named in a record's `provider` key. Adding a provider with its own
/// API means one file and one arm here; a dyndns2-style service is a preset row instead.
pub fn from_config(name: &str, fields: &mut Fields) -> Result<Box<dyn Provider>, Error> {
    Ok(match name {
        "namecheap" => Box::new(namecheap::Namecheap::from_config(fields)?),
        "duckdns" => Box::new(duckdns::DuckDns::from_config(fields)?),
        "dyndns2" => Box::new(dyndns2::Dyndns2::from_config(None, fields)?),
        other => match dyndns2::preset(other) {
            Some(preset) => Box::new(dyndns2::Dyndns2::from_config(Some(preset), fields)?),
            None => {
                return Err(Error::Config(format!(
                    "unknown provider \"{other}\" (known: namecheap, duckdns, dyndns2, {})",
                    dyndns2::preset_names().join(", ")
                )));
            }
        },
    })
}

/// Sends one request and hands the reply to a pure parser.
pub fn send_one(
    client: &Client,
    req: &Request,
    parse: impl Fn(&Reply) -> Result<Success, Error>,
) -> Result<Success, Error> {
    parse(&client.send(req)?)
}

/// The HTTP status alone, for replies whose body says nothing recognisable:
/// 401/403 are fatal (credentials), 429 and 5xx transient, anything else transient.
pub fn classify_status(reply: &Reply, what: &str) -> Error {
    let status = reply.status;
    let shown = short(&reply.text());
    let detail = if shown.is_empty() {
        String::new()
    } else {
        format!(": {shown:?}")
    };
    match status {
        401 | 403 => Error::fatal(format!(
            "HTTP {status}, credentials refused{detail}; check the record's secret"
        )),
        429 | 500..=599 => match reply.retry_after_secs() {
            Some(s) => Error::transient_after(format!("HTTP {status}{detail}"), s),
            None => Error::transient(format!("HTTP {status}{detail}")),
        },
        _ => Error::transient(format!("unexpected {what} (HTTP {status}){detail}")),
    }
}

/// A reply cut down to something a log line can hold.
pub fn short(text: &str) -> String {
    let t = text.trim();
    let mut s: String = t.chars().filter(|c| !c.is_control()).take(80).collect();
    if t.chars().count() > 80 {
        s.push('…');
    }
    s
}
