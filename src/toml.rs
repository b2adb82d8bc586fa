//! A strict reader for the TOML subset ddnsup's config uses: text in, a `Table` or a `line:column` error out.

use std::collections::HashMap;
use std::fmt;

/// Deepest nesting of tables and arrays accepted (bounds recursion on garbage input).
const MAX_DEPTH: usize = 32;
const TOO_DEEP: &str = "nesting deeper than 32 levels";

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    String(String),
    Integer(i64),
    Boolean(bool),
    Array(Vec<Value>),
    Table(Table),
}

/// Keys in document order; each key at most once.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Table {
    pub entries: Vec<(String, Value)>,
}

impl Table {
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.entries.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }
}

impl Value {
    /// "string", "integer", "boolean", "array", "table" — for error messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::String(_) => "string",
            Value::Integer(_) => "integer",
            Value::Boolean(_) => "boolean",
            Value::Array(_) => "array",
            Value::Table(_) => "table",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ParseError {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "line {}, column {}: {}",
            self.line, self.column, self.message
        )
    }
}

/// Parses a whole document into its root table.
pub fn parse(text: &str) -> Result<Table, ParseError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let cur = Cursor {
        chars: text.chars().collect(),
        pos: 0,
        line: 1,
        col: 1,
    };
    let mut parser = Parser {
        cur,
        tables: Vec::new(),
    };
    let root = parser.new_table(Kind::Header, 0, (1, 1))?;
    parser.document(root)?;
    Ok(parser.take_table(root))
}

type Res<T> = Result<T, ParseError>;
/// (line, column), both 1-based; the column counts chars.
type Pos = (usize, usize);
type KeyPath = Vec<(String, Pos)>;

/// `return`s a `ParseError` at `pos` with a `format!` message.
macro_rules! bail {
    ($pos:expr, $($message:tt)+) => {{
        let (line, column) = $pos;
        return Err(ParseError { line, column, message: format!($($message)+) });
    }};
}

/// Chars with a read position and line/column tracking; reading past the end gives `None`.
struct Cursor {
    chars: Vec<char>,
    pos: usize,
    line: usize,
    col: usize,
}

impl Cursor {
    fn peek(&self) -> Option<char> {
        self.peek_at(0)
    }

    fn peek_at(&self, ahead: usize) -> Option<char> {
        self.chars.get(self.pos.saturating_add(ahead)).copied()
    }

    fn triple(&self, c: char) -> bool {
        (0..3).all(|i| self.peek_at(i) == Some(c))
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += 1;
        (self.line, self.col) = if c == '\n' {
            (self.line + 1, 1)
        } else {
            (self.line, self.col + 1)
        };
        Some(c)
    }

    fn eat(&mut self, c: char) -> bool {
        let hit = self.peek() == Some(c);
        if hit {
            self.bump();
        }
        hit
    }

    /// Consumes and returns chars while `keep` holds.
    fn take_while(&mut self, mut keep: impl FnMut(char) -> bool) -> String {
        let mut taken = String::new();
        while let Some(c) = self.peek().filter(|&c| keep(c)) {
            taken.push(c);
            self.bump();
        }
        taken
    }

    fn mark(&self) -> Pos {
        (self.line, self.col)
    }
}

fn is_control(c: char) -> bool {
    c != '\t' && (c < ' ' || c == '\u{7f}')
}

/// How a table came to exist, which decides how it may still be extended.
#[derive(Clone, Copy)]
enum Kind {
    /// Only named inside a longer header such as `[a.b]`: `[a]` may still define it once,
    /// and a dotted key reaching into it makes it `Dotted`.
    Implicit,
    /// Defined by its own header (also `[[array]]` elements and the root): closed to
    /// dotted keys from elsewhere.
    Header,
    /// Created by a dotted key (`a.b = 1`) or an inline table: more dotted keys may extend
    /// it; a header may add sub-tables under it but not define it.
    Dotted,
}

enum Slot {
    Value(Value),
    Table(usize),
    /// An array of tables built by `[[key]]` headers; never empty.
    Tables(Vec<usize>),
}

/// A table under construction; `keys` indexes `entries` so lookups stay O(1).
struct Node {
    kind: Kind,
    depth: usize,
    keys: HashMap<String, usize>,
    entries: Vec<(String, Slot)>,
}

