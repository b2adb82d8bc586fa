//! Notifications as data: the `[[notify]]` targets, which events a run had (from each attempt's state entry before and after), and what each target is sent: one notice per target per run.
//!
//! Several events in one run make one notice per target: `{message}` has one line per event,
//! `{event}` and `{record}` list each event and record once (comma-separated, in run order),
//! and `{ip}`, `{old_ip}`, `{hostname}` and the family are the first event's. An `every_run`
//! target also gets a notice when nothing happened (`{event}` = `every_run`).
use crate::detect::Family;
use crate::fields::Secret;
use crate::http::{Method, Request};
use crate::state::Entry;
use crate::template::{self, Template, Value};
use std::net::IpAddr;

/// What a target can be told about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    Change,
    Failure,
    Stopped,
    Recovery,
    EveryRun,
}

impl Event {
    pub const ALL: [Event; 5] = [
        Event::Change,
        Event::Failure,
        Event::Stopped,
        Event::Recovery,
        Event::EveryRun,
    ];
    /// Without `on`: every change and every failure.
    pub const DEFAULT: [Event; 3] = [Event::Change, Event::Failure, Event::Stopped];

    pub fn name(self) -> &'static str {
        match self {
            Event::Change => "change",
            Event::Failure => "failure",
            Event::Stopped => "stopped",
            Event::Recovery => "recovery",
            Event::EveryRun => "every_run",
        }
    }

    pub fn parse(text: &str) -> Option<Event> {
        Event::ALL.into_iter().find(|e| e.name() == text)
    }
}

/// One `[[notify]]` entry, validated.
pub struct Notify {
    /// 1-based position among the `[[notify]]` entries.
    pub index: usize,
    pub on: Vec<Event>,
    pub timeout_secs: u64,
    pub target: Target,
}

pub enum Target {
    Url(UrlTarget),
    /// An argv, run without a shell.
    Command(Vec<String>),
}

pub struct UrlTarget {
    pub method: Method,
    pub url: Template,
    pub headers: Vec<(String, Template)>,
    pub body: Option<Template>,
    pub token: Option<Secret>,
}

/// The placeholders of a notification's url, headers and body, in the order of `values`.
pub const NAMES: &[&str] = &[
    "ip", "ip4", "ip6", "hostname", "record", "old_ip", "event", "message", "token",
];

impl Notify {
    /// How logs name it: `notify 2 (ntfy.sh)`, `notify 3 (/usr/local/bin/x)`.
    pub fn label(&self) -> String {
        let what = match &self.target {
            Target::Url(u) => crate::http::host_of(u.url.prefix()),
            Target::Command(argv) => argv[0].as_str(),
        };
        format!("notify {} ({what})", self.index)
    }
}

/// One thing that happened to a record (or to address detection) this run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Happened {
    pub event: Event,
    /// The record's label; empty for address detection.
    pub record: String,
    pub hostname: String,
    pub family: Family,
    pub ip: String,
    pub old_ip: String,
    pub message: String,
}

/// One update attempt: the record family's entry before and after it, the address sent,
/// and whether the provider said it changed the record.
pub struct Attempt<'a> {
    pub record: &'a str,
    pub hostname: &'a str,
    pub family: Family,
    pub ip: IpAddr,
    pub before: Option<&'a Entry>,
    pub after: &'a Entry,
    pub updated: bool,
}

/// The events of one attempt: stopped or failure, else change and/or recovery (or none).
pub fn events(a: &Attempt) -> Vec<Happened> {
    let old_ip = a.before.map_or("", |e| e.ip.as_str());
    let rr = a.family.rr();
    let happened = |event, message: String| Happened {
        event,
        record: a.record.to_string(),
        hostname: a.hostname.to_string(),
        family: a.family,
        ip: a.ip.to_string(),
        old_ip: old_ip.to_string(),
        message: format!("{}: {rr} {message}", a.record),
    };
    let result = &a.after.result;
    if a.after.stopped {
        return vec![happened(Event::Stopped, result.clone())];
    }
    if a.after.failures > 0 {
        return vec![happened(Event::Failure, result.clone())];
    }
    let ip = a.ip.to_string();
    let mut out = Vec::new();
    if a.updated && old_ip != ip {
        let was = match old_ip {
            "" => String::new(),
            old => format!(" (was {old})"),
        };
        out.push(happened(Event::Change, format!("changed to {ip}{was}")));
    }
    if a.before.is_some_and(|e| e.stopped || e.failures > 0) {
        out.push(happened(Event::Recovery, format!("recovered, at {ip}")));
    }
    out
}

/// A failed address lookup: a failure of no one record.
pub fn detection_failed(family: Family, message: String) -> Happened {
    Happened {
        event: Event::Failure,
        record: String::new(),
        hostname: String::new(),
        family,
        ip: String::new(),
        old_ip: String::new(),
        message,
    }
}

