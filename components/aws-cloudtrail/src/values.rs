//! Reading a record's values: non-empty strings, `"true"`/`"false"` flags, and objects kept
//! whole in a form the host stores without a conflict.

pub(crate) use edge_format_sdk::json_values::{flag, is_rfc3339, object, text};
use edge_format_sdk::Value;

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
