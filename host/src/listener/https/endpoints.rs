//! The request bodies of the intake API, endpoint by endpoint, turned into events.
//!
//! Parsing is linear in the body whatever its shape, stops at the first event over a limit, and
//! borrows events from the body: before its key is checked, a request costs about its own size.

use super::error::ApiError;
pub use super::json_body::BodyLimits;
pub use super::json_body::TimeValue;
use super::json_body::{self, Refusal, Tracker};
use super::json_path;
use std::borrow::Cow;

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

    /// Whether the body may carry the intake key (so a request without one elsewhere must be
    /// read before it can be refused).
    pub fn key_in_body(self) -> bool {
        matches!(self, Self::Single | Self::Batch | Self::Array)
    }
}

/// One event of a request, before its key is resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct Item<'a> {
    pub raw: Cow<'a, str>,
    /// `/array` only: each item's own key and time.
    pub key: Option<Cow<'a, str>>,
    pub time: Option<TimeValue>,
    /// The sender's own ID of the event (`source_id`, `source_ids`).
    pub source_id: Option<Cow<'a, str>>,
}

/// A parsed body: the events and what the body says once for all of them.
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed<'a> {
    /// The body's `intake_key` (`/`, `/batch`).
    pub key: Option<Cow<'a, str>>,
    /// The body's `@timestamp` (`/`, `/batch`).
    pub time: Option<TimeValue>,
    pub items: Vec<Item<'a>>,
}

impl<'a> Parsed<'a> {
    fn events(items: impl IntoIterator<Item = Cow<'a, str>>) -> Parsed<'a> {
        Parsed {
            key: None,
            time: None,
            items: items.into_iter().map(Item::event).collect(),
        }
    }
}

impl<'a> Item<'a> {
    fn event(raw: Cow<'a, str>) -> Item<'a> {
        Item {
            raw,
            key: None,
            time: None,
            source_id: None,
        }
    }
}

/// Parses `body` for `endpoint`; `path` is the `/jsons` `?path=` selector.
pub fn parse<'a>(
    endpoint: Endpoint,
    body: &'a [u8],
    path: Option<&str>,
    limits: &BodyLimits,
) -> Result<Parsed<'a>, ApiError> {
    let tracker = Tracker::default();
    let json_error = |e: serde_json::Error| match tracker.refusal() {
        Some(refusal) => refused(refusal, limits, endpoint.answers_one_id()),
        None => bad(&format!("malformed JSON body: {e}")),
    };
    let parsed = match endpoint {
        Endpoint::Single => {
            let single = json_body::single(body).map_err(json_error)?;
            let raw = single.raw.ok_or_else(|| bad("missing field `json` (the event)"))?;
            if raw.len() > limits.max_event_bytes {
                let refusal = Refusal::EventTooLarge {
                    index: 0,
                    bytes: raw.len(),
                };
                return Err(refused(refusal, limits, true));
            }
            Parsed {
                key: single.key,
                time: single.time,
                items: vec![Item {
                    source_id: single.source_id,
                    ..Item::event(raw)
                }],
            }
        }
        Endpoint::Batch => {
            let batch = json_body::batch(body, limits, &tracker).map_err(json_error)?;
            let events = batch
                .events
                .ok_or_else(|| bad("missing field `jsons` (the list of events)"))?;
            let n = events.len();
            let mut parsed = Parsed {
                key: batch.key,
                time: batch.time,
                ..Parsed::events(events)
            };
            if let Some(ids) = batch.source_ids {
                parallel("source_ids", ids.len(), n)?;
                for (item, id) in parsed.items.iter_mut().zip(ids) {
                    item.source_id = Some(id);
                }
            }
            if let Some(times) = batch.times {
                parallel("@timestamps", times.len(), n)?;
                for (item, time) in parsed.items.iter_mut().zip(times) {
                    item.time = Some(time);
                }
            }
            parsed
        }
        Endpoint::Array => {
            let singles = json_body::array(body, limits, &tracker).map_err(json_error)?;
            let items = singles
                .into_iter()
                .enumerate()
                .map(|(i, s)| match s.raw {
                    Some(raw) => Ok(Item {
                        raw,
                        key: s.key,
                        time: s.time,
                        source_id: s.source_id,
                    }),
                    None => Err(bad(&format!("item {i}: missing field `json` (the event)"))),
                })
                .collect::<Result<_, _>>()?;
            Parsed {
                key: None,
                time: None,
                items,
            }
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
            if text.len() > limits.max_event_bytes {
                let refusal = Refusal::EventTooLarge {
                    index: 0,
                    bytes: text.len(),
                };
                return Err(refused(refusal, limits, true));
            }
            Parsed::events([Cow::Borrowed(text)])
        }
        Endpoint::PlainBatch => Parsed::events(lines(utf8(body)?, limits)?),
        Endpoint::Jsons => {
            let selected = match path {
                None => body,
                Some(p) => {
                    let steps = json_path::parse(p).map_err(|e| bad(&e.to_string()))?;
                    json_path::select(body, &steps)
                        .map_err(json_error)?
                        .ok_or_else(|| bad(&format!("path {p:?} selects nothing in the body")))?
                        .get()
                        .as_bytes()
                }
            };
            if selected.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'[') {
                return Err(bad(match path {
                    Some(_) => "the ?path= selection is not a JSON array of events",
                    None => "expected a JSON array of events (use ?path=$.field to select an array inside an object)",
                }));
            }
            let mut de = serde_json::Deserializer::from_slice(selected);
            let seed = json_body::Events {
                limits,
                tracker: &tracker,
            };
            let events = serde::de::DeserializeSeed::deserialize(seed, &mut de)
                .and_then(|events| de.end().map(|()| events))
                .map_err(|e| match tracker.refusal() {
                    Some(refusal) => refused(refusal, limits, false),
                    None => bad(&format!("malformed JSON body: {e}")),
                })?;
            Parsed::events(events)
        }
    };
    Ok(parsed)
}

/// A `/batch` array given per event must have one value per event.
fn parallel(field: &str, values: usize, events: usize) -> Result<(), ApiError> {
    if values == events {
        return Ok(());
    }
    Err(bad(&format!(
        "`{field}` has {values} values for {events} events: give one per event, in the order of `jsons`"
    )))
}

/// `/plain/batch`: one event per line (`\n` or `\r\n`), empty lines skipped, limits checked line
/// by line.
fn lines<'a>(text: &'a str, limits: &BodyLimits) -> Result<Vec<Cow<'a, str>>, ApiError> {
    let mut events = Vec::new();
    for line in text.split('\n') {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.is_empty() {
            continue;
        }
        let index = events.len();
        if index == limits.max_events {
            return Err(refused(Refusal::TooManyEvents, limits, false));
        }
        if line.len() > limits.max_event_bytes {
            let refusal = Refusal::EventTooLarge {
                index,
                bytes: line.len(),
            };
            return Err(refused(refusal, limits, false));
        }
        events.push(Cow::Borrowed(line));
    }
    Ok(events)
}

fn refused(refusal: Refusal, limits: &BodyLimits, one_event: bool) -> ApiError {
    ApiError::TooLarge(match refusal {
        Refusal::Invalid(reason) => return bad(&reason),
        Refusal::TooManyEvents => format!(
            "more than {max} events in one request, over the limit of {max}",
            max = limits.max_events
        ),
        Refusal::EventTooLarge { index, bytes } => {
            let which = if one_event {
                "the event".to_string()
            } else {
                format!("event {index}")
            };
            format!("{which} is {bytes} bytes, over the limit of {}", limits.max_event_bytes)
        }
    })
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

#[cfg(test)]
mod tests;
