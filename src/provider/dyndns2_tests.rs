//! Tests for dyndns2.rs.
use super::*;
use crate::error::Class;
use crate::provider::testutil::reply;

fn v4() -> Vec<IpAddr> {
    vec!["192.0.2.1".parse().unwrap()]
}

#[test]
fn good_and_nochg() {
    for body in [
        "good",
        "good\n",
        "good 192.0.2.1",
        "good 192.0.2.1\r\n",
        "GOOD 192.0.2.1",
        "good 192.0.2.1,2001:db8::1",
    ] {
        assert_eq!(
            parse_reply(&reply(200, body), &v4()),
            Ok(Success::Updated),
            "{body:?}"
        );
    }
    for body in ["nochg", "nochg 192.0.2.1\n", "nochg 192.0.2.1\r\n"] {
        assert_eq!(
            parse_reply(&reply(200, body), &v4()),
            Ok(Success::NoChange),
            "{body:?}"
        );
    }
}

#[test]
fn extra_lines_after_the_status_are_ignored() {
    assert_eq!(
        parse_reply(&reply(200, "good 192.0.2.1\nWAT\n"), &v4()),
        Ok(Success::Updated)
    );
}

#[test]
fn good_loopback_is_badagent_unless_sent() {
    let e = parse_reply(&reply(200, "good 127.0.0.1"), &v4()).unwrap_err();
    assert_eq!(e.class(), Class::Fatal);
    assert!(e.to_string().contains("badagent"));
    let lo: IpAddr = "127.0.0.1".parse().unwrap();
    assert_eq!(
        parse_reply(&reply(200, "good 127.0.0.1"), &[lo]),
        Ok(Success::Updated)
    );
}

#[test]
fn good_for_another_address_is_a_failure() {
    let e = parse_reply(&reply(200, "good 198.51.100.9"), &v4()).unwrap_err();
    assert_eq!(e.class(), Class::Transient);
}

#[test]
fn every_fatal_code() {
    for (code, _) in FATAL_CODES {
        for body in [code.to_string(), format!("{code}\r\n"), format!("{code}\n")] {
            let e = parse_reply(&reply(200, &body), &v4()).unwrap_err();
            assert_eq!(e.class(), Class::Fatal, "{body:?}");
        }
    }
    let e = parse_reply(&reply(200, "conflict AAAA"), &v4()).unwrap_err();
    assert!(e.to_string().starts_with("conflict AAAA"));
    // No-IP answers wrong credentials with 401 and a CRLF-terminated body.
    let e = parse_reply(&reply(401, "badauth\r\n"), &v4()).unwrap_err();
    assert_eq!(e.class(), Class::Fatal);
    assert!(e.to_string().contains("badauth"));
}

#[test]
fn outage_codes_wait_at_least_thirty_minutes() {
    let e = parse_reply(&reply(500, "911"), &v4()).unwrap_err();
    assert_eq!(e.class(), Class::Transient);
    assert_eq!(e.retry_after_secs(), Some(1800));
    let e = parse_reply(&reply(200, "dnserr\n"), &v4()).unwrap_err();
    assert_eq!(e.retry_after_secs(), Some(1800));
    let r = Reply {
        status: 500,
        headers: vec![("retry-after".into(), "7200".into())],
        body: b"911".to_vec(),
    };
    assert_eq!(
        parse_reply(&r, &v4()).unwrap_err().retry_after_secs(),
        Some(7200)
    );
    let e = parse_reply(&reply(200, "servererror"), &v4()).unwrap_err();
    assert_eq!((e.class(), e.retry_after_secs()), (Class::Transient, None));
    assert_eq!(
        parse_reply(&reply(200, "interror"), &v4())
            .unwrap_err()
            .class(),
        Class::Transient
    );
}

#[test]
fn wait_codes() {
    assert_eq!(
        parse_reply(&reply(200, "w30m"), &v4())
            .unwrap_err()
            .retry_after_secs(),
        Some(1800)
    );
    assert_eq!(
        parse_reply(&reply(200, "w90s"), &v4())
            .unwrap_err()
            .retry_after_secs(),
        Some(90)
    );
    assert_eq!(
        parse_reply(&reply(200, "w2h"), &v4())
            .unwrap_err()
            .retry_after_secs(),
        Some(7200)
    );
    assert_eq!(parse_wait("wat"), None);
    assert_eq!(parse_wait("w"), None);
    assert_eq!(parse_wait("wé"), None);
    assert_eq!(parse_wait("w+5m"), None);
}

