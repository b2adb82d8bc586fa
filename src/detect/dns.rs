//! DNS echo sources: one plain UDP query to a resolver that answers with the asker's address
//! (OpenDNS `myip.opendns.com` A/AAAA, Cloudflare `whoami.cloudflare` CH TXT).
use crate::dnswire::{
    CLASS_IN, FLAG_QR, FLAG_TC, HEADER_LEN, ReadError, Reader, TYPE_A, TYPE_AAAA, encode_name,
};
use std::fmt;
use std::fs::File;
use std::io::{ErrorKind, Read};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, UdpSocket};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// The DNS port.
const PORT: u16 = 53;
/// Record type TXT (RFC 1035 §3.2.2); A, AAAA and IN come from `dnswire`.
const TYPE_TXT: u16 = 16;
/// The CHAOS class (RFC 1035 §3.2.4).
const CLASS_CH: u16 = 3;
/// Header flags of our query: a standard query (opcode 0) with RD set, as `dig` sends it.
const QUERY_FLAGS: u16 = 0x0100;
/// The receive buffer (plain DNS replies are at most 512 bytes; anything longer is refused).
const REPLY_BUFFER: usize = 4096;
/// At most this many answer records are read.
const MAX_ANSWERS: u16 = 16;
/// At most this many compression pointers are followed within one name.
const MAX_HOPS: usize = 16;

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

/// Why a datagram gave no address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseOutcome {
    /// Not a reply to this query (too short, another ID, not a reply, another question): a
    /// stale or spoofed datagram. Drop it and keep waiting.
    Ignore(String),
    /// The reply to this query, and it carries no usable address: stop and report this.
    Fail(String),
}

impl fmt::Display for ParseOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParseOutcome::Ignore(why) | ParseOutcome::Fail(why) => f.write_str(why),
        }
    }
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
            let name = reader.name(MAX_HOPS).map_err(malformed)?;
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
        let name = reader.name(MAX_HOPS).map_err(malformed)?;
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

/// A random query ID: two bytes of /dev/urandom, else the time mixed with the process id.
fn random_id() -> u16 {
    let mut bytes = [0u8; 2];
    let read = File::open("/dev/urandom").and_then(|mut file| file.read_exact(&mut bytes));
    if read.is_ok() {
        return u16::from_be_bytes(bytes);
    }
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let mixed = nanos ^ u128::from(std::process::id()).rotate_left(17);
    (mixed ^ (mixed >> 16) ^ (mixed >> 32) ^ (mixed >> 48)) as u16
}

