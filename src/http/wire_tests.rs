//! Tests for wire.rs: targets, request bytes, heads, and every way a body can be cut short.
use super::*;

fn read(bytes: &[u8]) -> Result<(Head, Vec<u8>), String> {
    let mut r = bytes;
    read_reply(&mut r, 64).map_err(|e| match e {
        ReadError::Bad(m) => m,
        ReadError::Io(e) => format!("io: {e}"),
    })
}

fn body(bytes: &[u8]) -> Vec<u8> {
    read(bytes).unwrap().1
}

/// A reader that ends like a TLS peer that closed without close_notify.
struct Unclean<'a>(&'a [u8]);

impl Read for Unclean<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.0.is_empty() {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        let n = self.0.read(buf)?;
        Ok(n)
    }
}

/// A reader handing out one byte per call, to cross every buffer boundary.
struct Drip<'a>(&'a [u8]);

impl Read for Drip<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self.0.split_first() {
            Some((b, rest)) if !buf.is_empty() => {
                buf[0] = *b;
                self.0 = rest;
                Ok(1)
            }
            _ => Ok(0),
        }
    }
}

#[test]
fn targets_with_names_addresses_and_ports() {
    let t = parse_target("https://api.example.com/v1/x?a=1#frag").unwrap();
    assert_eq!(
        (t.https, t.host.as_str(), t.ip, t.port, t.path.as_str()),
        (true, "api.example.com", None, 443, "/v1/x?a=1")
    );
    assert_eq!(t.host_header(), "api.example.com");
    let t = parse_target("http://127.0.0.1:8080").unwrap();
    assert_eq!((t.port, t.path.as_str()), (8080, "/"));
    assert_eq!(t.ip, Some("127.0.0.1".parse().unwrap()));
    assert_eq!(t.host_header(), "127.0.0.1:8080");
    let t = parse_target("http://h.example?x=1").unwrap();
    assert_eq!(t.path, "/?x=1");
    let t = parse_target("https://[2606:4700:4700::1111]/cdn-cgi/trace").unwrap();
    assert_eq!(t.host, "2606:4700:4700::1111");
    assert_eq!(t.ip, Some("2606:4700:4700::1111".parse().unwrap()));
    assert_eq!((t.port, t.path.as_str()), (443, "/cdn-cgi/trace"));
    assert_eq!(t.host_header(), "[2606:4700:4700::1111]");
    let t = parse_target("http://[::1]:8080/ip").unwrap();
    assert_eq!((t.host.as_str(), t.port), ("::1", 8080));
    assert_eq!(t.host_header(), "[::1]:8080");
    assert!(parse_target("HTTPS://x").unwrap_err().contains("https://"));
    let t = parse_target("https://Dyn.Example:443/").unwrap();
    assert_eq!(
        (t.host.as_str(), t.host_header()),
        ("dyn.example", "dyn.example".into())
    );
}

#[test]
fn odd_targets_are_refused() {
    for bad in [
        "ftp://x/",
        "https:///path",
        "https://user:pw@h.example/",
        "https://[::1/",
        "https://[::1]x/",
        "https://[zz::1]/",
        "https://[fe80::1%eth0]/",
        "https://h.example:0/",
        "https://h.example:65536/",
        "https://h.example:+80/",
        "https://h.example:/",
        "https://h ex/",
        "https://h.example:1:2/",
        "https://h.example/a b",
        "https://h.example/a\r\nX: y",
        "https://h.example/\t",
    ] {
        assert!(parse_target(bad).is_err(), "{bad}");
    }
}

#[test]
fn request_bytes_carry_host_framing_and_no_injection() {
    let t = parse_target("https://[::1]:8443/nic/update?h=a").unwrap();
    let bytes = build_request("POST", &t, &[("X-A", "1")], Some(b"{}")).unwrap();
    assert_eq!(
        String::from_utf8(bytes).unwrap(),
        "POST /nic/update?h=a HTTP/1.1\r\nHost: [::1]:8443\r\nX-A: 1\r\nContent-Length: 2\r\n\r\n{}"
    );
    let bytes = build_request("GET", &t, &[], None).unwrap();
    assert!(bytes.ends_with(b"Host: [::1]:8443\r\n\r\n"));
    assert!(build_request("GET", &t, &[("X", "a\r\nEvil: 1")], None).is_err());
    assert!(build_request("GET", &t, &[("X", "a\nb")], None).is_err());
    assert!(build_request("GET", &t, &[("Bad Name", "v")], None).is_err());
    assert!(build_request("GET", &t, &[("", "v")], None).is_err());
}

