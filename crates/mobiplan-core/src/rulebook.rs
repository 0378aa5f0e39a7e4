//! Call-year rulebooks: every limit, date, country list and unit cost as data with provenance.
//!
//! A rulebook is a TOML file (`rulebook/<year>.toml`). The ones shipped with mobiplan are
//! embedded at compile time; a file given by the user replaces the embedded one for its year.
//! Loading is strict: unknown keys, a value without `source` or `confidence`, a source that is
//! not declared, a country in no list, a band table out of order — all are refused with the
//! path of the offending value.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::OnceLock;

use chrono::{DateTime, FixedOffset};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::application::Part;
use crate::finding::SharedStr;
use crate::money::{Amount, Money};
use crate::project::RealCostKind;
use crate::rules::RuleId;
use crate::types::{ActivityKind, Confidence, Country, Date, Field, Severity};

/// The rulebooks shipped with mobiplan, by call year. Adding a call year is adding a file
/// here and a line in this list.
const EMBEDDED: &[(u16, &str)] = &[
    (2026, include_str!("../../../rulebook/2026.toml")),
    (2027, include_str!("../../../rulebook/2027.toml")),
];

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum RulebookError {
    #[error("no rulebook for call year {0}: mobiplan knows {1}")]
    UnknownYear(u16, String),
    #[error("rulebook is not valid TOML or does not fit the rulebook schema: {0}")]
    Parse(String),
    #[error("rulebook value {path}: {problem}")]
    Invalid { path: String, problem: String },
}

fn invalid(path: impl Into<String>, problem: impl Into<String>) -> RulebookError {
    RulebookError::Invalid {
        path: path.into(),
        problem: problem.into(),
    }
}

/// One value with its provenance.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Param<T> {
    pub value: T,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// Shared (interned, see [`SharedStr`]): the budget quotes the source of every value it
    /// uses, without copying it.
    #[serde(deserialize_with = "SharedStr::deserialize_interned")]
    pub source: SharedStr,
    pub confidence: Confidence,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// An older or competing value recorded for the reader; never used in computation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous: Option<String>,
    /// The call year whose value this is, carried forward unchanged because the new call's
    /// value is not published yet (the value is then provisional, `P`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub carried_from: Option<u16>,
}

/// A value that may be explicitly **unknown** until it is published: written
/// `{ unknown = true, source, confidence, note }` instead of `{ value, source, confidence }`.
/// Only the values listed by [`may_be_unknown`] can be unknown; the rules that need one say
/// what cannot be checked yet instead of guessing.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields, bound(deserialize = "T: Deserialize<'de>"))]
pub struct MaybeParam<T> {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<T>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub unknown: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    #[serde(deserialize_with = "SharedStr::deserialize_interned")]
    pub source: SharedStr,
    pub confidence: Confidence,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub carried_from: Option<u16>,
}

impl<T> MaybeParam<T> {
    /// The value, `None` while it is unknown.
    pub fn known(&self) -> Option<&T> {
        self.value.as_ref()
    }
}

/// Whether the value at a rulebook path may be `unknown = true`: a round's deadline and start
/// window, which cannot be carried from one call to the next.
pub fn may_be_unknown(path: &str) -> bool {
    let mut parts = path.split('.');
    matches!(
        (parts.next(), parts.next(), parts.next(), parts.next()),
        (
            Some("rounds"),
            Some(_),
            Some("deadline" | "start_from" | "start_to"),
            None
        )
    )
}

/// Whether a listed value is known, carried from an earlier call, or unknown.
#[derive(Clone, Copy, Debug, Serialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum ValueState {
    Known,
    Carried,
    Unknown,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    pub title: String,
    /// The title in Latvian, for the Latvian interface ("why this number" names sources).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title_lv: Option<String>,
    #[serde(default)]
    pub locator: Option<String>,
    #[serde(default)]
    pub url: Option<String>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Meta {
    pub call_year: u16,
    pub edition: String,
    pub title: String,
    pub currency: String,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Countries {
    pub eligible: Param<Vec<Country>>,
    pub groups: Param<BTreeMap<String, Vec<Country>>>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoundData {
    /// RFC 3339 date-time with offset; unknown until the call is published.
    pub deadline: MaybeParam<String>,
    /// The start window; unknown until the call is published.
    pub start_from: MaybeParam<Date>,
    pub start_to: MaybeParam<Date>,
}

/// Reporting obligations after the project ends (the calendar export dates them).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reporting {
    /// The final report is due this many calendar days after the project's last day.
    pub final_report_days: Param<u32>,
}

/// A rule's description and its parameters.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule<V> {
    pub severity: Severity,
    pub text: String,
    pub source: String,
    pub confidence: Confidence,
    #[serde(default)]
    pub note: Option<String>,
    /// The call year this rule's description was carried from (see [`Param::carried_from`]).
    #[serde(default)]
    pub carried_from: Option<u16>,
    pub values: V,
}

/// Rules without parameters may omit `values`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlainRule {
    pub severity: Severity,
    pub text: String,
    pub source: String,
    pub confidence: Confidence,
    #[serde(default)]
    pub note: Option<String>,
    #[serde(default)]
    pub carried_from: Option<u16>,
}

#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct DayRange {
    pub min: u32,
    pub max: u32,
}

macro_rules! values {
    ($name:ident { $($field:ident : $ty:ty),* $(,)? }) => {
        #[derive(Clone, Debug, Deserialize)]
        #[serde(deny_unknown_fields)]
        pub struct $name { $(pub $field: Param<$ty>,)* }
    };
}

values!(PDurationValues {
    min_months: u32,
    max_months: u32
});
values!(PMaxParticipantsValues {
    max: u32,
    count_invited_experts: bool,
    count_hosted_trainees: bool
});
values!(PGrantsPerYearValues {
    max_per_call_year: u32
});
values!(PGrantsIn5YearsValues {
    max_grants: u32,
    window_years: u16
});
values!(KindFieldValues { fields: BTreeMap<ActivityKind, Vec<Field>> });
values!(TravelDaysValues {
    max_standard: u32,
    max_green: u32
});
values!(GreenTravelValues { sustainable_means: Vec<String>, description_max_chars: u32 });
values!(BandEdgeValues { margin_km: u32 });
values!(MinValues { min: u32 });
values!(MaxValues { max: u32 });
values!(FieldsValues { fields: Vec<Field> });
values!(VenuesValues { venues: Vec<String> });
values!(PersonOnceValues {
    max_courses_per_person: u32
});
values!(FeeDaysValues { max_days: u32 });
values!(QualityValues { areas: Vec<String> });
values!(MonthsValues { months: u32 });
values!(UnderUsedValues { min_percent: u32 });

