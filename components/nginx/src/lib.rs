//! The `nginx` format: access logs (`combined`, `common`, with a virtual host first or extra
//! fields after, or one JSON object per line as written by a `log_format ... escape=json` with
//! nginx variable names as keys) and error logs, normalized to ECS.
//!
//! A line may come alone (a syslog MSG, a file line) or whole with a syslog or RFC 3339 time
//! prefix (`edge_format_sdk::line`): the prefix gives `host.name`, `process.name`/`pid` and the
//! time where the envelope and the log say nothing.
//!
//! - `@timestamp` is the log's own time: `$time_local` in RFC 3339 (`22/Nov/2026:22:44:57 +0100`
//!   → `2026-11-22T22:44:57+01:00`), `$time_iso8601` and the error log's `2026/11/22 22:44:57`
//!   as written; the host canonicalizes it (a time without a zone is UTC).
//! - Access (`access.rs`, `json.rs`): `source.*`, `user.name`, `http.request.method`, `url.*`,
//!   `http.version`, `http.response.status_code`, `http.response.body.bytes`
//!   (`$body_bytes_sent`), `http.response.bytes` (`$bytes_sent`), `http.request.bytes`
//!   (`$request_length`), `http.request.referrer`, `user_agent.*` (uap-core), `event.outcome`,
//!   `event.duration` (`$request_time`), `network.forwarded_ip` (`"$http_x_forwarded_for"`),
//!   `url.domain` and its public suffix split (`$host`), `related.*`; `event.type` `["access"]`.
//!   After the user agent: `key=value` items (`rt=`, `urt=`, `uct=`, `uht=`...), the
//!   ingress-nginx layout (`$request_length $request_time [$proxy_upstream_name] [...]
//!   $upstream_addr ... $req_id` → `nginx.access.upstream.*`, `http.request.id`), a decimal
//!   `$request_time`, a quoted address list or host. Invalid requests (`-`, TLS bytes
//!   `\x16\x03...`) keep the line in `event.original`; a line cut short keeps what it has.
//! - Error (`error.rs`): `log.level`, `process.pid`, `process.thread.id`,
//!   `nginx.error.connection_id`, `message`, and from the trailing `client:`, `server:`,
//!   `request:`, `host:`, `referrer:` and `upstream:` items the same ECS fields as access logs;
//!   `event.type` `["error"]` for `warn` and worse, `["info"]` below.
//! - Stream (`stream.rs`, the `basic` format of `ngx_stream_log_module`, `$remote_addr
//!   [$time_local] $protocol $status $bytes_sent $bytes_received $session_time`): `source.*`,
//!   `network.transport`, `source.bytes`/`destination.bytes`/`network.bytes`, `event.duration`,
//!   `nginx.stream.status`, `event.outcome`; `event.category` `["network"]`, `event.type`
//!   `["connection"]`.
//! - `-` and empty values mean absent. Numbers are JSON numbers. Unknown keys of a JSON access
//!   log are kept as `nginx.access.<key>`.

mod access;
mod error;
mod json;
mod stream;

use edge_format_sdk::{describe, insert_envelope, insert_metadata, line, Description, Event, Fields, Format};

pub struct Nginx;

impl Format for Nginx {
    fn describe() -> Description {
        describe!(
            "nginx",
            "nginx access logs (combined, common, with extra fields, or JSON) and error logs, normalized to ECS",
            ["web"],
            r#"192.0.2.10 - alice [22/Nov/2026:22:44:57 +0100] "GET /search?q=shoes HTTP/1.1" 200 5316 "https://www.example.com/" "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0""#,
        )
    }

    fn normalize_one(event: Event) -> Result<Fields, String> {
        let mut fields = {
            let prefixed = line::split(&event.raw);
            let msg = prefixed.msg.trim_end_matches(['\r', '\n']);
            if msg.trim().is_empty() {
                return Err("empty event".into());
            }
            let mut fields = if msg.starts_with('{') {
                json::json_access_event(msg)?
            } else if error::is_error_line(msg) {
                error::error_event(msg)?
            } else if let Some(fields) = stream::stream_event(msg) {
                fields
            } else {
                access::access(msg)?
            };
            line::insert_prefix_fields(&mut fields, &prefixed, &event);
            fields
        };
        insert_envelope(&mut fields, &event);
        insert_metadata(&mut fields, &event.metadata);
        Ok(fields)
    }
}

edge_format_sdk::export_format!(Nginx);

#[cfg(test)]
mod tests;
