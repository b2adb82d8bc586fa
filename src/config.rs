//! The config file: TOML text -> validated `Config`, with errors that name the record and key.
use crate::detect::source::Source;
use crate::detect::web::{DEFAULT_SOURCES_V4, DEFAULT_SOURCES_V6};
use crate::detect::{Family, parse_host_id};
use crate::error::Error;
use crate::provider::{self, Provider};
use crate::toml::{self, Table, Value};
use std::path::{Path, PathBuf};

pub const DEFAULT_CONFIG_PATH: &str = "/etc/ddnsup/config.toml";
pub const DEFAULT_TIMEOUT_SECS: u64 = 10;
const MAX_TIMEOUT_SECS: i64 = 300;
pub const DEFAULT_REFRESH_DAYS: u64 = 25;
const MAX_CONFIG_BYTES: u64 = 1024 * 1024;
const MAX_SECRET_FILE_BYTES: u64 = 64 * 1024;

/// A validated configuration: every value checked, every secret loaded.
pub struct Config {
    pub path: PathBuf,
    pub state_file: PathBuf,
    pub timeout_secs: u64,
    pub ca_file: Option<PathBuf>,
    pub refresh_secs: u64,
    pub sources: Sources,
    pub records: Vec<Record>,
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
        format!(
            "{} {} {}",
            self.provider_name,
            self.provider.fqdn(),
            family.rr()
        )
    }
}

/// A secret: shown as `***` by `Debug`, handed out only through `expose`.
#[derive(Clone, PartialEq)]
pub struct Secret(String);

impl Secret {
    #[cfg(test)]
    pub fn new(s: String) -> Secret {
        Secret(s)
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("***")
    }
}

/// Reads the file, warns when other users may read it, and validates it.
pub fn load_config(path: &Path) -> Result<Config, Error> {
    let shown = path.display();
    let meta =
        std::fs::metadata(path).map_err(|e| Error::Config(format!("cannot read {shown}: {e}")))?;
    if meta.len() > MAX_CONFIG_BYTES {
        return Err(Error::Config(format!(
            "{shown}: larger than 1 MiB; not a config file"
        )));
    }
    warn_if_world_readable(path, &meta);
    let text = std::fs::read_to_string(path)
        .map_err(|e| Error::Config(format!("cannot read {shown}: {e}")))?;
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
            std::fs::metadata(&p)
                .map_err(|e| top.error("ca_file", &format!("cannot read {}: {e}", p.display())))?;
            Some(p)
        }
        None => None,
    };
    let sources = match top.table("ip")? {
        Some(ip) => read_ip(ip, dir)?,
        None => read_ip(&Table::default(), dir)?,
    };
    let tables = top.tables("record")?;
    top.finish()?;
    if tables.is_empty() {
        return Err(Error::Config("no [[record]] to update".to_string()));
    }
    let mut records: Vec<Record> = Vec::new();
    for (i, table) in tables.iter().enumerate() {
        let record = read_record(i + 1, table, dir)?;
        let same = |other: &Record| {
            Family::BOTH.iter().any(|f| {
                record.families.contains(f)
                    && other.families.contains(f)
                    && other.key(*f) == record.key(*f)
            })
        };
        if let Some(other) = records.iter().find(|r| same(r)) {
            return Err(Error::Config(format!(
                "record {} ({}): updates the same name as record {}",
                record.index, record.provider_name, other.index
            )));
        }
        records.push(record);
    }
    Ok(Config {
        path: path.to_path_buf(),
        state_file,
        timeout_secs,
        ca_file,
        refresh_secs: refresh_days * 86_400,
        sources,
        records,
    })
}

fn read_ip(ip: &Table, dir: &Path) -> Result<Sources, Error> {
    let mut f = Fields::new("[ip]".to_string(), ip, dir.to_path_buf());
    let v4 = read_sources(&mut f, "sources", DEFAULT_SOURCES_V4)?;
    let v6 = read_sources(&mut f, "sources6", DEFAULT_SOURCES_V6)?;
    let agree = f.int_in("agree", 1, 10)?.unwrap_or(1) as usize;
    for (key, list) in [("sources", &v4), ("sources6", &v6)] {
        if list.len() < agree {
            return Err(f.error(key, &format!("lists fewer than agree = {agree} sources")));
        }
    }
    f.finish()?;
    Ok(Sources { v4, v6, agree })
}

