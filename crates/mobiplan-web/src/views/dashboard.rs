//! The dashboard page: one table per organisation, one row per project with its next dates,
//! what is overdue, and the days left to the end and to the final report.

use std::collections::BTreeMap;

use maud::{Markup, html};
use mobiplan_core::agenda::Agenda;
use mobiplan_core::tracking::StatusCounts;
use mobiplan_i18n::{agenda_event, agenda_overdue};

use crate::i18n::{Lang, t, tr};

/// One project on the dashboard.
pub struct DashboardRow {
    pub id: String,
    pub title: String,
    /// `Err` when the project's call year has no rulebook.
    pub agenda: Result<Agenda, String>,
    /// With an `[implementation]` section that loads.
    pub statuses: Option<StatusCounts>,
    /// Evidence received and needed.
    pub evidence: Option<(u32, u32)>,
    /// The first problem when the implementation does not load.
    pub tracking_error: Option<String>,
    /// Activity and visit ids → what the pages call them.
    pub names: std::collections::HashMap<String, String>,
}

fn days_to_end(lang: Lang, a: &Agenda) -> String {
    if a.days_to_end >= 0 {
        a.days_to_end.to_string()
    } else {
        tr(
            lang,
            "dashboard.ended",
            &[("days", (-a.days_to_end).to_string())],
        )
    }
}

fn days_to_report(lang: Lang, a: &Agenda) -> String {
    match a.final_report_submitted {
        Some(d) => tr(
            lang,
            "dashboard.report-submitted",
            &[("date", d.to_string())],
        ),
        None if a.days_to_report >= 0 => a.days_to_report.to_string(),
        None => tr(
            lang,
            "dashboard.late",
            &[("days", (-a.days_to_report).to_string())],
        ),
    }
}

pub fn dashboard_page(lang: Lang, groups: &BTreeMap<String, Vec<DashboardRow>>) -> Markup {
    html! {
        h1 { (t(lang, "dashboard.title")) }
        p.lead { (t(lang, "dashboard.intro")) }
        @if groups.is_empty() {
            p { (t(lang, "dashboard.empty")) " " a href="/projects/new" { (t(lang, "web.new-project")) } }
        }
        @for (org, rows) in groups {
            section.dashboard-org {
                h2 { (org) }
                div.table-wrap {
                    div.table-scroll { table.dashboard {
                        thead { tr {
                            th scope="col" { (t(lang, "dashboard.project")) }
                            th scope="col" { (t(lang, "dashboard.next")) }
                            th scope="col" { (t(lang, "dashboard.overdue")) }
                            th.num scope="col" { (t(lang, "dashboard.days-to-end")) }
                            th.num scope="col" { (t(lang, "dashboard.days-to-report")) }
                        } }
                        tbody {
                            @for r in rows { (row(lang, r)) }
                        }
                    } }
                }
            }
        }
    }
}

fn row(lang: Lang, r: &DashboardRow) -> Markup {
    let name = |id: &str| r.names.get(id).cloned().unwrap_or_else(|| id.to_owned());
    html! {
        tr data-project=(r.id) {
            th scope="row" {
                a href={"/projects/" (r.id)} { (r.title) }
                @if let Some(s) = &r.statuses {
                    br;
                    a.small href={"/projects/" (r.id) "/implementation"} {
                        (tr(lang, "tracking.statuses", &[
                            ("planned", s.planned.to_string()),
                            ("confirmed", s.confirmed.to_string()),
                            ("completed", s.completed.to_string()),
                            ("cancelled", s.cancelled.to_string()),
                        ]))
                    }
                }
                @if let Some((received, needed)) = r.evidence.filter(|e| e.1 > 0) {
                    br;
                    span.small { (tr(lang, "dashboard.evidence-progress", &[("received", received.to_string()), ("needed", needed.to_string())])) }
                }
                @if let Some(e) = &r.tracking_error {
                    br;
                    span.error-message { (tr(lang, "dashboard.not-loaded", &[("error", e.clone())])) }
                }
            }
            @match &r.agenda {
                Err(e) => td colspan="4" { span.error-message { (tr(lang, "dashboard.not-loaded", &[("error", e.clone())])) } },
                Ok(a) => {
                    td {
                        ul.plain {
                            @for d in &a.next {
                                li { time datetime=(d.date) { (d.date) } " " (agenda_event(&d.event, lang, &name)) }
                            }
                        }
                    }
                    td {
                        @if a.overdue.is_empty() {
                            span.ok { (t(lang, "dashboard.nothing-overdue")) }
                        } @else {
                            ul.plain.overdue {
                                @for o in &a.overdue { li.sev-warning { (agenda_overdue(o, lang, &name)) } }
                            }
                        }
                    }
                    td.num { (days_to_end(lang, a)) }
                    td.num { (days_to_report(lang, a)) }
                }
            }
        }
    }
}
