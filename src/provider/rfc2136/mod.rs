//! RFC 2136 dynamic UPDATE signed with TSIG, sent straight to the zone's primary (BIND, Knot,
//! PowerDNS): https://www.rfc-editor.org/rfc/rfc2136 and https://www.rfc-editor.org/rfc/rfc8945
//!
//! One message per run sets every family due: for each, delete the RRset (`<name> 0 ANY A`)
//! and add the new record (`<name> <ttl> IN A <ip>`); the server applies it atomically. The
//! message goes over UDP from a random port with a random ID, over TCP when it is larger than
//! 512 bytes or the reply is truncated. A reply counts only when its own TSIG verifies.
//!
//! Test hook: `DDNSUP_TSIG_CLOCK_OFFSET` (seconds, may be negative) is added to the clock used
//! for TSIG times, so that tests can provoke BADTIME; it is read only here.
//!
//! Here: the record's settings, the Provider impl and what a reply means; `wire` builds,
//! signs and reads the messages, `transport` sends them, `keyfile` reads the TSIG key.
pub mod keyfile;
mod transport;
pub mod wire;

use super::{Addrs, Cache, Planned, Provider, Success};
use crate::clock::{format_utc, now_secs};
use crate::dnswire::{FLAG_QR, FLAG_TC, MAX_NAME};
use crate::error::Error;
use crate::family::Family;
use crate::fields::Fields;
use crate::http::Client;
use keyfile::read_key;
use std::time::Duration;
use transport::{Server, exchange, random_id};
use wire::{
    FUDGE_SECS, MAX_TIME_SIGNED, OPCODE_UPDATE, Signed, TSIG_BADKEY, TSIG_BADSIG, TSIG_BADTIME,
    TSIG_BADTRUNC, TsigKey, build_update, read_message, read_u48, sign,
};

pub const DEFAULT_TTL_SECS: i64 = 300;
const MAX_TTL_SECS: i64 = 86_400;
/// The TSIG test hook (see the module comment).
pub const CLOCK_OFFSET_VAR: &str = "DDNSUP_TSIG_CLOCK_OFFSET";
const MAX_LABEL: usize = 63;

const RCODE_NOERROR: u16 = 0;
const RCODE_REFUSED: u16 = 5;
const RCODE_NOTAUTH: u16 = 9;
/// The first wait after an unsigned REFUSED or NOTAUTH (the server could not verify our
/// signature): a key or a clock needs a person, so later runs knock rarely, never stop.
pub const UNVERIFIED_BACKOFF_SECS: u64 = 3600;

/// What a name in the config may be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NameKind {
    Zone,
    /// The record's name: `*` may be its whole first label.
    Owner,
    /// A TSIG key name: any printable character but the ones named in `key_char`.
    Key,
    Host,
}

fn host_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'-' || c == b'_'
}

fn key_char(c: u8) -> bool {
    c.is_ascii_graphic() && !matches!(c, b'.' | b'"' | b'\\' | b';' | b'{' | b'}' | b'(' | b')')
}

/// Checks a domain name and returns it lowercased, without the final dot.
fn parse_name(text: &str, kind: NameKind) -> Result<String, String> {
    let t = text.trim();
    let t = t.strip_suffix('.').unwrap_or(t);
    if t.is_empty() {
        return Err("a name is needed".to_string());
    }
    let lower = t.to_ascii_lowercase();
    let mut wire_len = 1;
    for (i, label) in lower.split('.').enumerate() {
        if label.is_empty() {
            return Err(format!("\"{t}\" has an empty label"));
        }
        if label.len() > MAX_LABEL {
            return Err(format!("\"{label}\" is longer than 63 characters"));
        }
        let wildcard = kind == NameKind::Owner && i == 0 && label == "*";
        let ok = match kind {
            NameKind::Key => label.bytes().all(key_char),
            _ => label.bytes().all(host_char),
        };
        if !ok && !wildcard {
            return Err(format!("\"{t}\" holds a character not allowed in a name"));
        }
        wire_len += 1 + label.len();
    }
    if wire_len > MAX_NAME {
        return Err(format!("\"{t}\" is longer than 255 bytes"));
    }
    Ok(lower)
}

fn in_zone(name: &str, zone: &str) -> bool {
    name == zone
        || name
            .strip_suffix(zone)
            .is_some_and(|head| head.ends_with('.'))
}

/// A validated `rfc2136` record.
pub struct Rfc2136 {
    server: Server,
    zone: String,
    name: String,
    ttl: u32,
    key: TsigKey,
}

impl Rfc2136 {
    pub fn from_config(f: &mut Fields) -> Result<Rfc2136, Error> {
        let text = f.required_str("server")?;
        let server = Server::parse(&text).map_err(|m| f.error("server", &m))?;
        let text = f.required_str("zone")?;
        let zone = parse_name(&text, NameKind::Zone).map_err(|m| f.error("zone", &m))?;
        let text = f.required_str("name")?;
        let name = parse_name(&text, NameKind::Owner).map_err(|m| f.error("name", &m))?;
        if !in_zone(&name, &zone) {
            return Err(f.error(
                "name",
                &format!(
                    "\"{name}\" is not inside zone \"{zone}\"; give the full name, e.g. \"home.{zone}\""
                ),
            ));
        }
        let ttl = f
            .int_in("ttl", 0, MAX_TTL_SECS)?
            .unwrap_or(DEFAULT_TTL_SECS) as u32;
        let key = read_key(f)?;
        Ok(Rfc2136 {
            server,
            zone,
            name,
            ttl,
            key,
        })
    }