/// What a key holds, copied out of the tree so the tree can then be changed.
enum Found {
    Missing,
    Table(usize, Kind),
    /// Holds the id of the array's last table.
    Tables(usize),
    Value(&'static str),
}

struct Parser {
    cur: Cursor,
    /// Arena of tables; ids come only from `new_table`, so indexing with them cannot fail.
    tables: Vec<Node>,
}

impl Parser {
    fn new_table(&mut self, kind: Kind, depth: usize, pos: Pos) -> Res<usize> {
        if depth > MAX_DEPTH {
            bail!(pos, "{TOO_DEEP}");
        }
        self.tables.push(Node {
            kind,
            depth,
            keys: HashMap::new(),
            entries: Vec::new(),
        });
        Ok(self.tables.len() - 1)
    }

    fn find(&self, table: usize, key: &str) -> Found {
        let node = &self.tables[table];
        match node.keys.get(key).and_then(|&i| node.entries.get(i)) {
            None => Found::Missing,
            Some((_, Slot::Table(id))) => Found::Table(*id, self.tables[*id].kind),
            Some((_, Slot::Tables(ids))) => {
                ids.last().map_or(Found::Missing, |&id| Found::Tables(id))
            }
            Some((_, Slot::Value(v))) => Found::Value(v.type_name()),
        }
    }

    fn insert(&mut self, table: usize, key: &str, slot: Slot) {
        let node = &mut self.tables[table];
        node.keys.insert(key.to_owned(), node.entries.len());
        node.entries.push((key.to_owned(), slot));
    }

    /// Adds a sub-table under `key`; with `array`, appends it to (or starts) an array of tables.
    fn add_table(
        &mut self,
        parent: usize,
        key: &str,
        kind: Kind,
        pos: Pos,
        array: bool,
    ) -> Res<usize> {
        let id = self.new_table(kind, self.tables[parent].depth + 1, pos)?;
        let node = &mut self.tables[parent];
        match node.keys.get(key).and_then(|&i| node.entries.get_mut(i)) {
            Some((_, Slot::Tables(ids))) if array => ids.push(id),
            _ if array => self.insert(parent, key, Slot::Tables(vec![id])),
            _ => self.insert(parent, key, Slot::Table(id)),
        }
        Ok(id)
    }

    /// Handles `[path]` or `[[path]]`; returns the table that the following keys go into.
    fn open_header(&mut self, path: &KeyPath, array: bool) -> Res<usize> {
        let Some(((key, pos), prefix)) = path.split_last() else {
            bail!(self.cur.mark(), "empty key")
        };
        let mut table = 0;
        for (k, p) in prefix {
            table = match self.find(table, k) {
                Found::Missing => self.add_table(table, k, Kind::Implicit, *p, false)?,
                Found::Table(id, _) | Found::Tables(id) => id,
                Found::Value(ty) => return not_a_table(k, ty, *p),
            };
        }
        let pos = *pos;
        match (self.find(table, key), array) {
            (Found::Missing, _) | (Found::Tables(_), true) => {
                self.add_table(table, key, Kind::Header, pos, array)
            }
            (Found::Table(id, Kind::Implicit), false) => {
                self.tables[id].kind = Kind::Header;
                Ok(id)
            }
            (Found::Table(..), false) => bail!(pos, "table {key:?} is already defined"),
            (Found::Tables(_), false) => bail!(pos, "{key:?} is an array of tables; use [[{key}]]"),
            (Found::Table(..), true) => bail!(pos, "{key:?} is a table, not an array of tables"),
            (Found::Value("array"), true) => {
                bail!(pos, "{key:?} is an array value; [[{key}]] cannot extend it")
            }
            (Found::Value(ty), _) => not_a_table(key, ty, pos),
        }
    }

    /// Stores `path = value` relative to `table`, creating dotted sub-tables on the way.
    fn insert_value(&mut self, mut table: usize, path: &KeyPath, value: Value) -> Res<()> {
        let Some(((key, pos), prefix)) = path.split_last() else {
            bail!(self.cur.mark(), "empty key")
        };
        for (k, p) in prefix {
            table = match self.find(table, k) {
                Found::Missing => self.add_table(table, k, Kind::Dotted, *p, false)?,
                Found::Table(id, Kind::Dotted | Kind::Implicit) => {
                    self.tables[id].kind = Kind::Dotted;
                    id
                }
                Found::Table(..) => bail!(*p, "table {k:?} is already defined by a header"),
                Found::Tables(_) => bail!(*p, "{k:?} is an array of tables; use [[{k}]]"),
                Found::Value(ty) => return not_a_table(k, ty, *p),
            };
        }
        match self.find(table, key) {
            Found::Missing => self.insert(table, key, Slot::Value(value)),
            Found::Value(_) => bail!(*pos, "duplicate key {key:?}"),
            _ => bail!(*pos, "duplicate key {key:?}: it is already a table"),
        }
        Ok(())
    }

