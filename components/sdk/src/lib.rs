//! Guest-side SDK for intake-edge format components.
//!
//! A format component is a `wasm32-wasip2` `cdylib` that exports the WIT world
//! `edge:format/component@0.1.0` (see `wit/format.wit`). This crate generates the bindings once
//! and hides them: a format author implements [`Format`] and writes one line,
//! [`export_format!`]`(MyFormat);`.
//!
//! ```
//! use edge_format_sdk::{describe, event_time, format_rfc3339, Event, Fields, Format, Value};
//!
//! struct Upper;
//!
//! impl Format for Upper {
//!     fn describe() -> edge_format_sdk::Description {
//!         describe!("upper", "Upper-cases the line", ["generic"], "hello")
//!     }
//!
//!     fn normalize_one(event: Event) -> Result<Fields, String> {
//!         let mut fields = Fields::new();
//!         // Optional: the host sets `@timestamp` to this when a format leaves it out.
//!         fields.insert("@timestamp".into(), Value::String(format_rfc3339(event_time(&event))));
//!         fields.insert("message".into(), Value::String(event.raw.to_uppercase()));
//!         Ok(fields)
//!     }
//! }
//!
//! edge_format_sdk::export_format!(Upper);
//! ```
//!
//! # Field names: flat dotted keys
//!
//! A format builds its event as [`Fields`] with ECS field names as **flat dotted keys**
//! (`"log.syslog.hostname"`), which keeps lookups and fixtures simple. What is sent to the host
//! is the nested document Elasticsearch stores (`{"log": {"syslog": {"hostname": "fw1"}}}`):
//! [`to_json_string`] writes it in one pass, and the host only checks it. A format that keeps a
//! document it received (the `json` format keeps the sender's object as it is) may send dotted
//! keys, nested objects or both: the host nests them, and rejects an event whose keys conflict
//! (`a` and `a.b`), naming them.
//!
//! # Limits
//!
//! The host runs each call under a deadline (epoch interruption) and a memory cap. A call that
//! traps (deadline, memory, panic: guests are built with `panic = "abort"`) loses the whole
//! batch for this instance; the host then retries the batch in smaller pieces on fresh instances.
//! Reject bad events with `Err(reason)` instead of panicking.

pub mod access_log;
pub mod ecs;
mod fields;
// The native fixture runner reads files: it has no place in a wasm component.
#[cfg(not(target_arch = "wasm32"))]
pub mod fixtures;
pub mod json_values;
pub mod line;
mod nested;
pub mod out;
mod sink;
pub mod syslog_line;
mod time;
pub mod user_agent;
mod writer;

pub use ecs::{address_fields, domain_fields, ip_or_domain, user_agent_fields, IpOrDomain, Related};
/// The ECS field reference (version, fields, allowed categorization values) and its checks.
pub use edge_ecs::nest::{already_nested, already_nested_picking, check_readable};
pub use edge_ecs::{check as ecs_check, reference as ecs_reference, Document};
pub use fields::{
    event_time, facility_name, insert_envelope, insert_metadata, is_dotted_ecs_name, message_event, metadata,
    severity_name, timestamp_value, MESSAGE, TIMESTAMP,
};
#[cfg(not(target_arch = "wasm32"))]
pub use fixtures::check_fixtures;
pub use sink::{normalize_flat, FlatEvent, Sink, Val};
/// Civil date arithmetic (`days_from_civil`, `civil_from_days`, leap years): the one copy, shared
/// with the syslog grammar and the host; formats that read dates use it rather than their own.
pub use syslog_grammar::civil;
pub use time::format_rfc3339;
pub use writer::ObjectWriter;

/// `serde_json`, re-exported so that format crates need no dependency of their own.
pub use serde_json;
pub use serde_json::{json, Map, Value};

/// The WIT bindings, generated once for every format crate. Not a stable API: use the
/// re-exports at the crate root and [`export_format!`].
#[doc(hidden)]
#[allow(unsafe_code, reason = "wit-bindgen generates the canonical ABI glue")]
pub mod bindings {
    wit_bindgen::generate!({
        world: "component",
        path: "../../wit/format.wit",
        pub_export_macro: true,
        export_macro_name: "__export_component",
        default_bindings_module: "edge_format_sdk::bindings",
    });
}

pub use bindings::edge::format::types::{Description, Event, Protocol, SyslogHeader, Timestamp};

/// A normalized event before serialization: a JSON object with flat dotted ECS keys.
pub type Fields = Map<String, Value>;

/// What a format author implements.
///
/// Only [`Format::describe`] and [`Format::normalize_one`] are required; the default
/// [`Format::normalize`] maps over the batch and serializes every `Ok` object to a JSON string.
pub trait Format {
    /// Describes the format (name, version, categories, a sample event).
    fn describe() -> Description;

    /// Normalizes one event into a JSON object, or rejects it with a human-readable reason.
    ///
    /// The event is passed by value so that its strings (`raw`, metadata) can be moved into the
    /// result without copying.
    fn normalize_one(event: Event) -> Result<Fields, String>;

    /// Normalizes a batch: exactly one result per event, in order.
    fn normalize(events: Vec<Event>) -> Vec<Result<String, String>> {
        events
            .into_iter()
            .map(|event| {
                // The raw text is usually kept as `message`, next to the fields parsed from it.
                let hint = 2 * event.raw.len() + 256;
                Self::normalize_one(event).and_then(|fields| to_json_string(&fields, hint))
            })
            .collect()
    }
}

