//! Edge to edge over HTTPS: node A forwards to node B's intake API (`type = "https"`), each
//! event with its ID in `source_ids`, so that B stores it once however often A sends it: through
//! SIGKILLs of both nodes while clients post to A, and through a cursor sent back to the start.
//! And an upstream asking to slow down (429 with `Retry-After`) is waited out.

use crate::fleet::post;
use crate::forward::status;
use crate::support::{basic_config, poll, Host, JSON_KEY, OTHER_KEY, PLAIN_KEY};
use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Batches of 50 lines per client.
const BATCHES: usize = 40;

fn forward_to(upstream: &Host, extra: &str) -> String {
    format!(
        "{}\n[[forward]]\nname = \"upstream\"\ntype = \"https\"\nurl = \"https://{}\"\nca_file = \"{}\"\nbatch_events = 700\n\
         keys = {{ \"plain-a\" = \"{PLAIN_KEY}\", \"other-c\" = \"{PLAIN_KEY}\" }}\n{extra}",
        basic_config(),
        upstream.addr(),
        upstream.pki().ca.display()
    )
}

/// Raw text → how many times `host` stored it in `intake`.
fn raws(host: &Host, intake: &str) -> BTreeMap<String, usize> {
    let mut seen = BTreeMap::new();
    host.for_each_event(intake, |e| {
        *seen.entry(e["raw"].as_str().expect("raw").to_string()).or_default() += 1;
    });
    seen
}

