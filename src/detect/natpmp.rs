//! NAT-PMP (RFC 6886) sources: the external-address request to the home router.
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
