//! `[intake.poll]` (an intake whose events the node fetches from a cloud API) and `[poll]`.

use super::raw::{RawDuration, RawPoll, RawPollGlobal};
use super::validate::{valid_name, Validator};
use super::{ComponentSource, Problem};
use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

pub const DEFAULT_POLL_EVERY: Duration = Duration::from_secs(60);
pub const DEFAULT_POLL_START_AT: Duration = Duration::from_secs(24 * 3600);
/// Okta, Microsoft and CloudTrail all publish events some seconds to minutes late.
pub const DEFAULT_POLL_DELAY: Duration = Duration::from_secs(60);
pub const DEFAULT_POLL_MAX_PAGES: u64 = 100;
pub const DEFAULT_POLL_MAX_EVENTS_PER_PAGE: u64 = 1000;
pub const DEFAULT_POLL_REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
pub const DEFAULT_POLL_CALL_TIMEOUT: Duration = Duration::from_secs(300);
pub const DEFAULT_POLL_MAX_RESPONSE_BYTES: u64 = 32 << 20;
pub const DEFAULT_POLL_REQUESTS_PER_SECOND: u64 = 10;
pub const DEFAULT_POLL_MEMORY_MIB: u64 = 256;
/// Wasm instructions (roughly) one call may run: some seconds of CPU.
pub const DEFAULT_POLL_FUEL: u64 = 20_000_000_000;

/// What all polling intakes share (`[poll]`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PollSettings {
    /// The secrets file (`[poll] secrets`), else only `INTAKE_EDGE_SECRET_<NAME>` variables.
    pub secrets: Option<PathBuf>,
}

/// Where a poller may send requests: a scheme, a host and a port, nothing else.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Origin {
    pub https: bool,
    /// Lowercase; an IPv6 address without brackets.
    pub host: String,
    pub port: u16,
}

impl Origin {
    /// Reads `https://host[:port]` (a path `/` is tolerated; any other path, a query, a user
    /// or a fragment is refused).
    pub fn parse(text: &str) -> Result<Origin, String> {
        if text.contains('@') {
            // Not echoed: what is before the '@' is a credential.
            return Err("credentials do not belong in a URL (name a secret with `secret`)".into());
        }
        let uri: hyper::Uri = text.parse().map_err(|e| format!("{text:?} is not a URL: {e}"))?;
        let https = match uri.scheme_str() {
            Some("https") => true,
            Some("http") => false,
            _ => return Err(format!("{text:?}: the scheme must be https or http")),
        };
        let authority = uri.authority().ok_or_else(|| format!("{text:?} has no host"))?;
        if uri.path_and_query().is_some_and(|p| p.as_str() != "/") {
            return Err(format!(
                "{text:?}: an allowed origin is scheme, host and port, without a path"
            ));
        }
        Ok(Origin {
            https,
            host: authority
                .host()
                .trim_start_matches('[')
                .trim_end_matches(']')
                .to_ascii_lowercase(),
            port: authority.port_u16().unwrap_or(if https { 443 } else { 80 }),
        })
    }

    /// The origin of a full URL (its path and query ignored).
    pub fn of_url(url: &str) -> Result<Origin, String> {
        if url.contains('@') {
            return Err("credentials do not belong in a URL (name a secret with `secret`)".into());
        }
        let uri: hyper::Uri = url.parse().map_err(|e| format!("{url:?} is not a URL: {e}"))?;
        let base = format!(
            "{}://{}",
            uri.scheme_str().unwrap_or_default(),
            uri.authority().map(|a| a.as_str()).unwrap_or_default()
        );
        Origin::parse(&base)
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let scheme = if self.https { "https" } else { "http" };
        if self.host.contains(':') {
            write!(f, "{scheme}://[{}]:{}", self.host, self.port)
        } else {
            write!(f, "{scheme}://{}:{}", self.host, self.port)
        }
    }
}

