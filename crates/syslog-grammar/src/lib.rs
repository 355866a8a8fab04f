//! The syslog grammar, once for the host's listeners and the format components: PRI, RFC 5424
//! (header, STRUCTURED-DATA with its escapes), RFC 3164 as real senders and log files write it
//! (with or without PRI, BSD or RFC 3339 timestamps, HOSTNAME/TAG rules), and the civil date
//! arithmetic that turns a year-less timestamp into an instant. No dependencies and `no_std` (with
//! `alloc`): the host adapts it to chrono (`host/src/syslog/`), the SDK re-exports it
//! (`edge_format_sdk::syslog_line`).
//!
//! [`parse`] returns a [`SyslogLine`] of `&str` slices of the input; only the structured-data
//! `Vec`, a PARAM-VALUE that had escapes and error messages allocate. It only splits at ASCII
//! bytes, so it never slices inside a UTF-8 character, never panics and does work linear in the
//! line's length. What is read (one trailing `\n`, `\r\n` or `\0` is ignored first: rsyslog
//! counts the template's LF inside the octet count):
//!
//! - `<PRI>VERSION SP ...` (VERSION: 1 to 3 digits, nonzero first): RFC 5424 (`rfc5424.rs`),
//!   strictly: a sender that claims RFC 5424 and gets it wrong is worth an error.
//! - `<PRI>` then an RFC 3164 timestamp (`Oct 11 22:14:15`, `Oct  3`, `Oct 3`, an optional year
//!   and fraction) or an RFC 3339 one (loggen's legacy mode, rsyslog's file format), then
//!   HOSTNAME, TAG and MSG (`rfc3164.rs`).
//! - The same without `<PRI>` (`/var/log/syslog` lines, relays): [`Flavor::Rfc3164`] with no
//!   priority.
//! - `<PRI>` then anything else: [`Flavor::Rfc3164`] with only a priority; the rest is MSG
//!   (RFC 3164 section 4.3.3: the whole rest is CONTENT). The host calls that "raw".
//! - No PRI and no leading timestamp: [`ParseError::NotSyslog`].
//!
//! Timestamps are returned as written ([`DateTime`], a civil date-time with an optional year and
//! offset); [`DateTime::to_timestamp`] makes the instant, inferring a missing year and applying
//! the zone a caller assumes for zone-less times.
//!
//! ```
//! use syslog_grammar::{parse, Flavor};
//!
//! let line = parse("<34>Oct 11 22:14:15 mymachine su[42]: 'su root' failed").unwrap();
//! assert_eq!(line.flavor, Flavor::Rfc3164);
//! assert_eq!(line.priority.map(|p| (p.facility, p.severity)), Some((4, 2)));
//! assert_eq!((line.hostname, line.app_name, line.procid), (Some("mymachine"), Some("su"), Some("42")));
//! assert_eq!(line.msg, "'su root' failed");
//! ```

#![cfg_attr(not(test), no_std)]

extern crate alloc;

use alloc::borrow::Cow;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

pub mod civil;
mod priority;
mod rfc3164;
mod rfc5424;
mod structured_data;
#[cfg(test)]
mod tests;
mod timestamp;

pub use civil::{DateTime, Unix, UnixTime};
pub use priority::{facility_name, severity_name, Priority};
pub use structured_data::{format_structured_data, parse_structured_data};

/// The SD-ID of the structured-data element that carries the intake key
/// (`[SEKOIA@53288 intake_key="..."]`): a secret, never to be copied into an event.
pub const INTAKE_KEY_SD_ID: &str = "SEKOIA@53288";
/// The parameter that carries the intake key.
pub const INTAKE_KEY_PARAM: &str = "intake_key";
/// The longest RFC 3164 TAG (app name, without `[pid]`) taken as one: RFC 5424's APP-NAME limit,
/// so that a relayed TAG fits an RFC 5424 header (RFC 3164 says 32, which real app names exceed).
pub const MAX_TAG: usize = 48;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavor {
    /// `<PRI>VERSION ...`.
    Rfc5424,
    /// BSD syslog, including lines without a PRI and `<PRI>` + free text.
    Rfc3164,
}

/// One SD-PARAM; `value` is unescaped (`\"`, `\\`, `\]`; a backslash before any other character
/// is kept, as RFC 5424 section 6.3.3 says) and borrowed unless it had escapes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SdParam<'a> {
    pub name: &'a str,
    pub value: Cow<'a, str>,
}

/// One SD-ELEMENT: `[id name="value" ...]`.
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

    /// Whether this element carries an intake key: the [`INTAKE_KEY_SD_ID`] element, or any
    /// element with an [`INTAKE_KEY_PARAM`] parameter (the edge's SD-ID is configurable).
    pub fn is_intake_key(&self) -> bool {
        self.id == INTAKE_KEY_SD_ID || self.params.iter().any(|p| p.name == INTAKE_KEY_PARAM)
    }
}

