//! A syslog line parser (RFC 5424 and RFC 3164, as real senders and log files write them), for
//! formats whose events may be whole syslog lines: `syslog` itself, and any format that wants to
//! strip a syslog prefix before reading its own payload.
//!
//! Pure and allocation-free on the happy path: [`parse`] returns a [`SyslogLine`] of `&str`
//! slices of the input; only the structured-data `Vec` and a PARAM-VALUE that had escapes
//! allocate. It only splits at ASCII bytes, so it never slices inside a UTF-8 character, never
//! panics and does work linear in the line's length.
//!
//! What is read (one trailing `\n`, `\r\n` or `\0` is ignored first):
//!
//! - `<PRI>VERSION SP ...` (VERSION: 1 to 3 digits, nonzero first): RFC 5424, strictly; a broken
//!   header is an error. Tolerated like the host's listener does: a timestamp without an offset
//!   (read as UTC by [`DateTime::to_timestamp`] with offset 0), up to 9 fraction digits, several
//!   SPs and a UTF-8 BOM before MSG (all stripped), a missing STRUCTURED-DATA or MSG.
//! - `<PRI>` then an RFC 3164 timestamp (`Oct 11 22:14:15`, `Oct  3 ...`, `Oct 3 ...`, with an
//!   optional year `Oct 11 2024 22:14:15` and fraction) or an RFC 3339 one
//!   (`2024-05-01T12:00:00.123456+02:00`, rsyslog's `RSYSLOG_FileFormat`), then `HOSTNAME`,
//!   `TAG` (`app`, `app[pid]`, with or without the `:`) and MSG. No HOSTNAME when the first
//!   token is a TAG (ends with `:` or has a `[`); no TAG when the token after the hostname is not
//!   one. A TAG longer than [`MAX_TAG`] bytes is not taken as one (it stays in MSG).
//! - The same without `<PRI>` (`/var/log/syslog`, `/var/log/messages` files).
//! - `<PRI>` then anything else: a [`Flavor::Rfc3164`] line with only a priority, the rest is MSG.
//!
//! Errors: an empty line, a `<` that does not open a valid PRI (`<999>`), a broken RFC 5424 header
//! or structured data, and a line with neither a PRI nor a leading timestamp
//! ([`ParseError::NotSyslog`]).
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

use std::borrow::Cow;
use std::fmt;

use crate::Timestamp;

/// The SD-ID of the structured-data element that carries the intake key
/// (`[SEKOIA@53288 intake_key="..."]`): a secret, never to be copied into an event.
pub const INTAKE_KEY_SD_ID: &str = "SEKOIA@53288";
/// The parameter that carries the intake key.
pub const INTAKE_KEY_PARAM: &str = "intake_key";
/// The longest RFC 3164 TAG (app name, without `[pid]`) taken as one: RFC 5424's APP-NAME limit
/// (RFC 3164 says 32, which real app names exceed).
pub const MAX_TAG: usize = 48;
/// SD-ID and PARAM-NAME: at most 32 characters (RFC 5424 section 6.3.2/6.3.3).
const MAX_NAME: usize = 32;
const BOM: char = '\u{FEFF}';
const MONTHS: [&[u8; 3]; 12] = [
    b"Jan", b"Feb", b"Mar", b"Apr", b"May", b"Jun", b"Jul", b"Aug", b"Sep", b"Oct", b"Nov", b"Dec",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavor {
    /// `<PRI>VERSION ...`.
    Rfc5424,
    /// BSD syslog, including lines without a PRI and `<PRI>` + free text.
    Rfc3164,
}

/// Facility and severity of a PRI value 0..=191 (`facility * 8 + severity`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Priority {
    pub facility: u8,
    pub severity: u8,
}

impl Priority {
    /// The priority of a PRI value, `None` above 191.
    pub fn from_value(value: u8) -> Option<Priority> {
        (value <= 191).then_some(Priority {
            facility: value / 8,
            severity: value % 8,
        })
    }

    /// The PRI value (wrapping, so a hand-built out-of-range priority cannot panic).
    pub fn value(self) -> u8 {
        self.facility.wrapping_mul(8).wrapping_add(self.severity)
    }
}

/// A timestamp as written in the line: a civil date-time, with a year and an offset when the
/// line has them. Validated when parsed (a real date, `hh <= 23`, `mm <= 59`, `ss <= 60`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateTime {
    /// `None` for an RFC 3164 timestamp without a year (the usual case).
    pub year: Option<i32>,
    pub month: u8,
    pub day: u8,
    pub hour: u8,
    pub minute: u8,
    /// 60 for a leap second (read as the next second by [`DateTime::to_timestamp`]).
    pub second: u8,
    pub nanosecond: u32,
    /// East of UTC, in seconds; `None` when the line gives no zone (RFC 3164 always).
    pub offset_seconds: Option<i32>,
}

impl DateTime {
    /// The instant. A missing offset is `default_offset_seconds` (east of UTC; 0 for UTC). A
    /// missing year is inferred from `reference` (the reception time): the latest year that puts
    /// the instant no more than one day after `reference`, so a `Dec 31` line read on 1 January
    /// is last year's and a `Jan  1` line read on 31 December (clock skew) next year's; `Feb 29`
    /// goes back to the latest leap year. `None` if no year fits (a date that does not exist).
    pub fn to_timestamp(&self, reference: Timestamp, default_offset_seconds: i32) -> Option<Timestamp> {
        let offset = i64::from(self.offset_seconds.unwrap_or(default_offset_seconds));
        let instant = |year: i32| -> Option<i64> {
            if !valid_date(year, self.month, self.day) {
                return None;
            }
            let days = days_from_civil(i64::from(year), self.month, self.day);
            let seconds = i64::from(self.hour) * 3600 + i64::from(self.minute) * 60 + i64::from(self.second) - offset;
            days.checked_mul(86_400)?.checked_add(seconds)
        };
        let seconds = match self.year {
            Some(year) => instant(year)?,
            None => {
                let limit = reference.seconds.saturating_add(86_400);
                let (year, _, _) = civil_from_days(reference.seconds.div_euclid(86_400));
                let year = i32::try_from(year).ok()?;
                // Bounded: 10 candidate years, enough to reach a leap year for `Feb 29`.
                (year.saturating_sub(8)..=year.saturating_add(1))
                    .rev()
                    .filter_map(instant)
                    .find(|&t| t <= limit)?
            }
        };
        Some(Timestamp {
            seconds,
            nanoseconds: self.nanosecond,
        })
    }
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
    pub msg: &'a str,
}

