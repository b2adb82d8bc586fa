//! The kernel's routing facts a source needs: the default gateway (`/proc/net/route`), and
//! binding a socket to one interface (`SO_BINDTODEVICE`) on multi-WAN routers.
use std::net::{Ipv4Addr, UdpSocket};

/// The IPv4 default gateway, of interface `device` when one is named.
pub fn default_gateway(device: Option<&str>) -> Result<Ipv4Addr, String> {
    let _ = device;
    Err("not built yet".to_string())
}

/// Binds `socket` to interface `name`, so what it sends leaves by that interface only.
pub fn bind_to_device(socket: &UdpSocket, name: &str) -> Result<(), String> {
    let _ = (socket, name);
    Err("not built yet".to_string())
}
