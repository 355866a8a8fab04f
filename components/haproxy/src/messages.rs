//! HAProxy's own messages: proxies starting and stopping, server state changes and health
//! checks, a backend left without servers, `Connect from` lines (no log option), and the
//! `[LEVEL] (pid) : ` lines it writes to stderr/journald.

use crate::traffic::set;
use edge_format_sdk::ecs::parse_ip;
use edge_format_sdk::{Fields, Related, Value};

/// `[NOTICE]   (1234) : text`, `[WARNING] 326/104512 (1234) : text` (1.x) → (level, pid, text).
pub(crate) fn level_prefix(msg: &str) -> Option<(&str, Option<u64>, &str)> {
    let (level, rest) = msg.strip_prefix('[')?.split_once(']')?;
    if !matches!(
        level,
        "NOTICE" | "WARNING" | "ALERT" | "INFO" | "DEBUG" | "EMERG" | "ERR" | "ERROR"
    ) {
        return None;
    }
    let (head, text) = rest.split_once(" : ").or_else(|| rest.split_once(": "))?;
    let pid = head
        .rsplit_once('(')
        .and_then(|(_, p)| p.trim_end().strip_suffix(')'))
        .and_then(|p| p.parse().ok());
    Some((level, pid, text.trim_start()))
}

/// The value after `key` up to the next `,` (or the end, a final `.` dropped).
fn item<'a>(text: &'a str, key: &str) -> Option<&'a str> {
    let start = text.find(key)? + key.len();
    let rest = &text[start..];
    let value = if let Some(quoted) = rest.strip_prefix('"') {
        quoted.split_once('"').map_or(quoted, |(v, _)| v)
    } else {
        // Items end at a comma or at the end of the sentence (`check duration: 0ms. 2 active`).
        let end = [rest.find(','), rest.find(". ")]
            .into_iter()
            .flatten()
            .min()
            .unwrap_or(rest.len());
        rest[..end].trim_end_matches('.')
    };
    let value = value.trim();
    (!value.is_empty()).then_some(value)
}

/// `backend/server` → the two names.
fn backend_server(text: &str, fields: &mut Fields) -> bool {
    let text = text.trim_end_matches([',', '.', ':']);
    match text.split_once('/') {
        Some((backend, server)) if !backend.is_empty() && !server.is_empty() => {
            set(fields, "haproxy.backend_name", backend);
            set(fields, "haproxy.server_name", server);
            true
        }
        _ => false,
    }
}

/// The check's reason, info, code and duration (`reason: Layer7 wrong status, code: 503,
/// info: "Service Unavailable", check duration: 3ms`).
fn check_details(text: &str, fields: &mut Fields) {
    if let Some(reason) = item(text, "reason: ") {
        set(fields, "event.reason", reason);
    }
    if let Some(info) = item(text, "info: ") {
        set(fields, "haproxy.check.info", info);
    }
    if let Some(code) = item(text, "code: ").and_then(|c| c.parse::<u16>().ok()) {
        set(fields, "haproxy.check.code", code);
    }
    if let Some(ms) = item(text, "check duration: ")
        .and_then(|d| d.strip_suffix("ms"))
        .and_then(|d| d.parse::<u64>().ok())
    {
        set(fields, "haproxy.check.duration_ms", ms);
    }
}

fn action(fields: &mut Fields, action: &str, outcome: Option<&str>) {
    set(fields, "event.action", action);
    if let Some(outcome) = outcome {
        set(fields, "event.outcome", outcome);
    }
}

