//! Checks on the DNS names a record's config gives (zones, domains, hostnames).

/// Longest name in presentation form without the trailing dot (RFC 1035 §2.3.4).
const MAX_NAME_CHARS: usize = 253;
const MAX_LABEL_CHARS: usize = 63;

/// A full DNS name (at least two labels) in ASCII, lowercased, without a trailing dot.
/// Internationalised names must be written in punycode (`xn--...`).
pub fn parse_dns_name(text: &str) -> Result<String, String> {
    let name = text.trim().strip_suffix('.').unwrap_or(text.trim());
    if name.is_empty() {
        return Err("must not be empty".to_string());
    }
    if !name.is_ascii() {
        return Err(format!(
            "\"{name}\" is not ASCII; write internationalised names in punycode (xn--...)"
        ));
    }
    if name.len() > MAX_NAME_CHARS {
        return Err(format!("is longer than {MAX_NAME_CHARS} characters"));
    }
    let labels: Vec<&str> = name.split('.').collect();
    if labels.len() < 2 {
        return Err(format!("\"{name}\" is not a full domain name"));
    }
    for label in labels {
        let ok_chars = label
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if label.is_empty()
            || label.len() > MAX_LABEL_CHARS
            || !ok_chars
            || label.starts_with('-')
            || label.ends_with('-')
        {
            return Err(format!("\"{name}\" is not a valid domain name"));
        }
    }
    Ok(name.to_ascii_lowercase())
}

/// Whether `name` is `zone` itself or a name below it (both already parsed).
pub fn is_within(name: &str, zone: &str) -> bool {
    name == zone
        || name
            .strip_suffix(zone)
            .is_some_and(|head| head.len() > 1 && head.ends_with('.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_and_normalises_names() {
        assert_eq!(
            parse_dns_name("MyHome.dedyn.io.").as_deref(),
            Ok("myhome.dedyn.io")
        );
        assert_eq!(
            parse_dns_name(" _acme.a-b.example ").as_deref(),
            Ok("_acme.a-b.example")
        );
        assert_eq!(
            parse_dns_name("xn--mnchen-3ya.de").as_deref(),
            Ok("xn--mnchen-3ya.de")
        );
    }

    #[test]
    fn refuses_what_is_not_a_name() {
        for bad in [
            "",
            ".",
            "myhome",
            "a..b",
            "-a.example",
            "a-.example",
            "a.example/x",
            "a:b.example",
            "me@a.example",
            "a,b.example",
            "a b.example",
            "münchen.de",
        ] {
            assert!(parse_dns_name(bad).is_err(), "{bad:?}");
        }
        let long_label = format!("{}.example", "a".repeat(64));
        assert!(parse_dns_name(&long_label).is_err());
        let long_name = format!("{}.example", ["a"; 130].join("."));
        assert!(parse_dns_name(&long_name).is_err());
    }

    #[test]
    fn within() {
        assert!(is_within("myhome.dedyn.io", "myhome.dedyn.io"));
        assert!(is_within("www.myhome.dedyn.io", "myhome.dedyn.io"));
        assert!(!is_within("evilmyhome.dedyn.io", "myhome.dedyn.io"));
        assert!(!is_within("dedyn.io", "myhome.dedyn.io"));
        assert!(!is_within(".myhome.dedyn.io", "myhome.dedyn.io"));
    }
}
