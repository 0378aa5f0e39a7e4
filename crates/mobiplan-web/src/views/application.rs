//! The application in words: the form's narrative sections (background and needs, follow-up,
//! summary), the project's objectives (each with the activities and the part of the budget
//! that serve it), the activities' texts in the activity editor, and the self-assessment
//! against the award criteria.
//!
//! Every long text is a `textarea` with its length counted against the form's limit from the
//! rulebook (`N-TEXT-LIMIT`; the count is rendered here and kept current by the script, an
//! unconfirmed limit says so).

use maud::{Markup, html};
use mobiplan_core::Rulebook;
use mobiplan_core::application::{Part, text_length};
use mobiplan_core::assessment::Assessment;
use mobiplan_core::money::Amount;
use mobiplan_core::project::file::{Application, Objective, ProjectFile};
use mobiplan_i18n::amount;

use crate::access::{Need, may};
use crate::eval::Evaluation;
use crate::forms::FieldError;
use crate::handlers::PAGE_VERSION;
use crate::i18n::{Lang, t, tr};
use crate::views::layout::back;
use crate::views::pages::activity_title;
use crate::views::partials::{Errors, checkbox, error_summary, findings_panel, text_input};

/// A text of a narrative section: its form name, the part of the application it is (for its
/// label and limit) and where it lives in `[application]`.
pub struct TextField {
    pub name: &'static str,
    pub part: Part,
    /// Where the text is read from (nothing is created to read it)…
    pub get: fn(&Application) -> Option<&String>,
    /// …and written to (the follow-up or summary table made when missing).
    pub slot: fn(&mut Application) -> &mut Option<String>,
}

/// A page of narrative texts under `/projects/{id}/application/{path}`.
pub struct Section {
    pub path: &'static str,
    /// `application.section.<id>`: the page's title.
    pub title_key: &'static str,
    pub hint_key: &'static str,
    pub fields: &'static [TextField],
}

pub const BACKGROUND: Section = Section {
    path: "background",
    title_key: "application.section.background",
    hint_key: "web.app.hint.background",
    fields: &[
        TextField {
            name: "background",
            part: Part::Background,
            get: |a| a.background.as_ref(),
            slot: |a| &mut a.background,
        },
        TextField {
            name: "needs",
            part: Part::Needs,
            get: |a| a.needs.as_ref(),
            slot: |a| &mut a.needs,
        },
    ],
};

pub const FOLLOW_UP: Section = Section {
    path: "follow-up",
    title_key: "application.section.follow-up",
    hint_key: "web.app.hint.follow-up",
    fields: &[
        TextField {
            name: "integration",
            part: Part::Integration,
            get: |a| a.follow_up.as_ref().and_then(|t| t.integration.as_ref()),
            slot: |a| &mut a.follow_up.get_or_insert_default().integration,
        },
        TextField {
            name: "sharing",
            part: Part::Sharing,
            get: |a| a.follow_up.as_ref().and_then(|t| t.sharing.as_ref()),
            slot: |a| &mut a.follow_up.get_or_insert_default().sharing,
        },
    ],
};

pub const SUMMARY: Section = Section {
    path: "summary",
    title_key: "application.section.summary",
    hint_key: "web.app.hint.summary",
    fields: &[
        TextField {
            name: "summary_objectives",
            part: Part::SummaryObjectives,
            get: |a| a.summary.as_ref().and_then(|t| t.objectives.as_ref()),
            slot: |a| &mut a.summary.get_or_insert_default().objectives,
        },
        TextField {
            name: "summary_implementation",
            part: Part::SummaryImplementation,
            get: |a| a.summary.as_ref().and_then(|t| t.implementation.as_ref()),
            slot: |a| &mut a.summary.get_or_insert_default().implementation,
        },
        TextField {
            name: "summary_results",
            part: Part::SummaryResults,
            get: |a| a.summary.as_ref().and_then(|t| t.results.as_ref()),
            slot: |a| &mut a.summary.get_or_insert_default().results,
        },
        TextField {
            name: "summary_en_objectives",
            part: Part::SummaryEnObjectives,
            get: |a| a.summary_en.as_ref().and_then(|t| t.objectives.as_ref()),
            slot: |a| &mut a.summary_en.get_or_insert_default().objectives,
        },
        TextField {
            name: "summary_en_implementation",
            part: Part::SummaryEnImplementation,
            get: |a| {
                a.summary_en
                    .as_ref()
                    .and_then(|t| t.implementation.as_ref())
            },
            slot: |a| &mut a.summary_en.get_or_insert_default().implementation,
        },
        TextField {
            name: "summary_en_results",
            part: Part::SummaryEnResults,
            get: |a| a.summary_en.as_ref().and_then(|t| t.results.as_ref()),
            slot: |a| &mut a.summary_en.get_or_insert_default().results,
        },
    ],
};

