//! The `windows` format: Windows event log records as JSON, normalized to ECS with the
//! `winlog.*` fields Winlogbeat writes.
//!
//! Accepted shapes (one JSON object an event, alone or after a syslog or ISO time prefix,
//! which gives `host.name`, `log.syslog.*` and a fallback time):
//! - **Winlogbeat** (or Elastic Agent) documents: `winlog.event_id`, `winlog.channel`,
//!   `winlog.provider_name`, `winlog.computer_name`, `winlog.record_id`, `winlog.event_data`,
//!   `winlog.user_data`, nested or dotted; the time is `@timestamp`.
//! - **NXLog `im_msvistalog`** JSON (`to_json()`): `EventID`, `Channel`, `SourceName`,
//!   `Hostname`, `RecordNumber`, `EventTime` (a zone-less `2026-11-22 22:44:57` is read as
//!   UTC), `EventType` (`AUDIT_SUCCESS`/`AUDIT_FAILURE`), and every other top-level key is event
//!   data (`TargetUserName`, `IpAddress`…).
//! - **The event XML as JSON** (WEF collectors, `xmltodict`-style): `Event.System.EventID`
//!   (`"4624"` or `{"#text": "4624"}`), `Provider.@Name`, `TimeCreated.@SystemTime`,
//!   `Computer`, `EventRecordID`, `Execution.@ProcessID`, `Security.@UserID`, and
//!   `Event.EventData.Data` as `{"@Name", "#text"}` pairs (unnamed ones as `param1`…), or
//!   `Event.UserData.<element>`.
//!
//! Written: `event.code` (the ID as text), `event.provider`, `event.kind` = `event`,
//! `event.outcome` (per ID, else from the audit keywords), `host.name`, `@timestamp`,
//! `message`, `log.level`, `winlog.*` (`event_id`, `channel`, `provider_name`,
//! `computer_name`, `record_id`, `task`, `opcode`, `keywords`, `process.pid`/`thread.id`,
//! `user.identifier`, `event_data.*`, `user_data.*`, `logon.type` by name, `logon.id`,
//! `logon.failure.*`), and per event ID (`mapping.rs`): 4624/4625/4634/4647/4648 logons
//! (`user.*` = the target account, `source.ip`/`port`/`domain`, `event.reason` from
//! `Status`/`SubStatus`), 4672, 4688/4689 (`process.*`), 4720–4767 (`user.*` = the actor,
//! `user.target.*`), 4728/4732/4756 and removals (`group.*`), 4768/4769/4771/4776 (Kerberos,
//! NTLM), 1102, 4719, 4697/7045 (`service.name`), Sysmon 1/3/5. `related.user`/`ip`/`hosts`.
//! Other IDs keep the common and `winlog.*` fields.
//!
//! Rejected: an empty event, no JSON object, JSON that is none of the shapes above.

use edge_format_sdk::line;
use edge_format_sdk::{
    describe, insert_envelope, insert_metadata, Description, Event, Fields, Format, Related, Value, MESSAGE, TIMESTAMP,
};

mod codes;
mod mapping;
mod record;

use mapping::Out;
use record::Record;

pub struct Windows;

impl Format for Windows {
    fn describe() -> Description {
        describe!(
            "windows",
            "Windows event logs as JSON (Winlogbeat, NXLog im_msvistalog, forwarded event XML as JSON): logons, process creation, account and group changes, Kerberos/NTLM, Sysmon",
            ["endpoint", "authentication"],
            r#"{"EventTime":"2026-11-22 22:44:57","Hostname":"DC01.corp.example.com","EventType":"AUDIT_SUCCESS","EventID":4624,"SourceName":"Microsoft-Windows-Security-Auditing","Channel":"Security","RecordNumber":918273,"TargetUserName":"alice","TargetDomainName":"CORP","TargetLogonId":"0x3e7a1f","LogonType":"10","IpAddress":"192.0.2.10","IpPort":"51022","WorkstationName":"WS-17"}"#,
        )
    }

