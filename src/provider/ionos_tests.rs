//! IONOS: request shapes, the documented replies, and the exchange as a table.
use super::*;
use crate::error::Class;
use crate::provider::testutil::{body, config, config_err, exchange, ip, reply};

/// GET /v1/zones example response, https://developer.hosting.ionos.com/docs/dns (Zone).
const ZONES: &str =
    r#"[{"name":"example-zone.de","id":"11af3414-ebba-11e9-8df5-66fbe8a334b4","type":"NATIVE"}]"#;
/// GET /v1/zones/{zoneId} example response (ZoneDetails with one RecordResponse), same page.
const ZONE: &str = r#"{"id":"11af3414-ebba-11e9-8df5-66fbe8a334b4","name":"example-zone.de","type":"NATIVE","records":[{"id":"22af3414-abbe-9e11-5df5-66fbe8e334b4","name":"example-zone.de","rootName":"example-zone.de","type":"A","content":"1.1.1.1","changeDate":"2019-12-09T13:04:25.772Z","ttl":3600,"prio":0,"disabled":false}]}"#;
/// The RecordResponse schema's example, the body of a PUT's 200 (reconstructed: the page
/// gives the schema, not a PUT exchange).
const RECORD: &str = r#"{"id":"22af3414-abbe-9e11-5df5-66fbe8e334b4","name":"example-zone.de","rootName":"example-zone.de","type":"A","content":"1.1.1.2","changeDate":"2019-12-09T13:04:25.772Z","ttl":3600,"prio":0,"disabled":false}"#;
/// The documented 401 error array (the page's example, also lego's fixture).
const UNAUTHORIZED: &str =
    r#"[{"code":"UNAUTHORIZED","message":"The customer is not authorized to do this operation."}]"#;
const ZONE_ID: &str = "11af3414-ebba-11e9-8df5-66fbe8a334b4";
const RECORD_ID: &str = "22af3414-abbe-9e11-5df5-66fbe8e334b4";

fn ionos(name: &str, create: bool) -> Ionos {
    Ionos {
        base: "https://api.hosting.ionos.com/dns/v1".into(),
        zone: "example-zone.de".into(),
        name: name.into(),
        api_key: Secret::new("pfx.s3cret".into()),
        ttl: None,
        create,
    }
}

fn known(ttl: Option<u64>) -> Known {
    Known {
        zone_id: ZONE_ID.into(),
        record_id: RECORD_ID.into(),
        ttl,
    }
}

