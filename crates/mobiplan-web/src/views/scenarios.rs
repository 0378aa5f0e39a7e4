//! What-if scenarios: the project page's scenario section (copy as scenario, the link to the
//! comparison) and the comparison page — projects in columns, the difference of each from the
//! first. Amounts come from the core's comparison of the budgets the pages show.

use maud::{Markup, html};
use mobiplan_core::compare::{Column, Comparison, Difference, Scenario, compare};
use mobiplan_core::{Category, RuleId};
use mobiplan_i18n::{amount, signed_amount, signed_count};

use crate::eval::Evaluation;
use crate::i18n::{Lang, t, tr};

/// A project's scenario family as the current user may see it.
#[derive(Clone, Debug, Default)]
pub struct Family {
    /// The original this project is a scenario of (id, title), when the user may read it.
    pub origin: Option<(String, String)>,
    /// The original first, then its scenarios, the oldest first (id, title); this project is
    /// among them.
    pub members: Vec<(String, String)>,
}

impl Family {
    /// Whether there is anything to compare with.
    pub fn has_others(&self) -> bool {
        self.members.len() > 1
    }
}

/// The project page's section: where the project stands in its family, the comparison, the
/// copy button.
pub fn project_section(lang: Lang, id: &str, family: &Family) -> Markup {
    html! {
        li #scenarios {
            h2 { (t(lang, "scenario.title")) }
            @if let Some((oid, otitle)) = &family.origin {
                p.hint {
                    (tr(lang, "scenario.of", &[("title", otitle.clone())])) " "
                    a href={"/projects/" (oid)} { (t(lang, "scenario.original")) }
                }
            }
            ul {
                @if family.has_others() {
                    li.task {
                        a href={"/projects/" (id) "/compare"} { (t(lang, "scenario.compare")) }
                        span.meta { (family.members.len()) }
                    }
                } @else {
                    li { p.hint { (t(lang, "scenario.none")) } }
                }
                // A copy is a new project of the organisation: only its editors and owners
                // (whose level on its projects reaches Delete) may make one, not a share.
                @if crate::access::may(crate::access::Need::Delete) {
                    li.task {
                        form.inline method="post" action={"/projects/" (id) "/scenario"} {
                            (crate::views::accounts::csrf_field())
                            button type="submit" { (t(lang, "scenario.copy")) }
                        }
                        span.meta { (t(lang, "scenario.copy-hint")) }
                    }
                }
            }
        }
    }
}

/// The compared projects: those that load, in columns, and those that do not.
pub struct Columns {
    /// The project id of each column of `comparison`.
    pub ids: Vec<String>,
    pub comparison: Comparison,
    /// (id, title, input errors) of the chosen projects that do not load.
    pub not_loaded: Vec<(String, String, usize)>,
    pub currency: String,
    pub exact: bool,
}

impl Columns {
    pub fn build(evaluated: &[(String, String, Evaluation)]) -> Columns {
        let mut ids = Vec::new();
        let mut scenarios = Vec::new();
        let mut not_loaded = Vec::new();
        let mut currency = None;
        for (id, title, ev) in evaluated {
            match (&ev.project, &ev.budget) {
                (Some(project), Some(budget)) => {
                    ids.push(id.clone());
                    if currency.is_none() {
                        currency = ev.rulebook.as_ref().map(|r| r.meta.currency.clone());
                    }
                    scenarios.push(Scenario {
                        label: title,
                        project,
                        findings: &ev.findings,
                        budget,
                    });
                }
                _ => not_loaded.push((id.clone(), title.clone(), ev.input_errors.len())),
            }
        }
        Columns {
            exact: scenarios.iter().all(|s| s.budget.total.is_exact()),
            comparison: compare(&scenarios),
            ids,
            not_loaded,
            currency: currency.unwrap_or_else(|| "EUR".into()),
        }
    }
}

pub struct CompareView<'a> {
    pub lang: Lang,
    pub id: &'a str,
    pub title: &'a str,
    pub family: &'a Family,
    /// The ids asked for (this project included).
    pub selected: &'a [String],
    pub columns: &'a Columns,
}

fn rules_text(rules: &[RuleId]) -> String {
    rules
        .iter()
        .map(|r| r.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The sign of a difference as a class, so that the style sheet can colour it.
fn sign_class(n: i64) -> &'static str {
    match n.signum() {
        1 => "num diff up",
        -1 => "num diff down",
        _ => "num diff",
    }
}

fn money_class(a: mobiplan_core::Amount) -> &'static str {
    sign_class(a.max.cents().signum() + a.min.cents().signum())
}

type ColCount = dyn Fn(&Column) -> u32;
type DiffCount = dyn Fn(&Difference) -> i64;

fn count_row(
    lang: Lang,
    key: &str,
    row: &str,
    cmp: &Comparison,
    col: &ColCount,
    diff: &DiffCount,
) -> Markup {
    html! {
        tr data-row=(row) {
            th scope="row" { (t(lang, key)) }
            @for c in &cmp.columns { td.num { (col(c)) } }
            @for d in &cmp.differences { td class=(sign_class(diff(d))) { (signed_count(diff(d))) } }
        }
    }
}

fn money_row(lang: Lang, cat: Category, cmp: &Comparison) -> Markup {
    html! {
        tr data-row=(cat.id()) {
            th scope="row" { (t(lang, &format!("category.{}", cat.id()))) }
            @for c in &cmp.columns { td.num { (amount(c.category(cat), lang)) } }
            @for d in &cmp.differences {
                td class=(money_class(d.category(cat))) { (signed_amount(d.category(cat), lang)) }
            }
        }
    }
}

