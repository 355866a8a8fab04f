//! Connections and the daemons themselves: smtpd's `connect`/`disconnect`/`lost connection`,
//! TLS, SASL failures and protocol errors, the SMTP client's `connect to`, postscreen's verdicts,
//! anvil's statistics and master's start/stop.

use crate::checks::is_stage;
use crate::out::{
    leading_peer, Out, Peer, ALLOWED, AUTHENTICATION, CONNECTION, CONNECTION_END, CONNECTION_START, DENIED, FAILURE,
    INFO, NETWORK, PROCESS, PROTOCOL, SUCCESS,
};

/// A connection or daemon message; false when it is none of them.
pub fn session(text: &str, out: &mut Out) -> bool {
    if let Some(rest) = text.strip_prefix("connect from ") {
        return with_peer(rest, out, "source", |_, out| {
            out.categorize("connect", NETWORK, CONNECTION_START, Some(SUCCESS));
        });
    }
    if let Some(rest) = text.strip_prefix("disconnect from ") {
        return with_peer(rest, out, "source", disconnect);
    }
    if let Some(rest) = text.strip_prefix("connect to ") {
        // The SMTP/LMTP client's failed attempt: `connect to host[ip]:25: Connection refused`.
        return with_peer(rest, out, "destination", |reason, out| {
            out.categorize("connect_failed", NETWORK, CONNECTION, Some(FAILURE));
            out.str("event.reason", reason.trim_start_matches(':').trim());
        });
    }
    for (lead, action) in [
        ("lost connection after ", "lost_connection"),
        ("timeout after ", "timeout"),
        ("too many errors after ", "too_many_errors"),
        ("improper command pipelining after ", "improper_pipelining"),
    ] {
        if let Some(rest) = text.strip_prefix(lead) {
            return after_stage(rest, action, out);
        }
    }
    if let Some(rest) = text.strip_prefix("non-SMTP command from ") {
        return with_peer(rest, out, "source", |command, out| {
            out.categorize("non_smtp_command", NETWORK, PROTOCOL, Some(FAILURE));
            out.str("event.reason", command.trim_start_matches(':').trim());
        });
    }
    if let Some(rest) = text.strip_prefix("lost connection with ") {
        return with_peer(rest, out, "destination", |reason, out| {
            out.categorize("lost_connection", NETWORK, CONNECTION_END, Some(FAILURE));
            out.str("event.reason", reason.trim());
        });
    }
    if let Some((trust, rest)) = text.split_once(" TLS connection established ") {
        return tls(trust, rest, out);
    }
    if let Some((client, rest)) = text.split_once(": SASL ") {
        return sasl(client, rest, out);
    }
    postscreen(text, out) || anvil(text, out) || master(text, out)
}

/// Reads the peer at the start of `rest` as `side`, then lets `then` read what follows it.
fn with_peer(rest: &str, out: &mut Out, side: &str, then: impl FnOnce(&str, &mut Out)) -> bool {
    let Some((peer, after)) = leading_peer(rest) else {
        return false;
    };
    out.peer(side, &peer);
    then(after, out);
    true
}

/// `disconnect from host[ip] ehlo=1 mail=1 rcpt=0/1 data=0/1 quit=1 commands=3/5`: each count
/// as `postfix.commands.<name>.ok`/`.total` (`commands=` as `all`); the outcome is a failure
/// when a command failed.
fn disconnect(counts: &str, out: &mut Out) {
    let mut failed = false;
    for item in counts.split_whitespace() {
        let Some((name, count)) = item.split_once('=') else {
            continue;
        };
        if name.is_empty()
            || !name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        {
            continue;
        }
        let (ok, total) = count.split_once('/').unwrap_or((count, count));
        let (Ok(ok), Ok(total)) = (ok.parse::<u64>(), total.parse::<u64>()) else {
            continue;
        };
        let name = if name == "commands" { "all" } else { name };
        out.num(&format!("postfix.commands.{name}.ok"), ok);
        out.num(&format!("postfix.commands.{name}.total"), total);
        failed |= ok < total;
    }
    let outcome = if failed { FAILURE } else { SUCCESS };
    out.categorize("disconnect", NETWORK, CONNECTION_END, Some(outcome));
}

