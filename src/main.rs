//! ddnsup entry point: arguments -> logger -> app::run -> exit code; nothing else.
// The slim router build (no `api` feature) leaves helpers unused that only API providers call,
// and a build without `import` the config helpers only importers call.
#![cfg_attr(not(all(feature = "api", feature = "import")), allow(dead_code))]
#[macro_use]
mod logging;
#[macro_use]
mod cli;
mod app;
mod clock;
mod config;
mod decide;
mod detect;
mod dnswire;
mod error;
mod family;
mod fields;
mod fnv;
mod fsread;
mod http;
#[cfg(feature = "import")]
mod import;
mod json;
mod lock;
mod notify;
mod notify_send;
mod process;
mod provider;
mod state;
mod template;
mod toml;

use cli::Parsed;
use std::io::Write;

fn main() {
    std::process::exit(try_main());
}

fn try_main() -> i32 {
    let args = match cli::parse_args(std::env::args().skip(1)) {
        Ok(Parsed::Args(args)) => args,
        Ok(Parsed::Help) => {
            cli::print_stdout(format_args!("{}", cli::USAGE));
            return error::EXIT_OK;
        }
        Ok(Parsed::Version) => {
            say!("ddnsup {}", env!("CARGO_PKG_VERSION"));
            return error::EXIT_OK;
        }
        Err(e) => {
            // Not eprintln!: a closed stderr must not turn a usage error into a crash.
            let _ = writeln!(std::io::stderr(), "ddnsup: {e}");
            return e.exit_code();
        }
    };
    let level = match args.verbosity {
        i8::MIN..=-1 => log::LevelFilter::Warn,
        _ => log::LevelFilter::Info,
    };
    logging::set_verbose(args.verbosity > 0);
    logging::init(level, args.syslog);
    match app::run(&args) {
        Ok(()) => error::EXIT_OK,
        Err(e) => {
            match e {
                error::Error::Records { .. } => log::warn!(target: "ddnsup", "{e}"),
                // Normal when cron and a hotplug run meet: exit 4 says it, -q keeps it quiet.
                error::Error::Locked(_) => log::info!(target: "ddnsup", "{e}"),
                _ => log::error!(target: "ddnsup", "{e}"),
            }
            e.exit_code()
        }
    }
}
