//! Unit tests of the inadyn importer, on configs in the shapes inadyn's README and inadyn.conf(5) show.
use super::*;

fn s(v: &str) -> Value {
    Value::Str(v.into())
}

fn key<'a>(r: &'a Record, k: &str) -> Option<&'a Value> {
    r.keys.iter().find(|(n, _)| n == k).map(|(_, v)| v)
}

/// The README's "Example Configuration" (In-A-Dyn v2.0), hostnames made full names.
const README: &str = r#"# In-A-Dyn v2.0 configuration file format
period          = 300

provider default@dyndns.org {
    ssl         = true
    username    = charlie
    password    = snoopy
    hostname    = { "peanuts.dyndns.org", "woodstock.dyndns.org" }
}

provider default@no-ip.com:1 {
    username    = ian
    password    = secret
    hostname    = flemming.no-ip.com
}

provider default@no-ip.com:2 {
    username       = james
    password       = bond
    hostname       = spectre.no-ip.com
    checkip-server = api.ipify.org
}

provider default@no-ip.com:3 {
    username        = spaceman
    password        = bowie
    hostname        = spaceman.no-ip.com
    checkip-command = /sbin/ifconfig eth0 | grep 'inet6 addr'
}

provider default@tunnelbroker.net {
    ssl         = true
    username    = futurekid
    password    = dreoadsad/+dsad21321    # update-key-in-advanced-tab
    hostname    = 1234534245321           # tunnel-id
}

provider default@dynv6.com {
    username = your_token
    password = n/a
    hostname = { host1.dynv6.net, host2.dynv6.net }
}
"#;

#[test]
fn readme_example_maps_presets_lists_and_notes() {
    let im = parse(README).unwrap();
    let hosts: Vec<_> = im
        .records
        .iter()
        .map(|r| (key(r, "provider").cloned(), r.keys[1].1.clone()))
        .collect();
    assert_eq!(
        hosts,
        vec![
            (Some(s("dyn")), s("peanuts.dyndns.org")),
            (Some(s("dyn")), s("woodstock.dyndns.org")),
            (Some(s("noip")), s("flemming.no-ip.com")),
            (Some(s("noip")), s("spectre.no-ip.com")),
            (Some(s("noip")), s("spaceman.no-ip.com")),
            (Some(s("dynv6")), s("host1.dynv6.net")),
            (Some(s("dynv6")), s("host2.dynv6.net")),
        ]
    );
    let dyn1 = &im.records[0];
    assert_eq!(dyn1.keys[0], ("provider".into(), s("dyn")));
    assert_eq!(key(dyn1, "username"), Some(&s("charlie")));
    assert_eq!(key(dyn1, "password"), Some(&Value::Secret("snoopy".into())));
    assert!(dyn1.origin.contains("line 4"), "{}", dyn1.origin);
    // dynv6: the token is inadyn's username; its password is not used.
    let v6 = &im.records[5];
    assert_eq!(key(v6, "zone"), Some(&s("host1.dynv6.net")));
    assert_eq!(key(v6, "token"), Some(&Value::Secret("your_token".into())));
    assert!(v6.notes.iter().any(|n| n.starts_with("option password")));
    // checkip-server becomes a global web source, with a note on the record.
    assert_eq!(im.sources, vec!["https://api.ipify.org/".to_string()]);
    assert!(im.records[3].notes[0].contains("checkip-server"));
    // checkip-command with a pipe cannot carry over.
    assert!(
        im.records[4].notes.iter().any(|n| n
            .starts_with("option checkip-command (line 28): not carried over: it needs a shell")),
        "{:?}",
        im.records[4].notes
    );
    // period is a note; tunnelbroker is named as not imported.
    assert!(
        im.notes
            .iter()
            .any(|n| n.starts_with("option period (line 2)"))
    );
    assert!(
        im.notes
            .iter()
            .any(|n| n.contains("default@tunnelbroker.net (line 31): not imported"))
    );
}

