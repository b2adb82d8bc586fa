//! One UDP question to one server (DNS echo, NAT-PMP, PCP): a connected socket, optionally
//! bound to an interface, the request retransmitted on a doubling schedule cut to a timeout,
//! and only the server's own right reply accepted.
use std::fmt;
use std::fs::File;
use std::io::{ErrorKind, Read};
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, UdpSocket};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// The receive buffer: larger than any reply accepted (DNS 512, PCP 1100 bytes), so a longer
/// datagram is seen at its full length and refused, not cut to fit.
const BUFFER_BYTES: usize = 4096;
/// The longest wait between two sends (PCP's MRT, RFC 6887 §8.1.1; NAT-PMP's nine tries from
/// 250 ms end at 64 s).
const MAX_WAIT: Duration = Duration::from_secs(1024);

/// Why a datagram gave no answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseOutcome {
    /// Not a reply to this request (too short, another ID or nonce, another opcode): a stale
    /// or spoofed datagram. Drop it and keep waiting.
    Ignore(String),
    /// The reply to this request, and it carries no usable answer: stop and report this.
    Fail(String),
}

impl fmt::Display for ParseOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParseOutcome::Ignore(why) | ParseOutcome::Fail(why) => f.write_str(why),
        }
    }
}

/// A nonzero result code of a NAT-PMP or PCP reply, named from `names` (code 1 first).
pub fn result_failure(code: u16, names: &[&str]) -> ParseOutcome {
    let name = names
        .get(usize::from(code).wrapping_sub(1))
        .unwrap_or(&"unknown");
    ParseOutcome::Fail(format!("the router answers result code {code}, {name}"))
}

/// Fills `bytes` from /dev/urandom, else from the time mixed with the process id.
pub fn fill_random(bytes: &mut [u8]) {
    if File::open("/dev/urandom")
        .and_then(|mut file| file.read_exact(bytes))
        .is_ok()
    {
        return;
    }
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64);
    let mut x = nanos ^ u64::from(std::process::id()).rotate_left(29);
    for byte in bytes {
        x = x
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        *byte = (x >> 56) as u8;
    }
}

/// A fresh UDP socket bound to the unspecified address of the server's family with port 0
/// (the kernel picks a random port), bound to interface `device` when one is named, and
/// connected to `server` (the kernel then drops other senders and reports "port unreachable").
pub fn open(server: SocketAddr, device: Option<&str>) -> Result<UdpSocket, String> {
    let local = match server {
        SocketAddr::V4(_) => SocketAddr::from((Ipv4Addr::UNSPECIFIED, 0)),
        SocketAddr::V6(_) => SocketAddr::from((Ipv6Addr::UNSPECIFIED, 0)),
    };
    let socket = UdpSocket::bind(local).map_err(|e| format!("cannot open a UDP socket: {e}"))?;
    if let Some(name) = device {
        super::route::bind_to_device(&socket, name)?;
    }
    socket
        .connect(server)
        .map_err(|e| format!("cannot reach the server: {e}"))?;
    Ok(socket)
}

/// What was dropped while waiting, for the timeout message.
#[derive(Default)]
struct Ignored {
    count: usize,
    last: String,
}

impl Ignored {
    fn note(&mut self, why: String) {
        self.count += 1;
        self.last = why;
    }
}

/// `start + wait`, or a day later when the clock cannot hold that (the caller bounds it).
fn later(start: Instant, wait: Duration) -> Instant {
    start
        .checked_add(wait)
        .or_else(|| start.checked_add(Duration::from_secs(86_400)))
        .unwrap_or(start)
}

/// Sends `request` on `socket` (connected to `server`), again `first_wait` later if no
/// answer came, each wait then doubled (at most [`MAX_WAIT`]), at most `tries` sends, until
/// `parse` accepts a datagram from `server` (it keeps the answer: one copy of this loop
/// serves every caller) or fails on one. The whole exchange ends after `timeout`; ignored
/// datagrams do not extend it.
pub fn exchange(
    socket: &UdpSocket,
    server: SocketAddr,
    request: &[u8],
    first_wait: Duration,
    tries: u32,
    timeout: Duration,
    parse: &mut dyn FnMut(&[u8]) -> Result<(), ParseOutcome>,
) -> Result<(), String> {
    let start = Instant::now();
    let deadline = later(start, timeout);
    let mut next_send = start;
    let mut wait = first_wait;
    let mut sent = 0;
    let mut ignored = Ignored::default();
    let mut buffer = vec![0u8; BUFFER_BYTES];
    loop {
        let now = Instant::now();
        if sent < tries && now >= next_send {
            socket
                .send(request)
                .map_err(|e| format!("cannot send the request: {e}"))?;
            sent += 1;
            next_send = later(now, wait);
            wait = wait.saturating_mul(2).min(MAX_WAIT);
        }
        let until = if sent < tries {
            next_send.min(deadline)
        } else {
            deadline
        };
        if now >= deadline {
            let mut why = format!("no reply within {timeout:?}");
            if ignored.count > 0 {
                why.push_str(&format!(
                    " (ignored {} datagram(s), the last one: {})",
                    ignored.count, ignored.last
                ));
            }
            return Err(why);
        }
        if let Some(len) = receive(socket, server, &mut buffer, until, &mut ignored)? {
            match parse(buffer.get(..len).unwrap_or_default()) {
                Ok(()) => return Ok(()),
                Err(ParseOutcome::Fail(why)) => return Err(why),
                Err(ParseOutcome::Ignore(why)) => ignored.note(why),
            }
        }
    }
}

/// Waits until `until` for one datagram from `server`: its length, or `None` when none came
/// (or one came from elsewhere, noted in `ignored`).
fn receive(
    socket: &UdpSocket,
    server: SocketAddr,
    buffer: &mut [u8],
    until: Instant,
    ignored: &mut Ignored,
) -> Result<Option<usize>, String> {
    let left = until.saturating_duration_since(Instant::now());
    if left.is_zero() {
        return Ok(None);
    }
    socket
        .set_read_timeout(Some(left))
        .map_err(|e| format!("cannot wait for the reply: {e}"))?;
    match socket.recv_from(buffer) {
        Ok((len, from)) if from.ip() == server.ip() && from.port() == server.port() => {
            Ok(Some(len))
        }
        Ok((_, from)) => {
            ignored.note(format!("sent from {from}"));
            Ok(None)
        }
        Err(e)
            if matches!(
                e.kind(),
                ErrorKind::WouldBlock | ErrorKind::TimedOut | ErrorKind::Interrupted
            ) =>
        {
            Ok(None)
        }
        Err(e) if e.kind() == ErrorKind::ConnectionRefused => Err(format!(
            "port {} unreachable (connection refused)",
            server.port()
        )),
        Err(e) => Err(format!("cannot receive the reply: {e}")),
    }
}

#[cfg(test)]
#[path = "udp_tests.rs"]
mod tests;
