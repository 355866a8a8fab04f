//! Writing the nested document: straight from sorted flat keys, or from nodes.

use super::{NestError, Node, MAX_DEPTH};
use std::borrow::Cow;
use std::fmt::Write as _;

/// Writes sorted flat entries with scalar values (or objects that need no change, written as
/// they are) as a nested object in one pass: each key is compared with the one before it, the
/// objects they do not share are closed, the new ones opened. `Ok(false)` (nothing usable
/// written) when the keys are not in path order, have an empty name, nest too deep, or a key
/// meets an object value (`a: {…}` then `a.b`: they merge): the general path handles those. `raw_keys`: every key was read
/// without escapes, so its names are written as they are.
pub(super) fn write_sorted(
    entries: &[(Cow<'_, str>, &str)],
    raw_keys: bool,
    out: &mut String,
) -> Result<bool, NestError> {
    out.push('{');
    let mut previous: &[u8] = b"";
    let mut previous_is_object = false;
    // Objects open below the top: the dots of the previous key.
    let mut open = 0;
    for (i, (key, value)) in entries.iter().enumerate() {
        let k = key.as_bytes();
        if k.is_empty() || k[0] == b'.' || k[k.len() - 1] == b'.' {
            return Ok(false);
        }
        // The names both keys share, and where the first different one starts.
        let mut j = 0;
        let mut shared = 0;
        let mut start = 0;
        while j < previous.len() && j < k.len() && previous[j] == k[j] {
            if k[j] == b'.' {
                shared += 1;
                start = j + 1;
            }
            j += 1;
        }
        let is_object = matches!(value.as_bytes().first(), Some(b'{' | b'['));
        if i > 0 {
            let ended = j == previous.len();
            if ended && (previous_is_object || is_object) && (j == k.len() || k[j] == b'.') {
                return Ok(false);
            }
            if ended && j == k.len() {
                return Err(NestError::Twice { field: key.to_string() });
            }
            if ended && k[j] == b'.' {
                // Path order puts `a` right before `a.b`.
                return Err(NestError::ValueAndObject {
                    field: String::from_utf8_lossy(previous).into_owned(),
                    below: key.to_string(),
                });
            }
            let before = name_at(previous, start);
            let after = name_at(k, start);
            if !less(before, after) {
                return Ok(false);
            }
            for _ in shared..open {
                out.push('}');
            }
            out.push(',');
        }
        // The names from `start` on (a byte loop: `split` costs a searcher per key).
        let rest = &key[start..];
        let mut from = 0;
        let mut depth = shared;
        loop {
            let end = rest.as_bytes()[from..]
                .iter()
                .position(|b| *b == b'.')
                .map_or(rest.len(), |dot| from + dot);
            let name = &rest[from..end];
            if name.is_empty() || depth >= MAX_DEPTH {
                return Ok(false);
            }
            if raw_keys {
                out.push('"');
                out.push_str(name);
                out.push('"');
            } else {
                write_str(name, out);
            }
            out.push(':');
            if end == rest.len() {
                break;
            }
            out.push('{');
            depth += 1;
            from = end + 1;
        }
        out.push_str(value);
        open = depth;
        previous = k;
        previous_is_object = is_object;
    }
    for _ in 0..open {
        out.push('}');
    }
    out.push('}');
    Ok(true)
}

/// The name that starts at byte `start` of a key (up to the next dot).
fn name_at(key: &[u8], start: usize) -> &[u8] {
    let rest = key.get(start..).unwrap_or_default();
    match rest.iter().position(|b| *b == b'.') {
        Some(dot) => &rest[..dot],
        None => rest,
    }
}

/// `a < b` in byte order, inline: a `memcmp` call per name costs more than the comparison of
/// short names (this runs per key of every event).
fn less(a: &[u8], b: &[u8]) -> bool {
    for (x, y) in a.iter().zip(b) {
        if x != y {
            return x < y;
        }
    }
    a.len() < b.len()
}

pub(super) fn write_object(entries: &[(Cow<'_, str>, Node<'_>)], out: &mut String) {
    out.push('{');
    for (i, (key, value)) in entries.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_str(key, out);
        out.push(':');
        write_node(value, out);
    }
    out.push('}');
}

fn write_node(node: &Node<'_>, out: &mut String) {
    match node {
        Node::Raw(text) => out.push_str(text),
        Node::Str(s) => write_str(s, out),
        Node::Number(n) => {
            let _ = write!(out, "{n}");
        }
        Node::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Node::Null => out.push_str("null"),
        Node::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_node(item, out);
            }
            out.push(']');
        }
        Node::Object(entries) => write_object(entries, out),
    }
}

/// `s` as a JSON string, escaped as serde_json escapes it (RFC 8259: quote, backslash and the
/// control characters; the two-letter escapes where JSON has one). Also the host's envelope writer.
pub fn write_str(s: &str, out: &mut String) {
    out.push('"');
    let bytes = s.as_bytes();
    let mut start = 0;
    loop {
        // Runs of plain bytes copied at once; each special byte escaped. Escaped bytes are
        // ASCII, so every cut is at a character boundary.
        let at = start + super::scan::plain_run(&bytes[start..]);
        out.push_str(&s[start..at]);
        let Some(&b) = bytes.get(at) else { break };
        let (escaped, len) = escape(b);
        out.extend(escaped[..len].iter().map(|&c| char::from(c)));
        start = at + 1;
    }
    out.push('"');
}

/// The length of `s` written as [`write_str`] writes it when `text` starts with exactly that,
/// quotes included; compared run by run, without writing it.
pub fn written_str_len(text: &[u8], s: &str) -> Option<usize> {
    let bytes = s.as_bytes();
    if text.first() != Some(&b'"') {
        return None;
    }
    let (mut start, mut j) = (0, 1);
    loop {
        let at = start + super::scan::plain_run(&bytes[start..]);
        let run = &bytes[start..at];
        if text.get(j..j + run.len())? != run {
            return None;
        }
        j += run.len();
        let Some(&b) = bytes.get(at) else { break };
        let (escaped, len) = escape(b);
        if text.get(j..j + len)? != &escaped[..len] {
            return None;
        }
        j += len;
        start = at + 1;
    }
    (text.get(j) == Some(&b'"')).then_some(j + 1)
}

/// The escape of a byte a string's plain run stops at (a quote, a backslash or a control
/// character), as serde_json writes it, and its length.
fn escape(b: u8) -> ([u8; 6], usize) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let two = |c: u8| ([b'\\', c, 0, 0, 0, 0], 2);
    match b {
        b'"' => two(b'"'),
        b'\\' => two(b'\\'),
        b'\n' => two(b'n'),
        b'\r' => two(b'r'),
        b'\t' => two(b't'),
        0x08 => two(b'b'),
        0x0c => two(b'f'),
        _ => (
            [
                b'\\',
                b'u',
                b'0',
                b'0',
                HEX[usize::from(b >> 4)],
                HEX[usize::from(b & 15)],
            ],
            6,
        ),
    }
}
