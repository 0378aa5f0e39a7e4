//! Implementation tracking: what happened to a granted project. The plan stays as it was
//! written; the `[implementation]` section of the project file is an overlay on it (the
//! awarded grant, each activity's and visit's status, actual dates, participants and travel,
//! the evidence collected). From plan + overlay the shells derive two more project files with
//! [`derive`]: the **actual** project (everything not cancelled, as it happened or is now
//! expected) and the **reported** project (only what was completed). They go through the same
//! loader, checker and calculator as the plan, so a reported budget is computed exactly like a
//! planned one, and [`report`] compares it with the awarded grant.

use std::collections::{BTreeMap, HashMap};
use std::fmt;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::budget::{Budget, Category};
use crate::finding::{Arg, Finding, Subject};
use crate::input::{self, InputError};
use crate::money::{Amount, Money};
use crate::project::Project;
use crate::project::file::{self as pf, ProjectFile};
use crate::rulebook::Rulebook;
use crate::rules::RuleId;
use crate::types::{ActivityKind, Confidence, Date};

/// Where an activity, a visit or a participant stands.
#[derive(
    Clone,
    Copy,
    Debug,
    Default,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Deserialize,
    Serialize,
    JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// In the plan, not yet arranged.
    #[default]
    Planned,
    /// Dates and people arranged.
    Confirmed,
    /// It took place.
    Completed,
    /// It will not take place.
    Cancelled,
}

impl Status {
    pub const ALL: [Status; 4] = [
        Status::Planned,
        Status::Confirmed,
        Status::Completed,
        Status::Cancelled,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Status::Planned => "planned",
            Status::Confirmed => "confirmed",
            Status::Completed => "completed",
            Status::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|x| x.id() == s)
    }

    /// How far along the way planned → confirmed → completed; `None` for cancelled.
    fn stage(self) -> Option<u8> {
        match self {
            Status::Planned => Some(0),
            Status::Confirmed => Some(1),
            Status::Completed => Some(2),
            Status::Cancelled => None,
        }
    }

    /// The statuses this one may change to. Completion needs a confirmation first (dates and
    /// people fixed); a completed mobility cannot be cancelled, only reopened (confirmed) to
    /// correct a mistake; a cancelled one can be planned again.
    pub fn next(self) -> &'static [Status] {
        match self {
            Status::Planned => &[Status::Confirmed, Status::Cancelled],
            Status::Confirmed => &[Status::Completed, Status::Cancelled, Status::Planned],
            Status::Completed => &[Status::Confirmed],
            Status::Cancelled => &[Status::Planned],
        }
    }

    /// Checks a change of status; the error says what is allowed instead.
    pub fn change_to(self, to: Status) -> Result<Status, IllegalTransition> {
        if self.next().contains(&to) {
            Ok(to)
        } else {
            Err(IllegalTransition { from: self, to })
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// A status change that is not allowed. Shown to people through the message key
/// `tracking.illegal-transition` with `status_from`, `status_to` and `status_allowed`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{from} cannot become {to}; from {from} it can become: {}", allowed(*from))]
pub struct IllegalTransition {
    pub from: Status,
    pub to: Status,
}

fn allowed(from: Status) -> String {
    from.next()
        .iter()
        .map(|s| s.id())
        .collect::<Vec<_>>()
        .join(", ")
}

impl IllegalTransition {
    pub fn key(&self) -> &'static str {
        "tracking.illegal-transition"
    }

    pub fn args(&self) -> Vec<(&'static str, Arg)> {
        vec![
            ("status_from", Arg::Text(self.from.id().into())),
            ("status_to", Arg::Text(self.to.id().into())),
            (
                "status_allowed",
                Arg::List(self.from.next().iter().map(|s| s.id().to_owned()).collect()),
            ),
        ]
    }
}

/// The documents kept as evidence of one mobility (one participant in one activity). Which
/// ones an activity needs is data: `tracking.evidence` in the rulebook.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Document {
    LearningAgreement,
    Programme,
    AttendanceCertificate,
    TravelTickets,
    GreenTravelDeclaration,
    EuropassMobility,
    ParticipantReport,
    MentorConfirmation,
    CourseCertificate,
}

