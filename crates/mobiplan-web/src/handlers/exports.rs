//! Documents made from a project (`/projects/{id}/export/{format}`): the budget workbook, the
//! PDF summary and plan, the calendar, the timeline, the mobility list, the course checklists.
//! The page's language unless `?lang=lv|en` asks for another; the project's rate profile, as
//! on the budget page.

use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use mobiplan_export::{Format, Plan};
use serde::Deserialize;

use crate::error::WebError;
use crate::handlers::{error_page, evaluate_stored, html, now};
use crate::i18n::{Lang, ReqLang, t};
use crate::state::AppState;

#[derive(Deserialize)]
pub struct ExportQuery {
    lang: Option<String>,
}

pub async fn export_document(
    State(state): State<AppState>,
    ReqLang(page_lang): ReqLang,
    Path((id, format)): Path<(String, String)>,
    Query(query): Query<ExportQuery>,
) -> Response {
    let lang: Lang = match query.lang.as_deref().map(str::parse) {
        None => page_lang,
        Some(Ok(l)) => l,
        Some(Err(message)) => {
            return error_page(
                page_lang,
                WebError::BadRequest {
                    field: "lang".into(),
                    message,
                },
            );
        }
    };
    let Some(format) = Format::from_id(&format) else {
        return error_page(page_lang, WebError::NotFound);
    };
    let stored = match state.store.get_project(&id).await {
        Ok(s) => s,
        Err(e) => return error_page(page_lang, e.into()),
    };
    let eval = evaluate_stored(&state, &stored).await;
    let (Some(project), Some(rulebook), Some(budget)) =
        (&eval.project, &eval.rulebook, &eval.budget)
    else {
        // The document does not read as a project yet: say so, with its input errors.
        let mut text = t(page_lang, "export.web.unavailable");
        for e in &eval.input_errors {
            let label =
                crate::views::field_names::field_label(page_lang, eval.document.as_ref(), &e.field);
            let message = mobiplan_i18n::input_error_message(e, page_lang);
            text.push_str(&format!(" {label}: {message}"));
        }
        let title = t(page_lang, "web.bad-request");
        return html(
            StatusCode::UNPROCESSABLE_ENTITY,
            page_lang,
            title.clone(),
            &format!("/projects/{id}"),
            crate::views::pages::message_page(page_lang, &title, &text),
        );
    };
    let plan = Plan {
        project,
        rulebook,
        budget,
        findings: &eval.findings,
        lang,
        now: now(),
    };
    match mobiplan_export::export(format, &plan) {
        Ok(bytes) => (
            [
                (header::CONTENT_TYPE, format.content_type().to_owned()),
                (
                    header::CONTENT_DISPOSITION,
                    super::attachment(&mobiplan_export::file_name(project, format)),
                ),
                (header::CACHE_CONTROL, "no-store".to_owned()),
            ],
            bytes,
        )
            .into_response(),
        Err(e) => error_page(page_lang, WebError::Internal(e.to_string())),
    }
}