#[test]
fn custom_block_builds_the_url_and_success_words() {
    // The README's emulation of default@dyndns.org with format specifiers.
    let conf = r#"
custom randomhandle {
    username    = DYNUSERNAME
    password    = DYNPASSWORD
    ssl         = true
    ddns-server = members.dyndns.org
    ddns-path   = "/nic/update?hostname=%h.dyndns.org&myip=%i"
    hostname    = { YOURHOST, alias }
    ddns-response = { Arrr, kilroy }
}
"#;
    let im = parse(conf).unwrap();
    assert_eq!(im.records.len(), 2);
    let r = &im.records[0];
    assert_eq!(r.keys[0], ("provider".into(), s("custom")));
    assert_eq!(key(r, "hostname"), Some(&s("YOURHOST")));
    assert_eq!(
        key(r, "url"),
        Some(&s(
            "https://members.dyndns.org/nic/update?hostname={hostname}.dyndns.org&myip={ip}"
        ))
    );
    assert_eq!(
        key(r, "success"),
        Some(&Value::List(vec!["Arrr".into(), "kilroy".into()]))
    );
    assert_eq!(
        key(r, "password"),
        Some(&Value::Secret("DYNPASSWORD".into()))
    );
    assert_eq!(key(&im.records[1], "hostname"), Some(&s("alias")));
}

#[test]
fn custom_plain_path_gets_the_hostname_appended_and_default_words() {
    // The README's twoDNS example: the hostname is appended to a path without specifiers.
    let conf = r#"
custom twoDNS {
    username       = myuser
    password       = mypass
    checkip-server = checkip.two-dns.de
    checkip-path   = /
    ssl            = true
    ddns-server    = update.twodns.de
    ddns-path      = "/update?hostname="
    hostname       = myhostname.dd-dns.de
}
"#;
    let im = parse(conf).unwrap();
    let r = &im.records[0];
    assert_eq!(
        key(r, "url"),
        Some(&s("https://update.twodns.de/update?hostname={hostname}"))
    );
    assert_eq!(
        key(r, "success"),
        Some(&Value::List(
            ["good", "OK", "true", "updated"].map(String::from).to_vec()
        ))
    );
    assert_eq!(im.sources, vec!["https://checkip.two-dns.de/".to_string()]);
}

#[test]
fn custom_append_myip_http_and_empty_response() {
    let conf = "custom x {\n ssl = false\n ddns-server = \"u.example.net:8080\"\n \
                ddns-path = \"/set?ip=\"\n append-myip = true\n hostname = h.example.net\n \
                ddns-response = \"\"\n}\n";
    let r = &parse(conf).unwrap().records[0];
    assert_eq!(
        key(r, "url"),
        Some(&s("http://u.example.net:8080/set?ip={ip}"))
    );
    assert_eq!(key(r, "allow_http"), Some(&Value::Bool(true)));
    assert_eq!(key(r, "success"), None);
}

#[test]
fn custom_with_unknown_specifier_is_not_imported() {
    let conf = "custom x {\n ddns-server = a.example\n ddns-path = \"/u?x=%q\"\n hostname = h.example.net\n}";
    let im = parse(conf).unwrap();
    assert!(im.records.is_empty());
    assert!(im.notes[0].contains("%q"), "{:?}", im.notes);
}

