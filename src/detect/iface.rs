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
        log::debug!(
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
mod tests {
    use super::*;

    /// This machine's `/proc/net/if_inet6` (kernel 6.18), plus lines made by `ip` in a test
    /// namespace: deprecated (a2), temporary (01), tentative (c0), dad-failed (c8).
    const REAL: &str = "\
00000000000000000000000000000001 01 80 10 80       lo
fd000000000000000000000000000002 04 40 00 82     eth0
fe8000000000000000fc00fffe000001 04 40 20 80     eth0
2a0104f8001000210000000000000006 02 40 00 a2     wan0
2a0104f8001000200000000000000005 02 40 00 82     wan0
2a0104f800100023e179f9fa5c107fd3 02 40 00 01     wan0
2a0104f8001000240000000000000009 02 40 00 c0     wan0
2a0104f800100025000000000000000a 04 40 00 c8      vx0
";

    fn ip(s: &str) -> Ipv6Addr {
        s.parse().unwrap()
    }

    fn entry(addr: &str, flags: u8) -> V6Entry {
        V6Entry {
            addr: ip(addr),
            ifindex: 2,
            prefix_len: 64,
            scope: 0,
            flags,
            ifname: "wan".to_string(),
        }
    }

    fn choose(entries: &[V6Entry]) -> Result<Ipv6Addr, String> {
        choose_v6(entries, "wan")
    }

    #[test]
    fn parses_real_text() {
        let entries = parse_if_inet6(REAL);
        assert_eq!(entries.len(), 8);
        assert_eq!(
            entries[0],
            V6Entry {
                addr: Ipv6Addr::LOCALHOST,
                ifindex: 1,
                prefix_len: 128,
                scope: 0x10,
                flags: 0x80,
                ifname: "lo".to_string(),
            }
        );
        assert_eq!(
            entries[2],
            V6Entry {
                addr: ip("fe80::fc:ff:fe00:1"),
                ifindex: 4,
                prefix_len: 64,
                scope: 0x20,
                flags: 0x80,
                ifname: "eth0".to_string(),
            }
        );
        assert_eq!(entries[3].addr, ip("2a01:4f8:10:21::6"));
        assert_eq!(entries[3].flags, IFA_F_PERMANENT | IFA_F_DEPRECATED | 0x02);
        assert_eq!(entries[5].addr, ip("2a01:4f8:10:23:e179:f9fa:5c10:7fd3"));
        assert_eq!(entries[5].flags, IFA_F_TEMPORARY);
        assert_eq!(entries[6].flags, IFA_F_PERMANENT | IFA_F_TENTATIVE);
        assert_eq!(
            entries[7].flags,
            IFA_F_PERMANENT | IFA_F_TENTATIVE | IFA_F_DADFAILED
        );
        assert_eq!(entries[7].ifname, "vx0");
        let names: Vec<&str> = entries.iter().map(|e| e.ifname.as_str()).collect();
        assert_eq!(
            names,
            ["lo", "eth0", "eth0", "wan0", "wan0", "wan0", "wan0", "vx0"]
        );
    }

    #[test]
    fn parses_unusual_but_valid_lines() {
        let text = "2a0104f8001000200000000000000005 1a2 40 00 182 eth0.2\n\
                    \t2A0104F8001000200000000000000006\t3\t80\t0\t80\tpppoe-wan  \r\n";
        let entries = parse_if_inet6(text);
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[0].ifindex, 0x1a2);
        assert_eq!(entries[0].flags, 0x82, "only the low 8 bits of the flags");
        assert_eq!(entries[0].ifname, "eth0.2");
        assert_eq!(entries[1].addr, ip("2a01:4f8:10:20::6"));
        assert_eq!(entries[1].prefix_len, 128);
        assert_eq!(entries[1].ifname, "pppoe-wan");
    }

    #[test]
    fn skips_malformed_lines() {
        let good = "2a0104f8001000200000000000000005 02 40 00 80 wan0";
        let text = [
            "",
            "   ",
            "garbage",
            "2a0104f800100020000000000000005 02 40 00 80 wan0",
            "2a0104f80010002000000000000000051 02 40 00 80 wan0",
            "2a0104f800100020000000000000000g 02 40 00 80 wan0",
            "+a0104f8001000200000000000000005 02 40 00 80 wan0",
            "2a01:4f8:10:20::5 02 40 00 80 wan0",
            "2a0104f8001000200000000000000005 02 40 00 80",
            "2a0104f8001000200000000000000005 02 40 00 80 wan0 extra",
            "2a0104f8001000200000000000000005 zz 40 00 80 wan0",
            "2a0104f8001000200000000000000005 -2 40 00 80 wan0",
            "2a0104f8001000200000000000000005 02 81 00 80 wan0",
            "2a0104f8001000200000000000000005 02 140 00 80 wan0",
            "2a0104f8001000200000000000000005 02 40 100 80 wan0",
            "2a0104f8001000200000000000000005 02 40 00 0x80 wan0",
            "2a0104f8001000200000000000000005 1ffffffff 40 00 80 wan0",
            good,
        ]
        .join("\n");
        let entries = parse_if_inet6(&text);
        assert_eq!(entries.len(), 1, "{entries:?}");
        assert_eq!(entries[0].addr, ip("2a01:4f8:10:20::5"));
        assert!(parse_if_inet6("").is_empty());
    }

    #[test]
    fn excludes_every_kind_of_non_global_address() {
        for (addr, kind) in [
            ("::", "unspecified"),
            ("::1", "loopback"),
            ("::ffff:81.2.69.160", "IPv4-mapped"),
            ("fd00::1", "ULA"),
            ("fc00::1", "ULA"),
            ("fe80::1", "link-local"),
            ("febf::1", "link-local"),
            ("fec0::1", "site-local"),
            ("ff02::1", "multicast"),
            ("2001:db8::1", "documentation"),
            ("3fff::1", "documentation"),
            ("2001:2::1", "benchmarking"),
            ("2001::1", "Teredo"),
            ("::81.2.69.160", "not-global"),
            ("64:ff9b::5102:45a0", "not-global"),
            ("4000::1", "not-global"),
        ] {
            let err = choose(&[entry(addr, IFA_F_PERMANENT)]).unwrap_err();
            let shown: Ipv6Addr = ip(addr);
            assert_eq!(
                err,
                format!("wan: no global IPv6 address (only: {shown} {kind})"),
                "{addr}"
            );
        }
    }

    #[test]
    fn excludes_every_unusable_flag() {
        for (flags, why) in [
            (IFA_F_TEMPORARY, "temporary"),
            (IFA_F_DADFAILED, "dad-failed"),
            (
                IFA_F_DADFAILED | IFA_F_TENTATIVE | IFA_F_PERMANENT,
                "dad-failed",
            ),
            (IFA_F_DEPRECATED, "deprecated"),
            (IFA_F_DEPRECATED | IFA_F_PERMANENT | 0x02, "deprecated"),
            (IFA_F_TENTATIVE, "tentative"),
            (IFA_F_TENTATIVE | IFA_F_PERMANENT, "tentative"),
            (IFA_F_TEMPORARY | IFA_F_DEPRECATED, "deprecated temporary"),
        ] {
            let err = choose(&[entry("2a01:4f8:10:20::5", flags)]).unwrap_err();
            assert_eq!(
                err,
                format!("wan: no global IPv6 address (only: 2a01:4f8:10:20::5 {why})"),
                "{flags:#04x}"
            );
        }
    }

    #[test]
    fn accepts_global_addresses_with_harmless_flags() {
        for (addr, flags) in [
            ("2a01:4f8:10:20::5", 0x00),
            ("2a01:4f8:10:20::5", IFA_F_PERMANENT),
            ("2a01:4f8:10:20::5", IFA_F_PERMANENT | 0x02),
            ("2a01:4f8:10:20::5", 0x04),
            ("2a01:4f8:10:20::5", 0x10),
            ("2002:5102:45a0::1", 0x00),
            ("2001:4860::1", 0x00),
            ("3ffe::1", 0x00),
            ("3fff:1000::1", 0x00),
        ] {
            assert_eq!(
                choose(&[entry(addr, flags)]),
                Ok(ip(addr)),
                "{addr} {flags}"
            );
        }
    }

    #[test]
    fn candidates_agree_with_the_crate_wide_public_check() {
        for addr in [
            "::",
            "::1",
            "::ffff:1.2.3.4",
            "fd00::1",
            "fe80::1",
            "fec0::1",
            "ff02::1",
            "2001:db8::1",
            "3fff::1",
            "2001:2::1",
            "2001::1",
            "4000::1",
            "::1.2.3.4",
            "2a01:4f8::1",
            "2002::1",
            "2001:4860::1",
            "3ffe::1",
        ] {
            let addr = ip(addr);
            assert_eq!(
                non_global_kind(addr).is_none(),
                super::super::why_not_public_v6(addr).is_none(),
                "{addr}"
            );
        }
    }

    #[test]
    fn prefers_permanent_then_lowest_address() {
        let permanent_high = entry("2a01:4f8:10:20::ff", IFA_F_PERMANENT);
        let permanent_low = entry("2a01:4f8:10:20::10", IFA_F_PERMANENT | 0x02);
        let slaac_lowest = entry("2a01:4f8:10:20::1", 0x00);
        let slaac_other = entry("2a01:4f8:10:20::2", 0x00);
        let excluded_lower = [
            entry("2000::1", IFA_F_TEMPORARY),
            entry("2000::2", IFA_F_PERMANENT | IFA_F_DEPRECATED),
            entry("2000::3", IFA_F_PERMANENT | IFA_F_TENTATIVE),
            entry("2000::4", IFA_F_PERMANENT | IFA_F_DADFAILED),
            entry("2001:db8::1", IFA_F_PERMANENT),
            entry("fd00::1", IFA_F_PERMANENT),
            entry("fe80::1", IFA_F_PERMANENT),
        ];

        let mut all = excluded_lower.to_vec();
        all.extend([
            permanent_high.clone(),
            slaac_lowest.clone(),
            permanent_low.clone(),
            slaac_other.clone(),
        ]);
        assert_eq!(choose(&all), Ok(permanent_low.addr));

        let mut no_low = excluded_lower.to_vec();
        no_low.extend([
            slaac_lowest.clone(),
            permanent_high.clone(),
            slaac_other.clone(),
        ]);
        assert_eq!(choose(&no_low), Ok(permanent_high.addr));

        let mut slaac_only = excluded_lower.to_vec();
        slaac_only.extend([slaac_other.clone(), slaac_lowest.clone()]);
        assert_eq!(choose(&slaac_only), Ok(slaac_lowest.addr));
    }

    #[test]
    fn entry_order_never_changes_the_choice() {
        let entries = [
            entry("2a01:4f8:10:20::9", 0x00),
            entry("2a01:4f8:10:20::3", IFA_F_PERMANENT),
            entry("2a01:4f8:10:20::1", IFA_F_TEMPORARY),
            entry("2a01:4f8:10:21::2", IFA_F_PERMANENT | 0x02),
            entry("2a01:4f8:10:20::2", 0x00),
            entry("fd00::1", IFA_F_PERMANENT),
        ];
        let expected = ip("2a01:4f8:10:20::3");
        // Every rotation, each also reversed.
        for start in 0..entries.len() {
            let mut order = entries.to_vec();
            order.rotate_left(start);
            assert_eq!(choose(&order), Ok(expected), "{order:?}");
            order.reverse();
            assert_eq!(choose(&order), Ok(expected), "{order:?}");
        }
    }

    #[test]
    fn only_looks_at_the_named_interface() {
        let mut other = entry("2a01:4f8:10:20::1", IFA_F_PERMANENT);
        other.ifname = "wan0".to_string();
        let mut prefix = entry("2a01:4f8:10:20::2", IFA_F_PERMANENT);
        prefix.ifname = "wa".to_string();
        let mine = entry("2a01:4f8:10:20::3", 0x00);
        assert_eq!(
            choose(&[other.clone(), prefix.clone(), mine.clone()]),
            Ok(mine.addr)
        );
        assert_eq!(
            choose(&[other, prefix]),
            Err("wan: no IPv6 address".to_string())
        );
        assert_eq!(choose(&[]), Err("wan: no IPv6 address".to_string()));
    }

    #[test]
    fn error_lists_what_was_excluded_and_why() {
        let mut entries = vec![
            entry("fe80::1", IFA_F_PERMANENT),
            entry("fd00::1", IFA_F_PERMANENT),
            entry("2a01:4f8::9", IFA_F_TEMPORARY),
            entry("2001:db8::1", IFA_F_TEMPORARY),
        ];
        for e in &mut entries {
            e.ifname = "pppoe-wan".to_string();
        }
        assert_eq!(
            choose_v6(&entries, "pppoe-wan"),
            Err(
                "pppoe-wan: no global IPv6 address (only: fe80::1 link-local, fd00::1 ULA, \
                 2a01:4f8::9 temporary, 2001:db8::1 documentation temporary)"
                    .to_string()
            )
        );
    }

    #[test]
    fn error_stays_short_with_many_addresses() {
        let entries: Vec<V6Entry> = (1..=20u16)
            .map(|i| entry(&format!("2a01:4f8::{i:x}"), IFA_F_TEMPORARY))
            .collect();
        let err = choose(&entries).unwrap_err();
        assert!(err.ends_with("2a01:4f8::8 temporary and 12 more)"), "{err}");
        assert!(err.len() < 300, "{err}");
    }

    #[test]
    fn loopback_has_127_0_0_1() {
        let addrs = interface_v4_addrs("lo").unwrap();
        assert!(addrs.contains(&Ipv4Addr::LOCALHOST), "{addrs:?}");
    }

    #[test]
    fn missing_interface_is_named() {
        for name in [
            "eth9",
            "ddnsup-nope0",
            "",
            "a-name-far-too-long-for-linux",
            "x\0y",
        ] {
            assert_eq!(
                interface_v4_addrs(name),
                Err(format!("{name}: no such interface"))
            );
            assert_eq!(
                interface_v6(name),
                Err(format!("{name}: no such interface"))
            );
        }
    }

    #[test]
    fn loopback_has_no_global_ipv6() {
        // `lo` exists; it has no global address (::1 at most, or nothing with IPv6 off).
        let err = interface_v6("lo").unwrap_err();
        assert!(err.starts_with("lo: no "), "{err}");
        assert!(!err.contains("no such interface"), "{err}");
    }

    #[test]
    fn reads_this_machine_consistently() {
        // Whatever this machine has, the parsed text and the choice agree.
        let Ok(text) = std::fs::read_to_string(IF_INET6) else {
            return;
        };
        let entries = parse_if_inet6(&text);
        assert_eq!(entries.len(), text.lines().count(), "{text}");
        for e in &entries {
            assert_eq!(interface_v6(&e.ifname), choose_v6(&entries, &e.ifname));
        }
    }
}