#[test]
fn status_decides_only_when_the_body_says_nothing_known() {
    let cases = [
        (200, "WAT", Class::Transient),
        (200, "", Class::Transient),
        (200, "<html>good</html>", Class::Transient),
        (
            401,
            "This service requires basic http authentication",
            Class::Fatal,
        ),
        (403, "", Class::Fatal),
        (503, "<html>Service Unavailable</html>", Class::Transient),
        (404, "Not Found", Class::Transient),
    ];
    for (status, body, class) in cases {
        let e = parse_reply(&reply(status, body), &v4()).unwrap_err();
        assert_eq!(e.class(), class, "{status} {body:?}");
    }
}

#[test]
fn request_uses_basic_auth_and_hides_it() {
    let p = sample(V6Style::Comma);
    let r = &p.plan(Addrs::one(v4()[0]))[0].request;
    assert_eq!(
        r.wire_url(),
        "https://members.dyndns.org/nic/update?system=dyndns&hostname=home.example.org&myip=192.0.2.1"
    );
    let auth = r
        .headers
        .iter()
        .find(|h| h.name == "Authorization")
        .unwrap();
    assert_eq!(auth.value, "Basic dXNlcm5hbWU6cGFzc3dvcmQ=");
    assert!(!r.redacted().contains("dXNlcm5hbWU6cGFzc3dvcmQ="));
}

fn sample(v6: V6Style) -> Dyndns2 {
    let preset = Box::leak(Box::new(Preset {
        extra: &[("system", "dyndns")],
        v6,
        ..row("sample", "https://members.dyndns.org", "/nic/update")
    }));
    Dyndns2 {
        endpoint: "https://members.dyndns.org/nic/update".into(),
        endpoint6: "https://members.dyndns.org/nic/update".into(),
        preset,
        hostname: "home.example.org".into(),
        username: "username".into(),
        password: Secret::new("password".into()),
    }
}

fn queries(p: &Dyndns2, addrs: Addrs) -> Vec<String> {
    p.plan(addrs)
        .iter()
        .map(|pl| pl.request.wire_url().split_once('?').unwrap().1.to_string())
        .collect()
}

#[test]
fn ipv6_styles() {
    let mut both = Addrs::one("192.0.2.1".parse().unwrap());
    both.set("2001:db8::1".parse().unwrap());
    let only6 = Addrs::one("2001:db8::1".parse().unwrap());
    let base = "system=dyndns&hostname=home.example.org";
    assert_eq!(
        queries(&sample(V6Style::Comma), both),
        vec![format!("{base}&myip=192.0.2.1%2C2001%3Adb8%3A%3A1")]
    );
    assert_eq!(
        queries(&sample(V6Style::Comma), only6),
        vec![format!("{base}&myip=2001%3Adb8%3A%3A1")]
    );
    assert_eq!(
        queries(&sample(V6Style::Separate), both),
        vec![
            format!("{base}&myip=192.0.2.1"),
            format!("{base}&myip=2001%3Adb8%3A%3A1")
        ]
    );
    assert_eq!(
        queries(&sample(V6Style::MyIpv6), both),
        vec![format!("{base}&myip=192.0.2.1&myipv6=2001%3Adb8%3A%3A1")]
    );
    assert_eq!(
        queries(&sample(V6Style::MyIpv6), only6),
        vec![format!("{base}&myip=no&myipv6=2001%3Adb8%3A%3A1")]
    );
    assert_eq!(
        queries(&sample(V6Style::None), both),
        vec![format!("{base}&myip=192.0.2.1")]
    );
    assert!(!sample(V6Style::None).supports_v6());
    // One status line speaks for both addresses of a comma-style update.
    let p = sample(V6Style::Comma);
    let r = Reply {
        status: 200,
        headers: vec![],
        body: b"good 192.0.2.1,2001:db8::1".to_vec(),
    };
    assert_eq!(p.parse_reply(&r, both), Ok(Success::Updated));
}

#[test]
fn presets_are_unique_and_https() {
    for (i, p) in PRESETS.iter().enumerate() {
        assert!(p.server.starts_with("https://"), "{}", p.name);
        assert!(p.path.starts_with('/'), "{}", p.name);
        assert!(PRESETS[..i].iter().all(|q| q.name != p.name), "{}", p.name);
        assert!(!["namecheap", "duckdns", "dyndns2"].contains(&p.name));
    }
    assert!(preset("he").unwrap().user_is_hostname);
}

