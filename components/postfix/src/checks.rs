//! Access and content decisions: smtpd's `reject: RCPT from host[ip]: 554 5.7.1 ...; from=<..>
//! to=<..> proto=ESMTP helo=<..>` (also `NOQUEUE:`, postscreen's with commas, `milter-reject`,
//! `reject_warning`...) and cleanup's header/body checks (`reject: header Subject: .. from
//! host[ip]; from=<..> to=<..> proto=ESMTP helo=<..>: 5.7.1 text`).

use crate::out::{leading_peer, pairs, Out, Pair, EMAIL, FAILURE, INFO};

/// The actions of access tables, milters and header/body checks that Postfix logs.
const ACTIONS: [&str; 16] = [
    "reject",
    "reject_warning",
    "milter-reject",
    "milter-discard",
    "milter-hold",
    "discard",
    "hold",
    "warn",
    "warning",
    "info",
    "filter",
    "redirect",
    "bcc",
    "prepend",
    "replace",
    "defer",
];

/// The start of the `; from=<..> to=<..> proto=.. helo=<..>` trailer (its `;`), the last one.
fn trailer_start(text: &str) -> Option<usize> {
    text.rmatch_indices("; ").map(|(i, _)| i).find(|&i| {
        let after = &text[i + 2..];
        ["from=<", "to=<", "proto=", "helo=<"]
            .iter()
            .any(|k| after.starts_with(k))
    })
}

/// `<action>: <what>` when `action` is one of [`ACTIONS`] and `what` has the shape of a
/// decision; false otherwise (a `warning:` that is only a warning).
pub fn decision(action: &str, what: &str, out: &mut Out) -> bool {
    if !ACTIONS.contains(&action) {
        return false;
    }
    let (head, trailer) = match trailer_start(what) {
        Some(i) => (&what[..i], &what[i + 2..]),
        None => (what, ""),
    };
    let (items, after) = pairs(trailer);
    if let Some((stage, rest)) = head.split_once(" from ").filter(|(s, _)| is_stage(s)) {
        // smtpd/postscreen: `RCPT from host[ip]: <reply>`.
        let Some((peer, reply)) = leading_peer(rest) else {
            return false;
        };
        out.peer("source", &peer);
        out.str("postfix.smtp_stage", stage);
        out.reply(reply.strip_prefix(':').unwrap_or(reply));
    } else if let Some(rest) = head.strip_prefix("header ").or_else(|| head.strip_prefix("body ")) {
        // cleanup: `header <name>: <value> from host[ip]`, the reply after the trailer.
        let Some((content, client)) = rest.rsplit_once(" from ") else {
            return false;
        };
        let Some((peer, _)) = leading_peer(client) else {
            return false;
        };
        out.peer("source", &peer);
        out.str(
            "postfix.check.type",
            if head.starts_with("header") { "header" } else { "body" },
        );
        out.str("postfix.check.content", content);
        out.reply(after.strip_prefix(':').unwrap_or(after));
    } else {
        return false;
    }
    let action = if action == "warning" { "warn" } else { action };
    let failed = matches!(
        action,
        "reject" | "milter-reject" | "discard" | "milter-discard" | "defer"
    );
    out.categorize(action, EMAIL, INFO, failed.then_some(FAILURE));
    out.str("postfix.action", action);
    for Pair { key, value, .. } in items {
        match key {
            "from" => out.address("email.from.address", value),
            "to" => out.address("email.to.address", value),
            "proto" | "helo" => out.str(&format!("postfix.{key}"), value),
            _ => {}
        }
    }
    true
}

/// An SMTP stage as smtpd names it: `RCPT`, `DATA`, `END-OF-MESSAGE`, `CONNECT`...
pub fn is_stage(stage: &str) -> bool {
    !stage.is_empty() && stage.bytes().all(|b| b.is_ascii_uppercase() || b == b'-')
}
