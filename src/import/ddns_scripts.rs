//! OpenWrt ddns-scripts' UCI file `/etc/config/ddns` -> [`Imported`] (`config service` sections).
use super::{Imported, Record, Value};
use crate::provider::aliases::{Alias, alias};
use crate::provider::{dyndns2, presets, provider_names};

/// Reads a UCI file: `config service 'name'` sections with `option` and `list` lines.
pub fn parse(text: &str) -> Result<Imported, String> {
    let mut imported = Imported::default();
    for s in &sections(text)? {
        match s.kind.as_str() {
            "service" => service(s, &mut imported),
            "ddns" => {
                for (name, values, _) in &s.options {
                    let why = match name.as_str() {
                        "upd_privateip" => "ddnsup never publishes a private address",
                        "ddns_logdir" | "ddns_loglines" | "use_syslog" => {
                            "ddnsup logs to stderr, or to syslog with --syslog"
                        }
                        _ => "a ddns-scripts setting without a ddnsup equivalent",
                    };
                    let v = shown(name, values);
                    imported.notes.push(format!("option {name} '{v}': {why}"));
                }
            }
            other => imported.notes.push(format!(
                "{}: a config {other} section, not imported",
                s.origin()
            )),
        }
    }
    Ok(imported)
}

/// The values of a section's options, by name; each option is taken once.
struct Options<'a> {
    section: &'a Section,
    taken: Vec<&'a str>,
}

impl<'a> Options<'a> {
    fn get(&mut self, name: &'a str) -> Option<String> {
        let (_, values, _) = self.section.options.iter().find(|(k, _, _)| k == name)?;
        self.taken.push(name);
        Some(values.join(" ")).filter(|v| !v.is_empty())
    }
}

/// The ddnsup provider, or why the service is not imported.
fn target(service: &str) -> Result<&'static str, String> {
    match alias(&service.to_ascii_lowercase()) {
        Some(Alias::To(t)) => Ok(t),
        Some(Alias::Gone(why) | Alias::Unserved(why)) => Err(why.to_string()),
        None => Err("a service ddns-scripts does not list".to_string()),
    }
}

/// One `config service` section -> a record (or a note saying why not).
fn service(s: &Section, imported: &mut Imported) {
    let mut o = Options {
        section: s,
        taken: Vec::new(),
    };
    let mut skip = |why: String| {
        imported
            .notes
            .push(format!("{}: not imported: {why}", s.origin()))
    };
    if o.get("enabled").as_deref() == Some("0") {
        return skip("it is disabled (option enabled '0')".into());
    }
    let Some(service) = o.get("service_name") else {
        let why = match o.get("update_url") {
            Some(_) => "a custom update_url: write a provider = \"custom\" record by hand",
            None => "no service_name",
        };
        return skip(why.into());
    };
    let provider = match target(&service) {
        Ok(t) if !provider_names().contains(&t) => {
            return skip(format!("ddnsup provider \"{t}\" is not in this build"));
        }
        Ok(t) => t,
        Err(why) => return skip(format!("service \"{service}\": {why}")),
    };
    let mut r = Record {
        origin: s.origin(),
        keys: vec![("provider".into(), Value::Str(provider.into()))],
        notes: Vec::new(),
    };
    if let Err(why) = credentials(provider, &mut o, &mut r) {
        return skip(format!(
            "service \"{service}\" (ddnsup provider \"{provider}\"): {why}"
        ));
    }
    let v6 = o.get("use_ipv6").as_deref() == Some("1");
    if v6 {
        r.keys.push(("family".into(), Value::Str("ipv6".into())));
    }
    address_source(&mut o, &mut r, imported, v6);
    refresh(&mut o, &mut r, imported);
    for (name, values, _) in &s.options {
        if o.taken.contains(&name.as_str()) {
            continue;
        }
        let why = why_not(name, &values.join(" "));
        r.notes
            .push(format!("option {name} '{}': {why}", shown(name, values)));
    }
    imported.records.push(r);
}

/// An option's value as a note shows it: `***` for anything that may hold a secret (a
/// password left over, a URL, proxy or parameters with credentials in them).
fn shown(name: &str, values: &[String]) -> String {
    let secret = ["pass", "key", "token", "secret", "url", "param", "proxy"];
    if secret.iter().any(|s| name.contains(s)) {
        return "***".to_string();
    }
    values.join(" ")
}

/// Why an option of a service section does not carry over.
fn why_not(name: &str, value: &str) -> &'static str {
    match name {
        "lookup_host" => "not needed: ddnsup remembers what it sent instead of asking DNS",
        "check_interval" | "check_unit" => {
            "the cron line (and the hotplug script) set how often ddnsup runs"
        }
        "retry_interval" | "retry_unit" | "retry_count" | "retry_max_count" => {
            "ddnsup backs off after a failure on its own and retries on a later run"
        }
        "use_https" if value == "0" => "ddnsup uses HTTPS",
        "use_https" | "cacert" => "ddnsup verifies HTTPS against the system CAs (or ca_file)",
        "use_syslog" | "use_logfile" => "ddnsup logs to stderr, or to syslog with --syslog",
        "interface" => "the hotplug script says which interfaces' events start a run",
        "dns_server" | "force_dnstcp" | "is_glue" => "ddnsup asks no DNS server about the record",
        "username" | "password" | "domain" => "the provider takes no such key",
        "ip_script" => "only read with ip_source 'script'",
        _ => "no ddnsup equivalent",
    }
}

