//! HTTP/1.1 on the wire, as pure code: URL targets, the request's bytes, the reply's head, and
//! its body read to its own framing (Content-Length, chunked, or close), so a cut reply is never
//! taken for an answer.
use super::input::{Input, Line};
use std::io::{self, Read};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Status line and headers together (also the cap on chunked trailers).
pub const MAX_HEAD_BYTES: usize = 16 * 1024;
const MAX_STATUS_LINE_BYTES: usize = 1024;
const MAX_CHUNK_LINE_BYTES: usize = 1024;
/// Interim (1xx) heads skipped before the final one.
const MAX_INTERIM_HEADS: usize = 4;

/// Where a request goes: parsed from `http://` or `https://` URLs, IPv6 literals included.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub https: bool,
    /// The host without brackets: a DNS name or an address.
    pub host: String,
    /// Set when the host is an address literal (no name lookup, no SNI).
    pub ip: Option<IpAddr>,
    pub port: u16,
    /// Path and query, starting with `/`.
    pub path: String,
}

impl Target {
    /// The `Host` header: brackets around IPv6, the port when it is not the scheme's.
    pub fn host_header(&self) -> String {
        let host = match self.ip {
            Some(IpAddr::V6(_)) => format!("[{}]", self.host),
            _ => self.host.clone(),
        };
        let default = if self.https { 443 } else { 80 };
        if self.port == default {
            host
        } else {
            format!("{host}:{}", self.port)
        }
    }
}

/// Splits a URL into what a connection needs. Userinfo, zone ids and odd ports are refused.
pub fn parse_target(url: &str) -> Result<Target, String> {
    let (https, rest) = if let Some(r) = url.strip_prefix("https://") {
        (true, r)
    } else if let Some(r) = url.strip_prefix("http://") {
        (false, r)
    } else {
        return Err("the URL must start with https:// or http://".to_string());
    };
    let rest = rest.split('#').next().unwrap_or_default();
    let end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, path) = rest.split_at(end);
    if authority.contains('@') {
        return Err("user names in URLs are not supported".to_string());
    }
    let (host, ip, port_text) = if let Some(inner) = authority.strip_prefix('[') {
        let (literal, after) = inner
            .split_once(']')
            .ok_or("an IPv6 address in a URL needs its closing ]")?;
        let v6: Ipv6Addr = literal
            .parse()
            .map_err(|_| format!("[{literal}] is not an IPv6 address"))?;
        let port = match after {
            "" => None,
            p => Some(
                p.strip_prefix(':')
                    .ok_or("junk after the ] of an IPv6 address")?,
            ),
        };
        (v6.to_string(), Some(IpAddr::V6(v6)), port)
    } else {
        let (host, port) = match authority.split_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (authority, None),
        };
        let valid = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_');
        if host.is_empty() || !host.chars().all(valid) {
            return Err(format!("{host:?} is not a host name"));
        }
        let ip = host.parse::<Ipv4Addr>().ok().map(IpAddr::V4);
        (host.to_ascii_lowercase(), ip, port)
    };
    let port = match port_text {
        None => {
            if https {
                443
            } else {
                80
            }
        }
        Some(p) => match p.parse::<u16>() {
            Ok(n) if n > 0 && p.bytes().all(|b| b.is_ascii_digit()) => n,
            _ => return Err(format!("{p:?} is not a port")),
        },
    };
    if path.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("a URL must not hold spaces or control characters".to_string());
    }
    let path = match path.chars().next() {
        None => "/".to_string(),
        Some('?') => format!("/{path}"),
        _ => path.to_string(),
    };
    Ok(Target {
        https,
        host,
        ip,
        port,
        path,
    })
}

