//! The `openssh` format: sshd and its PAM messages as they arrive over syslog (the raw event is
//! the syslog MSG; the header gives the host, app name and process id).
//!
//! Every event keeps `message` (the raw MSG), the envelope (`log.syslog.*`, `log.hostname`,
//! `log.source.address`) and dotted metadata; `@timestamp` is left to the host. `process.name`
//! is the syslog app name (`sshd`, `sshd-session`, ...) and `process.pid` the procid as a number
//! (when numeric). Without a syslog header, a leading `sshd[1234]: ` is read the same way.
//!
//! Recognized messages add `event.kind` = `event`, `event.category`, `event.type`,
//! `event.action`, `event.outcome` (when the message says), `user.name`, `user.id` (PAM uid),
//! `source.address`, `source.ip` (when the address is an IP), `source.port` (number),
//! `related.ip`, `related.user`, and these non-ECS fields (Elastic's `system.auth.ssh.*` idea):
//! `ssh.method` (`password`, `publickey`, `keyboard-interactive/pam`, ...), `ssh.signature`
//! (`ED25519 SHA256:...`), `ssh.disconnect.code` (number) and `ssh.disconnect.reason`.
//!
//! | message | category | type | action | outcome |
//! |---|---|---|---|---|
//! | `Accepted <method> for <user> from <ip> port <n> ssh2[: <key>]` | authentication | start | ssh_login | success |
//! | `Failed <method> for [invalid user ]<user> from ...` | authentication | info | ssh_login | failure |
//! | `Invalid user <user> from <ip> port <n>` | authentication | info | ssh_invalid_user | failure |
//! | `Disconnected from [user\|invalid user\|authenticating user <user> ]<ip> port <n>` | session | end | ssh_disconnect | |
//! | `Received disconnect from <ip> port <n>:<code>: <reason>` | session | end | ssh_disconnect | |
//! | `Connection closed\|reset by [... user <user> ]<ip> port <n>` | session | end | ssh_connection_closed / _reset | |
//! | `pam_unix(sshd:session): session opened for user <u>(uid=<n>) by ...` | session | start | session_opened | success |
//! | `pam_unix(sshd:session): session closed for user <u>` | session | end | session_closed | success |
//! | `pam_unix(sshd:auth): authentication failure; ... rhost=<h> user=<u>` | authentication | info | authentication_failure | failure |
//!
//! Other sshd lines, and events that are not from sshd or PAM at all, are kept (not rejected)
//! with the envelope, `message` and the process fields. Only an empty event is rejected.

use edge_format_sdk::{describe, insert_envelope, insert_metadata, json, Description, Event, Fields, Format, Value};
use std::net::IpAddr;

pub struct OpenSsh;

/// What a recognized message says.
#[derive(Default)]
struct Parsed<'a> {
    category: &'static str,
    kind: &'static str,
    action: &'static str,
    outcome: Option<&'static str>,
    user: Option<&'a str>,
    uid: Option<&'a str>,
    address: Option<&'a str>,
    port: Option<u16>,
    method: Option<&'a str>,
    signature: Option<&'a str>,
    disconnect: Option<(u32, &'a str)>,
}

fn non_empty(s: &str) -> Option<&str> {
    Some(s).filter(|s| !s.is_empty())
}

/// `<address> port <n>` then anything (` ssh2`, `:11: ...`, ` [preauth]`).
fn address_port(s: &str) -> Option<(&str, u16, &str)> {
    let (address, rest) = s.split_once(" port ")?;
    let end = rest.bytes().position(|b| !b.is_ascii_digit()).unwrap_or(rest.len());
    let port = rest[..end].parse().ok()?;
    if address.is_empty() || address.contains(' ') {
        return None;
    }
    Some((address, port, &rest[end..]))
}

