//! Implementation tracking: the page with the awarded grant and the report, and the record
//! forms of each activity and visit. Every change goes through the versioned save with merge,
//! onto the `[implementation]` section only (the plan is never rewritten), and is checked by
//! the core before it is stored: a status change the core refuses, or a record that does not
//! fit the plan, comes back as the form with its errors and the user's values.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use mobiplan_core::project::InputError;
use mobiplan_core::project::file::ProjectFile;
use mobiplan_core::tracking::file::{ActivityRecord, Implementation, VisitRecord};
use mobiplan_core::tracking::{self, Document, IllegalTransition, Status};
use mobiplan_store::Stored;

use super::{
    Conflicted, Resolution, SaveError, error_page, evaluate_stored, html, profile_of, see_other,
};
use crate::error::WebError;
use crate::forms::{self, FieldError, FormData};
use crate::i18n::{Lang, ReqLang, t, tr};
use crate::state::AppState;
use crate::views::tracking::{
    ActivityRecordView, ImplementationView, VisitRecordView, activity_record_page,
    implementation_page, status_word, visit_record_page,
};

fn page_path(id: &str) -> String {
    format!("/projects/{id}/implementation")
}

async fn render_implementation(
    state: &AppState,
    lang: Lang,
    status: StatusCode,
    stored: &Stored<ProjectFile>,
    shown: &ProjectFile,
    errors: &[FieldError],
    notice: Option<String>,
) -> Response {
    let profile = profile_of(state, stored).await;
    let now = state.clock.now().fixed_offset();
    let tracking = crate::eval::evaluate_tracking(&stored.document, profile.as_ref(), now);
    let eval = evaluate_stored(state, stored).await;
    let report = match &tracking {
        Some(Ok(tr)) => Some(&tr.tracked.report),
        _ => None,
    };
    let today = state.clock.now().date_naive();
    let overdue = crate::eval::rulebook(stored.document.project.call_year)
        .map(|rb| mobiplan_core::agenda::agenda(&stored.document, &rb, report, today).overdue)
        .unwrap_or_default();
    html(
        status,
        lang,
        t(lang, "tracking.title"),
        &page_path(&stored.id),
        implementation_page(ImplementationView {
            lang,
            project_id: &stored.id,
            doc: shown,
            version: stored.version,
            tracking: tracking.as_ref(),
            planned: eval.budget.as_ref(),
            errors,
            notice,
            overdue: &overdue,
        }),
    )
}

pub async fn implementation_show(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    Path(id): Path<String>,
) -> Response {
    match state.store.get_project(&id).await {
        Ok(s) => {
            render_implementation(&state, lang, StatusCode::OK, &s, &s.document, &[], None).await
        }
        Err(e) => error_page(lang, e.into()),
    }
}

/// The message of a refused status change, in the user's language.
fn transition_message(lang: Lang, e: IllegalTransition) -> String {
    let allowed: Vec<String> = e
        .from
        .next()
        .iter()
        .map(|s| status_word(lang, *s))
        .collect();
    tr(
        lang,
        e.key(),
        &[
            ("status_from", status_word(lang, e.from)),
            ("status_to", status_word(lang, e.to)),
            ("status_allowed", allowed.join(", ")),
        ],
    )
}

/// The core's objections to an implementation record, as errors of the form's inputs. The
/// core names file fields (`implementation.activities.<id>.end`); the form names inputs.
fn record_errors(errors: Vec<InputError>, prefix: &str, form: &FormData) -> Vec<FieldError> {
    errors
        .into_iter()
        .filter_map(|e| {
            let rest = e.field.strip_prefix(prefix)?;
            if !(rest.is_empty() || rest.starts_with('.')) {
                return None; // another record whose id starts like this one's
            }
            let (name, key) = if rest == ".end" {
                ("end".to_owned(), "web.error.end-before-start")
            } else if let Some(p) = rest.strip_prefix(".persons.") {
                (format!("person_{p}"), "web.error.person-status")
            } else if let Some(d) = rest.strip_prefix(".evidence.") {
                (format!("evidence_{d}"), "web.error.evidence-count")
            } else {
                ("status".to_owned(), "web.error.record")
            };
            // What was typed stays in the input.
            let value = form.get(&name).unwrap_or("").to_owned();
            Some(FieldError { name, key, value })
        })
        .collect()
}

