//! DNSPod (Tencent Cloud API 3.0): signed request shapes, the documented replies and error
//! codes, and the exchange as a table.
use super::*;
use crate::error::Class;
use crate::provider::sign_tc3::Signed;
use crate::provider::testutil::{body, config, config_err, exchange, ip, reply};

/// DescribeRecordList's published example output, byte for byte in content
/// (TencentCloud/tencentcloud-cli, tccli/examples/dnspod/v20210323/DescribeRecordList.md;
/// the API page: https://cloud.tencent.com/document/api/1427/56166).
const LIST_EXAMPLE: &str = r#"{"Response":{"RequestId":"561cdfcb-37a6-47de-b3c5-2b038e2c2276","RecordCountInfo":{"SubdomainCount":2,"TotalCount":2,"ListCount":2},"RecordList":[{"RecordId":556507778,"Value":"f1g1ns1.dnspod.net.","Status":"ENABLE","UpdatedOn":"2021-03-28 11:27:09","Name":"@","Line":"默认","LineId":"0","Type":"NS","Weight":null,"MonitorStatus":"","Remark":"","TTL":86400,"MX":0},{"RecordId":556507779,"Value":"f1g1ns2.dnspod.net.","Status":"ENABLE","UpdatedOn":"2021-03-28 11:27:09","Name":"@","Line":"默认","LineId":"0","Type":"NS","Weight":null,"MonitorStatus":"","Remark":"","TTL":86400,"MX":0}]}}"#;

/// The same example with one A record named `www`.
pub fn listed(name: &str, rr: &str, value: &str) -> String {
    format!(
        r#"{{"Response":{{"RequestId":"561cdfcb-37a6-47de-b3c5-2b038e2c2276","RecordCountInfo":{{"SubdomainCount":1,"TotalCount":1,"ListCount":1}},"RecordList":[{{"RecordId":162,"Value":"{value}","Status":"ENABLE","UpdatedOn":"2021-03-28 11:27:09","Name":"{name}","Line":"默认","LineId":"0","Type":"{rr}","Weight":null,"MonitorStatus":"","Remark":"","TTL":600,"MX":0}}]}}}}"#
    )
}

/// ModifyRecord's and CreateRecord's published example output (tccli examples
/// ModifyRecord.md, CreateRecord.md; https://cloud.tencent.com/document/api/1427/56157).
const WRITTEN: &str =
    r#"{"Response":{"RequestId":"ab4f1426-ea15-42ea-8183-dc1b44151166","RecordId":162}}"#;

/// The error shape of https://cloud.tencent.com/document/api/1427/56191 (its example is the
/// AuthFailure.SignatureFailure below) with a documented code and message.
pub fn failure(code: &str, message: &str) -> String {
    format!(
        r#"{{"Response":{{"Error":{{"Code":"{code}","Message":"{message}"}},"RequestId":"ed93f3cb-f35e-473f-b9f3-0d451b8b79c6"}}}}"#
    )
}

const SIGNATURE_FAILURE: (&str, &str) = (
    "AuthFailure.SignatureFailure",
    "The provided credentials could not be validated. Please check your signature is correct.",
);

fn dnspod(name: &str, create: bool) -> DnsPod {
    DnsPod {
        url: "https://dnspod.tencentcloudapi.com/".into(),
        host: "dnspod.tencentcloudapi.com".into(),
        zone: "example.com".into(),
        name: name.into(),
        secret_id: "AKIDexample".into(),
        secret_key: Secret::new("skexample".into()),
        ttl: None,
        create,
    }
}

fn header<'a>(r: &'a Request, name: &str) -> &'a str {
    &r.headers.iter().find(|p| p.name == name).unwrap().value
}

