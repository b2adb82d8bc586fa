//! The OpenWrt hotplug hook (packaging/openwrt/etc/hotplug.d/iface/95-ddnsup) under busybox ash
//! in a fake root, with the environment OpenWrt's hotplug sets: `ifup` of a watched interface,
//! and `ifupdate` with new addresses, start exactly one `ddnsup -q --syslog` after the settle
//! delay, without hotplug waiting for it; other events and interfaces start none.
//!
//! Needs root (chroot) and Debian's busybox-static (/bin/busybox); skips without them unless
//! DDNSUP_TEST_REQUIRE_BUSYBOX=1 (CI), where it fails instead.
mod support;

use std::os::unix::fs::{PermissionsExt, symlink};
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};
use support::TempDir;

const HOOK: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/packaging/openwrt/etc/hotplug.d/iface/95-ddnsup"
);
const BUSYBOX: &str = "/bin/busybox";
const REQUIRE_VAR: &str = "DDNSUP_TEST_REQUIRE_BUSYBOX";
/// The settle delay the tests configure in /etc/ddnsup/hotplug.
const SETTLE_SECS: u64 = 1;

/// Whether busybox and chroot are usable; else skip (or fail when required).
fn usable() -> bool {
    let why = if !Path::new(BUSYBOX).exists() {
        "no /bin/busybox (apt-get install busybox-static)"
    } else if unsafe { libc::geteuid() } != 0 {
        "not root (chroot needs it)"
    } else {
        return true;
    };
    let required = std::env::var(REQUIRE_VAR).is_ok_and(|v| v == "1");
    assert!(!required, "{REQUIRE_VAR}=1 but {why}");
    eprintln!("skipped: {why}");
    false
}

/// A hard link where it can be: a copy is open for writing while it is made, and a process
/// forked meanwhile by another test thread would hold it open and make its exec fail
/// ("Text file busy").
fn link_or_copy(from: &Path, to: &Path) {
    if std::fs::hard_link(from, to).is_err() {
        std::fs::copy(from, to).unwrap();
    }
}

/// A fake OpenWrt root: busybox as sh and sleep, the hook, a settings file, and a fake
/// `/usr/bin/ddnsup` that appends its arguments to /tmp/runs.
fn fake_root(tag: &str, settings: &str) -> TempDir {
    let root = TempDir::new(tag);
    for dir in [
        "bin",
        "usr/bin",
        "tmp",
        "dev",
        "etc/ddnsup",
        "etc/hotplug.d/iface",
    ] {
        std::fs::create_dir_all(root.join(dir)).unwrap();
    }
    link_or_copy(Path::new(BUSYBOX), &root.join("bin/busybox"));
    for applet in ["sh", "sleep", "echo"] {
        symlink("busybox", root.join("bin").join(applet)).unwrap();
    }
    // /dev/null for the hook's redirections: a bind would need a mount; a regular file serves.
    std::fs::write(root.join("dev/null"), "").unwrap();
    let fake = root.write("usr/bin/ddnsup", "#!/bin/sh\necho \"$*\" >> /tmp/runs\n");
    std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
    let hook = root.join("etc/hotplug.d/iface/95-ddnsup");
    std::fs::copy(HOOK, &hook).unwrap();
    root.write(
        "etc/ddnsup/hotplug",
        format!("DDNSUP_SETTLE_SECS={SETTLE_SECS}\n{settings}"),
    );
    root
}

/// Runs the hook as hotplug does (`ACTION`, `INTERFACE`, `DEVICE`, ...); returns how long it
/// took to return.
fn hotplug(root: &Path, env: &[(&str, &str)]) -> Duration {
    let start = Instant::now();
    let out = Command::new("chroot")
        .arg(root)
        .args(["/bin/sh", "/etc/hotplug.d/iface/95-ddnsup"])
        .env_clear()
        .env("PATH", "/usr/sbin:/usr/bin:/sbin:/bin")
        .envs(env.iter().copied())
        .output()
        .unwrap();
    assert!(out.status.success(), "hook failed: {out:?}");
    assert!(
        out.stdout.is_empty() && out.stderr.is_empty(),
        "hook spoke: {out:?}"
    );
    start.elapsed()
}

