//! Spaceship DNS records: request shapes, the list and error replies, and the exchange as a table.
use super::*;
use crate::error::Class;
use crate::provider::testutil::{body, config, config_err, exchange, ip, reply};

/// A "Get resource records list" answer (GET /api/v1/dns/records/{domain}?take=..&skip=..,
/// https://docs.spaceship.dev/#tag/DNS-records): `items` of `type`, `name`, `ttl`, the
/// type's data (`address` for A and AAAA) and `group`, and `total`. Reconstructed from the
/// documented schema, not copied from a published example.
const LISTED: &str = r#"{"items":[{"type":"A","name":"home","ttl":1800,"address":"198.51.100.1","group":{"type":"custom"}},{"type":"A","name":"@","ttl":3600,"address":"198.51.100.9","group":{"type":"custom"}},{"type":"TXT","name":"home","ttl":3600,"value":"v=spf1 -all","group":{"type":"custom"}},{"type":"A","name":"home","ttl":3600,"address":"15.197.162.184","group":{"type":"product"}}],"total":4}"#;
/// Spaceship's error body `{"detail":...}` as its 401 and 429 answers carry it (PROTOCOLS.md
/// §8.5, from ddclient's t/protocol_spaceship.pl).
const UNAUTHORIZED: &str = r#"{"detail":"Unauthorized"}"#;
const TOO_MANY: &str = r#"{"detail":"Too Many Requests"}"#;

fn spaceship(name: &str, create: bool) -> Spaceship {
    Spaceship {
        base: "https://spaceship.dev/api/v1".into(),
        domain: "example.com".into(),
        name: name.into(),
        api_key: Secret::new("k3y".into()),
        api_secret: Secret::new("s3cret".into()),
        ttl: None,
        create,
    }
}

#[test]
fn request_shapes() {
    let s = spaceship("home", false);
    let r = s.build_list();
    assert_eq!(r.method, Method::Get);
    assert_eq!(
        r.wire_url(),
        "https://spaceship.dev/api/v1/dns/records/example.com?take=100&skip=0"
    );
    assert_eq!(r.headers[0].name, "X-API-Key");
    assert_eq!(r.headers[0].value, "k3y");
    assert_eq!(r.headers[1].name, "X-API-Secret");
    assert_eq!(r.headers[1].value, "s3cret");
    let shown = r.redacted();
    assert!(
        !shown.contains("k3y") && !shown.contains("s3cret"),
        "{shown}"
    );
    assert!(shown.contains("X-API-Key: ***"), "{shown}");
    let r = s.build_put("AAAA", ip("2001:db8::1"), 1800);
    assert_eq!(r.method, Method::Put);
    assert_eq!(
        r.wire_url(),
        "https://spaceship.dev/api/v1/dns/records/example.com"
    );
    assert_eq!(
        body(&r),
        r#"{"force":true,"items":[{"type":"AAAA","name":"home","address":"2001:db8::1","ttl":1800}]}"#
    );
    assert!(!r.body_is_secret);
    let r = spaceship("@", false).build_delete("A", &["198.51.100.1".into(), "1.2.3.4".into()]);
    assert_eq!(r.method, Method::Delete);
    assert!(
        r.redacted()
            .starts_with("DELETE https://spaceship.dev/api/v1/dns/records/example.com\n")
    );
    assert_eq!(
        body(&r),
        r#"[{"type":"A","name":"@","address":"198.51.100.1"},{"type":"A","name":"@","address":"1.2.3.4"}]"#
    );
}

