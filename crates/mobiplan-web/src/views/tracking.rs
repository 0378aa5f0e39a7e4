//! The implementation pages: the awarded grant and the final report's submission (a form),
//! every activity and visit with its status, then the report — awarded, reported and expected
//! amounts per category, the rules on what actually happens and the evidence still missing
//! (`mobiplan report` prints the same report). Each activity and visit has its own record
//! form: status (only the moves the core allows are offered), actual dates and participants,
//! travel, evidence received.

use maud::{Markup, html};
use mobiplan_core::agenda::Overdue;
use mobiplan_core::budget::{Budget, Category};
use mobiplan_core::finding::Finding;
use mobiplan_core::project::InputError;
use mobiplan_core::project::file::{Activity, Participants, PreparatoryVisit, ProjectFile};
use mobiplan_core::tracking::file::{ActivityRecord, Implementation, VisitRecord};
use mobiplan_core::tracking::{Document, EvidenceRow, Status};
use mobiplan_core::types::{Date, Role};
use mobiplan_i18n::{agenda_overdue, amount, finding_message, money};

use crate::access::{Need, may};
use crate::eval::Tracking;
use crate::forms::FieldError;
use crate::i18n::{Lang, t, tr};
use crate::views::layout::back;
use crate::views::pages::{activity_title, label_of, participants_fields, participants_text};
use crate::views::partials::{Errors, Input, checkbox, error_summary, input, select};

/// The label of an input of the implementation forms, for the error summary.
fn record_label(lang: Lang, doc: &ProjectFile, name: &str) -> String {
    if let Some(d) = name.strip_prefix("evidence_") {
        return t(lang, &format!("document.{d}"));
    }
    if let Some(c) = name.strip_prefix("awarded_") {
        return t(lang, &format!("category.{c}"));
    }
    if let Some(p) = name.strip_prefix("person_") {
        return doc
            .people
            .iter()
            .find(|x| x.id == p)
            .map_or_else(|| p.to_owned(), |x| x.name.clone());
    }
    label_of(lang, name)
}

pub fn status_word(lang: Lang, s: Status) -> String {
    t(lang, &format!("status.{}", s.id()))
}

/// What the implementation page shows.
pub struct ImplementationView<'a> {
    pub lang: Lang,
    pub project_id: &'a str,
    pub doc: &'a ProjectFile,
    pub version: i64,
    pub tracking: Option<&'a Result<Tracking, Vec<InputError>>>,
    /// The planned budget, for the categories the awarded form offers first.
    pub planned: Option<&'a Budget>,
    /// Errors of the awarded form, with the typed values kept.
    pub errors: &'a [FieldError],
    pub notice: Option<String>,
    /// What is overdue today (the dashboard's list for this project), shown with the findings
    /// so that the two pages never disagree.
    pub overdue: &'a [Overdue],
}

