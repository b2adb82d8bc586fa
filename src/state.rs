//! The on-flash state: load (absent or corrupt = no history), save only when changed, atomically.
use crate::fnv::Fnv;
use crate::json::{Json, quote};
use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

pub const STATE_VERSION: u32 = 1;
/// The smallest cap on the file, whatever the configuration.
const MAX_STATE_BYTES: u64 = 1024 * 1024;
/// Bytes of file allowed per entry the file may hold.
const ENTRY_BYTES: u64 = 1024;
/// The file may hold this many entries per configured key (a configuration that shrank)...
const ENTRIES_PER_KEY: usize = 4;
/// ... and at least this many, whatever the configuration.
const MIN_ENTRIES: usize = 256;
/// `result` is kept to this many bytes: it is for people, and the file must stay small.
pub const MAX_RESULT_BYTES: usize = 200;
/// A provider's `cache` longer than this is dropped (it is only a shortcut: the provider
/// looks its ids up again). Cloudflare's, the longest, is a zone name and two 32-digit ids.
const MAX_CACHE_BYTES: usize = 512;
const TRAILER: &str = "#ddnsup-checksum ";

/// What a state file may make ddnsup read and allocate, sized from the configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub max_entries: usize,
    pub max_bytes: u64,
}

impl Limits {
    /// For a configuration with `keys` state entries (records times families). A file a run
    /// writes holds at most `keys` entries, each well under the `ENTRIES_PER_KEY *
    /// ENTRY_BYTES` (4 KiB) share of a key (`set` keeps them small), so it always fits the
    /// limits the next run computes for the same configuration.
    pub fn for_keys(keys: usize) -> Limits {
        let max_entries = keys.saturating_mul(ENTRIES_PER_KEY).max(MIN_ENTRIES);
        let max_bytes = (max_entries as u64)
            .saturating_mul(ENTRY_BYTES)
            .max(MAX_STATE_BYTES);
        Limits {
            max_entries,
            max_bytes,
        }
    }
}

/// Everything ddnsup remembers between runs.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct State {
    pub version: u32,
    pub records: Vec<Entry>,
}

/// One record's memory. Times are seconds since 1970; 0 means never.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Entry {
    pub key: String,
    /// The address the provider last confirmed ("" when none yet).
    pub ip: String,
    /// When that address was confirmed.
    pub updated: u64,
    /// The last result, as a person reads it.
    pub result: String,
    /// Consecutive transient failures.
    pub failures: u32,
    /// No attempt before this time (backoff), unless forced.
    pub next: u64,
    /// The wait that set `next`, to clamp it when the clock went back (0: not known).
    pub wait: u64,
    /// The provider rejected the record: no request until its configuration changes.
    pub stopped: bool,
    /// Fingerprint of the configuration under which `ip` was confirmed.
    pub fingerprint: String,
    /// Fingerprint of the configuration of the last failed attempt ("" after a success).
    pub tried: String,
    /// What the provider keeps between runs for this record (e.g. API object ids).
    pub cache: String,
}

impl State {
    pub fn entry(&self, key: &str) -> Option<&Entry> {
        self.records.iter().find(|e| e.key == key)
    }

    /// Stores `entry` in place of the one with its key (or adds it), kept small: `result`
    /// cut short, an oversized `cache` dropped.
    pub fn set(&mut self, mut entry: Entry) {
        entry.result = bounded_result(&entry.result);
        if entry.cache.len() > MAX_CACHE_BYTES {
            entry.cache.clear();
        }
        match self.records.iter_mut().find(|e| e.key == entry.key) {
            Some(old) => *old = entry,
            None => self.records.push(entry),
        }
    }
}

/// The state file and what was read from it, to tell whether a save would change anything.
pub struct StateFile {
    pub path: PathBuf,
    on_disk: Option<Vec<u8>>,
}

impl StateFile {
    /// Loads the state. A missing file is a first run; an unreadable, truncated or corrupt
    /// one is a warning and means "no history": it never stops a run.
    pub fn load(path: &Path, limits: Limits) -> (StateFile, State) {
        let (on_disk, state) = match read_capped(path, limits.max_bytes) {
            Ok(None) => (None, State::default()),
            Ok(Some(bytes)) => match parse_state(&bytes, limits.max_entries) {
                Ok(state) => (Some(bytes), state),
                Err(why) => {
                    log::warn!(target: "ddnsup", "state file {} is unusable ({why}); starting without history",
                        path.display()
                    );
                    (Some(bytes), State::default())
                }
            },
            Err(e) => {
                log::warn!(target: "ddnsup", "cannot read state file {} ({e}); starting without history",
                    path.display()
                );
                (None, State::default())
            }
        };
        let file = StateFile {
            path: path.to_path_buf(),
            on_disk,
        };
        (file, state)
    }

    /// Writes `state` only when its bytes differ from the file's: temp file, fsync, rename,
    /// directory fsync. Returns whether it wrote.
    pub fn save(&mut self, state: &State) -> std::io::Result<bool> {
        if self.on_disk.is_none() && state.records.is_empty() {
            return Ok(false);
        }
        let bytes = serialize_state(state);
        if self.on_disk.as_deref() == Some(bytes.as_slice()) {
            return Ok(false);
        }
        write_atomically(&self.path, &bytes)?;
        self.on_disk = Some(bytes);
        Ok(true)
    }
}

