//! The JSON reader's tests: complete values pass; what hung or panicked nanoserde (which ddnsup
//! used before), malformed input, too deep nesting and bad exponents are refused; the tree reads right.
use super::{Json, quote};

/// What the old guard answered: whether `text` is exactly one complete JSON value.
fn check_json(text: &str) -> Result<(), String> {
    Json::parse(text).map(|_| ())
}

#[test]
fn accepts_complete_values() {
    for s in [
        "{}",
        "[]",
        "0",
        "-1.5e+3",
        "\"a\\u00e9\\n\"",
        "true",
        " null ",
        r#"{"version":1,"records":[{"ip":"81.2.69.160","n":0,"zz":[1,2,{"a":[]}]}]}"#,
        r#"{"success":true,"errors":[],"result":[{"id":"x","name":"é"}]}"#,
    ] {
        assert_eq!(check_json(s), Ok(()), "{s}");
    }
    let deep_ok = format!("{}{}", "[".repeat(30), "]".repeat(30));
    assert_eq!(check_json(&deep_ok), Ok(()));
}

#[test]
fn refuses_what_hangs_or_panics_nanoserde() {
    // The inputs DEPENDENCIES.md measured: nanoserde loops forever or panics on these.
    let hang_inner = format!(
        "{}{}",
        r#"{"version":1,"records":[],"zz":"#,
        "[".repeat(100_000)
    );
    for s in [
        r#"{"version":1,"records":[],"zz":[1,2"#,
        r#"{"version":1,"records":[],"zz":{"a":1"#,
        r#"{"version":1,"records":[{"ip":"x","failures":0,"next":0,"zz":["#,
        r#"{"version":1,"records":[],"zz":}"#,
        hang_inner.as_str(),
    ] {
        assert!(check_json(s).is_err(), "{}", &s[..s.len().min(60)]);
    }
}

#[test]
fn refuses_malformed_json() {
    for s in [
        "",
        " ",
        "{",
        "}",
        "[1,]",
        "{\"a\":1,}",
        "{\"a\" 1}",
        "{a:1}",
        "01",
        "1.",
        "1e",
        "-",
        "\"abc",
        "\"a\\x\"",
        "\"\\u12\"",
        "\"a\nb\"",
        "tru",
        "nul",
        "{} {}",
        "[1 2]",
        "{\"a\":1}x",
    ] {
        assert!(check_json(s).is_err(), "{s:?}");
    }
    let too_deep = format!("{}{}", "[".repeat(40), "]".repeat(40));
    assert!(check_json(&too_deep).is_err());
}

#[test]
fn never_panics_on_any_prefix() {
    let s = r#"{"a":[1,-2.5e3,"x\"y\u00e9",true,false,null,{"b":{}}],"c":"d"}"#;
    for end in 0..s.len() {
        if s.is_char_boundary(end) {
            let _ = check_json(&s[..end]);
        }
    }
    assert_eq!(check_json(s), Ok(()));
}

/// `n` objects, each the value of the next one's `"a"`, the innermost holding `inner`.
fn objects(n: usize, inner: &str) -> String {
    format!("{}{inner}{}", "{\"a\":".repeat(n), "}".repeat(n))
}

#[test]
fn nesting_is_counted_inside_objects_too() {
    // The top value is at depth 0; a value nested n levels is at depth n; 32 is the deepest.
    assert_eq!(check_json(&objects(32, "1")), Ok(()));
    assert_eq!(check_json(&objects(32, "{}")), Ok(()));
    assert_eq!(check_json(&objects(32, "[]")), Ok(()));
    for deep in [objects(33, "1"), objects(33, "{}"), objects(40, "null")] {
        let e = check_json(&deep).unwrap_err();
        assert!(e.contains("nesting too deep"), "{e}");
    }
    // Objects and arrays count alike, mixed.
    let mixed = |n: usize| {
        let open: String = (0..n)
            .map(|i| if i % 2 == 0 { "[" } else { "{\"k\":" })
            .collect();
        let close: String = (0..n)
            .rev()
            .map(|i| if i % 2 == 0 { "]" } else { "}" })
            .collect();
        format!("{open}0{close}")
    };
    assert_eq!(check_json(&mixed(32)), Ok(()));
    assert!(
        check_json(&mixed(33))
            .unwrap_err()
            .contains("nesting too deep")
    );
    // Later members of an object are at the same depth as the first.
    let wide = format!("{{\"x\":1,\"y\":{}}}", objects(31, "2"));
    assert_eq!(check_json(&wide), Ok(()));
    let wide = format!("{{\"x\":1,\"y\":{}}}", objects(32, "2"));
    assert!(check_json(&wide).is_err());
}

