//! deSEC dynDNS (https://desec.readthedocs.io/en/latest/dyndns/update-api.html): one GET sets A and AAAA; `preserve` keeps the family not sent.
use super::names::{is_within, parse_dns_name, required_name};
use super::{Addrs, Planned, Provider, Success, classify_status, first_line, said};
use crate::error::Error;
use crate::fields::{Fields, Secret};
use crate::http::{Reply, Request};

pub const DEFAULT_SERVER: &str = "https://update.dedyn.io";
/// deSEC throttles dynDNS updates to one per minute per domain.
pub const MIN_THROTTLE_WAIT_SECS: u64 = 60;
/// Leaves a family's RRset as it is. An empty or missing value would delete it.
const PRESERVE: &str = "preserve";

pub struct Desec {
    endpoint: String,
    /// The deSEC domain: the Basic-auth user name.
    domain: String,
    /// The name updated: the domain or a name below it.
    hostname: String,
    token: Secret,
}

impl Desec {
    pub fn from_config(f: &mut Fields) -> Result<Desec, Error> {
        let endpoint = f.endpoint(DEFAULT_SERVER, "/")?;
        let domain = required_name(
            f,
            "domain",
            Some("the deSEC domain, e.g. \"myhome.dedyn.io\""),
        )?;
        let hostname = match f.str("hostname")? {
            None => domain.clone(),
            Some(text) => {
                let name = parse_dns_name(&text).map_err(|m| f.error("hostname", &m))?;
                if !is_within(&name, &domain) {
                    return Err(f.error(
                        "hostname",
                        &format!("\"{name}\" is not within the domain \"{domain}\""),
                    ));
                }
                name
            }
        };
        let token = f.secret("token")?;
        Ok(Desec {
            endpoint,
            domain,
            hostname,
            token,
        })
    }
}

impl Provider for Desec {
    fn fqdn(&self) -> String {
        self.hostname.clone()
    }

    fn supports_v6(&self) -> bool {
        true
    }

    /// Both families in one request.
    fn plan(&self, addrs: Addrs) -> Vec<Planned> {
        Planned::together(addrs, |addrs| {
            build_request(
                &self.endpoint,
                &self.domain,
                &self.hostname,
                self.token.expose(),
                addrs,
            )
        })
    }

    fn parse_reply(&self, reply: &Reply, _sets: Addrs) -> Result<Success, Error> {
        parse_reply(reply)
    }
}

/// Always names both families: a family not being updated is sent as `preserve`, because
/// deSEC deletes the A or AAAA RRset whose value is empty or missing.
pub fn build_request(
    endpoint: &str,
    domain: &str,
    hostname: &str,
    token: &str,
    addrs: Addrs,
) -> Request {
    let v4 = addrs
        .v4
        .map_or_else(|| PRESERVE.to_string(), |ip| ip.to_string());
    let v6 = addrs
        .v6
        .map_or_else(|| PRESERVE.to_string(), |ip| ip.to_string());
    Request::get(endpoint)
        .param("hostname", hostname)
        .param("myipv4", v4)
        .param("myipv6", v6)
        .basic_auth(domain, token)
}

/// What deSEC said, for a log line: the `detail` of a DRF error rendered as JSON, else the
/// text (deSEC's dynDNS view usually sends the detail as plain text).
fn desec_said(reply: &Reply) -> String {
    let text = reply.text();
    let text = text.trim();
    if text.starts_with('{')
        && let Ok(d) = crate::json::Json::parse(text)
        && let Some(detail) = d.get("detail").str().filter(|d| !d.trim().is_empty())
    {
        return said(detail);
    }
    said(text)
}

