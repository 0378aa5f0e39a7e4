//! One test per rule and sentence: for every rule ID of the KA122 catalogue
//! (`shared/reference/ka122-rules.md`) and mobiplan's own rules, a minimal project that breaks
//! it — checked for the rule's severity, its subject, the field to fix and the values it
//! quotes — and a project just inside the boundary where the rule stays silent.
//!
//! Every case starts from one small valid project (`BASE`: a teacher job-shadowing in Tartu)
//! and changes only what the case needs. Test names are sentences that name the rule, so that
//! `cargo test c_max_per_course` runs everything about one rule.
//!
//! The broken example projects (`examples/broken-*.toml`) are checked at the end: the rules
//! each one reports must be exactly the rules its header comment declares.

use chrono::{DateTime, NaiveDate};
use mobiplan_core::project::file::{self, ProjectFile};
use mobiplan_core::project::{Means, Venue, parse_toml};
use mobiplan_core::types::{Date, Km100, Moment};
use mobiplan_core::{
    ActivityKind, Arg, CheckContext, Country, Field, Finding, Money, Project, RuleId, Rulebook,
    Severity, Subject, check,
};

// ---------------------------------------------------------------------------------------------
// The catalogue's severities

/// Every rule with its severity as the catalogue gives it (`P-DEADLINE` is an error when late
/// and information before the deadline; the table holds the error).
const CATALOGUE: &[(&str, Severity)] = &[
    ("P-DURATION", Severity::Error),
    ("P-START-WINDOW", Severity::Error),
    ("P-DEADLINE", Severity::Error),
    ("P-MAX-PARTICIPANTS", Severity::Error),
    ("P-APPLICANT-COUNTRY", Severity::Error),
    ("P-ACCREDITED", Severity::Error),
    ("P-GRANTS-PER-YEAR", Severity::Error),
    ("P-GRANTS-IN-5-YEARS", Severity::Error),
    ("P-ACTIVITY-IN-PERIOD", Severity::Error),
    ("P-NO-ACTIVITIES", Severity::Warning),
    ("A-KIND-FIELD", Severity::Error),
    ("A-DURATION", Severity::Error),
    ("A-FEWER-OPP-EXCEPTION", Severity::Warning),
    ("A-VENUE-COUNTRY", Severity::Error),
    ("A-INCOMING-FROM-ABROAD", Severity::Error),
    ("A-HOST-RELATED", Severity::Error),
    ("A-TRAVEL-DAYS", Severity::Error),
    ("A-GREEN-TRAVEL", Severity::Warning),
    ("A-DISTANCE-BAND-EDGE", Severity::Warning),
    // mobiplan's own rule: the travel grant cannot be computed.
    ("A-DISTANCE-UNKNOWN", Severity::Warning),
    ("A-EXPENSIVE-TRAVEL", Severity::Error),
    ("A-ACCOMPANYING-FEWER-OPP", Severity::Error),
    ("A-MINOR-ACCOMPANIED", Severity::Warning),
    ("A-PERSON-OVERLAP", Severity::Warning),
    // mobiplan's own rule: a named participant's role fits the activity kind.
    ("A-PARTICIPANT-ROLE", Severity::Error),
    ("G-MIN-LEARNERS", Severity::Error),
    ("G-ACCOMPANIED", Severity::Error),
    ("G-TWO-COUNTRIES", Severity::Error),
    ("G-VENUE", Severity::Error),
    ("C-PERSON-ONCE", Severity::Error),
    ("C-MAX-PER-COURSE", Severity::Error),
    ("C-COURSE-ONCE", Severity::Warning),
    ("C-FEE-DAYS", Severity::Warning),
    ("C-QUALITY", Severity::Info),
    ("J-MENTOR-NAMED", Severity::Error),
    ("J-MENTOR-MAX-2", Severity::Error),
    ("V-MAX-PERSONS", Severity::Error),
    ("V-ONE-PER-HOST", Severity::Error),
    ("V-NOT-FOR-COURSES", Severity::Error),
    ("V-PARTICIPANTS-STAFF", Severity::Error),
    ("V-BEFORE-ACTIVITY", Severity::Warning),
    ("L-RECENT-GRADUATE", Severity::Error),
    ("L-OUTCOMES-RECOGNISED", Severity::Info),
    ("X-REAL-COSTS-JUSTIFIED", Severity::Warning),
    // mobiplan's own rules on implementation tracking (the reported budget).
    ("T-OVER-AWARDED", Severity::Warning),
    ("T-UNDER-USED", Severity::Warning),
    // The application in words (the form's narrative sections).
    ("N-OBJECTIVE-SERVED", Severity::Warning),
    ("N-ACTIVITY-LINKED", Severity::Warning),
    ("N-FIELD-OBJECTIVE", Severity::Warning),
    ("N-LEARNING-OUTCOMES", Severity::Error),
    ("N-TEXT-LIMIT", Severity::Error),
    ("N-SECTION-COMPLETE", Severity::Error),
];

fn catalogue_severity(rule: RuleId) -> Severity {
    CATALOGUE
        .iter()
        .find(|(id, _)| *id == rule.as_str())
        .map(|(_, s)| *s)
        .unwrap_or_else(|| panic!("{rule} is missing from CATALOGUE in tests/rules.rs"))
}

// ---------------------------------------------------------------------------------------------
// The base project and valid activities of every kind

/// A valid SCH project: one teacher job-shadowing a named mentor in Tartu. The checker reports
/// nothing for it but the time left before the deadline (information).
const BASE: &str = r#"
format = 1

[project]
title = "Rule cases"
field = "SCH"
call_year = 2026
round = 1
start = 2026-09-01
duration_months = 12
application_date = 2026-02-12

[applicant]
name = "Rīgas Ziemeļu vidusskola"
country = "LV"

[[people]]
id = "anna"
name = "Anna Bērziņa"
role = "staff"

[[people]]
id = "janis"
name = "Jānis Kalniņš"
role = "staff"

[[people]]
id = "ilze"
name = "Ilze Ozola"
role = "staff"

[[people]]
id = "martins"
name = "Mārtiņš Liepa"
role = "staff"

[[activities]]
id = "shadowing"
kind = "job-shadowing"
start = 2026-11-09
end = 2026-11-13
participants = { names = ["anna"] }
host = { name = "Tartu Forest School", country = "EE" }
travel = { distance_km = 222.68, green = true, means = "bus", days = 2 }
mentor = "Kadri Tamm"
"#;

fn base() -> ProjectFile {
    parse_toml(BASE).expect("the base project parses")
}

fn activity(text: &str) -> file::Activity {
    toml::from_str(text).unwrap_or_else(|e| panic!("test activity does not parse: {e}"))
}

/// Five days of a course for three teachers, counted, in Valencia.
fn course() -> file::Activity {
    activity(
        r#"
id = "course"
kind = "course"
start = 2026-10-05
end = 2026-10-09
participants = { count = 3 }
host = { name = "Valencia Teacher Academy", country = "ES" }
travel = { distance_km = 2630.47, means = "plane", days = 2 }
course = { provider = "Valencia Teacher Academy", title = "Digital tools", quality = ["information", "pedagogy", "european-dimension", "quality-service", "follow-up"] }
"#,
    )
}

/// A week's pupil exchange in Porto: 12 minors, 2 accompanying teachers, 15 host pupils.
fn group() -> file::Activity {
    activity(
        r#"
id = "group"
kind = "group-mobility"
start = 2027-04-12
end = 2027-04-18
participants = { count = 12, minors = 12 }
host = { name = "Porto Riverside School", country = "PT" }
host_learners = 15
travel = { distance_km = 2916.03, means = "plane", days = 2 }
accompanying = [{ count = 2 }]
"#,
    )
}

/// Two pupils for two weeks at a school in Vilnius, accompanied, outcomes recognised.
fn short_term() -> file::Activity {
    activity(
        r#"
id = "short-term"
kind = "short-term-learning"
start = 2027-03-01
end = 2027-03-14
participants = { count = 2, minors = 2 }
host = { name = "Vilnius Lyceum", country = "LT" }
travel = { distance_km = 262.0, green = true, means = "train", days = 2 }
accompanying = [{ count = 1 }]
recognition = "A learning agreement; the host's certificate goes into the pupil's record."
"#,
    )
}

/// Two months for one adult pupil in Lyon.
fn long_term() -> file::Activity {
    activity(
        r#"
id = "long-term"
kind = "long-term-learning"
start = 2027-01-10
end = 2027-03-10
participants = { count = 1 }
host = { name = "Lycée Jean Moulin", country = "FR" }
travel = { distance_km = 1700.0, means = "plane", days = 2 }
recognition = "A learning agreement signed by both schools."
"#,
    )
}

fn teaching() -> file::Activity {
    activity(
        r#"
id = "teaching"
kind = "teaching-assignment"
start = 2027-02-01
end = 2027-02-05
participants = { count = 1 }
host = { name = "Helsinki Normal Lyceum", country = "FI" }
travel = { distance_km = 360.5, means = "plane", days = 2 }
"#,
    )
}

fn expert() -> file::Activity {
    activity(
        r#"
id = "expert"
kind = "invited-expert"
start = 2027-05-03
end = 2027-05-07
participants = { count = 1 }
from = { name = "Berlin Teacher College", country = "DE" }
travel = { distance_km = 843.0, means = "plane", days = 2 }
"#,
    )
}

fn trainee() -> file::Activity {
    activity(
        r#"
id = "trainee"
kind = "hosting-teacher-in-training"
start = 2027-03-01
end = 2027-03-26
participants = { count = 1 }
from = { name = "University of Tartu", country = "EE" }
"#,
    )
}

/// VET only.
fn skills() -> file::Activity {
    activity(
        r#"
id = "skills"
kind = "skills-competition"
start = 2026-09-14
end = 2026-09-18
participants = { count = 2 }
host = { name = "EuroSkills Gdańsk", country = "PL" }
travel = { distance_km = 640.0, green = true, means = "bus", days = 2 }
"#,
    )
}

/// A two-day visit to Porto in January preparing `prepares`.
fn visit(prepares: &str) -> file::PreparatoryVisit {
    let mut v: file::PreparatoryVisit = toml::from_str(
        r#"
id = "visit"
prepares = "group"
start = 2027-01-21
end = 2027-01-22
host = { name = "Porto Riverside School", country = "PT" }
persons = { names = ["martins"] }
"#,
    )
    .expect("test visit parses");
    v.prepares = prepares.into();
    v
}

fn person(id: &str, name: &str, role: &str) -> file::Person {
    toml::from_str(&format!(
        "id = \"{id}\"\nname = \"{name}\"\nrole = \"{role}\""
    ))
    .expect("test person parses")
}

fn named(ids: &[&str]) -> file::Participants {
    file::Participants {
        names: Some(ids.iter().map(|s| s.to_string()).collect()),
        ..Default::default()
    }
}

fn counted(n: u32) -> file::Participants {
    file::Participants {
        count: Some(n),
        ..Default::default()
    }
}

fn accompanying(text: &str) -> Vec<file::Accompanying> {
    #[derive(serde::Deserialize)]
    struct A {
        a: Vec<file::Accompanying>,
    }
    toml::from_str::<A>(&format!("a = {text}"))
        .expect("test accompanying parses")
        .a
}

fn grant(field: Field, call_year: u16) -> file::EarlierGrant {
    file::EarlierGrant {
        field,
        call_year,
        round: 1,
    }
}

fn travel(a: &mut file::Activity) -> &mut file::Travel {
    a.travel.get_or_insert_with(Default::default)
}

fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("a test date")
}

fn date(text: &str) -> Date {
    Date(day(text))
}

fn moment(text: &str) -> Option<Moment> {
    Some(Moment::parse(text).expect("a test moment"))
}

// ---------------------------------------------------------------------------------------------
// Running the checker and reading its findings

fn run(f: ProjectFile) -> Vec<Finding> {
    run_at(f, None)
}

fn run_at(f: ProjectFile, now: Option<&str>) -> Vec<Finding> {
    let project = Project::from_file(f).unwrap_or_else(|e| panic!("test project is invalid: {e}"));
    let rb = Rulebook::embedded(2026).expect("the 2026 rulebook loads");
    let ctx = CheckContext {
        now: now.map(|t| DateTime::parse_from_rfc3339(t).expect("a test time")),
    };
    check(&project, &rb, &ctx)
}

fn int(n: i64) -> Arg {
    Arg::Int(n)
}
fn text(t: &str) -> Arg {
    Arg::Text(t.into())
}
fn on_date(t: &str) -> Arg {
    Arg::Date(day(t))
}
fn eur(t: &str) -> Arg {
    Arg::Money(Money::parse_euros(t).expect("a test amount"))
}
fn km(hundredths: u64) -> Arg {
    Arg::Km(Km100(hundredths))
}
fn country(c: &str) -> Arg {
    Arg::Country(Country::parse(c).expect("a test country"))
}
fn list(items: &[&str]) -> Arg {
    Arg::List(items.iter().map(|s| s.to_string()).collect())
}

fn project() -> Subject {
    Subject::Project
}
fn on_activity(index: usize, id: &str) -> Subject {
    Subject::Activity {
        index,
        id: id.into(),
    }
}
fn on_visit(index: usize, id: &str) -> Subject {
    Subject::Visit {
        index,
        id: id.into(),
    }
}
fn on_person(id: &str) -> Subject {
    Subject::Person { id: id.into() }
}

