//! The CA bundle file: which one (`SSL_CERT_FILE`, which `ca_file` sets, else the usual system
//! paths), read capped, and its `CERTIFICATE` blocks decoded from PEM (base64) to DER.
use std::path::Path;

/// Where Linux systems keep their bundle (Debian and OpenWrt's ca-bundle, Fedora, Alpine).
const SYSTEM_BUNDLES: &[&str] = &[
    "/etc/ssl/certs/ca-certificates.crt",
    "/etc/pki/tls/certs/ca-bundle.crt",
    "/etc/ssl/cert.pem",
];
/// A bundle larger than this is not read (Debian's is about 220 KB).
const MAX_BUNDLE_BYTES: u64 = 4 * 1024 * 1024;
/// At most this many certificates are taken from one bundle.
const MAX_CERTS: usize = 1000;
const BEGIN: &str = "-----BEGIN CERTIFICATE-----";
const END: &str = "-----END CERTIFICATE-----";

/// The DER certificates of the bundle in use; none when there is no readable bundle.
pub fn load_bundle() -> Vec<Vec<u8>> {
    let named = std::env::var_os("SSL_CERT_FILE");
    let paths: Vec<&Path> = match &named {
        Some(p) => vec![Path::new(p)],
        None => SYSTEM_BUNDLES.iter().map(Path::new).collect(),
    };
    for path in paths {
        if let Ok((text, _)) = crate::fsread::read_text_capped(path, MAX_BUNDLE_BYTES) {
            return parse_pem_certs(&text);
        }
    }
    Vec::new()
}

/// Every well-formed `CERTIFICATE` block of `text`, in order; anything else (other block
/// types, text between blocks, a block that is not base64) is skipped.
pub fn parse_pem_certs(text: &str) -> Vec<Vec<u8>> {
    let mut certs = Vec::new();
    let mut rest = text;
    while certs.len() < MAX_CERTS {
        let Some(start) = rest.find(BEGIN) else { break };
        let body = &rest[start + BEGIN.len()..];
        let Some(end) = body.find(END) else { break };
        if let Some(der) = base64_decode(&body[..end]) {
            certs.push(der);
        }
        rest = &body[end + END.len()..];
    }
    certs
}

/// Standard base64 with padding, blanks and line breaks ignored; `None` when malformed.
pub fn base64_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut acc, mut bits, mut padding) = (0u32, 0u32, 0usize);
    for c in text.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            b'=' => {
                padding += 1;
                continue;
            }
            b' ' | b'\t' | b'\r' | b'\n' => continue,
            _ => return None,
        };
        if padding > 0 {
            return None; // data after padding
        }
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    // Whole 4-character groups only: the leftover bits are those padding stands for.
    let ok = match (bits, padding) {
        (0, 0) => true,
        (4, 2) | (2, 1) => acc == 0,
        _ => false,
    };
    ok.then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_decodes_with_and_without_padding_and_refuses_garbage() {
        assert_eq!(base64_decode("").unwrap(), b"");
        assert_eq!(base64_decode("Zg==").unwrap(), b"f");
        assert_eq!(base64_decode("Zm8=").unwrap(), b"fo");
        assert_eq!(base64_decode("Zm9v").unwrap(), b"foo");
        assert_eq!(base64_decode("Zm9v\nYmFy\r\n").unwrap(), b"foobar");
        assert_eq!(base64_decode("+/+/").unwrap(), [0xfb, 0xff, 0xbf]);
        for bad in ["Zg", "Zg=", "Zm9", "Zh==", "Zm9v!", "Zg==Zg==", "Z===", "é"] {
            assert_eq!(base64_decode(bad), None, "{bad}");
        }
    }

    #[test]
    fn certificate_blocks_are_taken_and_the_rest_skipped() {
        let text = "junk\n-----BEGIN CERTIFICATE-----\nAQID\n-----END CERTIFICATE-----\n\
            -----BEGIN PRIVATE KEY-----\nBAUG\n-----END PRIVATE KEY-----\n\
            # a comment\n-----BEGIN CERTIFICATE-----\nnot*base64\n-----END CERTIFICATE-----\n\
            -----BEGIN CERTIFICATE-----\r\nBwgJ\r\n-----END CERTIFICATE-----\r\n\
            -----BEGIN CERTIFICATE-----\nCgsM";
        assert_eq!(parse_pem_certs(text), vec![vec![1, 2, 3], vec![7, 8, 9]]);
        assert!(parse_pem_certs("").is_empty());
    }
}
