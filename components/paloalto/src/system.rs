//! SYSTEM logs (the firewall's own events: logins, VPN tunnels, HA, updates...) and CONFIG logs
//! (configuration changes).

use edge_format_sdk::ecs::parse_ip;

use crate::out::{severity_number, Out};
use crate::record::Record;

pub(crate) fn map_system(rec: &Record, out: &mut Out) {
    let event_id = rec.get("eventid").unwrap_or_default();
    out.str("event.action", rec.get("eventid"));
    if let Some(severity) = rec.get("severity") {
        if let Some(n) = severity_number(severity) {
            out.fields.insert("event.severity".into(), n.into());
        }
        out.str("log.level", Some(&severity.to_ascii_lowercase()));
    }
    let description = rec.get("opaque").unwrap_or_default();
    let user = quoted_user(description)
        .or_else(|| labelled(description, "User name: "))
        .or_else(|| {
            description
                .strip_prefix("User ")
                .and_then(|rest| rest.split_whitespace().next())
        });
    out.user("user.name", user);
    let from = after(description, "From: ")
        .or_else(|| labelled(description, "Login from: "))
        .or_else(|| after(description, " from "));
    if let Some(ip) = from.map(|f| f.trim_end_matches(['.', ','])).and_then(parse_ip) {
        out.address("source", Some(&ip.to_string()));
    }

    let id = event_id.to_ascii_lowercase();
    let text = description.to_ascii_lowercase();
    let failed = id.contains("fail") || text.contains("failed") || text.contains("failure");
    let succeeded = id.contains("succ") || text.contains("succeeded") || text.contains("logged in");
    let outcome = if failed {
        Some(false)
    } else if succeeded {
        Some(true)
    } else {
        None
    };
    let subtype = rec.get("subtype").unwrap_or_default().to_ascii_lowercase();
    let logout = id.contains("logout") || text.contains("logged out");
    if logout {
        out.categorize("event", &["authentication", "session"], &["end"]);
    } else if id.contains("auth") || id.contains("login") || text.contains("logged in") || text.contains("authenticat")
    {
        out.categorize(
            "event",
            &["authentication"],
            &[if outcome == Some(true) { "start" } else { "info" }],
        );
    } else if subtype == "vpn" || id.starts_with("ike") || id.contains("tunnel") || id.starts_with("ipsec") {
        let types: &[&str] = if id.contains("down") {
            &["connection", "end"]
        } else if id.contains("up") {
            &["connection", "start"]
        } else {
            &["info"]
        };
        out.categorize("event", &["network"], types);
    } else {
        out.categorize("event", &["host"], &["info"]);
    }
    out.outcome(outcome);
}

pub(crate) fn map_config(rec: &Record, out: &mut Out) {
    out.address("source", rec.get("host"));
    out.user("user.name", rec.get("admin"));
    let cmd = rec.get("cmd").unwrap_or_default().to_ascii_lowercase();
    out.str("event.action", rec.get("cmd"));
    let change = match cmd.as_str() {
        "add" => "creation",
        "delete" => "deletion",
        _ => "change",
    };
    out.categorize("event", &["configuration"], &[change]);
    let outcome = match rec.get("result").map(str::to_ascii_lowercase).as_deref() {
        Some("succeeded" | "success") => Some(true),
        Some("failed" | "failure") => Some(false),
        _ => None,
    };
    out.outcome(outcome);
}

/// `... for user 'admin'. ...` → `admin`.
fn quoted_user(text: &str) -> Option<&str> {
    let start = text.find("user '")? + "user '".len();
    let end = text[start..].find('\'')?;
    Some(&text[start..start + end]).filter(|u| !u.is_empty())
}

/// The word after `label` (`From: 192.0.2.5.`).
fn after<'a>(text: &'a str, label: &str) -> Option<&'a str> {
    let start = text.find(label)? + label.len();
    text[start..].split_whitespace().next()
}

/// The value after `label` up to the next comma (`User name: bob, ...`).
fn labelled<'a>(text: &'a str, label: &str) -> Option<&'a str> {
    let start = text.find(label)? + label.len();
    let value = text[start..].split(',').next()?.trim().trim_end_matches('.');
    Some(value).filter(|v| !v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn description_users_and_addresses() {
        let text = "failed authentication for user 'admin'. Reason: Invalid username or password. From: 192.0.2.5.";
        assert_eq!(quoted_user(text), Some("admin"));
        assert_eq!(after(text, "From: "), Some("192.0.2.5."));
        let gp = "GlobalProtect gateway user authentication succeeded. Login from: 203.0.113.5, Source region: US, User name: bob.";
        assert_eq!(labelled(gp, "User name: "), Some("bob"));
        assert_eq!(labelled(gp, "Login from: "), Some("203.0.113.5"));
        assert_eq!(quoted_user("user ''"), None);
    }
}
