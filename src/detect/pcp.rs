//! PCP (RFC 6887) sources: the external address from a short MAP of ddnsup's own UDP port,
//! deleted at once.
use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

/// Asks the router at `gateway` for its external IPv4 address, within `timeout`.
pub fn ask(
    gateway: SocketAddr,
    device: Option<&str>,
    timeout: Duration,
) -> Result<Ipv4Addr, String> {
    let _ = (gateway, device, timeout);
    Err("not built yet".to_string())
}
