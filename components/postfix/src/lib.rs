//! The `postfix` format: the Postfix MTA's syslog messages (smtpd, postscreen, cleanup, pickup,
//! qmgr, smtp, lmtp, local, virtual, bounce, anvil, master...), as syslog MSGs or whole lines.
//!
//! The raw event is the MSG (syslog/RELP listeners, with the header in the envelope), or a whole
//! line: RFC 3164 or 5424 with or without PRI, an RFC 3339 time prefix, a bare
//! `postfix/smtpd[1234]: ` tag, or the MSG with leading spaces ([`edge_format_sdk::line`]). The
//! program is `postfix/<daemon>` (`postfix/submission/smtpd`, `postfix-out/smtp`: any
//! `syslog_name` starting with `postfix`): `process.name`, and `postfix.daemon` (the last part).
//! `message` is the MSG without the prefix; the envelope and dotted metadata are kept.
//!
//! A `QUEUEID: ` (short hex or long form) is `email.local_id` and `postfix.queue_id`; a
//! `warning: `/`error: `/`fatal: `/`panic: ` is `log.level`. Every recognised message has
//! `event.kind`, `event.action`, `event.category`, `event.type` (ECS-allowed, and as ECS expects
//! them with the category) and, where it says, `event.outcome`:
//!
//! | message | action | category | type | outcome |
//! |---|---|---|---|---|
//! | `connect from host[ip]` | connect | network | connection, start | success |
//! | `disconnect from host[ip] ehlo=1 auth=0/1 ... commands=1/2` (`postfix.commands.<cmd>.ok/total`) | disconnect | network | connection, end | failure if a command failed |
//! | `lost connection` / `timeout` / `too many errors after STAGE from host[ip]` (`postfix.smtp_stage`) | lost_connection / timeout / too_many_errors | network | connection, end | failure |
//! | `improper command pipelining after`, `non-SMTP command from` | improper_pipelining / non_smtp_command | network | protocol | failure |
//! | `connect to host[ip]:25: reason`, `lost connection with host[ip] while ...` (SMTP client) | connect_failed / lost_connection | network | connection (, end) | failure |
//! | `<trust> TLS connection established from\|to host[ip]: TLSv1.3 with cipher C` (`tls.*`) | tls_established | network | protocol | success |
//! | `host[ip]: SASL <method> authentication failed: reason[, sasl_username=u]` | sasl_auth_failed | authentication | info | failure |
//! | `reject` / `milter-reject` / `reject_warning` / `discard` / `hold` / `warn` ...: `STAGE from host[ip]: 554 5.7.1 text; from=<> to=<> proto= helo=<>`, header/body checks | the action | email | info | failure for reject, discard, defer |
//! | `client=host[ip][, sasl_method=, sasl_username=]` | client | email (+ authentication with SASL) | info | success with SASL |
//! | `message-id=<id>` (`email.message_id`), `uid=N from=<a>`, `from=<a>, size=N, nrcpt=N` | message_id / pickup / queued | email | info | |
//! | `to=<a>, relay=host[ip]:25, delay=, delays=a/b/c/d, dsn=, status=S (detail)` | S (sent, deferred, bounced, expired) | email | info | success for sent, else failure |
//! | `removed`, `sender non-delivery notification: QUEUEID` | removed / notification | email | info | |
//! | postscreen `CONNECT`, `PASS NEW/OLD`, `DNSBL rank N`, `PREGREET`, `HANGUP`, `DISCONNECT`, `ALLOWLISTED`, `DENYLISTED` ... | postscreen_* | network | connection, start / allowed / info / protocol / end / denied | |
//! | anvil `statistics: max connection rate 5/60s for (smtp:ip) at ...` (`postfix.anvil.*`) | statistics | (event.kind metric) | | |
//! | master `daemon started -- version V, ...`, `reload -- ...`, `terminating on signal N` | started / reload / stopped | process | start / change / end | success |
//!
//! Addresses: the client is `source.*`, the relay or server the client talks to
//! `destination.*` (`.ip`, `.domain` with its public suffix split, `.address`, `.port`), all in
//! `related.ip`/`related.hosts`; `email.from.address`, `email.to.address` (arrays);
//! `user.name` (+ `related.user`) from `sasl_username`; `event.duration` from `delay=`; the SMTP
//! reply's code, enhanced status and text as `postfix.response.code`, `postfix.dsn` and
//! `event.reason`. Other items are kept as `postfix.<key>`.
//!
//! Other lines of a Postfix program are kept with `message`, `event.kind` `event` and the
//! program fields. A line of another program, or one without a program that reads as no
//! Postfix message, is rejected.