/// The request head (and body): `Host`, then the given headers, `Content-Length` when a body
/// may go. Header names must be tokens and values free of line breaks, so nothing is injected.
pub fn build_request(
    method: &str,
    target: &Target,
    headers: &[(&str, &str)],
    body: Option<&[u8]>,
) -> Result<Vec<u8>, String> {
    let mut out = format!("{method} {} HTTP/1.1\r\n", target.path).into_bytes();
    let host = target.host_header();
    let all = std::iter::once(("Host", host.as_str())).chain(headers.iter().copied());
    for (name, value) in all {
        if name.is_empty() || !name.bytes().all(is_token_byte) {
            return Err(format!("{name:?} is not a header name"));
        }
        if value.bytes().any(|b| matches!(b, b'\r' | b'\n' | 0)) {
            return Err(format!("the value of header {name} holds a line break"));
        }
        out.extend_from_slice(format!("{name}: {value}\r\n").as_bytes());
    }
    if let Some(body) = body {
        out.extend_from_slice(format!("Content-Length: {}\r\n\r\n", body.len()).as_bytes());
        out.extend_from_slice(body);
    } else {
        out.extend_from_slice(b"\r\n");
    }
    Ok(out)
}

fn is_token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// A reply's status and headers (names lowercased, in the order sent).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Head {
    pub status: u16,
    pub headers: Vec<(String, String)>,
}

impl Head {
    fn values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.headers
            .iter()
            .filter(move |(k, _)| k == name)
            .flat_map(|(_, v)| v.split(','))
            .map(str::trim)
    }
}

/// How the body of a reply ends (RFC 9112 §6.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Framing {
    Empty,
    Length(u64),
    Chunked,
    Close,
}

/// The framing a reply's head declares; contradictions are refused, never guessed at.
pub fn framing(head: &Head) -> Result<Framing, String> {
    if head.status < 200 || head.status == 204 || head.status == 304 {
        return Ok(Framing::Empty);
    }
    let codings: Vec<&str> = head.values("transfer-encoding").collect();
    if !codings.is_empty() {
        return match codings.as_slice() {
            [c] if c.eq_ignore_ascii_case("chunked") => Ok(Framing::Chunked),
            _ => Err(format!(
                "reply uses an unsupported transfer coding ({})",
                codings.join(", ")
            )),
        };
    }
    let mut length = None;
    for v in head.values("content-length") {
        let n = match v.parse::<u64>() {
            Ok(n) if !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) => n,
            _ => return Err(format!("reply has an invalid Content-Length ({v:?})")),
        };
        if length.is_some_and(|l| l != n) {
            return Err("reply has conflicting Content-Length headers".to_string());
        }
        length = Some(n);
    }
    Ok(length.map_or(Framing::Close, Framing::Length))
}

/// Why a reply could not be read.
#[derive(Debug)]
pub enum ReadError {
    /// The connection failed (timeout, reset...).
    Io(io::Error),
    /// The peer sent something that is not a whole reply; the text says what.
    Bad(String),
}

impl From<io::Error> for ReadError {
    fn from(e: io::Error) -> ReadError {
        ReadError::Io(e)
    }
}

pub(super) fn bad<T>(message: impl Into<String>) -> Result<T, ReadError> {
    Err(ReadError::Bad(message.into()))
}

/// Reads a whole reply: the head (after any interim 1xx heads), then the body to its framing,
/// at most `cap` bytes of it. A body that ends early is `Bad`, never a shorter answer.
pub fn read_reply(r: &mut impl Read, cap: usize) -> Result<(Head, Vec<u8>), ReadError> {
    let mut input = Input::new(r);
    let mut head = read_head(&mut input)?;
    for _ in 0..MAX_INTERIM_HEADS {
        if !(100..200).contains(&head.status) {
            break;
        }
        head = read_head(&mut input)?;
    }
    if head.status < 200 {
        return bad(format!("reply stuck at interim status {}", head.status));
    }
    let too_big = || format!("reply larger than {} KiB; not read", cap / 1024);
    let body = match framing(&head).map_err(ReadError::Bad)? {
        Framing::Empty => Vec::new(),
        Framing::Length(n) if n > cap as u64 => return bad(too_big()),
        Framing::Length(n) => input.read_exact_or_cut(n as usize)?,
        Framing::Chunked => read_chunked(&mut input, cap)?,
        Framing::Close => {
            let body = input.read_to_close(cap)?;
            if body.len() > cap {
                return bad(too_big());
            }
            body
        }
    };
    Ok((head, body))
}

