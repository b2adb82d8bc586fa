//! NameSilo: request shapes, the documented replies and codes, and the exchange as a table.
use super::*;
use crate::error::Class;
use crate::provider::testutil::{config, config_err, exchange, ip, reply};

/// dnsListRecords in its `type=json` form: the fields of the example at
/// https://www.namesilo.com/api-reference (dns-list-records), ttl and distance as strings as
/// NameSilo sends them; reconstructed (the reference's example is XML).
const LIST: &str = r#"{"request":{"operation":"dnsListRecords","ip":"55.555.55.55"},"reply":{"code":300,"detail":"success","resource_record":[{"record_id":"1a2b3c4d5e6f","type":"A","host":"test.namesilo.com","value":"107.161.23.51","ttl":"7207","distance":"0"},{"record_id":"5Brg5hw25jr","type":"MX","host":"namesilo.com","value":"mail.namesilo.com","ttl":"7207","distance":"10"}]}}"#;
/// dnsUpdateRecord / dnsAddRecord success: code 300 and the record id (reconstructed the
/// same way).
const WRITTEN: &str = r#"{"request":{"operation":"dnsUpdateRecord","ip":"55.555.55.55"},"reply":{"code":300,"detail":"success","record_id":"9z8y7x6w5v"}}"#;
const KEY: &str = "0123456789abcdef01234";

fn failure(code: &str, detail: &str) -> String {
    format!(
        r#"{{"request":{{"operation":"dnsListRecords","ip":"55.555.55.55"}},"reply":{{"code":{code},"detail":"{detail}"}}}}"#
    )
}

fn namesilo(name: &str, create: bool) -> NameSilo {
    NameSilo {
        base: "https://www.namesilo.com/api".into(),
        domain: "namesilo.com".into(),
        name: name.into(),
        api_key: Secret::new(KEY.into()),
        ttl: None,
        create,
    }
}

#[test]
fn request_shapes() {
    let n = namesilo("test", false);
    let r = n.build_list();
    assert_eq!(
        r.wire_url(),
        format!(
            "https://www.namesilo.com/api/dnsListRecords?version=1&type=json&key={KEY}&domain=namesilo.com"
        )
    );
    assert!(!r.redacted().contains(KEY));
    assert!(r.redacted().contains("key=***"));
    assert_eq!(
        n.build_update("1a2b3c4d5e6f", ip("2001:db8::1"), Some(7207))
            .wire_url(),
        format!(
            "https://www.namesilo.com/api/dnsUpdateRecord?version=1&type=json&key={KEY}&domain=namesilo.com&rrid=1a2b3c4d5e6f&rrhost=test&rrvalue=2001%3Adb8%3A%3A1&rrttl=7207"
        )
    );
    let mut apex = namesilo("@", true);
    apex.ttl = Some(3600);
    assert_eq!(
        apex.build_add("A", ip("192.0.2.1")).wire_url(),
        format!(
            "https://www.namesilo.com/api/dnsAddRecord?version=1&type=json&key={KEY}&domain=namesilo.com&rrtype=A&rrhost=&rrvalue=192.0.2.1&rrttl=3600"
        )
    );
    assert!(
        !n.build_add("A", ip("192.0.2.1"))
            .wire_url()
            .contains("rrttl")
    );
}

#[test]
fn reads_the_documented_replies() {
    let n = namesilo("test", false);
    assert_eq!(
        n.parse_list(&reply(200, LIST), "A").unwrap(),
        vec![Existing {
            id: "1a2b3c4d5e6f".into(),
            value: "107.161.23.51".into(),
            ttl: Some(7207)
        }]
    );
    assert_eq!(n.parse_list(&reply(200, LIST), "AAAA"), Ok(vec![]));
    assert_eq!(
        namesilo("@", false).parse_list(&reply(200, LIST), "A"),
        Ok(vec![])
    );
    // One record as a bare object, the code as a string: both seen from NameSilo.
    let one = r#"{"reply":{"code":"300","detail":"success","resource_record":{"record_id":"1a2b3c4d5e6f","type":"A","host":"test.namesilo.com","value":"107.161.23.51","ttl":"7207","distance":"0"}}}"#;
    assert_eq!(n.parse_list(&reply(200, one), "A").unwrap().len(), 1);
    // A domain without records has no resource_record.
    let none = r#"{"reply":{"code":300,"detail":"success"}}"#;
    assert_eq!(n.parse_list(&reply(200, none), "A"), Ok(vec![]));
    assert_eq!(
        n.parse_written(&reply(200, WRITTEN)),
        Ok(Some("9z8y7x6w5v".into()))
    );
}

