//! Cloudflare tests: the exact bodies of PROTOCOLS.md §4.3 and §8.4, config checks, and the
//! whole update flow against scripted replies.
use super::*;
use crate::error::Class;
use std::cell::RefCell;

const TOKEN: &str = "mytoken";
const BASE: &str = "https://api.example/client/v4";

// PROTOCOLS.md §8.4 (ddclient t/protocol_cloudflare.pl) and §4.3, byte for byte.
const ZONES_OK: &str = r#"{"success":true,"result":[{"id":"zone111","name":"example.com"}]}"#;
const RECORDS_OK: &str = r#"{"success":true,"result":[{"id":"rec222","name":"host.example.com"}]}"#;
const PATCH_OK: &str = r#"{"success":true,"result":{"id":"rec222"}}"#;
const EMPTY: &str = r#"{"success":true,"result":[]}"#;
const NOT_JSON: &str = "not json at all";
const BAD_TOKEN_401: &str =
    r#"{"success":false,"errors":[{"code":9109,"message":"Invalid access token"}]}"#;
const BAD_TOKEN_403: &str = r#"{"success":false,"errors":[{"code":9109,"message":"Invalid access token"}],"messages":[],"result":null}"#;
const NO_DNS_EDIT_403: &str =
    r#"{"success":false,"errors":[{"code":10000,"message":"Authentication error"}]}"#;
const ROUTE_200: &str = r#"{"success":false,"errors":[{"code":7003,"message":"Could not route to /zones"}],"result":null}"#;
const ROUTE_400: &str = r#"{"success":false,"errors":[{"code":7003,"message":"Could not route to /client/v4/zones/dns_records/, perhaps your object identifier is invalid?"}],"messages":[]}"#;
const EXISTS: &str = r#"{"result":null,"success":false,"errors":[{"code":81057,"message":"Record already exists."}],"messages":[]}"#;
const IDENTICAL: &str = r#"{"result":null,"success":false,"errors":[{"code":81058,"message":"An identical record already exists."}],"messages":[]}"#;
const GONE: &str = r#"{"result":null,"success":false,"errors":[{"code":81044,"message":"Record does not exist."}],"messages":[]}"#;
const RATE: &str = r#"{"success":false,"errors":[{"code":971,"message":"Please wait and consider throttling your request speed"}],"messages":[],"result":null}"#;
const VERIFY_OK: &str = r#"{"result":{"id":"…","status":"active"},"success":true,"errors":[],"messages":[{"code":10000,"message":"This API Token is valid and active","type":null}]}"#;

fn malformed_token() -> String {
    // §4.3: a malformed token, `GET /zones`, HTTP 400.
    r#"{"success":false,"errors":[{"code":6003,"message":"Invalid request headers","error_chain":[{"code":6111,"message":"Invalid format for Authorization header"}]}],"messages":[],"result":null}"#.to_string()
}

fn cname_exists() -> String {
    r#"{"result":null,"success":false,"errors":[{"code":81054,"message":"A CNAME record with that host already exists. For more details, refer to <https://developers.cloudflare.com/dns/manage-dns-records/troubleshooting/records-with-same-name/>."}],"messages":[]}"#.to_string()
}

fn reply(status: u16, body: &str) -> Reply {
    Reply {
        status,
        headers: vec![],
        body: body.as_bytes().to_vec(),
    }
}

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

fn cf(create: Option<NewRecord>) -> Cloudflare {
    Cloudflare {
        base: BASE.to_string(),
        zone: "example.com".to_string(),
        name: "host.example.com".to_string(),
        token: Secret::new(TOKEN.to_string()),
        create,
    }
}

fn class(r: Result<impl std::fmt::Debug, Error>) -> Class {
    r.unwrap_err().class()
}

fn fail_class(f: Fail) -> Class {
    match f {
        Fail::Gone(e) | Fail::Exists(e) | Fail::Other(e) => e.class(),
        Fail::Identical => panic!("identical is not a failure"),
    }
}

// ---- bodies and requests ----

#[test]
fn request_bodies_are_exact() {
    assert_eq!(
        build_patch_body(ip("192.0.2.1")),
        r#"{"content":"192.0.2.1"}"#
    );
    assert_eq!(
        build_patch_body(ip("2001:db8::1")),
        r#"{"content":"2001:db8::1"}"#
    );
    let auto = NewRecord {
        ttl: 1,
        proxied: false,
    };
    assert_eq!(
        build_create_body("host.example.com", ip("192.0.2.1"), auto),
        r#"{"type":"A","name":"host.example.com","content":"192.0.2.1","ttl":1,"proxied":false}"#
    );
    let own = NewRecord {
        ttl: 300,
        proxied: true,
    };
    assert_eq!(
        build_create_body("*.example.com", ip("2001:db8::1"), own),
        r#"{"type":"AAAA","name":"*.example.com","content":"2001:db8::1","ttl":300,"proxied":true}"#
    );
}

