//! Reading a document: top-level keys with their values' text, object values as nodes, and
//! the check that an object value needs no change.

use super::Node;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use std::borrow::Cow;
use std::fmt;

/// Whether an object or array text holds no dotted (or empty) key and no key twice at any
/// level, in whatever order, so that it can be kept as written.
pub(super) fn clean(value: &str) -> bool {
    let mut de = serde_json::Deserializer::from_str(value);
    de.deserialize_any(CleanVisitor).unwrap_or(false)
}

struct CleanVisitor;

impl<'de> Visitor<'de> for CleanVisitor {
    type Value = bool;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<bool, E> {
        Ok(true)
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<bool, E> {
        Ok(true)
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<bool, E> {
        Ok(true)
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<bool, E> {
        Ok(true)
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<bool, E> {
        Ok(true)
    }
    fn visit_unit<E: de::Error>(self) -> Result<bool, E> {
        Ok(true)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<bool, A::Error> {
        let mut clean = true;
        while let Some(item) = seq.next_element_seed(CleanSeed)? {
            clean &= item;
        }
        Ok(clean)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<bool, A::Error> {
        let mut clean = true;
        let mut keys: Vec<Cow<'de, str>> = Vec::new();
        let mut ordered = true;
        while let Some(key) = map.next_key_seed(KeySeed)? {
            clean &= !key.is_empty() && !key.contains('.');
            ordered &= keys.last().is_none_or(|last| *last < key);
            clean &= map.next_value_seed(CleanSeed)?;
            keys.push(key);
        }
        if !ordered {
            keys.sort_unstable();
            clean &= keys.windows(2).all(|pair| pair[0] != pair[1]);
        }
        Ok(clean)
    }
}

struct CleanSeed;

impl<'de> DeserializeSeed<'de> for CleanSeed {
    type Value = bool;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<bool, D::Error> {
        d.deserialize_any(CleanVisitor)
    }
}

/// A key, borrowed from the text when it has no escapes.
pub(super) struct KeySeed;

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = Cow<'de, str>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_str(KeyVisitor)
    }
}

struct KeyVisitor;

impl KeyVisitor {
    fn checked<E: de::Error>(key: Cow<'_, str>) -> Result<Cow<'_, str>, E> {
        if is_reserved(&key) {
            return Err(E::custom(format_args!(
                "field name {key:?} is reserved by the JSON reader"
            )));
        }
        Ok(key)
    }
}

/// Names serde_json gives a meaning to when it reads a document back (`{"$serde_json::private::
/// RawValue": "…"}` reads as the JSON inside the string, or fails): a stored event must read
/// back as what it is, so no document may use them.
pub(crate) fn is_reserved(key: &str) -> bool {
    key.starts_with(RESERVED_PREFIX)
}

pub(crate) const RESERVED_PREFIX: &str = "$serde_json::private::";

impl<'de> Visitor<'de> for KeyVisitor {
    type Value = Cow<'de, str>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Self::checked(Cow::Borrowed(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Self::checked(Cow::Owned(v.to_owned()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Self::checked(Cow::Owned(v))
    }
}

/// The top level: keys with their values' text.
pub(super) struct TopVisitor;

impl<'de> Visitor<'de> for TopVisitor {
    type Value = Vec<(Cow<'de, str>, &'de str)>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut entries = Vec::with_capacity(map.size_hint().unwrap_or(16));
        while let Some(key) = map.next_key_seed(KeySeed)? {
            let value: &'de serde_json::value::RawValue = map.next_value()?;
            entries.push((key, value.get()));
        }
        Ok(entries)
    }
}

impl<'de> Deserialize<'de> for Node<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(NodeVisitor)
    }
}

struct NodeVisitor;

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = Node<'de>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        Ok(Node::Bool(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Node::Number(v.into()))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Node::Number(v.into()))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        serde_json::Number::from_f64(v)
            .map(Node::Number)
            .ok_or_else(|| E::custom("not a finite number"))
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Node::Str(Cow::Borrowed(v)))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Node::Str(Cow::Owned(v.to_owned())))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(Node::Str(Cow::Owned(v)))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Node::Null)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(4));
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Node::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut entries = Vec::with_capacity(map.size_hint().unwrap_or(8));
        while let Some(key) = map.next_key_seed(KeySeed)? {
            entries.push((key, map.next_value()?));
        }
        Ok(Node::Object(entries))
    }
}

/// A whole document that needs no change (see [`super::already_nested`]), read in one pass
/// ([`super::scan`]).
pub(super) fn clean_document<'a, const N: usize>(text: &'a str, picks: [&str; N]) -> Option<[Option<&'a str>; N]> {
    let ranges = super::scan::clean(text.as_bytes(), picks.map(str::as_bytes))?;
    let mut picked = [None; N];
    for (slot, range) in picked.iter_mut().zip(ranges) {
        if let Some(range) = range {
            // The scanner's ranges start and end at ASCII bytes: `get` does not fail.
            *slot = Some(text.get(range)?);
        }
    }
    Some(picked)
}
