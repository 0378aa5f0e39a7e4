//! The dashboard: every project the user can read, grouped by organisation, with its agenda
//! (what comes next, what is overdue, days to the end and to the final report) as the core
//! computes it for today.

use std::collections::BTreeMap;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use mobiplan_core::agenda::{Agenda, agenda};

use super::{error_page, html, profile_of};
use crate::i18n::{ReqLang, t};
use crate::state::AppState;
use crate::views::dashboard::{DashboardRow, dashboard_page};

pub async fn dashboard(State(state): State<AppState>, ReqLang(lang): ReqLang) -> Response {
    let actor = match crate::access::actor() {
        Ok(a) => a,
        Err(e) => return error_page(lang, e),
    };
    let (list, orgs) = match tokio::try_join!(
        state.store.list_projects_for(&actor.user.id),
        state.store.project_orgs_for(&actor.user.id)
    ) {
        Ok(x) => x,
        Err(e) => return error_page(lang, e.into()),
    };
    // The server's clock (tests hold it still), like sessions use.
    let now = state.clock.now().fixed_offset();
    let today = now.date_naive();
    let mut groups: BTreeMap<String, Vec<DashboardRow>> = BTreeMap::new();
    for summary in list {
        // A what-if scenario has no real dates to keep: it is compared, not run.
        if matches!(state.store.scenario_origin(&summary.id).await, Ok(Some(_))) {
            continue;
        }
        let Ok(stored) = state.store.get_project(&summary.id).await else {
            continue; // deleted since the list was read
        };
        let org = orgs
            .get(&summary.id)
            .map(|(_, name)| name.clone())
            .unwrap_or_default();
        let profile = profile_of(&state, &stored).await;
        let tracking = crate::eval::evaluate_tracking(&stored.document, profile.as_ref(), now);
        let report = match &tracking {
            Some(Ok(tr)) => Some(&tr.tracked.report),
            _ => None,
        };
        let agenda: Result<Agenda, String> =
            crate::eval::rulebook(stored.document.project.call_year)
                .map(|rb| agenda(&stored.document, &rb, report, today));
        let tracking_error = match &tracking {
            Some(Err(errors)) => errors.first().map(|e| {
                format!(
                    "{}: {}",
                    crate::views::field_names::field_label(lang, Some(&stored.document), &e.field),
                    mobiplan_i18n::input_error_message(e, lang)
                )
            }),
            _ => None,
        };
        groups.entry(org).or_default().push(DashboardRow {
            id: summary.id.clone(),
            title: stored.document.project.title.clone(),
            agenda,
            statuses: report.map(|r| r.statuses.clone()),
            evidence: report.map(|r| r.evidence_progress()),
            tracking_error,
            names: crate::views::pages::names_by_id(lang, &stored.document),
        });
    }
    for rows in groups.values_mut() {
        // What needs attention first: overdue items, then the nearest coming date.
        rows.sort_by_key(|r| match &r.agenda {
            Ok(a) => (
                a.overdue.is_empty(),
                a.next.first().map_or(chrono::NaiveDate::MAX, |d| d.date),
                r.title.clone(),
            ),
            Err(_) => (false, chrono::NaiveDate::MIN, r.title.clone()),
        });
    }
    html(
        StatusCode::OK,
        lang,
        t(lang, "dashboard.title"),
        "/dashboard",
        dashboard_page(lang, &groups),
    )
}