/// Checks the move from the stored status; a refusal is a notice and an error on the select.
fn check_transition(
    lang: Lang,
    from: Status,
    to: Status,
    errors: &mut Vec<FieldError>,
) -> Option<String> {
    if from == to {
        return None;
    }
    from.change_to(to).err().map(|e| {
        errors.push(FieldError {
            name: "status".into(),
            key: "web.error.status-change",
            value: to.id().into(),
        });
        transition_message(lang, e)
    })
}

fn with_record(doc: &mut ProjectFile, apply: impl FnOnce(&mut Implementation)) {
    apply(
        doc.implementation
            .get_or_insert_with(Implementation::default),
    );
}

/// The documents the activity's participants need, with the record's travel: the plan's
/// green-travel flag unless the record changes it.
fn needed_for(doc: &ProjectFile, aid: &str, record: Option<&ActivityRecord>) -> Vec<Document> {
    let Some(a) = doc.activities.iter().find(|a| a.id == aid) else {
        return Vec::new();
    };
    let Ok(rb) = crate::eval::rulebook(doc.project.call_year) else {
        return Vec::new();
    };
    let green = a.travel.as_ref().map(|t| {
        record
            .and_then(|r| r.travel.as_ref())
            .and_then(|t| t.green)
            .unwrap_or(t.green)
    });
    tracking::documents_needed(&rb, a.kind, green)
}

/// A posted form of these pages: its fields, the version it was made from, the project as
/// stored now and as it was in that version (what the person's page showed) — or the error
/// page.
async fn posted(
    state: &AppState,
    lang: Lang,
    id: &str,
    body: &[u8],
) -> Result<(FormData, i64, Stored<ProjectFile>, ProjectFile), Response> {
    let form = FormData::parse(body);
    let base = super::posted_base(state, id, &form)
        .await
        .map_err(|e| error_page(lang, e))?;
    Ok((form, base.version, base.current, base.doc))
}

/// The fields of the form posting to `action` as `page` shows them.
fn shown_fields(page: maud::Markup, action: &str) -> Result<FormData, WebError> {
    forms::html_form::fields(&page.into_string(), action)
        .ok_or_else(|| WebError::Internal(format!("no form posting to {action} on its page")))
}

pub async fn awarded_save(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let (form, version, stored, base) = match posted(&state, lang, &id, &body).await {
        Ok(x) => x,
        Err(page) => return page,
    };
    let read = |f: &FormData, d: &mut ProjectFile| {
        let mut errors = Vec::new();
        with_record(d, |imp| errors = forms::read_awarded(f, imp));
        errors
    };
    let mut preview = base.clone();
    let mut errors = read(&form, &mut preview);
    if errors.is_empty()
        && let Some(imp) = &preview.implementation
        && tracking::validate(&preview, imp)
            .iter()
            .any(|e| e.field == "implementation.final_report")
    {
        errors.push(FieldError {
            name: "final_report".into(),
            key: "web.error.final-report",
            value: form.get("final_report").unwrap_or("").into(),
        });
    }
    if !errors.is_empty() {
        return render_implementation(
            &state,
            lang,
            StatusCode::UNPROCESSABLE_ENTITY,
            &stored,
            &preview,
            &errors,
            None,
        )
        .await;
    }
    // The form as the person's page showed it (its categories follow the planned budget).
    let action = format!("{}/awarded", page_path(&id));
    let profile = profile_of(&state, &stored).await;
    let planned = crate::eval::evaluate(&base, profile.as_ref(), super::now()).budget;
    let shown = shown_fields(
        implementation_page(ImplementationView {
            lang,
            project_id: &id,
            doc: &base,
            version,
            tracking: None,
            planned: planned.as_ref(),
            errors: &[],
            notice: None,
            overdue: &[],
        }),
        &action,
    );
    let mine = match shown.and_then(|s| super::form_change(&base, &form, &read, Some(&s))) {
        Ok(m) => m,
        Err(e) => return error_page(lang, e),
    };
    let resolution = Resolution::from_form(&form);
    let base = super::Base {
        version,
        doc: base,
        current: stored,
    };
    match super::save_change(
        &state,
        &id,
        base,
        &mine,
        &resolution,
        mobiplan_store::SaveKind::Explicit,
    )
    .await
    {
        Ok(_) => see_other(&page_path(&id)),
        Err(SaveError::Conflict(c)) => {
            let page = implementation_page(ImplementationView {
                lang,
                project_id: &id,
                doc: &preview,
                version,
                tracking: None,
                planned: planned.as_ref(),
                errors: &[],
                notice: None,
                overdue: &[],
            });
            super::conflict_page(
                lang,
                &c,
                &action,
                t(lang, "tracking.title"),
                &page_path(&id),
                page,
            )
        }
        Err(SaveError::Web(e)) => error_page(lang, e),
    }
}

