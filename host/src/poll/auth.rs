//! Adds an intake's credential to a request the host is about to send: a static token, HTTP
//! Basic, an OAuth 2.0 client-credentials token (fetched by the host and kept until shortly
//! before it expires), or an AWS Signature Version 4.

use super::client::{self, Timeouts};
use super::secrets::Credential;
use super::sigv4::Signer;
use base64::Engine as _;
use bytes::Bytes;
use http_body_util::Full;
use hyper::header::{HeaderValue, AUTHORIZATION};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::Mutex;

#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("the token endpoint failed: {0}")]
    Token(String),
    #[error("cannot sign the request: {0}")]
    Sign(String),
    #[error("secret {0:?} is not configured (no [poll] secrets entry, no INTAKE_EDGE_SECRET_ variable)")]
    Missing(String),
}

/// An OAuth token kept until this long before its announced expiry.
const TOKEN_MARGIN: Duration = Duration::from_secs(60);
/// The biggest token answer read.
const MAX_TOKEN_RESPONSE: u64 = 64 * 1024;

pub struct Authenticator {
    credential: Option<Arc<Credential>>,
    tls: Arc<rustls::ClientConfig>,
    timeout: Duration,
    /// The cached OAuth token and when to stop using it.
    token: Mutex<Option<(String, Instant)>>,
    /// Tokens fetched, for tests and metrics.
    pub tokens_fetched: std::sync::atomic::AtomicU64,
}

impl Authenticator {
    pub fn new(
        credential: Option<Arc<Credential>>,
        tls: Arc<rustls::ClientConfig>,
        timeout: Duration,
    ) -> Authenticator {
        Authenticator {
            credential,
            tls,
            timeout,
            token: Mutex::new(None),
            tokens_fetched: Default::default(),
        }
    }

    /// Adds the credential to `parts` (whose body is `body`). `aws_service`: the service an
    /// AWS request is signed for (the guest's `X-Edge-Aws-Service`, else read off the host).
    pub async fn apply(
        &self,
        parts: &mut hyper::http::request::Parts,
        body: &[u8],
        aws_service: Option<String>,
    ) -> Result<(), AuthError> {
        let Some(credential) = self.credential.as_deref() else {
            return Ok(());
        };
        let value = match credential {
            Credential::Token { token, scheme } => format!("{scheme} {}", token.0),
            Credential::Basic { user, password } => format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode(format!("{user}:{}", password.0))
            ),
            Credential::Oauth2 { .. } => format!("Bearer {}", self.oauth_token(credential).await?),
            Credential::Aws {
                access_key_id,
                secret_access_key,
                session_token,
                region,
            } => {
                let host = parts
                    .uri
                    .authority()
                    .map(|a| a.as_str().to_string())
                    .ok_or_else(|| AuthError::Sign("no host".into()))?;
                let service = aws_service.unwrap_or_else(|| service_of(&host));
                let signer = Signer {
                    access_key_id,
                    secret_access_key: &secret_access_key.0,
                    session_token: session_token.as_ref().map(|s| s.0.as_str()),
                    region,
                    service: &service,
                };
                let uri = parts.uri.clone();
                let method = parts.method.as_str().to_string();
                signer
                    .sign(&method, &uri, &host, &mut parts.headers, body, chrono::Utc::now())
                    .map_err(AuthError::Sign)?;
                return Ok(());
            }
        };
        let mut v = HeaderValue::from_str(&value)
            .map_err(|_| AuthError::Sign("the credential is not a header value".into()))?;
        v.set_sensitive(true);
        parts.headers.insert(AUTHORIZATION, v);
        Ok(())
    }

    /// The source refused the credential (401): an OAuth token is fetched anew next time.
    pub async fn refused(&self) {
        *self.token.lock().await = None;
    }

    async fn oauth_token(&self, credential: &Credential) -> Result<String, AuthError> {
        let Credential::Oauth2 {
            token_url,
            client_id,
            client_secret,
            scope,
            resource,
        } = credential
        else {
            return Err(AuthError::Token("not an OAuth credential".into()));
        };
        let mut cached = self.token.lock().await;
        if let Some((token, until)) = cached.as_ref() {
            if Instant::now() < *until {
                return Ok(token.clone());
            }
        }
        let mut form = url_form(&[
            ("grant_type", "client_credentials"),
            ("client_id", client_id),
            ("client_secret", &client_secret.0),
        ]);
        if let Some(scope) = scope {
            form.push('&');
            form.push_str(&url_form(&[("scope", scope)]));
        }
        if let Some(resource) = resource {
            form.push('&');
            form.push_str(&url_form(&[("resource", resource)]));
        }
        let req = hyper::Request::post(token_url.as_str())
            .header("content-type", "application/x-www-form-urlencoded")
            .header("accept", "application/json")
            .header("host", host_header(token_url))
            .body(Full::new(Bytes::from(form)))
            .map_err(|e| AuthError::Token(format!("token_url: {e}")))?;
        let t = Timeouts {
            connect: self.timeout,
            first_byte: self.timeout,
            between_bytes: self.timeout,
        };
        let res = client::send(&self.tls, req, t, MAX_TOKEN_RESPONSE)
            .await
            .map_err(|e| AuthError::Token(e.to_string()))?;
        let status = res.status().as_u16();
        let body = res
            .into_body()
            .bytes()
            .await
            .map_err(|e| AuthError::Token(e.to_string()))?;
        let json: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
        if status != 200 {
            // OAuth errors name the problem without echoing the secret.
            let error = json.get("error").and_then(|v| v.as_str()).unwrap_or("no error code");
            return Err(AuthError::Token(format!("HTTP {status} ({error})")));
        }
        let token = json
            .get("access_token")
            .and_then(|v| v.as_str())
            .ok_or_else(|| AuthError::Token("no access_token in the answer".into()))?
            .to_string();
        let ttl = json
            .get("expires_in")
            .and_then(|v| v.as_u64().or_else(|| v.as_str().and_then(|s| s.parse().ok())))
            .unwrap_or(300);
        let ttl = Duration::from_secs(ttl);
        // Short-lived tokens keep half their life as margin.
        let keep = ttl.saturating_sub(TOKEN_MARGIN.min(ttl / 2));
        self.tokens_fetched.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        *cached = Some((token.clone(), Instant::now() + keep));
        Ok(token)
    }
}

