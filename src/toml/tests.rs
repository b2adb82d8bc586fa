//! TOML reader tests: document structure (headers, dotted keys, arrays of tables, inline
//! tables), positions in errors, and the helpers the other TOML tests share.
use super::*;

pub(super) const EXAMPLE: &str = r#"state_file = "/etc/ddnsup/state.json"  # optional
timeout = 10
ca_file = "/etc/ddnsup/extra-ca.pem"

[ip]
sources = ["https://api.ipify.org", "https://ipv4.icanhazip.com"]

[[record]]
provider = "namecheap"
host = "home"
domain = "example.com"
password = "..."

[[record]]
provider = "dyndns2"
server = "https://members.dyndns.org"
hostname = "home.example.org"
username = "me"
password = 'it"s\secret'
allow_http = false

[[record]]
provider = "duckdns"
domain = "myhome"
token = "..."
"#;

pub(super) fn s(v: &str) -> Value {
    Value::String(v.to_owned())
}

pub(super) fn keys(t: &Table) -> Vec<&str> {
    t.entries.iter().map(|(k, _)| k.as_str()).collect()
}

pub(super) fn table(v: Option<&Value>) -> &Table {
    match v {
        Some(Value::Table(t)) => t,
        other => panic!("expected a table, got {other:?}"),
    }
}

pub(super) fn array(v: Option<&Value>) -> &[Value] {
    match v {
        Some(Value::Array(a)) => a,
        other => panic!("expected an array, got {other:?}"),
    }
}

/// The single value of a one-line document `v = <value>`.
pub(super) fn value(text: &str) -> Value {
    let doc = parse(&format!("v = {text}")).unwrap_or_else(|e| panic!("{text:?}: {e}"));
    doc.get("v").cloned().unwrap()
}

pub(super) fn string(text: &str) -> String {
    match value(text) {
        Value::String(s) => s,
        other => panic!("expected a string, got {other:?}"),
    }
}

/// Asserts `text` fails at `line:column` with a message containing `needle`.
#[track_caller]
pub(super) fn fails(text: &str, line: usize, column: usize, needle: &str) {
    let e = parse(text).expect_err(text);
    assert!(
        e.message.contains(needle),
        "{text:?}: {e} (wanted {needle:?})"
    );
    assert_eq!((e.line, e.column), (line, column), "{text:?}: {e}");
}

pub(super) fn records(doc: &Table) -> Vec<&Table> {
    array(doc.get("record"))
        .iter()
        .map(|r| table(Some(r)))
        .collect()
}

