//! Rulebook pages: the call years with their state, the difference between two editions, the
//! form to load a corrected edition and what it changed, and the "move to another call"
//! preview.

use maud::{Markup, html};
use mobiplan_core::editions::{CallState, ChangeKind, EditionDiff, Effects};
use mobiplan_core::project::file::ProjectFile;
use mobiplan_core::rulebook::{ParamInfo, ValueState};
use mobiplan_core::{Finding, Severity};
use mobiplan_i18n::{amount, finding_message, line_label};
use mobiplan_store::RulebookEditionSummary;

use crate::eval::Evaluation;
use crate::handlers::rulebooks::Affected;
use crate::i18n::{Lang, t, tr};
use crate::views::accounts::csrf_field;
use crate::views::layout::back;

pub struct CallRow {
    pub year: u16,
    pub state: CallState,
    pub edition: String,
    /// A corrected edition loaded on this instance (else the embedded one).
    pub loaded: bool,
    /// The previous call year with an edition, to compare with.
    pub previous: Option<u16>,
}

pub fn call_state_text(lang: Lang, year: u16, state: CallState) -> String {
    tr(
        lang,
        &format!("web.call-state.{}", state.id()),
        &[("year", year.to_string())],
    )
}

pub fn list_page(
    lang: Lang,
    rows: &[CallRow],
    history: &[RulebookEditionSummary],
    admin: bool,
) -> Markup {
    html! {
        (back("/", t(lang, "web.projects")))
        h1 { (t(lang, "rulebooks.title")) }
        p.lead { (t(lang, "rulebooks.lead")) }
        table {
            thead { tr {
                th { (t(lang, "rulebooks.call")) }
                th { (t(lang, "rulebooks.edition")) }
                th { (t(lang, "rulebooks.changes")) }
            } }
            tbody {
                @for r in rows {
                    tr {
                        td { (call_state_text(lang, r.year, r.state)) }
                        td {
                            (r.edition) " "
                            span.meta { (t(lang, if r.loaded { "rulebooks.loaded" } else { "rulebooks.embedded" })) }
                        }
                        td {
                            @if let Some(p) = r.previous {
                                a href={"/rulebooks/" (r.year) "/diff?from=" (p)} {
                                    (tr(lang, "rulebooks.diff-link", &[("from", p.to_string()), ("to", r.year.to_string())]))
                                }
                            }
                        }
                    }
                }
            }
        }
        h2 { (t(lang, "rulebooks.history")) }
        @if history.is_empty() {
            p.hint { (t(lang, "rulebooks.history-none")) }
        } @else {
            ul {
                @for h in history {
                    li {
                        (tr(lang, "rulebooks.history-line", &[
                            ("year", h.call_year.to_string()),
                            ("seq", h.seq.to_string()),
                            ("edition", h.edition.clone()),
                            ("author", h.author.clone()),
                            ("at", h.loaded_at.format("%Y-%m-%d %H:%M UTC").to_string()),
                        ]))
                        " — " (h.note)
                    }
                }
            }
        }
        @if admin {
            p { a href="/rulebooks/load" { (t(lang, "rulebooks.load-title")) } }
        }
    }
}

/// A value as people read it: a number or date with its unit in the language, a rule by its
/// severity (its English sentence is the rulebook's own text, under technical details), a list
/// of countries by their names; a table of values is named as such, its content under
/// technical details.
fn value_text(lang: Lang, p: &ParamInfo) -> String {
    use serde_json::Value;
    if p.state == ValueState::Unknown {
        return t(lang, "cli.value-unknown");
    }
    let unit = |v: String| match &p.unit {
        Some(u) => format!("{v} {}", unit_text(lang, u)),
        None => v,
    };
    match &p.value {
        Value::Number(n) => unit(n.to_string()),
        Value::Bool(b) => crate::i18n::t(lang, if *b { "export.yes" } else { "export.no" }),
        Value::String(s) => {
            let key = format!("param-value.{s}");
            if mobiplan_i18n::has(&key) {
                t(lang, &key)
            } else {
                unit(s.clone())
            }
        }
        Value::Object(o) if o.contains_key("severity") => {
            let severity = o
                .get("severity")
                .and_then(Value::as_str)
                .unwrap_or_default();
            t(lang, &format!("severity.{severity}"))
        }
        Value::Array(items)
            if items
                .iter()
                .all(|i| i.as_str().is_some_and(|s| s.len() == 2)) =>
        {
            items
                .iter()
                .filter_map(Value::as_str)
                .map(|c| match mobiplan_core::types::Country::parse(c) {
                    Ok(c) => mobiplan_i18n::country_name(c, lang),
                    Err(_) => c.to_owned(),
                })
                .collect::<Vec<_>>()
                .join(", ")
        }
        _ => t(lang, "rulebooks.table-value"),
    }
}

