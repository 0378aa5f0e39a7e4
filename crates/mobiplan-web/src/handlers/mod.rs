//! Request handlers, grouped by page. Shared here: rendering a page, content negotiation for
//! autosave, and the versioned save with field-level three-way merge (`save_change`).

pub mod accounts;
pub mod activities;
pub mod api;
pub mod application;
pub mod assets;
pub mod dashboard;
pub mod exports;
pub mod history;
pub mod implementation;
pub mod ops;
pub mod projects;
pub mod rates;
pub mod rulebooks;
pub mod scenarios;
pub mod visits;

use axum::Json;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use maud::Markup;
use std::collections::BTreeMap;

use mobiplan_core::RateProfile;
use mobiplan_core::merge::{self, Choice, Conflict};
use mobiplan_core::project::file::ProjectFile;
use mobiplan_store::{SaveKind, StoreError, Stored};
use serde_json::json;

use crate::error::WebError;
use crate::eval::{Evaluation, evaluate};
use crate::forms::{FieldError, FormData};
use crate::i18n::{Lang, t, tr};
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
        WebError::Busy { message, .. } => (t(lang, "web.busy"), message.clone()),
        WebError::Internal(_) => (t(lang, "web.internal"), t(lang, "web.internal-text")),
        // A person reads the field by its label (its form name is for the API's clients).
        WebError::BadRequest { field, message } => {
            let text = if mobiplan_i18n::has(&format!("web.label.{field}")) {
                format!("{}: {message}", crate::views::pages::label_of(lang, field))
            } else {
                message.clone()
            };
            (t(lang, "web.bad-request"), text)
        }
        WebError::TooLarge { message } => (t(lang, "web.bad-request"), message.clone()),
        WebError::Invalid(_) => (t(lang, "web.bad-request"), t(lang, "web.invalid-document")),
        WebError::Conflict { current_version } => (
            t(lang, "web.conflict-title"),
            tr(
                lang,
                "web.conflict-page",
                &[("version", current_version.to_string())],
            ),
        ),
        WebError::Unauthorized => (t(lang, "web.forbidden"), t(lang, "web.log-in-first")),
    };
    let mut res = html(
        err.status(),
        lang,
        title.clone(),
        "/",
        crate::views::pages::message_page(lang, &title, &text),
    );
    if let Some(s) = err.retry_after() {
        res.headers_mut().insert(header::RETRY_AFTER, s.into());
    }
    res
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

/// `Content-Disposition` of a download named `name`: an ASCII name for old clients and the
/// exact UTF-8 name (RFC 6266 / RFC 8187 `filename*`) for the others — never raw UTF-8 in
/// the header.
pub fn attachment(name: &str) -> String {
    let ascii: String = name
        .chars()
        .map(|c| {
            let lower = c.to_lowercase().next().unwrap_or(c);
            match crate::forms::latvian_ascii(lower) {
                Some(a) if c.is_uppercase() => a.to_ascii_uppercase(),
                Some(a) => a,
                None if c.is_ascii_alphanumeric() || ".-_".contains(c) => c,
                None => '-',
            }
        })
        .collect();
    let encoded: String = name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b".-_".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

pub fn see_other(to: &str) -> Response {
    Redirect::to(to).into_response()
}

/// What a page says once after a form posted without the script did its work (the script
/// says it in place): the redirect carries it in a short-lived cookie, the next page shows it
/// and the guard clears it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flash {
    Saved,
    Deleted,
    Restored,
}

impl Flash {
    pub const COOKIE: &'static str = "mobiplan_flash";
    const ALL: [Flash; 3] = [Flash::Saved, Flash::Deleted, Flash::Restored];

    pub fn id(self) -> &'static str {
        match self {
            Flash::Saved => "saved",
            Flash::Deleted => "deleted",
            Flash::Restored => "restored",
        }
    }

    pub fn parse(id: &str) -> Option<Flash> {
        Flash::ALL.into_iter().find(|f| f.id() == id)
    }

    /// The message key (`web.flash.<id>`).
    pub fn key(self) -> String {
        format!("web.flash.{}", self.id())
    }
}

/// A redirect after a done action, with the notice the next page shows.
pub fn see_other_with(to: &str, flash: Flash) -> Response {
    let mut res = see_other(to);
    // The request middleware sets the cookie: it knows whether cookies must be `Secure`.
    res.extensions_mut().insert(flash);
    res
}

