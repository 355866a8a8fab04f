//! THREAT logs: URL filtering, file blocking, data filtering, anti-virus, anti-spyware,
//! vulnerability protection, WildFire verdicts, flood and scan protection.

use edge_format_sdk::ecs::parse_ip;
use edge_format_sdk::{domain_fields, Value};

use crate::out::{severity_number, Out};
use crate::record::Record;
use crate::session;

pub(crate) fn map(rec: &Record, out: &mut Out) {
    let allowed = session::map(rec, out);
    let subtype = rec.get("subtype").unwrap_or_default().to_ascii_lowercase();
    if let Some((name, id)) = rec.get("threatid").map(threat_id) {
        out.str("panw.panos.threat.name", name);
        out.str("panw.panos.threat.id", id);
    }
    let category = rec.get("category").filter(|c| *c != "any");
    out.str("rule.category", rec.get("thr_category").or(category));
    if let Some(severity) = rec.get("severity") {
        if let Some(n) = severity_number(severity) {
            out.fields.insert("event.severity".into(), n.into());
        }
        out.str("log.level", Some(&severity.to_ascii_lowercase()));
    }
    let misc = rec.get("misc");
    match subtype.as_str() {
        "url" => url(out, misc),
        "file" | "virus" | "wildfire" | "wildfire-virus" | "ml-virus" => out.str("file.name", misc),
        _ => {}
    }
    if let Some(digest) = rec.get("filedigest").filter(|d| d.len() == 64) {
        out.str("file.hash.sha256", Some(digest));
    }
    out.str("user_agent.original", rec.get("user_agent"));
    out.str("http.request.referrer", rec.get("referer"));
    out.str("http.request.method", rec.get("http_method"));
    if let Some(ip) = rec.get("xff").and_then(parse_ip) {
        out.str("network.forwarded_ip", Some(&ip.to_string()));
    }
    if let Some(sender) = rec.get("sender") {
        out.array("email.from.address", &[sender]);
    }
    if let Some(recipient) = rec.get("recipient") {
        out.array("email.to.address", &[recipient]);
    }
    out.str("email.subject", rec.get("subject"));

    let verdict = rec.get("category").unwrap_or_default();
    let (kind, category): (&str, &[&str]) = match subtype.as_str() {
        "url" => ("event", &["network", "web"]),
        "file" | "data" => ("event", &["network"]),
        "virus" | "wildfire-virus" | "ml-virus" => ("alert", &["malware", "network"]),
        // A WildFire verdict log is an alert only when the verdict is not `benign`.
        "wildfire" if verdict.eq_ignore_ascii_case("benign") => ("event", &["malware"]),
        "wildfire" => ("alert", &["malware", "network"]),
        // spyware, vulnerability, flood, scan, packet, and what newer releases add.
        _ => ("alert", &["intrusion_detection", "network"]),
    };
    let mut types = Vec::new();
    if subtype == "url" {
        types.push("access");
    }
    match allowed {
        Some(true) => types.push("allowed"),
        Some(false) => types.push("denied"),
        None => types.push("info"),
    }
    out.categorize(kind, category, &types);
    out.outcome(allowed);
}

/// `Eicar Test File(100000)` → (name, id); `(9999)` (URL logs) → (none, id);
/// a name without an id is kept as the name.
fn threat_id(value: &str) -> (Option<&str>, Option<&str>) {
    let split = value.strip_suffix(')').and_then(|v| v.rsplit_once('('));
    match split {
        Some((name, id)) if !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()) => {
            let name = name.trim();
            ((!name.is_empty()).then_some(name), Some(id))
        }
        _ if value.bytes().all(|b| b.is_ascii_digit()) => (None, Some(value)),
        _ => (Some(value), None),
    }
}

/// A URL as PAN-OS logs it, usually without a scheme (`www.example.com/path?q=1`):
/// `url.original`, `url.domain`, `url.port`, `url.path`, `url.query` and the domain's split.
fn url(out: &mut Out, misc: Option<&str>) {
    let Some(original) = misc else { return };
    out.str("url.original", Some(original));
    let rest = match original.split_once("://") {
        Some((scheme, rest)) if scheme.bytes().all(|b| b.is_ascii_alphabetic()) => {
            out.str("url.scheme", Some(&scheme.to_ascii_lowercase()));
            rest
        }
        _ => original,
    };
    let end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, target) = rest.split_at(end);
    let (host, port) = match authority.rsplit_once(':') {
        Some((host, port)) if !host.contains(':') => (host, port.parse::<u16>().ok()),
        _ => (authority, None),
    };
    if !host.is_empty() {
        out.str("url.domain", Some(host));
        match parse_ip(host) {
            Some(ip) => out.related.add_ip(ip),
            None => {
                out.related.add_host(host);
                domain_fields("url", host, &mut out.fields);
            }
        }
    }
    if let Some(port) = port {
        out.fields.insert("url.port".into(), Value::from(port));
    }
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    if !path.is_empty() {
        out.str("url.path", Some(path));
    }
    if !query.is_empty() {
        out.str("url.query", Some(query));
    }
}

#[cfg(test)]
mod tests {
    use super::threat_id;

    #[test]
    fn threat_ids() {
        assert_eq!(
            threat_id("Eicar Test File(100000)"),
            (Some("Eicar Test File"), Some("100000"))
        );
        assert_eq!(threat_id("(9999)"), (None, Some("9999")));
        assert_eq!(threat_id("30003"), (None, Some("30003")));
        assert_eq!(threat_id("Some (name)"), (Some("Some (name)"), None));
    }
}
