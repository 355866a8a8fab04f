//! The `squid` format: the Squid proxy's access log, in its native format or the `common` /
//! `combined` logformats, and its `cache.log`, as syslog MSGs or whole lines.
//!
//! A line may come alone (a file line, a syslog MSG from `access_log syslog:...`) or whole with a
//! syslog or RFC 3339 time prefix ([`edge_format_sdk::line`]), which gives `host.name`,
//! `process.name`/`pid` and the time where the envelope and the log say nothing.
//!
//! - Native (`1732312345.123     45 192.0.2.7 TCP_MISS/200 1234 GET http://example.com/ -
//!   HIER_DIRECT/203.0.113.5 text/html`): `@timestamp` (the epoch time), `event.duration`
//!   (`%tr` milliseconds → nanoseconds, padded or with a fraction), `source.*` (IP or host
//!   name), `squid.result_code` (`TCP_MISS`), `http.response.status_code` (none for `000`),
//!   `http.response.bytes` (`%<st`, headers included), `http.request.method`, `url.*` (an
//!   absolute URL: `original`, `scheme`, `domain` with its public suffix split, `port`, `path`,
//!   `query`, `extension`; `CONNECT host:443`: `domain` and `port`), `user.name` (`%un`,
//!   URL-unescaped), `squid.hierarchy_code` (`HIER_DIRECT`) and the peer as `destination.*`,
//!   `http.response.mime_type`. Squid's placeholder URLs (`error:invalid-request`) are
//!   `squid.error`. Items after the MIME type (custom logformats) are not read.
//! - `common`/`combined` with Squid's `%Ss:%Sh` suffix (`TCP_MISS:HIER_DIRECT`): the SDK's
//!   access line mapping (`user_agent.*`, `http.request.referrer`, `http.version`) with the
//!   same Squid fields; a line without the suffix only when the program is Squid.
//! - `squid.cache_status`: `hit`, `miss`, `denied`, `tunnel` or `none` from the result code.
//! - `event.kind` `event`, `event.category` `["web", "network"]`, `event.type` `["access"]`;
//!   `event.outcome` `failure` for `DENIED`/`ABORTED` results, a status of 400 or more or
//!   `NONE/000`, `success` for a status below 400, else `unknown`. `related.*` collects the
//!   client, the peer, the URL's host and the user.
//! - `cache.log` lines (`2024/11/22 10:00:00 kid1| WARNING: ...`): `@timestamp` (local
//!   time, read as UTC as the host reads zone-less times), `log.level` from `ERROR:`/`WARNING:`/`FATAL:`, `squid.kid`, `message`.
//!
//! Other lines of a Squid program are kept with `message` and `event.kind` `event`. A line of
//! another program, or one without a program that reads as no Squid line, is rejected.

mod common;
mod native;

use edge_format_sdk::line::{self, Prefixed};
use edge_format_sdk::{describe, insert_envelope, insert_metadata, Description, Event, Fields, Format, Related, Value};

pub struct Squid;

/// Squid's syslog program names: `squid`, `(squid-1)` (a kid's `cache.log`), `squid-1`.
fn is_squid(program: &str) -> bool {
    program.trim_start_matches('(').starts_with("squid")
}

/// `squid[1234]: rest` or `(squid-1)[1234]: rest`, for a line that is only a TAG and the MSG.
fn split(raw: &str) -> Prefixed<'_> {
    let mut prefix = line::split(raw);
    if prefix.app_name.is_none() {
        let tag = prefix.msg.split_once("]: ").and_then(|(tag, rest)| {
            let (name, pid) = tag.split_once('[')?;
            (is_squid(name) && !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit())).then_some((name, pid, rest))
        });
        if let Some((name, pid, rest)) = tag {
            prefix.app_name = Some(name);
            prefix.procid = Some(pid);
            prefix.msg = rest.trim_start();
        }
    }
    prefix
}

