//! Implementation tracking: status changes, the `[implementation]` overlay, the derived
//! (actual and reported) projects, the reported budget and the evidence progress.
//!
//! The reported budget is checked against the budget of a project written out by hand as the
//! overlay says it should look, so the derivation is tested independently of itself.

use mobiplan_core::project::parse_toml;
use mobiplan_core::tracking::{self, Document, Scope, Status};
use mobiplan_core::{Category, Project, RateProfile, Rulebook, budget};

const AGENCY: &str = include_str!("../../../examples/rates/example-agency-2026.toml");

/// Two teachers on a course in Valencia and one job-shadowing in Tartu, with a preparatory
/// visit for the shadowing.
const PLAN: &str = r#"
format = 1

[project]
title = "Tracked project"
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

[[activities]]
id = "course"
kind = "course"
start = 2026-10-05
end = 2026-10-09
participants = { names = ["anna", "janis"] }
host = { name = "Valencia Teacher Academy", country = "ES" }
travel = { distance_km = 2630.47, means = "plane", days = 2 }
course = { provider = "Valencia Teacher Academy", title = "Digital tools", quality = ["information", "pedagogy", "european-dimension", "quality-service", "follow-up"] }

[[activities]]
id = "shadowing"
kind = "job-shadowing"
start = 2026-11-09
end = 2026-11-13
participants = { names = ["ilze"] }
host = { name = "Tartu Forest School", country = "EE" }
travel = { distance_km = 222.68, green = true, means = "bus", days = 2 }
mentor = "Kadri Tamm"

[[preparatory_visits]]
id = "visit"
prepares = "shadowing"
start = 2026-09-20
end = 2026-09-21
host = { name = "Tartu Forest School", country = "EE" }
persons = { names = ["ilze"] }
"#;

fn rb() -> Rulebook {
    Rulebook::embedded(2026).expect("the 2026 rulebook loads")
}

