//! The man page (packaging/man/ddnsup.8) stays in step with the binary: every option and
//! command of `ddnsup --help` and every exit code is documented there, and mandoc finds no
//! warning in it (when mandoc is installed; CI installs it and requires it).
mod support;

use std::process::Command;
use support::Run;

const PAGE: &str = include_str!("../packaging/man/ddnsup.8");

/// The page with roff's escaped hyphens read as plain ones.
fn page_text() -> String {
    PAGE.replace("\\-", "-")
}

#[test]
fn every_option_command_and_exit_code_of_the_help_is_in_the_man_page() {
    let help = Run::new().arg("--help").output();
    assert_eq!(help.code, 0);
    let page = page_text();
    let mut seen = 0;
    for word in help.stdout.split(|c: char| c.is_whitespace() || c == ',') {
        if word.starts_with('-') && word.len() > 1 {
            assert!(page.contains(word), "option {word} is not in the man page");
            seen += 1;
        }
    }
    assert!(seen >= 10, "only {seen} options found in the help");
    for command in ["run", "check", "status"] {
        assert!(
            page.contains(&format!(".B {command}\n")),
            "command {command}"
        );
    }
    for code in 0..=4 {
        assert!(page.contains(&format!(".B {code}\n")), "exit code {code}");
    }
}

#[test]
fn mandoc_finds_nothing_to_warn_about() {
    let Ok(out) = Command::new("mandoc")
        .args(["-Tlint", "-W", "warning"])
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/packaging/man/ddnsup.8"
        ))
        .output()
    else {
        let required = std::env::var("DDNSUP_TEST_REQUIRE_MANDOC").is_ok_and(|v| v == "1");
        assert!(!required, "DDNSUP_TEST_REQUIRE_MANDOC=1 but no mandoc");
        eprintln!("skipped: no mandoc (apt-get install mandoc)");
        return;
    };
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
