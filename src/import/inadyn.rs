//! `ddnsup import inadyn`: inadyn.conf (v2, libConfuse syntax; inadyn.conf(5)) -> records, sources, notes.
//!
//! Globals are `key = value`; `provider NAME { .. }` and `custom NAME { .. }` blocks hold one
//! account each, `NAME` being `default@service.tld`, `ipv6@service.tld` (AAAA) and so on, with
//! an optional `:ID`. Values are words, quoted strings or `{ "a", b }` lists; `#` comments.
use super::{Imported, Record, Value};

/// inadyn's service domain (after the `@`) -> the ddnsup provider or preset, how its
/// `username`/`password`/`hostname` carry over, and whether it takes IPv6.
#[derive(Clone, Copy, PartialEq)]
enum Shape {
    /// dyndns2 or URL preset: `username`, `password`, `hostname`.
    UserPass,
    /// `username` is the token, `hostname` the zone (inadyn's dynv6 and DuckDNS plugins).
    TokenZone(&'static str),
    /// Cloudflare: `username` is the zone, `password` the API token, `hostname` the name.
    Cloudflare,
}

const SERVICES: &[(&str, &str, Shape, bool)] = &[
    ("dyndns.org", "dyn", Shape::UserPass, true),
    ("dyn.com", "dyn", Shape::UserPass, true),
    ("no-ip.com", "noip", Shape::UserPass, true),
    ("dnsomatic.com", "dnsomatic", Shape::UserPass, true),
    ("he.net", "he", Shape::UserPass, true),
    ("dynu.com", "dynu", Shape::UserPass, true),
    ("selfhost.de", "selfhost", Shape::UserPass, true),
    ("spdyn.de", "spdyn", Shape::UserPass, true),
    ("strato.com", "strato", Shape::UserPass, true),
    ("ovh.com", "ovh", Shape::UserPass, true),
    ("nsupdate.info", "nsupdate.info", Shape::UserPass, true),
    ("easydns.com", "easydns", Shape::UserPass, true),
    ("loopia.com", "loopia", Shape::UserPass, false),
    ("3322.org", "3322", Shape::UserPass, false),
    ("changeip.com", "changeip", Shape::UserPass, false),
    ("opendns.com", "opendns", Shape::UserPass, false),
    ("dnshome.de", "dnshome", Shape::UserPass, true),
    ("core-networks.de", "core-networks", Shape::UserPass, true),
    ("ddnss.de", "ddnss.de", Shape::UserPass, true),
    ("sitelutions.com", "sitelutions.com", Shape::UserPass, false),
    ("dnsexit.com", "dnsexit.com", Shape::UserPass, false),
    ("duckdns.org", "duckdns", Shape::TokenZone("domain"), true),
    ("dynv6.com", "dynv6", Shape::TokenZone("zone"), true),
    ("cloudflare.com", "cloudflare", Shape::Cloudflare, true),
];

fn shape_of(domain: &str) -> Option<Shape> {
    SERVICES.iter().find(|(d, ..)| *d == domain).map(|s| s.2)
}

/// Services inadyn knows that cannot be carried over as they are, and why.
const REFUSED: &[(&str, &str)] = &[
    (
        "freedns.afraid.org",
        "inadyn logs in with the account; ddnsup's freedns needs each record's update token (its sync URL): write the record by hand",
    ),
    (
        "tunnelbroker.net",
        "a tunnel endpoint update, not a DNS record; ddnsup has no tunnelbroker provider",
    ),
];

/// The words inadyn's generic plugin accepts when no `ddns-response` is given (its README).
const DEFAULT_RESPONSES: &[&str] = &["good", "OK", "true", "updated"];

/// More tokens than any real config has; bounds the parser on hostile input.
const MAX_TOKENS: usize = 100_000;

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Word(String),
    Quoted(String),
    Eq,
    Open,
    Close,
    Comma,
    LParen,
    RParen,
}