fn all(out: &[Finding], rule: RuleId) -> Vec<&Finding> {
    out.iter().filter(|f| f.rule == rule).collect()
}

/// Asserts that `rule` fired exactly once, with the catalogue's severity, the message key of
/// `variant`, the subject, the field to fix and (at least) the given arguments.
#[track_caller]
fn fired<'a>(
    out: &'a [Finding],
    rule: RuleId,
    variant: Option<&str>,
    subject: Subject,
    field: &str,
    args: &[(&str, Arg)],
) -> &'a Finding {
    fired_as(
        out,
        rule,
        catalogue_severity(rule),
        variant,
        subject,
        field,
        args,
    )
}

#[track_caller]
fn fired_as<'a>(
    out: &'a [Finding],
    rule: RuleId,
    severity: Severity,
    variant: Option<&str>,
    subject: Subject,
    field: &str,
    args: &[(&str, Arg)],
) -> &'a Finding {
    let hits = all(out, rule);
    assert_eq!(
        hits.len(),
        1,
        "expected exactly one {rule} finding; all findings: {out:#?}"
    );
    let f = hits[0];
    assert_eq!(f.severity, severity, "severity of {f:#?}");
    let key = match variant {
        Some(v) => format!("finding.{rule}.{v}"),
        None => format!("finding.{rule}"),
    };
    assert_eq!(f.key, key, "message key of {f:#?}");
    assert_eq!(f.subject, subject, "subject of {f:#?}");
    assert_eq!(f.field.as_deref(), Some(field), "field to fix of {f:#?}");
    for (name, value) in args {
        let actual = f.arg(name).map(by_id);
        assert_eq!(actual.as_ref(), Some(value), "argument {name} of {f:#?}");
    }
    f
}

/// An activity argument as the tests write it: by its id (people read its title).
fn by_id(a: &Arg) -> Arg {
    match a {
        Arg::Activity(x) => Arg::Text(x.id.clone()),
        Arg::Activities(l) => Arg::List(l.iter().map(|x| x.id.to_string()).collect()),
        other => other.clone(),
    }
}

#[track_caller]
fn silent(out: &[Finding], rule: RuleId) {
    let hits = all(out, rule);
    assert!(hits.is_empty(), "expected no {rule} finding, got {hits:#?}");
}

/// No error and no warning at all (information is allowed).
#[track_caller]
fn clean(out: &[Finding]) {
    let bad: Vec<_> = out.iter().filter(|f| f.severity > Severity::Info).collect();
    assert!(bad.is_empty(), "expected no error or warning, got {bad:#?}");
}

// ---------------------------------------------------------------------------------------------
// The shared valid cases

/// The findings about the plan, without the information that its application in words is
/// not started (the base project has no `[application]`: see N-SECTION-COMPLETE below).
fn plan_findings(out: Vec<Finding>) -> Vec<Finding> {
    out.into_iter()
        .filter(|f| !(f.rule == RuleId::NSectionComplete && f.severity == Severity::Info))
        .collect()
}

#[test]
fn the_base_project_breaks_no_rule_and_only_shows_the_time_left() {
    let out = plan_findings(run(base()));
    assert_eq!(out.len(), 1, "{out:#?}");
    assert_eq!(out[0].rule, RuleId::PDeadline);
    assert_eq!(out[0].severity, Severity::Info);
}

#[test]
fn one_valid_activity_of_every_kind_and_a_visit_break_no_rule() {
    let mut f = base();
    f.activities.extend([
        course(),
        group(),
        short_term(),
        long_term(),
        teaching(),
        expert(),
        trainee(),
    ]);
    f.preparatory_visits.push(visit("group"));
    let out = run(f);
    clean(&out);
    // Information only: the time left before the deadline.
    assert_eq!(plan_findings(out).len(), 1);
}

#[test]
fn a_valid_vet_project_with_a_skills_competition_breaks_no_rule() {
    let mut f = base();
    f.project.field = Field::VET;
    f.activities.push(skills());
    clean(&run(f));
}

#[test]
fn the_riga_school_example_reports_only_the_deadline_information() {
    let text = include_str!("../../../examples/sch-riga-school.toml");
    let project = Project::from_toml(text).expect("the example parses");
    let rb = Rulebook::embedded(2026).unwrap();
    let out = check(&project, &rb, &CheckContext::default());
    assert_eq!(out.len(), 1, "{out:#?}");
    assert_eq!(out[0].rule, RuleId::PDeadline);
    assert_eq!(out[0].severity, Severity::Info);
    assert_eq!(out[0].key, "finding.P-DEADLINE.in-time");
}

// ---------------------------------------------------------------------------------------------
// P-DURATION: "project lasts 6 to 18 months"

#[test]
fn a_project_of_19_months_breaks_p_duration() {
    let mut f = base();
    f.project.duration_months = 19;
    let out = run(f);
    fired(
        &out,
        RuleId::PDuration,
        None,
        project(),
        "project.duration_months",
        &[("months", int(19)), ("min", int(6)), ("max", int(18))],
    );
}

#[test]
fn a_project_of_5_months_breaks_p_duration() {
    let mut f = base();
    f.project.duration_months = 5;
    let out = run(f);
    fired(
        &out,
        RuleId::PDuration,
        None,
        project(),
        "project.duration_months",
        &[("months", int(5)), ("min", int(6))],
    );
}

#[test]
fn projects_of_exactly_6_and_exactly_18_months_meet_p_duration() {
    for months in [6, 18] {
        let mut f = base();
        f.project.duration_months = months;
        clean(&run(f));
    }
}

// ---------------------------------------------------------------------------------------------
// P-START-WINDOW: "project starts between 2026-06-01 and 2026-12-31 (round 1)"

#[test]
fn a_project_starting_on_31_may_breaks_p_start_window() {
    let mut f = base();
    f.project.start = date("2026-05-31");
    let out = run(f);
    fired(
        &out,
        RuleId::PStartWindow,
        None,
        project(),
        "project.start",
        &[
            ("start", on_date("2026-05-31")),
            ("from", on_date("2026-06-01")),
            ("to", on_date("2026-12-31")),
        ],
    );
}

#[test]
fn a_project_starting_on_1_january_of_the_next_year_breaks_p_start_window() {
    let mut f = base();
    f.project.start = date("2027-01-01");
    f.activities[0].start = date("2027-01-11");
    f.activities[0].end = date("2027-01-15");
    let out = run(f);
    fired(
        &out,
        RuleId::PStartWindow,
        None,
        project(),
        "project.start",
        &[
            ("start", on_date("2027-01-01")),
            ("to", on_date("2026-12-31")),
        ],
    );
}

#[test]
fn projects_starting_on_1_june_and_on_31_december_meet_p_start_window() {
    for start in ["2026-06-01", "2026-12-31"] {
        let mut f = base();
        f.project.start = date(start);
        f.activities[0].start = date("2027-02-08");
        f.activities[0].end = date("2027-02-12");
        clean(&run(f));
    }
}

#[test]
fn a_round_the_rulebook_does_not_have_breaks_p_start_window_with_no_round() {
    let mut f = base();
    f.project.round = 2;
    let out = run(f);
    fired(
        &out,
        RuleId::PStartWindow,
        Some("no-round"),
        project(),
        "project.round",
        &[("round", int(2)), ("year", int(2026))],
    );
    // Without a round there is no deadline to compare with.
    silent(&out, RuleId::PDeadline);
}

// ---------------------------------------------------------------------------------------------
// P-DEADLINE: "application deadline 2026-02-19 12:00 Europe/Brussels; an application dated
// later is not eligible; before it, show the time left"

const DEADLINE: &str = "2026-02-19 12:00 (UTC+01:00)";

#[test]
fn an_application_submitted_one_minute_after_noon_breaks_p_deadline_as_late() {
    let mut f = base();
    f.project.application_date = moment("2026-02-19T12:01:00+01:00");
    let out = run(f);
    fired(
        &out,
        RuleId::PDeadline,
        Some("late"),
        project(),
        "project.application_date",
        &[("deadline", text(DEADLINE))],
    );
}

#[test]
fn an_application_submitted_exactly_at_noon_meets_p_deadline_with_zero_days_left() {
    let mut f = base();
    f.project.application_date = moment("2026-02-19T12:00:00+01:00");
    let out = run(f);
    fired_as(
        &out,
        RuleId::PDeadline,
        Severity::Info,
        Some("in-time"),
        project(),
        "project.application_date",
        &[("deadline", text(DEADLINE)), ("days", int(0))],
    );
}

#[test]
fn p_deadline_compares_instants_not_clock_readings_across_time_zones() {
    // 12:30 in Riga (UTC+2) is 11:30 in Brussels: in time.
    let mut f = base();
    f.project.application_date = moment("2026-02-19T12:30:00+02:00");
    let out = run(f);
    assert_eq!(all(&out, RuleId::PDeadline)[0].severity, Severity::Info);
    // 11:01 UTC is 12:01 in Brussels: late.
    let mut f = base();
    f.project.application_date = moment("2026-02-19T11:01:00Z");
    let out = run(f);
    assert_eq!(
        all(&out, RuleId::PDeadline)[0].key,
        "finding.P-DEADLINE.late"
    );
}

#[test]
fn an_application_dated_the_day_after_the_deadline_breaks_p_deadline() {
    let mut f = base();
    f.project.application_date = moment("2026-02-20");
    let out = run(f);
    fired(
        &out,
        RuleId::PDeadline,
        Some("late"),
        project(),
        "project.application_date",
        &[("deadline", text(DEADLINE))],
    );
}

#[test]
fn an_application_dated_a_week_early_meets_p_deadline_and_shows_the_days_left() {
    // The base project is dated 2026-02-12: seven days and twelve hours before the deadline.
    let out = run(base());
    fired_as(
        &out,
        RuleId::PDeadline,
        Severity::Info,
        Some("in-time"),
        project(),
        "project.application_date",
        &[("deadline", text(DEADLINE)), ("days", int(7))],
    );
}

#[test]
fn without_an_application_date_a_clock_past_the_deadline_breaks_p_deadline_as_passed() {
    let mut f = base();
    f.project.application_date = None;
    let out = run_at(f, Some("2026-02-19T12:01:00+01:00"));
    fired(
        &out,
        RuleId::PDeadline,
        Some("passed"),
        project(),
        "project.application_date",
        &[("deadline", text(DEADLINE))],
    );
}

#[test]
fn without_an_application_date_a_clock_before_the_deadline_shows_p_deadline_time_left() {
    let mut f = base();
    f.project.application_date = None;
    let out = run_at(f, Some("2026-02-09T12:00:00+01:00"));
    fired_as(
        &out,
        RuleId::PDeadline,
        Severity::Info,
        Some("time-left"),
        project(),
        "project.application_date",
        &[("deadline", text(DEADLINE)), ("days", int(10))],
    );
}

#[test]
fn without_an_application_date_or_a_clock_p_deadline_says_nothing() {
    let mut f = base();
    f.project.application_date = None;
    silent(&run(f), RuleId::PDeadline);
}

// ---------------------------------------------------------------------------------------------
// P-MAX-PARTICIPANTS: "at most 30 participants in mobility activities. Each participation
// counts … Accompanying persons and preparatory-visit participants are not counted."

fn group_of(n: u32) -> file::Activity {
    let mut g = group();
    g.participants.count = Some(n);
    g.participants.minors = Some(n);
    g
}

#[test]
fn a_31st_participant_breaks_p_max_participants() {
    let mut f = base();
    f.activities.push(group_of(30));
    let out = run(f);
    fired(
        &out,
        RuleId::PMaxParticipants,
        None,
        project(),
        "activities",
        &[("count", int(31)), ("max", int(30))],
    );
}

#[test]
fn exactly_30_participants_with_accompanying_persons_and_visitors_meet_p_max_participants() {
    let mut f = base();
    let mut g = group_of(29);
    g.accompanying = accompanying("[{ count = 3 }]");
    f.activities.push(g);
    let mut v = visit("group");
    v.persons = named(&["janis", "ilze", "martins"]);
    f.preparatory_visits.push(v);
    clean(&run(f));
}

#[test]
fn one_teacher_travelling_twice_counts_twice_towards_p_max_participants() {
    let mut f = base();
    f.activities.push(group_of(28));
    let mut t = teaching();
    t.participants = named(&["anna"]);
    f.activities.push(t);
    clean(&run(f.clone()));
    f.activities[2].participants = named(&["anna", "janis"]);
    let out = run(f);
    fired(
        &out,
        RuleId::PMaxParticipants,
        None,
        project(),
        "activities",
        &[("count", int(31)), ("max", int(30))],
    );
}

#[test]
fn an_invited_expert_counts_towards_p_max_participants_provisionally() {
    let mut f = base();
    f.activities.push(group_of(29));
    f.activities.push(expert());
    let out = run(f);
    let finding = fired(
        &out,
        RuleId::PMaxParticipants,
        None,
        project(),
        "activities",
        &[("count", int(31))],
    );
    // Whether experts count is an open point of the catalogue: the finding says so.
    assert_eq!(finding.confidence, mobiplan_core::Confidence::P);
}

