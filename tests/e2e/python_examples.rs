//! The intake documentation's Python `requests` examples, run unchanged against the host.

use crate::support::*;
use serde_json::Value;
use std::path::Path;

fn script() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("python/examples.py")
}

#[test]
fn documentation_examples_work_unchanged() {
    let host = Host::start(&basic_config());
    let ca = host.ca.display().to_string();
    let out = python(&script(), &[&host.url(""), &ca, PLAIN_KEY, JSON_KEY]);
    assert!(
        out.status.success(),
        "examples.py failed ({}):\n{}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let results: Value = serde_json::from_slice(&out.stdout).expect("one JSON document");

    // One event per example that answers {"event_id"}.
    for name in ["plain_header", "plain_basic_auth"] {
        let r = &results[name];
        let id = r["answer"]["event_id"].as_str().expect("an event_id");
        let raw = r["sent"].as_str().expect("the sent event");
        let ev = host.events_get(id);
        assert_event(&ev, id, "plain-a", "ent-a", "plain", raw);
        assert_plain_ok(&ev, raw);
    }
    let r = &results["json_single"];
    let id = r["answer"]["event_id"].as_str().expect("an event_id");
    let raw = r["sent"].as_str().expect("the sent event");
    let ev = host.events_get(id);
    assert_event(&ev, id, "json-b", "ent-b", "json", raw);
    assert_eq!(ev["status"], "ok", "{ev}");
    assert_eq!(ev["normalized"]["user"]["name"], "alice", "{ev}");

    // Several events per example that answers {"event_ids"}, in order.
    for (name, intake, format) in [
        ("plain_batch", "plain-a", "plain"),
        ("jsons", "plain-a", "plain"),
        ("json_batch", "json-b", "json"),
    ] {
        let r = &results[name];
        let ids = strings(&r["answer"]["event_ids"]);
        let sent = strings(&r["sent"]);
        assert_eq!(ids.len(), sent.len(), "{name}: {r}");
        assert_v7_increasing(&ids);
        for (id, raw) in ids.iter().zip(&sent) {
            let ev = host.events_get(id);
            let entity = if intake == "plain-a" { "ent-a" } else { "ent-b" };
            assert_event(&ev, id, intake, entity, format, raw);
            assert_eq!(ev["status"], "ok", "{ev}");
        }
    }
    assert_eq!(host.event_count(), 2 + 3 + 2 + 1 + 2);
}

#[test]
fn examples_refuse_an_untrusted_certificate() {
    let host = Host::start(&basic_config());
    // A CA that did not sign the server's certificate.
    let other = Pki::mint(&host.scratch("other-pki"));
    let ca = other.ca.display().to_string();
    let out = python(&script(), &[&host.url(""), &ca, PLAIN_KEY]);
    assert!(!out.status.success(), "TLS verification must fail");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("CERTIFICATE_VERIFY_FAILED"), "{stderr}");
    assert_eq!(host.event_count(), 0);
}
