//! PCP (RFC 6887) sources: the external address from a short MAP of ddnsup's own UDP port,
//! deleted at once. <https://www.rfc-editor.org/rfc/rfc6887#section-11>
use super::udp::{self, ParseOutcome};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::{Duration, Instant};

/// The PCP version (RFC 6887 §7).
const VERSION: u8 = 2;
/// The MAP opcode, and the R bit a response sets on it.
const OPCODE_MAP: u8 = 1;
const RESPONSE_BIT: u8 = 0x80;
/// The common header, the MAP data after it, and the longest message (RFC 6887 §7, §11.1).
const HEADER_LEN: usize = 24;
const MAP_LEN: usize = 36;
pub const MAP_MESSAGE_LEN: usize = HEADER_LEN + MAP_LEN;
const MAX_MESSAGE_LEN: usize = 1100;
/// The mapped protocol: UDP, the protocol of ddnsup's own socket (never 0, "all protocols").
const PROTOCOL_UDP: u8 = 17;
/// The requested lifetime of the mapping, deleted at once anyway (the warning of an
/// unconfirmed delete says "2 minutes").
const LIFETIME_SECS: u32 = 120;
/// The first wait for a reply, then doubled (IRT, RFC 6887 §8.1.1); the sends are bounded by
/// the timeout, and by this count.
const FIRST_WAIT: Duration = Duration::from_secs(3);
const TRIES: u32 = 12;
/// The longest wait for the reply to the delete.
const DELETE_WAIT: Duration = Duration::from_secs(1);
/// The result codes 1..=13 (RFC 6887 §7.4).
const RESULT_CODES: [&str; 13] = [
    "UNSUPP_VERSION",
    "NOT_AUTHORIZED",
    "MALFORMED_REQUEST",
    "UNSUPP_OPCODE",
    "UNSUPP_OPTION",
    "MALFORMED_OPTION",
    "NETWORK_FAILURE",
    "NO_RESOURCES",
    "UNSUPP_PROTOCOL",
    "USER_EX_QUOTA",
    "CANNOT_PROVIDE_EXTERNAL",
    "ADDRESS_MISMATCH",
    "EXCESSIVE_REMOTE_PEERS",
];

/// The MAP request (pure): from PCP client address `client` (IPv4-mapped for IPv4), mapping
/// nonce `nonce`, UDP internal port `port` for `lifetime` seconds (0 deletes the mapping), any
/// external port and address (0 and `::ffff:0.0.0.0`).
pub fn build_request(
    client: Ipv6Addr,
    nonce: &[u8; 12],
    port: u16,
    lifetime: u32,
) -> [u8; MAP_MESSAGE_LEN] {
    let mut m = [0u8; MAP_MESSAGE_LEN];
    m[0] = VERSION;
    m[1] = OPCODE_MAP;
    m[4..8].copy_from_slice(&lifetime.to_be_bytes());
    m[8..24].copy_from_slice(&client.octets());
    m[24..36].copy_from_slice(nonce);
    m[36] = PROTOCOL_UDP;
    m[40..42].copy_from_slice(&port.to_be_bytes());
    m[44..60].copy_from_slice(&Ipv4Addr::UNSPECIFIED.to_ipv6_mapped().octets());
    m
}

