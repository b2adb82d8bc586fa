//! A linear, bounded JSON validator run before nanoserde sees untrusted bytes (it can hang or panic).
/// Deeper nesting than this is refused: nothing ddnsup reads nests more than a few levels.
const MAX_DEPTH: usize = 32;

/// Parses untrusted JSON into `T` (unknown fields ignored) only after `check_json` passed.
pub fn parse_json<T: nanoserde::DeJson>(text: &str) -> Result<T, String> {
    check_json(text)?;
    T::deserialize_json(text).map_err(|e| format!("unexpected JSON: {e}"))
}

/// Checks that `text` is exactly one complete JSON value (RFC 8259 grammar), so that
/// nanoserde's parser, which can loop forever or panic on truncated input, never sees
/// anything else.
pub fn check_json(text: &str) -> Result<(), String> {
    let mut p = Checker {
        b: text.as_bytes(),
        i: 0,
    };
    p.ws();
    p.value(0)?;
    p.ws();
    if p.i != p.b.len() {
        return Err(format!(
            "unexpected data after the JSON value at byte {}",
            p.i
        ));
    }
    Ok(())
}

struct Checker<'a> {
    b: &'a [u8],
    i: usize,
}

impl Checker<'_> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    fn fail<T>(&self, what: &str) -> Result<T, String> {
        match self.peek() {
            Some(_) => Err(format!("{what} at byte {}", self.i)),
            None => Err(format!("{what}: input ends early (truncated?)")),
        }
    }

    fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.i += 1;
        }
    }

    fn eat(&mut self, c: u8) -> bool {
        if self.peek() == Some(c) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    fn value(&mut self, depth: usize) -> Result<(), String> {
        if depth > MAX_DEPTH {
            return self.fail("nesting too deep");
        }
        match self.peek() {
            Some(b'{') => self.object(depth),
            Some(b'[') => self.array(depth),
            Some(b'"') => self.string(),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(b't') => self.word(b"true"),
            Some(b'f') => self.word(b"false"),
            Some(b'n') => self.word(b"null"),
            _ => self.fail("expected a value"),
        }
    }

    fn object(&mut self, depth: usize) -> Result<(), String> {
        self.i += 1;
        self.ws();
        if self.eat(b'}') {
            return Ok(());
        }
        loop {
            self.ws();
            if self.peek() != Some(b'"') {
                return self.fail("expected a key");
            }
            self.string()?;
            self.ws();
            if !self.eat(b':') {
                return self.fail("expected ':'");
            }
            self.ws();
            self.value(depth + 1)?;
            self.ws();
            if self.eat(b'}') {
                return Ok(());
            }
            if !self.eat(b',') {
                return self.fail("expected ',' or '}'");
            }
        }
    }

    fn array(&mut self, depth: usize) -> Result<(), String> {
        self.i += 1;
        self.ws();
        if self.eat(b']') {
            return Ok(());
        }
        loop {
            self.ws();
            self.value(depth + 1)?;
            self.ws();
            if self.eat(b']') {
                return Ok(());
            }
            if !self.eat(b',') {
                return self.fail("expected ',' or ']'");
            }
        }
    }

    fn string(&mut self) -> Result<(), String> {
        self.i += 1;
        loop {
            match self.peek() {
                None => return self.fail("unterminated string"),
                Some(b'"') => {
                    self.i += 1;
                    return Ok(());
                }
                Some(b'\\') => {
                    self.i += 1;
                    match self.peek() {
                        Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => self.i += 1,
                        Some(b'u') => {
                            self.i += 1;
                            for _ in 0..4 {
                                if !self.peek().is_some_and(|c| c.is_ascii_hexdigit()) {
                                    return self.fail("bad \\u escape");
                                }
                                self.i += 1;
                            }
                        }
                        _ => return self.fail("bad escape"),
                    }
                }
                Some(c) if c < 0x20 => return self.fail("control character in string"),
                Some(_) => self.i += 1,
            }
        }
    }

    fn digits(&mut self) -> usize {
        let start = self.i;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.i += 1;
        }
        self.i - start
    }

    fn number(&mut self) -> Result<(), String> {
        self.eat(b'-');
        if self.eat(b'0') {
            if self.peek().is_some_and(|c| c.is_ascii_digit()) {
                return self.fail("leading zero in number");
            }
        } else if self.digits() == 0 {
            return self.fail("expected digits");
        }
        if self.eat(b'.') && self.digits() == 0 {
            return self.fail("expected digits after '.'");
        }
        if self.eat(b'e') || self.eat(b'E') {
            if !self.eat(b'+') {
                self.eat(b'-');
            }
            if self.digits() == 0 {
                return self.fail("expected exponent digits");
            }
        }
        Ok(())
    }

    fn word(&mut self, w: &[u8]) -> Result<(), String> {
        if self.b[self.i..].starts_with(w) {
            self.i += w.len();
            Ok(())
        } else {
            self.fail("expected true, false or null")
        }
    }
}

#[cfg(test)]
#[path = "json_tests.rs"]
mod tests;
