//! The one pass over a document that components send already nested: JSON syntax (RFC 8259)
//! and the keys of every object checked together, byte by byte, without building anything.
//!
//! It answers only "this text can be kept as it is": anything unusual (a `\u` escape, which
//! serde_json checks for lone surrogates; a key with an escape or a name serde_json reserves;
//! nesting deeper than [`MAX_DEPTH`]) is declined, and the caller reads the text with serde_json, which accepts or
//! rejects it with its own words. A differential test holds it to serde_json on valid and broken
//! documents.

use super::MAX_DEPTH;
use std::ops::Range;

/// `Some(picked)` when `text` is one JSON object, valid, whose keys at every level are not
/// empty, have no dot and no escape, and increase in byte order (so none twice); `picked` is the
/// text range of the top-level value of key `pick`, if present. `None` otherwise.
pub(super) fn clean(text: &[u8], pick: &[u8]) -> Option<Option<Range<usize>>> {
    let mut s = Scanner { b: text, i: 0 };
    s.ws();
    if s.peek()? != b'{' {
        return None;
    }
    let picked = s.object(pick)?;
    s.ws();
    (s.i == text.len()).then_some(picked)
}

struct Scanner<'a> {
    b: &'a [u8],
    i: usize,
}

/// Where the scanner is in the innermost open container.
#[derive(Clone, Copy)]
enum At {
    /// Right after its `{` or `[`.
    Open,
    /// After a `,`: a member or element must follow.
    Comma,
    /// After a member or element.
    Value,
}

/// An open container on the scanner's stack.
#[derive(Clone, Copy)]
enum Open {
    /// An object, with the start and end of its last key (`0, 0`: none yet; keys are never
    /// empty).
    Object(usize, usize),
    Array,
}

/// Levels kept inline: deeper documents are rare.
const INLINE: usize = 8;

/// The open containers: the first [`INLINE`] levels without an allocation (this runs per
/// event), deeper ones in a vector.
struct Stack {
    inline: [Open; INLINE],
    len: usize,
    spill: Vec<Open>,
}

impl Stack {
    fn new() -> Stack {
        Stack {
            inline: [Open::Array; INLINE],
            len: 0,
            spill: Vec::new(),
        }
    }

    fn push(&mut self, open: Open) {
        if self.len < INLINE {
            self.inline[self.len] = open;
        } else {
            self.spill.push(open);
        }
        self.len += 1;
    }

    fn pop(&mut self) {
        if self.len > INLINE {
            self.spill.pop();
        }
        self.len = self.len.saturating_sub(1);
    }

    fn last_mut(&mut self) -> Option<&mut Open> {
        match self.len {
            0 => None,
            n if n <= INLINE => self.inline.get_mut(n - 1),
            _ => self.spill.last_mut(),
        }
    }
}

