//! One connection: TCP (no Nagle delay) or TLS through rustls with verified certificates,
//! every read and write bounded by the request's single deadline.
use super::verify::{Anchor, Verifier};
use super::wire::Target;
use rustls::{ClientConfig, ClientConnection, ServerName, StreamOwned};
use rustls21 as rustls;
use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

/// A stream whose every operation must finish before `deadline`.
pub struct Conn {
    stream: Stream,
    deadline: Instant,
}

enum Stream {
    Plain(TcpStream),
    Tls(Box<StreamOwned<ClientConnection, TcpStream>>),
}

fn timed_out() -> io::Error {
    io::Error::new(io::ErrorKind::TimedOut, "timed out")
}

/// Time left before `deadline`, or a timeout error when none is.
fn remaining(deadline: Instant) -> io::Result<Duration> {
    let left = deadline.saturating_duration_since(Instant::now());
    if left.is_zero() {
        Err(timed_out())
    } else {
        Ok(left)
    }
}

impl Conn {
    /// Connects to the target's addresses in turn; for https, sets up TLS (handshake on first
    /// write). Address literals are not looked up and get no SNI; names are resolved by the
    /// system resolver, whose own timeouts apply before the deadline can.
    pub fn open(target: &Target, deadline: Instant) -> io::Result<Conn> {
        let addrs: Vec<SocketAddr> = match target.ip {
            Some(ip) => vec![SocketAddr::new(ip, target.port)],
            None => (target.host.as_str(), target.port)
                .to_socket_addrs()?
                .take(8)
                .collect(),
        };
        let mut last = io::Error::new(io::ErrorKind::NotFound, "the name has no address");
        let mut tcp = None;
        for addr in addrs {
            match TcpStream::connect_timeout(&addr, remaining(deadline)?) {
                Ok(s) => {
                    tcp = Some(s);
                    break;
                }
                Err(e) => last = e,
            }
        }
        let tcp = tcp.ok_or(last)?;
        let _ = tcp.set_nodelay(true);
        let stream = if target.https {
            let name = match target.ip {
                Some(ip) => ServerName::IpAddress(ip),
                None => ServerName::try_from(target.host.as_str())
                    .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "invalid DNS name"))?,
            };
            let session = ClientConnection::new(tls_config(), name)
                .map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))?;
            Stream::Tls(Box::new(StreamOwned::new(session, tcp)))
        } else {
            Stream::Plain(tcp)
        };
        Ok(Conn { stream, deadline })
    }

    fn tcp(&self) -> &TcpStream {
        match &self.stream {
            Stream::Plain(s) => s,
            Stream::Tls(s) => &s.sock,
        }
    }
}

impl Read for Conn {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.tcp()
            .set_read_timeout(Some(remaining(self.deadline)?))?;
        let r = match &mut self.stream {
            Stream::Plain(s) => s.read(buf),
            Stream::Tls(s) => s.read(buf),
        };
        match r {
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => Err(timed_out()),
            other => other,
        }
    }
}

impl Write for Conn {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.tcp()
            .set_write_timeout(Some(remaining(self.deadline)?))?;
        // The TLS handshake reads too: bound it the same way.
        self.tcp()
            .set_read_timeout(Some(remaining(self.deadline)?))?;
        let r = match &mut self.stream {
            Stream::Plain(s) => s.write(buf),
            Stream::Tls(s) => s.write(buf),
        };
        match r {
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => Err(timed_out()),
            other => other,
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        self.tcp()
            .set_write_timeout(Some(remaining(self.deadline)?))?;
        self.tcp()
            .set_read_timeout(Some(remaining(self.deadline)?))?;
        match &mut self.stream {
            Stream::Plain(s) => s.flush(),
            Stream::Tls(s) => s.flush(),
        }
    }
}

/// P-256 and P-384 ECDHE: every TLS 1.3 server must offer secp256r1 (RFC 8446 §9.1) and
/// TLS 1.2 servers do. Without X25519 (and Ed25519, see verify.rs) no curve25519 code is linked.
static KX_GROUPS: &[&rustls::SupportedKxGroup] =
    &[&rustls::kx_group::SECP256R1, &rustls::kx_group::SECP384R1];

/// Built once per process: the built-in webpki roots plus one system bundle (`SSL_CERT_FILE`,
/// which `ca_file` sets, else the usual system paths). Bad system certificates are skipped.
fn tls_config() -> Arc<ClientConfig> {
    static CONFIG: OnceLock<Arc<ClientConfig>> = OnceLock::new();
    CONFIG
        .get_or_init(|| {
            let mut anchors: Vec<Anchor> = webpki_roots::TLS_SERVER_ROOTS
                .iter()
                .map(|ta| Anchor::new(ta.subject, ta.spki, ta.name_constraints))
                .collect();
            for der in super::pem::load_bundle() {
                if let Ok(ta) = webpki::TrustAnchor::try_from_cert_der(&der) {
                    anchors.push(Anchor::new(ta.subject, ta.spki, ta.name_constraints));
                }
            }
            let config = ClientConfig::builder()
                .with_safe_default_cipher_suites()
                .with_kx_groups(KX_GROUPS)
                .with_safe_default_protocol_versions()
                .expect("the default suites and versions fit P-256/P-384")
                .with_custom_certificate_verifier(Arc::new(Verifier { anchors }))
                .with_no_client_auth();
            Arc::new(config)
        })
        .clone()
}