pub const SECTIONS: [&Section; 3] = [&BACKGROUND, &FOLLOW_UP, &SUMMARY];

/// The text of a field in the document (`None` when not written).
pub fn text_of<'d>(doc: &'d ProjectFile, f: &TextField) -> Option<&'d String> {
    doc.application.as_ref().and_then(|a| (f.get)(a))
}

/// A long text with its label, hint, error and its length against the form's limit.
pub fn long_text(
    lang: Lang,
    rb: Option<&Rulebook>,
    name: &str,
    part: Part,
    value: &str,
    hint: Option<String>,
    errors: &Errors<'_>,
) -> Markup {
    let finding = errors.finding(name);
    let error = errors.of(name).or_else(|| {
        finding
            .filter(|f| f.severity == mobiplan_core::Severity::Error)
            .map(|f| f.message.clone())
    });
    let value = errors.value(name).unwrap_or(value);
    let limit = rb.and_then(|rb| rb.text_limit(part));
    let length = text_length(value);
    let over = limit.is_some_and(|l| length > l.value as usize);
    let mut described = vec![format!("{name}-count")];
    if hint.is_some() {
        described.push(format!("{name}-hint"));
    }
    if error.is_some() {
        described.push(format!("{name}-error"));
    }
    html! {
        div.field.has-error[error.is_some()] {
            label for=(name) { (t(lang, &format!("application.part.{}", part.id()))) }
            @if let Some(h) = &hint { p.hint id={(name) "-hint"} { (h) } }
            @if let Some(e) = &error { p.error-message id={(name) "-error"} { (e) } }
            textarea.long id=(name) name=(name) rows="8" aria-describedby=(described.join(" "))
                aria-invalid=[(over || error.is_some()).then_some("true")]
                data-limit=[limit.map(|l| l.value)] { (value) }
            // The script keeps the count current as the person types (from the templates in
            // data-*); it is read with the field (aria-describedby), not announced per key.
            p.counter.over[over] id={(name) "-count"}
                data-template=(t(lang, if limit.is_some() { "web.app.count" } else { "web.app.count-free" }))
                data-over=(t(lang, "web.app.count-over")) {
                span.count-text {
                    @match limit {
                        Some(l) => {
                            (tr(lang, "web.app.count", &[("n", length.to_string()), ("limit", l.value.to_string())]))
                            @if over { " " (t(lang, "web.app.count-over")) }
                        }
                        None => (tr(lang, "web.app.count-free", &[("n", length.to_string())])),
                    }
                }
                @if limit.is_some_and(|l| l.confidence.is_provisional()) {
                    " " abbr.unconfirmed title=(t(lang, "web.app.limit-unconfirmed")) { "*" }
                }
            }
        }
    }
}

fn label_of(lang: Lang, name: &str) -> String {
    let all = SECTIONS.iter().flat_map(|s| s.fields.iter());
    if let Some(f) = all.clone().find(|f| f.name == name) {
        return t(lang, &format!("application.part.{}", f.part.id()));
    }
    match name {
        "language" => t(lang, "application.part.language"),
        "title" => t(lang, "application.part.objective-title"),
        other => crate::views::pages::label_of(lang, other),
    }
}

/// The form's head: the CSRF token and the version it was rendered from.
fn form_head(version: i64) -> Markup {
    html! {
        (crate::views::accounts::csrf_field())
        input type="hidden" name="version" value=(version);
        input type="hidden" name=(PAGE_VERSION) value=(version);
    }
}

