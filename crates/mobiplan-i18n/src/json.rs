//! The JSON forms of findings, input errors and budgets shared by the CLI (`--format json`)
//! and the web API, documented in `docs/cli-json.md`: the core's values plus their sentences
//! in the reader's language.

use mobiplan_core::budget::{Budget, Line};
use mobiplan_core::finding::Finding;
use mobiplan_core::input::InputError;
use serde_json::{Value, json};

use crate::{Lang, finding_message, input_error_message, line_label, text};

/// A finding with `message` (in `lang`), `messages` (both languages) and `unconfirmed`.
pub fn finding(f: &Finding, lang: Lang) -> Value {
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

/// An input error with `message` (in `lang`) and `messages` (both languages) beside its
/// field, line, key, arguments and the parser's own words (`detail`).
pub fn input_error(e: &InputError, lang: Lang) -> Value {
    let mut v = serde_json::to_value(e).unwrap_or(Value::Null);
    if let Value::Object(m) = &mut v {
        m.insert("message".into(), json!(input_error_message(e, lang)));
        m.insert(
            "messages".into(),
            json!({ "en": input_error_message(e, Lang::En), "lv": input_error_message(e, Lang::Lv) }),
        );
    }
    v
}

/// A budget line with its `label`, `unconfirmed` and its children in the same form.
pub fn line(l: &Line, lang: Lang) -> Value {
    let mut v = serde_json::to_value(l).unwrap_or(Value::Null);
    if let Value::Object(m) = &mut v {
        m.insert("label".into(), json!(line_label(l, lang)));
        m.insert("unconfirmed".into(), json!(l.confidence.is_provisional()));
        m.insert(
            "children".into(),
            Value::Array(l.children.iter().map(|c| line(c, lang)).collect()),
        );
    }
    v
}

/// The budget: totals, per category (with labels), per owner, and every line.
pub fn budget(b: &Budget, lang: Lang) -> Value {
    json!({
        "rate_profile": b.rate_profile,
        "exact": b.total.is_exact(),
        "incomplete": b.incomplete,
        "placeholder": b.placeholder,
        "confidence": b.confidence,
        "total": b.total,
        "by_category": b.by_category.iter().map(|c| json!({
            "category": c.category,
            "label": text(lang, &format!("category.{}", c.category.id())),
            "amount": c.amount,
        })).collect::<Vec<_>>(),
        "by_owner": b.by_owner.iter().map(|o| json!({ "owner": o.owner, "amount": o.amount })).collect::<Vec<_>>(),
        "lines": b.lines.iter().map(|l| line(l, lang)).collect::<Vec<_>>(),
    })
}
