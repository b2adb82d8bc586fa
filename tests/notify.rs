//! Notifications through the real binary: exact requests on change, nothing when nothing happened, failure/stopped/recovery/every_run, commands, failing and hanging targets, secrets hidden.
mod harness;
mod support;

use harness::*;
use std::time::Duration;
use support::{MockServer, Recorded, Reply, Run, parse_query, wait_until};

const TOKEN: &str = "tk_AgQdq7mVBoFD37zQVN29RhuMzNIz2";
const BOT: &str = "123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11";
const SECRETS: &[&str] = &[TOKEN, PASSWORD, "ABC-DEF1234", "zyx57W2v1u"];

/// The answer ntfy documents for a JSON publish (https://docs.ntfy.sh/publish/#publish-as-json:
/// the published message is returned), with this test's topic and text.
const NTFY_REPLY: &str = r#"{"id":"xE73Iyuabi","time":1673542291,"expires":1673585491,"event":"message","topic":"home-ddns","message":"home.example.com (namecheap): A changed to 81.2.69.160"}"#;
/// Telegram's sendMessage answer shape (https://core.telegram.org/bots/api#making-requests:
/// `{"ok":true,"result":...}`, the result a Message object).
const TELEGRAM_REPLY: &str = r#"{"ok":true,"result":{"message_id":42,"from":{"id":123456,"is_bot":true,"first_name":"ddnsup","username":"ddnsup_bot"},"chat":{"id":42,"type":"private"},"date":1746268800,"text":"home.example.com (namecheap): A changed to 81.2.69.160"}}"#;
/// healthchecks.io pings: "200 OK" with "OK" in the body (https://healthchecks.io/docs/http_api/).
const HC_REPLY: &str = "OK";

fn nc_record(host: &str, provider: &MockServer) -> String {
    format!(
        "[[record]]\nprovider = \"namecheap\"\nhost = \"{host}\"\ndomain = \"example.com\"\npassword = {PASSWORD:?}\nserver = {:?}\n",
        provider.url()
    )
}

/// ntfy's JSON publish with a bearer token, and a Telegram bot whose token sits in the path.
fn ntfy_and_telegram(ntfy: &MockServer, tg: &MockServer) -> String {
    format!(
        r#"
[[notify]]
url = "{}/"
token = "{TOKEN}"
headers = {{ Authorization = "Bearer {{token}}", X-Title = "ddnsup {{event}}" }}
body = '{{"topic":"home-ddns","message":"{{message}}"}}'

[[notify]]
url = "{}/bot{{token}}/sendMessage"
token_file = "bot.token"
on = ["change"]
body = '{{"chat_id":"42","text":"{{message}}"}}'
"#,
        ntfy.url(),
        tg.url()
    )
}

#[track_caller]
fn expect_ntfy(r: &Recorded, message: &str, event: &str) {
    assert_eq!(r.method, "POST");
    assert_eq!(r.target, "/");
    assert_eq!(
        r.header("authorization"),
        Some(format!("Bearer {TOKEN}").as_str())
    );
    assert_eq!(
        r.header("x-title"),
        Some(format!("ddnsup {event}").as_str())
    );
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_eq!(
        r.body_text(),
        format!(r#"{{"topic":"home-ddns","message":"{message}"}}"#)
    );
}

#[test]
fn a_change_is_sent_once_per_target_and_nothing_when_unchanged() {
    let env = Env::new("nt-change");
    // The dry run, the first and the unchanged run see IP1; the last one IP2.
    let source = env.ip_source(&[IP1, IP1, IP1, IP2]);
    let provider = env.server(vec![
        Reply::ok(&nc_success(IP1)),
        Reply::ok(&nc_success(IP2)),
    ]);
    let ntfy = env.server(vec![Reply::json(200, NTFY_REPLY)]);
    let tg = env.server(vec![Reply::json(200, TELEGRAM_REPLY)]);
    env.dir.write("bot.token", format!("{BOT}\n"));
    let records = nc_record("home", &provider) + &ntfy_and_telegram(&ntfy, &tg);
    env.write_config(3, &[source.url()], &records);
    let dry = env.dry_run(&[&ntfy, &tg, &provider]);

    let out = env.run(&["-v"]);
    expect_code(&out, 0);
    let first = "home.example.com (namecheap): A changed to 81.2.69.160";
    let sent = ntfy.requests();
    assert_eq!(sent.len(), 1);
    expect_ntfy(&sent[0], first, "change");
    let sent = tg.requests();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].method, "POST");
    // The token is percent-encoded where it stands, as every placeholder value in a URL.
    assert_eq!(
        sent[0].target,
        "/bot123456%3AABC-DEF1234ghIkl-zyx57W2v1u123ew11/sendMessage"
    );
    assert_eq!(
        sent[0].body_text(),
        format!(r#"{{"chat_id":"42","text":"{first}"}}"#)
    );
    assert!(
        out.stderr
            .contains(&format!("notify 1 ({}): sent change", host(&ntfy))),
        "{}",
        out.stderr
    );
    // -v shows the requests with their paths and credentials hidden.
    assert!(
        out.stderr.contains(&format!("POST {}/***\n", tg.url())),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("Authorization: Bearer ***"),
        "{}",
        out.stderr
    );

    // Unchanged: nothing to report, nothing sent.
    let quiet = env.run(&["-v"]);
    expect_code(&quiet, 0);
    assert_eq!((ntfy.count(), tg.count()), (1, 1));
    assert!(!quiet.stderr.contains("notify"), "{}", quiet.stderr);

    // A new address: one more notice each, saying what it was.
    let out2 = env.run(&[]);
    expect_code(&out2, 0);
    assert_eq!((ntfy.count(), tg.count()), (2, 2));
    expect_ntfy(
        &ntfy.requests()[1],
        "home.example.com (namecheap): A changed to 81.2.69.161 (was 81.2.69.160)",
        "change",
    );
    no_secret(
        &[&dry, &out, &quiet, &out2],
        &[&env.state_text().unwrap()],
        SECRETS,
    );
}

