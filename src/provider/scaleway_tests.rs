//! Scaleway: request shapes, replies of the documented schemas, and the exchange as a table.
use super::*;
use crate::error::Class;
use crate::provider::testutil::{body, config, config_err, exchange, ip, reply};

/// A `ListDNSZoneRecordsResponse` (`records`, `total_count`) of one `Record` (`data`, `name`,
/// `priority`, `ttl`, `type`, `comment`, the dynamic configs, `id`), as the schemas of
/// https://www.scaleway.com/en/developers/api/domains-and-dns/ define them, with the values of
/// Scaleway's own record example (www A 1.2.3.4, TTL 3600) and its example record id.
/// Reconstructed: the page publishes no example answer.
const LIST: &str = r#"{"records":[{"data":"1.2.3.4","name":"www","priority":0,"ttl":3600,"type":"A","comment":null,"geo_ip_config":null,"http_service_config":null,"weighted_config":null,"view_config":null,"id":"11111111-1111-1111-1111-111111111111"}],"total_count":1}"#;
/// An `UpdateDNSZoneRecordsResponse` (`records`) after the `set`; reconstructed likewise.
const SET: &str = r#"{"records":[{"data":"1.2.3.5","name":"www","priority":0,"ttl":3600,"type":"A","comment":null,"geo_ip_config":null,"http_service_config":null,"weighted_config":null,"view_config":null,"id":"11111111-1111-1111-1111-111111111111"}]}"#;
/// The shapes scaleway-sdk-go reads for these errors (`message`, `type`, and the
/// `method`/`reason` of a denied authentication); reconstructed.
const DENIED: &str = r#"{"message":"authentication is denied","method":"api_key","reason":"invalid_argument","type":"denied_authentication"}"#;
const NOT_FOUND: &str = r#"{"message":"resource is not found","resource":"dns_zone","resource_id":"domain.tld","type":"not_found"}"#;
const QUOTA: &str = r#"{"message":"quota exceeded","type":"too_many_requests"}"#;

fn scaleway(name: &str, create: bool) -> Scaleway {
    Scaleway {
        base: "https://api.scaleway.com/domain/v2beta1".into(),
        zone: "domain.tld".into(),
        name: name.into(),
        secret_key: Secret::new("scw-s3cret".into()),
        ttl: None,
        create,
    }
}

#[test]
fn request_shapes() {
    let s = scaleway("www", false);
    let r = s.build_list("A");
    assert_eq!(r.method, Method::Get);
    assert_eq!(
        r.wire_url(),
        "https://api.scaleway.com/domain/v2beta1/dns-zones/domain.tld/records?name=www&type=A"
    );
    assert_eq!(r.headers[0].name, "X-Auth-Token");
    assert_eq!(r.headers[0].value, "scw-s3cret");
    assert!(!r.redacted().contains("s3cret"));
    assert!(r.redacted().contains("X-Auth-Token: ***"));
    let r = scaleway("@", false).build_list("AAAA");
    assert_eq!(
        r.wire_url(),
        "https://api.scaleway.com/domain/v2beta1/dns-zones/domain.tld/records?name=&type=AAAA"
    );
    let r = s.build_set("A", ip("1.2.3.5"), 3600);
    assert_eq!(r.method, Method::Patch);
    assert_eq!(
        r.wire_url(),
        "https://api.scaleway.com/domain/v2beta1/dns-zones/domain.tld/records"
    );
    assert_eq!(
        body(&r),
        r#"{"changes":[{"set":{"id_fields":{"name":"www","type":"A"},"records":[{"data":"1.2.3.5","name":"www","type":"A","ttl":3600}]}}],"return_all_records":false,"disallow_new_zone_creation":true}"#
    );
    assert!(!r.redacted().contains("s3cret"));
    let r = scaleway("@", true).build_set("AAAA", ip("2001:db8::1"), 300);
    assert_eq!(
        body(&r),
        r#"{"changes":[{"set":{"id_fields":{"name":"","type":"AAAA"},"records":[{"data":"2001:db8::1","name":"","type":"AAAA","ttl":300}]}}],"return_all_records":false,"disallow_new_zone_creation":true}"#
    );
}

