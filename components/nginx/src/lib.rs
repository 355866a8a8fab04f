//! The `nginx` format: access logs (`combined` and `common` lines, or one JSON object per line
//! as written by a `log_format ... escape=json` with nginx variable names as keys) and error logs,
//! normalized to ECS.
//!
//! - `@timestamp` is the log's own time as written (`22/Nov/2026:22:44:57 +0100`,
//!   `2026-11-22T22:44:57+01:00`, `2026/11/22 22:44:57`); the host canonicalizes it.
//! - Access: `source.*`, `user.name`, `http.request.method`, `url.*`, `http.version`,
//!   `http.response.status_code`, `http.response.body.bytes`, `http.request.referrer`,
//!   `user_agent.*`, `event.outcome`, `event.duration` (from `request_time`), `url.domain` and its
//!   public suffix split (from `host`), `related.*`; `event.type` `["access"]`.
//! - Error: `log.level`, `process.pid`, `process.thread.id`, `nginx.error.connection_id`,
//!   `message`, and from the trailing `client:`, `server:`, `request:`, `host:`, `referrer:` and
//!   `upstream:` items the same ECS fields as access logs; `event.type` `["error"]`.
//! - `-` and empty values mean absent. Numbers are JSON numbers. Unknown keys of a JSON access
//!   log are kept as `nginx.access.<key>`.

use edge_format_sdk::access_log::{
    access_event, host_fields, request_fields, status_fields, url_fields, web_event_fields,
};
use edge_format_sdk::ecs::present;
use edge_format_sdk::serde_json;
use edge_format_sdk::{
    address_fields, describe, insert_envelope, insert_metadata, user_agent_fields, Description, Event, Fields, Format,
    Related, Value, MESSAGE, TIMESTAMP,
};

pub struct Nginx;

impl Format for Nginx {
    fn describe() -> Description {
        describe!(
            "nginx",
            "nginx access logs (combined, common or JSON) and error logs, normalized to ECS",
            ["web"],
            r#"192.0.2.10 - alice [22/Nov/2026:22:44:57 +0100] "GET /search?q=shoes HTTP/1.1" 200 5316 "https://www.example.com/" "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0""#,
        )
    }

    fn normalize_one(mut event: Event) -> Result<Fields, String> {
        let raw = event.raw.trim_end_matches(['\r', '\n']);
        if raw.trim().is_empty() {
            return Err("empty event".into());
        }
        let mut fields = if raw.trim_start().starts_with('{') {
            json_access_event(raw)?
        } else if is_error_line(raw) {
            error_event(raw)?
        } else {
            access_event(raw).map_err(|e| format!("not an nginx access or error log line: {e}"))?
        };
        insert_envelope(&mut fields, &mut event);
        insert_metadata(&mut fields, event.metadata);
        Ok(fields)
    }
}

edge_format_sdk::export_format!(Nginx);

/// `YYYY/MM/DD HH:MM:SS [`
fn is_error_line(raw: &str) -> bool {
    let b = raw.as_bytes();
    b.len() > 21
        && b[..19].iter().enumerate().all(|(i, &c)| match i {
            4 | 7 => c == b'/',
            10 => c == b' ',
            13 | 16 => c == b':',
            _ => c.is_ascii_digit(),
        })
        && b[19] == b' '
        && b[20] == b'['
}

fn split_number(s: &str) -> Option<u64> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// `2026/11/22 22:44:57 [error] 1234#0: *5 message, client: ..., server: ..., request: "..."`
fn error_event(raw: &str) -> Result<Fields, String> {
    let mut fields = Fields::new();
    let mut related = Related::new();
    web_event_fields("error", &mut fields);
    fields.insert(TIMESTAMP.into(), Value::String(raw[..19].to_owned()));
    let rest = &raw[21..];
    let (level, rest) = rest
        .split_once("] ")
        .ok_or("not an nginx error log line: unterminated [level]")?;
    if level.is_empty() || !level.bytes().all(|b| b.is_ascii_lowercase()) {
        return Err(format!("not an nginx error log line: invalid level {level:?}"));
    }
    fields.insert("log.level".into(), Value::String(level.to_owned()));
    let (process, mut text) = rest
        .split_once(": ")
        .ok_or("not an nginx error log line: missing pid#tid")?;
    let (pid, tid) = process
        .split_once('#')
        .and_then(|(p, t)| Some((split_number(p)?, split_number(t)?)))
        .ok_or_else(|| format!("not an nginx error log line: invalid pid#tid {process:?}"))?;
    fields.insert("process.pid".into(), Value::from(pid));
    fields.insert("process.thread.id".into(), Value::from(tid));
    if let Some((connection, after)) = text.strip_prefix('*').and_then(|t| t.split_once(' ')) {
        if let Some(id) = split_number(connection) {
            fields.insert("nginx.error.connection_id".into(), Value::from(id));
            text = after;
        }
    }
    let (message, items) = match text.find(", client: ") {
        Some(at) => (&text[..at], Some(&text[at + 2..])),
        None => (text, None),
    };
    fields.insert(MESSAGE.into(), Value::String(message.to_owned()));
    if let Some(items) = items {
        error_items(items, &mut fields, &mut related);
    }
    related.insert_into(&mut fields);
    Ok(fields)
}

