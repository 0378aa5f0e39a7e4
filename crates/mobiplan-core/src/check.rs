//! The checker: every rule of the catalogue, reading its values from the rulebook.
//!
//! The checker never fails on a bad plan; it returns findings. Each check's doc comment names
//! its rule ID and quotes the sentence it implements (`shared/reference/ka122-rules.md`).

use std::cmp::Ordering;

use chrono::{DateTime, FixedOffset, NaiveDate};

use crate::application::{self, Application, Part, Section};
use crate::finding::{ActivityName, Arg, Finding, SharedStr, Subject};
use crate::project::{AccompanyingWho, Activity, Organisation, Participants, Project};
use crate::rulebook::Rulebook;
use crate::rules::RuleId;
use crate::types::{ActivityKind, Confidence, Field, Moment, Role, Severity};

/// What the checker needs from the world: the current time, for the deadline when the project
/// has no application date. The core reads no clock itself.
#[derive(Clone, Copy, Debug, Default)]
pub struct CheckContext {
    pub now: Option<DateTime<FixedOffset>>,
}

pub fn check(p: &Project, rb: &Rulebook, ctx: &CheckContext) -> Vec<Finding> {
    let mut c = Checker {
        p,
        rb,
        end: p.end(),
        out: Vec::new(),
    };
    c.project_rules(ctx);
    for (i, a) in p.activities.iter().enumerate() {
        c.activity_rules(i, a);
    }
    c.cross_activity_rules();
    c.visit_rules();
    c.application_rules();
    // Errors first, then warnings, then information; stable within a severity.
    c.out.sort_by_key(|f| std::cmp::Reverse(f.severity));
    c.out
}

struct Checker<'a> {
    p: &'a Project,
    rb: &'a Rulebook,
    /// `p.end()`, computed once: every activity is compared with it.
    end: NaiveDate,
    out: Vec<Finding>,
}

fn act(i: usize, a: &Activity) -> Subject {
    Subject::Activity {
        index: i,
        id: a.id.to_string(),
    }
}

