//! The project: what a coordinator plans. Read from the documented TOML/JSON file format
//! (`file` types, which also give the JSON Schema) into domain types that hold only
//! structurally valid values (`Project`). Whether the plan obeys the programme's rules is the
//! checker's business, so a plan that breaks a rule still parses.

use std::collections::{HashMap, HashSet};

use chrono::{Months, NaiveDate};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::input;
use crate::money::Money;
use crate::types::{ActivityKind, Coordinates, Country, Date, Field, Km100, KmError, Moment, Role};

/// The current version of the project file format.
pub const FORMAT_VERSION: u32 = 1;

/// The project file, as written by people and programs. Field docs become the JSON Schema's
/// descriptions and the reference in `docs/project-format.md`.
pub mod file {
    use super::*;

    /// A KA122 project plan.
    #[derive(Clone, Debug, PartialEq, Deserialize, Serialize, JsonSchema)]
    #[serde(deny_unknown_fields)]
    pub struct ProjectFile {
        /// Project file format version; 1 for now.
        pub format: u32,
        pub project: ProjectSection,
        pub applicant: Applicant,
        /// Named persons, referred to by `id` from activities and visits. Optional: a plan may
        /// give counts ("3 teachers") and name people later.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        pub people: Vec<Person>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        pub activities: Vec<Activity>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        pub preparatory_visits: Vec<PreparatoryVisit>,
        /// The application's words: background, needs, objectives, follow-up and summary.
        /// Optional, so that a plan without them still reads; what is not written yet is a
        /// finding (N-SECTION-COMPLETE), not an input error.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub application: Option<Application>,
        /// After the grant: the awarded budget and what happened to each activity and visit
        /// (an overlay on the plan above, which stays as it was).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub implementation: Option<crate::tracking::file::Implementation>,
    }

    #[derive(Clone, Debug, PartialEq, Deserialize, Serialize, JsonSchema)]
    #[serde(deny_unknown_fields)]
    pub struct ProjectSection {
        pub title: String,
        /// SCH, VET or ADU.
        pub field: Field,
        /// The call year; selects the rulebook.
        pub call_year: u16,
        /// Application round; 1 unless the agency opened a second round.
        pub round: u8,
        /// First day of the project.
        pub start: Date,
        /// Duration in whole months (the project ends the day before the same date this many
        /// months later).
        pub duration_months: u32,
        /// When the application was (or will be) submitted; without it the deadline is
        /// compared with today.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub application_date: Option<Moment>,
    }

    #[derive(Clone, Debug, PartialEq, Deserialize, Serialize, JsonSchema)]
    #[serde(deny_unknown_fields)]
    pub struct Applicant {
        pub name: String,
        /// Organisation ID (E + 8 digits) in the Erasmus+ organisation registration system.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub oid: Option<String>,
        pub country: Country,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub town: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub coordinates: Option<Coordinates>,
        /// Fields in which the applicant holds an Erasmus accreditation.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        pub accreditations: Vec<Field>,
        /// Earlier KA122 grants of the applicant.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        pub earlier_grants: Vec<EarlierGrant>,
    }

    #[derive(Clone, Debug, Deserialize, Serialize, JsonSchema, PartialEq, Eq)]
    #[serde(deny_unknown_fields)]
    pub struct EarlierGrant {
        pub field: Field,
        pub call_year: u16,
        #[serde(default = "one")]
        pub round: u8,
    }

    fn one() -> u8 {
        1
    }

    /// An organisation abroad: a host, or where an incoming person comes from.
    #[derive(Clone, Debug, PartialEq, Deserialize, Serialize, JsonSchema)]
    #[serde(deny_unknown_fields)]
    pub struct Organisation {
        pub name: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub oid: Option<String>,
        pub country: Country,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub town: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub coordinates: Option<Coordinates>,
        /// The host is a subsidiary or otherwise related to the sending organisation.
        #[serde(default, skip_serializing_if = "is_false")]
        pub related_to_sender: bool,
    }

    pub(crate) fn is_false(b: &bool) -> bool {
        !*b
    }

    #[derive(Clone, Debug, PartialEq, Deserialize, Serialize, JsonSchema)]
    #[serde(deny_unknown_fields)]
    pub struct Person {
        /// A short identifier, unique in the project (letters, digits, `-`, `_`).
        pub id: String,
        pub name: String,
        pub role: Role,
        #[serde(default, skip_serializing_if = "is_false")]
        pub fewer_opportunities: bool,
        #[serde(default, skip_serializing_if = "is_false")]
        pub minor: bool,
        /// For recent VET graduates: the graduation date.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub vet_graduation: Option<Date>,
    }

    /// Who takes part: either a count with profile counts, or named persons.
    #[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize, JsonSchema)]
    #[serde(deny_unknown_fields)]
    pub struct Participants {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub count: Option<u32>,
        /// With `count`: how many of them have fewer opportunities.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub fewer_opportunities: Option<u32>,
        /// With `count`: how many of them are minors.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub minors: Option<u32>,
        /// Ids from `people`, instead of `count`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub names: Option<Vec<String>>,
    }

    #[derive(Clone, Debug, PartialEq, Deserialize, Serialize, JsonSchema)]
    #[serde(deny_unknown_fields)]
    pub struct Accompanying {
        /// A number of unnamed accompanying persons (give this or `person`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub count: Option<u32>,
        /// An id from `people` (give this or `count`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub person: Option<String>,
        /// With `count`: how many are flagged as having fewer opportunities (not allowed).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub fewer_opportunities: Option<u32>,
        /// Days of the activity the person accompanies; absent means the whole activity.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub days: Option<u32>,
    }

