//! DNS wire format shared by the DNS echo sources and RFC 2136: the header's fixed fields,
//! names in wire form, and a bounds-checked reader that follows compression pointers within
//! a bounded amount of work per name and per message. Pure.
use std::fmt;

/// The fixed header: ID, flags and the four section counts.
pub const HEADER_LEN: usize = 12;
/// The longest name in wire form, length bytes and the root included (RFC 1035 §3.1).
pub const MAX_NAME: usize = 255;
/// Header flag bits: a reply (QR), truncated (TC).
pub const FLAG_QR: u16 = 0x8000;
pub const FLAG_TC: u16 = 0x0200;
/// Record types (RFC 1035 §3.2.2, RFC 3596 §2.1) and the Internet class (RFC 1035 §3.2.4).
pub const TYPE_A: u16 = 1;
pub const TYPE_AAAA: u16 = 28;
pub const CLASS_IN: u16 = 1;
/// Compression pointers one name may follow: real names need one or two.
pub const MAX_POINTERS_PER_NAME: usize = 16;
/// Labels read plus pointers followed, over all the names one [`Reader`] reads: a real reply
/// needs a few dozen; this bounds the work a hostile 64 KiB message can ask for.
pub const MAX_NAME_STEPS: usize = 4096;

/// A checked dotted name in wire form, uncompressed (the root is `""`).
pub fn encode_name(name: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(name.len() + 2);
    for label in name.split('.').filter(|l| !l.is_empty()) {
        out.push(label.len() as u8);
        out.extend_from_slice(label.as_bytes());
    }
    out.push(0);
    out
}

/// Why a [`Reader`] could not read on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadError {
    Overflow,
    /// The message ends inside a record that starts reading at byte `at`.
    EndsInRecord {
        at: usize,
    },
    EndsInName,
    NameTooLong,
    TooManyPointers,
    /// The message's names need more than [`MAX_NAME_STEPS`] steps.
    TooMuchWork,
    PointerOutOfBounds,
    UnknownLabelType,
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadError::Overflow => f.write_str("length overflow"),
            ReadError::EndsInRecord { at } => write!(f, "ends inside a record (at byte {at})"),
            ReadError::EndsInName => f.write_str("ends inside a name"),
            ReadError::NameTooLong => f.write_str("name longer than 255 bytes"),
            ReadError::TooManyPointers => f.write_str("too many compression pointers (a loop?)"),
            ReadError::TooMuchWork => write!(
                f,
                "names too costly to read (more than {MAX_NAME_STEPS} labels and pointers)"
            ),
            ReadError::PointerOutOfBounds => f.write_str("compression pointer out of bounds"),
            ReadError::UnknownLabelType => f.write_str("unknown label type"),
        }
    }
}

/// The error's text, for readers whose callers report a `String`.
impl From<ReadError> for String {
    fn from(e: ReadError) -> String {
        e.to_string()
    }
}

/// A bounds-checked cursor over a message; every read past the end is an error, never a panic.
/// It counts the steps its names take (see [`MAX_NAME_STEPS`]).
pub struct Reader<'a> {
    msg: &'a [u8],
    pos: usize,
    steps: usize,
}

impl<'a> Reader<'a> {
    /// A cursor at byte `pos` of `msg`.
    pub fn new(msg: &'a [u8], pos: usize) -> Reader<'a> {
        Reader { msg, pos, steps: 0 }
    }

    /// A cursor over the message's first `end` bytes at `pos` (a record's data), that goes on
    /// counting from this one's steps.
    pub fn part(&self, end: usize, pos: usize) -> Reader<'a> {
        Reader {
            msg: &self.msg[..end.min(self.msg.len())],
            pos,
            steps: self.steps,
        }
    }

    /// The labels read and pointers followed so far.
    #[cfg(test)]
    pub fn steps(&self) -> usize {
        self.steps
    }