/// The provider's own keys from `domain`, `username` and `password`.
fn credentials(provider: &str, o: &mut Options, r: &mut Record) -> Result<(), String> {
    let domain = o.get("domain").ok_or("no domain")?;
    let mut key = |k: &str, v: Value| r.keys.push((k.to_string(), v));
    match provider {
        "duckdns" | "namecheap" | "desec" | "dynv6" | "freedns" | "cloudflare" => {}
        p if dyndns2::preset(p).is_some() => {}
        p if presets::preset(p).is_some() => {}
        _ => return Err("its keys are not imported; write the record by hand (README)".into()),
    }
    match provider {
        "duckdns" => {
            key("domain", Value::Str(domain));
            key("token", password(o)?);
        }
        "namecheap" => {
            let host = o.get("username").ok_or("no username (the host)")?;
            key("host", Value::Str(host));
            key("domain", Value::Str(domain));
            key("password", password(o)?);
        }
        "desec" => {
            key("domain", Value::Str(domain));
            key("token", password(o)?);
        }
        "dynv6" => {
            key("zone", Value::Str(domain));
            key("token", password(o)?);
        }
        "freedns" => {
            key("hostname", Value::Str(domain));
            key("token", password(o)?);
        }
        "cloudflare" => {
            let (zone, name) = match domain.split_once('@') {
                Some((host, zone)) if !host.is_empty() => {
                    (zone.to_string(), format!("{host}.{zone}"))
                }
                Some((_, zone)) => (zone.to_string(), zone.to_string()),
                None => (domain.clone(), domain),
            };
            if o.get("username").as_deref() != Some("Bearer") {
                return Err(
                    "only an API token (username 'Bearer') is served, not a global API key".into(),
                );
            }
            key("zone", Value::Str(zone));
            key("name", Value::Str(name));
            key("token", password(o)?);
        }
        p => {
            let (templates, basic) = match (dyndns2::preset(p), presets::preset(p)) {
                (Some(_), _) => (String::from("{hostname}{username}{password}"), true),
                (None, Some(row)) => (format!("{}{}", row.url, row.url6.unwrap_or("")), row.basic),
                (None, None) => return Err("no preset".into()),
            };
            if templates.contains("{hostname}") {
                key("hostname", Value::Str(domain));
            }
            if basic || templates.contains("{username}") {
                key(
                    "username",
                    Value::Str(o.get("username").ok_or("no username")?),
                );
            }
            if templates.contains("{token}") {
                key("token", password(o)?);
            } else if basic || templates.contains("{password}") {
                key("password", password(o)?);
            }
        }
    }
    Ok(())
}

fn password(o: &mut Options) -> Result<Value, String> {
    o.get("password")
        .map(Value::Secret)
        .ok_or_else(|| "no password".to_string())
}

/// `ip_source` and its option -> the family's sources (one list for every record).
fn address_source(o: &mut Options, r: &mut Record, imported: &mut Imported, v6: bool) {
    let source = match o.get("ip_source").as_deref().unwrap_or("network") {
        "interface" => match o.get("ip_interface") {
            Some(dev) => format!("interface:{dev}"),
            None => return,
        },
        "web" => match o.get("ip_url") {
            Some(url) => url,
            None => return,
        },
        "network" => {
            if let Some(net) = o.get("ip_network") {
                r.notes.push(format!(
                    "option ip_network '{net}': an OpenWrt network, not a device; ddnsup reads a device's address: set sources{} = [\"interface:DEVICE\"] (DEVICE: l3_device in `ubus call network.interface.{net} status`), else the web sources are used",
                    if v6 { "6" } else { "" }
                ));
            }
            return;
        }
        "script" => match o.get("ip_script").map(|c| super::command_source(&c)) {
            Some(Ok(source)) => {
                r.notes
                    .push(format!("option ip_script: {}", super::COMMAND_NOTE));
                source
            }
            Some(Err(why)) => {
                r.notes.push(format!(
                    "option ip_script: not carried over: {why}; the web sources are used"
                ));
                return;
            }
            None => return,
        },
        other => {
            let other = other.to_string();
            r.notes.push(format!(
                "option ip_source '{other}': not known to ddnsup; the web sources are used"
            ));
            return;
        }
    };
    let list = imported.sources_of(v6);
    if list.is_empty() {
        list.push(source);
    } else if !list.contains(&source) {
        r.notes.push(format!(
            "address source {source}: ddnsup has one source list per family, the first section's is kept"
        ));
    }
}

