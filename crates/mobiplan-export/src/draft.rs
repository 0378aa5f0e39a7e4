//! The application draft: the whole application — its facts and its words — in the order of
//! the form (Context, Participating organisations, Background, Project objectives, Activities,
//! Follow-up, Project summary). Laid out once as a list of blocks, which the PDF (`pdf.rs`)
//! and the Word document (`docx.rs`) each render, so the two never differ in content.

use mobiplan_core::application::{Objective, Part};
use mobiplan_core::project::Activity;
use mobiplan_i18n::Lang;

use crate::Plan;
use crate::text::{activity_name_and_kind, dates, r, t};

/// One piece of the draft.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Block {
    /// The document's title.
    Title(String),
    /// A line under the title (the project's title, the date).
    Subtitle(String),
    /// A section of the form.
    Section(String),
    /// An objective or an activity within a section.
    Item(String),
    /// A short fact: label and value on one line.
    Fact(String, String),
    /// A question of the form (its label) and the text written for it.
    Text(String, String),
    /// A question of the form whose text is not written yet.
    Missing(String),
}

/// The headings of the form's sections, in order, in a language: what every draft contains.
pub fn section_headings(lang: Lang) -> Vec<String> {
    [
        "context",
        "organisations",
        "background",
        "objectives",
        "activities",
        "follow-up",
        "summary",
    ]
    .iter()
    .map(|s| t(lang, &format!("export.application.section.{s}")))
    .collect()
}

fn part_label(lang: Lang, part: Part) -> String {
    t(lang, &format!("application.part.{}", part.id()))
}

/// The text of a part, or the mark that it is missing.
fn text_or_missing(out: &mut Vec<Block>, lang: Lang, part: Part, text: Option<&str>) {
    let label = part_label(lang, part);
    match text {
        Some(s) => out.push(Block::Text(label, s.to_owned())),
        None => out.push(Block::Missing(label)),
    }
}

pub fn blocks(plan: &Plan) -> Vec<Block> {
    let p = plan.project;
    let lang = plan.lang;
    let app = p.application.as_ref();
    let headings = section_headings(lang);
    let mut out = vec![
        Block::Title(t(lang, "export.application.title")),
        Block::Subtitle(p.title.clone()),
    ];

    // Context
    out.push(Block::Section(headings[0].clone()));
    out.push(Block::Fact(
        t(lang, "export.field"),
        t(lang, &format!("field.{}", p.field.as_str())),
    ));
    out.push(Block::Fact(
        t(lang, "export.call"),
        r(
            lang,
            "export.application.call",
            &[
                ("year", p.call_year.to_string()),
                ("round", p.round.to_string()),
            ],
        ),
    ));
    out.push(Block::Fact(
        t(lang, "export.period"),
        format!(
            "{} ({})",
            dates(p.start, p.end()),
            r(
                lang,
                "export.months",
                &[("months", p.duration_months.to_string())]
            )
        ),
    ));
    match app.and_then(|a| a.language.as_deref()) {
        Some(code) => out.push(Block::Fact(
            part_label(lang, Part::Language),
            code.to_ascii_uppercase(),
        )),
        None => out.push(Block::Missing(part_label(lang, Part::Language))),
    }

    // Participating organisations
    out.push(Block::Section(headings[1].clone()));
    let a = &p.applicant;
    let mut applicant = a.name.clone();
    if let Some(oid) = &a.oid {
        applicant.push_str(&format!(" ({} {oid})", t(lang, "export.oid")));
    }
    applicant.push_str(&format!(
        ", {}{}",
        a.town
            .as_deref()
            .map(|t| format!("{t}, "))
            .unwrap_or_default(),
        a.country.as_str()
    ));
    out.push(Block::Fact(t(lang, "export.applicant"), applicant));
    let mut hosts: Vec<String> = Vec::new();
    for o in p
        .activities
        .iter()
        .filter_map(|a| a.host.as_ref().or(a.from.as_ref()))
        .chain(p.visits.iter().map(|v| &v.host))
    {
        let town = o
            .town
            .as_deref()
            .map(|t| format!("{t}, "))
            .unwrap_or_default();
        let line = format!("{} ({town}{})", o.name, o.country.as_str());
        if !hosts.contains(&line) {
            hosts.push(line);
        }
    }
    if !hosts.is_empty() {
        out.push(Block::Fact(
            t(lang, "export.application.partners"),
            hosts.join("; "),
        ));
    }

    // Background
    out.push(Block::Section(headings[2].clone()));
    text_or_missing(
        &mut out,
        lang,
        Part::Background,
        app.and_then(|a| a.background.as_deref()),
    );
    text_or_missing(
        &mut out,
        lang,
        Part::Needs,
        app.and_then(|a| a.needs.as_deref()),
    );

    // Project objectives
    out.push(Block::Section(headings[3].clone()));
    let objectives = app.map(|a| a.objectives.as_slice()).unwrap_or_default();
    if objectives.is_empty() {
        out.push(Block::Missing(part_label(lang, Part::Objectives)));
    }
    for (i, o) in objectives.iter().enumerate() {
        objective(&mut out, plan, i, o);
    }

    // Activities
    out.push(Block::Section(headings[4].clone()));
    for a in &p.activities {
        activity(&mut out, plan, a, objectives);
    }

    // Follow-up
    out.push(Block::Section(headings[5].clone()));
    text_or_missing(
        &mut out,
        lang,
        Part::Integration,
        app.and_then(|a| a.follow_up.integration.as_deref()),
    );
    text_or_missing(
        &mut out,
        lang,
        Part::Sharing,
        app.and_then(|a| a.follow_up.sharing.as_deref()),
    );

    // Project summary, and in English when the application is in another language.
    out.push(Block::Section(headings[6].clone()));
    let s = app.map(|a| &a.summary);
    for (part, text) in [
        (
            Part::SummaryObjectives,
            s.and_then(|s| s.objectives.as_deref()),
        ),
        (
            Part::SummaryImplementation,
            s.and_then(|s| s.implementation.as_deref()),
        ),
        (Part::SummaryResults, s.and_then(|s| s.results.as_deref())),
    ] {
        text_or_missing(&mut out, lang, part, text);
    }
    if let Some(app) = app.filter(|a| a.needs_english_summary()) {
        out.push(Block::Item(t(lang, "application.section.summary-en")));
        let s = &app.summary_en;
        for (part, text) in [
            (Part::SummaryEnObjectives, s.objectives.as_deref()),
            (Part::SummaryEnImplementation, s.implementation.as_deref()),
            (Part::SummaryEnResults, s.results.as_deref()),
        ] {
            text_or_missing(&mut out, lang, part, text);
        }
    }
    out
}