#[test]
fn reads_the_names_own_records() {
    let found = parse_list(&reply(200, LISTED), "home", "A", "x").unwrap();
    assert_eq!(
        found,
        vec![Listed {
            address: "198.51.100.1".into(),
            ttl: Some(1800)
        }]
    );
    let apex = parse_list(&reply(200, LISTED), "@", "A", "x").unwrap();
    assert_eq!(apex.len(), 1);
    assert_eq!(apex[0].address, "198.51.100.9");
    assert!(
        parse_list(&reply(200, LISTED), "home", "AAAA", "x")
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        parse_list(&reply(200, LISTED), "HOME", "A", "x")
            .unwrap()
            .len(),
        1
    );
    // Records without a group are the user's too.
    let bare = r#"{"items":[{"type":"AAAA","name":"home","address":"2001:db8::1"}],"total":1}"#;
    let found = parse_list(&reply(200, bare), "home", "AAAA", "x").unwrap();
    assert_eq!(found[0].ttl, None);
    assert!(
        parse_list(&reply(200, r#"{"items":[],"total":0}"#), "home", "A", "x")
            .unwrap()
            .is_empty()
    );
}

#[test]
fn a_name_past_the_first_page_is_not_added_twice() {
    let more =
        r#"{"items":[{"type":"A","name":"www","address":"1.2.3.4","ttl":3600}],"total":250}"#;
    let e = parse_list(&reply(200, more), "home", "A", "example.com").unwrap_err();
    assert_eq!(e.class(), Class::Fatal);
    assert!(e.to_string().contains("more than 100 records"), "{e}");
    let found = parse_list(&reply(200, more), "www", "A", "x").unwrap();
    assert_eq!(found.len(), 1);
}

#[test]
fn garbage_lists_are_transient() {
    for text in [
        "",
        "<html>",
        r#"{"items":[]"#,
        r#"{"items":[]}"#,
        r#"{"total":1}"#,
        r#"{"items":{},"total":0}"#,
        r#"{"items":[{"name":"home","address":"1.2.3.4"}],"total":1}"#,
        r#"{"items":[{"type":"A","address":"1.2.3.4"}],"total":1}"#,
        r#"{"items":[{"type":"A","name":"home","ttl":60}],"total":1}"#,
    ] {
        let e = parse_list(&reply(200, text), "home", "A", "x").unwrap_err();
        assert_eq!(e.class(), Class::Transient, "{text}");
    }
}

#[test]
fn errors_are_classified() {
    let mut limited = reply(429, TOO_MANY);
    limited.headers = vec![("retry-after".into(), "120".into())];
    for (r, class, words) in [
        (
            reply(401, UNAUTHORIZED),
            Class::Fatal,
            "Spaceship refused the API key (HTTP 401: Unauthorized); check `api_key` and `api_secret`",
        ),
        (
            reply(403, r#"{"detail":"Forbidden"}"#),
            Class::Fatal,
            "HTTP 403: Forbidden",
        ),
        (
            reply(404, r#"{"detail":"Domain not found"}"#),
            Class::Fatal,
            "no domain example.com in this account (HTTP 404: Domain not found)",
        ),
        (
            limited.clone(),
            Class::Transient,
            "Spaceship: HTTP 429: Too Many Requests",
        ),
        (reply(500, "oops"), Class::Transient, "HTTP 500: oops"),
        (
            reply(
                422,
                r#"{"detail":"Validation failed","data":[{"field":"items[0].ttl","details":"bad"}]}"#,
            ),
            Class::Transient,
            "unexpected HTTP 422: Validation failed",
        ),
    ] {
        for e in [
            parse_list(&r, "home", "A", "example.com").unwrap_err(),
            parse_written(&r, "example.com", false).unwrap_err(),
        ] {
            assert_eq!(e.class(), class, "{}", r.status);
            assert!(e.to_string().contains(words), "{e}");
        }
    }
    let e = parse_list(&limited, "home", "A", "x").unwrap_err();
    assert_eq!(e.retry_after_secs(), Some(120));
    assert_eq!(parse_written(&reply(204, ""), "x", false), Ok(()));
    assert_eq!(parse_written(&reply(200, "{}"), "x", false), Ok(()));
    assert_eq!(parse_written(&reply(404, ""), "x", true), Ok(()));
    assert!(parse_written(&reply(201, ""), "x", true).is_err());
}

#[test]
fn exchanges() {
    let ip7 = ip("198.51.100.7");
    let s = spaceship("home", false);
    // Another address: upsert with the old record's TTL, then delete the old address.
    let answers = [reply(200, LISTED), reply(204, ""), reply(204, "")];
    let (out, sent) = exchange(&answers, |send| s.update_family(send, ip7));
    assert_eq!(out, Ok(Success::Updated));
    assert_eq!(sent.len(), 3);
    assert_eq!(sent[0].method, Method::Get);
    assert_eq!(sent[1].method, Method::Put);
    assert!(body(&sent[1]).contains(r#""address":"198.51.100.7","ttl":1800"#));
    assert_eq!(sent[2].method, Method::Delete);
    assert_eq!(
        body(&sent[2]),
        r#"[{"type":"A","name":"home","address":"198.51.100.1"}]"#
    );

    // The upsert fails: nothing is deleted.
    let answers = [reply(200, LISTED), reply(500, "")];
    let (out, sent) = exchange(&answers, |send| s.update_family(send, ip7));
    assert_eq!(out.unwrap_err().class(), Class::Transient);
    assert_eq!(sent.len(), 2);

    // Already there, with a stale second address (a failed delete before): only the delete.
    let two = r#"{"items":[{"type":"A","name":"home","ttl":1800,"address":"198.51.100.1"},{"type":"A","name":"home","ttl":1800,"address":"198.51.100.7"}],"total":2}"#;
    let answers = [reply(200, two), reply(204, "")];
    let (out, sent) = exchange(&answers, |send| s.update_family(send, ip7));
    assert_eq!(out, Ok(Success::Updated));
    assert_eq!(sent[1].method, Method::Delete);
    assert_eq!(sent.len(), 2);

    // Already there alone: the list alone.
    let one =
        r#"{"items":[{"type":"A","name":"home","ttl":1800,"address":"198.51.100.7"}],"total":1}"#;
    let (out, sent) = exchange(&[reply(200, one)], |send| s.update_family(send, ip7));
    assert_eq!(out, Ok(Success::NoChange));
    assert_eq!(sent.len(), 1);

    // Missing: fatal without create, one upsert (default TTL) with it.
    let none = r#"{"items":[],"total":0}"#;
    let (out, sent) = exchange(&[reply(200, none)], |send| s.update_family(send, ip7));
    let e = out.unwrap_err();
    assert_eq!(e.class(), Class::Fatal);
    assert!(
        e.to_string()
            .contains("no A record home in domain example.com; create it, or set create = true"),
        "{e}"
    );
    assert_eq!(sent.len(), 1);
    let s = spaceship("home", true);
    let (out, sent) = exchange(&[reply(200, none), reply(204, "")], |send| {
        s.update_family(send, ip7)
    });
    assert_eq!(out, Ok(Success::Updated));
    assert_eq!(sent.len(), 2);
    assert!(
        body(&sent[1]).ends_with(r#""ttl":3600}]}"#),
        "{}",
        body(&sent[1])
    );
}

#[test]
fn config_keys_are_checked() {
    let c = config(
        "spaceship",
        "domain = \"example.com\"\nname = \"@\"\napi_key = \"k\"\napi_secret = \"s\"\nfamily = \"both\"\ncreate = true\nttl = 60\n",
    )
    .unwrap();
    let r = &c.records[0];
    assert_eq!(r.label(), "example.com (spaceship)");
    let planned = r.provider.plan(Addrs::one(ip("2001:db8::1")));
    assert_eq!(
        planned[0].request.wire_url(),
        "https://spaceship.dev/api/v1/dns/records/example.com?take=100&skip=0"
    );
    for (keys, text) in [
        (
            "domain = \"example.com\"\napi_key = \"k\"\napi_secret = \"s\"\n",
            "missing key \"name\"",
        ),
        (
            "domain = \"example.com\"\nname = \"home.example.com\"\napi_key = \"k\"\napi_secret = \"s\"\n",
            "give the name inside the zone",
        ),
        (
            "domain = \"example.com\"\nname = \"home\"\napi_secret = \"s\"\n",
            "missing key \"api_key\" (or \"api_key_file\")",
        ),
        (
            "domain = \"example.com\"\nname = \"home\"\napi_key = \"k\"\n",
            "missing key \"api_secret\" (or \"api_secret_file\")",
        ),
        (
            "domain = \"example.com\"\nname = \"home\"\napi_key = \"k\"\napi_secret = \"s\"\nttl = 3601\n",
            "key \"ttl\": 3601 is out of range",
        ),
    ] {
        let e = config_err("spaceship", keys);
        assert!(e.contains(text), "{e}");
    }
}
