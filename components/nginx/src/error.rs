//! nginx error logs: `2026/11/22 22:44:57 [error] 1234#0: *5 message, client: ..., server: ...`.

use edge_format_sdk::access_log::{host_fields, request_fields, web_event_fields};
use edge_format_sdk::ecs::{parse_ip, present};
use edge_format_sdk::{address_fields, Fields, Related, Value, MESSAGE, TIMESTAMP};

/// `YYYY/MM/DD HH:MM:SS [`
fn has_time(raw: &str) -> bool {
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

/// An error line, with its time (a file) or without (`error_log syslog:` sends `[level] pid#tid:
/// ...` with the time in the syslog header).
pub(crate) fn is_error_line(raw: &str) -> bool {
    has_time(raw)
        || raw
            .strip_prefix('[')
            .and_then(|r| r.split_once("] "))
            .is_some_and(|(level, rest)| {
                !level.is_empty()
                    && level.bytes().all(|b| b.is_ascii_lowercase())
                    && rest.bytes().next().is_some_and(|b| b.is_ascii_digit())
            })
}

pub(crate) fn split_number(s: &str) -> Option<u64> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// `2026/11/22 22:44:57 [error] 1234#0: *5 message, client: ..., server: ..., request: "..."`
pub(crate) fn error_event(raw: &str) -> Result<Fields, String> {
    let mut fields = Fields::new();
    let mut related = Related::new();
    let rest = if has_time(raw) {
        fields.insert(TIMESTAMP.into(), Value::String(raw[..19].to_owned()));
        &raw[21..]
    } else {
        raw.strip_prefix('[')
            .ok_or("not an nginx error log line: expected [level]")?
    };
    let (level, rest) = rest
        .split_once("] ")
        .ok_or("not an nginx error log line: unterminated [level]")?;
    if level.is_empty() || !level.bytes().all(|b| b.is_ascii_lowercase()) {
        return Err(format!("not an nginx error log line: invalid level {level:?}"));
    }
    web_event_fields(event_type(level), &mut fields);
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
pub(crate) fn error_items(mut items: &str, fields: &mut Fields, related: &mut Related) {
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
        server_fields(server, fields, related);
    }
    if let Some(host) = host {
        host_fields(host, fields, related);
    }
}

/// The `server:` item: the `server_name` that took the request, or the listening address
/// (`0.0.0.0:443`) when none did.
fn server_fields(server: &str, fields: &mut Fields, related: &mut Related) {
    let (address, port) = match server.rsplit_once(':') {
        Some((address, port)) if parse_ip(address).is_some() => (address, port.parse::<u16>().ok()),
        _ => (server, None),
    };
    match parse_ip(address) {
        Some(ip) => {
            fields.insert("server.ip".into(), Value::String(ip.to_string()));
            if let Some(port) = port {
                fields.insert("server.port".into(), Value::from(port));
            }
            related.add_ip(ip);
        }
        None => {
            fields.insert("server.domain".into(), Value::String(server.to_owned()));
            related.add_host(server);
        }
    }
}

pub(crate) fn simple_key(key: &str) -> bool {
    !key.is_empty() && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// `error` for `warn` and worse (`error`, `crit`, `alert`, `emerg`), `info` for `notice`, `info`
/// and `debug`: a start-up notice is not an error.
fn event_type(level: &str) -> &'static str {
    match level {
        "notice" | "info" | "debug" => "info",
        _ => "error",
    }
}
