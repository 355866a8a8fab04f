//! Events out of JSON responses, each kept as the JSON text the source sent.

use crate::PolledEvent;
use serde_json::value::RawValue;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// The elements of a JSON array, each as its own JSON text (not re-serialized).
pub fn array_elements(text: &[u8]) -> Result<Vec<Box<RawValue>>, String> {
    serde_json::from_slice(text).map_err(|e| format!("not a JSON array: {e}"))
}

/// The JSON text of `key` in a JSON object (`{"Records": [...]}` → the array's text); `None`
/// when the object has no such key, an error when `text` is not a JSON object.
pub fn member(text: &[u8], key: &str) -> Result<Option<Box<RawValue>>, String> {
    let mut object: BTreeMap<String, Box<RawValue>> =
        serde_json::from_slice(text).map_err(|e| format!("not a JSON object: {e}"))?;
    Ok(object.remove(key))
}

/// The text of one element as an event's `raw`: as received, unless it spans lines (a
/// pretty-printed response), then compacted, since an event is one line.
pub fn one_line(raw: &RawValue) -> String {
    let text = raw.get();
    if !text.contains(['\n', '\r']) {
        return text.to_owned();
    }
    serde_json::from_str::<Value>(text)
        .ok()
        .and_then(|value| serde_json::to_string(&value).ok())
        .unwrap_or_else(|| text.replace(['\n', '\r'], " "))
}

/// A string or number member of an object as text (`"uuid": "…"`, `"Id": 12`).
pub fn text_of(object: &Map<String, Value>, key: &str) -> Option<String> {
    match object.get(key)? {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A top-level member kept by [`top_level_scalars`]: strings and numbers; nested objects and
/// arrays are skipped without being built (an event's bulk is nested, and building it as a
/// `Value` was half of a poller's CPU per event).
enum Scalar {
    Text(String),
    Number(serde_json::Number),
    Skipped,
}

impl<'de> serde::Deserialize<'de> for Scalar {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Scalar, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Scalar;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_str<E>(self, v: &str) -> Result<Scalar, E> {
                Ok(Scalar::Text(v.to_owned()))
            }
            fn visit_string<E>(self, v: String) -> Result<Scalar, E> {
                Ok(Scalar::Text(v))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Scalar, E> {
                Ok(Scalar::Number(v.into()))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Scalar, E> {
                Ok(Scalar::Number(v.into()))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Scalar, E> {
                Ok(serde_json::Number::from_f64(v).map_or(Scalar::Skipped, Scalar::Number))
            }
            fn visit_bool<E>(self, _: bool) -> Result<Scalar, E> {
                Ok(Scalar::Skipped)
            }
            fn visit_unit<E>(self) -> Result<Scalar, E> {
                Ok(Scalar::Skipped)
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Scalar, A::Error> {
                while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {}
                Ok(Scalar::Skipped)
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Scalar, A::Error> {
                while map
                    .next_entry::<serde::de::IgnoredAny, serde::de::IgnoredAny>()?
                    .is_some()
                {}
                Ok(Scalar::Skipped)
            }
        }
        d.deserialize_any(V)
    }
}

/// The string and number members at the top of a JSON object (`None` if it is not one).
pub fn top_level_scalars(text: &str) -> Option<Map<String, Value>> {
    let members: BTreeMap<String, Scalar> = serde_json::from_str(text).ok()?;
    Some(
        members
            .into_iter()
            .filter_map(|(k, v)| match v {
                Scalar::Text(s) => Some((k, Value::String(s))),
                Scalar::Number(n) => Some((k, Value::Number(n))),
                Scalar::Skipped => None,
            })
            .collect(),
    )
}

/// One event per element: `raw` is the element as received ([`one_line`]), `source_id` the
/// string member `id_field` of the element (if given and present). `each` sees the string and
/// number members at the top of every element that is an object (to read a time, say).
pub fn events_of(
    elements: &[Box<RawValue>],
    id_field: Option<&str>,
    mut each: impl FnMut(&Map<String, Value>),
) -> Vec<PolledEvent> {
    elements
        .iter()
        .map(|raw| {
            let mut source_id = None;
            if let Some(object) = top_level_scalars(raw.get()) {
                source_id = id_field.and_then(|key| text_of(&object, key));
                each(&object);
            }
            PolledEvent {
                raw: one_line(raw),
                source_id,
            }
        })
        .collect()
}

/// [`events_of`] the elements of a JSON array.
pub fn array_events(
    body: &[u8],
    id_field: Option<&str>,
    each: impl FnMut(&Map<String, Value>),
) -> Result<Vec<PolledEvent>, String> {
    Ok(events_of(&array_elements(body)?, id_field, each))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_text() {
        let body = br#"[{"uuid":"a","n":1.0,"published":"x"}, {"uuid":"b","z":{"k":[1,2]}}, 3]"#;
        let mut seen = Vec::new();
        let events = array_events(body, Some("uuid"), |o| seen.push(o.len())).unwrap();
        assert_eq!(events.len(), 3);
        assert_eq!(events[0].raw, r#"{"uuid":"a","n":1.0,"published":"x"}"#);
        assert_eq!(events[0].source_id.as_deref(), Some("a"));
        assert_eq!(events[1].raw, r#"{"uuid":"b","z":{"k":[1,2]}}"#);
        assert_eq!(events[2].raw, "3");
        assert_eq!(events[2].source_id, None);
        // Only strings and numbers at the top are seen (the nested `z` is skipped).
        assert_eq!(seen, vec![3, 1]);
    }

    #[test]
    fn compacts_pretty_printing() {
        let events = array_events(
            b"[\n  {\n    \"Id\": 7,\n    \"a\": \"x y\"\n  }\n]",
            Some("Id"),
            |_| {},
        )
        .unwrap();
        assert_eq!(events[0].raw, r#"{"Id":7,"a":"x y"}"#);
        assert_eq!(events[0].source_id.as_deref(), Some("7"));
    }

    #[test]
    fn members() {
        let records = member(br#"{"Records":[{"eventID":"e"}],"x":1}"#, "Records")
            .unwrap()
            .unwrap();
        assert_eq!(records.get(), r#"[{"eventID":"e"}]"#);
        assert!(member(br#"{"x":1}"#, "Records").unwrap().is_none());
        assert!(member(b"[1]", "Records").is_err());
        assert!(array_elements(b"{}").is_err());
        assert!(array_elements(b"").is_err());
    }
}