/// A rulebook's unit in the language (the rulebook writes them in English).
fn unit_text(lang: Lang, unit: &str) -> String {
    let key = format!("unit.{unit}");
    if mobiplan_i18n::has(&key) {
        t(lang, &key)
    } else {
        unit.to_owned()
    }
}

/// What a rulebook path is about, in words: a rule by its ID, a value by the part of the
/// rulebook it belongs to (the path itself is under technical details).
fn path_label(lang: Lang, path: &str) -> String {
    if let Some(rest) = path.strip_prefix("rules.") {
        let id = rest.split('.').next().unwrap_or(rest);
        return tr(lang, "rulebooks.rule", &[("id", id.to_owned())]);
    }
    const PARTS: &[(&str, &str)] = &[
        ("funding.travel", "category.travel"),
        ("funding.individual_support", "category.individual-support"),
        (
            "funding.organisational_support",
            "category.organisational-support",
        ),
        (
            "funding.inclusion_support",
            "rulebooks.part.inclusion-support",
        ),
        ("funding.course_fees", "category.course-fees"),
        ("funding.linguistic_support", "category.linguistic-support"),
        ("funding.exceptional_costs", "category.exceptional-costs"),
        ("funding.preparatory_visits", "category.preparatory-visits"),
        ("rounds", "rulebooks.part.rounds"),
        ("countries", "rulebooks.part.countries"),
        ("reporting", "rulebooks.part.reporting"),
        ("tracking", "rulebooks.part.tracking"),
        ("application.award", "rulebooks.part.award"),
        (
            "application.field_objectives",
            "rulebooks.part.field-objectives",
        ),
        ("application", "rulebooks.part.application"),
    ];
    PARTS
        .iter()
        .find(|(prefix, _)| crate::eval::lies_under(path, prefix))
        .map_or_else(|| t(lang, "rulebooks.part.other"), |(_, key)| t(lang, key))
}

/// Where a value comes from: its source by title (in the language), its confidence, and the
/// call it was carried from.
fn provenance(lang: Lang, rb: &mobiplan_core::Rulebook, p: &ParamInfo) -> String {
    let carried = p
        .carried_from
        .map(|y| {
            format!(
                "; {}",
                tr(lang, "cli.carried-from", &[("year", y.to_string())])
            )
        })
        .unwrap_or_default();
    let source = rb
        .sources
        .get(p.source.as_str())
        .map_or(p.source.as_str(), |s| mobiplan_i18n::source_title(s, lang));
    format!(
        "{source}; {}{carried}",
        t(lang, &format!("confidence.{:?}", p.confidence))
    )
}

/// A value's cell: in words, with where it comes from; the rulebook's own spelling (path,
/// JSON value, English rule text) under technical details.
fn value_cell(lang: Lang, rb: &mobiplan_core::Rulebook, p: &ParamInfo) -> Markup {
    html! {
        (value_text(lang, p)) br;
        span.meta { (provenance(lang, rb, p)) }
        details.tech {
            summary { (t(lang, "web.technical-details")) }
            code { (p.value) }
        }
    }
}

