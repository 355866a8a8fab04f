//! nginx access logs written as JSON (`log_format ... escape=json`) with nginx variable names as keys.

use crate::error::simple_key;
use edge_format_sdk::access_log::{
    clf_time_to_rfc3339, host_fields, request_fields, seconds_to_nanos, status_fields, url_fields, web_event_fields,
};
use edge_format_sdk::ecs::present;
use edge_format_sdk::serde_json;
use edge_format_sdk::{address_fields, user_agent_fields, Fields, Related, Value, TIMESTAMP};

/// A JSON value as log text: strings as they are, numbers written out; others are absent.
fn text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) if present(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
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
pub(crate) fn json_access_event(raw: &str) -> Result<Fields, String> {
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
    let time = get("time_iso8601").or_else(|| get("time_local").map(|t| clf_time_to_rfc3339(&t).unwrap_or(t)));
    if let Some(time) = time {
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
