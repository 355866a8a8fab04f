//! The `plain` format: any text line becomes `{"message": <raw>}` plus its envelope as ECS
//! fields (`log.syslog.*`, `log.hostname`, `log.source.address`) and the metadata pairs whose
//! names are dotted ECS names, as flat dotted keys. `@timestamp` is left to the host (client
//! time, else reception time). An empty or whitespace-only event is rejected.

use edge_format_sdk::{describe, message_event, Description, Event, Fields, Format, ObjectWriter};

pub struct Plain;

impl Format for Plain {
    fn describe() -> Description {
        describe!(
            "plain",
            "Any text line, kept as `message`, timestamped with the client or reception time",
            ["generic"],
            "2024-05-01 12:00:00 fw1 sshd[4242]: Accepted publickey for alice from 192.0.2.10 port 51022 ssh2",
        )
    }

    fn normalize_one(event: Event) -> Result<Fields, String> {
        message_event(event)
    }

    /// The same output as `normalize_one`, written straight to JSON: this format runs on every
    /// syslog line of the default intakes, and building a map per event costs more than parsing.
    fn normalize(events: Vec<Event>) -> Vec<Result<String, String>> {
        events
            .into_iter()
            .map(|event| {
                if event.raw.trim().is_empty() {
                    return Err("empty event".to_string());
                }
                if !event.metadata.is_empty() {
                    // Rare (syslog and HTTPS send none): the map path keeps first-wins semantics.
                    return message_event(event).and_then(|f| edge_format_sdk::to_json_string(&f, 256));
                }
                let mut w = ObjectWriter::with_capacity(event.raw.len() + 512);
                // Keys in order (`log` < `message`): the host keeps the text as it is.
                w.envelope(&event);
                w.string("message", &event.raw);
                Ok(w.finish())
            })
            .collect()
    }
}

edge_format_sdk::export_format!(Plain);

#[cfg(test)]
mod tests {
    use super::*;
    use edge_format_sdk::{json, Protocol, Timestamp, Value};

    edge_format_sdk::catalog_test!(Plain);

    fn event(raw: &str) -> Event {
        Event {
            raw: raw.into(),
            received_at: Timestamp {
                seconds: 1_714_564_800,
                nanoseconds: 250_000_000,
            },
            client_time: None,
            protocol: Protocol::Syslog,
            source_address: None,
            syslog: None,
            metadata: vec![("log.syslog.hostname".into(), "fw1".into())],
        }
    }

    #[test]
    fn normalizes_a_line() {
        let out = Plain::normalize(vec![event("  hello  "), event("   ")]);
        let first: Value = serde_json_from(&out[0]);
        assert_eq!(
            first,
            // The map path (metadata present) sends the document nested.
            json!({
                "message": "  hello  ",
                "log": {"syslog": {"hostname": "fw1"}},
            })
        );
        assert_eq!(out[1], Err("empty event".to_string()));
    }

    #[test]
    fn the_fast_path_writes_what_the_map_path_builds() {
        let mut e = event("line \"quoted\" ]");
        e.metadata.clear();
        e.source_address = Some("127.0.0.1:5000".into());
        e.syslog = Some(edge_format_sdk::SyslogHeader {
            facility: Some(4),
            severity: Some(6),
            version: None,
            hostname: Some("fw1".into()),
            app_name: None,
            procid: Some("7".into()),
            msgid: None,
            structured_data: None,
        });
        let fast = Plain::normalize(vec![e.clone()]);
        let map = message_event(e).expect("ok");
        assert_eq!(
            fast[0].as_deref(),
            Ok(edge_format_sdk::to_json_string(&map, 0).expect("serializable").as_str())
        );
    }

    #[test]
    fn describes_itself() {
        let d = Plain::describe();
        assert_eq!(d.name, "plain");
        assert_eq!(d.version, env!("CARGO_PKG_VERSION"));
        assert_eq!(d.categories, ["generic"]);
        assert!(Plain::normalize_one(event(&d.sample)).is_ok());
    }

    fn serde_json_from(result: &Result<String, String>) -> Value {
        let text = result.as_ref().expect("ok");
        edge_format_sdk::serde_json::from_str(text).expect("valid JSON")
    }
}
