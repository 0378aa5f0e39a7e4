//! The worked example of the funding reference: two teachers from Riga on a 5-day course in
//! Valencia, with the example agency's staff rate of 104 EUR per day in group 2.

use mobiplan_core::{Amount, Money, Project, RateProfile, Rulebook, budget};

const PROFILE: &str = include_str!("../../../examples/rates/example-agency-2026.toml");

fn course_project(green: bool) -> Project {
    let travel = if green {
        r#"travel = { distance_km = 2630.47, green = true, means = "train", days = 6 }"#
    } else {
        r#"travel = { distance_km = 2630.47, means = "plane", days = 2 }"#
    };
    let text = format!(
        r#"
format = 1
[project]
title = "Worked example"
field = "SCH"
call_year = 2026
round = 1
start = 2026-09-01
duration_months = 12
[applicant]
name = "A Riga school"
country = "LV"
[[activities]]
id = "course"
kind = "course"
start = 2026-10-05
end = 2026-10-09
participants = {{ count = 2 }}
host = {{ name = "Course provider", country = "ES", town = "Valencia" }}
{travel}
course = {{ provider = "Course provider", title = "A course" }}
"#
    );
    Project::from_toml(&text).expect("the worked example parses")
}

fn total(green: bool) -> Amount {
    let rb = Rulebook::embedded(2026).unwrap();
    let profile = RateProfile::from_toml(PROFILE, &rb).unwrap();
    budget(&course_project(green), &rb, Some(&profile)).total
}

#[test]
fn two_teachers_flying_to_a_five_day_course_in_valencia_get_3246() {
    assert_eq!(total(false), Amount::exact(Money::from_euros(3246)));
}

#[test]
fn the_same_course_by_train_with_six_travel_days_gets_4358() {
    assert_eq!(total(true), Amount::exact(Money::from_euros(4358)));
}

#[test]
fn without_agency_rates_the_worked_example_is_a_range_around_the_agency_figure() {
    let rb = Rulebook::embedded(2026).unwrap();
    let b = budget(&course_project(false), &rb, None);
    // Individual support with the Commission's group-2 range 84–170 instead of 104.
    assert_eq!(b.total.min, Money::from_euros(790 + 2 * 7 * 84 + 800 + 200));
    assert_eq!(
        b.total.max,
        Money::from_euros(790 + 2 * 7 * 170 + 800 + 200)
    );
    assert!(b.total.min < Money::from_euros(3246) && Money::from_euros(3246) < b.total.max);
}
