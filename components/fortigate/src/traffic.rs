//! `type=traffic` logs (subtypes `forward`, `local`, `multicast`, `sniffer`): sessions
//! allowed, denied, started, closed, timed out or reset.

use crate::log::Log;
use crate::out::{allowed, Out};

pub(crate) fn categorize(log: &Log<'_>, out: &mut Out) {
    let action = log.lower("action");
    let mut types = vec!["connection"];
    match action.as_str() {
        "start" => types.push("start"),
        "close" | "timeout" | "server-rst" | "client-rst" => types.push("end"),
        _ => {}
    }
    let verdict = allowed(&action);
    match verdict {
        Some(true) => types.push("allowed"),
        Some(false) => types.push("denied"),
        None => {}
    }
    out.categorize("event", &["network"], &types);
    // `ip-conn`: the connection itself failed.
    out.outcome(if action == "ip-conn" { Some(false) } else { verdict });
}
