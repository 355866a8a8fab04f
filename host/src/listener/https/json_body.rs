//! The JSON request bodies, read with the request's limits applied while parsing: a body with
//! too many events or one too large an event is refused at the first event over the limit,
//! before the rest is turned into anything. Events are borrowed from the body when they need no
//! unescaping, and the key and time of `/batch` are read once for the whole request.

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;
use std::borrow::Cow;
use std::cell::Cell;
use std::fmt;

/// The longest source ID taken (`source_id`, `source_ids`): a UUID is 36 bytes, and the IDs of
/// the APIs a poller reads are shorter than this.
pub const MAX_SOURCE_ID_BYTES: usize = 128;

/// The longest time string taken per event in `@timestamps` (the longest form the time parser
/// reads is about 40 bytes): bounds what an unauthenticated body holds beside its events.
pub const MAX_TIME_BYTES: usize = 64;

/// What a request may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BodyLimits {
    pub max_events: usize,
    pub max_event_bytes: usize,
}

/// A client-supplied event time, as sent.
#[derive(Debug, Clone, PartialEq)]
pub enum TimeValue {
    Int(i64),
    Float(f64),
    Text(String),
}

/// By hand rather than `#[serde(untagged)]`, which buffers each value and formats an error
/// message for every variant it tries (a cost per event in `@timestamps`).
impl<'de> Deserialize<'de> for TimeValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<TimeValue, D::Error> {
        struct TimeVisitor;
        impl Visitor<'_> for TimeVisitor {
            type Value = TimeValue;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a time: a string or a number")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<TimeValue, E> {
                Ok(TimeValue::Int(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<TimeValue, E> {
                Ok(i64::try_from(v).map_or(TimeValue::Float(v as f64), TimeValue::Int))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<TimeValue, E> {
                Ok(TimeValue::Float(v))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<TimeValue, E> {
                Ok(TimeValue::Text(v.to_string()))
            }
        }
        d.deserialize_any(TimeVisitor)
    }
}

/// Why a body was refused while parsing, other than malformed JSON.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// More events than `max_events`; parsing stopped at the first one over.
    TooManyEvents,
    /// Event number `index` (0-based) is `bytes` long.
    EventTooLarge { index: usize, bytes: usize },
    /// Well-formed JSON that is not an event (`null`, a bad string).
    Invalid(String),
}

/// Shared by the visitors of one parse: the first refusal, so the caller can tell a limit or
/// a bad event from malformed JSON (serde errors carry only a message).
#[derive(Default)]
pub struct Tracker {
    refusal: Cell<Option<Refusal>>,
    events: Cell<usize>,
}

impl Tracker {
    pub fn refusal(&self) -> Option<Refusal> {
        self.refusal.take()
    }

    fn fail<E: de::Error>(&self, refusal: Refusal) -> E {
        self.refusal.set(Some(refusal));
        E::custom("request refused")
    }

    /// Counts one more event of `bytes`, failing past either limit.
    fn admit<E: de::Error>(&self, limits: &BodyLimits, bytes: usize) -> Result<(), E> {
        let index = self.events.get();
        if index >= limits.max_events {
            return Err(self.fail(Refusal::TooManyEvents));
        }
        if bytes > limits.max_event_bytes {
            return Err(self.fail(Refusal::EventTooLarge { index, bytes }));
        }
        self.events.set(index + 1);
        Ok(())
    }
}

/// An event in a JSON body: a string is the event (unescaped); any other JSON value is kept as
/// the exact text the client sent (key order, number spelling), never re-serialised.
pub fn event_text(raw: &RawValue) -> Result<Cow<'_, str>, String> {
    let text = raw.get();
    match text.as_bytes().first() {
        Some(b'"') => match text.get(1..text.len() - 1) {
            // No escapes: the content between the quotes is the event.
            Some(inner) if !inner.contains('\\') => Ok(Cow::Borrowed(inner)),
            _ => serde_json::from_str::<String>(text)
                .map(Cow::Owned)
                .map_err(|e| format!("is not a valid JSON string: {e}")),
        },
        _ if text == "null" => Err("is null".into()),
        _ => Ok(Cow::Borrowed(text)),
    }
}

