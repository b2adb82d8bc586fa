//! Where the primary is and how an UPDATE reaches it: the `server` setting, a random message
//! ID, then UDP from a random port, or TCP for large messages and truncated replies.
use super::{NameKind, parse_name};
use crate::dnswire::{FLAG_TC, HEADER_LEN};
use crate::error::Error;
use ring::rand::{SecureRandom, SystemRandom};
use std::fmt;
use std::io::{ErrorKind, Read, Write};
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, TcpStream, ToSocketAddrs, UdpSocket};
use std::time::{Duration, Instant};

pub const DEFAULT_PORT: u16 = 53;
/// Larger messages go over TCP (RFC 1035 without EDNS).
const MAX_UDP_MESSAGE: usize = 512;

/// The primary's address as configured: a name or an address, and a port.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Server {
    pub host: String,
    pub port: u16,
}

impl fmt::Display for Server {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.host.contains(':') {
            write!(f, "[{}]:{}", self.host, self.port)
        } else {
            write!(f, "{}:{}", self.host, self.port)
        }
    }
}

impl Server {
    /// `192.0.2.53`, `192.0.2.53:5353`, `[2001:db8::53]:53`, `2001:db8::53`, `ns1.example.com`
    /// or `ns1.example.com:5353`; the port defaults to 53.
    pub fn parse(text: &str) -> Result<Server, String> {
        let t = text.trim();
        if t.contains("://") || t.contains('/') {
            return Err(format!(
                "\"{t}\" is a URL; give the primary DNS server's address, e.g. \"192.0.2.53\" or \"ns1.example.com:5353\""
            ));
        }
        let port = |p: &str| match p.parse::<u16>() {
            Ok(n) if n > 0 => Ok(n),
            _ => Err(format!(
                "\"{t}\": the port must be a number from 1 to 65535"
            )),
        };
        if let Some(rest) = t.strip_prefix('[') {
            let (host, after) = rest
                .split_once(']')
                .ok_or_else(|| format!("\"{t}\": missing \"]\""))?;
            host.parse::<Ipv6Addr>()
                .map_err(|_| format!("\"{t}\": \"{host}\" is not an IPv6 address"))?;
            let port = match after {
                "" => DEFAULT_PORT,
                _ => port(
                    after
                        .strip_prefix(':')
                        .ok_or_else(|| format!("\"{t}\": expected \":port\" after \"]\""))?,
                )?,
            };
            return Ok(Server {
                host: host.to_string(),
                port,
            });
        }
        if t.parse::<Ipv6Addr>().is_ok() {
            return Ok(Server {
                host: t.to_string(),
                port: DEFAULT_PORT,
            });
        }
        let (host, port) = match t.split_once(':') {
            Some((h, p)) => (h, port(p)?),
            None => (t, DEFAULT_PORT),
        };
        if host.parse::<Ipv4Addr>().is_err() {
            parse_name(host, NameKind::Host)
                .map_err(|m| format!("\"{t}\": not an address or host name ({m})"))?;
        }
        Ok(Server {
            host: host.to_string(),
            port,
        })
    }

    /// Resolves the name once; the first address wins.
    pub(super) fn resolve(&self) -> Result<SocketAddr, Error> {
        let mut addrs = (self.host.as_str(), self.port)
            .to_socket_addrs()
            .map_err(|e| Error::transient(format!("cannot resolve {}: {e}", self.host)))?;
        addrs
            .next()
            .ok_or_else(|| Error::transient(format!("{} has no address", self.host)))
    }
}

/// A random message ID from the system's generator (the time mixed with the pid if that fails).
pub(super) fn random_id() -> u16 {
    let mut b = [0u8; 2];
    if SystemRandom::new().fill(&mut b).is_ok() {
        return u16::from_be_bytes(b);
    }
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    (nanos ^ std::process::id().rotate_left(16)) as u16
}

/// Sends the signed message and returns the reply: UDP from a random port, TCP when the
/// message is larger than 512 bytes or the UDP reply is truncated. Failures are transient.
pub(super) fn exchange(
    server: SocketAddr,
    wire: &[u8],
    id: u16,
    timeout: Duration,
) -> Result<Vec<u8>, Error> {
    let failed = |what: &str, how: String| Error::transient(format!("{what} {server}: {how}"));
    if wire.len() > MAX_UDP_MESSAGE {
        detail!(
            "sending the UPDATE ({} bytes) to {server} over TCP",
            wire.len()
        );
        return exchange_tcp(server, wire, timeout).map_err(|e| failed("TCP to", e));
    }
    detail!(
        "sending the UPDATE ({} bytes) to {server} over UDP",
        wire.len()
    );
    match exchange_udp(server, wire, id, timeout).map_err(|e| failed("UDP to", e))? {
        Some(reply) => Ok(reply),
        None => {
            detail!("the UDP reply is truncated; sending the UPDATE over TCP");
            exchange_tcp(server, wire, timeout).map_err(|e| failed("TCP to", e))
        }
    }
}

