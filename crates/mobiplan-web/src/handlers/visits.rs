//! Preparatory visits: create, edit with autosave, delete.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use mobiplan_core::project::file::ProjectFile;

use super::projects::{FormPlace, save_form, save_form_on};
use super::{Live, error_page, evaluate_stored, html};
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
    save_form(
        &state,
        lang,
        &headers,
        &id,
        &form,
        FormPlace {
            action: format!("/projects/{id}/visits"),
            title: t(lang, "kind.preparatory-visit"),
            path: format!("/projects/{id}/visits/new"),
            done: format!("/projects/{id}/visits/{vid}"),
            live: Live::Visit(vid.clone()),
        },
        read,
        None,
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
    // The visit as the person's page showed it: in the version they started from.
    let base = match super::posted_base(&state, &id, &form).await {
        Ok(base) => base,
        Err(e) => return error_page(lang, e),
    };
    if !base.doc.preparatory_visits.iter().any(|v| v.id == vid) {
        return error_page(lang, WebError::NotFound);
    }
    let read = {
        let vid = vid.clone();
        move |form: &FormData, doc: &mut ProjectFile| -> Vec<FieldError> {
            let (visit, errors) = forms::read_visit(form, &vid);
            if errors.is_empty()
                && let Some(slot) = doc.preparatory_visits.iter_mut().find(|v| v.id == vid)
            {
                *slot = visit;
            }
            errors
        }
    };
    let action = format!("/projects/{id}/visits/{vid}");
    let shown = |doc: &ProjectFile, v: i64| {
        visit_form(
            lang,
            &id,
            doc,
            doc.preparatory_visits.iter().find(|x| x.id == vid),
            &action,
            v,
            &[],
            None,
        )
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
            title: t(lang, "kind.preparatory-visit"),
            path: action.clone(),
            done: action.clone(),
            live: Live::Visit(vid.clone()),
        },
        read,
        Some(&shown),
        |doc, v, errors, _| {
            let (typed, _) = forms::read_visit(&form, &vid);
            visit_form(lang, &id, doc, Some(&typed), &action, v, errors, None)
        },
    )
    .await
}

pub async fn visit_delete(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    Path((id, vid)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let place = super::DeletePlace {
        action: format!("/projects/{id}/visits/{vid}/delete"),
        back: format!("/projects/{id}/visits/{vid}"),
        done: format!("/projects/{id}"),
    };
    let name = |doc: &ProjectFile| {
        doc.preparatory_visits
            .iter()
            .find(|v| v.id == vid)
            .map(|v| v.host.name.clone())
    };
    // A delete carries the version its page showed, like every save: a visit changed
    // meanwhile is not deleted without the person seeing the change.
    super::delete_part(&state, lang, &id, &body, place, name, |doc| {
        doc.remove_visit(&vid)
    })
    .await
}
