//! The admin listener: liveness, readiness and Prometheus metrics that follow what the node did;
//! who it answers (`Host`, `Origin`, token) and when it refuses to start.

use crate::support::*;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// An answer of the admin listener, with its headers.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    /// Lowercase names.
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Answer {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

/// `curl -X METHOD URL ARGS…` (plain HTTP), headers included in the answer.
pub fn curl(method: &str, url: &str, args: &[&str]) -> Answer {
    let out = Command::new("curl")
        .args([
            "-sS",
            "-i",
            "--max-time",
            "10",
            "-X",
            method,
            "-w",
            "\n%{http_code}",
            url,
        ])
        .args(args)
        .output()
        .expect("run curl");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let (head, rest) = text
        .split_once("\r\n\r\n")
        .unwrap_or_else(|| panic!("no HTTP head in {text:?}: {}", String::from_utf8_lossy(&out.stderr)));
    let (body, code) = rest.rsplit_once('\n').expect("curl status line");
    let headers = head
        .lines()
        .skip(1)
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    Answer {
        status: code.trim().parse().expect("status"),
        headers,
        body: body.to_string(),
    }
}

/// (status, body) of a plain-HTTP GET with curl.
fn get(url: &str, token: Option<&str>) -> (u16, String) {
    let mut cmd = Command::new("curl");
    cmd.args(["-sS", "--max-time", "10", "-w", "\n%{http_code}", url]);
    if let Some(t) = token {
        cmd.args(["-H", &format!("Authorization: Bearer {t}")]);
    }
    let out = cmd.output().expect("run curl");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let (body, code) = text.rsplit_once('\n').expect("curl status line");
    (code.trim().parse().expect("status"), body.to_string())
}

/// The value of the metric line that starts with `prefix` (name and labels).
fn metric(text: &str, prefix: &str) -> Option<f64> {
    text.lines()
        .find(|l| l.starts_with(prefix))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|v| v.parse().ok())
}

