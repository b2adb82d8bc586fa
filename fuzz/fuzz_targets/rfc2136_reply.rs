//! The RFC 2136 provider's reader of the server's answer, TSIG verification included, against
//! the PROTOCOLS.md §7.7 request (key ddns-key.example.com, hmac-sha256, signed at 1700000000).
//!
//! First byte even: the rest is the whole reply (the vector's response verifies; a mutated one
//! mostly does not). Odd: the rest is an unsigned reply (ARCOUNT without the TSIG) preceded by
//! the TSIG error (2 bytes), the signing time's offset from ours (2 bytes, signed), the other
//! data (1 length byte, then the bytes) and a flag byte (bit 0: keep the reply's own ID); the
//! harness signs it correctly, so that the reply's meaning is reached.
#![no_main]
use ddnsup_fuzz::dnswire::encode_name;
use ddnsup_fuzz::fields::Fields;
use ddnsup_fuzz::provider::Addrs;
use ddnsup_fuzz::provider::rfc2136::Rfc2136;
use ddnsup_fuzz::provider::rfc2136::wire::{
    Algorithm, FUDGE_SECS, Signed, TsigKey, build_update, sign, tsig_variables,
};
use ddnsup_fuzz::support::Bytes;
use ddnsup_fuzz::toml;
use libfuzzer_sys::fuzz_target;
use ring::hmac;
use std::path::PathBuf;
use std::sync::OnceLock;

const KEY_NAME: &str = "ddns-key.example.com";
const SECRET: [u8; 32] = [
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25,
    26, 27, 28, 29, 30, 31,
];
const SECRET_B64: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
const TIME: u64 = 1_700_000_000;
const TYPE_TSIG: u16 = 250;
const CLASS_ANY: u16 = 255;

struct Fixture {
    provider: Rfc2136,
    key: TsigKey,
    sent: Signed,
}

fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let text = format!(
            "server = \"192.0.2.53\"\nzone = \"example.com\"\nname = \"host.example.com\"\n\
             tsig_key_name = \"{KEY_NAME}\"\ntsig_secret = \"{SECRET_B64}\"\n"
        );
        let table = toml::parse(&text).unwrap();
        let mut f = Fields::new("rfc2136".to_string(), &table, PathBuf::from("/etc/ddnsup"));
        let provider = Rfc2136::from_config(&mut f).unwrap();
        let key = TsigKey::new(KEY_NAME.to_string(), Algorithm::HmacSha256, SECRET.to_vec());
        let addrs = Addrs::one("192.0.2.1".parse().unwrap());
        let update = build_update(0x1234, "example.com", "host.example.com", 300, addrs);
        let sent = sign(&update, &key, TIME);
        Fixture {
            provider,
            key,
            sent,
        }
    })
}

/// `unsigned` with a TSIG record of our key appended, its MAC computed as a server would.
fn signed_reply(f: &Fixture, unsigned: &[u8], error: u16, time: u64, other: &[u8]) -> Vec<u8> {
    let original_id = f.sent.id;
    let mut data = (f.sent.mac.len() as u16).to_be_bytes().to_vec();
    data.extend_from_slice(&f.sent.mac);
    let mut head = unsigned.to_vec();
    head[0..2].copy_from_slice(&original_id.to_be_bytes());
    data.extend_from_slice(&head);
    data.extend_from_slice(&tsig_variables(&f.key, time, FUDGE_SECS, error, other));
    let key = hmac::Key::new(hmac::HMAC_SHA256, &SECRET);
    let mac = hmac::sign(&key, &data);

    let mut rdata = encode_name("hmac-sha256");
    rdata.extend_from_slice(&time.to_be_bytes()[2..]);
    rdata.extend_from_slice(&FUDGE_SECS.to_be_bytes());
    rdata.extend_from_slice(&(mac.as_ref().len() as u16).to_be_bytes());
    rdata.extend_from_slice(mac.as_ref());
    rdata.extend_from_slice(&original_id.to_be_bytes());
    rdata.extend_from_slice(&error.to_be_bytes());
    rdata.extend_from_slice(&(other.len() as u16).to_be_bytes());
    rdata.extend_from_slice(other);

    let mut wire = unsigned.to_vec();
    let arcount = u16::from_be_bytes([wire[10], wire[11]]).wrapping_add(1);
    wire[10..12].copy_from_slice(&arcount.to_be_bytes());
    wire.extend_from_slice(&encode_name(KEY_NAME));
    wire.extend_from_slice(&TYPE_TSIG.to_be_bytes());
    wire.extend_from_slice(&CLASS_ANY.to_be_bytes());
    wire.extend_from_slice(&0u32.to_be_bytes());
    wire.extend_from_slice(&(rdata.len() as u16).to_be_bytes());
    wire.extend_from_slice(&rdata);
    wire
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let f = fixture();
    if mode & 1 == 0 {
        let _ = f.provider.parse_reply_bytes(rest, &f.sent, TIME);
        return;
    }
    let mut b = Bytes::new(rest);
    let error = b.u16();
    let offset = b.u16() as i16;
    let other_len = usize::from(b.u8());
    let other = b.take(other_len);
    let keep_id = b.bool();
    let mut unsigned = b.rest().to_vec();
    if unsigned.len() < 12 {
        return;
    }
    if !keep_id {
        unsigned[0..2].copy_from_slice(&f.sent.id.to_be_bytes());
    }
    let time = TIME.saturating_add_signed(i64::from(offset));
    let reply = signed_reply(f, &unsigned, error, time, other);
    let outcome = f.provider.parse_reply_bytes(&reply, &f.sent, TIME);
    if outcome.is_ok() {
        assert_eq!(error, 0, "success with TSIG error {error}");
        assert_eq!(
            unsigned[3] & 0xF,
            0,
            "success with RCODE {}",
            unsigned[3] & 0xF
        );
    }
});