fn read_sources(f: &mut Fields, key: &str, default: &[&str]) -> Result<Vec<Source>, Error> {
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
        .map(|t| Source::parse(t).map_err(|m| f.error(key, &m)))
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

fn resolve(dir: &Path, p: &str) -> PathBuf {
    let p = Path::new(p);
    if p.is_absolute() {
        p.to_path_buf()
    } else {
        dir.join(p)
    }
}

/// The server URL with `path` added, unless it already has a path of its own.
pub fn endpoint_url(server: &str, path: &str) -> String {
    let server = server.trim_end_matches('/');
    let has_path = server.split("://").nth(1).is_some_and(|r| r.contains('/'));
    if has_path {
        server.to_string()
    } else {
        format!("{server}{path}")
    }
}

/// `https://host[:port][/path]`; plain http only where allowed. No credentials, query or fragment.
pub fn check_url(url: &str, allow_http: bool) -> Result<(), String> {
    let rest = if let Some(r) = url.strip_prefix("https://") {
        r
    } else if let Some(r) = url.strip_prefix("http://") {
        if !allow_http {
            return Err(format!(
                "plain http:// is refused for \"{url}\"; use https:// or set allow_http = true"
            ));
        }
        r
    } else {
        return Err(format!("\"{url}\" is not an http(s):// URL"));
    };
    let authority = rest.split('/').next().unwrap_or("");
    if authority.is_empty() {
        return Err(format!("\"{url}\" has no host"));
    }
    if authority.contains('@') {
        return Err(format!(
            "\"{url}\" holds credentials; use the record's own keys"
        ));
    }
    if url.contains(['?', '#']) || url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(format!(
            "\"{url}\" must not hold a query, fragment or spaces"
        ));
    }
    Ok(())
}

fn warn_if_world_readable(path: &Path, meta: &std::fs::Metadata) {
    use std::os::unix::fs::PermissionsExt;
    if meta.permissions().mode() & 0o004 != 0 {
        log::warn!(
            "{} is readable by every user and may hold secrets; run: chmod 600 {}",
            path.display(),
            path.display()
        );
    }
}

/// One table's keys, read by name; remembers what was read, to reject unknown keys and to
/// fingerprint the record.
pub struct Fields<'a> {
    pub label: String,
    table: &'a Table,
    dir: PathBuf,
    asked: Vec<String>,
    seen: Vec<(String, String)>,
}

impl<'a> Fields<'a> {
    pub fn new(label: String, table: &'a Table, dir: PathBuf) -> Fields<'a> {
        Fields {
            label,
            table,
            dir,
            asked: Vec::new(),
            seen: Vec::new(),
        }
    }

    pub fn error(&self, key: &str, message: &str) -> Error {
        Error::Config(format!("{}: key \"{key}\": {message}", self.label))
    }

    /// A missing key; when the table holds a near miss, the typo is the better message.
    pub fn missing(&self, key: &str) -> Error {
        self.typo_of(key)
            .unwrap_or_else(|| Error::Config(format!("{}: missing key \"{key}\"", self.label)))
    }

    fn typo_of(&self, wanted: &str) -> Option<Error> {
        let (typo, _) = self
            .table
            .entries
            .iter()
            .find(|(k, _)| k != wanted && edit_distance(k, wanted) <= 2)?;
        Some(Error::Config(format!(
            "{}: unknown key \"{typo}\" (did you mean \"{wanted}\"?)",
            self.label
        )))
    }

    fn wrong_type(&self, key: &str, want: &str, got: &Value) -> Error {
        let found = got.type_name();
        let article = if found.starts_with(['a', 'e', 'i', 'o', 'u']) {
            "an"
        } else {
            "a"
        };
        self.error(key, &format!("must be a {want}, not {article} {found}"))
    }

    fn get(&mut self, key: &str) -> Result<Option<&'a Value>, Error> {
        self.asked.push(key.to_string());
        Ok(self.table.get(key))
    }

    pub fn str(&mut self, key: &str) -> Result<Option<String>, Error> {
        match self.get(key)? {
            None => Ok(None),
            Some(Value::String(s)) => {
                self.seen.push((key.to_string(), s.clone()));
                Ok(Some(s.clone()))
            }
            Some(other) => Err(self.wrong_type(key, "string", other)),
        }
    }

    pub fn required_str(&mut self, key: &str) -> Result<String, Error> {
        match self.str(key)? {
            Some(s) if s.trim().is_empty() => Err(self.error(key, "must not be empty")),
            Some(s) => Ok(s),
            None => Err(self.missing(key)),
        }
    }

    pub fn bool(&mut self, key: &str) -> Result<Option<bool>, Error> {
        match self.get(key)? {
            None => Ok(None),
            Some(Value::Boolean(b)) => {
                self.seen.push((key.to_string(), b.to_string()));
                Ok(Some(*b))
            }
            Some(other) => Err(self.wrong_type(key, "boolean (true or false)", other)),
        }
    }

    pub fn int_in(&mut self, key: &str, min: i64, max: i64) -> Result<Option<i64>, Error> {
        match self.get(key)? {
            None => Ok(None),
            Some(Value::Integer(n)) if (min..=max).contains(n) => {
                self.seen.push((key.to_string(), n.to_string()));
                Ok(Some(*n))
            }
            Some(Value::Integer(n)) => {
                Err(self.error(key, &format!("{n} is out of range {min}..={max}")))
            }
            Some(other) => Err(self.wrong_type(key, "whole number", other)),
        }
    }

