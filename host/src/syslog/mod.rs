//! The listeners' reading of one syslog message: the grammar (`crates/syslog-grammar`, shared
//! with the format SDK) plus what the host adds: instants as chrono times (the year of an
//! RFC 3164 time inferred from the clock, zone-less times in the configured `rfc3164_timezone`),
//! the [`Flavor::Raw`] reading of lines that are not syslog, and the listeners' error type.
//!
//! Sans-I/O: [`parse`] takes one frame's content (already de-framed by the listener) and returns
//! a [`SyslogMessage`] borrowing from it. The flavor is decided by the grammar:
//!
//! - `<PRI>` + VERSION (1–3 digits, nonzero first) + SP: RFC 5424; malformed headers are errors,
//!   because a sender that claims RFC 5424 and gets it wrong is worth reporting. So is a
//!   TIMESTAMP outside the years 0000–9999 in UTC, which RFC 3339 cannot write.
//! - An RFC 3164 timestamp (a month name or an RFC 3339 date) after the PRI, or at the start of a
//!   line without PRI (a relay's file lines): RFC 3164. RFC 3164 is descriptive, not normative,
//!   so nothing there is an error: a line whose timestamp cannot be read is [`Flavor::Raw`].
//! - Anything else: [`Flavor::Raw`], the whole line (after the PRI, if any) is the MSG. Only a
//!   line that starts with `<` but has a broken PRI is an error.

use chrono::{DateTime, FixedOffset, Utc};
use syslog_grammar::Unix;

#[cfg(test)]
mod tests;

/// Why a message cannot be read: the grammar's error, whose texts the listeners log and answer
/// (RELP `500 invalid PRI: ...`). [`parse`] never returns `NotSyslog`: such a line is
/// [`Flavor::Raw`].
pub use syslog_grammar::ParseError as SyslogError;
pub use syslog_grammar::{format_structured_data, Priority, SdElement, SdParam};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavor {
    Rfc5424,
    Rfc3164,
    Raw,
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
    /// RFC 5424: leading spaces, then a UTF-8 BOM, stripped; RFC 3164: leading spaces stripped;
    /// Raw: everything after the PRI, as is.
    pub msg: &'a str,
}

impl<'a> SyslogMessage<'a> {
    /// A message that is not syslog beyond its PRI: the rest is the MSG.
    fn raw(priority: Option<Priority>, msg: &'a str) -> Self {
        SyslogMessage {
            flavor: Flavor::Raw,
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

/// Parses one de-framed syslog message. One trailing `\n`, `\r\n` or `\0` is stripped anyway:
/// rsyslog counts the template's trailing LF inside the octet count.
pub fn parse<'a>(line: &'a str, opts: &ParseOptions) -> Result<SyslogMessage<'a>, SyslogError> {
    // What follows the PRI (the whole line without one), for the lines read as Raw.
    let raw = || syslog_grammar::split_pri(line).map(|(priority, rest)| SyslogMessage::raw(priority, rest));
    let parsed = match syslog_grammar::parse(line) {
        Ok(parsed) => parsed,
        Err(SyslogError::NotSyslog) => return raw(),
        Err(e) => return Err(e),
    };
    let timestamp = match parsed.timestamp {
        None => None,
        Some(t) => match instant(t, opts) {
            Some(t) => Some(t),
            None if parsed.flavor == syslog_grammar::Flavor::Rfc5424 => {
                return Err(SyslogError::Timestamp {
                    value: parsed.timestamp_raw.unwrap_or_default().to_owned(),
                    reason: "the instant is out of range (outside the years 0000-9999 in UTC)".to_owned(),
                })
            }
            None => return raw(),
        },
    };
    let flavor = match parsed.flavor {
        syslog_grammar::Flavor::Rfc5424 => Flavor::Rfc5424,
        syslog_grammar::Flavor::Rfc3164 if timestamp.is_some() => Flavor::Rfc3164,
        // `<PRI>` and no timestamp the grammar reads: the rest is MSG.
        syslog_grammar::Flavor::Rfc3164 => Flavor::Raw,
    };
    Ok(SyslogMessage {
        flavor,
        priority: parsed.priority,
        version: parsed.version,
        timestamp,
        hostname: parsed.hostname,
        app_name: parsed.app_name,
        procid: parsed.procid,
        msgid: parsed.msgid,
        structured_data: parsed.structured_data,
        msg: parsed.msg,
    })
}

/// The instant of a timestamp as written: zone-less ones in `rfc3164_zone`, the year of a
/// year-less one inferred from `now` (see `syslog_grammar::DateTime::to_timestamp`). `None` outside
/// the years 0000–9999 in UTC.
fn instant(t: syslog_grammar::DateTime, opts: &ParseOptions) -> Option<DateTime<Utc>> {
    let now = Unix {
        seconds: opts.now.timestamp(),
        nanoseconds: 0,
    };
    let at = t.to_timestamp(now, opts.rfc3164_zone.local_minus_utc())?;
    DateTime::from_timestamp(at.seconds, at.nanoseconds)
}
