//! Pieces shared by pages: form fields with their errors, the error summary, the findings and
//! budget panels.

use maud::{Markup, html};
use mobiplan_core::budget::{Budget, Line, LineOwner};
use mobiplan_core::finding::{Finding, Subject};
use mobiplan_core::project::InputError;
use mobiplan_core::project::file::ProjectFile;
use mobiplan_core::{Confidence, Severity};
use mobiplan_i18n::{amount, finding_message, input_error_message, line_label};

use crate::eval::Evaluation;
use crate::forms::FieldError;
use crate::i18n::{Lang, t, tr};
use crate::views::field_names::field_label;

/// Field errors of a form, rendered against their inputs.
pub struct Errors<'a> {
    pub lang: Lang,
    pub list: &'a [FieldError],
    /// The input errors and the checker's findings about the form's fields, by input id:
    /// shown at the field too.
    pub at_field: Vec<FieldFinding>,
}

/// A finding or an input error shown at its field: the input's id, the message and its
/// severity (an input error is an error).
#[derive(Clone, Debug)]
pub struct FieldFinding {
    pub input: String,
    pub message: String,
    pub severity: Severity,
}

impl<'a> Errors<'a> {
    pub fn new(lang: Lang, list: &'a [FieldError]) -> Errors<'a> {
        Errors {
            lang,
            list,
            at_field: Vec::new(),
        }
    }

    /// With the input errors and findings of `eval` whose field lies under `prefix`
    /// (`activities[2].`, `application.`, …), each at its input.
    pub fn with_findings(mut self, eval: Option<&Evaluation>, prefix: &str) -> Errors<'a> {
        if let Some(ev) = eval {
            self.at_field.extend(field_findings(self.lang, ev, prefix));
        }
        self
    }

    /// The finding at an input, if any (an error before a warning).
    pub fn finding(&self, name: &str) -> Option<&FieldFinding> {
        self.at_field
            .iter()
            .filter(|f| f.input == name)
            .min_by_key(|f| std::cmp::Reverse(f.severity))
    }

    pub fn of(&self, name: &str) -> Option<String> {
        self.list
            .iter()
            .find(|e| e.name == name)
            .map(|e| t(self.lang, e.key))
    }

    /// The user's text when it could not be read, so it is shown again, never lost — and an
    /// empty field stays empty rather than showing the placeholder the reader filled in.
    pub fn value(&self, name: &str) -> Option<&str> {
        self.list
            .iter()
            .find(|e| e.name == name)
            .map(|e| e.value.as_str())
    }
}

/// The GOV.UK-style error summary at the top of a form, linking to each field.
pub fn error_summary(lang: Lang, errors: &[FieldError], labels: &dyn Fn(&str) -> String) -> Markup {
    html! {
        @if !errors.is_empty() {
            div.error-summary role="alert" tabindex="-1" aria-labelledby="error-summary-title" {
                h2 #error-summary-title { (t(lang, "web.error-summary")) }
                ul {
                    @for e in errors {
                        li { a href={"#" (e.name)} { (labels(&e.name)) ": " (t(lang, e.key)) } }
                    }
                }
            }
        }
    }
}

pub struct Input<'a> {
    pub name: &'a str,
    pub label: String,
    pub value: String,
    pub kind: &'a str,
    pub hint: Option<String>,
    pub attrs: &'a str,
}

/// The `aria-describedby` of an input: the ids of its hint and error, only those that are
/// rendered (a name that points at nothing is an accessibility error), `None` when neither is.
fn described_by(name: &str, hint: bool, error: bool) -> Option<String> {
    let ids: Vec<String> = [(hint, "hint"), (error, "error")]
        .into_iter()
        .filter(|(shown, _)| *shown)
        .map(|(_, what)| format!("{name}-{what}"))
        .collect();
    (!ids.is_empty()).then(|| ids.join(" "))
}

