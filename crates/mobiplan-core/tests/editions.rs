//! Call years and editions: the call-2027 edition carried forward from 2026, explicit unknown
//! values and the rules that meet them, the call's state by the clock, the difference between
//! editions, moving a project to another call and what a corrected edition changes.

use chrono::{DateTime, FixedOffset, NaiveDate};
use mobiplan_core::editions::{
    CallState, ChangeKind, MoveError, default_call_year, diff, effects, move_to_call,
};
use mobiplan_core::project::file::ProjectFile;
use mobiplan_core::project::parse_toml;
use mobiplan_core::rulebook::{ValueState, may_be_unknown};
use mobiplan_core::types::Moment;
use mobiplan_core::{
    Arg, CheckContext, Confidence, Finding, Project, RuleId, Rulebook, RulebookError, Severity,
    budget, check,
};

const RIGA: &str = include_str!("../../../examples/sch-riga-school.toml");
const RB_2026: &str = include_str!("../../../rulebook/2026.toml");
const RB_2027: &str = include_str!("../../../rulebook/2027.toml");

fn at(t: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(t).expect("a test time")
}

fn day(t: &str) -> NaiveDate {
    NaiveDate::parse_from_str(t, "%Y-%m-%d").unwrap()
}

fn rb(year: u16) -> Rulebook {
    Rulebook::embedded(year).unwrap()
}

fn run(f: ProjectFile, rb: &Rulebook, now: Option<&str>) -> Vec<Finding> {
    let p = Project::from_file(f).expect("the test project is valid");
    check(&p, rb, &CheckContext { now: now.map(at) })
}

fn only(out: &[Finding], rule: RuleId) -> &Finding {
    let hits: Vec<&Finding> = out.iter().filter(|f| f.rule == rule).collect();
    assert_eq!(hits.len(), 1, "expected one {rule}: {out:#?}");
    hits[0]
}

fn riga() -> ProjectFile {
    parse_toml(RIGA).unwrap()
}

/// The Rīga example moved to call 2027 with its dates a year later.
fn riga_2027() -> ProjectFile {
    move_to_call(&riga(), 2027, true).unwrap()
}

// ---------------------------------------------------------------------------------------------
// The call-2027 edition

#[test]
fn the_2027_edition_carries_every_2026_value_marked_as_carried_and_unconfirmed() {
    let (old, new) = (rb(2026), rb(2027));
    assert_eq!(new.call_year(), 2027);
    let mut carried = 0;
    for p in new.params() {
        match p.state {
            ValueState::Carried => {
                carried += 1;
                assert_eq!(p.carried_from, Some(2026), "{}", p.path);
                assert_eq!(p.source, "carried-2026", "{}", p.path);
                assert_eq!(p.confidence, Confidence::P, "{}", p.path);
                let before = old
                    .params()
                    .iter()
                    .find(|o| o.path == p.path)
                    .unwrap_or_else(|| panic!("{} is not in the 2026 edition", p.path));
                assert_eq!(before.value, p.value, "{} is carried as it is", p.path);
                assert_eq!(before.unit, p.unit, "{}", p.path);
            }
            ValueState::Unknown => {
                assert!(may_be_unknown(&p.path), "{}", p.path);
                assert!(p.value.is_null(), "{}", p.path);
            }
            ValueState::Known => panic!("{} is neither carried nor unknown", p.path),
        }
    }
    assert_eq!(carried + 3, old.params().len());
    // Every rule's own description is carried too.
    for id in RuleId::ALL {
        let m = new.rule(*id);
        assert_eq!(m.carried_from, Some(2026), "{id}");
        assert_eq!(m.confidence, Confidence::P, "{id}");
        assert_eq!(m.text, old.rule(*id).text, "{id}");
    }
}

#[test]
fn the_2027_deadline_and_start_window_are_unknown_not_guessed() {
    let round = &rb(2027).rounds[&1];
    assert!(round.deadline.is_none());
    assert!(round.start_window().is_none());
    let unknown: Vec<String> = rb(2027)
        .params()
        .iter()
        .filter(|p| p.state == ValueState::Unknown)
        .map(|p| p.path.clone())
        .collect();
    assert_eq!(
        unknown,
        [
            "rounds.1.deadline",
            "rounds.1.start_from",
            "rounds.1.start_to"
        ]
    );
}

