//! netcup through the real binary: one session per run (login, read, update, logout), the logout sent even after a failure, record ids remembered, failures classified, no secret shown.
//!
//! Replies follow the Responsemessage and Dnsrecord types documented at
//! https://ccp.netcup.net/run/webservice/servers/endpoint.php (serverrequestid,
//! clientrequestid, action, status, statuscode 2000 for success, shortmessage, longmessage,
//! responsedata with apisessionid or dnsrecords).
mod harness;
mod support;

use harness::*;
use support::{MockServer, Recorded, Reply};

const APIKEY: &str = "nc4p1k3y0123456789abcdefghijklmn";
const APIPASSWORD: &str = "nc4p1pa55w0rd0123456789ab";
const SESSION: &str = "c2Vzc2lvbi0xMjM0NTY3ODkw";
/// What must never show, whole or in part.
const SECRETS: &[&str] = &[APIKEY, APIPASSWORD, "nc4p1", SESSION];
const V6: &str = "2a01:4f8:10:20::5";
const TARGET: &str = "/run/webservice/servers/endpoint.php?JSON";

fn login_ok() -> Reply {
    Reply::json(
        200,
        &format!(
            r#"{{"serverrequestid":"Wp0Yl9kxs8QhQdsW","clientrequestid":"","action":"login","status":"success","statuscode":2000,"shortmessage":"Login successful","longmessage":"Session has been created successful.","responsedata":{{"apisessionid":"{SESSION}"}}}}"#
        ),
    )
}

fn logout_ok() -> Reply {
    Reply::json(
        200,
        r#"{"serverrequestid":"Zs3Bo2n0v1TkTgsZ","clientrequestid":"","action":"logout","status":"success","statuscode":2000,"shortmessage":"Logout successful","longmessage":"Session has been terminated successful.","responsedata":""}"#,
    )
}

fn error(action: &str, code: u32, short: &str, long: &str) -> Reply {
    Reply::json(
        200,
        &format!(
            r#"{{"serverrequestid":"Xq1Zm0lyt9RiReqX","clientrequestid":"","action":"{action}","status":"error","statuscode":{code},"shortmessage":"{short}","longmessage":"{long}","responsedata":""}}"#
        ),
    )
}

/// An answer listing `(id, hostname, type, destination)` records.
fn records(action: &str, list: &[(&str, &str, &str, &str)]) -> Reply {
    let items: Vec<String> = list
        .iter()
        .map(|(id, host, rr, dest)| {
            format!(
                r#"{{"id":"{id}","hostname":"{host}","type":"{rr}","priority":"0","destination":"{dest}","deleterecord":false,"state":"yes"}}"#
            )
        })
        .collect();
    Reply::json(
        200,
        &format!(
            r#"{{"serverrequestid":"Ab4Cp3o1w2UlUhtA","clientrequestid":"","action":"{action}","status":"success","statuscode":2000,"shortmessage":"DNS records found","longmessage":"DNS Records for this zone were found.","responsedata":{{"dnsrecords":[{}]}}}}"#,
            items.join(",")
        ),
    )
}

fn record(server: &MockServer, extra: &str) -> String {
    format!(
        "[[record]]\nprovider = \"netcup\"\nserver = {:?}\nzone = \"example.com\"\nname = \"home.example.com\"\ncustomernumber = \"123456\"\napikey = {APIKEY:?}\napipassword = {APIPASSWORD:?}\n{extra}",
        server.url()
    )
}