/// What became of a record form.
enum Outcome {
    Saved,
    /// The form again with its errors (422).
    Invalid,
    /// Fields of the record were changed elsewhere too: the form again with the choice.
    Conflict(Box<Conflicted>),
}

/// The path the record forms share: the record (`read` from the form onto a document) on the
/// version the person started from (`base`), the core's objections to it (fields under
/// `prefix`) added to the form's `errors`, then the change — what differs from the form as
/// shown (`shown`) — merged onto the version stored now.
#[allow(clippy::too_many_arguments)] // one per thing a record form brings
async fn save_record(
    state: &AppState,
    id: &str,
    base: &ProjectFile,
    version: i64,
    current: Stored<ProjectFile>,
    form: &FormData,
    prefix: &str,
    errors: &mut Vec<FieldError>,
    read: impl Fn(&FormData, &mut ProjectFile) -> Vec<FieldError>,
    shown: Result<FormData, WebError>,
) -> Result<Outcome, WebError> {
    let mut preview = base.clone();
    let _ = read(form, &mut preview);
    if errors.is_empty()
        && let Some(imp) = &preview.implementation
    {
        *errors = record_errors(tracking::validate(&preview, imp), prefix, form);
    }
    if !errors.is_empty() {
        return Ok(Outcome::Invalid);
    }
    let mine = super::form_change(base, form, &read, Some(&shown?))?;
    let resolution = Resolution::from_form(form);
    let base = super::Base {
        version,
        doc: base.clone(),
        current,
    };
    match super::save_change(
        state,
        id,
        base,
        &mine,
        &resolution,
        mobiplan_store::SaveKind::Explicit,
    )
    .await
    {
        Ok(_) => Ok(Outcome::Saved),
        Err(SaveError::Web(e)) => Err(e),
        Err(SaveError::Conflict(c)) => Ok(Outcome::Conflict(c)),
    }
}

/// The answer to a record form: on to `done`, or the form (`page`) again — with its errors,
/// or with the choice per field after a conflict.
fn answer(
    lang: Lang,
    outcome: Result<Outcome, WebError>,
    action: &str,
    done: &str,
    page: impl Fn(&[FieldError], Option<String>) -> maud::Markup,
    errors: &[FieldError],
    notice: Option<String>,
) -> Response {
    let title = t(lang, "tracking.title");
    match outcome {
        Err(e) => error_page(lang, e),
        Ok(Outcome::Saved) => see_other(done),
        Ok(Outcome::Invalid) => html(
            StatusCode::UNPROCESSABLE_ENTITY,
            lang,
            title,
            action,
            page(errors, notice),
        ),
        Ok(Outcome::Conflict(c)) => {
            super::conflict_page(lang, &c, action, title, action, page(&[], None))
        }
    }
}