    #[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
    #[serde(rename_all = "kebab-case")]
    pub enum Means {
        Plane,
        Train,
        Bus,
        Car,
        CarSharing,
        Bike,
        Boat,
        OtherSustainable,
        Other,
    }

    impl Means {
        pub fn id(self) -> &'static str {
            match self {
                Means::Plane => "plane",
                Means::Train => "train",
                Means::Bus => "bus",
                Means::Car => "car",
                Means::CarSharing => "car-sharing",
                Means::Bike => "bike",
                Means::Boat => "boat",
                Means::OtherSustainable => "other-sustainable",
                Means::Other => "other",
            }
        }
    }

    #[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize, JsonSchema)]
    #[serde(deny_unknown_fields)]
    pub struct Travel {
        /// One-way distance in km (two decimals at most), as the Commission's distance
        /// calculator gives it. Wins over a distance computed from places.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub distance_km: Option<f64>,
        /// Green travel: a low-emission means for the main part of the journey.
        #[serde(default, skip_serializing_if = "is_false")]
        pub green: bool,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub means: Option<Means>,
        /// Required for `other-sustainable`: what it is (at most 300 characters).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub means_description: Option<String>,
        /// Funded travel days (added to the individual-support days).
        #[serde(default)]
        pub days: u32,
        /// Day of departure, when known (otherwise travel days are placed around the activity).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub departure: Option<Date>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub return_date: Option<Date>,
        /// Claim expensive travel: the real return travel cost per traveller.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub expensive_real_cost: Option<Money>,
    }

    #[derive(
        Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize, JsonSchema,
    )]
    #[serde(rename_all = "kebab-case")]
    pub enum QualityArea {
        Information,
        Pedagogy,
        EuropeanDimension,
        QualityService,
        FollowUp,
    }

    impl QualityArea {
        pub fn id(self) -> &'static str {
            match self {
                QualityArea::Information => "information",
                QualityArea::Pedagogy => "pedagogy",
                QualityArea::EuropeanDimension => "european-dimension",
                QualityArea::QualityService => "quality-service",
                QualityArea::FollowUp => "follow-up",
            }
        }
    }

    #[derive(Clone, Debug, PartialEq, Deserialize, Serialize, JsonSchema)]
    #[serde(deny_unknown_fields)]
    pub struct Course {
        pub provider: String,
        pub title: String,
        /// Course days for which fees are claimed per participant; absent means every day of
        /// the activity.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub fee_days: Option<u32>,
        /// Quality-checklist areas checked for this course.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        pub quality: Vec<QualityArea>,
    }

    #[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
    #[serde(rename_all = "kebab-case")]
    pub enum Venue {
        /// At the hosting organisation (or, for incoming kinds, at the applicant).
        Host,
        /// At the seat of an EU institution.
        EuInstitution,
        /// Somewhere else.
        Other,
    }

    impl Venue {
        pub fn id(self) -> &'static str {
            match self {
                Venue::Host => "host",
                Venue::EuInstitution => "eu-institution",
                Venue::Other => "other",
            }
        }
    }

    #[derive(Clone, Debug, PartialEq, Deserialize, Serialize, JsonSchema)]
    #[serde(deny_unknown_fields)]
    pub struct RealCost {
        pub kind: super::RealCostKind,
        pub description: String,
        pub amount: Money,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub justification: Option<String>,
    }

    #[derive(Clone, Debug, PartialEq, Deserialize, Serialize, JsonSchema)]
    #[serde(deny_unknown_fields)]
    pub struct Activity {
        /// A short identifier, unique in the project.
        pub id: String,
        pub kind: ActivityKind,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub title: Option<String>,
        /// First day of the activity (travel excluded; for blended mobility, of the physical part).
        pub start: Date,
        /// Last day of the activity.
        pub end: Date,
        #[serde(default, skip_serializing_if = "is_false")]
        pub blended: bool,
        /// Where the activity takes place; absent means at the host.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub venue: Option<Venue>,
        /// The hosting organisation (required for outgoing kinds; for incoming kinds the
        /// applicant hosts and this may be left out).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub host: Option<Organisation>,
        /// For invited experts and hosted trainee teachers: where they come from.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub from: Option<Organisation>,
        pub participants: Participants,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        pub accompanying: Vec<Accompanying>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub travel: Option<Travel>,
        /// Course details (kind `course`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub course: Option<Course>,
        /// The hosting organisation's main mentor (kind `job-shadowing`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub mentor: Option<String>,
        /// Learners of the hosting organisation taking part (kind `group-mobility`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub host_learners: Option<u32>,
        /// Linguistic support requested (long-term activities without the online language support).
        #[serde(default, skip_serializing_if = "is_false")]
        pub linguistic_support: bool,
        /// Why a short-term learner activity is shorter than usual (fewer-opportunities exception).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub fewer_opportunities_justification: Option<String>,
        /// How learning outcomes will be assessed and recognised.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub recognition: Option<String>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        pub real_costs: Vec<RealCost>,
        /// Ids of the application's objectives (`application.objectives`) this activity
        /// serves. Kept on the activity, so that deleting the activity takes its links with it.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        pub objectives: Vec<String>,
        /// The planned learning outcomes: what participants will know and be able to do.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub learning_outcomes: Option<String>,
        /// Who takes part and how they are selected.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub selection: Option<String>,
        /// How participants are prepared (language, culture, tasks, practicalities).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub preparation: Option<String>,
        /// Mentoring and support during the mobility.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub support: Option<String>,
    }

    /// The application's narrative (`[application]`): the form's sections in words. Every
    /// text is optional; an unwritten text is reported by the checker.
    #[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize, JsonSchema)]
    #[serde(deny_unknown_fields)]
    pub struct Application {
        /// The language the application is written in: a two-letter ISO 639-1 code, e.g.
        /// `lv` or `en`. When it is not `en`, the summary is also needed in English.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub language: Option<String>,
        /// Who the organisation is: its main activities, learners and staff, size,
        /// experience with projects.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub background: Option<String>,
        /// The organisation's most important needs and challenges, with concrete examples.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub needs: Option<String>,
        /// What the project wants to achieve: one or more objectives.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        pub objectives: Vec<Objective>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub follow_up: Option<FollowUp>,
        /// The project summary in the application's language.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub summary: Option<Summary>,
        /// The project summary in English; needed when `language` is not `en`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub summary_en: Option<Summary>,
    }

    /// One of the project's objectives.
    #[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize, JsonSchema)]
    #[serde(deny_unknown_fields)]
    pub struct Objective {
        /// A short identifier, unique among the objectives; activities name it in their
        /// `objectives`.
        pub id: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub title: Option<String>,
        /// How the objective answers the needs described.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub description: Option<String>,
        /// Ids of the call's field objectives (the rulebook's `application.field_objectives`
        /// for the project's field) this objective contributes to.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        pub field_objectives: Vec<String>,
        /// The results expected when the objective is reached.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub expected_results: Option<String>,
        /// How progress towards the objective is measured.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub measurement: Option<String>,
    }

    /// What happens after the mobilities (`[application.follow_up]`).
    #[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize, JsonSchema)]
    #[serde(deny_unknown_fields)]
    pub struct FollowUp {
        /// How the results enter the organisation's regular work.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub integration: Option<String>,
        /// How results are shared with other organisations and the public.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub sharing: Option<String>,
    }

    /// The project summary (`[application.summary]`, `[application.summary_en]`).
    #[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize, JsonSchema)]
    #[serde(deny_unknown_fields)]
    pub struct Summary {
        /// What the project wants to achieve.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub objectives: Option<String>,
        /// What will be done: the activities and how.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub implementation: Option<String>,
        /// The results and other outcomes expected.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub results: Option<String>,
    }

    #[derive(Clone, Debug, PartialEq, Deserialize, Serialize, JsonSchema)]
    #[serde(deny_unknown_fields)]
    pub struct PreparatoryVisit {
        pub id: String,
        /// The id of the activity the visit prepares.
        pub prepares: String,
        pub start: Date,
        pub end: Date,
        pub host: Organisation,
        pub persons: Participants,
    }
}

