//! Embedded static assets. Their paths carry a hash of their content, so browsers may cache
//! them for good: a changed script or style sheet is a new address, never a stale copy.

use std::sync::OnceLock;

use axum::http::header;
use axum::response::{IntoResponse, Response};

const CACHE: &str = "public, max-age=31536000, immutable";
const APP_CSS: &str = include_str!("../../assets/app.css");
const APP_JS: &str = include_str!("../../assets/app.js");

/// FNV-1a, 64 bits: enough to tell versions of one file apart (this is no security boundary).
fn fnv1a(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

fn path_of(content: &str, ext: &str) -> String {
    format!("/assets/app-{:016x}.{ext}", fnv1a(content))
}

/// The address of the style sheet, e.g. `/assets/app-0123456789abcdef.css`.
pub fn css_path() -> &'static str {
    static PATH: OnceLock<String> = OnceLock::new();
    PATH.get_or_init(|| path_of(APP_CSS, "css"))
}

/// The address of the script.
pub fn js_path() -> &'static str {
    static PATH: OnceLock<String> = OnceLock::new();
    PATH.get_or_init(|| path_of(APP_JS, "js"))
}

/// `/assets/{file}`: one route for both files, so the route table can name it with a fixed
/// pattern; only the current hashed names exist (an old address is a plain 404).
pub async fn asset(axum::extract::Path(file): axum::extract::Path<String>) -> Response {
    let path = format!("/assets/{file}");
    if path == css_path() {
        css().await
    } else if path == js_path() {
        js().await
    } else {
        crate::error::WebError::NotFound.into_response()
    }
}

pub async fn css() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, CACHE),
        ],
        APP_CSS,
    )
        .into_response()
}

pub async fn js() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, CACHE),
        ],
        APP_JS,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_changed_asset_gets_a_new_address() {
        assert_ne!(path_of("a {}", "css"), path_of("b {}", "css"));
        assert_eq!(path_of("a {}", "css"), path_of("a {}", "css"));
        assert!(css_path().starts_with("/assets/app-") && css_path().ends_with(".css"));
        assert!(js_path().ends_with(".js"));
        // The FNV-1a test vector for "a".
        assert_eq!(fnv1a("a"), 0xaf63_dc4c_8601_ec8c);
    }
}