#[test]
fn globals_map_to_refresh_days_interface_and_notes() {
    let conf = r#"
period = 600
forced-update = 604800   # one week
allow-ipv6 = true
iface = pppoe-wan
user-agent = "Mozilla/5.0"
ca-trust-file = /etc/ssl/certs/ca.pem
verify-address = false
provider ipv6@dynv6.com {
    username = tok
    hostname = home.dynv6.net
}
"#;
    let im = parse(conf).unwrap();
    assert_eq!(im.top, vec![("refresh_days".to_string(), Value::Int(7))]);
    assert_eq!(im.sources, vec!["interface:pppoe-wan".to_string()]);
    assert_eq!(im.sources6, vec!["interface:pppoe-wan".to_string()]);
    for k in [
        "period",
        "allow-ipv6",
        "user-agent",
        "ca-trust-file",
        "verify-address",
    ] {
        assert!(
            im.notes
                .iter()
                .any(|n| n.starts_with(&format!("option {k} "))),
            "{k}: {:?}",
            im.notes
        );
    }
    assert_eq!(key(&im.records[0], "family"), Some(&s("ipv6")));
}

#[test]
fn forced_update_rounds_up_and_clamps() {
    assert_eq!(days("1"), Some(1));
    assert_eq!(days("86400"), Some(1));
    assert_eq!(days("86401"), Some(2));
    assert_eq!(days("2592000"), Some(30));
    assert_eq!(days("999999999"), Some(365));
    assert_eq!(days("0"), None);
    assert_eq!(days("x"), None);
}

#[cfg(feature = "api")]
#[test]
fn cloudflare_duckdns_and_unmappable_options() {
    let conf = r#"
provider default@cloudflare.com {
    username = example.com
    password = cf-token
    hostname = home.example.com
    ttl = 120
    proxied = false
    wildcard = true
}
provider default@duckdns.org {
    username = duck-token
    hostname = myhome.duckdns.org
    ssl = false
}
provider default@freedns.afraid.org {
    username = a
    password = b
    hostname = x.mooo.com
}
provider default@example.invalid {
    hostname = y.example.com
}
provider ipv6@3322.org {
    hostname = z.3322.org
}
"#;
    let im = parse(conf).unwrap();
    assert_eq!(im.records.len(), 2);
    let cf = &im.records[0];
    assert_eq!(key(cf, "zone"), Some(&s("example.com")));
    assert_eq!(key(cf, "name"), Some(&s("home.example.com")));
    assert_eq!(key(cf, "token"), Some(&Value::Secret("cf-token".into())));
    assert_eq!(key(cf, "ttl"), Some(&Value::Int(120)));
    assert_eq!(key(cf, "proxied"), Some(&Value::Bool(false)));
    assert!(
        cf.notes
            .iter()
            .any(|n| n.starts_with("option wildcard (line 8)"))
    );
    let duck = &im.records[1];
    assert_eq!(key(duck, "domain"), Some(&s("myhome.duckdns.org")));
    assert_eq!(
        key(duck, "token"),
        Some(&Value::Secret("duck-token".into()))
    );
    assert!(duck.notes.iter().any(|n| n.starts_with("option ssl")));
    assert_eq!(im.notes.len(), 3, "{:?}", im.notes);
    assert!(im.notes[0].contains("freedns.afraid.org (line 15): not imported"));
    assert!(im.notes[1].contains("example.invalid"));
    assert!(im.notes[2].contains("IPv4 only"));
}

#[test]
fn syntax_errors_name_the_line() {
    for (conf, want) in [
        (
            "period = 300\nprovider default@dyndns.org {\n username = \"abc\n}\n",
            "line 3: unterminated quote",
        ),
        ("period 300\n", "line 1: expected '='"),
        (
            "\n\nprovider default@no-ip.com {\n hostname = a.no-ip.com\n",
            "line 3: section without its closing '}'",
        ),
        (
            "provider x {\n hostname = { a, b\n c }\n}\n",
            "line 3: expected ',' or '}'",
        ),
        ("provider x \n hostname = a\n", "line 2: expected '{'"),
        ("= 3\n", "line 1: expected an option"),
        ("a =\n", "line 1: expected a value"),
        (
            "provider d@dyndns.org {\n username = u\n = p\n}",
            "line 3: expected an option or '}'",
        ),
    ] {
        let err = parse(conf).err().unwrap_or_default();
        assert!(err.starts_with(want), "{conf:?}: {err}");
    }
}