// ---------------------------------------------------------------------------------------------
// P-APPLICANT-COUNTRY: "applicant established in an EU Member State or a third country
// associated to the programme"

#[test]
fn a_swiss_applicant_breaks_p_applicant_country() {
    let mut f = base();
    f.applicant.country = Country::parse("CH").unwrap();
    let out = run(f);
    fired(
        &out,
        RuleId::PApplicantCountry,
        None,
        project(),
        "applicant.country",
        &[("country", country("CH"))],
    );
}

#[test]
fn applicants_in_associated_third_countries_meet_p_applicant_country() {
    for c in ["TR", "NO", "RS"] {
        let mut f = base();
        f.applicant.country = Country::parse(c).unwrap();
        clean(&run(f));
    }
}

// ---------------------------------------------------------------------------------------------
// P-ACCREDITED: "an organisation holding an Erasmus accreditation in the same field cannot
// apply for KA122 in that field"

#[test]
fn an_applicant_accredited_in_school_education_breaks_p_accredited() {
    let mut f = base();
    f.applicant.accreditations = vec![Field::VET, Field::SCH];
    let out = run(f);
    fired(
        &out,
        RuleId::PAccredited,
        None,
        project(),
        "applicant.accreditations",
        &[("field", Arg::Field(Field::SCH))],
    );
}

#[test]
fn an_accreditation_in_another_field_meets_p_accredited() {
    let mut f = base();
    f.applicant.accreditations = vec![Field::VET, Field::ADU];
    clean(&run(f));
}

// ---------------------------------------------------------------------------------------------
// P-GRANTS-PER-YEAR: "at most one KA122 grant per field per call year (a round-1 grantee
// cannot apply in round 2)"

#[test]
fn a_second_school_grant_in_call_2026_breaks_p_grants_per_year() {
    let mut f = base();
    f.applicant.earlier_grants = vec![grant(Field::SCH, 2026)];
    let out = run(f);
    fired(
        &out,
        RuleId::PGrantsPerYear,
        None,
        project(),
        "applicant.earlier_grants",
        &[
            ("field", Arg::Field(Field::SCH)),
            ("year", int(2026)),
            ("max", int(1)),
        ],
    );
}

#[test]
fn a_grant_last_year_or_in_another_field_this_year_meets_p_grants_per_year() {
    let mut f = base();
    f.applicant.earlier_grants = vec![grant(Field::SCH, 2025), grant(Field::VET, 2026)];
    clean(&run(f));
}

// ---------------------------------------------------------------------------------------------
// P-GRANTS-IN-5-YEARS: "at most 3 KA122 grants per field within any 5 consecutive call years,
// this application included"

#[test]
fn three_earlier_grants_since_2022_break_p_grants_in_5_years() {
    let mut f = base();
    f.applicant.earlier_grants = vec![
        grant(Field::SCH, 2022),
        grant(Field::SCH, 2023),
        grant(Field::SCH, 2025),
    ];
    let out = run(f);
    fired(
        &out,
        RuleId::PGrantsIn5Years,
        None,
        project(),
        "applicant.earlier_grants",
        &[
            ("count", int(4)),
            ("from", int(2022)),
            ("to", int(2026)),
            ("max", int(3)),
        ],
    );
}

#[test]
fn a_grant_in_2021_falls_outside_the_window_of_p_grants_in_5_years() {
    let mut f = base();
    f.applicant.earlier_grants = vec![
        grant(Field::SCH, 2021),
        grant(Field::SCH, 2023),
        grant(Field::SCH, 2025),
        grant(Field::VET, 2024),
    ];
    clean(&run(f));
}

// ---------------------------------------------------------------------------------------------
// P-ACTIVITY-IN-PERIOD: "every activity, travel days included, lies within the project's start
// and end dates"

#[test]
fn a_travel_day_before_the_project_starts_breaks_p_activity_in_period() {
    let mut f = base();
    // Two travel days: one the day before the activity (before the project), one after it.
    f.activities[0].start = date("2026-09-01");
    f.activities[0].end = date("2026-09-04");
    let out = run(f);
    fired(
        &out,
        RuleId::PActivityInPeriod,
        None,
        on_activity(0, "shadowing"),
        "activities[0].start",
        &[
            ("first", on_date("2026-08-31")),
            ("start", on_date("2026-09-01")),
        ],
    );
}

#[test]
fn a_travel_day_after_the_project_ends_breaks_p_activity_in_period_at_the_end_date() {
    let mut f = base();
    // The project ends on 2027-08-31; the return travel day falls on 2027-09-01.
    f.activities[0].start = date("2027-08-25");
    f.activities[0].end = date("2027-08-31");
    let out = run(f);
    fired(
        &out,
        RuleId::PActivityInPeriod,
        None,
        on_activity(0, "shadowing"),
        "activities[0].end",
        &[
            ("last", on_date("2027-09-01")),
            ("end", on_date("2027-08-31")),
        ],
    );
}

#[test]
fn a_departure_date_before_the_project_breaks_p_activity_in_period_at_the_departure() {
    let mut f = base();
    f.activities[0].start = date("2026-09-02");
    f.activities[0].end = date("2026-09-05");
    travel(&mut f.activities[0]).departure = Some(date("2026-08-30"));
    let out = run(f);
    fired(
        &out,
        RuleId::PActivityInPeriod,
        None,
        on_activity(0, "shadowing"),
        "activities[0].travel.departure",
        &[("first", on_date("2026-08-30"))],
    );
}

#[test]
fn a_return_date_after_the_project_breaks_p_activity_in_period_at_the_return_date() {
    let mut f = base();
    f.activities[0].start = date("2027-08-24");
    f.activities[0].end = date("2027-08-28");
    travel(&mut f.activities[0]).return_date = Some(date("2027-09-02"));
    let out = run(f);
    fired(
        &out,
        RuleId::PActivityInPeriod,
        None,
        on_activity(0, "shadowing"),
        "activities[0].travel.return_date",
        &[
            ("last", on_date("2027-09-02")),
            ("end", on_date("2027-08-31")),
        ],
    );
}

#[test]
fn travel_days_on_the_first_and_last_project_days_meet_p_activity_in_period() {
    let mut f = base();
    f.activities[0].start = date("2026-09-02");
    f.activities[0].end = date("2026-09-05");
    let mut t = teaching();
    t.start = date("2027-08-25");
    t.end = date("2027-08-30");
    f.activities.push(t);
    clean(&run(f));
}

// ---------------------------------------------------------------------------------------------
// P-NO-ACTIVITIES: "a project with no mobility activity"

#[test]
fn a_project_without_activities_breaks_p_no_activities() {
    let mut f = base();
    f.activities.clear();
    let out = run(f);
    fired(
        &out,
        RuleId::PNoActivities,
        None,
        project(),
        "activities",
        &[],
    );
}

#[test]
fn a_project_with_one_activity_meets_p_no_activities() {
    silent(&run(base()), RuleId::PNoActivities);
}

// ---------------------------------------------------------------------------------------------
// A-KIND-FIELD: "the activity kind exists in the project's field (skills competitions: VET
// only)"

#[test]
fn a_skills_competition_in_a_school_project_breaks_a_kind_field() {
    let mut f = base();
    f.activities.push(skills());
    let out = run(f);
    fired(
        &out,
        RuleId::AKindField,
        None,
        on_activity(1, "skills"),
        "activities[1].kind",
        &[
            ("kind", Arg::Kind(ActivityKind::SkillsCompetition)),
            ("field", Arg::Field(Field::SCH)),
        ],
    );
    // A kind that does not exist in the field has no duration limits to check.
    silent(&out, RuleId::ADuration);
}

#[test]
fn a_skills_competition_in_a_vet_project_meets_a_kind_field() {
    let mut f = base();
    f.project.field = Field::VET;
    f.activities.push(skills());
    silent(&run(f), RuleId::AKindField);
}

// ---------------------------------------------------------------------------------------------
// A-DURATION: "days within the table above for field × kind"

#[test]
fn an_11_day_course_breaks_a_duration() {
    let mut f = base();
    let mut c = course();
    c.end = date("2026-10-15");
    f.activities.push(c);
    let out = run(f);
    fired(
        &out,
        RuleId::ADuration,
        None,
        on_activity(1, "course"),
        "activities[1].end",
        &[
            ("kind", Arg::Kind(ActivityKind::Course)),
            ("field", Arg::Field(Field::SCH)),
            ("days", int(11)),
            ("min", int(2)),
            ("max", int(10)),
        ],
    );
}

#[test]
fn a_one_day_job_shadowing_breaks_a_duration() {
    let mut f = base();
    f.activities[0].end = f.activities[0].start;
    let out = run(f);
    fired(
        &out,
        RuleId::ADuration,
        None,
        on_activity(0, "shadowing"),
        "activities[0].end",
        &[("days", int(1)), ("min", int(2)), ("max", int(60))],
    );
}

#[test]
fn courses_of_2_and_10_days_meet_a_duration() {
    for end in ["2026-10-06", "2026-10-14"] {
        let mut f = base();
        let mut c = course();
        c.end = date(end);
        f.activities.push(c);
        clean(&run(f));
    }
}

#[test]
fn a_29_day_long_term_pupil_mobility_breaks_a_duration_and_30_days_meet_it() {
    let mut f = base();
    let mut l = long_term();
    l.start = date("2027-01-10");
    l.end = date("2027-02-07");
    f.activities.push(l);
    let out = run(f.clone());
    fired(
        &out,
        RuleId::ADuration,
        None,
        on_activity(1, "long-term"),
        "activities[1].end",
        &[("days", int(29)), ("min", int(30)), ("max", int(365))],
    );
    f.activities[1].end = date("2027-02-08");
    clean(&run(f));
}

#[test]
fn a_90_day_vet_short_term_learner_mobility_breaks_a_duration_and_89_days_meet_it() {
    let mut f = base();
    f.project.field = Field::VET;
    let mut s = short_term();
    s.participants = counted(2);
    s.accompanying.clear();
    s.start = date("2027-03-01");
    s.end = date("2027-05-29");
    f.activities.push(s);
    let out = run(f.clone());
    fired(
        &out,
        RuleId::ADuration,
        None,
        on_activity(1, "short-term"),
        "activities[1].end",
        &[
            ("field", Arg::Field(Field::VET)),
            ("days", int(90)),
            ("max", int(89)),
        ],
    );
    f.activities[1].end = date("2027-05-28");
    clean(&run(f));
}

#[test]
fn a_short_pupil_mobility_with_only_some_pupils_flagged_breaks_a_duration_exception_not_all() {
    let mut f = base();
    let mut s = short_term();
    s.end = date("2027-03-09"); // 9 days; the usual minimum is 10
    s.participants.fewer_opportunities = Some(1);
    s.fewer_opportunities_justification = Some("Two pupils with a disability.".into());
    f.activities.push(s);
    let out = run(f);
    fired(
        &out,
        RuleId::ADuration,
        Some("exception-not-all"),
        on_activity(1, "short-term"),
        "activities[1].end",
        &[
            ("days", int(9)),
            ("min", int(10)),
            ("exception_min", int(2)),
            ("flagged", int(1)),
            ("count", int(2)),
        ],
    );
    silent(&out, RuleId::AFewerOppException);
}

#[test]
fn a_10_day_pupil_mobility_meets_a_duration_without_the_exception() {
    let mut f = base();
    let mut s = short_term();
    s.end = date("2027-03-10");
    f.activities.push(s);
    let out = run(f);
    clean(&out);
    silent(&out, RuleId::AFewerOppException);
}

#[test]
fn a_one_day_pupil_mobility_breaks_a_duration_even_with_the_exception() {
    let mut f = base();
    let mut s = short_term();
    s.end = s.start;
    s.participants.fewer_opportunities = Some(2);
    s.fewer_opportunities_justification = Some("Both pupils have fewer opportunities.".into());
    f.activities.push(s);
    let out = run(f);
    fired(
        &out,
        RuleId::ADuration,
        None,
        on_activity(1, "short-term"),
        "activities[1].end",
        &[("days", int(1)), ("min", int(10))],
    );
}

// ---------------------------------------------------------------------------------------------
// A-FEWER-OPP-EXCEPTION: "a short-term learner activity below the usual minimum relies on the
// fewer-opportunities exception: every participant in it must be flagged and a justification
// given"

#[test]
fn a_short_mobility_of_flagged_pupils_without_a_justification_breaks_a_fewer_opp_exception() {
    let mut f = base();
    let mut s = short_term();
    s.end = date("2027-03-05"); // 5 days
    s.participants.fewer_opportunities = Some(2);
    f.activities.push(s);
    let out = run(f);
    fired(
        &out,
        RuleId::AFewerOppException,
        None,
        on_activity(1, "short-term"),
        "activities[1].fewer_opportunities_justification",
        &[
            ("days", int(5)),
            ("min", int(10)),
            ("exception_min", int(2)),
        ],
    );
    silent(&out, RuleId::ADuration);
}

