//! RFC 2136 config tests: server forms, names and zones, the dry-run text, and every mistake
//! naming its key.
use super::tests::{SECRET_B64, config, config_err, v4};
use super::*;
use crate::dnswire::encode_name;

#[test]
fn server_forms() {
    for (text, host, port) in [
        ("192.0.2.53", "192.0.2.53", 53),
        ("192.0.2.53:5353", "192.0.2.53", 5353),
        ("[2001:db8::53]:53", "2001:db8::53", 53),
        ("[2001:db8::53]", "2001:db8::53", 53),
        ("2001:db8::53", "2001:db8::53", 53),
        ("ns1.example.com", "ns1.example.com", 53),
        ("ns1.example.com:5353", "ns1.example.com", 5353),
        ("localhost", "localhost", 53),
    ] {
        let s = Server::parse(text).unwrap();
        assert_eq!((s.host.as_str(), s.port), (host, port), "{text}");
    }
    assert_eq!(
        Server::parse("[2001:db8::53]:53").unwrap().to_string(),
        "[2001:db8::53]:53"
    );
    assert_eq!(
        Server::parse("192.0.2.53").unwrap().to_string(),
        "192.0.2.53:53"
    );
    for (bad, why) in [
        ("https://ns1.example.com", "is a URL"),
        ("ns1.example.com/x", "is a URL"),
        ("192.0.2.53:0", "port"),
        ("192.0.2.53:99999", "port"),
        ("ns1:x", "port"),
        ("[2001:db8::53", "missing"),
        ("[ns1]:53", "not an IPv6 address"),
        ("[::1]53", "expected"),
        ("ns 1", "not an address or host name"),
        ("", "not an address or host name"),
    ] {
        let e = Server::parse(bad).unwrap_err();
        assert!(e.contains(why), "{bad}: {e}");
    }
}

#[test]
fn names() {
    assert_eq!(
        parse_name("Home.Example.COM.", NameKind::Owner).unwrap(),
        "home.example.com"
    );
    assert_eq!(
        parse_name("*.example.com", NameKind::Owner).unwrap(),
        "*.example.com"
    );
    assert!(parse_name("*.example.com", NameKind::Zone).is_err());
    assert!(parse_name("a.*.example.com", NameKind::Owner).is_err());
    assert!(parse_name("a..b", NameKind::Zone).is_err());
    assert!(parse_name(".", NameKind::Zone).is_err());
    assert!(parse_name(&"a".repeat(64), NameKind::Zone).is_err());
    let long = vec!["a".repeat(63); 4].join(".");
    assert!(parse_name(&long, NameKind::Zone).is_err());
    assert!(parse_name(&long[2..], NameKind::Zone).is_ok());
    assert!(in_zone("home.example.com", "example.com"));
    assert!(in_zone("example.com", "example.com"));
    assert!(!in_zone("homeexample.com", "example.com"));
    assert!(!in_zone("home.example.org", "example.com"));
    assert_eq!(encode_name("a.bc"), vec![1, b'a', 2, b'b', b'c', 0]);
}

const INLINE: &str = "server = \"127.0.0.1:5353\"\nzone = \"example.com\"\nname = \"home.example.com\"\ntsig_key_name = \"ddns-key\"\ntsig_secret = \"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\"\n";