fn runs(root: &Path) -> Vec<String> {
    std::fs::read_to_string(root.join("tmp/runs"))
        .unwrap_or_default()
        .lines()
        .map(str::to_string)
        .collect()
}

/// The runs the hook started, once the settle delay and a margin have passed.
fn runs_after_settling(root: &Path) -> Vec<String> {
    std::thread::sleep(Duration::from_secs(SETTLE_SECS) + Duration::from_millis(1500));
    runs(root)
}

struct Case {
    name: &'static str,
    settings: &'static str,
    env: &'static [(&'static str, &'static str)],
    starts: usize,
}

const CASES: &[Case] = &[
    Case {
        name: "ifup-wan",
        settings: "",
        env: &[
            ("ACTION", "ifup"),
            ("INTERFACE", "wan"),
            ("DEVICE", "pppoe-wan"),
        ],
        starts: 1,
    },
    Case {
        name: "ifup-wan6",
        settings: "",
        env: &[
            ("ACTION", "ifup"),
            ("INTERFACE", "wan6"),
            ("DEVICE", "pppoe-wan"),
        ],
        starts: 1,
    },
    Case {
        name: "ifupdate-addr",
        settings: "",
        env: &[
            ("ACTION", "ifupdate"),
            ("INTERFACE", "wan"),
            ("DEVICE", "eth1"),
            ("IFUPDATE_ADDRESSES", "1"),
        ],
        starts: 1,
    },
    Case {
        name: "ifupdate-route",
        settings: "",
        env: &[
            ("ACTION", "ifupdate"),
            ("INTERFACE", "wan"),
            ("DEVICE", "eth1"),
            ("IFUPDATE_ROUTES", "1"),
        ],
        starts: 0,
    },
    Case {
        name: "ifdown-wan",
        settings: "",
        env: &[
            ("ACTION", "ifdown"),
            ("INTERFACE", "wan"),
            ("DEVICE", "eth1"),
        ],
        starts: 0,
    },
    Case {
        name: "ifup-lan",
        settings: "",
        env: &[
            ("ACTION", "ifup"),
            ("INTERFACE", "lan"),
            ("DEVICE", "br-lan"),
        ],
        starts: 0,
    },
    Case {
        name: "ifup-wanb-watched",
        settings: "DDNSUP_INTERFACES=\"wanb\"\n",
        env: &[
            ("ACTION", "ifup"),
            ("INTERFACE", "wanb"),
            ("DEVICE", "eth2"),
        ],
        starts: 1,
    },
    Case {
        name: "ifup-wan-unwatched",
        settings: "DDNSUP_INTERFACES=\"wanb\"\n",
        env: &[("ACTION", "ifup"), ("INTERFACE", "wan"), ("DEVICE", "eth1")],
        starts: 0,
    },
    Case {
        name: "no-binary",
        settings: "DDNSUP_BIN=/usr/bin/missing\n",
        env: &[("ACTION", "ifup"), ("INTERFACE", "wan"), ("DEVICE", "eth1")],
        starts: 0,
    },
    Case {
        name: "ifup-prefix-of-watched",
        settings: "",
        env: &[("ACTION", "ifup"), ("INTERFACE", "wa"), ("DEVICE", "eth1")],
        starts: 0,
    },
];

#[test]
fn the_right_events_start_exactly_one_run_and_hotplug_never_waits() {
    if !usable() {
        return;
    }
    // Every root is made before any process starts (see `link_or_copy`).
    let roots: Vec<(&Case, TempDir)> = CASES
        .iter()
        .map(|case| {
            (
                case,
                fake_root(&format!("hotplug-{}", case.name), case.settings),
            )
        })
        .collect();
    let threads: Vec<_> = roots
        .into_iter()
        .map(|(case, root)| {
            std::thread::spawn(move || {
                let took = hotplug(root.path(), case.env);
                assert!(
                    took < Duration::from_secs(SETTLE_SECS),
                    "{}: hotplug waited {took:?} for the run",
                    case.name
                );
                assert!(
                    runs(root.path()).is_empty(),
                    "{}: ran before settling",
                    case.name
                );
                let started = runs_after_settling(root.path());
                assert_eq!(started.len(), case.starts, "{}: {started:?}", case.name);
                for args in &started {
                    assert_eq!(args, "-q --syslog", "{}", case.name);
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
}
