//! Tests for freedns.rs.
use super::*;
use crate::error::Class;
use crate::provider::testutil::{config, config_err, ip, reply};

const LO: &str = "127.0.0.1";

#[test]
fn updated_and_no_change() {
    let r = reply(
        200,
        "Updated 1 host(s) foo.example.com to 127.0.0.1 in 0.178 seconds",
    );
    assert_eq!(parse_reply(&r, ip(LO)), Ok(Success::Updated));
    let r = reply(
        200,
        "updated 2 HOST(S) foo.example.com to 127.0.0.1 in 0.2 seconds\n",
    );
    assert_eq!(parse_reply(&r, ip(LO)), Ok(Success::Updated));
    let r = reply(
        200,
        "No IP change detected for foo.example.com with IP 127.0.0.1, skipping update\n",
    );
    assert_eq!(parse_reply(&r, ip(LO)), Ok(Success::NoChange));
    let r = reply(200, "ERROR: Address 1.2.3.4 has not changed.");
    assert_eq!(parse_reply(&r, ip("1.2.3.4")), Ok(Success::NoChange));
    let v6 = "2a01:4f8:10:20::5";
    let r = reply(
        200,
        &format!("No IP change detected for foo.example.com with IP {v6}, skipping update"),
    );
    assert_eq!(parse_reply(&r, ip(v6)), Ok(Success::NoChange));
    let r = reply(
        200,
        &format!("Updated 1 host(s) foo.example.com to {v6} in 0.1 seconds"),
    );
    assert_eq!(parse_reply(&r, ip(v6)), Ok(Success::Updated));
}

#[test]
fn another_address_in_the_answer_is_a_failure() {
    for body in [
        "Updated 1 host(s) foo.example.com to 198.51.100.9 in 0.178 seconds",
        "No IP change detected for foo.example.com with IP 198.51.100.9, skipping update",
        "ERROR: Address 198.51.100.9 has not changed.",
    ] {
        let e = parse_reply(&reply(200, body), ip(LO)).unwrap_err();
        assert_eq!(e.class(), Class::Transient, "{body:?}");
        assert!(e.to_string().contains("198.51.100.9"), "{e}");
    }
}

#[test]
fn refusals_are_fatal() {
    for body in [
        "Failed authenticating to fetch API keys",
        "ERROR: Unable to locate this record",
        "ERROR: Invalid update URL (2)",
        "error: something else",
        "ERROR: Address 1.2.3.4 is not valid.",
        "ERROR: Address",
        "ERROR:",
    ] {
        let e = parse_reply(&reply(200, body), ip(LO)).unwrap_err();
        assert_eq!(e.class(), Class::Fatal, "{body:?}");
    }
    let e = parse_reply(&reply(401, "Failed authenticating"), ip(LO)).unwrap_err();
    assert_eq!(e.class(), Class::Fatal);
}

#[test]
fn garbage_and_server_trouble_are_transient() {
    for (status, body) in [
        (200, ""),
        (200, "OK"),
        (200, "<html>Updated 1 host(s) x to 127.0.0.1</html>"),
        (200, "The host was Updated 1 host(s)"),
        (200, "Updated"),
        (200, "Updated one host(s) x to 127.0.0.1 in 1 seconds"),
        (200, "Updated 0 host(s) in 0.01 seconds"),
        (200, "No IP change"),
        (200, "ERROR Address 127.0.0.1 has not changed."),
        (500, "ERROR: database down"),
        (502, "<html>Bad Gateway</html>"),
        (503, "Updated 1 host(s) x to 127.0.0.1 in 1 seconds"),
        (404, "Not Found"),
        (201, "Updated 1 host(s) x to 127.0.0.1 in 1 seconds"),
    ] {
        let e = parse_reply(&reply(status, body), ip(LO)).unwrap_err();
        assert_eq!(e.class(), Class::Transient, "{status} {body:?}");
    }
}

#[test]
fn the_token_is_a_hidden_path_segment() {
    let r = build_request("https://sync.afraid.org/u", "AbC/dEf", ip("81.2.69.160"));
    assert_eq!(
        r.wire_url(),
        "https://sync.afraid.org/u/AbC%2FdEf/?address=81.2.69.160"
    );
    assert_eq!(
        r.redacted(),
        "GET https://sync.afraid.org/u/***/?address=81.2.69.160"
    );
    let r = build_request(
        "https://v6.sync.afraid.org/u",
        "t6",
        ip("2a01:4f8:10:20::5"),
    );
    assert_eq!(
        r.wire_url(),
        "https://v6.sync.afraid.org/u/t6/?address=2a01%3A4f8%3A10%3A20%3A%3A5"
    );
}

