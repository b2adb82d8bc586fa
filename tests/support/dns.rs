//! Owns the loopback UDP DNS mock: answers address-echo queries (OpenDNS, Cloudflare) by a
//! script, like the real services do, and records every query. It also answers RFC 2136
//! UPDATEs (opcode 5; the zone section is recorded as the question, type SOA): `Rcode(5)` is
//! PowerDNS's unsigned REFUSED, `UpdateTsig` a TSIG error as Knot and BIND send one.
//!
//! ```ignore
//! let dns = DnsServer::start(vec![DnsReply::OpenDnsA(Ipv4Addr::new(81, 2, 69, 160))]);
//! // ... point ddnsup at dns.spec() ("127.0.0.1:PORT") and run it ...
//! assert_eq!(dns.queries()[0].name, "myip.opendns.com.");
//! ```

use ring::hmac;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, UdpSocket};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

/// The address in a [`DnsReply::WrongId`] answer to an A query (or a TXT query over IPv4).
pub const DNS_WRONG_ID_V4: Ipv4Addr = Ipv4Addr::new(81, 2, 69, 66);
/// The address in a [`DnsReply::WrongId`] answer to an AAAA query (or a TXT query over IPv6).
pub const DNS_WRONG_ID_V6: Ipv6Addr = Ipv6Addr::new(0x2a02, 0x898, 0, 0, 0, 0, 0, 0x66);

/// How often the server thread looks at its stop flag.
const POLL: Duration = Duration::from_millis(20);
const TYPE_A: u16 = 1;
const TYPE_TXT: u16 = 16;
const TYPE_AAAA: u16 = 28;
const CLASS_IN: u16 = 1;
const CLASS_CH: u16 = 3;
const TYPE_TSIG: u16 = 250;
const CLASS_ANY: u16 = 255;
const OPCODE_UPDATE: u16 = 5;
/// The fudge the mock writes in its TSIG records (RFC 8945 recommends 300 s).
const FUDGE_SECS: u16 = 300;

/// What the server does with one query. Every reply except `Raw` echoes the query's question
/// as received (case included). Replies follow the script, not the question: an `OpenDnsA` to
/// a TXT query is sent as written, which a correct client refuses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DnsReply {
    /// NOERROR with one `A` record: name `0xC00C` (a pointer to the question), class IN, TTL 0.
    OpenDnsA(Ipv4Addr),
    /// The same with one `AAAA` record.
    OpenDnsAaaa(Ipv6Addr),
    /// NOERROR with one `TXT` record of class CH (name `0xC00C`, TTL 0) holding this text as
    /// one character-string (split into 255-byte strings if longer).
    CloudflareTxt(String),
    /// A correct answer to the query's type (A: [`DNS_WRONG_ID_V4`], AAAA: [`DNS_WRONG_ID_V6`],
    /// TXT: the one of the server's family, as text), but with the ID plus one.
    WrongId,
    /// NOERROR with the TC bit set and no answer.
    Truncated,
    /// This RCODE (low 4 bits; 3 is NXDOMAIN), no answer.
    Rcode(u8),
    /// No reply at all (the query is still recorded).
    Silent,
    /// Exactly these bytes, except that the first two (the ID) are replaced by the query's ID
    /// when there are at least two. For a wrong ID use `WrongId`.
    Raw(Vec<u8>),
    /// Each of these replies to the same query, in order (e.g. `WrongId` then a good answer).
    Several(Vec<DnsReply>),
    /// This reply after a pause (cut short when the server stops).
    Delayed(Duration, Box<DnsReply>),
    /// To a TSIG-signed UPDATE: this RCODE, the zone echoed, and a TSIG record with the
    /// request's key and algorithm names, the mock's clock, this TSIG error and a MAC made
    /// with `secret` (the key's bytes; RFC 8945 §4.3) or, when `None`, an empty MAC. Dropped
    /// (no reply) when the request carries no TSIG record or an unknown algorithm.
    UpdateTsig {
        rcode: u8,
        error: u16,
        secret: Option<Vec<u8>>,
    },
}