fn lex(text: &str) -> Result<Vec<(Tok, usize)>, String> {
    let mut out = Vec::new();
    let mut line = 1;
    let mut it = text.chars().peekable();
    while let Some(c) = it.next() {
        if out.len() > MAX_TOKENS {
            return Err(format!("line {line}: too many tokens"));
        }
        match c {
            '\n' => line += 1,
            c if c.is_whitespace() => {}
            '#' => {
                while it.peek().is_some_and(|&c| c != '\n') {
                    it.next();
                }
            }
            '=' => out.push((Tok::Eq, line)),
            '{' => out.push((Tok::Open, line)),
            '}' => out.push((Tok::Close, line)),
            ',' => out.push((Tok::Comma, line)),
            '(' => out.push((Tok::LParen, line)),
            ')' => out.push((Tok::RParen, line)),
            '"' | '\'' => {
                let start = line;
                let mut s = String::new();
                loop {
                    match it.next() {
                        None => return Err(format!("line {start}: unterminated quote")),
                        Some(q) if q == c => break,
                        Some('\\') if c == '"' => match it.next() {
                            None => return Err(format!("line {start}: unterminated quote")),
                            Some('n') => s.push('\n'),
                            Some('t') => s.push('\t'),
                            Some('\n') => line += 1,
                            Some(e) => s.push(e),
                        },
                        Some(ch) => {
                            if ch == '\n' {
                                line += 1;
                            }
                            s.push(ch);
                        }
                    }
                }
                out.push((Tok::Quoted(s), start));
            }
            c => {
                let mut s = String::from(c);
                while let Some(&n) = it.peek() {
                    if n.is_whitespace() || "={}(),#\"'".contains(n) {
                        break;
                    }
                    s.push(n);
                    it.next();
                }
                out.push((Tok::Word(s), line));
            }
        }
    }
    Ok(out)
}

/// One `key = value` with the line it is on.
struct Opt {
    key: String,
    value: Vec<String>,
    line: usize,
}

struct Block {
    custom: bool,
    name: String,
    line: usize,
    opts: Vec<Opt>,
}

struct Parser {
    toks: Vec<(Tok, usize)>,
    pos: usize,
    last_line: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos).map(|(t, _)| t)
    }

    fn line(&self) -> usize {
        self.toks.get(self.pos).map_or(self.last_line, |(_, l)| *l)
    }

    fn next(&mut self) -> Option<Tok> {
        let t = self.toks.get(self.pos).map(|(t, _)| t.clone());
        self.pos += 1;
        t
    }

    fn err(&self, what: &str) -> String {
        format!("line {}: {what}", self.line())
    }

    fn string(&mut self) -> Result<String, String> {
        match self.next() {
            Some(Tok::Word(s) | Tok::Quoted(s)) => Ok(s),
            _ => {
                self.pos -= 1;
                Err(self.err("expected a value"))
            }
        }
    }

    /// After `key`: `= value` or `= { a, b }`.
    fn value(&mut self, key: String, line: usize) -> Result<Opt, String> {
        if self.peek() == Some(&Tok::LParen) {
            // A libConfuse function, e.g. `include("/etc/inadyn.d/secrets.conf")`.
            self.pos += 1;
            let mut value = Vec::new();
            if self.peek() == Some(&Tok::RParen) {
                self.pos += 1;
            } else {
                loop {
                    value.push(self.string()?);
                    match self.next() {
                        Some(Tok::Comma) => {}
                        Some(Tok::RParen) => break,
                        _ => {
                            self.pos -= 1;
                            return Err(self.err("expected ',' or ')'"));
                        }
                    }
                }
            }
            return Ok(Opt { key, value, line });
        }
        if self.next() != Some(Tok::Eq) {
            self.pos -= 1;
            return Err(self.err(&format!("expected '=' after \"{key}\"")));
        }
        if self.peek() == Some(&Tok::Open) {
            self.pos += 1;
            let mut value = Vec::new();
            if self.peek() == Some(&Tok::Close) {
                self.pos += 1;
            } else {
                loop {
                    value.push(self.string()?);
                    match self.next() {
                        Some(Tok::Comma) => {}
                        Some(Tok::Close) => break,
                        _ => {
                            self.pos -= 1;
                            return Err(self.err("expected ',' or '}' in a list"));
                        }
                    }
                }
            }
            return Ok(Opt { key, value, line });
        }
        let mut first = self.string()?;
        // inadyn's README writes `checkip-command` unquoted with spaces: take the line.
        if key == "checkip-command" {
            while let Some((Tok::Word(w) | Tok::Quoted(w), l)) = self.toks.get(self.pos) {
                if *l != line {
                    break;
                }
                if matches!(self.toks.get(self.pos + 1), Some((Tok::Eq, _))) {
                    break;
                }
                first.push(' ');
                first.push_str(w);
                self.pos += 1;
            }
        }
        Ok(Opt {
            key,
            value: vec![first],
            line,
        })
    }
}

