//! What-if scenarios side by side: several evaluated projects (a plan and its copies with
//! another host, train instead of plane, fewer days…) compared column by column — people,
//! activities, findings, budget per category — with the difference of every later column from
//! the first.
//!
//! Nothing is recomputed here: every amount is copied from the [`Budget`] the shell computed
//! for that project (the same calculator as everywhere else), and every difference is integer
//! cents. A budget without agency rates is a range; its difference is taken bound by bound
//! (see [`Difference::by_category`]).

use std::collections::BTreeSet;

use serde::Serialize;

use crate::budget::{Budget, Category, CategoryTotal};
use crate::finding::Finding;
use crate::money::{Amount, Money};
use crate::project::Project;
use crate::rules::RuleId;
use crate::types::{Role, Severity};

/// One project to compare, as the shell evaluated it.
#[derive(Clone, Copy, Debug)]
pub struct Scenario<'a> {
    /// What the column is called (the project's title, or its file name when titles repeat).
    pub label: &'a str,
    pub project: &'a Project,
    pub findings: &'a [Finding],
    pub budget: &'a Budget,
}

/// Who takes part, counted over the activities (a person travelling twice counts twice, as
/// the programme counts participants).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct People {
    /// Participants of all activities (accompanying persons and preparatory visits excluded).
    pub participants: u32,
    /// Of them, in activities for learners.
    pub learners: u32,
    /// Of them, in activities for staff.
    pub staff: u32,
    /// Of them, invited experts and hosted teachers in training.
    pub others: u32,
    pub accompanying: u32,
    /// Persons on preparatory visits.
    pub visit_persons: u32,
    /// Participants × days of activity (travel days excluded): how much mobility the plan buys.
    pub participant_days: u32,
}

/// How many findings of each severity.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct FindingCounts {
    pub errors: u32,
    pub warnings: u32,
    pub infos: u32,
}

/// One compared project.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Column {
    pub label: String,
    pub title: String,
    pub activities: u32,
    pub visits: u32,
    pub people: People,
    pub findings: FindingCounts,
    /// The rules that fire (any severity), each once, in catalogue order.
    pub rules: Vec<RuleId>,
    /// Every category of the application form, in its order (zero where nothing is planned).
    pub by_category: Vec<CategoryTotal>,
    pub total: Amount,
    /// The budget used an agency rate profile (else daily rates are the Commission's ranges).
    pub rate_profile: Option<String>,
    /// Some budget line leaves out an amount because an input is missing.
    pub incomplete: bool,
}

/// A count that may go down: later minus first.
pub type Delta = i64;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct PeopleDelta {
    pub participants: Delta,
    pub learners: Delta,
    pub staff: Delta,
    pub others: Delta,
    pub accompanying: Delta,
    pub visit_persons: Delta,
    pub participant_days: Delta,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct FindingDelta {
    pub errors: Delta,
    pub warnings: Delta,
    pub infos: Delta,
}

/// A later column against the first.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Difference {
    /// The later column's label.
    pub label: String,
    /// The first column's label.
    pub against: String,
    pub activities: Delta,
    pub visits: Delta,
    pub people: PeopleDelta,
    pub findings: FindingDelta,
    /// Rules that fire in the later column and not in the first.
    pub rules_added: Vec<RuleId>,
    /// Rules that fire in the first column and no longer in the later one.
    pub rules_removed: Vec<RuleId>,
    /// Later minus first, per category, bound by bound: `min` is the difference with every
    /// daily rate at the Commission's minimum in both projects, `max` with every rate at its
    /// maximum — the difference at the same rates, which is what a what-if asks. So `min` may
    /// be larger than `max` (a scenario that saves more at higher rates). Exact when both
    /// budgets are.
    pub by_category: Vec<CategoryTotal>,
    pub total: Amount,
}

impl Difference {
    /// Whether nothing differs (counts, rules and money).
    pub fn is_zero(&self) -> bool {
        self.activities == 0
            && self.visits == 0
            && self.people == PeopleDelta::default()
            && self.findings == FindingDelta::default()
            && self.rules_added.is_empty()
            && self.rules_removed.is_empty()
            && self.total == Amount::ZERO
            && self.by_category.iter().all(|c| c.amount == Amount::ZERO)
    }

