//! RFC 2136 + TSIG tests: the PROTOCOLS.md §7.7 vector byte for byte, key files, every RCODE
//! and TSIG error, hostile replies, and the UDP/TCP exchange against loopback fakes.
use super::*;
use crate::error::Class;
use std::net::{IpAddr, TcpListener};
use std::thread;

// PROTOCOLS.md §7.7 (generated and cross-checked with dnspython 2.9.2).
const SECRET_B64: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
const UNSIGNED_HEX: &str = "123428000001000000020000076578616d706c6503636f6d000006000104686f7374076578616d706c6503636f6d00000100ff00000000000004686f7374076578616d706c6503636f6d00000100010000012c0004c0000201";
const VARIABLES_HEX: &str = "0864646e732d6b6579076578616d706c6503636f6d0000ff000000000b686d61632d7368613235360000006553f100012c00000000";
const MAC_HEX: &str = "12853c0a64514fec3755c9b74ada10fc8c4208c0baa56ed39757106e3dd956d4";
const SIGNED_HEX: &str = "123428000001000000020001076578616d706c6503636f6d000006000104686f7374076578616d706c6503636f6d00000100ff00000000000004686f7374076578616d706c6503636f6d00000100010000012c0004c00002010864646e732d6b6579076578616d706c6503636f6d0000fa00ff00000000003d0b686d61632d7368613235360000006553f100012c002012853c0a64514fec3755c9b74ada10fc8c4208c0baa56ed39757106e3dd956d4123400000000";
const RESPONSE_HEX: &str = "1234a8000001000000000001076578616d706c6503636f6d00000600010864646e732d6b6579076578616d706c6503636f6d0000fa00ff00000000003d0b686d61632d7368613235360000006553f101012c00209148881cf9bfd2cf3fe39597521b0b51fb038cc39d90b721c7672001c69d0a02123400000000";
const TIME: u64 = 1_700_000_000;

fn hex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

fn to_hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn vector_key() -> TsigKey {
    TsigKey::new(
        "ddns-key.example.com".to_string(),
        Algorithm::HmacSha256,
        decode_base64(SECRET_B64).unwrap(),
    )
}

fn v4(s: &str) -> Addrs {
    Addrs::one(s.parse::<IpAddr>().unwrap())
}

fn vector_provider() -> Rfc2136 {
    Rfc2136 {
        server: Server::parse("192.0.2.53").unwrap(),
        zone: "example.com".to_string(),
        name: "host.example.com".to_string(),
        ttl: 300,
        key: vector_key(),
    }
}

fn vector_signed() -> Signed {
    let message = build_update(
        0x1234,
        "example.com",
        "host.example.com",
        300,
        v4("192.0.2.1"),
    );
    sign(&message, &vector_key(), TIME)
}

#[test]
fn vector_unsigned_update() {
    let message = build_update(
        0x1234,
        "example.com",
        "host.example.com",
        300,
        v4("192.0.2.1"),
    );
    assert_eq!(message.len(), 89);
    assert_eq!(to_hex(&message), UNSIGNED_HEX);
}

#[test]
fn vector_tsig_variables() {
    let v = tsig_variables(&vector_key(), TIME, FUDGE_SECS, 0, &[]);
    assert_eq!(v.len(), 53);
    assert_eq!(to_hex(&v), VARIABLES_HEX);
}

#[test]
fn vector_mac_and_signed_message() {
    let signed = vector_signed();
    assert_eq!(to_hex(&signed.mac), MAC_HEX);
    assert_eq!(signed.wire.len(), 182);
    assert_eq!(to_hex(&signed.wire), SIGNED_HEX);
    assert_eq!((signed.id, signed.time_signed), (0x1234, TIME));
    // Our own reader finds the TSIG record where the annotation puts it (offset 89).
    let m = read_message(&signed.wire).unwrap();
    let t = m.tsig.unwrap();
    assert_eq!(
        (t.start, t.time_signed, t.fudge, t.original_id),
        (89, TIME, 300, 0x1234)
    );
    assert_eq!(t.mac, &hex(MAC_HEX)[..]);
}

