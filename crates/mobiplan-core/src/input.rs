//! Input errors: what keeps a file from being a project — where (the field, and the line for
//! what the parser found) and what, as a message key with typed arguments, the way findings
//! are. The sentence is chosen in the reader's language by the shell, so the core holds no
//! text for people.
//!
//! Every key is declared once, below, by the function that makes its error; [`KEYS`] lists
//! them with the names of their arguments, and the translation files are tested against it.
//! A key cannot be used without its arguments, nor added without both translations.

use std::fmt;

use serde::{Serialize, Serializer};

use crate::finding::Arg;

/// A problem with the input file: where, and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct InputError {
    /// The field, e.g. `activities[2].travel.distance_km` (empty for syntax errors).
    pub field: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
    /// The message key in the translation files, one of [`KEYS`].
    pub key: &'static str,
    #[serde(serialize_with = "serialize_args")]
    pub args: Vec<(&'static str, Arg)>,
    /// The parser's own words, for a technical-details toggle: never the message people read,
    /// since it is English and speaks of types ("expected u32").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

fn serialize_args<S: Serializer>(args: &[(&'static str, Arg)], s: S) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    let mut m = s.serialize_map(Some(args.len()))?;
    for (k, v) in args {
        m.serialize_entry(k, v)?;
    }
    m.end()
}

impl InputError {
    fn new(field: String, key: &'static str, args: Vec<(&'static str, Arg)>) -> InputError {
        InputError {
            field,
            line: None,
            column: None,
            key,
            args,
            detail: None,
        }
    }

    pub fn arg(&self, name: &str) -> Option<&Arg> {
        self.args.iter().find(|(k, _)| *k == name).map(|(_, v)| v)
    }

    /// With the position the parser gave.
    pub fn at(mut self, line: Option<usize>, column: Option<usize>) -> InputError {
        self.line = line;
        self.column = column;
        self
    }

    /// With the parser's own words for the technical details.
    pub fn with_detail(mut self, detail: impl Into<String>) -> InputError {
        let d = detail.into();
        self.detail = (!d.trim().is_empty()).then_some(d);
        self
    }
}

/// For logs and test failures: the field, the line, the key and its arguments as data, and
/// the parser's words. What people read is rendered from the key by the i18n crate.
impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.field.is_empty(), self.line) {
            (false, Some(l)) => write!(f, "{} (line {l}): ", self.field)?,
            (false, None) => write!(f, "{}: ", self.field)?,
            (true, Some(l)) => write!(f, "line {l}: ")?,
            (true, None) => {}
        }
        f.write_str(self.key)?;
        if !self.args.is_empty() {
            let args: Vec<String> = self
                .args
                .iter()
                .map(|(k, v)| format!("{k}={}", arg_plain(v)))
                .collect();
            write!(f, " {{{}}}", args.join(", "))?;
        }
        if let Some(d) = &self.detail {
            write!(f, " ({d})")?;
        }
        Ok(())
    }
}

fn arg_plain(a: &Arg) -> String {
    match a {
        Arg::Int(i) => i.to_string(),
        Arg::Text(t) => t.to_string(),
        Arg::Date(d) => d.format("%Y-%m-%d").to_string(),
        Arg::Money(m) => m.to_string(),
        Arg::Km(k) => k.to_string(),
        Arg::Kind(k) => k.id().to_owned(),
        Arg::Field(f) => f.as_str().to_owned(),
        Arg::Country(c) => c.as_str().to_owned(),
        Arg::List(l) => format!("[{}]", l.join(", ")),
        Arg::Activity(a) => a.id.to_string(),
        Arg::Activities(l) => format!(
            "[{}]",
            l.iter().map(|a| &*a.id).collect::<Vec<_>>().join(", ")
        ),
    }
}

/// All problems found in one file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{}", .errors.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("\n"))]
pub struct InputErrors {
    pub errors: Vec<InputError>,
}

impl From<InputError> for InputErrors {
    fn from(e: InputError) -> InputErrors {
        InputErrors { errors: vec![e] }
    }
}