/// One query the server received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DnsQuery {
    pub id: u16,
    /// The name as received, dotted with a trailing dot, case kept: `myip.opendns.com.`.
    pub name: String,
    pub qtype: u16,
    pub qclass: u16,
}

/// A query as parsed by the server: what is recorded, plus what a reply needs.
struct Incoming {
    query: DnsQuery,
    /// The RD flag, copied into replies.
    rd: bool,
    /// The question section as received (name, type, class).
    question: Vec<u8>,
    /// The opcode, copied into replies (0: a query, 5: an UPDATE).
    opcode: u16,
    /// The whole message as received (an UPDATE's TSIG record is read from it).
    datagram: Vec<u8>,
}

/// The script and the record, shared with the server thread.
struct State {
    script: Vec<DnsReply>,
    next: usize,
    queries: Vec<DnsQuery>,
}

impl State {
    /// The reply due now (the last one once the script is used up; none: `Silent`).
    fn take(&mut self) -> DnsReply {
        let index = self.next.min(self.script.len().saturating_sub(1));
        self.next = self.next.saturating_add(1);
        self.script.get(index).cloned().unwrap_or(DnsReply::Silent)
    }
}

/// A loopback UDP DNS server on one thread; stops when dropped.
pub struct DnsServer {
    addr: SocketAddr,
    state: Arc<Mutex<State>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl DnsServer {
    /// Starts a server on 127.0.0.1 (a free port) answering queries by `script`, one entry
    /// per query, repeating the last (an empty script never answers).
    pub fn start(script: Vec<DnsReply>) -> DnsServer {
        let socket = UdpSocket::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind 127.0.0.1:0 (UDP)");
        DnsServer::on(socket, script)
    }

    /// The same on [::1]; `None` when IPv6 loopback is unavailable.
    pub fn start_v6(script: Vec<DnsReply>) -> Option<DnsServer> {
        let socket = UdpSocket::bind((Ipv6Addr::LOCALHOST, 0)).ok()?;
        Some(DnsServer::on(socket, script))
    }

    fn on(socket: UdpSocket, script: Vec<DnsReply>) -> DnsServer {
        let addr = socket.local_addr().expect("local address of the DNS mock");
        socket
            .set_read_timeout(Some(POLL))
            .expect("read timeout on the DNS mock");
        let state = Arc::new(Mutex::new(State {
            script,
            next: 0,
            queries: Vec::new(),
        }));
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let (state, stop) = (state.clone(), stop.clone());
            thread::Builder::new()
                .name(format!("dns-mock-{addr}"))
                .spawn(move || serve(&socket, &state, &stop))
                .expect("spawn the DNS mock thread")
        };
        DnsServer {
            addr,
            state,
            stop,
            thread: Some(thread),
        }
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The address as a config writes it: `127.0.0.1:PORT` or `[::1]:PORT`.
    pub fn spec(&self) -> String {
        self.addr.to_string()
    }

    /// The queries received so far, in order.
    pub fn queries(&self) -> Vec<DnsQuery> {
        lock(&self.state).queries.clone()
    }

    /// How many queries were received so far.
    pub fn count(&self) -> usize {
        lock(&self.state).queries.len()
    }
}

impl Drop for DnsServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(thread) = self.thread.take() {
            // The thread checks the flag every POLL; a panic in it was already reported.
            let _ = thread.join();
        }
    }
}

/// Locks the state, also after a panic elsewhere.
fn lock(state: &Mutex<State>) -> MutexGuard<'_, State> {
    state
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The server loop: read a query, record it, answer by the script, until `stop`.
fn serve(socket: &UdpSocket, state: &Mutex<State>, stop: &AtomicBool) {
    let v6 = socket.local_addr().is_ok_and(|a| a.is_ipv6());
    let mut buf = [0u8; 4096];
    while !stop.load(Ordering::SeqCst) {
        let (len, from) = match socket.recv_from(&mut buf) {
            Ok(got) => got,
            Err(_) => continue,
        };
        let Some(incoming) = parse_query(&buf[..len]) else {
            continue;
        };
        let reply = {
            let mut state = lock(state);
            state.queries.push(incoming.query.clone());
            state.take()
        };
        send(socket, from, &incoming, &reply, v6, stop);
    }
}

