//! FreeDNS (afraid.org) dynamic update v2 (https://freedns.afraid.org/dynamic/v2/): one secret token per record, one request per family.
use super::names::required_name;
use super::{
    Addrs, Planned, Provider, Success, classify_status, first_line, short, unknown_answer,
};
use crate::config::{Fields, Secret, check_url, endpoint_url};
use crate::error::Error;
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
mod tests {
    use super::*;
    use crate::error::Class;
    use crate::provider::testutil::{config, config_err, ip, reply};

    const LO: &str = "127.0.0.1";

    #[test]
    fn updated_and_no_change() {
        let r = reply(
            200,
            "Updated 1 host(s) foo.example.com to 127.0.0.1 in 0.178 seconds",
        );
        assert_eq!(parse_reply(&r, ip(LO)), Ok(Success::Updated));
        let r = reply(
            200,
            "updated 2 HOST(S) foo.example.com to 127.0.0.1 in 0.2 seconds\n",
        );
        assert_eq!(parse_reply(&r, ip(LO)), Ok(Success::Updated));
        let r = reply(
            200,
            "No IP change detected for foo.example.com with IP 127.0.0.1, skipping update\n",
        );
        assert_eq!(parse_reply(&r, ip(LO)), Ok(Success::NoChange));
        let r = reply(200, "ERROR: Address 1.2.3.4 has not changed.");
        assert_eq!(parse_reply(&r, ip("1.2.3.4")), Ok(Success::NoChange));
        let v6 = "2a01:4f8:10:20::5";
        let r = reply(
            200,
            &format!("No IP change detected for foo.example.com with IP {v6}, skipping update"),
        );
        assert_eq!(parse_reply(&r, ip(v6)), Ok(Success::NoChange));
        let r = reply(
            200,
            &format!("Updated 1 host(s) foo.example.com to {v6} in 0.1 seconds"),
        );
        assert_eq!(parse_reply(&r, ip(v6)), Ok(Success::Updated));
    }

    #[test]
    fn another_address_in_the_answer_is_a_failure() {
        for body in [
            "Updated 1 host(s) foo.example.com to 198.51.100.9 in 0.178 seconds",
            "No IP change detected for foo.example.com with IP 198.51.100.9, skipping update",
            "ERROR: Address 198.51.100.9 has not changed.",
        ] {
            let e = parse_reply(&reply(200, body), ip(LO)).unwrap_err();
            assert_eq!(e.class(), Class::Transient, "{body:?}");
            assert!(e.to_string().contains("198.51.100.9"), "{e}");
        }
    }

    #[test]
    fn refusals_are_fatal() {
        for body in [
            "Failed authenticating to fetch API keys",
            "ERROR: Unable to locate this record",
            "ERROR: Invalid update URL (2)",
            "error: something else",
            "ERROR: Address 1.2.3.4 is not valid.",
            "ERROR: Address",
            "ERROR:",
        ] {
            let e = parse_reply(&reply(200, body), ip(LO)).unwrap_err();
            assert_eq!(e.class(), Class::Fatal, "{body:?}");
        }
        let e = parse_reply(&reply(401, "Failed authenticating"), ip(LO)).unwrap_err();
        assert_eq!(e.class(), Class::Fatal);
    }

    #[test]
    fn garbage_and_server_trouble_are_transient() {
        for (status, body) in [
            (200, ""),
            (200, "OK"),
            (200, "<html>Updated 1 host(s) x to 127.0.0.1</html>"),
            (200, "The host was Updated 1 host(s)"),
            (200, "Updated"),
            (200, "Updated one host(s) x to 127.0.0.1 in 1 seconds"),
            (200, "Updated 0 host(s) in 0.01 seconds"),
            (200, "No IP change"),
            (200, "ERROR Address 127.0.0.1 has not changed."),
            (500, "ERROR: database down"),
            (502, "<html>Bad Gateway</html>"),
            (503, "Updated 1 host(s) x to 127.0.0.1 in 1 seconds"),
            (404, "Not Found"),
            (201, "Updated 1 host(s) x to 127.0.0.1 in 1 seconds"),
        ] {
            let e = parse_reply(&reply(status, body), ip(LO)).unwrap_err();
            assert_eq!(e.class(), Class::Transient, "{status} {body:?}");
        }
    }

    #[test]
    fn the_token_is_a_hidden_path_segment() {
        let r = build_request("https://sync.afraid.org/u", "AbC/dEf", ip("81.2.69.160"));
        assert_eq!(
            r.wire_url(),
            "https://sync.afraid.org/u/AbC%2FdEf/?address=81.2.69.160"
        );
        assert_eq!(
            r.redacted(),
            "GET https://sync.afraid.org/u/***/?address=81.2.69.160"
        );
        let r = build_request(
            "https://v6.sync.afraid.org/u",
            "t6",
            ip("2a01:4f8:10:20::5"),
        );
        assert_eq!(
            r.wire_url(),
            "https://v6.sync.afraid.org/u/t6/?address=2a01%3A4f8%3A10%3A20%3A%3A5"
        );
    }

