use super::*;
use crate::error::error_items;
use edge_format_sdk::{json, Protocol, Related, Value, TIMESTAMP};

fn event(raw: &str) -> Event {
    Event {
        protocol: Protocol::Syslog,
        source_address: Some("198.51.100.7".into()),
        metadata: vec![("service.name".into(), "shop".into())],
        ..edge_format_sdk::fixtures::https_event(raw, 1_795_474_800)
    }
}

edge_format_sdk::fixtures_test!(Nginx);

#[test]
fn keeps_envelope_and_metadata() {
    let fields = Nginx::normalize_one(event(r#"::1 - - [22/Nov/2026:22:44:57 +0000] "GET / HTTP/1.0" 204 0"#))
        .expect("valid test input");
    assert_eq!(fields["log.source.address"], "198.51.100.7");
    assert_eq!(fields["service.name"], "shop");
    assert_eq!(fields["source.ip"], "::1");
}

#[test]
fn timestamps_are_the_logs_own() {
    let ts = |raw: &str| Nginx::normalize_one(event(raw)).expect("valid test input")[TIMESTAMP].clone();
    assert_eq!(
        ts(r#"::1 - - [22/Nov/2026:22:44:57 +0100] "-" 400 0"#),
        "2026-11-22T22:44:57+01:00"
    );
    assert_eq!(ts("2026/11/22 22:44:57 [warn] 1#1: x"), "2026/11/22 22:44:57");
    assert_eq!(
        ts(r#"{"status":200,"time_iso8601":"2026-11-22T22:44:57+01:00"}"#),
        "2026-11-22T22:44:57+01:00"
    );
}

#[test]
fn error_items_parse() {
    let mut fields = Fields::new();
    let mut related = Related::new();
    error_items(
        r#"client: 192.0.2.1, server: _, request: "POST /a, b HTTP/1.1", upstream: "http://127.0.0.1:8080/a", host: "shop.example.com:8443""#,
        &mut fields,
        &mut related,
    );
    related.insert_into(&mut fields);
    assert_eq!(
        Value::Object(fields),
        json!({"source.address": "192.0.2.1", "source.ip": "192.0.2.1", "http.request.method": "POST", "url.original": "/a, b",
               "url.path": "/a, b", "http.version": "1.1", "nginx.error.upstream": "http://127.0.0.1:8080/a",
               "url.domain": "shop.example.com", "url.port": 8443, "url.registered_domain": "example.com",
               "url.subdomain": "shop", "url.top_level_domain": "com",
               "related.ip": ["192.0.2.1"], "related.hosts": ["shop.example.com"]})
    );
}

#[test]
fn describes_itself() {
    let d = Nginx::describe();
    assert_eq!(
        (d.name.as_str(), d.categories.as_slice()),
        ("nginx", ["web".to_string()].as_slice())
    );
    let fields = Nginx::normalize_one(event(&d.sample)).expect("valid test input");
    assert_eq!(fields["http.response.status_code"], 200);
}

#[test]
fn stream_lines_are_told_from_access_lines() {
    use crate::stream::stream_event;
    assert!(stream_event("192.0.2.1 [22/Nov/2026:22:46:00 +0100] TCP 200 1 2 0.1").is_some());
    for not in [
        r#"192.0.2.1 - - [22/Nov/2026:22:46:00 +0100] "GET / HTTP/1.1" 200 1"#,
        "192.0.2.1 [22/Nov/2026:22:46:00 +0100] SCTP 200 1 2 0.1",
        "192.0.2.1 [22/Nov/2026:22:46:00 +0100] TCP 999 1 2 0.1",
        "192.0.2.1 [22/Nov/2026:22:46:00 +0100] TCP 200 1",
    ] {
        assert!(stream_event(not).is_none(), "{not}");
    }
}

#[test]
fn whole_lines_of_every_shape_give_the_access_fields() {
    let access = r#"203.0.113.20 - - [22/Nov/2026:22:45:01 +0100] "GET /a.txt HTTP/1.1" 200 67 "-" "curl/8.5.0""#;
    for line in [
        access.to_owned(),
        format!("   {access}"),
        format!("<190>Nov 22 22:45:01 lb-1 nginx: {access}"),
        format!("Nov 22 22:45:01 lb-1 nginx[12]: {access}"),
        format!("<190>Nov 22 22:45:01 nginx: {access}"),
        format!("2026-11-22T22:45:01.5+01:00 lb-1 nginx: {access}"),
        format!("<190>1 2026-11-22T22:45:01+01:00 lb-1 nginx 12 - - {access}"),
    ] {
        let fields = Nginx::normalize_one(edge_format_sdk::fixtures::https_event(&line, 1_795_474_800))
            .unwrap_or_else(|e| panic!("{line:?}: {e}"));
        assert_eq!(fields["source.ip"], "203.0.113.20", "{line:?}");
        assert_eq!(fields["url.path"], "/a.txt", "{line:?}");
        assert_eq!(fields[TIMESTAMP], "2026-11-22T22:45:01+01:00", "{line:?}");
    }
}
