//! Attackers without a key (issue 10's probes): what one request or one connection can cost
//! the node before its key is checked, in memory, CPU and time. Each probe prints its figure.

use crate::support::tls::{client_config, TlsClient};
use crate::support::*;
use std::net::IpAddr;
use std::time::{Duration, Instant};

const UNKNOWN_KEY: &str = "e2e-unknown-key-uuuuuuuuuuuuuuuu";

/// Peak resident memory since the last reset (`VmHWM`), in KiB.
fn peak_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("read /proc/PID/status");
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmHWM in /proc/PID/status")
}

/// Starts a new peak: `VmHWM` becomes the current RSS (Linux ≥ 4.0).
fn reset_peak(pid: u32) {
    std::fs::write(format!("/proc/{pid}/clear_refs"), "5").expect("reset VmHWM through /proc/PID/clear_refs");
}

/// User + system CPU seconds the server has used.
fn cpu_secs(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).expect("read /proc/PID/stat");
    let fields: Vec<&str> = stat.rsplit_once(") ").expect("stat format").1.split(' ').collect();
    // utime and stime are fields 14 and 15 of stat, 12 and 13 after the name.
    let ticks: u64 = fields[11].parse::<u64>().expect("utime") + fields[12].parse::<u64>().expect("stime");
    ticks as f64 / clock_ticks()
}

fn clock_ticks() -> f64 {
    let out = std::process::Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .expect("getconf");
    String::from_utf8_lossy(&out.stdout).trim().parse().expect("CLK_TCK")
}

