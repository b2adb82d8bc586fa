//! What the providers' unit tests share: replies, addresses, request bodies, one-record
//! configs and scripted exchanges.
#[cfg(feature = "api")]
use super::api::SendFn;
use crate::config::{Config, parse_config};
use crate::error::Error;
use crate::http::{Reply, Request};
use std::net::IpAddr;
use std::path::Path;

/// A reply with no headers.
pub fn reply(status: u16, body: &str) -> Reply {
    Reply {
        status,
        headers: vec![],
        body: body.as_bytes().to_vec(),
    }
}

pub fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

/// A request's body as text (it must have one).
pub fn body(r: &Request) -> String {
    String::from_utf8(r.body.clone().unwrap()).unwrap()
}

/// A config holding one `provider` record with these `keys` (lines ending in `\n`).
pub fn config(provider: &str, keys: &str) -> Result<Config, Error> {
    parse_config(
        &format!("[[record]]\nprovider = \"{provider}\"\n{keys}"),
        Path::new("/etc/ddnsup/config.toml"),
    )
}

/// Why such a config is refused; it must be, as a config error (exit 2).
#[track_caller]
pub fn config_err(provider: &str, keys: &str) -> String {
    match config(provider, keys) {
        Ok(_) => panic!("accepted:\n{keys}"),
        Err(e) => {
            assert_eq!(e.exit_code(), 2, "{e}");
            e.to_string()
        }
    }
}

#[cfg(feature = "api")]
/// Runs `exchange` against `answers` given in turn; returns its outcome and the requests sent.
pub fn exchange<T>(
    answers: &[Reply],
    exchange: impl FnOnce(&mut SendFn) -> T,
) -> (T, Vec<Request>) {
    let mut sent = Vec::new();
    let mut answers = answers.iter();
    let mut send = |r: &Request| {
        sent.push(r.clone());
        Ok(answers.next().expect("an answer for every request").clone())
    };
    let out = exchange(&mut send);
    (out, sent)
}