    fn normalize_one(event: Event) -> Result<Fields, String> {
        let raw = event.raw.trim_end_matches(['\r', '\n']);
        if raw.trim().is_empty() {
            return Err("empty event".into());
        }
        let start = raw.find('{').ok_or("not a Windows event: no JSON object")?;
        let doc: Value = edge_format_sdk::serde_json::from_str(raw[start..].trim_end())
            .map_err(|e| format!("not a Windows event: invalid JSON: {e}"))?;
        let doc = doc.as_object().ok_or("not a Windows event: not a JSON object")?;
        let record = record::read(doc)?;
        if record.event_id.is_empty() {
            return Err("not a Windows event: empty event ID".into());
        }
        let prefix = line::split(&raw[..start]);

        let mut out = Out {
            record: &record,
            fields: Fields::new(),
            related: Related::new(),
        };
        common(&record, &mut out.fields);
        mapping::map(&mut out);
        let Out {
            mut fields, related, ..
        } = out;
        related.insert_into(&mut fields);
        if event.client_time.is_none() {
            if let Some(time) = record.time.as_deref().and_then(event_time) {
                fields.insert(TIMESTAMP.into(), Value::String(time));
            }
        }
        if start > 0 {
            line::insert_prefix_fields(&mut fields, &prefix, &event);
        }
        insert_envelope(&mut fields, &event);
        insert_metadata(&mut fields, &event.metadata);
        Ok(fields)
    }
}

/// An event time as the host reads it: RFC 3339 as given; NXLog's `2026-11-22 22:44:57`
/// (local time with no zone) as UTC.
fn event_time(time: &str) -> Option<String> {
    let time = time.trim();
    let b = time.as_bytes();
    if b.len() < 19 || !b[..4].iter().all(u8::is_ascii_digit) || b[4] != b'-' {
        return None;
    }
    if b[10] == b'T' {
        return Some(time.to_owned());
    }
    (b[10] == b' ').then(|| format!("{}T{}Z", &time[..10], &time[11..]))
}

/// The fields every record has: `event.code`, `winlog.*`, `host.name`, `message`, `log.level`.
fn common(record: &Record, fields: &mut Fields) {
    let mut put = |key: &str, value: Option<&str>| {
        if let Some(value) = value.filter(|v| !v.is_empty()) {
            fields.insert(key.into(), Value::String(value.to_owned()));
        }
    };
    put("event.code", Some(&record.event_id));
    put("winlog.event_id", Some(&record.event_id));
    put("winlog.channel", record.channel.as_deref());
    put("winlog.provider_name", record.provider.as_deref());
    put("event.provider", record.provider.as_deref());
    put("winlog.computer_name", record.computer.as_deref());
    put("host.name", record.computer.as_deref());
    put("winlog.record_id", record.record_id.as_deref());
    put("winlog.task", record.task.as_deref());
    put("winlog.opcode", record.opcode.as_deref());
    put("winlog.user.identifier", record.user_sid.as_deref());
    put(MESSAGE, record.message.as_deref());
    put("log.level", record.level.as_deref().map(str::trim));
    for (key, value) in [
        ("winlog.process.pid", &record.pid),
        ("winlog.process.thread.id", &record.thread),
    ] {
        if let Some(n) = value.as_deref().and_then(|v| v.parse::<u64>().ok()) {
            fields.insert(key.into(), Value::from(n));
        }
    }
    if !record.keywords.is_empty() {
        let keywords = record.keywords.iter().map(|k| Value::String(k.clone())).collect();
        fields.insert("winlog.keywords".into(), Value::Array(keywords));
    }
    for (prefix, pairs) in [
        ("winlog.event_data.", &record.event_data),
        ("winlog.user_data.", &record.user_data),
    ] {
        for (key, value) in pairs {
            // A dot in a name would nest; the host would read `a.b` as an object.
            let key = key.replace('.', "_");
            if !key.is_empty() && !value.is_empty() {
                fields.insert(format!("{prefix}{key}"), Value::String(value.clone()));
            }
        }
    }
}

edge_format_sdk::export_format!(Windows);

#[cfg(test)]
mod tests;
