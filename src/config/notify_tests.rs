//! `[[notify]]` validation: every mistake names the entry and the key.
use crate::config::parse_config;
use crate::notify::{Event, Notify, Target};
use std::path::Path;

const RECORD: &str =
    "[[record]]\nprovider = \"duckdns\"\ndomain = \"home\"\ntoken = \"0123456789abcdef\"\n";

fn parse(notify: &str) -> Result<Vec<Notify>, String> {
    let text = format!("timeout = 7\n{RECORD}\n{notify}");
    parse_config(&text, Path::new("/etc/ddnsup/config.toml"))
        .map(|c| c.notify)
        .map_err(|e| {
            assert_eq!(e.exit_code(), 2, "{e}");
            e.to_string()
        })
}

fn err(notify: &str) -> String {
    match parse(notify) {
        Ok(_) => panic!("accepted:\n{notify}"),
        Err(e) => e,
    }
}

#[test]
fn url_and_command_entries() {
    let e = err(r#"
[[notify]]
url = "https://ntfy.example/"

[[notify]]
url = "https://hc-ping.example/{token}/fail"
token_file = "/dev/null/none"
"#);
    // The second entry's token file cannot be read: named by entry and key.
    assert!(
        e.contains("notify 2: key \"token_file\": cannot read"),
        "{e}"
    );

    let n = parse(
        r#"
[[notify]]
url = "https://ntfy.example/"
body = '{"topic":"t","message":"{message}"}'
headers = { Title = "ddnsup {event}", Priority = "high" }

[[notify]]
command = ["hooks/notify.sh", "--quiet"]
on = ["every_run", "change", "change"]
timeout = 3

[[notify]]
url = "https://hc-ping.example/{token}"
method = "post"
token = "uuid-1"
allow_http = false
"#,
    )
    .unwrap();
    assert_eq!(n.len(), 3);
    assert_eq!(n[0].on, Event::DEFAULT);
    assert_eq!(n[0].timeout_secs, 7);
    assert_eq!(n[0].label(), "notify 1 (ntfy.example)");
    let Target::Url(u) = &n[0].target else {
        panic!("a url target")
    };
    assert_eq!(u.method, crate::http::Method::Post);
    assert_eq!(u.headers.len(), 2);
    assert_eq!(n[1].on, [Event::EveryRun, Event::Change]);
    assert_eq!(n[1].timeout_secs, 3);
    let Target::Command(argv) = &n[1].target else {
        panic!("a command target")
    };
    assert_eq!(argv, &["/etc/ddnsup/hooks/notify.sh", "--quiet"]);
    assert_eq!(n[2].label(), "notify 3 (hc-ping.example)");
    assert!(parse("").unwrap().is_empty());
}

#[test]
fn mistakes_name_the_entry_and_key() {
    let cases = [
        (
            "url = \"https://x.example/\"\ncommand = [\"x\"]",
            "notify 1: key \"command\": set either",
        ),
        (
            "on = [\"change\"]",
            "notify 1: missing key \"url\" (or \"command\")",
        ),
        (
            "url = \"http://x.example/\"",
            "notify 1: key \"url\": plain http:// is refused",
        ),
        (
            "url = \"ftp://x.example/\"",
            "notify 1: key \"url\": \"ftp://x.example\" is not an http(s)",
        ),
        (
            "url = \"https://{ip}.example/\"",
            "notify 1: key \"url\": the scheme and host must be written out",
        ),
        (
            "url = \"https://u:p@x.example/\"",
            "notify 1: key \"url\": \"https://u:p@x.example\" holds credentials",
        ),
        (
            "url = \"https://x.example/ a\"",
            "notify 1: key \"url\": \"https://x.example/ a\" must not hold spaces",
        ),
        (
            "url = \"https://x.example/{nope}\"",
            "notify 1: key \"url\": unknown placeholder {nope}",
        ),
        (
            "url = \"https://x.example/\"\nbody = \"{ip} {password}\"",
            "notify 1: key \"body\": unknown placeholder {password}",
        ),
        (
            "url = \"https://x.example/\"\nmethod = \"DELETE\"",
            "notify 1: key \"method\": \"DELETE\" is not one of",
        ),
        (
            "url = \"https://x.example/\"\nmethod = \"GET\"\nbody = \"x\"",
            "notify 1: key \"body\": a GET sends no body",
        ),
        (
            "url = \"https://x.example/\"\nheaders = { Host = \"y\" }",
            "notify 1: key \"headers\": \"Host\" cannot be set here",
        ),
        (
            "url = \"https://x.example/\"\nheaders = { \"A B\" = \"y\" }",
            "notify 1: key \"headers\": \"A B\" cannot be set here",
        ),
        (
            "url = \"https://x.example/\"\nheaders = { A = 1 }",
            "notify 1: key \"headers\": A: the value must be a string",
        ),
        (
            "url = \"https://x.example/\"\nheaders = { A = \"{nope}\" }",
            "notify 1: key \"headers\": unknown placeholder",
        ),
        (
            "url = \"https://x.example/\"\nheaders = \"A: b\"",
            "notify 1: key \"headers\": must be a table",
        ),
        (
            "url = \"https://x.example/\"\ntoken = \"t\"",
            "notify 1: key \"token\": is not used",
        ),
        (
            "url = \"https://x.example/{token}\"",
            "notify 1: key \"url\": uses {token}, but no token",
        ),
        (
            "url = \"https://x.example/{token}\"\ntoken = \"a\"\ntoken_file = \"b\"",
            "notify 1: key \"token\": set either token or token_file",
        ),
        (
            "url = \"https://x.example/\"\non = []",
            "notify 1: key \"on\": must be a list of events",
        ),
        (
            "url = \"https://x.example/\"\non = \"change\"",
            "notify 1: key \"on\": must be a list of events",
        ),
        (
            "url = \"https://x.example/\"\non = [\"changed\"]",
            "notify 1: key \"on\": lists \"changed\"; the events are change, failure, stopped, recovery, every_run",
        ),
        (
            "url = \"https://x.example/\"\ntimeout = 0",
            "notify 1: key \"timeout\": 0 is out of range",
        ),
        (
            "url = \"https://x.example/\"\nurll = 1",
            "notify 1: unknown key \"urll\"",
        ),
        (
            "command = []",
            "notify 1: key \"command\": must be a list of strings",
        ),
        (
            "command = [\"\"]",
            "notify 1: key \"command\": must be a list of strings",
        ),
        (
            "command = \"/bin/true\"",
            "notify 1: key \"command\": must be a list of strings",
        ),
        (
            "command = [\"/bin/true\", 1]",
            "notify 1: key \"command\": must be a list of strings",
        ),
        (
            "command = [\"/bin/true\"]\nbody = \"x\"",
            "notify 1: unknown key \"body\"",
        ),
    ];
    for (entry, want) in cases {
        let e = err(&format!("[[notify]]\n{entry}\n"));
        assert!(e.contains(&format!("config.toml: {want}")), "{entry}\n{e}");
    }
    // The second entry is named as such.
    let two = "[[notify]]\ncommand = [\"/bin/true\"]\n[[notify]]\ncommand = 1\n";
    assert!(err(two).contains("notify 2: key \"command\""));
    // allow_http lets plain http through; a token in a header or body counts as used.
    assert!(parse("[[notify]]\nurl = \"http://x.example/\"\nallow_http = true\n").is_ok());
    let used = "[[notify]]\nurl = \"https://x.example\"\ntoken = \"t\"\nheaders = { Authorization = \"Bearer {token}\" }\n";
    assert!(parse(used).is_ok());
    let in_body =
        "[[notify]]\nurl = \"https://x.example/\"\ntoken = \"t\"\nbody = '{\"k\":\"{token}\"}'\n";
    assert!(parse(in_body).is_ok());
}

#[test]
fn the_readme_examples_are_valid() {
    let readme = include_str!("../../README.md");
    let section = &readme[readme.find("## Notifications").unwrap()..];
    let start = section.find("```toml\n").unwrap() + 8;
    let block = &section[start..start + section[start..].find("```").unwrap()];
    let block = block.replace("token_file = \"/etc/ddnsup/hc-uuid\"", "token = \"uuid\"");
    let block = block.replace("token_file = \"/etc/ddnsup/gotify-token\"", "token = \"t\"");
    let n = parse(&block).unwrap();
    assert_eq!(n.len(), 7);
    assert!(matches!(n[6].target, Target::Command(_)));
}