/// Sends the datagrams of `reply` to `to`.
fn send(
    socket: &UdpSocket,
    to: SocketAddr,
    incoming: &Incoming,
    reply: &DnsReply,
    v6: bool,
    stop: &AtomicBool,
) {
    match reply {
        DnsReply::Silent => {}
        DnsReply::Several(replies) => {
            for reply in replies {
                send(socket, to, incoming, reply, v6, stop);
            }
        }
        DnsReply::Delayed(pause, reply) => {
            let until = Instant::now() + *pause;
            while Instant::now() < until {
                if stop.load(Ordering::SeqCst) {
                    return;
                }
                thread::sleep(POLL.min(until.saturating_duration_since(Instant::now())));
            }
            send(socket, to, incoming, reply, v6, stop);
        }
        other => {
            let _ = socket.send_to(&build_reply(incoming, other, v6), to);
        }
    }
}

/// The datagram for a single (not `Silent`, `Several` or `Delayed`) reply.
fn build_reply(incoming: &Incoming, reply: &DnsReply, v6: bool) -> Vec<u8> {
    let id = incoming.query.id;
    match reply {
        DnsReply::OpenDnsA(ip) => message(
            incoming,
            id,
            0,
            0,
            &[answer(TYPE_A, CLASS_IN, &ip.octets())],
        ),
        DnsReply::OpenDnsAaaa(ip) => message(
            incoming,
            id,
            0,
            0,
            &[answer(TYPE_AAAA, CLASS_IN, &ip.octets())],
        ),
        DnsReply::CloudflareTxt(text) => message(
            incoming,
            id,
            0,
            0,
            &[answer(TYPE_TXT, CLASS_CH, &txt(text))],
        ),
        DnsReply::WrongId => {
            let record = match incoming.query.qtype {
                TYPE_AAAA => answer(TYPE_AAAA, CLASS_IN, &DNS_WRONG_ID_V6.octets()),
                TYPE_TXT if v6 => answer(TYPE_TXT, CLASS_CH, &txt(&DNS_WRONG_ID_V6.to_string())),
                TYPE_TXT => answer(TYPE_TXT, CLASS_CH, &txt(&DNS_WRONG_ID_V4.to_string())),
                _ => answer(TYPE_A, CLASS_IN, &DNS_WRONG_ID_V4.octets()),
            };
            message(incoming, id.wrapping_add(1), 0, 0, &[record])
        }
        DnsReply::Truncated => message(incoming, id, 0x0200, 0, &[]),
        DnsReply::Rcode(rcode) => message(incoming, id, 0, rcode & 0x0F, &[]),
        DnsReply::Raw(bytes) => {
            let mut bytes = bytes.clone();
            if let Some(first) = bytes.get_mut(..2) {
                first.copy_from_slice(&id.to_be_bytes());
            }
            bytes
        }
        DnsReply::UpdateTsig {
            rcode,
            error,
            secret,
        } => update_tsig(incoming, *rcode, *error, secret.as_deref()).unwrap_or_default(),
        DnsReply::Silent | DnsReply::Several(_) | DnsReply::Delayed(..) => Vec::new(),
    }
}

/// The request's TSIG record: key name and algorithm (wire form), and its MAC.
struct RequestTsig {
    key_name: Vec<u8>,
    algorithm: Vec<u8>,
    mac: Vec<u8>,
}

/// An uncompressed name at `pos`: its bytes and where it ends.
fn plain_name(msg: &[u8], mut pos: usize) -> Option<(Vec<u8>, usize)> {
    let start = pos;
    loop {
        let len = usize::from(*msg.get(pos)?);
        if len > 63 {
            return None;
        }
        pos += 1 + len;
        if len == 0 {
            return Some((msg.get(start..pos)?.to_vec(), pos));
        }
    }
}

