//! Projects: list, create, the task-list page, details, people, budget, checks, files.

use axum::body::Bytes;
use axum::extract::{Multipart, Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use mobiplan_core::project::InputError;
use mobiplan_core::project::file::ProjectFile;

use super::{
    Live, SaveError, autosave_conflict, autosave_invalid, autosave_ok, error_page, evaluate_stored,
    html, see_other, wants_json,
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
    eval: Option<&crate::eval::Evaluation>,
) -> maud::Markup {
    maud::html! {
        (crate::views::layout::back(&format!("/projects/{id}"), doc.project.title.clone()))
        h1 { (t(lang, "web.section.project-applicant")) }
        @if let Some(n) = notice { div.notice role="status" { (n) } }
        (pages::details_form(lang, Some(doc), &format!("/projects/{id}/details"), Some(version), errors, eval))
    }
}

pub async fn details_edit(
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
                t(lang, "web.section.project-applicant"),
                &format!("/projects/{id}/details"),
                details_page(lang, &id, &s.document, s.version, &[], None, Some(&eval)),
            )
        }
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

/// Where a form lives and where it goes.
pub struct FormPlace {
    /// What the form posts to: it finds the form in its rendered page.
    pub action: String,
    /// The page's title and address (for the layout when the form is shown again).
    pub title: String,
    pub path: String,
    /// Where a saved form (without JavaScript) goes next.
    pub done: String,
    /// Which live panels an autosave answer brings back.
    pub live: Live,
}

/// The page of a form as shown for a version of the project (the document and its version).
pub type ShownForm<'a> = &'a (dyn Fn(&ProjectFile, i64) -> maud::Markup + Sync);

/// Runs a form save: the form is read onto the version its person started from (`read` fills
/// the document and returns field errors), its changes are what differs from the form as
/// shown for that version (`shown` renders it; `None` for a form that creates), and they are
/// merged onto the version stored now. Answers as JSON (autosave) or HTML (`page` renders the
/// form again with the person's values, errors and notice).
#[allow(clippy::too_many_arguments)] // one per thing a form brings
pub async fn save_form(
    state: &AppState,
    lang: crate::i18n::Lang,
    headers: &HeaderMap,
    id: &str,
    form: &FormData,
    place: FormPlace,
    read: impl Fn(&FormData, &mut ProjectFile) -> Vec<FieldError>,
    shown: Option<ShownForm<'_>>,
    page: impl Fn(&ProjectFile, i64, &[FieldError], Option<String>) -> maud::Markup,
) -> Response {
    save_form_on(
        state, lang, headers, id, form, None, place, read, shown, page,
    )
    .await
}

