//! Issue 12: the same event sent two ways gives the same normalized fields. Over HTTPS
//! `/plain` a sender posts the whole line from a file or a relay (syslog or time prefix and all);
//! over syslog/TLS the listener reads the header and the format gets the MSG alone. For each
//! builtin format that reads syslog-borne logs, the fields of both events are compared, apart
//! from `log.*` (how the event travelled: the syslog header, the sender's address).

use crate::support::tls::TlsClient;
use crate::support::*;
use serde_json::{Map, Value};
use std::time::Duration;

/// One sample per format: (format, intake key, app name, process id, MSG).
const SAMPLES: &[(&str, &str, &str, &str, &str)] = &[
    (
        "openssh",
        "e2e-lines-openssh-key-0000000000",
        "sshd",
        "4242",
        "Accepted publickey for deploy from 2001:db8::7 port 50122 ssh2: ED25519 SHA256:pGq6Gk2XGaX0m5bV3s9Yk0wI4vM1QbC+fZ0sJtXjYtE",
    ),
    (
        "unbound",
        "e2e-lines-unbound-key-0000000000",
        "unbound",
        "17265",
        "[17265:13] info: 192.0.2.33 www.example.co.uk. AAAA IN",
    ),
    (
        "apache",
        "e2e-lines-apache-key-00000000000",
        "apache2",
        "812",
        "203.0.113.9 - alice [08/Oct/2019:11:29:05 +0200] \"GET /shop/index.html?q=1 HTTP/1.1\" 200 5120 \"https://example.org/\" \"Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0\"",
    ),
    (
        "nginx",
        "e2e-lines-nginx-key-000000000000",
        "nginx",
        "1207",
        "2001:db8::42 - - [08/Oct/2019:11:29:05 +0200] \"POST /api/v1/login HTTP/2.0\" 401 61 \"-\" \"python-requests/2.32.3\"",
    ),
    (
        "cef",
        "e2e-lines-cef-key-00000000000000",
        "fw-agent",
        "77",
        "CEF:0|Palo Alto Networks|PAN-OS|10.1.0|threat|THREAT|8|rt=Oct 08 2019 09:29:05 GMT src=10.0.0.5 dst=198.51.100.2 spt=51000 dpt=443 proto=TCP act=blocked suser=corp\\\\bob",
    ),
];

const HOSTNAME: &str = "edge-web-01";
/// The same instant in both: the prefix's (with its offset) and the RFC 5424 header's.
const PREFIX_TIME: &str = "2019-10-08T11:29:05+02:00";
const HEADER_TIME: &str = "2019-10-08T09:29:05Z";

/// Nested and dotted keys as one flat map of dotted names (`{"a":{"b":1}}` and `{"a.b":1}`
/// are the same field), without the `log.*` fields.
fn fields(doc: &Value) -> Map<String, Value> {
    fn walk(prefix: &str, value: &Value, out: &mut Map<String, Value>) {
        match value {
            Value::Object(map) => {
                for (key, v) in map {
                    let name = if prefix.is_empty() {
                        key.clone()
                    } else {
                        format!("{prefix}.{key}")
                    };
                    walk(&name, v, out);
                }
            }
            other => {
                out.insert(prefix.to_string(), other.clone());
            }
        }
    }
    let mut out = Map::new();
    walk("", doc, &mut out);
    out.retain(|name, _| !name.starts_with("log."));
    out
}

#[test]
fn a_whole_line_over_https_and_its_msg_over_syslog_give_the_same_fields() {
    let mut config = String::new();
    for (format, key, ..) in SAMPLES {
        config.push_str(&format!("[formats.{format}]\ncomponent = \"builtin:{format}\"\n\n"));
        config.push_str(&intake(&format!("lines-{format}"), format, "ent-lines", key));
        config.push('\n');
    }
    let host = Host::start(&config);
    let mut syslog = TlsClient::connect(host.syslog_addr(), &host.ca);
    for (format, key, app, pid, msg) in SAMPLES {
        let intake = format!("lines-{format}");
        // Over HTTPS: the line as a file or a relay writes it, RFC 3164-style with an RFC 3339
        // time and a PRI.
        let line = format!("<134>{PREFIX_TIME} {HOSTNAME} {app}[{pid}]: {msg}");
        let id = host.post("/plain").key(key).body(line.clone()).send().event_id();
        let over_https = host.events_get(&id);
        assert_eq!(over_https["status"], "ok", "{format}: {over_https}");
        // Over syslog/TLS: RFC 5424, the key in structured data, the same MSG.
        let message =
            format!("<134>1 {HEADER_TIME} {HOSTNAME} {app} {pid} - [SEKOIA@53288 intake_key=\"{key}\"] {msg}\n");
        syslog.send(message.as_bytes());
        let over_syslog = poll(
            &format!("the {format} event over syslog"),
            Duration::from_secs(20),
            || {
                host.intake_events(&intake)
                    .into_iter()
                    .find(|e| e["protocol"] == "syslog")
            },
        );
        assert_eq!(over_syslog["status"], "ok", "{format}: {over_syslog}");

        let (a, b) = (fields(&over_https["normalized"]), fields(&over_syslog["normalized"]));
        assert_eq!(
            a, b,
            "{format}: the whole line over HTTPS and its MSG over syslog differ"
        );
        // And the prefix was read, not kept in the message.
        assert_eq!(a.get("host.name"), Some(&Value::from(HOSTNAME)), "{format}: {a:?}");
        let time = a.get("@timestamp").and_then(Value::as_str).unwrap_or_default();
        assert!(time.starts_with("2019-10-08T09:29:05"), "{format}: @timestamp {time:?}");
        if let Some(message) = a.get("message").and_then(Value::as_str) {
            assert!(
                !message.contains(HOSTNAME),
                "{format}: the prefix stayed in the message: {message}"
            );
        }
        // A format that names the process takes it from the TAG or the header alike.
        if a.contains_key("process.pid") {
            assert_eq!(
                a.get("process.pid"),
                Some(&Value::from(pid.parse::<u64>().expect("pid"))),
                "{format}"
            );
        }
    }
}
