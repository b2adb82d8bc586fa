//! Cloudflare tests: config checks and the dry-run plan; and the fixtures (PROTOCOLS.md §4.3
//! and §8.4 replies, byte for byte) the other Cloudflare tests share.
use super::*;
use crate::error::Class;

pub(super) const TOKEN: &str = "mytoken";
pub(super) const BASE: &str = "https://api.example/client/v4";
// PROTOCOLS.md §8.4 (ddclient t/protocol_cloudflare.pl) and §4.3, byte for byte.
pub(super) const ZONES_OK: &str =
    r#"{"success":true,"result":[{"id":"zone111","name":"example.com"}]}"#;
pub(super) const RECORDS_OK: &str =
    r#"{"success":true,"result":[{"id":"rec222","name":"host.example.com"}]}"#;
pub(super) const PATCH_OK: &str = r#"{"success":true,"result":{"id":"rec222"}}"#;
pub(super) const EMPTY: &str = r#"{"success":true,"result":[]}"#;
pub(super) const NOT_JSON: &str = "not json at all";
pub(super) const BAD_TOKEN_401: &str =
    r#"{"success":false,"errors":[{"code":9109,"message":"Invalid access token"}]}"#;
pub(super) const BAD_TOKEN_403: &str = r#"{"success":false,"errors":[{"code":9109,"message":"Invalid access token"}],"messages":[],"result":null}"#;
pub(super) const NO_DNS_EDIT_403: &str =
    r#"{"success":false,"errors":[{"code":10000,"message":"Authentication error"}]}"#;
pub(super) const ROUTE_200: &str = r#"{"success":false,"errors":[{"code":7003,"message":"Could not route to /zones"}],"result":null}"#;
pub(super) const ROUTE_400: &str = r#"{"success":false,"errors":[{"code":7003,"message":"Could not route to /client/v4/zones/dns_records/, perhaps your object identifier is invalid?"}],"messages":[]}"#;
pub(super) const EXISTS: &str = r#"{"result":null,"success":false,"errors":[{"code":81057,"message":"Record already exists."}],"messages":[]}"#;
pub(super) const IDENTICAL: &str = r#"{"result":null,"success":false,"errors":[{"code":81058,"message":"An identical record already exists."}],"messages":[]}"#;
pub(super) const GONE: &str = r#"{"result":null,"success":false,"errors":[{"code":81044,"message":"Record does not exist."}],"messages":[]}"#;
pub(super) const RATE: &str = r#"{"success":false,"errors":[{"code":971,"message":"Please wait and consider throttling your request speed"}],"messages":[],"result":null}"#;
pub(super) const V4: &str = "81.2.69.160";
pub(super) const V6: &str = "2a01:4f8:10:20::5";
pub(super) const VERIFY_OK: &str = r#"{"result":{"id":"…","status":"active"},"success":true,"errors":[],"messages":[{"code":10000,"message":"This API Token is valid and active","type":null}]}"#;

pub(super) fn malformed_token() -> String {
    // §4.3: a malformed token, `GET /zones`, HTTP 400.
    r#"{"success":false,"errors":[{"code":6003,"message":"Invalid request headers","error_chain":[{"code":6111,"message":"Invalid format for Authorization header"}]}],"messages":[],"result":null}"#.to_string()
}

pub(super) fn cname_exists() -> String {
    r#"{"result":null,"success":false,"errors":[{"code":81054,"message":"A CNAME record with that host already exists. For more details, refer to <https://developers.cloudflare.com/dns/manage-dns-records/troubleshooting/records-with-same-name/>."}],"messages":[]}"#.to_string()
}

pub(super) fn reply(status: u16, body: &str) -> Reply {
    Reply {
        status,
        headers: vec![],
        body: body.as_bytes().to_vec(),
    }
}

pub(super) fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

pub(super) fn cf(create: Option<NewRecord>) -> Cloudflare {
    Cloudflare {
        base: BASE.to_string(),
        zone: "example.com".to_string(),
        name: "host.example.com".to_string(),
        token: Secret::new(TOKEN.to_string()),
        create,
    }
}

