//! Where a format writes its fields: a [`Fields`] map, or a [`FlatEvent`] that borrows from the
//! event and writes the JSON text without a map.
//!
//! A format whose code is generic over [`Sink`] runs the same code on both:
//! [`Format::normalize_one`](crate::Format::normalize_one) fills a map (fixtures, tests), and
//! its batch `normalize` fills a [`FlatEvent`] (see [`normalize_flat`]). On a hot path a map
//! costs more than the parsing: one allocation per key and per string value, key comparisons
//! on every insert, and freeing it all again; a [`FlatEvent`] keeps borrowed `(key, value)` pairs
//! in one vector and sorts them once.

use std::borrow::Cow;

use serde_json::{Map, Value};

use crate::{nested, to_json_string, Event, Fields};

/// A field value, borrowed from the event where it can be.
#[derive(Debug, Clone, PartialEq)]
pub enum Val<'a> {
    Str(Cow<'a, str>),
    U64(u64),
    Bool(bool),
    /// Anything else (arrays, signed and float numbers, objects).
    Json(Value),
}

impl Val<'_> {
    /// The JSON value, owned.
    pub fn into_value(self) -> Value {
        match self {
            Val::Str(s) => Value::String(s.into_owned()),
            Val::U64(n) => Value::from(n),
            Val::Bool(b) => Value::Bool(b),
            Val::Json(v) => v,
        }
    }
}

impl<'a> From<&'a str> for Val<'a> {
    fn from(s: &'a str) -> Val<'a> {
        Val::Str(Cow::Borrowed(s))
    }
}

impl From<String> for Val<'_> {
    fn from(s: String) -> Self {
        Val::Str(Cow::Owned(s))
    }
}

impl<'a> From<Cow<'a, str>> for Val<'a> {
    fn from(s: Cow<'a, str>) -> Val<'a> {
        Val::Str(s)
    }
}

macro_rules! unsigned {
    ($($t:ty),*) => {$(
        impl From<$t> for Val<'_> {
            fn from(n: $t) -> Self {
                Val::U64(u64::from(n))
            }
        }
    )*};
}
unsigned!(u8, u16, u32, u64);

impl From<bool> for Val<'_> {
    fn from(b: bool) -> Self {
        Val::Bool(b)
    }
}

impl From<Value> for Val<'_> {
    fn from(v: Value) -> Self {
        Val::Json(v)
    }
}

/// Something a format writes fields into: flat dotted ECS keys, as [`Fields`] takes them.
pub trait Sink<'a> {
    /// Sets `key`; a later `set` of the same key wins (as `Map::insert`).
    fn set(&mut self, key: impl Into<Cow<'a, str>>, value: impl Into<Val<'a>>);
    /// Sets `key` unless it is already set (as `Map::entry(..).or_insert`).
    fn set_default(&mut self, key: impl Into<Cow<'a, str>>, value: impl Into<Val<'a>>);
}

impl<'a> Sink<'a> for Map<String, Value> {
    fn set(&mut self, key: impl Into<Cow<'a, str>>, value: impl Into<Val<'a>>) {
        self.insert(key.into().into_owned(), value.into().into_value());
    }

    fn set_default(&mut self, key: impl Into<Cow<'a, str>>, value: impl Into<Val<'a>>) {
        self.entry(key.into().into_owned())
            .or_insert_with(|| value.into().into_value());
    }
}

/// One event's fields as `(key, value)` pairs borrowed from the event, written to JSON text by
/// [`FlatEvent::to_json_string`] with the same text as [`to_json_string`] writes for the
/// [`Fields`] map holding the same `set`s.
#[derive(Debug, Default)]
pub struct FlatEvent<'a> {
    entries: Vec<Entry<'a>>,
}

#[derive(Debug)]
struct Entry<'a> {
    key: Cow<'a, str>,
    value: Val<'a>,
    /// Set with [`Sink::set_default`].
    default: bool,
}

impl<'a> Sink<'a> for FlatEvent<'a> {
    fn set(&mut self, key: impl Into<Cow<'a, str>>, value: impl Into<Val<'a>>) {
        self.entries.push(Entry {
            key: key.into(),
            value: value.into(),
            default: false,
        });
    }

    fn set_default(&mut self, key: impl Into<Cow<'a, str>>, value: impl Into<Val<'a>>) {
        self.entries.push(Entry {
            key: key.into(),
            value: value.into(),
            default: true,
        });
    }
}

impl<'a> FlatEvent<'a> {
    /// `capacity`: a guess of the number of `set`s.
    pub fn with_capacity(capacity: usize) -> FlatEvent<'a> {
        FlatEvent {
            entries: Vec::with_capacity(capacity),
        }
    }

    /// The nested JSON document, or flat keys where the keys conflict (as [`to_json_string`]).
    /// `capacity` is a guess of the output size.
    pub fn to_json_string(mut self, capacity: usize) -> Result<String, String> {
        // Stable: the `set`s of one key stay in their order, which decides the one kept.
        self.entries.sort_by(|a, b| a.key.as_bytes().cmp(b.key.as_bytes()));
        let kept = kept(&self.entries);
        let mut buf = Vec::with_capacity(capacity);
        let pairs = kept
            .iter()
            .map(|&i| (self.entries[i].key.as_ref(), &self.entries[i].value));
        if nested::write_pairs(pairs, &mut buf) {
            // Only UTF-8 strings and ASCII were written.
            return String::from_utf8(buf).map_err(|e| format!("cannot serialize event: {e}"));
        }
        // Conflicting keys (rare): the map's flat text, for the host to merge or reject.
        let mut fields = Fields::new();
        for i in kept {
            let entry = &mut self.entries[i];
            let value = std::mem::replace(&mut entry.value, Val::Bool(false));
            fields.insert(std::mem::take(&mut entry.key).into_owned(), value.into_value());
        }
        to_json_string(&fields, capacity)
    }
}

