//! Finding the audit record in an event: the record alone (one item of a content blob of the
//! Management Activity API), after a syslog or time prefix, as the only item of a JSON array
//! (a content blob of one record), or as the `AuditData` of a `Search-UnifiedAuditLog` /
//! Purview audit search result.

use edge_format_sdk::serde_json;
use edge_format_sdk::{line, Map, Value};

const NOT: &str = "not a Microsoft 365 audit record";

pub(crate) struct Located<'a> {
    pub prefix: line::Prefixed<'a>,
    pub record: Map<String, Value>,
}

pub(crate) fn locate(raw: &str) -> Result<Located<'_>, String> {
    let prefix = line::json_document(raw, &['{', '[']).map_err(|e| match e {
        line::NoJson::Empty => "empty event".to_string(),
        line::NoJson::Missing => format!("{NOT}: no JSON object"),
    })?;
    let json = prefix.msg;
    let document = serde_json::from_str::<Value>(json).map_err(|e| format!("{NOT}: invalid JSON: {e}"))?;
    Ok(Located {
        prefix,
        record: unwrap_record(document)?,
    })
}

fn unwrap_record(document: Value) -> Result<Map<String, Value>, String> {
    match document {
        Value::Object(object) => audit_data(object),
        Value::Array(mut items) => match items.len() {
            1 => match items.pop() {
                Some(Value::Object(record)) => audit_data(record),
                _ => Err(format!("{NOT}: the item of a JSON array is not an object")),
            },
            0 => Err("a JSON array with no Microsoft 365 audit record".into()),
            n => Err(format!(
                "a JSON array of {n} Microsoft 365 audit records: send one record per event"
            )),
        },
        _ => Err(format!("{NOT}: expected a JSON object")),
    }
}

/// A search result (`RecordType`, `CreationDate`, `UserIds`, `Operations`, `AuditData`) holds the
/// record in `AuditData`, as JSON text or as an object.
fn audit_data(mut object: Map<String, Value>) -> Result<Map<String, Value>, String> {
    match object.remove("AuditData") {
        Some(Value::String(text)) => match serde_json::from_str::<Value>(&text) {
            Ok(Value::Object(record)) => checked(record),
            _ => Err(format!("{NOT}: AuditData is not a JSON object")),
        },
        Some(Value::Object(record)) => checked(record),
        Some(_) => Err(format!("{NOT}: AuditData is not a JSON object")),
        None if object.contains_key("contentUri") => Err(
            "a Management Activity API content listing (contentUri), not an audit record: send the records of the blob it names"
                .into(),
        ),
        None => checked(object),
    }
}

/// Whether the object is an audit record of the common schema: a `CreationTime`, an
/// `Operation`, a `RecordType`, and its `Id` or `Workload`.
fn checked(record: Map<String, Value>) -> Result<Map<String, Value>, String> {
    let text = |key: &str| record.get(key).and_then(Value::as_str).is_some_and(|s| !s.is_empty());
    let record_type = match record.get("RecordType") {
        Some(Value::Number(_)) => true,
        Some(Value::String(s)) => !s.is_empty(),
        _ => false,
    };
    if text("CreationTime") && text("Operation") && record_type && (text("Id") || text("Workload")) {
        Ok(record)
    } else {
        Err(format!(
            "{NOT}: no CreationTime, Operation, RecordType and Id or Workload"
        ))
    }
}
