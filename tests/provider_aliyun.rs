//! Alibaba Cloud DNS (Alidns RPC API) through the real binary: signed queries checked by the mock server, a known record id makes a change one update, failures classified by code, no secret shown.
mod harness;
mod support;

use harness::*;
use support::{MockServer, Recorded, Reply};

const KEY_ID: &str = "LTAI5tQ7example0KeyId99";
const SECRET: &str = "Xr9example0secret0OfThirtyChars";
const SECRETS: &[&str] = &[SECRET, KEY_ID, "Xr9example"];
const V6: &str = "2408:4000:1f00::5";

/// The DescribeSubDomainRecords example of
/// https://www.alibabacloud.com/help/en/dns/api-alidns-2015-01-09-describesubdomainrecords
/// (XML reprint with these values: https://developer.aliyun.com/ask/207931), as JSON in the
/// documented nesting, with this test's name, type and value.
fn described(rr: &str, value: &str) -> String {
    format!(
        r#"{{"RequestId":"536E9CAD-DB30-4647-AC87-AA5CC38C5382","TotalCount":1,"PageNumber":1,"PageSize":20,"DomainRecords":{{"Record":[{{"DomainName":"example.com","RecordId":"9999985","RR":"home","Type":"{rr}","Value":"{value}","Line":"default","TTL":600,"Status":"ENABLE","Locked":false,"Weight":1}}]}}}}"#
    )
}

const NONE: &str = r#"{"RequestId":"536E9CAD-DB30-4647-AC87-AA5CC38C5382","TotalCount":0,"PageNumber":1,"PageSize":20,"DomainRecords":{"Record":[]}}"#;
/// The UpdateDomainRecord / AddDomainRecord example response,
/// https://www.alibabacloud.com/help/en/dns/api-alidns-2015-01-09-updatedomainrecord
const WRITTEN: &str =
    r#"{"RequestId":"536E9CAD-DB30-4647-AC87-AA5CC38C5382","RecordId":"9999985"}"#;

/// The documented error body (https://www.alibabacloud.com/help/en/openapi/user-guide/api-error-diagnosis)
/// with a code and message from the common error codes (https://help.aliyun.com/document_detail/51132.html).
fn failure(code: &str, message: &str) -> String {
    format!(
        r#"{{"RequestId":"6BE56E05-1B22-4D2F-9A9E-FD90C4FFD581","HostId":"alidns.aliyuncs.com","Code":"{code}","Message":"{message}","Recommend":"https://api.aliyun.com/troubleshoot?q={code}&product=Alidns"}}"#
    )
}

fn record(server: &MockServer, extra: &str) -> String {
    format!(
        "[[record]]\nprovider = \"aliyun\"\nserver = {:?}\ndomain = \"example.com\"\nname = \"home\"\naccess_key_id = {KEY_ID:?}\naccess_key_secret = {SECRET:?}\n{extra}",
        server.url()
    )
}

/// RFC 3986 unreserved characters kept, everything else `%XX`: Alibaba's percentEncode.
fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// Checks the request as Alidns would: the common parameters, a fresh timestamp, and a
/// `Signature` that is HMAC-SHA1 (key `secret&`) of `GET&%2F&` + the encoded sorted query.
#[track_caller]
fn expect_signed(r: &Recorded, action: &str) {
    assert_eq!(r.method, "GET");
    assert_eq!(r.path, "/");
    for (k, v) in [
        ("Action", action),
        ("AccessKeyId", KEY_ID),
        ("Format", "JSON"),
        ("Version", "2015-01-09"),
        ("SignatureMethod", "HMAC-SHA1"),
        ("SignatureVersion", "1.0"),
    ] {
        assert_eq!(r.param(k), Some(v), "{k}");
    }
    assert!(r.param("SignatureNonce").is_some_and(|n| n.len() >= 16));
    let stamp = r.param("Timestamp").unwrap();
    assert!(
        stamp.len() == 20 && stamp.ends_with('Z') && &stamp[10..11] == "T",
        "{stamp}"
    );
    let mut pairs: Vec<(String, String)> = r
        .query
        .iter()
        .filter(|(k, _)| k != "Signature")
        .cloned()
        .collect();
    pairs.sort();
    let canonical: Vec<String> = pairs
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect();
    let to_sign = format!("GET&%2F&{}", encode(&canonical.join("&")));
    let key = ring::hmac::Key::new(
        ring::hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY,
        format!("{SECRET}&").as_bytes(),
    );
    let tag = ring::hmac::sign(&key, to_sign.as_bytes());
    assert_eq!(r.param("Signature"), Some(base64(tag.as_ref()).as_str()));
}

