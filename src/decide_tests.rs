//! Table tests for the update policy, clock jumps included.
use super::*;

const FP: &str = "fp-now";
const NOW: u64 = 1_800_000_000;
const DAY: u64 = 86_400;
const REFRESH: u64 = 25 * DAY;

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

fn confirmed(addr: &str, updated: u64) -> Entry {
    Entry {
        key: "k".into(),
        ip: addr.into(),
        updated,
        result: "updated".into(),
        fingerprint: FP.into(),
        ..Entry::default()
    }
}

#[test]
fn decision_table() {
    let current = confirmed("81.2.69.160", NOW - 3600);
    let backing_off = Entry {
        failures: 2,
        next: NOW + 600,
        tried: FP.into(),
        ..current.clone()
    };
    let backoff_over = Entry {
        failures: 2,
        next: NOW - 1,
        tried: FP.into(),
        ..current.clone()
    };
    let stopped = Entry {
        stopped: true,
        tried: FP.into(),
        ..current.clone()
    };
    let stopped_old_config = Entry {
        stopped: true,
        tried: "fp-old".into(),
        ..current.clone()
    };
    let failed_old_config = Entry {
        failures: 3,
        next: NOW + 3600,
        tried: "fp-old".into(),
        ..current.clone()
    };
    let other_config = Entry {
        fingerprint: "fp-old".into(),
        ..current.clone()
    };
    let never_confirmed = Entry {
        ip: String::new(),
        updated: 0,
        failures: 1,
        next: NOW - 5,
        tried: FP.into(),
        ..current.clone()
    };

    use Decision::{Skip as S, Update as U};
    let cases: Vec<(&str, Option<&Entry>, &str, bool, Decision)> = vec![
        ("first run", None, "81.2.69.160", false, U(Reason::FirstRun)),
        (
            "same address",
            Some(&current),
            "81.2.69.160",
            false,
            S(Skip::Unchanged),
        ),
        (
            "new address",
            Some(&current),
            "81.2.69.161",
            false,
            U(Reason::AddressChanged),
        ),
        (
            "forced",
            Some(&current),
            "81.2.69.160",
            true,
            U(Reason::Forced),
        ),
        (
            "backing off",
            Some(&backing_off),
            "81.2.69.161",
            false,
            S(Skip::BackingOff(NOW + 600)),
        ),
        (
            "backing off, forced",
            Some(&backing_off),
            "81.2.69.161",
            true,
            U(Reason::Forced),
        ),
        (
            "backoff over, new address",
            Some(&backoff_over),
            "81.2.69.161",
            false,
            U(Reason::AddressChanged),
        ),
        (
            "backoff over, address back to confirmed",
            Some(&backoff_over),
            "81.2.69.160",
            false,
            S(Skip::Unchanged),
        ),
        (
            "stopped",
            Some(&stopped),
            "81.2.69.161",
            false,
            S(Skip::Stopped),
        ),
        (
            "stopped, forced",
            Some(&stopped),
            "81.2.69.161",
            true,
            U(Reason::Forced),
        ),
        (
            "stopped, config changed",
            Some(&stopped_old_config),
            "81.2.69.160",
            false,
            U(Reason::ConfigChanged),
        ),
        (
            "backing off, config changed",
            Some(&failed_old_config),
            "81.2.69.160",
            false,
            U(Reason::ConfigChanged),
        ),
        (
            "config changed",
            Some(&other_config),
            "81.2.69.160",
            false,
            U(Reason::ConfigChanged),
        ),
        (
            "never confirmed, retry",
            Some(&never_confirmed),
            "81.2.69.160",
            false,
            U(Reason::AddressChanged),
        ),
    ];
    for (name, entry, addr, force, want) in cases {
        assert_eq!(
            decide(entry, FP, ip(addr), NOW, force, REFRESH),
            want,
            "{name}"
        );
    }
}

#[test]
fn gate_knows_when_the_address_is_not_needed() {
    let stopped = Entry {
        stopped: true,
        tried: FP.into(),
        ..confirmed("81.2.69.160", NOW)
    };
    assert_eq!(
        gate(Some(&stopped), FP, NOW, false),
        Some(Decision::Skip(Skip::Stopped))
    );
    assert_eq!(
        gate(Some(&confirmed("81.2.69.160", NOW)), FP, NOW, false),
        None
    );
}

#[test]
fn refresh_after_the_period() {
    let e = confirmed("81.2.69.160", NOW - REFRESH);
    assert_eq!(
        decide(Some(&e), FP, ip("81.2.69.160"), NOW, false, REFRESH),
        Decision::Update(Reason::Refresh)
    );
    let e = confirmed("81.2.69.160", NOW - REFRESH + 1);
    assert_eq!(
        decide(Some(&e), FP, ip("81.2.69.160"), NOW, false, REFRESH),
        Decision::Skip(Skip::Unchanged)
    );
}

