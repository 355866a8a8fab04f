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
/// empty, have no dot and no escape, and are none twice (in increasing byte order, as the SDK
/// writes them, or, in any order, at most [`MAX_UNORDERED_KEYS`] to an object, as senders'
/// JSON comes); `picked[n]` is the text range of the top-level scalar value of key `picks[n]`,
/// if present. `None` otherwise.
pub(super) fn clean<const N: usize>(text: &[u8], picks: [&[u8]; N]) -> Option<[Option<Range<usize>>; N]> {
    let mut s = Scanner { b: text, i: 0 };
    s.ws();
    if s.peek()? != b'{' {
        return None;
    }
    let picked = s.object(picks)?;
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
    /// An object: where its keys start in [`Keys`], and whether they came in increasing order
    /// so far (then a new key is compared with the last one only).
    Object {
        first_key: usize,
        ordered: bool,
    },
    Array,
}

/// Keys of an object whose keys are out of order that are compared one by one; an object with
/// more is declined (serde_json reads it then): the check stays linear in the document.
pub(crate) const MAX_UNORDERED_KEYS: usize = 64;

/// Keys kept inline: most documents have fewer open at once.
const INLINE_KEYS: usize = 64;

/// The keys of the open objects, innermost last, as text ranges: inline for the usual
/// document (this runs per event), in a vector past [`INLINE_KEYS`].
#[expect(
    clippy::large_enum_variant,
    reason = "one per scan, on its stack: the inline keys spare an allocation per document"
)]
enum Keys {
    Inline([(u32, u32); INLINE_KEYS], usize),
    Spilled(Vec<(u32, u32)>),
}

impl Keys {
    fn as_slice(&self) -> &[(u32, u32)] {
        match self {
            Keys::Inline(keys, len) => &keys[..*len],
            Keys::Spilled(keys) => keys,
        }
    }

    fn len(&self) -> usize {
        self.as_slice().len()
    }

    fn push(&mut self, key: (u32, u32)) {
        match self {
            Keys::Inline(keys, len) if *len < INLINE_KEYS => {
                keys[*len] = key;
                *len += 1;
            }
            Keys::Inline(keys, len) => {
                let mut spilled = keys[..*len].to_vec();
                spilled.push(key);
                *self = Keys::Spilled(spilled);
            }
            Keys::Spilled(keys) => keys.push(key),
        }
    }

    fn truncate(&mut self, to: usize) {
        match self {
            Keys::Inline(_, len) => *len = (*len).min(to),
            Keys::Spilled(keys) => keys.truncate(to),
        }
    }
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
    fn object<const N: usize>(&mut self, picks: [&[u8]; N]) -> Option<[Option<Range<usize>>; N]> {
        // Offsets are kept as u32: a longer text is declined (components' output is far
        // smaller, and serde_json reads it then).
        u32::try_from(self.b.len()).ok()?;
        let mut stack = Stack::new();
        let mut keys = Keys::Inline([(0, 0); INLINE_KEYS], 0);
        let mut picked = [const { None }; N];
        self.i += 1;
        stack.push(Open::Object {
            first_key: 0,
            ordered: true,
        });
        let mut at = At::Open;
        loop {
            self.ws();
            let c = self.peek()?;
            let top = *stack.last_mut()?;
            let closing = matches!((top, c), (Open::Object { .. }, b'}') | (Open::Array, b']'));
            match at {
                At::Value if c == b',' => {
                    self.i += 1;
                    at = At::Comma;
                    continue;
                }
                At::Open | At::Value if closing => {
                    self.i += 1;
                    if let Open::Object { first_key, .. } = top {
                        keys.truncate(first_key);
                    }
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
            let mut picking = None;
            if let Open::Object { first_key, ordered } = top {
                if c != b'"' {
                    return None;
                }
                let key = self.string(false)?;
                let name = &self.b[key.clone()];
                let reserved = name.starts_with(super::read::RESERVED_PREFIX.as_bytes());
                if name.is_empty() || name.contains(&b'.') || reserved {
                    return None;
                }
                let text = |&(start, end): &(u32, u32)| &self.b[start as usize..end as usize];
                let siblings = keys.as_slice().get(first_key..).unwrap_or_default();
                let after_last = siblings.last().is_none_or(|last| text(last) < name);
                if !(ordered && after_last) {
                    if siblings.len() >= MAX_UNORDERED_KEYS || siblings.iter().any(|k| text(k) == name) {
                        return None;
                    }
                    if let Some(last) = stack.last_mut() {
                        *last = Open::Object {
                            first_key,
                            ordered: false,
                        };
                    }
                }
                picking = picks.iter().position(|&pick| stack.len == 1 && name == pick);
                // In range: the text's length fits in u32 (checked above).
                keys.push((key.start as u32, key.end as u32));
                self.ws();
                if self.peek()? != b':' {
                    return None;
                }
                self.i += 1;
                self.ws();
            }
            let start = self.i;
            match self.value_or_open(keys.len())? {
                // Only a scalar is picked (an object or array `@timestamp` is invalid anyway:
                // the general path says so).
                Some(_) if picking.is_some() || stack.len >= MAX_DEPTH => return None,
                Some(opened) => {
                    stack.push(opened);
                    at = At::Open;
                }
                None => {
                    if let Some(n) = picking {
                        picked[n] = Some(start..self.i);
                    }
                    at = At::Value;
                }
            }
        }
    }

    /// A scalar value (`Some(None)`), or the opening of a container (`Some(Some(_))`, its
    /// bracket consumed; an object's keys will start at `first_key`); `None` when invalid.
    fn value_or_open(&mut self, first_key: usize) -> Option<Option<Open>> {
        match self.peek()? {
            b'{' => {
                self.i += 1;
                Some(Some(Open::Object {
                    first_key,
                    ordered: true,
                }))
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
    // `as_chunks`, not `copy_from_slice`: without LTO the copy is a call to `memcpy` per word.
    let (words, _) = bytes.as_chunks::<8>();
    for &word in words {
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
