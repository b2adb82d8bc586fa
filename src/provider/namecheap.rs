//! Namecheap Dynamic DNS (https://www.namecheap.com/support/knowledgebase/article.aspx/29/11/how-to-dynamically-update-the-hosts-ip-with-an-http-request/).
use super::names::{full_name, is_within, parse_record_name, required_name};
use super::xml::element;
use super::{Addrs, Planned, Provider, Success, classify_status, short};
use crate::error::Error;
use crate::fields::{Fields, Secret};
use crate::http::{Reply, Request};
use std::net::IpAddr;

pub const DEFAULT_SERVER: &str = "https://dynamicdns.park-your-domain.com";

/// `Err1` texts that mean the request itself is wrong: resending it cannot help.
const FATAL_ERRORS: &[(&str, &str)] = &[
    (
        "Passwords do not match",
        "use the domain's Dynamic DNS password from Advanced DNS, not the account password",
    ),
    ("Domain name not found", "check `domain`"),
    (
        "No Records updated. A record not Found;",
        "create an A + Dynamic DNS record for `host` first; `host` is the label only",
    ),
    ("Invalid IP", "the address was refused"),
];

pub struct Namecheap {
    endpoint: String,
    host: String,
    domain: String,
    password: Secret,
}

impl Namecheap {
    pub fn from_config(f: &mut Fields) -> Result<Namecheap, Error> {
        let endpoint = f.endpoint(DEFAULT_SERVER, "/update")?;
        let given = f.required_str("host")?;
        let domain = required_name(f, "domain", None)?;
        let host = match given.trim() {
            "@" => "@".to_string(),
            h => parse_record_name(h).map_err(|m| f.error("host", &m))?,
        };
        if is_within(&host, &domain) {
            return Err(f.error(
                "host",
                &format!("give only the label (e.g. \"home\", \"@\" or \"*\"), not \"{given}\""),
            ));
        }
        let password = f.secret("password")?;
        Ok(Namecheap {
            endpoint,
            host,
            domain,
            password,
        })
    }
}

impl Provider for Namecheap {
    fn fqdn(&self) -> String {
        full_name(&self.host, &self.domain)
    }

    /// IPv4 only: Namecheap's Dynamic DNS has no AAAA updates.
    fn plan(&self, addrs: Addrs) -> Vec<Planned> {
        Planned::each(addrs.v4_only(), |ip| {
            build_request(
                &self.endpoint,
                &self.host,
                &self.domain,
                self.password.expose(),
                ip,
            )
        })
    }

    fn parse_reply(&self, reply: &Reply, sets: Addrs) -> Result<Success, Error> {
        match sets.v4 {
            Some(v4) => parse_reply(reply, IpAddr::V4(v4)),
            None => Err(Error::fatal("Namecheap updates A records only")),
        }
    }
}

pub fn build_request(
    endpoint: &str,
    host: &str,
    domain: &str,
    password: &str,
    ip: IpAddr,
) -> Request {
    Request::get(endpoint)
        .param("host", host)
        .param("domain", domain)
        .secret_param("password", password)
        .param("ip", ip.to_string())
}

