//! Gandi LiveDNS v5 (https://api.gandi.net/docs/livedns/): read the rrset, replace it with PUT only when its values or TTL differ.
use super::api::{SendFn, bearer, holds, parse_value, token_error, unknown_zone, update_each};
use super::names::{full_name, zone_and_inner_name};
use super::{Addrs, Cache, Planned, Provider, Success, short};
use crate::error::Error;
use crate::family::Family;
use crate::fields::{Fields, Secret};
use crate::http::{Client, Method, Reply, Request};
use crate::json::Json;
use std::net::IpAddr;

pub const DEFAULT_SERVER: &str = "https://api.gandi.net";
/// Added to a `server` given without a path.
pub const API_PATH: &str = "/v5/livedns";
/// Gandi's own default, used when neither `ttl` nor an existing rrset gives one.
pub const DEFAULT_TTL_SECS: u64 = 10_800;
const MIN_TTL_SECS: i64 = 300;
const MAX_TTL_SECS: i64 = 2_592_000;

pub struct Gandi {
    base: String,
    zone: String,
    /// The rrset name: `@` for the apex.
    name: String,
    token: Secret,
    /// `None`: keep the rrset's TTL.
    ttl: Option<u64>,
}

impl Gandi {
    pub fn from_config(f: &mut Fields) -> Result<Gandi, Error> {
        let base = f.endpoint(DEFAULT_SERVER, API_PATH)?;
        let (zone, name) = zone_and_inner_name(f)?;
        let token = f.secret("token")?;
        let ttl = f
            .int_in("ttl", MIN_TTL_SECS, MAX_TTL_SECS)?
            .map(|t| t as u64);
        Ok(Gandi {
            base,
            zone,
            name,
            token,
            ttl,
        })
    }

    /// `<base>/domains/<zone>/records/<name>/<type>`; names are checked, so nothing needs escaping.
    fn url(&self, rr: &str) -> String {
        format!(
            "{}/domains/{}/records/{}/{rr}",
            self.base, self.zone, self.name
        )
    }

    pub fn build_get(&self, rr: &str) -> Request {
        bearer(Request::get(self.url(rr)), &self.token)
    }

    pub fn build_put(&self, rr: &str, ip: IpAddr, ttl: u64) -> Request {
        let body = format!(r#"{{"rrset_values":["{ip}"],"rrset_ttl":{ttl}}}"#);
        let req = Request::json(Method::Put, self.url(rr), body, false);
        bearer(req, &self.token)
    }

    /// Reads the rrset; writes only when it is absent or differs in values or the wanted TTL.
    pub fn update_family(&self, send: &mut SendFn, ip: IpAddr) -> Result<Success, Error> {
        let rr = Family::of(ip).rr();
        let reply = send(&self.build_get(rr))?;
        let existing = parse_get(&reply, rr)?;
        if let Some(e) = &existing {
            let same_values = e.values.len() == 1 && holds(&e.values[0], ip);
            let same_ttl = self.ttl.is_none_or(|t| e.ttl == Some(t));
            if same_values && same_ttl {
                return Ok(Success::NoChange);
            }
        }
        let ttl = self
            .ttl
            .or(existing.and_then(|e| e.ttl))
            .unwrap_or(DEFAULT_TTL_SECS);
        let reply = send(&self.build_put(rr, ip, ttl))?;
        parse_put(&reply, &self.zone)
    }
}

impl Provider for Gandi {
    fn fqdn(&self) -> String {
        full_name(&self.name, &self.zone)
    }

    fn supports_v6(&self) -> bool {
        true
    }

    /// Each family starts with reading its rrset.
    fn plan(&self, addrs: Addrs) -> Vec<Planned> {
        Planned::each(addrs, |ip| self.build_get(Family::of(ip).rr()))
    }

    /// The answer to the PUT; `update` drives the whole exchange.
    fn parse_reply(&self, reply: &Reply, _sets: Addrs) -> Result<Success, Error> {
        parse_put(reply, &self.zone)
    }