pub fn implementation_page(v: ImplementationView<'_>) -> Markup {
    let lang = v.lang;
    let doc = v.doc;
    let empty = Implementation::default();
    let imp = doc.implementation.as_ref().unwrap_or(&empty);
    let evidence: &[EvidenceRow] = match v.tracking {
        Some(Ok(tr_)) => &tr_.tracked.report.evidence,
        _ => &[],
    };
    html! {
        (back(&format!("/projects/{}", v.project_id), doc.project.title.clone()))
        h1 { (t(lang, "tracking.title")) }
        @if let Some(n) = &v.notice { p.notice role="status" { (n) } }
        (error_summary(lang, v.errors, &|n| record_label(lang, v.doc, n)))
        @if doc.implementation.is_none() {
            p { (t(lang, "tracking.none")) }
        }
        @if may(Need::Edit) { (awarded_form(&v, imp)) } @else { p.hint { (t(lang, "web.read-only")) } }
        section aria-labelledby="tracking-mobilities" {
            h2 #tracking-mobilities { (t(lang, "tracking.mobilities")) }
            div.table-wrap {
                div.table-scroll { table #implementation-activities {
                    thead { tr {
                        th scope="col" { (t(lang, "tracking.activity")) }
                        th scope="col" { (t(lang, "tracking.status")) }
                        th scope="col" { (t(lang, "tracking.dates")) }
                        th scope="col" { (t(lang, "web.label.participants")) }
                        th.num scope="col" { (t(lang, "tracking.evidence")) }
                    } }
                    tbody {
                        @for a in &doc.activities {
                            @let rec = imp.activities.get(&a.id);
                            @let row = evidence.iter().find(|e| e.activity == a.id);
                            tr id={"activity-" (a.id)} {
                                th scope="row" {
                                    a href={"/projects/" (v.project_id) "/implementation/activities/" (a.id)} { (activity_title(lang, a)) }
                                }
                                td { (status_word(lang, rec.map(|r| r.status).unwrap_or_default())) }
                                td.dates {
                                    (rec.and_then(|r| r.start).unwrap_or(a.start)) " – " (rec.and_then(|r| r.end).unwrap_or(a.end))
                                }
                                td { (participants_text(lang, rec.and_then(|r| r.participants.as_ref()).unwrap_or(&a.participants))) }
                                td.num {
                                    @if let Some(e) = row { (e.received()) " / " (e.needed()) } @else { "—" }
                                }
                            }
                        }
                        @for vi in &doc.preparatory_visits {
                            @let rec = imp.visits.get(&vi.id);
                            tr id={"visit-" (vi.id)} {
                                th scope="row" {
                                    a href={"/projects/" (v.project_id) "/implementation/visits/" (vi.id)} {
                                        (t(lang, "kind.preparatory-visit")) ": " (vi.host.name)
                                    }
                                }
                                td { (status_word(lang, rec.map(|r| r.status).unwrap_or_default())) }
                                td.dates { (rec.and_then(|r| r.start).unwrap_or(vi.start)) " – " (rec.and_then(|r| r.end).unwrap_or(vi.end)) }
                                td { (participants_text(lang, rec.and_then(|r| r.persons.as_ref()).unwrap_or(&vi.persons))) }
                                td.num { "—" }
                            }
                        }
                    }
                } }
            }
        }
        @match v.tracking {
            None => {},
            Some(Err(errors)) => {
                p.hint { (t(lang, "web.input-errors-hint")) }
                @let errors: Vec<&InputError> = errors.iter().collect();
                (crate::views::partials::input_error_list(lang, Some(doc), &errors, &|_| None))
            }
            Some(Ok(tr_)) => (report(lang, tr_, doc, v.overdue)),
        }
    }
}

/// The awarded grant per category: first the categories the plan uses or the grant gives,
/// the others folded away.
fn awarded_form(v: &ImplementationView<'_>, imp: &Implementation) -> Markup {
    let lang = v.lang;
    let e = Errors::new(lang, v.errors);
    let planned = |c: Category| {
        v.planned
            .and_then(|b| b.by_category.iter().find(|t| t.category == c))
            .map(|t| t.amount)
    };
    let used = |c: Category| {
        imp.awarded.contains_key(&c) || planned(c).is_some_and(|a| a.max.cents() != 0)
    };
    let field = |c: Category| {
        let name = format!("awarded_{}", c.id());
        let hint = planned(c).map(|a| {
            tr(
                lang,
                "tracking.planned-hint",
                &[("amount", amount(a, lang))],
            )
        });
        input(
            Input {
                name: &name,
                label: t(lang, &format!("category.{}", c.id())),
                value: imp
                    .awarded
                    .get(&c)
                    .map(|m| m.to_string())
                    .unwrap_or_default(),
                kind: "decimal",
                hint,
                attrs: "",
            },
            &e,
        )
    };
    html! {
        section aria-labelledby="tracking-awarded" {
            h2 #tracking-awarded { (t(lang, "tracking.awarded-title")) }
            p.hint { (t(lang, "tracking.awarded-hint")) }
            form method="post" action={"/projects/" (v.project_id) "/implementation/awarded"} novalidate {
                (crate::views::accounts::csrf_field())
                input type="hidden" name="version" value=(v.version);
                @for c in Category::ALL.into_iter().filter(|c| used(*c)) { (field(c)) }
                @let others: Vec<Category> = Category::ALL.into_iter().filter(|c| !used(*c)).collect();
                @if !others.is_empty() {
                    details {
                        summary { (t(lang, "tracking.other-categories")) }
                        @for c in others { (field(c)) }
                    }
                }
                (input(Input {
                    name: "final_report",
                    label: t(lang, "web.label.final_report"),
                    value: imp.final_report.map(|d| d.to_string()).unwrap_or_default(),
                    kind: "date",
                    hint: Some(t(lang, "tracking.final-report-hint")),
                    attrs: "",
                }, &e))
                div.actions { button type="submit" { (t(lang, "web.save")) } }
            }
        }
    }
}

