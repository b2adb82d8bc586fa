//! Tests for source.rs: parsing entries, the family of a literal server, identity, agreement.
use super::*;

fn answers(ips: &[&str]) -> Vec<(String, IpAddr)> {
    ips.iter()
        .enumerate()
        .map(|(i, ip)| (format!("s{i}"), ip.parse().unwrap()))
        .collect()
}

#[test]
fn agreement_counts_equal_answers() {
    let a = answers(&["81.2.69.160"]);
    assert_eq!(agreed(&a, 1), Some("81.2.69.160".parse().unwrap()));
    assert_eq!(agreed(&a, 2), None);
    let a = answers(&["81.2.69.160", "81.2.69.161", "81.2.69.161"]);
    assert_eq!(agreed(&a, 2), Some("81.2.69.161".parse().unwrap()));
    assert_eq!(agreed(&a, 3), None);
    assert_eq!(agreed(&answers(&[]), 1), None);
}

#[test]
fn sources_parse() {
    assert_eq!(
        Source::parse("https://api.ipify.org"),
        Ok(Source::Web("https://api.ipify.org".into()))
    );
    assert!(Source::parse("http://checkip.example/").is_ok());
    assert!(Source::parse("ftp://x").is_err());
    assert!(Source::parse("api.ipify.org").is_err());
}

#[test]
fn a_server_of_the_other_family_is_refused() {
    for (text, family) in [
        ("https://[2606:4700:4700::1111]/cdn-cgi/trace", Family::V4),
        ("http://[2a01:4f8:10:20::5]:8080/ip", Family::V4),
        ("dns:cloudflare@[2606:4700:4700::1111]:53", Family::V4),
        ("dns:cloudflare@[2606:4700:4700::1111]", Family::V4),
        ("https://1.1.1.1/cdn-cgi/trace", Family::V6),
        ("http://81.2.69.160:8080/ip", Family::V6),
        ("dns:opendns@208.67.222.222:53", Family::V6),
        ("https://[::ffff:1.1.1.1]/", Family::V6),
    ] {
        let e = Source::parse_for(text, family).unwrap_err();
        assert!(e.contains(text) && e.contains("only ever sees"), "{e}");
        let key = if family == Family::V4 {
            "sources6"
        } else {
            "sources"
        };
        assert!(e.ends_with(&format!("list it in {key}")), "{e}");
    }
    for (text, family) in [
        ("https://[2606:4700:4700::1111]/cdn-cgi/trace", Family::V6),
        ("http://[::1]:8080/ip", Family::V6),
        ("dns:cloudflare@[2606:4700:4700::1111]:53", Family::V6),
        ("https://1.1.1.1/cdn-cgi/trace", Family::V4),
        ("dns:opendns@127.0.0.1:5353", Family::V4),
        ("https://[::ffff:1.1.1.1]/", Family::V4),
        // Local servers (a test server, the router's own page) may report any family.
        ("http://[::1]:8080/ip", Family::V4),
        ("http://127.0.0.1:8080/ip", Family::V6),
        ("dns:opendns@127.0.0.1:5353", Family::V6),
        ("http://192.168.1.1/wan6", Family::V6),
        ("http://[fd00::1]/wan", Family::V4),
        // Names and interfaces say nothing about the family.
        ("https://api6.ipify.org", Family::V4),
        ("https://1.1.1.1.example/", Family::V6),
        ("dns:cloudflare", Family::V4),
        ("interface:wan", Family::V6),
    ] {
        assert!(Source::parse_for(text, family).is_ok(), "{text}");
    }
}

#[test]
fn dns_servers_take_a_default_port() {
    let server = |text: &str| match Source::parse(text) {
        Ok(Source::Dns { server, .. }) => server.map(|s| s.to_string()),
        other => panic!("{text}: {other:?}"),
    };
    assert_eq!(
        server("dns:cloudflare@1.1.1.1").as_deref(),
        Some("1.1.1.1:53")
    );
    assert_eq!(
        server("dns:opendns@127.0.0.1:5353").as_deref(),
        Some("127.0.0.1:5353")
    );
    assert_eq!(
        server("dns:cloudflare@[2606:4700:4700::1111]").as_deref(),
        Some("[2606:4700:4700::1111]:53")
    );
    assert_eq!(server("dns:cloudflare@::1").as_deref(), Some("[::1]:53"));
    assert_eq!(
        server("dns:cloudflare@[::1]:5353").as_deref(),
        Some("[::1]:5353")
    );
    assert_eq!(server("dns:cloudflare"), None);
    for bad in [
        "dns:cloudflare@",
        "dns:cloudflare@one.one",
        "dns:cloudflare@1.1.1.1:x",
        "dns:cloudflare@[::1",
    ] {
        assert!(Source::parse(bad).is_err(), "{bad}");
    }
}