#[test]
fn one_request_per_family_each_with_its_token() {
    let p = FreeDns {
        hostname: "myhome.mooo.com".into(),
        v4: Some(Target {
            endpoint: "https://sync.afraid.org/u".into(),
            token: Secret::new("four".into()),
        }),
        v6: Some(Target {
            endpoint: "https://v6.sync.afraid.org/u".into(),
            token: Secret::new("six".into()),
        }),
    };
    let mut both = Addrs::one(ip("81.2.69.160"));
    both.set(ip("2a01:4f8:10:20::5"));
    let plans = p.plan(both);
    assert_eq!(plans.len(), 2);
    assert!(
        plans[0]
            .request
            .wire_url()
            .starts_with("https://sync.afraid.org/u/four/?")
    );
    assert_eq!(plans[0].sets, Addrs::one(ip("81.2.69.160")));
    assert!(
        plans[1]
            .request
            .wire_url()
            .starts_with("https://v6.sync.afraid.org/u/six/?")
    );
    assert_eq!(plans[1].sets, Addrs::one(ip("2a01:4f8:10:20::5")));
    assert_eq!(p.plan(Addrs::default()).len(), 0);
}

#[test]
fn join_adds_the_path_only_to_a_bare_server() {
    assert_eq!(
        endpoint_url("https://h.example/", "/u"),
        "https://h.example/u"
    );
    assert_eq!(
        endpoint_url("https://h.example/x/u", "/u"),
        "https://h.example/x/u"
    );
}

#[test]
fn a_whole_url_as_token_says_where_the_token_is() {
    let rec = |keys: &str| format!("hostname = \"myhome.mooo.com\"\n{keys}");
    for (keys, key) in [
        (
            "token = \"https://sync.afraid.org/u/Fr33dnsT0ken/\"\n",
            "token",
        ),
        ("token = \"sync.afraid.org/u/Fr33dnsT0ken\"\n", "token"),
        (
            "token = \"https://freedns.afraid.org/dynamic/update.php?Zm9vYmFy\"\n",
            "token",
        ),
        (
            "family = \"ipv6\"\ntoken6 = \"https://v6.sync.afraid.org/u/Fr33dnsT0ken6/\"\n",
            "token6",
        ),
    ] {
        let e = config_err("freedns", &rec(keys));
        assert!(
            e.contains(&format!("record 1 (freedns): key \"{key}\": holds a URL")),
            "{e}"
        );
        assert!(e.contains("give only TOKEN, the part after /u/"), "{e}");
        assert!(
            !e.contains("Fr33dnsT0ken") && !e.contains("Zm9vYmFy"),
            "{e}"
        );
    }
    let e = config_err("freedns", &rec("token = \"two words\"\n"));
    assert!(e.contains("key \"token\": must be one word"), "{e}");
    assert!(config("freedns", &rec("token = \"Fr33dnsT0ken\"\n")).is_ok());
}

#[test]
fn config_keys() {
    let rec = |extra: &str| format!("hostname = \"myhome.mooo.com\"\n{extra}");
    let c = config("freedns", &rec("token = \"four\"\n")).unwrap();
    let r = &c.records[0];
    assert_eq!(r.label(), "myhome.mooo.com (freedns)");
    let req = &r.provider.plan(Addrs::one(ip("81.2.69.160")))[0].request;
    assert_eq!(
        req.wire_url(),
        "https://sync.afraid.org/u/four/?address=81.2.69.160"
    );

    let c = config(
        "freedns",
        &rec("family = \"both\"\ntoken = \"four\"\ntoken6 = \"six\"\n"),
    )
    .unwrap();
    let req = &c.records[0]
        .provider
        .plan(Addrs::one(ip("2a01:4f8:10:20::5")))[0]
        .request;
    assert!(
        req.wire_url()
            .starts_with("https://v6.sync.afraid.org/u/six/?address=")
    );
    let c = config(
        "freedns",
        &rec("family = \"ipv6\"\ntoken6 = \"six\"\nserver6 = \"https://v6.example\"\n"),
    )
    .unwrap();
    let req = &c.records[0]
        .provider
        .plan(Addrs::one(ip("2a01:4f8:10:20::5")))[0]
        .request;
    assert!(
        req.wire_url()
            .starts_with("https://v6.example/u/six/?address=")
    );

    let e = config_err("freedns", &rec("family = \"both\"\ntoken = \"four\"\n"));
    assert!(
        e.contains("record 1 (freedns): missing key \"token6\" (or \"token6_file\")"),
        "{e}"
    );
    let e = config_err("freedns", &rec(""));
    assert!(
        e.contains("record 1 (freedns): missing key \"token\" (or \"token_file\")"),
        "{e}"
    );
    let e = config_err("freedns", &rec("token = \"four\"\ntoken6 = \"six\"\n"));
    assert!(
        e.contains("key \"token6\": the AAAA record's; needs family"),
        "{e}"
    );
    let e = config_err(
        "freedns",
        &rec("token = \"four\"\nserver6 = \"https://v6.example\"\n"),
    );
    assert!(e.contains("key \"server6\""), "{e}");
    let e = config_err(
        "freedns",
        &rec("family = \"ipv6\"\ntoken = \"four\"\ntoken6 = \"six\"\n"),
    );
    assert!(
        e.contains("key \"token\": with family = \"ipv6\" only token6"),
        "{e}"
    );
    let e = config_err(
        "freedns",
        &rec(
            "family = \"both\"\ntoken = \"four\"\ntoken6 = \"six\"\nserver6 = \"http://v6.example\"\n",
        ),
    );
    assert!(
        e.contains("key \"server6\": plain http:// is refused"),
        "{e}"
    );
    let e = config_err("freedns", "token = \"four\"\n");
    assert!(e.contains("missing key \"hostname\""), "{e}");
}
