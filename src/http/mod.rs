//! HTTP(S) requests as data and their sending: one deadline, reply cap, User-Agent, safe
//! redirects, redaction. The wire format is in `wire`, the connection in `conn`.
mod conn;
pub mod date;
mod input;
pub mod pem;
mod verify;
pub mod wire;

use crate::error::Error;
use conn::Conn;
use std::fmt::Write as _;
use std::io::Write as _;
use std::time::{Duration, Instant};
use wire::ReadError;

/// Replies larger than this are a failure, never read into memory whole.
pub const MAX_REPLY_BYTES: usize = 64 * 1024;
/// Redirects followed by hand, at most this many.
const MAX_REDIRECTS: usize = 2;

pub const USER_AGENT: &str = concat!(
    "ddnsup/",
    env!("CARGO_PKG_VERSION"),
    " (+",
    env!("CARGO_PKG_REPOSITORY"),
    ")"
);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
    Put,
    Patch,
    Delete,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
        }
    }
}

/// A request as data: built by pure provider code, sent by `Client::send`, printed redacted.
#[derive(Clone, PartialEq)]
pub struct Request {
    pub method: Method,
    /// Scheme, authority and path, without query: `https://host:port/path` (a template's URL
    /// may hold its own query when `query` is empty).
    pub url: String,
    /// Query pairs, unencoded; `secret` values are redacted when shown.
    pub query: Vec<Param>,
    pub headers: Vec<Param>,
    pub body: Option<Vec<u8>>,
    pub body_is_secret: bool,
    /// Secrets written into the URL path (e.g. a token as a path segment), hidden when shown.
    pub path_secrets: Vec<String>,
    /// The secrets as written (a password, not its Basic encoding), hidden in the reply when a
    /// server echoes one back (see [`Request::hide_echoes`]).
    pub raw_secrets: Vec<String>,
    /// The reply itself is a credential (a login's session): `-v` shows only its size.
    pub reply_is_secret: bool,
    /// Redirects are followed only on the same origin (a router's UPnP device: its answers
    /// must come from the router itself).
    pub origin_only: bool,
}

#[derive(Clone, PartialEq)]
pub struct Param {
    pub name: String,
    pub value: String,
    pub secret: bool,
}

impl Request {
    pub fn get(url: impl Into<String>) -> Request {
        Request {
            method: Method::Get,
            url: url.into(),
            query: Vec::new(),
            headers: Vec::new(),
            body: None,
            body_is_secret: false,
            path_secrets: Vec::new(),
            raw_secrets: Vec::new(),
            reply_is_secret: false,
            origin_only: false,
        }
    }

    /// Follows redirects on the same origin only.
    pub fn origin_only(mut self) -> Request {
        self.origin_only = true;
        self
    }

    /// Marks the reply as a credential, never shown.
    pub fn secret_reply(mut self) -> Request {
        self.reply_is_secret = true;
        self
    }

    /// Marks `secret` (written somewhere in this request) to be hidden in the reply.
    pub fn hiding(mut self, secret: &str) -> Request {
        self.raw_secrets.push(secret.to_string());
        self
    }

    /// A request with a JSON body; `secret` when the body carries credentials.
    pub fn json(method: Method, url: impl Into<String>, body: String, secret: bool) -> Request {
        let mut req = Request::get(url).header("Content-Type", "application/json");
        req.method = method;
        req.body = Some(body.into_bytes());
        req.body_is_secret = secret;
        req
    }

    /// Appends a percent-encoded path segment that is a secret (shown as `***`).
    pub fn secret_segment(mut self, segment: &str) -> Request {
        let encoded = percent_encode(segment);
        if !self.url.ends_with('/') {
            self.url.push('/');
        }
        self.url.push_str(&encoded);
        self.path_secrets.push(encoded);
        self.hiding(segment)
    }

    pub fn header(mut self, name: &str, value: impl Into<String>) -> Request {
        self.headers.push(Param::new(name, value, false));
        self
    }