/// A narrative section's page: its texts, each with its count, and its findings.
#[allow(clippy::too_many_arguments)] // the page, its version, and what a save brings back
pub fn section_page(
    lang: Lang,
    project_id: &str,
    doc: &ProjectFile,
    version: i64,
    section: &Section,
    eval: Option<&Evaluation>,
    errors: &[FieldError],
    notice: Option<String>,
) -> Markup {
    let e = Errors::new(lang, errors).with_findings(eval, "application.");
    let rb = crate::eval::rulebook(doc.project.call_year).ok();
    let ro = !may(Need::Edit);
    let action = format!("/projects/{project_id}/application/{}", section.path);
    let language = doc
        .application
        .as_ref()
        .and_then(|a| a.language.clone())
        .unwrap_or_default();
    html! {
        (back(&format!("/projects/{project_id}"), doc.project.title.clone()))
        h1 { (t(lang, section.title_key)) }
        p.hint { (t(lang, section.hint_key)) }
        @if let Some(n) = notice { div.notice role="status" { (n) } }
        (error_summary(lang, errors, &|n| label_of(lang, n)))
        @if ro { p.hint { (t(lang, "web.read-only")) } }
        fieldset.plain disabled[ro] {
            form method="post" action=(action) data-autosave novalidate {
                (form_head(version))
                @if section.path == BACKGROUND.path {
                    (crate::views::partials::input(crate::views::partials::Input {
                        name: "language",
                        label: t(lang, "application.part.language"),
                        value: language.clone(),
                        kind: "text",
                        hint: Some(t(lang, "web.app.hint.language")),
                        attrs: "",
                    }, &e))
                }
                @for f in section.fields {
                    @if f.part == Part::SummaryEnObjectives {
                        h2 { (t(lang, "application.section.summary-en")) }
                        p.hint { (t(lang, "web.app.hint.summary-en")) }
                    }
                    (long_text(lang, rb.as_deref(), f.name, f.part, text_of(doc, f).map_or("", String::as_str), None, &e))
                }
                div.actions {
                    button type="submit" { (t(lang, "web.save")) }
                    span.save-status aria-live="polite" {}
                }
            }
        }
        @if let Some(ev) = eval {
            (findings_panel(lang, project_id, ev, Some("application")))
        }
    }
}

/// The part of the budget that serves an objective: the totals of the activities serving it.
fn objective_budget(eval: Option<&Evaluation>, activity_indices: &[usize]) -> Option<Amount> {
    let budget = eval?.budget.as_ref()?;
    let mut total = Amount::default();
    for o in &budget.by_owner {
        if let mobiplan_core::budget::LineOwner::Activity { index, .. } = &o.owner
            && activity_indices.contains(index)
        {
            total += o.amount;
        }
    }
    Some(total)
}

/// What an objective's page needs.
pub struct ObjectiveView<'a> {
    pub lang: Lang,
    pub project_id: &'a str,
    pub doc: &'a ProjectFile,
    pub version: i64,
    /// The objective's values (`None` on an empty form that adds one).
    pub objective: Option<&'a Objective>,
    /// The form adds an objective (shown again with what was typed when it could not be saved).
    pub new: bool,
    pub action: String,
    pub eval: Option<&'a Evaluation>,
    pub errors: &'a [FieldError],
    pub notice: Option<String>,
}

impl<'a> ObjectiveView<'a> {
    /// The form as first shown: without findings, errors or a notice (each page adds its own).
    pub fn form(
        lang: Lang,
        project_id: &'a str,
        doc: &'a ProjectFile,
        version: i64,
        objective: Option<&'a Objective>,
        new: bool,
        action: String,
    ) -> ObjectiveView<'a> {
        ObjectiveView {
            lang,
            project_id,
            doc,
            version,
            objective,
            new,
            action,
            eval: None,
            errors: &[],
            notice: None,
        }
    }
}

