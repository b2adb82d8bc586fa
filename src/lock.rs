//! One run at a time: an advisory lock on a file in RAM (/run or /tmp), keyed by the state path.
use crate::error::Error;
use crate::fnv::Fnv;
use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};

/// Directories tried in order; all are RAM-backed on OpenWrt and on systemd machines,
/// so taking the lock never writes to flash.
const LOCK_DIRS: &[&str] = &["/run/lock", "/run", "/var/run", "/tmp"];

/// A note longer than this is not read back.
const MAX_NOTE_BYTES: u64 = 4096;

/// Held for the life of the run; the kernel releases it when the process ends. The file also
/// holds a note for `status` about the run that holds or held it (in RAM, never on flash).
pub struct RunLock {
    file: File,
    pub path: PathBuf,
}

impl RunLock {
    /// Replaces the note (empty: nothing to say). Best effort: a note is not worth a failure.
    pub fn note(&self, text: &str) {
        use std::io::{Seek, Write};
        let mut f = &self.file;
        let _ = f.set_len(0);
        let _ = f.seek(std::io::SeekFrom::Start(0));
        let _ = f.write_all(text.as_bytes());
    }
}

/// The lock file's name for `state_path`: one per state file.
fn lock_name(state_path: &Path) -> String {
    let absolute = std::path::absolute(state_path).unwrap_or_else(|_| state_path.to_path_buf());
    let mut h = Fnv::new();
    h.write(absolute.as_os_str().as_encoded_bytes());
    format!("ddnsup-{:016x}.lock", h.finish())
}

/// The note the last run left for `state_path` (empty when none), without taking the lock.
pub fn read_note(state_path: &Path) -> String {
    let name = lock_name(state_path);
    LOCK_DIRS
        .iter()
        .find_map(|dir| {
            crate::fsread::read_text_capped(&Path::new(dir).join(&name), MAX_NOTE_BYTES).ok()
        })
        .map(|(text, _)| text)
        .unwrap_or_default()
}

/// Takes the lock for `state_path`, or says who holds it.
pub fn acquire(state_path: &Path) -> Result<RunLock, Error> {
    let name = lock_name(state_path);
    let mut last_err = None;
    for dir in LOCK_DIRS {
        let path = Path::new(dir).join(&name);
        match OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
        {
            Ok(file) => {
                return match file.try_lock() {
                    Ok(()) => Ok(RunLock { file, path }),
                    Err(std::fs::TryLockError::WouldBlock) => {
                        Err(Error::Locked(path.display().to_string()))
                    }
                    Err(std::fs::TryLockError::Error(e)) => Err(Error::transient(format!(
                        "cannot lock {}: {e}",
                        path.display()
                    ))),
                };
            }
            Err(e) => last_err = Some(format!("{}: {e}", path.display())),
        }
    }
    Err(Error::transient(format!(
        "cannot create a lock file ({})",
        last_err.unwrap_or_default()
    )))
}
