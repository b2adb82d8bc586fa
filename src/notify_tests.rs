//! Table tests for which events a run had and what each target is sent.
use super::*;
use crate::decide::{after_failure, after_success};
use crate::error::Error;
use crate::provider::Success;
use crate::template::Place;

const FP: &str = "fp";
const NOW: u64 = 1_800_000_000;
const OLD: &str = "81.2.69.160";
const NEW: &str = "81.2.69.161";

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

fn ok(addr: &str) -> Entry {
    after_success("k", FP, ip(addr), NOW - 60, Success::Updated)
}

fn failed(before: Option<&Entry>, err: &Error) -> Entry {
    after_failure(before, "k", FP, NOW, err)
}

fn run(before: Option<&Entry>, sent: &str, after: &Entry, updated: bool) -> Vec<(Event, String)> {
    let a = Attempt {
        record: "home.example.com (namecheap)",
        hostname: "home.example.com",
        family: Family::V4,
        ip: ip(sent),
        before,
        after,
        updated,
    };
    events(&a)
        .into_iter()
        .map(|h| (h.event, h.message))
        .collect()
}

#[test]
fn event_table() {
    let current = ok(OLD);
    let down = Error::transient("failed to reach example.com: timed out after 10 s");
    let bad = Error::fatal("bad password");
    let failing = failed(Some(&current), &down);
    let stopped = failed(Some(&current), &bad);
    let updated_new = after_success("k", FP, ip(NEW), NOW, Success::Updated);
    let nochange_new = after_success("k", FP, ip(NEW), NOW, Success::NoChange);
    let updated_old = after_success("k", FP, ip(OLD), NOW, Success::Updated);
    let nochange_old = after_success("k", FP, ip(OLD), NOW, Success::NoChange);
    let failing_twice = failed(Some(&failing), &down);
    let stopped_again = failed(Some(&stopped), &bad);
    let first_fails = failed(None, &down);
    let r = "home.example.com (namecheap): A";
    let change = |m: &str| (Event::Change, format!("{r} changed to {m}"));
    let recovery = |m: &str| (Event::Recovery, format!("{r} recovered, at {m}"));
    let failure = (Event::Failure, format!("{r} failed: {down}"));
    let stop = (Event::Stopped, format!("{r} rejected: {bad}"));
    type Case<'a> = (
        &'a str,
        Option<&'a Entry>,
        &'a str,
        &'a Entry,
        bool,
        Vec<(Event, String)>,
    );
    #[rustfmt::skip]
    let cases: Vec<Case> = vec![
        ("first update", None, NEW, &updated_new, true, vec![change(NEW)]),
        ("new address", Some(&current), NEW, &updated_new, true,
            vec![change("81.2.69.161 (was 81.2.69.160)")]),
        ("provider already had it", Some(&current), NEW, &nochange_new, false, vec![]),
        ("refresh, same address", Some(&current), OLD, &updated_old, true, vec![]),
        ("first run, provider already had it", None, OLD, &nochange_old, false, vec![]),
        ("transient failure", Some(&current), NEW, &failing, false, vec![failure.clone()]),
        ("failing again", Some(&failing), NEW, &failing_twice, false, vec![failure.clone()]),
        ("first run fails", None, NEW, &first_fails, false, vec![failure]),
        ("rejected", Some(&current), NEW, &stopped, false, vec![stop.clone()]),
        ("rejected again after a config change", Some(&stopped), NEW, &stopped_again, false,
            vec![stop]),
        ("back after failures, new address", Some(&failing), NEW, &updated_new, true,
            vec![change("81.2.69.161 (was 81.2.69.160)"), recovery(NEW)]),
        ("back after failures, same address", Some(&failing), OLD, &nochange_old, false,
            vec![recovery(OLD)]),
        ("back after a stop", Some(&stopped), OLD, &updated_old, true, vec![recovery(OLD)]),
    ];
    for (name, before, sent, after, updated, want) in cases {
        assert_eq!(run(before, sent, after, updated), want, "{name}");
    }
}

#[test]
fn event_values() {
    let current = ok(OLD);
    let after = after_success("k", FP, ip(NEW), NOW, Success::Updated);
    let a = Attempt {
        record: "home.example.com (namecheap)",
        hostname: "home.example.com",
        family: Family::V6,
        ip: ip("2001:db8::1"),
        before: Some(&current),
        after: &after,
        updated: true,
    };
    let h = &events(&a)[0];
    assert_eq!(h.record, "home.example.com (namecheap)");
    assert_eq!(h.hostname, "home.example.com");
    assert_eq!(h.family, Family::V6);
    assert_eq!(h.ip, "2001:db8::1");
    assert_eq!(h.old_ip, OLD);
    assert!(
        h.message
            .starts_with("home.example.com (namecheap): AAAA changed")
    );
}

fn happened(event: Event, record: &str, ip: &str, line: &str) -> Happened {
    Happened {
        event,
        record: record.to_string(),
        hostname: record.split(' ').next().unwrap().to_string(),
        family: Family::V4,
        ip: ip.to_string(),
        old_ip: OLD.to_string(),
        message: line.to_string(),
    }
}