/// The form's length limits of the application's texts, in characters (N-TEXT-LIMIT), laid
/// out like the file: the project's texts, then per objective, per activity, the follow-up
/// and the summary (whose limits hold for the English summary too).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TextLimitValues {
    pub background: Param<u32>,
    pub needs: Param<u32>,
    pub objective: ObjectiveLimits,
    pub activity: ActivityLimits,
    pub follow_up: FollowUpLimits,
    pub summary: SummaryLimits,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ObjectiveLimits {
    pub title: Param<u32>,
    pub description: Param<u32>,
    pub expected_results: Param<u32>,
    pub measurement: Param<u32>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActivityLimits {
    pub learning_outcomes: Param<u32>,
    pub selection: Param<u32>,
    pub preparation: Param<u32>,
    pub support: Param<u32>,
    pub recognition: Param<u32>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FollowUpLimits {
    pub integration: Param<u32>,
    pub sharing: Param<u32>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SummaryLimits {
    pub objectives: Param<u32>,
    pub implementation: Param<u32>,
    pub results: Param<u32>,
}

impl TextLimitValues {
    /// The limit of a text part; `None` for parts that are not free text (lists, the
    /// language).
    pub fn limit(&self, part: Part) -> Option<&Param<u32>> {
        Some(match part {
            Part::Background => &self.background,
            Part::Needs => &self.needs,
            Part::ObjectiveTitle => &self.objective.title,
            Part::ObjectiveDescription => &self.objective.description,
            Part::ObjectiveExpectedResults => &self.objective.expected_results,
            Part::ObjectiveMeasurement => &self.objective.measurement,
            Part::LearningOutcomes => &self.activity.learning_outcomes,
            Part::Selection => &self.activity.selection,
            Part::Preparation => &self.activity.preparation,
            Part::Support => &self.activity.support,
            Part::Recognition => &self.activity.recognition,
            Part::Integration => &self.follow_up.integration,
            Part::Sharing => &self.follow_up.sharing,
            Part::SummaryObjectives | Part::SummaryEnObjectives => &self.summary.objectives,
            Part::SummaryImplementation | Part::SummaryEnImplementation => {
                &self.summary.implementation
            }
            Part::SummaryResults | Part::SummaryEnResults => &self.summary.results,
            Part::Language
            | Part::Objectives
            | Part::ObjectiveFieldObjectives
            | Part::ActivityObjectives => return None,
        })
    }
}

/// A text for people in both of mobiplan's languages, kept with the call's data because it
/// is the call's (a field objective, an award criterion, an evaluator's question).
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct LangText {
    pub en: String,
    pub lv: String,
}

impl LangText {
    /// The text in a language by its code; English for any other.
    pub fn get(&self, lang: &str) -> &str {
        if lang == "lv" { &self.lv } else { &self.en }
    }
}

/// A table read in the file's order: field objectives and award criteria are listed the way
/// the call lists them, not alphabetically.
#[derive(Clone, Debug)]
pub struct Ordered<V>(pub Vec<(String, V)>);

impl<V> Ordered<V> {
    pub fn get(&self, key: &str) -> Option<&V> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &V)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v))
    }

    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|(k, _)| k.as_str())
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<'de, V: Deserialize<'de>> Deserialize<'de> for Ordered<V> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor<V>(std::marker::PhantomData<V>);
        impl<'de, V: Deserialize<'de>> serde::de::Visitor<'de> for Visitor<V> {
            type Value = Ordered<V>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a table")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut m: A,
            ) -> Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some((k, v)) = m.next_entry::<String, V>()? {
                    out.push((k, v));
                }
                Ok(Ordered(out))
            }
        }
        d.deserialize_map(Visitor(std::marker::PhantomData))
    }
}

/// The call's data about the application in words: the field objectives, and how
/// applications are scored.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApplicationRules {
    /// Per field, the call's objectives by id, in the call's order. A project's objectives
    /// name the ones they contribute to (N-FIELD-OBJECTIVE).
    pub field_objectives: BTreeMap<Field, Ordered<Param<LangText>>>,
    pub award: Award,
}

/// The award criteria: what evaluators score, the points and the thresholds.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Award {
    /// The least total score an application needs to be considered for funding.
    pub threshold_total: Param<u32>,
    /// Relevance, quality of project design, quality of project management — by id, in the
    /// guide's order.
    pub criteria: Ordered<Criterion>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Criterion {
    pub name: Param<LangText>,
    pub max_points: Param<u32>,
    /// The least score in this criterion an application needs.
    pub min_points: Param<u32>,
    /// What evaluators ask under this criterion (in mobiplan's words), by id.
    pub questions: Ordered<Param<Question>>,
}

/// An evaluator's question and the parts of the application that answer it.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Question {
    pub en: String,
    pub lv: String,
    pub parts: Vec<Part>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FewerOppValues {
    pub min_days: BTreeMap<Field, Param<u32>>,
}

