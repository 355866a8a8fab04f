//! `type=event` logs: the FortiGate's own events (`system`, `user`, `vpn`, `router`, `ha`,
//! `wireless`, `sdwan`, `endpoint`...): administrator logins, configuration changes, user
//! authentication, IPsec and SSL VPN tunnels.

use crate::log::Log;
use crate::out::Out;

/// `status=` / `action=` words as an outcome.
fn outcome_of(word: &str) -> Option<bool> {
    let word = word.to_ascii_lowercase();
    if word.contains("fail") || word.contains("error") || word.contains("denied") || word == "deny" {
        Some(false)
    } else if word.starts_with("succe") || word == "success" || word == "ok" || word == "up" {
        Some(true)
    } else {
        None
    }
}

pub(crate) fn map(log: &Log<'_>, out: &mut Out) {
    // VPN peers: the remote end is the source, the FortiGate's address the destination.
    if !out.fields.contains_key("source.ip") {
        out.address("source", log.get("remip"));
    }
    if !out.fields.contains_key("destination.ip") {
        out.address("destination", log.get("locip"));
    }
    out.port("source.port", log.get("remport"));
    out.port("destination.port", log.get("locport"));
    out.str("event.reason", log.get("reason"));

    let subtype = log.lower("subtype");
    let action = log.lower("action");
    let desc = log.lower("logdesc");
    let status = log.get("status");
    let mut outcome = status.and_then(outcome_of).or_else(|| outcome_of(&action));
    if outcome.is_none() && (desc.contains("fail") || desc.contains("denied")) {
        outcome = Some(false);
    } else if outcome.is_none() && desc.contains("success") {
        outcome = Some(true);
    }

    let logout = action.contains("logout") || desc.contains("logout") || desc.contains("logged out");
    let login = action.contains("login")
        || action.contains("logon")
        || action.starts_with("auth")
        || desc.contains("login")
        || desc.contains("logon")
        || desc.contains("authentication");
    let config = log.get("cfgpath").is_some() || desc.contains("configured") || desc.contains("configuration");
    let tunnel_up = action.contains("tunnel-up") || action.contains("phase2-up") || action == "ssl-new-con";
    let tunnel_down = action.contains("tunnel-down") || action.contains("phase2-down");

    if logout {
        out.categorize("event", &["authentication", "session"], &["end"]);
    } else if login {
        let kind = if outcome == Some(true) { "start" } else { "info" };
        out.categorize("event", &["authentication"], &[kind]);
    } else if config {
        let change = match action.as_str() {
            "add" => "creation",
            "delete" => "deletion",
            _ => "change",
        };
        out.categorize("event", &["configuration"], &[change]);
    } else if tunnel_up {
        out.categorize("event", &["network", "session"], &["connection", "start"]);
        outcome = outcome.or(Some(true));
    } else if tunnel_down {
        out.categorize("event", &["network", "session"], &["connection", "end"]);
    } else if subtype == "vpn" {
        out.categorize("event", &["network"], &["info"]);
    } else {
        out.categorize("event", &["host"], &["info"]);
    }
    out.outcome(outcome);
}
