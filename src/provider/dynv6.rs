//! dynv6 HTTP update API (https://dynv6.com/docs/apis): `addresses updated` / `addresses unchanged`.
use super::names::required_name;
use super::{
    Addrs, Planned, Provider, Success, add_addresses, classify_status, first_line, said,
    unknown_answer,
};
use crate::error::Error;
use crate::fields::{Fields, Secret};
use crate::http::{Reply, Request};

pub const DEFAULT_SERVER: &str = "https://dynv6.com";

pub struct Dynv6 {
    endpoint: String,
    /// The zone updated, e.g. `myhome.dynv6.net`.
    zone: String,
    token: Secret,
}

impl Dynv6 {
    pub fn from_config(f: &mut Fields) -> Result<Dynv6, Error> {
        let endpoint = f.endpoint(DEFAULT_SERVER, "/api/update")?;
        let zone = required_name(f, "zone", Some("the dynv6 zone, e.g. \"myhome.dynv6.net\""))?;
        let token = f.secret("token")?;
        Ok(Dynv6 {
            endpoint,
            zone,
            token,
        })
    }
}

impl Provider for Dynv6 {
    fn fqdn(&self) -> String {
        self.zone.clone()
    }

    fn supports_v6(&self) -> bool {
        true
    }

    /// Both families in one request.
    fn plan(&self, addrs: Addrs) -> Vec<Planned> {
        Planned::together(addrs, |addrs| {
            build_request(&self.endpoint, &self.zone, self.token.expose(), addrs)
        })
    }

    fn parse_reply(&self, reply: &Reply, _sets: Addrs) -> Result<Success, Error> {
        parse_reply(reply)
    }
}

/// Only the families being updated are named: dynv6 keeps an address whose parameter is
/// absent (an empty value would do the same; `-` would remove it).
pub fn build_request(endpoint: &str, zone: &str, token: &str, addrs: Addrs) -> Request {
    let req = Request::get(endpoint)
        .param("zone", zone)
        .secret_param("token", token);
    add_addresses(req, addrs, "ipv4", "ipv6")
}