macro_rules! input_keys {
    ($( $(#[$doc:meta])* $name:ident => $key:literal ( $($arg:ident),* ); )*) => {
        /// Every message key an input error can carry, with the names of its arguments.
        pub const KEYS: &[(&str, &[&str])] = &[ $( ($key, &[$(stringify!($arg)),*]) ),* ];

        $(
            $(#[$doc])*
            pub fn $name(field: impl Into<String>, $($arg: impl Into<Arg>),*) -> InputError {
                InputError::new(field.into(), $key, vec![$((stringify!($arg), $arg.into())),*])
            }
        )*
    };
}

input_keys! {
    // Reading the file.
    /// The text is not valid TOML at the error's line.
    syntax_toml => "input.syntax-toml" ();
    /// The text is not valid JSON at the error's line.
    syntax_json => "input.syntax-json" ();
    /// The bytes are not UTF-8 text.
    not_utf8 => "input.not-utf8" ();
    /// A text holds a control character other than tab and line breaks.
    control_character => "input.control-character" ();
    /// A key the format does not have at this place; `accepted`: the keys it has.
    unknown_field => "input.unknown-field" (name, accepted);
    /// A key where the format has none (a value, not a table, belongs here).
    unknown_field_here => "input.unknown-field-here" (name);
    /// A key the format requires is missing (the field names it).
    missing_field => "input.missing-field" ();
    /// A key given twice.
    duplicate_field => "input.duplicate-field" ();
    /// A value that is not one of the field's choices; `accepted`: the choices.
    unknown_value => "input.unknown-value" (value, accepted);
    /// One of a fixed set of words was expected (the parser did not say which).
    expected_choice => "input.expected-choice" ();
    expected_number => "input.expected-number" ();
    expected_whole_number => "input.expected-whole-number" ();
    expected_text => "input.expected-text" ();
    expected_yes_no => "input.expected-yes-no" ();
    expected_list => "input.expected-list" ();
    expected_table => "input.expected-table" ();
    expected_date => "input.expected-date" ();
    expected_moment => "input.expected-moment" ();
    expected_amount => "input.expected-amount" ();
    expected_coordinates => "input.expected-coordinates" ();
    /// A value of another type than the field takes, of a kind not named above.
    wrong_type => "input.wrong-type" ();
    /// A whole number beyond what the field can hold.
    out_of_range => "input.out-of-range" (value, min, max);
    not_a_country => "input.not-a-country" (value);
    not_a_date => "input.not-a-date" (value);
    not_a_moment => "input.not-a-moment" (value);
    latitude => "input.latitude" (value);
    longitude => "input.longitude" (value);
    amount_out_of_range => "input.amount-out-of-range" (value);
    /// An amount with cents written as a number, which cannot be trusted to the cent.
    amount_as_float => "input.amount-as-float" (value, example);
    not_an_amount => "input.amount-not-an-amount" (value);
    /// The parser refused the file in words mobiplan does not recognise: its detail says how.
    unreadable => "input.unreadable" ();

    // The project's structure.
    format_unknown => "input.format-unknown" (format, supported);
    duration_months => "input.duration-months" (value, min, max);
    round_zero => "input.round-zero" ();
    call_year => "input.call-year" (value);
    /// No rulebook is known for the project's call year.
    no_rulebook => "input.no-rulebook" (year);
    grant_after_call_year => "input.grant-after-call-year" (year, call_year);
    required => "input.required" ();
    too_long => "input.too-long" (max);
    not_an_id => "input.not-an-id" (value);
    used_twice => "input.used-twice" (id);
    listed_twice => "input.listed-twice" (id);
    not_a_language => "input.not-a-language" (value);
    end_before_start => "input.end-before-start" (end, start);
    too_many_days => "input.too-many-days" (max);
    not_a_count => "input.not-a-count" (value, min, max);
    count_or_names => "input.count-or-names" ();
    more_than_participants => "input.more-than-participants" (value, count);
    names_with_counts => "input.names-with-counts" ();
    names_empty => "input.names-empty" ();
    unknown_person => "input.unknown-person" (id);
    unknown_objective => "input.unknown-objective" (id);
    unknown_activity => "input.unknown-activity" (id);
    unknown_visit => "input.unknown-visit" (id);
    host_missing => "input.host-missing" ();
    from_missing => "input.from-missing" ();
    from_not_allowed => "input.from-not-allowed" (kind);
    more_than_persons => "input.more-than-persons" (value, count);
    fewer_on_person => "input.fewer-on-person" ();
    count_or_person => "input.count-or-person" ();
    days_outside_activity => "input.days-outside-activity" (value, days);
    travel_not_for_trainees => "input.travel-not-for-trainees" ();
    distance_negative => "input.distance-negative" (value);
    distance_too_long => "input.distance-too-long" (value);
    distance_decimals => "input.distance-decimals" (value);
    travel_days => "input.travel-days" (value, max);
    above_zero => "input.above-zero" ();
    return_before_departure => "input.return-before-departure" (returned, departure);
    course_missing => "input.course-missing" ();
    course_not_allowed => "input.course-not-allowed" (kind);
    fee_days => "input.fee-days" (value, max);
    mentor_not_allowed => "input.mentor-not-allowed" (kind);
    host_learners_not_allowed => "input.host-learners-not-allowed" (kind);
    not_learners => "input.not-learners" (value, max);
    real_cost_amount => "input.real-cost-amount" (amount);

    // Implementation tracking.
    negative_amount => "input.negative-amount" (amount);
    report_before_start => "input.report-before-start" (date, start);
    not_a_participant => "input.not-a-participant" (person);
    person_ahead => "input.person-ahead" (person_status, activity_status);
    person_in_cancelled => "input.person-in-cancelled" (person_status);
    evidence_more => "input.evidence-more" (value, count);
    travel_not_in_plan => "input.travel-not-in-plan" ();

    // Places (the gazetteer of the shells).
    town_ambiguous => "input.town-ambiguous" (town, country, candidates);
    town_not_found => "input.town-not-found" (town, country);
    town_unreadable => "input.town-unreadable" (town);
}

/// The file format a parser error came from: its syntax errors are named after it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Syntax {
    Toml,
    Json,
}

/// A parser's refusal in people's terms: a syntax error of the format, or a value the
/// project format does not take, classified by the parser's text (serde's standard sentences
/// and the core's own types'). The text itself is kept as the detail. `field` is where the
/// parser stopped; a missing key is placed at the key itself.
pub fn from_parser(
    field: String,
    line: Option<usize>,
    column: Option<usize>,
    message: &str,
    syntax: Option<Syntax>,
) -> InputError {
    let message = message.trim();
    let e = match syntax {
        Some(Syntax::Toml) => syntax_toml(field),
        Some(Syntax::Json) => syntax_json(field),
        None => classify(field, message),
    };
    e.at(line, column).with_detail(message)
}

/// The text between backticks, in order: serde quotes names and values that way.
fn quoted(s: &str) -> Vec<String> {
    s.split('`').skip(1).step_by(2).map(str::to_owned).collect()
}

/// The text of a value the core's own types quote as `"…"` at the start of their message.
fn leading_quoted(s: &str) -> Option<&str> {
    s.strip_prefix('"')?.split_once('"').map(|(v, _)| v)
}

fn classify(field: String, m: &str) -> InputError {
    if let Some(rest) = m.strip_prefix("unknown field `") {
        let (name, tail) = rest.split_once('`').unwrap_or((rest, ""));
        let accepted = quoted(tail);
        return if accepted.is_empty() {
            unknown_field_here(field, name)
        } else {
            unknown_field(field, name, accepted)
        };
    }
    if let Some(rest) = m.strip_prefix("unknown variant `") {
        let (value, tail) = rest.split_once('`').unwrap_or((rest, ""));
        return unknown_value(field, value, quoted(tail));
    }
    if let Some(rest) = m.strip_prefix("missing field `") {
        let name = rest.split('`').next().unwrap_or(rest);
        let at = if field.is_empty() {
            name.to_owned()
        } else {
            format!("{field}.{name}")
        };
        return missing_field(at);
    }
    if m.starts_with("duplicate field `") {
        return duplicate_field(field);
    }
    if let Some(rest) = m.strip_prefix("invalid type: ") {
        let expected = rest.split_once(", expected ").map_or("", |(_, e)| e);
        return expected_kind(field, expected);
    }
    if let Some(rest) = m.strip_prefix("invalid value: ") {
        let (given, expected) = rest.split_once(", expected ").unwrap_or((rest, ""));
        if let (Some((min, max)), Some(value)) = (int_range(expected), quoted(given).first()) {
            return out_of_range(field, value.as_str(), min, max);
        }
        return expected_kind(field, expected);
    }
    if let Some(rest) = m.strip_prefix("invalid length ") {
        let expected = rest.split_once(", expected ").map_or("", |(_, e)| e);
        return expected_kind(field, expected);
    }
    // The core's own types (types.rs, money.rs): their messages are tested below.
    if let Some(expected) = m.strip_prefix("expected ") {
        return expected_kind(field, expected);
    }
    if let Some(value) = leading_quoted(m) {
        let after = &m[value.len() + 2..];
        if after.starts_with(" is not a two-letter country code") {
            return not_a_country(field, value);
        }
        if after.starts_with(" is not a date of the form") {
            return not_a_date(field, value);
        }
        if after.starts_with(" is neither a date") {
            return not_a_moment(field, value);
        }
        if after.starts_with(" is not an amount in euros") {
            return not_an_amount(field, value);
        }
        if after.starts_with(" is too large") {
            return amount_out_of_range(field, value);
        }
    }
    if let Some(rest) = m.strip_prefix("latitude ")
        && rest.contains(" must lie between")
    {
        return latitude(field, rest.split(' ').next().unwrap_or(rest));
    }
    if let Some(rest) = m.strip_prefix("longitude ")
        && rest.contains(" must lie between")
    {
        return longitude(field, rest.split(' ').next().unwrap_or(rest));
    }
    if let Some(value) = m.strip_suffix(" euros is out of range") {
        return amount_out_of_range(field, value);
    }
    if let Some((value, _)) = m.split_once(": write amounts with cents as a string") {
        let example = value
            .parse::<f64>()
            .map(|v| format!("\"{v:.2}\""))
            .unwrap_or_default();
        return amount_as_float(field, value, example);
    }
    unreadable(field)
}

/// The bounds of an integer type serde names in its "expected" text.
fn int_range(expected: &str) -> Option<(i64, i64)> {
    Some(match expected {
        "u8" => (0, u8::MAX.into()),
        "u16" => (0, u16::MAX.into()),
        "u32" => (0, u32::MAX.into()),
        "u64" | "usize" => (0, i64::MAX),
        "i8" => (i8::MIN.into(), i8::MAX.into()),
        "i16" => (i16::MIN.into(), i16::MAX.into()),
        "i32" => (i32::MIN.into(), i32::MAX.into()),
        "i64" | "isize" => (i64::MIN, i64::MAX),
        _ => return None,
    })
}

/// What a field takes, from the parser's "expected …" (serde's names of types, and the
/// `expecting` texts of the core's own types).
fn expected_kind(field: String, expected: &str) -> InputError {
    let e = expected.trim();
    if int_range(e).is_some() || e == "an integer" {
        expected_whole_number(field)
    } else if matches!(e, "f32" | "f64" | "a number") {
        expected_number(field)
    } else if matches!(e, "a string" | "a borrowed string" | "a character") {
        expected_text(field)
    } else if e == "a boolean" {
        expected_yes_no(field)
    } else if e.starts_with("a date such as") {
        expected_date(field)
    } else if e.starts_with("a date (") {
        expected_moment(field)
    } else if e.starts_with("an amount in euros") {
        expected_amount(field)
    } else if e == "an array of length 2" || field.ends_with("coordinates") {
        expected_coordinates(field)
    } else if e == "a sequence" || e.starts_with("a sequence") {
        expected_list(field)
    } else if e.starts_with("struct ") || e == "a map" {
        expected_table(field)
    } else if e.starts_with("enum ") || e.starts_with("variant identifier") {
        expected_choice(field)
    } else {
        wrong_type(field)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::project::{parse_json, parse_toml};

    const VALID: &str = include_str!("../../../examples/sch-riga-school.toml");

    fn one(text: &str) -> InputError {
        let e = parse_toml(text).expect_err("refused");
        assert_eq!(e.errors.len(), 1, "{e}");
        e.errors.into_iter().next().unwrap()
    }

    fn text(e: &InputError, name: &str) -> String {
        match e.arg(name) {
            Some(Arg::Text(t)) => t.to_string(),
            Some(Arg::Int(i)) => i.to_string(),
            Some(Arg::List(l)) => l.join(","),
            other => panic!("{name}: {other:?} in {e}"),
        }
    }

    #[test]
    fn every_key_is_declared_once() {
        let mut keys: Vec<&str> = KEYS.iter().map(|(k, _)| *k).collect();
        keys.sort();
        let n = keys.len();
        keys.dedup();
        assert_eq!(keys.len(), n, "a key is declared twice");
        assert!(keys.iter().all(|k| k.starts_with("input.")));
    }

    #[test]
    fn an_unknown_value_lists_the_accepted_values_and_keeps_the_parsers_words() {
        let e = one(&VALID.replacen("field = \"SCH\"", "field = \"SCX\"", 1));
        assert_eq!(e.key, "input.unknown-value");
        assert_eq!(e.field, "project.field");
        assert_eq!(text(&e, "value"), "SCX");
        assert_eq!(text(&e, "accepted"), "SCH,VET,ADU");
        assert!(e.line.is_some());
        assert!(e.detail.as_deref().unwrap().contains("unknown variant"));
    }

    #[test]
    fn an_unknown_key_names_itself_and_the_keys_of_its_place() {
        let e = one(&VALID.replacen("[applicant]\n", "[applicant]\ncolour = \"blue\"\n", 1));
        assert_eq!(e.key, "input.unknown-field");
        assert_eq!(text(&e, "name"), "colour");
        assert!(text(&e, "accepted").contains("oid"), "{e}");
    }

    #[test]
    fn a_missing_key_is_placed_at_the_key() {
        let e = one(&VALID.replacen("call_year = 2026\n", "", 1));
        assert_eq!(e.key, "input.missing-field");
        assert_eq!(e.field, "project.call_year");
    }

    #[test]
    fn values_of_the_wrong_type_say_what_the_field_takes() {
        for (from, to, key) in [
            (
                "round = 1",
                "round = \"one\"",
                "input.expected-whole-number",
            ),
            ("title = \"", "title = 5\nx = \"", "input.expected-text"),
            ("round = 1", "round = 300", "input.out-of-range"),
            (
                "start = 2026-09-01",
                "start = \"5.6.2026\"",
                "input.not-a-date",
            ),
            (
                "country = \"LV\"",
                "country = \"Latvia\"",
                "input.not-a-country",
            ),
            ("country = \"LV\"", "country = 7", "input.expected-text"),
            (
                "coordinates = [56.9496, 24.1052]",
                "coordinates = [56.9, 24.1, 3.0]",
                "input.expected-coordinates",
            ),
            (
                "coordinates = [56.9496, 24.1052]",
                "coordinates = [95.0, 24.1]",
                "input.latitude",
            ),
            (
                "coordinates = [56.9496, 24.1052]",
                "coordinates = 5",
                "input.expected-coordinates",
            ),
        ] {
            let text = VALID.replacen(from, to, 1);
            assert_ne!(text, VALID, "{from}");
            let e = parse_toml(&text).expect_err(to).errors.remove(0);
            assert_eq!(e.key, key, "{to}: {e}");
            assert!(e.detail.is_some(), "{e}");
        }
    }

    #[test]
    fn the_core_types_own_refusals_are_recognised() {
        for (message, key) in [
            (
                "\"Spain\" is not a two-letter country code (ISO 3166-1, e.g. LV, ES)",
                "input.not-a-country",
            ),
            (
                "\"5.6.2026\" is not a date of the form 2026-06-01",
                "input.not-a-date",
            ),
            ("expected a date such as 2026-06-01", "input.expected-date"),
            (
                "\"soon\" is neither a date (2026-02-10) nor a date-time with offset (2026-02-10T11:00:00+01:00)",
                "input.not-a-moment",
            ),
            ("latitude 95 must lie between -90 and 90", "input.latitude"),
            (
                "longitude 200 must lie between -180 and 180",
                "input.longitude",
            ),
            (
                "99999999999 euros is out of range",
                "input.amount-out-of-range",
            ),
            (
                "12.5: write amounts with cents as a string, e.g. \"12.50\"",
                "input.amount-as-float",
            ),
            (
                "\"12,50\" is not an amount in euros (write e.g. 120 or 120.50)",
                "input.amount-not-an-amount",
            ),
            (
                "invalid length 3, expected an array of length 2",
                "input.expected-coordinates",
            ),
            ("something else entirely", "input.unreadable"),
        ] {
            let e = from_parser("x".into(), None, None, message, None);
            assert_eq!(e.key, key, "{message}");
            assert_eq!(e.detail.as_deref(), Some(message));
        }
        // The messages are the types' own, so a change of wording there is caught here.
        fn key_of<T: serde::de::DeserializeOwned + std::fmt::Debug>(json: &str) -> &'static str {
            let m = serde_json::from_str::<T>(json).unwrap_err().to_string();
            let m = m.rsplit_once(" at line ").map_or(m.as_str(), |(m, _)| m);
            from_parser("applicant.coordinates".into(), None, None, m, None).key
        }
        type KeyOf = fn(&str) -> &'static str;
        let cases: [(KeyOf, &str, &str); 10] = [
            (key_of::<crate::Money>, "12.5", "input.amount-as-float"),
            (
                key_of::<crate::Money>,
                "\"12,50\"",
                "input.amount-not-an-amount",
            ),
            (
                key_of::<crate::Money>,
                "99999999999",
                "input.amount-out-of-range",
            ),
            (key_of::<crate::Country>, "\"Spain\"", "input.not-a-country"),
            (key_of::<crate::Country>, "7", "input.expected-text"),
            (
                key_of::<crate::types::Date>,
                "\"2026-02-30\"",
                "input.not-a-date",
            ),
            (key_of::<crate::types::Date>, "5", "input.expected-date"),
            (
                key_of::<crate::types::Coordinates>,
                "[95, 0]",
                "input.latitude",
            ),
            (
                key_of::<crate::types::Coordinates>,
                "[0, 200]",
                "input.longitude",
            ),
            (
                key_of::<crate::types::Coordinates>,
                "[1]",
                "input.expected-coordinates",
            ),
        ];
        for (key_of, json, key) in cases {
            assert_eq!(key_of(json), key, "{json}");
        }
    }

    #[test]
    fn syntax_errors_are_named_after_their_format_with_the_parsers_words_as_detail() {
        let e = one(&VALID.replacen("title = \"", "title = \"\n", 1));
        assert_eq!(e.key, "input.syntax-toml");
        assert!(e.line.is_some());
        let e = parse_json("{\"format\": 1,,}")
            .unwrap_err()
            .errors
            .remove(0);
        assert_eq!(e.key, "input.syntax-json");
        assert_eq!((e.line, e.column), (Some(1), Some(14)));
        assert!(e.detail.is_some());
    }

    #[test]
    fn display_shows_the_field_the_key_and_the_arguments_for_logs() {
        let e = end_before_start(
            "activities[0].end",
            chrono::NaiveDate::from_ymd_opt(2026, 10, 1).unwrap(),
            chrono::NaiveDate::from_ymd_opt(2026, 10, 5).unwrap(),
        );
        assert_eq!(
            e.to_string(),
            "activities[0].end: input.end-before-start {end=2026-10-01, start=2026-10-05}"
        );
    }
}
