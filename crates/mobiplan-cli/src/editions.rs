//! `mobiplan rules diff` (what changed between two rulebook editions) and `mobiplan migrate`
//! (a project moved to another call, with what that changes in its findings and budget).

use std::path::{Path, PathBuf};

use mobiplan_core::editions::{self, ChangeKind, EditionDiff, Effects};
use mobiplan_core::rulebook::{ParamInfo, ValueState};
use mobiplan_core::{Finding, Rulebook, Severity};
use mobiplan_i18n::{Lang, amount, finding_message, line_label, render, text};
use serde_json::{Value, json};

use crate::load;
use crate::output::{finding_json, w};
use crate::term::{bold, dim};

/// A call year (its embedded edition) or a rulebook file (a corrected edition).
pub fn edition(spec: &str, lang: Lang) -> Result<Rulebook, String> {
    match spec.parse::<u16>() {
        Ok(year) => Rulebook::embedded(year).map_err(|e| e.to_string()),
        Err(_) => {
            let path = Path::new(spec);
            let text = std::fs::read_to_string(path).map_err(|e| {
                format!("{spec}: neither a call year nor a readable rulebook file ({e})")
            })?;
            Rulebook::from_toml(&text).map_err(|e| {
                format!(
                    "{}: {e}",
                    render(lang, "cli.input-error", &[("file", spec.to_owned())])
                )
            })
        }
    }
}

/// A value as people read it: `unknown` for an unknown value.
pub fn value_text(p: &ParamInfo, lang: Lang) -> String {
    if p.state == ValueState::Unknown {
        return text(lang, "cli.value-unknown").into_owned();
    }
    let v = match &p.value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    match &p.unit {
        Some(u) => format!("{v} {u}"),
        None => v,
    }
}

/// `[source; confidence]`, with `carried from 2026` for a carried value.
pub fn provenance(p: &ParamInfo, lang: Lang) -> String {
    let carried = match p.carried_from {
        Some(y) => format!(
            "; {}",
            render(lang, "cli.carried-from", &[("year", y.to_string())])
        ),
        None => String::new(),
    };
    format!(
        "[{}; {}{carried}]",
        p.source,
        text(lang, &format!("confidence.{:?}", p.confidence))
    )
}

pub fn diff_json(d: &EditionDiff) -> Value {
    json!({
        "from": d.from,
        "to": d.to,
        "summary": {
            "added": d.changes.iter().filter(|c| c.kind == ChangeKind::Added).count(),
            "removed": d.changes.iter().filter(|c| c.kind == ChangeKind::Removed).count(),
            "changed": d.changes.iter().filter(|c| c.kind == ChangeKind::Changed).count(),
        },
        "changes": d.changes,
    })
}

pub fn diff_text(d: &EditionDiff, lang: Lang) -> String {
    let out = &mut String::new();
    w!(
        out,
        "{}",
        bold(&render(
            lang,
            "cli.diff-title",
            &[
                ("from", format!("{} ({})", d.from.call_year, d.from.edition)),
                ("to", format!("{} ({})", d.to.call_year, d.to.edition)),
            ]
        ))
    );
    if d.changes.is_empty() {
        w!(out, "{}", text(lang, "cli.diff-none"));
        return std::mem::take(out);
    }
    for c in &d.changes {
        let kind = text(lang, &format!("cli.diff-{}", kind_id(c.kind)));
        w!(out);
        w!(out, "{} {}", bold(&c.path), dim(&format!("({kind})")));
        if let Some(o) = &c.old {
            w!(
                out,
                "  - {} {}",
                value_text(o, lang),
                dim(&provenance(o, lang))
            );
        }
        if let Some(n) = &c.new {
            w!(
                out,
                "  + {} {}",
                value_text(n, lang),
                dim(&provenance(n, lang))
            );
        }
        if c.kind == ChangeKind::Changed && !c.what.contains(&"value") {
            w!(out, "    {}", dim(&text(lang, "cli.diff-same-value")));
        }
    }
    w!(out);
    w!(
        out,
        "{}",
        render(
            lang,
            "cli.diff-summary",
            &[
                ("added", count(d, ChangeKind::Added)),
                ("removed", count(d, ChangeKind::Removed)),
                ("changed", count(d, ChangeKind::Changed)),
            ]
        )
    );
    std::mem::take(out)
}