impl file::ProjectFile {
    /// Removes an activity with what only it can refer to: the preparatory visits that prepare
    /// it, and its (and their) records in `[implementation]`, so the file stays loadable.
    pub fn remove_activity(&mut self, id: &str) {
        self.activities.retain(|a| a.id != id);
        let gone: Vec<String> = self
            .preparatory_visits
            .iter()
            .filter(|v| v.prepares == id)
            .map(|v| v.id.clone())
            .collect();
        for v in &gone {
            self.remove_visit(v);
        }
        if let Some(imp) = &mut self.implementation {
            imp.activities.remove(id);
        }
    }

    /// Removes an objective of the application with the links to it: activities that served
    /// it no longer name it, so the file stays loadable.
    pub fn remove_objective(&mut self, id: &str) {
        if let Some(app) = &mut self.application {
            app.objectives.retain(|o| o.id != id);
        }
        for a in &mut self.activities {
            a.objectives.retain(|o| o != id);
        }
    }

    /// Removes a preparatory visit and its record in `[implementation]`.
    pub fn remove_visit(&mut self, id: &str) {
        self.preparatory_visits.retain(|v| v.id != id);
        if let Some(imp) = &mut self.implementation {
            imp.visits.remove(id);
        }
    }
}

/// Real costs that are paid (partly) on evidence rather than by unit cost.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum RealCostKind {
    /// Inclusion support for participants.
    Inclusion,
    Visa,
    Permit,
    Vaccination,
    Medical,
    /// A financial guarantee asked by the agency.
    Guarantee,
}

impl RealCostKind {
    pub fn id(self) -> &'static str {
        match self {
            RealCostKind::Inclusion => "inclusion",
            RealCostKind::Visa => "visa",
            RealCostKind::Permit => "permit",
            RealCostKind::Vaccination => "vaccination",
            RealCostKind::Medical => "medical",
            RealCostKind::Guarantee => "guarantee",
        }
    }
}

pub use file::{Course, Means, Organisation, QualityArea, RealCost, Venue};

pub use crate::input::{InputError, InputErrors};

// ---------------------------------------------------------------------------------------------
// Domain types

pub type PersonIdx = usize;

#[derive(Clone, Debug, PartialEq)]
pub struct Person {
    pub id: String,
    pub name: String,
    pub role: Role,
    pub fewer_opportunities: bool,
    pub minor: bool,
    pub vet_graduation: Option<NaiveDate>,
}

/// Participants of an activity: counted, or named (indices into [`Project::people`]).
#[derive(Clone, Debug, PartialEq)]
pub enum Participants {
    Counted {
        count: u32,
        fewer_opportunities: u32,
        minors: u32,
    },
    Named(Vec<PersonIdx>),
}

impl Participants {
    pub fn count(&self) -> u32 {
        match self {
            Participants::Counted { count, .. } => *count,
            Participants::Named(v) => v.len() as u32,
        }
    }

    pub fn fewer_opportunities(&self, people: &[Person]) -> u32 {
        match self {
            Participants::Counted {
                fewer_opportunities,
                ..
            } => *fewer_opportunities,
            Participants::Named(v) => {
                v.iter().filter(|i| people[**i].fewer_opportunities).count() as u32
            }
        }
    }

