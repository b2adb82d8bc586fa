//! RFC 2136 reply tests: the PROTOCOLS.md §7.7 vector, every RCODE and TSIG error, hostile
//! replies; and the fixtures the other RFC 2136 tests share.
use super::*;
use crate::dnswire::encode_name;
use crate::error::Class;
use crate::http::Reply;
use crate::provider::Addrs;
use keyfile::decode_base64;
use ring::hmac;
use std::net::IpAddr;
use wire::{Algorithm, tsig_variables, u48_bytes};

// PROTOCOLS.md §7.7 (generated and cross-checked with dnspython 2.9.2).
pub(super) const SECRET_B64: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
pub(super) const UNSIGNED_HEX: &str = "123428000001000000020000076578616d706c6503636f6d000006000104686f7374076578616d706c6503636f6d00000100ff00000000000004686f7374076578616d706c6503636f6d00000100010000012c0004c0000201";
pub(super) const VARIABLES_HEX: &str = "0864646e732d6b6579076578616d706c6503636f6d0000ff000000000b686d61632d7368613235360000006553f100012c00000000";
pub(super) const MAC_HEX: &str = "12853c0a64514fec3755c9b74ada10fc8c4208c0baa56ed39757106e3dd956d4";
pub(super) const SIGNED_HEX: &str = "123428000001000000020001076578616d706c6503636f6d000006000104686f7374076578616d706c6503636f6d00000100ff00000000000004686f7374076578616d706c6503636f6d00000100010000012c0004c00002010864646e732d6b6579076578616d706c6503636f6d0000fa00ff00000000003d0b686d61632d7368613235360000006553f100012c002012853c0a64514fec3755c9b74ada10fc8c4208c0baa56ed39757106e3dd956d4123400000000";
pub(super) const RESPONSE_HEX: &str = "1234a8000001000000000001076578616d706c6503636f6d00000600010864646e732d6b6579076578616d706c6503636f6d0000fa00ff00000000003d0b686d61632d7368613235360000006553f101012c00209148881cf9bfd2cf3fe39597521b0b51fb038cc39d90b721c7672001c69d0a02123400000000";
pub(super) const TIME: u64 = 1_700_000_000;

pub(super) fn hex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

pub(super) fn to_hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

pub(super) fn vector_key() -> TsigKey {
    TsigKey::new(
        "ddns-key.example.com".to_string(),
        Algorithm::HmacSha256,
        decode_base64(SECRET_B64).unwrap(),
    )
}

pub(super) fn v4(s: &str) -> Addrs {
    Addrs::one(s.parse::<IpAddr>().unwrap())
}

pub(super) fn vector_provider() -> Rfc2136 {
    Rfc2136 {
        server: Server::parse("192.0.2.53").unwrap(),
        zone: "example.com".to_string(),
        name: "host.example.com".to_string(),
        ttl: 300,
        key: vector_key(),
    }
}

/// The vector's unsigned UPDATE: ID 0x1234, host.example.com A 192.0.2.1, TTL 300.
pub(super) fn vector_update() -> Vec<u8> {
    build_update(
        0x1234,
        "example.com",
        "host.example.com",
        300,
        v4("192.0.2.1"),
    )
}

pub(super) fn vector_signed() -> Signed {
    sign(&vector_update(), &vector_key(), TIME)
}

/// A reply to `sent`: header with `rcode`, the zone echoed, then a TSIG record with `error`
/// and `other`, signed with `key` (or with an empty MAC when `key` is `None`).
pub(super) fn reply(
    sent: &Signed,
    rcode: u16,
    key: Option<&TsigKey>,
    error: u16,
    other: &[u8],
) -> Vec<u8> {
    let vector = vector_key();
    let name_key = key.unwrap_or(&vector);
    let mut msg = Vec::new();
    for word in [sent.id, 0xA800 | rcode, 1, 0, 0, 0] {
        msg.extend_from_slice(&word.to_be_bytes());
    }
    msg.extend_from_slice(&encode_name("example.com"));
    msg.extend_from_slice(&[0, 6, 0, 1]);
    let time = sent.time_signed + 1;
    let mac = match key {
        Some(k) => {
            let mut data = (sent.mac.len() as u16).to_be_bytes().to_vec();
            data.extend_from_slice(&sent.mac);
            data.extend_from_slice(&msg);
            data.extend_from_slice(&tsig_variables(k, time, FUDGE_SECS, error, other));
            hmac::sign(&k.hmac_key(), &data).as_ref().to_vec()
        }
        None => Vec::new(),
    };
    let mut rdata = encode_name(name_key.algorithm.name());
    rdata.extend_from_slice(&u48_bytes(time));
    rdata.extend_from_slice(&FUDGE_SECS.to_be_bytes());
    rdata.extend_from_slice(&(mac.len() as u16).to_be_bytes());
    rdata.extend_from_slice(&mac);
    rdata.extend_from_slice(&sent.id.to_be_bytes());
    rdata.extend_from_slice(&error.to_be_bytes());
    rdata.extend_from_slice(&(other.len() as u16).to_be_bytes());
    rdata.extend_from_slice(other);
    msg[10..12].copy_from_slice(&1u16.to_be_bytes());
    msg.extend_from_slice(&encode_name(&name_key.name));
    msg.extend_from_slice(&[0, 250, 0, 255, 0, 0, 0, 0]);
    msg.extend_from_slice(&(rdata.len() as u16).to_be_bytes());
    msg.extend_from_slice(&rdata);
    msg
}

