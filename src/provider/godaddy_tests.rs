//! GoDaddy: request shapes, the published replies, and the exchange as a table.
use super::*;
use crate::error::Class;
use crate::provider::testutil::{body, config, config_err, exchange, ip, reply};

/// GET /v1/domains/{domain}/records/{type}/{name}: an array of the DNSRecord schema of
/// https://developer.godaddy.com/doc/endpoint/domains (data, name, ttl, type), in the form
/// users capture it from api.godaddy.com.
const RECORDS: &str = r#"[{"data":"198.51.100.1","name":"www","ttl":600,"type":"A"}]"#;
/// No record of that name and type: GoDaddy answers 200 with an empty array (captured in
/// navilg/godaddy-ddns issue #6).
const NONE: &str = "[]";
/// A wrong key or secret, as captured in acmesh-official/acme.sh issue #1564.
const UNAUTHENTICATED: &str = r#"{"code":"UNABLE_TO_AUTHENTICATE","message":"Unauthorized : Could not authenticate API key/secret"}"#;
/// An account without API access (since 2024-05), 78 bytes as captured in srvrco/getssl
/// issue #847.
const ACCESS_DENIED: &str =
    "{\"code\":\"ACCESS_DENIED\",\"message\":\"Authenticated user is not allowed access\"}\n";
/// 404 for a domain not in the account: the code and message shown in
/// n3integration/terraform-provider-godaddy issue #47, in the documented Error shape.
const UNKNOWN_DOMAIN: &str = r#"{"code":"UNKNOWN_DOMAIN","message":"The given domain is not registered, or does not have a zone file"}"#;
/// 429: the documented ErrorLimit shape (code, message, retryAfterSec); reconstructed.
const LIMITED: &str = r#"{"code":"TOO_MANY_REQUESTS","message":"Too many requests received within interval","retryAfterSec":42}"#;

fn godaddy(name: &str, create: bool) -> GoDaddy {
    GoDaddy {
        base: "https://api.godaddy.com/v1".into(),
        domain: "example.com".into(),
        name: name.into(),
        key: Secret::new("gd-key".into()),
        secret: Secret::new("gd-s3cret".into()),
        ttl: None,
        create,
    }
}

