//! The config file: TOML text -> validated `Config`, with errors that name the record and key.
pub mod notify;

use crate::detect::source::Source;
use crate::detect::web::{DEFAULT_SOURCES_V4, DEFAULT_SOURCES_V6};
use crate::detect::{Family, parse_host_id};
use crate::error::Error;
use crate::provider::{self, Provider};
use crate::toml::{self, Table, Value};
use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::hash::Hash;
use std::path::{Path, PathBuf};

#[cfg(test)]
use crate::fields::edit_distance;
use crate::fields::{Fields, resolve, warn_if_world_readable};

pub const DEFAULT_CONFIG_PATH: &str = "/etc/ddnsup/config.toml";
pub const DEFAULT_TIMEOUT_SECS: u64 = 10;
const MAX_TIMEOUT_SECS: i64 = 300;
pub const DEFAULT_REFRESH_DAYS: u64 = 25;
const MAX_CONFIG_BYTES: u64 = 1024 * 1024;

/// A validated configuration: every value checked, every secret loaded.
pub struct Config {
    pub path: PathBuf,
    pub state_file: PathBuf,
    pub timeout_secs: u64,
    pub ca_file: Option<PathBuf>,
    pub refresh_secs: u64,
    pub sources: Sources,
    pub records: Vec<Record>,
    pub notify: Vec<crate::notify::Notify>,
}

/// `[ip]`: where each family's address comes from.
pub struct Sources {
    pub v4: Vec<Source>,
    pub v6: Vec<Source>,
    /// How many sources must report the same address (1: the first good answer wins).
    pub agree: usize,
}

impl Sources {
    pub fn of(&self, family: Family) -> &[Source] {
        match family {
            Family::V4 => &self.v4,
            Family::V6 => &self.v6,
        }
    }
}

pub struct Record {
    /// 1-based position in the file, as messages count.
    pub index: usize,
    pub provider_name: String,
    pub provider: Box<dyn Provider>,
    /// The address families it updates, `[V4]` unless `family` says otherwise.
    pub families: Vec<Family>,
    /// `ipv6_host_id`: publish the found /64 prefix with this interface identifier.
    pub host_id: Option<u64>,
    /// Changes whenever anything in the record (secrets included) changes.
    pub fingerprint: String,
}

impl Record {
    /// `home.example.com (namecheap)`: how logs name a record.
    pub fn label(&self) -> String {
        format!("{} ({})", self.provider.fqdn(), self.provider_name)
    }

    /// Stable name of the record's entry for `family` in the state file.
    pub fn key(&self, family: Family) -> String {
        #[cfg(test)]
        tests::KEYS_MADE.with(|n| n.set(n.get() + 1));
        format!(
            "{} {} {}",
            self.provider_name,
            self.provider.fqdn(),
            family.rr()
        )
    }
}

/// Reads the file, warns when other users may read it, and validates it.
pub fn load_config(path: &Path) -> Result<Config, Error> {
    let (text, meta) = crate::fsread::read_text_capped(path, MAX_CONFIG_BYTES)
        .map_err(|e| Error::Config(format!("cannot read {}: {e}", path.display())))?;
    warn_if_world_readable(path, &meta);
    parse_config(&text, path)
}

/// Validates config text; `path` locates the default state file and relative `*_file` keys.
pub fn parse_config(text: &str, path: &Path) -> Result<Config, Error> {
    let in_file = |m: String| Error::Config(format!("{}: {m}", path.display()));
    let doc = toml::parse(text).map_err(|e| in_file(e.to_string()))?;
    let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let top = Fields::new("top level".to_string(), &doc, dir.clone());
    let config = read_top(top, path, &dir).map_err(|e| prefix(e, path))?;
    Ok(config)
}

fn prefix(e: Error, path: &Path) -> Error {
    match e {
        Error::Config(m) => Error::Config(format!("{}: {m}", path.display())),
        other => other,
    }
}

fn read_top(mut top: Fields, path: &Path, dir: &Path) -> Result<Config, Error> {
    let state_file = match top.str("state_file")? {
        Some(p) => resolve(dir, &p),
        None => dir.join("state.json"),
    };
    let timeout_secs = top
        .int_in("timeout", 1, MAX_TIMEOUT_SECS)?
        .unwrap_or(DEFAULT_TIMEOUT_SECS as i64) as u64;
    let refresh_days = top
        .int_in("refresh_days", 1, 365)?
        .unwrap_or(DEFAULT_REFRESH_DAYS as i64) as u64;
    let ca_file = match top.str("ca_file")? {
        Some(p) => {
            let p = resolve(dir, &p);
            // minreq reads it whole at the first HTTPS request: a regular file only.
            match std::fs::metadata(&p) {
                Ok(meta) if meta.is_file() => {}
                Ok(_) => {
                    let m = format!("{} is not a regular file", p.display());
                    return Err(top.error("ca_file", &m));
                }
                Err(e) => {
                    let m = format!("cannot read {}: {e}", p.display());
                    return Err(top.error("ca_file", &m));
                }
            }
            Some(p)
        }
        None => None,
    };
    let sources = match top.table("ip")? {
        Some(ip) => read_ip(ip, dir)?,
        None => read_ip(&Table::default(), dir)?,
    };
    let tables = top.tables("record")?;
    let notify_tables = top.tables("notify")?;
    top.finish()?;
    if tables.is_empty() {
        return Err(Error::Config("no [[record]] to update".to_string()));
    }
    let mut records: Vec<Record> = Vec::new();
    let mut claimed = HashMap::new();
    for (i, table) in tables.iter().enumerate() {
        let record = read_record(i + 1, table, dir)?;
        for &family in &record.families {
            // Names are already lowercased by the providers; this keeps it so for any that is not.
            let key = record.key(family).to_ascii_lowercase();
            if let Some(other) = claim(&mut claimed, key, record.index) {
                return Err(Error::Config(format!(
                    "record {} ({}): updates the same name as record {other}",
                    record.index, record.provider_name
                )));
            }
        }
        records.push(record);
    }
    let notify = notify_tables
        .iter()
        .enumerate()
        .map(|(i, t)| notify::read_notify(i + 1, t, dir, timeout_secs))
        .collect::<Result<_, _>>()?;
    Ok(Config {
        path: path.to_path_buf(),
        state_file,
        timeout_secs,
        ca_file,
        refresh_secs: refresh_days * 86_400,
        sources,
        records,
        notify,
    })
}

