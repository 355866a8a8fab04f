//! A hostile test poller: in `poll` it probes what the sandbox lets a poller do and reports each
//! probe as an event `{"probe": "<name>", "result": "<what happened>"}` (no source ID), in one
//! page (`more` false, cursor `done`); called again with the cursor `done`, it returns an empty
//! page.
//!
//! Probes (options of `[intake.poll]`):
//! - `off_list`: GET `off_list_url` (a host not in the allowlist): expect `HTTP-request-denied`.
//! - `redirect`: GET `redirect_url` (allowed, answers a 3xx to an off-list host) and
//!   `redirect_follow`: GET its `Location`, as a client that follows redirects would: expect
//!   the 3xx itself, then `HTTP-request-denied`.
//! - `authorization_header`: GET `allowed_url` with `Authorization: Bearer stolen` set by the
//!   guest: expect `header refused: forbidden`.
//! - `allowed`: GET `allowed_url` plainly: expect `status 200` (the host adds its credentials).
//! - `settings.url`, `settings.options`, `settings.secret`: what the guest was given.
//! - `env_vars`: how many environment variables it sees (expect 0).
//! - `read_etc_passwd`: whether it can read `/etc/passwd` (expect an error).

use edge_poll_sdk::http::{self, HttpError, Response};
use edge_poll_sdk::{json, option, poller_description, Description, Page, PollError, PolledEvent, Poller, Settings};

pub struct HostilePoller;

const DONE: &[u8] = b"done";

fn probe(name: &str, result: impl Into<String>) -> PolledEvent {
    let raw = json!({ "probe": name, "result": result.into() }).to_string();
    PolledEvent { raw, source_id: None }
}

/// What a request came to, as a probe result: `status 200`, `error HTTP-request-denied`,
/// `header refused: forbidden`...
pub fn outcome(result: &Result<Response, HttpError>) -> String {
    match result {
        Ok(response) => format!("status {}", response.status),
        Err(HttpError::Code { code, .. }) => format!("error {code}"),
        Err(HttpError::HeaderRefused { header, reason, .. }) => format!("header refused: {reason} ({header})"),
        Err(other) => format!("failed: {other}"),
    }
}

fn url_probe(settings: &Settings, option_name: &str, run: impl FnOnce(&str) -> String) -> String {
    match option(settings, option_name) {
        Some(url) => run(url),
        None => format!("skipped: no option `{option_name}`"),
    }
}

/// Every probe, in order.
pub fn probes(settings: &Settings) -> Vec<PolledEvent> {
    let mut events = Vec::new();
    events.push(probe(
        "off_list",
        url_probe(settings, "off_list_url", |url| outcome(&http::get(url, &[]))),
    ));

    let mut follow = None;
    let redirect = url_probe(settings, "redirect_url", |url| {
        let result = http::get(url, &[]);
        if let Ok(response) = &result {
            if (300..400).contains(&response.status) {
                follow = response.header("location").map(str::to_owned);
            }
        }
        outcome(&result)
    });
    events.push(probe("redirect", redirect));
    let followed = match follow {
        Some(location) => outcome(&http::get(&location, &[])),
        None => "skipped: no 3xx with a Location".to_owned(),
    };
    events.push(probe("redirect_follow", followed));

    let stolen = url_probe(settings, "allowed_url", |url| {
        outcome(&http::get(url, &[("Authorization", "Bearer stolen")]))
    });
    events.push(probe("authorization_header", stolen));
    events.push(probe(
        "allowed",
        url_probe(settings, "allowed_url", |url| outcome(&http::get(url, &[]))),
    ));

    events.push(probe("settings.url", settings.url.clone()));
    let options: Vec<String> = settings.options.iter().map(|(k, v)| format!("{k}={v}")).collect();
    events.push(probe("settings.options", options.join(" ")));
    events.push(probe(
        "settings.secret",
        settings.secret.clone().unwrap_or_else(|| "none".into()),
    ));
    events.push(probe("env_vars", std::env::vars_os().count().to_string()));
    let passwd = match std::fs::read("/etc/passwd") {
        Ok(bytes) => format!("read {} bytes", bytes.len()),
        Err(e) => format!("error: {e}"),
    };
    events.push(probe("read_etc_passwd", passwd));
    events
}

impl Poller for HostilePoller {
    fn describe() -> Description {
        poller_description!(
            "hostile-poller",
            "Test component: probes the sandbox (off-list URLs, redirects, its own Authorization header, environment, files) and reports each probe as an event",
            "json",
            [
                ("off_list_url", "a URL whose host is not in the allowlist"),
                ("redirect_url", "an allowed URL that answers a redirect to a host off the list"),
                ("allowed_url", "an allowed URL (fetched with and without a guest-set Authorization header)"),
            ]
        )
    }

    fn poll(settings: Settings, cursor: Option<Vec<u8>>) -> Result<Page, PollError> {
        if cursor.as_deref() == Some(DONE) {
            return Ok(Page::empty());
        }
        Ok(Page {
            cursor: Some(DONE.to_vec()),
            ..Page::with_events(probes(&settings))
        })
    }
}

edge_poll_sdk::export_poller!(HostilePoller);

#[cfg(test)]
mod tests {
    use super::*;
    use edge_poll_sdk::{serde_json, Value};

    fn settings() -> Settings {
        Settings {
            intake: "hostile".into(),
            url: "https://allowed.test".into(),
            options: vec![("off_list_url".into(), "https://evil.test/".into())],
            secret: Some("s".into()),
            start_at: 0,
            until: 0,
            max_events: 100,
        }
    }

    #[test]
    fn one_page_then_nothing() {
        let page = HostilePoller::poll(settings(), None).unwrap();
        assert!(!page.more);
        assert_eq!(page.cursor.as_deref(), Some(DONE));
        let names: Vec<String> = page
            .events
            .iter()
            .map(|e| {
                assert!(e.source_id.is_none());
                let v: Value = serde_json::from_str(&e.raw).unwrap();
                assert!(v["result"].is_string());
                v["probe"].as_str().unwrap().to_owned()
            })
            .collect();
        assert_eq!(
            names,
            [
                "off_list",
                "redirect",
                "redirect_follow",
                "authorization_header",
                "allowed",
                "settings.url",
                "settings.options",
                "settings.secret",
                "env_vars",
                "read_etc_passwd"
            ]
        );
        assert!(page.events[1].raw.contains("skipped: no option `redirect_url`"));
        assert!(page.events[6].raw.contains("off_list_url=https://evil.test/"));
        assert_eq!(
            HostilePoller::poll(settings(), Some(DONE.to_vec())).unwrap(),
            Page::empty()
        );
    }
}
