//! What is vendor-specific in building an event: which actions let traffic through. The
//! builder ([`Out`]) and the word severities (`severity_number`) are the SDK's.

pub(crate) use edge_format_sdk::out::{severity_number, Out};

/// Whether an action let the traffic through (`Some(true)`), stopped it (`Some(false)`), or
/// does not say (`None`). Traffic: `accept`, `start`, `close`, `timeout`, `server-rst`,
/// `client-rst` let it through, `deny` stops it; UTM: `pass`, `passthrough`, `monitored`,
/// `detected`, `exempt` let it through, `block`, `blocked`, `dropped`, `reset`,
/// `clear_session` stop it.
pub(crate) fn allowed(action: &str) -> Option<bool> {
    match action.to_ascii_lowercase().as_str() {
        "accept" | "start" | "close" | "timeout" | "server-rst" | "client-rst" | "pass" | "passthrough" | "allow"
        | "permit" | "monitored" | "monitor" | "detected" | "exempt" | "analytics" | "log-only" => Some(true),
        "deny" | "drop" | "dropped" | "block" | "blocked" | "reset" | "reject" | "clear_session" | "ban"
        | "quarantine" | "redirect" => Some(false),
        _ => None,
    }
}