    /// The difference in one category.
    pub fn category(&self, c: Category) -> Amount {
        amount_of(&self.by_category, c)
    }
}

/// The compared projects and the difference of each later one from the first.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Comparison {
    pub columns: Vec<Column>,
    /// `differences[i]` is `columns[i + 1]` against `columns[0]`.
    pub differences: Vec<Difference>,
}

impl Comparison {
    /// The categories with an amount in some column (what a table needs to show), in the
    /// application form's order.
    pub fn used_categories(&self) -> Vec<Category> {
        Category::ALL
            .into_iter()
            .filter(|c| {
                self.columns.iter().any(|col| {
                    let a = amount_of(&col.by_category, *c);
                    a.min != Money::ZERO || a.max != Money::ZERO
                })
            })
            .collect()
    }
}

impl Column {
    /// The amount of one category.
    pub fn category(&self, c: Category) -> Amount {
        amount_of(&self.by_category, c)
    }
}

fn amount_of(totals: &[CategoryTotal], c: Category) -> Amount {
    totals
        .iter()
        .find(|t| t.category == c)
        .map(|t| t.amount)
        .unwrap_or(Amount::ZERO)
}

fn sub(a: Money, b: Money) -> Money {
    Money::from_cents(a.cents().saturating_sub(b.cents()))
}

/// `later − first`, bound by bound.
fn amount_diff(later: Amount, first: Amount) -> Amount {
    Amount {
        min: sub(later.min, first.min),
        max: sub(later.max, first.max),
    }
}

