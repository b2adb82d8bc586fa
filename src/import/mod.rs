//! `ddnsup import KIND FILE`: another tool's config -> ddnsup TOML, validated, printed or written.
use crate::error::Error;
use std::io::Write;
use std::path::Path;

pub mod ddclient;
pub mod ddns_scripts;
pub mod inadyn;

/// One value of a key in the rendered config.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Str(String),
    /// Shown as `***` on stdout; written as is with `--output`.
    Secret(String),
    Int(i64),
    /// Part of the shared API; ddns-scripts has no boolean key that carries over.
    #[allow(dead_code)]
    Bool(bool),
    List(Vec<String>),
}

/// One `[[record]]` of the output.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Record {
    /// Where it came from, e.g. "section 'myddns' (line 12)".
    pub origin: String,
    /// In output order; "provider" first.
    pub keys: Vec<(String, Value)>,
    /// Options that do not carry over, each "option x: why".
    pub notes: Vec<String>,
}

/// What an importer read from the other tool's config.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Imported {
    /// Top-level keys (timeout, ...).
    pub top: Vec<(String, Value)>,
    /// `[ip] sources` (IPv4), in order.
    pub sources: Vec<String>,
    /// `[ip] sources6`.
    pub sources6: Vec<String>,
    pub records: Vec<Record>,
    /// Global options that do not carry over.
    pub notes: Vec<String>,
}

impl Imported {
    /// The global source list of one family (`sources6` when `v6`).
    pub fn sources_of(&mut self, v6: bool) -> &mut Vec<String> {
        if v6 {
            &mut self.sources6
        } else {
            &mut self.sources
        }
    }
}

/// An importer. An error names the line: "line 12: unterminated quote".
pub type Parse = fn(&str) -> Result<Imported, String>;

/// The kinds `import` knows, for the usage text and errors.
pub const KINDS: &[&str] = &["ddns-scripts", "ddclient", "inadyn"];

/// The importers built in, one line each.
const IMPORTERS: &[(&str, Parse)] = &[
    ("ddns-scripts", ddns_scripts::parse),
    ("inadyn", inadyn::parse),
    ("ddclient", ddclient::parse),
];

/// Largest config file read (the other tools' configs are a few KiB).
const MAX_INPUT_BYTES: u64 = 1 << 20;

/// Reads `path` as a `kind` config, renders and validates the ddnsup config, then prints it
/// (secrets as `***`) or writes it to `output` (mode 600, never over an existing file).
/// The file read is never changed.
pub fn run(kind: &str, path: &Path, output: Option<&Path>) -> Result<(), Error> {
    let parse = match IMPORTERS.iter().find(|(k, _)| *k == kind) {
        Some((_, p)) => *p,
        None if KINDS.contains(&kind) => {
            return Err(Error::Usage(format!(
                "import {kind}: not supported by this build"
            )));
        }
        None => {
            return Err(Error::Usage(format!(
                "import: unknown kind \"{kind}\" (one of {})",
                KINDS.join(", ")
            )));
        }
    };
    let (text, _) = crate::fsread::read_text_capped(path, MAX_INPUT_BYTES)
        .map_err(|e| Error::Config(format!("cannot read {}: {e}", path.display())))?;
    let imported = parse(&text).map_err(|e| Error::Config(format!("{}: {e}", path.display())))?;
    let at = output.unwrap_or(Path::new(crate::config::DEFAULT_CONFIG_PATH));
    let imported = keep_valid(imported, at);
    if imported.records.is_empty() {
        let why = imported.notes.last().map(String::as_str).unwrap_or("");
        return Err(Error::Config(format!(
            "{}: no section that ddnsup can import (last: {why})",
            path.display()
        )));
    }
    let full = render(&imported, true);
    validate(&full, at)
        .map_err(|m| Error::Config(format!("the imported config would not be valid: {m}")))?;
    match output {
        None => {
            crate::cli::print_stdout(format_args!("{}", render(&imported, false)));
            Ok(())
        }
        Some(out) => write_new(out, &full),
    }
}

/// The config parser's verdict on rendered text, without the path it was given.
fn validate(text: &str, at: &Path) -> Result<(), String> {
    let m = match crate::config::parse_config(text, at) {
        Ok(_) => return Ok(()),
        Err(Error::Config(m)) => m,
        Err(other) => other.to_string(),
    };
    let prefix = format!("{}: ", at.display());
    Err(m.strip_prefix(&prefix).unwrap_or(&m).to_string())
}

/// Each record checked on its own (with the top keys and sources): one the config parser
/// refuses becomes a note saying why, so one odd section does not stop the rest.
fn keep_valid(mut imported: Imported, at: &Path) -> Imported {
    for record in std::mem::take(&mut imported.records) {
        let alone = Imported {
            top: imported.top.clone(),
            sources: imported.sources.clone(),
            sources6: imported.sources6.clone(),
            records: vec![record],
            notes: Vec::new(),
        };
        match validate(&render(&alone, true), at) {
            Ok(()) => imported.records.extend(alone.records),
            Err(m) => {
                // "record 1 (label): why" -> "why": the origin names the section.
                let why = match m
                    .strip_prefix("record 1 ")
                    .and_then(|r| r.split_once("): "))
                {
                    Some((_, why)) => why.to_string(),
                    None => m,
                };
                let origin = &alone.records[0].origin;
                imported
                    .notes
                    .push(format!("{origin}: not imported: {why}"));
            }
        }
    }
    imported
}

