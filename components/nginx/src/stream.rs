//! nginx stream (TCP/UDP proxy) logs in the `basic` format of `ngx_stream_log_module`:
//! `$remote_addr [$time_local] $protocol $status $bytes_sent $bytes_received $session_time`,
//! maybe followed by `"$upstream_addr" "$upstream_bytes_sent" ...` (left in the line).

use edge_format_sdk::access_log::{clf_time_to_rfc3339, seconds_to_nanos};
use edge_format_sdk::{address_fields, Fields, Related, Value, TIMESTAMP};

fn number(value: &str) -> Option<u64> {
    if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    value.parse().ok()
}

/// The stream line's fields, or `None` when `raw` is not one (then it is tried as an HTTP
/// access line).
pub(crate) fn stream_event(raw: &str) -> Option<Fields> {
    let (client, rest) = raw.split_once(' ')?;
    let (time, rest) = rest.strip_prefix('[')?.split_once("] ")?;
    let mut words = rest.split(' ').filter(|w| !w.is_empty());
    let protocol = words.next().filter(|p| matches!(*p, "TCP" | "UDP"))?;
    let status = number(words.next()?).filter(|s| (100..600).contains(s))?;
    let sent = number(words.next()?)?;
    let received = number(words.next()?)?;
    let session_time = words.next().and_then(seconds_to_nanos);

    let mut fields = Fields::new();
    let mut related = Related::new();
    fields.insert("event.kind".into(), Value::from("event"));
    fields.insert("event.category".into(), Value::Array(vec![Value::from("network")]));
    fields.insert("event.type".into(), Value::Array(vec![Value::from("connection")]));
    // 200 is a session that ended normally; 400, 403, 500, 502 and 503 are failures.
    let outcome = if status < 400 { "success" } else { "failure" };
    fields.insert("event.outcome".into(), Value::from(outcome));
    let time = clf_time_to_rfc3339(time).unwrap_or_else(|| time.to_owned());
    fields.insert(TIMESTAMP.into(), Value::String(time));
    address_fields("source", client, &mut fields, &mut related);
    fields.insert("network.transport".into(), Value::from(protocol.to_ascii_lowercase()));
    fields.insert("nginx.stream.status".into(), Value::from(status));
    // From the client's side: what nginx sent it went to the source, what it received came from it.
    fields.insert("destination.bytes".into(), Value::from(sent));
    fields.insert("source.bytes".into(), Value::from(received));
    fields.insert("network.bytes".into(), Value::from(sent.saturating_add(received)));
    if let Some(nanos) = session_time {
        fields.insert("event.duration".into(), Value::from(nanos));
    }
    related.insert_into(&mut fields);
    Some(fields)
}
