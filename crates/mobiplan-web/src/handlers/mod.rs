//! Request handlers, grouped by page. Shared here: rendering a page, content negotiation for
//! autosave, and the versioned save with section-level merge.

pub mod accounts;
pub mod activities;
pub mod api;
pub mod assets;
pub mod dashboard;
pub mod exports;
pub mod history;
pub mod implementation;
pub mod projects;
pub mod rates;
pub mod rulebooks;
pub mod scenarios;
pub mod visits;

use axum::Json;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use maud::Markup;
use mobiplan_core::RateProfile;
use mobiplan_core::project::file::ProjectFile;
use mobiplan_store::{StoreError, Stored};
use serde_json::json;

use crate::error::WebError;
use crate::eval::{Evaluation, evaluate};
use crate::forms::FieldError;
use crate::i18n::{Lang, t};
use crate::state::AppState;
use crate::views::layout::{Page, page};
use crate::views::partials::findings_panel;

/// A full HTML page with a status.
pub fn html(status: StatusCode, lang: Lang, title: String, path: &str, body: Markup) -> Response {
    let markup = page(Page {
        lang,
        title,
        path,
        body,
    });
    (status, [(header::CACHE_CONTROL, "no-store")], markup).into_response()
}

/// An error as a page (for browsers) — the API routes return the JSON error format instead.
pub fn error_page(lang: Lang, err: WebError) -> Response {
    if let WebError::Internal(cause) = &err {
        tracing::error!(%cause, "request failed");
    }
    let (title, text) = match &err {
        WebError::NotFound => (t(lang, "web.not-found"), t(lang, "web.not-found-text")),
        WebError::Forbidden(text) => (t(lang, "web.forbidden"), text.clone()),
        WebError::TooManyRequests(text) => (t(lang, "web.too-many"), text.clone()),
        WebError::Internal(_) => (t(lang, "web.internal"), t(lang, "web.internal-text")),
        other => (t(lang, "web.bad-request"), other.to_string()),
    };
    html(
        err.status(),
        lang,
        title.clone(),
        "/",
        crate::views::pages::message_page(lang, &title, &text),
    )
}

/// An error as JSON for the API, as a page otherwise.
pub fn respond_error(lang: Lang, api: bool, err: WebError) -> Response {
    if api {
        err.into_response()
    } else {
        error_page(lang, err)
    }
}

/// The autosave script asks for JSON; a plain form post gets HTML.
pub fn wants_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"))
}

pub fn see_other(to: &str) -> Response {
    Redirect::to(to).into_response()
}

pub fn now() -> chrono::DateTime<chrono::FixedOffset> {
    chrono::Utc::now().fixed_offset()
}

/// The project's rate profile, if it has one that still reads.
pub async fn profile_of(state: &AppState, stored: &Stored<ProjectFile>) -> Option<RateProfile> {
    let pid = state
        .store
        .project_rate_profile(&stored.id)
        .await
        .ok()
        .flatten()?;
    let p = state.store.get_rate_profile(&pid).await.ok()?;
    toml::from_str(&p.document).ok()
}

pub async fn evaluate_stored(state: &AppState, stored: &Stored<ProjectFile>) -> Evaluation {
    let profile = profile_of(state, stored).await;
    evaluate(
        &stored.document,
        profile.as_ref(),
        state.clock.now().fixed_offset(),
    )
}

/// What a save did.
pub struct Saved {
    pub stored: Stored<ProjectFile>,
    /// The project had been changed elsewhere in another part, and the change was merged.
    pub merged: bool,
}

/// Why a save did not happen.
pub enum SaveError {
    /// The same part of the project was changed elsewhere since `expected_version`.
    Conflict(Box<Stored<ProjectFile>>),
    Web(WebError),
}

impl From<StoreError> for SaveError {
    fn from(e: StoreError) -> SaveError {
        SaveError::Web(e.into())
    }
}