fn read_capped(path: &Path, cap: u64) -> std::io::Result<Option<Vec<u8>>> {
    match crate::fsread::read_capped(path, cap) {
        Ok((bytes, _)) => Ok(Some(bytes)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

/// A result text of at most `MAX_RESULT_BYTES`, on one line, cut at a character boundary.
fn bounded_result(text: &str) -> String {
    let one_line: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if one_line.len() <= MAX_RESULT_BYTES {
        return one_line;
    }
    let mut end = MAX_RESULT_BYTES - '…'.len_utf8();
    while !one_line.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &one_line[..end])
}

/// One entry as JSON, members in a fixed order (as every version has written them).
pub fn entry_json(e: &Entry) -> String {
    format!(
        r#"{{"key":{},"ip":{},"updated":{},"result":{},"failures":{},"next":{},"wait":{},"stopped":{},"fingerprint":{},"tried":{},"cache":{}}}"#,
        quote(&e.key),
        quote(&e.ip),
        e.updated,
        quote(&e.result),
        e.failures,
        e.next,
        e.wait,
        e.stopped,
        quote(&e.fingerprint),
        quote(&e.tried),
        quote(&e.cache)
    )
}

fn state_json(state: &State) -> String {
    let records: Vec<String> = state.records.iter().map(entry_json).collect();
    format!(
        r#"{{"version":{},"records":[{}]}}"#,
        state.version,
        records.join(",")
    )
}

/// The state from its JSON: unknown members ignored, absent ones default; a member of
/// another type makes the whole file unreadable.
pub fn parse_state_json(v: &Json) -> Option<State> {
    let version = num(v.get("version"))?;
    let records = match v.get("records") {
        Json::Null => Vec::new(),
        Json::Arr(items) => items.iter().map(entry_from).collect::<Option<_>>()?,
        _ => return None,
    };
    Some(State {
        version: u32::try_from(version).ok()?,
        records,
    })
}

fn entry_from(v: &Json) -> Option<Entry> {
    if !matches!(v, Json::Obj(_)) {
        return None;
    }
    let text = |key| match v.get(key) {
        Json::Null => Some(String::new()),
        Json::Str(s) => Some(s.clone()),
        _ => None,
    };
    let stopped = match v.get("stopped") {
        Json::Null => false,
        b => b.bool()?,
    };
    Some(Entry {
        key: text("key")?,
        ip: text("ip")?,
        updated: num(v.get("updated"))?,
        result: text("result")?,
        failures: u32::try_from(num(v.get("failures"))?).ok()?,
        next: num(v.get("next"))?,
        wait: num(v.get("wait"))?,
        stopped,
        fingerprint: text("fingerprint")?,
        tried: text("tried")?,
        cache: text("cache")?,
    })
}

/// A whole non-negative number (0 when absent).
fn num(v: &Json) -> Option<u64> {
    match v {
        Json::Null => Some(0),
        Json::Num(n) => n.parse().ok(),
        _ => None,
    }
}

/// The JSON body followed by a trailer line holding its length and FNV-1a checksum.
pub fn serialize_state(state: &State) -> Vec<u8> {
    let mut state = state.clone();
    state.version = STATE_VERSION;
    let body = state_json(&state);
    let mut out = body.clone().into_bytes();
    out.extend_from_slice(
        format!("\n{TRAILER}{} {:016x}\n", body.len(), checksum(&body)).as_bytes(),
    );
    out
}

/// Verifies the trailer and the entry count, then reads the JSON.
pub fn parse_state(bytes: &[u8], max_entries: usize) -> Result<State, String> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err("empty file".to_string());
    }
    let text = std::str::from_utf8(bytes).map_err(|_| "not UTF-8 text".to_string())?;
    let body_end = text
        .rfind(&format!("\n{TRAILER}"))
        .ok_or("no checksum line (truncated?)")?;
    let (body, trailer) = (&text[..body_end], &text[body_end + 1 + TRAILER.len()..]);
    let mut parts = trailer.trim_end_matches('\n').split(' ');
    let len: usize = parts
        .next()
        .and_then(|s| s.parse().ok())
        .ok_or("bad checksum line")?;
    let sum = parts
        .next()
        .and_then(|s| u64::from_str_radix(s, 16).ok())
        .ok_or("bad checksum line")?;
    if parts.next().is_some() || len != body.len() || sum != checksum(body) {
        return Err("checksum mismatch (truncated or edited?)".to_string());
    }
    let entries = count_entries(body);
    if entries > max_entries {
        return Err(format!(
            "holds {entries} entries, more than the {max_entries} this configuration can use"
        ));
    }
    let tree = Json::parse(body)?;
    let state = parse_state_json(&tree).ok_or("unexpected JSON (a member of the wrong type)")?;
    if state.version != STATE_VERSION {
        return Err(format!("unknown version {}", state.version));
    }
    Ok(state)
}

