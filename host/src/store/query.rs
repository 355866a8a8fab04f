//! Reading stored events back, for the CLI (and later the admin API).

use super::block::BlockEvent;
use super::schema::STATS_DAYS;
use super::table::{self, ByHigh};
use super::{schema, StoreError};
use rusqlite::{params, Connection};
use serde::Serialize;
use serde_json::value::RawValue;
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::path::Path;
use uuid::Uuid;

/// A stored event as the CLI prints it.
#[derive(Debug, Clone, Serialize)]
pub struct StoredEvent {
    pub id: String,
    pub intake: String,
    pub entity: String,
    pub format: String,
    pub protocol: String,
    pub received_at: String,
    pub event_time: Option<String>,
    pub status: &'static str,
    pub error: Option<String>,
    pub raw: String,
    /// JSON texts as stored (checked, printed as they are: no parse and re-serialization).
    pub metadata: Option<Box<RawValue>>,
    pub normalized: Option<Box<RawValue>>,
}

impl StoredEvent {
    /// The normalized document as a value.
    pub fn normalized_value(&self) -> Option<serde_json::Value> {
        self.normalized
            .as_ref()
            .and_then(|raw| serde_json::from_str(raw.get()).ok())
    }
}

/// A block read in commit order ([`Reader::committed_after`]).
#[derive(Debug, Clone)]
pub struct CommittedBlock {
    pub seq: i64,
    pub intake: String,
    pub entity: String,
    pub events: Vec<CommittedEvent>,
}

/// An event of a [`CommittedBlock`]: what a forwarder routes on, and what it sends.
#[derive(Debug, Clone)]
pub struct CommittedEvent {
    pub id: String,
    pub format: String,
    /// Normalized (not stored in error).
    pub ok: bool,
    /// The event as `events get` prints it ([`Payload::EventsGet`]; else empty).
    pub json: Vec<u8>,
    /// The event as its sender sent it ([`Payload::Raw`]; else empty).
    pub raw: String,
    /// When its sender said it was sent, else when it was received (µs since the epoch).
    pub time_us: i64,
}

/// What a forwarder sends of each event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Payload {
    /// The whole stored event, as `events get` prints it (NATS).
    EventsGet,
    /// The event as received, for an upstream intake to normalize again (HTTPS).
    Raw,
}

/// What waits behind a cursor ([`Reader::backlog`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Backlog {
    pub events: u64,
    pub blocks: u64,
    /// When the oldest of its blocks' first events was given its ID (µs since the epoch).
    pub oldest_us: Option<i64>,
}

/// What to list.
#[derive(Debug, Clone, Default)]
pub struct EventFilter {
    pub intake: Option<String>,
    pub errors_only: bool,
    pub limit: usize,
}

/// A read-only view of the store; safe to use while a server writes.
pub struct Reader {
    conn: Connection,
}

impl Reader {
    pub fn open(path: &Path) -> Result<Reader, StoreError> {
        Ok(Reader {
            conn: schema::open_for_reading(path)?,
        })
    }

    pub fn get(&self, id: Uuid) -> Result<Option<StoredEvent>, StoreError> {
        let (high, low) = id.as_u64_pair();
        for block in table::holding(&self.conn, high as i64).map_err(query_err)? {
            if let Some(event) = block.events.iter().find(|e| e.high == high && e.low == low) {
                return Ok(Some(stored(&block.intake, &block.entity, event)));
            }
        }
        Ok(None)
    }

    /// Newest first: blocks by decreasing first ID; a block further down can still hold IDs
    /// above the ones kept so far only while its first ID is within the widest block span of
    /// them.
    pub fn list(&self, filter: &EventFilter) -> Result<Vec<StoredEvent>, StoreError> {
        if filter.limit == 0 {
            return Ok(Vec::new());
        }
        let span = table::max_span(&self.conn).map_err(query_err)?;
        let mut stmt = self
            .conn
            .prepare_cached(&format!(
                "SELECT {} FROM blocks WHERE (?1 IS NULL OR intake = ?1) AND (?2 = 0 OR errors > 0)
                 ORDER BY first_id DESC",
                table::COLUMNS
            ))
            .map_err(query_err)?;
        let mut rows = stmt
            .query(params![filter.intake, filter.errors_only as i64])
            .map_err(query_err)?;
        // The newest `limit` seen so far, the oldest of them on top.
        let mut kept: BinaryHeap<Reverse<ByHigh<StoredEvent>>> = BinaryHeap::new();
        while let Some(row) = rows.next().map_err(query_err)? {
            let block = table::from_row(row).map_err(query_err)?;
            let lowest = (kept.len() >= filter.limit).then(|| kept.peek().map_or(0, |Reverse(e)| e.0));
            if let Some(lowest) = lowest {
                if (block.first_id as u64).saturating_add(span as u64) < lowest {
                    break;
                }
            }
            for event in &block.events {
                if filter.errors_only && event.outcome.is_ok() {
                    continue;
                }
                if lowest.is_some_and(|lowest| event.high <= lowest) {
                    continue;
                }
                kept.push(Reverse(ByHigh(event.high, stored(&block.intake, &block.entity, event))));
                if kept.len() > filter.limit {
                    kept.pop();
                }
            }
        }
        let mut events: Vec<StoredEvent> = kept.into_iter().map(|Reverse(e)| e.1).collect();
        events.sort_by(|a, b| b.id.cmp(&a.id));
        Ok(events)
    }