impl<'a> SyslogLine<'a> {
    fn bare(flavor: Flavor, priority: Option<Priority>, msg: &'a str) -> Self {
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
            ParseError::Empty => f.write_str("empty line"),
            ParseError::NotSyslog => f.write_str("no <PRI> and no timestamp at the start of the line"),
            ParseError::Pri(reason) => write!(f, "invalid PRI: {reason}"),
            ParseError::Header(reason) => write!(f, "invalid RFC 5424 header: {reason}"),
            ParseError::Timestamp { value, reason } => write!(f, "invalid RFC 5424 timestamp {value:?}: {reason}"),
            ParseError::StructuredData(reason) => write!(f, "invalid structured data: {reason}"),
        }
    }
}

impl std::error::Error for ParseError {}

/// Parses one syslog line (see the module documentation for what is accepted).
pub fn parse(line: &str) -> Result<SyslogLine<'_>, ParseError> {
    let line = line
        .strip_suffix("\r\n")
        .or_else(|| line.strip_suffix('\n'))
        .or_else(|| line.strip_suffix('\0'))
        .unwrap_or(line);
    if line.is_empty() {
        return Err(ParseError::Empty);
    }
    let Some(after_lt) = line.strip_prefix('<') else {
        return rfc3164(None, line).ok_or(ParseError::NotSyslog);
    };
    let (priority, rest) = parse_pri(after_lt)?;
    if let Some((version, header)) = version(rest) {
        return rfc5424(priority, version, header);
    }
    Ok(rfc3164(Some(priority), rest).unwrap_or_else(|| SyslogLine::bare(Flavor::Rfc3164, Some(priority), rest)))
}

/// Parses STRUCTURED-DATA on its own (`[a@1 x="1"][b@2]`, or `-` / `""` for none), for example
/// a syslog envelope's: the whole string must be elements.
pub fn parse_structured_data(s: &str) -> Result<Vec<SdElement<'_>>, ParseError> {
    if s.is_empty() || s == "-" {
        return Ok(Vec::new());
    }
    if !s.starts_with('[') {
        return Err(ParseError::StructuredData(format!(
            "expected '-' or '[', found {}",
            first_char(s)
        )));
    }
    let (elements, rest) = sd_elements(s)?;
    if !rest.is_empty() {
        return Err(ParseError::StructuredData(format!(
            "unexpected {} after the last element",
            first_char(rest)
        )));
    }
    Ok(elements)
}

/// `1*3DIGIT ">"` (the `<` already consumed), value at most 191; leading zeros accepted.
fn parse_pri(s: &str) -> Result<(Priority, &str), ParseError> {
    let b = s.as_bytes();
    let digits = b.iter().take_while(|c| c.is_ascii_digit()).count();
    let error = |reason: String| Err(ParseError::Pri(reason));
    if digits == 0 {
        return error(format!("expected a digit after '<', found {}", first_char(s)));
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

/// Splits at the first SP: the token, and what follows the SP (`None` if there is no SP).
fn split_token(s: &str) -> (&str, Option<&str>) {
    match s.find(' ') {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    }
}

// ---------------------------------------------------------------------------------------------
// RFC 5424

/// `VERSION SP` (1–3 digits, nonzero first); `None` means "not RFC 5424".
fn version(s: &str) -> Option<(u16, &str)> {
    let b = s.as_bytes();
    let digits = b.iter().take(4).take_while(|c| c.is_ascii_digit()).count();
    if !(1..=3).contains(&digits) || b.first() == Some(&b'0') || b.get(digits) != Some(&b' ') {
        return None;
    }
    let version = b[..digits].iter().fold(0u16, |n, &d| n * 10 + u16::from(d - b'0'));
    Some((version, &s[digits + 1..]))
}

fn rfc5424(priority: Priority, version: u16, header: &str) -> Result<SyslogLine<'_>, ParseError> {
    let (ts, after) = split_token(header);
    let timestamp = match ts {
        "-" => None,
        _ => Some(parse_rfc3339(ts).map_err(|reason| ParseError::Timestamp {
            value: ts.to_owned(),
            reason,
        })?),
    };
    let mut rest = after;
    let hostname = field(&mut rest, "HOSTNAME", 255)?;
    let app_name = field(&mut rest, "APP-NAME", 48)?;
    let procid = field(&mut rest, "PROCID", 128)?;
    let msgid = field(&mut rest, "MSGID", 32)?;
    let (structured_data_raw, structured_data, msg) = match rest {
        None => (None, Vec::new(), ""),
        Some(sd) => sd_and_msg(sd)?,
    };
    Ok(SyslogLine {
        flavor: Flavor::Rfc5424,
        priority: Some(priority),
        version: Some(version),
        timestamp_raw: timestamp.is_some().then_some(ts),
        timestamp,
        hostname,
        app_name,
        procid,
        msgid,
        structured_data_raw,
        structured_data,
        msg,
    })
}

/// One `1*max PRINTUSASCII` header field, `-` meaning nil; advances `rest` past it and its SP.
fn field<'a>(rest: &mut Option<&'a str>, name: &str, max: usize) -> Result<Option<&'a str>, ParseError> {
    let error = |reason: String| Err(ParseError::Header(reason));
    let Some(s) = *rest else {
        return error(format!("missing {name}: the header ends before it"));
    };
    let (token, after) = split_token(s);
    *rest = after;
    if token.is_empty() {
        return error(format!("empty {name} (two spaces in a row?)"));
    }
    if let Some(c) = token.chars().find(|c| !matches!(c, '!'..='~')) {
        return error(format!("{name} contains {c:?}, not printable US-ASCII"));
    }
    if token.len() > max {
        return error(format!("{name} is {} bytes long, the maximum is {max}", token.len()));
    }
    Ok((token != "-").then_some(token))
}