/// A versioned save with section-level merge: the change (`apply`) is written only onto the
/// version the user started from. If the project moved on meanwhile but the section the user
/// edited (`section`) is unchanged there, the change is applied onto the newer version — two
/// people editing different activities never overwrite or block each other. If the same
/// section changed, it is a conflict: nothing is overwritten silently.
pub async fn save_with_merge(
    state: &AppState,
    id: &str,
    expected_version: i64,
    apply: impl Fn(&mut ProjectFile),
    section: impl Fn(&ProjectFile) -> serde_json::Value,
) -> Result<Saved, SaveError> {
    let mut merged = false;
    let mut current = state.store.get_project(id).await?;
    for _ in 0..3 {
        if current.version != expected_version {
            let base = match state.store.project_version(id, expected_version).await {
                Ok(b) => b,
                Err(StoreError::NotFound) => return Err(SaveError::Conflict(Box::new(current))),
                Err(e) => return Err(e.into()),
            };
            if section(&base) != section(&current.document) {
                return Err(SaveError::Conflict(Box::new(current)));
            }
            merged = true;
        }
        let mut doc = current.document.clone();
        apply(&mut doc);
        let by = crate::access::current_user_id();
        match state
            .store
            .save_project_by(id, &doc, current.version, by.as_deref())
            .await
        {
            Ok(stored) => return Ok(Saved { stored, merged }),
            Err(StoreError::Conflict { .. }) => {
                // Someone saved in between: look again.
                current = state.store.get_project(id).await?;
            }
            Err(e) => return Err(e.into()),
        }
    }
    Err(SaveError::Conflict(Box::new(current)))
}

/// Which live panels of its page an autosave answer brings back.
pub enum Live {
    /// The findings of the part of the project under this field prefix (`None`: all of it).
    Findings(Option<String>),
    /// The activity editor's column: that activity's findings, total and budget.
    Activity(String),
    /// The visit editor's column: that visit's findings.
    Visit(String),
}

/// The JSON answer to an autosave: the new version, the refreshed findings (`findings_html`)
/// and, for an editor, its whole refreshed live column (`live_html`) and the field hints that
/// depend on the saved state (`hints`: element id → text), rendered from the saved document —
/// after a merge the activity's place in the list may have changed.
pub fn autosave_ok(lang: Lang, saved: &Saved, eval: &Evaluation, live: &Live) -> Response {
    let id = &saved.stored.id;
    let doc = &saved.stored.document;
    let mut hints = serde_json::Map::new();
    let (only, column) = match live {
        Live::Findings(prefix) => (prefix.clone(), None),
        Live::Activity(aid) => {
            let activity = doc.activities.iter().find(|a| a.id == *aid);
            if activity.is_some_and(|a| a.travel.is_some()) {
                let hint = crate::views::activity::distance_hint(lang, doc, activity, Some(eval));
                hints.insert("travel_distance_km-hint".into(), hint.into());
            }
            (
                doc.activities
                    .iter()
                    .position(|a| a.id == *aid)
                    .map(|i| format!("activities[{i}]")),
                Some(crate::views::activity::live_panels(
                    lang, id, doc, aid, eval,
                )),
            )
        }
        Live::Visit(vid) => (
            doc.preparatory_visits
                .iter()
                .position(|v| v.id == *vid)
                .map(|i| format!("preparatory_visits[{i}]")),
            Some(crate::views::pages::visit_live(lang, id, doc, vid, eval)),
        ),
    };
    let findings = findings_panel(lang, id, eval, only.as_deref()).into_string();
    Json(json!({
        "ok": true,
        "version": saved.stored.version,
        "merged": saved.merged,
        "message": if saved.merged { t(lang, "web.saved-merged") } else { t(lang, "web.saved") },
        "findings_html": findings,
        "live_html": column.map(Markup::into_string),
        "hints": hints,
        "errors": eval.errors(),
    }))
    .into_response()
}

pub fn autosave_invalid(lang: Lang, errors: &[FieldError]) -> Response {
    (
        StatusCode::UNPROCESSABLE_ENTITY,
        Json(json!({
            "ok": false,
            "message": t(lang, "web.not-saved-invalid"),
            "fields": errors.iter().map(|e| json!({"field": e.name, "message": t(lang, e.key)})).collect::<Vec<_>>(),
        })),
    )
        .into_response()
}

pub fn autosave_conflict(lang: Lang, current: &Stored<ProjectFile>) -> Response {
    (
        StatusCode::CONFLICT,
        Json(json!({
            "ok": false,
            "conflict": true,
            "current_version": current.version,
            "message": t(lang, "web.conflict"),
        })),
    )
        .into_response()
}
