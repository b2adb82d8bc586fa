//! TSIG key tests: tsig-keygen and ddns-confgen output, hand-written key files and their
//! mistakes, base64, and `tsig_key_file` in the config.
use super::*;
use crate::provider::rfc2136::tests::{Rng, config, config_err, v4, vector_key};

const TSIG_KEYGEN: &str = "key \"ddns-key\" {\n\talgorithm hmac-sha256;\n\tsecret \"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\";\n};\n";

const DDNS_CONFGEN: &str = r#"# To activate this key, place the following in named.conf, and
# in a separate keyfile on the system or systems from which nsupdate
# will be run:
key "ddns-key.example.com" {
	algorithm hmac-sha256;
	secret "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
};

# Then, in the "zone" definition statement for "example.com",
# place an "update-policy" statement like this one, adjusted as 
# needed for your preferred permissions:
update-policy {
	  grant ddns-key.example.com zonesub ANY;
};

# After the keyfile has been placed, the following command will
# execute nsupdate using this key:
nsupdate -k <keyfile>
"#;

fn key_from(text: &str, wanted: Option<&str>) -> Result<TsigKey, String> {
    select_key(&parse_key_file(text)?, wanted)
}

#[test]
fn tsig_keygen_and_ddns_confgen_output() {
    let k = key_from(TSIG_KEYGEN, None).unwrap();
    assert_eq!(k.name, "ddns-key");
    assert_eq!(k.algorithm, Algorithm::HmacSha256);
    assert_eq!(k.secret, (0..32).collect::<Vec<u8>>());
    let k = key_from(DDNS_CONFGEN, None).unwrap();
    assert_eq!(k, vector_key());
    assert_eq!(
        format!("{k:?}"),
        "TsigKey(ddns-key.example.com, hmac-sha256, ***)"
    );
}

#[test]
fn key_files_in_every_style() {
    let text = r#"
/* several keys,
   hand-written */
key ddns-key {   // unquoted name
    algorithm "HMAC-SHA512"; # quoted, upper case
    secret "AAEC AwQF";
} ;
KEY "second.example." { secret "/w=="; algorithm hmac-sha1.; };
key "third"{algorithm hmac-sha256;secret AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=;};
"#;
    assert!(
        key_from(text, None)
            .unwrap_err()
            .contains("several keys (\"ddns-key\", \"second.example.\", \"third\")")
    );
    let k = key_from(text, Some("ddns-key")).unwrap();
    assert_eq!(
        (k.algorithm, k.secret),
        (Algorithm::HmacSha512, vec![0, 1, 2, 3, 4, 5])
    );
    let k = key_from(text, Some("SECOND.example")).unwrap();
    assert_eq!(
        (k.name.as_str(), k.algorithm, k.secret),
        ("second.example", Algorithm::HmacSha1, vec![255])
    );
    let k = key_from(text, Some("third.")).unwrap();
    assert_eq!(k.secret.len(), 32);
    assert!(
        key_from(text, Some("fourth"))
            .unwrap_err()
            .contains("no key \"fourth\"")
    );
}