impl Checker<'_> {
    /// `key` is the message key, `finding.<RULE>` or `finding.<RULE>.<variant>`, written out
    /// at each call so that no key is built per finding.
    fn emit(
        &mut self,
        rule: RuleId,
        subject: Subject,
        key: &'static str,
        args: Vec<(&'static str, Arg)>,
        values_confidence: Confidence,
        field: Option<String>,
    ) {
        self.emit_with(rule, None, subject, key, args, values_confidence, field)
    }

    #[allow(clippy::too_many_arguments)]
    fn emit_with(
        &mut self,
        rule: RuleId,
        severity: Option<Severity>,
        subject: Subject,
        key: &'static str,
        args: Vec<(&'static str, Arg)>,
        values_confidence: Confidence,
        field: Option<String>,
    ) {
        debug_assert!(
            key_of_rule(key, rule),
            "message key {key} does not belong to {rule}"
        );
        let meta = self.rb.rule(rule);
        self.out.push(Finding {
            rule,
            severity: severity.unwrap_or(meta.severity),
            subject,
            key,
            args,
            confidence: meta.confidence.min(values_confidence),
            field,
        });
    }

    fn field_of_activity(i: usize, rest: &str) -> Option<String> {
        Some(if rest.is_empty() {
            format!("activities[{i}]")
        } else {
            format!("activities[{i}].{rest}")
        })
    }

    // -----------------------------------------------------------------------------------------
    // Project-level rules

    fn project_rules(&mut self, ctx: &CheckContext) {
        self.p_duration();
        self.p_round_dates(ctx);
        self.p_max_participants();
        self.p_applicant_country();
        self.p_accredited();
        self.p_grants();
        if self.p.activities.is_empty() {
            // P-NO-ACTIVITIES: "a project with no mobility activity".
            self.emit(
                RuleId::PNoActivities,
                Subject::Project,
                "finding.P-NO-ACTIVITIES",
                vec![],
                Confidence::V,
                Some("activities".into()),
            );
        }
    }

    /// P-DURATION: "project lasts 6 to 18 months".
    fn p_duration(&mut self) {
        let v = &self.rb.rules.p_duration.values;
        let m = self.p.duration_months;
        if m < v.min_months.value || m > v.max_months.value {
            self.emit(
                RuleId::PDuration,
                Subject::Project,
                "finding.P-DURATION",
                vec![
                    ("months", m.into()),
                    ("min", v.min_months.value.into()),
                    ("max", v.max_months.value.into()),
                ],
                v.min_months.confidence.min(v.max_months.confidence),
                Some("project.duration_months".into()),
            );
        }
    }

    /// P-START-WINDOW: "project starts between 2026-06-01 and 2026-12-31 (round 1)".
    /// P-DEADLINE: "application deadline 2026-02-19 12:00 Europe/Brussels; an application dated
    /// later is not eligible; before it, show the time left".
    fn p_round_dates(&mut self, ctx: &CheckContext) {
        let Some(round) = self.rb.rounds.get(&self.p.round) else {
            // A round the rulebook does not know is a start-window error: there is no window.
            self.emit_with(
                RuleId::PStartWindow,
                None,
                Subject::Project,
                "finding.P-START-WINDOW.no-round",
                vec![
                    ("round", u32::from(self.p.round).into()),
                    ("year", i64::from(self.rb.call_year()).into()),
                ],
                Confidence::V,
                Some("project.round".into()),
            );
            return;
        };
        let call_args = || {
            vec![
                ("year", i64::from(self.rb.call_year()).into()),
                ("round", u32::from(self.p.round).into()),
            ]
        };
        match round.start_window() {
            // Not published yet: say what cannot be checked instead of guessing.
            None => self.emit_with(
                RuleId::PStartWindow,
                Some(Severity::Info),
                Subject::Project,
                "finding.P-START-WINDOW.unknown",
                call_args(),
                round.start_window_confidence(),
                Some("project.start".into()),
            ),
            Some((from, to)) if self.p.start < from || self.p.start > to => self.emit(
                RuleId::PStartWindow,
                Subject::Project,
                "finding.P-START-WINDOW",
                vec![
                    ("start", self.p.start.into()),
                    ("from", from.into()),
                    ("to", to.into()),
                ],
                round.start_window_confidence(),
                Some("project.start".into()),
            ),
            Some(_) => {}
        }

        let conf = round.data.deadline.confidence;
        let (Some(deadline), Some(deadline_text)) = (round.deadline, &round.deadline_text) else {
            self.emit_with(
                RuleId::PDeadline,
                Some(Severity::Info),
                Subject::Project,
                "finding.P-DEADLINE.unknown",
                call_args(),
                conf,
                Some("project.application_date".into()),
            );
            return;
        };
        let deadline_day = deadline.date_naive();
        let (late, submitted, reference) = match (self.p.application_date, ctx.now) {
            (Some(Moment::At(t)), _) => (t > deadline, true, Some(t)),
            (Some(Moment::Day(d)), _) => {
                // A date alone is the whole day; on the deadline day itself it is in time only
                // if submitted before the hour, which the date cannot say.
                (
                    d > deadline_day,
                    true,
                    d.and_hms_opt(0, 0, 0)
                        .and_then(|t| t.and_local_timezone(*deadline.offset()).single()),
                )
            }
            (None, Some(now)) => (now > deadline, false, Some(now)),
            (None, None) => (false, false, None),
        };
        let field = Some("project.application_date".into());
        let deadline_arg = Arg::Text(deadline_text.clone());
        if late {
            let key = if submitted {
                "finding.P-DEADLINE.late"
            } else {
                "finding.P-DEADLINE.passed"
            };
            self.emit(
                RuleId::PDeadline,
                Subject::Project,
                key,
                vec![("deadline", deadline_arg)],
                conf,
                field,
            );
        } else if let Some(r) = reference {
            let left = deadline.signed_duration_since(r);
            let days = left.num_days();
            let key = if submitted {
                "finding.P-DEADLINE.in-time"
            } else {
                "finding.P-DEADLINE.time-left"
            };
            self.emit_with(
                RuleId::PDeadline,
                Some(Severity::Info),
                Subject::Project,
                key,
                vec![("deadline", deadline_arg), ("days", days.into())],
                conf,
                field,
            );
        }
    }

    /// P-MAX-PARTICIPANTS: "at most 30 participants in mobility activities. Each participation
    /// counts (one person travelling twice counts twice; a group of N learners counts N).
    /// Accompanying persons and preparatory-visit participants are not counted."
    fn p_max_participants(&mut self) {
        let v = &self.rb.rules.p_max_participants.values;
        let mut total: u64 = 0;
        let mut conf = v.max.confidence;
        for a in &self.p.activities {
            let counts = match a.kind {
                ActivityKind::InvitedExpert => {
                    conf = conf.min(v.count_invited_experts.confidence);
                    v.count_invited_experts.value
                }
                ActivityKind::HostingTeacherInTraining => {
                    conf = conf.min(v.count_hosted_trainees.confidence);
                    v.count_hosted_trainees.value
                }
                _ => true,
            };
            if counts {
                total += u64::from(a.participants.count());
            }
        }
        if total > u64::from(v.max.value) {
            self.emit(
                RuleId::PMaxParticipants,
                Subject::Project,
                "finding.P-MAX-PARTICIPANTS",
                vec![
                    ("count", (total as i64).into()),
                    ("max", v.max.value.into()),
                ],
                conf,
                Some("activities".into()),
            );
        }
    }

    /// P-APPLICANT-COUNTRY: "applicant established in an EU Member State or a third country
    /// associated to the programme".
    fn p_applicant_country(&mut self) {
        let c = self.p.applicant.country;
        if !self.rb.is_eligible(c) {
            self.emit(
                RuleId::PApplicantCountry,
                Subject::Project,
                "finding.P-APPLICANT-COUNTRY",
                vec![("country", c.into())],
                self.rb.countries.eligible.confidence,
                Some("applicant.country".into()),
            );
        }
    }

    /// P-ACCREDITED: "an organisation holding an Erasmus accreditation in the same field cannot
    /// apply for KA122 in that field".
    fn p_accredited(&mut self) {
        if self.p.applicant.accreditations.contains(&self.p.field) {
            self.emit(
                RuleId::PAccredited,
                Subject::Project,
                "finding.P-ACCREDITED",
                vec![("field", self.p.field.into())],
                Confidence::V,
                Some("applicant.accreditations".into()),
            );
        }
    }

    /// P-GRANTS-PER-YEAR: "at most one KA122 grant per field per call year (a round-1 grantee
    /// cannot apply in round 2)".
    /// P-GRANTS-IN-5-YEARS: "at most 3 KA122 grants per field within any 5 consecutive call
    /// years, this application included".
    fn p_grants(&mut self) {
        let field = self.p.field;
        let year = self.p.call_year;
        let same_field = self
            .p
            .applicant
            .earlier_grants
            .iter()
            .filter(|g| g.field == field);
        let per_year = &self.rb.rules.p_grants_per_year.values.max_per_call_year;
        let this_year = same_field.clone().filter(|g| g.call_year == year).count() as u32;
        if this_year + 1 > per_year.value {
            self.emit(
                RuleId::PGrantsPerYear,
                Subject::Project,
                "finding.P-GRANTS-PER-YEAR",
                vec![
                    ("field", field.into()),
                    ("year", i64::from(year).into()),
                    ("max", per_year.value.into()),
                ],
                per_year.confidence,
                Some("applicant.earlier_grants".into()),
            );
        }
        let v = &self.rb.rules.p_grants_in_5_years.values;
        // Any window of `window_years` consecutive call years that contains this year and no
        // future year ends with this year, so only that one window matters.
        let first = year.saturating_sub(v.window_years.value.saturating_sub(1));
        let in_window = same_field
            .filter(|g| g.call_year >= first && g.call_year <= year)
            .count() as u32;
        if in_window + 1 > v.max_grants.value {
            self.emit(
                RuleId::PGrantsIn5Years,
                Subject::Project,
                "finding.P-GRANTS-IN-5-YEARS",
                vec![
                    ("field", field.into()),
                    ("count", (in_window + 1).into()),
                    ("from", i64::from(first).into()),
                    ("to", i64::from(year).into()),
                    ("max", v.max_grants.value.into()),
                ],
                v.max_grants.confidence.min(v.window_years.confidence),
                Some("applicant.earlier_grants".into()),
            );
        }
    }

    // -----------------------------------------------------------------------------------------
    // Rules for every activity, and for particular kinds

    fn activity_rules(&mut self, i: usize, a: &Activity) {
        let p = self.p;
        let f = |rest: &str| Self::field_of_activity(i, rest);

        // P-ACTIVITY-IN-PERIOD: "every activity, travel days included, lies within the
        // project's start and end dates".
        let (first, last) = a.span_with_travel();
        let end = self.end;
        if first < p.start || last > end {
            // Point at the side that lies outside: the activity's own date, or the travel date
            // given for it.
            let travel = a.travel.as_ref();
            let field = if first < p.start {
                match travel.and_then(|t| t.departure) {
                    Some(d) if a.start >= p.start && d < p.start => "travel.departure",
                    _ => "start",
                }
            } else {
                match travel.and_then(|t| t.return_date) {
                    Some(d) if a.end <= end && d > end => "travel.return_date",
                    _ => "end",
                }
            };
            self.emit(
                RuleId::PActivityInPeriod,
                act(i, a),
                "finding.P-ACTIVITY-IN-PERIOD",
                vec![
                    ("first", first.into()),
                    ("last", last.into()),
                    ("start", p.start.into()),
                    ("end", end.into()),
                ],
                Confidence::V,
                f(field),
            );
        }

        // A-KIND-FIELD: "the activity kind exists in the project's field".
        if !self.rb.kind_allowed(a.kind, p.field) {
            let v = &self.rb.rules.a_kind_field.values.fields;
            self.emit(
                RuleId::AKindField,
                act(i, a),
                "finding.A-KIND-FIELD",
                vec![("kind", a.kind.into()), ("field", p.field.into())],
                v.confidence,
                f("kind"),
            );
        } else {
            self.a_duration(i, a);
        }
        self.a_venue(i, a);
        self.a_travel(i, a);
        self.a_people(i, a);
        match a.kind {
            ActivityKind::GroupMobility => self.group_rules(i, a),
            ActivityKind::Course => self.course_rules(i, a),
            ActivityKind::JobShadowing
                // J-MENTOR-NAMED: "the hosting organisation's main mentor is named".
                if a.mentor.is_none() => {
                    self.emit(
                        RuleId::JMentorNamed,
                        act(i, a),
                        "finding.J-MENTOR-NAMED",
                        vec![],
                        Confidence::V,
                        f("mentor"),
                    );
                }
            _ => {}
        }
        // L-OUTCOMES-RECOGNISED: "how learning outcomes will be assessed and recognised is not
        // described" (individual learner kinds).
        if a.kind.is_individual_learning() && a.recognition.is_none() {
            self.emit(
                RuleId::LOutcomesRecognised,
                act(i, a),
                "finding.L-OUTCOMES-RECOGNISED",
                vec![],
                Confidence::V,
                f("recognition"),
            );
        }
        // X-REAL-COSTS-JUSTIFIED: "a real-cost line (inclusion support for participants,
        // exceptional costs) has no justification".
        for (j, rc) in a.real_costs.iter().enumerate() {
            if rc
                .justification
                .as_deref()
                .is_none_or(|t| t.trim().is_empty())
            {
                self.emit(
                    RuleId::XRealCostsJustified,
                    act(i, a),
                    "finding.X-REAL-COSTS-JUSTIFIED",
                    vec![
                        ("description", rc.description.as_str().into()),
                        ("amount", rc.amount.into()),
                    ],
                    Confidence::V,
                    f(&format!("real_costs[{j}].justification")),
                );
            }
        }
    }

    /// A-DURATION: "days within the table above for field × kind".
    /// A-FEWER-OPP-EXCEPTION: "a short-term learner activity below the usual minimum relies on
    /// the fewer-opportunities exception: every participant in it must be flagged and a
    /// justification given".
    fn a_duration(&mut self, i: usize, a: &Activity) {
        let Some(limits) = self.rb.duration_limits(a.kind, self.p.field) else {
            return;
        };
        let days = a.days();
        let r = limits.value;
        let f = || Self::field_of_activity(i, "end");
        if days < r.min {
            let exception = (a.kind == ActivityKind::ShortTermLearning)
                .then(|| {
                    self.rb
                        .rules
                        .a_fewer_opp_exception
                        .values
                        .min_days
                        .get(&self.p.field)
                })
                .flatten();
            if let Some(ex) = exception.filter(|ex| days >= ex.value) {
                let n = a.participants.count();
                let flagged = a.participants.fewer_opportunities(&self.p.people);
                if flagged == n {
                    if a.fewer_opportunities_justification.is_none() {
                        self.emit(
                            RuleId::AFewerOppException,
                            act(i, a),
                            "finding.A-FEWER-OPP-EXCEPTION",
                            vec![
                                ("days", days.into()),
                                ("min", r.min.into()),
                                ("exception_min", ex.value.into()),
                            ],
                            ex.confidence.min(limits.confidence),
                            Self::field_of_activity(i, "fewer_opportunities_justification"),
                        );
                    }
                    return;
                }
                self.emit(
                    RuleId::ADuration,
                    act(i, a),
                    "finding.A-DURATION.exception-not-all",
                    vec![
                        ("days", days.into()),
                        ("min", r.min.into()),
                        ("exception_min", ex.value.into()),
                        ("flagged", flagged.into()),
                        ("count", n.into()),
                    ],
                    limits.confidence.min(ex.confidence),
                    f(),
                );
                return;
            }
        }
        if days < r.min || days > r.max {
            self.emit(
                RuleId::ADuration,
                act(i, a),
                "finding.A-DURATION",
                vec![
                    ("kind", a.kind.into()),
                    ("field", self.p.field.into()),
                    ("days", days.into()),
                    ("min", r.min.into()),
                    ("max", r.max.into()),
                ],
                limits.confidence,
                f(),
            );
        }
    }

    /// A-VENUE-COUNTRY: "outgoing activities take place in an eligible country other than the
    /// applicant's; invited-expert and hosting-teacher-in-training take place at the applicant".
    /// A-INCOMING-FROM-ABROAD: "an invited expert or hosted trainee teacher comes from another
    /// eligible country than the applicant's".
    /// A-HOST-RELATED: "the hosting organisation may not be a subsidiary or other entity related
    /// to the sending organisation".
    fn a_venue(&mut self, i: usize, a: &Activity) {
        let home = self.p.applicant.country;
        let conf = self.rb.countries.eligible.confidence;
        if a.kind.is_incoming() {
            if let Some(h) = &a.host
                && h.country != home
            {
                self.emit(
                    RuleId::AVenueCountry,
                    act(i, a),
                    "finding.A-VENUE-COUNTRY.incoming",
                    vec![("country", h.country.into()), ("home", home.into())],
                    conf,
                    Self::field_of_activity(i, "host.country"),
                );
            }
            if let Some(from) = &a.from
                && (from.country == home || !self.rb.is_eligible(from.country))
            {
                self.emit(
                    RuleId::AIncomingFromAbroad,
                    act(i, a),
                    "finding.A-INCOMING-FROM-ABROAD",
                    vec![("country", from.country.into()), ("home", home.into())],
                    conf,
                    Self::field_of_activity(i, "from.country"),
                );
            }
        } else if let Some(h) = &a.host {
            if h.country == home || !self.rb.is_eligible(h.country) {
                let key = if h.country == home {
                    "finding.A-VENUE-COUNTRY.home"
                } else {
                    "finding.A-VENUE-COUNTRY.ineligible"
                };
                self.emit(
                    RuleId::AVenueCountry,
                    act(i, a),
                    key,
                    vec![("country", h.country.into()), ("home", home.into())],
                    conf,
                    Self::field_of_activity(i, "host.country"),
                );
            }
            if h.related_to_sender {
                self.emit(
                    RuleId::AHostRelated,
                    act(i, a),
                    "finding.A-HOST-RELATED",
                    vec![("host", h.name.as_str().into())],
                    Confidence::V,
                    Self::field_of_activity(i, "host.related_to_sender"),
                );
            }
        }
    }

    fn a_travel(&mut self, i: usize, a: &Activity) {
        let Some(t) = &a.travel else { return };
        let f = |rest: &str| Self::field_of_activity(i, rest);

        // A-TRAVEL-DAYS: "funded travel days at most 2, or at most 6 with green travel".
        let v = &self.rb.rules.a_travel_days.values;
        let max = if t.green {
            &v.max_green
        } else {
            &v.max_standard
        };
        if t.days > max.value {
            let key = if t.green {
                "finding.A-TRAVEL-DAYS.green"
            } else {
                "finding.A-TRAVEL-DAYS.standard"
            };
            self.emit(
                RuleId::ATravelDays,
                act(i, a),
                key,
                vec![("days", t.days.into()), ("max", max.value.into())],
                max.confidence,
                f("travel.days"),
            );
        }

        // A-GREEN-TRAVEL: "green travel needs a sustainable main means of transport (train,
        // bus, car-sharing, bike, …); 'other sustainable transport' needs a description of at
        // most 300 characters".
        if t.green {
            let g = &self.rb.rules.a_green_travel.values;
            match t.means {
                None => self.emit(
                    RuleId::AGreenTravel,
                    act(i, a),
                    "finding.A-GREEN-TRAVEL.no-means",
                    vec![],
                    g.sustainable_means.confidence,
                    f("travel.means"),
                ),
                Some(m) if !g.sustainable_means.value.iter().any(|s| s == m.id()) => self.emit(
                    RuleId::AGreenTravel,
                    act(i, a),
                    "finding.A-GREEN-TRAVEL.not-sustainable",
                    vec![("means", m.id().into())],
                    g.sustainable_means.confidence,
                    f("travel.means"),
                ),
                Some(crate::project::Means::OtherSustainable) => {
                    let len = t
                        .means_description
                        .as_deref()
                        .map(|d| d.trim().chars().count())
                        .unwrap_or(0);
                    let max = g.description_max_chars.value as usize;
                    if len == 0 || len > max {
                        self.emit(
                            RuleId::AGreenTravel,
                            act(i, a),
                            "finding.A-GREEN-TRAVEL.description",
                            vec![("length", len.into()), ("max", max.into())],
                            g.description_max_chars.confidence,
                            f("travel.means_description"),
                        );
                    }
                }
                Some(_) => {}
            }
        }

        match &t.distance {
            None => {
                // A-DISTANCE-UNKNOWN: the travel grant cannot be computed without a distance.
                self.emit(
                    RuleId::ADistanceUnknown,
                    act(i, a),
                    "finding.A-DISTANCE-UNKNOWN",
                    vec![],
                    Confidence::V,
                    f("travel.distance_km"),
                );
            }
            Some(d) => {
                // A-DISTANCE-BAND-EDGE: "the one-way distance lies within 5 km of a band
                // border: confirm it with the official distance calculator and keep the
                // evidence".
                let margin = &self.rb.rules.a_distance_band_edge.values.margin_km;
                let bands = &self.rb.funding.travel.bands;
                if let Some(border) = self.rb.near_band_border(d.km) {
                    self.emit(
                        RuleId::ADistanceBandEdge,
                        act(i, a),
                        "finding.A-DISTANCE-BAND-EDGE",
                        vec![
                            ("km", d.km.into()),
                            ("border", border.into()),
                            ("margin", margin.value.into()),
                        ],
                        margin.confidence.min(bands.confidence),
                        f("travel.distance_km"),
                    );
                }
                // A-EXPENSIVE-TRAVEL: "the expensive-travel exceptional cost replaces the band
                // amount only when the band amount covers less than 70 % of the real travel
                // cost".
                if let Some(real) = t.expensive_real_cost {
                    let (_, band) = self.rb.band_for(d.km);
                    let amount = if t.green { band.green } else { band.standard };
                    let thr = &self
                        .rb
                        .funding
                        .exceptional_costs
                        .expensive_travel_threshold_percent;
                    if !expensive_travel_allowed(amount, real, thr.value) {
                        self.emit(
                            RuleId::AExpensiveTravel,
                            act(i, a),
                            "finding.A-EXPENSIVE-TRAVEL",
                            vec![
                                ("band_amount", amount.into()),
                                ("real", real.into()),
                                ("percent", thr.value.into()),
                            ],
                            thr.confidence.min(bands.confidence),
                            f("travel.expensive_real_cost"),
                        );
                    }
                }
            }
        }
    }

    fn a_people(&mut self, i: usize, a: &Activity) {
        let people = &self.p.people;
        // A-ACCOMPANYING-FEWER-OPP: "an accompanying person cannot also be flagged as a
        // participant with fewer opportunities".
        for (j, acc) in a.accompanying.iter().enumerate() {
            let flagged = match acc.who {
                AccompanyingWho::Counted {
                    fewer_opportunities,
                    ..
                } => fewer_opportunities > 0,
                AccompanyingWho::Person(p) => people[p].fewer_opportunities,
            };
            if flagged {
                self.emit(
                    RuleId::AAccompanyingFewerOpp,
                    act(i, a),
                    "finding.A-ACCOMPANYING-FEWER-OPP",
                    vec![],
                    Confidence::V,
                    Self::field_of_activity(i, &format!("accompanying[{j}]")),
                );
            }
        }
        // A-MINOR-ACCOMPANIED: "a learner who is a minor, or who has fewer opportunities,
        // travels without an accompanying person".
        if a.kind.participant_role() == Role::Learner && a.accompanying.is_empty() {
            let minors = a.participants.minors(people);
            let fewer = a.participants.fewer_opportunities(people);
            if minors + fewer > 0 {
                self.emit(
                    RuleId::AMinorAccompanied,
                    act(i, a),
                    "finding.A-MINOR-ACCOMPANIED",
                    vec![("minors", minors.into()), ("fewer", fewer.into())],
                    Confidence::V,
                    Self::field_of_activity(i, "accompanying"),
                );
            }
        }
        // A-PARTICIPANT-ROLE: a named participant's role fits the activity kind.
        let expected = a.kind.participant_role();
        for (j, &pi) in a.participants.named().iter().enumerate() {
            if people[pi].role != expected {
                self.emit(
                    RuleId::AParticipantRole,
                    act(i, a),
                    "finding.A-PARTICIPANT-ROLE",
                    vec![
                        ("person", people[pi].name.as_str().into()),
                        ("role", people[pi].role.as_str().into()),
                        ("expected", expected.as_str().into()),
                        ("kind", a.kind.into()),
                    ],
                    Confidence::V,
                    Self::field_of_activity(i, &format!("participants.names[{j}]")),
                );
            }
        }
        // L-RECENT-GRADUATE: "a recent VET graduate takes part within 12 months of graduation".
        if self.p.field == Field::VET && expected == Role::Learner {
            let months = &self.rb.rules.l_recent_graduate.values.months;
            for &pi in a.participants.named() {
                let Some(grad) = people[pi].vet_graduation else {
                    continue;
                };
                let limit = grad
                    .checked_add_months(chrono::Months::new(months.value))
                    .unwrap_or(NaiveDate::MAX);
                if a.end > limit {
                    self.emit(
                        RuleId::LRecentGraduate,
                        act(i, a),
                        "finding.L-RECENT-GRADUATE",
                        vec![
                            ("person", people[pi].name.as_str().into()),
                            ("graduation", grad.into()),
                            ("end", a.end.into()),
                            ("months", months.value.into()),
                        ],
                        months.confidence,
                        Some(format!("people[{pi}].vet_graduation")),
                    );
                }
            }
        }
    }

    fn group_rules(&mut self, i: usize, a: &Activity) {
        let f = |rest: &str| Self::field_of_activity(i, rest);
        // G-MIN-LEARNERS: "at least 2 learners in the group".
        let min = &self.rb.rules.g_min_learners.values.min;
        let n = a.participants.count();
        if n < min.value {
            self.emit(
                RuleId::GMinLearners,
                act(i, a),
                "finding.G-MIN-LEARNERS",
                vec![("count", n.into()), ("min", min.value.into())],
                min.confidence,
                f("participants"),
            );
        }
        // G-ACCOMPANIED: "at least one accompanying person for the whole duration".
        if !a
            .accompanying
            .iter()
            .any(|acc| acc.days.is_none_or(|d| d >= a.days()))
        {
            self.emit(
                RuleId::GAccompanied,
                act(i, a),
                "finding.G-ACCOMPANIED",
                vec![],
                Confidence::V,
                f("accompanying"),
            );
        }
        // G-TWO-COUNTRIES: "learners of the hosting organisation take part too (learners from
        // two countries) — SCH and VET".
        let fields = &self.rb.rules.g_two_countries.values.fields;
        if fields.value.contains(&self.p.field) && a.host_learners.unwrap_or(0) == 0 {
            self.emit(
                RuleId::GTwoCountries,
                act(i, a),
                "finding.G-TWO-COUNTRIES",
                vec![("field", self.p.field.into())],
                fields.confidence,
                f("host_learners"),
            );
        }
        // G-VENUE: "venue is the hosting organisation or the seat of an EU institution".
        let venues = &self.rb.rules.g_venue.values.venues;
        if !venues.value.iter().any(|v| v == a.venue.id()) {
            self.emit(
                RuleId::GVenue,
                act(i, a),
                "finding.G-VENUE",
                vec![("venue", a.venue.id().into())],
                venues.confidence,
                f("venue"),
            );
        }
    }

    fn course_rules(&mut self, i: usize, a: &Activity) {
        let Some(course) = &a.course else { return };
        // C-FEE-DAYS: "course fees for more than 10 days for one participant in the project".
        // Per activity here; per named person across courses in `cross_activity_rules`.
        let max = &self.rb.rules.c_fee_days.values.max_days;
        let fee_days = course.fee_days.unwrap_or_else(|| a.days());
        if fee_days > max.value && a.participants.named().is_empty() {
            self.emit(
                RuleId::CFeeDays,
                act(i, a),
                "finding.C-FEE-DAYS",
                vec![("days", fee_days.into()), ("max", max.value.into())],
                max.confidence,
                Self::field_of_activity(i, "course.fee_days"),
            );
        }
        // C-QUALITY: "the course quality checklist (5 areas in the seed) is not complete".
        let areas = &self.rb.rules.c_quality.values.areas;
        let missing: Vec<String> = areas
            .value
            .iter()
            .filter(|area| !course.quality.iter().any(|q| q.id() == area.as_str()))
            .cloned()
            .collect();
        if !missing.is_empty() {
            self.emit(
                RuleId::CQuality,
                act(i, a),
                "finding.C-QUALITY",
                vec![("missing", Arg::List(missing))],
                areas.confidence,
                Self::field_of_activity(i, "course.quality"),
            );
        }
    }

    // -----------------------------------------------------------------------------------------
    // Rules across activities

    fn cross_activity_rules(&mut self) {
        let p = self.p;
        // Courses by (provider, title), case- and space-insensitive, in the order of those
        // keys (the order the findings come in); within a course, in activity order (the sort
        // is stable).
        let course_key = |i: usize| {
            let c = p.activities[i].course.as_ref();
            (
                Key::Name(c.map_or("", |c| c.provider.as_str())),
                Key::Name(c.map_or("", |c| c.title.as_str())),
            )
        };
        let mut courses: Vec<usize> = (0..p.activities.len())
            .filter(|&i| {
                let a = &p.activities[i];
                a.kind == ActivityKind::Course && a.course.is_some()
            })
            .collect();
        courses.sort_by(|&x, &y| cmp_key_pair(course_key(x), course_key(y)));
        for idxs in courses.chunk_by(|&x, &y| cmp_key_pair(course_key(x), course_key(y)).is_eq()) {
            let first = idxs[0];
            let a = &p.activities[first];
            // Made only for a finding.
            let course = || {
                a.course
                    .as_ref()
                    .map(|c| format!("{} — {}", c.provider, c.title))
                    .unwrap_or_default()
            };
            // C-MAX-PER-COURSE: "at most 3 persons of the project in the same course".
            let max = &self.rb.rules.c_max_per_course.values.max;
            let persons: u32 = idxs
                .iter()
                .map(|&i| p.activities[i].participants.count())
                .sum();
            if persons > max.value {
                let last = *idxs.last().unwrap_or(&first);
                self.emit(
                    RuleId::CMaxPerCourse,
                    act(last, &p.activities[last]),
                    "finding.C-MAX-PER-COURSE",
                    vec![
                        ("course", course().into()),
                        ("count", persons.into()),
                        ("max", max.value.into()),
                    ],
                    max.confidence,
                    Self::field_of_activity(last, "participants"),
                );
            }
            // C-COURSE-ONCE: "the same course (provider + course) used more than once in one
            // project".
            for &i in &idxs[1..] {
                self.emit(
                    RuleId::CCourseOnce,
                    act(i, &p.activities[i]),
                    "finding.C-COURSE-ONCE",
                    vec![("course", course().into()), ("first", a.into())],
                    Confidence::V,
                    Self::field_of_activity(i, "course"),
                );
            }
        }

        // Per named person: courses, fee days, overlapping activities. (person, activity)
        // pairs sorted give each person's activities in activity order; a person named twice
        // in one activity (participant and accompanying person) is in that activity once.
        let mut pairs: Vec<(usize, usize)> = Vec::new();
        for (i, a) in p.activities.iter().enumerate() {
            pairs.extend(a.participants.named().iter().map(|&pi| (pi, i)));
            pairs.extend(a.accompanying.iter().filter_map(|acc| match acc.who {
                AccompanyingWho::Person(pi) => Some((pi, i)),
                AccompanyingWho::Counted { .. } => None,
            }));
        }
        pairs.sort_unstable();
        pairs.dedup();
        for run in pairs.chunk_by(|x, y| x.0 == y.0) {
            let pi = run[0].0;
            let person = &p.people[pi];
            // Made only for a finding: most persons break no rule.
            let subject = || Subject::Person {
                id: person.id.clone(),
            };
            let course_acts = || {
                run.iter().map(|&(_, i)| i).filter(|&i| {
                    p.activities[i].kind == ActivityKind::Course
                        && p.activities[i].participants.named().contains(&pi)
                })
            };
            // C-PERSON-ONCE: "a person may take part in several activities of a project, but in
            // courses and training only once".
            let once = &self.rb.rules.c_person_once.values.max_courses_per_person;
            if course_acts().count() as u32 > once.value {
                let ids: Vec<ActivityName> =
                    course_acts().map(|i| (&p.activities[i]).into()).collect();
                self.emit(
                    RuleId::CPersonOnce,
                    subject(),
                    "finding.C-PERSON-ONCE",
                    vec![
                        ("person", person.name.as_str().into()),
                        ("activities", Arg::Activities(ids)),
                        ("max", once.value.into()),
                    ],
                    once.confidence,
                    Some(format!("people[{pi}]")),
                );
            }
            // C-FEE-DAYS, per named participant across the project.
            let max = &self.rb.rules.c_fee_days.values.max_days;
            let fee_days: u32 = course_acts()
                .map(|i| {
                    let a = &p.activities[i];
                    a.course
                        .as_ref()
                        .and_then(|c| c.fee_days)
                        .unwrap_or_else(|| a.days())
                })
                .sum();
            if fee_days > max.value {
                self.emit(
                    RuleId::CFeeDays,
                    subject(),
                    "finding.C-FEE-DAYS.person",
                    vec![
                        ("person", person.name.as_str().into()),
                        ("days", fee_days.into()),
                        ("max", max.value.into()),
                    ],
                    max.confidence,
                    Some(format!("people[{pi}]")),
                );
            }
            // A-PERSON-OVERLAP: "one named person is in two activities whose dates overlap".
            for (x, &(_, i)) in run.iter().enumerate() {
                for &(_, j) in &run[x + 1..] {
                    let (a, b) = (&p.activities[i], &p.activities[j]);
                    if i != j && a.start <= b.end && b.start <= a.end {
                        self.emit(
                            RuleId::APersonOverlap,
                            subject(),
                            "finding.A-PERSON-OVERLAP",
                            vec![
                                ("person", person.name.as_str().into()),
                                ("first", a.into()),
                                ("second", b.into()),
                            ],
                            Confidence::V,
                            Some(format!("people[{pi}]")),
                        );
                    }
                }
            }
        }

        self.mentor_rule();
    }

    /// J-MENTOR-MAX-2: "at most 2 participants shadow the same mentor on any day".
    fn mentor_rule(&mut self) {
        let p = self.p;
        let max = &self.rb.rules.j_mentor_max_2.values.max;
        // By (host, mentor): the host's OID as written, or its name case- and
        // space-insensitive; the mentor's name likewise. In the order of those keys, and
        // within one mentor in activity order (the sort is stable).
        let mentor_key = |i: usize| {
            let a = &p.activities[i];
            let host = a.host.as_ref().map_or(Key::Exact(""), host_key);
            (host, Key::Name(a.mentor.as_deref().unwrap_or("")))
        };
        let mut shadowing: Vec<usize> = (0..p.activities.len())
            .filter(|&i| {
                let a = &p.activities[i];
                a.kind == ActivityKind::JobShadowing && a.mentor.is_some() && a.host.is_some()
            })
            .collect();
        shadowing.sort_by(|&x, &y| cmp_key_pair(mentor_key(x), mentor_key(y)));
        for idxs in shadowing.chunk_by(|&x, &y| cmp_key_pair(mentor_key(x), mentor_key(y)).is_eq())
        {
            // The busiest day is one where some activity starts: check those days only.
            let worst = idxs
                .iter()
                .map(|&d| {
                    let day = p.activities[d].start;
                    let n: u32 = idxs
                        .iter()
                        .map(|&j| &p.activities[j])
                        .filter(|a| a.start <= day && day <= a.end)
                        .map(|a| a.participants.count())
                        .sum();
                    (n, day, d)
                })
                .max_by_key(|(n, day, _)| (*n, std::cmp::Reverse(*day)));
            if let Some((n, day, i)) = worst
                && n > max.value
            {
                let a = &p.activities[i];
                self.emit(
                    RuleId::JMentorMax2,
                    act(i, a),
                    "finding.J-MENTOR-MAX-2",
                    vec![
                        ("mentor", a.mentor.clone().unwrap_or_default().into()),
                        ("count", n.into()),
                        ("day", day.into()),
                        ("max", max.value.into()),
                    ],
                    max.confidence,
                    Self::field_of_activity(i, "mentor"),
                );
            }
        }
    }

    // -----------------------------------------------------------------------------------------
    // Preparatory visits

    fn visit_rules(&mut self) {
        let p = self.p;
        for (vi, v) in p.visits.iter().enumerate() {
            let subject = Subject::Visit {
                index: vi,
                id: v.id.clone(),
            };
            let f = |rest: &str| Some(format!("preparatory_visits[{vi}].{rest}"));
            // V-MAX-PERSONS: "at most 3 persons per visit".
            let max = &self.rb.rules.v_max_persons.values.max;
            let n = v.persons.count();
            if n > max.value {
                self.emit(
                    RuleId::VMaxPersons,
                    subject.clone(),
                    "finding.V-MAX-PERSONS",
                    vec![("count", n.into()), ("max", max.value.into())],
                    max.confidence,
                    f("persons"),
                );
            }
            // V-ONE-PER-HOST: "only one preparatory visit per hosting organisation".
            // Visits to this host so far, this one included (a project has a few visits).
            let host = host_key(&v.host);
            let seen = p.visits[..=vi]
                .iter()
                .filter(|w| cmp_key(host_key(&w.host), host).is_eq())
                .count();
            let one = &self.rb.rules.v_one_per_host.values.max;
            if seen as u32 > one.value {
                self.emit(
                    RuleId::VOnePerHost,
                    subject.clone(),
                    "finding.V-ONE-PER-HOST",
                    vec![
                        ("host", v.host.name.as_str().into()),
                        ("max", one.value.into()),
                    ],
                    one.confidence,
                    f("host"),
                );
            }
            let prepared = &p.activities[v.prepares];
            // V-NOT-FOR-COURSES: "a visit prepares a learner or staff mobility, never courses
            // and training".
            if prepared.kind == ActivityKind::Course {
                self.emit(
                    RuleId::VNotForCourses,
                    subject.clone(),
                    "finding.V-NOT-FOR-COURSES",
                    vec![("activity", prepared.into())],
                    Confidence::V,
                    f("prepares"),
                );
            }
            // V-PARTICIPANTS-STAFF: "visit participants are staff eligible for staff mobility
            // and involved in the project".
            if let Participants::Named(idxs) = &v.persons {
                for (j, &pi) in idxs.iter().enumerate() {
                    if p.people[pi].role != Role::Staff {
                        self.emit(
                            RuleId::VParticipantsStaff,
                            subject.clone(),
                            "finding.V-PARTICIPANTS-STAFF",
                            vec![
                                ("person", p.people[pi].name.as_str().into()),
                                ("role", p.people[pi].role.as_str().into()),
                            ],
                            Confidence::V,
                            f(&format!("persons.names[{j}]")),
                        );
                    }
                }
            }
            // V-BEFORE-ACTIVITY: "the visit takes place after the activity it prepares has
            // started".
            if v.start >= prepared.start {
                self.emit(
                    RuleId::VBeforeActivity,
                    subject,
                    "finding.V-BEFORE-ACTIVITY",
                    vec![
                        ("visit_start", v.start.into()),
                        ("activity", prepared.into()),
                        ("activity_start", prepared.start.into()),
                    ],
                    Confidence::V,
                    f("start"),
                );
            }
        }
    }

    // -----------------------------------------------------------------------------------------
    // The application in words

    fn application_rules(&mut self) {
        self.n_text_limit();
        let p = self.p;
        let Some(app) = &p.application else {
            self.n_sections_not_started();
            return;
        };
        self.n_section_complete(app);
        self.n_field_objective(app);
        self.n_links(app);
        // N-LEARNING-OUTCOMES: "every activity states its planned learning outcomes".
        for (i, a) in p.activities.iter().enumerate() {
            if a.learning_outcomes.is_none() {
                self.emit(
                    RuleId::NLearningOutcomes,
                    act(i, a),
                    "finding.N-LEARNING-OUTCOMES",
                    vec![],
                    Confidence::V,
                    Some(Part::LearningOutcomes.field(i)),
                );
            }
        }
    }

    /// N-TEXT-LIMIT: "every text of the application is within the length the form accepts for
    /// it". Every text written is measured, with or without an `[application]` part.
    fn n_text_limit(&mut self) {
        let p = self.p;
        for part in Part::ALL {
            let Some(limit) = self.rb.text_limit(part) else {
                continue;
            };
            for i in 0..application::owners(p, part) {
                let Some(text) = application::text_of(p, part, i) else {
                    continue;
                };
                let length = application::text_length(text);
                if length <= limit.value as usize {
                    continue;
                }
                let mut args = vec![
                    ("text", Arg::Text(SharedStr::from_static(part.id()))),
                    ("length", length.into()),
                    ("max", limit.value.into()),
                ];
                let (subject, key) = match part.owner() {
                    application::Owner::Activity => {
                        (act(i, &p.activities[i]), "finding.N-TEXT-LIMIT")
                    }
                    application::Owner::Objective => {
                        let name = self.objective_name(i);
                        args.push(("objective", name.into()));
                        (Subject::Project, "finding.N-TEXT-LIMIT.objective")
                    }
                    application::Owner::Project => (Subject::Project, "finding.N-TEXT-LIMIT"),
                };
                self.emit(
                    RuleId::NTextLimit,
                    subject,
                    key,
                    args,
                    limit.confidence,
                    Some(part.field(i)),
                );
            }
        }
    }

    fn objective_name(&self, i: usize) -> String {
        self.p
            .application
            .as_ref()
            .and_then(|a| a.objectives.get(i))
            .map(|o| o.name().to_owned())
            .unwrap_or_default()
    }

    /// N-SECTION-COMPLETE for a project without an `[application]` part: one finding per
    /// section of the form, naming what it asks, rather than one per missing text. As
    /// information: such a file is a plan (its budget and rules still hold), not yet an
    /// application draft; once `[application]` is started, what is missing is an error.
    fn n_sections_not_started(&mut self) {
        let p = self.p;
        let activity_parts = [
            Part::ActivityObjectives,
            Part::LearningOutcomes,
            Part::Selection,
            Part::Preparation,
            Part::Support,
        ];
        for section in Section::ALL {
            let parts: Vec<Part> = match section {
                Section::Context => vec![Part::Language],
                Section::Background => vec![Part::Background, Part::Needs],
                Section::Objectives => vec![Part::Objectives],
                // Only the texts some activity lacks; none without activities.
                Section::Activities => activity_parts
                    .into_iter()
                    .filter(|&part| {
                        (0..p.activities.len()).any(|i| {
                            part == Part::ActivityObjectives
                                || application::text_of(p, part, i).is_none()
                        })
                    })
                    .collect(),
                Section::FollowUp => vec![Part::Integration, Part::Sharing],
                Section::Summary => vec![
                    Part::SummaryObjectives,
                    Part::SummaryImplementation,
                    Part::SummaryResults,
                ],
                // Whether it is needed depends on the language, which is not given yet.
                Section::SummaryEn => vec![],
            };
            self.section_missing_as(Some(Severity::Info), section, &parts);
        }
    }

    fn section_missing(&mut self, section: Section, parts: &[Part]) {
        self.section_missing_as(None, section, parts)
    }

    fn section_missing_as(&mut self, severity: Option<Severity>, section: Section, parts: &[Part]) {
        let Some(first) = parts.first() else { return };
        self.emit_with(
            RuleId::NSectionComplete,
            severity,
            Subject::Project,
            "finding.N-SECTION-COMPLETE",
            vec![
                ("section", Arg::Text(SharedStr::from_static(section.id()))),
                ("parts", part_list(parts)),
            ],
            Confidence::V,
            Some(first.field(0)),
        );
    }

    /// N-SECTION-COMPLETE: "the sections of the form written in words are complete before
    /// submission: the application's language, background and needs, at least one objective
    /// with its description, results and measure, each activity's description, the follow-up,
    /// and the summary (also in English when the application is in another language)".
    fn n_section_complete(&mut self, app: &Application) {
        let p = self.p;
        let missing = |parts: &[Part], i: usize| -> Vec<Part> {
            parts
                .iter()
                .copied()
                .filter(|&part| match part {
                    Part::Language => app.language.is_none(),
                    Part::Objectives => app.objectives.is_empty(),
                    _ => application::text_of(p, part, i).is_none(),
                })
                .collect()
        };
        self.section_missing(Section::Context, &missing(&[Part::Language], 0));
        self.section_missing(
            Section::Background,
            &missing(&[Part::Background, Part::Needs], 0),
        );
        self.section_missing(Section::Objectives, &missing(&[Part::Objectives], 0));
        let objective_parts = [
            Part::ObjectiveTitle,
            Part::ObjectiveDescription,
            Part::ObjectiveExpectedResults,
            Part::ObjectiveMeasurement,
        ];
        for i in 0..app.objectives.len() {
            let parts = missing(&objective_parts, i);
            if let Some(first) = parts.first() {
                self.emit(
                    RuleId::NSectionComplete,
                    Subject::Project,
                    "finding.N-SECTION-COMPLETE.objective",
                    vec![
                        ("objective", app.objectives[i].name().into()),
                        ("parts", part_list(&parts)),
                    ],
                    Confidence::V,
                    Some(first.field(i)),
                );
            }
        }
        // The activity's description; its learning outcomes and objectives have rules of
        // their own.
        let activity_parts = [Part::Selection, Part::Preparation, Part::Support];
        for (i, a) in p.activities.iter().enumerate() {
            let parts = missing(&activity_parts, i);
            if let Some(first) = parts.first() {
                self.emit(
                    RuleId::NSectionComplete,
                    act(i, a),
                    "finding.N-SECTION-COMPLETE.activity",
                    vec![("parts", part_list(&parts))],
                    Confidence::V,
                    Some(first.field(i)),
                );
            }
        }
        self.section_missing(
            Section::FollowUp,
            &missing(&[Part::Integration, Part::Sharing], 0),
        );
        self.section_missing(
            Section::Summary,
            &missing(
                &[
                    Part::SummaryObjectives,
                    Part::SummaryImplementation,
                    Part::SummaryResults,
                ],
                0,
            ),
        );
        if app.needs_english_summary() {
            self.section_missing(
                Section::SummaryEn,
                &missing(
                    &[
                        Part::SummaryEnObjectives,
                        Part::SummaryEnImplementation,
                        Part::SummaryEnResults,
                    ],
                    0,
                ),
            );
        }
    }

    /// N-FIELD-OBJECTIVE: "every objective of the project contributes to at least one
    /// objective of the call for the project's field".
    fn n_field_objective(&mut self, app: &Application) {
        let field = self.p.field;
        let call = self.rb.field_objectives(field);
        let confidence = call
            .iter()
            .map(|(_, o)| o.confidence)
            .min()
            .unwrap_or(Confidence::P);
        let choices = || Arg::List(call.iter().map(|(id, _)| id.clone()).collect());
        for (i, o) in app.objectives.iter().enumerate() {
            if o.field_objectives.is_empty() {
                self.emit(
                    RuleId::NFieldObjective,
                    Subject::Project,
                    "finding.N-FIELD-OBJECTIVE.none",
                    vec![
                        ("objective", o.name().into()),
                        ("field", field.into()),
                        ("choices", choices()),
                    ],
                    confidence,
                    Some(Part::ObjectiveFieldObjectives.field(i)),
                );
            }
            for (j, given) in o.field_objectives.iter().enumerate() {
                if call.iter().all(|(id, _)| id != given) {
                    self.emit(
                        RuleId::NFieldObjective,
                        Subject::Project,
                        "finding.N-FIELD-OBJECTIVE.unknown",
                        vec![
                            ("objective", o.name().into()),
                            ("given", given.as_str().into()),
                            ("field", field.into()),
                            ("year", i64::from(self.rb.call_year()).into()),
                            ("choices", choices()),
                        ],
                        confidence,
                        Some(format!("application.objectives[{i}].field_objectives[{j}]")),
                    );
                }
            }
        }
    }

    /// N-OBJECTIVE-SERVED: "every objective of the project is served by at least one of its
    /// activities". N-ACTIVITY-LINKED: "every activity serves at least one objective of the
    /// project". Without objectives (N-SECTION-COMPLETE says so) or without activities
    /// (P-NO-ACTIVITIES) there is nothing to link, and neither rule speaks.
    fn n_links(&mut self, app: &Application) {
        let p = self.p;
        if app.objectives.is_empty() || p.activities.is_empty() {
            return;
        }
        for (i, o) in app.objectives.iter().enumerate() {
            if !p.activities.iter().any(|a| a.objectives.contains(&i)) {
                self.emit(
                    RuleId::NObjectiveServed,
                    Subject::Project,
                    "finding.N-OBJECTIVE-SERVED",
                    vec![("objective", o.name().into())],
                    Confidence::V,
                    Some(format!("application.objectives[{i}]")),
                );
            }
        }
        for (i, a) in p.activities.iter().enumerate() {
            if a.objectives.is_empty() {
                let ids = app.objectives.iter().map(|o| o.id.clone()).collect();
                self.emit(
                    RuleId::NActivityLinked,
                    act(i, a),
                    "finding.N-ACTIVITY-LINKED",
                    vec![("objectives", Arg::List(ids))],
                    Confidence::V,
                    Some(Part::ActivityObjectives.field(i)),
                );
            }
        }
    }
}

/// Parts as a message argument: their ids, translated when shown.
fn part_list(parts: &[Part]) -> Arg {
    Arg::List(parts.iter().map(|p| p.id().to_owned()).collect())
}

/// Whether the band amount covers less than `threshold` % of the real cost.
pub(crate) fn expensive_travel_allowed(
    band_amount: crate::money::Money,
    real: crate::money::Money,
    threshold: u32,
) -> bool {
    // band < real × threshold / 100, in integers: band × 100 < real × threshold.
    (band_amount.cents() as i128) * 100 < (real.cents() as i128) * i128::from(threshold)
}

/// Whether `key` is `finding.<rule>` or `finding.<rule>.<variant>`.
fn key_of_rule(key: &str, rule: RuleId) -> bool {
    key.strip_prefix("finding.")
        .and_then(|k| k.strip_prefix(rule.as_str()))
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('.'))
}

