//! Who is behind an address: GLOBALPROTECT (VPN logins and connections), HIP-MATCH (host
//! information profile matches), USERID (user-to-IP mappings) and AUTH (authentication
//! policy) logs.

use crate::out::Out;
use crate::record::Record;

/// `success` / `failure` words as an outcome.
fn outcome_of(text: &str) -> Option<bool> {
    let text = text.to_ascii_lowercase();
    if text.contains("fail") || text.contains("denied") || text.contains("reject") {
        Some(false)
    } else if text.contains("succ") || text.contains("success") || text == "login" || text == "logout" {
        Some(true)
    } else {
        None
    }
}

pub(crate) fn map_globalprotect(rec: &Record, out: &mut Out) {
    let event_id = rec.get("eventid").unwrap_or_default().to_ascii_lowercase();
    out.str("event.action", rec.get("eventid"));
    out.user("user.name", rec.get("srcuser"));
    out.user("source.user.name", rec.get("srcuser"));
    let public = rec.get("public_ip").filter(|ip| *ip != "0.0.0.0");
    out.address("source", public.or(rec.get("public_ipv6").filter(|ip| *ip != "::")));
    if let Some(region) = rec.get("srcregion").filter(|r| r.len() == 2) {
        out.str("source.geo.country_iso_code", Some(region));
    }
    for name in ["private_ip", "private_ipv6"] {
        if let Some(ip) = rec.get(name).and_then(edge_format_sdk::ecs::parse_ip) {
            if !ip.is_unspecified() {
                out.related.add_ip(ip);
            }
        }
    }
    if let Some(machine) = rec.get("machinename") {
        out.related.add_host(machine);
    }
    out.str("event.reason", rec.get("reason").or(rec.get("error")));
    let outcome = rec.get("status").and_then(outcome_of);
    let (category, types): (&[&str], &[&str]) = if event_id.contains("logout") {
        (&["session"], &["end"])
    } else if event_id.contains("auth") || event_id.contains("prelogin") {
        (
            &["authentication"],
            &[if outcome == Some(true) { "start" } else { "info" }],
        )
    } else if event_id.contains("connected") || event_id.contains("login") {
        (&["session"], &["start"])
    } else {
        (&["network"], &["info"])
    };
    out.categorize("event", category, types);
    out.outcome(outcome);
}

pub(crate) fn map_hip_match(rec: &Record, out: &mut Out) {
    out.user("user.name", rec.get("srcuser"));
    out.address("source", rec.get("src").or(rec.get("srcipv6")));
    out.mac("source.mac", rec.get("src_mac"));
    out.str("rule.name", rec.get("matchname"));
    if let Some(machine) = rec.get("machinename") {
        out.related.add_host(machine);
    }
    out.categorize("event", &["host"], &["info"]);
}

pub(crate) fn map_userid(rec: &Record, out: &mut Out) {
    out.address("source", rec.get("src"));
    out.user("user.name", rec.get("srcuser"));
    let event_id = rec.get("eventid").unwrap_or_default().to_ascii_lowercase();
    out.str("event.action", rec.get("eventid"));
    let event_type = match event_id.as_str() {
        "login" => "start",
        "logout" => "end",
        _ => "info",
    };
    out.categorize("event", &["authentication"], &[event_type]);
}

pub(crate) fn map_auth(rec: &Record, out: &mut Out) {
    out.address("source", rec.get("src"));
    out.mac("source.mac", rec.get("src_mac"));
    out.user("user.name", rec.get("srcuser"));
    out.str("user_agent.original", rec.get("user_agent"));
    out.str("rule.name", rec.get("authpolicy"));
    out.str("rule.uuid", rec.get("rule_uuid"));
    out.str("event.action", rec.get("eventid"));
    let outcome = rec.get("eventid").and_then(outcome_of);
    out.categorize(
        "event",
        &["authentication"],
        &[if outcome == Some(true) { "start" } else { "info" }],
    );
    out.outcome(outcome);
}
