//! Parses syslog messages (RFC 5424, RFC 3164, and the raw lines real senders emit).
//!
//! Sans-I/O: [`parse`] takes one frame's content (already de-framed by the listener) and returns
//! a [`SyslogMessage`] borrowing from it. The flavor is decided right after the PRI:
//!
//! - `<PRI>` + VERSION (1–3 digits, nonzero first) + SP: RFC 5424 (`rfc5424.rs`); malformed
//!   headers are errors, because a sender that claims RFC 5424 and gets it wrong is worth
//!   reporting.
//! - `<PRI>` + a month name (`Nov 22 23:16:24`) or an RFC 3339 date (loggen's legacy mode):
//!   RFC 3164 (`rfc3164.rs`). RFC 3164 is descriptive, not normative, so nothing there is an
//!   error: a line whose timestamp cannot be read falls back to [`Flavor::Raw`].
//! - Anything else, including no PRI at all: [`Flavor::Raw`], the whole line (after the PRI, if
//!   any) is the MSG. Only a line that starts with `<` but has a broken PRI is an error.
//!
//! Everything works on `&str` and only splits at ASCII bytes, so no input can make it slice inside
//! a UTF-8 character, and nothing allocates on the happy path except the `Vec`s of structured data
//! (and an unescaped PARAM-VALUE when the sender used escapes).

use chrono::{DateTime, FixedOffset, Utc};
use std::borrow::Cow;

mod rfc3164;
mod rfc5424;
mod structured_data;
#[cfg(test)]
mod tests;

pub use structured_data::format_structured_data;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavor {
    Rfc5424,
    Rfc3164,
    Raw,
}

/// Facility and severity, from a PRI value 0..=191 (`facility * 8 + severity`).
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

    /// The conventional facility keyword (`kern` .. `local7`), `unknown` if out of range.
    pub fn facility_name(self) -> &'static str {
        FACILITIES.get(usize::from(self.facility)).copied().unwrap_or("unknown")
    }

    /// The severity keyword (`emerg` .. `debug`), `unknown` if out of range.
    pub fn severity_name(self) -> &'static str {
        SEVERITIES.get(usize::from(self.severity)).copied().unwrap_or("unknown")
    }
}

/// One SD-PARAM; `value` is unescaped (`\"`, `\\`, `\]`; a backslash before any other character
/// is kept literally, as RFC 5424 section 6.3.3 requires) and borrowed unless it had escapes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SdParam<'a> {
    pub name: &'a str,
    pub value: Cow<'a, str>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SdElement<'a> {
    pub id: &'a str,
    pub params: Vec<SdParam<'a>>,
}

impl SdElement<'_> {
    /// The value of the first parameter called `name`.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params.iter().find(|p| p.name == name).map(|p| p.value.as_ref())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyslogMessage<'a> {
    pub flavor: Flavor,
    pub priority: Option<Priority>,
    pub version: Option<u16>,
    /// `None` for `-` or when absent.
    pub timestamp: Option<DateTime<Utc>>,
    /// `None` for `-`.
    pub hostname: Option<&'a str>,
    /// RFC 3164: the TAG without `[pid]` and `:`.
    pub app_name: Option<&'a str>,
    /// RFC 3164: the pid in `TAG[pid]`.
    pub procid: Option<&'a str>,
    pub msgid: Option<&'a str>,
    pub structured_data: Vec<SdElement<'a>>,
    /// RFC 5424: leading spaces, then a UTF-8 BOM, stripped (why: `rfc5424.rs`); RFC 3164:
    /// leading spaces stripped; Raw: everything after the PRI, as is.
    pub msg: &'a str,
}

impl<'a> SyslogMessage<'a> {
    /// A message with only a flavor, a priority and a MSG; parsers fill in the rest.
    fn bare(flavor: Flavor, priority: Option<Priority>, msg: &'a str) -> Self {
        SyslogMessage {
            flavor,
            priority,
            version: None,
            timestamp: None,
            hostname: None,
            app_name: None,
            procid: None,
            msgid: None,
            structured_data: Vec::new(),
            msg,
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub struct ParseOptions {
    /// Used to infer the year of RFC 3164 timestamps, which have none.
    pub now: DateTime<Utc>,
    /// The zone of timestamps that carry none: RFC 3164's, and RFC 3339 ones without an offset
    /// (loggen sends `2026-11-23T00:34:14` even in RFC 5424 mode).
    pub rfc3164_zone: FixedOffset,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SyslogError {
    #[error("empty message")]
    Empty,
    #[error("invalid PRI: {0}")]
    Pri(String),
    #[error("invalid RFC 5424 header: {0}")]
    Header(String),
    #[error("invalid RFC 5424 timestamp {value:?}: {reason}")]
    Timestamp { value: String, reason: String },
    #[error("invalid structured data: {0}")]
    StructuredData(String),
}

/// Parses one de-framed syslog message. One trailing `\n`, `\r\n` or `\0` is stripped anyway:
/// rsyslog counts the template's trailing LF inside the octet count.
pub fn parse<'a>(line: &'a str, opts: &ParseOptions) -> Result<SyslogMessage<'a>, SyslogError> {
    let line = line
        .strip_suffix("\r\n")
        .or_else(|| line.strip_suffix('\n'))
        .or_else(|| line.strip_suffix('\0'))
        .unwrap_or(line);
    if line.is_empty() {
        return Err(SyslogError::Empty);
    }
    let Some(after_lt) = line.strip_prefix('<') else {
        return Ok(SyslogMessage::bare(Flavor::Raw, None, line));
    };
    let (priority, rest) = parse_pri(after_lt)?;
    if let Some((version, header)) = rfc5424::version(rest) {
        return rfc5424::parse(priority, version, header, opts);
    }
    Ok(rfc3164::parse(priority, rest, opts).unwrap_or_else(|| SyslogMessage::bare(Flavor::Raw, Some(priority), rest)))
}

/// `1*3DIGIT ">"` (the `<` already consumed), value at most 191.
///
/// Leading zeros (`<00>`, `<013>`) are accepted: the RFC 5424 ABNF is `PRIVAL = 1*3DIGIT` with no
/// rule against them, the value is unambiguous, and rejecting would lose whole messages over a
/// cosmetic quirk (the same reasoning as accepting loggen's zero-padded octet counts). What is
/// rejected is what cannot be read reliably: no digits, more than 3 digits, no `>`, above 191.
fn parse_pri(s: &str) -> Result<(Priority, &str), SyslogError> {
    let b = s.as_bytes();
    let digits = b.iter().take_while(|c| c.is_ascii_digit()).count();
    let error = |reason: String| Err(SyslogError::Pri(reason));
    if digits == 0 {
        return error(match s.chars().next() {
            Some(c) => format!("expected a digit after '<', found {c:?}"),
            None => "expected a digit after '<', found end of input".to_owned(),
        });
    }
    if digits > 3 {
        return error(format!("\"<{}...\" has more than 3 digits", &s[..4]));
    }
    // Only ASCII digits (and '>') are sliced over, so these are char boundaries.
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

/// Splits at the first SP: the token, and what follows the SP (`None` if there is no SP).
fn split_token(s: &str) -> (&str, Option<&str>) {
    match s.find(' ') {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    }
}