#[test]
fn a_two_day_mobility_of_flagged_named_pupils_with_a_justification_meets_a_fewer_opp_exception() {
    let mut f = base();
    for (id, name) in [("karlis", "Kārlis Zariņš"), ("liga", "Līga Eglīte")] {
        let mut p = person(id, name, "learner");
        p.fewer_opportunities = true;
        p.minor = true;
        f.people.push(p);
    }
    let mut s = short_term();
    s.end = date("2027-03-02"); // 2 days: the exception's minimum
    s.participants = named(&["karlis", "liga"]);
    s.fewer_opportunities_justification =
        Some("Both pupils have a chronic illness; two weeks abroad are not possible.".into());
    f.activities.push(s);
    let out = run(f);
    clean(&out);
    silent(&out, RuleId::AFewerOppException);
}

// ---------------------------------------------------------------------------------------------
// A-VENUE-COUNTRY: "outgoing activities take place in an eligible country other than the
// applicant's; invited-expert and hosting-teacher-in-training take place at the applicant"

#[test]
fn a_job_shadowing_at_home_in_latvia_breaks_a_venue_country_home() {
    let mut f = base();
    f.activities[0].host.as_mut().unwrap().country = Country::parse("LV").unwrap();
    let out = run(f);
    fired(
        &out,
        RuleId::AVenueCountry,
        Some("home"),
        on_activity(0, "shadowing"),
        "activities[0].host.country",
        &[("country", country("LV")), ("home", country("LV"))],
    );
}

#[test]
fn a_job_shadowing_in_switzerland_breaks_a_venue_country_ineligible() {
    let mut f = base();
    f.activities[0].host.as_mut().unwrap().country = Country::parse("CH").unwrap();
    let out = run(f);
    fired(
        &out,
        RuleId::AVenueCountry,
        Some("ineligible"),
        on_activity(0, "shadowing"),
        "activities[0].host.country",
        &[("country", country("CH")), ("home", country("LV"))],
    );
}

#[test]
fn an_invited_expert_hosted_abroad_breaks_a_venue_country_incoming() {
    let mut f = base();
    let mut e = expert();
    e.host = Some(toml::from_str("name = \"Tallinn office\"\ncountry = \"EE\"").unwrap());
    f.activities.push(e);
    let out = run(f);
    fired(
        &out,
        RuleId::AVenueCountry,
        Some("incoming"),
        on_activity(1, "expert"),
        "activities[1].host.country",
        &[("country", country("EE")), ("home", country("LV"))],
    );
}

#[test]
fn a_host_in_norway_and_an_expert_at_the_applicant_meet_a_venue_country() {
    let mut f = base();
    f.activities[0].host.as_mut().unwrap().country = Country::parse("NO").unwrap();
    let mut e = expert();
    e.host = Some(toml::from_str("name = \"Our school\"\ncountry = \"LV\"").unwrap());
    f.activities.push(e);
    clean(&run(f));
}

// ---------------------------------------------------------------------------------------------
// A-INCOMING-FROM-ABROAD: "an invited expert or hosted trainee teacher comes from another
// eligible country than the applicant's"

#[test]
fn an_invited_expert_from_latvia_breaks_a_incoming_from_abroad() {
    let mut f = base();
    let mut e = expert();
    e.from.as_mut().unwrap().country = Country::parse("LV").unwrap();
    f.activities.push(e);
    let out = run(f);
    fired(
        &out,
        RuleId::AIncomingFromAbroad,
        None,
        on_activity(1, "expert"),
        "activities[1].from.country",
        &[("country", country("LV")), ("home", country("LV"))],
    );
}

#[test]
fn a_trainee_teacher_from_ukraine_breaks_a_incoming_from_abroad() {
    let mut f = base();
    let mut t = trainee();
    t.from.as_mut().unwrap().country = Country::parse("UA").unwrap();
    f.activities.push(t);
    let out = run(f);
    fired(
        &out,
        RuleId::AIncomingFromAbroad,
        None,
        on_activity(1, "trainee"),
        "activities[1].from.country",
        &[("country", country("UA")), ("home", country("LV"))],
    );
}

#[test]
fn an_expert_from_iceland_meets_a_incoming_from_abroad() {
    let mut f = base();
    let mut e = expert();
    e.from.as_mut().unwrap().country = Country::parse("IS").unwrap();
    f.activities.push(e);
    silent(&run(f), RuleId::AIncomingFromAbroad);
}

// ---------------------------------------------------------------------------------------------
// A-HOST-RELATED: "the hosting organisation may not be a subsidiary or other entity related to
// the sending organisation"

#[test]
fn a_host_related_to_the_sender_breaks_a_host_related() {
    let mut f = base();
    f.activities[0].host.as_mut().unwrap().related_to_sender = true;
    let out = run(f);
    fired(
        &out,
        RuleId::AHostRelated,
        None,
        on_activity(0, "shadowing"),
        "activities[0].host.related_to_sender",
        &[("host", text("Tartu Forest School"))],
    );
}

#[test]
fn an_independent_host_meets_a_host_related() {
    silent(&run(base()), RuleId::AHostRelated);
}

// ---------------------------------------------------------------------------------------------
// A-TRAVEL-DAYS: "funded travel days at most 2, or at most 6 with green travel"

#[test]
fn three_standard_travel_days_break_a_travel_days_standard() {
    let mut f = base();
    let t = travel(&mut f.activities[0]);
    t.green = false;
    t.means = Some(Means::Plane);
    t.days = 3;
    let out = run(f);
    fired(
        &out,
        RuleId::ATravelDays,
        Some("standard"),
        on_activity(0, "shadowing"),
        "activities[0].travel.days",
        &[("days", int(3)), ("max", int(2))],
    );
}

#[test]
fn seven_green_travel_days_break_a_travel_days_green() {
    let mut f = base();
    travel(&mut f.activities[0]).days = 7;
    let out = run(f);
    fired(
        &out,
        RuleId::ATravelDays,
        Some("green"),
        on_activity(0, "shadowing"),
        "activities[0].travel.days",
        &[("days", int(7)), ("max", int(6))],
    );
}

#[test]
fn two_standard_and_six_green_travel_days_meet_a_travel_days() {
    let mut f = base();
    travel(&mut f.activities[0]).days = 6;
    f.activities.push(course()); // plane, 2 days
    clean(&run(f));
}

// ---------------------------------------------------------------------------------------------
// A-GREEN-TRAVEL: "green travel needs a sustainable main means of transport (train, bus,
// car-sharing, bike, …); 'other sustainable transport' needs a description of at most 300
// characters"

#[test]
fn green_travel_without_a_means_breaks_a_green_travel_no_means() {
    let mut f = base();
    travel(&mut f.activities[0]).means = None;
    let out = run(f);
    fired(
        &out,
        RuleId::AGreenTravel,
        Some("no-means"),
        on_activity(0, "shadowing"),
        "activities[0].travel.means",
        &[],
    );
}

#[test]
fn green_travel_by_plane_breaks_a_green_travel_not_sustainable() {
    let mut f = base();
    travel(&mut f.activities[0]).means = Some(Means::Plane);
    let out = run(f);
    fired(
        &out,
        RuleId::AGreenTravel,
        Some("not-sustainable"),
        on_activity(0, "shadowing"),
        "activities[0].travel.means",
        &[("means", text("plane"))],
    );
}

#[test]
fn green_travel_by_a_private_car_breaks_a_green_travel_not_sustainable() {
    let mut f = base();
    travel(&mut f.activities[0]).means = Some(Means::Car);
    let out = run(f);
    fired(
        &out,
        RuleId::AGreenTravel,
        Some("not-sustainable"),
        on_activity(0, "shadowing"),
        "activities[0].travel.means",
        &[("means", text("car"))],
    );
}

#[test]
fn other_sustainable_transport_without_a_description_breaks_a_green_travel_description() {
    let mut f = base();
    travel(&mut f.activities[0]).means = Some(Means::OtherSustainable);
    let out = run(f);
    fired(
        &out,
        RuleId::AGreenTravel,
        Some("description"),
        on_activity(0, "shadowing"),
        "activities[0].travel.means_description",
        &[("length", int(0)), ("max", int(300))],
    );
}

#[test]
fn a_301_character_description_breaks_a_green_travel_description() {
    let mut f = base();
    let t = travel(&mut f.activities[0]);
    t.means = Some(Means::OtherSustainable);
    t.means_description = Some("ā".repeat(301));
    let out = run(f);
    fired(
        &out,
        RuleId::AGreenTravel,
        Some("description"),
        on_activity(0, "shadowing"),
        "activities[0].travel.means_description",
        &[("length", int(301)), ("max", int(300))],
    );
}

#[test]
fn a_300_character_description_and_green_trains_and_bikes_meet_a_green_travel() {
    let mut f = base();
    let t = travel(&mut f.activities[0]);
    t.means = Some(Means::OtherSustainable);
    // Counted in characters, not bytes.
    t.means_description = Some("ā".repeat(300));
    for (i, means) in [Means::Train, Means::Bike, Means::CarSharing, Means::Bus]
        .into_iter()
        .enumerate()
    {
        let mut a = teaching();
        a.id = format!("teaching-{i}");
        let t = travel(&mut a);
        t.green = true;
        t.means = Some(means);
        f.activities.push(a);
    }
    // Plane without the green flag is not green travel at all.
    f.activities.push(course());
    clean(&run(f));
}

// ---------------------------------------------------------------------------------------------
// A-DISTANCE-BAND-EDGE: "the one-way distance lies within 5 km of a band border: confirm it
// with the official distance calculator and keep the evidence"

#[test]
fn a_distance_exactly_5_km_below_a_band_border_breaks_a_distance_band_edge() {
    let mut f = base();
    travel(&mut f.activities[0]).distance_km = Some(495.0);
    let out = run(f);
    fired(
        &out,
        RuleId::ADistanceBandEdge,
        None,
        on_activity(0, "shadowing"),
        "activities[0].travel.distance_km",
        &[("km", km(49500)), ("border", int(500)), ("margin", int(5))],
    );
}

#[test]
fn a_distance_exactly_5_km_above_a_band_border_breaks_a_distance_band_edge() {
    let mut f = base();
    travel(&mut f.activities[0]).distance_km = Some(2005.0);
    let out = run(f);
    fired(
        &out,
        RuleId::ADistanceBandEdge,
        None,
        on_activity(0, "shadowing"),
        "activities[0].travel.distance_km",
        &[("km", km(200500)), ("border", int(2000))],
    );
}

#[test]
fn distances_5_01_km_from_a_band_border_meet_a_distance_band_edge() {
    for d in [494.99, 505.01, 94.99, 1994.99, 2005.01] {
        let mut f = base();
        travel(&mut f.activities[0]).distance_km = Some(d);
        silent(&run(f), RuleId::ADistanceBandEdge);
    }
}

// ---------------------------------------------------------------------------------------------
// A-DISTANCE-UNKNOWN (mobiplan): the one-way distance of a travelling activity is not known

#[test]
fn travel_without_a_distance_breaks_a_distance_unknown() {
    let mut f = base();
    travel(&mut f.activities[0]).distance_km = None;
    let out = run(f);
    fired(
        &out,
        RuleId::ADistanceUnknown,
        None,
        on_activity(0, "shadowing"),
        "activities[0].travel.distance_km",
        &[],
    );
}

#[test]
fn an_activity_without_any_travel_section_breaks_a_distance_unknown() {
    let mut f = base();
    f.activities[0].travel = None;
    let out = run(f);
    fired(
        &out,
        RuleId::ADistanceUnknown,
        None,
        on_activity(0, "shadowing"),
        "activities[0].travel.distance_km",
        &[],
    );
}

#[test]
fn hosted_trainee_teachers_have_no_travel_and_meet_a_distance_unknown() {
    let mut f = base();
    f.activities.push(trainee());
    silent(&run(f), RuleId::ADistanceUnknown);
}

// ---------------------------------------------------------------------------------------------
// A-EXPENSIVE-TRAVEL: "the expensive-travel exceptional cost replaces the band amount only when
// the band amount covers less than 70 % of the real travel cost"

/// 50 km: the 10–99 km band pays 28 EUR standard, 56 EUR green.
fn expensive(real: &str, green: bool) -> ProjectFile {
    let mut f = base();
    let t = travel(&mut f.activities[0]);
    t.distance_km = Some(50.0);
    t.green = green;
    t.means = Some(if green { Means::Train } else { Means::Plane });
    t.expensive_real_cost = Some(Money::parse_euros(real).unwrap());
    f
}

#[test]
fn a_band_amount_covering_exactly_70_percent_breaks_a_expensive_travel() {
    let out = run(expensive("40", false));
    fired(
        &out,
        RuleId::AExpensiveTravel,
        None,
        on_activity(0, "shadowing"),
        "activities[0].travel.expensive_real_cost",
        &[
            ("band_amount", eur("28")),
            ("real", eur("40")),
            ("percent", int(70)),
        ],
    );
}

#[test]
fn green_travel_compares_the_green_band_amount_in_a_expensive_travel() {
    let out = run(expensive("80", true));
    fired(
        &out,
        RuleId::AExpensiveTravel,
        None,
        on_activity(0, "shadowing"),
        "activities[0].travel.expensive_real_cost",
        &[("band_amount", eur("56")), ("real", eur("80"))],
    );
}

#[test]
fn a_band_amount_covering_just_below_70_percent_meets_a_expensive_travel() {
    silent(&run(expensive("40.01", false)), RuleId::AExpensiveTravel);
    silent(&run(expensive("80.01", true)), RuleId::AExpensiveTravel);
}

