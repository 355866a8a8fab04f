//! Whole lines: what a format reads before its own payload.
//!
//! An event reaches a format as the syslog MSG alone (syslog and RELP listeners, which parse the
//! header into the envelope) or as a whole line from a file or a relay (HTTPS `/plain`,
//! `/plain/batch`): `<PRI>` or not, an RFC 5424 header, an RFC 3164 one (`Oct 11 22:14:15 host
//! sshd[42]: ...`), an RFC 3339 time prefix (`2019-10-08T11:29:05+02:00 host unbound[1]: ...`,
//! rsyslog's file format), or the MSG with leading spaces. [`split`] takes the prefix off and
//! [`insert_prefix_fields`] turns it into ECS fields where the envelope said nothing.
//!
//! ```
//! use edge_format_sdk::line;
//!
//! let l = line::split("2019-10-08T11:29:05+02:00 hostfoo unbound[17265]: [17265:13] info: x");
//! assert_eq!((l.hostname, l.app_name, l.procid), (Some("hostfoo"), Some("unbound"), Some("17265")));
//! assert_eq!(l.msg, "[17265:13] info: x");
//! assert_eq!(line::split("  Accepted password for bob").msg, "Accepted password for bob");
//! ```

use crate::syslog_line::{self, DateTime, Priority};
use crate::{format_rfc3339, Event, Sink, Timestamp};

/// What the front of a line said, and the MSG after it. Every `&str` borrows from the line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Prefixed<'a> {
    pub priority: Option<Priority>,
    pub timestamp: Option<DateTime>,
    pub hostname: Option<&'a str>,
    /// The TAG's program name (`sshd` in `sshd[42]:`), or RFC 5424's APP-NAME.
    pub app_name: Option<&'a str>,
    /// The TAG's `[pid]`, or RFC 5424's PROCID.
    pub procid: Option<&'a str>,
    /// The message after the prefix, without leading spaces (and without one line terminator).
    pub msg: &'a str,
}

/// The longest text accepted before a JSON document when the line parser did not read it as a
/// prefix (a relay's `okta: ` tag): longer means the line is not such an event.
pub const MAX_JSON_TAG: usize = 128;

/// Why [`json_document`] found no JSON document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoJson {
    /// Nothing but blanks.
    Empty,
    /// No document where one may start.
    Missing,
}

/// The JSON document of an event that is a JSON document alone, or one after a syslog or time
/// prefix ([`split`]), or after a short tag that prefix parsing did not read (`okta: {...}`, at
/// most [`MAX_JSON_TAG`] bytes, without quotes or brackets). `openers` are the characters a
/// document may start with (`{`, `[`). The prefix comes back with `msg` = the document's text
/// (not parsed: the caller does, with its own error message).
pub fn json_document<'a>(raw: &'a str, openers: &[char]) -> Result<Prefixed<'a>, NoJson> {
    let raw = raw.trim_end_matches(['\r', '\n']);
    if raw.trim().is_empty() {
        return Err(NoJson::Empty);
    }
    let bare = raw.trim_start_matches([' ', '\t', '\u{FEFF}']);
    let alone = bare.starts_with(openers);
    let mut prefix = if alone { Prefixed::default() } else { split(raw) };
    let text = if alone { bare } else { prefix.msg };
    prefix.msg = match text.find(openers) {
        Some(0) => text,
        Some(at) if at <= MAX_JSON_TAG && !text[..at].contains(['"', '[', '{']) => &text[at..],
        _ => return Err(NoJson::Missing),
    };
    Ok(prefix)
}

/// Splits `line` into its syslog or time prefix (if any) and the MSG. Never fails: a line with
/// no prefix this reads (or one whose prefix is broken) is all MSG, leading spaces removed.
pub fn split(line: &str) -> Prefixed<'_> {
    let whole = || Prefixed {
        msg: trim_message(line),
        ..Prefixed::default()
    };
    match syslog_line::parse(line) {
        Ok(parsed) => Prefixed {
            priority: parsed.priority,
            timestamp: parsed.timestamp,
            hostname: parsed.hostname,
            app_name: parsed.app_name,
            procid: parsed.procid,
            msg: trim_message(parsed.msg),
        },
        Err(_) => whole(),
    }
}

/// Like [`split`], and when no syslog prefix was found, a bare `name[pid]: ` TAG (a program's own
/// log file, a relay that kept only the TAG) is read as the program and pid, if `is_program`
/// accepts the name.
pub fn split_tagged<'a>(line: &'a str, is_program: impl Fn(&str) -> bool) -> Prefixed<'a> {
    let mut prefix = split(line);
    if prefix.app_name.is_none() {
        let tag = prefix.msg.split_once("]: ").and_then(|(tag, rest)| {
            let (name, pid) = tag.split_once('[')?;
            let pid_ok = !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit());
            (pid_ok && is_program(name)).then_some((name, pid, rest))
        });
        if let Some((name, pid, rest)) = tag {
            prefix.app_name = Some(name);
            prefix.procid = Some(pid);
            prefix.msg = rest.trim_start();
        }
    }
    prefix
}