/// Claims `key` for record `index`; the earlier record's index when another already holds it.
/// One hash lookup per key, so checking n records costs O(n), not a comparison with every
/// earlier record.
fn claim<K: Hash + Eq>(claimed: &mut HashMap<K, usize>, key: K, index: usize) -> Option<usize> {
    match claimed.entry(key) {
        Entry::Occupied(earlier) => Some(*earlier.get()),
        Entry::Vacant(slot) => {
            slot.insert(index);
            None
        }
    }
}

fn read_ip(ip: &Table, dir: &Path) -> Result<Sources, Error> {
    let mut f = Fields::new("[ip]".to_string(), ip, dir.to_path_buf());
    let v4 = read_sources(&mut f, "sources", Family::V4, DEFAULT_SOURCES_V4)?;
    let v6 = read_sources(&mut f, "sources6", Family::V6, DEFAULT_SOURCES_V6)?;
    let agree = f.int_in("agree", 1, 10)?.unwrap_or(1) as usize;
    for (key, family, list) in [("sources", Family::V4, &v4), ("sources6", Family::V6, &v6)] {
        if list.len() < agree {
            return Err(f.error(key, &format!("lists fewer than agree = {agree} sources")));
        }
        if agree > 1 {
            check_distinct(&f, key, family, list, agree)?;
        }
    }
    f.finish()?;
    Ok(Sources { v4, v6, agree })
}

/// With `agree` > 1 every source must be another one: one source listed twice would agree
/// with itself.
fn check_distinct(
    f: &Fields,
    key: &str,
    family: Family,
    list: &[Source],
    agree: usize,
) -> Result<(), Error> {
    let mut claimed = HashMap::new();
    for (i, source) in list.iter().enumerate() {
        if let Some(first) = claim(&mut claimed, source.identity(family), i) {
            return Err(f.error(
                key,
                &format!(
                    "lists {} twice (entries {} and {}); with agree = {agree} each source must be a different one",
                    source.describe(),
                    first + 1,
                    i + 1
                ),
            ));
        }
    }
    Ok(())
}

fn read_sources(
    f: &mut Fields,
    key: &str,
    family: Family,
    default: &[&str],
) -> Result<Vec<Source>, Error> {
    let texts: Vec<String> = match f.get(key)? {
        None => default.iter().map(|s| s.to_string()).collect(),
        Some(Value::Array(items)) => {
            let mut texts = Vec::new();
            for item in items {
                let Value::String(text) = item else {
                    return Err(f.error(key, "must be a list of sources (strings)"));
                };
                texts.push(text.clone());
            }
            texts
        }
        Some(other) => return Err(f.wrong_type(key, "list of sources", other)),
    };
    if texts.is_empty() {
        return Err(f.error(key, "must name at least one source"));
    }
    texts
        .iter()
        .map(|t| Source::parse_for(t, family).map_err(|m| f.error(key, &m)))
        .collect()
}

fn read_record(index: usize, table: &Table, dir: &Path) -> Result<Record, Error> {
    let mut f = Fields::new(format!("record {index}"), table, dir.to_path_buf());
    let name = f.required_str("provider")?;
    f.label = format!("record {index} ({name})");
    let families = match f.str("family")?.as_deref() {
        None | Some("ipv4") => vec![Family::V4],
        Some("ipv6") => vec![Family::V6],
        Some("both") => vec![Family::V4, Family::V6],
        Some(other) => {
            return Err(f.error(
                "family",
                &format!("\"{other}\" is not one of ipv4, ipv6, both"),
            ));
        }
    };
    let host_id = match f.str("ipv6_host_id")? {
        None => None,
        Some(_) if !families.contains(&Family::V6) => {
            return Err(f.error("ipv6_host_id", "needs family = \"ipv6\" or \"both\""));
        }
        Some(text) => Some(parse_host_id(&text).map_err(|m| f.error("ipv6_host_id", &m))?),
    };
    let provider = provider::from_config(&name, &mut f).map_err(|e| match e {
        Error::Config(m) if !m.starts_with("record ") => Error::Config(format!("{}: {m}", f.label)),
        other => other,
    })?;
    if families.contains(&Family::V6) && !provider.supports_v6() {
        return Err(f.error(
            "family",
            &format!("{name} cannot update IPv6 (AAAA) records"),
        ));
    }
    let fingerprint = f.finish()?;
    Ok(Record {
        index,
        provider_name: name,
        provider,
        families,
        host_id,
        fingerprint,
    })
}

#[cfg(test)]
mod tests;
