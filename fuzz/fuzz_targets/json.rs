//! The JSON tree on any text: never a panic or a hang; what it reads is one complete value, and
//! the state reader on top of it never panics either.
#![no_main]
use ddnsup_fuzz::json::{Json, quote};
use ddnsup_fuzz::state::parse_state_json;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(v) = Json::parse(text) {
        let _ = parse_state_json(&v);
        // Every string read comes back the same through quote.
        if let Some(s) = v.str() {
            assert_eq!(
                Json::parse(&quote(s)).ok().as_ref().and_then(Json::str),
                Some(s)
            );
        }
        let _ = v.get("result").at(0).get("id").str();
    }
});
