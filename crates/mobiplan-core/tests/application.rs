//! The application in words: how `[application]` and the activities' texts load (what is an
//! input error and what is left to the checker), how removing an objective or an activity keeps
//! the file loadable, how two people's edits of different objectives merge, and the
//! self-assessment against the award criteria.

use std::collections::BTreeMap;

use mobiplan_core::application::Part;
use mobiplan_core::assessment::assess;
use mobiplan_core::merge::merge;
use mobiplan_core::project::file::ProjectFile;
use mobiplan_core::project::parse_toml;
use mobiplan_core::{Confidence, Project, Rulebook};

const RIGA: &str = include_str!("../../../examples/sch-riga-school.toml");
const DRAFT: &str = include_str!("../../../examples/broken-application.toml");
const PLAN_ONLY: &str = include_str!("../../../examples/broken-overbooked-course.toml");

fn riga() -> ProjectFile {
    parse_toml(RIGA).expect("the Riga example parses")
}

fn errors_of(f: ProjectFile) -> Vec<(String, &'static str)> {
    Project::from_file(f)
        .expect_err("the file must be refused")
        .errors
        .into_iter()
        .map(|e| (e.field, e.key))
        .collect()
}

#[test]
fn the_riga_application_loads_with_its_links_resolved_and_its_language_lower_case() {
    let mut f = riga();
    f.application.as_mut().unwrap().language = Some("LV".into());
    let p = Project::from_file(f).unwrap();
    let app = p.application.as_ref().unwrap();
    assert_eq!(app.language.as_deref(), Some("lv"));
    assert!(app.needs_english_summary());
    let ids: Vec<&str> = app.objectives.iter().map(|o| o.id.as_str()).collect();
    assert_eq!(ids, ["digital", "outdoor", "europe"]);
    // group-porto serves "europe" and "outdoor": indices into the objectives.
    let porto = p.activities.iter().find(|a| a.id == "group-porto").unwrap();
    assert_eq!(porto.objectives, [2, 1]);
    assert!(porto.learning_outcomes.is_some());
}

#[test]
fn a_blank_text_counts_as_not_written_and_is_no_input_error() {
    let mut f = riga();
    let app = f.application.as_mut().unwrap();
    app.background = Some("   \n ".into());
    app.objectives[0].title = Some(String::new());
    let p = Project::from_file(f).unwrap();
    let app = p.application.unwrap();
    assert_eq!(app.background, None);
    assert_eq!(app.objectives[0].title, None);
    assert_eq!(
        app.objectives[0].name(),
        "digital",
        "an untitled objective is named by its id"
    );
}

#[test]
fn structural_mistakes_in_the_application_are_input_errors_naming_their_fields() {
    let mut f = riga();
    let app = f.application.as_mut().unwrap();
    app.language = Some("latviešu".into());
    app.objectives[1].id = "digital".into();
    app.objectives[2].field_objectives = vec!["quality".into(), "quality".into()];
    f.activities[0].objectives.push("digital".into());
    let errors = errors_of(f);
    let fields: Vec<&str> = errors.iter().map(|(f, _)| f.as_str()).collect();
    assert_eq!(
        fields,
        [
            "application.language",
            "application.objectives[1].id",
            "application.objectives[2].field_objectives[1]",
            "activities[0].objectives[1]",
            // "outdoor" was renamed away, so the activities that served it name no objective.
            "activities[1].objectives[0]",
            "activities[2].objectives[1]",
        ],
        "{errors:#?}"
    );
    assert_eq!(errors[0].1, "input.not-a-language", "{errors:#?}");
    assert_eq!(errors[1].1, "input.used-twice", "{errors:#?}");
    assert_eq!(errors[2].1, "input.listed-twice", "{errors:#?}");
    assert_eq!(errors[3].1, "input.listed-twice", "{errors:#?}");
    assert_eq!(errors[4].1, "input.unknown-objective", "{errors:#?}");
}

#[test]
fn an_unknown_key_in_the_application_is_refused_by_name() {
    let text = RIGA.replacen(
        "[application]\n",
        "[application]\nbudget_notes = \"x\"\n",
        1,
    );
    let err = parse_toml(&text).unwrap_err().errors;
    assert_eq!(err.len(), 1);
    assert_eq!(err[0].key, "input.unknown-field", "{err:#?}");
    assert_eq!(
        err[0].arg("name"),
        Some(&mobiplan_core::Arg::Text("budget_notes".into())),
        "{err:#?}"
    );
    assert_eq!(err[0].field, "application.budget_notes");
    assert!(err[0].line.is_some());
}

#[test]
fn removing_an_objective_unlinks_it_from_every_activity_and_the_file_still_loads() {
    let mut f = riga();
    f.remove_objective("outdoor");
    let p = Project::from_file(f).expect("still loadable");
    let app = p.application.as_ref().unwrap();
    assert!(app.objectives.iter().all(|o| o.id != "outdoor"));
    let porto = p.activities.iter().find(|a| a.id == "group-porto").unwrap();
    assert_eq!(
        porto.objectives,
        [1],
        "only «europe» is left, now at index 1"
    );
}

