//! Tests of the ddclient importer on configs in the shapes ddclient's sample ddclient.conf documents.

use super::*;

fn key<'a>(r: &'a Record, name: &str) -> Option<&'a Value> {
    r.keys.iter().find(|(k, _)| k == name).map(|(_, v)| v)
}

fn s(v: &str) -> Value {
    Value::Str(v.into())
}

fn secret(v: &str) -> Value {
    Value::Secret(v.into())
}

// The shape of ddclient's sample: globals, `use=web`, then a dyndns2 host at the end.
#[test]
fn globals_then_a_dyndns2_host() {
    let text = "\
# ddclient.conf
daemon=300                              # check every 300 seconds
syslog=yes                              # log update msgs to syslog
pid=/var/run/ddclient.pid               # record PID in file.
ssl=yes                                 # use ssl-support.
use=if, if=eth0
protocol=dyndns2
server=members.dyndns.org
login=my-login
password='my-pass#word'
myhost.dyndns.org
";
    let out = parse(text).unwrap();
    assert_eq!(out.sources, vec!["interface:eth0".to_string()]);
    assert!(out.sources6.is_empty());
    assert_eq!(out.records.len(), 1);
    let r = &out.records[0];
    assert_eq!(r.keys[0], ("provider".into(), s("dyn")));
    assert_eq!(key(r, "hostname"), Some(&s("myhost.dyndns.org")));
    assert_eq!(key(r, "username"), Some(&s("my-login")));
    assert_eq!(key(r, "password"), Some(&secret("my-pass#word")));
    assert!(key(r, "server").is_none());
    assert_eq!(r.origin, "host myhost.dyndns.org (line 11)");
    assert!(r.notes.is_empty(), "{:?}", r.notes);
    let notes = out.notes.join("\n");
    assert!(notes.contains("option daemon:"), "{notes}");
    assert!(notes.contains("option syslog:"), "{notes}");
    assert!(notes.contains("option pid:"), "{notes}");
    assert!(!notes.contains("option ssl"), "{notes}");
}

#[test]
fn an_unknown_server_is_the_plain_dyndns2_provider() {
    let out =
        parse("protocol=dyndns2, server=dyn.example.net, login=me, password=pw home.example.net\n")
            .unwrap();
    let r = &out.records[0];
    assert_eq!(r.keys[0].1, s("dyndns2"));
    assert_eq!(key(r, "server"), Some(&s("https://dyn.example.net")));
    // A preset found by its server, any scheme or case.
    let out = parse(
        "protocol=dyndns2, server=https://DYNUPDATE.no-ip.com/, login=me, password=pw h.ddns.net\n",
    )
    .unwrap();
    assert_eq!(out.records[0].keys[0].1, s("noip"));
    assert!(key(&out.records[0], "server").is_none());
}

// The sample's Cloudflare block: continuations with a comment after the backslash.
#[test]
fn continuations_and_cloudflare() {
    let text = "\
use=web, web=https://api.ipify.org
protocol=cloudflare,        \\
zone=domain.tld,            \\
ttl=1,                      \\
login=token,                \\ # an API token
password=APIKey             \\ # the token itself
domain.tld,my.domain.tld
";
    let out = parse(text).unwrap();
    assert_eq!(out.sources, vec!["https://api.ipify.org".to_string()]);
    assert_eq!(out.records.len(), 2);
    for (r, name) in out.records.iter().zip(["domain.tld", "my.domain.tld"]) {
        assert_eq!(r.keys[0].1, s("cloudflare"));
        assert_eq!(key(r, "zone"), Some(&s("domain.tld")));
        assert_eq!(key(r, "name"), Some(&s(name)));
        assert_eq!(key(r, "token"), Some(&secret("APIKey")));
        assert_eq!(r.origin, format!("host {name} (line 2)"));
        assert_eq!(
            r.notes,
            vec!["option ttl=1: the record keeps its own TTL".to_string()]
        );
    }
}

#[test]
fn cloudflare_with_a_global_api_key_is_not_imported() {
    let out = parse(
        "protocol=cloudflare, zone=a.tld, login=me@a.tld, password=k a.tld\nprotocol=duckdns, password=t h\n",
    )
    .unwrap();
    assert_eq!(out.records.len(), 1);
    assert!(out.notes[0].starts_with("host a.tld (line 1) is not imported: a Global API Key"));
}

