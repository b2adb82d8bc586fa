//! The configured address sources of one family, tried in order, with optional agreement.
use super::{Family, web};
use crate::config::check_url;
use crate::error::Error;
use crate::http::{Client, host_of};
use std::net::IpAddr;

/// One place to learn the public address from, as written in `[ip] sources`/`sources6`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// An HTTP(S) service answering with the bare address.
    Web(String),
}

impl Source {
    /// Parses one `sources` entry: `https://…` (or `http://…`).
    pub fn parse(text: &str) -> Result<Source, String> {
        check_url(text, true)?;
        Ok(Source::Web(text.to_string()))
    }

    /// How logs name the source.
    pub fn describe(&self) -> String {
        match self {
            Source::Web(url) => host_of(url).to_string(),
        }
    }

    /// Asks the source once; the answer is already checked to be public and of `family`.
    fn ask(&self, client: &Client, family: Family) -> Result<IpAddr, String> {
        match self {
            Source::Web(url) => web::ask(client, url, family),
        }
    }
}

/// The public address of `family`: the first source's good answer, or with `agree` > 1 the
/// first address that many sources report. Each source is asked at most once.
pub fn detect(
    client: &Client,
    family: Family,
    sources: &[Source],
    agree: usize,
) -> Result<IpAddr, Error> {
    let mut answers: Vec<(String, IpAddr)> = Vec::new();
    let mut failures = Vec::new();
    for source in sources {
        match source.ask(client, family) {
            Ok(ip) => {
                log::debug!("{}: {} {ip}", source.describe(), family.name());
                answers.push((source.describe(), ip));
                if let Some(ip) = agreed(&answers, agree) {
                    warn_disagreement(&answers, ip);
                    return Ok(ip);
                }
            }
            Err(e) => {
                log::debug!("{e}");
                failures.push(e);
            }
        }
    }
    let mut why = failures;
    if !answers.is_empty() {
        let said: Vec<String> = answers
            .iter()
            .map(|(s, ip)| format!("{s} says {ip}"))
            .collect();
        why.insert(
            0,
            format!("fewer than {agree} sources agree ({})", said.join(", ")),
        );
    }
    Err(Error::transient(format!(
        "could not find the public {} address; no {} update sent ({})",
        family.name(),
        family.rr(),
        why.join("; ")
    )))
}

/// The first address reported by at least `agree` sources.
fn agreed(answers: &[(String, IpAddr)], agree: usize) -> Option<IpAddr> {
    answers
        .iter()
        .map(|(_, ip)| *ip)
        .find(|ip| answers.iter().filter(|(_, other)| other == ip).count() >= agree.max(1))
}

fn warn_disagreement(answers: &[(String, IpAddr)], chosen: IpAddr) {
    for (source, ip) in answers.iter().filter(|(_, ip)| *ip != chosen) {
        log::warn!("{source} disagrees: says {ip}, others agree on {chosen}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answers(ips: &[&str]) -> Vec<(String, IpAddr)> {
        ips.iter()
            .enumerate()
            .map(|(i, ip)| (format!("s{i}"), ip.parse().unwrap()))
            .collect()
    }

    #[test]
    fn agreement_counts_equal_answers() {
        let a = answers(&["81.2.69.160"]);
        assert_eq!(agreed(&a, 1), Some("81.2.69.160".parse().unwrap()));
        assert_eq!(agreed(&a, 2), None);
        let a = answers(&["81.2.69.160", "81.2.69.161", "81.2.69.161"]);
        assert_eq!(agreed(&a, 2), Some("81.2.69.161".parse().unwrap()));
        assert_eq!(agreed(&a, 3), None);
        assert_eq!(agreed(&answers(&[]), 1), None);
    }

    #[test]
    fn sources_parse() {
        assert_eq!(
            Source::parse("https://api.ipify.org"),
            Ok(Source::Web("https://api.ipify.org".into()))
        );
        assert!(Source::parse("http://checkip.example/").is_ok());
        assert!(Source::parse("ftp://x").is_err());
        assert!(Source::parse("api.ipify.org").is_err());
    }
}