impl Document {
    pub const ALL: [Document; 9] = [
        Document::LearningAgreement,
        Document::Programme,
        Document::AttendanceCertificate,
        Document::TravelTickets,
        Document::GreenTravelDeclaration,
        Document::EuropassMobility,
        Document::ParticipantReport,
        Document::MentorConfirmation,
        Document::CourseCertificate,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Document::LearningAgreement => "learning-agreement",
            Document::Programme => "programme",
            Document::AttendanceCertificate => "attendance-certificate",
            Document::TravelTickets => "travel-tickets",
            Document::GreenTravelDeclaration => "green-travel-declaration",
            Document::EuropassMobility => "europass-mobility",
            Document::ParticipantReport => "participant-report",
            Document::MentorConfirmation => "mentor-confirmation",
            Document::CourseCertificate => "course-certificate",
        }
    }
}

/// The `[implementation]` section of the project file.
pub mod file {
    use super::*;

    #[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize, JsonSchema)]
    #[serde(deny_unknown_fields)]
    pub struct Implementation {
        /// The grant awarded per budget category (as in the grant agreement), in EUR.
        #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
        pub awarded: BTreeMap<Category, Money>,
        /// What happened to each activity, by activity id. An activity not listed is planned.
        #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
        pub activities: BTreeMap<String, ActivityRecord>,
        /// What happened to each preparatory visit, by visit id.
        #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
        pub visits: BTreeMap<String, VisitRecord>,
        /// The day the final report was submitted.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub final_report: Option<Date>,
    }

    #[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize, JsonSchema)]
    #[serde(deny_unknown_fields)]
    pub struct ActivityRecord {
        #[serde(default)]
        pub status: Status,
        /// Actual first day, when it differs from the plan.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub start: Option<Date>,
        /// Actual last day, when it differs from the plan.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub end: Option<Date>,
        /// Who actually takes or took part, when it differs from the plan (named persons are
        /// usually given here once they are known).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub participants: Option<pf::Participants>,
        /// Actual travel, when it differs from the plan (only the keys given change).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub travel: Option<TravelActual>,
        /// Status of single named participants where it differs from the activity's:
        /// person id → status (a cancelled person does not count).
        #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
        pub persons: BTreeMap<String, Status>,
        /// Evidence in hand: document → for how many participants it has been received.
        #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
        pub evidence: BTreeMap<Document, u32>,
    }

    #[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize, JsonSchema)]
    #[serde(deny_unknown_fields)]
    pub struct TravelActual {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub green: Option<bool>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub means: Option<pf::Means>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub means_description: Option<String>,
        /// Funded travel days.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub days: Option<u32>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub distance_km: Option<f64>,
    }

    #[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize, JsonSchema)]
    #[serde(deny_unknown_fields)]
    pub struct VisitRecord {
        #[serde(default)]
        pub status: Status,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub start: Option<Date>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub end: Option<Date>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub persons: Option<pf::Participants>,
    }
}

use file::{ActivityRecord, Implementation};