/// A labelled input with its hint and error; `attrs` adds e.g. `inputmode` through `kind`.
pub fn input(i: Input<'_>, errors: &Errors<'_>) -> Markup {
    let finding = errors.finding(i.name);
    let error = errors.of(i.name).or_else(|| {
        finding
            .filter(|f| f.severity == Severity::Error)
            .map(|f| f.message.clone())
    });
    let advice = finding
        .filter(|f| f.severity != Severity::Error)
        .map(|f| f.message.clone());
    let value = errors.value(i.name).map(str::to_owned).unwrap_or(i.value);
    let described = described_by(
        i.name,
        i.hint.is_some() || advice.is_some(),
        error.is_some(),
    );
    let invalid = error.is_some().then_some("true");
    html! {
        div.field.has-error[error.is_some()] {
            label for=(i.name) { (i.label) }
            @if i.hint.is_some() || advice.is_some() {
                p.hint id={(i.name) "-hint"} {
                    @if let Some(h) = &i.hint { (h) }
                    @if let Some(a) = &advice { " " span.finding-at-field { (a) } }
                }
            }
            @if let Some(e) = &error { p.error-message id={(i.name) "-error"} { (e) } }
            @match i.kind {
                "textarea" => textarea id=(i.name) name=(i.name) aria-describedby=[&described] aria-invalid=[invalid] rows="3" { (value) },
                "date" => input id=(i.name) name=(i.name) type="date" value=(value) aria-describedby=[&described] aria-invalid=[invalid];
                "number" => input id=(i.name) name=(i.name) type="number" min="0" value=(value) aria-describedby=[&described] aria-invalid=[invalid];
                "decimal" => input id=(i.name) name=(i.name) type="text" inputmode="decimal" value=(value) aria-describedby=[&described] aria-invalid=[invalid] data-kind=(i.attrs);
                _ => input id=(i.name) name=(i.name) type="text" value=(value) aria-describedby=[&described] aria-invalid=[invalid] data-kind=(i.attrs);
            }
        }
    }
}

/// One input of a table row (people, accompanying persons, real costs, earlier grants): a
/// cell labelled by its column, with its error above the input and the text the user typed
/// kept when it could not be read. `kind` as for [`input`].
pub fn cell(name: &str, kind: &str, label: String, value: String, errors: &Errors<'_>) -> Markup {
    let error = errors.of(name);
    let value = errors.value(name).map(str::to_owned).unwrap_or(value);
    let described = described_by(name, false, error.is_some());
    html! {
        td.has-error[error.is_some()] {
            @if let Some(e) = &error { p.error-message id={(name) "-error"} { (e) } }
            @match kind {
                "date" => input id=(name) name=(name) type="date" aria-label=(label) value=(value) aria-describedby=[&described];
                "number" => input id=(name) name=(name) type="number" min="0" aria-label=(label) value=(value) aria-describedby=[&described];
                "decimal" => input id=(name) name=(name) type="text" inputmode="decimal" aria-label=(label) value=(value) aria-describedby=[&described];
                _ => input id=(name) name=(name) type="text" aria-label=(label) value=(value) aria-describedby=[&described];
            }
        }
    }
}

pub fn text_input(name: &str, label: String, value: String, errors: &Errors<'_>) -> Markup {
    input(
        Input {
            name,
            label,
            value,
            kind: "text",
            hint: None,
            attrs: "",
        },
        errors,
    )
}

pub fn checkbox(name: &str, value: &str, label: String, checked: bool) -> Markup {
    let id = format!("{name}-{value}");
    html! {
        div.check {
            input type="checkbox" id=(id) name=(name) value=(value) checked[checked];
            label for=(id) { (label) }
        }
    }
}

pub fn select(
    name: &str,
    label: String,
    options: &[(String, String)],
    selected: &str,
    errors: &Errors<'_>,
) -> Markup {
    let error = errors.of(name);
    // What the user sent when it could not be read (an empty choice stays unchosen).
    let selected = errors.value(name).unwrap_or(selected);
    let described = described_by(name, false, error.is_some());
    html! {
        div.field.has-error[error.is_some()] {
            label for=(name) { (label) }
            @if let Some(e) = &error { p.error-message id={(name) "-error"} { (e) } }
            select id=(name) name=(name) aria-describedby=[&described] {
                @for (v, l) in options {
                    option value=(v) selected[v == selected] { (l) }
                }
            }
        }
    }
}

