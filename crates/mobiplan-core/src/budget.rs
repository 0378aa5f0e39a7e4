//! The grant calculator. Every line carries its explanation: a label (message key and
//! arguments), the formula with the numbers, the rulebook values used with their source and
//! confidence, and — where an amount is built from parts — its children.
//!
//! Without an agency rate profile the daily rates are the Commission's ranges, so the budget is
//! a range (every rate at its minimum … every rate at its maximum), never an invented figure.

use std::borrow::Cow;
use std::fmt;

use serde::{Serialize, Serializer};
use smallvec::{SmallVec, smallvec};

use crate::check::expensive_travel_allowed;
use crate::finding::{Arg, SharedStr};
use crate::money::{Amount, Money};
use crate::project::{Activity, DistanceSource, Project, RealCostKind};
use crate::rulebook::{DailyRate, GroupTexts, Param, ProfileTexts, RateProfile, Rulebook};
use crate::types::{ActivityKind, Confidence, Km100, Role};

/// The budget categories of the application form, in its order.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    serde::Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    Travel,
    IndividualSupport,
    OrganisationalSupport,
    InclusionSupportOrganisations,
    InclusionSupportParticipants,
    CourseFees,
    PreparatoryVisits,
    LinguisticSupport,
    ExceptionalCosts,
}

impl Category {
    pub const ALL: [Category; 9] = [
        Category::Travel,
        Category::IndividualSupport,
        Category::OrganisationalSupport,
        Category::InclusionSupportOrganisations,
        Category::InclusionSupportParticipants,
        Category::CourseFees,
        Category::PreparatoryVisits,
        Category::LinguisticSupport,
        Category::ExceptionalCosts,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Category::Travel => "travel",
            Category::IndividualSupport => "individual-support",
            Category::OrganisationalSupport => "organisational-support",
            Category::InclusionSupportOrganisations => "inclusion-support-organisations",
            Category::InclusionSupportParticipants => "inclusion-support-participants",
            Category::CourseFees => "course-fees",
            Category::PreparatoryVisits => "preparatory-visits",
            Category::LinguisticSupport => "linguistic-support",
            Category::ExceptionalCosts => "exceptional-costs",
        }
    }
}

// `Budget::from_lines` indexes a slot per category by the enum's value.
const _: () = {
    let mut i = 0;
    while i < Category::ALL.len() {
        assert!(Category::ALL[i] as usize == i);
        i += 1;
    }
};

/// A rulebook (or rate profile) value used in a line.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ParamUse {
    /// Path in the rulebook, or `profile:<name>` for an agency rate.
    pub path: SharedStr,
    /// Shown and serialised as text (`395`, `104 / 73`); kept typed so that it is formatted
    /// only when someone reads it.
    pub value: ParamValue,
    pub source: SharedStr,
    pub confidence: Confidence,
}

/// The value of a [`ParamUse`]. `Display` and the JSON string are the text shown to people.
#[derive(Clone, Debug, PartialEq)]
pub enum ParamValue {
    /// `395`, `12.50`
    Money(Money),
    /// A count, a number of days or a percentage: `80`
    Number(u32),
    /// A daily rate and its reduced counterpart: `104 / 73`, `84–170 / 59–119`
    Rate { full: Amount, reduced: Amount },
    /// A word of the rulebook's own (a policy's id such as `largest-lower-bound-not-above`):
    /// the translation files say it in words.
    Text(SharedStr),
    /// A distance mobiplan computed between two places (great circle on a 6371 km sphere),
    /// not the official calculator's figure.
    ComputedDistance {
        km: Km100,
        from: SharedStr,
        to: SharedStr,
    },
}

impl From<Money> for ParamValue {
    fn from(v: Money) -> ParamValue {
        ParamValue::Money(v)
    }
}

impl From<u32> for ParamValue {
    fn from(v: u32) -> ParamValue {
        ParamValue::Number(v)
    }
}

