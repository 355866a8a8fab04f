//! Issue 5's host side: rejection reasons counted per intake and day (CLI and stats API),
//! `events renormalize` after a format change (same IDs, counts follow), and a component file
//! swapped under load without failing a request.

use crate::support::*;
use serde_json::Value;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

const FIX_KEY: &str = "e2e-fix-key-ffffffffffffffffffff";
const SWAP_KEY: &str = "e2e-swap-key-ssssssssssssssssss";

fn formats() -> &'static str {
    "[formats.plain]\ncomponent = \"builtin:plain\"\n\n[formats.json]\ncomponent = \"builtin:json\"\n\n"
}

fn admin_get(host: &Host, path: &str) -> (u16, Value) {
    let (status, body) = host.admin_get(path);
    let value = serde_json::from_str(&body).unwrap_or_else(|e| panic!("not JSON ({e}): {body}"));
    (status, value)
}

fn reason_total(reasons: &[Value]) -> u64 {
    reasons.iter().map(|r| r["count"].as_u64().expect("count")).sum()
}

fn renormalize(host: &Host, args: &[&str]) -> Value {
    let mut all = vec!["events", "renormalize", "--json"];
    all.extend_from_slice(args);
    let out = host.cli(&all);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "renormalize failed: {stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_str(stdout.trim()).unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}"))
}

#[test]
fn reasons_are_counted_and_renormalize_fixes_events_in_place() {
    let fix = intake("fix-me", "json", "ent-f", FIX_KEY);
    let host = Host::start(&format!("{}{fix}", formats()));
    let client_time = "2026-11-20T08:00:00Z";
    let ids = host
        .post("/plain/batch")
        .key(FIX_KEY)
        .timestamp(client_time)
        .body("not json one\n{\"a\": 1}\nnot json two\n[1, 2]")
        .send()
        .event_ids();
    assert_eq!(ids.len(), 4);

    // The CLI: one line per intake and reason; the counts add up to the rejections.
    let reasons = host.events_list(&["--errors", "--reasons", "--intake", "fix-me"]);
    assert!(!reasons.is_empty());
    assert!(reasons.iter().all(|r| r["intake"] == "fix-me"), "{reasons:?}");
    assert_eq!(reason_total(&reasons), 3, "{reasons:?}");
    let in_error = host.events_list(&["--errors", "--intake", "fix-me"]);
    assert_eq!(in_error.len(), 3);

    // The stats API: 7 days, today's counts, the same reasons.
    let (status, stats) = admin_get(&host, "/api/intakes/fix-me/stats");
    assert_eq!(status, 200, "{stats}");
    assert_eq!(
        (stats["events"].as_u64(), stats["errors"].as_u64()),
        (Some(4), Some(3)),
        "{stats}"
    );
    assert_eq!(stats["days"].as_array().map(Vec::len), Some(7), "{stats}");
    let reasons = stats["reasons"].as_array().expect("reasons");
    assert_eq!(reason_total(reasons), 3, "{stats}");
    let (status, missing) = admin_get(&host, "/api/intakes/nope/stats");
    assert_eq!(status, 404, "{missing}");

    // Nothing changes while the format is the same: the run is idempotent.
    let same = renormalize(&host, &["--intake", "fix-me"]);
    assert_eq!(
        (same["scanned"].as_u64(), same["rewritten"].as_u64()),
        (Some(4), Some(0)),
        "{same}"
    );

    // The intake moves to `plain`; renormalizing (with the server still running) rewrites all four.
    host.write_config(&format!("{}{}", formats(), intake("fix-me", "plain", "ent-f", FIX_KEY)));
    let future = renormalize(&host, &["--intake", "fix-me", "--since", "2099-01-01"]);
    assert_eq!(future["scanned"].as_u64(), Some(0), "{future}");
    let report = renormalize(&host, &["--intake", "fix-me", "--since", "1d"]);
    assert_eq!(report["scanned"].as_u64(), Some(4), "{report}");
    assert_eq!(report["rewritten"].as_u64(), Some(4), "{report}");
    assert_eq!(report["fixed"].as_u64(), Some(3), "{report}");
    assert_eq!(report["errors"].as_u64(), Some(0), "{report}");

    let raws = ["not json one", "{\"a\": 1}", "not json two", "[1, 2]"];
    for (id, raw) in ids.iter().zip(raws) {
        let ev = host.events_get(id);
        assert_eq!(ev["status"], "ok", "{ev}");
        assert_eq!(ev["format"], "plain", "{ev}");
        assert_eq!(ev["normalized"]["message"], raw, "{ev}");
        // The client time was stored with the event and given to the component again.
        assert_eq!(ev["normalized"]["@timestamp"], client_time, "{ev}");
    }
    let (_, stats) = admin_get(&host, "/api/intakes/fix-me/stats");
    assert_eq!(
        (stats["events"].as_u64(), stats["errors"].as_u64()),
        (Some(4), Some(0)),
        "{stats}"
    );
    assert_eq!(stats["reasons"].as_array().map(Vec::len), Some(0), "{stats}");
    assert!(host.events_list(&["--errors", "--reasons"]).is_empty());

    // The server kept writing beside the rewrite.
    host.post("/plain").key(FIX_KEY).body("after").send().expect(200);

    let unknown = host.cli(&["events", "renormalize", "--intake", "nope"]);
    assert!(!unknown.status.success());
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("no intake named"));
}

