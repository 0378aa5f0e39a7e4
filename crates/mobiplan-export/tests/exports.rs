//! Every export of every example project, read back with independent readers (calamine for
//! XLSX, the csv crate, the icalendar parser, poppler's pdftotext) and compared with the core's
//! budget and with the project itself.

use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::process::Command;

use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
use chrono::{DateTime, FixedOffset};
use mobiplan_core::budget::Budget;
use mobiplan_core::money::{Amount, Money};
use mobiplan_core::{Project, RateProfile, Rulebook};
use mobiplan_export::{Evaluated, Format, Plan, evaluate, export};
use mobiplan_i18n::{Lang, amount, text};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn now() -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339("2026-02-01T10:00:00+02:00").unwrap()
}

struct Example {
    name: String,
    project: Project,
    rulebook: Rulebook,
}

fn load(path: &Path) -> Example {
    let text = std::fs::read_to_string(path).unwrap();
    let mut project = Project::from_toml(&text).unwrap();
    mobiplan_geo::fill_distances(&mut project, mobiplan_geo::Gazetteer::embedded()).unwrap();
    let rulebook = Rulebook::embedded(project.call_year).unwrap();
    Example {
        name: path.file_stem().unwrap().to_string_lossy().into_owned(),
        project,
        rulebook,
    }
}

fn examples() -> Vec<Example> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(root().join("examples"))
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    paths.sort();
    assert!(paths.len() >= 5, "the examples are there: {paths:?}");
    paths.iter().map(|p| load(p)).collect()
}

fn profile(rb: &Rulebook) -> RateProfile {
    let text =
        std::fs::read_to_string(root().join("examples/rates/example-agency-2026.toml")).unwrap();
    RateProfile::from_toml(&text, rb).unwrap()
}

/// Each example without rates (a range) and with the example agency's rates (exact), in both
/// languages.
fn cases(f: impl Fn(&Example, &Evaluated, Lang, &str)) {
    for ex in examples() {
        let rates = profile(&ex.rulebook);
        for (tag, profile) in [("range", None), ("rates", Some(&rates))] {
            let ev = evaluate(&ex.project, &ex.rulebook, profile, now());
            for lang in Lang::ALL {
                f(
                    &ex,
                    &ev,
                    lang,
                    &format!("{}-{tag}-{}", ex.name, lang.code()),
                );
            }
        }
    }
}

fn plan<'a>(ex: &'a Example, ev: &'a Evaluated, lang: Lang) -> Plan<'a> {
    Plan {
        project: &ex.project,
        rulebook: &ex.rulebook,
        budget: &ev.budget,
        findings: &ev.findings,
        lang,
        now: now(),
    }
}

fn cents(d: &Data) -> i64 {
    match d {
        Data::Float(f) => (f * 100.0).round() as i64,
        Data::Int(i) => i * 100,
        other => panic!("not a number: {other:?}"),
    }
}

fn cell_text(d: &Data) -> String {
    match d {
        Data::String(s) => s.clone(),
        Data::Empty => String::new(),
        other => other.to_string(),
    }
}

/// The amount a row holds from column `col`: one column when the budget is exact, two (min,
/// max) for a range.
fn row_amount(row: &[Data], col: usize, range: bool) -> Amount {
    let min = Money::from_cents(cents(&row[col]));
    let max = if range {
        Money::from_cents(cents(&row[col + 1]))
    } else {
        min
    };
    Amount { min, max }
}

fn t(lang: Lang, key: &str) -> String {
    text(lang, key).into_owned()
}

/// Participants and accompanying persons per activity, counted from the project.
fn travellers(p: &Project) -> usize {
    p.activities
        .iter()
        .map(|a| (a.participants.count() + a.accompanying_count()) as usize)
        .sum()
}

