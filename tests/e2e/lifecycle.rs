//! The server's life: reload on SIGHUP, graceful stop, crash, first start, and the offline
//! subcommands (`check`, `formats list`).

use crate::support::*;
use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const RELOAD_TIMEOUT: Duration = Duration::from_secs(5);
const NEW_KEY: &str = "e2e-new-key-nnnnnnnnnnnnnnnnnnn";

fn plain_format() -> &'static str {
    "[formats.plain]\ncomponent = \"builtin:plain\"\n\n"
}

#[test]
fn sighup_adds_intakes_refuses_bad_files_and_removes_intakes() {
    let a = intake("plain-a", "plain", "ent-a", PLAIN_KEY);
    let b = intake("new-b", "plain", "ent-b", NEW_KEY);
    let mut host = Host::start(&format!("{}{a}", plain_format()));
    let kept = host
        .post("/plain")
        .key(PLAIN_KEY)
        .body("before reloads")
        .send()
        .event_id();
    host.post("/plain")
        .key(NEW_KEY)
        .body("too early")
        .send()
        .expect_error(403, "unknown intake key");

    // Add an intake.
    let from = host.log().len();
    host.write_config(&format!("{}{a}\n{b}", plain_format()));
    host.sighup();
    let reloaded = host.log().wait_for(from, "Registry reloaded.", RELOAD_TIMEOUT);
    assert_eq!(reloaded["fields"]["intakes"], 2, "{reloaded}");
    assert_eq!(
        reloaded["fields"]["recompiled"], "[]",
        "an unchanged format is not recompiled: {reloaded}"
    );
    let id = host
        .post("/plain")
        .http2()
        .key(NEW_KEY)
        .body("after adding")
        .send()
        .event_id();
    assert_event(&host.events_get(&id), &id, "new-b", "ent-b", "plain", "after adding");

    // An invalid file is refused; both keys keep working.
    for bad in [
        "this is not TOML [".to_string(),
        format!("{}{a}\n{}", plain_format(), intake("dup", "plain", "ent", PLAIN_KEY)),
        // A format that is neither declared nor a builtin.
        format!(
            "{}{a}\n{}",
            plain_format(),
            intake("odd", "no-such-format", "ent", "odd-key-0123456789abcdef")
        ),
    ] {
        let from = host.log().len();
        host.write_raw_config(&bad);
        host.sighup();
        let refused = host.log().wait_for(from, "Reload refused", RELOAD_TIMEOUT);
        assert_eq!(refused["level"], "ERROR", "{refused}");
        for key in [PLAIN_KEY, NEW_KEY] {
            host.post("/plain")
                .key(key)
                .body("after a refused reload")
                .send()
                .event_id();
        }
    }

    // Remove an intake: its key is refused, its events stay readable.
    let from = host.log().len();
    host.write_config(&format!("{}{b}", plain_format()));
    host.sighup();
    let reloaded = host.log().wait_for(from, "Registry reloaded.", RELOAD_TIMEOUT);
    assert_eq!(reloaded["fields"]["intakes"], 1, "{reloaded}");
    let before = host.event_count();
    host.post("/plain")
        .key(PLAIN_KEY)
        .body("after removal")
        .send()
        .expect_error(403, "unknown intake key");
    assert_eq!(host.event_count(), before);
    let ev = host.events_get(&kept);
    assert_event(&ev, &kept, "plain-a", "ent-a", "plain", "before reloads");
    assert_plain_ok(&ev, "before reloads");
    assert_eq!(host.events_list(&["--intake", "plain-a"]).len(), 4);
    host.post("/plain").key(NEW_KEY).body("still open").send().event_id();
    host.stop();
}

/// Reads the sender script's acknowledgements: (ID, raw line) pairs.
fn acked_pairs(acks: &[Value]) -> Vec<(String, String)> {
    acks.iter()
        .flat_map(|a| strings(&a["ids"]).into_iter().zip(strings(&a["lines"])))
        .collect()
}

