//! `intake-edge formats bench`: every line of the file is normalized `--repeat` times and
//! counted; the report is one JSON object with `--json`. No timing is asserted.

use crate::support::*;
use std::path::Path;
use std::process::{Command, Stdio};

/// Runs `formats bench FORMAT FILE ARGS` in `dir` (no configuration file there, so built-in
/// defaults); it must succeed. The JSON report and stderr.
fn bench(dir: &Path, format: &str, file: &Path, args: &[&str]) -> (serde_json::Value, String) {
    let out = Command::new(bin())
        .args(["formats", "bench", format])
        .arg(file)
        .args(args)
        .current_dir(dir)
        .env_remove("INTAKE_EDGE_CONFIG")
        .env_remove("RUST_LOG")
        .stdin(Stdio::null())
        .output()
        .expect("run intake-edge");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{stdout}{stderr}");
    let report = serde_json::from_str(stdout.trim()).expect("one JSON object");
    (report, stderr)
}

#[test]
fn bench_counts_every_event_of_every_pass() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let lines = 1000;
    let file = dir.path().join("plain.log");
    let text: String = (0..lines)
        .map(|i| {
            format!(
                "Nov 22 23:16:{:02} web{} app[{i}]: request {i} served in {} ms\n",
                i % 60,
                i % 7,
                i % 97
            )
        })
        .collect();
    std::fs::write(&file, text).expect("write the lines");
    let (report, stderr) = bench(
        dir.path(),
        "builtin:plain",
        &file,
        &["--repeat", "1", "--batch", "64", "--json"],
    );
    assert!(!stderr.contains("warning"), "{stderr}");
    assert_eq!(report["format"], "builtin:plain", "{report}");
    assert_eq!(report["lines"], lines, "{report}");
    assert_eq!(report["repeat"], 1, "{report}");
    assert_eq!(report["batch"], 64, "{report}");
    assert_eq!(report["events"], lines, "{report}");
    assert_eq!(report["ok"], lines, "{report}");
    assert_eq!(report["errors"], 0, "{report}");
    for key in ["seconds", "events_per_second", "cpu_us_per_event"] {
        assert!(report[key].is_number(), "{key}: {report}");
    }
}

#[test]
fn bench_counts_rejections_and_warns() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let file = dir.path().join("events.jsonl");
    let lines = [
        r#"{"message": "{\"message\": \"ok\"}"}"#,
        r#"{"message": "not json", "log.syslog.appname": "app"}"#,
        "",
        r#"{"message": "{\"a\": 1}", "log.syslog.hostname": "fw1"}"#,
    ];
    std::fs::write(&file, lines.join("\n")).expect("write the lines");
    let (report, stderr) = bench(dir.path(), "builtin:json", &file, &["--repeat", "3", "--json"]);
    assert_eq!(report["events"], 9, "{report}");
    assert_eq!(report["ok"], 6, "{report}");
    assert_eq!(report["errors"], 3, "{report}");
    assert!(stderr.contains("warning: 3 of 9 events"), "{stderr}");
    assert!(stderr.contains("events.jsonl:2: invalid JSON"), "{stderr}");
}
