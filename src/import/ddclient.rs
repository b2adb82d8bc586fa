//! ddclient's `ddclient.conf` (`key=value` globals, per-host lines, `\` continuations) read into ddnsup records.
//!
//! The shapes follow ddclient's documented sample (ddclient.conf.in) and README: a line holds
//! `option=value` items separated by commas or blanks, then the host names it applies to
//! (comma separated); a line with options and no host sets globals for the hosts after it.
//! `#` starts a comment outside quotes, a line ending in `\` goes on on the next line.

use super::{Imported, Record, Value};

/// Most logical lines and hosts read: a real ddclient.conf has a few dozen.
const MAX_LINES: usize = 10_000;
const MAX_HOSTS: usize = 1_000;

/// Options about how ddclient runs, none of which a record carries.
const RUN_OPTIONS: &[(&str, &str)] = &[
    (
        "daemon",
        "ddnsup runs from cron or the hotplug script, not as a daemon",
    ),
    (
        "foreground",
        "ddnsup runs from cron or the hotplug script, not as a daemon",
    ),
    ("pid", "ddnsup holds a lock file instead of a pid file"),
    ("syslog", "use `ddnsup --syslog`"),
    ("facility", "ddnsup logs to facility daemon with --syslog"),
    (
        "priority",
        "ddnsup gives each line its own priority with --syslog",
    ),
    ("mail", "ddnsup has no mail; see [notify]"),
    ("mail-failure", "ddnsup has no mail; see [notify]"),
    ("mail-from", "ddnsup has no mail; see [notify]"),
    ("cache", "ddnsup keeps its state in state_file"),
    ("verbose", "use `ddnsup -v`"),
    ("debug", "use `ddnsup -v`"),
    ("quiet", "use `ddnsup -q`"),
    ("query", "use `ddnsup status`"),
    ("force", "use `ddnsup --force`"),
    ("retry", "ddnsup retries on the next run"),
    ("min-interval", "ddnsup has no minimum interval"),
    (
        "min-error-interval",
        "ddnsup waits as the service asks after an error",
    ),
    ("max-warn", "ddnsup warns every run"),
    ("postscript", "ddnsup runs no script; see [notify]"),
    ("exec", "ddnsup runs no script"),
    ("proxy", "ddnsup connects directly"),
    ("ssl_ca_dir", "use ca_file"),
    ("web-ssl-validate", "ddnsup always validates certificates"),
    ("fw-ssl-validate", "ddnsup always validates certificates"),
];

/// Address options read by [`sources`]; not notes on a record.
const ADDRESS_OPTIONS: &[&str] = &[
    "use",
    "usev4",
    "usev6",
    "if",
    "ifv4",
    "ifv6",
    "web",
    "webv4",
    "webv6",
    "web-skip",
    "webv4-skip",
    "webv6-skip",
    "cmd",
    "cmdv4",
    "cmdv6",
    "cmd-skip",
    "ip",
    "ipv4",
    "ipv6",
    "fw",
    "fwv4",
    "fwv6",
    "fw-skip",
    "fwv4-skip",
    "fwv6-skip",
    "fw-login",
    "fw-password",
    "if-skip",
];

/// One logical line: its first physical line, its options and its host names.
struct Line {
    number: usize,
    options: Vec<(String, String)>,
    hosts: Vec<String>,
}

/// Reads a ddclient.conf; an error names the line.
pub fn parse(text: &str) -> Result<Imported, String> {
    let lines = logical_lines(text)?;
    let mut out = Imported::default();
    let mut globals: Vec<(String, String)> = Vec::new();
    let mut run_seen: Vec<String> = Vec::new();
    for line in &lines {
        for (key, value) in &line.options {
            if RUN_OPTIONS.iter().any(|(k, _)| k == key)
                || matches!(key.as_str(), "ssl" | "timeout" | "max-interval")
            {
                run_option(&mut out, &mut run_seen, key, value, line.number);
            }
        }
        if line.hosts.is_empty() {
            for (key, value) in &line.options {
                set(&mut globals, key, value);
            }
            continue;
        }
        let mut options = globals.clone();
        for (key, value) in &line.options {
            set(&mut options, key, value);
        }
        address(&mut out, &options, line.number);
        for host in &line.hosts {
            if out.records.len() >= MAX_HOSTS {
                return Err(format!("line {}: more than {MAX_HOSTS} hosts", line.number));
            }
            match record(&options, host, line.number) {
                Ok(r) => out.records.push(r),
                Err(why) => out.notes.push(format!(
                    "host {host} (line {}) is not imported: {why}",
                    line.number
                )),
            }
        }
    }
    if out.records.is_empty() {
        return Err("no host that ddnsup can update (a host name ends a ddclient line)".into());
    }
    Ok(out)
}