fn report(lang: Lang, tracking: &Tracking, doc: &ProjectFile, overdue: &[Overdue]) -> Markup {
    let r = &tracking.tracked.report;
    let names = crate::views::pages::names_by_id(lang, doc);
    let name = |id: &str| names.get(id).cloned().unwrap_or_else(|| id.to_owned());
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
            div.table-scroll { table.budget #implementation-budget {
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
            } }
        }
        @for (id, status) in &r.omitted_reported.activities {
            p.hint { (tr(lang, "tracking.omitted", &[("activity", name(id)), ("status", status_word(lang, *status))])) }
        }
        @for (id, status) in &r.omitted_reported.visits {
            p.hint { (tr(lang, "tracking.omitted-visit", &[("visit", name(id)), ("status", status_word(lang, *status))])) }
        }
        section.findings aria-labelledby="tracking-findings" {
            h2 #tracking-findings { (t(lang, "tracking.findings")) }
            @if findings.is_empty() && overdue.is_empty() {
                p.ok { (t(lang, "cli.no-findings")) }
            } @else {
                ul.finding-list {
                    @for o in overdue {
                        li.sev-warning {
                            span.tag { (t(lang, "dashboard.overdue")) }
                            p { (agenda_overdue(o, lang, &name)) }
                        }
                    }
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
                            ("activity", name(&e.activity)),
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

/// The statuses a select offers: the current one and the moves the core allows from it.
fn status_options(lang: Lang, current: Status) -> Vec<(String, String)> {
    std::iter::once(current)
        .chain(current.next().iter().copied())
        .map(|s| (s.id().to_owned(), status_word(lang, s)))
        .collect()
}

/// The status field: the stored status travels with the form, so a page left open while
/// someone else changed it cannot pass as a legal move.
fn status_field(lang: Lang, stored: Status, shown: Status, e: &Errors<'_>) -> Markup {
    let mut options = status_options(lang, stored);
    if !options.iter().any(|(id, _)| id == shown.id()) {
        options.push((shown.id().to_owned(), status_word(lang, shown)));
    }
    html! {
        (select("status", t(lang, "tracking.status"), &options, shown.id(), e))
        p.hint { (tr(lang, "tracking.status-hint", &[("status", status_word(lang, stored))])) }
    }
}

/// What the activity and visit record pages have in common: the heading, the plan, the
/// notice and error summary, the status and the actual dates.
struct RecordFrame<'a> {
    lang: Lang,
    project_id: &'a str,
    doc: &'a ProjectFile,
    title: String,
    action: String,
    /// The planned first and last day and participants.
    planned: (Date, Date, &'a Participants),
    /// The dates the form shows (actual where recorded).
    shown: (Date, Date),
    stored_status: Status,
    status: Status,
    version: i64,
    errors: &'a [FieldError],
    notice: Option<&'a str>,
}

/// A record page: the frame around the record's own `fields`; a reader sees it disabled.
fn record_page(f: RecordFrame<'_>, fields: Markup) -> Markup {
    let lang = f.lang;
    let e = Errors::new(lang, f.errors);
    let (start, end, participants) = f.planned;
    html! {
        (back(&format!("/projects/{}/implementation", f.project_id), t(lang, "tracking.title")))
        h1 { (f.title) }
        p.lead { (tr(lang, "tracking.planned-as", &[
            ("start", start.to_string()),
            ("end", end.to_string()),
            ("participants", participants_text(lang, participants)),
        ])) }
        @if let Some(n) = f.notice { p.notice.error-message role="alert" { (n) } }
        (error_summary(lang, f.errors, &|n| record_label(lang, f.doc, n)))
        form method="post" action=(f.action) novalidate {
            @if !may(Need::Edit) { p.hint { (t(lang, "web.read-only")) } }
            fieldset.plain disabled[!may(Need::Edit)] {
                (crate::views::accounts::csrf_field())
                input type="hidden" name="version" value=(f.version);
                (status_field(lang, f.stored_status, f.status, &e))
                div.pair {
                    (input(Input { name: "start", label: t(lang, "web.label.start"), value: f.shown.0.to_string(), kind: "date", hint: None, attrs: "" }, &e))
                    (input(Input { name: "end", label: t(lang, "web.label.end"), value: f.shown.1.to_string(), kind: "date", hint: None, attrs: "" }, &e))
                }
                (fields)
                div.actions { button type="submit" { (t(lang, "web.save")) } }
            }
        }
    }
}

/// What an activity's record form shows.
pub struct ActivityRecordView<'a> {
    pub lang: Lang,
    pub project_id: &'a str,
    pub doc: &'a ProjectFile,
    pub activity: &'a Activity,
    /// The status stored now (the moves offered start from it).
    pub stored_status: Status,
    /// The record shown: the stored one, or the one the user sent back with errors.
    pub record: &'a ActivityRecord,
    /// The documents each participant needs (with the record's green-travel flag).
    pub needed: &'a [Document],
    pub version: i64,
    pub errors: &'a [FieldError],
    pub notice: Option<String>,
}

pub fn activity_record_page(v: ActivityRecordView<'_>) -> Markup {
    let lang = v.lang;
    let a = v.activity;
    let rec = v.record;
    let e = Errors::new(lang, v.errors);
    let participants: &Participants = rec.participants.as_ref().unwrap_or(&a.participants);
    let headcount = participants
        .count
        .unwrap_or(participants.names.as_ref().map_or(0, |n| n.len() as u32));
    let role = a.kind.participant_role();
    let person_name = |id: &str| {
        v.doc
            .people
            .iter()
            .find(|p| p.id == id)
            .map(|p| p.name.clone())
            .unwrap_or_else(|| id.to_owned())
    };
    let mut person_options = vec![(String::new(), t(lang, "tracking.same-as-activity"))];
    person_options.extend(
        Status::ALL
            .iter()
            .map(|s| (s.id().to_owned(), status_word(lang, *s))),
    );
    let fields = html! {
            (participants_fields(lang, "actual", Some(participants), v.doc, &e, Some(role)))
            @if let Some(names) = participants.names.as_ref().filter(|n| !n.is_empty()) {
                fieldset.inner {
                    legend { (t(lang, "tracking.person-statuses")) }
                    @for id in names {
                        @let current = rec.persons.get(id).map(|s| s.id()).unwrap_or("");
                        (select(&format!("person_{id}"), person_name(id), &person_options, current, &e))
                    }
                }
            }
            @if let Some(travel) = &a.travel {
                @let actual = rec.travel.as_ref();
                fieldset.inner {
                    legend { (t(lang, "tracking.travel")) }
                    (checkbox("travel_green", "on", t(lang, "web.label.travel_green"), actual.and_then(|t| t.green).unwrap_or(travel.green)))
                    (input(Input { name: "travel_days", label: t(lang, "web.label.travel_days"), value: actual.and_then(|t| t.days).unwrap_or(travel.days).to_string(), kind: "number", hint: None, attrs: "" }, &e))
                }
            }
            @if !v.needed.is_empty() {
                fieldset.inner {
                    legend { (t(lang, "tracking.evidence")) }
                    p.hint { (tr(lang, "tracking.evidence-hint", &[("participants", headcount.to_string())])) }
                    @for doc in v.needed {
                        @let name = format!("evidence_{}", doc.id());
                        (input(Input {
                            name: &name,
                            label: t(lang, &format!("document.{}", doc.id())),
                            value: rec.evidence.get(doc).copied().unwrap_or(0).to_string(),
                            kind: "number",
                            hint: None,
                            attrs: "",
                        }, &e))
                    }
                }
            }
    };
    record_page(
        RecordFrame {
            lang,
            project_id: v.project_id,
            doc: v.doc,
            title: activity_title(lang, a),
            action: format!(
                "/projects/{}/implementation/activities/{}",
                v.project_id, a.id
            ),
            planned: (a.start, a.end, &a.participants),
            shown: (rec.start.unwrap_or(a.start), rec.end.unwrap_or(a.end)),
            stored_status: v.stored_status,
            status: rec.status,
            version: v.version,
            errors: v.errors,
            notice: v.notice.as_deref(),
        },
        fields,
    )
}

/// What a visit's record form shows.
pub struct VisitRecordView<'a> {
    pub lang: Lang,
    pub project_id: &'a str,
    pub doc: &'a ProjectFile,
    pub visit: &'a PreparatoryVisit,
    pub stored_status: Status,
    pub record: &'a VisitRecord,
    pub version: i64,
    pub errors: &'a [FieldError],
    pub notice: Option<String>,
}

pub fn visit_record_page(v: VisitRecordView<'_>) -> Markup {
    let lang = v.lang;
    let vi = v.visit;
    let rec = v.record;
    let e = Errors::new(lang, v.errors);
    let fields = html! {
        (participants_fields(lang, "actual", Some(rec.persons.as_ref().unwrap_or(&vi.persons)), v.doc, &e, Some(Role::Staff)))
    };
    record_page(
        RecordFrame {
            lang,
            project_id: v.project_id,
            doc: v.doc,
            title: format!("{}: {}", t(lang, "kind.preparatory-visit"), vi.host.name),
            action: format!("/projects/{}/implementation/visits/{}", v.project_id, vi.id),
            planned: (vi.start, vi.end, &vi.persons),
            shown: (rec.start.unwrap_or(vi.start), rec.end.unwrap_or(vi.end)),
            stored_status: v.stored_status,
            status: rec.status,
            version: v.version,
            errors: v.errors,
            notice: v.notice.as_deref(),
        },
        fields,
    )
}