/// Structural problems of the `[implementation]` section; called by the project loader, so a
/// file whose overlay does not fit its plan does not load (like any other bad reference).
pub fn validate(f: &ProjectFile, imp: &Implementation) -> Vec<InputError> {
    let mut errors = Vec::new();
    for (category, amount) in &imp.awarded {
        if amount.cents() < 0 {
            errors.push(input::negative_amount(
                format!("implementation.awarded.{}", category.id()),
                *amount,
            ));
        }
    }
    if let Some(d) = imp.final_report {
        let start = f.project.start.0;
        if d.0 < start {
            errors.push(input::report_before_start(
                "implementation.final_report",
                d.0,
                start,
            ));
        }
    }
    let activities: HashMap<&str, &pf::Activity> =
        f.activities.iter().map(|a| (a.id.as_str(), a)).collect();
    for (id, rec) in &imp.activities {
        let path = format!("implementation.activities.{id}");
        let Some(plan) = activities.get(id.as_str()) else {
            errors.push(input::unknown_activity(path, id.as_str()));
            continue;
        };
        let (s, e) = (rec.start.unwrap_or(plan.start), rec.end.unwrap_or(plan.end));
        if e < s {
            errors.push(input::end_before_start(format!("{path}.end"), e.0, s.0));
        }
        let participants = rec.participants.as_ref().unwrap_or(&plan.participants);
        let names = participants.names.as_deref().unwrap_or(&[]);
        for (person, status) in &rec.persons {
            let ppath = format!("{path}.persons.{person}");
            if !names.contains(person) {
                errors.push(input::not_a_participant(ppath, person.as_str()));
            } else if let (Some(p), Some(a)) = (status.stage(), rec.status.stage())
                && p > a
            {
                errors.push(input::person_ahead(ppath, status.id(), rec.status.id()));
            } else if rec.status == Status::Cancelled && *status != Status::Cancelled {
                errors.push(input::person_in_cancelled(ppath, status.id()));
            }
        }
        let headcount = participants
            .count
            .unwrap_or(names.len() as u32)
            .saturating_sub(cancelled_persons(rec) as u32);
        for (doc, n) in &rec.evidence {
            if *n > headcount {
                errors.push(input::evidence_more(
                    format!("{path}.evidence.{}", doc.id()),
                    *n,
                    headcount,
                ));
            }
        }
        if rec.travel.is_some() && plan.travel.is_none() {
            errors.push(input::travel_not_in_plan(format!("{path}.travel")));
        }
    }
    let visits: HashMap<&str, &pf::PreparatoryVisit> = f
        .preparatory_visits
        .iter()
        .map(|v| (v.id.as_str(), v))
        .collect();
    for (id, rec) in &imp.visits {
        let path = format!("implementation.visits.{id}");
        let Some(plan) = visits.get(id.as_str()) else {
            errors.push(input::unknown_visit(path, id.as_str()));
            continue;
        };
        let (s, e) = (rec.start.unwrap_or(plan.start), rec.end.unwrap_or(plan.end));
        if e < s {
            errors.push(input::end_before_start(format!("{path}.end"), e.0, s.0));
        }
    }
    errors
}

fn cancelled_persons(rec: &ActivityRecord) -> usize {
    rec.persons
        .values()
        .filter(|s| **s == Status::Cancelled)
        .count()
}

/// Which derived project to build from plan + implementation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// Everything not cancelled, with the actual data where known: what the project now
    /// expects to do (checked like a plan, and the forecast of what will be used).
    Actual,
    /// Only what was completed: the basis of the reported budget.
    Reported,
}

/// What [`derive`] left out, so that nothing disappears silently.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Omitted {
    /// Activities left out (cancelled, or not completed for the reported project).
    pub activities: Vec<(String, Status)>,
    /// Visits left out: cancelled, or not completed for the reported project.
    pub visits: Vec<(String, Status)>,
    /// Activities kept in the derived file only because a kept preparatory visit prepares
    /// them (the file format needs the prepared activity): their budget lines are not part of
    /// the derived project's amounts ([`crate::Budget::without_activities`]).
    pub carriers: Vec<String>,
}

/// The project as implemented (see [`Scope`]): a plan-like file without an `[implementation]`
/// of its own (the overlay has been applied). A file without one is its own actual project
/// and, nothing being completed, an empty reported project.
pub fn derive(f: &ProjectFile, scope: Scope) -> (ProjectFile, Omitted) {
    let empty = Implementation::default();
    let imp = f.implementation.as_ref().unwrap_or(&empty);
    let keep = |s: Status| match scope {
        Scope::Actual => s != Status::Cancelled,
        Scope::Reported => s == Status::Completed,
    };
    let mut out = f.clone();
    out.implementation = None;
    let mut omitted = Omitted::default();
    out.activities.clear();
    for a in &f.activities {
        let rec = imp.activities.get(&a.id);
        let status = rec.map(|r| r.status).unwrap_or_default();
        if !keep(status) {
            omitted.activities.push((a.id.clone(), status));
            continue;
        }
        let mut a = a.clone();
        if let Some(rec) = rec {
            apply(&mut a, rec, scope);
            if a.participants.count == Some(0)
                || a.participants.names.as_ref().is_some_and(|n| n.is_empty())
            {
                // Every participant was cancelled: the activity did not take place.
                omitted.activities.push((a.id.clone(), Status::Cancelled));
                continue;
            }
        }
        out.activities.push(a);
    }
    out.preparatory_visits.clear();
    for v in &f.preparatory_visits {
        let rec = imp.visits.get(&v.id);
        let status = rec.map(|r| r.status).unwrap_or_default();
        if !keep(status) {
            omitted.visits.push((v.id.clone(), status));
            continue;
        }
        if !out.activities.iter().any(|a| a.id == v.prepares)
            && let Some(prepared) = f.activities.iter().find(|a| a.id == v.prepares)
        {
            // A visit that took place is reported even when its activity has not (yet); the
            // planned activity carries it (valid, as the plan loaded) and its lines are dropped.
            omitted.carriers.push(prepared.id.clone());
            out.activities.push(prepared.clone());
        }
        let mut v = v.clone();
        if let Some(rec) = rec {
            if let Some(s) = rec.start {
                v.start = s;
            }
            if let Some(e) = rec.end {
                v.end = e;
            }
            if let Some(p) = &rec.persons {
                v.persons = p.clone();
            }
        }
        out.preparatory_visits.push(v);
    }
    (out, omitted)
}

