//! The JSON guard on any text; what it lets through must not hang or panic nanoserde.
#![no_main]
use ddnsup_fuzz::json::{check_json, parse_json};
use ddnsup_fuzz::state::State;
use libfuzzer_sys::fuzz_target;
use nanoserde::DeJson;

/// A shape like the providers' replies: nested, optional, mixed.
#[derive(DeJson, Default)]
#[allow(dead_code)]
struct Reply {
    #[nserde(default)]
    success: bool,
    #[nserde(default)]
    errors: Vec<Message>,
    #[nserde(default)]
    result: Vec<Message>,
    #[nserde(default)]
    id: u64,
    #[nserde(default)]
    ttl: Option<i64>,
}

#[derive(DeJson, Default)]
#[allow(dead_code)]
struct Message {
    #[nserde(default)]
    code: u64,
    #[nserde(default)]
    message: String,
    #[nserde(default)]
    name: String,
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if check_json(text).is_ok() {
        let _ = parse_json::<Reply>(text);
        let _ = parse_json::<State>(text);
        let _ = parse_json::<Vec<String>>(text);
        let _ = parse_json::<String>(text);
    } else {
        assert!(parse_json::<State>(text).is_err());
    }
});
