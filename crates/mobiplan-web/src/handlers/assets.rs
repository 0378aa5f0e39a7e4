//! Embedded static assets. Their paths carry the version, so browsers may cache them for good.

use axum::http::header;
use axum::response::{IntoResponse, Response};

const CACHE: &str = "public, max-age=31536000, immutable";

pub async fn css() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, CACHE),
        ],
        include_str!("../../assets/app.css"),
    )
        .into_response()
}

pub async fn js() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, CACHE),
        ],
        include_str!("../../assets/app.js"),
    )
        .into_response()
}