#[test]
fn the_budget_workbook_has_the_budget_line_by_line_and_its_totals() {
    cases(|ex, ev, lang, case| {
        let b: &Budget = &ev.budget;
        let bytes = export(Format::Xlsx, &plan(ex, ev, lang)).unwrap();
        let mut wb: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).unwrap();
        let range = !b.total.is_exact();
        let names = wb.sheet_names();
        assert_eq!(names[0], t(lang, "export.workbook-summary"), "{case}");
        assert_eq!(
            names.last().unwrap(),
            &t(lang, "export.mobility-sheet"),
            "{case}"
        );

        let summary = wb.worksheet_range(&names[0]).unwrap();
        let rows: Vec<&[Data]> = summary.rows().collect();
        let total_label = t(lang, "export.total");
        let total_row = rows
            .iter()
            .find(|r| cell_text(&r[0]) == total_label)
            .unwrap_or_else(|| panic!("{case}: no total row"));
        assert_eq!(row_amount(total_row, 1, range), b.total, "{case}: total");
        for c in &b.by_category {
            let label = t(lang, &format!("category.{}", c.category.id()));
            let row = rows
                .iter()
                .find(|r| cell_text(&r[0]) == label)
                .unwrap_or_else(|| panic!("{case}: no row for {label}"));
            assert_eq!(row_amount(row, 1, range), c.amount, "{case}: {label}");
        }

        // One sheet per category with lines; its rows add up to the category's total.
        let with_lines: Vec<_> = mobiplan_core::Category::ALL
            .into_iter()
            .filter(|c| b.lines.iter().any(|l| l.category == *c))
            .collect();
        assert_eq!(names.len(), with_lines.len() + 2, "{case}: {names:?}");
        for (i, c) in with_lines.iter().enumerate() {
            let sheet = wb.worksheet_range(&names[i + 1]).unwrap();
            let rows: Vec<&[Data]> = sheet.rows().skip(1).collect();
            let lines: Vec<_> = b.lines.iter().filter(|l| l.category == *c).collect();
            assert_eq!(rows.len(), lines.len() + 1, "{case}: rows of {c:?}");
            let mut sum = Amount::default();
            for (row, line) in rows.iter().zip(&lines) {
                let a = row_amount(row, 3, range);
                assert_eq!(a, line.amount, "{case}: {c:?} line {}", line.key);
                assert_eq!(cell_text(&row[2]), line.formula.to_string(), "{case}");
                sum = Amount {
                    min: Money::from_cents(sum.min.cents() + a.min.cents()),
                    max: Money::from_cents(sum.max.cents() + a.max.cents()),
                };
            }
            let total = rows.last().unwrap();
            assert_eq!(cell_text(&total[0]), total_label, "{case}");
            let category_total = b
                .by_category
                .iter()
                .find(|t| t.category == *c)
                .unwrap()
                .amount;
            assert_eq!(row_amount(total, 3, range), category_total, "{case}: {c:?}");
            assert_eq!(sum, category_total, "{case}: {c:?} lines add up");
            // Provisional lines say so.
            let unconfirmed_col = if range { 6 } else { 5 };
            for (row, line) in rows.iter().zip(&lines) {
                let expected = t(
                    lang,
                    if line.confidence.is_provisional() {
                        "export.yes"
                    } else {
                        "export.no"
                    },
                );
                assert_eq!(cell_text(&row[unconfirmed_col]), expected, "{case}");
            }
        }

        let mobility = wb.worksheet_range(names.last().unwrap()).unwrap();
        assert_eq!(
            mobility.rows().count(),
            travellers(&ex.project) + 1,
            "{case}"
        );
    });
}