fn host(server: &MockServer) -> String {
    server.url().trim_start_matches("https://").to_string()
}

#[test]
fn failures_and_stops_of_several_records_make_one_notice_per_target() {
    let env = Env::new("nt-fail");
    let source = env.ip_source(&[IP1]);
    let down = env.server(vec![Reply::status(503, "Service Unavailable")]);
    let rejecting = env.server(vec![Reply::ok(NC_BAD_PASSWORD)]);
    let all = env.server(vec![Reply::ok("")]);
    let stops = env.server(vec![Reply::ok("")]);
    let changes = env.server(vec![Reply::ok("")]);
    let notify = format!(
        r#"
[[notify]]
url = "{}/all"
body = "event={{event}}&record={{record}}&msg={{message}}"

[[notify]]
url = "{}/stops?e={{event}}"
on = ["stopped"]
method = "POST"
body = "{{message}}"

[[notify]]
url = "{}/changes"
on = ["change", "recovery"]
"#,
        all.url(),
        stops.url(),
        changes.url()
    );
    let records = nc_record("home", &down) + &nc_record("nas", &rejecting) + &notify;
    env.write_config(3, &[source.url()], &records);
    let check = env.run(&["check"]);
    expect_code(&check, 0);
    for want in [
        format!("  notify 1 ({}): on change, failure, stopped\n", host(&all)),
        format!("  notify 2 ({}): on stopped\n", host(&stops)),
        format!("  notify 3 ({}): on change, recovery\n", host(&changes)),
    ] {
        assert!(check.stdout.contains(&want), "{want}{}", check.stdout);
    }

    let out = env.run(&["-v"]);
    expect_code(&out, 3);
    let sent = all.requests();
    assert_eq!(sent.len(), 1, "one notice for both records");
    assert_eq!(sent[0].path, "/all");
    assert_eq!(
        sent[0].header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    let form = parse_query(&sent[0].body_text());
    assert_eq!(form[0], ("event".into(), "failure,stopped".into()));
    assert_eq!(
        form[1],
        (
            "record".into(),
            "home.example.com (namecheap), nas.example.com (namecheap)".into()
        )
    );
    let lines: Vec<&str> = form[2].1.lines().collect();
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(
        lines[0].starts_with("home.example.com (namecheap): A failed: "),
        "{lines:?}"
    );
    assert!(
        lines[1].starts_with("nas.example.com (namecheap): A rejected: ")
            && lines[1].contains("Passwords do not match"),
        "{lines:?}"
    );
    // The stopped-only target hears of the stop alone.
    let sent = stops.requests();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].param("e"), Some("stopped"));
    assert_eq!(
        parse_query(&format!("m={}", sent[0].body_text()))[0].1,
        lines[1]
    );
    assert_eq!(changes.count(), 0);

    // Backing off and stopped: no new failure, nothing sent.
    let out2 = env.run(&[]);
    expect_code(&out2, 3);
    assert_eq!((all.count(), stops.count(), changes.count()), (1, 1, 0));
    no_secret(&[&out, &out2], &[], SECRETS);
}

