//! The few XML pieces the XML replies need (Namecheap, Route 53): whole elements by their exact tag, a document's one root element; no XML crate.

/// The text of the first `<name>…</name>` element, exactly that tag (no attributes); an
/// empty `<name/>` is `""`.
pub fn element<'a>(body: &'a str, name: &str) -> Option<&'a str> {
    let open = format!("<{name}>");
    let close = format!("</{name}>");
    let Some(at) = body.find(&open) else {
        return body.contains(&format!("<{name}/>")).then_some("");
    };
    let start = at + open.len();
    let len = body[start..].find(&close)?;
    Some(&body[start..start + len])
}

/// The text of each `<name>…</name>` element in turn, at most `max` of them.
pub fn elements<'a>(mut body: &'a str, name: &str, max: usize) -> Vec<&'a str> {
    let close = format!("</{name}>");
    let mut found = Vec::new();
    while found.len() < max {
        let Some(text) = element(body, name) else {
            break;
        };
        found.push(text);
        // `text` lies inside `body`; go on after its closing tag.
        let end = text.as_ptr() as usize - body.as_ptr() as usize + text.len();
        match body[end..].strip_prefix(close.as_str()) {
            Some(rest) => body = rest,
            None => break,
        }
    }
    found
}

/// What the root element `<root …>…</root>` holds, when the body (after an optional
/// `<?xml …?>` declaration) is that one element and nothing else: a reply cut short, or any
/// other document, is `None`.
pub fn document<'a>(body: &'a str, root: &str) -> Option<&'a str> {
    let mut rest = body.trim_start_matches('\u{feff}').trim();
    if rest.starts_with("<?xml") {
        rest = rest[rest.find("?>")? + 2..].trim_start();
    }
    let after = rest.strip_prefix('<')?.strip_prefix(root)?;
    let head = &after[..after.find('>')? + 1];
    if !(head.starts_with('>') || head.starts_with(char::is_whitespace) || head == "/>") {
        return None;
    }
    let inner = &after[head.len()..];
    if head.ends_with("/>") {
        return inner.is_empty().then_some("");
    }
    inner.strip_suffix(&format!("</{root}>"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn elements_by_exact_tag() {
        let body = "<a><ErrCount>0</ErrCount><ErrCounts>9</ErrCounts><e/></a>";
        assert_eq!(element(body, "ErrCount"), Some("0"));
        assert_eq!(element(body, "ErrCounts"), Some("9"));
        assert_eq!(element(body, "e"), Some(""));
        assert_eq!(element(body, "x"), None);
        assert_eq!(element("<x>open", "x"), None);
        let list = "<L><V>1</V><V>2</V> <V>3</V></L>";
        assert_eq!(elements(list, "V", 10), ["1", "2", "3"]);
        assert_eq!(elements(list, "V", 2), ["1", "2"]);
        assert!(elements(list, "W", 10).is_empty());
        assert_eq!(elements("<V>1</V><V>2", "V", 10), ["1"]);
    }

    #[test]
    fn one_whole_document() {
        let ns = r#"<R xmlns="https://route53.amazonaws.com/doc/2013-04-01/"><A>1</A></R>"#;
        assert_eq!(document(ns, "R"), Some("<A>1</A>"));
        let full = format!("\u{feff}<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{ns}\n");
        assert_eq!(document(&full, "R"), Some("<A>1</A>"));
        assert_eq!(document("<R/>", "R"), Some(""));
        assert_eq!(document("<R></R>", "R"), Some(""));
        for bad in [
            "",
            "<R>",
            "<R><A>1</A>",
            "<R><A>1</A></R><R></R>x",
            "<Rs></Rs>",
            "<?xml version=\"1.0\"",
            "<html><R></R></html>",
            "<R/>junk",
        ] {
            assert_eq!(document(bad, "R"), None, "{bad:?}");
        }
    }
}
