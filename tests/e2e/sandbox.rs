//! Hostile components (the event `boom` loops forever, eats memory or panics) against the
//! sandbox: the request still gets its IDs, the culprit is stored in error, the host and the
//! component keep serving.

use crate::support::*;
use std::time::{Duration, Instant};

const HOSTILE_KEY: &str = "e2e-hostile-key-hhhhhhhhhhhhhhh";

/// A host with the hostile component `wasm` as format `hostile` (deadline 200 ms, 16 MiB) and
/// the plain intake `plain-a`.
fn hostile_host(wasm: &str) -> Host {
    let path = component_dir().join(wasm);
    Host::start(&format!(
        r#"
[formats.hostile]
component = "{}"
deadline_ms = 200
memory_mib = 16

[formats.plain]
component = "builtin:plain"

{}
{}
"#,
        path.display(),
        intake("hostile-h", "hostile", "ent-h", HOSTILE_KEY),
        intake("plain-a", "plain", "ent-a", PLAIN_KEY),
    ))
}

/// Sends ok1/boom/ok2; checks what is stored, the trap in the log, and that both intakes
/// still work. `isolated`: whether the host isolates `boom` so that its neighbours are ok.
fn survives(wasm: &str, reason: &str, isolated: bool) {
    let host = hostile_host(wasm);
    for h2 in [false, true] {
        let started = Instant::now();
        let ids = host
            .post("/plain/batch")
            .version(h2)
            .key(HOSTILE_KEY)
            .body("ok1\nboom\nok2")
            .send()
            .event_ids();
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the hostile batch took {:?}",
            started.elapsed()
        );
        assert_eq!(ids.len(), 3);
        assert_v7_increasing(&ids);
        let events: Vec<_> = ids.iter().map(|id| host.events_get(id)).collect();
        for (ev, raw) in events.iter().zip(["ok1", "boom", "ok2"]) {
            assert_eq!(ev["raw"], raw, "{ev}");
            assert_eq!(ev["intake"], "hostile-h", "{ev}");
        }
        assert_rejected(&events[1], reason);
        for ev in [&events[0], &events[2]] {
            if isolated {
                assert_plain_ok(ev, ev["raw"].as_str().unwrap_or(""));
            } else {
                assert_rejected(ev, reason);
            }
        }

        // The host still serves other intakes...
        let id = host
            .post("/plain")
            .version(h2)
            .key(PLAIN_KEY)
            .body("plain after hostile")
            .send()
            .event_id();
        assert_plain_ok(&host.events_get(&id), "plain after hostile");
        // ...and the hostile format itself, on a fresh instance.
        let id = host
            .post("/plain")
            .version(h2)
            .key(HOSTILE_KEY)
            .body("normal event")
            .send()
            .event_id();
        let ev = host.events_get(&id);
        assert_event(&ev, &id, "hostile-h", "ent-h", "hostile", "normal event");
        assert_plain_ok(&ev, "normal event");
    }
    let traps = host.log().with_message("Component trapped; its instance is discarded.");
    assert!(!traps.is_empty(), "no trap logged:\n{}", host.log().dump());
    for t in &traps {
        assert_eq!(t["fields"]["format"], "hostile", "{t}");
        assert!(
            t["fields"]["reason"].as_str().is_some_and(|r| r.contains(reason)),
            "{t}"
        );
    }
    assert_eq!(host.events_list(&["--errors"]).len(), if isolated { 2 } else { 6 });
}

#[test]
fn infinite_loop_hits_the_deadline() {
    // A timeout is not bisected (each retry could cost another deadline): the batch is in error.
    survives("hostile_loop.wasm", "exceeded its deadline of 200 ms", false);
}

#[test]
fn memory_bomb_hits_the_memory_cap() {
    survives("hostile_membomb.wasm", "exceeded its memory limit of 16 MiB", true);
}

#[test]
fn panic_traps_and_only_the_culprit_fails() {
    survives("hostile_panic.wasm", "trapped", true);
}

#[test]
fn many_booms_in_one_batch_are_all_isolated() {
    let host = hostile_host("hostile_panic.wasm");
    let lines: Vec<String> = (0..40)
        .map(|i| {
            if i % 10 == 3 {
                "boom".into()
            } else {
                format!("fine {i}")
            }
        })
        .collect();
    let ids = host
        .post("/plain/batch")
        .key(HOSTILE_KEY)
        .body(lines.join("\n"))
        .send()
        .event_ids();
    assert_eq!(ids.len(), lines.len());
    for (id, line) in ids.iter().zip(&lines) {
        let ev = host.events_get(id);
        assert_eq!(ev["raw"], line.as_str());
        if line == "boom" {
            assert_rejected(&ev, "trapped");
        } else {
            assert_plain_ok(&ev, line);
        }
    }
}