#[test]
fn the_2027_file_is_what_the_carry_forward_tool_makes_of_2026() {
    // The tool is the only author of the carried values: the year and markers differ, the
    // values do not (checked value by value above); here, the file names its origin.
    assert!(RB_2027.contains("carry_forward.py"));
    assert!(RB_2027.contains("carried_from = 2026"));
    assert!(!RB_2027.contains("confidence = \"V\""));
    assert!(!RB_2027.contains("confidence = \"S\""));
}

// ---------------------------------------------------------------------------------------------
// Strict loading of the new format

fn refused(text: &str) -> (String, String) {
    match Rulebook::from_toml(text) {
        Err(RulebookError::Invalid { path, problem }) => (path, problem),
        other => panic!("expected a refusal with a path, got {other:?}"),
    }
}

#[test]
fn a_value_without_source_or_confidence_is_refused_with_its_path() {
    let text = RB_2026.replacen(
        "values.max = { value = 3, unit = \"persons\", source = \"seed-2026\", confidence = \"S\" }",
        "values.max = { value = 3, unit = \"persons\", confidence = \"S\" }",
        1,
    );
    let (path, problem) = refused(&text);
    assert_eq!(path, "rules.C-MAX-PER-COURSE.values.max");
    assert!(problem.starts_with("missing source"), "{problem}");

    let text = RB_2026.replacen(
        "per_day = { value = 80, unit = \"EUR per participant per course day\", source = \"funding-ref\", confidence = \"V\" }",
        "per_day = { value = 80, unit = \"EUR per participant per course day\", source = \"funding-ref\" }",
        1,
    );
    let (path, problem) = refused(&text);
    assert_eq!(path, "funding.course_fees.per_day");
    assert!(problem.starts_with("missing confidence"), "{problem}");
}

#[test]
fn a_rule_without_its_source_is_refused_with_its_path() {
    let text = RB_2026.replacen(
        "[rules.G-ACCOMPANIED]\nseverity = \"error\"\ntext = \"A group mobility has at least one accompanying person for its whole duration.\"\nsource = \"seed-2026\"\n",
        "[rules.G-ACCOMPANIED]\nseverity = \"error\"\ntext = \"A group mobility has at least one accompanying person for its whole duration.\"\n",
        1,
    );
    assert_ne!(text, RB_2026);
    assert_eq!(refused(&text).0, "rules.G-ACCOMPANIED");
}

#[test]
fn an_unknown_is_refused_where_a_rule_needs_a_value() {
    let text = RB_2026.replacen(
        "per_day = { value = 80, unit = \"EUR per participant per course day\", source = \"funding-ref\", confidence = \"V\" }",
        "per_day = { unknown = true, source = \"funding-ref\", confidence = \"P\" }",
        1,
    );
    let (path, problem) = refused(&text);
    assert_eq!(path, "funding.course_fees.per_day");
    assert!(problem.contains("cannot be unknown"), "{problem}");
}

#[test]
fn an_unknown_beside_a_value_or_not_true_is_refused() {
    let text = RB_2027.replacen(
        "deadline = { unknown = true,",
        "deadline = { unknown = true, value = \"2027-02-19T12:00:00+01:00\",",
        1,
    );
    assert_eq!(
        refused(&text),
        (
            "rounds.1.deadline".into(),
            "a value cannot be both given and unknown".into()
        )
    );
    let text = RB_2027.replacen(
        "deadline = { unknown = true,",
        "deadline = { unknown = false,",
        1,
    );
    assert_eq!(refused(&text).0, "rounds.1.deadline");
}

#[test]
fn a_start_window_half_known_is_refused() {
    let text = RB_2027.replacen(
        "start_from = { unknown = true,",
        "start_from = { value = 2027-06-01,",
        1,
    );
    assert_eq!(refused(&text).0, "rounds.1");
}

#[test]
fn a_confidence_other_than_v_s_or_p_is_refused() {
    let text = RB_2026.replacen("confidence = \"V\"", "confidence = \"sure\"", 1);
    let (_, problem) = refused(&text);
    assert!(problem.contains("not V, S or P"), "{problem}");
}

// ---------------------------------------------------------------------------------------------
// Every rule that can meet an unknown value: P-DEADLINE and P-START-WINDOW