#[test]
fn arrays_nest_to_the_same_depth() {
    let arrays = |n: usize, inner: &str| format!("{}{inner}{}", "[".repeat(n), "]".repeat(n));
    assert_eq!(check_json(&arrays(32, "1")), Ok(()));
    assert_eq!(check_json(&arrays(33, "")), Ok(()));
    assert!(check_json(&arrays(33, "1")).is_err());
    assert!(check_json(&arrays(34, "")).is_err());
}

#[test]
fn exponents_take_one_sign() {
    for ok in [
        "1e5",
        "1E5",
        "1e+5",
        "1e-5",
        "1E-5",
        "-1e-5",
        "0e0",
        "0.5e-10",
        "-0.5E+10",
        "[1e-5]",
        "{\"x\":2.5e-3}",
    ] {
        assert_eq!(check_json(ok), Ok(()), "{ok}");
    }
    for bad in [
        "1e+-5",
        "1e-+5",
        "1e--5",
        "1e++5",
        "1e",
        "1e+",
        "1e-",
        "1ee5",
        "1e5e5",
        "1.e5",
        "1e5.0",
        "e5",
        "[1e+-5]",
        "{\"x\":1e-}",
    ] {
        assert!(check_json(bad).is_err(), "{bad}");
    }
}

#[test]
fn the_tree_reads_members_elements_and_scalars() {
    let v = Json::parse(
        r#" {"result":[{"id":"a1","ttl":300,"proxied":false,"n":1.5,"x":null},{"id":"b2"}],"ok":true,"id":"first","id":"second"} "#,
    )
    .unwrap();
    assert_eq!(v.get("result").at(0).get("id").str(), Some("a1"));
    assert_eq!(v.get("result").at(0).get("ttl").int(), Some(300));
    assert_eq!(v.get("result").at(0).get("proxied").bool(), Some(false));
    assert_eq!(v.get("result").at(0).get("n").int(), None, "not an integer");
    assert!(v.get("result").at(0).get("x").is_null());
    assert_eq!(v.get("result").items().len(), 2);
    assert_eq!(v.get("ok").bool(), Some(true));
    // A repeated key: the first one.
    assert_eq!(v.get("id").str(), Some("first"));
    // Absent paths and wrong types are Null, never a panic.
    assert!(v.get("nope").get("deeper").at(3).is_null());
    assert!(v.get("ok").items().is_empty());
    assert_eq!(v.get("result").str(), None);
    assert_eq!(v.get("result").at(0).get("ttl").str(), None);
}

#[test]
fn the_tree_decodes_every_escape() {
    let v = Json::parse(r#""a\"b\\c\/d\b\f\n\r\t\u00e9\ud83d\ude00\ud800x""#).unwrap();
    assert_eq!(
        v.str(),
        Some("a\"b\\c/d\u{8}\u{c}\n\r\té\u{1f600}\u{fffd}x")
    );
    assert_eq!(Json::parse("\"é€\"").unwrap().str(), Some("é€"));
    assert!(Json::parse(r#""\u+123""#).is_err());
    assert!(Json::parse(r#""\u00"#).is_err());
}

#[test]
fn numbers_keep_their_text() {
    assert_eq!(Json::parse("-12").unwrap(), Json::Num("-12".to_string()));
    assert_eq!(Json::parse("-12").unwrap().int(), Some(-12));
    assert_eq!(Json::parse("1e3").unwrap().int(), None);
    assert_eq!(Json::parse("99999999999999999999").unwrap().int(), None);
}

#[test]
fn quote_escapes_what_json_needs_and_round_trips() {
    assert_eq!(quote("plain"), r#""plain""#);
    assert_eq!(quote("a\"b\\c\n\u{1}"), r#""a\"b\\c\n\u0001""#);
    for s in ["", "x\"y", "tab\there", "é\u{1f600}", "\u{0}\u{1f}"] {
        assert_eq!(Json::parse(&quote(s)).unwrap().str(), Some(s), "{s:?}");
    }
}
