//! mobiplan's texts in Latvian and English, and the way core values (money, distances, kinds,
//! findings, input errors, budget lines) are written for people in each language.
//!
//! The translation files `locales/{en,lv}.toml` are embedded; a key missing in Latvian falls
//! back to English, and a test keeps the two files in step (same keys, same placeholders).

pub mod json;

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;
use std::sync::OnceLock;

use mobiplan_core::agenda::{Event, Overdue};
use mobiplan_core::budget::{Line, ParamValue};
use mobiplan_core::finding::{ActivityName, Arg, Finding};
use mobiplan_core::input::InputError;
use mobiplan_core::money::{Amount, Money};
use mobiplan_core::types::{Country, Km100};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Lang {
    #[default]
    En,
    Lv,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Lv];

    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Lv => "lv",
        }
    }
}

impl FromStr for Lang {
    type Err = String;
    fn from_str(s: &str) -> Result<Lang, String> {
        match s.to_ascii_lowercase().as_str() {
            "en" => Ok(Lang::En),
            "lv" => Ok(Lang::Lv),
            other => Err(format!(
                "\"{other}\" is not a language of mobiplan: use lv or en"
            )),
        }
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

const EN: &str = include_str!("../locales/en.toml");
const LV: &str = include_str!("../locales/lv.toml");

struct Catalog {
    en: HashMap<String, String>,
    lv: HashMap<String, String>,
}

fn flatten(prefix: &str, t: &toml::Table, out: &mut HashMap<String, String>) {
    for (k, v) in t {
        let key = if prefix.is_empty() {
            k.clone()
        } else {
            format!("{prefix}.{k}")
        };
        match v {
            toml::Value::String(s) => {
                out.insert(key, s.clone());
            }
            toml::Value::Table(t) => flatten(&key, t, out),
            // The files hold only strings and tables; the consistency test rejects others.
            _ => {}
        }
    }
}

fn parse(text: &str) -> HashMap<String, String> {
    let table: toml::Table =
        toml::from_str(text).expect("embedded translation file is valid TOML (tested)");
    let mut out = HashMap::new();
    flatten("", &table, &mut out);
    out
}

fn catalog() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| Catalog {
        en: parse(EN),
        lv: parse(LV),
    })
}

/// The text of a key; Latvian falls back to English, and an unknown key shows itself so that a
/// missing translation is visible rather than silent.
pub fn text(lang: Lang, key: &str) -> Cow<'static, str> {
    let c = catalog();
    let found = match lang {
        Lang::Lv => c.lv.get(key).or_else(|| c.en.get(key)),
        Lang::En => c.en.get(key),
    };
    match found {
        Some(s) => Cow::Borrowed(s.as_str()),
        None => Cow::Owned(key.to_owned()),
    }
}

/// Whether a key exists in the English file.
pub fn has(key: &str) -> bool {
    catalog().en.contains_key(key)
}

/// Fills `{name}` placeholders.
pub fn render(lang: Lang, key: &str, args: &[(&str, String)]) -> String {
    fill(&text(lang, key), args)
}

