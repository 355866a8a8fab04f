//! One EVE JSON object → ECS: the keys every event type shares, the categorization by
//! `event_type`, and what is left under `suricata.eve.*`.

use crate::protocols;
use crate::time;
use edge_format_sdk::ecs::{parse_ip, present};
use edge_format_sdk::serde_json;
use edge_format_sdk::{Fields, Map, Related, Value, TIMESTAMP};

pub(crate) type Object = Map<String, Value>;

/// A JSON value as log text: non-empty strings as they are, numbers written out.
pub(crate) fn text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) if present(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A non-negative integer, also written as a string.
pub(crate) fn unsigned(value: &Value) -> Option<u64> {
    match value {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.parse().ok(),
        _ => None,
    }
}

/// Removes `key` from `object` and returns it when it is text ([`text`]); other values stay.
pub(crate) fn take_text(object: &mut Object, key: &str) -> Option<String> {
    let value = text(object.get(key)?)?;
    object.remove(key);
    Some(value)
}

/// Removes `key` when it is a non-negative integer.
pub(crate) fn take_unsigned(object: &mut Object, key: &str) -> Option<u64> {
    let value = unsigned(object.get(key)?)?;
    object.remove(key);
    Some(value)
}

/// Removes `key` when it is an object.
pub(crate) fn take_object(object: &mut Object, key: &str) -> Option<Object> {
    match object.remove(key)? {
        Value::Object(inner) => Some(inner),
        other => {
            object.insert(key.to_owned(), other);
            None
        }
    }
}

pub(crate) fn set(fields: &mut Fields, key: &str, value: impl Into<Value>) {
    fields.insert(key.to_owned(), value.into());
}

fn strings(values: &[&str]) -> Value {
    Value::Array(values.iter().map(|v| Value::from(*v)).collect())
}

/// `event.kind`, `event.category` and `event.type`.
pub(crate) fn categorize(fields: &mut Fields, kind: &str, categories: &[&str], types: &[&str]) {
    set(fields, "event.kind", kind);
    if !categories.is_empty() {
        fields.insert("event.category".into(), strings(categories));
    }
    if !types.is_empty() {
        fields.insert("event.type".into(), strings(types));
    }
}

/// Reads one EVE object into `fields`. Rejects what is not an object with an `event_type`.
pub(crate) fn eve_fields(json: &str, fields: &mut Fields) -> Result<(), String> {
    let mut object = match serde_json::from_str::<Value>(json) {
        Ok(Value::Object(object)) => object,
        Ok(_) => return Err("not a Suricata EVE event: not a JSON object".into()),
        Err(e) => return Err(format!("not a Suricata EVE event: invalid JSON: {e}")),
    };
    let Some(event_type) = object.get("event_type").and_then(Value::as_str).map(str::to_owned) else {
        return Err("not a Suricata EVE event: no event_type".into());
    };
    object.remove("event_type");
    set(fields, "suricata.eve.event_type", event_type.as_str());
    set(fields, "observer.vendor", "OISF");
    set(fields, "observer.product", "Suricata");
    set(fields, "observer.type", "ids");
    let mut related = Related::new();

    if let Some(time) = object.get("timestamp").and_then(Value::as_str).and_then(time::rfc3339) {
        object.remove("timestamp");
        set(fields, TIMESTAMP, time);
    }
    common_fields(&mut object, fields, &mut related);
    categorize_event(&event_type, &object, fields);
    protocols::alert_fields(&mut object, fields);
    flow_fields(&mut object, fields);
    protocols::http_fields(&mut object, fields, &mut related);
    protocols::dns_fields(&mut object, fields, &mut related);
    protocols::tls_fields(&mut object, fields, &mut related);
    protocols::fileinfo_fields(&mut object, fields);
    protocols::email_fields(&mut object, fields);

    // What no ECS field holds stays under the vendor namespace, as Suricata named it.
    for (key, value) in object {
        let keep = match &value {
            Value::Object(inner) => !inner.is_empty(),
            Value::Null => false,
            _ => true,
        };
        if keep {
            fields.insert(format!("suricata.eve.{key}"), value);
        }
    }
    related.insert_into(fields);
    Ok(())
}

/// Transport names by IANA number, for the `proto` values Suricata writes as numbers.
const TRANSPORTS: [(&str, &str); 8] = [
    ("1", "icmp"),
    ("2", "igmp"),
    ("6", "tcp"),
    ("17", "udp"),
    ("41", "ipv6"),
    ("47", "gre"),
    ("58", "ipv6-icmp"),
    ("132", "sctp"),
];

/// Addresses, ports, transport, application protocol, community id, interface, VLANs, MACs,
/// sensor name.
fn common_fields(object: &mut Object, fields: &mut Fields, related: &mut Related) {
    for (side, ip_key, port_key) in [
        ("source", "src_ip", "src_port"),
        ("destination", "dest_ip", "dest_port"),
    ] {
        if let Some(address) = take_text(object, ip_key) {
            set(fields, &format!("{side}.address"), address.as_str());
            if let Some(ip) = parse_ip(&address) {
                set(fields, &format!("{side}.ip"), ip.to_string());
                if side == "source" {
                    set(fields, "network.type", if ip.is_ipv4() { "ipv4" } else { "ipv6" });
                }
                related.add_ip(ip);
            }
        }
        if let Some(port) = object.get(port_key).and_then(unsigned).filter(|p| *p <= 65_535) {
            object.remove(port_key);
            set(fields, &format!("{side}.port"), port);
        }
    }
    if let Some(proto) = take_text(object, "proto") {
        let proto = proto.to_ascii_lowercase();
        let number = proto.trim_start_matches('0');
        let by_number = TRANSPORTS.iter().find(|(n, _)| *n == number);
        let by_name = TRANSPORTS.iter().find(|(_, name)| *name == proto);
        match (by_number, by_name) {
            (Some((n, name)), _) | (None, Some((n, name))) => {
                set(fields, "network.transport", *name);
                set(fields, "network.iana_number", *n);
            }
            _ => set(fields, "network.transport", proto.as_str()),
        }
    }
    // `failed`/`unknown`: detection gave no protocol; kept as Suricata wrote it.
    if let Some(app_proto) = object.get("app_proto").and_then(Value::as_str) {
        if !matches!(app_proto, "failed" | "unknown" | "") {
            set(fields, "network.protocol", app_proto.to_ascii_lowercase());
            object.remove("app_proto");
        }
    }
    if let Some(id) = take_text(object, "community_id") {
        set(fields, "network.community_id", id);
    }
    if let Some(iface) = take_text(object, "in_iface") {
        set(fields, "observer.ingress.interface.name", iface);
    }
    // `sensor-name` in suricata.yaml: the sensor that wrote the event.
    if let Some(Value::String(host)) = object.get("host") {
        if present(host) {
            set(fields, "observer.hostname", host.as_str());
            object.remove("host");
        }
    }
    if let Some(Value::Array(vlans)) = object.get("vlan") {
        let ids: Vec<String> = vlans.iter().filter_map(text).collect();
        if let Some(outer) = ids.first() {
            set(fields, "network.vlan.id", outer.as_str());
        }
        if let Some(inner) = ids.get(1) {
            set(fields, "network.inner.vlan.id", inner.as_str());
        }
        if ids.len() <= 2 {
            object.remove("vlan");
        }
    }
    if let Some(mut ether) = take_object(object, "ether") {
        for (key, ecs) in [("src_mac", "source.mac"), ("dest_mac", "destination.mac")] {
            if let Some(mac) = take_text(&mut ether, key) {
                // ECS writes MACs upper case with dashes.
                set(fields, ecs, mac.to_ascii_uppercase().replace(':', "-"));
            }
        }
        if !ether.is_empty() {
            object.insert("ether".into(), Value::Object(ether));
        }
    }
}

/// `event.kind`, `event.category`, `event.type` and `event.outcome` by event type.
fn categorize_event(event_type: &str, object: &Object, fields: &mut Fields) {
    match event_type {
        "alert" => {
            let action = object
                .get("alert")
                .and_then(|a| a.get("action"))
                .and_then(Value::as_str);
            let (kind, outcome) = match action {
                Some("allowed") => ("allowed", Some("success")),
                Some("blocked") => ("denied", Some("failure")),
                _ => ("info", None),
            };
            categorize(fields, "alert", &["intrusion_detection", "network"], &[kind]);
            if let Some(outcome) = outcome {
                set(fields, "event.outcome", outcome);
            }
        }
        "drop" => {
            categorize(fields, "event", &["network"], &["denied"]);
            set(fields, "event.outcome", "failure");
        }
        "flow" => categorize(fields, "event", &["network"], &["connection", "end"]),
        "netflow" => categorize(fields, "event", &["network"], &["connection"]),
        "http" | "http2" => categorize(fields, "event", &["network", "web"], &["access"]),
        "fileinfo" => categorize(fields, "event", &["file", "network"], &["info"]),
        "smtp" => categorize(fields, "event", &["email", "network"], &["info"]),
        "anomaly" => categorize(fields, "event", &["network"], &["info"]),
        "stats" => categorize(fields, "metric", &[], &[]),
        // A record of an application protocol (`dns`, `tls`, `ssh`, `smb`, `quic`...) carries
        // an object named after it.
        other if object.contains_key(other) => categorize(fields, "event", &["network"], &["protocol"]),
        _ => categorize(fields, "event", &["network"], &["info"]),
    }
}

/// Byte and packet counts and times of `flow` (flow records, and the flow so far on alerts and
/// other events) and of `netflow` (one direction a record).
fn flow_fields(object: &mut Object, fields: &mut Fields) {
    if let Some(mut flow) = take_object(object, "flow") {
        let counts = [
            ("pkts_toserver", "source.packets"),
            ("pkts_toclient", "destination.packets"),
            ("bytes_toserver", "source.bytes"),
            ("bytes_toclient", "destination.bytes"),
        ]
        .map(|(key, ecs)| {
            let n = take_unsigned(&mut flow, key);
            if let Some(n) = n {
                set(fields, ecs, n);
            }
            n
        });
        if let (Some(to_server), Some(to_client)) = (counts[0], counts[1]) {
            set(fields, "network.packets", to_server.saturating_add(to_client));
        }
        if let (Some(to_server), Some(to_client)) = (counts[2], counts[3]) {
            set(fields, "network.bytes", to_server.saturating_add(to_client));
        }
        times(&mut flow, fields);
        if !flow.is_empty() {
            object.insert("flow".into(), Value::Object(flow));
        }
    }
    if let Some(mut netflow) = take_object(object, "netflow") {
        if let Some(packets) = take_unsigned(&mut netflow, "pkts") {
            set(fields, "source.packets", packets);
            set(fields, "network.packets", packets);
        }
        if let Some(bytes) = take_unsigned(&mut netflow, "bytes") {
            set(fields, "source.bytes", bytes);
            set(fields, "network.bytes", bytes);
        }
        times(&mut netflow, fields);
        if !netflow.is_empty() {
            object.insert("netflow".into(), Value::Object(netflow));
        }
    }
}

/// `start`/`end` → `event.start`/`event.end` and `event.duration`.
fn times(flow: &mut Object, fields: &mut Fields) {
    let start = flow.get("start").and_then(Value::as_str).map(str::to_owned);
    let end = flow.get("end").and_then(Value::as_str).map(str::to_owned);
    if let Some(time) = start.as_deref().and_then(time::rfc3339) {
        set(fields, "event.start", time);
        flow.remove("start");
    }
    if let Some(time) = end.as_deref().and_then(time::rfc3339) {
        set(fields, "event.end", time);
        flow.remove("end");
    }
    if let Some(nanos) = start.zip(end).and_then(|(s, e)| time::duration_nanos(&s, &e)) {
        set(fields, "event.duration", nanos);
    }
}