#[test]
fn one_notice_per_target() {
    use Event::*;
    let a = "a.example.com (duckdns)";
    let b = "b.example.com (dynv6)";
    let run = vec![
        happened(Change, a, NEW, "a changed"),
        happened(Failure, b, NEW, "b failed"),
        happened(Recovery, a, NEW, "a recovered"),
        detection_failed(Family::V6, "no IPv6".to_string()),
    ];
    // Nothing happened: only an every_run target hears of it.
    assert_eq!(notice(&Event::DEFAULT, &[], NEW, ""), None);
    let quiet = notice(&[EveryRun], &[], NEW, "").unwrap();
    assert_eq!(quiet.event, "every_run");
    assert_eq!(quiet.message, "ddnsup: nothing changed");
    assert_eq!((quiet.ip4.as_str(), quiet.family), (NEW, None));
    // A target hears only its events; nothing of its kind means no notice.
    assert_eq!(notice(&[Stopped], &run, NEW, ""), None);
    let rec = notice(&[Recovery], &run, NEW, "").unwrap();
    assert_eq!(
        (rec.event.as_str(), rec.message.as_str()),
        ("recovery", "a recovered")
    );
    // Several events: each event and record once, a line per event, the first one's values.
    let all = notice(&Event::DEFAULT, &run, NEW, "").unwrap();
    assert_eq!(all.event, "change,failure");
    assert_eq!(all.record, format!("{a}, {b}"));
    assert_eq!(all.message, "a changed\nb failed\nno IPv6");
    assert_eq!((all.ip.as_str(), all.old_ip.as_str()), (NEW, OLD));
    assert_eq!(all.hostname, "a.example.com");
    let every = notice(&[EveryRun], &run, NEW, "").unwrap();
    assert_eq!(every.event, "change,failure,recovery");
    assert_eq!(every.message.lines().count(), 4);
}

fn target(url: &str, headers: &[(&str, &str)], body: Option<&str>) -> UrlTarget {
    let t = |s: &str, place| Template::parse(s, place, NAMES).unwrap();
    UrlTarget {
        method: if body.is_some() {
            Method::Post
        } else {
            Method::Get
        },
        url: t(url, Place::Url),
        headers: headers
            .iter()
            .map(|(n, v)| (n.to_string(), t(v, Place::Header)))
            .collect(),
        body: body.map(|b| t(b, Place::body(b))),
        token: Some(Secret::new("123456:ABC-tok".to_string())),
    }
}

fn change_notice() -> Notice {
    let run = [
        happened(
            Event::Change,
            "a.example.com (duckdns)",
            NEW,
            "a \"changed\"",
        ),
        happened(Event::Failure, "b.example.com (dynv6)", NEW, "b failed"),
    ];
    notice(&Event::DEFAULT, &run, NEW, "").unwrap()
}

#[test]
fn requests_encode_and_hide() {
    let n = change_notice();
    let t = target(
        "https://api.example.org/bot{token}/send?e={event}",
        &[("Title", "ddnsup {event}"), ("X-Api-Key", "k-{ip}")],
        Some(r#"{"text":"{message}","ip":"{ip}"}"#),
    );
    let req = build_request(&t, &n).unwrap();
    assert_eq!(
        req.wire_url(),
        "https://api.example.org/bot123456%3AABC-tok/send?e=change%2Cfailure"
    );
    assert_eq!(
        req.body.as_deref(),
        Some(br#"{"text":"a \"changed\"\nb failed","ip":"81.2.69.161"}"#.as_slice())
    );
    let shown = req.redacted();
    assert!(
        shown.starts_with("POST https://api.example.org/***\n"),
        "{shown}"
    );
    assert!(shown.contains("Title: ddnsup change,failure"), "{shown}");
    assert!(shown.contains("X-Api-Key: ***"), "{shown}");
    assert!(
        !shown.contains("123456") && !shown.contains("k-81"),
        "{shown}"
    );
    assert!(req.carries_secret());
    let h = |name: &str| {
        req.headers
            .iter()
            .find(|h| h.name == name)
            .unwrap()
            .value
            .clone()
    };
    assert_eq!(h("Content-Type"), "application/json");
    assert_eq!(h("X-Api-Key"), "k-81.2.69.161");

    // A query alone is hidden too; a bare origin hides nothing; a form body is percent-encoded.
    let t = target("https://q.example?k={token}", &[], None);
    let req = build_request(&t, &n).unwrap();
    assert_eq!(req.redacted(), "GET https://q.example?***");
    let t = target("https://ntfy.example", &[], Some("m={message}"));
    let req = build_request(&t, &n).unwrap();
    assert_eq!(
        req.redacted().lines().next(),
        Some("POST https://ntfy.example")
    );
    assert_eq!(
        req.body.as_deref(),
        Some(b"m=a%20%22changed%22%0Ab%20failed".as_slice())
    );
    // A header cannot carry a multi-line message: that notice is not sent.
    let t = target("https://x.example/", &[("Title", "{message}")], None);
    assert!(build_request(&t, &n).is_err());
}

#[test]
fn command_environment() {
    let n = change_notice();
    let env = command_env(&n);
    let names: Vec<&str> = env.iter().map(|(k, _)| *k).collect();
    assert_eq!(
        names,
        [
            "DDNSUP_EVENT",
            "DDNSUP_RECORD",
            "DDNSUP_FAMILY",
            "DDNSUP_IP",
            "DDNSUP_OLD_IP",
            "DDNSUP_MESSAGE"
        ]
    );
    assert_eq!(env[0].1, "change,failure");
    assert_eq!(env[2].1, "ipv4");
    assert_eq!(env[3].1, NEW);
    assert_eq!(env[4].1, OLD);
}
