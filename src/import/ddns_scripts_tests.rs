use super::*;

/// The shape of OpenWrt's /etc/config/ddns as the ddns-scripts package ships it and its
/// documentation (https://openwrt.org/docs/guide-user/services/ddns/client) describes it:
/// a `config ddns 'global'` section and `config service` sections of `option` lines.
const SHIPPED: &str = r#"
config ddns 'global'
	option ddns_dateformat '%F %R'
#	option ddns_rundir '/var/run/ddns'
	option ddns_loglines '250'
	option upd_privateip '0'

config service 'myddns_ipv4'
	option lookup_host 'myhome.duckdns.org'
	option domain 'myhome'
	option username 'NA'
	option password 'tok-en'
	option interface 'wan'
	option ip_source 'network'
	option ip_network 'wan'
	option service_name 'duckdns.org'
	option enabled '1'

config service "myddns_ipv6"
	option use_ipv6 "1"
	option service_name "dynv6.com"
	option domain "myhome.dynv6.net"
	option password "it's"
	option ip_source "interface"
	option ip_interface "pppoe-wan"
	option force_interval 2
	option force_unit days
"#;

fn keys(r: &Record) -> Vec<(&str, String)> {
    r.keys
        .iter()
        .map(|(k, v)| {
            let v = match v {
                Value::Str(s) => s.clone(),
                Value::Secret(s) => format!("secret:{s}"),
                other => format!("{other:?}"),
            };
            (k.as_str(), v)
        })
        .collect()
}

fn has_note(notes: &[String], start: &str) -> bool {
    notes.iter().any(|n| n.starts_with(start))
}

#[test]
fn shipped_config_maps_onto_records() {
    let i = parse(SHIPPED).unwrap();
    assert_eq!(i.records.len(), 2);
    let duck = &i.records[0];
    assert_eq!(duck.origin, "section 'myddns_ipv4' (line 8)");
    assert_eq!(
        keys(duck),
        [
            ("provider", "duckdns".into()),
            ("domain", "myhome".into()),
            ("token", "secret:tok-en".into())
        ]
    );
    for n in [
        "option lookup_host 'myhome.duckdns.org': not needed",
        "option username 'NA': the provider takes no such key",
        "option interface 'wan': the hotplug",
        "option ip_network 'wan': an OpenWrt network, not a device",
    ] {
        assert!(has_note(&duck.notes, n), "{n}: {:?}", duck.notes);
    }
    let v6 = &i.records[1];
    assert_eq!(
        keys(v6),
        [
            ("provider", "dynv6".into()),
            ("zone", "myhome.dynv6.net".into()),
            ("token", "secret:it's".into()),
            ("family", "ipv6".into())
        ]
    );
    assert!(v6.notes.is_empty(), "{:?}", v6.notes);
    assert!(i.sources.is_empty());
    assert_eq!(i.sources6, ["interface:pppoe-wan"]);
    assert_eq!(i.top, [("refresh_days".to_string(), Value::Int(2))]);
    assert_eq!(i.notes.len(), 3, "{:?}", i.notes);
    assert!(has_note(&i.notes, "option upd_privateip '0': ddnsup never"));
}

#[test]
fn rendered_import_passes_the_config_parser() {
    let text = super::super::render(&parse(SHIPPED).unwrap(), true);
    let c = crate::config::parse_config(&text, std::path::Path::new("/etc/ddnsup/c.toml"))
        .unwrap_or_else(|e| panic!("{e}\n{text}"));
    assert_eq!(c.records.len(), 2);
    assert_eq!(c.refresh_secs, 2 * 86_400);
}

fn one(section: &str) -> Imported {
    parse(&format!("config service 's'\n{section}")).unwrap()
}

#[test]
fn credentials_follow_each_provider() {
    let i = one(
        "option service_name 'namecheap.com'\noption domain 'example.com'\noption username 'home'\noption password 'p'\n",
    );
    assert_eq!(
        keys(&i.records[0])[1..],
        [
            ("host", "home".into()),
            ("domain", "example.com".into()),
            ("password", "secret:p".into())
        ]
    );
    let i = one(
        "option service_name 'cloudflare.com-v4'\noption domain 'home@example.com'\noption username 'Bearer'\noption password 't'\n",
    );
    if provider_names().contains(&"cloudflare") {
        assert_eq!(
            keys(&i.records[0])[1..],
            [
                ("zone", "example.com".into()),
                ("name", "home.example.com".into()),
                ("token", "secret:t".into())
            ]
        );
    }
    // A dyndns2 preset: hostname, username, password.
    let i = one(
        "option service_name 'no-ip.com'\noption domain 'me.ddns.net'\noption username 'me'\noption password 'p'\n",
    );
    assert_eq!(
        keys(&i.records[0]),
        [
            ("provider", "noip".into()),
            ("hostname", "me.ddns.net".into()),
            ("username", "me".into()),
            ("password", "secret:p".into())
        ]
    );
    // A URL preset whose template takes {token}: the ddns-scripts password is the token.
    let i = one(
        "option service_name 'regfish.de'\noption domain 'a.example.de'\noption password 'k'\noption username 'x'\n",
    );
    assert_eq!(
        keys(&i.records[0])[1..],
        [
            ("hostname", "a.example.de".into()),
            ("token", "secret:k".into())
        ]
    );
    assert!(has_note(&i.records[0].notes, "option username 'x'"));
}