/// Every rule of the catalogue, by ID. The field names follow the IDs; serde's `rename`
/// keeps the file keyed by the IDs themselves.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rules {
    #[serde(rename = "P-DURATION")]
    pub p_duration: Rule<PDurationValues>,
    #[serde(rename = "P-START-WINDOW")]
    pub p_start_window: PlainRule,
    #[serde(rename = "P-DEADLINE")]
    pub p_deadline: PlainRule,
    #[serde(rename = "P-MAX-PARTICIPANTS")]
    pub p_max_participants: Rule<PMaxParticipantsValues>,
    #[serde(rename = "P-APPLICANT-COUNTRY")]
    pub p_applicant_country: PlainRule,
    #[serde(rename = "P-ACCREDITED")]
    pub p_accredited: PlainRule,
    #[serde(rename = "P-GRANTS-PER-YEAR")]
    pub p_grants_per_year: Rule<PGrantsPerYearValues>,
    #[serde(rename = "P-GRANTS-IN-5-YEARS")]
    pub p_grants_in_5_years: Rule<PGrantsIn5YearsValues>,
    #[serde(rename = "P-ACTIVITY-IN-PERIOD")]
    pub p_activity_in_period: PlainRule,
    #[serde(rename = "P-NO-ACTIVITIES")]
    pub p_no_activities: PlainRule,
    #[serde(rename = "A-KIND-FIELD")]
    pub a_kind_field: Rule<KindFieldValues>,
    #[serde(rename = "A-DURATION")]
    pub a_duration: Rule<BTreeMap<ActivityKind, BTreeMap<Field, Param<DayRange>>>>,
    #[serde(rename = "A-FEWER-OPP-EXCEPTION")]
    pub a_fewer_opp_exception: Rule<FewerOppValues>,
    #[serde(rename = "A-VENUE-COUNTRY")]
    pub a_venue_country: PlainRule,
    #[serde(rename = "A-INCOMING-FROM-ABROAD")]
    pub a_incoming_from_abroad: PlainRule,
    #[serde(rename = "A-HOST-RELATED")]
    pub a_host_related: PlainRule,
    #[serde(rename = "A-TRAVEL-DAYS")]
    pub a_travel_days: Rule<TravelDaysValues>,
    #[serde(rename = "A-GREEN-TRAVEL")]
    pub a_green_travel: Rule<GreenTravelValues>,
    #[serde(rename = "A-DISTANCE-BAND-EDGE")]
    pub a_distance_band_edge: Rule<BandEdgeValues>,
    #[serde(rename = "A-DISTANCE-UNKNOWN")]
    pub a_distance_unknown: PlainRule,
    #[serde(rename = "A-EXPENSIVE-TRAVEL")]
    pub a_expensive_travel: PlainRule,
    #[serde(rename = "A-ACCOMPANYING-FEWER-OPP")]
    pub a_accompanying_fewer_opp: PlainRule,
    #[serde(rename = "A-MINOR-ACCOMPANIED")]
    pub a_minor_accompanied: PlainRule,
    #[serde(rename = "A-PERSON-OVERLAP")]
    pub a_person_overlap: PlainRule,
    #[serde(rename = "A-PARTICIPANT-ROLE")]
    pub a_participant_role: PlainRule,
    #[serde(rename = "G-MIN-LEARNERS")]
    pub g_min_learners: Rule<MinValues>,
    #[serde(rename = "G-ACCOMPANIED")]
    pub g_accompanied: PlainRule,
    #[serde(rename = "G-TWO-COUNTRIES")]
    pub g_two_countries: Rule<FieldsValues>,
    #[serde(rename = "G-VENUE")]
    pub g_venue: Rule<VenuesValues>,
    #[serde(rename = "C-PERSON-ONCE")]
    pub c_person_once: Rule<PersonOnceValues>,
    #[serde(rename = "C-MAX-PER-COURSE")]
    pub c_max_per_course: Rule<MaxValues>,
    #[serde(rename = "C-COURSE-ONCE")]
    pub c_course_once: PlainRule,
    #[serde(rename = "C-FEE-DAYS")]
    pub c_fee_days: Rule<FeeDaysValues>,
    #[serde(rename = "C-QUALITY")]
    pub c_quality: Rule<QualityValues>,
    #[serde(rename = "J-MENTOR-NAMED")]
    pub j_mentor_named: PlainRule,
    #[serde(rename = "J-MENTOR-MAX-2")]
    pub j_mentor_max_2: Rule<MaxValues>,
    #[serde(rename = "V-MAX-PERSONS")]
    pub v_max_persons: Rule<MaxValues>,
    #[serde(rename = "V-ONE-PER-HOST")]
    pub v_one_per_host: Rule<MaxValues>,
    #[serde(rename = "V-NOT-FOR-COURSES")]
    pub v_not_for_courses: PlainRule,
    #[serde(rename = "V-PARTICIPANTS-STAFF")]
    pub v_participants_staff: PlainRule,
    #[serde(rename = "V-BEFORE-ACTIVITY")]
    pub v_before_activity: PlainRule,
    #[serde(rename = "L-RECENT-GRADUATE")]
    pub l_recent_graduate: Rule<MonthsValues>,
    #[serde(rename = "L-OUTCOMES-RECOGNISED")]
    pub l_outcomes_recognised: PlainRule,
    #[serde(rename = "X-REAL-COSTS-JUSTIFIED")]
    pub x_real_costs_justified: PlainRule,
    #[serde(rename = "T-OVER-AWARDED")]
    pub t_over_awarded: PlainRule,
    #[serde(rename = "T-UNDER-USED")]
    pub t_under_used: Rule<UnderUsedValues>,
    #[serde(rename = "N-OBJECTIVE-SERVED")]
    pub n_objective_served: PlainRule,
    #[serde(rename = "N-ACTIVITY-LINKED")]
    pub n_activity_linked: PlainRule,
    #[serde(rename = "N-FIELD-OBJECTIVE")]
    pub n_field_objective: PlainRule,
    #[serde(rename = "N-LEARNING-OUTCOMES")]
    pub n_learning_outcomes: PlainRule,
    #[serde(rename = "N-TEXT-LIMIT")]
    pub n_text_limit: Rule<TextLimitValues>,
    #[serde(rename = "N-SECTION-COMPLETE")]
    pub n_section_complete: PlainRule,
}

#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum BandPolicy {
    /// The band whose lower bound is the largest one not above the distance (99.6 → 10–99).
    LargestLowerBoundNotAbove,
}

#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Band {
    pub from_km: u32,
    pub standard: Money,
    pub green: Money,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TravelFunding {
    pub band_policy: Param<BandPolicy>,
    pub bands: Param<Vec<Band>>,
}

/// A daily rate as the Commission's range, or a single figure (`min == max`). `reduced` is a
/// published rate from the reduced day on; without it the reduced rate is computed.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct RateRange {
    pub min: Money,
    pub max: Money,
    #[serde(default)]
    pub reduced: Option<Money>,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RateTable {
    /// Whether an agency's rates must lie inside these ranges.
    pub binding: bool,
    pub groups: BTreeMap<String, RateRange>,
}

