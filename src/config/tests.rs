//! Config validation tests: every mistake names the record and the key.
use super::*;
use crate::http::Request;
use crate::provider::Addrs;

fn first_request(r: &Record) -> Request {
    let ip: std::net::IpAddr = "81.2.69.160".parse().unwrap();
    r.provider.plan(Addrs::one(ip))[0].request.clone()
}

fn urls(sources: &[Source]) -> Vec<String> {
    sources.iter().map(|s| format!("{s:?}")).collect()
}

fn parse(text: &str) -> Result<Config, Error> {
    parse_config(text, Path::new("/etc/ddnsup/config.toml"))
}

fn err(text: &str) -> String {
    match parse(text) {
        Ok(_) => panic!("accepted:\n{text}"),
        Err(e) => {
            assert_eq!(e.exit_code(), 2, "{e}");
            e.to_string()
        }
    }
}

const NAMECHEAP: &str = "[[record]]\nprovider = \"namecheap\"\nhost = \"home\"\ndomain = \"example.com\"\npassword = \"0123456789abcdef0123456789abcdef\"\n";

const FULL: &str = r#"
state_file = "/var/lib/ddnsup/state.json"
timeout = 7
refresh_days = 10

[ip]
sources = ["https://ip.example/a", "http://ip.example/b"]

[[record]]
provider = "namecheap"
host = "@"
domain = "example.com"
password = "secret-nc"

[[record]]
provider = "dyndns2"
server = "https://members.dyndns.org"
hostname = "home.example.org"
username = "me"
password = 'p@ss"w\rd'

[[record]]
provider = "duckdns"
domain = "myhome.duckdns.org"
token = "tok"

[[record]]
provider = "he"
hostname = "he.example.net"
password = "key"
"#;