/// `[user|invalid user|authenticating user <name> ]<address> port <n>...`: the user name may
/// contain spaces (attackers try them), so the address is the last word before ` port `.
fn user_address_port(s: &str) -> Option<(Option<&str>, &str, u16, &str)> {
    let (before, after) = s.rsplit_once(" port ")?;
    let (user_part, address) = match before.rsplit_once(' ') {
        Some((user_part, address)) => (Some(user_part), address),
        None => (None, before),
    };
    let end = after.bytes().position(|b| !b.is_ascii_digit()).unwrap_or(after.len());
    let port = after[..end].parse().ok()?;
    let rest = &after[end..];
    if address.is_empty() {
        return None;
    }
    let user = match user_part {
        None => None,
        Some(u) => {
            let name = ["user ", "invalid user ", "authenticating user "]
                .iter()
                .find_map(|prefix| u.strip_prefix(prefix))?;
            non_empty(name)
        }
    };
    Some((user, address, port, rest))
}

fn parse_sshd(msg: &str) -> Option<Parsed<'_>> {
    if let Some(rest) = msg.strip_prefix("Accepted ").or_else(|| msg.strip_prefix("Failed ")) {
        let accepted = msg.starts_with('A');
        let (method, rest) = rest.split_once(" for ")?;
        let (user, rest) = rest.rsplit_once(" from ")?;
        let (address, port, tail) = address_port(rest)?;
        let user = user.strip_prefix("invalid user ").unwrap_or(user);
        let signature = tail.strip_prefix(" ssh2: ").and_then(non_empty);
        return Some(Parsed {
            category: "authentication",
            kind: if accepted { "start" } else { "info" },
            action: "ssh_login",
            outcome: Some(if accepted { "success" } else { "failure" }),
            user: non_empty(user),
            address: Some(address),
            port: Some(port),
            method: non_empty(method),
            signature,
            ..Parsed::default()
        });
    }
    if let Some(rest) = msg.strip_prefix("Invalid user ") {
        let (user, rest) = rest
            .rsplit_once(" from ")
            .or_else(|| rest.strip_prefix("from ").map(|r| ("", r)))?;
        let (address, port, _) = address_port(rest)?;
        return Some(Parsed {
            category: "authentication",
            kind: "info",
            action: "ssh_invalid_user",
            outcome: Some("failure"),
            user: non_empty(user),
            address: Some(address),
            port: Some(port),
            ..Parsed::default()
        });
    }
    if let Some(rest) = msg.strip_prefix("Received disconnect from ") {
        let (address, port, tail) = address_port(rest)?;
        let disconnect = tail.strip_prefix(':').and_then(|t| {
            let (code, reason) = t.split_once(':')?;
            Some((code.parse().ok()?, reason.trim().trim_end_matches(" [preauth]")))
        });
        return Some(Parsed {
            category: "session",
            kind: "end",
            action: "ssh_disconnect",
            address: Some(address),
            port: Some(port),
            disconnect,
            ..Parsed::default()
        });
    }
    let (action, rest) = if let Some(rest) = msg.strip_prefix("Disconnected from ") {
        ("ssh_disconnect", rest)
    } else if let Some(rest) = msg.strip_prefix("Connection closed by ") {
        ("ssh_connection_closed", rest)
    } else if let Some(rest) = msg.strip_prefix("Connection reset by ") {
        ("ssh_connection_reset", rest)
    } else {
        return None;
    };
    let (user, address, port, _) = user_address_port(rest)?;
    Some(Parsed {
        category: "session",
        kind: "end",
        action,
        user,
        address: Some(address),
        port: Some(port),
        ..Parsed::default()
    })
}

fn parse_pam(msg: &str) -> Option<Parsed<'_>> {
    let rest = msg.strip_prefix("pam_unix(sshd:")?;
    let (_, rest) = rest.split_once("): ")?;
    if let Some(rest) = rest.strip_prefix("session opened for user ") {
        let user_part = rest.split(" by ").next().unwrap_or(rest);
        let (user, uid) = match user_part.split_once("(uid=") {
            Some((user, uid)) => (user, uid.strip_suffix(')').and_then(non_empty)),
            None => (user_part, None),
        };
        return Some(Parsed {
            category: "session",
            kind: "start",
            action: "session_opened",
            outcome: Some("success"),
            user: non_empty(user),
            uid,
            ..Parsed::default()
        });
    }
    if let Some(user) = rest.strip_prefix("session closed for user ") {
        return Some(Parsed {
            category: "session",
            kind: "end",
            action: "session_closed",
            outcome: Some("success"),
            user: non_empty(user.trim()),
            ..Parsed::default()
        });
    }
    let pairs = rest.strip_prefix("authentication failure;")?;
    let mut parsed = Parsed {
        category: "authentication",
        kind: "info",
        action: "authentication_failure",
        outcome: Some("failure"),
        ..Parsed::default()
    };
    for pair in pairs.split_whitespace() {
        match pair.split_once('=') {
            Some(("rhost", host)) => parsed.address = non_empty(host),
            Some(("user", user)) => parsed.user = non_empty(user),
            _ => {}
        }
    }
    Some(parsed)
}