#[test]
fn status_lines_and_header_lines() {
    assert_eq!(parse_status_line(b"HTTP/1.1 200 OK"), Some(200));
    assert_eq!(parse_status_line(b"HTTP/1.0 404"), Some(404));
    assert_eq!(
        parse_status_line(b"HTTP/1.1 503 Server did not provide"),
        Some(503)
    );
    for bad in [
        &b""[..],
        b"HTTP/1.1",
        b"HTTP/2 200 OK",
        b"HTTP/1.1 20 OK",
        b"HTTP/1.1 2000 OK",
        b"HTTP/1.1  200 OK",
        b"http/1.1 200 OK",
        b"SSH-2.0-OpenSSH",
    ] {
        assert_eq!(parse_status_line(bad), None, "{bad:?}");
    }
    assert_eq!(
        parse_header_line(b"Content-Length:  12 \t"),
        Some(("content-length".into(), "12".into()))
    );
    assert_eq!(parse_header_line(b"X:"), Some(("x".into(), String::new())));
    assert_eq!(parse_header_line(b" folded"), None);
    assert_eq!(parse_header_line(b"Bad Name: v"), None);
    assert_eq!(parse_header_line(b": v"), None);
    assert_eq!(parse_header_line(b"no colon"), None);
}

#[test]
fn whole_bodies_by_each_framing() {
    assert_eq!(
        body(b"HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nabcdEXTRA"),
        b"abcd"
    );
    assert_eq!(body(b"HTTP/1.1 200 OK\nContent-Length: 0\n\n"), b"");
    let chunked = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4;ext=1\r\nabcd\r\n2\r\nef\r\n0\r\nX-T: 1\r\n\r\n";
    assert_eq!(body(chunked), b"abcdef");
    assert_eq!(body(b"HTTP/1.1 200 OK\r\n\r\nuntil close"), b"until close");
    assert_eq!(body(b"HTTP/1.1 204 No Content\r\n\r\nignored"), b"");
    assert_eq!(
        body(b"HTTP/1.1 304 Not Modified\r\nContent-Length: 9\r\n\r\n"),
        b""
    );
    let (head, _) = read(
        b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nA: b\r\nContent-Length: 1\r\n\r\nz",
    )
    .unwrap();
    assert_eq!(head.status, 201);
    assert_eq!(head.headers[0], ("a".to_string(), "b".to_string()));
    // The same bytes one at a time.
    let mut drip = Drip(chunked);
    assert_eq!(read_reply(&mut drip, 64).ok().unwrap().1, b"abcdef");
}

#[test]
fn every_cut_is_named_and_never_an_answer() {
    let cases: [(&[u8], &str); 10] = [
        (b"", "closed the connection without a reply"),
        (
            b"HTTP/1.1 200 OK\r\nContent-Length: 12\r\n\r\n81.2.69.16",
            "reply cut short after 10 of 12 bytes",
        ),
        (
            b"HTTP/1.1 200 OK\r\nContent-Length: 12\r\n\r\n",
            "reply cut short after 0 of 12 bytes",
        ),
        (
            b"HTTP/1.1 200 OK\r\nContent-Length: 12\r\n",
            "reply cut short inside its headers",
        ),
        (
            b"HTTP/1.1 200 OK\r\nContent-Le",
            "reply cut short inside its headers",
        ),
        (b"HTTP/1.1 2", "reply cut short before its status line"),
        (
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nc\r\n81.2.69.16",
            "reply cut short after 0 bytes: the chunked body ended before its last chunk",
        ),
        (
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\na\r\n81.2.69.16\r\n",
            "reply cut short after 10 bytes: the chunked body ended before its last chunk",
        ),
        (
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\na\r\n81.2.69.16\r\n0\r\n",
            "reply cut short after 10 bytes: the chunked body ended before its last chunk",
        ),
        (
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\na\r\n81.2.69.16",
            "reply cut short after 10 bytes: the chunked body ended before its last chunk",
        ),
    ];
    for (bytes, want) in cases {
        assert_eq!(
            read(bytes).unwrap_err(),
            want,
            "{:?}",
            String::from_utf8_lossy(bytes)
        );
    }
}

