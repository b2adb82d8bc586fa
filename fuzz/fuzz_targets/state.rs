//! The state file reader on any bytes. First byte odd: the rest is a JSON body and gets a valid
//! checksum line, so that the JSON is reached; even: the bytes are the whole file. A state that
//! parses must survive being written and read again unchanged.
#![no_main]
use ddnsup_fuzz::fnv::Fnv;
use ddnsup_fuzz::state::{Limits, parse_state, serialize_state};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let file = if mode & 1 == 1 {
        let mut h = Fnv::new();
        h.write(rest);
        let mut file = rest.to_vec();
        file.extend_from_slice(
            format!("\n#ddnsup-checksum {} {:016x}\n", rest.len(), h.finish()).as_bytes(),
        );
        file
    } else {
        rest.to_vec()
    };
    if let Ok(state) = parse_state(&file, Limits::for_keys(1).max_entries) {
        let again = parse_state(&serialize_state(&state), usize::MAX);
        assert_eq!(
            again.as_ref(),
            Ok(&state),
            "a parsed state did not round-trip"
        );
    }
});
