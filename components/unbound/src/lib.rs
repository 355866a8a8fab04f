//! The `unbound` format: logs of the Unbound DNS resolver.
//!
//! Accepted line shapes (the syslog MSG, or a line of Unbound's own log file):
//!
//! ```text
//! [764008:0] info: 198.51.100.10 example.org. A IN                            (syslog MSG)
//! unbound: [764008:0] info: ...                                               (syslog tag kept)
//! [1700000000] unbound[764008:0] info: ...                                    (log file)
//! ```
//!
//! i.e. an optional `[epoch seconds]`, an optional `unbound` ident (`unbound:` or `unbound[..]`),
//! `[pid:thread]` (thread in hex), then `level: text` (`info`, `notice`, `warning`, `error`,
//! `debug`, `query`, `reply`, `fatal error`, ...). Anything else is rejected with a reason.
//!
//! Fields: always `message` (the text after `level: `), `log.level`, `process.pid`,
//! `process.thread.id` (numbers), `event.kind` = `event`, the envelope (`log.syslog.*`,
//! `log.hostname`, `log.source.address`) and dotted metadata; `process.name` = `unbound` when the
//! line names it; `@timestamp` (RFC 3339) from a leading `[epoch]`, else left to the host.
//!
//! A query line (`log-queries`: `ip name type class`) adds `source.ip`, `source.address`,
//! `client.ip`, `related.ip`, `dns.question.name` (without the trailing dot; `.` for the root),
//! `dns.question.type`, `dns.question.class`, `related.hosts`, `dns.type` = `query`,
//! `event.category` = `["network"]`, `event.type` = `["protocol"]`. A reply line (`log-replies`:
//! the same then `rcode seconds cached size`) has `dns.type` = `answer` and adds
//! `dns.response_code`, `event.outcome` (`success` for NOERROR, else `failure`),
//! `event.duration` (nanoseconds), and two Unbound-specific fields with no ECS equivalent:
//! `unbound.reply.cached` (boolean, the 0/1 flag) and `unbound.reply.size` (bytes).

use edge_format_sdk::{
    describe, format_rfc3339, insert_envelope, insert_metadata, json, Description, Event, Fields, Format, Timestamp,
    Value,
};
use std::net::IpAddr;

pub struct Unbound;

/// The header of an Unbound line, before the text.
struct Line<'a> {
    epoch: Option<i64>,
    named: bool,
    pid: u64,
    thread: u64,
    level: &'a str,
    text: &'a str,
}

fn all_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

fn parse_line(raw: &str) -> Result<Line<'_>, String> {
    let mut rest = raw.trim_end_matches(['\r', '\n']).trim_start();
    let mut epoch = None;
    // `[1700000000] `: a bracket without a colon is the log file's timestamp.
    if let Some(after) = rest.strip_prefix('[') {
        if let Some((inner, tail)) = after.split_once(']') {
            if all_digits(inner) {
                epoch = Some(inner.parse::<i64>().map_err(|_| "timestamp out of range".to_string())?);
                rest = tail.trim_start();
            }
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
    let not_unbound = || "not an unbound log line: expected `[pid:thread] level: text`".to_string();
    let after = rest.strip_prefix('[').ok_or_else(not_unbound)?;
    let (inner, tail) = after.split_once(']').ok_or_else(not_unbound)?;
    let (pid, thread) = inner.split_once(':').ok_or_else(not_unbound)?;
    if !all_digits(pid) || thread.is_empty() || !thread.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(not_unbound());
    }
    let pid: u64 = pid.parse().map_err(|_| "process id out of range".to_string())?;
    let thread = u64::from_str_radix(thread, 16).map_err(|_| "thread id out of range".to_string())?;
    let tail = tail.strip_prefix(' ').ok_or_else(not_unbound)?;
    let (level, text) = tail.split_once(':').ok_or_else(not_unbound)?;
    if level.is_empty() || level.len() > 20 || !level.bytes().all(|b| b.is_ascii_lowercase() || b == b' ') {
        return Err(not_unbound());
    }
    Ok(Line {
        epoch,
        named,
        pid,
        thread,
        level,
        text: text.strip_prefix(' ').unwrap_or(text),
    })
}

