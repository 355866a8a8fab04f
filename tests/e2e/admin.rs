//! The admin listener: liveness, readiness and Prometheus metrics that follow what the node did.

use crate::support::*;
use std::process::Command;

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