/// A name as compared when grouping: words separated by one space, lower case.
fn norm(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// A grouping key: an identifier compared as written, or a name compared as [`norm`] gives
/// it. Keys compare as the strings would, without building them: the checker groups courses,
/// mentors and hosts on every call.
#[derive(Clone, Copy, Debug)]
enum Key<'a> {
    Exact(&'a str),
    Name(&'a str),
}

/// A hosting organisation by its OID when it has one, otherwise by its name.
fn host_key(h: &Organisation) -> Key<'_> {
    match &h.oid {
        Some(oid) => Key::Exact(oid),
        None => Key::Name(&h.name),
    }
}

fn cmp_key(a: Key<'_>, b: Key<'_>) -> Ordering {
    // A capital sigma lower-cases by its neighbours (`str::to_lowercase`), which the
    // character-by-character comparison does not do: compare the built strings then.
    let sigma = |k: Key<'_>| matches!(k, Key::Name(s) if s.contains('Σ'));
    if sigma(a) || sigma(b) {
        let owned = |k: Key<'_>| match k {
            Key::Exact(s) => s.to_owned(),
            Key::Name(s) => norm(s),
        };
        return owned(a).cmp(&owned(b));
    }
    // Code points compare in the same order as their UTF-8 bytes, so this is the order of
    // the strings.
    key_chars(a).cmp(key_chars(b))
}