/// 2026-11-20T08:00:00Z, the client time of [`renormalize_nests_rows_stored_flat`], in µs.
const CLIENT_TIME_US: i64 = 1_795_161_600_000_000;

/// Rows stored before documents were nested (flat dotted keys) come back nested from
/// `events renormalize`; rows already nested are left alone.
#[test]
fn renormalize_nests_rows_stored_flat() {
    let mut host = Host::start(&format!("{}{}", formats(), intake("fix-me", "json", "ent-f", FIX_KEY)));
    let raw = r#"{"source.ip": "192.0.2.1", "source": {"port": 22}, "user.name": "alice"}"#;
    // A client time: the reception time is stored to the microsecond, and would change.
    let ids = host
        .post("/plain/batch")
        .key(FIX_KEY)
        .timestamp("2026-11-20T08:00:00Z")
        .body(raw)
        .send()
        .event_ids();
    let nested = host.events_get(&ids[0])["normalized"].clone();
    assert_eq!(field(&nested, "source.ip"), "192.0.2.1", "{nested}");
    assert_eq!(field(&nested, "source.port"), 22, "{nested}");
    assert_eq!(field(&nested, "user.name"), "alice", "{nested}");
    assert_eq!(
        renormalize(&host, &["--intake", "fix-me"])["rewritten"].as_u64(),
        Some(0)
    );

    // What an older node stored: the component's flat dotted keys, in a row of a version 3
    // store, which this release migrates to blocks when it opens it.
    let flat = format!(
        r#"{{"@timestamp":{},"source.ip":"192.0.2.1","source.port":22,"user.name":"alice"}}"#,
        nested["@timestamp"]
    );
    host.stop();
    old_store::write_v3(
        &host.data_dir,
        &[old_store::OldRow {
            id: &ids[0],
            intake: "fix-me",
            entity: "ent-f",
            format: "json",
            protocol: "https",
            received_at_us: CLIENT_TIME_US + 1_000,
            client_time_us: Some(CLIENT_TIME_US),
            raw,
            metadata: None,
            outcome: Ok(&flat),
        }],
    );
    host.restart();
    assert_eq!(
        field(&host.events_get(&ids[0])["normalized"], "source.ip"),
        &Value::Null
    );

    let report = renormalize(&host, &["--intake", "fix-me"]);
    assert_eq!(
        (report["scanned"].as_u64(), report["rewritten"].as_u64()),
        (Some(1), Some(1)),
        "{report}"
    );
    assert_eq!(host.events_get(&ids[0])["normalized"], nested);
}