#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum ExpertRateCountry {
    Applicant,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndividualSupportFunding {
    pub reduced_from_day: Param<u32>,
    pub reduced_percent: Param<u32>,
    pub expert_rate_country: Param<ExpertRateCountry>,
    pub staff: Param<RateTable>,
    pub learners: Param<RateTable>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrganisationalSupportFunding {
    pub group_mobility_cap: Param<Money>,
    pub accompanying: Param<Money>,
    pub per_participant: Param<BTreeMap<ActivityKind, Money>>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InclusionFunding {
    pub per_participant: Param<Money>,
    pub real_costs_percent: Param<u32>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CourseFeesFunding {
    pub per_day: Param<Money>,
    pub max_days: Param<u32>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VisitFunding {
    pub per_person: Param<Money>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LinguisticFunding {
    pub per_participant: Param<Money>,
    pub kinds: Param<Vec<ActivityKind>>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExceptionalFunding {
    pub expensive_travel_percent: Param<u32>,
    pub expensive_travel_threshold_percent: Param<u32>,
    pub percent: Param<BTreeMap<RealCostKind, u32>>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Funding {
    pub travel: TravelFunding,
    pub individual_support: IndividualSupportFunding,
    pub organisational_support: OrganisationalSupportFunding,
    pub inclusion_support: InclusionFunding,
    pub course_fees: CourseFeesFunding,
    pub preparatory_visits: VisitFunding,
    pub linguistic_support: LinguisticFunding,
    pub exceptional_costs: ExceptionalFunding,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RulebookFile {
    rulebook: Meta,
    sources: BTreeMap<String, Source>,
    countries: Countries,
    rounds: BTreeMap<String, RoundData>,
    reporting: Reporting,
    rules: Rules,
    funding: Funding,
    tracking: Tracking,
    application: ApplicationRules,
}

/// What implementation tracking needs: which evidence documents each kind of activity needs.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tracking {
    pub evidence: Param<BTreeMap<crate::tracking::Document, crate::tracking::EvidenceNeed>>,
}

/// A round of the call with its parsed deadline (`None` while unknown).
#[derive(Clone, Debug)]
pub struct Round {
    pub number: u8,
    pub deadline: Option<DateTime<FixedOffset>>,
    pub data: RoundData,
    /// The deadline as findings quote it, `2026-02-19 12:00 (UTC+01:00)`: formatted once here
    /// because P-DEADLINE reports it for every project.
    pub(crate) deadline_text: Option<SharedStr>,
}

impl Round {
    /// The start window (first and last allowed start day), `None` while unknown.
    pub fn start_window(&self) -> Option<(chrono::NaiveDate, chrono::NaiveDate)> {
        Some((
            self.data.start_from.known()?.0,
            self.data.start_to.known()?.0,
        ))
    }

    /// The least certain confidence of the start window's two ends.
    pub fn start_window_confidence(&self) -> Confidence {
        self.data
            .start_from
            .confidence
            .min(self.data.start_to.confidence)
    }
}

/// A rulebook value listed for people: `mobiplan rules`, the web's "why this number".
#[derive(Clone, Debug, Serialize)]
pub struct ParamInfo {
    /// Dotted path in the rulebook file, e.g. `rules.P-DURATION.values.min_months`.
    pub path: String,
    pub value: serde_json::Value,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    pub source: String,
    pub confidence: Confidence,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub previous: Option<String>,
    /// Known, carried from an earlier call (`carried_from`), or unknown (`value` is null).
    pub state: ValueState,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub carried_from: Option<u16>,
}

/// A loaded, validated rulebook for one call year.
#[derive(Clone, Debug)]
pub struct Rulebook {
    pub meta: Meta,
    pub sources: BTreeMap<String, Source>,
    pub countries: Countries,
    pub rounds: BTreeMap<u8, Round>,
    pub reporting: Reporting,
    pub rules: Rules,
    pub funding: Funding,
    pub tracking: Tracking,
    /// Field objectives and award criteria.
    pub application: ApplicationRules,
    params: Vec<ParamInfo>,
    /// Sorted, for a binary search: faster than hashing a two-letter code.
    eligible: Vec<Country>,
    /// Sorted by country; the index is into `texts.groups`.
    group_of: Vec<(Country, usize)>,
    pub(crate) texts: Texts,
}

/// The texts a budget quotes on every line (value paths, band labels, group names), built
/// once when the rulebook loads so that computing a budget formats and allocates none of them.
#[derive(Clone, Debug)]
pub(crate) struct Texts {
    /// `funding.organisational_support.per_participant.<kind>`
    pub(crate) per_participant_paths: Vec<(ActivityKind, SharedStr)>,
    /// `funding.exceptional_costs.percent.<kind>`
    pub(crate) exceptional_percent_paths: Vec<(RealCostKind, SharedStr)>,
    /// Per band, in the order of `funding.travel.bands`.
    pub(crate) bands: Vec<BandTexts>,
    /// Per country group, in the order of `countries.groups`.
    pub(crate) groups: Vec<GroupTexts>,
}

#[derive(Clone, Debug)]
pub(crate) struct BandTexts {
    /// `500–1999`, `8000+`
    pub(crate) label: SharedStr,
    /// `funding.travel.bands[<from_km>].standard`
    pub(crate) standard_path: SharedStr,
    /// `funding.travel.bands[<from_km>].green`
    pub(crate) green_path: SharedStr,
}

#[derive(Clone, Debug)]
pub(crate) struct GroupTexts {
    pub(crate) name: SharedStr,
    /// `funding.individual_support.learners.groups.<group>`
    pub(crate) learners_path: SharedStr,
    /// `funding.individual_support.staff.groups.<group>`
    pub(crate) staff_path: SharedStr,
}

fn band_label(bands: &[Band], idx: usize) -> String {
    match bands.get(idx + 1) {
        Some(next) => format!("{}–{}", bands[idx].from_km, next.from_km - 1),
        None => format!("{}+", bands[idx].from_km),
    }
}

impl Rulebook {
    /// The call years whose rulebooks are embedded in mobiplan.
    pub fn embedded_years() -> Vec<u16> {
        EMBEDDED.iter().map(|(y, _)| *y).collect()
    }

    /// The embedded rulebook of a call year; a year without one is refused, never guessed.
    pub fn embedded(year: u16) -> Result<Rulebook, RulebookError> {
        let (_, text) = EMBEDDED.iter().find(|(y, _)| *y == year).ok_or_else(|| {
            let known: Vec<String> = EMBEDDED.iter().map(|(y, _)| y.to_string()).collect();
            RulebookError::UnknownYear(year, known.join(", "))
        })?;
        Rulebook::from_toml(text)
    }

    pub fn from_toml(text: &str) -> Result<Rulebook, RulebookError> {
        // The generic walk comes first: a value without its source or confidence, or an
        // unknown where a value is needed, is refused with its path before the typed reading.
        let generic: toml::Table =
            toml::from_str(text).map_err(|e| RulebookError::Parse(e.to_string()))?;
        let mut params = Vec::new();
        let generic = toml::Value::Table(generic);
        validate_provenance("", &generic)?;
        collect_params("", &generic, &mut params);
        let file: RulebookFile =
            toml::from_str(text).map_err(|e| RulebookError::Parse(e.to_string()))?;
        for p in &params {
            if !file.sources.contains_key(&p.source) {
                return Err(invalid(
                    &p.path,
                    format!("source \"{}\" is not declared in [sources]", p.source),
                ));
            }
        }
        validate_rule_sources(&file)?;

        let mut eligible: Vec<Country> = file.countries.eligible.value.clone();
        eligible.sort_unstable();
        eligible.dedup();
        let mut group_of: Vec<(Country, usize)> = Vec::new();
        let mut groups = Vec::new();
        for (gi, (group, countries)) in file.countries.groups.value.iter().enumerate() {
            for c in countries {
                if eligible.binary_search(c).is_err() {
                    return Err(invalid(
                        format!("countries.groups.{group}"),
                        format!("{c} is not in countries.eligible"),
                    ));
                }
                if group_of.iter().any(|(other, _)| other == c) {
                    return Err(invalid(
                        format!("countries.groups.{group}"),
                        format!("{c} is in two groups"),
                    ));
                }
                group_of.push((*c, gi));
            }
            groups.push(GroupTexts {
                name: SharedStr::interned(group),
                learners_path: SharedStr::interned(&format!(
                    "funding.individual_support.learners.groups.{group}"
                )),
                staff_path: SharedStr::interned(&format!(
                    "funding.individual_support.staff.groups.{group}"
                )),
            });
        }
        group_of.sort_unstable();
        for table in [
            (
                "funding.individual_support.staff",
                &file.funding.individual_support.staff,
            ),
            (
                "funding.individual_support.learners",
                &file.funding.individual_support.learners,
            ),
        ] {
            for group in file.countries.groups.value.keys() {
                let Some(r) = table.1.value.groups.get(group) else {
                    return Err(invalid(
                        table.0,
                        format!("no rate for country group {group}"),
                    ));
                };
                if r.min > r.max {
                    return Err(invalid(
                        format!("{}.groups.{group}", table.0),
                        "min is above max",
                    ));
                }
            }
        }

        let bands = &file.funding.travel.bands.value;
        if bands.first().map(|b| b.from_km) != Some(0) {
            return Err(invalid(
                "funding.travel.bands",
                "the first band must start at 0 km",
            ));
        }
        if bands.windows(2).any(|w| w[0].from_km >= w[1].from_km) {
            return Err(invalid(
                "funding.travel.bands",
                "bands must be in increasing order of from_km",
            ));
        }

        for kind in ActivityKind::ALL {
            let fields = file.rules.a_kind_field.values.fields.value.get(kind);
            let Some(fields) = fields else {
                return Err(invalid(
                    "rules.A-KIND-FIELD.values.fields",
                    format!("no entry for {kind}"),
                ));
            };
            for f in fields {
                if !file
                    .rules
                    .a_duration
                    .values
                    .get(kind)
                    .is_some_and(|m| m.contains_key(f))
                {
                    return Err(invalid(
                        format!("rules.A-DURATION.values.{kind}.{f}"),
                        "missing: the kind is allowed in this field, so it needs limits",
                    ));
                }
            }
            if !file
                .funding
                .organisational_support
                .per_participant
                .value
                .contains_key(kind)
            {
                return Err(invalid(
                    "funding.organisational_support.per_participant",
                    format!("no amount for {kind}"),
                ));
            }
        }

        validate_application(&file.application)?;

        let mut rounds = BTreeMap::new();
        for (key, data) in file.rounds {
            let number: u8 = key
                .parse()
                .map_err(|_| invalid(format!("rounds.{key}"), "round keys are numbers"))?;
            let deadline = match data.deadline.known() {
                None => None,
                Some(text) => Some(DateTime::parse_from_rfc3339(text).map_err(|_| {
                    invalid(
                        format!("rounds.{key}.deadline"),
                        "not an RFC 3339 date-time with offset",
                    )
                })?),
            };
            if data.start_from.known().is_some() != data.start_to.known().is_some() {
                return Err(invalid(
                    format!("rounds.{key}"),
                    "start_from and start_to are known or unknown together",
                ));
            }
            if let (Some(from), Some(to)) = (data.start_from.known(), data.start_to.known())
                && from > to
            {
                return Err(invalid(
                    format!("rounds.{key}"),
                    "start_from is after start_to",
                ));
            }
            rounds.insert(
                number,
                Round {
                    number,
                    deadline,
                    data,
                    deadline_text: deadline.map(|d| {
                        SharedStr::interned(&d.format("%Y-%m-%d %H:%M (UTC%:z)").to_string())
                    }),
                },
            );
        }

        let funding = &file.funding;
        let bands = &funding.travel.bands.value;
        let texts = Texts {
            per_participant_paths: funding
                .organisational_support
                .per_participant
                .value
                .keys()
                .map(|k| {
                    let path = format!("funding.organisational_support.per_participant.{k}");
                    (*k, SharedStr::interned(&path))
                })
                .collect(),
            exceptional_percent_paths: funding
                .exceptional_costs
                .percent
                .value
                .keys()
                .map(|k| {
                    let path = format!("funding.exceptional_costs.percent.{}", k.id());
                    (*k, SharedStr::interned(&path))
                })
                .collect(),
            bands: (0..bands.len())
                .map(|i| BandTexts {
                    label: SharedStr::interned(&band_label(bands, i)),
                    standard_path: SharedStr::interned(&format!(
                        "funding.travel.bands[{}].standard",
                        bands[i].from_km
                    )),
                    green_path: SharedStr::interned(&format!(
                        "funding.travel.bands[{}].green",
                        bands[i].from_km
                    )),
                })
                .collect(),
            groups,
        };

        Ok(Rulebook {
            meta: file.rulebook,
            sources: file.sources,
            countries: file.countries,
            rounds,
            reporting: file.reporting,
            rules: file.rules,
            funding: file.funding,
            tracking: file.tracking,
            application: file.application,
            params,
            eligible,
            group_of,
            texts,
        })
    }

    pub fn call_year(&self) -> u16 {
        self.meta.call_year
    }

    /// Every value of the rulebook with its provenance, in file order.
    pub fn params(&self) -> &[ParamInfo] {
        &self.params
    }

    pub fn is_eligible(&self, c: Country) -> bool {
        self.eligible.binary_search(&c).is_ok()
    }

    /// The individual-support country group of a receiving country.
    pub fn group_of(&self, c: Country) -> Option<&str> {
        self.group_texts(c).map(|g| g.name.as_str())
    }

    /// The country group of a receiving country with the texts the budget quotes for it.
    pub(crate) fn group_texts(&self, c: Country) -> Option<&GroupTexts> {
        let i = self.group_of.binary_search_by_key(&c, |(k, _)| *k).ok()?;
        self.texts.groups.get(self.group_of[i].1)
    }

    /// The meta data of a rule by its ID, for listing and for findings.
    pub fn rule(&self, id: RuleId) -> RuleMeta<'_> {
        crate::rules::rule_meta(&self.rules, id)
    }

    /// The band a one-way distance falls in, under the rulebook's band policy.
    pub fn band_for(&self, km: crate::types::Km100) -> (usize, &Band) {
        match self.funding.travel.band_policy.value {
            BandPolicy::LargestLowerBoundNotAbove => {
                let bands = &self.funding.travel.bands.value;
                let idx = bands
                    .iter()
                    .rposition(|b| u64::from(b.from_km) * 100 <= km.0)
                    .unwrap_or(0);
                (idx, &bands[idx])
            }
        }
    }

    /// The band border (in km) within the A-DISTANCE-BAND-EDGE margin of a distance, if any.
    pub fn near_band_border(&self, km: crate::types::Km100) -> Option<u32> {
        let margin = u64::from(self.rules.a_distance_band_edge.values.margin_km.value) * 100;
        self.funding
            .travel
            .bands
            .value
            .iter()
            .skip(1)
            .map(|b| b.from_km)
            .find(|b| km.0.abs_diff(u64::from(*b) * 100) <= margin)
    }

    /// The band's label, e.g. `500–1999` or `8000+`.
    pub fn band_label(&self, idx: usize) -> String {
        band_label(&self.funding.travel.bands.value, idx)
    }
}

/// What every rule has, whatever its parameters.
#[derive(Clone, Copy, Debug)]
pub struct RuleMeta<'a> {
    pub severity: Severity,
    pub text: &'a str,
    pub source: &'a str,
    pub confidence: Confidence,
    pub note: Option<&'a str>,
    /// The call year the rule was carried from, when it was.
    pub carried_from: Option<u16>,
}

impl<V> Rule<V> {
    pub fn meta(&self) -> RuleMeta<'_> {
        RuleMeta {
            severity: self.severity,
            text: &self.text,
            source: &self.source,
            confidence: self.confidence,
            note: self.note.as_deref(),
            carried_from: self.carried_from,
        }
    }
}

impl PlainRule {
    pub fn meta(&self) -> RuleMeta<'_> {
        RuleMeta {
            severity: self.severity,
            text: &self.text,
            source: &self.source,
            confidence: self.confidence,
            note: self.note.as_deref(),
            carried_from: self.carried_from,
        }
    }
}

/// Every field has its objectives, with ids that are ids; every criterion's least score is
/// within its maximum, the least total within the sum of the maxima; every question names
/// what answers it.
fn validate_application(a: &ApplicationRules) -> Result<(), RulebookError> {
    for field in Field::ALL {
        let path = format!("application.field_objectives.{field}");
        match a.field_objectives.get(&field) {
            None => return Err(invalid(path, "missing: every field needs its objectives")),
            Some(o) if o.is_empty() => {
                return Err(invalid(path, "missing: every field needs its objectives"));
            }
            Some(o) => {
                for id in o.keys() {
                    let ok = !id.is_empty()
                        && id
                            .bytes()
                            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
                    if !ok {
                        return Err(invalid(
                            format!("{path}.{id}"),
                            "an objective id is lower-case letters, digits and '-'",
                        ));
                    }
                }
            }
        }
    }
    let award = &a.award;
    if award.criteria.is_empty() {
        return Err(invalid(
            "application.award.criteria",
            "missing: no criteria",
        ));
    }
    let mut total = 0u32;
    for (id, c) in award.criteria.iter() {
        let path = format!("application.award.criteria.{id}");
        if c.min_points.value > c.max_points.value {
            return Err(invalid(
                format!("{path}.min_points"),
                "the least score is above the maximum",
            ));
        }
        total = total.saturating_add(c.max_points.value);
        if c.questions.is_empty() {
            return Err(invalid(
                format!("{path}.questions"),
                "missing: no questions",
            ));
        }
        for (q, question) in c.questions.iter() {
            if question.value.parts.is_empty() {
                return Err(invalid(
                    format!("{path}.questions.{q}"),
                    "name the parts of the application that answer the question",
                ));
            }
        }
    }
    if award.threshold_total.value > total {
        return Err(invalid(
            "application.award.threshold_total",
            format!("above the {total} points the criteria give at most"),
        ));
    }
    Ok(())
}

fn validate_rule_sources(file: &RulebookFile) -> Result<(), RulebookError> {
    for id in RuleId::ALL {
        let meta = crate::rules::rule_meta(&file.rules, *id);
        if !file.sources.contains_key(meta.source) {
            return Err(invalid(
                format!("rules.{}.source", id.as_str()),
                format!("source \"{}\" is not declared in [sources]", meta.source),
            ));
        }
    }
    Ok(())
}

/// Walks the generic TOML tree and lists every table that is a parameter (has `value`,
/// `source` and `confidence`). Parameters cannot nest, so the walk stops at one.
fn collect_params(path: &str, v: &toml::Value, out: &mut Vec<ParamInfo>) {
    let toml::Value::Table(t) = v else { return };
    if is_param(t) && t.contains_key("source") {
        let text = |k: &str| t.get(k).and_then(|v| v.as_str()).map(str::to_owned);
        let confidence = text("confidence")
            .and_then(|c| serde_json::from_value(serde_json::Value::String(c)).ok())
            .unwrap_or(Confidence::P);
        let carried_from = t
            .get("carried_from")
            .and_then(toml::Value::as_integer)
            .and_then(|y| u16::try_from(y).ok());
        let unknown = is_unknown(t);
        out.push(ParamInfo {
            path: path.to_owned(),
            value: t.get("value").map_or(serde_json::Value::Null, toml_to_json),
            unit: text("unit"),
            source: text("source").unwrap_or_default(),
            confidence,
            note: text("note"),
            previous: text("previous"),
            state: if unknown {
                ValueState::Unknown
            } else if carried_from.is_some() {
                ValueState::Carried
            } else {
                ValueState::Known
            },
            carried_from,
        });
        return;
    }
    for (k, child) in t {
        let p = if path.is_empty() {
            k.clone()
        } else {
            format!("{path}.{k}")
        };
        collect_params(&p, child, out);
    }
}

/// A table is a value when it has `value` or `unknown`. Values cannot nest.
fn is_param(t: &toml::Table) -> bool {
    t.contains_key("value") || t.contains_key("unknown")
}

fn is_unknown(t: &toml::Table) -> bool {
    t.get("unknown").and_then(toml::Value::as_bool) == Some(true)
}

/// The strict part of loading, on the generic tree: every value (`value` or `unknown`) and
/// every rule names its `source` and `confidence` (V, S or P); `unknown = true` stands alone
/// (no `value` beside it) and only where [`may_be_unknown`] allows it; `carried_from` is a
/// year. Errors name the value's path.
fn validate_provenance(path: &str, v: &toml::Value) -> Result<(), RulebookError> {
    let toml::Value::Table(t) = v else {
        return Ok(());
    };
    let is_rule = path.starts_with("rules.") && path.matches('.').count() == 1;
    if is_param(t) || is_rule {
        for key in ["source", "confidence"] {
            match t.get(key) {
                None => {
                    return Err(invalid(
                        path,
                        format!(
                            "missing {key}: every value and rule names its source (a key of \
                             [sources]) and its confidence (V, S or P)"
                        ),
                    ));
                }
                Some(toml::Value::String(s)) if key == "confidence" => {
                    if !matches!(s.as_str(), "V" | "S" | "P") {
                        return Err(invalid(
                            path,
                            format!("confidence \"{s}\" is not V, S or P"),
                        ));
                    }
                }
                Some(toml::Value::String(_)) => {}
                Some(_) => return Err(invalid(path, format!("{key} must be text"))),
            }
        }
        if let Some(y) = t.get("carried_from")
            && !y.as_integer().is_some_and(|y| (2000..=9999).contains(&y))
        {
            return Err(invalid(path, "carried_from must be a call year, e.g. 2026"));
        }
        if is_param(t) {
            if let Some(u) = t.get("unknown") {
                if u.as_bool() != Some(true) {
                    return Err(invalid(
                        path,
                        "unknown must be true (write the value instead when it is known)",
                    ));
                }
                if t.contains_key("value") {
                    return Err(invalid(path, "a value cannot be both given and unknown"));
                }
                if !may_be_unknown(path) {
                    return Err(invalid(
                        path,
                        "this value cannot be unknown: only a round's deadline and start \
                         window may be (rounds.N.deadline, start_from, start_to)",
                    ));
                }
            }
            return Ok(());
        }
    }
    for (k, child) in t {
        let p = if path.is_empty() {
            k.clone()
        } else {
            format!("{path}.{k}")
        };
        validate_provenance(&p, child)?;
    }
    Ok(())
}

fn toml_to_json(v: &toml::Value) -> serde_json::Value {
    use serde_json::Value as J;
    match v {
        toml::Value::String(s) => J::String(s.clone()),
        toml::Value::Integer(i) => J::from(*i),
        toml::Value::Float(f) => J::from(*f),
        toml::Value::Boolean(b) => J::Bool(*b),
        toml::Value::Datetime(d) => J::String(d.to_string()),
        toml::Value::Array(a) => J::Array(a.iter().map(toml_to_json).collect()),
        toml::Value::Table(t) => J::Object(
            t.iter()
                .map(|(k, v)| (k.clone(), toml_to_json(v)))
                .collect(),
        ),
    }
}

/// An agency's concrete daily rates for one call year: an overlay on the rulebook's ranges.
///
/// Build one with [`RateProfile::from_toml`], [`RateProfile::new`] or serde.
#[derive(Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RateProfile {
    pub profile: ProfileMeta,
    pub individual_support: ProfileRates,
    /// The texts budget lines quote from the profile, made by the first budget that uses
    /// it and shared by the next ones (see [`RateProfile::texts`]).
    #[serde(skip)]
    texts: OnceLock<ProfileTexts>,
}

/// As it was before the texts were kept: the profile's own fields.
impl fmt::Debug for RateProfile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RateProfile")
            .field("profile", &self.profile)
            .field("individual_support", &self.individual_support)
            .finish()
    }
}