/// An objective: its texts, the call's objectives it serves, and the activities (with their
/// part of the budget) that work towards it.
pub fn objective_page(v: ObjectiveView<'_>) -> Markup {
    let lang = v.lang;
    let index = v.objective.filter(|_| !v.new).and_then(|o| {
        v.doc
            .application
            .as_ref()
            .and_then(|a| a.objectives.iter().position(|x| x.id == o.id))
    });
    let e = match index {
        Some(i) => Errors::new(lang, v.errors)
            .with_findings(v.eval, &format!("application.objectives[{i}].")),
        None => Errors::new(lang, v.errors),
    };
    let rb = crate::eval::rulebook(v.doc.project.call_year).ok();
    let o = v.objective;
    let ro = !may(Need::Edit);
    let text = |s: Option<&Option<String>>| s.cloned().flatten().unwrap_or_default();
    let serving: Vec<(usize, &mobiplan_core::project::file::Activity)> = o
        .map(|o| {
            v.doc
                .activities
                .iter()
                .enumerate()
                .filter(|(_, a)| a.objectives.contains(&o.id))
                .collect()
        })
        .unwrap_or_default();
    let indices: Vec<usize> = serving.iter().map(|(i, _)| *i).collect();
    let field_objectives = rb
        .as_deref()
        .map(|rb| rb.field_objectives(v.doc.project.field).to_vec())
        .unwrap_or_default();
    let title = o
        .and_then(|o| o.title.clone())
        .filter(|_| !v.new)
        .unwrap_or_else(|| t(lang, "web.app.new-objective"));
    html! {
        (back(&format!("/projects/{}", v.project_id), v.doc.project.title.clone()))
        h1 { (title) }
        p.hint { (t(lang, "web.app.hint.objective")) }
        @if let Some(n) = v.notice { div.notice role="status" { (n) } }
        (error_summary(lang, v.errors, &|n| label_of(lang, n)))
        @if ro { p.hint { (t(lang, "web.read-only")) } }
        fieldset.plain disabled[ro] {
            form method="post" action=(v.action) data-autosave[!v.new] novalidate {
                (form_head(v.version))
                (text_input("title", t(lang, "application.part.objective-title"), text(o.map(|o| &o.title)), &e))
                (long_text(lang, rb.as_deref(), "description", Part::ObjectiveDescription, &text(o.map(|o| &o.description)), Some(t(lang, "web.app.hint.description")), &e))
                fieldset.inner #field_objectives {
                    legend { (t(lang, "application.part.objective-field-objectives")) }
                    p.hint { (tr(lang, "web.app.hint.field-objectives", &[("field", t(lang, &format!("field.{}", v.doc.project.field.as_str())))])) }
                    @for (fid, fo) in &field_objectives {
                        (checkbox("field_objectives", fid, fo.value.get(lang.code()).to_owned(), o.is_some_and(|o| o.field_objectives.contains(fid))))
                    }
                }
                (long_text(lang, rb.as_deref(), "expected_results", Part::ObjectiveExpectedResults, &text(o.map(|o| &o.expected_results)), None, &e))
                (long_text(lang, rb.as_deref(), "measurement", Part::ObjectiveMeasurement, &text(o.map(|o| &o.measurement)), None, &e))
                div.actions {
                    button type="submit" { (if v.new { t(lang, "web.app.add-objective") } else { t(lang, "web.save") }) }
                    span.save-status aria-live="polite" {}
                }
            }
        }
        @if let Some(o) = o.filter(|_| !v.new) {
            section aria-labelledby="serving-title" {
                h2 #serving-title { (t(lang, "web.app.served-by")) }
                @if serving.is_empty() {
                    p.hint { (t(lang, "web.app.served-by-none")) }
                } @else {
                    ul {
                        @for (_, a) in &serving {
                            li { a href={"/projects/" (v.project_id) "/activities/" (a.id)} { (activity_title(lang, a)) } }
                        }
                    }
                    @if let Some(total) = objective_budget(v.eval, &indices) {
                        p { (tr(lang, "web.app.objective-budget", &[("amount", amount(total, lang))])) }
                        p.hint { (t(lang, "web.app.objective-budget-hint")) }
                    }
                }
            }
            @if may(Need::Edit) {
                form.inline method="post" action={"/projects/" (v.project_id) "/application/objectives/" (o.id) "/delete"} data-confirm=(t(lang, "web.confirm-delete")) {
                    (crate::views::accounts::csrf_field())
                    input type="hidden" name="version" value=(v.version);
                    button.danger type="submit" { (t(lang, "web.app.delete-objective")) }
                }
            }
        }
        @if let Some(ev) = v.eval {
            // This objective's findings, as the autosave answer refreshes them.
            @let only = index.map_or_else(|| "application.objectives".to_owned(), |i| format!("application.objectives[{i}]"));
            (findings_panel(lang, v.project_id, ev, Some(&only)))
        }
    }
}

