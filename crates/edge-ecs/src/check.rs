//! The ECS checks of `formats test` and the native fixture runner, on a nested document: a field
//! name that is not in ECS (outside the format's own namespace) is a warning; an
//! `event.kind`/`category`/`type`/`outcome` value that ECS does not allow is an error (a wrong
//! value is a bug: dashboards and rules match on them).

use crate::reference::{reference, Reference};
use serde_json::Value;

/// What the checks found in one document.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Findings {
    /// Dotted names outside ECS and outside the format's namespace.
    pub not_in_ecs: Vec<String>,
    /// `event.type` values ECS does not expect with the document's `event.category` (advice).
    pub unexpected_types: Vec<String>,
    /// Values ECS does not allow, one message each.
    pub errors: Vec<String>,
}

impl Findings {
    /// Warnings as sentences.
    pub fn warnings(&self) -> Vec<String> {
        let version = reference().version();
        self.not_in_ecs
            .iter()
            .map(|f| format!("field {f} is not in ECS {version} (vendor fields go under the format's name)"))
            .chain(self.unexpected_types.iter().cloned())
            .collect()
    }
}

/// The categorization fields whose values ECS fixes.
const CATEGORIZATION: [&str; 4] = ["event.kind", "event.category", "event.type", "event.outcome"];

/// Where the builtins whose vendor fields follow Elastic's integrations put them, when that is
/// not under the format's own name (`cisco-asa` writes `cisco.asa.*`, `windows` `winlog.*`).
const VENDOR_NAMESPACES: [(&str, &str); 6] = [
    ("cisco-asa", "cisco"),
    ("windows", "winlog"),
    ("paloalto", "panw"),
    ("fortigate", "fortinet"),
    ("aws-cloudtrail", "aws"),
    ("m365", "o365"),
];

/// Whether `key` (a top-level name) is the vendor namespace of the format named `namespace`.
fn own(namespace: &str, key: &str) -> bool {
    key == namespace || VENDOR_NAMESPACES.contains(&(namespace, key))
}

/// Checks a nested document. `namespace` is the format's name: `openssh.*` is its own (and the
/// vendor namespace of [`VENDOR_NAMESPACES`]).
pub fn check(document: &Value, namespace: &str) -> Findings {
    let reference = reference();
    let mut findings = Findings::default();
    if let Value::Object(fields) = document {
        for (key, value) in fields {
            if !own(namespace, key) {
                walk(reference, key, value, &mut findings);
            }
        }
    }
    for field in CATEGORIZATION {
        let allowed = reference.allowed_values(field).unwrap_or(&[]);
        for value in values(document, field) {
            match value {
                Value::String(s) if allowed.contains(&s.as_str()) => {}
                other => findings.errors.push(format!(
                    "{field}: {other} is not a value ECS {} allows ({})",
                    reference.version(),
                    allowed.join(", ")
                )),
            }
        }
    }
    let types: Vec<&Value> = values(document, "event.type");
    for category in values(document, "event.category") {
        let Some(expected) = category.as_str().and_then(|c| reference.expected_types(c)) else {
            continue;
        };
        for t in &types {
            if let Some(t) = t.as_str().filter(|t| !expected.contains(t)) {
                findings.unexpected_types.push(format!(
                    "event.type {t:?} is not one ECS expects with event.category {category} ({})",
                    expected.join(", ")
                ));
            }
        }
    }
    findings
}

fn walk(reference: &Reference, path: &str, value: &Value, findings: &mut Findings) {
    match value {
        Value::Object(fields) if !fields.is_empty() && !reference.is_ecs(path) => {
            for (key, inner) in fields {
                walk(reference, &format!("{path}.{key}"), inner, findings);
            }
        }
        Value::Array(items) if items.iter().any(Value::is_object) && !reference.is_ecs(path) => {
            for item in items {
                walk(reference, path, item, findings);
            }
        }
        Value::Object(fields) if !fields.is_empty() && reference.field_type(path).is_some() => {
            // A listed object (`log.syslog`, `dns.answers`): its keys are checked in turn.
            for (key, inner) in fields {
                walk(reference, &format!("{path}.{key}"), inner, findings);
            }
        }
        Value::Array(items) if reference.field_type(path).is_some() => {
            for item in items.iter().filter(|i| i.is_object()) {
                walk(reference, path, item, findings);
            }
        }
        _ if reference.is_ecs(path) => {}
        _ => findings.not_in_ecs.push(path.to_string()),
    }
}

/// The values of a dotted field of a nested document (an array gives each of its items).
fn values<'a>(document: &'a Value, field: &str) -> Vec<&'a Value> {
    let found = field.split('.').try_fold(document, |v, k| v.get(k));
    match found {
        Some(Value::Array(items)) => items.iter().collect(),
        Some(value) => vec![value],
        None => Vec::new(),
    }
}

#[cfg(test)]
mod tests;