#[test]
fn the_mobility_list_has_a_row_per_participant_per_activity_in_csv_and_xlsx() {
    cases(|ex, ev, lang, case| {
        let p = &ex.project;
        let csv_bytes = export(Format::MobilityCsv, &plan(ex, ev, lang)).unwrap();
        let mut reader = csv::Reader::from_reader(csv_bytes.as_slice());
        let headers = reader.headers().unwrap().clone();
        assert_eq!(headers.len(), 21, "{case}");
        assert_eq!(
            &headers[0],
            t(lang, "export.mobility.activity-id"),
            "{case}"
        );
        let records: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
        assert_eq!(records.len(), travellers(p), "{case}");
        let yes = t(lang, "export.yes");
        let col = |name: &str| {
            headers
                .iter()
                .position(|h| h == t(lang, &format!("export.mobility.{name}")))
                .unwrap()
        };
        for a in &p.activities {
            let rows: Vec<_> = records.iter().filter(|r| r[0] == *a.id).collect();
            assert_eq!(
                rows.len() as u32,
                a.participants.count() + a.accompanying_count(),
                "{case}: {}",
                a.id
            );
            let accompanying = rows
                .iter()
                .filter(|r| r[col("accompanying")] == *yes)
                .count() as u32;
            assert_eq!(accompanying, a.accompanying_count(), "{case}: {}", a.id);
            let fewer = rows
                .iter()
                .filter(|r| r[col("accompanying")] != *yes && r[col("fewer-opportunities")] == *yes)
                .count() as u32;
            assert_eq!(
                fewer,
                a.participants.fewer_opportunities(&p.people),
                "{case}"
            );
            for r in &rows {
                assert_eq!(r[col("start")], a.start.to_string(), "{case}");
                assert_eq!(r[col("end")], a.end.to_string(), "{case}");
                if !a.kind.is_incoming() {
                    assert_eq!(r[col("sending-org")], p.applicant.name, "{case}");
                }
                for named in a.participants.named() {
                    let name = &p.people[*named].name;
                    assert!(
                        rows.iter().any(|r| r[col("participant")] == **name),
                        "{case}: {name} is listed"
                    );
                }
            }
        }

        let xlsx = export(Format::MobilityXlsx, &plan(ex, ev, lang)).unwrap();
        let mut wb: Xlsx<_> = open_workbook_from_rs(Cursor::new(xlsx)).unwrap();
        let sheet = wb.worksheet_range(&wb.sheet_names()[0]).unwrap();
        let rows: Vec<Vec<String>> = sheet
            .rows()
            .map(|r| r.iter().map(cell_text).collect())
            .collect();
        assert_eq!(rows.len(), records.len() + 1, "{case}");
        for (x, c) in rows.iter().skip(1).zip(&records) {
            assert_eq!(
                x,
                &c.iter().map(str::to_owned).collect::<Vec<_>>(),
                "{case}"
            );
        }
    });
}

