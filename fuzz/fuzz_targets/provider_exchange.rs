//! The providers whose update is several requests (Cloudflare, Gandi, DigitalOcean, Porkbun,
//! Alibaba Cloud DNS, DNSPod, GoDaddy, IONOS, NameSilo, Name.com, Spaceship, Linode, Scaleway,
//! Route 53), each step's reply fuzzed. The first line names the provider, the addresses and
//! the cached ids
//! (`cloudflare 81.2.69.160 2a01:4f8::5 cache4=example.com/a/b`); then the replies in turn,
//! separated by NUL bytes (see `support::replies`). When they run out, the send fails.
#![no_main]
use ddnsup_fuzz::error::Error;
use ddnsup_fuzz::family::Family;
use ddnsup_fuzz::fields::Fields;
use ddnsup_fuzz::http::{Reply, Request};
use ddnsup_fuzz::provider::aliyun::{Aliyun, Stamp};
use ddnsup_fuzz::provider::api::SendFn;
use ddnsup_fuzz::provider::cloudflare::Cloudflare;
use ddnsup_fuzz::provider::digitalocean::DigitalOcean;
use ddnsup_fuzz::provider::dnspod::DnsPod;
use ddnsup_fuzz::provider::gandi::Gandi;
use ddnsup_fuzz::provider::godaddy::GoDaddy;
use ddnsup_fuzz::provider::ionos::Ionos;
use ddnsup_fuzz::provider::linode::Linode;
use ddnsup_fuzz::provider::namecom::NameCom;
use ddnsup_fuzz::provider::namesilo::NameSilo;
use ddnsup_fuzz::provider::porkbun::Porkbun;
use ddnsup_fuzz::provider::route53::Route53;
use ddnsup_fuzz::provider::scaleway::Scaleway;
use ddnsup_fuzz::provider::spaceship::Spaceship;
use ddnsup_fuzz::provider::{Addrs, Cache};
use ddnsup_fuzz::support::{addrs_of, first_line, record_keys, replies};
use ddnsup_fuzz::toml;
use libfuzzer_sys::fuzz_target;
use std::cell::RefCell;
use std::path::PathBuf;
use std::sync::OnceLock;

/// More requests than any exchange may send for one family.
const MAX_STEPS_PER_FAMILY: usize = 6;

struct Providers {
    cloudflare: Cloudflare,
    gandi: Gandi,
    digitalocean: DigitalOcean,
    porkbun: Porkbun,
    route53: Route53,
    aliyun: Aliyun,
    dnspod: DnsPod,
    godaddy: GoDaddy,
    ionos: Ionos,
    namesilo: NameSilo,
    namecom: NameCom,
    spaceship: Spaceship,
    linode: Linode,
    scaleway: Scaleway,
}

fn build<T>(name: &str, make: fn(&mut Fields) -> Result<T, Error>) -> T {
    let text = format!("family = \"both\"\n{}", record_keys(name));
    let table = toml::parse(&text).unwrap();
    let mut f = Fields::new(name.to_string(), &table, PathBuf::from("/etc/ddnsup"));
    make(&mut f).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn providers() -> &'static Providers {
    static P: OnceLock<Providers> = OnceLock::new();
    P.get_or_init(|| Providers {
        cloudflare: build("cloudflare", Cloudflare::from_config),
        gandi: build("gandi", Gandi::from_config),
        digitalocean: build("digitalocean", DigitalOcean::from_config),
        porkbun: build("porkbun", Porkbun::from_config),
        route53: build("route53", Route53::from_config),
        aliyun: build("aliyun", Aliyun::from_config),
        dnspod: build("dnspod", DnsPod::from_config),
        godaddy: build("godaddy", GoDaddy::from_config),
        ionos: build("ionos", Ionos::from_config),
        namesilo: build("namesilo", NameSilo::from_config),
        namecom: build("namecom", NameCom::from_config),
        spaceship: build("spaceship", Spaceship::from_config),
        linode: build("linode", Linode::from_config),
        scaleway: build("scaleway", Scaleway::from_config),
    })
}

/// Runs `each` per address with a send that answers from `answers`; returns the requests sent.
fn per_family(
    addrs: Addrs,
    answers: &RefCell<std::vec::IntoIter<Reply>>,
    mut each: impl FnMut(&mut SendFn, std::net::IpAddr),
) -> usize {
    let mut sent = 0;
    for ip in addrs.list() {
        let mut send = |_: &Request| {
            sent += 1;
            answers
                .borrow_mut()
                .next()
                .ok_or_else(|| Error::transient("no more replies"))
        };
        each(&mut send, ip);
    }
    sent
}

