//! DNS echo tests: query bytes, good replies, replies ignored or failed; and the reply
//! builders the other DNS echo tests share.
use super::*;

pub(super) const ID: u16 = 0xBEEF;
/// A compression pointer to the question's name (offset 12).
pub(super) const PTR: [u8; 2] = [0xC0, 0x0C];
/// `81.2.69.160`, a public address used in the examples.
pub(super) const V4: [u8; 4] = [81, 2, 69, 160];
/// `2a02:898::160`.
pub(super) const V6: [u8; 16] = [
    0x2a, 0x02, 0x08, 0x98, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0x60,
];

pub(super) fn ip4() -> IpAddr {
    IpAddr::from(V4)
}

pub(super) fn ip6() -> IpAddr {
    IpAddr::from(V6)
}

/// The question section of our query (name, type, class), taken after the header.
pub(super) fn question(kind: DnsKind, v6: bool) -> Vec<u8> {
    build_query(kind, v6, 0).split_off(HEADER_LEN)
}

/// A resource record.
pub(super) fn rr(name: &[u8], rtype: u16, rclass: u16, rdata: &[u8]) -> Vec<u8> {
    let mut out = name.to_vec();
    out.extend_from_slice(&rtype.to_be_bytes());
    out.extend_from_slice(&rclass.to_be_bytes());
    out.extend_from_slice(&[0, 0, 0, 0]);
    out.extend_from_slice(&(rdata.len() as u16).to_be_bytes());
    out.extend_from_slice(rdata);
    out
}

/// A whole message: header with `flags`, one question, `answers`.
pub(super) fn message(id: u16, flags: u16, question: &[u8], answers: &[Vec<u8>]) -> Vec<u8> {
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
pub(super) fn txt(strings: &[&str]) -> Vec<u8> {
    let mut out = Vec::new();
    for s in strings {
        out.push(s.len() as u8);
        out.extend_from_slice(s.as_bytes());
    }
    out
}

pub(super) fn good_a(id: u16) -> Vec<u8> {
    let q = question(DnsKind::OpenDns, false);
    message(id, 0x8180, &q, &[rr(&PTR, TYPE_A, CLASS_IN, &V4)])
}

pub(super) fn good_aaaa(id: u16) -> Vec<u8> {
    let q = question(DnsKind::OpenDns, true);
    message(id, 0x8180, &q, &[rr(&PTR, TYPE_AAAA, CLASS_IN, &V6)])
}

pub(super) fn good_txt(id: u16, text: &str) -> Vec<u8> {
    let q = question(DnsKind::Cloudflare, false);
    message(
        id,
        0x8180,
        &q,
        &[rr(&PTR, TYPE_TXT, CLASS_CH, &txt(&[text]))],
    )
}

pub(super) fn fails(result: Result<IpAddr, ParseOutcome>) -> String {
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