/// A validated `[intake.poll]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PollSpec {
    pub component: ComponentSource,
    pub every: Duration,
    pub url: String,
    /// The secret's name (`[poll] secrets` file or `INTAKE_EDGE_SECRET_<NAME>`).
    pub secret: Option<String>,
    /// Where the component's requests may go; by default the origin of `url`.
    pub allow: Vec<Origin>,
    pub start_at: Duration,
    pub delay: Duration,
    /// A CA certificate (PEM) trusted besides the system's, for the source's TLS.
    pub ca_file: Option<PathBuf>,
    /// Pages (calls) per run, at most.
    pub max_pages: u32,
    pub max_events_per_page: u32,
    pub request_timeout: Duration,
    /// One call of the component, its requests included.
    pub call_timeout: Duration,
    pub max_response_bytes: u64,
    pub requests_per_second: u32,
    pub memory_bytes: usize,
    pub fuel: u64,
    /// The table's other keys, as text, for the component.
    pub options: Vec<(String, String)>,
}

/// Reads `60`, `"60s"`, `"500ms"`, `"5m"`, `"24h"`, `"7d"`.
pub fn parse_duration(text: &str) -> Option<Duration> {
    let t = text.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (n, unit) = t.split_at(split);
    let n: u64 = n.parse().ok()?;
    let secs = match unit.trim() {
        "" | "s" => n,
        "ms" => return Some(Duration::from_millis(n)),
        "m" | "min" => n.checked_mul(60)?,
        "h" => n.checked_mul(3600)?,
        "d" => n.checked_mul(86_400)?,
        _ => return None,
    };
    Some(Duration::from_secs(secs))
}

impl Validator {
    pub(super) fn poll_settings(&mut self, raw: RawPollGlobal) -> PollSettings {
        PollSettings {
            secrets: raw.secrets.as_deref().map(|p| self.resolve(p)),
        }
    }

    fn poll_duration(
        &mut self,
        intake: &str,
        key: &str,
        v: Option<RawDuration>,
        default: Duration,
        max: Duration,
    ) -> Duration {
        let Some(v) = v else { return default };
        let d = match &v {
            RawDuration::Secs(s) => Some(Duration::from_secs(*s)),
            RawDuration::Text(t) => parse_duration(t),
        };
        match d {
            Some(d) if d <= max => d,
            _ => {
                self.problems.push(Problem::BadPoll {
                    intake: intake.to_string(),
                    reason: format!(
                        "{key} = {v:?}: a duration such as 60, \"60s\", \"5m\", \"24h\" or \"7d\", at most {}s",
                        max.as_secs()
                    ),
                });
                default
            }
        }
    }

