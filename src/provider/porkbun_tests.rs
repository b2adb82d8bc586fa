//! Tests for porkbun.rs.
use super::*;
use crate::error::Class;
use crate::provider::testutil::{body, config, config_err, exchange, ip, reply};

const RETRIEVED: &str = r#"{"status":"SUCCESS","records":[{"id":"…","name":"sub.example.com","type":"A","content":"192.0.2.1","ttl":"600","prio":"0","notes":""}]}"#;
const BAD_KEY: &str = r#"{"status":"ERROR","message":"Invalid API key. (002)"}"#;
const BAD_DOMAIN: &str = r#"{"status":"ERROR","message":"Invalid domain."}"#;
const EDIT_ERROR: &str =
    r#"{"status":"ERROR","message":"Edit error: We were unable to edit the DNS record."}"#;

fn porkbun(host: &str) -> Porkbun {
    Porkbun {
        base: "https://api.porkbun.com/api/json/v3".into(),
        domain: "example.com".into(),
        host: host.into(),
        api_key: Secret::new("pk1_k\"ey".into()),
        secret_api_key: Secret::new("sk1_secret".into()),
    }
}

#[test]
fn retrieve_request_shape() {
    let r = porkbun("sub").build_retrieve("A");
    assert_eq!(r.method, Method::Post);
    assert_eq!(
        r.wire_url(),
        "https://api.porkbun.com/api/json/v3/dns/retrieveByNameType/example.com/A/sub"
    );
    assert_eq!(
        body(&r),
        r#"{"apikey":"pk1_k\"ey","secretapikey":"sk1_secret"}"#
    );
    let shown = r.redacted();
    assert!(
        !shown.contains("pk1_") && !shown.contains("sk1_"),
        "{shown}"
    );
    assert!(shown.contains("Content-Type: application/json"));
    let apex = porkbun("").build_retrieve("AAAA");
    assert!(
        apex.wire_url()
            .ends_with("/dns/retrieveByNameType/example.com/AAAA"),
        "{}",
        apex.wire_url()
    );
    let wild = porkbun("*").build_retrieve("A");
    assert!(wild.wire_url().ends_with("/example.com/A/*"));
}

#[test]
fn reads_the_documented_record() {
    let e = parse_retrieve(&reply(200, RETRIEVED), "A", "sub.example.com").unwrap();
    assert_eq!(
        e,
        Existing {
            content: "192.0.2.1".into(),
            ttl: Some("600".into()),
            prio: Some("0".into()),
        }
    );
    // A bare-number TTL and a null or missing priority are read too.
    let other = r#"{"status":"SUCCESS","records":[{"id":"1","type":"A","content":"81.2.69.160","ttl":600,"prio":null}]}"#;
    let e = parse_retrieve(&reply(200, other), "A", "x").unwrap();
    assert_eq!((e.ttl.as_deref(), e.prio), (Some("600"), None));
    let other = r#"{"status":"SUCCESS","records":[{"type":"A","content":"81.2.69.160","prio":5,"notes":"kept by Porkbun"}]}"#;
    let e = parse_retrieve(&reply(200, other), "A", "x").unwrap();
    assert_eq!((e.ttl, e.prio.as_deref()), (None, Some("5")));
}

#[test]
fn edit_sends_only_the_documented_fields() {
    let existing = parse_retrieve(&reply(200, RETRIEVED), "A", "x").unwrap();
    let r = porkbun("sub").build_edit("A", ip("81.2.69.160"), &existing);
    assert_eq!(
        r.wire_url(),
        "https://api.porkbun.com/api/json/v3/dns/editByNameType/example.com/A/sub"
    );
    assert_eq!(
        body(&r),
        r#"{"apikey":"pk1_k\"ey","secretapikey":"sk1_secret","content":"81.2.69.160","ttl":"600","prio":"0"}"#
    );
    assert!(r.body_is_secret);
    let bare = Existing {
        content: "1.2.3.4".into(),
        ttl: None,
        prio: None,
    };
    let r = porkbun("").build_edit("AAAA", ip("2a01:4f8:10:20::5"), &bare);
    assert!(
        r.wire_url()
            .ends_with("/dns/editByNameType/example.com/AAAA")
    );
    assert_eq!(
        body(&r),
        r#"{"apikey":"pk1_k\"ey","secretapikey":"sk1_secret","content":"2a01:4f8:10:20::5"}"#
    );
}

