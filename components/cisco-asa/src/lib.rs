//! The `cisco-asa` format: Cisco ASA and Firepower Threat Defense (FTD) syslog messages,
//! `%ASA-6-302013: Built outbound TCP connection …`, normalized to ECS after Elastic's Cisco ASA
//! and FTD integrations (vendor fields under `cisco.asa.*`, also for FTD).
//!
//! - Lines: the event starts at the first `%ASA-<severity>-<id>` tag (`%FTD-`, `%PIX-`, `%FWSM-`,
//!   and `%ASA-session-6-…` with a class word too). What precedes it is a prefix: ASA's own
//!   (`<166>Nov 22 2026 22:44:57 fw1 : `, the device id without a time, an ISO time), a relay's
//!   RFC 3164 or RFC 5424 header, or nothing (the syslog MSG alone). It gives `host.name` and
//!   `observer.hostname`, `log.syslog.*` and `@timestamp` where the envelope said nothing. A
//!   syslog listener that read the tag as the TAG (`fw1 %ASA-6-302013: Built …`) leaves it in
//!   the envelope's app name: it is read from there.
//! - Every event: `event.code` and `cisco.asa.message_id` (the id), `event.severity` (the
//!   digit) and `log.level` (ASA's name: `informational`…), `observer.vendor`/`product`/`type`,
//!   `message` (the text after the tag), `event.kind`/`category`/`type`/`action`/`outcome`,
//!   `related.ip`/`user`.
//! - Rejected: an empty event, a line without a tag.
//!
//! | id | category / type | fields |
//! |---|---|---|
//! | 302013/302015 built TCP/UDP | network / connection, start, allowed | `source.*`/`destination.*` (ip, port, `nat.ip`/`nat.port` when mapped), `observer.ingress`/`egress.interface.name`, `network.direction` (the initiator is the second side of an outbound one), `network.transport`, `cisco.asa.connection_id`, `mapped_*`, users |
//! | 302014/302016 teardown | network / connection, end | as above, `event.duration`, `network.bytes`, `event.reason` (teardown reason) |
//! | 302020/302021 ICMP | network / connection, start or end | faddr/laddr by direction, gaddr as NAT, `cisco.asa.icmp_type`/`code` |
//! | 305011/305012 translations | network / connection, start or end | `source.*` real, `source.nat.*` mapped, `event.duration` |
//! | 106001/106006/106007/106014/106015/106021/106023/313001/313004/313005/710003/710005 | network / connection, denied (failure) | addresses, interfaces, `rule.name` (ACL), `event.reason`, ICMP type/code |
//! | 106100 access-list | network / connection, allowed or denied | `rule.name`, `cisco.asa.hit_count` |
//! | 4000xx IPS, 733100 threat detection | alert: intrusion_detection, network / info | `rule.id`/`rule.name`, rates under `cisco.asa.threat_detection.*` |
//! | 113004/113005/113012/113015 AAA | authentication (iam for authorization) / info | `user.name`, `source.ip` (user IP), `server.ip`, `event.reason` |
//! | 611101/611102, 605004/605005 admin logins | authentication / start or info | `user.name`, `source.*`, `network.protocol` (ssh, https…) |
//! | 111008/111009/111010 commands | configuration / change (access for `show`) | `user.name`, `cisco.asa.command_line` |
//! | 113039, 716001/716002, 113019 VPN sessions | session / start or end | `user.name`, `source.ip`, `cisco.asa.group_policy`/`tunnel_group`, duration and bytes (113019) |
//! | 722022/722023/722028/722037 SVC | network / connection, start or end | `network.transport`, `event.reason` |
//! | 722051, 734001 | session / info, iam / info | `cisco.asa.assigned_ip`, `dap_records`, `connection_type` |
//! | FTD 430001–430005 | intrusion (alert), connection start/end, file, malware (alert) | every pair under `cisco.asa.security_event.<Key>`; addresses, zones, NAT, bytes/packets, `rule.*`, `url.original`, `file.*` |
//!
//! Other ids (and known ids whose text is not the documented shape) keep the common fields.

use edge_format_sdk::line::{self, Prefixed};
use edge_format_sdk::{describe, insert_envelope, insert_metadata, Description, Event, Fields, Format, Value, MESSAGE};

mod admin;
mod connection;
mod deny;
mod endpoint;
mod ftd;
mod header;
mod out;
mod vpn;

use header::{find_tag, level_name, read_tag, Tag};
use out::Out;

pub struct CiscoAsa;

impl Format for CiscoAsa {
    fn describe() -> Description {
        describe!(
            "cisco-asa",
            "Cisco ASA and Firepower Threat Defense syslog: connections, NAT, ACL denies, AAA, admin logins and commands, AnyConnect/WebVPN sessions, threat detection, FTD connection/intrusion/file events",
            ["firewall", "network"],
            "<166>Nov 22 2026 22:44:57 fw1 : %ASA-6-302013: Built outbound TCP connection 123 for outside:203.0.113.5/443 (203.0.113.5/443) to inside:192.0.2.10/51234 (198.51.100.2/51234)",
        )
    }

