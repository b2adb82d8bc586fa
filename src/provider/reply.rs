//! Reply helpers shared by the providers: classification by HTTP status, first lines, and
//! how a reply is quoted in a log line.
use super::Addrs;
use crate::error::Error;
use crate::http::{Reply, Request};

/// What an HTTP status alone says about a failed request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusClass {
    /// 401, 403: the credentials were refused; fatal.
    Refused,
    /// 429 and 5xx: the server is busy or in trouble; transient, after its `Retry-After`.
    Busy,
    /// Anything else: transient.
    Unexpected,
}

impl StatusClass {
    pub fn of(status: u16) -> StatusClass {
        match status {
            401 | 403 => StatusClass::Refused,
            429 | 500..=599 => StatusClass::Busy,
            _ => StatusClass::Unexpected,
        }
    }

    /// `message` as an error of this class; a busy server's `Retry-After` is kept.
    pub fn error(self, reply: &Reply, message: String) -> Error {
        match (self, reply.retry_after_secs()) {
            (StatusClass::Refused, _) => Error::fatal(message),
            (StatusClass::Busy, Some(secs)) => Error::transient_after(message, secs),
            (StatusClass::Busy, None) | (StatusClass::Unexpected, _) => Error::transient(message),
        }
    }
}

/// `message` classified by the reply's status alone (see [`StatusClass`]).
pub fn status_error(reply: &Reply, message: String) -> Error {
    StatusClass::of(reply.status).error(reply, message)
}

/// The HTTP status alone, for replies whose body says nothing recognisable:
/// 401/403 are fatal (credentials), 429 and 5xx transient, anything else transient.
pub fn classify_status(reply: &Reply, what: &str) -> Error {
    let status = reply.status;
    let said = said(&reply.text());
    let class = StatusClass::of(status);
    let message = match class {
        StatusClass::Refused => {
            format!("HTTP {status}, credentials refused{said}; check the record's secret")
        }
        StatusClass::Busy => format!("HTTP {status}{said}"),
        StatusClass::Unexpected => format!("unexpected {what} (HTTP {status}){said}"),
    };
    class.error(reply, message)
}

/// A reply to a text protocol whose first line is no known answer: transient, as an empty or
/// unexpected reply on HTTP 200, else by its status alone.
pub fn unknown_answer(reply: &Reply, line: &str) -> Error {
    match reply.status {
        200 if line.is_empty() => Error::transient("empty reply"),
        200 => Error::transient(format!("unexpected reply{}", said(line))),
        _ => classify_status(reply, "reply"),
    }
}

/// The first line of a text reply that is not blank, trimmed; empty when there is none.
pub fn first_line(text: &str) -> &str {
    text.lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("")
}

/// `req` with `<v4_key>=<IPv4>` and `<v6_key>=<IPv6>` for the addresses present.
pub fn add_addresses(req: Request, addrs: Addrs, v4_key: &str, v6_key: &str) -> Request {
    let req = match addrs.v4 {
        Some(v4) => req.param(v4_key, v4.to_string()),
        None => req,
    };
    match addrs.v6 {
        Some(v6) => req.param(v6_key, v6.to_string()),
        None => req,
    }
}

/// What a reply said, for the end of a log line: `: "<text>"`, cut short; empty when it
/// said nothing.
pub fn said(text: &str) -> String {
    let shown = short(text);
    if shown.is_empty() {
        String::new()
    } else {
        format!(": {shown:?}")
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
