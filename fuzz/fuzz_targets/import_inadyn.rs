//! `ddnsup import inadyn` on any text: never a panic or a hang, an error names its line, every
//! record starts with its provider, and what it renders (secrets shown or hidden) is always TOML.
#![no_main]
use ddnsup_fuzz::import::{Value, inadyn, render};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    match inadyn::parse(&text) {
        Ok(imported) => {
            for r in &imported.records {
                assert!(matches!(r.keys.first(), Some((k, Value::Str(_))) if k == "provider"));
            }
            for shown in [true, false] {
                let toml = render(&imported, shown);
                if let Err(e) = ddnsup_fuzz::toml::parse(&toml) {
                    panic!("{e}\n{toml}");
                }
            }
        }
        Err(e) => assert!(e.starts_with("line "), "{e}"),
    }
});