#[test]
fn key_file_mistakes() {
    let cases = [
        ("", "no key statement"),
        ("# only a comment\n", "no key statement"),
        (
            "key \"k\" { algorithm hmac-md5; secret \"AAAA\"; };",
            "unsupported algorithm \"hmac-md5\" (supported: hmac-sha256, hmac-sha512, hmac-sha1)",
        ),
        (
            "key \"k\" { algorithm hmac-sha256; secret \"not base64!\"; };",
            "not valid base64",
        ),
        (
            "key \"k\" { algorithm hmac-sha256; secret \"\"; };",
            "not valid base64",
        ),
        ("key \"k\" { algorithm hmac-sha256; };", "has no secret"),
        ("key \"k\" { secret \"AAAA\"; };", "has no algorithm"),
        (
            "key \"k\" { algorithm hmac-sha256; secert \"AAAA\"; };",
            "unknown clause \"secert\"",
        ),
        (
            "key \"k\" { algorithm hmac-sha256; algorithm hmac-sha1; secret \"AAAA\"; };",
            "given twice",
        ),
        (
            "key \"k\" { algorithm hmac-sha256 secret \"AAAA\"; };",
            "expected \";\"",
        ),
        (
            "key \"k\" { algorithm hmac-sha256; secret \"AAAA\";",
            "not closed",
        ),
        (
            "key { algorithm hmac-sha256; };",
            "followed by the key's name",
        ),
        (
            "key \"k\" algorithm hmac-sha256;",
            "expected \"{\" after key \"k\"",
        ),
        ("key", "followed by the key's name"),
        (
            "/* never closed\nkey \"k\" {};",
            "line 1: unterminated /* comment",
        ),
        ("key \"k\n{", "unterminated string"),
        ("options { };\n};", "line 2: unexpected \"}\""),
        (
            "key \"bad name\" { algorithm hmac-sha256; secret \"AAAA\"; };",
            "not allowed in a name",
        ),
    ];
    for (text, want) in cases {
        let e = key_from(text, None).unwrap_err();
        assert!(e.contains(want), "{text:?}: {e:?} lacks {want:?}");
    }
    // Line numbers point at the key.
    let e = key_from(
        "\n\nkey \"k\" {\n algorithm x;\n secret \"AAAA\";\n};",
        None,
    )
    .unwrap_err();
    assert!(e.starts_with("line 3: key \"k\": unsupported"), "{e}");
}

#[test]
fn base64_decoder() {
    for (text, bytes) in [
        ("", &b""[..]),
        ("Zg==", b"f"),
        ("Zm8=", b"fo"),
        ("Zm9v", b"foo"),
        ("Zm9vYg==", b"foob"),
        ("Zm9vYmE=", b"fooba"),
        ("Zm9vYmFy", b"foobar"),
        ("Zm9vYg", b"foob"),
        (" Zm9v\n YmFy\t", b"foobar"),
    ] {
        assert_eq!(decode_base64(text).as_deref(), Some(bytes), "{text:?}");
    }
    for bad in [
        "Z", "Zg=", "Zg===", "Zm9v=", "Z=g=", "Zm-v", "Zm9v_", "ab*d", "=", "Zm9vY",
    ] {
        assert_eq!(decode_base64(bad), None, "{bad:?}");
    }
    let mut rng = Rng(42);
    for len in 0..100 {
        let data: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
        assert_eq!(decode_base64(&crate::http::base64(&data)), Some(data));
    }
}

#[test]
fn key_file_config() {
    let dir = std::env::temp_dir().join(format!("ddnsup-rfc2136-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("ddns.key");
    std::fs::write(&path, DDNS_CONFGEN).unwrap();
    let base = format!(
        "server = \"[::1]:5353\"\nzone = \"Example.COM.\"\nname = \"example.com\"\ntsig_key_file = {:?}\n",
        path.display().to_string()
    );
    let c = config(&base).unwrap();
    let line = c.records[0].provider.describe(v4("81.2.69.160")).join("");
    assert!(
        line.starts_with("DNS UPDATE to [::1]:5353 zone example.com: delete example.com A;"),
        "{line}"
    );
    assert!(
        line.ends_with("(TSIG key ddns-key.example.com, hmac-sha256)"),
        "{line}"
    );
    let first = c.records[0].fingerprint.clone();

    // Editing the key file is a configuration change (a stopped record runs again).
    std::fs::write(&path, DDNS_CONFGEN.replace("AAEC", "AAED")).unwrap();
    assert_ne!(config(&base).unwrap().records[0].fingerprint, first);

    let e = config_err(&format!("{base}tsig_algorithm = \"hmac-sha256\"\n"));
    assert!(
        e.contains("key \"tsig_algorithm\": the key file names the algorithm"),
        "{e}"
    );
    let e = config_err(&format!("{base}tsig_secret = \"AAAA\"\n"));
    assert!(e.contains("not both"), "{e}");
    let e = config_err(&format!("{base}tsig_key_name = \"other\"\n"));
    assert!(
        e.contains("key \"tsig_key_file\": no key \"other\" in the file"),
        "{e}"
    );
    std::fs::write(
        &path,
        "key \"k\" { algorithm hmac-sha256; secret \"@@@\"; };",
    )
    .unwrap();
    let e = config_err(&base);
    assert!(
        e.contains("line 1: key \"k\": the secret is not valid base64"),
        "{e}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