    /// Moves a finished table out of the arena into the public shape.
    fn take_table(&mut self, id: usize) -> Table {
        let entries = std::mem::take(&mut self.tables[id].entries);
        Table {
            entries: entries
                .into_iter()
                .map(|(key, slot)| (key, self.take_slot(slot)))
                .collect(),
        }
    }

    fn take_slot(&mut self, slot: Slot) -> Value {
        match slot {
            Slot::Value(v) => v,
            Slot::Table(id) => Value::Table(self.take_table(id)),
            Slot::Tables(ids) => Value::Array(
                ids.into_iter()
                    .map(|id| self.take_slot(Slot::Table(id)))
                    .collect(),
            ),
        }
    }

    fn document(&mut self, root: usize) -> Res<()> {
        let mut current = root;
        loop {
            self.skip_ws();
            match self.cur.peek() {
                None => return Ok(()),
                Some('\n' | '\r' | '#') => self.end_of_line("")?,
                Some('[') => {
                    current = self.header()?;
                    self.end_of_line(" after the table header")?;
                }
                Some(_) => {
                    self.key_value(current)?;
                    self.end_of_line(" after the value")?;
                }
            }
        }
    }

    fn header(&mut self) -> Res<usize> {
        self.cur.bump();
        let array = self.cur.eat('[');
        let path = self.key_path()?;
        if !self.cur.eat(']') || (array && !self.cur.eat(']')) {
            bail!(
                self.cur.mark(),
                "expected `{}` to close the table header",
                if array { "]]" } else { "]" }
            );
        }
        self.open_header(&path, array)
    }

    fn key_value(&mut self, table: usize) -> Res<()> {
        let path = self.key_path()?;
        self.equals()?;
        let value = self.value(self.tables[table].depth + path.len())?;
        self.insert_value(table, &path, value)
    }

    fn equals(&mut self) -> Res<()> {
        match self.cur.peek() {
            Some('=') => {
                self.cur.bump();
                self.skip_ws();
                Ok(())
            }
            Some(c) if !matches!(c, '\n' | '\r' | '#') => {
                bail!(self.cur.mark(), "expected `=` after the key, found {c:?}")
            }
            _ => bail!(self.cur.mark(), "expected `=` after the key"),
        }
    }

    fn skip_ws(&mut self) {
        self.cur.take_while(|c| c == ' ' || c == '\t');
    }

