//! The `fortigate` format: Fortinet FortiGate (FortiOS 5.x–7.x) logs in their syslog
//! `key=value` form (`date=2026-11-22 time=22:44:57 devname="FGT60F" devid="FGT60FTK1234"
//! logid="0000000013" type="traffic" subtype="forward" ...`), normalized to ECS after Elastic's
//! `fortinet_fortigate` integration.
//!
//! - Lines: the syslog MSG, or a whole line: the log starts at its first FortiOS key (`date=`,
//!   `logver=`, `timestamp=`, `devname=`, `eventtime=`...), and only the text before it is read
//!   as a syslog/ISO prefix by `edge_format_sdk::line` (FortiOS's default sends only a PRI).
//! - Pairs ([`kv`]): bare or quoted values (`\"` escaped), every non-empty value kept as a
//!   string under `fortinet.firewall.<key>` except those mapped exactly to ECS (addresses,
//!   ports, interfaces, NAT, counters, device).
//! - Kinds: `traffic` ([`traffic`]), the security profiles ([`utm`]: `type=utm` or FortiOS
//!   5.x's `type=virus`...), `event` ([`event`]); another type keeps its pairs, `message`,
//!   `event.kind` `event`. A line without `devid`/`devname` and `logid`/`type` is rejected.
//! - ECS: `observer.vendor`/`product`/`type`/`name`/`hostname` (devname)/`serial_number`
//!   (devid)/`ingress.interface.name`/`egress.interface.name`; `source.*`/`destination.*` (ip,
//!   port, NAT ip/port from `transip`/`transport` and `tranip`/`tranport`, mac, domain,
//!   country, bytes, packets, user); `network.*`; `rule.id`/`name`/`uuid` (the policy, or the
//!   IPS/AV/app signature: `attack`/`attackid`, `virus`/`virusid`); `event.code` (logid),
//!   `event.action`, `event.outcome`, `event.reason`, `event.duration`, `event.severity`;
//!   `log.level`; `user.name`; `url.*`, `file.*`, `dns.*`, `email.*`; `related.*`.
//! - `@timestamp`: `eventtime` (UTC epoch, by digit count), else `date`+`time` in `tz`, else
//!   UTC.

use edge_format_sdk::{
    describe, insert_envelope, insert_metadata, line, Description, Event, Fields, Format, Value, MESSAGE, TIMESTAMP,
};

mod event;
mod kv;
mod log;
mod network;
mod out;
mod time;
mod traffic;
mod url;
mod utm;

use log::Log;
use out::Out;

pub struct FortiGate;

/// Keys a FortiOS log starts with (after a syslog prefix, if any).
const FIRST_KEYS: [&str; 9] = [
    "date=",
    "logver=",
    "timestamp=",
    "devname=",
    "devid=",
    "eventtime=",
    "itime=",
    "logid=",
    "time=",
];

/// Keys whose value is mapped to ECS as it is: not repeated under `fortinet.firewall.*`.
const MAPPED: [&str; 20] = [
    "date",
    "time",
    "tz",
    "eventtime",
    "devname",
    "devid",
    "srcip",
    "dstip",
    "srcport",
    "dstport",
    "srcintf",
    "dstintf",
    "transip",
    "transport",
    "tranip",
    "tranport",
    "sentbyte",
    "rcvdbyte",
    "sentpkt",
    "rcvdpkt",
];

/// Security profile log types (FortiOS 5.x sends them as `type`, later as `subtype` of `utm`).
const UTM: [&str; 17] = [
    "virus",
    "webfilter",
    "ips",
    "anomaly",
    "app-ctrl",
    "dns",
    "ssl",
    "emailfilter",
    "dlp",
    "waf",
    "file-filter",
    "voip",
    "icap",
    "ssh",
    "cifs",
    "dns-filter",
    "casb",
];

