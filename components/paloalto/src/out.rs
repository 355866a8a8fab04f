//! What is vendor-specific in building an event: severities and which actions let traffic
//! through. The builder itself is the SDK's [`Out`].

pub(crate) use edge_format_sdk::out::Out;

/// PAN-OS severities as `event.severity` (informational 1 .. critical 5, as Elastic's
/// integration numbers them).
pub(crate) fn severity_number(severity: &str) -> Option<u64> {
    Some(match severity.to_ascii_lowercase().as_str() {
        "informational" | "info" => 1,
        "low" => 2,
        "medium" => 3,
        "high" => 4,
        "critical" => 5,
        _ => return None,
    })
}

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