/// The `key: value, key: "value"` items nginx appends to an error message.
fn error_items(mut items: &str, fields: &mut Fields, related: &mut Related) {
    let mut host = None;
    let mut server = None;
    while let Some((key, after)) = items.split_once(": ") {
        let (value, rest) = match after.strip_prefix('"') {
            Some(quoted) => match quoted
                .find("\", ")
                .or_else(|| quoted.strip_suffix('"').map(|q| q.len()))
            {
                Some(end) => (&quoted[..end], quoted[end + 1..].strip_prefix(", ").unwrap_or("")),
                None => (quoted, ""),
            },
            None => match after.split_once(", ") {
                Some((value, rest)) => (value, rest),
                None => (after, ""),
            },
        };
        match key {
            "client" => address_fields("source", value, fields, related),
            "server" => server = Some(value),
            "request" => {
                let parsed = request_fields(value, fields, related);
                if !parsed && present(value) {
                    fields.insert("nginx.error.request".into(), Value::String(value.to_owned()));
                }
            }
            "host" => host = Some(value),
            "referrer" if present(value) => {
                fields.insert("http.request.referrer".into(), Value::String(value.to_owned()));
            }
            _ if simple_key(key) && present(value) => {
                fields.insert(format!("nginx.error.{key}"), Value::String(value.to_owned()));
            }
            _ => {}
        }
        items = rest;
    }
    if let Some(server) = server.filter(|s| present(s) && *s != "_") {
        fields.insert("server.domain".into(), Value::String(server.to_owned()));
        related.add_host(server);
    }
    if let Some(host) = host {
        host_fields(host, fields, related);
    }
}

