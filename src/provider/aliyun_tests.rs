//! Alibaba Cloud DNS: signed request shapes, the documented replies and error codes, and the
//! exchange as a table.
use super::*;
use crate::error::Class;
use crate::provider::testutil::{config, config_err, exchange, ip, reply};

/// The DescribeSubDomainRecords example of
/// https://www.alibabacloud.com/help/en/dns/api-alidns-2015-01-09-describesubdomainrecords
/// (its XML form reprinted at https://developer.aliyun.com/ask/207931: RecordId 9999985, RR
/// www, TTL 600, Line default...), in the JSON nesting the page documents
/// (`DomainRecords.Record[]`), one A record.
pub const DESCRIBED: &str = r#"{"RequestId":"536E9CAD-DB30-4647-AC87-AA5CC38C5382","TotalCount":1,"PageNumber":1,"PageSize":20,"DomainRecords":{"Record":[{"DomainName":"example.com","RecordId":"9999985","RR":"www","Type":"A","Value":"198.51.100.1","Line":"default","TTL":600,"Status":"ENABLE","Locked":false,"Weight":1}]}}"#;
const NONE: &str = r#"{"RequestId":"536E9CAD-DB30-4647-AC87-AA5CC38C5382","TotalCount":0,"PageNumber":1,"PageSize":20,"DomainRecords":{"Record":[]}}"#;
/// UpdateDomainRecord's and AddDomainRecord's example response,
/// https://www.alibabacloud.com/help/en/dns/api-alidns-2015-01-09-updatedomainrecord
const WRITTEN: &str =
    r#"{"RequestId":"536E9CAD-DB30-4647-AC87-AA5CC38C5382","RecordId":"9999985"}"#;

/// The error body of https://www.alibabacloud.com/help/en/openapi/user-guide/api-error-diagnosis
/// with a code and message of the common error table
/// (https://help.aliyun.com/document_detail/51132.html).
pub fn failure(code: &str, message: &str) -> String {
    format!(
        r#"{{"RequestId":"6BE56E05-1B22-4D2F-9A9E-FD90C4FFD581","HostId":"alidns.aliyuncs.com","Code":"{code}","Message":"{message}","Recommend":"https://api.aliyun.com/troubleshoot?q={code}&product=Alidns"}}"#
    )
}

fn aliyun(name: &str, create: bool) -> Aliyun {
    Aliyun {
        url: "https://alidns.aliyuncs.com/".into(),
        zone: "example.com".into(),
        name: name.into(),
        key_id: "testid".into(),
        secret: Secret::new("testsecret".into()),
        ttl: None,
        create,
    }
}

fn stamp() -> Stamp {
    Stamp {
        now: 1_458_837_714,
        nonce: "f59ed6a9-83fc-473b-9cc6-99c95df3856e".into(),
    }
}

fn param<'a>(r: &'a Request, name: &str) -> &'a str {
    &r.query.iter().find(|p| p.name == name).unwrap().value
}

#[test]
fn signed_request_shapes() {
    let r = aliyun("www", false).build_describe("A", &stamp());
    // The common parameters and the operation's, sorted, then the signature (checked
    // against an independent HMAC-SHA1 of the same string to sign).
    assert_eq!(
        r.wire_url(),
        "https://alidns.aliyuncs.com/?AccessKeyId=testid&Action=DescribeSubDomainRecords&DomainName=example.com&Format=JSON&SignatureMethod=HMAC-SHA1&SignatureNonce=f59ed6a9-83fc-473b-9cc6-99c95df3856e&SignatureVersion=1.0&SubDomain=www.example.com&Timestamp=2016-03-24T16%3A41%3A54Z&Type=A&Version=2015-01-09&Signature=oZOT2uf%2FyHzREA2MHq3hxib2kSE%3D"
    );
    let shown = r.redacted();
    assert!(shown.contains("AccessKeyId=***&") && shown.ends_with("Signature=***"));
    assert!(!shown.contains("testsecret"));

    let r = aliyun("@", false).build_update("9999985", None, ip("2001:db8::1"), &stamp());
    assert_eq!(param(&r, "Action"), "UpdateDomainRecord");
    assert_eq!(param(&r, "RecordId"), "9999985");
    assert_eq!(param(&r, "RR"), "@");
    assert_eq!(param(&r, "Type"), "AAAA");
    assert_eq!(param(&r, "Value"), "2001:db8::1");
    assert!(!r.query.iter().any(|p| p.name == "TTL"));
    // The record's own TTL is sent back, unless the config sets one.
    let r = aliyun("@", false).build_update("9999985", Some(300), ip("2001:db8::1"), &stamp());
    assert_eq!(param(&r, "TTL"), "300");
    let mut a = aliyun("home", true);
    a.ttl = Some(600);
    assert_eq!(
        param(
            &a.build_update("1", Some(300), ip("2001:db8::1"), &stamp()),
            "TTL"
        ),
        "600"
    );
    let r = a.build_add(ip("198.51.100.7"), &stamp());
    assert_eq!(param(&r, "Action"), "AddDomainRecord");
    assert_eq!(param(&r, "DomainName"), "example.com");
    assert_eq!(param(&r, "RR"), "home");
    assert_eq!(param(&r, "TTL"), "600");
    // Each request its own nonce.
    assert_ne!(Stamp::fresh().nonce, Stamp::fresh().nonce);
}

