//! Reading values of JSON events (cloud APIs' records): non-empty strings, objects, flags
//! written as booleans or strings, and whether a time is RFC 3339. Shared by the formats that
//! take JSON records (`aws-cloudtrail`, `okta`).

use crate::{Map, Value};

/// A non-empty string value at `key`.
pub fn text<'v>(object: &'v Map<String, Value>, key: &str) -> Option<&'v str> {
    object.get(key).and_then(Value::as_str).filter(|s| !s.is_empty())
}

/// An object value at `key`.
pub fn object<'v>(object: &'v Map<String, Value>, key: &str) -> Option<&'v Map<String, Value>> {
    object.get(key).and_then(Value::as_object)
}

/// A flag written as a boolean or as the strings `true`/`false` (`mfaAuthenticated`).
pub fn flag(value: &Value) -> Option<bool> {
    match value {
        Value::Bool(b) => Some(*b),
        Value::String(s) if s.eq_ignore_ascii_case("true") => Some(true),
        Value::String(s) if s.eq_ignore_ascii_case("false") => Some(false),
        _ => None,
    }
}

/// Whether `time` reads as RFC 3339 (`2024-05-01T12:00:00Z`, fractions and offsets allowed):
/// an unreadable `@timestamp` would make the host reject the event, so such a time is left to
/// the host's own choice (client or reception time).
pub fn is_rfc3339(time: &str) -> bool {
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
