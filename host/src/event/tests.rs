//! The event's conversions together: what a listener builds, through a real component and into
//! a store row, comes back from that row as the event the component saw.

use super::time::{self, TimeOutOfRange};
use super::*;
use crate::config::{Config, RuntimeSettings};
use crate::registry::IntakeEntry;
use crate::runtime::Runtime;
use crate::store::StoredRaw;
use std::path::Path;

#[test]
fn protocols_have_one_name_each_and_unknown_names_fail() {
    for p in Protocol::ALL {
        assert_eq!(p.as_str().parse::<Protocol>(), Ok(p));
        assert_eq!(p.to_string(), p.as_str());
    }
    let unknown = "HTTPS".parse::<Protocol>().expect_err("names are lower case");
    assert_eq!(unknown.name, "HTTPS");
    assert!(unknown.to_string().contains("expected https, syslog, relp or poll"));
    assert!("".parse::<Protocol>().is_err());
}

#[test]
fn store_times_fail_outside_chrono_range_instead_of_becoming_the_epoch() {
    let t = DateTime::parse_from_rfc3339("2026-11-22T22:44:57.123456Z")
        .expect("valid")
        .to_utc();
    assert_eq!(time::from_micros(time::to_micros(t)), Ok(t));
    assert_eq!(time::from_micros(-1).map(|t| t.timestamp_micros()), Ok(-1));
    assert_eq!(time::from_micros(i64::MAX), Err(TimeOutOfRange { micros: i64::MAX }));
    assert_eq!(time::from_micros(i64::MIN), Err(TimeOutOfRange { micros: i64::MIN }));
    // chrono's extremes fit the store's form.
    for extreme in [DateTime::<Utc>::MIN_UTC, DateTime::<Utc>::MAX_UTC] {
        let micros = time::to_micros(extreme);
        assert_eq!(time::from_micros(micros).map(time::to_micros), Ok(micros));
    }
}

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text).expect("valid").to_utc()
}

fn syslog_event(header: SyslogHeader) -> Event {
    Event {
        raw: "Accepted publickey for alice".into(),
        received_at: at("2026-11-22T22:44:57.123456Z"),
        client_time: Some(at("2026-11-22T22:44:56Z")),
        protocol: Protocol::Relp,
        envelope: Envelope {
            source_address: Some("192.0.2.1:51514".into()),
            syslog: Some(header),
            metadata: Vec::new(),
        },
    }
}

/// The row as the store gives it back for `events renormalize`.
fn stored(row: &crate::store::NewEvent) -> StoredRaw {
    StoredRaw {
        block: 0,
        id: row.id,
        protocol: row.protocol.as_str().to_string(),
        received_at_us: row.received_at_us,
        client_time_us: row.client_time_us,
        event_time_us: row.event_time_us,
        raw: row.raw.clone(),
        metadata: row.metadata.clone(),
        outcome: row.outcome.clone(),
    }
}

#[test]
fn an_event_comes_back_from_its_component_and_its_row_as_it_was() {
    let config = Config::parse("", Path::new("intakes.toml")).expect("defaults");
    let settings = RuntimeSettings {
        workers: 1,
        ..config.runtime.clone()
    };
    let runtime = Runtime::start(&settings, config.store.enqueue_timeout).expect("runtime");
    let spec = crate::fixtures::resolve_format("builtin:plain", &config).expect("builtin");
    let intake = IntakeEntry {
        name: "fw".into(),
        entity: "paris".into(),
        format_name: "plain".into(),
        format: runtime.load_format(&spec, None).expect("loads"),
    };
    let events = vec![
        syslog_event(full_header()),
        // A message without PRI or header fields: its empty header leaves nothing in the row.
        syslog_event(SyslogHeader::default()),
        Event {
            envelope: Envelope {
                source_address: Some("[2001:db8::1]:443".into()),
                metadata: vec![("http.request.id".into(), "r1".into())],
                ..Envelope::default()
            },
            ..Event::new("{\"a\":1}".into(), at("2026-11-22T22:44:57Z"), Protocol::Https)
        },
    ];
    let batch = runtime
        .normalize_blocking(intake.format.clone(), events.clone())
        .expect("normalized");
    assert_eq!(batch.events, events, "the component's loan is given back whole");
    for (event, outcome) in batch.events.into_iter().zip(batch.outcomes) {
        assert!(outcome.normalized.is_ok(), "{outcome:?}");
        let row = row::new_row(uuid::Uuid::nil(), &intake, event.clone(), outcome);
        assert_eq!((&*row.intake, &*row.entity, &*row.format), ("fw", "paris", "plain"));
        assert_eq!(row::event_of(&stored(&row)), Ok(event));
    }
    runtime.shutdown();
}

#[test]
fn rows_that_cannot_be_rebuilt_say_why() {
    let good = StoredRaw {
        block: 0,
        id: uuid::Uuid::nil(),
        protocol: "syslog".into(),
        received_at_us: 1_795_387_497_000_000,
        client_time_us: None,
        event_time_us: None,
        raw: "x".into(),
        metadata: Some(r#"{"log.syslog.hostname":"fw1"}"#.into()),
        outcome: Err("no parser".into()),
    };
    assert!(row::event_of(&good).is_ok());
    let broken = |edit: fn(&mut StoredRaw)| {
        let mut row = good.clone();
        edit(&mut row);
        row::event_of(&row).expect_err("unreadable")
    };
    assert_eq!(
        broken(|r| r.protocol = "ftp".into()),
        row::RowError::Protocol(UnknownProtocol { name: "ftp".into() })
    );
    assert_eq!(
        broken(|r| r.received_at_us = i64::MAX),
        row::RowError::ReceivedAt(TimeOutOfRange { micros: i64::MAX })
    );
    assert_eq!(
        broken(|r| r.client_time_us = Some(i64::MIN)),
        row::RowError::ClientTime(TimeOutOfRange { micros: i64::MIN })
    );
    assert_eq!(
        broken(|r| r.metadata = Some("[]".into())),
        row::RowError::Envelope(EnvelopeError::NotAnObject)
    );
    assert!(matches!(
        broken(|r| r.metadata = Some(r#"{"log.syslog.facility.code":"4"}"#.into())),
        row::RowError::Envelope(EnvelopeError::Field { .. })
    ));
    // The reason names the value, for the report.
    assert!(broken(|r| r.protocol = "ftp".into()).to_string().contains("\"ftp\""));
}

#[test]
fn a_loan_to_the_component_takes_the_strings_and_gives_them_back() {
    let mut events = vec![syslog_event(SyslogHeader {
        hostname: Some("fw1".into()),
        ..SyslogHeader::default()
    })];
    let before = events.clone();
    let lent = wit::lend(&mut events);
    assert_eq!(lent[0].raw, before[0].raw);
    assert_eq!(lent[0].received_at.seconds, 1_795_387_497);
    assert_eq!(lent[0].received_at.nanoseconds, 123_456_000);
    assert_eq!(lent[0].client_time.map(|t| t.seconds), Some(1_795_387_496));
    assert!(matches!(lent[0].protocol, crate::runtime::bindings::Protocol::Relp));
    assert_eq!(lent[0].source_address.as_deref(), Some("192.0.2.1:51514"));
    assert_eq!(lent[0].syslog.as_ref().and_then(|h| h.hostname.as_deref()), Some("fw1"));
    // Moved, not copied: the event holds nothing while the component has it.
    assert!(events[0].raw.is_empty() && events[0].envelope == Envelope::default());
    wit::give_back(&mut events, lent);
    assert_eq!(events, before);
}
