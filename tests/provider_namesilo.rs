//! NameSilo through the real binary: list then update by id, a known id makes a new address one request, reply codes classified, the key (a query value) never shown.
mod harness;
mod support;

use harness::*;
use support::{MockServer, Recorded, Reply};

const KEY: &str = "5e0c1f9a7b3d2e8f4a6c0";
const SECRETS: &[&str] = &[KEY, "5e0c1f9a7b3d"];
const V6: &str = "2a01:4f8:10:20::5";

/// dnsListRecords with `type=json`: the fields of the example at
/// https://www.namesilo.com/api-reference (dns-list-records) with ttl and distance as strings
/// as NameSilo sends them; reconstructed (the reference's example is XML). An MX record of
/// the apex stands beside this test's record.
fn list(records: &[(&str, &str, &str)]) -> String {
    let mut items: Vec<String> = records
        .iter()
        .map(|(id, rr, value)| {
            format!(
                r#"{{"record_id":"{id}","type":"{rr}","host":"home.example.com","value":"{value}","ttl":"7207","distance":"0"}}"#
            )
        })
        .collect();
    items.push(r#"{"record_id":"5Brg5hw25jr","type":"MX","host":"example.com","value":"mail.example.com","ttl":"7207","distance":"10"}"#.to_string());
    format!(
        r#"{{"request":{{"operation":"dnsListRecords","ip":"55.555.55.55"}},"reply":{{"code":300,"detail":"success","resource_record":[{}]}}}}"#,
        items.join(",")
    )
}

/// The success reply of dnsUpdateRecord / dnsAddRecord (code 300 and the record id);
/// reconstructed the same way.
fn written(operation: &str, id: &str) -> String {
    format!(
        r#"{{"request":{{"operation":"{operation}","ip":"55.555.55.55"}},"reply":{{"code":300,"detail":"success","record_id":"{id}"}}}}"#
    )
}

/// A failed operation: its code and detail from the reference's "Response Codes".
fn failure(code: u32, detail: &str) -> String {
    format!(
        r#"{{"request":{{"operation":"dnsListRecords","ip":"55.555.55.55"}},"reply":{{"code":{code},"detail":"{detail}"}}}}"#
    )
}

fn record(server: &MockServer, extra: &str) -> String {
    format!(
        "[[record]]\nprovider = \"namesilo\"\nserver = {:?}\ndomain = \"example.com\"\nname = \"home\"\napi_key = {KEY:?}\n{extra}",
        server.url()
    )
}

#[track_caller]
fn expect_call(r: &Recorded, operation: &str, extra: &[(&str, &str)]) {
    assert_eq!(r.method, "GET");
    assert_eq!(r.path, format!("/api/{operation}"));
    let mut want = vec![
        ("version", "1"),
        ("type", "json"),
        ("key", KEY),
        ("domain", "example.com"),
    ];
    want.extend_from_slice(extra);
    let got: Vec<(&str, &str)> = r
        .query
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert_eq!(got, want);
}

#[test]
fn lists_then_updates_and_a_later_change_is_one_request() {
    let env = Env::new("ns-update");
    let source = env.ip_source(&[IP1, IP2]);
    let provider = env.server(vec![
        Reply::json(200, &list(&[("1a2b3c4d5e6f", "A", "81.2.69.100")])),
        Reply::json(200, &written("dnsUpdateRecord", "7a8b9c0d1e2f")),
        Reply::json(200, &written("dnsUpdateRecord", "3c4d5e6f7a8b")),
    ]);
    env.write_config(3, &[source.url()], &record(&provider, ""));

    let out = env.run(&["-vv"]);
    expect_code(&out, 0);
    let sent = provider.requests();
    assert_eq!(sent.len(), 2);
    expect_call(&sent[0], "dnsListRecords", &[]);
    expect_call(
        &sent[1],
        "dnsUpdateRecord",
        &[
            ("rrid", "1a2b3c4d5e6f"),
            ("rrhost", "home"),
            ("rrvalue", IP1),
            ("rrttl", "7207"),
        ],
    );
    assert!(
        out.stderr
            .contains("home.example.com (namesilo): updated A to 81.2.69.160"),
        "{}",
        out.stderr
    );
    no_secret(&[&out], &[], SECRETS);
    let state = env.state_text().unwrap();
    assert!(state.contains("\"cache\":\"7a8b9c0d1e2f/7207\""), "{state}");

    // A new address: the id the update answered is known, so one request.
    let out = env.run(&["-v"]);
    expect_code(&out, 0);
    let sent = provider.requests();
    assert_eq!(sent.len(), 3);
    expect_call(
        &sent[2],
        "dnsUpdateRecord",
        &[
            ("rrid", "7a8b9c0d1e2f"),
            ("rrhost", "home"),
            ("rrvalue", IP2),
            ("rrttl", "7207"),
        ],
    );
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
    let env = Env::new("ns-same");
    let source = env.ip_source(&[IP1]);
    let provider = env.server(vec![
        Reply::json(200, &list(&[("1a2b3c4d5e6f", "A", IP1)])),
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
    let env = Env::new("ns-dual");
    let v4 = env.ip_source(&[IP1]);
    let v6 = env.ip_source(&[V6]);
    let both = list(&[
        ("1a2b3c4d5e6f", "A", "81.2.69.100"),
        ("6f5e4d3c2b1a", "AAAA", "2a01:4f8:10:20::4"),
    ]);
    let provider = env.server(vec![
        Reply::json(200, &both),
        Reply::json(200, &written("dnsUpdateRecord", "1a2b3c4d5e6f")),
        Reply::json(200, &both),
        Reply::json(200, &written("dnsUpdateRecord", "6f5e4d3c2b1a")),
    ]);
    let record = record(&provider, "family = \"both\"\nttl = 3600\n");
    env.write_config_dual(3, &[v4.url()], &[v6.url()], &record);
    let out = env.run(&[]);
    expect_code(&out, 0);
    let sent = provider.requests();
    assert_eq!(sent.len(), 4);
    let update = |id, ip| {
        [
            ("rrid", id),
            ("rrhost", "home"),
            ("rrvalue", ip),
            ("rrttl", "3600"),
        ]
    };
    expect_call(&sent[1], "dnsUpdateRecord", &update("1a2b3c4d5e6f", IP1));
    expect_call(&sent[3], "dnsUpdateRecord", &update("6f5e4d3c2b1a", V6));
}

#[test]
fn a_missing_record_is_fatal_unless_create_is_set() {
    let env = Env::new("ns-missing");
    let source = env.ip_source(&[IP1]);
    let provider = env.server(vec![Reply::json(200, &list(&[]))]);
    env.write_config(3, &[source.url()], &record(&provider, ""));
    let out = env.run(&[]);
    expect_code(&out, 3);
    assert!(
        out.stderr.contains(
            "NameSilo: no A record home.example.com in example.com; create it, or set create = true"
        ),
        "{}",
        out.stderr
    );
    expect_code(&env.run(&[]), 3);
    assert_eq!(provider.count(), 1);

    let env = Env::new("ns-create");
    let source = env.ip_source(&[IP1]);
    let provider = env.server(vec![
        Reply::json(200, &list(&[])),
        Reply::json(200, &written("dnsAddRecord", "1a2b3c4d5e6f")),
    ]);
    env.write_config(
        3,
        &[source.url()],
        &record(&provider, "create = true\nttl = 3600\n"),
    );
    let out = env.run(&[]);
    expect_code(&out, 0);
    let sent = provider.requests();
    assert_eq!(sent.len(), 2);
    expect_call(
        &sent[1],
        "dnsAddRecord",
        &[
            ("rrtype", "A"),
            ("rrhost", "home"),
            ("rrvalue", IP1),
            ("rrttl", "3600"),
        ],
    );
    let state = env.state_text().unwrap();
    assert!(state.contains("\"cache\":\"1a2b3c4d5e6f/3600\""), "{state}");
}

#[test]
fn refused_keys_exit_3_and_are_not_retried() {
    for (tag, code, detail, said) in [
        (
            "ns-110",
            110,
            "Invalid API Key",
            "NameSilo: code 110 (Invalid API Key); check `api_key`",
        ),
        (
            "ns-113",
            113,
            "This API account cannot be accessed from your IP",
            "allow this address for the key in NameSilo's API Manager",
        ),
    ] {
        let env = Env::new(tag);
        let source = env.ip_source(&[IP1, IP2]);
        let provider = env.server(vec![Reply::json(200, &failure(code, detail))]);
        env.write_config(3, &[source.url()], &record(&provider, ""));
        let out = env.run(&["-vv"]);
        expect_code(&out, 3);
        assert!(out.stderr.contains(said), "{}", out.stderr);
        no_secret(&[&out], &[], SECRETS);
        expect_code(&env.run(&[]), 3);
        assert_eq!(provider.count(), 1);
    }
}

#[test]
fn busy_answers_are_transient() {
    // NameSilo documents no rate-limit reply: code 400 ("Existing API request is still
    // processing") and an HTTP 429 with Retry-After from a front end are both transient.
    let env = Env::new("ns-400");
    let source = env.ip_source(&[IP1]);
    let provider = env.server(vec![Reply::json(
        200,
        &failure(400, "Existing API request is still processing"),
    )]);
    env.write_config(3, &[source.url()], &record(&provider, ""));
    let out = env.run(&[]);
    expect_code(&out, 1);
    assert!(out.stderr.contains("still processing"), "{}", out.stderr);

    let env = Env::new("ns-429");
    let source = env.ip_source(&[IP1]);
    let provider = env.server(vec![
        Reply::status(429, "Too Many Requests").with_header("Retry-After", "1800"),
    ]);
    env.write_config(3, &[source.url()], &record(&provider, ""));
    let out = env.run(&[]);
    expect_code(&out, 1);
    assert!(out.stderr.contains("next try in 30 min"), "{}", out.stderr);
    expect_code(&env.run(&[]), 1);
    assert_eq!(provider.count(), 1, "backing off: nothing sent");
}

#[test]
fn dry_run_shows_the_list_without_the_key() {
    let env = Env::new("ns-dry");
    let source = env.ip_source(&[IP1]);
    let provider = env.server(vec![Reply::json(200, &list(&[]))]);
    env.write_config(3, &[source.url()], &record(&provider, ""));
    let out = env.dry_run(&[&provider]);
    assert!(
        out.stdout.contains(&format!(
            "GET {}/api/dnsListRecords?version=1&type=json&key=***&domain=example.com",
            provider.url()
        )),
        "{}",
        out.stdout
    );
    no_secret(&[&out], &[], SECRETS);
}
