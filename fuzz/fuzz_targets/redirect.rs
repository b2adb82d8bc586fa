//! A redirect's `Location` against the URL asked: resolved, then checked. Lines: the URL asked,
//! the Location; a third line `secret` when the request carries credentials.
//! (src/http/mod.rs: `resolve_redirect`, `check_redirect`.)
#![no_main]
use ddnsup_fuzz::http::{check_redirect, host_of, resolve_redirect};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut lines = text.split('\n');
    let from = lines.next().unwrap_or("");
    let location = lines.next().unwrap_or("");
    let secret = lines.next() == Some("secret");
    let _ = host_of(from);
    let Ok(to) = resolve_redirect(from, location) else {
        return;
    };
    let _ = host_of(&to);
    if check_redirect(from, &to, secret).is_ok() {
        if from.starts_with("https://") {
            assert!(to.starts_with("https://"), "{from} -> {to}");
        }
        if secret {
            assert!(
                host_of(from).eq_ignore_ascii_case(host_of(&to)),
                "{from} -> {to}"
            );
        }
    }
});
