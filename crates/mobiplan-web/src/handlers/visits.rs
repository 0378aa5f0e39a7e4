//! Preparatory visits: create, edit with autosave, delete.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use mobiplan_core::project::file::ProjectFile;

use super::projects::{form_version, save_form};
use super::{Live, error_page, evaluate_stored, html, see_other};
use crate::error::WebError;
use crate::forms::{self, FieldError, FormData};
use crate::i18n::{ReqLang, t};
use crate::state::AppState;
use crate::views::pages::visit_form;

pub async fn visit_new(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    Path(id): Path<String>,
) -> Response {
    match state.store.get_project(&id).await {
        Ok(s) => html(
            StatusCode::OK,
            lang,
            t(lang, "kind.preparatory-visit"),
            &format!("/projects/{id}/visits/new"),
            visit_form(
                lang,
                &id,
                &s.document,
                None,
                &format!("/projects/{id}/visits"),
                s.version,
                &[],
                None,
            ),
        ),
        Err(e) => error_page(lang, e.into()),
    }
}

pub async fn visit_create(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let form = FormData::parse(&body);
    let current = match state.store.get_project(&id).await {
        Ok(s) => s,
        Err(e) => return error_page(lang, e.into()),
    };
    let taken: Vec<String> = current
        .document
        .preparatory_visits
        .iter()
        .map(|v| v.id.clone())
        .collect();
    let vid = forms::slug(
        &format!("visit-{}", form.get("host_name").unwrap_or("host")),
        &taken,
    );
    let read = {
        let vid = vid.clone();
        move |form: &FormData, doc: &mut ProjectFile| -> Vec<FieldError> {
            let (visit, errors) = forms::read_visit(form, &vid);
            if errors.is_empty() && !doc.preparatory_visits.iter().any(|v| v.id == vid) {
                doc.preparatory_visits.push(visit);
            }
            errors
        }
    };
    let section = {
        let vid = vid.clone();
        move |d: &ProjectFile| serde_json::json!(d.preparatory_visits.iter().any(|v| v.id == vid))
    };
    save_form(
        &state,
        lang,
        &headers,
        &id,
        &form,
        read,
        section,
        |doc, v, errors, _| {
            let (typed, _) = forms::read_visit(&form, &vid);
            visit_form(
                lang,
                &id,
                doc,
                Some(&typed),
                &format!("/projects/{id}/visits"),
                v,
                errors,
                None,
            )
        },
        t(lang, "kind.preparatory-visit"),
        format!("/projects/{id}/visits/new"),
        format!("/projects/{id}/visits/{vid}"),
        Live::Visit(vid.clone()),
    )
    .await
}

pub async fn visit_edit(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    Path((id, vid)): Path<(String, String)>,
) -> Response {
    let stored = match state.store.get_project(&id).await {
        Ok(s) => s,
        Err(e) => return error_page(lang, e.into()),
    };
    let Some(visit) = stored
        .document
        .preparatory_visits
        .iter()
        .find(|v| v.id == vid)
    else {
        return error_page(lang, WebError::NotFound);
    };
    let eval = evaluate_stored(&state, &stored).await;
    html(
        StatusCode::OK,
        lang,
        t(lang, "kind.preparatory-visit"),
        &format!("/projects/{id}/visits/{vid}"),
        visit_form(
            lang,
            &id,
            &stored.document,
            Some(visit),
            &format!("/projects/{id}/visits/{vid}"),
            stored.version,
            &[],
            Some(&eval),
        ),
    )
}

pub async fn visit_save(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    headers: HeaderMap,
    Path((id, vid)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let form = FormData::parse(&body);
    let stored = match state.store.get_project(&id).await {
        Ok(s) => s,
        Err(e) => return error_page(lang, e.into()),
    };
    if !stored
        .document
        .preparatory_visits
        .iter()
        .any(|v| v.id == vid)
    {
        return error_page(lang, WebError::NotFound);
    }
    let read = {
        let vid = vid.clone();
        move |form: &FormData, doc: &mut ProjectFile| -> Vec<FieldError> {
            let (visit, errors) = forms::read_visit(form, &vid);
            if errors.is_empty() {
                match doc.preparatory_visits.iter_mut().find(|v| v.id == vid) {
                    Some(slot) => *slot = visit,
                    None => doc.preparatory_visits.push(visit),
                }
            }
            errors
        }
    };
    let section = {
        let vid = vid.clone();
        move |d: &ProjectFile| serde_json::json!(d.preparatory_visits.iter().find(|v| v.id == vid))
    };
    save_form(
        &state,
        lang,
        &headers,
        &id,
        &form,
        read,
        section,
        |doc, v, errors, _| {
            let (typed, _) = forms::read_visit(&form, &vid);
            visit_form(
                lang,
                &id,
                doc,
                Some(&typed),
                &format!("/projects/{id}/visits/{vid}"),
                v,
                errors,
                None,
            )
        },
        t(lang, "kind.preparatory-visit"),
        format!("/projects/{id}/visits/{vid}"),
        format!("/projects/{id}/visits/{vid}"),
        Live::Visit(vid.clone()),
    )
    .await
}

pub async fn visit_delete(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    Path((id, vid)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let form = FormData::parse(&body);
    let version = match form_version(&form) {
        Ok(v) => v,
        Err(_) => match state.store.get_project(&id).await {
            Ok(s) => s.version,
            Err(e) => return error_page(lang, e.into()),
        },
    };
    let result = super::save_with_merge(
        &state,
        &id,
        version,
        |doc| doc.remove_visit(&vid),
        |d| serde_json::json!(d.preparatory_visits.iter().find(|v| v.id == vid)),
    )
    .await;
    match result {
        Ok(_) => see_other(&format!("/projects/{id}")),
        Err(super::SaveError::Conflict(_)) => see_other(&format!("/projects/{id}/visits/{vid}")),
        Err(super::SaveError::Web(e)) => error_page(lang, e),
    }
}