/// What budget lines quote from an agency profile: its source, and per rate the value path
/// (`profile:<name>.individual_support.<who>.<group>`). Made once per profile: a budget
/// clones them instead of formatting and allocating them again.
#[derive(Clone, Debug)]
pub(crate) struct ProfileTexts {
    /// The name and source the texts were made from: the profile's fields are public, and
    /// texts made before a change are not used after it.
    name: String,
    source_text: String,
    pub(crate) source: SharedStr,
    /// (staff, group, path), for every rate of the profile.
    paths: Vec<(bool, String, SharedStr)>,
}

impl ProfileTexts {
    pub(crate) fn new(p: &RateProfile) -> ProfileTexts {
        let paths = [
            (true, &p.individual_support.staff),
            (false, &p.individual_support.learners),
        ]
        .into_iter()
        .flat_map(|(staff, rates)| {
            rates
                .keys()
                .map(move |group| (staff, group.clone(), p.rate_path(staff, group)))
        })
        .collect();
        ProfileTexts {
            name: p.profile.name.clone(),
            source_text: p.profile.source.clone(),
            source: p.profile.source.as_str().into(),
            paths,
        }
    }

    /// The value path of the profile's staff or learner rate for a country group.
    pub(crate) fn path(&self, p: &RateProfile, staff: bool, group: &str) -> SharedStr {
        match self
            .paths
            .iter()
            .find(|(s, g, _)| *s == staff && g == group)
        {
            Some((_, _, path)) => path.clone(),
            None => p.rate_path(staff, group),
        }
    }
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ProfileMeta {
    pub name: String,
    pub call_year: u16,
    pub source: String,
    pub confidence: Confidence,
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ProfileRates {
    pub staff: BTreeMap<String, ProfileRate>,
    pub learners: BTreeMap<String, ProfileRate>,
}

/// A daily rate with the agency's published reduced rate (from the reduced day on), if any.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ProfileRate {
    pub rate: Money,
    #[serde(default)]
    pub reduced: Option<Money>,
}

impl RateProfile {
    pub fn new(profile: ProfileMeta, individual_support: ProfileRates) -> RateProfile {
        RateProfile {
            profile,
            individual_support,
            texts: OnceLock::new(),
        }
    }

