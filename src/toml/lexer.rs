//! The character level of the TOML reader: the cursor, whitespace, comments and newlines,
//! keys, strings with their escapes, and bare booleans and integers.
use super::{ParseError, Parser, Pos, Res, Value};

/// Chars with a read position and line/column tracking; reading past the end gives `None`.
pub(super) struct Cursor {
    chars: Vec<char>,
    pos: usize,
    line: usize,
    col: usize,
}

impl Cursor {
    pub(super) fn new(text: &str) -> Cursor {
        Cursor {
            chars: text.chars().collect(),
            pos: 0,
            line: 1,
            col: 1,
        }
    }

    pub(super) fn peek(&self) -> Option<char> {
        self.peek_at(0)
    }

    pub(super) fn peek_at(&self, ahead: usize) -> Option<char> {
        self.chars.get(self.pos.saturating_add(ahead)).copied()
    }

    pub(super) fn triple(&self, c: char) -> bool {
        (0..3).all(|i| self.peek_at(i) == Some(c))
    }

    pub(super) fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += 1;
        (self.line, self.col) = if c == '\n' {
            (self.line + 1, 1)
        } else {
            (self.line, self.col + 1)
        };
        Some(c)
    }

    pub(super) fn eat(&mut self, c: char) -> bool {
        let hit = self.peek() == Some(c);
        if hit {
            self.bump();
        }
        hit
    }

    /// Consumes and returns chars while `keep` holds.
    pub(super) fn take_while(&mut self, mut keep: impl FnMut(char) -> bool) -> String {
        let mut taken = String::new();
        while let Some(c) = self.peek().filter(|&c| keep(c)) {
            taken.push(c);
            self.bump();
        }
        taken
    }

    pub(super) fn mark(&self) -> Pos {
        (self.line, self.col)
    }
}

fn is_control(c: char) -> bool {
    c != '\t' && (c < ' ' || c == '\u{7f}')
}

impl Parser {
    pub(super) fn skip_ws(&mut self) {
        self.cur.take_while(|c| c == ' ' || c == '\t');
    }

    /// Whitespace, then a comment if one starts here.
    pub(super) fn skip_ws_comment(&mut self) -> Res<()> {
        self.skip_ws();
        if self.cur.eat('#') {
            self.cur
                .take_while(|c| c != '\n' && c != '\r' && !is_control(c));
            if self.cur.peek().is_some_and(|c| c != '\n' && c != '\r') {
                bail!(
                    self.cur.mark(),
                    "control characters are not allowed in comments"
                );
            }
        }
        Ok(())
    }

    /// Consumes a LF or CRLF if one is next; a lone CR is an error.
    pub(super) fn newline(&mut self) -> Res<bool> {
        match (self.cur.peek(), self.cur.peek_at(1)) {
            (Some('\n'), _) => {}
            (Some('\r'), Some('\n')) => _ = self.cur.bump(),
            (Some('\r'), _) => bail!(self.cur.mark(), "carriage return not followed by a newline"),
            _ => return Ok(false),
        }
        self.cur.bump();
        Ok(true)
    }

    /// Whitespace, an optional comment, then a newline or the end of the text.
    pub(super) fn end_of_line(&mut self, what: &str) -> Res<()> {
        self.skip_ws_comment()?;
        if !self.newline()? && self.cur.peek().is_some() {
            bail!(self.cur.mark(), "expected a newline or a comment{what}");
        }
        Ok(())
    }

    /// Whitespace, comments and newlines, as allowed between array elements.
    pub(super) fn skip_trivia(&mut self) -> Res<()> {
        self.skip_ws_comment()?;
        while self.newline()? {
            self.skip_ws_comment()?;
        }
        Ok(())
    }

