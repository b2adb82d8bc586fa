//! A tiny, bounded XML tag scanner for the UPnP replies: elements by local name (any namespace
//! prefix), balanced tags checked, comments and processing instructions skipped; no DOM.

/// Deeper nesting than this is refused (a UPnP description nests about 10 levels).
const MAX_DEPTH: usize = 32;

/// The content (raw, between its tags) of each element named `name` (its local name, after
/// any `prefix:`) in `doc`, outermost ones only, in order, at most `max`. `None` when `doc` is
/// not well-formed: unbalanced tags, an unclosed tag, comment or instruction, a `<!DOCTYPE`
/// or CDATA section, or nesting deeper than [`MAX_DEPTH`].
pub fn elements<'a>(doc: &'a str, name: &str, max: usize) -> Option<Vec<&'a str>> {
    let mut found = Vec::new();
    // Open tags' names, and where the outermost `name` element's content starts.
    let mut open: Vec<&str> = Vec::new();
    let mut inside: Option<(usize, usize)> = None;
    let mut at = 0;
    while let Some(lt) = doc[at..].find('<').map(|i| at + i) {
        let tag = &doc[lt + 1..];
        if let Some(rest) = tag.strip_prefix("!--") {
            at = lt + 4 + rest.find("-->")? + 3;
            continue;
        }
        if tag.starts_with('?') {
            at = lt + 1 + tag.find("?>")? + 2;
            continue;
        }
        let len = tag_len(tag)?;
        let body = &tag[..len];
        at = lt + 1 + len + 1;
        if let Some(closing) = body.strip_prefix('/') {
            let closing = closing.trim_end();
            if open.pop() != Some(closing) {
                return None;
            }
            if let Some((depth, start)) = inside
                && depth == open.len()
            {
                found.push(&doc[start..lt]);
                inside = None;
            }
            continue;
        }
        let (empty, body) = match body.strip_suffix('/') {
            Some(b) => (true, b),
            None => (false, body),
        };
        let tag_name = body.split(is_space).next().unwrap_or_default();
        if !is_name(tag_name) {
            return None;
        }
        let local = tag_name.rsplit(':').next().unwrap_or_default();
        if inside.is_none() && local == name && found.len() < max {
            if empty {
                found.push("");
            } else {
                inside = Some((open.len(), at));
            }
        }
        if !empty {
            if open.len() == MAX_DEPTH {
                return None;
            }
            open.push(tag_name);
        }
    }
    open.is_empty().then_some(found)
}

/// The content of the one element named `name` in `doc`; `None` when there is none, more
/// than one, or `doc` is not well-formed.
pub fn one<'a>(doc: &'a str, name: &str) -> Option<&'a str> {
    match elements(doc, name, 2)?[..] {
        [only] => Some(only),
        _ => None,
    }
}

/// The trimmed text of the one element named `name`, when it holds no markup.
pub fn text<'a>(doc: &'a str, name: &str) -> Option<&'a str> {
    one(doc, name)
        .map(|t| t.trim_matches(is_space))
        .filter(|t| !t.contains(['<', '&']))
}

/// The length of a tag after its `<`, up to (not including) the `>` outside quotes.
fn tag_len(tag: &str) -> Option<usize> {
    let mut quote = None;
    for (i, b) in tag.bytes().enumerate() {
        match (quote, b) {
            (None, b'>') => return Some(i),
            (None, b'<') => return None,
            (None, b'"' | b'\'') => quote = Some(b),
            (Some(q), _) if q == b => quote = None,
            _ => {}
        }
    }
    None
}

fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n')
}

/// An XML name as UPnP uses them: ASCII letters, digits, `_-.:`, not starting with a digit,
/// `-`, `.` or `:` (so `<!DOCTYPE`, `<![CDATA[` and `< a>` are refused).
fn is_name(name: &str) -> bool {
    name.bytes()
        .next()
        .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b':'))
}
