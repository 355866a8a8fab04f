//! The `blocks` table: writing a group of events as blocks, and finding the blocks that hold an
//! ID, an intake's events, or the events after a cursor.
//!
//! A block holds events of one intake and entity, in ID order (each names its format); its key is the upper half
//! of its first event's ID, and `last_id` that of its last. Blocks committed in one round
//! overlap in ID (intakes interleave), so a block that holds an ID starts at most
//! [`max_span`] before it: lookups read that window of the primary key.

use super::block::{self, BlockEvent, Encoder, EventRef};
use rusqlite::{params, Connection, OptionalExtension, Row};
use std::collections::BinaryHeap;
use std::rc::Rc;

/// Decompressed bytes a block may say it holds when read back (a corrupt header must not
/// allocate without bound): above what the writer makes with the largest settings.
pub const MAX_BLOCK_BYTES: usize = 1 << 30;

/// The `store_meta` key of the widest ID span of any block (upper halves).
const MAX_SPAN_KEY: &str = "max_block_span";

/// A block as a row, with its events decoded.
#[derive(Debug)]
pub struct Block {
    pub first_id: i64,
    pub intake: String,
    pub entity: String,
    pub events: Vec<BlockEvent>,
}

/// What the writer knows of a group of events to store as blocks.
pub struct Group<'a> {
    pub intake: &'a str,
    pub entity: &'a str,
    /// In increasing ID order.
    pub events: Vec<EventRef<'a>>,
}

/// Stores `group` as blocks of at most `block_events` events each.
pub fn insert(
    conn: &Connection,
    group: &Group<'_>,
    block_events: usize,
    encoder: &mut Encoder,
) -> rusqlite::Result<()> {
    let mut stmt = conn.prepare_cached(
        "INSERT INTO blocks (first_id, last_id, intake, entity, events, errors, data, seq)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?;
    let mut widest = 0i64;
    for chunk in chunks(&group.events, block_events.max(1)) {
        let (Some(first), Some(last)) = (chunk.first(), chunk.last()) else {
            continue;
        };
        let data = encoder
            .encode(chunk.iter().copied(), chunk.len())
            .map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?;
        let errors = chunk.iter().filter(|e| e.outcome.is_err()).count();
        let (first_id, last_id) = (first.high as i64, last.high as i64);
        let seq = next_seq(conn)?;
        stmt.execute(params![
            first_id,
            last_id,
            group.intake,
            group.entity,
            chunk.len() as i64,
            errors as i64,
            data,
            seq
        ])?;
        widest = widest.max(last_id.saturating_sub(first_id));
    }
    if widest > 0 {
        conn.execute(
            "INSERT INTO store_meta (name, value) VALUES (?1, ?2)
             ON CONFLICT (name) DO UPDATE SET value = max(value, excluded.value)",
            params![MAX_SPAN_KEY, widest],
        )?;
    }
    Ok(())
}

/// The `store_meta` key of the last commit sequence number given to a block.
pub(crate) const LAST_SEQ_KEY: &str = "last_seq";

/// The next block's place in commit order. Event IDs are given before normalization, so blocks
/// commit out of ID order; a reader that must not miss one (forwarding) follows this number,
/// which is kept apart from the blocks so that pruning them never lets it go back.
fn next_seq(conn: &Connection) -> rusqlite::Result<i64> {
    conn.prepare_cached(
        "INSERT INTO store_meta (name, value) VALUES (?1, 1)
         ON CONFLICT (name) DO UPDATE SET value = value + 1 RETURNING value",
    )?
    .query_row([LAST_SEQ_KEY], |r| r.get(0))
}

/// The last commit sequence number given (0: none yet).
pub fn last_seq(conn: &Connection) -> rusqlite::Result<i64> {
    conn.prepare_cached("SELECT value FROM store_meta WHERE name = ?1")?
        .query_row([LAST_SEQ_KEY], |r| r.get(0))
        .optional()
        .map(Option::unwrap_or_default)
}

/// A block read in commit order.
#[derive(Debug)]
pub struct SeqBlock {
    pub seq: i64,
    pub block: Block,
}

/// The blocks committed after `seq`, in commit order, until they hold `max_events` events (at
/// least one block, whatever its size): the forwarders' read. Rows are read one by one, so
/// the blocks past the limit are never decompressed.
pub fn after_seq(conn: &Connection, seq: i64, max_events: usize) -> rusqlite::Result<Vec<SeqBlock>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS}, seq, events FROM blocks WHERE seq > ?1 ORDER BY seq"
    ))?;
    let mut rows = stmt.query([seq])?;
    let (mut out, mut events) = (Vec::new(), 0usize);
    while let Some(row) = rows.next()? {
        let count = row.get::<_, i64>(5)?.max(0) as usize;
        if !out.is_empty() && events + count > max_events {
            break;
        }
        events += count;
        out.push(SeqBlock {
            block: from_row(row)?,
            seq: row.get(4)?,
        });
    }
    Ok(out)
}

/// Writes `block` again in place (same key and IDs): new outcomes, formats and error count.
pub fn replace(conn: &Connection, block: &Block, encoder: &mut Encoder) -> rusqlite::Result<()> {
    let data = encoder
        .encode(block.events.iter().map(EventRef::from), block.events.len())
        .map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?;
    let errors = block.events.iter().filter(|e| e.outcome.is_err()).count();
    conn.prepare_cached("UPDATE blocks SET errors = ?2, data = ?3 WHERE first_id = ?1")?
        .execute(params![block.first_id, errors as i64, data])?;
    Ok(())
}

