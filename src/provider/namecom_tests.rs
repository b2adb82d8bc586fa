//! Name.com API v4: request shapes, the documented replies, and the exchange as a table.
use super::*;
use crate::error::Class;
use crate::provider::testutil::{body, config, config_err, exchange, ip, reply};

/// The ListRecords example response of https://www.name.com/api-docs/DNS
/// (GET /v4/domains/example.org/records), byte for byte but for the whitespace.
const LISTED: &str = r#"{"records":[{"id":12345,"domainName":"example.org","host":"www","fqdn":"www.example.org","type":"A","answer":"10.0.0.1","ttl":300}]}"#;
/// The answer to UpdateRecord and CreateRecord: one `Record` (schema of
/// https://www.name.com/api-docs/DNS), here the listed record with a new answer.
/// Reconstructed from the schema, in the shape of the ListRecords example.
const UPDATED: &str = r#"{"id":12345,"domainName":"example.org","host":"www","fqdn":"www.example.org","type":"A","answer":"198.51.100.7","ttl":300}"#;
/// Name.com's answer to bad credentials: the `message` error shape of the API reference with
/// the wording v4 sends (`Unauthenticated`, as the registered_domains gem matches it:
/// https://www.rubydoc.info/gems/registered_domains/0.1.4/RegisteredDomains/NameCom/Domains).
/// Reconstructed, not a published example body.
const UNAUTHENTICATED: &str = r#"{"message":"Unauthenticated"}"#;
/// The 403 body of the Core API reference (https://docs.name.com, UpdateRecord responses),
/// assembled from its field examples (`message`, `details`).
const DENIED: &str = r#"{"message":"Permission denied","details":"Failed authentication"}"#;
/// The NotFound404 schema of the Core API reference (https://docs.name.com), assembled from
/// its field examples.
const NOT_FOUND: &str =
    r#"{"message":"Not Found","details":"The requested domain does not exist."}"#;
/// The 429 answer of the Core API reference (https://docs.name.com): its `message` example;
/// `details` paraphrases the description. Sent with `X-RateLimit-Reset`.
const LIMITED: &str =
    r#"{"message":"Rate Limit Exceeded","details":"You have exceeded the rate limit."}"#;

fn namecom(host: &str, create: bool) -> NameCom {
    NameCom {
        base: "https://api.name.com/v4".into(),
        domain: "example.org".into(),
        host: host.into(),
        username: "me".into(),
        token: Secret::new("nc-t0ken".into()),
        ttl: None,
        create,
    }
}

#[test]
fn request_shapes() {
    let n = namecom("www", false);
    let r = n.build_list();
    assert_eq!(r.method, Method::Get);
    assert_eq!(
        r.wire_url(),
        "https://api.name.com/v4/domains/example.org/records?perPage=1000"
    );
    // base64("me:nc-t0ken")
    assert_eq!(r.headers[0].value, "Basic bWU6bmMtdDBrZW4=");
    assert!(!r.redacted().contains("bWU6"), "{}", r.redacted());
    let r = n.build_update(12345, "A", ip("198.51.100.7"), 300);
    assert_eq!(r.method, Method::Put);
    assert_eq!(
        r.wire_url(),
        "https://api.name.com/v4/domains/example.org/records/12345"
    );
    assert_eq!(
        body(&r),
        r#"{"host":"www","type":"A","answer":"198.51.100.7","ttl":300}"#
    );
    assert!(!r.body_is_secret);
    assert!(r.redacted().contains("Content-Type: application/json"));
    let r = namecom("@", true).build_create("AAAA", ip("2001:db8::1"));
    assert_eq!(r.method, Method::Post);
    assert_eq!(
        r.wire_url(),
        "https://api.name.com/v4/domains/example.org/records"
    );
    assert_eq!(
        body(&r),
        r#"{"host":"@","type":"AAAA","answer":"2001:db8::1","ttl":300}"#
    );
    let mut n = namecom("*", true);
    n.ttl = Some(3600);
    assert_eq!(
        body(&n.build_create("A", ip("198.51.100.7"))),
        r#"{"host":"*","type":"A","answer":"198.51.100.7","ttl":3600}"#
    );
}

