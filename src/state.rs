//! The on-flash state: load (absent or corrupt = no history), save only when changed, atomically.
use crate::fnv::Fnv;
use crate::json::parse_json;
use nanoserde::{DeJson, SerJson};
use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

pub const STATE_VERSION: u32 = 1;
const MAX_STATE_BYTES: u64 = 1024 * 1024;
const TRAILER: &str = "#ddnsup-checksum ";

/// Everything ddnsup remembers between runs.
#[derive(Debug, Clone, PartialEq, Default, SerJson, DeJson)]
pub struct State {
    #[nserde(default)]
    pub version: u32,
    #[nserde(default)]
    pub records: Vec<Entry>,
}

/// One record's memory. Times are seconds since 1970; 0 means never.
#[derive(Debug, Clone, PartialEq, Default, SerJson, DeJson)]
pub struct Entry {
    #[nserde(default)]
    pub key: String,
    /// The address the provider last confirmed ("" when none yet).
    #[nserde(default)]
    pub ip: String,
    /// When that address was confirmed.
    #[nserde(default)]
    pub updated: u64,
    /// The last result, as a person reads it.
    #[nserde(default)]
    pub result: String,
    /// Consecutive transient failures.
    #[nserde(default)]
    pub failures: u32,
    /// No attempt before this time (backoff), unless forced.
    #[nserde(default)]
    pub next: u64,
    /// The provider rejected the record: no request until its configuration changes.
    #[nserde(default)]
    pub stopped: bool,
    /// Fingerprint of the configuration under which `ip` was confirmed.
    #[nserde(default)]
    pub fingerprint: String,
    /// Fingerprint of the configuration of the last failed attempt ("" after a success).
    #[nserde(default)]
    pub tried: String,
    /// What the provider keeps between runs for this record (e.g. API object ids).
    #[nserde(default)]
    pub cache: String,
}

impl State {
    pub fn entry(&self, key: &str) -> Option<&Entry> {
        self.records.iter().find(|e| e.key == key)
    }

    pub fn set(&mut self, entry: Entry) {
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
    pub fn load(path: &Path) -> (StateFile, State) {
        let (on_disk, state) = match read_capped(path) {
            Ok(None) => (None, State::default()),
            Ok(Some(bytes)) => match parse_state(&bytes) {
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

fn read_capped(path: &Path) -> std::io::Result<Option<Vec<u8>>> {
    let meta = match fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    if meta.len() > MAX_STATE_BYTES {
        return Err(std::io::Error::other("larger than 1 MiB"));
    }
    fs::read(path).map(Some)
}

/// The JSON body followed by a trailer line holding its length and FNV-1a checksum.
pub fn serialize_state(state: &State) -> Vec<u8> {
    let mut state = state.clone();
    state.version = STATE_VERSION;
    let body = state.serialize_json();
    let mut out = body.clone().into_bytes();
    out.extend_from_slice(
        format!("\n{TRAILER}{} {:016x}\n", body.len(), checksum(&body)).as_bytes(),
    );
    out
}

/// Verifies the trailer and the JSON grammar before nanoserde parses (it can hang or panic
/// on truncated input).
pub fn parse_state(bytes: &[u8]) -> Result<State, String> {
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
    let state: State = parse_json(body)?;
    if state.version != STATE_VERSION {
        return Err(format!("unknown version {}", state.version));
    }
    Ok(state)
}

fn checksum(body: &str) -> u64 {
    let mut h = Fnv::new();
    h.write(body.as_bytes());
    h.finish()
}

fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.tmp{}", std::process::id()));
    let result = (|| {
        let mut f = OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(0o600)
            .open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        fs::rename(&tmp, path)?;
        File::open(&dir)?.sync_all()
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> State {
        State {
            version: STATE_VERSION,
            records: vec![Entry {
                key: "namecheap home.example.com A".into(),
                ip: "81.2.69.160".into(),
                updated: 1_700_000_000,
                result: "updated".into(),
                failures: 0,
                next: 0,
                stopped: false,
                fingerprint: "0123456789abcdef".into(),
                tried: String::new(),
                cache: String::new(),
            }],
        }
    }

    #[test]
    fn round_trip() {
        let bytes = serialize_state(&sample());
        assert_eq!(parse_state(&bytes), Ok(sample()));
        assert!(
            String::from_utf8(bytes)
                .unwrap()
                .contains("\"ip\":\"81.2.69.160\"")
        );
    }

    #[test]
    fn every_truncation_is_refused_without_hanging() {
        let bytes = serialize_state(&sample());
        for end in 0..bytes.len() - 1 {
            assert!(
                parse_state(&bytes[..end]).is_err(),
                "prefix of {end} bytes accepted"
            );
        }
    }

    #[test]
    fn edits_and_garbage_are_refused() {
        let good = String::from_utf8(serialize_state(&sample())).unwrap();
        let edited = good.replace("81.2.69.160", "81.2.69.161");
        assert!(parse_state(edited.as_bytes()).is_err());
        for junk in [
            &b""[..],
            b"\n",
            b"\xff\xfe",
            b"{}",
            b"null\n#ddnsup-checksum 4 0\n",
        ] {
            assert!(parse_state(junk).is_err());
        }
    }

    #[test]
    fn a_valid_trailer_over_hostile_json_is_still_refused() {
        // The bodies DEPENDENCIES.md measured as hanging or panicking nanoserde.
        for body in [
            r#"{"version":1,"records":[],"zz":[1,2"#,
            r#"{"version":1,"records":[],"zz":{"a":1"#,
            r#"{"version":1,"records":[{"ip":"x","failures":0,"next":0,"zz":["#,
            r#"{"version":1,"records":[],"zz":}"#,
        ] {
            let file = format!("{body}\n{TRAILER}{} {:016x}\n", body.len(), checksum(body));
            assert!(parse_state(file.as_bytes()).is_err(), "{body}");
        }
    }

    #[test]
    fn unknown_fields_from_a_newer_version_are_ignored() {
        let body = r#"{"version":1,"records":[{"key":"k","ip":"81.2.69.160","future":{"x":[1]}}],"extra":true}"#;
        let file = format!("{body}\n{TRAILER}{} {:016x}\n", body.len(), checksum(body));
        let state = parse_state(file.as_bytes()).unwrap();
        assert_eq!(state.records[0].ip, "81.2.69.160");
        assert_eq!(state.records[0].failures, 0);
    }

    #[test]
    fn save_writes_only_on_change() {
        let dir = std::env::temp_dir().join(format!("ddnsup-state-test-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let path = dir.join("state.json");
        let _ = fs::remove_file(&path);
        let (mut file, state) = StateFile::load(&path);
        assert_eq!(state, State::default());
        assert!(!file.save(&state).unwrap(), "nothing to remember: no file");
        assert!(!path.exists());
        assert!(file.save(&sample()).unwrap());
        assert!(!file.save(&sample()).unwrap());
        let (mut again, loaded) = StateFile::load(&path);
        assert_eq!(loaded, sample());
        assert!(!again.save(&sample()).unwrap());
        fs::write(&path, b"garbage").unwrap();
        let (mut broken, loaded) = StateFile::load(&path);
        assert_eq!(loaded, State::default());
        assert!(broken.save(&sample()).unwrap());
        let leftovers: Vec<_> = fs::read_dir(&dir).unwrap().filter_map(Result::ok).collect();
        assert_eq!(leftovers.len(), 1, "temp files left behind");
        fs::remove_dir_all(&dir).unwrap();
    }
}
