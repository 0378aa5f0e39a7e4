//! What the commands print: tables for people, and the JSON documents described in
//! `docs/cli-json.md` (an API: fields are only ever added, never renamed).

use mobiplan_core::budget::{Budget, Line, LineOwner};
use mobiplan_core::finding::{Finding, Subject};
use mobiplan_core::{Confidence, RuleId, Rulebook, Severity};
use mobiplan_i18n::{Lang, amount, finding_message, line_label, render, text};
use serde_json::{Value, json};

use crate::load::Loaded;
use crate::term::{blue, bold, dim, pad, red, rpad, yellow};

/// Appends a line to a text buffer: output is built whole, then written once, so a closed pipe
/// (`mobiplan budget … | head`) ends the program quietly instead of failing mid-table.
macro_rules! w {
    ($out:expr) => {
        $out.push('\n')
    };
    ($out:expr, $($arg:tt)*) => {{
        use std::fmt::Write as _;
        let _ = writeln!($out, $($arg)*);
    }};
}
pub(crate) use w;

pub fn json_text(v: &Value) -> String {
    let mut text = serde_json::to_string_pretty(v).unwrap_or_else(|_| "{}".into());
    text.push('\n');
    text
}

fn project_json(l: &Loaded) -> Value {
    let p = &l.project;
    json!({
        "title": p.title,
        "field": p.field,
        "call_year": p.call_year,
        "round": p.round,
        "start": p.start.to_string(),
        "end": p.end().to_string(),
        "applicant": p.applicant.name,
        "activities": p.activities.len(),
        "preparatory_visits": p.visits.len(),
    })
}

fn rulebook_json(rb: &Rulebook) -> Value {
    json!({ "call_year": rb.call_year(), "edition": rb.meta.edition })
}

fn counts(findings: &[Finding]) -> (usize, usize, usize) {
    let n = |s| findings.iter().filter(|f| f.severity == s).count();
    (n(Severity::Error), n(Severity::Warning), n(Severity::Info))
}

pub fn finding_json(f: &Finding, lang: Lang) -> Value {
    let mut v = serde_json::to_value(f).unwrap_or(Value::Null);
    if let Value::Object(m) = &mut v {
        m.insert("message".into(), json!(finding_message(f, lang)));
        m.insert(
            "messages".into(),
            json!({ "en": finding_message(f, Lang::En), "lv": finding_message(f, Lang::Lv) }),
        );
        m.insert("unconfirmed".into(), json!(f.confidence.is_provisional()));
    }
    v
}

pub fn check_json(l: &Loaded, findings: &[Finding], lang: Lang) -> Value {
    let (errors, warnings, infos) = counts(findings);
    json!({
        "mobiplan": env!("CARGO_PKG_VERSION"),
        "file": l.file,
        "lang": lang.code(),
        "project": project_json(l),
        "rulebook": rulebook_json(&l.rulebook),
        "summary": { "errors": errors, "warnings": warnings, "infos": infos },
        "findings": findings.iter().map(|f| finding_json(f, lang)).collect::<Vec<_>>(),
    })
}

pub(crate) fn subject_text(s: &Subject, lang: Lang) -> String {
    match s {
        Subject::Project => text(lang, "cli.project").into_owned(),
        Subject::Activity { id, .. } => id.clone(),
        Subject::Visit { id, .. } => id.clone(),
        Subject::Person { id } => format!("@{id}"),
    }
}

pub(crate) fn severity_cell(s: Severity, lang: Lang) -> String {
    let word = pad(&text(lang, &format!("severity.{}", s.as_str())), 12);
    match s {
        Severity::Error => red(&word),
        Severity::Warning => yellow(&word),
        Severity::Info => blue(&word),
    }
}

pub(crate) fn header(out: &mut String, l: &Loaded, lang: Lang) {
    let p = &l.project;
    w!(out, "{} — {}", bold(&p.title), p.applicant.name);
    w!(
        out,
        "{}",
        dim(&format!(
            "{} · {} · {} – {} · {}",
            text(lang, &format!("field.{}", p.field.as_str())),
            render(
                lang,
                "cli.call",
                &[
                    ("year", p.call_year.to_string()),
                    ("round", p.round.to_string())
                ]
            ),
            p.start,
            p.end(),
            l.file
        ))
    );
}