fuzz_target!(|data: &[u8]| {
    let (line, rest) = first_line(data);
    let words: Vec<&str> = line.split_whitespace().collect();
    let Some((name, args)) = words.split_first() else {
        return;
    };
    let addrs = addrs_of(args);
    let mut cache = Cache::default();
    for w in args {
        if let Some(v) = w.strip_prefix("cache4=") {
            cache.set(Family::V4, v.to_string());
        } else if let Some(v) = w.strip_prefix("cache6=") {
            cache.set(Family::V6, v.to_string());
        }
    }
    let limit = MAX_STEPS_PER_FAMILY * addrs.list().len();
    let answers = RefCell::new(replies(rest, limit + 1).into_iter());
    let p = providers();
    let sent = match *name {
        "cloudflare" => {
            let sent = RefCell::new(0);
            let send = |_: &Request| {
                *sent.borrow_mut() += 1;
                answers
                    .borrow_mut()
                    .next()
                    .ok_or_else(|| Error::transient("no more replies"))
            };
            let results = p.cloudflare.update_with(&send, addrs, &mut cache);
            assert_eq!(results.len(), addrs.list().len());
            sent.into_inner()
        }
        "gandi" => per_family(addrs, &answers, |send, ip| {
            let _ = p.gandi.update_family(send, ip);
        }),
        "digitalocean" => per_family(addrs, &answers, |send, ip| {
            let family = Family::of(ip);
            let mut id = cache.get(family).to_string();
            let _ = p.digitalocean.update_family(send, ip, &mut id);
            cache.set(family, id);
        }),
        "porkbun" => per_family(addrs, &answers, |send, ip| {
            let _ = p.porkbun.update_family(send, ip);
        }),
        "route53" => {
            let mut sent = 0;
            let mut send = |_: &Request| {
                sent += 1;
                answers
                    .borrow_mut()
                    .next()
                    .ok_or_else(|| Error::transient("no more replies"))
            };
            let results = p.route53.update_with(&mut send, addrs, &mut cache, 0);
            assert_eq!(results.len(), addrs.list().len());
            sent
        }
        "aliyun" => per_family(addrs, &answers, |send, ip| {
            let family = Family::of(ip);
            let mut id = cache.get(family).to_string();
            let _ = p.aliyun.update_family(send, ip, &mut id, &mut Stamp::fresh);
            cache.set(family, id);
        }),
        "dnspod" => per_family(addrs, &answers, |send, ip| {
            let family = Family::of(ip);
            let mut id = cache.get(family).to_string();
            let _ = p
                .dnspod
                .update_family(send, ip, &mut id, &mut || 1_551_113_065);
            cache.set(family, id);
        }),
        "godaddy" => per_family(addrs, &answers, |send, ip| {
            let family = Family::of(ip);
            let mut known = cache.get(family).to_string();
            let _ = p.godaddy.update_family(send, ip, &mut known);
            cache.set(family, known);
        }),
        "ionos" => {
            let mut zone = String::new();
            per_family(addrs, &answers, |send, ip| {
                let family = Family::of(ip);
                let mut known = cache.get(family).to_string();
                let _ = p.ionos.update_family(send, ip, &mut known, &mut zone);
                cache.set(family, known);
            })
        }
        "namesilo" => per_family(addrs, &answers, |send, ip| {
            let family = Family::of(ip);
            let mut known = cache.get(family).to_string();
            let _ = p.namesilo.update_family(send, ip, &mut known);
            cache.set(family, known);
        }),
        "namecom" => per_family(addrs, &answers, |send, ip| {
            let family = Family::of(ip);
            let mut id = cache.get(family).to_string();
            let _ = p.namecom.update_family(send, ip, &mut id);
            cache.set(family, id);
        }),
        "spaceship" => per_family(addrs, &answers, |send, ip| {
            let _ = p.spaceship.update_family(send, ip);
        }),
        "linode" => per_family(addrs, &answers, |send, ip| {
            let family = Family::of(ip);
            let mut ids = cache.get(family).to_string();
            let _ = p.linode.update_family(send, ip, &mut ids);
            cache.set(family, ids);
        }),
        "scaleway" => per_family(addrs, &answers, |send, ip| {
            let family = Family::of(ip);
            let mut seen = cache.get(family).to_string();
            let _ = p.scaleway.update_family(send, ip, &mut seen);
            cache.set(family, seen);
        }),
        _ => return,
    };
    assert!(sent <= limit, "{name} sent {sent} requests for {addrs:?}");
});
