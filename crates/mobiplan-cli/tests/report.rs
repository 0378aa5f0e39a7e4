//! End-to-end tests of `mobiplan report` (implementation tracking): the real binary on the
//! tracked example and on files written into a fresh temporary directory; reported amounts are
//! compared with `mobiplan budget` on plans that say the same thing.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn mobiplan(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mobiplan"))
        .args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .output()
        .expect("the binary runs")
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}):\n{}\nstderr:\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

const RATES: &str = "examples/rates/example-agency-2026.toml";
const PLAN: &str = "examples/sch-riga-school.toml";
const TRACKED: &str = "examples/tracked-sch-riga-school.toml";

fn cents(v: &Value) -> i64 {
    let s = v
        .as_str()
        .unwrap_or_else(|| panic!("an amount string: {v}"));
    let (whole, frac) = s.split_once('.').unwrap_or((s, "0"));
    whole.parse::<i64>().unwrap() * 100 + frac.parse::<i64>().unwrap()
}

fn plan_with(implementation: &str, dir: &Path) -> PathBuf {
    let plan = std::fs::read_to_string(root().join(PLAN)).unwrap();
    let path = dir.join("tracked.toml");
    std::fs::write(&path, format!("{plan}\n{implementation}")).unwrap();
    path
}

#[test]
fn the_tracked_example_reports_its_plan_as_mobiplan_budget_does_and_sums_its_categories() {
    let out = mobiplan(&["report", TRACKED, "--rates", RATES, "--format", "json"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let r = json(&out);
    let b = json(&mobiplan(&[
        "budget", PLAN, "--rates", RATES, "--format", "json",
    ]));
    assert_eq!(
        r["totals"]["planned"], b["total"],
        "the plan is the example's plan"
    );
    for key in ["planned", "reported", "expected"] {
        let sum: i64 = r["categories"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| cents(&c[key]["min"]))
            .sum();
        assert_eq!(sum, cents(&r["totals"][key]["min"]), "{key}");
    }
    let awarded: i64 = r["categories"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| !c["awarded"].is_null())
        .map(|c| cents(&c["awarded"]))
        .sum();
    assert_eq!(awarded, cents(&r["totals"]["awarded"]));
    assert_eq!(r["statuses"]["completed"], 2);
    assert_eq!(r["statuses"]["confirmed"], 1);
    assert_eq!(r["omitted"]["reported"]["activities"][0][0], "group-porto");
    assert!(r["evidence"]["received"].as_u64().unwrap() > 0);
    assert!(r["evidence"]["received"].as_u64() < r["evidence"]["needed"].as_u64());
}

#[test]
fn when_everything_is_completed_as_planned_the_reported_budget_is_the_planned_one() {
    let dir = tempfile::tempdir().unwrap();
    let file = plan_with(
        "[implementation.activities.course-valencia]\nstatus = \"completed\"\n\
         [implementation.activities.shadowing-tartu]\nstatus = \"completed\"\n\
         [implementation.activities.group-porto]\nstatus = \"completed\"\n\
         [implementation.visits.visit-porto]\nstatus = \"completed\"\n",
        dir.path(),
    );
    let file = file.to_str().unwrap();
    let r = json(&mobiplan(&[
        "report", file, "--rates", RATES, "--format", "json",
    ]));
    let b = json(&mobiplan(&[
        "budget", PLAN, "--rates", RATES, "--format", "json",
    ]));
    assert_eq!(r["totals"]["reported"], b["total"]);
    assert_eq!(r["totals"]["expected"], b["total"]);
}

#[test]
fn reporting_more_travel_than_awarded_warns_with_t_over_awarded_in_both_languages() {
    let dir = tempfile::tempdir().unwrap();
    let file = plan_with(
        "[implementation]\nawarded = { travel = 100 }\n\
         [implementation.activities.course-valencia]\nstatus = \"completed\"\n",
        dir.path(),
    );
    let file = file.to_str().unwrap();
    let out = mobiplan(&["report", file, "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "a warning is not an error");
    let r = json(&out);
    let rules: Vec<&str> = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["rule"].as_str())
        .collect();
    assert!(rules.contains(&"T-OVER-AWARDED"), "{rules:?}");
    let en = String::from_utf8(mobiplan(&["report", file]).stdout).unwrap();
    assert!(
        en.contains("T-OVER-AWARDED") && en.contains("Travel:"),
        "{en}"
    );
    let lv = String::from_utf8(mobiplan(&["report", file, "--lang", "lv"]).stdout).unwrap();
    assert!(
        lv.contains("Ceļš:") && lv.contains("piešķirtie 100 EUR"),
        "{lv}"
    );
}

#[test]
fn an_overlay_naming_an_unknown_activity_is_bad_input_with_exit_status_2() {
    let dir = tempfile::tempdir().unwrap();
    let file = plan_with(
        "[implementation.activities.nothing]\nstatus = \"completed\"\n",
        dir.path(),
    );
    let out = mobiplan(&["report", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(
            "implementation.activities.nothing: No activity has the identifier “nothing”."
        ),
        "{stderr}"
    );
}

#[test]
fn the_actual_project_is_checked_so_a_fourth_course_participant_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    // The course took four teachers instead of two: C-MAX-PER-COURSE holds for what happened.
    let file = plan_with(
        "[implementation.activities.course-valencia]\nstatus = \"completed\"\n\
         participants = { count = 4 }\n",
        dir.path(),
    );
    let out = mobiplan(&["report", file.to_str().unwrap(), "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let r = json(&out);
    assert!(
        r["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["rule"] == "C-MAX-PER-COURSE"),
        "{r:#}"
    );
}

/// The agenda on the day of `--now`: days to the end and to the final report counted from the
/// plan's dates and the rulebook's term, an activity that ended without being completed is
/// overdue, and a recorded submission of the final report ends its countdown.
#[test]
fn the_report_carries_the_agenda_of_the_day_given_with_now() {
    let dir = tempfile::tempdir().unwrap();
    let file = plan_with(
        "[implementation.activities.course-valencia]\nstatus = \"confirmed\"\n",
        dir.path(),
    );
    let path = file.to_str().unwrap();
    let out = mobiplan(&[
        "report",
        path,
        "--now",
        "2026-10-20T09:00:00+03:00",
        "--format",
        "json",
    ]);
    let r = json(&out);
    let a = &r["agenda"];
    let plan =
        mobiplan_core::project::parse_toml(&std::fs::read_to_string(&file).unwrap()).unwrap();
    let start = plan.project.start.0;
    let end = start
        .checked_add_months(chrono::Months::new(plan.project.duration_months))
        .unwrap()
        .pred_opt()
        .unwrap();
    let today = chrono::NaiveDate::from_ymd_opt(2026, 10, 20).unwrap();
    let rb = mobiplan_core::Rulebook::embedded(2026).unwrap();
    let due = end + chrono::Days::new(u64::from(rb.reporting.final_report_days.value));
    assert_eq!(a["end"], end.to_string());
    assert_eq!(a["days_to_end"], (end - today).num_days());
    assert_eq!(a["final_report_due"], due.to_string());
    assert_eq!(a["days_to_report"], (due - today).num_days());
    let overdue = a["overdue"].as_array().unwrap();
    assert!(
        overdue
            .iter()
            .any(|o| o["kind"] == "not-completed" && o["activity"] == "course-valencia"),
        "{a:#}"
    );
    // The next event is the job shadowing's start (2026-11-09), still planned.
    assert_eq!(a["next"][0]["kind"], "activity-start");
    assert_eq!(a["next"][0]["activity"], "shadowing-tartu");

    let text = mobiplan(&[
        "report",
        path,
        "--now",
        "2026-10-20T09:00:00+03:00",
        "--lang",
        "lv",
    ]);
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.contains("course-valencia beidzās 2026-10-09, bet nav atzīmēta kā notikusi"),
        "{text}"
    );

    let file = plan_with("[implementation]\nfinal_report = 2027-09-20\n", dir.path());
    let out = mobiplan(&[
        "report",
        file.to_str().unwrap(),
        "--now",
        "2027-10-01T09:00:00+03:00",
        "--format",
        "json",
    ]);
    let a = &json(&out)["agenda"];
    assert_eq!(a["final_report_submitted"], "2027-09-20");
    assert!(
        a["overdue"]
            .as_array()
            .unwrap()
            .iter()
            .all(|o| o["kind"] != "final-report")
    );
}