fn fill(template: &str, args: &[(&str, String)]) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) => {
                let name = &after[..close];
                match args.iter().find(|(k, _)| *k == name) {
                    Some((_, v)) => out.push_str(v),
                    None => {
                        out.push('{');
                        out.push_str(name);
                        out.push('}');
                    }
                }
                rest = &after[close + 1..];
            }
            None => {
                out.push_str(&rest[open..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

fn group_thousands(digits: &str, sep: &str) -> String {
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push_str(sep);
        }
        out.push(ch);
    }
    out
}

/// Euros for people: `1,234.50` in English, `1 234,50` in Latvian; whole euros without cents.
pub fn money(m: Money, lang: Lang) -> String {
    let (thousands, decimal) = match lang {
        Lang::En => (",", "."),
        Lang::Lv => ("\u{a0}", ","),
    };
    let sign = if m.cents() < 0 { "-" } else { "" };
    let abs = m.cents().unsigned_abs();
    let whole = group_thousands(&(abs / 100).to_string(), thousands);
    if abs.is_multiple_of(100) {
        format!("{sign}{whole}")
    } else {
        format!("{sign}{whole}{decimal}{:02}", abs % 100)
    }
}

/// An amount that may be a range: `3,246` or `2,980 – 4,184`.
pub fn amount(a: Amount, lang: Lang) -> String {
    if a.is_exact() {
        money(a.min, lang)
    } else {
        format!("{} – {}", money(a.min, lang), money(a.max, lang))
    }
}

/// A dated event of a project's agenda ([`mobiplan_core::agenda`]), for people. `name` turns
/// an activity's or a visit's id into what the page calls it (its title, say).
pub fn agenda_event(e: &Event, lang: Lang, name: &dyn Fn(&str) -> String) -> String {
    match e {
        Event::Deadline => text(lang, "dashboard.event-deadline").into_owned(),
        Event::ProjectStart => text(lang, "dashboard.event-project-start").into_owned(),
        Event::ActivityStart { activity } => render(
            lang,
            "dashboard.event-activity-start",
            &[("activity", name(activity))],
        ),
        Event::ActivityEnd { activity } => render(
            lang,
            "dashboard.event-activity-end",
            &[("activity", name(activity))],
        ),
        Event::VisitStart { visit } => render(
            lang,
            "dashboard.event-visit-start",
            &[("visit", name(visit))],
        ),
        Event::ProjectEnd => text(lang, "dashboard.event-project-end").into_owned(),
        Event::FinalReport => text(lang, "dashboard.event-final-report").into_owned(),
    }
}

/// Something overdue in a project's agenda, for people (`name` as for [`agenda_event`]).
pub fn agenda_overdue(o: &Overdue, lang: Lang, name: &dyn Fn(&str) -> String) -> String {
    match o {
        Overdue::NotConfirmed { activity, start } => render(
            lang,
            "dashboard.overdue-not-confirmed",
            &[("activity", name(activity)), ("date", start.to_string())],
        ),
        Overdue::NotCompleted { activity, end } => render(
            lang,
            "dashboard.overdue-not-completed",
            &[("activity", name(activity)), ("date", end.to_string())],
        ),
        Overdue::VisitNotCompleted { visit, end } => render(
            lang,
            "dashboard.overdue-visit-not-completed",
            &[("visit", name(visit)), ("date", end.to_string())],
        ),
        Overdue::Evidence {
            activity,
            received,
            needed,
        } => render(
            lang,
            "dashboard.overdue-evidence",
            &[
                ("activity", name(activity)),
                ("received", received.to_string()),
                ("needed", needed.to_string()),
            ],
        ),
        Overdue::FinalReport { due } => render(
            lang,
            "dashboard.overdue-final-report",
            &[("date", due.to_string())],
        ),
    }
}

/// A share in whole per cent, or a range of them (`10 %`, `13–26 %`); empty when unknown.
pub fn percent(p: Option<(u32, u32)>) -> String {
    match p {
        None => String::new(),
        Some((a, b)) if a == b => format!("{a} %"),
        Some((a, b)) => format!("{a}–{b} %"),
    }
}

/// A difference of money with its sign: `+1,234`, `−56.50` (a true minus sign), `0`.
pub fn signed_money(m: Money, lang: Lang) -> String {
    match m.cents().signum() {
        0 => money(m, lang),
        1 => format!("+{}", money(m, lang)),
        _ => format!(
            "\u{2212}{}",
            money(Money::from_cents(m.cents().saturating_neg()), lang)
        ),
    }
}

/// A difference of two amounts that may be ranges, taken bound by bound
/// ([`mobiplan_core::compare::Difference`]): `+140`, or `−168 … −340` — at the lowest rates …
/// at the highest rates (not a range: either end may be the larger).
pub fn signed_amount(a: Amount, lang: Lang) -> String {
    if a.is_exact() {
        signed_money(a.min, lang)
    } else {
        format!(
            "{} … {}",
            signed_money(a.min, lang),
            signed_money(a.max, lang)
        )
    }
}

/// A difference of counts with its sign: `+2`, `−1`, `0`.
pub fn signed_count(n: i64) -> String {
    match n.signum() {
        0 => "0".to_owned(),
        1 => format!("+{n}"),
        _ => format!("\u{2212}{}", n.unsigned_abs()),
    }
}

/// Kilometres with two decimals in the language's decimal mark.
pub fn km(k: Km100, lang: Lang) -> String {
    let s = k.to_string();
    match lang {
        Lang::En => s,
        Lang::Lv => s.replace('.', ","),
    }
}

/// Arguments whose text value is an identifier to translate, by argument name.
fn id_section(arg_name: &str) -> Option<&'static str> {
    match arg_name {
        "role" | "expected" => Some("role"),
        "who" => Some("who"),
        "means" => Some("means"),
        "venue" => Some("venue"),
        "missing" => Some("quality"),
        "category" => Some("category"),
        "status_from" | "status_to" | "status_allowed" | "person_status" | "activity_status" => {
            Some("status")
        }
        "section" => Some("application.section"),
        "parts" | "text" => Some("application.part"),
        _ => None,
    }
}

