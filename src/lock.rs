//! One run at a time: an advisory lock on a file in RAM (/run or /tmp), keyed by the state path.
use crate::error::Error;
use crate::fnv::Fnv;
use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};

/// Directories tried in order; all are RAM-backed on OpenWrt and on systemd machines,
/// so taking the lock never writes to flash.
const LOCK_DIRS: &[&str] = &["/run/lock", "/run", "/var/run", "/tmp"];

/// Held for the life of the run; the kernel releases it when the process ends.
pub struct RunLock {
    _file: File,
    pub path: PathBuf,
}

/// Takes the lock for `state_path`, or says who holds it.
pub fn acquire(state_path: &Path) -> Result<RunLock, Error> {
    let absolute = std::path::absolute(state_path).unwrap_or_else(|_| state_path.to_path_buf());
    let mut h = Fnv::new();
    h.write(absolute.as_os_str().as_encoded_bytes());
    let name = format!("ddnsup-{:016x}.lock", h.finish());
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
                    Ok(()) => Ok(RunLock { _file: file, path }),
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