    pub(super) fn simple_key(&mut self) -> Res<String> {
        let pos = self.cur.mark();
        match self.cur.peek() {
            Some(q @ ('"' | '\'')) if self.cur.triple(q) => {
                bail!(pos, "a multi-line string cannot be a key")
            }
            Some(q @ ('"' | '\'')) => return self.string(q),
            _ => {}
        }
        let key = self
            .cur
            .take_while(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
        match self.cur.peek() {
            _ if !key.is_empty() => Ok(key),
            Some(c) if !matches!(c, '=' | '.' | ']' | ' ' | '\t' | '\n' | '\r' | '#') => {
                bail!(pos, "invalid character {c:?} in a bare key")
            }
            _ => bail!(pos, "empty bare key"),
        }
    }

    /// A bare word: a boolean or an integer (floats, dates and times get their own errors).
    pub(super) fn scalar(&mut self) -> Res<Value> {
        let pos = self.cur.mark();
        let word = self
            .cur
            .take_while(|c| c.is_ascii_alphanumeric() || "_+-.:".contains(c));
        match self.cur.peek() {
            Some(c) if word.is_empty() => bail!(pos, "expected a value, found {c:?}"),
            _ => classify(&word).or_else(|message| bail!(pos, "{message}")),
        }
    }

    /// Any of the four string forms, opening with `quote`; only `"` forms take escapes.
    /// CRLF inside a multi-line string is read as LF.
    pub(super) fn string(&mut self, quote: char) -> Res<String> {
        let open = self.cur.mark();
        let multi = self.cur.triple(quote);
        for _ in 0..if multi { 3 } else { 1 } {
            self.cur.bump();
        }
        if multi {
            self.newline()?;
        }
        let mut s = String::new();
        loop {
            let pos = self.cur.mark();
            match self.cur.peek() {
                None => bail!(open, "unterminated string"),
                Some(c) if c == quote && !multi => {
                    self.cur.bump();
                    return Ok(s);
                }
                Some(c) if c == quote => {
                    let run = self.cur.take_while(|c| c == quote).len();
                    if run > 5 {
                        bail!(pos, "too many quotes at the end of a multi-line string");
                    }
                    s.extend(std::iter::repeat_n(quote, run % 3));
                    if run >= 3 {
                        return Ok(s);
                    }
                }
                Some('\\') if quote == '"' => {
                    self.cur.bump();
                    if multi && matches!(self.cur.peek(), Some(' ' | '\t' | '\n' | '\r')) {
                        self.line_ending_backslash(pos)?;
                    } else {
                        s.push(self.escape(pos)?);
                    }
                }
                Some('\n' | '\r') if multi => {
                    self.newline()?;
                    s.push('\n');
                }
                Some('\n' | '\r') => bail!(pos, "newline inside a single-line string"),
                Some(c) if is_control(c) => bail!(
                    pos,
                    "control character U+{:04X} must be escaped",
                    u32::from(c)
                ),
                Some(c) => {
                    self.cur.bump();
                    s.push(c);
                }
            }
        }
    }

    /// After a `\` that ends a line: drops all whitespace and newlines up to the next text.
    fn line_ending_backslash(&mut self, pos: Pos) -> Res<()> {
        self.skip_ws();
        if !self.newline()? {
            bail!(
                pos,
                "invalid escape: `\\` followed by whitespace must end the line"
            );
        }
        self.skip_ws();
        while self.newline()? {
            self.skip_ws();
        }
        Ok(())
    }

    /// The char for an escape whose `\` (at `pos`) was just consumed.
    fn escape(&mut self, pos: Pos) -> Res<char> {
        match self.cur.bump() {
            Some('b') => Ok('\u{8}'),
            Some('t') => Ok('\t'),
            Some('n') => Ok('\n'),
            Some('f') => Ok('\u{c}'),
            Some('r') => Ok('\r'),
            Some(c @ ('"' | '\\')) => Ok(c),
            Some('u') => self.unicode_escape(4, pos),
            Some('U') => self.unicode_escape(8, pos),
            Some(c) => bail!(pos, "invalid escape \"\\{}\"", c.escape_debug()),
            None => bail!(pos, "unterminated string"),
        }
    }

    fn unicode_escape(&mut self, digits: usize, pos: Pos) -> Res<char> {
        let mut seen = 0;
        let hex = self.cur.take_while(|c| {
            seen += 1;
            seen <= digits && c.is_ascii_hexdigit()
        });
        if hex.len() < digits {
            bail!(pos, "invalid unicode escape: expected {digits} hex digits");
        }
        match u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
            Some(c) => Ok(c),
            None => bail!(
                pos,
                "invalid unicode escape: U+{hex} is not a Unicode scalar value"
            ),
        }
    }
}

/// Reads a bare word as a boolean or an integer, naming the unsupported kinds of value.
fn classify(word: &str) -> Result<Value, String> {
    match word {
        "true" => return Ok(Value::Boolean(true)),
        "false" => return Ok(Value::Boolean(false)),
        _ => {}
    }
    let unsigned = word.strip_prefix(['+', '-']).unwrap_or(word);
    let digits = word.bytes().take_while(u8::is_ascii_digit).count();
    let after = word.as_bytes().get(digits).copied();
    if (digits == 4 && after == Some(b'-')) || (digits == 2 && after == Some(b':')) {
        return Err("dates and times are not supported here".into());
    }
    let numeric = unsigned.starts_with(|c: char| c.is_ascii_digit());
    let radix = ["0x", "0o", "0b"].iter().any(|p| word.starts_with(p));
    let float = unsigned.contains('.') || (numeric && unsigned.contains(['e', 'E']));
    if matches!(unsigned, "inf" | "nan") || (float && !radix) {
        return Err("floating-point numbers are not supported here".into());
    } else if !numeric {
        return Err(format!("invalid value `{word}` (strings must be quoted)"));
    }
    parse_integer(word).map(Value::Integer)
}

/// A TOML integer: decimal with an optional sign, or `0x`/`0o`/`0b`; `_` only between digits.
fn parse_integer(word: &str) -> Result<i64, String> {
    let invalid = |why: &str| Err(format!("invalid integer `{word}`: {why}"));
    let (sign, unsigned) = match word.strip_prefix(['+', '-']) {
        Some(rest) => (word.get(..1).unwrap_or(""), rest),
        None => ("", word),
    };
    let prefixed = [("0x", 16), ("0o", 8), ("0b", 2)]
        .into_iter()
        .find_map(|(p, r)| Some((r, unsigned.strip_prefix(p)?)));
    let (radix, digits) = prefixed.unwrap_or((10, unsigned));
    if radix != 10 && !sign.is_empty() {
        return invalid("hexadecimal, octal and binary integers cannot have a sign");
    } else if digits.is_empty() {
        return invalid("no digits");
    } else if let Some(c) = digits.chars().find(|&c| !c.is_digit(radix) && c != '_') {
        return invalid(&format!("unexpected {c:?}"));
    } else if radix == 10 && digits.len() > 1 && digits.starts_with('0') {
        return invalid("leading zeros are not allowed");
    } else if digits.split('_').any(str::is_empty) {
        return invalid("`_` must be between digits");
    }
    let clean: String = sign
        .chars()
        .chain(digits.chars().filter(|&c| c != '_'))
        .collect();
    i64::from_str_radix(&clean, radix)
        .or_else(|_| invalid("does not fit in a 64-bit signed integer"))
}

#[cfg(test)]
#[path = "lexer_tests.rs"]
mod tests;