fn read_head(input: &mut Input<'_, impl Read>) -> Result<Head, ReadError> {
    let mut budget = MAX_HEAD_BYTES;
    let status_line = match input.line(MAX_STATUS_LINE_BYTES.min(budget))? {
        Line::Text(line) => line,
        Line::End if input.consumed == 0 => {
            return bad("closed the connection without a reply");
        }
        Line::End => return bad("reply cut short before its status line"),
        Line::TooLong => return bad("reply has no valid HTTP status line"),
    };
    budget = budget.saturating_sub(status_line.len() + 2);
    let status = parse_status_line(&status_line)
        .ok_or_else(|| ReadError::Bad("reply has no valid HTTP status line".to_string()))?;
    let mut headers = Vec::new();
    loop {
        let line = match input.line(budget)? {
            Line::Text(line) => line,
            Line::End => return bad("reply cut short inside its headers"),
            Line::TooLong => {
                return bad(format!("reply headers larger than {MAX_HEAD_BYTES} bytes"));
            }
        };
        if line.is_empty() {
            return Ok(Head { status, headers });
        }
        budget = budget.saturating_sub(line.len() + 2);
        headers.push(
            parse_header_line(&line)
                .ok_or_else(|| ReadError::Bad("reply has a malformed header line".to_string()))?,
        );
    }
}

/// `HTTP/1.1 200 OK` → 200. The version must be 1.x and the code three digits.
pub fn parse_status_line(line: &[u8]) -> Option<u16> {
    let rest = line.strip_prefix(b"HTTP/1.")?;
    let (minor, rest) = rest.split_first()?;
    let code = rest.strip_prefix(b" ")?;
    if !minor.is_ascii_digit() || code.len() < 3 || !code[..3].iter().all(u8::is_ascii_digit) {
        return None;
    }
    if code.len() > 3 && code[3] != b' ' {
        return None;
    }
    std::str::from_utf8(&code[..3]).ok()?.parse().ok()
}

/// `Name: value` with the name lowercased; folded or nameless lines are refused.
pub fn parse_header_line(line: &[u8]) -> Option<(String, String)> {
    let colon = line.iter().position(|&b| b == b':')?;
    let (name, value) = (&line[..colon], &line[colon + 1..]);
    if name.is_empty() || !name.iter().all(|&b| is_token_byte(b)) {
        return None;
    }
    let value = String::from_utf8_lossy(value);
    Some((
        String::from_utf8_lossy(name).to_ascii_lowercase(),
        value.trim_matches([' ', '\t']).to_string(),
    ))
}

fn read_chunked(input: &mut Input<'_, impl Read>, cap: usize) -> Result<Vec<u8>, ReadError> {
    let mut body = Vec::new();
    let cut = |got: usize| {
        ReadError::Bad(format!(
            "reply cut short after {got} bytes: the chunked body ended before its last chunk"
        ))
    };
    loop {
        let line = match input.line(MAX_CHUNK_LINE_BYTES)? {
            Line::Text(line) => line,
            Line::End => return Err(cut(body.len())),
            Line::TooLong => return bad("reply has a malformed chunk size"),
        };
        let size_text = line.split(|&b| b == b';').next().unwrap_or_default();
        let size_text = String::from_utf8_lossy(size_text);
        let size_text = size_text.trim_matches([' ', '\t']);
        let size = match usize::from_str_radix(size_text, 16) {
            Ok(n) if !size_text.is_empty() && size_text.len() <= 8 => n,
            _ => return bad("reply has a malformed chunk size"),
        };
        if size == 0 {
            break;
        }
        if body.len() + size > cap {
            return bad(format!("reply larger than {} KiB; not read", cap / 1024));
        }
        let got = body.len();
        let chunk = input.read_exact_or_cut(size).map_err(|e| match e {
            ReadError::Bad(_) => cut(got),
            io => io,
        })?;
        body.extend_from_slice(&chunk);
        match input.line(2)? {
            Line::Text(end) if end.is_empty() => {}
            Line::End => return Err(cut(body.len())),
            _ => return bad("reply has a malformed chunk end"),
        }
    }
    let mut budget = MAX_HEAD_BYTES;
    loop {
        match input.line(budget)? {
            Line::Text(line) if line.is_empty() => return Ok(body),
            Line::Text(line) => budget = budget.saturating_sub(line.len() + 2),
            Line::End => return Err(cut(body.len())),
            Line::TooLong => return bad("reply trailers too large"),
        }
    }
}

#[cfg(test)]
#[path = "wire_tests.rs"]
mod tests;