    pub fn param(mut self, name: &str, value: impl Into<String>) -> Request {
        self.query.push(Param::new(name, value, false));
        self
    }

    pub fn secret_param(mut self, name: &str, value: impl Into<String>) -> Request {
        let value = value.into();
        self.raw_secrets.push(value.clone());
        self.query.push(Param::new(name, value, true));
        self
    }

    /// A header whose value is a secret; its last word (the token of `Bearer <token>`) is
    /// hidden in the reply too.
    pub fn secret_header(mut self, name: &str, value: impl Into<String>) -> Request {
        let value = value.into();
        self.raw_secrets
            .push(value.rsplit(' ').next().unwrap_or_default().to_string());
        self.headers.push(Param::new(name, value, true));
        self
    }

    /// `Authorization: Basic ...` built by hand (RFC 7617); never put credentials in the URL.
    pub fn basic_auth(self, user: &str, password: &str) -> Request {
        let token = base64(format!("{user}:{password}").as_bytes());
        self.secret_header("Authorization", format!("Basic {token}"))
            .hiding(password)
    }

    pub fn carries_secret(&self) -> bool {
        self.body_is_secret
            || !self.path_secrets.is_empty()
            || self.query.iter().any(|p| p.secret)
            || self.headers.iter().any(|p| p.secret)
    }

    /// The URL as sent on the wire, every query value percent-encoded.
    pub fn wire_url(&self) -> String {
        self.url_with(false)
    }

    /// The request as a person may see it: secrets replaced by `***`.
    pub fn redacted(&self) -> String {
        let mut s = format!("{} {}", self.method.as_str(), self.url_with(true));
        for h in &self.headers {
            let value = if h.secret {
                redact_header(&h.value)
            } else {
                h.value.clone()
            };
            let _ = write!(s, "\n  {}: {}", h.name, value);
        }
        if let Some(body) = &self.body {
            if self.body_is_secret {
                let _ = write!(s, "\n  <body of {} bytes, holds a secret>", body.len());
            } else {
                let _ = write!(s, "\n  {}", String::from_utf8_lossy(body));
            }
        }
        s
    }

    /// Replaces, in a reply `body`, every secret this request carries by `***`: a server that
    /// echoes a key back must not put it into `-v`, an error message or the state file.
    pub fn hide_echoes(&self, body: &mut Vec<u8>) {
        for secret in &self.raw_secrets {
            // Very short values would blank out ordinary words.
            if secret.len() >= MIN_HIDDEN_SECRET_BYTES {
                *body = replace_bytes(body, secret.as_bytes(), b"***");
            }
        }
    }

    fn url_with(&self, redact: bool) -> String {
        let mut url = self.url.clone();
        if redact {
            for secret in &self.path_secrets {
                url = url.replace(secret.as_str(), "***");
            }
        }
        for (i, p) in self.query.iter().enumerate() {
            url.push(if i == 0 { '?' } else { '&' });
            url.push_str(&percent_encode(&p.name));
            url.push('=');
            if redact && p.secret {
                url.push_str("***");
            } else {
                url.push_str(&percent_encode(&p.value));
            }
        }
        url
    }
}

impl std::fmt::Debug for Request {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.redacted())
    }
}

impl std::fmt::Debug for Param {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let value = if self.secret { "***" } else { &self.value };
        write!(f, "{}={}", self.name, value)
    }
}

impl Param {
    fn new(name: &str, value: impl Into<String>, secret: bool) -> Param {
        Param {
            name: name.to_string(),
            value: value.into(),
            secret,
        }
    }
}

fn redact_header(value: &str) -> String {
    match value.split_once(' ') {
        Some((scheme, _)) => format!("{scheme} ***"),
        None => "***".to_string(),
    }
}

