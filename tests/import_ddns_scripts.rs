//! `ddnsup import ddns-scripts FILE` through the real binary: stdout with `***`, `--output` mode 600 and no overwrite, the old file untouched, the result passing `check`.
mod support;

use std::os::unix::fs::PermissionsExt;
use support::{TempDir, run};

const TOKEN: &str = "duck-0123-secret";
const DYNV6: &str = "dynv6-tok'en";
const PASSWORD: &str = "dyn pass\"word";

/// An /etc/config/ddns in the shape ddns-scripts ships and documents
/// (https://openwrt.org/docs/guide-user/services/ddns/client): a global section, service
/// sections of `option` lines in single, double and no quotes, one disabled.
fn uci() -> String {
    format!(
        r#"
config ddns 'global'
	option ddns_dateformat '%F %R'
	option ddns_loglines '250'
	option upd_privateip '0'

config service 'myddns_ipv4'
	option service_name 'duckdns.org'
	option enabled '1'
	option lookup_host 'myhome.duckdns.org'
	option domain 'myhome'
	option username 'NA'
	option password '{TOKEN}'
	option ip_source 'interface'
	option ip_interface 'pppoe-wan'
	option interface 'wan'
	option force_interval '72'
	option force_unit 'hours'
	option check_interval '10'
	option check_unit 'minutes'

config service "myddns_ipv6"
	option service_name "dynv6.com"
	option use_ipv6 "1"
	option domain "myhome.dynv6.net"
	option password 'dynv6-tok'\''en'
	option ip_source web
	option ip_url https://api6.ipify.org

config service 'dyn'
	option service_name 'dyndns.org'
	option domain 'me.dyndns.org'
	option username 'me'
	option password "dyn pass\"word"

config service 'old'
	option service_name 'dyn.com'
	option enabled '0'
	option domain 'old.dyndns.org'
"#
    )
}

fn no_secret(text: &str, what: &str) {
    for s in [TOKEN, DYNV6, PASSWORD, "dyn pass"] {
        assert!(!text.contains(s), "{what} shows a secret:\n{text}");
    }
}

fn input(dir: &TempDir) -> (String, Vec<u8>, u32) {
    let path = dir.write("ddns", uci());
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
    let bytes = std::fs::read(&path).unwrap();
    (path.to_str().unwrap().to_string(), bytes, 0o640)
}

#[track_caller]
fn unchanged(path: &str, bytes: &[u8], mode: u32) {
    assert_eq!(std::fs::read(path).unwrap(), bytes, "{path} changed");
    let m = std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
    assert_eq!(m, mode, "{path} mode changed");
}

