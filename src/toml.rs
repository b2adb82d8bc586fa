//! A strict reader for the TOML subset ddnsup's config uses: text in, a `Table` or a `line:column` error out.
// Temporary: the config loader that calls `parse` is being written in parallel.
#![allow(dead_code)]

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

    fn take_while(&mut self, keep: impl Fn(char) -> bool) -> String {
        self.take_while_max(usize::MAX, keep)
    }

    /// Consumes and returns up to `max` chars while `keep` holds.
    fn take_while_max(&mut self, max: usize, keep: impl Fn(char) -> bool) -> String {
        let mut taken = String::new();
        for _ in 0..max {
            match self.peek().filter(|&c| keep(c)) {
                Some(c) => taken.push(c),
                None => break,
            }
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
#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    /// Only named inside a longer header such as `[a.b]`; `[a]` may still define it.
    Implicit,
    /// Defined by its own header (also `[[array]]` elements and the root).
    Header,
    /// Created by a dotted key (`a.b = 1`) or an inline table; only dotted keys may extend it.
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
        let (keys, entries) = (HashMap::new(), Vec::new());
        self.tables.push(Node {
            kind,
            depth,
            keys,
            entries,
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
        let hex = self.cur.take_while_max(digits, |c| c.is_ascii_hexdigit());
        match u32::from_str_radix(&hex, 16)
            .ok()
            .filter(|_| hex.len() == digits)
            .map(char::from_u32)
        {
            Some(Some(c)) => Ok(c),
            Some(None) => bail!(
                pos,
                "invalid unicode escape: U+{hex} is not a Unicode scalar value"
            ),
            None => bail!(pos, "invalid unicode escape: expected {digits} hex digits"),
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
    } else if radix == 10 && digits.len() > 1 && digits.starts_with('0') {
        return invalid("leading zeros are not allowed");
    } else if digits.is_empty() {
        return invalid("no digits");
    } else if let Some(c) = digits.chars().find(|&c| !c.is_digit(radix) && c != '_') {
        return invalid(&format!("unexpected {c:?}"));
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
