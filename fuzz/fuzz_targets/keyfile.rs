//! BIND key files (`tsig-keygen`, `ddns-confgen`, `rndc.key` styles) on any text, then the
//! key choice with no name and with the first key's name.
#![no_main]
use ddnsup_fuzz::provider::rfc2136::keyfile::{parse_key_file, select_key};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(keys) = parse_key_file(text) {
        let _ = select_key(&keys, None);
        if let Some(first) = keys.first() {
            let _ = select_key(&keys, Some(&first.name));
        }
    }
});