#[test]
fn the_calendar_parses_and_dates_every_deadline_activity_and_report() {
    cases(|ex, ev, lang, case| {
        let p = &ex.project;
        let bytes = export(Format::Ics, &plan(ex, ev, lang)).unwrap();
        let text = String::from_utf8(bytes).unwrap();
        assert!(text.ends_with("\r\n"), "{case}");
        for line in text.split("\r\n") {
            assert!(line.len() <= 75, "{case}: line of {} octets", line.len());
            assert!(!line.contains('\n'), "{case}: bare LF");
        }
        let unfolded = icalendar::parser::unfold(&text);
        let cal = icalendar::parser::read_calendar(&unfolded).unwrap();
        let events: Vec<_> = cal
            .components
            .iter()
            .filter(|c| c.name == "VEVENT")
            .collect();
        let travel_events: usize = p
            .activities
            .iter()
            .map(|a| {
                let (first, last) = a.span_with_travel();
                usize::from(first < a.start) + usize::from(last > a.end)
            })
            .sum();
        // A deadline or start window not published yet is no event.
        let round_events = ex.rulebook.rounds.get(&p.round).map_or(0, |r| {
            usize::from(r.deadline.is_some()) + usize::from(r.start_window().is_some())
        });
        assert_eq!(
            events.len(),
            round_events + 1 + p.activities.len() + travel_events + p.visits.len() + 1,
            "{case}"
        );
        let prop = |e: &icalendar::parser::Component, name: &str| {
            e.find_prop(name)
                .map(|p| p.val.as_str().to_owned())
                .unwrap_or_default()
        };
        let mut uids: Vec<String> = events.iter().map(|e| prop(e, "UID")).collect();
        uids.sort();
        uids.dedup();
        assert_eq!(uids.len(), events.len(), "{case}: UIDs are unique");
        for e in &events {
            assert_eq!(prop(e, "DTSTAMP"), "20260201T080000Z", "{case}");
        }
        for a in &p.activities {
            let e = events
                .iter()
                .find(|e| prop(e, "UID").starts_with(&format!("activity-{}@", a.id)))
                .unwrap_or_else(|| panic!("{case}: no event for {}", a.id));
            assert_eq!(prop(e, "DTSTART"), a.start.format("%Y%m%d").to_string());
            let after = a.end.succ_opt().unwrap();
            assert_eq!(prop(e, "DTEND"), after.format("%Y%m%d").to_string());
            assert!(
                e.components.iter().any(|c| c.name == "VALARM"),
                "{case}: reminders"
            );
        }
        if let Some(deadline) = ex.rulebook.rounds.get(&p.round).and_then(|r| r.deadline) {
            let e = events
                .iter()
                .find(|e| prop(e, "UID").starts_with("deadline@"))
                .unwrap();
            let expected = deadline.with_timezone(&chrono::Utc);
            assert_eq!(
                prop(e, "DTSTART"),
                expected.format("%Y%m%dT%H%M%SZ").to_string(),
                "{case}"
            );
        }
        let report = events
            .iter()
            .find(|e| prop(e, "UID").starts_with("final-report@"))
            .unwrap();
        let due =
            p.end() + chrono::Days::new(u64::from(ex.rulebook.reporting.final_report_days.value));
        assert_eq!(prop(report, "DTSTART"), due.format("%Y%m%d").to_string());
    });
}

#[test]
fn the_timeline_is_escaped_svg_with_a_bar_per_activity_and_visit() {
    let mut ex = examples().into_iter().next().unwrap();
    ex.project.title = "Tools & <tricks> \"2026\"".into();
    ex.project.activities[0].title = Some("Kurss <b>ā&č</b>".into());
    let ev = evaluate(&ex.project, &ex.rulebook, None, now());
    let svg =
        String::from_utf8(export(Format::TimelineSvg, &plan(&ex, &ev, Lang::Lv)).unwrap()).unwrap();
    assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    assert!(svg.contains("Tools &amp; &lt;tricks&gt; &quot;2026&quot;"));
    assert!(svg.contains("Kurss &lt;b&gt;ā&amp;č&lt;/b&gt;"));
    assert!(!svg.contains("<tricks>") && !svg.contains("<b>"));
    let bars = svg.matches("rx=\"2\"").count();
    // the start window, the project, every activity, every visit
    assert_eq!(
        bars,
        2 + ex.project.activities.len() + ex.project.visits.len()
    );
}

/// Poppler's tools, or `None` after saying that the PDF checks were skipped (never under CI).
fn poppler() -> Option<()> {
    let ok = Command::new("pdftotext").arg("-v").output().is_ok()
        && Command::new("pdftoppm").arg("-v").output().is_ok();
    if ok {
        return Some(());
    }
    assert!(
        std::env::var_os("CI").is_none_or(|v| v.is_empty()),
        "CI must install poppler-utils (pdftotext, pdftoppm): the PDF tests may not be skipped there"
    );
    eprintln!(
        "SKIPPED: pdftotext/pdftoppm (poppler-utils) are not installed; the PDF text checks did not run"
    );
    None
}

