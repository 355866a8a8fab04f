//! The `cef` format: ArcSight Common Event Format,
//! `CEF:Version|Device Vendor|Device Product|Device Version|Device Event Class ID|Name|Severity|Extension`
//! (CEF 0 and 1), normalized to ECS after Elastic's `decode_cef` processor and `cef` module.
//!
//! - Lines: the syslog MSG (header in the envelope), or a whole line: the event starts at the
//!   first `CEF:<version>` (`CEF: 0|` too), and what comes before it is read by
//!   `edge_format_sdk::line` (RFC 3164 or RFC 5424 with or without PRI, an ISO time prefix, a
//!   vendor tag such as `product[1]:`; an RFC 5424 header cut after HOSTNAME or without PRI is
//!   completed first): `host.name`, `process.name`/`pid`, `log.syslog.*` and the time where the
//!   envelope said nothing (with no prefix, `host.name` and `process.*` from the envelope).
//! - Header: `\|` and `\\` unescaped; `cef.version`, `cef.device.vendor`/`product`/`version`/
//!   `event_class_id`, `cef.name`, `cef.severity` as given; `observer.vendor`/`product`/
//!   `version`; the class id as `event.code` and `rule.id`, the Name as `rule.name`; `message`
//!   is `msg`, else the Name. `event.severity` is a number: 0–10 as given, `Low`/`Medium`/
//!   `High`/`Very-High` at the bottom of their range (0/4/7/9, as Elastic); `Unknown` none. Empty
//!   header fields are left out. A trailing `|` before an empty extension may be missing.
//! - Extension: `key=value` separated by spaces; a value runs to the next ` key=` (keys are
//!   `[A-Za-z0-9_.,[]-]+`), spaces around it trimmed, a value quoted whole (`act="Logon"`)
//!   unquoted, `\=` `\\` `\n` `\r` `\|` `\:` unescaped (any other backslash is kept). Every
//!   non-empty value is kept as a string under
//!   `cef.extensions.<full name>` (`src` → `cef.extensions.sourceAddress`; vendor keys as sent);
//!   the last non-empty value of a key wins, whichever name it came under. Placeholders (`-`,
//!   `N/A`) are kept there but never mapped. A cut-off last value is kept as it is.
//! - Custom fields: a labelled value (`cs1Label=Policy cs1=Block`: cs1–6, cn1–3, cfp1–4,
//!   c6a1–4, flexString1–2, flexNumber1–2, flexDate1, deviceCustomDate1–2) is also under its
//!   label, `cef.labels.Policy` (`.` in a label becomes `_`), numbers and dates typed.
//! - Rejected: an empty event, no `CEF:<version>`, a header with fewer than 7 fields, a
//!   non-numeric version, an extension that does not start with `key=`. Values that do not
//!   convert (a bad IP, port, number, MAC or time) are only kept in `cef.extensions`.
//!
//! | extension (short / full name) | ECS |
//! |---|---|
//! | `src` `dst` (else a `c6a*` labelled source/destination) | `source.ip`, `destination.ip` (+ `.address`) |
//! | `spt` `dpt`, `smac` `dmac` | `source.port`, `destination.port`, `.mac` (`AA-BB-..`) |
//! | `shost` `dhost` | `.domain` (public suffix split; `.address` without an IP); an IP there stands in for a missing `src`/`dst` |
//! | `suser` `suid` `sntdom` `spriv` (same with `d`) | `source.user.name`, `.id`, `.domain`, `.group.name`; `user.*` from the source user, else the destination user |
//! | `sourceTranslatedAddress`/`Port` (same for destination) | `source.nat.ip`/`port` |
//! | `in` `out` | `source.bytes`, `destination.bytes`, and their sum `network.bytes` |
//! | `slat` `slong` `dlat` `dlong` | `source.geo.location`, `destination.geo.location` |
//! | `sproc` `spid`, else `deviceProcessName` `dvcpid` | `process.name` (`process.executable` for a path), `process.pid` |
//! | `dvc` `dvchost` `dvcmac` `deviceExternalId` | `observer.ip` (array), `observer.hostname`, `observer.mac` (array), `observer.name` |
//! | `deviceInboundInterface` `deviceOutboundInterface` | `observer.ingress.interface.name`, `observer.egress.interface.name` |
//! | `ahost` `aid` `at` `av` | `agent.name`, `agent.id`, `agent.type`, `agent.version` |
//! | `proto` | `network.transport` (lowercase; an IANA number also `network.iana_number`) |
//! | `app` | `network.protocol` and `network.application` (lowercase) |
//! | `deviceDirection` | `network.direction` (`0` inbound, `1` outbound) |
//! | `act`, `reason`, `outcome` (else `categoryOutcome`) | `event.action`, `event.reason`, `event.outcome` (`success`/`failure`/`unknown` and their synonyms only) |
//! | `externalId` (else `eventId`) | `event.id` |
//! | `rt`, `start`, `end`, `art`, `dtz` | `@timestamp`, `event.start`, `event.end` (+ `event.duration`), `event.created`, `event.timezone` |
//! | `request` (also without a scheme: `www.example.org/a`), `requestMethod`, `requestContext` (an `http…` URL), `requestClientApplication` | `url.*`, `http.request.method`, `http.request.referrer`, `user_agent.*` |
//! | `fname` `filePath` `fsize` `fileType` `fileId` `fileHash` | `file.name` (else the path's last part), `file.path`, `file.size`, `file.type`, `file.inode`, `file.hash.md5/sha1/sha256/sha512` (by length) |
//! | `fileCreateTime` `fileModificationTime` | `file.created`, `file.mtime` |
//!
//! `related.ip` collects the source, destination, NAT and observer IPs, `related.user` the source
//! and destination user names, `related.hosts` the host names (and a URL's host), `related.hash`
//! `fileHash`. `@timestamp` is `rt`, else the line's prefix time, else `start` (unless the client
//! gave a time).
//!
//! Categorization (ECS-allowed values only, `categorize.rs`): `event.kind` `event`, or `alert`
//! for intrusion detection (an IDS/IPS product, class or ArcSight `categoryDeviceGroup`; an
//! attack, exploit or vulnerability named) and malware (an anti-virus product; a virus, malware
//! or trojan named); `event.category` also `authentication` (a login or logout named, or
//! `categoryBehavior=/Authentication...`; type `start`/`end`), `web` (a request URL or method;
//! type `access`) and `network` (a destination or transport; type `connection`); `act` adds type
//! `allowed` (allow, accept, permit, pass...) or `denied` (deny, drop, block, reject, reset,
//! prevent, quarantine...).
//!
//! Times: milliseconds since the epoch (also seconds, micro- and nanoseconds by digit count),
//! `MMM dd[ yyyy] HH:mm:ss[.SSS][ zone]` and ISO 8601; a time without a zone is in `dtz` (an
//! offset, an abbreviation or a common IANA name with its DST rule), else UTC; without a year, the
//! latest year that puts it no more than a day after the reception time. Written in the host's
//! canonical RFC 3339 UTC form.

