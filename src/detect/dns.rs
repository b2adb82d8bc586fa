//! DNS echo sources: one plain UDP query to a resolver that answers with the asker's address
//! (OpenDNS `myip.opendns.com` A/AAAA, Cloudflare `whoami.cloudflare` CH TXT).
pub use super::udp::ParseOutcome;
use crate::dnswire::{
    CLASS_IN, FLAG_QR, FLAG_TC, HEADER_LEN, ReadError, Reader, TYPE_A, TYPE_AAAA, encode_name,
};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::Duration;

/// The DNS port.
const PORT: u16 = 53;
/// Record type TXT (RFC 1035 §3.2.2); A, AAAA and IN come from `dnswire`.
const TYPE_TXT: u16 = 16;
/// The CHAOS class (RFC 1035 §3.2.4).
const CLASS_CH: u16 = 3;
/// Header flags of our query: a standard query (opcode 0) with RD set, as `dig` sends it.
const QUERY_FLAGS: u16 = 0x0100;
/// At most this many answer records are read.
const MAX_ANSWERS: u16 = 16;

/// Which echo service to ask.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DnsKind {
    /// `myip.opendns.com.` A/AAAA IN at resolver1.opendns.com.
    OpenDns,
    /// `whoami.cloudflare.` TXT CH at 1.1.1.1.
    Cloudflare,
}

impl DnsKind {
    /// `opendns` or `cloudflare` (exactly as written, lowercase).
    pub fn parse(name: &str) -> Option<DnsKind> {
        match name {
            "opendns" => Some(DnsKind::OpenDns),
            "cloudflare" => Some(DnsKind::Cloudflare),
            _ => None,
        }
    }

    /// The name [`DnsKind::parse`] accepts.
    pub fn name(self) -> &'static str {
        match self {
            DnsKind::OpenDns => "opendns",
            DnsKind::Cloudflare => "cloudflare",
        }
    }

    /// The well-known resolver for this kind and family (v6 = false -> IPv4 transport).
    pub fn default_server(self, v6: bool) -> SocketAddr {
        let ip: IpAddr = match (self, v6) {
            (DnsKind::OpenDns, false) => Ipv4Addr::new(208, 67, 222, 222).into(),
            (DnsKind::OpenDns, true) => Ipv6Addr::new(0x2620, 0x119, 0x35, 0, 0, 0, 0, 0x35).into(),
            (DnsKind::Cloudflare, false) => Ipv4Addr::new(1, 1, 1, 1).into(),
            (DnsKind::Cloudflare, true) => {
                Ipv6Addr::new(0x2606, 0x4700, 0x4700, 0, 0, 0, 0, 0x1111).into()
            }
        };
        SocketAddr::new(ip, PORT)
    }
}

/// The question asked: the name in wire form (lowercase), its type and class.
struct Question {
    name: Vec<u8>,
    qtype: u16,
    qclass: u16,
}

impl Question {
    fn of(kind: DnsKind, v6: bool) -> Question {
        let (name, qtype, qclass) = match (kind, v6) {
            (DnsKind::OpenDns, false) => ("myip.opendns.com", TYPE_A, CLASS_IN),
            (DnsKind::OpenDns, true) => ("myip.opendns.com", TYPE_AAAA, CLASS_IN),
            (DnsKind::Cloudflare, _) => ("whoami.cloudflare", TYPE_TXT, CLASS_CH),
        };
        Question {
            name: encode_name(name),
            qtype,
            qclass,
        }
    }
}

/// Builds the query message (pure): random `id` given by the caller.
pub fn build_query(kind: DnsKind, v6: bool, id: u16) -> Vec<u8> {
    let question = Question::of(kind, v6);
    let mut message = Vec::with_capacity(HEADER_LEN + question.name.len() + 4);
    message.extend_from_slice(&id.to_be_bytes());
    message.extend_from_slice(&QUERY_FLAGS.to_be_bytes());
    // QDCOUNT 1, ANCOUNT 0, NSCOUNT 0, ARCOUNT 0.
    message.extend_from_slice(&[0, 1, 0, 0, 0, 0, 0, 0]);
    message.extend_from_slice(&question.name);
    message.extend_from_slice(&question.qtype.to_be_bytes());
    message.extend_from_slice(&question.qclass.to_be_bytes());
    message
}