#[test]
fn reply_codes_are_classified() {
    let n = namesilo("test", false);
    for (code, detail, class, text) in [
        ("110", "Invalid API Key", Class::Fatal, "check `api_key`"),
        ("\"110\"", "Invalid API Key", Class::Fatal, "code 110"),
        (
            "112",
            "API not available to Sub-Accounts",
            Class::Fatal,
            "sub-accounts",
        ),
        (
            "113",
            "This API account cannot be accessed from your IP",
            Class::Fatal,
            "API Manager",
        ),
        (
            "200",
            "Domain is not active, or does not belong to this user",
            Class::Fatal,
            "check `domain`",
        ),
        ("280", "DNS modification error", Class::Fatal, "refused"),
        ("101", "HTTPS not used", Class::Fatal, "https"),
        (
            "115",
            "Central Registry Not Responding - try again later",
            Class::Transient,
            "code 115",
        ),
        ("201", "Internal system error", Class::Transient, "code 201"),
        ("210", "General error", Class::Transient, "code 210"),
        (
            "400",
            "Existing API request is still processing",
            Class::Transient,
            "still processing",
        ),
        ("999", "new", Class::Transient, "code 999"),
    ] {
        let e = n
            .parse_list(&reply(200, &failure(code, detail)), "A")
            .unwrap_err();
        assert_eq!(e.class(), class, "{code}: {e}");
        assert!(e.to_string().contains(text), "{code}: {e}");
    }
    // The key quoted back in a detail is hidden.
    let e = n
        .parse_list(
            &reply(200, &failure("110", &format!("Invalid API Key {KEY}"))),
            "A",
        )
        .unwrap_err();
    assert!(!e.to_string().contains(KEY), "{e}");
    // By HTTP status when the body is not NameSilo's.
    let e = n.parse_list(&reply(403, "Forbidden"), "A").unwrap_err();
    assert_eq!(e.class(), Class::Fatal);
    let mut limited = reply(429, "Too Many Requests");
    limited.headers.push(("retry-after".into(), "120".into()));
    let e = n.parse_written(&limited).unwrap_err();
    assert_eq!(
        (e.class(), e.retry_after_secs()),
        (Class::Transient, Some(120))
    );
}