    #[test]
    fn one_request_per_family_each_with_its_token() {
        let p = FreeDns {
            hostname: "myhome.mooo.com".into(),
            v4: Some(Target {
                endpoint: "https://sync.afraid.org/u".into(),
                token: Secret::new("four".into()),
            }),
            v6: Some(Target {
                endpoint: "https://v6.sync.afraid.org/u".into(),
                token: Secret::new("six".into()),
            }),
        };
        let mut both = Addrs::one(ip("81.2.69.160"));
        both.set(ip("2a01:4f8:10:20::5"));
        let plans = p.plan(both);
        assert_eq!(plans.len(), 2);
        assert!(
            plans[0]
                .request
                .wire_url()
                .starts_with("https://sync.afraid.org/u/four/?")
        );
        assert_eq!(plans[0].sets, Addrs::one(ip("81.2.69.160")));
        assert!(
            plans[1]
                .request
                .wire_url()
                .starts_with("https://v6.sync.afraid.org/u/six/?")
        );
        assert_eq!(plans[1].sets, Addrs::one(ip("2a01:4f8:10:20::5")));
        assert_eq!(p.plan(Addrs::default()).len(), 0);
    }

    #[test]
    fn join_adds_the_path_only_to_a_bare_server() {
        assert_eq!(
            endpoint_url("https://h.example/", "/u"),
            "https://h.example/u"
        );
        assert_eq!(
            endpoint_url("https://h.example/x/u", "/u"),
            "https://h.example/x/u"
        );
    }

    #[test]
    fn a_whole_url_as_token_says_where_the_token_is() {
        let rec = |keys: &str| format!("hostname = \"myhome.mooo.com\"\n{keys}");
        for (keys, key) in [
            (
                "token = \"https://sync.afraid.org/u/Fr33dnsT0ken/\"\n",
                "token",
            ),
            ("token = \"sync.afraid.org/u/Fr33dnsT0ken\"\n", "token"),
            (
                "token = \"https://freedns.afraid.org/dynamic/update.php?Zm9vYmFy\"\n",
                "token",
            ),
            (
                "family = \"ipv6\"\ntoken6 = \"https://v6.sync.afraid.org/u/Fr33dnsT0ken6/\"\n",
                "token6",
            ),
        ] {
            let e = config_err("freedns", &rec(keys));
            assert!(
                e.contains(&format!("record 1 (freedns): key \"{key}\": holds a URL")),
                "{e}"
            );
            assert!(e.contains("give only TOKEN, the part after /u/"), "{e}");
            assert!(
                !e.contains("Fr33dnsT0ken") && !e.contains("Zm9vYmFy"),
                "{e}"
            );
        }
        let e = config_err("freedns", &rec("token = \"two words\"\n"));
        assert!(e.contains("key \"token\": must be one word"), "{e}");
        assert!(config("freedns", &rec("token = \"Fr33dnsT0ken\"\n")).is_ok());
    }

    #[test]
    fn config_keys() {
        let rec = |extra: &str| format!("hostname = \"myhome.mooo.com\"\n{extra}");
        let c = config("freedns", &rec("token = \"four\"\n")).unwrap();
        let r = &c.records[0];
        assert_eq!(r.label(), "myhome.mooo.com (freedns)");
        let req = &r.provider.plan(Addrs::one(ip("81.2.69.160")))[0].request;
        assert_eq!(
            req.wire_url(),
            "https://sync.afraid.org/u/four/?address=81.2.69.160"
        );

        let c = config(
            "freedns",
            &rec("family = \"both\"\ntoken = \"four\"\ntoken6 = \"six\"\n"),
        )
        .unwrap();
        let req = &c.records[0]
            .provider
            .plan(Addrs::one(ip("2a01:4f8:10:20::5")))[0]
            .request;
        assert!(
            req.wire_url()
                .starts_with("https://v6.sync.afraid.org/u/six/?address=")
        );
        let c = config(
            "freedns",
            &rec("family = \"ipv6\"\ntoken6 = \"six\"\nserver6 = \"https://v6.example\"\n"),
        )
        .unwrap();
        let req = &c.records[0]
            .provider
            .plan(Addrs::one(ip("2a01:4f8:10:20::5")))[0]
            .request;
        assert!(
            req.wire_url()
                .starts_with("https://v6.example/u/six/?address=")
        );

        let e = config_err("freedns", &rec("family = \"both\"\ntoken = \"four\"\n"));
        assert!(
            e.contains("record 1 (freedns): missing key \"token6\" (or \"token6_file\")"),
            "{e}"
        );
        let e = config_err("freedns", &rec(""));
        assert!(
            e.contains("record 1 (freedns): missing key \"token\" (or \"token_file\")"),
            "{e}"
        );
        let e = config_err("freedns", &rec("token = \"four\"\ntoken6 = \"six\"\n"));
        assert!(
            e.contains("key \"token6\": the AAAA record's; needs family"),
            "{e}"
        );
        let e = config_err(
            "freedns",
            &rec("token = \"four\"\nserver6 = \"https://v6.example\"\n"),
        );
        assert!(e.contains("key \"server6\""), "{e}");
        let e = config_err(
            "freedns",
            &rec("family = \"ipv6\"\ntoken = \"four\"\ntoken6 = \"six\"\n"),
        );
        assert!(
            e.contains("key \"token\": with family = \"ipv6\" only token6"),
            "{e}"
        );
        let e = config_err(
            "freedns",
            &rec(
                "family = \"both\"\ntoken = \"four\"\ntoken6 = \"six\"\nserver6 = \"http://v6.example\"\n",
            ),
        );
        assert!(
            e.contains("key \"server6\": plain http:// is refused"),
            "{e}"
        );
        let e = config_err("freedns", "token = \"four\"\n");
        assert!(e.contains("missing key \"hostname\""), "{e}");
    }
}