fn objective(out: &mut Vec<Block>, plan: &Plan, i: usize, o: &Objective) {
    let lang = plan.lang;
    out.push(Block::Item(r(
        lang,
        "export.application.objective",
        &[("n", (i + 1).to_string()), ("title", o.name().to_owned())],
    )));
    text_or_missing(
        out,
        lang,
        Part::ObjectiveDescription,
        o.description.as_deref(),
    );
    // The call's objectives in the reader's language, as the rulebook words them; an id the
    // call does not know stays as written (the checker reports it).
    let call = plan.rulebook.field_objectives(plan.project.field);
    let served: Vec<String> = o
        .field_objectives
        .iter()
        .map(|id| {
            call.iter()
                .find(|(k, _)| k == id)
                .map(|(_, text)| text.value.get(lang.code()).to_owned())
                .unwrap_or_else(|| id.clone())
        })
        .collect();
    let label = part_label(lang, Part::ObjectiveFieldObjectives);
    if served.is_empty() {
        out.push(Block::Missing(label));
    } else {
        out.push(Block::Text(label, served.join("\n")));
    }
    text_or_missing(
        out,
        lang,
        Part::ObjectiveExpectedResults,
        o.expected_results.as_deref(),
    );
    text_or_missing(
        out,
        lang,
        Part::ObjectiveMeasurement,
        o.measurement.as_deref(),
    );
}

fn activity(out: &mut Vec<Block>, plan: &Plan, a: &Activity, objectives: &[Objective]) {
    let lang = plan.lang;
    out.push(Block::Item(activity_name_and_kind(lang, a)));
    out.push(Block::Fact(t(lang, "export.dates"), dates(a.start, a.end)));
    let mut who = a.participants.count().to_string();
    if a.accompanying_count() > 0 {
        who.push_str(&format!(" + {}", a.accompanying_count()));
    }
    out.push(Block::Fact(
        t(lang, "export.participants-accompanying"),
        who,
    ));
    let place = a
        .host
        .as_ref()
        .map(|h| format!("{} ({})", h.name, h.country.as_str()))
        .unwrap_or_else(|| plan.project.applicant.name.clone());
    out.push(Block::Fact(t(lang, "export.host"), place));
    let served: Vec<&str> = a
        .objectives
        .iter()
        .filter_map(|&i| objectives.get(i))
        .map(Objective::name)
        .collect();
    let label = part_label(lang, Part::ActivityObjectives);
    if served.is_empty() {
        out.push(Block::Missing(label));
    } else {
        out.push(Block::Text(label, served.join("\n")));
    }
    for (part, text) in [
        (Part::LearningOutcomes, a.learning_outcomes.as_deref()),
        (Part::Selection, a.selection.as_deref()),
        (Part::Preparation, a.preparation.as_deref()),
        (Part::Support, a.support.as_deref()),
        (Part::Recognition, a.recognition.as_deref()),
    ] {
        text_or_missing(out, lang, part, text);
    }
}