fn count(d: &EditionDiff, k: ChangeKind) -> String {
    d.changes.iter().filter(|c| c.kind == k).count().to_string()
}

fn kind_id(k: ChangeKind) -> &'static str {
    match k {
        ChangeKind::Added => "added",
        ChangeKind::Removed => "removed",
        ChangeKind::Changed => "changed",
    }
}

// ---------------------------------------------------------------------------------------------
// mobiplan migrate

pub struct Migrated {
    pub from: load::Loaded,
    pub to: load::Loaded,
    pub shifted_years: i32,
    pub written: PathBuf,
    pub findings_after: Vec<Finding>,
    pub effects: Effects,
}

impl Migrated {
    pub fn has_errors(&self) -> bool {
        self.findings_after
            .iter()
            .any(|f| f.severity == Severity::Error)
    }
}

/// Loads `file`, moves it to call `to` (dates shifted on request), writes the moved file to
/// `out` (default: `<name>-<to>.toml` in the current directory; an existing file is not
/// overwritten) and compares findings and budget before and after at `now`.
pub fn migrate(
    file: &Path,
    to: u16,
    shift_years: bool,
    out: Option<&Path>,
    rulebook_file: Option<&Path>,
    now: chrono::DateTime<chrono::FixedOffset>,
    lang: Lang,
) -> Result<Migrated, String> {
    let original = load::project_file(file, lang)?;
    let from_year = original.project.call_year;
    let moved = editions::move_to_call(&original, to, shift_years)
        .map_err(|e| format!("{}: {e}", file.display()))?;
    let before = load::from_file(original, file, None, lang)?;
    let target = out.map(Path::to_path_buf).unwrap_or_else(|| {
        let stem = file
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "project".into());
        PathBuf::from(format!("{stem}-{to}.toml"))
    });
    let after = load::from_file(moved.clone(), &target, rulebook_file, lang)?;
    if target.exists() {
        return Err(format!(
            "--out {}: the file exists; choose another --out or remove it",
            target.display()
        ));
    }
    let toml_text = toml::to_string_pretty(&moved)
        .map_err(|e| format!("cannot write the moved project as TOML: {e}"))?;
    std::fs::write(&target, toml_text).map_err(|e| format!("--out {}: {e}", target.display()))?;

    let ctx = mobiplan_core::CheckContext { now: Some(now) };
    let fb = mobiplan_core::check(&before.project, &before.rulebook, &ctx);
    let fa = mobiplan_core::check(&after.project, &after.rulebook, &ctx);
    let bb = mobiplan_core::budget(&before.project, &before.rulebook, None);
    let ba = mobiplan_core::budget(&after.project, &after.rulebook, None);
    let effects = editions::effects((&fb, &bb), (&fa, &ba));
    Ok(Migrated {
        from: before,
        to: after,
        shifted_years: if shift_years {
            i32::from(to) - i32::from(from_year)
        } else {
            0
        },
        written: target,
        findings_after: fa,
        effects,
    })
}