/// Writes the fields of a message HAProxy is known to log; false when the text is none of them.
pub(crate) fn message_fields(text: &str, fields: &mut Fields, related: &mut Related) -> bool {
    let first = |s: &str| s.split(' ').next().unwrap_or("").to_owned();
    if let Some(rest) = text.strip_prefix("Server ") {
        let Some((name, state)) = rest.split_once(' ') else {
            return false;
        };
        if !backend_server(name, fields) {
            return false;
        }
        // `('web1.example.internal') is UP/READY (resolves again).`: the server's address.
        let state = match state.strip_prefix("('").and_then(|s| s.split_once("') ")) {
            Some((_, after)) => after,
            None => state,
        };
        let (name, outcome) = if state.starts_with("is going DOWN for maintenance") {
            ("server_maintenance", None)
        } else if state.starts_with("is DOWN") {
            ("server_down", Some("failure"))
        } else if state.starts_with("is UP") {
            ("server_up", Some("success"))
        } else if state.starts_with("is stopping") || state.starts_with("is going DRAIN") {
            ("server_draining", None)
        } else if state.starts_with("administratively READY") {
            ("server_ready", Some("success"))
        } else {
            ("server_state", None)
        };
        action(fields, name, outcome);
        check_details(state, fields);
        return true;
    }
    if let Some(rest) = text.strip_prefix("Health check for ") {
        let rest = rest.strip_prefix("backup ").unwrap_or(rest);
        let Some(rest) = rest.strip_prefix("server ") else {
            return false;
        };
        let Some((name, state)) = rest.split_once(' ') else {
            return false;
        };
        if !backend_server(name, fields) {
            return false;
        }
        if state.starts_with("failed") {
            action(fields, "health_check_failed", Some("failure"));
        } else if state.starts_with("succeeded") {
            action(fields, "health_check_succeeded", Some("success"));
        } else {
            action(fields, "health_check", None);
        }
        check_details(state, fields);
        return true;
    }
    if let Some(backend) = text
        .strip_prefix("backend ")
        .and_then(|r| r.strip_suffix(" has no server available!"))
    {
        set(fields, "haproxy.backend_name", backend);
        action(fields, "backend_no_server", Some("failure"));
        return true;
    }
    if let Some(rest) = text.strip_prefix("Proxy ") {
        let name = first(rest);
        let after = rest[name.len()..].trim_start();
        let kind = if after.starts_with("started") {
            "proxy_started"
        } else if after.starts_with("stopped") {
            "proxy_stopped"
        } else if after.starts_with("reached") {
            // `Proxy fe reached process FD limit (maxsock=...)`, `... reached global maxconn`.
            "proxy_limit_reached"
        } else {
            return false;
        };
        set(fields, "haproxy.proxy_name", name);
        action(fields, kind, None);
        return true;
    }
    for (prefix, kind) in [
        ("Pausing proxy ", "proxy_paused"),
        ("Resuming proxy ", "proxy_resumed"),
        ("Stopping proxy ", "proxy_stopping"),
        ("Stopping frontend ", "proxy_stopping"),
        ("Stopping backend ", "proxy_stopping"),
    ] {
        if let Some(rest) = text.strip_prefix(prefix) {
            set(fields, "haproxy.proxy_name", first(rest).trim_end_matches('.'));
            action(fields, kind, None);
            return true;
        }
    }
    if let Some(rest) = text.strip_prefix("Connect from ") {
        return connect_fields(rest, fields, related);
    }
    false
}

/// `192.0.2.7:53210 to 198.51.100.10:80 (http-in/HTTP)`: the log of a proxy without
/// `option httplog`/`tcplog`.
fn connect_fields(rest: &str, fields: &mut Fields, related: &mut Related) -> bool {
    let Some((from, rest)) = rest.split_once(" to ") else {
        return false;
    };
    let Some((to, proxy)) = rest.split_once(' ') else {
        return false;
    };
    for (side, address) in [("source", from), ("destination", to)] {
        let Some((ip, port)) = address.rsplit_once(':') else {
            return false;
        };
        let Some(parsed) = parse_ip(ip) else { return false };
        set(fields, &format!("{side}.address"), ip);
        set(fields, &format!("{side}.ip"), parsed.to_string());
        related.add_ip(parsed);
        if let Ok(port) = port.parse::<u16>() {
            set(fields, &format!("{side}.port"), port);
        }
    }
    if let Some((frontend, mode)) = proxy
        .strip_prefix('(')
        .and_then(|p| p.strip_suffix(')'))
        .and_then(|p| p.split_once('/'))
    {
        set(fields, "haproxy.frontend_name", frontend);
        set(fields, "haproxy.mode", mode.to_ascii_lowercase());
    }
    set(fields, "event.category", vec![Value::from("network")]);
    set(
        fields,
        "event.type",
        vec![Value::from("connection"), Value::from("start")],
    );
    action(fields, "connect", None);
    true
}
