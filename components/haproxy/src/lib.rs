//! The `haproxy` format: HAProxy's logs as syslog MSGs or whole lines (RFC 3164 with or without
//! a hostname, as HAProxy sends them, RFC 5424, an ISO time prefix, or a bare `haproxy[pid]: `
//! tag).
//!
//! - Traffic (`traffic.rs`): `option httplog` (HAProxy 1.x `Tq/Tw/Tc/Tr/Tt` and 2.x
//!   `TR/Tw/Tc/Tr/Ta`, captured headers in `{...}`, `<BADREQ>`, `<NOSRV>`, `%{+Q}r`), `option
//!   httpslog` (TLS items after the request), `option tcplog`, and the `fe/bind: SSL handshake
//!   failure` line → `@timestamp` (the accept date, local time read as UTC), `source.*`,
//!   `haproxy.frontend_name`/`backend_name`/`server_name`/`bind_name`, timers
//!   (`haproxy.http.request.time_wait_ms` TR, `haproxy.total_waiting_time_ms` Tw,
//!   `haproxy.connection_wait_time_ms` Tc, `haproxy.http.request.time_wait_without_data_ms` Tr,
//!   `haproxy.total_time_ms` and `event.duration` Ta/Tt), `http.response.status_code`,
//!   `http.response.bytes` and `haproxy.bytes_read` (`destination.bytes` for TCP),
//!   `http.request.method`, `url.*`, `http.version`, captured cookies and headers,
//!   `haproxy.termination_state` (and `event.reason` spelling it out),
//!   `haproxy.connections.*`, `haproxy.server_queue`/`backend_queue`, `tls.*` (`~` frontends,
//!   httpslog); `event.category` `web` + `access` or `network` + `connection`, `end`;
//!   `event.outcome` from the status, else from the termination state.
//! - HAProxy's messages (`messages.rs`): `Proxy <name> started.`/`stopped`, `Server <be>/<srv>
//!   is DOWN|UP|going DOWN for maintenance, reason: ...`, `Health check for server ...`,
//!   `backend <be> has no server available!`, `Pausing`/`Stopping proxy`, `Connect from`,
//!   and `[WARNING] (pid) : ...` lines → `message`, `event.action`, `event.outcome`,
//!   `event.reason`, `haproxy.check.*`, names, `log.level`.
//! - Any other line from a program named `haproxy` is kept as `message`; lines that are not
//!   HAProxy's are rejected.

mod messages;
mod traffic;

use edge_format_sdk::line::{self, Prefixed};
use edge_format_sdk::{describe, insert_envelope, insert_metadata, Description, Event, Fields, Format, Related};

pub struct HaProxy;

/// `haproxy[123]: rest` → (name, pid, rest), for a line that is only a TAG and the MSG.
fn split_tag(msg: &str) -> Option<(&str, Option<&str>, &str)> {
    let (tag, rest) = msg.split_once(": ")?;
    let (name, pid) = match tag.split_once('[') {
        Some((name, pid)) => (name, Some(pid.strip_suffix(']')?)),
        None => (tag, None),
    };
    if !is_haproxy_program(name) || pid.is_some_and(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit())) {
        return None;
    }
    Some((name, pid, rest))
}

/// HAProxy's syslog ident: `haproxy`, also a path or a suffixed name (`haproxy-ingress`).
fn is_haproxy_program(name: &str) -> bool {
    let base = name.rsplit('/').next().unwrap_or(name);
    base.get(..7).is_some_and(|b| b.eq_ignore_ascii_case("haproxy"))
}

fn split(raw: &str) -> Prefixed<'_> {
    let mut prefix = line::split(raw);
    if prefix.app_name.is_none() {
        if let Some((name, pid, rest)) = split_tag(prefix.msg) {
            prefix.app_name = Some(name);
            prefix.procid = pid;
            prefix.msg = rest.trim_start();
        }
    }
    prefix
}

/// The start of a rejected line, for the reason.
fn excerpt(msg: &str) -> &str {
    match msg.char_indices().nth(64) {
        Some((end, _)) => &msg[..end],
        None => msg,
    }
}

/// The fields of one MSG; `Err` when it is not HAProxy's.
fn msg_fields(msg: &str, from_haproxy: bool) -> Result<Fields, String> {
    if let Some(fields) = traffic::traffic_fields(msg) {
        return Ok(fields);
    }
    let mut fields = Fields::new();
    let mut related = Related::new();
    let mut text = msg;
    let level = messages::level_prefix(msg);
    if let Some((level, pid, rest)) = level {
        traffic::set(&mut fields, "log.level", level.to_ascii_lowercase());
        if let Some(pid) = pid {
            traffic::set(&mut fields, "process.pid", pid);
        }
        text = rest;
    }
    let known = messages::message_fields(text, &mut fields, &mut related);
    if !known && level.is_none() && !from_haproxy {
        return Err(format!("not an HAProxy log line: {}", excerpt(msg)));
    }
    traffic::set(&mut fields, "event.kind", "event");
    traffic::set(&mut fields, "message", text);
    related.insert_into(&mut fields);
    Ok(fields)
}

impl Format for HaProxy {
    fn describe() -> Description {
        describe!(
            "haproxy",
            "HAProxy logs: httplog, httpslog and tcplog traffic lines, server/proxy state messages, normalized to ECS",
            ["web", "network"],
            r#"haproxy[1234]: 192.0.2.7:53210 [22/Nov/2026:22:44:57.123] www-https~ app/web1 0/0/1/12/13 200 1234 - - ---- 12/12/3/1/0 0/0 "GET /index.html?lang=en HTTP/1.1""#,
        )
    }

    fn normalize_one(event: Event) -> Result<Fields, String> {
        if event.raw.trim().is_empty() {
            return Err("empty event".into());
        }
        let mut fields = {
            let prefix = split(&event.raw);
            let msg = prefix.msg.trim_end();
            if msg.is_empty() {
                return Err("empty event".into());
            }
            let program = line::program(&event, &prefix);
            let mut fields = msg_fields(msg, program.is_some_and(is_haproxy_program))?;
            line::insert_prefix_fields(&mut fields, &prefix, &event);
            fields
        };
        insert_envelope(&mut fields, &event);
        insert_metadata(&mut fields, &event.metadata);
        Ok(fields)
    }
}

edge_format_sdk::export_format!(HaProxy);

#[cfg(test)]
mod tests;
