//! The `openssh` format: sshd, its PAM modules and its sftp server, as syslog MSGs or whole lines.
//!
//! The raw event is the MSG (syslog/RELP listeners, with the header in the envelope), or a whole
//! line (HTTPS `/plain`): RFC 3164 or 5424 with or without PRI, an RFC 3339 time prefix, a bare
//! `sshd[1234]: ` tag, or the MSG with leading spaces. [`edge_format_sdk::line`] takes the prefix
//! off; `host.name`, `process.name`, `process.pid`, `log.syslog.*` (priority) and `@timestamp`
//! come from it where the envelope says nothing. `message` is the MSG without the prefix; the
//! envelope (`log.syslog.*`, `log.hostname`, `log.source.address`) and dotted metadata are kept.
//! `error: ` / `fatal: ` in front of a message is `log.level` (`error`, `fatal`).
//!
//! Every recognised message has `event.kind` = `event`, `event.category`, `event.type`,
//! `event.action` and `event.outcome` (ECS-allowed values), and as the message says:
//! `user.name` (the account being authenticated or whose session it is; also
//! `source.user.name` when the message names the remote peer: the name as the client sent it),
//! `user.id` (PAM uid), `source.address` with `source.ip` or `source.domain`, `source.port`,
//! `destination.*` (this server, `Connection from`), `related.ip`/`related.user`/`related.hosts`,
//! `event.reason` (why a connection or login ended or was refused), and under `openssh.*`:
//! `method` (`password`, `publickey`, `keyboard-interactive/pam`, ...), `signature`
//! (`ED25519 SHA256:...`), `disconnect.code`, `their_offer`, `session.type`/`tty`/`id`,
//! `subsystem`, `child.pid`, `signal`, `reverse_mapping.host`, `pam.more_failures`.
//!
//! | message | category | type | action | outcome |
//! |---|---|---|---|---|
//! | `Accepted <method> for <user> from <ip> port <n> ssh2[: <key>]` | authentication | start | ssh_login | success |
//! | `Failed` / `Partial` / `Postponed` ... (same shape) | authentication | info | ssh_login | failure / success / unknown |
//! | `Invalid user <user> from <ip> port <n>`, `input_userauth_request: invalid user` | authentication | info | ssh_invalid_user | failure |
//! | `maximum authentication attempts exceeded for <user> from ...` | authentication | info | ssh_max_auth_attempts_exceeded | failure |
//! | `User <u> [from <h> ]not allowed because ...`, `ROOT LOGIN REFUSED FROM` | authentication | info | ssh_login_refused | failure |
//! | `pam_unix(sshd:auth): authentication failure; ... rhost=<h> user=<u>`, `PAM <n> more authentication failures`, `check pass; user unknown`, `pam_succeed_if`, `PAM: Authentication failure for` | authentication | info | authentication_failure | failure |
//! | `pam_unix(sshd:session): session opened\|closed for user <u>` | session | start / end | session_opened / session_closed | success |
//! | `Starting session: <type>[ on <tty>] for <u> from ...`, `Close session: user <u> from ...` | session | start / end | ssh_session_start / ssh_session_close | success |
//! | `subsystem request for <name> by user <u>[ failed, ...]` | session | start | ssh_subsystem_request | success / failure |
//! | `Disconnected from user <u> <ip> port <n>` (after login) | session | end | ssh_disconnect | success |
//! | `Disconnected from`, `Connection closed by`, `Connection reset by`, `Closing connection to` `[authenticating\|invalid user <u> ]<ip> port <n>` | network | connection, end | ssh_disconnect / ssh_connection_closed / ssh_connection_reset | failure before login (`[preauth]`, unauthenticated user, reset), else success |
//! | `Received disconnect from <ip> port <n>:<code>: <reason>` | network | connection, end | ssh_disconnect | success for code 11 (by application), else failure |
//! | `Disconnecting [invalid ]user <u> <ip> port <n>: <reason>` | network | connection, end | ssh_disconnect | failure |
//! | `Timeout before authentication`, `Timeout, client not responding`, `Read error from remote host`, other `fatal:` lines | network | connection, end | ssh_auth_timeout / ssh_client_timeout / ssh_read_error / ssh_fatal_error | failure |
//! | `Connection from <ip> port <n> on <ip> port <n>` | network | connection, start | ssh_connection | success |
//! | `Did not receive identification string`, `banner exchange:`, `kex_exchange_identification:`, `Unable to negotiate`, `Bad protocol version identification`, `ssh_dispatch_run_fatal` | network | protocol | ssh_no_identification / ssh_banner_exchange_failed / ssh_kex_identification_failed / ssh_negotiation_failed / ssh_bad_protocol_version / ssh_dispatch_failed | failure |
//! | `drop connection #<n> from [<ip>]:<port> ...` (MaxStartups, penalties) | network | connection, denied | ssh_connection_dropped | failure |
//! | `reverse mapping checking getaddrinfo for <h> [<ip>] failed`, `Address <ip> maps to <h>, but ...` | network | info | ssh_reverse_mapping_failed | failure |
//! | `Transferred: sent <n>, received <n> bytes` (`destination.bytes`, `source.bytes`) | network | info | ssh_transferred | success |
//! | `Server listening on <ip> port <n>` (`server.*`), `Received signal <n>; terminating.`, `User child is on pid <n>` | process | start / end / start | ssh_server_listening / ssh_server_stop / ssh_user_child | success |
//! | sftp: `session opened\|closed for local user <u> from [<ip>]`, `open\|close\|remove name\|rename old\|mkdir name ... "<path>"` (`file.path`) | session / file | start, end / access, deletion, creation, change | sftp_* | success |
//!
//! Other lines, and events from other programs, are kept (not rejected) with `message`, the
//! prefix and envelope fields. Only an empty event is rejected.