/// Replaces or appends `key`.
fn set(options: &mut Vec<(String, String)>, key: &str, value: &str) {
    match options.iter_mut().find(|(k, _)| k == key) {
        Some(slot) => slot.1 = value.to_string(),
        None => options.push((key.to_string(), value.to_string())),
    }
}

fn get<'a>(options: &'a [(String, String)], key: &str) -> Option<&'a str> {
    options
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

/// Splits the text into logical lines: comments dropped, `\` continuations joined, then each
/// cut into options and host names.
fn logical_lines(text: &str) -> Result<Vec<Line>, String> {
    let mut lines = Vec::new();
    let mut pending = String::new();
    let mut start = 0;
    for (i, raw) in text.lines().enumerate() {
        let number = i + 1;
        if lines.len() >= MAX_LINES {
            return Err(format!("line {number}: more than {MAX_LINES} lines"));
        }
        if pending.is_empty() {
            start = number;
        }
        let body = strip_comment(raw, number)?;
        let trimmed = body.trim_end();
        if let Some(head) = trimmed.strip_suffix('\\') {
            pending.push_str(head);
            pending.push(' ');
            continue;
        }
        pending.push_str(trimmed);
        let line = split(&pending, start)?;
        pending.clear();
        if !line.options.is_empty() || !line.hosts.is_empty() {
            lines.push(line);
        }
    }
    if !pending.trim().is_empty() {
        let line = split(&pending, start)?;
        lines.push(line);
    }
    Ok(lines)
}

/// The line up to a `#` outside quotes; a quote left open is an error.
fn strip_comment(raw: &str, number: usize) -> Result<&str, String> {
    let mut quote = None;
    let mut prev = ' ';
    for (at, c) in raw.char_indices() {
        match (quote, c) {
            (None, '#') => return Ok(&raw[..at]),
            // A quote opens a value only right after `=`; elsewhere it is a plain character.
            (None, '\'' | '"') if prev == '=' => quote = Some(c),
            (Some(q), _) if q == c => quote = None,
            _ => {}
        }
        prev = c;
    }
    match quote {
        Some(_) => Err(format!("line {number}: unterminated quote")),
        None => Ok(raw),
    }
}

/// Cuts a logical line into `key=value` items and host names (commas and blanks separate).
fn split(text: &str, number: usize) -> Result<Line, String> {
    let mut line = Line {
        number,
        options: Vec::new(),
        hosts: Vec::new(),
    };
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() || c == ',' {
            i += 1;
            continue;
        }
        let begin = i;
        while i < chars.len() && !chars[i].is_whitespace() && chars[i] != ',' && chars[i] != '=' {
            if matches!(chars[i], '\'' | '"') {
                return Err(format!("line {number}: a quote outside a value"));
            }
            i += 1;
        }
        let word: String = chars[begin..i].iter().collect();
        if i < chars.len() && chars[i] == '=' {
            let key = word.to_ascii_lowercase();
            if key.is_empty() {
                return Err(format!("line {number}: `=` without an option name"));
            }
            i += 1;
            let mut value = String::new();
            if i < chars.len() && matches!(chars[i], '\'' | '"') {
                let q = chars[i];
                i += 1;
                while i < chars.len() && chars[i] != q {
                    value.push(chars[i]);
                    i += 1;
                }
                if i >= chars.len() {
                    return Err(format!("line {number}: unterminated quote"));
                }
                i += 1;
            } else {
                while i < chars.len() && !chars[i].is_whitespace() && chars[i] != ',' {
                    value.push(chars[i]);
                    i += 1;
                }
            }
            line.options.push((key, value));
        } else {
            line.hosts.push(word);
        }
    }
    Ok(line)
}

