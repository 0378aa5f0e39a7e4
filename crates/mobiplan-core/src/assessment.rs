//! Self-assessment against the award criteria: for every criterion of the call-year rulebook
//! and every question evaluators ask under it, the parts of the application that answer it —
//! with the text written there — or the gap where nothing is written yet. The points and
//! thresholds are the rulebook's, shown as data with their confidence; mobiplan never scores
//! an application itself (only evaluators do), it shows what they will read.

use serde::Serialize;

use crate::application::{self, Owner, Part};
use crate::project::Project;
use crate::rulebook::{LangText, Param, Rulebook};
use crate::types::Confidence;

/// The whole self-assessment of a project.
#[derive(Clone, Debug, Serialize)]
pub struct Assessment {
    pub call_year: u16,
    /// The least total score an application needs.
    pub threshold_total: Points,
    /// The sum of the criteria's maximum scores.
    pub max_total: u32,
    pub criteria: Vec<CriterionAssessment>,
}

/// A number of points from the rulebook, with where it comes from.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Points {
    pub value: u32,
    pub source: String,
    pub confidence: Confidence,
    /// Shown as unconfirmed (confidence P).
    pub unconfirmed: bool,
}

impl Points {
    fn of(p: &Param<u32>) -> Points {
        Points {
            value: p.value,
            source: p.source.to_string(),
            confidence: p.confidence,
            unconfirmed: p.confidence.is_provisional(),
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct CriterionAssessment {
    /// The criterion's id in the rulebook (`relevance`, `project-design`, …).
    pub id: String,
    pub name: LangText,
    pub max_points: Points,
    pub min_points: Points,
    pub questions: Vec<QuestionAssessment>,
    /// How many answers and gaps its questions have, together.
    pub answered: usize,
    pub gaps: usize,
}

#[derive(Clone, Debug, Serialize)]
pub struct QuestionAssessment {
    pub id: String,
    pub text: LangText,
    /// The parts of the application that answer the question (the rulebook's list).
    pub parts: Vec<Part>,
    pub source: String,
    pub confidence: Confidence,
    pub answers: Vec<Answer>,
    pub gaps: Vec<Gap>,
}

/// A part of the application that answers a question, with its text.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Answer {
    pub part: Part,
    /// The field in the project file.
    pub field: String,
    /// The objective or activity the text belongs to; `None` for the project's own texts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner: Option<OwnerRef>,
    /// The text as written; for lists (objectives served, field objectives) the names or ids
    /// joined by ", ".
    pub text: String,
}

/// A part that should answer a question but is not written yet.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Gap {
    pub part: Part,
    pub field: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner: Option<OwnerRef>,
}

/// An objective or activity, by id and by the name people see.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct OwnerRef {
    /// `objective` or `activity`.
    pub kind: &'static str,
    pub id: String,
    pub name: String,
}

/// The self-assessment of a project against its call year's award criteria.
pub fn assess(p: &Project, rb: &Rulebook) -> Assessment {
    let award = &rb.application.award;
    let criteria: Vec<CriterionAssessment> = award
        .criteria
        .iter()
        .map(|(id, c)| {
            let questions: Vec<QuestionAssessment> = c
                .questions
                .iter()
                .map(|(qid, q)| {
                    let (answers, gaps) = answers(p, &q.value.parts);
                    QuestionAssessment {
                        id: qid.to_owned(),
                        text: LangText {
                            en: q.value.en.clone(),
                            lv: q.value.lv.clone(),
                        },
                        parts: q.value.parts.clone(),
                        source: q.source.to_string(),
                        confidence: q.confidence,
                        answers,
                        gaps,
                    }
                })
                .collect();
            CriterionAssessment {
                id: id.to_owned(),
                name: c.name.value.clone(),
                max_points: Points::of(&c.max_points),
                min_points: Points::of(&c.min_points),
                answered: questions.iter().map(|q| q.answers.len()).sum(),
                gaps: questions.iter().map(|q| q.gaps.len()).sum(),
                questions,
            }
        })
        .collect();
    Assessment {
        call_year: rb.call_year(),
        threshold_total: Points::of(&award.threshold_total),
        max_total: award.criteria.iter().map(|(_, c)| c.max_points.value).sum(),
        criteria,
    }
}

/// For each part, per owner: what is written, or the gap. A part of objectives or activities
/// in a project that has none is one gap (the objectives, or the activities, are missing).
fn answers(p: &Project, parts: &[Part]) -> (Vec<Answer>, Vec<Gap>) {
    let mut found = Vec::new();
    let mut gaps = Vec::new();
    for &part in parts {
        let owners = application::owners(p, part);
        if owners == 0 {
            let field = match part.owner() {
                Owner::Objective => "application.objectives",
                _ => "activities",
            };
            gaps.push(Gap {
                part,
                field: field.to_owned(),
                owner: None,
            });
            continue;
        }
        for i in 0..owners {
            let owner = owner_ref(p, part, i);
            match application::part_text(p, part, i) {
                Some(text) => found.push(Answer {
                    part,
                    field: part.field(i),
                    owner,
                    text,
                }),
                None => gaps.push(Gap {
                    part,
                    field: part.field(i),
                    owner,
                }),
            }
        }
    }
    (found, gaps)
}

fn owner_ref(p: &Project, part: Part, i: usize) -> Option<OwnerRef> {
    match part.owner() {
        Owner::Project => None,
        Owner::Objective => {
            let o = p.application.as_ref()?.objectives.get(i)?;
            Some(OwnerRef {
                kind: "objective",
                id: o.id.clone(),
                name: o.name().to_owned(),
            })
        }
        Owner::Activity => {
            let a = p.activities.get(i)?;
            Some(OwnerRef {
                kind: "activity",
                id: a.id.to_string(),
                name: a.title.clone().unwrap_or_else(|| a.id.to_string()),
            })
        }
    }
}

impl Assessment {
    /// Every gap of every question, each once (a part may answer several questions).
    pub fn all_gaps(&self) -> Vec<&Gap> {
        let mut out: Vec<&Gap> = Vec::new();
        for g in self
            .criteria
            .iter()
            .flat_map(|c| &c.questions)
            .flat_map(|q| &q.gaps)
        {
            if !out.contains(&g) {
                out.push(g);
            }
        }
        out
    }

    /// The least certain confidence of the points and thresholds shown.
    pub fn points_confidence(&self) -> Confidence {
        self.criteria
            .iter()
            .flat_map(|c| [c.max_points.confidence, c.min_points.confidence])
            .fold(self.threshold_total.confidence, Confidence::min)
    }
}
