//! Pure policy: update, skip, back off or stay stopped; and how an outcome changes the memory.
use crate::error::{Class, Error};
use crate::provider::Success;
use crate::state::Entry;
use std::net::IpAddr;

/// The first wait after a transient failure; it doubles with each further one.
pub const FIRST_BACKOFF_SECS: u64 = 5 * 60;
/// Backoff stops doubling here.
pub const MAX_BACKOFF_SECS: u64 = 4 * 3600;
/// A provider's own `Retry-After` is honoured up to this long.
pub const MAX_WAIT_SECS: u64 = 24 * 3600;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Update(Reason),
    Skip(Skip),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    Forced,
    FirstRun,
    ConfigChanged,
    AddressChanged,
    Refresh,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Skip {
    Unchanged,
    /// Backing off after a transient failure until this time.
    BackingOff(u64),
    /// The provider rejected the record; waits for a config change or `--force`.
    Stopped,
}

/// Everything decided before the address is known: when this returns `Some`, the address
/// does not matter (and need not be looked up).
pub fn gate(entry: Option<&Entry>, fingerprint: &str, now: u64, force: bool) -> Option<Decision> {
    if force {
        return Some(Decision::Update(Reason::Forced));
    }
    let Some(e) = entry else {
        return Some(Decision::Update(Reason::FirstRun));
    };
    let failed = e.stopped || e.failures > 0;
    if failed && e.tried != fingerprint {
        // The configuration changed since the failure: start afresh, now.
        return Some(Decision::Update(Reason::ConfigChanged));
    }
    if e.stopped {
        return Some(Decision::Skip(Skip::Stopped));
    }
    let next = not_before(e, now);
    if next > now {
        return Some(Decision::Skip(Skip::BackingOff(next)));
    }
    if e.fingerprint != fingerprint {
        return Some(Decision::Update(Reason::ConfigChanged));
    }
    None
}

/// When the entry's backoff really ends. A `next` further ahead than the wait that set it
/// means the clock went back since: it is clamped to now plus that wait. For an entry that
/// does not know its wait (older state files), a `next` further ahead than any wait we set
/// is ignored. Callers store the result, so that a clamped backoff ends on time.
pub fn not_before(e: &Entry, now: u64) -> u64 {
    if e.next <= now {
        return e.next;
    }
    let ahead = e.next - now;
    match e.wait {
        0 if ahead > MAX_WAIT_SECS => 0,
        0 => e.next,
        wait if ahead > wait => now.saturating_add(wait),
        _ => e.next,
    }
}

/// The whole decision for one record, given the address found now.
pub fn decide(
    entry: Option<&Entry>,
    fingerprint: &str,
    ip: IpAddr,
    now: u64,
    force: bool,
    refresh_secs: u64,
) -> Decision {
    if let Some(d) = gate(entry, fingerprint, now, force) {
        return d;
    }
    let Some(e) = entry else {
        return Decision::Update(Reason::FirstRun);
    };
    if e.ip != ip.to_string() {
        return Decision::Update(Reason::AddressChanged);
    }
    if refresh_due(e.updated, now, refresh_secs) {
        return Decision::Update(Reason::Refresh);
    }
    Decision::Skip(Skip::Unchanged)
}

/// Whether the periodic refresh is due. A confirmation time in the future means the clock
/// went back: within one refresh period it is ignored; further back (a router booting in
/// 1970) the refresh is due, so a wrong clock can delay the refresh but never freeze it.
pub fn refresh_due(updated: u64, now: u64, refresh_secs: u64) -> bool {
    if updated > now {
        updated - now > refresh_secs
    } else {
        now - updated >= refresh_secs
    }
}

/// The wait after the `failures`-th consecutive transient failure.
pub fn backoff_secs(failures: u32, retry_after: Option<u64>) -> u64 {
    backoff_from(FIRST_BACKOFF_SECS, failures, retry_after)
}

/// The same, doubling from `first` (a failure's own first backoff) instead.
pub fn backoff_from(first: u64, failures: u32, retry_after: Option<u64>) -> u64 {
    let doublings = failures.saturating_sub(1).min(16);
    let own = first.saturating_mul(1 << doublings).min(MAX_BACKOFF_SECS);
    own.max(retry_after.unwrap_or(0).min(MAX_WAIT_SECS))
}

/// The memory after a successful update.
pub fn after_success(key: &str, fingerprint: &str, ip: IpAddr, now: u64, how: Success) -> Entry {
    Entry {
        key: key.to_string(),
        ip: ip.to_string(),
        updated: now,
        result: match how {
            Success::Updated => "updated".to_string(),
            Success::NoChange => "already current (provider said no change)".to_string(),
        },
        failures: 0,
        next: 0,
        wait: 0,
        stopped: false,
        fingerprint: fingerprint.to_string(),
        tried: String::new(),
        cache: String::new(),
    }
}

/// The memory after a failed update: the confirmed address and time are kept.
pub fn after_failure(
    old: Option<&Entry>,
    key: &str,
    fingerprint: &str,
    now: u64,
    err: &Error,
) -> Entry {
    let mut e = old.cloned().unwrap_or_default();
    e.key = key.to_string();
    e.tried = fingerprint.to_string();
    match err.class() {
        Class::Fatal => {
            e.stopped = true;
            e.failures = 0;
            e.next = 0;
            e.wait = 0;
            e.result = format!("rejected: {err}");
        }
        Class::Transient => {
            e.stopped = false;
            e.failures = e.failures.saturating_add(1);
            e.wait = match err.first_backoff_secs() {
                Some(first) => backoff_from(first, e.failures, err.retry_after_secs()),
                None => backoff_secs(e.failures, err.retry_after_secs()),
            };
            e.next = now.saturating_add(e.wait);
            e.result = format!("failed: {err}");
        }
    }
    e
}

#[cfg(test)]
#[path = "decide_tests.rs"]
mod tests;
