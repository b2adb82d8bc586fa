//! Orchestration: the one module that sees config, detection, decisions, providers and state.
use crate::cli::{Args, Command};
use crate::clock::{format_duration, format_utc, now_secs};
use crate::config::{Config, Record, load_config};
use crate::decide::{self, Decision, Reason, Skip};
use crate::detect::web::detect_v4;
use crate::error::Error;
use crate::http::Client;
use crate::provider::Success;
use crate::state::{State, StateFile};
use std::net::IpAddr;
use std::path::PathBuf;
use std::time::Duration;

/// Runs the command; `Ok` means exit 0. Only `main` prints the error.
pub fn run(args: &Args) -> Result<(), Error> {
    let mut config = load_config(&args.config)?;
    if let Some(state) = &args.state {
        config.state_file = state.clone();
    }
    match args.command {
        Command::Check => check(&config),
        Command::Status => status(&config),
        Command::Run => update_all(&config, args),
    }
}

fn check(config: &Config) -> Result<(), Error> {
    println!(
        "{}: OK, {} record(s)",
        config.path.display(),
        config.records.len()
    );
    for r in &config.records {
        println!("  record {}: {}", r.index, r.label());
    }
    println!("  state file: {}", config.state_file.display());
    Ok(())
}

fn status(config: &Config) -> Result<(), Error> {
    let (_, state) = StateFile::load(&config.state_file);
    let now = now_secs();
    for r in &config.records {
        println!("{}", r.label());
        let Some(e) = state.entry(&r.key) else {
            println!("  no history yet; updates on the next run");
            continue;
        };
        if e.ip.is_empty() {
            println!("  address:      none confirmed yet");
        } else {
            println!(
                "  address:      {} (confirmed {})",
                e.ip,
                format_utc(e.updated)
            );
        }
        println!("  last result:  {}", e.result);
        let next = match decide::gate(Some(e), &r.fingerprint, now, false) {
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
        };
        println!("  next attempt: {next}");
    }
    Ok(())
}

/// Tally of the run's outcomes, for the exit code.
#[derive(Default)]
struct Tally {
    transient: usize,
    fatal: usize,
}

fn update_all(config: &Config, args: &Args) -> Result<(), Error> {
    if let Some(ca) = &config.ca_file {
        // SAFETY: still single-threaded; minreq reads this once, at its first HTTPS request.
        unsafe { std::env::set_var("SSL_CERT_FILE", ca) };
    }
    let _lock = if args.dry_run {
        None
    } else {
        let lock = crate::lock::acquire(&config.state_file)?;
        log::debug!("holding {}", lock.path.display());
        Some(lock)
    };
    start_watchdog(config);
    let (mut file, mut state) = StateFile::load(&config.state_file);
    let now = now_secs();
    let client = Client {
        timeout_secs: config.timeout_secs,
    };
    let mut tally = Tally::default();

    let gates: Vec<Option<Decision>> = config
        .records
        .iter()
        .map(|r| decide::gate(state.entry(&r.key), &r.fingerprint, now, args.force))
        .collect();
    let needs_address = gates.iter().any(|g| !matches!(g, Some(Decision::Skip(_))));
    let ip = if needs_address {
        Some(IpAddr::V4(detect_v4(&client, &config.sources)?))
    } else {
        None
    };

    for (record, gate) in config.records.iter().zip(gates) {
        let entry = state.entry(&record.key);
        let decision = match (gate, ip) {
            (Some(d), _) => d,
            (None, Some(ip)) => decide::decide(
                entry,
                &record.fingerprint,
                ip,
                now,
                args.force,
                config.refresh_secs,
            ),
            (None, None) => continue,
        };
        match (decision, ip) {
            (Decision::Skip(skip), _) => report_skip(record, &state, skip, now, &mut tally),
            (Decision::Update(reason), Some(ip)) => {
                if args.dry_run {
                    dry_run(record, ip, reason);
                } else {
                    let updated = update_one(record, &state, ip, reason, now, &client, &mut tally);
                    state.set(updated);
                }
            }
            (Decision::Update(_), None) => {}
        }
    }

    if !args.dry_run {
        save(&mut file, &mut state, config)?;
    }
    match tally {
        Tally {
            transient: 0,
            fatal: 0,
        } => Ok(()),
        Tally { transient, fatal } => Err(Error::Records { transient, fatal }),
    }
}

