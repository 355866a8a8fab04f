//! The record as Elastic's `o365` integration keeps it under `o365.audit.*`, original names and
//! all, once the fields read into ECS are taken out: identifiers written as text, the
//! `Name`/`Value` lists (`Parameters`, `ExtendedProperties`) as objects, `ModifiedProperties` as
//! `{name: {NewValue, OldValue}}`, `AlertLinks` as their links, `Platform` numbers as names and
//! the alerts' `Data` (JSON in a string) read.

use edge_format_sdk::serde_json;
use edge_format_sdk::{Fields, Map, Value};

use crate::values::{as_text, storable, storable_key};

/// Written as text, as Elastic converts them (`RecordType` `15` → `"15"`).
const AS_TEXT: [&str; 9] = [
    "AzureActiveDirectoryEventType",
    "RecordType",
    "UserType",
    "Version",
    "InternalLogonType",
    "LogonType",
    "ActorYammerUserId",
    "YammerNetworkId",
    "ListBaseType",
];

/// The keys of an alert's `Data` that Elastic copies next to the whole (`Data.flattened`).
const DATA_KEYS: &[&str] = &[
    "ad", "af", "aii", "ail", "alk", "als", "an", "at", "cid", "cpid", "dm", "dpn", "eid", "etps", "etype", "f3u",
    "fvs", "imsgid", "lon", "mat", "md", "ms", "od", "op", "ot", "plk", "pud", "reid", "rid", "sev", "sict", "sid",
    "sip", "sitmi", "srt", "ssic", "suid", "tdc", "te", "thn", "tht", "tid", "tpid", "tpt", "trc", "ts", "tsd", "ttdt",
    "ttr", "upfc", "upfv", "ut", "von", "wl", "zfh", "zfn", "zmfh", "zmfn", "zu",
];

/// `Platform` numbers of the AIP schemas.
fn platform(number: &str) -> Option<&'static str> {
    Some(match number {
        "0" => "Unknown",
        "1" => "Windows",
        "2" => "MacOS",
        "3" => "iOS",
        "4" => "Android",
        "5" => "Web Browser",
        _ => return None,
    })
}

/// Whether a value says nothing (Elastic would keep an empty string; an empty field helps no
/// search).
pub(crate) fn empty(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::String(s) => s.is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
        _ => false,
    }
}

/// Reshapes the record's remaining keys as Elastic does, before they are written.
pub(crate) fn reshape(audit: &mut Map<String, Value>) {
    audit.retain(|_, value| !empty(value));
    for key in AS_TEXT {
        if let Some(value) = audit.get_mut(key) {
            if let Some(text) = as_text(value) {
                *value = Value::String(text);
            }
        }
    }
    for key in ["Parameters", "ExtendedProperties"] {
        reshape_value(audit, key, name_values);
    }
    reshape_value(audit, "ModifiedProperties", modified_properties);
    reshape_value(audit, "AlertLinks", alert_links);
    reshape_value(audit, "Data", data);
    if let Some(Value::String(reason)) = audit.get("ExceptionInfo") {
        let mut info = Map::new();
        info.insert("Reason".into(), Value::String(reason.clone()));
        audit.insert("ExceptionInfo".into(), Value::Object(info));
    }
    if let Some(value) = audit.get_mut("Platform") {
        if let Some(name) = as_text(value).as_deref().and_then(platform) {
            *value = Value::from(name);
        }
    }
}

/// Replaces `audit[key]` by what `f` makes of it; `None` removes it.
fn reshape_value(audit: &mut Map<String, Value>, key: &str, f: impl Fn(&Value) -> Option<Value>) {
    if let Some(value) = audit.get(key) {
        match f(value) {
            Some(new) => {
                audit.insert(key.into(), new);
            }
            None => {
                audit.remove(key);
            }
        }
    }
}

/// Text where a list was expected, as Elastic keeps it: `{"_raw": text}`.
fn raw(text: &str) -> Value {
    let mut object = Map::new();
    object.insert("_raw".into(), Value::String(text.to_owned()));
    Value::Object(object)
}

/// `[{"Name": "Identity", "Value": "x"}, ...]` → `{"Identity": "x", ...}` (items without a
/// value left out).
fn name_values(value: &Value) -> Option<Value> {
    match value {
        Value::Array(items) => {
            let map: Map<String, Value> = items
                .iter()
                .filter_map(|item| {
                    let name = item.get("Name")?.as_str()?;
                    let value = item.get("Value").filter(|v| !v.is_null())?;
                    Some((storable_key(name), storable(value)))
                })
                .collect();
            (!map.is_empty()).then_some(Value::Object(map))
        }
        Value::String(text) => Some(raw(text)),
        other => Some(storable(other)),
    }
}