#[test]
fn hostnames_are_checked_as_dns_names() {
    use crate::provider::testutil::{config, config_err};
    let keys = |host: &str| format!("hostname = {host:?}\nusername = \"u\"\npassword = \"p\"\n");
    let c = config("dyn", &keys("Home.Example.ORG.")).unwrap();
    assert_eq!(c.records[0].provider.fqdn(), "home.example.org");
    let wire = c.records[0].provider.plan(Addrs::one(v4()[0]))[0]
        .request
        .wire_url();
    assert!(wire.contains("hostname=home.example.org&"), "{wire}");
    assert!(config("dyn", &keys("*.example.org")).is_ok());
    for (bad, why) in [
        ("home_exa mple.org", "is not a valid domain name"),
        ("home", "is not a full domain name"),
        ("home..example.org", "is not a valid domain name"),
        ("a.example.org,b.example.org", "one hostname per record"),
        ("home.example.org/x", "is not a valid domain name"),
    ] {
        let e = config_err("dyn", &keys(bad));
        assert!(e.contains("record 1 (dyn): key \"hostname\""), "{e}");
        assert!(e.contains(why), "{bad}: {e}");
    }
}

/// Every preset's requests, for IPv4 alone, IPv6 alone (`None`: no IPv6) and both at once: the
/// exact URLs its row's source gives (see the comment on each row), with `hostname` = the
/// record's name (`12345` where the row takes an id).
const REQUESTS: &[(&str, &str, Option<&str>, &[&str])] = &[
    (
        "dyn",
        "https://members.dyndns.org/nic/update?hostname=home.example.org&myip=192.0.2.1",
        Some(
            "https://members.dyndns.org/nic/update?hostname=home.example.org&myip=2001%3Adb8%3A%3A1",
        ),
        &[
            "https://members.dyndns.org/nic/update?hostname=home.example.org&myip=192.0.2.1%2C2001%3Adb8%3A%3A1",
        ],
    ),
    (
        "noip",
        "https://dynupdate.no-ip.com/nic/update?hostname=home.example.org&myip=192.0.2.1",
        Some(
            "https://dynupdate.no-ip.com/nic/update?hostname=home.example.org&myip=2001%3Adb8%3A%3A1",
        ),
        &[
            "https://dynupdate.no-ip.com/nic/update?hostname=home.example.org&myip=192.0.2.1%2C2001%3Adb8%3A%3A1",
        ],
    ),
    (
        "dynu",
        "https://api.dynu.com/nic/update?hostname=home.example.org&myip=192.0.2.1",
        Some(
            "https://api.dynu.com/nic/update?hostname=home.example.org&myip=no&myipv6=2001%3Adb8%3A%3A1",
        ),
        &[
            "https://api.dynu.com/nic/update?hostname=home.example.org&myip=192.0.2.1&myipv6=2001%3Adb8%3A%3A1",
        ],
    ),
    (
        "he",
        "https://dyn.dns.he.net/nic/update?hostname=home.example.org&myip=192.0.2.1",
        Some("https://dyn.dns.he.net/nic/update?hostname=home.example.org&myip=2001%3Adb8%3A%3A1"),
        &[
            "https://dyn.dns.he.net/nic/update?hostname=home.example.org&myip=192.0.2.1",
            "https://dyn.dns.he.net/nic/update?hostname=home.example.org&myip=2001%3Adb8%3A%3A1",
        ],
    ),
    (
        "ovh",
        "https://dns.eu.ovhapis.com/nic/update?system=dyndns&hostname=home.example.org&myip=192.0.2.1",
        Some(
            "https://dns.eu.ovhapis.com/nic/update?system=dyndns&hostname=home.example.org&myip=2001%3Adb8%3A%3A1",
        ),
        &[
            "https://dns.eu.ovhapis.com/nic/update?system=dyndns&hostname=home.example.org&myip=192.0.2.1",
            "https://dns.eu.ovhapis.com/nic/update?system=dyndns&hostname=home.example.org&myip=2001%3Adb8%3A%3A1",
        ],
    ),
    (
        "strato",
        "https://dyndns.strato.com/nic/update?hostname=home.example.org&myip=192.0.2.1",
        Some(
            "https://dyndns.strato.com/nic/update?hostname=home.example.org&myip=2001%3Adb8%3A%3A1",
        ),
        &[
            "https://dyndns.strato.com/nic/update?hostname=home.example.org&myip=192.0.2.1%2C2001%3Adb8%3A%3A1",
        ],
    ),
    (
        "infomaniak",
        "https://infomaniak.com/nic/update?hostname=home.example.org&myip=192.0.2.1",
        Some("https://infomaniak.com/nic/update?hostname=home.example.org&myip=2001%3Adb8%3A%3A1"),
        &[
            "https://infomaniak.com/nic/update?hostname=home.example.org&myip=192.0.2.1",
            "https://infomaniak.com/nic/update?hostname=home.example.org&myip=2001%3Adb8%3A%3A1",
        ],
    ),
    (
        "dnsomatic",
        "https://updates.dnsomatic.com/nic/update?hostname=home.example.org&myip=192.0.2.1",
        Some(
            "https://updates.dnsomatic.com/nic/update?hostname=home.example.org&myip=2001%3Adb8%3A%3A1",
        ),
        &[
            "https://updates.dnsomatic.com/nic/update?hostname=home.example.org&myip=192.0.2.1%2C2001%3Adb8%3A%3A1",
        ],
    ),
    (
        "selfhost",
        "https://carol.selfhost.de/nic/update?hostname=home.example.org&myip=192.0.2.1",
        Some(
            "https://carol.selfhost.de/nic/update?hostname=home.example.org&myip=2001%3Adb8%3A%3A1",
        ),
        &[
            "https://carol.selfhost.de/nic/update?hostname=home.example.org&myip=192.0.2.1%2C2001%3Adb8%3A%3A1",
        ],
    ),
    (
        "spdyn",
        "https://update.spdyn.de/nic/update?hostname=home.example.org&myip=192.0.2.1",
        Some("https://update.spdyn.de/nic/update?hostname=home.example.org&myip=2001%3Adb8%3A%3A1"),
        &[
            "https://update.spdyn.de/nic/update?hostname=home.example.org&myip=192.0.2.1%2C2001%3Adb8%3A%3A1",
        ],
    ),
    (
        "nsupdate.info",
        "https://ipv4.nsupdate.info/nic/update?hostname=home.example.org&myip=192.0.2.1",
        Some(
            "https://ipv6.nsupdate.info/nic/update?hostname=home.example.org&myip=2001%3Adb8%3A%3A1",
        ),
        &[
            "https://ipv4.nsupdate.info/nic/update?hostname=home.example.org&myip=192.0.2.1",
            "https://ipv6.nsupdate.info/nic/update?hostname=home.example.org&myip=2001%3Adb8%3A%3A1",
        ],
    ),
    (
        "loopia",
        "https://dns.loopia.se/XDynDNSServer/XDynDNS.php?hostname=home.example.org&myip=192.0.2.1",
        None,
        &[
            "https://dns.loopia.se/XDynDNSServer/XDynDNS.php?hostname=home.example.org&myip=192.0.2.1",
        ],
    ),
    (
        "dy.fi",
        "https://www.dy.fi/nic/update?hostname=home.example.org&myip=192.0.2.1",
        None,
        &["https://www.dy.fi/nic/update?hostname=home.example.org&myip=192.0.2.1"],
    ),
    (
        "do.de",
        "https://ddns.do.de/nic/update?hostname=home.example.org&myip=192.0.2.1",
        Some("https://ddns.do.de/nic/update?hostname=home.example.org&myip=2001%3Adb8%3A%3A1"),
        &[
            "https://ddns.do.de/nic/update?hostname=home.example.org&myip=192.0.2.1%2C2001%3Adb8%3A%3A1",
        ],
    ),
    (
        "inwx",
        "https://dyndns.inwx.com/nic/update?hostname=home.example.org&myip=192.0.2.1",
        Some(
            "https://dyndns.inwx.com/nic/update?hostname=home.example.org&myip=no&myipv6=2001%3Adb8%3A%3A1",
        ),
        &[
            "https://dyndns.inwx.com/nic/update?hostname=home.example.org&myip=192.0.2.1&myipv6=2001%3Adb8%3A%3A1",
        ],
    ),
    (
        "joker",
        "https://svc.joker.com/nic/update?hostname=home.example.org&myip=192.0.2.1",
        Some("https://svc.joker.com/nic/update?hostname=home.example.org&myip=2001%3Adb8%3A%3A1"),
        &[
            "https://svc.joker.com/nic/update?hostname=home.example.org&myip=192.0.2.1%2C2001%3Adb8%3A%3A1",
        ],
    ),
    (
        "schokokeks",
        "https://dyndns.schokokeks.org/nic/update?hostname=home.example.org&myip=192.0.2.1",
        Some(
            "https://dyndns.schokokeks.org/nic/update?hostname=home.example.org&myip=2001%3Adb8%3A%3A1",
        ),
        &[
            "https://dyndns.schokokeks.org/nic/update?hostname=home.example.org&myip=192.0.2.1%2C2001%3Adb8%3A%3A1",
        ],
    ),
    (
        "variomedia",
        "https://dyndns.variomedia.de/nic/update?hostname=home.example.org&myip=192.0.2.1",
        Some(
            "https://dyndns.variomedia.de/nic/update?hostname=home.example.org&myip=2001%3Adb8%3A%3A1",
        ),
        &[
            "https://dyndns.variomedia.de/nic/update?hostname=home.example.org&myip=192.0.2.1%2C2001%3Adb8%3A%3A1",
        ],
    ),
    (
        "dyndns.it",
        "https://update.dyndns.it/nic/update?hostname=home.example.org&myip=192.0.2.1",
        Some(
            "https://update.dyndns.it/nic/update?hostname=home.example.org&myip=2001%3Adb8%3A%3A1",
        ),
        &[
            "https://update.dyndns.it/nic/update?hostname=home.example.org&myip=192.0.2.1%2C2001%3Adb8%3A%3A1",
        ],
    ),
    (
        "oray",
        "https://ddns.oray.com/ph/update?hostname=home.example.org&myip=192.0.2.1",
        None,
        &["https://ddns.oray.com/ph/update?hostname=home.example.org&myip=192.0.2.1"],
    ),
    (
        "simply",
        "https://api.simply.com/2/dyndns/?hostname=home.example.org&myip=192.0.2.1",
        Some("https://api.simply.com/2/dyndns/?hostname=home.example.org&myip=2001%3Adb8%3A%3A1"),
        &[
            "https://api.simply.com/2/dyndns/?hostname=home.example.org&myip=192.0.2.1",
            "https://api.simply.com/2/dyndns/?hostname=home.example.org&myip=2001%3Adb8%3A%3A1",
        ],
    ),
    (
        "3322",
        "https://members.3322.org/dyndns/update?hostname=home.example.org&myip=192.0.2.1",
        None,
        &["https://members.3322.org/dyndns/update?hostname=home.example.org&myip=192.0.2.1"],
    ),
    (
        "hosting.de",
        "https://ddns.hosting.de/nic/update?hostname=home.example.org&myip=192.0.2.1",
        Some("https://ddns.hosting.de/nic/update?hostname=home.example.org&myip=2001%3Adb8%3A%3A1"),
        &[
            "https://ddns.hosting.de/nic/update?hostname=home.example.org&myip=192.0.2.1",
            "https://ddns.hosting.de/nic/update?hostname=home.example.org&myip=2001%3Adb8%3A%3A1",
        ],
    ),
    (
        "eurodns",
        "https://update.eurodyndns.org/update/?hostname=home.example.org&myip=192.0.2.1",
        Some(
            "https://update.eurodyndns.org/update/?hostname=home.example.org&myip=2001%3Adb8%3A%3A1",
        ),
        &[
            "https://update.eurodyndns.org/update/?hostname=home.example.org&myip=192.0.2.1",
            "https://update.eurodyndns.org/update/?hostname=home.example.org&myip=2001%3Adb8%3A%3A1",
        ],
    ),
    (
        "xlhost",
        "https://nsupdate.xlhost.de/nic/update?hostname=home.example.org&myip=192.0.2.1",
        None,
        &["https://nsupdate.xlhost.de/nic/update?hostname=home.example.org&myip=192.0.2.1"],
    ),
    (
        "apertodns",
        "https://api.apertodns.com/nic/update?hostname=home.example.org&myip=192.0.2.1",
        Some(
            "https://api.apertodns.com/nic/update?hostname=home.example.org&myip=2001%3Adb8%3A%3A1",
        ),
        &[
            "https://api.apertodns.com/nic/update?hostname=home.example.org&myip=192.0.2.1",
            "https://api.apertodns.com/nic/update?hostname=home.example.org&myip=2001%3Adb8%3A%3A1",
        ],
    ),
    (
        "apertodns-token",
        "https://api.apertodns.com/nic/update?hostname=home.example.org&myip=192.0.2.1",
        Some(
            "https://api.apertodns.com/nic/update?hostname=home.example.org&myip=2001%3Adb8%3A%3A1",
        ),
        &[
            "https://api.apertodns.com/nic/update?hostname=home.example.org&myip=192.0.2.1",
            "https://api.apertodns.com/nic/update?hostname=home.example.org&myip=2001%3Adb8%3A%3A1",
        ],
    ),
    (
        "now-dns",
        "https://now-dns.com/update?hostname=home.example.org&myip=192.0.2.1",
        Some("https://now-dns.com/update?hostname=home.example.org&myip=2001%3Adb8%3A%3A1"),
        &[
            "https://now-dns.com/update?hostname=home.example.org&myip=192.0.2.1",
            "https://now-dns.com/update?hostname=home.example.org&myip=2001%3Adb8%3A%3A1",
        ],
    ),
    (
        "opendns",
        "https://updates.opendns.com/nic/update?hostname=12345&myip=192.0.2.1",
        None,
        &["https://updates.opendns.com/nic/update?hostname=12345&myip=192.0.2.1"],
    ),
    (
        "udmedia",
        "https://www.udmedia.de/nic/update?hostname=home.example.org&myip=192.0.2.1",
        Some("https://www.udmedia.de/nic/update?hostname=home.example.org&myip=2001%3Adb8%3A%3A1"),
        &[
            "https://www.udmedia.de/nic/update?hostname=home.example.org&myip=192.0.2.1",
            "https://www.udmedia.de/nic/update?hostname=home.example.org&myip=2001%3Adb8%3A%3A1",
        ],
    ),
    (
        "domopoli",
        "https://dyndns.domopoli.de/nic/update?hostname=home.example.org&myip=192.0.2.1",
        None,
        &["https://dyndns.domopoli.de/nic/update?hostname=home.example.org&myip=192.0.2.1"],
    ),
    (
        "dnshome",
        "https://www.dnshome.de/dyndns.php?hostname=home.example.org&ip=192.0.2.1",
        Some("https://www.dnshome.de/dyndns.php?hostname=home.example.org&ip6=2001%3Adb8%3A%3A1"),
        &[
            "https://www.dnshome.de/dyndns.php?hostname=home.example.org&ip=192.0.2.1",
            "https://www.dnshome.de/dyndns.php?hostname=home.example.org&ip6=2001%3Adb8%3A%3A1",
        ],
    ),
    (
        "all-inkl",
        "https://dyndns.kasserver.com/?hostname=home.example.org&myip=192.0.2.1",
        Some("https://dyndns.kasserver.com/?hostname=home.example.org&myip=2001%3Adb8%3A%3A1"),
        &[
            "https://dyndns.kasserver.com/?hostname=home.example.org&myip=192.0.2.1",
            "https://dyndns.kasserver.com/?hostname=home.example.org&myip=2001%3Adb8%3A%3A1",
        ],
    ),
    (
        "core-networks",
        "https://dyndns.core-networks.de/?hostname=home.example.org&myip=192.0.2.1&keepipv6=1",
        Some(
            "https://dyndns.core-networks.de/?hostname=home.example.org&myip=2001%3Adb8%3A%3A1&keepipv4=1",
        ),
        &[
            "https://dyndns.core-networks.de/?hostname=home.example.org&myip=192.0.2.1&keepipv6=1",
            "https://dyndns.core-networks.de/?hostname=home.example.org&myip=2001%3Adb8%3A%3A1&keepipv4=1",
        ],
    ),
    (
        "changeip",
        "https://nic.changeip.com/nic/update?hostname=home.example.org&ip=192.0.2.1",
        None,
        &["https://nic.changeip.com/nic/update?hostname=home.example.org&ip=192.0.2.1"],
    ),
    (
        "easydns",
        "https://api.cp.easydns.com/dyn/generic.php?hostname=home.example.org&myip=192.0.2.1",
        Some(
            "https://api.cp.easydns.com/dyn/generic.php?hostname=home.example.org&myip=2001%3Adb8%3A%3A1",
        ),
        &[
            "https://api.cp.easydns.com/dyn/generic.php?hostname=home.example.org&myip=192.0.2.1",
            "https://api.cp.easydns.com/dyn/generic.php?hostname=home.example.org&myip=2001%3Adb8%3A%3A1",
        ],
    ),
    (
        "luadns",
        "https://app.luadns.com/nic/update?hostname=home.example.org&myip=192.0.2.1",
        Some("https://app.luadns.com/nic/update?hostname=home.example.org&myip=2001%3Adb8%3A%3A1"),
        &[
            "https://app.luadns.com/nic/update?hostname=home.example.org&myip=192.0.2.1",
            "https://app.luadns.com/nic/update?hostname=home.example.org&myip=2001%3Adb8%3A%3A1",
        ],
    ),
    (
        "domeneshop",
        "https://api.domeneshop.no/v0/dyndns/update?hostname=home.example.org&myip=192.0.2.1",
        Some(
            "https://api.domeneshop.no/v0/dyndns/update?hostname=home.example.org&myip=2001%3Adb8%3A%3A1",
        ),
        &[
            "https://api.domeneshop.no/v0/dyndns/update?hostname=home.example.org&myip=192.0.2.1",
            "https://api.domeneshop.no/v0/dyndns/update?hostname=home.example.org&myip=2001%3Adb8%3A%3A1",
        ],
    ),
    (
        "tunnelbroker",
        "https://ipv4.tunnelbroker.net/nic/update?hostname=12345&myip=192.0.2.1",
        None,
        &["https://ipv4.tunnelbroker.net/nic/update?hostname=12345&myip=192.0.2.1"],
    ),
    (
        "afraid-dyndns",
        "https://freedns.afraid.org/nic/update?hostname=home.example.org&myip=192.0.2.1",
        Some(
            "https://freedns.afraid.org/nic/update?hostname=home.example.org&myip=2001%3Adb8%3A%3A1",
        ),
        &[
            "https://freedns.afraid.org/nic/update?hostname=home.example.org&myip=192.0.2.1",
            "https://freedns.afraid.org/nic/update?hostname=home.example.org&myip=2001%3Adb8%3A%3A1",
        ],
    ),
];

