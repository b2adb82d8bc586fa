//! Hetzner Cloud DNS: request shapes, the documented replies, and the exchange as a table.
use super::*;
use crate::error::Class;
use crate::provider::api;
use crate::provider::testutil::{body, config, config_err, exchange, ip, reply};

/// "Get an RRSet" example response, https://docs.hetzner.cloud/reference/cloud#zone-rrsets
/// (GET /zones/{id_or_name}/rrsets/{rr_name}/{rr_type}).
const RRSET: &str = r#"{"rrset":{"id":"www/A","name":"www","type":"A","ttl":3600,"labels":{"environment":"prod","example.com/my":"label","just-a-key":""},"protection":{"change":false},"records":[{"value":"198.51.100.1","comment":"My web server at Hetzner Cloud."}],"zone":42}}"#;
/// "Set Records of an RRSet" example response, https://docs.hetzner.cloud/reference/cloud#zone-rrset-actions
/// (POST /zones/{id_or_name}/rrsets/{rr_name}/{rr_type}/actions/set_records).
const ACTION: &str = r#"{"action":{"id":42,"command":"set_rrset_records","status":"running","progress":0,"started":"2016-01-30T23:55:00+00:00","finished":null,"resources":[{"id":42,"type":"zone"}],"error":null}}"#;
/// The error shape of https://docs.hetzner.cloud/reference/cloud#errors with its documented
/// `unauthorized` code.
const UNAUTHORIZED: &str =
    r#"{"error":{"code":"unauthorized","message":"unable to authenticate","details":{}}}"#;
const NOT_FOUND: &str =
    r#"{"error":{"code":"not_found","message":"rrset not found","details":{}}}"#;

fn hetzner(name: &str, create: bool) -> Hetzner {
    Hetzner {
        base: "https://api.hetzner.cloud/v1".into(),
        zone: "example.com".into(),
        name: name.into(),
        token: Secret::new("hz-s3cret".into()),
        ttl: None,
        create,
    }
}