/// A parsed syslog line; every `&str` borrows from the input. NILVALUE (`-`) fields are `None`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyslogLine<'a> {
    pub flavor: Flavor,
    /// `None` for a line without `<PRI>`.
    pub priority: Option<Priority>,
    /// RFC 5424 only.
    pub version: Option<u16>,
    /// The timestamp as written (`2003-10-11T22:14:15.003Z`, `Oct  3 04:05:06`).
    pub timestamp_raw: Option<&'a str>,
    /// The same, read; turn it into an instant with [`DateTime::to_timestamp`].
    pub timestamp: Option<DateTime>,
    pub hostname: Option<&'a str>,
    /// RFC 3164: the TAG without `[pid]` and `:`.
    pub app_name: Option<&'a str>,
    /// RFC 3164: the pid in `TAG[pid]`.
    pub procid: Option<&'a str>,
    /// RFC 5424 only.
    pub msgid: Option<&'a str>,
    /// The STRUCTURED-DATA as written (`[a@1 x="1"][b@2]`); `None` for `-` or when absent.
    pub structured_data_raw: Option<&'a str>,
    /// The same, parsed, in order; intake-key elements included (see [`SdElement::is_intake_key`]).
    pub structured_data: Vec<SdElement<'a>>,
    /// RFC 5424: after leading SPs and a UTF-8 BOM; RFC 3164: after leading SPs; `""` if none.
    /// `<PRI>` + free text: everything after the PRI, as is.
    pub msg: &'a str,
}

impl<'a> SyslogLine<'a> {
    /// A line with only a flavor, a priority and a MSG; the parsers fill in the rest.
    pub(crate) fn bare(flavor: Flavor, priority: Option<Priority>, msg: &'a str) -> Self {
        SyslogLine {
            flavor,
            priority,
            version: None,
            timestamp_raw: None,
            timestamp: None,
            hostname: None,
            app_name: None,
            procid: None,
            msgid: None,
            structured_data_raw: None,
            structured_data: Vec::new(),
            msg,
        }
    }

    /// The first structured-data element called `id`.
    pub fn sd_element(&self, id: &str) -> Option<&SdElement<'a>> {
        self.structured_data.iter().find(|e| e.id == id)
    }
}

/// Why a line is not a (readable) syslog line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseError {
    /// Nothing but an optional line terminator.
    Empty,
    /// Neither a `<PRI>` nor a timestamp at the start.
    NotSyslog,
    /// A `<` that does not start a valid PRI.
    Pri(String),
    /// A broken RFC 5424 header.
    Header(String),
    /// An RFC 5424 timestamp that cannot be read.
    Timestamp { value: String, reason: String },
    /// Broken RFC 5424 structured data.
    StructuredData(String),
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParseError::Empty => f.write_str("empty message"),
            ParseError::NotSyslog => f.write_str("no <PRI> and no timestamp at the start of the line"),
            ParseError::Pri(reason) => write!(f, "invalid PRI: {reason}"),
            ParseError::Header(reason) => write!(f, "invalid RFC 5424 header: {reason}"),
            ParseError::Timestamp { value, reason } => write!(f, "invalid RFC 5424 timestamp {value:?}: {reason}"),
            ParseError::StructuredData(reason) => write!(f, "invalid structured data: {reason}"),
        }
    }
}

impl core::error::Error for ParseError {}

/// Parses one syslog line (see the crate documentation for what is accepted).
pub fn parse(line: &str) -> Result<SyslogLine<'_>, ParseError> {
    let (priority, rest) = split_pri(line)?;
    let Some(priority) = priority else {
        return rfc3164::parse(None, rest).ok_or(ParseError::NotSyslog);
    };
    if let Some((version, header)) = rfc5424::version(rest) {
        return rfc5424::parse(priority, version, header);
    }
    Ok(rfc3164::parse(Some(priority), rest).unwrap_or_else(|| SyslogLine::bare(Flavor::Rfc3164, Some(priority), rest)))
}

/// The first step of [`parse`]: drops one trailing `\n`, `\r\n` or `\0` and reads the `<PRI>`
/// if the line starts with `<`. Returns the priority and what follows it (the whole line when
/// there is none).
pub fn split_pri(line: &str) -> Result<(Option<Priority>, &str), ParseError> {
    let line = line
        .strip_suffix("\r\n")
        .or_else(|| line.strip_suffix('\n'))
        .or_else(|| line.strip_suffix('\0'))
        .unwrap_or(line);
    if line.is_empty() {
        return Err(ParseError::Empty);
    }
    match line.strip_prefix('<') {
        Some(after_lt) => priority::parse_pri(after_lt).map(|(p, rest)| (Some(p), rest)),
        None => Ok((None, line)),
    }
}

/// Splits at the first SP: the token, and what follows the SP (`None` if there is no SP).
fn split_token(s: &str) -> (&str, Option<&str>) {
    match s.find(' ') {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    }
}

/// The first character of `s` quoted, or `end`, for error messages.
fn first_char(s: &str, end: &str) -> String {
    match s.chars().next() {
        Some(c) => format!("{c:?}"),
        None => String::from(end),
    }
}
