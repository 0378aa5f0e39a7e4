//! From a stored document to what the pages show: structural problems, findings, budget.

use std::sync::Arc;

use chrono::{DateTime, FixedOffset};
use mobiplan_core::budget::Budget;
use mobiplan_core::project::InputError;
use mobiplan_core::project::file::ProjectFile;
use mobiplan_core::{Finding, Project, RateProfile, Rulebook, Severity};

/// The call year that is open or coming by the server's clock, from the instance's editions:
/// the default for new projects, rate profiles and distance look-ups.
pub fn latest_year() -> u16 {
    crate::editions::current().default_year(crate::editions::now())
}

/// The one place every page gets a call year's rulebook from: the edition in effect on this
/// instance ([`crate::editions`]: a loaded correction, else the embedded edition), parsed once
/// and shared.
pub fn rulebook(year: u16) -> Result<Arc<Rulebook>, String> {
    crate::editions::current().get(year)
}

pub struct Evaluation {
    /// Problems that keep the document from being a project (missing host, unknown person…):
    /// shown like findings, linked to their fields.
    pub input_errors: Vec<InputError>,
    pub findings: Vec<Finding>,
    pub budget: Option<Budget>,
    pub rulebook: Option<Arc<Rulebook>>,
    pub project: Option<Project>,
    /// The document as stored, kept only when it does not load as a project, so that its input
    /// errors can name the parts they are about (an activity by its title, a person by name).
    pub document: Option<ProjectFile>,
}

impl Evaluation {
    pub fn errors(&self) -> usize {
        self.input_errors.len()
            + self
                .findings
                .iter()
                .filter(|f| f.severity == Severity::Error)
                .count()
    }

    /// Whether anything (input error or error/warning finding) points into a part of the file.
    pub fn has_problem_under(&self, prefix: &str) -> bool {
        self.input_errors
            .iter()
            .any(|e| lies_under(&e.field, prefix))
            || self.findings.iter().any(|f| {
                f.severity >= Severity::Warning
                    && f.field.as_deref().is_some_and(|p| lies_under(p, prefix))
            })
    }
}

/// Whether the file path `field` is `part` or lies inside it: `activities[1].end` is inside
/// `activities[1]`, `activities[10].end` is not (a plain prefix test would say it is). A part
/// written with its separator (`project.`) holds what follows it.
pub fn lies_under(field: &str, part: &str) -> bool {
    field.strip_prefix(part).is_some_and(|rest| {
        part.ends_with(['.', '[']) || rest.is_empty() || rest.starts_with(['.', '['])
    })
}

pub fn evaluate(
    doc: &ProjectFile,
    profile: Option<&RateProfile>,
    now: DateTime<FixedOffset>,
) -> Evaluation {
    let empty = |input_errors| Evaluation {
        input_errors,
        findings: vec![],
        budget: None,
        rulebook: None,
        project: None,
        document: Some(doc.clone()),
    };
    let rb = match rulebook(doc.project.call_year) {
        Ok(rb) => rb,
        Err(e) => return empty(vec![no_rulebook(doc.project.call_year, e)]),
    };
    let mut project = match Project::from_file(doc.clone()) {
        Ok(p) => p,
        Err(e) => {
            let mut ev = empty(e.errors);
            ev.rulebook = Some(rb);
            return ev;
        }
    };
    if let Err(e) = mobiplan_geo::fill_distances(&mut project, mobiplan_geo::Gazetteer::embedded())
    {
        let mut ev = empty(e.errors);
        ev.rulebook = Some(rb);
        return ev;
    }
    // A profile for another call year does not apply; the budget then shows ranges.
    let profile = profile.filter(|p| p.validate(&rb).is_ok());
    let findings = mobiplan_core::check(
        &project,
        &rb,
        &mobiplan_core::CheckContext { now: Some(now) },
    );
    let budget = mobiplan_core::budget(&project, &rb, profile);
    Evaluation {
        input_errors: vec![],
        findings,
        budget: Some(budget),
        rulebook: Some(rb),
        project: Some(project),
        document: None,
    }
}

/// A call year without a rulebook on this instance, as an input error of the call year.
fn no_rulebook(year: u16, why: String) -> InputError {
    mobiplan_core::input::no_rulebook("project.call_year", year).with_detail(why)
}

/// Implementation tracking of a stored document with an `[implementation]` section
/// ([`mobiplan_core::tracking::evaluate`], loading each derived project like the plan).
pub struct Tracking {
    pub tracked: mobiplan_core::tracking::Tracked,
    pub rulebook: Arc<Rulebook>,
}

fn load_derived(doc: ProjectFile) -> Result<Project, Vec<InputError>> {
    let mut p = Project::from_file(doc).map_err(|e| e.errors)?;
    mobiplan_geo::fill_distances(&mut p, mobiplan_geo::Gazetteer::embedded())
        .map_err(|e| e.errors)?;
    Ok(p)
}

/// `None` when the document records no implementation; `Err` with the input errors when it
/// (or a project derived from it) does not load.
pub fn evaluate_tracking(
    doc: &ProjectFile,
    profile: Option<&RateProfile>,
    now: DateTime<FixedOffset>,
) -> Option<Result<Tracking, Vec<InputError>>> {
    doc.implementation.as_ref()?;
    let run = || -> Result<Tracking, Vec<InputError>> {
        let rb = rulebook(doc.project.call_year)
            .map_err(|why| vec![no_rulebook(doc.project.call_year, why)])?;
        let profile = profile.filter(|p| p.validate(&rb).is_ok());
        let plan = load_derived(doc.clone())?;
        let tracked =
            mobiplan_core::tracking::evaluate(doc, &plan, &rb, profile, now, load_derived)?;
        Ok(Tracking {
            tracked,
            rulebook: rb,
        })
    };
    Some(run())
}

#[cfg(test)]
mod tests {
    use super::lies_under;

    #[test]
    fn a_part_holds_its_own_fields_and_no_other_part_whose_index_starts_alike() {
        assert!(lies_under("activities[1].end", "activities[1]"));
        assert!(lies_under("activities[1]", "activities[1]"));
        assert!(lies_under(
            "application.objectives[0].title",
            "application.objectives"
        ));
        assert!(lies_under("project.start", "project."));
        assert!(!lies_under("activities[10].end", "activities[1]"));
        assert!(!lies_under(
            "application.summary_en.x",
            "application.summary"
        ));
        assert!(!lies_under("people[0]", "activities[1]"));
    }
}
