//! Dotted field names to nested objects: `{"source.ip": "192.0.2.1", "source.port": 22}` becomes
//! `{"source": {"ip": "192.0.2.1", "port": 22}}`, merged with objects already there, at every
//! level (objects inside arrays too), as Elasticsearch expands dots in field names.
//!
//! A conflict rejects the document, naming the field: a value at `a` and a key `a.b`
//! ([`NestError::ValueAndObject`]), the same field twice ([`NestError::Twice`]), a key with an
//! empty name between dots ([`NestError::EmptyName`]), or more than [`MAX_DEPTH`] levels.
//!
//! This runs for every stored event, so a document is read once into borrowed slices
//! ([`Document::parse`]); one that needs nothing (no dotted key, no duplicate, no object value)
//! is kept as the text it is ([`Document::is_nested`]), and otherwise values are copied as written
//! where they need no change. Only object values are parsed further, once.

mod read;
mod scan;
pub(crate) mod write;

use read::{clean, clean_document, TopVisitor};
use serde::de::Deserializer;
use std::borrow::Cow;
use std::cmp::Ordering;
use std::fmt;
use write::{write_object, write_sorted};

/// Nesting levels a document may have after expansion (Elasticsearch's own default limit is 20;
/// serde_json reads at most 127 nested objects and arrays, and a stored document must read back:
/// found by the `component_output` fuzz target at 128).
pub const MAX_DEPTH: usize = 100;

/// Why a document cannot be nested.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NestError {
    /// The same field twice: `{"a.b": 1, "a": {"b": 2}}`.
    Twice { field: String },
    /// A value where other keys put an object: `{"a": 1, "a.b": 2}` (`field` is `a`, `below` is
    /// `a.b`).
    ValueAndObject { field: String, below: String },
    /// A key with an empty name between dots: `""`, `".a"`, `"a."`, `"a..b"`.
    EmptyName { key: String },
    /// The document nests deeper than [`MAX_DEPTH`] objects.
    TooDeep { field: String },
    /// A value that cannot be read (a name serde_json reserves inside it).
    Unreadable { field: String, reason: String },
}

impl fmt::Display for NestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Twice { field } => write!(f, "conflicting fields: {field:?} is given twice"),
            Self::ValueAndObject { field, below } => write!(
                f,
                "conflicting fields: {field:?} is a value, and {below:?} makes it an object"
            ),
            Self::EmptyName { key } => write!(f, "invalid field name {key:?}: an empty name between dots"),
            Self::TooDeep { field } => write!(f, "field {field:?} nests deeper than {MAX_DEPTH} objects"),
            Self::Unreadable { field, reason } if field.is_empty() => {
                write!(f, "the document would not read back: {reason}")
            }
            Self::Unreadable { field, reason } => write!(f, "field {field:?}: {reason}"),
        }
    }
}

impl std::error::Error for NestError {}

/// A JSON object read for nesting: its top-level keys with their values as written.
#[derive(Debug)]
pub struct Document<'a> {
    entries: Vec<(Cow<'a, str>, &'a str)>,
}

impl<'a> Document<'a> {
    /// Reads a JSON object (anything else is an error).
    pub fn parse(text: &'a str) -> Result<Self, serde_json::Error> {
        let mut de = serde_json::Deserializer::from_str(text);
        let entries = de.deserialize_map(TopVisitor)?;
        de.end()?;
        Ok(Document { entries })
    }

    /// The JSON text of the first top-level `key`, borrowed from the parsed text (or from
    /// [`Document::set`]).
    pub fn get(&self, key: &str) -> Option<&'a str> {
        self.entries.iter().find(|(k, _)| k == key).map(|(_, v)| *v)
    }

    /// Sets a top-level field to a JSON text (replacing the first one of that name, else first).
    pub fn set(&mut self, key: &'a str, json: &'a str) {
        match self.entries.iter_mut().find(|(k, _)| k == key) {
            Some(entry) => entry.1 = json,
            None => self.entries.insert(0, (Cow::Borrowed(key), json)),
        }
    }

    /// True when the text needs no change: no dotted key, no duplicate key, no object in a
    /// value (where a dotted key could hide).
    pub fn is_nested(&self) -> bool {
        let simple = self
            .entries
            .iter()
            .all(|(key, value)| !key.is_empty() && !key.contains('.') && (!has_object(value) || clean(value)));
        simple && unique(self.entries.iter().map(|(k, _)| k.as_ref()))
    }

    /// The nested document as JSON text.
    pub fn into_json(self) -> Result<String, NestError> {
        let capacity = self.entries.iter().map(|(k, v)| k.len() + v.len() + 8).sum();
        let mut out = String::with_capacity(capacity);
        // What components write: scalar values (or objects that need no change, such as the
        // syslog format's structured data) under dotted keys, sorted. One pass, no tree.
        if self.entries.iter().all(|(_, value)| !has_object(value) || clean(value)) {
            let raw_keys = self.entries.iter().all(|(key, _)| matches!(key, Cow::Borrowed(_)));
            if write_sorted(&self.entries, raw_keys, &mut out)? {
                return Ok(out);
            }
            out.clear();
        }
        let mut entries = Vec::with_capacity(self.entries.len());
        for (key, value) in self.entries {
            let node = top_node(value).map_err(|e| NestError::Unreadable {
                field: key.to_string(),
                reason: e.to_string(),
            })?;
            entries.push((key, node));
        }
        let nested = nest_object(entries, None, 1)?;
        write_object(&nested, &mut out);
        Ok(out)
    }
}

