//! `User-Agent` strings to ECS `user_agent.*` with the uap-core rules (the `ua-parser` crate, the
//! uap project's own Rust implementation, with `uap-core/regexes.json`, see `uap-core/VERSION`).
//!
//! The rules (about 1,200 regexes) are compiled once per component instance, on the first user
//! agent it sees: about 0.1 s and 22 MB natively, more in wasm (see `docs/decisions.md`). A
//! lookup then costs a few µs; the last [`CACHE_ENTRIES`] distinct user agents of the instance
//! are kept, because a log repeats the same few browsers.

use crate::{Fields, Value};
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::OnceLock;

static RULES: &str = include_str!("../uap-core/regexes.json");

/// Distinct user agents remembered per instance; when full, the cache starts over.
pub const CACHE_ENTRIES: usize = 1024;

/// What uap-core says about one user agent, as ECS values.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserAgent {
    /// `Other` when no rule matches (uap-core's name for an unknown agent).
    pub name: String,
    pub version: Option<String>,
    pub os_name: Option<String>,
    pub os_version: Option<String>,
    /// `Other` when no rule matches.
    pub device_name: String,
}

/// uap-core's name for what no rule recognizes.
pub const OTHER: &str = "Other";

type Extractor = ua_parser::Extractor<'static>;

/// The compiled rules, or why they did not compile (a broken `regexes.json`: a build-time
/// mistake that a unit test catches, reported rather than panicking in a guest).
fn extractor() -> Result<&'static Extractor, &'static str> {
    static EXTRACTOR: OnceLock<Result<Extractor, String>> = OnceLock::new();
    EXTRACTOR
        .get_or_init(|| {
            let regexes: ua_parser::Regexes<'static> =
                serde_json::from_str(RULES).map_err(|e| format!("uap-core rules: {e}"))?;
            Extractor::try_from(regexes).map_err(|e| format!("uap-core rules: {e}"))
        })
        .as_ref()
        .map_err(String::as_str)
}

/// Joins the present version parts with dots: `120`, `0`, `6099` → `120.0.6099`.
fn version<'a>(parts: impl IntoIterator<Item = Option<&'a str>>) -> Option<String> {
    let mut out = String::new();
    for part in parts.into_iter().map_while(|p| p.filter(|p| !p.is_empty())) {
        if !out.is_empty() {
            out.push('.');
        }
        out.push_str(part);
    }
    (!out.is_empty()).then_some(out)
}

/// Parses `ua` with the uap-core rules (no cache). `Err` only if the embedded rules are broken.
pub fn parse(ua: &str) -> Result<UserAgent, &'static str> {
    let extractor = extractor()?;
    let mut parsed = UserAgent {
        name: OTHER.into(),
        device_name: OTHER.into(),
        ..UserAgent::default()
    };
    if let Some(agent) = extractor.ua.extract(ua) {
        parsed.version = version([agent.major, agent.minor, agent.patch, agent.patch_minor]);
        parsed.name = agent.family.into_owned();
    }
    if let Some(os) = extractor.os.extract(ua).filter(|os| os.os != OTHER) {
        parsed.os_version = version([
            os.major.as_deref(),
            os.minor.as_deref(),
            os.patch.as_deref(),
            os.patch_minor.as_deref(),
        ]);
        parsed.os_name = Some(os.os.into_owned());
    }
    if let Some(device) = extractor.dev.extract(ua) {
        parsed.device_name = device.device.into_owned();
    }
    Ok(parsed)
}

thread_local! {
    // A guest has one thread; natively (tests) each thread has its own cache.
    static CACHE: RefCell<HashMap<Box<str>, Rc<UserAgent>>> = RefCell::new(HashMap::new());
}

/// [`parse`] through the per-instance cache.
pub fn parse_cached(ua: &str) -> Result<Rc<UserAgent>, &'static str> {
    if let Some(hit) = CACHE.with_borrow(|cache| cache.get(ua).cloned()) {
        return Ok(hit);
    }
    let parsed = Rc::new(parse(ua)?);
    CACHE.with_borrow_mut(|cache| {
        if cache.len() >= CACHE_ENTRIES {
            cache.clear();
        }
        cache.insert(ua.into(), Rc::clone(&parsed));
    });
    Ok(parsed)
}

/// Writes `user_agent.name`, `version`, `os.name`, `os.version`, `os.full` (`Mac OS X 10.15.7`)
/// and `device.name` for `ua` (not `user_agent.original`: the caller does). Broken embedded
/// rules write nothing more.
pub fn insert_fields(ua: &str, fields: &mut Fields) {
    let Ok(parsed) = parse_cached(ua) else { return };
    fields.insert("user_agent.name".into(), Value::String(parsed.name.clone()));
    if let Some(version) = &parsed.version {
        fields.insert("user_agent.version".into(), Value::String(version.clone()));
    }
    if let Some(os) = &parsed.os_name {
        let full = match &parsed.os_version {
            Some(version) => {
                fields.insert("user_agent.os.version".into(), Value::String(version.clone()));
                format!("{os} {version}")
            }
            None => os.clone(),
        };
        fields.insert("user_agent.os.name".into(), Value::String(os.clone()));
        fields.insert("user_agent.os.full".into(), Value::String(full));
    }
    fields.insert(
        "user_agent.device.name".into(),
        Value::String(parsed.device_name.clone()),
    );
}

#[cfg(test)]
mod tests;
