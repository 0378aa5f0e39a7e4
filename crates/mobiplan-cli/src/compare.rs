//! `mobiplan compare`: what-if scenarios side by side. Each file is loaded exactly like
//! `mobiplan budget` loads it (distances from towns included), checked and budgeted; the
//! core's [`mobiplan_core::compare`] puts them in columns with the difference of each later
//! file from the first.

use std::path::{Path, PathBuf};

use mobiplan_core::compare::{Comparison, Scenario, compare};
use mobiplan_core::{Budget, Finding, RuleId};
use mobiplan_i18n::{Lang, amount, render, signed_amount, signed_count, text};
use serde_json::{Value, json};

use crate::load::{self, Loaded};
use crate::output::{json_text, w};
use crate::term::{bold, dim, pad, rpad};

pub struct Compared {
    pub files: Vec<String>,
    pub comparison: Comparison,
    pub currency: String,
    /// Every budget is exact (agency rates given).
    pub exact: bool,
}

struct Evaluated {
    loaded: Loaded,
    findings: Vec<Finding>,
    budget: Budget,
}

/// The column labels: each project's title, or its file name where two projects share a
/// title (a scenario copied and not renamed yet).
fn labels(evaluated: &[Evaluated]) -> Vec<String> {
    evaluated
        .iter()
        .map(|e| {
            let title = &e.loaded.project.title;
            let repeated = evaluated
                .iter()
                .filter(|o| &o.loaded.project.title == title)
                .count()
                > 1;
            if repeated || title.trim().is_empty() {
                Path::new(&e.loaded.file)
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_else(|| e.loaded.file.clone())
            } else {
                title.clone()
            }
        })
        .collect()
}

pub fn run(
    files: &[PathBuf],
    rulebook_file: Option<&Path>,
    rates: Option<&Path>,
    lang: Lang,
) -> Result<Compared, String> {
    let now = load::parse_now(None)?;
    let mut evaluated = Vec::with_capacity(files.len());
    for path in files {
        let loaded = load::project(path, rulebook_file, lang)?;
        // Per file: the files may be of different call years, each checked against its own.
        let profile = match rates {
            Some(p) => Some(load::profile(p, &loaded.rulebook, lang)?),
            None => None,
        };
        let findings = mobiplan_core::check(
            &loaded.project,
            &loaded.rulebook,
            &mobiplan_core::CheckContext { now: Some(now) },
        );
        let budget = mobiplan_core::budget(&loaded.project, &loaded.rulebook, profile.as_ref());
        evaluated.push(Evaluated {
            loaded,
            findings,
            budget,
        });
    }
    let labels = labels(&evaluated);
    let scenarios: Vec<Scenario<'_>> = evaluated
        .iter()
        .zip(&labels)
        .map(|(e, label)| Scenario {
            label,
            project: &e.loaded.project,
            findings: &e.findings,
            budget: &e.budget,
        })
        .collect();
    let comparison = compare(&scenarios);
    Ok(Compared {
        files: evaluated.iter().map(|e| e.loaded.file.clone()).collect(),
        exact: evaluated.iter().all(|e| e.budget.total.is_exact()),
        currency: evaluated
            .first()
            .map(|e| e.loaded.rulebook.meta.currency.clone())
            .unwrap_or_default(),
        comparison,
    })
}

const LABEL: usize = 44;
const CELL: usize = 26;

