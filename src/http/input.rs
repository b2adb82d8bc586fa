//! A small read buffer over a connection, for the reply reader in `wire`: lines with a limit,
//! exact byte counts that name a cut, and the end of stream told apart from a TLS peer that
//! vanished without close_notify.
use super::wire::{ReadError, bad};
use std::io::{self, Read};

pub(super) enum Line {
    /// One line without its CRLF (or bare LF).
    Text(Vec<u8>),
    /// The stream ended before a line ending.
    End,
    /// No line ending within the limit.
    TooLong,
}

/// A small read buffer that tells a clean end of stream from a TLS peer that vanished.
pub(super) struct Input<'a, R: Read> {
    reader: &'a mut R,
    buf: Vec<u8>,
    pos: usize,
    ended: bool,
    /// Bytes taken from the stream so far.
    pub(super) consumed: usize,
    /// The stream ended without TLS close_notify (rustls says `UnexpectedEof`).
    unclean: bool,
}

impl<'a, R: Read> Input<'a, R> {
    pub(super) fn new(reader: &'a mut R) -> Self {
        Input {
            reader,
            buf: Vec::new(),
            pos: 0,
            ended: false,
            consumed: 0,
            unclean: false,
        }
    }

    /// Refills the buffer; `false` at end of stream.
    fn fill(&mut self) -> Result<bool, ReadError> {
        if self.pos < self.buf.len() {
            return Ok(true);
        }
        if self.ended {
            return Ok(false);
        }
        self.buf.resize(4096, 0);
        self.pos = 0;
        let n = loop {
            match self.reader.read(&mut self.buf) {
                Ok(n) => break n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => {
                    self.unclean = true;
                    break 0;
                }
                Err(e) => return Err(ReadError::Io(e)),
            }
        };
        self.buf.truncate(n);
        self.consumed += n;
        if n == 0 {
            self.ended = true;
        }
        Ok(n > 0)
    }

    pub(super) fn line(&mut self, max: usize) -> Result<Line, ReadError> {
        let mut line = Vec::new();
        loop {
            if !self.fill()? {
                return Ok(Line::End);
            }
            let avail = &self.buf[self.pos..];
            match avail.iter().position(|&b| b == b'\n') {
                Some(i) => {
                    line.extend_from_slice(&avail[..i]);
                    self.pos += i + 1;
                    if line.last() == Some(&b'\r') {
                        line.pop();
                    }
                    return Ok(if line.len() > max {
                        Line::TooLong
                    } else {
                        Line::Text(line)
                    });
                }
                None => {
                    line.extend_from_slice(avail);
                    self.pos = self.buf.len();
                }
            }
            if line.len() > max + 1 {
                return Ok(Line::TooLong);
            }
        }
    }

    /// Exactly `n` bytes, or `Bad` naming how many came.
    pub(super) fn read_exact_or_cut(&mut self, n: usize) -> Result<Vec<u8>, ReadError> {
        let mut out = Vec::with_capacity(n.min(64 * 1024));
        while out.len() < n {
            if !self.fill()? {
                return bad(format!("reply cut short after {} of {n} bytes", out.len()));
            }
            let take = (n - out.len()).min(self.buf.len() - self.pos);
            out.extend_from_slice(&self.buf[self.pos..self.pos + take]);
            self.pos += take;
        }
        Ok(out)
    }

    /// Everything up to the end of the stream, at most `cap + 1` bytes (so "too large" shows).
    pub(super) fn read_to_close(&mut self, cap: usize) -> Result<Vec<u8>, ReadError> {
        let mut out = Vec::new();
        while out.len() <= cap && self.fill()? {
            let take = (cap + 1 - out.len()).min(self.buf.len() - self.pos);
            out.extend_from_slice(&self.buf[self.pos..self.pos + take]);
            self.pos += take;
        }
        if self.unclean && out.len() <= cap {
            return bad("reply cut short: the connection closed without TLS close_notify");
        }
        Ok(out)
    }
}
