//! Reading a record's values: non-empty strings, `"true"`/`"false"` flags, and objects kept
//! whole in a form the host stores without a conflict.

use edge_format_sdk::{Map, Value};

/// A non-empty string value at `key`.
pub(crate) fn text<'v>(object: &'v Map<String, Value>, key: &str) -> Option<&'v str> {
    object.get(key).and_then(Value::as_str).filter(|s| !s.is_empty())
}

/// An object value at `key`.
pub(crate) fn object<'v>(object: &'v Map<String, Value>, key: &str) -> Option<&'v Map<String, Value>> {
    object.get(key).and_then(Value::as_object)
}

/// A flag written as a boolean or as the strings `true`/`false` (`mfaAuthenticated`,
/// `sessionCredentialFromConsole`).
pub(crate) fn flag(value: &Value) -> Option<bool> {
    match value {
        Value::Bool(b) => Some(*b),
        Value::String(s) if s.eq_ignore_ascii_case("true") => Some(true),
        Value::String(s) if s.eq_ignore_ascii_case("false") => Some(false),
        _ => None,
    }
}

/// A value kept whole under the vendor namespace. The host expands dots in keys (as
/// Elasticsearch does), so a key such as `a.b` beside `a`, or an empty key, would reject the
/// whole event: dots become `_` and an empty key is `_`.
pub(crate) fn storable(value: &Value) -> Value {
    match value {
        Value::Object(object) => Value::Object(
            object
                .iter()
                .map(|(key, value)| (storable_key(key), storable(value)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(storable).collect()),
        other => other.clone(),
    }
}

fn storable_key(key: &str) -> String {
    if key.is_empty() {
        "_".into()
    } else {
        key.replace('.', "_")
    }
}

/// Whether `time` reads as RFC 3339 (`2024-05-01T12:00:00Z`, fractions and offsets allowed):
/// an unreadable `@timestamp` would make the host reject the event, so such a time is left to
/// the host's own choice (client or reception time).
pub(crate) fn is_rfc3339(time: &str) -> bool {
    let b = time.as_bytes();
    let digits = |range: std::ops::Range<usize>| b.get(range).is_some_and(|d| d.iter().all(u8::is_ascii_digit));
    b.len() >= 20
        && digits(0..4)
        && b[4] == b'-'
        && digits(5..7)
        && b[7] == b'-'
        && digits(8..10)
        && matches!(b[10], b'T' | b't' | b' ')
        && digits(11..13)
        && b[13] == b':'
        && digits(14..16)
        && b[16] == b':'
        && digits(17..19)
        && (time.ends_with(['Z', 'z']) || matches!(b.get(b.len().saturating_sub(6)), Some(b'+' | b'-')))
}