/// `%XX` escapes undone (Squid URL-escapes user names: `EXAMPLE%5Calice`); invalid ones kept.
pub(crate) fn percent_decoded(text: &str) -> String {
    if !text.contains('%') {
        return text.to_owned();
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| char::from(b).to_digit(16);
        match (
            bytes[i],
            bytes.get(i + 1).copied().and_then(hex),
            bytes.get(i + 2).copied().and_then(hex),
        ) {
            (b'%', Some(high), Some(low)) => {
                out.push(u8::try_from(high * 16 + low).unwrap_or(b'?'));
                i += 3;
            }
            (b, ..) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).unwrap_or_else(|_| text.to_owned())
}

/// `squid.result_code`, `squid.hierarchy_code`, `squid.cache_status`, the status code (none
/// for `000`) and the categorization.
pub(crate) fn result_fields(code: &str, status: &str, hierarchy: &str, fields: &mut Fields) {
    let status = status.parse::<u16>().ok();
    if let Some(status) = status.filter(|s| *s > 0) {
        fields.insert("http.response.status_code".into(), Value::from(status));
    }
    for (key, value) in [("squid.result_code", code), ("squid.hierarchy_code", hierarchy)] {
        if !value.is_empty() && value != "-" {
            fields.insert(key.into(), Value::from(value));
        }
    }
    let cache_status = if code.contains("DENIED") {
        "denied"
    } else if code.contains("TUNNEL") {
        "tunnel"
    } else if code.contains("HIT") || code.contains("REFRESH_UNMODIFIED") {
        "hit"
    } else if code.contains("MISS") || code.contains("REFRESH") {
        "miss"
    } else {
        "none"
    };
    if !code.is_empty() {
        fields.insert("squid.cache_status".into(), Value::from(cache_status));
    }
    let outcome = match status {
        _ if code.contains("DENIED") || code.contains("ABORTED") => "failure",
        Some(s) if s >= 400 => "failure",
        Some(s) if s >= 100 => "success",
        _ if code.starts_with("NONE") || code.starts_with("TAG_NONE") => "failure",
        _ => "unknown",
    };
    fields.insert("event.kind".into(), Value::from("event"));
    fields.insert("event.category".into(), edge_format_sdk::json!(["web", "network"]));
    fields.insert("event.type".into(), edge_format_sdk::json!(["access"]));
    fields.insert("event.outcome".into(), Value::from(outcome));
}

/// `2024/11/22 10:00:00[.123] kid1| text` or `2024/11/22 10:00:00| text`: (time, kid, text).
fn cache_log(msg: &str) -> Option<(&str, Option<&str>, &str)> {
    let (head, text) = msg.split_once("| ")?;
    let shape = head.get(..19)?.bytes().enumerate().all(|(i, b)| match i {
        4 | 7 => b == b'/',
        10 => b == b' ',
        13 | 16 => b == b':',
        _ => b.is_ascii_digit(),
    });
    if !shape {
        return None;
    }
    let (time, kid) = match head.split_once(' ').and_then(|(_, t)| t.split_once(' ')) {
        Some((_, kid)) => (&head[..head.len() - kid.len() - 1], Some(kid)),
        None => (head, None),
    };
    // Seconds, maybe with a fraction (`.123`), and nothing else.
    let fraction = time.get(19..).unwrap_or_default();
    if !fraction.is_empty()
        && !fraction
            .strip_prefix('.')
            .is_some_and(|f| !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    Some((time, kid, text))
}

fn cache_log_fields(time: Option<&str>, kid: Option<&str>, text: &str, fields: &mut Fields) {
    if let Some(time) = time {
        // `2024/11/22 10:00:00[.123]` has no zone: read as UTC, as the host reads zone-less
        // times, and written in RFC 3339 so that both fixture runners see the same instant.
        let iso = format!("{}-{}-{}T{}Z", &time[..4], &time[5..7], &time[8..10], &time[11..]);
        fields.insert("@timestamp".into(), Value::from(iso));
    }
    fields.insert("event.kind".into(), Value::from("event"));
    if let Some(kid) = kid {
        fields.insert("squid.kid".into(), Value::from(kid));
    }
    for (lead, level) in [
        ("ERROR:", "error"),
        ("WARNING:", "warning"),
        ("FATAL:", "fatal"),
        ("ERROR ", "error"),
    ] {
        if text.starts_with(lead) {
            fields.insert("log.level".into(), Value::from(level));
            break;
        }
    }
}

/// At most 80 characters of a text, for error reasons.
fn excerpt(text: &str) -> String {
    match text.char_indices().nth(80) {
        Some((i, _)) => format!("{:?}…", &text[..i]),
        None => format!("{text:?}"),
    }
}

impl Format for Squid {
    fn describe() -> Description {
        describe!(
            "squid",
            "Squid proxy access logs (native, common, combined) and cache.log lines, normalized to ECS",
            ["web", "network"],
            "1732312345.123     45 192.0.2.7 TCP_MISS/200 1234 GET http://www.example.com/index.html - HIER_DIRECT/203.0.113.5 text/html",
        )
    }

    fn normalize_one(event: Event) -> Result<Fields, String> {
        let prefix = split(&event.raw);
        let msg = prefix.msg.trim_end();
        if msg.is_empty() {
            return Err("empty event".into());
        }
        let program = line::program(&event, &prefix);
        if let Some(program) = program.filter(|p| !is_squid(p)) {
            return Err(format!("not a Squid program: {}", excerpt(program)));
        }
        let mut fields = Fields::new();
        let mut related = Related::new();
        if let Some((time, kid, text)) = cache_log(msg) {
            cache_log_fields(Some(time), kid, text, &mut fields);
        } else {
            let first = msg.split(' ').next().unwrap_or_default();
            let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
            // A native line starts with the epoch time (`1732312345.123`, one dot: not an IPv4
            // client); anything else may be common/combined.
            let read = if first.split_once('.').is_some_and(|(s, ms)| digits(s) && digits(ms)) {
                native::native(msg, &mut fields, &mut related)
                    .map_err(|e| format!("not a Squid native access line: {e}"))
            } else {
                common::common(msg, program.is_some(), &mut fields, &mut related)
                    .map_err(|e| format!("not a Squid access line: {e}"))
            };
            if let Err(reason) = read {
                if program.is_none() {
                    return Err(reason);
                }
                // A Squid program's line this format does not read (`cache.log` over syslog,
                // without its time): kept as it is.
                fields = Fields::new();
                related = Related::new();
                let (kid, text) = match msg.split_once("| ") {
                    Some((kid, text)) if kid.starts_with("kid") && !kid.contains(' ') => (Some(kid), text),
                    _ => (None, msg),
                };
                cache_log_fields(None, kid, text, &mut fields);
            }
        }
        related.insert_into(&mut fields);
        fields.insert("message".into(), Value::from(msg));
        line::insert_prefix_fields(&mut fields, &prefix, &event);
        insert_envelope(&mut fields, &event);
        insert_metadata(&mut fields, &event.metadata);
        Ok(fields)
    }
}

edge_format_sdk::export_format!(Squid);

#[cfg(test)]
mod tests;