#[test]
fn quoting_escapes_and_comments() {
    let conf = "provider default@no-ip.com { # one line\n username = 'a b' password = \"p\\\"w#\" hostname = \"h.no-ip.com\" }";
    let r = &parse(conf).unwrap().records[0];
    assert_eq!(key(r, "username"), Some(&s("a b")));
    assert_eq!(key(r, "password"), Some(&Value::Secret("p\"w#".into())));
}

#[test]
fn block_without_hostname_is_a_note() {
    let im = parse("provider default@no-ip.com {\n username = a\n}\n").unwrap();
    assert!(im.records.is_empty());
    assert!(im.notes[0].contains("no hostname"));
}

#[test]
fn a_secret_in_the_path_never_shows() {
    // The README's Namecheap example writes the password into ddns-path.
    let conf = r#"
custom namecheap {
    username    = myuser
    password    = mypass
    ssl         = true
    ddns-server = dynamicdns.park-your-domain.com
    ddns-path   = "/update?domain=YOURDOMAIN.TLD&password=mypass&host="
    hostname    = { "alpha", "beta", "gamma" }
}
custom other {
    ddns-server = "https://u.example.net/"
    ddns-path   = "/u?key=k3y&h=%h"
    hostname    = h.example.net
}
"#;
    let im = parse(conf).unwrap();
    assert_eq!(im.records.len(), 4);
    assert_eq!(
        key(&im.records[0], "url"),
        Some(&s(
            "https://dynamicdns.park-your-domain.com/update?domain=YOURDOMAIN.TLD&password={password}&host={hostname}"
        ))
    );
    assert_eq!(
        key(&im.records[3], "url"),
        Some(&Value::Secret(
            "https://u.example.net/u?key=k3y&h={hostname}".into()
        ))
    );
    assert!(
        im.records[3]
            .notes
            .iter()
            .any(|n| n.contains("holds a secret"))
    );
}

#[test]
fn include_is_a_note_in_either_place() {
    let conf = "include(\"/etc/inadyn.d/a.conf\")\nprovider default@no-ip.com {\n include('/etc/inadyn.d/secret')\n username = u\n password = p\n hostname = h.no-ip.com\n}\n";
    let im = parse(conf).unwrap();
    assert!(im.notes[0].starts_with("option include (line 1): included files are not read"));
    assert!(
        im.records[0]
            .notes
            .iter()
            .any(|n| n.starts_with("option include (line 3)"))
    );
    let err = parse("include(\"a\" \"b\")\n").unwrap_err();
    assert!(err.starts_with("line 1: expected ',' or ')'"), "{err}");
}

#[test]
fn a_bare_label_for_a_preset_is_a_note() {
    // The README's dyndns.org example names `peanuts` and `woodstock` without their domain.
    let conf = "provider default@dyndns.org {\n username = c\n password = s\n hostname = { \"peanuts\", \"woodstock.dyndns.org\" }\n}\n";
    let im = parse(conf).unwrap();
    assert_eq!(im.records.len(), 1);
    assert_eq!(
        key(&im.records[0], "hostname"),
        Some(&s("woodstock.dyndns.org"))
    );
    assert!(
        im.notes[0].contains("hostname peanuts not imported"),
        "{:?}",
        im.notes
    );
}

#[test]
fn a_plain_checkip_command_becomes_a_command_source() {
    let conf = "provider default@no-ip.com {\n    username = a\n    password = b\n    hostname = h.no-ip.com\n    checkip-command = /usr/local/bin/wan-ip --v4\n}\n";
    let im = parse(conf).unwrap();
    assert_eq!(im.sources, ["command:/usr/local/bin/wan-ip --v4"]);
    assert!(
        im.records[0]
            .notes
            .iter()
            .any(|n| n.starts_with("option checkip-command: ddnsup's sources are global")),
        "{:?}",
        im.records[0].notes
    );
}
