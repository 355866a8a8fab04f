use super::*;
use edge_format_sdk::{json, Protocol, SyslogHeader, Timestamp, Value};

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

fn line(raw: &str) -> Value {
    Value::Object(OpenSsh::normalize_one(event(raw, None)).expect("kept"))
}

/// (action, category, type, outcome) of a MSG.
fn class(raw: &str) -> (Value, Value, Value, Value) {
    let v = ok(raw);
    (
        v["event.action"].clone(),
        v["event.category"].clone(),
        v["event.type"].clone(),
        v["event.outcome"].clone(),
    )
}

#[test]
fn accepted_publickey() {
    let v = ok("Accepted publickey for alice from 192.0.2.10 port 51022 ssh2: ED25519 SHA256:abc");
    assert_eq!(v["event.action"], "ssh_login");
    assert_eq!(v["event.outcome"], "success");
    assert_eq!(v["event.type"], json!(["start"]));
    assert_eq!(v["user.name"], "alice");
    assert_eq!(v["source.user.name"], "alice");
    assert_eq!(v["source.port"], 51022);
    assert_eq!(v["openssh.method"], "publickey");
    assert_eq!(v["openssh.signature"], "ED25519 SHA256:abc");
    assert_eq!(v["process.pid"], 1234);
    assert_eq!(v["process.name"], "sshd");
    assert_eq!(v["host.name"], "bastion");
    assert_eq!(v["log.syslog.priority"], 38);
}

#[test]
fn every_line_shape_gives_the_same_fields() {
    let msg = "Failed password for invalid user admin from 2001:db8::7 port 40222 ssh2";
    let base = line(msg);
    assert_eq!(base["user.name"], "admin");
    assert_eq!(base["source.ip"], "2001:db8::7");
    for raw in [
        format!("  {msg}"),
        format!("sshd[4321]: {msg}"),
        format!("Oct 11 22:14:15 bastion sshd[4321]: {msg}"),
        format!("<38>Oct 11 22:14:15 bastion sshd[4321]: {msg}"),
        format!("<38>1 2024-10-11T22:14:15Z bastion sshd 4321 - - {msg}"),
        format!("2024-10-11T22:14:15+02:00 bastion sshd[4321]: {msg}"),
    ] {
        let v = line(&raw);
        for key in [
            "event.action",
            "event.outcome",
            "user.name",
            "source.ip",
            "source.port",
            "message",
        ] {
            assert_eq!(v[key], base[key], "{key} of {raw:?}");
        }
        if raw.contains("bastion") {
            assert_eq!(v["host.name"], "bastion", "{raw:?}");
            assert_eq!(v["process.pid"], 4321, "{raw:?}");
            assert!(v.get("@timestamp").is_some(), "{raw:?}");
        }
    }
}

#[test]
fn user_names_with_spaces_and_empty_ones() {
    let v = ok("Failed password for invalid user foo bar from 203.0.113.5 port 40222 ssh2");
    assert_eq!(v["user.name"], "foo bar");
    let v = ok("Failed password for invalid user x from y from 203.0.113.5 port 40222 ssh2");
    assert_eq!(v["user.name"], "x from y");
    let v = ok("Invalid user  from 203.0.113.5 port 40222");
    assert!(v.get("user.name").is_none());
    assert_eq!(v["source.ip"], "203.0.113.5");
    let v = ok("Connection closed by invalid user a b 2001:db8::5 port 22 [preauth]");
    assert_eq!(v["user.name"], "a b");
    assert_eq!(v["source.ip"], "2001:db8::5");
    assert_eq!(v["event.outcome"], "failure");
}

#[test]
fn categorization() {
    let c = |a: &str, cat: Value, ty: Value, o: &str| (Value::from(a), cat, ty, Value::from(o));
    let auth = || json!(["authentication"]);
    let net_end = || (json!(["network"]), json!(["connection", "end"]));
    assert_eq!(
        class("Invalid user test from 10.0.2.2"),
        c("ssh_invalid_user", auth(), json!(["info"]), "failure")
    );
    assert_eq!(
        class("error: maximum authentication attempts exceeded for root from 198.51.100.4 port 52212 ssh2 [preauth]"),
        c("ssh_max_auth_attempts_exceeded", auth(), json!(["info"]), "failure")
    );
    let (cat, ty) = net_end();
    assert_eq!(
        class("Connection closed by authenticating user root 198.51.100.4 port 52212 [preauth]"),
        c("ssh_connection_closed", cat, ty, "failure")
    );
    assert_eq!(
        class("Disconnected from user alice 192.0.2.10 port 51022"),
        c("ssh_disconnect", json!(["session"]), json!(["end"]), "success")
    );
    let (cat, ty) = net_end();
    assert_eq!(
        class("Received disconnect from 192.0.2.10 port 51022:11: disconnected by user"),
        c("ssh_disconnect", cat, ty, "success")
    );
    assert_eq!(
        class("Postponed keyboard-interactive for bob from 192.0.2.3 port 2 ssh2 [preauth]"),
        c("ssh_login", auth(), json!(["info"]), "unknown")
    );
    assert_eq!(
        class("Received signal 15; terminating."),
        c("ssh_server_stop", json!(["process"]), json!(["end"]), "success")
    );
    let (cat, ty) = net_end();
    assert_eq!(
        class("fatal: Read from socket failed: Connection reset by peer [preauth]"),
        c("ssh_fatal_error", cat, ty, "failure")
    );
}