pub fn check_text(l: &Loaded, findings: &[Finding], lang: Lang) -> String {
    let out = &mut String::new();
    header(out, l, lang);
    w!(out);
    if findings.is_empty() {
        w!(out, "{}", text(lang, "cli.no-findings"));
        return std::mem::take(out);
    }
    w!(out, "{}", bold(&text(lang, "cli.findings")));
    let mut provisional = false;
    for f in findings {
        let star = if f.confidence.is_provisional() {
            provisional = true;
            "*"
        } else {
            ""
        };
        w!(
            out,
            "  {} {} {}",
            severity_cell(f.severity, lang),
            bold(&pad(&format!("{}{star}", f.rule), 25)),
            subject_text(&f.subject, lang)
        );
        w!(out, "      {}", finding_message(f, lang));
        if let Some(field) = &f.field {
            w!(out, "      {}", dim(&format!("→ {field}")));
        }
    }
    let (errors, warnings, infos) = counts(findings);
    w!(out);
    w!(
        out,
        "{}",
        render(
            lang,
            "cli.summary",
            &[
                ("errors", errors.to_string()),
                ("warnings", warnings.to_string()),
                ("infos", infos.to_string())
            ]
        )
    );
    if provisional {
        w!(out, "{}", dim(&text(lang, "cli.provisional-note")));
    }
    std::mem::take(out)
}

fn owner_text(o: &LineOwner) -> &str {
    match o {
        LineOwner::Activity { id, .. } | LineOwner::Visit { id, .. } => id,
    }
}

fn line_json(line: &Line, lang: Lang) -> Value {
    let mut v = serde_json::to_value(line).unwrap_or(Value::Null);
    if let Value::Object(m) = &mut v {
        m.insert("label".into(), json!(line_label(line, lang)));
        m.insert(
            "unconfirmed".into(),
            json!(line.confidence.is_provisional()),
        );
        m.insert(
            "children".into(),
            Value::Array(line.children.iter().map(|c| line_json(c, lang)).collect()),
        );
    }
    v
}

pub fn budget_json(l: &Loaded, b: &Budget, errors: usize, lang: Lang) -> Value {
    json!({
        "mobiplan": env!("CARGO_PKG_VERSION"),
        "file": l.file,
        "lang": lang.code(),
        "currency": l.rulebook.meta.currency,
        "project": project_json(l),
        "rulebook": rulebook_json(&l.rulebook),
        "rate_profile": b.rate_profile,
        "exact": b.total.is_exact(),
        "incomplete": b.incomplete,
        "placeholder": b.placeholder,
        "confidence": b.confidence,
        "rule_errors": errors,
        "total": b.total,
        "by_category": b.by_category.iter().map(|c| json!({
            "category": c.category,
            "label": text(lang, &format!("category.{}", c.category.id())),
            "amount": c.amount,
        })).collect::<Vec<_>>(),
        "by_owner": b.by_owner.iter().map(|o| json!({ "owner": o.owner, "amount": o.amount })).collect::<Vec<_>>(),
        "lines": b.lines.iter().map(|line| line_json(line, lang)).collect::<Vec<_>>(),
    })
}

fn conf_mark(c: Confidence) -> &'static str {
    if c.is_provisional() { "*" } else { "" }
}

pub fn budget_text(l: &Loaded, b: &Budget, errors: usize, explain: bool, lang: Lang) -> String {
    let out = &mut String::new();
    header(out, l, lang);
    w!(out);
    w!(out, "{}", bold(&text(lang, "cli.budget")));
    let labels: Vec<String> = b.lines.iter().map(|l| line_label(l, lang)).collect();
    let width = labels
        .iter()
        .map(|l| l.chars().count() + 5)
        .max()
        .unwrap_or(40)
        .min(100);
    let mut current: Option<&LineOwner> = None;
    for line in &b.lines {
        if current != Some(&line.owner) {
            current = Some(&line.owner);
            w!(out, "  {}", bold(owner_text(&line.owner)));
        }
        print_line(out, line, width, 4, explain, lang);
    }
    w!(out);
    w!(out, "{}", bold(&text(lang, "cli.by-category")));
    for c in &b.by_category {
        if c.amount.max.cents() == 0 && c.amount.min.cents() == 0 {
            continue;
        }
        w!(
            out,
            "  {} {}",
            pad(
                &text(lang, &format!("category.{}", c.category.id())),
                width - 2
            ),
            rpad(&amount(c.amount, lang), 22)
        );
    }
    w!(
        out,
        "  {} {}",
        bold(&pad(&text(lang, "cli.total"), width - 2)),
        bold(&rpad(
            &format!("{} {}", amount(b.total, lang), l.rulebook.meta.currency),
            22
        ))
    );
    w!(out);
    match &b.rate_profile {
        Some(p) => w!(
            out,
            "{}",
            dim(&render(lang, "cli.profile-note", &[("profile", p.clone())]))
        ),
        None => w!(out, "{}", dim(&text(lang, "cli.range-note"))),
    }
    if b.incomplete {
        w!(out, "{}", yellow(&text(lang, "cli.incomplete-note")));
    }
    if b.placeholder {
        w!(out, "{}", yellow(&text(lang, "cli.placeholder-note")));
    }
    if b.confidence.is_provisional() {
        w!(out, "{}", dim(&text(lang, "cli.provisional-note")));
    }
    if errors > 0 {
        w!(
            out,
            "{}",
            red(&render(
                lang,
                "cli.errors-only",
                &[("errors", errors.to_string())]
            ))
        );
    }
    std::mem::take(out)
}

