//! Apache error logs: `[time] [module:level] [pid N:tid M] [client ip:port] AHnnnnn: message`.

use edge_format_sdk::access_log::web_event_fields;
use edge_format_sdk::ecs::parse_ip;
use edge_format_sdk::{address_fields, Fields, Related, Value, MESSAGE, TIMESTAMP};

pub(crate) fn number(s: &str) -> Option<u64> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// `ip:port`, `[ip]:port`, `ip` (2.2 logs no port). An IPv6 address with a port is logged
/// without brackets by 2.4 (`::1:51022`): `with_port` says the layout has one.
pub(crate) fn client(value: &str, with_port: bool) -> (&str, Option<u16>) {
    if let Some(inner) = value.strip_prefix('[') {
        if let Some((ip, port)) = inner.split_once("]:") {
            return (ip, port.parse().ok());
        }
    }
    if parse_ip(value).is_some() && !(with_port && value.contains(':')) {
        return (value, None);
    }
    match value.rsplit_once(':') {
        Some((address, port)) if number(port).is_some() => (address, port.parse().ok()),
        _ => (value, None),
    }
}

/// `[time] [module:level] [pid N:tid M] (errno)text: [client ip:port] AHnnnnn: message, referer: url`.
/// Sent to syslog (`ErrorLog syslog:`), the line has no `[time]`.
pub(crate) fn error_event(raw: &str) -> Result<Fields, String> {
    let not = |why: &str| format!("not an apache error log line: {why}");
    let inner = raw.strip_prefix('[').ok_or_else(|| not("expected ["))?;
    let end = inner.find(']').ok_or_else(|| not("unterminated [time]"))?;
    let first = &inner[..end];
    let mut fields = Fields::new();
    let mut related = Related::new();
    // A time has digits and spaces (`Sun Nov 22 22:44:57.123456 2026`); a level has neither.
    let mut rest = if first.contains(' ') {
        if !first.bytes().any(|b| b.is_ascii_digit()) || !first.contains(':') {
            return Err(not("invalid [time]"));
        }
        fields.insert(TIMESTAMP.into(), Value::String(first.to_owned()));
        inner[end + 1..].trim_start()
    } else {
        raw
    };

    // The level comes first, `[module:level]` in 2.4 or `[level]` in 2.2.
    let level_segment = rest
        .strip_prefix('[')
        .and_then(|r| r.split_once(']'))
        .ok_or_else(|| not("missing [level]"))?;
    let (module, level) = match level_segment.0.split_once(':') {
        Some((module, level)) => (Some(module), level),
        None => (None, level_segment.0),
    };
    if level.is_empty() || !level.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(not(&format!("invalid level {level:?}")));
    }
    web_event_fields(event_type(level), &mut fields);
    fields.insert("log.level".into(), Value::String(level.to_owned()));
    if let Some(module) = module.filter(|m| !m.is_empty()) {
        fields.insert("apache.error.module".into(), Value::String(module.to_owned()));
    }
    let with_port = module.is_some();
    rest = level_segment.1.trim_start();

    loop {
        if let Some(segment) = rest.strip_prefix('[') {
            let Some((content, after)) = segment.split_once(']') else {
                break;
            };
            if let Some(process) = content.strip_prefix("pid ") {
                let (pid, tid) = match process.split_once(":tid ") {
                    Some((pid, tid)) => (pid, Some(tid)),
                    None => (process, None),
                };
                if let Some(pid) = number(pid) {
                    fields.insert("process.pid".into(), Value::from(pid));
                }
                if let Some(tid) = tid.and_then(number) {
                    fields.insert("process.thread.id".into(), Value::from(tid));
                }
            } else if let Some(value) = content.strip_prefix("client ") {
                let (address, port) = client(value, with_port);
                address_fields("source", address, &mut fields, &mut related);
                if let Some(port) = port {
                    fields.insert("source.port".into(), Value::from(port));
                }
            } else {
                break;
            }
            rest = after.trim_start();
        } else if let Some(os) = rest
            .strip_prefix('(')
            .and_then(|r| r.split_once(')'))
            .filter(|(errno, _)| errno.parse::<i64>().is_ok())
            .and_then(|_| rest.split_once(": "))
            .filter(|(os, _)| !os.contains('['))
        {
            fields.insert("apache.error.os_error".into(), Value::String(os.0.to_owned()));
            rest = os.1.trim_start();
        } else {
            break;
        }
    }

    let mut message = rest;
    if let Some((before, referrer)) = message.rsplit_once(", referer: ") {
        if !referrer.is_empty() && !referrer.contains(' ') {
            fields.insert("http.request.referrer".into(), Value::String(referrer.to_owned()));
            message = before;
        }
    }
    if let Some((code, _)) = message.split_once(": ") {
        if code.len() == 7 && code.starts_with("AH") && number(&code[2..]).is_some() {
            fields.insert("error.code".into(), Value::String(code.to_owned()));
        }
    }
    crate::modsecurity::modsecurity_fields(message, &mut fields, &mut related);
    fields.insert(MESSAGE.into(), Value::String(message.to_owned()));
    related.insert_into(&mut fields);
    Ok(fields)
}

/// `error` for `warn` and worse (`emerg`, `alert`, `crit`, `error`), `info` for `notice`, `info`,
/// `debug` and `trace1`..`trace8`: a startup notice is not an error.
fn event_type(level: &str) -> &'static str {
    match level {
        "notice" | "info" | "debug" => "info",
        trace if trace.starts_with("trace") => "info",
        _ => "error",
    }
}
