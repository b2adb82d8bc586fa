//! DNS echo tests with hostile replies: compression pointers, long names, every prefix, fuzzing.
use super::tests::{ID, PTR, V4, fails, good_a, good_aaaa, good_txt, ip4, message, question, rr};
use super::*;

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
