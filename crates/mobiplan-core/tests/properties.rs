//! Property tests of the checker and the grant calculator over arbitrary but structurally valid
//! projects (built as `file::ProjectFile` values, then `Project::from_file`):
//!
//! - adding a participant (count + 1, or one more named person) never lowers the grant;
//! - the total is the sum of the lines, of the category totals and of the per-owner totals;
//! - reordering the activities changes neither the total, nor the category totals, nor the
//!   multiset of rule IDs found;
//! - check and budget are deterministic.

use chrono::{Days, NaiveDate};
use proptest::prelude::*;

use mobiplan_core::project::RealCostKind;
use mobiplan_core::project::file::{
    Accompanying, Activity, Applicant, Course, Means, Organisation, Participants, Person,
    PreparatoryVisit, ProjectFile, ProjectSection, QualityArea, RealCost, Travel, Venue,
};
use mobiplan_core::types::{Coordinates, Date, Moment, Role};
use mobiplan_core::{
    ActivityKind, Amount, Budget, CheckContext, Country, Field, Money, Project, RateProfile,
    RuleId, Rulebook, budget, check,
};

// ---------------------------------------------------------------------------------------------
// Generators: plain "spec" values that shrink well, turned into a valid ProjectFile by `build`.

const COUNTRIES: &[&str] = &[
    "LV", "EE", "LT", "DE", "IT", "ES", "FI", "SI", "PL", "AT", "PT", "NO", "TR", "IS", "US", "CH",
];
const FIELDS: [Field; 3] = [Field::SCH, Field::VET, Field::ADU];
const ROLES: [Role; 4] = [Role::Staff, Role::Learner, Role::Expert, Role::Trainee];
const MEANS: [Means; 9] = [
    Means::Plane,
    Means::Train,
    Means::Bus,
    Means::Car,
    Means::CarSharing,
    Means::Bike,
    Means::Boat,
    Means::OtherSustainable,
    Means::Other,
];
const AREAS: [QualityArea; 5] = [
    QualityArea::Information,
    QualityArea::Pedagogy,
    QualityArea::EuropeanDimension,
    QualityArea::QualityService,
    QualityArea::FollowUp,
];
const COST_KINDS: [RealCostKind; 6] = [
    RealCostKind::Inclusion,
    RealCostKind::Visa,
    RealCostKind::Permit,
    RealCostKind::Vaccination,
    RealCostKind::Medical,
    RealCostKind::Guarantee,
];
const VENUES: [Venue; 3] = [Venue::Host, Venue::EuInstitution, Venue::Other];

#[derive(Clone, Debug)]
struct PersonSpec {
    role: usize,
    fewer: bool,
    minor: bool,
    graduation: Option<u32>,
}

#[derive(Clone, Debug)]
enum WhoSpec {
    Counted { count: u32, fewer: u32, minors: u32 },
    Named(Vec<usize>),
}

#[derive(Clone, Debug)]
struct AccSpec {
    person: Option<usize>,
    count: u32,
    fewer: u32,
    days: Option<u32>,
}

#[derive(Clone, Debug)]
struct TravelSpec {
    hundredths: Option<u32>,
    green: bool,
    means: Option<usize>,
    days: u32,
    expensive: Option<u32>,
    dated: bool,
}

#[derive(Clone, Debug)]
struct CostSpec {
    kind: usize,
    cents: u32,
    justified: bool,
}

#[derive(Clone, Debug)]
struct ActSpec {
    kind: usize,
    offset: u32,
    len: u32,
    who: WhoSpec,
    accompanying: Vec<AccSpec>,
    travel: Option<TravelSpec>,
    country: usize,
    host_name: usize,
    related: bool,
    incoming_host: bool,
    venue: Option<usize>,
    mentor: Option<u8>,
    host_learners: Option<u32>,
    linguistic: bool,
    recognition: bool,
    justification: bool,
    course: (u8, Option<u32>, u8),
    costs: Vec<CostSpec>,
}

#[derive(Clone, Debug)]
struct VisitSpec {
    prepares: usize,
    offset: u32,
    len: u32,
    host_name: usize,
    who: WhoSpec,
}

