//! DuckDNS (https://www.duckdns.org/spec.jsp): `OK`/`KO`, plain or verbose.
use super::names::parse_label;
use super::{Addrs, Planned, Provider, Success, add_addresses, short, unknown_answer};
use crate::error::Error;
use crate::fields::{Fields, Secret};
use crate::http::{Reply, Request};

pub const DEFAULT_SERVER: &str = "https://www.duckdns.org";

pub struct DuckDns {
    endpoint: String,
    /// The sub-name only: `myhome` for myhome.duckdns.org.
    domain: String,
    token: Secret,
}

impl DuckDns {
    pub fn from_config(f: &mut Fields) -> Result<DuckDns, Error> {
        let endpoint = f.endpoint(DEFAULT_SERVER, "/update")?;
        let given = f.required_str("domain")?;
        let domain = parse_domain(&given).map_err(|m| f.error("domain", &m))?;
        let token = f.secret("token")?;
        Ok(DuckDns {
            endpoint,
            domain,
            token,
        })
    }
}

/// The DuckDNS sub-name: `myhome`, or `myhome.duckdns.org` with the suffix dropped; any other
/// dotted name is someone else's domain, which DuckDNS would read as `<name>.duckdns.org`.
fn parse_domain(given: &str) -> Result<String, String> {
    if given.contains(',') {
        return Err("one DuckDNS sub-name per record, e.g. \"myhome\"".to_string());
    }
    let name = given.trim().to_ascii_lowercase();
    let name = name.strip_suffix('.').unwrap_or(&name);
    let name = name.strip_suffix(".duckdns.org").unwrap_or(name);
    if name.contains('.') {
        return Err(format!(
            "give only the DuckDNS subdomain (\"myhome\" for myhome.duckdns.org), not \"{}\"",
            given.trim()
        ));
    }
    parse_label(name)
}

impl Provider for DuckDns {
    fn fqdn(&self) -> String {
        format!("{}.duckdns.org", self.domain)
    }

    fn supports_v6(&self) -> bool {
        true
    }

    /// Both families in one request (`ip=` and `ipv6=`).
    fn plan(&self, addrs: Addrs) -> Vec<Planned> {
        Planned::together(addrs, |addrs| {
            build_request(&self.endpoint, &self.domain, self.token.expose(), addrs)
        })
    }

    fn parse_reply(&self, reply: &Reply, _sets: Addrs) -> Result<Success, Error> {
        parse_reply(reply)
    }
}

/// With only `ipv6=`, DuckDNS does not guess the IPv4 address from the connection.
pub fn build_request(endpoint: &str, domain: &str, token: &str, addrs: Addrs) -> Request {
    let req = Request::get(endpoint)
        .param("domains", domain)
        .secret_param("token", token);
    add_addresses(req, addrs, "ip", "ipv6")
}

/// `OK` is success; verbose replies add the addresses and `UPDATED`/`NOCHANGE`.
/// `KO` covers a bad token, a foreign domain and a refused address alike: fatal.
pub fn parse_reply(reply: &Reply) -> Result<Success, Error> {
    let text = reply.text();
    let lines: Vec<&str> = text.lines().map(str::trim).collect();
    match lines.first().copied() {
        Some("OK") if reply.status == 200 => match lines.get(3).copied() {
            Some("NOCHANGE") => Ok(Success::NoChange),
            Some("UPDATED") | None | Some("") => Ok(Success::Updated),
            Some(other) => Err(Error::transient(format!(
                "unexpected verbose reply: {:?}",
                short(other)
            ))),
        },
        Some("KO") => Err(Error::fatal(
            "KO: DuckDNS refused the update (check `token` and `domain`)",
        )),
        _ => Err(unknown_answer(reply, &text)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Class;
    use crate::provider::testutil::reply;

    #[test]
    fn plain_and_verbose_success() {
        assert_eq!(parse_reply(&reply(200, "OK")), Ok(Success::Updated));
        assert_eq!(parse_reply(&reply(200, "OK\n")), Ok(Success::Updated));
        let verbose = "OK\n127.0.0.2\n2002:DB7::21f:5bff:febf:ce22:8a2e\nUPDATED";
        assert_eq!(parse_reply(&reply(200, verbose)), Ok(Success::Updated));
        let verbose = "OK\n81.2.69.160\n\nNOCHANGE";
        assert_eq!(parse_reply(&reply(200, verbose)), Ok(Success::NoChange));
    }

    #[test]
    fn ko_is_fatal() {
        for body in ["KO", "KO\n", "KO\r\n"] {
            assert_eq!(
                parse_reply(&reply(200, body)).unwrap_err().class(),
                Class::Fatal
            );
        }
    }

    #[test]
    fn garbage_is_never_success() {
        for (status, body) in [
            (200, ""),
            (200, "OKAY"),
            (200, "<html>OK</html>"),
            (200, "ok"),
            (502, "Bad Gateway"),
            (500, "OK"),
            (200, "OK\n1.2.3.4\n\nWHAT"),
        ] {
            let e = parse_reply(&reply(status, body)).unwrap_err();
            assert_eq!(e.class(), Class::Transient, "{status} {body:?}");
        }
    }

    #[test]
    fn domain_is_the_duckdns_subdomain_only() {
        use crate::provider::testutil::{config, config_err};
        for (given, fqdn) in [
            ("myhome", "myhome.duckdns.org"),
            ("MyHome.DuckDNS.org.", "myhome.duckdns.org"),
            (" myhome.duckdns.org", "myhome.duckdns.org"),
        ] {
            let c = config("duckdns", &format!("domain = {given:?}\ntoken = \"t\"\n")).unwrap();
            assert_eq!(c.records[0].provider.fqdn(), fqdn, "{given}");
        }
        for (bad, why) in [
            (
                "myhome.example.com",
                "give only the DuckDNS subdomain (\"myhome\" for myhome.duckdns.org), not \"myhome.example.com\"",
            ),
            ("www.myhome.duckdns.org", "give only the DuckDNS subdomain"),
            ("a,b", "one DuckDNS sub-name per record"),
            ("my home", "is not one label"),
            ("a/b", "is not one label"),
            (".duckdns.org", "must not be empty"),
        ] {
            let e = config_err("duckdns", &format!("domain = {bad:?}\ntoken = \"t\"\n"));
            assert!(e.contains("record 1 (duckdns): key \"domain\""), "{e}");
            assert!(e.contains(why), "{bad}: {e}");
        }
    }

    #[test]
    fn request_shape() {
        use std::net::IpAddr;
        let ip: IpAddr = "81.2.69.160".parse().unwrap();
        let r = build_request(
            "https://www.duckdns.org/update",
            "myhome",
            "tok-en",
            Addrs::one(ip),
        );
        assert_eq!(
            r.wire_url(),
            "https://www.duckdns.org/update?domains=myhome&token=tok-en&ip=81.2.69.160"
        );
        assert!(r.redacted().contains("token=***"));
        let v6: IpAddr = "2001:db8::1".parse().unwrap();
        let only6 = build_request("https://x/update", "a", "t", Addrs::one(v6)).wire_url();
        assert!(
            only6.ends_with("&token=t&ipv6=2001%3Adb8%3A%3A1"),
            "{only6}"
        );
        let mut both = Addrs::one(ip);
        both.set(v6);
        let r = build_request("https://x/update", "a", "t", both).wire_url();
        assert!(r.ends_with("&ip=81.2.69.160&ipv6=2001%3Adb8%3A%3A1"), "{r}");
    }
}