/// Options of the whole run: `timeout`, `max-interval` and `ssl` map or become notes.
fn run_option(out: &mut Imported, seen: &mut Vec<String>, key: &str, value: &str, number: usize) {
    if seen.iter().any(|k| k == key) {
        return;
    }
    seen.push(key.to_string());
    let note = match key {
        "timeout" => match value.parse::<i64>() {
            Ok(n) if (1..=300).contains(&n) => {
                out.top.push(("timeout".into(), Value::Int(n)));
                return;
            }
            _ => format!("option timeout: {value:?} is not 1..300 seconds"),
        },
        "max-interval" => match interval_secs(value) {
            Some(secs) => {
                let days = secs.div_ceil(86_400).clamp(1, 365);
                out.top
                    .push(("refresh_days".into(), Value::Int(days as i64)));
                if days * 86_400 != secs {
                    out.notes.push(format!(
                        "option max-interval: {value} is {days} day(s) as refresh_days"
                    ));
                }
                return;
            }
            None => format!("option max-interval: {value:?} is not an interval (line {number})"),
        },
        "ssl" if yes(value) => return,
        "ssl" => "option ssl: ddnsup uses HTTPS wherever the service has it".into(),
        _ => {
            let why = RUN_OPTIONS
                .iter()
                .find(|(k, _)| *k == key)
                .map_or("not carried over", |(_, why)| why);
            format!("option {key}: {why}")
        }
    };
    out.notes.push(note);
}

/// ddclient's intervals: a number with an optional unit s, m, h or d (seconds without one).
fn interval_secs(value: &str) -> Option<u64> {
    let value = value.trim();
    let (digits, unit) = match value.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
        Some((at, _)) => value.split_at(at),
        None => (value, "s"),
    };
    let n: u64 = digits.parse().ok()?;
    let scale = match unit.to_ascii_lowercase().as_str() {
        "s" => 1,
        "m" => 60,
        "h" => 3_600,
        "d" => 86_400,
        _ => return None,
    };
    n.checked_mul(scale)
}

fn yes(value: &str) -> bool {
    matches!(
        value.to_ascii_lowercase().as_str(),
        "yes" | "y" | "true" | "1" | "on"
    )
}

/// Appends a source once; a second one (hosts reading the address differently) gets a note,
/// since every ddnsup record shares one list, tried in order.
fn push_source(notes: &mut Vec<String>, list: &mut Vec<String>, item: String, number: usize) {
    if list.contains(&item) {
        return;
    }
    if let Some(first) = list.first() {
        notes.push(format!(
            "source {item} (line {number}): ddnsup tries one list for all records, {first} first"
        ));
    }
    list.push(item);
}

fn note_unique(out: &mut Imported, note: String) {
    if !out.notes.contains(&note) {
        out.notes.push(note);
    }
}

/// The address options of one host line onto `[ip] sources`/`sources6` (shared by all
/// records in ddnsup), or notes.
fn address(out: &mut Imported, options: &[(String, String)], number: usize) {
    let ssl = get(options, "ssl").is_some_and(yes);
    let legacy = get(options, "use");
    let v4 = get(options, "usev4");
    let v6 = get(options, "usev6");
    if legacy.is_none() && v4.is_none() && v6.is_none() {
        return;
    }
    if let Some(how) = v4.or(legacy) {
        let how = how.split(',').next().unwrap_or("").trim();
        let option = if v4.is_some() { "usev4" } else { "use" };
        if let Some(source) = source(out, options, (option, how), "v4", ssl, number) {
            push_source(&mut out.notes, &mut out.sources, source, number);
        }
    }
    if let Some(how) = v6 {
        let how = how.split(',').next().unwrap_or("").trim();
        if let Some(source) = source(out, options, ("usev6", how), "v6", ssl, number) {
            push_source(&mut out.notes, &mut out.sources6, source, number);
        }
    }
}

