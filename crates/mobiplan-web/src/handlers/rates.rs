//! Agency rate profiles: the daily rates a national agency fixes inside the Commission's
//! ranges, entered once and chosen by projects.

use std::collections::BTreeMap;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use maud::{Markup, html};
use mobiplan_core::Rulebook;
use mobiplan_core::rulebook::{ProfileMeta, ProfileRate, ProfileRates, RateProfile};
use mobiplan_core::types::Confidence;

use super::projects::form_version;
use super::{error_page, html as page, see_other};
use crate::forms::{FieldError, FormData, Reader};
use crate::i18n::{Lang, ReqLang, t, tr};
use crate::state::AppState;
use crate::views::layout::back;
use crate::views::pages::label_of;
use crate::views::partials::{Errors, Input, cell, error_summary, input, select, text_input};

pub async fn rates_list(State(state): State<AppState>, ReqLang(lang): ReqLang) -> Response {
    let actor = match crate::access::actor() {
        Ok(a) => a,
        Err(e) => return error_page(lang, e),
    };
    let list = match state.store.list_rate_profiles_for(&actor.user.id).await {
        Ok(l) => l,
        Err(e) => return error_page(lang, e.into()),
    };
    page(
        StatusCode::OK,
        lang,
        t(lang, "web.rates"),
        "/rates",
        html! {
            h1 { (t(lang, "web.rates")) }
            p.lead { (t(lang, "web.rates-lead")) }
            p { a.button href="/rates/new" { (t(lang, "web.new-profile")) } }
            ul.task-list-flat {
                @for p in &list { li { a href={"/rates/" (p.id)} { (p.name) } } }
            }
        },
    )
}

fn groups(rb: &Rulebook) -> Vec<String> {
    rb.countries.groups.value.keys().cloned().collect()
}

fn profile_form(
    lang: Lang,
    rb: &Rulebook,
    profile: Option<&RateProfile>,
    action: &str,
    version: Option<i64>,
    errors: &[FieldError],
    notice: Option<String>,
) -> Markup {
    let e = Errors::new(lang, errors);
    let years: Vec<(String, String)> = crate::editions::current()
        .years()
        .iter()
        .map(|y| (y.to_string(), y.to_string()))
        .collect();
    let is = &rb.funding.individual_support;
    let money = |m: Option<mobiplan_core::Money>| m.map(|m| m.to_string()).unwrap_or_default();
    // "Verified" is offered only to a profile whose file already says so: typed rates are
    // never verified by mobiplan, and saving the form does not lower what a file claims.
    let offered: &[&str] = if confidence_of(profile) == "V" {
        &["V", "S", "P"]
    } else {
        &["S", "P"]
    };
    let confidences: Vec<(String, String)> = offered
        .iter()
        .map(|c| {
            (
                c.to_string(),
                t(lang, &format!("web.profile-confidence.{c}")),
            )
        })
        .collect();
    html! {
        (back("/rates", t(lang, "web.rates")))
        h1 { (profile.map(|p| p.profile.name.clone()).unwrap_or_else(|| t(lang, "web.new-profile"))) }
        @if let Some(n) = notice { div.notice role="status" { (n) } }
        (error_summary(lang, errors, &|n| rate_label(lang, n)))
        form method="post" action=(action) novalidate {
            (crate::views::accounts::csrf_field())
            @if version.is_none() { (crate::views::accounts::org_choice(lang)) }
            @if let Some(v) = version { input type="hidden" name="version" value=(v); }
            (text_input("name", t(lang, "web.label.profile_name"), profile.map(|p| p.profile.name.clone()).unwrap_or_default(), &e))
            (select("call_year", t(lang, "web.label.call_year"), &years, &profile.map(|p| p.profile.call_year).unwrap_or(rb.call_year()).to_string(), &e))
            (input(Input { name: "source", label: t(lang, "web.label.profile_source"), value: profile.map(|p| p.profile.source.clone()).unwrap_or_default(), kind: "text", hint: Some(t(lang, "web.hint.profile_source")), attrs: "" }, &e))
            (select("confidence", t(lang, "web.label.profile_confidence"), &confidences, confidence_of(profile), &e))
            p.hint { (t(lang, "web.hint.profile_confidence")) }
            @for (who, table) in [("staff", &is.staff.value), ("learners", &is.learners.value)] {
                fieldset {
                    legend { (t(lang, &format!("web.rates-{who}"))) }
                    table.rows {
                        thead { tr { th { (t(lang, "web.label.group")) } th { (t(lang, "web.label.rate")) } th { (t(lang, "web.label.reduced")) } th { (t(lang, "web.label.range")) } } }
                        tbody {
                            @for g in groups(rb) {
                                @let current = profile.and_then(|p| if who == "staff" { p.individual_support.staff.get(&g) } else { p.individual_support.learners.get(&g) });
                                @let range = table.groups.get(&g);
                                tr {
                                    td { (g) }
                                    (cell(&format!("{who}_{g}_rate"), "decimal", tr(lang, "web.rate-for", &[("group", g.clone())]), money(current.map(|c| c.rate)), &e))
                                    (cell(&format!("{who}_{g}_reduced"), "decimal", tr(lang, "web.reduced-for", &[("group", g.clone())]), money(current.and_then(|c| c.reduced)), &e))
                                    td.hint { @if let Some(r) = range { (r.min) "–" (r.max) @if !table.binding { " (" (t(lang, "web.placeholder")) ")" } } }
                                }
                            }
                        }
                    }
                }
            }
            div.actions { button type="submit" { (t(lang, "web.save")) } }
        }
    }
}