pub fn migrate_json(m: &Migrated, lang: Lang) -> Value {
    let e = &m.effects;
    let fj = |f: &Finding| finding_json(f, lang);
    let line = |l: &mobiplan_core::Line| {
        json!({
            "category": l.category,
            "owner": l.owner,
            "label": line_label(l, lang),
            "amount": l.amount,
            "confidence": l.confidence,
        })
    };
    json!({
        "from_call_year": m.from.rulebook.call_year(),
        "to_call_year": m.to.rulebook.call_year(),
        "to_edition": m.to.rulebook.meta.edition,
        "shifted_years": m.shifted_years,
        "written": m.written.display().to_string(),
        "findings": {
            "gone": e.findings_gone.iter().map(fj).collect::<Vec<_>>(),
            "new": e.findings_new.iter().map(fj).collect::<Vec<_>>(),
            "changed": e.findings_changed.iter().map(|c| json!({
                "before": fj(&c.before),
                "after": fj(&c.after),
            })).collect::<Vec<_>>(),
        },
        "budget": {
            "lines": e.lines.iter().map(|c| json!({
                "before": c.before.as_ref().map(line),
                "after": c.after.as_ref().map(line),
            })).collect::<Vec<_>>(),
            "total_before": e.total_before,
            "total_after": e.total_after,
        },
        "findings_after": m.findings_after.iter().map(fj).collect::<Vec<_>>(),
        "errors_after": m.findings_after.iter().filter(|f| f.severity == Severity::Error).count(),
    })
}

pub fn migrate_text(m: &Migrated, lang: Lang) -> String {
    let out = &mut String::new();
    let e = &m.effects;
    w!(
        out,
        "{}",
        bold(&render(
            lang,
            "cli.migrate-title",
            &[
                ("title", m.to.project.title.clone()),
                ("from", m.from.rulebook.call_year().to_string()),
                ("to", m.to.rulebook.call_year().to_string()),
            ]
        ))
    );
    if m.shifted_years != 0 {
        w!(
            out,
            "{}",
            render(
                lang,
                "cli.migrate-shifted",
                &[("years", m.shifted_years.to_string())]
            )
        );
    }
    w!(
        out,
        "{}",
        render(
            lang,
            "cli.migrate-written",
            &[("file", m.written.display().to_string())]
        )
    );
    w!(out);
    w!(out, "{}", bold(&text(lang, "cli.migrate-findings")));
    if e.findings_gone.is_empty() && e.findings_new.is_empty() && e.findings_changed.is_empty() {
        w!(out, "  {}", text(lang, "cli.migrate-no-change"));
    }
    for f in &e.findings_gone {
        w!(out, "  - {} {}", f.rule, finding_message(f, lang));
    }
    for f in &e.findings_new {
        w!(out, "  + {} {}", f.rule, finding_message(f, lang));
    }
    for c in &e.findings_changed {
        w!(
            out,
            "  ~ {} {}",
            c.after.rule,
            finding_message(&c.before, lang)
        );
        w!(out, "    → {}", finding_message(&c.after, lang));
    }
    w!(out);
    w!(out, "{}", bold(&text(lang, "cli.migrate-budget")));
    if e.lines.is_empty() {
        w!(out, "  {}", text(lang, "cli.migrate-no-change"));
    }
    for c in &e.lines {
        let label = c
            .after
            .as_ref()
            .or(c.before.as_ref())
            .map(|l| line_label(l, lang))
            .unwrap_or_default();
        let show = |l: Option<&mobiplan_core::Line>| {
            l.map(|l| {
                let mark = if l.confidence == mobiplan_core::Confidence::P {
                    "*"
                } else {
                    ""
                };
                format!("{}{mark}", amount(l.amount, lang))
            })
            .unwrap_or_else(|| "—".into())
        };
        w!(
            out,
            "  {label}: {} → {}",
            show(c.before.as_ref()),
            show(c.after.as_ref())
        );
    }
    w!(
        out,
        "  {}: {} → {}",
        text(lang, "cli.total"),
        amount(e.total_before, lang),
        amount(e.total_after, lang)
    );
    w!(out);
    let errors = m
        .findings_after
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count();
    w!(
        out,
        "{}",
        render(
            lang,
            "cli.migrate-errors",
            &[("errors", errors.to_string())]
        )
    );
    std::mem::take(out)
}