/// One `use`/`usev4`/`usev6` method as a ddnsup source, or a note saying why not.
fn source(
    out: &mut Imported,
    options: &[(String, String)],
    (option, how): (&str, &str),
    family: &str,
    ssl: bool,
    number: usize,
) -> Option<String> {
    // `usev4=ifv4` reads `ifv4`, `use=if` reads `if`; `usev6=if` reads `if` too.
    let base = how.trim_end_matches("v4").trim_end_matches("v6");
    let specific =
        |name: &str| get(options, &format!("{name}{family}")).or_else(|| get(options, name));
    match base {
        "if" => match specific("if") {
            Some(name) if !name.is_empty() => Some(format!("interface:{name}")),
            _ => {
                note_unique(
                    out,
                    format!("option {option}: `{how}` names no interface (line {number})"),
                );
                None
            }
        },
        "web" => {
            let web = specific("web").unwrap_or("");
            let skip =
                get(options, &format!("web{family}-skip")).or_else(|| get(options, "web-skip"));
            let url = match web {
                "ipify-ipv4" | "ipify" => "https://api.ipify.org".to_string(),
                "ipify-ipv6" => "https://api6.ipify.org".to_string(),
                "icanhazip" | "icanhazip-ipv4" => "https://ipv4.icanhazip.com".to_string(),
                "icanhazip-ipv6" => "https://ipv6.icanhazip.com".to_string(),
                w if w.starts_with("http://") || w.starts_with("https://") => w.to_string(),
                w if w.contains('/') || w.contains('.') => {
                    format!("{}://{w}", if ssl { "https" } else { "http" })
                }
                w => {
                    note_unique(
                        out,
                        format!(
                            "option web: ddclient's built-in `{w}` has no ddnsup equivalent; the default sources stay (line {number})"
                        ),
                    );
                    return None;
                }
            };
            if let Some(skip) = skip.filter(|s| !s.is_empty()) {
                note_unique(
                    out,
                    format!(
                        "option web-skip: ddnsup reads a reply that is the bare address; {url} (skip {skip:?}) is left out (line {number})"
                    ),
                );
                return None;
            }
            Some(url)
        }
        "cmd" => {
            let made = specific("cmd").map_or(Err("no cmd is given".to_string()), |c| {
                super::command_source(c)
            });
            let note = match &made {
                Ok(_) => super::COMMAND_NOTE.to_string(),
                Err(why) => format!("not carried over: {why}"),
            };
            note_unique(out, format!("option {option}=cmd: {note} (line {number})"));
            made.ok()
        }
        "ip" => {
            note_unique(
                out,
                format!("option {option}=ip: ddnsup has no fixed address source (line {number})"),
            );
            None
        }
        "disabled" | "no" => None,
        other => {
            note_unique(
                out,
                format!(
                    "option {option}={other}: no ddnsup source (router and firewall pages are not read); the default sources stay (line {number})"
                ),
            );
            None
        }
    }
}

/// The record keys one host builds: `provider` first.
struct Keys {
    keys: Vec<(String, Value)>,
    used: Vec<&'static str>,
}

impl Keys {
    fn new(provider: &str) -> Keys {
        Keys {
            keys: vec![("provider".into(), Value::Str(provider.into()))],
            used: vec!["protocol"],
        }
    }
    fn str(&mut self, key: &str, value: &str) {
        self.keys.push((key.into(), Value::Str(value.into())));
    }
    /// `option` of the host carried as `key`, plain or secret; absent: nothing.
    fn take(
        &mut self,
        options: &[(String, String)],
        option: &'static str,
        key: &str,
        secret: bool,
    ) {
        self.used.push(option);
        if let Some(v) = get(options, option) {
            let value = if secret {
                Value::Secret(v.into())
            } else {
                Value::Str(v.into())
            };
            self.keys.push((key.into(), value));
        }
    }
    /// Like [`Keys::take`] but missing is an error.
    fn need(
        &mut self,
        options: &[(String, String)],
        option: &'static str,
        key: &str,
        secret: bool,
    ) -> Result<(), String> {
        if get(options, option).is_none_or(str::is_empty) {
            return Err(format!("it has no {option}="));
        }
        self.take(options, option, key, secret);
        Ok(())
    }
}

/// `host` relative to `zone`: `@` for the zone itself, the label(s) before it, or as written.
fn relative(host: &str, zone: &str) -> String {
    if host.eq_ignore_ascii_case(zone) {
        return "@".into();
    }
    match host.len().checked_sub(zone.len() + 1) {
        Some(cut)
            if host.is_char_boundary(cut)
                && host[cut..].starts_with('.')
                && host[cut + 1..].eq_ignore_ascii_case(zone) =>
        {
            host[..cut].into()
        }
        _ => host.into(),
    }
}

