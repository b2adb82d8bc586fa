//! RFC 2136 dynamic UPDATE signed with TSIG, sent straight to the zone's primary (BIND, Knot,
//! PowerDNS): https://www.rfc-editor.org/rfc/rfc2136 and https://www.rfc-editor.org/rfc/rfc8945
//!
//! One message per run sets every family due: for each, delete the RRset (`<name> 0 ANY A`)
//! and add the new record (`<name> <ttl> IN A <ip>`); the server applies it atomically. The
//! message goes over UDP from a random port with a random ID, over TCP when it is larger than
//! 512 bytes or the reply is truncated. A reply counts only when its own TSIG verifies.
//!
//! Test hook: `DDNSUP_TSIG_CLOCK_OFFSET` (seconds, may be negative) is added to the clock used
//! for TSIG times, so that tests can provoke BADTIME; it is read only here.
use super::{Addrs, Cache, Planned, Provider, Success};
use crate::clock::{format_utc, now_secs};
use crate::config::Fields;
use crate::detect::Family;
use crate::dnswire::{
    CLASS_IN, FLAG_QR, FLAG_TC, HEADER_LEN, MAX_NAME, Reader, TYPE_A, TYPE_AAAA, encode_name,
};
use crate::error::Error;
use crate::http::{Client, Reply};
use ring::hmac;
use ring::rand::{SecureRandom, SystemRandom};
use std::fmt;
use std::io::{ErrorKind, Read, Write};
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, TcpStream, ToSocketAddrs, UdpSocket};
use std::time::{Duration, Instant};

pub const DEFAULT_PORT: u16 = 53;
pub const DEFAULT_TTL_SECS: i64 = 300;
const MAX_TTL_SECS: i64 = 86_400;
/// Seconds of clock difference the server may allow (RFC 8945 recommends 300).
pub const FUDGE_SECS: u16 = 300;
/// The TSIG test hook (see the module comment).
pub const CLOCK_OFFSET_VAR: &str = "DDNSUP_TSIG_CLOCK_OFFSET";

const TYPE_SOA: u16 = 6;
const TYPE_TSIG: u16 = 250;
const CLASS_ANY: u16 = 255;

const OPCODE_UPDATE: u16 = 5;
/// Larger messages go over TCP (RFC 1035 without EDNS).
const MAX_UDP_MESSAGE: usize = 512;
const MAX_LABEL: usize = 63;
/// Compression pointers must point backwards, so every chain ends without a count.
const MAX_POINTERS: usize = usize::MAX;
/// Time Signed is 48 bits.
const MAX_TIME_SIGNED: u64 = (1 << 48) - 1;

const RCODE_NOERROR: u16 = 0;
const RCODE_NOTAUTH: u16 = 9;
const TSIG_BADSIG: u16 = 16;
const TSIG_BADKEY: u16 = 17;
const TSIG_BADTIME: u16 = 18;
const TSIG_BADTRUNC: u16 = 22;

/// The TSIG algorithms ddnsup signs with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Algorithm {
    HmacSha1,
    HmacSha256,
    HmacSha512,
}

impl Algorithm {
    /// `hmac-sha256`, any case, with or without the trailing dot.
    pub fn parse(text: &str) -> Option<Algorithm> {
        let t = text.trim();
        let t = t.strip_suffix('.').unwrap_or(t).to_ascii_lowercase();
        match t.as_str() {
            "hmac-sha1" => Some(Algorithm::HmacSha1),
            "hmac-sha256" => Some(Algorithm::HmacSha256),
            "hmac-sha512" => Some(Algorithm::HmacSha512),
            _ => None,
        }
    }

    /// The algorithm's name as TSIG carries it (without the final dot).
    pub fn name(self) -> &'static str {
        match self {
            Algorithm::HmacSha1 => "hmac-sha1",
            Algorithm::HmacSha256 => "hmac-sha256",
            Algorithm::HmacSha512 => "hmac-sha512",
        }
    }

    fn ring(self) -> hmac::Algorithm {
        match self {
            Algorithm::HmacSha1 => hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY,
            Algorithm::HmacSha256 => hmac::HMAC_SHA256,
            Algorithm::HmacSha512 => hmac::HMAC_SHA512,
        }
    }

    /// The full MAC length in bytes.
    fn mac_len(self) -> usize {
        self.ring().digest_algorithm().output_len()
    }
}

const SUPPORTED_ALGORITHMS: &str = "hmac-sha256, hmac-sha512, hmac-sha1";

/// A TSIG key: its name (lowercase, no final dot), algorithm and secret bytes.
#[derive(Clone, PartialEq, Eq)]
pub struct TsigKey {
    pub name: String,
    pub algorithm: Algorithm,
    secret: Vec<u8>,
}

impl TsigKey {
    pub fn new(name: String, algorithm: Algorithm, secret: Vec<u8>) -> TsigKey {
        TsigKey {
            name,
            algorithm,
            secret,
        }
    }

    fn hmac_key(&self) -> hmac::Key {
        hmac::Key::new(self.algorithm.ring(), &self.secret)
    }
}

impl fmt::Debug for TsigKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TsigKey({}, {}, ***)", self.name, self.algorithm.name())
    }
}

/// The primary's address as configured: a name or an address, and a port.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Server {
    pub host: String,
    pub port: u16,
}

impl fmt::Display for Server {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.host.contains(':') {
            write!(f, "[{}]:{}", self.host, self.port)
        } else {
            write!(f, "{}:{}", self.host, self.port)
        }
    }
}

