//! The fleet trial: a 3-node JetStream cluster (an R3 stream) on loopback and two edge nodes;
//! 8 HTTPS clients post batches to both nodes while one NATS node and one edge node are
//! SIGKILLed and restarted. Afterwards every acknowledged event is in the stream exactly once
//! (by `Nats-Msg-Id`), none missing, and `forward status` shows lag 0 on both nodes.

use crate::forward::{nats_server, status, stream_messages, STREAM};
use crate::support::{basic_config, poll, Host, PLAIN_KEY};
use std::collections::BTreeMap;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Duration;

/// Batches of 50 events per client.
const BATCHES: usize = 60;

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// One server of the cluster, restartable on the same ports and store.
struct Node {
    name: String,
    port: u16,
    cluster_port: u16,
    dir: tempfile::TempDir,
    child: Option<Child>,
}

impl Node {
    fn start(&mut self, routes: &str) {
        let cluster = format!("nats://127.0.0.1:{}", self.cluster_port);
        let args = [
            "-n",
            &self.name,
            "--cluster_name",
            "E2E",
            "-cluster",
            &cluster,
            "-routes",
            routes,
        ];
        self.child = Some(nats_server(self.port, &args, self.dir.path()));
    }

    fn kill9(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        self.kill9();
    }
}

/// POST /plain/batch with curl and intake key `key`: the IDs of a 200, `None` otherwise (the
/// client tries again).
pub fn post(url: &str, key: &str, body: &str) -> Option<Vec<String>> {
    let out = Command::new("curl")
        .args([
            "-sk",
            "--max-time",
            "20",
            "-H",
            &format!("X-SEKOIAIO-INTAKE-KEY: {key}"),
        ])
        .args(["--data-binary", "@-", "-w", "\n%{http_code}", url])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child.stdin.take().expect("stdin").write_all(body.as_bytes())?;
            child.wait_with_output()
        })
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let (json, code) = text.rsplit_once('\n')?;
    if code.trim() != "200" {
        return None;
    }
    let value: serde_json::Value = serde_json::from_str(json).ok()?;
    Some(
        value["event_ids"]
            .as_array()?
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect(),
    )
}

#[test]
fn every_acknowledged_event_reaches_an_r3_stream_once_through_node_kills() {
    let mut nodes: Vec<Node> = (1..=3)
        .map(|i| Node {
            name: format!("n{i}"),
            port: free_port(),
            cluster_port: free_port(),
            dir: tempfile::tempdir().expect("temp dir"),
            child: None,
        })
        .collect();
    let routes = nodes
        .iter()
        .map(|n| format!("nats://127.0.0.1:{}", n.cluster_port))
        .collect::<Vec<_>>()
        .join(",");
    for node in &mut nodes {
        node.start(&routes);
    }
    let urls = nodes
        .iter()
        .map(|n| format!("\"nats://127.0.0.1:{}\"", n.port))
        .collect::<Vec<_>>()
        .join(", ");
    let config = format!(
        "{}\n[[forward]]\nname = \"central\"\ntype = \"nats\"\nurls = [{urls}]\nstream = \"{STREAM}\"\nsubject = \"fleet.{{intake}}\"\nreplicas = 3\n",
        basic_config()
    );
    let mut edges = [Host::start(&config), Host::start(&config)];
    for edge in &mut edges {
        edge.pin_ports(&["https"]);
    }
    let targets = [edges[0].url("/plain/batch"), edges[1].url("/plain/batch")];

    let acked: Mutex<Vec<String>> = Mutex::new(Vec::new());
    let retried = AtomicUsize::new(0);
    std::thread::scope(|scope| {
        for client in 0..8usize {
            let (acked, targets, retried) = (&acked, &targets, &retried);
            scope.spawn(move || {
                for batch in 0..BATCHES {
                    let body: Vec<String> = (0..50)
                        .map(|i| format!("client {client} batch {batch} line {i}"))
                        .collect();
                    let body = body.join("\n");
                    // Alternate nodes; a refused or failed request goes to the other node.
                    for attempt in 0..200usize {
                        let url = &targets[(client + batch + attempt) % 2];
                        if let Some(ids) = post(url, PLAIN_KEY, &body) {
                            acked.lock().unwrap_or_else(|p| p.into_inner()).extend(ids);
                            break;
                        }
                        retried.fetch_add(1, Ordering::Relaxed);
                        std::thread::sleep(Duration::from_millis(50));
                    }
                    // Paced, so that the faults below fall while every client still sends.
                    std::thread::sleep(Duration::from_millis(100));
                }
            });
        }
        // The faults, while the clients send.
        std::thread::sleep(Duration::from_millis(1500));
        nodes[1].kill9();
        std::thread::sleep(Duration::from_millis(1500));
        edges[1].kill9();
        std::thread::sleep(Duration::from_millis(500));
        nodes[1].start(&routes);
        edges[1].restart();
    });

    let acked = acked.into_inner().unwrap_or_else(|p| p.into_inner());
    assert_eq!(
        acked.len(),
        8 * BATCHES * 50,
        "every batch was acknowledged once by some node"
    );
    assert!(
        retried.load(Ordering::Relaxed) > 0,
        "the edge node's kill interrupted no request"
    );
    for edge in &edges {
        poll("the node to forward everything", Duration::from_secs(120), || {
            let s = status(edge);
            (s["lag_events"] == 0).then_some(s)
        });
    }
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for (id, _, _) in stream_messages(format!("nats://127.0.0.1:{}", nodes[0].port)) {
        *seen.entry(id).or_default() += 1;
    }
    let twice: Vec<&String> = seen.iter().filter(|(_, n)| **n > 1).map(|(id, _)| id).collect();
    assert!(twice.is_empty(), "in the stream more than once: {twice:?}");
    let missing: Vec<&String> = acked.iter().filter(|id| !seen.contains_key(*id)).collect();
    assert!(
        missing.is_empty(),
        "{} acknowledged events missing, e.g. {:?}",
        missing.len(),
        missing.first()
    );
}
