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

const HOUR: u64 = 3600;
/// 2000-01-01 00:00:00 UTC: a clock reset to a year other than 1970.
const Y2000: u64 = 946_684_800;

fn backing_off(next: u64, wait: u64) -> Entry {
    Entry {
        failures: 1,
        next,
        wait,
        tried: FP.into(),
        ..confirmed("81.2.69.160", NOW)
    }
}

#[test]
fn a_911_then_the_clock_back_12_h_waits_its_own_30_min() {
    let old = confirmed("81.2.69.160", NOW - 100);
    let e = after_failure(
        Some(&old),
        "k",
        FP,
        NOW,
        &Error::transient_after("911", 1800),
    );
    assert_eq!((e.next, e.wait), (NOW + 1800, 1800));
    let back = NOW - 12 * HOUR;
    let next = not_before(&e, back);
    assert_eq!(next, back + 1800, "clamped to now + the wait that set it");
    let stored = Entry { next, ..e.clone() };
    assert_eq!(
        gate(Some(&stored), FP, back + 1799, false),
        Some(Decision::Skip(Skip::BackingOff(back + 1800)))
    );
    assert_eq!(gate(Some(&stored), FP, back + 1800, false), None);
    // gate clamps by itself too, for callers that do not store it.
    assert_eq!(
        gate(Some(&e), FP, back, false),
        Some(Decision::Skip(Skip::BackingOff(back + 1800)))
    );
}

#[test]
fn not_before_at_and_around_its_bounds() {
    // Within the wait that set it: kept, to the second.
    assert_eq!(not_before(&backing_off(NOW + 300, 300), NOW), NOW + 300);
    assert_eq!(not_before(&backing_off(NOW + 301, 300), NOW), NOW + 300);
    assert_eq!(not_before(&backing_off(NOW, 300), NOW), NOW);
    assert_eq!(not_before(&backing_off(NOW - 1, 300), NOW), NOW - 1);
    // An entry from an older state file does not know its wait: up to a day is honoured.
    assert_eq!(
        not_before(&backing_off(NOW + MAX_WAIT_SECS, 0), NOW),
        NOW + MAX_WAIT_SECS
    );
    assert_eq!(not_before(&backing_off(NOW + MAX_WAIT_SECS + 1, 0), NOW), 0);
    assert_eq!(not_before(&backing_off(u64::MAX, u64::MAX), NOW), u64::MAX);
    assert_eq!(
        not_before(&backing_off(u64::MAX, 300), u64::MAX - 1),
        u64::MAX
    );
}

#[test]
fn backoff_ends_at_exactly_the_due_second() {
    let e = backing_off(NOW + 300, 300);
    let new_ip = ip("81.2.69.161");
    assert_eq!(
        decide(Some(&e), FP, new_ip, NOW + 299, false, REFRESH),
        Decision::Skip(Skip::BackingOff(NOW + 300))
    );
    assert_eq!(
        decide(Some(&e), FP, new_ip, NOW + 300, false, REFRESH),
        Decision::Update(Reason::AddressChanged)
    );
    let legacy = backing_off(NOW + MAX_WAIT_SECS, 0);
    assert_eq!(
        gate(Some(&legacy), FP, NOW, false),
        Some(Decision::Skip(Skip::BackingOff(NOW + MAX_WAIT_SECS)))
    );
    assert_eq!(gate(Some(&legacy), FP, NOW - 1, false), None);
}

#[test]
fn refresh_falls_due_at_exactly_the_period_both_ways() {
    assert!(refresh_due(NOW, NOW + REFRESH, REFRESH));
    assert!(!refresh_due(NOW, NOW + REFRESH - 1, REFRESH));
    // Confirmed "in the future" (the clock went back): due only past one whole period.
    assert!(!refresh_due(NOW + REFRESH, NOW, REFRESH));
    assert!(refresh_due(NOW + REFRESH + 1, NOW, REFRESH));
    assert!(refresh_due(0, REFRESH, REFRESH));
    assert!(!refresh_due(1, REFRESH, REFRESH));
}

#[test]
fn a_clock_reset_to_2000_neither_freezes_nor_floods() {
    // Confirmed in 2027, the router reboots into 2000: refresh due (not in 27 years) ...
    let e = confirmed("81.2.69.160", NOW);
    assert_eq!(
        decide(Some(&e), FP, ip("81.2.69.160"), Y2000, false, REFRESH),
        Decision::Update(Reason::Refresh)
    );
    // ... and a confirmation made in 2000 is refreshed 25 days later, to the second.
    let e = confirmed("81.2.69.160", Y2000);
    assert_eq!(
        decide(
            Some(&e),
            FP,
            ip("81.2.69.160"),
            Y2000 + REFRESH - 1,
            false,
            REFRESH
        ),
        Decision::Skip(Skip::Unchanged)
    );
    assert_eq!(
        decide(
            Some(&e),
            FP,
            ip("81.2.69.160"),
            Y2000 + REFRESH,
            false,
            REFRESH
        ),
        Decision::Update(Reason::Refresh)
    );
    // A backoff set in 2027 still holds its own length in 2000: no retry storm, no freeze.
    let mut e = backing_off(NOW + 2400, 2400);
    assert_eq!(
        gate(Some(&e), FP, Y2000, false),
        Some(Decision::Skip(Skip::BackingOff(Y2000 + 2400)))
    );
    e.next = not_before(&e, Y2000);
    assert!(gate(Some(&e), FP, Y2000 + 2399, false).is_some());
    assert_eq!(gate(Some(&e), FP, Y2000 + 2400, false), None);
    // Failures in 2000 back off and double as in any year.
    let mut e = confirmed("81.2.69.160", Y2000);
    for (n, want) in [(1, 300), (2, 600), (3, 1200)] {
        e = after_failure(Some(&e), "k", FP, Y2000, &Error::transient("HTTP 503"));
        assert_eq!((e.failures, e.next, e.wait), (n, Y2000 + want, want));
    }
}