#[test]
fn every_event_a_acknowledged_is_stored_once_on_b() {
    let mut b = Host::start(&basic_config());
    b.pin_ports(&["https"]);
    let mut a = Host::start(&forward_to(&b, ""));
    a.pin_ports(&["https"]);
    let target = a.url("/plain/batch");

    // 3 clients on one intake, 1 on another (both forwarded into B's plain-a), 1 on an intake
    // without an upstream key (never forwarded), while B then A are SIGKILLed and restarted.
    let acked: Mutex<Vec<String>> = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for client in 0..5usize {
            let (acked, target) = (&acked, &target);
            scope.spawn(move || {
                let key = [PLAIN_KEY, PLAIN_KEY, PLAIN_KEY, OTHER_KEY, JSON_KEY][client];
                for batch in 0..BATCHES {
                    let lines: Vec<String> = (0..50)
                        .map(|i| match client {
                            4 => format!(r#"{{"client":4,"batch":{batch},"line":{i}}}"#),
                            _ => format!("client {client} batch {batch} line {i}"),
                        })
                        .collect();
                    let body = lines.join("\n");
                    let ok = (0..400).any(|_| {
                        let done = post(target, key, &body).is_some();
                        if !done {
                            std::thread::sleep(Duration::from_millis(50));
                        }
                        done
                    });
                    assert!(ok, "client {client} batch {batch} never acknowledged");
                    if client < 4 {
                        acked.lock().unwrap_or_else(|p| p.into_inner()).extend(lines);
                    }
                    std::thread::sleep(Duration::from_millis(60));
                }
            });
        }
        std::thread::sleep(Duration::from_millis(1200));
        b.kill9();
        std::thread::sleep(Duration::from_millis(1500));
        b.restart();
        std::thread::sleep(Duration::from_millis(800));
        a.kill9();
        std::thread::sleep(Duration::from_millis(300));
        a.restart();
    });

    let caught_up = poll("A to forward everything", Duration::from_secs(120), || {
        let s = status(&a);
        (s["lag_events"] == 0 && s["cursor"] == s["stored"]).then_some(s)
    });
    assert_eq!(caught_up["type"], "https", "{caught_up}");
    assert_eq!(caught_up["last_error"], serde_json::Value::Null, "{caught_up}");

    // What A stored of the forwarded intakes (a client's retry after a lost answer may have
    // stored a batch twice on A: each of A's events is one event on B).
    let mut on_a = raws(&a, "plain-a");
    for (raw, n) in raws(&a, "other-c") {
        *on_a.entry(raw).or_default() += n;
    }
    let on_b = raws(&b, "plain-a");
    let acked = acked.into_inner().unwrap_or_else(|p| p.into_inner());
    assert_eq!(acked.len(), 4 * BATCHES * 50);
    let missing: Vec<&String> = acked.iter().filter(|raw| !on_b.contains_key(*raw)).collect();
    assert!(
        missing.is_empty(),
        "{} acknowledged events missing on B, e.g. {:?}",
        missing.len(),
        missing.first()
    );
    assert_eq!(on_b, on_a, "B holds each event A stored, as many times as A stored it");
    assert_eq!(
        raws(&b, "json-b").len(),
        0,
        "an intake without an upstream key stays on A"
    );
    assert_eq!(raws(&b, "other-c").len(), 0, "keys route other-c into B's plain-a");

    // Back to the start: A sends everything again; B stores nothing twice, and says so.
    let total: usize = on_a.values().sum();
    let before = b.metric(r#"intake_edge_duplicate_events_total{intake="plain-a"}"#);
    a.stop();
    let conn = rusqlite::Connection::open(a.data_dir.join("events.sqlite3")).expect("open A's store");
    conn.execute("UPDATE forward_cursors SET seq = 0", []).expect("rewind");
    drop(conn);
    a.restart();
    poll("A to send everything again", Duration::from_secs(120), || {
        let s = status(&a);
        (s["lag_events"] == 0 && s["cursor"] == s["stored"]).then_some(())
    });
    assert_eq!(raws(&b, "plain-a"), on_b, "nothing stored twice on B");
    let after = b.metric(r#"intake_edge_duplicate_events_total{intake="plain-a"}"#);
    assert_eq!(
        after - before,
        total as u64,
        "every resent event counted as a duplicate"
    );
    for host in [&a, &b] {
        assert!(!host.log().dump().contains("e2e-plain-key"), "an intake key in a log");
    }
}

/// A fake upstream (Python's `http.server` over TLS with the test CA's certificate) answers the
/// first request 429 with `Retry-After: 2`, then 200: the batch is sent again after 2 s, the
/// same body, and counted as throttled.
#[test]
fn a_429_with_retry_after_is_waited_out() {
    let host = Host::start(&basic_config());
    let dir = tempfile::tempdir().expect("temp dir");
    let log = dir.path().join("requests.jsonl");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port");
    let mut server = std::process::Command::new("python3")
        .arg("-c")
        .arg(FAKE_UPSTREAM)
        .args([
            port.to_string(),
            host.pki().cert.display().to_string(),
            host.pki().key.display().to_string(),
        ])
        .arg(&log)
        .spawn()
        .expect("python3");
    poll("the fake upstream to listen", Duration::from_secs(60), || {
        std::net::TcpStream::connect(("127.0.0.1", port)).ok()
    });
    let config = format!(
        "{}\n[[forward]]\nname = \"upstream\"\ntype = \"https\"\nurl = \"https://localhost:{port}/v1\"\nca_file = \"{}\"\ngzip = false\nkeys = {{ \"plain-a\" = \"remote-key-1\" }}\n",
        basic_config(),
        host.pki().ca.display()
    );
    host.write_config(&config);
    host.post("/plain/batch")
        .key(PLAIN_KEY)
        .body("one\ntwo")
        .send()
        .expect(200);
    let started = Instant::now();
    let requests: Vec<serde_json::Value> = poll("two requests upstream", Duration::from_secs(30), || {
        let text = std::fs::read_to_string(&log).unwrap_or_default();
        let lines: Vec<serde_json::Value> = text.lines().filter_map(|l| serde_json::from_str(l).ok()).collect();
        (lines.len() >= 2).then_some(lines)
    });
    let (first, second) = (&requests[0], &requests[1]);
    assert_eq!(first["path"], "/v1/batch");
    assert_eq!(first["key"], "remote-key-1");
    assert_eq!(first["body"], second["body"], "the same batch again");
    let body: serde_json::Value = serde_json::from_str(first["body"].as_str().expect("body")).expect("JSON body");
    assert_eq!(body["jsons"], serde_json::json!(["one", "two"]));
    let waited = second["at"].as_f64().expect("time") - first["at"].as_f64().expect("time");
    assert!(waited >= 1.9, "the retry came {waited:.2} s after the 429");
    assert!(started.elapsed() < Duration::from_secs(30));
    let s = poll("the forwarder to catch up", Duration::from_secs(60), || {
        let s = status(&host);
        (s["lag_events"] == 0).then_some(s)
    });
    // Only now: the second request is logged when it arrives, before its answer is sent.
    let _ = server.kill();
    let _ = server.wait();
    assert_eq!(s["forwarded"], 2, "{s}");
    assert_eq!(
        host.metric(r#"intake_edge_forward_throttled_total{forward="upstream"}"#),
        1
    );
    assert!(!host.log().dump().contains("remote-key-1"), "the upstream key in a log");
}

const FAKE_UPSTREAM: &str = r#"
import http.server, json, ssl, sys, time
port, cert, key, log = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
seen = []
class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"])).decode()
        seen.append(1)
        with open(log, "a") as f:
            f.write(json.dumps({"at": time.time(), "path": self.path, "body": body,
                                "key": self.headers.get("X-SEKOIAIO-INTAKE-KEY")}) + "\n")
        if len(seen) == 1:
            answer, status, extra = b'{"error":"slow down"}', 429, [("Retry-After", "2")]
        else:
            n = len(json.loads(body)["jsons"])
            answer, status, extra = json.dumps({"event_ids": [str(i) for i in range(n)]}).encode(), 200, []
        self.send_response(status)
        for k, v in extra:
            self.send_header(k, v)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)
    def log_message(self, *args):
        pass
server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.load_cert_chain(cert, key)
server.socket = context.wrap_socket(server.socket, server_side=True)
server.serve_forever()
"#;
