//! TOML reader limits: nesting depth, random garbage and megabyte inputs never panic or crawl.
use super::parse;
use super::tests::{fails, table};
use std::time::{Duration, Instant};

#[test]
fn nesting_is_bounded() {
    let ok = format!("v = {}{}", "[".repeat(31), "]".repeat(31));
    assert!(parse(&ok).is_ok());
    let deep = format!("v = {}{}", "[".repeat(33), "]".repeat(33));
    fails(&deep, 1, 37, "nesting deeper than 32 levels");
    fails(
        &format!("v = {}", "{a = ".repeat(40)),
        1,
        5 + 5 * 32,
        "nesting deeper",
    );
    let dotted = format!("{} = 1", ["k"; 40].join("."));
    fails(&dotted, 1, 1 + 2 * 32, "nesting deeper");
    let header = format!("[{}]", ["k"; 40].join("."));
    fails(&header, 1, 2 + 2 * 32, "nesting deeper");
    // Depth counts tables from headers and dotted keys as well as value nesting.
    let mixed = format!(
        "[{}]\n{} = {}",
        ["k"; 20].join("."),
        ["d"; 10].join("."),
        "[".repeat(5)
    );
    fails(&mixed, 2, 26, "nesting deeper");
}

#[test]
fn garbage_never_panics() {
    const ALPHABET: &[&str] = &[
        "[",
        "]",
        "[[",
        "]]",
        "{",
        "}",
        "\"",
        "'",
        "\"\"\"",
        "'''",
        "=",
        ".",
        ",",
        "#",
        "\n",
        "\r\n",
        "\r",
        " ",
        "\t",
        "\\",
        "\\u",
        "\\U",
        "a",
        "key",
        "0",
        "1",
        "_",
        "-",
        "+",
        "0x",
        "e",
        "true",
        "é",
        "\u{0}",
        "\u{feff}",
        "😀",
        "x = ",
        "[[record]]\n",
        "[ip]\n",
        "9223372036854775807",
    ];
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut parsed = 0;
    for _ in 0..20_000 {
        let len = next() % 40;
        let mut text = String::new();
        for _ in 0..len {
            let pick = (next() % ALPHABET.len() as u64) as usize;
            text.push_str(ALPHABET[pick]);
        }
        match parse(&text) {
            Ok(_) => parsed += 1,
            Err(e) => assert!(e.line >= 1 && e.column >= 1, "{text:?}: {e}"),
        }
    }
    assert!(
        parsed > 0,
        "the generator should produce some valid documents"
    );
}

#[test]
fn large_inputs_are_linear() {
    let started = Instant::now();
    let mega = 1 << 20;
    for text in [
        "[".repeat(mega),
        "\"".repeat(mega),
        "'".repeat(mega),
        format!("v = {}", "[".repeat(mega)),
        format!("v = {}", "{".repeat(mega)),
        format!("v = \"{}", "a".repeat(mega)),
        format!("v = \"\"\"{}", "\"\"\\\n".repeat(mega / 4)),
        format!("v = [{}]", "1,".repeat(mega / 2)),
        format!("[{}]", "a.".repeat(mega / 2)),
        "a = 1\n".repeat(mega / 6),
        format!(
            "[{}]\n{}",
            "k".repeat(mega / 2),
            "[[r]]\nx = 1\n".repeat(mega / 24)
        ),
    ] {
        let _ = parse(&text);
    }
    let keys: String = (0..100_000).map(|i| format!("k{i} = {i}\n")).collect();
    assert_eq!(parse(&keys).unwrap().entries.len(), 100_000);
    let inline: String = (0..100_000)
        .map(|i| format!("k{i} = {i}"))
        .collect::<Vec<_>>()
        .join(", ");
    let doc = parse(&format!("t = {{ {inline} }}")).unwrap();
    assert_eq!(table(doc.get("t")).entries.len(), 100_000);
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "took {:?}",
        started.elapsed()
    );
}
