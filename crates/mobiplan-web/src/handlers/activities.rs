//! Activities: choose a kind, create, edit with autosave, delete.

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use mobiplan_core::project::file::ProjectFile;
use mobiplan_core::types::ActivityKind;
use serde::Deserialize;

use super::projects::{FormPlace, form_version, save_form, save_form_on};
use super::{Live, error_page, evaluate_stored, html};
use crate::error::WebError;
use crate::forms::{self, FieldError, FormData};
use crate::i18n::{Lang, ReqLang, t};
use crate::state::AppState;
use crate::views::activity::{ActivityView, choose_kind, editor};

#[derive(Deserialize)]
pub struct KindQuery {
    kind: Option<String>,
}

fn title(lang: Lang, kind: ActivityKind) -> String {
    t(lang, &format!("kind.{}", kind.id()))
}

pub async fn activity_new(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    Path(id): Path<String>,
    Query(q): Query<KindQuery>,
) -> Response {
    let stored = match state.store.get_project(&id).await {
        Ok(s) => s,
        Err(e) => return error_page(lang, e.into()),
    };
    let path = format!("/projects/{id}/activities/new");
    match q.kind.as_deref().and_then(forms::kind) {
        None => html(
            StatusCode::OK,
            lang,
            t(lang, "web.add-activity"),
            &path,
            choose_kind(lang, &id, &stored.document),
        ),
        Some(kind) => html(
            StatusCode::OK,
            lang,
            title(lang, kind),
            &path,
            editor(ActivityView {
                lang,
                project_id: &id,
                doc: &stored.document,
                kind,
                activity: None,
                action: format!("/projects/{id}/activities"),
                version: stored.version,
                errors: &[],
                eval: None,
                notice: None,
            }),
        ),
    }
}

fn kind_of(form: &FormData) -> Result<ActivityKind, WebError> {
    form.get("kind")
        .and_then(forms::kind)
        .ok_or(WebError::BadRequest {
            field: "kind".into(),
            message: "missing or unknown activity kind".into(),
        })
}

pub async fn activity_create(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let form = FormData::parse(&body);
    let kind = match kind_of(&form) {
        Ok(k) => k,
        Err(e) => return error_page(lang, e),
    };
    let current = match state.store.get_project(&id).await {
        Ok(s) => s,
        Err(e) => return error_page(lang, e.into()),
    };
    let taken: Vec<String> = current
        .document
        .activities
        .iter()
        .map(|a| a.id.clone())
        .collect();
    let base = form.get("title").unwrap_or(kind.id());
    let aid = forms::slug(base, &taken);
    let done = format!("/projects/{id}/activities/{aid}");
    let read = {
        let aid = aid.clone();
        move |form: &FormData, doc: &mut ProjectFile| -> Vec<FieldError> {
            let (activity, errors) = forms::read_activity(form, &aid, kind);
            if errors.is_empty() && !doc.activities.iter().any(|a| a.id == aid) {
                doc.activities.push(activity);
            }
            errors
        }
    };
    let _ = form_version(&form);
    save_form(
        &state,
        lang,
        &headers,
        &id,
        &form,
        FormPlace {
            action: format!("/projects/{id}/activities"),
            title: title(lang, kind),
            path: format!("/projects/{id}/activities/new"),
            done,
            live: Live::Activity(aid.clone()),
        },
        read,
        None,
        |doc, v, errors, notice| {
            let (typed, _) = forms::read_activity(&form, &aid, kind);
            editor(ActivityView {
                lang,
                project_id: &id,
                doc,
                kind,
                activity: Some(&typed),
                action: format!("/projects/{id}/activities"),
                version: v,
                errors,
                eval: None,
                notice,
            })
        },
    )
    .await
}

pub async fn activity_edit(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    Path((id, aid)): Path<(String, String)>,
) -> Response {
    let stored = match state.store.get_project(&id).await {
        Ok(s) => s,
        Err(e) => return error_page(lang, e.into()),
    };
    let Some(activity) = stored.document.activities.iter().find(|a| a.id == aid) else {
        return error_page(lang, WebError::NotFound);
    };
    let eval = evaluate_stored(&state, &stored).await;
    html(
        StatusCode::OK,
        lang,
        activity
            .title
            .clone()
            .unwrap_or_else(|| title(lang, activity.kind)),
        &format!("/projects/{id}/activities/{aid}"),
        editor(ActivityView {
            lang,
            project_id: &id,
            doc: &stored.document,
            kind: activity.kind,
            activity: Some(activity),
            action: format!("/projects/{id}/activities/{aid}"),
            version: stored.version,
            errors: &[],
            eval: Some(&eval),
            notice: None,
        }),
    )
}

pub async fn activity_save(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    headers: HeaderMap,
    Path((id, aid)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let form = FormData::parse(&body);
    // The activity as the person's page showed it: in the version they started from.
    let base = match super::posted_base(&state, &id, &form).await {
        Ok(base) => base,
        Err(e) => return error_page(lang, e),
    };
    let Some(kind) = base
        .doc
        .activities
        .iter()
        .find(|a| a.id == aid)
        .map(|a| a.kind)
    else {
        return error_page(lang, WebError::NotFound);
    };
    let read = {
        let aid = aid.clone();
        move |form: &FormData, doc: &mut ProjectFile| -> Vec<FieldError> {
            let (activity, errors) = forms::read_activity(form, &aid, kind);
            if errors.is_empty()
                && let Some(slot) = doc.activities.iter_mut().find(|a| a.id == aid)
            {
                *slot = activity;
            }
            errors
        }
    };
    let action = format!("/projects/{id}/activities/{aid}");
    let shown = |doc: &ProjectFile, v: i64| {
        editor(ActivityView {
            lang,
            project_id: &id,
            doc,
            kind,
            activity: doc.activities.iter().find(|a| a.id == aid),
            action: action.clone(),
            version: v,
            errors: &[],
            eval: None,
            notice: None,
        })
    };
    save_form_on(
        &state,
        lang,
        &headers,
        &id,
        &form,
        Some(base),
        FormPlace {
            action: action.clone(),
            title: title(lang, kind),
            path: action.clone(),
            done: action.clone(),
            live: Live::Activity(aid.clone()),
        },
        read,
        Some(&shown),
        |doc, v, errors, notice| {
            let (typed, _) = forms::read_activity(&form, &aid, kind);
            editor(ActivityView {
                lang,
                project_id: &id,
                doc,
                kind,
                activity: Some(&typed),
                action: action.clone(),
                version: v,
                errors,
                eval: None,
                notice,
            })
        },
    )
    .await
}

pub async fn activity_delete(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    Path((id, aid)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let place = super::DeletePlace {
        action: format!("/projects/{id}/activities/{aid}/delete"),
        back: format!("/projects/{id}/activities/{aid}"),
        done: format!("/projects/{id}"),
    };
    let name = |doc: &ProjectFile| {
        doc.activities
            .iter()
            .find(|a| a.id == aid)
            .map(|a| crate::views::pages::activity_title(lang, a))
    };
    // Visits that prepared it have nothing left to prepare; implementation records go too.
    super::delete_part(&state, lang, &id, &body, place, name, |doc| {
        doc.remove_activity(&aid)
    })
    .await
}
