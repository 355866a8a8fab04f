//! Every way an HTTPS request can fail, mapped in one place to a status and a JSON body.

use bytes::Bytes;
use http_body_util::Full;
use hyper::{header, Response, StatusCode};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApiError {
    #[error("{0}")]
    BadRequest(String),
    #[error("no intake key: send it in the X-SEKOIAIO-INTAKE-KEY header, as the HTTP Basic password, as the intake_key query parameter or in the body")]
    MissingKey,
    #[error("unknown intake key")]
    UnknownKey,
    #[error("no such endpoint: {0} (endpoints: /, /batch, /array, /plain, /plain/batch, /jsons)")]
    NotFound(String),
    #[error("method {0} not allowed: use POST")]
    MethodNotAllowed(String),
    #[error("{0}")]
    TooLarge(String),
    #[error("{0}")]
    UnsupportedMediaType(String),
    #[error("{reason}")]
    Unavailable { reason: String, retry_after_secs: u32 },
    /// The request did not arrive in time; the connection is closed after the answer.
    #[error("{0}")]
    Timeout(String),
}

impl ApiError {
    pub fn status(&self) -> StatusCode {
        match self {
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::MissingKey => StatusCode::UNAUTHORIZED,
            Self::UnknownKey => StatusCode::FORBIDDEN,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            Self::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::Unavailable { .. } => StatusCode::SERVICE_UNAVAILABLE,
            Self::Timeout(_) => StatusCode::REQUEST_TIMEOUT,
        }
    }

    pub fn into_response(self) -> Response<Full<Bytes>> {
        let body = serde_json::json!({ "error": self.to_string() }).to_string();
        let mut builder = Response::builder()
            .status(self.status())
            .header(header::CONTENT_TYPE, "application/json");
        match &self {
            Self::MethodNotAllowed(_) => builder = builder.header(header::ALLOW, "POST"),
            Self::Unavailable { retry_after_secs, .. } => {
                builder = builder.header(header::RETRY_AFTER, retry_after_secs.to_string())
            }
            Self::MissingKey => builder = builder.header(header::WWW_AUTHENTICATE, "Basic realm=\"intake\""),
            Self::Timeout(_) => builder = builder.header(header::CONNECTION, "close"),
            _ => {}
        }
        // Building from a valid status and static header names cannot fail.
        builder
            .body(Full::new(Bytes::from(body)))
            .unwrap_or_else(|_| Response::new(Full::new(Bytes::new())))
    }
}

impl From<crate::pipeline::PipelineError> for ApiError {
    fn from(e: crate::pipeline::PipelineError) -> Self {
        tracing::warn!(error = %e, "Ingest failed; answering 503 with nothing acknowledged.");
        ApiError::Unavailable {
            reason: format!("cannot store events now, retry later: {e}"),
            retry_after_secs: 1,
        }
    }
}