fn severity_class(s: Severity) -> &'static str {
    match s {
        Severity::Error => "sev-error",
        Severity::Warning => "sev-warning",
        Severity::Info => "sev-info",
    }
}

/// Where in the web app a file field is edited: the page and the input id.
pub fn field_link(project_id: &str, eval: &Evaluation, field: &str) -> String {
    let base = format!("/projects/{project_id}");
    let doc_index = |prefix: &str| -> Option<usize> {
        field
            .strip_prefix(prefix)
            .and_then(|r| r.split(']').next())
            .and_then(|n| n.parse().ok())
    };
    if let Some(i) = doc_index("activities[") {
        let id = eval
            .project
            .as_ref()
            .and_then(|p| p.activities.get(i))
            .map(|a| a.id.to_string())
            .or_else(|| {
                let doc = eval.document.as_ref()?;
                doc.activities.get(i).map(|a| a.id.clone())
            });
        if let Some(id) = id {
            let rest = field.split_once("].").map(|(_, r)| r).unwrap_or("");
            return format!("{base}/activities/{id}#{}", input_id(rest));
        }
        return format!("{base}#activities");
    }
    if let Some(i) = doc_index("preparatory_visits[") {
        let id = eval
            .project
            .as_ref()
            .and_then(|p| p.visits.get(i))
            .map(|v| v.id.clone())
            .or_else(|| {
                let doc = eval.document.as_ref()?;
                doc.preparatory_visits.get(i).map(|v| v.id.clone())
            });
        if let Some(id) = id {
            let rest = field.split_once("].").map(|(_, r)| r).unwrap_or("");
            return format!("{base}/visits/{id}#{}", input_id(rest));
        }
        return format!("{base}#visits");
    }
    if field.starts_with("people") {
        return format!("{base}/people");
    }
    if let Some(rest) = field.strip_prefix("application.") {
        return application_link(&base, eval, rest);
    }
    if field.starts_with("project.") || field.starts_with("applicant.") {
        let rest = field.split_once('.');
        let id = match rest {
            Some(("project", r)) => input_id(r),
            Some(("applicant", r)) => format!("applicant_{}", input_id(r)),
            _ => String::new(),
        };
        return format!("{base}/details#{id}");
    }
    format!("{base}#{}", input_id(field))
}

/// Where a field of `[application]` is edited: its section's page, an objective's page, and
/// the input by its form name.
fn application_link(base: &str, eval: &Evaluation, rest: &str) -> String {
    let app = format!("{base}/application");
    if let Some(r) = rest.strip_prefix("objectives[") {
        let index: Option<usize> = r.split(']').next().and_then(|n| n.parse().ok());
        let id = index.and_then(|i| {
            eval.project
                .as_ref()
                .and_then(|p| p.application.as_ref())
                .and_then(|a| a.objectives.get(i))
                .map(|o| o.id.clone())
                .or_else(|| {
                    let app = eval.document.as_ref()?.application.as_ref()?;
                    app.objectives.get(i).map(|o| o.id.clone())
                })
        });
        let input = r
            .split_once("].")
            .map(|(_, f)| input_id(f))
            .unwrap_or_default();
        return match id {
            Some(id) => format!("{app}/objectives/{id}#{input}"),
            None => format!("{base}#application"),
        };
    }
    match rest.split_once('.') {
        Some(("follow_up", f)) => format!("{app}/follow-up#{}", input_id(f)),
        Some(("summary", f)) => format!("{app}/summary#summary_{}", input_id(f)),
        Some(("summary_en", f)) => format!("{app}/summary#summary_en_{}", input_id(f)),
        _ => match rest {
            "objectives" => format!("{app}/objectives/new"),
            "follow_up" => format!("{app}/follow-up"),
            "summary" | "summary_en" => format!("{app}/summary"),
            other => format!("{app}/background#{}", input_id(other)),
        },
    }
}

