//! The ddclient.conf importer on any text: an error or records that render, never a panic or a hang.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(imported) = ddnsup_fuzz::import::ddclient::parse(text) {
            let rendered = ddnsup_fuzz::import::render(&imported, true);
            let _ = ddnsup_fuzz::config::parse_config(&rendered, std::path::Path::new("/x.toml"));
        }
    }
});