fn insert_parsed(fields: &mut Fields, p: Parsed<'_>) {
    fields.insert("event.kind".into(), Value::from("event"));
    fields.insert("event.category".into(), json!([p.category]));
    fields.insert("event.type".into(), json!([p.kind]));
    fields.insert("event.action".into(), Value::from(p.action));
    if let Some(outcome) = p.outcome {
        fields.insert("event.outcome".into(), Value::from(outcome));
    }
    if let Some(user) = p.user {
        fields.insert("user.name".into(), Value::from(user));
        fields.insert("related.user".into(), json!([user]));
    }
    if let Some(uid) = p.uid {
        fields.insert("user.id".into(), Value::from(uid));
    }
    if let Some(address) = p.address {
        fields.insert("source.address".into(), Value::from(address));
        if let Ok(ip) = address.parse::<IpAddr>() {
            let ip = ip.to_string();
            fields.insert("source.ip".into(), Value::from(ip.as_str()));
            fields.insert("related.ip".into(), json!([ip]));
        }
    }
    if let Some(port) = p.port {
        fields.insert("source.port".into(), Value::from(port));
    }
    if let Some(method) = p.method {
        fields.insert("ssh.method".into(), Value::from(method));
    }
    if let Some(signature) = p.signature {
        fields.insert("ssh.signature".into(), Value::from(signature));
    }
    if let Some((code, reason)) = p.disconnect {
        fields.insert("ssh.disconnect.code".into(), Value::from(code));
        if !reason.is_empty() {
            fields.insert("ssh.disconnect.reason".into(), Value::from(reason));
        }
    }
}

/// `sshd[1234]: rest` → ("sshd", "1234", "rest") for events without a syslog header.
fn split_tag(raw: &str) -> Option<(&str, &str, &str)> {
    let (tag, rest) = raw.split_once("]: ")?;
    let (name, pid) = tag.split_once('[')?;
    if !name.starts_with("sshd") || name.contains(' ') || !pid.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((name, pid, rest))
}

impl Format for OpenSsh {
    fn describe() -> Description {
        describe!(
            "openssh",
            "OpenSSH sshd and PAM messages over syslog: logins, failures, invalid users, disconnects, sessions",
            ["authentication", "host"],
            "Accepted publickey for alice from 192.0.2.10 port 51022 ssh2: ED25519 SHA256:Vh2+/IAlLuo5kvPSlbY7MtmD9PDwChrx1JQkmrbdH4M",
        )
    }

    fn normalize_one(mut event: Event) -> Result<Fields, String> {
        if event.raw.trim().is_empty() {
            return Err("empty event".into());
        }
        let mut fields = Fields::new();
        {
            let header = event.syslog.as_ref();
            let app = header.and_then(|h| h.app_name.as_deref());
            let procid = header.and_then(|h| h.procid.as_deref());
            let raw = event.raw.trim_end_matches(['\r', '\n']);
            let (app, procid, msg) = match (app, split_tag(raw)) {
                (None, Some((name, pid, rest))) => (Some(name), Some(pid), rest),
                _ => (app, procid, raw),
            };
            if let Some(app) = app {
                fields.insert("process.name".into(), Value::from(app));
            }
            if let Some(pid) = procid.and_then(|p| p.parse::<u64>().ok()) {
                fields.insert("process.pid".into(), Value::from(pid));
            }
            let from_other_app = app.is_some_and(|a| !a.starts_with("sshd"));
            let parsed = if msg.starts_with("pam_unix(sshd:") {
                parse_pam(msg)
            } else if from_other_app {
                None
            } else {
                parse_sshd(msg)
            };
            if let Some(parsed) = parsed {
                insert_parsed(&mut fields, parsed);
            }
        }
        insert_envelope(&mut fields, &mut event);
        fields.insert("message".into(), Value::String(std::mem::take(&mut event.raw)));
        insert_metadata(&mut fields, std::mem::take(&mut event.metadata));
        Ok(fields)
    }
}