    /// Up to `limit` events with an ID above `after` (all events when `None`), in ID order, of
    /// one intake or all: the read a forwarder repeats from its cursor.
    pub fn after(
        &self,
        after: Option<Uuid>,
        intake: Option<&str>,
        limit: usize,
    ) -> Result<Vec<StoredEvent>, StoreError> {
        let after_high = after.map_or(-1, |id| id.as_u64_pair().0 as i64);
        let events = table::after(&self.conn, intake, after_high, limit).map_err(query_err)?;
        Ok(events
            .iter()
            .map(|(origin, event)| stored(&origin.intake, &origin.entity, event))
            .collect())
    }

    /// The blocks committed after `seq`, in commit order, up to about `max_events` events (at
    /// least one block), with their events as the CLI prints them: the read a forwarder repeats
    /// from its cursor. Unlike ID order, commit order never puts a block behind one already read.
    pub fn committed_after(
        &self,
        seq: i64,
        max_events: usize,
        payload: Payload,
    ) -> Result<Vec<CommittedBlock>, StoreError> {
        let blocks = table::after_seq(&self.conn, seq, max_events).map_err(query_err)?;
        Ok(blocks
            .into_iter()
            .map(|b| {
                let (intake, entity) = (b.block.intake, b.block.entity);
                let events = b
                    .block
                    .events
                    .into_iter()
                    .map(|e| CommittedEvent {
                        id: Uuid::from_u64_pair(e.high, e.low).to_string(),
                        ok: e.outcome.is_ok(),
                        json: match payload {
                            Payload::EventsGet => event_json(&intake, &entity, &e),
                            Payload::Raw => Vec::new(),
                        },
                        time_us: e.client_time_us.unwrap_or(e.received_at_us),
                        raw: match payload {
                            Payload::Raw => e.raw,
                            Payload::EventsGet => String::new(),
                        },
                        format: e.format,
                    })
                    .collect();
                CommittedBlock {
                    seq: b.seq,
                    intake,
                    entity,
                    events,
                }
            })
            .collect())
    }

    /// Where forwarder `name` stands.
    pub fn cursor(&self, name: &str) -> Result<super::Cursor, StoreError> {
        super::cursors::load(&self.conn, name)
    }

    /// The last block's place in commit order (0: nothing stored yet).
    pub fn last_seq(&self) -> Result<i64, StoreError> {
        table::last_seq(&self.conn).map_err(query_err)
    }

    /// Events and blocks committed after `seq`, and the reception time (µs) of the oldest of
    /// them: a forwarder's lag.
    pub fn backlog(&self, seq: i64) -> Result<Backlog, StoreError> {
        self.conn
            .query_row(
                "SELECT coalesce(sum(events), 0), count(*), min(first_id) FROM blocks WHERE seq > ?1",
                [seq],
                |r| {
                    Ok(Backlog {
                        events: r.get::<_, i64>(0)? as u64,
                        blocks: r.get::<_, i64>(1)? as u64,
                        oldest_us: r
                            .get::<_, Option<i64>>(2)?
                            .map(|high| super::ids::micros_of_high(high as u64)),
                    })
                },
            )
            .map_err(query_err)
    }

    /// Stored events and, of them, events in error: of one intake or all.
    pub fn count(&self, intake: Option<&str>) -> Result<(u64, u64), StoreError> {
        self.conn
            .query_row(
                "SELECT coalesce(sum(events), 0), coalesce(sum(errors), 0) FROM blocks WHERE ?1 IS NULL OR intake = ?1",
                [intake],
                |r| Ok((r.get::<_, i64>(0)?.max(0) as u64, r.get::<_, i64>(1)?.max(0) as u64)),
            )
            .map_err(query_err)
    }