impl Server {
    /// `192.0.2.53`, `192.0.2.53:5353`, `[2001:db8::53]:53`, `2001:db8::53`, `ns1.example.com`
    /// or `ns1.example.com:5353`; the port defaults to 53.
    pub fn parse(text: &str) -> Result<Server, String> {
        let t = text.trim();
        if t.contains("://") || t.contains('/') {
            return Err(format!(
                "\"{t}\" is a URL; give the primary DNS server's address, e.g. \"192.0.2.53\" or \"ns1.example.com:5353\""
            ));
        }
        let port = |p: &str| match p.parse::<u16>() {
            Ok(n) if n > 0 => Ok(n),
            _ => Err(format!(
                "\"{t}\": the port must be a number from 1 to 65535"
            )),
        };
        if let Some(rest) = t.strip_prefix('[') {
            let (host, after) = rest
                .split_once(']')
                .ok_or_else(|| format!("\"{t}\": missing \"]\""))?;
            host.parse::<Ipv6Addr>()
                .map_err(|_| format!("\"{t}\": \"{host}\" is not an IPv6 address"))?;
            let port = match after {
                "" => DEFAULT_PORT,
                _ => port(
                    after
                        .strip_prefix(':')
                        .ok_or_else(|| format!("\"{t}\": expected \":port\" after \"]\""))?,
                )?,
            };
            return Ok(Server {
                host: host.to_string(),
                port,
            });
        }
        if t.parse::<Ipv6Addr>().is_ok() {
            return Ok(Server {
                host: t.to_string(),
                port: DEFAULT_PORT,
            });
        }
        let (host, port) = match t.split_once(':') {
            Some((h, p)) => (h, port(p)?),
            None => (t, DEFAULT_PORT),
        };
        if host.parse::<Ipv4Addr>().is_err() {
            parse_name(host, NameKind::Host)
                .map_err(|m| format!("\"{t}\": not an address or host name ({m})"))?;
        }
        Ok(Server {
            host: host.to_string(),
            port,
        })
    }

    /// Resolves the name once; the first address wins.
    fn resolve(&self) -> Result<SocketAddr, Error> {
        let mut addrs = (self.host.as_str(), self.port)
            .to_socket_addrs()
            .map_err(|e| Error::transient(format!("cannot resolve {}: {e}", self.host)))?;
        addrs
            .next()
            .ok_or_else(|| Error::transient(format!("{} has no address", self.host)))
    }
}

/// What a name in the config may be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NameKind {
    Zone,
    /// The record's name: `*` may be its whole first label.
    Owner,
    /// A TSIG key name: any printable character but the ones named in `key_char`.
    Key,
    Host,
}

fn host_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'-' || c == b'_'
}

fn key_char(c: u8) -> bool {
    c.is_ascii_graphic() && !matches!(c, b'.' | b'"' | b'\\' | b';' | b'{' | b'}' | b'(' | b')')
}

/// Checks a domain name and returns it lowercased, without the final dot.
fn parse_name(text: &str, kind: NameKind) -> Result<String, String> {
    let t = text.trim();
    let t = t.strip_suffix('.').unwrap_or(t);
    if t.is_empty() {
        return Err("a name is needed".to_string());
    }
    let lower = t.to_ascii_lowercase();
    let mut wire_len = 1;
    for (i, label) in lower.split('.').enumerate() {
        if label.is_empty() {
            return Err(format!("\"{t}\" has an empty label"));
        }
        if label.len() > MAX_LABEL {
            return Err(format!("\"{label}\" is longer than 63 characters"));
        }
        let wildcard = kind == NameKind::Owner && i == 0 && label == "*";
        let ok = match kind {
            NameKind::Key => label.bytes().all(key_char),
            _ => label.bytes().all(host_char),
        };
        if !ok && !wildcard {
            return Err(format!("\"{t}\" holds a character not allowed in a name"));
        }
        wire_len += 1 + label.len();
    }
    if wire_len > MAX_NAME {
        return Err(format!("\"{t}\" is longer than 255 bytes"));
    }
    Ok(lower)
}

fn in_zone(name: &str, zone: &str) -> bool {
    name == zone
        || name
            .strip_suffix(zone)
            .is_some_and(|head| head.ends_with('.'))
}

/// A validated `rfc2136` record.
pub struct Rfc2136 {
    server: Server,
    zone: String,
    name: String,
    ttl: u32,
    key: TsigKey,
}

impl Rfc2136 {
    pub fn from_config(f: &mut Fields) -> Result<Rfc2136, Error> {
        let text = f.required_str("server")?;
        let server = Server::parse(&text).map_err(|m| f.error("server", &m))?;
        let text = f.required_str("zone")?;
        let zone = parse_name(&text, NameKind::Zone).map_err(|m| f.error("zone", &m))?;
        let text = f.required_str("name")?;
        let name = parse_name(&text, NameKind::Owner).map_err(|m| f.error("name", &m))?;
        if !in_zone(&name, &zone) {
            return Err(f.error(
                "name",
                &format!(
                    "\"{name}\" is not inside zone \"{zone}\"; give the full name, e.g. \"home.{zone}\""
                ),
            ));
        }
        let ttl = f
            .int_in("ttl", 0, MAX_TTL_SECS)?
            .unwrap_or(DEFAULT_TTL_SECS) as u32;
        let key = read_key(f)?;
        Ok(Rfc2136 {
            server,
            zone,
            name,
            ttl,
            key,
        })
    }

    /// The whole exchange: sign, send, read the answer.
    fn send_update(&self, timeout_secs: u64, addrs: Addrs) -> Result<Success, Error> {
        let server = self.server.resolve()?;
        let id = random_id();
        let offset = clock_offset();
        let now = tsig_now(offset);
        let message = build_update(id, &self.zone, &self.name, self.ttl, addrs);
        let signed = sign(&message, &self.key, now);
        let timeout = Duration::from_secs(timeout_secs);
        let reply = exchange(server, &signed.wire, id, timeout)?;
        self.parse_reply_bytes(&reply, &signed, tsig_now(offset))
    }