fn arg_text(name: &str, arg: &Arg, lang: Lang) -> String {
    let translate = |v: &str| match id_section(name) {
        Some(section) => text(lang, &format!("{section}.{v}")).into_owned(),
        None => v.to_owned(),
    };
    match arg {
        Arg::Int(i) => i.to_string(),
        Arg::Text(t) => translate(t),
        Arg::Date(d) => d.format("%Y-%m-%d").to_string(),
        Arg::Money(m) => money(*m, lang),
        Arg::Km(k) => km(*k, lang),
        Arg::Kind(k) => text(lang, &format!("kind.{}", k.id())).into_owned(),
        Arg::Field(f) => text(lang, &format!("field.{}", f.as_str())).into_owned(),
        Arg::Country(c) => country_name(*c, lang),
        Arg::List(l) => l
            .iter()
            .map(|v| translate(v))
            .collect::<Vec<_>>()
            .join(", "),
        Arg::Activity(a) => activity_name(a, lang),
        Arg::Activities(l) => l
            .iter()
            .map(|a| activity_name(a, lang))
            .collect::<Vec<_>>()
            .join(", "),
    }
}

/// A value a budget line used, for people: a rulebook word in words, a computed distance
/// with its places (the rulebook's own spelling stays in the technical details).
pub fn param_value(v: &ParamValue, lang: Lang) -> String {
    match v {
        ParamValue::Text(word) => {
            let key = format!("param-value.{word}");
            if has(&key) {
                text(lang, &key).into_owned()
            } else {
                word.to_string()
            }
        }
        ParamValue::ComputedDistance { km: k, from, to } => render(
            lang,
            "param-value.computed-distance",
            &[
                ("km", km(*k, lang)),
                ("from", from.to_string()),
                ("to", to.to_string()),
            ],
        ),
        other => other.to_string(),
    }
}

/// A rulebook source's title in the language: the rulebook's own translation (`title_lv`),
/// its English title where it has none.
pub fn source_title(s: &mobiplan_core::rulebook::Source, lang: Lang) -> &str {
    match lang {
        Lang::Lv => s.title_lv.as_deref().unwrap_or(&s.title),
        Lang::En => &s.title,
    }
}

/// An activity as people call it: its title, or its kind when it has none.
pub fn activity_name(a: &ActivityName, lang: Lang) -> String {
    match &a.title {
        Some(t) => t.clone(),
        None => text(lang, &format!("kind.{}", a.kind.id())).into_owned(),
    }
}

/// A country by its name in the language, its code where the translation has none.
pub fn country_name(c: Country, lang: Lang) -> String {
    let key = format!("country-name.{}", c.as_str());
    if has(&key) {
        text(lang, &key).into_owned()
    } else {
        c.as_str().to_owned()
    }
}

