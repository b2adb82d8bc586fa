//! Tests for netcup.rs.
//!
//! Replies are shaped as the Responsemessage and Dnsrecord types of
//! https://ccp.netcup.net/run/webservice/servers/endpoint.php (fields serverrequestid,
//! clientrequestid, action, status, statuscode, shortmessage, longmessage, responsedata;
//! Dnsrecord id, hostname, type, priority, destination, deleterecord, state).
use super::*;
use crate::provider::testutil::{body, config, config_err, exchange, ip, reply};

const LOGIN_OK: &str = r#"{"serverrequestid":"Wp0Yl9kxs8QhQdsW","clientrequestid":"","action":"login","status":"success","statuscode":2000,"shortmessage":"Login successful","longmessage":"Session has been created successful.","responsedata":{"apisessionid":"c2Vzc2lvbi0xMjM0NTY3ODkw"}}"#;
const LOGIN_BAD: &str = r#"{"serverrequestid":"Xq1Zm0lyt9RiReqX","clientrequestid":"","action":"login","status":"error","statuscode":4013,"shortmessage":"Validation Error.","longmessage":"The customer number, API key or API password is not valid.","responsedata":""}"#;
const LIMITED: &str = r#"{"serverrequestid":"Yr2An1mzu0SjSfrY","clientrequestid":"","action":"login","status":"error","statuscode":4013,"shortmessage":"Validation Error.","longmessage":"More than 180 requests per minute. Please wait and retry later.","responsedata":""}"#;
const LOGOUT_OK: &str = r#"{"serverrequestid":"Zs3Bo2n0v1TkTgsZ","clientrequestid":"","action":"logout","status":"success","statuscode":2000,"shortmessage":"Logout successful","longmessage":"Session has been terminated successful.","responsedata":""}"#;

fn records(action: &str, list: &[(&str, &str, &str, &str)]) -> String {
    let items: Vec<String> = list
        .iter()
        .map(|(id, host, rr, dest)| {
            format!(
                r#"{{"id":"{id}","hostname":"{host}","type":"{rr}","priority":"0","destination":"{dest}","deleterecord":false,"state":"yes"}}"#
            )
        })
        .collect();
    format!(
        r#"{{"serverrequestid":"Ab4Cp3o1w2UlUhtA","clientrequestid":"","action":"{action}","status":"success","statuscode":2000,"shortmessage":"DNS records found","longmessage":"DNS Records for this zone were found.","responsedata":{{"dnsrecords":[{}]}}}}"#,
        items.join(",")
    )
}

fn netcup(create: bool) -> Netcup {
    Netcup {
        url: "https://ccp.netcup.net/run/webservice/servers/endpoint.php?JSON".into(),
        zone: "example.com".into(),
        name: "home.example.com".into(),
        customer: "123456".into(),
        apikey: Secret::new("k3yk3yk3y".into()),
        apipassword: Secret::new("pa55w0rd".into()),
        create,
    }
}

fn session() -> Session {
    Session { id: "sess".into() }
}

#[test]
fn request_shapes() {
    let n = netcup(false);
    let r = n.build_login();
    assert_eq!(r.method, Method::Post);
    assert_eq!(
        r.wire_url(),
        "https://ccp.netcup.net/run/webservice/servers/endpoint.php?JSON"
    );
    assert_eq!(
        body(&r),
        r#"{"action":"login","param":{"customernumber":"123456","apikey":"k3yk3yk3y","apipassword":"pa55w0rd"}}"#
    );
    assert!(!r.redacted().contains("pa55w0rd") && !r.redacted().contains("k3yk3yk3y"));
    assert_eq!(
        body(&n.build_info(&session())),
        r#"{"action":"infoDnsRecords","param":{"customernumber":"123456","apikey":"k3yk3yk3y","apisessionid":"sess","domainname":"example.com"}}"#
    );
    let r = n.build_update(
        &session(),
        &[
            (Some("7".into()), ip("81.2.69.160")),
            (None, ip("2a01:4f8:10:20::5")),
        ],
    );
    assert_eq!(
        body(&r),
        r#"{"action":"updateDnsRecords","param":{"customernumber":"123456","apikey":"k3yk3yk3y","apisessionid":"sess","domainname":"example.com","dnsrecordset":{"dnsrecords":[{"id":"7","hostname":"home","type":"A","destination":"81.2.69.160","deleterecord":false},{"hostname":"home","type":"AAAA","destination":"2a01:4f8:10:20::5","deleterecord":false}]}}}"#
    );
    assert_eq!(
        body(&n.build_logout(&session())),
        r#"{"action":"logout","param":{"customernumber":"123456","apikey":"k3yk3yk3y","apisessionid":"sess"}}"#
    );
    let mut apex = netcup(false);
    apex.name = "example.com".into();
    assert_eq!(apex.hostname(), "@");
}