#[test]
fn reads_the_documented_replies() {
    assert_eq!(
        parse_records(&reply(200, DESCRIBED), "A").unwrap(),
        vec![Found {
            id: "9999985".into(),
            value: "198.51.100.1".into(),
            ttl: Some(600)
        }]
    );
    assert_eq!(parse_records(&reply(200, NONE), "A").unwrap(), vec![]);
    assert_eq!(parse_written(&reply(200, WRITTEN)), Ok(Written::Done));
    assert_eq!(parse_added(&reply(200, WRITTEN)).unwrap(), "9999985");
    let same = failure("DomainRecordDuplicate", "The DNS record already exists.");
    assert_eq!(parse_written(&reply(400, &same)), Ok(Written::Same));
    let gone = failure(
        "DomainRecordNotBelongToUser",
        "The DNS record does not belong to you.",
    );
    assert_eq!(parse_written(&reply(400, &gone)), Ok(Written::Gone));
}

#[test]
fn failures_are_classified_by_code() {
    for (status, code, message) in [
        (
            404,
            "InvalidAccessKeyId.NotFound",
            "The Access Key ID provided does not exist in our records.",
        ),
        (
            400,
            "SignatureDoesNotMatch",
            "Specified signature is not matched with our calculation.",
        ),
        (
            403,
            "Forbidden.RAM",
            "User not authorized to operate on the specified resource, or this API doesn't support RAM.",
        ),
        (
            400,
            "IncorrectDomainUser",
            "The domain name does not belong to this user.",
        ),
    ] {
        let e = parse_records(&reply(status, &failure(code, message)), "A").unwrap_err();
        assert_eq!(e.class(), Class::Fatal, "{e}");
        assert!(e.to_string().contains(code), "{e}");
    }
    for code in ["Throttling.User", "Throttling"] {
        let r = reply(
            400,
            &failure(code, "Request was denied due to request throttling."),
        );
        let e = parse_written(&r).unwrap_err();
        assert_eq!(
            (e.class(), e.retry_after_secs()),
            (Class::Transient, Some(60))
        );
    }
    let e = api_error(&reply(
        400,
        &failure(
            "InvalidTimeStamp.Expired",
            "Specified time stamp or date value is expired.",
        ),
    ));
    assert_eq!(e.class(), Class::Transient);
    assert!(e.to_string().contains("clock"), "{e}");
    // Unknown codes and bodies go by status.
    let e = api_error(&reply(401, "<html>no</html>"));
    assert_eq!(e.class(), Class::Fatal);
    let e = api_error(&reply(503, "<html>busy</html>"));
    assert_eq!(e.class(), Class::Transient);
    let e = api_error(&reply(400, &failure("InvalidRR.Format", "bad")));
    assert_eq!(e.class(), Class::Transient);
}

