use super::*;
use crate::config::{Config, Overrides, RuntimeSettings};
use crate::registry::Registry;
use crate::runtime::Runtime;
use chrono::FixedOffset;
use std::path::{Path, PathBuf};

const KEY: &str = "attribution-test-key-0001";
const SD_ID: &str = "SEKOIA@53288";

fn runtime() -> Runtime {
    let defaults = Config::parse("", Path::new("intakes.toml")).expect("defaults");
    let settings = RuntimeSettings {
        workers: 1,
        ..defaults.runtime.clone()
    };
    Runtime::start(&settings, defaults.store.enqueue_timeout).expect("runtime")
}

fn attributor(runtime: &Runtime, bound_intake: Option<&str>) -> Attributor {
    let text = format!(
        "[formats.plain]\ncomponent = \"builtin:plain\"\n\n\
         [[intake]]\nname = \"fw\"\nformat = \"plain\"\nentity = \"paris\"\nkey = \"{KEY}\"\n"
    );
    let config = Config::parse(&text, Path::new("intakes.toml")).expect("valid config");
    let registry = Registry::build(config, runtime, None).expect("registry");
    Attributor {
        registry: Arc::new(RegistryHandle::new(
            registry,
            PathBuf::from("intakes.toml"),
            Overrides::default(),
        )),
        sd_id: SD_ID.into(),
        rfc3164_zone: FixedOffset::east_opt(0).expect("UTC"),
        bound_intake: bound_intake.map(str::to_string),
    }
}

#[test]
fn the_key_element_names_the_intake_and_leaves_the_envelope() {
    let runtime = runtime();
    let by_key = attributor(&runtime, None);
    let message =
        format!(r#"<34>1 2026-11-22T22:44:57Z fw1 sshd 42 ID1 [{SD_ID} intake_key="{KEY}"][a@1 b="c"] hello"#);
    let incoming = by_key
        .attribute(message.as_bytes(), "192.0.2.1:51514")
        .expect("attributed");
    assert_eq!(&*incoming.intake.name, "fw");
    assert_eq!(incoming.raw, "hello");
    assert_eq!(
        incoming.client_time.map(|t| t.to_rfc3339()).as_deref(),
        Some("2026-11-22T22:44:57+00:00")
    );
    let expected = Envelope {
        source_address: Some("192.0.2.1:51514".into()),
        syslog: Some(crate::event::full_header()),
        metadata: Vec::new(),
    };
    assert_eq!(incoming.envelope, expected, "the key element is not kept");

    // A listener bound to the intake needs no key.
    let bound = attributor(&runtime, Some("fw"));
    let incoming = bound
        .attribute(b"<13>Nov 22 22:44:57 fw1 app: hi", "192.0.2.1:1")
        .expect("attributed");
    assert_eq!((&*incoming.intake.name, incoming.raw.as_str()), ("fw", "hi"));
    runtime.shutdown();
}

#[test]
fn each_rejection_has_its_counter_and_its_detail() {
    let runtime = runtime();
    let by_key = attributor(&runtime, None);
    let reject = |a: &Attributor, message: &str| a.attribute(message.as_bytes(), "192.0.2.1:1").expect_err("rejected");

    let malformed = reject(&by_key, "<999>1 x");
    assert!(
        matches!(malformed, AttributionError::Malformed(SyslogError::Pri(_))),
        "{malformed:?}"
    );
    assert_eq!(malformed.rejection(), Rejection::Malformed);
    assert!(malformed.to_string().starts_with("invalid PRI"), "{malformed}");

    let no_key = reject(&by_key, "<13>1 - - - - - [other@1 a=\"b\"] x");
    assert_eq!(no_key, AttributionError::NoKey { sd_id: SD_ID.into() });
    assert_eq!(no_key.rejection(), Rejection::NoKey);
    assert_eq!(no_key.to_string(), "no SEKOIA@53288 intake_key element");

    let secret = "not-a-configured-key-9999";
    let unknown = reject(
        &by_key,
        &format!(r#"<13>1 - - - - - [{SD_ID} intake_key="{secret}"] x"#),
    );
    assert_eq!(unknown, AttributionError::UnknownKey);
    assert_eq!(unknown.rejection(), Rejection::UnknownKey);
    assert!(
        !unknown.to_string().contains(secret),
        "a key never reaches a log or a RELP answer"
    );

    let gone = reject(&attributor(&runtime, Some("removed")), "<13>1 - - - - - - x");
    assert_eq!(gone, AttributionError::BoundIntakeGone { name: "removed".into() });
    assert_eq!(gone.rejection(), Rejection::UnknownKey);
    assert_eq!(gone.to_string(), "bound intake \"removed\" is no longer configured");
    runtime.shutdown();
}
