//! End-to-end tests of `mobiplan compare`: the real binary on the Riga example and on what-if
//! copies of it written into a fresh temporary directory (green travel, a shorter activity).
//! Every expected number comes from `mobiplan budget --format json` / `mobiplan check` on the
//! same files, never from a figure written here.

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

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

const RATES: &str = "examples/rates/example-agency-2026.toml";
const PLAN: &str = "examples/sch-riga-school.toml";
const VALENCIA_TRAVEL: &str = r#"travel = { distance_km = 2630.47, means = "plane", days = 2 }"#;
const TARTU_END: &str = "end = 2026-11-13";

fn cents(v: &Value) -> i64 {
    let s = v
        .as_str()
        .unwrap_or_else(|| panic!("an amount string: {v}"));
    let (sign, s) = match s.strip_prefix('-') {
        Some(rest) => (-1, rest),
        None => (1, s),
    };
    let (whole, frac) = s.split_once('.').unwrap_or((s, "0"));
    sign * (whole.parse::<i64>().unwrap() * 100 + frac.parse::<i64>().unwrap())
}

/// The plan with one piece of text replaced (the replaced text must be there), written as
/// `name` into `dir`.
fn variant(dir: &Path, name: &str, from: &str, to: &str) -> String {
    let plan = std::fs::read_to_string(root().join(PLAN)).unwrap();
    assert!(plan.contains(from), "the example has {from}");
    let path = dir.join(name);
    std::fs::write(&path, plan.replacen(from, to, 1)).unwrap();
    path.to_str().unwrap().to_owned()
}

fn green(dir: &Path) -> String {
    variant(
        dir,
        "green.toml",
        VALENCIA_TRAVEL,
        r#"travel = { distance_km = 2630.47, green = true, means = "train", days = 2 }"#,
    )
}

fn shorter(dir: &Path) -> String {
    variant(dir, "shorter.toml", TARTU_END, "end = 2026-11-11")
}

fn budget(file: &str, rates: bool) -> Value {
    let mut args = vec!["budget", file, "--format", "json"];
    if rates {
        args.extend(["--rates", RATES]);
    }
    json(&mobiplan(&args))
}

/// The amount of a category in `mobiplan budget --format json` output, in cents (min, max).
fn category(b: &Value, id: &str) -> (i64, i64) {
    let c = b["by_category"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["category"] == id)
        .unwrap_or_else(|| panic!("category {id}"));
    (cents(&c["amount"]["min"]), cents(&c["amount"]["max"]))
}

fn pair(v: &Value) -> (i64, i64) {
    (cents(&v["min"]), cents(&v["max"]))
}

/// Every column's budget is `mobiplan budget`'s, and every difference is the difference of
/// the two budgets, category by category and in total.
fn assert_matches_budgets(c: &Value, files: &[&str], rates: bool) {
    let budgets: Vec<Value> = files.iter().map(|f| budget(f, rates)).collect();
    assert_eq!(c["columns"].as_array().unwrap().len(), files.len());
    assert_eq!(c["differences"].as_array().unwrap().len(), files.len() - 1);
    for (i, b) in budgets.iter().enumerate() {
        let col = &c["columns"][i];
        assert_eq!(col["total"], b["total"], "column {i}");
        for entry in col["by_category"].as_array().unwrap() {
            let id = entry["category"].as_str().unwrap();
            assert_eq!(pair(&entry["amount"]), category(b, id), "column {i} {id}");
        }
    }
    for (i, b) in budgets.iter().enumerate().skip(1) {
        let d = &c["differences"][i - 1];
        let first = &budgets[0];
        for entry in d["by_category"].as_array().unwrap() {
            let id = entry["category"].as_str().unwrap();
            let (lmin, lmax) = category(b, id);
            let (fmin, fmax) = category(first, id);
            assert_eq!(
                pair(&entry["amount"]),
                (lmin - fmin, lmax - fmax),
                "difference {i} {id}"
            );
        }
        assert_eq!(
            pair(&d["total"]),
            (
                cents(&b["total"]["min"]) - cents(&first["total"]["min"]),
                cents(&b["total"]["max"]) - cents(&first["total"]["max"])
            ),
            "difference {i} total"
        );
    }
}

fn difference_of(c: &Value, i: usize, id: &str) -> (i64, i64) {
    let entry = c["differences"][i]["by_category"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["category"] == id)
        .unwrap()
        .clone();
    pair(&entry["amount"])
}