/// An action posted from a page that may meet a conflict: what its conflict page says and
/// what the page after it says once done.
#[derive(Clone, Copy)]
pub enum Action {
    Delete,
    Restore,
}

impl Action {
    fn conflict_message(self) -> &'static str {
        match self {
            Action::Delete => "web.conflict-delete",
            Action::Restore => "web.conflict-restore",
        }
    }

    fn flash(self) -> Flash {
        match self {
            Action::Delete => Flash::Deleted,
            Action::Restore => Flash::Restored,
        }
    }
}

pub fn now() -> chrono::DateTime<chrono::FixedOffset> {
    chrono::Utc::now().fixed_offset()
}

/// The project's rate profile, if it has one that still reads.
pub async fn profile_of(state: &AppState, stored: &Stored<ProjectFile>) -> Option<RateProfile> {
    let p = state
        .store
        .project_rate_profile_document(&stored.id)
        .await
        .ok()
        .flatten()?;
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
    /// The project had been changed elsewhere since the writer's version, and the writer's
    /// changes were merged onto it.
    pub merged: bool,
    /// A new version was written (`false`: the change was already there, or there was none).
    pub changed: bool,
}

/// Why a save did not happen.
pub enum SaveError {
    /// Fields the writer changed were also changed elsewhere, to other values.
    Conflict(Box<Conflicted>),
    Web(WebError),
}

/// A save that met changes to the same fields: each conflict with its three values, the
/// version stored now and the whole document the writer wanted.
pub struct Conflicted {
    pub current: Stored<ProjectFile>,
    pub conflicts: Vec<Conflict>,
    pub mine: serde_json::Value,
}

impl From<StoreError> for SaveError {
    fn from(e: StoreError) -> SaveError {
        SaveError::Web(e.into())
    }
}

impl From<WebError> for SaveError {
    fn from(e: WebError) -> SaveError {
        SaveError::Web(e)
    }
}

/// A form field whose name starts with this carries a person's choice on one conflicting
/// field: `_choice.activities[tartu].title` = `theirs` | `mine`.
pub const CHOICE_PREFIX: &str = "_choice.";
/// The version a person saw the conflicting values in.
pub const SEEN_VERSION: &str = "_theirs_version";
/// The version a form's page was rendered from: its controls (rows, checkboxes) are that
/// version's, while `version` moves on with each autosave.
pub const PAGE_VERSION: &str = "_page_version";

/// The choices a person made on a conflict, and the version they saw it in.
#[derive(Default)]
pub struct Resolution {
    pub choices: BTreeMap<merge::Path, Choice>,
    pub seen_version: Option<i64>,
}

impl Resolution {
    pub fn from_form(form: &FormData) -> Resolution {
        let mut choices = BTreeMap::new();
        for (k, v) in &form.0 {
            if let Some(p) = k.strip_prefix(CHOICE_PREFIX)
                && let (Some(path), Some(c)) = (merge::Path::parse(p), Choice::parse(v.trim()))
            {
                choices.insert(path, c);
            }
        }
        Resolution {
            choices,
            seen_version: form.get(SEEN_VERSION).and_then(|v| v.parse().ok()),
        }
    }
}

fn to_json(doc: &ProjectFile) -> Result<serde_json::Value, WebError> {
    serde_json::to_value(doc).map_err(|e| WebError::Internal(e.to_string()))
}

/// What a write starts from: the version its writer started from (`version`, `doc`) and the
/// project as stored now (`current`; the same document when nobody saved meanwhile). Read
/// once per request and handed on to [`save_change`], which merges onto `current`.
pub struct Base {
    pub version: i64,
    pub doc: ProjectFile,
    pub current: Stored<ProjectFile>,
}

/// The project as stored now and the version `version` a writer started from.
pub async fn load_base(state: &AppState, id: &str, version: i64) -> Result<Base, WebError> {
    let current = state.store.get_project(id).await?;
    if current.version == version {
        let doc = current.document.clone();
        return Ok(Base {
            version,
            doc,
            current,
        });
    }
    match state.store.project_version(id, version).await {
        Ok(doc) => Ok(Base {
            version,
            doc,
            current,
        }),
        // A version this project never had: the writer's copy is not of this project's
        // history, so nothing can be merged; they have to start from the current one.
        Err(StoreError::NotFound) => Err(WebError::Conflict {
            current_version: current.version,
        }),
        Err(e) => Err(e.into()),
    }
}

/// The version a posted form starts from (its `version` field) and the project in it.
pub async fn posted_base(state: &AppState, id: &str, form: &FormData) -> Result<Base, WebError> {
    let version = projects::form_version(form)?;
    load_base(state, id, version).await
}