    /// Counts one step of a name, refusing the one past the budget.
    fn step(&mut self) -> Result<(), ReadError> {
        if self.steps >= MAX_NAME_STEPS {
            return Err(ReadError::TooMuchWork);
        }
        self.steps += 1;
        Ok(())
    }

    /// Where the next read starts.
    pub fn pos(&self) -> usize {
        self.pos
    }

    pub fn take(&mut self, len: usize) -> Result<&'a [u8], ReadError> {
        let end = self.pos.checked_add(len).ok_or(ReadError::Overflow)?;
        let bytes = self
            .msg
            .get(self.pos..end)
            .ok_or(ReadError::EndsInRecord { at: self.pos })?;
        self.pos = end;
        Ok(bytes)
    }

    pub fn u16(&mut self) -> Result<u16, ReadError> {
        let at = self.pos;
        match self.take(2)? {
            &[hi, lo] => Ok(u16::from_be_bytes([hi, lo])),
            _ => Err(ReadError::EndsInRecord { at }),
        }
    }

    pub fn u32(&mut self) -> Result<u32, ReadError> {
        let at = self.pos;
        match self.take(4)? {
            &[a, b, c, d] => Ok(u32::from_be_bytes([a, b, c, d])),
            _ => Err(ReadError::EndsInRecord { at }),
        }
    }

    /// Reads the name here in canonical wire form (ASCII letters lowercased), following at
    /// most [`MAX_POINTERS_PER_NAME`] compression pointers, each of which must point
    /// backwards; the cursor moves past the name as written here.
    pub fn name(&mut self) -> Result<Vec<u8>, ReadError> {
        let mut name = Vec::new();
        let mut pos = self.pos;
        let mut resume = None;
        let mut hops = 0usize;
        loop {
            let len = *self.msg.get(pos).ok_or(ReadError::EndsInName)?;
            match len & 0xC0 {
                0x00 if len == 0 => {
                    name.push(0);
                    self.pos = resume.unwrap_or(pos + 1);
                    return Ok(name);
                }
                0x00 => {
                    self.step()?;
                    let start = pos + 1;
                    let end = start + usize::from(len);
                    let label = self.msg.get(start..end).ok_or(ReadError::EndsInName)?;
                    // The label, its length byte and the root byte still to come must fit.
                    if name.len() + 1 + label.len() + 1 > MAX_NAME {
                        return Err(ReadError::NameTooLong);
                    }
                    name.push(len);
                    name.extend(label.iter().map(u8::to_ascii_lowercase));
                    pos = end;
                }
                0xC0 => {
                    let low = *self.msg.get(pos + 1).ok_or(ReadError::EndsInName)?;
                    let target = usize::from(u16::from_be_bytes([len & 0x3F, low]));
                    hops += 1;
                    if hops > MAX_POINTERS_PER_NAME {
                        return Err(ReadError::TooManyPointers);
                    }
                    self.step()?;
                    if target < HEADER_LEN || target >= pos {
                        return Err(ReadError::PointerOutOfBounds);
                    }
                    resume.get_or_insert(pos + 2);
                    pos = target;
                }
                _ => return Err(ReadError::UnknownLabelType),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_encode_without_the_final_dot() {
        assert_eq!(encode_name("a.bc"), vec![1, b'a', 2, b'b', b'c', 0]);
        assert_eq!(encode_name("a.bc."), encode_name("a.bc"));
        assert_eq!(encode_name(""), vec![0]);
    }

    #[test]
    fn reader_reads_numbers_and_follows_pointers_backwards() {
        let mut msg = vec![0u8; HEADER_LEN];
        msg.extend_from_slice(b"\x01A\x02Bc\x00\x00\x01\x00\x00\x00\x02\xc0\x0c");
        let mut r = Reader::new(&msg, HEADER_LEN);
        assert_eq!(r.name(), Ok(b"\x01a\x02bc\x00".to_vec()));
        assert_eq!(r.steps(), 2);
        assert_eq!((r.u16(), r.u32()), (Ok(1), Ok(2)));
        assert_eq!(r.pos(), msg.len() - 2);
        let mut again = Reader::new(&msg, r.pos());
        assert_eq!(again.name(), Ok(b"\x01a\x02bc\x00".to_vec()));
        assert_eq!((again.pos(), again.steps()), (msg.len(), 3));
        assert_eq!(
            again.take(1),
            Err(ReadError::EndsInRecord { at: msg.len() })
        );
        assert_eq!(
            Reader::new(&msg, 1).take(usize::MAX),
            Err(ReadError::Overflow)
        );
        assert_eq!(
            ReadError::EndsInRecord { at: 7 }.to_string(),
            "ends inside a record (at byte 7)"
        );
    }

    /// A name at the end of `links` pointers, each to the one before, the first to `a.`.
    fn chain(links: usize) -> (Vec<u8>, usize) {
        let mut msg = vec![0u8; HEADER_LEN];
        msg.extend_from_slice(b"\x01a\x00");
        let mut prev = HEADER_LEN;
        for _ in 0..links {
            let at = msg.len();
            msg.extend_from_slice(&(0xC000 | prev as u16).to_be_bytes());
            prev = at;
        }
        (msg, prev)
    }

    #[test]
    fn a_name_follows_at_most_16_pointers() {
        let (msg, last) = chain(MAX_POINTERS_PER_NAME);
        let mut r = Reader::new(&msg, last);
        assert_eq!(r.name(), Ok(b"\x01a\x00".to_vec()));
        assert_eq!(r.steps(), MAX_POINTERS_PER_NAME + 1);
        let (msg, last) = chain(MAX_POINTERS_PER_NAME + 1);
        assert_eq!(
            Reader::new(&msg, last).name(),
            Err(ReadError::TooManyPointers)
        );
    }

    /// 64 KiB of names (as RFC 2136 over TCP may bring): a 127-label name, then records whose
    /// owners are chains of up to 16 pointers ending at it. Each name is fine alone; all of
    /// them together would take about 700,000 steps.
    fn costly_message() -> Vec<u8> {
        let mut msg = vec![0u8; HEADER_LEN];
        msg.extend_from_slice(&b"\x01a".repeat(127));
        msg.extend_from_slice(&[0; 11]);
        let mut prev = HEADER_LEN;
        let mut links = 0usize;
        while msg.len() + 12 <= 65_535 {
            let at = msg.len();
            msg.extend_from_slice(&(0xC000 | prev as u16).to_be_bytes());
            msg.extend_from_slice(&[0; 10]);
            links += 1;
            prev = if links.is_multiple_of(MAX_POINTERS_PER_NAME) {
                HEADER_LEN
            } else {
                at
            };
        }
        msg
    }

    #[test]
    fn a_64k_message_of_chained_pointers_stops_at_the_budget() {
        let msg = costly_message();
        assert!(msg.len() > 65_000);
        let mut r = Reader::new(&msg, HEADER_LEN);
        let mut names = 0;
        let err = loop {
            match r.name() {
                Ok(_) => names += 1,
                Err(e) => break e,
            }
            if r.take(10).is_err() {
                break ReadError::EndsInName;
            }
        };
        assert_eq!(err, ReadError::TooMuchWork);
        assert_eq!(r.steps(), MAX_NAME_STEPS);
        assert!(names < 100, "{names} names read");
        // A part goes on counting: it cannot read even one more label.
        let mut part = r.part(HEADER_LEN + 3, HEADER_LEN);
        assert_eq!(part.name(), Err(ReadError::TooMuchWork));
        assert_eq!(
            Reader::new(&msg, HEADER_LEN)
                .part(HEADER_LEN + 1, HEADER_LEN)
                .name(),
            Err(ReadError::EndsInName)
        );
        assert!(ReadError::TooMuchWork.to_string().contains("4096"));
    }
}