#[test]
fn an_unknown_deadline_makes_p_deadline_information_whatever_the_application_date() {
    let rb = rb(2027);
    for application in [None, Some("2027-02-10"), Some("2027-12-31T23:00:00+01:00")] {
        let mut f = riga_2027();
        f.project.application_date = application.map(|t| Moment::parse(t).unwrap());
        let out = run(f, &rb, Some("2026-12-06T10:00:00+02:00"));
        let d = only(&out, RuleId::PDeadline);
        assert_eq!(d.severity, Severity::Info, "{application:?}");
        assert_eq!(d.key, "finding.P-DEADLINE.unknown");
        assert_eq!(d.arg("year"), Some(&Arg::Int(2027)));
        assert_eq!(d.arg("round"), Some(&Arg::Int(1)));
        assert_eq!(d.confidence, Confidence::P);
        assert_eq!(d.field.as_deref(), Some("project.application_date"));
    }
}

#[test]
fn a_known_deadline_keeps_p_deadline_as_it_was() {
    // The same project in call 2026, checked after the deadline: an error, not "unknown".
    let mut f = riga();
    f.project.application_date = None;
    let out = run(f, &rb(2026), Some("2026-12-06T10:00:00+02:00"));
    let d = only(&out, RuleId::PDeadline);
    assert_eq!(d.key, "finding.P-DEADLINE.passed");
    assert_eq!(d.severity, Severity::Error);
}

#[test]
fn an_unknown_start_window_makes_p_start_window_information_for_any_start() {
    let rb = rb(2027);
    for start in ["2027-01-01", "2027-09-01", "2031-05-31"] {
        let mut f = riga_2027();
        f.project.start = mobiplan_core::types::Date(day(start));
        let out = run(f, &rb, None);
        let w = only(&out, RuleId::PStartWindow);
        assert_eq!(w.severity, Severity::Info, "{start}");
        assert_eq!(w.key, "finding.P-START-WINDOW.unknown");
        assert_eq!(w.arg("year"), Some(&Arg::Int(2027)));
        assert_eq!(w.field.as_deref(), Some("project.start"));
    }
}

#[test]
fn a_known_start_window_keeps_p_start_window_silent_inside_it() {
    let out = run(riga(), &rb(2026), None);
    assert!(
        out.iter().all(|f| f.rule != RuleId::PStartWindow),
        "{out:#?}"
    );
}

#[test]
fn an_unknown_round_is_still_refused_as_no_round_even_in_2027() {
    let mut f = riga_2027();
    f.project.round = 2;
    let out = run(f, &rb(2027), None);
    let w = only(&out, RuleId::PStartWindow);
    assert_eq!(w.key, "finding.P-START-WINDOW.no-round");
    assert_eq!(w.severity, Severity::Error);
}

#[test]
fn the_agenda_has_no_deadline_event_while_the_deadline_is_unknown() {
    use mobiplan_core::agenda::{Event, agenda};
    let f = riga_2027();
    let a = agenda(&f, &rb(2027), None, day("2026-12-06"));
    assert!(a.next.iter().all(|e| e.event != Event::Deadline), "{a:?}");
    let a = agenda(&riga(), &rb(2026), None, day("2026-01-06"));
    assert_eq!(a.next[0].event, Event::Deadline);
}

// ---------------------------------------------------------------------------------------------
// The acceptance case: the SCH example moved to 2027, checked on 2026-12-06

#[test]
fn the_sch_example_moved_to_2027_checked_on_6_december_2026_has_no_error() {
    let moved = riga_2027();
    assert_eq!(moved.project.call_year, 2027);
    assert_eq!(moved.project.start.0, day("2027-09-01"));
    assert_eq!(
        moved.activities[0].start.0,
        riga().activities[0].start.0 + chrono::Months::new(12)
    );
    let out = run(moved, &rb(2027), Some("2026-12-06T12:00:00+02:00"));
    let errors: Vec<_> = out
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    assert_eq!(
        only(&out, RuleId::PDeadline).key,
        "finding.P-DEADLINE.unknown"
    );
    assert_eq!(
        only(&out, RuleId::PStartWindow).key,
        "finding.P-START-WINDOW.unknown"
    );
    // Everything the 2027 edition says is unconfirmed.
    assert!(out.iter().all(|f| f.confidence == Confidence::P));
}

// ---------------------------------------------------------------------------------------------
// The call's state and the default call year