type SdAndMsg<'a> = (Option<&'a str>, Vec<SdElement<'a>>, &'a str);

/// STRUCTURED-DATA (`-` or elements) and the optional `SP MSG` after it.
fn sd_and_msg(s: &str) -> Result<SdAndMsg<'_>, ParseError> {
    let (raw, elements, rest) = match s.as_bytes().first() {
        // A trailing SP after MSGID and nothing else: tolerated like a missing SD.
        None => return Ok((None, Vec::new(), "")),
        Some(b'-') => (None, Vec::new(), &s[1..]),
        Some(b'[') => {
            let (elements, rest) = sd_elements(s)?;
            (Some(&s[..s.len() - rest.len()]), elements, rest)
        }
        Some(_) => {
            return Err(ParseError::StructuredData(format!(
                "expected '-' or '[' after MSGID, found {}",
                first_char(s)
            )))
        }
    };
    let msg = match rest.strip_prefix(' ') {
        Some(msg) => msg.trim_start_matches(' '),
        None if rest.is_empty() => "",
        None => {
            return Err(ParseError::StructuredData(format!(
                "expected SP or end of line after STRUCTURED-DATA, found {}",
                first_char(rest)
            )))
        }
    };
    Ok((raw, elements, msg.strip_prefix(BOM).unwrap_or(msg)))
}

/// The elements at the start of `s` (which starts with `[`) and what follows the last `]`.
/// Tolerated beyond the ABNF: several SPs between parameters or before `]`, and an unescaped
/// `]` inside a quoted value (only `"` ends a value).
fn sd_elements(s: &str) -> Result<(Vec<SdElement<'_>>, &str), ParseError> {
    let mut elements = Vec::new();
    let mut rest = s;
    while let Some(after) = rest.strip_prefix('[') {
        let (element, after) = sd_element(after)?;
        elements.push(element);
        rest = after;
    }
    Ok((elements, rest))
}

/// One element after its `[`, up to and including its `]`.
fn sd_element(s: &str) -> Result<(SdElement<'_>, &str), ParseError> {
    let error = |reason: String| ParseError::StructuredData(reason);
    let (id, mut rest) = sd_name(s).map_err(|long| match long {
        Some(long) => error(format!("SD-ID {long:?} is longer than {MAX_NAME} characters")),
        None => error(format!("expected SD-ID after '[', found {}", first_char(s))),
    })?;
    let mut params = Vec::new();
    loop {
        let spaced = rest.starts_with(' ');
        rest = rest.trim_start_matches(' ');
        match rest.as_bytes().first() {
            Some(b']') => return Ok((SdElement { id, params }, &rest[1..])),
            None => return Err(error(format!("unterminated SD element [{id}: missing ']'"))),
            Some(_) if !spaced => {
                return Err(error(format!(
                    "expected SP or ']' in SD element [{id}, found {}",
                    first_char(rest)
                )))
            }
            Some(_) => {}
        }
        let (name, after) = sd_name(rest).map_err(|long| match long {
            Some(long) => error(format!("PARAM-NAME {long:?} is longer than {MAX_NAME} characters")),
            None => error(format!(
                "expected PARAM-NAME in SD element [{id}, found {}",
                first_char(rest)
            )),
        })?;
        let Some(after) = after.strip_prefix("=\"") else {
            return Err(error(format!(
                "expected '=\"' after PARAM-NAME {name:?} in SD element [{id}, found {}",
                first_char(after)
            )));
        };
        let (value, after) = sd_value(after).ok_or_else(|| {
            error(format!(
                "unterminated PARAM-VALUE of {name:?} in SD element [{id}: missing closing '\"'"
            ))
        })?;
        params.push(SdParam { name, value });
        rest = after;
    }
}

/// An SD-ID or PARAM-NAME: 1..=32 PRINTUSASCII except `=`, SP, `]` and `"`. The error is the
/// name when it is too long, `None` when there is none.
fn sd_name(s: &str) -> Result<(&str, &str), Option<&str>> {
    let len = s
        .bytes()
        .take_while(|&c| matches!(c, b'!'..=b'~') && !matches!(c, b'=' | b']' | b'"'))
        .count();
    // Only ASCII bytes were counted, so `len` is a char boundary.
    let (name, rest) = s.split_at(len);
    match name.len() {
        0 => Err(None),
        1..=MAX_NAME => Ok((name, rest)),
        _ => Err(Some(name)),
    }
}

/// A PARAM-VALUE after its opening quote: the unescaped value and what follows the closing
/// quote, or `None` if there is no closing quote.
fn sd_value(s: &str) -> Option<(Cow<'_, str>, &str)> {
    let b = s.as_bytes();
    let mut escaped = false;
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        match c {
            b'\\' if matches!(b.get(i + 1), Some(b'"' | b'\\' | b']')) => {
                escaped = true;
                i += 2;
            }
            b'"' => {
                // `i` is at an ASCII quote: both slices are on char boundaries.
                let raw = &s[..i];
                let value = if escaped {
                    Cow::Owned(unescape(raw))
                } else {
                    Cow::Borrowed(raw)
                };
                return Some((value, &s[i + 1..]));
            }
            _ => i += 1,
        }
    }
    None
}

fn unescape(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(&next @ ('"' | '\\' | ']')) = chars.peek() {
                out.push(next);
                chars.next();
                continue;
            }
        }
        out.push(c);
    }
    out
}

// ---------------------------------------------------------------------------------------------
// RFC 3164