fn people(p: &Project) -> People {
    let mut out = People::default();
    for a in &p.activities {
        let n = a.participants.count();
        out.participants = out.participants.saturating_add(n);
        match a.kind.participant_role() {
            Role::Learner => out.learners = out.learners.saturating_add(n),
            Role::Staff => out.staff = out.staff.saturating_add(n),
            Role::Expert | Role::Trainee => out.others = out.others.saturating_add(n),
        }
        out.accompanying = out.accompanying.saturating_add(a.accompanying_count());
        out.participant_days = out
            .participant_days
            .saturating_add(n.saturating_mul(a.days()));
    }
    out.visit_persons = p
        .visits
        .iter()
        .map(|v| v.persons.count())
        .fold(0u32, u32::saturating_add);
    out
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn column(s: &Scenario<'_>) -> Column {
    let n = |sev| count(s.findings.iter().filter(|f| f.severity == sev).count());
    let rules: BTreeSet<RuleId> = s.findings.iter().map(|f| f.rule).collect();
    Column {
        label: s.label.to_owned(),
        title: s.project.title.clone(),
        activities: count(s.project.activities.len()),
        visits: count(s.project.visits.len()),
        people: people(s.project),
        findings: FindingCounts {
            errors: n(Severity::Error),
            warnings: n(Severity::Warning),
            infos: n(Severity::Info),
        },
        // RuleId orders as the catalogue does, so the set is already in catalogue order.
        rules: rules.into_iter().collect(),
        by_category: Category::ALL
            .into_iter()
            .map(|c| CategoryTotal {
                category: c,
                amount: amount_of(&s.budget.by_category, c),
            })
            .collect(),
        total: s.budget.total,
        rate_profile: s.budget.rate_profile.clone(),
        incomplete: s.budget.incomplete,
    }
}

fn d(later: u32, first: u32) -> Delta {
    i64::from(later) - i64::from(first)
}

fn difference(later: &Column, first: &Column) -> Difference {
    let (l, f) = (&later.people, &first.people);
    Difference {
        label: later.label.clone(),
        against: first.label.clone(),
        activities: d(later.activities, first.activities),
        visits: d(later.visits, first.visits),
        people: PeopleDelta {
            participants: d(l.participants, f.participants),
            learners: d(l.learners, f.learners),
            staff: d(l.staff, f.staff),
            others: d(l.others, f.others),
            accompanying: d(l.accompanying, f.accompanying),
            visit_persons: d(l.visit_persons, f.visit_persons),
            participant_days: d(l.participant_days, f.participant_days),
        },
        findings: FindingDelta {
            errors: d(later.findings.errors, first.findings.errors),
            warnings: d(later.findings.warnings, first.findings.warnings),
            infos: d(later.findings.infos, first.findings.infos),
        },
        rules_added: later
            .rules
            .iter()
            .filter(|r| !first.rules.contains(r))
            .copied()
            .collect(),
        rules_removed: first
            .rules
            .iter()
            .filter(|r| !later.rules.contains(r))
            .copied()
            .collect(),
        by_category: Category::ALL
            .into_iter()
            .map(|c| CategoryTotal {
                category: c,
                amount: amount_diff(later.category(c), first.category(c)),
            })
            .collect(),
        total: amount_diff(later.total, first.total),
    }
}

/// Compares the scenarios: one column each, in the given order, and the difference of every
/// later one from the first. No scenario gives an empty comparison.
pub fn compare(scenarios: &[Scenario<'_>]) -> Comparison {
    let columns: Vec<Column> = scenarios.iter().map(column).collect();
    let differences = match columns.split_first() {
        Some((first, rest)) => rest.iter().map(|c| difference(c, first)).collect(),
        None => Vec::new(),
    };
    Comparison {
        columns,
        differences,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::project::file::{Means, ProjectFile};
    use crate::project::parse_toml;
    use crate::rulebook::{RateProfile, Rulebook};
    use crate::types::Date;
    use crate::{CheckContext, budget, check};

    const SCH: &str = include_str!("../../../examples/sch-riga-school.toml");
    const RATES: &str = include_str!("../../../examples/rates/example-agency-2026.toml");

    struct Evaluated {
        project: Project,
        findings: Vec<Finding>,
        budget: Budget,
    }

    fn evaluate(f: ProjectFile, rb: &Rulebook, profile: Option<&RateProfile>) -> Evaluated {
        let project = Project::from_file(f).expect("the scenario loads");
        let findings = check(&project, rb, &CheckContext { now: None });
        let budget = budget(&project, rb, profile);
        Evaluated {
            project,
            findings,
            budget,
        }
    }

    fn two(a: &Evaluated, b: &Evaluated) -> Comparison {
        compare(&[
            Scenario {
                label: "plan",
                project: &a.project,
                findings: &a.findings,
                budget: &a.budget,
            },
            Scenario {
                label: "scenario",
                project: &b.project,
                findings: &b.findings,
                budget: &b.budget,
            },
        ])
    }

    fn activity<'f>(f: &'f mut ProjectFile, id: &str) -> &'f mut crate::project::file::Activity {
        f.activities
            .iter_mut()
            .find(|a| a.id == id)
            .expect("the example has the activity")
    }

    /// The categories other than `changed` do not move.
    fn only_changes(c: &Comparison, changed: &[Category]) {
        for cat in Category::ALL {
            if !changed.contains(&cat) {
                assert_eq!(
                    c.differences[0].category(cat),
                    Amount::ZERO,
                    "{cat:?} should not change"
                );
            }
        }
    }

    #[test]
    fn the_same_project_twice_differs_in_nothing() {
        let rb = Rulebook::embedded(2026).unwrap();
        let a = evaluate(parse_toml(SCH).unwrap(), &rb, None);
        let c = two(&a, &a);
        assert_eq!(c.columns.len(), 2);
        assert!(c.differences[0].is_zero(), "{:?}", c.differences[0]);
        assert_eq!(c.columns[0].total, a.budget.total);
        // Every category of the budget is in the column, and they add up to its total.
        let sum: Amount = c.columns[0].by_category.iter().map(|t| t.amount).sum();
        assert_eq!(sum, c.columns[0].total);
    }

    #[test]
    fn green_travel_changes_only_travel_by_the_band_s_green_supplement() {
        let rb = Rulebook::embedded(2026).unwrap();
        let profile = RateProfile::from_toml(RATES, &rb).unwrap();
        let plan = parse_toml(SCH).unwrap();
        let mut green = plan.clone();
        let t = activity(&mut green, "course-valencia")
            .travel
            .as_mut()
            .unwrap();
        t.means = Some(Means::Train);
        t.green = true;
        let a = evaluate(plan, &rb, Some(&profile));
        let b = evaluate(green, &rb, Some(&profile));
        let c = two(&a, &b);

        let course = a
            .project
            .activities
            .iter()
            .find(|x| x.id == "course-valencia")
            .unwrap();
        let km = course
            .travel
            .as_ref()
            .unwrap()
            .distance
            .as_ref()
            .unwrap()
            .km;
        let (_, band) = rb.band_for(km);
        let n = i64::from(course.participants.count());
        let supplement = Money::from_cents((band.green.cents() - band.standard.cents()) * n);
        assert_eq!(
            c.differences[0].category(Category::Travel),
            Amount::exact(supplement),
            "travel changes by the participants × (green − standard) of the band"
        );
        assert_eq!(c.differences[0].total, Amount::exact(supplement));
        only_changes(&c, &[Category::Travel]);
        // Computed from the two budgets, too.
        assert_eq!(
            c.differences[0].total,
            amount_diff(b.budget.total, a.budget.total)
        );
        assert_eq!(c.differences[0].people, PeopleDelta::default());
    }

    #[test]
    fn a_shorter_activity_changes_individual_support_by_the_days_times_the_daily_rate() {
        let rb = Rulebook::embedded(2026).unwrap();
        let plan = parse_toml(SCH).unwrap();
        let mut shorter = plan.clone();
        let act = activity(&mut shorter, "shadowing-tartu");
        let end = act.end.0;
        act.end = Date(end - chrono::Days::new(2));
        // Without a rate profile: the daily rate is a range, and so is the difference.
        let a = evaluate(plan, &rb, None);
        let b = evaluate(shorter, &rb, None);
        let c = two(&a, &b);

        let shadowing = a
            .project
            .activities
            .iter()
            .find(|x| x.id == "shadowing-tartu")
            .unwrap();
        let country = shadowing.host.as_ref().unwrap().country;
        let group = rb.group_of(country).unwrap();
        let rate = rb.daily_rate(group, true, None).unwrap().full;
        let n = i64::from(shadowing.participants.count());
        let expected = Amount {
            min: Money::from_cents(-rate.min.cents() * 2 * n),
            max: Money::from_cents(-rate.max.cents() * 2 * n),
        };
        assert!(
            !expected.is_exact(),
            "the rate is a range without a profile"
        );
        assert_eq!(
            c.differences[0].category(Category::IndividualSupport),
            expected
        );
        only_changes(&c, &[Category::IndividualSupport]);
        assert_eq!(
            c.differences[0].people.participant_days,
            -2 * n,
            "two days fewer for each participant"
        );
        assert_eq!(
            c.columns[1].people.participant_days + 2 * n as u32,
            c.columns[0].people.participant_days
        );
    }

    #[test]
    fn another_host_changes_travel_by_the_bands_and_support_by_the_country_group_rates() {
        let rb = Rulebook::embedded(2026).unwrap();
        let profile = RateProfile::from_toml(RATES, &rb).unwrap();
        let plan = parse_toml(SCH).unwrap();
        let mut other = plan.clone();
        let act = activity(&mut other, "course-valencia");
        let host = act.host.as_mut().unwrap();
        host.name = "Oslo Teacher Centre".into();
        host.country = crate::Country::parse("NO").unwrap();
        host.town = Some("Oslo".into());
        host.coordinates = None;
        // Rīga–Oslo: another distance band and another country group than Valencia's.
        act.travel.as_mut().unwrap().distance_km = Some(843.0);
        let a = evaluate(plan, &rb, Some(&profile));
        let b = evaluate(other, &rb, Some(&profile));
        let c = two(&a, &b);

        let before = &a.project.activities[0];
        let after = &b.project.activities[0];
        let n = i64::from(before.participants.count());
        let band = |x: &crate::project::Activity| {
            rb.band_for(x.travel.as_ref().unwrap().distance.as_ref().unwrap().km)
                .1
                .standard
        };
        assert_ne!(band(before), band(after), "the test needs another band");
        assert_eq!(
            c.differences[0].category(Category::Travel),
            Amount::exact(Money::from_cents(
                (band(after).cents() - band(before).cents()) * n
            ))
        );
        let rate = |x: &crate::project::Activity| {
            let g = rb.group_of(x.host.as_ref().unwrap().country).unwrap();
            rb.daily_rate(g, true, Some(&profile)).unwrap().full.min
        };
        assert_ne!(rate(before), rate(after), "the test needs another group");
        // Individual support: participants × (activity + travel days) × the group's rate.
        let days = i64::from(before.days() + before.travel.as_ref().unwrap().days);
        assert_eq!(
            c.differences[0].category(Category::IndividualSupport),
            Amount::exact(Money::from_cents(
                (rate(after).cents() - rate(before).cents()) * n * days
            ))
        );
        only_changes(&c, &[Category::Travel, Category::IndividualSupport]);
    }

    #[test]
    fn rules_that_start_or_stop_firing_are_listed_against_the_first_column() {
        let rb = Rulebook::embedded(2026).unwrap();
        let plan = parse_toml(SCH).unwrap();
        let mut broken = plan.clone();
        // Green travel by plane is not green travel: A-GREEN-TRAVEL fires.
        activity(&mut broken, "course-valencia")
            .travel
            .as_mut()
            .unwrap()
            .green = true;
        let a = evaluate(plan, &rb, None);
        let b = evaluate(broken, &rb, None);
        let c = two(&a, &b);
        assert!(c.differences[0].rules_added.contains(&RuleId::AGreenTravel));
        assert!(c.differences[0].rules_removed.is_empty());
        assert!(c.columns[1].rules.contains(&RuleId::AGreenTravel));
        let errors = |e: &Evaluated| {
            e.findings
                .iter()
                .filter(|f| f.severity == Severity::Error)
                .count() as i64
        };
        assert_eq!(c.differences[0].findings.errors, errors(&b) - errors(&a));
        // The other way round, the rule is removed.
        let back = two(&b, &a);
        assert!(
            back.differences[0]
                .rules_removed
                .contains(&RuleId::AGreenTravel)
        );
    }

    #[test]
    fn people_count_participants_by_role_accompanying_persons_and_visits() {
        let rb = Rulebook::embedded(2026).unwrap();
        let a = evaluate(parse_toml(SCH).unwrap(), &rb, None);
        let c = compare(&[Scenario {
            label: "plan",
            project: &a.project,
            findings: &a.findings,
            budget: &a.budget,
        }]);
        assert!(c.differences.is_empty());
        let p = c.columns[0].people;
        let expected: u32 = a
            .project
            .activities
            .iter()
            .map(|x| x.participants.count())
            .sum();
        assert_eq!(p.participants, expected);
        assert_eq!(p.learners + p.staff + p.others, p.participants);
        let accompanying: u32 = a
            .project
            .activities
            .iter()
            .map(|x| x.accompanying_count())
            .sum();
        assert_eq!(p.accompanying, accompanying);
        assert_eq!(
            p.visit_persons,
            a.project
                .visits
                .iter()
                .map(|v| v.persons.count())
                .sum::<u32>()
        );
        assert_eq!(c.columns[0].activities as usize, a.project.activities.len());
        assert!(compare(&[]).columns.is_empty());
    }

    #[test]
    fn the_comparison_serialises_money_as_strings() {
        let rb = Rulebook::embedded(2026).unwrap();
        let a = evaluate(parse_toml(SCH).unwrap(), &rb, None);
        let v = serde_json::to_value(two(&a, &a)).unwrap();
        assert!(v["columns"][0]["total"]["min"].is_string());
        assert_eq!(v["differences"][0]["total"]["min"], "0.00");
        assert_eq!(v["columns"][0]["by_category"][0]["category"], "travel");
    }
}
