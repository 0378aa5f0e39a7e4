//! `mobiplan export`: the real binary writes every format for every example; the workbook's
//! totals equal `mobiplan budget`'s, and bad input ends with exit status 2 and a clear message.

use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
use serde_json::Value;

const NOW: &str = "2026-02-01T10:00:00+02:00";
const RATES: &str = "examples/rates/example-agency-2026.toml";
const FORMATS: [&str; 10] = [
    "xlsx",
    "pdf-summary",
    "pdf-plan",
    "ics",
    "timeline-svg",
    "mobility-csv",
    "mobility-xlsx",
    "checklist",
    "application-pdf",
    "application-docx",
];

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

fn examples() -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(root().join("examples"))
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".toml"))
        .map(|n| format!("examples/{n}"))
        .collect();
    v.sort();
    v
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// What each format's file starts with.
fn looks_like(format: &str, bytes: &[u8]) -> bool {
    match format {
        "xlsx" | "mobility-xlsx" => bytes.starts_with(b"PK\x03\x04"),
        "pdf-summary" | "pdf-plan" | "checklist" | "application-pdf" => bytes.starts_with(b"%PDF-"),
        "application-docx" => bytes.starts_with(b"PK\x03\x04"),
        "ics" => bytes.starts_with(b"BEGIN:VCALENDAR\r\n"),
        "timeline-svg" => bytes.starts_with(b"<svg "),
        "mobility-csv" => !bytes.is_empty() && std::str::from_utf8(bytes).is_ok(),
        _ => false,
    }
}

fn cents_text(d: &Data) -> String {
    match d {
        Data::Float(f) => format!("{:.2}", f),
        other => panic!("not a number: {other:?}"),
    }
}

#[test]
fn every_format_of_every_example_is_written_and_the_exit_status_follows_the_checker() {
    let dir = tempfile::tempdir().unwrap();
    for file in examples() {
        let check = mobiplan(&["check", &file, "--now", NOW]);
        let expected = check.status.code();
        for format in FORMATS {
            for lang in ["en", "lv"] {
                let out_path = dir.path().join(format!("{format}-{lang}"));
                let out = mobiplan(&[
                    "export",
                    format,
                    &file,
                    "--out",
                    out_path.to_str().unwrap(),
                    "--lang",
                    lang,
                    "--now",
                    NOW,
                ]);
                assert_eq!(
                    out.status.code(),
                    expected,
                    "{file} {format}: {}",
                    stderr(&out)
                );
                let bytes = std::fs::read(&out_path).unwrap();
                assert!(looks_like(format, &bytes), "{file} {format} {lang}");
                assert!(
                    stderr(&out).contains(out_path.to_str().unwrap()),
                    "says where it wrote: {}",
                    stderr(&out)
                );
            }
        }
    }
}

#[test]
fn the_workbook_totals_equal_mobiplan_budget_with_and_without_rates() {
    let dir = tempfile::tempdir().unwrap();
    for file in examples() {
        for rates in [None, Some(RATES)] {
            let mut budget_args = vec!["budget", file.as_str(), "--format", "json"];
            let mut export_args = vec!["export", "xlsx", file.as_str(), "--now", NOW];
            if let Some(r) = rates {
                budget_args.extend(["--rates", r]);
                export_args.extend(["--rates", r]);
            }
            let budget: Value = serde_json::from_slice(&mobiplan(&budget_args).stdout).unwrap();
            let path = dir.path().join("budget.xlsx");
            export_args.extend(["--out", path.to_str().unwrap()]);
            mobiplan(&export_args);
            let mut wb: Xlsx<_> =
                open_workbook_from_rs(Cursor::new(std::fs::read(&path).unwrap())).unwrap();
            let summary = wb.worksheet_range(&wb.sheet_names()[0]).unwrap();
            let total = summary
                .rows()
                .find(|r| r[0] == Data::String("Total".into()))
                .unwrap_or_else(|| panic!("{file}: no total row"));
            let exact = budget["exact"].as_bool().unwrap();
            assert_eq!(
                cents_text(&total[1]),
                budget["total"]["min"],
                "{file} {rates:?}"
            );
            if !exact {
                assert_eq!(
                    cents_text(&total[2]),
                    budget["total"]["max"],
                    "{file} {rates:?}"
                );
            }
            for c in budget["by_category"].as_array().unwrap() {
                let row = summary
                    .rows()
                    .find(|r| r[0] == Data::String(c["label"].as_str().unwrap().into()))
                    .unwrap();
                assert_eq!(cents_text(&row[1]), c["amount"]["min"], "{file}: {c}");
            }
        }
    }
}

#[test]
fn the_default_output_is_named_after_the_project_file_and_dash_writes_to_stdout() {
    let dir = tempfile::tempdir().unwrap();
    let file = root().join("examples/sch-riga-school.toml");
    let out = Command::new(env!("CARGO_BIN_EXE_mobiplan"))
        .args(["export", "ics"])
        .arg(&file)
        .args(["--now", NOW])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let written = std::fs::read_to_string(dir.path().join("sch-riga-school-calendar.ics")).unwrap();
    assert!(written.starts_with("BEGIN:VCALENDAR"));

    let out = mobiplan(&[
        "export",
        "mobility-csv",
        "examples/sch-riga-school.toml",
        "--out",
        "-",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("Activity ID,"), "{text}");
}

#[test]
fn bad_input_ends_with_status_2_and_names_the_problem() {
    let out = mobiplan(&["export", "docx", "examples/sch-riga-school.toml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("docx") && stderr(&out).contains("pdf-summary"),
        "{}",
        stderr(&out)
    );

    let out = mobiplan(&["export", "ics", "examples/no-such-file.toml", "--out", "-"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("no-such-file.toml"),
        "{}",
        stderr(&out)
    );

    let out = mobiplan(&[
        "export",
        "ics",
        "examples/sch-riga-school.toml",
        "--out",
        "/no/such/dir/x.ics",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("--out /no/such/dir/x.ics"),
        "{}",
        stderr(&out)
    );

    let out = mobiplan(&[
        "export",
        "ics",
        "examples/sch-riga-school.toml",
        "--lang",
        "de",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("de"), "{}", stderr(&out));

    let out = mobiplan(&[
        "export",
        "xlsx",
        "examples/sch-riga-school.toml",
        "--rates",
        "examples/sch-riga-school.toml",
        "--out",
        "-",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("sch-riga-school.toml"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn the_application_draft_is_named_after_the_project_file_in_both_formats() {
    let dir = tempfile::tempdir().unwrap();
    let file = root().join("examples/sch-riga-school.toml");
    for (format, name) in [
        ("application-pdf", "sch-riga-school-application.pdf"),
        ("application-docx", "sch-riga-school-application.docx"),
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_mobiplan"))
            .args(["export", format, file.to_str().unwrap(), "--now", NOW])
            .current_dir(dir.path())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let bytes = std::fs::read(dir.path().join(name)).unwrap();
        assert!(looks_like(format, &bytes), "{format}");
    }
}