    /// Events and errors per day and rejection reasons of `intake` over the last
    /// [`STATS_DAYS`] days up to `today` (days since the Unix epoch, UTC); every day is present.
    pub fn stats(&self, intake: &str, today: i64) -> Result<IntakeStats, StoreError> {
        let first = today - (STATS_DAYS - 1);
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT day, events, errors FROM intake_daily WHERE intake = ?1 AND day >= ?2 AND day <= ?3",
            )
            .map_err(query_err)?;
        let stored = stmt
            .query_map(params![intake, first, today], |r| {
                Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?, r.get::<_, i64>(2)?))
            })
            .map_err(query_err)?
            .collect::<Result<Vec<_>, _>>()
            .map_err(query_err)?;
        let days: Vec<DayCount> = (first..=today)
            .map(|day| {
                let (events, errors) = stored
                    .iter()
                    .find(|(d, _, _)| *d == day)
                    .map_or((0, 0), |(_, e, r)| (*e.max(&0) as u64, *r.max(&0) as u64));
                DayCount {
                    day: day_date(day),
                    events,
                    errors,
                }
            })
            .collect();
        let reasons = self
            .reasons(Some(intake), today)?
            .into_iter()
            .map(|(_, reason)| reason)
            .collect();
        Ok(IntakeStats {
            events: days.iter().map(|d| d.events).sum(),
            errors: days.iter().map(|d| d.errors).sum(),
            days,
            reasons,
        })
    }

    /// Rejection reasons over the last [`STATS_DAYS`] days up to `today`, of one intake or all:
    /// `(intake, reason)`, most frequent first.
    pub fn reasons(&self, intake: Option<&str>, today: i64) -> Result<Vec<(String, ReasonCount)>, StoreError> {
        let first = today - (STATS_DAYS - 1);
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT intake, reason, SUM(count), MAX(day) FROM intake_reasons
                 WHERE (?1 IS NULL OR intake = ?1) AND day >= ?2 AND day <= ?3
                 GROUP BY intake, reason HAVING SUM(count) > 0 ORDER BY 3 DESC, 1, 2",
            )
            .map_err(query_err)?;
        let rows = stmt
            .query_map(params![intake, first, today], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    ReasonCount {
                        reason: r.get(1)?,
                        count: r.get::<_, i64>(2)? as u64,
                        last_day: day_date(r.get(3)?),
                    },
                ))
            })
            .map_err(query_err)?;
        rows.collect::<Result<Vec<_>, _>>().map_err(query_err)
    }
}

/// Counts of one day.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct DayCount {
    /// `YYYY-MM-DD`, UTC.
    pub day: String,
    pub events: u64,
    pub errors: u64,
}

/// A rejection reason (its first 200 characters) and how many events it rejected.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ReasonCount {
    pub reason: String,
    pub count: u64,
    /// The last day (`YYYY-MM-DD`, UTC) it was seen.
    pub last_day: String,
}

/// An intake's counts over the last [`STATS_DAYS`] days, oldest day first.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct IntakeStats {
    pub events: u64,
    pub errors: u64,
    pub days: Vec<DayCount>,
    pub reasons: Vec<ReasonCount>,
}

impl IntakeStats {
    /// The counts of a store that does not exist yet: every day at zero.
    pub fn empty(today: i64) -> IntakeStats {
        IntakeStats {
            events: 0,
            errors: 0,
            days: (today - (STATS_DAYS - 1)..=today)
                .map(|day| DayCount {
                    day: day_date(day),
                    events: 0,
                    errors: 0,
                })
                .collect(),
            reasons: Vec::new(),
        }
    }
}

/// Today as the store counts days (UTC, days since the Unix epoch).
pub fn today() -> i64 {
    super::counters::day_of(chrono::Utc::now().timestamp_micros())
}

fn day_date(day: i64) -> String {
    chrono::DateTime::from_timestamp(day * 86_400, 0)
        .map(|t| t.format("%Y-%m-%d").to_string())
        .unwrap_or_else(|| day.to_string())
}

fn query_err(e: rusqlite::Error) -> StoreError {
    StoreError::Query(e.to_string())
}