#[test]
fn sigterm_while_clients_send_keeps_every_acknowledged_event() {
    let mut host = Host::start(&basic_config());
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("python/sender.py");
    let mut sender = Command::new("python3")
        .arg(&script)
        .args([&host.url(""), &host.ca.display().to_string(), PLAIN_KEY, "py"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run sender.py");
    let acks: Arc<Mutex<Vec<Value>>> = Arc::default();
    let reader = {
        let acks = acks.clone();
        let stdout = sender.stdout.take().expect("piped stdout");
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let v: Value = serde_json::from_str(&line).expect("sender prints JSON lines");
                acks.lock().unwrap_or_else(|p| p.into_inner()).push(v);
            }
        })
    };
    let curl_acked: Mutex<Vec<(String, String)>> = Mutex::default();
    std::thread::scope(|s| {
        // An HTTP/2 sender beside the HTTP/1.1 keep-alive one.
        s.spawn(|| {
            for n in 0.. {
                let lines: Vec<String> = (0..5).map(|i| format!("curl {n} line {i}")).collect();
                match host
                    .post("/plain/batch")
                    .http2()
                    .key(PLAIN_KEY)
                    .body(lines.join("\n"))
                    .try_send()
                {
                    Ok(r) if r.status == 200 => {
                        let ids = r.event_ids();
                        curl_acked
                            .lock()
                            .unwrap_or_else(|p| p.into_inner())
                            .extend(ids.into_iter().zip(lines));
                    }
                    _ => break,
                }
            }
        });
        poll(
            "acknowledged requests from both senders",
            Duration::from_secs(30),
            || {
                let py = acks.lock().unwrap_or_else(|p| p.into_inner()).len();
                let curl = curl_acked.lock().unwrap_or_else(|p| p.into_inner()).len();
                (py >= 5 && curl >= 10).then_some(())
            },
        );
        host.signal("TERM");
    });
    let status = host.wait_exit(Duration::from_secs(60));
    assert_eq!(
        status.and_then(|s| s.code()),
        Some(0),
        "graceful stop; log:\n{}",
        host.log().dump()
    );
    let sender_status = sender.wait().expect("sender exits");
    reader.join().expect("reader thread");
    assert!(sender_status.success(), "sender.py failed: {sender_status}");
    host.log().wait_for(0, "Shutdown complete", Duration::from_secs(1));

    let mut acked = acked_pairs(&acks.lock().unwrap_or_else(|p| p.into_inner()));
    acked.extend(curl_acked.into_inner().unwrap_or_else(|p| p.into_inner()));
    assert!(acked.len() >= 60, "{} acknowledged events", acked.len());

    host.restart();
    for (id, raw) in &acked {
        let ev = host.events_get(id);
        assert_event(&ev, id, "plain-a", "ent-a", "plain", raw);
        assert_plain_ok(&ev, raw);
    }
    // Stored events that were not acknowledged (answer lost in the shutdown) are possible;
    // missing acknowledged ones are not.
    assert!(host.event_count() >= acked.len());
    host.stop();
}

#[test]
fn kill9_after_acknowledgement_loses_nothing() {
    let mut host = Host::start(&basic_config());
    let mut acked: Vec<(String, String)> = Vec::new();
    for h2 in [false, true] {
        let id = host
            .post("/plain")
            .version(h2)
            .key(PLAIN_KEY)
            .body(format!("single h2={h2}"))
            .send()
            .event_id();
        acked.push((id, format!("single h2={h2}")));
        let lines: Vec<String> = (0..100).map(|i| format!("batch h2={h2} {i}")).collect();
        let ids = host
            .post("/plain/batch")
            .version(h2)
            .key(PLAIN_KEY)
            .body(lines.join("\n"))
            .send()
            .event_ids();
        acked.extend(ids.into_iter().zip(lines));
    }
    host.kill9();
    host.restart();
    for (id, raw) in &acked {
        let ev = host.events_get(id);
        assert_event(&ev, id, "plain-a", "ent-a", "plain", raw);
        assert_plain_ok(&ev, raw);
    }
    assert_eq!(host.event_count(), acked.len());
    // The restarted server takes new events on the same store, with IDs after the old ones.
    let id = host
        .post("/plain")
        .key(PLAIN_KEY)
        .body("after the crash")
        .send()
        .event_id();
    assert_uuid_v7(&id);
    assert!(
        acked.iter().all(|(old, _)| *old < id),
        "{id} is not after the IDs acknowledged before the crash"
    );
    assert_eq!(host.event_count(), acked.len() + 1);
    host.stop();
}

