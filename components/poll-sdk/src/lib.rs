//! Guest-side SDK for intake-edge poller components.
//!
//! A poller component is a `wasm32-wasip2` `cdylib` that exports the WIT world
//! `edge:poller/poller-component@0.1.0` (`wit/poller.wit`): it reads a cloud API that cannot
//! push (Okta's System Log, Microsoft 365's audit feed, CloudTrail through SQS) one page at a
//! time. The host owns the schedule, the loop, the store and every credential: the component
//! makes plain HTTP requests ([`http`]) and the host checks each against the intake's allowlist
//! and adds the authentication. A poller author implements [`Poller`] and writes one line,
//! [`export_poller!`]`(MyPoller);`.
//!
//! ```
//! use edge_poll_sdk::{http, json, poller_description, Description, Page, PollError, Poller, Settings};
//!
//! struct Example;
//!
//! impl Poller for Example {
//!     fn describe() -> Description {
//!         poller_description!("example", "Reads /events", "json", [("limit", "page size")])
//!     }
//!
//!     fn poll(settings: Settings, cursor: Option<Vec<u8>>) -> Result<Page, PollError> {
//!         if cursor.is_some() {
//!             return Ok(Page::empty());
//!         }
//!         let response = http::get(&format!("{}/events", settings.url), &[])?;
//!         response.check()?; // 429 → rate-limited, 5xx → transient, others → fatal
//!         let events = json::array_events(&response.body, Some("id"), |_| {})
//!             .map_err(|e| PollError::Fatal(format!("/events: {e}")))?;
//!         Ok(Page { cursor: Some(b"done".to_vec()), ..Page::with_events(events) })
//!     }
//! }
//!
//! edge_poll_sdk::export_poller!(Example);
//! ```
//!
//! # Calls
//!
//! `poll` and `acknowledge` are plain (blocking) functions: the helpers of [`http`] make one
//! request at a time, blocking on `wasi:io/poll` until it is answered. The host runs each call asynchronously, under a
//! deadline and a memory cap; a trap (panic: guests are built with `panic = "abort"`) fails the
//! call. Return errors as [`PollError`] instead of panicking.

pub mod http;
pub mod json;
pub mod time;
pub mod url;

/// `serde_json`, re-exported so that poller crates need no dependency of their own.
pub use serde_json;
pub use serde_json::{json, Map, Value};

/// The WIT bindings, generated once for every poller crate. Not a stable API: use the
/// re-exports at the crate root and [`export_poller!`].
#[doc(hidden)]
#[allow(unsafe_code, reason = "wit-bindgen generates the canonical ABI glue")]
pub mod bindings {
    wit_bindgen::generate!({
        world: "poller-component",
        path: "../../wit/poller.wit",
        pub_export_macro: true,
        export_macro_name: "__export_poller_component",
        default_bindings_module: "edge_poll_sdk::bindings",
        // Pages, events and errors compare in tests.
        additional_derives: [PartialEq, Eq],
    });
}

pub use bindings::edge::poller::types::{Description, Page, PollError, PolledEvent, Settings};

/// What a poller author implements.
pub trait Poller {
    /// Describes the poller (name, version, the format its events are for, its options).
    fn describe() -> Description;

    /// Reads the next page after `cursor` (`None`: nothing stored yet, start at
    /// `settings.start_at`).
    fn poll(settings: Settings, cursor: Option<Vec<u8>>) -> Result<Page, PollError>;

    /// Confirms to the source what a page's `ack` names, once the host stored the page. The
    /// default does nothing (most sources need no confirmation).
    fn acknowledge(settings: Settings, ack: Vec<u8>) -> Result<(), PollError> {
        let _ = (settings, ack);
        Ok(())
    }
}

impl<T: Poller> bindings::exports::edge::poller::poller::Guest for T {
    fn poll(settings: Settings, cursor: Option<Vec<u8>>) -> Result<Page, PollError> {
        <T as Poller>::poll(settings, cursor)
    }

    fn acknowledge(settings: Settings, ack: Vec<u8>) -> Result<(), PollError> {
        <T as Poller>::acknowledge(settings, ack)
    }

    fn describe() -> Description {
        <T as Poller>::describe()
    }
}

/// Exports a type implementing [`Poller`] as the component's `edge:poller/poller` interface.
///
/// Use it once, at the root of a `cdylib` crate: `edge_poll_sdk::export_poller!(MyPoller);`.
/// On non-wasm targets (native `cargo test`) it only checks that the type implements [`Poller`].
#[macro_export]
macro_rules! export_poller {
    ($ty:ident) => {
        const _: () = {
            fn assert_poller<T: $crate::Poller>() {}
            let _ = assert_poller::<$ty>;
        };
        #[cfg(target_arch = "wasm32")]
        #[allow(unsafe_code, reason = "wit-bindgen generates the canonical ABI glue")]
        mod __export_poller {
            use super::*;
            $crate::bindings::__export_poller_component!($ty with_types_in $crate::bindings);
        }
    };
}

/// Builds a [`Description`] with the calling crate's version:
/// `poller_description!(name, description, format, [(option, explanation), ...])`.
#[macro_export]
macro_rules! poller_description {
    ($name:expr, $description:expr, $format:expr, [$(($option:expr, $explanation:expr)),* $(,)?] $(,)?) => {
        $crate::Description {
            name: ::std::string::String::from($name),
            version: ::std::string::String::from(env!("CARGO_PKG_VERSION")),
            description: ::std::string::String::from($description),
            format: ::std::string::String::from($format),
            options: ::std::vec![$((::std::string::String::from($option), ::std::string::String::from($explanation))),*],
        }
    };
}