#[test]
fn empty_or_several_records_are_fatal() {
    let none = r#"{"status":"SUCCESS","records":[]}"#;
    let e = parse_retrieve(&reply(200, none), "A", "sub.example.com").unwrap_err();
    assert_eq!(e.class(), Class::Fatal);
    assert!(
        e.to_string()
            .contains("no existing A record for sub.example.com")
    );
    let two = r#"{"status":"SUCCESS","records":[{"type":"A","content":"1.1.1.1"},{"type":"A","content":"1.1.1.2"}]}"#;
    let e = parse_retrieve(&reply(200, two), "A", "h").unwrap_err();
    assert_eq!(e.class(), Class::Fatal);
    assert!(e.to_string().starts_with("2 A records"), "{e}");
    // Records of another type do not count.
    let e = parse_retrieve(&reply(200, RETRIEVED), "AAAA", "h").unwrap_err();
    assert_eq!(e.class(), Class::Fatal);
}

#[test]
fn documented_errors_are_classified() {
    for (status, body, class, text) in [
        (400, BAD_KEY, Class::Fatal, "Invalid API key. (002)"),
        (200, BAD_KEY, Class::Fatal, "Invalid API key. (002)"),
        (400, BAD_DOMAIN, Class::Fatal, "Invalid domain."),
        (400, EDIT_ERROR, Class::Transient, "Edit error"),
        (
            403,
            r#"{"status":"ERROR","message":"x"}"#,
            Class::Fatal,
            "x",
        ),
        (
            400,
            r#"{"status":"ERROR","message":"x"}"#,
            Class::Transient,
            "x",
        ),
    ] {
        for e in [
            parse_edit(&reply(status, body)).unwrap_err(),
            parse_retrieve(&reply(status, body), "A", "h").unwrap_err(),
        ] {
            assert_eq!(e.class(), class, "{status} {body}");
            assert!(e.to_string().contains(text), "{e}");
        }
    }
}

