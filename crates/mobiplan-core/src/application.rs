//! The application in words: the organisation's background and needs, the project's
//! objectives, what each activity is for, the follow-up and the summary — the half of a KA122
//! application that is not numbers.
//!
//! The file form is [`crate::project::file::Application`] (and the narrative fields of
//! `file::Activity`); this module holds the loaded form ([`Application`]) and the vocabulary
//! the checker, the self-assessment ([`crate::assessment`]) and the exports share: the parts
//! of the form ([`Part`]), grouped in the form's sections ([`Section`]), and where each text
//! lives in the project file.

use serde::{Deserialize, Serialize};

use crate::project::Project;

/// The application's narrative, loaded: texts that are empty or only spaces are `None`, and
/// objective ids are unique (activities refer to objectives by index).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Application {
    /// Lower-case two-letter code (ISO 639-1).
    pub language: Option<String>,
    pub background: Option<String>,
    pub needs: Option<String>,
    pub objectives: Vec<Objective>,
    pub follow_up: FollowUp,
    pub summary: Summary,
    pub summary_en: Summary,
}

impl Application {
    /// Whether the English summary is needed: the application is written in another language.
    /// While the language is not given this cannot be known, and the missing language is
    /// reported instead.
    pub fn needs_english_summary(&self) -> bool {
        self.language.as_deref().is_some_and(|l| l != "en")
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Objective {
    pub id: String,
    pub title: Option<String>,
    pub description: Option<String>,
    /// Ids of the call's field objectives, as written (the checker says which are unknown).
    pub field_objectives: Vec<String>,
    pub expected_results: Option<String>,
    pub measurement: Option<String>,
}

impl Objective {
    /// How people call the objective: its title, or its id until it has one.
    pub fn name(&self) -> &str {
        self.title.as_deref().unwrap_or(&self.id)
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct FollowUp {
    pub integration: Option<String>,
    pub sharing: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Summary {
    pub objectives: Option<String>,
    pub implementation: Option<String>,
    pub results: Option<String>,
}

/// The sections of the form that are written in words, in the form's order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Section {
    /// The application's language (the form's Context section).
    Context,
    Background,
    Objectives,
    Activities,
    FollowUp,
    Summary,
    SummaryEn,
}

impl Section {
    pub const ALL: [Section; 7] = [
        Section::Context,
        Section::Background,
        Section::Objectives,
        Section::Activities,
        Section::FollowUp,
        Section::Summary,
        Section::SummaryEn,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Section::Context => "context",
            Section::Background => "background",
            Section::Objectives => "objectives",
            Section::Activities => "activities",
            Section::FollowUp => "follow-up",
            Section::Summary => "summary",
            Section::SummaryEn => "summary-en",
        }
    }
}

/// One text (or list) of the application, wherever it is asked: once per project (background),
/// once per objective (its description) or once per activity (its learning outcomes).
/// Award-criteria questions in the rulebook name the parts that answer them by these ids.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Part {
    Language,
    Background,
    Needs,
    /// The list of objectives itself (at least one is needed).
    Objectives,
    ObjectiveTitle,
    ObjectiveDescription,
    ObjectiveFieldObjectives,
    ObjectiveExpectedResults,
    ObjectiveMeasurement,
    /// The objectives an activity serves.
    ActivityObjectives,
    LearningOutcomes,
    Selection,
    Preparation,
    Support,
    /// How learning outcomes are assessed and recognised (`recognition`).
    Recognition,
    Integration,
    Sharing,
    SummaryObjectives,
    SummaryImplementation,
    SummaryResults,
    SummaryEnObjectives,
    SummaryEnImplementation,
    SummaryEnResults,
}

/// Whose a part is: the project's, each objective's or each activity's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Owner {
    Project,
    Objective,
    Activity,
}

impl Part {
    pub const ALL: [Part; 23] = [
        Part::Language,
        Part::Background,
        Part::Needs,
        Part::Objectives,
        Part::ObjectiveTitle,
        Part::ObjectiveDescription,
        Part::ObjectiveFieldObjectives,
        Part::ObjectiveExpectedResults,
        Part::ObjectiveMeasurement,
        Part::ActivityObjectives,
        Part::LearningOutcomes,
        Part::Selection,
        Part::Preparation,
        Part::Support,
        Part::Recognition,
        Part::Integration,
        Part::Sharing,
        Part::SummaryObjectives,
        Part::SummaryImplementation,
        Part::SummaryResults,
        Part::SummaryEnObjectives,
        Part::SummaryEnImplementation,
        Part::SummaryEnResults,
    ];

