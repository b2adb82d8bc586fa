//! Orchestration: the one module that sees config, detection, decisions, providers and state.
use crate::cli::{Args, Command};
use crate::clock::{format_duration, format_utc, now_secs};
use crate::config::{Config, Record, load_config};
use crate::decide::{self, Decision, Reason, Skip};
use crate::detect::{Family, source, with_host_id};
use crate::error::Error;
use crate::http::Client;
use crate::notify::{self, Attempt};
use crate::provider::{Addrs, Cache, Success};
use crate::state::{self as statefile, Entry, Limits, State, StateFile};
use std::collections::HashMap;
use std::net::IpAddr;

/// Runs the command; `Ok` means exit 0. Only `main` prints the error.
pub fn run(args: &Args) -> Result<(), Error> {
    if args.command == Command::Import {
        let i = &args.import;
        #[cfg(feature = "import")]
        return crate::import::run(&i.kind, &i.file, i.output.as_deref());
        #[cfg(not(feature = "import"))]
        return Err(Error::Usage(format!(
            "this build has no importers (the router builds leave them out to fit 1 MB): copy {} to a Linux machine and run `ddnsup import {}` there",
            i.file.display(),
            i.kind
        )));
    }
    let mut config = load_config(&args.config)?;
    if let Some(state) = &args.state {
        config.state_file = state.clone();
    }
    match args.command {
        Command::Check => {
            statefile::check_location(&config.state_file).map_err(Error::Config)?;
            check(&config)
        }
        Command::Status => status(&config),
        Command::Run => update_all(&config, args),
        Command::Import => Ok(()),
    }
}

fn rrs(record: &Record) -> String {
    let rrs: Vec<&str> = record.families.iter().map(|f| f.rr()).collect();
    rrs.join(" + ")
}

fn check(config: &Config) -> Result<(), Error> {
    say!(
        "{}: OK, {} record(s)",
        config.path.display(),
        config.records.len()
    );
    for r in &config.records {
        say!("  record {}: {} {}", r.index, r.label(), rrs(r));
    }
    for n in &config.notify {
        let on: Vec<&str> = n.on.iter().map(|e| e.name()).collect();
        say!("  {}: on {}", n.label(), on.join(", "));
    }
    say!("  state file: {}", config.state_file.display());
    Ok(())
}

/// The state entries the configuration has, in its order: records times their families.
fn state_keys(config: &Config) -> Vec<String> {
    config
        .records
        .iter()
        .flat_map(|r| r.families.iter().map(|f| r.key(*f)))
        .collect()
}

fn load_state(config: &Config) -> (StateFile, State) {
    let limits = Limits::for_keys(state_keys(config).len());
    StateFile::load(&config.state_file, limits)
}

fn status(config: &Config) -> Result<(), Error> {
    let (_, state) = load_state(config);
    let now = now_secs();
    for r in &config.records {
        for &family in &r.families {
            say!("{} {}", r.label(), family.rr());
            let Some(e) = state.entry(&r.key(family)) else {
                say!("  no history yet; updates on the next run");
                continue;
            };
            if e.ip.is_empty() {
                say!("  address:      none confirmed yet");
            } else {
                say!(
                    "  address:      {} (confirmed {})",
                    e.ip,
                    format_utc(e.updated)
                );
            }
            say!("  last result:  {}", e.result);
            say!("  next attempt: {}", next_attempt(e, &r.fingerprint, now));
        }
    }
    for line in crate::lock::read_note(&config.state_file).lines() {
        say!("last run: {line}");
    }
    Ok(())
}

fn next_attempt(e: &Entry, fingerprint: &str, now: u64) -> String {
    match decide::gate(Some(e), fingerprint, now, false) {
        Some(Decision::Skip(Skip::Stopped)) => {
            "stopped until the record's configuration changes (or --force)".to_string()
        }
        Some(Decision::Skip(Skip::BackingOff(t))) => {
            format!(
                "not before {} ({} failure(s) in a row)",
                format_utc(t),
                e.failures
            )
        }
        Some(Decision::Update(Reason::ConfigChanged)) => {
            "next run (the configuration changed)".to_string()
        }
        _ => "next run".to_string(),
    }
}