/// `0.000123` (seconds, Unbound writes microseconds) to nanoseconds, without floats.
fn duration_ns(s: &str) -> Option<u64> {
    let (secs, frac) = s.split_once('.').unwrap_or((s, ""));
    if !all_digits(secs) || frac.len() > 9 || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut nanos: u64 = 0;
    for i in 0..9 {
        nanos = nanos * 10 + frac.as_bytes().get(i).map_or(0, |b| u64::from(b - b'0'));
    }
    secs.parse::<u64>().ok()?.checked_mul(1_000_000_000)?.checked_add(nanos)
}

fn is_class(s: &str) -> bool {
    matches!(s, "IN" | "CH" | "HS" | "CS" | "NONE" | "ANY") || s.strip_prefix("CLASS").is_some_and(all_digits)
}

fn is_mnemonic(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-')
}

/// Adds the DNS fields of a query or reply line; `false` (nothing added) for other text.
fn insert_dns(fields: &mut Fields, text: &str) -> bool {
    let tokens: Vec<&str> = text.split(' ').collect();
    if tokens.len() != 4 && tokens.len() != 8 {
        return false;
    }
    let Ok(ip) = tokens[0].parse::<IpAddr>() else {
        return false;
    };
    let (name, qtype, qclass) = (tokens[1], tokens[2], tokens[3]);
    if !name.ends_with('.') || !is_mnemonic(qtype) || !is_class(qclass) {
        return false;
    }
    let reply = if tokens.len() == 8 {
        let (rcode, time, cached, size) = (tokens[4], tokens[5], tokens[6], tokens[7]);
        let (Some(duration), Ok(size)) = (duration_ns(time), size.parse::<u64>()) else {
            return false;
        };
        if !is_mnemonic(rcode) || !matches!(cached, "0" | "1") {
            return false;
        }
        Some((rcode, duration, cached == "1", size))
    } else {
        None
    };
    let ip = ip.to_string();
    let name = match name.trim_end_matches('.') {
        "" => ".",
        trimmed => trimmed,
    };
    fields.insert("source.ip".into(), Value::from(ip.as_str()));
    fields.insert("source.address".into(), Value::from(tokens[0]));
    fields.insert("client.ip".into(), Value::from(ip.as_str()));
    fields.insert("related.ip".into(), json!([ip]));
    fields.insert("dns.question.name".into(), Value::from(name));
    fields.insert("dns.question.type".into(), Value::from(qtype));
    fields.insert("dns.question.class".into(), Value::from(qclass));
    fields.insert("related.hosts".into(), json!([name]));
    fields.insert("event.category".into(), json!(["network"]));
    fields.insert("event.type".into(), json!(["protocol"]));
    match reply {
        None => {
            fields.insert("dns.type".into(), Value::from("query"));
        }
        Some((rcode, duration, cached, size)) => {
            fields.insert("dns.type".into(), Value::from("answer"));
            fields.insert("dns.response_code".into(), Value::from(rcode));
            let outcome = if rcode == "NOERROR" { "success" } else { "failure" };
            fields.insert("event.outcome".into(), Value::from(outcome));
            fields.insert("event.duration".into(), Value::from(duration));
            fields.insert("unbound.reply.cached".into(), Value::from(cached));
            fields.insert("unbound.reply.size".into(), Value::from(size));
        }
    }
    true
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
            "Unbound DNS resolver logs: queries and replies (client, name, type, rcode, duration) and daemon messages",
            ["network", "dns"],
            "[764008:0] info: 198.51.100.10 example.org. A IN NOERROR 0.000000 1 45",
        )
    }

    fn normalize_one(mut event: Event) -> Result<Fields, String> {
        if event.raw.trim().is_empty() {
            return Err("empty event".into());
        }
        let mut fields = Fields::new();
        {
            let line = parse_line(&event.raw)?;
            if let Some(epoch) = line.epoch {
                fields.insert("@timestamp".into(), Value::from(timestamp(epoch)));
            }
            fields.insert("message".into(), Value::from(line.text));
            fields.insert("log.level".into(), Value::from(line.level));
            fields.insert("event.kind".into(), Value::from("event"));
            fields.insert("process.pid".into(), Value::from(line.pid));
            fields.insert("process.thread.id".into(), Value::from(line.thread));
            if line.named {
                fields.insert("process.name".into(), Value::from("unbound"));
            }
            if matches!(line.level, "info" | "query" | "reply") {
                insert_dns(&mut fields, line.text);
            }
        }
        insert_envelope(&mut fields, &mut event);
        insert_metadata(&mut fields, std::mem::take(&mut event.metadata));
        Ok(fields)
    }
}