fn print_line(
    out: &mut String,
    line: &Line,
    width: usize,
    indent: usize,
    explain: bool,
    lang: Lang,
) {
    let label = format!("{}{}", line_label(line, lang), conf_mark(line.confidence));
    let amt = if line.incomplete {
        "?".to_owned()
    } else if line.placeholder {
        format!("≈ {}", amount(line.amount, lang))
    } else {
        amount(line.amount, lang)
    };
    w!(
        out,
        "{}{} {}",
        " ".repeat(indent),
        pad(&label, width.saturating_sub(indent)),
        rpad(&amt, 22)
    );
    w!(
        out,
        "{}{}",
        " ".repeat(indent + 2),
        dim(&format!("= {}", line.formula))
    );
    if explain {
        for p in &line.params {
            w!(
                out,
                "{}{}",
                " ".repeat(indent + 2),
                dim(&format!(
                    "{}: {} [{}; {}]",
                    p.path,
                    p.value,
                    p.source,
                    text(lang, &format!("confidence.{:?}", p.confidence))
                ))
            );
        }
        for c in &line.children {
            print_line(out, c, width, indent + 4, false, lang);
        }
    }
}

pub fn rules_json(rb: &Rulebook) -> Value {
    let rules: Vec<Value> = RuleId::ALL
        .iter()
        .map(|id| {
            let m = rb.rule(*id);
            let prefix = format!("rules.{}.", id.as_str());
            let values: Vec<&mobiplan_core::rulebook::ParamInfo> = rb
                .params()
                .iter()
                .filter(|p| p.path.starts_with(&prefix))
                .collect();
            json!({
                "id": id.as_str(),
                "severity": m.severity,
                "text": m.text,
                "source": m.source,
                "confidence": m.confidence,
                "note": m.note,
                "state": if m.carried_from.is_some() { "carried" } else { "known" },
                "carried_from": m.carried_from,
                "values": values,
            })
        })
        .collect();
    json!({
        "call_year": rb.call_year(),
        "edition": rb.meta.edition,
        "title": rb.meta.title,
        "currency": rb.meta.currency,
        "rounds": rb.rounds.values().map(|r| json!({
            "round": r.number,
            "deadline": r.deadline.map(|d| d.to_rfc3339()),
            "start_from": r.start_window().map(|w| w.0.to_string()),
            "start_to": r.start_window().map(|w| w.1.to_string()),
        })).collect::<Vec<_>>(),
        "sources": rb.sources,
        "rules": rules,
        "parameters": rb.params(),
    })
}

pub fn rules_text(rb: &Rulebook, lang: Lang) -> String {
    let out = &mut String::new();
    w!(
        out,
        "{}",
        bold(&render(
            lang,
            "cli.rules-title",
            &[
                ("year", rb.call_year().to_string()),
                ("edition", rb.meta.edition.clone())
            ]
        ))
    );
    w!(out);
    for id in RuleId::ALL {
        let m = rb.rule(*id);
        w!(
            out,
            "{} {} {}",
            bold(&pad(id.as_str(), 25)),
            severity_cell(m.severity, lang),
            dim(&format!(
                "[{}; {}{}]",
                m.source,
                text(lang, &format!("confidence.{:?}", m.confidence)),
                m.carried_from
                    .map(|y| format!(
                        "; {}",
                        render(lang, "cli.carried-from", &[("year", y.to_string())])
                    ))
                    .unwrap_or_default()
            ))
        );
        w!(out, "    {}", m.text);
        let prefix = format!("rules.{}.values.", id.as_str());
        for p in rb.params().iter().filter(|p| p.path.starts_with(&prefix)) {
            w!(
                out,
                "    {} = {} {}{}",
                &p.path[prefix.len()..],
                crate::editions::value_text(p, lang),
                dim(&crate::editions::provenance(p, lang)),
                conf_mark(p.confidence)
            );
        }
    }
    w!(out);
    w!(out, "{}", bold(&text(lang, "cli.values")));
    for p in rb.params().iter().filter(|p| !p.path.starts_with("rules.")) {
        w!(
            out,
            "  {} = {} {}{}",
            p.path,
            crate::editions::value_text(p, lang),
            dim(&crate::editions::provenance(p, lang)),
            conf_mark(p.confidence)
        );
    }
    std::mem::take(out)
}
