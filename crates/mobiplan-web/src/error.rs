//! One error type for the web layer. Each variant says its status; causes are logged, never
//! shown; every error a person sees names what to do.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use mobiplan_store::StoreError;
use serde_json::json;

#[derive(Debug, thiserror::Error)]
pub enum WebError {
    /// 404: no such project, activity, visit or profile.
    #[error("not found")]
    NotFound,
    /// 400: a request that cannot be read; names the field and the problem.
    #[error("{field}: {message}")]
    BadRequest { field: String, message: String },
    /// 422: a document that reads but does not fit the project format; one entry per field.
    #[error("invalid document")]
    Invalid(Vec<(String, String)>),
    /// 409: the project changed since the version the request started from.
    #[error("conflict")]
    Conflict { current_version: i64 },
    /// 401: not logged in (the API; pages redirect to the login instead).
    #[error("not logged in")]
    Unauthorized,
    /// 403: logged in but not allowed (a viewer writing, a wrong CSRF token); the text says
    /// which.
    #[error("{0}")]
    Forbidden(String),
    /// 429: too many attempts; the text says when to try again. (The login throttle answers
    /// with its own page and `Retry-After`.)
    #[error("{0}")]
    TooManyRequests(String),
    /// 503: the server is too busy for this request now (every password-hashing slot is
    /// taken); `Retry-After` says when to try again.
    #[error("{message}")]
    Busy { message: String, retry_after: u64 },
    /// 413: a request body larger than the server accepts.
    #[error("{message}")]
    TooLarge { message: String },
    /// 500: the database or another internal failure (logged with its cause).
    #[error("internal error")]
    Internal(String),
}

impl From<StoreError> for WebError {
    fn from(e: StoreError) -> WebError {
        match e {
            StoreError::NotFound => WebError::NotFound,
            StoreError::Conflict {
                current_version, ..
            } => WebError::Conflict { current_version },
            StoreError::Invalid(m) => WebError::Invalid(vec![("document".into(), m)]),
            StoreError::Exists(m) => WebError::BadRequest {
                field: "email".into(),
                message: m,
            },
            other if other.is_unstorable_text() => WebError::BadRequest {
                field: "document".into(),
                message: crate::i18n::t(crate::i18n::Lang::default(), "web.control-character"),
            },
            other => WebError::Internal(other.to_string()),
        }
    }
}

impl WebError {
    pub fn status(&self) -> StatusCode {
        match self {
            WebError::NotFound => StatusCode::NOT_FOUND,
            WebError::BadRequest { .. } => StatusCode::BAD_REQUEST,
            WebError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            WebError::Conflict { .. } => StatusCode::CONFLICT,
            WebError::Unauthorized => StatusCode::UNAUTHORIZED,
            WebError::Forbidden(_) => StatusCode::FORBIDDEN,
            WebError::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            WebError::Busy { .. } => StatusCode::SERVICE_UNAVAILABLE,
            WebError::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            WebError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// `Retry-After`, in seconds, for the refusals that have one.
    pub fn retry_after(&self) -> Option<u64> {
        match self {
            WebError::Busy { retry_after, .. } => Some(*retry_after),
            _ => None,
        }
    }

    /// The one error format of the API, a problem document (RFC 9457): `type`, `title` (the
    /// status's phrase), `status`, `detail`, and the extension `error` —
    /// `{"code", "message", "fields": [{field, message}]}` — that the API has always had.
    pub fn body(&self) -> serde_json::Value {
        let (code, message, fields): (&str, String, Vec<(String, String)>) = match self {
            WebError::NotFound => ("not-found", "no such resource".into(), vec![]),
            WebError::BadRequest { field, message } => (
                "bad-request",
                format!("{field}: {message}"),
                vec![(field.clone(), message.clone())],
            ),
            WebError::Invalid(f) => (
                "invalid",
                "the document does not fit the project format".into(),
                f.clone(),
            ),
            WebError::Conflict { current_version } => (
                "conflict",
                format!(
                    "the project was changed elsewhere; it is now at version {current_version}"
                ),
                vec![(
                    "version".into(),
                    format!("current version is {current_version}"),
                )],
            ),
            WebError::Unauthorized => (
                "unauthorized",
                "log in first: POST /login, then send the session cookie and the X-CSRF-Token header".into(),
                vec![],
            ),
            WebError::Forbidden(m) => ("forbidden", m.clone(), vec![]),
            WebError::TooManyRequests(m) => ("too-many-requests", m.clone(), vec![]),
            WebError::Busy { message, .. } => ("busy", message.clone(), vec![]),
            WebError::TooLarge { message } => ("too-large", message.clone(), vec![]),
            WebError::Internal(_) => (
                "internal",
                "something went wrong on the server; nothing was changed".into(),
                vec![],
            ),
        };
        let status = self.status();
        let mut body = json!({
            "type": "about:blank",
            "title": status.canonical_reason().unwrap_or("Error"),
            "status": status.as_u16(),
            "detail": message,
            "error": {
                "code": code,
                "message": message,
                "fields": fields.iter().map(|(f, m)| json!({"field": f, "message": m})).collect::<Vec<_>>(),
            }
        });
        if let WebError::Conflict { current_version } = self {
            body["error"]["current_version"] = json!(current_version);
        }
        body
    }
}

/// The media type of problem documents.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// A problem document for a status that has no [`WebError`] (a refusal of the HTTP layer or
/// of an extractor: 405, 408, 413, 415, a query string that does not read): `detail` from the
/// locale, `cause` the layer's own (English) words.
pub fn problem(status: StatusCode, detail: String, cause: Option<String>) -> Response {
    let code = match status {
        StatusCode::PAYLOAD_TOO_LARGE => "too-large",
        StatusCode::METHOD_NOT_ALLOWED => "method-not-allowed",
        StatusCode::REQUEST_TIMEOUT => "timeout",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported-media-type",
        StatusCode::MISDIRECTED_REQUEST => "misdirected",
        s if s.is_server_error() => "internal",
        _ => "bad-request",
    };
    let mut body = json!({
        "type": "about:blank",
        "title": status.canonical_reason().unwrap_or("Error"),
        "status": status.as_u16(),
        "detail": detail,
        "error": { "code": code, "message": detail, "fields": [] },
    });
    if let Some(cause) = cause {
        body["cause"] = json!(cause);
    }
    problem_response(status, &body)
}

fn problem_response(status: StatusCode, body: &serde_json::Value) -> Response {
    let mut res = (status, Json(body)).into_response();
    res.headers_mut().insert(
        axum::http::header::CONTENT_TYPE,
        axum::http::HeaderValue::from_static(PROBLEM_JSON),
    );
    res
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        if let WebError::Internal(cause) = &self {
            tracing::error!(%cause, "request failed");
        }
        let mut res = problem_response(self.status(), &self.body());
        if let Some(s) = self.retry_after() {
            res.headers_mut()
                .insert(axum::http::header::RETRY_AFTER, s.into());
        }
        res
    }
}
