//! DigitalOcean through the real binary: exact requests, the record id remembered so a new address costs one PATCH, failures classified, no secret shown.
mod harness;
mod support;

use harness::*;
use support::{MockServer, Recorded, Reply};

const TOKEN: &str = "dop_v1_0123456789abcdef0123456789abcdef0123456789abcdef0123456789ab";
/// What must never show, whole or in part.
const SECRETS: &[&str] = &[TOKEN, "dop_v1_0123"];
const V6: &str = "2a01:4f8:10:20::5";
const UNAUTHORIZED: &str = r#"{"id": "Unauthorized", "message": "Unable to authenticate you"}"#;

/// A list answer holding the given `(id, type, data)` records named `home`, shaped as
/// PROTOCOLS.md §5.5 shows it.
fn listed(records: &[(u64, &str, &str)]) -> String {
    let items: Vec<String> = records
        .iter()
        .map(|(id, rr, data)| {
            format!(
                r#"{{"id":{id},"type":"{rr}","name":"home","data":"{data}","priority":null,"port":null,"ttl":1800,"weight":null,"flags":null,"tag":null}}"#
            )
        })
        .collect();
    format!(
        r#"{{"domain_records":[{}],"links":{{}},"meta":{{"total":{}}}}}"#,
        items.join(","),
        records.len()
    )
}

fn patched(id: u64, rr: &str, data: &str) -> String {
    format!(
        r#"{{"domain_record":{{"id":{id},"type":"{rr}","name":"home","data":"{data}","priority":null,"port":null,"ttl":1800,"weight":null,"flags":null,"tag":null}}}}"#
    )
}

fn record(server: &MockServer, extra: &str) -> String {
    format!(
        "[[record]]\nprovider = \"digitalocean\"\nserver = {:?}\nzone = \"example.com\"\nname = \"home.example.com\"\ntoken = {TOKEN:?}\n{extra}",
        server.url()
    )
}

#[track_caller]
fn expect_list(r: &Recorded, rr: &str) {
    assert_eq!(r.method, "GET");
    assert_eq!(
        r.target,
        format!("/v2/domains/example.com/records?name=home.example.com&type={rr}")
    );
    expect_bearer(r, TOKEN);
    assert!(r.body.is_empty());
}