// ---------------------------------------------------------------------------------------------
// A-ACCOMPANYING-FEWER-OPP: "an accompanying person cannot also be flagged as a participant
// with fewer opportunities"

#[test]
fn a_counted_accompanying_person_flagged_with_fewer_opportunities_breaks_a_accompanying_fewer_opp()
{
    let mut f = base();
    let mut g = group();
    g.accompanying = accompanying("[{ count = 2, fewer_opportunities = 1 }]");
    f.activities.push(g);
    let out = run(f);
    fired(
        &out,
        RuleId::AAccompanyingFewerOpp,
        None,
        on_activity(1, "group"),
        "activities[1].accompanying[0]",
        &[],
    );
}

#[test]
fn a_named_accompanying_teacher_flagged_with_fewer_opportunities_breaks_a_accompanying_fewer_opp() {
    let mut f = base();
    f.people[3].fewer_opportunities = true; // martins
    let mut g = group();
    g.accompanying = accompanying("[{ count = 1 }, { person = \"martins\" }]");
    f.activities.push(g);
    let out = run(f);
    fired(
        &out,
        RuleId::AAccompanyingFewerOpp,
        None,
        on_activity(1, "group"),
        "activities[1].accompanying[1]",
        &[],
    );
}

#[test]
fn accompanying_persons_without_the_flag_meet_a_accompanying_fewer_opp() {
    let mut f = base();
    let mut g = group();
    g.participants.fewer_opportunities = Some(12);
    g.accompanying = accompanying("[{ count = 1 }, { person = \"martins\" }]");
    f.activities.push(g);
    clean(&run(f));
}

// ---------------------------------------------------------------------------------------------
// A-MINOR-ACCOMPANIED: "a learner who is a minor, or who has fewer opportunities, travels
// without an accompanying person"

#[test]
fn pupils_who_are_minors_travelling_alone_break_a_minor_accompanied() {
    let mut f = base();
    let mut s = short_term();
    s.accompanying.clear();
    f.activities.push(s);
    let out = run(f);
    fired(
        &out,
        RuleId::AMinorAccompanied,
        None,
        on_activity(1, "short-term"),
        "activities[1].accompanying",
        &[("minors", int(2)), ("fewer", int(0))],
    );
}

#[test]
fn an_adult_learner_with_fewer_opportunities_travelling_alone_breaks_a_minor_accompanied() {
    let mut f = base();
    let mut l = long_term();
    l.participants.fewer_opportunities = Some(1);
    f.activities.push(l);
    let out = run(f);
    fired(
        &out,
        RuleId::AMinorAccompanied,
        None,
        on_activity(1, "long-term"),
        "activities[1].accompanying",
        &[("minors", int(0)), ("fewer", int(1))],
    );
}

#[test]
fn adult_learners_alone_and_accompanied_minors_meet_a_minor_accompanied() {
    let mut f = base();
    f.activities.push(short_term()); // minors, accompanied
    f.activities.push(long_term()); // one adult, alone
    clean(&run(f));
}

// ---------------------------------------------------------------------------------------------
// A-PERSON-OVERLAP: "one named person is in two activities whose dates overlap"

#[test]
fn a_teacher_on_a_course_that_starts_on_the_last_shadowing_day_breaks_a_person_overlap() {
    let mut f = base();
    let mut c = course();
    c.participants = named(&["anna"]);
    c.start = date("2026-11-13");
    c.end = date("2026-11-17");
    f.activities.push(c);
    let out = run(f);
    fired(
        &out,
        RuleId::APersonOverlap,
        None,
        on_person("anna"),
        "people[0]",
        &[
            ("person", text("Anna Bērziņa")),
            ("first", text("shadowing")),
            ("second", text("course")),
        ],
    );
}

#[test]
fn an_accompanying_teacher_also_on_a_course_at_the_same_time_breaks_a_person_overlap() {
    let mut f = base();
    let mut g = group();
    g.accompanying = accompanying("[{ person = \"martins\" }]");
    f.activities.push(g);
    let mut c = course();
    c.participants = named(&["martins"]);
    c.start = date("2027-04-16");
    c.end = date("2027-04-20");
    f.activities.push(c);
    let out = run(f);
    fired(
        &out,
        RuleId::APersonOverlap,
        None,
        on_person("martins"),
        "people[3]",
        &[("first", text("group")), ("second", text("course"))],
    );
}

#[test]
fn a_teacher_on_a_course_the_day_after_shadowing_ends_meets_a_person_overlap() {
    let mut f = base();
    let mut c = course();
    c.participants = named(&["anna"]);
    c.start = date("2026-11-14");
    c.end = date("2026-11-18");
    f.activities.push(c);
    clean(&run(f));
}

#[test]
fn a_teacher_listed_twice_on_one_group_is_reported_once_by_a_person_overlap() {
    let mut f = base();
    let mut g = group();
    g.accompanying = accompanying("[{ person = \"martins\" }, { person = \"martins\" }]");
    f.activities.push(g);
    let mut c = course();
    c.participants = named(&["martins"]);
    c.start = date("2027-04-16");
    c.end = date("2027-04-20");
    f.activities.push(c);
    let out = run(f);
    assert_eq!(all(&out, RuleId::APersonOverlap).len(), 1, "{out:#?}");
}

// ---------------------------------------------------------------------------------------------
// A-PARTICIPANT-ROLE (mobiplan): a named participant's role fits the activity kind

#[test]
fn a_pupil_named_on_a_job_shadowing_breaks_a_participant_role() {
    let mut f = base();
    f.people.push(person("karlis", "Kārlis Zariņš", "learner"));
    f.activities[0].participants = named(&["anna", "karlis"]);
    let out = run(f);
    fired(
        &out,
        RuleId::AParticipantRole,
        None,
        on_activity(0, "shadowing"),
        "activities[0].participants.names[1]",
        &[
            ("person", text("Kārlis Zariņš")),
            ("role", text("learner")),
            ("expected", text("staff")),
            ("kind", Arg::Kind(ActivityKind::JobShadowing)),
        ],
    );
}

#[test]
fn a_staff_member_named_as_an_invited_expert_breaks_a_participant_role() {
    let mut f = base();
    let mut e = expert();
    e.participants = named(&["janis"]);
    f.activities.push(e);
    let out = run(f);
    fired(
        &out,
        RuleId::AParticipantRole,
        None,
        on_activity(1, "expert"),
        "activities[1].participants.names[0]",
        &[("role", text("staff")), ("expected", text("expert"))],
    );
}

#[test]
fn staff_shadowing_learners_learning_and_a_named_expert_meet_a_participant_role() {
    let mut f = base();
    f.people.push(person("karlis", "Kārlis Zariņš", "learner"));
    f.people.push(person("hans", "Hans Müller", "expert"));
    f.people.push(person("kadi", "Kadi Kask", "trainee"));
    let mut l = long_term();
    l.participants = named(&["karlis"]);
    f.activities.push(l);
    let mut e = expert();
    e.participants = named(&["hans"]);
    f.activities.push(e);
    let mut t = trainee();
    t.participants = named(&["kadi"]);
    f.activities.push(t);
    clean(&run(f));
}

// ---------------------------------------------------------------------------------------------
// G-MIN-LEARNERS: "at least 2 learners in the group"

#[test]
fn a_group_of_one_pupil_breaks_g_min_learners() {
    let mut f = base();
    f.activities.push(group_of(1));
    let out = run(f);
    fired(
        &out,
        RuleId::GMinLearners,
        None,
        on_activity(1, "group"),
        "activities[1].participants",
        &[("count", int(1)), ("min", int(2))],
    );
}

#[test]
fn a_group_of_two_pupils_meets_g_min_learners() {
    let mut f = base();
    f.activities.push(group_of(2));
    clean(&run(f));
}

// ---------------------------------------------------------------------------------------------
// G-ACCOMPANIED: "at least one accompanying person for the whole duration"

#[test]
fn a_group_without_an_accompanying_person_breaks_g_accompanied() {
    let mut f = base();
    let mut g = group();
    g.accompanying.clear();
    f.activities.push(g);
    let out = run(f);
    fired(
        &out,
        RuleId::GAccompanied,
        None,
        on_activity(1, "group"),
        "activities[1].accompanying",
        &[],
    );
}

#[test]
fn a_group_accompanied_for_6_of_its_7_days_breaks_g_accompanied() {
    let mut f = base();
    let mut g = group();
    g.accompanying = accompanying("[{ count = 2, days = 6 }]");
    f.activities.push(g);
    let out = run(f);
    fired(
        &out,
        RuleId::GAccompanied,
        None,
        on_activity(1, "group"),
        "activities[1].accompanying",
        &[],
    );
}

#[test]
fn a_group_accompanied_for_all_7_days_by_one_of_two_persons_meets_g_accompanied() {
    let mut f = base();
    let mut g = group();
    g.accompanying = accompanying("[{ count = 1, days = 3 }, { count = 1, days = 7 }]");
    f.activities.push(g);
    clean(&run(f));
}

// ---------------------------------------------------------------------------------------------
// G-TWO-COUNTRIES: "learners of the hosting organisation take part too (learners from two
// countries) — SCH and VET; for ADU the programme is organised jointly"

#[test]
fn a_school_group_without_host_pupils_breaks_g_two_countries() {
    let mut f = base();
    let mut g = group();
    g.host_learners = None;
    f.activities.push(g);
    let out = run(f);
    fired(
        &out,
        RuleId::GTwoCountries,
        None,
        on_activity(1, "group"),
        "activities[1].host_learners",
        &[("field", Arg::Field(Field::SCH))],
    );
}

#[test]
fn a_vet_group_with_zero_host_learners_breaks_g_two_countries() {
    let mut f = base();
    f.project.field = Field::VET;
    let mut g = group();
    g.host_learners = Some(0);
    f.activities.push(g);
    let out = run(f);
    fired(
        &out,
        RuleId::GTwoCountries,
        None,
        on_activity(1, "group"),
        "activities[1].host_learners",
        &[("field", Arg::Field(Field::VET))],
    );
}

#[test]
fn one_host_pupil_or_an_adult_education_group_meets_g_two_countries() {
    let mut f = base();
    let mut g = group();
    g.host_learners = Some(1);
    f.activities.push(g);
    clean(&run(f));

    let mut f = base();
    f.project.field = Field::ADU;
    let mut g = group();
    g.host_learners = None;
    g.participants.minors = None;
    f.activities.push(g);
    clean(&run(f));
}

// ---------------------------------------------------------------------------------------------
// G-VENUE: "venue is the hosting organisation or the seat of an EU institution"

#[test]
fn a_group_meeting_somewhere_else_breaks_g_venue() {
    let mut f = base();
    let mut g = group();
    g.venue = Some(Venue::Other);
    f.activities.push(g);
    let out = run(f);
    fired(
        &out,
        RuleId::GVenue,
        None,
        on_activity(1, "group"),
        "activities[1].venue",
        &[("venue", text("other"))],
    );
}

#[test]
fn a_group_at_the_host_or_at_an_eu_institution_meets_g_venue() {
    for venue in [Venue::Host, Venue::EuInstitution] {
        let mut f = base();
        let mut g = group();
        g.venue = Some(venue);
        f.activities.push(g);
        clean(&run(f));
    }
}

// ---------------------------------------------------------------------------------------------
// C-PERSON-ONCE: "a person may take part in several activities of a project, but in courses
// and training only once"

fn second_course() -> file::Activity {
    let mut c = course();
    c.id = "course-2".into();
    c.start = date("2027-02-01");
    c.end = date("2027-02-05");
    c.course.as_mut().unwrap().title = "Outdoor classrooms".into();
    c
}

#[test]
fn a_teacher_on_two_courses_breaks_c_person_once() {
    let mut f = base();
    let mut c = course();
    c.participants = named(&["anna", "janis"]);
    f.activities.push(c);
    let mut c2 = second_course();
    c2.participants = named(&["anna"]);
    f.activities.push(c2);
    let out = run(f);
    fired(
        &out,
        RuleId::CPersonOnce,
        None,
        on_person("anna"),
        "people[0]",
        &[
            ("person", text("Anna Bērziņa")),
            ("activities", list(&["course", "course-2"])),
            ("max", int(1)),
        ],
    );
}

#[test]
fn a_teacher_on_one_course_and_one_job_shadowing_meets_c_person_once() {
    let mut f = base();
    let mut c = course();
    c.participants = named(&["anna"]);
    f.activities.push(c);
    let mut c2 = second_course();
    c2.participants = named(&["janis"]);
    f.activities.push(c2);
    clean(&run(f));
}

#[test]
fn a_teacher_both_on_and_accompanying_one_course_takes_one_course_and_meets_c_person_once() {
    let mut f = base();
    let mut c = course();
    c.participants = named(&["anna", "janis"]);
    // Anna also accompanies Jānis, who has fewer opportunities; she is on one course only.
    c.accompanying = accompanying("[{ person = \"anna\" }]");
    f.activities.push(c);
    let out = run(f);
    silent(&out, RuleId::CPersonOnce);
    silent(&out, RuleId::CFeeDays);
}

// ---------------------------------------------------------------------------------------------
// C-MAX-PER-COURSE: "at most 3 persons of the project in the same course"