    /// The texts budget lines quote, made once; `None` when the profile's name or source
    /// changed since they were made (the caller makes them afresh then).
    pub(crate) fn texts(&self) -> Option<&ProfileTexts> {
        let t = self.texts.get_or_init(|| ProfileTexts::new(self));
        (t.name == self.profile.name && t.source_text == self.profile.source).then_some(t)
    }

    /// `profile:<name>.individual_support.<who>.<group>`
    fn rate_path(&self, staff: bool, group: &str) -> SharedStr {
        let who = if staff { "staff" } else { "learners" };
        SharedStr::from(format!(
            "profile:{}.individual_support.{who}.{group}",
            self.profile.name
        ))
    }

    /// Reads a profile and checks it against the rulebook it overlays: same call year, a rate
    /// for every country group, staff rates inside the Commission's ranges.
    pub fn from_toml(text: &str, rb: &Rulebook) -> Result<RateProfile, RulebookError> {
        let p: RateProfile =
            toml::from_str(text).map_err(|e| RulebookError::Parse(e.to_string()))?;
        p.validate(rb)?;
        Ok(p)
    }

    pub fn validate(&self, rb: &Rulebook) -> Result<(), RulebookError> {
        if self.profile.call_year != rb.call_year() {
            return Err(invalid(
                "profile.call_year",
                format!(
                    "the profile is for call {} but the project's rulebook is {}",
                    self.profile.call_year,
                    rb.call_year()
                ),
            ));
        }
        let is = &rb.funding.individual_support;
        for (name, rates, table) in [
            ("staff", &self.individual_support.staff, &is.staff.value),
            (
                "learners",
                &self.individual_support.learners,
                &is.learners.value,
            ),
        ] {
            for (group, range) in &table.groups {
                let path = format!("individual_support.{name}.{group}");
                let Some(r) = rates.get(group) else {
                    return Err(invalid(path, "missing: every country group needs a rate"));
                };
                if r.rate <= Money::ZERO {
                    return Err(invalid(path, "the rate must be above zero"));
                }
                if table.binding && (r.rate < range.min || r.rate > range.max) {
                    return Err(invalid(
                        path,
                        format!(
                            "{} EUR is outside the Commission's range {}–{} EUR",
                            r.rate, range.min, range.max
                        ),
                    ));
                }
                if r.reduced.is_some_and(|red| red > r.rate) {
                    return Err(invalid(path, "the reduced rate is above the full rate"));
                }
            }
            if let Some(extra) = rates.keys().find(|g| !table.groups.contains_key(*g)) {
                return Err(invalid(
                    format!("individual_support.{name}.{extra}"),
                    "no such country group in the rulebook",
                ));
            }
        }
        Ok(())
    }
}

/// A daily rate as used by the budget: a range, and its reduced counterpart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DailyRate {
    pub full: Amount,
    pub reduced: Amount,
    pub confidence: Confidence,
    /// Where it came from: the rulebook's range or an agency profile.
    pub from_profile: bool,
    /// The rulebook's table is an example figure, not a published range (`binding = false`):
    /// the amount is a stand-in until an agency's rate is entered.
    pub placeholder: bool,
}