/// One event with, for `/` and `/array` items, its own key and time.
#[derive(Debug, Clone, PartialEq)]
pub struct Single<'a> {
    pub key: Option<Cow<'a, str>>,
    pub raw: Option<Cow<'a, str>>,
    pub time: Option<TimeValue>,
    pub source_id: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
struct RawSingle<'a> {
    #[serde(borrow)]
    intake_key: Option<Cow<'a, str>>,
    #[serde(borrow)]
    json: Option<&'a RawValue>,
    #[serde(rename = "@timestamp")]
    timestamp: Option<TimeValue>,
    #[serde(borrow)]
    source_id: Option<Cow<'a, str>>,
}

impl<'a> RawSingle<'a> {
    fn into_single(self) -> Result<Single<'a>, String> {
        let raw = match self.json {
            Some(raw) => Some(event_text(raw).map_err(|reason| format!("the event {reason}"))?),
            None => None,
        };
        if let Some(id) = &self.source_id {
            check_source_id(id).map_err(|reason| format!("`source_id` {reason}"))?;
        }
        Ok(Single {
            key: self.intake_key,
            raw,
            time: self.timestamp,
            source_id: self.source_id,
        })
    }
}

/// `POST /`: one object.
pub fn single(body: &[u8]) -> Result<Single<'_>, serde_json::Error> {
    let raw: RawSingle = serde_json::from_slice(body)?;
    raw.into_single().map_err(de::Error::custom)
}

/// A source ID is 1 to [`MAX_SOURCE_ID_BYTES`] bytes.
fn check_source_id(id: &str) -> Result<(), String> {
    if id.is_empty() || id.len() > MAX_SOURCE_ID_BYTES {
        return Err(format!(
            "is {} bytes long: a source ID has 1 to {MAX_SOURCE_ID_BYTES}",
            id.len()
        ));
    }
    Ok(())
}

/// `POST /batch`: key and time once, events in `jsons`; optionally each event's own source ID
/// (`source_ids`) and time (`@timestamps`), in the order of `jsons`.
#[derive(Debug, Clone, PartialEq)]
pub struct Batch<'a> {
    pub key: Option<Cow<'a, str>>,
    pub time: Option<TimeValue>,
    pub events: Option<Vec<Cow<'a, str>>>,
    pub source_ids: Option<Vec<Cow<'a, str>>>,
    pub times: Option<Vec<TimeValue>>,
}

pub fn batch<'a>(body: &'a [u8], limits: &BodyLimits, tracker: &Tracker) -> Result<Batch<'a>, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_slice(body);
    let batch = de.deserialize_map(BatchVisitor { limits, tracker })?;
    de.end()?;
    Ok(batch)
}

struct BatchVisitor<'l> {
    limits: &'l BodyLimits,
    tracker: &'l Tracker,
}

