//! Reading a record's values: non-empty strings, `"true"`/`"false"` flags, and objects kept
//! whole in a form the host stores without a conflict (`json_values::storable`).

pub(crate) use edge_format_sdk::json_values::{flag, is_rfc3339, object, storable, text};
