//! `provider = "custom"`: any service with an update URL, from templates (`crate::template`), and the URL presets built on it.
//!
//! Requests: one per family, IPv4 to `url`, IPv6 to `url6` (default `url`); `{ip}` is that
//! request's address and `{ip4}`/`{ip6}` hold it when it is of their family, else nothing.
//! A record without `url6` whose templates use `{ip4}` or `{ip6}` but never `{ip}` sends both
//! families in one request instead, each placeholder filled when its family is sent.
//!
//! Replies (the word rule): with `success`/`failure` words, the reply's first non-blank line,
//! trimmed, is compared case-insensitively; a word matches when the line starts with it and
//! the line ends there or goes on with a character that is not a letter or digit (`good`
//! matches `good 1.2.3.4`, not `goodbye`). Failure words are checked first and are fatal; then
//! a non-2xx status is classified by itself (never a success); then a success word is success;
//! anything else is a transient failure. `reply = "dyndns2"` reads the dyndns2 codes; with
//! neither, the status alone decides (2xx success, 401/403 fatal, 429/5xx transient).
use super::presets::{Preset, with_server};
use super::{Addrs, Planned, Provider, Success, classify_status, dyndns2, first_line};
use super::{said, unknown_answer};
use crate::error::Error;
use crate::fields::{Fields, Secret, check_url};
use crate::http::{Method, Reply, Request, host_of};
use crate::template::{Place, Rendered, Template, Value, is_header_name, parse_method, request};
use std::net::IpAddr;

/// The placeholders, in the order `values` fills them; those from `hostname` on are filled by
/// the key of the same name.
const NAMES: &[&str] = &[
    "ip", "ip4", "ip6", "hostname", "username", "password", "token",
];
const IP: usize = 0;
const IP4: usize = 1;
const IP6: usize = 2;

#[derive(Debug, Clone, PartialEq)]
pub enum Rule {
    Words {
        success: Vec<String>,
        failure: Vec<String>,
    },
    Dyndns2,
    Status,
}

pub struct Custom {
    url: Template,
    /// `None`: no IPv6 updates (a preset without one).
    url6: Option<Template>,
    together: bool,
    method: Method,
    body: Option<Template>,
    headers: Vec<(String, Template)>,
    hostname: String,
    username: String,
    password: Option<Secret>,
    token: Option<Secret>,
    basic: bool,
    rule: Rule,
}

impl Custom {
    pub fn from_config(preset: Option<&'static Preset>, f: &mut Fields) -> Result<Custom, Error> {
        // The texts live in this block only, so the checks below have one thing to drop.
        let (url, url6, own_url6) = {
            let allow_http = f.bool("allow_http")?.unwrap_or(false);
            let server = match preset {
                Some(_) => f.str("server")?,
                None => None,
            };
            if let Some(s) = &server {
                check_url(s, allow_http).map_err(|m| f.error("server", &m))?;
            }
            let moved = |t: &str| match &server {
                Some(s) => with_server(t, s),
                None => t.to_string(),
            };
            let url_text = match (f.str("url")?, preset) {
                (Some(u), _) => u,
                (None, Some(p)) => moved(p.url),
                (None, None) => return Err(f.missing("url")),
            };
            let url6_text = match (f.str("url6")?, preset) {
                (Some(u), _) => Some(Some(u)),
                (None, Some(p)) => Some(p.url6.map(moved)),
                (None, None) => None,
            };
            let url = parse_url(f, "url", &url_text, allow_http)?;
            // Without `url6`, IPv6 goes to `url` too (parsed again: it parsed once already).
            let url6 = match &url6_text {
                Some(Some(t)) => Some(("url6", t)),
                Some(None) => None,
                None => Some(("url", &url_text)),
            };
            let url6 = url6
                .map(|(k, t)| parse_url(f, k, t, allow_http))
                .transpose()?;
            (url, url6, url6_text.is_some())
        };
        let mut c = Custom {
            url,
            url6,
            together: false,
            method: Method::Get,
            body: None,
            headers: Vec::new(),
            hostname: String::new(),
            username: String::new(),
            password: None,
            token: None,
            basic: false,
            rule: Rule::Status,
        };
        c.method = match f.str("method")? {
            None => preset.map_or(Method::Get, |p| p.method),
            Some(m) => parse_method(&m).ok_or_else(|| {
                f.error("method", "must be \"GET\", \"POST\", \"PUT\" or \"PATCH\"")
            })?,
        };
        if let Some(b) = f.str("body")? {
            if c.method == Method::Get {
                let m = "a body needs method = \"POST\", \"PUT\" or \"PATCH\"";
                return Err(f.error("body", m));
            }
            c.body = Some(parse(f, "body", &b, Place::body(&b))?);
        }
        for (name, value) in f.str_table("headers")? {
            let key = format!("headers.{name}");
            if !is_header_name(&name) {
                return Err(f.error(&key, "is not a header name"));
            }
            let t = parse(f, &key, &value, Place::Header)?;
            c.headers.push((name, t));
        }
        c.hostname = f.str("hostname")?.unwrap_or_default();
        c.username = f.str("username")?.unwrap_or_default();
        c.password = f.secret_opt("password")?;
        c.token = f.secret_opt("token")?;
        let basic = match preset {
            Some(p) => p.basic,
            None => c.password.is_some() && !c.uses(5),
        };
        let given = [
            !c.hostname.is_empty(),
            !c.username.is_empty() || basic,
            c.password.is_some(),
            c.token.is_some(),
        ];
        for (i, given) in (3..).zip(given) {
            if c.uses(i) && !given {
                let m = format!("is missing, and a template uses {{{}}}", NAMES[i]);
                return Err(f.error(NAMES[i], &m));
            }
        }
        if basic && (c.username.is_empty() || c.password.is_none()) {
            let key = if c.username.is_empty() {
                "username"
            } else {
                "password"
            };
            return Err(f.missing(key));
        }
        c.basic = basic;
        c.rule = parse_rule(f, preset)?;
        c.together = !own_url6 && (c.uses(IP4) || c.uses(IP6)) && !c.uses(IP);
        // Header values are checked here, so rendering them per request cannot fail.
        for (name, t) in &c.headers {
            t.render(&c.values())
                .map_err(|m| f.error(&format!("headers.{name}"), &m))?;
        }
        Ok(c)
    }