fn ignore(why: &str) -> ParseOutcome {
    ParseOutcome::Ignore(why.to_string())
}

fn fail(why: &str) -> ParseOutcome {
    ParseOutcome::Fail(why.to_string())
}

/// A reply that cannot be read, in this module's words ("message ends inside ...").
fn malformed(e: ReadError) -> ParseOutcome {
    let what = match e {
        ReadError::EndsInRecord { .. } => "message ends inside a record".to_string(),
        ReadError::EndsInName => "message ends inside a name".to_string(),
        other => other.to_string(),
    };
    ParseOutcome::Fail(format!("malformed reply: {what}"))
}

/// The text of an RCODE.
fn rcode_text(rcode: u16) -> String {
    match rcode {
        1 => "FORMERR".to_string(),
        2 => "SERVFAIL".to_string(),
        3 => "NXDOMAIN".to_string(),
        4 => "NOTIMP".to_string(),
        5 => "REFUSED".to_string(),
        other => format!("RCODE {other}"),
    }
}

/// Parses and checks a reply to the query with `id` (pure). Ok(address) only for a well-formed
/// answer: same ID, QR=1, opcode 0, TC=0, RCODE 0 (NOERROR), the question echoed exactly
/// (name compared case-insensitively, same type/class), and exactly one answer record of the
/// asked name, type and class (other records are skipped). For OpenDNS the A/AAAA data must
/// match the family; for Cloudflare the TXT record must hold exactly one string that is an
/// address of the asked family.
pub fn parse_reply(kind: DnsKind, v6: bool, id: u16, reply: &[u8]) -> Result<IpAddr, ParseOutcome> {
    let asked = Question::of(kind, v6);
    let Some(
        &[
            id_hi,
            id_lo,
            flags_hi,
            flags_lo,
            qd_hi,
            qd_lo,
            an_hi,
            an_lo,
            ..,
        ],
    ) = reply.get(..HEADER_LEN)
    else {
        return Err(ignore("datagram too short for a DNS reply"));
    };
    if u16::from_be_bytes([id_hi, id_lo]) != id {
        return Err(ignore("reply has another ID"));
    }
    let flags = u16::from_be_bytes([flags_hi, flags_lo]);
    if flags & FLAG_QR == 0 {
        return Err(ignore("datagram is a query, not a reply"));
    }
    let opcode = (flags >> 11) & 0xF;
    if opcode != 0 {
        return Err(ParseOutcome::Ignore(format!(
            "reply is not for a standard query (opcode {opcode})"
        )));
    }
    let truncated = flags & FLAG_TC != 0;
    let rcode = flags & 0xF;
    let qdcount = u16::from_be_bytes([qd_hi, qd_lo]);
    let ancount = u16::from_be_bytes([an_hi, an_lo]);
    let mut reader = Reader::new(reply, HEADER_LEN);

    match qdcount {
        1 => {
            let name = reader.name().map_err(malformed)?;
            let qtype = reader.u16().map_err(malformed)?;
            let qclass = reader.u16().map_err(malformed)?;
            if name != asked.name || qtype != asked.qtype || qclass != asked.qclass {
                return Err(ignore("reply is for another query"));
            }
        }
        // An error or a truncated reply may come without the question.
        0 if truncated || rcode != 0 => {}
        0 => return Err(ignore("reply does not echo the question")),
        _ => return Err(ignore("reply is for another query")),
    }
    if truncated {
        return Err(fail("reply truncated (TC)"));
    }
    if rcode != 0 {
        return Err(ParseOutcome::Fail(rcode_text(rcode)));
    }
    if ancount > MAX_ANSWERS {
        return Err(ParseOutcome::Fail(format!(
            "too many answer records ({ancount})"
        )));
    }

    let mut matching = 0;
    let mut data: &[u8] = &[];
    for _ in 0..ancount {
        let name = reader.name().map_err(malformed)?;
        let rtype = reader.u16().map_err(malformed)?;
        let rclass = reader.u16().map_err(malformed)?;
        let _ttl = reader.take(4).map_err(malformed)?;
        let rdlength = reader.u16().map_err(malformed)?;
        let rdata = reader.take(usize::from(rdlength)).map_err(malformed)?;
        if name == asked.name && rtype == asked.qtype && rclass == asked.qclass {
            matching += 1;
            data = rdata;
        }
    }
    match matching {
        0 => Err(fail("no answer")),
        1 => address_from(kind, v6, data).map_err(ParseOutcome::Fail),
        n => Err(ParseOutcome::Fail(format!(
            "more than one answer ({n} records)"
        ))),
    }
}