pub fn compare_page(v: CompareView<'_>) -> Markup {
    let lang = v.lang;
    let cols = v.columns;
    let cmp = &cols.comparison;
    let span = cmp.columns.len() + cmp.differences.len() + 1;
    let others: Vec<&(String, String)> =
        v.family.members.iter().filter(|(m, _)| m != v.id).collect();
    html! {
        (crate::views::layout::back(&format!("/projects/{}", v.id), v.title.to_owned()))
        h1 { (t(lang, "scenario.compare")) }
        p.hint { (t(lang, "scenario.compare-hint")) }
        @if others.is_empty() {
            p { (t(lang, "scenario.none")) }
        } @else {
            form.inline method="get" action={"/projects/" (v.id) "/compare"} {
                input type="hidden" name="pick" value="1";
                fieldset {
                    legend { (t(lang, "scenario.choose")) }
                    @for (m, title) in &others {
                        label {
                            input type="checkbox" name="with" value=(m) checked[v.selected.contains(m)];
                            " " (title)
                        }
                    }
                }
                button type="submit" { (t(lang, "scenario.apply")) }
            }
        }
        @for (nid, ntitle, errors) in &cols.not_loaded {
            p.notice role="status" {
                a href={"/projects/" (nid)} { (ntitle) } " — "
                (tr(lang, "scenario.not-loaded", &[("label", ntitle.clone()), ("errors", errors.to_string())]))
            }
        }
        div.table-wrap {
            div.table-scroll { table.budget #comparison {
                thead { tr {
                    th scope="col" { (t(lang, "scenario.legend")) }
                    @for (i, (c, pid)) in cmp.columns.iter().zip(&cols.ids).enumerate() {
                        th.num scope="col" data-project=(pid) {
                            (i + 1) ". " a href={"/projects/" (pid)} { (c.label) }
                        }
                    }
                    @for i in 0..cmp.differences.len() {
                        th.num scope="col" {
                            (t(lang, "scenario.difference")) br;
                            (tr(lang, "scenario.difference-from", &[("label", (i + 2).to_string()), ("first", "1".to_owned())]))
                        }
                    }
                } }
                tbody {
                    tr { th colspan=(span) scope="colgroup" { (t(lang, "scenario.section-people")) } }
                    (count_row(lang, "scenario.participants", "participants", cmp, &|c| c.people.participants, &|d| d.people.participants))
                    (count_row(lang, "scenario.learners", "learners", cmp, &|c| c.people.learners, &|d| d.people.learners))
                    (count_row(lang, "scenario.staff", "staff", cmp, &|c| c.people.staff, &|d| d.people.staff))
                    @if cmp.columns.iter().any(|c| c.people.others > 0) {
                        (count_row(lang, "scenario.others", "others", cmp, &|c| c.people.others, &|d| d.people.others))
                    }
                    (count_row(lang, "scenario.accompanying", "accompanying", cmp, &|c| c.people.accompanying, &|d| d.people.accompanying))
                    (count_row(lang, "scenario.participant-days", "participant-days", cmp, &|c| c.people.participant_days, &|d| d.people.participant_days))
                    (count_row(lang, "scenario.activities", "activities", cmp, &|c| c.activities, &|d| d.activities))
                    (count_row(lang, "scenario.visits", "visits", cmp, &|c| c.visits, &|d| d.visits))
                    (count_row(lang, "scenario.visit-persons", "visit-persons", cmp, &|c| c.people.visit_persons, &|d| d.people.visit_persons))
                    tr { th colspan=(span) scope="colgroup" { (t(lang, "scenario.section-findings")) } }
                    (count_row(lang, "scenario.errors", "errors", cmp, &|c| c.findings.errors, &|d| d.findings.errors))
                    (count_row(lang, "scenario.warnings", "warnings", cmp, &|c| c.findings.warnings, &|d| d.findings.warnings))
                    (count_row(lang, "scenario.infos", "infos", cmp, &|c| c.findings.infos, &|d| d.findings.infos))
                    tr data-row="rules" {
                        th scope="row" { (t(lang, "scenario.rules")) }
                        @for c in &cmp.columns { td { code { (rules_text(&c.rules)) } } }
                        @for d in &cmp.differences {
                            td {
                                @if !d.rules_added.is_empty() {
                                    (tr(lang, "scenario.rules-added", &[("rules", rules_text(&d.rules_added))])) br;
                                }
                                @if !d.rules_removed.is_empty() {
                                    (tr(lang, "scenario.rules-removed", &[("rules", rules_text(&d.rules_removed))]))
                                }
                            }
                        }
                    }
                    tr { th colspan=(span) scope="colgroup" { (t(lang, "scenario.section-budget")) } }
                    @for cat in cmp.used_categories() { (money_row(lang, cat, cmp)) }
                }
                tfoot {
                    tr data-row="total" {
                        th scope="row" { (t(lang, "scenario.total")) " " (cols.currency) }
                        @for c in &cmp.columns { td.num { strong { (amount(c.total, lang)) } } }
                        @for d in &cmp.differences { td class=(money_class(d.total)) { strong { (signed_amount(d.total, lang)) } } }
                    }
                }
            } }
        }
        @if !cols.exact {
            p.hint { (t(lang, "scenario.range-note")) }
        }
    }
}
