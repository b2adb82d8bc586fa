//! UPDATE message tests: the PROTOCOLS.md §7.7 vector byte for byte, both families in one
//! message, compressed names, and the TSIG algorithm names.
use super::*;
use crate::provider::rfc2136::tests::{
    MAC_HEX, RESPONSE_HEX, SIGNED_HEX, TIME, UNSIGNED_HEX, VARIABLES_HEX, hex, reply, to_hex, v4,
    vector_key, vector_signed, vector_update,
};
use std::net::Ipv6Addr;

#[test]
fn vector_unsigned_update() {
    let message = vector_update();
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
fn our_reply_builder_matches_the_vector() {
    let r = reply(&vector_signed(), 0, Some(&vector_key()), 0, &[]);
    assert_eq!(to_hex(&r), RESPONSE_HEX);
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

/// A 64 KiB reply (TCP) whose zone is a 127-label name and whose 5,000-odd update records
/// are named by chains of up to 16 pointers to it: refused at the per-message budget
/// (dnswire's tests count the steps), not read to the end; and a TSIG record's names count
/// against the same budget.
#[test]
fn a_64k_reply_of_chained_pointers_is_refused() {
    let mut m = vec![0x12, 0x34, 0xa8, 0x00, 0, 1, 0, 0, 0, 0, 0, 0];
    m.extend_from_slice(&b"\x01a".repeat(127));
    m.extend_from_slice(&[0, 0, 6, 0, 1]);
    let mut prev = HEADER_LEN;
    let mut records: u16 = 0;
    while m.len() + 12 <= 65_535 {
        let at = m.len();
        m.extend_from_slice(&(0xC000 | prev as u16).to_be_bytes());
        m.extend_from_slice(&[0, 1, 0, 1, 0, 0, 0, 0, 0, 0]);
        records += 1;
        prev = if records.is_multiple_of(16) {
            HEADER_LEN
        } else {
            at
        };
    }
    m[8..10].copy_from_slice(&records.to_be_bytes());
    let e = read_message(&m).unwrap_err();
    assert!(e.contains("names too costly to read"), "{e}");
    // The first 25 records alone read fine (26 names of at most 144 steps each).
    let mut short = m[..HEADER_LEN + 259 + 25 * 12].to_vec();
    short[8..10].copy_from_slice(&25u16.to_be_bytes());
    assert!(read_message(&short).is_ok());
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