fn preset_record(p: &Preset, extra: &str) -> Box<dyn Provider> {
    use crate::provider::testutil::config;
    let host = if p.id_hostname {
        "12345"
    } else {
        "home.example.org"
    };
    let family = if p.v6 == V6Style::None {
        "ipv4"
    } else {
        "both"
    };
    let keys = format!(
        "hostname = {host:?}\nusername = \"user\"\npassword = \"pass\"\nfamily = {family:?}\n{extra}"
    );
    let mut c = config(p.name, &keys).unwrap();
    c.records.remove(0).provider
}

fn urls(p: &dyn Provider, addrs: Addrs) -> Vec<String> {
    p.plan(addrs).iter().map(|x| x.request.wire_url()).collect()
}

fn v6() -> IpAddr {
    "2001:db8::1".parse().unwrap()
}

#[test]
fn every_preset_builds_its_documented_requests() {
    assert_eq!(REQUESTS.len(), PRESETS.len());
    let mut both = Addrs::one(v4()[0]);
    both.set(v6());
    for (p, (name, url4, url6, url_both)) in PRESETS.iter().zip(REQUESTS) {
        assert_eq!(p.name, *name);
        let r = preset_record(p, "");
        assert_eq!(
            urls(&*r, Addrs::one(v4()[0])),
            vec![url4.to_string()],
            "{name}"
        );
        let want6: Vec<String> = url6.iter().map(|u| u.to_string()).collect();
        assert_eq!(urls(&*r, Addrs::one(v6())), want6, "{name}");
        assert_eq!(urls(&*r, both), url_both.to_vec(), "{name}");
        assert_eq!(r.supports_v6(), url6.is_some(), "{name}");
        for planned in r.plan(both) {
            let auth = planned
                .request
                .headers
                .iter()
                .find(|h| h.name == "Authorization");
            // base64("user:pass")
            assert_eq!(auth.unwrap().value, "Basic dXNlcjpwYXNz", "{name}");
        }
    }
}

