//! `mobiplan report`: implementation tracking of a granted project. The plan's
//! `[implementation]` overlay gives two derived projects (actual: everything not cancelled;
//! reported: what was completed), each loaded, checked and budgeted exactly like a plan.

use std::path::Path;

use mobiplan_core::agenda::{self, Agenda};
use mobiplan_core::tracking;
use mobiplan_core::{Finding, RateProfile};
use mobiplan_i18n::{
    Lang, agenda_event, agenda_overdue, amount, finding_message, money, render, text,
};
use serde_json::{Value, json};

use crate::load::{self, Loaded};
use crate::output::{finding_json, header, json_text, severity_cell, subject_text, w};
use crate::term::{bold, dim, pad, rpad};

pub struct Tracked {
    pub plan: Loaded,
    pub tracked: tracking::Tracked,
    /// What comes next and what is overdue on the day of `--now`.
    pub agenda: Agenda,
}

pub fn run(
    path: &Path,
    rulebook_file: Option<&Path>,
    rates: Option<&Path>,
    now: chrono::DateTime<chrono::FixedOffset>,
    lang: Lang,
) -> Result<Tracked, String> {
    let file = load::project_file(path, lang)?;
    let plan = load::from_file(file.clone(), path, rulebook_file, lang)?;
    let profile: Option<RateProfile> = match rates {
        Some(p) => Some(load::profile(p, &plan.rulebook, lang)?),
        None => None,
    };
    let tracked = tracking::evaluate(
        &file,
        &plan.project,
        &plan.rulebook,
        profile.as_ref(),
        now,
        |f| load::resolve(f, path, lang),
    )?;
    let agenda = agenda::agenda(
        &file,
        &plan.rulebook,
        Some(&tracked.report),
        now.date_naive(),
    );
    Ok(Tracked {
        plan,
        tracked,
        agenda,
    })
}

impl Tracked {
    pub fn has_errors(&self) -> bool {
        self.tracked.has_errors()
    }
}

pub fn text_output(t: &Tracked, lang: Lang) -> String {
    let r = &t.tracked.report;
    let out = &mut String::new();
    header(out, &t.plan, lang);
    w!(out);
    w!(out, "{}", bold(&text(lang, "tracking.title")));
    let s = &r.statuses;
    w!(
        out,
        "  {}",
        render(
            lang,
            "tracking.statuses",
            &[
                ("planned", s.planned.to_string()),
                ("confirmed", s.confirmed.to_string()),
                ("completed", s.completed.to_string()),
                ("cancelled", s.cancelled.to_string()),
            ]
        )
    );
    w!(out);
    let cols = [
        "tracking.planned-amount",
        "tracking.awarded",
        "tracking.reported",
        "tracking.used",
        "tracking.expected",
    ];
    let mut head = format!("  {}", pad(&text(lang, "tracking.category"), 36));
    for c in cols {
        head.push_str(&rpad(&text(lang, c), 20));
    }
    w!(out, "{}", bold(&head));
    let dash = text(lang, "tracking.not-awarded");
    for row in &r.rows {
        w!(
            out,
            "  {}{}{}{}{}{}",
            pad(&text(lang, &format!("category.{}", row.category.id())), 36),
            rpad(&amount(row.planned, lang), 20),
            rpad(
                &row.awarded
                    .map(|m| money(m, lang))
                    .unwrap_or_else(|| dash.to_string()),
                20
            ),
            rpad(&amount(row.reported, lang), 20),
            rpad(&mobiplan_i18n::percent(row.percent_used), 20),
            rpad(&amount(row.expected, lang), 20),
        );
    }
    let currency = &t.plan.rulebook.meta.currency;
    w!(
        out,
        "{}",
        bold(&format!(
            "  {}{}{}{}{}{}",
            pad(&text(lang, "tracking.total"), 36),
            rpad(&amount(r.planned_total, lang), 20),
            rpad(
                &r.awarded_total
                    .map(|m| money(m, lang))
                    .unwrap_or_else(|| dash.to_string()),
                20
            ),
            rpad(&amount(r.reported_total, lang), 20),
            rpad(&mobiplan_i18n::percent(r.percent_used()), 20),
            rpad(
                &format!("{} {currency}", amount(r.expected_total, lang)),
                20
            ),
        ))
    );
    if t.tracked.reported.rate_profile.is_none() {
        w!(out, "{}", dim(&text(lang, "cli.range-note")));
    }
    for (id, status) in &r.omitted_reported.activities {
        w!(
            out,
            "{}",
            dim(&render(
                lang,
                "tracking.omitted",
                &[
                    ("activity", id.clone()),
                    (
                        "status",
                        text(lang, &format!("status.{}", status.id())).into_owned()
                    ),
                ]
            ))
        );
    }
    for (id, status) in &r.omitted_reported.visits {
        w!(
            out,
            "{}",
            dim(&render(
                lang,
                "tracking.omitted-visit",
                &[
                    ("visit", id.clone()),
                    (
                        "status",
                        text(lang, &format!("status.{}", status.id())).into_owned()
                    ),
                ]
            ))
        );
    }

    let findings: Vec<&Finding> = r
        .findings
        .iter()
        .chain(&t.tracked.actual_findings)
        .collect();
    if !findings.is_empty() {
        w!(out);
        w!(out, "{}", bold(&text(lang, "tracking.findings")));
        for f in findings {
            w!(
                out,
                "  {} {} {}",
                severity_cell(f.severity, lang),
                pad(f.rule.as_str(), 24),
                subject_text(&f.subject, lang)
            );
            w!(out, "      {}", finding_message(f, lang));
        }
    }

    w!(out);
    w!(out, "{}", bold(&text(lang, "tracking.evidence")));
    let (received, needed) = r.evidence_progress();
    w!(
        out,
        "  {}",
        render(
            lang,
            "tracking.evidence-progress",
            &[
                ("received", received.to_string()),
                ("needed", needed.to_string())
            ]
        )
    );
    for e in &r.evidence {
        w!(
            out,
            "  {}",
            render(
                lang,
                "tracking.evidence-activity",
                &[
                    ("activity", e.activity.clone()),
                    (
                        "status",
                        text(lang, &format!("status.{}", e.status.id())).into_owned()
                    ),
                    ("participants", e.participants.to_string()),
                    ("received", e.received().to_string()),
                    ("needed", e.needed().to_string()),
                ]
            )
        );
        let missing: Vec<String> = e
            .documents
            .iter()
            .filter(|d| d.1 < d.2)
            .map(|d| {
                format!(
                    "{} ({}/{})",
                    text(lang, &format!("document.{}", d.0.id())),
                    d.1,
                    d.2
                )
            })
            .collect();
        if !missing.is_empty() {
            w!(
                out,
                "    {}",
                dim(&render(
                    lang,
                    "tracking.evidence-missing",
                    &[("documents", missing.join(", "))]
                ))
            );
        }
    }
    agenda_text(out, &t.agenda, lang);
    out.clone()
}

