//! Owns the HTTP/1.1 wire format of the mock servers: recorded requests, scripted replies,
//! request parsing and response writing.

use std::io::{self, Read, Write};

/// Largest request body the mock servers accept (larger ones get 413).
pub const MAX_BODY: usize = 1024 * 1024;
/// Largest request head (request line plus headers) the mock servers accept.
pub const MAX_HEAD: usize = 64 * 1024;
/// Size of the chunks a [`Reply::Huge`] body is streamed in.
const HUGE_CHUNK: usize = 64 * 1024;

/// One HTTP request as a mock server received it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Recorded {
    /// Request method as sent, e.g. `GET`.
    pub method: String,
    /// Request target exactly as sent (path plus `?query`).
    pub target: String,
    /// The part of the target before `?`, not decoded.
    pub path: String,
    /// Query pairs in order, percent-decoded (`+` is kept as `+`); a key without `=` has value "".
    pub query: Vec<(String, String)>,
    /// Header fields in order, names lowercased, values trimmed.
    pub headers: Vec<(String, String)>,
    /// Request body (by Content-Length).
    pub body: Vec<u8>,
}

impl Recorded {
    /// The first query value for `key`, if any.
    pub fn param(&self, key: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// Every query value for `key`, in order.
    pub fn params(&self, key: &str) -> Vec<&str> {
        self.query
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// The first value of header `name` (case-insensitive), if any.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The body as text (invalid UTF-8 replaced).
    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The stand-in request a [`super::script`] handler is probed with before a connection is
    /// read. Its method is empty, which no parsed request has.
    pub(super) fn probe() -> Recorded {
        Recorded {
            method: String::new(),
            target: String::new(),
            path: String::new(),
            query: Vec::new(),
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    /// Whether this is the [`Recorded::probe`] stand-in rather than a real request.
    pub(super) fn is_probe(&self) -> bool {
        self.method.is_empty()
    }

    /// User name and password of a `Authorization: Basic ...` header, if present and valid.
    pub fn basic_auth(&self) -> Option<(String, String)> {
        let value = self.header("authorization")?;
        let (scheme, encoded) = value.split_once(' ')?;
        if !scheme.eq_ignore_ascii_case("basic") {
            return None;
        }
        let decoded = String::from_utf8(base64_decode(encoded.trim())?).ok()?;
        let (user, pass) = decoded.split_once(':')?;
        Some((user.to_string(), pass.to_string()))
    }
}

/// What a mock server does with one connection once it has read (and recorded) its request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reply {
    /// Status, extra headers and body. The server adds `Content-Length` and
    /// `Connection: close` unless `headers` already has them (to fake a lying server).
    Full {
        /// HTTP status code.
        status: u16,
        /// Extra header fields, sent in order.
        headers: Vec<(String, String)>,
        /// Response body.
        body: Vec<u8>,
    },
    /// Read the request, then never answer; the connection is held until the server is dropped.
    Hang,
    /// Accept TCP but never read a byte, so no TLS handshake happens; the socket is held until
    /// the server is dropped. Takes effect before the request only as an entry of a
    /// [`super::script`]; any other handler returning it for an already-read request gets
    /// [`Reply::Hang`] behaviour (the TLS handshake has happened by then).
    HangBeforeTls,
    /// Status 200 with `Content-Length: n` and `n` bytes of `A`, streamed in chunks; the
    /// server stops quietly if the client hangs up early.
    Huge(usize),
    /// Close the connection right after reading the request, sending nothing.
    Close,
    /// Send these bytes as they are (a cut or malformed reply), then close properly (TLS
    /// close_notify over HTTPS).
    Raw(Vec<u8>),
}

impl Reply {
    /// [`Reply::Raw`] from text.
    pub fn raw(bytes: &str) -> Reply {
        Reply::Raw(bytes.as_bytes().to_vec())
    }

    /// `200 OK` with `body`.
    pub fn ok(body: &str) -> Reply {
        Reply::status(200, body)
    }

    /// Status `code` with `body`.
    pub fn status(code: u16, body: &str) -> Reply {
        Reply::Full {
            status: code,
            headers: Vec::new(),
            body: body.as_bytes().to_vec(),
        }
    }

    /// Status `code` with a JSON `body` and `Content-Type: application/json`.
    pub fn json(code: u16, body: &str) -> Reply {
        Reply::status(code, body).with_header("Content-Type", "application/json")
    }

    /// Adds a header field to a [`Reply::Full`]; panics for other variants.
    pub fn with_header(self, name: &str, value: &str) -> Reply {
        match self {
            Reply::Full {
                status,
                mut headers,
                body,
            } => {
                headers.push((name.to_string(), value.to_string()));
                Reply::Full {
                    status,
                    headers,
                    body,
                }
            }
            other => panic!("with_header only applies to Reply::Full, not {other:?}"),
        }
    }
}

/// Why a request could not be read.
#[derive(Debug)]
pub enum RequestError {
    /// The peer closed, timed out or broke the connection: close without answering.
    Gone,
    /// The request is unacceptable: answer with this status, then close.
    Reject(u16),
}

impl From<io::Error> for RequestError {
    fn from(_: io::Error) -> Self {
        RequestError::Gone
    }
}

/// Reads one request (head and Content-Length body) from `stream`.
pub fn read_request(stream: &mut impl Read) -> Result<Recorded, RequestError> {
    let mut buf = Vec::new();
    let head_end = read_head(stream, &mut buf)?;
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let mut request = parse_head(&head).ok_or(RequestError::Reject(400))?;
    if request.header("transfer-encoding").is_some() {
        return Err(RequestError::Reject(501));
    }
    let length = content_length(&request)?;
    let mut body = buf.split_off(head_end + 4);
    read_body(stream, &mut body, length)?;
    request.body = body;
    Ok(request)
}

/// Reads until the blank line ending the head; returns the offset of that `\r\n\r\n`.
fn read_head(stream: &mut impl Read, buf: &mut Vec<u8>) -> Result<usize, RequestError> {
    let mut chunk = [0u8; 4096];
    loop {
        if let Some(end) = find_head_end(buf) {
            return Ok(end);
        }
        if buf.len() > MAX_HEAD {
            return Err(RequestError::Reject(431));
        }
        let n = stream.read(&mut chunk)?;
        if n == 0 {
            return Err(RequestError::Gone);
        }
        buf.extend_from_slice(&chunk[..n]);
    }
}

/// Offset of the first `\r\n\r\n` in `buf`.
fn find_head_end(buf: &[u8]) -> Option<usize> {
    buf.windows(4).position(|w| w == b"\r\n\r\n")
}

/// Reads until `body` holds `length` bytes; extra bytes already read are dropped.
fn read_body(
    stream: &mut impl Read,
    body: &mut Vec<u8>,
    length: usize,
) -> Result<(), RequestError> {
    let mut chunk = [0u8; 16 * 1024];
    while body.len() < length {
        let n = stream.read(&mut chunk)?;
        if n == 0 {
            return Err(RequestError::Gone);
        }
        body.extend_from_slice(&chunk[..n]);
    }
    body.truncate(length);
    Ok(())
}

/// The request's Content-Length (0 when absent), checked against [`MAX_BODY`].
fn content_length(request: &Recorded) -> Result<usize, RequestError> {
    let values: Vec<&str> = request
        .headers
        .iter()
        .filter(|(k, _)| k == "content-length")
        .map(|(_, v)| v.as_str())
        .collect();
    let Some(first) = values.first() else {
        return Ok(0);
    };
    if values.iter().any(|v| v != first) {
        return Err(RequestError::Reject(400));
    }
    let length: usize = first.parse().map_err(|_| RequestError::Reject(400))?;
    if length > MAX_BODY {
        return Err(RequestError::Reject(413));
    }
    Ok(length)
}

/// Parses the request line and header fields (body left empty).
pub fn parse_head(head: &str) -> Option<Recorded> {
    let mut lines = head.split("\r\n");
    let mut parts = lines.next()?.split(' ');
    let method = parts.next().filter(|m| !m.is_empty())?.to_string();
    let target = parts.next().filter(|t| !t.is_empty())?.to_string();
    let version = parts.next()?;
    if !version.starts_with("HTTP/1.") || parts.next().is_some() {
        return None;
    }
    let headers = lines.map(parse_header).collect::<Option<Vec<_>>>()?;
    let (path, query) = match target.split_once('?') {
        Some((path, query)) => (path.to_string(), parse_query(query)),
        None => (target.clone(), Vec::new()),
    };
    Some(Recorded {
        method,
        target,
        path,
        query,
        headers,
        body: Vec::new(),
    })
}

/// Parses one `Name: value` line into a lowercased name and a trimmed value.
fn parse_header(line: &str) -> Option<(String, String)> {
    let (name, value) = line.split_once(':')?;
    if name.is_empty() || name.contains([' ', '\t']) {
        return None;
    }
    Some((name.to_ascii_lowercase(), value.trim().to_string()))
}

/// Splits a query string on `&` and `=` and percent-decodes keys and values.
pub fn parse_query(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(key), percent_decode(value))
        })
        .collect()
}