#[test]
fn health_ready_and_metrics_follow_the_traffic() {
    let host = Host::start(&basic_config());
    let base = format!("http://{}", host.admin_addr());
    assert_eq!(
        get(&format!("{base}/health"), None),
        (200, r#"{"status":"live"}"#.to_string())
    );
    let (status, ready) = get(&format!("{base}/ready"), None);
    assert_eq!(status, 200, "{ready}");
    assert!(ready.contains(r#""status":"ready""#), "{ready}");

    for _ in 0..3 {
        host.post("/plain/batch").key(PLAIN_KEY).body("a\nb").send().expect(200);
    }
    host.post("/plain")
        .key("e2e-unknown-key-zzzzzzzzzzzzzzzz")
        .body("x")
        .send()
        .expect_error(403, "unknown");

    let (status, text) = get(&format!("{base}/metrics"), None);
    assert_eq!(status, 200);
    let ok = metric(
        &text,
        r#"intake_edge_events_total{intake="plain-a",protocol="https",status="ok"}"#,
    );
    assert_eq!(ok, Some(6.0), "{text}");
    assert_eq!(
        metric(&text, r#"intake_edge_rejected_total{listener="https",reason="403"}"#),
        Some(1.0),
        "{text}"
    );
    let calls = metric(&text, r#"intake_edge_component_call_seconds_count{format="plain"}"#).expect("component calls");
    assert!(calls >= 3.0, "{text}");
    let commits = metric(&text, "intake_edge_store_commit_seconds_count").expect("commits");
    assert!(commits >= 3.0, "{text}");
    assert!(
        metric(&text, r#"intake_edge_connections{listener="https"}"#).is_some(),
        "{text}"
    );
    assert!(text.contains("# TYPE intake_edge_component_call_seconds histogram"));
    assert_eq!(get(&format!("{base}/nope"), None).0, 404);
}

#[test]
fn a_configured_token_is_required() {
    let token = "e2e-admin-token-tttttttttttttttt";
    let host = Host::builder(&basic_config())
        .admin_settings(&format!("token = \"{token}\""))
        .start();
    let base = format!("http://{}", host.admin_addr());
    assert_eq!(get(&format!("{base}/metrics"), None).0, 401);
    assert_eq!(
        get(&format!("{base}/metrics"), Some("e2e-admin-token-wrong-wrongwrong")).0,
        401
    );
    assert_eq!(get(&format!("{base}/metrics"), Some(token)).0, 200);
    assert!(
        host.log().lines().iter().all(|l| !l.contains(token)),
        "the token is in the log"
    );
}

#[test]
fn a_new_token_applies_at_reload() {
    let (old, new) = ("e2e-admin-token-old-oooooooooooo", "e2e-admin-token-new-nnnnnnnnnnnn");
    let host = Host::builder(&basic_config())
        .admin_settings(&format!("token = \"{old}\""))
        .start();
    let url = format!("http://{}/metrics", host.admin_addr());
    assert_eq!(get(&url, Some(old)).0, 200);
    let text = std::fs::read_to_string(&host.config_path).expect("read the configuration");
    assert!(text.contains(old), "{text}");
    let from = host.log().len();
    host.write_raw_config(&text.replace(old, new));
    host.sighup();
    let reloaded = host.log().wait_for(from, "Registry reloaded.", Duration::from_secs(10));
    assert_eq!(reloaded["fields"]["admin_token_changed"], true, "{reloaded}");
    host.log()
        .wait_for(from, "Admin token changed", Duration::from_secs(10));
    assert_eq!(get(&url, Some(old)).0, 401);
    assert_eq!(get(&url, Some(new)).0, 200);
    let api = curl(
        "GET",
        &format!("http://{}/api/intakes/plain-a", host.admin_addr()),
        &["-H", &format!("Authorization: Bearer {new}")],
    );
    assert_eq!(api.status, 200, "{}", api.body);
    for token in [old, new] {
        assert!(
            host.log().lines().iter().all(|l| !l.contains(token)),
            "a token is in the log"
        );
    }
}

#[test]
fn only_requests_naming_this_listener_are_answered() {
    let host = Host::builder(&basic_config())
        .admin_settings(r#"allowed_hosts = ["admin.example"]"#)
        .start();
    let addr = host.admin_addr();
    let port = addr.rsplit_once(':').map(|(_, p)| p).expect("port");
    // DNS rebinding: a name the attacker controls now resolves to this machine.
    let evil = format!("evil.example:{port}:127.0.0.1");
    let allowed = format!("admin.example:{port}:127.0.0.1");
    for path in ["/health", "/ready", "/metrics", "/", "/intakes/plain-a"] {
        let a = curl(
            "GET",
            &format!("http://evil.example:{port}{path}"),
            &["--resolve", &evil],
        );
        assert_eq!(a.status, 421, "{path}: {}", a.body);
        assert!(a.body.contains("evil.example"), "{path}: {}", a.body);
        assert_eq!(a.header("x-content-type-options"), Some("nosniff"));
        let a = curl(
            "GET",
            &format!("http://admin.example:{port}{path}"),
            &["--resolve", &allowed],
        );
        assert_eq!(a.status, 200, "{path}: {}", a.body);
        let a = curl("GET", &format!("http://localhost:{port}{path}"), &[]);
        assert_eq!(a.status, 200, "{path}: {}", a.body);
    }
    // Neither a cross-site Origin nor Sec-Fetch-Site passes, on the operations endpoints too.
    for path in ["/health", "/ready", "/metrics"] {
        let url = format!("http://{addr}{path}");
        let a = curl("GET", &url, &["-H", "Origin: http://evil.example"]);
        assert_eq!(a.status, 403, "{path}: {}", a.body);
        let a = curl("GET", &url, &["-H", "Sec-Fetch-Site: cross-site"]);
        assert_eq!(a.status, 403, "{path}: {}", a.body);
        let a = curl(
            "GET",
            &url,
            &[
                "-H",
                &format!("Origin: http://{addr}"),
                "-H",
                "Sec-Fetch-Site: same-origin",
            ],
        );
        assert_eq!(a.status, 200, "{path}: {}", a.body);
    }
    // HTTP/1.1 without Host.
    let a = curl("GET", &format!("http://{addr}/health"), &["-H", "Host:"]);
    assert_eq!(a.status, 400, "{}", a.body);
}

/// `intake-edge ARGS` on `config`, waited for at most `timeout`; `None` if it was still running
/// (then killed).
fn run_bounded(args: &[&str], config: &Path, timeout: Duration) -> Option<(Option<i32>, String, String)> {
    let mut child = Command::new(bin())
        .args(args)
        .arg("--config")
        .arg(config)
        .env_remove("RUST_LOG")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run intake-edge");
    let deadline = Instant::now() + timeout;
    while child.try_wait().expect("wait for intake-edge").is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().expect("intake-edge output");
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    Some((out.status.code(), text(&out.stdout), text(&out.stderr)))
}

#[test]
fn a_reachable_listener_without_a_token_does_not_start() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let config = dir.path().join("intakes.toml");
    let file = |admin: &str| {
        format!(
            "data_dir = \"data\"\n[https]\nlisten = \"127.0.0.1:0\"\n[syslog]\nenabled = false\n[relp]\nenabled = false\n[admin]\n{admin}\n{}",
            basic_config()
        )
    };
    let message = "admin.token is not set";
    std::fs::write(&config, file("listen = \"0.0.0.0:0\"")).expect("write the configuration");
    let (code, _, stderr) = run_bounded(&["serve"], &config, Duration::from_secs(20)).expect("serve kept running");
    assert!(code.is_some_and(|c| c != 0), "exit {code:?}: {stderr}");
    assert!(stderr.contains(message), "{stderr}");
    assert!(stderr.contains("admin.listen 0.0.0.0:0"), "{stderr}");
    let (code, stdout, _) = run_bounded(&["check"], &config, Duration::from_secs(60)).expect("check kept running");
    assert_eq!(code, Some(1), "{stdout}");
    assert!(stdout.contains(message), "{stdout}");

    // The command line can expose a loopback file just as well.
    std::fs::write(&config, file("listen = \"127.0.0.1:0\"")).expect("write the configuration");
    let (code, _, stderr) =
        run_bounded(&["serve", "--admin", "0.0.0.0:0"], &config, Duration::from_secs(20)).expect("serve kept running");
    assert!(code.is_some_and(|c| c != 0), "exit {code:?}: {stderr}");
    assert!(stderr.contains(message), "{stderr}");
    // With a token it is a choice the operator made.
    std::fs::write(
        &config,
        file("listen = \"0.0.0.0:0\"\ntoken = \"e2e-admin-token-tttttttttttttttt\""),
    )
    .expect("write the configuration");
    let (code, stdout, _) = run_bounded(&["check"], &config, Duration::from_secs(60)).expect("check kept running");
    assert_eq!(code, Some(0), "{stdout}");
}
