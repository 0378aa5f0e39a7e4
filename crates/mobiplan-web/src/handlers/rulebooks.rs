//! Rulebook editions: the call years with their state, what changed between two editions,
//! loading a corrected edition (instance administrators), and moving a project to another
//! call (a preview, then a scenario so that the original stays).

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use mobiplan_core::Rulebook;
use mobiplan_core::editions::{self, Effects};
use mobiplan_core::project::file::ProjectFile;
use serde::Deserialize;

use super::{error_page, html, see_other};
use crate::access;
use crate::error::WebError;
use crate::eval::{Evaluation, evaluate};
use crate::forms::FormData;
use crate::i18n::{Lang, ReqLang, t, tr};
use crate::state::AppState;
use crate::views::rulebooks as view;

/// `GET /rulebooks`: every call year with its state, edition and history.
pub async fn rulebooks_list(State(state): State<AppState>, ReqLang(lang): ReqLang) -> Response {
    let actor = match access::actor() {
        Ok(a) => a,
        Err(e) => return error_page(lang, e),
    };
    let now = state.clock.now().fixed_offset();
    let calls = state.editions.calls(now);
    let mut rows = Vec::new();
    for (year, call) in &calls {
        let Ok(rb) = state.editions.get(*year) else {
            continue;
        };
        rows.push(view::CallRow {
            year: *year,
            state: *call,
            edition: rb.meta.edition.clone(),
            loaded: state.editions.is_loaded(*year),
            previous: calls.iter().map(|(y, _)| *y).filter(|y| y < year).max(),
        });
    }
    let history = match state.store.rulebook_editions(None).await {
        Ok(h) => h,
        Err(e) => return error_page(lang, e.into()),
    };
    let admin = state
        .store
        .is_instance_admin(&actor.user.id)
        .await
        .unwrap_or(false);
    html(
        StatusCode::OK,
        lang,
        t(lang, "rulebooks.title"),
        "/rulebooks",
        view::list_page(lang, &rows, &history, admin),
    )
}

#[derive(Deserialize)]
pub struct DiffQuery {
    from: Option<u16>,
}

/// `GET /rulebooks/{year}/diff[?from=YEAR]`: what changed from an edition (by default the
/// previous call year's) to this one, value by value with both sources.
pub async fn rulebook_diff(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    Path(year): Path<u16>,
    Query(q): Query<DiffQuery>,
) -> Response {
    let to = match state.editions.get(year) {
        Ok(rb) => rb,
        Err(_) => return error_page(lang, WebError::NotFound),
    };
    let from_year = q.from.or_else(|| {
        state
            .editions
            .years()
            .into_iter()
            .filter(|y| *y < year)
            .max()
    });
    let Some(from_year) = from_year else {
        return error_page(
            lang,
            WebError::BadRequest {
                field: "from".into(),
                message: tr(lang, "rulebooks.no-earlier", &[("year", year.to_string())]),
            },
        );
    };
    let from = match state.editions.get(from_year) {
        Ok(rb) => rb,
        Err(e) => {
            return error_page(
                lang,
                WebError::BadRequest {
                    field: "from".into(),
                    message: e,
                },
            );
        }
    };
    let d = editions::diff(&from, &to);
    html(
        StatusCode::OK,
        lang,
        tr(
            lang,
            "rulebooks.diff-title",
            &[("from", from_year.to_string()), ("to", year.to_string())],
        ),
        &format!("/rulebooks/{year}/diff"),
        view::diff_page(lang, &d, (&from, &to), &state.editions.years()),
    )
}

/// `GET /rulebooks/load`: the form to load a corrected edition.
pub async fn rulebook_load_form(ReqLang(lang): ReqLang) -> Response {
    html(
        StatusCode::OK,
        lang,
        t(lang, "rulebooks.load-title"),
        "/rulebooks/load",
        view::load_page(lang, None, ""),
    )
}

/// One project the loaded edition changes, as the administrator may see it.
pub struct Affected {
    /// (id, title) when the administrator may read the project; `None` for a project of an
    /// organisation the administrator is not in (counted, not named).
    pub project: Option<(String, String)>,
    pub effects: Effects,
}