    /// The whole exchange: sign, send, read the answer.
    fn send_update(&self, timeout_secs: u64, addrs: Addrs) -> Result<Success, Error> {
        let server = self.server.resolve()?;
        let id = random_id();
        let offset = clock_offset();
        let now = tsig_now(offset);
        let message = build_update(id, &self.zone, &self.name, self.ttl, addrs);
        let signed = sign(&message, &self.key, now);
        let timeout = Duration::from_secs(timeout_secs);
        let reply = exchange(server, &signed.wire, id, timeout)?;
        self.parse_reply_bytes(&reply, &signed, tsig_now(offset))
    }

    /// Reads the server's answer to `sent`; `now` is our clock for the reply's time check.
    pub fn parse_reply_bytes(
        &self,
        reply: &[u8],
        sent: &Signed,
        now: u64,
    ) -> Result<Success, Error> {
        let malformed =
            |why: String| Error::transient(format!("malformed reply from {}: {why}", self.server));
        let m = read_message(reply).map_err(malformed)?;
        if m.id != sent.id {
            return Err(malformed(format!(
                "ID {:#06x} does not match ours ({:#06x})",
                m.id, sent.id
            )));
        }
        if m.flags & FLAG_QR == 0 || (m.flags >> 11) & 0xF != OPCODE_UPDATE {
            return Err(malformed("not an answer to an UPDATE".to_string()));
        }
        if m.flags & FLAG_TC != 0 {
            return Err(malformed("truncated".to_string()));
        }
        let rcode = m.flags & 0xF;
        let (signed, tsig_error, other) = match &m.tsig {
            None => (false, 0, &[][..]),
            Some(t) => {
                if !t.mac.is_empty() {
                    wire::verify(reply, t, sent, &self.key, now).map_err(|why| {
                        Error::transient(format!(
                            "the reply from {} is not trustworthy: {why}",
                            self.server
                        ))
                    })?;
                }
                (!t.mac.is_empty(), t.error, t.other)
            }
        };
        self.classify(rcode, tsig_error, signed, other, sent.time_signed)
    }

    /// The outcome an RCODE and TSIG error stand for (PROTOCOLS.md §7.2 and §9).
    fn classify(
        &self,
        rcode: u16,
        tsig_error: u16,
        signed: bool,
        other: &[u8],
        time_signed: u64,
    ) -> Result<Success, Error> {
        let key = format!(
            "TSIG key \"{}\" ({})",
            self.key.name,
            self.key.algorithm.name()
        );
        let unsigned = if signed { "" } else { " (unsigned reply)" };
        let zone = &self.zone;
        let fatal = |m: String| Err(Error::fatal(format!("{m}{unsigned}")));
        let unverified = !signed && tsig_error == 0;
        match rcode {
            // PowerDNS answers every TSIG failure so; a signed answer would name the failure.
            RCODE_REFUSED | RCODE_NOTAUTH if unverified => Err(Error::transient_slow(
                self.unverified_message(rcode, time_signed),
                UNVERIFIED_BACKOFF_SECS,
            )),
            RCODE_NOERROR if tsig_error == 0 && signed => Ok(Success::Updated),
            RCODE_NOERROR if tsig_error == 0 => Err(Error::transient(
                "the server answered NOERROR without a TSIG signature; not trusted as success",
            )),
            RCODE_NOERROR => Err(Error::transient(format!(
                "NOERROR with TSIG error {tsig_error}: an inconsistent reply"
            ))),
            RCODE_NOTAUTH => match tsig_error {
                0 => fatal(format!(
                    "NOTAUTH: the server is not authoritative for zone {zone} (check `zone` and `server`)"
                )),
                TSIG_BADSIG => fatal(format!(
                    "NOTAUTH/BADSIG: the server's secret for {key} differs from ours (check the secret)"
                )),
                // Knot also answers so for a key it knows when its ACL denies the update.
                TSIG_BADKEY => fatal(format!(
                    "NOTAUTH/BADKEY: the server refused {key}: not allowed, or unknown key (check on the server that it has a key of this name and algorithm, and that its ACL or update policy lets the key update zone {zone})"
                )),
                TSIG_BADTRUNC => fatal(format!(
                    "NOTAUTH/BADTRUNC: the server refused the MAC length of {key}"
                )),
                TSIG_BADTIME => Err(Error::transient(badtime_message(other, time_signed))),
                e => fatal(format!("NOTAUTH with TSIG error {e}")),
            },
            1 => fatal(
                "FORMERR: the server could not read the update (a server that does not speak RFC 2136?)"
                    .to_string(),
            ),
            2 => Err(Error::transient(
                "SERVFAIL: the server could not apply the update",
            )),
            3 | 6 | 7 | 8 => fatal(format!(
                "protocol error: {} is a failed prerequisite, but ddnsup sends none",
                rcode_name(rcode)
            )),
            4 => fatal("NOTIMP: the server does not implement dynamic UPDATE".to_string()),
            RCODE_REFUSED => fatal(format!(
                "REFUSED: the server's policy denies this update to zone {zone} with {key} (BIND: allow-update / update-policy; Knot: acl; PowerDNS: allow-dnsupdate-from, TSIG-ALLOW-DNSUPDATE)"
            )),
            10 => fatal(format!(
                "NOTZONE: the server says {} is not inside zone {zone}",
                self.name
            )),
            other => Err(Error::transient(format!(
                "unexpected RCODE {other} in the reply{unsigned}"
            ))),
        }
    }
}