/// `force_interval` (in `force_unit`, hours by default) -> top-level `refresh_days`.
fn refresh(o: &mut Options, r: &mut Record, imported: &mut Imported) {
    let unit = o.get("force_unit");
    let Some(given) = o.get("force_interval") else {
        return;
    };
    let unit_secs: u64 = match unit.as_deref().unwrap_or("hours") {
        "seconds" => 1,
        "minutes" => 60,
        "hours" => 3600,
        "days" => 86_400,
        other => {
            r.notes.push(format!(
                "option force_unit '{other}': not a unit ddns-scripts knows"
            ));
            return;
        }
    };
    let n = match given.parse::<u64>() {
        Ok(0) => {
            r.notes.push("option force_interval '0': ddnsup always re-sends an unchanged address after refresh_days (1..365)".into());
            return;
        }
        Ok(n) => n,
        Err(_) => {
            r.notes
                .push(format!("option force_interval '{given}': not a number"));
            return;
        }
    };
    let secs = n.saturating_mul(unit_secs);
    let days = secs.div_ceil(86_400).clamp(1, 365) as i64;
    if secs != days as u64 * 86_400 {
        r.notes.push(format!(
            "option force_interval '{given}': ddnsup counts whole days (1..365): refresh_days = {days}"
        ));
    }
    match imported.top.iter().find(|(k, _)| k == "refresh_days") {
        None => imported.top.push(("refresh_days".into(), Value::Int(days))),
        Some((_, Value::Int(d))) if *d == days => {}
        Some(_) => r.notes.push(format!(
            "option force_interval '{given}': refresh_days is one for every record, the first section's is kept"
        )),
    }
}

/// One `config TYPE 'NAME'` section and its options, in file order.
#[derive(Debug, Default)]
struct Section {
    kind: String,
    name: String,
    line: usize,
    /// (name, values, line): one value for `option`, one or more for `list`.
    options: Vec<(String, Vec<String>, usize)>,
}

impl Section {
    fn origin(&self) -> String {
        format!("section '{}' (line {})", self.name, self.line)
    }
}

/// Splits the file into sections; an error names its line.
fn sections(text: &str) -> Result<Vec<Section>, String> {
    let mut out: Vec<Section> = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let n = i + 1;
        let words = words(raw).map_err(|e| format!("line {n}: {e}"))?;
        let Some((first, rest)) = words.split_first() else {
            continue;
        };
        match (first.as_str(), rest) {
            ("package", [_]) => {}
            ("config", [kind]) | ("config", [kind, _]) => out.push(Section {
                kind: kind.clone(),
                name: rest.get(1).cloned().unwrap_or_else(|| {
                    // UCI's name for an anonymous section: its index among its type.
                    let i = out.iter().filter(|s| &s.kind == kind).count();
                    format!("@{kind}[{i}]")
                }),
                line: n,
                options: Vec::new(),
            }),
            ("option", [name, value]) | ("list", [name, value]) => {
                let Some(s) = out.last_mut() else {
                    return Err(format!("line {n}: {first} outside a config section"));
                };
                let is_list = first == "list";
                match s.options.iter_mut().find(|(k, _, _)| k == name) {
                    Some((_, values, _)) if is_list => values.push(value.clone()),
                    Some(o) => *o = (name.clone(), vec![value.clone()], n),
                    None => s.options.push((name.clone(), vec![value.clone()], n)),
                }
            }
            ("config" | "option" | "list" | "package", _) => {
                return Err(format!("line {n}: wrong number of words after \"{first}\""));
            }
            (other, _) => return Err(format!("line {n}: unknown keyword \"{other}\"")),
        }
    }
    Ok(out)
}

/// The words of one UCI line: 'single' quotes keep everything, "double" quotes take `\`
/// escapes, a bare `\` escapes the next character, adjacent pieces join, `#` starts a comment.
fn words(line: &str) -> Result<Vec<String>, String> {
    let mut words = Vec::new();
    let mut chars = line.chars();
    let mut word: Option<String> = None;
    while let Some(c) = chars.next() {
        match c {
            ' ' | '\t' | '\r' => {
                if let Some(w) = word.take() {
                    words.push(w);
                }
            }
            '#' if word.is_none() => break,
            '\'' => {
                let w = word.get_or_insert_with(String::new);
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(c) => w.push(c),
                        None => return Err("unterminated quote".into()),
                    }
                }
            }
            '"' => {
                let w = word.get_or_insert_with(String::new);
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(c) => w.push(c),
                            None => return Err("unterminated quote".into()),
                        },
                        Some(c) => w.push(c),
                        None => return Err("unterminated quote".into()),
                    }
                }
            }
            '\\' => match chars.next() {
                Some(c) => word.get_or_insert_with(String::new).push(c),
                None => return Err("a backslash at the end of the line".into()),
            },
            c => word.get_or_insert_with(String::new).push(c),
        }
    }
    words.extend(word);
    Ok(words)
}

#[cfg(test)]
#[path = "ddns_scripts_tests.rs"]
mod tests;
