//! Tests for aliases.rs, and the served report over ddns-scripts' service list.
use super::super::{PROVIDERS, dyndns2, presets};
use super::*;

/// ddns-scripts' services: (name, IPv4 template), from the test data copy of the list.
fn services() -> Vec<(String, String)> {
    let text = include_str!("../../tests/data/ddns-scripts-services.md");
    text.lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("| service |"))
        .map(|l| {
            let cells: Vec<&str> = l.split(" | ").collect();
            let name = cells[0].trim_start_matches("| ").trim().to_string();
            (name, cells[1].trim_matches('`').to_string())
        })
        .collect()
}

/// What serves `target` in this build.
fn kind_of(target: &str) -> Option<&'static str> {
    if PROVIDERS.iter().any(|(n, _)| *n == target) {
        Some("provider")
    } else if dyndns2::preset(target).is_some() {
        Some("dyndns2 preset")
    } else if presets::preset(target).is_some() {
        Some("URL preset")
    } else {
        None
    }
}

#[derive(Debug, PartialEq)]
enum Verdict {
    Served(String),
    NotServed(String),
    /// Served by a provider this build leaves out.
    NotBuilt(String),
    Unlisted,
}

fn verdict(name: &str) -> Verdict {
    let name = name.to_ascii_lowercase();
    if let Some(kind) = kind_of(&name) {
        return Verdict::Served(format!("{kind} {name}"));
    }
    match alias(&name) {
        Some(To(target)) => match kind_of(target) {
            Some(kind) => Verdict::Served(format!("{kind} {target}")),
            None => Verdict::NotBuilt(format!("provider {target} is not in this build")),
        },
        Some(Gone(why)) => Verdict::NotServed(format!("gone: {why}")),
        Some(Unserved(why)) => Verdict::NotServed(why.to_string()),
        None => Verdict::Unlisted,
    }
}

/// Prints, per service, served (by what) / not served (why), and the totals; fails when a
/// service is missing from the alias table, or a live URL service is neither served nor
/// given a reason. `scripts/served.sh` runs it.
#[test]
fn served_report() {
    let list = services();
    assert_eq!(
        list.len(),
        100,
        "the test data lists ddns-scripts' 100 services"
    );
    let (mut served, mut urls, mut urls_served) = (0, 0, 0);
    let mut bad = Vec::new();
    for (name, template) in &list {
        let v = verdict(name);
        let is_url = template.starts_with("http");
        let gone = matches!(alias(name), Some(Gone(_)));
        if is_url && !gone {
            urls += 1;
        }
        match &v {
            Verdict::Served(by) => {
                served += 1;
                urls_served += usize::from(is_url && !gone);
                println!("served: {name} by {by}");
            }
            Verdict::NotServed(why) => println!("not served: {name}: {why}"),
            Verdict::NotBuilt(why) => println!("not served: {name}: {why}"),
            Verdict::Unlisted => println!("not served: {name}: UNLISTED"),
        }
        let acceptable = match v {
            Verdict::Served(_) | Verdict::NotServed(_) => true,
            // An API provider may be left out of a build; a URL service never is.
            Verdict::NotBuilt(_) => !is_url,
            Verdict::Unlisted => false,
        };
        if !acceptable {
            bad.push(name.clone());
        }
    }
    println!("total: {served} of {} served", list.len());
    println!("total: {urls_served} of {urls} live URL services served");
    assert!(bad.is_empty(), "neither served nor given a reason: {bad:?}");
    for (name, _) in ALIASES {
        assert!(
            list.iter().any(|(n, _)| n == name),
            "{name} is not in the list"
        );
    }
}

#[test]
fn names_are_unique_and_lowercase() {
    for (i, (name, _)) in ALIASES.iter().enumerate() {
        assert_eq!(*name, name.to_ascii_lowercase());
        assert!(ALIASES[..i].iter().all(|(n, _)| n != name), "{name}");
    }
}

#[test]
fn an_alias_never_points_at_another_alias() {
    for (name, a) in ALIASES {
        if let To(target) = a {
            assert!(
                alias(target).is_none() || target == name,
                "{name} -> {target}"
            );
        }
    }
}

#[test]
fn from_config_follows_the_names_in_any_case() {
    use crate::provider::testutil::{config, config_err};
    let keys = "hostname = \"home.example.org\"\nusername = \"u\"\npassword = \"p\"\n";
    for name in ["changeip.com", "ChangeIP.com", "CHANGEIP", "changeip"] {
        let c = config(name, keys).unwrap();
        let wire = c.records[0]
            .provider
            .plan(crate::provider::Addrs::one("192.0.2.1".parse().unwrap()))[0]
            .request
            .wire_url();
        assert!(
            wire.starts_with("https://nic.changeip.com/nic/update?"),
            "{name}: {wire}"
        );
    }
    let e = config_err("google.com", keys);
    assert!(e.contains("record 1 (google.com): ddns-scripts service \"google.com\" is not served: Google Domains is gone"), "{e}");
    let e = config_err("Beget.com", keys);
    assert!(
        e.contains("\"beget.com\" is not served: it speaks its own API"),
        "{e}"
    );
    // A name whose provider this build lacks is a clear config error, never a panic.
    for (name, target) in [("route53-v1", "route53"), ("route53", "route53")] {
        if kind_of(target).is_none() {
            let e = config_err(name, keys);
            assert!(
                e.contains(&format!("provider \"{target}\" is not in this build")),
                "{e}"
            );
        }
    }
    #[cfg(not(feature = "api"))]
    {
        let e = config_err("cloudflare.com-v4", "token = \"t\"\n");
        assert!(
            e.contains("provider \"cloudflare\" is not in this build"),
            "{e}"
        );
    }
    let e = config_err("nosuch.example", keys);
    assert!(e.contains("unknown provider \"nosuch.example\""), "{e}");
}
