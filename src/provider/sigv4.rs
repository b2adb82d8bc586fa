//! AWS Signature Version 4 (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html) as a pure function: a request and a key in, the `X-Amz-Date` and `Authorization` headers out.
use crate::http::percent_encode;
use ring::{digest, hmac};
use std::fmt::Write as _;

pub const ALGORITHM: &str = "AWS4-HMAC-SHA256";

/// Who signs, and for which region and service.
pub struct Credentials<'a> {
    pub access_key_id: &'a str,
    pub secret_key: &'a str,
    pub region: &'a str,
    pub service: &'a str,
}

/// What is signed: the request as it goes on the wire.
pub struct Signable<'a> {
    pub method: &'a str,
    /// The path, not encoded (`/example space/`): each segment is encoded once, as every
    /// service but S3 expects. Not normalised (no `.` or `..` segments are sent).
    pub path: &'a str,
    /// Query pairs, not encoded.
    pub query: &'a [(&'a str, &'a str)],
    /// The headers to sign, `host` among them; `x-amz-date` is added.
    pub headers: &'a [(&'a str, &'a str)],
    pub body: &'a [u8],
}

/// `20150830T123600Z` for a time in seconds since 1970.
pub fn amz_date(secs: u64) -> String {
    crate::clock::format_iso8601(secs).replace(['-', ':'], "")
}

/// The canonical request and the signed header names (`host;x-amz-date`).
pub fn canonical_request(req: &Signable, amz_date: &str) -> (String, String) {
    let uri: Vec<String> = req.path.split('/').map(percent_encode).collect();
    let uri = match uri.join("/") {
        u if u.is_empty() => "/".to_string(),
        u => u,
    };
    let mut query: Vec<(String, String)> = req
        .query
        .iter()
        .map(|(k, v)| (percent_encode(k), percent_encode(v)))
        .collect();
    query.sort();
    let query: Vec<String> = query.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let mut headers: Vec<(String, String)> = req
        .headers
        .iter()
        .chain(std::iter::once(&("x-amz-date", amz_date)))
        .map(|(k, v)| {
            (
                k.to_ascii_lowercase(),
                v.split_whitespace().collect::<Vec<_>>().join(" "),
            )
        })
        .collect();
    // Stable: values of a repeated header keep their order.
    headers.sort_by(|a, b| a.0.cmp(&b.0));
    let mut lines = String::new();
    let mut names: Vec<&str> = Vec::new();
    for (name, value) in &headers {
        if names.last() == Some(&name.as_str()) {
            let _ = write!(lines, ",{value}");
        } else {
            if !names.is_empty() {
                lines.push('\n');
            }
            let _ = write!(lines, "{name}:{value}");
            names.push(name);
        }
    }
    let signed = names.join(";");
    let creq = format!(
        "{}\n{uri}\n{}\n{lines}\n\n{signed}\n{}",
        req.method,
        query.join("&"),
        hex(digest::digest(&digest::SHA256, req.body).as_ref())
    );
    (creq, signed)
}

/// `20150830/us-east-1/service/aws4_request`.
pub fn scope(amz_date: &str, creds: &Credentials) -> String {
    format!(
        "{}/{}/{}/aws4_request",
        &amz_date[..8.min(amz_date.len())],
        creds.region,
        creds.service
    )
}

pub fn string_to_sign(creq: &str, amz_date: &str, scope: &str) -> String {
    let hash = hex(digest::digest(&digest::SHA256, creq.as_bytes()).as_ref());
    format!("{ALGORITHM}\n{amz_date}\n{scope}\n{hash}")
}

/// The key derived from the secret for one day, region and service.
pub fn signing_key(creds: &Credentials, date8: &str) -> hmac::Tag {
    let mac = |key: &[u8], data: &str| {
        hmac::sign(&hmac::Key::new(hmac::HMAC_SHA256, key), data.as_bytes())
    };
    let k_date = mac(format!("AWS4{}", creds.secret_key).as_bytes(), date8);
    let k_region = mac(k_date.as_ref(), creds.region);
    let k_service = mac(k_region.as_ref(), creds.service);
    mac(k_service.as_ref(), "aws4_request")
}

/// The headers that sign `req` at `amz_date`: `X-Amz-Date`, then `Authorization`.
pub fn sign(req: &Signable, creds: &Credentials, amz_date: &str) -> [(&'static str, String); 2] {
    let (creq, signed) = canonical_request(req, amz_date);
    let scope = scope(amz_date, creds);
    let sts = string_to_sign(&creq, amz_date, &scope);
    let key = signing_key(creds, &amz_date[..8.min(amz_date.len())]);
    let signature = hmac::sign(
        &hmac::Key::new(hmac::HMAC_SHA256, key.as_ref()),
        sts.as_bytes(),
    );
    let authorization = format!(
        "{ALGORITHM} Credential={}/{scope}, SignedHeaders={signed}, Signature={}",
        creds.access_key_id,
        hex(signature.as_ref())
    );
    [
        ("X-Amz-Date", amz_date.to_string()),
        ("Authorization", authorization),
    ]
}

/// Lowercase hex.
pub fn hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

#[cfg(test)]
#[path = "sigv4_tests.rs"]
mod tests;