#[test]
fn removing_an_activity_takes_its_texts_with_it() {
    let mut f = riga();
    f.remove_activity("shadowing-tartu");
    let text = toml::to_string(&f).unwrap();
    assert!(
        !text.contains("Ilze prot plānot"),
        "the activity's outcomes are gone"
    );
    Project::from_file(f).expect("still loadable");
}

#[test]
fn two_people_editing_different_objectives_and_activity_texts_both_keep_their_changes() {
    let base = riga();
    let mut theirs = base.clone();
    theirs.application.as_mut().unwrap().objectives[0].measurement = Some("Their measure.".into());
    theirs.activities[1].support = Some("Their support.".into());
    let mut mine = base.clone();
    mine.application.as_mut().unwrap().objectives[2].title = Some("My title".into());
    mine.activities[1].objectives = vec!["outdoor".into(), "europe".into()];
    let v = |f: &ProjectFile| serde_json::to_value(f).unwrap();
    let merged = merge(&v(&base), &v(&theirs), &v(&mine), &BTreeMap::new())
        .expect("no field was changed by both");
    let merged: ProjectFile = serde_json::from_value(merged).unwrap();
    let app = merged.application.as_ref().unwrap();
    assert_eq!(
        app.objectives[0].measurement.as_deref(),
        Some("Their measure.")
    );
    assert_eq!(app.objectives[2].title.as_deref(), Some("My title"));
    assert_eq!(
        merged.activities[1].support.as_deref(),
        Some("Their support.")
    );
    assert_eq!(merged.activities[1].objectives, ["outdoor", "europe"]);
}

// ---------------------------------------------------------------------------------------------
// The self-assessment

fn rb() -> Rulebook {
    Rulebook::embedded(2026).unwrap()
}

#[test]
fn the_assessment_lists_the_rulebooks_criteria_in_order_with_points_as_unconfirmed_data() {
    let a = assess(&Project::from_toml(RIGA).unwrap(), &rb());
    let ids: Vec<&str> = a.criteria.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["relevance", "project-design", "project-management"]);
    assert_eq!(a.max_total, 100);
    assert_eq!(a.threshold_total.value, 60);
    assert!(a.threshold_total.unconfirmed);
    assert_eq!(a.points_confidence(), Confidence::P);
    for c in &a.criteria {
        assert!(c.min_points.value * 2 == c.max_points.value, "{}", c.id);
        assert!(!c.questions.is_empty());
        assert!(!c.name.lv.is_empty());
    }
}

#[test]
fn every_question_of_a_complete_example_is_answered_with_the_text_written() {
    let p = Project::from_toml(RIGA).unwrap();
    let a = assess(&p, &rb());
    assert!(a.all_gaps().is_empty(), "{:#?}", a.all_gaps());
    let needs = &a.criteria[0].questions[0];
    assert_eq!(needs.parts, [Part::Background, Part::Needs]);
    let background = &needs.answers[0];
    assert_eq!(background.field, "application.background");
    assert_eq!(
        Some(background.text.as_str()),
        p.application.as_ref().unwrap().background.as_deref()
    );
    // A per-activity part is answered once per activity, naming it.
    let outcomes = a.criteria[1]
        .questions
        .iter()
        .find(|q| q.parts == [Part::LearningOutcomes])
        .unwrap();
    assert_eq!(outcomes.answers.len(), p.activities.len());
    let owner = outcomes.answers[0].owner.as_ref().unwrap();
    assert_eq!(
        (owner.kind, owner.id.as_str()),
        ("activity", "course-valencia")
    );
}

#[test]
fn a_draft_shows_its_gaps_where_they_are() {
    let a = assess(&Project::from_toml(DRAFT).unwrap(), &rb());
    let gaps: Vec<&str> = a.all_gaps().iter().map(|g| g.field.as_str()).collect();
    assert!(gaps.contains(&"application.follow_up.sharing"), "{gaps:?}");
    assert!(
        gaps.contains(&"activities[0].learning_outcomes"),
        "{gaps:?}"
    );
    assert!(gaps.contains(&"activities[1].objectives"), "{gaps:?}");
}

#[test]
fn a_plan_without_an_application_has_one_gap_per_part_not_one_per_missing_owner() {
    let p = Project::from_toml(PLAN_ONLY).unwrap();
    assert!(p.application.is_none());
    let a = assess(&p, &rb());
    let relevance = &a.criteria[0];
    assert_eq!(relevance.answered, 0);
    let titles = relevance
        .questions
        .iter()
        .find(|q| q.parts.contains(&Part::ObjectiveTitle))
        .unwrap();
    // No objectives: the objective's parts are one gap each, at the list of objectives.
    assert!(titles.answers.is_empty());
    assert!(
        titles
            .gaps
            .iter()
            .all(|g| g.field == "application.objectives" && g.owner.is_none()),
        "{:#?}",
        titles.gaps
    );
    // The activities exist: each has its own gap.
    let outcomes = a.criteria[1]
        .questions
        .iter()
        .find(|q| q.parts == [Part::LearningOutcomes])
        .unwrap();
    assert_eq!(outcomes.gaps.len(), p.activities.len());
}
