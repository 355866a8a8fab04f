//! The `paloalto` format: Palo Alto Networks PAN-OS firewall logs sent over syslog, in the
//! default CSV form (`1,2026/11/22 22:44:57,012801012345,TRAFFIC,end,2561,2026/11/22
//! 22:44:57,192.0.2.10,...`) or PAN-OS's LEEF form (`LEEF:1.0|Palo Alto Networks|PAN-OS Syslog
//! Integration|...|cat=TRAFFIC|...`, LEEF 2.0 with its delimiter), normalized to ECS after
//! Elastic's `panw` integration.
//!
//! - Lines: the syslog MSG, or a whole line: the log starts at its CSV header (`<n>,<receive
//!   time>,`) or at `LEEF:`, and only the text before it is read as a syslog/ISO prefix by
//!   `edge_format_sdk::line` (`host.name`, `log.syslog.*`, the prefix time).
//! - CSV fields are named by their position for each log type ([`layout`], PAN-OS 9.x–11.x):
//!   TRAFFIC, THREAT (url, file, data, virus, spyware, vulnerability, wildfire, flood, scan...),
//!   DECRYPTION, SYSTEM, CONFIG (the default format, or a custom one with the before/after
//!   details after the path), GLOBALPROTECT, HIP-MATCH, USERID and AUTHENTICATION. Extra
//!   trailing fields of newer releases are ignored, missing trailing fields of older ones are
//!   simply absent. Quoted fields may hold commas.
//! - Every named non-empty value that has no exact ECS field is kept under
//!   `panw.panos.<csv name>` (`panw.panos.sessionid`, `panw.panos.seqno`...); LEEF attributes
//!   PAN-OS's templates do not name are under `panw.panos.leef.<key>`.
//! - ECS: `observer.vendor`/`product`/`type`/`serial_number`/`hostname` (the device name)/
//!   `ingress.zone`/`egress.zone`/`ingress.interface.name`/`egress.interface.name`;
//!   `source.*`/`destination.*` (ip, port, NAT ip/port, user, mac, geo country, bytes,
//!   packets); `network.application`/`transport`/`type`/`bytes`/`packets`/`forwarded_ip`;
//!   `rule.name`/`uuid`/`category`; `user.name`; `event.action`/`outcome`/`reason` (session
//!   end reason)/`duration` (elapsed seconds)/`start`/`created` (receive time)/`severity`;
//!   `url.*`, `file.name`/`hash.sha256`, `user_agent.original`, `http.request.*`, `email.*`,
//!   `tls.*`; `panw.panos.threat.id`/`name`; `related.ip`/`user`/`hosts`.
//! - Times: `@timestamp` is the high-resolution timestamp (PAN-OS 10.0+, with its zone) when
//!   the line has one, else the generated time (LEEF `devTime`), read as UTC since the CSV
//!   carries no zone; other times take the high-resolution timestamp's zone.
//! - Categorization by log type, subtype and action (`traffic.rs`, `threat.rs`, `system.rs`,
//!   `identity.rs`); a log type this format does not know keeps its header fields and `message`
//!   with `event.kind` `event`. Lines that are not PAN-OS logs are rejected.

use std::borrow::Cow;

use edge_format_sdk::{
    describe, insert_envelope, insert_metadata, line, Description, Event, Fields, Format, Value, MESSAGE, TIMESTAMP,
};

mod csv;
mod identity;
mod layout;
mod leef;
mod out;
mod record;
mod session;
mod system;
mod threat;
mod time;
mod traffic;

use layout::Kind;
use out::Out;
use record::Record;

pub struct PaloAlto;

/// Names mapped to ECS as they are: not repeated under `panw.panos.*`.
const MAPPED: &[&str] = &[
    "receive_time",
    "serial",
    "time_generated",
    "dev_time",
    "high_res_timestamp",
    "src",
    "dst",
    "natsrc",
    "natdst",
    "sport",
    "dport",
    "natsport",
    "natdport",
    "rule",
    "rule_uuid",
    "srcuser",
    "dstuser",
    "app",
    "from",
    "to",
    "inbound_if",
    "outbound_if",
    "proto",
    "bytes",
    "bytes_sent",
    "bytes_received",
    "packets",
    "pkts_sent",
    "pkts_received",
    "start",
    "elapsed",
    "device_name",
    "threatid",
    "user_agent",
    "referer",
    "http_method",
    "sender",
    "recipient",
    "subject",
    "filedigest",
    "src_mac",
    "dst_mac",
    "opaque",
    "cat",
];

enum Payload {
    Csv,
    Leef,
}

impl Format for PaloAlto {
    fn describe() -> Description {
        describe!(
            "paloalto",
            "Palo Alto Networks PAN-OS firewall logs (syslog CSV and LEEF: traffic, threat, URL, WildFire, system, config, GlobalProtect, User-ID, auth, decryption) normalized to ECS",
            ["firewall", "network", "ids"],
            "<14>Nov 22 22:44:57 PA-3220 1,2026/11/22 22:44:57,012801012345,TRAFFIC,end,2561,2026/11/22 22:44:57,192.0.2.30,203.0.113.80,198.51.100.14,203.0.113.80,outbound-web,corp\\alice,,ssl,vsys1,trust,untrust,ethernet1/2,ethernet1/1,default,2026/11/22 22:44:57,123456,1,55123,443,17221,443,0x400053,tcp,allow,9413,2127,7286,23,2026/11/22 22:44:40,17,computer-and-internet-info,0,7190000123456,0x0,192.0.2.0-192.0.2.255,US,0,12,11,tcp-fin,0,0,0,0,,PA-3220,from-policy,,,0,,0,,N/A,0,0,0,0"
        )
    }