/// Success only on `<ErrCount>0</ErrCount>`; both reply dialects are accepted.
pub fn parse_reply(reply: &Reply, sent: IpAddr) -> Result<Success, Error> {
    let body = reply.text();
    let Some(count) = element(&body, "ErrCount") else {
        return Err(if reply.status == 200 {
            Error::transient(format!(
                "unexpected reply (no <ErrCount>): {:?}",
                short(&body)
            ))
        } else {
            classify_status(reply, "reply")
        });
    };
    let count: u32 = count
        .trim()
        .parse()
        .map_err(|_| Error::transient(format!("unexpected <ErrCount> {:?}", short(count))))?;
    if count == 0 {
        if let Some(Ok(set)) = element(&body, "IP").map(|s| s.trim().parse::<IpAddr>())
            && set != sent
        {
            return Err(Error::transient(format!(
                "Namecheap reports {set}, not the {sent} that was sent"
            )));
        }
        return Ok(Success::Updated);
    }
    let text = element(&body, "Err1").map(str::trim).unwrap_or("");
    match FATAL_ERRORS.iter().find(|(known, _)| *known == text) {
        Some((known, hint)) => Err(Error::fatal(format!("Namecheap: {known} ({hint})"))),
        None => Err(Error::transient(format!(
            "Namecheap: {}",
            if text.is_empty() {
                "error without a message"
            } else {
                text
            }
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::testutil::{ip, reply};

    const SUCCESS_UTF16: &str = r#"<?xml version="1.0" encoding="utf-16"?><interface-response><Command>SETDNSHOST</Command><Language>eng</Language><IP>127.0.0.1</IP><ErrCount>0</ErrCount><errors /><ResponseCount>0</ResponseCount><responses /><Done>true</Done><debug><![CDATA[]]></debug></interface-response>"#;
    const SUCCESS_PRETTY: &str = "<?xml version=\"1.0\" encoding=\"utf-16\"?>\n<interface-response>\n  <Command>SETDNSHOST</Command>\n  <Language>eng</Language>\n  <IP>203.0.113.42</IP>\n  <ErrCount>0</ErrCount>\n  <errors />\n  <ResponseCount>0</ResponseCount>\n  <responses />\n  <Done>true</Done>\n  <debug><![CDATA[]]></debug>\n</interface-response>\n";
    const SUCCESS_OLD: &str = r#"<?xml version="1.0"?><interface-response><Command>SETDNSHOST</Command><Language>eng</Language><IP>123.45.67.890</IP><ErrCount>0</ErrCount><ResponseCount>0</ResponseCount><Done>true</Done><debug><![CDATA[]]></debug></interface-response>"#;
    const BAD_PASSWORD: &str = r#"<?xml version="1.0" encoding="utf-16"?><interface-response><Command>SETDNSHOST</Command><Language>eng</Language><ErrCount>1</ErrCount><errors><Err1>Passwords do not match</Err1></errors><ResponseCount>1</ResponseCount><responses><response><Description>Passwords do not match</Description><ResponseNumber>304156</ResponseNumber><ResponseString>Validation error; invalid ; password</ResponseString></response></responses><Done>true</Done><debug><![CDATA[]]></debug></interface-response>"#;
    const BAD_PASSWORD_OLD: &str = r#"<?xml version="1.0"?><interface-response><Command>SETDNSHOST</Command><Language>eng</Language><ErrCount>1</ErrCount><errors><Err1>Passwords do not match</Err1></errors><ResponseCount>1</ResponseCount><responses><response><ResponseNumber>304156</ResponseNumber><ResponseString>Validation error; invalid ; password</ResponseString></response></responses><Done>true</Done><debug><![CDATA[]]></debug></interface-response>"#;
    const DOMAIN_NOT_FOUND: &str = r#"<?xml version="1.0" encoding="utf-16"?><interface-response><Command>SETDNSHOST</Command><Language>eng</Language><ErrCount>1</ErrCount><errors><Err1>Domain name not found</Err1></errors><ResponseCount>1</ResponseCount><responses><response><Description>Domain name not found</Description><ResponseNumber>316153</ResponseNumber><ResponseString>Validation error; not found; domain name(s)</ResponseString></response></responses><Done>true</Done><debug><![CDATA[]]></debug></interface-response>"#;
    const RECORD_NOT_FOUND: &str = r#"<?xml version="1.0" encoding="utf-16"?><interface-response><Command>SETDNSHOST</Command><Language>eng</Language><ErrCount>1</ErrCount><errors><Err1>No Records updated. A record not Found;</Err1></errors><ResponseCount>1</ResponseCount><responses><response><Description>No Records updated. A record not Found;</Description><ResponseNumber>380091</ResponseNumber><ResponseString>No updates; A record not Found;</ResponseString></response></responses><Done>true</Done><debug><![CDATA[]]></debug></interface-response>"#;
    const INVALID_IP: &str = r#"<?xml version="1.0" encoding="utf-16"?><interface-response><Command>SETDNSHOST</Command><Language>eng</Language><ErrCount>1</ErrCount><errors><Err1>Invalid IP</Err1></errors><ResponseCount>1</ResponseCount><responses><response><Description>Invalid IP</Description><ResponseNumber>304156</ResponseNumber><ResponseString>Validation error; invalid ; IP Address</ResponseString></response></responses><Done>true</Done><debug><![CDATA[]]></debug></interface-response>"#;
    const MULTI: &str = "<?xml version=\"1.0\"?><interface-response><ErrCount>2</ErrCount><errors><Err1>Domain name not found</Err1><Err2>Invalid key</Err2></errors><Done>true</Done></interface-response>";
    const UNKNOWN: &str = "<?xml version=\"1.0\"?><interface-response><ErrCount>1</ErrCount><errors><Err1>Some unexpected error occurred;</Err1></errors><Done>true</Done></interface-response>";

    #[test]
    fn both_success_dialects() {
        assert_eq!(
            parse_reply(&reply(200, SUCCESS_UTF16), ip("127.0.0.1")),
            Ok(Success::Updated)
        );
        assert_eq!(
            parse_reply(&reply(200, SUCCESS_PRETTY), ip("203.0.113.42")),
            Ok(Success::Updated)
        );
        // The old capture's <IP> was redacted into a non-address: not held against the reply.
        assert_eq!(
            parse_reply(&reply(200, SUCCESS_OLD), ip("81.2.69.160")),
            Ok(Success::Updated)
        );
    }

    #[test]
    fn success_for_another_address_is_not_success() {
        let e = parse_reply(&reply(200, SUCCESS_PRETTY), ip("81.2.69.160")).unwrap_err();
        assert!(e.to_string().contains("203.0.113.42"));
        assert_eq!(e.class(), crate::error::Class::Transient);
    }

    #[test]
    fn known_errors_are_fatal() {
        for (body, text) in [
            (BAD_PASSWORD, "Passwords do not match"),
            (BAD_PASSWORD_OLD, "Passwords do not match"),
            (DOMAIN_NOT_FOUND, "Domain name not found"),
            (RECORD_NOT_FOUND, "A record not Found"),
            (INVALID_IP, "Invalid IP"),
            (MULTI, "Domain name not found"),
        ] {
            let e = parse_reply(&reply(200, body), ip("81.2.69.160")).unwrap_err();
            assert!(matches!(e, Error::Fatal(_)), "{e:?}");
            assert!(e.to_string().contains(text), "{e}");
        }
    }

    #[test]
    fn other_errors_and_garbage_are_transient() {
        for (status, body) in [
            (200, UNKNOWN),
            (200, "<html><body>Service Unavailable</body></html>"),
            (200, ""),
            (200, "<ErrCount>x</ErrCount>"),
            (200, "<ErrCount>0"),
            (503, "<html>busy</html>"),
            (400, "Bad Request"),
        ] {
            let e = parse_reply(&reply(status, body), ip("81.2.69.160")).unwrap_err();
            assert!(
                matches!(e, Error::Transient { .. }),
                "{status} {body:?}: {e:?}"
            );
        }
        // "ErrCount>0" somewhere in a page is not the element.
        let e = parse_reply(&reply(200, "<p>ErrCount>0</p>"), ip("81.2.69.160"));
        assert!(e.is_err());
    }

    #[test]
    fn auth_status_without_xml_is_fatal() {
        let e = parse_reply(&reply(403, "Forbidden"), ip("81.2.69.160")).unwrap_err();
        assert!(matches!(e, Error::Fatal(_)));
    }

    #[test]
    fn a_dotted_host_label_is_accepted() {
        // Namecheap's host is everything left of the domain: `vpn.home` under example.com.
        let c = crate::provider::testutil::config(
            "namecheap",
            "host = \"vpn.home\"\ndomain = \"example.com\"\npassword = \"p\"\n",
        )
        .unwrap();
        assert_eq!(c.records[0].provider.fqdn(), "vpn.home.example.com");
        let wire = c.records[0].provider.plan(Addrs::one(ip("81.2.69.160")))[0]
            .request
            .wire_url();
        assert!(
            wire.contains("?host=vpn.home&domain=example.com&"),
            "{wire}"
        );
    }

    #[test]
    fn host_and_domain_are_checked_as_dns_names() {
        use crate::provider::testutil::{config, config_err};
        let keys = |host: &str, domain: &str| {
            format!("host = {host:?}\ndomain = {domain:?}\npassword = \"p\"\n")
        };
        for (host, domain, fqdn) in [
            ("vpn.home", "example.com", "vpn.home.example.com"),
            ("Home", "Example.COM.", "home.example.com"),
            ("@", "example.com", "example.com"),
            ("*", "example.com", "*.example.com"),
        ] {
            let c = config("namecheap", &keys(host, domain)).unwrap();
            assert_eq!(c.records[0].provider.fqdn(), fqdn, "{host} {domain}");
        }
        for (host, domain, key, why) in [
            (
                "Home.Example.com",
                "example.com",
                "host",
                "give only the label",
            ),
            (
                "home.example.com",
                "Example.COM",
                "host",
                "give only the label",
            ),
            ("example.com", "example.com", "host", "give only the label"),
            (
                "home_exa mple",
                "example.com",
                "host",
                "is not a valid domain name",
            ),
            (
                "home",
                "exa mple.com",
                "domain",
                "is not a valid domain name",
            ),
            ("home", "com", "domain", "is not a full domain name"),
        ] {
            let e = config_err("namecheap", &keys(host, domain));
            assert!(
                e.contains(&format!("record 1 (namecheap): key \"{key}\"")),
                "{e}"
            );
            assert!(e.contains(why), "{host} {domain}: {e}");
        }
    }

    #[test]
    fn request_encodes_values_and_hides_the_password() {
        let endpoint = format!("{DEFAULT_SERVER}/update");
        let r = build_request(&endpoint, "@", "example.com", "a&b=c", ip("81.2.69.160"));
        assert_eq!(
            r.wire_url(),
            "https://dynamicdns.park-your-domain.com/update?host=%40&domain=example.com&password=a%26b%3Dc&ip=81.2.69.160"
        );
        assert!(!r.redacted().contains("a%26b"));
        let r = build_request(
            "https://x/update",
            "*",
            "example.com",
            "p",
            ip("81.2.69.160"),
        );
        assert_eq!(
            r.wire_url(),
            "https://x/update?host=%2A&domain=example.com&password=p&ip=81.2.69.160"
        );
    }
}
