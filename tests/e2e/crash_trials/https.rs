//! HTTPS: eight Python `requests` threads post `/plain/batch` requests (every line unique) and
//! send a failed request again until it is answered 200. Every acknowledged ID must be stored
//! with its line; a line stored twice (committed, answer lost to the kill, sent again) is a
//! duplicate, never a loss.

use super::{kill_when_stored, Kills, Stored, KILLS, KILL_AT_PERCENT};
use crate::support::*;
use serde_json::Value;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const THREADS: usize = 8;
const BATCHES_PER_THREAD: usize = 200;
const EVENTS_PER_BATCH: usize = 50;
/// The sender gives up after this long (it prints what it could not send).
const SENDER_DEADLINE: Duration = Duration::from_secs(90);

#[test]
fn https_clients_lose_no_acknowledged_event_over_three_kills() {
    let started = Instant::now();
    let total = THREADS * BATCHES_PER_THREAD * EVENTS_PER_BATCH;
    let mut host = Host::start(&basic_config());
    // The clients reconnect to the same port.
    host.pin_ports(&["https"]);
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("python/crash_sender.py");
    let mut sender = Command::new("python3")
        .arg(&script)
        .args([&host.url(""), &host.ca.display().to_string(), PLAIN_KEY, "crash"])
        .args([THREADS, BATCHES_PER_THREAD, EVENTS_PER_BATCH].map(|n| n.to_string()))
        .arg(SENDER_DEADLINE.as_secs().to_string())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run crash_sender.py");
    let stdout = sender.stdout.take().expect("piped stdout");
    let reader = std::thread::spawn(move || {
        BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
            .map(|l| serde_json::from_str::<Value>(&l).expect("the sender prints JSON lines"))
            .collect::<Vec<Value>>()
    });

    let mut kills = Kills::new();
    let deadline = Instant::now() + SENDER_DEADLINE;
    for percent in KILL_AT_PERCENT {
        kill_when_stored(
            &mut kills,
            &mut host,
            "plain-a",
            total * percent / 100,
            deadline,
            String::new,
        );
    }
    let status = poll(
        "the sender to finish",
        SENDER_DEADLINE + Duration::from_secs(10),
        || sender.try_wait().expect("wait for the sender"),
    );
    let mut stderr = String::new();
    if let Some(mut e) = sender.stderr.take() {
        e.read_to_string(&mut stderr).expect("the sender's stderr");
    }
    let acks = reader.join().expect("reader thread");
    assert!(status.success(), "crash_sender.py failed ({status}): {stderr}");
    host.stop();

    let stored = Stored::read(&host, "plain-a");
    let (mut acked, mut missing, mut resent) = (0, 0, 0);
    let mut problems = Vec::new();
    for ack in &acks {
        resent += ack["attempts"].as_u64().expect("attempts") - 1;
        for (id, line) in strings(&ack["ids"]).iter().zip(strings(&ack["lines"])) {
            acked += 1;
            let copies = stored.copies.get(&line).map(Vec::as_slice).unwrap_or_default();
            if !copies.contains(id) {
                missing += 1;
                problems.push(format!("{line:?} acknowledged as {id}, stored as {copies:?}"));
            }
            // Any other copy was committed by a host that was then killed, before it answered.
            for other in copies.iter().filter(|c| *c != id && kills.host_of(c) == KILLS) {
                problems.push(format!("{line:?}: copy {other} besides {id} stored by the last host"));
            }
        }
    }
    let duplicates = stored.duplicates_per_kill(&kills);
    eprintln!(
        "crash trial https: {THREADS} clients x {BATCHES_PER_THREAD} batches x {EVENTS_PER_BATCH} events, \
         {KILLS} kills; stored by each host {:?}; acknowledged {acked}, stored {} ({} unique), missing {missing}, \
         duplicates {} (per kill {:?}); {resent} batches sent again; {:.1} s",
        stored.per_host(&kills),
        stored.total,
        stored.copies.len(),
        stored.total - stored.copies.len(),
        &duplicates[..KILLS],
        started.elapsed().as_secs_f64()
    );
    assert!(
        problems.is_empty(),
        "{} problems: {:?}",
        problems.len(),
        &problems[..problems.len().min(10)]
    );
    assert_eq!(
        acks.len(),
        THREADS * BATCHES_PER_THREAD,
        "every batch acknowledged in the end"
    );
    assert_eq!(acked, total);
    assert_eq!(stored.copies.len(), total, "only the lines sent, each at least once");
}
