//! The `/jsons?path=$.a.b[0]` selector: parsed once, then followed in a single pass over the
//! body, so its cost is linear in the body whatever the path (walking it step by step and
//! re-parsing the selected subtree at each step is quadratic on deeply nested bodies).

use serde::de::{self, Deserialize, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;
use std::borrow::Cow;
use std::fmt;

/// Steps a path may have. Real selectors have a handful (`$.data.items`); the bound keeps the
/// walk's recursion far below serde_json's nesting limit.
pub const MAX_PATH_STEPS: usize = 32;
/// Longest path text accepted, in bytes.
pub const MAX_PATH_BYTES: usize = 1024;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    Key(String),
    Index(usize),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PathError {
    #[error("path {0:?} must start with `$`")]
    NoRoot(String),
    #[error("path {path:?}: missing `]`")]
    Unclosed { path: String },
    #[error("path {path:?}: bad index {index:?}")]
    BadIndex { path: String, index: String },
    #[error("path {path:?}: expected `.` or `[` at {rest:?}")]
    Unexpected { path: String, rest: String },
    #[error("path of {steps} steps, over the limit of {MAX_PATH_STEPS}")]
    TooManySteps { steps: usize },
    #[error("path of {bytes} bytes, over the limit of {MAX_PATH_BYTES}")]
    TooLong { bytes: usize },
}

/// Parses `$.a.b`, `$.a[0].b`, `$['a']["b"]`.
pub fn parse(path: &str) -> Result<Vec<Step>, PathError> {
    if path.len() > MAX_PATH_BYTES {
        return Err(PathError::TooLong { bytes: path.len() });
    }
    let owned = || path.to_string();
    let mut rest = path
        .trim()
        .strip_prefix('$')
        .ok_or_else(|| PathError::NoRoot(owned()))?;
    let mut steps = Vec::new();
    while !rest.is_empty() {
        if steps.len() == MAX_PATH_STEPS {
            // Count the rest only roughly: the exact number does not matter, the refusal does.
            let more = rest.matches(['.', '[']).count();
            return Err(PathError::TooManySteps {
                steps: MAX_PATH_STEPS + more,
            });
        }
        let (step, tail) = if let Some(t) = rest.strip_prefix('.') {
            let end = t.find(['.', '[']).unwrap_or(t.len());
            (Step::Key(t[..end].to_string()), &t[end..])
        } else if let Some(t) = rest.strip_prefix('[') {
            let end = t.find(']').ok_or_else(|| PathError::Unclosed { path: owned() })?;
            let inner = t[..end].trim();
            let quoted = inner
                .strip_prefix('\'')
                .and_then(|s| s.strip_suffix('\''))
                .or_else(|| inner.strip_prefix('"').and_then(|s| s.strip_suffix('"')));
            let step = match quoted {
                Some(k) => Step::Key(k.to_string()),
                None => Step::Index(inner.parse().map_err(|_| PathError::BadIndex {
                    path: owned(),
                    index: inner.to_string(),
                })?),
            };
            (step, &t[end + 1..])
        } else {
            return Err(PathError::Unexpected {
                path: owned(),
                rest: rest.chars().take(40).collect(),
            });
        };
        steps.push(step);
        rest = tail;
    }
    Ok(steps)
}

/// Follows `steps` from the root of `body` in one pass; `Ok(None)` when the path selects
/// nothing (a missing key or index, or a step into a scalar). The whole body is still checked
/// to be one well-formed JSON value.
pub fn select<'a>(body: &'a [u8], steps: &[Step]) -> Result<Option<&'a RawValue>, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_slice(body);
    let selected = Walk(steps).deserialize(&mut de)?;
    de.end()?;
    Ok(selected)
}

/// Deserializes the value at the remaining steps, skipping everything else unparsed.
struct Walk<'s>(&'s [Step]);

impl<'de> DeserializeSeed<'de> for Walk<'_> {
    type Value = Option<&'de RawValue>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        match self.0.split_first() {
            None => <&RawValue>::deserialize(d).map(Some),
            Some((step, rest)) => d.deserialize_any(StepVisitor { step, rest }),
        }
    }
}