    fn normalize_one(event: Event) -> Result<Fields, String> {
        let raw = event.raw.trim_end_matches(['\r', '\n']);
        if raw.trim().is_empty() {
            return Err("empty event".into());
        }
        let (prefix_text, tag, text) =
            locate(raw, &event).ok_or("not a Cisco ASA/FTD message: no %ASA-<severity>-<id> (or %FTD-) tag")?;
        let prefix = read_prefix(prefix_text);
        let mut out = Out::default();
        common(&tag, text, &mut out);
        let mut parsed = Out::default();
        if dispatch(tag.id, text, &mut parsed).is_some() {
            out.fields.append(&mut parsed.fields);
            out.related.ip.append(&mut parsed.related.ip);
            out.related.user.append(&mut parsed.related.user);
        } else {
            out.str("event.kind", "event");
        }
        let Out { mut fields, related } = out;
        related.insert_into(&mut fields);
        line::insert_prefix_fields(&mut fields, &prefix, &event);
        // A tag read as the syslog TAG is no program name.
        if fields
            .get("process.name")
            .and_then(Value::as_str)
            .is_some_and(|p| p.starts_with('%'))
        {
            fields.remove("process.name");
        }
        if let Some(Value::String(host)) = fields.get("host.name").cloned() {
            fields.insert("observer.hostname".into(), Value::String(host));
        }
        insert_envelope(&mut fields, &event);
        insert_metadata(&mut fields, &event.metadata);
        Ok(fields)
    }
}

/// The prefix, the tag and the message: from the line, else from the envelope's app name.
fn locate<'a>(raw: &'a str, event: &'a Event) -> Option<(&'a str, Tag<'a>, &'a str)> {
    if let Some(found) = find_tag(raw) {
        return Some(found);
    }
    let app = event.syslog.as_ref()?.app_name.as_deref()?;
    let (tag, _) = read_tag(app)?;
    Some(("", tag, raw.trim_start()))
}

/// What stands before the tag, without ASA's ` : ` separator. A lone word is the device id.
fn read_prefix(text: &str) -> Prefixed<'_> {
    let text = text.trim_end_matches([' ', ':']);
    if text.is_empty() {
        return Prefixed::default();
    }
    let mut prefix = line::split(text);
    if prefix.hostname.is_none() && prefix.timestamp.is_none() {
        let word = prefix.msg.trim();
        if !word.is_empty() && !word.contains(' ') && prefix.app_name.is_none() {
            prefix.hostname = Some(word);
        }
    }
    prefix
}

/// The fields every message has.
fn common(tag: &Tag<'_>, text: &str, out: &mut Out) {
    out.str("event.code", tag.id);
    out.str("cisco.asa.message_id", tag.id);
    if let Some(suffix) = tag.suffix {
        out.str("cisco.asa.suffix", suffix);
    }
    out.num("event.severity", u64::from(tag.severity));
    out.str("log.level", level_name(tag.severity));
    out.str("observer.vendor", "Cisco");
    out.str("observer.product", tag.product);
    out.str("observer.type", "firewall");
    out.str(MESSAGE, text);
}

/// The message's own fields, by id; `None` when the text is not the shape the id has.
fn dispatch(id: &str, text: &str, out: &mut Out) -> Option<()> {
    match id {
        "302013" | "302014" | "302015" | "302016" => connection::tcp_udp(text, out),
        "302020" | "302021" => connection::icmp(text, out),
        "305011" | "305012" => connection::translation(text, out),
        "106001" | "106006" | "106007" | "106015" | "106021" | "710003" | "710005" => deny::simple(id, text, out),
        "106014" | "106023" | "313005" => deny::src_dst(id, text, out),
        "106100" => deny::access_list(text, out),
        "313001" | "313004" => deny::icmp_denied(id, text, out),
        "733100" => deny::threat_rate(text, out),
        "113004" | "113005" | "113012" | "113015" => admin::aaa(text, out),
        "611101" | "611102" => admin::management_login(id, text, out),
        "605004" | "605005" => admin::console_login(id, text, out),
        "111008" | "111009" | "111010" => admin::command(id, text, out),
        "113019" => vpn::disconnected(text, out),
        "113039" | "716001" | "716002" | "722022" | "722023" | "722028" | "722037" | "722051" => {
            vpn::session(id, text, out)
        }
        "734001" => vpn::dap(text, out),
        "430001" | "430002" | "430003" | "430004" | "430005" => ftd::security_event(id, text, out),
        _ if id.len() == 6 && id.starts_with("4000") => deny::ips(text, out),
        _ => None,
    }
}

edge_format_sdk::export_format!(CiscoAsa);

#[cfg(test)]
mod tests;
