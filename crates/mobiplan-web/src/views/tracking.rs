//! The implementation page: awarded, reported and expected amounts per category, the
//! statuses, the rules on what actually happens and the evidence still missing. It shows
//! what the project file's `[implementation]` section records (`mobiplan report` prints the
//! same report).

use maud::{Markup, html};
use mobiplan_core::finding::Finding;
use mobiplan_core::project::InputError;
use mobiplan_i18n::{amount, finding_message, money};

use crate::eval::Tracking;
use crate::i18n::{Lang, t, tr};

fn status_word(lang: Lang, s: mobiplan_core::tracking::Status) -> String {
    t(lang, &format!("status.{}", s.id()))
}

pub fn implementation_page(
    lang: Lang,
    project_id: &str,
    title: &str,
    tracking: Option<&Result<Tracking, Vec<InputError>>>,
) -> Markup {
    html! {
        (crate::views::layout::back(&format!("/projects/{project_id}"), title.to_owned()))
        h1 { (t(lang, "tracking.title")) }
        @match tracking {
            None => p { (t(lang, "tracking.none")) },
            Some(Err(errors)) => {
                p.hint { (t(lang, "web.input-errors-hint")) }
                ul.finding-list {
                    @for e in errors {
                        li.sev-error { span.tag { (t(lang, "severity.error")) } code { (e.field) } ": " (e.message) }
                    }
                }
            }
            Some(Ok(tr_)) => (report(lang, tr_)),
        }
    }
}

fn report(lang: Lang, tracking: &Tracking) -> Markup {
    let r = &tracking.tracked.report;
    let s = &r.statuses;
    let currency = &tracking.rulebook.meta.currency;
    let dash = t(lang, "tracking.not-awarded");
    let findings: Vec<&Finding> = r
        .findings
        .iter()
        .chain(&tracking.tracked.actual_findings)
        .collect();
    let (received, needed) = r.evidence_progress();
    html! {
        p { (tr(lang, "tracking.statuses", &[
            ("planned", s.planned.to_string()),
            ("confirmed", s.confirmed.to_string()),
            ("completed", s.completed.to_string()),
            ("cancelled", s.cancelled.to_string()),
        ])) }
        div.table-wrap {
            table.budget #implementation-budget {
                thead { tr {
                    th scope="col" { (t(lang, "tracking.category")) }
                    th.num scope="col" { (t(lang, "tracking.planned-amount")) }
                    th.num scope="col" { (t(lang, "tracking.awarded")) }
                    th.num scope="col" { (t(lang, "tracking.reported")) }
                    th.num scope="col" { (t(lang, "tracking.used")) }
                    th.num scope="col" { (t(lang, "tracking.expected")) }
                } }
                tbody {
                    @for row in &r.rows {
                        tr {
                            th scope="row" { (t(lang, &format!("category.{}", row.category.id()))) }
                            td.num { (amount(row.planned, lang)) }
                            td.num { (row.awarded.map(|m| money(m, lang)).unwrap_or_else(|| dash.clone())) }
                            td.num { (amount(row.reported, lang)) }
                            td.num { (mobiplan_i18n::percent(row.percent_used)) }
                            td.num { (amount(row.expected, lang)) }
                        }
                    }
                }
                tfoot { tr {
                    th scope="row" { (t(lang, "tracking.total")) }
                    td.num { (amount(r.planned_total, lang)) }
                    td.num { (r.awarded_total.map(|m| money(m, lang)).unwrap_or_else(|| dash.clone())) }
                    td.num { (amount(r.reported_total, lang)) }
                    td.num { (mobiplan_i18n::percent(r.percent_used())) }
                    td.num { (amount(r.expected_total, lang)) " " (currency) }
                } }
            }
        }
        @for (id, status) in &r.omitted_reported.activities {
            p.hint { (tr(lang, "tracking.omitted", &[("activity", id.clone()), ("status", status_word(lang, *status))])) }
        }
        @for (id, status) in &r.omitted_reported.visits {
            p.hint { (tr(lang, "tracking.omitted-visit", &[("visit", id.clone()), ("status", status_word(lang, *status))])) }
        }
        section.findings aria-labelledby="tracking-findings" {
            h2 #tracking-findings { (t(lang, "tracking.findings")) }
            @if findings.is_empty() {
                p.ok { (t(lang, "cli.no-findings")) }
            } @else {
                ul.finding-list {
                    @for f in &findings {
                        li class={"sev-" (f.severity.as_str())} {
                            span.tag { (t(lang, &format!("severity.{}", f.severity.as_str()))) }
                            code.rule { (f.rule.as_str()) }
                            p { (finding_message(f, lang)) }
                        }
                    }
                }
            }
        }
        section aria-labelledby="tracking-evidence" {
            h2 #tracking-evidence { (t(lang, "tracking.evidence")) }
            p { (tr(lang, "tracking.evidence-progress", &[("received", received.to_string()), ("needed", needed.to_string())])) }
            @if needed > 0 {
                progress max=(needed) value=(received) aria-label=(t(lang, "tracking.evidence")) {}
            }
            ul {
                @for e in &r.evidence {
                    li {
                        (tr(lang, "tracking.evidence-activity", &[
                            ("activity", e.activity.clone()),
                            ("status", status_word(lang, e.status)),
                            ("participants", e.participants.to_string()),
                            ("received", e.received().to_string()),
                            ("needed", e.needed().to_string()),
                        ]))
                        @let missing: Vec<String> = e.documents.iter().filter(|d| d.1 < d.2)
                            .map(|d| format!("{} ({}/{})", t(lang, &format!("document.{}", d.0.id())), d.1, d.2)).collect();
                        @if !missing.is_empty() {
                            br; span.hint { (tr(lang, "tracking.evidence-missing", &[("documents", missing.join(", "))])) }
                        }
                    }
                }
            }
        }
    }
}