/// [`save_form`] for a handler that has read the form's base already (to find what the form
/// edits): the project is not read again.
#[allow(clippy::too_many_arguments)] // one per thing a form brings
pub async fn save_form_on(
    state: &AppState,
    lang: crate::i18n::Lang,
    headers: &HeaderMap,
    id: &str,
    form: &FormData,
    loaded: Option<super::Base>,
    place: FormPlace,
    read: impl Fn(&FormData, &mut ProjectFile) -> Vec<FieldError>,
    shown: Option<ShownForm<'_>>,
    page: impl Fn(&ProjectFile, i64, &[FieldError], Option<String>) -> maud::Markup,
) -> Response {
    let json = wants_json(headers);
    let fail = |e: WebError| {
        if json {
            e.into_response()
        } else {
            error_page(lang, e)
        }
    };
    let loaded = match loaded {
        Some(b) => b,
        None => {
            let version = match form_version(form) {
                Ok(v) => v,
                Err(e) => return fail(e),
            };
            match super::load_base(state, id, version).await {
                Ok(b) => b,
                Err(e) => return fail(e),
            }
        }
    };
    let version = loaded.version;
    let base = &loaded.doc;
    // Field errors first: nothing is saved from a form that does not read.
    let mut preview = base.clone();
    let errors = read(form, &mut preview);
    if !errors.is_empty() {
        return if json {
            autosave_invalid(lang, &errors)
        } else {
            html(
                StatusCode::UNPROCESSABLE_ENTITY,
                lang,
                place.title,
                &place.path,
                page(&preview, version, &errors, None),
            )
        };
    }
    let shown_fields = |doc: &ProjectFile, v: i64| -> Result<Option<FormData>, WebError> {
        match shown {
            None => Ok(None),
            Some(render) => forms::html_form::fields(&render(doc, v).into_string(), &place.action)
                .map(Some)
                .ok_or_else(|| {
                    WebError::Internal(format!("no form posting to {} on its page", place.action))
                }),
        }
    };
    // After autosaves merged others' changes, the person's form still has the controls of
    // the page they loaded (no row for a person added meanwhile): their changes are taken
    // against the base as that form would show it.
    let page_version = form
        .get(super::PAGE_VERSION)
        .and_then(|v| v.parse::<i64>().ok())
        .filter(|v| *v != version);
    let page_doc = match (shown, page_version) {
        (Some(_), Some(pv)) => match state.store.project_version(id, pv).await {
            Ok(doc) => Some((doc, pv)),
            Err(mobiplan_store::StoreError::NotFound) => None,
            Err(e) => return fail(e.into()),
        },
        _ => None,
    };
    let as_shown = match (shown, &page_doc) {
        (Some(render), Some((doc, pv))) => {
            let controls = |d: &ProjectFile, v: i64| {
                forms::html_form::controls(&render(d, v).into_string(), &place.action)
            };
            match (controls(doc, *pv), controls(base, version)) {
                (Some(theirs), Some(now)) => Ok(Some(forms::html_form::submitted(
                    &forms::html_form::on_structure(&theirs, &now),
                ))),
                _ => shown_fields(base, version),
            }
        }
        _ => shown_fields(base, version),
    };
    let mine = match as_shown.and_then(|s| super::form_change(base, form, &read, s.as_ref())) {
        Ok(m) => m,
        Err(e) => return fail(e),
    };
    let resolution = super::Resolution::from_form(form);
    // The script's saves as the person types are autosaves; a posted form is an action.
    let kind = if json {
        mobiplan_store::SaveKind::Autosave
    } else {
        mobiplan_store::SaveKind::Explicit
    };
    match super::save_change(state, id, loaded, &mine, &resolution, kind).await {
        Ok(saved) => {
            if json {
                let eval = evaluate_stored(state, &saved.stored).await;
                let values = if saved.merged {
                    shown_fields(&saved.stored.document, saved.stored.version)
                        .ok()
                        .flatten()
                } else {
                    None
                };
                autosave_ok(lang, &saved, &eval, &place.live, values.as_ref())
            } else {
                super::see_other_with(&place.done, super::Flash::Saved)
            }
        }
        Err(SaveError::Conflict(c)) => {
            if json {
                autosave_conflict(lang, &c)
            } else {
                super::conflict_page(
                    lang,
                    &c,
                    &place.action,
                    place.title,
                    &place.path,
                    page(&preview, version, &[], None),
                )
            }
        }
        Err(SaveError::Web(e)) => fail(e),
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
    let shown = |doc: &ProjectFile, v: i64| details_page(lang, &id, doc, v, &[], None, None);
    save_form(
        &state,
        lang,
        &headers,
        &id,
        &form,
        FormPlace {
            action: format!("/projects/{id}/details"),
            title: t(lang, "web.section.project-applicant"),
            path: format!("/projects/{id}/details"),
            done: format!("/projects/{id}"),
            live: Live::Findings(None),
        },
        forms::read_details,
        Some(&shown),
        |doc, v, errors, notice| details_page(lang, &id, doc, v, errors, notice, None),
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
    let shown = |doc: &ProjectFile, v: i64| people_page(lang, &id, doc, v, &[], None);
    save_form(
        &state,
        lang,
        &headers,
        &id,
        &form,
        FormPlace {
            action: format!("/projects/{id}/people"),
            title: t(lang, "web.section.people"),
            path: format!("/projects/{id}/people"),
            done: format!("/projects/{id}/people"),
            live: Live::Findings(Some("people".into())),
        },
        forms::read_people,
        Some(&shown),
        |doc, v, errors, notice| people_page(lang, &id, doc, v, errors, notice),
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
                    super::attachment(&file_name(&stored.document, "toml")),
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
                super::attachment(&file_name(&stored.document, "json")),
            ),
        ],
        text,
    )
        .into_response()
}

