//! Replies cut short or odd on the wire, over plain HTTP and TLS, through the real binary:
//! never taken for an answer, nothing sent on their strength, nothing good lost. Also IPv6
//! literal URLs, a server that closes without a reply, and `Retry-After` as an HTTP-date.
mod harness;
mod support;

use harness::*;
use support::{MockServer, Recorded, Reply, script};

/// Each cut, as raw bytes, with what the run must say about it. The body would have been
/// `81.2.69.160` (IP1), so a reader that stops at end-of-stream publishes `81.2.69.16`.
const SOURCE_CUTS: [(&str, &str); 4] = [
    (
        "HTTP/1.1 200 OK\r\nContent-Length: 12\r\nConnection: close\r\n\r\n81.2.69.16",
        "reply cut short after 10 of 12 bytes",
    ),
    (
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nc\r\n81.2.69.16",
        "reply cut short after 0 bytes: the chunked body ended before its last chunk",
    ),
    (
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\na\r\n81.2.69.16\r\n",
        "reply cut short after 10 bytes: the chunked body ended before its last chunk",
    ),
    (
        "HTTP/1.1 200 OK\r\nContent-Length: 12\r\nConnection: close\r\n\r\n",
        "reply cut short after 0 of 12 bytes",
    ),
];

/// A server answering `replies` in turn, over TLS (the env's CA) or plain HTTP.
fn server(env: &Env, tls: bool, replies: Vec<Reply>) -> MockServer {
    if tls {
        env.server(replies)
    } else {
        MockServer::http(script(replies))
    }
}

fn dyndns2_record(server: &str) -> String {
    format!(
        "[[record]]\nprovider = \"dyndns2\"\nserver = {server:?}\nallow_http = true\nhostname = \"home.example.org\"\nusername = \"me\"\npassword = \"secret-pw\"\n"
    )
}

#[test]
fn a_cut_address_reply_sends_nothing_and_keeps_the_state() {
    for tls in [false, true] {
        for (cut, said) in SOURCE_CUTS {
            let env = Env::new("cut-source");
            let source = server(
                &env,
                tls,
                vec![Reply::ok(&format!("{IP1}\n")), Reply::raw(cut)],
            );
            let provider = env.server(vec![Reply::ok(&nc_success(IP1))]);
            env.namecheap(&source, &provider, PASSWORD);
            expect_code(&env.run(&[]), 0);
            assert_eq!(provider.count(), 1);
            let state = env.state_text().expect("state after the first run");

            let out = env.run(&[]);
            expect_code(&out, 1);
            assert!(
                out.stderr.contains(said),
                "tls={tls} {cut:?}: {}",
                out.stderr
            );
            assert_eq!(provider.count(), 1, "tls={tls} {cut:?}: nothing is sent");
            assert_eq!(
                env.state_text().as_ref(),
                Some(&state),
                "the state is untouched"
            );
        }
    }
}

#[test]
fn a_cut_provider_reply_is_a_failure_never_a_success() {
    // `good 81.2.69.160` cut after `good`: read to end-of-stream it would pass for success.
    let cuts = [
        (
            "HTTP/1.1 200 OK\r\nContent-Length: 16\r\n\r\ngood",
            "reply cut short after 4 of 16 bytes",
        ),
        (
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10\r\ngood",
            "reply cut short after 0 bytes: the chunked body ended",
        ),
        (
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\ngood\r\n",
            "reply cut short after 4 bytes: the chunked body ended",
        ),
        (
            "HTTP/1.1 200 OK\r\nContent-Length: 16\r\n\r\n",
            "reply cut short after 0 of 16 bytes",
        ),
        ("", "closed the connection without a reply"),
    ];
    for tls in [false, true] {
        for (cut, said) in cuts {
            let env = Env::new("cut-provider");
            let source = env.ip_source(&[IP1]);
            let provider = server(&env, tls, vec![Reply::raw(cut)]);
            let url = format!("{}/ip", source.url());
            env.write_config(3, &[url], &dyndns2_record(&provider.url()));
            let out = env.run(&[]);
            expect_code(&out, 1);
            assert!(
                out.stderr.contains(said),
                "tls={tls} {cut:?}: {}",
                out.stderr
            );
            assert!(!out.stderr.contains("HTTP 503"), "{}", out.stderr);
            assert_eq!(provider.count(), 1);
            let state = env.state_text().unwrap_or_default();
            assert!(state.contains("\"failures\":1"), "{state}");
            assert!(!state.contains(&format!("\"ip\":\"{IP1}\"")), "{state}");
        }
    }
}