fn agenda_text(out: &mut String, a: &Agenda, lang: Lang) {
    w!(out);
    w!(out, "{}", bold(&text(lang, "dashboard.next")));
    for d in &a.next {
        w!(
            out,
            "  {}  {}",
            d.date,
            agenda_event(&d.event, lang, &|id| id.to_owned())
        );
    }
    w!(
        out,
        "  {}: {}    {}: {}",
        text(lang, "dashboard.days-to-end"),
        a.days_to_end,
        text(lang, "dashboard.days-to-report"),
        match a.final_report_submitted {
            Some(d) => render(
                lang,
                "dashboard.report-submitted",
                &[("date", d.to_string())]
            ),
            None => a.days_to_report.to_string(),
        }
    );
    w!(out);
    w!(out, "{}", bold(&text(lang, "dashboard.overdue")));
    if a.overdue.is_empty() {
        w!(out, "  {}", text(lang, "dashboard.nothing-overdue"));
    }
    for o in &a.overdue {
        w!(out, "  {}", agenda_overdue(o, lang, &|id| id.to_owned()));
    }
}

pub fn json_output(t: &Tracked, lang: Lang) -> String {
    let r = &t.tracked.report;
    let (received, needed) = r.evidence_progress();
    let v: Value = json!({
        "mobiplan": env!("CARGO_PKG_VERSION"),
        "file": t.plan.file,
        "lang": lang.code(),
        "statuses": r.statuses,
        "categories": r.rows.iter().map(|row| json!({
            "category": row.category,
            "planned": row.planned,
            "awarded": row.awarded,
            "reported": row.reported,
            "expected": row.expected,
            "percent_used": row.percent_used.map(|(a, b)| json!({ "min": a, "max": b })),
        })).collect::<Vec<_>>(),
        "totals": {
            "planned": r.planned_total,
            "awarded": r.awarded_total,
            "reported": r.reported_total,
            "expected": r.expected_total,
        },
        "rate_profile": t.tracked.reported.rate_profile,
        "findings": r.findings.iter().chain(&t.tracked.actual_findings)
            .map(|f| finding_json(f, lang)).collect::<Vec<_>>(),
        "evidence": {
            "received": received,
            "needed": needed,
            "activities": r.evidence.iter().map(|e| json!({
                "activity": e.activity,
                "status": e.status,
                "participants": e.participants,
                "received": e.received(),
                "needed": e.needed(),
                "documents": e.documents.iter().map(|d| json!({
                    "document": d.0, "received": d.1, "needed": d.2,
                })).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
        },
        "omitted": {
            "reported": r.omitted_reported,
            "actual": r.omitted_actual,
        },
        "actual_activities": t.tracked.actual.activities.len(),
        "agenda": t.agenda,
    });
    json_text(&v)
}