#[test]
fn identity_ignores_spelling() {
    let id = |text: &str, family| Source::parse(text).unwrap().identity(family);
    let v4 = Family::V4;
    for (a, b) in [
        ("https://api.ipify.org", "https://API.ipify.org/"),
        ("https://api.ipify.org", "https://api.ipify.org:443"),
        ("http://ip.example/a", "https://ip.example/a/"),
        ("http://ip.example:80/a", "http://ip.example/a"),
        ("dns:cloudflare", "dns:cloudflare@1.1.1.1:53"),
    ] {
        assert_eq!(id(a, v4), id(b, v4), "{a} {b}");
    }
    for (a, b) in [
        ("https://ip.example/a", "https://ip.example/b"),
        ("https://ip.example", "https://ip.example:8443"),
        ("dns:cloudflare", "dns:opendns"),
        ("dns:cloudflare", "dns:cloudflare@1.1.1.1:5353"),
        ("interface:wan", "interface:wan6"),
    ] {
        assert_ne!(id(a, v4), id(b, v4), "{a} {b}");
    }
    // The default DNS server depends on the family.
    assert_ne!(
        id("dns:cloudflare", Family::V6),
        id("dns:cloudflare@1.1.1.1:53", Family::V6)
    );
}

#[test]
fn router_sources_parse() {
    let gw = |text: &str| match Source::parse(text) {
        Ok(Source::Gateway {
            protocol,
            gateway,
            device,
        }) => (protocol.name(), gateway.map(|g| g.to_string()), device),
        other => panic!("{text}: {other:?}"),
    };
    assert_eq!(gw("natpmp"), ("natpmp", None, None));
    assert_eq!(
        gw("pcp@192.168.1.1"),
        ("pcp", Some("192.168.1.1:5351".into()), None)
    );
    assert_eq!(
        gw("natpmp@10.0.0.1:5352%wan2"),
        ("natpmp", Some("10.0.0.1:5352".into()), Some("wan2".into()))
    );
    assert_eq!(gw("pcp%eth0.2"), ("pcp", None, Some("eth0.2".into())));
    for bad in [
        "natpmp@",
        "natpmp@router.lan",
        "natpmp@[::1]:5351",
        "pcp@1.2.3.4:x",
        "natpmpx",
        "pcp%",
        "pcp%a/b",
        "pcp%waytoolonginterfacename",
        "upnp@https://192.168.1.1/rootDesc.xml",
        "upnp@",
        "upnpx",
        "command:",
        "command:   ",
    ] {
        assert!(Source::parse(bad).is_err(), "{bad}");
    }
    assert_eq!(Source::parse("upnp"), Ok(Source::Upnp(None)));
    assert_eq!(
        Source::parse("upnp@http://192.168.1.1:5000/rootDesc.xml"),
        Ok(Source::Upnp(Some(
            "http://192.168.1.1:5000/rootDesc.xml".into()
        )))
    );
    assert_eq!(
        Source::parse("command:/usr/bin/wan-ip  --v4 x"),
        Ok(Source::Command(vec![
            "/usr/bin/wan-ip".into(),
            "--v4".into(),
            "x".into()
        ]))
    );
    let many = format!("command:/bin/echo{}", " x".repeat(MAX_ARGS));
    assert!(Source::parse(&many).is_err());
    // Router sources only report IPv4.
    for text in ["natpmp", "pcp@192.168.1.1", "upnp"] {
        let e = Source::parse_for(text, Family::V6).unwrap_err();
        assert!(e.contains("list it in sources"), "{e}");
        assert!(Source::parse_for(text, Family::V4).is_ok());
    }
}

#[test]
fn dns_sources_bind_to_an_interface() {
    match Source::parse("dns:opendns@1.1.1.1:53%wan2") {
        Ok(Source::Dns { server, device, .. }) => {
            assert_eq!(server.map(|s| s.to_string()).as_deref(), Some("1.1.1.1:53"));
            assert_eq!(device.as_deref(), Some("wan2"));
        }
        other => panic!("{other:?}"),
    }
    match Source::parse("dns:cloudflare%wwan0") {
        Ok(Source::Dns { server, device, .. }) => {
            assert_eq!(server, None);
            assert_eq!(device.as_deref(), Some("wwan0"));
        }
        other => panic!("{other:?}"),
    }
    // A web source cannot be bound; percent-encoding in a URL is not a binding.
    let e = Source::parse("https://api.ipify.org%wan2").unwrap_err();
    assert!(e.contains("cannot be bound"), "{e}");
    assert!(Source::parse("https://ip.example/a%20b").is_ok());
    // The interface is part of what makes two sources different.
    let id = |t: &str| Source::parse(t).unwrap().identity(Family::V4);
    assert_ne!(id("dns:opendns%wan"), id("dns:opendns%wan2"));
    assert_ne!(id("natpmp%wan"), id("natpmp%wan2"));
    assert_eq!(id("natpmp@192.168.1.1"), id("natpmp@192.168.1.1:5351"));
    assert_ne!(id("natpmp@192.168.1.1"), id("pcp@192.168.1.1"));
}

#[test]
fn double_nat_is_named() {
    for ip in ["10.0.0.2", "172.20.1.1", "192.168.0.2", "100.64.3.4"] {
        let e = router_address(ip.parse().unwrap()).unwrap_err();
        assert!(e.contains("double NAT"), "{e}");
    }
    let e = router_address("0.0.0.0".parse().unwrap()).unwrap_err();
    assert!(
        !e.contains("double NAT") && e.contains("not a public"),
        "{e}"
    );
    assert!(router_address("81.2.69.160".parse().unwrap()).is_ok());
}