    /// Reads the server's answer to `sent`; `now` is our clock for the reply's time check.
    fn parse_reply_bytes(&self, reply: &[u8], sent: &Signed, now: u64) -> Result<Success, Error> {
        let malformed =
            |why: String| Error::transient(format!("malformed reply from {}: {why}", self.server));
        let m = read_message(reply).map_err(malformed)?;
        if m.id != sent.id {
            return Err(malformed(format!(
                "ID {:#06x} does not match ours ({:#06x})",
                m.id, sent.id
            )));
        }
        if m.flags & FLAG_QR == 0 || (m.flags >> 11) & 0xF != OPCODE_UPDATE {
            return Err(malformed("not an answer to an UPDATE".to_string()));
        }
        if m.flags & FLAG_TC != 0 {
            return Err(malformed("truncated".to_string()));
        }
        let rcode = m.flags & 0xF;
        let (signed, tsig_error, other) = match &m.tsig {
            None => (false, 0, &[][..]),
            Some(t) => {
                if !t.mac.is_empty() {
                    self.verify(reply, t, sent, now)?;
                }
                (!t.mac.is_empty(), t.error, t.other)
            }
        };
        self.classify(rcode, tsig_error, signed, other, sent.time_signed)
    }

    /// Checks a signed reply's TSIG: our key and algorithm, the full MAC over the request MAC,
    /// the reply and the TSIG variables (constant-time), and its time within the fudge.
    fn verify(&self, reply: &[u8], t: &TsigRr, sent: &Signed, now: u64) -> Result<(), Error> {
        let bad = |why: &str| {
            Error::transient(format!(
                "the reply from {} is not trustworthy: {why}",
                self.server
            ))
        };
        if t.key_name != encode_name(&self.key.name) {
            return Err(bad("it is signed with another key"));
        }
        if t.algorithm != encode_name(self.key.algorithm.name()) {
            return Err(bad("it is signed with another algorithm"));
        }
        if t.mac.len() != self.key.algorithm.mac_len() {
            return Err(bad("its MAC is truncated, which ddnsup does not accept"));
        }
        let data = reply_mac_data(reply, t, &sent.mac, &self.key);
        hmac::verify(&self.key.hmac_key(), &data, t.mac)
            .map_err(|_| bad("its TSIG signature does not verify"))?;
        if t.error != TSIG_BADTIME && now.abs_diff(t.time_signed) > u64::from(t.fudge) {
            return Err(bad(&format!(
                "it was signed at {}, more than {} s from our clock ({})",
                format_utc(t.time_signed),
                t.fudge,
                format_utc(now)
            )));
        }
        Ok(())
    }

    /// The outcome an RCODE and TSIG error stand for (PROTOCOLS.md §7.2 and §9).
    fn classify(
        &self,
        rcode: u16,
        tsig_error: u16,
        signed: bool,
        other: &[u8],
        time_signed: u64,
    ) -> Result<Success, Error> {
        let key = format!(
            "TSIG key \"{}\" ({})",
            self.key.name,
            self.key.algorithm.name()
        );
        let unsigned = if signed { "" } else { " (unsigned reply)" };
        let zone = &self.zone;
        let fatal = |m: String| Err(Error::fatal(format!("{m}{unsigned}")));
        match rcode {
            RCODE_NOERROR if tsig_error == 0 && signed => Ok(Success::Updated),
            RCODE_NOERROR if tsig_error == 0 => Err(Error::transient(
                "the server answered NOERROR without a TSIG signature; not trusted as success",
            )),
            RCODE_NOERROR => Err(Error::transient(format!(
                "NOERROR with TSIG error {tsig_error}: an inconsistent reply"
            ))),
            RCODE_NOTAUTH => match tsig_error {
                0 => fatal(format!(
                    "NOTAUTH: the server is not authoritative for zone {zone} (check `zone` and `server`)"
                )),
                TSIG_BADSIG => fatal(format!(
                    "NOTAUTH/BADSIG: the server's secret for {key} differs from ours (check the secret)"
                )),
                TSIG_BADKEY => fatal(format!(
                    "NOTAUTH/BADKEY: the server does not know {key} (check the key name and algorithm)"
                )),
                TSIG_BADTRUNC => fatal(format!(
                    "NOTAUTH/BADTRUNC: the server refused the MAC length of {key}"
                )),
                TSIG_BADTIME => Err(Error::transient(badtime_message(other, time_signed))),
                e => fatal(format!("NOTAUTH with TSIG error {e}")),
            },
            1 => fatal(
                "FORMERR: the server could not read the update (a server that does not speak RFC 2136?)"
                    .to_string(),
            ),
            2 => Err(Error::transient(
                "SERVFAIL: the server could not apply the update",
            )),
            3 | 6 | 7 | 8 => fatal(format!(
                "protocol error: {} is a failed prerequisite, but ddnsup sends none",
                rcode_name(rcode)
            )),
            4 => fatal("NOTIMP: the server does not implement dynamic UPDATE".to_string()),
            5 => fatal(format!(
                "REFUSED: the server's policy denies this update to zone {zone} with {key} (allow-update / update-policy)"
            )),
            10 => fatal(format!(
                "NOTZONE: the server says {} is not inside zone {zone}",
                self.name
            )),
            other => Err(Error::transient(format!(
                "unexpected RCODE {other} in the reply{unsigned}"
            ))),
        }
    }
}

fn rcode_name(rcode: u16) -> &'static str {
    match rcode {
        3 => "NXDOMAIN",
        6 => "YXDOMAIN",
        7 => "YXRRSET",
        8 => "NXRRSET",
        _ => "an RCODE",
    }
}

