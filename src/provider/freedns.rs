//! FreeDNS (afraid.org) dynamic update v2 (https://freedns.afraid.org/dynamic/v2/): one secret token per record, one request per family.
use super::names::required_name;
use super::{
    Addrs, Planned, Provider, Success, classify_status, first_line, short, unknown_answer,
};
use crate::error::Error;
use crate::fields::{Fields, Secret, check_url, endpoint_url};
use crate::http::{Reply, Request};
use std::net::IpAddr;

pub const DEFAULT_SERVER: &str = "https://sync.afraid.org";
pub const DEFAULT_SERVER6: &str = "https://v6.sync.afraid.org";
const PATH: &str = "/u";

/// Where one family's record is updated, and its token (a secret path segment).
struct Target {
    endpoint: String,
    token: Secret,
}

pub struct FreeDns {
    /// For logs and the state file only: the token alone names the record at FreeDNS.
    hostname: String,
    v4: Option<Target>,
    v6: Option<Target>,
}

impl FreeDns {
    pub fn from_config(f: &mut Fields) -> Result<FreeDns, Error> {
        let hostname = required_name(
            f,
            "hostname",
            Some("the name the token updates, e.g. \"myhome.mooo.com\""),
        )?;
        // Already checked by the config reader; read again to know which tokens to ask for.
        let (want4, want6) = match f.str("family")?.as_deref() {
            Some("ipv6") => (false, true),
            Some("both") => (true, true),
            _ => (true, false),
        };
        let endpoint = f.endpoint(DEFAULT_SERVER, PATH)?;
        let allow_http = f.bool("allow_http")?.unwrap_or(false);
        let server6 = f.str("server6")?;
        let v4 = if want4 {
            let token = required_secret(f, "token", "the A record's update token")?;
            Some(Target { endpoint, token })
        } else {
            refuse_unused(
                f,
                "token",
                "with family = \"ipv6\" only token6 (the AAAA record's update token) is used",
            )?;
            None
        };
        let v6 = if want6 {
            let server6 = server6.unwrap_or_else(|| DEFAULT_SERVER6.to_string());
            check_url(&server6, allow_http).map_err(|m| f.error("server6", &m))?;
            let token = required_secret(
                f,
                "token6",
                "FreeDNS gives the AAAA record its own update token",
            )?;
            Some(Target {
                endpoint: endpoint_url(&server6, PATH),
                token,
            })
        } else {
            let why = "the AAAA record's; needs family = \"ipv6\" or \"both\"";
            if server6.is_some() {
                return Err(f.error("server6", why));
            }
            refuse_unused(f, "token6", why)?;
            None
        };
        Ok(FreeDns { hostname, v4, v6 })
    }
}

/// `f.secret`, with its own message when both forms are missing: `token` and `token6` are
/// one edit apart, so the generic "did you mean" guess would point at the other token.
fn required_secret(f: &mut Fields, key: &str, what: &str) -> Result<Secret, Error> {
    let file_key = format!("{key}_file");
    if f.str(key)?.is_none() && f.str(&file_key)?.is_none() {
        return Err(Error::Config(format!(
            "{}: missing key \"{key}\" (or \"{file_key}\"): {what}",
            f.label
        )));
    }
    let token = f.secret(key)?;
    check_token(token.expose()).map_err(|m| f.error(key, &m))?;
    Ok(token)
}

/// A token is one path segment. The whole sync URL pasted in its place is refused with where
/// the token is in it; the message never repeats the value.
fn check_token(token: &str) -> Result<(), String> {
    if token.contains("://") || token.contains(['/', '?', '#', '&', '=']) {
        return Err(
            "holds a URL or a path, not the token alone; from the update URL https://sync.afraid.org/u/TOKEN/ give only TOKEN, the part after /u/"
                .to_string(),
        );
    }
    if token.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("must be one word, without spaces".to_string());
    }
    Ok(())
}

/// A token key the record's families do not use is a mistake worth naming.
fn refuse_unused(f: &mut Fields, key: &str, why: &str) -> Result<(), Error> {
    for k in [key.to_string(), format!("{key}_file")] {
        if f.str(&k)?.is_some() {
            return Err(f.error(&k, why));
        }
    }
    Ok(())
}

impl Provider for FreeDns {
    fn fqdn(&self) -> String {
        self.hostname.clone()
    }