#[test]
fn clock_jumping_back_never_freezes_updates() {
    // The clock went back a little: no refresh storm, address changes still go out.
    let e = confirmed("81.2.69.160", NOW + 3600);
    assert_eq!(
        decide(Some(&e), FP, ip("81.2.69.160"), NOW, false, REFRESH),
        Decision::Skip(Skip::Unchanged)
    );
    assert_eq!(
        decide(Some(&e), FP, ip("81.2.69.161"), NOW, false, REFRESH),
        Decision::Update(Reason::AddressChanged)
    );
    // A router booting in 1970: the refresh is due rather than 56 years away.
    assert_eq!(
        decide(Some(&e), FP, ip("81.2.69.160"), 10, false, REFRESH),
        Decision::Update(Reason::Refresh)
    );
    // A backoff set before the clock jumped back decades is not honoured for decades.
    let e = Entry {
        failures: 1,
        next: NOW + 300,
        tried: FP.into(),
        ..confirmed("81.2.69.160", NOW)
    };
    assert_eq!(
        decide(Some(&e), FP, ip("81.2.69.161"), 10, false, REFRESH),
        Decision::Update(Reason::AddressChanged)
    );
    // ... but a real backoff, even a long Retry-After, is.
    let e = Entry {
        failures: 1,
        next: NOW + MAX_WAIT_SECS,
        tried: FP.into(),
        ..confirmed("81.2.69.160", NOW)
    };
    assert_eq!(
        decide(Some(&e), FP, ip("81.2.69.161"), NOW, false, REFRESH),
        Decision::Skip(Skip::BackingOff(NOW + MAX_WAIT_SECS))
    );
    // A clock jumping forward just makes the backoff end and the refresh fall due.
    assert!(refresh_due(NOW, NOW + 100 * 365 * DAY, REFRESH));
    assert!(!refresh_due(NOW, u64::MAX, u64::MAX));
}

#[test]
fn backoff_doubles_to_a_cap_and_honours_retry_after() {
    let waits: Vec<u64> = (1..=8).map(|n| backoff_secs(n, None)).collect();
    assert_eq!(waits, vec![300, 600, 1200, 2400, 4800, 9600, 14400, 14400]);
    assert_eq!(backoff_secs(u32::MAX, None), MAX_BACKOFF_SECS);
    assert_eq!(backoff_secs(1, Some(1800)), 1800);
    assert_eq!(backoff_secs(5, Some(60)), 4800);
    assert_eq!(backoff_secs(1, Some(10 * MAX_WAIT_SECS)), MAX_WAIT_SECS);
}

#[test]
fn outcomes_update_memory_without_losing_the_confirmed_address() {
    let old = confirmed("81.2.69.160", NOW - 100);
    let e = after_failure(Some(&old), "k", FP, NOW, &Error::transient("HTTP 503"));
    assert_eq!(
        (e.ip.as_str(), e.updated, e.failures, e.next),
        ("81.2.69.160", NOW - 100, 1, NOW + 300)
    );
    assert!(e.result.contains("HTTP 503"));
    let e2 = after_failure(
        Some(&e),
        "k",
        FP,
        NOW + 300,
        &Error::transient_after("911", 1800),
    );
    assert_eq!((e2.failures, e2.next), (2, NOW + 300 + 1800));
    let f = after_failure(Some(&e2), "k", FP, NOW, &Error::fatal("badauth"));
    assert!(f.stopped);
    assert_eq!((f.ip.as_str(), f.failures, f.next), ("81.2.69.160", 0, 0));
    assert_eq!(
        decide(Some(&f), FP, ip("81.2.69.161"), NOW + DAY, false, REFRESH),
        Decision::Skip(Skip::Stopped)
    );
    let ok = after_success("k", FP, ip("81.2.69.161"), NOW, Success::Updated);
    assert_eq!(
        (ok.ip.as_str(), ok.updated, ok.failures, ok.stopped),
        ("81.2.69.161", NOW, 0, false)
    );
    let nochg = after_success("k", FP, ip("81.2.69.161"), NOW, Success::NoChange);
    assert!(nochg.result.contains("no change"));
}

#[test]
fn a_failure_may_ask_for_a_longer_first_backoff() {
    let waits: Vec<u64> = (1..=4).map(|n| backoff_from(3600, n, None)).collect();
    assert_eq!(waits, vec![3600, 7200, MAX_BACKOFF_SECS, MAX_BACKOFF_SECS]);
    assert_eq!(backoff_from(3600, 1, Some(5 * 3600)), 5 * 3600);
    let slow = Error::transient_slow("unverified", 3600);
    let e = after_failure(None, "k", FP, NOW, &slow);
    assert_eq!((e.failures, e.next, e.stopped), (1, NOW + 3600, false));
    let e = after_failure(Some(&e), "k", FP, NOW + 3600, &slow);
    assert_eq!((e.failures, e.next), (2, NOW + 3600 + 7200));
    // An ordinary failure after it keeps the usual arithmetic.
    let e = after_failure(Some(&e), "k", FP, NOW, &Error::transient("HTTP 503"));
    assert_eq!(e.next, NOW + 1200);
}