    fn table(&mut self, key: &str) -> Result<Option<&'a Table>, Error> {
        match self.get(key)? {
            None => Ok(None),
            Some(Value::Table(t)) => Ok(Some(t)),
            Some(other) => Err(self.wrong_type(key, "table ([{key}])", other)),
        }
    }

    fn tables(&mut self, key: &str) -> Result<Vec<&'a Table>, Error> {
        let wrong = || self.error(key, &format!("must be written as [[{key}]] tables"));
        match self.table.get(key) {
            None => {
                self.asked.push(key.to_string());
                Ok(Vec::new())
            }
            Some(Value::Array(items)) => {
                let mut out = Vec::new();
                for item in items {
                    match item {
                        Value::Table(t) => out.push(t),
                        _ => return Err(wrong()),
                    }
                }
                self.asked.push(key.to_string());
                Ok(out)
            }
            Some(_) => Err(wrong()),
        }
    }

    /// A secret given inline (`key`) or in a file (`key_file`), exactly one of them.
    pub fn secret(&mut self, key: &str) -> Result<Secret, Error> {
        let file_key = format!("{key}_file");
        let inline = self.str(key)?;
        let file = self.str(&file_key)?;
        let value = match (inline, file) {
            (Some(_), Some(_)) => {
                return Err(self.error(key, &format!("set either {key} or {file_key}, not both")));
            }
            (Some(v), None) => v,
            (None, Some(p)) => {
                let v = self
                    .read_secret_file(&p)
                    .map_err(|m| self.error(&file_key, &m))?;
                self.seen.push((key.to_string(), v.clone()));
                v
            }
            (None, None) => {
                return Err(self.typo_of(key).unwrap_or_else(|| {
                    Error::Config(format!(
                        "{}: missing key \"{key}\" (or \"{file_key}\")",
                        self.label
                    ))
                }));
            }
        };
        if value.is_empty() {
            return Err(self.error(key, "must not be empty"));
        }
        Ok(Secret(value))
    }

    /// A secret that only lives in a file named by `key` (e.g. a whole TSIG key file). Its
    /// text joins the fingerprint, so editing the file counts as a configuration change.
    pub fn secret_file(&mut self, key: &str) -> Result<Option<Secret>, Error> {
        let Some(p) = self.str(key)? else {
            return Ok(None);
        };
        let text = self.read_secret_file(&p).map_err(|m| self.error(key, &m))?;
        self.seen.push((format!("{key} contents"), text.clone()));
        Ok(Some(Secret(text)))
    }

    fn read_secret_file(&self, p: &str) -> Result<String, String> {
        let path = resolve(&self.dir, p);
        let shown = path.display();
        let meta = std::fs::metadata(&path).map_err(|e| format!("cannot read {shown}: {e}"))?;
        if meta.len() > MAX_SECRET_FILE_BYTES {
            return Err(format!("{shown} is too large for a secret"));
        }
        warn_if_world_readable(&path, &meta);
        let text =
            std::fs::read_to_string(&path).map_err(|e| format!("cannot read {shown}: {e}"))?;
        Ok(text.trim_end_matches(['\n', '\r']).to_string())
    }

    /// The record's endpoint: `server` (or `default`) with `path` added when the URL has none.
    pub fn endpoint(&mut self, default: &str, path: &str) -> Result<String, Error> {
        let allow_http = self.bool("allow_http")?.unwrap_or(false);
        let server = self.str("server")?.unwrap_or_else(|| default.to_string());
        self.join_endpoint(&server, path, allow_http)
    }

    /// Like `endpoint`, for protocols with no default server.
    pub fn endpoint_required(&mut self, path: &str) -> Result<String, Error> {
        let allow_http = self.bool("allow_http")?.unwrap_or(false);
        let server = self.required_str("server")?;
        self.join_endpoint(&server, path, allow_http)
    }

    fn join_endpoint(&self, server: &str, path: &str, allow_http: bool) -> Result<String, Error> {
        check_url(server, allow_http).map_err(|m| self.error("server", &m))?;
        Ok(endpoint_url(server, path))
    }

    /// Rejects keys nobody asked for; returns the fingerprint of what was read.
    pub fn finish(self) -> Result<String, Error> {
        for (key, _) in &self.table.entries {
            if !self.asked.iter().any(|k| k == key) {
                let hint = self
                    .asked
                    .iter()
                    .find(|k| edit_distance(k, key) <= 2)
                    .map(|k| format!(" (did you mean \"{k}\"?)"))
                    .unwrap_or_default();
                return Err(Error::Config(format!(
                    "{}: unknown key \"{key}\"{hint}",
                    self.label
                )));
            }
        }
        let mut seen = self.seen;
        seen.sort();
        let mut hash = Fnv::new();
        for (k, v) in &seen {
            hash.write(k.as_bytes());
            hash.write(&[0]);
            hash.write(v.as_bytes());
            hash.write(&[0]);
        }
        Ok(format!("{:016x}", hash.finish()))
    }
}

/// FNV-1a, 64 bits: fingerprints and the state file's checksum.
pub struct Fnv(u64);

impl Fnv {
    pub fn new() -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
    pub fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    pub fn finish(&self) -> u64 {
        self.0
    }
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur.push((prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
#[path = "config_tests.rs"]
mod tests;