impl<'de> Visitor<'de> for BatchVisitor<'_> {
    type Value = Batch<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object with `jsons`")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Batch<'de>, A::Error> {
        let mut batch = Batch {
            key: None,
            time: None,
            events: None,
            source_ids: None,
            times: None,
        };
        while let Some(field) = map.next_key::<Cow<'de, str>>()? {
            match &*field {
                "intake_key" if batch.key.is_none() => batch.key = map.next_value()?,
                "@timestamp" if batch.time.is_none() => batch.time = map.next_value()?,
                "jsons" if batch.events.is_none() => {
                    batch.events = Some(map.next_value_seed(Events {
                        limits: self.limits,
                        tracker: self.tracker,
                    })?)
                }
                "source_ids" if batch.source_ids.is_none() => {
                    batch.source_ids = Some(map.next_value_seed(Bounded::<Cow<'de, str>> {
                        limits: self.limits,
                        tracker: self.tracker,
                        field: "source_ids",
                        check: |id| check_source_id(id),
                    })?)
                }
                "@timestamps" if batch.times.is_none() => {
                    batch.times = Some(map.next_value_seed(Bounded::<TimeValue> {
                        limits: self.limits,
                        tracker: self.tracker,
                        field: "@timestamps",
                        check: |t| match t {
                            TimeValue::Text(text) if text.len() > MAX_TIME_BYTES => Err(format!(
                                "is {} bytes long: a time has at most {MAX_TIME_BYTES}",
                                text.len()
                            )),
                            _ => Ok(()),
                        },
                    })?)
                }
                "intake_key" | "@timestamp" | "jsons" | "source_ids" | "@timestamps" => {
                    return Err(de::Error::custom(format!("duplicate field `{field}`")));
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(batch)
    }
}

/// A JSON array beside `jsons` with one value per event: no longer than the events may be many,
/// each value checked as it is read.
struct Bounded<'l, T> {
    limits: &'l BodyLimits,
    tracker: &'l Tracker,
    field: &'static str,
    check: fn(&T) -> Result<(), String>,
}

impl<'de, T: Deserialize<'de>> DeserializeSeed<'de> for Bounded<'_, T> {
    type Value = Vec<T>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de, T: Deserialize<'de>> Visitor<'de> for Bounded<'_, T> {
    type Value = Vec<T>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "`{}`: an array with one value per event", self.field)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut values = Vec::new();
        while let Some(value) = seq.next_element::<T>()? {
            if values.len() == self.limits.max_events {
                return Err(self.tracker.fail(Refusal::TooManyEvents));
            }
            (self.check)(&value).map_err(|reason| {
                let index = values.len();
                self.tracker
                    .fail(Refusal::Invalid(format!("`{}` value {index} {reason}", self.field)))
            })?;
            values.push(value);
        }
        Ok(values)
    }
}

/// A JSON array of events, counted and sized as it is read.
pub struct Events<'l> {
    pub limits: &'l BodyLimits,
    pub tracker: &'l Tracker,
}

impl<'de> DeserializeSeed<'de> for Events<'_> {
    type Value = Vec<Cow<'de, str>>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for Events<'_> {
    type Value = Vec<Cow<'de, str>>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON array of events")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut events = Vec::new();
        while let Some(raw) = seq.next_element::<&'de RawValue>()? {
            let index = events.len();
            let text = event_text(raw)
                .map_err(|reason| self.tracker.fail(Refusal::Invalid(format!("event {index} {reason}"))))?;
            self.tracker.admit(self.limits, text.len())?;
            events.push(text);
        }
        Ok(events)
    }
}

/// `POST /array`: objects like `POST /`'s, each with its own key and time.
pub fn array<'a>(body: &'a [u8], limits: &BodyLimits, tracker: &Tracker) -> Result<Vec<Single<'a>>, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_slice(body);
    let items = de.deserialize_seq(ArrayVisitor { limits, tracker })?;
    de.end()?;
    Ok(items)
}

struct ArrayVisitor<'l> {
    limits: &'l BodyLimits,
    tracker: &'l Tracker,
}

impl<'de> Visitor<'de> for ArrayVisitor<'_> {
    type Value = Vec<Single<'de>>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON array of objects")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut items = Vec::new();
        while let Some(raw) = seq.next_element::<RawSingle<'de>>()? {
            let index = items.len();
            let item = raw
                .into_single()
                .map_err(|reason| self.tracker.fail(Refusal::Invalid(format!("item {index}: {reason}"))))?;
            let bytes = item.raw.as_ref().map_or(0, |r| r.len());
            self.tracker.admit(self.limits, bytes)?;
            items.push(item);
        }
        Ok(items)
    }
}