/// The input errors and findings about fields under `prefix`, each with the id of the input
/// that edits it on the page of that part (`activities[2].end` → `end`, `project.start` →
/// `start`, `applicant.oid` → `applicant_oid`, `application.summary.results` →
/// `summary_results`). An input error is an error at its field like an error finding.
pub fn field_findings(lang: Lang, eval: &Evaluation, prefix: &str) -> Vec<FieldFinding> {
    let input_of = |field: &str| -> Option<String> {
        let rest = field.strip_prefix(prefix)?;
        Some(match prefix {
            "project." => input_id(rest),
            "applicant." => format!("applicant_{}", input_id(rest)),
            "application." => match rest.split_once('.') {
                Some(("summary", r)) => format!("summary_{}", input_id(r)),
                Some(("summary_en", r)) => format!("summary_en_{}", input_id(r)),
                Some(("follow_up", r)) => input_id(r),
                _ => input_id(rest),
            },
            _ => input_id(rest),
        })
    };
    let inputs = eval.input_errors.iter().filter_map(|e| {
        Some(FieldFinding {
            input: input_of(&e.field)?,
            message: input_error_message(e, lang),
            severity: Severity::Error,
        })
    });
    let findings = eval.findings.iter().filter_map(|f| {
        Some(FieldFinding {
            input: input_of(f.field.as_deref()?)?,
            message: finding_message(f, lang),
            severity: f.severity,
        })
    });
    inputs.chain(findings).collect()
}

/// The input id for a file path inside a section: `travel.days` → `travel_days`,
/// `participants.names[0]` → `participants_count`.
fn input_id(rest: &str) -> String {
    let first = rest.split('[').next().unwrap_or(rest);
    match first {
        "participants.names" | "participants" => "participants_count".into(),
        "persons.names" | "persons" => "persons_count".into(),
        "host.related_to_sender" => "host_related".into(),
        "travel.return_date" => "travel_return".into(),
        "accompanying" => "acc_0_count".into(),
        other => other.replace('.', "_"),
    }
}

/// What a finding is about, as people call it: an activity by its kind and title, a visit by
/// its host, a person by name — the id only when the project does not load.
fn subject_text(s: &Subject, lang: Lang, eval: &Evaluation) -> String {
    let p = eval.project.as_ref();
    match s {
        Subject::Project => t(lang, "cli.project"),
        Subject::Activity { id, .. } => p
            .and_then(|p| p.activities.iter().find(|a| *a.id == **id))
            .map(|a| crate::views::pages::kind_and_title(lang, a.kind, a.title.as_deref()))
            .unwrap_or_else(|| id.to_string()),
        Subject::Visit { id, .. } => p
            .and_then(|p| p.visits.iter().find(|v| v.id == **id))
            .map(|v| tr(lang, "web.subject-visit", &[("host", v.host.name.clone())]))
            .unwrap_or_else(|| id.to_string()),
        Subject::Person { id } => p
            .and_then(|p| p.people.iter().find(|x| x.id == **id))
            .map(|x| x.name.clone())
            .unwrap_or_else(|| id.to_string()),
    }
}

/// Input errors in people's words: the field by its label (linked to it where `link` gives
/// a place), the message, the line when the parser gave one; the file path and the parser's
/// own words only under "Technical details".
pub fn input_error_list(
    lang: Lang,
    doc: Option<&ProjectFile>,
    errors: &[&InputError],
    link: &dyn Fn(&str) -> Option<String>,
) -> Markup {
    html! {
        ul.finding-list.input-errors {
            @for e in errors {
                @let label = field_label(lang, doc, &e.field);
                li.sev-error {
                    span.tag { (t(lang, "severity.error")) }
                    @match link(&e.field) {
                        Some(href) => a.field-name href=(href) { (label) },
                        None => strong.field-name { (label) },
                    }
                    @if let Some(line) = e.line {
                        " (" (tr(lang, "web.input-line", &[("line", line.to_string())])) ")"
                    }
                    ": " (input_error_message(e, lang))
                    @if !e.field.is_empty() || e.detail.is_some() {
                        details.tech {
                            summary { (t(lang, "web.technical-details")) span.vh { ": " (label) } }
                            @if !e.field.is_empty() { code { (e.field) } }
                            @if let Some(d) = &e.detail { p { code { (d) } } }
                        }
                    }
                }
            }
        }
    }
}