/// What the form shows as chosen: a new profile starts "not confirmed".
fn confidence_of(profile: Option<&RateProfile>) -> &'static str {
    match profile.map(|p| p.profile.confidence) {
        None | Some(Confidence::P) => "P",
        Some(Confidence::S) => "S",
        Some(Confidence::V) => "V",
    }
}

/// The error summary's name for a field: a rate cell says whose rate and which group.
fn rate_label(lang: Lang, name: &str) -> String {
    let parts: Vec<&str> = name.split('_').collect();
    match parts.as_slice() {
        [
            who @ ("staff" | "learners"),
            group,
            what @ ("rate" | "reduced"),
        ] => {
            let cell = tr(
                lang,
                if *what == "rate" {
                    "web.rate-for"
                } else {
                    "web.reduced-for"
                },
                &[("group", (*group).to_owned())],
            );
            format!("{} — {cell}", t(lang, &format!("web.rates-{who}")))
        }
        _ => label_of(lang, name),
    }
}

fn read_profile(form: &FormData, rb: &Rulebook) -> (RateProfile, Vec<FieldError>) {
    let mut r = Reader::new(form);
    let mut rates = |who: &str| -> BTreeMap<String, ProfileRate> {
        let mut m = BTreeMap::new();
        for g in groups(rb) {
            let name = format!("{who}_{g}_rate");
            if form.get(&name).is_none() {
                r.errors.push(FieldError {
                    name: name.clone(),
                    key: "web.error.required",
                    value: String::new(),
                });
                continue;
            }
            if let Some(rate) = r.money(&name) {
                m.insert(
                    g.clone(),
                    ProfileRate {
                        rate,
                        reduced: r.money(&format!("{who}_{g}_reduced")),
                    },
                );
            }
        }
        m
    };
    let staff = rates("staff");
    let learners = rates("learners");
    let name = r.text("name");
    let source = r.text("source");
    // Typed rates are what the person says they are, never "verified" by mobiplan.
    let confidence = match r.opt_text("confidence").as_deref() {
        Some("V") => Confidence::V,
        Some("S") => Confidence::S,
        Some("P") => Confidence::P,
        _ => {
            r.fail("confidence", "web.error.choice");
            Confidence::P
        }
    };
    let call_year = r
        .number("call_year")
        .unwrap_or(u32::from(rb.call_year()))
        .min(u32::from(u16::MAX)) as u16;
    (
        RateProfile::new(
            ProfileMeta {
                name,
                call_year,
                source,
                confidence,
                note: None,
            },
            ProfileRates { staff, learners },
        ),
        r.errors,
    )
}

/// A rulebook complaint (`individual_support.staff.2`) as a field error on its input, keeping
/// what was typed there so the page shows it again.
fn rulebook_error(form: &FormData, e: &mobiplan_core::RulebookError) -> FieldError {
    let name = match e {
        mobiplan_core::RulebookError::Invalid { path, .. } => path
            .strip_prefix("individual_support.")
            .map(|p| format!("{}_rate", p.replace('.', "_")))
            .unwrap_or_else(|| "call_year".into()),
        _ => "name".into(),
    };
    FieldError {
        value: form.get(&name).unwrap_or_default().to_owned(),
        name,
        key: "web.error.rate",
    }
}