use edge_format_sdk::{
    describe, insert_envelope, insert_metadata, line, Description, Event, Fields, Format, Related, Value, MESSAGE,
    TIMESTAMP,
};

mod categorize;
mod extensions;
mod keys;
mod mapping;
mod parse;
mod time;

use extensions::Extensions;
use mapping::Mapper;
use parse::{cef_start, parse_extension, parse_header, severity_number};
use time::Zone;

pub struct Cef;

const EXTENSIONS: &str = "cef.extensions.";

impl Format for Cef {
    fn describe() -> Description {
        describe!(
            "cef",
            "ArcSight Common Event Format (CEF) from firewalls, IDS/IPS, WAFs and other security products, normalized to ECS",
            ["firewall", "ids", "network"],
            "CEF:0|Palo Alto Networks|PAN-OS|10.2.4|end|TRAFFIC|1|rt=Sep 19 2026 08:26:10 GMT src=192.0.2.10 dst=203.0.113.80 spt=51514 dpt=443 proto=tcp app=ssl act=allow suser=alice in=1820 out=5930",
        )
    }

    fn normalize_one(event: Event) -> Result<Fields, String> {
        let raw = event.raw.trim_end_matches(['\r', '\n']);
        if raw.trim().is_empty() {
            return Err("empty event".into());
        }
        let (start, version_at) = cef_start(raw).ok_or("not a CEF event: no \"CEF:<version>|\" header")?;
        let (header, extension) = parse_header(&raw[version_at..])?;
        let ext = Extensions::new(parse_extension(extension)?);
        // Only the text before `CEF:` is a prefix: its parser never reads into the event.
        let padded;
        let prefix = if start > 0 {
            let text = &raw[..start];
            match short_rfc5424(text) {
                Some((add_pri, missing)) => {
                    // Completed so that the SDK's parser reads it; a PRI added here is not the
                    // sender's and is dropped again.
                    let pri = if add_pri { "<13>" } else { "" };
                    padded = format!("{pri}{text}{}", "- ".repeat(missing));
                    let mut prefix = line::split(&padded);
                    if add_pri {
                        prefix.priority = None;
                    }
                    prefix
                }
                None => line::split(text),
            }
        } else {
            line::Prefixed::default()
        };

        let mut fields = Fields::with_capacity(64 + ext.pairs.len());
        categorize::categorize(&header, &ext, &mut fields);
        insert_header(&header, &mut fields);
        if let Some(msg) = ext.get("message") {
            fields.insert(MESSAGE.into(), Value::String(msg.to_owned()));
        }
        Mapper {
            ext: &ext,
            fields: &mut fields,
            related: Related::new(),
            hashes: Vec::new(),
            now: event.received_at.seconds,
            zone: ext.get("deviceTimeZone").and_then(Zone::parse),
        }
        .map_all();
        if event.client_time.is_none() && !fields.contains_key(TIMESTAMP) {
            // Written here in the canonical form (the SDK writes milliseconds).
            if let Some(time) = line::prefix_time(&prefix, &event) {
                fields.insert(TIMESTAMP.into(), Value::String(time::canonical_time(time)));
            }
        }
        // Also without a prefix: `host.name` and `process.*` then come from the envelope.
        line::insert_prefix_fields(&mut fields, &prefix, &event);
        if event.client_time.is_none() && !fields.contains_key(TIMESTAMP) {
            if let Some(start) = fields.get("event.start").cloned() {
                fields.insert(TIMESTAMP.into(), start);
            }
        }
        for (key, value) in ext.pairs {
            if !value.is_empty() {
                let mut name = String::with_capacity(EXTENSIONS.len() + key.len());
                name.push_str(EXTENSIONS);
                name.push_str(key);
                fields.insert(name, Value::String(value));
            }
        }
        insert_envelope(&mut fields, &event);
        insert_metadata(&mut fields, &event.metadata);
        Ok(fields)
    }
}

