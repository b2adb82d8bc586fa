//! NAT-PMP (RFC 6886) sources: the external-address request to the home router.
//! <https://www.rfc-editor.org/rfc/rfc6886#section-3.2>
use super::udp::{self, ParseOutcome};
use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

/// The external-address request: version 0, opcode 0 (RFC 6886 §3.2).
pub const REQUEST: [u8; 2] = [0, 0];
/// Its reply's opcode: 128 + 0.
const OPCODE_REPLY: u8 = 128;
/// The first wait for a reply, then doubled (RFC 6886 §3.1), at most this many sends.
const FIRST_WAIT: Duration = Duration::from_millis(250);
const TRIES: u32 = 9;
/// The result codes 1..=5 (RFC 6886 §3.5).
const RESULT_CODES: [&str; 5] = [
    "unsupported version",
    "not authorized or refused (NAT-PMP off?)",
    "network failure (WAN down?)",
    "out of resources",
    "unsupported opcode",
];

/// Parses a datagram from the router (pure): the external address of a 12-byte reply with
/// version 0, opcode 128 and result code 0. Other versions and opcodes, and replies of another
/// length, are ignored; a nonzero result code, a PCP-only router (version 2) and 0.0.0.0 (no
/// external address yet) end the exchange.
pub fn parse_reply(reply: &[u8]) -> Result<Ipv4Addr, ParseOutcome> {
    let ignore = |why: &str| Err(ParseOutcome::Ignore(why.to_string()));
    let (version, opcode, code) = match *reply {
        [version, opcode, hi, lo, ..] => (version, opcode, u16::from_be_bytes([hi, lo])),
        _ => return ignore("too short"),
    };
    if version == 2 {
        return Err(ParseOutcome::Fail(
            "the router speaks PCP, not NAT-PMP; use pcp".to_string(),
        ));
    }
    if version != 0 {
        return ignore("not NAT-PMP version 0");
    }
    if opcode != OPCODE_REPLY {
        return ignore("another opcode");
    }
    // Error replies may stop after the epoch (RFC 6886 §3.5).
    if code != 0 {
        return Err(udp::result_failure(code, &RESULT_CODES));
    }
    let [_, _, _, _, _, _, _, _, a, b, c, d] = *reply else {
        return ignore("not 12 bytes long");
    };
    match Ipv4Addr::new(a, b, c, d) {
        Ipv4Addr::UNSPECIFIED => Err(no_address_yet()),
        ip => Ok(ip),
    }
}

/// The router's word for "I have no external address" (0.0.0.0, RFC 6886 §3.2).
pub fn no_address_yet() -> ParseOutcome {
    ParseOutcome::Fail("the router has no external address yet (0.0.0.0)".to_string())
}

/// Asks the router at `gateway` for its external IPv4 address, within `timeout`.
pub fn ask(
    gateway: SocketAddr,
    device: Option<&str>,
    timeout: Duration,
) -> Result<Ipv4Addr, String> {
    let socket = udp::open(gateway, device)?;
    let mut ip = Ipv4Addr::UNSPECIFIED;
    udp::exchange(
        &socket,
        gateway,
        &REQUEST,
        FIRST_WAIT,
        TRIES,
        timeout,
        &mut |reply| parse_reply(reply).map(|got| ip = got),
    )?;
    Ok(ip)
}

#[cfg(test)]
#[path = "natpmp_tests.rs"]
mod tests;
