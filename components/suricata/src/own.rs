//! Suricata's own messages (engine start/stop, errors), which reach a log pipeline through its
//! syslog output or the `suricata.log` file:
//!
//! ```text
//! [1234] <Notice> -- This is Suricata version 7.0.7 RELEASE running in SYSTEM mode      (syslog)
//! <Error> - [ERRCODE: SC_ERR_AFP_CREATE(190)] - Couldn't init AF_PACKET socket, fatal error
//! [1234 - Suricata-Main] 2026-11-22 22:44:57 Notice: suricata: This is Suricata version 7.0.7
//! 22/11/2026 -- 22:44:57 - <Notice> - This is Suricata version 6.0.10 RELEASE running in SYSTEM mode
//! Notice: threads: Threads created -> W: 4 FM: 1 FR: 1   Engine started.            (7.x console)
//! ```

use crate::eve::{categorize, set};
use crate::time;
use edge_format_sdk::{Fields, TIMESTAMP};

const LEVELS: [&str; 10] = [
    "Emergency",
    "Alert",
    "Critical",
    "Error",
    "Warning",
    "Notice",
    "Info",
    "Perf",
    "Config",
    "Debug",
];

fn is_level(word: &str) -> bool {
    LEVELS.contains(&word)
}

/// Writes the fields of one of Suricata's own messages; false (nothing written) when the line
/// is not one. `from_suricata`: the syslog program is Suricata, so any text is its message.
pub(crate) fn own_fields(msg: &str, from_suricata: bool, fields: &mut Fields) -> bool {
    let mut rest = msg;
    let mut pid = None;
    let mut thread = None;
    // `[1234]` or `[1234 - Suricata-Main]`.
    if let Some((inside, after)) = rest.strip_prefix('[').and_then(|r| r.split_once(']')) {
        let (id, name) = match inside.split_once(" - ") {
            Some((id, name)) => (id, Some(name)),
            None => (inside, None),
        };
        if !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()) {
            pid = id.parse::<u64>().ok();
            thread = name;
            rest = after.trim_start();
        }
    }
    let mut timestamp = None;
    if let Some(head) = rest.get(..19) {
        // `2026-11-22 22:44:57` (7.x file).
        if let Some(time) = time::rfc3339(head) {
            timestamp = Some(time);
            rest = rest[19..].trim_start();
        }
    }
    if let Some(time) = rest.get(..22).and_then(old_file_time) {
        timestamp = Some(time);
        rest = rest[22..].trim_start().trim_start_matches("- ");
    }
    // `(file.c:123) <Level> (Function) -- text` (6.x with source locations).
    if rest.starts_with('(') && rest.contains(") <") {
        if let Some((_, after)) = rest.split_once(") ") {
            rest = after;
        }
    }
    let mut level = None;
    let mut logger = None;
    if let Some((word, after)) = rest.strip_prefix('<').and_then(|r| r.split_once('>')) {
        if is_level(word) {
            level = Some(word);
            let mut after = after.trim_start();
            if after.starts_with('(') {
                after = after.split_once(") ").map_or(after, |(_, a)| a);
            }
            rest = after.trim_start_matches(['-', ' ']);
        }
    } else if let Some((word, after)) = rest.split_once(": ") {
        if is_level(word) && (from_suricata || pid.is_some()) {
            level = Some(word);
            rest = after;
            if let Some((module, text)) = rest.split_once(": ") {
                if !module.is_empty()
                    && module
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
                {
                    logger = Some(module);
                    rest = text;
                }
            }
        }
    }
    if level.is_none() && !from_suricata {
        return false;
    }
    categorize(fields, "event", &[], &[]);
    if let Some(level) = level {
        set(fields, "log.level", level.to_ascii_lowercase());
    }
    if let Some(logger) = logger {
        set(fields, "log.logger", logger);
    }
    // `[ERRCODE: SC_ERR_AFP_CREATE(190)] - text` (up to 6.x).
    if let Some((code, after)) = rest.strip_prefix("[ERRCODE: ").and_then(|r| r.split_once(']')) {
        let name = code.split_once('(').map_or(code, |(name, _)| name);
        set(fields, "error.code", name);
        rest = after.trim_start_matches(['-', ' ']);
    }
    if let Some(pid) = pid {
        set(fields, "process.pid", pid);
    }
    if let Some(thread) = thread.filter(|t| !t.is_empty()) {
        set(fields, "process.thread.name", thread);
    }
    if let Some(time) = timestamp {
        set(fields, TIMESTAMP, time);
    }
    set(fields, "message", if rest.is_empty() { msg } else { rest });
    true
}

/// `22/11/2026 -- 22:44:57` (the file's time up to 6.x) in RFC 3339; the time is local, read as
/// UTC (the line has no zone).
fn old_file_time(text: &str) -> Option<String> {
    let (date, clock) = text.split_once(" -- ")?;
    let mut parts = date.split('/');
    let (day, month, year) = (parts.next()?, parts.next()?, parts.next()?);
    if day.len() != 2 || month.len() != 2 || year.len() != 4 {
        return None;
    }
    time::rfc3339(&format!("{year}-{month}-{day}T{clock}"))
}
