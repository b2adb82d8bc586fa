//! Tests for custom.rs: requests from templates, config errors, and the word rule.
use super::*;
use crate::error::Class;
use crate::provider::testutil::{body, config, config_err, reply};

fn provider(keys: &str) -> Box<dyn Provider> {
    let mut cfg = config("custom", keys).unwrap_or_else(|e| panic!("{e}"));
    cfg.records.remove(0).provider
}

fn v4() -> Addrs {
    Addrs::one("192.0.2.1".parse().unwrap())
}

fn v6() -> Addrs {
    Addrs::one("2001:db8::1".parse().unwrap())
}

fn both() -> Addrs {
    Addrs {
        v6: v6().v6,
        ..v4()
    }
}

fn urls(p: &dyn Provider, a: Addrs) -> Vec<String> {
    p.plan(a).iter().map(|x| x.request.wire_url()).collect()
}

#[test]
fn get_with_query_placeholders_one_request_per_family() {
    let p = provider(
        "url = \"https://u.example/up?h={hostname}&ip={ip}&a={ip4}&b={ip6}&k={token}\"\nhostname = \"home.example.org\"\ntoken = \"a&b c\"\nfamily = \"both\"\n",
    );
    assert_eq!(p.fqdn(), "home.example.org");
    assert_eq!(
        urls(&*p, both()),
        [
            "https://u.example/up?h=home.example.org&ip=192.0.2.1&a=192.0.2.1&b=&k=a%26b%20c",
            "https://u.example/up?h=home.example.org&ip=2001%3Adb8%3A%3A1&a=&b=2001%3Adb8%3A%3A1&k=a%26b%20c",
        ]
    );
    let plan = p.plan(v4());
    let shown = plan[0].request.redacted();
    assert!(
        !shown.contains("a%26b") && shown.contains("k=***"),
        "{shown}"
    );
    assert_eq!(plan[0].request.method, Method::Get);
}

#[test]
fn url6_and_together() {
    let p = provider(
        "url = \"https://4.example/u\"\nurl6 = \"https://6.example/u?ip={ip}\"\nfamily = \"both\"\n",
    );
    assert_eq!(
        urls(&*p, v6()),
        ["https://6.example/u?ip=2001%3Adb8%3A%3A1"]
    );
    assert_eq!(urls(&*p, v4()), ["https://4.example/u"]);
    assert_eq!(p.fqdn(), "4.example");
    // {ip4}/{ip6} without {ip} and without url6: both in one request.
    let p = provider("url = \"https://x.example/u?a={ip4}&b={ip6}\"\nfamily = \"both\"\n");
    let plan = p.plan(both());
    assert_eq!(plan.len(), 1);
    assert_eq!(plan[0].sets, both());
    assert_eq!(
        plan[0].request.wire_url(),
        "https://x.example/u?a=192.0.2.1&b=2001%3Adb8%3A%3A1"
    );
    assert_eq!(
        urls(&*p, v6()),
        ["https://x.example/u?a=&b=2001%3Adb8%3A%3A1"]
    );
}

#[test]
fn post_json_body_headers_and_basic() {
    let p = provider(concat!(
        "url = \"https://api.example/v1/dns/{token}\"\nmethod = \"post\"\n",
        "body = '{\"name\": \"{hostname}\", \"content\": \"{ip}\", \"pw\": \"{password}\"}'\n",
        "headers = { \"X-Api-Key\" = \"{token}\", Accept = \"application/json\" }\n",
        "hostname = 'we\"ird'\ntoken = \"t0k\"\nusername = \"me\"\npassword = 'p\"w'\n",
    ));
    let plan = p.plan(v4());
    let r = &plan[0].request;
    assert_eq!(r.method, Method::Post);
    assert_eq!(r.wire_url(), "https://api.example/v1/dns/t0k");
    assert_eq!(
        body(r),
        r#"{"name": "we\"ird", "content": "192.0.2.1", "pw": "p\"w"}"#
    );
    let h: Vec<(&str, &str, bool)> = r
        .headers
        .iter()
        .map(|h| (h.name.as_str(), h.value.as_str(), h.secret))
        .collect();
    // {password} is placed in the body, so no Basic auth.
    assert_eq!(
        h,
        [
            ("X-Api-Key", "t0k", true),
            ("Accept", "application/json", false),
            ("Content-Type", "application/json", false),
        ]
    );
    let shown = r.redacted();
    assert!(
        !shown.contains("t0k") && !shown.contains("p\\\"w"),
        "{shown}"
    );
    // username + password not placed: HTTP Basic.
    let p = provider("url = \"https://x.example/\"\nusername = \"me\"\npassword = \"pw\"\n");
    let r = &p.plan(v4())[0].request;
    assert_eq!(r.headers[0].name, "Authorization");
    assert_eq!(r.headers[0].value, "Basic bWU6cHc=");
}