    fn update(
        &self,
        client: &Client,
        addrs: Addrs,
        _cache: &mut Cache,
    ) -> Vec<(Family, Result<Success, Error>)> {
        update_each(client, addrs, |send, ip| self.update_family(send, ip))
    }
}

/// The rrset as read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Existing {
    pub values: Vec<String>,
    pub ttl: Option<u64>,
}

/// `None` when Gandi has no such rrset (404): then the PUT creates it.
pub fn parse_get(reply: &Reply, rr: &str) -> Result<Option<Existing>, Error> {
    match reply.status {
        200 => {
            let rrset = parse_value(reply, "Gandi", "rrset reply")?;
            let kind = rrset.get("rrset_type").str().unwrap_or_default();
            if !kind.eq_ignore_ascii_case(rr) {
                return Err(Error::transient(format!(
                    "Gandi: asked for the {rr} rrset, got {:?}",
                    short(kind)
                )));
            }
            let values = rrset
                .get("rrset_values")
                .items()
                .iter()
                .map(|v| v.str().map(str::to_string));
            let Some(values) = values.collect::<Option<Vec<String>>>() else {
                return Err(Error::transient(
                    "Gandi: unexpected rrset reply (a value that is not text)",
                ));
            };
            let ttl = match rrset.get("rrset_ttl") {
                Json::Null => None,
                t => match t.int() {
                    Some(t) => Some(t).filter(|t| *t > 0).map(|t| t as u64),
                    None => {
                        return Err(Error::transient(
                            "Gandi: unexpected rrset reply (a TTL that is not a number)",
                        ));
                    }
                },
            };
            Ok(Some(Existing { values, ttl }))
        }
        404 => Ok(None),
        _ => Err(api_error(reply)),
    }
}

/// 201 (created or replaced) or 200 with a JSON body is success; a 404 here means the zone
/// is not one of the token's domains.
pub fn parse_put(reply: &Reply, zone: &str) -> Result<Success, Error> {
    match reply.status {
        200 | 201 => {
            // `{"message": "DNS Record Created"}`: read only to check that it is Gandi's JSON.
            parse_value(reply, "Gandi", "reply to the update").map(|_| Success::Updated)
        }
        404 => Err(unknown_zone(
            reply,
            "Gandi",
            &format!("LiveDNS zone {zone}"),
        )),
        _ => Err(api_error(reply)),
    }
}