fn apply(a: &mut pf::Activity, rec: &ActivityRecord, scope: Scope) {
    if let Some(s) = rec.start {
        a.start = s;
    }
    if let Some(e) = rec.end {
        a.end = e;
    }
    if let Some(p) = &rec.participants {
        a.participants = p.clone();
    }
    let drop = |s: &Status| match scope {
        Scope::Actual => *s == Status::Cancelled,
        Scope::Reported => *s != Status::Completed,
    };
    if let Some(names) = &mut a.participants.names {
        names.retain(|n| !rec.persons.get(n).is_some_and(drop));
    }
    if let (Some(t), Some(actual)) = (&mut a.travel, &rec.travel) {
        if let Some(g) = actual.green {
            t.green = g;
        }
        if let Some(m) = actual.means {
            t.means = Some(m);
        }
        if let Some(d) = &actual.means_description {
            t.means_description = Some(d.clone());
        }
        if let Some(d) = actual.days {
            t.days = d;
        }
        if let Some(km) = actual.distance_km {
            t.distance_km = Some(km);
        }
    }
}

/// The budget of a derived project: [`crate::budget`] without the lines of the activities
/// that only carry a preparatory visit ([`Omitted::carriers`]).
pub fn derived_budget(
    derived: &Project,
    omitted: &Omitted,
    rb: &Rulebook,
    profile: Option<&crate::RateProfile>,
) -> Budget {
    crate::budget(derived, rb, profile).without_activities(&omitted.carriers)
}

/// One budget category: awarded, reported (completed) and expected (everything not cancelled).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CategoryRow {
    pub category: Category,
    pub planned: Amount,
    pub awarded: Option<Money>,
    pub reported: Amount,
    pub expected: Amount,
    /// Reported as a share of awarded, in whole per cent (`min`–`max` when the reported
    /// amount is a range).
    pub percent_used: Option<(u32, u32)>,
}

/// Evidence in hand against evidence needed, for one activity.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EvidenceRow {
    pub activity: String,
    pub status: Status,
    pub participants: u32,
    /// Document → (received, needed).
    pub documents: Vec<(Document, u32, u32)>,
}

impl EvidenceRow {
    pub fn received(&self) -> u32 {
        self.documents.iter().map(|d| d.1.min(d.2)).sum()
    }
    pub fn needed(&self) -> u32 {
        self.documents.iter().map(|d| d.2).sum()
    }
}

/// Counts of activities per status.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct StatusCounts {
    pub planned: u32,
    pub confirmed: u32,
    pub completed: u32,
    pub cancelled: u32,
}

/// Awarded against reported, the warnings about it, and the evidence progress.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Report {
    pub statuses: StatusCounts,
    pub rows: Vec<CategoryRow>,
    pub awarded_total: Option<Money>,
    pub planned_total: Amount,
    pub reported_total: Amount,
    pub expected_total: Amount,
    pub findings: Vec<Finding>,
    pub evidence: Vec<EvidenceRow>,
    pub omitted_reported: Omitted,
    pub omitted_actual: Omitted,
}

impl Report {
    /// The reported total as a share of the awarded total (`min`, `max` for a range).
    pub fn percent_used(&self) -> Option<(u32, u32)> {
        self.awarded_total.map(|w| {
            (
                percent(self.reported_total.min, w),
                percent(self.reported_total.max, w),
            )
        })
    }

    /// Evidence received and needed over the whole project (not cancelled activities).
    pub fn evidence_progress(&self) -> (u32, u32) {
        self.evidence
            .iter()
            .fold((0, 0), |(r, n), e| (r + e.received(), n + e.needed()))
    }
}

