//! Expected against produced, field by field, on nested documents: a path such as
//! `log.syslog.hostname`, `user.name` or `tags[1]` names each difference.

use crate::ANY;
use serde_json::Value;
use std::fmt;

/// One way `actual` differs from `expected`.
#[derive(Debug, Clone, PartialEq)]
pub enum Difference {
    Missing {
        path: String,
        expected: Value,
    },
    Unexpected {
        path: String,
        actual: Value,
    },
    Different {
        path: String,
        expected: Value,
        actual: Value,
    },
}

impl Difference {
    pub fn path(&self) -> &str {
        match self {
            Self::Missing { path, .. } | Self::Unexpected { path, .. } | Self::Different { path, .. } => path,
        }
    }
}

impl fmt::Display for Difference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Missing { path, expected } => write!(f, "missing field {path}: expected {expected}"),
            Self::Unexpected { path, actual } => write!(f, "unexpected field {path}: {actual}"),
            Self::Different { path, expected, actual } => {
                write!(f, "different value at {path}: expected {expected}, got {actual}")
            }
        }
    }
}

/// Every difference between `expected` and `actual`, both nested (see
/// [`crate::outcome_value`]; `expected` of a [`crate::Case`] is). `"*"` in `expected` matches
/// any value; numbers compare by value (`1` equals `1.0`), two different integers never do. A
/// whole object missing on one side is reported leaf by leaf, as the dotted names read.
pub fn diff(expected: &Value, actual: &Value) -> Vec<Difference> {
    let mut out = Vec::new();
    diff_at("", expected, actual, &mut out);
    out
}

fn diff_at(path: &str, expected: &Value, actual: &Value, out: &mut Vec<Difference>) {
    match (expected, actual) {
        (Value::String(any), _) if any == ANY => {}
        (Value::Object(e), Value::Object(a)) => {
            for (key, ev) in e {
                let p = key_path(path, key);
                match a.get(key) {
                    Some(av) => diff_at(&p, ev, av, out),
                    None => leaves(p, ev, out, &|path, expected| Difference::Missing { path, expected }),
                }
            }
            for (key, av) in a {
                if !e.contains_key(key) {
                    leaves(key_path(path, key), av, out, &|path, actual| Difference::Unexpected {
                        path,
                        actual,
                    });
                }
            }
        }
        (Value::Array(e), Value::Array(a)) => {
            for (i, ev) in e.iter().enumerate() {
                let p = format!("{}[{i}]", root(path));
                match a.get(i) {
                    Some(av) => diff_at(&p, ev, av, out),
                    None => out.push(Difference::Missing {
                        path: p,
                        expected: ev.clone(),
                    }),
                }
            }
            for (i, av) in a.iter().enumerate().skip(e.len()) {
                out.push(Difference::Unexpected {
                    path: format!("{}[{i}]", root(path)),
                    actual: av.clone(),
                });
            }
        }
        (Value::Number(e), Value::Number(a)) if e == a || e.as_f64() == a.as_f64() && !both_integers(e, a) => {}
        _ if expected == actual => {}
        _ => out.push(Difference::Different {
            path: root(path).to_string(),
            expected: expected.clone(),
            actual: actual.clone(),
        }),
    }
}

/// `value` at `path` as one difference per leaf (a non-empty object is not a leaf).
fn leaves(path: String, value: &Value, out: &mut Vec<Difference>, make: &dyn Fn(String, Value) -> Difference) {
    match value {
        Value::Object(fields) if !fields.is_empty() => {
            for (key, v) in fields {
                leaves(key_path(&path, key), v, out, make);
            }
        }
        other => out.push(make(path, other.clone())),
    }
}

/// `1` and `1.0` are equal; two different integers are never (even beyond f64 precision).
fn both_integers(a: &serde_json::Number, b: &serde_json::Number) -> bool {
    !a.is_f64() && !b.is_f64()
}

fn root(path: &str) -> &str {
    if path.is_empty() {
        "(the event)"
    } else {
        path
    }
}

/// `a.b` for nested keys, or `a["k e y"]` when the key is not a plain name.
fn key_path(path: &str, key: &str) -> String {
    let plain = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '-' || c == '@');
    match (path.is_empty(), plain) {
        (true, _) => key.to_string(),
        (false, true) => format!("{path}.{key}"),
        (false, false) => format!("{path}[{}]", Value::String(key.to_string())),
    }
}

/// A failing case as the native runner reports it: the label, each difference, what was produced.
pub fn report(label: &str, differences: &[Difference], actual: &Value) -> String {
    let mut text = format!("{label}:");
    for d in differences {
        text.push_str(&format!("\n  {d}"));
    }
    text.push_str(&format!("\n  got {actual}"));
    text
}