/// Parses inadyn.conf into globals and blocks; an error names the line.
fn parse_conf(text: &str) -> Result<(Vec<Opt>, Vec<Block>), String> {
    let toks = lex(text)?;
    let last_line = toks.last().map_or(1, |(_, l)| *l);
    let mut p = Parser {
        toks,
        pos: 0,
        last_line,
    };
    let mut globals = Vec::new();
    let mut blocks = Vec::new();
    while let Some(t) = p.next() {
        let line = p.toks[p.pos - 1].1;
        let word = match t {
            Tok::Word(w) => w,
            _ => {
                p.pos -= 1;
                return Err(p.err("expected an option or a provider/custom section"));
            }
        };
        if word == "provider" || word == "custom" {
            let name = p.string()?;
            if p.next() != Some(Tok::Open) {
                p.pos -= 1;
                return Err(p.err(&format!("expected '{{' after {word} {name}")));
            }
            let mut opts = Vec::new();
            loop {
                match p.next() {
                    Some(Tok::Close) => break,
                    Some(Tok::Word(k)) => {
                        let l = p.toks[p.pos - 1].1;
                        opts.push(p.value(k, l)?);
                    }
                    None => return Err(format!("line {line}: section without its closing '}}'")),
                    _ => {
                        p.pos -= 1;
                        return Err(p.err("expected an option or '}'"));
                    }
                }
            }
            blocks.push(Block {
                custom: word == "custom",
                name,
                line,
                opts,
            });
        } else {
            globals.push(p.value(word, line)?);
        }
    }
    Ok((globals, blocks))
}

fn first(o: &Opt) -> &str {
    o.value.first().map_or("", String::as_str)
}

fn truthy(o: &Opt) -> Option<bool> {
    match first(o).to_ascii_lowercase().as_str() {
        "true" | "yes" | "on" => Some(true),
        "false" | "no" | "off" => Some(false),
        _ => None,
    }
}

/// Seconds -> whole days, rounded up, within ddnsup's 1..365.
fn days(secs: &str) -> Option<i64> {
    let s: i64 = secs.trim().parse().ok()?;
    if s <= 0 {
        return None;
    }
    Some(((s + 86_399) / 86_400).clamp(1, 365))
}

/// inadyn's `%u %p %h %i` -> ddnsup's `{username} {password} {hostname} {ip}`; `None` when
/// the path uses another `%` sequence (ddnsup has no placeholder for it).
fn template(path: &str) -> Result<String, String> {
    let mut out = String::new();
    let mut it = path.chars();
    while let Some(c) = it.next() {
        match c {
            '%' => match it.next() {
                Some('u') => out.push_str("{username}"),
                Some('p') => out.push_str("{password}"),
                Some('h') => out.push_str("{hostname}"),
                Some('i') => out.push_str("{ip}"),
                Some('%') => out.push('%'),
                Some(x) => return Err(format!("%{x}")),
                None => return Err("%".into()),
            },
            '{' | '}' => return Err(c.to_string()),
            c => out.push(c),
        }
    }
    Ok(out)
}