#[test]
fn request_shapes() {
    let g = godaddy("www", false);
    let r = g.build_get("A");
    assert_eq!(r.method, Method::Get);
    assert_eq!(
        r.wire_url(),
        "https://api.godaddy.com/v1/domains/example.com/records/A/www"
    );
    assert_eq!(r.headers[0].value, "sso-key gd-key:gd-s3cret");
    assert!(!r.redacted().contains("s3cret"));
    assert!(!r.redacted().contains("gd-key"));
    let r = godaddy("@", false).build_put("AAAA", ip("2001:db8::1"), Some(600));
    assert_eq!(r.method, Method::Put);
    assert_eq!(
        r.wire_url(),
        "https://api.godaddy.com/v1/domains/example.com/records/AAAA/@"
    );
    assert_eq!(body(&r), r#"[{"data":"2001:db8::1","ttl":600}]"#);
    let r = g.build_put("A", ip("198.51.100.7"), None);
    assert_eq!(body(&r), r#"[{"data":"198.51.100.7"}]"#);
}

#[test]
fn reads_the_published_replies() {
    assert_eq!(
        parse_get(&reply(200, RECORDS), "example.com").unwrap(),
        vec![Existing {
            data: "198.51.100.1".into(),
            ttl: Some(600)
        }]
    );
    assert_eq!(parse_get(&reply(200, NONE), "example.com"), Ok(vec![]));
    assert_eq!(
        parse_put(&reply(200, ""), "example.com"),
        Ok(Success::Updated)
    );
}

#[test]
fn failures_are_classified() {
    let e = parse_get(&reply(401, UNAUTHENTICATED), "example.com").unwrap_err();
    assert_eq!(e.class(), Class::Fatal);
    assert!(e.to_string().contains("Could not authenticate"), "{e}");
    let e = parse_put(&reply(403, ACCESS_DENIED), "example.com").unwrap_err();
    assert_eq!(e.class(), Class::Fatal);
    assert!(e.to_string().contains("10 or more domains"), "{e}");
    let e = parse_get(&reply(404, UNKNOWN_DOMAIN), "example.com").unwrap_err();
    assert_eq!(e.class(), Class::Fatal);
    assert!(e.to_string().contains("unknown domain example.com"), "{e}");
    let e = parse_get(&reply(429, LIMITED), "example.com").unwrap_err();
    assert_eq!(
        (e.class(), e.retry_after_secs()),
        (Class::Transient, Some(42))
    );
    // Without retryAfterSec, Retry-After; the body's wait is capped.
    let mut r = reply(429, r#"{"code":"TOO_MANY_REQUESTS","message":"x"}"#);
    r.headers.push(("retry-after".into(), "7".into()));
    assert_eq!(parse_get(&r, "d").unwrap_err().retry_after_secs(), Some(7));
    let huge = LIMITED.replace("42", "99999999");
    assert_eq!(
        retry_after_sec(&reply(429, &huge)),
        Some(MAX_RETRY_AFTER_SECS)
    );
    assert_eq!(
        retry_after_sec(&reply(429, r#"{"retryAfterSec":-1}"#)),
        None
    );
}

#[test]
fn garbage_is_never_success() {
    for (status, text) in [
        (200, "<html>"),
        (200, "[{\"data\""),
        (201, ""),
        (204, ""),
        (502, "<html>Bad Gateway</html>"),
        (
            422,
            r#"{"code":"INVALID_BODY","message":"Request body doesn't fulfill schema"}"#,
        ),
    ] {
        let e = parse_put(&reply(status, text), "d").unwrap_err();
        assert_eq!(e.class(), Class::Transient, "{status} {text:?}");
    }
    for text in [
        "",
        "{}",
        "[{\"data\":",
        "[{\"name\":\"www\"}]",
        "[1]",
        "null",
    ] {
        let e = parse_get(&reply(200, text), "d").unwrap_err();
        assert_eq!(e.class(), Class::Transient, "{text:?}");
    }
}

#[test]
fn the_exchange() {
    let g = godaddy("www", false);
    // Same value: one read, no write; its TTL is remembered.
    let mut known = String::new();
    let (out, sent) = exchange(&[reply(200, RECORDS)], |send| {
        g.update_family(send, ip("198.51.100.1"), &mut known)
    });
    assert_eq!((out, sent.len()), (Ok(Success::NoChange), 1));
    assert_eq!(known, "600");
    // Seen before: a change is one PUT that keeps the TTL.
    let (out, sent) = exchange(&[reply(200, "")], |send| {
        g.update_family(send, ip("198.51.100.2"), &mut known)
    });
    assert_eq!((out, sent.len()), (Ok(Success::Updated), 1));
    assert_eq!(body(&sent[0]), r#"[{"data":"198.51.100.2","ttl":600}]"#);
    // Unknown: read, then PUT.
    let (out, sent) = exchange(&[reply(200, RECORDS), reply(200, "")], |send| {
        g.update_family(send, ip("198.51.100.2"), &mut String::new())
    });
    assert_eq!((out, sent.len()), (Ok(Success::Updated), 2));
    assert_eq!(sent[1].method, Method::Put);
    // Another TTL configured: written even with the same address.
    let mut g600 = godaddy("www", false);
    g600.ttl = Some(3600);
    let (out, sent) = exchange(&[reply(200, RECORDS), reply(200, "")], |send| {
        g600.update_family(send, ip("198.51.100.1"), &mut String::new())
    });
    assert_eq!((out, sent.len()), (Ok(Success::Updated), 2));
    assert_eq!(body(&sent[1]), r#"[{"data":"198.51.100.1","ttl":3600}]"#);
    // Two records where one is wanted: replaced.
    let two = RECORDS.replace(
        "}]",
        r#"},{"data":"198.51.100.9","name":"www","ttl":600,"type":"A"}]"#,
    );
    let (out, sent) = exchange(&[reply(200, &two), reply(200, "")], |send| {
        g.update_family(send, ip("198.51.100.1"), &mut String::new())
    });
    assert_eq!((out, sent.len()), (Ok(Success::Updated), 2));
    // Absent and not allowed: fatal after the read alone.
    let (out, sent) = exchange(&[reply(200, NONE)], |send| {
        g.update_family(send, ip("198.51.100.1"), &mut String::new())
    });
    let e = out.unwrap_err();
    assert_eq!((e.class(), sent.len()), (Class::Fatal, 1));
    assert!(e.to_string().contains("set create = true"), "{e}");
    // Absent and allowed: the PUT creates it.
    let mut known = String::new();
    let (out, sent) = exchange(&[reply(200, NONE), reply(200, "")], |send| {
        godaddy("www", true).update_family(send, ip("198.51.100.1"), &mut known)
    });
    assert_eq!((out, sent.len()), (Ok(Success::Updated), 2));
    assert_eq!(body(&sent[1]), r#"[{"data":"198.51.100.1"}]"#);
    assert_eq!(known, NO_TTL);
}

#[test]
fn config_keys_are_checked() {
    let c = config(
        "godaddy",
        "domain = \"example.com\"\nname = \"@\"\nkey = \"k\"\nsecret = \"s\"\nfamily = \"both\"\nttl = 600\ncreate = true\n",
    )
    .unwrap();
    let r = &c.records[0];
    assert_eq!(r.label(), "example.com (godaddy)");
    let planned = r.provider.plan(Addrs::one(ip("2001:db8::1")));
    assert_eq!(
        planned[0].request.wire_url(),
        "https://api.godaddy.com/v1/domains/example.com/records/AAAA/@"
    );
    for (keys, text) in [
        (
            "domain = \"example.com\"\nkey = \"k\"\nsecret = \"s\"\n",
            "missing key \"name\"",
        ),
        (
            "domain = \"example.com\"\nname = \"home.example.com\"\nkey = \"k\"\nsecret = \"s\"\n",
            "give the name inside the zone",
        ),
        (
            "domain = \"example.com\"\nname = \"home\"\nkey = \"k\"\n",
            "missing key \"secret\" (or \"secret_file\")",
        ),
        (
            "domain = \"example.com\"\nname = \"home\"\nkey = \"k\"\nsecret = \"s\"\nttl = 599\n",
            "key \"ttl\": 599 is out of range",
        ),
        (
            "name = \"home\"\nkey = \"k\"\nsecret = \"s\"\n",
            "missing key \"domain\"",
        ),
    ] {
        let e = config_err("godaddy", keys);
        assert!(e.contains(text), "{e}");
    }
}