/// xorshift64*: a small deterministic generator for the fuzz loops.
pub(super) struct Rng(pub(super) u64);

impl Rng {
    pub(super) fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    pub(super) fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

pub(super) fn config(record: &str) -> Result<crate::config::Config, Error> {
    let text = format!("[[record]]\nprovider = \"rfc2136\"\n{record}");
    crate::config::parse_config(&text, std::path::Path::new("/etc/ddnsup/config.toml"))
}

pub(super) fn config_err(record: &str) -> String {
    match config(record) {
        Ok(_) => panic!("accepted: {record}"),
        Err(e) => {
            assert_eq!(e.exit_code(), 2, "{e}");
            e.to_string()
        }
    }
}

#[test]
fn vector_response_verifies() {
    let p = vector_provider();
    let reply = hex(RESPONSE_HEX);
    assert_eq!(
        p.parse_reply_bytes(&reply, &vector_signed(), TIME + 1),
        Ok(Success::Updated)
    );
    // Our clock may differ from the signer's by up to the fudge.
    assert!(
        p.parse_reply_bytes(&reply, &vector_signed(), TIME + 301)
            .is_ok()
    );
    let late = p.parse_reply_bytes(&reply, &vector_signed(), TIME + 1000);
    assert_eq!(late.unwrap_err().class(), Class::Transient);
}

#[test]
fn flipped_response_is_rejected() {
    let p = vector_provider();
    let good = hex(RESPONSE_HEX);
    let mut bad = good.clone();
    bad[100] ^= 1; // inside the MAC
    let e = p
        .parse_reply_bytes(&bad, &vector_signed(), TIME + 1)
        .unwrap_err();
    assert_eq!(e.class(), Class::Transient);
    assert!(e.to_string().contains("does not verify"), "{e}");

    // Every single-bit flip anywhere fails, except the case of a letter in the TSIG key or
    // algorithm name, which RFC 8945 compares in canonical (lowercase) form.
    let (owner, alg) = (29..51, 61..74);
    for i in 0..good.len() {
        for bit in 0..8 {
            let mut m = good.clone();
            m[i] ^= 1 << bit;
            let result = p.parse_reply_bytes(&m, &vector_signed(), TIME + 1);
            let case_only = bit == 5
                && good[i].is_ascii_alphabetic()
                && (owner.contains(&i) || alg.contains(&i));
            if case_only {
                assert_eq!(result, Ok(Success::Updated), "byte {i} bit {bit}");
            } else {
                assert!(result.is_err(), "byte {i} bit {bit} accepted");
            }
        }
    }
}

#[test]
fn response_to_another_request_is_rejected() {
    let p = vector_provider();
    let mut other = vector_signed();
    other.mac[0] ^= 0xff;
    let e = p
        .parse_reply_bytes(&hex(RESPONSE_HEX), &other, TIME + 1)
        .unwrap_err();
    assert!(e.to_string().contains("does not verify"), "{e}");
    let mut other = vector_signed();
    other.id = 0x4321;
    let e = p
        .parse_reply_bytes(&hex(RESPONSE_HEX), &other, TIME + 1)
        .unwrap_err();
    assert!(e.to_string().contains("does not match"), "{e}");
}

#[test]
fn response_signed_with_another_key_is_rejected() {
    let mut p = vector_provider();
    p.key = TsigKey::new("other-key".into(), Algorithm::HmacSha256, vec![1; 32]);
    let e = p
        .parse_reply_bytes(&hex(RESPONSE_HEX), &vector_signed(), TIME + 1)
        .unwrap_err();
    assert!(e.to_string().contains("another key"), "{e}");
    let mut p = vector_provider();
    p.key.algorithm = Algorithm::HmacSha512;
    let e = p
        .parse_reply_bytes(&hex(RESPONSE_HEX), &vector_signed(), TIME + 1)
        .unwrap_err();
    assert!(e.to_string().contains("another algorithm"), "{e}");
}

#[test]
fn every_rcode_and_tsig_error_is_classified() {
    let p = vector_provider();
    let sent = vector_signed();
    let key = vector_key();
    let now = TIME + 1;
    let class = |rcode, signed: bool, error| {
        let k = signed.then_some(&key);
        p.parse_reply_bytes(&reply(&sent, rcode, k, error, &[]), &sent, now)
            .map_err(|e| (e.class(), e.to_string()))
    };
    use Class::{Fatal, Transient};
    let table: &[(u16, bool, u16, Class, &str)] = &[
        (0, false, 0, Transient, "without a TSIG signature"),
        (0, true, 16, Transient, "inconsistent"),
        (1, true, 0, Fatal, "FORMERR"),
        (1, false, 0, Fatal, "FORMERR"),
        (2, true, 0, Transient, "SERVFAIL"),
        (3, true, 0, Fatal, "NXDOMAIN is a failed prerequisite"),
        (4, true, 0, Fatal, "NOTIMP"),
        (5, true, 0, Fatal, "REFUSED"),
        (6, true, 0, Fatal, "YXDOMAIN"),
        (7, true, 0, Fatal, "YXRRSET"),
        (8, true, 0, Fatal, "NXRRSET"),
        (9, true, 0, Fatal, "not authoritative for zone example.com"),
        (9, false, 0, Transient, "NOTAUTH without a TSIG signature"),
        (5, false, 0, Transient, "REFUSED without a TSIG signature"),
        (9, false, 16, Fatal, "BADSIG"),
        (9, false, 17, Fatal, "BADKEY"),
        (9, true, 17, Fatal, "not allowed, or unknown key"),
        (5, false, 16, Fatal, "REFUSED: the server's policy"),
        (9, false, 22, Fatal, "BADTRUNC"),
        (9, true, 18, Transient, "BADTIME"),
        (9, false, 18, Transient, "BADTIME"),
        (9, false, 21, Fatal, "TSIG error 21"),
        (10, true, 0, Fatal, "NOTZONE"),
        (11, true, 0, Transient, "RCODE 11"),
        (15, false, 0, Transient, "RCODE 15"),
    ];
    for &(rcode, signed, error, want, text) in table {
        let (got, message) = class(rcode, signed, error).unwrap_err();
        assert_eq!(got, want, "rcode {rcode} error {error}: {message}");
        assert!(message.contains(text), "{message:?} lacks {text:?}");
        assert!(!message.contains(SECRET_B64));
    }
    assert_eq!(class(0, true, 0), Ok(Success::Updated));
    // A message with no TSIG record at all.
    let mut bare = reply(&sent, 5, None, 0, &[]);
    bare.truncate(29);
    bare[11] = 0;
    let e = p.parse_reply_bytes(&bare, &sent, now).unwrap_err();
    assert_eq!(e.class(), Transient);
    assert!(
        e.to_string()
            .starts_with("REFUSED without a TSIG signature")
    );
    bare[3] = 0x00;
    let e = p.parse_reply_bytes(&bare, &sent, now).unwrap_err();
    assert_eq!(e.class(), Transient);
    assert!(
        e.to_string()
            .contains("without a TSIG signature; not trusted")
    );
    bare[3] = 0x01;
    let e = p.parse_reply_bytes(&bare, &sent, now).unwrap_err();
    assert_eq!(e.class(), Fatal);
    assert!(e.to_string().contains("FORMERR") && e.to_string().contains("unsigned"));
}

#[test]
fn badtime_reports_the_skew() {
    let p = vector_provider();
    let sent = vector_signed();
    let key = vector_key();
    for (server, words) in [
        (TIME + 3600, "3600 s ahead of ours"),
        (TIME - 7200, "7200 s behind ours"),
    ] {
        let r = reply(&sent, 9, Some(&key), 18, &u48_bytes(server));
        let e = p.parse_reply_bytes(&r, &sent, TIME + 1).unwrap_err();
        assert_eq!(e.class(), Class::Transient);
        let m = e.to_string();
        assert!(
            m.contains(words) && m.contains("fix this machine's clock"),
            "{m}"
        );
        assert!(m.contains("2023-11-14 22:13:20 UTC"), "{m}");
    }
    // The signed BADTIME reply still has to verify.
    let mut r = reply(&sent, 9, Some(&key), 18, &u48_bytes(TIME + 3600));
    let n = r.len();
    r[n - 12] ^= 1;
    let e = p.parse_reply_bytes(&r, &sent, TIME + 1).unwrap_err();
    assert!(e.to_string().contains("does not verify"), "{e}");
    assert!(badtime_message(&[1, 2], TIME).contains("more than 300 s"));
}

#[test]
fn truncated_replies_never_panic_or_succeed() {
    let p = vector_provider();
    let sent = vector_signed();
    let key = vector_key();
    let replies = [
        hex(RESPONSE_HEX),
        reply(&sent, 9, Some(&key), 18, &u48_bytes(TIME)),
        reply(&sent, 9, None, 16, &[]),
        hex(SIGNED_HEX),
    ];
    for full in &replies {
        for len in 0..full.len() {
            let r = p.parse_reply_bytes(&full[..len], &sent, TIME + 1);
            assert!(r.is_err(), "prefix of {len} bytes accepted");
            assert_eq!(r.unwrap_err().class(), Class::Transient, "prefix {len}");
        }
        // Bytes after the last record are refused too.
        let mut long = full.clone();
        long.push(0);
        assert!(p.parse_reply_bytes(&long, &sent, TIME + 1).is_err());
    }
    // The request is not an answer.
    let e = p
        .parse_reply_bytes(&hex(SIGNED_HEX), &sent, TIME)
        .unwrap_err();
    assert!(e.to_string().contains("not an answer"), "{e}");
}

#[test]
fn fuzzed_replies_never_panic() {
    let p = vector_provider();
    let sent = vector_signed();
    let good = hex(RESPONSE_HEX);
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for _ in 0..30_000 {
        let mut m = good.clone();
        for _ in 0..1 + rng.below(4) {
            let i = rng.below(m.len());
            m[i] = rng.next() as u8;
        }
        if rng.below(4) == 0 {
            m.truncate(rng.below(m.len() + 1));
        }
        if let Ok(s) = p.parse_reply_bytes(&m, &sent, TIME + 1) {
            // Only a change of letter case in the TSIG names keeps a reply valid.
            assert_eq!(s, Success::Updated);
            assert!(m.eq_ignore_ascii_case(&good), "{}", to_hex(&m));
        }
    }
    for _ in 0..30_000 {
        let len = rng.below(200);
        let mut m: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
        if m.len() >= 4 && rng.below(2) == 0 {
            m[0..4].copy_from_slice(&[0x12, 0x34, 0xa8, 0x00]);
        }
        assert!(p.parse_reply_bytes(&m, &sent, TIME + 1).is_err());
    }
}

#[test]
fn other_algorithms_sign_with_full_macs() {
    for (alg, len) in [(Algorithm::HmacSha1, 20), (Algorithm::HmacSha512, 64)] {
        let key = TsigKey::new("k".into(), alg, vec![7; 16]);
        let signed = sign(
            &build_update(1, "example.com", "example.com", 0, v4("81.2.69.160")),
            &key,
            TIME,
        );
        assert_eq!(signed.mac.len(), len);
        let t = read_message(&signed.wire).unwrap().tsig.unwrap();
        assert_eq!(t.algorithm, encode_name(alg.name()));
        let mut p = vector_provider();
        p.key = key.clone();
        let r = reply(&signed, 0, Some(&key), 0, &[]);
        assert_eq!(p.parse_reply_bytes(&r, &signed, TIME), Ok(Success::Updated));
    }
}

#[test]
fn the_http_path_is_never_used() {
    let p = vector_provider();
    let r = Reply {
        status: 200,
        headers: vec![],
        body: b"OK".to_vec(),
    };
    assert!(p.parse_reply(&r, v4("81.2.69.160")).is_err());
    assert!(
        p.update(
            &Client { timeout_secs: 1 },
            Addrs::default(),
            &mut Cache::default()
        )
        .is_empty()
    );
}
