//! The packages scripts/package.sh builds: each .ipk unpacked (archive layout, control fields,
//! conffiles, file modes) and its maintainer scripts run twice under busybox ash in a fake root,
//! then removed; the OpenWrt 25 tarball's install.sh the same way; the .deb's fields and modes,
//! and (with DDNSUP_TEST_DPKG_INSTALL=1, as root: CI) installed with the real dpkg, checked,
//! its units verified by systemd-analyze, then purged leaving nothing behind.
//!
//! The binaries packaged are copies of the test build, or with DDNSUP_TEST_PACKAGE_BINDIR the
//! ddnsup-TARGET files scripts/cross-check.sh --out made (CI: mipsel and x86_64).
//! Needs dpkg-deb; the fake-root part needs root and busybox-static (see openwrt_hotplug.rs).
mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;
use support::TempDir;

const CRON_LINE: &str = "*/5 * * * * /usr/bin/ddnsup -q --syslog";
const KEEP_MARK: &str = "# ddnsup: keep its config and state over sysupgrade";
const USER_CRON: &str = "0 3 * * * /sbin/reboot";
const USER_KEEP: &str = "/etc/myfile";

fn sh(cmd: &mut Command) -> Output {
    let out = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn text(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn required(var: &str) -> bool {
    std::env::var(var).is_ok_and(|v| v == "1")
}

/// Whether chroot + busybox are usable here; else skip, or fail under the CI variable.
fn fake_roots_usable() -> bool {
    let why = if !Path::new("/bin/busybox").exists() {
        "no /bin/busybox"
    } else if unsafe { libc::geteuid() } != 0 {
        "not root"
    } else {
        return true;
    };
    assert!(
        !required("DDNSUP_TEST_REQUIRE_BUSYBOX"),
        "DDNSUP_TEST_REQUIRE_BUSYBOX=1 but {why}"
    );
    eprintln!("skipped the fake-root part: {why}");
    false
}

/// Every package, built once per test process into a temp dir.
fn build() -> (&'static TempDir, Vec<PathBuf>) {
    static BUILT: OnceLock<(TempDir, Vec<PathBuf>)> = OnceLock::new();
    let (dir, built) = BUILT.get_or_init(build_all);
    (dir, built.clone())
}

fn build_all() -> (TempDir, Vec<PathBuf>) {
    let dir = TempDir::new("packages");
    let bindir = match std::env::var_os("DDNSUP_TEST_PACKAGE_BINDIR") {
        Some(d) => PathBuf::from(d),
        None => {
            let b = dir.join("bin");
            std::fs::create_dir_all(&b).unwrap();
            for target in ["mipsel-unknown-linux-musl", "x86_64-unknown-linux-musl"] {
                std::fs::copy(
                    env!("CARGO_BIN_EXE_ddnsup"),
                    b.join(format!("ddnsup-{target}")),
                )
                .unwrap();
            }
            b
        }
    };
    let out = sh(
        Command::new(concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/package.sh"))
            .arg("--out")
            .arg(dir.join("out"))
            .arg(&bindir)
            .env("SOURCE_DATE_EPOCH", "1700000000"),
    );
    let built: Vec<PathBuf> = text(&out).lines().map(PathBuf::from).collect();
    for wanted in [
        "mipsel_24kc.ipk",
        "x86_64.ipk",
        "mipsel_24kc.tar.gz",
        "amd64.deb",
    ] {
        assert!(
            built.iter().any(|p| p.to_str().unwrap().ends_with(wanted)),
            "no *{wanted} in {built:?}"
        );
    }
    (dir, built)
}

fn find<'a>(built: &'a [PathBuf], suffix: &str) -> &'a Path {
    built
        .iter()
        .find(|p| p.to_str().unwrap().ends_with(suffix))
        .unwrap()
}

/// `mode owner path` for each member of a tar.gz (`tar -tvz`).
fn members(archive: &Path) -> Vec<(String, String, String)> {
    let out = sh(Command::new("tar").arg("-tvzf").arg(archive));
    text(&out)
        .lines()
        .map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            (f[0].to_string(), f[1].to_string(), f[5..].join(" "))
        })
        .collect()
}