#[test]
fn inline_key_config_and_dry_run_text() {
    let c = config(&format!("{INLINE}family = \"both\"\n")).unwrap();
    let r = &c.records[0];
    assert_eq!(r.label(), "home.example.com (rfc2136)");
    let mut addrs = v4("81.2.69.160");
    assert_eq!(
        r.provider.describe(addrs),
        [
            "DNS UPDATE to 127.0.0.1:5353 zone example.com: delete home.example.com A; add home.example.com 300 A 81.2.69.160 (TSIG key ddns-key, hmac-sha256)"
        ]
    );
    addrs.set("2a01:4f8:10:20::5".parse().unwrap());
    let line = r.provider.describe(addrs).join("\n");
    assert!(line.ends_with("add home.example.com 300 A 81.2.69.160; delete home.example.com AAAA; add home.example.com 300 AAAA 2a01:4f8:10:20::5 (TSIG key ddns-key, hmac-sha256)"), "{line}");
    assert!(!line.contains(SECRET_B64));
    assert!(r.provider.plan(addrs).is_empty());
    assert!(r.provider.describe(Addrs::default()).is_empty());

    let c = config(&format!(
        "{INLINE}ttl = 60\ntsig_algorithm = \"HMAC-SHA512\"\n"
    ))
    .unwrap();
    let line = c.records[0].provider.describe(v4("81.2.69.160")).join("");
    assert!(
        !line.contains("300") && line.contains(" 60 A ") && line.contains("hmac-sha512"),
        "{line}"
    );
}

#[test]
fn config_mistakes_name_the_key() {
    let base = "server = \"127.0.0.1\"\nzone = \"example.com\"\n";
    let cases: Vec<(String, &str)> = vec![
        (format!("{base}name = \"home.example.org\"\ntsig_key_name = \"k\"\ntsig_secret = \"AAAA\"\n"), "key \"name\": \"home.example.org\" is not inside zone \"example.com\""),
        (format!("{base}name = \"home\"\ntsig_key_name = \"k\"\ntsig_secret = \"AAAA\"\n"), "key \"name\": \"home\" is not inside zone"),
        (format!("{base}name = \"home.example.com\"\n"), "missing key \"tsig_key_file\" (or \"tsig_key_name\" with \"tsig_secret\")"),
        (format!("{base}name = \"home.example.com\"\ntsig_key_name = \"k\"\n"), "missing key \"tsig_secret\" (or \"tsig_secret_file\")"),
        (format!("{base}name = \"home.example.com\"\ntsig_secret = \"AAAA\"\n"), "missing key \"tsig_key_name\""),
        (format!("{base}name = \"home.example.com\"\ntsig_key_name = \"k\"\ntsig_secret = \"AA!A\"\n"), "key \"tsig_secret\": is not valid base64"),
        (format!("{base}name = \"home.example.com\"\ntsig_key_name = \"k\"\ntsig_secret = \"AAAA\"\ntsig_algorithm = \"hmac-md5\"\n"), "key \"tsig_algorithm\": unsupported algorithm \"hmac-md5\""),
        (format!("{base}name = \"home.example.com\"\ntsig_key_name = \"k\"\ntsig_secret = \"AAAA\"\nttl = 86401\n"), "key \"ttl\": 86401 is out of range 0..=86400"),
        (format!("{base}name = \"home.example.com\"\ntsig_key_name = \"k\"\ntsig_secret = \"AAAA\"\nallow_http = true\n"), "unknown key \"allow_http\""),
        (format!("{base}name = \"home.example.com\"\ntsig_key_name = \"k\"\ntsig_secret = \"AAAA\"\ntsig_key_file = \"/nonexistent/k.key\"\n"), "key \"tsig_key_file\": cannot read /nonexistent/k.key"),
        ("server = \"https://ns1.example.com\"\nzone = \"example.com\"\nname = \"home.example.com\"\ntsig_key_name = \"k\"\ntsig_secret = \"AAAA\"\n".to_string(), "key \"server\": \"https://ns1.example.com\" is a URL"),
        ("zone = \"example.com\"\nname = \"home.example.com\"\ntsig_key_name = \"k\"\ntsig_secret = \"AAAA\"\n".to_string(), "missing key \"server\""),
        ("server = \"127.0.0.1\"\nname = \"home.example.com\"\ntsig_key_name = \"k\"\ntsig_secret = \"AAAA\"\n".to_string(), "missing key \"zone\""),
    ];
    for (record, want) in cases {
        let e = config_err(&record);
        assert!(e.contains("record 1 (rfc2136)"), "{e}");
        assert!(e.contains(want), "{e:?} lacks {want:?}");
        assert!(!e.contains("AAAA"), "{e}");
    }
}
