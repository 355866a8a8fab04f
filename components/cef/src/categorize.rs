//! `event.kind`, `event.category` and `event.type` (ECS-allowed values only) where the event
//! makes them clear: what the device did to a connection (`act`), a web request, a login or a
//! logout named by the event, an intrusion-prevention or anti-malware product.

use edge_format_sdk::{Fields, Value};

use crate::extensions::Extensions;
use crate::parse::Header;

/// Actions that let traffic through, and actions that stopped it (lower case, by prefix).
const ALLOWED: [&str; 4] = ["allow", "accept", "permit", "pass"];
const DENIED: [&str; 8] = [
    "deny",
    "denied",
    "drop",
    "block",
    "reject",
    "reset",
    "prevent",
    "quarantine",
];

/// Whether `haystack` contains one of `words` (lower case), ignoring ASCII case. A plain
/// byte scan: the texts are short, and `str::contains` prepares a two-way searcher per word.
fn contains_word(haystack: &str, words: &[&str]) -> bool {
    let h = haystack.as_bytes();
    words.iter().any(|w| {
        let w = w.as_bytes();
        let Some(&first) = w.first() else { return true };
        h.len() >= w.len()
            && (0..=h.len() - w.len())
                .any(|i| h[i].to_ascii_lowercase() == first && h[i..i + w.len()].eq_ignore_ascii_case(w))
    })
}

/// Whether one of the alphanumeric tokens of `haystack` is one of `tokens` (lower case): short
/// names such as `IPS` must not match inside other words.
fn has_token(haystack: &str, tokens: &[&str]) -> bool {
    haystack
        .split(|c: char| !c.is_ascii_alphanumeric())
        .any(|t| tokens.iter().any(|k| t.eq_ignore_ascii_case(k)))
}

/// Writes `event.kind`, `event.category` and `event.type` (arrays, as ECS declares them).
pub(crate) fn categorize(header: &Header, ext: &Extensions<'_>, fields: &mut Fields) {
    let mut category: Vec<&str> = Vec::new();
    let mut kind = "event";
    let mut types: Vec<&str> = Vec::new();
    let described = format!("{} {}", header.class_id, header.name);
    let product = format!("{} {}", header.vendor, header.product);
    // ArcSight connectors' own categorization, when the sender relays it.
    let device_class = [ext.get("categoryDeviceType"), ext.get("categoryDeviceGroup")]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    let behavior = ext.get("categoryBehavior").unwrap_or_default();

    if has_token(&product, &["ips", "ids", "ata", "tippingpoint", "snort", "suricata"])
        || described
            .split(|c: char| !c.is_ascii_alphanumeric())
            .any(|t| matches!(t, "IPS" | "IDS" | "ips" | "ids"))
        || has_token(&device_class, &["ids", "ips"])
        || contains_word(&device_class, &["intrusion"])
        || contains_word(&product, &["intrusion", "advanced threat"])
        || contains_word(
            &described,
            &["intrusion", "exploit", "attack", "vulnerability", "spyware"],
        )
    {
        category.push("intrusion_detection");
        kind = "alert";
    }
    if contains_word(&product, &["antivirus", "anti-virus", "anti-malware"])
        || contains_word(&device_class, &["antivirus", "anti-virus"])
        || contains_word(&described, &["virus", "malware", "trojan", "ransomware"])
    {
        category.push("malware");
        kind = "alert";
    }
    if behavior.starts_with("/Authentication")
        || contains_word(
            &described,
            &[
                "logon",
                "login",
                "log in",
                "log on",
                "logged in",
                "logged on",
                "sign-in",
                "sign in",
                "signed in",
                "authentication",
            ],
        )
    {
        category.push("authentication");
        types.push("start");
    } else if contains_word(&described, &["logoff", "logout", "log out", "sign-out", "sign out"]) {
        category.push("authentication");
        types.push("end");
    }
    if ext.get("requestUrl").is_some() || ext.get("requestMethod").is_some() {
        category.push("web");
        types.push("access");
    }
    // A connection needs its far end: a client address alone (a login's source) is not one.
    let endpoints = ["destinationAddress", "destinationPort", "transportProtocol"]
        .iter()
        .any(|k| ext.get(k).is_some())
        || contains_word(&device_class, &["firewall", "vpn", "router"]);
    if endpoints {
        category.push("network");
        types.push("connection");
    }
    if let Some(action) = ext.get("deviceAction") {
        let action = action.to_ascii_lowercase();
        if ALLOWED.iter().any(|a| action.starts_with(a)) {
            types.push("allowed");
        } else if DENIED.iter().any(|d| action.starts_with(d)) {
            types.push("denied");
        }
    }
    if category.is_empty() && types.is_empty() {
        fields.insert("event.kind".into(), Value::from(kind));
        return;
    }
    if category.is_empty() {
        // `allowed`/`denied` on their own say something happened on the network.
        category.push("network");
    }
    types.dedup();
    if types.is_empty() {
        types.push("info");
    }
    fields.insert("event.kind".into(), Value::from(kind));
    fields.insert("event.category".into(), Value::from(category));
    fields.insert("event.type".into(), Value::from(types));
}