struct StepVisitor<'s> {
    step: &'s Step,
    rest: &'s [Step],
}

impl<'de> Visitor<'de> for StepVisitor<'_> {
    type Value = Option<&'de RawValue>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut found = None;
        while let Some(key) = map.next_key::<Cow<'de, str>>()? {
            match self.step {
                // The first occurrence of a duplicated key wins.
                Step::Key(wanted) if found.is_none() && *key == **wanted => {
                    found = map.next_value_seed(Walk(self.rest))?;
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(found)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut found = None;
        let mut index = 0usize;
        loop {
            let element = match self.step {
                Step::Index(wanted) if index == *wanted => seq.next_element_seed(Walk(self.rest))?.map(|v| found = v),
                _ => seq.next_element::<IgnoredAny>()?.map(|_| ()),
            };
            if element.is_none() {
                break;
            }
            index += 1;
        }
        Ok(found)
    }

    // A step into a scalar selects nothing.
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn get<'a>(body: &'a str, path: &str) -> Option<&'a str> {
        let steps = parse(path).expect("valid path");
        select(body.as_bytes(), &steps).expect("valid JSON").map(RawValue::get)
    }

    #[test]
    fn paths_parse() {
        assert_eq!(
            parse("$.a[2]['b c'][\"d\"]").expect("ok"),
            vec![
                Step::Key("a".into()),
                Step::Index(2),
                Step::Key("b c".into()),
                Step::Key("d".into())
            ]
        );
        assert_eq!(parse("$").expect("ok"), Vec::<Step>::new());
        assert!(matches!(parse("a.b"), Err(PathError::NoRoot(_))));
        assert!(matches!(parse("$[1"), Err(PathError::Unclosed { .. })));
        assert!(matches!(parse("$[x]"), Err(PathError::BadIndex { .. })));
        assert!(matches!(parse("$x"), Err(PathError::Unexpected { .. })));
        let deep = format!("${}", ".a".repeat(MAX_PATH_STEPS + 1));
        assert!(matches!(parse(&deep), Err(PathError::TooManySteps { .. })));
        let long = format!("$.{}", "a".repeat(MAX_PATH_BYTES));
        assert!(matches!(parse(&long), Err(PathError::TooLong { .. })));
    }

    #[test]
    fn walk_selects_exact_text() {
        let body = r#"{"x":[1,{"y": [ "a" , {"z":1} ]}],"y":2}"#;
        assert_eq!(get(body, "$.x[1].y"), Some(r#"[ "a" , {"z":1} ]"#));
        assert_eq!(get(body, "$.y"), Some("2"));
        assert_eq!(get(body, "$"), Some(body));
        assert_eq!(get(body, "$.x[5]"), None);
        assert_eq!(get(body, "$.y.z"), None);
        assert_eq!(get(body, "$.nope"), None);
        // Escaped keys are compared unescaped; the first of duplicated keys wins.
        assert_eq!(get(r#"{"a\u0062":1,"ab":2}"#, "$.ab"), Some("1"));
    }

    #[test]
    fn the_whole_body_must_be_valid() {
        let steps = parse("$.a").expect("ok");
        assert!(select(br#"{"a":1,"b":[}"#, &steps).is_err());
        assert!(select(br#"{"a":1} x"#, &steps).is_err());
    }

    #[test]
    fn deep_nesting_is_walked_in_one_pass() {
        // 20,000 levels: the walk stops after MAX_PATH_STEPS and skips the rest iteratively.
        let depth = 20_000;
        let body = format!("{}1{}", r#"{"a":"#.repeat(depth), "}".repeat(depth));
        let path = format!("${}", ".a".repeat(MAX_PATH_STEPS));
        let steps = parse(&path).expect("ok");
        let selected = select(body.as_bytes(), &steps).expect("valid").expect("found");
        assert!(selected.get().starts_with(r#"{"a":"#));
    }
}
