//! The provider trait and the registry: one `match` from a config name to an implementation.
pub mod aliases;
#[cfg(feature = "api")]
pub mod aliyun;
#[cfg(feature = "api")]
pub mod api;
#[cfg(feature = "api")]
pub mod cloudflare;
pub mod custom;
pub mod desec;
#[cfg(feature = "api")]
pub mod digitalocean;
#[cfg(feature = "api")]
pub mod dnspod;
pub mod duckdns;
pub mod dyndns2;
pub mod dynv6;
pub mod freedns;
#[cfg(feature = "api")]
pub mod gandi;
#[cfg(feature = "api")]
pub mod godaddy;
#[cfg(feature = "api")]
pub mod hetzner;
#[cfg(feature = "api")]
pub mod ionos;
#[cfg(feature = "api")]
pub mod linode;
pub mod namecheap;
#[cfg(feature = "api")]
pub mod namecom;
pub mod names;
#[cfg(feature = "api")]
pub mod namesilo;
#[cfg(feature = "api")]
pub mod netcup;
#[cfg(feature = "api")]
pub mod porkbun;
pub mod presets;
pub mod reply;
pub mod rfc2136;
#[cfg(feature = "api")]
pub mod route53;
#[cfg(feature = "api")]
pub mod scaleway;
#[cfg(feature = "api")]
pub mod sign_acs;
#[cfg(feature = "api")]
pub mod sign_tc3;
#[cfg(feature = "api")]
pub mod sigv4;
#[cfg(feature = "api")]
pub mod spaceship;
#[cfg(test)]
mod testutil;
pub mod xml;

pub use reply::*;

use crate::error::Error;
use crate::family::Family;
use crate::fields::Fields;
use crate::http::{Client, Reply, Request};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// What a provider answered to an update that went through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Success {
    /// The record now holds the address.
    Updated,
    /// The provider says the record already held it (`nochg`).
    NoChange,
}

/// The addresses one update sets: at most one per family.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Addrs {
    pub v4: Option<Ipv4Addr>,
    pub v6: Option<Ipv6Addr>,
}

impl Addrs {
    pub fn one(ip: IpAddr) -> Addrs {
        let mut a = Addrs::default();
        a.set(ip);
        a
    }

    pub fn set(&mut self, ip: IpAddr) {
        match ip {
            IpAddr::V4(v4) => self.v4 = Some(v4),
            IpAddr::V6(v6) => self.v6 = Some(v6),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.v4.is_none() && self.v6.is_none()
    }

    /// The IPv4 address alone, for services without IPv6 updates.
    pub fn v4_only(self) -> Addrs {
        Addrs { v6: None, ..self }
    }

    /// The addresses, IPv4 first.
    pub fn list(&self) -> Vec<IpAddr> {
        self.v4
            .map(IpAddr::V4)
            .into_iter()
            .chain(self.v6.map(IpAddr::V6))
            .collect()
    }

    pub fn families(&self) -> Vec<Family> {
        self.list().into_iter().map(Family::of).collect()
    }
}

/// What a provider remembers between runs, per family (e.g. a zone and record id), kept in
/// the state file. Empty until the provider writes it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Cache {
    pub v4: String,
    pub v6: String,
}

impl Cache {
    pub fn get(&self, family: Family) -> &str {
        match family {
            Family::V4 => &self.v4,
            Family::V6 => &self.v6,
        }
    }

    pub fn set(&mut self, family: Family, value: String) {
        match family {
            Family::V4 => self.v4 = value,
            Family::V6 => self.v6 = value,
        }
    }
}

/// One request of an update and the addresses its answer speaks for.
pub struct Planned {
    pub request: Request,
    pub sets: Addrs,
}

impl Planned {
    /// One request for all of `addrs` (both families at once); none when there is nothing to set.
    pub fn together(addrs: Addrs, build: impl FnOnce(Addrs) -> Request) -> Vec<Planned> {
        if addrs.is_empty() {
            return Vec::new();
        }
        vec![Planned {
            request: build(addrs),
            sets: addrs,
        }]
    }