    /// The id used in the rulebook, in message arguments and translation keys
    /// (`application.part.<id>`).
    pub fn id(self) -> &'static str {
        match self {
            Part::Language => "language",
            Part::Background => "background",
            Part::Needs => "needs",
            Part::Objectives => "objectives",
            Part::ObjectiveTitle => "objective-title",
            Part::ObjectiveDescription => "objective-description",
            Part::ObjectiveFieldObjectives => "objective-field-objectives",
            Part::ObjectiveExpectedResults => "objective-expected-results",
            Part::ObjectiveMeasurement => "objective-measurement",
            Part::ActivityObjectives => "activity-objectives",
            Part::LearningOutcomes => "learning-outcomes",
            Part::Selection => "selection",
            Part::Preparation => "preparation",
            Part::Support => "support",
            Part::Recognition => "recognition",
            Part::Integration => "integration",
            Part::Sharing => "sharing",
            Part::SummaryObjectives => "summary-objectives",
            Part::SummaryImplementation => "summary-implementation",
            Part::SummaryResults => "summary-results",
            Part::SummaryEnObjectives => "summary-en-objectives",
            Part::SummaryEnImplementation => "summary-en-implementation",
            Part::SummaryEnResults => "summary-en-results",
        }
    }

    pub fn owner(self) -> Owner {
        match self {
            Part::ObjectiveTitle
            | Part::ObjectiveDescription
            | Part::ObjectiveFieldObjectives
            | Part::ObjectiveExpectedResults
            | Part::ObjectiveMeasurement => Owner::Objective,
            Part::ActivityObjectives
            | Part::LearningOutcomes
            | Part::Selection
            | Part::Preparation
            | Part::Support
            | Part::Recognition => Owner::Activity,
            _ => Owner::Project,
        }
    }

    /// The section of the form the part belongs to.
    pub fn section(self) -> Section {
        match self {
            Part::Language => Section::Context,
            Part::Background | Part::Needs => Section::Background,
            Part::Objectives
            | Part::ObjectiveTitle
            | Part::ObjectiveDescription
            | Part::ObjectiveFieldObjectives
            | Part::ObjectiveExpectedResults
            | Part::ObjectiveMeasurement => Section::Objectives,
            Part::ActivityObjectives
            | Part::LearningOutcomes
            | Part::Selection
            | Part::Preparation
            | Part::Support
            | Part::Recognition => Section::Activities,
            Part::Integration | Part::Sharing => Section::FollowUp,
            Part::SummaryObjectives | Part::SummaryImplementation | Part::SummaryResults => {
                Section::Summary
            }
            Part::SummaryEnObjectives | Part::SummaryEnImplementation | Part::SummaryEnResults => {
                Section::SummaryEn
            }
        }
    }

    /// The field's path in the project file; `index` is the objective's or activity's.
    pub fn field(self, index: usize) -> String {
        let o = |rest: &str| format!("application.objectives[{index}].{rest}");
        let a = |rest: &str| format!("activities[{index}].{rest}");
        match self {
            Part::Language => "application.language".into(),
            Part::Background => "application.background".into(),
            Part::Needs => "application.needs".into(),
            Part::Objectives => "application.objectives".into(),
            Part::ObjectiveTitle => o("title"),
            Part::ObjectiveDescription => o("description"),
            Part::ObjectiveFieldObjectives => o("field_objectives"),
            Part::ObjectiveExpectedResults => o("expected_results"),
            Part::ObjectiveMeasurement => o("measurement"),
            Part::ActivityObjectives => a("objectives"),
            Part::LearningOutcomes => a("learning_outcomes"),
            Part::Selection => a("selection"),
            Part::Preparation => a("preparation"),
            Part::Support => a("support"),
            Part::Recognition => a("recognition"),
            Part::Integration => "application.follow_up.integration".into(),
            Part::Sharing => "application.follow_up.sharing".into(),
            Part::SummaryObjectives => "application.summary.objectives".into(),
            Part::SummaryImplementation => "application.summary.implementation".into(),
            Part::SummaryResults => "application.summary.results".into(),
            Part::SummaryEnObjectives => "application.summary_en.objectives".into(),
            Part::SummaryEnImplementation => "application.summary_en.implementation".into(),
            Part::SummaryEnResults => "application.summary_en.results".into(),
        }
    }

    /// Whether the part is free text (with a length limit in the form), not a choice or list.
    pub fn is_text(self) -> bool {
        !matches!(
            self,
            Part::Language
                | Part::Objectives
                | Part::ObjectiveFieldObjectives
                | Part::ActivityObjectives
        )
    }
}