impl Scanner<'_> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.i += 1;
        }
    }

    /// The top-level object, iteratively (an explicit stack: no recursion on hostile depth).
    fn object(&mut self, pick: &[u8]) -> Option<Option<Range<usize>>> {
        let mut stack = Stack::new();
        let mut picked = None;
        self.i += 1;
        stack.push(Open::Object(0, 0));
        let mut at = At::Open;
        loop {
            self.ws();
            let c = self.peek()?;
            let top = *stack.last_mut()?;
            let closing = matches!((top, c), (Open::Object(..), b'}') | (Open::Array, b']'));
            match at {
                At::Value if c == b',' => {
                    self.i += 1;
                    at = At::Comma;
                    continue;
                }
                At::Open | At::Value if closing => {
                    self.i += 1;
                    stack.pop();
                    if stack.len == 0 {
                        return Some(picked);
                    }
                    at = At::Value;
                    continue;
                }
                At::Value => return None,
                At::Open | At::Comma => {}
            }
            // A member or an element starts here.
            let mut picking = false;
            if let Open::Object(previous_start, previous_end) = top {
                if c != b'"' {
                    return None;
                }
                let key = self.string(false)?;
                let name = &self.b[key.clone()];
                let in_order = previous_end == 0 || self.b[previous_start..previous_end] < *name;
                let reserved = name.starts_with(super::read::RESERVED_PREFIX.as_bytes());
                if name.is_empty() || !in_order || name.contains(&b'.') || reserved {
                    return None;
                }
                picking = stack.len == 1 && name == pick;
                if let Some(last) = stack.last_mut() {
                    *last = Open::Object(key.start, key.end);
                }
                self.ws();
                if self.peek()? != b':' {
                    return None;
                }
                self.i += 1;
                self.ws();
            }
            let start = self.i;
            match self.value_or_open()? {
                // Only a scalar is picked (an object or array `@timestamp` is invalid anyway:
                // the general path says so).
                Some(_) if picking || stack.len >= MAX_DEPTH => return None,
                Some(opened) => {
                    stack.push(opened);
                    at = At::Open;
                }
                None => {
                    if picking {
                        picked = Some(start..self.i);
                    }
                    at = At::Value;
                }
            }
        }
    }

    /// A scalar value (`Some(None)`), or the opening of a container (`Some(Some(_))`, its
    /// bracket consumed); `None` when invalid.
    fn value_or_open(&mut self) -> Option<Option<Open>> {
        match self.peek()? {
            b'{' => {
                self.i += 1;
                Some(Some(Open::Object(0, 0)))
            }
            b'[' => {
                self.i += 1;
                Some(Some(Open::Array))
            }
            b'"' => self.string(true).map(|_| None),
            b't' => self.literal(b"true").map(|()| None),
            b'f' => self.literal(b"false").map(|()| None),
            b'n' => self.literal(b"null").map(|()| None),
            b'-' | b'0'..=b'9' => self.number().map(|()| None),
            _ => None,
        }
    }

    fn literal(&mut self, word: &[u8]) -> Option<()> {
        let end = self.i + word.len();
        (self.b.get(self.i..end)? == word).then(|| self.i = end)
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`, declined where serde_json could find
    /// it out of range (an exponent of 3 digits or more, a mantissa of 200 characters or more): it
    /// would not read the stored event back.
    fn number(&mut self) -> Option<()> {
        let start = self.i;
        if self.peek() == Some(b'-') {
            self.i += 1;
        }
        match self.peek()? {
            b'0' => self.i += 1,
            b'1'..=b'9' => self.digits(),
            _ => return None,
        }
        if self.peek() == Some(b'.') {
            self.i += 1;
            self.some_digits()?;
        }
        if self.i - start >= 200 {
            return None;
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.i += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.i += 1;
            }
            let digits = self.i;
            self.some_digits()?;
            if self.i - digits > 2 {
                return None;
            }
        }
        Some(())
    }

    fn digits(&mut self) {
        while let Some(b'0'..=b'9') = self.peek() {
            self.i += 1;
        }
    }

    fn some_digits(&mut self) -> Option<()> {
        let start = self.i;
        self.digits();
        (self.i > start).then_some(())
    }

    /// A string at its opening quote: the range of its content. Escapes are allowed in values
    /// (`escapes`) but for `\u`, which is left to serde_json (lone surrogates).
    fn string(&mut self, escapes: bool) -> Option<Range<usize>> {
        self.i += 1;
        let start = self.i;
        loop {
            self.skip_plain_bytes();
            match *self.b.get(self.i)? {
                b'"' => break,
                b'\\' if escapes => match self.b.get(self.i + 1)? {
                    b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => self.i += 2,
                    _ => return None,
                },
                b'\\' | 0..=0x1f => return None,
                _ => self.i += 1,
            }
        }
        let content = start..self.i;
        self.i += 1;
        Some(content)
    }

    /// Skips to the next string byte that needs a look (see [`plain_run`]).
    fn skip_plain_bytes(&mut self) {
        self.i += plain_run(self.b.get(self.i..).unwrap_or_default());
    }
}

/// How many bytes at the start of `bytes` a JSON string holds as they are: up to the first `"`,
/// `\\` or control character (or the end). Eight bytes at a time: strings are most of a document,
/// and both the scan and the writer run per event.
pub(crate) fn plain_run(bytes: &[u8]) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let mut run = 0;
    for chunk in bytes.chunks_exact(8) {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let v = u64::from_le_bytes(word);
        // A byte of `x` is zero, or of `v` is below 0x20: its high bit set in the result (the
        // usual SWAR tests, as serde_json's reader skips strings).
        let zero = |x: u64| x.wrapping_sub(ONES) & !x;
        let special = (zero(v ^ (ONES * u64::from(b'"')))
            | zero(v ^ (ONES * u64::from(b'\\')))
            | (v.wrapping_sub(ONES * 0x20) & !v))
            & HIGHS;
        if special != 0 {
            // The lowest flagged byte is a true hit (false ones only follow a true one).
            return run + (special.trailing_zeros() / 8) as usize;
        }
        run += 8;
    }
    run + bytes[run..]
        .iter()
        .take_while(|&&b| b >= 0x20 && b != b'"' && b != b'\\')
        .count()
}

#[cfg(test)]
mod tests;