#[test]
fn reads_the_documented_list() {
    let found = parse_list(&reply(200, LISTED), "www", "A", "example.org").unwrap();
    assert_eq!(
        found,
        vec![Found {
            id: 12345,
            answer: "10.0.0.1".into(),
            ttl: 300
        }]
    );
    // Hosts match without regard to case; another type or host does not count.
    assert_eq!(
        parse_list(&reply(200, LISTED), "WWW", "A", "x")
            .unwrap()
            .len(),
        1
    );
    assert!(
        parse_list(&reply(200, LISTED), "www", "AAAA", "x")
            .unwrap()
            .is_empty()
    );
    assert!(
        parse_list(&reply(200, LISTED), "ww", "A", "x")
            .unwrap()
            .is_empty()
    );
    // The apex is listed without a host, or with "" or "@".
    for apex in [
        r#"{"id":1,"domainName":"example.org","fqdn":"example.org.","type":"A","answer":"1.2.3.4","ttl":300}"#,
        r#"{"id":1,"host":"","type":"A","answer":"1.2.3.4","ttl":300}"#,
        r#"{"id":1,"host":"@","type":"A","answer":"1.2.3.4","ttl":300}"#,
    ] {
        let text = format!(r#"{{"records":[{apex}]}}"#);
        let found = parse_list(&reply(200, &text), "@", "A", "x").unwrap();
        assert_eq!(found.len(), 1, "{apex}");
        assert!(
            parse_list(&reply(200, &text), "www", "A", "x")
                .unwrap()
                .is_empty()
        );
    }
    // An empty zone, with or without the member.
    assert!(
        parse_list(&reply(200, r#"{"records":[]}"#), "www", "A", "x")
            .unwrap()
            .is_empty()
    );
    assert!(
        parse_list(&reply(200, "{}"), "www", "A", "x")
            .unwrap()
            .is_empty()
    );
}

#[test]
fn a_record_past_the_first_page_is_not_created_twice() {
    let text = r#"{"records":[{"id":1,"host":"mail","type":"A","answer":"1.2.3.4","ttl":300}],"nextPage":2,"lastPage":3}"#;
    let e = parse_list(&reply(200, text), "www", "A", "example.org").unwrap_err();
    assert_eq!(e.class(), Class::Fatal);
    assert!(e.to_string().contains("more than 1000 records"), "{e}");
    let text = r#"{"records":[{"id":1,"host":"www","type":"A","answer":"1.2.3.4","ttl":300}],"nextPage":2}"#;
    assert_eq!(
        parse_list(&reply(200, text), "www", "A", "x")
            .unwrap()
            .len(),
        1
    );
}

#[test]
fn garbage_lists_are_transient() {
    for text in [
        "",
        "<html>",
        r#"{"records":[{"id":1,"host":"www","type":"A","answer":"1.2.3.4","ttl":300}"#,
        r#"{"records":{}}"#,
        r#"[]"#,
        r#"{"records":[{"host":"www","type":"A","answer":"1.2.3.4","ttl":300}]}"#,
        r#"{"records":[{"id":"1","host":"www","type":"A","answer":"1.2.3.4","ttl":300}]}"#,
        r#"{"records":[{"id":0,"host":"www","type":"A","answer":"1.2.3.4","ttl":300}]}"#,
        r#"{"records":[{"id":1,"host":"www","answer":"1.2.3.4","ttl":300}]}"#,
        r#"{"records":[{"id":1,"host":"www","type":"A","answer":"1.2.3.4","ttl":-1}]}"#,
    ] {
        let e = parse_list(&reply(200, text), "www", "A", "x").unwrap_err();
        assert_eq!(e.class(), Class::Transient, "{text}");
    }
}

#[test]
fn reads_the_written_record() {
    let ip7 = ip("198.51.100.7");
    let r = parse_record(&reply(200, UPDATED), "A", ip7, "x").unwrap();
    assert_eq!((r.id, r.ttl), (12345, 300));
    // A record that does not hold the address, or another type, is no confirmation.
    for (text, rr, addr) in [
        (UPDATED, "A", ip("198.51.100.8")),
        (UPDATED, "AAAA", ip("2001:db8::1")),
        (r#"{"id":12345,"type":"A","ttl":300}"#, "A", ip7),
        (r#"{"message":"ok"}"#, "A", ip7),
        (
            r#"{"id":12345,"type":"A","answer":"198.51.100.7","ttl":300"#,
            "A",
            ip7,
        ),
    ] {
        let e = parse_record(&reply(200, text), rr, addr, "x").unwrap_err();
        assert_eq!(e.class(), Class::Transient, "{text}");
    }
}

#[test]
fn documented_errors_are_classified() {
    for (status, text, class, words) in [
        (
            401,
            UNAUTHENTICATED,
            Class::Fatal,
            "Name.com refused the username and token (HTTP 401: Unauthenticated)",
        ),
        (
            403,
            DENIED,
            Class::Fatal,
            "permission denied (HTTP 403: Permission denied); turn on API access",
        ),
        (
            404,
            NOT_FOUND,
            Class::Fatal,
            "no domain example.org in this account (HTTP 404: Not Found)",
        ),
        (
            429,
            LIMITED,
            Class::Transient,
            "Name.com: HTTP 429: Rate Limit Exceeded",
        ),
        (
            500,
            r#"{"message":"Internal Server Error","details":"Something went wrong."}"#,
            Class::Transient,
            "HTTP 500: Internal Server Error",
        ),
        (
            400,
            r#"{"message":"Bad Request"}"#,
            Class::Transient,
            "unexpected HTTP 400: Bad Request",
        ),
    ] {
        for e in [
            parse_list(&reply(status, text), "www", "A", "example.org").unwrap_err(),
            parse_record(&reply(status, text), "A", ip("1.2.3.4"), "example.org").unwrap_err(),
        ] {
            assert_eq!(e.class(), class, "{status}");
            assert!(e.to_string().contains(words), "{e}");
        }
    }
}

#[test]
fn rate_limits_wait_for_retry_after_or_the_reset_time() {
    let mut r = reply(429, LIMITED);
    r.headers = vec![("x-ratelimit-reset".into(), "99999999999".into())];
    let e = parse_list(&r, "www", "A", "x").unwrap_err();
    assert_eq!(e.retry_after_secs(), Some(3600));
    r.headers.push(("retry-after".into(), "7".into()));
    let e = parse_list(&r, "www", "A", "x").unwrap_err();
    assert_eq!(e.retry_after_secs(), Some(7));
    let e = parse_list(&reply(429, LIMITED), "www", "A", "x").unwrap_err();
    assert_eq!(e.retry_after_secs(), None);
}

#[test]
fn cache_text() {
    assert_eq!(parse_cache("12345/300"), Some((12345, 300)));
    for bad in ["", "12345", "x/300", "12345/", "/300", "1/2/3"] {
        assert_eq!(parse_cache(bad), None, "{bad}");
    }
}

#[test]
fn exchanges() {
    let ip7 = ip("198.51.100.7");
    // First run: list, then update keeping the record's TTL; the id is remembered.
    let mut known = String::new();
    let n = namecom("www", false);
    let answers = [reply(200, LISTED), reply(200, UPDATED)];
    let (out, sent) = exchange(&answers, |send| n.update_family(send, ip7, &mut known));
    assert_eq!(out, Ok(Success::Updated));
    assert_eq!(sent.len(), 2);
    assert_eq!(sent[0].method, Method::Get);
    assert_eq!(sent[1].method, Method::Put);
    assert!(sent[1].url.ends_with("/records/12345"));
    assert_eq!(known, "12345/300");

    // A later change: one update by id.
    let (out, sent) = exchange(&[reply(200, UPDATED)], |send| {
        n.update_family(send, ip7, &mut known)
    });
    assert_eq!(out, Ok(Success::Updated));
    assert_eq!(sent.len(), 1);
    assert!(sent[0].url.ends_with("/records/12345"));

    // The remembered record is gone: list again, and it is missing.
    let answers = [reply(404, NOT_FOUND), reply(200, r#"{"records":[]}"#)];
    let (out, sent) = exchange(&answers, |send| n.update_family(send, ip7, &mut known));
    let e = out.unwrap_err();
    assert_eq!(e.class(), Class::Fatal);
    assert!(
        e.to_string()
            .contains("no A record www in domain example.org; create it, or set create = true"),
        "{e}"
    );
    assert_eq!(sent.len(), 2);
    assert_eq!(known, "");

    // Missing and allowed: created, and the new id is remembered.
    let n = namecom("www", true);
    let created = UPDATED.replace("12345", "777");
    let answers = [reply(200, r#"{"records":[]}"#), reply(200, &created)];
    let (out, sent) = exchange(&answers, |send| n.update_family(send, ip7, &mut known));
    assert_eq!(out, Ok(Success::Updated));
    assert_eq!(sent[1].method, Method::Post);
    assert_eq!(known, "777/300");

    // Unchanged: the list alone.
    let mut known = String::new();
    let listed = LISTED.replace("10.0.0.1", "198.51.100.7");
    let (out, sent) = exchange(&[reply(200, &listed)], |send| {
        n.update_family(send, ip7, &mut known)
    });
    assert_eq!(out, Ok(Success::NoChange));
    assert_eq!(sent.len(), 1);
    assert_eq!(known, "12345/300");

    // Two records of the name and type: nothing is written.
    let two = r#"{"records":[{"id":1,"host":"www","type":"A","answer":"1.2.3.4","ttl":300},{"id":2,"host":"www","type":"A","answer":"1.2.3.5","ttl":300}]}"#;
    let mut known = String::new();
    let (out, sent) = exchange(&[reply(200, two)], |send| {
        n.update_family(send, ip7, &mut known)
    });
    let e = out.unwrap_err();
    assert_eq!(e.class(), Class::Fatal);
    assert!(
        e.to_string()
            .starts_with("Name.com: 2 A records for www.example.org"),
        "{e}"
    );
    assert_eq!(sent.len(), 1);
}

#[test]
fn a_configured_ttl_is_sent() {
    let mut n = namecom("www", false);
    n.ttl = Some(600);
    let mut known = String::new();
    let answers = [reply(200, LISTED), reply(200, UPDATED)];
    let (_, sent) = exchange(&answers, |send| {
        n.update_family(send, ip("198.51.100.7"), &mut known)
    });
    assert!(
        body(&sent[1]).ends_with(r#""ttl":600}"#),
        "{}",
        body(&sent[1])
    );
}

#[test]
fn config_keys_are_checked() {
    let c = config(
        "namecom",
        "domain = \"example.org\"\nname = \"@\"\nusername = \"me\"\ntoken = \"t\"\nfamily = \"both\"\ncreate = true\nttl = 300\n",
    )
    .unwrap();
    let r = &c.records[0];
    assert_eq!(r.label(), "example.org (namecom)");
    let planned = r.provider.plan(Addrs::one(ip("2001:db8::1")));
    assert_eq!(
        planned[0].request.wire_url(),
        "https://api.name.com/v4/domains/example.org/records?perPage=1000"
    );
    let c = config(
        "namecom",
        "domain = \"example.org\"\nname = \"www\"\nusername = \"me-test\"\ntoken = \"t\"\nserver = \"https://api.dev.name.com\"\n",
    )
    .unwrap();
    let planned = c.records[0].provider.plan(Addrs::one(ip("1.2.3.4")));
    assert!(
        planned[0]
            .request
            .wire_url()
            .starts_with("https://api.dev.name.com/v4/domains/example.org/records")
    );
    for (keys, text) in [
        (
            "domain = \"example.org\"\nusername = \"me\"\ntoken = \"t\"\n",
            "missing key \"name\"",
        ),
        (
            "domain = \"example.org\"\nname = \"www.example.org\"\nusername = \"me\"\ntoken = \"t\"\n",
            "give the name inside the zone",
        ),
        (
            "domain = \"example.org\"\nname = \"www\"\ntoken = \"t\"\n",
            "missing key \"username\"",
        ),
        (
            "domain = \"example.org\"\nname = \"www\"\nusername = \"a:b\"\ntoken = \"t\"\n",
            "key \"username\": must be the Name.com account name",
        ),
        (
            "domain = \"example.org\"\nname = \"www\"\nusername = \"me\"\n",
            "missing key \"token\" (or \"token_file\")",
        ),
        (
            "domain = \"example.org\"\nname = \"www\"\nusername = \"me\"\ntoken = \"t\"\nttl = 299\n",
            "key \"ttl\": 299 is out of range",
        ),
        (
            "name = \"www\"\nusername = \"me\"\ntoken = \"t\"\n",
            "missing key \"domain\"",
        ),
    ] {
        let e = config_err("namecom", keys);
        assert!(e.contains(text), "{e}");
    }
}