#[test]
fn sections_that_cannot_map_become_notes() {
    for (section, why) in [
        (
            "option service_name 'dyn.com'\noption enabled '0'\noption domain 'x'\n",
            "it is disabled",
        ),
        (
            "option service_name 'google.com'\noption domain 'x'\n",
            "service \"google.com\": Google Domains is gone",
        ),
        (
            "option service_name 'nosuch.example'\n",
            "service \"nosuch.example\": a service ddns-scripts does not list",
        ),
        (
            "option update_url 'http://x/?ip=[IP]'\n",
            "a custom update_url",
        ),
        (
            "option service_name 'duckdns.org'\noption password 'p'\n",
            "service \"duckdns.org\" (ddnsup provider \"duckdns\"): no domain",
        ),
        (
            "option service_name 'duckdns.org'\noption domain 'p'\n",
            "service \"duckdns.org\" (ddnsup provider \"duckdns\"): no password",
        ),
        (
            "option service_name 'cloudflare.com-v4'\noption domain 'a@b.c'\noption username 'me@mail'\noption password 'k'\n",
            "service \"cloudflare.com-v4\"",
        ),
        (
            "option service_name 'bind-nsupdate'\noption domain 'a.b'\n",
            "service \"bind-nsupdate\" (ddnsup provider \"rfc2136\"): its keys are not imported",
        ),
    ] {
        let i = one(section);
        assert!(i.records.is_empty(), "{section}");
        let want = format!("section 's' (line 1): not imported: {why}");
        assert!(has_note(&i.notes, &want), "{want}: {:?}", i.notes);
    }
}

#[test]
fn address_sources_and_their_limits() {
    let base = "option service_name 'duckdns.org'\noption domain 'a'\noption password 'p'\n";
    let i = one(&format!(
        "{base}option ip_source 'web'\noption ip_url 'https://api.ipify.org'\n"
    ));
    assert_eq!(i.sources, ["https://api.ipify.org"]);
    let i = one(&format!(
        "{base}option ip_source 'script'\noption ip_script '/bin/ip.sh'\n"
    ));
    assert_eq!(i.sources, ["command:/bin/ip.sh"]);
    let notes = &i.records[0].notes;
    assert!(
        has_note(
            notes,
            "option ip_script: ddnsup reads the command's whole output"
        ),
        "{notes:?}"
    );
    let i = one(&format!(
        "{base}option ip_source 'script'\noption ip_script 'ip -4 addr show wan | cut -d/ -f1'\n"
    ));
    assert!(i.sources.is_empty());
    let notes = &i.records[0].notes;
    assert!(
        has_note(
            notes,
            "option ip_script: not carried over: it needs a shell"
        ),
        "{notes:?}"
    );
    // Two sections with other sources: the first is kept, the second says so.
    let text = format!(
        "config service 'a'\n{base}option ip_source 'interface'\noption ip_interface 'eth0.2'\nconfig service 'b'\n{base}option ip_source 'interface'\noption ip_interface 'eth1'\n"
    );
    let i = parse(&text).unwrap();
    assert_eq!(i.sources, ["interface:eth0.2"]);
    assert!(has_note(
        &i.records[1].notes,
        "address source interface:eth1: ddnsup has one"
    ));
}

