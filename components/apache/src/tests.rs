use super::*;
use crate::error::client;
use edge_format_sdk::Protocol;
use edge_format_sdk::TIMESTAMP;

fn event(raw: &str) -> Event {
    Event {
        protocol: Protocol::Syslog,
        source_address: Some("198.51.100.7".into()),
        metadata: vec![("service.name".into(), "www".into())],
        ..edge_format_sdk::fixtures::https_event(raw, 1_795_474_800)
    }
}

edge_format_sdk::fixtures_test!(Apache);

#[test]
fn clients() {
    assert_eq!(client("192.0.2.10:51022", true), ("192.0.2.10", Some(51022)));
    assert_eq!(client("::1:51022", true), ("::1", Some(51022)));
    assert_eq!(client("[2001:db8::1]:443", true), ("2001:db8::1", Some(443)));
    assert_eq!(client("::1", false), ("::1", None));
    assert_eq!(client("192.0.2.10", false), ("192.0.2.10", None));
    assert_eq!(client("192.0.2.10", true), ("192.0.2.10", None));
}

#[test]
fn timestamps_are_the_logs_own() {
    let ts = |raw: &str| Apache::normalize_one(event(raw)).expect("valid test input")[TIMESTAMP].clone();
    assert_eq!(
        ts(r#"::1 - - [22/Nov/2026:22:44:57 +0100] "-" 400 0"#),
        "2026-11-22T22:44:57+01:00"
    );
    assert_eq!(
        ts("[Sun Nov 22 22:44:57.123456 2026] [core:warn] [pid 1] x"),
        "Sun Nov 22 22:44:57.123456 2026"
    );
}

#[test]
fn keeps_envelope_and_metadata() {
    let fields = Apache::normalize_one(event(
        "[Sun Nov 22 22:44:57 2026] [notice] caught SIGTERM, shutting down",
    ))
    .expect("valid test input");
    assert_eq!(fields["log.source.address"], "198.51.100.7");
    assert_eq!(fields["service.name"], "www");
    assert_eq!(fields["message"], "caught SIGTERM, shutting down");
}

#[test]
fn describes_itself() {
    let d = Apache::describe();
    assert_eq!(
        (d.name.as_str(), d.categories.as_slice()),
        ("apache", ["web".to_string()].as_slice())
    );
    let fields = Apache::normalize_one(event(&d.sample)).expect("valid test input");
    assert_eq!(fields["http.response.status_code"], 200);
}