impl Format for FortiGate {
    fn describe() -> Description {
        describe!(
            "fortigate",
            "Fortinet FortiGate (FortiOS) key=value syslog: traffic, security profiles (AV, web filter, IPS, app control, DNS) and system/VPN/user events, normalized to ECS",
            ["firewall", "network", "ids"],
            "<189>date=2026-11-22 time=22:44:57 devname=\"FGT60F\" devid=\"FGT60FTK1234\" eventtime=1795383897123456789 tz=\"+0100\" logid=\"0000000013\" type=\"traffic\" subtype=\"forward\" level=\"notice\" vd=\"root\" srcip=192.0.2.25 srcport=53480 srcintf=\"internal\" srcintfrole=\"lan\" dstip=198.51.100.53 dstport=443 dstintf=\"wan1\" dstintfrole=\"wan\" sessionid=81234567 proto=6 action=\"close\" policyid=3 policytype=\"policy\" service=\"HTTPS\" trandisp=\"snat\" transip=203.0.113.2 transport=61012 duration=12 sentbyte=1820 rcvdbyte=5930 sentpkt=12 rcvdpkt=11 appcat=\"unscanned\""
        )
    }

    fn normalize_one(event: Event) -> Result<Fields, String> {
        let raw = event.raw.trim_end_matches(['\r', '\n']);
        if raw.trim().is_empty() {
            return Err("empty event".into());
        }
        let start =
            find_start(raw).ok_or("not a FortiGate log: no FortiOS key=value text (date=, devname=, logid=...)")?;
        let text = &raw[start..];
        let log = Log {
            pairs: kv::parse(text)?,
        };
        if log.get("devid").is_none() && log.get("devname").is_none() {
            return Err("not a FortiGate log: no devid or devname".into());
        }
        if log.get("logid").is_none() && log.get("type").is_none() {
            return Err("not a FortiGate log: no logid or type".into());
        }
        let prefix = if start > 0 {
            line::split(&raw[..start])
        } else {
            line::Prefixed::default()
        };

        let mut out = Out::new();
        out.str("observer.vendor", Some("Fortinet"));
        out.str("observer.product", Some("FortiGate"));
        out.str("observer.type", Some("firewall"));
        out.str("observer.name", log.get("devname"));
        out.str("observer.hostname", log.get("devname"));
        out.str("observer.serial_number", log.get("devid"));
        out.str("event.code", log.get("logid"));
        out.str("event.action", log.get("action"));
        out.str("log.level", log.get("level").map(str::to_ascii_lowercase).as_deref());
        let timestamp = log
            .get("eventtime")
            .and_then(time::epoch)
            .or_else(|| time::date_time(log.get("date")?, log.get("time")?, log.get("tz")));
        out.str(TIMESTAMP, timestamp.as_deref());

        network::map(&log, &mut out);
        let log_type = log.lower("type");
        let subtype = log.lower("subtype");
        match log_type.as_str() {
            "traffic" => traffic::categorize(&log, &mut out),
            "utm" => utm::map(&log, &subtype, &mut out),
            t if UTM.contains(&t) => utm::map(&log, t, &mut out),
            "event" => event::map(&log, &mut out),
            _ => out.categorize("event", &[], &[]),
        }
        network::policy(&log, &mut out);
        let message = log.get("msg").or(log.get("logdesc")).unwrap_or(text);
        out.str(MESSAGE, Some(message));
        vendor_fields(&log, &mut out.fields);
        let Out { mut fields, related } = out;
        related.insert_into(&mut fields);
        line::insert_prefix_fields(&mut fields, &prefix, &event);
        insert_envelope(&mut fields, &event);
        insert_metadata(&mut fields, &event.metadata);
        Ok(fields)
    }
}

/// Where the key=value text starts: the first FortiOS key at the start, or after a space, a
/// tab or a PRI's `>`.
fn find_start(raw: &str) -> Option<usize> {
    FIRST_KEYS
        .iter()
        .filter_map(|key| {
            raw.match_indices(key)
                .map(|(at, _)| at)
                .find(|&at| at == 0 || matches!(raw.as_bytes()[at - 1], b' ' | b'\t' | b'>'))
        })
        .min()
}

/// Whole seconds (`duration=`) as nanoseconds.
pub(crate) fn time_nanos(seconds: &str) -> Option<u64> {
    seconds.parse::<u64>().ok()?.checked_mul(1_000_000_000)
}

/// `fortinet.firewall.<key>` for every non-empty value not mapped as it is; a character a
/// field name cannot hold becomes `_`.
fn vendor_fields(log: &Log<'_>, fields: &mut Fields) {
    for (key, value) in &log.pairs {
        if value.is_empty() || MAPPED.contains(key) {
            continue;
        }
        let name: String = key
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        fields
            .entry(format!("fortinet.firewall.{name}"))
            .or_insert_with(|| Value::String(value.clone()));
    }
}

edge_format_sdk::export_format!(FortiGate);

#[cfg(test)]
mod tests;
