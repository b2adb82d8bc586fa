//! Tencent Cloud API 3.0 request signature (TC3-HMAC-SHA256) for a POST to `/`, pure: https://cloud.tencent.com/document/api/213/30654
use super::sigv4::{hex, mac, sha256_hex};
use crate::clock::format_iso8601;
use std::fmt::Write as _;

pub const ALGORITHM: &str = "TC3-HMAC-SHA256";

/// What one signature covers.
pub struct Signed<'a> {
    /// The signed headers (at least `content-type` and `host`), in any order.
    pub headers: &'a [(&'a str, &'a str)],
    pub payload: &'a [u8],
    /// The product, as in its host name: `dnspod`, `cvm`.
    pub service: &'a str,
    /// `X-TC-Timestamp`, seconds since 1970.
    pub timestamp: u64,
}

impl Signed<'_> {
    /// The headers lowercased and trimmed, sorted by name: `name:value\n` each, and the names
    /// joined by `;`.
    fn canonical_headers(&self) -> (String, String) {
        let mut h: Vec<(String, String)> = self
            .headers
            .iter()
            .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_ascii_lowercase()))
            .collect();
        h.sort();
        let mut lines = String::new();
        let mut names = String::new();
        for (i, (k, v)) in h.iter().enumerate() {
            let _ = writeln!(lines, "{k}:{v}");
            if i > 0 {
                names.push(';');
            }
            names += k;
        }
        (lines, names)
    }

    /// `content-type;host;...`: the signed header names.
    pub fn signed_headers(&self) -> String {
        self.canonical_headers().1
    }

    /// Method, URI `/`, the empty query, `name:value\n` per header, the names, the payload's
    /// SHA-256, joined by newlines.
    pub fn canonical_request(&self) -> String {
        let (lines, names) = self.canonical_headers();
        format!("POST\n/\n\n{lines}\n{names}\n{}", sha256_hex(self.payload))
    }

    /// The date in UTC: `2019-02-25`.
    fn date(&self) -> String {
        let mut date = format_iso8601(self.timestamp);
        date.truncate(10);
        date
    }

    /// `<date>/<service>/tc3_request`, the date in UTC.
    pub fn scope(&self) -> String {
        format!("{}/{}/tc3_request", self.date(), self.service)
    }

    pub fn string_to_sign(&self) -> String {
        format!(
            "{ALGORITHM}\n{}\n{}\n{}",
            self.timestamp,
            self.scope(),
            sha256_hex(self.canonical_request().as_bytes())
        )
    }

    /// The hex signature: the key derived from `TC3<secret>` through the date, the service
    /// and `tc3_request`, over the string to sign.
    pub fn signature(&self, secret_key: &str) -> String {
        let mut key = mac(format!("TC3{secret_key}").as_bytes(), &self.date());
        for part in [self.service, "tc3_request"] {
            key = mac(key.as_ref(), part);
        }
        hex(mac(key.as_ref(), &self.string_to_sign()).as_ref())
    }

    /// The `Authorization` header.
    pub fn authorization(&self, secret_id: &str, secret_key: &str) -> String {
        format!(
            "{ALGORITHM} Credential={secret_id}/{}, SignedHeaders={}, Signature={}",
            self.scope(),
            self.signed_headers(),
            self.signature(secret_key)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The body of the signing example (CVM DescribeInstances, 1551113065).
    const PAYLOAD: &str =
        r#"{"Limit": 1, "Filters": [{"Values": ["\u672a\u547d\u540d"], "Name": "instance-name"}]}"#;

    /// The worked example of "签名方法 v3", https://cloud.tencent.com/document/api/213/30654
    /// (the same page in every product's API docs; text as in tencentyun/qcloud-documents):
    /// SecretId `AKID` + 32 `*`, SecretKey 32 `*` (the page masks both, and its signature is
    /// that of the masked key), with `x-tc-action` signed.
    #[test]
    fn the_published_example() {
        let headers = [
            ("Content-Type", "application/json; charset=utf-8"),
            ("Host", "cvm.tencentcloudapi.com"),
            ("X-TC-Action", "DescribeInstances"),
        ];
        let s = Signed {
            headers: &headers,
            payload: PAYLOAD.as_bytes(),
            service: "cvm",
            timestamp: 1_551_113_065,
        };
        assert_eq!(
            s.canonical_request(),
            "POST\n/\n\ncontent-type:application/json; charset=utf-8\nhost:cvm.tencentcloudapi.com\nx-tc-action:describeinstances\n\ncontent-type;host;x-tc-action\n35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064"
        );
        assert_eq!(
            s.string_to_sign(),
            "TC3-HMAC-SHA256\n1551113065\n2019-02-25/cvm/tc3_request\n7019a55be8395899b900fb5564e4200d984910f34794a27cb3fb7d10ff6a1e84"
        );
        let id = format!("AKID{}", "*".repeat(32));
        assert_eq!(
            s.authorization(&id, &"*".repeat(32)),
            format!(
                "TC3-HMAC-SHA256 Credential={id}/2019-02-25/cvm/tc3_request, SignedHeaders=content-type;host;x-tc-action, Signature=10b1a37a7301a02ca19a647ad722d5e43b4b3cff309d421d85b46093f6ab6c4f"
            )
        );
    }

    /// The English page's version of the example ("Signature v3" at tencentcloud.com, text as
    /// in tencentyun/qcloud-documents): only content-type and host signed, SecretKey
    /// `Gu5t9xGARNpq86cd98joQYCN3EXAMPLE`.
    #[test]
    fn the_english_pages_example() {
        let headers = [
            ("host", "cvm.tencentcloudapi.com"),
            ("content-type", "application/json; charset=utf-8"),
        ];
        let s = Signed {
            headers: &headers,
            payload: PAYLOAD.as_bytes(),
            service: "cvm",
            timestamp: 1_551_113_065,
        };
        assert!(
            s.string_to_sign()
                .ends_with("\n5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031")
        );
        assert_eq!(
            s.authorization(
                "AKID**********************0123456789EXAMPLE",
                "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE"
            ),
            "TC3-HMAC-SHA256 Credential=AKID**********************0123456789EXAMPLE/2019-02-25/cvm/tc3_request, SignedHeaders=content-type;host, Signature=72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168"
        );
    }

    #[test]
    fn the_date_is_utc() {
        // 2019-02-26 00:44:25 in UTC+8 is still the 25th in UTC (the page's own warning).
        let s = Signed {
            headers: &[],
            payload: b"",
            service: "dnspod",
            timestamp: 1_551_113_065,
        };
        assert_eq!(s.scope(), "2019-02-25/dnspod/tc3_request");
        let next = Signed {
            timestamp: 1_551_139_200,
            ..s
        };
        assert_eq!(next.scope(), "2019-02-26/dnspod/tc3_request");
    }
}
