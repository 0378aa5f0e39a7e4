//! End-to-end tests: the real `mobiplan` binary, run on the example files and on files written
//! into a fresh temporary directory.

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

fn examples(prefix_broken: bool) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(root().join("examples"))
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".toml") && n.starts_with("broken-") == prefix_broken)
        .map(|n| format!("examples/{n}"))
        .collect();
    v.sort();
    v
}

const RATES: &str = "examples/rates/example-agency-2026.toml";

#[test]
fn every_valid_example_checks_clean_and_budgets_exactly_with_agency_rates() {
    let valid = examples(false);
    assert!(valid.len() >= 3, "one valid example per field: {valid:?}");
    for file in &valid {
        let out = mobiplan(&["check", file, "--format", "json"]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{file}: {}",
            String::from_utf8_lossy(&out.stdout)
        );
        let v = json(&out);
        assert_eq!(v["summary"]["errors"], 0, "{file}");
        assert_eq!(v["summary"]["warnings"], 0, "{file}");

        let out = mobiplan(&["budget", file, "--rates", RATES, "--format", "json"]);
        assert_eq!(out.status.code(), Some(0), "{file}");
        let b = json(&out);
        assert_eq!(b["exact"], true, "{file}");
        assert_eq!(b["incomplete"], false, "{file}");
        assert_eq!(b["total"]["min"], b["total"]["max"]);
    }
}

#[test]
fn every_broken_example_exits_1_and_names_its_rules_in_both_languages() {
    let broken = examples(true);
    assert!(!broken.is_empty());
    for file in &broken {
        let out = mobiplan(&["check", file, "--format", "json", "--lang", "lv"]);
        assert_eq!(out.status.code(), Some(1), "{file}");
        let v = json(&out);
        let findings = v["findings"].as_array().unwrap();
        assert!(findings.iter().any(|f| f["severity"] == "error"), "{file}");
        for f in findings {
            assert!(f["rule"].as_str().is_some_and(|r| r.len() > 3));
            let (en, lv) = (
                f["messages"]["en"].as_str().unwrap(),
                f["messages"]["lv"].as_str().unwrap(),
            );
            assert_ne!(en, lv, "{file}: {} has no Latvian message", f["rule"]);
            assert_eq!(f["message"], f["messages"]["lv"]);
            assert!(!en.contains('{'), "unfilled placeholder in {en}");
            assert!(!lv.contains('{'), "unfilled placeholder in {lv}");
        }
    }
}

/// Writes the worked example of the funding reference with a change, into a temporary dir.
fn worked_example(dir: &Path, edit: impl Fn(String) -> String) -> PathBuf {
    let text = r#"format = 1
[project]
title = "Worked example"
field = "SCH"
call_year = 2026
round = 1
start = 2026-09-01
duration_months = 12
application_date = 2026-02-01
[applicant]
name = "A Riga school"
country = "LV"
[[activities]]
id = "course"
kind = "course"
start = 2026-10-05
end = 2026-10-09
participants = { count = 2 }
host = { name = "Course provider", country = "ES", town = "Valencia" }
travel = { distance_km = 2630.47, means = "plane", days = 2 }
course = { provider = "Course provider", title = "A course", quality = ["information", "pedagogy", "european-dimension", "quality-service", "follow-up"] }
"#;
    let path = dir.join("project.toml");
    std::fs::write(&path, edit(text.to_owned())).unwrap();
    path
}