/// Text bytes per block at most (whatever `block_events` says), so that a block always reads
/// back under [`MAX_BLOCK_BYTES`] and reading one event never decompresses much.
const BLOCK_TEXT_BYTES: usize = 16 << 20;

/// `events` cut into runs of at most `block_events` events and about [`BLOCK_TEXT_BYTES`].
fn chunks<'e, 'a>(events: &'e [EventRef<'a>], block_events: usize) -> impl Iterator<Item = &'e [EventRef<'a>]> {
    let mut rest = events;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let mut bytes = 0usize;
        let mut n = 0;
        while n < rest.len() && n < block_events && (n == 0 || bytes < BLOCK_TEXT_BYTES) {
            let e = &rest[n];
            bytes += e.raw.len()
                + e.metadata.map_or(0, str::len)
                + match e.outcome {
                    Ok(s) | Err(s) => s.len(),
                };
            n += 1;
        }
        let (chunk, tail) = rest.split_at(n);
        rest = tail;
        Some(chunk)
    })
}

/// The widest ID span of any block.
pub fn max_span(conn: &Connection) -> rusqlite::Result<i64> {
    conn.prepare_cached("SELECT value FROM store_meta WHERE name = ?1")?
        .query_row([MAX_SPAN_KEY], |r| r.get(0))
        .optional()
        .map(Option::unwrap_or_default)
}

/// Reads a block row ([`COLUMNS`]).
pub fn from_row(row: &Row<'_>) -> rusqlite::Result<Block> {
    let data: Vec<u8> = row.get(3)?;
    let events = block::decode(&data, MAX_BLOCK_BYTES)
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(3, rusqlite::types::Type::Blob, Box::new(e)))?;
    Ok(Block {
        first_id: row.get(0)?,
        intake: row.get(1)?,
        entity: row.get(2)?,
        events,
    })
}

/// The columns [`from_row`] reads.
pub const COLUMNS: &str = "first_id, intake, entity, data";

/// The blocks that may hold the ID whose upper half is `high`.
pub fn holding(conn: &Connection, high: i64) -> rusqlite::Result<Vec<Block>> {
    let span = max_span(conn)?;
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM blocks WHERE first_id <= ?1 AND first_id >= ?2 AND last_id >= ?1"
    ))?;
    let rows = stmt.query_map(params![high, high.saturating_sub(span)], from_row)?;
    rows.collect()
}

/// The block with key `first_id`, if any.
pub fn by_key(conn: &Connection, first_id: i64) -> rusqlite::Result<Option<Block>> {
    conn.prepare_cached(&format!("SELECT {COLUMNS} FROM blocks WHERE first_id = ?1"))?
        .query_row([first_id], from_row)
        .optional()
}

/// The block an event was read from.
#[derive(Debug)]
pub struct Origin {
    pub first_id: i64,
    pub intake: String,
    pub entity: String,
}

/// Up to `limit` events whose ID's upper half is above `after` (`-1`: from the start), of one
/// intake or all, in ID order: the cursor read of `Reader::after` and of renormalize's pages.
/// Blocks come by increasing key; one whose first ID is above the newest event kept cannot hold
/// an older one, so the walk stops there once `limit` are kept.
pub fn after(
    conn: &Connection,
    intake: Option<&str>,
    after: i64,
    limit: usize,
) -> rusqlite::Result<Vec<(Rc<Origin>, BlockEvent)>> {
    let span = max_span(conn)?;
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM blocks WHERE (?1 IS NULL OR intake = ?1) AND first_id >= ?2 AND last_id > ?3
         ORDER BY first_id"
    ))?;
    let mut rows = stmt.query(params![intake, after.saturating_sub(span), after])?;
    // The oldest `limit` above the cursor seen so far, the newest of them on top.
    let mut kept: BinaryHeap<ByHigh<(Rc<Origin>, BlockEvent)>> = BinaryHeap::new();
    while let Some(row) = rows.next()? {
        let block = from_row(row)?;
        let highest = (kept.len() >= limit).then(|| kept.peek().map_or(u64::MAX, |e| e.0));
        if highest.is_some_and(|highest| block.first_id as u64 > highest) {
            break;
        }
        let origin = Rc::new(Origin {
            first_id: block.first_id,
            intake: block.intake,
            entity: block.entity,
        });
        for event in block.events.into_iter().filter(|e| e.high as i64 > after) {
            if highest.is_some_and(|highest| event.high >= highest) {
                continue;
            }
            kept.push(ByHigh(event.high, (origin.clone(), event)));
            if kept.len() > limit {
                kept.pop();
            }
        }
    }
    Ok(kept.into_sorted_vec().into_iter().map(|e| e.1).collect())
}

/// A value ordered by the upper half of an event's ID (unique).
pub struct ByHigh<T>(pub u64, pub T);

impl<T> PartialEq for ByHigh<T> {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0
    }
}

impl<T> Eq for ByHigh<T> {}

impl<T> PartialOrd for ByHigh<T> {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl<T> Ord for ByHigh<T> {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.cmp(&other.0)
    }
}