/// `lost connection after AUTH from host[ip]`, `timeout after DATA (1234 bytes) from host[ip]`.
fn after_stage(rest: &str, action: &str, out: &mut Out) -> bool {
    let Some((stage, from)) = rest.split_once(" from ") else {
        return false;
    };
    let stage = stage.split(" (").next().unwrap_or(stage);
    if !is_stage(stage) {
        return false;
    }
    with_peer(from, out, "source", |more, out| {
        let types = if action == "improper_pipelining" {
            PROTOCOL
        } else {
            CONNECTION_END
        };
        out.categorize(action, NETWORK, types, Some(FAILURE));
        out.str("postfix.smtp_stage", stage);
        out.str("event.reason", more.trim_start_matches(':').trim());
    })
}

/// `Anonymous TLS connection established from host[ip]: TLSv1.3 with cipher TLS_AES_256_GCM_SHA384
/// (256/256 bits) ...` (smtpd; `to host[ip]:25` for the client).
fn tls(trust: &str, rest: &str, out: &mut Out) -> bool {
    let (side, rest) = match (rest.strip_prefix("from "), rest.strip_prefix("to ")) {
        (Some(rest), _) => ("source", rest),
        (_, Some(rest)) => ("destination", rest),
        _ => return false,
    };
    if trust.contains(' ') {
        return false;
    }
    with_peer(rest, out, side, |details, out| {
        out.categorize("tls_established", NETWORK, PROTOCOL, Some(SUCCESS));
        out.str("postfix.tls.trust", trust);
        out.fields.insert("tls.established".into(), true.into());
        let details = details.trim_start_matches(':').trim();
        let mut words = details.split_whitespace();
        if let Some(version) = words.next() {
            if let Some(number) = version.strip_prefix("TLSv") {
                out.str("tls.version_protocol", "tls");
                out.str("tls.version", number);
            }
        }
        if let (Some("with"), Some("cipher"), Some(cipher)) = (words.next(), words.next(), words.next()) {
            out.str("tls.cipher", cipher);
        }
    })
}

/// `unknown[192.0.2.44]: SASL LOGIN authentication failed: <reason>[, sasl_username=<user>]`.
fn sasl(client: &str, rest: &str, out: &mut Out) -> bool {
    let Some((method, reason)) = rest.split_once(" authentication failed") else {
        return false;
    };
    let Some((peer, "")) = leading_peer(client) else {
        return false;
    };
    out.peer("source", &peer);
    out.categorize("sasl_auth_failed", AUTHENTICATION, INFO, Some(FAILURE));
    out.str("postfix.sasl.method", method);
    let reason = reason.trim_start_matches(':').trim();
    let (reason, user) = match reason.rsplit_once(", sasl_username=") {
        Some((reason, user)) => (reason, Some(user)),
        None => (reason, None),
    };
    out.str("event.reason", reason);
    if let Some(user) = user.filter(|u| !u.is_empty()) {
        out.str("user.name", user);
        out.str("postfix.sasl.username", user);
        out.related.add_user(user);
    }
    true
}