#[test]
fn garbage_is_never_success() {
    for text in [
        "",
        "{}",
        "<html>",
        r#"{"DomainRecords":{"Record":[{"RecordId":"1","Type":"A","Value":"#,
        r#"{"DomainRecords":{"Record":{}}}"#,
        r#"{"DomainRecords":{"Record":[{"RecordId":"1","Type":"A"}]}}"#,
        r#"{"DomainRecords":{"Record":[{"RecordId":"x1","Type":"A","Value":"1.2.3.4"}]}}"#,
        r#"{"DomainRecords":{"Record":[{"RecordId":"1","Type":"CNAME","Value":"a"}]}}"#,
    ] {
        let e = parse_records(&reply(200, text), "A").unwrap_err();
        assert_eq!(e.class(), Class::Transient, "{text:?}");
    }
    for text in ["", "{}", r#"{"RecordId":""}"#, r#"{"RecordId":"99"#] {
        assert_eq!(
            parse_written(&reply(200, text)).unwrap_err().class(),
            Class::Transient
        );
        assert_eq!(
            parse_added(&reply(200, text)).unwrap_err().class(),
            Class::Transient
        );
    }
    let many: Vec<String> = (0..=MAX_RECORDS)
        .map(|i| format!(r#"{{"RecordId":"{i}","Type":"A","Value":"1.2.3.4"}}"#))
        .collect();
    let many = format!(r#"{{"DomainRecords":{{"Record":[{}]}}}}"#, many.join(","));
    assert!(parse_records(&reply(200, &many), "A").is_err());
}

#[test]
fn the_exchange() {
    let a = aliyun("www", false);
    let run = |a: &Aliyun, answers: &[Reply], to: &str, known: &mut String| {
        exchange(answers, |send| {
            a.update_family(send, ip(to), known, &mut stamp)
        })
    };
    // Same value: one read, no write; the id is remembered.
    let mut known = String::new();
    let (out, sent) = run(&a, &[reply(200, DESCRIBED)], "198.51.100.1", &mut known);
    assert_eq!((out, sent.len()), (Ok(Success::NoChange), 1));
    assert_eq!(known, "9999985/600");
    // Known: a change is one update, with the record's TTL.
    let (out, sent) = run(&a, &[reply(200, WRITTEN)], "198.51.100.2", &mut known);
    assert_eq!((out, sent.len()), (Ok(Success::Updated), 1));
    assert_eq!(param(&sent[0], "Action"), "UpdateDomainRecord");
    assert_eq!(param(&sent[0], "RecordId"), "9999985");
    assert_eq!(param(&sent[0], "TTL"), "600");
    // Known but gone: read again, nothing there, no create: fatal.
    let gone = failure("DomainRecordNotBelongToUser", "gone");
    let (out, sent) = run(
        &a,
        &[reply(400, &gone), reply(200, NONE)],
        "198.51.100.2",
        &mut known,
    );
    let e = out.unwrap_err();
    assert_eq!((e.class(), sent.len()), (Class::Fatal, 2));
    assert!(e.to_string().contains("set create = true"), "{e}");
    assert_eq!(known, "");
    // A different value: read, then update.
    let (out, sent) = run(
        &a,
        &[reply(200, DESCRIBED), reply(200, WRITTEN)],
        "198.51.100.3",
        &mut known,
    );
    assert_eq!((out, sent.len()), (Ok(Success::Updated), 2));
    // Missing and allowed: added, its id kept.
    let mut known = String::new();
    let (out, sent) = run(
        &aliyun("www", true),
        &[reply(200, NONE), reply(200, WRITTEN)],
        "198.51.100.3",
        &mut known,
    );
    assert_eq!(out, Ok(Success::Updated));
    assert_eq!(param(&sent[1], "Action"), "AddDomainRecord");
    assert_eq!(known, "9999985");
    // Two records of the name: fatal, nothing written.
    let two = DESCRIBED.replace(
        "}]}}",
        r#"},{"RecordId":"9999986","RR":"www","Type":"A","Value":"198.51.100.9"}]}}"#,
    );
    let (out, sent) = run(&a, &[reply(200, &two)], "198.51.100.3", &mut String::new());
    assert_eq!((out.unwrap_err().class(), sent.len()), (Class::Fatal, 1));
}

#[test]
fn config_keys_are_checked() {
    let c = config(
        "aliyun",
        "domain = \"example.com\"\nname = \"@\"\naccess_key_id = \"id\"\naccess_key_secret = \"s\"\nfamily = \"both\"\ncreate = true\nttl = 600\n",
    )
    .unwrap();
    let r = &c.records[0];
    assert_eq!(r.label(), "example.com (aliyun)");
    let planned = r.provider.plan(Addrs::one(ip("2001:db8::1")));
    let req = &planned[0].request;
    assert_eq!(param(req, "SubDomain"), "example.com");
    assert_eq!(param(req, "Type"), "AAAA");
    for (keys, text) in [
        (
            "name = \"home\"\naccess_key_id = \"i\"\naccess_key_secret = \"s\"\n",
            "missing key \"domain\"",
        ),
        (
            "domain = \"example.com\"\nname = \"home.example.com\"\naccess_key_id = \"i\"\naccess_key_secret = \"s\"\n",
            "give the name inside the zone",
        ),
        (
            "domain = \"example.com\"\nname = \"home\"\naccess_key_secret = \"s\"\n",
            "missing key \"access_key_id\"",
        ),
        (
            "domain = \"example.com\"\nname = \"home\"\naccess_key_id = \"i\"\n",
            "missing key \"access_key_secret\" (or \"access_key_secret_file\")",
        ),
        (
            "domain = \"example.com\"\nname = \"home\"\naccess_key_id = \"i\"\naccess_key_secret = \"s\"\nttl = 0\n",
            "key \"ttl\": 0 is out of range",
        ),
    ] {
        let e = config_err("aliyun", keys);
        assert!(e.contains(text), "{e}");
    }
}
