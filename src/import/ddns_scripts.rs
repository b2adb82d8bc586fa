//! OpenWrt ddns-scripts' UCI file `/etc/config/ddns` -> [`Imported`] (`config service` sections).
use super::{Imported, Record, Value};

/// Reads a UCI file: `config service 'name'` sections with `option` and `list` lines.
pub fn parse(text: &str) -> Result<Imported, String> {
    let sections = sections(text)?;
    let mut imported = Imported::default();
    for s in &sections {
        if s.kind == "service" {
            let mut keys = Vec::new();
            for (name, values, _) in &s.options {
                let v = values.join(" ");
                match name.as_str() {
                    "service_name" => keys.insert(0, ("provider".into(), Value::Str(v))),
                    "password" => keys.push(("password".into(), Value::Secret(v))),
                    "force_interval" => keys.push(("refresh_days".into(), Value::Int(1))),
                    "use_https" => keys.push(("allow_http".into(), Value::Bool(v == "0"))),
                    _ => {}
                }
            }
            imported.records.push(Record {
                origin: s.origin(),
                keys,
                notes: Vec::new(),
            });
        }
    }
    Ok(imported)
}

/// One `config TYPE 'NAME'` section and its options, in file order.
#[derive(Debug, Default)]
struct Section {
    kind: String,
    name: String,
    line: usize,
    /// (name, values, line): one value for `option`, one or more for `list`.
    options: Vec<(String, Vec<String>, usize)>,
}

impl Section {
    fn origin(&self) -> String {
        format!("section '{}' (line {})", self.name, self.line)
    }
}

/// Splits the file into sections; an error names its line.
fn sections(text: &str) -> Result<Vec<Section>, String> {
    let mut out: Vec<Section> = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let n = i + 1;
        let words = words(raw).map_err(|e| format!("line {n}: {e}"))?;
        let Some((first, rest)) = words.split_first() else {
            continue;
        };
        match (first.as_str(), rest) {
            ("package", [_]) => {}
            ("config", [kind]) | ("config", [kind, _]) => out.push(Section {
                kind: kind.clone(),
                name: rest
                    .get(1)
                    .cloned()
                    .unwrap_or_else(|| format!("@{kind}[{}]", out.len())),
                line: n,
                options: Vec::new(),
            }),
            ("option", [name, value]) | ("list", [name, value]) => {
                let Some(s) = out.last_mut() else {
                    return Err(format!("line {n}: {first} outside a config section"));
                };
                let is_list = first == "list";
                match s.options.iter_mut().find(|(k, _, _)| k == name) {
                    Some((_, values, _)) if is_list => values.push(value.clone()),
                    Some(o) => *o = (name.clone(), vec![value.clone()], n),
                    None => s.options.push((name.clone(), vec![value.clone()], n)),
                }
            }
            ("config" | "option" | "list" | "package", _) => {
                return Err(format!("line {n}: wrong number of words after \"{first}\""));
            }
            (other, _) => return Err(format!("line {n}: unknown keyword \"{other}\"")),
        }
    }
    Ok(out)
}

/// The words of one UCI line: 'single' quotes keep everything, "double" quotes take `\`
/// escapes, a bare `\` escapes the next character, adjacent pieces join, `#` starts a comment.
fn words(line: &str) -> Result<Vec<String>, String> {
    let mut words = Vec::new();
    let mut chars = line.chars();
    let mut word: Option<String> = None;
    while let Some(c) = chars.next() {
        match c {
            ' ' | '\t' | '\r' => {
                if let Some(w) = word.take() {
                    words.push(w);
                }
            }
            '#' if word.is_none() => break,
            '\'' => {
                let w = word.get_or_insert_with(String::new);
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(c) => w.push(c),
                        None => return Err("unterminated quote".into()),
                    }
                }
            }
            '"' => {
                let w = word.get_or_insert_with(String::new);
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(c) => w.push(c),
                            None => return Err("unterminated quote".into()),
                        },
                        Some(c) => w.push(c),
                        None => return Err("unterminated quote".into()),
                    }
                }
            }
            '\\' => match chars.next() {
                Some(c) => word.get_or_insert_with(String::new).push(c),
                None => return Err("a backslash at the end of the line".into()),
            },
            c => word.get_or_insert_with(String::new).push(c),
        }
    }
    words.extend(word);
    Ok(words)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_follow_uci_quoting() {
        let w = words(r#"option password 'it'\''s' # comment"#).unwrap();
        assert_eq!(w, ["option", "password", "it's"]);
        let w = words(r#"option x "a \"b\" c"#).unwrap_err();
        assert_eq!(w, "unterminated quote");
        assert_eq!(
            words(r#"option x "a\"b""#).unwrap(),
            ["option", "x", "a\"b"]
        );
        assert_eq!(words("  list a b#c").unwrap(), ["list", "a", "b#c"]);
    }

    #[test]
    fn syntax_errors_name_the_line() {
        let e = sections("config ddns 'global'\n\noption x 'y\n").unwrap_err();
        assert_eq!(e, "line 3: unterminated quote");
        let e = sections("option x y\n").unwrap_err();
        assert_eq!(e, "line 1: option outside a config section");
        let e = sections("config service 'a'\n\toption x y z\n").unwrap_err();
        assert!(e.starts_with("line 2: wrong number"), "{e}");
    }
}