/// Creates `out` with mode 600; an existing file is an error and stays as it was.
fn write_new(out: &Path, text: &str) -> Result<(), Error> {
    let fail = |e: std::io::Error| Error::Config(format!("cannot write {}: {e}", out.display()));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(out).map_err(fail)?;
    if let Err(e) = file
        .write_all(text.as_bytes())
        .and_then(|()| file.sync_all())
    {
        let _ = std::fs::remove_file(out);
        return Err(fail(e));
    }
    say!(
        "wrote {}; check it with: ddnsup check -c {}",
        out.display(),
        out.display()
    );
    Ok(())
}

/// The ddnsup config as TOML: global notes first, then top keys, `[ip]`, and each record with
/// its notes as `# ` comments above it. Secrets are `***` unless `show_secrets`.
pub fn render(imported: &Imported, show_secrets: bool) -> String {
    let mut out = String::from("# Imported by ddnsup import; review before use.\n");
    for note in &imported.notes {
        comment(&mut out, note);
    }
    for (key, value) in &imported.top {
        line(&mut out, key, value, show_secrets);
    }
    if !imported.sources.is_empty() || !imported.sources6.is_empty() {
        out.push_str("\n[ip]\n");
        for (key, list) in [
            ("sources", &imported.sources),
            ("sources6", &imported.sources6),
        ] {
            if !list.is_empty() {
                line(&mut out, key, &Value::List(list.clone()), show_secrets);
            }
        }
    }
    for record in &imported.records {
        out.push('\n');
        comment(&mut out, &format!("from {}", record.origin));
        for note in &record.notes {
            comment(&mut out, note);
        }
        out.push_str("[[record]]\n");
        for (key, value) in &record.keys {
            line(&mut out, key, value, show_secrets);
        }
    }
    out
}

/// One `# ` comment per line of `text` (a note never breaks out of its comment).
fn comment(out: &mut String, text: &str) {
    for l in text.lines() {
        out.push_str("# ");
        out.extend(l.chars().filter(|c| !c.is_control()));
        out.push('\n');
    }
}

fn line(out: &mut String, key: &str, value: &Value, show_secrets: bool) {
    let v = match value {
        Value::Str(s) => quote(s),
        Value::Secret(s) if show_secrets => quote(s),
        Value::Secret(_) => quote("***"),
        Value::Int(i) => i.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::List(items) => {
            let items: Vec<String> = items.iter().map(|s| quote(s)).collect();
            format!("[{}]", items.join(", "))
        }
    };
    out.push_str(&format!("{key} = {v}\n"));
}

/// Another tool's address command as a `command:` source, or why it cannot be one: the other
/// tools run it through a shell and pick the address out of its output; ddnsup runs the
/// program itself, split on spaces, and its whole output must be the address.
pub fn command_source(cmd: &str) -> Result<String, String> {
    let cmd = cmd.trim();
    if cmd.is_empty() {
        return Err("it is empty".into());
    }
    if cmd.contains([
        '|', '&', ';', '<', '>', '(', ')', '$', '`', '"', '\'', '\\', '*', '?', '[', '~', '\n',
    ]) {
        return Err("it needs a shell, and ddnsup runs programs without one: put the command in a script that prints only the address and list command:/path/to/script in sources".into());
    }
    crate::detect::source::Source::parse(&format!("command:{cmd}"))
        .map(|_| format!("command:{cmd}"))
}

/// The note that goes with every imported command source.
pub const COMMAND_NOTE: &str =
    "ddnsup reads the command's whole output as the address, so it must print only the address";

/// A TOML basic string.
pub fn quote(s: &str) -> String {
    let mut q = String::with_capacity(s.len() + 2);
    q.push('"');
    for c in s.chars() {
        match c {
            '"' => q.push_str("\\\""),
            '\\' => q.push_str("\\\\"),
            '\n' => q.push_str("\\n"),
            '\t' => q.push_str("\\t"),
            c if c.is_control() => q.push_str(&format!("\\u{:04X}", c as u32)),
            c => q.push(c),
        }
    }
    q.push('"');
    q
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Imported {
        Imported {
            top: vec![("refresh_days".into(), Value::Int(3))],
            sources: vec!["interface:pppoe-wan".into()],
            sources6: vec![],
            records: vec![Record {
                origin: "section 'home' (line 3)".into(),
                keys: vec![
                    ("provider".into(), Value::Str("duckdns".into())),
                    ("domain".into(), Value::Str("home".into())),
                    ("token".into(), Value::Secret("s3\"cr\\et".into())),
                ],
                notes: vec!["option x: why\nsecond".into()],
            }],
            notes: vec!["option y: global".into()],
        }
    }

    #[test]
    fn renders_secrets_hidden_or_shown() {
        let hidden = render(&sample(), false);
        assert!(hidden.contains("token = \"***\"\n"), "{hidden}");
        assert!(!hidden.contains("s3"), "{hidden}");
        let shown = render(&sample(), true);
        assert!(shown.contains("token = \"s3\\\"cr\\\\et\"\n"), "{shown}");
        assert!(
            shown.contains("# option x: why\n# second\n[[record]]\n"),
            "{shown}"
        );
        assert!(shown.contains("# option y: global\nrefresh_days = 3\n\n[ip]\n"));
        assert!(shown.contains("sources = [\"interface:pppoe-wan\"]\n"));
        assert!(!shown.contains("sources6"));
    }

    #[test]
    fn rendered_text_is_valid_config() {
        let text = render(&sample(), true);
        let c = crate::config::parse_config(&text, Path::new("/etc/ddnsup/config.toml"))
            .unwrap_or_else(|e| panic!("{e}\n{text}"));
        assert_eq!(c.records.len(), 1);
        assert_eq!(c.refresh_secs, 3 * 86_400);
    }

    #[test]
    fn quote_escapes_controls() {
        assert_eq!(quote("a\u{1}b"), "\"a\\u0001b\"");
        assert_eq!(quote("x\ny"), "\"x\\ny\"");
    }
}