mod checks;
mod out;
mod record;
mod session;

use edge_format_sdk::line::{self, Prefixed};
use edge_format_sdk::{describe, insert_envelope, insert_metadata, Description, Event, Fields, Format};

use out::Out;

pub struct Postfix;

/// Whether a program name is Postfix's: `postfix/<daemon>`, `postfix/<service>/<daemon>`, or
/// another `syslog_name` that starts with `postfix` (`postfix-out/smtp`).
fn is_postfix(program: &str) -> bool {
    program.starts_with("postfix") && (program.contains('/') || program == "postfix")
}

/// The line's prefix, with a bare `postfix/smtpd[1234]: ` tag read when no syslog prefix was.
fn split(raw: &str) -> Prefixed<'_> {
    line::split_tagged(raw, is_postfix)
}

/// `warning: ` and its kin, as Postfix's `msg_warn()`... write them.
fn level(text: &str) -> (Option<&'static str>, &str) {
    for (lead, level) in [
        ("warning: ", "warning"),
        ("error: ", "error"),
        ("fatal: ", "fatal"),
        ("panic: ", "panic"),
    ] {
        if let Some(rest) = text.strip_prefix(lead) {
            return (Some(level), rest);
        }
    }
    (None, text)
}

/// Reads the MSG into `out`; false when it is no message this format knows.
fn classify(msg: &str, out: &mut Out) -> bool {
    let mut text = msg;
    let mut queued = false;
    if let Some((id, rest)) = msg.split_once(": ") {
        if id == "NOQUEUE" {
            text = rest;
        } else if record::is_queue_id(id) {
            out.str("email.local_id", id);
            out.str("postfix.queue_id", id);
            text = rest;
            queued = true;
        }
    }
    let (level, text) = level(text);
    if let Some(level) = level {
        out.str("log.level", level);
    }
    if let Some((action, what)) = text.split_once(": ") {
        if checks::decision(action, what, out) {
            return true;
        }
    }
    // cleanup's `QUEUEID: warning: header ...` is the `warn` action, with the level stripped.
    if level == Some("warning") && checks::decision("warning", text, out) {
        return true;
    }
    if queued && record::record(text, out) {
        return true;
    }
    session::session(text, out)
}

impl Format for Postfix {
    fn describe() -> Description {
        describe!(
            "postfix",
            "Postfix MTA: connections, rejects, queue records and deliveries, TLS, SASL, postscreen",
            ["email"],
            "Nov 22 10:15:02 mx1 postfix/smtp[21403]: 4F3A2B1C0D: to=<bob@example.net>, relay=mx.example.net[203.0.113.25]:25, delay=1.3, delays=0.08/0.02/0.6/0.6, dsn=2.0.0, status=sent (250 2.0.0 OK 1732270502 a1si)",
        )
    }

    fn normalize_one(event: Event) -> Result<Fields, String> {
        if event.raw.trim().is_empty() {
            return Err("empty event".into());
        }
        let prefix = split(&event.raw);
        let program = line::program(&event, &prefix);
        if let Some(program) = program.filter(|p| !is_postfix(p)) {
            return Err(format!("not a Postfix program: {}", excerpt(program)));
        }
        let mut out = Out::default();
        let known = classify(prefix.msg, &mut out);
        if !known {
            if program.is_none() {
                return Err(format!("not a Postfix log line: {}", excerpt(prefix.msg)));
            }
            // A Postfix program's message this format does not know: kept as it is, with its
            // queue ID and level (no reader writes anything before it recognises its message).
            out.str("event.kind", "event");
        }
        if let Some((_, daemon)) = program.and_then(|p| p.rsplit_once('/')) {
            out.str("postfix.daemon", daemon);
        }
        let Out { mut fields, related } = out;
        related.insert_into(&mut fields);
        fields.insert("message".into(), prefix.msg.into());
        line::insert_prefix_fields(&mut fields, &prefix, &event);
        insert_envelope(&mut fields, &event);
        insert_metadata(&mut fields, &event.metadata);
        Ok(fields)
    }
}

/// At most 80 characters of a text, for error reasons.
fn excerpt(text: &str) -> String {
    match text.char_indices().nth(80) {
        Some((i, _)) => format!("{:?}…", &text[..i]),
        None => format!("{text:?}"),
    }
}

edge_format_sdk::export_format!(Postfix);

#[cfg(test)]
mod tests;