#[test]
fn server_moves_both_families_of_a_preset() {
    let p = preset("nsupdate.info").unwrap();
    let r = preset_record(p, "server = \"https://127.0.0.1:8443\"\n");
    assert_eq!(
        urls(&*r, Addrs::one(v6())),
        vec!["https://127.0.0.1:8443/nic/update?hostname=home.example.org&myip=2001%3Adb8%3A%3A1"]
    );
    let r = preset_record(
        preset("core-networks").unwrap(),
        "server = \"https://127.0.0.1:8443\"\n",
    );
    assert_eq!(
        urls(&*r, Addrs::one(v6())),
        vec!["https://127.0.0.1:8443/?hostname=home.example.org&myip=2001%3Adb8%3A%3A1&keepipv4=1"]
    );
}

#[test]
fn id_hostnames_are_sent_as_given() {
    let keys = "hostname = \"Home Network\"\nusername = \"u\"\npassword = \"p\"\n";
    let c = crate::provider::testutil::config("opendns", keys).unwrap();
    let wire = urls(&*c.records[0].provider, Addrs::one(v4()[0]));
    assert!(wire[0].contains("hostname=Home%20Network&"), "{wire:?}");
    let e =
        crate::provider::testutil::config_err("tunnelbroker", &keys.replace("Home Network", " "));
    assert!(e.contains("key \"hostname\""), "{e}");
    // Elsewhere the hostname is still a full domain name.
    let e = crate::provider::testutil::config_err("ovh", &keys.replace("Home Network", "home"));
    assert!(e.contains("is not a full domain name"), "{e}");
}