fn total(text: &str) -> mobiplan_core::Amount {
    let rb = rb();
    let profile = RateProfile::from_toml(AGENCY, &rb).unwrap();
    let p = Project::from_toml(text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    budget(&p, &rb, Some(&profile)).total
}

fn derived_total(text: &str, scope: Scope) -> mobiplan_core::Amount {
    let rb = rb();
    let profile = RateProfile::from_toml(AGENCY, &rb).unwrap();
    let f = parse_toml(text).expect("parses");
    Project::from_file(f.clone()).expect("the tracked plan loads");
    let (d, omitted) = tracking::derive(&f, scope);
    let p = Project::from_file(d).expect("the derived project loads");
    tracking::derived_budget(&p, &omitted, &rb, Some(&profile)).total
}

#[test]
fn status_changes_follow_planned_confirmed_completed_or_cancelled() {
    use Status::*;
    let legal = [
        (Planned, Confirmed),
        (Planned, Cancelled),
        (Confirmed, Completed),
        (Confirmed, Cancelled),
        (Confirmed, Planned),
        (Completed, Confirmed),
        (Cancelled, Planned),
    ];
    for from in Status::ALL {
        for to in Status::ALL {
            let result = from.change_to(to);
            if legal.contains(&(from, to)) {
                assert_eq!(result, Ok(to), "{from} → {to}");
            } else {
                let e = result.expect_err("illegal");
                assert_eq!((e.from, e.to), (from, to));
                let message = e.to_string();
                assert!(
                    message.contains(from.id()) && message.contains(to.id()),
                    "{message}"
                );
                for next in from.next() {
                    assert!(
                        message.contains(next.id()),
                        "says what is allowed: {message}"
                    );
                }
            }
        }
    }
}

#[test]
fn completing_a_planned_mobility_without_confirming_it_is_refused() {
    let e = Status::Planned.change_to(Status::Completed).unwrap_err();
    assert_eq!(e.key(), "tracking.illegal-transition");
    assert_eq!(
        e.to_string(),
        "planned cannot become completed; from planned it can become: confirmed, cancelled"
    );
}

#[test]
fn a_plan_without_implementation_is_its_own_actual_project_and_reports_nothing() {
    let f = parse_toml(PLAN).unwrap();
    let (actual, omitted) = tracking::derive(&f, Scope::Actual);
    assert_eq!(actual, f);
    assert!(omitted.activities.is_empty() && omitted.visits.is_empty());
    let (reported, omitted) = tracking::derive(&f, Scope::Reported);
    assert!(reported.activities.is_empty() && reported.preparatory_visits.is_empty());
    assert_eq!(omitted.activities.len(), 2);
}

#[test]
fn the_reported_budget_is_the_budget_of_what_was_completed_as_it_happened() {
    // Jānis dropped out of the course; Anna went by train (green, 6 travel days) and the
    // course moved a week. The shadowing is cancelled, but its preparatory visit took place.
    let tracked = format!(
        r#"{PLAN}
[implementation.activities.course]
status = "completed"
start = 2026-10-12
end = 2026-10-16
travel = {{ green = true, means = "train", days = 6 }}
persons = {{ janis = "cancelled" }}

[implementation.activities.shadowing]
status = "cancelled"

[implementation.visits.visit]
status = "completed"
"#
    );
    let by_hand = PLAN
        .replace(
            "start = 2026-10-05\nend = 2026-10-09",
            "start = 2026-10-12\nend = 2026-10-16",
        )
        .replace("names = [\"anna\", \"janis\"]", "names = [\"anna\"]")
        .replace(
            "travel = { distance_km = 2630.47, means = \"plane\", days = 2 }",
            "travel = { distance_km = 2630.47, green = true, means = \"train\", days = 6 }",
        );
    let by_hand = {
        // Keep only the course: cut the shadowing and its visit.
        let cut = by_hand.find("[[activities]]\nid = \"shadowing\"").unwrap();
        by_hand[..cut].to_owned()
    };
    // The visit's one person at the rulebook's unit cost.
    let visit = rb().funding.preparatory_visits.per_person.value;
    let expected = total(&by_hand);
    let reported = derived_total(&tracked, Scope::Reported);
    assert_eq!(reported.min.cents(), expected.min.cents() + visit.cents());
    assert_eq!(reported.max.cents(), expected.max.cents() + visit.cents());

    let f = parse_toml(&tracked).unwrap();
    let (_, omitted) = tracking::derive(&f, Scope::Reported);
    assert_eq!(
        omitted.activities,
        vec![("shadowing".to_owned(), Status::Cancelled)]
    );
    assert!(omitted.visits.is_empty());
    assert_eq!(omitted.carriers, vec!["shadowing".to_owned()]);
}

#[test]
fn a_confirmed_mobility_counts_as_expected_but_not_as_reported() {
    let tracked = format!(
        "{PLAN}\n[implementation.activities.course]\nstatus = \"confirmed\"\n\
         [implementation.activities.shadowing]\nstatus = \"completed\"\n"
    );
    assert_eq!(derived_total(&tracked, Scope::Actual), total(PLAN));
    let shadowing_only = {
        let start = PLAN.find("[[activities]]\nid = \"course\"").unwrap();
        let end = PLAN.find("[[activities]]\nid = \"shadowing\"").unwrap();
        let mut t = PLAN.to_owned();
        t.replace_range(start..end, "");
        // The visit is still planned: not reported.
        let cut = t.find("[[preparatory_visits]]").unwrap();
        t[..cut].to_owned()
    };
    assert_eq!(
        derived_total(&tracked, Scope::Reported),
        total(&shadowing_only)
    );
}

#[test]
fn every_participant_cancelled_means_the_activity_did_not_take_place() {
    let tracked = format!(
        "{PLAN}\n[implementation.activities.shadowing]\nstatus = \"completed\"\n\
         persons = {{ ilze = \"cancelled\" }}\n"
    );
    let f = parse_toml(&tracked).unwrap();
    Project::from_file(f.clone()).expect("loads");
    let (reported, omitted) = tracking::derive(&f, Scope::Reported);
    assert!(reported.activities.is_empty());
    assert_eq!(
        omitted.activities,
        vec![
            ("course".to_owned(), Status::Planned),
            ("shadowing".to_owned(), Status::Cancelled)
        ]
    );
}

fn load_errors(implementation: &str) -> Vec<(String, String)> {
    let f = parse_toml(&format!("{PLAN}\n{implementation}")).expect("the syntax is fine");
    match Project::from_file(f) {
        Ok(_) => vec![],
        // The key and its arguments, as the error's Display writes them for logs.
        Err(e) => e
            .errors
            .into_iter()
            .map(|e| (e.field.clone(), e.to_string()))
            .collect(),
    }
}

#[test]
fn an_overlay_that_does_not_fit_the_plan_is_refused_naming_the_field() {
    let cases = [
        (
            "[implementation.activities.nothing]\nstatus = \"completed\"\n",
            "implementation.activities.nothing",
            "input.unknown-activity {id=nothing}",
        ),
        (
            "[implementation.visits.nothing]\nstatus = \"completed\"\n",
            "implementation.visits.nothing",
            "input.unknown-visit {id=nothing}",
        ),
        (
            "[implementation.activities.course]\npersons = { ilze = \"cancelled\" }\n",
            "implementation.activities.course.persons.ilze",
            "input.not-a-participant {person=ilze}",
        ),
        (
            "[implementation.activities.course]\nstatus = \"planned\"\npersons = { anna = \"completed\" }\n",
            "implementation.activities.course.persons.anna",
            "input.person-ahead {person_status=completed, activity_status=planned}",
        ),
        (
            "[implementation.activities.course]\nstatus = \"cancelled\"\npersons = { anna = \"confirmed\" }\n",
            "implementation.activities.course.persons.anna",
            "input.person-in-cancelled {person_status=confirmed}",
        ),
        (
            "[implementation.activities.course]\nstatus = \"completed\"\npersons = { janis = \"cancelled\" }\nevidence = { attendance-certificate = 2 }\n",
            "implementation.activities.course.evidence.attendance-certificate",
            "input.evidence-more {value=2, count=1}",
        ),
        (
            "[implementation.activities.course]\nend = 2026-10-01\n",
            "implementation.activities.course.end",
            "input.end-before-start {end=2026-10-01, start=",
        ),
        (
            "[implementation]\nfinal_report = 2026-08-31\n",
            "implementation.final_report",
            "input.report-before-start {date=2026-08-31, start=2026-09-01}",
        ),
    ];
    for (imp, field, message) in cases {
        let errors = load_errors(imp);
        assert!(
            errors
                .iter()
                .any(|(f, m)| f == field && m.contains(message)),
            "{imp}: {errors:?}"
        );
    }
}

#[test]
fn unknown_keys_statuses_and_documents_in_the_overlay_are_refused_by_the_parser() {
    for bad in [
        "[implementation]\nawarded = { travels = 100 }\n",
        "[implementation.activities.course]\nstatus = \"done\"\n",
        "[implementation.activities.course]\nevidence = { tickets = 1 }\n",
        "[implementation.activities.course]\nstatuss = \"completed\"\n",
    ] {
        let e = parse_toml(&format!("{PLAN}\n{bad}")).expect_err(bad);
        assert!(
            e.errors
                .iter()
                .all(|e| e.field.starts_with("implementation")),
            "{bad}: {e}"
        );
    }
}

/// The whole tracking path on a file: derive, load and budget each project, report.
/// Returns the report and the reported budget it was made from.
fn report_of(
    tracked: &str,
    rb: &Rulebook,
    profile: Option<&RateProfile>,
) -> (tracking::Report, mobiplan_core::Budget) {
    let f = parse_toml(tracked).unwrap();
    let plan = Project::from_file(f.clone()).unwrap();
    let t = tracking::evaluate(&f, &plan, rb, profile, now(), Project::from_file).unwrap();
    (t.report, t.reported)
}

fn now() -> chrono::DateTime<chrono::FixedOffset> {
    chrono::DateTime::parse_from_rfc3339("2027-06-01T12:00:00+03:00").unwrap()
}

#[test]
fn evidence_progress_counts_each_needed_document_for_each_participant() {
    let tracked = format!(
        r#"{PLAN}
[implementation.activities.course]
status = "completed"
evidence = {{ attendance-certificate = 2, course-certificate = 1, travel-tickets = 2 }}
"#
    );
    let rb = rb();
    let (r, br) = report_of(&tracked, &rb, None);
    let course = r.evidence.iter().find(|e| e.activity == "course").unwrap();
    // What the course needs, from the rulebook: a course with standard (non-green) travel.
    let needs: Vec<Document> = rb
        .tracking
        .evidence
        .value
        .iter()
        .filter(|(_, n)| n.applies(mobiplan_core::ActivityKind::Course, Some(false)))
        .map(|(d, _)| *d)
        .collect();
    assert!(needs.contains(&Document::CourseCertificate));
    assert!(!needs.contains(&Document::GreenTravelDeclaration));
    assert_eq!(course.participants, 2);
    assert_eq!(course.needed(), 2 * needs.len() as u32);
    assert_eq!(course.received(), 2 + 1 + 2);
    let shadowing = r
        .evidence
        .iter()
        .find(|e| e.activity == "shadowing")
        .unwrap();
    assert!(
        shadowing
            .documents
            .iter()
            .any(|d| d.0 == Document::GreenTravelDeclaration),
        "green travel needs its declaration"
    );
    assert_eq!(shadowing.received(), 0);
    assert_eq!(r.statuses.completed, 1);
    assert_eq!(r.statuses.planned, 1);
    let (got, needed) = r.evidence_progress();
    assert_eq!((got, needed), (5, course.needed() + shadowing.needed()));
    // Without agency rates the reported amounts are ranges, like any budget.
    assert_eq!(r.reported_total, br.total);
    let travel = r
        .rows
        .iter()
        .find(|row| row.category == Category::Travel)
        .unwrap();
    assert_eq!(travel.reported, br.by_category[0].amount);
    assert!(travel.awarded.is_none() && travel.percent_used.is_none());
}

#[test]
fn awarded_and_used_share_per_category_are_reported() {
    let tracked = format!(
        "{PLAN}\n[implementation]\nawarded = {{ travel = 1000, course-fees = 800 }}\n\
         [implementation.activities.course]\nstatus = \"completed\"\n"
    );
    let rb = rb();
    let profile = RateProfile::from_toml(AGENCY, &rb).unwrap();
    let (r, _) = report_of(&tracked, &rb, Some(&profile));
    assert_eq!(
        r.awarded_total,
        Some(mobiplan_core::Money::from_euros(1800))
    );
    let fees = r
        .rows
        .iter()
        .find(|row| row.category == Category::CourseFees)
        .unwrap();
    let reported_fees = fees.reported.min.cents();
    // 2 participants × 5 days × the rulebook's daily fee.
    let per_day = rb.funding.course_fees.per_day.value.cents();
    assert_eq!(reported_fees, 2 * 5 * per_day);
    let expect = (reported_fees * 100 + 80_000 / 2) / 80_000;
    assert_eq!(fees.percent_used, Some((expect as u32, expect as u32)));
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    fn status() -> impl Strategy<Value = Status> {
        prop::sample::select(Status::ALL.to_vec())
    }

    proptest! {
        /// With statuses only (no changed dates, people or travel), what is reported is part of
        /// what is expected, which is part of the plan: completed ⊆ not cancelled ⊆ planned.
        #[test]
        fn reported_never_exceeds_expected_and_expected_never_exceeds_the_plan(
            course in status(),
            shadowing in status(),
            visit in status(),
            janis in status(),
        ) {
            let tracked = format!(
                "{PLAN}\n[implementation.activities.course]\nstatus = \"{course}\"\n\
                 persons = {{ janis = \"{janis}\" }}\n\
                 [implementation.activities.shadowing]\nstatus = \"{shadowing}\"\n\
                 [implementation.visits.visit]\nstatus = \"{visit}\"\n"
            );
            let f = parse_toml(&tracked).unwrap();
            // Combinations the loader refuses (Jānis completed on a planned course) are not plans.
            prop_assume!(Project::from_file(f.clone()).is_ok());
            let reported = derived_total(&tracked, Scope::Reported);
            let expected = derived_total(&tracked, Scope::Actual);
            let planned = total(PLAN);
            prop_assert!(reported.min <= expected.min && reported.max <= expected.max);
            prop_assert!(expected.min <= planned.min && expected.max <= planned.max);
        }
    }
}

#[test]
fn removing_an_activity_takes_its_visits_and_their_records_so_the_file_still_loads() {
    let tracked = format!(
        "{PLAN}\n[implementation.activities.shadowing]\nstatus = \"completed\"\n\
         [implementation.activities.course]\nstatus = \"confirmed\"\n\
         [implementation.visits.visit]\nstatus = \"completed\"\n"
    );
    let mut f = parse_toml(&tracked).unwrap();
    f.remove_activity("shadowing");
    assert!(f.activities.iter().all(|a| a.id != "shadowing"));
    assert!(f.preparatory_visits.is_empty(), "the visit prepared it");
    let imp = f.implementation.as_ref().unwrap();
    assert!(imp.visits.is_empty());
    assert_eq!(imp.activities.keys().collect::<Vec<_>>(), vec!["course"]);
    Project::from_file(f).expect("still loads");
}