/// Whether a query key that names a secret has a literal value (not a placeholder).
fn holds_secret(url: &str) -> bool {
    let query = url.split_once('?').map_or("", |(_, q)| q);
    query.split('&').any(|pair| {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let k = k.to_ascii_lowercase();
        let secret = ["pass", "pwd", "key", "token", "secret", "auth"]
            .iter()
            .any(|w| k.contains(w));
        secret && !v.is_empty() && !v.starts_with('{')
    })
}

fn web_source(server: &str, path: Option<&str>, ssl: bool) -> String {
    let scheme = if ssl { "https" } else { "http" };
    let path = path.unwrap_or("/");
    let sep = if path.starts_with('/') { "" } else { "/" };
    format!("{scheme}://{server}{sep}{path}")
}

fn push_unique(list: &mut Vec<String>, s: String) {
    if !list.contains(&s) {
        list.push(s);
    }
}

/// Reads inadyn.conf into ddnsup records; what does not carry over becomes a note.
pub fn parse(text: &str) -> Result<Imported, String> {
    let (globals, blocks) = parse_conf(text)?;
    let mut out = Imported::default();
    let mut iface = None;
    let mut allow_v6 = false;
    for g in &globals {
        let why = match g.key.as_str() {
            "forced-update" => match days(first(g)) {
                Some(d) => {
                    out.top.push(("refresh_days".into(), Value::Int(d)));
                    continue;
                }
                None => "not a number of seconds".to_string(),
            },
            "iface" => {
                iface = Some(first(g).to_string());
                continue;
            }
            "allow-ipv6" => {
                allow_v6 = truthy(g) == Some(true);
                if allow_v6 {
                    "ddnsup updates IPv6 per record (family = \"ipv6\" or \"both\")".into()
                } else {
                    continue;
                }
            }
            "period" => "ddnsup runs from cron (or hotplug), which sets how often".into(),
            "verify-address" => "ddnsup always checks that an address is public".into(),
            "ca-trust-file" => {
                "ddnsup's ca_file adds roots to its own, it does not replace them: set ca_file by hand if needed".into()
            }
            "user-agent" => "ddnsup sends its own User-Agent".into(),
            "cache-dir" => "ddnsup keeps its state in state_file".into(),
            "secure-ssl" | "broken-rtc" => "ddnsup always verifies certificates".into(),
            "fake-address" => "ddnsup never sends a fake address".into(),
            "include" => "included files are not read: import them one by one".into(),
            _ => "not known to ddnsup".into(),
        };
        out.notes
            .push(format!("option {} (line {}): {why}", g.key, g.line));
    }
    for b in &blocks {
        import_block(b, &mut out)?;
    }
    if let Some(name) = iface {
        let v6 = allow_v6
            || out.records.iter().any(|r| {
                r.keys
                    .iter()
                    .any(|(k, v)| k == "family" && *v == Value::Str("ipv6".into()))
            });
        out.sources.insert(0, format!("interface:{name}"));
        if v6 {
            out.sources6.insert(0, format!("interface:{name}"));
        }
    }
    Ok(out)
}

