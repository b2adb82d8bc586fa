//! The template engine on any text and values: never a panic; a header never carries a line
//! break, and no secret value survives `shown()` or the request's redacted form.
#![no_main]
use ddnsup_fuzz::http::Method;
use ddnsup_fuzz::template::{Place, Template, Value, request};
use libfuzzer_sys::fuzz_target;

const NAMES: &[&str] = &["ip", "hostname", "token"];

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // First line: the template; second: the secret; the rest: a plain value.
    let mut lines = text.splitn(3, '\n');
    let template = lines.next().unwrap_or_default();
    let secret = lines.next().unwrap_or_default();
    let plain = lines.next().unwrap_or_default();
    let values = [
        Value::plain(plain),
        Value::plain("h.example"),
        Value::secret(secret),
    ];
    for place in [Place::Url, Place::Header, Place::body(template)] {
        let Ok(t) = Template::parse(template, place, NAMES) else {
            continue;
        };
        let Ok(r) = t.render(&values) else {
            assert_eq!(place, Place::Header);
            continue;
        };
        if place == Place::Header {
            assert!(!r.text.contains(['\r', '\n']));
        }
        let only_there = [template, plain, "h.example"]
            .iter()
            .all(|s| !s.contains(secret));
        let plain_secret = secret.len() > 3 && secret.bytes().all(|b| b.is_ascii_alphanumeric());
        if t.uses(2) && only_there && plain_secret {
            assert!(!r.shown().contains(secret));
        }
        let url = Template::parse("https://x.example/", Place::Url, NAMES)
            .and_then(|u| u.render(&values))
            .expect("a fixed URL renders");
        let _ = request(Method::Post, url, &[], Some(r)).redacted();
    }
});
