//! Projects: list, create, the task-list page, details, people, budget, checks, files.

use axum::body::Bytes;
use axum::extract::{Multipart, Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use mobiplan_core::Project;
use mobiplan_core::project::file::ProjectFile;

use super::{
    Live, SaveError, autosave_conflict, autosave_invalid, autosave_ok, error_page, evaluate_stored,
    html, save_with_merge, see_other, wants_json,
};
use crate::error::WebError;
use crate::forms::{self, FieldError, FormData};
use crate::i18n::{ReqLang, t, tr};
use crate::state::AppState;
use crate::views::pages;

pub async fn project_list(State(state): State<AppState>, ReqLang(lang): ReqLang) -> Response {
    let actor = match crate::access::actor() {
        Ok(a) => a,
        Err(e) => return error_page(lang, e),
    };
    let list = match state.store.list_projects_for(&actor.user.id).await {
        Ok(l) => l,
        Err(e) => return error_page(lang, e.into()),
    };
    let mut rows = Vec::with_capacity(list.len());
    for p in list {
        let errors = match state.store.get_project(&p.id).await {
            Ok(stored) => evaluate_stored(&state, &stored).await.errors(),
            Err(_) => 0,
        };
        rows.push((p, errors));
    }
    html(
        StatusCode::OK,
        lang,
        t(lang, "web.projects"),
        "/",
        pages::projects_list(lang, &rows),
    )
}

pub async fn project_new(ReqLang(lang): ReqLang) -> Response {
    html(
        StatusCode::OK,
        lang,
        t(lang, "web.new-project"),
        "/projects/new",
        pages::new_project_page(lang, None, &[]),
    )
}

pub async fn project_create(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    body: Bytes,
) -> Response {
    let form = FormData::parse(&body);
    let (org, by) = match crate::access::create_in(form.get("org"), lang) {
        Ok(o) => o,
        Err(e) => return error_page(lang, e),
    };
    let (doc, errors) = forms::read_new_project(&form);
    if !errors.is_empty() {
        return html(
            StatusCode::UNPROCESSABLE_ENTITY,
            lang,
            t(lang, "web.new-project"),
            "/projects/new",
            pages::new_project_page(lang, Some(&doc), &errors),
        );
    }
    match state.store.create_project_in(&org, Some(&by), &doc).await {
        Ok(stored) => see_other(&format!("/projects/{}", stored.id)),
        Err(e) => error_page(lang, e.into()),
    }
}

pub async fn project_show(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    Path(id): Path<String>,
) -> Response {
    let stored = match state.store.get_project(&id).await {
        Ok(s) => s,
        Err(e) => return error_page(lang, e.into()),
    };
    let eval = evaluate_stored(&state, &stored).await;
    let profiles: Vec<(String, String)> = state
        .store
        .rate_profiles_for_project(&id)
        .await
        .unwrap_or_default()
        .into_iter()
        .map(|p| (p.id, p.name))
        .collect();
    let profile_id = state.store.project_rate_profile(&id).await.ok().flatten();
    let family = match super::scenarios::family_of(
        &state,
        lang,
        &id,
        &stored.document.project.title,
    )
    .await
    {
        Ok(f) => f,
        Err(e) => return error_page(lang, e),
    };
    let body = pages::project_page(pages::ProjectView {
        lang,
        stored: &stored,
        eval: &eval,
        profiles: &profiles,
        profile_id: profile_id.as_deref(),
        family: &family,
    });
    html(
        StatusCode::OK,
        lang,
        stored.document.project.title.clone(),
        &format!("/projects/{id}"),
        body,
    )
}

fn details_page(
    lang: crate::i18n::Lang,
    id: &str,
    doc: &ProjectFile,
    version: i64,
    errors: &[FieldError],
    notice: Option<String>,
) -> maud::Markup {
    maud::html! {
        (crate::views::layout::back(&format!("/projects/{id}"), doc.project.title.clone()))
        h1 { (t(lang, "web.section.project-applicant")) }
        @if let Some(n) = notice { div.notice role="status" { (n) } }
        (pages::details_form(lang, Some(doc), &format!("/projects/{id}/details"), Some(version), errors))
    }
}

pub async fn details_edit(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    Path(id): Path<String>,
) -> Response {
    match state.store.get_project(&id).await {
        Ok(s) => html(
            StatusCode::OK,
            lang,
            t(lang, "web.section.project-applicant"),
            &format!("/projects/{id}/details"),
            details_page(lang, &id, &s.document, s.version, &[], None),
        ),
        Err(e) => error_page(lang, e.into()),
    }
}

/// The version a form was rendered from.
pub fn form_version(form: &FormData) -> Result<i64, WebError> {
    form.get("version")
        .and_then(|v| v.parse().ok())
        .ok_or(WebError::BadRequest {
            field: "version".into(),
            message: "missing: reload the page".into(),
        })
}

/// Runs a form save: read the form (`read` fills the document and returns field errors), save
/// it versioned with merge, and answer as JSON (autosave) or HTML (`page` re-renders the form).
#[allow(clippy::too_many_arguments)]
pub async fn save_form(
    state: &AppState,
    lang: crate::i18n::Lang,
    headers: &HeaderMap,
    id: &str,
    form: &FormData,
    read: impl Fn(&FormData, &mut ProjectFile) -> Vec<FieldError>,
    section: impl Fn(&ProjectFile) -> serde_json::Value,
    page: impl Fn(&ProjectFile, i64, &[FieldError], Option<String>) -> maud::Markup,
    title: String,
    path: String,
    done: String,
    live: Live,
) -> Response {
    let json = wants_json(headers);
    let version = match form_version(form) {
        Ok(v) => v,
        Err(e) => {
            return if json {
                e.into_response()
            } else {
                error_page(lang, e)
            };
        }
    };
    let current = match state.store.get_project(id).await {
        Ok(s) => s,
        Err(e) => {
            return if json {
                WebError::from(e).into_response()
            } else {
                error_page(lang, e.into())
            };
        }
    };
    // Read the form onto the current document to find field errors before saving anything.
    let mut preview = current.document.clone();
    let errors = read(form, &mut preview);
    if !errors.is_empty() {
        return if json {
            autosave_invalid(lang, &errors)
        } else {
            html(
                StatusCode::UNPROCESSABLE_ENTITY,
                lang,
                title,
                &path,
                page(&preview, version, &errors, None),
            )
        };
    }
    let result = save_with_merge(
        state,
        id,
        version,
        |doc| {
            let _ = read(form, doc);
        },
        section,
    )
    .await;
    match result {
        Ok(saved) => {
            if json {
                let eval = evaluate_stored(state, &saved.stored).await;
                autosave_ok(lang, &saved, &eval, &live)
            } else {
                see_other(&done)
            }
        }
        Err(SaveError::Conflict(current)) => {
            if json {
                autosave_conflict(lang, &current)
            } else {
                // The user's values stay in the form; saving again overwrites the other change.
                let notice = tr(
                    lang,
                    "web.conflict-page",
                    &[("version", current.version.to_string())],
                );
                html(
                    StatusCode::CONFLICT,
                    lang,
                    title,
                    &path,
                    page(&preview, current.version, &[], Some(notice)),
                )
            }
        }
        Err(SaveError::Web(e)) => {
            if json {
                e.into_response()
            } else {
                error_page(lang, e)
            }
        }
    }
}

pub async fn details_save(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let form = FormData::parse(&body);
    save_form(
        &state,
        lang,
        &headers,
        &id,
        &form,
        forms::read_details,
        |d| serde_json::json!([d.project, d.applicant]),
        |doc, v, errors, notice| details_page(lang, &id, doc, v, errors, notice),
        t(lang, "web.section.project-applicant"),
        format!("/projects/{id}/details"),
        format!("/projects/{id}"),
        Live::Findings(None),
    )
    .await
}

fn people_page(
    lang: crate::i18n::Lang,
    id: &str,
    doc: &ProjectFile,
    version: i64,
    errors: &[FieldError],
    notice: Option<String>,
) -> maud::Markup {
    maud::html! {
        @if let Some(n) = notice { div.notice role="status" { (n) } }
        (pages::people_form(lang, id, doc, version, errors))
    }
}

pub async fn people_edit(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    Path(id): Path<String>,
) -> Response {
    match state.store.get_project(&id).await {
        Ok(s) => html(
            StatusCode::OK,
            lang,
            t(lang, "web.section.people"),
            &format!("/projects/{id}/people"),
            people_page(lang, &id, &s.document, s.version, &[], None),
        ),
        Err(e) => error_page(lang, e.into()),
    }
}

pub async fn people_save(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let form = FormData::parse(&body);
    save_form(
        &state,
        lang,
        &headers,
        &id,
        &form,
        forms::read_people,
        |d| serde_json::json!(d.people),
        |doc, v, errors, notice| people_page(lang, &id, doc, v, errors, notice),
        t(lang, "web.section.people"),
        format!("/projects/{id}/people"),
        format!("/projects/{id}/people"),
        Live::Findings(Some("people".into())),
    )
    .await
}

pub async fn budget_show(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    Path(id): Path<String>,
) -> Response {
    match state.store.get_project(&id).await {
        Ok(s) => {
            let eval = evaluate_stored(&state, &s).await;
            html(
                StatusCode::OK,
                lang,
                t(lang, "cli.budget"),
                &format!("/projects/{id}/budget"),
                pages::budget_page(lang, &id, &s.document, &eval),
            )
        }
        Err(e) => error_page(lang, e.into()),
    }
}

pub async fn checks_show(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    Path(id): Path<String>,
) -> Response {
    match state.store.get_project(&id).await {
        Ok(s) => {
            let eval = evaluate_stored(&state, &s).await;
            html(
                StatusCode::OK,
                lang,
                t(lang, "web.checks"),
                &format!("/projects/{id}/checks"),
                pages::checks_page(lang, &id, &s.document, &eval),
            )
        }
        Err(e) => error_page(lang, e.into()),
    }
}

fn file_name(doc: &ProjectFile, ext: &str) -> String {
    let slug = forms::slug(&doc.project.title, &[]);
    format!("{slug}.{ext}")
}

pub async fn export_toml(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    Path(id): Path<String>,
) -> Response {
    let stored = match state.store.get_project(&id).await {
        Ok(s) => s,
        Err(e) => return error_page(lang, e.into()),
    };
    match toml::to_string_pretty(&stored.document) {
        Ok(text) => (
            [
                (
                    header::CONTENT_TYPE,
                    "application/toml; charset=utf-8".to_owned(),
                ),
                (
                    header::CONTENT_DISPOSITION,
                    format!(
                        "attachment; filename=\"{}\"",
                        file_name(&stored.document, "toml")
                    ),
                ),
            ],
            text,
        )
            .into_response(),
        Err(e) => error_page(lang, WebError::Internal(e.to_string())),
    }
}

pub async fn export_json(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    Path(id): Path<String>,
) -> Response {
    let stored = match state.store.get_project(&id).await {
        Ok(s) => s,
        Err(e) => return error_page(lang, e.into()),
    };
    let text = serde_json::to_string_pretty(&stored.document).unwrap_or_default();
    (
        [
            (header::CONTENT_TYPE, "application/json".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!(
                    "attachment; filename=\"{}\"",
                    file_name(&stored.document, "json")
                ),
            ),
        ],
        text,
    )
        .into_response()
}

/// Reads an uploaded TOML or JSON project file; errors name the field and line.
pub fn parse_upload(name: &str, bytes: &[u8]) -> Result<ProjectFile, Vec<(String, String)>> {
    let text = std::str::from_utf8(bytes)
        .map_err(|_| vec![("file".to_owned(), "the file is not UTF-8 text".to_owned())])?;
    let json = name.to_ascii_lowercase().ends_with(".json") || text.trim_start().starts_with('{');
    let parsed = if json {
        mobiplan_core::project::parse_json(text)
    } else {
        mobiplan_core::project::parse_toml(text)
    };
    let doc = parsed.map_err(|e| {
        e.errors
            .iter()
            .map(|e| (e.field.clone(), e.to_string()))
            .collect::<Vec<_>>()
    })?;
    // A file's escapes (`\u0000`) reach the document even though the form check saw none.
    if let Some(field) = serde_json::to_value(&doc)
        .ok()
        .and_then(|v| crate::input::bad_json_field(&v))
    {
        let message = t(crate::i18n::Lang::default(), "web.control-character");
        return Err(vec![(field.clone(), format!("{field}: {message}"))]);
    }
    // Structural problems are kept (the project page lists them), but the format must hold.
    let _ = Project::from_file(doc.clone());
    Ok(doc)
}

pub async fn project_import(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    mut multipart: Multipart,
) -> Response {
    let mut upload: Option<(String, Vec<u8>)> = None;
    let mut org_field: Option<String> = None;
    while let Ok(Some(field)) = multipart.next_field().await {
        if field.name() == Some("org") {
            org_field = field.text().await.ok().filter(|t| !t.trim().is_empty());
            continue;
        }
        if field.name() == Some("file") {
            let name = field.file_name().unwrap_or("project.toml").to_owned();
            match field.bytes().await {
                Ok(b) => upload = Some((name, b.to_vec())),
                Err(e) => {
                    return error_page(
                        lang,
                        WebError::BadRequest {
                            field: "file".into(),
                            message: e.to_string(),
                        },
                    );
                }
            }
        }
    }
    let Some((name, bytes)) = upload else {
        return error_page(
            lang,
            WebError::BadRequest {
                field: "file".into(),
                message: t(lang, "web.error.required"),
            },
        );
    };
    let (org, by) = match crate::access::create_in(org_field.as_deref(), lang) {
        Ok(o) => o,
        Err(e) => return error_page(lang, e),
    };
    match parse_upload(&name, &bytes) {
        Ok(doc) => match state.store.create_project_in(&org, Some(&by), &doc).await {
            Ok(stored) => see_other(&format!("/projects/{}", stored.id)),
            Err(e) => error_page(lang, e.into()),
        },
        Err(problems) => html(
            StatusCode::UNPROCESSABLE_ENTITY,
            lang,
            t(lang, "web.import"),
            "/",
            maud::html! {
                h1 { (t(lang, "web.import-failed")) }
                p { (tr(lang, "cli.input-error", &[("file", name.clone())])) }
                ul.finding-list { @for (_, m) in &problems { li.sev-error { (m) } } }
                p { a href="/" { (t(lang, "web.projects")) } }
            },
        ),
    }
}

pub async fn project_delete(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    Path(id): Path<String>,
) -> Response {
    match state.store.delete_project(&id).await {
        Ok(()) => see_other("/"),
        Err(e) => error_page(lang, e.into()),
    }
}

pub async fn rates_select(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let form = FormData::parse(&body);
    let version = match form_version(&form) {
        Ok(v) => v,
        Err(e) => return error_page(lang, e),
    };
    let profile = form.get("profile").map(str::to_owned);
    match state
        .store
        .set_project_rate_profile_by(
            &id,
            profile.as_deref(),
            version,
            crate::access::current_user_id().as_deref(),
        )
        .await
    {
        Ok(_) => see_other(&format!("/projects/{id}")),
        Err(mobiplan_store::StoreError::Conflict { .. }) => see_other(&format!("/projects/{id}")),
        Err(e) => error_page(lang, e.into()),
    }
}

pub async fn lang_set(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let form = FormData::parse(&body);
    let lang: crate::i18n::Lang = form
        .get("lang")
        .and_then(|l| l.parse().ok())
        .unwrap_or_default();
    // Only same-site paths: the switch must not become an open redirect.
    let back = crate::access::local_target(form.get("back"));
    let secure = state.public_https || crate::auth::behind_tls(&headers);
    (
        StatusCode::SEE_OTHER,
        [
            (header::LOCATION, back),
            (
                header::SET_COOKIE,
                crate::auth::set_cookie(crate::i18n::COOKIE, lang.code(), Some(31_536_000), secure),
            ),
        ],
    )
        .into_response()
}
