//! Owns the self-test of tests/support: mock servers checked with a small rustls 0.23 client
//! and plain TCP, temp directories, and the process runner driven with stand-in programs.
mod support;

use std::ffi::OsStr;
use std::io::{self, ErrorKind, Read, Write};
use std::net::{IpAddr, Ipv4Addr, TcpStream};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName};
use rustls::{ClientConfig, ClientConnection, RootCertStore, StreamOwned};

use support::{
    BIN_VAR, MockServer, RUNNER_VAR, Recorded, Reply, Run, StopReport, TempDir, TestCa,
    program_words, route, script,
};

type TlsStream = StreamOwned<ClientConnection, TcpStream>;

// ---------------------------------------------------------------------------------------
// A small client
// ---------------------------------------------------------------------------------------

/// A rustls client configuration trusting only `ca_pem`, limited to `versions`.
fn client_config(
    ca_pem: &str,
    versions: &[&'static rustls::SupportedProtocolVersion],
) -> Arc<ClientConfig> {
    let mut roots = RootCertStore::empty();
    for cert in CertificateDer::pem_slice_iter(ca_pem.as_bytes()) {
        roots
            .add(cert.expect("CA PEM parses"))
            .expect("CA is usable");
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = ClientConfig::builder_with_provider(provider)
        .with_protocol_versions(versions)
        .expect("ring supports these versions")
        .with_root_certificates(roots)
        .with_no_client_auth();
    Arc::new(config)
}

/// Connects to `server` as `name` trusting `ca_pem`, and completes the handshake.
fn tls_connect_with(
    server: &MockServer,
    config: Arc<ClientConfig>,
    name: &str,
) -> io::Result<TlsStream> {
    let name = ServerName::try_from(name.to_string()).expect("valid server name");
    let mut sock = TcpStream::connect(server.addr())?;
    sock.set_read_timeout(Some(Duration::from_secs(5)))?;
    let mut conn = ClientConnection::new(config, name).expect("client connection");
    while conn.is_handshaking() {
        conn.complete_io(&mut sock)?;
    }
    Ok(StreamOwned::new(conn, sock))
}

/// Connects to `server` at 127.0.0.1 trusting `ca`.
fn tls_connect(server: &MockServer, ca: &TestCa) -> io::Result<TlsStream> {
    let config = client_config(&ca.ca_pem(), rustls::DEFAULT_VERSIONS);
    tls_connect_with(server, config, "127.0.0.1")
}

/// Sends `request` over TLS and reads the whole response.
fn tls_exchange(server: &MockServer, ca: &TestCa, request: &str) -> io::Result<Vec<u8>> {
    let mut tls = tls_connect(server, ca)?;
    tls.write_all(request.as_bytes())?;
    let mut response = Vec::new();
    tls.read_to_end(&mut response)?;
    Ok(response)
}

/// Sends `request` over plain TCP and reads the whole response.
fn http_exchange(server: &MockServer, request: &[u8]) -> Vec<u8> {
    let mut sock = TcpStream::connect(server.addr()).expect("connect");
    sock.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    sock.write_all(request).expect("send request");
    let mut response = Vec::new();
    sock.read_to_end(&mut response).expect("read response");
    response
}

/// A GET request for `target` with the usual client headers.
fn get(target: &str) -> String {
    format!("GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
}

/// A parsed response: status, headers (names lowercased), body.
struct Response {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Response {
    /// Parses a complete response (head and body).
    fn parse(bytes: &[u8]) -> Response {
        let end = bytes
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .expect("complete response head");
        let head = String::from_utf8(bytes[..end].to_vec()).expect("ASCII head");
        let mut lines = head.split("\r\n");
        let status_line = lines.next().unwrap();
        let status = status_line.split(' ').nth(1).unwrap().parse().unwrap();
        let headers = lines
            .map(|l| {
                let (k, v) = l.split_once(':').expect("header line");
                (k.to_ascii_lowercase(), v.trim().to_string())
            })
            .collect();
        Response {
            status,
            headers,
            body: bytes[end + 4..].to_vec(),
        }
    }

    /// The first value of header `name` (lowercase).
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The body as text.
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Whether `error` is a read timeout.
fn is_timeout(error: &io::Error) -> bool {
    matches!(error.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut)
}

/// The rustls error inside an I/O error, if any.
fn rustls_error(error: &io::Error) -> Option<&rustls::Error> {
    error.get_ref()?.downcast_ref::<rustls::Error>()
}

/// Stops `server`, checks it took under 3 s and left no thread behind, and returns the report.
fn stop_quickly(server: MockServer) -> StopReport {
    let started = Instant::now();
    let report = server.stop();
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "stop took {:?}",
        started.elapsed()
    );
    assert_eq!(report.detached, 0, "{report:?}");
    assert_eq!(report.panicked, 0, "{report:?}");
    report
}

// ---------------------------------------------------------------------------------------
// HTTPS server
// ---------------------------------------------------------------------------------------

#[test]
fn https_full_reply_arrives_and_request_is_recorded() {
    let ca = TestCa::new();
    let server = MockServer::https(&ca, |_| {
        Reply::ok("good 81.2.69.160").with_header("X-Provider", "mock")
    });
    assert_eq!(server.url(), format!("https://127.0.0.1:{}", server.port()));

    let target = "/nic/update?hostname=home.example.org&myip=81.2.69.160&x=%41%2B+b&bad=%zz%4&flag";
    let request = format!(
        "GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: Selftest/1.0\r\n\
         AUTHORIZATION: Basic dXNlcjpwYXNzOndvcmQ=\r\nConnection: close\r\n\r\n"
    );
    let response = Response::parse(&tls_exchange(&server, &ca, &request).expect("exchange"));
    assert_eq!(response.status, 200);
    assert_eq!(response.text(), "good 81.2.69.160");
    assert_eq!(response.header("content-length"), Some("16"));
    assert_eq!(response.header("connection"), Some("close"));
    assert_eq!(response.header("x-provider"), Some("mock"));

    let recorded = server.requests();
    assert_eq!(recorded.len(), 1);
    let r = &recorded[0];
    assert_eq!(r.method, "GET");
    assert_eq!(r.target, target);
    assert_eq!(r.path, "/nic/update");
    assert_eq!(r.param("hostname"), Some("home.example.org"));
    assert_eq!(r.param("myip"), Some("81.2.69.160"));
    assert_eq!(r.param("x"), Some("A++b"));
    assert_eq!(r.param("bad"), Some("%zz%4"));
    assert_eq!(r.param("flag"), Some(""));
    assert_eq!(r.param("missing"), None);
    assert!(
        r.headers
            .iter()
            .any(|(k, v)| k == "user-agent" && v == "Selftest/1.0")
    );
    assert!(r.headers.iter().all(|(k, _)| *k == k.to_ascii_lowercase()));
    assert_eq!(r.header("User-Agent"), Some("Selftest/1.0"));
    assert_eq!(
        r.basic_auth(),
        Some(("user".to_string(), "pass:word".to_string()))
    );
    assert!(r.body.is_empty());
    stop_quickly(server);
}

#[test]
fn https_records_post_body_and_serves_localhost_and_tls12() {
    let ca = TestCa::new();
    let server = MockServer::https(&ca, |r| Reply::json(201, &r.body_text()));
    let body = r#"{"content":"81.2.69.160"}"#;
    let request = format!(
        "PUT /zones/z/dns_records/r HTTP/1.1\r\nHost: localhost\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    let config = client_config(&ca.ca_pem(), &[&rustls::version::TLS12]);
    let mut tls = tls_connect_with(&server, config, "localhost").expect("TLS 1.2 to localhost");
    assert_eq!(
        tls.conn.protocol_version(),
        Some(rustls::ProtocolVersion::TLSv1_2)
    );
    tls.write_all(request.as_bytes()).unwrap();
    let mut bytes = Vec::new();
    tls.read_to_end(&mut bytes).unwrap();
    let response = Response::parse(&bytes);
    assert_eq!(response.status, 201);
    assert_eq!(response.header("content-type"), Some("application/json"));
    assert_eq!(response.text(), body);
    let r = server.last().expect("recorded");
    assert_eq!(r.method, "PUT");
    assert_eq!(r.body_text(), body);
    assert!(server.url_localhost().starts_with("https://localhost:"));
    stop_quickly(server);
}

#[test]
fn https_huge_reply_can_be_read_whole_or_abandoned() {
    let ca = TestCa::new();
    let server = MockServer::https(
        &ca,
        script(vec![Reply::Huge(1_000_000), Reply::Huge(20_000_000)]),
    );

    let whole = Response::parse(&tls_exchange(&server, &ca, &get("/small")).unwrap());
    assert_eq!(whole.status, 200);
    assert_eq!(whole.header("content-length"), Some("1000000"));
    assert_eq!(whole.body.len(), 1_000_000);
    assert!(whole.body.iter().all(|&b| b == b'A'));

    let mut tls = tls_connect(&server, &ca).unwrap();
    tls.write_all(get("/huge").as_bytes()).unwrap();
    let mut partial = vec![0u8; 256 * 1024];
    tls.read_exact(&mut partial)
        .expect("first part of the huge body");
    assert!(partial.starts_with(b"HTTP/1.1 200 OK\r\n"));
    assert!(String::from_utf8_lossy(&partial).contains("Content-Length: 20000000\r\n"));
    drop(tls);

    assert_eq!(server.count(), 2);
    stop_quickly(server);
}

#[test]
fn https_hang_records_but_never_answers() {
    let ca = TestCa::new();
    let server = MockServer::https(&ca, script(vec![Reply::Hang]));
    let mut tls = tls_connect(&server, &ca).expect("handshake still happens");
    tls.sock
        .set_read_timeout(Some(Duration::from_secs(1)))
        .unwrap();
    tls.write_all(get("/hang?a=1").as_bytes()).unwrap();
    let mut byte = [0u8; 1];
    let error = tls.read(&mut byte).expect_err("no answer");
    assert!(is_timeout(&error), "{error:?}");
    assert_eq!(server.count(), 1);
    assert_eq!(server.requests()[0].param("a"), Some("1"));
    stop_quickly(server);
}

#[test]
fn https_hang_before_tls_never_handshakes() {
    let ca = TestCa::new();
    let server = MockServer::https(&ca, script(vec![Reply::HangBeforeTls, Reply::ok("second")]));
    let started = Instant::now();
    let mut sock = TcpStream::connect(server.addr()).unwrap();
    sock.set_read_timeout(Some(Duration::from_secs(1))).unwrap();
    let config = client_config(&ca.ca_pem(), rustls::DEFAULT_VERSIONS);
    let name = ServerName::IpAddress(IpAddr::V4(Ipv4Addr::LOCALHOST).into());
    let mut conn = ClientConnection::new(config, name).unwrap();
    let error = loop {
        match conn.complete_io(&mut sock) {
            Ok(_) if conn.is_handshaking() => continue,
            Ok(_) => panic!("handshake completed"),
            Err(e) => break e,
        }
    };
    assert!(is_timeout(&error), "{error:?}");
    assert!(started.elapsed() < Duration::from_secs(3));

    // The script moves on: the next connection is served normally.
    let response = Response::parse(&tls_exchange(&server, &ca, &get("/next")).unwrap());
    assert_eq!(response.text(), "second");
    assert_eq!(server.connections(), 2);
    assert_eq!(server.count(), 1);
    stop_quickly(server);
}

#[test]
fn https_close_sends_nothing() {
    let ca = TestCa::new();
    let server = MockServer::https(&ca, script(vec![Reply::Close]));
    let mut tls = tls_connect(&server, &ca).unwrap();
    tls.write_all(get("/close").as_bytes()).unwrap();
    let mut bytes = Vec::new();
    let result = tls.read_to_end(&mut bytes);
    assert!(bytes.is_empty(), "got {bytes:?}");
    assert!(
        result.is_err(),
        "EOF without close_notify is an error for rustls"
    );
    assert_eq!(server.count(), 1);
    stop_quickly(server);
}

#[test]
fn https_untrusted_ca_fails_the_handshake() {
    let ca = TestCa::new();
    let other = TestCa::new();
    assert_ne!(ca.ca_pem(), other.ca_pem());
    let server = MockServer::https(&ca, |_| Reply::ok("never"));
    let error = tls_connect(&server, &other).expect_err("handshake must fail");
    match rustls_error(&error) {
        Some(rustls::Error::InvalidCertificate(rustls::CertificateError::UnknownIssuer)) => {}
        other => panic!("unexpected error {other:?} ({error})"),
    }
    assert!(support::wait_until(Duration::from_secs(2), || server
        .connections()
        == 1));
    assert_eq!(server.count(), 0);
    stop_quickly(server);
}

#[test]
fn https_certificate_for_other_names_fails_the_handshake() {
    let ca = TestCa::with_server_names(&["dyn.example.org"]);
    let server = MockServer::https(&ca, |_| Reply::ok("never"));
    let error = tls_connect(&server, &ca).expect_err("name mismatch");
    assert!(
        matches!(
            rustls_error(&error),
            Some(rustls::Error::InvalidCertificate(
                rustls::CertificateError::NotValidForNameContext { .. }
                    | rustls::CertificateError::NotValidForName
            ))
        ),
        "{error:?}"
    );
}

#[test]
fn ca_pem_is_written_to_a_file() {
    let dir = TempDir::new("ca");
    let ca = TestCa::new();
    let path = ca.write_ca_pem(dir.path());
    assert_eq!(path, dir.path().join("ca.pem"));
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.starts_with("-----BEGIN CERTIFICATE-----"));
    assert_eq!(text, ca.ca_pem());
}

// ---------------------------------------------------------------------------------------
// Plain HTTP server, handlers
// ---------------------------------------------------------------------------------------

#[test]
fn http_server_works_with_plain_tcp() {
    let server = MockServer::http(|r| Reply::status(401, &format!("badauth {}", r.path)));
    assert_eq!(server.url(), format!("http://127.0.0.1:{}", server.port()));
    let response = Response::parse(&http_exchange(&server, get("/update?h=a%20b").as_bytes()));
    assert_eq!(response.status, 401);
    assert_eq!(response.text(), "badauth /update");
    assert_eq!(server.requests()[0].param("h"), Some("a b"));
    stop_quickly(server);
}

#[test]
fn script_repeats_its_last_reply() {
    let server = MockServer::http(script(vec![
        Reply::ok("first"),
        Reply::status(503, "later"),
    ]));
    let bodies: Vec<(u16, String)> = (0..4)
        .map(|i| Response::parse(&http_exchange(&server, get(&format!("/{i}")).as_bytes())))
        .map(|r| (r.status, r.text()))
        .collect();
    assert_eq!(bodies[0], (200, "first".to_string()));
    for later in &bodies[1..] {
        assert_eq!(*later, (503, "later".to_string()));
    }
    let paths: Vec<String> = server.requests().into_iter().map(|r| r.path).collect();
    assert_eq!(paths, ["/0", "/1", "/2", "/3"]);
}

#[test]
fn route_picks_by_path_prefix_else_404() {
    let server = MockServer::http(route(vec![
        ("/ip", Reply::ok("81.2.69.160")),
        ("/update", Reply::ok("good")),
    ]));
    let ask = |target: &str| Response::parse(&http_exchange(&server, get(target).as_bytes()));
    assert_eq!(ask("/ip").text(), "81.2.69.160");
    assert_eq!(ask("/update?hostname=x").text(), "good");
    let missing = ask("/other");
    assert_eq!(missing.status, 404);
    assert_eq!(server.count(), 3);
}

#[test]
fn reply_headers_can_override_framing() {
    let server = MockServer::http(script(vec![
        Reply::ok("short").with_header("Content-Length", "100"),
    ]));
    let mut sock = TcpStream::connect(server.addr()).unwrap();
    sock.write_all(get("/").as_bytes()).unwrap();
    let mut bytes = Vec::new();
    sock.read_to_end(&mut bytes).unwrap();
    let response = Response::parse(&bytes);
    assert_eq!(response.header("content-length"), Some("100"));
    assert_eq!(
        response
            .headers
            .iter()
            .filter(|(k, _)| k == "content-length")
            .count(),
        1
    );
    assert_eq!(response.text(), "short");
}

#[test]
fn oversized_and_malformed_requests_are_rejected_unrecorded() {
    let server = MockServer::http(|_| Reply::ok("no"));
    let big = format!(
        "POST /big HTTP/1.1\r\nContent-Length: {}\r\n\r\n",
        support::MAX_BODY + 1
    );
    assert_eq!(
        Response::parse(&http_exchange(&server, big.as_bytes())).status,
        413
    );
    let bad = http_exchange(&server, b"NONSENSE\r\n\r\n");
    assert_eq!(Response::parse(&bad).status, 400);
    assert_eq!(server.count(), 0);
    assert_eq!(server.connections(), 2);
}

#[test]
fn plain_closure_hang_before_tls_hangs_after_the_request() {
    let server = MockServer::http(|_| Reply::HangBeforeTls);
    let mut sock = TcpStream::connect(server.addr()).unwrap();
    sock.set_read_timeout(Some(Duration::from_secs(1))).unwrap();
    sock.write_all(get("/late").as_bytes()).unwrap();
    let error = sock.read(&mut [0u8; 1]).expect_err("no answer");
    assert!(is_timeout(&error), "{error:?}");
    assert_eq!(server.count(), 1);
    stop_quickly(server);
}

#[test]
fn recorded_helpers_handle_edge_cases() {
    let headers = |auth: &str| vec![("authorization".to_string(), auth.to_string())];
    let request = Recorded {
        method: "GET".into(),
        target: "/?a=1&a=2".into(),
        path: "/".into(),
        query: support::parse_query("a=1&&a=2&b=%E2%9C%93&c=%FF"),
        headers: headers("basic Zm9vOmJhcg"),
        body: b"\xffok".to_vec(),
    };
    assert_eq!(request.params("a"), ["1", "2"]);
    assert_eq!(request.param("b"), Some("\u{2713}"));
    assert_eq!(request.param("c"), Some("\u{fffd}"));
    assert_eq!(request.header("Authorization"), Some("basic Zm9vOmJhcg"));
    assert_eq!(request.basic_auth(), Some(("foo".into(), "bar".into())));
    assert_eq!(request.body_text(), "\u{fffd}ok");
    let bearer = Recorded {
        headers: headers("Bearer abc"),
        ..request.clone()
    };
    assert_eq!(bearer.basic_auth(), None);
    let garbage = Recorded {
        headers: headers("Basic !!!"),
        ..request
    };
    assert_eq!(garbage.basic_auth(), None);
    assert_eq!(support::percent_decode("100%25+%2"), "100%+%2");
}

#[test]
fn panicking_handler_answers_500() {
    let server = MockServer::http(|r| {
        assert_eq!(r.path, "/expected", "deliberate handler panic");
        Reply::ok("fine")
    });
    let response = Response::parse(&http_exchange(&server, get("/other").as_bytes()));
    assert_eq!(response.status, 500);
    assert_eq!(server.count(), 1);
    let report = stop_quickly(server);
    assert_eq!(report.joined, 2, "accept thread and one connection thread");
}

#[test]
fn drop_unblocks_silent_and_hanging_connections() {
    let ca = TestCa::new();
    let server = MockServer::https(&ca, script(vec![Reply::Hang]));
    let silent = TcpStream::connect(server.addr()).unwrap();
    let mut hanging = tls_connect(&server, &ca).unwrap();
    hanging.write_all(get("/hang").as_bytes()).unwrap();
    assert!(support::wait_until(Duration::from_secs(5), || server
        .count()
        == 1));
    let started = Instant::now();
    drop(server);
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    let mut rest = Vec::new();
    hanging
        .sock
        .set_read_timeout(Some(Duration::from_secs(2)))
        .unwrap();
    let _ = hanging.read_to_end(&mut rest);
    assert!(rest.is_empty());
    drop(silent);
}

#[test]
fn concurrent_clients_are_all_served() {
    let server = Arc::new(MockServer::http(|r| Reply::ok(&r.path)));
    let clients: Vec<_> = (0..8)
        .map(|i| {
            let server = Arc::clone(&server);
            thread::spawn(move || {
                let bytes = http_exchange(&server, get(&format!("/c{i}")).as_bytes());
                Response::parse(&bytes).text()
            })
        })
        .collect();
    for (i, client) in clients.into_iter().enumerate() {
        assert_eq!(client.join().unwrap(), format!("/c{i}"));
    }
    assert_eq!(server.count(), 8);
}

// ---------------------------------------------------------------------------------------
// Temp directories
// ---------------------------------------------------------------------------------------

#[test]
fn temp_dir_is_unique_and_removed_on_drop() {
    let a = TempDir::new("self test/..");
    let b = TempDir::new("self test/..");
    assert_ne!(a.path(), b.path());
    assert!(a.path().starts_with(std::env::temp_dir()));
    assert!(a.path().is_dir());
    let file = a.write("sub.conf", "x = 1\n");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "x = 1\n");
    std::fs::create_dir(a.join("nested")).unwrap();
    let path = a.path().to_path_buf();
    drop(a);
    assert!(!path.exists());
    assert!(b.path().is_dir());
}

// ---------------------------------------------------------------------------------------
// Running programs
// ---------------------------------------------------------------------------------------

#[test]
fn run_program_prints_its_args() {
    let out = Run::new()
        .program("/bin/echo")
        .args(["hello", "world"])
        .output();
    assert_eq!(out.code, 0);
    assert_eq!(out.stdout, "hello world\n");
    assert_eq!(out.stderr, "");
    assert!(out.elapsed < Duration::from_secs(10));
}

#[test]
fn run_reports_exit_codes_signals_and_stderr() {
    let sh = |script: &str| Run::new().program("/bin/sh").args(["-c", script]).output();
    let out = sh("echo oops >&2; exit 3");
    assert_eq!((out.code, out.stderr.as_str()), (3, "oops\n"));
    assert_eq!(sh("kill -9 $$").code, 137);
}

#[test]
fn run_scrubs_ssl_cert_variables_unless_set() {
    let env_of = |run: Run| run.program("/usr/bin/env").output().stdout;
    let scrubbed = env_of(Run::new().env("SSL_CERT_FILE_NOT", "kept"));
    assert!(!scrubbed.lines().any(|l| l.starts_with("SSL_CERT_FILE=")));
    assert!(!scrubbed.lines().any(|l| l.starts_with("SSL_CERT_DIR=")));
    assert!(scrubbed.lines().any(|l| l == "SSL_CERT_FILE_NOT=kept"));
    let explicit = env_of(
        Run::new()
            .env("SSL_CERT_FILE", "/tmp/ca.pem")
            .env("X", "1")
            .env_remove("X"),
    );
    assert!(explicit.lines().any(|l| l == "SSL_CERT_FILE=/tmp/ca.pem"));
    assert!(!explicit.lines().any(|l| l == "X=1"));
}

#[test]
fn run_uses_current_dir_and_null_stdin() {
    let dir = TempDir::new("cwd");
    let out = Run::new()
        .program("/bin/sh")
        .args(["-c", "pwd; cat; echo end"])
        .current_dir(dir.path())
        .deadline_secs(10)
        .output();
    let real = std::fs::canonicalize(dir.path()).unwrap();
    assert_eq!(out.stdout, format!("{}\nend\n", real.display()));
}

#[test]
fn run_past_deadline_kills_and_panics() {
    let started = Instant::now();
    let child = Run::new()
        .program("/bin/sleep")
        .arg("30")
        .deadline_secs(1)
        .spawn();
    let pid = child.pid();
    let result = catch_unwind(AssertUnwindSafe(|| child.wait()));
    let message = match result {
        Ok(out) => panic!("sleep 30 returned {out:?}"),
        Err(payload) => payload
            .downcast_ref::<String>()
            .cloned()
            .unwrap_or_default(),
    };
    assert!(
        message.starts_with("ddnsup did not exit within 1 s"),
        "{message}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    assert!(
        !Path::new(&format!("/proc/{pid}")).exists(),
        "child was reaped"
    );
}

#[test]
#[should_panic(expected = "ddnsup did not exit within 0.5 s")]
fn output_past_deadline_panics() {
    Run::new()
        .program("/bin/sleep")
        .arg("30")
        .deadline(Duration::from_millis(500))
        .output();
}

#[test]
fn spawned_child_runs_in_background_and_drop_kills_it() {
    let mut child = Run::new()
        .program("/bin/sh")
        .args(["-c", "echo started >&2; sleep 0.5; echo done"])
        .deadline_secs(10)
        .spawn();
    assert!(child.is_running());
    assert!(support::wait_until(Duration::from_secs(5), || child
        .stderr_so_far()
        == "started\n"));
    let out = child.wait();
    assert_eq!((out.code, out.stdout.as_str()), (0, "done\n"));
    assert!(out.elapsed >= Duration::from_millis(400));

    let sleeper = Run::new().program("/bin/sleep").arg("30").spawn();
    let pid = sleeper.pid();
    drop(sleeper);
    assert!(!Path::new(&format!("/proc/{pid}")).exists());
}

#[test]
fn program_words_resolve_bin_and_runner() {
    let default_bin = env!("CARGO_BIN_EXE_ddnsup");
    assert_eq!(program_words(None, None, None), [default_bin]);
    assert_eq!(
        program_words(None, Some("".into()), Some("  ".into())),
        [default_bin]
    );
    assert_eq!(
        program_words(
            None,
            Some("/x/ddnsup-mips".into()),
            Some("qemu-mipsel-static -cpu 24Kc".into())
        ),
        ["qemu-mipsel-static", "-cpu", "24Kc", "/x/ddnsup-mips"]
    );
    assert_eq!(
        program_words(
            Some(OsStr::new("/bin/true")),
            Some("/x".into()),
            Some("q".into())
        ),
        ["/bin/true"]
    );
}

// ---------------------------------------------------------------------------------------
// Checks run in a child copy of this test binary (for per-process state: the environment
// variables Run reads)
// ---------------------------------------------------------------------------------------

/// Tells [`probe_child`] which check to run; unset in a normal test run.
const PROBE_VAR: &str = "SUPPORT_SELFTEST_PROBE";

/// Runs this test binary again, filtered to [`probe_child`], with `env` set on top of an
/// environment without the ddnsup test variables.
fn run_probe(env: &[(&str, &str)]) -> support::Output {
    let me = std::env::current_exe().expect("test binary path");
    let run = Run::new()
        .program(me)
        .args(["probe_child", "--exact", "--test-threads=1"])
        .env_remove(BIN_VAR)
        .env_remove(RUNNER_VAR)
        .deadline_secs(30);
    let out = env.iter().fold(run, |run, (k, v)| run.env(k, v)).output();
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.contains("1 passed"), "{out:?}");
    out
}

#[test]
fn env_variables_choose_binary_and_runner() {
    run_probe(&[(PROBE_VAR, "echo"), (BIN_VAR, "/bin/echo")]);
    run_probe(&[
        (PROBE_VAR, "runner"),
        (BIN_VAR, "/usr/bin/printenv"),
        (RUNNER_VAR, "/usr/bin/env PROBE_VALUE=through-runner"),
    ]);
}

/// Does nothing in a normal run; started by [`run_probe`], runs the check `PROBE_VAR` names.
#[test]
fn probe_child() {
    match std::env::var(PROBE_VAR).as_deref() {
        Ok("echo") => {
            let out = support::run(&["via", "env"], &[]);
            assert_eq!(out.stdout, "via env\n");
        }
        Ok("runner") => {
            let out = Run::new().arg("PROBE_VALUE").output();
            assert_eq!(out.stdout, "through-runner\n");
        }
        Ok(other) => panic!("unknown probe {other}"),
        Err(_) => {}
    }
}