#[test]
fn documented_codes_decide_before_the_wording() {
    let bad_keys = r#"{"status":"ERROR","code":"INVALID_API_KEYS_001","message":"API key and secret combination is invalid"}"#;
    let coded = |code: &str| {
        format!(r#"{{"status":"ERROR","code":"{code}","message":"Something went wrong."}}"#)
    };
    let mut cases = vec![(
        400,
        bad_keys.to_string(),
        Class::Fatal,
        "Porkbun: API key and secret combination is invalid (INVALID_API_KEYS_001; check api_key and secret_api_key",
    )];
    for code in [
        "INVALID_USER",
        "INVALID_TOKEN",
        "API_KEY_REQUIRED",
        "INVALID_DOMAIN",
    ] {
        // Fatal whatever the status, even one that alone would mean "try again".
        for status in [400, 200, 503] {
            cases.push((status, coded(code), Class::Fatal, code));
        }
    }
    cases.push((
        429,
        coded("RATE_LIMIT_EXCEEDED"),
        Class::Transient,
        "RATE_LIMIT_EXCEEDED",
    ));
    // A wording that alone would be fatal does not beat a transient code.
    let limited =
        r#"{"status":"ERROR","code":"RATE_LIMIT_EXCEEDED","message":"Invalid API key. (002)"}"#;
    cases.push((
        403,
        limited.to_string(),
        Class::Transient,
        "RATE_LIMIT_EXCEEDED",
    ));
    // Unknown codes fall back to the wording, then the status.
    let unknown = r#"{"status":"ERROR","code":"SOMETHING_NEW_042","message":"Invalid domain."}"#;
    cases.push((400, unknown.to_string(), Class::Fatal, "Invalid domain."));
    let unknown = r#"{"status":"ERROR","code":"SOMETHING_NEW_042","message":"x"}"#;
    cases.push((400, unknown.to_string(), Class::Transient, "x (HTTP 400)"));
    cases.push((401, unknown.to_string(), Class::Fatal, "x (HTTP 401)"));
    for (status, body, class, text) in cases {
        for e in [
            parse_edit(&reply(status, &body)).unwrap_err(),
            parse_retrieve(&reply(status, &body), "A", "h").unwrap_err(),
        ] {
            assert_eq!(e.class(), class, "{status} {body}");
            assert!(e.to_string().contains(text), "{e}");
        }
    }
    let e = parse_edit(&Reply {
        status: 429,
        headers: vec![("retry-after".into(), "120".into())],
        body: coded("RATE_LIMIT_EXCEEDED").into_bytes(),
    })
    .unwrap_err();
    assert_eq!(e.retry_after_secs(), Some(120));
}

#[test]
fn garbage_is_never_success() {
    for (status, body) in [
        (200, ""),
        (200, "SUCCESS"),
        (200, r#"{"status":"SUCCESS""#),
        (
            200,
            r#"{"status":"SUCCESS","records":[{"type":"A","content":"#,
        ),
        (200, r#"{"status":"SUCCESS","zz":"#),
        (200, r#"{"status":"success"}"#),
        (200, r#"{"records":[]}"#),
        (200, "<html>SUCCESS</html>"),
        (201, r#"{"status":"SUCCESS"}"#),
        (502, "<html>Bad Gateway</html>"),
        (503, r#"{"status":"SUCCESS"}"#),
    ] {
        let e = parse_edit(&reply(status, body)).unwrap_err();
        assert_eq!(e.class(), Class::Transient, "{status} {body:?}");
    }
    let e = parse_edit(&Reply {
        status: 503,
        headers: vec![("retry-after".into(), "90".into())],
        body: b"busy".to_vec(),
    })
    .unwrap_err();
    assert_eq!(e.retry_after_secs(), Some(90));
}

#[test]
fn same_content_is_no_change_without_an_edit() {
    let p = porkbun("sub");
    let (out, sent) = exchange(&[reply(200, RETRIEVED)], |send| {
        p.update_family(send, ip("192.0.2.1"))
    });
    assert_eq!(out, Ok(Success::NoChange));
    assert_eq!(sent.len(), 1);
    let v6 = r#"{"status":"SUCCESS","records":[{"type":"AAAA","content":"2A01:4F8:10:20:0:0:0:5","ttl":"600"}]}"#;
    let (out, sent) = exchange(&[reply(200, v6)], |send| {
        p.update_family(send, ip("2a01:4f8:10:20::5"))
    });
    assert_eq!(out, Ok(Success::NoChange));
    assert_eq!(sent.len(), 1);
}

#[test]
fn other_content_is_edited() {
    let p = porkbun("sub");
    let ok = reply(200, r#"{"status":"SUCCESS"}"#);
    let (out, sent) = exchange(&[reply(200, RETRIEVED), ok], |send| {
        p.update_family(send, ip("81.2.69.160"))
    });
    assert_eq!(out, Ok(Success::Updated));
    assert_eq!(sent.len(), 2);
    assert!(sent[1].wire_url().contains("/editByNameType/"));
    let (out, sent) = exchange(&[reply(400, BAD_KEY)], |send| {
        p.update_family(send, ip("81.2.69.160"))
    });
    assert_eq!(out.unwrap_err().class(), Class::Fatal);
    assert_eq!(sent.len(), 1);
}

const KEYS: &str = "api_key = \"pk1_a\"\nsecret_api_key = \"sk1_b\"\n";

#[test]
fn config_keys_are_checked() {
    let c = config(
        "porkbun",
        &format!("domain = \"Example.com.\"\nhost = \"@\"\nfamily = \"both\"\n{KEYS}"),
    )
    .unwrap();
    let r = &c.records[0];
    assert_eq!(r.label(), "example.com (porkbun)");
    let planned = r.provider.plan(Addrs::one(ip("81.2.69.160")));
    assert_eq!(
        planned[0].request.wire_url(),
        "https://api.porkbun.com/api/json/v3/dns/retrieveByNameType/example.com/A"
    );
    let c = config(
        "porkbun",
        &format!("domain = \"example.com\"\nhost = \"\"\n{KEYS}"),
    )
    .unwrap();
    assert_eq!(c.records[0].provider.fqdn(), "example.com");
    let c = config("porkbun", &format!(
        "domain = \"example.com\"\nhost = \"*.lab\"\nserver = \"https://127.0.0.1:8443\"\n{KEYS}"
    ))
    .unwrap();
    let planned = c.records[0].provider.plan(Addrs::one(ip("81.2.69.160")));
    assert_eq!(
        planned[0].request.wire_url(),
        "https://127.0.0.1:8443/api/json/v3/dns/retrieveByNameType/example.com/A/*.lab"
    );
    for (keys, text) in [
        (
            format!("domain = \"example.com\"\n{KEYS}"),
            "record 1 (porkbun): missing key \"host\"",
        ),
        (
            format!("host = \"home\"\n{KEYS}"),
            "record 1 (porkbun): missing key \"domain\"",
        ),
        (
            "domain = \"example.com\"\nhost = \"home\"\nsecret_api_key = \"s\"\n".to_string(),
            "record 1 (porkbun): missing key \"api_key\" (or \"api_key_file\")",
        ),
        (
            "domain = \"example.com\"\nhost = \"home\"\napi_key = \"k\"\n".to_string(),
            "missing key \"secret_api_key\" (or \"secret_api_key_file\")",
        ),
        (
            format!("domain = \"example.com\"\nhost = \"home.example.com\"\n{KEYS}"),
            "key \"host\": give only the subdomain",
        ),
        (
            format!("domain = \"example.com\"\nhost = \"a/b\"\n{KEYS}"),
            "key \"host\"",
        ),
        (
            format!("domain = \"exa mple.com\"\nhost = \"a\"\n{KEYS}"),
            "key \"domain\"",
        ),
        (
            format!("domain = \"example.com\"\nhost = 1\n{KEYS}"),
            "key \"host\": must be a string",
        ),
        (
            format!("domain = \"example.com\"\nhost = \"a\"\nttl = 600\n{KEYS}"),
            "unknown key \"ttl\"",
        ),
        (
            format!("domain = \"example.com\"\nhost = \"a\"\nserver = \"http://x\"\n{KEYS}"),
            "key \"server\"",
        ),
    ] {
        let e = config_err("porkbun", &keys);
        assert!(e.contains(text), "{e}");
        assert!(!e.contains("sk1_b"), "{e}");
    }
}

#[test]
fn swapped_keys_say_what_goes_where() {
    let rec = |api: &str, secret: &str| {
        format!(
            "domain = \"example.com\"\nhost = \"home\"\napi_key = {api:?}\nsecret_api_key = {secret:?}\n"
        )
    };
    for (api, secret, key, what) in [
        (
            "sk1_b0b",
            "pk1_a11ce",
            "api_key",
            "the two keys are swapped",
        ),
        (
            "sk1_b0b",
            "sk1_c4r0l",
            "api_key",
            "holds a secret API key (sk1_...)",
        ),
        (
            "pk1_a11ce",
            "pk1_d4ve",
            "secret_api_key",
            "holds an API key (pk1_...)",
        ),
    ] {
        let e = config_err("porkbun", &rec(api, secret));
        assert!(
            e.contains(&format!("record 1 (porkbun): key \"{key}\": {what}")),
            "{e}"
        );
        assert!(
            e.contains("api_key takes the API key (pk1_...) and secret_api_key the secret API key (sk1_...)"),
            "{e}"
        );
        for shown in ["b0b", "a11ce", "c4r0l", "d4ve"] {
            assert!(!e.contains(shown), "{e}");
        }
    }
    // Keys without the usual prefixes are left to Porkbun to judge.
    assert!(config("porkbun", &rec("k", "s")).is_ok());
}
