//! The request bodies of the intake API, endpoint by endpoint, turned into events.

use super::error::ApiError;
use serde::de::{self, Deserializer};
use serde::Deserialize;
use serde_json::value::RawValue;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Endpoint {
    /// `POST /`: `{"intake_key", "json", "@timestamp"?}`
    Single,
    /// `POST /batch`: `{"intake_key", "jsons": [..]}`
    Batch,
    /// `POST /array`: `[{"intake_key", "json", "@timestamp"?}, ..]`
    Array,
    /// `POST /plain`: the body is one event.
    Plain,
    /// `POST /plain/batch`: one event per line.
    PlainBatch,
    /// `POST /jsons`: a JSON array of events, or one inside an object with `?path=$.a.b`.
    Jsons,
}

impl Endpoint {
    pub fn from_path(path: &str) -> Option<Endpoint> {
        Some(match path.strip_suffix('/').unwrap_or(path) {
            "" => Self::Single,
            "/batch" => Self::Batch,
            "/array" => Self::Array,
            "/plain" => Self::Plain,
            "/plain/batch" => Self::PlainBatch,
            "/jsons" => Self::Jsons,
            _ => return None,
        })
    }

    pub fn takes_json(self) -> bool {
        !matches!(self, Self::Plain | Self::PlainBatch)
    }

    /// Whether the answer is `{"event_id"}` rather than `{"event_ids"}`.
    pub fn answers_one_id(self) -> bool {
        matches!(self, Self::Single | Self::Plain)
    }
}

/// A client-supplied event time, as sent.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum TimeValue {
    Int(i64),
    Float(f64),
    Text(String),
}

/// One event of a request, before its key is resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub key: Option<String>,
    pub raw: String,
    pub time: Option<TimeValue>,
}

/// An event in a JSON body: a string is the event (unescaped); any other JSON value is kept
/// as the exact text the client sent (key order, number spelling), never re-serialised.
#[derive(Debug, Clone, PartialEq)]
struct EventText(String);

impl EventText {
    fn from_raw(raw: &RawValue) -> Result<EventText, String> {
        let text = raw.get();
        match text.as_bytes().first() {
            Some(b'"') => serde_json::from_str(text)
                .map(EventText)
                .map_err(|e| format!("is not a valid JSON string: {e}")),
            _ if text == "null" => Err("is null".into()),
            _ => Ok(EventText(text.to_string())),
        }
    }
}

impl<'de> Deserialize<'de> for EventText {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw: Box<RawValue> = Deserialize::deserialize(d)?;
        EventText::from_raw(&raw).map_err(|reason| de::Error::custom(format!("the event {reason}")))
    }
}

#[derive(Deserialize)]
struct SingleBody {
    intake_key: Option<String>,
    json: Option<EventText>,
    #[serde(rename = "@timestamp")]
    timestamp: Option<TimeValue>,
}

#[derive(Deserialize)]
struct BatchBody {
    intake_key: Option<String>,
    jsons: Option<Vec<EventText>>,
    #[serde(rename = "@timestamp")]
    timestamp: Option<TimeValue>,
}

