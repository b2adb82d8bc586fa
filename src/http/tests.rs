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

fn reply_with(headers: &[(&str, &str)]) -> Reply {
    Reply {
        status: 503,
        headers: headers
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        body: vec![],
    }
}

#[test]
fn retry_after_in_seconds_or_as_an_http_date() {
    let now = 1_796_196_600; // Wed, 02 Dec 2026 07:30:00 GMT
    assert_eq!(
        reply_with(&[("retry-after", " 120 ")]).retry_after_at(now),
        Some(120)
    );
    assert_eq!(reply_with(&[]).retry_after_at(now), None);
    assert_eq!(
        reply_with(&[("retry-after", "soon")]).retry_after_at(now),
        None
    );
    for date in [
        "Wed, 02 Dec 2026 08:30:00 GMT",
        "Wednesday, 02-Dec-26 08:30:00 GMT",
        "Wed Dec  2 08:30:00 2026",
    ] {
        let r = reply_with(&[("retry-after", date)]);
        assert_eq!(r.retry_after_at(now), Some(3600), "{date}");
    }
    // The server's own Date is the base when given: our clock may be years off.
    let r = reply_with(&[
        ("date", "Wed, 02 Dec 2026 08:00:00 GMT"),
        ("retry-after", "Wed, 02 Dec 2026 08:30:00 GMT"),
    ]);
    assert_eq!(r.retry_after_at(0), Some(1800));
    assert_eq!(r.retry_after_at(now + 86_400), Some(1800));
    // A date already past asks for no wait; an unreadable Date falls back to our clock.
    let r = reply_with(&[("retry-after", "Wed, 02 Dec 2026 07:00:00 GMT")]);
    assert_eq!(r.retry_after_at(now), Some(0));
    let r = reply_with(&[
        ("date", "yesterday"),
        ("retry-after", "Wed, 02 Dec 2026 07:31:00 GMT"),
    ]);
    assert_eq!(r.retry_after_at(now), Some(60));
}

/// A one-thread loopback server answering each connection with the next canned reply, and
/// handing back what each request looked like.
fn serve(
    addr: &str,
    replies: Vec<&'static [u8]>,
) -> (String, std::thread::JoinHandle<Vec<String>>) {
    use std::io::Read as _;
    let listener = std::net::TcpListener::bind(addr).unwrap();
    let port = listener.local_addr().unwrap().port();
    let handle = std::thread::spawn(move || {
        let mut seen = Vec::new();
        for reply in replies {
            let (mut s, _) = listener.accept().unwrap();
            s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
            let mut req = Vec::new();
            let mut buf = [0u8; 4096];
            // Head, then as many body bytes as Content-Length says.
            while let Ok(n) = s.read(&mut buf) {
                if n == 0 {
                    break;
                }
                req.extend_from_slice(&buf[..n]);
                let text = String::from_utf8_lossy(&req).to_string();
                if let Some(end) = text.find("\r\n\r\n") {
                    let len = text
                        .lines()
                        .find_map(|l| l.strip_prefix("Content-Length: "))
                        .map_or(0, |v| v.trim().parse::<usize>().unwrap());
                    if req.len() >= end + 4 + len {
                        break;
                    }
                }
            }
            seen.push(String::from_utf8_lossy(&req).to_string());
            let _ = s.write_all(reply);
        }
        seen
    });
    (format!("{port}"), handle)
}