#[test]
fn a_fourth_teacher_on_the_same_course_breaks_c_max_per_course() {
    let mut f = base();
    let mut c = course();
    c.participants = counted(4);
    f.activities.push(c);
    let out = run(f);
    fired(
        &out,
        RuleId::CMaxPerCourse,
        None,
        on_activity(1, "course"),
        "activities[1].participants",
        &[
            ("course", text("Valencia Teacher Academy — Digital tools")),
            ("count", int(4)),
            ("max", int(3)),
        ],
    );
}

#[test]
fn two_plus_two_teachers_on_two_sessions_of_the_same_course_break_c_max_per_course() {
    let mut f = base();
    let mut c = course();
    c.participants = counted(2);
    f.activities.push(c);
    let mut again = second_course();
    again.id = "course-again".into();
    again.course = course().course;
    again.participants = counted(2);
    f.activities.push(again);
    let out = run(f);
    fired(
        &out,
        RuleId::CMaxPerCourse,
        None,
        on_activity(2, "course-again"),
        "activities[2].participants",
        &[("count", int(4)), ("max", int(3))],
    );
}

#[test]
fn three_teachers_on_one_course_meet_c_max_per_course() {
    let mut f = base();
    let mut c = course();
    c.participants = named(&["janis", "ilze", "martins"]);
    f.activities.push(c);
    clean(&run(f));
}

// ---------------------------------------------------------------------------------------------
// C-COURSE-ONCE: "the same course (provider + course) used more than once in one project"

#[test]
fn the_same_course_booked_twice_breaks_c_course_once_even_spelt_differently() {
    let mut f = base();
    let mut c = course();
    c.participants = counted(1);
    f.activities.push(c);
    let mut again = second_course();
    again.id = "course-again".into();
    again.participants = counted(1);
    let details = again.course.as_mut().unwrap();
    details.provider = "VALENCIA  Teacher Academy".into();
    details.title = "digital tools".into();
    f.activities.push(again);
    let out = run(f);
    fired(
        &out,
        RuleId::CCourseOnce,
        None,
        on_activity(2, "course-again"),
        "activities[2].course",
        &[
            ("course", text("Valencia Teacher Academy — Digital tools")),
            ("first", text("course")),
        ],
    );
}

#[test]
fn two_different_courses_of_one_provider_meet_c_course_once() {
    let mut f = base();
    f.activities.push(course());
    f.activities.push(second_course());
    clean(&run(f));
}

// ---------------------------------------------------------------------------------------------
// C-FEE-DAYS: "course fees for more than 10 days for one participant in the project"

#[test]
fn fees_for_11_days_on_a_counted_course_break_c_fee_days() {
    let mut f = base();
    let mut c = course();
    c.course.as_mut().unwrap().fee_days = Some(11);
    f.activities.push(c);
    let out = run(f);
    fired(
        &out,
        RuleId::CFeeDays,
        None,
        on_activity(1, "course"),
        "activities[1].course.fee_days",
        &[("days", int(11)), ("max", int(10))],
    );
}

#[test]
fn fees_for_5_plus_6_days_for_one_named_teacher_break_c_fee_days_person() {
    let mut f = base();
    let mut c = course();
    c.participants = named(&["anna"]);
    f.activities.push(c);
    let mut c2 = second_course();
    c2.end = date("2027-02-06"); // 6 days
    c2.participants = named(&["anna"]);
    f.activities.push(c2);
    let out = run(f);
    fired(
        &out,
        RuleId::CFeeDays,
        Some("person"),
        on_person("anna"),
        "people[0]",
        &[
            ("person", text("Anna Bērziņa")),
            ("days", int(11)),
            ("max", int(10)),
        ],
    );
}

#[test]
fn fees_for_11_days_for_one_named_teacher_break_c_fee_days_person_not_per_activity() {
    let mut f = base();
    let mut c = course();
    c.participants = named(&["anna"]);
    c.course.as_mut().unwrap().fee_days = Some(11);
    f.activities.push(c);
    let out = run(f);
    fired(
        &out,
        RuleId::CFeeDays,
        Some("person"),
        on_person("anna"),
        "people[0]",
        &[("days", int(11)), ("max", int(10))],
    );
}

#[test]
fn fees_for_exactly_10_days_meet_c_fee_days() {
    let mut f = base();
    let mut c = course();
    c.course.as_mut().unwrap().fee_days = Some(10);
    f.activities.push(c);
    let mut c2 = second_course();
    c2.participants = named(&["anna"]);
    c2.end = date("2027-02-10"); // 10 days, fees for every day
    f.activities.push(c2);
    clean(&run(f));
}

// ---------------------------------------------------------------------------------------------
// C-QUALITY: "the course quality checklist (5 areas in the seed) is not complete"

#[test]
fn a_course_without_the_follow_up_check_breaks_c_quality() {
    let mut f = base();
    let mut c = course();
    c.course.as_mut().unwrap().quality.pop();
    f.activities.push(c);
    let out = run(f);
    fired(
        &out,
        RuleId::CQuality,
        None,
        on_activity(1, "course"),
        "activities[1].course.quality",
        &[("missing", list(&["follow-up"]))],
    );
}

#[test]
fn a_course_with_all_five_quality_areas_meets_c_quality() {
    let mut f = base();
    f.activities.push(course());
    silent(&run(f), RuleId::CQuality);
}

// ---------------------------------------------------------------------------------------------
// J-MENTOR-NAMED: "the hosting organisation's main mentor is named"

#[test]
fn a_job_shadowing_without_a_mentor_breaks_j_mentor_named() {
    let mut f = base();
    f.activities[0].mentor = None;
    let out = run(f);
    fired(
        &out,
        RuleId::JMentorNamed,
        None,
        on_activity(0, "shadowing"),
        "activities[0].mentor",
        &[],
    );
}

#[test]
fn a_blank_mentor_name_breaks_j_mentor_named() {
    let mut f = base();
    f.activities[0].mentor = Some("   ".into());
    let out = run(f);
    fired(
        &out,
        RuleId::JMentorNamed,
        None,
        on_activity(0, "shadowing"),
        "activities[0].mentor",
        &[],
    );
}

#[test]
fn a_named_mentor_meets_j_mentor_named() {
    silent(&run(base()), RuleId::JMentorNamed);
}

// ---------------------------------------------------------------------------------------------
// J-MENTOR-MAX-2: "at most 2 participants shadow the same mentor on any day"

fn shadowing(id: &str, who: &str, start: &str, end: &str) -> file::Activity {
    let mut a = base().activities.remove(0);
    a.id = id.into();
    a.participants = named(&[who]);
    a.start = date(start);
    a.end = date(end);
    a
}

#[test]
fn a_third_shadower_of_the_same_mentor_on_the_same_day_breaks_j_mentor_max_2() {
    let mut f = base(); // anna, 9–13 November
    f.activities.push(shadowing(
        "shadowing-2",
        "janis",
        "2026-11-11",
        "2026-11-15",
    ));
    let mut third = shadowing("shadowing-3", "ilze", "2026-11-13", "2026-11-17");
    // The same mentor, written differently.
    third.mentor = Some("kadri  TAMM".into());
    f.activities.push(third);
    let out = run(f);
    fired(
        &out,
        RuleId::JMentorMax2,
        None,
        on_activity(2, "shadowing-3"),
        "activities[2].mentor",
        &[
            ("count", int(3)),
            ("day", on_date("2026-11-13")),
            ("max", int(2)),
        ],
    );
}

#[test]
fn three_counted_shadowers_in_one_activity_break_j_mentor_max_2() {
    let mut f = base();
    f.activities[0].participants = counted(3);
    let out = run(f);
    fired(
        &out,
        RuleId::JMentorMax2,
        None,
        on_activity(0, "shadowing"),
        "activities[0].mentor",
        &[
            ("mentor", text("Kadri Tamm")),
            ("count", int(3)),
            ("day", on_date("2026-11-09")),
            ("max", int(2)),
        ],
    );
}

#[test]
fn a_third_shadower_arriving_the_day_after_the_first_leaves_meets_j_mentor_max_2() {
    let mut f = base(); // anna, 9–13 November
    f.activities.push(shadowing(
        "shadowing-2",
        "janis",
        "2026-11-11",
        "2026-11-15",
    ));
    f.activities
        .push(shadowing("shadowing-3", "ilze", "2026-11-14", "2026-11-18"));
    clean(&run(f));
}

#[test]
fn shadowers_of_a_mentor_with_the_same_name_at_another_host_meet_j_mentor_max_2() {
    let mut f = base();
    f.activities.push(shadowing(
        "shadowing-2",
        "janis",
        "2026-11-09",
        "2026-11-13",
    ));
    let mut other = shadowing("shadowing-3", "ilze", "2026-11-09", "2026-11-13");
    other.host.as_mut().unwrap().name = "Tartu Music School".into();
    f.activities.push(other);
    clean(&run(f));
}

// ---------------------------------------------------------------------------------------------
// V-MAX-PERSONS: "at most 3 persons per visit"

#[test]
fn four_persons_on_a_preparatory_visit_break_v_max_persons() {
    let mut f = base();
    f.activities.push(group());
    let mut v = visit("group");
    v.persons = counted(4);
    f.preparatory_visits.push(v);
    let out = run(f);
    fired(
        &out,
        RuleId::VMaxPersons,
        None,
        on_visit(0, "visit"),
        "preparatory_visits[0].persons",
        &[("count", int(4)), ("max", int(3))],
    );
}

#[test]
fn three_persons_on_a_preparatory_visit_meet_v_max_persons() {
    let mut f = base();
    f.activities.push(group());
    let mut v = visit("group");
    v.persons = named(&["anna", "janis", "martins"]);
    f.preparatory_visits.push(v);
    clean(&run(f));
}

// ---------------------------------------------------------------------------------------------
// V-ONE-PER-HOST: "only one preparatory visit per hosting organisation"

#[test]
fn a_second_visit_to_the_same_host_breaks_v_one_per_host() {
    let mut f = base();
    f.activities.push(group());
    f.preparatory_visits.push(visit("group"));
    let mut again = visit("group");
    again.id = "visit-again".into();
    again.start = date("2027-03-01");
    again.end = date("2027-03-02");
    again.host.name = "porto riverside  school".into();
    f.preparatory_visits.push(again);
    let out = run(f);
    fired(
        &out,
        RuleId::VOnePerHost,
        None,
        on_visit(1, "visit-again"),
        "preparatory_visits[1].host",
        &[("host", text("porto riverside  school")), ("max", int(1))],
    );
}

#[test]
fn visits_to_two_different_hosts_meet_v_one_per_host() {
    let mut f = base();
    f.activities.push(group());
    f.activities.push(short_term());
    f.preparatory_visits.push(visit("group"));
    let mut other = visit("short-term");
    other.id = "visit-vilnius".into();
    other.start = date("2027-02-01");
    other.end = date("2027-02-02");
    other.host = f.activities[2].host.clone().unwrap();
    f.preparatory_visits.push(other);
    clean(&run(f));
}

// ---------------------------------------------------------------------------------------------
// V-NOT-FOR-COURSES: "a visit prepares a learner or staff mobility, never courses and
// training"

#[test]
fn a_visit_preparing_a_course_breaks_v_not_for_courses() {
    let mut f = base();
    f.activities.push(course());
    let mut v = visit("course");
    v.start = date("2026-09-10");
    v.end = date("2026-09-11");
    v.host = f.activities[1].host.clone().unwrap();
    f.preparatory_visits.push(v);
    let out = run(f);
    fired(
        &out,
        RuleId::VNotForCourses,
        None,
        on_visit(0, "visit"),
        "preparatory_visits[0].prepares",
        &[("activity", text("course"))],
    );
}

#[test]
fn visits_preparing_a_job_shadowing_and_a_group_meet_v_not_for_courses() {
    let mut f = base();
    f.activities.push(group());
    f.preparatory_visits.push(visit("group"));
    let mut v = visit("shadowing");
    v.id = "visit-tartu".into();
    v.start = date("2026-10-01");
    v.end = date("2026-10-02");
    v.host = f.activities[0].host.clone().unwrap();
    f.preparatory_visits.push(v);
    clean(&run(f));
}

// ---------------------------------------------------------------------------------------------
// V-PARTICIPANTS-STAFF: "visit participants are staff eligible for staff mobility and
// involved in the project"

#[test]
fn a_pupil_on_a_preparatory_visit_breaks_v_participants_staff() {
    let mut f = base();
    f.people.push(person("karlis", "Kārlis Zariņš", "learner"));
    f.activities.push(group());
    let mut v = visit("group");
    v.persons = named(&["martins", "karlis"]);
    f.preparatory_visits.push(v);
    let out = run(f);
    fired(
        &out,
        RuleId::VParticipantsStaff,
        None,
        on_visit(0, "visit"),
        "preparatory_visits[0].persons.names[1]",
        &[("person", text("Kārlis Zariņš")), ("role", text("learner"))],
    );
}

#[test]
fn two_teachers_on_a_preparatory_visit_meet_v_participants_staff() {
    let mut f = base();
    f.activities.push(group());
    let mut v = visit("group");
    v.persons = named(&["martins", "ilze"]);
    f.preparatory_visits.push(v);
    clean(&run(f));
}