#[test]
fn request_shapes() {
    let h = hetzner("www", false);
    let r = h.build_get("A");
    assert_eq!(r.method, Method::Get);
    assert_eq!(
        r.wire_url(),
        "https://api.hetzner.cloud/v1/zones/example.com/rrsets/www/A"
    );
    assert_eq!(r.headers[0].value, "Bearer hz-s3cret");
    assert!(!r.redacted().contains("s3cret"));
    let r = hetzner("@", false).build_set("AAAA", ip("2001:db8::1"));
    assert_eq!(r.method, Method::Post);
    assert_eq!(
        r.wire_url(),
        "https://api.hetzner.cloud/v1/zones/example.com/rrsets/@/AAAA/actions/set_records"
    );
    assert_eq!(body(&r), r#"{"records":[{"value":"2001:db8::1"}]}"#);
    let r = h.build_create("A", ip("198.51.100.7"));
    assert_eq!(
        r.wire_url(),
        "https://api.hetzner.cloud/v1/zones/example.com/rrsets"
    );
    assert_eq!(
        body(&r),
        r#"{"name":"www","type":"A","records":[{"value":"198.51.100.7"}]}"#
    );
    let mut h = hetzner("www", true);
    h.ttl = Some(300);
    assert_eq!(
        body(&h.build_create("A", ip("198.51.100.7"))),
        r#"{"name":"www","type":"A","ttl":300,"records":[{"value":"198.51.100.7"}]}"#
    );
}

#[test]
fn reads_the_documented_replies() {
    assert_eq!(
        parse_get(&reply(200, RRSET), "A").unwrap(),
        Some(vec!["198.51.100.1".to_string()])
    );
    assert_eq!(parse_get(&reply(404, NOT_FOUND), "A"), Ok(None));
    assert_eq!(parse_action(&reply(201, ACTION)), Ok(Success::Updated));
    let done = ACTION.replace("running", "success");
    assert_eq!(parse_action(&reply(201, &done)), Ok(Success::Updated));
}

#[test]
fn failures_are_classified() {
    for status in [401, 403] {
        let e = parse_get(&reply(status, UNAUTHORIZED), "A").unwrap_err();
        assert_eq!(e.class(), Class::Fatal, "{e}");
        assert!(e.to_string().contains("unable to authenticate"), "{e}");
    }
    let failed = r#"{"action":{"id":42,"command":"set_rrset_records","status":"error","progress":100,"error":{"code":"action_failed","message":"Action failed"}}}"#;
    let e = parse_action(&reply(201, failed)).unwrap_err();
    assert_eq!(e.class(), Class::Transient);
    assert!(e.to_string().contains("Action failed"), "{e}");
    let protected = r#"{"error":{"code":"protected","message":"rrset is protected","details":{}}}"#;
    let e = parse_action(&reply(403, protected)).unwrap_err();
    assert_eq!(e.class(), Class::Fatal);
    assert!(e.to_string().contains("protected"), "{e}");
    let e = parse_created(&reply(404, NOT_FOUND), "example.com").unwrap_err();
    assert_eq!(e.class(), Class::Fatal);
    // Rate limits: Retry-After first, else RateLimit-Reset against our clock, capped.
    let limited = |headers: Vec<(&str, &str)>| {
        Reply {
        status: 429,
        headers: headers
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        body: br#"{"error":{"code":"rate_limit_exceeded","message":"limit of 3600 requests per hour reached","details":{}}}"#.to_vec(),
    }
    };
    let e = parse_get(&limited(vec![("retry-after", "30")]), "A").unwrap_err();
    assert_eq!(e.retry_after_secs(), Some(30));
    assert!(e.to_string().contains("limit of 3600"), "{e}");
    let soon = (crate::clock::now_secs() + 120).to_string();
    let e = parse_get(&limited(vec![("ratelimit-reset", &soon)]), "A").unwrap_err();
    let wait = e.retry_after_secs().unwrap();
    assert!((118..=120).contains(&wait), "{wait}");
    let r = limited(vec![("ratelimit-reset", "1731417200")]);
    let reset_wait = |r: &Reply, now| api::reset_wait(r, "ratelimit-reset", now);
    assert_eq!(reset_wait(&r, 1_731_417_000), Some(200));
    assert_eq!(reset_wait(&r, 1_731_418_000), Some(0));
    assert_eq!(reset_wait(&r, 0), Some(api::MAX_RESET_WAIT_SECS));
}

#[test]
fn garbage_is_never_success() {
    for (status, text) in [
        (201, ""),
        (201, "{}"),
        (201, r#"{"action":{"status":"runn"#),
        (201, r#"{"action":{"status":"queued"}}"#),
        (200, "<html>"),
        (502, "<html>Bad Gateway</html>"),
        (500, ACTION),
        (422, r#"{"error":{"code":"invalid_input","message":"bad"}}"#),
    ] {
        let e = parse_action(&reply(status, text)).unwrap_err();
        assert_eq!(e.class(), Class::Transient, "{status} {text:?}");
    }
    for text in [
        "",
        "{}",
        r#"{"rrset":{"type":"A","records":["#,
        r#"{"rrset":[]}"#,
    ] {
        let e = parse_get(&reply(200, text), "A").unwrap_err();
        assert_eq!(e.class(), Class::Transient, "{text:?}");
    }
    let e = parse_get(&reply(200, RRSET), "AAAA").unwrap_err();
    assert_eq!(e.class(), Class::Transient);
}

#[test]
fn the_exchange() {
    let h = hetzner("www", false);
    // Same value: one read, no write; the rrset is remembered.
    let mut known = String::new();
    let (out, sent) = exchange(&[reply(200, RRSET)], |send| {
        h.update_family(send, ip("198.51.100.1"), &mut known)
    });
    assert_eq!((out, sent.len()), (Ok(Success::NoChange), 1));
    assert_eq!(known, "www/A");
    // Known: a change is one set_records.
    let (out, sent) = exchange(&[reply(201, ACTION)], |send| {
        h.update_family(send, ip("198.51.100.2"), &mut known)
    });
    assert_eq!((out, sent.len()), (Ok(Success::Updated), 1));
    assert!(sent[0].url.ends_with("/actions/set_records"));
    // Known but gone: read again, then absent and not allowed to create.
    let (out, sent) = exchange(&[reply(404, NOT_FOUND), reply(404, NOT_FOUND)], |send| {
        h.update_family(send, ip("198.51.100.2"), &mut known)
    });
    let e = out.unwrap_err();
    assert_eq!((e.class(), sent.len()), (Class::Fatal, 2));
    assert!(e.to_string().contains("set create = true"), "{e}");
    assert_eq!(known, "");
    // Two values where one is wanted: set.
    let two = RRSET.replace(
        r#"}],"zone""#,
        r#"},{"value":"198.51.100.9","comment":""}],"zone""#,
    );
    let (out, sent) = exchange(&[reply(200, &two), reply(201, ACTION)], |send| {
        h.update_family(send, ip("198.51.100.1"), &mut String::new())
    });
    assert_eq!((out, sent.len()), (Ok(Success::Updated), 2));
    // Absent and allowed: created.
    let created = format!(
        r#"{{"rrset":{},{}"#,
        &RRSET[9..RRSET.len() - 1],
        &ACTION[1..]
    );
    let mut known = String::new();
    let (out, sent) = exchange(&[reply(404, NOT_FOUND), reply(201, &created)], |send| {
        hetzner("www", true).update_family(send, ip("198.51.100.1"), &mut known)
    });
    assert_eq!(out, Ok(Success::Updated));
    assert!(sent[1].url.ends_with("/zones/example.com/rrsets"));
    assert_eq!(known, "www/A");
}

#[test]
fn config_keys_are_checked() {
    let c = config(
        "hetzner",
        "zone = \"example.com\"\nname = \"@\"\ntoken = \"t\"\nfamily = \"both\"\ncreate = true\nttl = 300\n",
    )
    .unwrap();
    let r = &c.records[0];
    assert_eq!(r.label(), "example.com (hetzner)");
    let planned = r.provider.plan(Addrs::one(ip("2001:db8::1")));
    assert_eq!(
        planned[0].request.wire_url(),
        "https://api.hetzner.cloud/v1/zones/example.com/rrsets/@/AAAA"
    );
    for (keys, text) in [
        (
            "zone = \"example.com\"\ntoken = \"t\"\n",
            "missing key \"name\"",
        ),
        (
            "zone = \"example.com\"\nname = \"home.example.com\"\ntoken = \"t\"\n",
            "give the name inside the zone",
        ),
        (
            "zone = \"example.com\"\nname = \"home\"\n",
            "missing key \"token\" (or \"token_file\")",
        ),
        (
            "zone = \"example.com\"\nname = \"home\"\ntoken = \"t\"\nttl = 59\n",
            "key \"ttl\": 59 is out of range",
        ),
        (
            "zone = \"example.com\"\nname = \"home\"\ntoken = \"t\"\ncreate = \"yes\"\n",
            "key \"create\": must be a boolean",
        ),
    ] {
        let e = config_err("hetzner", keys);
        assert!(e.contains(text), "{e}");
    }
}