#[test]
fn redirects_307_and_308_keep_method_and_body() {
    for code in ["307", "308"] {
        let moved: &'static [u8] = if code == "307" {
            b"HTTP/1.1 307 Temporary Redirect\r\nLocation: /next\r\nContent-Length: 0\r\n\r\n"
        } else {
            b"HTTP/1.1 308 Permanent Redirect\r\nLocation: /next\r\nContent-Length: 0\r\n\r\n"
        };
        let (port, server) = serve(
            "127.0.0.1:0",
            vec![moved, b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"],
        );
        let req = Request::json(
            Method::Put,
            format!("http://127.0.0.1:{port}/first"),
            r#"{"content":"81.2.69.160"}"#.into(),
            false,
        );
        let reply = Client { timeout_secs: 5 }.send(&req).unwrap();
        assert_eq!((reply.status, reply.body.as_slice()), (200, &b"ok"[..]));
        let seen = server.join().unwrap();
        assert!(
            seen[0].starts_with("PUT /first HTTP/1.1\r\n"),
            "{}",
            seen[0]
        );
        assert!(
            seen[1].starts_with("PUT /next HTTP/1.1\r\n"),
            "{code}: {}",
            seen[1]
        );
        assert!(
            seen[1].ends_with(r#"{"content":"81.2.69.160"}"#),
            "{code}: {}",
            seen[1]
        );
        assert!(seen[1].contains("Content-Type: application/json\r\n"));
    }
    // 303 turns into a GET without a body.
    let (port, server) = serve(
        "127.0.0.1:0",
        vec![
            b"HTTP/1.1 303 See Other\r\nLocation: /next\r\nContent-Length: 0\r\n\r\n",
            b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n",
        ],
    );
    let req = Request::json(
        Method::Post,
        format!("http://127.0.0.1:{port}/a"),
        "{}".into(),
        false,
    );
    Client { timeout_secs: 5 }.send(&req).unwrap();
    let seen = server.join().unwrap();
    assert!(seen[1].starts_with("GET /next HTTP/1.1\r\n"), "{}", seen[1]);
    assert!(!seen[1].contains("Content-Length"), "{}", seen[1]);
}

#[test]
fn requests_to_ipv6_literals_and_their_failures() {
    let Ok(probe) = std::net::TcpListener::bind("[::1]:0") else {
        eprintln!("no IPv6 loopback here; skipped");
        return;
    };
    drop(probe);
    let (port, server) = serve(
        "[::1]:0",
        vec![
            b"HTTP/1.1 200 OK\r\nContent-Length: 12\r\n\r\n81.2.69.160\n",
            b"",
            b"HTTP/1.1 200 OK\r\nContent-Length: 12\r\n\r\n81.2.69.16",
        ],
    );
    let client = Client { timeout_secs: 5 };
    let url = format!("http://[::1]:{port}/ip");
    let reply = client.send(&Request::get(&url)).unwrap();
    assert_eq!(reply.text(), "81.2.69.160\n");
    let e = client.send(&Request::get(&url)).unwrap_err();
    assert_eq!(
        e.to_string(),
        format!("[::1]:{port}: closed the connection without a reply")
    );
    let e = client.send(&Request::get(&url)).unwrap_err();
    assert_eq!(
        e.to_string(),
        format!("[::1]:{port}: reply cut short after 10 of 12 bytes")
    );
    assert_eq!(e.class(), crate::error::Class::Transient);
    let seen = server.join().unwrap();
    assert!(
        seen[0].starts_with(&format!("GET /ip HTTP/1.1\r\nHost: [::1]:{port}\r\n")),
        "{}",
        seen[0]
    );
    assert!(seen[0].contains(&format!("User-Agent: {USER_AGENT}\r\n")));
}

#[test]
fn a_silent_server_is_bounded_by_the_timeout() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let start = Instant::now();
    let e = Client { timeout_secs: 1 }
        .send(&Request::get(format!("http://127.0.0.1:{port}/")))
        .unwrap_err();
    assert!(
        start.elapsed() < Duration::from_secs(4),
        "{:?}",
        start.elapsed()
    );
    assert!(e.to_string().contains("timed out after 1 s"), "{e}");
    drop(listener);
}

#[test]
fn user_agent_names_version_and_project() {
    assert!(USER_AGENT.starts_with("ddnsup/0."));
    assert!(USER_AGENT.contains("(+https://"));
}

#[test]
fn check_knows_what_the_transport_can_reach() {
    use crate::fields::check_url;
    assert!(check_url("https://[2606:4700:4700::1111]/cdn-cgi/trace", false).is_ok());
    assert!(check_url("http://[::1]:8080/ip", true).is_ok());
    assert!(check_url("https://[::1]:8443", false).is_ok());
    for bad in [
        "https://[::1",
        "https://[::1]x",
        "https://h.example:99999/",
        "https://h:x/",
    ] {
        assert!(check_url(bad, false).is_err(), "{bad}");
    }
}