edge_format_sdk::export_format!(OpenSsh);

#[cfg(test)]
mod tests {
    use super::*;
    use edge_format_sdk::{Protocol, SyslogHeader, Timestamp};

    fn event(raw: &str, app: Option<&str>) -> Event {
        Event {
            raw: raw.into(),
            received_at: Timestamp {
                seconds: 1_714_564_800,
                nanoseconds: 0,
            },
            client_time: None,
            protocol: Protocol::Syslog,
            source_address: None,
            syslog: app.map(|app| SyslogHeader {
                facility: Some(4),
                severity: Some(6),
                version: None,
                hostname: Some("bastion".into()),
                app_name: Some(app.into()),
                procid: Some("1234".into()),
                msgid: None,
                structured_data: None,
            }),
            metadata: Vec::new(),
        }
    }

    fn ok(raw: &str) -> Value {
        Value::Object(OpenSsh::normalize_one(event(raw, Some("sshd"))).expect("kept"))
    }

    #[test]
    fn accepted_publickey() {
        let v = ok("Accepted publickey for alice from 192.0.2.10 port 51022 ssh2: ED25519 SHA256:abc");
        assert_eq!(v["event.action"], "ssh_login");
        assert_eq!(v["event.outcome"], "success");
        assert_eq!(v["event.type"], json!(["start"]));
        assert_eq!(v["user.name"], "alice");
        assert_eq!(v["source.port"], 51022);
        assert_eq!(v["ssh.method"], "publickey");
        assert_eq!(v["ssh.signature"], "ED25519 SHA256:abc");
        assert_eq!(v["process.pid"], 1234);
        assert_eq!(v["process.name"], "sshd");
        assert_eq!(v["log.syslog.priority"], 38);
    }

    #[test]
    fn user_names_with_spaces_and_empty_ones() {
        let v = ok("Failed password for invalid user foo bar from 203.0.113.5 port 40222 ssh2");
        assert_eq!(v["user.name"], "foo bar");
        let v = ok("Invalid user  from 203.0.113.5 port 40222");
        assert!(v.get("user.name").is_none());
        assert_eq!(v["source.ip"], "203.0.113.5");
        let v = ok("Connection closed by invalid user a b 2001:db8::5 port 22 [preauth]");
        assert_eq!(v["user.name"], "a b");
        assert_eq!(v["source.ip"], "2001:db8::5");
    }

    #[test]
    fn unknown_and_foreign_lines_are_kept() {
        let v = ok("Server listening on 0.0.0.0 port 22.");
        assert!(v.get("event.action").is_none());
        assert_eq!(v["message"], "Server listening on 0.0.0.0 port 22.");
        let e = event("Accepted password for alice from 192.0.2.10 port 1 ssh2", Some("cron"));
        let v = OpenSsh::normalize_one(e).expect("kept");
        assert!(v.get("event.action").is_none());
        assert!(OpenSsh::normalize_one(event(" ", Some("sshd"))).is_err());
    }

    #[test]
    fn tag_without_header() {
        let e = event("sshd[77]: Invalid user x from 192.0.2.1 port 2", None);
        let v = Value::Object(OpenSsh::normalize_one(e).expect("kept"));
        assert_eq!(v["process.pid"], 77);
        assert_eq!(v["process.name"], "sshd");
        assert_eq!(v["event.action"], "ssh_invalid_user");
    }

    #[test]
    fn describes_itself() {
        let d = OpenSsh::describe();
        assert_eq!(d.categories, ["authentication", "host"]);
        assert_eq!(ok(&d.sample)["event.outcome"], "success");
    }

    edge_format_sdk::fixtures_test!(OpenSsh);
}
