//! What the event says about itself: `outcome`, `severity`, `authenticationContext`,
//! `debugContext.debugData` and `transaction`.

use edge_format_sdk::serde_json;
use edge_format_sdk::{Fields, Map, Value};

use crate::values::{object, snake_case, storable, text};

/// `outcome.result` → `event.outcome`: what ECS allows (a challenge, a skip or an unknown
/// result decided nothing).
pub(crate) fn outcome_fields(outcome: &Map<String, Value>, fields: &mut Fields) -> Option<&'static str> {
    if let Some(reason) = text(outcome, "reason") {
        fields.insert("okta.outcome.reason".into(), Value::String(reason.to_owned()));
        fields.insert("event.reason".into(), Value::String(reason.to_owned()));
    }
    let result = text(outcome, "result")?;
    fields.insert("okta.outcome.result".into(), Value::String(result.to_owned()));
    let ecs = match result.to_ascii_uppercase().as_str() {
        "SUCCESS" | "ALLOW" => "success",
        "FAILURE" | "DENY" => "failure",
        _ => "unknown",
    };
    fields.insert("event.outcome".into(), Value::from(ecs));
    Some(ecs)
}

/// `severity` → `log.level` (lower case) and `event.severity`, higher for worse: DEBUG 1,
/// INFO 2, WARN 3, ERROR 4.
pub(crate) fn severity_fields(severity: &str, fields: &mut Fields) {
    fields.insert("okta.severity".into(), Value::String(severity.to_owned()));
    fields.insert("log.level".into(), Value::String(severity.to_ascii_lowercase()));
    let number = match severity.to_ascii_uppercase().as_str() {
        "DEBUG" => 1,
        "INFO" => 2,
        "WARN" | "WARNING" => 3,
        "ERROR" => 4,
        _ => return,
    };
    fields.insert("event.severity".into(), Value::from(number));
}

/// Every field of `authenticationContext` under `okta.authentication_context.<snake_case>`.
pub(crate) fn authentication_fields(context: &Map<String, Value>, fields: &mut Fields) {
    for (key, value) in context {
        if !value.is_null() && value != "" {
            fields.insert(
                format!("okta.authentication_context.{}", snake_case(key)),
                storable(value),
            );
        }
    }
}

pub(crate) fn transaction_fields(transaction: &Map<String, Value>, fields: &mut Fields) {
    for key in ["type", "id"] {
        if let Some(value) = text(transaction, key) {
            fields.insert(format!("okta.transaction.{key}"), Value::String(value.to_owned()));
        }
    }
    if let Some(detail) = object(transaction, "detail").filter(|d| !d.is_empty()) {
        fields.insert(
            "okta.transaction.detail".into(),
            storable(&Value::Object(detail.clone())),
        );
    }
}

const DEBUG: &str = "okta.debug_context.debug_data.";

/// `debugData` under `okta.debug_context.debug_data.<snake_case>`; the `risk` and `behaviors`
/// texts (`{level=LOW, reasons=...}`) and `logOnlySecurityData` (JSON in a string) as objects,
/// plus `risk_level` and `risk_reasons` as Elastic's integration writes them.
pub(crate) fn debug_fields(data: &Map<String, Value>, fields: &mut Fields) {
    let mut risk: Option<Map<String, Value>> = None;
    for (key, value) in data {
        if value.is_null() || value == "" {
            continue;
        }
        let name = format!("{DEBUG}{}", snake_case(key));
        let parsed = match (key.as_str(), value) {
            ("risk" | "behaviors", Value::String(s)) => braces(s).map(Value::Object),
            ("logOnlySecurityData", Value::String(s)) => match serde_json::from_str::<Value>(s) {
                Ok(Value::Object(o)) => Some(as_written(&Value::Object(o))),
                _ => None,
            },
            _ => None,
        };
        if key == "risk" {
            risk = parsed.as_ref().and_then(Value::as_object).cloned();
        } else if key == "logOnlySecurityData" && risk.is_none() {
            risk = parsed
                .as_ref()
                .and_then(|p| p.get("risk"))
                .and_then(Value::as_object)
                .cloned();
        }
        let value = match parsed {
            Some(parsed) => parsed,
            None => storable(value),
        };
        fields.insert(name, value);
    }
    if let Some(risk) = risk {
        if let Some(level) = text(&risk, "level") {
            fields.insert(format!("{DEBUG}risk_level"), Value::String(level.to_owned()));
        }
        if let Some(reasons) = text(&risk, "reasons") {
            let reasons = reasons.split(',').map(str::trim).filter(|r| !r.is_empty());
            fields.insert(
                format!("{DEBUG}risk_reasons"),
                Value::Array(reasons.map(|r| Value::String(r.to_owned())).collect()),
            );
        }
    }
}

/// Keys as Okta wrote them (`New Geo-Location`), dots replaced so that the host does not nest.
fn as_written(value: &Value) -> Value {
    match value {
        Value::Object(object) => Value::Object(
            object
                .iter()
                .map(|(k, v)| {
                    (
                        if k.is_empty() { "_".into() } else { k.replace('.', "_") },
                        as_written(v),
                    )
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(as_written).collect()),
        other => other.clone(),
    }
}

/// `{level=HIGH, reasons=Anomalous Device, Anomalous Location}` → an object. A value runs to the
/// next `, key=` (values hold commas, keys hold spaces and dashes but no comma or `=`).
fn braces(text: &str) -> Option<Map<String, Value>> {
    let inner = text.trim().strip_prefix('{')?.strip_suffix('}')?;
    let mut out = Map::new();
    let mut current: Option<(String, String)> = None;
    for piece in inner.split(", ") {
        let new_key = piece
            .split_once('=')
            .filter(|(k, _)| !k.is_empty() && k.chars().all(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '_')));
        match (new_key, current.as_mut()) {
            (Some((key, value)), _) => {
                if let Some((k, v)) = current.take() {
                    out.insert(k, Value::String(v));
                }
                current = Some((key.trim().replace('.', "_"), value.to_owned()));
            }
            (None, Some((_, value))) => {
                value.push_str(", ");
                value.push_str(piece);
            }
            (None, None) => return None,
        }
    }
    if let Some((k, v)) = current {
        out.insert(k, Value::String(v));
    }
    (!out.is_empty()).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use edge_format_sdk::json;

    #[test]
    fn risk_texts_read_as_objects_with_commas_in_values() {
        assert_eq!(
            braces("{reasons=Anomalous Geo-Distance, Anomalous Device, level=HIGH}").map(Value::Object),
            Some(json!({"reasons": "Anomalous Geo-Distance, Anomalous Device", "level": "HIGH"}))
        );
        assert_eq!(
            braces("{New Geo-Location=NEGATIVE, New Device=POSITIVE}").map(Value::Object),
            Some(json!({"New Geo-Location": "NEGATIVE", "New Device": "POSITIVE"}))
        );
        assert_eq!(braces("level=LOW"), None);
        assert_eq!(braces("{no pairs}"), None);
    }
}
