//! What a component returns, as `finalize` reads it: the one-pass check of already nested
//! documents (`edge_ecs::nest::already_nested`), the nesting of the rest, the `@timestamp`.
//!
//! Invariants: no panic on any input; a document the one pass keeps is one serde_json reads
//! as an object with no dotted key and no key twice at any level; whatever `finalize` stores
//! reads back as such an object, with a canonical `@timestamp` and the same time in µs; a kept
//! document is stored as its own text but for the `@timestamp` value.

use super::Input;
use crate::event::{time, Event, Protocol};
use crate::runtime::finalize;
use crate::timeparse;
use chrono::DateTime;
use edge_ecs::Document;
use serde_json::Value;

/// `[now: 5 bytes] document...` (lossy UTF-8, as components' strings are UTF-8).
pub fn component_output(data: &[u8]) {
    let mut input = Input::new(data);
    let secs = input.number(5) % 13_569_465_600;
    let received = DateTime::from_timestamp(secs as i64, 0).unwrap_or_default();
    let text = String::from_utf8_lossy(input.rest()).into_owned();

    let kept = edge_ecs::nest::already_nested(&text, "@timestamp");
    if kept.is_some() {
        let value: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("kept invalid JSON {text:?}: {e}"));
        assert!(value.is_object(), "kept a non-object: {text:?}");
        assert_nested(&value, &text);
        let document = Document::parse(&text).unwrap_or_else(|e| panic!("{text:?}: {e}"));
        assert!(document.is_nested(), "kept a document with a key twice: {text:?}");
    }

    let event = Event::new("x".into(), received, Protocol::Https);
    let outcome = finalize(Ok(text.clone()), &event, 1 << 20);
    let Ok(stored) = outcome.normalized else { return };
    let value: Value = serde_json::from_str(&stored).unwrap_or_else(|e| panic!("stored invalid JSON {stored:?}: {e}"));
    assert_nested(&value, &stored);
    let Some(Value::String(at)) = value.get("@timestamp") else {
        panic!("stored without a @timestamp string: {stored:?}")
    };
    assert!(
        timeparse::is_canonical_rfc3339(at),
        "stored a non-canonical time {at:?}"
    );
    let t = timeparse::parse_datetime(at, received).unwrap_or_else(|e| panic!("{at:?}: {e}"));
    assert_eq!(
        outcome.event_time_us,
        Some(time::to_micros(t)),
        "time in µs differs from {at:?}"
    );
    if kept.is_some() {
        let mut original: Value = serde_json::from_str(&text).unwrap_or_default();
        let mut stored_value = value.clone();
        if let (Some(a), Some(b)) = (original.as_object_mut(), stored_value.as_object_mut()) {
            a.remove("@timestamp");
            b.remove("@timestamp");
        }
        assert_eq!(
            original, stored_value,
            "a kept document changed beyond @timestamp: {text:?}"
        );
    }
}

/// No key with a dot, at any level.
fn assert_nested(value: &Value, text: &str) {
    match value {
        Value::Object(map) => {
            for (key, inner) in map {
                assert!(!key.contains('.'), "dotted key {key:?} in {text:?}");
                assert_nested(inner, text);
            }
        }
        Value::Array(items) => items.iter().for_each(|item| assert_nested(item, text)),
        _ => {}
    }
}