/// Parses what follows the PRI (or the whole line without one); `None` if it does not start
/// with a readable timestamp.
fn rfc3164(priority: Option<Priority>, s: &str) -> Option<SyslogLine<'_>> {
    let b = s.as_bytes();
    let (timestamp, raw, rest) = if b.len() > 4 && b[3] == b' ' && is_month(&b[..3]) {
        bsd_timestamp(s)?
    } else if b.len() > 4 && b[..4].iter().all(u8::is_ascii_digit) && b[4] == b'-' {
        let (token, rest) = split_token(s);
        (parse_rfc3339(token).ok()?, token, rest)
    } else {
        return None;
    };
    let mut line = SyslogLine::bare(Flavor::Rfc3164, priority, "");
    line.timestamp = Some(timestamp);
    line.timestamp_raw = Some(raw);
    let Some(rest) = rest.map(|r| r.trim_start_matches(' ')) else {
        return Some(line);
    };
    let (first, after_first) = split_token(rest);
    // Senders that omit HOSTNAME start with the TAG, which ends in ':' or has a '[pid]';
    // a hostname never does.
    let tag_part = if first.ends_with(':') || first.contains('[') {
        Some(rest)
    } else {
        line.hostname = (!first.is_empty()).then_some(first);
        after_first.map(|r| r.trim_start_matches(' '))
    };
    let Some(tag_part) = tag_part else {
        return Some(line);
    };
    let (token, after_tag) = split_token(tag_part);
    line.msg = match tag(token) {
        Some((app, pid)) => {
            line.app_name = Some(app);
            line.procid = pid;
            after_tag.map_or("", |m| m.trim_start_matches(' '))
        }
        None => tag_part,
    };
    Some(line)
}

fn is_month(word: &[u8]) -> bool {
    MONTHS.iter().any(|m| m.eq_ignore_ascii_case(word))
}

fn month_number(word: &[u8]) -> Option<u8> {
    let index = MONTHS.iter().position(|m| m.eq_ignore_ascii_case(word))?;
    u8::try_from(index + 1).ok()
}

/// `Mmm[ ]d[d] [yyyy ]hh:mm:ss[.f]`: the date-time, its text, and what follows the SP after it
/// (`None` at the end of the line).
fn bsd_timestamp(s: &str) -> Option<(DateTime, &str, Option<&str>)> {
    let b = s.as_bytes();
    let digits_at = |at: usize| {
        b.get(at..)
            .map_or(0, |t| t.iter().take_while(|c| c.is_ascii_digit()).count())
    };
    let month = month_number(b.get(..3)?)?;
    let mut pos = 4 + usize::from(b.get(4) == Some(&b' '));
    let day_len = digits_at(pos);
    if !(1..=2).contains(&day_len) || b.get(pos + day_len) != Some(&b' ') {
        return None;
    }
    let day = number(b, pos, day_len)?;
    pos += day_len + 1;
    let mut year = None;
    if digits_at(pos) == 4 && b.get(pos + 4) == Some(&b' ') {
        year = Some(number(b, pos, 4)?);
        pos += 5;
    }
    let time_ok = (0..8).all(|i| match b.get(pos + i) {
        Some(b':') => i == 2 || i == 5,
        Some(c) => c.is_ascii_digit() && i != 2 && i != 5,
        None => false,
    });
    if !time_ok {
        return None;
    }
    let (hour, minute, second) = (number(b, pos, 2)?, number(b, pos + 3, 2)?, number(b, pos + 6, 2)?);
    pos += 8;
    let mut nanosecond = 0;
    if b.get(pos) == Some(&b'.') {
        let len = digits_at(pos + 1);
        if len == 0 {
            return None;
        }
        nanosecond = fraction(b, pos + 1, len)?;
        pos += 1 + len;
    }
    // The timestamp ends at an ASCII byte (or the end), so slicing there is safe.
    let (text, rest) = s.split_at(pos);
    let rest = match rest.strip_prefix(' ') {
        Some(r) => Some(r),
        None if rest.is_empty() => None,
        None => return None,
    };
    let datetime = DateTime {
        year: year.map(|y| y as i32),
        month,
        day: u8::try_from(day).ok()?,
        hour: u8::try_from(hour).ok()?,
        minute: u8::try_from(minute).ok()?,
        second: u8::try_from(second).ok()?,
        nanosecond,
        offset_seconds: None,
    };
    // Without a year, Feb 29 is possible (in some year).
    let date_ok = valid_date(datetime.year.unwrap_or(2000), month, datetime.day);
    (date_ok && hour <= 23 && minute <= 59 && second <= 60).then_some((datetime, text, rest))
}

/// `app[pid]:`, `app[pid]` or `app:` into the app name and pid (`None` if empty).
fn tag(token: &str) -> Option<(&str, Option<&str>)> {
    let body = token.strip_suffix(':').unwrap_or(token);
    let (app, pid) = match body.find('[') {
        Some(open) => {
            let app = &body[..open];
            let pid = body[open + 1..].strip_suffix(']')?;
            if app.is_empty() || pid.contains(['[', ']']) {
                return None;
            }
            (app, (!pid.is_empty()).then_some(pid))
        }
        None if body.len() < token.len() && !body.is_empty() => (body, None),
        None => return None,
    };
    (app.len() <= MAX_TAG).then_some((app, pid))
}

// ---------------------------------------------------------------------------------------------
// Dates