/// `[{"Name": "AccountEnabled", "NewValue": "[false]", "OldValue": "[true]"}, ...]` →
/// `{"AccountEnabled": {"NewValue": ..., "OldValue": ...}}`, spaces and dots in names as `_`;
/// a bare name is an empty object.
fn modified_properties(value: &Value) -> Option<Value> {
    match value {
        Value::Array(items) => {
            let name = |n: &str| storable_key(&n.replace([' ', '.'], "_"));
            let mut map = Map::new();
            for item in items {
                match item {
                    Value::Object(property) => {
                        let (Some(n), Some(new), Some(old)) = (
                            property.get("Name").and_then(Value::as_str),
                            property.get("NewValue").filter(|v| !v.is_null()),
                            property.get("OldValue").filter(|v| !v.is_null()),
                        ) else {
                            continue;
                        };
                        let mut change = Map::new();
                        change.insert("NewValue".into(), storable(new));
                        change.insert("OldValue".into(), storable(old));
                        map.insert(name(n), Value::Object(change));
                    }
                    Value::String(n) => {
                        map.insert(name(n), Value::Object(Map::new()));
                    }
                    _ => {}
                }
            }
            (!map.is_empty()).then_some(Value::Object(map))
        }
        Value::String(text) => Some(raw(text)),
        other => Some(storable(other)),
    }
}

/// `[{"AlertLinkHref": "https://..."}, ...]` → the links.
fn alert_links(value: &Value) -> Option<Value> {
    match value {
        Value::Array(items) => {
            let links: Vec<Value> = items
                .iter()
                .filter_map(|item| item.get("AlertLinkHref")?.as_str().filter(|s| !s.is_empty()))
                .map(Value::from)
                .collect();
            (!links.is_empty()).then_some(Value::Array(links))
        }
        other => Some(storable(other)),
    }
}

/// An alert's `Data`: JSON in a string, kept whole as `Data.flattened` with its known keys
/// beside it; text that is not a JSON object as `Data._raw`.
fn data(value: &Value) -> Option<Value> {
    let parsed = match value {
        Value::String(text) => match serde_json::from_str::<Value>(text) {
            Ok(Value::Object(object)) => object,
            _ => return Some(raw(text)),
        },
        Value::Object(object) => object.clone(),
        other => return Some(storable(other)),
    };
    let mut out = Map::new();
    for &key in DATA_KEYS {
        if let Some(value) = parsed.get(key).filter(|v| !empty(v)) {
            out.insert(key.into(), storable(value));
        }
    }
    out.insert("flattened".into(), storable(&Value::Object(parsed)));
    Some(Value::Object(out))
}

/// Writes what is left of the record under `o365.audit.<name>` (an object emptied by what was
/// read from it is left out).
pub(crate) fn write(audit: Map<String, Value>, fields: &mut Fields) {
    for (key, value) in audit.into_iter().filter(|(_, v)| !empty(v)) {
        fields.insert(format!("o365.audit.{}", storable_key(&key)), storable(&value));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use edge_format_sdk::json;

    fn reshaped(record: Value) -> Value {
        let Value::Object(mut audit) = record else {
            unreachable!()
        };
        reshape(&mut audit);
        Value::Object(audit)
    }

    #[test]
    fn lists_become_objects() {
        assert_eq!(
            reshaped(json!({
                "Parameters": [{"Name": "Identity", "Value": "alice"}, {"Name": "Force", "Value": null}, {"Name": "a.b", "Value": "1"}],
                "ExtendedProperties": "text",
                "ModifiedProperties": [{"Name": "Account Enabled", "NewValue": "[false]", "OldValue": "[true]"}, {"Name": "x", "NewValue": "1"}, "Bare.Name"],
                "AlertLinks": [{"AlertLinkHref": ""}],
                "RecordType": 8, "Version": 1, "SupportTicketId": "", "Platform": 5, "Actor": []
            })),
            json!({
                "Parameters": {"Identity": "alice", "a_b": "1"},
                "ExtendedProperties": {"_raw": "text"},
                "ModifiedProperties": {"Account_Enabled": {"NewValue": "[false]", "OldValue": "[true]"}, "Bare_Name": {}},
                "RecordType": "8", "Version": "1", "Platform": "Web Browser"
            })
        );
    }

    #[test]
    fn alert_data_is_read() {
        assert_eq!(
            reshaped(
                json!({"Data": "{\"op\":\"GrantAdminPermission\",\"x.y\":1}", "AlertLinks": [{"AlertLinkHref": "https://a.example/1"}]})
            ),
            json!({
                "Data": {"op": "GrantAdminPermission", "flattened": {"op": "GrantAdminPermission", "x_y": 1}},
                "AlertLinks": ["https://a.example/1"]
            })
        );
        assert_eq!(
            reshaped(json!({"Data": "not json"})),
            json!({"Data": {"_raw": "not json"}})
        );
    }
}
