//! Small shared ways of writing core values for people in the exports.

use chrono::NaiveDate;
use mobiplan_core::budget::Line;
use mobiplan_core::finding::Subject;
use mobiplan_core::money::{Amount, Money};
use mobiplan_core::project::Activity;
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

/// An amount for people: `?` when an input is missing, a range as `min – max`.
pub fn line_amount(line: &Line, lang: Lang) -> String {
    if line.incomplete {
        "?".to_owned()
    } else {
        format!(
            "{}{}",
            mobiplan_i18n::amount(line.amount, lang),
            mark(line.confidence)
        )
    }
}

pub fn amount(a: Amount, lang: Lang) -> String {
    mobiplan_i18n::amount(a, lang)
}

/// The activity's title, or its id when it has none.
pub fn activity_name(a: &Activity) -> String {
    a.title.clone().unwrap_or_else(|| a.id.to_string())
}

pub fn subject(s: &Subject, lang: Lang) -> String {
    match s {
        Subject::Project => t(lang, "cli.project"),
        Subject::Activity { id, .. } | Subject::Visit { id, .. } => id.clone(),
        Subject::Person { id } => format!("@{id}"),
    }
}

pub fn yes_no(b: bool, lang: Lang) -> String {
    t(lang, if b { "export.yes" } else { "export.no" })
}