// Options on a host line apply to its names only; globals apply to every later host.
#[test]
fn per_host_options_and_later_globals() {
    let text = "\
login=g-login
password=g-pass
protocol=noip, login=own hostA.ddns.net
hostB.example.org
protocol=namecheap
login=example.com, password=nc-pass @,www,sub.example.com
";
    let out = parse(text).unwrap();
    assert_eq!(out.records.len(), 5);
    let a = &out.records[0];
    assert_eq!(a.keys[0].1, s("noip"));
    assert_eq!(key(a, "username"), Some(&s("own")));
    let b = &out.records[1];
    assert_eq!(b.keys[0].1, s("dyn"), "the line's protocol does not stay");
    assert_eq!(key(b, "username"), Some(&s("g-login")));
    assert_eq!(key(b, "password"), Some(&secret("g-pass")));
    let hosts: Vec<_> = out.records[2..]
        .iter()
        .map(|r| (key(r, "host").cloned(), key(r, "domain").cloned()))
        .collect();
    assert_eq!(
        hosts,
        vec![
            (Some(s("@")), Some(s("example.com"))),
            (Some(s("www")), Some(s("example.com"))),
            (Some(s("sub")), Some(s("example.com"))),
        ]
    );
    assert_eq!(key(&out.records[2], "password"), Some(&secret("nc-pass")));
}

#[test]
fn api_protocols_map_onto_their_providers() {
    let text = "\
protocol=duckdns, password=dk myhome.duckdns.org
protocol=porkbun, apikey=pk1, secretapikey=sk1 home.example.com
protocol=porkbun, apikey=pk1, secretapikey=sk1, root-domain=example.co.uk a.b.example.co.uk
protocol=gandi, zone=example.com, password=gt home.example.com
protocol=digitalocean, zone=example.com, password=dt home.example.com
protocol=godaddy, zone=example.com, login=gk, password=gs example.com
protocol=hetzner, zone=example.com, password=ht home.example.com
protocol=nsupdate, server=ns1.example.com, zone=example.com, ttl=600, password=/etc/ddclient/dyn.key h.example.com
protocol=dnsexit2, login=me, password=dx h.example.com
protocol=freedns, login=me, password=fx h.mooo.com
";
    let out = parse(text).unwrap();
    let got: Vec<Vec<(String, Value)>> = out.records.iter().map(|r| r.keys.clone()).collect();
    let kv = |pairs: &[(&str, Value)]| -> Vec<(String, Value)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect()
    };
    assert_eq!(
        got[0],
        kv(&[
            ("provider", s("duckdns")),
            ("domain", s("myhome")),
            ("token", secret("dk"))
        ])
    );
    assert_eq!(
        got[1],
        kv(&[
            ("provider", s("porkbun")),
            ("domain", s("example.com")),
            ("host", s("home")),
            ("api_key", secret("pk1")),
            ("secret_api_key", secret("sk1")),
        ])
    );
    assert_eq!(key(&out.records[2], "domain"), Some(&s("example.co.uk")));
    assert_eq!(key(&out.records[2], "host"), Some(&s("a.b")));
    assert_eq!(
        got[3],
        kv(&[
            ("provider", s("gandi")),
            ("zone", s("example.com")),
            ("name", s("home")),
            ("token", secret("gt"))
        ])
    );
    assert_eq!(key(&out.records[4], "name"), Some(&s("home.example.com")));
    assert_eq!(
        got[5],
        kv(&[
            ("provider", s("godaddy")),
            ("domain", s("example.com")),
            ("name", s("@")),
            ("key", secret("gk")),
            ("secret", secret("gs")),
        ])
    );
    assert_eq!(key(&out.records[6], "name"), Some(&s("home")));
    assert_eq!(
        got[7],
        kv(&[
            ("provider", s("rfc2136")),
            ("server", s("ns1.example.com")),
            ("zone", s("example.com")),
            ("name", s("h.example.com")),
            ("tsig_key_file", s("/etc/ddclient/dyn.key")),
            ("ttl", Value::Int(600)),
        ])
    );
    assert_eq!(got[8][0].1, s("dnsexit.com"));
    assert_eq!(
        got[9],
        kv(&[
            ("provider", s("afraid-dyndns")),
            ("hostname", s("h.mooo.com")),
            ("username", s("me")),
            ("password", secret("fx")),
        ])
    );
    for r in &out.records {
        assert!(r.notes.is_empty(), "{}: {:?}", r.origin, r.notes);
    }
}

