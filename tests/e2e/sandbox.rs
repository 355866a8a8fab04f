//! Hostile components (the event `boom` loops forever, eats memory, panics, sleeps in a host
//! call, fills many memories, grows a huge table) against the sandbox: the request still gets
//! its IDs, the culprit is stored in error with the limit it hit, the host and the component
//! keep serving, and other intakes keep their latency while a hostile one is hammered.

use crate::support::*;
use serde_json::Value;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

const HOSTILE_KEY: &str = "e2e-hostile-key-hhhhhhhhhhhhhhh";

/// A host with the hostile component `wasm` as format `hostile` (deadline 200 ms, 16 MiB, 5000
/// table elements) and the plain intake `plain-a`.
fn hostile_host(wasm: &str) -> Host {
    let path = component_dir().join(wasm);
    Host::start(&format!(
        r#"
[formats.hostile]
component = "{}"
deadline_ms = 200
memory_mib = 16
max_table_elements = 5000

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

/// How a hostile component normalizes an event that is not `boom`.
#[derive(Clone, Copy)]
enum Normal {
    /// Like `plain` (the Rust hostiles).
    Plain,
    /// `{"hostile":"ok"}` (the WAT hostiles).
    Constant,
}

impl Normal {
    fn check(self, ev: &Value) {
        let raw = ev["raw"].as_str().unwrap_or("");
        match self {
            Normal::Plain => assert_plain_ok(ev, raw),
            Normal::Constant => {
                assert_eq!(ev["status"], "ok", "{ev}");
                assert_eq!(ev["normalized"]["hostile"], "ok", "{ev}");
            }
        }
    }
}

/// Sends ok1/boom/ok2; checks what is stored, the trap in the log, and that both intakes
/// still work. `isolated`: whether the host isolates `boom` so that its neighbours are ok.
fn survives(wasm: &str, reason: &str, isolated: bool) {
    survives_as(wasm, reason, isolated, Normal::Plain);
}

fn survives_as(wasm: &str, reason: &str, isolated: bool, normal: Normal) {
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
                normal.check(ev);
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
        normal.check(&ev);
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
fn sleeping_in_a_host_call_is_refused_at_once() {
    // std::thread::sleep(1 h) blocks in wasi:io/poll, where no epoch deadline reaches: the
    // sandbox links no blocking call, so the call traps at once and is isolated like a panic.
    survives(
        "hostile_sleep.wasm",
        "made a blocking host call (wasi:io/poll pollable.block), which the sandbox refuses",
        true,
    );
}

#[test]
fn many_memories_are_capped_together() {
    // Eight memories of up to 15 MiB each: every one is under the 16 MiB cap, their sum is not.
    survives_as(
        "hostile_memories.wasm",
        "exceeded its memory limit of 16 MiB (all linear memories together",
        true,
        Normal::Constant,
    );
}

#[test]
fn a_huge_table_hits_the_table_element_cap() {
    survives_as(
        "hostile_table.wasm",
        "exceeded its table limit of 5000 elements",
        true,
        Normal::Constant,
    );
}

/// Plain requests on another intake while several clients keep a format that loops until its
/// deadline (1 s) busy, on two workers: slow formats never hold the last free worker, so a
/// plain request waits for no hostile batch. Without that reserve (FIFO, or round-robin alone)
/// each plain request waited for a hostile batch to end: 0.5 s on average, up to 1 s (a
/// shared FIFO: several seconds). The bound, half a deadline, leaves room for curl and TLS on
/// a loaded box.
#[test]
fn other_intakes_keep_their_latency_while_a_hostile_one_is_hammered() {
    const HAMMERS: usize = 4;
    const PLAIN_REQUESTS: usize = 20;
    const BOUND: Duration = Duration::from_millis(500);
    let host = Host::start(&format!(
        r#"
[runtime]
workers = 2

[formats.hostile]
component = "{}"
deadline_ms = 1000

[formats.plain]
component = "builtin:plain"

{}
{}
"#,
        component_dir().join("hostile_loop.wasm").display(),
        intake("hostile-h", "hostile", "ent-h", HOSTILE_KEY),
        intake("plain-a", "plain", "ent-a", PLAIN_KEY),
    ));
    let stop = AtomicBool::new(false);
    let hostile_batches = AtomicUsize::new(0);
    let latencies = std::thread::scope(|s| {
        for _ in 0..HAMMERS {
            s.spawn(|| {
                while !stop.load(Ordering::Relaxed) {
                    let id = host.post("/plain").key(HOSTILE_KEY).body("boom").send().event_id();
                    assert!(!id.is_empty());
                    hostile_batches.fetch_add(1, Ordering::Relaxed);
                }
            });
        }
        // Once a hostile call has ended, the scheduler knows the format is slow: from then on.
        host.log().wait_for(0, "Component trapped", Duration::from_secs(30));
        let mut latencies = Vec::with_capacity(PLAIN_REQUESTS);
        for i in 0..PLAIN_REQUESTS {
            let started = Instant::now();
            let id = host
                .post("/plain")
                .key(PLAIN_KEY)
                .body(format!("plain {i}"))
                .send()
                .event_id();
            latencies.push(started.elapsed());
            assert!(!id.is_empty());
        }
        stop.store(true, Ordering::Relaxed);
        latencies
    });
    let hostile = hostile_batches.load(Ordering::Relaxed);
    let mut sorted = latencies.clone();
    sorted.sort();
    eprintln!(
        "plain latency while {HAMMERS} clients hammer a 1-s looping format: median {:?}, max {:?} \
         over {PLAIN_REQUESTS} requests; {hostile} hostile batches done",
        sorted[PLAIN_REQUESTS / 2],
        sorted[PLAIN_REQUESTS - 1]
    );
    assert!(
        hostile >= HAMMERS,
        "the hostile intake was not kept busy: {hostile} batches"
    );
    assert!(
        sorted[PLAIN_REQUESTS - 1] <= BOUND,
        "a plain request took {:?} (all: {latencies:?})",
        sorted[PLAIN_REQUESTS - 1]
    );
    // What the hammering stored: every hostile batch in error, with the deadline.
    let errors = host.events_list(&["--intake", "hostile-h", "--errors"]);
    assert!(errors.len() >= HAMMERS, "{} hostile events in error", errors.len());
    for ev in &errors {
        assert_rejected(ev, "exceeded its deadline of 1000 ms");
    }
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