/// One pass over a document that components usually send already nested (the SDK writes it
/// so, and senders' JSON often is): `Some` when it needs no change (no dotted or empty key, no
/// key twice in an object: keys in increasing byte order, or up to 64 in any order), with the
/// JSON text of its top-level scalar field `pick` if there is one; `None` when it needs
/// nesting, a closer look, or is not a JSON object: read it with [`Document::parse`] then,
/// which tells which.
pub fn already_nested<'a>(text: &'a str, pick: &str) -> Option<Option<&'a str>> {
    clean_document(text, [pick]).map(|[picked]| picked)
}

/// [`already_nested`] picking several top-level fields at once.
pub fn already_nested_picking<'a, const N: usize>(text: &'a str, picks: [&str; N]) -> Option<[Option<&'a str>; N]> {
    clean_document(text, picks)
}

/// Whether `text`, a document the general paths keep or rebuild (their values are copied as
/// written), reads back with serde_json as it is: numbers in range, no name serde_json reserves.
/// The one-pass scan answers for most; serde_json itself for the rest.
pub fn check_readable(text: &str) -> Result<(), NestError> {
    if scan::clean(text.as_bytes(), []).is_some() {
        return Ok(());
    }
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(_) => Ok(()),
        Err(e) => Err(NestError::Unreadable {
            field: String::new(),
            reason: e.to_string(),
        }),
    }
}

/// `value` nested (see [`Document::into_json`]); anything but an object is returned as it is.
pub fn nest_value(value: serde_json::Value) -> Result<serde_json::Value, NestError> {
    if !value.is_object() {
        return Ok(value);
    }
    let text = value.to_string();
    let document = Document::parse(&text).map_err(|_| parse_failure(""))?;
    if document.is_nested() {
        return Ok(value);
    }
    let nested = document.into_json()?;
    serde_json::from_str(&nested).map_err(|_| parse_failure(""))
}

/// A value that was valid JSON when read as a whole but not alone: cannot happen; reported as a
/// conflict on its key rather than a panic.
fn parse_failure(key: &str) -> NestError {
    NestError::Twice { field: key.to_string() }
}

/// Keys compared as paths: `.` sorts before every other byte, so that `a`, `a.b`, `a.c` stay
/// together before `a-b` or `a0`.
fn path_cmp(a: &str, b: &str) -> Ordering {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    match a.iter().zip(b).find(|(x, y)| x != y) {
        Some((b'.', _)) => Ordering::Less,
        Some((_, b'.')) => Ordering::Greater,
        Some((x, y)) => x.cmp(y),
        None => a.len().cmp(&b.len()),
    }
}

/// No key twice (components write sorted maps: one pass; otherwise a sorted copy).
fn unique<'k>(keys: impl Iterator<Item = &'k str> + Clone) -> bool {
    let mut previous: Option<&str> = None;
    let sorted = keys.clone().all(|k| {
        let ok = previous.is_none_or(|p| p < k);
        previous = Some(k);
        ok
    });
    if sorted {
        return true;
    }
    let mut all: Vec<&str> = keys.collect();
    all.sort_unstable();
    all.windows(2).all(|w| w[0] != w[1])
}

/// A value being nested: as written where it needs no change, else parsed.
#[derive(Debug)]
enum Node<'a> {
    Raw(&'a str),
    Str(Cow<'a, str>),
    Number(serde_json::Number),
    Bool(bool),
    Null,
    Array(Vec<Node<'a>>),
    Object(Vec<(Cow<'a, str>, Node<'a>)>),
}

/// Whether a value's text may hold an object (a `{` inside a string of an array counts: it only
/// costs a closer look).
fn has_object(value: &str) -> bool {
    // A byte test: `str::starts_with` costs a `memcmp` call per value.
    match value.as_bytes().first() {
        Some(b'{') => true,
        Some(b'[') => value.contains('{'),
        _ => false,
    }
}

fn top_node(value: &str) -> Result<Node<'_>, serde_json::Error> {
    if has_object(value) {
        serde_json::from_str(value)
    } else {
        Ok(Node::Raw(value))
    }
}

/// Where a field sits, for error messages only (a chain on the stack: no allocation).
struct Path<'p> {
    parent: Option<&'p Path<'p>>,
    name: &'p str,
}