/// `POST /rulebooks/load` (multipart: `file`, `note`): validates the edition as strictly as
/// the embedded ones, stores it with its author, makes it the edition of its call year at once
/// and lists the projects of that year whose findings or budget change.
pub async fn rulebook_load(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    mut multipart: Multipart,
) -> Response {
    let actor = match access::actor() {
        Ok(a) => a,
        Err(e) => return error_page(lang, e),
    };
    let mut text = None;
    let mut note = String::new();
    while let Ok(Some(field)) = multipart.next_field().await {
        match field.name() {
            Some("note") => note = field.text().await.unwrap_or_default(),
            Some("file") => text = field.text().await.ok(),
            _ => {}
        }
    }
    let refuse = |message: String, note: &str| {
        html(
            StatusCode::UNPROCESSABLE_ENTITY,
            lang,
            t(lang, "rulebooks.load-title"),
            "/rulebooks/load",
            view::load_page(lang, Some(&message), note),
        )
    };
    let Some(text) = text.filter(|t| !t.trim().is_empty()) else {
        return refuse(t(lang, "rulebooks.load-no-file"), &note);
    };
    if note.trim().is_empty() {
        return refuse(t(lang, "rulebooks.load-no-note"), &note);
    }
    let new = match Rulebook::from_toml(&text) {
        Ok(rb) => rb,
        Err(e) => return refuse(e.to_string(), &note),
    };
    let year = new.call_year();
    let old = match state.editions.get(year) {
        Ok(rb) => rb,
        Err(_) => Arc::new(new.clone()),
    };
    let author = format!("{} <{}>", actor.user.name, actor.user.email);
    let saved = match state
        .store
        .load_rulebook_edition(&text, Some(&actor.user.id), &author, note.trim())
        .await
    {
        Ok(s) => s,
        Err(e) => return error_page(lang, e.into()),
    };
    state.editions.set(new.clone());
    let affected = match affected_projects(&state, &actor.user.id, year, &old, &new).await {
        Ok(a) => a,
        Err(e) => return error_page(lang, e),
    };
    html(
        StatusCode::OK,
        lang,
        t(lang, "rulebooks.loaded-title"),
        "/rulebooks/load",
        view::loaded_page(lang, &saved, &affected),
    )
}

/// Every project of the call year, evaluated with the edition it had and the new one; those
/// whose findings or budget change.
async fn affected_projects(
    state: &AppState,
    user_id: &str,
    year: u16,
    old: &Rulebook,
    new: &Rulebook,
) -> Result<Vec<Affected>, WebError> {
    let readable: Vec<String> = state
        .store
        .list_projects_for(user_id)
        .await?
        .into_iter()
        .map(|p| p.id)
        .collect();
    let now = state.clock.now().fixed_offset();
    let mut out = Vec::new();
    for p in state.store.projects_of_call_year(year).await? {
        let Ok(stored) = state.store.get_project(&p.id).await else {
            continue;
        };
        let profile = super::profile_of(state, &stored).await;
        let before = evaluate_with(&stored.document, old, profile.as_ref(), now);
        let after = evaluate_with(&stored.document, new, profile.as_ref(), now);
        let (Some(bb), Some(ba)) = (&before.budget, &after.budget) else {
            continue;
        };
        let effects = editions::effects((&before.findings, bb), (&after.findings, ba));
        if effects.is_empty() {
            continue;
        }
        out.push(Affected {
            project: readable
                .contains(&p.id)
                .then(|| (p.id.clone(), p.title.clone())),
            effects,
        });
    }
    Ok(out)
}

/// [`evaluate`] with a given edition instead of the one in effect.
fn evaluate_with(
    doc: &ProjectFile,
    rb: &Rulebook,
    profile: Option<&mobiplan_core::RateProfile>,
    now: chrono::DateTime<chrono::FixedOffset>,
) -> Evaluation {
    let mut project = match mobiplan_core::Project::from_file(doc.clone()) {
        Ok(p) => p,
        Err(e) => {
            return Evaluation {
                input_errors: e.errors,
                findings: vec![],
                budget: None,
                rulebook: None,
                project: None,
                document: Some(doc.clone()),
            };
        }
    };
    if let Err(e) = mobiplan_geo::fill_distances(&mut project, mobiplan_geo::Gazetteer::embedded())
    {
        return Evaluation {
            input_errors: e.errors,
            findings: vec![],
            budget: None,
            rulebook: None,
            project: None,
            document: Some(doc.clone()),
        };
    }
    let profile = profile.filter(|p| p.validate(rb).is_ok());
    let findings = mobiplan_core::check(
        &project,
        rb,
        &mobiplan_core::CheckContext { now: Some(now) },
    );
    let budget = mobiplan_core::budget(&project, rb, profile);
    Evaluation {
        input_errors: vec![],
        findings,
        budget: Some(budget),
        rulebook: None,
        project: Some(project),
        document: None,
    }
}

// ---------------------------------------------------------------------------------------------
// Moving a project to another call

#[derive(Deserialize)]
pub struct MoveQuery {
    to: Option<u16>,
    shift: Option<String>,
}

/// The move asked for: the target year (by default the call that is open or coming) and
/// whether dates move with it.
fn move_target(state: &AppState, to: Option<u16>, shift: Option<&str>) -> (u16, bool) {
    let to = to.unwrap_or_else(|| {
        state
            .editions
            .default_year(state.clock.now().fixed_offset())
    });
    (to, shift.is_some_and(|s| !s.is_empty() && s != "0"))
}

