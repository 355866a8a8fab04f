//! Crash trials: on each protocol, real senders keep sending while the host is killed with
//! SIGKILL three times and restarted on the same ports and data directory; once the senders
//! are done, the store (read with the CLI) is compared with what they were told was delivered.
//!
//! Every stored event is attributed to the host that stored it by the millisecond in its
//! UUIDv7: the IDs of a killed host are no later than the moment it was dead, those of its
//! successor later than that. A payload stored twice is a duplicate, charged to the kill that
//! ended the host which stored its first copy (committed, but the sender was never told).
//! Each trial prints one `crash trial …` line with its figures.

mod https;
mod relp;
mod rsyslog;
mod syslog;

use crate::support::Host;
use std::collections::HashMap;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// Kills per trial.
const KILLS: usize = 3;
/// The host is killed once this share (per cent) of the trial's events is stored.
const KILL_AT_PERCENT: [usize; KILLS] = [20, 45, 70];

/// What a trial did to its host: the Unix milliseconds at which each killed host was dead, and
/// for a watched listener, the bytes in its TCP connections at the kill.
pub struct Kills {
    dead_at_ms: Vec<u64>,
    watch: Option<Watch>,
    /// Per kill: (bytes received by the host's kernel and not yet read by the host, bytes the
    /// sender's kernel still held to send), over the watched listener's connections.
    pub queued: Vec<(u64, u64)>,
}

struct Watch {
    port: u16,
    sender_pid: u32,
}

impl Kills {
    fn new() -> Kills {
        Kills {
            dead_at_ms: Vec::new(),
            watch: None,
            queued: Vec::new(),
        }
    }

    /// Also notes what the connections from process `sender_pid` to listener `port` hold in
    /// socket buffers at each kill.
    fn watching(port: u16, sender_pid: u32) -> Kills {
        Kills {
            watch: Some(Watch { port, sender_pid }),
            ..Kills::new()
        }
    }

    /// Kills the host with SIGKILL, notes when it was dead, and starts it again on the same
    /// configuration (pinned ports) and data.
    fn kill_and_restart(&mut self, host: &mut Host) {
        if let Some(w) = &self.watch {
            // Both ends stopped, nothing enters or leaves the socket buffers between the look
            // at them and the kill: the sender resumes (and finds the host gone) afterwards.
            signal(w.sender_pid, "STOP");
            host.signal("STOP");
            self.queued.push(socket_queues(w.port));
            host.kill9();
            signal(w.sender_pid, "CONT");
        } else {
            host.kill9();
        }
        self.dead_at_ms.push(unix_ms());
        host.restart();
    }

    /// Which host stored an event: 0 for the first (killed first), `KILLS` for the last one.
    fn host_of(&self, id: &str) -> usize {
        let ms = id_ms(id);
        self.dead_at_ms.iter().take_while(|dead| ms > **dead).count()
    }
}

/// Waits until `intake` holds at least `n` events (any copy counts), then kills and restarts.
fn kill_when_stored(
    kills: &mut Kills,
    host: &mut Host,
    intake: &str,
    n: usize,
    deadline: Instant,
    why: impl Fn() -> String,
) {
    loop {
        if host.stored_count(Some(intake)).unwrap_or(0) >= n {
            break;
        }
        assert!(Instant::now() < deadline, "{n} events never stored: {}", why());
        std::thread::sleep(Duration::from_millis(10));
    }
    kills.kill_and_restart(host);
}

/// How many distinct payloads `intake` holds: a progress probe while senders run (RELP resends
/// after a crash, so copies are not progress), through the CLI.
fn distinct_stored(host: &Host, intake: &str) -> Option<usize> {
    let mut payloads = std::collections::HashSet::new();
    host.for_each_event(intake, |event| {
        if let Some(raw) = event["raw"].as_str() {
            payloads.insert(raw.to_string());
        }
    });
    Some(payloads.len())
}

/// The stored events of a trial, by payload.
pub struct Stored {
    /// Payload → IDs of its copies, oldest first.
    pub copies: HashMap<String, Vec<String>>,
    pub total: usize,
}

impl Stored {
    /// Every event of `intake`, read with `intake-edge events list`.
    fn read(host: &Host, intake: &str) -> Stored {
        let mut copies: HashMap<String, Vec<String>> = HashMap::new();
        let mut total = 0;
        host.for_each_event(intake, |ev| {
            let id = ev["id"].as_str().expect("an id").to_string();
            let raw = ev["raw"].as_str().expect("a raw event").to_string();
            copies.entry(raw).or_default().push(id);
            total += 1;
        });
        for ids in copies.values_mut() {
            ids.sort();
        }
        Stored { copies, total }
    }

    /// Events stored by each host (index as [`Kills::host_of`]).
    fn per_host(&self, kills: &Kills) -> Vec<usize> {
        let mut n = vec![0; KILLS + 1];
        for id in self.copies.values().flatten() {
            n[kills.host_of(id)] += 1;
        }
        n
    }

    /// Extra copies, charged to the kill of the host that stored the first copy (index
    /// `KILLS`: the last host, which was never killed).
    fn duplicates_per_kill(&self, kills: &Kills) -> Vec<usize> {
        let mut n = vec![0; KILLS + 1];
        for ids in self.copies.values().filter(|ids| ids.len() > 1) {
            n[kills.host_of(&ids[0])] += ids.len() - 1;
        }
        n
    }
}

fn port_of(addr: &str) -> u16 {
    addr.rsplit_once(':').and_then(|(_, p)| p.parse().ok()).expect("a port")
}

/// The millisecond timestamp of a UUIDv7 (its first 48 bits).
fn id_ms(id: &str) -> u64 {
    let hex: String = id.chars().filter(|c| *c != '-').take(12).collect();
    u64::from_str_radix(&hex, 16).unwrap_or_else(|_| panic!("not a UUID: {id}"))
}

fn unix_ms() -> u64 {
    let since = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("a clock after 1970");
    u64::try_from(since.as_millis()).expect("milliseconds fit in u64")
}

/// (receive queue of the sockets whose local port is `port`, send queue of those whose remote
/// port is `port`), in bytes, over established IPv4 connections (`/proc/net/tcp`).
fn socket_queues(port: u16) -> (u64, u64) {
    let text = std::fs::read_to_string("/proc/net/tcp").expect("read /proc/net/tcp");
    let port_of = |addr: &str| addr.rsplit_once(':').and_then(|(_, p)| u16::from_str_radix(p, 16).ok());
    let (mut rx, mut tx) = (0, 0);
    for line in text.lines().skip(1) {
        let cols: Vec<&str> = line.split_whitespace().collect();
        // sl local rem st tx_queue:rx_queue …; state 01 is ESTABLISHED.
        let (Some(local), Some(remote), Some("01"), Some(queues)) =
            (cols.get(1), cols.get(2), cols.get(3).copied(), cols.get(4))
        else {
            continue;
        };
        let Some((t, r)) = queues.split_once(':') else { continue };
        let (t, r) = (
            u64::from_str_radix(t, 16).unwrap_or(0),
            u64::from_str_radix(r, 16).unwrap_or(0),
        );
        if port_of(local) == Some(port) {
            rx += r;
        } else if port_of(remote) == Some(port) {
            tx += t;
        }
    }
    (rx, tx)
}

fn signal(pid: u32, signal: &str) {
    let status = std::process::Command::new("kill")
        .args(["-s", signal, &pid.to_string()])
        .status()
        .expect("run kill");
    assert!(status.success(), "kill -s {signal} {pid} failed");
}