fn render_args(key: &str, args: &[(&'static str, Arg)], lang: Lang) -> String {
    let args: Vec<(&str, String)> = args
        .iter()
        .map(|(k, v)| (*k, arg_text(k, v, lang)))
        .collect();
    render(lang, key, &args)
}

/// A finding's sentence in the reader's language, quoting the actual and allowed values.
pub fn finding_message(f: &Finding, lang: Lang) -> String {
    render_args(f.key, &f.args, lang)
}

/// An input error's sentence in the reader's language. The values a field accepts are quoted
/// as the file must hold them, each with its name where the field's values have one
/// (“SCH” (school education)).
pub fn input_error_message(e: &InputError, lang: Lang) -> String {
    let section = value_section(&e.field);
    let args: Vec<(&str, String)> = e
        .args
        .iter()
        .map(|(k, v)| {
            let text = match (*k, v) {
                ("accepted", Arg::List(values)) => values
                    .iter()
                    .map(|v| quoted_value(v, section, lang))
                    .collect::<Vec<_>>()
                    .join(", "),
                ("candidates", Arg::List(places)) => places.join("; "),
                _ => arg_text(k, v, lang),
            };
            (*k, text)
        })
        .collect();
    render(lang, e.key, &args)
}

/// The translation section of the values a file field takes, by the field's last key.
fn value_section(field: &str) -> Option<&'static str> {
    let last = field
        .rsplit('.')
        .next()
        .unwrap_or(field)
        .split('[')
        .next()
        .unwrap_or("");
    Some(match last {
        "field" | "accreditations" => "field",
        "kind" if field.contains("real_costs") => "web.cost",
        "kind" => "kind",
        "role" => "role",
        "means" => "means",
        "venue" => "venue",
        "status" | "persons" => "status",
        "quality" => "quality",
        "evidence" => "document",
        "awarded" => "category",
        _ => return None,
    })
}

fn quoted_value(value: &str, section: Option<&str>, lang: Lang) -> String {
    match section.map(|s| format!("{s}.{value}")) {
        Some(key) if has(&key) => format!("“{value}” ({})", text(lang, &key)),
        _ => format!("“{value}”"),
    }
}

/// A budget line's label in the reader's language.
pub fn line_label(l: &Line, lang: Lang) -> String {
    render_args(l.key, &l.args, lang)
}

#[cfg(test)]
mod tests {
    use super::*;
    use mobiplan_core::RuleId;
    use mobiplan_core::types::Km100;

    fn placeholders(s: &str) -> Vec<String> {
        let mut v: Vec<String> = s
            .split('{')
            .skip(1)
            .filter_map(|p| p.split_once('}').map(|(n, _)| n.to_owned()))
            .collect();
        v.sort();
        v
    }

    #[test]
    fn latvian_and_english_have_the_same_keys_and_placeholders() {
        let c = catalog();
        for (k, en) in &c.en {
            let lv =
                c.lv.get(k)
                    .unwrap_or_else(|| panic!("{k} is missing in lv.toml"));
            assert_eq!(
                placeholders(en),
                placeholders(lv),
                "placeholders differ for {k}"
            );
        }
        for k in c.lv.keys() {
            assert!(c.en.contains_key(k), "{k} is in lv.toml but not in en.toml");
        }
    }

    #[test]
    fn the_translation_files_hold_only_strings() {
        for text in [EN, LV] {
            fn walk(t: &toml::Table) {
                for (k, v) in t {
                    match v {
                        toml::Value::String(_) => {}
                        toml::Value::Table(t) => walk(t),
                        other => panic!("{k} is {other:?}, not a string"),
                    }
                }
            }
            walk(&toml::from_str(text).unwrap());
        }
    }

    #[test]
    fn every_rule_has_a_message() {
        let c = catalog();
        for id in RuleId::ALL {
            let base = format!("finding.{}", id.as_str());
            let found =
                c.en.keys()
                    .any(|k| *k == base || k.starts_with(&format!("{base}.")));
            assert!(found, "no message for {}", id.as_str());
        }
    }

    /// The rulebook pages show every value's unit in the language.
    #[test]
    fn every_unit_of_every_embedded_rulebook_has_a_name_in_both_languages() {
        for year in mobiplan_core::Rulebook::embedded_years() {
            let rb = mobiplan_core::Rulebook::embedded(year).unwrap();
            for p in rb.params() {
                if let Some(u) = &p.unit {
                    assert!(
                        has(&format!("unit.{u}")),
                        "{year}: unit {u:?} of {}",
                        p.path
                    );
                }
            }
        }
    }

    /// "Why this number" names the source of every value: in the Latvian interface, in Latvian.
    #[test]
    fn every_source_of_every_embedded_rulebook_has_a_latvian_title() {
        for year in mobiplan_core::Rulebook::embedded_years() {
            let rb = mobiplan_core::Rulebook::embedded(year).unwrap();
            for (id, s) in &rb.sources {
                let lv = source_title(s, Lang::Lv);
                assert!(
                    s.title_lv.is_some() && lv != s.title,
                    "{year}: source {id} has no Latvian title"
                );
            }
        }
    }

    #[test]
    fn every_kind_and_category_has_a_name() {
        for k in mobiplan_core::ActivityKind::ALL {
            assert!(has(&format!("kind.{}", k.id())));
        }
        for c in mobiplan_core::Category::ALL {
            assert!(has(&format!("category.{}", c.id())));
        }
    }

    #[test]
    fn every_part_and_section_of_the_application_has_a_name() {
        for p in mobiplan_core::application::Part::ALL {
            assert!(has(&format!("application.part.{}", p.id())), "{}", p.id());
        }
        for s in mobiplan_core::application::Section::ALL {
            assert!(
                has(&format!("application.section.{}", s.id())),
                "{}",
                s.id()
            );
        }
    }

    #[test]
    fn application_findings_name_sections_and_parts_in_words() {
        use mobiplan_core::{Arg, Finding, RuleId, Severity, Subject};
        let f = Finding {
            rule: RuleId::NSectionComplete,
            severity: Severity::Error,
            subject: Subject::Project,
            key: "finding.N-SECTION-COMPLETE",
            args: vec![
                ("section", Arg::Text("follow-up".into())),
                (
                    "parts",
                    Arg::List(vec!["integration".into(), "sharing".into()]),
                ),
            ],
            confidence: mobiplan_core::Confidence::V,
            field: None,
        };
        assert_eq!(
            finding_message(&f, Lang::En),
            "Follow-up: not written yet — Integration of the results into regular work, Sharing of the results."
        );
        assert!(finding_message(&f, Lang::Lv).starts_with("Turpmākie pasākumi: vēl nav"));
    }

    /// Every key an input error can carry ([`mobiplan_core::input::KEYS`], which the core
    /// builds from the functions that make the errors) has a sentence in both languages whose
    /// placeholders are exactly the error's arguments; and the section holds no other key.
    #[test]
    fn every_input_error_key_has_both_translations_with_every_placeholder_filled() {
        let c = catalog();
        let declared = mobiplan_core::input::KEYS;
        for (key, names) in declared {
            let mut expected: Vec<String> = names.iter().map(|n| (*n).to_owned()).collect();
            expected.sort();
            for (file, map) in [("en.toml", &c.en), ("lv.toml", &c.lv)] {
                let template = map
                    .get(*key)
                    .unwrap_or_else(|| panic!("{key} is missing in {file}"));
                assert_eq!(placeholders(template), expected, "{key} in {file}");
            }
            let e = InputError {
                field: "x".into(),
                line: None,
                column: None,
                key,
                args: names.iter().map(|n| (*n, Arg::Text("v".into()))).collect(),
                detail: None,
            };
            for lang in Lang::ALL {
                let m = input_error_message(&e, lang);
                assert!(!m.contains('{') && !m.contains(key), "{key}: {m}");
            }
        }
        for k in c.en.keys().chain(c.lv.keys()) {
            if k.starts_with("input.") {
                assert!(
                    declared.iter().any(|(d, _)| d == k),
                    "{k} is translated but no input error carries it"
                );
            }
        }
    }

    /// Input errors are made by the core's functions, but their fields are public: a key
    /// written by hand anywhere in the workspace must be one the core declares.
    #[test]
    fn every_input_error_key_in_the_sources_is_declared() {
        fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
            for entry in std::fs::read_dir(dir).unwrap().flatten() {
                let p = entry.path();
                if p.is_dir() {
                    walk(&p, out);
                } else if p.extension().is_some_and(|e| e == "rs") {
                    out.push(p);
                }
            }
        }
        let crates = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut files = Vec::new();
        for krate in std::fs::read_dir(&crates).unwrap().flatten() {
            for sub in ["src", "tests"] {
                let dir = krate.path().join(sub);
                if dir.is_dir() {
                    walk(&dir, &mut files);
                }
            }
        }
        assert!(files.len() > 50, "the workspace's sources were not found");
        let declared = mobiplan_core::input::KEYS;
        for file in files {
            let source = std::fs::read_to_string(&file).unwrap();
            for (at, _) in source.match_indices("\"input.") {
                let key: String = source[at + 1..]
                    .chars()
                    .take_while(|c| *c == '.' || *c == '-' || c.is_ascii_alphanumeric())
                    .collect();
                if key.len() > "input.".len() && source[at + 1 + key.len()..].starts_with('"') {
                    assert!(
                        declared.iter().any(|(d, _)| *d == key),
                        "{key} in {} is not declared in mobiplan-core's input.rs",
                        file.display()
                    );
                }
            }
        }
    }

    #[test]
    fn input_errors_read_in_latvian_and_list_accepted_values_by_name() {
        let d = |s: &str| {
            serde_json::from_str::<mobiplan_core::types::Date>(&format!("\"{s}\""))
                .unwrap()
                .0
        };
        let e = mobiplan_core::input::end_before_start(
            "activities[0].end",
            d("2026-10-01"),
            d("2026-10-05"),
        );
        assert_eq!(
            input_error_message(&e, Lang::Lv),
            "Beigu datums 2026-10-01 ir pirms sākuma datuma 2026-10-05."
        );
        assert_eq!(
            input_error_message(&e, Lang::En),
            "The end date 2026-10-01 is before the start date 2026-10-05."
        );
        let e = mobiplan_core::project::parse_toml(
            &include_str!("../../../examples/sch-riga-school.toml").replacen(
                "field = \"SCH\"",
                "field = \"SCX\"",
                1,
            ),
        )
        .unwrap_err()
        .errors
        .remove(0);
        let lv = input_error_message(&e, Lang::Lv);
        assert!(lv.starts_with("“SCX” nav neviena no"), "{lv}");
        assert!(lv.contains("“SCH” (skolu izglītība)"), "{lv}");
        assert!(lv.contains("“ADU” (pieaugušo izglītība)"), "{lv}");
        let e = mobiplan_core::input::person_ahead("x", "completed", "planned");
        assert_eq!(
            input_error_message(&e, Lang::Lv),
            "Dalībnieka statuss nevar būt “notikusi”, kamēr aktivitāte ir “plānota”."
        );
    }

    #[test]
    fn money_is_written_the_way_each_language_writes_it() {
        let m = Money::from_cents(12_345_678);
        assert_eq!(money(m, Lang::En), "123,456.78");
        assert_eq!(money(m, Lang::Lv), "123\u{a0}456,78");
        assert_eq!(money(Money::from_euros(3246), Lang::En), "3,246");
        assert_eq!(money(Money::from_euros(999), Lang::Lv), "999");
        assert_eq!(km(Km100(263047), Lang::Lv), "2630,47");
    }

    #[test]
    fn placeholders_are_filled_and_unknown_ones_stay_visible() {
        assert_eq!(fill("{a} and {b}", &[("a", "1".into())]), "1 and {b}");
        assert_eq!(fill("no braces", &[]), "no braces");
        assert_eq!(fill("open { end", &[]), "open { end");
    }

    #[test]
    fn languages_parse_from_codes() {
        assert_eq!("LV".parse::<Lang>().unwrap(), Lang::Lv);
        assert!("de".parse::<Lang>().is_err());
    }

    #[test]
    fn differences_carry_their_sign_and_a_true_minus() {
        assert_eq!(
            signed_money(Money::from_cents(123_450), Lang::En),
            "+1,234.50"
        );
        assert_eq!(
            signed_money(Money::from_cents(-5_000), Lang::Lv),
            "\u{2212}50"
        );
        assert_eq!(signed_money(Money::ZERO, Lang::En), "0");
        let a = Amount {
            min: Money::from_euros(-168),
            max: Money::from_euros(-340),
        };
        assert_eq!(signed_amount(a, Lang::En), "\u{2212}168 … \u{2212}340");
        assert_eq!(signed_count(2), "+2");
        assert_eq!(signed_count(-1), "\u{2212}1");
        assert_eq!(signed_count(0), "0");
    }
}