#[test]
fn a_close_delimited_body_needs_a_clean_close_over_tls() {
    let bytes = b"HTTP/1.1 200 OK\r\n\r\n81.2.69.16";
    let mut r = Unclean(bytes);
    match read_reply(&mut r, 64) {
        Err(ReadError::Bad(m)) => assert!(m.contains("without TLS close_notify"), "{m}"),
        other => panic!("{other:?}"),
    }
    // A framed body is complete before the missing close_notify matters.
    let mut r = Unclean(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    assert_eq!(read_reply(&mut r, 64).ok().unwrap().1, b"ok");
    let mut r = Unclean(b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nok");
    assert!(matches!(read_reply(&mut r, 64), Err(ReadError::Bad(m)) if m.contains("after 2 of 3")));
}

#[test]
fn contradictions_and_garbage_are_refused() {
    for (bytes, want) in [
        (&b"SSH-2.0-OpenSSH_9.2\r\n"[..], "no valid HTTP status line"),
        (b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nabc", "conflicting Content-Length"),
        (b"HTTP/1.1 200 OK\r\nContent-Length: 2, 3\r\n\r\nabc", "conflicting Content-Length"),
        (b"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", "invalid Content-Length"),
        (b"HTTP/1.1 200 OK\r\nContent-Length: +2\r\n\r\nab", "invalid Content-Length"),
        (b"HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999999\r\n\r\n", "invalid Content-Length"),
        (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", "unsupported transfer coding"),
        (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n", "unsupported transfer coding"),
        (b"HTTP/1.1 200 OK\r\n folded\r\n\r\n", "malformed header line"),
        (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "malformed chunk size"),
        (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n\r\n", "malformed chunk size"),
        (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n-1\r\n", "malformed chunk size"),
        (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n123456789\r\n", "malformed chunk size"),
        (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabXY0\r\n\r\n", "malformed chunk end"),
        (b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 100 Continue\r\n\r\n", "interim status 100"),
    ] {
        let got = read(bytes).unwrap_err();
        assert!(got.contains(want), "{:?}: {got}", String::from_utf8_lossy(bytes));
    }
    // Transfer-Encoding wins over Content-Length (RFC 9112 §6.3).
    let both = b"HTTP/1.1 200 OK\r\nContent-Length: 99\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nx\r\n0\r\n\r\n";
    assert_eq!(body(both), b"x");
}

#[test]
fn caps_hold_for_every_framing() {
    // read() caps bodies at 64 bytes.
    let big = format!(
        "HTTP/1.1 200 OK\r\nContent-Length: 65\r\n\r\n{}",
        "a".repeat(65)
    );
    assert!(read(big.as_bytes()).unwrap_err().contains("larger than"));
    let fits = format!(
        "HTTP/1.1 200 OK\r\nContent-Length: 64\r\n\r\n{}",
        "a".repeat(64)
    );
    assert_eq!(body(fits.as_bytes()).len(), 64);
    let close = format!("HTTP/1.1 200 OK\r\n\r\n{}", "a".repeat(65));
    assert!(read(close.as_bytes()).unwrap_err().contains("larger than"));
    let close = format!("HTTP/1.1 200 OK\r\n\r\n{}", "a".repeat(64));
    assert_eq!(body(close.as_bytes()).len(), 64);
    let chunked = format!(
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n40\r\n{}\r\n1\r\nb\r\n0\r\n\r\n",
        "a".repeat(64)
    );
    assert!(
        read(chunked.as_bytes())
            .unwrap_err()
            .contains("larger than")
    );
    // Heads: 16 KiB in all, the status line 1 KiB.
    let long_header = format!(
        "HTTP/1.1 200 OK\r\nX: {}\r\n\r\n",
        "h".repeat(MAX_HEAD_BYTES)
    );
    assert!(
        read(long_header.as_bytes())
            .unwrap_err()
            .contains("headers larger than")
    );
    let many = format!(
        "HTTP/1.1 200 OK\r\n{}\r\n",
        "X: 0123456789\r\n".repeat(MAX_HEAD_BYTES / 15 + 1)
    );
    assert!(
        read(many.as_bytes())
            .unwrap_err()
            .contains("headers larger than")
    );
    let fits = format!(
        "HTTP/1.1 200 OK\r\n{}Content-Length: 0\r\n\r\n",
        "X: 0123456789\r\n".repeat(MAX_HEAD_BYTES / 16 - 2)
    );
    assert!(read(fits.as_bytes()).is_ok());
    let status = format!("HTTP/1.1 200 {}\r\n\r\n", "r".repeat(MAX_STATUS_LINE_BYTES));
    assert!(read(status.as_bytes()).unwrap_err().contains("status line"));
    let trailers = format!(
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n{}\r\n",
        "T: 0123456789\r\n".repeat(MAX_HEAD_BYTES / 15 + 1)
    );
    assert!(
        read(trailers.as_bytes())
            .unwrap_err()
            .contains("trailers too large")
    );
}