/// The BADTIME text: how far the server's clock (in Other Data) is from the time we signed.
fn badtime_message(other: &[u8], time_signed: u64) -> String {
    let head = format!("NOTAUTH/BADTIME: the clocks differ by more than {FUDGE_SECS} s");
    let Some(server_time) = read_u48(other) else {
        return format!("{head}; fix this machine's clock (NTP)");
    };
    let skew = server_time as i64 - time_signed as i64;
    let side = if skew >= 0 { "ahead of" } else { "behind" };
    format!(
        "{head}: the server's clock is {} s {side} ours (server {}, ours {}); fix this machine's clock (NTP)",
        skew.unsigned_abs(),
        format_utc(server_time),
        format_utc(time_signed)
    )
}

fn read_u48(b: &[u8]) -> Option<u64> {
    match b {
        &[a, b, c, d, e, f] => Some(u64::from_be_bytes([0, 0, a, b, c, d, e, f])),
        _ => None,
    }
}

/// The key: from a BIND key file (`tsig_key_file`, optionally `tsig_key_name` to choose), or
/// inline (`tsig_key_name`, `tsig_algorithm`, `tsig_secret`/`tsig_secret_file`).
fn read_key(f: &mut Fields) -> Result<TsigKey, Error> {
    let key_name = f.str("tsig_key_name")?;
    let algorithm = f.str("tsig_algorithm")?;
    let inline = f.str("tsig_secret")?.is_some() | f.str("tsig_secret_file")?.is_some();
    if let Some(text) = f.secret_file("tsig_key_file")? {
        if inline {
            return Err(f.error(
                "tsig_key_file",
                "set either tsig_key_file or tsig_secret (or tsig_secret_file), not both",
            ));
        }
        if algorithm.is_some() {
            return Err(f.error(
                "tsig_algorithm",
                "the key file names the algorithm; remove tsig_algorithm",
            ));
        }
        let keys = parse_key_file(text.expose()).map_err(|m| f.error("tsig_key_file", &m))?;
        return select_key(&keys, key_name.as_deref()).map_err(|m| f.error("tsig_key_file", &m));
    }
    if !inline && key_name.is_none() {
        return Err(Error::Config(format!(
            "{}: missing key \"tsig_key_file\" (or \"tsig_key_name\" with \"tsig_secret\")",
            f.label
        )));
    }
    let Some(key_name) = key_name else {
        return Err(f.missing("tsig_key_name"));
    };
    let name = parse_name(&key_name, NameKind::Key).map_err(|m| f.error("tsig_key_name", &m))?;
    let algorithm = match algorithm {
        None => Algorithm::HmacSha256,
        Some(a) => Algorithm::parse(&a).ok_or_else(|| {
            f.error(
                "tsig_algorithm",
                &format!("unsupported algorithm \"{a}\" (supported: {SUPPORTED_ALGORITHMS})"),
            )
        })?,
    };
    let secret = f.secret("tsig_secret")?;
    let bytes = decode_base64(secret.expose())
        .filter(|b| !b.is_empty())
        .ok_or_else(|| f.error("tsig_secret", "is not valid base64"))?;
    Ok(TsigKey::new(name, algorithm, bytes))
}

/// One `key` statement of a BIND key file, as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyEntry {
    pub name: String,
    pub algorithm: String,
    secret: String,
    pub line: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Word(String),
    Quoted(String),
    Open,
    Close,
    Semi,
}

/// Splits named.conf text into tokens with their line numbers; drops `#`, `//` and `/* */`
/// comments.
fn tokenize(text: &str) -> Result<Vec<(Token, usize)>, String> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let mut line = 1;
    while let Some(&c) = b.get(i) {
        let next = b.get(i + 1).copied();
        match c {
            b'\n' => {
                line += 1;
                i += 1;
            }
            _ if c.is_ascii_whitespace() => i += 1,
            b'#' => {
                while b.get(i).is_some_and(|&c| c != b'\n') {
                    i += 1;
                }
            }
            b'/' if next == Some(b'/') => {
                while b.get(i).is_some_and(|&c| c != b'\n') {
                    i += 1;
                }
            }
            b'/' if next == Some(b'*') => {
                let start = line;
                i += 2;
                loop {
                    match b.get(i) {
                        None => return Err(format!("line {start}: unterminated /* comment")),
                        Some(b'*') if b.get(i + 1) == Some(&b'/') => {
                            i += 2;
                            break;
                        }
                        Some(b'\n') => line += 1,
                        Some(_) => {}
                    }
                    i += 1;
                }
            }
            b'{' | b'}' | b';' => {
                let t = match c {
                    b'{' => Token::Open,
                    b'}' => Token::Close,
                    _ => Token::Semi,
                };
                out.push((t, line));
                i += 1;
            }
            b'"' => {
                let start = line;
                let mut s = Vec::new();
                i += 1;
                loop {
                    match b.get(i) {
                        None => return Err(format!("line {start}: unterminated string")),
                        Some(b'"') => break,
                        Some(b'\\') => {
                            i += 1;
                            match b.get(i) {
                                None => return Err(format!("line {start}: unterminated string")),
                                Some(&e) => s.push(e),
                            }
                        }
                        Some(&ch) => {
                            if ch == b'\n' {
                                line += 1;
                            }
                            s.push(ch);
                        }
                    }
                    i += 1;
                }
                i += 1;
                out.push((
                    Token::Quoted(String::from_utf8_lossy(&s).into_owned()),
                    start,
                ));
            }
            _ => {
                let start = i;
                while let Some(&ch) = b.get(i) {
                    let ends_here = ch.is_ascii_whitespace()
                        || matches!(ch, b'{' | b'}' | b';' | b'"' | b'#')
                        || (ch == b'/' && matches!(b.get(i + 1), Some(b'/' | b'*')));
                    if ends_here {
                        break;
                    }
                    i += 1;
                }
                let word = String::from_utf8_lossy(&b[start..i]).into_owned();
                out.push((Token::Word(word), line));
            }
        }
    }
    Ok(out)
}