fn rules_text(rules: &[RuleId]) -> String {
    rules
        .iter()
        .map(|r| r.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

pub fn text_output(c: &Compared, lang: Lang) -> String {
    let cmp = &c.comparison;
    let out = &mut String::new();
    w!(out, "{}", bold(&text(lang, "scenario.compare")));
    for (i, (col, file)) in cmp.columns.iter().zip(&c.files).enumerate() {
        w!(
            out,
            "  {}  {} {}",
            i + 1,
            col.label,
            dim(&format!("({file})"))
        );
    }
    w!(out);
    let mut head = format!("  {}", pad("", LABEL));
    for i in 0..cmp.columns.len() {
        head.push_str(&rpad(&(i + 1).to_string(), CELL));
    }
    for i in 0..cmp.differences.len() {
        head.push_str(&rpad(
            &render(
                lang,
                "scenario.difference-from",
                &[("label", (i + 2).to_string()), ("first", "1".to_owned())],
            ),
            CELL,
        ));
    }
    w!(out, "{}", bold(&head));

    // One row: a label, a cell per column, a cell per difference.
    let row = |out: &mut String, key: &str, cells: Vec<String>, diffs: Vec<String>| {
        let mut line = format!("  {}", pad(&text(lang, key), LABEL));
        for cell in cells.iter().chain(&diffs) {
            line.push_str(&rpad(cell, CELL));
        }
        w!(out, "{line}");
    };
    let counts = |out: &mut String,
                  key: &str,
                  col: &dyn Fn(&mobiplan_core::compare::Column) -> u32,
                  diff: &dyn Fn(&mobiplan_core::compare::Difference) -> i64| {
        row(
            out,
            key,
            cmp.columns.iter().map(|x| col(x).to_string()).collect(),
            cmp.differences
                .iter()
                .map(|x| signed_count(diff(x)))
                .collect(),
        );
    };

    w!(out, "{}", bold(&text(lang, "scenario.section-people")));
    counts(
        out,
        "scenario.participants",
        &|x| x.people.participants,
        &|x| x.people.participants,
    );
    counts(out, "scenario.learners", &|x| x.people.learners, &|x| {
        x.people.learners
    });
    counts(out, "scenario.staff", &|x| x.people.staff, &|x| {
        x.people.staff
    });
    if cmp.columns.iter().any(|x| x.people.others > 0) {
        counts(out, "scenario.others", &|x| x.people.others, &|x| {
            x.people.others
        });
    }
    counts(
        out,
        "scenario.accompanying",
        &|x| x.people.accompanying,
        &|x| x.people.accompanying,
    );
    counts(
        out,
        "scenario.participant-days",
        &|x| x.people.participant_days,
        &|x| x.people.participant_days,
    );
    counts(out, "scenario.activities", &|x| x.activities, &|x| {
        x.activities
    });
    counts(out, "scenario.visits", &|x| x.visits, &|x| x.visits);
    counts(
        out,
        "scenario.visit-persons",
        &|x| x.people.visit_persons,
        &|x| x.people.visit_persons,
    );

    w!(out, "{}", bold(&text(lang, "scenario.section-findings")));
    counts(out, "scenario.errors", &|x| x.findings.errors, &|x| {
        x.findings.errors
    });
    counts(out, "scenario.warnings", &|x| x.findings.warnings, &|x| {
        x.findings.warnings
    });
    counts(out, "scenario.infos", &|x| x.findings.infos, &|x| {
        x.findings.infos
    });

    w!(out, "{}", bold(&text(lang, "scenario.section-budget")));
    for cat in cmp.used_categories() {
        row(
            out,
            &format!("category.{}", cat.id()),
            cmp.columns
                .iter()
                .map(|x| amount(x.category(cat), lang))
                .collect(),
            cmp.differences
                .iter()
                .map(|x| signed_amount(x.category(cat), lang))
                .collect(),
        );
    }
    let mut total = format!(
        "  {}",
        pad(
            &format!("{} {}", text(lang, "scenario.total"), c.currency),
            LABEL
        )
    );
    for x in &cmp.columns {
        total.push_str(&rpad(&amount(x.total, lang), CELL));
    }
    for x in &cmp.differences {
        total.push_str(&rpad(&signed_amount(x.total, lang), CELL));
    }
    w!(out, "{}", bold(&total));

    w!(out);
    w!(out, "{}", bold(&text(lang, "scenario.rules")));
    for (i, col) in cmp.columns.iter().enumerate() {
        let mut line = format!("  {}  {}", i + 1, rules_text(&col.rules));
        if let Some(d) = i.checked_sub(1).and_then(|j| cmp.differences.get(j)) {
            let mut notes = Vec::new();
            if !d.rules_added.is_empty() {
                notes.push(render(
                    lang,
                    "scenario.rules-added",
                    &[("rules", rules_text(&d.rules_added))],
                ));
            }
            if !d.rules_removed.is_empty() {
                notes.push(render(
                    lang,
                    "scenario.rules-removed",
                    &[("rules", rules_text(&d.rules_removed))],
                ));
            }
            if !notes.is_empty() {
                line.push_str(&dim(&format!("  ({})", notes.join("; "))));
            }
        }
        w!(out, "{line}");
    }
    if !c.exact {
        w!(out);
        w!(out, "{}", dim(&text(lang, "cli.range-note")));
        w!(out, "{}", dim(&text(lang, "scenario.range-note")));
    }
    std::mem::take(out)
}

/// Adds the translated label to every `{category, amount}` entry of a `by_category` list.
fn label_categories(v: &mut Value, lang: Lang) {
    if let Some(list) = v.get_mut("by_category").and_then(Value::as_array_mut) {
        for entry in list {
            let label = entry
                .get("category")
                .and_then(Value::as_str)
                .map(|id| text(lang, &format!("category.{id}")).into_owned());
            if let (Some(label), Value::Object(m)) = (label, entry) {
                m.insert("label".into(), json!(label));
            }
        }
    }
}

pub fn json_output(c: &Compared, lang: Lang) -> String {
    let mut columns = serde_json::to_value(&c.comparison.columns).unwrap_or(Value::Null);
    if let Value::Array(list) = &mut columns {
        for (col, file) in list.iter_mut().zip(&c.files) {
            label_categories(col, lang);
            if let Value::Object(m) = col {
                m.insert("file".into(), json!(file));
            }
        }
    }
    let mut differences = serde_json::to_value(&c.comparison.differences).unwrap_or(Value::Null);
    if let Value::Array(list) = &mut differences {
        for (i, d) in list.iter_mut().enumerate() {
            label_categories(d, lang);
            if let Value::Object(m) = d {
                m.insert("column".into(), json!(i + 1));
                m.insert("file".into(), json!(c.files.get(i + 1)));
                m.insert("against_file".into(), json!(c.files.first()));
            }
        }
    }
    json_text(&json!({
        "mobiplan": env!("CARGO_PKG_VERSION"),
        "lang": lang.code(),
        "currency": c.currency,
        "exact": c.exact,
        "files": c.files,
        "columns": columns,
        "differences": differences,
    }))
}
