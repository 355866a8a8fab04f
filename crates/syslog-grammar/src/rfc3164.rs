//! RFC 3164 (BSD syslog): `[<PRI>]TIMESTAMP SP HOSTNAME SP TAG: MSG`.
//!
//! RFC 3164 only describes what was seen in the wild, so this is best effort and never an error:
//! when the timestamp cannot be read, [`parse`] returns `None` and the caller decides (a line
//! with a PRI keeps it and the rest as MSG; one without is not syslog). Accepted beyond the
//! classic form, because devices and log files have them:
//! - a day without its padding space (`Nov 2`), a year (`Nov 22 2026 23:16:24`), a fraction;
//! - an RFC 3339 timestamp instead (loggen's legacy mode `<38>2026-11-22T23:16:36 localhost ...`,
//!   rsyslog's `RSYSLOG_FileFormat`);
//! - no HOSTNAME: if the token after the timestamp ends with `:` or contains `[`, it is the TAG
//!   (a hostname never does; an IPv6 address does not end with `:`);
//! - no TAG: MSG then starts where the TAG would have; a "TAG" longer than [`MAX_TAG`] is not
//!   one (it stays in MSG).

use crate::timestamp::{bsd_timestamp, parse_rfc3339, starts_with_month, starts_with_year};
use crate::{split_token, Flavor, Priority, SyslogLine, MAX_TAG};

/// Parses what follows the PRI (or the whole line without one); `None` if it does not start
/// with a readable timestamp.
pub(crate) fn parse(priority: Option<Priority>, s: &str) -> Option<SyslogLine<'_>> {
    let b = s.as_bytes();
    let (timestamp, raw, rest) = if starts_with_month(b) {
        bsd_timestamp(s)?
    } else if starts_with_year(b) {
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
