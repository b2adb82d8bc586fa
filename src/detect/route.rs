//! The kernel's routing facts a source needs: the default gateway (`/proc/net/route`), and
//! binding a socket to one interface (`SO_BINDTODEVICE`) on multi-WAN routers.
use std::net::{Ipv4Addr, UdpSocket};
use std::os::fd::AsRawFd;
use std::path::Path;

/// The kernel's IPv4 routing table.
const ROUTES_PATH: &str = "/proc/net/route";
/// At most this much of it is read (a line is 128 bytes: 8192 routes).
const MAX_ROUTES_BYTES: u64 = 1 << 20;
/// At most this many lines of it are looked at.
const MAX_ROUTES_LINES: usize = 8192;
/// `RTF_UP | RTF_GATEWAY` (linux/route.h): a usable route through a gateway.
const UP_GATEWAY: u32 = 0x0003;

/// One default route (destination and mask 0.0.0.0, up, through a gateway).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DefaultRoute<'a> {
    pub iface: &'a str,
    pub gateway: Ipv4Addr,
    pub metric: u32,
}

/// Eight hex digits (no sign, as `from_str_radix` alone would take).
fn hex32(text: &str) -> Option<u32> {
    if text.len() == 8 && text.bytes().all(|b| b.is_ascii_hexdigit()) {
        u32::from_str_radix(text, 16).ok()
    } else {
        None
    }
}

/// The default routes in the text of `/proc/net/route` (pure): a header line, then
/// `Iface Destination Gateway Flags RefCnt Use Metric Mask ...`, addresses as the kernel's
/// big-endian word printed as a native `u32` (so its bytes are `value.to_ne_bytes()`).
/// Lines that do not read so are skipped; at most [`MAX_ROUTES_LINES`] lines are read.
pub fn parse_routes(text: &str) -> Vec<DefaultRoute<'_>> {
    let mut routes = Vec::new();
    for line in text.lines().skip(1).take(MAX_ROUTES_LINES) {
        let mut f = line.split_whitespace();
        let mut next = || f.next().unwrap_or_default();
        let (iface, dest, gateway, flags) = (next(), next(), next(), next());
        let (_, _, metric, mask) = (next(), next(), next(), next());
        let (Some(0), Some(0), Some(gateway), Ok(flags), Ok(metric)) = (
            hex32(dest),
            hex32(mask),
            hex32(gateway),
            u32::from_str_radix(flags, 16),
            metric.parse::<u32>(),
        ) else {
            continue;
        };
        if flags & UP_GATEWAY == UP_GATEWAY && iface.len() <= 15 {
            routes.push(DefaultRoute {
                iface,
                gateway: Ipv4Addr::from(gateway.to_ne_bytes()),
                metric,
            });
        }
    }
    routes
}

/// The gateway of the default route with the lowest metric, of interface `device` when one is
/// named (the first listed of equal metrics, as the kernel prefers it).
pub fn pick_gateway(routes: &[DefaultRoute], device: Option<&str>) -> Result<Ipv4Addr, String> {
    routes
        .iter()
        .filter(|r| device.is_none_or(|d| r.iface == d))
        .min_by_key(|r| r.metric)
        .map(|r| r.gateway)
        .ok_or_else(|| match device {
            Some(d) => format!("no default route on {d}"),
            None => "no IPv4 default route".to_string(),
        })
}

/// The IPv4 default gateway, of interface `device` when one is named.
pub fn default_gateway(device: Option<&str>) -> Result<Ipv4Addr, String> {
    let (text, _) = crate::fsread::read_text_capped(Path::new(ROUTES_PATH), MAX_ROUTES_BYTES)
        .map_err(|e| format!("cannot read {ROUTES_PATH}: {e}"))?;
    pick_gateway(&parse_routes(&text), device)
}

/// Binds `socket` to interface `name`, so what it sends leaves by that interface only.
pub fn bind_to_device(socket: &UdpSocket, name: &str) -> Result<(), String> {
    // The kernel would cut a longer name to 15 bytes and bind to another interface.
    if name.len() >= libc::IFNAMSIZ || name.contains('\0') {
        return Err(format!("no such interface {name}"));
    }
    // SAFETY: a valid socket, and `name.len()` readable bytes that the call only reads.
    let rc = unsafe {
        libc::setsockopt(
            socket.as_raw_fd(),
            libc::SOL_SOCKET,
            libc::SO_BINDTODEVICE,
            name.as_ptr().cast(),
            name.len() as libc::socklen_t,
        )
    };
    if rc == 0 {
        return Ok(());
    }
    let e = std::io::Error::last_os_error();
    Err(match e.raw_os_error() {
        Some(libc::EPERM) => {
            format!("binding to {name} needs root or CAP_NET_RAW")
        }
        Some(libc::ENODEV) => format!("no such interface {name}"),
        _ => format!("cannot bind to interface {name}: {e}"),
    })
}

#[cfg(test)]
#[path = "route_tests.rs"]
mod tests;
