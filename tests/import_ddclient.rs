//! `ddnsup import ddclient FILE` through the real binary: stdout with `***`, `--output` mode 600 and no overwrite, `check` on the result.
mod support;

use std::os::unix::fs::PermissionsExt;
use support::{TempDir, run};

/// A ddclient.conf in the shape of ddclient's sample: globals, continuations, per-host lines.
const CONF: &str = "\
# /etc/ddclient.conf
daemon=300
syslog=yes
ssl=yes
max-interval=20d
usev4=ifv4, ifv4=pppoe-wan
usev6=webv6, webv6=ipify-ipv6

protocol=dyndns2,                   \\
server=dyn.dns.he.net,              \\
login=he-user,                      \\
password='he-Secret-1'              \\ # the host's key
home.example.org

protocol=duckdns, password=duck-Secret-2, wildcard=yes myhome.duckdns.org
protocol=cloudflare, zone=example.com, login=token, password=cf-Secret-3 vpn.example.com
protocol=zoneedit1, login=me, password=free-Secret-4 x.zoneedit.com
";

const SECRETS: &[&str] = &[
    "he-Secret-1",
    "duck-Secret-2",
    "cf-Secret-3",
    "free-Secret-4",
];

fn no_secret(text: &str) {
    for s in SECRETS {
        assert!(!text.contains(s), "secret {s} shown:\n{text}");
    }
}

#[test]
fn stdout_shows_the_config_with_secrets_hidden() {
    let dir = TempDir::new("import-ddclient-stdout");
    let conf = dir.write("ddclient.conf", CONF);
    let out = run(&["import", "ddclient", conf.to_str().unwrap()], &[]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    no_secret(&out.stdout);
    no_secret(&out.stderr);
    let o = &out.stdout;
    for want in [
        "refresh_days = 20",
        "sources = [\"interface:pppoe-wan\"]",
        "sources6 = [\"https://api6.ipify.org\"]",
        "provider = \"he\"",
        "hostname = \"home.example.org\"",
        "username = \"he-user\"",
        "password = \"***\"",
        "provider = \"duckdns\"",
        "domain = \"myhome\"",
        "token = \"***\"",
        "provider = \"cloudflare\"",
        "name = \"vpn.example.com\"",
        "family = \"both\"",
        "# option daemon:",
        "# option wildcard=yes:",
        "# host x.zoneedit.com (line 17) is not imported",
    ] {
        assert!(o.contains(want), "missing {want:?} in:\n{o}");
    }
    assert_eq!(o.matches("[[record]]").count(), 3, "{o}");
    assert_eq!(std::fs::read_to_string(&conf).unwrap(), CONF);
}

#[test]
fn output_is_mode_600_passes_check_and_is_never_overwritten() {
    let dir = TempDir::new("import-ddclient-output");
    let conf = dir.write("ddclient.conf", CONF);
    let target = dir.join("config.toml");
    let args = [
        "import",
        "ddclient",
        conf.to_str().unwrap(),
        "--output",
        target.to_str().unwrap(),
    ];
    let out = run(&args, &[]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    no_secret(&out.stdout);
    no_secret(&out.stderr);
    let mode = std::fs::metadata(&target).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    let written = std::fs::read_to_string(&target).unwrap();
    for s in &SECRETS[..3] {
        assert!(written.contains(s), "{s} not written:\n{written}");
    }
    assert!(!written.contains("free-Secret-4"), "{written}");
    let check = run(&["check", "-c", target.to_str().unwrap()], &[]);
    assert_eq!(check.code, 0, "{}{}", check.stdout, check.stderr);
    no_secret(&check.stdout);
    no_secret(&check.stderr);
    // A second import onto the same file fails and leaves both files as they were.
    let again = run(&args, &[]);
    assert_eq!(again.code, 2, "{}", again.stderr);
    assert_eq!(std::fs::read_to_string(&target).unwrap(), written);
    assert_eq!(std::fs::read_to_string(&conf).unwrap(), CONF);
}

#[test]
fn a_syntax_error_names_the_file_and_line() {
    let dir = TempDir::new("import-ddclient-syntax");
    let conf = dir.write(
        "ddclient.conf",
        "daemon=300\nprotocol=duckdns\npassword='open home\n",
    );
    let target = dir.join("config.toml");
    let out = run(
        &[
            "import",
            "ddclient",
            conf.to_str().unwrap(),
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
    assert!(out.stderr.contains("ddclient.conf"), "{}", out.stderr);
    assert!(!target.exists());
}

#[test]
fn a_config_with_no_host_ddnsup_can_update_is_refused() {
    let dir = TempDir::new("import-ddclient-empty");
    let conf = dir.write(
        "ddclient.conf",
        "daemon=300\nprotocol=zoneedit1, login=me, password=p x.zoneedit.com\n",
    );
    let out = run(&["import", "ddclient", conf.to_str().unwrap()], &[]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("no host that ddnsup can update"),
        "{}",
        out.stderr
    );
    assert!(out.stdout.is_empty(), "{}", out.stdout);
}
