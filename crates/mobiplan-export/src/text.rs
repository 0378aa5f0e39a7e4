//! Small shared ways of writing core values for people in the exports.

use chrono::NaiveDate;
use mobiplan_core::budget::Line;
use mobiplan_core::finding::Subject;
use mobiplan_core::money::{Amount, Money};
use mobiplan_core::project::{Activity, PreparatoryVisit, Project};
use mobiplan_core::{ActivityKind, Confidence};
use mobiplan_i18n::{Lang, render, text};

pub fn t(lang: Lang, key: &str) -> String {
    text(lang, key).into_owned()
}

pub fn r(lang: Lang, key: &str, args: &[(&str, String)]) -> String {
    render(lang, key, args)
}

pub fn kind(lang: Lang, k: ActivityKind) -> String {
    t(lang, &format!("kind.{}", k.id()))
}

pub fn date(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

pub fn dates(from: NaiveDate, to: NaiveDate) -> String {
    format!("{} – {}", date(from), date(to))
}

/// Euros as a spreadsheet number (cents are exact in an f64 far beyond any grant).
pub fn euros(m: Money) -> f64 {
    m.cents() as f64 / 100.0
}

/// `*` after a value resting on a provisional rulebook value.
pub fn mark(c: Confidence) -> &'static str {
    if c.is_provisional() { "*" } else { "" }
}

/// An amount for people: `?` when an input is missing, a range as `min – max`, `≈` before an
/// example figure (a placeholder rate).
pub fn line_amount(line: &Line, lang: Lang) -> String {
    if line.incomplete {
        "?".to_owned()
    } else {
        format!(
            "{}{}{}",
            if line.placeholder { "≈ " } else { "" },
            mobiplan_i18n::amount(line.amount, lang),
            mark(line.confidence)
        )
    }
}

pub fn amount(a: Amount, lang: Lang) -> String {
    mobiplan_i18n::amount(a, lang)
}

/// The activity as people call it: its title, or its kind when it has none. Its id is the
/// file's internal name and is never printed for people.
pub fn activity_name(lang: Lang, a: &Activity) -> String {
    mobiplan_i18n::activity_name(&a.into(), lang)
}

/// The title with the kind after it (`Title — Job shadowing`), or the kind alone when the
/// activity has no title, so that the kind is not printed twice.
pub fn activity_name_and_kind(lang: Lang, a: &Activity) -> String {
    match &a.title {
        Some(title) => format!("{title} — {}", kind(lang, a.kind)),
        None => kind(lang, a.kind),
    }
}

/// A preparatory visit as people call it: by the organisation it goes to.
pub fn visit_name(lang: Lang, v: &PreparatoryVisit) -> String {
    r(lang, "export.visit-name", &[("host", v.host.name.clone())])
}

/// What a finding is about, by the names people gave (an id only if the plan lacks it).
pub fn subject(s: &Subject, lang: Lang, project: &Project) -> String {
    match s {
        Subject::Project => t(lang, "cli.project"),
        Subject::Activity { index, id } => project
            .activities
            .get(*index)
            .map(|a| activity_name(lang, a))
            .unwrap_or_else(|| id.clone()),
        Subject::Visit { index, id } => project
            .visits
            .get(*index)
            .map(|v| visit_name(lang, v))
            .unwrap_or_else(|| id.clone()),
        Subject::Person { id } => project
            .people
            .iter()
            .find(|p| p.id == *id)
            .map(|p| p.name.clone())
            .unwrap_or_else(|| id.clone()),
    }
}

pub fn yes_no(b: bool, lang: Lang) -> String {
    t(lang, if b { "export.yes" } else { "export.no" })
}
