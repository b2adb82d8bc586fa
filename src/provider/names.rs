//! Checks on the DNS names a record's config gives: zones, domains, hostnames and record names.
use crate::error::Error;
use crate::fields::Fields;

/// Longest name in presentation form without the trailing dot (RFC 1035 §2.3.4).
const MAX_NAME_CHARS: usize = 253;
const MAX_LABEL_CHARS: usize = 63;

/// A full DNS name (a zone, domain or host name: at least two labels) in ASCII, lowercased,
/// without a trailing dot. Internationalised names must be written in punycode (`xn--...`).
pub fn parse_dns_name(text: &str) -> Result<String, String> {
    parse(text, false)
}

/// A record's name, inside its zone (`home`) or in full (`home.example.com`): like
/// [`parse_dns_name`], but one label is enough and the first may be the wildcard `*`.
pub fn parse_record_name(text: &str) -> Result<String, String> {
    parse(text, true)
}

/// One label (`myhome`), lowercased: a name a service puts in front of its own domain.
pub fn parse_label(text: &str) -> Result<String, String> {
    let label = text.trim();
    if label.is_empty() {
        return Err("must not be empty".to_string());
    }
    if !is_label(label) {
        return Err(format!(
            "\"{label}\" is not one label (letters, digits, '_' and inner '-', no dots)"
        ));
    }
    Ok(label.to_ascii_lowercase())
}

/// Labels of 1..=63 letters, digits, `_` and inner `-`; `record` allows one label and a
/// leading `*` label.
fn parse(text: &str, record: bool) -> Result<String, String> {
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
    if !record && labels.len() < 2 {
        return Err(format!("\"{name}\" is not a full domain name"));
    }
    for (i, label) in labels.into_iter().enumerate() {
        let wildcard = record && i == 0 && label == "*";
        if !wildcard && !is_label(label) {
            let star = if record { "; '*' only first" } else { "" };
            return Err(format!(
                "\"{name}\" is not a valid domain name (letters, digits, '_' and inner '-' in dot-separated labels{star})"
            ));
        }
    }
    Ok(name.to_ascii_lowercase())
}

fn is_label(label: &str) -> bool {
    (1..=MAX_LABEL_CHARS).contains(&label.len())
        && label
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        && !label.starts_with('-')
        && !label.ends_with('-')
}

/// The full name under the required `key`; a refusal names the key and ends with `hint`
/// (what the key holds, with an example) when there is one.
pub fn required_name(f: &mut Fields, key: &str, hint: Option<&str>) -> Result<String, Error> {
    let text = f.required_str(key)?;
    parse_dns_name(&text).map_err(|m| match hint {
        Some(hint) => f.error(key, &format!("{m}; {hint}")),
        None => f.error(key, &m),
    })
}

/// The required `zone` and a `name` inside it (`home`, `@` for the apex, `*`), for APIs that
/// address records relative to their zone; a full name under the zone is refused with a hint.
pub fn zone_and_inner_name(f: &mut Fields) -> Result<(String, String), Error> {
    zone_at_and_inner_name(f, "zone")
}

/// Like [`zone_and_inner_name`], with the zone under `zone_key` (`domain` for APIs that call
/// it so).
pub fn zone_at_and_inner_name(f: &mut Fields, zone_key: &str) -> Result<(String, String), Error> {
    let zone = required_name(f, zone_key, None)?;
    let name = match f.required_str("name")? {
        at if at == "@" => at,
        name => parse_record_name(&name).map_err(|m| f.error("name", &m))?,
    };
    if is_within(&name, &zone) {
        return Err(f.error(
            "name",
            &format!(
                "give the name inside the zone (e.g. \"home\", \"@\" or \"*\"), not \"{name}\""
            ),
        ));
    }
    Ok((zone, name))
}

/// Whether `name` is `zone` itself or a name below it (both already parsed).
pub fn is_within(name: &str, zone: &str) -> bool {
    name == zone
        || name
            .strip_suffix(zone)
            .is_some_and(|head| head.len() > 1 && head.ends_with('.'))
}

/// The full name of `label` inside `zone`; `@` or an empty label is the zone itself.
pub fn full_name(label: &str, zone: &str) -> String {
    match label {
        "@" | "" => zone.to_string(),
        label => format!("{label}.{zone}"),
    }
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
            "*.example.com",
        ] {
            assert!(parse_dns_name(bad).is_err(), "{bad:?}");
        }
        let long_label = format!("{}.example", "a".repeat(64));
        assert!(parse_dns_name(&long_label).is_err());
        let long_name = format!("{}.example", ["a"; 130].join("."));
        assert!(parse_dns_name(&long_name).is_err());
    }

    #[test]
    fn record_names() {
        for ok in [
            "example.com",
            "home",
            "a-b.c_d.example",
            "*",
            "*.example.com",
            "xn--mnchen-3ya.de",
        ] {
            assert_eq!(parse_record_name(ok).as_deref(), Ok(ok), "{ok}");
        }
        // A trailing dot is dropped, as for full names.
        assert_eq!(parse_record_name("a.").as_deref(), Ok("a"));
        assert_eq!(parse_record_name("Home.").as_deref(), Ok("home"));
        for bad in [
            "",
            ".",
            "a..b",
            "a..",
            ".a",
            "a/b",
            "a b",
            "a.*",
            "**",
            "a*",
            "münchen.de",
            "a?b",
            "%2e",
            "-a",
        ] {
            assert!(parse_record_name(bad).is_err(), "{bad}");
        }
        assert!(parse_record_name(&"a".repeat(64)).is_err());
        assert!(parse_record_name(&"a".repeat(63)).is_ok());
    }

    #[test]
    fn labels() {
        assert_eq!(parse_label(" MyHome ").as_deref(), Ok("myhome"));
        assert_eq!(parse_label("a-1_b").as_deref(), Ok("a-1_b"));
        for bad in [
            "",
            "a.b",
            "a b",
            "-a",
            "a-",
            "*",
            "a,b",
            "münchen",
            &"a".repeat(64),
        ] {
            assert!(parse_label(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn within() {
        assert!(is_within("myhome.dedyn.io", "myhome.dedyn.io"));
        assert!(is_within("www.myhome.dedyn.io", "myhome.dedyn.io"));
        assert!(!is_within("evilmyhome.dedyn.io", "myhome.dedyn.io"));
        assert!(!is_within("dedyn.io", "myhome.dedyn.io"));
        assert!(!is_within(".myhome.dedyn.io", "myhome.dedyn.io"));
    }

    #[test]
    fn full_names() {
        assert_eq!(full_name("home", "example.com"), "home.example.com");
        assert_eq!(full_name("@", "example.com"), "example.com");
        assert_eq!(full_name("", "example.com"), "example.com");
        assert_eq!(full_name("*", "example.com"), "*.example.com");
    }
}