/// Reads the `key "name" { algorithm ...; secret "..."; };` statements of a BIND key file
/// (tsig-keygen / ddns-confgen output, or hand-written); other statements are skipped.
pub fn parse_key_file(text: &str) -> Result<Vec<KeyEntry>, String> {
    let tokens = tokenize(text)?;
    let mut it = tokens.into_iter().peekable();
    let mut keys = Vec::new();
    let last_line = text.lines().count().max(1);
    while let Some((token, line)) = it.next() {
        let is_key = matches!(&token, Token::Word(w) if w.eq_ignore_ascii_case("key"));
        if !is_key {
            // Some other statement (or a stray `;`): skip to its end.
            let mut depth = 0usize;
            let mut t = Some((token, line));
            while let Some((tok, l)) = t {
                match tok {
                    Token::Open => depth += 1,
                    Token::Close if depth == 0 => {
                        return Err(format!("line {l}: unexpected \"}}\""));
                    }
                    Token::Close => depth -= 1,
                    Token::Semi if depth == 0 => break,
                    _ => {}
                }
                t = it.next();
            }
            continue;
        }
        let name = match it.next() {
            Some((Token::Word(w) | Token::Quoted(w), _)) => w,
            _ => {
                return Err(format!(
                    "line {line}: \"key\" must be followed by the key's name"
                ));
            }
        };
        match it.next() {
            Some((Token::Open, _)) => {}
            _ => return Err(format!("line {line}: expected \"{{\" after key \"{name}\"")),
        }
        let mut algorithm = None;
        let mut secret = None;
        loop {
            let (clause, l) = match it.next() {
                Some((Token::Close, _)) => break,
                Some((Token::Word(w), l)) => (w.to_ascii_lowercase(), l),
                Some((_, l)) => {
                    return Err(format!("line {l}: expected a clause in key \"{name}\""));
                }
                None => {
                    return Err(format!(
                        "line {last_line}: key \"{name}\" is not closed with \"}}\""
                    ));
                }
            };
            let value = match it.next() {
                Some((Token::Word(w) | Token::Quoted(w), _)) => w,
                _ => return Err(format!("line {l}: \"{clause}\" needs a value")),
            };
            match it.next() {
                Some((Token::Semi, _)) => {}
                _ => return Err(format!("line {l}: expected \";\" after \"{clause}\"")),
            }
            let slot = match clause.as_str() {
                "algorithm" => &mut algorithm,
                "secret" => &mut secret,
                _ => {
                    return Err(format!(
                        "line {l}: unknown clause \"{clause}\" in key \"{name}\""
                    ));
                }
            };
            if slot.replace(value).is_some() {
                return Err(format!(
                    "line {l}: \"{clause}\" given twice in key \"{name}\""
                ));
            }
        }
        if matches!(it.peek(), Some((Token::Semi, _))) {
            it.next();
        }
        let algorithm =
            algorithm.ok_or_else(|| format!("line {line}: key \"{name}\" has no algorithm"))?;
        let secret = secret.ok_or_else(|| format!("line {line}: key \"{name}\" has no secret"))?;
        keys.push(KeyEntry {
            name,
            algorithm,
            secret,
            line,
        });
    }
    Ok(keys)
}