fn url_form(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| {
            format!(
                "{}={}",
                percent_encoding::utf8_percent_encode(k, percent_encoding::NON_ALPHANUMERIC),
                percent_encoding::utf8_percent_encode(v, percent_encoding::NON_ALPHANUMERIC)
            )
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// `host[:port]` of a URL, for the `Host` header.
pub fn host_header(url: &str) -> String {
    url.parse::<hyper::Uri>()
        .ok()
        .and_then(|u| u.authority().map(|a| a.as_str().to_string()))
        .unwrap_or_default()
}

/// The AWS service of an endpoint host (`sqs.eu-west-1.amazonaws.com` → `sqs`, a bucket's
/// `b.s3.eu-west-1.amazonaws.com` → `s3`).
fn service_of(host: &str) -> String {
    let labels: Vec<&str> = host.split(['.', ':']).collect();
    if labels.iter().any(|l| *l == "s3" || l.starts_with("s3-")) {
        return "s3".into();
    }
    labels.first().map(|s| s.to_string()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn services_are_read_off_aws_hosts() {
        assert_eq!(service_of("sqs.eu-west-1.amazonaws.com"), "sqs");
        assert_eq!(service_of("my-trail.s3.eu-west-1.amazonaws.com"), "s3");
        assert_eq!(service_of("s3.amazonaws.com"), "s3");
    }

    #[tokio::test]
    async fn tokens_and_basic_are_added_as_sensitive_headers() {
        let tls = client::tls_config(None).expect("test value");
        let a = Authenticator::new(
            Some(Arc::new(Credential::Basic {
                user: "u".into(),
                password: crate::config::Secret("p".into()),
            })),
            tls.clone(),
            Duration::from_secs(1),
        );
        let (mut parts, ()) = hyper::Request::get("https://x.example/")
            .body(())
            .expect("test value")
            .into_parts();
        a.apply(&mut parts, b"", None).await.expect("test value");
        let v = &parts.headers[AUTHORIZATION];
        assert_eq!(v.to_str().expect("test value"), "Basic dTpw");
        assert!(v.is_sensitive());
        let a = Authenticator::new(
            Some(Arc::new(Credential::Token {
                token: crate::config::Secret("abc".into()),
                scheme: "SSWS".into(),
            })),
            tls,
            Duration::from_secs(1),
        );
        let (mut parts, ()) = hyper::Request::get("https://x.example/")
            .body(())
            .expect("test value")
            .into_parts();
        a.apply(&mut parts, b"", None).await.expect("test value");
        assert_eq!(parts.headers[AUTHORIZATION].to_str().expect("test value"), "SSWS abc");
    }
}