#[test]
fn ipv6_methods_set_family_and_sources6() {
    let text = "\
usev4=ifv4, ifv4=pppoe-wan
usev6=ifv6, ifv6=br-lan
protocol=dyndns2, server=dyn.dns.he.net, login=h, password=p both.example.com
usev4=disabled
protocol=dyndns2, server=dyn.dns.he.net, login=h, password=p six.example.com
";
    let out = parse(text).unwrap();
    assert_eq!(out.sources, vec!["interface:pppoe-wan".to_string()]);
    assert_eq!(out.sources6, vec!["interface:br-lan".to_string()]);
    assert_eq!(out.records[0].keys[0].1, s("he"));
    assert_eq!(key(&out.records[0], "family"), Some(&s("both")));
    assert_eq!(key(&out.records[1], "family"), Some(&s("ipv6")));
}

#[test]
fn web_sources_and_what_cannot_be_one() {
    let out =
        parse("use=web, web=checkip.example.net/ip\nlogin=a, password=b h.dyndns.org\n").unwrap();
    assert_eq!(
        out.sources,
        vec!["http://checkip.example.net/ip".to_string()]
    );
    let out = parse("ssl=yes\nusev4=webv4, webv4=ipify-ipv4\nusev6=webv6, webv6=ipify-ipv6\nlogin=a, password=b h.dyndns.org\n").unwrap();
    assert_eq!(out.sources, vec!["https://api.ipify.org".to_string()]);
    assert_eq!(out.sources6, vec!["https://api6.ipify.org".to_string()]);
    // A reply that needs `web-skip` is not a bare address: left out, with a note.
    let out = parse("use=web, web=checkip.dyndns.org/, web-skip='IP Address'\nlogin=a, password=b h.dyndns.org\n").unwrap();
    assert!(out.sources.is_empty());
    assert!(
        out.notes[0].starts_with("option web-skip:"),
        "{:?}",
        out.notes
    );
    // A plain command becomes a command source; one that needs a shell cannot.
    let out =
        parse("use=cmd, cmd='/usr/local/bin/get-ip --v4'\nlogin=a, password=b h.dyndns.org\n")
            .unwrap();
    assert_eq!(out.sources, ["command:/usr/local/bin/get-ip --v4"]);
    assert!(
        out.notes[0].starts_with("option use=cmd: ddnsup reads the command's whole output"),
        "{:?}",
        out.notes
    );
    let out = parse(
        "use=cmd, cmd='curl -s http://192.168.1.1/ | grep -o x'\nlogin=a, password=b h.dyndns.org\n",
    )
    .unwrap();
    assert!(out.sources.is_empty());
    assert!(
        out.notes[0].starts_with("option use=cmd: not carried over: it needs a shell"),
        "{:?}",
        out.notes
    );
    let out = parse("use=fw, fw=192.168.1.254/status.htm, fw-skip='IP Address'\nlogin=a, password=b h.dyndns.org\n").unwrap();
    assert!(
        out.notes[0].starts_with("option use=fw:"),
        "{:?}",
        out.notes
    );
}

#[test]
fn max_interval_and_timeout() {
    let out = parse("max-interval=30d\ntimeout=20\nlogin=a, password=b h.dyndns.org\n").unwrap();
    assert_eq!(
        out.top,
        vec![
            ("refresh_days".into(), Value::Int(30)),
            ("timeout".into(), Value::Int(20)),
        ]
    );
    assert!(out.notes.is_empty(), "{:?}", out.notes);
    let out = parse("max-interval=36h\nlogin=a, password=b h.dyndns.org\n").unwrap();
    assert_eq!(out.top, vec![("refresh_days".into(), Value::Int(2))]);
    assert!(out.notes[0].starts_with("option max-interval: 36h is 2 day(s)"));
    let out = parse("max-interval=soon\ntimeout=9999\nlogin=a, password=b h.dyndns.org\n").unwrap();
    assert!(out.top.is_empty());
    assert_eq!(out.notes.len(), 2, "{:?}", out.notes);
    assert_eq!(interval_secs("300"), Some(300));
    assert_eq!(interval_secs("5m"), Some(300));
    assert_eq!(interval_secs("25d"), Some(25 * 86_400));
    assert_eq!(interval_secs("99999999999999999999d"), None);
}

