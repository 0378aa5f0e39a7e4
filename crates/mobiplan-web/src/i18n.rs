//! The reader's language: the `lang` cookie (set by the language switch), else the browser's
//! Accept-Language, else English.

use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;
pub use mobiplan_i18n::Lang;

/// The language of this request.
#[derive(Clone, Copy, Debug)]
pub struct ReqLang(pub Lang);

pub const COOKIE: &str = "mobiplan_lang";

fn from_cookie(parts: &Parts) -> Option<Lang> {
    parts
        .headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == COOKIE)
        .and_then(|(_, v)| v.parse().ok())
}

fn from_accept_language(parts: &Parts) -> Option<Lang> {
    let value = parts.headers.get(header::ACCEPT_LANGUAGE)?.to_str().ok()?;
    // The first language the browser lists that mobiplan has.
    value
        .split(',')
        .filter_map(|l| l.split(';').next())
        .map(|l| l.trim().to_ascii_lowercase())
        .find_map(|l| l.split('-').next().and_then(|p| p.parse().ok()))
}

/// The language of a request from its headers (for the middleware, before extractors).
pub fn lang_of(headers: &axum::http::HeaderMap) -> Lang {
    let cookie = crate::auth::cookie(headers, COOKIE).and_then(|v| v.parse().ok());
    cookie
        .or_else(|| {
            let value = headers.get(header::ACCEPT_LANGUAGE)?.to_str().ok()?;
            value
                .split(',')
                .filter_map(|l| l.split(';').next())
                .map(|l| l.trim().to_ascii_lowercase())
                .find_map(|l| l.split('-').next().and_then(|p| p.parse().ok()))
        })
        .unwrap_or_default()
}

impl<S: Send + Sync> FromRequestParts<S> for ReqLang {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(ReqLang(
            from_cookie(parts)
                .or_else(|| from_accept_language(parts))
                .unwrap_or_default(),
        ))
    }
}

/// The text of a key in a language.
pub fn t(lang: Lang, key: &str) -> String {
    mobiplan_i18n::text(lang, key).into_owned()
}

/// The text of a key with `{name}` placeholders filled.
pub fn tr(lang: Lang, key: &str, args: &[(&str, String)]) -> String {
    mobiplan_i18n::render(lang, key, args)
}