fn u16_at(msg: &[u8], pos: usize) -> Option<u16> {
    Some(u16::from_be_bytes([*msg.get(pos)?, *msg.get(pos + 1)?]))
}

/// Walks an UPDATE as ddnsup writes it (names uncompressed) to its last record, the TSIG.
fn request_tsig(msg: &[u8]) -> Option<RequestTsig> {
    let records: usize = (6..12)
        .step_by(2)
        .map(|at| u16_at(msg, at).map(usize::from))
        .sum::<Option<usize>>()?;
    let (_, mut pos) = plain_name(msg, 12)?;
    pos += 4;
    let mut last = None;
    for _ in 0..records {
        let (owner, after) = plain_name(msg, pos)?;
        let rtype = u16_at(msg, after)?;
        let rdlen = usize::from(u16_at(msg, after + 8)?);
        last = Some((owner, rtype, after + 10));
        pos = after + 10 + rdlen;
    }
    let (key_name, rtype, rdata) = last?;
    if rtype != TYPE_TSIG {
        return None;
    }
    let (algorithm, after) = plain_name(msg, rdata)?;
    let mac_len = usize::from(u16_at(msg, after + 8)?);
    let mac = msg.get(after + 10..after + 10 + mac_len)?.to_vec();
    Some(RequestTsig {
        key_name,
        algorithm,
        mac,
    })
}

/// The [`DnsReply::UpdateTsig`] datagram.
fn update_tsig(
    incoming: &Incoming,
    rcode: u8,
    error: u16,
    secret: Option<&[u8]>,
) -> Option<Vec<u8>> {
    let tsig = request_tsig(&incoming.datagram)?;
    let id = incoming.query.id;
    let head = message(incoming, id, 0, rcode, &[]);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let time = &now.to_be_bytes()[2..8];
    // Everything after the MAC in the record, and the same in the signed variables.
    let mut tail = id.to_be_bytes().to_vec();
    tail.extend_from_slice(&error.to_be_bytes());
    tail.extend_from_slice(&0u16.to_be_bytes());
    let mac = match secret {
        None => Vec::new(),
        Some(secret) => {
            let algorithm = match tsig.algorithm.to_ascii_lowercase().as_slice() {
                b"\x09hmac-sha1\x00" => hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY,
                b"\x0bhmac-sha256\x00" => hmac::HMAC_SHA256,
                b"\x0bhmac-sha512\x00" => hmac::HMAC_SHA512,
                _ => return None,
            };
            let mut data = (tsig.mac.len() as u16).to_be_bytes().to_vec();
            data.extend_from_slice(&tsig.mac);
            data.extend_from_slice(&head);
            data.extend_from_slice(&tsig.key_name.to_ascii_lowercase());
            data.extend_from_slice(&CLASS_ANY.to_be_bytes());
            data.extend_from_slice(&0u32.to_be_bytes());
            data.extend_from_slice(&tsig.algorithm.to_ascii_lowercase());
            data.extend_from_slice(time);
            data.extend_from_slice(&FUDGE_SECS.to_be_bytes());
            data.extend_from_slice(&tail[2..]);
            let key = hmac::Key::new(algorithm, secret);
            hmac::sign(&key, &data).as_ref().to_vec()
        }
    };
    let mut rdata = tsig.algorithm.clone();
    rdata.extend_from_slice(time);
    rdata.extend_from_slice(&FUDGE_SECS.to_be_bytes());
    rdata.extend_from_slice(&(mac.len() as u16).to_be_bytes());
    rdata.extend_from_slice(&mac);
    rdata.extend_from_slice(&tail);
    let mut out = head;
    out[11] = 1; // ARCOUNT: the TSIG record
    out.extend_from_slice(&tsig.key_name);
    out.extend_from_slice(&TYPE_TSIG.to_be_bytes());
    out.extend_from_slice(&CLASS_ANY.to_be_bytes());
    out.extend_from_slice(&0u32.to_be_bytes());
    out.extend_from_slice(&(rdata.len() as u16).to_be_bytes());
    out.extend_from_slice(&rdata);
    Some(out)
}