/// Serializes a normalized event as the nested document the host stores (`{"source":{"ip":…}}`
/// for the key `source.ip`); what cannot be written nested in one pass (conflicting keys) is
/// written flat, for the host to merge or to reject naming the conflict. `capacity` is a guess
/// of the output size.
pub fn to_json_string(fields: &Fields, capacity: usize) -> Result<String, String> {
    let mut buf = Vec::with_capacity(capacity);
    if !nested::write(fields, &mut buf) {
        buf.clear();
        serde_json::to_writer(&mut buf, fields).map_err(|e| format!("cannot serialize event: {e}"))?;
    }
    // serde_json writes UTF-8 only; this check never fails.
    String::from_utf8(buf).map_err(|e| format!("cannot serialize event: {e}"))
}

impl<T: Format> bindings::exports::edge::format::format::Guest for T {
    fn normalize(events: Vec<Event>) -> Vec<Result<String, String>> {
        <T as Format>::normalize(events)
    }

    fn describe() -> Description {
        <T as Format>::describe()
    }
}

/// Exports a type implementing [`Format`] as the component's `edge:format/format` interface.
///
/// Use it once, at the root of a `cdylib` crate: `edge_format_sdk::export_format!(MyFormat);`.
/// On non-wasm targets (native `cargo test`) it only checks that the type implements [`Format`].
#[macro_export]
macro_rules! export_format {
    ($ty:ident) => {
        const _: () = {
            fn assert_format<T: $crate::Format>() {}
            let _ = assert_format::<$ty>;
        };
        #[cfg(target_arch = "wasm32")]
        #[allow(unsafe_code, reason = "wit-bindgen generates the canonical ABI glue")]
        mod __export {
            use super::*;
            $crate::bindings::__export_component!($ty with_types_in $crate::bindings);
        }
    };
}

/// Builds a [`Description`] with the calling crate's version:
/// `describe!(name, description, [categories...], sample)`.
#[macro_export]
macro_rules! describe {
    ($name:expr, $description:expr, [$($category:expr),* $(,)?], $sample:expr $(,)?) => {
        $crate::Description {
            name: ::std::string::String::from($name),
            version: ::std::string::String::from(env!("CARGO_PKG_VERSION")),
            description: ::std::string::String::from($description),
            categories: ::std::vec![$(::std::string::String::from($category)),*],
            sample: ::std::string::String::from($sample),
        }
    };
}

/// Generates the `#[test] fn fixtures()` of a format crate: every case of every
/// `tests/fixtures/*.json` of the calling crate (one case or an array of them a file, read as
/// `intake-edge formats test` reads them: see [`fixtures`]) runs through `$ty::normalize_one`,
/// held to `$ty::normalize` ([`fixtures::normalize_one_checked`]), with
/// [`fixtures::check_fixtures_of`] (ECS checks with the format's name as its namespace);
/// at least 8 cases must exist.
#[macro_export]
macro_rules! fixtures_test {
    ($ty:ty) => {
        $crate::catalog_test!($ty);

        #[test]
        fn fixtures() {
            match $crate::fixtures::check_fixtures_of(
                concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures"),
                &<$ty as $crate::Format>::describe().name,
                $crate::fixtures::normalize_one_checked::<$ty>,
            ) {
                Ok(count) => assert!(count >= 8, "only {count} fixture cases"),
                Err(failures) => panic!("{}", failures.join("\n")),
            }
        }
    };
}

/// A test that `tests/catalog.json` is what `describe()` says (but the version, which the host
/// reads from the crate): the host embeds that file for each builtin, so that its catalog lists
/// every builtin without compiling the ones no intake uses. `EDGE_FIXTURES_BLESS=1` (or a missing
/// file) writes it.
#[macro_export]
macro_rules! catalog_test {
    ($ty:ty) => {
        #[test]
        fn catalog_entry() {
            let d = <$ty as $crate::Format>::describe();
            let entry = $crate::fixtures::catalog_entry(&d.name, &d.description, &d.categories, &d.sample);
            let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/catalog.json");
            let bless = std::env::var_os("EDGE_FIXTURES_BLESS").is_some();
            match std::fs::read_to_string(path) {
                Ok(text) if !bless => assert_eq!(
                    text, entry,
                    "{path} is not what describe() says: rerun with EDGE_FIXTURES_BLESS=1"
                ),
                _ => std::fs::write(path, &entry).expect("write tests/catalog.json"),
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Echo;

    impl Format for Echo {
        fn describe() -> Description {
            describe!("echo", "test", ["generic"], "x")
        }

        fn normalize_one(event: Event) -> Result<Fields, String> {
            if event.raw == "bad" {
                return Err("bad event".into());
            }
            message_event(event)
        }
    }

    export_format!(Echo);

    pub(crate) fn event(raw: &str) -> Event {
        crate::fixtures::https_event(raw, 1_714_564_800)
    }

    #[test]
    fn batch_keeps_order_and_count() {
        let out = Echo::normalize(vec![event("a"), event("bad"), event("c")]);
        assert_eq!(out.len(), 3);
        assert_eq!(out[0].as_deref(), Ok(r#"{"message":"a"}"#));
        assert_eq!(out[1], Err("bad event".to_string()));
        assert!(out[2].as_deref().is_ok_and(|s| s.contains(r#""message":"c""#)));
    }

    #[test]
    fn guest_impl_delegates() {
        use bindings::exports::edge::format::format::Guest;
        let d = <Echo as Guest>::describe();
        assert_eq!(d.name, "echo");
        assert_eq!(d.version, env!("CARGO_PKG_VERSION"));
        assert_eq!(d.categories, vec!["generic".to_string()]);
        assert_eq!(<Echo as Guest>::normalize(vec![]).len(), 0);
    }
}