/// Parses a datagram from the router (pure): for a MAP response (version 2, R bit and opcode
/// 1, a length that is a multiple of 4 up to 1100 bytes, options skipped) to the mapping of
/// `nonce`, UDP and internal port `port`, with result code 0: its lifetime and assigned
/// external address. Other datagrams are ignored; a nonzero result code and a NAT-PMP-only
/// router (version 0, unsupported version) end the exchange.
pub fn parse_reply(
    nonce: &[u8; 12],
    port: u16,
    reply: &[u8],
) -> Result<(u32, Ipv6Addr), ParseOutcome> {
    let ignore = |why: &str| Err(ParseOutcome::Ignore(why.to_string()));
    let [version, opcode, reserved, code, l0, l1, l2, l3, ..] = *reply else {
        return ignore("too short");
    };
    if version == 0 && reserved == 0 && code == 1 {
        return Err(ParseOutcome::Fail(
            "the router speaks only NAT-PMP; use natpmp".to_string(),
        ));
    }
    if version != VERSION {
        return ignore("not PCP version 2");
    }
    if opcode != RESPONSE_BIT | OPCODE_MAP {
        return ignore("not a MAP response");
    }
    if !reply.len().is_multiple_of(4) || reply.len() > MAX_MESSAGE_LEN {
        return ignore("bad PCP length");
    }
    let failure = || Err(udp::result_failure(u16::from(code), &RESULT_CODES));
    let map = reply
        .get(HEADER_LEN..MAP_MESSAGE_LEN)
        .and_then(|m| <&[u8; MAP_LEN]>::try_from(m).ok());
    let Some(map) = map else {
        // An error response may carry the header alone.
        return if code != 0 {
            failure()
        } else {
            ignore("too short for a MAP response")
        };
    };
    if map[..12] != nonce[..] || map[12] != PROTOCOL_UDP || map[16..18] != port.to_be_bytes() {
        return ignore("another mapping");
    }
    if code != 0 {
        return failure();
    }
    let mut options = reply.get(MAP_MESSAGE_LEN..).unwrap_or_default();
    while let [_, _, hi, lo, rest @ ..] = options {
        let padded = (usize::from(u16::from_be_bytes([*hi, *lo])) + 3) & !3;
        let Some(after) = rest.get(padded..) else {
            return ignore("an option overruns the reply");
        };
        options = after;
    }
    let mut external = [0u8; 16];
    external.copy_from_slice(&map[20..]);
    Ok((
        u32::from_be_bytes([l0, l1, l2, l3]),
        Ipv6Addr::from(external),
    ))
}

/// The assigned external address as IPv4 (pure): IPv4-mapped, and not 0.0.0.0.
pub fn external_v4(assigned: Ipv6Addr) -> Result<Ipv4Addr, String> {
    match assigned.to_ipv4_mapped() {
        Some(Ipv4Addr::UNSPECIFIED) => Err(super::natpmp::no_address_yet().to_string()),
        Some(ip) => Ok(ip),
        None => Err(format!(
            "the router assigns {assigned}, not an IPv4 address"
        )),
    }
}

/// Asks the router at `gateway` for its external IPv4 address, within `timeout`.
pub fn ask(
    gateway: SocketAddr,
    device: Option<&str>,
    timeout: Duration,
) -> Result<Ipv4Addr, String> {
    let start = Instant::now();
    let socket = udp::open(gateway, device)?;
    let local = socket
        .local_addr()
        .map_err(|e| format!("cannot read the socket's address: {e}"))?;
    let client = match local.ip() {
        IpAddr::V4(v4) => v4.to_ipv6_mapped(),
        IpAddr::V6(v6) => v6,
    };
    let port = local.port();
    let mut nonce = [0u8; 12];
    udp::fill_random(&mut nonce);
    let map = build_request(client, &nonce, port, LIFETIME_SECS);
    let mut assigned = Ipv6Addr::UNSPECIFIED;
    udp::exchange(
        &socket,
        gateway,
        &map,
        FIRST_WAIT,
        TRIES,
        timeout,
        &mut |reply| parse_reply(&nonce, port, reply).map(|(_, got)| assigned = got),
    )?;

    // The mapping exists now: delete it (the same MAP with lifetime 0, RFC 6887 §15).
    let wait = timeout.saturating_sub(start.elapsed()).min(DELETE_WAIT);
    let delete = build_request(client, &nonce, port, 0);
    let deleted =
        udp::exchange(
            &socket,
            gateway,
            &delete,
            wait,
            1,
            wait,
            &mut |reply| match parse_reply(&nonce, port, reply)? {
                (0, _) => Ok(()),
                _ => Err(ParseOutcome::Ignore("the MAP's reply again".to_string())),
            },
        );
    if let Err(why) = deleted {
        log::warn!(target: "ddnsup", "pcp@{gateway}: mapping of UDP port {port} not confirmed deleted ({why}); it expires in 2 minutes");
    }
    external_v4(assigned)
}

#[cfg(test)]
#[path = "pcp_tests.rs"]
mod tests;