#[test]
fn on_6_december_2026_call_2026_is_closed_and_2027_announced_so_new_projects_are_2027() {
    let now = at("2026-12-06T10:00:00+02:00");
    let calls: Vec<(u16, CallState)> = Rulebook::embedded_years()
        .into_iter()
        .map(|y| (y, rb(y).call_state(now)))
        .collect();
    assert!(calls.contains(&(2026, CallState::Closed)));
    assert!(calls.contains(&(2027, CallState::Announced)));
    assert_eq!(default_call_year(&calls), Some(2027));
    // Before the 2026 deadline, 2026 is open and the default.
    let now = at("2026-01-10T10:00:00+02:00");
    let calls: Vec<(u16, CallState)> = Rulebook::embedded_years()
        .into_iter()
        .map(|y| (y, rb(y).call_state(now)))
        .collect();
    assert_eq!(default_call_year(&calls), Some(2026));
}

// ---------------------------------------------------------------------------------------------
// What changed between editions

#[test]
fn the_diff_2026_to_2027_lists_every_value_as_carried_and_the_dates_as_unknown() {
    let d = diff(&rb(2026), &rb(2027));
    assert_eq!((d.from.call_year, d.to.call_year), (2026, 2027));
    assert!(d.changes.iter().all(|c| c.kind == ChangeKind::Changed));
    // Every value and every rule changed its source (carried) …
    assert_eq!(d.changes.len(), rb(2026).params().len() + RuleId::ALL.len());
    let deadline = d
        .changes
        .iter()
        .find(|c| c.path == "rounds.1.deadline")
        .unwrap();
    assert!(deadline.what.contains(&"value"));
    let (old, new) = (
        deadline.old.as_ref().unwrap(),
        deadline.new.as_ref().unwrap(),
    );
    assert_eq!(old.value, "2026-02-19T12:00:00+01:00");
    assert_eq!(old.source, "seed-2026");
    assert!(new.value.is_null());
    assert_eq!(new.state, ValueState::Unknown);
    assert_eq!(new.source, "call-2027-pending");
    // … and a carried value kept its value: only the source, confidence and state differ.
    let fees = d
        .changes
        .iter()
        .find(|c| c.path == "funding.course_fees.per_day")
        .unwrap();
    assert_eq!(fees.what, ["source", "confidence", "state"]);
    assert_eq!(fees.old.as_ref().unwrap().source, "funding-ref");
    assert_eq!(fees.new.as_ref().unwrap().source, "carried-2026");
}

#[test]
fn the_diff_finds_added_removed_and_changed_values() {
    let a = rb(2026);
    let second_round = RB_2026.replacen(
        "# ---------------------------------------------------------------------------------------------\n# Reporting",
        "[rounds.2]\ndeadline = { value = \"2026-10-01T12:00:00+02:00\", source = \"seed-2026\", confidence = \"S\" }\nstart_from = { value = 2027-01-01, source = \"seed-2026\", confidence = \"S\" }\nstart_to = { value = 2027-05-31, source = \"seed-2026\", confidence = \"S\" }\n\n# ---------------------------------------------------------------------------------------------\n# Reporting",
        1,
    ).replacen("values.max = { value = 3, unit = \"persons\", source = \"seed-2026\", confidence = \"S\" }", "values.max = { value = 4, unit = \"persons\", source = \"seed-2026\", confidence = \"S\" }", 1);
    let b = Rulebook::from_toml(&second_round).unwrap();
    let d = diff(&a, &b);
    let kinds: Vec<(&str, ChangeKind)> = d
        .changes
        .iter()
        .map(|c| (c.path.as_str(), c.kind))
        .collect();
    assert_eq!(
        kinds,
        [
            ("rules.C-MAX-PER-COURSE.values.max", ChangeKind::Changed),
            ("rounds.2.deadline", ChangeKind::Added),
            ("rounds.2.start_from", ChangeKind::Added),
            ("rounds.2.start_to", ChangeKind::Added),
        ]
    );
    assert_eq!(d.changes[0].what, ["value"]);
    let back = diff(&b, &a);
    assert_eq!(
        back.changes
            .iter()
            .filter(|c| c.kind == ChangeKind::Removed)
            .count(),
        3
    );
}

// ---------------------------------------------------------------------------------------------
// Moving a project to another call

#[test]
fn moving_without_shifting_changes_only_the_call_year() {
    let moved = move_to_call(&riga(), 2027, false).unwrap();
    let mut expected = riga();
    expected.project.call_year = 2027;
    assert_eq!(moved, expected);
}

