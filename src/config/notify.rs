//! `[[notify]]` entries: TOML -> validated `Notify` targets, with errors that name the entry and key.
use crate::error::Error;
use crate::fields::{Fields, check_url, resolve};
use crate::http::Method;
use crate::notify::{Event, NAMES, Notify, Target, UrlTarget};
use crate::template::{Place, Template};
use crate::toml::{Table, Value};
use std::path::Path;

/// Headers the transport writes itself.
const OWN_HEADERS: &[&str] = &["host", "content-length", "connection", "transfer-encoding"];

pub fn read_notify(
    index: usize,
    table: &Table,
    dir: &Path,
    timeout_secs: u64,
) -> Result<Notify, Error> {
    let mut f = Fields::new(format!("notify {index}"), table, dir.to_path_buf());
    let on = read_on(&mut f)?;
    let timeout_secs = f
        .int_in("timeout", 1, super::MAX_TIMEOUT_SECS)?
        .map_or(timeout_secs, |n| n as u64);
    let url = f.str("url")?;
    let command = f.get("command")?;
    let target = match (url, command) {
        (Some(_), Some(_)) => return Err(f.error("command", "set either url or command, not both")),
        (None, None) => {
            let m = format!("notify {index}: missing key \"url\" (or \"command\")");
            return Err(Error::Config(m));
        }
        (Some(url), None) => Target::Url(read_url(&mut f, table, &url)?),
        (None, Some(argv)) => Target::Command(read_command(&f, argv, dir)?),
    };
    f.finish()?;
    Ok(Notify {
        index,
        on,
        timeout_secs,
        target,
    })
}

fn read_on(f: &mut Fields) -> Result<Vec<Event>, Error> {
    let items = match f.get("on")? {
        None => return Ok(Event::DEFAULT.to_vec()),
        Some(Value::Array(items)) if !items.is_empty() => items,
        Some(_) => return Err(f.error("on", "must be a list of events, such as [\"change\"]")),
    };
    let mut on = Vec::new();
    for item in items {
        let (event, shown) = match item {
            Value::String(s) => (Event::parse(s), format!("\"{s}\"")),
            other => (None, format!("a {}", other.type_name())),
        };
        let Some(event) = event else {
            let known: Vec<&str> = Event::ALL.iter().map(|e| e.name()).collect();
            let m = format!("lists {shown}; the events are {}", known.join(", "));
            return Err(f.error("on", &m));
        };
        if !on.contains(&event) {
            on.push(event);
        }
    }
    Ok(on)
}

fn read_command(f: &Fields, argv: &Value, dir: &Path) -> Result<Vec<String>, Error> {
    let wrong = || {
        f.error(
            "command",
            "must be a list of strings: the program, then its arguments",
        )
    };
    let Value::Array(items) = argv else {
        return Err(wrong());
    };
    let mut out = Vec::new();
    for item in items {
        let Value::String(s) = item else {
            return Err(wrong());
        };
        out.push(s.clone());
    }
    match out.first() {
        Some(p) if !p.is_empty() => {
            if p.contains('/') {
                out[0] = resolve(dir, p).to_string_lossy().into_owned();
            }
            Ok(out)
        }
        _ => Err(wrong()),
    }
}

fn template(f: &Fields, key: &str, text: &str, place: Place) -> Result<Template, Error> {
    Template::parse(text, place, NAMES).map_err(|m| f.error(key, &m))
}

fn read_url(f: &mut Fields, table: &Table, url: &str) -> Result<UrlTarget, Error> {
    let allow_http = f.bool("allow_http")?.unwrap_or(false);
    let url_t = template(f, "url", url, Place::Url)?;
    check_url_template(url, &url_t, allow_http).map_err(|m| f.error("url", &m))?;
    let body = match f.str("body")? {
        Some(b) => Some(template(f, "body", &b, Place::body(&b))?),
        None => None,
    };
    let method = match f.str("method")?.map(|m| m.to_ascii_uppercase()).as_deref() {
        None if body.is_some() => Method::Post,
        None | Some("GET") => Method::Get,
        Some("POST") => Method::Post,
        Some("PUT") => Method::Put,
        Some("PATCH") => Method::Patch,
        Some(other) => {
            let m = format!("\"{other}\" is not one of GET, POST, PUT, PATCH");
            return Err(f.error("method", &m));
        }
    };
    if method == Method::Get && body.is_some() {
        return Err(f.error("body", "a GET sends no body; set method = \"POST\""));
    }
    let mut headers = Vec::new();
    if let Some(t) = f.table("headers")? {
        for (name, value) in &t.entries {
            let bad_name = name.is_empty()
                || !name
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-_".contains(&b));
            let Value::String(text) = value else {
                return Err(f.error("headers", &format!("{name}: the value must be a string")));
            };
            if bad_name || OWN_HEADERS.contains(&name.to_ascii_lowercase().as_str()) {
                return Err(f.error("headers", &format!("\"{name}\" cannot be set here")));
            }
            if text.contains(['\r', '\n', '\0']) {
                return Err(f.error("headers", &format!("{name}: holds a line break")));
            }
            headers.push((name.clone(), template(f, "headers", text, Place::Header)?));
        }
    }
    let has_token = table.get("token").is_some() || table.get("token_file").is_some();
    let token = if has_token {
        Some(f.secret("token")?)
    } else {
        None
    };
    let token_at = NAMES.iter().position(|n| *n == "token").unwrap_or(0);
    let uses_token = url_t.uses(token_at)
        || body.as_ref().is_some_and(|b| b.uses(token_at))
        || headers.iter().any(|(_, h)| h.uses(token_at));
    match (token.is_some(), uses_token) {
        (true, false) => {
            return Err(f.error(
                "token",
                "is not used: write {token} in url, headers or body",
            ));
        }
        (false, true) => {
            return Err(f.error("url", "uses {token}, but no token (or token_file) is set"));
        }
        _ => {}
    }
    Ok(UrlTarget {
        method,
        url: url_t,
        headers,
        body,
        token,
    })
}

/// The scheme and host are written out (no placeholder), and pass the providers' URL check.
fn check_url_template(url: &str, t: &Template, allow_http: bool) -> Result<(), String> {
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) || url.contains('#') {
        return Err(format!("\"{url}\" must not hold spaces or a fragment"));
    }
    let prefix = t.prefix();
    let start = prefix.find("://").map_or(0, |i| i + 3);
    let origin = match prefix[start..].find(['/', '?']) {
        Some(i) => &prefix[..start + i],
        None if prefix == url => prefix,
        None => return Err("the scheme and host must be written out, not placeholders".into()),
    };
    check_url(origin, allow_http)
}

#[cfg(test)]
#[path = "notify_tests.rs"]
mod tests;
