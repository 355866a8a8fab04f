//! The `apache` format: Apache httpd access logs (`common`, `combined`, and `vhost_combined`
//! with its leading `host:port`) and error logs (2.4 and 2.2 layouts), normalized to ECS.
//!
//! - `@timestamp` is the log's own time as written (`22/Nov/2026:22:44:57 +0100`,
//!   `Sun Nov 22 22:44:57.123456 2026`); the host canonicalizes it (a time without a zone is UTC).
//! - Access: the shared access-log mapping of the SDK (`edge_format_sdk::access_log`): `source.*`,
//!   `user.name`, `http.*`, `url.*`, `user_agent.*`, `event.outcome`, `related.*`;
//!   `event.type` `["access"]`. `vhost_combined` adds `url.domain`, `url.port` and the public
//!   suffix split.
//! - Error: `log.level`, `apache.error.module`, `process.pid`, `process.thread.id`,
//!   `source.address`/`source.ip`/`source.port` (`[client ...]`), `error.code` (`AH00126`),
//!   `apache.error.os_error` (`(13)Permission denied`), `http.request.referrer` (a trailing
//!   `, referer: ...`), `message`, `related.*`; `event.type` `["error"]`.

use edge_format_sdk::access_log::{access_event, host_fields, web_event_fields};
use edge_format_sdk::ecs::parse_ip;
use edge_format_sdk::{
    address_fields, describe, insert_envelope, insert_metadata, Description, Event, Fields, Format, Related, Value,
    MESSAGE, TIMESTAMP,
};

pub struct Apache;

impl Format for Apache {
    fn describe() -> Description {
        describe!(
            "apache",
            "Apache httpd access logs (common, combined, vhost_combined) and error logs, normalized to ECS",
            ["web"],
            r#"192.0.2.10 - alice [22/Nov/2026:22:44:57 +0100] "GET /index.html HTTP/1.1" 200 2326 "https://www.example.com/start" "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15""#,
        )
    }

    fn normalize_one(mut event: Event) -> Result<Fields, String> {
        let raw = event.raw.trim_end_matches(['\r', '\n']);
        if raw.trim().is_empty() {
            return Err("empty event".into());
        }
        let mut fields = if raw.starts_with('[') {
            error_event(raw)?
        } else {
            access(raw)?
        };
        insert_envelope(&mut fields, &mut event);
        insert_metadata(&mut fields, event.metadata);
        Ok(fields)
    }
}

edge_format_sdk::export_format!(Apache);

/// common / combined, else `vhost_combined` (`host:port` first).
fn access(raw: &str) -> Result<Fields, String> {
    let error = match access_event(raw) {
        Ok(fields) => return Ok(fields),
        Err(e) => e,
    };
    if let Some((vhost, rest)) = raw.split_once(' ') {
        if vhost.contains(':') && parse_ip(vhost).is_none() {
            if let Ok(mut fields) = access_event(rest) {
                let mut related = Related::new();
                host_fields(vhost, &mut fields, &mut related);
                merge_related(&mut fields, related);
                return Ok(fields);
            }
        }
    }
    Err(format!("not an apache access or error log line: {error}"))
}

/// Adds `related` to the `related.*` arrays already in `fields`, keeping them sorted and unique.
fn merge_related(fields: &mut Fields, mut related: Related) {
    for (key, set) in [
        ("related.ip", &mut related.ip),
        ("related.hosts", &mut related.hosts),
        ("related.user", &mut related.user),
    ] {
        if let Some(Value::Array(values)) = fields.remove(key) {
            set.extend(values.into_iter().filter_map(|v| v.as_str().map(str::to_owned)));
        }
    }
    related.insert_into(fields);
}

fn number(s: &str) -> Option<u64> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// `ip:port`, `[ip]:port`, `ip` (2.2 logs no port). An IPv6 address with a port is logged
/// without brackets by 2.4 (`::1:51022`): `with_port` says the layout has one.
fn client(value: &str, with_port: bool) -> (&str, Option<u16>) {
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

/// `[time] [module:level] [pid N:tid M] (errno)text: [client ip:port] AHnnnnn: message, referer: url`
fn error_event(raw: &str) -> Result<Fields, String> {
    let not = |why: &str| format!("not an apache error log line: {why}");
    let inner = &raw[1..];
    let end = inner.find(']').ok_or_else(|| not("unterminated [time]"))?;
    let time = &inner[..end];
    if !time.bytes().any(|b| b.is_ascii_digit()) || !time.contains(':') {
        return Err(not("invalid [time]"));
    }
    let mut rest = inner[end + 1..].trim_start();
    let mut fields = Fields::new();
    let mut related = Related::new();
    web_event_fields("error", &mut fields);
    fields.insert(TIMESTAMP.into(), Value::String(time.to_owned()));

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
    fields.insert(MESSAGE.into(), Value::String(message.to_owned()));
    related.insert_into(&mut fields);
    Ok(fields)
}

#[cfg(test)]
mod tests {
    use super::*;
    use edge_format_sdk::Protocol;

    fn event(raw: &str) -> Event {
        Event {
            protocol: Protocol::Syslog,
            source_address: Some("198.51.100.7".into()),
            metadata: vec![("service.name".into(), "www".into())],
            ..edge_format_sdk::fixtures::https_event(raw, 1_795_474_800)
        }
    }

    edge_format_sdk::fixtures_test!(Apache);

    #[test]
    fn clients() {
        assert_eq!(client("192.0.2.10:51022", true), ("192.0.2.10", Some(51022)));
        assert_eq!(client("::1:51022", true), ("::1", Some(51022)));
        assert_eq!(client("[2001:db8::1]:443", true), ("2001:db8::1", Some(443)));
        assert_eq!(client("::1", false), ("::1", None));
        assert_eq!(client("192.0.2.10", false), ("192.0.2.10", None));
        assert_eq!(client("192.0.2.10", true), ("192.0.2.10", None));
    }

    #[test]
    fn timestamps_are_kept_as_logged() {
        let ts = |raw: &str| Apache::normalize_one(event(raw)).expect("valid test input")[TIMESTAMP].clone();
        assert_eq!(
            ts(r#"::1 - - [22/Nov/2026:22:44:57 +0100] "-" 400 0"#),
            "22/Nov/2026:22:44:57 +0100"
        );
        assert_eq!(
            ts("[Sun Nov 22 22:44:57.123456 2026] [core:warn] [pid 1] x"),
            "Sun Nov 22 22:44:57.123456 2026"
        );
    }

    #[test]
    fn keeps_envelope_and_metadata() {
        let fields = Apache::normalize_one(event(
            "[Sun Nov 22 22:44:57 2026] [notice] caught SIGTERM, shutting down",
        ))
        .expect("valid test input");
        assert_eq!(fields["log.source.address"], "198.51.100.7");
        assert_eq!(fields["service.name"], "www");
        assert_eq!(fields["message"], "caught SIGTERM, shutting down");
    }

    #[test]
    fn describes_itself() {
        let d = Apache::describe();
        assert_eq!(
            (d.name.as_str(), d.categories.as_slice()),
            ("apache", ["web".to_string()].as_slice())
        );
        let fields = Apache::normalize_one(event(&d.sample)).expect("valid test input");
        assert_eq!(fields["http.response.status_code"], 200);
    }
}