#[test]
fn old_sshd_without_ports() {
    let v = ok("Received disconnect from 2001:db8::1: 11: Bye Bye [preauth]");
    assert_eq!(v["source.ip"], "2001:db8::1");
    assert_eq!(v["openssh.disconnect.code"], 11);
    assert_eq!(v["event.reason"], "Bye Bye");
    let v = ok("Received disconnect from 203.0.113.4: 3: com.jcraft.jsch.JSchException: Auth fail [preauth]");
    assert_eq!(v["source.ip"], "203.0.113.4");
    assert_eq!(v["event.outcome"], "failure");
    let v = ok("Connection closed by 203.0.113.4 [preauth]");
    assert_eq!(v["source.ip"], "203.0.113.4");
    assert!(v.get("source.port").is_none());
}

#[test]
fn protocol_failures() {
    let v = ok("Unable to negotiate with 192.0.2.9 port 50123: no matching key exchange method found. Their offer: diffie-hellman-group1-sha1 [preauth]");
    assert_eq!(v["event.reason"], "no matching key exchange method found");
    assert_eq!(v["openssh.their_offer"], "diffie-hellman-group1-sha1");
    assert_eq!(v["event.category"], json!(["network"]));
    let v = ok("error: kex_exchange_identification: Connection closed by remote host");
    assert_eq!(v["log.level"], "error");
    assert_eq!(v["event.action"], "ssh_kex_identification_failed");
    assert_eq!(v["event.reason"], "Connection closed by remote host");
    let v = ok("banner exchange: Connection from 192.0.2.9 port 50123: invalid format");
    assert_eq!(v["event.reason"], "invalid format");
    assert_eq!(v["source.port"], 50123);
    let v = ok("Did not receive identification string from 89.160.20.156");
    assert_eq!(v["source.ip"], "89.160.20.156");
    assert!(v.get("source.port").is_none());
}

#[test]
fn pam_messages() {
    let v = ok("pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=202.109.143.106  user=root");
    assert_eq!(
        (v["user.name"].clone(), v["source.ip"].clone()),
        (json!("root"), json!("202.109.143.106"))
    );
    let v =
        ok("pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=scan.example.net");
    assert_eq!(v["source.domain"], "scan.example.net");
    assert_eq!(v["related.hosts"], json!(["scan.example.net"]));
    let v = ok("pam_unix(sshd:session): session opened for user alice(uid=1000) by (uid=0)");
    assert_eq!(
        (v["user.name"].clone(), v["user.id"].clone()),
        (json!("alice"), json!("1000"))
    );
    assert!(v.get("source.user.name").is_none());
    let v = ok("PAM 2 more authentication failures; logname= uid=0 euid=0 tty=ssh ruser= rhost=192.0.2.1  user=root");
    assert_eq!(v["openssh.pam.more_failures"], 2);
}

#[test]
fn sessions_and_daemon() {
    let v = ok("Starting session: shell on pts/0 for alice from 192.0.2.10 port 51022 id 0");
    assert_eq!(v["openssh.session.type"], "shell");
    assert_eq!(v["openssh.session.tty"], "pts/0");
    assert_eq!(v["openssh.session.id"], 0);
    let v = ok("Starting session: subsystem 'sftp' for alice from 192.0.2.10 port 51022 id 0");
    assert_eq!(v["openssh.session.type"], "subsystem 'sftp'");
    let v = ok("Server listening on :: port 22.");
    assert_eq!(
        (v["server.ip"].clone(), v["server.port"].clone()),
        (json!("::"), json!(22))
    );
    assert!(v.get("related.ip").is_none());
    let v = ok("Connection from 192.0.2.10 port 51022 on 10.0.0.5 port 22 rdomain \"\"");
    assert_eq!(v["destination.ip"], "10.0.0.5");
    assert_eq!(v["related.ip"], json!(["10.0.0.5", "192.0.2.10"]));
    let v = ok("Transferred: sent 3264, received 2960 bytes");
    assert_eq!(
        (v["destination.bytes"].clone(), v["source.bytes"].clone()),
        (json!(3264), json!(2960))
    );
    let v = OpenSsh::normalize_one(event(
        "open \"/home/a/x.txt\" flags READ mode 0666",
        Some("internal-sftp"),
    ));
    assert_eq!(Value::Object(v.expect("kept"))["file.path"], "/home/a/x.txt");
}

#[test]
fn unknown_and_foreign_lines_are_kept() {
    let v = ok("Accepted key RSA SHA256:x found at /home/a/.ssh/authorized_keys:1");
    assert!(v.get("event.action").is_none());
    let e = event("Accepted password for alice from 192.0.2.10 port 1 ssh2", Some("cron"));
    let v = OpenSsh::normalize_one(e).expect("kept");
    assert!(v.get("event.action").is_none());
    assert!(OpenSsh::normalize_one(event(" ", Some("sshd"))).is_err());
    // Truncated lines: what is there is kept, nothing is invented.
    for raw in [
        "Accepted password for",
        "Failed password for root from",
        "Received disconnect from ",
    ] {
        let v = ok(raw);
        assert!(v.get("source.ip").is_none(), "{raw}");
        assert_eq!(v["message"], raw);
    }
}

#[test]
fn describes_itself() {
    let d = OpenSsh::describe();
    assert_eq!(d.categories, ["authentication", "endpoint"]);
    assert_eq!(ok(&d.sample)["event.outcome"], "success");
}

edge_format_sdk::fixtures_test!(OpenSsh);