    fn supports_v6(&self) -> bool {
        true
    }

    /// One request per family, each with its own token.
    fn plan(&self, addrs: Addrs) -> Vec<Planned> {
        let targets = [
            (addrs.v4.map(IpAddr::V4), &self.v4),
            (addrs.v6.map(IpAddr::V6), &self.v6),
        ];
        targets
            .into_iter()
            .filter_map(|(ip, target)| Some((ip?, target.as_ref()?)))
            .map(|(ip, t)| Planned {
                request: build_request(&t.endpoint, t.token.expose(), ip),
                sets: Addrs::one(ip),
            })
            .collect()
    }

    fn parse_reply(&self, reply: &Reply, sets: Addrs) -> Result<Success, Error> {
        match sets.list().first() {
            Some(ip) => parse_reply(reply, *ip),
            None => Err(Error::transient("nothing was sent")),
        }
    }
}

/// `GET <endpoint>/<token>/?address=<ip>`; the token shows as `***`.
pub fn build_request(endpoint: &str, token: &str, ip: IpAddr) -> Request {
    let mut req = Request::get(endpoint).secret_segment(token);
    req.url.push('/');
    req.param("address", ip.to_string())
}

/// Reads the first line by its leading words (case-insensitive), never by a substring:
/// `Updated <n> host(s) ...`, `No IP change detected ...` and `ERROR: Address <ip> has not
/// changed.` are answers; `Failed authenticating ...` and other `ERROR:` lines are refusals.
pub fn parse_reply(reply: &Reply, sent: IpAddr) -> Result<Success, Error> {
    if (500..=599).contains(&reply.status) {
        return Err(classify_status(reply, "reply"));
    }
    let text = reply.text();
    let line = first_line(&text);
    let words: Vec<&str> = line.split_whitespace().collect();
    let lower: Vec<String> = words.iter().map(|w| w.to_ascii_lowercase()).collect();
    let starts = |phrase: &[&str]| {
        lower.len() >= phrase.len() && lower.iter().zip(phrase).all(|(w, p)| w == p)
    };
    let ok = reply.status == 200;
    if ok && starts(&["updated"]) && lower.get(2).is_some_and(|w| w == "host(s)") {
        let count: u32 = words[1]
            .parse()
            .map_err(|_| Error::transient(format!("unexpected reply: {:?}", short(line))))?;
        if count == 0 {
            return Err(Error::transient(format!(
                "FreeDNS updated no host: {:?}",
                short(line)
            )));
        }
        // `... <host> to <ip> in <t> seconds`
        let ip = lower.iter().skip(3).position(|w| w == "to").map(|i| i + 4);
        check_ip(ip.and_then(|i| words.get(i).copied()), sent)?;
        return Ok(Success::Updated);
    }
    if ok && starts(&["no", "ip", "change", "detected"]) {
        // `... for <host> with IP <ip>, skipping update`
        let ip = lower.iter().skip(4).position(|w| w == "ip").map(|i| i + 5);
        check_ip(ip.and_then(|i| words.get(i).copied()), sent)?;
        return Ok(Success::NoChange);
    }
    let tail = |from: usize| lower.get(from..).map(|w| w.join(" "));
    if ok && starts(&["error:", "address"]) && tail(3).as_deref() == Some("has not changed.") {
        check_ip(words.get(2).copied(), sent)?;
        return Ok(Success::NoChange);
    }
    if starts(&["failed", "authenticating"]) {
        return Err(Error::fatal(format!(
            "FreeDNS refused the token: {:?}; check `token`/`token6`",
            short(line)
        )));
    }
    if lower.first().is_some_and(|w| w.starts_with("error:")) {
        return Err(Error::fatal(format!("FreeDNS said {:?}", short(line))));
    }
    Err(unknown_answer(reply, line))
}

/// The address a reply names must be the one sent (when it names one).
fn check_ip(word: Option<&str>, sent: IpAddr) -> Result<(), Error> {
    let Some(word) = word else { return Ok(()) };
    let Ok(ip) = word.trim_end_matches([',', '.', ';']).parse::<IpAddr>() else {
        return Ok(());
    };
    if ip == sent {
        Ok(())
    } else {
        Err(Error::transient(format!(
            "FreeDNS reports {ip}, not the {sent} that was sent"
        )))
    }
}

#[cfg(test)]
#[path = "freedns_tests.rs"]
mod tests;
