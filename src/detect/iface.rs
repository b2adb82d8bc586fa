//! Interface sources: the addresses the kernel holds on one named interface, no network request.
use std::ffi::{CStr, CString};
use std::fmt::Write as _;
use std::io;
use std::net::{Ipv4Addr, Ipv6Addr};

/// Where the kernel lists the IPv6 addresses of every interface.
const IF_INET6: &str = "/proc/net/if_inet6";

/// Longest interface name the kernel accepts (`IFNAMSIZ` minus the terminating NUL).
const MAX_NAME_LEN: usize = 15;

/// How many excluded addresses an error message lists before summing up the rest.
const MAX_LISTED: usize = 8;

/// `IFA_F_TEMPORARY`: an RFC 4941 privacy address.
const IFA_F_TEMPORARY: u8 = 0x01;
/// `IFA_F_DADFAILED`: duplicate address detection found another node using the address.
const IFA_F_DADFAILED: u8 = 0x08;
/// `IFA_F_DEPRECATED`: the preferred lifetime ran out (`preferred_lft 0`).
const IFA_F_DEPRECATED: u8 = 0x20;
/// `IFA_F_TENTATIVE`: duplicate address detection has not finished (or the link has no carrier).
const IFA_F_TENTATIVE: u8 = 0x40;
/// `IFA_F_PERMANENT`: configured by hand or by a static configuration, not learned.
const IFA_F_PERMANENT: u8 = 0x80;

/// The IPv4 addresses of interface `name`, via `libc::getifaddrs` (`AF_INET` entries whose
/// `ifa_name == name`), in the order the kernel lists them.
///
/// `Ok` always holds at least one address; whether one is public is for the caller to judge.
/// An address with a label (`ip addr add ... label eth0:1`) is listed under its label, so it is
/// found by that name. Errors: `"eth9: no such interface"`, `"eth0: no IPv4 address"`.
pub fn interface_v4_addrs(name: &str) -> Result<Vec<Ipv4Addr>, String> {
    let addrs: Vec<Ipv4Addr> = ifaddrs_v4()?
        .into_iter()
        .filter(|(ifname, _)| ifname.as_slice() == name.as_bytes())
        .map(|(_, addr)| addr)
        .collect();
    if addrs.is_empty() {
        check_exists(name)?;
        return Err(format!("{name}: no IPv4 address"));
    }
    Ok(addrs)
}

/// One IPv6 address line of `/proc/net/if_inet6`, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct V6Entry {
    pub addr: Ipv6Addr,
    pub ifindex: u32,
    pub prefix_len: u8,
    pub scope: u8,
    /// The low 8 bits of the kernel's `ifa_flags` (`IFA_F_*`).
    pub flags: u8,
    pub ifname: String,
}

/// Parses the text of `/proc/net/if_inet6` (pure; malformed lines are skipped).
///
/// Each line is: the address as 32 hex digits, then in hex the interface index, prefix length,
/// scope and flags, then the interface name, separated by blanks. A flags field wider than two
/// digits (older kernels printed every bit) is cut to its low 8 bits.
pub fn parse_if_inet6(text: &str) -> Vec<V6Entry> {
    text.lines().filter_map(parse_if_inet6_line).collect()
}

fn parse_if_inet6_line(line: &str) -> Option<V6Entry> {
    let fields: Vec<&str> = line.split_whitespace().collect();
    let [addr, ifindex, prefix_len, scope, flags, ifname] = fields[..] else {
        return None;
    };
    if addr.len() != 32 {
        return None;
    }
    let prefix_len = u8::try_from(hex(prefix_len)?)
        .ok()
        .filter(|&len| len <= 128)?;
    Some(V6Entry {
        addr: Ipv6Addr::from(hex(addr)?),
        ifindex: u32::try_from(hex(ifindex)?).ok()?,
        prefix_len,
        scope: u8::try_from(hex(scope)?).ok()?,
        flags: (u32::try_from(hex(flags)?).ok()? & 0xff) as u8,
        ifname: ifname.to_string(),
    })
}

/// A hexadecimal number made of hex digits only (no sign, no `0x`) that fits 128 bits.
fn hex(field: &str) -> Option<u128> {
    if field.is_empty() || !field.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    u128::from_str_radix(field, 16).ok()
}