/// Sends one query from a fresh UDP socket bound to an unspecified address of the server's
/// family with port 0 (the kernel picks a random source port), with a random ID, and waits
/// for the answer until `timeout` elapses in total. Datagrams from other addresses and ones
/// that are not a reply to this query are ignored without extending the deadline.
pub fn query(
    kind: DnsKind,
    v6: bool,
    server: SocketAddr,
    timeout: Duration,
) -> Result<IpAddr, String> {
    let start = Instant::now();
    // A timeout too large for the clock waits a day instead (the caller bounds it anyway).
    let deadline = start
        .checked_add(timeout)
        .or_else(|| start.checked_add(Duration::from_secs(86_400)))
        .unwrap_or(start);
    let local = match server {
        SocketAddr::V4(_) => SocketAddr::from((Ipv4Addr::UNSPECIFIED, 0)),
        SocketAddr::V6(_) => SocketAddr::from((Ipv6Addr::UNSPECIFIED, 0)),
    };
    let socket = UdpSocket::bind(local).map_err(|e| format!("cannot open a UDP socket: {e}"))?;
    // Connecting filters other senders in the kernel and reports "port unreachable".
    socket
        .connect(server)
        .map_err(|e| format!("cannot reach the server: {e}"))?;
    let id = random_id();
    socket
        .send(&build_query(kind, v6, id))
        .map_err(|e| format!("cannot send the query: {e}"))?;

    let mut buffer = vec![0u8; REPLY_BUFFER];
    let mut ignored = 0usize;
    let mut last_ignored = String::new();
    loop {
        let remaining = deadline.saturating_duration_since(Instant::now());
        if remaining.is_zero() {
            let mut why = format!("no reply within {timeout:?}");
            if ignored > 0 {
                why.push_str(&format!(
                    " (ignored {ignored} datagram(s), the last one: {last_ignored})"
                ));
            }
            return Err(why);
        }
        socket
            .set_read_timeout(Some(remaining))
            .map_err(|e| format!("cannot wait for the reply: {e}"))?;
        match socket.recv_from(&mut buffer) {
            Ok((len, from)) => {
                if from.ip() != server.ip() || from.port() != server.port() {
                    ignored += 1;
                    last_ignored = format!("sent from {from}");
                    continue;
                }
                let datagram = buffer.get(..len).unwrap_or_default();
                match parse_reply(kind, v6, id, datagram) {
                    Ok(ip) => return Ok(ip),
                    Err(ParseOutcome::Fail(why)) => return Err(why),
                    Err(ParseOutcome::Ignore(why)) => {
                        ignored += 1;
                        last_ignored = why;
                    }
                }
            }
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) if e.kind() == ErrorKind::ConnectionRefused => {
                return Err(format!(
                    "port {} unreachable (connection refused)",
                    server.port()
                ));
            }
            Err(e) => return Err(format!("cannot receive the reply: {e}")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::thread::{self, JoinHandle};

    const ID: u16 = 0xBEEF;
    /// A compression pointer to the question's name (offset 12).
    const PTR: [u8; 2] = [0xC0, 0x0C];
    /// `81.2.69.160`, a public address used in the examples.
    const V4: [u8; 4] = [81, 2, 69, 160];
    /// `2a02:898::160`.
    const V6: [u8; 16] = [
        0x2a, 0x02, 0x08, 0x98, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0x60,
    ];

    fn ip4() -> IpAddr {
        IpAddr::from(V4)
    }

    fn ip6() -> IpAddr {
        IpAddr::from(V6)
    }

    /// The question section of our query (name, type, class), taken after the header.
    fn question(kind: DnsKind, v6: bool) -> Vec<u8> {
        build_query(kind, v6, 0).split_off(HEADER_LEN)
    }

    /// A resource record.
    fn rr(name: &[u8], rtype: u16, rclass: u16, rdata: &[u8]) -> Vec<u8> {
        let mut out = name.to_vec();
        out.extend_from_slice(&rtype.to_be_bytes());
        out.extend_from_slice(&rclass.to_be_bytes());
        out.extend_from_slice(&[0, 0, 0, 0]);
        out.extend_from_slice(&(rdata.len() as u16).to_be_bytes());
        out.extend_from_slice(rdata);
        out
    }

    /// A whole message: header with `flags`, one question, `answers`.
    fn message(id: u16, flags: u16, question: &[u8], answers: &[Vec<u8>]) -> Vec<u8> {
        let mut out = id.to_be_bytes().to_vec();
        out.extend_from_slice(&flags.to_be_bytes());
        out.extend_from_slice(&[0, 1]);
        out.extend_from_slice(&(answers.len() as u16).to_be_bytes());
        out.extend_from_slice(&[0, 0, 0, 0]);
        out.extend_from_slice(question);
        for answer in answers {
            out.extend_from_slice(answer);
        }
        out
    }

    /// A TXT rdata of these strings.
    fn txt(strings: &[&str]) -> Vec<u8> {
        let mut out = Vec::new();
        for s in strings {
            out.push(s.len() as u8);
            out.extend_from_slice(s.as_bytes());
        }
        out
    }

    fn good_a(id: u16) -> Vec<u8> {
        let q = question(DnsKind::OpenDns, false);
        message(id, 0x8180, &q, &[rr(&PTR, TYPE_A, CLASS_IN, &V4)])
    }

    fn good_aaaa(id: u16) -> Vec<u8> {
        let q = question(DnsKind::OpenDns, true);
        message(id, 0x8180, &q, &[rr(&PTR, TYPE_AAAA, CLASS_IN, &V6)])
    }

    fn good_txt(id: u16, text: &str) -> Vec<u8> {
        let q = question(DnsKind::Cloudflare, false);
        message(
            id,
            0x8180,
            &q,
            &[rr(&PTR, TYPE_TXT, CLASS_CH, &txt(&[text]))],
        )
    }

    fn fails(result: Result<IpAddr, ParseOutcome>) -> String {
        match result {
            Err(ParseOutcome::Fail(why)) => why,
            other => panic!("expected a failure, got {other:?}"),
        }
    }

    fn ignored(result: Result<IpAddr, ParseOutcome>) -> String {
        match result {
            Err(ParseOutcome::Ignore(why)) => why,
            other => panic!("expected an ignored datagram, got {other:?}"),
        }
    }

    #[test]
    fn kinds_parse_and_name() {
        for kind in [DnsKind::OpenDns, DnsKind::Cloudflare] {
            assert_eq!(DnsKind::parse(kind.name()), Some(kind));
        }
        assert_eq!(DnsKind::parse("OpenDNS"), None);
        assert_eq!(DnsKind::parse("google"), None);
        assert_eq!(DnsKind::parse(""), None);
    }

    #[test]
    fn default_servers() {
        let cases = [
            (DnsKind::OpenDns, false, "208.67.222.222:53"),
            (DnsKind::OpenDns, true, "[2620:119:35::35]:53"),
            (DnsKind::Cloudflare, false, "1.1.1.1:53"),
            (DnsKind::Cloudflare, true, "[2606:4700:4700::1111]:53"),
        ];
        for (kind, v6, expected) in cases {
            assert_eq!(kind.default_server(v6).to_string(), expected);
        }
    }

    #[test]
    fn query_bytes_opendns_a() {
        let expected = b"\xbe\xef\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\
                         \x04myip\x07opendns\x03com\x00\x00\x01\x00\x01";
        assert_eq!(
            build_query(DnsKind::OpenDns, false, 0xBEEF),
            expected.to_vec()
        );
    }

    #[test]
    fn query_bytes_opendns_aaaa() {
        let expected = b"\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\
                         \x04myip\x07opendns\x03com\x00\x00\x1c\x00\x01";
        assert_eq!(
            build_query(DnsKind::OpenDns, true, 0x1234),
            expected.to_vec()
        );
    }

    #[test]
    fn query_bytes_cloudflare_both_families() {
        let expected = b"\x00\x07\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\
                         \x06whoami\x0acloudflare\x00\x00\x10\x00\x03";
        assert_eq!(
            build_query(DnsKind::Cloudflare, false, 7),
            expected.to_vec()
        );
        // The family is chosen by the transport; the question is the same.
        assert_eq!(build_query(DnsKind::Cloudflare, true, 7), expected.to_vec());
        assert!(expected.len() < 64);
    }

    #[test]
    fn good_answers() {
        let p = parse_reply;
        assert_eq!(p(DnsKind::OpenDns, false, ID, &good_a(ID)), Ok(ip4()));
        assert_eq!(p(DnsKind::OpenDns, true, ID, &good_aaaa(ID)), Ok(ip6()));
        let reply = good_txt(ID, "81.2.69.160");
        assert_eq!(p(DnsKind::Cloudflare, false, ID, &reply), Ok(ip4()));
        let q = question(DnsKind::Cloudflare, true);
        let rdata = txt(&["2a02:898::160"]);
        let reply = message(ID, 0x8580, &q, &[rr(&PTR, TYPE_TXT, CLASS_CH, &rdata)]);
        assert_eq!(p(DnsKind::Cloudflare, true, ID, &reply), Ok(ip6()));
    }

    #[test]
    fn real_cloudflare_reply_bytes() {
        // whoami.cloudflare. 0 CH TXT "81.2.69.160", the answer's name a pointer to the question.
        let reply = b"\x9a\x0b\x81\x80\x00\x01\x00\x01\x00\x00\x00\x00\
                      \x06whoami\x0acloudflare\x00\x00\x10\x00\x03\
                      \xc0\x0c\x00\x10\x00\x03\x00\x00\x00\x00\x00\x0c\
                      \x0b81.2.69.160";
        let got = parse_reply(DnsKind::Cloudflare, false, 0x9a0b, reply);
        assert_eq!(got, Ok(ip4()));
    }

    #[test]
    fn answer_name_may_be_written_out_and_other_records_are_skipped() {
        let q = question(DnsKind::OpenDns, false);
        let name = b"\x04MYIP\x07OpenDNS\x03com\x00";
        let cname = rr(&PTR, 5, CLASS_IN, b"\xc0\x0c");
        let other = rr(b"\x01x\x00", TYPE_A, CLASS_IN, &[1, 2, 3, 4]);
        let reply = message(
            ID,
            0x8180,
            &q,
            &[cname, other, rr(name, TYPE_A, CLASS_IN, &V4)],
        );
        assert_eq!(parse_reply(DnsKind::OpenDns, false, ID, &reply), Ok(ip4()));
    }

    #[test]
    fn question_echo_is_case_insensitive() {
        let upper = b"\x04MyIp\x07OPENdns\x03cOm\x00\x00\x01\x00\x01";
        let reply = message(ID, 0x8180, upper, &[rr(&PTR, TYPE_A, CLASS_IN, &V4)]);
        assert_eq!(parse_reply(DnsKind::OpenDns, false, ID, &reply), Ok(ip4()));
        let upper = b"\x06WHOAMI\x0aCloudFlare\x00\x00\x10\x00\x03";
        let rdata = txt(&["81.2.69.160"]);
        let reply = message(ID, 0x8180, upper, &[rr(&PTR, TYPE_TXT, CLASS_CH, &rdata)]);
        assert_eq!(
            parse_reply(DnsKind::Cloudflare, false, ID, &reply),
            Ok(ip4())
        );
    }

    #[test]
    fn datagrams_that_are_not_our_reply_are_ignored() {
        let kind = DnsKind::OpenDns;
        let why = ignored(parse_reply(kind, false, ID, &good_a(ID.wrapping_add(1))));
        assert_eq!(why, "reply has another ID");
        let mut query = good_a(ID);
        query[2] &= 0x7F;
        assert!(ignored(parse_reply(kind, false, ID, &query)).contains("not a reply"));
        let mut notify = good_a(ID);
        notify[2] |= 4 << 3;
        assert!(ignored(parse_reply(kind, false, ID, &notify)).contains("opcode 4"));
        // A reply to the AAAA question, or to Cloudflare's, when A was asked.
        let why = ignored(parse_reply(kind, false, ID, &good_aaaa(ID)));
        assert_eq!(why, "reply is for another query");
        let why = ignored(parse_reply(kind, false, ID, &good_txt(ID, "81.2.69.160")));
        assert_eq!(why, "reply is for another query");
        let q = b"\x04myip\x07opendns\x03net\x00\x00\x01\x00\x01";
        let reply = message(ID, 0x8180, q, &[rr(&PTR, TYPE_A, CLASS_IN, &V4)]);
        assert!(ignored(parse_reply(kind, false, ID, &reply)).contains("another query"));
        let q = b"\x04myip\x07opendns\x03com\x00\x00\x01\x00\xff";
        let reply = message(ID, 0x8180, q, &[rr(&PTR, TYPE_A, CLASS_IN, &V4)]);
        assert!(ignored(parse_reply(kind, false, ID, &reply)).contains("another query"));
        // No question at all with NOERROR, or two questions.
        let mut bare = ID.to_be_bytes().to_vec();
        bare.extend_from_slice(&[0x81, 0x80, 0, 0, 0, 0, 0, 0, 0, 0]);
        assert!(ignored(parse_reply(kind, false, ID, &bare)).contains("echo"));
        let mut two = good_a(ID);
        two[5] = 2;
        assert!(ignored(parse_reply(kind, false, ID, &two)).contains("another query"));
        for len in 0..HEADER_LEN {
            assert!(ignored(parse_reply(kind, false, ID, &good_a(ID)[..len])).contains("short"));
        }
    }

    #[test]
    fn truncated_and_error_replies_fail() {
        let kind = DnsKind::OpenDns;
        let q = question(kind, false);
        let tc = message(ID, 0x8380, &q, &[]);
        assert_eq!(
            fails(parse_reply(kind, false, ID, &tc)),
            "reply truncated (TC)"
        );
        for (rcode, text) in [
            (1, "FORMERR"),
            (2, "SERVFAIL"),
            (3, "NXDOMAIN"),
            (4, "NOTIMP"),
            (5, "REFUSED"),
            (9, "RCODE 9"),
        ] {
            let reply = message(ID, 0x8180 | rcode, &q, &[]);
            assert_eq!(fails(parse_reply(kind, false, ID, &reply)), text);
            // Also with an answer present, and without the question echoed.
            let reply = message(ID, 0x8180 | rcode, &q, &[rr(&PTR, TYPE_A, CLASS_IN, &V4)]);
            assert_eq!(fails(parse_reply(kind, false, ID, &reply)), text);
            let mut bare = ID.to_be_bytes().to_vec();
            bare.extend_from_slice(&(0x8180 | rcode).to_be_bytes());
            bare.extend_from_slice(&[0; 8]);
            assert_eq!(fails(parse_reply(kind, false, ID, &bare)), text);
        }
        let mut bare_tc = ID.to_be_bytes().to_vec();
        bare_tc.extend_from_slice(&[0x83, 0x80, 0, 0, 0, 0, 0, 0, 0, 0]);
        assert_eq!(
            fails(parse_reply(kind, false, ID, &bare_tc)),
            "reply truncated (TC)"
        );
    }

    #[test]
    fn answers_that_give_no_address_fail() {
        let (o, c) = (DnsKind::OpenDns, DnsKind::Cloudflare);
        let q4 = question(o, false);
        let q6 = question(o, true);
        let qc = question(c, false);
        let empty = message(ID, 0x8180, &q4, &[]);
        assert_eq!(fails(parse_reply(o, false, ID, &empty)), "no answer");
        let wrong_type = message(ID, 0x8180, &q4, &[rr(&PTR, TYPE_AAAA, CLASS_IN, &V6)]);
        assert_eq!(fails(parse_reply(o, false, ID, &wrong_type)), "no answer");
        let wrong_class = message(ID, 0x8180, &q4, &[rr(&PTR, TYPE_A, CLASS_CH, &V4)]);
        assert_eq!(fails(parse_reply(o, false, ID, &wrong_class)), "no answer");
        let a16 = message(ID, 0x8180, &q4, &[rr(&PTR, TYPE_A, CLASS_IN, &V6)]);
        let why = fails(parse_reply(o, false, ID, &a16));
        assert!(why.starts_with("answer is not an IPv4 address"), "{why}");
        let aaaa4 = message(ID, 0x8180, &q6, &[rr(&PTR, TYPE_AAAA, CLASS_IN, &V4)]);
        let why = fails(parse_reply(o, true, ID, &aaaa4));
        assert!(why.starts_with("answer is not an IPv6 address"), "{why}");
        let a = rr(&PTR, TYPE_A, CLASS_IN, &V4);
        let two = message(ID, 0x8180, &q4, &[a.clone(), a]);
        assert!(fails(parse_reply(o, false, ID, &two)).contains("more than one"));

        let txt_reply = |strings: &[&str]| {
            message(
                ID,
                0x8180,
                &qc,
                &[rr(&PTR, TYPE_TXT, CLASS_CH, &txt(strings))],
            )
        };
        let why = fails(parse_reply(c, false, ID, &txt_reply(&["81.2.69.160", "x"])));
        assert!(why.contains("2 strings"), "{why}");
        let why = fails(parse_reply(c, false, ID, &txt_reply(&[])));
        assert!(why.contains("no string"), "{why}");
        for text in ["hello", "", " 81.2.69.160", "81.2.69.160\n", "081.2.69.160"] {
            let why = fails(parse_reply(c, false, ID, &txt_reply(&[text])));
            assert!(why.starts_with("answer is not an IPv4 address"), "{why}");
        }
        let why = fails(parse_reply(c, false, ID, &txt_reply(&["2a02:898::160"])));
        assert_eq!(why, "answer is not an IPv4 address: \"2a02:898::160\"");
        let why = fails(parse_reply(c, true, ID, &txt_reply(&["81.2.69.160"])));
        assert!(why.starts_with("answer is not an IPv6 address"), "{why}");
        let overrun = message(
            ID,
            0x8180,
            &qc,
            &[rr(&PTR, TYPE_TXT, CLASS_CH, b"\x0b81.2")],
        );
        assert!(fails(parse_reply(c, false, ID, &overrun)).starts_with("malformed"));
        let long = "x".repeat(200);
        let why = fails(parse_reply(c, false, ID, &txt_reply(&[&long])));
        assert!(why.len() < 100, "{why}");
        let ctl = fails(parse_reply(c, false, ID, &txt_reply(&["\u{1b}[31m"])));
        assert!(!ctl.contains('\u{1b}'), "{ctl}");

        let mut many = message(ID, 0x8180, &q4, &[]);
        many[7] = 17;
        assert!(fails(parse_reply(o, false, ID, &many)).contains("too many"));
    }

    #[test]
    fn compression_is_followed_safely() {
        let o = DnsKind::OpenDns;
        let q = question(o, false);
        // A pointer to itself: offset 12 + q.len() is where the answer starts.
        let at = (HEADER_LEN + q.len()) as u8;
        let itself = message(ID, 0x8180, &q, &[rr(&[0xC0, at], TYPE_A, CLASS_IN, &V4)]);
        assert!(fails(parse_reply(o, false, ID, &itself)).contains("pointer"));
        // A label then a pointer back to that label: a loop going backwards.
        let looped = message(
            ID,
            0x8180,
            &q,
            &[rr(&[1, b'a', 0xC0, at], TYPE_A, CLASS_IN, &V4)],
        );
        assert!(fails(parse_reply(o, false, ID, &looped)).starts_with("malformed"));
        // Pointers forward, beyond the end, and into the header.
        for target in [at + 20, 0xFF, 2] {
            let out = message(
                ID,
                0x8180,
                &q,
                &[rr(&[0xC0, target], TYPE_A, CLASS_IN, &V4)],
            );
            let why = fails(parse_reply(o, false, ID, &out));
            assert!(why.contains("out of bounds"), "{why}");
        }
        let far = message(ID, 0x8180, &q, &[rr(&[0xFF, 0xFF], TYPE_A, CLASS_IN, &V4)]);
        assert!(fails(parse_reply(o, false, ID, &far)).starts_with("malformed"));
        // Label types 01 and 10 are not allowed.
        let odd = message(ID, 0x8180, &q, &[rr(&[0x41, 0], TYPE_A, CLASS_IN, &V4)]);
        assert!(fails(parse_reply(o, false, ID, &odd)).contains("label type"));
        // Pointer chains: 16 hops are followed, 17 are not.
        assert_eq!(parse_reply(o, false, ID, &chained(15)), Ok(ip4()));
        let why = fails(parse_reply(o, false, ID, &chained(16)));
        assert!(why.contains("too many compression pointers"), "{why}");
    }

    /// A reply whose first answer (type 99, skipped) holds `links` pointers in its data, each
    /// to the one before (the first to the question's name), and whose second answer, the A
    /// record, is named by a pointer to the last link: its name takes `links + 1` hops.
    fn chained(links: usize) -> Vec<u8> {
        let q = question(DnsKind::OpenDns, false);
        let data_at = HEADER_LEN + q.len() + 11;
        let mut data = Vec::new();
        let mut prev = HEADER_LEN;
        for link in 0..links {
            data.extend_from_slice(&(0xC000 | prev as u16).to_be_bytes());
            prev = data_at + 2 * link;
        }
        let holder = rr(&[0], 99, CLASS_IN, &data);
        let name = (0xC000 | prev as u16).to_be_bytes();
        message(ID, 0x8180, &q, &[holder, rr(&name, TYPE_A, CLASS_IN, &V4)])
    }

    #[test]
    fn long_names_are_refused() {
        // 4 labels of 63 bytes: 256 bytes with the root.
        let mut name = Vec::new();
        for _ in 0..4 {
            name.push(63);
            name.extend_from_slice(&[b'a'; 63]);
        }
        name.push(0);
        let q = question(DnsKind::OpenDns, false);
        let reply = message(ID, 0x8180, &q, &[rr(&name, TYPE_A, CLASS_IN, &V4)]);
        let why = fails(parse_reply(DnsKind::OpenDns, false, ID, &reply));
        assert!(why.contains("255"), "{why}");
        // 255 bytes exactly is a valid (if foreign) name and is skipped.
        let mut name = Vec::new();
        for _ in 0..3 {
            name.push(63);
            name.extend_from_slice(&[b'a'; 63]);
        }
        name.push(61);
        name.extend_from_slice(&[b'a'; 61]);
        name.push(0);
        assert_eq!(name.len(), 255);
        let reply = message(
            ID,
            0x8180,
            &q,
            &[
                rr(&name, TYPE_A, CLASS_IN, &V4),
                rr(&PTR, TYPE_A, CLASS_IN, &V4),
            ],
        );
        assert_eq!(parse_reply(DnsKind::OpenDns, false, ID, &reply), Ok(ip4()));
    }

    #[test]
    fn every_prefix_of_a_good_reply_is_refused() {
        let cases = [
            (DnsKind::OpenDns, false, good_a(ID)),
            (DnsKind::OpenDns, true, good_aaaa(ID)),
            (DnsKind::Cloudflare, false, good_txt(ID, "81.2.69.160")),
        ];
        for (kind, v6, reply) in cases {
            assert!(parse_reply(kind, v6, ID, &reply).is_ok());
            for len in 0..reply.len() {
                let got = parse_reply(kind, v6, ID, &reply[..len]);
                assert!(got.is_err(), "{kind:?} prefix {len}: {got:?}");
            }
        }
    }

    /// xorshift64: a small deterministic generator for the fuzz loop.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            let mut x = self.0;
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            self.0 = x;
            x
        }

        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
    }

    #[test]
    fn fuzzed_replies_never_panic() {
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        let goods = [
            (DnsKind::OpenDns, false, good_a(ID)),
            (DnsKind::OpenDns, true, good_aaaa(ID)),
            (DnsKind::Cloudflare, false, good_txt(ID, "81.2.69.160")),
            (DnsKind::Cloudflare, true, good_txt(ID, "2a02:898::160")),
        ];
        let mut accepted = 0;
        for round in 0..50_000 {
            let (kind, v6, good) = &goods[round % goods.len()];
            let bytes = if round % 2 == 0 {
                // Random bytes, most with our ID and QR/NOERROR so the parser gets deeper.
                let len = rng.below(600);
                let mut bytes: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
                if rng.below(4) != 0 && len >= 4 {
                    bytes[..2].copy_from_slice(&ID.to_be_bytes());
                    bytes[2] = 0x81;
                    bytes[3] = 0x80;
                }
                if rng.below(2) == 0 && len >= 12 {
                    bytes[4..8].copy_from_slice(&[0, 1, 0, rng.below(4) as u8]);
                }
                bytes
            } else {
                // A good reply with a few bytes changed, cut, or grown.
                let mut bytes = good.clone();
                for _ in 0..=rng.below(4) {
                    let at = rng.below(bytes.len());
                    bytes[at] = match rng.below(3) {
                        0 => rng.next() as u8,
                        1 => 0xC0 | (rng.next() as u8 & 0x3F),
                        _ => bytes[at] ^ (1 << rng.below(8)),
                    };
                }
                match rng.below(4) {
                    0 => bytes.truncate(rng.below(bytes.len() + 1)),
                    1 => bytes.extend((0..rng.below(40)).map(|_| rng.next() as u8)),
                    _ => {}
                }
                bytes
            };
            if let Ok(ip) = parse_reply(*kind, *v6, ID, &bytes) {
                assert_eq!(ip.is_ipv6(), *v6, "{bytes:02x?}");
                accepted += 1;
            }
        }
        // Some mutations only touch the TTL or case, so a few are still good.
        assert!(accepted > 0);
    }

    #[test]
    fn random_ids_vary() {
        let ids: Vec<u16> = (0..8).map(|_| random_id()).collect();
        assert!(ids.iter().any(|&id| id != ids[0]), "{ids:?}");
    }

    // -------------------------------------------------------------------------------------
    // Real sockets against a loopback server thread
    // -------------------------------------------------------------------------------------

    /// Binds `bind` (None when that address is unavailable) and answers the first query with
    /// `behaviour`.
    fn serve(
        bind: &str,
        behaviour: impl FnOnce(&UdpSocket, SocketAddr, &[u8]) + Send + 'static,
    ) -> Option<(SocketAddr, JoinHandle<()>)> {
        let socket = UdpSocket::bind(bind).ok()?;
        let addr = socket.local_addr().ok()?;
        let handle = thread::spawn(move || {
            socket
                .set_read_timeout(Some(Duration::from_secs(10)))
                .unwrap();
            let mut buf = [0u8; 512];
            if let Ok((len, from)) = socket.recv_from(&mut buf) {
                behaviour(&socket, from, &buf[..len]);
            }
        });
        Some((addr, handle))
    }

    /// The reply for `query` with the question echoed, `id` and one answer.
    fn answer_to(query: &[u8], id: u16, answer: Vec<u8>) -> Vec<u8> {
        message(id, 0x8180, &query[HEADER_LEN..], &[answer])
    }

    fn id_of(query: &[u8]) -> u16 {
        u16::from_be_bytes([query[0], query[1]])
    }

    #[test]
    fn query_gets_the_address_over_ipv4() {
        let (addr, server) = serve("127.0.0.1:0", |socket, from, query| {
            let id = id_of(query);
            assert_eq!(query, build_query(DnsKind::OpenDns, false, id));
            let reply = answer_to(query, id, rr(&PTR, TYPE_A, CLASS_IN, &V4));
            socket.send_to(&reply, from).unwrap();
        })
        .unwrap();
        let got = query(DnsKind::OpenDns, false, addr, Duration::from_secs(5));
        server.join().unwrap();
        assert_eq!(got, Ok(ip4()));

        let (addr, server) = serve("127.0.0.1:0", |socket, from, query| {
            let id = id_of(query);
            assert_eq!(query, build_query(DnsKind::Cloudflare, false, id));
            let rdata = txt(&["81.2.69.160"]);
            let reply = answer_to(query, id, rr(&PTR, TYPE_TXT, CLASS_CH, &rdata));
            socket.send_to(&reply, from).unwrap();
        })
        .unwrap();
        let got = query(DnsKind::Cloudflare, false, addr, Duration::from_secs(5));
        server.join().unwrap();
        assert_eq!(got, Ok(ip4()));
    }

    #[test]
    fn query_gets_the_address_over_ipv6() {
        let Some((addr, server)) = serve("[::1]:0", |socket, from, query| {
            let id = id_of(query);
            assert_eq!(query, build_query(DnsKind::OpenDns, true, id));
            let reply = answer_to(query, id, rr(&PTR, TYPE_AAAA, CLASS_IN, &V6));
            socket.send_to(&reply, from).unwrap();
        }) else {
            eprintln!("skipped: ::1 is unavailable");
            return;
        };
        let got = query(DnsKind::OpenDns, true, addr, Duration::from_secs(5));
        server.join().unwrap();
        assert_eq!(got, Ok(ip6()));
    }

    #[test]
    fn query_ignores_wrong_ids_and_other_senders() {
        let (addr, server) = serve("127.0.0.1:0", |socket, from, query| {
            let id = id_of(query);
            let decoy = rr(&PTR, TYPE_A, CLASS_IN, &[81, 2, 69, 99]);
            // The right answer from another port, then a wrong ID, then the real one.
            let other = UdpSocket::bind("127.0.0.1:0").unwrap();
            other
                .send_to(&answer_to(query, id, decoy.clone()), from)
                .unwrap();
            let wrong = answer_to(query, id.wrapping_add(1), decoy);
            socket.send_to(&wrong, from).unwrap();
            socket.send_to(b"\x00", from).unwrap();
            thread::sleep(Duration::from_millis(50));
            let good = answer_to(query, id, rr(&PTR, TYPE_A, CLASS_IN, &V4));
            socket.send_to(&good, from).unwrap();
        })
        .unwrap();
        let got = query(DnsKind::OpenDns, false, addr, Duration::from_secs(5));
        server.join().unwrap();
        assert_eq!(got, Ok(ip4()));
    }

    #[test]
    fn query_reports_a_final_error_at_once() {
        let (addr, server) = serve("127.0.0.1:0", |socket, from, query| {
            let reply = message(id_of(query), 0x8183, &query[HEADER_LEN..], &[]);
            socket.send_to(&reply, from).unwrap();
        })
        .unwrap();
        let started = Instant::now();
        let got = query(DnsKind::OpenDns, false, addr, Duration::from_secs(5));
        server.join().unwrap();
        assert_eq!(got, Err("NXDOMAIN".to_string()));
        assert!(started.elapsed() < Duration::from_secs(3));
    }

    #[test]
    fn query_times_out_when_nobody_answers() {
        let (addr, server) = serve("127.0.0.1:0", |_, _, _| {}).unwrap();
        let timeout = Duration::from_millis(300);
        let started = Instant::now();
        let got = query(DnsKind::Cloudflare, false, addr, timeout);
        let took = started.elapsed();
        server.join().unwrap();
        let why = got.unwrap_err();
        assert!(why.starts_with("no reply within 300ms"), "{why}");
        assert!(took >= timeout, "{took:?}");
        assert!(took < timeout + Duration::from_secs(1), "{took:?}");
    }

    #[test]
    fn wrong_ids_do_not_extend_the_deadline() {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let (addr, server) = serve("127.0.0.1:0", move |socket, from, query| {
            let wrong = answer_to(
                query,
                id_of(query).wrapping_add(1),
                rr(&PTR, TYPE_A, CLASS_IN, &V4),
            );
            // Keep sending wrong IDs every 20 ms for up to 5 s.
            for _ in 0..250 {
                if flag.load(Ordering::SeqCst) {
                    break;
                }
                let _ = socket.send_to(&wrong, from);
                thread::sleep(Duration::from_millis(20));
            }
        })
        .unwrap();
        let timeout = Duration::from_millis(300);
        let started = Instant::now();
        let got = query(DnsKind::OpenDns, false, addr, timeout);
        let took = started.elapsed();
        stop.store(true, Ordering::SeqCst);
        server.join().unwrap();
        let why = got.unwrap_err();
        assert!(why.contains("ignored"), "{why}");
        assert!(why.contains("another ID"), "{why}");
        assert!(took >= timeout, "{took:?}");
        assert!(took < timeout + Duration::from_secs(1), "{took:?}");
    }

    #[test]
    fn query_to_a_closed_port_fails() {
        let port = UdpSocket::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
        let got = query(DnsKind::OpenDns, false, addr, Duration::from_millis(500));
        assert!(got.is_err(), "{got:?}");
    }

    #[test]
    fn zero_timeout_fails_without_waiting() {
        let (addr, server) = serve("127.0.0.1:0", |_, _, _| {}).unwrap();
        let got = query(DnsKind::OpenDns, false, addr, Duration::ZERO);
        assert!(got.unwrap_err().starts_with("no reply"));
        server.join().unwrap();
    }
}
