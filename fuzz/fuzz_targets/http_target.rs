//! URLs from the config and from redirects: parsed into a target (src/http/wire.rs), whose
//! request line is always `METHOD SP path SP HTTP/1.1`; and HTTP-dates (src/http/date.rs).
#![no_main]
use ddnsup_fuzz::http::date::parse_http_date;
use ddnsup_fuzz::http::wire::{build_request, parse_target};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = parse_http_date(&text);
    if let Ok(target) = parse_target(&text) {
        assert!(target.port > 0);
        let head = build_request("GET", &target, &[], None).expect("a parsed target is sendable");
        let head = String::from_utf8_lossy(&head);
        let line = head.split("\r\n").next().unwrap_or("");
        assert!(line.starts_with("GET /"), "{line:?}");
        assert_eq!(line.matches(' ').count(), 2, "{line:?}");
        assert!(line.ends_with(" HTTP/1.1"), "{line:?}");
        assert!(!line.contains('\n'), "{line:?}");
    }
});