/// How to complete an RFC 5424 prefix that the SDK's parser does not read as it is: whether it
/// lacks the PRI (Microsoft ATA's documented `1 2018-12-12T16:53:22.9+00:00 CENTER ATA 4688 Id
/// CEF:0|...`), and how many of the six header fields after VERSION (TIMESTAMP HOSTNAME APP-NAME
/// PROCID MSGID STRUCTURED-DATA) it lacks (CyberArk's `<5>1 2020-01-24T22:53:03Z VAULT
/// CEF:0|...` stops after HOSTNAME). `None` for any other prefix.
fn short_rfc5424(prefix: &str) -> Option<(bool, usize)> {
    let (add_pri, after_pri) = match prefix.strip_prefix('<') {
        Some(rest) => (false, rest.split_once('>')?.1),
        None => (true, prefix),
    };
    let header = after_pri.strip_prefix("1 ")?;
    if !header.as_bytes().first().is_some_and(u8::is_ascii_digit) {
        return None;
    }
    let fields = header.split_ascii_whitespace().count();
    let missing = 6usize.saturating_sub(fields);
    (add_pri || missing > 0).then_some((add_pri, missing))
}

/// The header's fields: `cef.*` as given, `observer.*`, `event.code`/`rule.id`, `rule.name`,
/// `message` (the Name; `msg` replaces it) and `event.severity`.
fn insert_header(header: &parse::Header, fields: &mut Fields) {
    let mut put = |key: &str, value: &str| {
        if !value.is_empty() {
            fields.insert(key.into(), Value::String(value.to_owned()));
        }
    };
    put("cef.version", &header.version);
    put("cef.device.vendor", &header.vendor);
    put("observer.vendor", &header.vendor);
    put("cef.device.product", &header.product);
    put("observer.product", &header.product);
    put("cef.device.version", &header.device_version);
    put("observer.version", &header.device_version);
    put("cef.device.event_class_id", &header.class_id);
    put("event.code", &header.class_id);
    put("rule.id", &header.class_id);
    put("cef.name", &header.name);
    put("rule.name", &header.name);
    put(MESSAGE, &header.name);
    put("cef.severity", &header.severity);
    if let Some(severity) = severity_number(&header.severity) {
        fields.insert("event.severity".into(), Value::from(severity));
    }
}

edge_format_sdk::export_format!(Cef);

#[cfg(test)]
mod tests;
