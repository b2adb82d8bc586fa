//! The ddnsup binary's modules built as a library for the fuzz targets, plus their input helpers.
//!
//! The main package stays binary-only (a `[lib]` there would relink every integration test on
//! each change): these are the same files as `src/main.rs` declares, so `crate::` paths resolve
//! exactly as in the binary. Keep this list in step with `src/main.rs`.
#![allow(dead_code, unused_imports, unused_macros)]

#[macro_use]
#[path = "../../src/logging.rs"]
pub mod logging;
#[macro_use]
#[path = "../../src/cli.rs"]
pub mod cli;
#[path = "../../src/app.rs"]
pub mod app;
#[path = "../../src/clock.rs"]
pub mod clock;
#[path = "../../src/config/mod.rs"]
pub mod config;
#[path = "../../src/decide.rs"]
pub mod decide;
#[path = "../../src/detect/mod.rs"]
pub mod detect;
#[path = "../../src/dnswire.rs"]
pub mod dnswire;
#[path = "../../src/error.rs"]
pub mod error;
#[path = "../../src/family.rs"]
pub mod family;
#[path = "../../src/fields.rs"]
pub mod fields;
#[path = "../../src/fnv.rs"]
pub mod fnv;
#[path = "../../src/fsread.rs"]
pub mod fsread;
#[path = "../../src/http/mod.rs"]
pub mod http;
#[path = "../../src/import/mod.rs"]
pub mod import;
#[path = "../../src/json.rs"]
pub mod json;
#[path = "../../src/lock.rs"]
pub mod lock;
#[path = "../../src/notify.rs"]
pub mod notify;
#[path = "../../src/notify_send.rs"]
pub mod notify_send;
#[path = "../../src/process.rs"]
pub mod process;
#[path = "../../src/provider/mod.rs"]
pub mod provider;
#[path = "../../src/state.rs"]
pub mod state;
#[path = "../../src/template.rs"]
pub mod template;
#[path = "../../src/toml/mod.rs"]
pub mod toml;

pub mod support;
