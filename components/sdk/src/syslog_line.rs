//! A syslog line parser (RFC 5424 and RFC 3164, as real senders and log files write them), for
//! formats whose events may be whole syslog lines: `syslog` itself, and any format that wants to
//! strip a syslog prefix before reading its own payload (most use [`crate::line`], built on it).
//!
//! The grammar is the `syslog-grammar` crate (`crates/syslog-grammar`), the one the host's
//! listeners use too: what is accepted is documented there. This module re-exports it and lets
//! [`DateTime::to_timestamp`] produce the WIT [`Timestamp`].
//!
//! ```
//! use edge_format_sdk::syslog_line::{parse, Flavor};
//!
//! let line = parse("<34>Oct 11 22:14:15 mymachine su[42]: 'su root' failed").unwrap();
//! assert_eq!(line.flavor, Flavor::Rfc3164);
//! assert_eq!(line.priority.map(|p| (p.facility, p.severity)), Some((4, 2)));
//! assert_eq!((line.hostname, line.app_name, line.procid), (Some("mymachine"), Some("su"), Some("42")));
//! assert_eq!(line.msg, "'su root' failed");
//! ```

pub use syslog_grammar::{
    parse, parse_structured_data, DateTime, Flavor, ParseError, Priority, SdElement, SdParam, SyslogLine,
    INTAKE_KEY_PARAM, INTAKE_KEY_SD_ID, MAX_TAG,
};

use crate::Timestamp;

impl syslog_grammar::UnixTime for Timestamp {
    fn unix_seconds(&self) -> i64 {
        self.seconds
    }

    fn from_unix(seconds: i64, nanoseconds: u32) -> Self {
        Timestamp { seconds, nanoseconds }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format_rfc3339;

    /// The grammar's instants come out as the WIT timestamp (its own tests cover the rest).
    #[test]
    fn timestamps_are_wit_timestamps() {
        // 2026-11-23T23:00:00Z, the fixtures' reception time.
        let now = Timestamp {
            seconds: 1_795_474_800,
            nanoseconds: 0,
        };
        let at = |line: &str, zone: i32| {
            parse(line)
                .ok()
                .and_then(|l| l.timestamp)
                .and_then(|t| t.to_timestamp(now, zone))
                .map(format_rfc3339)
        };
        assert_eq!(
            at("<34>Dec 25 10:00:00.25 h su: x", 0).as_deref(),
            Some("2025-12-25T10:00:00.250Z")
        );
        assert_eq!(
            at("<13>1 2026-11-23T00:34:14 - - - - -", 3600).as_deref(),
            Some("2026-11-22T23:34:14.000Z")
        );
        assert_eq!(at("<13>1 0000-01-01T00:00:00+01:00 - - - - -", 0), None);
    }
}
