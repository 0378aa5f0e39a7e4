//! For operators and load balancers: is the process up, can it reach its database, and the
//! Prometheus metrics.

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::state::AppState;

/// `/healthz`: the process answers. Says nothing about the database, so that a database
/// outage does not make an orchestrator restart every instance.
pub async fn healthz() -> Response {
    (
        StatusCode::OK,
        [(header::CACHE_CONTROL, "no-store")],
        "ok\n",
    )
        .into_response()
}

/// `/readyz`: the database answers a query; 503 otherwise (take the instance out of the load
/// balancer until it does).
pub async fn readyz(State(state): State<AppState>) -> Response {
    match state.store.ping().await {
        Ok(()) => (
            StatusCode::OK,
            [(header::CACHE_CONTROL, "no-store")],
            "ready\n",
        )
            .into_response(),
        Err(e) => {
            tracing::error!(cause = %e, "readiness check: the database does not answer");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                [(header::CACHE_CONTROL, "no-store")],
                "database unavailable\n",
            )
                .into_response()
        }
    }
}

/// `/metrics`: Prometheus text format.
pub async fn metrics(State(state): State<AppState>) -> Response {
    let body = state.metrics.render(state.store.pool_status());
    (
        StatusCode::OK,
        [
            (
                header::CONTENT_TYPE,
                "text/plain; version=0.0.4; charset=utf-8",
            ),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response()
}
