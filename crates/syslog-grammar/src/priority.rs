//! PRI: `"<" 1*3DIGIT ">"`, facility and severity, and their conventional names.

use crate::{first_char, ParseError};
use alloc::format;

/// Facility and severity of a PRI value 0..=191 (`facility * 8 + severity`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Priority {
    pub facility: u8,
    pub severity: u8,
}

#[rustfmt::skip]
const FACILITIES: [&str; 24] = [
    "kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news", "uucp", "cron", "authpriv",
    "ftp", "ntp", "security", "console", "solaris-cron",
    "local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7",
];
const SEVERITIES: [&str; 8] = ["emerg", "alert", "crit", "err", "warning", "notice", "info", "debug"];

/// The conventional facility keyword of a code (`kern` .. `local7`), `unknown` above 23.
pub fn facility_name(code: u8) -> &'static str {
    FACILITIES.get(usize::from(code)).copied().unwrap_or("unknown")
}

/// The severity keyword of a code (`emerg` .. `debug`), `unknown` above 7.
pub fn severity_name(code: u8) -> &'static str {
    SEVERITIES.get(usize::from(code)).copied().unwrap_or("unknown")
}

impl Priority {
    /// The priority of a PRI value, `None` above 191.
    pub fn from_value(value: u8) -> Option<Priority> {
        (value <= 191).then_some(Priority {
            facility: value / 8,
            severity: value % 8,
        })
    }

    /// The PRI value. Wrapping, so a hand-built out-of-range priority cannot panic in debug.
    pub fn value(self) -> u8 {
        self.facility.wrapping_mul(8).wrapping_add(self.severity)
    }

    /// [`facility_name`] of this facility.
    pub fn facility_name(self) -> &'static str {
        facility_name(self.facility)
    }

    /// [`severity_name`] of this severity.
    pub fn severity_name(self) -> &'static str {
        severity_name(self.severity)
    }
}

/// `1*3DIGIT ">"` (the `<` already consumed), value at most 191.
///
/// Leading zeros (`<00>`, `<013>`) are accepted: the RFC 5424 ABNF is `PRIVAL = 1*3DIGIT` with no
/// rule against them, the value is unambiguous, and rejecting would lose whole messages over a
/// cosmetic quirk (loggen sends zero-padded octet counts for the same reason). What is rejected
/// is what cannot be read reliably: no digits, more than 3 digits, no `>`, above 191.
pub(crate) fn parse_pri(s: &str) -> Result<(Priority, &str), ParseError> {
    let b = s.as_bytes();
    let digits = b.iter().take_while(|c| c.is_ascii_digit()).count();
    let error = |reason| Err(ParseError::Pri(reason));
    if digits == 0 {
        return error(format!(
            "expected a digit after '<', found {}",
            first_char(s, "end of input")
        ));
    }
    if digits > 3 {
        // ASCII digits only: byte 4 is a char boundary.
        return error(format!("\"<{}...\" has more than 3 digits", &s[..4]));
    }
    let shown = &s[..digits];
    if b.get(digits) != Some(&b'>') {
        return error(format!("expected '>' after \"<{shown}\""));
    }
    let value = b[..digits].iter().fold(0u16, |n, &d| n * 10 + u16::from(d - b'0'));
    match u8::try_from(value).ok().and_then(Priority::from_value) {
        Some(priority) => Ok((priority, &s[digits + 1..])),
        None => error(format!("<{shown}> is above 191")),
    }
}
