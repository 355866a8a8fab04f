//! The `syslog` format: an event that is itself a whole syslog line (RFC 5424 or RFC 3164, as
//! written by syslog daemons, relays and log files) parsed into `log.syslog.*`. Typical use: a
//! script posts raw lines read from `/var/log/syslog` or a relay to `/plain/batch`. The parser is
//! the SDK's [`edge_format_sdk::syslog_line`] (what is accepted: its documentation).
//!
//! Fields (flat dotted keys; a field the line does not have, or has as NILVALUE `-`, is absent):
//!
//! | field | from |
//! |---|---|
//! | `log.syslog.priority`, `.facility.code`, `.severity.code` (numbers), `.facility.name`, `.severity.name` | `<PRI>` |
//! | `log.syslog.version` (number) | RFC 5424 VERSION |
//! | `log.syslog.hostname`, `log.hostname` | HOSTNAME |
//! | `log.syslog.appname`, `process.name` | APP-NAME, or the RFC 3164 TAG |
//! | `log.syslog.procid`, `process.pid` (number, when numeric) | PROCID, or the pid of `TAG[pid]` |
//! | `log.syslog.msgid` | RFC 5424 MSGID |
//! | `log.syslog.structured_data` | `{sd-id: {param: value}}` (a repeated param becomes an array of its values) |
//! | `message` | MSG; the whole line when the MSG is empty or the line is not syslog |
//! | `@timestamp` | the line's timestamp, RFC 3339 UTC |
//!
//! - **Time**: a timestamp without a zone (RFC 3164 always, RFC 3339 without an offset) is taken
//!   as UTC. RFC 3164 has no year: it is the year of the event's reception time, unless that puts
//!   the time more than a day after the reception time (then the year before; `Feb 29`: the latest
//!   leap year; a `Jan  1` line received on 31 December: the next year). A line without a
//!   timestamp leaves `@timestamp` to the host (client time, else reception time).
//! - **Intake key**: the structured-data element `SEKOIA@53288` (and any element with an
//!   `intake_key` parameter) is a secret: it is never copied, from the line or the envelope.
//! - **Envelope**: `log.source.address`, the syslog header of the listener (`log.syslog.*`,
//!   `log.hostname`) and the dotted metadata are kept, but a field parsed from the line takes
//!   precedence over the same field of the envelope, field by field (the envelope describes the
//!   hop to the edge, the line the event itself); envelope fields the line lacks are kept. The
//!   envelope's structured data is given the same object shape.
//! - **Not a syslog line** (no `<PRI>` and no leading timestamp, an invalid `<PRI>`, a broken RFC
//!   5424 header): accepted like `plain` (`message` = the raw event plus the envelope) when the
//!   event came with a syslog header (syslog or RELP listener: the line was its MSG), rejected
//!   with `not a syslog line: <reason>` otherwise. With a syslog header, a MSG is only parsed when
//!   it starts with a `<PRI>` (a whole relayed line): a MSG that starts with a timestamp is the
//!   application's text, not a header. Empty events are rejected.

use edge_format_sdk::syslog_line::{self, Flavor, SdElement, SyslogLine};
use edge_format_sdk::{
    describe, facility_name, insert_envelope, insert_metadata, severity_name, Description, Event, Fields, Format, Map,
    Timestamp, Value, MESSAGE, TIMESTAMP,
};

pub struct Syslog;

const STRUCTURED_DATA: &str = "log.syslog.structured_data";

impl Format for Syslog {
    fn describe() -> Description {
        describe!(
            "syslog",
            "An RFC 5424/3164 line parsed into `log.syslog.*` when the event itself is a syslog line",
            ["generic"],
            "<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 \
             [exampleSDID@32473 iut=\"3\" eventSource=\"Application\" eventID=\"1011\"] An application event log entry",
        )
    }