    /// One request per address, IPv4 first.
    pub fn each(addrs: Addrs, build: impl Fn(IpAddr) -> Request) -> Vec<Planned> {
        Planned::each_dyn(addrs, &build)
    }

    /// The body of [`Planned::each`], once for every provider rather than a copy per provider.
    fn each_dyn(addrs: Addrs, build: &dyn Fn(IpAddr) -> Request) -> Vec<Planned> {
        addrs
            .list()
            .into_iter()
            .map(|ip| Planned {
                request: build(ip),
                sets: Addrs::one(ip),
            })
            .collect()
    }
}

/// A DNS provider: builds its requests from a validated record, and reads the answers.
pub trait Provider: Send + Sync {
    /// The name a person knows the record by, e.g. `home.example.com`.
    fn fqdn(&self) -> String;
    /// Whether it can set AAAA records.
    fn supports_v6(&self) -> bool {
        false
    }
    /// The requests an update to `addrs` sends (what `--dry-run` prints). Pure.
    fn plan(&self, addrs: Addrs) -> Vec<Planned>;
    /// What an update to `addrs` does, for `--dry-run`, when it is not an HTTP request
    /// (never a secret). Pure.
    fn describe(&self, _addrs: Addrs) -> Vec<String> {
        Vec::new()
    }
    /// Reads the reply to a planned request that set `sets`. Pure. Providers whose `update`
    /// drives its own exchange (not HTTP, or several steps) need not read a single reply.
    fn parse_reply(&self, _reply: &Reply, _sets: Addrs) -> Result<Success, Error> {
        Err(Error::fatal(
            "this provider has no single HTTP reply to read",
        ))
    }
    /// Sends the update: each family's outcome, already classified transient or fatal.
    /// Providers with a multi-step API override this and may keep ids in `cache`.
    fn update(
        &self,
        client: &Client,
        addrs: Addrs,
        _cache: &mut Cache,
    ) -> Vec<(Family, Result<Success, Error>)> {
        let mut out = Vec::new();
        for planned in self.plan(addrs) {
            let result = client
                .send(&planned.request)
                .and_then(|reply| self.parse_reply(&reply, planned.sets));
            for family in planned.sets.families() {
                out.push((family, result.clone()));
            }
        }
        out
    }
}

/// A provider's constructor from its record's keys.
type Build = fn(&mut Fields) -> Result<Box<dyn Provider>, Error>;

fn boxed<P: Provider + 'static>(p: Result<P, Error>) -> Result<Box<dyn Provider>, Error> {
    p.map(|p| Box::new(p) as Box<dyn Provider>)
}

/// The registry: one line per provider with its own code. The API providers can be left out
/// of a router build (`--no-default-features`); dyndns2-style services are preset rows.
const PROVIDERS: &[(&str, Build)] = &[
    ("namecheap", |f| boxed(namecheap::Namecheap::from_config(f))),
    ("duckdns", |f| boxed(duckdns::DuckDns::from_config(f))),
    #[cfg(feature = "api")]
    ("cloudflare", |f| {
        boxed(cloudflare::Cloudflare::from_config(f))
    }),
    ("dyndns2", |f| boxed(dyndns2::Dyndns2::from_config(None, f))),
    ("custom", |f| boxed(custom::Custom::from_config(None, f))),
    ("desec", |f| boxed(desec::Desec::from_config(f))),
    ("dynv6", |f| boxed(dynv6::Dynv6::from_config(f))),
    ("freedns", |f| boxed(freedns::FreeDns::from_config(f))),
    #[cfg(feature = "api")]
    ("porkbun", |f| boxed(porkbun::Porkbun::from_config(f))),
    #[cfg(feature = "api")]
    ("gandi", |f| boxed(gandi::Gandi::from_config(f))),
    #[cfg(feature = "api")]
    ("digitalocean", |f| {
        boxed(digitalocean::DigitalOcean::from_config(f))
    }),
    ("rfc2136", |f| boxed(rfc2136::Rfc2136::from_config(f))),
    #[cfg(feature = "api")]
    ("hetzner", |f| boxed(hetzner::Hetzner::from_config(f))),
    #[cfg(feature = "api")]
    ("netcup", |f| boxed(netcup::Netcup::from_config(f))),
    #[cfg(feature = "api")]
    ("route53", |f| boxed(route53::Route53::from_config(f))),
    #[cfg(feature = "api")]
    ("aliyun", |f| boxed(aliyun::Aliyun::from_config(f))),
    #[cfg(feature = "api")]
    ("dnspod", |f| boxed(dnspod::DnsPod::from_config(f))),
    #[cfg(feature = "api")]
    ("godaddy", |f| boxed(godaddy::GoDaddy::from_config(f))),
    #[cfg(feature = "api")]
    ("ionos", |f| boxed(ionos::Ionos::from_config(f))),
    #[cfg(feature = "api")]
    ("namesilo", |f| boxed(namesilo::NameSilo::from_config(f))),
    #[cfg(feature = "api")]
    ("namecom", |f| boxed(namecom::NameCom::from_config(f))),
    #[cfg(feature = "api")]
    ("spaceship", |f| boxed(spaceship::Spaceship::from_config(f))),
    #[cfg(feature = "api")]
    ("linode", |f| boxed(linode::Linode::from_config(f))),
    #[cfg(feature = "api")]
    ("scaleway", |f| boxed(scaleway::Scaleway::from_config(f))),
];