/// A refused token is fatal; rate limits and server errors are transient (Retry-After kept).
fn api_error(reply: &Reply) -> Error {
    token_error(reply, "Gandi", "its LiveDNS permission for the zone")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Class;
    use crate::provider::testutil::{body, config, config_err, exchange, ip, reply};

    const RRSET: &str = r#"{"rrset_name":"host","rrset_type":"A","rrset_ttl":10800,"rrset_values":["192.0.2.1"],"rrset_href":"…"}"#;
    const CREATED: &str = r#"{"message": "DNS Record Created"}"#;

    fn gandi(name: &str, ttl: Option<u64>) -> Gandi {
        Gandi {
            base: "https://api.gandi.net/v5/livedns".into(),
            zone: "example.com".into(),
            name: name.into(),
            token: Secret::new("pat-s3cret".into()),
            ttl,
        }
    }

    #[test]
    fn request_shapes() {
        let g = gandi("host", None);
        let r = g.build_get("A");
        assert_eq!(r.method, Method::Get);
        assert_eq!(
            r.wire_url(),
            "https://api.gandi.net/v5/livedns/domains/example.com/records/host/A"
        );
        assert_eq!(r.headers.len(), 1);
        assert_eq!(r.headers[0].value, "Bearer pat-s3cret");
        assert!(r.redacted().contains("Authorization: Bearer ***"));
        assert!(!r.redacted().contains("s3cret"));
        let r = gandi("@", None).build_put("AAAA", ip("2a01:4f8:10:20::5"), 300);
        assert_eq!(r.method, Method::Put);
        assert!(
            r.wire_url()
                .ends_with("/domains/example.com/records/@/AAAA")
        );
        assert_eq!(
            body(&r),
            r#"{"rrset_values":["2a01:4f8:10:20::5"],"rrset_ttl":300}"#
        );
        assert!(!r.redacted().contains("s3cret"));
        assert!(
            r.redacted()
                .contains(r#"{"rrset_values":["2a01:4f8:10:20::5"]"#)
        );
    }

    #[test]
    fn reads_the_documented_rrset() {
        assert_eq!(
            parse_get(&reply(200, RRSET), "A").unwrap(),
            Some(Existing {
                values: vec!["192.0.2.1".into()],
                ttl: Some(10800),
            })
        );
        assert_eq!(parse_get(&reply(404, r#"{"code":404}"#), "A"), Ok(None));
        let e = parse_get(&reply(200, RRSET), "AAAA").unwrap_err();
        assert_eq!(e.class(), Class::Transient);
    }

    #[test]
    fn put_outcomes() {
        assert_eq!(
            parse_put(&reply(201, CREATED), "example.com"),
            Ok(Success::Updated)
        );
        assert_eq!(
            parse_put(&reply(200, CREATED), "example.com"),
            Ok(Success::Updated)
        );
        let unauthorized = r#"{"code": 401, "message": "The server could not verify that you authenticated", "object": "HTTPUnauthorized", "cause": "Unauthorized"}"#;
        for status in [401, 403] {
            let e = parse_put(&reply(status, unauthorized), "example.com").unwrap_err();
            assert_eq!(e.class(), Class::Fatal);
            assert!(e.to_string().contains("could not verify"), "{e}");
            let e = parse_get(&reply(status, unauthorized), "A").unwrap_err();
            assert_eq!(e.class(), Class::Fatal);
        }
        let e = parse_put(
            &reply(404, r#"{"message":"Unknown domain"}"#),
            "example.com",
        )
        .unwrap_err();
        assert_eq!(e.class(), Class::Fatal);
        assert!(e.to_string().contains("Unknown domain"), "{e}");
        let limited = Reply {
            status: 429,
            headers: vec![("retry-after".into(), "60".into())],
            body: b"{\"message\":\"Too many requests\"}".to_vec(),
        };
        for e in [
            parse_put(&limited, "z").unwrap_err(),
            parse_get(&limited, "A").unwrap_err(),
        ] {
            assert_eq!(e.retry_after_secs(), Some(60));
            assert!(e.to_string().contains("Too many requests"), "{e}");
        }
    }

    #[test]
    fn garbage_is_never_success() {
        for (status, body) in [
            (201, ""),
            (201, "DNS Record Created"),
            (201, r#"{"message": "DNS Record Cr"#),
            (200, r#"{"zz":["#),
            (502, "<html>Bad Gateway</html>"),
            (500, CREATED),
            (400, r#"{"message":"bad"}"#),
        ] {
            let e = parse_put(&reply(status, body), "z").unwrap_err();
            assert_eq!(e.class(), Class::Transient, "{status} {body:?}");
        }
        for body in [
            "",
            "<html>",
            r#"{"rrset_type":"A","rrset_values":["#,
            r#"{"rrset_type":"A","rrset_ttl":"x"}"#,
        ] {
            let e = parse_get(&reply(200, body), "A").unwrap_err();
            assert_eq!(e.class(), Class::Transient, "{body:?}");
        }
    }

    #[test]
    fn equal_rrset_is_no_change() {
        let (out, sent) = exchange(&[reply(200, RRSET)], |send| {
            gandi("host", None).update_family(send, ip("192.0.2.1"))
        });
        assert_eq!((out, sent.len()), (Ok(Success::NoChange), 1));
        let (out, sent) = exchange(&[reply(200, RRSET)], |send| {
            gandi("host", Some(10800)).update_family(send, ip("192.0.2.1"))
        });
        assert_eq!((out, sent.len()), (Ok(Success::NoChange), 1));
    }

    #[test]
    fn differing_rrset_is_replaced_keeping_or_setting_the_ttl() {
        let created = reply(201, CREATED);
        let (out, sent) = exchange(&[reply(200, RRSET), created.clone()], |send| {
            gandi("host", None).update_family(send, ip("81.2.69.160"))
        });
        assert_eq!(out, Ok(Success::Updated));
        assert_eq!(
            body(&sent[1]),
            r#"{"rrset_values":["81.2.69.160"],"rrset_ttl":10800}"#
        );
        // Same address, other TTL wanted: replaced.
        let (out, sent) = exchange(&[reply(200, RRSET), created.clone()], |send| {
            gandi("host", Some(300)).update_family(send, ip("192.0.2.1"))
        });
        assert_eq!(out, Ok(Success::Updated));
        assert_eq!(
            body(&sent[1]),
            r#"{"rrset_values":["192.0.2.1"],"rrset_ttl":300}"#
        );
        // Two values where one is wanted: replaced.
        let two = r#"{"rrset_type":"A","rrset_ttl":600,"rrset_values":["192.0.2.1","192.0.2.2"]}"#;
        let (_, sent) = exchange(&[reply(200, two), created.clone()], |send| {
            gandi("host", None).update_family(send, ip("192.0.2.1"))
        });
        assert_eq!(
            body(&sent[1]),
            r#"{"rrset_values":["192.0.2.1"],"rrset_ttl":600}"#
        );
        // Absent: created with Gandi's default TTL.
        let (out, sent) = exchange(&[reply(404, ""), created], |send| {
            gandi("host", None).update_family(send, ip("81.2.69.160"))
        });
        assert_eq!(out, Ok(Success::Updated));
        assert_eq!(sent[1].method, Method::Put);
        assert_eq!(
            body(&sent[1]),
            r#"{"rrset_values":["81.2.69.160"],"rrset_ttl":10800}"#
        );
    }

    #[test]
    fn config_keys_are_checked() {
        let c = config(
            "gandi",
            "zone = \"example.com\"\nname = \"@\"\ntoken = \"t\"\nfamily = \"both\"\nttl = 300\n",
        )
        .unwrap();
        let r = &c.records[0];
        assert_eq!(r.label(), "example.com (gandi)");
        let planned = r.provider.plan(Addrs::one(ip("2a01:4f8:10:20::5")));
        assert_eq!(
            planned[0].request.wire_url(),
            "https://api.gandi.net/v5/livedns/domains/example.com/records/@/AAAA"
        );
        let c = config(
            "gandi",
            "zone = \"example.com\"\nname = \"home\"\ntoken = \"t\"\n",
        )
        .unwrap();
        assert_eq!(c.records[0].provider.fqdn(), "home.example.com");
        for (keys, text) in [
            (
                "zone = \"example.com\"\ntoken = \"t\"\n",
                "record 1 (gandi): missing key \"name\"",
            ),
            (
                "name = \"home\"\ntoken = \"t\"\n",
                "record 1 (gandi): missing key \"zone\"",
            ),
            (
                "zone = \"example.com\"\nname = \"home\"\n",
                "missing key \"token\" (or \"token_file\")",
            ),
            (
                "zone = \"example.com\"\nname = \"\"\ntoken = \"t\"\n",
                "key \"name\": must not be empty",
            ),
            (
                "zone = \"example.com\"\nname = \"home.example.com\"\ntoken = \"t\"\n",
                "key \"name\": give the name inside the zone",
            ),
            (
                "zone = \"example.com\"\nname = \"home\"\ntoken = \"t\"\nttl = 299\n",
                "key \"ttl\": 299 is out of range 300..=2592000",
            ),
            (
                "zone = \"example.com\"\nname = \"home\"\ntoken = \"t\"\nttl = \"600\"\n",
                "key \"ttl\": must be a whole number",
            ),
            (
                "zone = \"example.com\"\nname = \"home\"\ntoken = \"t\"\napikey = \"k\"\n",
                "unknown key \"apikey\"",
            ),
        ] {
            let e = config_err("gandi", keys);
            assert!(e.contains(text), "{e}");
        }
    }
}