#[test]
fn moving_with_shifting_moves_every_plan_date_by_whole_years_and_no_fact_about_people() {
    let mut f = riga();
    f.project.start = mobiplan_core::types::Date(day("2028-02-29"));
    f.project.call_year = 2028;
    let t = f.activities[0].travel.get_or_insert_with(Default::default);
    t.departure = Some(mobiplan_core::types::Date(day("2028-02-28")));
    f.people[0].vet_graduation = Some(mobiplan_core::types::Date(day("2027-06-30")));
    let moved = move_to_call(&f, 2029, true).unwrap();
    // 29 February has no 2029 counterpart: the last day of February.
    assert_eq!(moved.project.start.0, day("2029-02-28"));
    assert_eq!(
        moved.activities[0]
            .travel
            .as_ref()
            .unwrap()
            .departure
            .unwrap()
            .0,
        day("2029-02-28")
    );
    assert_eq!(
        moved.project.application_date,
        Some(Moment::Day(day("2027-02-12")))
    );
    for (a, b) in f.activities.iter().zip(&moved.activities) {
        assert_eq!(b.start.0, a.start.0 + chrono::Months::new(12));
        assert_eq!(b.end.0, a.end.0 + chrono::Months::new(12));
    }
    for (a, b) in f.preparatory_visits.iter().zip(&moved.preparatory_visits) {
        assert_eq!(b.start.0, a.start.0 + chrono::Months::new(12));
    }
    assert_eq!(moved.people[0].vet_graduation, f.people[0].vet_graduation);
    assert_eq!(moved.applicant.earlier_grants, f.applicant.earlier_grants);
    // And back, a year earlier.
    let back = move_to_call(&moved, 2028, true).unwrap();
    assert_eq!(back.activities, f.activities);
}

#[test]
fn moving_to_the_same_call_or_moving_an_awarded_project_is_refused() {
    assert_eq!(
        move_to_call(&riga(), 2026, true),
        Err(MoveError::SameYear(2026))
    );
    let tracked = parse_toml(include_str!(
        "../../../examples/tracked-sch-riga-school.toml"
    ))
    .unwrap();
    assert_eq!(
        move_to_call(&tracked, 2027, true),
        Err(MoveError::Awarded(2026))
    );
}

#[test]
fn the_effects_of_the_move_list_the_findings_that_change() {
    let before_p = Project::from_file(riga()).unwrap();
    let after_p = Project::from_file(riga_2027()).unwrap();
    let now = CheckContext {
        now: Some(at("2026-12-06T10:00:00+02:00")),
    };
    let (rb26, rb27) = (rb(2026), rb(2027));
    let fb = check(&before_p, &rb26, &now);
    let fa = check(&after_p, &rb27, &now);
    let e = effects(
        (&fb, &budget(&before_p, &rb26, None)),
        (&fa, &budget(&after_p, &rb27, None)),
    );
    // In time for 2026 (dated application) → unknown for 2027; the start window appears.
    assert_eq!(
        e.findings_gone.iter().map(|f| f.key).collect::<Vec<_>>(),
        ["finding.P-DEADLINE.in-time"]
    );
    let new: Vec<&str> = e.findings_new.iter().map(|f| f.key).collect();
    assert!(new.contains(&"finding.P-DEADLINE.unknown"), "{new:?}");
    assert!(new.contains(&"finding.P-START-WINDOW.unknown"), "{new:?}");
    // The amounts are carried: the totals are the same, every line is now unconfirmed (P).
    assert_eq!(e.total_before, e.total_after);
    assert!(
        e.lines
            .iter()
            .all(|l| l.after.as_ref().unwrap().confidence == Confidence::P)
    );
}

#[test]
fn a_corrected_edition_with_another_amount_changes_the_budget_lines_that_use_it() {
    let p = Project::from_file(riga()).unwrap();
    let old = rb(2026);
    let corrected = Rulebook::from_toml(&RB_2026.replacen(
        "per_person = { value = 680,",
        "per_person = { value = 700,",
        1,
    ))
    .unwrap();
    let none = CheckContext::default();
    let e = effects(
        (&check(&p, &old, &none), &budget(&p, &old, None)),
        (&check(&p, &corrected, &none), &budget(&p, &corrected, None)),
    );
    assert!(e.findings_gone.is_empty() && e.findings_new.is_empty());
    assert_eq!(e.lines.len(), p.visits.len(), "{:#?}", e.lines);
    assert!(!p.visits.is_empty());
    let persons: i64 = p.visits.iter().map(|v| i64::from(v.persons.count())).sum();
    assert_eq!(
        e.total_after.min.cents() - e.total_before.min.cents(),
        persons * 2000
    );
}