fn deadline_after(timeout: Duration) -> Instant {
    let start = Instant::now();
    start
        .checked_add(timeout)
        .or_else(|| start.checked_add(Duration::from_secs(86_400)))
        .unwrap_or(start)
}

/// One datagram out, then the first datagram back that carries our ID and QR; `None` when
/// that reply is truncated (TC). Strays are ignored without extending the deadline.
fn exchange_udp(
    server: SocketAddr,
    wire: &[u8],
    id: u16,
    timeout: Duration,
) -> Result<Option<Vec<u8>>, String> {
    let deadline = deadline_after(timeout);
    let local = match server {
        SocketAddr::V4(_) => SocketAddr::from((Ipv4Addr::UNSPECIFIED, 0)),
        SocketAddr::V6(_) => SocketAddr::from((Ipv6Addr::UNSPECIFIED, 0)),
    };
    let socket = UdpSocket::bind(local).map_err(|e| format!("cannot open a socket: {e}"))?;
    socket
        .connect(server)
        .map_err(|e| format!("cannot connect: {e}"))?;
    socket.send(wire).map_err(|e| format!("cannot send: {e}"))?;
    let mut buf = vec![0u8; 65_535];
    let mut ignored = 0usize;
    loop {
        let remaining = deadline.saturating_duration_since(Instant::now());
        if remaining.is_zero() {
            let strays = match ignored {
                0 => String::new(),
                n => format!(" ({n} stray datagram(s) ignored)"),
            };
            return Err(format!("no reply within {} s{strays}", timeout.as_secs()));
        }
        socket
            .set_read_timeout(Some(remaining))
            .map_err(|e| format!("cannot wait for the reply: {e}"))?;
        match socket.recv(&mut buf) {
            Ok(len) => {
                let d = &buf[..len];
                let ours = d.len() >= HEADER_LEN
                    && u16::from_be_bytes([d[0], d[1]]) == id
                    && d[2] & 0x80 != 0;
                if !ours {
                    ignored += 1;
                    continue;
                }
                if u16::from_be_bytes([d[2], d[3]]) & FLAG_TC != 0 {
                    return Ok(None);
                }
                return Ok(Some(d.to_vec()));
            }
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) if e.kind() == ErrorKind::ConnectionRefused => {
                return Err("port unreachable (connection refused)".to_string());
            }
            Err(e) => return Err(format!("cannot receive: {e}")),
        }
    }
}

/// The message with a two-byte length in front, and one length-prefixed reply back.
fn exchange_tcp(server: SocketAddr, wire: &[u8], timeout: Duration) -> Result<Vec<u8>, String> {
    let deadline = deadline_after(timeout);
    let left = || {
        let d = deadline.saturating_duration_since(Instant::now());
        if d.is_zero() {
            Err(format!("no reply within {} s", timeout.as_secs()))
        } else {
            Ok(d)
        }
    };
    let mut stream =
        TcpStream::connect_timeout(&server, left()?).map_err(|e| format!("cannot connect: {e}"))?;
    let mut out = (wire.len() as u16).to_be_bytes().to_vec();
    out.extend_from_slice(wire);
    stream
        .set_write_timeout(Some(left()?))
        .and_then(|_| stream.write_all(&out))
        .map_err(|e| format!("cannot send: {e}"))?;
    let mut read = |buf: &mut [u8]| -> Result<(), String> {
        let mut filled = 0;
        while filled < buf.len() {
            stream
                .set_read_timeout(Some(left()?))
                .map_err(|e| format!("cannot wait for the reply: {e}"))?;
            match stream.read(&mut buf[filled..]) {
                Ok(0) => return Err("the server closed the connection".to_string()),
                Ok(n) => filled += n,
                Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) => return Err(format!("cannot receive: {e}")),
            }
        }
        Ok(())
    };
    let mut len = [0u8; 2];
    read(&mut len)?;
    let mut reply = vec![0u8; usize::from(u16::from_be_bytes(len))];
    read(&mut reply)?;
    Ok(reply)
}

#[cfg(test)]
#[path = "transport_tests.rs"]
mod tests;