/// postscreen's verdicts: `CONNECT from [ip]:port to [ip]:25`, `PASS NEW [ip]:port`, `DNSBL rank
/// 3 for [ip]:port`, `PREGREET 11 after 0.1 from [ip]:port: EHLO x`, `HANGUP after 1.2 from
/// [ip]:port in tests after SMTP handshake`, `DISCONNECT [ip]:port`, `ALLOWLISTED [ip]:port`...
fn postscreen(text: &str, out: &mut Out) -> bool {
    let Some(open) = text.find(" [") else { return false };
    let head = &text[..open];
    let verdicts: [(&str, &str, &[&str], Option<&str>); 18] = [
        ("CONNECT from", "connect", CONNECTION_START, Some(SUCCESS)),
        ("DISCONNECT", "disconnect", CONNECTION_END, None),
        ("PASS NEW", "pass_new", ALLOWED, Some(SUCCESS)),
        ("PASS OLD", "pass_old", ALLOWED, Some(SUCCESS)),
        ("WHITELISTED", "allowlisted", ALLOWED, Some(SUCCESS)),
        ("ALLOWLISTED", "allowlisted", ALLOWED, Some(SUCCESS)),
        ("WHITELIST VETO", "allowlist_veto", DENIED, Some(FAILURE)),
        ("ALLOWLIST VETO", "allowlist_veto", DENIED, Some(FAILURE)),
        ("BLACKLISTED", "denylisted", DENIED, Some(FAILURE)),
        ("DENYLISTED", "denylisted", DENIED, Some(FAILURE)),
        ("DNSBL rank ", "dnsbl", INFO, None),
        ("PREGREET ", "pregreet", PROTOCOL, Some(FAILURE)),
        ("HANGUP after ", "hangup", PROTOCOL, Some(FAILURE)),
        ("COMMAND PIPELINING from", "command_pipelining", PROTOCOL, Some(FAILURE)),
        ("NON-SMTP COMMAND from", "non_smtp_command", PROTOCOL, Some(FAILURE)),
        ("BARE NEWLINE from", "bare_newline", PROTOCOL, Some(FAILURE)),
        ("COMMAND TIME LIMIT from", "command_time_limit", PROTOCOL, Some(FAILURE)),
        (
            "COMMAND COUNT LIMIT from",
            "command_count_limit",
            PROTOCOL,
            Some(FAILURE),
        ),
    ];
    let Some(&(keyword, action, types, outcome)) = verdicts
        .iter()
        .find(|(k, ..)| head == k.trim_end() || k.ends_with(' ') && head.starts_with(k))
    else {
        return false;
    };
    let Some((peer, after)) = leading_peer(&text[open + 1..]) else {
        return false;
    };
    if peer.name.is_some() || peer.port.is_none() {
        return false;
    }
    out.peer("source", &peer);
    out.categorize(&format!("postscreen_{action}"), NETWORK, types, outcome);
    if action == "connect" {
        if let Some((local, _)) = after.strip_prefix(" to ").and_then(leading_peer) {
            out.peer("destination", &local);
        }
    } else if action == "dnsbl" {
        let rank = head[keyword.len()..].split_whitespace().next();
        if let Some(rank) = rank.and_then(|r| r.parse::<u64>().ok()) {
            out.num("postfix.postscreen.dnsbl_rank", rank);
        }
    } else if let Some(detail) = after.strip_prefix(": ").or_else(|| after.strip_prefix(' ')) {
        out.str("event.reason", detail.trim());
    }
    true
}

/// `statistics: max connection rate 1/60s for (smtp:192.0.2.1) at Nov 22 10:00:00`, `...
/// max cache size 3 at ...`: metrics.
fn anvil(text: &str, out: &mut Out) -> bool {
    let Some(rest) = text.strip_prefix("statistics: max ") else {
        return false;
    };
    let (what, at) = rest.rsplit_once(" at ").unwrap_or((rest, ""));
    let (measure, client) = match what.split_once(" for (") {
        Some((measure, client)) => (measure, client.strip_suffix(')')),
        None => (what, None),
    };
    let Some((name, value)) = measure.rsplit_once(' ') else {
        return false;
    };
    out.str("event.kind", "metric");
    out.str("event.action", "statistics");
    out.str("postfix.anvil.statistic", &format!("max {name}"));
    out.str("postfix.anvil.value", value);
    out.str("postfix.anvil.at", at);
    if let Some((service, address)) = client.and_then(|c| c.split_once(':')) {
        out.str("postfix.anvil.service", service);
        let peer = Peer {
            name: None,
            address: Some(address),
            port: None,
        };
        out.peer("source", &peer);
    }
    true
}

/// master's `daemon started -- version 3.8.5, configuration /etc/postfix`, `reload -- ...`,
/// `terminating on signal 15`.
fn master(text: &str, out: &mut Out) -> bool {
    let (action, types, rest) = if let Some(rest) = text.strip_prefix("daemon started -- ") {
        ("started", &["start"][..], rest)
    } else if let Some(rest) = text.strip_prefix("reload -- ") {
        ("reload", &["change"][..], rest)
    } else if let Some(signal) = text.strip_prefix("terminating on signal ") {
        out.categorize("stopped", PROCESS, &["end"], Some(SUCCESS));
        out.str("postfix.signal", signal);
        return true;
    } else {
        return false;
    };
    out.categorize(action, PROCESS, types, Some(SUCCESS));
    for part in rest.split(", ") {
        if let Some(version) = part.strip_prefix("version ") {
            out.str("service.version", version);
        } else if let Some(dir) = part.strip_prefix("configuration ") {
            out.str("postfix.config_directory", dir);
        }
    }
    true
}