pub(super) fn class(r: Result<impl std::fmt::Debug, Error>) -> Class {
    r.unwrap_err().class()
}

pub(super) fn fail_class(f: Fail) -> Class {
    match f {
        Fail::Gone(e) | Fail::Exists(e) | Fail::Other(e) => e.class(),
        Fail::Identical => panic!("identical is not a failure"),
    }
}

#[test]
fn plan_shows_the_lookups_and_the_patch() {
    let c = cf(None);
    let mut both = Addrs::one(ip("81.2.69.160"));
    both.set(ip("2a01:4f8:10:20::5"));
    let shown: Vec<String> = c.plan(both).iter().map(|p| p.request.redacted()).collect();
    assert_eq!(shown.len(), 5, "{shown:#?}");
    assert!(shown[0].starts_with(&format!("GET {BASE}/zones?name=example.com")));
    assert!(shown[1].starts_with(&format!(
        "GET {BASE}/zones/<zone_id>/dns_records?type=A&name=host.example.com"
    )));
    assert!(shown[2].starts_with(&format!(
        "PATCH {BASE}/zones/<zone_id>/dns_records/<record_id>"
    )));
    assert!(shown[2].ends_with(r#"{"content":"81.2.69.160"}"#));
    assert!(shown[3].contains("type=AAAA"));
    assert!(shown[4].ends_with(r#"{"content":"2a01:4f8:10:20::5"}"#));
    for s in &shown {
        assert!(
            s.contains("Authorization: Bearer ***") && !s.contains(TOKEN),
            "{s}"
        );
    }
    assert!(c.plan(Addrs::default()).is_empty());
}

fn config(record: &str) -> Result<crate::config::Config, Error> {
    let text = format!("[[record]]\nprovider = \"cloudflare\"\n{record}");
    crate::config::parse_config(&text, std::path::Path::new("/etc/ddnsup/config.toml"))
}

fn config_err(record: &str) -> String {
    match config(record) {
        Ok(_) => panic!("accepted:\n{record}"),
        Err(e) => {
            assert_eq!(e.exit_code(), 2, "{e}");
            e.to_string()
        }
    }
}

const GOOD: &str = "zone = \"example.com\"\nname = \"home.example.com\"\ntoken = \"tok\"\n";

#[test]
fn config_minimal_and_full() {
    let c = config(GOOD).unwrap();
    let r = &c.records[0];
    assert_eq!(r.label(), "home.example.com (cloudflare)");
    assert!(r.provider.supports_v6());
    let first = &r.provider.plan(Addrs::one(ip(V4)))[0].request;
    assert_eq!(
        first.wire_url(),
        "https://api.cloudflare.com/client/v4/zones?name=example.com"
    );

    let full = "zone = \"Example.COM.\"\nname = \"*.Example.com\"\ntoken = \"tok\"\ncreate = true\nttl = 300\nproxied = true\nfamily = \"both\"\nserver = \"https://127.0.0.1:8443\"\n";
    let c = config(full).unwrap();
    let r = &c.records[0];
    assert_eq!(r.provider.fqdn(), "*.example.com");
    let first = &r.provider.plan(Addrs::one(ip(V4)))[0].request;
    assert_eq!(
        first.wire_url(),
        "https://127.0.0.1:8443/client/v4/zones?name=example.com"
    );
    // A server with a path is the whole base.
    let c = config(&format!("{GOOD}server = \"https://mock.example/cf/v4/\"\n")).unwrap();
    let first = &c.records[0].provider.plan(Addrs::one(ip(V4)))[0].request;
    assert_eq!(
        first.wire_url(),
        "https://mock.example/cf/v4/zones?name=example.com"
    );
    // The apex is inside its zone.
    assert!(config("zone = \"example.com\"\nname = \"example.com\"\ntoken = \"t\"\n").is_ok());
    assert!(config(&format!("{GOOD}create = true\nttl = 1\n")).is_ok());
    assert!(config(&format!("{GOOD}create = true\nttl = 86400\n")).is_ok());
}

#[test]
fn config_mistakes_name_record_and_key() {
    let e = config_err("zone = \"example.com\"\nname = \"home.example.com\"\n");
    assert!(
        e.contains("record 1 (cloudflare): missing key \"token\" (or \"token_file\")"),
        "{e}"
    );
    let e = config_err("name = \"home.example.com\"\ntoken = \"t\"\n");
    assert!(
        e.contains("record 1 (cloudflare): missing key \"zone\""),
        "{e}"
    );
    let e = config_err("zone = \"example.com\"\ntoken = \"t\"\n");
    assert!(e.contains("missing key \"name\""), "{e}");
    let e = config_err("zone = \"example.com\"\nname = \"home.example.org\"\ntoken = \"t\"\n");
    assert!(
        e.contains("key \"name\"") && e.contains("not inside zone \"example.com\""),
        "{e}"
    );
    let e = config_err("zone = \"example.com\"\nname = \"homeexample.com\"\ntoken = \"t\"\n");
    assert!(e.contains("not inside zone"), "{e}");
    let e = config_err("zone = \"example.com\"\nname = \"home\"\ntoken = \"t\"\n");
    assert!(e.contains("key \"name\""), "{e}");
    let e = config_err(&format!("{GOOD}ttl = 300\n"));
    assert!(
        e.contains("key \"ttl\"") && e.contains("create = true"),
        "{e}"
    );
    let e = config_err(&format!("{GOOD}proxied = true\n"));
    assert!(e.contains("key \"proxied\""), "{e}");
    let e = config_err(&format!("{GOOD}create = true\nttl = 30\n"));
    assert!(e.contains("key \"ttl\"") && e.contains("30"), "{e}");
    let e = config_err(&format!("{GOOD}create = true\nttl = 86401\n"));
    assert!(e.contains("key \"ttl\""), "{e}");
    let e = config_err(&format!("{GOOD}create = \"yes\"\n"));
    assert!(e.contains("key \"create\"") && e.contains("boolean"), "{e}");
    let e = config_err(&format!("{GOOD}proxy = true\n"));
    assert!(e.contains("unknown key \"proxy\""), "{e}");
    let e = config_err(&format!("{GOOD}server = \"http://api.example\"\n"));
    assert!(e.contains("key \"server\""), "{e}");
    let e = config_err("zone = \"example.com\"\nname = \"home.example.com\"\ntoken = \"a b\"\n");
    assert!(e.contains("key \"token\"") && !e.contains("a b"), "{e}");
    let e = config_err("zone = \"münchen.de\"\nname = \"home.münchen.de\"\ntoken = \"t\"\n");
    assert!(e.contains("xn--"), "{e}");
    let e = config_err("zone = \"ex ample.com\"\nname = \"home.example.com\"\ntoken = \"t\"\n");
    assert!(e.contains("key \"zone\""), "{e}");
    let e = config_err("zone = \"example.com\"\nname = \"a.*.example.com\"\ntoken = \"t\"\n");
    assert!(e.contains("key \"name\""), "{e}");
}

#[test]
fn dns_names() {
    assert_eq!(
        names::parse_dns_name("Home.Example.com."),
        Ok("home.example.com".to_string())
    );
    assert_eq!(
        names::parse_record_name("*.example.com"),
        Ok("*.example.com".to_string())
    );
    assert!(names::parse_dns_name("*.example.com").is_err());
    assert!(names::parse_dns_name("a..example.com").is_err());
    assert!(names::parse_dns_name("com").is_err());
    assert!(names::parse_dns_name(&format!("{}.com", "a".repeat(64))).is_err());
    assert!(names::parse_dns_name("a/b.example.com").is_err());
    assert!(valid_id("023e105f4ecef8ad9ca31a8372d0c353"));
    assert!(!valid_id(""));
    assert!(!valid_id("a/b"));
    assert!(!valid_id("<zone_id>"));
    assert!(!valid_id(&"a".repeat(65)));
}