/// The dyndns2 preset whose server is `server` (scheme, trailing `/` and case ignored).
fn dyndns2_preset(server: &str) -> Option<&'static str> {
    let bare = |s: &str| {
        let s = s.trim().trim_end_matches('/').to_ascii_lowercase();
        s.strip_prefix("https://")
            .or_else(|| s.strip_prefix("http://"))
            .map(str::to_string)
            .unwrap_or(s)
    };
    let want = bare(server);
    crate::provider::dyndns2::PRESETS
        .iter()
        .find(|p| !p.server.is_empty() && bare(p.server) == want)
        .map(|p| p.name)
}

/// One host as a record, or why it cannot be one.
fn record(options: &[(String, String)], host: &str, number: usize) -> Result<Record, String> {
    let protocol = get(options, "protocol")
        .unwrap_or("dyndns2")
        .to_ascii_lowercase();
    let zone = get(options, "zone").filter(|z| !z.is_empty());
    // A router build (`--no-default-features`) has no API providers: skip, not fail the import.
    const API: &[&str] = &[
        "cloudflare",
        "porkbun",
        "gandi",
        "digitalocean",
        "godaddy",
        "hetzner",
    ];
    if !cfg!(feature = "api") && API.contains(&protocol.as_str()) {
        return Err(format!(
            "{protocol} is not in this build (the `api` feature)"
        ));
    }
    let mut k = match protocol.as_str() {
        "dyndns2" | "dyndns1" | "noip" | "easydns" | "changeip" | "infomaniak" | "dnsomatic"
        | "ovh" => {
            let by_server = get(options, "server").and_then(dyndns2_preset);
            let named = match protocol.as_str() {
                "dyndns2" | "dyndns1" => None,
                p => crate::provider::dyndns2::preset(p).map(|p| p.name),
            };
            let mut k = match (named.or(by_server), get(options, "server")) {
                (Some(preset), _) => {
                    let mut k = Keys::new(preset);
                    k.used.push("server");
                    k
                }
                (None, Some(server)) if !server.is_empty() => {
                    let mut k = Keys::new("dyndns2");
                    k.used.push("server");
                    let url = if server.contains("://") {
                        server.to_string()
                    } else {
                        format!("https://{server}")
                    };
                    k.str("server", &url);
                    k
                }
                // ddclient's default dyndns2 server is members.dyndns.org.
                _ => Keys::new("dyn"),
            };
            if protocol == "dyndns1" {
                k.used.push("protocol");
            }
            k.str("hostname", host);
            k.need(options, "login", "username", false)?;
            k.need(options, "password", "password", true)?;
            k
        }
        "namecheap" => {
            // ddclient's login is the domain; the host is a label, `@` or the full name.
            let domain = get(options, "login")
                .filter(|d| !d.is_empty())
                .ok_or("it has no login= (the domain)")?;
            let mut k = Keys::new("namecheap");
            k.used.extend(["login", "server"]);
            k.str("host", &relative(host, domain));
            k.str("domain", domain);
            k.need(options, "password", "password", true)?;
            k
        }
        "cloudflare" => {
            let zone = zone.ok_or("it has no zone=")?;
            let mut k = Keys::new("cloudflare");
            k.used.extend(["zone", "login"]);
            if get(options, "login").is_some_and(|l| l != "token") {
                return Err("a Global API Key with login=EMAIL: ddnsup takes an API token".into());
            }
            k.str("zone", zone);
            k.str("name", host);
            k.need(options, "password", "token", true)?;
            k
        }
        "duckdns" => {
            let mut k = Keys::new("duckdns");
            let label = host.strip_suffix(".duckdns.org").unwrap_or(host);
            k.str("domain", label);
            k.need(options, "password", "token", true)?;
            k
        }
        "porkbun" => {
            let domain = get(options, "root-domain").filter(|d| !d.is_empty());
            let (label, domain) = match domain {
                Some(d) => (relative(host, d), d.to_string()),
                None => match host.split_once('.') {
                    Some((label, rest)) if rest.contains('.') => {
                        (label.to_string(), rest.to_string())
                    }
                    _ => ("@".to_string(), host.to_string()),
                },
            };
            let mut k = Keys::new("porkbun");
            k.used.push("root-domain");
            k.str("domain", &domain);
            k.str("host", &label);
            k.need(options, "apikey", "api_key", true)?;
            k.need(options, "secretapikey", "secret_api_key", true)?;
            k
        }
        "gandi" => {
            let zone = zone.ok_or("it has no zone=")?;
            let mut k = Keys::new("gandi");
            k.used.extend(["zone", "login"]);
            k.str("zone", zone);
            k.str("name", &relative(host, zone));
            k.need(options, "password", "token", true)?;
            k
        }
        "digitalocean" => {
            let zone = zone.ok_or("it has no zone=")?;
            let mut k = Keys::new("digitalocean");
            k.used.push("zone");
            k.str("zone", zone);
            k.str("name", host);
            k.need(options, "password", "token", true)?;
            k
        }
        "godaddy" => {
            let zone = zone.ok_or("it has no zone=")?;
            let mut k = Keys::new("godaddy");
            k.used.push("zone");
            k.str("domain", zone);
            k.str("name", &relative(host, zone));
            k.need(options, "login", "key", true)?;
            k.need(options, "password", "secret", true)?;
            k
        }
        "hetzner" => {
            let zone = zone.ok_or("it has no zone=")?;
            let mut k = Keys::new("hetzner");
            k.used.extend(["zone", "login"]);
            k.str("zone", zone);
            k.str("name", &relative(host, zone));
            k.need(options, "password", "token", true)?;
            k
        }
        "nsupdate" => {
            // ddclient's password is the path of the TSIG key file (tsig-keygen's output).
            let zone = zone.ok_or("it has no zone=")?;
            let mut k = Keys::new("rfc2136");
            k.used.push("zone");
            k.need(options, "server", "server", false)?;
            k.str("zone", zone);
            k.str("name", host);
            k.need(options, "password", "tsig_key_file", false)?;
            let ttl = get(options, "ttl").and_then(|t| t.parse::<i64>().ok());
            if let Some(ttl) = ttl.filter(|t| (0..=86_400).contains(t)) {
                k.keys.push(("ttl".into(), Value::Int(ttl)));
                k.used.push("ttl");
            }
            k
        }
        // ddclient's freedns signs in with the account's login: FreeDNS's dyndns2 endpoint.
        "freedns" => {
            let mut k = Keys::new("afraid-dyndns");
            k.str("hostname", host);
            k.need(options, "login", "username", false)?;
            k.need(options, "password", "password", true)?;
            k
        }
        "dnsexit2" | "dnsexit" => {
            let mut k = Keys::new("dnsexit.com");
            k.str("hostname", host);
            k.need(options, "login", "username", false)?;
            k.need(options, "password", "password", true)?;
            k
        }
        other => return Err(format!("protocol {other} has no ddnsup provider or preset")),
    };
    // IPv6: a `usev6` method that is not disabled asks for AAAA too (or only).
    let wants6 = get(options, "usev6").is_some_and(|u| !matches!(u, "disabled" | "no" | ""));
    let wants4 = get(options, "usev4").is_none_or(|u| !matches!(u, "disabled" | "no" | ""))
        && (get(options, "usev4").is_some() || get(options, "use").is_some() || !wants6);
    if wants6 {
        k.str("family", if wants4 { "both" } else { "ipv6" });
    }
    let mut notes = Vec::new();
    for (key, value) in options {
        if k.used.contains(&key.as_str())
            || ADDRESS_OPTIONS.contains(&key.as_str())
            || RUN_OPTIONS.iter().any(|(r, _)| r == key)
            || matches!(key.as_str(), "ssl" | "timeout" | "max-interval")
        {
            continue;
        }
        let shown = if ["password", "key", "token", "secret"]
            .iter()
            .any(|w| key.contains(w))
        {
            "***"
        } else {
            value.as_str()
        };
        let why = match key.as_str() {
            "ttl" => "the record keeps its own TTL",
            "wildcard" | "mx" | "backupmx" | "static" | "custom" | "offline" => {
                "ddnsup sends only the address"
            }
            "login" | "password" => "this provider takes no such credential",
            _ => "no such key in ddnsup",
        };
        notes.push(format!("option {key}={shown}: {why}"));
    }
    Ok(Record {
        origin: format!("host {host} (line {number})"),
        keys: k.keys,
        notes,
    })
}

#[cfg(test)]
#[path = "ddclient_tests.rs"]
mod tests;