    /// Whitespace, then a comment if one starts here.
    fn skip_ws_comment(&mut self) -> Res<()> {
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
    fn newline(&mut self) -> Res<bool> {
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
    fn end_of_line(&mut self, what: &str) -> Res<()> {
        self.skip_ws_comment()?;
        if !self.newline()? && self.cur.peek().is_some() {
            bail!(self.cur.mark(), "expected a newline or a comment{what}");
        }
        Ok(())
    }

    /// Whitespace, comments and newlines, as allowed between array elements.
    fn skip_trivia(&mut self) -> Res<()> {
        self.skip_ws_comment()?;
        while self.newline()? {
            self.skip_ws_comment()?;
        }
        Ok(())
    }

    /// A key, possibly dotted; leaves the cursor after the whitespace that follows it.
    fn key_path(&mut self) -> Res<KeyPath> {
        let mut path = Vec::new();
        loop {
            self.skip_ws();
            let pos = self.cur.mark();
            if path.len() == MAX_DEPTH {
                bail!(pos, "{TOO_DEEP}");
            }
            path.push((self.simple_key()?, pos));
            self.skip_ws();
            if !self.cur.eat('.') {
                return Ok(path);
            }
        }
    }

    fn simple_key(&mut self) -> Res<String> {
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

    fn value(&mut self, depth: usize) -> Res<Value> {
        let pos = self.cur.mark();
        if depth > MAX_DEPTH {
            bail!(pos, "{TOO_DEEP}");
        }
        match self.cur.peek() {
            Some(q @ ('"' | '\'')) => self.string(q).map(Value::String),
            Some('[') => self.array(depth),
            Some('{') => self.inline_table(depth),
            None | Some('\n' | '\r' | '#') => bail!(pos, "missing value after `=`"),
            Some(_) => self.scalar(),
        }
    }

    fn array(&mut self, depth: usize) -> Res<Value> {
        let open = self.cur.mark();
        self.cur.bump();
        let mut items = Vec::new();
        loop {
            self.skip_trivia()?;
            if self.cur.eat(']') {
                return Ok(Value::Array(items));
            } else if self.cur.peek().is_none() {
                bail!(open, "unterminated array");
            }
            items.push(self.value(depth + 1)?);
            self.skip_trivia()?;
            let pos = self.cur.mark();
            match self.cur.bump() {
                Some(',') => {}
                Some(']') => return Ok(Value::Array(items)),
                None => bail!(open, "unterminated array"),
                Some(c) => bail!(pos, "expected `,` or `]` in the array, found {c:?}"),
            }
        }
    }

    /// `{ k = v, ... }` on one line, without a trailing comma (TOML 1.0).
    fn inline_table(&mut self, depth: usize) -> Res<Value> {
        let open = self.cur.mark();
        let id = self.new_table(Kind::Dotted, depth, open)?;
        self.cur.bump();
        self.skip_ws();
        let mut first = true;
        while !self.cur.eat('}') {
            if !first && !self.cur.eat(',') {
                bail!(self.cur.mark(), "expected `,` or `}}` in the inline table");
            }
            self.skip_ws();
            if !first && self.cur.peek() == Some('}') {
                bail!(
                    self.cur.mark(),
                    "trailing comma is not allowed in an inline table"
                );
            }
            first = false;
            self.inline_gap(open)?;
            let path = self.key_path()?;
            self.inline_gap(open)?;
            self.equals()?;
            self.inline_gap(open)?;
            let value = self.value(depth + path.len())?;
            self.insert_value(id, &path, value)?;
            self.skip_ws();
            self.inline_gap(open)?;
        }
        Ok(Value::Table(self.take_table(id)))
    }

    /// Inline tables must close on the line they open.
    fn inline_gap(&self, open: Pos) -> Res<()> {
        match self.cur.peek() {
            None => bail!(open, "unterminated inline table"),
            Some('\n' | '\r') => bail!(self.cur.mark(), "newline inside an inline table"),
            _ => Ok(()),
        }
    }

    /// A bare word: a boolean or an integer (floats, dates and times get their own errors).
    fn scalar(&mut self) -> Res<Value> {
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
    fn string(&mut self, quote: char) -> Res<String> {
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

fn not_a_table<T>(key: &str, type_name: &str, pos: Pos) -> Res<T> {
    match type_name {
        "table" => bail!(pos, "{key:?} is an inline table and cannot be extended"),
        _ => bail!(pos, "{key:?} is already a value ({type_name}), not a table"),
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
mod tests {
    use super::*;
    use std::time::{Duration, Instant};

    const EXAMPLE: &str = r#"state_file = "/etc/ddnsup/state.json"  # optional
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

    fn s(v: &str) -> Value {
        Value::String(v.to_owned())
    }

    fn keys(t: &Table) -> Vec<&str> {
        t.entries.iter().map(|(k, _)| k.as_str()).collect()
    }

    fn table(v: Option<&Value>) -> &Table {
        match v {
            Some(Value::Table(t)) => t,
            other => panic!("expected a table, got {other:?}"),
        }
    }

    fn array(v: Option<&Value>) -> &[Value] {
        match v {
            Some(Value::Array(a)) => a,
            other => panic!("expected an array, got {other:?}"),
        }
    }

    /// The single value of a one-line document `v = <value>`.
    fn value(text: &str) -> Value {
        let doc = parse(&format!("v = {text}")).unwrap_or_else(|e| panic!("{text:?}: {e}"));
        doc.get("v").cloned().unwrap()
    }

    fn string(text: &str) -> String {
        match value(text) {
            Value::String(s) => s,
            other => panic!("expected a string, got {other:?}"),
        }
    }

    /// Asserts `text` fails at `line:column` with a message containing `needle`.
    #[track_caller]
    fn fails(text: &str, line: usize, column: usize, needle: &str) {
        let e = parse(text).expect_err(text);
        assert!(
            e.message.contains(needle),
            "{text:?}: {e} (wanted {needle:?})"
        );
        assert_eq!((e.line, e.column), (line, column), "{text:?}: {e}");
    }

    fn records(doc: &Table) -> Vec<&Table> {
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
        let doc =
            parse("a . b = 1\na.c = 2\n\"quoted key\" = 3\n'lit.key' = 4\n\"\" = 5\n-_9 = 6\n")
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
        let doc = parse("[fruit]\napple.color = \"red\"\n[fruit.apple.texture]\nsmooth = true\n")
            .unwrap();
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
        let doc = parse("a = 1\r\nb = \"\"\"\r\nx\r\ny\"\"\"\r\nc = [\r\n 1, # c\r\n 2,\r\n]\r\n")
            .unwrap();
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
}