/// The index of the entry kept for each key of `sorted` (sorted by key, stably): the last
/// [`Sink::set`], else the first [`Sink::set_default`] before any `set`, as a map would keep.
fn kept(sorted: &[Entry<'_>]) -> Vec<usize> {
    let mut kept = Vec::with_capacity(sorted.len());
    let mut i = 0;
    while i < sorted.len() {
        let mut chosen: Option<usize> = None;
        let mut j = i;
        while j < sorted.len() && sorted[j].key == sorted[i].key {
            if !sorted[j].default || chosen.is_none() {
                chosen = Some(j);
            }
            j += 1;
        }
        kept.extend(chosen);
        i = j;
    }
    kept
}

/// A batch `normalize` for a format whose fields are written by `fill`, generic over [`Sink`]:
/// each event's fields go into a [`FlatEvent`], never a map. `fill` is the same code that
/// `normalize_one` runs on a [`Fields`] map; `capacity` is a guess of the fields per event.
pub fn normalize_flat<F>(events: Vec<Event>, capacity: usize, fill: F) -> Vec<Result<String, String>>
where
    F: for<'a> Fn(&mut FlatEvent<'a>, &'a Event) -> Result<(), String>,
{
    events
        .iter()
        .map(|event| {
            let mut flat = FlatEvent::with_capacity(capacity);
            fill(&mut flat, event)?;
            flat.to_json_string(2 * event.raw.len() + 256)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The same `set`s into a map and a flat event give the same text.
    fn same_text(sets: &[(&str, Val<'static>, bool)]) -> String {
        let mut map = Fields::new();
        let mut flat = FlatEvent::default();
        for (key, value, default) in sets {
            if *default {
                map.set_default(*key, value.clone());
                flat.set_default(*key, value.clone());
            } else {
                map.set(*key, value.clone());
                flat.set(*key, value.clone());
            }
        }
        let text = flat.to_json_string(0).expect("serializable");
        assert_eq!(text, to_json_string(&map, 0).expect("serializable"), "{sets:?}");
        text
    }

    #[test]
    fn writes_what_the_map_writes() {
        let text = same_text(&[
            ("source.ip", Val::from("192.0.2.1"), false),
            ("message", Val::from("a \"b\"\n"), false),
            ("source.port", Val::from(22u16), false),
            ("event.category", Val::from(json!(["network"])), false),
            ("unbound.reply.cached", Val::from(true), false),
            ("event.duration", Val::from(-1i64 as u64), false),
            ("x.f", Val::from(json!(1.5)), false),
        ]);
        assert_eq!(
            serde_json::from_str::<Value>(&text).expect("JSON"),
            json!({"event": {"category": ["network"], "duration": u64::MAX}, "message": "a \"b\"\n",
                   "source": {"ip": "192.0.2.1", "port": 22}, "unbound": {"reply": {"cached": true}},
                   "x": {"f": 1.5}})
        );
    }

    #[test]
    fn keeps_what_a_map_keeps() {
        // The last `set` wins; `set_default` only fills a key nothing set before it.
        let text = same_text(&[
            ("a", Val::from("1"), false),
            ("a", Val::from("2"), false),
            ("b", Val::from("1"), true),
            ("b", Val::from("2"), true),
            ("c", Val::from("1"), true),
            ("c", Val::from("2"), false),
            ("d", Val::from("1"), false),
            ("d", Val::from("2"), true),
            ("e", Val::from("1"), false),
            ("e", Val::from("2"), true),
            ("e", Val::from("3"), false),
        ]);
        assert_eq!(text, r#"{"a":"2","b":"1","c":"2","d":"1","e":"3"}"#);
    }

    #[test]
    fn conflicts_are_written_flat_as_the_map_writes_them() {
        let text = same_text(&[
            ("a.b", Val::from(1u8), false),
            ("a", Val::from(2u8), false),
            ("c\"d.e", Val::from(3u8), false),
        ]);
        assert_eq!(text, r#"{"a":2,"a.b":1,"c\"d.e":3}"#);
        assert_eq!(same_text(&[]), "{}");
    }

    #[test]
    fn normalize_flat_keeps_order_and_rejections() {
        let events = vec![
            crate::tests::event("ok"),
            crate::tests::event("bad"),
            crate::tests::event("x"),
        ];
        let out = normalize_flat(events, 4, |sink, event| {
            if event.raw == "bad" {
                return Err("bad event".into());
            }
            sink.set("message", event.raw.as_str());
            Ok(())
        });
        assert_eq!(
            out,
            vec![
                Ok(r#"{"message":"ok"}"#.to_string()),
                Err("bad event".to_string()),
                Ok(r#"{"message":"x"}"#.to_string())
            ]
        );
    }
}
