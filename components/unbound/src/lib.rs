//! The `unbound` format: logs of the Unbound DNS resolver.
//!
//! Accepted line shapes: Unbound's text (the syslog MSG), behind any prefix that
//! [`edge_format_sdk::line`] reads (RFC 3164/5424 with or without PRI, an RFC 3339 time prefix,
//! leading spaces), and Unbound's own log file lines:
//!
//! ```text
//! [764008:0] info: 198.51.100.10 example.org. A IN                            (syslog MSG)
//! 2019-10-08T11:29:05+02:00 hostfoo unbound[17265]: [17265:13] info: ...      (whole line)
//! unbound: [764008:0] info: ...                                               (syslog tag kept)
//! [1700000000] unbound[764008:0] info: ...                                    (log file)
//! Oct 08 11:29:05 unbound[764008:0] info: ...                                 (log-time-ascii)
//! 2024-01-05T10:00:00.123+01:00 unbound[764008:0] info: ...                   (log-time-iso)
//! ```
//!
//! i.e. `[pid:thread]` then `level: text` (`info`, `notice`, `warning`, `error`, `debug`,
//! `query`, `reply`, `fatal error`, ...). The thread is decimal (Unbound ≥ 1.13 logs the
//! system thread id with `%d`); older versions wrote `%x`, read as hex only when it has a
//! letter. Anything else is rejected with a reason.
//!
//! Fields: always `message` (the text after `level: `), `log.level`, `process.pid`,
//! `process.thread.id` (numbers), `event.kind` = `event`, the envelope (`log.syslog.*`,
//! `log.hostname`, `log.source.address`) and dotted metadata; from the prefix where the envelope
//! has none: `host.name`, `process.name`, `log.syslog.*` (priority) and `@timestamp` (also from
//! the log file's `[epoch]` or time); `process.name` = `unbound` when the line names it.
//!
//! | text | fields | event.category / type | event.action |
//! |---|---|---|---|
//! | query (`log-queries`: `ip name type class`) | `source.ip`/`address`, `client.ip`, `dns.question.name` (no trailing dot; `.` for the root), `.type`, `.class`, `.registered_domain`, `.subdomain`, `.top_level_domain` (public suffix list), `dns.type` = `query`, `related.ip`/`hosts` | network / protocol | dns_query |
//! | reply (`log-replies`: the same then `rcode seconds cached size[ on <transport> <ip> <port>]`) | the same with `dns.type` = `answer`, `dns.response_code`, `event.outcome` (`success` for NOERROR), `event.duration` (ns), `unbound.reply.cached` (bool), `unbound.reply.size` (bytes); with `log-destaddr`: `destination.ip`/`port`, `network.transport`, `unbound.reply.transport` (`udp`, `tcp`, `dot`, `doh`); FORMERR (`ip - - - FORMERR - - -`) has no question | network / protocol | dns_reply |
//! | `resolving`, `response for`, `generate keytag query` `<name. TYPE CLASS>` | `dns.question.*` | network / protocol | dns_resolving / dns_response / dns_keytag_query |
//! | `validation failure <name. TYPE CLASS>: <why>`, `SERVFAIL <...>: <why>` (`log-servfail`, any level) | `dns.question.*`, `event.reason`, `event.outcome` = failure, `dns.response_code` | network / protocol | dns_validation_failure / dns_servfail |
//! | `reply from <zone.> ip#port` | `server.ip`/`port`, `unbound.zone` | network / protocol | dns_reply_from |
//! | `start of service (unbound X)`, `service stopped (unbound X)` | `service.version`, `event.outcome` = success | process / start, end | service_start / service_stop |
//! | `server stats for thread <n>: ...`, `average recursion processing time`, `mesh has ...` | `event.kind` = `metric`, `unbound.stats.*` (each number named by its words) | | statistics |
//!
//! Other texts (`notice: init module 0: validator`, `error: can't bind socket ...`) keep
//! `log.level` and `message` only.

use edge_format_sdk::line::{self, Prefixed};
use edge_format_sdk::{
    describe, format_rfc3339, insert_envelope, insert_metadata, normalize_flat, Description, Event, Fields, Format,
    Sink, Timestamp,
};

mod messages;
mod stats;

use messages::all_digits;

pub struct Unbound;

/// The header of an Unbound line, before the text.
#[derive(Debug)]
struct Line<'a> {
    epoch: Option<i64>,
    named: bool,
    pid: u64,
    thread: u64,
    level: &'a str,
    text: &'a str,
}

fn not_unbound() -> String {
    "not an unbound log line: expected `[pid:thread] level: text`".to_string()
}

/// `pid` and `thread` of `[pid:thread]`.
fn pid_thread(pid: &str, thread: &str) -> Result<(u64, u64), String> {
    if !all_digits(pid) || thread.is_empty() || !thread.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(not_unbound());
    }
    let pid = pid.parse().map_err(|_| "process id out of range".to_string())?;
    let radix = if all_digits(thread) { 10 } else { 16 };
    let thread = u64::from_str_radix(thread, radix).map_err(|_| "thread id out of range".to_string())?;
    Ok((pid, thread))
}