#[test]
fn request_shapes() {
    let i = ionos("home", false);
    let r = i.build_zones();
    assert_eq!(r.method, Method::Get);
    assert_eq!(r.wire_url(), "https://api.hosting.ionos.com/dns/v1/zones");
    assert_eq!(r.headers[0].name, "X-API-Key");
    assert_eq!(r.headers[0].value, "pfx.s3cret");
    assert!(!r.redacted().contains("s3cret"));
    assert!(!r.redacted().contains("pfx"));
    let r = i.build_records(ZONE_ID, "AAAA");
    assert_eq!(
        r.wire_url(),
        format!(
            "https://api.hosting.ionos.com/dns/v1/zones/{ZONE_ID}?suffix=home.example-zone.de&recordType=AAAA"
        )
    );
    let r = i.build_put(&known(Some(3600)), ip("2001:db8::1"));
    assert_eq!(r.method, Method::Put);
    assert_eq!(
        r.wire_url(),
        format!("https://api.hosting.ionos.com/dns/v1/zones/{ZONE_ID}/records/{RECORD_ID}")
    );
    assert_eq!(body(&r), r#"{"content":"2001:db8::1","ttl":3600}"#);
    assert_eq!(
        body(&i.build_put(&known(None), ip("192.0.2.1"))),
        r#"{"content":"192.0.2.1"}"#
    );
    let r = i.build_post(ZONE_ID, "A", ip("192.0.2.1"));
    assert_eq!(r.method, Method::Post);
    assert!(r.wire_url().ends_with(&format!("/zones/{ZONE_ID}/records")));
    assert_eq!(
        body(&r),
        r#"[{"name":"home.example-zone.de","type":"A","content":"192.0.2.1"}]"#
    );
    let mut i = ionos("@", false);
    i.ttl = Some(300);
    assert_eq!(
        body(&i.build_post(ZONE_ID, "A", ip("192.0.2.1"))),
        r#"[{"name":"example-zone.de","type":"A","content":"192.0.2.1","ttl":300}]"#
    );
    // Ids from a reply are path segments: what could change the path is encoded.
    let odd = Known {
        zone_id: "a/../b".into(),
        record_id: "c?d".into(),
        ttl: None,
    };
    assert!(
        !i.build_put(&odd, ip("192.0.2.1"))
            .wire_url()
            .contains("/../")
    );
}

#[test]
fn the_cache_text() {
    let k = known(Some(3600));
    assert_eq!(k.text(), format!("{ZONE_ID}/{RECORD_ID}/3600"));
    assert_eq!(Known::parse(&k.text()), Some(k));
    assert_eq!(Known::parse(&known(None).text()), Some(known(None)));
    for bad in ["", "a", "a/b", "/b/1", "a//1", "a/b/1/2"] {
        assert_eq!(Known::parse(bad), None, "{bad}");
    }
}

#[test]
fn reads_the_documented_replies() {
    assert_eq!(
        parse_zones(&reply(200, ZONES), "example-zone.de").unwrap(),
        ZONE_ID
    );
    let e = parse_zones(&reply(200, ZONES), "example.com").unwrap_err();
    assert_eq!(e.class(), Class::Fatal);
    assert!(e.to_string().contains("no zone example.com"), "{e}");
    let e = parse_zones(&reply(200, "[]"), "example.com").unwrap_err();
    assert_eq!(e.class(), Class::Fatal);
    assert_eq!(
        parse_records(&reply(200, ZONE), "example-zone.de", "A").unwrap(),
        vec![Existing {
            id: RECORD_ID.into(),
            content: "1.1.1.1".into(),
            ttl: Some(3600)
        }]
    );
    // Other names and types (what `suffix` lets through) are left out.
    assert_eq!(
        parse_records(&reply(200, ZONE), "www.example-zone.de", "A"),
        Ok(vec![])
    );
    assert_eq!(
        parse_records(&reply(200, ZONE), "example-zone.de", "AAAA"),
        Ok(vec![])
    );
    assert_eq!(parse_put(&reply(200, RECORD)), Ok(Success::Updated));
    let created = format!("[{RECORD}]");
    assert_eq!(parse_created(&reply(201, &created)).unwrap(), RECORD_ID);
}

#[test]
fn failures_are_classified() {
    for status in [401, 403] {
        let e = parse_zones(&reply(status, UNAUTHORIZED), "example-zone.de").unwrap_err();
        assert_eq!(e.class(), Class::Fatal, "{e}");
        assert!(
            e.to_string().contains("The customer is not authorized"),
            "{e}"
        );
    }
    let mut limited = reply(
        429,
        r#"[{"code":"TOO_MANY_REQUESTS","message":"Too many requests"}]"#,
    );
    limited.headers.push(("retry-after".into(), "90".into()));
    let e = parse_put(&limited).unwrap_err();
    assert_eq!(
        (e.class(), e.retry_after_secs()),
        (Class::Transient, Some(90))
    );
    assert!(e.to_string().contains("Too many requests"), "{e}");
    let e = parse_put(&reply(500, r#"[{"code":"INTERNAL_SERVER_ERROR"}]"#)).unwrap_err();
    assert_eq!(e.class(), Class::Transient);
    assert!(e.to_string().contains("INTERNAL_SERVER_ERROR"), "{e}");
}

#[test]
fn garbage_is_never_success() {
    for (status, text) in [
        (200, ""),
        (200, "[]"),
        (200, "<html>"),
        (200, r#"{"id":"#),
        (201, RECORD),
        (204, ""),
        (502, "<html>Bad Gateway</html>"),
    ] {
        let e = parse_put(&reply(status, text)).unwrap_err();
        assert_eq!(e.class(), Class::Transient, "{status} {text:?}");
    }
    for text in ["", "{}", "[{\"name\":", r#"[{"name":"example-zone.de"}]"#] {
        let e = parse_zones(&reply(200, text), "example-zone.de").unwrap_err();
        assert_eq!(e.class(), Class::Transient, "{text:?}");
    }
    for text in [
        "",
        "[]",
        r#"{"id":"x"}"#,
        r#"{"records":[{"name":"example-zone.de","type":"A"}]}"#,
    ] {
        let e = parse_records(&reply(200, text), "example-zone.de", "A").unwrap_err();
        assert_eq!(e.class(), Class::Transient, "{text:?}");
    }
    for (status, text) in [(201, "[]"), (201, "{}"), (200, &format!("[{RECORD}]"))] {
        let e = parse_created(&reply(status, text)).unwrap_err();
        assert_eq!(e.class(), Class::Transient, "{status} {text:?}");
    }
}

#[test]
fn the_exchange() {
    let i = ionos("@", false);
    // Same value: zone list and zone, no write; the ids are remembered.
    let mut cache = String::new();
    let mut hint = String::new();
    let (out, sent) = exchange(&[reply(200, ZONES), reply(200, ZONE)], |send| {
        i.update_family(send, ip("1.1.1.1"), &mut cache, &mut hint)
    });
    assert_eq!((out, sent.len()), (Ok(Success::NoChange), 2));
    assert_eq!(cache, format!("{ZONE_ID}/{RECORD_ID}/3600"));
    assert_eq!(hint, ZONE_ID);
    // Known: a change is one PUT, the record's TTL sent back.
    let (out, sent) = exchange(&[reply(200, RECORD)], |send| {
        i.update_family(send, ip("1.1.1.2"), &mut cache, &mut String::new())
    });
    assert_eq!((out, sent.len()), (Ok(Success::Updated), 1));
    assert_eq!(body(&sent[0]), r#"{"content":"1.1.1.2","ttl":3600}"#);
    // Known but gone: looked up again from the zone list; now absent, not allowed.
    let (out, sent) = exchange(
        &[
            reply(404, "[]"),
            reply(200, ZONES),
            reply(200, &ZONE.replace("\"A\"", "\"TXT\"")),
        ],
        |send| i.update_family(send, ip("1.1.1.2"), &mut cache, &mut String::new()),
    );
    let e = out.unwrap_err();
    assert_eq!((e.class(), sent.len()), (Class::Fatal, 3));
    assert!(e.to_string().contains("set create = true"), "{e}");
    assert_eq!(cache, "");
    // The other family's zone id saves the zone list.
    let mut hint = ZONE_ID.to_string();
    let (out, sent) = exchange(&[reply(200, ZONE), reply(200, RECORD)], |send| {
        i.update_family(send, ip("1.1.1.2"), &mut String::new(), &mut hint)
    });
    assert_eq!((out, sent.len()), (Ok(Success::Updated), 2));
    assert_eq!(sent[1].method, Method::Put);
    // Two records of the name and type: fatal, nothing written.
    let two = ZONE.replace(
        "}]}",
        r#"},{"id":"33","name":"example-zone.de","type":"A","content":"1.1.1.3","ttl":3600}]}"#,
    );
    let (out, sent) = exchange(&[reply(200, ZONES), reply(200, &two)], |send| {
        i.update_family(send, ip("1.1.1.2"), &mut String::new(), &mut String::new())
    });
    assert_eq!((out.unwrap_err().class(), sent.len()), (Class::Fatal, 2));
    // Absent and allowed: POSTed, its id remembered.
    let mut cache = String::new();
    let created = format!("[{}]", RECORD.replace(RECORD_ID, "44"));
    let (out, sent) = exchange(
        &[
            reply(200, ZONES),
            reply(200, r#"{"id":"z","records":[]}"#),
            reply(201, &created),
        ],
        |send| ionos("@", true).update_family(send, ip("1.1.1.2"), &mut cache, &mut String::new()),
    );
    assert_eq!((out, sent.len()), (Ok(Success::Updated), 3));
    assert_eq!(sent[2].method, Method::Post);
    assert_eq!(cache, format!("{ZONE_ID}/44/-"));
}

#[test]
fn config_keys_are_checked() {
    let c = config(
        "ionos",
        "zone = \"example.com\"\nname = \"home\"\napi_key = \"p.s\"\nfamily = \"both\"\ncreate = true\nttl = 300\n",
    )
    .unwrap();
    let r = &c.records[0];
    assert_eq!(r.label(), "home.example.com (ionos)");
    let planned = r.provider.plan(Addrs::one(ip("2001:db8::1")));
    assert_eq!(
        planned[0].request.wire_url(),
        "https://api.hosting.ionos.com/dns/v1/zones"
    );
    for (keys, text) in [
        (
            "zone = \"example.com\"\napi_key = \"p.s\"\n",
            "missing key \"name\"",
        ),
        (
            "zone = \"example.com\"\nname = \"home\"\n",
            "missing key \"api_key\" (or \"api_key_file\")",
        ),
        (
            "zone = \"example.com\"\nname = \"home\"\napi_key = \"p.s\"\nttl = 59\n",
            "key \"ttl\": 59 is out of range",
        ),
    ] {
        let e = config_err("ionos", keys);
        assert!(e.contains(text), "{e}");
    }
}