#[test]
fn reads_replies_of_the_documented_schemas() {
    assert_eq!(
        parse_list(&reply(200, LIST), "A", "www", "domain.tld"),
        Ok(vec![("1.2.3.4".to_string(), Some(3600))])
    );
    // Other names and types are not ours, whatever the server returned.
    assert_eq!(
        parse_list(&reply(200, LIST), "AAAA", "www", "domain.tld"),
        Ok(vec![])
    );
    assert_eq!(
        parse_list(&reply(200, LIST), "A", "", "domain.tld"),
        Ok(vec![])
    );
    let empty = r#"{"records":[],"total_count":0}"#;
    assert_eq!(
        parse_list(&reply(200, empty), "A", "www", "domain.tld"),
        Ok(vec![])
    );
    let v = ip("1.2.3.5");
    assert_eq!(
        parse_set(&reply(200, SET), "A", "www", v, "domain.tld"),
        Ok(Success::Updated)
    );
    assert_eq!(
        parse_set(
            &reply(200, r#"{"records":[]}"#),
            "A",
            "www",
            v,
            "domain.tld"
        ),
        Ok(Success::Updated)
    );
}

#[test]
fn failures_are_classified() {
    for status in [401, 403] {
        let e = parse_list(&reply(status, DENIED), "A", "www", "domain.tld").unwrap_err();
        assert_eq!(e.class(), Class::Fatal, "{e}");
        let said = format!("(HTTP {status}: authentication is denied); check `secret_key`");
        assert!(e.to_string().contains(&said), "{e}");
    }
    let e = parse_list(&reply(404, NOT_FOUND), "A", "www", "domain.tld").unwrap_err();
    assert_eq!(e.class(), Class::Fatal);
    assert!(
        e.to_string()
            .contains("no DNS zone domain.tld for this token (HTTP 404: resource is not found)"),
        "{e}"
    );
    let e = parse_set(
        &reply(404, NOT_FOUND),
        "A",
        "www",
        ip("1.2.3.5"),
        "domain.tld",
    )
    .unwrap_err();
    assert_eq!(e.class(), Class::Fatal);
    let limited = Reply {
        status: 429,
        headers: vec![("retry-after".into(), "30".into())],
        body: QUOTA.as_bytes().to_vec(),
    };
    let e = parse_list(&limited, "A", "www", "domain.tld").unwrap_err();
    assert_eq!(
        (e.class(), e.retry_after_secs()),
        (Class::Transient, Some(30))
    );
    assert!(e.to_string().contains("quota exceeded"), "{e}");
    let e = parse_list(&reply(429, QUOTA), "A", "www", "domain.tld").unwrap_err();
    assert_eq!((e.class(), e.retry_after_secs()), (Class::Transient, None));
}

#[test]
fn garbage_is_never_success() {
    let v = ip("1.2.3.5");
    for (status, text) in [
        (200, ""),
        (200, "{}"),
        (200, r#"{"records":{}}"#),
        (200, r#"{"records":[{"data":"1.2.3.5","name":"www""#),
        (200, r#"{"records":[{"data":"1.2.3.5","type":"A"}]}"#),
        (200, &SET.replace("1.2.3.5", "1.2.3.4")),
        (200, "<html>"),
        (502, "<html>Bad Gateway</html>"),
        (500, SET),
        (
            400,
            r#"{"message":"invalid argument(s)","type":"invalid_arguments"}"#,
        ),
    ] {
        let e = parse_set(&reply(status, text), "A", "www", v, "domain.tld").unwrap_err();
        assert_eq!(e.class(), Class::Transient, "{status} {text:?}");
    }
    for text in [
        "",
        "{}",
        r#"{"records":[1]}"#,
        r#"{"records":[{"name":"www""#,
    ] {
        let e = parse_list(&reply(200, text), "A", "www", "domain.tld").unwrap_err();
        assert_eq!(e.class(), Class::Transient, "{text:?}");
    }
}

#[test]
fn the_exchange() {
    let s = scaleway("www", false);
    // Same value: one read, no write; the record's TTL is remembered.
    let mut known = String::new();
    let (out, sent) = exchange(&[reply(200, LIST)], |send| {
        s.update_family(send, ip("1.2.3.4"), &mut known)
    });
    assert_eq!((out, sent.len()), (Ok(Success::NoChange), 1));
    assert_eq!(known, "3600");
    // Seen: a change is one set, with that TTL.
    let (out, sent) = exchange(&[reply(200, SET)], |send| {
        s.update_family(send, ip("1.2.3.5"), &mut known)
    });
    assert_eq!((out, sent.len()), (Ok(Success::Updated), 1));
    assert_eq!(sent[0].method, Method::Patch);
    assert!(body(&sent[0]).contains(r#""ttl":3600"#));
    // Absent and not allowed to create: a clear error, nothing written.
    let empty = r#"{"records":[],"total_count":0}"#;
    let mut known = String::new();
    let (out, sent) = exchange(&[reply(200, empty)], |send| {
        s.update_family(send, ip("1.2.3.5"), &mut known)
    });
    let e = out.unwrap_err();
    assert_eq!((e.class(), sent.len()), (Class::Fatal, 1));
    assert!(e.to_string().contains("set create = true"), "{e}");
    assert_eq!(known, "");
    // Absent and allowed: the set creates it, with the default TTL.
    let (out, sent) = exchange(&[reply(200, empty), reply(200, SET)], |send| {
        scaleway("www", true).update_family(send, ip("1.2.3.5"), &mut known)
    });
    assert_eq!((out, sent.len()), (Ok(Success::Updated), 2));
    assert!(body(&sent[1]).contains(r#""ttl":3600"#));
    assert_eq!(known, "3600");
    // Two values where one is wanted: set, with the configured TTL.
    let two = LIST.replace(
        r#"}],"total"#,
        r#"},{"data":"1.2.3.9","name":"www","ttl":600,"type":"A","id":"2"}],"total"#,
    );
    let mut s = scaleway("www", false);
    s.ttl = Some(300);
    let mut known = String::new();
    let set = SET.replace("1.2.3.5", "1.2.3.4");
    let (out, sent) = exchange(&[reply(200, &two), reply(200, &set)], |send| {
        s.update_family(send, ip("1.2.3.4"), &mut known)
    });
    assert_eq!((out, sent.len()), (Ok(Success::Updated), 2));
    assert!(body(&sent[1]).contains(r#""ttl":300"#));
    assert_eq!(known, "300");
}

#[test]
fn config_keys_are_checked() {
    let c = config(
        "scaleway",
        "zone = \"domain.tld\"\nname = \"@\"\nsecret_key = \"k\"\nfamily = \"both\"\ncreate = true\nttl = 300\n",
    )
    .unwrap();
    let r = &c.records[0];
    assert_eq!(r.label(), "domain.tld (scaleway)");
    let planned = r.provider.plan(Addrs::one(ip("2001:db8::1")));
    assert_eq!(
        planned[0].request.wire_url(),
        "https://api.scaleway.com/domain/v2beta1/dns-zones/domain.tld/records?name=&type=AAAA"
    );
    for (keys, text) in [
        (
            "zone = \"domain.tld\"\nsecret_key = \"k\"\n",
            "missing key \"name\"",
        ),
        (
            "zone = \"domain.tld\"\nname = \"www.domain.tld\"\nsecret_key = \"k\"\n",
            "give the name inside the zone",
        ),
        (
            "zone = \"domain.tld\"\nname = \"www\"\n",
            "missing key \"secret_key\" (or \"secret_key_file\")",
        ),
        (
            "zone = \"domain.tld\"\nname = \"www\"\nsecret_key = \"k\"\nttl = 59\n",
            "key \"ttl\": 59 is out of range",
        ),
        (
            "zone = \"domain.tld\"\nname = \"www\"\nsecret_key = \"k\"\ncreate = \"no\"\n",
            "key \"create\": must be a boolean",
        ),
    ] {
        let e = config_err("scaleway", keys);
        assert!(e.contains(text), "{e}");
    }
}
