//! Remote access VPN sessions: AnyConnect (722022/722023/722028/722037/722051, 113039),
//! clientless WebVPN (716001/716002), session ends (113019) and DAP selections (734001).

use crate::endpoint::{angle, duration_nanos};
use crate::out::Out;

/// `Group <GroupPolicy> User <alice> IP <198.51.100.7> …`: the group policy, the user and the
/// client's public address (`source.ip`).
fn group_user_ip(text: &str, out: &mut Out) -> Option<()> {
    let user = angle(text, "User")?;
    out.user("user.name", user);
    if let Some(group) = angle(text, "Group") {
        out.str("cisco.asa.group_policy", group);
    }
    if let Some(ip) = angle(text, "IP") {
        out.ip("source", ip);
    }
    Some(())
}

/// The text after the last `> ` of the `Group <…> User <…> IP <…>` header.
fn tail(text: &str) -> &str {
    text.split_once("IP <")
        .and_then(|(_, r)| r.split_once("> "))
        .map_or(text, |(_, r)| r.trim())
}

/// The reason after `: ` at the end of a message, without its final period.
fn reason_after_colon(text: &str) -> Option<&str> {
    let (_, reason) = text.rsplit_once(": ")?;
    Some(reason.trim().trim_end_matches('.')).filter(|r| !r.is_empty())
}

pub fn session(id: &str, text: &str, out: &mut Out) -> Option<()> {
    group_user_ip(text, out)?;
    let rest = tail(text);
    match id {
        "113039" => out.class(
            "event",
            &["session"],
            &["start"],
            "vpn-session-started",
            Some("success"),
        ),
        "716001" => out.class(
            "event",
            &["session"],
            &["start"],
            "webvpn-session-started",
            Some("success"),
        ),
        "716002" => {
            if let Some(reason) = reason_after_colon(rest) {
                out.str("event.reason", reason);
            }
            out.class(
                "event",
                &["session"],
                &["end"],
                "webvpn-session-terminated",
                Some("success"),
            );
        }
        "722022" | "722023" => {
            // `TCP SVC connection established without compression`: the tunnel's transport.
            if let Some(protocol) = rest.split_whitespace().next() {
                out.transport(protocol);
            }
            let (types, action): (&[&str], _) = if id == "722022" {
                (&["connection", "start"], "svc-connection-established")
            } else {
                (&["connection", "end"], "svc-connection-terminated")
            };
            out.class("event", &["network"], types, action, Some("success"));
        }
        "722028" => out.class(
            "event",
            &["network"],
            &["connection", "end"],
            "svc-stale-connection-closed",
            Some("success"),
        ),
        "722037" => {
            if let Some(reason) = reason_after_colon(rest) {
                out.str("event.reason", reason);
            }
            out.class(
                "event",
                &["network"],
                &["connection", "end"],
                "svc-closing-connection",
                Some("success"),
            );
        }
        "722051" => {
            if let Some(ip) = angle(rest, "IPv4 Address") {
                out.ip_only("cisco.asa.assigned_ip", ip);
            }
            if let Some(ip) = angle(rest, "IPv6 address").filter(|ip| *ip != "::") {
                out.ip_only("cisco.asa.assigned_ipv6", ip);
            }
            out.class(
                "event",
                &["session"],
                &["info"],
                "vpn-address-assigned",
                Some("success"),
            );
        }
        _ => return None,
    }
    Some(())
}

/// 113019 `Group = VPN-Users, Username = alice, IP = 198.51.100.7, Session disconnected. Session
/// Type: SSL, Duration: 1h:10m:05s, Bytes xmt: 123456, Bytes rcv: 6789, Reason: User Requested`.
pub fn disconnected(text: &str, out: &mut Out) -> Option<()> {
    let value = |label: &str| -> Option<&str> {
        let (_, rest) = text.split_once(label)?;
        Some(rest.split(", ").next().unwrap_or(rest).trim())
    };
    let user = value("Username = ")?;
    let group = value("Group = ");
    let ip = value("IP = ");
    let session_type = value("Session Type: ");
    let duration = value("Duration: ");
    let sent = value("Bytes xmt: ").and_then(|b| b.parse::<u64>().ok());
    let received = value("Bytes rcv: ").and_then(|b| b.parse::<u64>().ok());
    let reason = text.split_once("Reason: ").map(|(_, r)| r.trim());
    out.user("user.name", user);
    if let Some(group) = group {
        out.str("cisco.asa.tunnel_group", group);
    }
    if let Some(ip) = ip {
        out.ip("source", ip);
    }
    if let Some(session_type) = session_type {
        out.str("cisco.asa.session_type", session_type);
    }
    if let Some(duration) = duration.and_then(duration_nanos) {
        out.num("event.duration", duration);
    }
    // `xmt` is what the ASA sent to the client (the source), `rcv` what it received from it.
    if let Some(sent) = sent {
        out.num("destination.bytes", sent);
    }
    if let Some(received) = received {
        out.num("source.bytes", received);
    }
    if let (Some(sent), Some(received)) = (sent, received) {
        out.num("network.bytes", sent.saturating_add(received));
    }
    if let Some(reason) = reason {
        out.str("event.reason", reason);
    }
    out.class(
        "event",
        &["session"],
        &["end"],
        "vpn-session-disconnected",
        Some("success"),
    );
    Some(())
}

/// 734001 `DAP: User alice, Addr 198.51.100.7, Connection AnyConnect: The following DAP records
/// were selected for this connection: DfltAccessPolicy`.
pub fn dap(text: &str, out: &mut Out) -> Option<()> {
    let rest = text.strip_prefix("DAP: User ")?;
    let (user, rest) = rest.split_once(", Addr ")?;
    out.user("user.name", user);
    let (ip, rest) = rest.split_once(", Connection ").unwrap_or((rest, ""));
    out.ip("source", ip.trim_end_matches(':'));
    let (connection, records) = rest.split_once(':').unwrap_or((rest, ""));
    out.str("cisco.asa.connection_type", connection);
    if let Some((_, list)) = records.rsplit_once(": ") {
        let records: Vec<&str> = list.split(',').map(str::trim).filter(|r| !r.is_empty()).collect();
        if !records.is_empty() {
            out.list("cisco.asa.dap_records", &records);
        }
    }
    out.class("event", &["iam"], &["info"], "dap-records-selected", Some("success"));
    Some(())
}