    fn normalize_one(event: Event) -> Result<Fields, String> {
        let raw = event.raw.trim_end_matches(['\r', '\n']);
        if raw.trim().is_empty() {
            return Err("empty event".into());
        }
        let (start, payload) = find_start(raw)
            .ok_or("not a PAN-OS log: no CSV header (\"1,YYYY/MM/DD HH:MM:SS,<serial>,<TYPE>,\") and no LEEF header")?;
        let text = &raw[start..];
        let (record, version) = match payload {
            Payload::Csv => (Record::from_csv(text), None),
            Payload::Leef => {
                let (version, record) = leef::parse(text)?;
                (record, Some(version))
            }
        };
        let log_type = record.get("type").ok_or("not a PAN-OS log: no log type")?;
        if !log_type
            .bytes()
            .all(|b| b.is_ascii_alphabetic() || b == b'-' || b == b'_')
        {
            return Err(format!("not a PAN-OS log: log type {log_type:?} is not a word"));
        }
        // Only the text before the log is a prefix: its parser never reads into the log.
        let prefix = if start > 0 {
            line::split(&raw[..start])
        } else {
            line::Prefixed::default()
        };

        let mut out = Out::new();
        out.str("observer.vendor", Some("Palo Alto Networks"));
        out.str("observer.product", Some("PAN-OS"));
        out.str("observer.type", Some("firewall"));
        out.str("observer.serial_number", record.get("serial"));
        out.str("observer.hostname", record.get("device_name"));
        out.str("observer.version", version.as_deref().filter(|v| !v.is_empty()));
        let offset = times(&record, &mut out);
        match record.kind() {
            Kind::Traffic => traffic::map(&record, &mut out, &offset),
            Kind::Decryption => traffic::map_decryption(&record, &mut out),
            Kind::Threat => threat::map(&record, &mut out),
            Kind::System => system::map_system(&record, &mut out),
            Kind::Config => system::map_config(&record, &mut out),
            Kind::GlobalProtect => identity::map_globalprotect(&record, &mut out),
            Kind::HipMatch => identity::map_hip_match(&record, &mut out),
            Kind::UserId => identity::map_userid(&record, &mut out),
            Kind::Auth => identity::map_auth(&record, &mut out),
            Kind::Other => out.categorize("event", &[], &[]),
        }
        let message = record.get("opaque").unwrap_or(text);
        out.str(MESSAGE, Some(message));
        vendor_fields(&record, &mut out.fields);
        let Out { mut fields, related } = out;
        related.insert_into(&mut fields);
        line::insert_prefix_fields(&mut fields, &prefix, &event);
        insert_envelope(&mut fields, &event);
        insert_metadata(&mut fields, &event.metadata);
        Ok(fields)
    }
}

/// Where the log starts in `raw`: its CSV header (the future-use number, then the receive
/// time) after a space, a `>` or a `:`, or else `LEEF:`.
fn find_start(raw: &str) -> Option<(usize, Payload)> {
    for (comma, _) in raw.match_indices(',') {
        let time_ok = raw.get(comma + 1..comma + 20).is_some_and(time::is_pan_time)
            && raw.as_bytes().get(comma + 20) == Some(&b',');
        if !time_ok {
            continue;
        }
        let digits = raw[..comma].bytes().rev().take_while(u8::is_ascii_digit).count();
        let start = comma - digits;
        if start == 0 || matches!(raw.as_bytes()[start - 1], b' ' | b'\t' | b'>' | b':') {
            return Some((start, Payload::Csv));
        }
    }
    raw.find("LEEF:").map(|at| (at, Payload::Leef))
}

/// `@timestamp` and `event.created`; returns the zone offset the CSV's own times are read in.
fn times(record: &Record, out: &mut Out) -> String {
    // The high-resolution timestamp's position moves between releases: it is the value that
    // is an RFC 3339 time. GlobalProtect logs may carry the Unix epoch there when it is unset
    // (`1970-01-01T01:00:00.000+01:00`): that is no time.
    let precise = record
        .pairs
        .iter()
        .map(|(_, v)| v.as_str())
        .find(|v| time::rfc3339_offset(v).is_some() && !v.starts_with("1970-01-01"));
    let offset = precise.and_then(time::rfc3339_offset).unwrap_or("Z").to_owned();
    let generated = record
        .get("dev_time")
        .and_then(time::leef_time)
        .or_else(|| record.get("time_generated").and_then(|t| time::pan_time(t, &offset)));
    let received = record.get("receive_time").and_then(|t| time::pan_time(t, &offset));
    if let Some(time) = precise.map(str::to_owned).or(generated).or_else(|| received.clone()) {
        out.str(TIMESTAMP, Some(&time));
    }
    out.str("event.created", received.as_deref());
    offset
}

/// `panw.panos.<name>` for every named value not mapped as it is.
fn vendor_fields(record: &Record, fields: &mut Fields) {
    for (name, value) in &record.pairs {
        if value.is_empty() || MAPPED.contains(&name.as_ref()) {
            continue;
        }
        let key = match name {
            Cow::Borrowed(name) => format!("panw.panos.{name}"),
            // A LEEF attribute of no PAN-OS template: its own branch, so it cannot collide.
            Cow::Owned(name) => format!("panw.panos.leef.{name}"),
        };
        fields.entry(key).or_insert_with(|| Value::String(value.clone()));
    }
}

edge_format_sdk::export_format!(PaloAlto);

#[cfg(test)]
mod tests;
