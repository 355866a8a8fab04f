//! What the syslog and RELP trials share: rsyslog with a disk-assisted action queue named
//! `fwd`, fed numbered messages, and its own counters (impstats) to tell when it has handed
//! every message to its output.

use crate::support::senders::Rsyslog;
use serde_json::Value;
use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// How often rsyslog writes its counters.
const STATS_INTERVAL_SECS: u64 = 1;
/// The payload of message `seq`: about 200 bytes on the wire with the syslog header, like
/// common log lines.
pub fn payload(seq: usize) -> String {
    format!("crash seq={seq:07} {}", "x".repeat(120))
}

/// The sequence number of a stored payload.
pub fn seq_of(raw: &str) -> Option<usize> {
    raw.strip_prefix("crash seq=")?.get(..7)?.parse().ok()
}

/// The queue parameters of the `fwd` action: disk-assisted (spills to `fwdq` files and saves
/// them at shutdown), and it retries forever while the host is down.
pub fn action_queue() -> &'static str {
    "name=\"fwd\" queue.type=\"LinkedList\" queue.filename=\"fwdq\" queue.size=\"400000\" \
     queue.saveOnShutdown=\"on\" queue.maxDiskSpace=\"1g\" \
     action.resumeRetryCount=\"-1\" action.resumeInterval=\"1\""
}

/// rsyslog configured with `rules` plus impstats counters in `stats.json` of its directory.
pub fn start(dir: &Path, ca: &Path, rules: &str) -> (Rsyslog, PathBuf) {
    let stats = dir.join("stats.json");
    let rules = format!(
        "main_queue(queue.size=\"400000\")\n\
         module(load=\"impstats\" interval=\"{STATS_INTERVAL_SECS}\" format=\"json\" log.syslog=\"off\" \
         log.file=\"{}\" resetCounters=\"off\")\n{rules}",
        stats.display()
    );
    (Rsyslog::start(dir, ca, &rules), stats)
}

/// Feeds messages `0..count` to rsyslog's imtcp input from a thread, octet-counted.
pub fn feed(rsyslog: &Rsyslog, count: usize) -> std::thread::JoinHandle<()> {
    let port = rsyslog.feed_port;
    std::thread::spawn(move || {
        let mut tcp = std::net::TcpStream::connect(("127.0.0.1", port)).expect("connect to imtcp");
        let mut bytes = Vec::new();
        for seq in 0..count {
            let m = format!(
                "<134>1 2024-05-06T07:08:09.123456Z crash-host crashapp - - - {}",
                payload(seq)
            );
            bytes.extend_from_slice(format!("{} {m}", m.len()).as_bytes());
        }
        tcp.write_all(&bytes).expect("feed rsyslog");
    })
}

/// The latest counters of every stats object (`main Q`, `fwd`, `fwd queue`, …) by name.
pub fn counters(stats: &Path) -> HashMap<String, Value> {
    let text = std::fs::read_to_string(stats).unwrap_or_default();
    let mut latest = HashMap::new();
    for line in text.lines() {
        // Each line is "<time>: {json}"; a line being written may be cut short.
        let Some(json) = line
            .find('{')
            .and_then(|at| serde_json::from_str::<Value>(&line[at..]).ok())
        else {
            continue;
        };
        if let Some(name) = json["name"].as_str() {
            latest.insert(name.to_string(), json);
        }
    }
    latest
}

fn counter(c: &HashMap<String, Value>, name: &str, field: &str) -> u64 {
    c.get(name).and_then(|v| v[field].as_u64()).unwrap_or(0)
}

/// Waits until rsyslog has taken all `count` messages in and its queues are empty, i.e. its
/// `fwd` action has sent (omfwd) or had acknowledged (omrelp) every one; returns the action's
/// counters.
pub fn wait_delivered(rsyslog: &Rsyslog, stats: &Path, count: usize, deadline: Instant) -> Value {
    loop {
        let c = counters(stats);
        let queues_empty = ["main Q", "fwd queue", "fwd queue[DA]"]
            .iter()
            .all(|q| counter(&c, q, "size") == 0);
        if queues_empty && counter(&c, "fwd queue", "enqueued") >= count as u64 {
            return c.get("fwd").cloned().unwrap_or_default();
        }
        assert!(
            Instant::now() < deadline,
            "rsyslog did not deliver {count} messages in time; counters: {c:?}\n{}",
            rsyslog.diagnostics()
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}
