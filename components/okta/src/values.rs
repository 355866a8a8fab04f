//! Reading an event's values: non-empty strings, flags, camelCase keys in snake_case, and
//! objects kept whole in a form the host stores without a conflict.

pub(crate) use edge_format_sdk::json_values::{flag, is_rfc3339, object, text};
use edge_format_sdk::Value;

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
