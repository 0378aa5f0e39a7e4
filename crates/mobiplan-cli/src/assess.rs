//! `mobiplan assess`: the self-assessment against the award criteria — for each criterion and
//! each question evaluators ask, the parts of the application that answer it (with the start
//! of the text written) or the gap. Points and thresholds are the rulebook's, marked `*` when
//! unconfirmed; mobiplan never scores.

use mobiplan_core::application::Part;
use mobiplan_core::assessment::{Answer, Assessment, Gap, OwnerRef, Points};
use mobiplan_i18n::{Lang, render, text};
use serde_json::{Value, json};

use crate::load::Loaded;
use crate::output::{header, w};
use crate::term::{bold, dim, red};

/// How much of a text the table quotes: enough to recognise it.
const EXCERPT: usize = 90;
/// How much of an objective's or activity's name names it.
const OWNER: usize = 45;

fn points(p: &Points) -> String {
    format!("{}{}", p.value, if p.unconfirmed { "*" } else { "" })
}

fn part_name(part: Part, owner: Option<&OwnerRef>, lang: Lang) -> String {
    let name = text(lang, &format!("application.part.{}", part.id())).into_owned();
    match owner {
        Some(o) => format!("{name} ({})", excerpt_of(&o.name, OWNER)),
        None => name,
    }
}

fn excerpt(s: &str) -> String {
    excerpt_of(s, EXCERPT)
}

/// The text on one line, cut at `max` characters with "…".
fn excerpt_of(s: &str, max: usize) -> String {
    let one_line = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() <= max {
        return one_line;
    }
    let mut cut: String = one_line.chars().take(max).collect();
    cut.push('…');
    cut
}

pub fn text_output(l: &Loaded, a: &Assessment, lang: Lang) -> String {
    let out = &mut String::new();
    header(out, l, lang);
    w!(out);
    w!(
        out,
        "{}",
        bold(&render(
            lang,
            "cli.assess-title",
            &[
                ("year", a.call_year.to_string()),
                ("threshold", points(&a.threshold_total)),
                ("max", a.max_total.to_string()),
            ]
        ))
    );
    w!(out, "{}", dim(&text(lang, "cli.assess-note")));
    for c in &a.criteria {
        w!(out);
        w!(
            out,
            "{} {}",
            bold(c.name.get(lang.code())),
            dim(&render(
                lang,
                "cli.assess-points",
                &[
                    ("max", points(&c.max_points)),
                    ("min", points(&c.min_points))
                ]
            ))
        );
        for q in &c.questions {
            w!(out, "  {}", q.text.get(lang.code()));
            for Answer {
                part, owner, text, ..
            } in &q.answers
            {
                w!(
                    out,
                    "    ✓ {}: «{}»",
                    part_name(*part, owner.as_ref(), lang),
                    excerpt(text)
                );
            }
            for Gap { part, field, owner } in &q.gaps {
                w!(
                    out,
                    "    {} {} — {} {}",
                    red("✗"),
                    part_name(*part, owner.as_ref(), lang),
                    text(lang, "cli.assess-gap"),
                    dim(&format!("({field})"))
                );
            }
        }
    }
    w!(out);
    let gaps = a.all_gaps().len();
    if gaps == 0 {
        w!(out, "{}", text(lang, "cli.assess-no-gaps"));
    } else {
        w!(
            out,
            "{}",
            render(lang, "cli.assess-gaps", &[("n", gaps.to_string())])
        );
    }
    if a.points_confidence().is_provisional() {
        w!(out, "{}", dim(&text(lang, "cli.provisional-note")));
    }
    std::mem::take(out)
}

fn owner_json(o: &Option<OwnerRef>) -> Value {
    match o {
        Some(o) => json!({ "kind": o.kind, "id": o.id, "name": o.name }),
        None => Value::Null,
    }
}

pub fn json_output(l: &Loaded, a: &Assessment, lang: Lang) -> Value {
    let label = |part: Part| text(lang, &format!("application.part.{}", part.id())).into_owned();
    let criteria: Vec<Value> = a
        .criteria
        .iter()
        .map(|c| {
            json!({
                "id": c.id,
                "name": c.name.get(lang.code()),
                "names": c.name,
                "max_points": c.max_points,
                "min_points": c.min_points,
                "answered": c.answered,
                "gaps": c.gaps,
                "questions": c.questions.iter().map(|q| json!({
                    "id": q.id,
                    "question": q.text.get(lang.code()),
                    "questions": q.text,
                    "parts": q.parts,
                    "source": q.source,
                    "confidence": q.confidence,
                    "unconfirmed": q.confidence.is_provisional(),
                    "answers": q.answers.iter().map(|x| json!({
                        "part": x.part,
                        "label": label(x.part),
                        "field": x.field,
                        "owner": owner_json(&x.owner),
                        "text": x.text,
                    })).collect::<Vec<_>>(),
                    "gaps": q.gaps.iter().map(|g| json!({
                        "part": g.part,
                        "label": label(g.part),
                        "field": g.field,
                        "owner": owner_json(&g.owner),
                    })).collect::<Vec<_>>(),
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    json!({
        "mobiplan": env!("CARGO_PKG_VERSION"),
        "file": l.file,
        "lang": lang.code(),
        "call_year": a.call_year,
        "threshold_total": a.threshold_total,
        "max_total": a.max_total,
        "gaps": a.all_gaps().len(),
        "criteria": criteria,
    })
}