/// The run's failed and rejected records, each with its families, for the summary and the
/// exit code.
#[derive(Default)]
struct Tally {
    failed: Vec<(String, Vec<&'static str>)>,
    rejected: Vec<(String, Vec<&'static str>)>,
}

impl Tally {
    fn add(&mut self, fatal: bool, record: &Record, family: Family) {
        let list = if fatal {
            &mut self.rejected
        } else {
            &mut self.failed
        };
        let label = record.provider.fqdn();
        match list.iter_mut().find(|(l, _)| *l == label) {
            Some((_, rrs)) => rrs.push(family.rr()),
            None => list.push((label, vec![family.rr()])),
        }
    }

    fn into_result(self) -> Result<(), Error> {
        let named = |list: Vec<(String, Vec<&str>)>| -> Vec<String> {
            list.into_iter()
                .map(|(label, rrs)| format!("{label} ({})", rrs.join(", ")))
                .collect()
        };
        if self.failed.is_empty() && self.rejected.is_empty() {
            return Ok(());
        }
        Err(Error::Records {
            failed: named(self.failed),
            rejected: named(self.rejected),
        })
    }
}

/// The address found for each family this run, when one was needed.
#[derive(Default)]
struct Found {
    v4: Option<Result<IpAddr, Error>>,
    v6: Option<Result<IpAddr, Error>>,
}

impl Found {
    fn slot(&mut self, family: Family) -> &mut Option<Result<IpAddr, Error>> {
        match family {
            Family::V4 => &mut self.v4,
            Family::V6 => &mut self.v6,
        }
    }

    fn ok(&self, family: Family) -> Option<IpAddr> {
        let slot = match family {
            Family::V4 => &self.v4,
            Family::V6 => &self.v6,
        };
        slot.as_ref().and_then(|r| r.as_ref().ok()).copied()
    }
}

fn update_all(config: &Config, args: &Args) -> Result<(), Error> {
    if !args.dry_run {
        // Before anything is sent: a run that cannot save would resend on every cron run.
        statefile::check_location(&config.state_file).map_err(Error::Config)?;
    }
    if let Some(ca) = &config.ca_file {
        // SAFETY: still single-threaded; the TLS setup reads this once, at the first HTTPS request.
        unsafe { std::env::set_var("SSL_CERT_FILE", ca) };
    }
    let lock = if args.dry_run {
        None
    } else {
        let lock = crate::lock::acquire(&config.state_file)?;
        detail!("holding {}", lock.path.display());
        Some(lock)
    };
    start_watchdog(config);
    let (mut file, mut state) = load_state(config);
    let now = now_secs();
    // A backoff set before the clock went back ends when its own wait says (and is saved so).
    for e in &mut state.records {
        e.next = decide::not_before(e, now);
    }
    let client = Client {
        timeout_secs: config.timeout_secs,
    };
    let mut tally = Tally::default();
    let mut happened = Vec::new();

    // What is decided before any address is known: stopped, backing off, forced...
    let gates: Vec<Vec<(Family, Option<Decision>)>> = config
        .records
        .iter()
        .map(|r| {
            let fp = &r.fingerprint;
            let gate = |f: Family| decide::gate(state.entry(&r.key(f)), fp, now, args.force);
            r.families.iter().map(|&f| (f, gate(f))).collect()
        })
        .collect();

    // Look up each family's address once, and only when some record may need it.
    let mut found = Found::default();
    let mut lookup_notes = Vec::new();
    for family in Family::BOTH {
        let needed = gates
            .iter()
            .flatten()
            .any(|(f, g)| *f == family && !matches!(g, Some(Decision::Skip(_))));
        if needed {
            let result = source::detect(
                &client,
                family,
                config.sources.of(family),
                config.sources.agree,
            );
            if let Err(e) = &result {
                log::warn!(target: "ddnsup", "{e}");
                happened.push(notify::detection_failed(family, e.to_string()));
                lookup_notes.push(format!("{}: {e}", format_utc(now)));
            }
            *found.slot(family) = Some(result);
        }
    }
    // For `status`: why the last run found no address (in the lock file, in RAM).
    if let Some(lock) = &lock {
        lock.note(&lookup_notes.join("\n"));
    }

    for (record, record_gates) in config.records.iter().zip(gates) {
        let mut addrs = Addrs::default();
        let mut reasons = Vec::new();
        for (family, gate) in record_gates {
            let entry = state.entry(&record.key(family));
            let ip = found.ok(family).map(|ip| publish_address(record, ip));
            let decision = match (gate, ip) {
                (Some(d), _) => d,
                (None, Some(ip)) => decide::decide(
                    entry,
                    &record.fingerprint,
                    ip,
                    now,
                    false,
                    config.refresh_secs,
                ),
                // No address for this family this run: the record could not be checked.
                (None, None) => {
                    tally.add(false, record, family);
                    continue;
                }
            };
            match (decision, ip) {
                (Decision::Skip(skip), _) => {
                    report_skip(record, family, entry, skip, now, &mut tally)
                }
                (Decision::Update(reason), Some(ip)) => {
                    addrs.set(ip);
                    reasons.push((family, reason));
                }
                // Due, but this family's address could not be found.
                (Decision::Update(_), None) => tally.add(false, record, family),
            }
        }
        if addrs.is_empty() {
            continue;
        }
        if args.dry_run {
            dry_run(record, addrs);
            continue;
        }
        let mut cache = Cache::default();
        for family in addrs.families() {
            let old = state.entry(&record.key(family)).map(|e| e.cache.clone());
            cache.set(family, old.unwrap_or_default());
        }
        for (family, result) in record.provider.update(&client, addrs, &mut cache) {
            let Some(ip) = addrs
                .list()
                .into_iter()
                .find(|ip| Family::of(*ip) == family)
            else {
                continue;
            };
            let reason = reasons.iter().find(|(f, _)| *f == family).map(|(_, r)| *r);
            let old = state.entry(&record.key(family));
            let updated = matches!(result, Ok(Success::Updated));
            let mut entry =
                record_outcome(record, family, ip, reason, old, result, now, &mut tally);
            entry.cache = cache.get(family).to_string();
            let (label, hostname) = (record.label(), record.provider.fqdn());
            happened.extend(notify::events(&Attempt {
                record: &label,
                hostname: &hostname,
                family,
                ip,
                before: old,
                after: &entry,
                updated,
            }));
            state.set(entry);
        }
    }

    if !args.dry_run {
        save(&mut file, &mut state, config)?;
        let found = |f| found.ok(f).map(|ip| ip.to_string()).unwrap_or_default();
        crate::notify_send::send_all(
            &config.notify,
            &happened,
            &found(Family::V4),
            &found(Family::V6),
        );
    }
    tally.into_result()
}

/// The address a record publishes: with `ipv6_host_id`, the found /64 prefix plus that id.
fn publish_address(record: &Record, found: IpAddr) -> IpAddr {
    match (found, record.host_id) {
        (IpAddr::V6(v6), Some(id)) => IpAddr::V6(with_host_id(v6, id)),
        _ => found,
    }
}

#[allow(clippy::too_many_arguments)]
fn record_outcome(
    record: &Record,
    family: Family,
    ip: IpAddr,
    reason: Option<Reason>,
    old: Option<&Entry>,
    result: Result<Success, Error>,
    now: u64,
    tally: &mut Tally,
) -> Entry {
    let (label, rr, key) = (record.label(), family.rr(), record.key(family));
    match result {
        Ok(how) => {
            let why = why(reason, old);
            match how {
                Success::Updated => {
                    log::info!(target: "ddnsup", "{label}: updated {rr} to {ip}{why}")
                }
                Success::NoChange => {
                    log::info!(target: "ddnsup", "{label}: {rr} already {ip} at the provider{why}")
                }
            }
            decide::after_success(&key, &record.fingerprint, ip, now, how)
        }
        Err(err) => {
            let entry = decide::after_failure(old, &key, &record.fingerprint, now, &err);
            if entry.stopped {
                tally.add(true, record, family);
                log::error!(target: "ddnsup", "{label}: {rr} rejected: {err}; no more updates until the record's configuration changes (or --force)"
                );
            } else {
                tally.add(false, record, family);
                let wait = format_duration(entry.next.saturating_sub(now));
                log::warn!(target: "ddnsup", "{label}: {rr} update failed: {err}; next try in {wait} or later");
            }
            entry
        }
    }
}

fn why(reason: Option<Reason>, old: Option<&Entry>) -> String {
    match (reason, old) {
        (Some(Reason::AddressChanged), Some(e)) if !e.ip.is_empty() => format!(" (was {})", e.ip),
        (Some(Reason::ConfigChanged), _) => " (configuration changed)".to_string(),
        (Some(Reason::Refresh), _) => " (periodic refresh)".to_string(),
        (Some(Reason::Forced), _) => " (forced)".to_string(),
        _ => String::new(),
    }
}

fn report_skip(
    record: &Record,
    family: Family,
    entry: Option<&Entry>,
    skip: Skip,
    now: u64,
    tally: &mut Tally,
) {
    let (label, rr) = (record.label(), family.rr());
    let last = entry.map_or("", |e| e.result.as_str());
    match skip {
        Skip::Unchanged => {
            let ip = entry.map_or("", |e| e.ip.as_str());
            log::info!(target: "ddnsup", "{label}: {rr} unchanged ({ip})");
        }
        Skip::BackingOff(until) => {
            tally.add(false, record, family);
            let wait = format_duration(until.saturating_sub(now));
            log::warn!(target: "ddnsup", "{label}: {rr} waiting {wait} more before retrying (last: {last})");
        }
        Skip::Stopped => {
            tally.add(true, record, family);
            log::error!(target: "ddnsup", "{label}: {rr} stopped ({last}); fix the record's configuration or use --force"
            );
        }
    }
}

fn dry_run(record: &Record, addrs: Addrs) {
    for ip in addrs.list() {
        let rr = Family::of(ip).rr();
        log::info!(target: "ddnsup", "{}: would update {rr} to {ip}; dry run, nothing sent",
            record.label()
        );
    }
    for planned in record.provider.plan(addrs) {
        say!("{}", planned.request.redacted());
    }
    for line in record.provider.describe(addrs) {
        say!("{line}");
    }
}

/// Keeps only configured records, then writes if anything changed.
fn save(file: &mut StateFile, state: &mut State, config: &Config) -> Result<(), Error> {
    let order: HashMap<String, usize> = state_keys(config)
        .into_iter()
        .enumerate()
        .map(|(i, k)| (k, i))
        .collect();
    state.records.retain(|e| order.contains_key(&e.key));
    state.records.sort_by_key(|e| order.get(&e.key).copied());
    state.records.dedup_by(|a, b| a.key == b.key);
    match file.save(state) {
        Ok(wrote) => {
            if wrote {
                detail!("state written to {}", file.path.display());
            }
            Ok(())
        }
        Err(e) => Err(Error::transient(format!(
            "cannot write state file {}: {e}",
            file.path.display()
        ))),
    }
}

/// A last bound on the whole run, whatever a request or the resolver does.
fn start_watchdog(config: &Config) {
    let sources = config.sources.v4.len() + config.sources.v6.len();
    let requests = (sources + 2 * config.records.len()) as u64;
    let notify: u64 = config.notify.iter().map(|n| n.timeout_secs * 3).sum();
    let budget = config
        .timeout_secs
        .saturating_mul(requests.saturating_mul(3))
        .saturating_add(notify)
        .saturating_add(10);
    // An alarm, not a thread: the line is made now, and the handler only writes it and exits
    // (both async-signal-safe). A run's children (notify commands) do not inherit the alarm.
    crate::logging::prepare_last_words(&format!(
        "run exceeded its time budget of {budget} s; exiting"
    ));
    let secs = u32::try_from(budget).unwrap_or(u32::MAX);
    // SAFETY: the handler calls only write/send and _exit.
    unsafe {
        libc::signal(
            libc::SIGALRM,
            on_alarm as extern "C" fn(libc::c_int) as libc::sighandler_t,
        );
        libc::alarm(secs);
    }
}

extern "C" fn on_alarm(_signal: libc::c_int) {
    crate::logging::say_last_words();
    // SAFETY: _exit is async-signal-safe; nothing is left to flush that matters more than ending.
    unsafe { libc::_exit(crate::error::EXIT_TRANSIENT) }
}