/// Every provider name this build knows, presets last.
pub fn provider_names() -> Vec<&'static str> {
    let mut names: Vec<&str> = PROVIDERS.iter().map(|(n, _)| *n).collect();
    names.extend(dyndns2::preset_names());
    names.extend(presets::preset_names());
    names
}

/// The provider a name stands for in this build (a registry line, else a preset), built.
fn build(name: &str, fields: &mut Fields) -> Option<Result<Box<dyn Provider>, Error>> {
    if let Some((_, build)) = PROVIDERS.iter().find(|(n, _)| *n == name) {
        return Some(build(fields));
    }
    if let Some(preset) = dyndns2::preset(name) {
        return Some(boxed(dyndns2::Dyndns2::from_config(Some(preset), fields)));
    }
    let preset = presets::preset(name)?;
    Some(boxed(custom::Custom::from_config(Some(preset), fields)))
}

/// An unknown provider name: the nearest known one when it is a likely typo (case ignored),
/// else the providers with code of their own (the presets and service names are in the README).
fn unknown_provider(name: &str, lower: &str) -> Error {
    let names = provider_names();
    let aliases = aliases::ALIASES.iter().map(|(n, _)| *n);
    let nearest = names
        .iter()
        .copied()
        .chain(aliases)
        .map(|known| (crate::fields::edit_distance(lower, known), known))
        .min();
    match nearest {
        Some((distance, known)) if distance <= 2 => Error::Config(format!(
            "unknown provider \"{name}\" (did you mean \"{known}\"?)"
        )),
        _ => Error::Config(format!(
            "unknown provider \"{name}\": one of {}, a preset or a ddns-scripts service name (see the README)",
            PROVIDERS
                .iter()
                .map(|(n, _)| *n)
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

/// Builds the provider named in a record's `provider` key (any case): a registry line, a
/// preset, or a ddns-scripts service name standing for one of them.
pub fn from_config(name: &str, fields: &mut Fields) -> Result<Box<dyn Provider>, Error> {
    let lower = name.to_ascii_lowercase();
    if let Some(built) = build(&lower, fields) {
        return built;
    }
    let not_built = |target: &str| {
        Error::Config(format!(
            "provider \"{target}\" is not in this build (API providers need the `api` feature)"
        ))
    };
    match aliases::alias(&lower) {
        Some(aliases::Alias::To(target)) => {
            build(target, fields).unwrap_or_else(|| Err(not_built(target)))
        }
        Some(aliases::Alias::Gone(why) | aliases::Alias::Unserved(why)) => Err(Error::Config(
            format!("ddns-scripts service \"{lower}\" is not served: {why}"),
        )),
        None if aliases::is_target(&lower) => Err(not_built(&lower)),
        None => Err(unknown_provider(name, &lower)),
    }
}