#[test]
fn whole_chunked_replies_still_work() {
    let env = Env::new("chunked-ok");
    let chunked = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n81.2.\r\n7\r\n69.160\n\r\n0\r\n\r\n";
    let source = env.server(vec![Reply::raw(chunked)]);
    let good =
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10\r\ngood 81.2.69.160\r\n0\r\n\r\n";
    let provider = env.server(vec![Reply::raw(good)]);
    env.write_config(
        3,
        &[format!("{}/ip", source.url())],
        &dyndns2_record(&provider.url()),
    );
    let out = env.run(&[]);
    expect_code(&out, 0);
    assert_eq!(provider.last().unwrap().param("myip"), Some(IP1));
}

#[test]
fn ipv6_literal_urls_reach_sources_and_servers() {
    let env = Env::new("v6-literal");
    let answer = |_: &Recorded| Reply::ok(&format!("{IP1}\n"));
    let Some(plain) = MockServer::on_ipv6(None, answer) else {
        eprintln!("no IPv6 loopback on this machine; skipped");
        return;
    };
    let tls_source = MockServer::on_ipv6(Some(&env.ca), answer).expect("[::1] listener");
    let provider = MockServer::on_ipv6(
        Some(&env.ca),
        script(vec![Reply::ok(&format!("good {IP1}"))]),
    )
    .expect("[::1] listener");
    assert!(provider.url().starts_with("https://[::1]:"));
    for source in [&plain, &tls_source] {
        let _ = std::fs::remove_file(&env.state);
        env.write_config(
            3,
            &[format!("{}/ip", source.url())],
            &dyndns2_record(&provider.url()),
        );
        expect_code(&env.run(&["check"]), 0);
        let out = env.run(&[]);
        expect_code(&out, 0);
        let last = provider.last().unwrap();
        assert_eq!(last.param("myip"), Some(IP1));
        assert_eq!(
            last.header("host"),
            Some(format!("[::1]:{}", provider.port()).as_str())
        );
    }
    assert_eq!(provider.count(), 2);
    assert_eq!(tls_source.count(), 1);
    assert_eq!(plain.count(), 1);

    // The certificate must be for the address itself: one for `localhost` only is refused.
    let named_only = support::TestCa::with_server_names(&["localhost"]);
    let wrong = MockServer::on_ipv6(Some(&named_only), answer).expect("[::1] listener");
    let env = Env::new("v6-literal-cert");
    std::fs::write(&env.ca_file, named_only.ca_pem()).unwrap();
    env.write_config(
        3,
        &[format!("{}/ip", wrong.url())],
        &dyndns2_record(&provider.url()),
    );
    let out = env.run(&[]);
    expect_code(&out, 1);
    assert!(out.stderr.contains("certificate"), "{}", out.stderr);
    assert_eq!(
        wrong.count(),
        0,
        "no request goes to a server whose certificate does not match"
    );
}

#[test]
fn retry_after_as_an_http_date_is_honoured() {
    let env = Env::new("retry-date");
    let source = env.ip_source(&[IP1]);
    // The server's own clock says 12:00; it asks for 13:00, so one hour from whatever we think.
    let busy = Reply::status(503, "busy")
        .with_header("Date", "Wed, 02 Dec 2026 12:00:00 GMT")
        .with_header("Retry-After", "Wed, 02 Dec 2026 13:00:00 GMT");
    let provider = env.server(vec![busy]);
    env.write_config(
        3,
        &[format!("{}/ip", source.url())],
        &dyndns2_record(&provider.url()),
    );
    expect_code(&env.run(&[]), 1);
    let status = env.run(&["status"]).stdout;
    assert!(status.contains("1 failure(s) in a row"), "{status}");
    let state = env.state_text().unwrap();
    let field = |name: &str| -> u64 {
        let at = state.find(&format!("\"{name}\":")).unwrap() + name.len() + 3;
        let digits: String = state[at..]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        digits.parse().unwrap()
    };
    let wait = field("next").saturating_sub(now());
    assert!((3590..=3600).contains(&wait), "waits {wait} s: {state}");
    // And the next run leaves the server alone.
    expect_code(&env.run(&[]), 1);
    assert_eq!(provider.count(), 1);
}