/// Chooses the address to publish among `entries` of interface `name` (pure, deterministic), or
/// says why none fits.
///
/// Selection rule: the candidates are the addresses on that interface that are global unicast
/// (2000::/3) and not documentation (2001:db8::/32, 3fff::/20), benchmarking (2001:2::/48) or
/// Teredo (2001::/32) — so never ULA (fc00::/7), link-local (fe80::/10), site-local
/// (fec0::/10), loopback, unspecified, multicast or IPv4-mapped — and that are not temporary
/// (RFC 4941 privacy addresses), dad-failed, deprecated (preferred lifetime 0) or tentative
/// (duplicate address detection unfinished). Among the candidates a permanent address (set by
/// hand or by static configuration) is preferred over the rest (stable SLAAC or DHCPv6
/// addresses); ties go to the numerically lowest address, so the order in which the kernel
/// lists them never changes the choice.
///
/// Errors: `"wan: no IPv6 address"`, or `"wan: no global IPv6 address (only: fe80::1
/// link-local, fd00::1 ULA, 2a01:4f8::9 temporary)"`.
pub fn choose_v6(entries: &[V6Entry], name: &str) -> Result<Ipv6Addr, String> {
    let mine: Vec<&V6Entry> = entries.iter().filter(|e| e.ifname == name).collect();
    if mine.is_empty() {
        return Err(format!("{name}: no IPv6 address"));
    }
    let best = mine
        .iter()
        .filter(|e| why_excluded(e).is_empty())
        .min_by_key(|e| (e.flags & IFA_F_PERMANENT == 0, u128::from(e.addr)));
    if let Some(best) = best {
        return Ok(best.addr);
    }
    let mut listed = String::new();
    for (i, entry) in mine.iter().take(MAX_LISTED).enumerate() {
        let sep = if i == 0 { "" } else { ", " };
        let _ = write!(
            listed,
            "{sep}{} {}",
            entry.addr,
            why_excluded(entry).join(" ")
        );
    }
    if mine.len() > MAX_LISTED {
        let _ = write!(listed, " and {} more", mine.len() - MAX_LISTED);
    }
    Err(format!("{name}: no global IPv6 address (only: {listed})"))
}

/// Why `entry` cannot be published, shortest first: the kind of address, then its flags.
/// Empty when it is a candidate.
fn why_excluded(entry: &V6Entry) -> Vec<&'static str> {
    let mut why = Vec::new();
    if let Some(kind) = non_global_kind(entry.addr) {
        why.push(kind);
    }
    let flags = entry.flags;
    if flags & IFA_F_DADFAILED != 0 {
        why.push("dad-failed");
    } else if flags & IFA_F_TENTATIVE != 0 {
        why.push("tentative");
    }
    if flags & IFA_F_DEPRECATED != 0 {
        why.push("deprecated");
    }
    if flags & IFA_F_TEMPORARY != 0 {
        why.push("temporary");
    }
    why
}

/// A short name for the kind of a non-global address, or `None` for a global unicast one.
fn non_global_kind(ip: Ipv6Addr) -> Option<&'static str> {
    let kind = match ip.segments() {
        _ if ip.is_unspecified() => "unspecified",
        _ if ip.is_loopback() => "loopback",
        [0, 0, 0, 0, 0, 0xffff, ..] => "IPv4-mapped",
        [a, ..] if a & 0xfe00 == 0xfc00 => "ULA",
        [a, ..] if a & 0xffc0 == 0xfe80 => "link-local",
        [a, ..] if a & 0xffc0 == 0xfec0 => "site-local",
        [a, ..] if a & 0xff00 == 0xff00 => "multicast",
        [0x2001, 0x0db8, ..] => "documentation",
        [0x3fff, b, ..] if b & 0xf000 == 0 => "documentation",
        [0x2001, 0x0002, 0, ..] => "benchmarking",
        [0x2001, 0, ..] => "Teredo",
        [a, ..] if a & 0xe000 != 0x2000 => "not-global",
        _ => return None,
    };
    Some(kind)
}

