//! The application in words: the narrative sections (background and needs, follow-up,
//! summary), the project's objectives (add, edit, delete) and the self-assessment. Every save
//! goes through `save_form` like the other forms: a section's form writes only the texts its
//! person changed, so two people writing different sections (or different texts of one) at
//! once both keep their words.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use mobiplan_core::project::file::ProjectFile;

use super::projects::{FormPlace, save_form};
use super::{Live, error_page, evaluate_stored, html};
use crate::error::WebError;
use crate::forms::{self, FieldError, FormData};
use crate::i18n::{Lang, ReqLang, t};
use crate::state::AppState;
use crate::views::application::{
    BACKGROUND, FOLLOW_UP, ObjectiveView, SUMMARY, Section, assessment_page, objective_page,
    section_page,
};

async fn section_show(state: AppState, lang: Lang, id: String, section: &Section) -> Response {
    let stored = match state.store.get_project(&id).await {
        Ok(s) => s,
        Err(e) => return error_page(lang, e.into()),
    };
    let eval = evaluate_stored(&state, &stored).await;
    html(
        StatusCode::OK,
        lang,
        t(lang, section.title_key),
        &format!("/projects/{id}/application/{}", section.path),
        section_page(
            lang,
            &id,
            &stored.document,
            stored.version,
            section,
            Some(&eval),
            &[],
            None,
        ),
    )
}

async fn section_save(
    state: AppState,
    lang: Lang,
    headers: HeaderMap,
    id: String,
    body: Bytes,
    section: &'static Section,
) -> Response {
    let form = FormData::parse(&body);
    let action = format!("/projects/{id}/application/{}", section.path);
    let shown =
        |doc: &ProjectFile, v: i64| section_page(lang, &id, doc, v, section, None, &[], None);
    save_form(
        &state,
        lang,
        &headers,
        &id,
        &form,
        FormPlace {
            action: action.clone(),
            title: t(lang, section.title_key),
            path: action.clone(),
            done: action.clone(),
            live: Live::Findings(Some("application".into())),
        },
        |f: &FormData, d: &mut ProjectFile| forms::read_section(section, f, d),
        Some(&shown),
        |doc, v, errors, notice| section_page(lang, &id, doc, v, section, None, errors, notice),
    )
    .await
}

macro_rules! section_routes {
    ($($show:ident, $save:ident => $section:ident;)*) => {$(
        pub async fn $show(
            State(state): State<AppState>,
            ReqLang(lang): ReqLang,
            Path(id): Path<String>,
        ) -> Response {
            section_show(state, lang, id, &$section).await
        }

        pub async fn $save(
            State(state): State<AppState>,
            ReqLang(lang): ReqLang,
            headers: HeaderMap,
            Path(id): Path<String>,
            body: Bytes,
        ) -> Response {
            section_save(state, lang, headers, id, body, &$section).await
        }
    )*};
}

section_routes! {
    background_show, background_save => BACKGROUND;
    follow_up_show, follow_up_save => FOLLOW_UP;
    summary_show, summary_save => SUMMARY;
}

fn objective_path(id: &str, oid: &str) -> String {
    format!("/projects/{id}/application/objectives/{oid}")
}

pub async fn objective_new(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    Path(id): Path<String>,
) -> Response {
    let stored = match state.store.get_project(&id).await {
        Ok(s) => s,
        Err(e) => return error_page(lang, e.into()),
    };
    html(
        StatusCode::OK,
        lang,
        t(lang, "web.app.new-objective"),
        &format!("/projects/{id}/application/objectives/new"),
        objective_page(ObjectiveView::form(
            lang,
            &id,
            &stored.document,
            stored.version,
            None,
            true,
            format!("/projects/{id}/application/objectives"),
        )),
    )
}

pub async fn objective_create(
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
        .application
        .iter()
        .flat_map(|a| a.objectives.iter().map(|o| o.id.clone()))
        .collect();
    let oid = forms::slug(form.get("title").unwrap_or("objective"), &taken);
    let read = {
        let oid = oid.clone();
        move |form: &FormData, doc: &mut ProjectFile| -> Vec<FieldError> {
            let (objective, errors) = forms::read_objective(form, &oid);
            let app = doc.application.get_or_insert_default();
            if errors.is_empty() && !app.objectives.iter().any(|o| o.id == oid) {
                app.objectives.push(objective);
            }
            errors
        }
    };
    let action = format!("/projects/{id}/application/objectives");
    save_form(
        &state,
        lang,
        &headers,
        &id,
        &form,
        FormPlace {
            action: action.clone(),
            title: t(lang, "web.app.new-objective"),
            path: format!("/projects/{id}/application/objectives/new"),
            done: objective_path(&id, &oid),
            live: Live::Objective(oid.clone()),
        },
        read,
        None,
        |doc, v, errors, notice| {
            let (typed, _) = forms::read_objective(&form, &oid);
            let form = ObjectiveView::form(lang, &id, doc, v, Some(&typed), true, action.clone());
            objective_page(ObjectiveView {
                errors,
                notice,
                ..form
            })
        },
    )
    .await
}

