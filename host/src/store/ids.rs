//! Event IDs: UUIDv7 (RFC 9562) whose upper 64 bits are unique and increasing in this process.
//!
//! The upper half is `unix_ts_ms (48) | version 7 (4) | counter (12)` (RFC 9562 §6.2, method
//! 1): within a millisecond the counter increments, and when it runs out the timestamp moves
//! forward by one. The store uses that half as the SQLite rowid, so inserts append to the
//! table's B-tree and no separate index on the ID is needed. The lower half is the variant and
//! 62 random bits.

use std::cell::Cell;
use std::sync::atomic::{AtomicU64, Ordering};
use uuid::Uuid;

/// `unix_ts_ms << 12 | counter` of the last ID handed out.
static LAST: AtomicU64 = AtomicU64::new(0);

/// A new ID, greater than every ID handed out before in this process and every ID observed
/// with [`observe`] (the store's newest ID at start-up, so a clock set back cannot reuse IDs).
pub fn next() -> Uuid {
    let now_ms = chrono::Utc::now().timestamp_millis().max(0) as u64;
    let candidate = now_ms << 12;
    let mut last = LAST.load(Ordering::Relaxed);
    let state = loop {
        let next = candidate.max(last + 1);
        match LAST.compare_exchange_weak(last, next, Ordering::Relaxed, Ordering::Relaxed) {
            Ok(_) => break next,
            Err(seen) => last = seen,
        }
    };
    Uuid::from_u64_pair(high_from_state(state), low_bits())
}

/// Makes every later ID greater than `id`.
pub fn observe(id: Uuid) {
    let (high, _) = id.as_u64_pair();
    let state = ((high >> 16) << 12) | (high & 0xFFF);
    LAST.fetch_max(state, Ordering::Relaxed);
}

/// The rowid of an ID: its upper 64 bits (positive until the year 6429).
pub fn rowid(id: Uuid) -> i64 {
    id.as_u64_pair().0 as i64
}

/// The lower 64 bits, stored beside the rowid.
pub fn low(id: Uuid) -> i64 {
    id.as_u64_pair().1 as i64
}

pub fn from_parts(rowid: i64, low: i64) -> Uuid {
    Uuid::from_u64_pair(rowid as u64, low as u64)
}

/// The time in an ID's upper half, in µs since the Unix epoch (millisecond precision).
pub fn micros_of_high(high: u64) -> i64 {
    ((high >> 16) as i64).saturating_mul(1000)
}

fn high_from_state(state: u64) -> u64 {
    let ms = state >> 12;
    let counter = state & 0xFFF;
    (ms << 16) | (0x7 << 12) | counter
}

thread_local! {
    static RNG: Cell<u64> = Cell::new(seed());
}

fn seed() -> u64 {
    // One OS-random seed per thread; the IDs' uniqueness rests on the upper half, not on this.
    Uuid::new_v4().as_u64_pair().0 | 1
}

/// Variant `10` and 62 bits of SplitMix64 output.
fn low_bits() -> u64 {
    let x = RNG.with(|r| {
        let s = r.get().wrapping_add(0x9E37_79B9_7F4A_7C15);
        r.set(s);
        let mut z = s;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    });
    (x >> 2) | (0b10 << 62)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_v7_rfc_variant_and_strictly_increasing() {
        let ids: Vec<Uuid> = (0..20_000).map(|_| next()).collect();
        for pair in ids.windows(2) {
            assert!(pair[0] < pair[1], "{} !< {}", pair[0], pair[1]);
            assert!(rowid(pair[0]) < rowid(pair[1]));
        }
        for id in &ids {
            assert_eq!(id.get_version_num(), 7);
            assert_eq!(id.get_variant(), uuid::Variant::RFC4122);
            assert_eq!(from_parts(rowid(*id), low(*id)), *id);
        }
    }

    #[test]
    fn the_timestamp_is_the_current_millisecond() {
        let before = chrono::Utc::now().timestamp_millis() as u64;
        let id = next();
        let ms = id.as_u64_pair().0 >> 16;
        assert!(ms >= before && ms <= before + 1000, "{ms} vs {before}");
    }

    #[test]
    fn observed_ids_from_the_future_push_later_ids_beyond_them() {
        let future = Uuid::from_u64_pair(high_from_state((u64::from(u32::MAX) << 12) | 0xFFF), 0);
        observe(future);
        let id = next();
        assert!(id > future);
        assert_eq!(id.get_version_num(), 7);
    }
}