pub fn diff_page(
    lang: Lang,
    d: &EditionDiff,
    rulebooks: (&mobiplan_core::Rulebook, &mobiplan_core::Rulebook),
    years: &[u16],
) -> Markup {
    let (old_rb, new_rb) = rulebooks;
    let count = |k: ChangeKind| d.changes.iter().filter(|c| c.kind == k).count();
    html! {
        (back("/rulebooks", t(lang, "rulebooks.title")))
        h1 { (tr(lang, "rulebooks.diff-title", &[("from", d.from.call_year.to_string()), ("to", d.to.call_year.to_string())])) }
        p.lead { (tr(lang, "rulebooks.diff-lead", &[
            ("from", d.from.call_year.to_string()),
            ("from_edition", d.from.edition.clone()),
            ("to", d.to.call_year.to_string()),
            ("to_edition", d.to.edition.clone()),
        ])) }
        form method="get" action={"/rulebooks/" (d.to.call_year) "/diff"} {
            label for="from" { (t(lang, "rulebooks.compare-with")) }
            select id="from" name="from" {
                @for y in years {
                    option value=(y) selected[*y == d.from.call_year] { (y) }
                }
            }
            button type="submit" { (t(lang, "scenario.apply")) }
        }
        p { (tr(lang, "cli.diff-summary", &[
            ("added", count(ChangeKind::Added).to_string()),
            ("removed", count(ChangeKind::Removed).to_string()),
            ("changed", count(ChangeKind::Changed).to_string()),
        ])) }
        @if d.changes.is_empty() {
            p { (t(lang, "cli.diff-none")) }
        } @else {
            table.diff {
                thead { tr {
                    th { (t(lang, "rulebooks.value")) }
                    th { (t(lang, "rulebooks.change")) }
                    th { (d.from.call_year) }
                    th { (d.to.call_year) }
                } }
                tbody {
                    @for c in &d.changes {
                        tr {
                            td {
                                (path_label(lang, &c.path))
                                details.tech {
                                    summary { (t(lang, "web.technical-details")) }
                                    code { (c.path) }
                                }
                            }
                            td {
                                (t(lang, match c.kind { ChangeKind::Added => "cli.diff-added", ChangeKind::Removed => "cli.diff-removed", ChangeKind::Changed => "cli.diff-changed" }))
                                @if c.kind == ChangeKind::Changed && !c.what.contains(&"value") {
                                    br; span.meta { (t(lang, "cli.diff-same-value")) }
                                }
                            }
                            td { @if let Some(o) = &c.old { (value_cell(lang, old_rb, o)) } }
                            td { @if let Some(n) = &c.new { (value_cell(lang, new_rb, n)) } }
                        }
                    }
                }
            }
        }
    }
}

pub fn load_page(lang: Lang, error: Option<&str>, note: &str) -> Markup {
    html! {
        (back("/rulebooks", t(lang, "rulebooks.title")))
        h1 { (t(lang, "rulebooks.load-title")) }
        p.lead { (t(lang, "rulebooks.load-lead")) }
        @if let Some(e) = error {
            div.error-summary role="alert" {
                h2 { (t(lang, "rulebooks.load-refused")) }
                p #file-error { (e) }
            }
        }
        form method="post" action="/rulebooks/load" enctype="multipart/form-data" {
            (csrf_field())
            div.field {
                label for="file" { (t(lang, "rulebooks.load-file")) }
                input #file type="file" name="file" accept=".toml" required aria-describedby=[error.map(|_| "file-error")];
            }
            div.field {
                label for="note" { (t(lang, "rulebooks.load-note")) }
                input #note type="text" name="note" value=(note) required;
            }
            button type="submit" { (t(lang, "rulebooks.load-button")) }
        }
    }
}

fn finding_line(lang: Lang, f: &Finding) -> Markup {
    html! { (f.rule.as_str()) " " (finding_message(f, lang)) }
}

fn effects_list(lang: Lang, e: &Effects) -> Markup {
    html! {
        h3 { (t(lang, "cli.migrate-findings")) }
        @if e.findings_gone.is_empty() && e.findings_new.is_empty() && e.findings_changed.is_empty() {
            p.hint { (t(lang, "cli.migrate-no-change")) }
        } @else {
            ul.effects {
                @for f in &e.findings_gone { li.gone { "− " (finding_line(lang, f)) } }
                @for f in &e.findings_new { li.new { "+ " (finding_line(lang, f)) } }
                @for c in &e.findings_changed {
                    li { "~ " (finding_line(lang, &c.before)) " → " (finding_message(&c.after, lang)) }
                }
            }
        }
        h3 { (t(lang, "cli.migrate-budget")) }
        @if e.lines.is_empty() {
            p.hint { (t(lang, "cli.migrate-no-change")) }
        } @else {
            table {
                tbody {
                    @for c in &e.lines {
                        @let l = c.after.as_ref().or(c.before.as_ref());
                        tr {
                            td { @if let Some(l) = l { (line_label(l, lang)) } }
                            td.num { @if let Some(b) = &c.before { (amount(b.amount, lang)) } @else { "—" } }
                            td.num { @if let Some(a) = &c.after { (amount(a.amount, lang)) @if a.confidence == mobiplan_core::Confidence::P { "*" } } @else { "—" } }
                        }
                    }
                }
            }
        }
        p { strong { (t(lang, "cli.total")) ": " (amount(e.total_before, lang)) " → " (amount(e.total_after, lang)) } }
    }
}