/// Strict RFC 3339 `YYYY-MM-DD"T"HH:MM:SS[.1*9DIGIT][Z|+HH:MM|-HH:MM]` (`t` and `z` may be
/// lowercase; a missing offset is left `None`).
fn parse_rfc3339(s: &str) -> Result<DateTime, String> {
    let b = s.as_bytes();
    let num = |at: usize, len: usize, what: &str| {
        number(b, at, len).ok_or_else(|| format!("expected {len}-digit {what} at byte {at}"))
    };
    let sep = |at: usize, set: &[u8], what: &str| match b.get(at) {
        Some(c) if set.contains(c) => Ok(()),
        _ => Err(format!("expected {what} at byte {at}")),
    };
    if s.is_empty() {
        return Err("empty TIMESTAMP (two spaces in a row?)".to_owned());
    }
    let year = num(0, 4, "year")?;
    sep(4, b"-", "'-'")?;
    let month = num(5, 2, "month")?;
    sep(7, b"-", "'-'")?;
    let day = num(8, 2, "day")?;
    sep(10, b"Tt", "'T'")?;
    let hour = num(11, 2, "hour")?;
    sep(13, b":", "':'")?;
    let minute = num(14, 2, "minute")?;
    sep(16, b":", "':'")?;
    let second = num(17, 2, "second")?;
    let mut pos = 19;
    let mut nanosecond = 0;
    if b.get(pos) == Some(&b'.') {
        let digits = b
            .get(pos + 1..)
            .map_or(0, |t| t.iter().take_while(|c| c.is_ascii_digit()).count());
        if !(1..=9).contains(&digits) {
            return Err(format!("expected 1 to 9 fractional digits, found {digits}"));
        }
        nanosecond = fraction(b, pos + 1, digits).unwrap_or(0);
        pos += 1 + digits;
    }
    let offset_seconds = match b.get(pos) {
        None => None,
        Some(b'Z' | b'z') => {
            pos += 1;
            Some(0)
        }
        Some(&sign @ (b'+' | b'-')) => {
            let hours = num(pos + 1, 2, "offset hour")?;
            sep(pos + 3, b":", "':' in the offset")?;
            let minutes = num(pos + 4, 2, "offset minute")?;
            if hours > 23 || minutes > 59 {
                return Err(format!("offset {hours:02}:{minutes:02} is out of range"));
            }
            pos += 6;
            let seconds = (hours * 3600 + minutes * 60) as i32;
            Some(if sign == b'-' { -seconds } else { seconds })
        }
        Some(_) => return Err(format!("expected 'Z', '+hh:mm' or '-hh:mm' at byte {pos}")),
    };
    if pos != b.len() {
        return Err(format!("unexpected text after the offset at byte {pos}"));
    }
    if hour > 23 || minute > 59 || second > 60 {
        return Err(format!("time {hour:02}:{minute:02}:{second:02} is out of range"));
    }
    // All below 10_000 (at most 4 digits): the casts cannot truncate.
    if !(1..=12).contains(&month) || !valid_date(year as i32, month as u8, day as u8) {
        return Err(format!("{year:04}-{month:02}-{day:02} is not a date"));
    }
    Ok(DateTime {
        year: Some(year as i32),
        month: month as u8,
        day: day as u8,
        hour: hour as u8,
        minute: minute as u8,
        second: second as u8,
        nanosecond,
        offset_seconds,
    })
}

/// `len` ASCII digits at `at` as a number (`len` <= 9).
fn number(b: &[u8], at: usize, len: usize) -> Option<u32> {
    let digits = b.get(at..at.checked_add(len)?)?;
    digits.iter().all(u8::is_ascii_digit).then(|| {
        digits
            .iter()
            .fold(0u32, |n, &d| n.wrapping_mul(10).wrapping_add(u32::from(d - b'0')))
    })
}

/// A fraction of `len` >= 1 digits at `at` as nanoseconds (digits past the 9th are ignored).
fn fraction(b: &[u8], at: usize, len: usize) -> Option<u32> {
    let used = len.min(9);
    let value = number(b, at, used)?;
    Some(value * 10u32.pow(9 - used as u32))
}

fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn valid_date(year: i32, month: u8, day: u8) -> bool {
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&day)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
fn days_from_civil(year: i64, month: u8, day: u8) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400); // [0, 399]
    let m = i64::from(month);
    let mp = if m > 2 { m - 3 } else { m + 9 }; // March = 0
    let doy = (153 * mp + 2) / 5 + i64::from(day) - 1; // [0, 365]
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy; // [0, 146096]
    era * 146_097 + doe - 719_468
}

/// The inverse of [`days_from_civil`] (only the year is used here).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(month <= 2), month, day)
}