/// A reply, its body capped at `MAX_REPLY_BYTES`.
#[derive(Debug, Clone, PartialEq)]
pub struct Reply {
    pub status: u16,
    /// Header names lowercased.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The body as text (invalid UTF-8 replaced), for parsers of text protocols.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// `Retry-After` in seconds: given as seconds, or as an HTTP-date, which counts from the
    /// reply's own `Date` when it has one (so a wrong local clock does not matter), else from
    /// our clock. A date in the past means no wait.
    pub fn retry_after_secs(&self) -> Option<u64> {
        self.retry_after_at(crate::clock::now_secs())
    }

    pub fn retry_after_at(&self, now: u64) -> Option<u64> {
        let value = self.header("retry-after")?.trim();
        if let Ok(secs) = value.parse() {
            return Some(secs);
        }
        let at = date::parse_http_date(value)?;
        let base = self
            .header("date")
            .and_then(date::parse_http_date)
            .unwrap_or(now);
        Some(at.saturating_sub(base))
    }
}

/// A reply body as `-v` shows it: text, at most [`MAX_SHOWN_BODY_BYTES`].
fn shown_body(body: &[u8]) -> String {
    let cut = body.len().min(MAX_SHOWN_BODY_BYTES);
    let mut text = String::from_utf8_lossy(&body[..cut]).into_owned();
    if body.len() > cut {
        text.push_str(" …");
    }
    text
}

/// Secrets shorter than this are not searched for in replies.
const MIN_HIDDEN_SECRET_BYTES: usize = 4;

/// `haystack` with every `needle` replaced by `with`.
fn replace_bytes(haystack: &[u8], needle: &[u8], with: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(haystack.len());
    let mut i = 0;
    while i < haystack.len() {
        if haystack[i..].starts_with(needle) {
            out.extend_from_slice(with);
            i += needle.len();
        } else {
            out.push(haystack[i]);
            i += 1;
        }
    }
    out
}

/// How much of a reply `-v` shows.
const MAX_SHOWN_BODY_BYTES: usize = 2048;

/// Sends requests with one timeout and one User-Agent.
pub struct Client {
    pub timeout_secs: u64,
}

impl Client {
    /// Sends `req`, following at most two safe redirects. Every failure here is transient:
    /// the network, TLS, a timeout or an oversized reply say nothing about the record.
    pub fn send(&self, req: &Request) -> Result<Reply, Error> {
        detail!("sending {}", req.redacted());
        let mut reply = self.follow(req);
        if let Ok(r) = &mut reply {
            req.hide_echoes(&mut r.body);
        }
        match &reply {
            Ok(r) if req.reply_is_secret => detail!(
                "answer: HTTP {} ({} bytes, holds a credential)",
                r.status,
                r.body.len()
            ),
            Ok(r) => detail!(
                "answer: HTTP {} ({} bytes):\n{}",
                r.status,
                r.body.len(),
                shown_body(&r.body)
            ),
            Err(e) => detail!("no answer: {e}"),
        }
        reply
    }

    fn follow(&self, req: &Request) -> Result<Reply, Error> {
        let mut url = req.wire_url();
        let mut method = req.method;
        for _ in 0..=MAX_REDIRECTS {
            let reply = self.send_once(req, method, &url)?;
            if !matches!(reply.status, 301 | 302 | 303 | 307 | 308) {
                return Ok(reply);
            }
            let location = reply.header("location").ok_or_else(|| {
                Error::transient(format!("HTTP {} without a Location", reply.status))
            })?;
            let next = resolve_redirect(&url, location)?;
            check_redirect(&url, &next, req.carries_secret() || req.origin_only)?;
            if reply.status == 303 {
                method = Method::Get;
            }
            url = next;
        }
        Err(Error::transient(format!(
            "more than {MAX_REDIRECTS} redirects; not followed"
        )))
    }

