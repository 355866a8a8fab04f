use super::*;
use edge_format_sdk::{json, Protocol, SyslogHeader, Timestamp};

edge_format_sdk::fixtures_test!(Squid);

fn event(raw: &str, app: Option<&str>) -> Event {
    Event {
        raw: raw.into(),
        received_at: Timestamp {
            seconds: 1_732_400_000,
            nanoseconds: 0,
        },
        client_time: None,
        protocol: Protocol::Syslog,
        source_address: None,
        syslog: app.map(|app| SyslogHeader {
            facility: Some(16),
            severity: Some(6),
            version: None,
            hostname: Some("proxy1".into()),
            app_name: Some(app.into()),
            procid: Some("1821".into()),
            msgid: None,
            structured_data: None,
        }),
        metadata: Vec::new(),
    }
}

fn ok(raw: &str) -> Value {
    Value::Object(Squid::normalize_one(event(raw, None)).expect("accepted"))
}

const NATIVE: &str =
    "1732312345.123     45 192.0.2.7 TCP_MISS/200 1234 GET http://example.com:8080/a/b.php?x=1 - HIER_DIRECT/203.0.113.5 text/html";
const COMBINED: &str = r#"192.0.2.93 - alice [22/Nov/2024:22:00:04 +0000] "GET http://news.example.com/ HTTP/1.1" 200 27011 "-" "curl/8.5.0" TCP_MISS:HIER_DIRECT"#;

#[test]
fn every_cut_of_a_line_is_handled_without_panic() {
    // Shippers cut long lines anywhere; no reader may slice past what it checked.
    for sample in [NATIVE, COMBINED, "2024/11/22 22:10:00.123 kid1| WARNING: x"] {
        for (i, _) in sample.char_indices() {
            let _ = Squid::normalize_one(event(&sample[..i], Some("squid")));
            let _ = Squid::normalize_one(event(&sample[..i], None));
        }
    }
}

#[test]
fn native_fields() {
    let v = ok(NATIVE);
    assert_eq!(v["@timestamp"], "2024-11-22T21:52:25.123Z");
    assert_eq!(v["event.duration"], 45_000_000);
    assert_eq!(v["url.port"], 8080);
    assert_eq!(v["url.domain"], "example.com");
    assert_eq!(v["url.path"], "/a/b.php");
    assert_eq!(v["url.query"], "x=1");
    assert_eq!(v["url.scheme"], "http");
    assert_eq!(v["destination.ip"], "203.0.113.5");
    assert_eq!(v["squid.cache_status"], "miss");
    assert_eq!(v["event.category"], json!(["web", "network"]));
}

#[test]
fn every_line_shape_gives_the_same_fields() {
    let base = ok(NATIVE);
    for raw in [
        format!("Nov 22 21:52:25 proxy1 squid[1821]: {NATIVE}"),
        format!("<134>1 2024-11-22T21:52:25Z proxy1 squid 1821 - - {NATIVE}"),
        format!("2024-11-22T22:52:25+01:00 proxy1 squid[1821]: {NATIVE}"),
        format!("squid[1821]: {NATIVE}"),
        format!("  {NATIVE}\n"),
    ] {
        let v = ok(&raw);
        for key in [
            "@timestamp",
            "event.duration",
            "source.ip",
            "url.original",
            "squid.result_code",
            "message",
        ] {
            assert_eq!(v[key], base[key], "{key} of {raw:?}");
        }
        if raw.contains("1821") {
            assert_eq!(v["process.name"], "squid", "{raw:?}");
            assert_eq!(v["process.pid"], 1821, "{raw:?}");
        }
    }
}

#[test]
fn outcomes_and_cache_status() {
    let line = |result: &str| {
        ok(&format!(
            "1732312345.123 1 192.0.2.7 {result} 0 GET http://e.example/ - HIER_NONE/- -"
        ))
    };
    for (result, outcome, cache) in [
        ("TCP_HIT/200", "success", "hit"),
        ("TCP_IMS_HIT/304", "success", "hit"),
        ("TCP_REFRESH_MODIFIED/200", "success", "miss"),
        ("TCP_DENIED/403", "failure", "denied"),
        ("TCP_DENIED_REPLY/403", "failure", "denied"),
        ("TCP_MISS/404", "failure", "miss"),
        ("TCP_MISS_ABORTED/200", "failure", "miss"),
        ("NONE_NONE/000", "failure", "none"),
        ("TCP_TUNNEL/000", "unknown", "tunnel"),
    ] {
        let v = line(result);
        assert_eq!(
            (v["event.outcome"].as_str(), v["squid.cache_status"].as_str()),
            (Some(outcome), Some(cache)),
            "{result}"
        );
    }
    assert!(line("NONE_NONE/000").get("http.response.status_code").is_none());
}

#[test]
fn user_names_are_unescaped() {
    assert_eq!(percent_decoded("EXAMPLE%5Cbob"), "EXAMPLE\\bob");
    assert_eq!(percent_decoded("a%40b.example"), "a@b.example");
    assert_eq!(percent_decoded("100%"), "100%");
    assert_eq!(percent_decoded("%zz%4"), "%zz%4");
    assert_eq!(percent_decoded("%FF"), "%FF");
}

#[test]
fn other_lines_kept_or_rejected() {
    let kept = Squid::normalize_one(event("kid1| WARNING: disk space low", Some("(squid-1)"))).expect("kept");
    assert_eq!(kept["squid.kid"], "kid1");
    assert_eq!(kept["log.level"], "warning");
    assert!(Squid::normalize_one(event(NATIVE, Some("nginx"))).is_err());
    assert!(Squid::normalize_one(event("hello world", None)).is_err());
    assert!(Squid::normalize_one(event("1.2 x", None)).is_err());
    assert_eq!(Squid::normalize_one(event(" \n", None)), Err("empty event".to_string()));
}

#[test]
fn describes_itself() {
    let d = Squid::describe();
    assert_eq!(d.name, "squid");
    assert_eq!(d.categories, vec!["web".to_string(), "network".to_string()]);
    assert_eq!(ok(&d.sample)["squid.result_code"], "TCP_MISS");
}