/// Picks the key named `wanted` (any case, final dot optional), or the only key in the file.
pub fn select_key(keys: &[KeyEntry], wanted: Option<&str>) -> Result<TsigKey, String> {
    let norm = |s: &str| s.trim().trim_end_matches('.').to_ascii_lowercase();
    let names = || {
        keys.iter()
            .map(|k| format!("\"{}\"", k.name))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let entry = match wanted {
        Some(w) => keys
            .iter()
            .find(|k| norm(&k.name) == norm(w))
            .ok_or_else(|| match keys.len() {
                0 => "the file holds no key statement".to_string(),
                _ => format!("no key \"{w}\" in the file (it has {})", names()),
            })?,
        None => match keys {
            [one] => one,
            [] => return Err("the file holds no key statement".to_string()),
            _ => {
                return Err(format!(
                    "the file holds several keys ({}); set tsig_key_name to choose",
                    names()
                ));
            }
        },
    };
    let at = |m: String| format!("line {}: key \"{}\": {m}", entry.line, entry.name);
    let name = parse_name(&entry.name, NameKind::Key).map_err(at)?;
    let algorithm = Algorithm::parse(&entry.algorithm).ok_or_else(|| {
        at(format!(
            "unsupported algorithm \"{}\" (supported: {SUPPORTED_ALGORITHMS})",
            entry.algorithm
        ))
    })?;
    let secret = decode_base64(&entry.secret)
        .filter(|b| !b.is_empty())
        .ok_or_else(|| at("the secret is not valid base64".to_string()))?;
    Ok(TsigKey::new(name, algorithm, secret))
}

/// Standard base64 (RFC 4648) with or without padding; whitespace is ignored.
pub fn decode_base64(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let mut acc: u32 = 0;
    let mut bits = 0;
    let mut chars = 0usize;
    let mut padding = 0usize;
    for c in text.bytes().filter(|c| !c.is_ascii_whitespace()) {
        if c == b'=' {
            padding += 1;
            continue;
        }
        if padding > 0 {
            return None;
        }
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        chars += 1;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    let valid_tail = match chars % 4 {
        0 => padding == 0,
        2 => padding == 0 || padding == 2,
        3 => padding == 0 || padding == 1,
        _ => false,
    };
    valid_tail.then_some(out)
}

/// The unsigned UPDATE: zone `zone SOA IN`, then per family due: delete the RRset, add the
/// record. Names uncompressed. Pure.
pub fn build_update(id: u16, zone: &str, name: &str, ttl: u32, addrs: Addrs) -> Vec<u8> {
    let owner = encode_name(name);
    let mut updates = Vec::new();
    let mut count: u16 = 0;
    let mut rr = |rtype: u16, class: u16, ttl: u32, rdata: &[u8]| {
        updates.extend_from_slice(&owner);
        updates.extend_from_slice(&rtype.to_be_bytes());
        updates.extend_from_slice(&class.to_be_bytes());
        updates.extend_from_slice(&ttl.to_be_bytes());
        updates.extend_from_slice(&(rdata.len() as u16).to_be_bytes());
        updates.extend_from_slice(rdata);
        count += 1;
    };
    if let Some(v4) = addrs.v4 {
        rr(TYPE_A, CLASS_ANY, 0, &[]);
        rr(TYPE_A, CLASS_IN, ttl, &v4.octets());
    }
    if let Some(v6) = addrs.v6 {
        rr(TYPE_AAAA, CLASS_ANY, 0, &[]);
        rr(TYPE_AAAA, CLASS_IN, ttl, &v6.octets());
    }
    let flags = OPCODE_UPDATE << 11;
    let mut msg = Vec::with_capacity(HEADER_LEN + zone.len() + 6 + updates.len());
    for word in [id, flags, 1, 0, count, 0] {
        msg.extend_from_slice(&word.to_be_bytes());
    }
    msg.extend_from_slice(&encode_name(zone));
    msg.extend_from_slice(&TYPE_SOA.to_be_bytes());
    msg.extend_from_slice(&CLASS_IN.to_be_bytes());
    msg.extend_from_slice(&updates);
    msg
}

fn u48_bytes(v: u64) -> [u8; 6] {
    let b = v.to_be_bytes();
    [b[2], b[3], b[4], b[5], b[6], b[7]]
}

/// The TSIG variables (RFC 8945 §4.3.3): key name, class ANY, TTL 0, algorithm, time, fudge,
/// error, other data. Pure.
pub fn tsig_variables(
    key: &TsigKey,
    time_signed: u64,
    fudge: u16,
    error: u16,
    other: &[u8],
) -> Vec<u8> {
    let mut v = encode_name(&key.name);
    v.extend_from_slice(&CLASS_ANY.to_be_bytes());
    v.extend_from_slice(&0u32.to_be_bytes());
    v.extend_from_slice(&encode_name(key.algorithm.name()));
    v.extend_from_slice(&u48_bytes(time_signed));
    v.extend_from_slice(&fudge.to_be_bytes());
    v.extend_from_slice(&error.to_be_bytes());
    v.extend_from_slice(&(other.len() as u16).to_be_bytes());
    v.extend_from_slice(other);
    v
}

/// A signed request: its bytes, and what checking the reply needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signed {
    pub wire: Vec<u8>,
    pub mac: Vec<u8>,
    pub id: u16,
    pub time_signed: u64,
}

/// Appends the TSIG record to an unsigned `message` from `build_update` (a whole message: its
/// ID becomes the original ID). Pure.
pub fn sign(message: &[u8], key: &TsigKey, time_signed: u64) -> Signed {
    let time_signed = time_signed.min(MAX_TIME_SIGNED);
    let mut data = message.to_vec();
    data.extend_from_slice(&tsig_variables(key, time_signed, FUDGE_SECS, 0, &[]));
    let mac = hmac::sign(&key.hmac_key(), &data).as_ref().to_vec();
    let id = u16::from_be_bytes([message[0], message[1]]);

    let mut rdata = encode_name(key.algorithm.name());
    rdata.extend_from_slice(&u48_bytes(time_signed));
    rdata.extend_from_slice(&FUDGE_SECS.to_be_bytes());
    rdata.extend_from_slice(&(mac.len() as u16).to_be_bytes());
    rdata.extend_from_slice(&mac);
    rdata.extend_from_slice(&id.to_be_bytes());
    rdata.extend_from_slice(&0u16.to_be_bytes()); // error
    rdata.extend_from_slice(&0u16.to_be_bytes()); // other len

    let mut wire = message.to_vec();
    let arcount = u16::from_be_bytes([message[10], message[11]]).wrapping_add(1);
    wire[10..12].copy_from_slice(&arcount.to_be_bytes());
    wire.extend_from_slice(&encode_name(&key.name));
    wire.extend_from_slice(&TYPE_TSIG.to_be_bytes());
    wire.extend_from_slice(&CLASS_ANY.to_be_bytes());
    wire.extend_from_slice(&0u32.to_be_bytes());
    wire.extend_from_slice(&(rdata.len() as u16).to_be_bytes());
    wire.extend_from_slice(&rdata);
    Signed {
        wire,
        mac,
        id,
        time_signed,
    }
}

/// What the MAC of a reply covers: the request MAC with its length, the reply before its TSIG
/// record (ID set to the original ID, ARCOUNT without the TSIG), and the TSIG variables.
fn reply_mac_data(reply: &[u8], t: &TsigRr, request_mac: &[u8], key: &TsigKey) -> Vec<u8> {
    let mut data = Vec::with_capacity(2 + request_mac.len() + t.start + 64);
    data.extend_from_slice(&(request_mac.len() as u16).to_be_bytes());
    data.extend_from_slice(request_mac);
    let mut head = reply[..t.start].to_vec();
    head[0..2].copy_from_slice(&t.original_id.to_be_bytes());
    let arcount = u16::from_be_bytes([head[10], head[11]]).wrapping_sub(1);
    head[10..12].copy_from_slice(&arcount.to_be_bytes());
    data.extend_from_slice(&head);
    data.extend_from_slice(&tsig_variables(
        key,
        t.time_signed,
        t.fudge,
        t.error,
        t.other,
    ));
    data
}

/// A reply's TSIG record; names in canonical (lowercase, uncompressed) wire form.
#[derive(Debug, PartialEq, Eq)]
struct TsigRr<'a> {
    /// Where the record starts in the message.
    start: usize,
    key_name: Vec<u8>,
    algorithm: Vec<u8>,
    time_signed: u64,
    fudge: u16,
    mac: &'a [u8],
    original_id: u16,
    error: u16,
    other: &'a [u8],
}

