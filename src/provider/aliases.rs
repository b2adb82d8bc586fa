//! OpenWrt ddns-scripts service names (`/usr/share/ddns/default/*.json`, as listed in
//! `tests/data/ddns-scripts-services.md`): the ddnsup provider or preset each one means, or why
//! ddnsup does not serve it.

/// What a ddns-scripts service name stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Alias {
    /// A ddnsup provider or preset (maybe not in this build: see `provider::from_config`).
    To(&'static str),
    /// The service is gone; why.
    Gone(&'static str),
    /// ddnsup has no way to speak to it; why.
    Unserved(&'static str),
}

use Alias::{Gone, To, Unserved};

const OWN_API: &str = "it speaks its own API, for which ddnsup has no provider";
/// Unlike mythic-beasts.com-v2, whose `ipv4.`/`ipv6.` hosts fix the family the server sees.
const NO_ADDRESS: &str = "its update carries no address and no fixed family: the server would publish the connection's address, not the one ddnsup found";

/// Every service of ddns-scripts, by its name there (lowercase), one row each.
pub const ALIASES: &[(&str, Alias)] = &[
    ("3322.org", To("3322")),
    ("afraid.org-basicauth", To("afraid-dyndns")),
    ("afraid.org-keyauth", To("afraid.org-keyauth")),
    ("afraid.org-v2-basic", To("afraid.org-v2-basic")),
    ("afraid.org-v2-token", To("freedns")),
    ("aliyun.com", To("aliyun")),
    ("all-inkl.com", To("all-inkl")),
    ("apertodns.com-token", To("apertodns-token")),
    ("apertodns.com", To("apertodns")),
    ("beget.com", Unserved(OWN_API)),
    ("bind-nsupdate", To("rfc2136")),
    ("blazingfast.io", Unserved(OWN_API)),
    ("changeip.com", To("changeip")),
    ("cloud.google.com-v1", Unserved(OWN_API)),
    ("cloudflare.com-v4", To("cloudflare")),
    ("cnkuai.cn", Unserved(OWN_API)),
    ("core-networks.de", To("core-networks")),
    ("ddnss.de", To("ddnss.de")),
    ("ddo.jp", To("ddo.jp")),
    ("desec.io", To("desec")),
    ("dhis.org", Unserved(NO_ADDRESS)),
    ("digitalocean.com-v2", To("digitalocean")),
    (
        "dnsdynamic.org",
        Gone("DNSdynamic is gone (no service at dnsdynamic.org)"),
    ),
    ("dnsever.com", Unserved(NO_ADDRESS)),
    ("dnsexit.com", To("dnsexit.com")),
    ("dnshome.de", To("dnshome")),
    ("dnsmadeeasy.com", To("dnsmadeeasy.com")),
    ("dnsmax.com", To("dnsmax.com")),
    ("dnsomatic.com", To("dnsomatic")),
    (
        "dnspark.com",
        Gone("DNSPark is gone (no service at dnspark.com)"),
    ),
    ("dnspod.cn-v3", To("dnspod")),
    (
        "dnspod.cn",
        Unserved("ddnsup speaks DNSPod only through Tencent Cloud API 3.0: use \"dnspod.cn-v3\""),
    ),
    ("do.de", To("do.de")),
    ("domopoli.de", To("domopoli")),
    ("dondominio.com", To("dondominio.com")),
    ("duckdns.org", To("duckdns")),
    ("duiadns.net", To("duiadns.net")),
    ("dy.fi", To("dy.fi")),
    ("dyn.com", To("dyn")),
    ("dyndns.it", To("dyndns.it")),
    ("dyndns.org", To("dyn")),
    ("dynu.com", To("dynu")),
    ("dynv6.com", To("dynv6")),
    ("easydns.com", To("easydns")),
    ("eurodns.com", To("eurodns")),
    ("freedns.42.pl", Unserved(OWN_API)),
    ("gandi.net", To("gandi")),
    ("godaddy.com-v1", To("godaddy")),
    ("goip.de", To("goip.de")),
    (
        "google.com",
        Gone("Google Domains is gone (moved to Squarespace in 2024, without dynamic DNS)"),
    ),
    ("he.net", To("he")),
    ("hetzner.cloud", To("hetzner")),
    ("hosting.de", To("hosting.de")),
    ("huaweicloud.com", Unserved(OWN_API)),
    ("infomaniak.com", To("infomaniak")),
    ("inwx.de", To("inwx")),
    ("ipnodns.ru", Unserved(NO_ADDRESS)),
    ("ipv64.net", To("ipv64.net")),
    ("joker.com", To("joker")),
    ("loopia.se", To("loopia")),
    // The script speaks LuaDNS's REST API; its dyndns2 endpoint takes the same login.
    ("luadns.com-v1", To("luadns")),
    ("moniker.com", To("moniker.com")),
    ("mydns.jp", To("mydns.jp")),
    ("myonlineportal.net", To("myonlineportal.net")),
    ("mythic-beasts.com-v2", To("mythic-beasts.com-v2")),
    ("mythic-beasts.com", To("mythic-beasts.com")),
    ("namecheap.com", To("namecheap")),
    ("namesilo.com-v1", To("namesilo")),
    ("netcup.com", To("netcup")),
    ("njal.la", To("njal.la")),
    ("no-ip.com", To("noip")),
    ("no-ip.pl", Unserved(NO_ADDRESS)),
    ("now-dns.com", To("now-dns")),
    ("ns1.com", Unserved(OWN_API)),
    ("nsupdate.info", To("nsupdate.info")),
    ("one.com", Unserved(OWN_API)),
    ("opendns.com", To("opendns")),
    ("oray.com", To("oray")),
    ("ovh.com", To("ovh")),
    ("pdns", Unserved(OWN_API)),
    ("porkbun.com-v3", To("porkbun")),
    ("regfish.de", To("regfish.de")),
    ("route53-v1", To("route53")),
    ("scaleway.com", To("scaleway")),
    ("schokokeks.org", To("schokokeks")),
    ("selfhost.de", To("selfhost")),
    ("servercow.de", Unserved(OWN_API)),
    ("simply.com", To("simply")),
    ("sitelutions.com", To("sitelutions.com")),
    ("spdyn.de", To("spdyn")),
    ("strato.com", To("strato")),
    ("system-ns.com", To("system-ns.com")),
    ("thatip.com", To("thatip.com")),
    ("transip.nl", Unserved(OWN_API)),
    ("twodns.de", To("twodns.de")),
    ("udmedia.de", To("udmedia")),
    ("variomedia.de", To("variomedia")),
    ("xlhost.de", To("xlhost")),
    ("ydns.io", To("ydns.io")),
    ("zoneedit.com", To("zoneedit.com")),
];

/// The row of a ddns-scripts service name (already lowercased).
pub fn alias(name: &str) -> Option<Alias> {
    ALIASES.iter().find(|(n, _)| *n == name).map(|(_, a)| *a)
}

/// Whether some ddns-scripts name stands for `target` (a provider this build may lack).
pub fn is_target(target: &str) -> bool {
    ALIASES
        .iter()
        .any(|(_, a)| matches!(a, To(t) if *t == target))
}

#[cfg(test)]
#[path = "aliases_tests.rs"]
mod tests;