/// What a form changes: the form read onto `base`, minus what the same form *as shown* for
/// `base` (`shown`, read back from the page's HTML) reads to. Only the fields whose posted
/// value differs from the value shown are changes; everything the form does not show, or
/// shows in a lossy way (a date without its time), stays as it was. `shown` is `None` for a
/// form that creates something (everything it posts is new).
pub fn form_change(
    base: &ProjectFile,
    form: &FormData,
    read: &impl Fn(&FormData, &mut ProjectFile) -> Vec<FieldError>,
    shown: Option<&FormData>,
) -> Result<serde_json::Value, WebError> {
    let mut mine = base.clone();
    let _ = read(form, &mut mine);
    let mine = to_json(&mine)?;
    let Some(shown) = shown else {
        return Ok(mine);
    };
    let mut roundtrip = base.clone();
    let _ = read(shown, &mut roundtrip);
    let delta = merge::diff(&to_json(&roundtrip)?, &mine);
    let mut out = to_json(base)?;
    merge::apply(&mut out, &delta);
    Ok(out)
}

/// The versioned save with field-level three-way merge, the one way every write of a project
/// goes: `mine` (the document the writer wants, made from the version they started from,
/// `base.doc`) is merged onto the version stored now (`base.current` first, read again only
/// when another save got in between) — their changes and mine
/// both kept, the same field changed by both a [`Conflict`] unless the `resolution` decides
/// it. A result equal to the stored document writes no version. `kind` says whether this is
/// the script's autosave (folded with the same person's previous autosave in the history) or
/// an explicit action (always its own history entry).
pub async fn save_change(
    state: &AppState,
    id: &str,
    base: Base,
    mine: &serde_json::Value,
    resolution: &Resolution,
    kind: SaveKind,
) -> Result<Saved, SaveError> {
    let Base {
        version: base_version,
        doc: base,
        mut current,
    } = base;
    let base = to_json(&base)?;
    for _ in 0..5 {
        let theirs = to_json(&current.document)?;
        let mut choices = resolution.choices.clone();
        match resolution.seen_version {
            // A choice counts only for a field whose stored value is still the one the
            // person saw when they chose.
            Some(seen) if seen != current.version => {
                let seen_doc = match state.store.project_version(id, seen).await {
                    Ok(d) => to_json(&d)?,
                    Err(StoreError::NotFound) => serde_json::Value::Null,
                    Err(e) => return Err(e.into()),
                };
                merge::still_valid(&mut choices, &seen_doc, &theirs);
            }
            Some(_) => {}
            None => choices.clear(),
        }
        let merged = match merge::merge(&base, &theirs, mine, &choices) {
            Ok(m) => m,
            Err(conflicts) => {
                return Err(SaveError::Conflict(Box::new(Conflicted {
                    current,
                    conflicts,
                    mine: mine.clone(),
                })));
            }
        };
        let was_merged = current.version != base_version;
        if merged == theirs {
            return Ok(Saved {
                stored: current,
                merged: was_merged,
                changed: false,
            });
        }
        let doc: ProjectFile =
            serde_json::from_value(merged).map_err(|e| WebError::BadRequest {
                field: "document".into(),
                message: format!("the merged project does not read: {e}"),
            })?;
        let by = crate::access::current_user_id();
        match state
            .store
            .save_project_as(id, &doc, current.version, by.as_deref(), kind)
            .await
        {
            Ok(stored) => {
                state.metrics.saved(was_merged);
                return Ok(Saved {
                    stored,
                    merged: was_merged,
                    changed: true,
                });
            }
            Err(StoreError::Conflict { .. }) => {
                // Someone saved in between: merge onto theirs again.
                current = state.store.get_project(id).await?;
            }
            Err(e) => return Err(e.into()),
        }
    }
    Err(SaveError::Web(WebError::TooManyRequests(t(
        Lang::En,
        "web.save-busy",
    ))))
}

/// A form field saying the person confirmed a destructive action (the script's dialog sets
/// it; without the script the confirmation page's form carries it).
pub const CONFIRMED: &str = "confirmed";