/// Decodes `%XX` escapes to bytes (then UTF-8, lossily); a malformed `%` stays literal and
/// `+` stays `+`.
pub fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = match bytes.get(i + 1..i + 3) {
            Some(&[hi, lo]) if bytes[i] == b'%' => hex_value(hi).zip(hex_value(lo)),
            _ => None,
        };
        match escaped {
            Some((hi, lo)) => {
                out.push(hi << 4 | lo);
                i += 3;
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Value of one hexadecimal digit.
fn hex_value(digit: u8) -> Option<u8> {
    (digit as char).to_digit(16).map(|v| v as u8)
}

/// Decodes standard base64 (padding optional); `None` on any invalid character.
fn base64_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let mut acc: u32 = 0;
    let mut bits = 0;
    for c in text.trim_end_matches('=').bytes() {
        let value = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        };
        acc = acc << 6 | u32::from(value);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

/// Reason phrase for the common status codes.
pub fn reason_phrase(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        204 => "No Content",
        301 => "Moved Permanently",
        302 => "Found",
        304 => "Not Modified",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        409 => "Conflict",
        411 => "Length Required",
        413 => "Content Too Large",
        422 => "Unprocessable Content",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Status",
    }
}

/// Writes a full response: status line, `headers`, then `Content-Length` and
/// `Connection: close` unless `headers` has them, then `body`.
pub fn write_full(
    out: &mut impl Write,
    status: u16,
    headers: &[(String, String)],
    body: &[u8],
) -> io::Result<()> {
    write_head(out, status, headers, body.len())?;
    out.write_all(body)?;
    out.flush()
}

/// Writes a 200 response whose body is `length` bytes of `A`, in chunks.
pub fn write_huge(out: &mut impl Write, length: usize) -> io::Result<()> {
    write_head(out, 200, &[], length)?;
    let chunk = vec![b'A'; HUGE_CHUNK.min(length)];
    let mut left = length;
    while left > 0 {
        let n = left.min(chunk.len());
        out.write_all(&chunk[..n])?;
        left -= n;
    }
    out.flush()
}

/// Writes the status line and header fields, adding the framing headers when missing.
fn write_head(
    out: &mut impl Write,
    status: u16,
    headers: &[(String, String)],
    length: usize,
) -> io::Result<()> {
    let has = |name: &str| headers.iter().any(|(k, _)| k.eq_ignore_ascii_case(name));
    let mut head = format!("HTTP/1.1 {status} {}\r\n", reason_phrase(status));
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    if !has("content-length") {
        head.push_str(&format!("Content-Length: {length}\r\n"));
    }
    if !has("connection") {
        head.push_str("Connection: close\r\n");
    }
    head.push_str("\r\n");
    out.write_all(head.as_bytes())
}
