//! Linode: request shapes, the documented replies, and the exchange as a table.
use super::*;
use crate::error::Class;
use crate::provider::testutil::{body, config, config_err, exchange, ip, reply};

/// "Domains List" response sample, https://www.linode.com/docs/api/domains/#domains-list
/// (as published in the Linode API docs, GET /v4/domains).
const DOMAINS: &str = r#"{"data":[{"axfr_ips":[],"description":null,"domain":"example.org","expire_sec":300,"group":null,"id":1234,"master_ips":[],"refresh_sec":300,"retry_sec":300,"soa_email":"admin@example.org","status":"active","tags":["example tag","another example"],"ttl_sec":300,"type":"master"}],"page":1,"pages":1,"results":1}"#;
/// "Domain Record View" response sample, https://developers.linode.com/api/v4/domains-domain-id-records-record-id
/// (GET /v4/domains/{domainId}/records/{recordId}); PUT and POST answer the same object.
const RECORD: &str = r#"{"created":"2018-01-01T00:01:01","updated":"2018-01-01T00:01:01","id":1234,"type":"A","port":80,"ttl_sec":604800,"name":"test","target":"192.0.2.0","priority":50,"weight":50,"service":"","protocol":"","tag":""}"#;
/// "Domain Records List" response sample, https://developers.linode.com/api/v4/domains-domain-id-records,
/// published with `"id": ""`; the id here is the record view's 1234 (the schema says integer).
const RECORDS: &str = r#"{"data":[{"id":1234,"created":"2018-01-01T00:01:01","type":"A","updated":"2018-01-01T00:01:01","ttl_sec":604800,"name":"test","target":"192.0.2.0","priority":50,"weight":50,"port":80,"service":"","protocol":"","tag":""}],"page":1,"pages":1,"results":1}"#;
/// The documented error object (`errors[].field`, `errors[].reason`) with the reason Linode
/// gives a bad token (reported as "[401] Invalid Token" by its clients); reconstructed.
const INVALID_TOKEN: &str = r#"{"errors":[{"reason":"Invalid Token"}]}"#;
const NOT_FOUND: &str = r#"{"errors":[{"reason":"Not found"}]}"#;

fn linode(name: &str, create: bool) -> Linode {
    Linode {
        base: "https://api.linode.com/v4".into(),
        domain: "example.org".into(),
        name: name.into(),
        token: Secret::new("ln-s3cret".into()),
        ttl: None,
        create,
    }
}

fn header<'a>(r: &'a Request, name: &str) -> &'a str {
    &r.headers.iter().find(|h| h.name == name).unwrap().value
}