#[test]
fn the_worked_example_budgets_3246_by_plane_and_4358_by_train() {
    let dir = tempfile::tempdir().unwrap();
    let plane = worked_example(dir.path(), |t| t);
    let out = mobiplan(&[
        "budget",
        plane.to_str().unwrap(),
        "--rates",
        RATES,
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(json(&out)["total"]["min"], "3246.00");

    let train = worked_example(dir.path(), |t| {
        t.replace(
            r#"means = "plane", days = 2"#,
            r#"green = true, means = "train", days = 6"#,
        )
    });
    let out = mobiplan(&[
        "budget",
        train.to_str().unwrap(),
        "--rates",
        RATES,
        "--format",
        "json",
    ]);
    assert_eq!(json(&out)["total"]["max"], "4358.00");

    let text = mobiplan(&["budget", train.to_str().unwrap(), "--rates", RATES]);
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(text.contains("4,358 EUR"), "{text}");
    assert!(text.contains("= 2 × 11 × 104"), "{text}");
}

#[test]
fn without_rates_the_budget_is_a_range_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let file = worked_example(dir.path(), |t| t);
    let out = mobiplan(&["budget", file.to_str().unwrap(), "--format", "json"]);
    let v = json(&out);
    assert_eq!(v["exact"], false);
    assert_eq!(v["total"]["min"], "2966.00"); // 790 + 2 × 7 × 84 + 800 + 200
    assert_eq!(v["total"]["max"], "4170.00"); // 790 + 2 × 7 × 170 + 800 + 200
    let text = String::from_utf8(mobiplan(&["budget", file.to_str().unwrap()]).stdout).unwrap();
    assert!(text.contains("2,966 – 4,170"), "{text}");
    assert!(text.contains("--rates"), "{text}");
}

#[test]
fn a_fourth_teacher_on_the_course_is_reported_in_latvian_and_english() {
    let dir = tempfile::tempdir().unwrap();
    let file = worked_example(dir.path(), |t| t.replace("count = 2", "count = 4"));
    let en = mobiplan(&["check", file.to_str().unwrap()]);
    assert_eq!(en.status.code(), Some(1));
    let en = String::from_utf8(en.stdout).unwrap();
    assert!(en.contains("C-MAX-PER-COURSE"), "{en}");
    assert!(
        en.contains("4 persons of the project are on the course"),
        "{en}"
    );
    let lv = String::from_utf8(mobiplan(&["check", file.to_str().unwrap(), "--lang", "lv"]).stdout)
        .unwrap();
    assert!(lv.contains("C-MAX-PER-COURSE"), "{lv}");
    assert!(lv.contains("ir 4 projekta personas"), "{lv}");
    assert!(lv.contains("kļūda"), "{lv}");
}

#[test]
fn a_malformed_file_exits_2_naming_the_field_and_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let file = worked_example(dir.path(), |t| {
        t.replace("distance_km = 2630.47", "distance_km = \"far\"")
    });
    let out = mobiplan(&["check", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("activities[0].travel.distance_km (line 20): Write a number here"),
        "{err}"
    );
    assert!(out.stdout.is_empty());
}

#[test]
fn a_structural_problem_exits_2_naming_every_field() {
    let dir = tempfile::tempdir().unwrap();
    let file = worked_example(dir.path(), |t| {
        t.replace("end = 2026-10-09", "end = 2026-10-01").replace(
            "participants = { count = 2 }",
            "participants = { names = [\"nobody\"] }",
        )
    });
    let out = mobiplan(&["check", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains(
            "activities[0].end: The end date 2026-10-01 is before the start date 2026-10-05."
        ),
        "{err}"
    );
    assert!(
        err.contains(
            "activities[0].participants.names[0]: No person of the project has the identifier “nobody”."
        ),
        "{err}"
    );
}

/// `--lang lv` says every problem of a file in Latvian: a structural one, a value the field
/// does not take (with the values it takes), and a syntax error with its line.
#[test]
fn a_broken_file_is_described_in_latvian_with_lang_lv() {
    let dir = tempfile::tempdir().unwrap();
    let file = worked_example(dir.path(), |t| {
        t.replace("end = 2026-10-09", "end = 2026-10-01")
    });
    let out = mobiplan(&["check", file.to_str().unwrap(), "--lang", "lv"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("Nevar nolasīt"), "{err}");
    assert!(
        err.contains(
            "activities[0].end: Beigu datums 2026-10-01 ir pirms sākuma datuma 2026-10-05."
        ),
        "{err}"
    );
    assert!(!err.contains("is before"), "{err}");

    let file = worked_example(dir.path(), |t| {
        t.replace("field = \"SCH\"", "field = \"SCX\"")
    });
    let out = mobiplan(&["check", file.to_str().unwrap(), "--lang", "lv"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("project.field (4. rindiņa): “SCX” nav neviena no šī lauka pieļaujamajām vērtībām: “SCH” (skolu izglītība), “VET”"),
        "{err}"
    );
    assert!(
        !err.contains("unknown variant"),
        "the parser's English stays out: {err}"
    );

    let file = worked_example(dir.path(), |t| t.replace("round = 1", "round = = 1"));
    let out = mobiplan(&["check", file.to_str().unwrap(), "--lang", "lv"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("6. rindiņa: Šeit fails nav derīgs TOML"),
        "{err}"
    );
    assert!(err.contains("(tehniskā informācija: "), "{err}");
}

#[test]
fn missing_files_and_unknown_years_exit_2_with_a_clear_message() {
    let out = mobiplan(&["check", "no/such/file.toml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no/such/file.toml"));

    let dir = tempfile::tempdir().unwrap();
    let file = worked_example(dir.path(), |t| {
        t.replace("call_year = 2026", "call_year = 2031")
    });
    let out = mobiplan(&["check", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no rulebook for call year 2031"));

    let out = mobiplan(&["budget", file.to_str().unwrap(), "--lang", "de"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn a_json_project_gives_the_same_budget_as_its_toml_twin() {
    let dir = tempfile::tempdir().unwrap();
    for file in examples(false) {
        let text = std::fs::read_to_string(root().join(&file)).unwrap();
        let parsed = mobiplan_core::project::parse_toml(&text).unwrap();
        let json_path = dir.path().join("twin.json");
        std::fs::write(&json_path, serde_json::to_string_pretty(&parsed).unwrap()).unwrap();
        let a = json(&mobiplan(&[
            "budget", &file, "--rates", RATES, "--format", "json",
        ]));
        let b = json(&mobiplan(&[
            "budget",
            json_path.to_str().unwrap(),
            "--rates",
            RATES,
            "--format",
            "json",
        ]));
        assert_eq!(a["total"], b["total"], "{file}");
        assert_eq!(a["lines"], b["lines"], "{file}");
    }
}

#[test]
fn rules_lists_every_rule_id_with_its_values_source_and_confidence() {
    // The default year is the call open or coming by today's date; this is about call 2026.
    let out = mobiplan(&["rules", "--year", "2026", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0));
    let v = json(&out);
    let ids: Vec<&str> = v["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    for id in mobiplan_core::RuleId::ALL {
        assert!(ids.contains(&id.as_str()), "{id} missing");
    }
    let duration = v["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "P-DURATION")
        .unwrap();
    assert_eq!(duration["values"][0]["value"], 6);
    assert_eq!(duration["values"][0]["source"], "seed-2026");
    for p in v["parameters"].as_array().unwrap() {
        assert!(
            p["source"].is_string() && p["confidence"].is_string(),
            "{p}"
        );
    }
    let text = String::from_utf8(mobiplan(&["rules", "--lang", "lv"]).stdout).unwrap();
    assert!(text.contains("J-MENTOR-MAX-2"));
    assert!(text.contains("provizorisks"));
    let out = mobiplan(&["rules", "--year", "2031"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn the_committed_json_schema_is_the_one_the_binary_prints() {
    let out = mobiplan(&["schema"]);
    let printed: Value = json(&out);
    let committed: Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("schema/project.schema.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(
        printed, committed,
        "run: mobiplan schema > schema/project.schema.json"
    );
}

#[test]
fn output_into_a_closed_pipe_ends_quietly() {
    use std::io::Read;
    use std::process::Stdio;
    let mut child = Command::new(env!("CARGO_BIN_EXE_mobiplan"))
        .args(["rules"])
        .current_dir(root())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let status = child.wait().unwrap();
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(status.code(), Some(0));
}

#[test]
fn distance_reproduces_the_published_figures_from_their_coordinates() {
    let out = mobiplan(&[
        "distance",
        "40.4165,-3.70256",
        "41.89193,12.51133",
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let v = json(&out);
    assert_eq!(v["km"], 1365.28);
    assert_eq!(v["band"]["label"], "500–1999");
    assert_eq!(v["amounts"]["standard"], "309.00");
    assert_eq!(v["amounts"]["green"], "417.00");

    let v = json(&mobiplan(&[
        "distance",
        "52.5170365,13.3888599",
        "60.1674081,24.9425473",
        "--format",
        "json",
    ]));
    assert_eq!(v["km"], 1106.17);
    assert_eq!(v["warnings"].as_array().unwrap().len(), 0);
}

#[test]
fn distance_between_named_places_shows_band_amounts_and_the_points_used() {
    let out = mobiplan(&["distance", "Rīga", "Valencia", "--lang", "lv"]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("Riga, Riga, LV"), "{text}");
    assert!(text.contains("Valencia, Valencia, ES"), "{text}");
    assert!(text.contains("josla 2000–2999 km: 395 EUR"), "{text}");
    assert!(text.contains("GeoNames 456172"), "{text}");
    assert!(text.contains("CC BY 4.0"), "{text}");
}

#[test]
fn an_ambiguous_place_lists_candidates_instead_of_guessing() {
    let out = mobiplan(&["distance", "Rīga", "Frankfurt"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("Frankfurt am Main, Hesse, DE"), "{err}");
    assert!(err.contains("Frankfurt (Oder), Brandenburg, DE"), "{err}");
    assert!(out.stdout.is_empty());
    let ok = mobiplan(&["distance", "Rīga", "Frankfurt, Hesse", "--format", "json"]);
    assert_eq!(json(&ok)["to"]["name"], "Frankfurt am Main");
}

#[test]
fn a_distance_near_a_band_border_carries_the_band_edge_warning() {
    // 0.9° of longitude on the equator is 100.08 km: within 5 km of the 100 km border.
    let v = json(&mobiplan(&["distance", "0,0", "0,0.9", "--format", "json"]));
    assert_eq!(v["km"], 100.08);
    assert_eq!(v["warnings"][0]["rule"], "A-DISTANCE-BAND-EDGE");
}

#[test]
fn places_finds_latvian_exonyms_and_reports_candidates_as_json() {
    let v = json(&mobiplan(&[
        "places", "Parīze", "--format", "json", "--limit", "3",
    ]));
    assert_eq!(v["places"][0]["name"], "Paris");
    assert_eq!(v["places"][0]["country"], "FR");
    let v = json(&mobiplan(&["places", "Valencia", "--format", "json"]));
    assert_eq!(v["places"][0]["country"], "ES");
    let out = mobiplan(&["places", "95,24"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("latitude 95 is out of range"));
}

#[test]
fn a_project_may_give_towns_instead_of_kilometres() {
    let dir = tempfile::tempdir().unwrap();
    let file = worked_example(dir.path(), |t| {
        t.replace("distance_km = 2630.47, ", "").replace(
            "name = \"A Riga school\"",
            "name = \"A Riga school\"\ntown = \"Rīga\"",
        )
    });
    let out = mobiplan(&[
        "budget",
        file.to_str().unwrap(),
        "--rates",
        RATES,
        "--format",
        "json",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v = json(&out);
    assert_eq!(v["total"]["min"], "3246.00");
    let travel = &v["lines"][0];
    let evidence = travel["params"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["path"] == "distance.computed")
        .unwrap();
    assert!(
        evidence["value"]
            .as_str()
            .unwrap()
            .contains("Valencia, Valencia, ES"),
        "{evidence}"
    );

    let ambiguous = worked_example(dir.path(), |t| {
        t.replace("distance_km = 2630.47, ", "")
            .replace(
                "name = \"A Riga school\"",
                "name = \"A Riga school\"\ntown = \"Rīga\"",
            )
            .replace(
                "country = \"ES\", town = \"Valencia\"",
                "country = \"DE\", town = \"Frankfurt\"",
            )
    });
    let out = mobiplan(&["check", ambiguous.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("activities[0].host.town"), "{err}");
    assert!(err.contains("Frankfurt (Oder)"), "{err}");
}

#[test]
fn version_and_about_credit_geonames() {
    for args in [&["--version"][..], &["about"][..]] {
        let out = mobiplan(args);
        assert_eq!(out.status.code(), Some(0));
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(
            text.contains("Contains data from GeoNames (www.geonames.org), CC BY 4.0, modified"),
            "{text}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Call years and editions: rules --year 2027, rules diff, migrate, corrected editions

const RIGA: &str = "examples/sch-riga-school.toml";
const ON_6_DECEMBER: &str = "2026-12-06T12:00:00+02:00";

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn rules_2027_lists_every_value_with_its_confidence_and_carried_or_unknown_state() {
    let out = mobiplan(&["rules", "--year", "2027", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v = json(&out);
    assert_eq!(v["call_year"], 2027);
    let params = v["parameters"].as_array().unwrap();
    assert!(params.len() > 60);
    for p in params {
        let state = p["state"].as_str().unwrap();
        assert!(p["confidence"].is_string(), "{p}");
        match state {
            "carried" => {
                assert_eq!(p["carried_from"], 2026, "{p}");
                assert_eq!(p["confidence"], "P", "{p}");
            }
            "unknown" => {
                assert!(p["value"].is_null(), "{p}");
                assert!(p["path"].as_str().unwrap().starts_with("rounds.1."), "{p}");
            }
            other => panic!("{}: state {other}", p["path"]),
        }
    }
    for r in v["rules"].as_array().unwrap() {
        assert_eq!(r["state"], "carried", "{}", r["id"]);
        assert_eq!(r["confidence"], "P", "{}", r["id"]);
    }
    assert_eq!(v["rounds"][0]["deadline"], Value::Null);
    // The 2026 edition is known, not carried.
    let v = json(&mobiplan(&["rules", "--year", "2026", "--format", "json"]));
    assert!(
        v["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["state"] == "known")
    );
    assert_eq!(v["rounds"][0]["deadline"], "2026-02-19T12:00:00+01:00");
}

#[test]
fn rules_diff_2026_2027_lists_each_change_with_both_sources_in_text_and_json() {
    let out = mobiplan(&["rules", "diff", "2026", "2027", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v = json(&out);
    assert_eq!(v["from"]["call_year"], 2026);
    assert_eq!(v["to"]["call_year"], 2027);
    assert_eq!(v["summary"]["added"], 0);
    assert_eq!(v["summary"]["removed"], 0);
    let changes = v["changes"].as_array().unwrap();
    assert_eq!(v["summary"]["changed"], changes.len());
    let deadline = changes
        .iter()
        .find(|c| c["path"] == "rounds.1.deadline")
        .unwrap();
    assert_eq!(deadline["kind"], "changed");
    assert_eq!(deadline["old"]["source"], "seed-2026");
    assert_eq!(deadline["old"]["value"], "2026-02-19T12:00:00+01:00");
    assert_eq!(deadline["new"]["source"], "call-2027-pending");
    assert_eq!(deadline["new"]["state"], "unknown");
    let fees = changes
        .iter()
        .find(|c| c["path"] == "funding.course_fees.per_day")
        .unwrap();
    assert_eq!(fees["old"]["value"], fees["new"]["value"]);
    assert_eq!(fees["new"]["source"], "carried-2026");

    let text = stdout(&mobiplan(&["rules", "diff", "2026", "2027"]));
    assert!(text.contains("rounds.1.deadline (changed)"), "{text}");
    assert!(
        text.contains("- 2026-02-19T12:00:00+01:00 [seed-2026; verified]"),
        "{text}"
    );
    assert!(
        text.contains("+ unknown (not published yet) [call-2027-pending;"),
        "{text}"
    );
    let lv = stdout(&mobiplan(&[
        "rules", "diff", "2026", "2027", "--lang", "lv",
    ]));
    assert!(lv.contains("nav zināms (vēl nav publicēts)"), "{lv}");
}

/// The 2026 rulebook with the preparatory-visit amount changed: a corrected edition.
fn corrected_edition(dir: &Path, from: &str, to: &str) -> PathBuf {
    let text = std::fs::read_to_string(root().join("rulebook/2026.toml")).unwrap();
    let changed = text.replacen(from, to, 1);
    assert_ne!(changed, text, "the test's replacement applies");
    let path = dir.join("corrected-2026.toml");
    std::fs::write(&path, changed).unwrap();
    path
}

#[test]
fn rules_diff_against_a_corrected_file_shows_the_one_changed_amount() {
    let dir = tempfile::tempdir().unwrap();
    let file = corrected_edition(
        dir.path(),
        "per_person = { value = 680,",
        "per_person = { value = 700,",
    );
    let v = json(&mobiplan(&[
        "rules",
        "diff",
        "2026",
        file.to_str().unwrap(),
        "--format",
        "json",
    ]));
    let changes = v["changes"].as_array().unwrap();
    assert_eq!(changes.len(), 1, "{changes:?}");
    assert_eq!(changes[0]["path"], "funding.preparatory_visits.per_person");
    assert_eq!(changes[0]["what"], serde_json::json!(["value"]));
    assert_eq!(changes[0]["old"]["value"], 680);
    assert_eq!(changes[0]["new"]["value"], 700);
}

#[test]
fn a_rulebook_file_without_a_source_is_refused_with_the_value_path() {
    let dir = tempfile::tempdir().unwrap();
    let file = corrected_edition(
        dir.path(),
        "per_person = { value = 680, unit = \"EUR per person\", source = \"funding-ref\",",
        "per_person = { value = 680, unit = \"EUR per person\",",
    );
    let out = mobiplan(&["rules", "diff", "2026", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("funding.preparatory_visits.per_person: missing source"),
        "{err}"
    );
}

#[test]
fn migrate_moves_the_sch_example_to_2027_a_year_later_with_no_error_on_6_december_2026() {
    let dir = tempfile::tempdir().unwrap();
    let moved = dir.path().join("riga-2027.toml");
    let out = mobiplan(&[
        "migrate",
        RIGA,
        "--to",
        "2027",
        "--shift-years",
        "--out",
        moved.to_str().unwrap(),
        "--now",
        ON_6_DECEMBER,
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v = json(&out);
    assert_eq!(v["from_call_year"], 2026);
    assert_eq!(v["to_call_year"], 2027);
    assert_eq!(v["shifted_years"], 1);
    assert_eq!(v["errors_after"], 0);
    let keys = |list: &Value| -> Vec<String> {
        list.as_array()
            .unwrap()
            .iter()
            .map(|f| f["key"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(keys(&v["findings"]["gone"]), ["finding.P-DEADLINE.in-time"]);
    let new = keys(&v["findings"]["new"]);
    assert!(
        new.contains(&"finding.P-DEADLINE.unknown".to_owned()),
        "{new:?}"
    );
    assert!(
        new.contains(&"finding.P-START-WINDOW.unknown".to_owned()),
        "{new:?}"
    );
    // Amounts are carried unchanged; every line is unconfirmed now.
    assert_eq!(v["budget"]["total_before"], v["budget"]["total_after"]);
    for l in v["budget"]["lines"].as_array().unwrap() {
        assert_eq!(l["after"]["confidence"], "P", "{l}");
    }

    // The written file is the project a year later, and checks without error on that day.
    let written = std::fs::read_to_string(&moved).unwrap();
    assert!(written.contains("call_year = 2027"), "{written}");
    assert!(written.contains("start = \"2027-09-01\""), "{written}");
    let out = mobiplan(&[
        "check",
        moved.to_str().unwrap(),
        "--now",
        ON_6_DECEMBER,
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let v = json(&out);
    assert_eq!(v["summary"]["errors"], 0);
    let messages: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert!(
        messages
            .iter()
            .any(|m| m.contains("call-2027 deadline of round 1 is not published yet")),
        "{messages:?}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.contains("call-2027 start window of round 1 is not published yet")),
        "{messages:?}"
    );

    // An existing file is not overwritten.
    let again = mobiplan(&[
        "migrate",
        RIGA,
        "--to",
        "2027",
        "--out",
        moved.to_str().unwrap(),
    ]);
    assert_eq!(again.status.code(), Some(2));
    assert!(
        stderr(&again).contains("the file exists"),
        "{}",
        stderr(&again)
    );
}

#[test]
fn migrate_in_text_names_the_changes_and_refuses_an_awarded_project() {
    let dir = tempfile::tempdir().unwrap();
    let moved = dir.path().join("moved.toml");
    let out = mobiplan(&[
        "migrate",
        RIGA,
        "--to",
        "2027",
        "--out",
        moved.to_str().unwrap(),
        "--now",
        ON_6_DECEMBER,
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("moved from call 2026 to call 2027"), "{text}");
    assert!(text.contains("+ P-DEADLINE"), "{text}");
    assert!(text.contains("- P-DEADLINE"), "{text}");
    // Without --shift-years the dates stay.
    let written = std::fs::read_to_string(&moved).unwrap();
    assert!(written.contains("start = \"2026-09-01\""), "{written}");

    let out = mobiplan(&[
        "migrate",
        "examples/tracked-sch-riga-school.toml",
        "--to",
        "2027",
        "--out",
        dir.path().join("tracked.toml").to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("[implementation]"),
        "{}",
        stderr(&out)
    );
    assert!(!dir.path().join("tracked.toml").exists());
}

fn mobiplan_in(data: &Path, args: &[&str], stdin: &str) -> Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_mobiplan"))
        .args(args)
        .arg("--data-dir")
        .arg(data)
        .current_dir(root())
        .env("NO_COLOR", "1")
        // These accounts live in the test's own SQLite file, never in a shared database.
        .env_remove("DATABASE_URL")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn only_an_instance_administrator_loads_a_corrected_edition_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let add = |email: &str, admin: bool| {
        let mut args = vec![
            "user",
            "add",
            email,
            "--name",
            "Ilze",
            "--org-name",
            "Skola",
            "--oid",
            "E10000001",
            "--country",
            "LV",
            "--town",
            "Rīga",
        ];
        if admin {
            args.push("--admin");
        }
        let out = mobiplan_in(&data, &args, "a long password\n");
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        stdout(&out)
    };
    assert!(add("owner@skola.lv", false).contains("owner"));
    assert!(add("admin@mobiplan.lv", true).contains("instance administrator"));
    let file = corrected_edition(
        dir.path(),
        "per_person = { value = 680,",
        "per_person = { value = 700,",
    );
    let file = file.to_str().unwrap();

    // An organisation's owner is not enough.
    let out = mobiplan_in(
        &data,
        &[
            "rules",
            "load",
            file,
            "--note",
            "agency letter",
            "--by",
            "owner@skola.lv",
        ],
        "",
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("not an instance administrator"),
        "{}",
        stderr(&out)
    );

    let out = mobiplan_in(
        &data,
        &[
            "rules",
            "load",
            file,
            "--note",
            "agency letter 12/2026",
            "--by",
            "admin@mobiplan.lv",
        ],
        "",
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("for call 2026 (load 1"),
        "{}",
        stdout(&out)
    );

    let out = mobiplan_in(&data, &["rules", "history"], "");
    let text = stdout(&out);
    assert!(
        text.contains("call 2026 load 1: edition 2026.1 by Ilze <admin@mobiplan.lv>"),
        "{text}"
    );
    assert!(text.contains("agency letter 12/2026"), "{text}");

    // A broken edition is refused with the value's path and nothing is stored.
    let broken = corrected_edition(
        dir.path(),
        "per_person = { value = 680, unit = \"EUR per person\", source = \"funding-ref\",",
        "per_person = { value = 680, unit = \"EUR per person\",",
    );
    let out = mobiplan_in(
        &data,
        &[
            "rules",
            "load",
            broken.to_str().unwrap(),
            "--note",
            "x",
            "--by",
            "admin@mobiplan.lv",
        ],
        "",
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("funding.preparatory_visits.per_person"),
        "{}",
        stderr(&out)
    );
    let text = stdout(&mobiplan_in(&data, &["rules", "history"], ""));
    assert_eq!(text.lines().count(), 1, "{text}");

    // Revoked, the administrator can no longer load.
    let out = mobiplan_in(
        &data,
        &["user", "admin", "admin@mobiplan.lv", "--revoke"],
        "",
    );
    assert!(stdout(&out).contains("no longer"), "{}", stdout(&out));
}

#[test]
fn assess_shows_every_criterion_with_what_answers_it_and_the_gaps_of_a_draft() {
    let out = mobiplan(&[
        "assess",
        "examples/broken-application.toml",
        "--format",
        "json",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v = json(&out);
    let criteria = v["criteria"].as_array().unwrap();
    let ids: Vec<&str> = criteria.iter().map(|c| c["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["relevance", "project-design", "project-management"]);
    assert_eq!(v["threshold_total"]["value"], 60);
    assert_eq!(v["threshold_total"]["unconfirmed"], true);
    assert_eq!(v["max_total"], 100);
    // The background answers the relevance question about needs, word for word.
    let needs = &criteria[0]["questions"][0];
    assert!(
        needs["answers"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["field"] == "application.background"
                && a["text"]
                    .as_str()
                    .unwrap()
                    .starts_with("Rīgas Ziemeļu vidusskola")),
        "{needs}"
    );
    // The draft says nothing of how results are shared: a gap, pointing at the field.
    let gaps: Vec<&str> = criteria[2]["questions"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|q| q["gaps"].as_array().unwrap())
        .map(|g| g["field"].as_str().unwrap())
        .collect();
    assert!(gaps.contains(&"application.follow_up.sharing"), "{gaps:?}");
    assert!(v["gaps"].as_u64().unwrap() >= 1);
}

#[test]
fn assess_of_every_valid_example_finds_every_part_written_in_both_languages() {
    for file in examples(false) {
        for lang in ["en", "lv"] {
            let out = mobiplan(&["assess", &file, "--lang", lang]);
            assert_eq!(out.status.code(), Some(0), "{file}");
            let text = String::from_utf8(out.stdout).unwrap();
            let (relevance, none_missing) = match lang {
                "en" => ("Relevance", "Every part evaluators read is written."),
                _ => (
                    "Atbilstība",
                    "Visas daļas, ko lasa vērtētāji, ir uzrakstītas.",
                ),
            };
            assert!(text.contains(relevance), "{file} {lang}: {text}");
            assert!(text.contains(none_missing), "{file} {lang}: {text}");
            assert!(text.contains("✓"), "{file}");
            assert!(!text.contains("✗"), "{file}: {text}");
        }
    }
}

#[test]
fn rules_lists_the_application_rules_and_the_form_limits() {
    let out = mobiplan(&["rules", "--year", "2026", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0));
    let v = json(&out);
    let rules = v["rules"].as_array().unwrap();
    for id in [
        "N-OBJECTIVE-SERVED",
        "N-ACTIVITY-LINKED",
        "N-FIELD-OBJECTIVE",
        "N-LEARNING-OUTCOMES",
        "N-TEXT-LIMIT",
        "N-SECTION-COMPLETE",
    ] {
        assert!(rules.iter().any(|r| r["id"] == id), "{id} is not listed");
    }
    let limit = rules.iter().find(|r| r["id"] == "N-TEXT-LIMIT").unwrap();
    let background = limit["values"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["path"] == "rules.N-TEXT-LIMIT.values.background")
        .expect("the background's limit is listed");
    assert_eq!(background["confidence"], "P");
    let text = String::from_utf8(mobiplan(&["rules", "--year", "2026"]).stdout).unwrap();
    assert!(text.contains("N-SECTION-COMPLETE"), "{text}");
}

#[test]
fn an_activity_naming_an_unknown_objective_is_bad_input_naming_the_field() {
    let dir = tempfile::tempdir().unwrap();
    let path = worked_example(dir.path(), |t| {
        t.replace(
            "course = { provider",
            "objectives = [\"nowhere\"]\ncourse = { provider",
        )
    });
    let out = mobiplan(&["check", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("activities[0].objectives[0]"), "{err}");
    assert!(err.contains("nowhere"), "{err}");
}