#[derive(Clone, Debug)]
struct ProjectSpec {
    field: usize,
    start: u32,
    months: u32,
    application: Option<u32>,
    country: usize,
    accredited: bool,
    earlier: Vec<(usize, u16)>,
    people: Vec<PersonSpec>,
    activities: Vec<ActSpec>,
    visits: Vec<VisitSpec>,
}

fn who_spec() -> impl Strategy<Value = WhoSpec> {
    prop_oneof![
        (1u32..40, 0u32..40, 0u32..40).prop_map(|(count, fewer, minors)| WhoSpec::Counted {
            count,
            fewer,
            minors
        }),
        prop::collection::vec(0usize..16, 1..5).prop_map(WhoSpec::Named),
    ]
}

fn person_spec() -> impl Strategy<Value = PersonSpec> {
    (
        0..ROLES.len(),
        any::<bool>(),
        any::<bool>(),
        prop::option::of(0u32..900),
    )
        .prop_map(|(role, fewer, minor, graduation)| PersonSpec {
            role,
            fewer,
            minor,
            graduation,
        })
}

fn acc_spec() -> impl Strategy<Value = AccSpec> {
    (
        prop::option::of(0usize..16),
        1u32..4,
        0u32..2,
        prop::option::of(1u32..60),
    )
        .prop_map(|(person, count, fewer, days)| AccSpec {
            person,
            count,
            fewer,
            days,
        })
}

fn travel_spec() -> impl Strategy<Value = TravelSpec> {
    (
        prop::option::weighted(0.85, prop_oneof![0u32..1_000_000, 0u32..2_500_000]),
        any::<bool>(),
        prop::option::of(0..MEANS.len()),
        0u32..9,
        prop::option::of(1u32..5000),
        any::<bool>(),
    )
        .prop_map(
            |(hundredths, green, means, days, expensive, dated)| TravelSpec {
                hundredths,
                green,
                means,
                days,
                expensive,
                dated,
            },
        )
}

fn cost_spec() -> impl Strategy<Value = CostSpec> {
    (0..COST_KINDS.len(), 1u32..10_000_000, any::<bool>()).prop_map(|(kind, cents, justified)| {
        CostSpec {
            kind,
            cents,
            justified,
        }
    })
}

fn act_spec() -> impl Strategy<Value = ActSpec> {
    (
        (
            0..ActivityKind::ALL.len(),
            0u32..500,
            1u32..120,
            who_spec(),
            prop::collection::vec(acc_spec(), 0..3),
            prop::option::of(travel_spec()),
            0..COUNTRIES.len(),
            0usize..4,
            prop::bool::weighted(0.1),
        ),
        (
            prop::bool::weighted(0.1),
            prop::option::of(0..VENUES.len()),
            prop::option::of(0u8..3),
            prop::option::of(0u32..30),
            any::<bool>(),
            any::<bool>(),
            any::<bool>(),
            (0u8..3, prop::option::of(0u32..15), any::<u8>()),
            prop::collection::vec(cost_spec(), 0..3),
        ),
    )
        .prop_map(
            |(
                (kind, offset, len, who, accompanying, travel, country, host_name, related),
                (
                    incoming_host,
                    venue,
                    mentor,
                    host_learners,
                    linguistic,
                    recognition,
                    justification,
                    course,
                    costs,
                ),
            )| ActSpec {
                kind,
                offset,
                len,
                who,
                accompanying,
                travel,
                country,
                host_name,
                related,
                incoming_host,
                venue,
                mentor,
                host_learners,
                linguistic,
                recognition,
                justification,
                course,
                costs,
            },
        )
}

fn visit_spec() -> impl Strategy<Value = VisitSpec> {
    (0usize..16, 0u32..500, 1u32..5, 0usize..4, who_spec()).prop_map(
        |(prepares, offset, len, host_name, who)| VisitSpec {
            prepares,
            offset,
            len,
            host_name,
            who,
        },
    )
}

fn project_spec() -> impl Strategy<Value = ProjectSpec> {
    project_spec_with(0..8, 0..3)
}

