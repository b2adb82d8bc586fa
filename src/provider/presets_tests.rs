//! Tests for presets.rs: every row pinned by the requests it builds (IPv4, IPv6, both) and by
//! its reply words. A new row adds a `Case`.
use super::*;
use crate::error::Class;
use crate::provider::testutil::{config, reply};
use crate::provider::{Addrs, Provider, Success};

/// What a record of the preset gives (`secrets` percent-encode as `p%40ss` and `t%2Fk`).
const KEYS: &str =
    "hostname = \"home.example.org\"\nusername = \"user\"\npassword = \"p@ss\"\ntoken = \"t/k\"\n";

struct Case {
    name: &'static str,
    /// The keys the row needs, from `KEYS`'s lines.
    keys: &'static [&'static str],
    /// Requests as `METHOD url` (`+basic` when Basic auth is sent), for IPv4, IPv6 and both.
    v4: &'static [&'static str],
    v6: &'static [&'static str],
    both: &'static [&'static str],
    /// Replies (status, body) and whether each is success (`None`) or a failure of a class.
    replies: &'static [(u16, &'static str, Option<Class>)],
}

const CASES: &[Case] = &[
    Case {
        name: "dnsmadeeasy.com",
        keys: &["hostname", "username", "password"],
        v4: &[
            "Get https://cp.dnsmadeeasy.com/servlet/updateip?username=user&password=p%40ss&id=home.example.org&ip=192.0.2.1",
        ],
        v6: &[],
        both: &[
            "Get https://cp.dnsmadeeasy.com/servlet/updateip?username=user&password=p%40ss&id=home.example.org&ip=192.0.2.1",
        ],
        replies: &[
            (200, "success", None),
            (200, "ip-same\n", None),
            (200, "error-auth", Some(Class::Transient)),
            (401, "", Some(Class::Fatal)),
        ],
    },
    Case {
        name: "dondominio.com",
        keys: &["hostname", "username", "password"],
        v4: &[
            "Get https://dondns.dondominio.com/plain/?user=user&apikey=p%40ss&host=home.example.org&ip=192.0.2.1",
        ],
        v6: &[],
        both: &[
            "Get https://dondns.dondominio.com/plain/?user=user&apikey=p%40ss&host=home.example.org&ip=192.0.2.1",
        ],
        replies: &[
            (200, "OK", None),
            (200, "ok 192.0.2.1", None),
            (200, "OKAY", Some(Class::Transient)),
            (500, "OK", Some(Class::Transient)),
        ],
    },
    Case {
        name: "regfish.de",
        keys: &["hostname", "token"],
        v4: &[
            "Get https://dyndns.regfish.de/?fqdn=home.example.org&forcehost=1&authtype=secure&token=t%2Fk&ipv4=192.0.2.1",
        ],
        v6: &[
            "Get https://dyndns.regfish.de/?fqdn=home.example.org&forcehost=1&authtype=secure&token=t%2Fk&ipv6=2001%3Adb8%3A%3A1",
        ],
        both: &[
            "Get https://dyndns.regfish.de/?fqdn=home.example.org&forcehost=1&authtype=secure&token=t%2Fk&ipv4=192.0.2.1",
            "Get https://dyndns.regfish.de/?fqdn=home.example.org&forcehost=1&authtype=secure&token=t%2Fk&ipv6=2001%3Adb8%3A%3A1",
        ],
        replies: &[
            (200, "success|100|update succeeded", None),
            (200, "101", None),
            (200, "1000", Some(Class::Transient)),
            (200, "", Some(Class::Transient)),
        ],
    },
    Case {
        name: "mythic-beasts.com-v2",
        keys: &["hostname", "username", "password"],
        v4: &["Post https://ipv4.api.mythic-beasts.com/dns/v2/dynamic/home.example.org +basic"],
        v6: &["Post https://ipv6.api.mythic-beasts.com/dns/v2/dynamic/home.example.org +basic"],
        both: &[
            "Post https://ipv4.api.mythic-beasts.com/dns/v2/dynamic/home.example.org +basic",
            "Post https://ipv6.api.mythic-beasts.com/dns/v2/dynamic/home.example.org +basic",
        ],
        replies: &[
            (200, "anything", None),
            (403, "", Some(Class::Fatal)),
            (429, "", Some(Class::Transient)),
            (302, "", Some(Class::Transient)),
        ],
    },
];

fn keys(case: &Case) -> String {
    let want = |l: &&str| case.keys.iter().any(|k| l.starts_with(&format!("{k} ")));
    KEYS.lines()
        .filter(want)
        .map(|l| format!("{l}\n"))
        .collect()
}

