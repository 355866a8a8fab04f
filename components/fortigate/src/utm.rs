//! Security profile (`type=utm`) logs: antivirus, web filter, IPS, application control, DNS
//! filter, SSL inspection, anomaly (DoS), email filter, DLP, WAF, file filter. FortiOS 5.x
//! sent the profile as the `type` itself (`type=virus`, `type=ips`).

use crate::log::Log;
use crate::out::{allowed, severity_number, Out};
use crate::url;

pub(crate) fn map(log: &Log<'_>, kind: &str, out: &mut Out) {
    match kind {
        "ips" | "anomaly" => {
            out.str("rule.name", log.get("attack"));
            out.str("rule.id", log.get("attackid"));
            out.str("rule.reference", log.get("ref"));
            out.str("rule.category", Some(kind));
        }
        "virus" => {
            out.str("rule.name", log.get("virus"));
            out.str("rule.id", log.get("virusid"));
            out.str("rule.reference", log.get("ref"));
            out.str("rule.category", log.get("dtype").or(Some("virus")));
        }
        "app-ctrl" => {
            out.str("rule.name", log.get("app"));
            out.str("rule.id", log.get("appid"));
            out.str("rule.category", log.get("appcat"));
        }
        "webfilter" => out.str("rule.category", log.get("catdesc")),
        _ => {}
    }
    // `crlevel` is the client reputation level, not the event's severity.
    if let Some(severity) = log.get("severity") {
        if let Some(n) = severity_number(severity) {
            out.fields.insert("event.severity".into(), n.into());
        }
    }
    out.str("file.name", log.get("filename"));
    out.num("file.size", log.get("filesize"));
    if let Some(hash) = log.get("analyticscksum").filter(|h| h.len() == 64) {
        out.str("file.hash.sha256", Some(hash));
    }
    if let Some(raw_url) = log.get("url") {
        url::fields(raw_url, log.get("hostname"), out);
    }
    out.str("user_agent.original", log.get("agent"));
    if let Some(method) = log.get("reqtype").filter(|m| m.bytes().all(|b| b.is_ascii_uppercase())) {
        out.str("http.request.method", Some(method));
    }
    if kind == "dns" {
        dns(log, out);
    }
    if kind == "emailfilter" {
        if let Some(from) = log.get("from") {
            out.array("email.from.address", &[from]);
        }
        if let Some(to) = log.get("to") {
            out.array("email.to.address", &[to]);
        }
        out.str("email.subject", log.get("subject"));
    }

    let verdict = log.get("action").and_then(allowed);
    let (event_kind, category): (&str, &[&str]) = match kind {
        "virus" => ("alert", &["malware", "network"]),
        "ips" | "anomaly" => ("alert", &["intrusion_detection", "network"]),
        "waf" => ("alert", &["intrusion_detection", "web"]),
        "webfilter" => ("event", &["network", "web"]),
        "emailfilter" => ("event", &["email"]),
        _ => ("event", &["network"]),
    };
    let mut types = Vec::new();
    match kind {
        "webfilter" => types.push("access"),
        "dns" | "ssl" => types.push("protocol"),
        _ => {}
    }
    match verdict {
        Some(true) => types.push("allowed"),
        Some(false) => types.push("denied"),
        None if types.is_empty() => types.push("info"),
        None => {}
    }
    out.categorize(event_kind, category, &types);
    out.outcome(verdict);
}

/// DNS filter logs: the query and what it resolved to.
fn dns(log: &Log<'_>, out: &mut Out) {
    if let Some(name) = log.get("qname") {
        out.str("dns.question.name", Some(name));
        out.related.add_host(name);
        edge_format_sdk::domain_fields("dns.question", name, &mut out.fields);
    }
    out.str("dns.question.type", log.get("qtype"));
    out.str("dns.question.class", log.get("qclass"));
    out.str("dns.id", log.get("xid"));
    if let Some(list) = log.get("ipaddr") {
        let ips: Vec<String> = list
            .split([',', ' '])
            .filter_map(edge_format_sdk::ecs::parse_ip)
            .map(|ip| {
                out.related.add_ip(ip);
                ip.to_string()
            })
            .collect();
        if !ips.is_empty() {
            out.fields.insert(
                "dns.resolved_ip".into(),
                ips.into_iter().map(edge_format_sdk::Value::String).collect(),
            );
        }
    }
}
