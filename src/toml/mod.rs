//! A strict reader for the TOML subset ddnsup's config uses: text in, a `Table` or a `line:column` error out.
//! Here: the API and the assembly of the document's tables; `lexer` reads keys, strings and numbers.

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
    let mut parser = Parser {
        cur: Cursor::new(text),
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

mod lexer;
use lexer::Cursor;

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
}

fn not_a_table<T>(key: &str, type_name: &str, pos: Pos) -> Res<T> {
    match type_name {
        "table" => bail!(pos, "{key:?} is an inline table and cannot be extended"),
        _ => bail!(pos, "{key:?} is already a value ({type_name}), not a table"),
    }
}

#[cfg(test)]
mod limits_tests;
#[cfg(test)]
mod tests;
