//! Whole lines (issue 12): a line with a syslog or time prefix posted to HTTPS `/plain` and the
//! same MSG sent over syslog/TLS, its prefix in the RFC 5424 header, normalize to the same fields
//! with the `openssh` and `unbound` formats. Only the envelope (`log.*`, which the syslog
//! listener adds) differs.

use crate::support::tls::TlsClient;
use crate::support::*;
use serde_json::Value;
use std::time::Duration;

const SSH_KEY: &str = "e2e-openssh-key-ssssssssssssssss";
const DNS_KEY: &str = "e2e-unbound-key-dddddddddddddddd";

fn config() -> String {
    format!(
        "[formats.openssh]\ncomponent = \"builtin:openssh\"\n\n[formats.unbound]\ncomponent = \"builtin:unbound\"\n\n{}\n{}",
        intake("ssh-i", "openssh", "ent-s", SSH_KEY),
        intake("dns-i", "unbound", "ent-d", DNS_KEY),
    )
}

/// The normalized object without the envelope: `log.*` as dotted keys or as a nested `log`.
fn without_envelope(ev: &Value) -> Value {
    let mut normalized = ev["normalized"].clone();
    if let Some(object) = normalized.as_object_mut() {
        object.retain(|key, _| key != "log" && !key.starts_with("log."));
    }
    normalized
}

#[test]
fn a_whole_line_over_https_and_its_msg_over_syslog_normalize_alike() {
    let mut host = Host::start(&config());
    let cases = [
        (
            SSH_KEY,
            "ssh-i",
            "bastion",
            "sshd",
            "4321",
            "Failed password for invalid user admin from 2001:db8::7 port 40222 ssh2",
        ),
        (
            DNS_KEY,
            "dns-i",
            "hostfoo",
            "unbound",
            "17265",
            "[17265:13] info: 10.1.2.3 www.example.co.uk. A IN NOERROR 0.023458 0 139",
        ),
    ];
    let time = "2019-10-08T11:29:05+02:00";
    let mut syslog = TlsClient::connect(host.syslog_addr(), &host.ca);
    for (key, _, hostname, app, pid, msg) in cases {
        let line = format!("{time} {hostname} {app}[{pid}]: {msg}");
        host.post("/plain").key(key).body(line).send().event_id();
        let frame = format!("<38>1 {time} {hostname} {app} {pid} - {} {msg}\n", sd_key(key));
        syslog.send(frame.as_bytes());
    }
    syslog.close();
    for (_, intake, hostname, app, pid, _) in cases {
        let events = poll("both events stored", Duration::from_secs(10), || {
            let events = host.intake_events(intake);
            (events.len() == 2).then_some(events)
        });
        for ev in &events {
            assert_eq!(ev["status"], "ok", "{ev}");
        }
        let (a, b) = (without_envelope(&events[0]), without_envelope(&events[1]));
        assert_eq!(a, b, "{intake}: HTTPS and syslog differ");
        // What the prefix said is there, dotted (as components write it) or nested.
        let field = |path: &str| -> Value {
            a.get(path)
                .cloned()
                .or_else(|| a.pointer(&format!("/{}", path.replace('.', "/"))).cloned())
                .unwrap_or(Value::Null)
        };
        assert_eq!(field("host.name"), hostname, "{a}");
        assert_eq!(field("process.name"), app, "{a}");
        assert_eq!(field("process.pid"), pid.parse::<u64>().expect("pid"), "{a}");
        assert_eq!(field("@timestamp"), "2019-10-08T09:29:05Z", "{a}");
        assert_ne!(field("event.category"), Value::Null, "{a}");
    }
    host.stop();
}
