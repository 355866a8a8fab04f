//! RFC 5424: `VERSION SP TIMESTAMP SP HOSTNAME SP APP-NAME SP PROCID SP MSGID SP
//! STRUCTURED-DATA [SP MSG]` (the PRI already read).
//!
//! Strict where the grammar is unambiguous (field charset and lengths, timestamp shape), tolerant
//! of what real senders are seen to emit:
//! - MSG: the RFC separates it from STRUCTURED-DATA by exactly one SP. The Sekoia/rsyslog template
//!   `... LOG [SEKOIA@53288 intake_key="KEY"] %msg%` puts a second one before the text when the
//!   input was RFC 3164 (rsyslog's `%msg%` keeps the space after `TAG:`), so after the separator
//!   every further leading SP is stripped too, then a UTF-8 BOM. Leading spaces are never
//!   meaningful in a log line, and keeping them would make one sender's events differ by format.
//! - No STRUCTURED-DATA at all after MSGID (`<13>1 - - - - -`), or nothing after it: MSG is "".
//! - A timestamp without an offset (loggen: `2026-11-23T00:34:14`), up to 9 fraction digits
//!   (RFC: 6), a leap second `:60` (see `timestamp.rs`).

use crate::structured_data::sd_elements;
use crate::timestamp::parse_rfc3339;
use crate::{first_char, split_token, Flavor, ParseError, Priority, SdElement, SyslogLine};
use alloc::borrow::ToOwned;
use alloc::format;
use alloc::vec::Vec;

const BOM: char = '\u{FEFF}';

/// Reads `VERSION SP` (1–3 digits, nonzero first); `None` means "not RFC 5424".
pub(crate) fn version(s: &str) -> Option<(u16, &str)> {
    let b = s.as_bytes();
    let digits = b.iter().take(4).take_while(|c| c.is_ascii_digit()).count();
    if !(1..=3).contains(&digits) || b.first() == Some(&b'0') || b.get(digits) != Some(&b' ') {
        return None;
    }
    let version = b[..digits].iter().fold(0u16, |n, &d| n * 10 + u16::from(d - b'0'));
    Some((version, &s[digits + 1..]))
}

/// Parses what follows `VERSION SP`.
pub(crate) fn parse(priority: Priority, version: u16, header: &str) -> Result<SyslogLine<'_>, ParseError> {
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
/// The length is checked first, so that the error quotes at most `max` bytes of the field.
fn field<'a>(rest: &mut Option<&'a str>, name: &str, max: usize) -> Result<Option<&'a str>, ParseError> {
    let error = |reason| Err(ParseError::Header(reason));
    let Some(s) = *rest else {
        return error(format!("missing {name}: the header ends before it"));
    };
    let (token, after) = split_token(s);
    *rest = after;
    if token.is_empty() {
        return error(format!("empty {name} (two spaces in a row?)"));
    }
    if token.len() > max {
        return error(format!("{name} is {} bytes long, the maximum is {max}", token.len()));
    }
    if let Some(c) = token.chars().find(|c| !matches!(c, '!'..='~')) {
        return error(format!("{name} {token:?} contains {c:?}, not printable US-ASCII"));
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
                first_char(s, "end of message")
            )))
        }
    };
    let msg = match rest.strip_prefix(' ') {
        Some(msg) => msg.trim_start_matches(' '),
        None if rest.is_empty() => "",
        None => {
            return Err(ParseError::StructuredData(format!(
                "expected SP or end of message after STRUCTURED-DATA, found {}",
                first_char(rest, "end of message")
            )))
        }
    };
    Ok((raw, elements, msg.strip_prefix(BOM).unwrap_or(msg)))
}
