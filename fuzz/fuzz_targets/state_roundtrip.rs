//! Any state ddnsup could hold (every string any bytes) is written and read back unchanged.
#![no_main]
use ddnsup_fuzz::state::{Entry, STATE_VERSION, State, parse_state, serialize_state};
use ddnsup_fuzz::support::Bytes;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut b = Bytes::new(data);
    let mut state = State {
        version: b.u32(),
        records: Vec::new(),
    };
    while !b.is_empty() && state.records.len() < 16 {
        state.records.push(Entry {
            key: b.string(),
            ip: b.string(),
            updated: b.u64(),
            result: b.string(),
            failures: b.u32(),
            next: b.u64(),
            stopped: b.bool(),
            fingerprint: b.string(),
            tried: b.string(),
            cache: b.string(),
            wait: b.u64(),
        });
    }
    let bytes = serialize_state(&state);
    state.version = STATE_VERSION;
    match parse_state(&bytes, usize::MAX) {
        Ok(back) => assert_eq!(back, state, "the state read back differs"),
        Err(e) => panic!(
            "a state ddnsup wrote is refused: {e}\n{}",
            String::from_utf8_lossy(&bytes)
        ),
    }
    assert_eq!(serialize_state(&state), bytes);
});
