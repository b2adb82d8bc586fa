//! Cloudflare API tests: the exact request bodies, and every reply of PROTOCOLS.md §4.3 and
//! §8.4 read and classified.
use super::*;
use crate::error::Class;
// The shared fixtures: the replies, `cf`, `reply`, `ip`, `class`, `fail_class`.
use crate::provider::cloudflare::tests::*;
use crate::provider::{Addrs, Provider};

#[test]
fn request_bodies_are_exact() {
    assert_eq!(
        build_patch_body(ip("192.0.2.1")),
        r#"{"content":"192.0.2.1"}"#
    );
    assert_eq!(
        build_patch_body(ip("2001:db8::1")),
        r#"{"content":"2001:db8::1"}"#
    );
    let auto = NewRecord {
        ttl: 1,
        proxied: false,
    };
    assert_eq!(
        build_create_body("host.example.com", ip("192.0.2.1"), auto),
        r#"{"type":"A","name":"host.example.com","content":"192.0.2.1","ttl":1,"proxied":false}"#
    );
    let own = NewRecord {
        ttl: 300,
        proxied: true,
    };
    assert_eq!(
        build_create_body("*.example.com", ip("2001:db8::1"), own),
        r#"{"type":"AAAA","name":"*.example.com","content":"2001:db8::1","ttl":300,"proxied":true}"#
    );
}