/// Projects with a number of activities and of preparatory visits in the given ranges.
fn project_spec_with(
    activities: std::ops::Range<usize>,
    visits: std::ops::Range<usize>,
) -> impl Strategy<Value = ProjectSpec> {
    (
        0..FIELDS.len(),
        0u32..800,
        1u32..30,
        prop::option::of(0u32..120),
        prop_oneof![4 => Just(0usize), 1 => 0..COUNTRIES.len()],
        prop::bool::weighted(0.1),
        prop::collection::vec((0..FIELDS.len(), 2020u16..2027), 0..5),
        prop::collection::vec(person_spec(), 0..10),
        prop::collection::vec(act_spec(), activities),
        prop::collection::vec(visit_spec(), visits),
    )
        .prop_map(
            |(
                field,
                start,
                months,
                application,
                country,
                accredited,
                earlier,
                people,
                activities,
                visits,
            )| ProjectSpec {
                field,
                start,
                months,
                application,
                country,
                accredited,
                earlier,
                people,
                activities,
                visits,
            },
        )
}

fn base_date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 1, 1).unwrap()
}

fn day(offset: u32) -> Date {
    Date(base_date() + Days::new(offset.into()))
}

fn country(i: usize) -> Country {
    Country::parse(COUNTRIES[i % COUNTRIES.len()]).unwrap()
}

fn org(name: String, c: Country, related: bool) -> Organisation {
    Organisation {
        name,
        oid: None,
        country: c,
        town: None,
        coordinates: Some(Coordinates::new(50.0, 20.0).unwrap()),
        related_to_sender: related,
    }
}

fn participants(who: &WhoSpec, people: usize) -> Participants {
    match who {
        WhoSpec::Named(idx) if people > 0 => {
            let mut names: Vec<String> = Vec::new();
            for i in idx {
                let id = format!("p{}", i % people);
                if !names.contains(&id) {
                    names.push(id);
                }
            }
            Participants {
                names: Some(names),
                ..Participants::default()
            }
        }
        WhoSpec::Named(idx) => Participants {
            count: Some(idx.len() as u32),
            ..Participants::default()
        },
        WhoSpec::Counted {
            count,
            fewer,
            minors,
        } => Participants {
            count: Some(*count),
            fewer_opportunities: Some(fewer % (count + 1)),
            minors: Some(minors % (count + 1)),
            names: None,
        },
    }
}

