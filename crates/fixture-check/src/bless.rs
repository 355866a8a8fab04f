//! The native runner's loop over a directory of fixture files, and `EDGE_FIXTURES_BLESS`: each
//! case's `expected` rewritten to what the format produced (review the diff!).

use crate::{cases_of, diff, report, Input, ANY};
use serde_json::{Map, Value};

const TIMESTAMP: &str = "@timestamp";

/// Runs every case of every `*.json` of `dir` (sorted) through `run` (the produced value, as
/// [`crate::outcome_value`] gives it) and returns the number of cases, or one message per
/// failing case or unreadable file. A case also fails on an ECS categorization value ECS does
/// not allow; field names outside ECS and `namespace` (the format's name) are warnings, printed
/// on stderr once per field. With `EDGE_FIXTURES_BLESS` set in the environment, each `expected`
/// is rewritten instead ([`bless_expected`]).
pub fn check_dir(dir: &str, namespace: &str, mut run: impl FnMut(&Input) -> Value) -> Result<usize, Vec<String>> {
    let mut warnings = std::collections::BTreeMap::new();
    let mut failures = Vec::new();
    let mut paths: Vec<_> = match std::fs::read_dir(dir) {
        Ok(entries) => entries.filter_map(|e| e.ok().map(|e| e.path())).collect(),
        Err(e) => return Err(vec![format!("{dir}: {e}")]),
    };
    paths.retain(|p| p.extension().is_some_and(|x| x == "json"));
    paths.sort();
    let bless = std::env::var_os("EDGE_FIXTURES_BLESS").is_some();
    let mut count = 0;
    for path in &paths {
        let file = path.display().to_string();
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) => {
                failures.push(format!("{file}: cannot read: {e}"));
                continue;
            }
        };
        let mut document: Value = match serde_json::from_str(&text) {
            Ok(document) => document,
            Err(e) => {
                failures.push(format!("{file}: invalid fixture: not valid JSON: {e}"));
                continue;
            }
        };
        let cases = match cases_of(document.clone(), &file) {
            Ok(cases) => cases,
            Err(e) => {
                failures.push(e.to_string());
                continue;
            }
        };
        count += cases.len();
        let mut blessed = Vec::with_capacity(cases.len());
        for case in cases {
            let actual = run(&case.input);
            let differences = diff(&case.expected, &actual);
            let findings = crate::ecs_findings(&actual, namespace);
            for warning in findings.warnings() {
                warnings.entry(warning).or_insert_with(|| case.label.clone());
            }
            if bless {
                blessed.push(bless_expected(&case.expected, actual, &differences));
            } else if !differences.is_empty() || !findings.errors.is_empty() {
                let mut text = report(&case.label, &differences, &actual);
                for error in &findings.errors {
                    text.push_str(&format!("\n  {error}"));
                }
                failures.push(text);
            }
        }
        if bless {
            match &mut document {
                Value::Array(items) => {
                    for (item, expected) in items.iter_mut().zip(blessed) {
                        item["expected"] = expected;
                    }
                }
                single => single["expected"] = blessed.into_iter().next().unwrap_or_default(),
            }
            if let Err(e) = std::fs::write(path, fixture_text(&document)) {
                failures.push(format!("{file}: {e}"));
            }
        }
    }
    for (warning, first) in &warnings {
        eprintln!("warning: {warning} (first in {first})");
    }
    if failures.is_empty() {
        Ok(count)
    } else {
        Err(failures)
    }
}

/// The `expected` that `EDGE_FIXTURES_BLESS` writes: what was produced, written with flat
/// dotted names as fixtures are, with `@timestamp` kept as expected when it matched and `"*"`
/// otherwise.
pub fn bless_expected(expected: &Value, actual: Value, differences: &[crate::Difference]) -> Value {
    let mut flat = Map::new();
    match actual {
        Value::Object(fields) => flatten("", fields, &mut flat),
        other => return other,
    }
    let timestamp_matched = !differences.iter().any(|d| d.path() == TIMESTAMP);
    if let Some(ts) = flat.get_mut(TIMESTAMP) {
        *ts = match expected.get(TIMESTAMP) {
            Some(kept) if timestamp_matched => kept.clone(),
            _ => Value::from(ANY),
        };
    }
    Value::Object(flat)
}

/// Nested objects as dotted names (`{"a": {"b": 1}}` as `{"a.b": 1}`); empty ones kept.
fn flatten(prefix: &str, fields: Map<String, Value>, out: &mut Map<String, Value>) {
    for (key, value) in fields {
        let name = if prefix.is_empty() {
            key
        } else {
            format!("{prefix}.{key}")
        };
        match value {
            Value::Object(inner) if !inner.is_empty() => flatten(&name, inner, out),
            other => {
                out.insert(name, other);
            }
        }
    }
}

/// A fixture file's text: cases keep their keys in the order `name`, `input`, `expected`.
pub fn fixture_text(document: &Value) -> String {
    fn case_text(case: &Value, indent: &str) -> String {
        let Value::Object(case) = case else {
            return serde_json::to_string_pretty(case).unwrap_or_default();
        };
        let mut keys: Vec<&String> = case.keys().collect();
        let rank = |k: &str| ["name", "input", "expected"].iter().position(|x| *x == k).unwrap_or(3);
        keys.sort_by_key(|k| rank(k));
        let fields: Vec<String> = keys
            .into_iter()
            .map(|k| {
                let value = serde_json::to_string_pretty(&case[k]).unwrap_or_default();
                let value = value.replace('\n', &format!("\n{indent}  "));
                format!("{indent}  {}: {value}", Value::String(k.clone()))
            })
            .collect();
        format!("{{\n{}\n{indent}}}", fields.join(",\n"))
    }
    match document {
        Value::Array(items) => {
            let items: Vec<String> = items.iter().map(|c| format!("  {}", case_text(c, "  "))).collect();
            format!("[\n{}\n]\n", items.join(",\n"))
        }
        case => case_text(case, "") + "\n",
    }
}