/// Deletes ask first: a post without [`CONFIRMED`] is answered with a page that names what
/// would be deleted (`name` reads it from the project; `None` when it is gone), what deleting
/// means (`lead`, a message key) and a form
/// that posts the same fields again, confirmed, or goes `back`. `None`: confirmed, go on.
#[allow(clippy::too_many_arguments)] // the request, the action's place, and what it deletes
pub async fn confirm_first(
    state: &AppState,
    lang: Lang,
    id: &str,
    form: &FormData,
    action: &str,
    back: &str,
    lead: &str,
    name: impl Fn(&ProjectFile) -> Option<String>,
) -> Option<Response> {
    if form.get(CONFIRMED) == Some("1") {
        return None;
    }
    let what = match state.store.get_project(id).await {
        Ok(s) => name(&s.document),
        Err(e) => return Some(error_page(lang, e.into())),
    };
    let Some(what) = what else {
        return Some(error_page(lang, WebError::NotFound));
    };
    let body = maud::html! {
        h1 { (crate::i18n::tr(lang, "web.confirm.title", &[("what", what)])) }
        p { (t(lang, lead)) }
        form method="post" action=(action) {
            (crate::views::accounts::csrf_field())
            @for (k, v) in &form.0 {
                @if k != "_csrf" && k != CONFIRMED {
                    input type="hidden" name=(k) value=(v);
                }
            }
            input type="hidden" name=(CONFIRMED) value="1";
            div.actions {
                button.danger type="submit" { (t(lang, "web.confirm.delete")) }
                a href=(back) { (t(lang, "web.confirm.cancel")) }
            }
        }
    };
    Some(html(
        StatusCode::OK,
        lang,
        t(lang, "web.confirm.page-title"),
        back,
        body,
    ))
}

/// Where a delete of a part of the project lives: the address it posts to, the page it was
/// asked from (the way back) and where it goes once done.
pub struct DeletePlace {
    pub action: String,
    pub back: String,
    pub done: String,
}

/// Deletes a part of the project (an activity, a visit, an objective) the way every delete
/// goes: asked first without the script (`name` names the part; `None` when it is gone),
/// then `remove` applied to the version the person's page showed and merged like any save,
/// a change made meanwhile to the part met as a conflict.
pub async fn delete_part(
    state: &AppState,
    lang: Lang,
    id: &str,
    body: &[u8],
    place: DeletePlace,
    name: impl Fn(&ProjectFile) -> Option<String>,
    remove: impl FnOnce(&mut ProjectFile),
) -> Response {
    let form = FormData::parse(body);
    let version = match projects::form_version(&form) {
        Ok(v) => v,
        Err(e) => return error_page(lang, e),
    };
    if let Some(page) = confirm_first(
        state,
        lang,
        id,
        &form,
        &place.action,
        &place.back,
        "web.confirm.lead",
        name,
    )
    .await
    {
        return page;
    }
    let result = save_with(state, id, version, &Resolution::from_form(&form), remove).await;
    after_action(
        lang,
        result,
        version,
        &place.action,
        &place.done,
        &place.back,
        Action::Delete,
    )
}

/// A change made by code on the writer's version (a delete, a record): `apply` on `base`,
/// then merged like every save.
pub async fn save_with(
    state: &AppState,
    id: &str,
    base_version: i64,
    resolution: &Resolution,
    apply: impl FnOnce(&mut ProjectFile),
) -> Result<Saved, SaveError> {
    let base = load_base(state, id, base_version).await?;
    let mut mine = base.doc.clone();
    apply(&mut mine);
    let mine = to_json(&mine)?;
    save_change(state, id, base, &mine, resolution, SaveKind::Explicit).await
}

/// The answer to a delete (or another action posted from a page): on to `done`; after a
/// conflict, a page that says what changed meanwhile and offers to go `back` or to confirm
/// the action anyway (posted again to `action` with the person's choice for each field).
pub fn after_action(
    lang: Lang,
    result: Result<Saved, SaveError>,
    version: i64,
    action: &str,
    done: &str,
    back: &str,
    what: Action,
) -> Response {
    let message = what.conflict_message();
    match result {
        Ok(_) => see_other_with(done, what.flash()),
        Err(SaveError::Conflict(c)) => {
            let theirs = serde_json::to_value(&c.current.document).unwrap_or_default();
            html(
                StatusCode::CONFLICT,
                lang,
                t(lang, "web.conflict-title"),
                back,
                crate::views::merge::action_conflict_page(
                    lang, &c, &theirs, action, version, back, message,
                ),
            )
        }
        Err(SaveError::Web(e)) => error_page(lang, e),
    }
}

