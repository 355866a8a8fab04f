//! What PAM logs under sshd (`pam_unix(sshd:auth)`, `PAM 2 more authentication failures`,
//! `pam_succeed_if(sshd:auth)`) and the sftp server's session and file messages.

use crate::parsed::*;

/// `session opened for user <u>[(uid=<n>)] by [<who>](uid=<n>)` (pam_unix ≥ 1.5 writes the uid).
fn session(rest: &str) -> Option<Parsed<'_>> {
    if let Some(rest) = rest.strip_prefix("session opened for user ") {
        let user_part = rest.split(" by ").next().unwrap_or(rest);
        let (user, uid) = match user_part.split_once("(uid=") {
            Some((user, uid)) => (user, uid.strip_suffix(')').filter(|u| !u.is_empty())),
            None => (user_part, None),
        };
        let mut parsed = Parsed::new("session_opened", SESSION, START, SUCCESS).user(Some(user));
        parsed.uid = uid;
        return Some(parsed);
    }
    let user = rest.strip_prefix("session closed for user ")?;
    Some(Parsed::new("session_closed", SESSION, END, SUCCESS).user(Some(user.trim())))
}

/// The `key=value` list of PAM's failure messages: `logname= uid=0 euid=0 tty=ssh ruser=
/// rhost=<host>  user=<u>`.
fn with_pam_pairs<'a>(mut parsed: Parsed<'a>, pairs: &'a str) -> Parsed<'a> {
    for pair in pairs.split_whitespace() {
        match pair.split_once('=') {
            Some(("rhost", host)) if !host.is_empty() => parsed = parsed.peer(host, None),
            Some(("user", user)) => parsed = parsed.user(Some(user)),
            _ => {}
        }
    }
    parsed
}

/// A PAM message logged by sshd, or `None`.
pub fn parse(msg: &str) -> Option<Parsed<'_>> {
    if let Some(rest) = msg.strip_prefix("pam_unix(sshd:") {
        let (_, rest) = rest.split_once("): ")?;
        if let Some(pairs) = rest.strip_prefix("authentication failure;") {
            let parsed = Parsed::new("authentication_failure", AUTHENTICATION, INFO, FAILURE);
            return Some(with_pam_pairs(parsed, pairs));
        }
        if let Some(rest) = rest.strip_prefix("check pass; user ") {
            // `check pass; user unknown`
            let parsed = Parsed::new("authentication_failure", AUTHENTICATION, INFO, FAILURE);
            return Some(parsed.reason(rest.strip_prefix("unknown").map_or(rest, |_| "user unknown")));
        }
        return session(rest);
    }
    if let Some(rest) = msg.strip_prefix("PAM ") {
        if let Some((count, pairs)) = rest.split_once(" more authentication failure") {
            // `PAM <n> more authentication failure[s]; logname= ... rhost=<h>  user=<u>`
            let pairs = pairs.trim_start_matches('s').trim_start_matches(';');
            let mut parsed = Parsed::new("authentication_failure", AUTHENTICATION, INFO, FAILURE);
            if let Ok(count) = count.parse::<u32>() {
                parsed = parsed.extra("openssh.pam.more_failures", count);
            }
            return Some(with_pam_pairs(parsed, pairs));
        }
        if rest.starts_with("service(sshd) ignoring max retries") {
            let parsed = Parsed::new("authentication_failure", AUTHENTICATION, INFO, FAILURE);
            return Some(parsed.reason(rest));
        }
        return None;
    }
    if let Some(rest) = msg.strip_prefix("pam_succeed_if(sshd:auth): requirement ") {
        // `requirement "uid >= 1000" not met by user "root"`
        let (why, user) = rest.split_once(" by user ")?;
        let parsed = Parsed::new("authentication_failure", AUTHENTICATION, INFO, FAILURE);
        return Some(parsed.user(Some(user.trim_matches('"'))).reason(why));
    }
    None
}

/// The sftp server's messages (`sftp-server`, or `internal-sftp` inside sshd): sessions and the
/// file operations it logs at `LogLevel VERBOSE`.
pub fn sftp(msg: &str) -> Option<Parsed<'_>> {
    for (prefix, action, kind) in [
        ("session opened for local user ", "sftp_session_opened", START),
        ("session closed for local user ", "sftp_session_closed", END),
    ] {
        if let Some(rest) = msg.strip_prefix(prefix) {
            // `<user> from [<ip>]`
            let (user, address) = rest.rsplit_once(" from [")?;
            let address = address.trim_end().strip_suffix(']')?;
            let parsed = Parsed::new(action, SESSION, kind, SUCCESS);
            return Some(parsed.user(Some(user)).peer(address, None));
        }
    }
    for (prefix, action) in [
        ("open \"", "sftp_open"),
        ("close \"", "sftp_close"),
        ("remove name \"", "sftp_remove"),
        ("rename old \"", "sftp_rename"),
        ("mkdir name \"", "sftp_mkdir"),
        ("rmdir name \"", "sftp_rmdir"),
        ("opendir \"", "sftp_opendir"),
        ("set \"", "sftp_set"),
    ] {
        if let Some(rest) = msg.strip_prefix(prefix) {
            let (path, _) = rest.split_once('"')?;
            let kind: &'static [&'static str] = match action {
                "sftp_remove" | "sftp_rmdir" => &["deletion"],
                "sftp_mkdir" => &["creation"],
                "sftp_rename" | "sftp_set" => &["change"],
                _ => ACCESS,
            };
            let parsed = Parsed::new(action, FILE, kind, SUCCESS);
            return Some(parsed.extra("file.path", path));
        }
    }
    None
}