#[test]
fn stdout_shows_the_config_with_secrets_hidden() {
    let dir = TempDir::new("import-uci-stdout");
    let (path, bytes, mode) = input(&dir);
    let out = run(&["import", "ddns-scripts", &path], &[]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    no_secret(&out.stdout, "stdout");
    no_secret(&out.stderr, "stderr");
    let want = [
        "refresh_days = 3\n",
        "[ip]\nsources = [\"interface:pppoe-wan\"]\nsources6 = [\"https://api6.ipify.org\"]\n",
        "# from section 'myddns_ipv4' (line 7)\n",
        "# option lookup_host 'myhome.duckdns.org': not needed",
        "[[record]]\nprovider = \"duckdns\"\ndomain = \"myhome\"\ntoken = \"***\"\n",
        "provider = \"dynv6\"\nzone = \"myhome.dynv6.net\"\ntoken = \"***\"\nfamily = \"ipv6\"\n",
        "provider = \"dyn\"\nhostname = \"me.dyndns.org\"\nusername = \"me\"\npassword = \"***\"\n",
        "# option upd_privateip '0': ddnsup never publishes a private address\n",
        "# section 'old' (line 36): not imported: it is disabled (option enabled '0')\n",
    ];
    for w in want {
        assert!(out.stdout.contains(w), "missing {w:?} in:\n{}", out.stdout);
    }
    assert_eq!(
        out.stdout.matches("[[record]]").count(),
        3,
        "{}",
        out.stdout
    );
    unchanged(&path, &bytes, mode);
}

#[test]
fn output_is_written_mode_600_passes_check_and_is_never_overwritten() {
    let dir = TempDir::new("import-uci-output");
    let (path, bytes, mode) = input(&dir);
    let target = dir.join("config.toml");
    let target = target.to_str().unwrap();
    let out = run(&["import", "ddns-scripts", &path, "--output", target], &[]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    no_secret(&out.stdout, "stdout");
    no_secret(&out.stderr, "stderr");
    assert!(out.stdout.contains(target), "{}", out.stdout);
    let mode600 = std::fs::metadata(target).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode600, 0o600);
    let written = std::fs::read_to_string(target).unwrap();
    assert!(
        written.contains(&format!("token = \"{TOKEN}\"")),
        "{written}"
    );
    assert!(written.contains("token = \"dynv6-tok'en\""), "{written}");
    assert!(
        written.contains("password = \"dyn pass\\\"word\""),
        "{written}"
    );
    assert!(!written.contains("***"), "{written}");

    let check = run(&["check", "-c", target], &[]);
    assert_eq!(check.code, 0, "{}{}", check.stdout, check.stderr);
    assert!(check.stdout.contains("OK, 3 record(s)"), "{}", check.stdout);
    assert!(
        check.stdout.contains("myhome.duckdns.org (duckdns) A"),
        "{}",
        check.stdout
    );
    assert!(
        check.stdout.contains("myhome.dynv6.net (dynv6) AAAA"),
        "{}",
        check.stdout
    );

    // Again into the same file: refused, the file as it was.
    std::fs::write(target, "# mine\n").unwrap();
    let again = run(&["import", "ddns-scripts", &path, "-o", target], &[]);
    assert_eq!(again.code, 2, "{}", again.stderr);
    assert!(again.stderr.contains("cannot write"), "{}", again.stderr);
    assert_eq!(std::fs::read_to_string(target).unwrap(), "# mine\n");
    unchanged(&path, &bytes, mode);
}

#[test]
fn a_syntax_error_names_the_line_and_writes_nothing() {
    let dir = TempDir::new("import-uci-syntax");
    let path = dir.write(
        "ddns",
        "config service 'a'\n\toption service_name 'duckdns.org'\n\toption password 'open\n",
    );
    let target = dir.join("out.toml");
    let out = run(
        &[
            "import",
            "ddns-scripts",
            path.to_str().unwrap(),
            "--output",
            target.to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("line 3: unterminated quote"),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("open"), "{}", out.stderr);
    assert!(!target.exists());
}

#[test]
fn nothing_to_import_and_unknown_kinds_are_errors() {
    let dir = TempDir::new("import-uci-empty");
    let path = dir.write("ddns", "config ddns 'global'\n\toption upd_privateip '0'\n");
    let out = run(&["import", "ddns-scripts", path.to_str().unwrap()], &[]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("no section that ddnsup can import"),
        "{}",
        out.stderr
    );
    assert_eq!(out.stdout, "");
    let out = run(&["import", "nosuch", path.to_str().unwrap()], &[]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("unknown kind \"nosuch\""),
        "{}",
        out.stderr
    );
    let out = run(
        &[
            "import",
            "ddns-scripts",
            dir.join("absent").to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("cannot read"), "{}", out.stderr);
}

#[test]
fn a_section_the_config_parser_refuses_becomes_a_note() {
    let dir = TempDir::new("import-uci-invalid");
    let bad = "config service 'bad'\n\toption service_name 'duckdns.org'\n\toption domain 'a.b.example.com'\n\toption password 'p'\n";
    let good = "config service 'good'\n\toption service_name 'duckdns.org'\n\toption domain 'fine'\n\toption password 'p'\n";
    let path = dir.write("ddns", format!("{bad}{good}"));
    let out = run(&["import", "ddns-scripts", path.to_str().unwrap()], &[]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.contains("# section 'bad' (line 1): not imported: key \"domain\": give only the DuckDNS subdomain"),
        "{}",
        out.stdout
    );
    assert_eq!(
        out.stdout.matches("[[record]]").count(),
        1,
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("domain = \"fine\""), "{}", out.stdout);

    // Only the bad one: nothing to import, the reason shown, nothing written.
    let path = dir.write("ddns-bad", bad);
    let target = dir.join("out.toml");
    let out = run(
        &[
            "import",
            "ddns-scripts",
            path.to_str().unwrap(),
            "--output",
            target.to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("no section that ddnsup can import"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("DuckDNS subdomain"), "{}", out.stderr);
    assert!(!target.exists());
}