/// The moved document, or why it cannot move.
fn moved(
    state: &AppState,
    lang: Lang,
    doc: &ProjectFile,
    to: u16,
    shift: bool,
) -> Result<ProjectFile, WebError> {
    if state.editions.get(to).is_err() {
        return Err(WebError::BadRequest {
            field: "to".into(),
            message: tr(lang, "rulebooks.move-no-year", &[("year", to.to_string())]),
        });
    }
    editions::move_to_call(doc, to, shift).map_err(|e| WebError::BadRequest {
        field: "to".into(),
        message: move_error(lang, doc, &e),
    })
}

/// Why a project cannot move, in the reader's language.
fn move_error(lang: Lang, doc: &ProjectFile, e: &editions::MoveError) -> String {
    use editions::MoveError;
    match e {
        MoveError::SameYear(y) => tr(lang, "rulebooks.move-same-year", &[("year", y.to_string())]),
        MoveError::Awarded(y) => tr(lang, "rulebooks.move-awarded", &[("year", y.to_string())]),
        MoveError::OutOfRange { field, date, years } => tr(
            lang,
            "rulebooks.move-out-of-range",
            &[
                (
                    "field",
                    crate::views::field_names::field_label(lang, Some(doc), field),
                ),
                ("date", date.clone()),
                ("years", years.to_string()),
            ],
        ),
    }
}

/// `GET /projects/{id}/move[?to=YEAR&shift=1]`: what moving the project to another call
/// changes — findings and budget lines — before anything is saved.
pub async fn move_preview(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    Path(id): Path<String>,
    Query(q): Query<MoveQuery>,
) -> Response {
    let stored = match state.store.get_project(&id).await {
        Ok(s) => s,
        Err(e) => return error_page(lang, e.into()),
    };
    let (to, shift) = move_target(&state, q.to, q.shift.as_deref());
    let doc = match moved(&state, lang, &stored.document, to, shift) {
        Ok(d) => d,
        Err(e) => return error_page(lang, e),
    };
    let profile = super::profile_of(&state, &stored).await;
    let now = state.clock.now().fixed_offset();
    let before = evaluate(&stored.document, profile.as_ref(), now);
    let after = evaluate(&doc, profile.as_ref(), now);
    let effects = match (&before.budget, &after.budget) {
        (Some(bb), Some(ba)) => Some(editions::effects(
            (&before.findings, bb),
            (&after.findings, ba),
        )),
        _ => None,
    };
    html(
        StatusCode::OK,
        lang,
        tr(lang, "rulebooks.move-title", &[("year", to.to_string())]),
        &format!("/projects/{id}/move"),
        view::move_page(view::MoveView {
            lang,
            id: &id,
            title: &stored.document.project.title,
            from: stored.document.project.call_year,
            to,
            shift,
            years: &state.editions.years(),
            effects: effects.as_ref(),
            after: &after,
        }),
    )
}

/// `POST /projects/{id}/move` (`to`, `shift`): saves the moved project as a new scenario of
/// the project (the original stays as it is) and opens it.
pub async fn move_save(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let form = FormData::parse(&body);
    match move_create(&state, lang, &id, &form).await {
        Ok(new_id) => see_other(&format!("/projects/{new_id}")),
        Err(e) => error_page(lang, e),
    }
}

async fn move_create(
    state: &AppState,
    lang: Lang,
    id: &str,
    form: &FormData,
) -> Result<String, WebError> {
    let current = state.store.get_project(id).await?;
    // As for "copy as scenario": only the organisation's editors and owners.
    let (_, by) = super::scenarios::copier(state, lang, id).await?;
    let to = match form.get("to").map(str::parse::<u16>) {
        Some(Ok(y)) => Some(y),
        None => None,
        Some(Err(_)) => {
            return Err(WebError::BadRequest {
                field: "to".into(),
                message: t(lang, "rulebooks.move-bad-year"),
            });
        }
    };
    let (to, shift) = move_target(state, to, form.get("shift"));
    let mut doc = moved(state, lang, &current.document, to, shift)?;
    doc.project.title = tr(
        lang,
        "rulebooks.move-new-title",
        &[
            ("title", current.document.project.title.clone()),
            ("year", to.to_string()),
        ],
    );
    let stored = state.store.create_scenario(id, Some(&by), &doc).await?;
    Ok(stored.id)
}

/// The call year a project could move to from the project page: the call open or coming, when
/// it is another one than the project's.
pub fn move_suggestion(project_year: u16) -> Option<u16> {
    let editions = crate::editions::current();
    let year = editions.default_year(crate::editions::now());
    (year != project_year).then_some(year)
}