/// Reads an uploaded TOML or JSON project file; errors name the field and line.
pub fn parse_upload(name: &str, bytes: &[u8]) -> Result<ProjectFile, Vec<InputError>> {
    let text = std::str::from_utf8(bytes)
        .map_err(|e| vec![mobiplan_core::input::not_utf8("").with_detail(e.to_string())])?;
    let json = name.to_ascii_lowercase().ends_with(".json") || text.trim_start().starts_with('{');
    let parsed = if json {
        mobiplan_core::project::parse_json(text)
    } else {
        mobiplan_core::project::parse_toml(text)
    };
    let doc = parsed.map_err(|e| e.errors)?;
    // A file's escapes (`\u0000`) reach the document even though the form check saw none.
    if let Some(field) = serde_json::to_value(&doc)
        .ok()
        .and_then(|v| crate::input::bad_json_field(&v))
    {
        return Err(vec![mobiplan_core::input::control_character(field)]);
    }
    // Structural problems are kept (the project page lists them), but the format must hold.
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
                    // Over the size limit or cut off: the person can only try again; the
                    // server's own words go to the log.
                    tracing::info!(error = %e, "an upload could not be read");
                    return error_page(
                        lang,
                        WebError::BadRequest {
                            field: "file".into(),
                            message: t(lang, "web.error.upload"),
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
        Err(problems) => {
            let problems: Vec<&InputError> = problems.iter().collect();
            html(
                StatusCode::UNPROCESSABLE_ENTITY,
                lang,
                t(lang, "web.import"),
                "/",
                maud::html! {
                    h1 { (t(lang, "web.import-failed")) }
                    p { (tr(lang, "cli.input-error", &[("file", name.clone())])) }
                    p.hint { (t(lang, "web.import-lead")) }
                    (crate::views::partials::input_error_list(lang, None, &problems, &|_| None))
                    section {
                        h2 { (t(lang, "web.import-again")) }
                        (crate::views::pages::import_form(lang, org_field.as_deref()))
                    }
                    p { a href="/" { (t(lang, "web.projects")) } }
                },
            )
        }
    }
}

/// Deletes a project — only as the person saw it: a project changed since their page was
/// shown is not deleted; the page lists what changed and asks again.
pub async fn project_delete(
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
    let action = format!("/projects/{id}/delete");
    let back = format!("/projects/{id}");
    let name = |doc: &ProjectFile| Some(doc.project.title.clone());
    if let Some(page) = super::confirm_first(
        &state,
        lang,
        &id,
        &form,
        &action,
        &back,
        "web.confirm.lead-project",
        name,
    )
    .await
    {
        return page;
    }
    let super::Base {
        doc: base, current, ..
    } = match super::load_base(&state, &id, version).await {
        Ok(x) => x,
        Err(e) => return error_page(lang, e),
    };
    if current.version != version {
        let old = serde_json::to_value(&base).unwrap_or_default();
        let now = serde_json::to_value(&current.document).unwrap_or_default();
        let rows = crate::views::merge::change_rows(
            lang,
            &old,
            &now,
            &mobiplan_core::merge::diff(&old, &now),
        );
        return html(
            StatusCode::CONFLICT,
            lang,
            t(lang, "web.conflict-title"),
            &format!("/projects/{id}"),
            maud::html! {
                h1 { (t(lang, "web.conflict-title")) }
                p { (t(lang, "web.conflict-delete-project")) }
                (crate::views::merge::change_table(lang, &rows))
                form method="post" action={"/projects/" (id) "/delete"} {
                    (crate::views::accounts::csrf_field())
                    input type="hidden" name="version" value=(current.version);
                    input type="hidden" name=(super::CONFIRMED) value="1";
                    button.danger type="submit" { (t(lang, "web.delete-anyway")) }
                }
                p { a href={"/projects/" (id)} { (t(lang, "web.merge.back")) } }
            },
        );
    }
    match state.store.delete_project(&id).await {
        Ok(()) => super::see_other_with("/", super::Flash::Deleted),
        Err(e) => error_page(lang, e.into()),
    }
}

/// The profile chosen for the project in version `version`, from its history.
async fn profile_at(state: &AppState, id: &str, version: i64) -> Result<Option<String>, WebError> {
    Ok(state
        .store
        .project_history(id)
        .await?
        .into_iter()
        .find(|e| e.version == version)
        .and_then(|e| e.rate_profile_id))
}

/// Chooses the project's rate profile, from the version the page showed: if the profile was
/// not changed since (only the document was), the choice applies to the newer version; if
/// someone chose another profile meanwhile, the person sees which and decides.
pub async fn rates_select(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let form = FormData::parse(&body);
    let mut version = match form_version(&form) {
        Ok(v) => v,
        Err(e) => return error_page(lang, e),
    };
    let profile = form.get("profile").map(str::to_owned);
    let by = crate::access::current_user_id();
    let seen = match profile_at(&state, &id, version).await {
        Ok(p) => p,
        Err(e) => return error_page(lang, e),
    };
    // The profile already chosen: nothing to write, no version.
    match state.store.project_rate_profile(&id).await {
        Ok(now) if now == profile => return see_other(&format!("/projects/{id}")),
        Ok(_) => {}
        Err(e) => return error_page(lang, e.into()),
    }
    for _ in 0..5 {
        match state
            .store
            .set_project_rate_profile_by(&id, profile.as_deref(), version, by.as_deref())
            .await
        {
            Ok(_) => return see_other(&format!("/projects/{id}")),
            Err(mobiplan_store::StoreError::Conflict {
                current_version, ..
            }) => {
                let now = match state.store.project_rate_profile(&id).await {
                    Ok(p) => p,
                    Err(e) => return error_page(lang, e.into()),
                };
                if now == profile {
                    return see_other(&format!("/projects/{id}"));
                }
                if now != seen {
                    return rates_conflict(&state, lang, &id, current_version, now, profile).await;
                }
                // Only the document moved on: the choice holds on the newer version.
                version = current_version;
            }
            Err(e) => return error_page(lang, e.into()),
        }
    }
    error_page(lang, WebError::TooManyRequests(t(lang, "web.save-busy")))
}

/// Someone chose another rate profile since the person's page was shown.
async fn rates_conflict(
    state: &AppState,
    lang: crate::i18n::Lang,
    id: &str,
    current_version: i64,
    theirs: Option<String>,
    mine: Option<String>,
) -> Response {
    let profiles = state
        .store
        .rate_profiles_for_project(id)
        .await
        .unwrap_or_default();
    let name = |p: &Option<String>| match p {
        None => t(lang, "web.no-profile"),
        Some(pid) => profiles
            .iter()
            .find(|x| &x.id == pid)
            .map_or_else(|| pid.clone(), |x| x.name.clone()),
    };
    let body = maud::html! {
        h1 { (t(lang, "web.conflict-title")) }
        p { (tr(lang, "web.conflict-profile", &[("theirs", name(&theirs)), ("mine", name(&mine))])) }
        form method="post" action={"/projects/" (id) "/rates"} {
            (crate::views::accounts::csrf_field())
            input type="hidden" name="version" value=(current_version);
            input type="hidden" name="profile" value=(mine.clone().unwrap_or_default());
            button type="submit" { (tr(lang, "web.conflict-profile-mine", &[("mine", name(&mine))])) }
        }
        p { a href={"/projects/" (id)} { (tr(lang, "web.conflict-profile-theirs", &[("theirs", name(&theirs))])) } }
    };
    html(
        StatusCode::CONFLICT,
        lang,
        t(lang, "web.conflict-title"),
        &format!("/projects/{id}"),
        body,
    )
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