fn shown(p: &dyn Provider, addrs: Addrs) -> Vec<String> {
    p.plan(addrs)
        .iter()
        .map(|planned| {
            let r = &planned.request;
            let basic = r.headers.iter().any(|h| h.name == "Authorization");
            format!(
                "{:?} {}{}",
                r.method,
                r.wire_url(),
                if basic { " +basic" } else { "" }
            )
        })
        .collect()
}

#[test]
fn every_row_is_pinned() {
    let names: Vec<&str> = CASES.iter().map(|c| c.name).collect();
    assert_eq!(names, preset_names(), "one Case per row, in order");
    let (v4, v6) = ("192.0.2.1".parse().unwrap(), "2001:db8::1".parse().unwrap());
    for case in CASES {
        let family = if case.v6.is_empty() {
            ""
        } else {
            "family = \"both\"\n"
        };
        let cfg = config(case.name, &format!("{}{family}", keys(case)))
            .unwrap_or_else(|e| panic!("{}: {e}", case.name));
        let p = &*cfg.records[0].provider;
        assert_eq!(p.supports_v6(), !case.v6.is_empty(), "{}", case.name);
        let one = |ip| shown(p, Addrs::one(ip));
        assert_eq!(one(v4), case.v4, "{}", case.name);
        assert_eq!(one(v6), case.v6, "{}", case.name);
        let both = Addrs {
            v4: Some("192.0.2.1".parse().unwrap()),
            v6: Some("2001:db8::1".parse().unwrap()),
        };
        assert_eq!(shown(p, both), case.both, "{}", case.name);
        for (status, body, want) in case.replies {
            let got = p.parse_reply(&reply(*status, body), Addrs::one(v4));
            match want {
                None => assert_eq!(got, Ok(Success::Updated), "{}: {body:?}", case.name),
                Some(class) => assert_eq!(
                    got.map_err(|e| e.class()),
                    Err(*class),
                    "{}: {status} {body:?}",
                    case.name
                ),
            }
        }
        // Each key the row needs is required.
        for key in case.keys {
            let without: String = keys(case)
                .lines()
                .filter(|l| !l.starts_with(&format!("{key} ")))
                .map(|l| format!("{l}\n"))
                .collect();
            assert!(
                config(case.name, &without).is_err(),
                "{} without {key}",
                case.name
            );
        }
    }
}

#[test]
fn server_replaces_scheme_and_host_and_keys_override() {
    assert_eq!(
        with_server(
            "https://a.example/u/{token}/?address={ip}",
            "http://127.0.0.1:8080/"
        ),
        "http://127.0.0.1:8080/u/{token}/?address={ip}"
    );
    assert_eq!(
        with_server("https://a.example?x=1", "https://b:1"),
        "https://b:1?x=1"
    );
    let keys = "hostname = \"h.example\"\ntoken = \"t\"\nserver = \"http://127.0.0.1:9\"\nallow_http = true\nsuccess = [\"yes\"]\n";
    let cfg = config("regfish.de", keys).unwrap();
    let p = &*cfg.records[0].provider;
    let sent = shown(p, Addrs::one("192.0.2.1".parse().unwrap()));
    assert_eq!(
        sent,
        [
            "Get http://127.0.0.1:9/?fqdn=h.example&forcehost=1&authtype=secure&token=t&ipv4=192.0.2.1"
        ]
    );
    let ok = p.parse_reply(&reply(200, "yes"), Addrs::default());
    assert_eq!(ok, Ok(Success::Updated));
    assert!(
        p.parse_reply(&reply(200, "success"), Addrs::default())
            .is_err()
    );
    // Plain http needs allow_http; `server` is only for presets.
    let e = crate::provider::testutil::config_err(
        "regfish.de",
        "hostname = \"h.example\"\ntoken = \"t\"\nserver = \"http://127.0.0.1:9\"\n",
    );
    assert!(e.contains("allow_http"), "{e}");
    let e = crate::provider::testutil::config_err(
        "custom",
        "url = \"https://x.example/\"\nserver = \"https://y.example\"\n",
    );
    assert!(e.contains("unknown key \"server\""), "{e}");
}

#[test]
fn names_are_unique_across_providers_and_dyndns2_presets() {
    let names = crate::provider::provider_names();
    for p in PRESETS {
        assert_eq!(
            names.iter().filter(|n| **n == p.name).count(),
            1,
            "{}",
            p.name
        );
        assert!(p.url.starts_with("https://"), "{}", p.name);
        assert!(
            p.url6.is_none_or(|u| u.starts_with("https://")),
            "{}",
            p.name
        );
    }
}