#[test]
fn every_run_and_recovery() {
    let env = Env::new("nt-every");
    let source = env.ip_source(&[IP1]);
    let provider = env.server(vec![
        Reply::status(503, "Service Unavailable"),
        Reply::ok(&nc_success(IP1)),
    ]);
    let hc = env.server(vec![Reply::ok(HC_REPLY)]);
    let fail = env.server(vec![Reply::ok(HC_REPLY)]);
    let back = env.server(vec![Reply::ok("")]);
    let notify = format!(
        r#"
[[notify]]
url = "{}/{{token}}?e={{event}}&ip4={{ip4}}"
token = "5f1c0b0e-uuid"
on = ["every_run"]

[[notify]]
url = "{}/{{token}}/fail"
token = "5f1c0b0e-uuid"
on = ["failure", "stopped"]

[[notify]]
url = "{}/back?e={{event}}&ip={{ip}}&old={{old_ip}}&host={{hostname}}"
on = ["recovery"]
"#,
        hc.url(),
        fail.url(),
        back.url()
    );
    env.write_config(
        3,
        &[source.url()],
        &(nc_record("home", &provider) + &notify),
    );

    // A failed update: the heartbeat carries the failure, /fail is pinged, no recovery.
    expect_code(&env.run(&[]), 1);
    let pings = hc.requests();
    assert_eq!(pings.len(), 1);
    assert_eq!(pings[0].method, "GET");
    assert_eq!(pings[0].path, "/5f1c0b0e-uuid");
    assert_eq!(pings[0].param("e"), Some("failure"));
    assert_eq!(pings[0].param("ip4"), Some(IP1));
    assert_eq!(fail.requests()[0].path, "/5f1c0b0e-uuid/fail");
    assert_eq!(back.count(), 0);

    // Backing off: nothing happened, so only the every_run target hears (of nothing).
    expect_code(&env.run(&[]), 1);
    assert_eq!((hc.count(), fail.count(), back.count()), (2, 1, 0));
    assert_eq!(hc.requests()[1].param("e"), Some("every_run"));

    // The retry succeeds: a change and a recovery.
    let out = env.run(&["--force"]);
    expect_code(&out, 0);
    assert_eq!((hc.count(), fail.count(), back.count()), (3, 1, 1));
    assert_eq!(hc.requests()[2].param("e"), Some("change,recovery"));
    let r = back.requests().remove(0);
    assert_eq!(r.param("e"), Some("recovery"));
    assert_eq!(r.param("ip"), Some(IP1));
    assert_eq!(r.param("old"), Some(""));
    assert_eq!(r.param("host"), Some("home.example.com"));

    // Unchanged: the heartbeat only.
    expect_code(&env.run(&[]), 0);
    assert_eq!((hc.count(), fail.count(), back.count()), (4, 1, 1));
    assert_eq!(hc.requests()[3].param("e"), Some("every_run"));
}

#[test]
fn a_command_gets_the_notice_in_its_environment_and_no_secret() {
    let env = Env::new("nt-cmd");
    let source = env.ip_source(&[IP1]);
    let provider = env.server(vec![Reply::ok(&nc_success(IP1))]);
    let script = env.dir.write(
        "notify.sh",
        "#!/bin/sh\nout=\"$1\"; shift\n{ for a in \"$@\"; do printf 'arg=%s\\n' \"$a\"; done; env; } > \"$out\"\n",
    );
    chmod(&script, 0o755);
    let out_file = env.dir.join("notice.txt");
    let notify = format!(
        "[[notify]]\ncommand = [\"./notify.sh\", {out_file:?}, \"two words\", \"{{ip}}\"]\n"
    );
    env.write_config(
        3,
        &[source.url()],
        &(nc_record("home", &provider) + &notify),
    );

    let out = Run::new()
        .args(["-c", env.config.to_str().unwrap(), "-v"])
        .env("DDNSUP_TEST_CALLER_SECRET", "caller-secret-value")
        .deadline_secs(60)
        .output();
    expect_code(&out, 0);
    let text = std::fs::read_to_string(&out_file).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        &lines[..2],
        ["arg=two words", "arg={ip}"],
        "argv is passed as written"
    );
    for want in [
        "DDNSUP_EVENT=change",
        "DDNSUP_RECORD=home.example.com (namecheap)",
        "DDNSUP_FAMILY=ipv4",
        "DDNSUP_IP=81.2.69.160",
        "DDNSUP_OLD_IP=",
        "DDNSUP_MESSAGE=home.example.com (namecheap): A changed to 81.2.69.160",
    ] {
        assert!(lines.contains(&want), "{want} missing from:\n{text}");
    }
    // Only PATH, the notice, and what the shell sets itself.
    for line in &lines[2..] {
        let name = line.split('=').next().unwrap();
        assert!(
            name.starts_with("DDNSUP_") || ["PATH", "PWD", "OLDPWD", "SHLVL", "_"].contains(&name),
            "unexpected variable {line}"
        );
    }
    assert!(!text.contains("caller-secret-value"), "{text}");
    no_secret(&[&out], &[&text], SECRETS);
    assert!(
        out.stderr.contains("notify 1 (") && out.stderr.contains("notify.sh): sent change"),
        "{}",
        out.stderr
    );
}