/// Turns a spec into a structurally valid project file (`Project::from_file` accepts it).
fn build(s: &ProjectSpec) -> ProjectFile {
    let project_start = s.start;
    let people: Vec<Person> = s
        .people
        .iter()
        .enumerate()
        .map(|(i, p)| Person {
            id: format!("p{i}"),
            name: format!("Person {i}"),
            role: ROLES[p.role % ROLES.len()],
            fewer_opportunities: p.fewer,
            minor: p.minor,
            vet_graduation: p.graduation.map(day),
        })
        .collect();
    let n_people = people.len();
    let home = country(s.country);
    let activities: Vec<Activity> = s
        .activities
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let kind = ActivityKind::ALL[a.kind % ActivityKind::ALL.len()];
            let incoming = kind.is_incoming();
            let start = project_start + a.offset;
            let days = a.len;
            let c = country(a.country);
            let host_name = format!("Host {}", a.host_name);
            let accompanying = a
                .accompanying
                .iter()
                .map(|acc| match acc.person {
                    Some(p) if n_people > 0 => Accompanying {
                        count: None,
                        person: Some(format!("p{}", p % n_people)),
                        fewer_opportunities: None,
                        days: acc.days.map(|d| d.min(days)),
                    },
                    _ => Accompanying {
                        count: Some(acc.count),
                        person: None,
                        fewer_opportunities: Some(acc.fewer.min(acc.count)),
                        days: acc.days.map(|d| d.min(days)),
                    },
                })
                .collect();
            let travel = match (&a.travel, kind) {
                (_, ActivityKind::HostingTeacherInTraining) | (None, _) => None,
                (Some(t), _) => Some(Travel {
                    distance_km: t.hundredths.map(|h| f64::from(h) / 100.0),
                    green: t.green,
                    means: t.means.map(|m| MEANS[m % MEANS.len()]),
                    means_description: (t.means == Some(7)).then(|| "sail boat".to_owned()),
                    days: t.days,
                    departure: t.dated.then(|| day(start.saturating_sub(1))),
                    return_date: t.dated.then(|| day(start + days)),
                    expensive_real_cost: t.expensive.map(|e| Money::from_euros(e.into())),
                }),
            };
            let course = (kind == ActivityKind::Course).then(|| Course {
                provider: format!("Provider {}", a.course.0),
                title: format!("Course {}", a.course.0),
                fee_days: a.course.1,
                quality: AREAS
                    .iter()
                    .enumerate()
                    .filter(|(b, _)| a.course.2 & (1 << b) != 0)
                    .map(|(_, q)| *q)
                    .collect(),
            });
            Activity {
                id: format!("a{i}"),
                kind,
                title: Some(format!("Activity {i}")),
                start: day(start),
                end: day(start + days - 1),
                blended: false,
                venue: a.venue.map(|v| VENUES[v % VENUES.len()]),
                host: (!incoming || a.incoming_host).then(|| org(host_name, c, a.related)),
                from: incoming.then(|| org(format!("Home of {i}"), c, false)),
                participants: participants(&a.who, n_people),
                accompanying,
                travel,
                course,
                mentor: (kind == ActivityKind::JobShadowing)
                    .then(|| a.mentor.map(|m| format!("Mentor {m}")))
                    .flatten(),
                host_learners: (kind == ActivityKind::GroupMobility)
                    .then_some(a.host_learners)
                    .flatten(),
                linguistic_support: a.linguistic,
                fewer_opportunities_justification: a.justification.then(|| "needed".into()),
                recognition: a.recognition.then(|| "credits".into()),
                objectives: vec![],
                learning_outcomes: None,
                selection: None,
                preparation: None,
                support: None,
                real_costs: a
                    .costs
                    .iter()
                    .map(|c| RealCost {
                        kind: COST_KINDS[c.kind % COST_KINDS.len()],
                        description: "a cost".into(),
                        amount: Money::from_cents(c.cents.into()),
                        justification: c.justified.then(|| "receipts".into()),
                    })
                    .collect(),
            }
        })
        .collect();
    let visits = if activities.is_empty() {
        Vec::new()
    } else {
        s.visits
            .iter()
            .enumerate()
            .map(|(i, v)| {
                let start = project_start + v.offset;
                PreparatoryVisit {
                    id: format!("v{i}"),
                    prepares: format!("a{}", v.prepares % activities.len()),
                    start: day(start),
                    end: day(start + v.len - 1),
                    host: org(format!("Host {}", v.host_name), country(v.prepares), false),
                    persons: participants(&v.who, n_people),
                }
            })
            .collect()
    };
    ProjectFile {
        format: 1,
        project: ProjectSection {
            title: "A generated project".into(),
            field: FIELDS[s.field % FIELDS.len()],
            call_year: 2026,
            round: 1,
            start: day(project_start),
            duration_months: s.months,
            application_date: s.application.map(|d| Moment::Day(day(d).0)),
        },
        applicant: Applicant {
            name: "A generated applicant".into(),
            oid: None,
            country: home,
            town: None,
            coordinates: None,
            accreditations: if s.accredited {
                vec![FIELDS[s.field % FIELDS.len()]]
            } else {
                vec![]
            },
            earlier_grants: s
                .earlier
                .iter()
                .map(|&(f, y)| mobiplan_core::project::file::EarlierGrant {
                    field: FIELDS[f % FIELDS.len()],
                    call_year: y,
                    round: 1,
                })
                .collect(),
        },
        people,
        activities,
        preparatory_visits: visits,
        application: None,
        implementation: None,
    }
}

fn project(f: ProjectFile) -> Project {
    match Project::from_file(f.clone()) {
        Ok(p) => p,
        Err(e) => panic!("the generator built an invalid file: {e}\n{f:#?}"),
    }
}

struct Env {
    rb: Rulebook,
    profile: RateProfile,
}

fn env() -> &'static Env {
    static ENV: std::sync::OnceLock<Env> = std::sync::OnceLock::new();
    ENV.get_or_init(|| {
        let rb = Rulebook::embedded(2026).unwrap();
        let profile = RateProfile::from_toml(
            include_str!("../../../examples/rates/example-agency-2026.toml"),
            &rb,
        )
        .unwrap();
        Env { rb, profile }
    })
}

