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

/// A value kept whole under a vendor namespace (`okta.*`, `aws.cloudtrail.*`, `o365.audit.*`).
/// The host expands dots in keys (as Elasticsearch does), so a key such as `a.b` beside `a`, or
/// an empty key, would reject the whole event: dots become `_` and an empty key is `_`.
pub fn storable(value: &Value) -> Value {
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

/// A key as [`storable`] writes it.
pub fn storable_key(key: &str) -> String {
    if key.is_empty() {
        "_".into()
    } else {
        key.replace('.', "_")
    }
}

/// `event.kind`, `event.category` and `event.type` of a categorized event (ECS-allowed values).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Categories {
    pub kind: &'static str,
    pub category: Vec<&'static str>,
    pub types: Vec<&'static str>,
}

impl Categories {
    /// `event.kind` `event` with these categories and types.
    pub fn event(category: &[&'static str], types: &[&'static str]) -> Option<Categories> {
        Some(Categories {
            kind: "event",
            category: category.to_vec(),
            types: types.to_vec(),
        })
    }

    /// `event.kind` `alert` with these categories and types.
    pub fn alert(category: &[&'static str], types: &[&'static str]) -> Option<Categories> {
        Some(Categories {
            kind: "alert",
            category: category.to_vec(),
            types: types.to_vec(),
        })
    }
}
