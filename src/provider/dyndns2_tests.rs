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
    Dyndns2 {
        endpoint: "https://members.dyndns.org/nic/update".into(),
        extra: &[("system", "dyndns")],
        v6,
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
