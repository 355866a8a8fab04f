//! Credentials of the polling intakes: read by the host, used by the host, never handed to a
//! component, never logged, never stored.
//!
//! From the `[poll] secrets` file (TOML, one table per secret; refused unless only its owner
//! may read it, and that owner is this process's user or root) or from the variable
//! `INTAKE_EDGE_SECRET_<NAME>` (the name upper-cased, `-` and `.` as `_`): either a bare token
//! (sent as `Bearer`) or the same table written inline, `{ type = "basic", user = "…", … }`.
//! The variable wins over the file.

use crate::config::Secret;
use serde::Deserialize;
use std::collections::HashMap;
use std::os::unix::fs::MetadataExt;
use std::path::Path;
use std::sync::Arc;

#[derive(Debug, thiserror::Error)]
pub enum SecretsError {
    #[error("cannot read the secrets file {path}: {reason}")]
    Read { path: String, reason: String },
    #[error("the secrets file {path} may be read by others (mode {mode:o}): chmod 600 it")]
    Mode { path: String, mode: u32 },
    #[error("the secrets file {path} belongs to user {owner}, neither this process's user nor root")]
    Owner { path: String, owner: u32 },
    #[error("secret {name:?}: {reason}")]
    Bad { name: String, reason: String },
}

/// How a secret authenticates a request.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Credential {
    /// `Authorization: <scheme> <token>` (`Bearer` unless said; Okta's API tokens use `SSWS`).
    Token {
        token: Secret,
        #[serde(default = "bearer")]
        scheme: String,
    },
    /// HTTP Basic.
    Basic { user: String, password: Secret },
    /// OAuth 2.0 client credentials: the host asks `token_url` for a token, keeps it until
    /// shortly before it expires, and sends it as `Bearer`.
    Oauth2 {
        token_url: String,
        client_id: String,
        client_secret: Secret,
        scope: Option<String>,
        /// The v1 endpoints' `resource` (Microsoft's `/oauth2/token`).
        resource: Option<String>,
    },
    /// AWS Signature Version 4.
    Aws {
        access_key_id: String,
        secret_access_key: Secret,
        session_token: Option<Secret>,
        region: String,
    },
}

fn bearer() -> String {
    "Bearer".into()
}

impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Secret, D::Error> {
        String::deserialize(d).map(Secret)
    }
}

/// The secrets known now (read again at each run, so an edited file counts from the next run).
#[derive(Debug, Default, Clone)]
pub struct Secrets {
    by_name: HashMap<String, Arc<Credential>>,
}

impl Secrets {
    /// Reads the file (if any); variables are looked up by [`Secrets::get`].
    pub fn load(file: Option<&Path>) -> Result<Secrets, SecretsError> {
        let mut by_name = HashMap::new();
        if let Some(path) = file {
            let shown = path.display().to_string();
            let meta = std::fs::metadata(path).map_err(|e| SecretsError::Read {
                path: shown.clone(),
                reason: e.to_string(),
            })?;
            let mode = meta.mode() & 0o777;
            if mode & 0o077 != 0 {
                return Err(SecretsError::Mode { path: shown, mode });
            }
            // /proc/self belongs to the process's effective user: no unsafe geteuid() needed.
            let me = std::fs::metadata("/proc/self").map(|m| m.uid()).unwrap_or(0);
            if meta.uid() != me && meta.uid() != 0 {
                return Err(SecretsError::Owner {
                    path: shown,
                    owner: meta.uid(),
                });
            }
            let text = std::fs::read_to_string(path).map_err(|e| SecretsError::Read {
                path: shown.clone(),
                reason: e.to_string(),
            })?;
            let table: toml::Table = toml::from_str(&text).map_err(|e| SecretsError::Read {
                path: shown.clone(),
                // The parser's message quotes the offending line, which may hold a secret.
                reason: format!(
                    "invalid TOML near line {}",
                    line_of(&text, e.span().map_or(0, |s| s.start))
                ),
            })?;
            for (name, value) in table {
                let credential = Credential::deserialize(value).map_err(|e| SecretsError::Bad {
                    name: name.clone(),
                    reason: scrub(&e.to_string()),
                })?;
                by_name.insert(name, Arc::new(credential));
            }
        }
        Ok(Secrets { by_name })
    }

    /// The credential called `name`: the variable first, then the file.
    pub fn get(&self, name: &str) -> Result<Option<Arc<Credential>>, SecretsError> {
        if let Some(value) = std::env::var_os(env_name(name)) {
            let value = value.to_string_lossy();
            return from_variable(name, value.trim()).map(|c| Some(Arc::new(c)));
        }
        Ok(self.by_name.get(name).cloned())
    }
}

/// `INTAKE_EDGE_SECRET_<NAME>`.
pub fn env_name(name: &str) -> String {
    let upper: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect();
    format!("INTAKE_EDGE_SECRET_{upper}")
}