fn field(path: Option<&Path<'_>>, name: &str) -> String {
    let mut names = vec![name];
    let mut at = path;
    while let Some(p) = at {
        names.push(p.name);
        at = p.parent;
    }
    names.reverse();
    names.join(".")
}

/// The first name of a dotted key (a byte loop: keys are short, and this runs per key and level).
fn head(key: &str) -> &str {
    match key.bytes().position(|b| b == b'.') {
        Some(dot) => &key[..dot],
        None => key,
    }
}

/// The part of `key` after `at` bytes, borrowed when the key is.
fn tail<'a>(key: &Cow<'a, str>, at: usize) -> Cow<'a, str> {
    match key {
        Cow::Borrowed(k) => Cow::Borrowed(&k[at..]),
        Cow::Owned(k) => Cow::Owned(k[at..].to_owned()),
    }
}

type Entries<'a> = Vec<(Cow<'a, str>, Node<'a>)>;

fn nest_object<'a>(mut entries: Entries<'a>, path: Option<&Path<'_>>, depth: usize) -> Result<Entries<'a>, NestError> {
    if depth > MAX_DEPTH {
        return Err(NestError::TooDeep {
            field: field(path, "").trim_end_matches('.').to_string(),
        });
    }
    if let Some((key, _)) = entries.iter().find(|(k, _)| k.split('.').any(str::is_empty)) {
        return Err(NestError::EmptyName { key: field(path, key) });
    }
    let ordered = entries.windows(2).all(|w| path_cmp(&w[0].0, &w[1].0) == Ordering::Less);
    if ordered && entries.iter().all(|(k, _)| !k.contains('.')) {
        for (key, value) in &mut entries {
            let here = Path {
                parent: path,
                name: key,
            };
            let taken = std::mem::replace(value, Node::Null);
            *value = nest_node(taken, &here, depth)?;
        }
        return Ok(entries);
    }
    if !ordered {
        // Stable: of two values for one field, the message names them in the order written.
        entries.sort_by(|a, b| path_cmp(&a.0, &b.0));
    }
    let mut out = Vec::with_capacity(entries.len());
    let mut entries = entries.into_iter().peekable();
    while let Some((key, value)) = entries.next() {
        let name_len = head(&key).len();
        let name = match &key {
            Cow::Borrowed(k) => Cow::Borrowed(&k[..name_len]),
            Cow::Owned(k) => Cow::Owned(k[..name_len].to_owned()),
        };
        let mut group = vec![(key, value)];
        while let Some((next, _)) = entries.peek() {
            if head(next) != name {
                break;
            }
            group.extend(entries.next());
        }
        let here = Path {
            parent: path,
            name: &name,
        };
        let mut value: Option<Node<'a>> = None;
        let mut twice = false;
        let mut objects = 0;
        let mut below: Entries<'a> = Vec::new();
        for (key, node) in group {
            if key.len() == name_len {
                match node {
                    Node::Object(children) => {
                        objects += 1;
                        below.extend(children);
                    }
                    other => {
                        twice |= value.is_some();
                        value = Some(other);
                    }
                }
            } else {
                below.push((tail(&key, name_len + 1), node));
            }
        }
        let node = match value {
            Some(_) if twice => {
                return Err(NestError::Twice {
                    field: field(path, &name),
                })
            }
            Some(_) if objects > 0 || !below.is_empty() => {
                let deeper = below.first().map_or(String::new(), |(k, _)| format!(".{k}"));
                return Err(NestError::ValueAndObject {
                    field: field(path, &name),
                    below: field(path, &name) + &deeper,
                });
            }
            Some(value) => nest_node(value, &here, depth)?,
            None => Node::Object(nest_object(below, Some(&here), depth + 1)?),
        };
        out.push((name, node));
    }
    Ok(out)
}

/// Objects inside a value (directly or in arrays) nested in turn.
fn nest_node<'a>(node: Node<'a>, path: &Path<'_>, depth: usize) -> Result<Node<'a>, NestError> {
    match node {
        Node::Object(children) => Ok(Node::Object(nest_object(children, Some(path), depth + 1)?)),
        Node::Array(items) => items
            .into_iter()
            .map(|item| nest_node(item, path, depth))
            .collect::<Result<_, _>>()
            .map(Node::Array),
        other => Ok(other),
    }
}

#[cfg(test)]
mod tests;