pub fn loaded_page(lang: Lang, saved: &RulebookEditionSummary, affected: &[Affected]) -> Markup {
    let hidden = affected.iter().filter(|a| a.project.is_none()).count();
    html! {
        (back("/rulebooks", t(lang, "rulebooks.title")))
        h1 { (t(lang, "rulebooks.loaded-title")) }
        p.notice role="status" { (tr(lang, "rulebooks.loaded-text", &[
            ("edition", saved.edition.clone()),
            ("year", saved.call_year.to_string()),
            ("seq", saved.seq.to_string()),
        ])) }
        h2 { (tr(lang, "rulebooks.affected", &[("n", affected.len().to_string())])) }
        @if affected.is_empty() {
            p.hint { (t(lang, "rulebooks.affected-none")) }
        }
        @for a in affected {
            @if let Some((id, title)) = &a.project {
                section.affected {
                    h3 { a href={"/projects/" (id)} { (title) } }
                    (effects_list(lang, &a.effects))
                }
            }
        }
        @if hidden > 0 {
            p { (tr(lang, "rulebooks.affected-hidden", &[("n", hidden.to_string())])) }
        }
    }
}

pub struct MoveView<'a> {
    pub lang: Lang,
    pub id: &'a str,
    pub title: &'a str,
    pub from: u16,
    pub to: u16,
    pub shift: bool,
    pub years: &'a [u16],
    pub effects: Option<&'a Effects>,
    pub after: &'a Evaluation,
}

pub fn move_page(v: MoveView<'_>) -> Markup {
    let lang = v.lang;
    let errors = v
        .after
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count()
        + v.after.input_errors.len();
    html! {
        (back(&format!("/projects/{}", v.id), v.title.to_owned()))
        h1 { (tr(lang, "rulebooks.move-title", &[("year", v.to.to_string())])) }
        p.lead { (tr(lang, "rulebooks.move-lead", &[("from", v.from.to_string()), ("to", v.to.to_string())])) }
        form method="get" action={"/projects/" (v.id) "/move"} {
            label for="to" { (t(lang, "web.label.call_year")) }
            select id="to" name="to" {
                @for y in v.years {
                    @if *y != v.from { option value=(y) selected[*y == v.to] { (y) } }
                }
            }
            label {
                input type="checkbox" name="shift" value="1" checked[v.shift];
                " " (t(lang, "rulebooks.move-shift"))
            }
            button type="submit" { (t(lang, "rulebooks.move-preview")) }
        }
        @match v.effects {
            Some(e) => (effects_list(lang, e)),
            None => p.hint { (t(lang, "rulebooks.move-not-loaded")) },
        }
        p { (tr(lang, "cli.migrate-errors", &[("errors", errors.to_string())])) }
        @if crate::access::may(crate::access::Need::Delete) {
            form method="post" action={"/projects/" (v.id) "/move"} {
                (csrf_field())
                input type="hidden" name="to" value=(v.to);
                @if v.shift { input type="hidden" name="shift" value="1"; }
                button type="submit" { (tr(lang, "rulebooks.move-save", &[("year", v.to.to_string())])) }
                span.meta { " " (t(lang, "rulebooks.move-save-hint")) }
            }
        }
    }
}

/// The project page's link to move the project to the call that is open or coming, when that
/// is another call than the project's — not for a project that records its implementation:
/// it was awarded under its call and stays there.
pub fn move_section(lang: Lang, id: &str, doc: &ProjectFile) -> Markup {
    let suggestion = crate::handlers::rulebooks::move_suggestion(doc.project.call_year);
    let Some(to) = suggestion.filter(|_| doc.implementation.is_none()) else {
        return html! {};
    };
    html! {
        li #move-call {
            h2 { (t(lang, "rulebooks.move-section")) }
            ul { li.task {
                a href={"/projects/" (id) "/move?to=" (to) "&shift=1"} {
                    (tr(lang, "rulebooks.move-link", &[("year", to.to_string())]))
                }
                span.meta { (t(lang, "rulebooks.move-save-hint")) }
            } }
        }
    }
}