/// Typed access helpers used by the checker and the budget.
impl Rulebook {
    pub fn duration_limits(&self, kind: ActivityKind, field: Field) -> Option<&Param<DayRange>> {
        self.rules.a_duration.values.get(&kind)?.get(&field)
    }

    /// The call's objectives for a field, in the call's order (empty for a field the
    /// rulebook does not list, which loading refuses).
    pub fn field_objectives(&self, field: Field) -> &[(String, Param<LangText>)] {
        self.application
            .field_objectives
            .get(&field)
            .map_or(&[], |o| o.0.as_slice())
    }

    /// The form's length limit of a text part (N-TEXT-LIMIT), `None` for parts that are not
    /// free text.
    pub fn text_limit(&self, part: Part) -> Option<&Param<u32>> {
        self.rules.n_text_limit.values.limit(part)
    }

    pub fn kind_allowed(&self, kind: ActivityKind, field: Field) -> bool {
        self.rules
            .a_kind_field
            .values
            .fields
            .value
            .get(&kind)
            .is_some_and(|f| f.contains(&field))
    }

    /// The daily rate for a receiving country group, from the profile when given, otherwise
    /// the rulebook's range (a range, never an invented single figure).
    pub fn daily_rate(
        &self,
        group: &str,
        staff: bool,
        profile: Option<&RateProfile>,
    ) -> Option<DailyRate> {
        let is = &self.funding.individual_support;
        let pct = is.reduced_percent.value;
        if let Some(p) = profile {
            let rates = if staff {
                &p.individual_support.staff
            } else {
                &p.individual_support.learners
            };
            let r = rates.get(group)?;
            let reduced = r.reduced.unwrap_or_else(|| r.rate.percent_whole_euros(pct));
            return Some(DailyRate {
                full: Amount::exact(r.rate),
                reduced: Amount::exact(reduced),
                confidence: p.profile.confidence,
                from_profile: true,
                placeholder: false,
            });
        }
        let table = if staff { &is.staff } else { &is.learners };
        let r = table.value.groups.get(group)?;
        let reduced = match r.reduced {
            Some(red) => Amount::exact(red),
            None => Amount {
                min: r.min.percent_whole_euros(pct),
                max: r.max.percent_whole_euros(pct),
            },
        };
        Some(DailyRate {
            full: Amount {
                min: r.min,
                max: r.max,
            },
            reduced,
            confidence: table.confidence.min(is.reduced_percent.confidence),
            from_profile: false,
            placeholder: !table.value.binding,
        })
    }
}

