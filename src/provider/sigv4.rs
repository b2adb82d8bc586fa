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
    let mut date = crate::clock::format_iso8601(secs);
    date.retain(|c| c != '-' && c != ':');
    date
}

/// The canonical request and the signed header names (`host;x-amz-date`).
pub fn canonical_request(req: &Signable, amz_date: &str) -> (String, String) {
    // Each segment encoded: the whole path with its encoded `/` put back.
    let mut uri = percent_encode(req.path).replace("%2F", "/");
    if uri.is_empty() {
        uri.push('/');
    }
    let mut query: Vec<(String, String)> = req
        .query
        .iter()
        .map(|(k, v)| (percent_encode(k), percent_encode(v)))
        .collect();
    query.sort();
    // The values of a repeated header joined by `,` in their order; then sorted by name.
    let mut headers: Vec<(String, String)> = Vec::new();
    for (k, v) in req.headers.iter().chain([&("x-amz-date", amz_date)]) {
        let name = k.to_ascii_lowercase();
        let value = v.split_whitespace().collect::<Vec<_>>().join(" ");
        match headers.iter_mut().find(|(n, _)| *n == name) {
            Some((_, values)) => {
                values.push(',');
                *values += &value;
            }
            None => headers.push((name, value)),
        }
    }
    headers.sort();
    let mut query_line = String::new();
    for (k, v) in &query {
        if !query_line.is_empty() {
            query_line.push('&');
        }
        let _ = write!(query_line, "{k}={v}");
    }
    let mut lines = String::new();
    let mut signed = String::new();
    for (i, (name, value)) in headers.iter().enumerate() {
        let _ = writeln!(lines, "{name}:{value}");
        if i > 0 {
            signed.push(';');
        }
        signed += name;
    }
    let creq = format!(
        "{}\n{uri}\n{query_line}\n{lines}\n{signed}\n{}",
        req.method,
        sha256_hex(req.body)
    );
    (creq, signed)
}

/// The SHA-256 of `data` in lowercase hex.
pub fn sha256_hex(data: &[u8]) -> String {
    hex(digest::digest(&digest::SHA256, data).as_ref())
}

/// HMAC-SHA256 of `data` under `key`.
pub fn mac(key: &[u8], data: &str) -> hmac::Tag {
    hmac::sign(&hmac::Key::new(hmac::HMAC_SHA256, key), data.as_bytes())
}

/// `20150830` of `20150830T123600Z`.
fn date8(amz_date: &str) -> &str {
    &amz_date[..8.min(amz_date.len())]
}

/// `20150830/us-east-1/service/aws4_request`.
pub fn scope(amz_date: &str, creds: &Credentials) -> String {
    format!(
        "{}/{}/{}/aws4_request",
        date8(amz_date),
        creds.region,
        creds.service
    )
}

pub fn string_to_sign(creq: &str, amz_date: &str, scope: &str) -> String {
    format!(
        "{ALGORITHM}\n{amz_date}\n{scope}\n{}",
        sha256_hex(creq.as_bytes())
    )
}

/// The key derived from the secret for one day, region and service.
pub fn signing_key(creds: &Credentials, date8: &str) -> hmac::Tag {
    let mut key = mac(format!("AWS4{}", creds.secret_key).as_bytes(), date8);
    for part in [creds.region, creds.service, "aws4_request"] {
        key = mac(key.as_ref(), part);
    }
    key
}

/// The headers that sign `req` at `amz_date`: `X-Amz-Date`, then `Authorization`.
pub fn sign(req: &Signable, creds: &Credentials, amz_date: &str) -> [(&'static str, String); 2] {
    let (creq, signed) = canonical_request(req, amz_date);
    let scope = scope(amz_date, creds);
    let sts = string_to_sign(&creq, amz_date, &scope);
    let key = signing_key(creds, date8(amz_date));
    let authorization = format!(
        "{ALGORITHM} Credential={}/{scope}, SignedHeaders={signed}, Signature={}",
        creds.access_key_id,
        hex(mac(key.as_ref(), &sts).as_ref())
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