/// The program that wrote the event: the envelope's syslog APP-NAME (none when empty or `-`),
/// else the line's own TAG.
pub fn program<'a>(event: &'a Event, prefix: &Prefixed<'a>) -> Option<&'a str> {
    event
        .syslog
        .as_ref()
        .and_then(|h| h.app_name.as_deref())
        .filter(|a| !a.is_empty() && *a != "-")
        .or(prefix.app_name)
}

fn trim_message(s: &str) -> &str {
    let s = s.strip_suffix("\r\n").or_else(|| s.strip_suffix('\n')).unwrap_or(s);
    s.trim_start_matches([' ', '\t', '\u{FEFF}'])
}

/// Sets, from `prefix`, what the event's envelope did not give: `host.name`, `process.name`,
/// `process.pid` (a number), `log.syslog.*` for the priority, and `@timestamp` (the prefix's
/// time, its year inferred from the reception time and its zone UTC when the line has none).
/// Fields already set are kept.
pub fn insert_prefix_fields<'a>(sink: &mut impl Sink<'a>, prefix: &Prefixed<'a>, event: &'a Event) {
    let header = event.syslog.as_ref();
    let hostname = header.and_then(|h| h.hostname.as_deref()).or(prefix.hostname);
    if let Some(host) = hostname.filter(|h| !h.is_empty() && *h != "-") {
        sink.set_default("host.name", host);
    }
    let app = header.and_then(|h| h.app_name.as_deref()).or(prefix.app_name);
    if let Some(app) = app.filter(|a| !a.is_empty() && *a != "-") {
        sink.set_default("process.name", app);
    }
    let procid = header.and_then(|h| h.procid.as_deref()).or(prefix.procid);
    if let Some(pid) = procid.and_then(|p| p.parse::<u64>().ok()) {
        sink.set_default("process.pid", pid);
    }
    if header.is_none_or(|h| h.facility.is_none()) {
        if let Some(priority) = prefix.priority {
            sink.set_default("log.syslog.priority", priority.value());
            sink.set_default("log.syslog.facility.code", priority.facility);
            sink.set_default("log.syslog.facility.name", crate::facility_name(priority.facility));
            sink.set_default("log.syslog.severity.code", priority.severity);
            sink.set_default("log.syslog.severity.name", crate::severity_name(priority.severity));
        }
    }
    if event.client_time.is_none() {
        if let Some(time) = prefix.timestamp.and_then(|t| t.to_timestamp(event.received_at, 0)) {
            sink.set_default(crate::TIMESTAMP, format_rfc3339(time));
        }
    }
}

/// The instant of a prefix's time, as [`insert_prefix_fields`] reads it.
pub fn prefix_time(prefix: &Prefixed<'_>, event: &Event) -> Option<Timestamp> {
    prefix.timestamp.and_then(|t| t.to_timestamp(event.received_at, 0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shape_of_line_gives_the_same_message() {
        let msg = "Accepted publickey for bob from 10.0.0.1 port 2222 ssh2";
        for line in [
            msg.to_string(),
            format!(" {msg}"),
            format!("   {msg}\n"),
            format!("Oct 11 22:14:15 host sshd[4321]: {msg}"),
            format!("<38>Oct 11 22:14:15 host sshd[4321]: {msg}"),
            format!("<38>Oct  1 22:14:15 host sshd[4321]: {msg}"),
            format!("2019-10-08T11:29:05+02:00 host sshd[4321]: {msg}"),
            format!("<38>2019-10-08T11:29:05.123456+02:00 host sshd[4321]: {msg}"),
            format!("<38>1 2019-10-08T11:29:05Z host sshd 4321 - - {msg}"),
            format!("<38>1 2019-10-08T11:29:05Z host sshd 4321 - [a@1 b=\"c\"] \u{FEFF}{msg}"),
        ] {
            let prefix = split(&line);
            assert_eq!(prefix.msg, msg, "{line:?}");
            if line.len() > msg.len() + 8 {
                assert_eq!(prefix.hostname, Some("host"), "{line:?}");
                assert_eq!(
                    (prefix.app_name, prefix.procid),
                    (Some("sshd"), Some("4321")),
                    "{line:?}"
                );
                assert!(prefix.timestamp.is_some(), "{line:?}");
            }
        }
    }

    #[test]
    fn a_broken_prefix_leaves_the_whole_line() {
        for line in [
            "<999>Oct 11 x",
            "[17265:13] info: x",
            "CEF:0|a|b|1|2|n|3|",
            "10.0.0.1 - - [x]",
        ] {
            assert_eq!(split(line).msg, line);
            assert_eq!(split(line).hostname, None);
        }
    }
}
