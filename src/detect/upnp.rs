//! UPnP IGD sources: SSDP discovery of the Internet gateway, then SOAP GetExternalIPAddress.
use crate::http::Client;
use std::net::Ipv4Addr;
use std::time::Duration;

/// The router's name for messages (its description URL's host:port) and the external address
/// it reports, from the device description at `location`, or found by SSDP within `timeout`.
pub fn ask(
    client: &Client,
    location: Option<&str>,
    timeout: Duration,
) -> Result<(String, Ipv4Addr), String> {
    let _ = (client, location, timeout);
    Err("not built yet".to_string())
}
