//! The TSIG key of a record: inline in the config, or from a BIND key file (tsig-keygen or
//! ddns-confgen output, or hand-written), its secret in base64.
use super::wire::{Algorithm, TsigKey};
use super::{NameKind, parse_name};
use crate::error::Error;
use crate::fields::Fields;

const SUPPORTED_ALGORITHMS: &str = "hmac-sha256, hmac-sha512, hmac-sha1";

/// The key: from a BIND key file (`tsig_key_file`, optionally `tsig_key_name` to choose), or
/// inline (`tsig_key_name`, `tsig_algorithm`, `tsig_secret`/`tsig_secret_file`).
pub(super) fn read_key(f: &mut Fields) -> Result<TsigKey, Error> {
    let key_name = f.str("tsig_key_name")?;
    let algorithm = f.str("tsig_algorithm")?;
    let inline = f.str("tsig_secret")?.is_some() | f.str("tsig_secret_file")?.is_some();
    if let Some(text) = f.secret_file("tsig_key_file")? {
        if inline {
            return Err(f.error(
                "tsig_key_file",
                "set either tsig_key_file or tsig_secret (or tsig_secret_file), not both",
            ));
        }
        if algorithm.is_some() {
            return Err(f.error(
                "tsig_algorithm",
                "the key file names the algorithm; remove tsig_algorithm",
            ));
        }
        let keys = parse_key_file(text.expose()).map_err(|m| f.error("tsig_key_file", &m))?;
        return select_key(&keys, key_name.as_deref()).map_err(|m| f.error("tsig_key_file", &m));
    }
    if !inline && key_name.is_none() {
        return Err(Error::Config(format!(
            "{}: missing key \"tsig_key_file\" (or \"tsig_key_name\" with \"tsig_secret\")",
            f.label
        )));
    }
    let Some(key_name) = key_name else {
        return Err(f.missing("tsig_key_name"));
    };
    let name = parse_name(&key_name, NameKind::Key).map_err(|m| f.error("tsig_key_name", &m))?;
    let algorithm = match algorithm {
        None => Algorithm::HmacSha256,
        Some(a) => Algorithm::parse(&a).ok_or_else(|| {
            f.error(
                "tsig_algorithm",
                &format!("unsupported algorithm \"{a}\" (supported: {SUPPORTED_ALGORITHMS})"),
            )
        })?,
    };
    let secret = f.secret("tsig_secret")?;
    let bytes = decode_base64(secret.expose())
        .filter(|b| !b.is_empty())
        .ok_or_else(|| f.error("tsig_secret", "is not valid base64"))?;
    Ok(TsigKey::new(name, algorithm, bytes))
}

/// One `key` statement of a BIND key file, as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyEntry {
    pub name: String,
    pub algorithm: String,
    secret: String,
    pub line: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Word(String),
    Quoted(String),
    Open,
    Close,
    Semi,
}

/// Splits named.conf text into tokens with their line numbers; drops `#`, `//` and `/* */`
/// comments.
fn tokenize(text: &str) -> Result<Vec<(Token, usize)>, String> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let mut line = 1;
    while let Some(&c) = b.get(i) {
        let next = b.get(i + 1).copied();
        match c {
            b'\n' => {
                line += 1;
                i += 1;
            }
            _ if c.is_ascii_whitespace() => i += 1,
            b'#' => {
                while b.get(i).is_some_and(|&c| c != b'\n') {
                    i += 1;
                }
            }
            b'/' if next == Some(b'/') => {
                while b.get(i).is_some_and(|&c| c != b'\n') {
                    i += 1;
                }
            }
            b'/' if next == Some(b'*') => {
                let start = line;
                i += 2;
                loop {
                    match b.get(i) {
                        None => return Err(format!("line {start}: unterminated /* comment")),
                        Some(b'*') if b.get(i + 1) == Some(&b'/') => {
                            i += 2;
                            break;
                        }
                        Some(b'\n') => line += 1,
                        Some(_) => {}
                    }
                    i += 1;
                }
            }
            b'{' | b'}' | b';' => {
                let t = match c {
                    b'{' => Token::Open,
                    b'}' => Token::Close,
                    _ => Token::Semi,
                };
                out.push((t, line));
                i += 1;
            }
            b'"' => {
                let start = line;
                let mut s = Vec::new();
                i += 1;
                loop {
                    match b.get(i) {
                        None => return Err(format!("line {start}: unterminated string")),
                        Some(b'"') => break,
                        Some(b'\\') => {
                            i += 1;
                            match b.get(i) {
                                None => return Err(format!("line {start}: unterminated string")),
                                Some(&e) => s.push(e),
                            }
                        }
                        Some(&ch) => {
                            if ch == b'\n' {
                                line += 1;
                            }
                            s.push(ch);
                        }
                    }
                    i += 1;
                }
                i += 1;
                out.push((
                    Token::Quoted(String::from_utf8_lossy(&s).into_owned()),
                    start,
                ));
            }
            _ => {
                let start = i;
                while let Some(&ch) = b.get(i) {
                    let ends_here = ch.is_ascii_whitespace()
                        || matches!(ch, b'{' | b'}' | b';' | b'"' | b'#')
                        || (ch == b'/' && matches!(b.get(i + 1), Some(b'/' | b'*')));
                    if ends_here {
                        break;
                    }
                    i += 1;
                }
                let word = String::from_utf8_lossy(&b[start..i]).into_owned();
                out.push((Token::Word(word), line));
            }
        }
    }
    Ok(out)
}