pub async fn objective_show(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    Path((id, oid)): Path<(String, String)>,
) -> Response {
    let stored = match state.store.get_project(&id).await {
        Ok(s) => s,
        Err(e) => return error_page(lang, e.into()),
    };
    let doc = &stored.document;
    let Some(objective) = doc
        .application
        .as_ref()
        .and_then(|a| a.objectives.iter().find(|o| o.id == oid))
    else {
        return error_page(lang, WebError::NotFound);
    };
    let eval = evaluate_stored(&state, &stored).await;
    html(
        StatusCode::OK,
        lang,
        objective.title.clone().unwrap_or_else(|| oid.clone()),
        &objective_path(&id, &oid),
        objective_page(ObjectiveView {
            eval: Some(&eval),
            ..ObjectiveView::form(
                lang,
                &id,
                doc,
                stored.version,
                Some(objective),
                false,
                objective_path(&id, &oid),
            )
        }),
    )
}

pub async fn objective_save(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    headers: HeaderMap,
    Path((id, oid)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let form = FormData::parse(&body);
    let read = {
        let oid = oid.clone();
        move |form: &FormData, doc: &mut ProjectFile| -> Vec<FieldError> {
            let (objective, errors) = forms::read_objective(form, &oid);
            if errors.is_empty()
                && let Some(slot) = doc
                    .application
                    .as_mut()
                    .and_then(|a| a.objectives.iter_mut().find(|o| o.id == oid))
            {
                *slot = objective;
            }
            errors
        }
    };
    let action = objective_path(&id, &oid);
    let shown = |doc: &ProjectFile, v: i64| {
        let objective = doc
            .application
            .as_ref()
            .and_then(|a| a.objectives.iter().find(|o| o.id == oid));
        objective_page(ObjectiveView::form(
            lang,
            &id,
            doc,
            v,
            objective,
            false,
            action.clone(),
        ))
    };
    save_form(
        &state,
        lang,
        &headers,
        &id,
        &form,
        FormPlace {
            action: action.clone(),
            title: t(lang, "application.section.objectives"),
            path: action.clone(),
            done: action.clone(),
            live: Live::Objective(oid.clone()),
        },
        read,
        Some(&shown),
        |doc, v, errors, notice| {
            let (typed, _) = forms::read_objective(&form, &oid);
            let form = ObjectiveView::form(lang, &id, doc, v, Some(&typed), false, action.clone());
            objective_page(ObjectiveView {
                errors,
                notice,
                ..form
            })
        },
    )
    .await
}

pub async fn objective_delete(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    Path((id, oid)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let place = super::DeletePlace {
        action: format!("{}/delete", objective_path(&id, &oid)),
        back: objective_path(&id, &oid),
        done: format!("/projects/{id}#application"),
    };
    let name = |doc: &ProjectFile| {
        doc.application
            .as_ref()
            .and_then(|a| a.objectives.iter().find(|o| o.id == oid))
            .map(|o| o.title.clone().unwrap_or_else(|| o.id.clone()))
    };
    // The activities that served it stop naming it, so the plan still reads.
    super::delete_part(&state, lang, &id, &body, place, name, |doc| {
        doc.remove_objective(&oid)
    })
    .await
}

pub async fn assessment_show(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    Path(id): Path<String>,
) -> Response {
    let stored = match state.store.get_project(&id).await {
        Ok(s) => s,
        Err(e) => return error_page(lang, e.into()),
    };
    let eval = evaluate_stored(&state, &stored).await;
    let assessment = match (&eval.project, &eval.rulebook) {
        (Some(p), Some(rb)) => Some(mobiplan_core::assessment::assess(p, rb)),
        _ => None,
    };
    html(
        StatusCode::OK,
        lang,
        t(lang, "web.app.assessment"),
        &format!("/projects/{id}/application/assessment"),
        assessment_page(lang, &id, &stored.document, assessment.as_ref(), &eval),
    )
}
