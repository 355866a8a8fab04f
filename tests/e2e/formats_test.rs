//! `intake-edge formats test`: every builtin component's fixtures
//! (`components/<name>/tests/fixtures/*.json`) pass, and a wrong expectation exits 1 with a diff
//! that names the field.

use crate::support::*;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn components_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../components")
}

/// `intake-edge formats test ARGS` in a directory without `intakes.toml` (built-in defaults).
fn formats_test(args: &[&str], files: &[PathBuf]) -> (Output, String, String) {
    let cwd = tempfile::tempdir().expect("temporary directory");
    let out = Command::new(bin())
        .args(["formats", "test"])
        .args(args)
        .args(files)
        .current_dir(cwd.path())
        .env_remove("INTAKE_EDGE_CONFIG")
        .env_remove("RUST_LOG")
        .stdin(Stdio::null())
        .output()
        .expect("run intake-edge");
    let stdout = String::from_utf8(out.stdout.clone()).expect("UTF-8 stdout");
    let stderr = String::from_utf8(out.stderr.clone()).expect("UTF-8 stderr");
    (out, stdout, stderr)
}

/// The builtin component names, as the binary lists them when asked for one it lacks.
fn builtins() -> Vec<String> {
    let (out, _, stderr) = formats_test(&["builtin:"], &[PathBuf::from("none.json")]);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let list = stderr
        .split("(builtins: ")
        .nth(1)
        .and_then(|rest| rest.split(')').next())
        .unwrap_or_else(|| panic!("no builtin list in {stderr:?}"));
    list.split(", ").map(str::to_string).collect()
}

fn fixtures_of(component: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(component.join("tests/fixtures")) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    files
}

/// "N passed, 0 failed" on the last line; returns N.
fn passed(stdout: &str) -> usize {
    let last = stdout.lines().last().unwrap_or_default();
    let n = last
        .strip_suffix(" passed, 0 failed")
        .unwrap_or_else(|| panic!("not all passed: {stdout}"));
    n.parse().unwrap_or_else(|_| panic!("no count in {last:?}"))
}

#[test]
fn every_builtin_components_fixtures_pass() {
    let builtins = builtins();
    assert!(
        builtins.iter().any(|b| b == "plain") && builtins.iter().any(|b| b == "json"),
        "{builtins:?}"
    );
    let mut tested = Vec::new();
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(components_dir())
        .expect("components/")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    for dir in dirs {
        let files = fixtures_of(&dir);
        let Some(name) = dir.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        if files.is_empty() {
            continue;
        }
        let Some(builtin) = builtins.iter().find(|b| **b == name || **b == name.replace('-', "_")) else {
            eprintln!("{name}: not a builtin component; its fixtures are not run here");
            continue;
        };
        let (out, stdout, stderr) = formats_test(&[&format!("builtin:{builtin}")], &files);
        assert!(out.status.success(), "{name}: {stdout}{stderr}");
        assert!(passed(&stdout) > 0, "{name}: {stdout}");
        tested.push(builtin.clone());
    }
    for required in ["plain", "json"] {
        assert!(
            tested.iter().any(|t| t == required),
            "no fixtures run for {required}: {tested:?}"
        );
    }
}

#[test]
fn a_wrong_fixture_fails_and_names_the_field() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let file = dir.path().join("wrong.json");
    let fixture = serde_json::json!([
        {
            "input": {"message": "hello", "client_time": "2024-05-01T14:00:00+02:00"},
            "expected": {"message": "hello", "@timestamp": "2024-05-01T12:00:00Z"}
        },
        {
            "input": {"message": "hello", "log.syslog.hostname": "fw1"},
            "expected": {"message": "goodbye", "@timestamp": "*", "log.hostname": "fw1", "event.kind": "event"}
        },
        {
            "input": {"message": " "},
            "expected": {"message": " "}
        }
    ]);
    std::fs::write(&file, fixture.to_string()).expect("write the fixture");
    let (out, stdout, stderr) = formats_test(&["builtin:plain"], &[file]);
    assert_eq!(out.status.code(), Some(1), "{stdout}{stderr}");
    assert!(stdout.lines().last() == Some("1 passed, 2 failed"), "{stdout}");
    for needle in [
        "different value at message: expected \"goodbye\", got \"hello\"",
        "missing field event.kind: expected \"event\"",
        "unexpected field log.syslog.hostname: \"fw1\"",
        "unexpected field error: \"empty event\"",
    ] {
        assert!(stdout.contains(needle), "{needle:?} not in {stdout}");
    }
}

#[test]
fn a_configured_format_is_found_by_name() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let config = dir.path().join("intakes.toml");
    std::fs::write(&config, "[formats.events]\ncomponent = \"builtin:json\"\n").expect("write the config");
    let files = fixtures_of(&components_dir().join("json"));
    let config = config.display().to_string();
    let (out, stdout, stderr) = formats_test(&["events", "--config", &config], &files);
    assert!(out.status.success(), "{stdout}{stderr}");
    assert!(passed(&stdout) > 0);
    let (out, _, stderr) = formats_test(&["nothing", "--config", &config], &files);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr.contains("no format \"nothing\""), "{stderr}");
}

/// Dotted and nested expectations are the same fields; a categorization value ECS does not allow
/// fails the case; a field outside ECS (and outside the format's namespace, `json.*` here) is a
/// warning that leaves the case passing.
#[test]
fn ecs_checks_fail_bad_values_and_warn_about_other_names() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let file = dir.path().join("ecs.json");
    let fixture = serde_json::json!([
        {
            "name": "nested or dotted",
            "input": {"message": "{\"source.ip\": \"192.0.2.1\", \"source\": {\"port\": 22}, \"vendor_x\": 1, \"json.own\": 2}"},
            "expected": {"source": {"ip": "192.0.2.1"}, "source.port": 22, "vendor_x": 1, "json": {"own": 2}, "@timestamp": "*"}
        },
        {
            "name": "a value ECS does not allow",
            "input": {"message": "{\"event.outcome\": \"ok\"}"},
            "expected": {"event": {"outcome": "ok"}, "@timestamp": "*"}
        },
        {
            "name": "a conflict",
            "input": {"message": "{\"user\": \"alice\", \"user.name\": \"alice\"}"},
            "expected": {"error": "conflicting fields: \"user\" is a value, and \"user.name\" makes it an object"}
        }
    ]);
    std::fs::write(&file, fixture.to_string()).expect("write the fixture");
    let (out, stdout, stderr) = formats_test(&["builtin:json"], &[file]);
    assert_eq!(out.status.code(), Some(1), "{stdout}{stderr}");
    assert_eq!(stdout.lines().last(), Some("2 passed, 1 failed"), "{stdout}");
    for needle in [
        "FAIL ",
        "event.outcome: \"ok\" is not a value ECS 9.4.0 allows (failure, success, unknown)",
        "warning: field vendor_x is not in ECS 9.4.0",
        "warning: 1 field(s) outside ECS 9.4.0 and the format's namespace: vendor_x",
    ] {
        assert!(stdout.contains(needle), "{needle:?} not in {stdout}");
    }
    assert!(!stdout.contains("json.own"), "{stdout}");
}