/// The text of a free-text part for one owner (`index` of the objective or activity; ignored
/// for the project's parts), borrowed; `None` when it is not written, the owner does not
/// exist, or the part is a list or choice (see [`part_text`] for those).
pub fn text_of(p: &Project, part: Part, index: usize) -> Option<&str> {
    let app = p.application.as_ref();
    let objective = || app.and_then(|a| a.objectives.get(index));
    let activity = || p.activities.get(index);
    let t = match part {
        Part::Background => app.and_then(|a| a.background.as_ref()),
        Part::Needs => app.and_then(|a| a.needs.as_ref()),
        Part::ObjectiveTitle => objective().and_then(|o| o.title.as_ref()),
        Part::ObjectiveDescription => objective().and_then(|o| o.description.as_ref()),
        Part::ObjectiveExpectedResults => objective().and_then(|o| o.expected_results.as_ref()),
        Part::ObjectiveMeasurement => objective().and_then(|o| o.measurement.as_ref()),
        Part::LearningOutcomes => activity().and_then(|a| a.learning_outcomes.as_ref()),
        Part::Selection => activity().and_then(|a| a.selection.as_ref()),
        Part::Preparation => activity().and_then(|a| a.preparation.as_ref()),
        Part::Support => activity().and_then(|a| a.support.as_ref()),
        Part::Recognition => activity().and_then(|a| a.recognition.as_ref()),
        Part::Integration => app.and_then(|a| a.follow_up.integration.as_ref()),
        Part::Sharing => app.and_then(|a| a.follow_up.sharing.as_ref()),
        Part::SummaryObjectives => app.and_then(|a| a.summary.objectives.as_ref()),
        Part::SummaryImplementation => app.and_then(|a| a.summary.implementation.as_ref()),
        Part::SummaryResults => app.and_then(|a| a.summary.results.as_ref()),
        Part::SummaryEnObjectives => app.and_then(|a| a.summary_en.objectives.as_ref()),
        Part::SummaryEnImplementation => app.and_then(|a| a.summary_en.implementation.as_ref()),
        Part::SummaryEnResults => app.and_then(|a| a.summary_en.results.as_ref()),
        Part::Language
        | Part::Objectives
        | Part::ObjectiveFieldObjectives
        | Part::ActivityObjectives => None,
    };
    t.map(String::as_str)
}

/// The text a part holds for one owner (`index` of the objective or activity; ignored for
/// the project's parts). `None` when it is not written, or the owner does not exist. Lists
/// (objectives served, field objectives) are given as their ids joined by ", ".
pub fn part_text(p: &Project, part: Part, index: usize) -> Option<String> {
    let app = p.application.as_ref();
    match part {
        Part::Language => app.and_then(|a| a.language.clone()),
        Part::Objectives => app
            .filter(|a| !a.objectives.is_empty())
            .map(|a| join(a.objectives.iter().map(Objective::name))),
        Part::ObjectiveFieldObjectives => app
            .and_then(|a| a.objectives.get(index))
            .filter(|o| !o.field_objectives.is_empty())
            .map(|o| join(o.field_objectives.iter().map(String::as_str))),
        Part::ActivityObjectives => {
            let a = p.activities.get(index)?;
            let app = app?;
            (!a.objectives.is_empty()).then(|| {
                join(
                    a.objectives
                        .iter()
                        .filter_map(|&i| app.objectives.get(i))
                        .map(Objective::name),
                )
            })
        }
        _ => text_of(p, part, index).map(str::to_owned),
    }
}

fn join<'a>(items: impl Iterator<Item = &'a str>) -> String {
    items.collect::<Vec<_>>().join(", ")
}

/// How many owners a part has in a project: 1 for the project's parts, one per objective or
/// per activity.
pub fn owners(p: &Project, part: Part) -> usize {
    match part.owner() {
        Owner::Project => 1,
        Owner::Objective => p.application.as_ref().map_or(0, |a| a.objectives.len()),
        Owner::Activity => p.activities.len(),
    }
}

/// The length of a text as the form counts it: characters (Unicode scalar values), spaces
/// and line breaks included, so that "ā" counts one like "a".
pub fn text_length(s: &str) -> usize {
    s.chars().count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn part_ids_are_unique_and_round_trip_through_serde() {
        let mut seen = std::collections::HashSet::new();
        for p in Part::ALL {
            assert!(seen.insert(p.id()), "{}", p.id());
            let json = serde_json::to_value(p).unwrap();
            assert_eq!(json, serde_json::json!(p.id()));
            let back: Part = serde_json::from_value(json).unwrap();
            assert_eq!(back, p);
        }
        for s in Section::ALL {
            assert_eq!(serde_json::to_value(s).unwrap(), serde_json::json!(s.id()));
        }
    }

    #[test]
    fn latvian_letters_count_one_character_each() {
        assert_eq!(text_length("Rīgas skola"), 11);
        assert_eq!(text_length(""), 0);
    }

    #[test]
    fn every_part_names_its_field() {
        assert_eq!(
            Part::LearningOutcomes.field(2),
            "activities[2].learning_outcomes"
        );
        assert_eq!(
            Part::ObjectiveMeasurement.field(0),
            "application.objectives[0].measurement"
        );
        assert_eq!(
            Part::SummaryEnResults.field(9),
            "application.summary_en.results"
        );
    }
}