fn unpack(archive: &Path, into: &Path) {
    std::fs::create_dir_all(into).unwrap();
    sh(Command::new("tar")
        .arg("-xzf")
        .arg(archive)
        .arg("-C")
        .arg(into));
}

fn field<'a>(control: &'a str, name: &str) -> Option<&'a str> {
    control
        .lines()
        .find_map(|l| l.strip_prefix(&format!("{name}: ")))
}

#[test]
fn ipk_layout_fields_and_modes() {
    let (dir, built) = build();
    for (suffix, arch) in [("mipsel_24kc.ipk", "mipsel_24kc"), ("x86_64.ipk", "x86_64")] {
        let ipk = find(&built, suffix);
        let names: Vec<String> = members(ipk).into_iter().map(|m| m.2).collect();
        assert_eq!(
            names,
            ["./debian-binary", "./data.tar.gz", "./control.tar.gz"],
            "{suffix}: opkg's outer layout"
        );
        let x = dir.join(format!("x-{arch}"));
        unpack(ipk, &x);
        assert_eq!(
            std::fs::read_to_string(x.join("debian-binary")).unwrap(),
            "2.0\n"
        );
        let ctl = x.join("control");
        unpack(&x.join("control.tar.gz"), &ctl);
        let control = std::fs::read_to_string(ctl.join("control")).unwrap();
        assert_eq!(field(&control, "Package"), Some("ddnsup"));
        assert_eq!(field(&control, "Architecture"), Some(arch));
        assert_eq!(
            field(&control, "Version"),
            Some(concat!(env!("CARGO_PKG_VERSION"), "-1"))
        );
        assert!(field(&control, "Installed-Size").is_some_and(|s| s.parse::<u64>().is_ok()));
        assert!(field(&control, "Description").is_some());
        assert_eq!(
            std::fs::read_to_string(ctl.join("conffiles")).unwrap(),
            "/etc/ddnsup/config.toml\n"
        );
        let data = members(&x.join("data.tar.gz"));
        for (path, mode) in [
            ("./usr/bin/ddnsup", "-rwxr-xr-x"),
            ("./etc/ddnsup/config.toml", "-rw-------"),
            ("./etc/hotplug.d/iface/95-ddnsup", "-rwxr-xr-x"),
        ] {
            let m = data
                .iter()
                .find(|m| m.2 == path)
                .unwrap_or_else(|| panic!("no {path}"));
            assert_eq!((m.0.as_str(), m.1.as_str()), (mode, "0/0"), "{path}");
        }
        let mut sorted: Vec<&String> = data.iter().map(|m| &m.2).collect();
        sorted.dedup();
        assert_eq!(sorted.len(), data.len(), "each member once");
    }
}

/// A fake OpenWrt root with busybox, the user's own crontab and sysupgrade lines.
fn openwrt_root(tag: &str) -> TempDir {
    let root = TempDir::new(tag);
    for d in ["bin", "tmp", "etc/crontabs"] {
        std::fs::create_dir_all(root.join(d)).unwrap();
    }
    // A hard link where it can be (see openwrt_hotplug.rs: a copy races with other forks).
    if std::fs::hard_link("/bin/busybox", root.join("bin/busybox")).is_err() {
        std::fs::copy("/bin/busybox", root.join("bin/busybox")).unwrap();
    }
    sh(Command::new("chroot")
        .arg(root.path())
        .args(["/bin/busybox", "--install", "-s", "/bin"]));
    root.write("etc/crontabs/root", format!("{USER_CRON}\n"));
    root.write("etc/sysupgrade.conf", format!("{USER_KEEP}\n"));
    root
}

fn in_root(root: &Path, script: &str, args: &[&str]) {
    // By path: the child's PATH (the fake root's /bin) is also where Command looks.
    sh(Command::new("/usr/sbin/chroot")
        .arg(root)
        .args(["/bin/sh", script])
        .args(args)
        .env_clear()
        .env("PATH", "/bin"));
}

