//! Event times: `DateTime<Utc>` inside the node, microseconds since the Unix epoch in the store,
//! seconds + nanoseconds (WIT `timestamp`, in `wit.rs`) for the components. A value that does not
//! fit the other form is an error carrying the value, never the epoch.

use chrono::{DateTime, Utc};

/// Microseconds since the epoch that no `DateTime<Utc>` can hold (beyond ±262,000 years).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{micros} µs since the Unix epoch is outside the representable time range")]
pub struct TimeOutOfRange {
    pub micros: i64,
}

/// The store's form. Cannot fail: chrono's whole range fits in `i64` microseconds.
pub fn to_micros(t: DateTime<Utc>) -> i64 {
    t.timestamp_micros()
}

/// A time read back from the store.
pub fn from_micros(micros: i64) -> Result<DateTime<Utc>, TimeOutOfRange> {
    DateTime::from_timestamp_micros(micros).ok_or(TimeOutOfRange { micros })
}
