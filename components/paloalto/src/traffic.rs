//! TRAFFIC (session start, end, drop, deny) and DECRYPTION logs.

use crate::out::Out;
use crate::record::Record;
use crate::session;
use crate::time::{pan_time, seconds_to_nanos};

pub(crate) fn map(rec: &Record, out: &mut Out, offset: &str) {
    let allowed = session::map(rec, out);
    let sent = out.num("source.bytes", rec.get("bytes_sent"));
    let received = out.num("destination.bytes", rec.get("bytes_received"));
    if out.num("network.bytes", rec.get("bytes")).is_none() {
        if let (Some(a), Some(b)) = (sent, received) {
            out.fields.insert("network.bytes".into(), (a + b).into());
        }
    }
    let sent = out.num("source.packets", rec.get("pkts_sent"));
    let received = out.num("destination.packets", rec.get("pkts_received"));
    if out.num("network.packets", rec.get("packets")).is_none() {
        if let (Some(a), Some(b)) = (sent, received) {
            out.fields.insert("network.packets".into(), (a + b).into());
        }
    }
    if let Some(start) = rec.get("start").and_then(|s| pan_time(s, offset)) {
        out.str("event.start", Some(&start));
    }
    if let Some(nanos) = rec.get("elapsed").and_then(seconds_to_nanos) {
        out.fields.insert("event.duration".into(), nanos.into());
    }
    out.str("event.reason", rec.get("session_end_reason"));

    let subtype = rec.get("subtype").unwrap_or_default().to_ascii_lowercase();
    let mut types = vec!["connection"];
    match subtype.as_str() {
        "start" => types.push("start"),
        "end" => types.push("end"),
        _ => {}
    }
    // A `deny`/`drop` log is a denial even when its action field says otherwise.
    let allowed = match subtype.as_str() {
        "deny" | "drop" => Some(false),
        _ => allowed,
    };
    match allowed {
        Some(true) => types.push("allowed"),
        Some(false) => types.push("denied"),
        None => {}
    }
    out.categorize("event", &["network"], &types);
    out.outcome(allowed);
}

/// DECRYPTION (PAN-OS 10.0+): the session plus what the TLS handshake showed.
pub(crate) fn map_decryption(rec: &Record, out: &mut Out) {
    let allowed = session::map(rec, out);
    if let Some(version) = rec.get("tls_version") {
        // `TLS1.2`, `SSL3.0`
        let lower = version.to_ascii_lowercase();
        let number = lower.trim_start_matches(|c: char| c.is_ascii_alphabetic());
        let protocol = &lower[..lower.len() - number.len()];
        if !number.is_empty() && !protocol.is_empty() {
            out.str("tls.version", Some(number));
            out.str("tls.version_protocol", Some(protocol));
        }
    }
    if let Some(sni) = rec.get("sni") {
        out.str("tls.client.server_name", Some(sni));
        out.related.add_host(sni);
    }
    if let Some(cn) = rec.get("cn") {
        out.array("tls.server.x509.subject.common_name", &[cn]);
    }
    if let Some(issuer) = rec.get("issuer_cn") {
        out.array("tls.server.x509.issuer.common_name", &[issuer]);
    }
    let error = rec.get("error").filter(|e| !e.eq_ignore_ascii_case("none"));
    out.str("error.message", error);
    let mut types = vec!["connection"];
    match allowed {
        Some(true) => types.push("allowed"),
        Some(false) => types.push("denied"),
        None => {}
    }
    out.categorize("event", &["network"], &types);
    out.outcome(if error.is_some() { Some(false) } else { allowed });
}
