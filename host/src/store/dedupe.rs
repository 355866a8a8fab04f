//! Events that carry their sender's own ID (`source_ids` in `POST /batch`, the event IDs an
//! upstream edge node forwards, a poller's record IDs) are stored once per intake: a second
//! event with the same (intake, source ID) within the window is not stored, and the sender is
//! answered the ID the first one got. The check runs in the writer's transaction, so two
//! requests racing with the same IDs cannot both store them, and a failed commit forgets them.

use super::{Duplicate, WriteRequest};
use rusqlite::{params, Transaction};
use std::time::Duration;
use uuid::Uuid;

/// Claims the source IDs of `round`'s events in order (the first event of an ID wins, even
/// within one request); per request, the events that are duplicates.
pub fn claim(tx: &Transaction, round: &[WriteRequest]) -> rusqlite::Result<Vec<Vec<Duplicate>>> {
    let mut all = Vec::with_capacity(round.len());
    let mut insert = None;
    for req in round {
        let mut duplicates = Vec::new();
        for (index, ev) in req.events.iter().enumerate() {
            let Some(source_id) = ev.source_id.as_deref() else {
                continue;
            };
            let insert = match &mut insert {
                Some(s) => s,
                None => insert.insert(tx.prepare_cached(
                    "INSERT INTO source_ids (intake, source_id, high, low) VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING",
                )?),
            };
            let (high, low) = (super::ids::rowid(ev.id), super::ids::low(ev.id));
            if insert.execute(params![&*ev.intake, source_id, high, low])? == 0 {
                // Seen before (the rare case): the ID it was stored under.
                let (high, low) = tx
                    .prepare_cached("SELECT high, low FROM source_ids WHERE intake = ?1 AND source_id = ?2")?
                    .query_row(params![&*ev.intake, source_id], |r| {
                        Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?))
                    })?;
                duplicates.push(Duplicate {
                    index,
                    stored_as: super::ids::from_parts(high, low),
                });
            }
        }
        all.push(duplicates);
    }
    Ok(all)
}

/// Forgets the source IDs of events stored more than `window` ago.
pub fn prune(tx: &Transaction, window: Duration) -> rusqlite::Result<usize> {
    let now_ms = chrono::Utc::now().timestamp_millis().max(0) as u64;
    let cutoff_ms = now_ms.saturating_sub(window.as_millis() as u64);
    let cutoff_high = super::ids::rowid(Uuid::from_u64_pair(cutoff_ms << 16, 0));
    tx.execute("DELETE FROM source_ids WHERE high < ?1", params![cutoff_high])
}