#[test]
fn garbage_is_never_success() {
    let n = namesilo("test", false);
    for (status, text) in [
        (200, ""),
        (200, "{}"),
        (200, "<namesilo><reply><code>300</code></reply></namesilo>"),
        (200, r#"{"reply":{"code":300"#),
        (200, r#"{"reply":{"code":3.0e2}}"#),
        (200, r#"{"reply":{"detail":"success"}}"#),
        (502, "<html>Bad Gateway</html>"),
    ] {
        let e = n.parse_written(&reply(status, text)).unwrap_err();
        assert_eq!(e.class(), Class::Transient, "{status} {text:?}");
    }
    for text in [
        r#"{"reply":{"code":300,"resource_record":"x"}}"#,
        r#"{"reply":{"code":300,"resource_record":[{"type":"A","host":"test.namesilo.com"}]}}"#,
    ] {
        let e = n.parse_list(&reply(200, text), "A").unwrap_err();
        assert_eq!(e.class(), Class::Transient, "{text:?}");
    }
}

#[test]
fn the_exchange() {
    let n = namesilo("test", false);
    // Same value: one list, no write; the id and TTL are remembered.
    let mut cache = String::new();
    let (out, sent) = exchange(&[reply(200, LIST)], |send| {
        n.update_family(send, ip("107.161.23.51"), &mut cache)
    });
    assert_eq!((out, sent.len()), (Ok(Success::NoChange), 1));
    assert_eq!(cache, "1a2b3c4d5e6f/7207");
    // Known: a change is one update, the TTL sent back; the id it answers is kept.
    let (out, sent) = exchange(&[reply(200, WRITTEN)], |send| {
        n.update_family(send, ip("107.161.23.52"), &mut cache)
    });
    assert_eq!((out, sent.len()), (Ok(Success::Updated), 1));
    assert!(sent[0].url.ends_with("/dnsUpdateRecord"));
    assert!(sent[0].wire_url().contains("rrid=1a2b3c4d5e6f&"));
    assert!(sent[0].wire_url().ends_with("&rrttl=7207"));
    assert_eq!(cache, "9z8y7x6w5v/7207");
    // A known id refused (280): listed again; now absent and not allowed.
    let gone = LIST.replace("\"type\":\"A\"", "\"type\":\"TXT\"");
    let (out, sent) = exchange(
        &[
            reply(200, &failure("280", "Invalid resource ID")),
            reply(200, &gone),
        ],
        |send| n.update_family(send, ip("107.161.23.52"), &mut cache),
    );
    let e = out.unwrap_err();
    assert_eq!((e.class(), sent.len()), (Class::Fatal, 2));
    assert!(e.to_string().contains("set create = true"), "{e}");
    assert_eq!(cache, "");
    // Unknown: list, then update.
    let (out, sent) = exchange(&[reply(200, LIST), reply(200, WRITTEN)], |send| {
        n.update_family(send, ip("107.161.23.52"), &mut String::new())
    });
    assert_eq!((out, sent.len()), (Ok(Success::Updated), 2));
    // A failed write is not success, and keeps the id for the next try.
    let mut cache = String::new();
    let (out, _) = exchange(
        &[
            reply(200, LIST),
            reply(200, &failure("201", "Internal system error")),
        ],
        |send| n.update_family(send, ip("107.161.23.52"), &mut cache),
    );
    assert_eq!(out.unwrap_err().class(), Class::Transient);
    assert_eq!(cache, "1a2b3c4d5e6f/7207");
    // Two records of the name and type: fatal, nothing written.
    let two = LIST.replace(
        "\"5Brg5hw25jr\",\"type\":\"MX\",\"host\":\"namesilo.com\"",
        "\"5Brg5hw25jr\",\"type\":\"A\",\"host\":\"test.namesilo.com\"",
    );
    let (out, sent) = exchange(&[reply(200, &two)], |send| {
        n.update_family(send, ip("107.161.23.52"), &mut String::new())
    });
    assert_eq!((out.unwrap_err().class(), sent.len()), (Class::Fatal, 1));
    // Absent and allowed: added, its id remembered.
    let mut cache = String::new();
    let (out, sent) = exchange(&[reply(200, &gone), reply(200, WRITTEN)], |send| {
        namesilo("test", true).update_family(send, ip("107.161.23.52"), &mut cache)
    });
    assert_eq!((out, sent.len()), (Ok(Success::Updated), 2));
    assert!(sent[1].url.ends_with("/dnsAddRecord"));
    assert_eq!(cache, "9z8y7x6w5v/-");
}

#[test]
fn config_keys_are_checked() {
    let c = config(
        "namesilo",
        "domain = \"example.com\"\nname = \"home\"\napi_key = \"k\"\nfamily = \"both\"\nttl = 3600\ncreate = true\n",
    )
    .unwrap();
    let r = &c.records[0];
    assert_eq!(r.label(), "home.example.com (namesilo)");
    let planned = r.provider.plan(Addrs::one(ip("2001:db8::1")));
    assert!(
        planned[0]
            .request
            .redacted()
            .ends_with("/api/dnsListRecords?version=1&type=json&key=***&domain=example.com")
    );
    for (keys, text) in [
        (
            "domain = \"example.com\"\napi_key = \"k\"\n",
            "missing key \"name\"",
        ),
        (
            "domain = \"example.com\"\nname = \"home\"\n",
            "missing key \"api_key\" (or \"api_key_file\")",
        ),
        (
            "domain = \"example.com\"\nname = \"home\"\napi_key = \"k\"\nttl = 3599\n",
            "key \"ttl\": 3599 is out of range",
        ),
        (
            "name = \"home\"\napi_key = \"k\"\n",
            "missing key \"domain\"",
        ),
    ] {
        let e = config_err("namesilo", keys);
        assert!(e.contains(text), "{e}");
    }
}