/// The activity editor's part of the application: the objectives the activity serves and its
/// texts (learning outcomes, selection, preparation, support).
pub fn activity_texts(
    lang: Lang,
    doc: &ProjectFile,
    kind: mobiplan_core::types::ActivityKind,
    activity: Option<&mobiplan_core::project::file::Activity>,
    errors: &Errors<'_>,
) -> Markup {
    let rb = crate::eval::rulebook(doc.project.call_year).ok();
    let objectives = doc
        .application
        .as_ref()
        .map(|a| a.objectives.as_slice())
        .unwrap_or(&[]);
    let text = |f: fn(&mobiplan_core::project::file::Activity) -> &Option<String>| {
        activity.and_then(|a| f(a).clone()).unwrap_or_default()
    };
    html! {
        fieldset #objectives {
            legend { (t(lang, "web.app.activity-legend")) }
            fieldset.inner {
                legend { (t(lang, "application.part.activity-objectives")) }
                @if objectives.is_empty() {
                    p.hint { (t(lang, "web.app.no-objectives-yet")) }
                }
                @for o in objectives {
                    (checkbox("objectives", &o.id, o.title.clone().unwrap_or_else(|| o.id.clone()), activity.is_some_and(|a| a.objectives.contains(&o.id))))
                }
            }
            (long_text(lang, rb.as_deref(), "learning_outcomes", Part::LearningOutcomes, &text(|a| &a.learning_outcomes), Some(t(lang, "web.app.hint.learning-outcomes")), errors))
            (long_text(lang, rb.as_deref(), "selection", Part::Selection, &text(|a| &a.selection), None, errors))
            (long_text(lang, rb.as_deref(), "preparation", Part::Preparation, &text(|a| &a.preparation), None, errors))
            (long_text(lang, rb.as_deref(), "support", Part::Support, &text(|a| &a.support), None, errors))
            // Learners' activities ask it with the learners' questions above.
            @if kind.participant_role() != mobiplan_core::types::Role::Learner {
                (long_text(lang, rb.as_deref(), "recognition", Part::Recognition, &text(|a| &a.recognition), None, errors))
            }
        }
    }
}

/// The self-assessment: per award criterion its points (data, unconfirmed where not sourced)
/// and per question the texts that answer it or the gap, each linked to its field.
pub fn assessment_page(
    lang: Lang,
    project_id: &str,
    doc: &ProjectFile,
    assessment: Option<&Assessment>,
    eval: &Evaluation,
) -> Markup {
    let star = |unconfirmed: bool| {
        html! { @if unconfirmed { " " abbr.unconfirmed title=(t(lang, "cli.unconfirmed")) { "*" } } }
    };
    html! {
        (back(&format!("/projects/{project_id}"), doc.project.title.clone()))
        h1 { (t(lang, "web.app.assessment")) }
        p.hint { (t(lang, "web.app.hint.assessment")) }
        @match assessment {
            None => p { (t(lang, "web.app.assessment-not-loaded")) },
            Some(a) => {
                p { (tr(lang, "web.app.threshold", &[("min", a.threshold_total.value.to_string()), ("max", a.max_total.to_string())])) (star(a.threshold_total.unconfirmed)) }
                @for c in &a.criteria {
                    section.criterion aria-labelledby={"crit-" (c.id)} {
                        h2 id={"crit-" (c.id)} { (c.name.get(lang.code())) }
                        p.meta {
                            (tr(lang, "web.app.criterion-points", &[("max", c.max_points.value.to_string()), ("min", c.min_points.value.to_string())]))
                            (star(c.max_points.unconfirmed || c.min_points.unconfirmed))
                            " · " (tr(lang, "web.app.answered", &[("answered", c.answered.to_string()), ("gaps", c.gaps.to_string())]))
                        }
                        @for q in &c.questions {
                            h3 { (q.text.get(lang.code())) }
                            @if !q.answers.is_empty() {
                                ul.answers {
                                    @for ans in &q.answers {
                                        li {
                                            a href=(crate::views::partials::field_link(project_id, eval, &ans.field)) {
                                                (t(lang, &format!("application.part.{}", ans.part.id())))
                                                @if let Some(o) = &ans.owner { " — " (o.name) }
                                            }
                                            p.quote { (ans.text) }
                                        }
                                    }
                                }
                            }
                            @if !q.gaps.is_empty() {
                                p.gap-title { (t(lang, "web.app.gaps")) }
                                ul.gaps {
                                    @for g in &q.gaps {
                                        li.sev-warning {
                                            a href=(crate::views::partials::field_link(project_id, eval, &g.field)) {
                                                (t(lang, &format!("application.part.{}", g.part.id())))
                                                @if let Some(o) = &g.owner { " — " (o.name) }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