    /// Whether any template uses the placeholder `NAMES[i]`.
    fn uses(&self, i: usize) -> bool {
        self.url.uses(i)
            || self.url6.as_ref().is_some_and(|t| t.uses(i))
            || self.body.as_ref().is_some_and(|t| t.uses(i))
            || self.headers.iter().any(|(_, t)| t.uses(i))
    }

    fn values(&self) -> [Value<'_>; 7] {
        [
            Value::plain(""),
            Value::plain(""),
            Value::plain(""),
            Value::plain(&self.hostname),
            Value::plain(&self.username),
            Value::secret(exposed(&self.password)),
            Value::secret(exposed(&self.token)),
        ]
    }

    /// The request for `a`: IPv4 (or both, when together) to `url`, IPv6 alone to `url6`.
    pub fn build_request(&self, a: Addrs) -> Request {
        let (ip4, ip6) = (text(a.v4.map(IpAddr::V4)), text(a.v6.map(IpAddr::V6)));
        let ip = if a.v4.is_some() { &ip4 } else { &ip6 };
        let mut values = self.values();
        values[IP] = Value::plain(ip);
        values[IP4] = Value::plain(&ip4);
        values[IP6] = Value::plain(&ip6);
        let url = match (&self.url6, a.v4) {
            (Some(u6), None) => u6,
            _ => &self.url,
        };
        let render = |t: &Template| t.render(&values);
        let url = render(url).unwrap_or_else(|_| unreachable_render());
        let headers: Vec<(String, Rendered)> = self
            .headers
            .iter()
            .filter_map(|(n, t)| Some((n.clone(), render(t).ok()?)))
            .collect();
        let body = self.body.as_ref().and_then(|t| render(t).ok());
        let req = request(self.method, url, &headers, body);
        match (&self.password, self.basic) {
            (Some(p), true) => req.basic_auth(&self.username, p.expose()),
            _ => req,
        }
    }
}

/// URL and body templates never fail to render (only header text can).
fn unreachable_render() -> Rendered {
    Rendered {
        place: Place::Url,
        text: String::new(),
        secrets: Vec::new(),
    }
}

fn exposed(s: &Option<Secret>) -> &str {
    s.as_ref().map_or("", Secret::expose)
}

fn text(ip: Option<IpAddr>) -> String {
    ip.map(|ip| ip.to_string()).unwrap_or_default()
}

fn parse(f: &Fields, key: &str, text: &str, place: Place) -> Result<Template, Error> {
    Template::parse(text, place, NAMES).map_err(|m| f.error(key, &m))
}