/// The record keys one block gives every hostname, and its notes.
fn import_block(b: &Block, out: &mut Imported) -> Result<(), String> {
    let kind = if b.custom { "custom" } else { "provider" };
    let origin = format!("{kind} {} (line {})", b.name, b.line);
    let name = b.name.to_ascii_lowercase();
    let name = name.split(':').next().unwrap_or("");
    let (prefix, domain) = name.split_once('@').unwrap_or(("default", name));
    let v6 = prefix == "ipv6";
    let get = |k: &str| b.opts.iter().rev().find(|o| o.key == k);
    let mut notes = Vec::new();
    let hostnames: Vec<String> = get("hostname")
        .or_else(|| get("alias"))
        .map(|o| o.value.clone())
        .unwrap_or_default();
    if hostnames.is_empty() {
        out.notes
            .push(format!("{origin}: not imported: no hostname"));
        return Ok(());
    }
    let username = get("username").map(|o| first(o).to_string());
    let password = get("password").map(|o| first(o).to_string());
    // The keys every record of this block gets after `provider`, and per hostname which key names it.
    let mut common: Vec<(String, Value)> = Vec::new();
    let provider;
    let name_key;
    let mut used = vec!["hostname", "alias", "username", "password"];
    if b.custom {
        provider = "custom";
        name_key = "hostname";
        let Some(server) = get("ddns-server") else {
            out.notes
                .push(format!("{origin}: not imported: no ddns-server"));
            return Ok(());
        };
        let ssl = get("ssl").and_then(truthy).unwrap_or(true);
        let raw_path = get("ddns-path").map_or("/", first);
        // A password written into the path is the `password` key's: make it the placeholder.
        let path = match password.as_deref() {
            Some(pw) if !pw.is_empty() && raw_path.contains(pw) => raw_path.replace(pw, "%p"),
            _ => raw_path.to_string(),
        };
        let path = path.as_str();
        let mut url = match template(path) {
            Ok(t) => t,
            Err(x) => {
                out.notes.push(format!(
                    "{origin}: not imported: ddns-path uses {x}, which ddnsup has no placeholder for"
                ));
                return Ok(());
            }
        };
        if !raw_path.contains('%') {
            // inadyn appends the hostname (or with append-myip, the address) to a plain path.
            let myip = get("append-myip").and_then(truthy) == Some(true);
            url.push_str(if myip { "{ip}" } else { "{hostname}" });
        }
        let scheme = if ssl { "https" } else { "http" };
        let sep = if url.starts_with('/') { "" } else { "/" };
        let host = first(server);
        let host = host.split_once("://").map_or(host, |(_, h)| h);
        let url = format!("{scheme}://{}{sep}{url}", host.trim_end_matches('/'));
        if holds_secret(&url) {
            notes
                .push("option ddns-path: holds a secret, so url is one too (*** on stdout)".into());
            common.push(("url".into(), Value::Secret(url)));
        } else {
            common.push(("url".into(), Value::Str(url)));
        }
        if !ssl {
            common.push(("allow_http".into(), Value::Bool(true)));
            notes.push("option ssl: false kept as allow_http = true; prefer https".into());
        }
        let words: Vec<String> = match get("ddns-response") {
            Some(o) => o.value.iter().filter(|w| !w.is_empty()).cloned().collect(),
            None => DEFAULT_RESPONSES.iter().map(|w| w.to_string()).collect(),
        };
        if !words.is_empty() {
            notes.push(
                "option ddns-response: inadyn finds the words anywhere in the reply, ddnsup at the start of its first line".into(),
            );
            common.push(("success".into(), Value::List(words)));
        }
        if let Some(u) = username {
            common.push(("username".into(), Value::Str(u)));
        }
        if let Some(p) = password {
            common.push(("password".into(), Value::Secret(p)));
        }
        used.extend([
            "ddns-server",
            "ddns-path",
            "ssl",
            "ddns-response",
            "append-myip",
        ]);
    } else if let Some((_, why)) = REFUSED.iter().find(|(d, _)| *d == domain) {
        out.notes.push(format!("{origin}: not imported: {why}"));
        return Ok(());
    } else if shape_of(domain) == Some(Shape::Cloudflare) && !cfg!(feature = "api") {
        out.notes.push(format!(
            "{origin}: not imported: this ddnsup is built without the cloudflare provider"
        ));
        return Ok(());
    } else if let Some(&(_, p, shape, takes_v6)) = SERVICES.iter().find(|(d, ..)| *d == domain) {
        if v6 && !takes_v6 {
            out.notes.push(format!(
                "{origin}: not imported: ddnsup's {p} preset updates IPv4 only"
            ));
            return Ok(());
        }
        provider = p;
        match shape {
            Shape::UserPass => {
                name_key = "hostname";
                if let Some(u) = username {
                    common.push(("username".into(), Value::Str(u)));
                }
                if let Some(pw) = password {
                    common.push(("password".into(), Value::Secret(pw)));
                }
            }
            Shape::TokenZone(key) => {
                name_key = key;
                if let Some(u) = username {
                    common.push(("token".into(), Value::Secret(u)));
                }
                if password.is_some() {
                    notes.push(format!(
                        "option password: not used by {p} (the token is username)"
                    ));
                }
            }
            Shape::Cloudflare => {
                name_key = "name";
                if let Some(u) = username {
                    common.push(("zone".into(), Value::Str(u)));
                }
                if let Some(pw) = password {
                    common.push(("token".into(), Value::Secret(pw)));
                }
                if let Some(o) = get("ttl") {
                    match first(o).parse::<i64>() {
                        Ok(t) => common.push(("ttl".into(), Value::Int(t))),
                        Err(_) => notes.push("option ttl: not a number".into()),
                    }
                }
                if let Some(o) = get("proxied") {
                    match truthy(o) {
                        Some(v) => common.push(("proxied".into(), Value::Bool(v))),
                        None => notes.push("option proxied: not true or false".into()),
                    }
                }
                used.extend(["ttl", "proxied"]);
            }
        }
        if get("ssl").and_then(truthy) == Some(false) {
            notes.push("option ssl: ddnsup's presets always use HTTPS".into());
        }
        used.push("ssl");
    } else {
        out.notes.push(format!(
            "{origin}: not imported: no ddnsup provider or preset for {domain}: write a custom record by hand"
        ));
        return Ok(());
    }
    if v6 {
        common.push(("family".into(), Value::Str("ipv6".into())));
    }
    // Address sources: ddnsup's are global, so a block's checkip server joins [ip].
    if let Some(server) = get("checkip-server") {
        let ssl = get("checkip-ssl").and_then(truthy).unwrap_or(true);
        let src = web_source(first(server), get("checkip-path").map(first), ssl);
        notes.push(format!(
            "option checkip-server: ddnsup's sources are global: {src} added to [ip]"
        ));
        push_unique(out.sources_of(v6), src);
    }
    if let Some(cmd) = get("checkip-command") {
        match super::command_source(first(cmd)) {
            Ok(src) => {
                notes.push(format!(
                    "option checkip-command: ddnsup's sources are global: {src} added to [ip]; {}",
                    super::COMMAND_NOTE
                ));
                push_unique(out.sources_of(v6), src);
            }
            Err(why) => notes.push(format!(
                "option checkip-command (line {}): not carried over: {why}",
                cmd.line
            )),
        }
    }
    used.extend([
        "checkip-server",
        "checkip-path",
        "checkip-ssl",
        "checkip-command",
    ]);
    for o in &b.opts {
        if used.contains(&o.key.as_str()) {
            continue;
        }
        let why = match o.key.as_str() {
            "wildcard" => "set the wildcard at the service; ddnsup sends the name as written",
            "ttl" | "proxied" => "only the cloudflare provider takes it",
            "user-agent" => "ddnsup sends its own User-Agent",
            "include" => "included files are not read",
            _ => "not known to ddnsup",
        };
        notes.push(format!("option {} (line {}): {why}", o.key, o.line));
    }
    let many = hostnames.len() > 1;
    for h in hostnames.iter().take(1000) {
        if !b.custom && !h.contains('.') {
            // inadyn's README writes bare labels for dyndns.org; ddnsup needs the full name.
            out.notes.push(format!(
                "{origin}: hostname {h} not imported: not a full name (write it as host.domain)"
            ));
            continue;
        }
        let mut keys = vec![("provider".to_string(), Value::Str(provider.into()))];
        keys.push((name_key.to_string(), Value::Str(h.clone())));
        keys.extend(common.iter().cloned());
        let origin = if many {
            format!("{origin}, hostname {h}")
        } else {
            origin.clone()
        };
        out.records.push(Record {
            origin,
            keys,
            notes: notes.clone(),
        });
    }
    Ok(())
}

#[cfg(test)]
#[path = "inadyn_tests.rs"]
mod tests;
