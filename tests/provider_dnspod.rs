//! DNSPod (Tencent Cloud API 3.0) through the real binary: TC3 signatures checked by the mock server, a known record id makes a change one ModifyRecord, failures classified by code, no secret shown.
mod harness;
mod support;

use harness::*;
use support::{MockServer, Recorded, Reply};

const SECRET_ID: &str = "AKIDz8krbsJ5yKBZQpn74WFkmLPx3example";
const SECRET_KEY: &str = "Gu5t9xGARNpq86cd98joQYCN3example";
const SECRETS: &[&str] = &[SECRET_KEY, SECRET_ID, "Gu5t9xGARN", "AKIDz8krbs"];
const V6: &str = "240e:3a1:2c00::5";

/// DescribeRecordList's published example output (TencentCloud/tencentcloud-cli,
/// tccli/examples/dnspod/v20210323/DescribeRecordList.md; https://cloud.tencent.com/document/api/1427/56166),
/// with one record of this test's name, type and value.
fn listed(rr: &str, value: &str) -> String {
    format!(
        r#"{{"Response":{{"RequestId":"561cdfcb-37a6-47de-b3c5-2b038e2c2276","RecordCountInfo":{{"SubdomainCount":1,"TotalCount":1,"ListCount":1}},"RecordList":[{{"RecordId":162,"Value":"{value}","Status":"ENABLE","UpdatedOn":"2021-03-28 11:27:09","Name":"home","Line":"默认","LineId":"0","Type":"{rr}","Weight":null,"MonitorStatus":"","Remark":"","TTL":600,"MX":0}}]}}}}"#
    )
}

/// ModifyRecord's / CreateRecord's published example output (tccli examples ModifyRecord.md,
/// CreateRecord.md; https://cloud.tencent.com/document/api/1427/56157).
const WRITTEN: &str =
    r#"{"Response":{"RequestId":"ab4f1426-ea15-42ea-8183-dc1b44151166","RecordId":162}}"#;

/// The documented error shape (https://cloud.tencent.com/document/api/1427/56191), always
/// with HTTP 200.
fn failure(code: &str, message: &str) -> String {
    format!(
        r#"{{"Response":{{"Error":{{"Code":"{code}","Message":"{message}"}},"RequestId":"ed93f3cb-f35e-473f-b9f3-0d451b8b79c6"}}}}"#
    )
}

fn no_record() -> String {
    failure("ResourceNotFound.NoDataOfRecord", "记录列表为空。")
}

fn record(server: &MockServer, extra: &str) -> String {
    format!(
        "[[record]]\nprovider = \"dnspod\"\nserver = {:?}\ndomain = \"example.com\"\nname = \"home\"\nsecret_id = {SECRET_ID:?}\nsecret_key = {SECRET_KEY:?}\n{extra}",
        server.url()
    )
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn mac(key: &[u8], data: &str) -> Vec<u8> {
    let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, key);
    ring::hmac::sign(&key, data.as_bytes()).as_ref().to_vec()
}

/// Checks the request as the API would: POST /, the common headers, a timestamp near now,
/// and an Authorization that is TC3-HMAC-SHA256 over content-type, host and x-tc-action;
/// returns the body.
#[track_caller]
fn expect_signed(r: &Recorded, action: &str) -> String {
    assert_eq!(r.method, "POST");
    assert_eq!(r.target, "/");
    assert_eq!(
        r.header("content-type"),
        Some("application/json; charset=utf-8")
    );
    assert_eq!(r.header("x-tc-action"), Some(action));
    assert_eq!(r.header("x-tc-version"), Some("2021-03-23"));
    let ts: u64 = r.header("x-tc-timestamp").unwrap().parse().unwrap();
    assert!(ts.abs_diff(now()) < 300, "{ts}");
    let days = ts / 86_400;
    let date = civil(days);
    let host = r.header("host").unwrap();
    let canonical = format!(
        "POST\n/\n\ncontent-type:application/json; charset=utf-8\nhost:{host}\nx-tc-action:{}\n\ncontent-type;host;x-tc-action\n{}",
        action.to_ascii_lowercase(),
        hex(ring::digest::digest(&ring::digest::SHA256, &r.body).as_ref())
    );
    let scope = format!("{date}/dnspod/tc3_request");
    let to_sign = format!(
        "TC3-HMAC-SHA256\n{ts}\n{scope}\n{}",
        hex(ring::digest::digest(&ring::digest::SHA256, canonical.as_bytes()).as_ref())
    );
    let k = mac(
        &mac(&mac(format!("TC3{SECRET_KEY}").as_bytes(), &date), "dnspod"),
        "tc3_request",
    );
    let want = format!(
        "TC3-HMAC-SHA256 Credential={SECRET_ID}/{scope}, SignedHeaders=content-type;host;x-tc-action, Signature={}",
        hex(&mac(&k, &to_sign))
    );
    assert_eq!(r.header("authorization"), Some(want.as_str()));
    r.body_text()
}