#[test]
fn force_interval_becomes_whole_days() {
    let base = "option service_name 'duckdns.org'\noption domain 'a'\noption password 'p'\n";
    for (opts, days, note) in [
        ("option force_interval '72'\n", Some(3), None),
        (
            "option force_interval '24'\noption force_unit 'hours'\n",
            Some(1),
            None,
        ),
        (
            "option force_interval '30'\noption force_unit 'minutes'\n",
            Some(1),
            Some("option force_interval '30': ddnsup counts whole days"),
        ),
        (
            "option force_interval '1000'\noption force_unit 'days'\n",
            Some(365),
            Some("option force_interval '1000'"),
        ),
        (
            "option force_interval '0'\n",
            None,
            Some("option force_interval '0'"),
        ),
        (
            "option force_interval 'x'\n",
            None,
            Some("option force_interval 'x': not a number"),
        ),
        (
            "option force_interval '1'\noption force_unit 'weeks'\n",
            None,
            Some("option force_unit 'weeks'"),
        ),
        (
            "option force_interval '99999999999999999999'\n",
            None,
            Some("option force_interval '9"),
        ),
    ] {
        let i = one(&format!("{base}{opts}"));
        let got = i
            .top
            .iter()
            .find(|(k, _)| k == "refresh_days")
            .map(|(_, v)| v.clone());
        assert_eq!(got, days.map(Value::Int), "{opts}");
        if let Some(note) = note {
            assert!(
                has_note(&i.records[0].notes, note),
                "{opts}: {:?}",
                i.records[0].notes
            );
        } else {
            assert!(
                i.records[0].notes.is_empty(),
                "{opts}: {:?}",
                i.records[0].notes
            );
        }
    }
}

#[test]
fn lists_and_unknown_options_are_notes() {
    let i = one(
        "option service_name 'duckdns.org'\noption domain 'a'\noption password 'p'\nlist extra 'one'\nlist extra 'two'\noption bind_network 'wan'\n",
    );
    let notes = &i.records[0].notes;
    assert!(
        has_note(notes, "option extra 'one two': no ddnsup equivalent"),
        "{notes:?}"
    );
    assert!(
        has_note(notes, "option bind_network 'wan': no ddnsup equivalent"),
        "{notes:?}"
    );
}

#[test]
fn words_follow_uci_quoting() {
    let w = words(r#"option password 'it'\''s' # comment"#).unwrap();
    assert_eq!(w, ["option", "password", "it's"]);
    assert_eq!(
        words(r#"option x "a\"b""#).unwrap(),
        ["option", "x", "a\"b"]
    );
    assert_eq!(words("  list a b#c").unwrap(), ["list", "a", "b#c"]);
    assert_eq!(words("option a ''").unwrap(), ["option", "a", ""]);
    assert_eq!(words("# all comment").unwrap(), Vec::<String>::new());
}

#[test]
fn syntax_errors_name_the_line() {
    for (text, want) in [
        (
            "config ddns 'global'\n\noption x 'y\n",
            "line 3: unterminated quote",
        ),
        ("config a\noption x \"y\n", "line 2: unterminated quote"),
        ("option x y\n", "line 1: option outside a config section"),
        (
            "config service 'a'\n\toption x y z\n",
            "line 2: wrong number of words after \"option\"",
        ),
        ("config\n", "line 1: wrong number of words after \"config\""),
        (
            "config a b\nopton x y\n",
            "line 2: unknown keyword \"opton\"",
        ),
        (
            "config a b\noption x y\\\n",
            "line 2: a backslash at the end of the line",
        ),
    ] {
        assert_eq!(parse(text).unwrap_err(), want, "{text}");
    }
}

#[test]
fn notes_never_show_what_may_be_a_secret() {
    let i = one(
        "option service_name 'duckdns.org'\noption domain 'a'\noption password 'p'\noption update_url 'https://u:pw1@x/'\noption param_enc 'pw2'\noption api_key 'pw3'\noption proxy 'me:pw4@proxy'\n",
    );
    let notes = i.records[0].notes.join("\n");
    for s in ["pw1", "pw2", "pw3", "pw4"] {
        assert!(!notes.contains(s), "{notes}");
    }
    assert!(notes.contains("option update_url '***'"), "{notes}");
    assert!(notes.contains("option proxy '***'"), "{notes}");
    let i = parse("config ddns 'global'\noption some_token 'pw5'\nconfig service 's'\noption service_name 'duckdns.org'\noption domain 'a'\noption password 'p'\n").unwrap();
    assert!(
        has_note(&i.notes, "option some_token '***'"),
        "{:?}",
        i.notes
    );
}

#[test]
fn anonymous_sections_get_uci_names() {
    let text = "config ddns\nconfig service\noption service_name 'duckdns.org'\noption domain 'a'\noption password 'p'\nconfig service\n";
    let i = parse(text).unwrap();
    assert_eq!(i.records[0].origin, "section '@service[0]' (line 2)");
    assert!(
        has_note(
            &i.notes,
            "section '@service[1]' (line 6): not imported: no service_name"
        ),
        "{:?}",
        i.notes
    );
}

#[test]
fn odd_input_never_panics() {
    for text in [
        "",
        "\n\n",
        "config",
        "'",
        "\"\\",
        "config service\noption enabled",
        "list a",
        "config service ''\noption service_name ''",
        "\u{0}\u{ffff}",
    ] {
        let _ = parse(text);
    }
}
