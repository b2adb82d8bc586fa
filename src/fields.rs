//! What config and providers both read with: `Fields` (one table's keys by name, unknown keys
//! refused, the record fingerprinted), `Secret`, and the URL and path checks. Below both, so
//! the dependency points one way: config -> provider -> fields.
use crate::error::Error;
use crate::fnv::Fnv;
use crate::toml::{Table, Value};
use std::path::{Path, PathBuf};

/// Secret files (`*_file` keys) larger than this are refused.
pub const MAX_SECRET_FILE_BYTES: u64 = 64 * 1024;

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

    pub(super) fn wrong_type(&self, key: &str, want: &str, got: &Value) -> Error {
        let found = got.type_name();
        let article = if found.starts_with(['a', 'e', 'i', 'o', 'u']) {
            "an"
        } else {
            "a"
        };
        self.error(key, &format!("must be a {want}, not {article} {found}"))
    }

    pub(super) fn get(&mut self, key: &str) -> Result<Option<&'a Value>, Error> {
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

    pub(super) fn table(&mut self, key: &str) -> Result<Option<&'a Table>, Error> {
        match self.get(key)? {
            None => Ok(None),
            Some(Value::Table(t)) => Ok(Some(t)),
            Some(other) => Err(self.wrong_type(key, "table ([{key}])", other)),
        }
    }

    pub(super) fn tables(&mut self, key: &str) -> Result<Vec<&'a Table>, Error> {
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

    /// An optional secret: `None` when neither `key` nor `key_file` is set.
    pub fn secret_opt(&mut self, key: &str) -> Result<Option<Secret>, Error> {
        let (inline, file) = (self.get(key)?, self.get(&format!("{key}_file"))?);
        if inline.is_none() && file.is_none() {
            return Ok(None);
        }
        self.secret(key).map(Some)
    }

    /// An array of strings (`["good", "nochg"]`).
    pub fn str_list(&mut self, key: &str) -> Result<Option<Vec<String>>, Error> {
        let Some(value) = self.get(key)? else {
            return Ok(None);
        };
        let items = match value {
            Value::Array(items) => items,
            other => return Err(self.wrong_type(key, "list of strings", other)),
        };
        let mut out = Vec::new();
        for item in items {
            match item {
                Value::String(s) => out.push(s.clone()),
                other => return Err(self.wrong_type(key, "list of strings", other)),
            }
        }
        self.seen.push((key.to_string(), out.join("\0")));
        Ok(Some(out))
    }

    /// An inline table of strings (`{ "X-Key" = "..." }`), in the order written.
    pub fn str_table(&mut self, key: &str) -> Result<Vec<(String, String)>, Error> {
        let Some(table) = self.table(key)? else {
            return Ok(Vec::new());
        };
        let mut out = Vec::new();
        for (k, v) in &table.entries {
            match v {
                Value::String(s) => out.push((k.clone(), s.clone())),
                other => return Err(self.wrong_type(&format!("{key}.{k}"), "string", other)),
            }
            self.seen
                .push((format!("{key}.{k}"), out[out.len() - 1].1.clone()));
        }
        Ok(out)
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
        let (text, meta) = crate::fsread::read_text_capped(&path, MAX_SECRET_FILE_BYTES)
            .map_err(|e| format!("cannot read {shown}: {e}"))?;
        warn_if_world_readable(&path, &meta);
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

/// Levenshtein distance, for "did you mean" hints.
pub fn edit_distance(a: &str, b: &str) -> usize {
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

/// A relative path in the config counts from the config file's directory.
pub fn resolve(dir: &Path, p: &str) -> PathBuf {
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
    crate::http::check_target(url).map_err(|m| format!("\"{url}\": {m}"))
}

pub fn warn_if_world_readable(path: &Path, meta: &std::fs::Metadata) {
    use std::os::unix::fs::PermissionsExt;
    if meta.permissions().mode() & 0o004 != 0 {
        log::warn!(target: "ddnsup", "{} is readable by every user and may hold secrets; run: chmod 600 {}",
            path.display(),
            path.display()
        );
    }
}
