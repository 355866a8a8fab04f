//! Reading an event's values: non-empty strings, flags, camelCase keys in snake_case, and
//! objects kept whole in a form the host stores without a conflict.

use edge_format_sdk::{Map, Value};

/// A non-empty string value at `key`.
pub(crate) fn text<'v>(object: &'v Map<String, Value>, key: &str) -> Option<&'v str> {
    object.get(key).and_then(Value::as_str).filter(|s| !s.is_empty())
}

/// An object value at `key`.
pub(crate) fn object<'v>(object: &'v Map<String, Value>, key: &str) -> Option<&'v Map<String, Value>> {
    object.get(key).and_then(Value::as_object)
}

/// A flag written as a boolean or as the strings `true`/`false`.
pub(crate) fn flag(value: &Value) -> Option<bool> {
    match value {
        Value::Bool(b) => Some(*b),
        Value::String(s) if s.eq_ignore_ascii_case("true") => Some(true),
        Value::String(s) if s.eq_ignore_ascii_case("false") => Some(false),
        _ => None,
    }
}

/// `requestUri` → `request_uri`, `dtHash` → `dt_hash`, as Elastic's Okta integration names
/// them; a `.` becomes `_` (the host would nest it).
pub(crate) fn snake_case(key: &str) -> String {
    let mut out = String::with_capacity(key.len() + 4);
    let mut previous_lower = false;
    for c in key.chars() {
        if c.is_ascii_uppercase() {
            if previous_lower {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
            previous_lower = false;
        } else {
            out.push(if c == '.' { '_' } else { c });
            previous_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        }
    }
    if out.is_empty() {
        out.push('_');
    }
    out
}

/// A value kept whole, keys in snake_case at every level (so that the host's nesting never
/// meets a dotted or empty key).
pub(crate) fn storable(value: &Value) -> Value {
    match value {
        Value::Object(object) => Value::Object(object.iter().map(|(k, v)| (snake_case(k), storable(v))).collect()),
        Value::Array(items) => Value::Array(items.iter().map(storable).collect()),
        other => other.clone(),
    }
}

/// Whether `time` reads as RFC 3339 (Okta writes `2026-03-02T09:15:27.123Z`): an unreadable
/// `@timestamp` would make the host reject the event, so such a time is left to the host.
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
