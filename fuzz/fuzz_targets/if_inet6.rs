//! `/proc/net/if_inet6` text: the lines read, then the address chosen for the first
//! interface named and for `wan`. A chosen address is always one that may be published.
#![no_main]
use ddnsup_fuzz::detect::iface::{choose_v6, parse_if_inet6};
use ddnsup_fuzz::detect::why_not_public_v6;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let entries = parse_if_inet6(&text);
    let mut names = vec!["wan".to_string()];
    names.extend(entries.first().map(|e| e.ifname.clone()));
    for name in names {
        if let Ok(ip) = choose_v6(&entries, &name) {
            assert!(
                entries.iter().any(|e| e.addr == ip && e.ifname == name),
                "{ip} is not an address of {name}"
            );
            assert_eq!(why_not_public_v6(ip), None, "{ip} chosen on {name}");
        }
    }
});