fn simple_key(key: &str) -> bool {
    !key.is_empty() && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// A JSON value as log text: strings as they are, numbers written out; others are absent.
fn text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) if present(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Seconds with a decimal fraction (`0.125`, nginx's `request_time`) as nanoseconds.
fn seconds_to_nanos(seconds: &str) -> Option<u64> {
    let (whole, fraction) = seconds.split_once('.').unwrap_or((seconds, ""));
    if whole.is_empty() && fraction.is_empty()
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || !fraction.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let whole: u64 = if whole.is_empty() { 0 } else { whole.parse().ok()? };
    let mut nanos = 0u64;
    for (i, digit) in fraction.bytes().take(9).enumerate() {
        nanos += u64::from(digit - b'0') * 10u64.pow(8 - i as u32);
    }
    whole.checked_mul(1_000_000_000)?.checked_add(nanos)
}

const JSON_KEYS: &[&str] = &[
    "remote_addr",
    "remote_port",
    "remote_user",
    "time_iso8601",
    "time_local",
    "request",
    "request_method",
    "request_uri",
    "server_protocol",
    "status",
    "body_bytes_sent",
    "bytes_sent",
    "request_length",
    "http_referer",
    "http_user_agent",
    "request_time",
    "host",
    "http_host",
    "server_name",
];

/// One JSON object with nginx variable names as keys.
fn json_access_event(raw: &str) -> Result<Fields, String> {
    let object = match serde_json::from_str::<Value>(raw) {
        Ok(Value::Object(object)) => object,
        Ok(_) => return Err("not an nginx JSON access log: not an object".into()),
        Err(e) => return Err(format!("not an nginx JSON access log: {e}")),
    };
    let get = |key: &str| object.get(key).and_then(text);
    if ["remote_addr", "request", "request_uri", "status"]
        .iter()
        .all(|key| get(key).is_none())
    {
        return Err("not an nginx JSON access log: none of remote_addr, request, request_uri, status".into());
    }
    let mut fields = Fields::new();
    let mut related = Related::new();
    web_event_fields("access", &mut fields);
    if let Some(time) = get("time_iso8601").or_else(|| get("time_local")) {
        fields.insert(TIMESTAMP.into(), Value::String(time));
    }
    if let Some(address) = get("remote_addr") {
        address_fields("source", &address, &mut fields, &mut related);
    }
    if let Some(port) = get("remote_port").and_then(|p| p.parse::<u16>().ok()) {
        fields.insert("source.port".into(), Value::from(port));
    }
    if let Some(user) = get("remote_user") {
        related.add_user(&user);
        fields.insert("user.name".into(), Value::String(user));
    }
    match get("request") {
        Some(request) => {
            if !request_fields(&request, &mut fields, &mut related) {
                fields.insert("event.original".into(), Value::String(raw.to_owned()));
            }
        }
        None => {
            if let Some(method) = get("request_method") {
                fields.insert("http.request.method".into(), Value::String(method));
            }
            if let Some(uri) = get("request_uri") {
                url_fields(&uri, &mut fields, &mut related);
            }
            if let Some(version) = get("server_protocol").and_then(|p| p.strip_prefix("HTTP/").map(str::to_owned)) {
                fields.insert("http.version".into(), Value::String(version));
            }
        }
    }
    if let Some(status) = get("status") {
        status_fields(&status, &mut fields);
    }
    for (key, ecs) in [
        ("body_bytes_sent", "http.response.body.bytes"),
        ("bytes_sent", "http.response.bytes"),
        ("request_length", "http.request.bytes"),
    ] {
        if let Some(n) = get(key).and_then(|n| n.parse::<u64>().ok()) {
            fields.insert(ecs.into(), Value::from(n));
        }
    }
    if let Some(referrer) = get("http_referer") {
        fields.insert("http.request.referrer".into(), Value::String(referrer));
    }
    if let Some(ua) = get("http_user_agent") {
        user_agent_fields(&ua, &mut fields);
    }
    if let Some(nanos) = get("request_time").and_then(|t| seconds_to_nanos(&t)) {
        fields.insert("event.duration".into(), Value::from(nanos));
    }
    if let Some(host) = get("host").or_else(|| get("http_host")).or_else(|| get("server_name")) {
        host_fields(&host, &mut fields, &mut related);
    }
    for (key, value) in &object {
        if JSON_KEYS.contains(&key.as_str()) || !simple_key(key) {
            continue;
        }
        if let Some(value) = text(value)
            .map(Value::String)
            .or_else(|| value.as_bool().map(Value::Bool))
        {
            fields.insert(format!("nginx.access.{key}"), value);
        }
    }
    related.insert_into(&mut fields);
    Ok(fields)
}

#[cfg(test)]
mod tests {
    use super::*;
    use edge_format_sdk::{json, Protocol};

    fn event(raw: &str) -> Event {
        Event {
            protocol: Protocol::Syslog,
            source_address: Some("198.51.100.7".into()),
            metadata: vec![("service.name".into(), "shop".into())],
            ..edge_format_sdk::fixtures::https_event(raw, 1_795_474_800)
        }
    }

    edge_format_sdk::fixtures_test!(Nginx);

    #[test]
    fn keeps_envelope_and_metadata() {
        let fields = Nginx::normalize_one(event(r#"::1 - - [22/Nov/2026:22:44:57 +0000] "GET / HTTP/1.0" 204 0"#))
            .expect("valid test input");
        assert_eq!(fields["log.source.address"], "198.51.100.7");
        assert_eq!(fields["service.name"], "shop");
        assert_eq!(fields["source.ip"], "::1");
    }

    #[test]
    fn timestamps_are_kept_as_logged() {
        let ts = |raw: &str| Nginx::normalize_one(event(raw)).expect("valid test input")[TIMESTAMP].clone();
        assert_eq!(
            ts(r#"::1 - - [22/Nov/2026:22:44:57 +0100] "-" 400 0"#),
            "22/Nov/2026:22:44:57 +0100"
        );
        assert_eq!(ts("2026/11/22 22:44:57 [warn] 1#1: x"), "2026/11/22 22:44:57");
        assert_eq!(
            ts(r#"{"status":200,"time_iso8601":"2026-11-22T22:44:57+01:00"}"#),
            "2026-11-22T22:44:57+01:00"
        );
    }

    #[test]
    fn request_time_to_nanos() {
        assert_eq!(seconds_to_nanos("0.125"), Some(125_000_000));
        assert_eq!(seconds_to_nanos("12"), Some(12_000_000_000));
        assert_eq!(seconds_to_nanos("1.0000000019"), Some(1_000_000_001));
        assert_eq!(seconds_to_nanos("-1"), None);
        assert_eq!(seconds_to_nanos("."), None);
    }

    #[test]
    fn error_items_parse() {
        let mut fields = Fields::new();
        let mut related = Related::new();
        error_items(
            r#"client: 192.0.2.1, server: _, request: "POST /a, b HTTP/1.1", upstream: "http://127.0.0.1:8080/a", host: "shop.example.com:8443""#,
            &mut fields,
            &mut related,
        );
        related.insert_into(&mut fields);
        assert_eq!(
            Value::Object(fields),
            json!({"source.address": "192.0.2.1", "source.ip": "192.0.2.1", "nginx.error.request": "POST /a, b HTTP/1.1", "nginx.error.upstream": "http://127.0.0.1:8080/a",
                   "url.domain": "shop.example.com", "url.port": 8443, "url.registered_domain": "example.com",
                   "url.subdomain": "shop", "url.top_level_domain": "com",
                   "related.ip": ["192.0.2.1"], "related.hosts": ["shop.example.com"]})
        );
    }

    #[test]
    fn describes_itself() {
        let d = Nginx::describe();
        assert_eq!(
            (d.name.as_str(), d.categories.as_slice()),
            ("nginx", ["web".to_string()].as_slice())
        );
        let fields = Nginx::normalize_one(event(&d.sample)).expect("valid test input");
        assert_eq!(fields["http.response.status_code"], 200);
    }
}
