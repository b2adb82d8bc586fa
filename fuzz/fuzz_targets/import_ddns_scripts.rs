//! `ddnsup import ddns-scripts` on any UCI text: never a panic, an error names its line, and
//! what it renders (secrets shown or hidden) is always TOML the config reader can read.
#![no_main]
use ddnsup_fuzz::import::{ddns_scripts, render};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    match ddns_scripts::parse(&text) {
        Ok(imported) => {
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
