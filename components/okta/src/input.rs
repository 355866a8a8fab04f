//! Finding the Okta System Log event in an event: the event object alone (one item of
//! `/api/v1/logs`), after a syslog or time prefix, as the only item of an array or of an event
//! hook's `data.events`, or as the `detail` of an EventBridge log stream event.

use edge_format_sdk::serde_json;
use edge_format_sdk::{line, Map, Value};

pub(crate) struct Located<'a> {
    pub prefix: line::Prefixed<'a>,
    pub event: Map<String, Value>,
}

pub(crate) fn locate(raw: &str) -> Result<Located<'_>, String> {
    let prefix = line::json_document(raw, &['{', '[']).map_err(|e| match e {
        line::NoJson::Empty => "empty event".to_string(),
        line::NoJson::Missing => "not an Okta System Log event: no JSON object".to_string(),
    })?;
    let json = prefix.msg;
    let document =
        serde_json::from_str::<Value>(json).map_err(|e| format!("not an Okta System Log event: invalid JSON: {e}"))?;
    Ok(Located {
        prefix,
        event: unwrap_event(document)?,
    })
}

fn unwrap_event(document: Value) -> Result<Map<String, Value>, String> {
    let mut object = match document {
        Value::Object(object) => object,
        Value::Array(items) => return only(items, "a JSON array"),
        _ => return Err("not an Okta System Log event: expected a JSON object".into()),
    };
    // An event hook: {"eventType": "com.okta.event_hook", "data": {"events": [...]}}.
    if let Some(Value::Object(mut data)) = object.remove("data") {
        if let Some(Value::Array(events)) = data.remove("events") {
            return only(events, "an event hook");
        }
    }
    // Okta's log stream to EventBridge: {"detail-type": "SystemLog", "detail": {...}}.
    if object.contains_key("detail-type") {
        if let Some(Value::Object(detail)) = object.remove("detail") {
            return checked(detail);
        }
    }
    checked(object)
}

/// The one event of a list; a list of several is refused: one event per event.
fn only(mut items: Vec<Value>, what: &str) -> Result<Map<String, Value>, String> {
    match items.len() {
        1 => match items.pop() {
            Some(Value::Object(event)) => checked(event),
            _ => Err(format!(
                "not an Okta System Log event: the item of {what} is not an object"
            )),
        },
        0 => Err(format!("{what} with no Okta event")),
        n => Err(format!(
            "{what} of {n} Okta events: send one System Log event per event"
        )),
    }
}

/// Whether the object is a System Log event: an `eventType`, a `published` time, and its
/// `uuid` or `actor`.
fn checked(event: Map<String, Value>) -> Result<Map<String, Value>, String> {
    let text = |key: &str| event.get(key).and_then(Value::as_str).is_some_and(|s| !s.is_empty());
    if text("eventType") && text("published") && (text("uuid") || event.get("actor").is_some_and(Value::is_object)) {
        Ok(event)
    } else {
        Err("not an Okta System Log event: no eventType, published and uuid or actor".into())
    }
}
