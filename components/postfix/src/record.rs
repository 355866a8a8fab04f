//! A message's life in the queue: `QUEUEID: key=value, ...` records of smtpd (`client=`),
//! cleanup (`message-id=`), pickup (`uid= from=`), qmgr (`from= size= nrcpt=`, `removed`,
//! `status=expired`), the delivery agents (`to= relay= delay= delays= dsn= status=`) and bounce
//! (`sender non-delivery notification: QUEUEID`).

use crate::out::{pairs, peer, Out, Pair, EMAIL, FAILURE, INFO, SUCCESS};

const AUTHENTICATION_EMAIL: &[&str] = &["authentication", "email"];

/// Whether `id` is a queue ID: short (hexadecimal, upper case) or long (`enable_long_queue_ids`:
/// base-52 time and inode, digits and letters without vowels).
pub fn is_queue_id(id: &str) -> bool {
    let short = (5..=16).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_digit() || (b'A'..=b'F').contains(&b));
    let long = (10..=20).contains(&id.len())
        && id.bytes().all(|b| b.is_ascii_alphanumeric())
        && id.bytes().any(|b| b.is_ascii_digit())
        && !id.bytes().any(|b| b"AEIOUaeiou".contains(&b));
    // Hex made of letters only (`DEADBEEF`) is a word more often than an ID.
    (short || long) && id.bytes().any(|b| b.is_ascii_digit())
}

/// A queue record after `QUEUEID: `; false when it is none of them.
pub fn record(text: &str, out: &mut Out) -> bool {
    if text == "removed" {
        out.categorize("removed", EMAIL, INFO, None);
        return true;
    }
    if let Some((kind, id)) = text.rsplit_once(" notification: ") {
        if matches!(
            kind,
            "sender non-delivery" | "sender delivery status" | "postmaster non-delivery"
        ) && is_queue_id(id)
        {
            out.categorize("notification", EMAIL, INFO, None);
            out.str("postfix.notification.type", kind);
            out.str("postfix.notification.queue_id", id);
            return true;
        }
        return false;
    }
    let (items, _rest) = pairs(text);
    let Some(first) = items.first() else { return false };
    let has = |key: &str| items.iter().any(|p| p.key == key);
    match first.key {
        "to" if has("status") => delivery(&items, out),
        "from" if has("status") => expired(&items, out),
        "from" if has("nrcpt") || has("size") => out.categorize("queued", EMAIL, INFO, None),
        "uid" if has("from") => out.categorize("pickup", EMAIL, INFO, None),
        "client" => {
            if has("sasl_username") {
                // A client that logged in with SASL before sending this message.
                out.categorize("client", AUTHENTICATION_EMAIL, INFO, Some(SUCCESS));
            } else {
                out.categorize("client", EMAIL, INFO, None);
            }
        }
        "message-id" | "resent-message-id" => out.categorize("message_id", EMAIL, INFO, None),
        _ => return false,
    }
    for pair in &items {
        item(pair, out);
    }
    true
}

/// `to=<..>, relay=.., delay=.., delays=.., dsn=.., status=sent|deferred|bounced|expired (..)`.
fn delivery(items: &[Pair<'_>], out: &mut Out) {
    let status = items.iter().find(|p| p.key == "status").map_or("", |p| p.value);
    let outcome = match status {
        "sent" | "deliverable" => Some(SUCCESS),
        "deferred" | "bounced" | "expired" | "undeliverable" => Some(FAILURE),
        _ => None,
    };
    out.categorize(status, EMAIL, INFO, outcome);
}

/// qmgr's `from=<..>, status=expired, returned to sender`.
fn expired(items: &[Pair<'_>], out: &mut Out) {
    let status = items.iter().find(|p| p.key == "status").map_or("", |p| p.value);
    out.categorize(status, EMAIL, INFO, Some(FAILURE));
}

/// One item of a record, into ECS or `postfix.*`.
fn item(pair: &Pair<'_>, out: &mut Out) {
    let Pair { key, value, note } = *pair;
    match key {
        "to" => out.address("email.to.address", value),
        "from" => out.address("email.from.address", value),
        "orig_to" => out.str("postfix.orig_to", value),
        "message-id" => out.str("email.message_id", value),
        "client" => {
            if let Some(p) = peer(value) {
                out.peer("source", &p);
            }
        }
        "relay" => {
            out.str("postfix.relay", value);
            if let Some(p) = peer(value) {
                out.peer("destination", &p);
            }
        }
        "delay" => {
            out.duration(value);
            out.seconds("postfix.delay", value);
        }
        "delays" => {
            let names = ["before_qmgr", "in_qmgr", "connection_setup", "transmission"];
            for (name, part) in names.iter().zip(value.split('/')) {
                out.seconds(&format!("postfix.delays.{name}"), part);
            }
        }
        "status" => {
            out.str("postfix.status", value);
            if let Some(note) = note {
                out.str("postfix.status_detail", note);
                if value != "sent" {
                    out.str("event.reason", note);
                }
            }
        }
        "sasl_username" => {
            out.str("user.name", value);
            out.related.add_user(value);
            out.str("postfix.sasl.username", value);
        }
        "sasl_method" => out.str("postfix.sasl.method", value),
        "sasl_sender" => out.str("postfix.sasl.sender", value),
        "uid" => out.str("user.id", value),
        "size" | "nrcpt" | "conn_use" => match value.parse::<u64>() {
            Ok(n) => out.num(&format!("postfix.{key}"), n),
            Err(_) => out.str(&format!("postfix.{key}"), value),
        },
        _ => out.str(&format!("postfix.{}", key.replace('-', "_")), value),
    }
}