fn lines(root: &Path, file: &str) -> Vec<String> {
    std::fs::read_to_string(root.join(file))
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

#[track_caller]
fn expect_installed(root: &Path) {
    assert_eq!(lines(root, "etc/crontabs/root"), [USER_CRON, CRON_LINE]);
    assert_eq!(
        lines(root, "etc/sysupgrade.conf"),
        [USER_KEEP, KEEP_MARK, "/etc/ddnsup/"]
    );
}

#[track_caller]
fn expect_removed(root: &Path) {
    assert_eq!(lines(root, "etc/crontabs/root"), [USER_CRON]);
    assert_eq!(lines(root, "etc/sysupgrade.conf"), [USER_KEEP]);
    let config = std::fs::read_to_string(root.join("etc/ddnsup/config.toml")).unwrap();
    assert!(config.ends_with("# mine\n"), "the user's config is kept");
}

#[test]
fn ipk_maintainer_scripts_run_twice_then_remove_only_what_they_added() {
    if !fake_roots_usable() {
        return;
    }
    let (dir, built) = build();
    let root = openwrt_root("ipk-root");
    let x = dir.join("x");
    unpack(find(&built, "mipsel_24kc.ipk"), &x);
    unpack(&x.join("data.tar.gz"), root.path());
    unpack(&x.join("control.tar.gz"), &root.join("tmp/ctl"));
    for _ in 0..2 {
        in_root(root.path(), "/tmp/ctl/postinst", &["configure"]);
        expect_installed(root.path());
    }
    let config = root.join("etc/ddnsup/config.toml");
    let mut text = std::fs::read_to_string(&config).unwrap();
    text.push_str("# mine\n");
    std::fs::write(&config, text).unwrap();
    // An upgrade's postrm leaves everything in place.
    in_root(root.path(), "/tmp/ctl/postrm", &["upgrade"]);
    expect_installed(root.path());
    in_root(root.path(), "/tmp/ctl/postrm", &["remove"]);
    expect_removed(root.path());
    in_root(root.path(), "/tmp/ctl/postrm", &["remove"]);
    expect_removed(root.path());
}

#[test]
fn openwrt25_tarball_installs_twice_and_removes() {
    if !fake_roots_usable() {
        return;
    }
    let (_dir, built) = build();
    let root = openwrt_root("tarball-root");
    unpack(find(&built, "mipsel_24kc.tar.gz"), &root.join("tmp"));
    let name = format!("ddnsup-{}-mipsel_24kc", env!("CARGO_PKG_VERSION"));
    let script = format!("/tmp/{name}/install.sh");
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &str| {
        std::fs::metadata(root.join(p))
            .unwrap()
            .permissions()
            .mode()
            & 0o777
    };
    for _ in 0..2 {
        in_root(root.path(), &script, &[]);
        expect_installed(root.path());
        assert_eq!(mode("usr/bin/ddnsup"), 0o755);
        assert_eq!(mode("etc/ddnsup/config.toml"), 0o600);
        assert_eq!(mode("etc/hotplug.d/iface/95-ddnsup"), 0o755);
    }
    let config = root.join("etc/ddnsup/config.toml");
    let mut text = std::fs::read_to_string(&config).unwrap();
    text.push_str("# mine\n");
    std::fs::write(&config, &text).unwrap();
    in_root(root.path(), &script, &["install"]);
    assert_eq!(
        std::fs::read_to_string(&config).unwrap(),
        text,
        "never overwritten"
    );
    in_root(root.path(), &script, &["remove"]);
    expect_removed(root.path());
    assert!(!root.join("usr/bin/ddnsup").exists());
    assert!(!root.join("etc/hotplug.d/iface/95-ddnsup").exists());
}

#[test]
fn deb_fields_and_modes() {
    let (_dir, built) = build();
    let deb = find(&built, "amd64.deb");
    let info = text(&sh(Command::new("dpkg-deb").arg("-f").arg(deb)));
    assert_eq!(field(&info, "Package"), Some("ddnsup"));
    assert_eq!(field(&info, "Architecture"), Some("amd64"));
    let conffiles = text(&sh(Command::new("dpkg-deb")
        .args(["--ctrl-tarfile"])
        .arg(deb)));
    let _ = conffiles;
    let listing = text(&sh(Command::new("dpkg-deb").arg("-c").arg(deb)));
    for (path, mode) in [
        ("./usr/bin/ddnsup", "-rwxr-xr-x"),
        ("./etc/ddnsup/config.toml", "-rw-------"),
        ("./lib/systemd/system/ddnsup.service", "-rw-r--r--"),
        ("./lib/systemd/system/ddnsup.timer", "-rw-r--r--"),
        ("./usr/share/man/man8/ddnsup.8.gz", "-rw-r--r--"),
    ] {
        let line = listing
            .lines()
            .find(|l| l.ends_with(path))
            .unwrap_or_else(|| panic!("no {path} in\n{listing}"));
        assert!(line.starts_with(&format!("{mode} root/root")), "{line}");
    }
    let unit = text(&sh(Command::new("sh").arg("-c").arg(format!(
        "dpkg-deb --fsys-tarfile {} | tar -xOf - ./lib/systemd/system/ddnsup.service",
        deb.display()
    ))));
    assert!(unit.contains("ExecStart=/usr/bin/ddnsup "), "{unit}");
}

#[test]
fn deb_installs_checks_verifies_and_purges_clean() {
    if !required("DDNSUP_TEST_DPKG_INSTALL") {
        eprintln!("skipped: set DDNSUP_TEST_DPKG_INSTALL=1 (as root) to install with dpkg");
        return;
    }
    let (_dir, built) = build();
    let deb = find(&built, "amd64.deb");
    assert!(
        !Command::new("dpkg")
            .args(["-s", "ddnsup"])
            .output()
            .unwrap()
            .status
            .success(),
        "ddnsup is installed already; this test needs a machine without it"
    );
    sh(Command::new("dpkg").arg("-i").arg(deb));
    let conffiles = std::fs::read_to_string("/var/lib/dpkg/info/ddnsup.conffiles").unwrap();
    assert_eq!(conffiles.trim(), "/etc/ddnsup/config.toml");
    // The shipped config has no record yet: check says so, naming the file.
    let out = Command::new("/usr/bin/ddnsup")
        .args(["check", "-c", "/etc/ddnsup/config.toml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("/etc/ddnsup/config.toml: no [[record]]"),
        "{err}"
    );
    assert!(!err.contains("readable by every user"), "mode 600: {err}");
    // With a record it passes.
    let mut config = std::fs::read_to_string("/etc/ddnsup/config.toml").unwrap();
    config
        .push_str("\n[[record]]\nprovider = \"duckdns\"\ndomain = \"myhome\"\ntoken = \"t0k3n\"\n");
    std::fs::write("/etc/ddnsup/config.toml", config).unwrap();
    sh(Command::new("/usr/bin/ddnsup").args(["check", "-c", "/etc/ddnsup/config.toml"]));
    sh(Command::new("systemd-analyze").args([
        "verify",
        "/lib/systemd/system/ddnsup.service",
        "/lib/systemd/system/ddnsup.timer",
    ]));
    sh(Command::new("man").args(["-w", "ddnsup"]));
    sh(Command::new("dpkg").args(["--purge", "ddnsup"]));
    for path in [
        "/usr/bin/ddnsup",
        "/etc/ddnsup",
        "/lib/systemd/system/ddnsup.service",
        "/lib/systemd/system/ddnsup.timer",
        "/usr/share/man/man8/ddnsup.8.gz",
        "/usr/share/doc/ddnsup",
        "/var/lib/dpkg/info/ddnsup.list",
    ] {
        assert!(!Path::new(path).exists(), "{path} left after purge");
    }
}