    fn normalize_one(mut event: Event) -> Result<Fields, String> {
        if event.raw.trim().is_empty() {
            return Err("empty event".into());
        }
        let has_header = event.syslog.is_some();
        let envelope_sd = event.syslog.as_mut().and_then(|h| h.structured_data.take());
        let metadata = std::mem::take(&mut event.metadata);
        let mut fields = Fields::new();
        insert_envelope(&mut fields, &event);
        if let Some(sd) = envelope_sd {
            // The host sends it well formed; anything else is left out rather than mixed in as a
            // string where this format writes an object.
            if let Some(object) = syslog_line::parse_structured_data(&sd).ok().and_then(|e| sd_object(&e)) {
                fields.insert(STRUCTURED_DATA.into(), object);
            }
        }
        // Over the syslog or RELP listener the event is a MSG whose header the listener already
        // read: only a whole relayed line (with its `<PRI>`) is parsed again; a MSG that merely
        // starts with a time ("2024-05-01T12:00:00Z INFO ...") is application text.
        let parsed = syslog_line::parse(&event.raw).and_then(|line| match line.priority {
            None if has_header => Err(syslog_line::ParseError::NotSyslog),
            _ => Ok(line),
        });
        match parsed {
            Ok(line) => line_fields(&line, &event.raw, event.received_at, &mut fields),
            Err(_) if has_header => {
                fields.insert(MESSAGE.into(), Value::String(event.raw));
            }
            Err(e) => return Err(format!("not a syslog line: {e}")),
        }
        process_fields(&mut fields);
        insert_metadata(&mut fields, &metadata);
        Ok(fields)
    }
}

/// Writes what the line has over `fields` (which holds the envelope).
fn line_fields(line: &SyslogLine<'_>, raw: &str, received_at: Timestamp, fields: &mut Fields) {
    let mut put = |key: &str, value: Value| {
        fields.insert(key.into(), value);
    };
    if let Some(p) = line.priority {
        put("log.syslog.priority", Value::from(p.value()));
        put("log.syslog.facility.code", Value::from(p.facility));
        put("log.syslog.facility.name", Value::from(facility_name(p.facility)));
        put("log.syslog.severity.code", Value::from(p.severity));
        put("log.syslog.severity.name", Value::from(severity_name(p.severity)));
    }
    if let (Flavor::Rfc5424, Some(version)) = (line.flavor, line.version) {
        put("log.syslog.version", Value::from(version));
    }
    if let Some(hostname) = line.hostname {
        put("log.hostname", Value::from(hostname));
        put("log.syslog.hostname", Value::from(hostname));
    }
    for (key, value) in [
        ("log.syslog.appname", line.app_name),
        ("log.syslog.procid", line.procid),
        ("log.syslog.msgid", line.msgid),
    ] {
        if let Some(value) = value {
            put(key, Value::from(value));
        }
    }
    if let Some(object) = sd_object(&line.structured_data) {
        put(STRUCTURED_DATA, object);
    }
    if let Some(t) = line.timestamp.and_then(|t| t.to_timestamp(received_at, 0)) {
        put(TIMESTAMP, Value::String(canonical_rfc3339(t)));
    }
    let msg = if line.msg.is_empty() {
        raw.trim_end_matches(['\n', '\r', '\0'])
    } else {
        line.msg
    };
    put(MESSAGE, Value::from(msg));
}

/// RFC 3339 UTC in the host's canonical form (no fraction for whole seconds, else 6 or 9 digits),
/// so that the host keeps it as it is.
fn canonical_rfc3339(t: Timestamp) -> String {
    let text = edge_format_sdk::format_rfc3339(t);
    let Some(dot) = text.rfind('.') else {
        return text;
    };
    let head = &text[..dot];
    match t.nanoseconds % 1_000_000_000 {
        0 => format!("{head}Z"),
        n if n % 1_000 == 0 => format!("{head}.{:06}Z", n / 1_000),
        n => format!("{head}.{n:09}Z"),
    }
}