fn update_one(
    record: &Record,
    state: &State,
    ip: IpAddr,
    reason: Reason,
    now: u64,
    client: &Client,
    tally: &mut Tally,
) -> crate::state::Entry {
    let label = record.label();
    let old = state.entry(&record.key);
    match record.provider.update(client, ip) {
        Ok(how) => {
            match how {
                Success::Updated => log::info!("{label}: updated A to {ip}{}", why(reason, old)),
                Success::NoChange => log::info!(
                    "{label}: A already {ip} at the provider{}",
                    why(reason, old)
                ),
            }
            decide::after_success(&record.key, &record.fingerprint, ip, now, how)
        }
        Err(err) => {
            let entry = decide::after_failure(old, &record.key, &record.fingerprint, now, &err);
            if entry.stopped {
                tally.fatal += 1;
                log::error!(
                    "{label}: rejected: {err}; no more updates until the record's configuration changes (or --force)"
                );
            } else {
                tally.transient += 1;
                log::warn!(
                    "{label}: failed: {err}; next try in {} or later",
                    format_duration(entry.next.saturating_sub(now))
                );
            }
            entry
        }
    }
}

fn why(reason: Reason, old: Option<&crate::state::Entry>) -> String {
    match (reason, old) {
        (Reason::AddressChanged, Some(e)) if !e.ip.is_empty() => format!(" (was {})", e.ip),
        (Reason::ConfigChanged, _) => " (configuration changed)".to_string(),
        (Reason::Refresh, _) => " (periodic refresh)".to_string(),
        (Reason::Forced, _) => " (forced)".to_string(),
        _ => String::new(),
    }
}

fn report_skip(record: &Record, state: &State, skip: Skip, now: u64, tally: &mut Tally) {
    let label = record.label();
    let entry = state.entry(&record.key);
    match skip {
        Skip::Unchanged => {
            let ip = entry.map_or("", |e| e.ip.as_str());
            log::info!("{label}: unchanged ({ip})");
        }
        Skip::BackingOff(until) => {
            tally.transient += 1;
            let last = entry.map_or("", |e| e.result.as_str());
            log::warn!(
                "{label}: waiting {} more before retrying (last: {last})",
                format_duration(until.saturating_sub(now))
            );
        }
        Skip::Stopped => {
            tally.fatal += 1;
            let last = entry.map_or("", |e| e.result.as_str());
            log::error!("{label}: stopped ({last}); fix the record's configuration or use --force");
        }
    }
}

fn dry_run(record: &Record, ip: IpAddr, reason: Reason) {
    log::info!(
        "{}: would update A to {ip} ({reason:?}); dry run, nothing sent",
        record.label()
    );
    for req in record.provider.plan(ip) {
        println!("{}", req.redacted());
    }
}

/// Keeps only configured records, then writes if anything changed.
fn save(file: &mut StateFile, state: &mut State, config: &Config) -> Result<(), Error> {
    state
        .records
        .retain(|e| config.records.iter().any(|r| r.key == e.key));
    let order = |key: &str| config.records.iter().position(|r| r.key == key);
    state.records.sort_by_key(|e| order(&e.key));
    match file.save(state) {
        Ok(wrote) => {
            if wrote {
                log::debug!("state written to {}", file.path.display());
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
    let requests = (config.sources.len() + config.records.len()) as u64;
    let budget = config
        .timeout_secs
        .saturating_mul(requests.saturating_mul(3))
        .saturating_add(10);
    let state: PathBuf = config.state_file.clone();
    std::thread::spawn(move || {
        std::thread::sleep(Duration::from_secs(budget));
        log::error!(
            "run exceeded its time budget of {budget} s; exiting (state {} untouched by this run)",
            state.display()
        );
        std::process::exit(crate::error::EXIT_TRANSIENT);
    });
}