/// The budgets a report compares, each computed by [`crate::budget`] on its own project.
pub struct Budgets<'a> {
    pub planned: &'a Budget,
    /// Of the actual project ([`Scope::Actual`]).
    pub expected: &'a Budget,
    /// Of the reported project ([`Scope::Reported`]).
    pub reported: &'a Budget,
}

fn category_amount(b: &Budget, c: Category) -> Amount {
    b.by_category
        .iter()
        .find(|t| t.category == c)
        .map(|t| t.amount)
        .unwrap_or(Amount::ZERO)
}

/// `part` as a share of `whole` in whole per cent, rounded half up; 0 for nothing awarded.
pub fn percent(part: Money, whole: Money) -> u32 {
    if whole.cents() <= 0 {
        return 0;
    }
    // Rounded half up, in integers: no float ever touches money.
    let p = (i128::from(part.cents()) * 200 + i128::from(whole.cents()))
        / (2 * i128::from(whole.cents()));
    p.clamp(0, i128::from(u32::MAX)) as u32
}

/// Compares the awarded grant with the reported and expected budgets, and measures the
/// evidence. `actual` is the project of [`Scope::Actual`] (for the evidence of what is not
/// cancelled).
pub fn report(
    plan: &ProjectFile,
    actual: &Project,
    budgets: Budgets<'_>,
    omitted_actual: Omitted,
    omitted_reported: Omitted,
    rb: &Rulebook,
) -> Report {
    let empty = Implementation::default();
    let imp = plan.implementation.as_ref().unwrap_or(&empty);

    let mut statuses = StatusCounts::default();
    for a in &plan.activities {
        match imp
            .activities
            .get(&a.id)
            .map(|r| r.status)
            .unwrap_or_default()
        {
            Status::Planned => statuses.planned += 1,
            Status::Confirmed => statuses.confirmed += 1,
            Status::Completed => statuses.completed += 1,
            Status::Cancelled => statuses.cancelled += 1,
        }
    }

    let mut findings = Vec::new();
    let over = &rb.rules.t_over_awarded;
    let mut rows = Vec::with_capacity(Category::ALL.len());
    for c in Category::ALL {
        let awarded = imp.awarded.get(&c).copied();
        let reported = category_amount(budgets.reported, c);
        let row = CategoryRow {
            category: c,
            planned: category_amount(budgets.planned, c),
            awarded,
            reported,
            expected: category_amount(budgets.expected, c),
            percent_used: awarded.map(|w| (percent(reported.min, w), percent(reported.max, w))),
        };
        if let Some(w) = awarded
            && reported.max > w
        {
            let certain = reported.min > w;
            findings.push(Finding {
                rule: RuleId::TOverAwarded,
                severity: over.severity,
                subject: Subject::Project,
                key: if certain {
                    "finding.T-OVER-AWARDED"
                } else {
                    "finding.T-OVER-AWARDED.range"
                },
                args: if certain {
                    vec![
                        ("category", Arg::Text(c.id().into())),
                        ("reported", Arg::Money(reported.min)),
                        ("awarded", Arg::Money(w)),
                    ]
                } else {
                    vec![
                        ("category", Arg::Text(c.id().into())),
                        ("reported_min", Arg::Money(reported.min)),
                        ("reported_max", Arg::Money(reported.max)),
                        ("awarded", Arg::Money(w)),
                    ]
                },
                confidence: over.confidence.min(budgets.reported.confidence),
                field: Some(format!("implementation.awarded.{}", c.id())),
            });
        }
        if awarded.is_some() || reported.max.cents() != 0 || row.planned.max.cents() != 0 {
            rows.push(row);
        }
    }

    let awarded_total = (!imp.awarded.is_empty())
        .then(|| imp.awarded.values().fold(Money::ZERO, |acc, m| acc + *m));
    let under = &rb.rules.t_under_used;
    if let Some(w) = awarded_total
        && w.cents() > 0
    {
        let expected = budgets.expected.total;
        let min_percent = under.values.min_percent.value;
        let p = percent(expected.max, w);
        if p < min_percent {
            findings.push(Finding {
                rule: RuleId::TUnderUsed,
                severity: under.severity,
                subject: Subject::Project,
                key: "finding.T-UNDER-USED",
                args: vec![
                    ("forecast", Arg::Money(expected.max)),
                    ("awarded", Arg::Money(w)),
                    ("percent", Arg::Int(i64::from(p))),
                    ("min", Arg::Int(i64::from(min_percent))),
                ],
                confidence: Confidence::min(under.confidence, under.values.min_percent.confidence),
                field: Some("implementation.activities".to_owned()),
            });
        }
    }

    let evidence = actual
        .activities
        .iter()
        .filter(|a| !omitted_actual.carriers.iter().any(|c| *c == a.id))
        .map(|a| {
            let rec = imp.activities.get(a.id.as_str());
            let n = a.participants.count();
            let green = a.travel.as_ref().map(|t| t.green);
            let documents = documents_needed(rb, a.kind, green)
                .into_iter()
                .map(|doc| {
                    let got = rec.and_then(|r| r.evidence.get(&doc)).copied().unwrap_or(0);
                    (doc, got.min(n), n)
                })
                .collect();
            EvidenceRow {
                activity: a.id.to_string(),
                status: rec.map(|r| r.status).unwrap_or_default(),
                participants: n,
                documents,
            }
        })
        .collect();

    Report {
        statuses,
        rows,
        awarded_total,
        planned_total: budgets.planned.total,
        reported_total: budgets.reported.total,
        expected_total: budgets.expected.total,
        findings,
        evidence,
        omitted_reported,
        omitted_actual,
    }
}

