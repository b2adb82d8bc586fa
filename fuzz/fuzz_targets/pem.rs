//! The CA bundle reader (src/http/pem.rs) on any text: never a panic, and base64 never gives
//! more bytes than its text can hold.
#![no_main]
use ddnsup_fuzz::http::pem::{base64_decode, parse_pem_certs};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = parse_pem_certs(text);
    if let Some(bytes) = base64_decode(text) {
        // Never more bytes out than three per four characters in.
        assert!(bytes.len() * 4 <= text.len() * 3 + 3);
    }
});