/// Budgets with the example agency's rates and without (ranges).
fn budgets(p: &Project) -> [Budget; 2] {
    let e = env();
    [budget(p, &e.rb, Some(&e.profile)), budget(p, &e.rb, None)]
}

fn rule_ids(p: &Project) -> Vec<RuleId> {
    let mut ids: Vec<RuleId> = check(p, &env().rb, &CheckContext::default())
        .iter()
        .map(|f| f.rule)
        .collect();
    ids.sort();
    ids
}

fn assert_not_lower(before: Amount, after: Amount, what: &str) -> Result<(), TestCaseError> {
    prop_assert!(
        after.min >= before.min && after.max >= before.max,
        "{what}: the grant went down from {before} to {after}"
    );
    Ok(())
}

/// The number of cases: `default`, or `PROPTEST_CASES` when set (for longer runs).
fn cases(default: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default);
    ProptestConfig {
        cases,
        ..ProptestConfig::default()
    }
}

// ---------------------------------------------------------------------------------------------

proptest! {
    #![proptest_config(cases(512))]

    #[test]
    fn the_generator_builds_valid_projects(spec in project_spec()) {
        let f = build(&spec);
        prop_assert!(Project::from_file(f).is_ok());
    }

    /// Adding a participant to an activity (count + 1, or one more named person of any
    /// profile) never lowers the grant, with agency rates or with ranges.
    #[test]
    fn adding_a_participant_never_lowers_the_grant(
        spec in project_spec_with(1..8, 0..3),
        which in any::<prop::sample::Index>(),
        newcomer in person_spec(),
    ) {
        let f = build(&spec);
        let before = budgets(&project(f.clone()));
        let mut g = f.clone();
        let i = which.index(g.activities.len());
        let kind = g.activities[i].kind;
        let parts = &mut g.activities[i].participants;
        match (&mut parts.count, &mut parts.names) {
            (Some(c), None) => *c += 1,
            (None, Some(names)) => {
                let id = "newcomer".to_owned();
                names.push(id.clone());
                g.people.push(Person {
                    id,
                    name: "New Comer".into(),
                    // Of the role the activity is for, or any other: the grant never depends
                    // on a named participant's role.
                    role: if newcomer.role == 0 {
                        kind.participant_role()
                    } else {
                        ROLES[newcomer.role % ROLES.len()]
                    },
                    fewer_opportunities: newcomer.fewer,
                    minor: newcomer.minor,
                    vet_graduation: newcomer.graduation.map(day),
                });
            }
            _ => unreachable!("the generator gives count or names"),
        }
        let after = budgets(&project(g));
        for (b, a) in before.iter().zip(&after) {
            assert_not_lower(b.total, a.total, "total")?;
            for (cb, ca) in b.by_category.iter().zip(&a.by_category) {
                prop_assert_eq!(cb.category, ca.category);
                assert_not_lower(cb.amount, ca.amount, cb.category.id())?;
            }
        }
    }

    /// One more person on a preparatory visit never lowers the grant either.
    #[test]
    fn adding_a_visit_person_never_lowers_the_grant(spec in project_spec_with(1..8, 1..3)) {
        let f = build(&spec);
        prop_assert!(!f.preparatory_visits.is_empty());
        let before = budgets(&project(f.clone()));
        let mut g = f;
        for v in &mut g.preparatory_visits {
            if let Some(c) = &mut v.persons.count {
                *c += 1;
            } else if let Some(names) = &mut v.persons.names
                && let Some(p) = g.people.iter().map(|p| &p.id).find(|id| !names.contains(id))
            {
                names.push(p.clone());
            }
        }
        let after = budgets(&project(g));
        for (b, a) in before.iter().zip(&after) {
            assert_not_lower(b.total, a.total, "total")?;
        }
    }

    /// The total is the sum of the lines, of the category totals and of the per-owner totals;
    /// a line with parts is the sum of its parts; min ≤ max everywhere.
    #[test]
    fn the_total_adds_up_every_way(spec in project_spec()) {
        let p = project(build(&spec));
        for b in budgets(&p) {
            let lines: Amount = b.lines.iter().map(|l| l.amount).sum();
            let categories: Amount = b.by_category.iter().map(|c| c.amount).sum();
            let owners: Amount = b.by_owner.iter().map(|o| o.amount).sum();
            prop_assert_eq!(b.total, lines);
            prop_assert_eq!(b.total, categories);
            prop_assert_eq!(b.total, owners);
            prop_assert!(b.total.min <= b.total.max);
            prop_assert!(b.total.min >= Money::ZERO);
            for l in &b.lines {
                prop_assert!(l.amount.min <= l.amount.max, "{:?}", l);
                if !l.children.is_empty() {
                    let parts: Amount = l.children.iter().map(|c| c.amount).sum();
                    prop_assert_eq!(parts, l.amount, "{}", l.key);
                }
            }
            for c in &b.by_category {
                let sum: Amount = b.lines.iter().filter(|l| l.category == c.category)
                    .map(|l| l.amount).sum();
                prop_assert_eq!(sum, c.amount);
            }
            prop_assert_eq!(b.incomplete, b.lines.iter().any(|l| l.incomplete));
        }
        // With the agency's rates every amount is exact.
        let [with_profile, _] = budgets(&p);
        prop_assert!(with_profile.total.is_exact());
    }

    /// Reordering the activities changes neither the total, nor the category totals, nor the
    /// multiset of rule IDs found.
    #[test]
    fn reordering_activities_changes_nothing_that_counts(
        spec in project_spec(),
        keys in prop::collection::vec(any::<u32>(), 8),
    ) {
        let f = build(&spec);
        let mut g = f.clone();
        let mut order: Vec<usize> = (0..g.activities.len()).collect();
        order.sort_by_key(|&i| (keys[i % keys.len()], i));
        g.activities = order.iter().map(|&i| f.activities[i].clone()).collect();
        let (p, q) = (project(f), project(g));
        for (a, b) in budgets(&p).iter().zip(&budgets(&q)) {
            prop_assert_eq!(a.total, b.total);
            prop_assert_eq!(&a.by_category, &b.by_category);
            prop_assert_eq!(a.incomplete, b.incomplete);
        }
        prop_assert_eq!(rule_ids(&p), rule_ids(&q));
    }

    /// A project file written out as JSON or TOML reads back as the same file. (Coordinates
    /// are left out: they are written as `{ lat, lon }` but read as `[lat, lon]` — see
    /// `coordinates_survive_a_json_round_trip` in robustness.rs.)
    #[test]
    fn project_files_round_trip_through_json_and_toml(spec in project_spec()) {
        let mut f = build(&spec);
        for a in &mut f.activities {
            for o in [&mut a.host, &mut a.from].into_iter().flatten() {
                o.coordinates = None;
            }
        }
        for v in &mut f.preparatory_visits {
            v.host.coordinates = None;
        }
        let json = serde_json::to_string(&f).unwrap();
        let back = mobiplan_core::project::parse_json(&json)
            .unwrap_or_else(|e| panic!("{e}\n{json}"));
        prop_assert_eq!(&back, &f);
        let toml = toml::to_string(&f).unwrap();
        let back = mobiplan_core::project::parse_toml(&toml)
            .unwrap_or_else(|e| panic!("{e}\n{toml}"));
        prop_assert_eq!(&back, &f);
    }

    /// Check and budget are deterministic: the same project gives the same findings and the
    /// same budget, also when built again from the same file.
    #[test]
    fn check_and_budget_are_deterministic(spec in project_spec()) {
        let f = build(&spec);
        let p = project(f.clone());
        let q = project(f);
        prop_assert_eq!(&p, &q);
        let e = env();
        let ctx = CheckContext::default();
        prop_assert_eq!(check(&p, &e.rb, &ctx), check(&p, &e.rb, &ctx));
        prop_assert_eq!(check(&p, &e.rb, &ctx), check(&q, &e.rb, &ctx));
        prop_assert_eq!(budgets(&p), budgets(&p));
        prop_assert_eq!(budgets(&p), budgets(&q));
    }
}