/// Which live panels of its page an autosave answer brings back.
pub enum Live {
    /// The findings of the part of the project under this field prefix (`None`: all of it).
    Findings(Option<String>),
    /// The activity editor's column: that activity's findings, total and budget.
    Activity(String),
    /// The visit editor's column: that visit's findings.
    Visit(String),
    /// An objective's page: the findings about that objective, found by its id at answer
    /// time (a merge may have moved it in the list).
    Objective(String),
}

/// The JSON answer to an autosave: the new version, the refreshed findings (`findings_html`)
/// and, for an editor, its whole refreshed live column (`live_html`) and the field hints that
/// depend on the saved state (`hints`: element id → text), rendered from the saved document —
/// after a merge the activity's place in the list may have changed.
///
/// After a merge the form still shows what its person had; `values` (the form's fields as
/// shown for the saved document) lets the script bring the other changes into it, so the
/// next save does not start from a form that silently undoes them.
pub fn autosave_ok(
    lang: Lang,
    saved: &Saved,
    eval: &Evaluation,
    live: &Live,
    values: Option<&FormData>,
) -> Response {
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
        Live::Objective(oid) => (
            doc.application
                .as_ref()
                .and_then(|a| a.objectives.iter().position(|o| o.id == *oid))
                .map(|i| format!("application.objectives[{i}]")),
            None,
        ),
    };
    let findings = findings_panel(lang, id, eval, only.as_deref()).into_string();
    // The checker's errors about fields of this form, to show at them as the page does (with
    // the same prefixes as the page's `Errors::with_findings`).
    let prefixes: Vec<String> = match live {
        Live::Findings(None) => vec!["project.".into(), "applicant.".into()],
        Live::Visit(_) => vec![],
        Live::Findings(Some(_)) | Live::Activity(_) | Live::Objective(_) => {
            only.iter().map(|p| format!("{p}.")).collect()
        }
    };
    let field_errors: Vec<serde_json::Value> = prefixes
        .iter()
        .flat_map(|p| crate::views::partials::field_findings(lang, eval, p))
        .filter(|f| f.severity == mobiplan_core::Severity::Error)
        .map(|f| json!({"field": f.input, "message": f.message}))
        .collect();
    Json(json!({
        "ok": true,
        "version": saved.stored.version,
        "merged": saved.merged,
        "message": if saved.merged { t(lang, "web.saved-merged") } else { t(lang, "web.saved") },
        "findings_html": findings,
        "live_html": column.map(Markup::into_string),
        "hints": hints,
        "field_errors": field_errors,
        "errors": eval.errors(),
        "values": values.map(|f| &f.0),
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

/// The JSON answer to an autosave that met a conflict: each field with its values (for
/// scripts and the API) and the panel to choose per field (`conflict_html`, placed first in
/// the form by the script, so the choices are posted with it).
pub fn autosave_conflict(lang: Lang, c: &Conflicted) -> Response {
    let theirs = serde_json::to_value(&c.current.document).unwrap_or_default();
    (
        StatusCode::CONFLICT,
        Json(json!({
            "ok": false,
            "conflict": true,
            "current_version": c.current.version,
            "message": t(lang, "web.conflict"),
            "conflicts": crate::views::merge::conflicts_json(lang, &c.conflicts, &theirs, &c.mine),
            "conflict_html": crate::views::merge::conflict_panel(lang, c, &theirs).into_string(),
        })),
    )
        .into_response()
}

/// A form page shown again after a conflict: the person's values in the form, the form's
/// version still the one they started from, and the choice per conflicting field inside it.
pub fn conflict_page(
    lang: Lang,
    c: &Conflicted,
    action: &str,
    title: String,
    path: &str,
    page: Markup,
) -> Response {
    let theirs = serde_json::to_value(&c.current.document).unwrap_or_default();
    let panel = crate::views::merge::conflict_panel(lang, c, &theirs).into_string();
    let body = crate::forms::html_form::insert_into(&page.into_string(), action, &panel);
    html(
        StatusCode::CONFLICT,
        lang,
        title,
        path,
        maud::PreEscaped(body),
    )
}

#[cfg(test)]
mod attachment_tests {
    /// Latvian letters become their ASCII letters in the plain name; the exact name is
    /// percent-encoded UTF-8.
    #[test]
    fn a_download_name_has_an_ascii_and_an_exact_form() {
        assert_eq!(
            super::attachment("Rīgas Plāns.xlsx"),
            "attachment; filename=\"Rigas-Plans.xlsx\"; filename*=UTF-8''R%C4%ABgas%20Pl%C4%81ns.xlsx"
        );
    }
}