    pub fn minors(&self, people: &[Person]) -> u32 {
        match self {
            Participants::Counted { minors, .. } => *minors,
            Participants::Named(v) => v.iter().filter(|i| people[**i].minor).count() as u32,
        }
    }

    pub fn named(&self) -> &[PersonIdx] {
        match self {
            Participants::Counted { .. } => &[],
            Participants::Named(v) => v,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum AccompanyingWho {
    Counted {
        count: u32,
        fewer_opportunities: u32,
    },
    Person(PersonIdx),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Accompanying {
    pub who: AccompanyingWho,
    /// `None`: the whole activity.
    pub days: Option<u32>,
}

impl Accompanying {
    pub fn count(&self) -> u32 {
        match self.who {
            AccompanyingWho::Counted { count, .. } => count,
            AccompanyingWho::Person(_) => 1,
        }
    }
}

/// Where a distance came from: typed by the user, or computed from coordinates by a shell
/// (the gazetteer), which records the points used.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "source", rename_all = "kebab-case")]
pub enum DistanceSource {
    Entered,
    /// Great-circle distance between two points; `*_place` says which place each point is
    /// (a gazetteer entry or typed coordinates), so the evidence can be kept.
    Computed {
        from: Coordinates,
        to: Coordinates,
        from_place: String,
        to_place: String,
    },
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Distance {
    pub km: Km100,
    #[serde(flatten)]
    pub source: DistanceSource,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Travel {
    pub distance: Option<Distance>,
    pub green: bool,
    pub means: Option<Means>,
    pub means_description: Option<String>,
    pub days: u32,
    pub departure: Option<NaiveDate>,
    pub return_date: Option<NaiveDate>,
    pub expensive_real_cost: Option<Money>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Activity {
    /// Shared text: each budget line of the activity quotes it without copying it.
    pub id: crate::finding::SharedStr,
    pub kind: ActivityKind,
    pub title: Option<String>,
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub blended: bool,
    pub venue: Venue,
    /// For outgoing kinds: the host. For incoming kinds: a host other than the applicant, if
    /// one was given (which the checker reports).
    pub host: Option<Organisation>,
    /// For incoming kinds: where the person comes from.
    pub from: Option<Organisation>,
    pub participants: Participants,
    pub accompanying: Vec<Accompanying>,
    /// `None` for kinds without travel (hosted trainee teachers).
    pub travel: Option<Travel>,
    pub course: Option<Course>,
    pub mentor: Option<String>,
    pub host_learners: Option<u32>,
    pub linguistic_support: bool,
    pub fewer_opportunities_justification: Option<String>,
    pub recognition: Option<String>,
    pub real_costs: Vec<RealCost>,
    /// The objectives the activity serves: indices into the application's objectives
    /// ([`crate::application::Application::objectives`]).
    pub objectives: Vec<usize>,
    pub learning_outcomes: Option<String>,
    pub selection: Option<String>,
    pub preparation: Option<String>,
    pub support: Option<String>,
}

impl Activity {
    /// Calendar days from the first to the last day, both included.
    pub fn days(&self) -> u32 {
        ((self.end - self.start).num_days() + 1).max(0) as u32
    }

    /// The country where the activity takes place, given the applicant's.
    /// For outgoing kinds the host always exists; incoming kinds take place at the applicant
    /// unless another host was given (which A-VENUE-COUNTRY reports).
    pub fn venue_country(&self, applicant: Country) -> Country {
        self.host.as_ref().map(|h| h.country).unwrap_or(applicant)
    }

    /// Accompanying persons, counted.
    pub fn accompanying_count(&self) -> u32 {
        self.accompanying.iter().map(Accompanying::count).sum()
    }

    /// The first and last day of the activity including travel days: the travel dates when
    /// given, otherwise the funded travel days split around the activity (half before,
    /// rounded up).
    pub fn span_with_travel(&self) -> (NaiveDate, NaiveDate) {
        let Some(t) = &self.travel else {
            return (self.start, self.end);
        };
        let before = u64::from(t.days.div_ceil(2));
        let after = u64::from(t.days / 2);
        let first = t.departure.unwrap_or_else(|| {
            self.start
                .checked_sub_days(chrono::Days::new(before))
                .unwrap_or(self.start)
        });
        let last = t.return_date.unwrap_or_else(|| {
            self.end
                .checked_add_days(chrono::Days::new(after))
                .unwrap_or(self.end)
        });
        (first.min(self.start), last.max(self.end))
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct PreparatoryVisit {
    pub id: String,
    /// Index into [`Project::activities`].
    pub prepares: usize,
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub host: Organisation,
    pub persons: Participants,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Applicant {
    pub name: String,
    pub oid: Option<String>,
    pub country: Country,
    pub town: Option<String>,
    pub coordinates: Option<Coordinates>,
    pub accreditations: Vec<Field>,
    pub earlier_grants: Vec<file::EarlierGrant>,
}

/// A parsed project. Every reference between its parts is resolved (indices), every id is
/// unique, every count is consistent with its profile counts.
#[derive(Clone, Debug, PartialEq)]
pub struct Project {
    pub title: String,
    pub field: Field,
    pub call_year: u16,
    pub round: u8,
    pub start: NaiveDate,
    pub duration_months: u32,
    pub application_date: Option<Moment>,
    pub applicant: Applicant,
    pub people: Vec<Person>,
    pub activities: Vec<Activity>,
    pub visits: Vec<PreparatoryVisit>,
    /// The application's words; `None` while the file has no `[application]`.
    pub application: Option<crate::application::Application>,
}

impl Project {
    /// The last day of the project.
    pub fn end(&self) -> NaiveDate {
        last_day(self.start, self.duration_months)
    }

    pub fn from_toml(text: &str) -> Result<Project, InputErrors> {
        let raw = parse_toml(text)?;
        Project::from_file(raw)
    }

    pub fn from_json(text: &str) -> Result<Project, InputErrors> {
        let raw = parse_json(text)?;
        Project::from_file(raw)
    }

    /// Checks the structure of a file (references, ids, counts) and builds the project.
    pub fn from_file(f: file::ProjectFile) -> Result<Project, InputErrors> {
        Builder::default().build(f)
    }
}

/// The last day of a project starting on `start` and lasting `months`: the day before the
/// same date `months` later.
pub fn last_day(start: NaiveDate, months: u32) -> NaiveDate {
    start
        .checked_add_months(Months::new(months))
        .and_then(|d| d.pred_opt())
        .unwrap_or(NaiveDate::MAX)
}

/// Reads the TOML form; errors name the field and the line.
pub fn parse_toml(text: &str) -> Result<file::ProjectFile, InputErrors> {
    let de = toml::Deserializer::new(text);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let field = path_string(e.path());
        let inner = e.into_inner();
        let (line, column) = match inner.span() {
            Some(span) => {
                let (l, c) = line_col(text, span.start);
                (Some(l), Some(c))
            }
            None => (None, None),
        };
        // toml's error does not say whether the text or a value was refused; a text that
        // reads as a TOML table has no syntax error.
        let syntax = text
            .parse::<toml::Table>()
            .is_err()
            .then_some(crate::input::Syntax::Toml);
        crate::input::from_parser(field, line, column, inner.message(), syntax).into()
    })
}

/// Reads the JSON form; errors name the field and the line.
pub fn parse_json(text: &str) -> Result<file::ProjectFile, InputErrors> {
    let mut de = serde_json::Deserializer::from_str(text);
    let parsed: Result<file::ProjectFile, _> = serde_path_to_error::deserialize(&mut de);
    let (field, inner) = match parsed {
        Ok(v) => match de.end() {
            Ok(()) => return Ok(v),
            Err(e) => (String::new(), e),
        },
        Err(e) => (path_string(e.path()), e.into_inner()),
    };
    let text = inner.to_string();
    // serde_json appends " at line L column C"; the position is kept apart.
    let message = text
        .rsplit_once(" at line ")
        .map_or(text.as_str(), |(m, _)| m);
    let syntax = match inner.classify() {
        serde_json::error::Category::Data => None,
        _ => Some(crate::input::Syntax::Json),
    };
    Err(crate::input::from_parser(
        field,
        (inner.line() > 0).then_some(inner.line()),
        (inner.column() > 0).then_some(inner.column()),
        message,
        syntax,
    )
    .into())
}

fn path_string(p: &serde_path_to_error::Path) -> String {
    // serde_path_to_error writes "." for the root and "?" for a position it cannot name.
    let s = p.to_string();
    if s == "." || s == "?" {
        String::new()
    } else {
        s
    }
}

fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before
        .rsplit('\n')
        .next()
        .map(|l| l.chars().count())
        .unwrap_or(0)
        + 1;
    (line, col)
}

/// Structural limits that keep arithmetic and calendars sane; anything beyond is a typing
/// mistake, not a plan.
const MAX_COUNT: u32 = 10_000;
const MAX_DAYS: u32 = 3_660;
const MAX_TEXT: usize = 10_000;
/// The application's texts are long by nature; beyond this no form would take them.
const MAX_NARRATIVE: usize = 100_000;

#[derive(Default)]
struct Builder {
    errors: Vec<InputError>,
}

impl Builder {
    fn push(&mut self, e: InputError) {
        self.errors.push(e);
    }

    fn build(mut self, f: file::ProjectFile) -> Result<Project, InputErrors> {
        if f.format != FORMAT_VERSION {
            self.push(input::format_unknown("format", f.format, FORMAT_VERSION));
        }
        let p = &f.project;
        self.text("project.title", &p.title, true);
        if !(1..=120).contains(&p.duration_months) {
            self.push(input::duration_months(
                "project.duration_months",
                p.duration_months,
                1_u32,
                120_u32,
            ));
        }
        if p.round == 0 {
            self.push(input::round_zero("project.round"));
        }
        if !(2014..=2100).contains(&p.call_year) {
            self.push(input::call_year("project.call_year", p.call_year));
        }
        self.text("applicant.name", &f.applicant.name, true);
        for (i, g) in f.applicant.earlier_grants.iter().enumerate() {
            if g.call_year > p.call_year {
                self.push(input::grant_after_call_year(
                    format!("applicant.earlier_grants[{i}].call_year"),
                    g.call_year,
                    p.call_year,
                ));
            }
        }

        // People
        let mut person_ids: HashMap<String, usize> = HashMap::new();
        let mut people = Vec::with_capacity(f.people.len());
        for (i, person) in f.people.iter().enumerate() {
            let path = format!("people[{i}]");
            self.ident(&format!("{path}.id"), &person.id);
            self.text(&format!("{path}.name"), &person.name, true);
            if person_ids.insert(person.id.clone(), i).is_some() {
                self.push(input::used_twice(format!("{path}.id"), person.id.as_str()));
            }
            people.push(Person {
                id: person.id.clone(),
                name: person.name.clone(),
                role: person.role,
                fewer_opportunities: person.fewer_opportunities,
                minor: person.minor,
                vet_graduation: person.vet_graduation.map(|d| d.0),
            });
        }

        // The application's words: before the activities, which name its objectives.
        let application = f.application.as_ref().map(|a| self.application(a));
        let objective_ids: HashMap<String, usize> = application
            .iter()
            .flat_map(|a| a.objectives.iter().enumerate())
            .map(|(i, o)| (o.id.clone(), i))
            .collect();

        // Activities
        let mut activity_ids: HashMap<String, usize> = HashMap::new();
        let mut activities = Vec::with_capacity(f.activities.len());
        for (i, a) in f.activities.iter().enumerate() {
            let path = format!("activities[{i}]");
            self.ident(&format!("{path}.id"), &a.id);
            if activity_ids.insert(a.id.clone(), i).is_some() {
                self.push(input::used_twice(format!("{path}.id"), a.id.as_str()));
            }
            if let Some(act) = self.activity(&path, a, &person_ids, &objective_ids) {
                activities.push(act);
            }
        }

        // Visits
        let mut visit_ids = HashSet::new();
        let mut visits = Vec::with_capacity(f.preparatory_visits.len());
        for (i, v) in f.preparatory_visits.iter().enumerate() {
            let path = format!("preparatory_visits[{i}]");
            self.ident(&format!("{path}.id"), &v.id);
            if !visit_ids.insert(v.id.clone()) {
                self.push(input::used_twice(format!("{path}.id"), v.id.as_str()));
            }
            self.dates(&path, v.start, v.end);
            self.organisation(&format!("{path}.host"), &v.host);
            let prepares = activity_ids.get(&v.prepares).copied();
            if prepares.is_none() {
                self.push(input::unknown_activity(
                    format!("{path}.prepares"),
                    v.prepares.as_str(),
                ));
            }
            let persons = self.participants(&format!("{path}.persons"), &v.persons, &person_ids);
            if let (Some(prepares), Some(persons)) = (prepares, persons) {
                visits.push(PreparatoryVisit {
                    id: v.id.clone(),
                    prepares,
                    start: v.start.0,
                    end: v.end.0,
                    host: v.host.clone(),
                    persons,
                });
            }
        }

        if let Some(imp) = &f.implementation {
            self.errors.extend(crate::tracking::validate(&f, imp));
        }

        if !self.errors.is_empty() {
            return Err(InputErrors {
                errors: self.errors,
            });
        }
        Ok(Project {
            title: p.title.clone(),
            field: p.field,
            call_year: p.call_year,
            round: p.round,
            start: p.start.0,
            duration_months: p.duration_months,
            application_date: p.application_date,
            applicant: Applicant {
                name: f.applicant.name,
                oid: f.applicant.oid,
                country: f.applicant.country,
                town: f.applicant.town,
                coordinates: f.applicant.coordinates,
                accreditations: f.applicant.accreditations,
                earlier_grants: f.applicant.earlier_grants,
            },
            people,
            activities,
            visits,
            application,
        })
    }

    /// A text of the application: an unwritten one (absent or only spaces) is `None`, which
    /// the checker reports; only a text beyond any sensible length is an input error, so that
    /// the form's own limits (N-TEXT-LIMIT) are what speaks for ordinary overruns.
    fn narrative(&mut self, path: &str, value: &Option<String>) -> Option<String> {
        let v = value.as_ref()?;
        if v.len() > MAX_NARRATIVE {
            self.push(input::too_long(path, MAX_NARRATIVE));
        }
        (!v.trim().is_empty()).then(|| v.clone())
    }

    fn application(&mut self, a: &file::Application) -> crate::application::Application {
        use crate::application as app;
        let language = match a.language.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(l) if l.len() == 2 && l.bytes().all(|b| b.is_ascii_alphabetic()) => {
                Some(l.to_ascii_lowercase())
            }
            Some(l) => {
                self.push(input::not_a_language("application.language", l));
                None
            }
        };
        let mut ids = HashSet::new();
        let mut objectives = Vec::with_capacity(a.objectives.len());
        for (i, o) in a.objectives.iter().enumerate() {
            let path = format!("application.objectives[{i}]");
            self.ident(&format!("{path}.id"), &o.id);
            if !ids.insert(o.id.as_str()) {
                self.push(input::used_twice(format!("{path}.id"), o.id.as_str()));
            }
            let mut seen = HashSet::new();
            for (j, fo) in o.field_objectives.iter().enumerate() {
                let fp = format!("{path}.field_objectives[{j}]");
                self.ident(&fp, fo);
                if !seen.insert(fo.as_str()) {
                    self.push(input::listed_twice(fp, fo.as_str()));
                }
            }
            objectives.push(app::Objective {
                id: o.id.clone(),
                title: self.narrative(&format!("{path}.title"), &o.title),
                description: self.narrative(&format!("{path}.description"), &o.description),
                field_objectives: o.field_objectives.clone(),
                expected_results: self
                    .narrative(&format!("{path}.expected_results"), &o.expected_results),
                measurement: self.narrative(&format!("{path}.measurement"), &o.measurement),
            });
        }
        let fu = a.follow_up.clone().unwrap_or_default();
        let follow_up = app::FollowUp {
            integration: self.narrative("application.follow_up.integration", &fu.integration),
            sharing: self.narrative("application.follow_up.sharing", &fu.sharing),
        };
        let mut summary = |name: &str, s: &Option<file::Summary>| {
            let s = s.clone().unwrap_or_default();
            app::Summary {
                objectives: self
                    .narrative(&format!("application.{name}.objectives"), &s.objectives),
                implementation: self.narrative(
                    &format!("application.{name}.implementation"),
                    &s.implementation,
                ),
                results: self.narrative(&format!("application.{name}.results"), &s.results),
            }
        };
        let summary_local = summary("summary", &a.summary);
        let summary_en = summary("summary_en", &a.summary_en);
        app::Application {
            language,
            background: self.narrative("application.background", &a.background),
            needs: self.narrative("application.needs", &a.needs),
            objectives,
            follow_up,
            summary: summary_local,
            summary_en,
        }
    }

    fn text(&mut self, path: &str, value: &str, required: bool) {
        if required && value.trim().is_empty() {
            self.push(input::required(path));
        } else if value.len() > MAX_TEXT {
            self.push(input::too_long(path, MAX_TEXT));
        }
    }

    fn ident(&mut self, path: &str, id: &str) {
        let ok = !id.is_empty()
            && id.len() <= 64
            && id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if !ok {
            self.push(input::not_an_id(path, id));
        }
    }

    fn dates(&mut self, path: &str, start: Date, end: Date) {
        if end < start {
            self.push(input::end_before_start(
                format!("{path}.end"),
                end.0,
                start.0,
            ));
        } else if (end.0 - start.0).num_days() >= i64::from(MAX_DAYS) {
            self.push(input::too_many_days(format!("{path}.end"), MAX_DAYS));
        }
    }

    fn organisation(&mut self, path: &str, o: &Organisation) {
        self.text(&format!("{path}.name"), &o.name, true);
    }

    fn count(&mut self, path: &str, n: u32, min: u32) -> bool {
        if n < min || n > MAX_COUNT {
            self.push(input::not_a_count(path, n, min, MAX_COUNT));
            false
        } else {
            true
        }
    }

    fn participants(
        &mut self,
        path: &str,
        p: &file::Participants,
        ids: &HashMap<String, usize>,
    ) -> Option<Participants> {
        match (&p.count, &p.names) {
            (Some(_), Some(_)) | (None, None) => {
                self.push(input::count_or_names(path));
                None
            }
            (Some(count), None) => {
                let fo = p.fewer_opportunities.unwrap_or(0);
                let minors = p.minors.unwrap_or(0);
                let mut ok = self.count(&format!("{path}.count"), *count, 1);
                for (name, n) in [("fewer_opportunities", fo), ("minors", minors)] {
                    if n > *count {
                        self.push(input::more_than_participants(
                            format!("{path}.{name}"),
                            n,
                            *count,
                        ));
                        ok = false;
                    }
                }
                ok.then_some(Participants::Counted {
                    count: *count,
                    fewer_opportunities: fo,
                    minors,
                })
            }
            (None, Some(names)) => {
                if p.fewer_opportunities.is_some() || p.minors.is_some() {
                    self.push(input::names_with_counts(path));
                }
                if names.is_empty() {
                    self.push(input::names_empty(format!("{path}.names")));
                    return None;
                }
                let mut idx = Vec::with_capacity(names.len());
                let mut seen = HashSet::new();
                for (j, n) in names.iter().enumerate() {
                    match ids.get(n) {
                        Some(i) => {
                            if !seen.insert(*i) {
                                self.push(input::listed_twice(
                                    format!("{path}.names[{j}]"),
                                    n.as_str(),
                                ));
                            }
                            idx.push(*i)
                        }
                        None => self.push(input::unknown_person(
                            format!("{path}.names[{j}]"),
                            n.as_str(),
                        )),
                    }
                }
                (idx.len() == names.len()).then_some(Participants::Named(idx))
            }
        }
    }

    fn activity(
        &mut self,
        path: &str,
        a: &file::Activity,
        ids: &HashMap<String, usize>,
        objective_ids: &HashMap<String, usize>,
    ) -> Option<Activity> {
        let errors_before = self.errors.len();
        let mut objectives = Vec::with_capacity(a.objectives.len());
        for (j, o) in a.objectives.iter().enumerate() {
            let op = format!("{path}.objectives[{j}]");
            match objective_ids.get(o) {
                Some(&i) if objectives.contains(&i) => {
                    self.push(input::listed_twice(op, o.as_str()))
                }
                Some(&i) => objectives.push(i),
                None => self.push(input::unknown_objective(op, o.as_str())),
            }
        }
        let learning_outcomes =
            self.narrative(&format!("{path}.learning_outcomes"), &a.learning_outcomes);
        let selection = self.narrative(&format!("{path}.selection"), &a.selection);
        let preparation = self.narrative(&format!("{path}.preparation"), &a.preparation);
        let support = self.narrative(&format!("{path}.support"), &a.support);
        self.dates(path, a.start, a.end);
        if let Some(t) = &a.title {
            self.text(&format!("{path}.title"), t, false);
        }
        let incoming = a.kind.is_incoming();
        match (&a.host, incoming) {
            (None, false) => self.push(input::host_missing(format!("{path}.host"))),
            (Some(h), _) => self.organisation(&format!("{path}.host"), h),
            (None, true) => {}
        }
        match (&a.from, incoming) {
            (None, true) => self.push(input::from_missing(format!("{path}.from"))),
            (Some(_), false) => self.push(input::from_not_allowed(format!("{path}.from"), a.kind)),
            (Some(o), true) => self.organisation(&format!("{path}.from"), o),
            (None, false) => {}
        }
        let participants = self.participants(&format!("{path}.participants"), &a.participants, ids);

        let mut accompanying = Vec::new();
        for (j, acc) in a.accompanying.iter().enumerate() {
            let ap = format!("{path}.accompanying[{j}]");
            let who = match (&acc.count, &acc.person) {
                (Some(c), None) => {
                    let fo = acc.fewer_opportunities.unwrap_or(0);
                    if fo > *c {
                        self.push(input::more_than_persons(
                            format!("{ap}.fewer_opportunities"),
                            fo,
                            *c,
                        ));
                    }
                    self.count(&format!("{ap}.count"), *c, 1)
                        .then_some(AccompanyingWho::Counted {
                            count: *c,
                            fewer_opportunities: fo,
                        })
                }
                (None, Some(id)) => {
                    if acc.fewer_opportunities.is_some() {
                        self.push(input::fewer_on_person(format!("{ap}.fewer_opportunities")));
                    }
                    match ids.get(id) {
                        Some(i) => Some(AccompanyingWho::Person(*i)),
                        None => {
                            self.push(input::unknown_person(format!("{ap}.person"), id.as_str()));
                            None
                        }
                    }
                }
                _ => {
                    self.push(input::count_or_person(ap.as_str()));
                    None
                }
            };
            if let Some(d) = acc.days {
                let total = ((a.end.0 - a.start.0).num_days() + 1).max(0) as u32;
                if d == 0 || d > total {
                    self.push(input::days_outside_activity(format!("{ap}.days"), d, total));
                }
            }
            if let Some(who) = who {
                accompanying.push(Accompanying {
                    who,
                    days: acc.days,
                });
            }
        }

        let travel = if a.kind == ActivityKind::HostingTeacherInTraining {
            if a.travel.is_some() {
                self.push(input::travel_not_for_trainees(format!("{path}.travel")));
            }
            None
        } else {
            let t = a.travel.clone().unwrap_or_default();
            let tp = format!("{path}.travel");
            let distance = match t.distance_km {
                Some(km) => match Km100::from_km(km) {
                    Ok(km) => Some(Distance {
                        km,
                        source: DistanceSource::Entered,
                    }),
                    Err(e) => {
                        let field = format!("{tp}.distance_km");
                        let value = km.to_string();
                        self.push(match e {
                            KmError::NotADistance => input::distance_negative(field, value),
                            KmError::TooLong => input::distance_too_long(field, value),
                            KmError::Decimals => input::distance_decimals(field, value),
                        });
                        None
                    }
                },
                None => None,
            };
            if t.days > 30 {
                self.push(input::travel_days(format!("{tp}.days"), t.days, 30_u32));
            }
            if let Some(d) = &t.means_description {
                self.text(&format!("{tp}.means_description"), d, false);
            }
            if t.expensive_real_cost.is_some_and(|c| c <= Money::ZERO) {
                self.push(input::above_zero(format!("{tp}.expensive_real_cost")));
            }
            if let (Some(d), Some(r)) = (t.departure, t.return_date)
                && r < d
            {
                self.push(input::return_before_departure(
                    format!("{tp}.return_date"),
                    r.0,
                    d.0,
                ));
            }
            Some(Travel {
                distance,
                green: t.green,
                means: t.means,
                means_description: t.means_description.clone(),
                days: t.days,
                departure: t.departure.map(|d| d.0),
                return_date: t.return_date.map(|d| d.0),
                expensive_real_cost: t.expensive_real_cost,
            })
        };

        match (&a.course, a.kind) {
            (None, ActivityKind::Course) => {
                self.push(input::course_missing(format!("{path}.course")))
            }
            (Some(_), k) if k != ActivityKind::Course => {
                self.push(input::course_not_allowed(format!("{path}.course"), k))
            }
            (Some(c), _) => {
                self.text(&format!("{path}.course.provider"), &c.provider, true);
                self.text(&format!("{path}.course.title"), &c.title, true);
                if let Some(d) = c.fee_days.filter(|d| *d > MAX_DAYS) {
                    self.push(input::fee_days(
                        format!("{path}.course.fee_days"),
                        d,
                        MAX_DAYS,
                    ));
                }
            }
            _ => {}
        }
        if a.mentor.is_some() && a.kind != ActivityKind::JobShadowing {
            self.push(input::mentor_not_allowed(format!("{path}.mentor"), a.kind));
        }
        if a.host_learners.is_some() && a.kind != ActivityKind::GroupMobility {
            self.push(input::host_learners_not_allowed(
                format!("{path}.host_learners"),
                a.kind,
            ));
        }
        if let Some(n) = a.host_learners.filter(|n| *n > MAX_COUNT) {
            self.push(input::not_learners(
                format!("{path}.host_learners"),
                n,
                MAX_COUNT,
            ));
        }
        for (j, rc) in a.real_costs.iter().enumerate() {
            let rp = format!("{path}.real_costs[{j}]");
            self.text(&format!("{rp}.description"), &rc.description, true);
            if rc.amount <= Money::ZERO || rc.amount > Money::from_euros(1_000_000) {
                self.push(input::real_cost_amount(format!("{rp}.amount"), rc.amount));
            }
        }
        for (name, t) in [
            ("recognition", &a.recognition),
            (
                "fewer_opportunities_justification",
                &a.fewer_opportunities_justification,
            ),
        ] {
            if let Some(t) = t {
                self.text(&format!("{path}.{name}"), t, false);
            }
        }

        if self.errors.len() > errors_before {
            return None;
        }
        Some(Activity {
            id: a.id.as_str().into(),
            kind: a.kind,
            title: a.title.clone(),
            start: a.start.0,
            end: a.end.0,
            blended: a.blended,
            venue: a.venue.unwrap_or(Venue::Host),
            host: a.host.clone(),
            from: a.from.clone(),
            participants: participants?,
            accompanying,
            travel,
            course: a.course.clone(),
            mentor: a.mentor.clone().filter(|m| !m.trim().is_empty()),
            host_learners: a.host_learners,
            linguistic_support: a.linguistic_support,
            fewer_opportunities_justification: a
                .fewer_opportunities_justification
                .clone()
                .filter(|t| !t.trim().is_empty()),
            recognition: a.recognition.clone().filter(|t| !t.trim().is_empty()),
            real_costs: a.real_costs.clone(),
            objectives,
            learning_outcomes,
            selection,
            preparation,
            support,
        })
    }
}

/// The JSON Schema of the project file.
pub fn json_schema() -> serde_json::Value {
    let schema = schemars::schema_for!(file::ProjectFile);
    serde_json::to_value(schema).expect("a schema serialises")
}
