//! The Cloudflare update flow against scripted replies: cached ids, lookups, stale ids,
//! creates, and one zone lookup for both families.
use super::tests::{
    BAD_TOKEN_403, BASE, EMPTY, EXISTS, GONE, IDENTICAL, NO_DNS_EDIT_403, PATCH_OK, RECORDS_OK,
    ROUTE_400, V4, V6, ZONES_OK, cf, ip, reply,
};
use super::*;
use crate::error::Class;
use std::cell::RefCell;

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