/// The parts of a reply ddnsup looks at.
#[derive(Debug)]
struct Message<'a> {
    id: u16,
    flags: u16,
    tsig: Option<TsigRr<'a>>,
}

/// Walks the whole reply: header, zone section, every record; a TSIG record must be the last
/// one of the additional section, and nothing may follow the last record.
fn read_message(msg: &[u8]) -> Result<Message<'_>, String> {
    if msg.len() < HEADER_LEN {
        return Err(format!("{} bytes, shorter than a DNS header", msg.len()));
    }
    let mut r = Reader::new(msg, 0);
    let id = r.u16()?;
    let flags = r.u16()?;
    let zones = r.u16()?;
    let prereqs = usize::from(r.u16()?);
    let updates = usize::from(r.u16()?);
    let additional = usize::from(r.u16()?);
    for _ in 0..zones {
        r.name(MAX_POINTERS)?;
        r.take(4)?;
    }
    let total = prereqs + updates + additional;
    let mut tsig = None;
    for i in 0..total {
        let start = r.pos();
        let owner = r.name(MAX_POINTERS)?;
        let rtype = r.u16()?;
        let class = r.u16()?;
        let ttl = r.u32()?;
        let rdlen = usize::from(r.u16()?);
        let rdata_start = r.pos();
        r.take(rdlen)?;
        if rtype == TYPE_TSIG {
            if i + 1 != total || additional == 0 {
                return Err("a TSIG record that is not the last one".to_string());
            }
            if class != CLASS_ANY || ttl != 0 {
                return Err("a TSIG record with a wrong class or TTL".to_string());
            }
            tsig = Some(read_tsig(msg, start, owner, rdata_start, rdlen)?);
        }
    }
    if r.pos() != msg.len() {
        return Err(format!(
            "{} bytes after the last record",
            msg.len() - r.pos()
        ));
    }
    Ok(Message { id, flags, tsig })
}

fn read_tsig(
    msg: &[u8],
    start: usize,
    key_name: Vec<u8>,
    rdata_start: usize,
    rdlen: usize,
) -> Result<TsigRr<'_>, String> {
    let end = rdata_start + rdlen;
    let mut r = Reader::new(&msg[..end], rdata_start);
    let algorithm = r.name(MAX_POINTERS)?;
    let time_signed = read_u48(r.take(6)?).ok_or("short time field")?;
    let fudge = r.u16()?;
    let mac_len = usize::from(r.u16()?);
    let mac = r.take(mac_len)?;
    let original_id = r.u16()?;
    let error = r.u16()?;
    let other_len = usize::from(r.u16()?);
    let other = r.take(other_len)?;
    if r.pos() != end {
        return Err("TSIG data longer than its fields".to_string());
    }
    Ok(TsigRr {
        start,
        key_name,
        algorithm,
        time_signed,
        fudge,
        mac,
        original_id,
        error,
        other,
    })
}

/// The test hook's shift of the TSIG clock in seconds (0 when unset or not a number).
fn clock_offset() -> i64 {
    let offset = std::env::var(CLOCK_OFFSET_VAR)
        .ok()
        .and_then(|v| v.trim().parse::<i64>().ok())
        .unwrap_or(0);
    if offset != 0 {
        log::warn!("{CLOCK_OFFSET_VAR} = {offset}: TSIG times are shifted (a test hook)");
    }
    offset
}

/// Our clock for TSIG, shifted by the test hook.
fn tsig_now(offset: i64) -> u64 {
    now_secs()
        .saturating_add_signed(offset)
        .min(MAX_TIME_SIGNED)
}

/// A random message ID from the system's generator (the time mixed with the pid if that fails).
fn random_id() -> u16 {
    let mut b = [0u8; 2];
    if SystemRandom::new().fill(&mut b).is_ok() {
        return u16::from_be_bytes(b);
    }
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    (nanos ^ std::process::id().rotate_left(16)) as u16
}

/// Sends the signed message and returns the reply: UDP from a random port, TCP when the
/// message is larger than 512 bytes or the UDP reply is truncated. Failures are transient.
fn exchange(server: SocketAddr, wire: &[u8], id: u16, timeout: Duration) -> Result<Vec<u8>, Error> {
    let failed = |what: &str, how: String| Error::transient(format!("{what} {server}: {how}"));
    if wire.len() > MAX_UDP_MESSAGE {
        log::debug!(
            "sending the UPDATE ({} bytes) to {server} over TCP",
            wire.len()
        );
        return exchange_tcp(server, wire, timeout).map_err(|e| failed("TCP to", e));
    }
    log::debug!(
        "sending the UPDATE ({} bytes) to {server} over UDP",
        wire.len()
    );
    match exchange_udp(server, wire, id, timeout).map_err(|e| failed("UDP to", e))? {
        Some(reply) => Ok(reply),
        None => {
            log::debug!("the UDP reply is truncated; sending the UPDATE over TCP");
            exchange_tcp(server, wire, timeout).map_err(|e| failed("TCP to", e))
        }
    }
}