/// The objects directly inside the top-level object's arrays (the `records`), counted before
/// the JSON reader allocates one entry for each. Linear, and safe on any text.
fn count_entries(body: &str) -> usize {
    let (mut depth, mut count, mut in_string, mut escaped) = (0usize, 0usize, false, false);
    for b in body.bytes() {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'{' | b'[' => {
                count += usize::from(b == b'{' && depth == 2);
                depth += 1;
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    count
}

fn checksum(body: &str) -> u64 {
    let mut h = Fnv::new();
    h.write(body.as_bytes());
    h.finish()
}

/// Where the state really lives: `path` with symlinks followed (at most 40 of them), so that
/// a state path that is a symlink stays one. The target need not exist yet.
pub fn resolve_target(path: &Path) -> std::io::Result<PathBuf> {
    let mut target = path.to_path_buf();
    for _ in 0..40 {
        match fs::symlink_metadata(&target) {
            Ok(m) if m.file_type().is_symlink() => {
                let link = fs::read_link(&target)?;
                target = match target.parent() {
                    Some(dir) => dir.join(link),
                    None => link,
                };
            }
            Ok(_) => return Ok(target),
            Err(e) if absent(&e) => return Ok(target),
            Err(e) => return Err(e),
        }
    }
    Err(std::io::Error::other("too many levels of symbolic links"))
}

/// Nothing there (or a file where a directory should be): the check says which.
fn absent(e: &std::io::Error) -> bool {
    e.kind() == std::io::ErrorKind::NotFound || e.raw_os_error() == Some(libc::ENOTDIR)
}

/// The directory holding `target` ("." for a bare file name).
pub fn dir_of(target: &Path) -> PathBuf {
    match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Whether the state can be saved where the config says, found before anything is sent: a
/// run that cannot save would resend every update on every cron run. Only stat and
/// access(2) are used (for the real user); nothing is written.
pub fn check_location(path: &Path) -> Result<(), String> {
    let fail = |why: String| Err(format!("state file {}: {why}", path.display()));
    let target = match resolve_target(path) {
        Ok(t) => t,
        Err(e) => return fail(format!("cannot follow its symlinks: {e}")),
    };
    match std::fs::metadata(&target) {
        Ok(m) if !m.is_file() => {
            let t = target.display();
            return fail(format!(
                "{t} is not a regular file; set state_file to a file's path"
            ));
        }
        Ok(_) if !accessible(&target, libc::W_OK) => {
            let t = target.display();
            return fail(format!(
                "{t} is not writable by this user; fix its owner or mode"
            ));
        }
        Ok(_) => {}
        Err(e) if absent(&e) => {}
        Err(e) => return fail(format!("cannot use {}: {e}", target.display())),
    }
    let dir = dir_of(&target);
    match std::fs::metadata(&dir) {
        Ok(m) if m.is_dir() => {}
        Ok(_) => {
            let d = dir.display();
            return fail(format!(
                "{d} is not a directory; set state_file to a path in one"
            ));
        }
        Err(e) if absent(&e) => {
            let d = dir.display();
            return fail(format!(
                "directory {d} does not exist; create it or set state_file"
            ));
        }
        Err(e) => return fail(format!("cannot use directory {}: {e}", dir.display())),
    }
    let tmp = temp_path(&target);
    if fs::symlink_metadata(&tmp).is_ok_and(|m| m.is_dir()) {
        let t = tmp.display();
        return fail(format!(
            "{t} is a directory in the way of the temp file; remove it"
        ));
    }
    if !accessible(&dir, libc::W_OK | libc::X_OK) {
        let d = dir.display();
        return fail(format!(
            "directory {d} is not writable by this user; fix its owner or mode"
        ));
    }
    Ok(())
}

/// access(2): whether the real user may use `path` in `mode`.
fn accessible(path: &Path, mode: libc::c_int) -> bool {
    let Ok(c) = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()) else {
        return false;
    };
    // SAFETY: `c` is a valid NUL-terminated path that outlives the call.
    unsafe { libc::access(c.as_ptr(), mode) == 0 }
}

/// The one temp file name of a state file: `.NAME.tmp` beside it.
fn temp_path(target: &Path) -> PathBuf {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    dir_of(target).join(format!(".{name}.tmp"))
}

/// Temp file beside the real target, fsync, rename over the target, directory fsync. The temp
/// file has one fixed name: what a killed run left there (or anyone planted, a symlink
/// included) is unlinked, never followed, and the new one is created exclusively.
fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    let target = resolve_target(path)?;
    let dir = dir_of(&target);
    let tmp = temp_path(&target);
    match fs::remove_file(&tmp) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
        _ => {}
    }
    let mut f = OpenOptions::new()
        .write(true)
        .create_new(true)
        .custom_flags(libc::O_NOFOLLOW)
        .mode(0o600)
        .open(&tmp)?;
    let result = (|| {
        f.write_all(bytes)?;
        f.sync_all()?;
        fs::rename(&tmp, &target)?;
        File::open(&dir)?.sync_all()
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

#[cfg(test)]
#[path = "state_tests.rs"]
mod tests;