#[test]
fn signed_request_shapes() {
    let r = dnspod("www", false).build_list("A", 1_551_113_065);
    assert_eq!(r.method, Method::Post);
    assert_eq!(r.wire_url(), "https://dnspod.tencentcloudapi.com/");
    let text = body(&r);
    assert_eq!(
        text,
        r#"{"Domain":"example.com","Subdomain":"www","RecordType":"A"}"#
    );
    assert_eq!(
        header(&r, "Content-Type"),
        "application/json; charset=utf-8"
    );
    assert_eq!(header(&r, "X-TC-Action"), "DescribeRecordList");
    assert_eq!(header(&r, "X-TC-Timestamp"), "1551113065");
    assert_eq!(header(&r, "X-TC-Version"), "2021-03-23");
    // The signer's own output for exactly these headers and this body.
    let expected = Signed {
        headers: &[
            ("content-type", "application/json; charset=utf-8"),
            ("host", "dnspod.tencentcloudapi.com"),
            ("x-tc-action", "DescribeRecordList"),
        ],
        payload: text.as_bytes(),
        service: "dnspod",
        timestamp: 1_551_113_065,
    }
    .authorization("AKIDexample", "skexample");
    assert_eq!(header(&r, "Authorization"), expected);
    assert!(expected.starts_with(
        "TC3-HMAC-SHA256 Credential=AKIDexample/2019-02-25/dnspod/tc3_request, SignedHeaders=content-type;host;x-tc-action, Signature="
    ));
    let shown = r.redacted();
    assert!(
        shown.contains("Authorization: TC3-HMAC-SHA256 ***"),
        "{shown}"
    );
    assert!(!shown.contains("AKIDexample") && !shown.contains("skexample"));

    let mut record = Found {
        id: "162".into(),
        value: String::new(),
        line_id: "0".into(),
        ttl: None,
    };
    let r = dnspod("@", false).build_modify(&record, ip("2001:db8::1"), 1);
    assert_eq!(header(&r, "X-TC-Action"), "ModifyRecord");
    assert_eq!(
        body(&r),
        r#"{"Domain":"example.com","RecordId":162,"SubDomain":"@","RecordType":"AAAA","RecordLine":"默认","RecordLineId":"0","Value":"2001:db8::1"}"#
    );
    // The record's own TTL and line go back, unless the config sets a TTL.
    record.ttl = Some(300);
    record.line_id = "10=0".into();
    assert!(
        body(&dnspod("@", false).build_modify(&record, ip("2001:db8::1"), 1))
            .ends_with(r#""RecordLineId":"10=0","Value":"2001:db8::1","TTL":300}"#)
    );
    let mut d = dnspod("home", true);
    d.ttl = Some(600);
    assert!(body(&d.build_modify(&record, ip("2001:db8::1"), 1)).ends_with(r#","TTL":600}"#));
    let r = d.build_create(ip("198.51.100.7"), 1);
    assert_eq!(header(&r, "X-TC-Action"), "CreateRecord");
    assert_eq!(
        body(&r),
        r#"{"Domain":"example.com","SubDomain":"home","RecordType":"A","RecordLine":"默认","RecordLineId":"0","Value":"198.51.100.7","TTL":600}"#
    );
}

#[test]
fn reads_the_documented_replies() {
    let found = parse_list(&reply(200, LIST_EXAMPLE), "@", "NS").unwrap();
    assert_eq!(
        found.iter().map(|f| f.id.as_str()).collect::<Vec<_>>(),
        ["556507778", "556507779"]
    );
    assert_eq!(found[0].value, "f1g1ns1.dnspod.net.");
    assert_eq!(found[0].line_id, "0");
    assert_eq!(found[0].ttl, Some(86400));
    // Other names and types in the list are not the record.
    assert_eq!(parse_list(&reply(200, LIST_EXAMPLE), "@", "A"), Ok(vec![]));
    assert_eq!(
        parse_list(&reply(200, &listed("www", "A", "1.2.3.4")), "www", "A").unwrap(),
        vec![Found {
            id: "162".into(),
            value: "1.2.3.4".into(),
            line_id: "0".into(),
            ttl: Some(600)
        }]
    );
    let none = failure("ResourceNotFound.NoDataOfRecord", "记录列表为空。");
    assert_eq!(parse_list(&reply(200, &none), "www", "A"), Ok(vec![]));
    assert_eq!(
        parse_written(&reply(200, WRITTEN)),
        Ok(Some(Success::Updated))
    );
    assert_eq!(parse_created(&reply(200, WRITTEN)).unwrap(), "162");
    let gone = failure("InvalidParameter.RecordIdInvalid", "记录编号错误。");
    assert_eq!(parse_written(&reply(200, &gone)), Ok(None));
}

#[test]
fn failures_are_classified_by_code() {
    for (code, message) in [
        SIGNATURE_FAILURE,
        ("AuthFailure.SecretIdNotFound", "The SecretId is not found."),
        ("UnauthorizedOperation", "Unauthorized operation."),
        ("FailedOperation.NotDomainOwner", "当前域名不在您的名下。"),
    ] {
        let e = parse_list(&reply(200, &failure(code, message)), "www", "A").unwrap_err();
        assert_eq!(e.class(), Class::Fatal, "{e}");
        assert!(e.to_string().contains(code), "{e}");
    }
    let limited = failure("RequestLimitExceeded", "请求的次数超过了频率限制。");
    let e = parse_written(&reply(200, &limited)).unwrap_err();
    assert_eq!(
        (e.class(), e.retry_after_secs()),
        (Class::Transient, Some(60))
    );
    let e = parse_list(
        &reply(
            200,
            &failure("AuthFailure.SignatureExpire", "Signature expired."),
        ),
        "www",
        "A",
    )
    .unwrap_err();
    assert_eq!(e.class(), Class::Transient);
    assert!(e.to_string().contains("clock"), "{e}");
    let e = parse_created(&reply(200, &failure("InternalError", "internal error"))).unwrap_err();
    assert_eq!(e.class(), Class::Transient);
    // Not a Response at all: by status.
    assert_eq!(
        parse_list(&reply(403, "<html>"), "www", "A")
            .unwrap_err()
            .class(),
        Class::Fatal
    );
    assert_eq!(
        parse_list(&reply(502, "<html>"), "www", "A")
            .unwrap_err()
            .class(),
        Class::Transient
    );
}

#[test]
fn garbage_is_never_success() {
    for text in [
        "",
        "{}",
        "<html>",
        r#"{"Response":[]}"#,
        r#"{"Response":{"RequestId":"x"}}"#,
        r#"{"Response":{"RecordList":{}}}"#,
        r#"{"Response":{"RecordList":[{"RecordId":1,"Name":"www","Type":"A"}]}}"#,
        r#"{"Response":{"RecordList":[{"RecordId":"1x","Name":"www","Type":"A","Value":"1.2.3.4"}]}}"#,
        r#"{"Response":{"RecordList":[{"RecordId":1,"Name":"www","Type":"A","Value":"1.2.3.4","LineId":"a/b"}]}}"#,
        r#"{"Response":{"RecordList":[{"RecordId":1,"#,
    ] {
        let e = parse_list(&reply(200, text), "www", "A").unwrap_err();
        assert_eq!(e.class(), Class::Transient, "{text:?}");
    }
    for text in [
        "",
        "{}",
        r#"{"Response":{}}"#,
        r#"{"Response":{"RecordId":-1}}"#,
    ] {
        assert_eq!(
            parse_written(&reply(200, text)).unwrap_err().class(),
            Class::Transient
        );
        assert_eq!(
            parse_created(&reply(200, text)).unwrap_err().class(),
            Class::Transient
        );
    }
}

#[test]
fn the_exchange() {
    let d = dnspod("www", false);
    let run = |d: &DnsPod, answers: &[Reply], to: &str, known: &mut String| {
        exchange(answers, |send| {
            d.update_family(send, ip(to), known, &mut || 1)
        })
    };
    // Same value: one read, no write; the id and line are remembered.
    let mut known = String::new();
    let same = listed("www", "A", "198.51.100.1");
    let (out, sent) = run(&d, &[reply(200, &same)], "198.51.100.1", &mut known);
    assert_eq!((out, sent.len()), (Ok(Success::NoChange), 1));
    assert_eq!(known, "162/0/600");
    // Known: a change is one modify, with the record's line and TTL.
    let (out, sent) = run(&d, &[reply(200, WRITTEN)], "198.51.100.2", &mut known);
    assert_eq!((out, sent.len()), (Ok(Success::Updated), 1));
    assert_eq!(header(&sent[0], "X-TC-Action"), "ModifyRecord");
    assert!(body(&sent[0]).ends_with(r#""RecordLineId":"0","Value":"198.51.100.2","TTL":600}"#));
    // Known but gone: read again; none and no create: fatal.
    let gone = failure("ResourceNotFound.NoDataOfRecord", "记录列表为空。");
    let (out, sent) = run(
        &d,
        &[reply(200, &gone), reply(200, &gone)],
        "198.51.100.2",
        &mut known,
    );
    let e = out.unwrap_err();
    assert_eq!((e.class(), sent.len()), (Class::Fatal, 2));
    assert!(e.to_string().contains("set create = true"), "{e}");
    assert_eq!(known, "");
    // Missing and allowed: created, its id kept.
    let (out, sent) = run(
        &dnspod("www", true),
        &[reply(200, &gone), reply(200, WRITTEN)],
        "198.51.100.3",
        &mut known,
    );
    assert_eq!(out, Ok(Success::Updated));
    assert_eq!(header(&sent[1], "X-TC-Action"), "CreateRecord");
    assert_eq!(known, "162/0");
    // Two records of the name (two lines): fatal, nothing written.
    let two = same.replace(
        r#"}]}}"#,
        r#"},{"RecordId":163,"Value":"198.51.100.9","Name":"www","Line":"电信","LineId":"10=0","Type":"A"}]}}"#,
    );
    let (out, sent) = run(&d, &[reply(200, &two)], "198.51.100.3", &mut String::new());
    assert_eq!((out.unwrap_err().class(), sent.len()), (Class::Fatal, 1));
}

#[test]
fn config_keys_are_checked() {
    let c = config(
        "dnspod",
        "domain = \"example.com\"\nname = \"@\"\nsecret_id = \"AKIDx\"\nsecret_key = \"s\"\nfamily = \"both\"\ncreate = true\nttl = 600\nserver = \"https://127.0.0.1:8443\"\n",
    )
    .unwrap();
    let r = &c.records[0];
    assert_eq!(r.label(), "example.com (dnspod)");
    let planned = r.provider.plan(Addrs::one(ip("2001:db8::1")));
    let req = &planned[0].request;
    assert_eq!(req.wire_url(), "https://127.0.0.1:8443/");
    assert!(body(req).contains(r#""Subdomain":"@","RecordType":"AAAA""#));
    for (keys, text) in [
        (
            "name = \"home\"\nsecret_id = \"i\"\nsecret_key = \"s\"\n",
            "missing key \"domain\"",
        ),
        (
            "domain = \"example.com\"\nname = \"home.example.com\"\nsecret_id = \"i\"\nsecret_key = \"s\"\n",
            "give the name inside the zone",
        ),
        (
            "domain = \"example.com\"\nname = \"home\"\nsecret_key = \"s\"\n",
            "missing key \"secret_id\"",
        ),
        (
            "domain = \"example.com\"\nname = \"home\"\nsecret_id = \"i\"\n",
            "missing key \"secret_key\" (or \"secret_key_file\")",
        ),
        (
            "domain = \"example.com\"\nname = \"home\"\nsecret_id = \"i\"\nsecret_key = \"s\"\nttl = 604801\n",
            "key \"ttl\": 604801 is out of range",
        ),
    ] {
        let e = config_err("dnspod", keys);
        assert!(e.contains(text), "{e}");
    }
}