/// What a reply to one update means: Ok(success) or Err(class).
fn outcome(p: &dyn Provider, status: u16, body: &str) -> Result<Success, Class> {
    p.parse_reply(&reply(status, body), Addrs::one(v4()[0]))
        .map_err(|e| e.class())
}

#[test]
fn every_preset_reads_its_replies() {
    use Class::{Fatal, Transient};
    // The presets with words of their own, each pinned below; the rest read dyndns2 codes.
    let own: Vec<&str> = PRESETS
        .iter()
        .filter(|p| p.answer != Answer::Codes)
        .map(|p| p.name)
        .collect();
    assert_eq!(own, ["changeip", "easydns", "domeneshop"]);
    for p in PRESETS.iter().filter(|p| p.answer == Answer::Codes) {
        let r = preset_record(p, "");
        assert_eq!(
            outcome(&*r, 200, "good 192.0.2.1"),
            Ok(Success::Updated),
            "{}",
            p.name
        );
        assert_eq!(
            outcome(&*r, 200, "nochg 192.0.2.1"),
            Ok(Success::NoChange),
            "{}",
            p.name
        );
        assert_eq!(outcome(&*r, 200, "badauth"), Err(Fatal), "{}", p.name);
        assert_eq!(
            outcome(&*r, 200, "<html>OK</html>"),
            Err(Transient),
            "{}",
            p.name
        );
    }
    let cases: &[(&str, u16, &str, Result<Success, Class>)] = &[
        (
            "changeip",
            200,
            "200 Successful Update",
            Ok(Success::Updated),
        ),
        (
            "changeip",
            200,
            "200 Successful Update (Address Used: 192.0.2.1)\n",
            Ok(Success::Updated),
        ),
        ("changeip", 401, "Unauthorized", Err(Fatal)),
        ("changeip", 200, "good 192.0.2.1", Err(Transient)),
        ("changeip", 500, "200 Successful Update", Err(Transient)),
        ("easydns", 200, "NOERROR", Ok(Success::Updated)),
        ("easydns", 200, "OK\n", Ok(Success::Updated)),
        ("easydns", 200, "NOACCESS", Err(Fatal)),
        ("easydns", 200, "NOSERVICE", Err(Fatal)),
        ("easydns", 200, "ILLEGAL INPUT", Err(Fatal)),
        ("easydns", 200, "TOOSOON", Err(Transient)),
        ("easydns", 200, "OKAY", Err(Transient)),
        ("easydns", 200, "good", Err(Transient)),
        ("domeneshop", 204, "", Ok(Success::Updated)),
        ("domeneshop", 200, "good 192.0.2.1", Err(Transient)),
        ("domeneshop", 401, "", Err(Fatal)),
        ("domeneshop", 503, "", Err(Transient)),
    ];
    for (name, status, body, want) in cases {
        let r = preset_record(preset(name).unwrap(), "");
        assert_eq!(
            outcome(&*r, *status, body),
            *want,
            "{name} {status} {body:?}"
        );
    }
}

#[test]
fn a_token_login_is_the_password_and_stays_hidden() {
    use crate::provider::testutil::config;
    let keys = "hostname = \"home.example.org\"\npassword = \"t0ken\"\n";
    let c = config("apertodns.com-token", keys).unwrap();
    let plan = c.records[0].provider.plan(Addrs::one(v4()[0]));
    let r = &plan[0].request;
    let auth = r
        .headers
        .iter()
        .find(|h| h.name == "Authorization")
        .unwrap();
    // base64("t0ken:t0ken")
    assert_eq!(auth.value, "Basic dDBrZW46dDBrZW4=");
    assert!(!r.redacted().contains("t0ken") && !r.redacted().contains("dDBrZW4"));
    // Elsewhere a missing username is still an error.
    let e = crate::provider::testutil::config_err("apertodns", keys);
    assert!(e.contains("missing key \"username\""), "{e}");
}
