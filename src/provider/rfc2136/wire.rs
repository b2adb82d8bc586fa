//! The UPDATE message and its TSIG (RFC 2136, RFC 8945): algorithms and keys, building and
//! signing the request, reading the reply and verifying its signature. Pure.
use crate::clock::format_utc;
use crate::dnswire::{CLASS_IN, HEADER_LEN, Reader, TYPE_A, TYPE_AAAA, encode_name};
use crate::provider::Addrs;
use ring::hmac;
use std::fmt;

/// Seconds of clock difference the server may allow (RFC 8945 recommends 300).
pub const FUDGE_SECS: u16 = 300;
const TYPE_SOA: u16 = 6;
const TYPE_TSIG: u16 = 250;
const CLASS_ANY: u16 = 255;
pub const OPCODE_UPDATE: u16 = 5;
/// Time Signed is 48 bits.
pub const MAX_TIME_SIGNED: u64 = (1 << 48) - 1;
/// TSIG errors (RFC 8945 §5.3).
pub const TSIG_BADSIG: u16 = 16;
pub const TSIG_BADKEY: u16 = 17;
pub const TSIG_BADTIME: u16 = 18;
pub const TSIG_BADTRUNC: u16 = 22;

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

/// A TSIG key: its name (lowercase, no final dot), algorithm and secret bytes.
#[derive(Clone, PartialEq, Eq)]
pub struct TsigKey {
    pub name: String,
    pub algorithm: Algorithm,
    pub(super) secret: Vec<u8>,
}

impl TsigKey {
    pub fn new(name: String, algorithm: Algorithm, secret: Vec<u8>) -> TsigKey {
        TsigKey {
            name,
            algorithm,
            secret,
        }
    }

    pub(super) fn hmac_key(&self) -> hmac::Key {
        hmac::Key::new(self.algorithm.ring(), &self.secret)
    }
}

impl fmt::Debug for TsigKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TsigKey({}, {}, ***)", self.name, self.algorithm.name())
    }
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

pub(super) fn u48_bytes(v: u64) -> [u8; 6] {
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

/// Checks a signed reply's TSIG: our key and algorithm, the full MAC over the request MAC,
/// the reply and the TSIG variables (constant-time), and its time within the fudge. `Err`
/// says why the reply is not trustworthy. Pure.
pub(super) fn verify(
    reply: &[u8],
    t: &TsigRr,
    sent: &Signed,
    key: &TsigKey,
    now: u64,
) -> Result<(), String> {
    if t.key_name != encode_name(&key.name) {
        return Err("it is signed with another key".to_string());
    }
    if t.algorithm != encode_name(key.algorithm.name()) {
        return Err("it is signed with another algorithm".to_string());
    }
    if t.mac.len() != key.algorithm.mac_len() {
        return Err("its MAC is truncated, which ddnsup does not accept".to_string());
    }
    let data = reply_mac_data(reply, t, &sent.mac, key);
    hmac::verify(&key.hmac_key(), &data, t.mac)
        .map_err(|_| "its TSIG signature does not verify".to_string())?;
    if t.error != TSIG_BADTIME && now.abs_diff(t.time_signed) > u64::from(t.fudge) {
        return Err(format!(
            "it was signed at {}, more than {} s from our clock ({})",
            format_utc(t.time_signed),
            t.fudge,
            format_utc(now)
        ));
    }
    Ok(())
}

/// A reply's TSIG record; names in canonical (lowercase, uncompressed) wire form.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct TsigRr<'a> {
    /// Where the record starts in the message.
    pub(super) start: usize,
    pub(super) key_name: Vec<u8>,
    pub(super) algorithm: Vec<u8>,
    pub(super) time_signed: u64,
    pub(super) fudge: u16,
    pub(super) mac: &'a [u8],
    pub(super) original_id: u16,
    pub(super) error: u16,
    pub(super) other: &'a [u8],
}

/// The parts of a reply ddnsup looks at.
#[derive(Debug)]
pub(super) struct Message<'a> {
    pub(super) id: u16,
    pub(super) flags: u16,
    pub(super) tsig: Option<TsigRr<'a>>,
}

/// Walks the whole reply: header, zone section, every record; a TSIG record must be the last
/// one of the additional section, and nothing may follow the last record.
pub(super) fn read_message(msg: &[u8]) -> Result<Message<'_>, String> {
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
        r.name()?;
        r.take(4)?;
    }
    let total = prereqs + updates + additional;
    let mut tsig = None;
    for i in 0..total {
        let start = r.pos();
        let owner = r.name()?;
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
            tsig = Some(read_tsig(&r, start, owner, rdata_start, rdlen)?);
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

fn read_tsig<'a>(
    msg: &Reader<'a>,
    start: usize,
    key_name: Vec<u8>,
    rdata_start: usize,
    rdlen: usize,
) -> Result<TsigRr<'a>, String> {
    let end = rdata_start + rdlen;
    let mut r = msg.part(end, rdata_start);
    let algorithm = r.name()?;
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

pub(super) fn read_u48(b: &[u8]) -> Option<u64> {
    match b {
        &[a, b, c, d, e, f] => Some(u64::from_be_bytes([0, 0, a, b, c, d, e, f])),
        _ => None,
    }
}

#[cfg(test)]
#[path = "wire_tests.rs"]
mod tests;