#[test]
fn request_shapes() {
    let l = linode("test", false);
    let r = l.build_domains();
    assert_eq!(r.method, Method::Get);
    assert_eq!(r.wire_url(), "https://api.linode.com/v4/domains");
    assert_eq!(header(&r, "X-Filter"), r#"{"domain":"example.org"}"#);
    assert_eq!(header(&r, "Authorization"), "Bearer ln-s3cret");
    assert!(!r.redacted().contains("s3cret"));
    let r = l.build_records(1234, "AAAA");
    assert_eq!(
        r.wire_url(),
        "https://api.linode.com/v4/domains/1234/records"
    );
    assert_eq!(header(&r, "X-Filter"), r#"{"name":"test","type":"AAAA"}"#);
    let r = linode("@", false).build_records(1234, "A");
    assert_eq!(header(&r, "X-Filter"), r#"{"name":"","type":"A"}"#);
    let r = l.build_put(1234, 5678, ip("2001:db8::1"));
    assert_eq!(r.method, Method::Put);
    assert_eq!(
        r.wire_url(),
        "https://api.linode.com/v4/domains/1234/records/5678"
    );
    assert_eq!(body(&r), r#"{"target":"2001:db8::1"}"#);
    let r = l.build_create(1234, "A", ip("198.51.100.7"));
    assert_eq!(r.method, Method::Post);
    assert_eq!(
        r.wire_url(),
        "https://api.linode.com/v4/domains/1234/records"
    );
    assert_eq!(
        body(&r),
        r#"{"type":"A","name":"test","target":"198.51.100.7"}"#
    );
    let mut l = linode("@", true);
    l.ttl = Some(300);
    assert_eq!(
        body(&l.build_create(1, "A", ip("198.51.100.7"))),
        r#"{"type":"A","name":"","target":"198.51.100.7","ttl_sec":300}"#
    );
}

#[test]
fn reads_the_documented_replies() {
    assert_eq!(parse_domains(&reply(200, DOMAINS), "example.org"), Ok(1234));
    assert_eq!(
        parse_records(&reply(200, RECORDS), "A", "test", "test.example.org"),
        Ok(Some((1234, "192.0.2.0".to_string())))
    );
    // A server that returned names in full is read too; other names and types are not ours.
    let full = RECORDS.replace(r#""name":"test""#, r#""name":"test.example.org""#);
    assert_eq!(
        parse_records(&reply(200, &full), "A", "test", "test.example.org"),
        Ok(Some((1234, "192.0.2.0".to_string())))
    );
    assert_eq!(
        parse_records(&reply(200, RECORDS), "AAAA", "test", "test.example.org"),
        Ok(None)
    );
    assert_eq!(
        parse_records(&reply(200, RECORDS), "A", "www", "www.example.org"),
        Ok(None)
    );
    assert_eq!(
        parse_written(&reply(200, RECORD), ip("192.0.2.0")),
        Ok(1234)
    );
    assert_eq!(parse_cache("1234/5678"), (Some(1234), Some(5678)));
    assert_eq!(parse_cache("1234"), (Some(1234), None));
    assert_eq!(parse_cache(""), (None, None));
    assert_eq!(parse_cache("x/5678"), (None, None));
}

#[test]
fn failures_are_classified() {
    for status in [401, 403] {
        let e = parse_domains(&reply(status, INVALID_TOKEN), "example.org").unwrap_err();
        assert_eq!(e.class(), Class::Fatal, "{e}");
        let said = format!("HTTP {status}: Invalid Token");
        assert!(e.to_string().contains(&said), "{e}");
        assert!(e.to_string().contains("Domains Read/Write"), "{e}");
    }
    let e = parse_domains(&reply(200, DOMAINS), "example.com").unwrap_err();
    assert_eq!(e.class(), Class::Fatal);
    assert!(e.to_string().contains("no domain example.com"), "{e}");
    let empty = r#"{"data":[],"page":1,"pages":1,"results":0}"#;
    let e = parse_domains(&reply(200, empty), "example.org").unwrap_err();
    assert_eq!(e.class(), Class::Fatal);
    let two = RECORDS.replace(
        "}],",
        r#"},{"id":1235,"type":"A","name":"test","target":"192.0.2.9"}],"#,
    );
    let e = parse_records(&reply(200, &two), "A", "test", "test.example.org").unwrap_err();
    assert_eq!(e.class(), Class::Fatal);
    assert!(e.to_string().contains("2 A records"), "{e}");
    assert_eq!(
        parse_written(&reply(404, NOT_FOUND), ip("192.0.2.0")),
        Err(Written::Gone)
    );
    // Rate limits: Retry-After first, else X-RateLimit-Reset against our clock.
    let limited = |headers: Vec<(&str, &str)>| Reply {
        status: 429,
        headers: headers
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        body: br#"{"errors":[{"reason":"Too Many Requests"}]}"#.to_vec(),
    };
    let e = parse_domains(&limited(vec![("retry-after", "30")]), "example.org").unwrap_err();
    assert_eq!(
        (e.class(), e.retry_after_secs()),
        (Class::Transient, Some(30))
    );
    assert!(e.to_string().contains("Too Many Requests"), "{e}");
    let soon = (crate::clock::now_secs() + 120).to_string();
    let e = parse_domains(&limited(vec![("x-ratelimit-reset", &soon)]), "example.org").unwrap_err();
    let wait = e.retry_after_secs().unwrap();
    assert!((118..=120).contains(&wait), "{wait}");
    let e = parse_domains(&limited(vec![]), "example.org").unwrap_err();
    assert_eq!((e.class(), e.retry_after_secs()), (Class::Transient, None));
}

#[test]
fn garbage_is_never_success() {
    let v4 = ip("192.0.2.0");
    for (status, text) in [
        (200, ""),
        (200, "{}"),
        (200, r#"{"id":1234,"target":"192.0.2."#),
        (200, r#"{"target":"192.0.2.0"}"#),
        (200, &RECORD.replace("192.0.2.0", "192.0.2.1")),
        (200, "<html>"),
        (502, "<html>Bad Gateway</html>"),
        (500, RECORD),
        (
            400,
            r#"{"errors":[{"field":"target","reason":"target must be a valid value"}]}"#,
        ),
    ] {
        let e = parse_written(&reply(status, text), v4).unwrap_err();
        assert!(
            matches!(&e, Written::Failed(e) if e.class() == Class::Transient),
            "{status} {text:?}: {e:?}"
        );
    }
    // The published list sample's `"id": ""` is not an id.
    let blank_id = RECORDS.replace(r#""id":1234"#, r#""id":"""#);
    for text in ["", "{}", r#"{"data":{}}"#, r#"{"data":[{"id":1"#, &blank_id] {
        let e = parse_records(&reply(200, text), "A", "test", "test.example.org").unwrap_err();
        assert_eq!(e.class(), Class::Transient, "{text:?}");
        let e = parse_domains(&reply(200, text), "example.org");
        assert!(e.is_err(), "{text:?}");
    }
    let e = parse_records(&reply(404, NOT_FOUND), "A", "test", "test.example.org").unwrap_err();
    assert_eq!(e.class(), Class::Transient);
}

#[test]
fn the_exchange() {
    let l = linode("test", false);
    // First run, same target: the domain, the record, no write; both ids remembered.
    let mut known = String::new();
    let (out, sent) = exchange(&[reply(200, DOMAINS), reply(200, RECORDS)], |send| {
        l.update_family(send, ip("192.0.2.0"), &mut known)
    });
    assert_eq!((out, sent.len()), (Ok(Success::NoChange), 2));
    assert_eq!(known, "1234/1234");
    // Known: a change is one PUT.
    let moved = RECORD.replace("192.0.2.0", "192.0.2.1");
    let (out, sent) = exchange(&[reply(200, &moved)], |send| {
        l.update_family(send, ip("192.0.2.1"), &mut known)
    });
    assert_eq!((out, sent.len()), (Ok(Success::Updated), 1));
    assert_eq!(sent[0].method, Method::Put);
    // Known but gone: looked up again from the domain, then absent and not allowed to create.
    let none = r#"{"data":[],"page":1,"pages":1,"results":0}"#;
    let (out, sent) = exchange(
        &[reply(404, NOT_FOUND), reply(200, DOMAINS), reply(200, none)],
        |send| l.update_family(send, ip("192.0.2.1"), &mut known),
    );
    let e = out.unwrap_err();
    assert_eq!((e.class(), sent.len()), (Class::Fatal, 3));
    assert!(e.to_string().contains("set create = true"), "{e}");
    // The domain id stays remembered: the next lookup skips the domain list.
    assert_eq!(known, "1234");
    let (out, sent) = exchange(&[reply(200, RECORDS), reply(200, &moved)], |send| {
        l.update_family(send, ip("192.0.2.1"), &mut known)
    });
    assert_eq!((out, sent.len()), (Ok(Success::Updated), 2));
    assert!(sent[0].url.ends_with("/domains/1234/records"));
    assert_eq!(known, "1234/1234");
    // Absent and allowed: created, its id remembered.
    let created = RECORD.replace(r#""id":1234"#, r#""id":777"#);
    let mut known = String::new();
    let (out, sent) = exchange(
        &[reply(200, DOMAINS), reply(200, none), reply(200, &created)],
        |send| linode("test", true).update_family(send, ip("192.0.2.0"), &mut known),
    );
    assert_eq!(out, Ok(Success::Updated));
    assert_eq!(sent[2].method, Method::Post);
    assert_eq!(known, "1234/777");
    // A remembered domain that is gone is forgotten.
    let mut known = "1234".to_string();
    let (out, _) = exchange(&[reply(404, NOT_FOUND)], |send| {
        l.update_family(send, ip("192.0.2.0"), &mut known)
    });
    assert_eq!(out.unwrap_err().class(), Class::Transient);
    assert_eq!(known, "");
}

#[test]
fn config_keys_are_checked() {
    let c = config(
        "linode",
        "domain = \"example.com\"\nname = \"@\"\ntoken = \"t\"\nfamily = \"both\"\ncreate = true\nttl = 300\n",
    )
    .unwrap();
    let r = &c.records[0];
    assert_eq!(r.label(), "example.com (linode)");
    let planned = r.provider.plan(Addrs::one(ip("2001:db8::1")));
    assert_eq!(
        planned[0].request.wire_url(),
        "https://api.linode.com/v4/domains"
    );
    for (keys, text) in [
        (
            "domain = \"example.com\"\ntoken = \"t\"\n",
            "missing key \"name\"",
        ),
        ("name = \"home\"\ntoken = \"t\"\n", "missing key \"domain\""),
        (
            "domain = \"example.com\"\nname = \"home.example.com\"\ntoken = \"t\"\n",
            "give the name inside the zone",
        ),
        (
            "domain = \"example.com\"\nname = \"home\"\n",
            "missing key \"token\" (or \"token_file\")",
        ),
        (
            "domain = \"example.com\"\nname = \"home\"\ntoken = \"t\"\nttl = 29\n",
            "key \"ttl\": 29 is out of range",
        ),
        (
            "domain = \"example.com\"\nname = \"home\"\ntoken = \"t\"\ncreate = 1\n",
            "key \"create\": must be a boolean",
        ),
    ] {
        let e = config_err("linode", keys);
        assert!(e.contains(text), "{e}");
    }
}