#[track_caller]
fn expect_call(r: &Recorded, action: &str) {
    assert_eq!(r.method, "POST");
    assert_eq!(r.target, TARGET);
    assert_eq!(r.header("content-type"), Some("application/json"));
    let body = r.body_text();
    assert!(
        body.starts_with(&format!(
            r#"{{"action":"{action}","param":{{"customernumber":"123456","apikey":"{APIKEY}""#
        )),
        "{body}"
    );
    if action != "login" {
        assert!(
            body.contains(&format!(r#""apisessionid":"{SESSION}""#)),
            "{body}"
        );
    }
}

#[test]
fn first_update_then_a_change_by_remembered_id_then_silence() {
    let env = Env::new("netcup-update");
    let source = env.ip_source(&[IP1, IP2]);
    let provider = env.server(vec![
        login_ok(),
        records(
            "infoDnsRecords",
            &[
                ("7", "home", "A", "81.2.69.100"),
                ("8", "www", "A", "81.2.69.100"),
            ],
        ),
        records(
            "updateDnsRecords",
            &[("7", "home", "A", IP1), ("8", "www", "A", "81.2.69.100")],
        ),
        logout_ok(),
        login_ok(),
        records("updateDnsRecords", &[("7", "home", "A", IP2)]),
        logout_ok(),
    ]);
    env.write_config(3, &[source.url()], &record(&provider, ""));
    let out = env.run(&["-vv"]);
    expect_code(&out, 0);
    let sent = provider.requests();
    assert_eq!(sent.len(), 4);
    expect_call(&sent[0], "login");
    assert!(
        sent[0]
            .body_text()
            .contains(&format!(r#""apipassword":"{APIPASSWORD}""#))
    );
    expect_call(&sent[1], "infoDnsRecords");
    assert!(
        sent[1]
            .body_text()
            .contains(r#""domainname":"example.com""#)
    );
    expect_call(&sent[2], "updateDnsRecords");
    assert!(
        sent[2].body_text().ends_with(&format!(
            r#""dnsrecordset":{{"dnsrecords":[{{"id":"7","hostname":"home","type":"A","destination":"{IP1}","deleterecord":false}}]}}}}}}"#
        )),
        "{}",
        sent[2].body_text()
    );
    expect_call(&sent[3], "logout");
    assert!(
        out.stderr
            .contains("home.example.com (netcup): updated A to 81.2.69.160"),
        "{}",
        out.stderr
    );
    let state = env.state_text().unwrap();
    assert!(state.contains("\"cache\":\"7\""), "{state}");
    no_secret(&[&out], &[&state], SECRETS);

    // A new address: login, one update by id, logout.
    let out = env.run(&[]);
    expect_code(&out, 0);
    let sent = provider.requests();
    assert_eq!(sent.len(), 7);
    expect_call(&sent[4], "login");
    expect_call(&sent[5], "updateDnsRecords");
    assert!(sent[5].body_text().contains(&format!(
        r#"{{"id":"7","hostname":"home","type":"A","destination":"{IP2}""#
    )));
    expect_call(&sent[6], "logout");
    assert!(
        out.stderr
            .contains("updated A to 81.2.69.161 (was 81.2.69.160)"),
        "{}",
        out.stderr
    );

    // Unchanged: nothing sent.
    expect_code(&env.run(&[]), 0);
    assert_eq!(provider.count(), 7);
    no_secret(&[&env.run(&["status"])], &[], SECRETS);
}

#[test]
fn a_record_already_right_is_not_written() {
    let env = Env::new("netcup-same");
    let source = env.ip_source(&[IP1]);
    let provider = env.server(vec![
        login_ok(),
        records("infoDnsRecords", &[("7", "home", "A", IP1)]),
        logout_ok(),
    ]);
    env.write_config(3, &[source.url()], &record(&provider, ""));
    let out = env.run(&[]);
    expect_code(&out, 0);
    let sent = provider.requests();
    assert_eq!(sent.len(), 3);
    expect_call(&sent[2], "logout");
    assert!(
        out.stderr.contains("A already 81.2.69.160"),
        "{}",
        out.stderr
    );
    assert!(env.state_text().unwrap().contains("\"cache\":\"7\""));
}

#[test]
fn both_families_share_one_session_and_one_update() {
    let env = Env::new("netcup-dual");
    let v4 = env.ip_source(&[IP1]);
    let v6 = env.ip_source(&[V6]);
    let provider = env.server(vec![
        login_ok(),
        records(
            "infoDnsRecords",
            &[
                ("7", "home", "A", "81.2.69.100"),
                ("9", "home", "AAAA", "2a01:4f8:10:20::4"),
            ],
        ),
        records(
            "updateDnsRecords",
            &[("7", "home", "A", IP1), ("9", "home", "AAAA", V6)],
        ),
        logout_ok(),
    ]);
    env.write_config_dual(
        3,
        &[v4.url()],
        &[v6.url()],
        &record(&provider, "family = \"both\"\n"),
    );
    let out = env.run(&[]);
    expect_code(&out, 0);
    let sent = provider.requests();
    assert_eq!(sent.len(), 4);
    let body = sent[2].body_text();
    assert!(
        body.contains(&format!(r#"[{{"id":"7","hostname":"home","type":"A","destination":"{IP1}","deleterecord":false}},{{"id":"9","hostname":"home","type":"AAAA","destination":"{V6}","deleterecord":false}}]"#)),
        "{body}"
    );
    expect_call(&sent[3], "logout");
    assert!(
        out.stderr.contains("updated AAAA to 2a01:4f8:10:20::5"),
        "{}",
        out.stderr
    );
    let state = env.state_text().unwrap();
    assert!(
        state.contains("\"cache\":\"7\"") && state.contains("\"cache\":\"9\""),
        "{state}"
    );
}

#[test]
fn a_missing_record_is_fatal_unless_create_is_set() {
    let env = Env::new("netcup-missing");
    let source = env.ip_source(&[IP1]);
    let provider = env.server(vec![
        login_ok(),
        records("infoDnsRecords", &[("8", "www", "A", "81.2.69.100")]),
        logout_ok(),
    ]);
    env.write_config(3, &[source.url()], &record(&provider, ""));
    let out = env.run(&[]);
    expect_code(&out, 3);
    assert!(
        out.stderr.contains("netcup: no A record for home.example.com in example.com; create it, or set `create = true`"),
        "{}",
        out.stderr
    );
    let sent = provider.requests();
    assert_eq!(sent.len(), 3, "no update, but the logout");
    expect_call(&sent[2], "logout");
    expect_code(&env.run(&[]), 3);
    assert_eq!(provider.count(), 3);

    let env = Env::new("netcup-create");
    let source = env.ip_source(&[IP1]);
    let provider = env.server(vec![
        login_ok(),
        records("infoDnsRecords", &[("8", "www", "A", "81.2.69.100")]),
        records(
            "updateDnsRecords",
            &[("8", "www", "A", "81.2.69.100"), ("10", "home", "A", IP1)],
        ),
        logout_ok(),
    ]);
    env.write_config(3, &[source.url()], &record(&provider, "create = true\n"));
    let out = env.run(&[]);
    expect_code(&out, 0);
    let sent = provider.requests();
    assert_eq!(sent.len(), 4);
    assert!(
        sent[2].body_text().contains(&format!(r#""dnsrecords":[{{"hostname":"home","type":"A","destination":"{IP1}","deleterecord":false}}]"#)),
        "{}",
        sent[2].body_text()
    );
    assert!(env.state_text().unwrap().contains("\"cache\":\"10\""));
}

#[test]
fn a_refused_login_exits_3_and_is_not_retried() {
    let env = Env::new("netcup-login");
    let source = env.ip_source(&[IP1, IP2]);
    let provider = env.server(vec![error(
        "login",
        4013,
        "Validation Error.",
        "The customer number, API key or API password is not valid.",
    )]);
    env.write_config(3, &[source.url()], &record(&provider, ""));
    let out = env.run(&["-vv"]);
    expect_code(&out, 3);
    assert!(
        out.stderr.contains("netcup login: 4013 Validation Error.: The customer number, API key or API password is not valid.; check `customernumber`, `apikey` and `apipassword`"),
        "{}",
        out.stderr
    );
    assert_eq!(provider.count(), 1, "no logout without a session");
    no_secret(&[&out], &[], SECRETS);
    expect_code(&env.run(&[]), 3);
    assert_eq!(provider.count(), 1);
    let out = env.run(&["status"]);
    assert!(out.stdout.contains("stopped until"), "{}", out.stdout);
}

#[test]
fn the_request_limit_and_server_errors_back_off() {
    let env = Env::new("netcup-limit");
    let source = env.ip_source(&[IP1]);
    let provider = env.server(vec![
        login_ok(),
        error(
            "infoDnsRecords",
            4013,
            "Validation Error.",
            "More than 180 requests per minute. Please wait and retry later.",
        ),
        logout_ok(),
        Reply::status(503, "<html>Service Unavailable</html>").with_header("Retry-After", "7200"),
    ]);
    env.write_config(3, &[source.url()], &record(&provider, ""));
    let out = env.run(&[]);
    expect_code(&out, 1);
    assert!(
        out.stderr.contains("More than 180 requests per minute"),
        "{}",
        out.stderr
    );
    let sent = provider.requests();
    assert_eq!(sent.len(), 3);
    expect_call(&sent[2], "logout");
    expect_code(&env.run(&[]), 1);
    assert_eq!(provider.count(), 3, "backing off: nothing sent");
    let out = env.run(&["--force"]);
    expect_code(&out, 1);
    assert!(out.stderr.contains("HTTP 503"), "{}", out.stderr);
    assert!(out.stderr.contains("next try in 2 h"), "{}", out.stderr);
}

#[test]
fn dry_run_shows_the_login_without_secrets() {
    let env = Env::new("netcup-dry");
    let source = env.ip_source(&[IP1]);
    let provider = env.server(vec![login_ok()]);
    env.write_config(3, &[source.url()], &record(&provider, ""));
    let out = env.dry_run(&[&provider]);
    assert!(
        out.stdout
            .contains(&format!("POST {}{TARGET}", provider.url())),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("holds a secret"), "{}", out.stdout);
    no_secret(&[&out], &[], SECRETS);
}
