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
    /// 429: too many failed logins; the text says when to try again.
    #[error("{0}")]
    TooManyRequests(String),
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
            WebError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The one error format of the API: `{"error": {"code", "message", "fields": [{field, message}]}}`.
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
            WebError::Internal(_) => (
                "internal",
                "something went wrong on the server; nothing was changed".into(),
                vec![],
            ),
        };
        let mut body = json!({
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

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        if let WebError::Internal(cause) = &self {
            tracing::error!(%cause, "request failed");
        }
        (self.status(), Json(self.body())).into_response()
    }
}