/// Reads `/proc/net/if_inet6` and chooses (see [`choose_v6`] for the rule).
pub fn interface_v6(name: &str) -> Result<Ipv6Addr, String> {
    let text = match std::fs::read_to_string(IF_INET6) {
        Ok(text) => text,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            check_exists(name)?;
            return Err(format!(
                "{name}: no IPv6 address (IPv6 is off: no {IF_INET6})"
            ));
        }
        Err(e) => return Err(format!("{IF_INET6}: {e}")),
    };
    let entries = parse_if_inet6(&text);
    let mut listed = false;
    for e in entries.iter().filter(|e| e.ifname == name) {
        listed = true;
        detail!(
            "{name} (index {}): {}/{} scope {:#04x} flags {:#04x}",
            e.ifindex,
            e.addr,
            e.prefix_len,
            e.scope,
            e.flags
        );
    }
    if !listed {
        check_exists(name)?;
    }
    choose_v6(&entries, name)
}

/// `Ok` when the kernel knows an interface called `name`, else `"name: no such interface"`.
fn check_exists(name: &str) -> Result<(), String> {
    let missing = || format!("{name}: no such interface");
    // Longer names would be cut short by some C libraries and match another interface.
    if name.is_empty() || name.len() > MAX_NAME_LEN {
        return Err(missing());
    }
    let c_name = CString::new(name).map_err(|_| missing())?;
    // SAFETY: `c_name` is a valid NUL-terminated string that outlives the call, which only
    // reads it.
    let index = unsafe { libc::if_nametoindex(c_name.as_ptr()) };
    if index != 0 {
        return Ok(());
    }
    let err = io::Error::last_os_error();
    match err.raw_os_error() {
        Some(libc::ENODEV | libc::ENXIO) => Err(missing()),
        _ => Err(format!("{name}: cannot look the interface up: {err}")),
    }
}

/// Every `AF_INET` entry of `getifaddrs`: its name (bytes) and address, in list order.
fn ifaddrs_v4() -> Result<Vec<(Vec<u8>, Ipv4Addr)>, String> {
    let mut head: *mut libc::ifaddrs = std::ptr::null_mut();
    // SAFETY: `head` is a valid place for getifaddrs to store the list's address.
    if unsafe { libc::getifaddrs(&mut head) } != 0 {
        return Err(format!("getifaddrs: {}", io::Error::last_os_error()));
    }
    let list = IfAddrs(head);
    let mut found = Vec::new();
    let mut node = list.0;
    while !node.is_null() {
        // SAFETY: `node` is a non-null node of the list getifaddrs returned, which stays
        // allocated and unchanged until `list` is dropped at the end of this function.
        let ifa = unsafe { &*node };
        node = ifa.ifa_next;
        if ifa.ifa_name.is_null() || ifa.ifa_addr.is_null() {
            continue;
        }
        // SAFETY: `ifa_addr` is non-null and points to a socket address that starts with the
        // `sockaddr` header.
        let family = unsafe { (*ifa.ifa_addr).sa_family };
        if i32::from(family) != libc::AF_INET {
            continue;
        }
        // SAFETY: an `AF_INET` address is a `sockaddr_in`; it is read unaligned to assume
        // nothing about the C library's allocator.
        let sin = unsafe { std::ptr::read_unaligned(ifa.ifa_addr.cast::<libc::sockaddr_in>()) };
        // SAFETY: `ifa_name` is non-null and NUL-terminated, valid while `list` lives.
        let ifname = unsafe { CStr::from_ptr(ifa.ifa_name) };
        // `s_addr` holds the address in network byte order, i.e. its bytes in memory order.
        found.push((
            ifname.to_bytes().to_vec(),
            Ipv4Addr::from(sin.sin_addr.s_addr.to_ne_bytes()),
        ));
    }
    Ok(found)
}

/// Owns a list from `getifaddrs` and frees it on every path out, panics included.
struct IfAddrs(*mut libc::ifaddrs);

impl Drop for IfAddrs {
    fn drop(&mut self) {
        // SAFETY: the pointer came from a successful getifaddrs and is freed exactly once,
        // here; no reference into the list outlives this guard.
        unsafe { libc::freeifaddrs(self.0) }
    }
}

#[cfg(test)]
#[path = "iface_tests.rs"]
mod tests;