/// When a document is needed (rulebook `tracking.evidence`).
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct EvidenceNeed {
    /// The activity kinds that need the document.
    pub kinds: Vec<ActivityKind>,
    /// Only with green travel (`true`) or only without it (`false`); absent: always.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub green_travel: Option<bool>,
}

impl EvidenceNeed {
    /// `green`: the activity's green-travel flag, `None` when it has no travel.
    pub fn applies(&self, kind: ActivityKind, green: Option<bool>) -> bool {
        self.kinds.contains(&kind)
            && match self.green_travel {
                None => true,
                Some(want) => green == Some(want),
            }
    }
}

/// The documents each participant of an activity of `kind` needs as evidence (rulebook
/// `tracking.evidence`); `green` is the activity's green-travel flag, `None` without travel.
pub fn documents_needed(rb: &Rulebook, kind: ActivityKind, green: Option<bool>) -> Vec<Document> {
    rb.tracking
        .evidence
        .value
        .iter()
        .filter(|(_, need)| need.applies(kind, green))
        .map(|(doc, _)| *doc)
        .collect()
}

/// Everything the shells show of a tracked project.
#[derive(Clone, Debug)]
pub struct Tracked {
    pub report: Report,
    /// The actual project ([`Scope::Actual`]).
    pub actual: Project,
    /// The checker on the actual project (without `P-DEADLINE`: the application lies behind
    /// a granted project), so the rules hold for what is really done.
    pub actual_findings: Vec<Finding>,
    /// The budget of what was completed.
    pub reported: Budget,
}

impl Tracked {
    pub fn has_errors(&self) -> bool {
        self.actual_findings
            .iter()
            .any(|f| f.severity == crate::Severity::Error)
    }
}

/// The whole tracking path for a file and its loaded plan: derive the actual and reported
/// projects, load them with `load` (the shell's own loader, which may compute distances from
/// towns), budget and check them, and report. The core stays free of I/O; the shells share
/// one path.
pub fn evaluate<E>(
    file: &ProjectFile,
    plan: &Project,
    rb: &Rulebook,
    profile: Option<&crate::RateProfile>,
    now: chrono::DateTime<chrono::FixedOffset>,
    mut load: impl FnMut(ProjectFile) -> Result<Project, E>,
) -> Result<Tracked, E> {
    let (actual_file, omitted_actual) = derive(file, Scope::Actual);
    let (reported_file, omitted_reported) = derive(file, Scope::Reported);
    let actual = load(actual_file)?;
    let reported = load(reported_file)?;
    let planned = crate::budget(plan, rb, profile);
    let expected = derived_budget(&actual, &omitted_actual, rb, profile);
    let reported_budget = derived_budget(&reported, &omitted_reported, rb, profile);
    let report = report(
        file,
        &actual,
        Budgets {
            planned: &planned,
            expected: &expected,
            reported: &reported_budget,
        },
        omitted_actual,
        omitted_reported,
        rb,
    );
    let actual_findings = crate::check(&actual, rb, &crate::CheckContext { now: Some(now) })
        .into_iter()
        .filter(|f| f.rule != RuleId::PDeadline)
        .collect();
    Ok(Tracked {
        report,
        actual,
        actual_findings,
        reported: reported_budget,
    })
}