/// Parses `body` for `endpoint`; `path` is the `/jsons` `?path=` selector.
pub fn parse(endpoint: Endpoint, body: &[u8], path: Option<&str>) -> Result<Vec<Item>, ApiError> {
    match endpoint {
        Endpoint::Single => {
            let b: SingleBody = from_json(body)?;
            let raw = b.json.ok_or_else(|| bad("missing field `json` (the event)"))?.0;
            Ok(vec![Item {
                key: b.intake_key,
                raw,
                time: b.timestamp,
            }])
        }
        Endpoint::Batch => {
            let b: BatchBody = from_json(body)?;
            let jsons = b
                .jsons
                .ok_or_else(|| bad("missing field `jsons` (the list of events)"))?;
            Ok(jsons
                .into_iter()
                .map(|e| Item {
                    key: b.intake_key.clone(),
                    raw: e.0,
                    time: b.timestamp.clone(),
                })
                .collect())
        }
        Endpoint::Array => {
            let items: Vec<SingleBody> = from_json(body)?;
            items
                .into_iter()
                .enumerate()
                .map(|(i, b)| {
                    let raw = b
                        .json
                        .ok_or_else(|| bad(&format!("item {i}: missing field `json` (the event)")))?
                        .0;
                    Ok(Item {
                        key: b.intake_key,
                        raw,
                        time: b.timestamp,
                    })
                })
                .collect()
        }
        Endpoint::Plain => {
            let text = utf8(body)?;
            let text = text
                .strip_suffix('\n')
                .map(|t| t.strip_suffix('\r').unwrap_or(t))
                .unwrap_or(text);
            if text.is_empty() {
                return Err(bad("empty event: the body is the event"));
            }
            Ok(vec![plain(text)])
        }
        Endpoint::PlainBatch => Ok(utf8(body)?
            .split('\n')
            .map(|l| l.strip_suffix('\r').unwrap_or(l))
            .filter(|l| !l.is_empty())
            .map(plain)
            .collect()),
        Endpoint::Jsons => {
            let text = utf8(body)?;
            let root: &RawValue = from_json(text.as_bytes())?;
            let selected = match path {
                Some(p) => select(root, p)?,
                None => root,
            };
            let events: Vec<&RawValue> = serde_json::from_str(selected.get()).map_err(|_| {
                bad(match path {
                    Some(_) => "the ?path= selection is not a JSON array",
                    None => "expected a JSON array of events (use ?path=$.field to select an array inside an object)",
                })
            })?;
            events
                .into_iter()
                .enumerate()
                .map(|(i, e)| {
                    EventText::from_raw(e)
                        .map(|t| plain(&t.0))
                        .map_err(|reason| bad(&format!("event {i} {reason}")))
                })
                .collect()
        }
    }
}

fn plain(raw: &str) -> Item {
    Item {
        key: None,
        raw: raw.to_string(),
        time: None,
    }
}

fn bad(reason: &str) -> ApiError {
    ApiError::BadRequest(reason.to_string())
}

fn utf8(body: &[u8]) -> Result<&str, ApiError> {
    std::str::from_utf8(body).map_err(|e| {
        bad(&format!(
            "the body is not valid UTF-8 (first bad byte at offset {})",
            e.valid_up_to()
        ))
    })
}

fn from_json<'a, T: Deserialize<'a>>(body: &'a [u8]) -> Result<T, ApiError> {
    serde_json::from_slice(body).map_err(|e| bad(&format!("malformed JSON body: {e}")))
}

/// Follows a `$.a.b` / `$.a[0].b` / `$['a']` path over the raw JSON, so the selected events
/// keep their exact text.
fn select<'v>(root: &'v RawValue, path: &str) -> Result<&'v RawValue, ApiError> {
    let rest = path
        .trim()
        .strip_prefix('$')
        .ok_or_else(|| bad(&format!("path {path:?} must start with `$`")))?;
    let mut node = root;
    let mut chars = rest;
    let nothing = || bad(&format!("path {path:?} selects nothing in the body"));
    while !chars.is_empty() {
        let (step, tail) = if let Some(t) = chars.strip_prefix('.') {
            let end = t.find(['.', '[']).unwrap_or(t.len());
            (Step::Key(&t[..end]), &t[end..])
        } else if let Some(t) = chars.strip_prefix('[') {
            let end = t.find(']').ok_or_else(|| bad(&format!("path {path:?}: missing `]`")))?;
            let inner = t[..end].trim();
            let step = match inner.strip_prefix('\'').and_then(|s| s.strip_suffix('\'')) {
                Some(k) => Step::Key(k),
                None => match inner.strip_prefix('"').and_then(|s| s.strip_suffix('"')) {
                    Some(k) => Step::Key(k),
                    None => Step::Index(
                        inner
                            .parse()
                            .map_err(|_| bad(&format!("path {path:?}: bad index {inner:?}")))?,
                    ),
                },
            };
            (step, &t[end + 1..])
        } else {
            return Err(bad(&format!("path {path:?}: expected `.` or `[` at {chars:?}")));
        };
        node = match step {
            Step::Key(k) => serde_json::from_str::<std::collections::HashMap<String, &RawValue>>(node.get())
                .ok()
                .and_then(|m| m.get(k).copied()),
            Step::Index(i) => serde_json::from_str::<Vec<&RawValue>>(node.get())
                .ok()
                .and_then(|v| v.get(i).copied()),
        }
        .ok_or_else(nothing)?;
        chars = tail;
    }
    Ok(node)
}

enum Step<'a> {
    Key(&'a str),
    Index(usize),
}

#[cfg(test)]
mod tests;
