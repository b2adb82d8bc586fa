//! The whole config mapping (TOML, then every record through its provider's reader) on any
//! text. Documents naming a `*_file` key are skipped: they would read files of this machine.
#![no_main]
use ddnsup_fuzz::config::parse_config;
use ddnsup_fuzz::toml::{self, Table, Value};
use libfuzzer_sys::fuzz_target;
use std::path::Path;

fn names_a_file(t: &Table) -> bool {
    t.entries
        .iter()
        .any(|(k, v)| k.ends_with("file") || in_value(v))
}

fn in_value(v: &Value) -> bool {
    match v {
        Value::Table(t) => names_a_file(t),
        Value::Array(items) => items.iter().any(in_value),
        _ => false,
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match toml::parse(text) {
        Ok(doc) if !names_a_file(&doc) => {}
        _ => return,
    }
    if let Ok(config) = parse_config(text, Path::new("/etc/ddnsup/config.toml")) {
        for r in &config.records {
            let _ = r.label();
        }
    }
});