/// Every finding in plain words, linked to the field to fix. Input errors come first: they
/// stop the checks until fixed.
pub fn findings_panel(
    lang: Lang,
    project_id: &str,
    eval: &Evaluation,
    only: Option<&str>,
) -> Markup {
    let keep = |field: Option<&str>| match (only, field) {
        (None, _) => true,
        (Some(prefix), Some(f)) => crate::eval::lies_under(f, prefix),
        (Some(_), None) => false,
    };
    let inputs: Vec<&InputError> = eval
        .input_errors
        .iter()
        .filter(|e| keep(Some(&e.field)))
        .collect();
    let findings: Vec<&Finding> = eval
        .findings
        .iter()
        .filter(|f| keep(f.field.as_deref()))
        .collect();
    html! {
        section.findings #findings aria-live="polite" aria-labelledby="findings-title" {
            h2 #findings-title { (t(lang, "cli.findings")) }
            @if inputs.is_empty() && findings.is_empty() {
                p.ok { (t(lang, "cli.no-findings")) }
            }
            @if !inputs.is_empty() {
                p.hint { (t(lang, "web.input-errors-hint")) }
                (input_error_list(lang, eval.document.as_ref(), &inputs, &|field| {
                    Some(field_link(project_id, eval, field))
                }))
            }
            @if !findings.is_empty() {
                ul.finding-list {
                    @for f in &findings {
                        li class=(severity_class(f.severity)) {
                            span.tag { (t(lang, &format!("severity.{}", f.severity.as_str()))) }
                            code.rule { (f.rule.as_str()) }
                            " " span.subject { (subject_text(&f.subject, lang, eval)) }
                            p { (finding_message(f, lang))
                                @if f.confidence == Confidence::P {
                                    " " abbr.unconfirmed title=(t(lang, "cli.unconfirmed")) { "*" }
                                }
                            }
                            @if let Some(field) = &f.field {
                                a.fix href=(field_link(project_id, eval, field)) { (t(lang, "web.fix")) }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn line_row(lang: Lang, rb: Option<&mobiplan_core::Rulebook>, line: &Line, depth: usize) -> Markup {
    // A value's source by its title (the rulebook's sources), its id where it has none.
    let source = |id: &str| {
        rb.and_then(|rb| rb.sources.get(id)).map_or_else(
            || id.to_owned(),
            |s| mobiplan_i18n::source_title(s, lang).to_owned(),
        )
    };
    html! {
        tr.line.child[depth > 0] {
            td {
                (line_label(line, lang))
                @if line.confidence == Confidence::P {
                    " " abbr.unconfirmed title=(t(lang, "cli.unconfirmed")) { "*" }
                }
                details.why {
                    // Each toggle says which number it explains, to a screen reader too.
                    summary { (t(lang, "cli.why")) span.vh { ": " (line_label(line, lang)) } }
                    p { code { "= " (line.formula) } }
                    @if !line.params.is_empty() {
                        ul {
                            @for p in &line.params {
                                li {
                                    (mobiplan_i18n::param_value(&p.value, lang)) " — " (source(&p.source)) "; "
                                    (t(lang, &format!("confidence.{:?}", p.confidence)))
                                    // Where the value lives in the rulebook, for those who check it.
                                    details.tech {
                                        summary { (t(lang, "web.technical-details")) }
                                        code { (p.path) } " · " code { (p.source) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            td.num {
                @if line.incomplete { "?" }
                @else {
                    @if line.placeholder {
                        abbr.placeholder title=(t(lang, "cli.placeholder-mark")) { "≈" } " "
                    }
                    (amount(line.amount, lang))
                }
            }
        }
        @for c in &line.children { (line_row(lang, rb, c, depth + 1)) }
    }
}

/// The budget: per activity with "why this number" on every line, then per category.
///
/// Each activity's and visit's lines are headed by what a person calls it (the activity's
/// title, the visit's host), never by its id. The panel is not a live region: an autosave
/// would read all of it out again; the editor's total is the live part.
pub fn budget_panel(
    lang: Lang,
    doc: &mobiplan_core::project::file::ProjectFile,
    budget: &Budget,
    currency: &str,
    only: Option<&str>,
) -> Markup {
    let rb = crate::eval::rulebook(doc.project.call_year).ok();
    let owner_id = |o: &LineOwner| match o {
        LineOwner::Activity { id, .. } | LineOwner::Visit { id, .. } => id.to_string(),
    };
    let owner_name = |o: &LineOwner| match o {
        LineOwner::Activity { index, id } => doc
            .activities
            .get(*index)
            .map(|a| {
                a.title
                    .clone()
                    .unwrap_or_else(|| t(lang, &format!("kind.{}", a.kind.id())))
            })
            .unwrap_or_else(|| id.to_string()),
        LineOwner::Visit { index, id } => doc
            .preparatory_visits
            .get(*index)
            .map(|v| format!("{}: {}", t(lang, "kind.preparatory-visit"), v.host.name))
            .unwrap_or_else(|| id.to_string()),
    };
    let lines: Vec<&Line> = budget
        .lines
        .iter()
        .filter(|l| only.is_none_or(|id| owner_id(&l.owner) == id))
        .collect();
    let mut owners: Vec<(String, String)> = Vec::new();
    for l in &lines {
        let id = owner_id(&l.owner);
        if !owners.iter().any(|(o, _)| *o == id) {
            owners.push((id, owner_name(&l.owner)));
        }
    }
    html! {
        section.budget #budget aria-labelledby="budget-title" {
            h2 #budget-title { (t(lang, "cli.budget")) }
            @if only.is_none() {
                p.total { (t(lang, "cli.total")) ": " strong { (amount(budget.total, lang)) " " (currency) } }
                @match &budget.rate_profile {
                    Some(p) => p.hint { (tr(lang, "cli.profile-note", &[("profile", p.clone())])) },
                    None => p.hint { (t(lang, "web.range-note")) },
                }
                @if budget.incomplete { p.warning { (t(lang, "cli.incomplete-note")) } }
                @if budget.placeholder { p.warning { (t(lang, "cli.placeholder-note")) } }
            }
            @for (owner, name) in &owners {
                div.table-scroll { table.lines {
                    caption { (name) }
                    tbody {
                        @for l in lines.iter().filter(|l| owner_id(&l.owner) == *owner) {
                            (line_row(lang, rb.as_deref(), l, 0))
                        }
                    }
                } }
            }
            @if only.is_none() {
                div.table-scroll { table.categories {
                    caption { (t(lang, "cli.by-category")) }
                    tbody {
                        @for c in &budget.by_category {
                            @if c.amount.max.cents() != 0 {
                                tr { td { (t(lang, &format!("category.{}", c.category.id()))) } td.num { (amount(c.amount, lang)) } }
                            }
                        }
                        tr.sum { td { (t(lang, "cli.total")) } td.num { (amount(budget.total, lang)) " " (currency) } }
                    }
                } }
                @if budget.confidence == Confidence::P { p.hint { (t(lang, "cli.provisional-note")) } }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(hint: Option<&str>, errors: &[FieldError]) -> String {
        let e = Errors::new(Lang::En, errors);
        input(
            Input {
                name: "start",
                label: "Start".into(),
                value: "2026-10-05".into(),
                kind: "date",
                hint: hint.map(str::to_owned),
                attrs: "",
            },
            &e,
        )
        .into_string()
    }

    /// aria-describedby names exactly the hint and error paragraphs that are rendered.
    #[test]
    fn an_input_is_described_only_by_what_is_shown() {
        let plain = render(None, &[]);
        assert!(!plain.contains("aria-describedby"), "{plain}");

        let hinted = render(Some("When it starts"), &[]);
        assert!(hinted.contains(r#"id="start-hint""#), "{hinted}");
        assert!(
            hinted.contains(r#"aria-describedby="start-hint""#),
            "{hinted}"
        );

        let error = FieldError {
            name: "start".into(),
            key: "web.error.required",
            value: String::new(),
        };
        let both = render(Some("When it starts"), std::slice::from_ref(&error));
        assert!(both.contains(r#"id="start-error""#), "{both}");
        assert!(
            both.contains(r#"aria-describedby="start-hint start-error""#),
            "{both}"
        );
        // The empty text the user sent is shown again, not the reader's placeholder date.
        assert!(both.contains(r#"value="""#), "{both}");

        let only_error = render(None, &[error]);
        assert!(
            only_error.contains(r#"aria-describedby="start-error""#),
            "{only_error}"
        );
    }
}