// ---------------------------------------------------------------------------------------------
// V-BEFORE-ACTIVITY: "the visit takes place after the activity it prepares has started"

#[test]
fn a_visit_starting_on_the_first_day_of_the_group_breaks_v_before_activity() {
    let mut f = base();
    f.activities.push(group());
    let mut v = visit("group");
    v.start = date("2027-04-12");
    v.end = date("2027-04-13");
    f.preparatory_visits.push(v);
    let out = run(f);
    fired(
        &out,
        RuleId::VBeforeActivity,
        None,
        on_visit(0, "visit"),
        "preparatory_visits[0].start",
        &[
            ("visit_start", on_date("2027-04-12")),
            ("activity", text("group")),
            ("activity_start", on_date("2027-04-12")),
        ],
    );
}

#[test]
fn a_visit_on_the_day_before_the_group_meets_v_before_activity() {
    let mut f = base();
    f.activities.push(group());
    let mut v = visit("group");
    v.start = date("2027-04-11");
    v.end = date("2027-04-11");
    f.preparatory_visits.push(v);
    clean(&run(f));
}

// ---------------------------------------------------------------------------------------------
// L-RECENT-GRADUATE: "a recent VET graduate takes part within 12 months of graduation"

fn graduate_project(end: &str) -> ProjectFile {
    let mut f = base();
    f.project.field = Field::VET;
    let mut liva = person("liva", "Līva Krūmiņa", "learner");
    liva.vet_graduation = Some(date("2026-06-30"));
    f.people.push(liva); // people[4]
    let mut s = short_term();
    s.participants = named(&["liva"]);
    s.accompanying.clear();
    s.start = date("2027-06-01");
    s.end = date(end);
    f.activities.push(s);
    f
}

#[test]
fn a_graduate_still_abroad_12_months_and_a_day_after_graduating_breaks_l_recent_graduate() {
    let out = run(graduate_project("2027-07-01"));
    fired(
        &out,
        RuleId::LRecentGraduate,
        None,
        on_activity(1, "short-term"),
        "people[4].vet_graduation",
        &[
            ("person", text("Līva Krūmiņa")),
            ("graduation", on_date("2026-06-30")),
            ("end", on_date("2027-07-01")),
            ("months", int(12)),
        ],
    );
}

#[test]
fn a_graduate_back_exactly_12_months_after_graduating_meets_l_recent_graduate() {
    clean(&run(graduate_project("2027-06-30")));
}

// ---------------------------------------------------------------------------------------------
// L-OUTCOMES-RECOGNISED: "how learning outcomes will be assessed and recognised is not
// described" (individual learner kinds)

#[test]
fn a_pupil_mobility_without_a_recognition_plan_breaks_l_outcomes_recognised() {
    let mut f = base();
    let mut s = short_term();
    s.recognition = Some("  ".into());
    f.activities.push(s);
    let out = run(f);
    fired(
        &out,
        RuleId::LOutcomesRecognised,
        None,
        on_activity(1, "short-term"),
        "activities[1].recognition",
        &[],
    );
}

#[test]
fn a_described_recognition_and_a_group_without_one_meet_l_outcomes_recognised() {
    let mut f = base();
    f.activities.push(short_term());
    f.activities.push(group());
    silent(&run(f), RuleId::LOutcomesRecognised);
}

// ---------------------------------------------------------------------------------------------
// X-REAL-COSTS-JUSTIFIED: "a real-cost line (inclusion support for participants, exceptional
// costs) has no justification"

fn with_real_cost(justification: Option<&str>) -> ProjectFile {
    let mut f = base();
    let mut s = short_term();
    let mut rc: file::RealCost = toml::from_str(
        "kind = \"inclusion\"\ndescription = \"A personal assistant\"\namount = \"640.50\"",
    )
    .unwrap();
    rc.justification = justification.map(str::to_owned);
    s.real_costs.push(rc);
    f.activities.push(s);
    f
}

#[test]
fn an_inclusion_cost_without_a_justification_breaks_x_real_costs_justified() {
    let out = run(with_real_cost(None));
    fired(
        &out,
        RuleId::XRealCostsJustified,
        None,
        on_activity(1, "short-term"),
        "activities[1].real_costs[0].justification",
        &[
            ("description", text("A personal assistant")),
            ("amount", eur("640.50")),
        ],
    );
    // A blank justification is none.
    let out = run(with_real_cost(Some(" ")));
    assert_eq!(all(&out, RuleId::XRealCostsJustified).len(), 1);
}

#[test]
fn a_justified_inclusion_cost_meets_x_real_costs_justified() {
    let out = run(with_real_cost(Some(
        "The pupil uses a wheelchair and needs an assistant.",
    )));
    clean(&out);
}

// ---------------------------------------------------------------------------------------------
// Boundaries as properties

mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn p_duration_fires_exactly_outside_6_to_18_months(months in 1u32..=60) {
            let mut f = base();
            f.project.duration_months = months;
            let fires = !all(&run(f), RuleId::PDuration).is_empty();
            prop_assert_eq!(fires, !(6..=18).contains(&months));
        }

        #[test]
        fn a_travel_days_fires_exactly_above_2_standard_or_6_green_days(
            days in 0u32..=12,
            green in any::<bool>(),
        ) {
            let mut f = base();
            let t = travel(&mut f.activities[0]);
            t.days = days;
            t.green = green;
            t.means = Some(if green { Means::Train } else { Means::Plane });
            let fires = !all(&run(f), RuleId::ATravelDays).is_empty();
            prop_assert_eq!(fires, days > if green { 6 } else { 2 });
        }

        #[test]
        fn p_max_participants_fires_exactly_above_30(n in 2u32..=60) {
            let mut f = base();
            f.activities.push(group_of(n));
            let fires = !all(&run(f), RuleId::PMaxParticipants).is_empty();
            prop_assert_eq!(fires, n + 1 > 30);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Implementation tracking: T-OVER-AWARDED and T-UNDER-USED come from the tracking report, which
// compares the awarded grant with the budgets of the derived (reported, actual) projects.

const AGENCY: &str = include_str!("../../../examples/rates/example-agency-2026.toml");

/// The base project with an `[implementation]` section, through the whole tracking path.
fn tracking_report(implementation: &str) -> mobiplan_core::tracking::Report {
    let f = parse_toml(&format!("{BASE}\n{implementation}")).expect("the tracked project parses");
    let rb = Rulebook::embedded(2026).unwrap();
    let profile = mobiplan_core::RateProfile::from_toml(AGENCY, &rb).unwrap();
    let plan = Project::from_file(f.clone()).expect("the plan loads");
    let now = DateTime::parse_from_rfc3339("2027-06-01T12:00:00+03:00").unwrap();
    mobiplan_core::tracking::evaluate(&f, &plan, &rb, Some(&profile), now, Project::from_file)
        .expect("the derived projects load")
        .report
}

fn tracking_findings(implementation: &str, rule: RuleId) -> Vec<Finding> {
    let r = tracking_report(implementation);
    r.findings.into_iter().filter(|f| f.rule == rule).collect()
}

/// The base activity's green travel grant for 222.68 km (band 100–499), from the rulebook.
fn base_green_travel() -> Money {
    let rb = Rulebook::embedded(2026).unwrap();
    let (_, band) = rb.band_for(Km100(22268));
    band.green
}

#[test]
fn a_completed_shadowing_whose_travel_exceeds_its_award_breaks_t_over_awarded() {
    let awarded = Money::from_cents(base_green_travel().cents() - 100);
    let found = tracking_findings(
        &format!(
            "[implementation]\nawarded = {{ travel = \"{awarded}\" }}\n\
             [implementation.activities.shadowing]\nstatus = \"completed\"\n"
        ),
        RuleId::TOverAwarded,
    );
    assert_eq!(found.len(), 1, "{found:#?}");
    let f = &found[0];
    assert_eq!(f.severity, Severity::Warning);
    assert_eq!(f.subject, Subject::Project);
    assert_eq!(f.field.as_deref(), Some("implementation.awarded.travel"));
    assert_eq!(f.arg("awarded"), Some(&Arg::Money(awarded)));
    assert_eq!(f.arg("category"), Some(&Arg::Text("travel".into())));
}

#[test]
fn travel_reported_exactly_as_awarded_meets_t_over_awarded() {
    let awarded = base_green_travel();
    let found = tracking_findings(
        &format!(
            "[implementation]\nawarded = {{ travel = \"{awarded}\" }}\n\
             [implementation.activities.shadowing]\nstatus = \"completed\"\n"
        ),
        RuleId::TOverAwarded,
    );
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn a_planned_mobility_does_not_count_as_reported_so_it_meets_t_over_awarded() {
    let awarded = Money::from_euros(1);
    let found = tracking_findings(
        &format!("[implementation]\nawarded = {{ travel = \"{awarded}\" }}\n"),
        RuleId::TOverAwarded,
    );
    assert!(found.is_empty(), "{found:#?}");
}

/// The base project's whole planned grant with the agency's rates.
fn base_total() -> Money {
    let rb = Rulebook::embedded(2026).unwrap();
    let profile = mobiplan_core::RateProfile::from_toml(AGENCY, &rb).unwrap();
    let b = mobiplan_core::budget(&Project::from_file(base()).unwrap(), &rb, Some(&profile));
    assert!(b.total.is_exact());
    b.total.min
}

#[test]
fn a_cancelled_only_activity_leaves_the_grant_unused_and_breaks_t_under_used() {
    let found = tracking_findings(
        &format!(
            "[implementation]\nawarded = {{ travel = \"{}\" }}\n\
             [implementation.activities.shadowing]\nstatus = \"cancelled\"\n",
            base_total()
        ),
        RuleId::TUnderUsed,
    );
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].severity, Severity::Warning);
    assert_eq!(found[0].arg("percent"), Some(&Arg::Int(0)));
    let rb = Rulebook::embedded(2026).unwrap();
    let min = i64::from(rb.rules.t_under_used.values.min_percent.value);
    assert_eq!(found[0].arg("min"), Some(&Arg::Int(min)));
}

#[test]
fn an_award_just_at_the_expected_share_meets_t_under_used_and_a_cent_more_breaks_it() {
    let rb = Rulebook::embedded(2026).unwrap();
    let min = i64::from(rb.rules.t_under_used.values.min_percent.value);
    let expected = base_total().cents();
    // The largest award of which the expected total is still `min` per cent (rounded).
    let at_limit = Money::from_cents(expected * 100 / min);
    let silent = tracking_findings(
        &format!("[implementation]\nawarded = {{ travel = \"{at_limit}\" }}\n"),
        RuleId::TUnderUsed,
    );
    assert!(silent.is_empty(), "{silent:#?}");
    let far_above = Money::from_cents(expected * 100 / (min - 1) + 100);
    let fires = tracking_findings(
        &format!("[implementation]\nawarded = {{ travel = \"{far_above}\" }}\n"),
        RuleId::TUnderUsed,
    );
    assert_eq!(fires.len(), 1, "{fires:#?}");
}

// ---------------------------------------------------------------------------------------------
// The application in words. `narrated()` is the base project with a complete application:
// one objective, served by the Tartu job shadowing, whose description is complete.

const NARRATIVE: &str = r#"
objectives = ["outdoor"]
learning_outcomes = "The teacher can plan and lead lessons outdoors."
selection = "The primary teacher who leads the outdoor classroom."
preparation = "The programme is agreed with the mentor in advance."
support = "The mentor is with her every day."

[application]
language = "en"
background = "A city school of 640 pupils and 58 teachers."
needs = "Primary lessons happen almost only indoors; the new outdoor classroom is hardly used."

[[application.objectives]]
id = "outdoor"
title = "Outdoor learning in primary classes"
description = "Primary teachers learn to teach mathematics and science outdoors."
field_objectives = ["quality"]
expected_results = "A four-week outdoor programme for grades 1 to 4."
measurement = "The outdoor classroom's log and a pupils' survey."

[application.follow_up]
integration = "The programme enters the primary curriculum."
sharing = "Shared with the city's primary teachers."

[application.summary]
objectives = "Outdoor learning in primary classes."
implementation = "A teacher job-shadows outdoor learning in Tartu."
results = "An outdoor programme for grades 1 to 4."
"#;

fn narrated() -> ProjectFile {
    // BASE ends inside its one [[activities]] table, so the activity's texts continue it.
    parse_toml(&format!("{BASE}{NARRATIVE}")).expect("the narrated project parses")
}

fn application(f: &mut ProjectFile) -> &mut file::Application {
    f.application
        .as_mut()
        .expect("the narrated project has an application")
}

#[test]
fn the_narrated_base_project_reports_nothing_about_its_application() {
    let out = run(narrated());
    clean(&out);
    assert_eq!(out.len(), 1, "only the deadline information: {out:#?}");
}

// N-OBJECTIVE-SERVED: "every objective of the project is served by at least one of its
// activities"

#[test]
fn an_objective_no_activity_names_breaks_n_objective_served() {
    let mut f = narrated();
    let mut second = application(&mut f).objectives[0].clone();
    second.id = "languages".into();
    second.title = Some("Language skills".into());
    application(&mut f).objectives.push(second);
    let out = run(f);
    fired(
        &out,
        RuleId::NObjectiveServed,
        None,
        project(),
        "application.objectives[1]",
        &[("objective", text("Language skills"))],
    );
}