fn deadline_after(timeout: Duration) -> Instant {
    let start = Instant::now();
    start
        .checked_add(timeout)
        .or_else(|| start.checked_add(Duration::from_secs(86_400)))
        .unwrap_or(start)
}

/// One datagram out, then the first datagram back that carries our ID and QR; `None` when
/// that reply is truncated (TC). Strays are ignored without extending the deadline.
fn exchange_udp(
    server: SocketAddr,
    wire: &[u8],
    id: u16,
    timeout: Duration,
) -> Result<Option<Vec<u8>>, String> {
    let deadline = deadline_after(timeout);
    let local = match server {
        SocketAddr::V4(_) => SocketAddr::from((Ipv4Addr::UNSPECIFIED, 0)),
        SocketAddr::V6(_) => SocketAddr::from((Ipv6Addr::UNSPECIFIED, 0)),
    };
    let socket = UdpSocket::bind(local).map_err(|e| format!("cannot open a socket: {e}"))?;
    socket
        .connect(server)
        .map_err(|e| format!("cannot connect: {e}"))?;
    socket.send(wire).map_err(|e| format!("cannot send: {e}"))?;
    let mut buf = vec![0u8; 65_535];
    let mut ignored = 0usize;
    loop {
        let remaining = deadline.saturating_duration_since(Instant::now());
        if remaining.is_zero() {
            let strays = match ignored {
                0 => String::new(),
                n => format!(" ({n} stray datagram(s) ignored)"),
            };
            return Err(format!("no reply within {} s{strays}", timeout.as_secs()));
        }
        socket
            .set_read_timeout(Some(remaining))
            .map_err(|e| format!("cannot wait for the reply: {e}"))?;
        match socket.recv(&mut buf) {
            Ok(len) => {
                let d = &buf[..len];
                let ours = d.len() >= HEADER_LEN
                    && u16::from_be_bytes([d[0], d[1]]) == id
                    && d[2] & 0x80 != 0;
                if !ours {
                    ignored += 1;
                    continue;
                }
                if u16::from_be_bytes([d[2], d[3]]) & FLAG_TC != 0 {
                    return Ok(None);
                }
                return Ok(Some(d.to_vec()));
            }
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) if e.kind() == ErrorKind::ConnectionRefused => {
                return Err("port unreachable (connection refused)".to_string());
            }
            Err(e) => return Err(format!("cannot receive: {e}")),
        }
    }
}

/// The message with a two-byte length in front, and one length-prefixed reply back.
fn exchange_tcp(server: SocketAddr, wire: &[u8], timeout: Duration) -> Result<Vec<u8>, String> {
    let deadline = deadline_after(timeout);
    let left = || {
        let d = deadline.saturating_duration_since(Instant::now());
        if d.is_zero() {
            Err(format!("no reply within {} s", timeout.as_secs()))
        } else {
            Ok(d)
        }
    };
    let mut stream =
        TcpStream::connect_timeout(&server, left()?).map_err(|e| format!("cannot connect: {e}"))?;
    let mut out = (wire.len() as u16).to_be_bytes().to_vec();
    out.extend_from_slice(wire);
    stream
        .set_write_timeout(Some(left()?))
        .and_then(|_| stream.write_all(&out))
        .map_err(|e| format!("cannot send: {e}"))?;
    let mut read = |buf: &mut [u8]| -> Result<(), String> {
        let mut filled = 0;
        while filled < buf.len() {
            stream
                .set_read_timeout(Some(left()?))
                .map_err(|e| format!("cannot wait for the reply: {e}"))?;
            match stream.read(&mut buf[filled..]) {
                Ok(0) => return Err("the server closed the connection".to_string()),
                Ok(n) => filled += n,
                Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) => return Err(format!("cannot receive: {e}")),
            }
        }
        Ok(())
    };
    let mut len = [0u8; 2];
    read(&mut len)?;
    let mut reply = vec![0u8; usize::from(u16::from_be_bytes(len))];
    read(&mut reply)?;
    Ok(reply)
}

impl Provider for Rfc2136 {
    fn fqdn(&self) -> String {
        self.name.clone()
    }

    fn supports_v6(&self) -> bool {
        true
    }

    /// No HTTP request: `describe` says what `--dry-run` would send.
    fn plan(&self, _addrs: Addrs) -> Vec<Planned> {
        Vec::new()
    }

    fn describe(&self, addrs: Addrs) -> Vec<String> {
        if addrs.is_empty() {
            return Vec::new();
        }
        let name = &self.name;
        let steps: Vec<String> = addrs
            .list()
            .into_iter()
            .map(|ip| {
                let rr = Family::of(ip).rr();
                format!("delete {name} {rr}; add {name} {} {rr} {ip}", self.ttl)
            })
            .collect();
        vec![format!(
            "DNS UPDATE to {} zone {}: {} (TSIG key {}, {})",
            self.server,
            self.zone,
            steps.join("; "),
            self.key.name,
            self.key.algorithm.name()
        )]
    }

    /// Never called: `update` does the whole exchange over DNS.
    fn parse_reply(&self, _reply: &Reply, _sets: Addrs) -> Result<Success, Error> {
        Err(Error::fatal("rfc2136 updates are not HTTP requests"))
    }

    /// One message for every family due; the server applies it all or nothing, so each
    /// family shares the outcome.
    fn update(
        &self,
        client: &Client,
        addrs: Addrs,
        _cache: &mut Cache,
    ) -> Vec<(Family, Result<Success, Error>)> {
        if addrs.is_empty() {
            return Vec::new();
        }
        let result = self.send_update(client.timeout_secs, addrs);
        addrs
            .families()
            .into_iter()
            .map(|family| (family, result.clone()))
            .collect()
    }
}

#[cfg(test)]
#[path = "rfc2136_tests.rs"]
mod tests;
