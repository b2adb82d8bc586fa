//! The UPnP XML replies: a device description (first byte even) or a GetExternalIPAddress
//! reply (odd; bit 1 picks HTTP 500 over 200). The rest is the body.
#![no_main]
use ddnsup_fuzz::detect::upnp::{parse_description, parse_soap};
use ddnsup_fuzz::http::host_of;
use libfuzzer_sys::fuzz_target;

const LOCATION: &str = "http://192.168.1.1:5000/rootDesc.xml";

fuzz_target!(|data: &[u8]| {
    let [mode, body @ ..] = data else {
        return;
    };
    let body = String::from_utf8_lossy(body);
    if mode & 1 == 0 {
        if let Ok(found) = parse_description(&body, LOCATION) {
            assert!((1..=2).contains(&found.len()));
            for (url, service) in found {
                assert!(url.starts_with("http://"), "{url}");
                let host = host_of(&url).split(':').next().unwrap_or_default();
                assert_eq!(host, "192.168.1.1", "{url}");
                assert!(service.starts_with("urn:schemas-upnp-org:service:WAN"));
            }
        }
        return;
    }
    let status = if mode & 2 == 0 { 200 } else { 500 };
    if let Ok(ip) = parse_soap(status, &body) {
        assert_eq!(status, 200);
        assert!(body.contains(&format!(">{ip}</")), "{ip}");
    }
});