/// The first character of `s` quoted, or "end of line", for error messages.
fn first_char(s: &str) -> String {
    match s.chars().next() {
        Some(c) => format!("{c:?}"),
        None => "end of line".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format_rfc3339;

    /// 2026-11-23T23:00:00Z, the fixtures' reception time.
    const NOW: Timestamp = Timestamp {
        seconds: 1_795_474_800,
        nanoseconds: 0,
    };

    fn ok(line: &str) -> SyslogLine<'_> {
        parse(line).unwrap_or_else(|e| panic!("{line:?}: {e}"))
    }

    fn ts_at(line: &SyslogLine<'_>, now: Timestamp) -> Option<String> {
        line.timestamp.and_then(|t| t.to_timestamp(now, 0)).map(format_rfc3339)
    }

    fn ts(line: &SyslogLine<'_>) -> Option<String> {
        ts_at(line, NOW)
    }

    fn at(rfc3339: &str) -> Timestamp {
        let t = parse_rfc3339(rfc3339)
            .expect("valid")
            .to_timestamp(NOW, 0)
            .expect("instant");
        assert_eq!(format_rfc3339(t).replace(".000Z", "Z"), rfc3339);
        t
    }

    fn sd(line: &SyslogLine<'_>) -> Vec<(String, Vec<(String, String)>)> {
        line.structured_data
            .iter()
            .map(|e| {
                let params = e
                    .params
                    .iter()
                    .map(|p| (p.name.to_owned(), p.value.to_string()))
                    .collect();
                (e.id.to_owned(), params)
            })
            .collect()
    }

    #[test]
    fn rfc5424_with_structured_data_and_bom() {
        let l = ok("<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 \
                    [exampleSDID@32473 iut=\"3\" eventSource=\"Application\" eventID=\"1011\"] \u{feff}An application event");
        assert_eq!(l.flavor, Flavor::Rfc5424);
        assert_eq!(
            l.priority,
            Some(Priority {
                facility: 20,
                severity: 5
            })
        );
        assert_eq!(l.priority.map(Priority::value), Some(165));
        assert_eq!(l.version, Some(1));
        assert_eq!(l.timestamp_raw, Some("2003-10-11T22:14:15.003Z"));
        assert_eq!(ts(&l).as_deref(), Some("2003-10-11T22:14:15.003Z"));
        assert_eq!(l.hostname, Some("mymachine.example.com"));
        assert_eq!(l.app_name, Some("evntslog"));
        assert_eq!(l.procid, None);
        assert_eq!(l.msgid, Some("ID47"));
        assert_eq!(
            l.structured_data_raw,
            Some("[exampleSDID@32473 iut=\"3\" eventSource=\"Application\" eventID=\"1011\"]")
        );
        assert_eq!(
            l.sd_element("exampleSDID@32473").and_then(|e| e.param("eventID")),
            Some("1011")
        );
        assert_eq!(l.structured_data[0].params.len(), 3);
        assert_eq!(l.msg, "An application event");
    }

    #[test]
    fn rfc5424_without_structured_data_and_nil_fields() {
        let l = ok("<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - 'su root' failed");
        assert_eq!((l.app_name, l.procid, l.msgid), (Some("su"), None, Some("ID47")));
        assert!(l.structured_data.is_empty() && l.structured_data_raw.is_none());
        assert_eq!(l.msg, "'su root' failed");

        let l = ok("<13>1 - - - - - -");
        assert_eq!((l.timestamp, l.timestamp_raw, l.hostname), (None, None, None));
        assert_eq!((l.app_name, l.procid, l.msgid, l.msg), (None, None, None, ""));
        for line in [
            "<13>1 - - - - -",
            "<13>1 - - - - - ",
            "<13>1 - - - - - - ",
            "<13>1 - - - - - -\n",
        ] {
            assert_eq!(ok(line).msg, "", "{line:?}");
        }
        assert_eq!(ok("<13>1 - - - - ID").msgid, Some("ID"));
    }

    #[test]
    fn rfc5424_offsets_fractions_and_leap_seconds() {
        let l = ok("<165>1 2003-08-24T05:14:15.000003-07:00 192.0.2.1 myproc 8710 - - %% It's time");
        assert_eq!(ts(&l).as_deref(), Some("2003-08-24T12:14:15.000003Z"));
        assert_eq!((l.hostname, l.procid), (Some("192.0.2.1"), Some("8710")));
        let cases = [
            ("<13>1 2026-11-23T10:00:00.5Z - - - - -", "2026-11-23T10:00:00.500Z"),
            (
                "<13>1 2026-11-23T10:00:00.123456789Z - - - - -",
                "2026-11-23T10:00:00.123456789Z",
            ),
            ("<13>1 2026-11-23t10:00:00z - - - - -", "2026-11-23T10:00:00.000Z"),
            ("<13>1 2016-12-31T23:59:60Z - - - - -", "2017-01-01T00:00:00.000Z"),
            ("<13>1 2026-01-01T00:30:00+01:00 - - - - -", "2025-12-31T23:30:00.000Z"),
            // No offset: UTC with the default offset 0.
            (
                "<13>1 2026-11-23T00:34:14 web00 nginx 4242 ACCESS - x",
                "2026-11-23T00:34:14.000Z",
            ),
        ];
        for (line, want) in cases {
            assert_eq!(ts(&ok(line)).as_deref(), Some(want), "{line:?}");
        }
        let l = ok("<13>1 2026-11-23T00:34:14 - - - - -");
        let paris = l.timestamp.and_then(|t| t.to_timestamp(NOW, 3600)).map(format_rfc3339);
        assert_eq!(paris.as_deref(), Some("2026-11-22T23:34:14.000Z"));
    }

    #[test]
    fn rfc5424_multiple_elements_escapes_and_intake_key() {
        let l = ok(r#"<13>1 - - - - - [a@1 x="1"][SEKOIA@53288 intake_key="KEY"][b@2 y="2" z="3"] msg"#);
        assert_eq!(l.structured_data.len(), 3);
        assert!(l.structured_data[1].is_intake_key());
        assert!(!l.structured_data[0].is_intake_key());
        assert_eq!(l.msg, "msg");
        let l = ok(r#"<13>1 - - - - - [m@1 k="v\"q\]\\" lit="a\nb" e="" br="1]2"] x"#);
        assert_eq!(
            sd(&l),
            vec![(
                "m@1".to_owned(),
                vec![
                    ("k".to_owned(), "v\"q]\\".to_owned()),
                    ("lit".to_owned(), "a\\nb".to_owned()),
                    ("e".to_owned(), String::new()),
                    ("br".to_owned(), "1]2".to_owned()),
                ]
            )]
        );
        assert!(matches!(l.structured_data[0].params[1].value, Cow::Borrowed(_)));
        assert!(matches!(l.structured_data[0].params[0].value, Cow::Owned(_)));
        assert!(ok(r#"<13>1 - - - - - [x@1][y@2]"#).structured_data.len() == 2);
        assert_eq!(
            ok(r#"<13>1 - - - - - [m@1  a="1"  b="2" ] x"#).structured_data[0]
                .params
                .len(),
            2
        );
        assert_eq!(ok("<13>1 - - - - - [x@1] a]b[c").msg, "a]b[c");
        let l = ok("<13>1 - - - - - [a@1] [b@2]");
        assert_eq!((l.structured_data.len(), l.msg), (1, "[b@2]"));
        assert_eq!(ok("<13>1 - - - - - - [INFO] started").msg, "[INFO] started");
        assert!(ok(r#"<13>1 - - - - - [m@1 k="héllo ✓"] ünïcode"#).msg == "ünïcode");
    }

    #[test]
    fn rfc5424_errors() {
        let err = |line: &str| parse(line).expect_err(line).to_string();
        assert_eq!(
            err("<13>1 2026-11-23T10:00:00Z host"),
            "invalid RFC 5424 header: missing APP-NAME: the header ends before it"
        );
        assert!(err("<13>1 2026-13-01T00:00:00Z h a p m -").starts_with("invalid RFC 5424 timestamp"));
        assert!(err("<13>1 yesterday h a p m -").starts_with("invalid RFC 5424 timestamp \"yesterday\""));
        assert!(err("<13>1 - h  a p m -").contains("empty APP-NAME"));
        assert!(err("<13>1 - h a p m [x@1 k=\"v]").contains("unterminated PARAM-VALUE"));
        assert!(err("<13>1 - h a p m [x@1 k=v]").contains("expected '=\"'"));
        assert!(err("<13>1 - h a p m [x@1").contains("missing ']'"));
        assert!(err("<13>1 - h a p m x").contains("expected '-' or '['"));
        assert!(err("<13>1 - h a p m [x@1]x").contains("expected SP or end of line"));
        assert!(err(&format!("<13>1 - h a p m [{}]", "x".repeat(33))).contains("longer than 32"));
        assert!(err(&format!("<13>1 - h {} p m -", "x".repeat(49))).contains("APP-NAME is 49 bytes long"));
        assert!(err("<13>1 - h\u{e9} a p m -").contains("not printable US-ASCII"));
    }

    #[test]
    fn priority_edge_cases() {
        let err = |line: &str| parse(line).expect_err(line).to_string();
        assert_eq!(err("<999>1 - - - - - -"), "invalid PRI: <999> is above 191");
        assert_eq!(err("<192>x"), "invalid PRI: <192> is above 191");
        assert_eq!(err("<1234>x"), "invalid PRI: \"<1234...\" has more than 3 digits");
        assert_eq!(err("<>x"), "invalid PRI: expected a digit after '<', found '>'");
        assert_eq!(err("<"), "invalid PRI: expected a digit after '<', found end of line");
        assert_eq!(err("<13"), "invalid PRI: expected '>' after \"<13\"");
        assert_eq!(
            ok("<0>Oct 11 22:14:15 h a: x").priority,
            Some(Priority {
                facility: 0,
                severity: 0
            })
        );
        assert_eq!(ok("<013>x").priority.map(Priority::value), Some(13));
        assert_eq!(
            ok("<191>x").priority,
            Some(Priority {
                facility: 23,
                severity: 7
            })
        );
        // PRI then free text: priority only, the rest is MSG.
        for (line, msg) in [
            ("<13>hello world", "hello world"),
            ("<13>", ""),
            ("<13>1", "1"),
            ("<13>1x", "1x"),
            ("<13>0 - -", "0 - -"),
        ] {
            let l = ok(line);
            assert_eq!(
                (l.flavor, l.msg, l.timestamp, l.hostname),
                (Flavor::Rfc3164, msg, None, None),
                "{line:?}"
            );
        }
        assert_eq!(err(""), "empty line");
        assert_eq!(err("\n"), "empty line");
    }

    /// (line, hostname, app, pid, msg)
    type Bsd = (
        &'static str,
        Option<&'static str>,
        Option<&'static str>,
        Option<&'static str>,
        &'static str,
    );

    #[test]
    fn rfc3164_variants() {
        let l = ok("<34>Oct 11 22:14:15 mymachine su: 'su root' failed for lonvick on /dev/pts/8");
        assert_eq!(l.flavor, Flavor::Rfc3164);
        assert_eq!((l.priority.map(Priority::value), l.version), (Some(34), None));
        assert_eq!(l.timestamp_raw, Some("Oct 11 22:14:15"));
        assert_eq!(ts(&l).as_deref(), Some("2026-10-11T22:14:15.000Z"));
        assert_eq!(
            (l.hostname, l.app_name, l.procid),
            (Some("mymachine"), Some("su"), None)
        );
        assert_eq!(l.msg, "'su root' failed for lonvick on /dev/pts/8");

        // (line, hostname, app, pid, msg)
        let cases: &[Bsd] = &[
            (
                "<30>Nov  2 03:04:05 host sshd[1234]: Accepted",
                Some("host"),
                Some("sshd"),
                Some("1234"),
                "Accepted",
            ),
            (
                "<13>Nov 2 03:04:05 host app: unpadded day",
                Some("host"),
                Some("app"),
                None,
                "unpadded day",
            ),
            (
                "<13>Nov 22 23:16:24 sshd[99]: no host",
                None,
                Some("sshd"),
                Some("99"),
                "no host",
            ),
            (
                "<6>Nov 22 23:16:24 kernel: [  0.000000] Linux",
                None,
                Some("kernel"),
                None,
                "[  0.000000] Linux",
            ),
            (
                "<13>Nov 22 23:16:24 host just some text",
                Some("host"),
                None,
                None,
                "just some text",
            ),
            (
                "<13>Nov 22 23:16:24 host app[12] text",
                Some("host"),
                Some("app"),
                Some("12"),
                "text",
            ),
            (
                "<13>Nov 22 23:16:24 host app[]: text",
                Some("host"),
                Some("app"),
                None,
                "text",
            ),
            ("<13>Nov 22 23:16:24 [x text", None, None, None, "[x text"),
            (
                "<189>Nov 22 23:16:24 10.0.0.1 %LINK-3-UPDOWN: up",
                Some("10.0.0.1"),
                Some("%LINK-3-UPDOWN"),
                None,
                "up",
            ),
            (
                "<13>Nov 22 23:16:24  host  app:   spaced",
                Some("host"),
                Some("app"),
                None,
                "spaced",
            ),
            (
                "<13>Nov 22 23:16:24 host postfix/smtpd[7]: x",
                Some("host"),
                Some("postfix/smtpd"),
                Some("7"),
                "x",
            ),
            (
                "<13>Nov 22 23:16:24 héllo ünï: ✓",
                Some("héllo"),
                Some("ünï"),
                None,
                "✓",
            ),
            // Truncated lines.
            ("<13>Nov 22 23:16:24", None, None, None, ""),
            ("<13>Nov 22 23:16:24 ", None, None, None, ""),
            ("<13>Nov 22 23:16:24 host", Some("host"), None, None, ""),
            ("<13>Nov 22 23:16:24 host app:", Some("host"), Some("app"), None, ""),
            ("<13>Nov 22 23:16:24 host app[12", Some("host"), None, None, "app[12"),
        ];
        for &(line, host, app, pid, msg) in cases {
            let l = ok(line);
            assert_eq!(
                (l.hostname, l.app_name, l.procid, l.msg),
                (host, app, pid, msg),
                "{line:?}"
            );
            assert!(l.timestamp.is_some(), "{line:?}");
        }
    }

    #[test]
    fn rfc3164_tag_length() {
        let tag32 = "a".repeat(32);
        let tag48 = "b".repeat(48);
        let tag49 = "c".repeat(49);
        let line = format!("<13>Nov 22 23:16:24 host {tag32}[1]: x");
        assert_eq!(ok(&line).app_name, Some(tag32.as_str()));
        let line = format!("<13>Nov 22 23:16:24 host {tag48}: x");
        assert_eq!(ok(&line).app_name, Some(tag48.as_str()));
        let line = format!("<13>Nov 22 23:16:24 host {tag49}: x");
        let l = ok(&line);
        assert_eq!((l.hostname, l.app_name), (Some("host"), None));
        assert_eq!(l.msg, format!("{tag49}: x"));
    }

    #[test]
    fn rfc3164_without_pri_and_iso_timestamps() {
        let l = ok("Oct  3 04:05:06 host sshd[123]: msg");
        assert_eq!((l.flavor, l.priority), (Flavor::Rfc3164, None));
        assert_eq!(ts(&l).as_deref(), Some("2026-10-03T04:05:06.000Z"));
        assert_eq!(
            (l.hostname, l.app_name, l.procid, l.msg),
            (Some("host"), Some("sshd"), Some("123"), "msg")
        );

        let l = ok("2024-05-01T12:00:00.123456+02:00 host app[1]: msg\n");
        assert_eq!(l.timestamp_raw, Some("2024-05-01T12:00:00.123456+02:00"));
        assert_eq!(ts(&l).as_deref(), Some("2024-05-01T10:00:00.123456Z"));
        assert_eq!(
            (l.hostname, l.app_name, l.procid, l.msg),
            (Some("host"), Some("app"), Some("1"), "msg")
        );

        let l = ok("<13>2026-11-23T01:00:00.5+01:00 h a[1]: x");
        assert_eq!(
            (l.priority.map(Priority::value), ts(&l).as_deref()),
            (Some(13), Some("2026-11-23T00:00:00.500Z"))
        );
        assert_eq!(
            ts(&ok("<13>2026-11-23T01:00:00")).as_deref(),
            Some("2026-11-23T01:00:00.000Z")
        );

        for line in [
            "hello world",
            "2024-05-01 12:00:00 fw1 sshd[4242]: space instead of T",
            "1 2026-11-23T00:00:00Z h a - - - no PRI",
            "Nov 99 23:16:24 h a: x",
            "November rain",
            "ünïcode ✓",
            "   ",
        ] {
            assert_eq!(parse(line), Err(ParseError::NotSyslog), "{line:?}");
        }
    }

    #[test]
    fn rfc3164_bad_timestamps_keep_the_priority() {
        for line in [
            "<13>November rain",
            "<13>Nov 99 23:16:24 h a: x",
            "<13>Feb 30 23:16:24 h a: x",
            "<13>Nov 22 2316:24 h",
            "<13>Nov 22 23:16:24x h",
            "<13>Nov 22 24:00:00 h",
            "<13>2026-13-01T00:00:00 h a: x",
        ] {
            let l = ok(line);
            assert_eq!(
                (l.priority.map(Priority::value), l.timestamp),
                (Some(13), None),
                "{line:?}"
            );
            assert_eq!(l.msg, &line[4..], "{line:?}");
        }
    }

    #[test]
    fn rfc3164_years() {
        let with_year = ok("<13>Nov 22 2024 23:16:24 host app: with year");
        assert_eq!(ts(&with_year).as_deref(), Some("2024-11-22T23:16:24.000Z"));
        let fraction = ok("<13>nov 22 23:16:24.250 host app: fraction");
        assert_eq!(ts(&fraction).as_deref(), Some("2026-11-22T23:16:24.250Z"));
        // More than a day ahead of the reception time: last year.
        let cases = [
            ("Dec 25 10:00:00", "2026-11-23T23:00:00Z", "2025-12-25T10:00:00.000Z"),
            ("Nov 24 22:59:59", "2026-11-23T23:00:00Z", "2026-11-24T22:59:59.000Z"),
            ("Nov 25 00:00:00", "2026-11-23T23:00:00Z", "2025-11-25T00:00:00.000Z"),
            ("Dec 31 23:59:00", "2027-01-01T00:10:00Z", "2026-12-31T23:59:00.000Z"),
            ("Jan  1 00:05:00", "2026-12-31T23:50:00Z", "2027-01-01T00:05:00.000Z"),
            ("Oct 11 22:14:15", "2026-01-01T00:00:00Z", "2025-10-11T22:14:15.000Z"),
            ("Feb 29 12:00:00", "2026-11-23T12:00:00Z", "2024-02-29T12:00:00.000Z"),
        ];
        for (stamp, now, want) in cases {
            let l = ok(stamp);
            assert_eq!(ts_at(&l, at(now)).as_deref(), Some(want), "{stamp} at {now}");
        }
    }

    #[test]
    fn structured_data_on_its_own() {
        let elements = parse_structured_data(r#"[a@1 x="1"][b@2]"#).expect("valid");
        assert_eq!(elements.len(), 2);
        assert_eq!(parse_structured_data("-"), Ok(Vec::new()));
        assert_eq!(parse_structured_data(""), Ok(Vec::new()));
        assert!(parse_structured_data("x").is_err());
        assert!(parse_structured_data("[a@1] tail").is_err());
    }

    #[test]
    fn never_panics_on_prefixes_of_tricky_lines() {
        let lines = [
            "<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut=\"3\" k=\"a\\\"b\"] \u{feff}An application",
            "<34>Oct 11 22:14:15.123456789012 mymachine su[12]: 'su root' ✓ failed",
            "2024-05-01T12:00:00.123456+02:00 hôst app[1]: msg",
            "<13>Nov 22 2024 23:16:24 host app: with year",
        ];
        for line in lines {
            for (i, _) in line.char_indices() {
                let _ = parse(&line[..i]);
            }
        }
        assert_eq!(
            ts(&ok("<34>Oct 11 22:14:15.123456789012 h a: x")).as_deref(),
            Some("2026-10-11T22:14:15.123456789Z")
        );
    }
}