#[test]
fn unmappable_options_and_protocols_are_notes() {
    let text = "\
protocol=dyndns2, login=a, password=b, wildcard=yes, mx=mx.example.com, custom=yes h.dyndns.org
protocol=zoneedit1, login=a, password=b h.zoneedit.com
protocol=1984, password=k h.example.com
";
    let out = parse(text).unwrap();
    assert_eq!(out.records.len(), 1);
    assert_eq!(
        out.records[0].notes,
        vec![
            "option wildcard=yes: ddnsup sends only the address".to_string(),
            "option mx=mx.example.com: ddnsup sends only the address".to_string(),
            "option custom=yes: ddnsup sends only the address".to_string(),
        ]
    );
    assert!(
        out.notes
            .iter()
            .any(|n| n.starts_with("host h.zoneedit.com (line 2) is not imported"))
    );
    assert!(
        out.notes
            .iter()
            .any(|n| n.contains("protocol 1984 has no ddnsup provider"))
    );
    // A missing credential is named.
    let out = parse("protocol=duckdns h\nlogin=a, password=b h.dyndns.org\n").unwrap();
    assert_eq!(
        out.notes,
        vec!["host h (line 1) is not imported: it has no password=".to_string()]
    );
}

#[test]
fn a_note_never_shows_a_secret() {
    let out = parse(
        "protocol=dyndns2, login=a, password=b, fw-password=hunter2, apikey=k9, token=t7 h.dyndns.org\n",
    )
    .unwrap();
    let all = format!("{:?}", out.records[0].notes);
    assert!(
        !all.contains("hunter2") && !all.contains("k9") && !all.contains("t7"),
        "{all}"
    );
}

#[test]
fn syntax_errors_name_the_line() {
    let cases = [
        ("login=a\npassword='open\nh\n", "line 2: unterminated quote"),
        ("login=a\n\n=b h\n", "line 3: `=` without an option name"),
        (
            "login=a, \\\npassword=\"x y h\n",
            "line 2: unterminated quote",
        ),
        ("login=a\nho'st'\n", "line 2: a quote outside a value"),
    ];
    for (text, want) in cases {
        assert_eq!(parse(text).err().as_deref(), Some(want), "{text:?}");
    }
    assert!(parse("# only comments\ndaemon=300\n").is_err());
    // A quote inside an unquoted value is a plain character, and so is `#` inside quotes.
    let out = parse("login=it's, password=\"a#b\" h.dyndns.org # comment\n").unwrap();
    assert_eq!(key(&out.records[0], "username"), Some(&s("it's")));
    assert_eq!(key(&out.records[0], "password"), Some(&secret("a#b")));
    assert!(parse("").is_err());
}

#[test]
fn a_continued_last_line_and_crlf_still_parse() {
    let out = parse("login=a, password=b \\\r\nh.dyndns.org \\").unwrap();
    assert_eq!(out.records.len(), 1);
    assert_eq!(key(&out.records[0], "hostname"), Some(&s("h.dyndns.org")));
}

#[test]
fn relative_names() {
    assert_eq!(relative("example.com", "example.com"), "@");
    assert_eq!(relative("a.b.Example.com", "example.COM"), "a.b");
    assert_eq!(relative("notexample.com", "example.com"), "notexample.com");
    assert_eq!(relative("é.x", "éx"), "é.x");
}

#[test]
fn hosts_reading_the_address_differently_share_one_list() {
    let text = "\
use=if, if=eth0
login=a, password=b one.dyndns.org
use=if, if=eth1
login=a, password=b two.dyndns.org
use=if, if=eth0
login=a, password=b three.dyndns.org
";
    let out = parse(text).unwrap();
    assert_eq!(
        out.sources,
        vec!["interface:eth0".to_string(), "interface:eth1".to_string()]
    );
    assert_eq!(
        out.notes,
        vec![
            "source interface:eth1 (line 4): ddnsup tries one list for all records, interface:eth0 first"
                .to_string()
        ]
    );
}