fn cmp_key_pair(a: (Key<'_>, Key<'_>), b: (Key<'_>, Key<'_>)) -> Ordering {
    cmp_key(a.0, b.0).then_with(|| cmp_key(a.1, b.1))
}

/// The characters of a key: as written, or those of `norm(name)` for a name without a capital
/// sigma.
fn key_chars(k: Key<'_>) -> KeyChars<'_> {
    match k {
        Key::Exact(s) => KeyChars {
            words: "".split_whitespace(),
            word: s.chars(),
            lower: None,
            started: true,
            exact: true,
        },
        Key::Name(s) => KeyChars {
            words: s.split_whitespace(),
            word: "".chars(),
            lower: None,
            started: false,
            exact: false,
        },
    }
}

struct KeyChars<'a> {
    words: std::str::SplitWhitespace<'a>,
    word: std::str::Chars<'a>,
    /// The rest of a character whose lower case is more than one character.
    lower: Option<std::char::ToLowercase>,
    /// A word has been given, so the next one is preceded by a space.
    started: bool,
    exact: bool,
}

impl Iterator for KeyChars<'_> {
    type Item = char;

    fn next(&mut self) -> Option<char> {
        if self.exact {
            return self.word.next();
        }
        loop {
            if let Some(lower) = &mut self.lower {
                if let Some(c) = lower.next() {
                    return Some(c);
                }
                self.lower = None;
            }
            if let Some(c) = self.word.next() {
                if c.is_ascii() {
                    return Some(c.to_ascii_lowercase());
                }
                self.lower = Some(c.to_lowercase());
                continue;
            }
            self.word = self.words.next()?.chars();
            if self.started {
                return Some(' ');
            }
            self.started = true;
        }
    }
}