fn base64(data: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for c in data.chunks(3) {
        let n = (u32::from(c[0]) << 16)
            | (u32::from(*c.get(1).unwrap_or(&0)) << 8)
            | u32::from(*c.get(2).unwrap_or(&0));
        for i in 0..4 {
            out.push(if i <= c.len() {
                A[((n >> (18 - 6 * i)) & 63) as usize] as char
            } else {
                '='
            });
        }
    }
    out
}

#[track_caller]
fn expect_describe(r: &Recorded, rr: &str) {
    expect_signed(r, "DescribeSubDomainRecords");
    assert_eq!(r.param("DomainName"), Some("example.com"));
    assert_eq!(r.param("SubDomain"), Some("home.example.com"));
    assert_eq!(r.param("Type"), Some(rr));
}

#[track_caller]
fn expect_update(r: &Recorded, rr: &str, ip: &str) {
    expect_signed(r, "UpdateDomainRecord");
    assert_eq!(r.param("RecordId"), Some("9999985"));
    assert_eq!(r.param("RR"), Some("home"));
    assert_eq!(r.param("Type"), Some(rr));
    assert_eq!(r.param("Value"), Some(ip));
    // The record's own TTL goes back (Alidns would reset a missing one to 600).
    assert_eq!(r.param("TTL"), Some("600"));
}

#[test]
fn reads_then_updates_and_a_later_change_is_one_request() {
    let env = Env::new("ali-set");
    let source = env.ip_source(&[IP1, IP2]);
    let provider = env.server(vec![
        Reply::json(200, &described("A", "81.2.69.100")),
        Reply::json(200, WRITTEN),
        Reply::json(200, WRITTEN),
    ]);
    env.write_config(3, &[source.url()], &record(&provider, ""));

    let out = env.run(&["-vv"]);
    expect_code(&out, 0);
    let sent = provider.requests();
    assert_eq!(sent.len(), 2);
    expect_describe(&sent[0], "A");
    expect_update(&sent[1], "A", IP1);
    assert_ne!(
        sent[0].param("SignatureNonce"),
        sent[1].param("SignatureNonce")
    );
    assert!(
        out.stderr
            .contains("home.example.com (aliyun): updated A to 81.2.69.160"),
        "{}",
        out.stderr
    );
    no_secret(&[&out], &[], SECRETS);
    let state = env.state_text().unwrap();
    assert!(state.contains("\"cache\":\"9999985/600\""), "{state}");

    // A new address: the id is known, so one update (with the record's TTL).
    let out = env.run(&["-v"]);
    expect_code(&out, 0);
    let sent = provider.requests();
    assert_eq!(sent.len(), 3);
    expect_update(&sent[2], "A", IP2);
    no_secret(&[&out], &[], SECRETS);

    // Unchanged: nothing sent.
    expect_code(&env.run(&[]), 0);
    assert_eq!(provider.count(), 3);
    no_secret(
        &[&env.run(&["status"])],
        &[&env.state_text().unwrap()],
        SECRETS,
    );
}