    fn send_once(&self, req: &Request, method: Method, url: &str) -> Result<Reply, Error> {
        let host = host_of(url);
        let target = wire::parse_target(url)
            .map_err(|m| Error::transient(format!("cannot reach {host}: {m}")))?;
        let mut headers: Vec<(&str, &str)> =
            vec![("User-Agent", USER_AGENT), ("Connection", "close")];
        headers.extend(
            req.headers
                .iter()
                .map(|h| (h.name.as_str(), h.value.as_str())),
        );
        let body = match (method, &req.body) {
            (Method::Get, _) => None,
            (_, body) => Some(body.as_deref().unwrap_or_default()),
        };
        let bytes = wire::build_request(method.as_str(), &target, &headers, body)
            .map_err(|m| Error::fatal(format!("{host}: request not sent: {m}")))?;
        let deadline = Instant::now() + Duration::from_secs(self.timeout_secs);
        let mut conn = Conn::open(&target, deadline).map_err(|e| self.unreachable(host, &e))?;
        conn.write_all(&bytes)
            .and_then(|()| conn.flush())
            .map_err(|e| self.unreachable(host, &e))?;
        let (head, body) = wire::read_reply(&mut conn, MAX_REPLY_BYTES).map_err(|e| match e {
            ReadError::Io(e) => Error::transient(format!(
                "{host}: reading the reply failed: {}",
                io_message(&e, self.timeout_secs)
            )),
            ReadError::Bad(m) => Error::transient(format!("{host}: {m}")),
        })?;
        let mut headers = head.headers;
        headers.sort();
        Ok(Reply {
            status: head.status,
            headers,
            body,
        })
    }

    fn unreachable(&self, host: &str, e: &std::io::Error) -> Error {
        Error::transient(format!(
            "failed to reach {host}: {}",
            io_message(e, self.timeout_secs)
        ))
    }
}

fn io_message(e: &std::io::Error, timeout_secs: u64) -> String {
    match e.kind() {
        std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock => {
            format!("timed out after {timeout_secs} s")
        }
        _ => e.to_string(),
    }
}

/// `scheme://authority` of a URL.
fn origin_of(url: &str) -> &str {
    let start = url.find("://").map_or(0, |i| i + 3);
    let end = url[start..]
        .find(['/', '?', '#'])
        .map_or(url.len(), |i| start + i);
    &url[..end]
}

/// Whether the transport can reach `url` (scheme, host or address literal, port); for `check`.
pub fn check_target(url: &str) -> Result<(), String> {
    wire::parse_target(url).map(|_| ())
}

/// The host (and port) of a URL, for messages: never the path or query.
pub fn host_of(url: &str) -> &str {
    let origin = origin_of(url);
    origin.find("://").map_or(origin, |i| &origin[i + 3..])
}

pub fn resolve_redirect(from: &str, location: &str) -> Result<String, Error> {
    let location = location.trim();
    if location.starts_with("https://") || location.starts_with("http://") {
        Ok(location.to_string())
    } else if location.starts_with('/') && !location.starts_with("//") {
        Ok(format!("{}{}", origin_of(from), location))
    } else {
        Err(Error::transient(
            "redirected to an unsupported location; not followed",
        ))
    }
}

/// Never from https to http; with credentials (or `same_origin`), never to another origin.
pub fn check_redirect(from: &str, to: &str, same_origin: bool) -> Result<(), Error> {
    if from.starts_with("https://") && !to.starts_with("https://") {
        return Err(Error::transient(format!(
            "{}: redirected from https to plain http; not followed",
            host_of(from)
        )));
    }
    if same_origin && !origin_of(from).eq_ignore_ascii_case(origin_of(to)) {
        return Err(Error::transient(format!(
            "{}: redirected to another host ({}); not followed: credentials not sent there, and a router answers only for itself",
            host_of(from),
            host_of(to)
        )));
    }
    Ok(())
}

/// Percent-encodes everything but RFC 3986 unreserved characters.
pub fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// Standard base64 with padding (RFC 4648), for Basic auth.
pub fn base64(data: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
#[path = "tests.rs"]
mod tests;
