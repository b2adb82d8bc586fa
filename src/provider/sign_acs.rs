//! Alibaba Cloud's RPC request signature (V2: HMAC-SHA1 of the sorted query), pure: https://www.alibabacloud.com/help/en/sdk/product-overview/rpc-mechanism
use crate::http::{base64, percent_encode};
use ring::hmac;

/// The query without `Signature`, as signed: pairs sorted by name, names and values
/// percent-encoded (RFC 3986 unreserved characters kept), joined by `&`.
pub fn canonical_query(params: &[(&str, &str)]) -> String {
    let mut query = String::new();
    for (k, v) in sorted(params) {
        if !query.is_empty() {
            query.push('&');
        }
        query += &percent_encode(k);
        query.push('=');
        query += &percent_encode(v);
    }
    query
}

/// `params` sorted by name, pairs of one name in their order.
pub fn sorted<'a>(params: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut sorted: Vec<(&str, &str)> = Vec::with_capacity(params.len());
    for &(k, v) in params {
        let at = sorted.iter().position(|(n, _)| *n > k);
        sorted.insert(at.unwrap_or(sorted.len()), (k, v));
    }
    sorted
}

/// `<METHOD>&%2F&<the canonical query, percent-encoded once more>`.
pub fn string_to_sign(method: &str, params: &[(&str, &str)]) -> String {
    format!(
        "{method}&{}&{}",
        percent_encode("/"),
        percent_encode(&canonical_query(params))
    )
}

/// The `Signature` parameter: base64 of HMAC-SHA1 over the string to sign, keyed with the
/// AccessKey secret followed by `&`.
pub fn signature(method: &str, params: &[(&str, &str)], secret: &str) -> String {
    let key = hmac::Key::new(
        hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY,
        format!("{secret}&").as_bytes(),
    );
    let tag = hmac::sign(&key, string_to_sign(method, params).as_bytes());
    base64(tag.as_ref())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The worked example of the RPC signature document (ECS DescribeRegions with AccessKey
    /// `testid` / `testsecret`): https://www.alibabacloud.com/help/en/sdk/product-overview/rpc-mechanism
    /// (older copies: https://help.aliyun.com/en/document_detail/130769.html, and the
    /// developer.aliyun.com/ask/210168 reprint, whose StringToSign lost its `%26`s in
    /// rendering; the published signature is that of the string below).
    const EXAMPLE: &[(&str, &str)] = &[
        ("TimeStamp", "2016-02-23T12:46:24Z"),
        ("Format", "XML"),
        ("AccessKeyId", "testid"),
        ("Action", "DescribeRegions"),
        ("SignatureMethod", "HMAC-SHA1"),
        ("SignatureNonce", "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf"),
        ("Version", "2014-05-26"),
        ("SignatureVersion", "1.0"),
    ];

    #[test]
    fn the_published_example() {
        assert_eq!(
            canonical_query(EXAMPLE),
            "AccessKeyId=testid&Action=DescribeRegions&Format=XML&SignatureMethod=HMAC-SHA1&SignatureNonce=3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf&SignatureVersion=1.0&TimeStamp=2016-02-23T12%3A46%3A24Z&Version=2014-05-26"
        );
        assert_eq!(
            string_to_sign("GET", EXAMPLE),
            "GET&%2F&AccessKeyId%3Dtestid%26Action%3DDescribeRegions%26Format%3DXML%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3D3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf%26SignatureVersion%3D1.0%26TimeStamp%3D2016-02-23T12%253A46%253A24Z%26Version%3D2014-05-26"
        );
        assert_eq!(
            signature("GET", EXAMPLE, "testsecret"),
            "CT9X0VtwR86fNWSnsc6v8YGOjuE="
        );
    }

    #[test]
    fn every_byte_counts() {
        let base = signature("GET", EXAMPLE, "testsecret");
        assert_ne!(signature("POST", EXAMPLE, "testsecret"), base);
        assert_ne!(signature("GET", EXAMPLE, "testsecret2"), base);
        let mut other = EXAMPLE.to_vec();
        other[3] = ("Action", "DescribeRegionz");
        assert_ne!(signature("GET", &other, "testsecret"), base);
        // Order of the input does not matter; the sort does it.
        let mut reversed = EXAMPLE.to_vec();
        reversed.reverse();
        assert_eq!(signature("GET", &reversed, "testsecret"), base);
        // Spaces, '*' and '~' as the document's percentEncode wants them.
        assert_eq!(canonical_query(&[("a", "x y*~")]), "a=x%20y%2A~");
    }
}