/// `{sd-id: {param: value}}` without the intake-key elements; `None` if nothing is left. A
/// parameter (or element) that appears again adds its values: `{"ip": ["192.0.2.1", "192.0.2.2"]}`.
fn sd_object(elements: &[SdElement<'_>]) -> Option<Value> {
    let mut object = Map::new();
    for element in elements.iter().filter(|e| !e.is_intake_key()) {
        let Value::Object(params) = object.entry(element.id).or_insert_with(|| Value::Object(Map::new())) else {
            continue;
        };
        for param in &element.params {
            let value = Value::from(param.value.as_ref());
            match params.get_mut(param.name) {
                None => {
                    params.insert(param.name.into(), value);
                }
                Some(Value::Array(values)) => values.push(value),
                Some(first) => {
                    let first = first.take();
                    params.insert(param.name.into(), Value::Array(vec![first, value]));
                }
            }
        }
    }
    (!object.is_empty()).then_some(Value::Object(object))
}

/// `process.name` and `process.pid` from whichever app name and procid won.
fn process_fields(fields: &mut Fields) {
    if let Some(app) = fields.get("log.syslog.appname").and_then(Value::as_str) {
        let app = Value::from(app);
        fields.insert("process.name".into(), app);
    }
    let pid = fields
        .get("log.syslog.procid")
        .and_then(Value::as_str)
        .filter(|p| p.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|p| p.parse::<u64>().ok());
    if let Some(pid) = pid {
        fields.insert("process.pid".into(), Value::from(pid));
    }
}

edge_format_sdk::export_format!(Syslog);

#[cfg(test)]
mod tests {
    use super::*;
    use edge_format_sdk::{json, SyslogHeader};

    edge_format_sdk::fixtures_test!(Syslog);

    fn event(raw: &str) -> Event {
        edge_format_sdk::fixtures::https_event(raw, 1_795_474_800)
    }

    fn header() -> SyslogHeader {
        SyslogHeader {
            facility: Some(1),
            severity: Some(5),
            version: Some(1),
            hostname: Some("relay".into()),
            app_name: Some("relayd".into()),
            procid: None,
            msgid: Some("FWD".into()),
            structured_data: Some(r#"[origin ip="192.0.2.1"][SEKOIA@53288 intake_key="SECRET"]"#.into()),
        }
    }

    fn normalized(e: Event) -> Value {
        Value::Object(Syslog::normalize_one(e).expect("accepted"))
    }

    #[test]
    fn line_fields_win_over_the_envelope_field_by_field() {
        let mut e = event("<34>Oct 11 22:14:15 mymachine su[7]: 'su root' failed");
        e.syslog = Some(header());
        e.source_address = Some("192.0.2.9:514".into());
        e.metadata = vec![
            ("log.syslog.hostname".into(), "ignored".into()),
            ("custom.tag".into(), "x".into()),
        ];
        assert_eq!(
            normalized(e),
            json!({
                "@timestamp": "2026-10-11T22:14:15Z",
                "message": "'su root' failed",
                "log.source.address": "192.0.2.9:514",
                "log.syslog.priority": 34,
                "log.syslog.facility.code": 4,
                "log.syslog.facility.name": "auth",
                "log.syslog.severity.code": 2,
                "log.syslog.severity.name": "crit",
                "log.syslog.version": 1,
                "log.hostname": "mymachine",
                "log.syslog.hostname": "mymachine",
                "log.syslog.appname": "su",
                "log.syslog.procid": "7",
                "log.syslog.msgid": "FWD",
                "log.syslog.structured_data": {"origin": {"ip": "192.0.2.1"}},
                "process.name": "su",
                "process.pid": 7,
                "custom.tag": "x",
            })
        );
    }

    #[test]
    fn intake_key_elements_never_leave() {
        let e = event(r#"<13>1 - h a - - [SEKOIA@53288 intake_key="SECRET"][mine@1 k="v"][other@2 intake_key="S2"] m"#);
        let v = normalized(e);
        assert_eq!(v[STRUCTURED_DATA], json!({"mine@1": {"k": "v"}}));
        assert!(!v.to_string().contains("SECRET") && !v.to_string().contains("S2"));
        let only_key = normalized(event(r#"<13>1 - h a - - [SEKOIA@53288 intake_key="SECRET"] m"#));
        assert!(only_key.get(STRUCTURED_DATA).is_none());
        let mut e = event("not syslog");
        e.syslog = Some(header());
        assert!(!normalized(e).to_string().contains("SECRET"));
    }

    #[test]
    fn repeated_params_and_elements_become_arrays() {
        let v = normalized(event(
            r#"<13>1 - - - - - [origin ip="192.0.2.1" ip="192.0.2.2" ip="192.0.2.3"][x@1 a="1"][x@1 b="2"]"#,
        ));
        assert_eq!(
            v[STRUCTURED_DATA],
            json!({"origin": {"ip": ["192.0.2.1", "192.0.2.2", "192.0.2.3"]}, "x@1": {"a": "1", "b": "2"}})
        );
        // An empty MSG: the whole line is the message.
        assert_eq!(
            v[MESSAGE],
            json!(r#"<13>1 - - - - - [origin ip="192.0.2.1" ip="192.0.2.2" ip="192.0.2.3"][x@1 a="1"][x@1 b="2"]"#)
        );
    }

    #[test]
    fn rejections() {
        assert_eq!(Syslog::normalize_one(event(" \n")), Err("empty event".into()));
        assert_eq!(
            Syslog::normalize_one(event("<999>1 - - - - - - x")),
            Err("not a syslog line: invalid PRI: <999> is above 191".into())
        );
        assert_eq!(
            Syslog::normalize_one(event("hello")),
            Err("not a syslog line: no <PRI> and no timestamp at the start of the line".into())
        );
        let mut e = event("hello");
        e.syslog = Some(header());
        assert_eq!(normalized(e)[MESSAGE], json!("hello"));
    }

    #[test]
    fn a_msg_starting_with_a_time_is_text_under_a_syslog_header() {
        let raw = "2024-05-01T12:00:00.123Z INFO [main] Started";
        let mut e = event(raw);
        e.syslog = Some(header());
        let v = normalized(e);
        assert_eq!(v[MESSAGE], json!(raw));
        assert_eq!(v["log.syslog.hostname"], json!("relay"));
        assert!(v.get(TIMESTAMP).is_none());
        // Over HTTPS it is read as an RSYSLOG_FileFormat line.
        assert_eq!(normalized(event(raw))["log.syslog.hostname"], json!("INFO"));
    }

    #[test]
    fn non_numeric_procid_has_no_pid() {
        let v = normalized(event("<13>1 - h app worker-1 - - m"));
        assert_eq!(v["process.name"], json!("app"));
        assert_eq!(v["log.syslog.procid"], json!("worker-1"));
        assert!(v.get("process.pid").is_none());
        let v = normalized(event("<13>1 - h app +12 - - m"));
        assert!(v.get("process.pid").is_none());
    }

    #[test]
    fn timestamps_are_canonical() {
        let ts = |raw: &str| normalized(event(raw))[TIMESTAMP].clone();
        assert_eq!(
            ts("<13>1 2024-05-01T14:00:00+02:00 - - - - - x"),
            json!("2024-05-01T12:00:00Z")
        );
        assert_eq!(
            ts("<13>1 2024-05-01T14:00:00.25+02:00 - - - - - x"),
            json!("2024-05-01T12:00:00.250000Z")
        );
        assert_eq!(
            ts("<13>1 2024-05-01T14:00:00.123456789Z - - - - - x"),
            json!("2024-05-01T14:00:00.123456789Z")
        );
        assert_eq!(
            ts("2024-05-01T12:00:00.123456+02:00 host app[1]: msg"),
            json!("2024-05-01T10:00:00.123456Z")
        );
        assert_eq!(ts("Dec 25 10:00:00 host app: last year"), json!("2025-12-25T10:00:00Z"));
        let no_time = normalized(event("<13>1 - - - - - - x"));
        assert!(no_time.get(TIMESTAMP).is_none());
    }

    #[test]
    fn describes_itself() {
        let d = Syslog::describe();
        assert_eq!(d.name, "syslog");
        assert_eq!(d.categories, ["generic"]);
        let v = normalized(event(&d.sample));
        assert_eq!(
            v["log.syslog.structured_data"]["exampleSDID@32473"]["eventID"],
            json!("1011")
        );
    }
}