/// What one target is sent: the placeholders' values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub event: String,
    pub record: String,
    pub hostname: String,
    pub family: Option<Family>,
    pub ip: String,
    pub ip4: String,
    pub ip6: String,
    pub old_ip: String,
    pub message: String,
}

/// The notice for a target that listens to `on`, or `None` when the run has nothing for it.
/// `ip4`/`ip6`: the addresses found this run ("" when none).
pub fn notice(on: &[Event], happened: &[Happened], ip4: &str, ip6: &str) -> Option<Notice> {
    let every_run = on.contains(&Event::EveryRun);
    let mine: Vec<&Happened> = happened
        .iter()
        .filter(|h| every_run || on.contains(&h.event))
        .collect();
    let first = match mine.first() {
        Some(first) => *first,
        None if every_run => {
            return Some(Notice {
                event: Event::EveryRun.name().to_string(),
                record: String::new(),
                hostname: String::new(),
                family: None,
                ip: String::new(),
                ip4: ip4.to_string(),
                ip6: ip6.to_string(),
                old_ip: String::new(),
                message: "ddnsup: nothing changed".to_string(),
            });
        }
        None => return None,
    };
    let each = |part: fn(&Happened) -> &str, sep: &str| {
        let mut seen: Vec<&str> = Vec::new();
        for h in &mine {
            let p = part(h);
            if !p.is_empty() && !seen.contains(&p) {
                seen.push(p);
            }
        }
        seen.join(sep)
    };
    let lines: Vec<&str> = mine.iter().map(|h| h.message.as_str()).collect();
    Some(Notice {
        event: each(|h| h.event.name(), ","),
        record: each(|h| h.record.as_str(), ", "),
        hostname: first.hostname.clone(),
        family: Some(first.family),
        ip: first.ip.clone(),
        ip4: ip4.to_string(),
        ip6: ip6.to_string(),
        old_ip: first.old_ip.clone(),
        message: lines.join("\n"),
    })
}

/// The placeholder values of `NAMES` for a notice.
fn values<'a>(n: &'a Notice, token: Option<&'a Secret>) -> [Value<'a>; 9] {
    [
        Value::plain(&n.ip),
        Value::plain(&n.ip4),
        Value::plain(&n.ip6),
        Value::plain(&n.hostname),
        Value::plain(&n.record),
        Value::plain(&n.old_ip),
        Value::plain(&n.event),
        Value::plain(&n.message),
        Value::secret(token.map_or("", Secret::expose)),
    ]
}

/// Header names whose values are credentials, whatever the template says.
const SECRET_HEADER_WORDS: &[&str] = &["auth", "key", "token", "secret", "password"];

/// The request a URL target sends. Its path and query are hidden wherever it is shown (a
/// webhook's or bot's secret often lives there), as are credential-like header values.
pub fn build_request(t: &UrlTarget, n: &Notice) -> Result<Request, String> {
    let values = values(n, t.token.as_ref());
    let url = t.url.render(&values)?;
    let mut headers = Vec::new();
    for (name, value) in &t.headers {
        headers.push((name.clone(), value.render(&values)?));
    }
    let body = match &t.body {
        Some(b) => Some(b.render(&values)?),
        None => None,
    };
    let mut req = template::request(t.method, url, &headers, body);
    let start = req.url.find("://").map_or(0, |i| i + 3);
    let rest = req.url[start..]
        .find(['/', '?'])
        .map_or("", |i| &req.url[start + i..]);
    let hidden = rest.get(1..).unwrap_or("");
    if !hidden.is_empty() {
        req.path_secrets = vec![hidden.to_string()];
    }
    for h in &mut req.headers {
        let name = h.name.to_ascii_lowercase();
        h.secret |= SECRET_HEADER_WORDS.iter().any(|w| name.contains(w));
    }
    Ok(req)
}

/// A command target's environment (on top of `PATH`): the notice, never a secret.
pub fn command_env(n: &Notice) -> Vec<(&'static str, String)> {
    vec![
        ("DDNSUP_EVENT", n.event.clone()),
        ("DDNSUP_RECORD", n.record.clone()),
        (
            "DDNSUP_FAMILY",
            n.family.map_or("", family_word).to_string(),
        ),
        ("DDNSUP_IP", n.ip.clone()),
        ("DDNSUP_OLD_IP", n.old_ip.clone()),
        ("DDNSUP_MESSAGE", n.message.clone()),
    ]
}

/// The family as the config writes it.
fn family_word(f: Family) -> &'static str {
    match f {
        Family::V4 => "ipv4",
        Family::V6 => "ipv6",
    }
}

#[cfg(test)]
#[path = "notify_tests.rs"]
mod tests;