fn chmod(path: &std::path::Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

#[test]
fn failing_targets_leave_the_exit_code_and_state_alone() {
    let env = Env::new("nt-broken");
    let source = env.ip_source(&[IP1]);
    let provider = env.server(vec![Reply::ok(&nc_success(IP1))]);
    let err500 = env.server(vec![Reply::status(500, "Internal Server Error")]);
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let notify = format!(
        r#"
[[notify]]
url = "{}/x"

[[notify]]
url = "https://127.0.0.1:{closed}/x"

[[notify]]
command = ["sh", "-c", "exit 3"]

[[notify]]
command = ["/nonexistent/notify-hook"]
"#,
        err500.url()
    );
    env.write_config(
        3,
        &[source.url()],
        &(nc_record("home", &provider) + &notify),
    );

    let out = env.run(&[]);
    expect_code(&out, 0);
    assert_eq!((provider.count(), err500.count()), (1, 1));
    for want in [
        format!("notify 1 ({}): change not sent: HTTP 500", host(&err500)),
        format!("notify 2 (127.0.0.1:{closed}): change not sent: failed to reach"),
        "notify 3 (sh): change not sent: exit status 3".to_string(),
        "notify 4 (/nonexistent/notify-hook): change not sent: cannot run /nonexistent/notify-hook: not found".to_string(),
    ] {
        assert!(out.stderr.contains(&want), "{want}\n{}", out.stderr);
    }
    let state = env.state_text().unwrap();
    assert!(state.contains("\"ip\":\"81.2.69.160\""), "{state}");
    assert!(state.contains("\"failures\":0"), "{state}");
    assert!(state.contains("\"result\":\"updated\""), "{state}");
    // Notifications are not retried: the next run has nothing to report.
    expect_code(&env.run(&[]), 0);
    assert_eq!((provider.count(), err500.count()), (1, 1));
}

#[test]
fn a_hanging_target_is_cut_off_at_its_timeout() {
    let env = Env::new("nt-hang");
    let source = env.ip_source(&[IP1]);
    let provider = env.server(vec![Reply::ok(&nc_success(IP1))]);
    let hang = env.server(vec![Reply::Hang]);
    let pid_file = env.dir.join("pid");
    let script = env.dir.write(
        "slow.sh",
        format!("#!/bin/sh\necho $$ > {pid_file:?}\nsleep 30\n"),
    );
    chmod(&script, 0o755);
    let notify = format!(
        "[[notify]]\nurl = \"{}/\"\ntimeout = 1\n\n[[notify]]\ncommand = [{script:?}]\ntimeout = 1\n",
        hang.url()
    );
    env.write_config(
        5,
        &[source.url()],
        &(nc_record("home", &provider) + &notify),
    );

    let out = env.run(&[]);
    expect_code(&out, 0);
    assert!(
        out.elapsed < Duration::from_secs(6),
        "took {:?}\n{}",
        out.elapsed,
        out.stderr
    );
    assert_eq!(hang.count(), 1);
    assert!(
        out.stderr.contains("change not sent: ") && out.stderr.contains("timed out after 1 s"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .contains("slow.sh): change not sent: killed after 1 s"),
        "{}",
        out.stderr
    );
    // The script's whole process group (its `sleep` too) is gone.
    let pgid = std::fs::read_to_string(&pid_file).unwrap();
    let alive = || {
        std::process::Command::new("kill")
            .args(["-0", "--", &format!("-{}", pgid.trim())])
            .stderr(std::process::Stdio::null())
            .status()
            .unwrap()
            .success()
    };
    assert!(
        wait_until(Duration::from_secs(3), || !alive()),
        "the group lives on"
    );
    let state = env.state_text().unwrap();
    assert!(state.contains("\"result\":\"updated\""), "{state}");
}