#[test]
fn an_objective_served_by_one_activity_meets_n_objective_served() {
    let mut f = narrated();
    let mut c = course();
    c.objectives = vec!["outdoor".into()];
    f.activities.push(c);
    silent(&run(f), RuleId::NObjectiveServed);
}

// N-ACTIVITY-LINKED: "every activity serves at least one objective of the project"

#[test]
fn an_activity_serving_no_objective_breaks_n_activity_linked() {
    let mut f = narrated();
    f.activities[0].objectives.clear();
    let out = run(f);
    fired(
        &out,
        RuleId::NActivityLinked,
        None,
        on_activity(0, "shadowing"),
        "activities[0].objectives",
        &[("objectives", list(&["outdoor"]))],
    );
    // The objective it no longer serves is reported too.
    assert_eq!(all(&out, RuleId::NObjectiveServed).len(), 1);
}

#[test]
fn an_activity_naming_one_objective_meets_n_activity_linked() {
    silent(&run(narrated()), RuleId::NActivityLinked);
}

#[test]
fn an_unknown_objective_named_by_an_activity_is_an_input_error_not_n_activity_linked() {
    let mut f = narrated();
    f.activities[0].objectives = vec!["outdoor".into(), "indoor".into()];
    let errors = Project::from_file(f).unwrap_err().errors;
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert_eq!(errors[0].field, "activities[0].objectives[1]");
    assert_eq!(errors[0].key, "input.unknown-objective", "{}", errors[0]);
    assert_eq!(
        errors[0].arg("id"),
        Some(&mobiplan_core::Arg::Text("indoor".into())),
        "{}",
        errors[0]
    );
}

// N-FIELD-OBJECTIVE: "every objective of the project contributes to at least one objective of
// the call for the project's field"

#[test]
fn an_objective_naming_no_field_objective_breaks_n_field_objective() {
    let mut f = narrated();
    application(&mut f).objectives[0].field_objectives.clear();
    let out = run(f);
    fired(
        &out,
        RuleId::NFieldObjective,
        Some("none"),
        project(),
        "application.objectives[0].field_objectives",
        &[
            ("objective", text("Outdoor learning in primary classes")),
            ("field", Arg::Field(Field::SCH)),
            (
                "choices",
                list(&["quality", "european-dimension", "european-education-area"]),
            ),
        ],
    );
}

#[test]
fn a_vet_objective_named_in_a_school_project_breaks_n_field_objective() {
    let mut f = narrated();
    // "participation" is an objective of adult education, not of school education.
    application(&mut f).objectives[0].field_objectives =
        vec!["quality".into(), "participation".into()];
    let out = run(f);
    fired(
        &out,
        RuleId::NFieldObjective,
        Some("unknown"),
        project(),
        "application.objectives[0].field_objectives[1]",
        &[("given", text("participation")), ("year", int(2026))],
    );
}

#[test]
fn every_field_objective_of_the_call_meets_n_field_objective() {
    for (field, ids) in [
        (
            Field::SCH,
            vec!["quality", "european-dimension", "european-education-area"],
        ),
        (Field::VET, vec!["quality", "european-dimension"]),
        (
            Field::ADU,
            vec!["quality", "participation", "european-dimension"],
        ),
    ] {
        let mut f = narrated();
        f.project.field = field;
        application(&mut f).objectives[0].field_objectives =
            ids.iter().map(|s| s.to_string()).collect();
        silent(&run(f), RuleId::NFieldObjective);
    }
}

// N-LEARNING-OUTCOMES: "every activity states its planned learning outcomes"

#[test]
fn an_activity_without_learning_outcomes_breaks_n_learning_outcomes() {
    let mut f = narrated();
    f.activities[0].learning_outcomes = Some(" \n ".into());
    let out = run(f);
    fired(
        &out,
        RuleId::NLearningOutcomes,
        None,
        on_activity(0, "shadowing"),
        "activities[0].learning_outcomes",
        &[],
    );
}

#[test]
fn stated_learning_outcomes_meet_n_learning_outcomes_and_a_plan_without_application_is_not_asked() {
    silent(&run(narrated()), RuleId::NLearningOutcomes);
    // Without [application] the missing texts are one section finding, not one per activity.
    silent(&run(base()), RuleId::NLearningOutcomes);
}

// N-TEXT-LIMIT: "every text of the application is within the length the form accepts for it"

fn background_limit() -> usize {
    let rb = Rulebook::embedded(2026).unwrap();
    rb.text_limit(mobiplan_core::application::Part::Background)
        .expect("the background has a limit")
        .value as usize
}

#[test]
fn a_background_one_character_over_the_limit_breaks_n_text_limit() {
    let max = background_limit();
    let mut f = narrated();
    // Latvian letters count one character each, though UTF-8 stores them in two bytes.
    application(&mut f).background = Some("ā".repeat(max + 1));
    let out = run(f);
    let hit = fired(
        &out,
        RuleId::NTextLimit,
        None,
        project(),
        "application.background",
        &[
            ("text", text("background")),
            ("length", int(max as i64 + 1)),
            ("max", int(max as i64)),
        ],
    );
    assert_eq!(
        hit.confidence,
        mobiplan_core::Confidence::P,
        "the limits are unconfirmed"
    );
}

#[test]
fn an_objective_title_over_its_limit_names_the_objective_in_n_text_limit() {
    let mut f = narrated();
    application(&mut f).objectives[0].title = Some("x".repeat(1000));
    let out = run(f);
    fired(
        &out,
        RuleId::NTextLimit,
        Some("objective"),
        project(),
        "application.objectives[0].title",
        &[("text", text("objective-title")), ("length", int(1000))],
    );
}

#[test]
fn a_background_exactly_at_the_limit_meets_n_text_limit() {
    let mut f = narrated();
    application(&mut f).background = Some("ā".repeat(background_limit()));
    silent(&run(f), RuleId::NTextLimit);
}

// N-SECTION-COMPLETE: "the sections of the form written in words are complete before
// submission"

#[test]
fn a_plan_without_an_application_hears_once_per_section_from_n_section_complete() {
    let out = run(base());
    let hits = all(&out, RuleId::NSectionComplete);
    let sections: Vec<&Arg> = hits.iter().map(|f| f.arg("section").unwrap()).collect();
    assert_eq!(
        sections,
        [
            &text("context"),
            &text("background"),
            &text("objectives"),
            &text("activities"),
            &text("follow-up"),
            &text("summary"),
        ]
    );
    // Information: a plan is not yet an application draft, and no activity is asked alone.
    assert!(
        hits.iter().all(|f| f.severity == Severity::Info),
        "{hits:#?}"
    );
    assert!(hits.iter().all(|f| f.subject == Subject::Project));
    assert_eq!(hits[1].arg("parts"), Some(&list(&["background", "needs"])));
    assert_eq!(
        hits[3].arg("parts"),
        Some(&list(&[
            "activity-objectives",
            "learning-outcomes",
            "selection",
            "preparation",
            "support"
        ]))
    );
    silent(&out, RuleId::NActivityLinked);
    silent(&out, RuleId::NObjectiveServed);
}

#[test]
fn a_started_application_without_sharing_breaks_n_section_complete() {
    let mut f = narrated();
    application(&mut f).follow_up.as_mut().unwrap().sharing = None;
    let out = run(f);
    fired(
        &out,
        RuleId::NSectionComplete,
        None,
        project(),
        "application.follow_up.sharing",
        &[
            ("section", text("follow-up")),
            ("parts", list(&["sharing"])),
        ],
    );
}

#[test]
fn an_application_in_latvian_without_an_english_summary_breaks_n_section_complete() {
    let mut f = narrated();
    application(&mut f).language = Some("LV".into());
    let out = run(f);
    fired(
        &out,
        RuleId::NSectionComplete,
        None,
        project(),
        "application.summary_en.objectives",
        &[("section", text("summary-en"))],
    );
}

#[test]
fn an_incomplete_objective_and_activity_description_break_n_section_complete() {
    let mut f = narrated();
    application(&mut f).objectives[0].measurement = None;
    f.activities[0].support = None;
    let out = run(f);
    let hits = all(&out, RuleId::NSectionComplete);
    assert_eq!(hits.len(), 2, "{hits:#?}");
    assert_eq!(hits[0].key, "finding.N-SECTION-COMPLETE.objective");
    assert_eq!(
        hits[0].field.as_deref(),
        Some("application.objectives[0].measurement")
    );
    assert_eq!(hits[1].key, "finding.N-SECTION-COMPLETE.activity");
    assert_eq!(hits[1].subject, on_activity(0, "shadowing"));
    assert_eq!(hits[1].arg("parts"), Some(&list(&["support"])));
}

#[test]
fn a_complete_application_meets_n_section_complete_in_english_and_in_latvian() {
    silent(&run(narrated()), RuleId::NSectionComplete);
    let mut f = narrated();
    let app = application(&mut f);
    app.language = Some("lv".into());
    app.summary_en = app.summary.clone();
    silent(&run(f), RuleId::NSectionComplete);
}

// ---------------------------------------------------------------------------------------------
// The tests themselves

#[test]
fn the_catalogue_table_lists_every_rule_id_once_with_the_rulebook_severity() {
    let rb = Rulebook::embedded(2026).unwrap();
    assert_eq!(CATALOGUE.len(), RuleId::ALL.len());
    for id in RuleId::ALL {
        assert_eq!(
            rb.rule(*id).severity,
            catalogue_severity(*id),
            "the rulebook's severity of {id} differs from the catalogue's"
        );
    }
    for (id, _) in CATALOGUE {
        assert!(RuleId::parse(id).is_some(), "{id} is not a RuleId");
    }
}

#[test]
fn the_catalogue_table_agrees_with_the_reference_catalogue() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/reference/ka122-rules.md"
    );
    let Ok(catalogue) = std::fs::read_to_string(path) else {
        eprintln!("SKIPPED: {path} is not there (CI provides it)");
        assert!(std::env::var_os("CI").is_none(), "CI must provide {path}");
        return;
    };
    let mut n = 0;
    for line in catalogue.lines() {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        let Some(id) = cells
            .get(1)
            .and_then(|c| c.strip_prefix('`')?.strip_suffix('`'))
        else {
            continue;
        };
        let Some(rule) = RuleId::parse(id) else {
            continue;
        };
        let severity = cells.iter().find_map(|c| match *c {
            "error" | "error / info" => Some(Severity::Error),
            "warning" => Some(Severity::Warning),
            "info" => Some(Severity::Info),
            _ => None,
        });
        assert_eq!(severity, Some(catalogue_severity(rule)), "{line}");
        n += 1;
    }
    assert!(n >= 40, "only {n} rules found in the catalogue");
}

#[test]
fn every_rule_is_named_by_a_test() {
    let source = include_str!("rules.rs");
    let names: Vec<&str> = source
        .lines()
        .filter_map(|l| l.trim().strip_prefix("fn "))
        .filter_map(|l| l.split('(').next())
        .collect();
    for id in RuleId::ALL {
        let snake = id.as_str().to_lowercase().replace('-', "_");
        let n = names
            .iter()
            .filter(|n| n.ends_with(&snake) || n.contains(&format!("{snake}_")))
            .count();
        assert!(
            n >= 2,
            "{id}: only {n} test(s) name {snake}; every rule needs one that breaks it and one that meets it"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// The broken examples: each declares, in its header, exactly the rules it breaks.

/// The rule IDs a broken example declares: header comment lines `#   RULE-ID — why`.
fn declared_rules(text: &str) -> std::collections::BTreeSet<RuleId> {
    text.lines()
        .take_while(|l| l.starts_with('#') || l.trim().is_empty())
        .filter_map(|l| l.strip_prefix("#   "))
        .filter_map(|l| l.split_once(" — "))
        .filter(|(id, _)| {
            // Only lines that look like a rule ID count; a misspelt one must not slip through.
            let id = id.trim();
            id.contains('-')
                && id
                    .bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-')
        })
        .map(|(id, why)| {
            assert!(!why.trim().is_empty(), "{id}: say why");
            RuleId::parse(id.trim())
                .unwrap_or_else(|| panic!("\"{id}\" in a broken example's header is no rule ID"))
        })
        .collect()
}

#[test]
fn each_broken_example_breaks_exactly_the_rules_its_header_declares() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .expect("examples/ is readable")
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("broken-") && n.ends_with(".toml"))
        })
        .collect();
    files.sort();
    assert!(files.len() >= 3, "expected broken examples in {dir}");
    let rb = Rulebook::embedded(2026).unwrap();
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        let declared = declared_rules(&text);
        assert!(
            !declared.is_empty(),
            "{}: no rules declared",
            path.display()
        );
        let project = Project::from_toml(&text)
            .unwrap_or_else(|e| panic!("{} must still parse: {e}", path.display()));
        let reported: std::collections::BTreeSet<RuleId> =
            check(&project, &rb, &CheckContext::default())
                .iter()
                .filter(|f| f.severity > Severity::Info)
                .map(|f| f.rule)
                .collect();
        assert_eq!(
            reported,
            declared,
            "{}: reported (left) and declared (right) rules differ",
            path.display()
        );
    }
}