#[test]
fn config_errors_name_the_key() {
    for (keys, want) in [
        (
            "url = \"https://x.example/?a={ipv4}\"\n",
            "unknown placeholder {ipv4} (known: {ip}, {ip4}",
        ),
        ("url = \"http://x.example/\"\n", "allow_http"),
        (
            "url = \"https://{hostname}/\"\nhostname = \"a.b\"\n",
            "scheme and host",
        ),
        (
            "url = \"https://x.example/{token}\"\n",
            "key \"token\": is missing, and a template uses {token}",
        ),
        (
            "url = \"https://x.example/\"\nbody = \"a\"\n",
            "key \"body\"",
        ),
        (
            "url = \"https://x.example/\"\nmethod = \"DELETE\"\n",
            "key \"method\"",
        ),
        (
            "url = \"https://x.example/\"\npassword = \"p\"\n",
            "missing key \"username\"",
        ),
        (
            "url = \"https://x.example/\"\nheaders = { \"a b\" = \"c\" }\n",
            "headers.a b",
        ),
        (
            "url = \"https://x.example/\"\nheaders = { X = \"{token}\" }\ntoken = \"a\\nb\"\n",
            "line break",
        ),
        (
            "url = \"https://x.example/\"\nreply = \"json\"\n",
            "key \"reply\"",
        ),
        (
            "url = \"https://x.example/\"\nreply = \"dyndns2\"\nsuccess = [\"ok\"]\n",
            "key \"reply\"",
        ),
        (
            "url = \"https://x.example/\"\nsuccess = [\"ok\", 1]\n",
            "key \"success\"",
        ),
        (
            "url = \"https://x.example/\"\nsuccess = [\" \"]\n",
            "empty word",
        ),
        ("hostname = \"a.b\"\n", "missing key \"url\""),
    ] {
        let e = config_err("custom", keys);
        assert!(e.contains(want), "{keys}: {e}");
    }
    assert!(
        provider("url = \"http://x.example/\"\nallow_http = true\n")
            .plan(v4())
            .len()
            == 1
    );
}

fn words(success: &[&str], failure: &[&str]) -> Rule {
    let own = |l: &[&str]| l.iter().map(|s| s.to_string()).collect();
    Rule::Words {
        success: own(success),
        failure: own(failure),
    }
}

#[test]
fn the_word_rule() {
    let rule = words(&["good", "nochg"], &["badauth", "nohost"]);
    let ip = ["192.0.2.1".parse().unwrap()];
    let check = |status, text: &str| parse_reply(&rule, &reply(status, text), &ip);
    for ok in [
        "good",
        "GOOD 192.0.2.1",
        "\n  nochg\r\n",
        "good,1",
        "nochg\nbadauth",
    ] {
        assert_eq!(check(200, ok), Ok(Success::Updated), "{ok:?}");
    }
    for (status, text, class) in [
        (200, "goodbye", Class::Transient),
        (200, "", Class::Transient),
        (200, "it was good", Class::Transient),
        (200, "BadAuth", Class::Fatal),
        (500, "badauth", Class::Fatal),
        (500, "good", Class::Transient),
        (401, "good", Class::Fatal),
        (204, "", Class::Transient),
    ] {
        assert_eq!(
            check(status, text).map_err(|e| e.class()),
            Err(class),
            "{status} {text:?}"
        );
    }
    // Failure words alone: the status decides the rest.
    let only_failure = words(&[], &["error"]);
    assert_eq!(
        parse_reply(&only_failure, &reply(200, "fine"), &ip),
        Ok(Success::Updated)
    );
    assert!(parse_reply(&only_failure, &reply(200, "Error: x"), &ip).is_err());
    // Status alone, and the dyndns2 codes.
    assert_eq!(
        parse_reply(&Rule::Status, &reply(204, ""), &ip),
        Ok(Success::Updated)
    );
    let busy = parse_reply(&Rule::Status, &reply(503, ""), &ip).unwrap_err();
    assert_eq!(busy.class(), Class::Transient);
    assert_eq!(
        parse_reply(&Rule::Dyndns2, &reply(200, "nochg 192.0.2.1"), &ip),
        Ok(Success::NoChange)
    );
    let e = parse_reply(&Rule::Dyndns2, &reply(200, "badauth"), &ip).unwrap_err();
    assert_eq!(e.class(), Class::Fatal);
}

#[test]
fn the_rule_comes_from_the_keys() {
    let rule = |extra: &str| {
        let cfg = config("custom", &format!("url = \"https://x.example/\"\n{extra}")).unwrap();
        let p = &cfg.records[0].provider;
        p.parse_reply(&reply(200, "good"), v4())
            .map_err(|e| e.class())
    };
    assert_eq!(rule(""), Ok(Success::Updated));
    assert_eq!(rule("success = [\"ok\"]\n"), Err(Class::Transient));
    assert_eq!(rule("failure = [\"good\"]\n"), Err(Class::Fatal));
    assert_eq!(rule("reply = \"dyndns2\"\n"), Ok(Success::Updated));
}