#[test]
fn hmac_primitive_sanity() {
    // RFC 4231 test case 2.
    let key = hmac::Key::new(hmac::HMAC_SHA256, b"Jefe");
    let tag = hmac::sign(&key, b"what do ya want for nothing?");
    assert_eq!(
        to_hex(tag.as_ref()),
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
    );
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

/// A reply to `sent`: header with `rcode`, the zone echoed, then a TSIG record with `error`
/// and `other`, signed with `key` (or with an empty MAC when `key` is `None`).
fn reply(sent: &Signed, rcode: u16, key: Option<&TsigKey>, error: u16, other: &[u8]) -> Vec<u8> {
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

#[test]
fn our_reply_builder_matches_the_vector() {
    let r = reply(&vector_signed(), 0, Some(&vector_key()), 0, &[]);
    assert_eq!(to_hex(&r), RESPONSE_HEX);
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
        (9, false, 0, Fatal, "(unsigned reply)"),
        (9, false, 16, Fatal, "BADSIG"),
        (9, false, 17, Fatal, "BADKEY"),
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
    assert_eq!(e.class(), Fatal);
    assert!(e.to_string().contains("REFUSED") && e.to_string().contains("unsigned"));
    bare[3] = 0x00;
    let e = p.parse_reply_bytes(&bare, &sent, now).unwrap_err();
    assert_eq!(e.class(), Transient);
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

/// xorshift64*: a small deterministic generator for the fuzz loops.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
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
fn compression_pointers_are_followed_but_never_loop() {
    // A self-pointer and a forward pointer in the zone section.
    let mut m = vec![0x12, 0x34, 0xa8, 0x00, 0, 1, 0, 0, 0, 0, 0, 0];
    m.extend_from_slice(&[0xc0, 12, 0, 6, 0, 1]);
    assert!(read_message(&m).unwrap_err().contains("pointer"));
    m[13] = 40;
    assert!(read_message(&m).unwrap_err().contains("pointer"));
    // dnspython compresses the TSIG owner name; such a request still reads.
    let w = hex(
        "123428000001000000020001076578616d706c6503636f6d000006000104686f7374c00c000100ff000000000000c01d000100010000012c0004c00002010864646e732d6b6579c00c00fa00ff00000000003d0b686d61632d7368613235360000006553f100012c0020f530fa4662b9b205a7853acdbf1d7fa08896eb74898864ea7b89ccdc2fe80b9cdfa800000000",
    );
    let t = read_message(&w).unwrap().tsig.unwrap();
    assert_eq!(t.key_name, encode_name("ddns-key.example.com"));
    // Its MAC (computed by dnspython over its compressed bytes) verifies with our variables,
    // over the message as it was signed: dnspython's original ID differs from the header's.
    assert_eq!((t.original_id, &w[0..2]), (0xdfa8, &[0x12, 0x34][..]));
    let key = vector_key();
    let mut data = w[..t.start].to_vec();
    data[0..2].copy_from_slice(&t.original_id.to_be_bytes());
    data[11] -= 1;
    data.extend_from_slice(&tsig_variables(&key, t.time_signed, t.fudge, 0, &[]));
    assert!(hmac::verify(&key.hmac_key(), &data, t.mac).is_ok());
}

#[test]
fn dual_stack_update_in_one_message() {
    let mut addrs = v4("81.2.69.160");
    addrs.set("2a01:4f8:10:20::5".parse().unwrap());
    let m = build_update(7, "example.com", "home.example.com", 60, addrs);
    assert_eq!(&m[4..12], &[0, 1, 0, 0, 0, 4, 0, 0]);
    let owner = encode_name("home.example.com");
    let body = &m[12 + 13 + 4..];
    let mut expected = Vec::new();
    for (rtype, class, ttl, rdata) in [
        (1u16, 255u16, 0u32, vec![]),
        (1, 1, 60, vec![81, 2, 69, 160]),
        (28, 255, 0, vec![]),
        (
            28,
            1,
            60,
            "2a01:4f8:10:20::5"
                .parse::<Ipv6Addr>()
                .unwrap()
                .octets()
                .to_vec(),
        ),
    ] {
        expected.extend_from_slice(&owner);
        expected.extend_from_slice(&rtype.to_be_bytes());
        expected.extend_from_slice(&class.to_be_bytes());
        expected.extend_from_slice(&ttl.to_be_bytes());
        expected.extend_from_slice(&(rdata.len() as u16).to_be_bytes());
        expected.extend_from_slice(&rdata);
    }
    assert_eq!(body, &expected[..]);
    // Only AAAA.
    let m = build_update(
        7,
        "example.com",
        "home.example.com",
        60,
        Addrs::one("2a01:4f8:10:20::5".parse().unwrap()),
    );
    assert_eq!(&m[8..10], &[0, 2]);
    assert_eq!(m[12 + 13 + 4 + owner.len() + 1], 28);
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

// ---- key files ----

const TSIG_KEYGEN: &str = "key \"ddns-key\" {\n\talgorithm hmac-sha256;\n\tsecret \"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\";\n};\n";

const DDNS_CONFGEN: &str = r#"# To activate this key, place the following in named.conf, and
# in a separate keyfile on the system or systems from which nsupdate
# will be run:
key "ddns-key.example.com" {
	algorithm hmac-sha256;
	secret "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
};

# Then, in the "zone" definition statement for "example.com",
# place an "update-policy" statement like this one, adjusted as 
# needed for your preferred permissions:
update-policy {
	  grant ddns-key.example.com zonesub ANY;
};

# After the keyfile has been placed, the following command will
# execute nsupdate using this key:
nsupdate -k <keyfile>
"#;

fn key_from(text: &str, wanted: Option<&str>) -> Result<TsigKey, String> {
    select_key(&parse_key_file(text)?, wanted)
}

#[test]
fn tsig_keygen_and_ddns_confgen_output() {
    let k = key_from(TSIG_KEYGEN, None).unwrap();
    assert_eq!(k.name, "ddns-key");
    assert_eq!(k.algorithm, Algorithm::HmacSha256);
    assert_eq!(k.secret, (0..32).collect::<Vec<u8>>());
    let k = key_from(DDNS_CONFGEN, None).unwrap();
    assert_eq!(k, vector_key());
    assert_eq!(
        format!("{k:?}"),
        "TsigKey(ddns-key.example.com, hmac-sha256, ***)"
    );
}

#[test]
fn key_files_in_every_style() {
    let text = r#"
/* several keys,
   hand-written */
key ddns-key {   // unquoted name
    algorithm "HMAC-SHA512"; # quoted, upper case
    secret "AAEC AwQF";
} ;
KEY "second.example." { secret "/w=="; algorithm hmac-sha1.; };
key "third"{algorithm hmac-sha256;secret AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=;};
"#;
    assert!(
        key_from(text, None)
            .unwrap_err()
            .contains("several keys (\"ddns-key\", \"second.example.\", \"third\")")
    );
    let k = key_from(text, Some("ddns-key")).unwrap();
    assert_eq!(
        (k.algorithm, k.secret),
        (Algorithm::HmacSha512, vec![0, 1, 2, 3, 4, 5])
    );
    let k = key_from(text, Some("SECOND.example")).unwrap();
    assert_eq!(
        (k.name.as_str(), k.algorithm, k.secret),
        ("second.example", Algorithm::HmacSha1, vec![255])
    );
    let k = key_from(text, Some("third.")).unwrap();
    assert_eq!(k.secret.len(), 32);
    assert!(
        key_from(text, Some("fourth"))
            .unwrap_err()
            .contains("no key \"fourth\"")
    );
}

#[test]
fn key_file_mistakes() {
    let cases = [
        ("", "no key statement"),
        ("# only a comment\n", "no key statement"),
        (
            "key \"k\" { algorithm hmac-md5; secret \"AAAA\"; };",
            "unsupported algorithm \"hmac-md5\" (supported: hmac-sha256, hmac-sha512, hmac-sha1)",
        ),
        (
            "key \"k\" { algorithm hmac-sha256; secret \"not base64!\"; };",
            "not valid base64",
        ),
        (
            "key \"k\" { algorithm hmac-sha256; secret \"\"; };",
            "not valid base64",
        ),
        ("key \"k\" { algorithm hmac-sha256; };", "has no secret"),
        ("key \"k\" { secret \"AAAA\"; };", "has no algorithm"),
        (
            "key \"k\" { algorithm hmac-sha256; secert \"AAAA\"; };",
            "unknown clause \"secert\"",
        ),
        (
            "key \"k\" { algorithm hmac-sha256; algorithm hmac-sha1; secret \"AAAA\"; };",
            "given twice",
        ),
        (
            "key \"k\" { algorithm hmac-sha256 secret \"AAAA\"; };",
            "expected \";\"",
        ),
        (
            "key \"k\" { algorithm hmac-sha256; secret \"AAAA\";",
            "not closed",
        ),
        (
            "key { algorithm hmac-sha256; };",
            "followed by the key's name",
        ),
        (
            "key \"k\" algorithm hmac-sha256;",
            "expected \"{\" after key \"k\"",
        ),
        ("key", "followed by the key's name"),
        (
            "/* never closed\nkey \"k\" {};",
            "line 1: unterminated /* comment",
        ),
        ("key \"k\n{", "unterminated string"),
        ("options { };\n};", "line 2: unexpected \"}\""),
        (
            "key \"bad name\" { algorithm hmac-sha256; secret \"AAAA\"; };",
            "not allowed in a name",
        ),
    ];
    for (text, want) in cases {
        let e = key_from(text, None).unwrap_err();
        assert!(e.contains(want), "{text:?}: {e:?} lacks {want:?}");
    }
    // Line numbers point at the key.
    let e = key_from(
        "\n\nkey \"k\" {\n algorithm x;\n secret \"AAAA\";\n};",
        None,
    )
    .unwrap_err();
    assert!(e.starts_with("line 3: key \"k\": unsupported"), "{e}");
}

#[test]
fn base64_decoder() {
    for (text, bytes) in [
        ("", &b""[..]),
        ("Zg==", b"f"),
        ("Zm8=", b"fo"),
        ("Zm9v", b"foo"),
        ("Zm9vYg==", b"foob"),
        ("Zm9vYmE=", b"fooba"),
        ("Zm9vYmFy", b"foobar"),
        ("Zm9vYg", b"foob"),
        (" Zm9v\n YmFy\t", b"foobar"),
    ] {
        assert_eq!(decode_base64(text).as_deref(), Some(bytes), "{text:?}");
    }
    for bad in [
        "Z", "Zg=", "Zg===", "Zm9v=", "Z=g=", "Zm-v", "Zm9v_", "ab*d", "=", "Zm9vY",
    ] {
        assert_eq!(decode_base64(bad), None, "{bad:?}");
    }
    let mut rng = Rng(42);
    for len in 0..100 {
        let data: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
        assert_eq!(decode_base64(&crate::http::base64(&data)), Some(data));
    }
}

#[test]
fn algorithm_names() {
    for (text, alg) in [
        ("hmac-sha256", Algorithm::HmacSha256),
        ("HMAC-SHA256.", Algorithm::HmacSha256),
        (" hmac-sha512 ", Algorithm::HmacSha512),
        ("Hmac-Sha1", Algorithm::HmacSha1),
    ] {
        assert_eq!(Algorithm::parse(text), Some(alg));
    }
    for bad in [
        "sha256",
        "hmac-md5",
        "hmac-md5.sig-alg.reg.int",
        "hmac-sha224",
        "",
    ] {
        assert_eq!(Algorithm::parse(bad), None);
    }
}

// ---- config ----

#[test]
fn server_forms() {
    for (text, host, port) in [
        ("192.0.2.53", "192.0.2.53", 53),
        ("192.0.2.53:5353", "192.0.2.53", 5353),
        ("[2001:db8::53]:53", "2001:db8::53", 53),
        ("[2001:db8::53]", "2001:db8::53", 53),
        ("2001:db8::53", "2001:db8::53", 53),
        ("ns1.example.com", "ns1.example.com", 53),
        ("ns1.example.com:5353", "ns1.example.com", 5353),
        ("localhost", "localhost", 53),
    ] {
        let s = Server::parse(text).unwrap();
        assert_eq!((s.host.as_str(), s.port), (host, port), "{text}");
    }
    assert_eq!(
        Server::parse("[2001:db8::53]:53").unwrap().to_string(),
        "[2001:db8::53]:53"
    );
    assert_eq!(
        Server::parse("192.0.2.53").unwrap().to_string(),
        "192.0.2.53:53"
    );
    for (bad, why) in [
        ("https://ns1.example.com", "is a URL"),
        ("ns1.example.com/x", "is a URL"),
        ("192.0.2.53:0", "port"),
        ("192.0.2.53:99999", "port"),
        ("ns1:x", "port"),
        ("[2001:db8::53", "missing"),
        ("[ns1]:53", "not an IPv6 address"),
        ("[::1]53", "expected"),
        ("ns 1", "not an address or host name"),
        ("", "not an address or host name"),
    ] {
        let e = Server::parse(bad).unwrap_err();
        assert!(e.contains(why), "{bad}: {e}");
    }
}

#[test]
fn names() {
    assert_eq!(
        parse_name("Home.Example.COM.", NameKind::Owner).unwrap(),
        "home.example.com"
    );
    assert_eq!(
        parse_name("*.example.com", NameKind::Owner).unwrap(),
        "*.example.com"
    );
    assert!(parse_name("*.example.com", NameKind::Zone).is_err());
    assert!(parse_name("a.*.example.com", NameKind::Owner).is_err());
    assert!(parse_name("a..b", NameKind::Zone).is_err());
    assert!(parse_name(".", NameKind::Zone).is_err());
    assert!(parse_name(&"a".repeat(64), NameKind::Zone).is_err());
    let long = vec!["a".repeat(63); 4].join(".");
    assert!(parse_name(&long, NameKind::Zone).is_err());
    assert!(parse_name(&long[2..], NameKind::Zone).is_ok());
    assert!(in_zone("home.example.com", "example.com"));
    assert!(in_zone("example.com", "example.com"));
    assert!(!in_zone("homeexample.com", "example.com"));
    assert!(!in_zone("home.example.org", "example.com"));
    assert_eq!(encode_name("a.bc"), vec![1, b'a', 2, b'b', b'c', 0]);
}

fn config(record: &str) -> Result<crate::config::Config, Error> {
    let text = format!("[[record]]\nprovider = \"rfc2136\"\n{record}");
    crate::config::parse_config(&text, std::path::Path::new("/etc/ddnsup/config.toml"))
}

fn config_err(record: &str) -> String {
    match config(record) {
        Ok(_) => panic!("accepted: {record}"),
        Err(e) => {
            assert_eq!(e.exit_code(), 2, "{e}");
            e.to_string()
        }
    }
}

const INLINE: &str = "server = \"127.0.0.1:5353\"\nzone = \"example.com\"\nname = \"home.example.com\"\ntsig_key_name = \"ddns-key\"\ntsig_secret = \"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\"\n";

#[test]
fn inline_key_config_and_dry_run_text() {
    let c = config(&format!("{INLINE}family = \"both\"\n")).unwrap();
    let r = &c.records[0];
    assert_eq!(r.label(), "home.example.com (rfc2136)");
    let mut addrs = v4("81.2.69.160");
    assert_eq!(
        r.provider.describe(addrs),
        [
            "DNS UPDATE to 127.0.0.1:5353 zone example.com: delete home.example.com A; add home.example.com 300 A 81.2.69.160 (TSIG key ddns-key, hmac-sha256)"
        ]
    );
    addrs.set("2a01:4f8:10:20::5".parse().unwrap());
    let line = r.provider.describe(addrs).join("\n");
    assert!(line.ends_with("add home.example.com 300 A 81.2.69.160; delete home.example.com AAAA; add home.example.com 300 AAAA 2a01:4f8:10:20::5 (TSIG key ddns-key, hmac-sha256)"), "{line}");
    assert!(!line.contains(SECRET_B64));
    assert!(r.provider.plan(addrs).is_empty());
    assert!(r.provider.describe(Addrs::default()).is_empty());

    let c = config(&format!(
        "{INLINE}ttl = 60\ntsig_algorithm = \"HMAC-SHA512\"\n"
    ))
    .unwrap();
    let line = c.records[0].provider.describe(v4("81.2.69.160")).join("");
    assert!(
        !line.contains("300") && line.contains(" 60 A ") && line.contains("hmac-sha512"),
        "{line}"
    );
}

#[test]
fn config_mistakes_name_the_key() {
    let base = "server = \"127.0.0.1\"\nzone = \"example.com\"\n";
    let cases: Vec<(String, &str)> = vec![
        (format!("{base}name = \"home.example.org\"\ntsig_key_name = \"k\"\ntsig_secret = \"AAAA\"\n"), "key \"name\": \"home.example.org\" is not inside zone \"example.com\""),
        (format!("{base}name = \"home\"\ntsig_key_name = \"k\"\ntsig_secret = \"AAAA\"\n"), "key \"name\": \"home\" is not inside zone"),
        (format!("{base}name = \"home.example.com\"\n"), "missing key \"tsig_key_file\" (or \"tsig_key_name\" with \"tsig_secret\")"),
        (format!("{base}name = \"home.example.com\"\ntsig_key_name = \"k\"\n"), "missing key \"tsig_secret\" (or \"tsig_secret_file\")"),
        (format!("{base}name = \"home.example.com\"\ntsig_secret = \"AAAA\"\n"), "missing key \"tsig_key_name\""),
        (format!("{base}name = \"home.example.com\"\ntsig_key_name = \"k\"\ntsig_secret = \"AA!A\"\n"), "key \"tsig_secret\": is not valid base64"),
        (format!("{base}name = \"home.example.com\"\ntsig_key_name = \"k\"\ntsig_secret = \"AAAA\"\ntsig_algorithm = \"hmac-md5\"\n"), "key \"tsig_algorithm\": unsupported algorithm \"hmac-md5\""),
        (format!("{base}name = \"home.example.com\"\ntsig_key_name = \"k\"\ntsig_secret = \"AAAA\"\nttl = 86401\n"), "key \"ttl\": 86401 is out of range 0..=86400"),
        (format!("{base}name = \"home.example.com\"\ntsig_key_name = \"k\"\ntsig_secret = \"AAAA\"\nallow_http = true\n"), "unknown key \"allow_http\""),
        (format!("{base}name = \"home.example.com\"\ntsig_key_name = \"k\"\ntsig_secret = \"AAAA\"\ntsig_key_file = \"/nonexistent/k.key\"\n"), "key \"tsig_key_file\": cannot read /nonexistent/k.key"),
        ("server = \"https://ns1.example.com\"\nzone = \"example.com\"\nname = \"home.example.com\"\ntsig_key_name = \"k\"\ntsig_secret = \"AAAA\"\n".to_string(), "key \"server\": \"https://ns1.example.com\" is a URL"),
        ("zone = \"example.com\"\nname = \"home.example.com\"\ntsig_key_name = \"k\"\ntsig_secret = \"AAAA\"\n".to_string(), "missing key \"server\""),
        ("server = \"127.0.0.1\"\nname = \"home.example.com\"\ntsig_key_name = \"k\"\ntsig_secret = \"AAAA\"\n".to_string(), "missing key \"zone\""),
    ];
    for (record, want) in cases {
        let e = config_err(&record);
        assert!(e.contains("record 1 (rfc2136)"), "{e}");
        assert!(e.contains(want), "{e:?} lacks {want:?}");
        assert!(!e.contains("AAAA"), "{e}");
    }
}

#[test]
fn key_file_config() {
    let dir = std::env::temp_dir().join(format!("ddnsup-rfc2136-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("ddns.key");
    std::fs::write(&path, DDNS_CONFGEN).unwrap();
    let base = format!(
        "server = \"[::1]:5353\"\nzone = \"Example.COM.\"\nname = \"example.com\"\ntsig_key_file = {:?}\n",
        path.display().to_string()
    );
    let c = config(&base).unwrap();
    let line = c.records[0].provider.describe(v4("81.2.69.160")).join("");
    assert!(
        line.starts_with("DNS UPDATE to [::1]:5353 zone example.com: delete example.com A;"),
        "{line}"
    );
    assert!(
        line.ends_with("(TSIG key ddns-key.example.com, hmac-sha256)"),
        "{line}"
    );
    let first = c.records[0].fingerprint.clone();

    // Editing the key file is a configuration change (a stopped record runs again).
    std::fs::write(&path, DDNS_CONFGEN.replace("AAEC", "AAED")).unwrap();
    assert_ne!(config(&base).unwrap().records[0].fingerprint, first);

    let e = config_err(&format!("{base}tsig_algorithm = \"hmac-sha256\"\n"));
    assert!(
        e.contains("key \"tsig_algorithm\": the key file names the algorithm"),
        "{e}"
    );
    let e = config_err(&format!("{base}tsig_secret = \"AAAA\"\n"));
    assert!(e.contains("not both"), "{e}");
    let e = config_err(&format!("{base}tsig_key_name = \"other\"\n"));
    assert!(
        e.contains("key \"tsig_key_file\": no key \"other\" in the file"),
        "{e}"
    );
    std::fs::write(
        &path,
        "key \"k\" { algorithm hmac-sha256; secret \"@@@\"; };",
    )
    .unwrap();
    let e = config_err(&base);
    assert!(
        e.contains("line 1: key \"k\": the secret is not valid base64"),
        "{e}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

// ---- the exchange, against loopback fakes ----

/// A UDP socket and a TCP listener on the same free loopback port.
fn udp_and_tcp() -> (UdpSocket, TcpListener) {
    for _ in 0..50 {
        let udp = UdpSocket::bind("127.0.0.1:0").unwrap();
        let port = udp.local_addr().unwrap().port();
        if let Ok(tcp) = TcpListener::bind(("127.0.0.1", port)) {
            return (udp, tcp);
        }
    }
    panic!("no free port for UDP and TCP");
}

/// Answers `request` as a server holding `key` would: NOERROR, signed.
fn answer(request: &[u8], key: &TsigKey) -> Vec<u8> {
    let t = read_message(request).unwrap().tsig.unwrap();
    let sent = Signed {
        wire: request.to_vec(),
        mac: t.mac.to_vec(),
        id: t.original_id,
        time_signed: t.time_signed,
    };
    reply(&sent, 0, Some(key), 0, &[])
}

fn provider_at(port: u16, name: &str) -> Rfc2136 {
    let mut p = vector_provider();
    p.server = Server::parse(&format!("127.0.0.1:{port}")).unwrap();
    p.name = name.to_string();
    p
}

#[test]
fn udp_update_ignores_strays_and_verifies() {
    let (udp, _tcp) = udp_and_tcp();
    let port = udp.local_addr().unwrap().port();
    let server = thread::spawn(move || {
        let mut buf = [0u8; 2048];
        let (len, from) = udp.recv_from(&mut buf).unwrap();
        let request = buf[..len].to_vec();
        // A stray datagram with another ID first, then the real answer.
        let mut stray = answer(&request, &vector_key());
        stray[0] ^= 0xff;
        udp.send_to(&stray, from).unwrap();
        udp.send_to(&[1, 2, 3], from).unwrap();
        udp.send_to(&answer(&request, &vector_key()), from).unwrap();
        request
    });
    let p = provider_at(port, "host.example.com");
    let mut addrs = v4("81.2.69.160");
    addrs.set("2a01:4f8:10:20::5".parse().unwrap());
    let client = Client { timeout_secs: 5 };
    let out = p.update(&client, addrs, &mut Cache::default());
    assert_eq!(
        out,
        vec![
            (Family::V4, Ok(Success::Updated)),
            (Family::V6, Ok(Success::Updated))
        ]
    );
    let request = server.join().unwrap();
    assert_eq!(&request[2..12], &[0x28, 0, 0, 1, 0, 0, 0, 4, 0, 1]);
}

#[test]
fn truncated_udp_reply_falls_back_to_tcp() {
    let (udp, tcp) = udp_and_tcp();
    let port = udp.local_addr().unwrap().port();
    let server = thread::spawn(move || {
        let mut buf = [0u8; 2048];
        let (len, from) = udp.recv_from(&mut buf).unwrap();
        // QR, opcode 5, TC.
        let mut tc = buf[..12].to_vec();
        tc[2] = 0xaa;
        udp.send_to(&tc, from).unwrap();
        let udp_request = buf[..len].to_vec();
        let (mut stream, _) = tcp.accept().unwrap();
        let mut len = [0u8; 2];
        stream.read_exact(&mut len).unwrap();
        let mut request = vec![0u8; usize::from(u16::from_be_bytes(len))];
        stream.read_exact(&mut request).unwrap();
        assert_eq!(request, udp_request);
        let a = answer(&request, &vector_key());
        // Written in two pieces, the length first.
        stream.write_all(&(a.len() as u16).to_be_bytes()).unwrap();
        thread::sleep(Duration::from_millis(20));
        stream.write_all(&a).unwrap();
    });
    let p = provider_at(port, "host.example.com");
    assert_eq!(p.send_update(5, v4("81.2.69.160")), Ok(Success::Updated));
    server.join().unwrap();
}

#[test]
fn large_messages_go_over_tcp() {
    let (udp, tcp) = udp_and_tcp();
    let port = udp.local_addr().unwrap().port();
    let server = thread::spawn(move || {
        let (mut stream, _) = tcp.accept().unwrap();
        let mut len = [0u8; 2];
        stream.read_exact(&mut len).unwrap();
        let mut request = vec![0u8; usize::from(u16::from_be_bytes(len))];
        stream.read_exact(&mut request).unwrap();
        let mut out = Vec::new();
        let a = answer(&request, &vector_key());
        out.extend_from_slice(&(a.len() as u16).to_be_bytes());
        out.extend_from_slice(&a);
        stream.write_all(&out).unwrap();
        request.len()
    });
    let long = format!("{}.{}.example.com", "a".repeat(60), "b".repeat(60));
    let p = provider_at(port, &long);
    let mut addrs = v4("81.2.69.160");
    addrs.set("2a01:4f8:10:20::5".parse().unwrap());
    assert_eq!(p.send_update(5, addrs), Ok(Success::Updated));
    assert!(server.join().unwrap() > 512);
    drop(udp);
}

#[test]
fn silence_and_refusal_are_transient() {
    // Nobody answers: the timeout.
    let udp = UdpSocket::bind("127.0.0.1:0").unwrap();
    let port = udp.local_addr().unwrap().port();
    let p = provider_at(port, "host.example.com");
    let start = Instant::now();
    let e = p.send_update(1, v4("81.2.69.160")).unwrap_err();
    assert!(start.elapsed() < Duration::from_secs(3));
    assert_eq!(e.class(), Class::Transient);
    assert!(e.to_string().contains("no reply within 1 s"), "{e}");
    drop(udp);
    // Nothing listens: port unreachable.
    let e = p.send_update(2, v4("81.2.69.160")).unwrap_err();
    assert_eq!(e.class(), Class::Transient);
    assert!(e.to_string().contains("UDP to 127.0.0.1:"), "{e}");
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