/// deSEC answers `good` to every update that went through, changed or not (never `nochg`);
/// errors are told by the HTTP status (PROTOCOLS.md §5.1).
pub fn parse_reply(reply: &Reply) -> Result<Success, Error> {
    let status = reply.status;
    let said = desec_said(reply);
    match status {
        200 => {
            let text = reply.text();
            match first_line(&text).split_whitespace().next() {
                Some(w) if w.eq_ignore_ascii_case("good") => Ok(Success::Updated),
                Some(_) => Err(Error::transient(format!("unexpected reply{said}"))),
                None => Err(Error::transient("empty reply")),
            }
        }
        400 => Err(Error::fatal(format!(
            "HTTP 400, deSEC refused the request{said}"
        ))),
        401 => Err(Error::fatal(format!(
            "HTTP 401, deSEC refused the credentials{said}; check `token` and `domain`"
        ))),
        403 => Err(Error::fatal(format!(
            "HTTP 403{said}: the domain is not eligible for dynamic updates or the token may not update it"
        ))),
        404 => Err(Error::fatal(format!(
            "HTTP 404{said}: no such domain in the token's account; check `domain` and `hostname`"
        ))),
        429 => {
            let wait = reply
                .retry_after_secs()
                .unwrap_or(0)
                .max(MIN_THROTTLE_WAIT_SECS);
            Err(Error::transient_after(
                format!("HTTP 429, throttled{said} (deSEC takes one update per minute per domain)"),
                wait,
            ))
        }
        _ => Err(classify_status(reply, "reply")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Class;
    use crate::provider::testutil::{config, config_err, reply};
    use std::net::IpAddr;

    fn query(addrs: Addrs) -> String {
        let r = build_request(
            "https://update.dedyn.io/",
            "myhome.dedyn.io",
            "myhome.dedyn.io",
            "tok",
            addrs,
        );
        r.wire_url().split_once('?').unwrap().1.to_string()
    }

    #[test]
    fn good_is_the_only_success() {
        for body in ["good", "good\n", "good\r\n", "GOOD"] {
            assert_eq!(
                parse_reply(&reply(200, body)),
                Ok(Success::Updated),
                "{body:?}"
            );
        }
        for body in ["", "\n", "nochg", "goodbye", "<html>good</html>", "OK"] {
            let e = parse_reply(&reply(200, body)).unwrap_err();
            assert_eq!(e.class(), Class::Transient, "{body:?}");
        }
    }

    #[test]
    fn documented_errors_are_fatal() {
        for (status, body) in [
            (401, "badauth"),
            (401, "Invalid basic auth token"),
            (401, r#"{"detail":"Invalid basic auth token"}"#),
            (404, "nohost"),
            (
                403,
                "Domain not eligible for dynamic updates, please contact support.",
            ),
            (400, "inconsistent-parameter"),
            (
                400,
                r#"{"detail":"Request does not properly specify domain for update.","code":"domain-unspecified"}"#,
            ),
            (401, ""),
        ] {
            let e = parse_reply(&reply(status, body)).unwrap_err();
            assert_eq!(e.class(), Class::Fatal, "{status} {body:?}");
        }
        let e = parse_reply(&reply(401, r#"{"detail":"Invalid basic auth token"}"#)).unwrap_err();
        assert!(
            e.to_string()
                .contains(": \"Invalid basic auth token\"; check"),
            "{e}"
        );
        let e = parse_reply(&reply(404, "nohost")).unwrap_err();
        assert!(e.to_string().starts_with("HTTP 404: \"nohost\""), "{e}");
    }

    #[test]
    fn throttling_waits_at_least_a_minute() {
        let e = parse_reply(&reply(
            429,
            "Request was throttled. Expected available in 60 seconds.",
        ))
        .unwrap_err();
        assert_eq!(e.class(), Class::Transient);
        assert_eq!(e.retry_after_secs(), Some(60));
        let with = |secs: &str| Reply {
            status: 429,
            headers: vec![("retry-after".into(), secs.into())],
            body: vec![],
        };
        assert_eq!(
            parse_reply(&with("30")).unwrap_err().retry_after_secs(),
            Some(60)
        );
        assert_eq!(
            parse_reply(&with("300")).unwrap_err().retry_after_secs(),
            Some(300)
        );
    }

    #[test]
    fn server_trouble_and_oddities_are_transient() {
        for (status, body) in [
            (500, ""),
            (502, "<html>Bad Gateway</html>"),
            (503, "good"),
            (409, "conflict"),
            (302, ""),
            (200, r#"{"detail":"#),
        ] {
            let e = parse_reply(&reply(status, body)).unwrap_err();
            assert_eq!(e.class(), Class::Transient, "{status} {body:?}");
        }
    }

    #[test]
    fn the_family_not_sent_is_preserved() {
        let v4: IpAddr = "81.2.69.160".parse().unwrap();
        let v6: IpAddr = "2a01:4f8:10:20::5".parse().unwrap();
        assert_eq!(
            query(Addrs::one(v4)),
            "hostname=myhome.dedyn.io&myipv4=81.2.69.160&myipv6=preserve"
        );
        assert_eq!(
            query(Addrs::one(v6)),
            "hostname=myhome.dedyn.io&myipv4=preserve&myipv6=2a01%3A4f8%3A10%3A20%3A%3A5"
        );
        let mut both = Addrs::one(v4);
        both.set(v6);
        assert_eq!(
            query(both),
            "hostname=myhome.dedyn.io&myipv4=81.2.69.160&myipv6=2a01%3A4f8%3A10%3A20%3A%3A5"
        );
    }

    #[test]
    fn basic_auth_is_domain_and_token_and_hidden() {
        let r = build_request(
            "https://update.dedyn.io/",
            "myhome.dedyn.io",
            "www.myhome.dedyn.io",
            "s3cret",
            Addrs::one("81.2.69.160".parse().unwrap()),
        );
        let auth = r
            .headers
            .iter()
            .find(|h| h.name == "Authorization")
            .unwrap();
        assert_eq!(
            auth.value,
            format!("Basic {}", crate::http::base64(b"myhome.dedyn.io:s3cret"))
        );
        assert!(
            r.wire_url()
                .starts_with("https://update.dedyn.io/?hostname=www.myhome.dedyn.io&")
        );
        let shown = r.redacted();
        assert!(shown.contains("Authorization: Basic ***"), "{shown}");
        assert!(!shown.contains("s3cret") && !shown.contains(&auth.value[6..]));
    }

    #[test]
    fn nothing_to_send_plans_nothing() {
        let p = Desec {
            endpoint: "https://update.dedyn.io/".into(),
            domain: "myhome.dedyn.io".into(),
            hostname: "myhome.dedyn.io".into(),
            token: Secret::new("t".into()),
        };
        assert!(p.plan(Addrs::default()).is_empty());
        assert_eq!(p.fqdn(), "myhome.dedyn.io");
    }

    #[test]
    fn config_keys() {
        let c = config(
            "desec",
            "domain = \"MyHome.dedyn.io\"\ntoken = \"t\"\nfamily = \"both\"\n",
        )
        .unwrap();
        let r = &c.records[0];
        assert_eq!(r.label(), "myhome.dedyn.io (desec)");
        let ip: IpAddr = "81.2.69.160".parse().unwrap();
        let req = &r.provider.plan(Addrs::one(ip))[0].request;
        assert_eq!(
            req.wire_url(),
            "https://update.dedyn.io/?hostname=myhome.dedyn.io&myipv4=81.2.69.160&myipv6=preserve"
        );
        let c = config(
            "desec",
            "domain = \"myhome.dedyn.io\"\nhostname = \"www.myhome.dedyn.io\"\ntoken = \"t\"\n",
        )
        .unwrap();
        assert_eq!(c.records[0].provider.fqdn(), "www.myhome.dedyn.io");

        let e = config_err("desec", "token = \"t\"\n");
        assert!(
            e.contains("record 1 (desec): missing key \"domain\""),
            "{e}"
        );
        let e = config_err("desec", "domain = \"myhome.dedyn.io\"\n");
        assert!(
            e.contains("record 1 (desec): missing key \"token\" (or \"token_file\")"),
            "{e}"
        );
        let e = config_err(
            "desec",
            "domain = \"myhome.dedyn.io\"\nhostname = \"other.dedyn.io\"\ntoken = \"t\"\n",
        );
        assert!(
            e.contains("key \"hostname\": \"other.dedyn.io\" is not within the domain"),
            "{e}"
        );
        let e = config_err("desec", "domain = \"myhome\"\ntoken = \"t\"\n");
        assert!(e.contains("key \"domain\""), "{e}");
        let e = config_err("desec", "domain = \"a:b.dedyn.io\"\ntoken = \"t\"\n");
        assert!(e.contains("key \"domain\""), "{e}");
        let e = config_err(
            "desec",
            "domain = \"myhome.dedyn.io\"\ntoken = \"t\"\nzone = \"x\"\n",
        );
        assert!(e.contains("unknown key \"zone\""), "{e}");
        let e = config_err("desec", "domain = \"myhome.dedyn.io\"\ntoken = 5\n");
        assert!(e.contains("key \"token\": must be a string"), "{e}");
    }
}