impl Page {
    /// A page with nothing: no events, the cursor kept, no more pages now.
    pub fn empty() -> Self {
        Page {
            events: Vec::new(),
            cursor: None,
            more: false,
            retry_after: None,
            ack: None,
            position: None,
        }
    }

    /// A page with these events and nothing else set (cursor kept, `more` false).
    pub fn with_events(events: Vec<PolledEvent>) -> Self {
        Page {
            events,
            ..Page::empty()
        }
    }
}

impl PolledEvent {
    /// An event with its source ID.
    pub fn new(raw: String, source_id: Option<String>) -> Self {
        PolledEvent { raw, source_id }
    }
}

impl PollError {
    /// A line for people: `transient: …`, `rate limited: wait 3 s`, `fatal: …` (the generated
    /// `Display` prints the `Debug` form).
    pub fn message(&self) -> String {
        match self {
            PollError::Transient(message) => format!("transient: {message}"),
            PollError::RateLimited(secs) => format!("rate limited: wait {secs} s"),
            PollError::Fatal(message) => format!("fatal: {message}"),
        }
    }

    /// The same error with `context: ` before its message (a rate limit is kept as it is).
    pub fn context(self, context: impl std::fmt::Display) -> Self {
        match self {
            PollError::Transient(m) => PollError::Transient(format!("{context}: {m}")),
            PollError::Fatal(m) => PollError::Fatal(format!("{context}: {m}")),
            limited @ PollError::RateLimited(_) => limited,
        }
    }
}

/// The value of the `[intake.poll]` key `name` (the last one if it is given twice); `None` when
/// absent or blank.
pub fn option<'a>(settings: &'a Settings, name: &str) -> Option<&'a str> {
    option_in(&settings.options, name)
}

/// [`option`] over the options list itself.
pub fn option_in<'a>(options: &'a [(String, String)], name: &str) -> Option<&'a str> {
    options
        .iter()
        .rev()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.trim())
        .filter(|value| !value.is_empty())
}

/// The value of a required option, or a fatal error naming it.
pub fn required_option<'a>(settings: &'a Settings, name: &str) -> Result<&'a str, PollError> {
    option(settings, name)
        .ok_or_else(|| PollError::Fatal(format!("intake {}: the option `{name}` is required", settings.intake)))
}

/// An option read as a number within `min..=max`, `default` when absent; a fatal error naming it
/// when it is not such a number.
pub fn number_option(settings: &Settings, name: &str, default: u64, min: u64, max: u64) -> Result<u64, PollError> {
    match option(settings, name) {
        None => Ok(default),
        Some(text) => match text.parse::<u64>() {
            Ok(n) if (min..=max).contains(&n) => Ok(n),
            _ => Err(PollError::Fatal(format!(
                "intake {}: the option `{name}` must be a number from {min} to {max}, not `{text}`",
                settings.intake
            ))),
        },
    }
}

/// `settings.url` without a trailing `/`, checked to be an `http(s)://` URL.
pub fn base_url(settings: &Settings) -> Result<&str, PollError> {
    let url = settings.url.trim().trim_end_matches('/');
    if url::origin(url).is_none() {
        return Err(PollError::Fatal(format!(
            "intake {}: `url` must be an http(s) URL, not `{}`",
            settings.intake, settings.url
        )));
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn settings(options: &[(&str, &str)]) -> Settings {
        Settings {
            intake: "test".into(),
            url: "https://example.okta.com/".into(),
            options: options
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
            secret: Some("okta-token".into()),
            start_at: 0,
            until: 100,
            max_events: 1000,
        }
    }

    #[test]
    fn options() {
        let s = settings(&[("limit", "200"), ("blank", "  "), ("limit", " 300 ")]);
        assert_eq!(option(&s, "limit"), Some("300"));
        assert_eq!(option(&s, "blank"), None);
        assert_eq!(option(&s, "missing"), None);
        assert!(matches!(required_option(&s, "missing"), Err(PollError::Fatal(m)) if m.contains("`missing`")));
        assert_eq!(number_option(&s, "limit", 1000, 1, 1000).unwrap(), 300);
        assert_eq!(number_option(&s, "missing", 7, 1, 10).unwrap(), 7);
        assert!(number_option(&s, "limit", 1, 1, 100).is_err());
        assert_eq!(base_url(&s).unwrap(), "https://example.okta.com");
        let mut bad = s.clone();
        bad.url = "example.okta.com".into();
        assert!(base_url(&bad).is_err());
    }

    #[test]
    fn description_has_the_crate_version() {
        let d = poller_description!("x", "y", "json", [("a", "b")]);
        assert_eq!(d.version, env!("CARGO_PKG_VERSION"));
        assert_eq!(d.options, vec![("a".to_owned(), "b".to_owned())]);
    }

    #[test]
    fn error_context() {
        let e = PollError::Fatal("boom".into()).context("GET /x");
        assert_eq!(e.message(), "fatal: GET /x: boom");
        assert!(matches!(
            PollError::RateLimited(3).context("x"),
            PollError::RateLimited(3)
        ));
    }
}