fn from_variable(name: &str, value: &str) -> Result<Credential, SecretsError> {
    if !value.starts_with('{') {
        return Ok(Credential::Token {
            token: Secret(value.to_string()),
            scheme: bearer(),
        });
    }
    let table: toml::Table = toml::from_str(&format!("v = {value}")).map_err(|_| SecretsError::Bad {
        name: name.to_string(),
        reason: format!("{} is neither a token nor an inline TOML table", env_name(name)),
    })?;
    let v = table
        .get("v")
        .cloned()
        .unwrap_or(toml::Value::Table(Default::default()));
    Credential::deserialize(v).map_err(|e| SecretsError::Bad {
        name: name.to_string(),
        reason: scrub(&e.to_string()),
    })
}

fn line_of(text: &str, offset: usize) -> usize {
    text.get(..offset).map_or(0, |t| t.matches('\n').count()) + 1
}

/// serde's messages name fields and types, but may quote a value: keep the first line, and
/// nothing in quotes.
fn scrub(message: &str) -> String {
    let first = message.lines().next().unwrap_or_default();
    let mut out = String::new();
    let mut quoted = false;
    for c in first.chars() {
        if c == '"' || c == '`' {
            quoted = !quoted;
            out.push(c);
            continue;
        }
        if !quoted || out.ends_with('`') || out.len() < 2 {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_readable_by_others_is_refused() {
        let dir = crate::test_support::TempDir::new("secrets");
        let path = dir.path().join("secrets.toml");
        std::fs::write(&path, "[okta]\ntype = \"token\"\ntoken = \"t0p\"\n").expect("test value");
        std::fs::set_permissions(&path, std::os::unix::fs::PermissionsExt::from_mode(0o644)).expect("test value");
        let e = Secrets::load(Some(&path)).expect_err("must fail");
        assert!(matches!(e, SecretsError::Mode { mode: 0o644, .. }), "{e}");
        std::fs::set_permissions(&path, std::os::unix::fs::PermissionsExt::from_mode(0o600)).expect("test value");
        let s = Secrets::load(Some(&path)).expect("test value");
        let c = s.get("okta").expect("test value").expect("test value");
        assert!(matches!(&*c, Credential::Token { scheme, token } if scheme == "Bearer" && token.0 == "t0p"));
        assert!(!format!("{c:?}").contains("t0p"));
    }

    #[test]
    fn every_kind_reads_and_bad_ones_do_not_echo_values() {
        let dir = crate::test_support::TempDir::new("secrets");
        let path = dir.path().join("s.toml");
        std::fs::write(
            &path,
            r#"
[a]
type = "basic"
user = "u"
password = "pw-secret"
[b]
type = "oauth2"
token_url = "https://login.example/t/oauth2/v2.0/token"
client_id = "id"
client_secret = "cs-secret"
scope = "https://manage.office.com/.default"
[c]
type = "aws"
access_key_id = "AKID"
secret_access_key = "sk-secret"
region = "eu-west-1"
"#,
        )
        .expect("test value");
        std::fs::set_permissions(&path, std::os::unix::fs::PermissionsExt::from_mode(0o600)).expect("test value");
        let s = Secrets::load(Some(&path)).expect("test value");
        assert!(matches!(
            &*s.get("a").expect("test value").expect("test value"),
            Credential::Basic { .. }
        ));
        assert!(matches!(
            &*s.get("b").expect("test value").expect("test value"),
            Credential::Oauth2 { .. }
        ));
        assert!(
            matches!(&*s.get("c").expect("test value").expect("test value"), Credential::Aws { region, .. } if region == "eu-west-1")
        );
        std::fs::write(&path, "[d]\ntype = \"token\"\ntokn = \"leaky-value\"\n").expect("test value");
        let e = Secrets::load(Some(&path)).expect_err("must fail").to_string();
        assert!(e.contains("\"d\""), "{e}");
        assert!(!e.contains("leaky-value"), "{e}");
        std::fs::write(&path, "[d]\ntoken = \"leaky-value\" junk\n").expect("test value");
        let e = Secrets::load(Some(&path)).expect_err("must fail").to_string();
        assert!(!e.contains("leaky-value"), "{e}");
    }

    #[test]
    fn variable_names_and_inline_tables() {
        assert_eq!(env_name("okta-prod.token"), "INTAKE_EDGE_SECRET_OKTA_PROD_TOKEN");
        let c = from_variable("x", r#"{ type = "token", scheme = "SSWS", token = "abc" }"#).expect("test value");
        assert!(matches!(c, Credential::Token { scheme, .. } if scheme == "SSWS"));
        assert!(matches!(
            from_variable("x", "plain-token").expect("test value"),
            Credential::Token { .. }
        ));
        let e = from_variable("x", "{ type = \"nope\", token = \"zzz-value\" }")
            .expect_err("must fail")
            .to_string();
        assert!(!e.contains("zzz-value"), "{e}");
    }
}