/// A `/batch` body: `key_bytes` of key, `events` tiny events.
fn batch_body(key_bytes: usize, events: usize) -> Vec<u8> {
    let mut body = format!(
        r#"{{"intake_key":"{}","@timestamp":"2026-11-22T10:00:00Z","jsons":["#,
        "k".repeat(key_bytes)
    );
    for i in 0..events {
        body.push_str(if i == 0 { r#""a""# } else { r#","a""# });
    }
    body.push_str("]}");
    body.into_bytes()
}

/// The probes of issue 10 against `/batch`, `/plain/batch`, `/array` and `/jsons`, gzip
/// compressed to a few KiB each: none may grow the server by more than 200 MiB.
#[test]
fn compressed_bodies_without_a_valid_key_cost_about_their_size() {
    let host = Host::start(&basic_config());
    let pid = host.pid();
    // Let the start-up settle, then measure from the idle resident size.
    std::thread::sleep(Duration::from_millis(500));
    let idle_kib = host.rss_kib();
    reset_peak(pid);

    // The issue's probe: a 100 KB key and 20,000 events, an unknown key in the body (403).
    host.post("/batch")
        .json_bytes(batch_body(100_000, 20_000))
        .gzip()
        .send()
        .expect_error(403, "unknown intake key");
    // Scaled to the 10 MiB limit: refused at the event count, whatever the key (413).
    host.post("/batch")
        .json_bytes(batch_body(100_000, 2_500_000))
        .gzip()
        .send()
        .expect_error(413, "events in one request");
    // Lines and arrays of tiny events: 10 MiB decompressed each.
    let lines = "a\n".repeat(5 << 20);
    host.post("/plain/batch")
        .key(UNKNOWN_KEY)
        .body(lines.clone())
        .gzip()
        .send()
        .expect_error(403, "unknown intake key");
    host.post("/plain/batch")
        .body(lines)
        .gzip()
        .send()
        .expect_error(401, "no intake key");
    let mut array = String::from("[");
    while array.len() < 10_000_000 {
        array.push_str(r#"{"intake_key":"k","json":"a"},"#);
    }
    array.push_str(r#"{"json":"a"}]"#);
    host.post("/array")
        .json_bytes(array.into_bytes())
        .gzip()
        .send()
        .expect_error(413, "events in one request");
    let jsons = format!("[{}\"a\"]", "\"a\",".repeat(2_500_000));
    host.post("/jsons")
        .key(PLAIN_KEY)
        .json_bytes(jsons.into_bytes())
        .gzip()
        .send()
        .expect_error(413, "events in one request");

    let peak = peak_kib(pid);
    let over = peak.saturating_sub(idle_kib);
    eprintln!("probe /batch and friends: idle RSS {idle_kib} KiB, peak {peak} KiB, {over} KiB over idle");
    assert!(
        over < 200 * 1024,
        "the compressed probes grew the server by {over} KiB (idle {idle_kib} KiB, peak {peak} KiB)"
    );
    // The node still serves.
    let id = host
        .post("/plain")
        .key(PLAIN_KEY)
        .body("after the probes")
        .send()
        .event_id();
    assert_plain_ok(&host.events_get(&id), "after the probes");
}

/// `?path=` with thousands of steps over 2 MB of nested JSON: refused from the path alone, and
/// the deepest allowed path is walked in one pass.
#[test]
fn deep_json_paths_cost_linear_time() {
    let host = Host::start(&basic_config());
    let pid = host.pid();
    let depth = 400_000;
    let nested = format!("{}[\"a\"]{}", r#"{"a":"#.repeat(depth), "}".repeat(depth));
    assert!(nested.len() > 2_000_000);
    let before = cpu_secs(pid);
    let started = Instant::now();

    let long_path = format!("${}", ".a".repeat(8_000));
    host.post(&format!("/jsons?path={long_path}"))
        .key(PLAIN_KEY)
        .json_bytes(nested.clone().into_bytes())
        .send()
        .expect_error(400, "path of 16001 bytes, over the limit of 1024");
    // The longest path allowed, valid key: one pass, then "not an array" at step 32.
    let deep_path = format!("${}", ".a".repeat(32));
    host.post(&format!("/jsons?path={deep_path}"))
        .key(PLAIN_KEY)
        .json_bytes(nested.clone().into_bytes())
        .send()
        .expect_error(400, "not a JSON array");
    // No key: refused before the body is parsed.
    host.post(&format!("/jsons?path={deep_path}"))
        .key(UNKNOWN_KEY)
        .json_bytes(nested.into_bytes())
        .send()
        .expect_error(403, "unknown intake key");

    let cpu = cpu_secs(pid) - before;
    eprintln!(
        "probe /jsons?path: {cpu:.2} s of server CPU for 3 requests of 2 MB nested {depth} deep ({:.2} s wall)",
        started.elapsed().as_secs_f64()
    );
    assert!(cpu < 0.5, "the path probes took {cpu:.2} s of server CPU");
}

/// `[limits]` with short timeouts, so that the probes finish fast.
const SHORT_TIMEOUTS: &str = r#"
[limits]
first_byte_timeout_secs = 2
body_timeout_secs = 2
idle_timeout_secs = 4
write_timeout_secs = 2
"#;

/// A TLS connection that sends nothing, a request head promising a body that never comes, and
/// an HTTP/2 connection that answers PINGs but sends no request are all closed in time.
#[test]
fn silent_bodyless_and_idle_connections_are_closed_in_time() {
    let host = Host::start(&format!("{}{SHORT_TIMEOUTS}", basic_config()));

    // Handshake, then silence: closed at limits.first_byte_timeout_secs.
    let since = Instant::now();
    let mut silent = TlsClient::connect(host.addr(), &host.ca);
    let (closed, got) = silent.closed_within(Duration::from_secs(10));
    let silent_secs = since.elapsed().as_secs_f64();
    assert!(closed && got.is_empty(), "the silent connection got {got:?}");
    assert!(
        (1.8..3.5).contains(&silent_secs),
        "silent connection closed after {silent_secs:.2} s"
    );

    // A head with Content-Length: 10 and no body: 408 at limits.body_timeout_secs, then closed.
    let since = Instant::now();
    let mut bodyless = TlsClient::connect(host.addr(), &host.ca);
    bodyless.send(
        format!(
            "POST /plain HTTP/1.1\r\nHost: localhost\r\nX-SEKOIAIO-INTAKE-KEY: {PLAIN_KEY}\r\nContent-Length: 10\r\n\r\n"
        )
        .as_bytes(),
    );
    let (answer, end) = bodyless.read_to_end(Duration::from_secs(10));
    let bodyless_secs = since.elapsed().as_secs_f64();
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("the request body stalled: 0 bytes"), "{answer}");
    assert!(end.closed(), "the connection stayed open after the 408");
    assert!(
        (1.8..3.5).contains(&bodyless_secs),
        "body-less request closed after {bodyless_secs:.2} s"
    );

    // HTTP/2 without a request, PINGs answered: closed at limits.idle_timeout_secs.
    let since = Instant::now();
    let mut h2 = TlsClient::connect(host.addr(), &host.ca);
    let (pings, goaway) = h2_idle_session(&mut h2, Duration::from_secs(15));
    let h2_secs = since.elapsed().as_secs_f64();
    assert!(goaway, "no GOAWAY from the idle HTTP/2 connection");
    assert!(
        (3.8..6.0).contains(&h2_secs),
        "idle HTTP/2 connection closed after {h2_secs:.2} s"
    );
    eprintln!(
        "probe timeouts: silent TLS closed after {silent_secs:.2} s (first_byte_timeout 2 s), body-less request \
         after {bodyless_secs:.2} s (body_timeout 2 s), idle HTTP/2 after {h2_secs:.2} s with {pings} PINGs \
         answered (idle_timeout 4 s)"
    );
    let id = host
        .post("/plain")
        .key(PLAIN_KEY)
        .body("still serving")
        .send()
        .event_id();
    assert_plain_ok(&host.events_get(&id), "still serving");
}

/// Speaks just enough HTTP/2 to stay alive without a request: the preface, SETTINGS and their
/// ACK, PING ACKs. Returns the PINGs answered and whether the server sent GOAWAY before closing.
fn h2_idle_session(c: &mut TlsClient, timeout: Duration) -> (usize, bool) {
    let frame = |kind: u8, flags: u8, payload: &[u8]| {
        let len = payload.len() as u32;
        let mut f = vec![(len >> 16) as u8, (len >> 8) as u8, len as u8, kind, flags, 0, 0, 0, 0];
        f.extend_from_slice(payload);
        f
    };
    let mut hello = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".to_vec();
    hello.extend(frame(4, 0, &[]));
    c.send(&hello);
    let deadline = Instant::now() + timeout;
    let (mut buf, mut pings, mut goaway) = (Vec::new(), 0, false);
    loop {
        while buf.len() >= 9 {
            let len = (usize::from(buf[0]) << 16) | (usize::from(buf[1]) << 8) | usize::from(buf[2]);
            if buf.len() < 9 + len {
                break;
            }
            let (kind, flags) = (buf[3], buf[4]);
            let payload = buf[9..9 + len].to_vec();
            buf.drain(..9 + len);
            match (kind, flags & 1) {
                (4, 0) => c.send(&frame(4, 1, &[])),
                (6, 0) => {
                    pings += 1;
                    c.send(&frame(6, 1, &payload));
                }
                (7, _) => goaway = true,
                _ => {}
            }
        }
        let now = Instant::now();
        if now >= deadline {
            return (pings, goaway);
        }
        let (got, end) = c.read_until(deadline - now, |b| !b.is_empty());
        buf.extend_from_slice(&got);
        if end.closed() {
            return (pings, goaway);
        }
    }
}

/// One source address holds at most `limits.max_connections_per_source` connections; others
/// are served meanwhile.
#[test]
fn connections_per_source_address_are_capped() {
    let host = Host::start(&format!(
        "{}\n[limits]\nmax_connections_per_source = 5\nfirst_byte_timeout_secs = 30\n",
        basic_config()
    ));
    let config = tls_client_config(&host);
    let local: IpAddr = "127.0.0.1".parse().expect("ip");
    let held: Vec<TlsClient> = (0..5)
        .map(|_| TlsClient::try_connect_from(host.addr(), config.clone(), Some(local)).expect("within the cap"))
        .collect();
    // The sixth from the same address is closed before TLS.
    let refused = TlsClient::try_connect_from(host.addr(), config.clone(), Some(local));
    assert!(refused.is_err(), "a sixth connection from 127.0.0.1 was accepted");
    // The same cap counts syslog connections too: one per-source budget for the node.
    let refused = TlsClient::try_connect_from(host.syslog_addr(), config.clone(), Some(local));
    assert!(
        refused.is_err(),
        "a syslog connection over the source's cap was accepted"
    );
    // Another source is served.
    let other: IpAddr = "127.0.0.2".parse().expect("ip");
    let mut c = TlsClient::try_connect_from(host.addr(), config.clone(), Some(other)).expect("another source");
    c.send(
        format!(
            "POST /plain HTTP/1.1\r\nHost: localhost\r\nX-SEKOIAIO-INTAKE-KEY: {PLAIN_KEY}\r\nContent-Length: 5\r\n\r\nhello"
        )
        .as_bytes(),
    );
    let (answer, _) = c.read_until(Duration::from_secs(10), |b| b.windows(10).any(|w| w == b"event_id\":"));
    assert!(String::from_utf8_lossy(&answer).starts_with("HTTP/1.1 200"));
    // Closing one frees its slot.
    drop(held);
    poll("a freed slot for 127.0.0.1", Duration::from_secs(10), || {
        TlsClient::try_connect_from(host.addr(), config.clone(), Some(local)).ok()
    });
    let metrics = metrics(&host);
    for listener in ["https", "syslog"] {
        let line = format!(
            r#"intake_edge_rejected_total{{listener="{listener}",reason="too many connections from one source"}} "#
        );
        let count: u64 = metrics
            .lines()
            .find_map(|l| l.strip_prefix(&line))
            .and_then(|n| n.parse().ok())
            .unwrap_or(0);
        assert!(count >= 1, "no refusal counted for {listener}: {metrics}");
    }
}

/// A body arriving slower than `limits.min_body_rate_bytes` after the grace period gets a 408;
/// the node's memory budget makes a request that cannot get its bytes wait, then answer 503.
#[test]
fn slow_bodies_and_the_memory_budget() {
    let host = Host::start(&format!(
        "{}\n[limits]\nbody_timeout_secs = 2\nmin_body_rate_bytes = 1000\nmax_buffered_bytes = 100000\n[store]\nenqueue_timeout_ms = 500\n",
        basic_config()
    ));
    // A slow body holds 90 KB of the 100 KB budget while it trickles in.
    let mut slow = TlsClient::connect(host.addr(), &host.ca);
    slow.send(
        format!(
            "POST /plain HTTP/1.1\r\nHost: localhost\r\nX-SEKOIAIO-INTAKE-KEY: {PLAIN_KEY}\r\nContent-Length: 90000\r\n\r\n"
        )
        .as_bytes(),
    );
    slow.send(&[b'x'; 1000]);
    // Meanwhile a 20 KB request cannot get its bytes: 503 after the enqueue timeout.
    let started = Instant::now();
    host.post("/plain")
        .key(PLAIN_KEY)
        .body("y".repeat(20_000))
        .send()
        .expect_error(503, "the node holds its limit of 100000 bytes");
    assert!(started.elapsed() >= Duration::from_millis(450));
    let gauges = metrics(&host);
    assert!(gauges.contains("\nintake_edge_buffered_bytes 90000\n"), "{gauges}");
    assert!(
        gauges.contains("\nintake_edge_buffered_bytes_limit 100000\n"),
        "{gauges}"
    );
    // Small requests still fit.
    let id = host.post("/plain").key(PLAIN_KEY).body("small").send().event_id();
    assert_plain_ok(&host.events_get(&id), "small");
    // The slow body keeps about 500 bytes/s: under the rate once the 2 s grace has passed.
    let since = Instant::now();
    let mut answer = Vec::new();
    while since.elapsed() < Duration::from_secs(15) {
        if slow.try_send(&[b'x'; 250]).is_err() {
            break;
        }
        let (got, end) = slow.read_until(Duration::from_millis(500), |b| !b.is_empty());
        answer.extend(got);
        if end.closed() || !answer.is_empty() {
            break;
        }
    }
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    // Its bytes are back in the budget.
    host.post("/plain")
        .key(PLAIN_KEY)
        .body("z".repeat(90_000))
        .send()
        .event_id();
}

fn tls_client_config(host: &Host) -> std::sync::Arc<rustls::ClientConfig> {
    client_config(&host.ca, None)
}

/// The admin listener's Prometheus text.
fn metrics(host: &Host) -> String {
    let out = std::process::Command::new("curl")
        .args([
            "-sS",
            "--max-time",
            "10",
            &format!("http://{}/metrics", host.admin_addr()),
        ])
        .output()
        .expect("run curl");
    String::from_utf8_lossy(&out.stdout).into_owned()
}