#[test]
fn full_example() {
    let c = parse(FULL).unwrap();
    assert_eq!(c.state_file, PathBuf::from("/var/lib/ddnsup/state.json"));
    assert_eq!((c.timeout_secs, c.refresh_secs), (7, 10 * 86_400));
    assert_eq!(
        urls(&c.sources.v4),
        vec![
            r#"Web("https://ip.example/a")"#,
            r#"Web("http://ip.example/b")"#
        ]
    );
    assert_eq!(c.sources.v6.len(), DEFAULT_SOURCES_V6.len());
    assert_eq!(c.sources.agree, 1);
    let labels: Vec<String> = c.records.iter().map(Record::label).collect();
    assert_eq!(
        labels,
        vec![
            "example.com (namecheap)",
            "home.example.org (dyndns2)",
            "myhome.duckdns.org (duckdns)",
            "he.example.net (he)"
        ]
    );
    assert_eq!(c.records[1].index, 2);
    assert_eq!(c.records[0].key(Family::V4), "namecheap example.com A");
    assert_eq!(c.records[0].families, vec![Family::V4]);
    let plan = [first_request(&c.records[1])];
    assert_eq!(plan[0].url, "https://members.dyndns.org/nic/update");
    let auth = &plan[0].headers[0].value;
    assert_eq!(
        auth,
        &format!("Basic {}", crate::http::base64(br#"me:p@ss"w\rd"#))
    );
    // HE logs in with the hostname itself.
    let plan = [first_request(&c.records[3])];
    assert_eq!(
        plan[0].headers[0].value,
        format!("Basic {}", crate::http::base64(b"he.example.net:key"))
    );
}

#[test]
fn defaults() {
    let c = parse(NAMECHEAP).unwrap();
    assert_eq!(c.state_file, PathBuf::from("/etc/ddnsup/state.json"));
    assert_eq!(c.timeout_secs, DEFAULT_TIMEOUT_SECS);
    assert_eq!(c.refresh_secs, 25 * 86_400);
    assert_eq!(c.sources.v4.len(), DEFAULT_SOURCES_V4.len());
    assert!(c.ca_file.is_none());
    let plan = [first_request(&c.records[0])];
    assert_eq!(
        plan[0].url,
        "https://dynamicdns.park-your-domain.com/update"
    );
}

#[test]
fn mistakes_name_the_record_and_key() {
    let typo = FULL.replace("username = \"me\"", "username = \"me\"\npasword = \"x\"");
    let e = err(&typo);
    assert!(
        e.contains("record 2 (dyndns2): unknown key \"pasword\""),
        "{e}"
    );
    assert!(e.contains("did you mean \"password\""), "{e}");
    let cases = [
        (NAMECHEAP.replace("host = \"home\"\n", ""), "record 1 (namecheap): missing key \"host\""),
        (NAMECHEAP.replace("\"home\"", "3"), "record 1 (namecheap): key \"host\": must be a string, not an integer"),
        (NAMECHEAP.replace("namecheap", "namechep"), "record 1 (namechep): unknown provider \"namechep\" (did you mean \"namecheap\"?)"),
        (NAMECHEAP.replace("provider = \"namecheap\"\n", ""), "record 1: missing key \"provider\""),
        (format!("timeout = 0\n{NAMECHEAP}"), "key \"timeout\": 0 is out of range"),
        (format!("timeout = \"10\"\n{NAMECHEAP}"), "key \"timeout\": must be a whole number"),
        (format!("colour = true\n{NAMECHEAP}"), "top level: unknown key \"colour\""),
        (format!("[ip]\nsource = []\n{NAMECHEAP}"), "[ip]: unknown key \"source\""),
        (format!("[ip]\nsources = []\n{NAMECHEAP}"), "[ip]: key \"sources\": must name at least one source"),
        (format!("[ip]\nsources = [\"ftp://x\"]\n{NAMECHEAP}"), "not an http(s):// URL"),
        (format!("{NAMECHEAP}server = \"http://plain.example\"\n"), "plain http:// is refused"),
        (format!("{NAMECHEAP}server = \"https://u:p@x.example\"\n"), "holds credentials"),
        (format!("{NAMECHEAP}password_file = \"/x\"\n"), "set either password or password_file"),
        (NAMECHEAP.replace("password = \"0123456789abcdef0123456789abcdef\"\n", ""), "missing key \"password\" (or \"password_file\")"),
        (NAMECHEAP.replace("\"home\"", "\"home.example.com\""), "give only the label"),
        (format!("{NAMECHEAP}{NAMECHEAP}"), "record 2 (namecheap): updates the same name as record 1"),
        ("timeout = 5\n".to_string(), "no [[record]]"),
        ("[record]\nprovider = \"duckdns\"\n".to_string(), "[[record]]"),
        ("timeout = = 5\n".to_string(), "line 1"),
        ("[[record]]\nprovider = \"dyndns2\"\nhostname = \"h.example\"\nusername = \"u\"\npassword = \"p\"\n".to_string(), "record 1 (dyndns2): missing key \"server\""),
        ("[[record]]\nprovider = \"noip\"\nhostname = \"h.example\"\npassword = \"p\"\n".to_string(), "record 1 (noip): missing key \"username\""),
        ("[[record]]\nprovider = \"duckdns\"\ndomain = \"a,b\"\ntoken = \"t\"\n".to_string(), "one DuckDNS sub-name"),
        ("[[record]]\nprovider = \"duckdns\"\ndomain = \"a\"\ntoken = \"\"\n".to_string(), "key \"token\": must not be empty"),
        ("[[record]]\nprovider = \"duckdns\"\ndomain = \"a\"\ntoken = \"t\"\nallow_http = \"yes\"\n".to_string(), "key \"allow_http\": must be a boolean"),
    ];
    for (text, want) in cases {
        let e = err(&text);
        assert!(e.contains(want), "wanted {want:?} in {e:?}");
        assert!(e.contains("/etc/ddnsup/config.toml"), "{e}");
    }
}

#[test]
fn http_allowed_only_where_asked() {
    let c = parse(&format!(
        "{NAMECHEAP}server = \"http://127.0.0.1:8080\"\nallow_http = true\n"
    ))
    .unwrap();
    let plan = [first_request(&c.records[0])];
    assert_eq!(plan[0].url, "http://127.0.0.1:8080/update");
    // A server URL with a path is used as the full endpoint.
    let c = parse(&format!(
        "{NAMECHEAP}server = \"https://nc.example/custom/\"\n"
    ))
    .unwrap();
    let plan = [first_request(&c.records[0])];
    assert_eq!(plan[0].url, "https://nc.example/custom");
}

#[test]
fn secrets_from_files_and_fingerprints() {
    let dir = std::env::temp_dir().join(format!("ddnsup-config-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("nc.secret"), "from-file\n").unwrap();
    let text = NAMECHEAP.replace(
        "password = \"0123456789abcdef0123456789abcdef\"",
        "password_file = \"nc.secret\"",
    );
    let c = parse_config(&text, &dir.join("config.toml")).unwrap();
    let plan = [first_request(&c.records[0])];
    assert!(plan[0].wire_url().contains("password=from-file&"));
    let fp1 = c.records[0].fingerprint.clone();
    std::fs::write(dir.join("nc.secret"), "changed\n").unwrap();
    let c = parse_config(&text, &dir.join("config.toml")).unwrap();
    assert_ne!(
        c.records[0].fingerprint, fp1,
        "a new secret must count as a config change"
    );
    let missing = text.replace("nc.secret", "absent.secret");
    let Err(e) = parse_config(&missing, &dir.join("config.toml")) else {
        panic!("accepted")
    };
    let e = e.to_string();
    assert!(e.contains("key \"password_file\": cannot read"), "{e}");
    std::fs::remove_dir_all(&dir).unwrap();

    let a = parse(NAMECHEAP).unwrap().records[0].fingerprint.clone();
    let b = parse(&NAMECHEAP.replace("0123", "4567")).unwrap().records[0]
        .fingerprint
        .clone();
    let same = parse(&format!("timeout = 9\n{NAMECHEAP}")).unwrap().records[0]
        .fingerprint
        .clone();
    assert_ne!(a, b);
    assert_eq!(
        a, same,
        "top-level settings are not part of a record's fingerprint"
    );
}

#[test]
fn debug_output_never_shows_secrets() {
    let s = crate::fields::Secret::new("hunter2".to_string());
    assert_eq!(format!("{s:?}"), "***");
    let c = parse(FULL).unwrap();
    for r in &c.records {
        for planned in r.provider.plan(Addrs::one("81.2.69.160".parse().unwrap())) {
            let shown = format!("{:?}", planned.request);
            for secret in ["secret-nc", "p@ss", "tok", "key"] {
                assert!(!shown.contains(&format!("={secret}")), "{shown}");
            }
        }
    }
}

#[test]
fn families_and_host_ids() {
    let duck = "[[record]]\nprovider = \"duckdns\"\ndomain = \"d\"\ntoken = \"t\"\n";
    let c = parse(&format!(
        "{duck}family = \"both\"\nipv6_host_id = \"::1234\"\n"
    ))
    .unwrap();
    assert_eq!(c.records[0].families, vec![Family::V4, Family::V6]);
    assert_eq!(c.records[0].host_id, Some(0x1234));
    assert_eq!(c.records[0].key(Family::V6), "duckdns d.duckdns.org AAAA");
    let c = parse(&format!("{duck}family = \"ipv6\"\n")).unwrap();
    assert_eq!(c.records[0].families, vec![Family::V6]);
    let cases = [
        (format!("{NAMECHEAP}family = \"ipv6\"\n"), "record 1 (namecheap): key \"family\": namecheap cannot update IPv6 (AAAA) records"),
        (format!("{NAMECHEAP}family = \"both\"\n"), "cannot update IPv6"),
        (format!("{duck}family = \"v6\"\n"), "key \"family\": \"v6\" is not one of ipv4, ipv6, both"),
        (format!("{duck}ipv6_host_id = \"::1\"\n"), "key \"ipv6_host_id\": needs family"),
        (format!("{duck}family = \"ipv6\"\nipv6_host_id = \"nas\"\n"), "key \"ipv6_host_id\": \"nas\" is neither"),
        ("[[record]]\nprovider = \"oray\"\nhostname = \"h.example\"\nusername = \"u\"\npassword = \"p\"\nfamily = \"both\"\n".to_string(), "oray cannot update IPv6"),
        (format!("[ip]\nagree = 3\n{duck}"), "[ip]: key \"sources6\": lists fewer than agree = 3"),
        (format!("[ip]\nsources6 = [\"ftp://x\"]\n{duck}"), "[ip]: key \"sources6\""),
    ];
    for (text, want) in cases {
        let e = err(&text);
        assert!(e.contains(want), "wanted {want:?} in {e:?}");
    }
    // The same name twice is fine when the families differ.
    let two = format!("{duck}family = \"ipv4\"\n{duck}family = \"ipv6\"\n");
    assert_eq!(parse(&two).unwrap().records.len(), 2);
    assert!(err(&format!("{duck}{duck}family = \"both\"\n")).contains("updates the same name"));
}

#[test]
fn edit_distance_works() {
    assert_eq!(edit_distance("password", "pasword"), 1);
    assert_eq!(edit_distance("host", "hostname"), 4);
    assert_eq!(edit_distance("", "abc"), 3);
}

/// A key that counts the equality comparisons it takes part in (in `COMPARED`).
struct Counted(String);

impl std::hash::Hash for Counted {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        self.0.hash(h);
    }
}

impl PartialEq for Counted {
    fn eq(&self, other: &Self) -> bool {
        COMPARED.with(|n| n.set(n.get() + 1));
        self.0 == other.0
    }
}
impl Eq for Counted {}

#[test]
fn claiming_names_is_linear() {
    COMPARED.with(|n| n.set(0));
    let mut claimed = HashMap::new();
    let n = 10_000;
    for i in 0..n {
        let key = Counted(format!("namecheap h{i}.example.com A"));
        assert_eq!(claim(&mut claimed, key, i + 1), None);
    }
    let again = Counted("namecheap h7.example.com A".to_string());
    assert_eq!(claim(&mut claimed, again, n + 1), Some(8));
    // Comparing each key with every earlier one would take n * (n - 1) / 2 ≈ 50 million.
    let compared = COMPARED.with(|n| n.get());
    assert!(compared <= n, "{compared} comparisons");
}

thread_local! {
    static COMPARED: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
    /// How many state keys `Record::key` built on this thread.
    pub static KEYS_MADE: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

fn many_records(n: usize) -> String {
    let mut text = String::new();
    for i in 0..n {
        text.push_str(&format!(
            "[[record]]\nprovider = \"duckdns\"\ndomain = \"h{i}\"\ntoken = \"t\"\nfamily = \"both\"\n"
        ));
    }
    text
}

#[test]
fn duplicate_check_builds_one_key_per_record_and_family() {
    let n = 2_000;
    KEYS_MADE.with(|k| k.set(0));
    let c = parse(&many_records(n)).unwrap();
    assert_eq!(c.records.len(), n);
    let made = KEYS_MADE.with(|k| k.get());
    // Two families each; comparing with every earlier record would build millions.
    assert!(made <= 2 * n, "{made} keys for {n} records");
    // The last record repeating the first is still found, naming it.
    let text = format!("{}{}", many_records(n), many_records(1));
    let e = err(&text);
    assert!(
        e.contains(&format!(
            "record {} (duckdns): updates the same name as record 1",
            n + 1
        )),
        "{e}"
    );
}

#[test]
fn names_differing_in_case_are_duplicates() {
    let upper = NAMECHEAP
        .replace("\"home\"", "\"HOME\"")
        .replace("\"example.com\"", "\"Example.COM\"");
    let e = err(&format!("{NAMECHEAP}{upper}"));
    assert!(
        e.contains("record 2 (namecheap): updates the same name as record 1"),
        "{e}"
    );
    let dyn1 = "[[record]]\nprovider = \"dyn\"\nhostname = \"home.example.org\"\nusername = \"u\"\npassword = \"p\"\n";
    let e = err(&format!(
        "{dyn1}{}",
        dyn1.replace("home.example.org", "Home.Example.ORG.")
    ));
    assert!(e.contains("updates the same name as record 1"), "{e}");
}

#[test]
fn agreeing_sources_must_be_distinct() {
    let duck = "[[record]]\nprovider = \"duckdns\"\ndomain = \"d\"\ntoken = \"t\"\n";
    for (ip, key) in [
        (
            "agree = 2\nsources = [\"https://ip.example/a\", \"https://IP.example/a/\"]",
            "sources",
        ),
        (
            "agree = 2\nsources6 = [\"dns:cloudflare\", \"dns:cloudflare@[2606:4700:4700::1111]:53\"]",
            "sources6",
        ),
        (
            "agree = 2\nsources = [\"https://a.example\", \"interface:wan\", \"interface:wan\"]",
            "sources",
        ),
    ] {
        let e = err(&format!("[ip]\n{ip}\n{duck}"));
        assert!(e.contains(&format!("[ip]: key \"{key}\": lists ")), "{e}");
        assert!(e.contains("twice") && e.contains("agree = 2"), "{e}");
    }
    // Distinct sources agree; with agree = 1 a repeat is only a second try.
    let ok = "[ip]\nagree = 2\nsources = [\"https://ip.example/a\", \"https://ip.example/b\"]\n";
    assert_eq!(parse(&format!("{ok}{duck}")).unwrap().sources.agree, 2);
    let again = "[ip]\nsources = [\"https://ip.example/a\", \"https://ip.example/a\"]\n";
    assert_eq!(
        parse(&format!("{again}{duck}")).unwrap().sources.v4.len(),
        2
    );
}

#[test]
fn a_source_of_the_other_family_names_the_key() {
    for (ip, key) in [
        (
            "sources = [\"https://[2606:4700:4700::1111]/cdn-cgi/trace\"]",
            "sources",
        ),
        (
            "sources = [\"dns:cloudflare@[2606:4700:4700::1111]:53\"]",
            "sources",
        ),
        ("sources6 = [\"https://1.1.1.1/cdn-cgi/trace\"]", "sources6"),
    ] {
        let e = err(&format!("[ip]\n{ip}\n{NAMECHEAP}"));
        assert!(e.contains(&format!("[ip]: key \"{key}\": ")), "{e}");
        assert!(e.contains("only ever sees"), "{e}");
    }
    let ok = "[ip]\nsources = [\"https://1.1.1.1/cdn-cgi/trace\", \"http://[::1]:8080/ip\"]\nsources6 = [\"http://127.0.0.1:8080/ip\"]\n";
    assert!(parse(&format!("{ok}{NAMECHEAP}")).is_ok());
}