#[test]
fn renormalize_names_rows_it_cannot_read_back_and_leaves_them_as_they_are() {
    let mut host = Host::start(&format!("{}{}", formats(), intake("fix-me", "json", "ent-f", FIX_KEY)));
    let ids = host
        .post("/plain/batch")
        .key(FIX_KEY)
        .body("not json\n{\"a\": 1}\nnot json either")
        .send()
        .event_ids();
    assert_eq!(ids.len(), 3);
    // Rows no node writes (a protocol without a listener, an envelope that is not an object), in
    // a version 3 store this release migrates.
    let stored: Vec<Value> = ids.iter().map(|id| host.events_get(id)).collect();
    let outcomes: Vec<String> = stored
        .iter()
        .map(|ev| match ev["status"].as_str() {
            Some("ok") => ev["normalized"].to_string(),
            _ => ev["error"].as_str().unwrap_or_default().to_string(),
        })
        .collect();
    let rows: Vec<old_store::OldRow<'_>> = stored
        .iter()
        .enumerate()
        .map(|(i, ev)| old_store::OldRow {
            id: &ids[i],
            intake: "fix-me",
            entity: "ent-f",
            format: "json",
            protocol: if i == 0 { "ftp" } else { "https" },
            received_at_us: CLIENT_TIME_US + i as i64,
            client_time_us: None,
            raw: ev["raw"].as_str().unwrap_or_default(),
            metadata: (i == 2).then_some("[1]"),
            outcome: if ev["status"] == "ok" {
                Ok(&outcomes[i])
            } else {
                Err(&outcomes[i])
            },
        })
        .collect();
    host.stop();
    old_store::write_v3(&host.data_dir, &rows);
    host.restart();

    host.write_config(&format!("{}{}", formats(), intake("fix-me", "plain", "ent-f", FIX_KEY)));
    let out = host.cli(&["events", "renormalize", "--json", "--intake", "fix-me"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "rows were left unread: {stdout}");
    let report: Value = serde_json::from_str(stdout.trim()).unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}"));
    assert_eq!(report["scanned"].as_u64(), Some(3), "{report}");
    assert_eq!(report["unreadable"].as_u64(), Some(2), "{report}");
    assert_eq!(report["rewritten"].as_u64(), Some(1), "{report}");
    // The two unread rows are still in error, as stored.
    assert_eq!(report["errors"].as_u64(), Some(2), "{report}");
    let named = report["unreadable_rows"].as_array().expect("named rows");
    assert_eq!(named.len(), 2, "{report}");
    assert_eq!(
        (named[0]["id"].as_str(), named[1]["id"].as_str()),
        (Some(&*ids[0]), Some(&*ids[2]))
    );
    assert!(
        named[0]["reason"].as_str().is_some_and(|r| r.contains("\"ftp\"")),
        "{report}"
    );
    assert!(
        named[1]["reason"]
            .as_str()
            .is_some_and(|r| r.contains("not a JSON object")),
        "{report}"
    );
    for id in [&ids[0], &ids[2]] {
        let ev = host.events_get(id);
        assert_eq!(
            (ev["status"].as_str(), ev["format"].as_str()),
            (Some("error"), Some("json")),
            "{ev}"
        );
    }
    assert_eq!(host.events_get(&ids[1])["format"], "plain");

    // The text report names them too.
    let out = host.cli(&["events", "renormalize", "--intake", "fix-me"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("2 stored events cannot be read back"), "{text}");
    assert!(
        text.contains(&format!("  {}: unknown protocol \"ftp\"", ids[0])),
        "{text}"
    );
}

/// Replaces `target` with `source` the way deployments should: a copy beside it, then rename.
fn swap_atomically(source: &std::path::Path, target: &std::path::Path) {
    let tmp = target.with_extension("wasm.tmp");
    std::fs::copy(source, &tmp).expect("copy component");
    std::fs::rename(&tmp, target).expect("rename component");
}

#[test]
fn a_component_file_swapped_under_load_fails_no_request() {
    let dir = component_dir();
    let (plain, json) = (dir.join("plain.wasm"), dir.join("json.wasm"));
    let scratch = tempfile::TempDir::new().expect("temp dir");
    let wasm = scratch.path().join("swap.wasm");
    std::fs::copy(&plain, &wasm).expect("copy plain.wasm");
    let config = format!(
        "[formats.swappable]\ncomponent = \"{}\"\n\n{}",
        wasm.display(),
        intake("swap", "swappable", "ent-s", SWAP_KEY)
    );
    let host = Arc::new(Host::start(&config));

    // Senders: batches of JSON lines, which both components accept, until told to stop.
    let stop = Arc::new(AtomicBool::new(false));
    let senders: Vec<_> = (0..2)
        .map(|t| {
            let (host, stop) = (host.clone(), stop.clone());
            std::thread::spawn(move || {
                let (mut ids, mut failures) = (Vec::new(), Vec::new());
                let mut n = 0;
                while !stop.load(Ordering::Relaxed) {
                    let body: Vec<String> = (0..200).map(|i| format!("{{\"t\":{t},\"n\":{}}}", n + i)).collect();
                    n += 200;
                    match host.post("/plain/batch").key(SWAP_KEY).body(body.join("\n")).try_send() {
                        Ok(r) if r.status == 200 => ids.extend(r.event_ids()),
                        Ok(r) => failures.push(format!("{}: {}", r.status, r.text)),
                        Err(e) => failures.push(e),
                    }
                }
                (ids, failures)
            })
        })
        .collect();

    // Swap json ↔ plain under load; one of the swaps rewrites the file in place (a partial file
    // may be seen: that reload is refused and the next complete write is picked up).
    let reloaded = |from: usize| host.log().wait_for(from, "Registry reloaded.", Duration::from_secs(20));
    for round in 0..6 {
        let from = host.log().len();
        let source = if round % 2 == 0 { &json } else { &plain };
        if round == 3 {
            std::fs::copy(source, &wasm).expect("overwrite component");
        } else {
            swap_atomically(source, &wasm);
        }
        let entry = reloaded(from);
        assert!(entry.to_string().contains("swappable"), "{entry}");
        std::thread::sleep(Duration::from_millis(150));
    }
    stop.store(true, Ordering::Relaxed);
    let mut ids = Vec::new();
    for s in senders {
        let (got, failures) = s.join().expect("sender thread");
        assert!(failures.is_empty(), "requests failed during swaps: {failures:?}");
        ids.extend(got);
    }
    assert!(ids.len() >= 400, "only {} events sent", ids.len());

    // Every acknowledged event is stored and normalized by one of the two components.
    let mut by_component = (0, 0);
    let mut stored = 0;
    host.for_each_event("swap", |ev| {
        stored += 1;
        assert_eq!(ev["status"], "ok", "{ev}");
        if ev["normalized"]["message"].is_string() {
            by_component.0 += 1;
        } else {
            assert!(ev["normalized"]["n"].is_number(), "{ev}");
            by_component.1 += 1;
        }
    });
    assert_eq!(stored, ids.len());
    assert!(by_component.0 > 0 && by_component.1 > 0, "{by_component:?}");

    // The last swap (plain) is in force.
    let id = host.post("/plain").key(SWAP_KEY).body("{\"last\":1}").send().event_id();
    assert_eq!(host.events_get(&id)["normalized"]["message"], "{\"last\":1}");
}

const CEF_KEY: &str = "e2e-cef-key-cccccccccccccccccccc";
const LINES_KEY: &str = "e2e-lines-key-llllllllllllllllll";

/// The new builtin formats with real senders: CEF from util-linux `logger` relayed by rsyslog
/// `omfwd` over TLS, and raw syslog file lines posted with curl to `/plain/batch`.
#[test]
fn cef_over_rsyslog_and_syslog_lines_over_https() {
    use crate::support::senders::{omfwd, template, Rsyslog};
    let config = format!(
        "[formats.cef]\ncomponent = \"builtin:cef\"\n\n[formats.syslog]\ncomponent = \"builtin:syslog\"\n\n{}\n{}",
        intake("firewall", "cef", "ent-fw", CEF_KEY),
        intake("lines", "syslog", "ent-l", LINES_KEY)
    );
    let host = Host::start(&config);
    let port: u16 = host
        .syslog_addr()
        .rsplit_once(':')
        .and_then(|(_, p)| p.parse().ok())
        .expect("syslog port");
    let rules = format!(
        "{}ruleset(name=\"fwd\") {{\n  {}\n}}\n",
        template("KeyF", CEF_KEY),
        omfwd(port, "gtls", "octet-counted", "KeyF")
    );
    let rsyslog = Rsyslog::start(&host.scratch("rsyslog"), &host.ca, &rules);
    let cef = |i: u32| {
        format!(
            "CEF:0|Fortinet|FortiGate|7.2.4|0000000013|traffic forward {i}|3|src=192.0.2.{i} spt={} \
             dst=198.51.100.7 dpt=443 proto=TCP act=accept suser=alice msg=allowed by policy\\=web",
            40000 + i
        )
    };
    for i in 1..=3 {
        rsyslog.logger("fortigate", "local4.notice", &cef(i));
    }
    let events = poll("3 CEF events", Duration::from_secs(60), || {
        let events = host.intake_events("firewall");
        (events.len() >= 3).then_some(events)
    });
    assert_eq!(events.len(), 3, "{events:?}");
    for ev in &events {
        assert_eq!(ev["status"], "ok", "{ev}");
        let n = &ev["normalized"];
        let i: u32 = field(n, "source.ip")
            .as_str()
            .and_then(|ip| ip.strip_prefix("192.0.2."))
            .and_then(|i| i.parse().ok())
            .unwrap_or_else(|| panic!("source.ip: {n}"));
        assert_eq!(field(n, "source.port"), 40000 + i, "{n}");
        assert_eq!(field(n, "destination.port"), 443, "{n}");
        assert_eq!(field(n, "observer.vendor"), "Fortinet", "{n}");
        assert_eq!(field(n, "event.severity"), 3, "{n}");
        assert_eq!(field(n, "network.transport"), "tcp", "{n}");
        assert_eq!(n["message"], "allowed by policy=web", "{n}");
        assert_eq!(*field(n, "cef.name"), format!("traffic forward {i}"), "{n}");
        assert_eq!(field(n, "log.syslog.appname"), "fortigate", "{n}");
        assert_eq!(*field(n, "related.user"), serde_json::json!(["alice"]), "{n}");
    }
    drop(rsyslog);

    // A relay's file lines, sent as they are: RFC 3164 without PRI, RFC 5424, and garbage.
    let ids = host
        .post("/plain/batch")
        .key(LINES_KEY)
        .body(
            "Nov 20 08:15:02 web1 sshd[2211]: Accepted publickey for bob from 203.0.113.9 port 50122 ssh2\n\
             <165>1 2026-11-20T08:15:03.250Z db1 postgres 977 - [meta@32473 role=\"primary\"] checkpoint complete\n\
             this is not syslog",
        )
        .send()
        .event_ids();
    let first = &host.events_get(&ids[0])["normalized"];
    assert_eq!(field(first, "log.syslog.hostname"), "web1", "{first}");
    assert_eq!(field(first, "process.name"), "sshd", "{first}");
    assert_eq!(field(first, "process.pid"), 2211, "{first}");
    assert!(
        first["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("Accepted publickey")),
        "{first}"
    );
    let second = &host.events_get(&ids[1])["normalized"];
    assert_eq!(second["@timestamp"], "2026-11-20T08:15:03.250000Z", "{second}");
    assert_eq!(field(second, "log.syslog.facility.code"), 20, "{second}");
    assert_eq!(field(second, "log.syslog.severity.code"), 5, "{second}");
    assert_eq!(
        field(second, "log.syslog.structured_data")["meta@32473"]["role"],
        "primary",
        "{second}"
    );
    let third = host.events_get(&ids[2]);
    assert_eq!(third["status"], "error", "{third}");
    assert!(
        third["error"].as_str().is_some_and(|e| e.contains("not a syslog line")),
        "{third}"
    );
}
