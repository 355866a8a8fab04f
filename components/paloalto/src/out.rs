//! What is vendor-specific in building an event: which actions let traffic through. The
//! builder ([`Out`]) and the word severities (`severity_number`) are the SDK's.

pub(crate) use edge_format_sdk::out::{severity_number, Out};

/// Whether an action let the traffic through (`Some(true)`), stopped it (`Some(false)`), or
/// does not say (`None`). Threat actions: `alert`, `allow`, `continue`, `override` let it
/// through; `deny`, `drop*`, `reset-*`, `block-*`, `sinkhole`, `random-drop` stop it.
pub(crate) fn allowed(action: &str) -> Option<bool> {
    let action = action.to_ascii_lowercase();
    if ["allow", "alert", "continue", "override"]
        .iter()
        .any(|a| action.starts_with(a))
    {
        Some(true)
    } else if ["deny", "drop", "reset", "block", "sinkhole", "random-drop", "reject"]
        .iter()
        .any(|a| action.starts_with(a))
    {
        Some(false)
    } else {
        None
    }
}
