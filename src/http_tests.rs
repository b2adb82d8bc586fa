//! Tests for http.rs.
use super::*;

#[test]
fn encodes_everything_but_unreserved() {
    assert_eq!(percent_encode("a-b.c_d~e"), "a-b.c_d~e");
    assert_eq!(
        percent_encode("p@ss w&rd=+/%"),
        "p%40ss%20w%26rd%3D%2B%2F%25"
    );
    assert_eq!(percent_encode("*"), "%2A");
    assert_eq!(percent_encode("é"), "%C3%A9");
}

#[test]
fn base64_matches_rfc4648() {
    assert_eq!(base64(b""), "");
    assert_eq!(base64(b"f"), "Zg==");
    assert_eq!(base64(b"fo"), "Zm8=");
    assert_eq!(base64(b"foo"), "Zm9v");
    assert_eq!(base64(b"foobar"), "Zm9vYmFy");
    assert_eq!(base64(b"username:password"), "dXNlcm5hbWU6cGFzc3dvcmQ=");
}

#[test]
fn redaction_hides_secret_params_and_auth() {
    let r = Request::get("https://h.example/update")
        .param("host", "@")
        .secret_param("password", "s3cr&t")
        .basic_auth("me", "hunter2");
    let shown = r.redacted();
    assert!(shown.contains("host=%40"));
    assert!(shown.contains("password=***"));
    assert!(shown.contains("Authorization: Basic ***"));
    assert!(!shown.contains("s3cr"));
    assert!(!shown.contains(&base64(b"me:hunter2")));
    assert_eq!(format!("{r:?}"), shown);
    assert_eq!(
        r.wire_url(),
        "https://h.example/update?host=%40&password=s3cr%26t"
    );
    assert!(r.carries_secret());
    assert!(!Request::get("https://x").param("a", "b").carries_secret());
}

#[test]
fn secret_path_segments_and_json_bodies_are_hidden() {
    let r = Request::get("https://sync.example/u")
        .secret_segment("t0k/en")
        .param("address", "81.2.69.160");
    assert_eq!(
        r.wire_url(),
        "https://sync.example/u/t0k%2Fen?address=81.2.69.160"
    );
    assert!(
        r.redacted()
            .starts_with("GET https://sync.example/u/***?address=81.2.69.160")
    );
    assert!(r.carries_secret());
    let j = Request::json(
        Method::Post,
        "https://api.example/x",
        r#"{"apikey":"k"}"#.into(),
        true,
    );
    assert!(
        j.redacted().contains("<body of 14 bytes, holds a secret>"),
        "{}",
        j.redacted()
    );
    assert!(j.redacted().starts_with("POST https://api.example/x"));
    assert!(j.redacted().contains("Content-Type: application/json"));
    let open = Request::json(
        Method::Patch,
        "https://api.example/x",
        r#"{"content":"1.2.3.4"}"#.into(),
        false,
    );
    assert!(open.redacted().contains(r#"{"content":"1.2.3.4"}"#));
}

#[test]
fn origins_and_hosts() {
    assert_eq!(
        origin_of("https://a.example:8443/x?y=1"),
        "https://a.example:8443"
    );
    assert_eq!(host_of("https://a.example/x?password=1"), "a.example");
    assert_eq!(host_of("http://127.0.0.1:80?x"), "127.0.0.1:80");
}

#[test]
fn redirect_rules() {
    let from = "https://a.example/nic/update?x=1";
    assert_eq!(
        resolve_redirect(from, "/other").unwrap(),
        "https://a.example/other"
    );
    assert!(resolve_redirect(from, "//evil.example/").is_err());
    assert!(resolve_redirect(from, "relative").is_err());
    assert!(check_redirect(from, "http://a.example/x", false).is_err());
    assert!(check_redirect(from, "https://b.example/x", true).is_err());
    assert!(check_redirect(from, "https://b.example/x", false).is_ok());
    assert!(check_redirect(from, "https://A.example/y", true).is_ok());
    assert!(check_redirect("http://a.example/", "https://a.example/", false).is_ok());
}

#[test]
fn retry_after_is_read_in_seconds() {
    let reply = Reply {
        status: 429,
        headers: vec![("retry-after".into(), " 120 ".into())],
        body: vec![],
    };
    assert_eq!(reply.retry_after_secs(), Some(120));
    let reply = Reply {
        status: 503,
        headers: vec![("retry-after".into(), "Wed, 21 Oct 2026 07:28:00 GMT".into())],
        body: vec![],
    };
    assert_eq!(reply.retry_after_secs(), None);
}

#[test]
fn user_agent_names_version_and_project() {
    assert!(USER_AGENT.starts_with("ddnsup/0."));
    assert!(USER_AGENT.contains("(+https://"));
}