fn rulebook_for(form: &FormData) -> Result<std::sync::Arc<Rulebook>, String> {
    let year = form
        .get("call_year")
        .and_then(|y| y.parse().ok())
        .unwrap_or_else(crate::eval::latest_year);
    crate::eval::rulebook(year)
}

pub async fn rates_new(ReqLang(lang): ReqLang) -> Response {
    match crate::eval::rulebook(crate::eval::latest_year()) {
        Ok(rb) => page(
            StatusCode::OK,
            lang,
            t(lang, "web.new-profile"),
            "/rates/new",
            profile_form(lang, &rb, None, "/rates", None, &[], None),
        ),
        Err(e) => error_page(lang, crate::error::WebError::Internal(e)),
    }
}

async fn save(state: &AppState, lang: Lang, body: Bytes, existing: Option<String>) -> Response {
    let form = FormData::parse(&body);
    // Where a new profile goes is decided first: who may not create learns that at once.
    let new_in = match &existing {
        None => match crate::access::create_in(form.get("org"), lang) {
            Ok((org, _)) => Some(org),
            Err(e) => return error_page(lang, e),
        },
        Some(_) => None,
    };
    let rb = match rulebook_for(&form) {
        Ok(rb) => rb,
        Err(e) => {
            return error_page(
                lang,
                crate::error::WebError::BadRequest {
                    field: "call_year".into(),
                    message: e,
                },
            );
        }
    };
    let (profile, mut errors) = read_profile(&form, &rb);
    if errors.is_empty()
        && let Err(e) = profile.validate(&rb)
    {
        errors.push(rulebook_error(&form, &e));
    }
    let action = existing
        .as_ref()
        .map(|id| format!("/rates/{id}"))
        .unwrap_or_else(|| "/rates".into());
    let version = form_version(&form).ok();
    if !errors.is_empty() {
        return page(
            StatusCode::UNPROCESSABLE_ENTITY,
            lang,
            t(lang, "web.rates"),
            &action,
            profile_form(lang, &rb, Some(&profile), &action, version, &errors, None),
        );
    }
    let text = match toml::to_string_pretty(&profile) {
        Ok(t) => t,
        Err(e) => return error_page(lang, crate::error::WebError::Internal(e.to_string())),
    };
    let result = match &existing {
        None => {
            let org = new_in.unwrap_or_default();
            state
                .store
                .create_rate_profile_in(&org, &profile.profile.name, &text)
                .await
                .map(|p| p.id)
        }
        Some(id) => state
            .store
            .save_rate_profile(id, &profile.profile.name, &text, version.unwrap_or(0))
            .await
            .map(|p| p.id),
    };
    match result {
        Ok(id) => see_other(&format!("/rates/{id}")),
        Err(mobiplan_store::StoreError::Conflict {
            current_version, ..
        }) => {
            let notice = tr(
                lang,
                "web.conflict-page",
                &[("version", current_version.to_string())],
            );
            page(
                StatusCode::CONFLICT,
                lang,
                t(lang, "web.rates"),
                &action,
                profile_form(
                    lang,
                    &rb,
                    Some(&profile),
                    &action,
                    Some(current_version),
                    &[],
                    Some(notice),
                ),
            )
        }
        Err(e) => error_page(lang, e.into()),
    }
}

pub async fn rates_create(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    body: Bytes,
) -> Response {
    save(&state, lang, body, None).await
}

pub async fn rates_edit(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    Path(pid): Path<String>,
) -> Response {
    let stored = match state.store.get_rate_profile(&pid).await {
        Ok(p) => p,
        Err(e) => return error_page(lang, e.into()),
    };
    let profile: Option<RateProfile> = toml::from_str(&stored.document).ok();
    let year = profile
        .as_ref()
        .map(|p| p.profile.call_year)
        .unwrap_or_else(crate::eval::latest_year);
    match crate::eval::rulebook(year) {
        Ok(rb) => page(
            StatusCode::OK,
            lang,
            stored.name.clone(),
            &format!("/rates/{pid}"),
            profile_form(
                lang,
                &rb,
                profile.as_ref(),
                &format!("/rates/{pid}"),
                Some(stored.version),
                &[],
                None,
            ),
        ),
        Err(e) => error_page(lang, crate::error::WebError::Internal(e)),
    }
}

pub async fn rates_save(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    Path(pid): Path<String>,
    body: Bytes,
) -> Response {
    save(&state, lang, body, Some(pid)).await
}