/// Deserialises a rulebook-style section from a string; used by tests and by overlay loaders.
pub fn parse_section<T: DeserializeOwned>(text: &str) -> Result<T, RulebookError> {
    toml::from_str(text).map_err(|e| RulebookError::Parse(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::Km100;

    fn rb() -> Rulebook {
        Rulebook::embedded(2026).expect("the embedded 2026 rulebook loads")
    }

    #[test]
    fn the_2026_rulebook_loads_and_lists_its_values_with_provenance() {
        let rb = rb();
        assert_eq!(rb.call_year(), 2026);
        assert!(rb.params().len() > 60);
        for p in rb.params() {
            assert!(rb.sources.contains_key(&p.source), "{}", p.path);
        }
        let min = rb
            .params()
            .iter()
            .find(|p| p.path == "rules.P-DURATION.values.min_months")
            .unwrap();
        assert_eq!(min.value, serde_json::json!(6));
    }

    #[test]
    fn a_year_without_a_rulebook_is_refused() {
        assert!(matches!(
            Rulebook::embedded(2031),
            Err(RulebookError::UnknownYear(2031, _))
        ));
    }

    #[test]
    fn a_value_without_source_is_refused_with_its_path() {
        let text = include_str!("../../../rulebook/2026.toml").replacen(
            "values.min_months = { value = 6, unit = \"months\", source = \"seed-2026\", confidence = \"V\" }",
            "values.min_months = { value = 6, unit = \"months\", confidence = \"V\" }",
            1,
        );
        let err = Rulebook::from_toml(&text).unwrap_err().to_string();
        assert!(err.contains("source"), "{err}");
    }

    #[test]
    fn an_undeclared_source_is_refused() {
        let text = include_str!("../../../rulebook/2026.toml").replacen(
            "values.max_months = { value = 18, unit = \"months\", source = \"seed-2026\"",
            "values.max_months = { value = 18, unit = \"months\", source = \"hearsay\"",
            1,
        );
        let err = Rulebook::from_toml(&text).unwrap_err();
        assert_eq!(
            err,
            invalid(
                "rules.P-DURATION.values.max_months",
                "source \"hearsay\" is not declared in [sources]"
            )
        );
    }

    #[test]
    fn the_application_data_is_loaded_strictly() {
        let text = include_str!("../../../rulebook/2026.toml");
        // A question naming a part of the application that does not exist.
        let bad = text.replacen("parts = [\"support\"]", "parts = [\"supprot\"]", 1);
        assert_ne!(bad, text);
        let err = Rulebook::from_toml(&bad).unwrap_err().to_string();
        assert!(err.contains("supprot"), "{err}");
        // An unknown key beside a criterion's points.
        let bad = text.replacen(
            "[application.award.criteria.relevance]\n",
            "[application.award.criteria.relevance]\nweight = 2\n",
            1,
        );
        let err = Rulebook::from_toml(&bad).unwrap_err().to_string();
        assert!(err.contains("weight"), "{err}");
        // A least score above the maximum.
        let bad = text.replacen(
            "min_points = { value = 15, unit = \"points\", source = \"award-guide\"",
            "min_points = { value = 31, unit = \"points\", source = \"award-guide\"",
            1,
        );
        assert_eq!(
            Rulebook::from_toml(&bad).unwrap_err(),
            invalid(
                "application.award.criteria.relevance.min_points",
                "the least score is above the maximum"
            )
        );
        // A text limit without its provenance.
        let bad = text.replacen(
            "values.needs = { value = 5000, unit = \"characters\", source = \"form-limits\", confidence = \"P\" }",
            "values.needs = { value = 5000, unit = \"characters\", source = \"form-limits\" }",
            1,
        );
        assert_ne!(bad, text);
        let err = Rulebook::from_toml(&bad).unwrap_err();
        assert!(
            matches!(&err, RulebookError::Invalid { path, .. } if path == "rules.N-TEXT-LIMIT.values.needs"),
            "{err}"
        );
    }

    #[test]
    fn every_field_has_its_objectives_and_every_text_part_a_limit() {
        let rb = rb();
        for f in Field::ALL {
            assert!(!rb.field_objectives(f).is_empty(), "{f}");
        }
        assert_eq!(
            rb.field_objectives(Field::SCH)
                .iter()
                .map(|(id, _)| id.as_str())
                .collect::<Vec<_>>(),
            ["quality", "european-dimension", "european-education-area"],
            "in the order the call lists them"
        );
        for part in Part::ALL {
            assert_eq!(rb.text_limit(part).is_some(), part.is_text(), "{part:?}");
        }
    }

    #[test]
    fn bands_follow_the_largest_lower_bound_not_above() {
        let rb = rb();
        let band = |km: u64| rb.band_for(Km100(km)).1.from_km;
        assert_eq!(band(999), 0);
        assert_eq!(band(1000), 10);
        assert_eq!(band(9999), 10);
        assert_eq!(band(9960), 10);
        assert_eq!(band(10000), 100);
        assert_eq!(band(799999), 4000);
        assert_eq!(band(800000), 8000);
        assert_eq!(rb.band_label(3), "500–1999");
        assert_eq!(rb.band_label(7), "8000+");
    }

    #[test]
    fn without_a_profile_daily_rates_are_the_commission_range() {
        let rb = rb();
        let r = rb.daily_rate("2", true, None).unwrap();
        assert_eq!(r.full.min, Money::from_euros(84));
        assert_eq!(r.full.max, Money::from_euros(170));
        assert_eq!(r.reduced.min, Money::from_euros(59));
        assert!(!r.from_profile);
    }

    #[test]
    fn a_profile_outside_the_commission_range_is_refused() {
        let rb = rb();
        let text = include_str!("../../../examples/rates/example-agency-2026.toml");
        assert!(RateProfile::from_toml(text, &rb).is_ok());
        let bad = text.replacen("rate = 104", "rate = 500", 1);
        let err = RateProfile::from_toml(&bad, &rb).unwrap_err().to_string();
        assert!(err.contains("individual_support.staff.2"), "{err}");
    }

    #[test]
    fn a_profile_keeps_its_texts_until_its_name_or_source_changes() {
        let rb = rb();
        let text = include_str!("../../../examples/rates/example-agency-2026.toml");
        let mut p = RateProfile::from_toml(text, &rb).unwrap();
        let name = p.profile.name.clone();
        let t = p.texts().expect("made on first use");
        assert_eq!(t.source, p.profile.source);
        let path = format!("profile:{name}.individual_support.staff.2");
        assert_eq!(t.path(&p, true, "2"), path);
        assert_eq!(
            t.path(&p, false, "no-such-group"),
            format!("profile:{name}.individual_support.learners.no-such-group")
        );
        // A clone carries them; a serde round trip makes them again.
        assert!(p.clone().texts().is_some());
        let back: RateProfile = toml::from_str(&toml::to_string(&p).unwrap()).unwrap();
        assert_eq!(back.texts().unwrap().path(&back, true, "2"), path);

        p.profile.name = "Renamed".into();
        assert!(p.texts().is_none(), "texts of the old name are not used");
        let fresh = ProfileTexts::new(&p);
        assert_eq!(
            fresh.path(&p, true, "2"),
            "profile:Renamed.individual_support.staff.2"
        );
        p.profile.name = name;
        p.profile.source = "elsewhere".into();
        assert!(p.texts().is_none(), "texts of the old source are not used");
    }
}