/// The whole first line must be one of the two known answers; anything else on a 200 is
/// a failure, never a success. Error bodies are not documented: the status decides.
pub fn parse_reply(reply: &Reply) -> Result<Success, Error> {
    let text = reply.text();
    let line = first_line(&text);
    let words: Vec<String> = line
        .split_whitespace()
        .map(str::to_ascii_lowercase)
        .collect();
    let shown = said(line);
    match reply.status {
        200 => match words.as_slice() {
            [a, b] if a == "addresses" && b == "updated" => Ok(Success::Updated),
            [a, b] if a == "addresses" && b == "unchanged" => Ok(Success::NoChange),
            _ => Err(unknown_answer(reply, line)),
        },
        401 => Err(Error::fatal(format!(
            "HTTP 401, dynv6 refused the token{shown}; check `token`"
        ))),
        404 => Err(Error::fatal(format!(
            "HTTP 404, dynv6 does not know the zone{shown}; check `zone` (and that the token belongs to it)"
        ))),
        _ => Err(classify_status(reply, "reply")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Class;
    use crate::provider::testutil::{config, config_err, reply};
    use std::net::IpAddr;

    #[test]
    fn the_two_answers() {
        for body in [
            "addresses updated",
            "addresses updated\n",
            "Addresses Updated\r\n",
        ] {
            assert_eq!(
                parse_reply(&reply(200, body)),
                Ok(Success::Updated),
                "{body:?}"
            );
        }
        for body in ["addresses unchanged", "addresses unchanged\n"] {
            assert_eq!(
                parse_reply(&reply(200, body)),
                Ok(Success::NoChange),
                "{body:?}"
            );
        }
    }

    #[test]
    fn anything_else_on_200_is_a_transient_failure() {
        for body in [
            "",
            "OK",
            "addresses",
            "addresses updated partially",
            "not all addresses updated",
            "updated",
            "<html>addresses updated</html>",
            "invalid authentication token",
        ] {
            let e = parse_reply(&reply(200, body)).unwrap_err();
            assert_eq!(e.class(), Class::Transient, "{body:?}");
        }
    }

    #[test]
    fn status_classes() {
        for (status, body, class) in [
            (401, "invalid authentication token", Class::Fatal),
            (401, "", Class::Fatal),
            (404, "zone not found", Class::Fatal),
            (403, "forbidden", Class::Fatal),
            (500, "addresses updated", Class::Transient),
            (502, "<html>Bad Gateway</html>", Class::Transient),
            (503, "", Class::Transient),
            (429, "slow down", Class::Transient),
            (400, "invalid IPv4 address", Class::Transient),
        ] {
            let e = parse_reply(&reply(status, body)).unwrap_err();
            assert_eq!(e.class(), class, "{status} {body:?}");
        }
        let e = parse_reply(&reply(401, "invalid authentication token")).unwrap_err();
        assert!(
            e.to_string().contains("\"invalid authentication token\""),
            "{e}"
        );
    }

    #[test]
    fn only_the_families_sent_are_named_and_the_token_is_hidden() {
        let v4: IpAddr = "81.2.69.160".parse().unwrap();
        let v6: IpAddr = "2a01:4f8:10:20::5".parse().unwrap();
        let url = |a| {
            build_request(
                "https://dynv6.com/api/update",
                "myhome.dynv6.net",
                "t0k&n",
                a,
            )
        };
        assert_eq!(
            url(Addrs::one(v4)).wire_url(),
            "https://dynv6.com/api/update?zone=myhome.dynv6.net&token=t0k%26n&ipv4=81.2.69.160"
        );
        assert_eq!(
            url(Addrs::one(v6)).wire_url(),
            "https://dynv6.com/api/update?zone=myhome.dynv6.net&token=t0k%26n&ipv6=2a01%3A4f8%3A10%3A20%3A%3A5"
        );
        let mut both = Addrs::one(v4);
        both.set(v6);
        let r = url(both);
        assert!(
            r.wire_url()
                .ends_with("&ipv4=81.2.69.160&ipv6=2a01%3A4f8%3A10%3A20%3A%3A5")
        );
        assert!(r.redacted().contains("token=***"));
        assert!(!r.redacted().contains("t0k"));
    }

    #[test]
    fn config_keys() {
        let c = config(
            "dynv6",
            "zone = \"myhome.dynv6.net\"\ntoken = \"t\"\nfamily = \"ipv6\"\n",
        )
        .unwrap();
        let r = &c.records[0];
        assert_eq!(r.label(), "myhome.dynv6.net (dynv6)");
        let ip: IpAddr = "2a01:4f8:10:20::5".parse().unwrap();
        let req = &r.provider.plan(Addrs::one(ip))[0].request;
        assert!(
            req.wire_url()
                .starts_with("https://dynv6.com/api/update?zone=myhome.dynv6.net&token=t&ipv6=")
        );

        let e = config_err("dynv6", "token = \"t\"\n");
        assert!(e.contains("record 1 (dynv6): missing key \"zone\""), "{e}");
        let e = config_err("dynv6", "zone = \"myhome.dynv6.net\"\n");
        assert!(
            e.contains("record 1 (dynv6): missing key \"token\" (or \"token_file\")"),
            "{e}"
        );
        let e = config_err("dynv6", "zone = \"a,b.dynv6.net\"\ntoken = \"t\"\n");
        assert!(e.contains("key \"zone\""), "{e}");
        let e = config_err(
            "dynv6",
            "zone = \"myhome.dynv6.net\"\ntoken = \"t\"\nhostname = \"x\"\n",
        );
        assert!(e.contains("unknown key \"hostname\""), "{e}");
    }
}