#[test]
fn a_matching_record_is_not_written() {
    let env = Env::new("ali-same");
    let source = env.ip_source(&[IP1]);
    let provider = env.server(vec![
        Reply::json(200, &described("A", IP1)),
        Reply::json(500, "unexpected write"),
    ]);
    env.write_config(3, &[source.url()], &record(&provider, ""));
    let out = env.run(&[]);
    expect_code(&out, 0);
    assert_eq!(provider.count(), 1);
    assert!(
        out.stderr.contains("A already 81.2.69.160"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_duplicate_on_update_is_no_change() {
    let env = Env::new("ali-dup");
    let source = env.ip_source(&[IP1]);
    let provider = env.server(vec![
        Reply::json(200, &described("A", "81.2.69.100")),
        Reply::json(
            400,
            &failure("DomainRecordDuplicate", "The DNS record already exists."),
        ),
    ]);
    env.write_config(3, &[source.url()], &record(&provider, ""));
    let out = env.run(&[]);
    expect_code(&out, 0);
    assert_eq!(provider.count(), 2);
    assert!(
        out.stderr.contains("A already 81.2.69.160"),
        "{}",
        out.stderr
    );
}

#[test]
fn both_families() {
    let env = Env::new("ali-dual");
    let v4 = env.ip_source(&[IP1]);
    let v6 = env.ip_source(&[V6]);
    let provider = env.server(vec![
        Reply::json(200, &described("A", "81.2.69.100")),
        Reply::json(200, WRITTEN),
        Reply::json(200, &described("AAAA", "2408:4000:1f00::4")),
        Reply::json(200, WRITTEN),
    ]);
    let record = record(&provider, "family = \"both\"\n");
    env.write_config_dual(3, &[v4.url()], &[v6.url()], &record);
    let out = env.run(&[]);
    expect_code(&out, 0);
    let sent = provider.requests();
    assert_eq!(sent.len(), 4);
    expect_describe(&sent[0], "A");
    expect_update(&sent[1], "A", IP1);
    expect_describe(&sent[2], "AAAA");
    expect_update(&sent[3], "AAAA", V6);
}

#[test]
fn a_missing_record_is_fatal_unless_create_is_set() {
    let env = Env::new("ali-missing");
    let source = env.ip_source(&[IP1]);
    let provider = env.server(vec![Reply::json(200, NONE)]);
    env.write_config(3, &[source.url()], &record(&provider, ""));
    let out = env.run(&[]);
    expect_code(&out, 3);
    assert!(
        out.stderr
            .contains("Alibaba Cloud DNS: no A record home in example.com"),
        "{}",
        out.stderr
    );
    expect_code(&env.run(&[]), 3);
    assert_eq!(provider.count(), 1);

    let env = Env::new("ali-create");
    let source = env.ip_source(&[IP1]);
    let provider = env.server(vec![Reply::json(200, NONE), Reply::json(200, WRITTEN)]);
    env.write_config(
        3,
        &[source.url()],
        &record(&provider, "create = true\nttl = 600\n"),
    );
    let out = env.run(&[]);
    expect_code(&out, 0);
    let sent = provider.requests();
    assert_eq!(sent.len(), 2);
    expect_signed(&sent[1], "AddDomainRecord");
    for (k, v) in [
        ("DomainName", "example.com"),
        ("RR", "home"),
        ("Type", "A"),
        ("Value", IP1),
        ("TTL", "600"),
    ] {
        assert_eq!(sent[1].param(k), Some(v), "{k}");
    }
    let state = env.state_text().unwrap();
    assert!(state.contains("\"cache\":\"9999985\""), "{state}");
}

#[test]
fn refused_keys_exit_3_and_are_not_retried() {
    for (status, code, message) in [
        (
            404,
            "InvalidAccessKeyId.NotFound",
            "Specified access key is not found.",
        ),
        (
            400,
            "SignatureDoesNotMatch",
            "Specified signature is not matched with our calculation.",
        ),
    ] {
        let env = Env::new("ali-key");
        let source = env.ip_source(&[IP1, IP2]);
        let provider = env.server(vec![Reply::json(status, &failure(code, message))]);
        env.write_config(3, &[source.url()], &record(&provider, ""));
        let out = env.run(&["-vv"]);
        expect_code(&out, 3);
        assert!(
            out.stderr.contains(&format!(
                "Alibaba Cloud DNS refused the request ({code}: {message})"
            )),
            "{}",
            out.stderr
        );
        no_secret(&[&out], &[], SECRETS);
        expect_code(&env.run(&[]), 3);
        assert_eq!(provider.count(), 1);
    }
}

#[test]
fn throttling_is_transient_and_waits() {
    let env = Env::new("ali-throttle");
    let source = env.ip_source(&[IP1]);
    let provider = env.server(vec![Reply::json(
        400,
        &failure(
            "Throttling.User",
            "Request was denied due to user flow control.",
        ),
    )]);
    env.write_config(3, &[source.url()], &record(&provider, ""));
    let out = env.run(&[]);
    expect_code(&out, 1);
    assert!(
        out.stderr.contains("throttled (Throttling.User"),
        "{}",
        out.stderr
    );
    expect_code(&env.run(&[]), 1);
    assert_eq!(provider.count(), 1, "backing off: nothing sent");
}

#[test]
fn dry_run_shows_the_read_without_the_keys() {
    let env = Env::new("ali-dry");
    let source = env.ip_source(&[IP1]);
    let provider = env.server(vec![Reply::json(200, &described("A", IP1))]);
    env.write_config(3, &[source.url()], &record(&provider, ""));
    let out = env.dry_run(&[&provider]);
    assert!(
        out.stdout.contains(&format!(
            "GET {}/?AccessKeyId=***&Action=DescribeSubDomainRecords&DomainName=example.com&Format=JSON&SignatureMethod=HMAC-SHA1&SignatureNonce=",
            provider.url()
        )),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("&Signature=***"), "{}", out.stdout);
    no_secret(&[&out], &[], SECRETS);
}