    pub(super) fn poll(&mut self, intake: &str, raw: RawPoll) -> PollSpec {
        let bad = |problems: &mut Vec<Problem>, reason: String| {
            problems.push(Problem::BadPoll {
                intake: intake.to_string(),
                reason,
            })
        };
        let component = match raw.component.as_deref() {
            Some(c) if c.starts_with("builtin:") => {
                let name = &c["builtin:".len()..];
                if !crate::builtins::poller_names().contains(&name) {
                    bad(
                        &mut self.problems,
                        format!(
                            "component {c:?}: no such builtin poller (builtins: {})",
                            crate::builtins::poller_names().join(", ")
                        ),
                    );
                }
                ComponentSource::Builtin(name.to_string())
            }
            Some(path) => {
                let p = self.resolve(path);
                if !p.is_file() {
                    bad(&mut self.problems, format!("component file {} not found", p.display()));
                }
                ComponentSource::File(p)
            }
            None => {
                bad(
                    &mut self.problems,
                    "missing `component` (\"builtin:NAME\" or a .wasm path)".into(),
                );
                ComponentSource::Builtin(String::new())
            }
        };
        let url = raw.url.unwrap_or_default();
        let url_origin = match Origin::of_url(&url) {
            Ok(o) => Some(o),
            Err(e) => {
                bad(&mut self.problems, format!("url: {e}"));
                None
            }
        };
        let mut allow = Vec::new();
        for a in raw.allow.unwrap_or_default() {
            match Origin::parse(&a) {
                Ok(o) => allow.push(o),
                Err(e) => bad(&mut self.problems, format!("allow: {e}")),
            }
        }
        if allow.is_empty() {
            allow.extend(url_origin);
        }
        if let Some(s) = &raw.secret {
            if !valid_name(s) {
                bad(
                    &mut self.problems,
                    format!("secret {s:?}: a name uses only letters, digits, '-', '_' and '.'"),
                );
            }
        }
        let mut options = Vec::new();
        for (k, v) in raw.options {
            let text = match v {
                toml::Value::String(s) => s,
                toml::Value::Integer(i) => i.to_string(),
                toml::Value::Float(f) => f.to_string(),
                toml::Value::Boolean(b) => b.to_string(),
                toml::Value::Datetime(d) => d.to_string(),
                toml::Value::Array(a) => a
                    .iter()
                    .map(|v| v.as_str().map(str::to_string).unwrap_or_else(|| v.to_string()))
                    .collect::<Vec<_>>()
                    .join(","),
                toml::Value::Table(_) => {
                    bad(
                        &mut self.problems,
                        format!("option {k:?}: a table is not an option value"),
                    );
                    continue;
                }
            };
            if k.to_ascii_lowercase().contains("secret")
                || k.to_ascii_lowercase().contains("password")
                || k.to_ascii_lowercase().contains("token")
            {
                bad(
                    &mut self.problems,
                    format!(
                        "option {k:?} looks like a credential: credentials go in the secrets file, named by `secret`"
                    ),
                );
                continue;
            }
            options.push((k, text));
        }
        let key = |k: &str| format!("intake {intake:?} poll.{k}");
        let every = self.poll_duration(
            intake,
            "every",
            raw.every,
            DEFAULT_POLL_EVERY,
            Duration::from_secs(86_400),
        );
        if every < Duration::from_secs(1) {
            self.problems.push(Problem::BadPoll {
                intake: intake.to_string(),
                reason: "every must be at least 1s".into(),
            });
        }
        PollSpec {
            component,
            every: every.max(Duration::from_secs(1)),
            url,
            secret: raw.secret,
            allow,
            start_at: self.poll_duration(
                intake,
                "start_at",
                raw.start_at,
                DEFAULT_POLL_START_AT,
                Duration::from_secs(366 * 86_400),
            ),
            delay: self.poll_duration(
                intake,
                "delay",
                raw.delay,
                DEFAULT_POLL_DELAY,
                Duration::from_secs(86_400),
            ),
            ca_file: raw.ca_file.as_deref().map(|f| self.resolve(f)),
            max_pages: self.limit(&key("max_pages"), raw.max_pages, DEFAULT_POLL_MAX_PAGES, 100_000) as u32,
            max_events_per_page: self.limit(
                &key("max_events_per_page"),
                raw.max_events_per_page,
                DEFAULT_POLL_MAX_EVENTS_PER_PAGE,
                100_000,
            ) as u32,
            request_timeout: self.poll_duration(
                intake,
                "request_timeout",
                raw.request_timeout,
                DEFAULT_POLL_REQUEST_TIMEOUT,
                Duration::from_secs(600),
            ),
            call_timeout: self.poll_duration(
                intake,
                "call_timeout",
                raw.call_timeout,
                DEFAULT_POLL_CALL_TIMEOUT,
                Duration::from_secs(3600),
            ),
            max_response_bytes: self.limit(
                &key("max_response_bytes"),
                raw.max_response_bytes,
                DEFAULT_POLL_MAX_RESPONSE_BYTES,
                1 << 30,
            ),
            requests_per_second: self.limit(
                &key("requests_per_second"),
                raw.requests_per_second,
                DEFAULT_POLL_REQUESTS_PER_SECOND,
                10_000,
            ) as u32,
            memory_bytes: (self.limit(&key("memory_mib"), raw.memory_mib, DEFAULT_POLL_MEMORY_MIB, 4096) << 20)
                as usize,
            fuel: self.limit(&key("fuel"), raw.fuel, DEFAULT_POLL_FUEL, u64::MAX / 2),
            options,
        }
    }
}