impl fmt::Display for ParamValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParamValue::Money(m) => m.fmt(f),
            ParamValue::Number(n) => n.fmt(f),
            ParamValue::Rate { full, reduced } => write!(f, "{full} / {reduced}"),
            ParamValue::Text(t) => f.write_str(t),
            ParamValue::ComputedDistance { km, from, to } => {
                write!(f, "{km} km: {from} → {to} (haversine, 6371.0 km sphere)")
            }
        }
    }
}

impl Serialize for ParamValue {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// How a line's amount is computed, with its numbers. `Display` and the JSON string are the
/// language-neutral formula shown to people (`2 × 395`); kept typed so that it is formatted
/// only when someone reads it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Formula {
    /// An input is missing: `?`
    Unknown,
    /// `n × unit`
    Times { n: u32, unit: Money },
    /// `n × days × rate`
    TimesDays { n: u32, days: u32, rate: Amount },
    /// `n × (full_days × full + reduced_days × reduced)`
    FullAndReduced {
        n: u32,
        full_days: u32,
        full: Amount,
        reduced_days: u32,
        reduced: Amount,
    },
    /// `min(n × unit, cap)`
    Capped { n: u32, unit: Money, cap: Money },
    /// `amount × percent %`
    Percent { amount: Money, percent: u32 },
    /// `n × real × percent %`
    TimesPercent { n: u32, real: Money, percent: u32 },
}

impl fmt::Display for Formula {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Formula::Unknown => f.write_str("?"),
            Formula::Times { n, unit } => write!(f, "{n} × {unit}"),
            Formula::TimesDays { n, days, rate } => write!(f, "{n} × {days} × {rate}"),
            Formula::FullAndReduced {
                n,
                full_days,
                full,
                reduced_days,
                reduced,
            } => write!(
                f,
                "{n} × ({full_days} × {full} + {reduced_days} × {reduced})"
            ),
            Formula::Capped { n, unit, cap } => write!(f, "min({n} × {unit}, {cap})"),
            Formula::Percent { amount, percent } => write!(f, "{amount} × {percent} %"),
            Formula::TimesPercent { n, real, percent } => {
                write!(f, "{n} × {real} × {percent} %")
            }
        }
    }
}

