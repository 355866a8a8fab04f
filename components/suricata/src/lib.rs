//! The `suricata` format: Suricata's EVE JSON (one object per event), alone, after a syslog
//! prefix (EVE to syslog: `suricata[123]: {...}`, whole RFC 3164/5424 or ISO-time lines), and
//! Suricata's own log messages as sent to syslog or written to `suricata.log`.
//!
//! - Every EVE event: `@timestamp` (`timestamp`, RFC 3339 UTC), `source.*`/`destination.*`
//!   (`src_ip`, `src_port`, `dest_ip`, `dest_port`; `ether` MACs), `network.transport` and
//!   `iana_number` (`proto`), `network.protocol` (`app_proto`), `network.community_id`,
//!   `network.type`, `network.vlan.id`/`inner.vlan.id`, `observer.ingress.interface.name`
//!   (`in_iface`), `observer.hostname` (`host`, the sensor name), `observer.vendor`/`product`/
//!   `type`, `related.ip`/`hosts`; `flow` counts → `source.bytes`/`packets`,
//!   `destination.bytes`/`packets`, `network.bytes`/`packets`, `event.start`/`end`/`duration`.
//! - `alert`: `event.kind` `alert`, `event.category` `[intrusion_detection, network]`,
//!   `event.type` `allowed`/`denied` and `event.outcome` `success`/`failure` by `alert.action`,
//!   `rule.name`/`id`/`version`/`category`, `event.severity`. `drop`: `denied`, `failure`.
//! - `http` (`url.*`, `http.*`, `user_agent.*`, `network.forwarded_ip`), `dns` (versions 1-3:
//!   `dns.type`, `id`, `op_code`, `header_flags`, `response_code`, `question.*` with the public
//!   suffix split, `answers`, `resolved_ip`), `tls` (`tls.client.server_name`, `version`,
//!   `version_protocol`, `tls.server.subject`/`issuer`/`x509.*`/`hash.sha1`/`not_before`/
//!   `not_after`, `tls.client.ja3`, `tls.server.ja3s`, `tls.resumed`), `fileinfo` (`file.*`),
//!   `smtp`/`email` (`email.*`): on their own events and on alerts that carry them.
//! - `flow`/`netflow`: `network`, `connection` (+ `end`); `stats`: `event.kind` `metric`;
//!   `anomaly`, `ssh` and other application protocols: `network`, `info`/`protocol`.
//! - Every key not mapped stays under `suricata.eve.<key>` as Suricata wrote it (`flow_id`,
//!   `alert.action`, `stats.*`...), and `suricata.eve.event_type`.
//!
//! Suricata's own messages (`<Notice> -- This is Suricata version ...`, `[123 - Suricata-Main]
//! 2026-11-22 22:44:57 Notice: suricata: ...`) and any line a program named `suricata` logged
//! are kept as `message` with `log.level`. Other lines are rejected.

mod eve;
mod own;
mod protocols;
mod time;

use edge_format_sdk::line::{self, Prefixed};
use edge_format_sdk::{describe, insert_envelope, insert_metadata, Description, Event, Fields, Format};

pub struct Suricata;

/// `suricata[123]: rest` or `suricata: rest` → (name, pid, rest), for a line that is only a TAG
/// and the MSG (no syslog time, which `line::split` needs).
fn split_tag(msg: &str) -> Option<(&str, Option<&str>, &str)> {
    let (tag, rest) = msg.split_once(": ")?;
    let (name, pid) = match tag.split_once('[') {
        Some((name, pid)) => (name, Some(pid.strip_suffix(']')?)),
        None => (tag, None),
    };
    let name_ok = !name.is_empty()
        && name.len() <= 48
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'/'));
    if !name_ok || pid.is_some_and(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit())) {
        return None;
    }
    Some((name, pid, rest))
}

/// The line's prefix and MSG, a bare TAG read when no syslog prefix was.
fn split(raw: &str) -> Prefixed<'_> {
    let mut prefix = line::split(raw);
    if prefix.app_name.is_none() && !prefix.msg.starts_with('{') {
        if let Some((name, pid, rest)) = split_tag(prefix.msg) {
            prefix.app_name = Some(name);
            prefix.procid = pid;
            prefix.msg = rest.trim_start();
        }
    }
    // rsyslog's CEE cookie in front of JSON.
    if let Some(rest) = prefix.msg.strip_prefix("@cee:") {
        prefix.msg = rest.trim_start();
    }
    prefix
}

/// Suricata's syslog ident (`suricata`, also as a path or with a suffix such as `suricata-ids`).
fn is_suricata_program(name: &str) -> bool {
    let base = name.rsplit('/').next().unwrap_or(name);
    base.get(..8).is_some_and(|b| b.eq_ignore_ascii_case("suricata"))
}

impl Format for Suricata {
    fn describe() -> Description {
        describe!(
            "suricata",
            "Suricata EVE JSON (alerts, flows, DNS, HTTP, TLS, files, anomalies, stats...), alone or after a syslog prefix, normalized to ECS",
            ["ids", "network"],
            r#"{"timestamp":"2026-11-22T22:44:57.123456+0000","flow_id":1805486392517243,"in_iface":"eth0","event_type":"alert","src_ip":"203.0.113.45","src_port":51234,"dest_ip":"192.0.2.10","dest_port":80,"proto":"TCP","community_id":"1:LQU9qZlK+B5F3KDmev6m5PMibrg=","alert":{"action":"allowed","gid":1,"signature_id":2024897,"rev":3,"signature":"ET USER_AGENTS Go HTTP Client User-Agent","category":"Misc activity","severity":3},"app_proto":"http"}"#,
        )
    }

    fn normalize_one(event: Event) -> Result<Fields, String> {
        if event.raw.trim().is_empty() {
            return Err("empty event".into());
        }
        let mut fields = Fields::new();
        {
            let prefix = split(&event.raw);
            let msg = prefix.msg.trim_end();
            if msg.is_empty() {
                return Err("empty event".into());
            }
            let program = line::program(&event, &prefix);
            if msg.starts_with('{') {
                eve::eve_fields(msg, &mut fields)?;
            } else if !own::own_fields(msg, program.is_some_and(is_suricata_program), &mut fields) {
                return Err(format!(
                    "not a Suricata EVE event (a JSON object) nor a Suricata message: {}",
                    excerpt(msg)
                ));
            }
            line::insert_prefix_fields(&mut fields, &prefix, &event);
        }
        insert_envelope(&mut fields, &event);
        insert_metadata(&mut fields, &event.metadata);
        Ok(fields)
    }
}

/// The start of a rejected line, for the reason.
fn excerpt(msg: &str) -> &str {
    match msg.char_indices().nth(64) {
        Some((end, _)) => &msg[..end],
        None => msg,
    }
}

edge_format_sdk::export_format!(Suricata);

#[cfg(test)]
mod tests;
