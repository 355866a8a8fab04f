//! The `apache` format: Apache httpd access logs and error logs, normalized to ECS.
//!
//! A line may come alone (a syslog MSG, a file line) or whole with a syslog or RFC 3339 time
//! prefix (`edge_format_sdk::line`): the prefix gives `host.name`, `process.name`/`pid` and the
//! time where the envelope and the log say nothing.
//!
//! - `@timestamp` is the log's own time: an access line's in RFC 3339
//!   (`22/Nov/2026:22:44:57 +0100` → `2026-11-22T22:44:57+01:00`), an error line's as written
//!   (`Sun Nov 22 22:44:57.123456 2026`); the host canonicalizes it (a time without a zone is UTC).
//! - Access (`access.rs`): `common`, `combined`, `vhost_combined` (`%v:%p` first, or `%v`), and
//!   what people append after the user agent: `%D` (µs) or `%T` (s) or `%T/%D` →
//!   `event.duration`, `%I %O` → `http.request.bytes`/`http.response.bytes`, a quoted
//!   `X-Forwarded-For` → `network.forwarded_ip`, a quoted `Host` → `url.domain`. The shared mapping
//!   of the SDK (`edge_format_sdk::access_log`): `source.*`, `user.name`, `http.*`, `url.*`,
//!   `user_agent.*` (uap-core), `event.outcome`, `related.*`; `event.type` `["access"]`. The byte
//!   count is `%b` (`http.response.body.bytes`) as in httpd's own `common`/`combined`, but `%O`
//!   (`http.response.bytes`, headers included) in `vhost_combined` (`%v:%p`), as Debian defines it.
//!   Invalid requests (`-`, TLS bytes `\x16\x03...`) keep the line in `event.original`; a line
//!   cut short keeps what it has.
//! - Error (`error.rs`, 2.4 and 2.2 layouts, with or without the time as sent to syslog):
//!   `log.level`, `apache.error.module`, `process.pid`, `process.thread.id`,
//!   `source.address`/`source.ip`/`source.port` (`[client ...]`), `error.code` (`AH00126`),
//!   `apache.error.os_error` (`(13)Permission denied`), `http.request.referrer` (a trailing
//!   `, referer: ...`), `message`, `related.*`; `event.type` `["error"]` for `warn` and worse,
//!   `["info"]` below. ModSecurity messages (`modsecurity.rs`) add `rule.id`,
//!   `rule.description`, `rule.ruleset`, `http.request.id`, `url.domain`/`path` and
//!   `apache.error.modsecurity.*`.

mod access;
mod error;
mod modsecurity;

use edge_format_sdk::{describe, insert_envelope, insert_metadata, line, Description, Event, Fields, Format};

pub struct Apache;

impl Format for Apache {
    fn describe() -> Description {
        describe!(
            "apache",
            "Apache httpd access logs (common, combined, vhost_combined, with extra fields) and error logs, normalized to ECS",
            ["web"],
            r#"192.0.2.10 - alice [22/Nov/2026:22:44:57 +0100] "GET /index.html HTTP/1.1" 200 2326 "https://www.example.com/start" "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15""#,
        )
    }

    fn normalize_one(event: Event) -> Result<Fields, String> {
        let mut fields = {
            let prefixed = line::split(&event.raw);
            let msg = prefixed.msg.trim_end_matches(['\r', '\n']);
            if msg.trim().is_empty() {
                return Err("empty event".into());
            }
            let mut fields = if msg.starts_with('[') {
                error::error_event(msg)?
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

edge_format_sdk::export_format!(Apache);

#[cfg(test)]
mod tests;