impl Serialize for Formula {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum LineOwner {
    /// An activity's `id` is the project's own (`Activity::id`), shared by all the lines of
    /// the activity and by every budget of the project: a reference count, not a copy.
    Activity {
        index: usize,
        id: SharedStr,
    },
    Visit {
        index: usize,
        id: SharedStr,
    },
}

/// A line's label arguments, stored in the line itself: a line has at most five (individual
/// support), so building and dropping a budget allocates nothing for them.
pub type LineArgs = SmallVec<[(&'static str, Arg); 5]>;

/// The values a line used: most lines use one (a rate), stored in the line itself.
pub type LineParams = SmallVec<[ParamUse; 1]>;

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Line {
    pub category: Category,
    pub owner: LineOwner,
    /// Message key of the label: `budget.<what>`.
    pub key: &'static str,
    #[serde(serialize_with = "serialize_args")]
    pub args: LineArgs,
    pub amount: Amount,
    /// The computation with its numbers, language-neutral: `2 × 395` (see [`Formula`]).
    pub formula: Formula,
    pub params: LineParams,
    /// The least certain confidence among the values used.
    pub confidence: Confidence,
    /// Set when an input is missing and the amount leaves something out.
    pub incomplete: bool,
    /// Set when the amount rests on a placeholder figure (a rulebook table that is an example,
    /// not a published range): people see it as an example, never as the amount.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub placeholder: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<Line>,
}

fn serialize_args<S: serde::Serializer>(
    args: &[(&'static str, Arg)],
    s: S,
) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    let mut m = s.serialize_map(Some(args.len()))?;
    for (k, v) in args {
        m.serialize_entry(k, v)?;
    }
    m.end()
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CategoryTotal {
    pub category: Category,
    pub amount: Amount,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct OwnerTotal {
    pub owner: LineOwner,
    pub amount: Amount,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Budget {
    pub lines: Vec<Line>,
    pub by_category: Vec<CategoryTotal>,
    pub by_owner: Vec<OwnerTotal>,
    pub total: Amount,
    /// The agency rate profile used, if any; without one, daily rates are ranges.
    pub rate_profile: Option<String>,
    /// Some line leaves out an amount because an input is missing.
    pub incomplete: bool,
    /// Some line rests on a placeholder figure (see [`Line::placeholder`]).
    pub placeholder: bool,
    /// The least certain confidence of any line.
    pub confidence: Confidence,
}

pub fn budget(p: &Project, rb: &Rulebook, profile: Option<&RateProfile>) -> Budget {
    let mut b = Builder {
        p,
        rb,
        profile,
        // About four lines per activity (travel, support, organisational support, one more):
        // reserving avoids copying the lines while the vector grows.
        lines: Vec::with_capacity(p.activities.len() * 4 + p.visits.len()),
        profile_texts: None,
    };
    for (i, a) in p.activities.iter().enumerate() {
        b.activity(i, a);
    }
    b.visits();
    Budget::from_lines(
        b.lines,
        p.activities.len() + p.visits.len(),
        profile.map(|p| p.profile.name.clone()),
    )
}

impl Budget {
    /// Totals per category, per owner and for the project, as sums of the lines.
    fn from_lines(lines: Vec<Line>, owners: usize, rate_profile: Option<String>) -> Budget {
        // One pass over the lines: a slot per category (in `Category::ALL` order, which is
        // the enum's), and the owners in order of first appearance. A budget's lines come
        // owner by owner, so the last owner seen is checked first.
        let mut per_category = [Amount::ZERO; Category::ALL.len()];
        let mut by_owner: Vec<OwnerTotal> = Vec::with_capacity(owners);
        let mut total = Amount::ZERO;
        let mut incomplete = false;
        let mut placeholder = false;
        let mut confidence = Confidence::V;
        for l in &lines {
            per_category[l.category as usize] += l.amount;
            total += l.amount;
            incomplete |= l.incomplete;
            placeholder |= l.placeholder;
            confidence = confidence.min(l.confidence);
            match by_owner.last_mut() {
                Some(o) if o.owner == l.owner => o.amount += l.amount,
                _ => match by_owner.iter_mut().find(|o| o.owner == l.owner) {
                    Some(o) => o.amount += l.amount,
                    None => by_owner.push(OwnerTotal {
                        owner: l.owner.clone(),
                        amount: l.amount,
                    }),
                },
            }
        }
        let by_category = Category::ALL
            .iter()
            .zip(per_category)
            .map(|(&category, amount)| CategoryTotal { category, amount })
            .collect();
        Budget {
            total,
            incomplete,
            placeholder,
            confidence,
            rate_profile,
            by_category,
            by_owner,
            lines,
        }
    }

    /// The same budget without the lines of the activities with these ids (totals recomputed
    /// from the remaining lines). Implementation tracking uses it to report a completed
    /// preparatory visit whose activity has not taken place yet.
    pub fn without_activities(self, ids: &[String]) -> Budget {
        let owners = self.by_owner.len();
        let lines = self
            .lines
            .into_iter()
            .filter(|l| match &l.owner {
                LineOwner::Activity { id, .. } => !ids.iter().any(|x| **x == **id),
                LineOwner::Visit { .. } => true,
            })
            .collect();
        Budget::from_lines(lines, owners, self.rate_profile)
    }
}

struct Builder<'a> {
    p: &'a Project,
    rb: &'a Rulebook,
    profile: Option<&'a RateProfile>,
    lines: Vec<Line>,
    /// The profile's source and value paths: the profile's own, or made here when its name
    /// or source changed after they were made.
    profile_texts: Option<Cow<'a, ProfileTexts>>,
}

fn use_param<T: Copy + Into<ParamValue>>(path: &'static str, p: &Param<T>) -> ParamUse {
    ParamUse {
        path: SharedStr::from_static(path),
        value: p.value.into(),
        source: p.source.clone(),
        confidence: p.confidence,
    }
}

fn use_value(
    path: SharedStr,
    value: impl Into<ParamValue>,
    source: &SharedStr,
    confidence: Confidence,
) -> ParamUse {
    ParamUse {
        path,
        value: value.into(),
        source: source.clone(),
        confidence,
    }
}

/// The shared text for a path in a precomputed table, or the path made now for a key the
/// table lacks.
fn path_in<K: PartialEq + Copy>(
    table: &[(K, SharedStr)],
    key: K,
    make: impl FnOnce() -> String,
) -> SharedStr {
    match table.iter().find(|(k, _)| *k == key) {
        Some((_, path)) => path.clone(),
        None => make().into(),
    }
}

impl Builder<'_> {
    #[allow(clippy::too_many_arguments)]
    fn push(
        &mut self,
        category: Category,
        owner: &LineOwner,
        key: &'static str,
        args: LineArgs,
        amount: Amount,
        formula: Formula,
        params: LineParams,
        children: Vec<Line>,
    ) {
        let confidence = params
            .iter()
            .map(|p| p.confidence)
            .min()
            .unwrap_or(Confidence::V);
        self.lines.push(Line {
            category,
            owner: owner.clone(),
            key,
            args,
            amount,
            formula,
            params,
            confidence,
            incomplete: false,
            placeholder: false,
            children,
        });
    }

    fn activity(&mut self, i: usize, a: &Activity) {
        let owner = LineOwner::Activity {
            index: i,
            id: a.id.clone(),
        };
        let f = &self.rb.funding;
        let people = &self.p.people;
        let n = a.participants.count();
        let acc = a.accompanying_count();

        self.travel(&owner, a, n, acc);
        self.individual_support(&owner, a);

        // Organisational support: per participant by kind; group mobility capped per group.
        let os = &f.organisational_support;
        if let Some(&rate) = os.per_participant.value.get(&a.kind) {
            let mut amount = rate.times(n.into());
            let mut formula = Formula::Times { n, unit: rate };
            let path = path_in(&self.rb.texts.per_participant_paths, a.kind, || {
                format!("funding.organisational_support.per_participant.{}", a.kind)
            });
            let mut params = smallvec![use_value(
                path,
                rate,
                &os.per_participant.source,
                os.per_participant.confidence,
            )];
            if a.kind == ActivityKind::GroupMobility && amount > os.group_mobility_cap.value {
                amount = os.group_mobility_cap.value;
                formula = Formula::Capped {
                    n,
                    unit: rate,
                    cap: os.group_mobility_cap.value,
                };
                params.push(use_param(
                    "funding.organisational_support.group_mobility_cap",
                    &os.group_mobility_cap,
                ));
            }
            if amount > Money::ZERO {
                self.push(
                    Category::OrganisationalSupport,
                    &owner,
                    "budget.organisational-support",
                    smallvec![("participants", n.into()), ("kind", a.kind.into())],
                    Amount::exact(amount),
                    formula,
                    params,
                    vec![],
                );
            }
        }

        // Inclusion support for organisations: per participant with fewer opportunities.
        let fewer = a.participants.fewer_opportunities(people);
        if fewer > 0 {
            let per = &f.inclusion_support.per_participant;
            self.push(
                Category::InclusionSupportOrganisations,
                &owner,
                "budget.inclusion-organisations",
                smallvec![("participants", fewer.into())],
                Amount::exact(per.value.times(fewer.into())),
                Formula::Times {
                    n: fewer,
                    unit: per.value,
                },
                smallvec![use_param("funding.inclusion_support.per_participant", per)],
                vec![],
            );
        }

        // Course fees: per participant per course day, up to the paid maximum.
        if let (ActivityKind::Course, Some(course)) = (a.kind, &a.course) {
            let cf = &f.course_fees;
            let asked = course.fee_days.unwrap_or_else(|| a.days());
            let paid = asked.min(cf.max_days.value);
            let mut params = smallvec![use_param("funding.course_fees.per_day", &cf.per_day)];
            if paid < asked {
                params.push(use_param("funding.course_fees.max_days", &cf.max_days));
            }
            self.push(
                Category::CourseFees,
                &owner,
                "budget.course-fees",
                smallvec![("participants", n.into()), ("days", paid.into())],
                Amount::exact(cf.per_day.value.times(i64::from(n) * i64::from(paid))),
                Formula::TimesDays {
                    n,
                    days: paid,
                    rate: Amount::exact(cf.per_day.value),
                },
                params,
                vec![],
            );
        }

        // Linguistic support: long-term kinds, on request.
        let ls = &f.linguistic_support;
        if a.linguistic_support && ls.kinds.value.contains(&a.kind) {
            self.push(
                Category::LinguisticSupport,
                &owner,
                "budget.linguistic-support",
                smallvec![("participants", n.into())],
                Amount::exact(ls.per_participant.value.times(n.into())),
                Formula::Times {
                    n,
                    unit: ls.per_participant.value,
                },
                smallvec![use_param(
                    "funding.linguistic_support.per_participant",
                    &ls.per_participant,
                )],
                vec![],
            );
        }

        // Real costs: inclusion support for participants and exceptional costs.
        for rc in &a.real_costs {
            let (category, percent, param) = match rc.kind {
                RealCostKind::Inclusion => (
                    Category::InclusionSupportParticipants,
                    f.inclusion_support.real_costs_percent.value,
                    use_param(
                        "funding.inclusion_support.real_costs_percent",
                        &f.inclusion_support.real_costs_percent,
                    ),
                ),
                k => {
                    let table = &f.exceptional_costs.percent;
                    let pct = table.value.get(&k).copied().unwrap_or(0);
                    let path = path_in(&self.rb.texts.exceptional_percent_paths, k, || {
                        format!("funding.exceptional_costs.percent.{}", k.id())
                    });
                    (
                        Category::ExceptionalCosts,
                        pct,
                        use_value(path, pct, &table.source, table.confidence),
                    )
                }
            };
            self.push(
                category,
                &owner,
                "budget.real-cost",
                smallvec![
                    ("description", rc.description.as_str().into()),
                    ("kind", Arg::Text(SharedStr::from_static(rc.kind.id()))),
                ],
                Amount::exact(rc.amount.percent(percent)),
                Formula::Percent {
                    amount: rc.amount,
                    percent,
                },
                smallvec![param],
                vec![],
            );
        }
    }

    /// Travel: per traveller (participants and accompanying persons) by distance band, green or
    /// standard; expensive travel (80 % of the real cost) instead of the band amount when the
    /// band covers less than 70 % of the real cost.
    fn travel(&mut self, owner: &LineOwner, a: &Activity, n: u32, acc: u32) {
        let Some(t) = &a.travel else { return };
        let travellers = n + acc;
        let tf = &self.rb.funding.travel;
        let Some(d) = &t.distance else {
            let mut line = Line {
                category: Category::Travel,
                owner: owner.clone(),
                key: "budget.travel-unknown",
                args: smallvec![("travellers", travellers.into())],
                amount: Amount::ZERO,
                formula: Formula::Unknown,
                params: LineParams::new(),
                confidence: Confidence::V,
                incomplete: true,
                placeholder: false,
                children: vec![],
            };
            line.confidence = tf.bands.confidence;
            self.lines.push(line);
            return;
        };
        let (idx, band) = self.rb.band_for(d.km);
        let per = if t.green { band.green } else { band.standard };
        let texts = &self.rb.texts.bands[idx];
        let band_param = use_value(
            if t.green {
                texts.green_path.clone()
            } else {
                texts.standard_path.clone()
            },
            per,
            &tf.bands.source,
            tf.bands.confidence,
        );
        let policy = use_value(
            SharedStr::from_static("funding.travel.band_policy"),
            ParamValue::Text(SharedStr::from_static("largest-lower-bound-not-above")),
            &tf.band_policy.source,
            tf.band_policy.confidence,
        );
        let mut travel_params = smallvec![band_param.clone(), policy];
        if let DistanceSource::Computed {
            from_place,
            to_place,
            ..
        } = &d.source
        {
            // A distance computed from places is within about 2 km of the official
            // calculator's, so it is provisional evidence, recorded with its points.
            travel_params.push(use_value(
                SharedStr::from_static("distance.computed"),
                ParamValue::ComputedDistance {
                    km: d.km,
                    from: from_place.as_str().into(),
                    to: to_place.as_str().into(),
                },
                &SharedStr::from_static("distance-ref"),
                Confidence::P,
            ));
        }
        let ex = &self.rb.funding.exceptional_costs;
        if let Some(real) = t.expensive_real_cost
            && expensive_travel_allowed(per, real, ex.expensive_travel_threshold_percent.value)
        {
            let each = real.percent(ex.expensive_travel_percent.value);
            self.push(
                Category::ExceptionalCosts,
                owner,
                "budget.expensive-travel",
                smallvec![
                    ("travellers", travellers.into()),
                    ("real", real.into()),
                    ("band_amount", per.into()),
                ],
                Amount::exact(each.times(travellers.into())),
                Formula::TimesPercent {
                    n: travellers,
                    real,
                    percent: ex.expensive_travel_percent.value,
                },
                smallvec![
                    use_param(
                        "funding.exceptional_costs.expensive_travel_percent",
                        &ex.expensive_travel_percent,
                    ),
                    use_param(
                        "funding.exceptional_costs.expensive_travel_threshold_percent",
                        &ex.expensive_travel_threshold_percent,
                    ),
                    band_param,
                ],
                vec![],
            );
            return;
        }
        self.push(
            Category::Travel,
            owner,
            if t.green {
                "budget.travel-green"
            } else {
                "budget.travel"
            },
            smallvec![
                ("travellers", travellers.into()),
                ("km", d.km.into()),
                ("band", Arg::Text(texts.label.clone())),
            ],
            Amount::exact(per.times(travellers.into())),
            Formula::Times {
                n: travellers,
                unit: per,
            },
            travel_params,
            vec![],
        );
    }

    /// Individual support: per person per day (activity days + funded travel days), full rate
    /// for days 1–14 and the reduced rate from day 15; staff rates for staff, accompanying
    /// persons and invited experts; the receiving country's group.
    fn individual_support(&mut self, owner: &LineOwner, a: &Activity) {
        if a.kind == ActivityKind::HostingTeacherInTraining {
            return; // paid by the trainee's sending institution
        }
        let travel_days = a
            .travel
            .as_ref()
            .map(|t| {
                let v = &self.rb.rules.a_travel_days.values;
                let max = if t.green {
                    v.max_green.value
                } else {
                    v.max_standard.value
                };
                t.days.min(max)
            })
            .unwrap_or(0);
        let country = if a.kind == ActivityKind::InvitedExpert {
            self.p.applicant.country
        } else {
            a.venue_country(self.p.applicant.country)
        };
        let Some(group) = self.rb.group_texts(country) else {
            // An ineligible destination (reported by A-VENUE-COUNTRY) has no rate.
            self.lines.push(Line {
                category: Category::IndividualSupport,
                owner: owner.clone(),
                key: "budget.individual-support-no-group",
                args: smallvec![("country", country.into())],
                amount: Amount::ZERO,
                formula: Formula::Unknown,
                params: LineParams::new(),
                confidence: self.rb.countries.groups.confidence,
                incomplete: true,
                placeholder: false,
                children: vec![],
            });
            return;
        };
        let staff = a.kind.participant_role() != Role::Learner;
        let n = a.participants.count();
        let days = a.days().saturating_add(travel_days);
        self.support_line(
            owner,
            "budget.individual-support",
            n,
            days,
            travel_days,
            group,
            staff,
        );
        for acc in &a.accompanying {
            let days = acc
                .days
                .unwrap_or_else(|| a.days())
                .saturating_add(travel_days);
            self.support_line(
                owner,
                "budget.individual-support-accompanying",
                acc.count(),
                days,
                travel_days,
                group,
                true,
            );
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn support_line(
        &mut self,
        owner: &LineOwner,
        key: &'static str,
        persons: u32,
        days: u32,
        travel_days: u32,
        group: &GroupTexts,
        staff: bool,
    ) {
        if persons == 0 || days == 0 {
            return;
        }
        let is = &self.rb.funding.individual_support;
        let Some(rate) = self.rb.daily_rate(&group.name, staff, self.profile) else {
            return;
        };
        let from = is.reduced_from_day.value.max(1);
        let full_days = days.min(from - 1);
        let reduced_days = days - full_days;
        let each = rate.full.times(full_days.into()) + rate.reduced.times(reduced_days.into());
        let amount = each.times(persons.into());
        let rate_param = self.rate_param(group, staff, &rate);
        let who = if staff { "staff" } else { "learners" };
        let mut params: LineParams = smallvec![rate_param];
        let mut children = Vec::new();
        let formula = if reduced_days > 0 {
            params.push(use_param(
                "funding.individual_support.reduced_from_day",
                &is.reduced_from_day,
            ));
            params.push(use_param(
                "funding.individual_support.reduced_percent",
                &is.reduced_percent,
            ));
            let conf = params
                .iter()
                .map(|p| p.confidence)
                .min()
                .unwrap_or(Confidence::P);
            for (k, d, r) in [
                ("budget.individual-support-full-days", full_days, rate.full),
                (
                    "budget.individual-support-reduced-days",
                    reduced_days,
                    rate.reduced,
                ),
            ] {
                children.push(Line {
                    category: Category::IndividualSupport,
                    owner: owner.clone(),
                    key: k,
                    args: smallvec![("persons", persons.into()), ("days", d.into())],
                    amount: r.times(d.into()).times(persons.into()),
                    formula: Formula::TimesDays {
                        n: persons,
                        days: d,
                        rate: r,
                    },
                    params: LineParams::new(),
                    confidence: conf,
                    incomplete: false,
                    placeholder: rate.placeholder,
                    children: vec![],
                });
            }
            Formula::FullAndReduced {
                n: persons,
                full_days,
                full: rate.full,
                reduced_days,
                reduced: rate.reduced,
            }
        } else {
            Formula::TimesDays {
                n: persons,
                days,
                rate: rate.full,
            }
        };
        self.push(
            Category::IndividualSupport,
            owner,
            key,
            smallvec![
                ("persons", persons.into()),
                ("days", days.into()),
                ("travel_days", travel_days.into()),
                ("group", Arg::Text(group.name.clone())),
                ("who", Arg::Text(SharedStr::from_static(who))),
            ],
            amount,
            formula,
            params,
            children,
        );
        if let Some(line) = self.lines.last_mut() {
            line.placeholder = rate.placeholder;
        }
    }

    fn rate_param(&mut self, group: &GroupTexts, staff: bool, rate: &DailyRate) -> ParamUse {
        let value = ParamValue::Rate {
            full: rate.full,
            reduced: rate.reduced,
        };
        match (rate.from_profile, self.profile) {
            (true, Some(p)) => {
                let texts = self.profile_texts.get_or_insert_with(|| match p.texts() {
                    Some(t) => Cow::Borrowed(t),
                    None => Cow::Owned(ProfileTexts::new(p)),
                });
                let path = texts.path(p, staff, &group.name);
                use_value(path, value, &texts.source, p.profile.confidence)
            }
            _ => {
                let (table, path) = if staff {
                    (&self.rb.funding.individual_support.staff, &group.staff_path)
                } else {
                    (
                        &self.rb.funding.individual_support.learners,
                        &group.learners_path,
                    )
                };
                use_value(path.clone(), value, &table.source, table.confidence)
            }
        }
    }

    fn visits(&mut self) {
        let per = &self.rb.funding.preparatory_visits.per_person;
        for (vi, v) in self.p.visits.iter().enumerate() {
            let owner = LineOwner::Visit {
                index: vi,
                id: v.id.as_str().into(),
            };
            let n = v.persons.count();
            self.push(
                Category::PreparatoryVisits,
                &owner,
                "budget.preparatory-visit",
                smallvec![("persons", n.into())],
                Amount::exact(per.value.times(n.into())),
                Formula::Times { n, unit: per.value },
                smallvec![use_param("funding.preparatory_visits.per_person", per)],
                vec![],
            );
        }
    }
}