#[test]
fn example_config_has_the_right_shape() {
    let doc = parse(EXAMPLE).unwrap();
    assert_eq!(
        keys(&doc),
        ["state_file", "timeout", "ca_file", "ip", "record"]
    );
    assert_eq!(doc.get("state_file"), Some(&s("/etc/ddnsup/state.json")));
    assert_eq!(doc.get("timeout"), Some(&Value::Integer(10)));
    let ip = table(doc.get("ip"));
    assert_eq!(keys(ip), ["sources"]);
    let sources = array(ip.get("sources"));
    assert_eq!(
        sources,
        [s("https://api.ipify.org"), s("https://ipv4.icanhazip.com")]
    );
    let recs = records(&doc);
    assert_eq!(recs.len(), 3);
    assert_eq!(keys(recs[0]), ["provider", "host", "domain", "password"]);
    assert_eq!(
        keys(recs[1]),
        [
            "provider",
            "server",
            "hostname",
            "username",
            "password",
            "allow_http"
        ]
    );
    assert_eq!(keys(recs[2]), ["provider", "domain", "token"]);
    assert_eq!(recs[1].get("password"), Some(&s(r#"it"s\secret"#)));
    assert_eq!(recs[1].get("allow_http"), Some(&Value::Boolean(false)));
    assert_eq!(recs[2].get("token"), Some(&s("...")));
}

#[test]
fn ip_section_after_the_records_is_top_level() {
    let ip = "[ip]\nsources = [\"https://api.ipify.org\", \"https://ipv4.icanhazip.com\"]\n";
    let reordered = format!("{}\n{ip}", EXAMPLE.replace(ip, ""));
    let doc = parse(&reordered).unwrap();
    let original = parse(EXAMPLE).unwrap();
    assert_eq!(
        keys(&doc),
        ["state_file", "timeout", "ca_file", "record", "ip"]
    );
    assert_eq!(records(&doc), records(&original));
    assert_eq!(doc.get("ip"), original.get("ip"));
    assert!(
        records(&doc)
            .iter()
            .all(|r| r.get("ip").is_none() && r.get("sources").is_none())
    );
}

#[test]
fn keys_after_a_header_do_not_inherit_an_earlier_header() {
    let doc = parse("[a]\nx = 1\n[[record]]\ny = 2\n[b]\nz = 3\n").unwrap();
    assert_eq!(keys(&doc), ["a", "record", "b"]);
    assert_eq!(keys(table(doc.get("a"))), ["x"]);
    assert_eq!(keys(records(&doc)[0]), ["y"]);
    assert_eq!(keys(table(doc.get("b"))), ["z"]);
}

#[test]
fn sub_table_after_array_of_tables_goes_into_the_last_element() {
    let doc = parse("[[r]]\na = 1\n[[r]]\nb = 2\n[r.sub]\nc = 3\n[[r.list]]\nd = 4\n").unwrap();
    let recs = array(doc.get("r"));
    assert_eq!(recs.len(), 2);
    assert_eq!(keys(table(Some(&recs[0]))), ["a"]);
    let last = table(Some(&recs[1]));
    assert_eq!(keys(last), ["b", "sub", "list"]);
    assert_eq!(table(last.get("sub")).get("c"), Some(&Value::Integer(3)));
    assert_eq!(array(last.get("list")).len(), 1);
}

#[test]
fn headers_quoting_whitespace_and_super_tables() {
    let e = parse("[ a . \"b c\" . 'd' ]\nx = 1\n[ [ arr ] ]\n[a]\ny = 2\n").unwrap_err();
    assert_eq!((e.line, e.column), (3, 3), "`[[` must be adjacent");
    let doc = parse("[ a . \"b c\" . 'd' ]\nx = 1\n[[ arr ]]\n[a]\ny = 2\n").unwrap();
    let a = table(doc.get("a"));
    assert_eq!(keys(a), ["b c", "y"]);
    assert_eq!(
        table(table(a.get("b c")).get("d")).get("x"),
        Some(&Value::Integer(1))
    );
    assert_eq!(array(doc.get("arr")), [Value::Table(Table::default())]);
}

#[test]
fn dotted_and_quoted_keys() {
    let doc = parse("a . b = 1\na.c = 2\n\"quoted key\" = 3\n'lit.key' = 4\n\"\" = 5\n-_9 = 6\n")
        .unwrap();
    let a = table(doc.get("a"));
    assert_eq!(keys(a), ["b", "c"]);
    assert_eq!(doc.get("quoted key"), Some(&Value::Integer(3)));
    assert_eq!(doc.get("lit.key"), Some(&Value::Integer(4)));
    assert_eq!(doc.get(""), Some(&Value::Integer(5)));
    assert_eq!(doc.get("-_9"), Some(&Value::Integer(6)));
    assert_eq!(
        parse("\"\\u0041\" = 1\n").unwrap().get("A"),
        Some(&Value::Integer(1))
    );
}

#[test]
fn dotted_keys_and_headers_follow_toml_rules() {
    // Headers may add sub-tables under dotted-key tables, but not redefine them.
    let doc =
        parse("[fruit]\napple.color = \"red\"\n[fruit.apple.texture]\nsmooth = true\n").unwrap();
    let apple = table(table(doc.get("fruit")).get("apple"));
    assert_eq!(keys(apple), ["color", "texture"]);
    fails(
        "[fruit]\napple.color = 1\n[fruit.apple]\n",
        3,
        8,
        "already defined",
    );
    // Dotted keys may not reach into a table defined by a header.
    fails(
        "[a.b.c]\nz = 9\n[a]\nb.c.t = 1\n",
        4,
        3,
        "already defined by a header",
    );
    // An implicit super-table may be defined once, later.
    let doc = parse("[a.b]\nx = 1\n[a]\ny = 2\n").unwrap();
    assert_eq!(keys(table(doc.get("a"))), ["b", "y"]);
    fails("[a.b]\n[a]\n[a]\n", 3, 2, "table \"a\" is already defined");
    fails("[a]\nb = {x = 1}\n[a.b]\n", 3, 4, "inline table");
    fails("a = {x = 1}\na.y = 2\n", 2, 1, "inline table");
    fails("[[a]]\n[b]\n[a]\n", 3, 2, "array of tables");
    fails("a.x = 1\n[[a]]\n", 2, 3, "not an array of tables");
    fails("x = 1\nx.y = 2\n", 2, 1, "already a value (integer)");
    fails("x = 1\n[x.y]\n", 2, 2, "already a value (integer)");
}

#[test]
fn arrays() {
    assert_eq!(value("[]"), Value::Array(vec![]));
    assert_eq!(
        value("[ 1 , 'a' , true , ]"),
        Value::Array(vec![Value::Integer(1), s("a"), Value::Boolean(true)])
    );
    let nested = value("[[1, 2], [], [[\"x\"]]]");
    let expected = Value::Array(vec![
        Value::Array(vec![Value::Integer(1), Value::Integer(2)]),
        Value::Array(vec![]),
        Value::Array(vec![Value::Array(vec![s("x")])]),
    ]);
    assert_eq!(nested, expected);
    let doc = parse("sources = [ # first comment\n  \"a\", # after a\n\n  # own line\n  \"b\"\n  ,\n]\nnext = 1\n").unwrap();
    assert_eq!(array(doc.get("sources")), [s("a"), s("b")]);
    assert_eq!(doc.get("next"), Some(&Value::Integer(1)));
    assert_eq!(value("[{a = 1}, {b = 2}]"), {
        let t = |k: &str, v| {
            Value::Table(Table {
                entries: vec![(k.to_owned(), Value::Integer(v))],
            })
        };
        Value::Array(vec![t("a", 1), t("b", 2)])
    });
}

#[test]
fn array_errors() {
    fails("v = [1, 2", 1, 5, "unterminated array");
    fails("v = [1,\n2,\n# c\n", 1, 5, "unterminated array");
    fails(
        "v = [1 2]",
        1,
        8,
        "expected `,` or `]` in the array, found '2'",
    );
    fails("v = [1,,2]", 1, 8, "expected a value, found ','");
    fails("v = [,]", 1, 6, "expected a value, found ','");
    fails(
        "v = [1] 2",
        1,
        9,
        "expected a newline or a comment after the value",
    );
    fails(
        "[[a]]\n[a.b]\nv = 1\n[[x]]\n[y]\nx = [1]\nx.z = 1",
        7,
        1,
        "already a value (array)",
    );
    fails(
        "x = [1]\n[[x]]\n",
        2,
        3,
        "array value; [[x]] cannot extend it",
    );
}

#[test]
fn inline_tables() {
    let doc =
        parse("t = { a = 1, b = \"x\", c.d = true, e = { f = [] } }\nempty = {}\nsp = {  }\n")
            .unwrap();
    let t = table(doc.get("t"));
    assert_eq!(keys(t), ["a", "b", "c", "e"]);
    assert_eq!(table(t.get("c")).get("d"), Some(&Value::Boolean(true)));
    assert_eq!(table(t.get("e")).get("f"), Some(&Value::Array(vec![])));
    assert_eq!(doc.get("empty"), Some(&Value::Table(Table::default())));
    assert_eq!(doc.get("sp"), Some(&Value::Table(Table::default())));
    fails("t = { a = 1, }", 1, 14, "trailing comma");
    fails(
        "t = { a = 1,\n b = 2 }",
        1,
        13,
        "newline inside an inline table",
    );
    fails("t = {\n}", 1, 6, "newline inside an inline table");
    fails("t = { a = 1", 1, 5, "unterminated inline table");
    fails("t = { a = 1 b = 2 }", 1, 13, "expected `,` or `}`");
    fails("t = { a = 1, a = 2 }", 1, 14, "duplicate key \"a\"");
    fails("t = { a.b = 1, a = 2 }", 1, 16, "already a table");
    fails("t = { a }", 1, 9, "expected `=` after the key");
    fails("t = { a = }", 1, 11, "expected a value, found '}'");
    fails("t = {,}", 1, 6, "invalid character ','");
}

#[test]
fn structural_errors_have_positions() {
    fails("a = 1\nb = 2\na = 3\n", 3, 1, "duplicate key \"a\"");
    fails("[t]\nx = 1\n  x = 2\n", 3, 3, "duplicate key \"x\"");
    fails("[a]\n[b]\n[a]\n", 3, 2, "table \"a\" is already defined");
    fails(
        "[a]\nx.y = 1\n[a . x]\n",
        3,
        6,
        "table \"x\" is already defined",
    );
    fails("[a.b]\n[a]\nb = 1\n", 3, 1, "already a table");
    fails(
        "a = 1\n[a]\n",
        2,
        2,
        "already a value (integer), not a table",
    );
    fails("[[x]]\n[x]\n", 2, 2, "array of tables");
    fails("[x]\n[[x]]\n", 2, 3, "not an array of tables");
    fails("x = [1, 2]\n[[x]]\n", 2, 3, "cannot extend");
    fails("x = []\n[x]\n", 2, 2, "already a value (array)");
    fails("v = \"abc", 1, 5, "unterminated string");
    fails("v = 'abc", 1, 5, "unterminated string");
    fails(
        "v = \"abc\nw = 1\n",
        1,
        9,
        "newline inside a single-line string",
    );
    fails("v = 'abc\n", 1, 9, "newline inside a single-line string");
    fails(
        "v = [1, 2\nw = 1\n",
        2,
        1,
        "expected `,` or `]` in the array, found 'w'",
    );
    fails(
        "v = \"a\" x\n",
        1,
        9,
        "expected a newline or a comment after the value",
    );
    fails(
        "v = 1,\n",
        1,
        6,
        "expected a newline or a comment after the value",
    );
    fails(
        "[a] x\n",
        1,
        5,
        "expected a newline or a comment after the table header",
    );
    fails("key\n", 1, 4, "expected `=` after the key");
    fails("key value\n", 1, 5, "expected `=` after the key, found 'v'");
    fails("key = \n", 1, 7, "missing value after `=`");
    fails("key =", 1, 6, "missing value after `=`");
    fails("key = # c\n", 1, 7, "missing value after `=`");
    fails("= 1\n", 1, 1, "empty bare key");
    fails("a. = 1\n", 1, 4, "empty bare key");
    fails("a..b = 1\n", 1, 3, "empty bare key");
    fails("[]\n", 1, 2, "empty bare key");
    fails("[a.]\n", 1, 4, "empty bare key");
    fails("a/b = 1\n", 1, 2, "expected `=` after the key, found '/'");
    fails("é = 1\n", 1, 1, "invalid character 'é' in a bare key");
    fails("[a\n", 1, 3, "expected `]` to close the table header");
    fails("[[a]\n", 1, 5, "expected `]]` to close the table header");
    fails("[[a] ]\n", 1, 5, "expected `]]`");
    fails(
        "\"\"\"k\"\"\" = 1\n",
        1,
        1,
        "multi-line string cannot be a key",
    );
    fails("v = @", 1, 5, "expected a value, found '@'");
}

#[test]
fn error_display_is_line_and_column() {
    let e = parse("a = 1\nb = 2\n  a = 3").unwrap_err();
    assert_eq!(e.to_string(), "line 3, column 3: duplicate key \"a\"");
    let e = parse("x = \"é\" é").unwrap_err();
    assert_eq!((e.line, e.column), (1, 9), "columns count chars, not bytes");
}
