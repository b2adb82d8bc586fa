//! RFC 2136 replies as servers other than BIND write them: PowerDNS's unsigned REFUSED for
//! any TSIG failure, Knot's NOTAUTH/BADKEY for an ACL denial.
use super::tests::{TIME, reply, vector_key, vector_provider, vector_signed};
use super::*;
use crate::error::Class;

/// PowerDNS answers a bad secret, an unknown key and a clock off by more than the fudge
/// alike: REFUSED with no TSIG record. Knot answers NOTAUTH with no TSIG in some cases.
#[test]
fn unsigned_refused_or_notauth_is_a_slow_transient_naming_the_four_causes() {
    let p = vector_provider();
    let sent = vector_signed();
    for (rcode, word) in [(5u8, "REFUSED"), (9, "NOTAUTH")] {
        let mut bare = reply(&sent, u16::from(rcode), None, 0, &[]);
        bare.truncate(29);
        bare[11] = 0;
        for r in [bare, reply(&sent, u16::from(rcode), None, 0, &[])] {
            let e = p.parse_reply_bytes(&r, &sent, TIME + 1).unwrap_err();
            assert_eq!(e.class(), Class::Transient, "{e}");
            assert_eq!(e.first_backoff_secs(), Some(UNVERIFIED_BACKOFF_SECS));
            const { assert!(UNVERIFIED_BACKOFF_SECS >= 3600) };
            let m = e.to_string();
            assert!(
                m.starts_with(&format!("{word} without a TSIG signature")),
                "{m}"
            );
            for cause in [
                "the secret",
                "the key name \"ddns-key.example.com\"",
                "the algorithm (hmac-sha256)",
                "this machine's clock (ours read 2023-11-14 22:13:20 UTC when signing",
            ] {
                assert!(m.contains(cause), "{m:?} lacks {cause:?}");
            }
            assert_eq!(
                m.contains("not authoritative for zone example.com"),
                rcode == 9,
                "{m}"
            );
        }
    }
    // Signed, the same RCODEs are the server's word: fatal, and no slow backoff.
    let key = vector_key();
    for rcode in [5, 9] {
        let e = p
            .parse_reply_bytes(&reply(&sent, rcode, Some(&key), 0, &[]), &sent, TIME + 1)
            .unwrap_err();
        assert_eq!((e.class(), e.first_backoff_secs()), (Class::Fatal, None));
    }
}

/// Knot answers an ACL denial for a key it knows with NOTAUTH and TSIG error BADKEY.
#[test]
fn badkey_does_not_claim_the_key_is_unknown() {
    let p = vector_provider();
    let sent = vector_signed();
    let key = vector_key();
    for k in [None, Some(&key)] {
        let e = p
            .parse_reply_bytes(&reply(&sent, 9, k, 17, &[]), &sent, TIME + 1)
            .unwrap_err();
        assert_eq!(e.class(), Class::Fatal);
        let m = e.to_string();
        assert!(m.contains("not allowed, or unknown key"), "{m}");
        assert!(m.contains("ACL or update policy"), "{m}");
        assert!(!m.contains("does not know"), "{m}");
    }
}