fn artefacts() -> PathBuf {
    let dir = root().join("target/export-artefacts");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The PDF's text and page count, as pdftotext reads it; the pages are kept as PNG images.
fn pdf_text(bytes: &[u8], case: &str, png: bool) -> (String, usize) {
    let dir = artefacts();
    let pdf = dir.join(format!("{case}.pdf"));
    std::fs::write(&pdf, bytes).unwrap();
    let out = Command::new("pdftotext")
        .args(["-enc", "UTF-8", "-layout"])
        .arg(&pdf)
        .arg("-")
        .output()
        .unwrap();
    assert!(out.status.success(), "{case}: pdftotext failed: {:?}", out);
    let text = String::from_utf8(out.stdout).unwrap();
    let pages = text.matches('\u{c}').count();
    if png {
        let status = Command::new("pdftoppm")
            .args(["-png", "-r", "70"])
            .arg(&pdf)
            .arg(dir.join(case))
            .status()
            .unwrap();
        assert!(status.success(), "{case}: pdftoppm failed");
    }
    (normalise(&text), pages)
}

/// One space for any run of white space (pdftotext lays text out with spaces; Latvian
/// thousands are separated with a no-break space).
fn normalise(s: &str) -> String {
    s.split(|c: char| c.is_whitespace() || c == '\u{a0}')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn the_pdf_summary_is_one_page_with_the_budget_by_category_in_both_languages() {
    if poppler().is_none() {
        return;
    }
    cases(|ex, ev, lang, case| {
        let bytes = export(Format::PdfSummary, &plan(ex, ev, lang)).unwrap();
        let (text, pages) = pdf_text(&bytes, &format!("summary-{case}"), case.contains("sch-"));
        assert_eq!(pages, 1, "{case}: the summary is one page");
        assert!(
            text.contains(&normalise(&ex.project.title)),
            "{case}: title"
        );
        assert!(
            text.contains(&normalise(&ex.project.applicant.name)),
            "{case}: applicant {}\n{text}",
            ex.project.applicant.name
        );
        let total = normalise(&amount(ev.budget.total, lang));
        assert!(text.contains(&total), "{case}: total {total}\n{text}");
        for c in ev
            .budget
            .by_category
            .iter()
            .filter(|c| c.amount.max.cents() != 0)
        {
            let line = normalise(&format!(
                "{} {}",
                t(lang, &format!("category.{}", c.category.id())),
                amount(c.amount, lang)
            ));
            assert!(text.contains(&line), "{case}: {line}\n{text}");
        }
        let open = ev
            .findings
            .iter()
            .filter(|f| f.severity >= mobiplan_core::Severity::Warning)
            .count();
        if open == 0 {
            assert!(
                text.contains(&normalise(&t(lang, "export.no-findings"))),
                "{case}"
            );
        } else {
            let first = ev
                .findings
                .iter()
                .find(|f| f.severity >= mobiplan_core::Severity::Warning)
                .unwrap();
            assert!(text.contains(first.rule.as_str()), "{case}: {}", first.rule);
        }
    });
}

#[test]
fn the_full_plan_explains_every_line_and_lists_every_finding_and_course() {
    if poppler().is_none() {
        return;
    }
    cases(|ex, ev, lang, case| {
        let bytes = export(Format::PdfPlan, &plan(ex, ev, lang)).unwrap();
        let (text, pages) = pdf_text(&bytes, &format!("plan-{case}"), case.contains("sch-"));
        assert!(pages >= 2, "{case}");
        for line in &ev.budget.lines {
            let formula = normalise(&format!("= {}", line.formula));
            assert!(text.contains(&formula), "{case}: {formula}");
        }
        for f in &ev.findings {
            assert!(text.contains(f.rule.as_str()), "{case}: {}", f.rule);
        }
        for a in &ex.project.activities {
            // Activities are named by their titles; the file's ids (slugs) are not for readers.
            let name = a
                .title
                .clone()
                .unwrap_or_else(|| t(lang, &format!("kind.{}", a.kind.id())));
            assert!(text.contains(&normalise(&name)), "{case}: {name}");
            assert!(
                !text.contains(a.id.as_str()) || !a.id.contains('-'),
                "{case}: the id {} is printed",
                a.id
            );
            if let Some(c) = &a.course {
                assert!(text.contains(&normalise(&c.provider)), "{case}");
            }
        }
        for v in &ex.project.visits {
            assert!(text.contains(&normalise(&v.host.name)), "{case}");
            assert!(
                !text.contains(v.id.as_str()),
                "{case}: the id {} is printed",
                v.id
            );
        }
        // A word of the activities table's header is never broken between letters.
        for word in t(lang, "export.participants-accompanying").split_whitespace() {
            assert!(text.contains(word), "{case}: {word} is broken\n{text}");
        }
        let total = normalise(&amount(ev.budget.total, lang));
        assert!(text.contains(&total), "{case}: total {total}");
        assert!(
            text.contains(&normalise(&t(lang, "export.timeline-title"))),
            "{case}"
        );
    });
}

#[test]
fn the_checklist_has_the_five_areas_for_every_course_with_latvian_letters_intact() {
    if poppler().is_none() {
        return;
    }
    cases(|ex, ev, lang, case| {
        let bytes = export(Format::Checklist, &plan(ex, ev, lang)).unwrap();
        let (text, _) = pdf_text(
            &bytes,
            &format!("checklist-{case}"),
            case.contains("sch-range"),
        );
        let courses: Vec<_> = ex
            .project
            .activities
            .iter()
            .filter_map(|a| a.course.as_ref())
            .collect();
        if courses.is_empty() {
            assert!(
                text.contains(&normalise(&t(lang, "export.no-courses"))),
                "{case}"
            );
        }
        for c in courses {
            assert!(text.contains(&normalise(&c.title)), "{case}: {}", c.title);
            for area in [
                "information",
                "pedagogy",
                "european-dimension",
                "quality-service",
                "follow-up",
            ] {
                let name = normalise(&t(lang, &format!("quality.{area}")));
                assert!(text.contains(&name), "{case}: {name}");
            }
        }
        if lang == Lang::Lv && ex.project.activities.iter().any(|a| a.course.is_some()) {
            // Every Latvian letter the texts use comes back as itself.
            for word in ["pārbaudiet", "kvalitātes", "pieteikšanās"] {
                assert!(text.to_lowercase().contains(word), "{case}: {word}\n{text}");
            }
        }
    });
}

/// The SCH example moved to call 2027, whose deadline and start window are not published yet.
fn example_in_2027() -> Example {
    let text = std::fs::read_to_string(root().join("examples/sch-riga-school.toml")).unwrap();
    let file = mobiplan_core::project::parse_toml(&text).unwrap();
    let moved = mobiplan_core::editions::move_to_call(&file, 2027, true).unwrap();
    let mut project = Project::from_file(moved).unwrap();
    mobiplan_geo::fill_distances(&mut project, mobiplan_geo::Gazetteer::embedded()).unwrap();
    Example {
        name: "sch-riga-school-2027".into(),
        project,
        rulebook: Rulebook::embedded(2027).unwrap(),
    }
}

#[test]
fn the_calendar_and_timeline_leave_out_dates_not_published_yet() {
    let ex = example_in_2027();
    assert!(ex.rulebook.rounds[&1].deadline.is_none());
    let ev = evaluate(&ex.project, &ex.rulebook, None, now());
    let ics = String::from_utf8(export(Format::Ics, &plan(&ex, &ev, Lang::En)).unwrap()).unwrap();
    let unfolded = icalendar::parser::unfold(&ics);
    let cal = icalendar::parser::read_calendar(&unfolded).unwrap();
    let uids: Vec<String> = cal
        .components
        .iter()
        .filter(|c| c.name == "VEVENT")
        .filter_map(|c| c.find_prop("UID").map(|p| p.val.as_str().to_owned()))
        .collect();
    assert!(uids.iter().any(|u| u.starts_with("project@")), "{uids:?}");
    assert!(!uids.iter().any(|u| u.starts_with("deadline@")), "{uids:?}");
    assert!(
        !uids.iter().any(|u| u.starts_with("start-window@")),
        "{uids:?}"
    );

    let svg =
        String::from_utf8(export(Format::TimelineSvg, &plan(&ex, &ev, Lang::En)).unwrap()).unwrap();
    // The project, every activity, every visit: no start window.
    assert_eq!(
        svg.matches("rx=\"2\"").count(),
        1 + ex.project.activities.len() + ex.project.visits.len()
    );
    assert!(!svg.contains(&t(Lang::En, "export.timeline.deadline")));
}

// ---------------------------------------------------------------------------------------------
// The application draft (PDF and Word), in the order of the form

/// What the draft must show of a project: every section heading in order, every objective's
/// and activity's heading, and the first line of every text written.
fn draft_expectations(ex: &Example, lang: Lang) -> (Vec<String>, Vec<String>, Vec<String>) {
    let headings = mobiplan_export::draft::section_headings(lang);
    let p = &ex.project;
    let mut items = Vec::new();
    let mut texts = Vec::new();
    if let Some(app) = &p.application {
        for o in &app.objectives {
            items.push(o.name().to_owned());
        }
        for s in [
            &app.background,
            &app.needs,
            &app.follow_up.sharing,
            &app.summary.results,
        ]
        .into_iter()
        .flatten()
        {
            texts.push(s.lines().next().unwrap_or_default().to_owned());
        }
    }
    for a in &p.activities {
        items.push(a.title.clone().unwrap_or_else(|| a.id.to_string()));
        if let Some(s) = &a.learning_outcomes {
            texts.push(s.lines().next().unwrap_or_default().to_owned());
        }
    }
    (headings, items, texts)
}

/// The paragraphs of a Word document, each with its style: read from the package with the zip
/// crate and from its XML with quick-xml (every XML part must be well-formed).
fn docx_paragraphs(bytes: &[u8], case: &str) -> Vec<(String, String)> {
    use quick_xml::Reader;
    use quick_xml::events::Event;
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).expect("a ZIP package");
    let mut part = |name: &str| {
        let mut s = String::new();
        zip.by_name(name)
            .unwrap_or_else(|e| panic!("{case}: {name}: {e}"))
            .read_to_string(&mut s)
            .unwrap();
        s
    };
    let types = part("[Content_Types].xml");
    assert!(
        types.contains("wordprocessingml.document.main+xml"),
        "{case}: {types}"
    );
    assert!(part("_rels/.rels").contains("Target=\"word/document.xml\""));
    assert!(part("word/_rels/document.xml.rels").contains("Target=\"styles.xml\""));
    let styles = part("word/styles.xml");
    let core = part("docProps/core.xml");
    for (name, xml) in [("styles", &styles), ("core", &core), ("types", &types)] {
        let mut r = Reader::from_str(xml);
        loop {
            match r.read_event() {
                Ok(Event::Eof) => break,
                Ok(_) => {}
                Err(e) => panic!("{case}: {name} is not well-formed XML: {e}"),
            }
        }
    }
    let document = part("word/document.xml");
    let mut r = Reader::from_str(&document);
    let mut paragraphs = Vec::new();
    let (mut style, mut text, mut in_text) = (String::new(), String::new(), false);
    loop {
        match r.read_event() {
            Ok(Event::Start(e)) if e.name().as_ref() == "w:p" => {
                style.clear();
                text.clear();
            }
            Ok(Event::Empty(e)) if e.name().as_ref() == "w:pStyle" => {
                let v = e.try_get_attribute("w:val").unwrap().expect("w:val");
                // Style ids are plain names: the raw value is the value.
                style = v.value.into_owned();
            }
            Ok(Event::Start(e)) if e.name().as_ref() == "w:t" => in_text = true,
            Ok(Event::End(e)) if e.name().as_ref() == "w:t" => in_text = false,
            Ok(Event::Text(t)) if in_text => text.push_str(&t.xml10_content()),
            Ok(Event::GeneralRef(g)) if in_text => text.push_str(match &*g.xml10_content() {
                "amp" => "&",
                "lt" => "<",
                "gt" => ">",
                "quot" => "\"",
                "apos" => "'",
                other => panic!("{case}: unexpected entity {other}"),
            }),
            Ok(Event::End(e)) if e.name().as_ref() == "w:p" => {
                paragraphs.push((style.clone(), text.clone()));
            }
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(e) => panic!("{case}: word/document.xml is not well-formed XML: {e}"),
        }
    }
    paragraphs
}

#[test]
fn the_word_draft_has_every_section_in_the_forms_order_and_every_objective_and_text() {
    for ex in examples() {
        let ev = evaluate(&ex.project, &ex.rulebook, None, now());
        for lang in Lang::ALL {
            let case = format!("draft-{}-{}", ex.name, lang.code());
            let bytes = export(Format::ApplicationDocx, &plan(&ex, &ev, lang)).unwrap();
            assert!(bytes.starts_with(b"PK\x03\x04"), "{case}");
            std::fs::write(artefacts().join(format!("{case}.docx")), &bytes).unwrap();
            let paragraphs = docx_paragraphs(&bytes, &case);
            let styled = |s: &str| -> Vec<&str> {
                paragraphs
                    .iter()
                    .filter(|(style, _)| style == s)
                    .map(|(_, t)| t.as_str())
                    .collect()
            };
            assert_eq!(
                styled("Title"),
                [t(lang, "export.application.title")],
                "{case}"
            );
            let (headings, items, texts) = draft_expectations(&ex, lang);
            assert_eq!(
                styled("Heading1"),
                headings,
                "{case}: sections in the form's order"
            );
            let item_headings = styled("Heading2");
            for item in &items {
                assert!(
                    item_headings.iter().any(|h| h.contains(item.as_str())),
                    "{case}: no heading for {item}: {item_headings:?}"
                );
            }
            for line in &texts {
                assert!(
                    paragraphs.iter().any(|(_, p)| p == line),
                    "{case}: the text «{line}» is not in the document"
                );
            }
            let missing = t(lang, "export.application.not-written");
            let marked = paragraphs.iter().any(|(_, p)| *p == missing);
            assert_eq!(
                marked,
                ex.project.application.is_none() || ex.name.starts_with("broken-application"),
                "{case}: what is not written is marked, and only that"
            );
        }
    }
}

#[test]
fn the_pdf_draft_has_every_section_in_the_forms_order_and_every_objective() {
    if poppler().is_none() {
        return;
    }
    for ex in examples() {
        let ev = evaluate(&ex.project, &ex.rulebook, None, now());
        for lang in Lang::ALL {
            let case = format!("draft-{}-{}", ex.name, lang.code());
            let bytes = export(Format::ApplicationPdf, &plan(&ex, &ev, lang)).unwrap();
            let (text, pages) = pdf_text(&bytes, &case, ex.name.starts_with("sch-"));
            assert!(pages >= 1, "{case}");
            assert!(
                text.contains(&normalise(&t(lang, "export.application.title"))),
                "{case}"
            );
            let (headings, items, _) = draft_expectations(&ex, lang);
            let mut at = 0;
            for h in &headings {
                let found = text[at..]
                    .find(&normalise(h))
                    .unwrap_or_else(|| panic!("{case}: section «{h}» missing or out of order"));
                at += found + h.len();
            }
            for item in &items {
                // A long title may wrap: its first words are enough to find it.
                let start: String = normalise(item).chars().take(30).collect();
                assert!(text.contains(&start), "{case}: «{start}»\n{text}");
            }
        }
    }
}