use edge_format_sdk::line::{self, Prefixed};
use edge_format_sdk::{
    describe, insert_envelope, insert_metadata, normalize_flat, Description, Event, Fields, Format, Sink,
};

mod pam;
mod parsed;
mod sshd;

use parsed::{Parsed, CONNECTION_END, FAILURE, NETWORK};

pub struct OpenSsh;

/// sshd (`sshd`, and OpenSSH 9.8's `sshd-session`, `sshd-auth`) and its sftp servers.
fn is_ssh_program(name: &str) -> bool {
    name.starts_with("sshd") || is_sftp(name)
}

fn is_sftp(name: &str) -> bool {
    matches!(name, "sftp-server" | "internal-sftp")
}

/// `error: ` / `fatal: ` (how sshd's `error()`/`fatal()` reach syslog) → (level, rest).
fn level(msg: &str) -> (Option<&'static str>, &str) {
    if let Some(rest) = msg.strip_prefix("error: ") {
        (Some("error"), rest)
    } else if let Some(rest) = msg.strip_prefix("fatal: ") {
        (Some("fatal"), rest)
    } else {
        (None, msg)
    }
}

/// What the MSG says, given the program that logged it (`None`: unknown).
fn classify<'a>(app: Option<&str>, level: Option<&str>, text: &'a str) -> Option<Parsed<'a>> {
    // `PAM: ...` is sshd's own report of a PAM result; `PAM <n> more ...` is PAM's.
    if text.starts_with("pam_") || text.starts_with("PAM ") {
        return pam::parse(text);
    }
    if let Some(app) = app {
        if is_sftp(app) {
            return pam::sftp(text);
        }
        if !is_ssh_program(app) {
            return None;
        }
    }
    let parsed = sshd::parse(text).or_else(|| pam::sftp(text));
    if parsed.is_none() && level == Some("fatal") {
        // A fatal error ends the connection's sshd process, whatever it says.
        return Some(Parsed::new("ssh_fatal_error", NETWORK, CONNECTION_END, FAILURE).reason(text));
    }
    parsed
}

/// The line's prefix, with a bare `sshd[1234]: ` tag read when no syslog prefix was.
fn split(raw: &str) -> Prefixed<'_> {
    line::split_tagged(raw, is_ssh_program)
}

impl Format for OpenSsh {
    fn describe() -> Description {
        describe!(
            "openssh",
            "OpenSSH sshd, its PAM modules and sftp server: logins, failures, invalid users, sessions, disconnects, protocol errors",
            ["authentication", "endpoint"],
            "Accepted publickey for alice from 192.0.2.10 port 51022 ssh2: ED25519 SHA256:Vh2+/IAlLuo5kvPSlbY7MtmD9PDwChrx1JQkmrbdH4M",
        )
    }

    fn normalize_one(event: Event) -> Result<Fields, String> {
        let mut fields = Fields::new();
        fill(&mut fields, &event)?;
        Ok(fields)
    }

    /// The same fields as `normalize_one`, without a map: busy servers log logins and
    /// failures by the thousands.
    fn normalize(events: Vec<Event>) -> Vec<Result<String, String>> {
        normalize_flat(events, 40, |sink, event| fill(sink, event))
    }
}

/// Writes the event's fields; only an empty event is rejected.
fn fill<'a>(sink: &mut impl Sink<'a>, event: &'a Event) -> Result<(), String> {
    if event.raw.trim().is_empty() {
        return Err("empty event".into());
    }
    let prefix = split(&event.raw);
    let app = event
        .syslog
        .as_ref()
        .and_then(|h| h.app_name.as_deref())
        .or(prefix.app_name);
    let (level, text) = level(prefix.msg);
    if let Some(level) = level {
        sink.set("log.level", level);
    }
    if let Some(parsed) = classify(app, level, text) {
        parsed.insert_into(sink);
    }
    sink.set("message", prefix.msg);
    line::insert_prefix_fields(sink, &prefix, event);
    insert_envelope(sink, event);
    insert_metadata(sink, &event.metadata);
    Ok(())
}

edge_format_sdk::export_format!(OpenSsh);

#[cfg(test)]
mod tests;
