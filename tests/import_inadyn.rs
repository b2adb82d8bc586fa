//! `ddnsup import inadyn FILE` through the real binary: stdout with `***`, `--output` mode 600 and no overwrite, the output passes `check`.
mod support;

use std::os::unix::fs::PermissionsExt;
use support::{Run, TempDir};

/// In the shapes of inadyn's README ("Example Configuration", "Custom DDNS Providers") and
/// inadyn.conf(5): globals, `provider` blocks with a hostname list, a `custom` block with
/// format specifiers, and options ddnsup cannot carry over.
const CONF: &str = r#"# In-A-Dyn v2.0 configuration file format
period          = 300
forced-update   = 2592000
iface           = eth0
user-agent      = "inadyn/2.12"

provider default@dyndns.org {
    ssl         = true
    username    = charlie
    password    = "snoopy-secret-1"
    hostname    = { "peanuts.dyndns.org", "woodstock.dyndns.org" }
}

provider default@no-ip.com:2 {
    username       = james
    password       = bond-secret-2
    hostname       = spectre.no-ip.com
    checkip-server = api.ipify.org
    wildcard       = true
}

provider default@dynv6.com {
    username = dynv6-secret-3
    password = n/a
    hostname = host1.dynv6.net
}

provider default@tunnelbroker.net {
    username    = futurekid
    password    = tb-secret-4
    hostname    = 1234534245321
}

custom randomhandle {
    username    = DYNUSERNAME
    password    = custom-secret-5
    ddns-server = members.dyndns.org
    ddns-path   = "/nic/update?hostname=%h&myip=%i"
    hostname    = home.example.org
    ddns-response = { good, nochg }
}

custom keyinpath {
    ddns-server = u.example.net
    ddns-path   = "/u?h=%h&token=custom-secret-6"
    hostname    = other.example.org
}
"#;

const SECRETS: &[&str] = &[
    "snoopy-secret-1",
    "bond-secret-2",
    "dynv6-secret-3",
    "tb-secret-4",
    "custom-secret-5",
    "custom-secret-6",
];

fn setup(tag: &str) -> (TempDir, String) {
    let dir = TempDir::new(tag);
    let path = dir.write("inadyn.conf", CONF);
    (dir, path.to_str().unwrap().to_string())
}

#[test]
fn prints_the_config_with_secrets_hidden() {
    let (_dir, conf) = setup("inadyn-stdout");
    let out = Run::new().args(["import", "inadyn", &conf]).output();
    assert_eq!(out.code, 0, "{}", out.stderr);
    for s in SECRETS {
        assert!(!out.stdout.contains(s), "{s} shown:\n{}", out.stdout);
        assert!(!out.stderr.contains(s), "{s} shown:\n{}", out.stderr);
    }
    let o = &out.stdout;
    for want in [
        "refresh_days = 30",
        "\"interface:eth0\"",
        "\"https://api.ipify.org/\"",
        "provider = \"dyn\"",
        "hostname = \"woodstock.dyndns.org\"",
        "provider = \"noip\"",
        "provider = \"dynv6\"",
        "zone = \"host1.dynv6.net\"",
        "provider = \"custom\"",
        "\"https://members.dyndns.org/nic/update?hostname={hostname}&myip={ip}\"",
        "password = \"***\"",
        "token = \"***\"",
    ] {
        assert!(o.contains(want), "missing {want}:\n{o}");
    }
    // What does not carry over is a comment, never silence.
    for note in ["period", "user-agent", "wildcard", "tunnelbroker"] {
        assert!(
            o.lines().any(|l| l.starts_with('#') && l.contains(note)),
            "no note on {note}:\n{o}"
        );
    }
    assert_eq!(
        std::fs::read_to_string(&conf).unwrap(),
        CONF,
        "input changed"
    );
}

#[test]
fn output_is_mode_600_passes_check_and_is_never_overwritten() {
    let (dir, conf) = setup("inadyn-output");
    let target = dir.join("config.toml");
    let t = target.to_str().unwrap();
    let out = Run::new()
        .args(["import", "inadyn", &conf, "--output", t])
        .output();
    assert_eq!(out.code, 0, "{}", out.stderr);
    let mode = std::fs::metadata(&target).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    let written = std::fs::read_to_string(&target).unwrap();
    for s in [
        "snoopy-secret-1",
        "dynv6-secret-3",
        "custom-secret-5",
        "custom-secret-6",
    ] {
        assert!(written.contains(s), "{s} not written:\n{written}");
    }
    assert!(
        !written.contains("tb-secret-4"),
        "an unimported section's secret written"
    );
    for s in SECRETS {
        assert!(!out.stdout.contains(s) && !out.stderr.contains(s));
    }
    let check = Run::new().args(["-c", t, "check"]).output();
    assert_eq!(check.code, 0, "{}\n{}", check.stdout, check.stderr);

    // A second import never replaces the file.
    let again = Run::new()
        .args(["import", "inadyn", &conf, "--output", t])
        .output();
    assert_ne!(again.code, 0);
    assert_eq!(std::fs::read_to_string(&target).unwrap(), written);
    assert_eq!(
        std::fs::read_to_string(&conf).unwrap(),
        CONF,
        "input changed"
    );
}

#[test]
fn a_syntax_error_names_the_line() {
    let dir = TempDir::new("inadyn-bad");
    let conf = dir.write(
        "inadyn.conf",
        "period = 300\nprovider default@no-ip.com {\n    username = \"james\n}\n",
    );
    let out = Run::new()
        .args(["import", "inadyn", conf.to_str().unwrap()])
        .output();
    assert_ne!(out.code, 0);
    assert!(
        out.stderr.contains("line 3: unterminated quote"),
        "{}",
        out.stderr
    );
    assert!(out.stdout.is_empty());
}
