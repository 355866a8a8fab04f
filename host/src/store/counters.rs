//! Per intake and day: events, errors and rejection reasons with their counts. Kept in the same
//! transaction as the events they count, so they never disagree with the store; pruned to the
//! last [`STATS_DAYS`] days.

use super::schema::STATS_DAYS;
use super::{MAX_REASONS_PER_DAY, MAX_REASON_CHARS, MICROS_PER_DAY, OTHER_REASONS};
use rusqlite::{params, Transaction};
use std::collections::HashMap;

/// The UTC day (days since the Unix epoch) of a time in microseconds.
pub fn day_of(micros: i64) -> i64 {
    micros.div_euclid(MICROS_PER_DAY)
}

/// The key a reason is counted under: its first [`MAX_REASON_CHARS`] characters.
pub fn reason_key(reason: &str) -> &str {
    match reason.char_indices().nth(MAX_REASON_CHARS as usize) {
        Some((end, _)) => &reason[..end],
        None => reason,
    }
}

/// Count changes gathered over a transaction, applied with one statement per key.
#[derive(Default)]
pub struct Tally<'a> {
    daily: HashMap<(&'a str, i64), (i64, i64)>,
    /// Change per reason, with the order it was first seen in: the per-day cap must keep the
    /// reasons that came first, whatever the hash order.
    reasons: HashMap<(&'a str, i64, &'a str), (usize, i64)>,
}

impl<'a> Tally<'a> {
    /// Counts `sign` (1 or -1) events of `intake` received at `received_us`, rejected with
    /// `reason` if any; `as_event` false changes the error counts only (a re-normalized event).
    pub fn add(&mut self, intake: &'a str, received_us: i64, reason: Option<&'a str>, sign: i64, as_event: bool) {
        let day = day_of(received_us);
        let counts = self.daily.entry((intake, day)).or_default();
        if as_event {
            counts.0 += sign;
        }
        if let Some(reason) = reason {
            counts.1 += sign;
            let next = self.reasons.len();
            self.reasons
                .entry((intake, day, reason_key(reason)))
                .or_insert((next, 0))
                .1 += sign;
        }
    }

    pub fn apply(self, tx: &Transaction<'_>) -> rusqlite::Result<()> {
        let mut daily = tx.prepare_cached(
            "INSERT INTO intake_daily (intake, day, events, errors) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (intake, day) DO UPDATE SET events = events + excluded.events, errors = errors + excluded.errors",
        )?;
        for ((intake, day), (events, errors)) in self.daily {
            if events != 0 || errors != 0 {
                daily.execute(params![intake, day, events, errors])?;
            }
        }
        // A new reason beyond the per-day cap is counted under OTHER_REASONS.
        let mut add = tx.prepare_cached(
            "INSERT INTO intake_reasons (intake, day, reason, count)
             SELECT ?1, ?2, CASE
                 WHEN EXISTS (SELECT 1 FROM intake_reasons WHERE intake = ?1 AND day = ?2 AND reason = ?3) THEN ?3
                 WHEN (SELECT count(*) FROM intake_reasons WHERE intake = ?1 AND day = ?2) >= ?5 THEN ?6
                 ELSE ?3 END, ?4
             ON CONFLICT (intake, day, reason) DO UPDATE SET count = count + excluded.count",
        )?;
        let mut sub = tx.prepare_cached(
            "UPDATE intake_reasons SET count = count + ?4 WHERE intake = ?1 AND day = ?2 AND reason = ?3",
        )?;
        let mut removed = false;
        let mut reasons: Vec<_> = self.reasons.into_iter().collect();
        reasons.sort_unstable_by_key(|(_, (order, _))| *order);
        for ((intake, day, reason), (_, delta)) in reasons {
            if delta > 0 {
                add.execute(params![intake, day, reason, delta, MAX_REASONS_PER_DAY, OTHER_REASONS])?;
            } else if delta < 0 {
                removed = true;
                if sub.execute(params![intake, day, reason, delta])? == 0 {
                    sub.execute(params![intake, day, OTHER_REASONS, delta])?;
                }
            }
        }
        if removed {
            tx.execute("DELETE FROM intake_reasons WHERE count <= 0", [])?;
        }
        Ok(())
    }
}

/// Drops the counts of days before the last [`STATS_DAYS`] (today included).
pub fn prune(tx: &Transaction<'_>, today: i64) -> rusqlite::Result<()> {
    let first = today - (STATS_DAYS - 1);
    tx.execute("DELETE FROM intake_daily WHERE day < ?1", params![first])?;
    tx.execute("DELETE FROM intake_reasons WHERE day < ?1", params![first])?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reason_keys_are_cut_at_a_character_boundary() {
        assert_eq!(reason_key("short"), "short");
        let long = "é".repeat(300);
        assert_eq!(reason_key(&long).chars().count(), MAX_REASON_CHARS as usize);
        assert!(long.starts_with(reason_key(&long)));
    }

    #[test]
    fn days_are_utc_and_floor_before_the_epoch() {
        assert_eq!(day_of(0), 0);
        assert_eq!(day_of(MICROS_PER_DAY - 1), 0);
        assert_eq!(day_of(MICROS_PER_DAY), 1);
        assert_eq!(day_of(-1), -1);
    }
}