#[track_caller]
fn expect_patch(r: &Recorded, id: u64, rr: &str, ip: &str) {
    assert_eq!(r.method, "PATCH");
    assert_eq!(r.target, format!("/v2/domains/example.com/records/{id}"));
    expect_bearer(r, TOKEN);
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_eq!(r.body_text(), format!(r#"{{"type":"{rr}","data":"{ip}"}}"#));
}

#[test]
fn looks_up_once_then_a_new_address_costs_one_patch() {
    let env = Env::new("do-patch");
    let source = env.ip_source(&[IP1, IP2]);
    let provider = env.server(vec![
        Reply::json(200, &listed(&[(123, "A", "81.2.69.100")])),
        Reply::json(200, &patched(123, "A", IP1)),
        Reply::json(200, &patched(123, "A", IP2)),
    ]);
    env.write_config(3, &[source.url()], &record(&provider, ""));

    let out = env.run(&["-vv"]);
    expect_code(&out, 0);
    let sent = provider.requests();
    assert_eq!(sent.len(), 2);
    expect_list(&sent[0], "A");
    expect_patch(&sent[1], 123, "A", IP1);
    assert!(
        out.stderr
            .contains("home.example.com (digitalocean): updated A to 81.2.69.160"),
        "{}",
        out.stderr
    );
    no_secret(&[&out], &[], SECRETS);
    let state = env.state_text().unwrap();
    assert!(state.contains("\"cache\":\"123\""), "{state}");
    no_secret(&[], &[&state], SECRETS);

    // The address changed: the remembered id makes it one PATCH.
    let out = env.run(&[]);
    expect_code(&out, 0);
    let sent = provider.requests();
    assert_eq!(sent.len(), 3);
    expect_patch(&sent[2], 123, "A", IP2);
    assert!(
        out.stderr
            .contains("updated A to 81.2.69.161 (was 81.2.69.160)"),
        "{}",
        out.stderr
    );

    // Unchanged: nothing.
    expect_code(&env.run(&[]), 0);
    assert_eq!(provider.count(), 3);
    let out = env.run(&["status"]);
    no_secret(&[&out], &[], SECRETS);
}

#[test]
fn matching_data_is_not_patched_but_the_id_is_kept() {
    let env = Env::new("do-same");
    let source = env.ip_source(&[IP1]);
    let provider = env.server(vec![
        Reply::json(200, &listed(&[(123, "A", IP1)])),
        Reply::json(500, "unexpected PATCH"),
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
    assert!(env.state_text().unwrap().contains("\"cache\":\"123\""));
}

#[test]
fn a_gone_id_is_looked_up_again() {
    let env = Env::new("do-gone");
    let source = env.ip_source(&[IP1, IP2]);
    let provider = env.server(vec![
        Reply::json(200, &listed(&[(123, "A", IP1)])),
        Reply::json(
            404,
            r#"{"id":"not_found","message":"The resource you were accessing could not be found."}"#,
        ),
        Reply::json(200, &listed(&[(124, "A", IP1)])),
        Reply::json(200, &patched(124, "A", IP2)),
    ]);
    env.write_config(3, &[source.url()], &record(&provider, ""));
    expect_code(&env.run(&[]), 0);

    let out = env.run(&[]);
    expect_code(&out, 0);
    let sent = provider.requests();
    assert_eq!(sent.len(), 4);
    expect_patch(&sent[1], 123, "A", IP2);
    expect_list(&sent[2], "A");
    expect_patch(&sent[3], 124, "A", IP2);
    assert!(env.state_text().unwrap().contains("\"cache\":\"124\""));
}

#[test]
fn both_families_keep_their_own_ids() {
    let env = Env::new("do-dual");
    let v4 = env.ip_source(&[IP1]);
    let v6 = env.ip_source(&[V6]);
    let provider = env.server(vec![
        Reply::json(200, &listed(&[(123, "A", "81.2.69.100")])),
        Reply::json(200, &patched(123, "A", IP1)),
        Reply::json(200, &listed(&[(456, "AAAA", "2a01:4f8:10:20::4")])),
        Reply::json(200, &patched(456, "AAAA", V6)),
    ]);
    let record = record(&provider, "family = \"both\"\n");
    env.write_config_dual(3, &[v4.url()], &[v6.url()], &record);
    let out = env.run(&[]);
    expect_code(&out, 0);
    let sent = provider.requests();
    assert_eq!(sent.len(), 4);
    expect_list(&sent[0], "A");
    expect_patch(&sent[1], 123, "A", IP1);
    expect_list(&sent[2], "AAAA");
    expect_patch(&sent[3], 456, "AAAA", V6);
    let state = env.state_text().unwrap();
    assert!(
        state.contains("\"cache\":\"123\"") && state.contains("\"cache\":\"456\""),
        "{state}"
    );
}

#[test]
fn no_record_or_several_records_are_fatal() {
    for (records, text) in [
        (
            vec![],
            "DigitalOcean: no A record for home.example.com in example.com; create it first",
        ),
        (
            vec![(1, "A", "81.2.69.100"), (2, "A", "81.2.69.101")],
            "DigitalOcean: 2 A records for home.example.com",
        ),
    ] {
        let env = Env::new("do-count");
        let source = env.ip_source(&[IP1]);
        let provider = env.server(vec![Reply::json(200, &listed(&records))]);
        env.write_config(3, &[source.url()], &record(&provider, ""));
        let out = env.run(&[]);
        expect_code(&out, 3);
        assert!(out.stderr.contains(text), "{}", out.stderr);
        assert_eq!(provider.count(), 1, "never a PATCH");
        expect_code(&env.run(&[]), 3);
        assert_eq!(provider.count(), 1);
    }
}

#[test]
fn a_refused_token_exits_3_and_is_not_retried() {
    let env = Env::new("do-401");
    let source = env.ip_source(&[IP1, IP2]);
    let provider = env.server(vec![Reply::json(401, UNAUTHORIZED)]);
    env.write_config(3, &[source.url()], &record(&provider, ""));
    let out = env.run(&["-vv"]);
    expect_code(&out, 3);
    assert!(
        out.stderr
            .contains("DigitalOcean refused the token (HTTP 401: Unable to authenticate you)"),
        "{}",
        out.stderr
    );
    no_secret(&[&out], &[], SECRETS);
    let out = env.run(&[]);
    expect_code(&out, 3);
    assert_eq!(provider.count(), 1);
    let out = env.run(&["status"]);
    assert!(out.stdout.contains("stopped until"), "{}", out.stdout);
    no_secret(&[&out], &[&env.state_text().unwrap()], SECRETS);
}

#[test]
fn rate_limits_and_server_errors_back_off() {
    let env = Env::new("do-429");
    let source = env.ip_source(&[IP1]);
    let provider = env.server(vec![
        Reply::json(
            429,
            r#"{"id":"too_many_requests","message":"API Rate limit exceeded."}"#,
        )
        .with_header("Retry-After", "7200"),
        Reply::status(503, "<html>Service Unavailable</html>"),
    ]);
    env.write_config(3, &[source.url()], &record(&provider, ""));
    let out = env.run(&[]);
    expect_code(&out, 1);
    assert!(out.stderr.contains("next try in 2 h"), "{}", out.stderr);
    assert!(
        out.stderr.contains("API Rate limit exceeded."),
        "{}",
        out.stderr
    );
    expect_code(&env.run(&[]), 1);
    assert_eq!(provider.count(), 1, "backing off: nothing sent");
    let out = env.run(&["--force"]);
    expect_code(&out, 1);
    assert!(out.stderr.contains("HTTP 503"), "{}", out.stderr);
}

#[test]
fn a_patch_reporting_other_data_is_not_success() {
    let env = Env::new("do-wrongdata");
    let source = env.ip_source(&[IP1]);
    let provider = env.server(vec![
        Reply::json(200, &listed(&[(123, "A", "81.2.69.100")])),
        Reply::json(200, &patched(123, "A", "81.2.69.100")),
    ]);
    env.write_config(3, &[source.url()], &record(&provider, ""));
    let out = env.run(&[]);
    expect_code(&out, 1);
    assert!(
        out.stderr.contains("after the update, not 81.2.69.160"),
        "{}",
        out.stderr
    );
}

#[test]
fn dry_run_prints_the_lookup_without_the_token() {
    let env = Env::new("do-dry");
    let source = env.ip_source(&[IP1]);
    let provider = env.server(vec![Reply::json(200, &listed(&[]))]);
    env.write_config(3, &[source.url()], &record(&provider, ""));
    let out = env.dry_run(&[&provider]);
    assert!(
        out.stdout.contains(&format!(
            "GET {}/v2/domains/example.com/records?name=home.example.com&type=A\n  Authorization: Bearer ***",
            provider.url()
        )),
        "{}",
        out.stdout
    );
    no_secret(&[&out], &[], SECRETS);
}
