//! Every provider's reader of one HTTP reply, dyndns2 and URL presets included. The input's first line
//! names the provider and the addresses sent (`namecheap 81.2.69.160`); the rest is the reply
//! (see `support::reply`).
#![no_main]
use ddnsup_fuzz::config::{Config, parse_config};
use ddnsup_fuzz::provider::{dyndns2, presets};
use ddnsup_fuzz::support::{RECORDS, addrs_of, first_line, record_keys, reply};
use libfuzzer_sys::fuzz_target;
use std::path::Path;
use std::sync::OnceLock;

fn configs() -> &'static Vec<(String, Config)> {
    static CONFIGS: OnceLock<Vec<(String, Config)>> = OnceLock::new();
    CONFIGS.get_or_init(|| {
        let names = RECORDS.iter().map(|(p, _)| p.to_string());
        let names = names.chain(dyndns2::preset_names().into_iter().map(str::to_string));
        let names = names.chain(presets::preset_names().into_iter().map(str::to_string));
        names
            .map(|name| {
                let keys = record_keys(&name);
                let config = ["family = \"both\"\n", ""]
                    .iter()
                    .find_map(|family| {
                        let text = format!("[[record]]\nprovider = \"{name}\"\n{family}{keys}");
                        parse_config(&text, Path::new("/etc/ddnsup/config.toml")).ok()
                    })
                    .unwrap_or_else(|| panic!("no config for {name}"));
                (name, config)
            })
            .collect()
    })
}

fuzz_target!(|data: &[u8]| {
    let (line, rest) = first_line(data);
    let words: Vec<&str> = line.split_whitespace().collect();
    let Some((name, addrs)) = words.split_first() else {
        return;
    };
    let Some((_, config)) = configs().iter().find(|(n, _)| n == name) else {
        return;
    };
    let provider = &config.records[0].provider;
    let mut sets = addrs_of(addrs);
    if !provider.supports_v6() {
        sets = sets.v4_only();
        if sets.is_empty() {
            return;
        }
    }
    let _ = provider.parse_reply(&reply(rest), sets);
});