#[test]
fn answers_are_classified() {
    assert_eq!(
        parse_login(&reply(200, LOGIN_OK)).unwrap().id,
        "c2Vzc2lvbi0xMjM0NTY3ODkw"
    );
    let e = parse_login(&reply(200, LOGIN_BAD)).unwrap_err();
    assert_eq!(e.class(), Class::Fatal);
    assert!(
        e.to_string()
            .contains("4013 Validation Error.: The customer number"),
        "{e}"
    );
    let e = parse_login(&reply(200, LIMITED)).unwrap_err();
    assert_eq!(
        (e.class(), e.retry_after_secs()),
        (Class::Transient, Some(60))
    );
    for (status, text) in [
        (200, ""),
        (200, "<html>"),
        (
            200,
            r#"{"status":"success","statuscode":2000,"responsedata":"#,
        ),
        (
            200,
            r#"{"status":"success","statuscode":2000,"responsedata":""}"#,
        ),
        (200, r#"{"status":"pending","statuscode":2000}"#),
        (502, "<html>Bad Gateway</html>"),
    ] {
        let e = parse_login(&reply(status, text)).unwrap_err();
        assert_eq!(e.class(), Class::Transient, "{status} {text:?}");
    }
    let zone_err = r#"{"serverrequestid":"x","clientrequestid":"","action":"infoDnsRecords","status":"error","statuscode":4013,"shortmessage":"Validation Error.","longmessage":"Domain not found.","responsedata":""}"#;
    let e = parse_records(&reply(200, zone_err), "infoDnsRecords").unwrap_err();
    assert_eq!(e.class(), Class::Fatal);
    let later = r#"{"serverrequestid":"x","clientrequestid":"","action":"infoDnsRecords","status":"error","statuscode":5029,"shortmessage":"Internal error.","longmessage":"Please retry.","responsedata":""}"#;
    let e = parse_records(&reply(200, later), "infoDnsRecords").unwrap_err();
    assert_eq!(e.class(), Class::Transient);
    assert_eq!(parse_answer(&reply(200, LOGOUT_OK), "logout"), Ok(()));
}

#[test]
fn a_session_reads_then_updates_and_always_logs_out() {
    let n = netcup(false);
    let mut cache = Cache::default();
    let (out, sent) = exchange(
        &[
            reply(200, LOGIN_OK),
            reply(
                200,
                &records(
                    "infoDnsRecords",
                    &[
                        ("7", "home", "A", "81.2.69.100"),
                        ("8", "www", "A", "81.2.69.100"),
                    ],
                ),
            ),
            reply(
                200,
                &records("updateDnsRecords", &[("7", "home", "A", "81.2.69.160")]),
            ),
            reply(200, LOGOUT_OK),
        ],
        |send| n.session(send, Addrs::one(ip("81.2.69.160")), &mut cache),
    );
    assert_eq!(out, Ok(vec![(Family::V4, Success::Updated)]));
    assert_eq!(sent.len(), 4);
    assert!(
        body(&sent[2])
            .contains(r#"{"id":"7","hostname":"home","type":"A","destination":"81.2.69.160""#)
    );
    assert!(body(&sent[3]).starts_with(r#"{"action":"logout""#));
    assert_eq!(cache.v4, "7");

    // The id remembered: no zone read.
    let (out, sent) = exchange(
        &[
            reply(200, LOGIN_OK),
            reply(
                200,
                &records("updateDnsRecords", &[("7", "home", "A", "81.2.69.161")]),
            ),
            reply(200, LOGOUT_OK),
        ],
        |send| n.session(send, Addrs::one(ip("81.2.69.161")), &mut cache),
    );
    assert_eq!(
        (out, sent.len()),
        (Ok(vec![(Family::V4, Success::Updated)]), 3)
    );

    // Same address: no update, still a logout.
    let mut cache = Cache::default();
    let (out, sent) = exchange(
        &[
            reply(200, LOGIN_OK),
            reply(
                200,
                &records("infoDnsRecords", &[("7", "home", "A", "81.2.69.160")]),
            ),
            reply(200, LOGOUT_OK),
        ],
        |send| n.session(send, Addrs::one(ip("81.2.69.160")), &mut cache),
    );
    assert_eq!(
        (out, sent.len()),
        (Ok(vec![(Family::V4, Success::NoChange)]), 3)
    );

    // A failed read still logs out; a refused login sends nothing more.
    let zone_err = r#"{"serverrequestid":"x","clientrequestid":"","action":"infoDnsRecords","status":"error","statuscode":4013,"shortmessage":"Validation Error.","longmessage":"Domain not found.","responsedata":""}"#;
    let mut cache = Cache::default();
    let (out, sent) = exchange(
        &[
            reply(200, LOGIN_OK),
            reply(200, zone_err),
            reply(200, LOGOUT_OK),
        ],
        |send| n.session(send, Addrs::one(ip("81.2.69.160")), &mut cache),
    );
    assert_eq!(out.unwrap_err().class(), Class::Fatal);
    assert!(body(&sent[2]).starts_with(r#"{"action":"logout""#));
    let (out, sent) = exchange(&[reply(200, LOGIN_BAD)], |send| {
        n.session(send, Addrs::one(ip("81.2.69.160")), &mut cache)
    });
    assert_eq!((out.unwrap_err().class(), sent.len()), (Class::Fatal, 1));
}

#[test]
fn a_missing_record_is_fatal_or_created() {
    let listed = records("infoDnsRecords", &[("8", "www", "A", "81.2.69.100")]);
    let mut cache = Cache::default();
    let (out, sent) = exchange(
        &[
            reply(200, LOGIN_OK),
            reply(200, &listed),
            reply(200, LOGOUT_OK),
        ],
        |send| netcup(false).session(send, Addrs::one(ip("81.2.69.160")), &mut cache),
    );
    let e = out.unwrap_err();
    assert_eq!(e.class(), Class::Fatal);
    assert!(
        e.to_string().contains("no A record for home.example.com"),
        "{e}"
    );
    assert_eq!(sent.len(), 3);

    let (out, sent) = exchange(
        &[
            reply(200, LOGIN_OK),
            reply(200, &listed),
            reply(
                200,
                &records(
                    "updateDnsRecords",
                    &[
                        ("8", "www", "A", "81.2.69.100"),
                        ("9", "home", "A", "81.2.69.160"),
                    ],
                ),
            ),
            reply(200, LOGOUT_OK),
        ],
        |send| netcup(true).session(send, Addrs::one(ip("81.2.69.160")), &mut cache),
    );
    assert_eq!(out, Ok(vec![(Family::V4, Success::Updated)]));
    assert!(!body(&sent[2]).contains(r#""id""#));
    assert_eq!(cache.v4, "9");
}

#[test]
fn config_keys_are_checked() {
    let keys = "zone = \"example.com\"\nname = \"home.example.com\"\ncustomernumber = \"123456\"\napikey = \"k\"\napipassword = \"p\"\n";
    let c = config("netcup", keys).unwrap();
    assert_eq!(c.records[0].label(), "home.example.com (netcup)");
    for (extra, text) in [
        ("create = \"yes\"\n", "create"),
        ("ttl = 60\n", "unknown key \"ttl\""),
    ] {
        let e = config_err("netcup", &format!("{keys}{extra}"));
        assert!(e.contains(text), "{e}");
    }
    let e = config_err("netcup", &keys.replace("123456", "12a"));
    assert!(e.contains("customernumber"), "{e}");
    let e = config_err("netcup", &keys.replace("apipassword = \"p\"\n", ""));
    assert!(e.contains("missing key \"apipassword\""), "{e}");
}