edge_format_sdk::export_format!(Unbound);

#[cfg(test)]
mod tests {
    use super::*;
    use edge_format_sdk::Protocol;

    fn event(raw: &str) -> Event {
        Event {
            protocol: Protocol::Syslog,
            ..edge_format_sdk::fixtures::https_event(raw, 1_714_564_800)
        }
    }

    fn ok(raw: &str) -> Value {
        Value::Object(Unbound::normalize_one(event(raw)).expect("accepted"))
    }

    #[test]
    fn query_line() {
        assert_eq!(
            ok("[764008:0] info: 198.51.100.10 example.org. A IN"),
            json!({
                "message": "198.51.100.10 example.org. A IN",
                "log.level": "info",
                "event.kind": "event",
                "process.pid": 764008,
                "process.thread.id": 0,
                "source.ip": "198.51.100.10",
                "source.address": "198.51.100.10",
                "client.ip": "198.51.100.10",
                "related.ip": ["198.51.100.10"],
                "dns.question.name": "example.org",
                "dns.question.type": "A",
                "dns.question.class": "IN",
                "related.hosts": ["example.org"],
                "event.category": ["network"],
                "event.type": ["protocol"],
                "dns.type": "query",
            })
        );
    }

    #[test]
    fn reply_line_with_file_prefix() {
        let v = ok("[1700000000] unbound[764008:a] info: 2001:db8::1 . NS IN SERVFAIL 1.250000 0 512");
        assert_eq!(v["@timestamp"], "2023-11-14T22:13:20Z");
        assert_eq!(v["process.name"], "unbound");
        assert_eq!(v["process.thread.id"], 10);
        assert_eq!(v["dns.question.name"], ".");
        assert_eq!(v["dns.type"], "answer");
        assert_eq!(v["dns.response_code"], "SERVFAIL");
        assert_eq!(v["event.outcome"], "failure");
        assert_eq!(v["event.duration"], 1_250_000_000u64);
        assert_eq!(v["unbound.reply.cached"], false);
        assert_eq!(v["unbound.reply.size"], 512);
    }

    #[test]
    fn daemon_messages() {
        let v = ok("unbound: [764008:0] error: can't bind socket: Address already in use for 0.0.0.0 port 53");
        assert_eq!(v["log.level"], "error");
        assert_eq!(
            v["message"],
            "can't bind socket: Address already in use for 0.0.0.0 port 53"
        );
        assert!(v.get("dns.type").is_none());
        assert_eq!(
            ok("[1:0] fatal error: could not open ports")["log.level"],
            "fatal error"
        );
        // An info line that only looks like a query is not one.
        assert!(ok("[1:0] info: start of service (unbound 1.19.0).")
            .get("source.ip")
            .is_none());
        assert!(ok("[1:0] info: 1.2.3.4 example.org A IN").get("source.ip").is_none());
    }

    #[test]
    fn durations() {
        assert_eq!(duration_ns("0.000000"), Some(0));
        assert_eq!(duration_ns("0.000123"), Some(123_000));
        assert_eq!(duration_ns("12"), Some(12_000_000_000));
        assert_eq!(duration_ns("1.5"), Some(1_500_000_000));
        assert_eq!(duration_ns("x.1"), None);
        assert_eq!(duration_ns("1.0000000001"), None);
        assert_eq!(duration_ns("99999999999999999999.0"), None);
    }

    #[test]
    fn rejects_other_lines() {
        for raw in [
            "",
            "   ",
            "hello world",
            "Accepted password for alice from 192.0.2.10 port 51022 ssh2",
            "[764008] info: x",
            "[764008:0]info: x",
            "[764008:zz] info: x",
            "[764008:0] INFO x",
            "[abc:0] info: x",
            "[99999999999999999999:0] info: x",
        ] {
            assert!(Unbound::normalize_one(event(raw)).is_err(), "{raw:?}");
        }
    }

    #[test]
    fn describes_itself() {
        let d = Unbound::describe();
        assert_eq!(d.name, "unbound");
        assert_eq!(d.categories, ["network", "dns"]);
        assert_eq!(ok(&d.sample)["dns.type"], "answer");
    }

    edge_format_sdk::fixtures_test!(Unbound);
}