/// A URL template whose scheme and host are written out (no placeholder before the path).
fn parse_url(f: &Fields, key: &str, text: &str, allow_http: bool) -> Result<Template, Error> {
    let t = parse(f, key, text, Place::Url)?;
    let prefix = t.prefix();
    let after = prefix.find("://").map_or(0, |i| i + 3);
    let origin = match prefix[after..].find(['/', '?']) {
        Some(end) => &prefix[..after + end],
        None if prefix.len() == text.len() => prefix,
        None => return Err(f.error(key, "write the scheme and host out, not as a placeholder")),
    };
    check_url(origin, allow_http).map_err(|m| f.error(key, &m))?;
    Ok(t)
}

fn parse_rule(f: &mut Fields, preset: Option<&Preset>) -> Result<Rule, Error> {
    let own = |list: &[&str]| list.iter().map(|w| w.to_string()).collect::<Vec<_>>();
    let success = f.str_list("success")?;
    let failure = f.str_list("failure")?;
    let reply = f.str("reply")?;
    for (key, list) in [("success", &success), ("failure", &failure)] {
        if list.iter().flatten().any(|w| w.trim().is_empty()) {
            return Err(f.error(key, "holds an empty word"));
        }
    }
    match reply.as_deref() {
        Some("dyndns2") if success.is_some() || failure.is_some() => Err(f.error(
            "reply",
            "\"dyndns2\" reads the dyndns2 codes; leave out success and failure",
        )),
        Some("dyndns2") => Ok(Rule::Dyndns2),
        Some(_) => Err(f.error("reply", "the only reply reader is \"dyndns2\"")),
        None => {
            let success = success.unwrap_or_else(|| own(preset.map_or(&[], |p| p.success)));
            let failure = failure.unwrap_or_else(|| own(preset.map_or(&[], |p| p.failure)));
            if success.is_empty() && failure.is_empty() {
                Ok(Rule::Status)
            } else {
                Ok(Rule::Words { success, failure })
            }
        }
    }
}

/// Whether `line` starts with `word` (ASCII case ignored) followed by its end or a character
/// that is not a letter or digit.
pub fn starts_with_word(line: &str, word: &str) -> bool {
    let (l, w) = (line.as_bytes(), word.trim().as_bytes());
    l.len() >= w.len()
        && l[..w.len()].eq_ignore_ascii_case(w)
        && !l.get(w.len()).is_some_and(u8::is_ascii_alphanumeric)
}

/// Reads a reply by the record's rule (see the file's head).
pub fn parse_reply(rule: &Rule, reply: &Reply, sent: &[IpAddr]) -> Result<Success, Error> {
    let ok = (200..300).contains(&reply.status);
    match rule {
        Rule::Dyndns2 => dyndns2::parse_reply(reply, sent),
        Rule::Status if ok => Ok(Success::Updated),
        Rule::Status => Err(classify_status(reply, "reply")),
        Rule::Words { success, failure } => {
            let text = reply.text();
            let line = first_line(&text);
            if failure.iter().any(|w| starts_with_word(line, w)) {
                return Err(Error::fatal(format!("refused{}", said(line))));
            }
            if !ok {
                return Err(classify_status(reply, "reply"));
            }
            if success.is_empty() || success.iter().any(|w| starts_with_word(line, w)) {
                return Ok(Success::Updated);
            }
            Err(unknown_answer(reply, line))
        }
    }
}

impl Provider for Custom {
    fn fqdn(&self) -> String {
        if self.hostname.is_empty() {
            host_of(self.url.prefix()).to_string()
        } else {
            self.hostname.clone()
        }
    }

    fn supports_v6(&self) -> bool {
        self.url6.is_some()
    }

    fn plan(&self, addrs: Addrs) -> Vec<Planned> {
        let addrs = if self.url6.is_some() {
            addrs
        } else {
            addrs.v4_only()
        };
        let mut out = Vec::new();
        let mut push = |sets| {
            out.push(Planned {
                request: self.build_request(sets),
                sets,
            })
        };
        if !self.together {
            addrs.list().into_iter().for_each(|ip| push(Addrs::one(ip)));
        } else if !addrs.is_empty() {
            push(addrs);
        }
        out
    }

    fn parse_reply(&self, reply: &Reply, sets: Addrs) -> Result<Success, Error> {
        parse_reply(&self.rule, reply, &sets.list())
    }
}

#[cfg(test)]
#[path = "custom_tests.rs"]
mod tests;
