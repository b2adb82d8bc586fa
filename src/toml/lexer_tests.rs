//! TOML lexer tests: strings and their escapes, line endings, comments, integers, and the
//! values that are refused (floats, dates, bare words).
use crate::toml::tests::{EXAMPLE, fails, keys, s, string, value};
use crate::toml::{Table, Value, parse};

#[test]
fn every_escape() {
    assert_eq!(string(r#""\b\t\n\f\r\"\\""#), "\u{8}\t\n\u{c}\r\"\\");
    assert_eq!(string(r#""caf\u00e9""#), "café");
    assert_eq!(string(r#""\U0001F600""#), "😀");
    assert_eq!(string(r#""\u00E9\U000000e9""#), "éé");
    assert_eq!(string("\"tab\there\""), "tab\there");
    assert_eq!(string("\"ünï€ode\""), "ünï€ode");
}

#[test]
fn bad_escapes_and_control_characters() {
    fails(r#"v = "a\qb""#, 1, 7, "invalid escape");
    fails(r#"v = "\x41""#, 1, 6, "invalid escape");
    fails(r#"v = "\uD800""#, 1, 6, "not a Unicode scalar value");
    fails(r#"v = "\U00110000""#, 1, 6, "not a Unicode scalar value");
    fails(r#"v = "\u12""#, 1, 6, "expected 4 hex digits");
    fails(r#"v = "\U1234567""#, 1, 6, "expected 8 hex digits");
    fails(r#"v = "\u+123""#, 1, 6, "expected 4 hex digits");
    fails("v = \"a\u{1}b\"", 1, 7, "U+0001");
    fails("v = 'a\u{7f}b'", 1, 7, "U+007F");
    fails("v = \"\"\"a\u{0}\"\"\"", 1, 9, "U+0000");
    fails("v = 1 # bell\u{7}\n", 1, 13, "control characters");
}

#[test]
fn literal_strings_are_byte_exact() {
    let doc = parse("password = 'p@ss\"wo\\rd'\n").unwrap();
    assert_eq!(doc.get("password"), Some(&s("p@ss\"wo\\rd")));
    assert_eq!(string(r"'C:\Users\nobody'"), r"C:\Users\nobody");
    assert_eq!(string("''"), "");
    assert_eq!(string(r#""""#), "");
}

#[test]
fn multi_line_basic_strings() {
    assert_eq!(
        string("\"\"\"\nline one\nline two\"\"\""),
        "line one\nline two"
    );
    assert_eq!(
        string("\"\"\"no newline trimmed\n\"\"\""),
        "no newline trimmed\n"
    );
    assert_eq!(
        string("\"\"\"The quick \\\n\n   brown \\   \n  fox.\"\"\""),
        "The quick brown fox."
    );
    assert_eq!(
        string("\"\"\"a \"quoted\" \"\"word\"\" \\u00e9\"\"\""),
        "a \"quoted\" \"\"word\"\" é"
    );
    assert_eq!(
        string("\"\"\"ends in quotes\"\"\"\"\""),
        "ends in quotes\"\""
    );
    assert_eq!(string("\"\"\"\"\"\"\""), "\"");
    fails("v = \"\"\"abc\"\"\"\"\"\"\n", 1, 11, "too many quotes");
    fails("v = \"\"\"abc\\ x\"\"\"", 1, 11, "must end the line");
    fails("v = \"\"\"abc\n", 1, 5, "unterminated string");
}

#[test]
fn multi_line_literal_strings() {
    assert_eq!(
        string("'''\nfirst\n  \\n raw \"\"\" '' '''"),
        "first\n  \\n raw \"\"\" '' "
    );
    assert_eq!(string("''''one quote'''"), "'one quote");
    assert_eq!(string("'''two at end'''''"), "two at end''");
    fails("v = '''abc\n", 1, 5, "unterminated string");
    fails("'''k''' = 1\n", 1, 1, "multi-line string cannot be a key");
}

#[test]
fn crlf_line_endings() {
    let doc = parse(&EXAMPLE.replace('\n', "\r\n")).unwrap();
    assert_eq!(doc, parse(EXAMPLE).unwrap());
    let doc =
        parse("a = 1\r\nb = \"\"\"\r\nx\r\ny\"\"\"\r\nc = [\r\n 1, # c\r\n 2,\r\n]\r\n").unwrap();
    assert_eq!(doc.get("b"), Some(&s("x\ny")));
    assert_eq!(
        doc.get("c"),
        Some(&Value::Array(vec![Value::Integer(1), Value::Integer(2)]))
    );
    fails("a = 1\rb = 2\n", 1, 6, "carriage return");
    fails("a = 'x\r\n'", 1, 7, "newline inside a single-line string");
}

#[test]
fn bom_comments_and_blank_lines() {
    let doc = parse("\u{feff}# leading comment\n\n   \t\n  a = 1 # trailing\n# end").unwrap();
    assert_eq!(keys(&doc), ["a"]);
    fails("\u{feff}a = ?", 1, 5, "expected a value");
    assert_eq!(parse("").unwrap(), Table::default());
    assert_eq!(parse("# only a comment").unwrap(), Table::default());
}

#[test]
fn integers_of_each_base() {
    let cases: [(&str, i64); 16] = [
        ("0", 0),
        ("+0", 0),
        ("-0", 0),
        ("42", 42),
        ("+17", 17),
        ("-17", -17),
        ("1_000_000", 1_000_000),
        ("5_3_4", 534),
        ("0xDEADbeef", 0xdead_beef),
        ("0xdead_beef", 0xdead_beef),
        ("0o755", 0o755),
        ("0o0_7", 7),
        ("0b1101_0110", 0b1101_0110),
        ("0x00ff", 255),
        ("9223372036854775807", i64::MAX),
        ("-9223372036854775808", i64::MIN),
    ];
    for (text, expected) in cases {
        assert_eq!(value(text), Value::Integer(expected), "{text}");
    }
    assert_eq!(value("0x7FFF_FFFF_FFFF_FFFF"), Value::Integer(i64::MAX));
}

#[test]
fn invalid_integers() {
    for (text, needle) in [
        ("9223372036854775808", "64-bit"),
        ("-9223372036854775809", "64-bit"),
        ("99999999999999999999999999999999", "64-bit"),
        ("0x8000000000000000", "64-bit"),
        (
            "0b1111111111111111111111111111111111111111111111111111111111111111",
            "64-bit",
        ),
        ("012", "leading zeros"),
        ("-01", "leading zeros"),
        ("00", "leading zeros"),
        ("1__2", "between digits"),
        ("_1", "strings must be quoted"),
        ("1_", "between digits"),
        ("0x_1", "between digits"),
        ("+0x1", "cannot have a sign"),
        ("-0b1", "cannot have a sign"),
        ("0x", "no digits"),
        ("0xg", "unexpected 'g'"),
        ("0o8", "unexpected '8'"),
        ("0b2", "unexpected '2'"),
        ("0X1F", "unexpected 'X'"),
        ("12a", "unexpected 'a'"),
        ("1+2", "unexpected '+'"),
        ("--1", "invalid value"),
        ("+", "invalid value"),
        ("namecheap", "strings must be quoted"),
        ("True", "strings must be quoted"),
    ] {
        fails(&format!("v = {text}"), 1, 5, needle);
    }
}

#[test]
fn floats_and_dates_are_rejected_clearly() {
    for text in [
        "1.5",
        "-0.1",
        "1e5",
        "6.626e-34",
        "1E3",
        "+inf",
        "nan",
        "-inf",
        "3.",
        ".5",
        "0.0",
    ] {
        fails(
            &format!("v = {text}"),
            1,
            5,
            "floating-point numbers are not supported here",
        );
    }
    for text in [
        "1979-05-27",
        "1979-05-27T07:32:00Z",
        "1979-05-27 07:32:00",
        "07:32:00",
        "2024-01-01T00:00:00+02:00",
    ] {
        fails(
            &format!("v = {text}"),
            1,
            5,
            "dates and times are not supported here",
        );
    }
    fails("v = [1, 2.5]", 1, 9, "floating-point");
}

#[test]
fn booleans_and_type_names() {
    let doc = parse("t = true\nf = false\n").unwrap();
    assert_eq!(doc.get("t"), Some(&Value::Boolean(true)));
    assert_eq!(doc.get("f"), Some(&Value::Boolean(false)));
    fails("v = truex", 1, 5, "strings must be quoted");
    fails(
        "v = true false",
        1,
        10,
        "expected a newline or a comment after the value",
    );
    let names: Vec<_> = [
        s("x"),
        Value::Integer(1),
        Value::Boolean(true),
        Value::Array(vec![]),
        Value::Table(Table::default()),
    ]
    .iter()
    .map(Value::type_name)
    .collect();
    assert_eq!(names, ["string", "integer", "boolean", "array", "table"]);
    assert_eq!(Table::default().get("x"), None);
}