/// SHA-256 fingerprint `AB:CD:…` of the first certificate of `pem`, computed by Python's `ssl`.
fn fingerprint_of(pem: &Path) -> String {
    let out = Command::new("python3")
        .args([
            "-c",
            "import hashlib, ssl, sys\n\
             der = ssl.PEM_cert_to_DER_cert(open(sys.argv[1]).read())\n\
             print(':'.join(f'{b:02X}' for b in hashlib.sha256(der).digest()))",
        ])
        .arg(pem)
        .output()
        .expect("run python3");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

#[test]
fn first_start_without_tls_generates_a_trusted_ca() {
    let mut host = Host::builder(&basic_config()).self_signed().start();
    let tls = host.data_dir.join("tls");
    assert_eq!(host.ca, tls.join("ca.pem"));
    for f in ["ca.pem", "server.pem", "server.key"] {
        assert!(tls.join(f).is_file(), "{f} was not generated");
    }
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(tls.join("server.key"))
        .expect("server.key")
        .permissions()
        .mode();
    assert_eq!(mode & 0o077, 0, "server.key is readable by others: {mode:o}");

    let logged = host
        .log()
        .with_message("Using the self-signed certificate; clients can trust it with e.g. curl --cacert <ca>.");
    assert_eq!(logged.len(), 1, "{}", host.log().dump());
    let fingerprint = logged[0]["fields"]["fingerprint"]
        .as_str()
        .expect("a fingerprint")
        .to_string();
    assert_eq!(fingerprint, fingerprint_of(&tls.join("server.pem")));
    assert_eq!(logged[0]["fields"]["ca"], tls.join("ca.pem").display().to_string());

    // curl --cacert <data_dir>/tls/ca.pem works, over both HTTP versions.
    for h2 in [false, true] {
        let id = host
            .post("/plain")
            .version(h2)
            .key(PLAIN_KEY)
            .body("over the generated certificate")
            .send()
            .event_id();
        assert_plain_ok(&host.events_get(&id), "over the generated certificate");
    }
    // Without trusting it, curl refuses the server.
    let other = Pki::mint(&host.scratch("other-pki"));
    let err = host
        .post("/plain")
        .key(PLAIN_KEY)
        .body("untrusted")
        .arg("--cacert")
        .arg(&other.ca.display().to_string())
        .try_send()
        .expect_err("an untrusted certificate");
    assert!(err.contains("exit status: 60"), "{err}");

    // A restart keeps the same certificate.
    let ca_before = std::fs::read(tls.join("ca.pem")).expect("ca.pem");
    host.stop();
    host.restart();
    let logged = host
        .log()
        .with_message("Using the self-signed certificate; clients can trust it with e.g. curl --cacert <ca>.");
    assert_eq!(logged.len(), 2);
    assert_eq!(logged[1]["fields"]["fingerprint"], fingerprint.as_str());
    assert_eq!(std::fs::read(tls.join("ca.pem")).expect("ca.pem"), ca_before);
    host.post("/plain")
        .key(PLAIN_KEY)
        .body("after restart")
        .send()
        .event_id();
    host.stop();
}

#[test]
fn check_reports_every_problem_at_once() {
    let host = Host::start(&basic_config());
    // The running configuration is fine.
    let out = host.cli(&["check"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "check failed: {stdout}");
    assert!(stdout.contains("ok (3 intakes, 2 formats)"), "{stdout}");

    let bad = host.scratch("bad.toml");
    std::fs::write(
        &bad,
        r#"
data_dir = "data"

[https]
listen = "not-an-address"

[tls]
cert = "cert-without-key.pem"

[limits]
max_event_bytes = 0

[formats.plain]
component = "builtin:plain"

[formats.ghost]
component = "builtin:nope"

[formats.missing]
component = "does/not/exist.wasm"

[[intake]]
name = "a"
format = "plain"
entity = "e"
key = "e2e-short"

[[intake]]
name = "a"
format = "plain"
entity = "e"
key = "e2e-dup-key-0000000000000000"

[[intake]]
name = "b"
format = "unknown"
entity = "e"
key = "e2e-dup-key-0000000000000000"

[[intake]]
name = "c"
format = "plain"
key = "e2e-c-key-cccccccccccccccccccc"

[[intake]]
name = "bad name!"
format = "plain"
entity = "e"
key = "e2e-d-key-dddddddddddddddddddd"
created_at = "yesterday"
"#,
    )
    .expect("write bad.toml");
    let out = Command::new(bin())
        .args(["check", "--config"])
        .arg(&bad)
        .output()
        .expect("run check");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    let expected = [
        "12 problems",
        r#"https.listen: invalid address "not-an-address""#,
        "tls: set both `cert` and `key`",
        "limits.max_event_bytes: 0 is out of range",
        r#"format "ghost": no builtin component "nope""#,
        r#"format "missing": component file"#,
        r#"intake "a": key is shorter than 16 characters"#,
        r#"intake "a": duplicate name (also intake #1)"#,
        r#"intake "b": unknown format "unknown""#,
        r#"intake "b": duplicate key (same key as intake "a")"#,
        "intake #4: missing field `entity`",
        r#"intake "bad name!": a name uses only"#,
        r#"intake "bad name!": created_at "yesterday" is not an RFC 3339 datetime"#,
    ];
    for e in expected {
        assert!(stdout.contains(e), "check output lacks {e:?}:\n{stdout}");
    }
    for key in ["e2e-short", "e2e-dup-key", "e2e-c-key", "e2e-d-key"] {
        assert!(!stdout.contains(key), "check printed a key:\n{stdout}");
    }

    // A file that is not a component passes the file checks but not the component check.
    let junk = host.scratch("junk.wasm");
    std::fs::write(&junk, b"\0asm not really").expect("write junk.wasm");
    let junk_config = host.scratch("junk.toml");
    std::fs::write(
        &junk_config,
        format!(
            "[formats.junk]\ncomponent = \"{}\"\n\n{}",
            junk.display(),
            intake("j", "junk", "e", "e2e-junk-key-jjjjjjjjjjjjjjjjj")
        ),
    )
    .expect("write junk.toml");
    let out = Command::new(bin())
        .args(["check", "--config"])
        .arg(&junk_config)
        .output()
        .expect("run check");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains(r#"format "junk""#), "{stdout}");
    assert!(stdout.contains("not a valid component"), "{stdout}");
}

/// `version` of `[workspace.package]` in components/Cargo.toml.
fn components_version() -> String {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("../components/Cargo.toml");
    let text = std::fs::read_to_string(&manifest).expect("components/Cargo.toml");
    let section = text.split("[workspace.package]").nth(1).expect("[workspace.package]");
    let line = section
        .lines()
        .find(|l| l.trim_start().starts_with("version"))
        .expect("a version");
    line.split('"').nth(1).expect("a quoted version").to_string()
}

#[test]
fn formats_list_shows_components_and_versions() {
    let panic_wasm = component_dir().join("hostile_panic.wasm");
    let host = Host::start(&format!(
        "{}\n[formats.boom]\ncomponent = \"{}\"\n",
        basic_config(),
        panic_wasm.display()
    ));
    let out = host.cli(&["formats", "list"]);
    assert!(out.status.success());
    let formats: Vec<Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON lines"))
        .collect();
    let names: Vec<&str> = formats.iter().filter_map(|f| f["format"].as_str()).collect();
    assert_eq!(names, ["boom", "json", "plain"]);
    let version = components_version();
    for (f, (component, name)) in formats.iter().zip([
        (panic_wasm.display().to_string(), "hostile-panic"),
        ("builtin:json".to_string(), "json"),
        ("builtin:plain".to_string(), "plain"),
    ]) {
        assert_eq!(f["component"], component.as_str(), "{f}");
        assert_eq!(f["name"], name, "{f}");
        assert_eq!(f["version"], version.as_str(), "{f}");
        assert!(f["description"].as_str().is_some_and(|d| !d.is_empty()), "{f}");
        let sha = f["sha256"].as_str().unwrap_or("");
        assert!(sha.len() == 64 && sha.bytes().all(|b| b.is_ascii_hexdigit()), "{f}");
    }
    assert_eq!(formats[0]["categories"], serde_json::json!(["testing"]));
}

/// The documented contract (host/src/cli/serve.rs, `watch_signals`): "First SIGINT/SIGTERM: graceful
/// shutdown. Second: exit at once." A stop that waits for a stuck request must be cut short by
/// a second signal.
#[test]
fn second_sigterm_exits_at_once() {
    let loop_wasm = component_dir().join("hostile_loop.wasm");
    let mut host = Host::start(&format!(
        "[limits]\nshutdown_grace_secs = 60\n\n[formats.loop]\ncomponent = \"{}\"\ndeadline_ms = 15000\n\n{}",
        loop_wasm.display(),
        intake("looping", "loop", "ent-l", "e2e-loop-key-llllllllllllllll"),
    ));
    let addr = host.addr().to_string();
    let ca = host.ca.clone();
    // A request stuck in the component for 15 s keeps the graceful stop waiting.
    let stuck = std::thread::spawn(move || {
        Command::new("curl")
            .args(["-sS", "--max-time", "30", "--cacert"])
            .arg(ca)
            .args([
                "-H",
                "X-SEKOIAIO-INTAKE-KEY: e2e-loop-key-llllllllllllllll",
                "--data-binary",
                "boom",
            ])
            .arg(format!("https://{addr}/plain"))
            .output()
    });
    host.wait_worker_busy(Duration::from_secs(10));
    let from = host.log().len();
    host.signal("TERM");
    host.log().wait_for(from, "Shutting down", Duration::from_secs(5));
    host.signal("TERM");
    let status = host.wait_exit(Duration::from_secs(5));
    if status.is_none() {
        host.kill9();
    }
    let _ = stuck.join();
    let status = status.expect("the second SIGTERM must end the process at once (it did not within 5 s)");
    assert_eq!(status.code(), Some(130), "{status}");
}