/// `YYYY-MM-DD` of a day count since 1970 (the civil-from-days algorithm).
fn civil(days: u64) -> String {
    let z = days as i64 + 719_468;
    let era = z / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

#[track_caller]
fn expect_list(r: &Recorded, rr: &str) {
    let body = expect_signed(r, "DescribeRecordList");
    assert_eq!(
        body,
        format!(r#"{{"Domain":"example.com","Subdomain":"home","RecordType":"{rr}"}}"#)
    );
}

#[track_caller]
fn expect_modify(r: &Recorded, rr: &str, ip: &str) {
    let body = expect_signed(r, "ModifyRecord");
    assert_eq!(
        body,
        format!(
            r#"{{"Domain":"example.com","RecordId":162,"SubDomain":"home","RecordType":"{rr}","RecordLine":"默认","RecordLineId":"0","Value":"{ip}","TTL":600}}"#
        )
    );
}

#[test]
fn reads_then_modifies_and_a_later_change_is_one_request() {
    let env = Env::new("dp-set");
    let source = env.ip_source(&[IP1, IP2]);
    let provider = env.server(vec![
        Reply::json(200, &listed("A", "81.2.69.100")),
        Reply::json(200, WRITTEN),
        Reply::json(200, WRITTEN),
    ]);
    env.write_config(3, &[source.url()], &record(&provider, ""));

    let out = env.run(&["-vv"]);
    expect_code(&out, 0);
    let sent = provider.requests();
    assert_eq!(sent.len(), 2);
    expect_list(&sent[0], "A");
    expect_modify(&sent[1], "A", IP1);
    assert!(
        out.stderr
            .contains("home.example.com (dnspod): updated A to 81.2.69.160"),
        "{}",
        out.stderr
    );
    no_secret(&[&out], &[], SECRETS);
    let state = env.state_text().unwrap();
    assert!(state.contains("\"cache\":\"162/0/600\""), "{state}");

    // A new address: the record is known, so one ModifyRecord.
    let out = env.run(&["-v"]);
    expect_code(&out, 0);
    let sent = provider.requests();
    assert_eq!(sent.len(), 3);
    expect_modify(&sent[2], "A", IP2);
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
    let env = Env::new("dp-same");
    let source = env.ip_source(&[IP1]);
    let provider = env.server(vec![
        Reply::json(200, &listed("A", IP1)),
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
fn both_families() {
    let env = Env::new("dp-dual");
    let v4 = env.ip_source(&[IP1]);
    let v6 = env.ip_source(&[V6]);
    let provider = env.server(vec![
        Reply::json(200, &listed("A", "81.2.69.100")),
        Reply::json(200, WRITTEN),
        Reply::json(200, &listed("AAAA", "240e:3a1:2c00::4")),
        Reply::json(200, WRITTEN),
    ]);
    let record = record(&provider, "family = \"both\"\n");
    env.write_config_dual(3, &[v4.url()], &[v6.url()], &record);
    let out = env.run(&[]);
    expect_code(&out, 0);
    let sent = provider.requests();
    assert_eq!(sent.len(), 4);
    expect_list(&sent[0], "A");
    expect_modify(&sent[1], "A", IP1);
    expect_list(&sent[2], "AAAA");
    expect_modify(&sent[3], "AAAA", V6);
}

#[test]
fn a_missing_record_is_fatal_unless_create_is_set() {
    let env = Env::new("dp-missing");
    let source = env.ip_source(&[IP1]);
    let provider = env.server(vec![Reply::json(200, &no_record())]);
    env.write_config(3, &[source.url()], &record(&provider, ""));
    let out = env.run(&[]);
    expect_code(&out, 3);
    assert!(
        out.stderr
            .contains("DNSPod: no A record home in example.com"),
        "{}",
        out.stderr
    );
    expect_code(&env.run(&[]), 3);
    assert_eq!(provider.count(), 1);

    let env = Env::new("dp-create");
    let source = env.ip_source(&[IP1]);
    let provider = env.server(vec![
        Reply::json(200, &no_record()),
        Reply::json(200, WRITTEN),
    ]);
    env.write_config(
        3,
        &[source.url()],
        &record(&provider, "create = true\nttl = 600\n"),
    );
    let out = env.run(&[]);
    expect_code(&out, 0);
    let sent = provider.requests();
    assert_eq!(sent.len(), 2);
    let body = expect_signed(&sent[1], "CreateRecord");
    assert_eq!(
        body,
        r#"{"Domain":"example.com","SubDomain":"home","RecordType":"A","RecordLine":"默认","RecordLineId":"0","Value":"81.2.69.160","TTL":600}"#
    );
    let state = env.state_text().unwrap();
    assert!(state.contains("\"cache\":\"162/0\""), "{state}");
}

#[test]
fn refused_credentials_exit_3_and_are_not_retried() {
    for (code, message) in [
        (
            "AuthFailure.SignatureFailure",
            "The provided credentials could not be validated. Please check your signature is correct.",
        ),
        (
            "AuthFailure.SecretIdNotFound",
            "The SecretId is not found, please ensure that your SecretId is correct.",
        ),
    ] {
        let env = Env::new("dp-auth");
        let source = env.ip_source(&[IP1, IP2]);
        let provider = env.server(vec![Reply::json(200, &failure(code, message))]);
        env.write_config(3, &[source.url()], &record(&provider, ""));
        let out = env.run(&["-vv"]);
        expect_code(&out, 3);
        assert!(
            out.stderr
                .contains(&format!("DNSPod refused the request ({code}: ")),
            "{}",
            out.stderr
        );
        no_secret(&[&out], &[], SECRETS);
        expect_code(&env.run(&[]), 3);
        assert_eq!(provider.count(), 1);
    }
}

#[test]
fn a_rate_limit_is_transient_and_waits() {
    let env = Env::new("dp-limit");
    let source = env.ip_source(&[IP1]);
    let provider = env.server(vec![Reply::json(
        200,
        &failure("RequestLimitExceeded", "请求的次数超过了频率限制。"),
    )]);
    env.write_config(3, &[source.url()], &record(&provider, ""));
    let out = env.run(&[]);
    expect_code(&out, 1);
    assert!(
        out.stderr.contains("rate limited (RequestLimitExceeded"),
        "{}",
        out.stderr
    );
    expect_code(&env.run(&[]), 1);
    assert_eq!(provider.count(), 1, "backing off: nothing sent");
}

#[test]
fn dry_run_shows_the_read_without_the_keys() {
    let env = Env::new("dp-dry");
    let source = env.ip_source(&[IP1]);
    let provider = env.server(vec![Reply::json(200, &listed("A", IP1))]);
    env.write_config(3, &[source.url()], &record(&provider, ""));
    let out = env.dry_run(&[&provider]);
    assert!(
        out.stdout.contains(&format!(
            "POST {}/\n  Content-Type: application/json; charset=utf-8\n  X-TC-Action: DescribeRecordList\n",
            provider.url()
        )),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("Authorization: TC3-HMAC-SHA256 ***"),
        "{}",
        out.stdout
    );
    no_secret(&[&out], &[], SECRETS);
}
