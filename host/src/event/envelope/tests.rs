use super::*;
use crate::event::full_header as header;

fn envelope(syslog: Option<SyslogHeader>, metadata: Vec<(String, String)>) -> Envelope {
    Envelope {
        source_address: Some("192.0.2.1:514".into()),
        syslog,
        metadata,
    }
}

#[test]
fn round_trips_header_and_metadata() {
    let before = envelope(Some(header()), vec![("http.request.id".into(), "r1".into())]);
    let json = before.to_json().expect("an envelope");
    assert_eq!(Envelope::from_json(&json), Ok(before));
}

#[test]
fn writes_ecs_names_numbers_as_numbers() {
    let json = envelope(Some(header()), Vec::new()).to_json().expect("an envelope");
    let value: Value = serde_json::from_str(&json).expect("valid JSON");
    assert_eq!(
        value,
        serde_json::json!({
            "log.source.address": "192.0.2.1:514",
            "log.syslog.facility.code": 4,
            "log.syslog.severity.code": 2,
            "log.syslog.version": 1,
            "log.syslog.hostname": "fw1",
            "log.syslog.appname": "sshd",
            "log.syslog.procid": "42",
            "log.syslog.msgid": "ID1",
            "log.syslog.structured_data": "[a@1 b=\"c\"]",
        })
    );
}

#[test]
fn escapes_like_serde_json() {
    let mut nasty: String = (0u8..0x80).map(char::from).collect();
    nasty.push_str("é€😀\u{2028}");
    let mut ours = String::new();
    edge_ecs::write_json_string(&nasty, &mut ours);
    assert_eq!(ours, serde_json::to_string(&nasty).expect("serializable"));
    let before = envelope(None, vec![(nasty.clone(), nasty)]);
    let json = before.to_json().expect("an envelope");
    assert_eq!(Envelope::from_json(&json), Ok(before));
}

#[test]
fn empty_envelope_is_not_stored() {
    assert_eq!(Envelope::default().to_json(), None);
    // A header without a single field leaves nothing to store either.
    let empty_header = Envelope {
        syslog: Some(SyslogHeader::default()),
        ..Envelope::default()
    };
    assert_eq!(empty_header.to_json(), None);
}

#[test]
fn no_header_stays_none() {
    let before = envelope(None, Vec::new());
    let back = Envelope::from_json(&before.to_json().expect("an address")).expect("readable");
    assert_eq!(back, before);
    assert!(back.syslog.is_none());
}

#[test]
fn what_was_not_written_by_to_json_is_an_error() {
    assert!(matches!(
        Envelope::from_json("not json"),
        Err(EnvelopeError::Json { .. })
    ));
    assert_eq!(Envelope::from_json("[1]"), Err(EnvelopeError::NotAnObject));
    let field = |json: &str| match Envelope::from_json(json) {
        Err(EnvelopeError::Field { key, .. }) => key,
        other => panic!("{json}: expected a field error, got {other:?}"),
    };
    assert_eq!(field(r#"{"log.syslog.facility.code": 256}"#), FACILITY);
    assert_eq!(field(r#"{"log.syslog.severity.code": -1}"#), SEVERITY);
    assert_eq!(field(r#"{"log.syslog.version": "1"}"#), VERSION);
    assert_eq!(field(r#"{"log.syslog.hostname": 7}"#), HOSTNAME);
    assert_eq!(field(r#"{"log.source.address": null}"#), SOURCE_ADDRESS);
    assert_eq!(field(r#"{"http.request.id": {"a": 1}}"#), "http.request.id");
}
