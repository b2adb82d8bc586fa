//! Where the public address comes from: the source list, and what counts as a public address.
pub mod web;

use std::net::Ipv4Addr;

/// Why an IPv4 address cannot be the home's public address, or `None` when it can.
pub fn why_not_public_v4(ip: Ipv4Addr) -> Option<&'static str> {
    let [a, b, c, _] = ip.octets();
    let reason = match (a, b, c) {
        (0, _, _) => "an unspecified/\"this network\" address (0.0.0.0/8)",
        (10, _, _) => "a private address (10.0.0.0/8)",
        (100, 64..=127, _) => "a carrier-grade NAT address (100.64.0.0/10)",
        (127, _, _) => "a loopback address",
        (169, 254, _) => "a link-local address",
        (172, 16..=31, _) => "a private address (172.16.0.0/12)",
        (192, 0, 0) => "an IETF protocol address (192.0.0.0/24)",
        (192, 0, 2) | (198, 51, 100) | (203, 0, 113) => "a documentation address",
        (192, 88, 99) => "a deprecated 6to4 relay address",
        (192, 168, _) => "a private address (192.168.0.0/16)",
        (198, 18..=19, _) => "a benchmarking address (198.18.0.0/15)",
        (224..=239, _, _) => "a multicast address",
        (240..=255, _, _) => "a reserved or broadcast address",
        _ => return None,
    };
    Some(reason)
}

/// Parses a reply body that must be exactly one public IPv4 address (surrounding
/// whitespace allowed). Anything else, HTML or an error page included, is refused.
pub fn parse_public_v4(body: &str) -> Result<Ipv4Addr, String> {
    let text = body.trim();
    let ip: Ipv4Addr = text.parse().map_err(|_| {
        let mut shown: String = text.chars().take(40).collect();
        shown.retain(|c| !c.is_control());
        if text.chars().count() > 40 {
            shown.push('…');
        }
        format!("reply is not an IPv4 address: {shown:?}")
    })?;
    match why_not_public_v4(ip) {
        Some(why) => Err(format!("{ip} is {why}, not a public address")),
        None => Ok(ip),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_public_addresses() {
        for s in [
            "81.2.69.160",
            "8.8.8.8",
            "1.1.1.1",
            "100.63.255.255",
            "100.128.0.1",
            "172.32.0.1",
            "223.255.255.254",
            " 81.2.69.160\n",
            "81.2.69.160\r\n",
        ] {
            assert!(parse_public_v4(s).is_ok(), "{s:?}");
        }
    }

    #[test]
    fn rejects_non_public_addresses() {
        for s in [
            "0.0.0.0",
            "10.1.2.3",
            "100.64.0.1",
            "100.127.255.255",
            "127.0.0.1",
            "169.254.1.1",
            "172.16.0.1",
            "172.31.255.255",
            "192.0.0.8",
            "192.0.2.1",
            "192.168.1.1",
            "198.18.0.1",
            "198.51.100.7",
            "203.0.113.7",
            "224.0.0.1",
            "239.255.255.250",
            "240.0.0.1",
            "255.255.255.255",
        ] {
            assert!(parse_public_v4(s).is_err(), "{s}");
        }
        assert!(
            parse_public_v4("100.64.0.1")
                .unwrap_err()
                .contains("carrier-grade NAT")
        );
    }

    #[test]
    fn rejects_anything_that_is_not_one_address() {
        for s in [
            "",
            "   ",
            "<html><body>Current IP Address: 81.2.69.160</body></html>",
            "81.2.69.160 81.2.69.161",
            "81.2.69",
            "81.2.69.160.1",
            "081.2.69.160",
            "81.2.69.256",
            "2001:db8::1",
            "::ffff:81.2.69.160",
            "error code: 1034",
            "81.2.69.160:80",
        ] {
            assert!(parse_public_v4(s).is_err(), "{s:?}");
        }
    }

    #[test]
    fn error_message_is_short_and_printable() {
        let long = format!("<html>{}</html>", "x".repeat(1000));
        let e = parse_public_v4(&long).unwrap_err();
        assert!(e.len() < 100, "{e}");
        let e = parse_public_v4("\u{1b}[31mred").unwrap_err();
        assert!(!e.contains('\u{1b}'));
    }
}
