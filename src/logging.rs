//! The `detail!` log line: ddnsup's own extra detail, shown only with `-v`.
//!
//! The release build caps `log` at INFO (`release_max_level_info`), which keeps the formatting
//! code of the dependencies' debug and trace lines (rustls has many) out of the binary: about
//! 36 KB on MIPS. ddnsup's own detail lines are INFO lines that `-v` switches on.
use std::sync::atomic::{AtomicBool, Ordering};

static VERBOSE: AtomicBool = AtomicBool::new(false);

/// Called once by `main` for `-v`.
pub fn set_verbose(on: bool) {
    VERBOSE.store(on, Ordering::Relaxed);
}

pub fn verbose() -> bool {
    VERBOSE.load(Ordering::Relaxed)
}

/// Like `log::info!`, but only with `-v`.
macro_rules! detail {
    ($($arg:tt)*) => {
        if $crate::logging::verbose() {
            log::info!(target: "ddnsup", $($arg)*)
        }
    };
}
