//! What-if scenarios: copy a project as a scenario, and compare a project with its original
//! and its scenarios side by side (the core's [`mobiplan_core::compare`]).

use super::{error_page, evaluate_stored, html, see_other};
use crate::access::{self, Need};
use crate::error::WebError;
use crate::eval::Evaluation;
use crate::i18n::{Lang, t, tr};
use crate::state::AppState;
use crate::views::scenarios::{self as view, Family};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;

/// At most this many projects side by side: each is evaluated for the page.
const MAX_COLUMNS: usize = 10;

/// The project's scenario family as the current user may see it: the original first (when the
/// user may read it), then its scenarios, the oldest first — this project always among them.
pub async fn family_of(
    state: &AppState,
    lang: Lang,
    id: &str,
    title: &str,
) -> Result<Family, WebError> {
    let actor = access::actor()?;
    let origin_id = state.store.scenario_origin(id).await?;
    let root = origin_id.as_deref().unwrap_or(id);
    let origin = match &origin_id {
        // The original may be of another organisation's reach (a scenario shared on its own):
        // it is named only to those who may read it.
        Some(o) => match access::check_project(state, &actor, o, Need::Read, lang).await {
            Ok(()) => Some((
                o.clone(),
                state.store.get_project(o).await?.document.project.title,
            )),
            Err(WebError::NotFound) => None,
            Err(e) => return Err(e),
        },
        None => None,
    };
    let mut members = Vec::new();
    match &origin {
        Some(o) => members.push(o.clone()),
        None if origin_id.is_none() => members.push((id.to_owned(), title.to_owned())),
        None => {}
    }
    for s in state.store.list_scenarios_for(&actor.user.id, root).await? {
        members.push((s.id, s.title));
    }
    if !members.iter().any(|(m, _)| m == id) {
        members.push((id.to_owned(), title.to_owned()));
    }
    Ok(Family { origin, members })
}

/// `POST /projects/{id}/scenario`: a copy of the project as a new scenario, in the same
/// organisation with the same rate profile, titled "<original's title> — scenario N".
pub async fn scenario_create(
    State(state): State<AppState>,
    crate::i18n::ReqLang(lang): crate::i18n::ReqLang,
    Path(id): Path<String>,
) -> Response {
    match create(&state, lang, &id).await {
        Ok(new_id) => see_other(&format!("/projects/{new_id}")),
        Err(e) => error_page(lang, e),
    }
}

/// The user who may create a copy of project `id` (a scenario, a move to another call) and
/// the project's organisation it goes to. Editing a project (which the guard checked) is not
/// enough: the copy is a new project of its organisation, which only its editors and owners
/// may create (not a user to whom the project is shared).
pub async fn copier(state: &AppState, lang: Lang, id: &str) -> Result<(String, String), WebError> {
    let org = state
        .store
        .project_org(id)
        .await?
        .ok_or_else(|| WebError::Forbidden(t(lang, "web.forbidden-text")))?;
    let (_, by) = access::create_in(Some(&org), lang).map_err(|e| match e {
        // Not a member of the organisation (a share): may not create in it.
        WebError::BadRequest { .. } => WebError::Forbidden(t(lang, "web.forbidden-text")),
        other => other,
    })?;
    Ok((org, by))
}

async fn create(state: &AppState, lang: Lang, id: &str) -> Result<String, WebError> {
    let current = state.store.get_project(id).await?;
    let (_, by) = copier(state, lang, id).await?;

    // Numbered within the family, after the original's title (a copy of a scenario is
    // another scenario of the same original).
    let origin = state.store.scenario_origin(id).await?;
    let root = origin.as_deref().unwrap_or(id);
    let n = state.store.list_scenarios(root).await?.len() + 1;
    let base = match &origin {
        Some(o) => match state.store.get_project(o).await {
            Ok(p) => p.document.project.title,
            Err(_) => current.document.project.title.clone(),
        },
        None => current.document.project.title.clone(),
    };
    let mut doc = current.document.clone();
    doc.project.title = tr(
        lang,
        "scenario.new-title",
        &[("title", base), ("n", n.to_string())],
    );
    let stored = state.store.create_scenario(id, Some(&by), &doc).await?;
    Ok(stored.id)
}

/// `GET /projects/{id}/compare[?with=ID…]`: the project side by side with the chosen projects
/// — by default its original and its scenarios. Every id in the query is checked as the guard
/// checks `{id}`: one the user may not read makes the page a 404.
pub async fn compare_page(
    State(state): State<AppState>,
    crate::i18n::ReqLang(lang): crate::i18n::ReqLang,
    Path(id): Path<String>,
    Query(query): Query<Vec<(String, String)>>,
) -> Response {
    match compare(&state, lang, &id, &query).await {
        Ok(r) => r,
        Err(e) => error_page(lang, e),
    }
}

async fn compare(
    state: &AppState,
    lang: Lang,
    id: &str,
    query: &[(String, String)],
) -> Result<Response, WebError> {
    let actor = access::actor()?;
    let current = state.store.get_project(id).await?;
    let title = current.document.project.title.clone();
    let family = family_of(state, lang, id, &title).await?;

    // `pick` marks a submitted form, so that unticking every box compares nothing more.
    let picked = query.iter().any(|(k, _)| k == "pick" || k == "with");
    let asked: Vec<&str> = query
        .iter()
        .filter(|(k, _)| k == "with")
        .map(|(_, v)| v.as_str())
        .collect();
    // Family order first (the original, then the scenarios), then other projects asked for.
    let mut ids: Vec<String> = family
        .members
        .iter()
        .map(|(m, _)| m.clone())
        .filter(|m| m == id || !picked || asked.contains(&m.as_str()))
        .collect();
    for a in &asked {
        if !ids.iter().any(|i| i == a) {
            ids.push((*a).to_owned());
        }
    }
    if ids.len() > MAX_COLUMNS {
        return Err(WebError::BadRequest {
            field: "with".into(),
            message: tr(
                lang,
                "scenario.too-many",
                &[("max", MAX_COLUMNS.to_string())],
            ),
        });
    }
    for other in ids.iter().filter(|i| *i != id) {
        access::check_project(state, &actor, other, Need::Read, lang).await?;
    }

    let mut evaluated: Vec<(String, String, Evaluation)> = Vec::with_capacity(ids.len());
    for pid in &ids {
        let stored = if pid == id {
            current.clone()
        } else {
            state.store.get_project(pid).await?
        };
        let eval = evaluate_stored(state, &stored).await;
        evaluated.push((pid.clone(), stored.document.project.title, eval));
    }
    let columns = view::Columns::build(&evaluated);
    let body = view::compare_page(view::CompareView {
        lang,
        id,
        title: &title,
        family: &family,
        selected: &ids,
        columns: &columns,
    });
    Ok(html(
        StatusCode::OK,
        lang,
        tr(lang, "scenario.compare-title", &[("title", title.clone())]),
        &format!("/projects/{id}/compare"),
        body,
    ))
}