#[test]
fn requests_carry_the_bearer_token_and_show_it_hidden() {
    let c = cf(None);
    let z = c.zones_request();
    assert_eq!(z.wire_url(), format!("{BASE}/zones?name=example.com"));
    assert_eq!(z.method, Method::Get);
    let auth: Vec<_> = z
        .headers
        .iter()
        .filter(|h| h.name == "Authorization")
        .collect();
    assert_eq!(auth.len(), 1);
    assert_eq!(auth[0].value, "Bearer mytoken");
    assert!(z.redacted().contains("Authorization: Bearer ***"));
    assert!(!z.redacted().contains(TOKEN));

    let r = c.records_request("zone111", Family::V4);
    assert_eq!(
        r.wire_url(),
        format!("{BASE}/zones/zone111/dns_records?type=A&name=host.example.com")
    );
    let r6 = c.records_request("zone111", Family::V6);
    assert!(r6.wire_url().ends_with("?type=AAAA&name=host.example.com"));

    let p = c.patch_request("zone111", "rec222", ip("192.0.2.1"));
    assert_eq!(p.method, Method::Patch);
    assert_eq!(
        p.wire_url(),
        format!("{BASE}/zones/zone111/dns_records/rec222")
    );
    assert_eq!(p.body.as_deref(), Some(&br#"{"content":"192.0.2.1"}"#[..]));
    assert!(p.redacted().contains(r#"{"content":"192.0.2.1"}"#));
    assert!(p.redacted().contains("Content-Type: application/json"));
    assert!(!p.redacted().contains(TOKEN));

    let n = c.create_request(
        "zone111",
        ip("192.0.2.1"),
        NewRecord {
            ttl: 1,
            proxied: false,
        },
    );
    assert_eq!(n.method, Method::Post);
    assert_eq!(n.wire_url(), format!("{BASE}/zones/zone111/dns_records"));
}

#[test]
fn plan_shows_the_lookups_and_the_patch() {
    let c = cf(None);
    let mut both = Addrs::one(ip("81.2.69.160"));
    both.set(ip("2a01:4f8:10:20::5"));
    let shown: Vec<String> = c.plan(both).iter().map(|p| p.request.redacted()).collect();
    assert_eq!(shown.len(), 5, "{shown:#?}");
    assert!(shown[0].starts_with(&format!("GET {BASE}/zones?name=example.com")));
    assert!(shown[1].starts_with(&format!(
        "GET {BASE}/zones/<zone_id>/dns_records?type=A&name=host.example.com"
    )));
    assert!(shown[2].starts_with(&format!(
        "PATCH {BASE}/zones/<zone_id>/dns_records/<record_id>"
    )));
    assert!(shown[2].ends_with(r#"{"content":"81.2.69.160"}"#));
    assert!(shown[3].contains("type=AAAA"));
    assert!(shown[4].ends_with(r#"{"content":"2a01:4f8:10:20::5"}"#));
    for s in &shown {
        assert!(
            s.contains("Authorization: Bearer ***") && !s.contains(TOKEN),
            "{s}"
        );
    }
    assert!(c.plan(Addrs::default()).is_empty());
}

// ---- replies: §8.4 ----

#[test]
fn ddclient_success_sequence_parses() {
    assert_eq!(
        parse_zones(&reply(200, ZONES_OK), "example.com"),
        Ok("zone111".to_string())
    );
    assert_eq!(
        parse_records(&reply(200, RECORDS_OK), "host.example.com", Family::V4),
        Ok(Some(FoundRecord {
            id: "rec222".to_string(),
            content: None
        }))
    );
    assert_eq!(
        parse_patch(&reply(200, PATCH_OK), ip("192.0.2.1")),
        Ok(Success::Updated)
    );
    assert_eq!(
        cf(None).parse_reply(&reply(200, PATCH_OK), Addrs::one(ip("192.0.2.1"))),
        Ok(Success::Updated)
    );
}

#[test]
fn zone_or_record_not_found() {
    let e = parse_zones(&reply(200, EMPTY), "example.com").unwrap_err();
    assert_eq!(e.class(), Class::Fatal);
    assert!(e.to_string().contains("zone example.com not found"), "{e}");
    // Another zone's name in the list is not this zone.
    let other = r#"{"success":true,"result":[{"id":"zone999","name":"example.org"}]}"#;
    assert_eq!(
        class(parse_zones(&reply(200, other), "example.com")),
        Class::Fatal
    );
    let deleted = r#"{"success":true,"result":[{"id":"zone9","name":"example.com","status":"deleted"},{"id":"zone1","name":"example.com","status":"active"}]}"#;
    assert_eq!(
        parse_zones(&reply(200, deleted), "example.com"),
        Ok("zone1".to_string())
    );
    assert_eq!(
        parse_records(&reply(200, EMPTY), "host.example.com", Family::V4),
        Ok(None)
    );
}

#[test]
fn idn_zone_matches_its_unicode_name() {
    // §8.4: the zone is listed as `münchen.de`; the config names it `xn--mnchen-3ya.de`.
    let body = r#"{"success":true,"result":[{"id":"zone111","name":"münchen.de"}]}"#;
    assert_eq!(
        parse_zones(&reply(200, body), "xn--mnchen-3ya.de"),
        Ok("zone111".to_string())
    );
    assert_eq!(
        class(parse_zones(&reply(200, body), "xn--bcher-kva.de")),
        Class::Fatal
    );
}

#[test]
fn punycode_decodes_rfc3492_samples() {
    assert_eq!(punycode_decode("mnchen-3ya").as_deref(), Some("münchen"));
    assert_eq!(punycode_decode("bcher-kva").as_deref(), Some("bücher"));
    assert_eq!(
        punycode_decode("ihqwcrb4cv8a8dqg056pqjye").as_deref(),
        Some("他们为什么不说中文")
    );
    assert_eq!(
        punycode_decode("egbpdaj6bu4bxfgehfvwxn").as_deref(),
        Some("ليهمابتكلموشعربي؟")
    );
    assert_eq!(
        punycode_decode("3B-ww4c5e180e575a65lsy2b").as_deref(),
        Some("3年B組金八先生")
    );
    for bad in ["a-!", "99999999999999", "zzzzzzzzzzzzzzzzzzzzzz9"] {
        let _ = punycode_decode(bad); // never panics
    }
    assert_eq!(punycode_decode("a-!"), None);
    assert_eq!(
        idn_to_unicode("home.xn--mnchen-3ya.de").as_deref(),
        Some("home.münchen.de")
    );
}

#[test]
fn invalid_json_at_every_step_fails_transiently() {
    for body in [
        NOT_JSON,
        "",
        "{",
        r#"{"success":true,"result":[{"id":"#,
        "<html>502</html>",
    ] {
        let r = reply(200, body);
        assert_eq!(
            class(parse_zones(&r, "example.com")),
            Class::Transient,
            "{body}"
        );
        assert_eq!(
            class(parse_records(&r, "host.example.com", Family::V4)),
            Class::Transient
        );
        assert_eq!(
            fail_class(parse_patch(&r, ip("192.0.2.1")).unwrap_err()),
            Class::Transient
        );
        assert_eq!(fail_class(parse_created(&r).unwrap_err()), Class::Transient);
    }
    for status in [500, 502, 503] {
        let r = reply(status, "<html>Bad gateway</html>");
        assert_eq!(class(parse_zones(&r, "example.com")), Class::Transient);
    }
}

#[test]
fn success_false_with_200_is_a_failure() {
    // §8.4: 7003 with HTTP 200 and a null result.
    let e = parse_zones(&reply(200, ROUTE_200), "example.com").unwrap_err();
    assert_eq!(e.class(), Class::Fatal);
    assert!(e.to_string().contains("7003"), "{e}");
    // success:false without any error listed is never a success either.
    let r = reply(
        200,
        r#"{"success":false,"errors":[],"result":{"id":"rec222"}}"#,
    );
    assert!(parse_patch(&r, ip("192.0.2.1")).is_err());
    // Nor is a reply without `success`.
    let r = reply(200, r#"{"result":{"id":"rec222"}}"#);
    assert!(parse_patch(&r, ip("192.0.2.1")).is_err());
    // success:true with the wrong result shape is no success.
    let r = reply(200, r#"{"success":true,"result":null}"#);
    assert_eq!(
        fail_class(parse_patch(&r, ip("192.0.2.1")).unwrap_err()),
        Class::Transient
    );
    assert_eq!(class(parse_zones(&r, "example.com")), Class::Transient);
    let r = reply(200, r#"{"success":true,"result":{"id":"zone111"}}"#);
    assert_eq!(class(parse_zones(&r, "example.com")), Class::Transient);
}

// ---- replies: §4.3 errors ----

#[test]
fn token_errors_are_fatal_whatever_the_status() {
    for (status, body) in [
        (401, BAD_TOKEN_401.to_string()),
        (403, BAD_TOKEN_403.to_string()),
        (403, NO_DNS_EDIT_403.to_string()),
        (
            401,
            r#"{"success":false,"errors":[{"code":10000,"message":"Authentication error"}]}"#
                .to_string(),
        ),
        (400, malformed_token()),
        (200, BAD_TOKEN_403.to_string()),
    ] {
        let r = reply(status, &body);
        let e = parse_zones(&r, "example.com").unwrap_err();
        assert_eq!(e.class(), Class::Fatal, "{status} {body}");
        assert!(e.to_string().contains("API token"), "{e}");
        assert!(!e.to_string().contains(TOKEN));
        assert_eq!(
            fail_class(parse_patch(&r, ip("192.0.2.1")).unwrap_err()),
            Class::Fatal
        );
    }
    // 6111 only inside the error chain still counts.
    let chained = r#"{"success":false,"errors":[{"code":1234,"message":"x","error_chain":[{"code":6111,"message":"Invalid format for Authorization header"}]}]}"#;
    assert_eq!(
        class(parse_zones(&reply(400, chained), "example.com")),
        Class::Fatal
    );
    let e = parse_zones(&reply(400, &malformed_token()), "example.com").unwrap_err();
    assert!(e.to_string().contains("6111 Invalid format"), "{e}");
}

#[test]
fn no_credentials_status_without_json_is_fatal() {
    for status in [401, 403] {
        assert_eq!(
            class(parse_zones(&reply(status, "Forbidden"), "example.com")),
            Class::Fatal
        );
    }
}

#[test]
fn rate_limit_waits_for_retry_after_or_five_minutes() {
    let mut r = reply(429, RATE);
    r.headers.push(("retry-after".into(), "120".into()));
    let e = parse_zones(&r, "example.com").unwrap_err();
    assert_eq!(e.class(), Class::Transient);
    assert_eq!(e.retry_after_secs(), Some(120));
    let e = parse_zones(&reply(429, RATE), "example.com").unwrap_err();
    assert_eq!(e.retry_after_secs(), Some(RATE_LIMIT_WAIT_SECS));
    // 971 with another status, and a bare 429, are rate limits too.
    let e = parse_zones(&reply(200, RATE), "example.com").unwrap_err();
    assert_eq!(e.retry_after_secs(), Some(RATE_LIMIT_WAIT_SECS));
    let e = parse_zones(&reply(429, "Too Many Requests"), "example.com").unwrap_err();
    assert_eq!(e.retry_after_secs(), Some(RATE_LIMIT_WAIT_SECS));
}

#[test]
fn special_codes() {
    let v4 = ip("192.0.2.1");
    assert_eq!(
        parse_patch(&reply(400, IDENTICAL), v4),
        Err(Fail::Identical)
    );
    assert_eq!(
        settle(parse_patch(&reply(400, IDENTICAL), v4)),
        Ok(Success::NoChange)
    );
    assert_eq!(parse_created(&reply(400, IDENTICAL)), Err(Fail::Identical));
    assert!(matches!(
        parse_created(&reply(400, EXISTS)),
        Err(Fail::Exists(_))
    ));
    // Stale ids: 81044 (400 or 404), a bare 404, or 7003 from a PATCH.
    for (status, body) in [
        (400, GONE),
        (404, GONE),
        (404, "not found"),
        (400, ROUTE_400),
    ] {
        assert!(
            matches!(parse_patch(&reply(status, body), v4), Err(Fail::Gone(_))),
            "{status} {body}"
        );
    }
    // Where no fallback applies, 81044 is transient and 7003 fatal.
    assert_eq!(
        settle(parse_patch(&reply(400, GONE), v4))
            .unwrap_err()
            .class(),
        Class::Transient
    );
    assert_eq!(
        settle(parse_patch(&reply(400, ROUTE_400), v4))
            .unwrap_err()
            .class(),
        Class::Fatal
    );
    let e = settle(parse_patch(&reply(400, &cname_exists()), v4)).unwrap_err();
    assert_eq!(e.class(), Class::Fatal);
    assert!(e.to_string().contains("CNAME"), "{e}");
    // An error nobody documented: retried later, never a success, never a stop.
    let odd = r#"{"success":false,"errors":[{"code":9005,"message":"Content for A record is invalid."}]}"#;
    assert_eq!(
        settle(parse_patch(&reply(400, odd), v4))
            .unwrap_err()
            .class(),
        Class::Transient
    );
    // A lookup has no "no change".
    assert_eq!(
        class(parse_zones(&reply(400, IDENTICAL), "example.com")),
        Class::Transient
    );
}

#[test]
fn informational_messages_are_not_errors() {
    // §4.1: code 10000 in `messages` of a successful reply means nothing.
    assert!(check_reply(&reply(200, VERIFY_OK)).is_ok());
}

#[test]
fn records_are_matched_by_name_and_type_and_content_compared() {
    let body = r#"{"success":true,"errors":[],"messages":[],"result":[{"id":"023e105f4ecef8ad9ca31a8372d0c353","zone_id":"zone111","zone_name":"example.com","name":"host.example.com","type":"A","content":"198.51.100.4","proxiable":true,"proxied":false,"ttl":3600,"locked":false,"comment":null,"tags":[],"created_on":"2014-01-01T05:20:00.12345Z","modified_on":"2014-01-01T05:20:00.12345Z","meta":{"auto_added":false}}],"result_info":{"page":1,"per_page":100,"count":1,"total_count":1,"total_pages":1}}"#;
    assert_eq!(
        parse_records(&reply(200, body), "host.example.com", Family::V4),
        Ok(Some(FoundRecord {
            id: "023e105f4ecef8ad9ca31a8372d0c353".to_string(),
            content: Some(ip("198.51.100.4"))
        }))
    );
    // Listed under another type: not ours.
    assert_eq!(
        parse_records(&reply(200, body), "host.example.com", Family::V6),
        Ok(None)
    );
    let two = r#"{"success":true,"result":[{"id":"a1","name":"host.example.com","type":"A","content":"198.51.100.4"},{"id":"a2","name":"host.example.com","type":"A","content":"198.51.100.5"}]}"#;
    let e = parse_records(&reply(200, two), "host.example.com", Family::V4).unwrap_err();
    assert_eq!(e.class(), Class::Fatal);
    assert!(e.to_string().contains("2 A records"), "{e}");
    // An id that could smuggle a path is refused.
    let evil = r#"{"success":true,"result":[{"id":"../../zones","name":"host.example.com"}]}"#;
    assert_eq!(
        class(parse_records(
            &reply(200, evil),
            "host.example.com",
            Family::V4
        )),
        Class::Transient
    );
    // The PATCH reply echoing another content is not a success.
    let other = r#"{"success":true,"result":{"id":"rec222","content":"198.51.100.9"}}"#;
    assert!(parse_patch(&reply(200, other), ip("198.51.100.4")).is_err());
    let same = r#"{"success":true,"result":{"id":"rec222","content":"2001:db8:0:0::1"}}"#;
    assert_eq!(
        parse_patch(&reply(200, same), ip("2001:db8::1")),
        Ok(Success::Updated)
    );
}

// ---- the flow, against scripted replies ----

/// Answers requests from a list, recording each (redacted form and body).
struct Script {
    replies: RefCell<Vec<Reply>>,
    sent: RefCell<Vec<Request>>,
}

impl Script {
    fn new(replies: &[(u16, &str)]) -> Script {
        Script {
            replies: RefCell::new(replies.iter().rev().map(|(s, b)| reply(*s, b)).collect()),
            sent: RefCell::new(Vec::new()),
        }
    }

    fn run(
        &self,
        c: &Cloudflare,
        addrs: Addrs,
        cache: &mut Cache,
    ) -> Vec<(Family, Result<Success, Error>)> {
        let send = |req: &Request| {
            self.sent.borrow_mut().push(req.clone());
            self.replies
                .borrow_mut()
                .pop()
                .ok_or_else(|| Error::transient("script ran out"))
        };
        c.update_with(&send, addrs, cache)
    }

    /// `METHOD url` of each request sent, the base URL cut off.
    fn lines(&self) -> Vec<String> {
        self.sent
            .borrow()
            .iter()
            .map(|r| {
                let line = r.redacted().lines().next().unwrap().to_string();
                line.replace(BASE, "")
            })
            .collect()
    }
}

const V4: &str = "81.2.69.160";
const V6: &str = "2a01:4f8:10:20::5";

#[test]
fn first_run_looks_up_then_patches_and_caches_the_ids() {
    let s = Script::new(&[(200, ZONES_OK), (200, RECORDS_OK), (200, PATCH_OK)]);
    let mut cache = Cache::default();
    let out = s.run(&cf(None), Addrs::one(ip(V4)), &mut cache);
    assert_eq!(out, vec![(Family::V4, Ok(Success::Updated))]);
    assert_eq!(
        s.lines(),
        [
            "GET /zones?name=example.com",
            "GET /zones/zone111/dns_records?type=A&name=host.example.com",
            "PATCH /zones/zone111/dns_records/rec222",
        ]
    );
    assert_eq!(cache.v4, "example.com/zone111/rec222");
    assert_eq!(cache.v6, "");
}

#[test]
fn cached_ids_cost_one_patch() {
    let s = Script::new(&[(200, PATCH_OK)]);
    let mut cache = Cache {
        v4: "example.com/zone111/rec222".into(),
        v6: String::new(),
    };
    let out = s.run(&cf(None), Addrs::one(ip(V4)), &mut cache);
    assert_eq!(out, vec![(Family::V4, Ok(Success::Updated))]);
    assert_eq!(s.lines(), ["PATCH /zones/zone111/dns_records/rec222"]);
    assert_eq!(cache.v4, "example.com/zone111/rec222");
}

#[test]
fn a_cache_of_another_zone_or_garbage_is_ignored() {
    for stale in [
        "example.org/zone111/rec222",
        "zone111/rec222",
        "example.com/zone111/../x",
        "example.com//rec222",
    ] {
        let s = Script::new(&[(200, ZONES_OK), (200, RECORDS_OK), (200, PATCH_OK)]);
        let mut cache = Cache {
            v4: stale.into(),
            v6: String::new(),
        };
        let out = s.run(&cf(None), Addrs::one(ip(V4)), &mut cache);
        assert_eq!(out, vec![(Family::V4, Ok(Success::Updated))], "{stale}");
        assert_eq!(s.lines().len(), 3, "{stale}");
        assert_eq!(cache.v4, "example.com/zone111/rec222");
    }
}

#[test]
fn a_gone_cached_record_is_looked_up_again_once() {
    for (status, body) in [
        (400, GONE),
        (404, GONE),
        (404, "Not Found"),
        (400, ROUTE_400),
    ] {
        let s = Script::new(&[
            (status, body),
            (200, ZONES_OK),
            (
                200,
                r#"{"success":true,"result":[{"id":"rec999","name":"host.example.com","type":"A","content":"81.2.69.1"}]}"#,
            ),
            (200, r#"{"success":true,"result":{"id":"rec999"}}"#),
        ]);
        let mut cache = Cache {
            v4: "example.com/zone111/rec222".into(),
            v6: String::new(),
        };
        let out = s.run(&cf(None), Addrs::one(ip(V4)), &mut cache);
        assert_eq!(out, vec![(Family::V4, Ok(Success::Updated))], "{body}");
        assert_eq!(
            s.lines(),
            [
                "PATCH /zones/zone111/dns_records/rec222",
                "GET /zones?name=example.com",
                "GET /zones/zone111/dns_records?type=A&name=host.example.com",
                "PATCH /zones/zone111/dns_records/rec999",
            ]
        );
        assert_eq!(cache.v4, "example.com/zone111/rec999");
    }
    // Gone again right after the fresh lookup: no loop, a transient failure.
    let s = Script::new(&[(400, GONE), (200, ZONES_OK), (200, RECORDS_OK), (400, GONE)]);
    let mut cache = Cache {
        v4: "example.com/zone111/rec222".into(),
        v6: String::new(),
    };
    let out = s.run(&cf(None), Addrs::one(ip(V4)), &mut cache);
    assert_eq!(out[0].1.clone().unwrap_err().class(), Class::Transient);
    assert_eq!(s.lines().len(), 4);
    assert_eq!(cache.v4, "", "ids refused are not kept");
}

#[test]
fn a_cached_patch_refused_for_the_token_is_fatal_without_lookups() {
    let s = Script::new(&[(403, NO_DNS_EDIT_403)]);
    let mut cache = Cache {
        v4: "example.com/zone111/rec222".into(),
        v6: String::new(),
    };
    let out = s.run(&cf(None), Addrs::one(ip(V4)), &mut cache);
    assert_eq!(out[0].1.clone().unwrap_err().class(), Class::Fatal);
    assert_eq!(s.lines().len(), 1);
    assert_eq!(cache.v4, "example.com/zone111/rec222", "the ids stay");
}

#[test]
fn a_record_that_already_holds_the_address_is_not_patched() {
    let body = r#"{"success":true,"result":[{"id":"rec222","name":"host.example.com","type":"A","content":"81.2.69.160"}]}"#;
    let s = Script::new(&[(200, ZONES_OK), (200, body)]);
    let mut cache = Cache::default();
    let out = s.run(&cf(None), Addrs::one(ip(V4)), &mut cache);
    assert_eq!(out, vec![(Family::V4, Ok(Success::NoChange))]);
    assert_eq!(s.lines().len(), 2);
    assert_eq!(cache.v4, "example.com/zone111/rec222");
    // 81058 to the PATCH means the same.
    let s = Script::new(&[(400, IDENTICAL)]);
    let mut cache = Cache {
        v4: "example.com/zone111/rec222".into(),
        v6: String::new(),
    };
    let out = s.run(&cf(None), Addrs::one(ip(V4)), &mut cache);
    assert_eq!(out, vec![(Family::V4, Ok(Success::NoChange))]);
}

#[test]
fn dual_stack_shares_one_zone_lookup() {
    let s = Script::new(&[
        (200, ZONES_OK),
        (200, RECORDS_OK),
        (200, PATCH_OK),
        (
            200,
            r#"{"success":true,"result":[{"id":"rec333","name":"host.example.com"}]}"#,
        ),
        (200, r#"{"success":true,"result":{"id":"rec333"}}"#),
    ]);
    let mut addrs = Addrs::one(ip(V4));
    addrs.set(ip(V6));
    let mut cache = Cache::default();
    let out = s.run(&cf(None), addrs, &mut cache);
    assert_eq!(
        out,
        vec![
            (Family::V4, Ok(Success::Updated)),
            (Family::V6, Ok(Success::Updated))
        ]
    );
    assert_eq!(
        s.lines(),
        [
            "GET /zones?name=example.com",
            "GET /zones/zone111/dns_records?type=A&name=host.example.com",
            "PATCH /zones/zone111/dns_records/rec222",
            "GET /zones/zone111/dns_records?type=AAAA&name=host.example.com",
            "PATCH /zones/zone111/dns_records/rec333",
        ]
    );
    assert_eq!(cache.v6, "example.com/zone111/rec333");
}

#[test]
fn a_failed_zone_lookup_is_not_repeated_for_the_second_family() {
    let s = Script::new(&[(403, BAD_TOKEN_403)]);
    let mut addrs = Addrs::one(ip(V4));
    addrs.set(ip(V6));
    let out = s.run(&cf(None), addrs, &mut Cache::default());
    assert_eq!(s.lines().len(), 1);
    assert_eq!(out.len(), 2);
    for (_, r) in out {
        assert_eq!(r.unwrap_err().class(), Class::Fatal);
    }
}

#[test]
fn cached_ipv4_ids_spare_the_zone_lookup_for_ipv6() {
    let s = Script::new(&[
        (200, PATCH_OK),
        (
            200,
            r#"{"success":true,"result":[{"id":"rec333","name":"host.example.com"}]}"#,
        ),
        (200, r#"{"success":true,"result":{"id":"rec333"}}"#),
    ]);
    let mut addrs = Addrs::one(ip(V4));
    addrs.set(ip(V6));
    let mut cache = Cache {
        v4: "example.com/zone111/rec222".into(),
        v6: String::new(),
    };
    let out = s.run(&cf(None), addrs, &mut cache);
    assert!(out.iter().all(|(_, r)| r.is_ok()), "{out:?}");
    assert_eq!(
        s.lines(),
        [
            "PATCH /zones/zone111/dns_records/rec222",
            "GET /zones/zone111/dns_records?type=AAAA&name=host.example.com",
            "PATCH /zones/zone111/dns_records/rec333",
        ]
    );
}

#[test]
fn a_missing_record_is_fatal_unless_created() {
    let s = Script::new(&[(200, ZONES_OK), (200, EMPTY)]);
    let out = s.run(&cf(None), Addrs::one(ip(V4)), &mut Cache::default());
    let e = out[0].1.clone().unwrap_err();
    assert_eq!(e.class(), Class::Fatal);
    assert!(
        e.to_string().contains("no A record named host.example.com"),
        "{e}"
    );
    assert!(e.to_string().contains("create = true"), "{e}");

    let auto = NewRecord {
        ttl: 1,
        proxied: false,
    };
    let created = r#"{"success":true,"errors":[],"messages":[],"result":{"id":"rec444","name":"host.example.com","type":"A","content":"81.2.69.160","proxied":false,"ttl":1}}"#;
    let s = Script::new(&[(200, ZONES_OK), (200, EMPTY), (200, created)]);
    let mut cache = Cache::default();
    let out = s.run(&cf(Some(auto)), Addrs::one(ip(V4)), &mut cache);
    assert_eq!(out, vec![(Family::V4, Ok(Success::Updated))]);
    assert_eq!(s.lines()[2], "POST /zones/zone111/dns_records");
    assert_eq!(
        s.sent.borrow()[2].body.as_deref(),
        Some(&br#"{"type":"A","name":"host.example.com","content":"81.2.69.160","ttl":1,"proxied":false}"#[..])
    );
    assert_eq!(cache.v4, "example.com/zone111/rec444");
}

#[test]
fn create_racing_another_client_relists_then_patches() {
    let auto = NewRecord {
        ttl: 1,
        proxied: false,
    };
    let s = Script::new(&[
        (200, ZONES_OK),
        (200, EMPTY),
        (400, EXISTS),
        (200, RECORDS_OK),
        (200, PATCH_OK),
    ]);
    let mut cache = Cache::default();
    let out = s.run(&cf(Some(auto)), Addrs::one(ip(V4)), &mut cache);
    assert_eq!(out, vec![(Family::V4, Ok(Success::Updated))]);
    assert_eq!(
        s.lines(),
        [
            "GET /zones?name=example.com",
            "GET /zones/zone111/dns_records?type=A&name=host.example.com",
            "POST /zones/zone111/dns_records",
            "GET /zones/zone111/dns_records?type=A&name=host.example.com",
            "PATCH /zones/zone111/dns_records/rec222",
        ]
    );
    assert_eq!(cache.v4, "example.com/zone111/rec222");
    // Exists but still not listed: a transient failure, no further request.
    let s = Script::new(&[(200, ZONES_OK), (200, EMPTY), (400, EXISTS), (200, EMPTY)]);
    let out = s.run(&cf(Some(auto)), Addrs::one(ip(V4)), &mut Cache::default());
    assert_eq!(out[0].1.clone().unwrap_err().class(), Class::Transient);
    assert_eq!(s.lines().len(), 4);
    // 81058 to the create: already there as wanted.
    let s = Script::new(&[(200, ZONES_OK), (200, EMPTY), (400, IDENTICAL)]);
    let out = s.run(&cf(Some(auto)), Addrs::one(ip(V4)), &mut Cache::default());
    assert_eq!(out, vec![(Family::V4, Ok(Success::NoChange))]);
}

#[test]
fn transport_failures_are_transient() {
    let s = Script::new(&[]);
    let out = s.run(&cf(None), Addrs::one(ip(V4)), &mut Cache::default());
    assert_eq!(out[0].1.clone().unwrap_err().class(), Class::Transient);
}

// ---- config ----

fn config(record: &str) -> Result<crate::config::Config, Error> {
    let text = format!("[[record]]\nprovider = \"cloudflare\"\n{record}");
    crate::config::parse_config(&text, std::path::Path::new("/etc/ddnsup/config.toml"))
}

fn config_err(record: &str) -> String {
    match config(record) {
        Ok(_) => panic!("accepted:\n{record}"),
        Err(e) => {
            assert_eq!(e.exit_code(), 2, "{e}");
            e.to_string()
        }
    }
}

const GOOD: &str = "zone = \"example.com\"\nname = \"home.example.com\"\ntoken = \"tok\"\n";

#[test]
fn config_minimal_and_full() {
    let c = config(GOOD).unwrap();
    let r = &c.records[0];
    assert_eq!(r.label(), "home.example.com (cloudflare)");
    assert!(r.provider.supports_v6());
    let first = &r.provider.plan(Addrs::one(ip(V4)))[0].request;
    assert_eq!(
        first.wire_url(),
        "https://api.cloudflare.com/client/v4/zones?name=example.com"
    );

    let full = "zone = \"Example.COM.\"\nname = \"*.Example.com\"\ntoken = \"tok\"\ncreate = true\nttl = 300\nproxied = true\nfamily = \"both\"\nserver = \"https://127.0.0.1:8443\"\n";
    let c = config(full).unwrap();
    let r = &c.records[0];
    assert_eq!(r.provider.fqdn(), "*.example.com");
    let first = &r.provider.plan(Addrs::one(ip(V4)))[0].request;
    assert_eq!(
        first.wire_url(),
        "https://127.0.0.1:8443/client/v4/zones?name=example.com"
    );
    // A server with a path is the whole base.
    let c = config(&format!("{GOOD}server = \"https://mock.example/cf/v4/\"\n")).unwrap();
    let first = &c.records[0].provider.plan(Addrs::one(ip(V4)))[0].request;
    assert_eq!(
        first.wire_url(),
        "https://mock.example/cf/v4/zones?name=example.com"
    );
    // The apex is inside its zone.
    assert!(config("zone = \"example.com\"\nname = \"example.com\"\ntoken = \"t\"\n").is_ok());
    assert!(config(&format!("{GOOD}create = true\nttl = 1\n")).is_ok());
    assert!(config(&format!("{GOOD}create = true\nttl = 86400\n")).is_ok());
}

#[test]
fn config_mistakes_name_record_and_key() {
    let e = config_err("zone = \"example.com\"\nname = \"home.example.com\"\n");
    assert!(
        e.contains("record 1 (cloudflare): missing key \"token\" (or \"token_file\")"),
        "{e}"
    );
    let e = config_err("name = \"home.example.com\"\ntoken = \"t\"\n");
    assert!(
        e.contains("record 1 (cloudflare): missing key \"zone\""),
        "{e}"
    );
    let e = config_err("zone = \"example.com\"\ntoken = \"t\"\n");
    assert!(e.contains("missing key \"name\""), "{e}");
    let e = config_err("zone = \"example.com\"\nname = \"home.example.org\"\ntoken = \"t\"\n");
    assert!(
        e.contains("key \"name\"") && e.contains("not inside zone \"example.com\""),
        "{e}"
    );
    let e = config_err("zone = \"example.com\"\nname = \"homeexample.com\"\ntoken = \"t\"\n");
    assert!(e.contains("not inside zone"), "{e}");
    let e = config_err("zone = \"example.com\"\nname = \"home\"\ntoken = \"t\"\n");
    assert!(e.contains("key \"name\""), "{e}");
    let e = config_err(&format!("{GOOD}ttl = 300\n"));
    assert!(
        e.contains("key \"ttl\"") && e.contains("create = true"),
        "{e}"
    );
    let e = config_err(&format!("{GOOD}proxied = true\n"));
    assert!(e.contains("key \"proxied\""), "{e}");
    let e = config_err(&format!("{GOOD}create = true\nttl = 30\n"));
    assert!(e.contains("key \"ttl\"") && e.contains("30"), "{e}");
    let e = config_err(&format!("{GOOD}create = true\nttl = 86401\n"));
    assert!(e.contains("key \"ttl\""), "{e}");
    let e = config_err(&format!("{GOOD}create = \"yes\"\n"));
    assert!(e.contains("key \"create\"") && e.contains("boolean"), "{e}");
    let e = config_err(&format!("{GOOD}proxy = true\n"));
    assert!(e.contains("unknown key \"proxy\""), "{e}");
    let e = config_err(&format!("{GOOD}server = \"http://api.example\"\n"));
    assert!(e.contains("key \"server\""), "{e}");
    let e = config_err("zone = \"example.com\"\nname = \"home.example.com\"\ntoken = \"a b\"\n");
    assert!(e.contains("key \"token\"") && !e.contains("a b"), "{e}");
    let e = config_err("zone = \"münchen.de\"\nname = \"home.münchen.de\"\ntoken = \"t\"\n");
    assert!(e.contains("xn--"), "{e}");
    let e = config_err("zone = \"ex ample.com\"\nname = \"home.example.com\"\ntoken = \"t\"\n");
    assert!(e.contains("key \"zone\""), "{e}");
    let e = config_err("zone = \"example.com\"\nname = \"a.*.example.com\"\ntoken = \"t\"\n");
    assert!(e.contains("key \"name\""), "{e}");
}

#[test]
fn dns_names() {
    assert_eq!(
        parse_dns_name("Home.Example.com.", false),
        Ok("home.example.com".to_string())
    );
    assert_eq!(
        parse_dns_name("*.example.com", true),
        Ok("*.example.com".to_string())
    );
    assert!(parse_dns_name("*.example.com", false).is_err());
    assert!(parse_dns_name("a..example.com", false).is_err());
    assert!(parse_dns_name("com", false).is_err());
    assert!(parse_dns_name(&format!("{}.com", "a".repeat(64)), false).is_err());
    assert!(parse_dns_name("a/b.example.com", false).is_err());
    assert!(valid_id("023e105f4ecef8ad9ca31a8372d0c353"));
    assert!(!valid_id(""));
    assert!(!valid_id("a/b"));
    assert!(!valid_id("<zone_id>"));
    assert!(!valid_id(&"a".repeat(65)));
}

#[test]
fn no_prefix_of_a_reply_is_a_success_or_a_panic() {
    let created = r#"{"success":true,"result":{"id":"rec444","name":"host.example.com","type":"A","content":"192.0.2.1","comment":null,"tags":[],"meta":{"a":[1,{"b":null}]}}}"#;
    for full in [
        ZONES_OK,
        RECORDS_OK,
        PATCH_OK,
        created,
        &malformed_token(),
        RATE,
    ] {
        for end in 0..full.len() {
            if !full.is_char_boundary(end) {
                continue;
            }
            let r = reply(200, &full[..end]);
            assert!(parse_zones(&r, "example.com").is_err());
            assert!(parse_records(&r, "host.example.com", Family::V4).is_err());
            assert!(parse_patch(&r, ip("192.0.2.1")).is_err());
            assert!(parse_created(&r).is_err());
        }
    }
}