pub async fn activity_record_edit(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    Path((id, aid)): Path<(String, String)>,
) -> Response {
    let stored = match state.store.get_project(&id).await {
        Ok(s) => s,
        Err(e) => return error_page(lang, e.into()),
    };
    let doc = &stored.document;
    let Some(activity) = doc.activities.iter().find(|a| a.id == aid) else {
        return error_page(lang, WebError::NotFound);
    };
    let record = doc
        .implementation
        .as_ref()
        .and_then(|i| i.activities.get(&aid))
        .cloned()
        .unwrap_or_default();
    let needed = needed_for(doc, &aid, Some(&record));
    html(
        StatusCode::OK,
        lang,
        t(lang, "tracking.title"),
        &format!("{}/activities/{aid}", page_path(&id)),
        activity_record_page(ActivityRecordView {
            lang,
            project_id: &id,
            doc,
            activity,
            stored_status: record.status,
            record: &record,
            needed: &needed,
            version: stored.version,
            errors: &[],
            notice: None,
        }),
    )
}

pub async fn activity_record_save(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    Path((id, aid)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let (form, version, current, base) = match posted(&state, lang, &id, &body).await {
        Ok(x) => x,
        Err(page) => return page,
    };
    let doc = &base;
    let Some(activity) = doc.activities.iter().find(|a| a.id == aid) else {
        return error_page(lang, WebError::NotFound);
    };
    let old = doc
        .implementation
        .as_ref()
        .and_then(|i| i.activities.get(&aid));
    let from = old.map(|r| r.status).unwrap_or_default();
    // Evidence inputs are read for every document the kind may need, so a change of the
    // green-travel flag in the same form keeps what was typed.
    let any_green: Vec<Document> = needed_for(doc, &aid, None)
        .into_iter()
        .chain(
            crate::eval::rulebook(doc.project.call_year).map_or(Vec::new(), |rb| {
                [Some(true), Some(false)]
                    .into_iter()
                    .flat_map(|g| tracking::documents_needed(&rb, activity.kind, g))
                    .collect()
            }),
        )
        .collect();
    let (record, mut errors) = forms::read_activity_record(&form, activity, old, &any_green);
    let notice = check_transition(lang, from, record.status, &mut errors);
    let read = |f: &FormData, d: &mut ProjectFile| {
        let (record, errors) = forms::read_activity_record(f, activity, old, &any_green);
        with_record(d, |imp| {
            imp.activities.insert(aid.clone(), record);
        });
        errors
    };
    let action = format!("{}/activities/{aid}", page_path(&id));
    let stored_record = old.cloned().unwrap_or_default();
    let page = |record: &ActivityRecord, errors: &[FieldError], notice: Option<String>| {
        let needed = needed_for(doc, &aid, Some(record));
        activity_record_page(ActivityRecordView {
            lang,
            project_id: &id,
            doc,
            activity,
            stored_status: from,
            record,
            needed: &needed,
            version,
            errors,
            notice,
        })
    };
    let shown = shown_fields(page(&stored_record, &[], None), &action);
    let outcome = save_record(
        &state,
        &id,
        &base,
        version,
        current,
        &form,
        &format!("implementation.activities.{aid}"),
        &mut errors,
        read,
        shown,
    )
    .await;
    answer(
        lang,
        outcome,
        &action,
        &format!("{}#activity-{aid}", page_path(&id)),
        |errors, notice| page(&record, errors, notice),
        &errors,
        notice,
    )
}

pub async fn visit_record_edit(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    Path((id, vid)): Path<(String, String)>,
) -> Response {
    let stored = match state.store.get_project(&id).await {
        Ok(s) => s,
        Err(e) => return error_page(lang, e.into()),
    };
    let doc = &stored.document;
    let Some(visit) = doc.preparatory_visits.iter().find(|v| v.id == vid) else {
        return error_page(lang, WebError::NotFound);
    };
    let record = doc
        .implementation
        .as_ref()
        .and_then(|i| i.visits.get(&vid))
        .cloned()
        .unwrap_or_default();
    html(
        StatusCode::OK,
        lang,
        t(lang, "tracking.title"),
        &format!("{}/visits/{vid}", page_path(&id)),
        visit_record_page(VisitRecordView {
            lang,
            project_id: &id,
            doc,
            visit,
            stored_status: record.status,
            record: &record,
            version: stored.version,
            errors: &[],
            notice: None,
        }),
    )
}

pub async fn visit_record_save(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    Path((id, vid)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let (form, version, current, base) = match posted(&state, lang, &id, &body).await {
        Ok(x) => x,
        Err(page) => return page,
    };
    let doc = &base;
    let Some(visit) = doc.preparatory_visits.iter().find(|v| v.id == vid) else {
        return error_page(lang, WebError::NotFound);
    };
    let old = doc.implementation.as_ref().and_then(|i| i.visits.get(&vid));
    let from = old.map(|r| r.status).unwrap_or_default();
    let (record, mut errors) = forms::read_visit_record(&form, visit);
    let notice = check_transition(lang, from, record.status, &mut errors);
    let read = |f: &FormData, d: &mut ProjectFile| {
        let (record, errors) = forms::read_visit_record(f, visit);
        with_record(d, |imp| {
            imp.visits.insert(vid.clone(), record);
        });
        errors
    };
    let action = format!("{}/visits/{vid}", page_path(&id));
    let stored_record = old.cloned().unwrap_or_default();
    let page = |record: &VisitRecord, errors: &[FieldError], notice: Option<String>| {
        visit_record_page(VisitRecordView {
            lang,
            project_id: &id,
            doc,
            visit,
            stored_status: from,
            record,
            version,
            errors,
            notice,
        })
    };
    let shown = shown_fields(page(&stored_record, &[], None), &action);
    let outcome = save_record(
        &state,
        &id,
        &base,
        version,
        current,
        &form,
        &format!("implementation.visits.{vid}"),
        &mut errors,
        read,
        shown,
    )
    .await;
    answer(
        lang,
        outcome,
        &action,
        &format!("{}#visit-{vid}", page_path(&id)),
        |errors, notice| page(&record, errors, notice),
        &errors,
        notice,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cores_field_paths_become_the_forms_inputs() {
        let e = |field: &str| mobiplan_core::input::travel_not_in_plan(field);
        let got = record_errors(
            vec![
                e("implementation.activities.a1.end"),
                e("implementation.activities.a1.persons.anna"),
                e("implementation.activities.a1.evidence.travel-tickets"),
                e("implementation.activities.a10.end"),
                e("implementation.activities.a1.travel"),
            ],
            "implementation.activities.a1",
            &FormData(vec![("end".into(), "2026-01-01".into())]),
        );
        assert_eq!(got[0].value, "2026-01-01", "the typed text is kept");
        let names: Vec<(&str, &str)> = got.iter().map(|f| (f.name.as_str(), f.key)).collect();
        assert_eq!(
            names,
            [
                ("end", "web.error.end-before-start"),
                ("person_anna", "web.error.person-status"),
                ("evidence_travel-tickets", "web.error.evidence-count"),
                ("status", "web.error.record"),
            ]
        );
    }

    #[test]
    fn a_refused_status_change_names_both_statuses_and_what_is_allowed() {
        let mut errors = Vec::new();
        let m = check_transition(Lang::En, Status::Planned, Status::Completed, &mut errors)
            .expect("planned cannot become completed");
        assert!(m.contains("planned") && m.contains("completed"), "{m}");
        assert!(m.contains("confirmed, cancelled"), "{m}");
        assert_eq!(errors[0].name, "status");
        assert_eq!(
            check_transition(Lang::En, Status::Planned, Status::Confirmed, &mut errors),
            None
        );
        assert_eq!(
            check_transition(Lang::En, Status::Completed, Status::Completed, &mut errors),
            None
        );
        assert_eq!(errors.len(), 1);
    }
}
