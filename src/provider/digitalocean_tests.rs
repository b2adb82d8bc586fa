//! Tests for digitalocean.rs.
use super::*;
use crate::error::Class;
use crate::provider::testutil::{body, config, config_err, exchange, ip, reply};

const LIST: &str = r#"{"domain_records":[{"id":123,"type":"A","name":"sub","data":"192.0.2.1","ttl":1800}],"links":{},"meta":{"total":1}}"#;
const UNAUTHORIZED: &str = r#"{"id": "Unauthorized", "message": "Unable to authenticate you"}"#;
const UNAUTHORIZED_OLD: &str = r#"{"id":"unauthorized","message":"Unable to authenticate you."}"#;

fn patched(ip: &str) -> String {
    format!(
        r#"{{"domain_record":{{"id":123,"type":"A","name":"sub","data":"{ip}","priority":null,"port":null,"ttl":1800,"weight":null,"flags":null,"tag":null}}}}"#
    )
}

fn ocean(name: &str) -> DigitalOcean {
    DigitalOcean {
        base: "https://api.digitalocean.com/v2".into(),
        zone: "example.com".into(),
        name: name.into(),
        token: Secret::new("dop_v1_s3cret".into()),
    }
}

#[test]
fn request_shapes() {
    let d = ocean("sub.example.com");
    let r = d.build_list("A");
    assert_eq!(
        r.wire_url(),
        "https://api.digitalocean.com/v2/domains/example.com/records?name=sub.example.com&type=A"
    );
    assert_eq!(r.headers[0].value, "Bearer dop_v1_s3cret");
    assert!(!r.redacted().contains("s3cret"));
    let r = d.build_patch(123, "AAAA", ip("2a01:4f8:10:20::5"));
    assert_eq!(r.method, Method::Patch);
    assert_eq!(
        r.wire_url(),
        "https://api.digitalocean.com/v2/domains/example.com/records/123"
    );
    assert_eq!(body(&r), r#"{"type":"AAAA","data":"2a01:4f8:10:20::5"}"#);
    assert_eq!(d.relative_name(), "sub");
    assert_eq!(ocean("example.com").relative_name(), "@");
    assert_eq!(ocean("a.b.example.com").relative_name(), "a.b");
}

#[test]
fn reads_the_documented_list() {
    let found = parse_list(
        &reply(200, LIST),
        "A",
        "sub",
        "sub.example.com",
        "example.com",
    );
    assert_eq!(found, Ok((123, "192.0.2.1".to_string())));
}

#[test]
fn none_or_several_records_are_fatal() {
    let none = r#"{"domain_records":[],"links":{},"meta":{"total":0}}"#;
    let two = r#"{"domain_records":[{"id":1,"type":"A","name":"sub","data":"192.0.2.1"},{"id":2,"type":"A","name":"sub","data":"192.0.2.2"}],"meta":{"total":2}}"#;
    for (body, relative, text) in [
        (none, "sub", "no A record for sub.example.com"),
        (two, "sub", "2 A records"),
        // The server ignored the filter: other names never count.
        (LIST, "home", "no A record"),
    ] {
        let e = parse_list(
            &reply(200, body),
            "A",
            relative,
            "sub.example.com",
            "example.com",
        )
        .unwrap_err();
        assert_eq!(e.class(), Class::Fatal);
        assert!(e.to_string().contains(text), "{e}");
    }
    let e = parse_list(&reply(200, LIST), "AAAA", "sub", "f", "z").unwrap_err();
    assert_eq!(e.class(), Class::Fatal);
}

#[test]
fn errors_are_classified() {
    for body in [UNAUTHORIZED, UNAUTHORIZED_OLD] {
        let e = parse_list(&reply(401, body), "A", "sub", "f", "z").unwrap_err();
        assert_eq!(e.class(), Class::Fatal);
        assert!(e.to_string().contains("Unable to authenticate you"), "{e}");
        let Err(Patched::Failed(e)) = parse_patch(&reply(401, body), ip("81.2.69.160")) else {
            panic!("401 is a failure");
        };
        assert_eq!(e.class(), Class::Fatal);
    }
    let e = parse_list(
        &reply(
            404,
            r#"{"id":"not_found","message":"The resource you were accessing could not be found."}"#,
        ),
        "A",
        "sub",
        "f",
        "example.com",
    )
    .unwrap_err();
    assert_eq!(e.class(), Class::Fatal);
    assert!(e.to_string().contains("no domain example.com"), "{e}");
    let limited = Reply {
        status: 429,
        headers: vec![("retry-after".into(), "30".into())],
        body: br#"{"id":"too_many_requests","message":"API Rate limit exceeded."}"#.to_vec(),
    };
    let e = parse_list(&limited, "A", "s", "f", "z").unwrap_err();
    assert_eq!(
        (e.class(), e.retry_after_secs()),
        (Class::Transient, Some(30))
    );
    assert!(e.to_string().contains("API Rate limit exceeded."), "{e}");
    assert_eq!(
        parse_patch(&reply(404, ""), ip("81.2.69.160")),
        Err(Patched::Gone)
    );
}

#[test]
fn patch_must_report_the_address() {
    let want = ip("81.2.69.160");
    assert_eq!(
        parse_patch(&reply(200, &patched("81.2.69.160")), want),
        Ok(Success::Updated)
    );
    for (status, body) in [
        (200, patched("81.2.69.161")),
        (200, r#"{"domain_record":null}"#.to_string()),
        (200, "{}".to_string()),
        (200, String::new()),
        (
            200,
            r#"{"domain_record":{"id":123,"data":"81.2.69.160""#.to_string(),
        ),
        (201, patched("81.2.69.160")),
        (500, patched("81.2.69.160")),
        (502, "<html>Bad Gateway</html>".to_string()),
    ] {
        let Err(Patched::Failed(e)) = parse_patch(&reply(status, &body), want) else {
            panic!("{status} {body:?} taken for success");
        };
        assert_eq!(e.class(), Class::Transient, "{status} {body:?}");
    }
    for body in [
        "",
        "<html>",
        r#"{"domain_records":[{"id":"#,
        r#"{"domain_records":[{"id":"123"}]}"#,
        "{}",
    ] {
        let e = parse_list(&reply(200, body), "A", "sub", "f", "z").unwrap_err();
        assert_eq!(e.class(), Class::Transient, "{body:?}");
    }
}

#[test]
fn lookup_then_patch_then_cached_patch() {
    let d = ocean("sub.example.com");
    let mut cache = String::new();
    let (out, sent) = exchange(&[reply(200, LIST)], |send| {
        d.update_family(send, ip("192.0.2.1"), &mut cache)
    });
    assert_eq!((out, sent.len()), (Ok(Success::NoChange), 1));
    assert_eq!(cache, "123");

    let mut cache = String::new();
    let (out, sent) = exchange(
        &[reply(200, LIST), reply(200, &patched("81.2.69.160"))],
        |send| d.update_family(send, ip("81.2.69.160"), &mut cache),
    );
    assert_eq!(out, Ok(Success::Updated));
    assert_eq!(
        sent[1].wire_url(),
        "https://api.digitalocean.com/v2/domains/example.com/records/123"
    );
    assert_eq!(cache, "123");

    let (out, sent) = exchange(&[reply(200, &patched("81.2.69.161"))], |send| {
        d.update_family(send, ip("81.2.69.161"), &mut cache)
    });
    assert_eq!((out, sent.len()), (Ok(Success::Updated), 1));
    assert_eq!(sent[0].method, Method::Patch);
}

#[test]
fn a_gone_id_falls_back_to_the_lookup() {
    let d = ocean("sub.example.com");
    let mut cache = "999".to_string();
    let moved = r#"{"domain_records":[{"id":124,"type":"A","name":"sub","data":"192.0.2.1","ttl":1800}],"links":{},"meta":{"total":1}}"#;
    let (out, sent) = exchange(
        &[
            reply(404, r#"{"id":"not_found","message":"x"}"#),
            reply(200, moved),
            reply(200, &patched("81.2.69.160")),
        ],
        |send| d.update_family(send, ip("81.2.69.160"), &mut cache),
    );
    assert_eq!(out, Ok(Success::Updated));
    assert_eq!(sent.len(), 3);
    assert!(sent[0].wire_url().ends_with("/records/999"));
    assert!(sent[2].wire_url().ends_with("/records/124"));
    assert_eq!(cache, "124");

    // A refused token with a cached id stays fatal and keeps the id.
    let mut cache = "124".to_string();
    let (out, sent) = exchange(&[reply(401, UNAUTHORIZED)], |send| {
        d.update_family(send, ip("81.2.69.161"), &mut cache)
    });
    assert_eq!(out.unwrap_err().class(), Class::Fatal);
    assert_eq!((sent.len(), cache.as_str()), (1, "124"));

    // Garbage in the cache is ignored.
    let mut cache = "not-an-id".to_string();
    let (_, sent) = exchange(&[reply(200, LIST)], |send| {
        d.update_family(send, ip("192.0.2.1"), &mut cache)
    });
    assert_eq!(sent[0].method, Method::Get);
    assert_eq!(cache, "123");
}

#[test]
fn config_keys_are_checked() {
    let c = config(
        "digitalocean",
        "zone = \"example.com\"\nname = \"home.example.com\"\ntoken = \"t\"\nfamily = \"both\"\n",
    )
    .unwrap();
    let r = &c.records[0];
    assert_eq!(r.label(), "home.example.com (digitalocean)");
    let planned = r.provider.plan(Addrs::one(ip("81.2.69.160")));
    assert_eq!(
        planned[0].request.wire_url(),
        "https://api.digitalocean.com/v2/domains/example.com/records?name=home.example.com&type=A"
    );
    let c = config(
        "digitalocean",
        "zone = \"example.com\"\nname = \"Example.com.\"\ntoken = \"t\"\n",
    )
    .unwrap();
    assert_eq!(c.records[0].provider.fqdn(), "example.com");
    for (keys, text) in [
        (
            "zone = \"example.com\"\ntoken = \"t\"\n",
            "record 1 (digitalocean): missing key \"name\"",
        ),
        (
            "name = \"home.example.com\"\ntoken = \"t\"\n",
            "record 1 (digitalocean): missing key \"zone\"",
        ),
        (
            "zone = \"example.com\"\nname = \"home.example.com\"\n",
            "missing key \"token\" (or \"token_file\")",
        ),
        (
            "zone = \"example.com\"\nname = \"home\"\ntoken = \"t\"\n",
            "key \"name\": give the full name inside the zone",
        ),
        (
            "zone = \"example.com\"\nname = \"home.example.org\"\ntoken = \"t\"\n",
            "key \"name\"",
        ),
        (
            "zone = \"example.com\"\nname = \"home.notexample.com\"\ntoken = \"t\"\n",
            "key \"name\"",
        ),
        (
            "zone = \"example.com\"\nname = \"home.example.com\"\ntoken = \"t\"\nttl = 60\n",
            "unknown key \"ttl\"",
        ),
    ] {
        let e = config_err("digitalocean", keys);
        assert!(e.contains(text), "{e}");
    }
}