/// A block's event as the CLI prints it.
fn stored(intake: &str, entity: &str, event: &BlockEvent) -> StoredEvent {
    let (normalized, error) = match &event.outcome {
        Ok(json) => (RawValue::from_string(json.clone()).ok(), None),
        Err(reason) => (None, Some(reason.clone())),
    };
    StoredEvent {
        id: Uuid::from_u64_pair(event.high, event.low).to_string(),
        intake: intake.to_string(),
        entity: entity.to_string(),
        format: event.format.clone(),
        protocol: event.protocol.clone(),
        received_at: micros_rfc3339(event.received_at_us),
        event_time: event.event_time_us.map(micros_rfc3339),
        status: if event.outcome.is_ok() { "ok" } else { "error" },
        error,
        raw: event.raw.clone(),
        metadata: event.metadata.clone().and_then(|s| RawValue::from_string(s).ok()),
        normalized,
    }
}

/// The JSON text `serde_json` writes for [`stored`]`(intake, entity, event)`, written directly:
/// the stored documents are checked JSON already (at write), so they are copied, not parsed
/// again as [`RawValue`] would (forwarding writes one per event).
fn event_json(intake: &str, entity: &str, e: &BlockEvent) -> Vec<u8> {
    let mut out = String::with_capacity(
        160 + intake.len()
            + e.raw.len()
            + e.metadata.as_ref().map_or(0, String::len)
            + e.outcome.as_ref().map_or_else(String::len, String::len),
    );
    let field = |out: &mut String, name: &str, first: bool| {
        out.push_str(if first { "{\"" } else { ",\"" });
        out.push_str(name);
        out.push_str("\":");
    };
    let string = |out: &mut String, s: &str| edge_ecs::write_json_string(s, out);
    let optional = |out: &mut String, s: Option<&str>, raw: bool| match s {
        Some(s) if raw => out.push_str(s),
        Some(s) => edge_ecs::write_json_string(s, out),
        None => out.push_str("null"),
    };
    field(&mut out, "id", true);
    string(&mut out, &Uuid::from_u64_pair(e.high, e.low).to_string());
    field(&mut out, "intake", false);
    string(&mut out, intake);
    field(&mut out, "entity", false);
    string(&mut out, entity);
    field(&mut out, "format", false);
    string(&mut out, &e.format);
    field(&mut out, "protocol", false);
    string(&mut out, &e.protocol);
    field(&mut out, "received_at", false);
    string(&mut out, &micros_rfc3339(e.received_at_us));
    field(&mut out, "event_time", false);
    optional(&mut out, e.event_time_us.map(micros_rfc3339).as_deref(), false);
    field(&mut out, "status", false);
    string(&mut out, if e.outcome.is_ok() { "ok" } else { "error" });
    field(&mut out, "error", false);
    optional(&mut out, e.outcome.as_ref().err().map(String::as_str), false);
    field(&mut out, "raw", false);
    string(&mut out, &e.raw);
    field(&mut out, "metadata", false);
    optional(&mut out, e.metadata.as_deref(), true);
    field(&mut out, "normalized", false);
    optional(&mut out, e.outcome.as_ref().ok().map(String::as_str), true);
    out.push('}');
    out.into_bytes()
}

fn micros_rfc3339(us: i64) -> String {
    chrono::DateTime::from_timestamp_micros(us)
        .map(crate::timeparse::format_rfc3339)
        .unwrap_or_else(|| us.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(outcome: Result<&str, &str>, metadata: Option<&str>, event_time_us: Option<i64>) -> BlockEvent {
        BlockEvent {
            high: 0x0190_0000_0000_7001,
            low: 0x8000_0000_0000_0042,
            format: "plain".into(),
            protocol: "syslog".into(),
            received_at_us: 1_714_564_800_123_456,
            event_time_us,
            client_time_us: None,
            raw: "a \"quoted\" \\ line\twith é and \u{1}".into(),
            metadata: metadata.map(str::to_string),
            outcome: outcome.map(str::to_string).map_err(str::to_string),
        }
    }

    #[test]
    fn forwarded_json_is_what_events_get_prints() {
        for e in [
            event(
                Ok(r#"{"message":"x","n":{"a":[1,2.5]}}"#),
                Some(r#"{"log":{"syslog":{"hostname":"fw1"}}}"#),
                Some(1),
            ),
            event(Err("bad \"line\"\n"), None, None),
            event(Ok("{}"), None, Some(-5)),
        ] {
            let printed = serde_json::to_string(&stored("in\"take", "ent ity", &e)).expect("serializable");
            let written = String::from_utf8(event_json("in\"take", "ent ity", &e)).expect("UTF-8");
            assert_eq!(written, printed);
        }
    }
}