/// A reply: header (QR, the opcode and RD as asked, RA to a query, `extra` flags, `rcode`),
/// the question echoed, and `answers`.
fn message(incoming: &Incoming, id: u16, extra: u16, rcode: u8, answers: &[Vec<u8>]) -> Vec<u8> {
    let rd = if incoming.rd { 0x0100 } else { 0 };
    let ra = if incoming.opcode == 0 { 0x0080 } else { 0 };
    let flags = 0x8000 | incoming.opcode << 11 | rd | ra | extra | u16::from(rcode);
    let mut out = Vec::with_capacity(512);
    out.extend_from_slice(&id.to_be_bytes());
    out.extend_from_slice(&flags.to_be_bytes());
    out.extend_from_slice(&1u16.to_be_bytes());
    out.extend_from_slice(&(answers.len() as u16).to_be_bytes());
    out.extend_from_slice(&[0, 0, 0, 0]);
    out.extend_from_slice(&incoming.question);
    for record in answers {
        out.extend_from_slice(record);
    }
    out
}

/// An answer record named by a pointer to the question's name (offset 12), TTL 0.
fn answer(rtype: u16, rclass: u16, rdata: &[u8]) -> Vec<u8> {
    let mut out = vec![0xC0, 0x0C];
    out.extend_from_slice(&rtype.to_be_bytes());
    out.extend_from_slice(&rclass.to_be_bytes());
    out.extend_from_slice(&0u32.to_be_bytes());
    out.extend_from_slice(&(rdata.len() as u16).to_be_bytes());
    out.extend_from_slice(rdata);
    out
}

/// TXT data holding `text` (one character-string; 255-byte pieces when longer).
fn txt(text: &str) -> Vec<u8> {
    let bytes = text.as_bytes();
    if bytes.is_empty() {
        return vec![0];
    }
    let mut out = Vec::with_capacity(bytes.len() + bytes.len() / 255 + 1);
    for piece in bytes.chunks(255) {
        out.push(piece.len() as u8);
        out.extend_from_slice(piece);
    }
    out
}

/// Reads a standard query or an UPDATE with one uncompressed question (zone); anything else
/// is `None` (dropped).
fn parse_query(datagram: &[u8]) -> Option<Incoming> {
    let header = datagram.get(..12)?;
    let id = u16::from_be_bytes([header[0], header[1]]);
    let flags = u16::from_be_bytes([header[2], header[3]]);
    let qdcount = u16::from_be_bytes([header[4], header[5]]);
    let opcode = (flags >> 11) & 0xF;
    if flags & 0x8000 != 0 || (opcode != 0 && opcode != OPCODE_UPDATE) || qdcount != 1 {
        return None;
    }
    let mut labels = Vec::new();
    let mut pos = 12;
    loop {
        let len = usize::from(*datagram.get(pos)?);
        if len == 0 {
            pos += 1;
            break;
        }
        if len > 63 {
            return None;
        }
        let label = datagram.get(pos + 1..pos + 1 + len)?;
        labels.push(String::from_utf8_lossy(label).into_owned());
        pos += 1 + len;
    }
    let fixed = datagram.get(pos..pos + 4)?;
    let qtype = u16::from_be_bytes([fixed[0], fixed[1]]);
    let qclass = u16::from_be_bytes([fixed[2], fixed[3]]);
    let name = if labels.is_empty() {
        ".".to_string()
    } else {
        format!("{}.", labels.join("."))
    };
    Some(Incoming {
        query: DnsQuery {
            id,
            name,
            qtype,
            qclass,
        },
        rd: flags & 0x0100 != 0,
        question: datagram.get(12..pos + 4)?.to_vec(),
        opcode,
        datagram: datagram.to_vec(),
    })
}