/// The address in the data of the one answer record.
fn address_from(kind: DnsKind, v6: bool, data: &[u8]) -> Result<IpAddr, String> {
    let family = if v6 { "IPv6" } else { "IPv4" };
    match kind {
        DnsKind::OpenDns => {
            let ip = if v6 {
                <[u8; 16]>::try_from(data).ok().map(IpAddr::from)
            } else {
                <[u8; 4]>::try_from(data).ok().map(IpAddr::from)
            };
            let rr = if v6 { "AAAA" } else { "A" };
            ip.ok_or_else(|| {
                format!(
                    "answer is not an {family} address ({}-byte {rr} record)",
                    data.len()
                )
            })
        }
        DnsKind::Cloudflare => {
            let mut strings = Vec::new();
            let mut reader = Reader::new(data, 0);
            while reader.pos() < data.len() {
                let len = reader
                    .take(1)
                    .map_err(|_| "malformed reply: bad TXT data")?;
                let len = len.first().copied().unwrap_or(0);
                let text = reader
                    .take(usize::from(len))
                    .map_err(|_| "malformed reply: TXT string overruns its record")?;
                strings.push(text);
            }
            let text = match strings.as_slice() {
                [one] => *one,
                [] => return Err("TXT answer holds no string".to_string()),
                many => return Err(format!("TXT answer holds {} strings, not one", many.len())),
            };
            let parsed = std::str::from_utf8(text).ok().and_then(|s| {
                if v6 {
                    s.parse::<Ipv6Addr>().ok().map(IpAddr::from)
                } else {
                    s.parse::<Ipv4Addr>().ok().map(IpAddr::from)
                }
            });
            parsed.ok_or_else(|| {
                let shown: String = String::from_utf8_lossy(text).chars().take(40).collect();
                format!("answer is not an {family} address: {shown:?}")
            })
        }
    }
}

/// A random query ID, from /dev/urandom when it can be read.
fn random_id() -> u16 {
    let mut bytes = [0u8; 2];
    super::udp::fill_random(&mut bytes);
    u16::from_be_bytes(bytes)
}

/// Sends one query from a fresh UDP socket (see [`super::udp::open`]; bound to `device` when
/// one is named) with a random ID, and waits for the answer until `timeout` elapses in total,
/// with no retransmission. Datagrams from other addresses and ones that are not a reply to
/// this query are ignored without extending the deadline.
pub fn query(
    kind: DnsKind,
    v6: bool,
    server: SocketAddr,
    device: Option<&str>,
    timeout: Duration,
) -> Result<IpAddr, String> {
    let socket = super::udp::open(server, device)?;
    let id = random_id();
    let request = build_query(kind, v6, id);
    let mut ip = IpAddr::V4(Ipv4Addr::UNSPECIFIED);
    super::udp::exchange(
        &socket,
        server,
        &request,
        timeout,
        1,
        timeout,
        &mut |reply| parse_reply(kind, v6, id, reply).map(|got| ip = got),
    )?;
    Ok(ip)
}

#[cfg(test)]
#[path = "dns_hostile_tests.rs"]
mod hostile_tests;
#[cfg(test)]
#[path = "dns_query_tests.rs"]
mod query_tests;
#[cfg(test)]
#[path = "dns_tests.rs"]
mod tests;