#[test]
fn requests_carry_the_bearer_token_and_show_it_hidden() {
    let c = cf(None);
    let z = c.zones_request();
    assert_eq!(z.wire_url(), format!("{BASE}/zones?name=example.com"));
    assert_eq!(z.method, Method::Get);
    let auth: Vec<_> = z
        .headers
        .iter()
        .filter(|h| h.name == "Authorization")
        .collect();
    assert_eq!(auth.len(), 1);
    assert_eq!(auth[0].value, "Bearer mytoken");
    assert!(z.redacted().contains("Authorization: Bearer ***"));
    assert!(!z.redacted().contains(TOKEN));

    let r = c.records_request("zone111", Family::V4);
    assert_eq!(
        r.wire_url(),
        format!("{BASE}/zones/zone111/dns_records?type=A&name=host.example.com")
    );
    let r6 = c.records_request("zone111", Family::V6);
    assert!(r6.wire_url().ends_with("?type=AAAA&name=host.example.com"));

    let p = c.patch_request("zone111", "rec222", ip("192.0.2.1"));
    assert_eq!(p.method, Method::Patch);
    assert_eq!(
        p.wire_url(),
        format!("{BASE}/zones/zone111/dns_records/rec222")
    );
    assert_eq!(p.body.as_deref(), Some(&br#"{"content":"192.0.2.1"}"#[..]));
    assert!(p.redacted().contains(r#"{"content":"192.0.2.1"}"#));
    assert!(p.redacted().contains("Content-Type: application/json"));
    assert!(!p.redacted().contains(TOKEN));

    let n = c.create_request(
        "zone111",
        ip("192.0.2.1"),
        NewRecord {
            ttl: 1,
            proxied: false,
        },
    );
    assert_eq!(n.method, Method::Post);
    assert_eq!(n.wire_url(), format!("{BASE}/zones/zone111/dns_records"));
}

#[test]
fn ddclient_success_sequence_parses() {
    assert_eq!(
        parse_zones(&reply(200, ZONES_OK), "example.com"),
        Ok("zone111".to_string())
    );
    assert_eq!(
        parse_records(&reply(200, RECORDS_OK), "host.example.com", Family::V4),
        Ok(Some(FoundRecord {
            id: "rec222".to_string(),
            content: None
        }))
    );
    assert_eq!(
        parse_patch(&reply(200, PATCH_OK), ip("192.0.2.1")),
        Ok(Success::Updated)
    );
    assert_eq!(
        cf(None).parse_reply(&reply(200, PATCH_OK), Addrs::one(ip("192.0.2.1"))),
        Ok(Success::Updated)
    );
}

#[test]
fn zone_or_record_not_found() {
    let e = parse_zones(&reply(200, EMPTY), "example.com").unwrap_err();
    assert_eq!(e.class(), Class::Fatal);
    assert!(e.to_string().contains("zone example.com not found"), "{e}");
    // Another zone's name in the list is not this zone.
    let other = r#"{"success":true,"result":[{"id":"zone999","name":"example.org"}]}"#;
    assert_eq!(
        class(parse_zones(&reply(200, other), "example.com")),
        Class::Fatal
    );
    let deleted = r#"{"success":true,"result":[{"id":"zone9","name":"example.com","status":"deleted"},{"id":"zone1","name":"example.com","status":"active"}]}"#;
    assert_eq!(
        parse_zones(&reply(200, deleted), "example.com"),
        Ok("zone1".to_string())
    );
    assert_eq!(
        parse_records(&reply(200, EMPTY), "host.example.com", Family::V4),
        Ok(None)
    );
}

#[test]
fn idn_zone_matches_its_unicode_name() {
    // §8.4: the zone is listed as `münchen.de`; the config names it `xn--mnchen-3ya.de`.
    let body = r#"{"success":true,"result":[{"id":"zone111","name":"münchen.de"}]}"#;
    assert_eq!(
        parse_zones(&reply(200, body), "xn--mnchen-3ya.de"),
        Ok("zone111".to_string())
    );
    assert_eq!(
        class(parse_zones(&reply(200, body), "xn--bcher-kva.de")),
        Class::Fatal
    );
}

#[test]
fn invalid_json_at_every_step_fails_transiently() {
    for body in [
        NOT_JSON,
        "",
        "{",
        r#"{"success":true,"result":[{"id":"#,
        "<html>502</html>",
    ] {
        let r = reply(200, body);
        assert_eq!(
            class(parse_zones(&r, "example.com")),
            Class::Transient,
            "{body}"
        );
        assert_eq!(
            class(parse_records(&r, "host.example.com", Family::V4)),
            Class::Transient
        );
        assert_eq!(
            fail_class(parse_patch(&r, ip("192.0.2.1")).unwrap_err()),
            Class::Transient
        );
        assert_eq!(fail_class(parse_created(&r).unwrap_err()), Class::Transient);
    }
    for status in [500, 502, 503] {
        let r = reply(status, "<html>Bad gateway</html>");
        assert_eq!(class(parse_zones(&r, "example.com")), Class::Transient);
    }
}

#[test]
fn success_false_with_200_is_a_failure() {
    // §8.4: 7003 with HTTP 200 and a null result.
    let e = parse_zones(&reply(200, ROUTE_200), "example.com").unwrap_err();
    assert_eq!(e.class(), Class::Fatal);
    assert!(e.to_string().contains("7003"), "{e}");
    // success:false without any error listed is never a success either.
    let r = reply(
        200,
        r#"{"success":false,"errors":[],"result":{"id":"rec222"}}"#,
    );
    assert!(parse_patch(&r, ip("192.0.2.1")).is_err());
    // Nor is a reply without `success`.
    let r = reply(200, r#"{"result":{"id":"rec222"}}"#);
    assert!(parse_patch(&r, ip("192.0.2.1")).is_err());
    // success:true with the wrong result shape is no success.
    let r = reply(200, r#"{"success":true,"result":null}"#);
    assert_eq!(
        fail_class(parse_patch(&r, ip("192.0.2.1")).unwrap_err()),
        Class::Transient
    );
    assert_eq!(class(parse_zones(&r, "example.com")), Class::Transient);
    let r = reply(200, r#"{"success":true,"result":{"id":"zone111"}}"#);
    assert_eq!(class(parse_zones(&r, "example.com")), Class::Transient);
}

#[test]
fn token_errors_are_fatal_whatever_the_status() {
    for (status, body) in [
        (401, BAD_TOKEN_401.to_string()),
        (403, BAD_TOKEN_403.to_string()),
        (403, NO_DNS_EDIT_403.to_string()),
        (
            401,
            r#"{"success":false,"errors":[{"code":10000,"message":"Authentication error"}]}"#
                .to_string(),
        ),
        (400, malformed_token()),
        (200, BAD_TOKEN_403.to_string()),
    ] {
        let r = reply(status, &body);
        let e = parse_zones(&r, "example.com").unwrap_err();
        assert_eq!(e.class(), Class::Fatal, "{status} {body}");
        assert!(e.to_string().contains("API token"), "{e}");
        assert!(!e.to_string().contains(TOKEN));
        assert_eq!(
            fail_class(parse_patch(&r, ip("192.0.2.1")).unwrap_err()),
            Class::Fatal
        );
    }
    // 6111 only inside the error chain still counts.
    let chained = r#"{"success":false,"errors":[{"code":1234,"message":"x","error_chain":[{"code":6111,"message":"Invalid format for Authorization header"}]}]}"#;
    assert_eq!(
        class(parse_zones(&reply(400, chained), "example.com")),
        Class::Fatal
    );
    let e = parse_zones(&reply(400, &malformed_token()), "example.com").unwrap_err();
    assert!(e.to_string().contains("6111 Invalid format"), "{e}");
}

#[test]
fn no_credentials_status_without_json_is_fatal() {
    for status in [401, 403] {
        assert_eq!(
            class(parse_zones(&reply(status, "Forbidden"), "example.com")),
            Class::Fatal
        );
    }
}

#[test]
fn rate_limit_waits_for_retry_after_or_five_minutes() {
    let mut r = reply(429, RATE);
    r.headers.push(("retry-after".into(), "120".into()));
    let e = parse_zones(&r, "example.com").unwrap_err();
    assert_eq!(e.class(), Class::Transient);
    assert_eq!(e.retry_after_secs(), Some(120));
    let e = parse_zones(&reply(429, RATE), "example.com").unwrap_err();
    assert_eq!(e.retry_after_secs(), Some(RATE_LIMIT_WAIT_SECS));
    // 971 with another status, and a bare 429, are rate limits too.
    let e = parse_zones(&reply(200, RATE), "example.com").unwrap_err();
    assert_eq!(e.retry_after_secs(), Some(RATE_LIMIT_WAIT_SECS));
    let e = parse_zones(&reply(429, "Too Many Requests"), "example.com").unwrap_err();
    assert_eq!(e.retry_after_secs(), Some(RATE_LIMIT_WAIT_SECS));
}

#[test]
fn special_codes() {
    let v4 = ip("192.0.2.1");
    assert_eq!(
        parse_patch(&reply(400, IDENTICAL), v4),
        Err(Fail::Identical)
    );
    assert_eq!(
        settle(parse_patch(&reply(400, IDENTICAL), v4)),
        Ok(Success::NoChange)
    );
    assert_eq!(parse_created(&reply(400, IDENTICAL)), Err(Fail::Identical));
    assert!(matches!(
        parse_created(&reply(400, EXISTS)),
        Err(Fail::Exists(_))
    ));
    // Stale ids: 81044 (400 or 404), a bare 404, or 7003 from a PATCH.
    for (status, body) in [
        (400, GONE),
        (404, GONE),
        (404, "not found"),
        (400, ROUTE_400),
    ] {
        assert!(
            matches!(parse_patch(&reply(status, body), v4), Err(Fail::Gone(_))),
            "{status} {body}"
        );
    }
    // Where no fallback applies, 81044 is transient and 7003 fatal.
    assert_eq!(
        settle(parse_patch(&reply(400, GONE), v4))
            .unwrap_err()
            .class(),
        Class::Transient
    );
    assert_eq!(
        settle(parse_patch(&reply(400, ROUTE_400), v4))
            .unwrap_err()
            .class(),
        Class::Fatal
    );
    let e = settle(parse_patch(&reply(400, &cname_exists()), v4)).unwrap_err();
    assert_eq!(e.class(), Class::Fatal);
    assert!(e.to_string().contains("CNAME"), "{e}");
    // An error nobody documented: retried later, never a success, never a stop.
    let odd = r#"{"success":false,"errors":[{"code":9005,"message":"Content for A record is invalid."}]}"#;
    assert_eq!(
        settle(parse_patch(&reply(400, odd), v4))
            .unwrap_err()
            .class(),
        Class::Transient
    );
    // A lookup has no "no change".
    assert_eq!(
        class(parse_zones(&reply(400, IDENTICAL), "example.com")),
        Class::Transient
    );
}

#[test]
fn informational_messages_are_not_errors() {
    // §4.1: code 10000 in `messages` of a successful reply means nothing.
    assert!(check_reply(&reply(200, VERIFY_OK)).is_ok());
}

#[test]
fn records_are_matched_by_name_and_type_and_content_compared() {
    let body = r#"{"success":true,"errors":[],"messages":[],"result":[{"id":"023e105f4ecef8ad9ca31a8372d0c353","zone_id":"zone111","zone_name":"example.com","name":"host.example.com","type":"A","content":"198.51.100.4","proxiable":true,"proxied":false,"ttl":3600,"locked":false,"comment":null,"tags":[],"created_on":"2014-01-01T05:20:00.12345Z","modified_on":"2014-01-01T05:20:00.12345Z","meta":{"auto_added":false}}],"result_info":{"page":1,"per_page":100,"count":1,"total_count":1,"total_pages":1}}"#;
    assert_eq!(
        parse_records(&reply(200, body), "host.example.com", Family::V4),
        Ok(Some(FoundRecord {
            id: "023e105f4ecef8ad9ca31a8372d0c353".to_string(),
            content: Some(ip("198.51.100.4"))
        }))
    );
    // Listed under another type: not ours.
    assert_eq!(
        parse_records(&reply(200, body), "host.example.com", Family::V6),
        Ok(None)
    );
    let two = r#"{"success":true,"result":[{"id":"a1","name":"host.example.com","type":"A","content":"198.51.100.4"},{"id":"a2","name":"host.example.com","type":"A","content":"198.51.100.5"}]}"#;
    let e = parse_records(&reply(200, two), "host.example.com", Family::V4).unwrap_err();
    assert_eq!(e.class(), Class::Fatal);
    assert!(e.to_string().contains("2 A records"), "{e}");
    // An id that could smuggle a path is refused.
    let evil = r#"{"success":true,"result":[{"id":"../../zones","name":"host.example.com"}]}"#;
    assert_eq!(
        class(parse_records(
            &reply(200, evil),
            "host.example.com",
            Family::V4
        )),
        Class::Transient
    );
    // The PATCH reply echoing another content is not a success.
    let other = r#"{"success":true,"result":{"id":"rec222","content":"198.51.100.9"}}"#;
    assert!(parse_patch(&reply(200, other), ip("198.51.100.4")).is_err());
    let same = r#"{"success":true,"result":{"id":"rec222","content":"2001:db8:0:0::1"}}"#;
    assert_eq!(
        parse_patch(&reply(200, same), ip("2001:db8::1")),
        Ok(Success::Updated)
    );
}

#[test]
fn no_prefix_of_a_reply_is_a_success_or_a_panic() {
    let created = r#"{"success":true,"result":{"id":"rec444","name":"host.example.com","type":"A","content":"192.0.2.1","comment":null,"tags":[],"meta":{"a":[1,{"b":null}]}}}"#;
    for full in [
        ZONES_OK,
        RECORDS_OK,
        PATCH_OK,
        created,
        &malformed_token(),
        RATE,
    ] {
        for end in 0..full.len() {
            if !full.is_char_boundary(end) {
                continue;
            }
            let r = reply(200, &full[..end]);
            assert!(parse_zones(&r, "example.com").is_err());
            assert!(parse_records(&r, "host.example.com", Family::V4).is_err());
            assert!(parse_patch(&r, ip("192.0.2.1")).is_err());
            assert!(parse_created(&r).is_err());
        }
    }
}