impl Rfc2136 {
    /// The text for an unsigned REFUSED or NOTAUTH: the four things both sides must agree
    /// on, and our clock as it read when we signed.
    fn unverified_message(&self, rcode: u16, time_signed: u64) -> String {
        let (name, also) = if rcode == RCODE_NOTAUTH {
            let zone = &self.zone;
            (
                "NOTAUTH",
                format!("; or the server is not authoritative for zone {zone}"),
            )
        } else {
            ("REFUSED", String::new())
        };
        format!(
            "{name} without a TSIG signature: the server could not verify our signed update; check the secret, the key name \"{}\", the algorithm ({}) and this machine's clock (ours read {} when signing; the server allows {FUDGE_SECS} s){also}",
            self.key.name,
            self.key.algorithm.name(),
            format_utc(time_signed)
        )
    }
}

fn rcode_name(rcode: u16) -> &'static str {
    match rcode {
        3 => "NXDOMAIN",
        6 => "YXDOMAIN",
        7 => "YXRRSET",
        8 => "NXRRSET",
        _ => "an RCODE",
    }
}

/// The BADTIME text: how far the server's clock (in Other Data) is from the time we signed.
fn badtime_message(other: &[u8], time_signed: u64) -> String {
    let head = format!("NOTAUTH/BADTIME: the clocks differ by more than {FUDGE_SECS} s");
    let Some(server_time) = read_u48(other) else {
        return format!("{head}; fix this machine's clock (NTP)");
    };
    let skew = server_time as i64 - time_signed as i64;
    let side = if skew >= 0 { "ahead of" } else { "behind" };
    format!(
        "{head}: the server's clock is {} s {side} ours (server {}, ours {}); fix this machine's clock (NTP)",
        skew.unsigned_abs(),
        format_utc(server_time),
        format_utc(time_signed)
    )
}

/// The test hook's shift of the TSIG clock in seconds (0 when unset or not a number).
fn clock_offset() -> i64 {
    let offset = std::env::var(CLOCK_OFFSET_VAR)
        .ok()
        .and_then(|v| v.trim().parse::<i64>().ok())
        .unwrap_or(0);
    if offset != 0 {
        log::warn!(target: "ddnsup", "{CLOCK_OFFSET_VAR} = {offset}: TSIG times are shifted (a test hook)");
    }
    offset
}

/// Our clock for TSIG, shifted by the test hook.
fn tsig_now(offset: i64) -> u64 {
    now_secs()
        .saturating_add_signed(offset)
        .min(MAX_TIME_SIGNED)
}

impl Provider for Rfc2136 {
    fn fqdn(&self) -> String {
        self.name.clone()
    }

    fn supports_v6(&self) -> bool {
        true
    }

    /// No HTTP request: `describe` says what `--dry-run` would send.
    fn plan(&self, _addrs: Addrs) -> Vec<Planned> {
        Vec::new()
    }

    fn describe(&self, addrs: Addrs) -> Vec<String> {
        if addrs.is_empty() {
            return Vec::new();
        }
        let name = &self.name;
        let steps: Vec<String> = addrs
            .list()
            .into_iter()
            .map(|ip| {
                let rr = Family::of(ip).rr();
                format!("delete {name} {rr}; add {name} {} {rr} {ip}", self.ttl)
            })
            .collect();
        vec![format!(
            "DNS UPDATE to {} zone {}: {} (TSIG key {}, {})",
            self.server,
            self.zone,
            steps.join("; "),
            self.key.name,
            self.key.algorithm.name()
        )]
    }

    /// One message for every family due; the server applies it all or nothing, so each
    /// family shares the outcome.
    fn update(
        &self,
        client: &Client,
        addrs: Addrs,
        _cache: &mut Cache,
    ) -> Vec<(Family, Result<Success, Error>)> {
        if addrs.is_empty() {
            return Vec::new();
        }
        let result = self.send_update(client.timeout_secs, addrs);
        addrs
            .families()
            .into_iter()
            .map(|family| (family, result.clone()))
            .collect()
    }
}

#[cfg(test)]
mod config_tests;
#[cfg(test)]
mod servers_tests;
#[cfg(test)]
mod tests;
