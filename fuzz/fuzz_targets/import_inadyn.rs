//! The inadyn.conf importer on any text: an error naming a line or records, never a panic or a hang.
#![no_main]
use ddnsup_fuzz::import::{Value, inadyn};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        match inadyn::parse(text) {
            Ok(im) => {
                for r in &im.records {
                    assert!(matches!(r.keys.first(), Some((k, Value::Str(_))) if k == "provider"));
                }
            }
            Err(e) => assert!(e.starts_with("line "), "{e}"),
        }
    }
});