#[test]
fn green_travel_against_the_plan_differs_in_travel_only_by_what_mobiplan_budget_says() {
    let dir = tempfile::tempdir().unwrap();
    let green = green(dir.path());
    let out = mobiplan(&[
        "compare", PLAN, &green, "--rates", RATES, "--format", "json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let c = json(&out);
    assert_matches_budgets(&c, &[PLAN, &green], true);
    assert_eq!(c["exact"], true);
    let travel = difference_of(&c, 0, "travel");
    assert!(travel.0 > 0, "green travel pays more: {travel:?}");
    for entry in c["differences"][0]["by_category"].as_array().unwrap() {
        if entry["category"] != "travel" {
            assert_eq!(pair(&entry["amount"]), (0, 0), "{}", entry["category"]);
        }
    }
    // The same titles: the columns are told apart by their file names.
    assert_eq!(c["columns"][0]["label"], "sch-riga-school.toml");
    assert_eq!(c["columns"][1]["label"], "green.toml");
    assert_eq!(c["columns"][1]["file"], green.as_str());
    assert_eq!(c["differences"][0]["people"]["participants"], 0);
    assert_eq!(c["columns"][0]["by_category"][0]["label"], "Travel");
}

#[test]
fn three_scenarios_without_rates_compare_as_ranges_against_the_first() {
    let dir = tempfile::tempdir().unwrap();
    let green = green(dir.path());
    let shorter = shorter(dir.path());
    let out = mobiplan(&["compare", PLAN, &green, &shorter, "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let c = json(&out);
    assert_matches_budgets(&c, &[PLAN, &green, &shorter], false);
    assert_eq!(c["exact"], false);
    // Two days fewer for the one person in Tartu: individual support down, a range.
    let support = difference_of(&c, 1, "individual-support");
    assert!(support.0 < 0 && support.1 < support.0, "{support:?}");
    let days = |i: usize| {
        c["columns"][i]["people"]["participant_days"]
            .as_i64()
            .unwrap()
    };
    assert_eq!(
        c["differences"][1]["people"]["participant_days"].as_i64(),
        Some(days(2) - days(0))
    );
    assert!(days(2) < days(0));
}

#[test]
fn the_text_table_has_a_column_per_file_and_signed_differences() {
    let dir = tempfile::tempdir().unwrap();
    let green = green(dir.path());
    let out = mobiplan(&["compare", PLAN, &green, "--rates", RATES]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = String::from_utf8(out.stdout).unwrap();
    let a = budget(PLAN, true);
    let b = budget(&green, true);
    let (fmin, _) = category(&a, "travel");
    let (lmin, _) = category(&b, "travel");
    let travel = mobiplan_i18n::signed_money(
        mobiplan_core::Money::from_cents(lmin - fmin),
        mobiplan_i18n::Lang::En,
    );
    assert!(travel.starts_with('+'), "{travel}");
    let row = text
        .lines()
        .find(|l| l.trim_start().starts_with("Travel"))
        .unwrap_or_else(|| panic!("a travel row:\n{text}"));
    assert!(row.trim_end().ends_with(&travel), "{row}");
    for label in [
        "sch-riga-school.toml",
        "green.toml",
        "Participants",
        "Errors",
        "Total EUR",
    ] {
        assert!(text.contains(label), "{label} missing:\n{text}");
    }
    let total = text
        .lines()
        .find(|l| l.trim_start().starts_with("Total EUR"))
        .unwrap();
    assert!(
        total.contains(&mobiplan_i18n::amount(
            mobiplan_core::Amount {
                min: mobiplan_core::Money::from_cents(cents(&a["total"]["min"])),
                max: mobiplan_core::Money::from_cents(cents(&a["total"]["max"])),
            },
            mobiplan_i18n::Lang::En
        )),
        "{total}"
    );
    // Latvian, too.
    let lv = mobiplan(&["compare", PLAN, &green, "--lang", "lv"]);
    let lv = String::from_utf8(lv.stdout).unwrap();
    assert!(lv.contains("Dalībnieki") && lv.contains("Ceļš"), "{lv}");
}

#[test]
fn rule_errors_are_counted_as_mobiplan_check_counts_them_and_do_not_fail_the_command() {
    let broken = "examples/broken-activities.toml";
    let out = mobiplan(&["compare", PLAN, broken, "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let c = json(&out);
    let check = json(&mobiplan(&["check", broken, "--format", "json"]));
    assert_eq!(
        c["columns"][1]["findings"]["errors"],
        check["summary"]["errors"]
    );
    assert_eq!(
        c["columns"][1]["findings"]["warnings"],
        check["summary"]["warnings"]
    );
    let rules = |v: &Value| -> std::collections::BTreeSet<String> {
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["rule"].as_str().unwrap().to_owned())
            .collect()
    };
    let fired = rules(&check);
    let in_plan = rules(&json(&mobiplan(&["check", PLAN, "--format", "json"])));
    let list = |v: &Value| -> std::collections::BTreeSet<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|r| r.as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(list(&c["columns"][1]["rules"]), fired);
    assert_eq!(list(&c["columns"][0]["rules"]), in_plan);
    assert_eq!(
        list(&c["differences"][0]["rules_added"]),
        fired.difference(&in_plan).cloned().collect()
    );
    assert_eq!(
        list(&c["differences"][0]["rules_removed"]),
        in_plan.difference(&fired).cloned().collect()
    );
    // Different titles: the columns are labelled with them.
    assert_eq!(c["columns"][1]["label"], check["project"]["title"]);
}

#[test]
fn unreadable_or_invalid_input_exits_2_and_names_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.toml");
    let missing = missing.to_str().unwrap();
    let out = mobiplan(&["compare", PLAN, missing]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("missing.toml"), "{}", stderr(&out));

    let bad = variant(
        dir.path(),
        "bad.toml",
        "call_year = 2026",
        "call_year = \"soon\"",
    );
    let out = mobiplan(&["compare", PLAN, &bad]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("bad.toml") && err.contains("call_year"),
        "{err}"
    );

    let out = mobiplan(&["compare", PLAN, PLAN, "--rates", missing]);
    assert_eq!(out.status.code(), Some(2));

    // One file is nothing to compare.
    let out = mobiplan(&["compare", PLAN]);
    assert_eq!(out.status.code(), Some(2));
}