/// Reads the `key "name" { algorithm ...; secret "..."; };` statements of a BIND key file
/// (tsig-keygen / ddns-confgen output, or hand-written); other statements are skipped.
pub fn parse_key_file(text: &str) -> Result<Vec<KeyEntry>, String> {
    let tokens = tokenize(text)?;
    let mut it = tokens.into_iter().peekable();
    let mut keys = Vec::new();
    let last_line = text.lines().count().max(1);
    while let Some((token, line)) = it.next() {
        let is_key = matches!(&token, Token::Word(w) if w.eq_ignore_ascii_case("key"));
        if !is_key {
            // Some other statement (or a stray `;`): skip to its end.
            let mut depth = 0usize;
            let mut t = Some((token, line));
            while let Some((tok, l)) = t {
                match tok {
                    Token::Open => depth += 1,
                    Token::Close if depth == 0 => {
                        return Err(format!("line {l}: unexpected \"}}\""));
                    }
                    Token::Close => depth -= 1,
                    Token::Semi if depth == 0 => break,
                    _ => {}
                }
                t = it.next();
            }
            continue;
        }
        let name = match it.next() {
            Some((Token::Word(w) | Token::Quoted(w), _)) => w,
            _ => {
                return Err(format!(
                    "line {line}: \"key\" must be followed by the key's name"
                ));
            }
        };
        match it.next() {
            Some((Token::Open, _)) => {}
            _ => return Err(format!("line {line}: expected \"{{\" after key \"{name}\"")),
        }
        let mut algorithm = None;
        let mut secret = None;
        loop {
            let (clause, l) = match it.next() {
                Some((Token::Close, _)) => break,
                Some((Token::Word(w), l)) => (w.to_ascii_lowercase(), l),
                Some((_, l)) => {
                    return Err(format!("line {l}: expected a clause in key \"{name}\""));
                }
                None => {
                    return Err(format!(
                        "line {last_line}: key \"{name}\" is not closed with \"}}\""
                    ));
                }
            };
            let value = match it.next() {
                Some((Token::Word(w) | Token::Quoted(w), _)) => w,
                _ => return Err(format!("line {l}: \"{clause}\" needs a value")),
            };
            match it.next() {
                Some((Token::Semi, _)) => {}
                _ => return Err(format!("line {l}: expected \";\" after \"{clause}\"")),
            }
            let slot = match clause.as_str() {
                "algorithm" => &mut algorithm,
                "secret" => &mut secret,
                _ => {
                    return Err(format!(
                        "line {l}: unknown clause \"{clause}\" in key \"{name}\""
                    ));
                }
            };
            if slot.replace(value).is_some() {
                return Err(format!(
                    "line {l}: \"{clause}\" given twice in key \"{name}\""
                ));
            }
        }
        if matches!(it.peek(), Some((Token::Semi, _))) {
            it.next();
        }
        let algorithm =
            algorithm.ok_or_else(|| format!("line {line}: key \"{name}\" has no algorithm"))?;
        let secret = secret.ok_or_else(|| format!("line {line}: key \"{name}\" has no secret"))?;
        keys.push(KeyEntry {
            name,
            algorithm,
            secret,
            line,
        });
    }
    Ok(keys)
}

/// Picks the key named `wanted` (any case, final dot optional), or the only key in the file.
pub fn select_key(keys: &[KeyEntry], wanted: Option<&str>) -> Result<TsigKey, String> {
    let norm = |s: &str| s.trim().trim_end_matches('.').to_ascii_lowercase();
    let names = || {
        keys.iter()
            .map(|k| format!("\"{}\"", k.name))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let entry = match wanted {
        Some(w) => keys
            .iter()
            .find(|k| norm(&k.name) == norm(w))
            .ok_or_else(|| match keys.len() {
                0 => "the file holds no key statement".to_string(),
                _ => format!("no key \"{w}\" in the file (it has {})", names()),
            })?,
        None => match keys {
            [one] => one,
            [] => return Err("the file holds no key statement".to_string()),
            _ => {
                return Err(format!(
                    "the file holds several keys ({}); set tsig_key_name to choose",
                    names()
                ));
            }
        },
    };
    let at = |m: String| format!("line {}: key \"{}\": {m}", entry.line, entry.name);
    let name = parse_name(&entry.name, NameKind::Key).map_err(at)?;
    let algorithm = Algorithm::parse(&entry.algorithm).ok_or_else(|| {
        at(format!(
            "unsupported algorithm \"{}\" (supported: {SUPPORTED_ALGORITHMS})",
            entry.algorithm
        ))
    })?;
    let secret = decode_base64(&entry.secret)
        .filter(|b| !b.is_empty())
        .ok_or_else(|| at("the secret is not valid base64".to_string()))?;
    Ok(TsigKey::new(name, algorithm, secret))
}

/// Standard base64 (RFC 4648) with or without padding; whitespace is ignored.
pub fn decode_base64(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let mut acc: u32 = 0;
    let mut bits = 0;
    let mut chars = 0usize;
    let mut padding = 0usize;
    for c in text.bytes().filter(|c| !c.is_ascii_whitespace()) {
        if c == b'=' {
            padding += 1;
            continue;
        }
        if padding > 0 {
            return None;
        }
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        chars += 1;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    let valid_tail = match chars % 4 {
        0 => padding == 0,
        2 => padding == 0 || padding == 2,
        3 => padding == 0 || padding == 1,
        _ => false,
    };
    valid_tail.then_some(out)
}

#[cfg(test)]
#[path = "keyfile_tests.rs"]
mod tests;