/// `level: text`.
fn level_text(s: &str) -> Result<(&str, &str), String> {
    let (level, text) = s.split_once(':').ok_or_else(not_unbound)?;
    if level.is_empty() || level.len() > 20 || !level.bytes().all(|b| b.is_ascii_lowercase() || b == b' ') {
        return Err(not_unbound());
    }
    Ok((level, text.strip_prefix(' ').unwrap_or(text)))
}

/// The MSG after any syslog prefix: `[epoch] `? `unbound:`|`unbound`? `[pid:thread] level: text`.
fn parse_msg(msg: &str) -> Result<Line<'_>, String> {
    let mut rest = msg.trim_end_matches(['\r', '\n']).trim_start();
    let mut epoch = None;
    // `[1700000000] `: a bracket without a colon is the log file's timestamp.
    if let Some((inner, tail)) = rest.strip_prefix('[').and_then(|after| after.split_once(']')) {
        if all_digits(inner) {
            epoch = Some(inner.parse::<i64>().map_err(|_| "timestamp out of range".to_string())?);
            rest = tail.trim_start();
        }
    }
    let mut named = false;
    if let Some(tail) = rest.strip_prefix("unbound") {
        if let Some(tail) = tail.strip_prefix(':') {
            rest = tail.trim_start();
            named = true;
        } else if tail.starts_with('[') {
            rest = tail;
            named = true;
        }
    }
    let (inner, tail) = rest
        .strip_prefix('[')
        .and_then(|after| after.split_once(']'))
        .ok_or_else(not_unbound)?;
    let (pid, thread) = inner.split_once(':').ok_or_else(not_unbound)?;
    let (pid, thread) = pid_thread(pid, thread)?;
    let (level, text) = level_text(tail.strip_prefix(' ').ok_or_else(not_unbound)?)?;
    Ok(Line {
        epoch,
        named,
        pid,
        thread,
        level,
        text,
    })
}

/// The whole event: a syslog or time prefix, then the MSG. Unbound's log-time-ascii and
/// log-time-iso files (`<time> unbound[pid:thread] level: text`) read as a time prefix whose
/// TAG is `unbound` and whose pid is `pid:thread`.
fn parse(raw: &str) -> Result<(Prefixed<'_>, Line<'_>), String> {
    let prefix = line::split(raw);
    if let Some((pid, thread)) = prefix.procid.and_then(|p| p.split_once(':')) {
        if prefix.msg.starts_with('[') {
            return Err(not_unbound());
        }
        let (pid, thread) = pid_thread(pid, thread)?;
        let (level, text) = level_text(prefix.msg.trim_end_matches(['\r', '\n']))?;
        let line = Line {
            epoch: None,
            named: prefix.app_name == Some("unbound"),
            pid,
            thread,
            level,
            text,
        };
        return Ok((prefix, line));
    }
    let line = parse_msg(prefix.msg)?;
    Ok((prefix, line))
}

/// RFC 3339 as the host writes it: no fraction for a whole second.
fn timestamp(seconds: i64) -> String {
    format_rfc3339(Timestamp {
        seconds,
        nanoseconds: 0,
    })
    .replacen(".000Z", "Z", 1)
}

impl Format for Unbound {
    fn describe() -> Description {
        describe!(
            "unbound",
            "Unbound DNS resolver logs: queries and replies (client, name and its registered domain, type, rcode, duration), resolver and daemon messages, statistics",
            ["network"],
            "[764008:0] info: 198.51.100.10 example.org. A IN NOERROR 0.000000 1 45",
        )
    }

    fn normalize_one(event: Event) -> Result<Fields, String> {
        let mut fields = Fields::new();
        fill(&mut fields, &event)?;
        Ok(fields)
    }

    /// The same fields as `normalize_one`, without a map: resolvers that log every query run
    /// this per query.
    fn normalize(events: Vec<Event>) -> Vec<Result<String, String>> {
        normalize_flat(events, 40, |sink, event| fill(sink, event))
    }
}

/// Writes the event's fields, or the reason to reject it.
fn fill<'a>(sink: &mut impl Sink<'a>, event: &'a Event) -> Result<(), String> {
    if event.raw.trim().is_empty() {
        return Err("empty event".into());
    }
    let (prefix, line) = parse(&event.raw)?;
    if let Some(epoch) = line.epoch {
        sink.set("@timestamp", timestamp(epoch));
    }
    sink.set("message", line.text);
    sink.set("log.level", line.level);
    sink.set("event.kind", "event");
    sink.set("process.pid", line.pid);
    sink.set("process.thread.id", line.thread);
    if line.named {
        sink.set("process.name", "unbound");
    }
    messages::insert(sink, line.level, line.text);
    line::insert_prefix_fields(sink, &prefix, event);
    insert_envelope(sink, event);
    insert_metadata(sink, &event.metadata);
    Ok(())
}

edge_format_sdk::export_format!(Unbound);

#[cfg(test)]
mod tests;
