//! Robustness: the parsers, the checker and the grant calculator never panic, whatever they
//! are given — arbitrary text, mutated example files, and project structures with extreme
//! values — and malformed input gets an error that names the field (and, for the parsers, the
//! line).

use std::path::Path;

use chrono::{DateTime, Datelike, Days, FixedOffset, NaiveDate};
use proptest::prelude::*;

use mobiplan_core::project::RealCostKind;
use mobiplan_core::project::file::{
    Accompanying, Activity, Applicant, Course, EarlierGrant, Means, Organisation, Participants,
    Person, PreparatoryVisit, ProjectFile, ProjectSection, QualityArea, RealCost, Travel, Venue,
};
use mobiplan_core::types::{Coordinates, Date, Moment, Role};
use mobiplan_core::{
    ActivityKind, Arg, CheckContext, Country, Field, InputErrors, Money, Project, RateProfile,
    Rulebook, budget, check,
};

// ---------------------------------------------------------------------------------------------
// Shared helpers

struct Env {
    rb: Rulebook,
    profile: RateProfile,
    examples: Vec<(String, String)>,
}

fn env() -> &'static Env {
    static ENV: std::sync::OnceLock<Env> = std::sync::OnceLock::new();
    ENV.get_or_init(|| {
        let rb = Rulebook::embedded(2026).unwrap();
        let profile = RateProfile::from_toml(
            include_str!("../../../examples/rates/example-agency-2026.toml"),
            &rb,
        )
        .unwrap();
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
        let mut examples: Vec<(String, String)> = std::fs::read_dir(&dir)
            .expect("examples/ is readable")
            .filter_map(|e| {
                let path = e.ok()?.path();
                (path.extension()? == "toml").then_some(())?;
                let name = path.file_name()?.to_str()?.to_owned();
                Some((name, std::fs::read_to_string(&path).ok()?))
            })
            .collect();
        examples.sort();
        assert!(!examples.is_empty());
        Env {
            rb,
            profile,
            examples,
        }
    })
}

/// Runs the whole engine on a parsed project: check with and without a clock, budget with and
/// without agency rates; asserts the results are internally consistent.
fn run_engine(p: &Project, now: Option<DateTime<FixedOffset>>) {
    let e = env();
    let findings = check(p, &e.rb, &CheckContext { now });
    // Findings are sorted errors first.
    assert!(findings.windows(2).all(|w| w[0].severity >= w[1].severity));
    let _ = check(p, &e.rb, &CheckContext::default());
    for b in [budget(p, &e.rb, Some(&e.profile)), budget(p, &e.rb, None)] {
        assert!(b.total.min <= b.total.max);
        let lines: mobiplan_core::Amount = b.lines.iter().map(|l| l.amount).sum();
        assert_eq!(lines, b.total);
        // Every line serialises (the API returns it as JSON).
        serde_json::to_string(&b).expect("a budget serialises");
    }
    serde_json::to_string(&findings).expect("findings serialise");
}

/// Parses TOML; when that succeeds, runs the engine too.
fn toml_never_panics(text: &str) {
    match Project::from_toml(text) {
        Ok(p) => run_engine(&p, None),
        Err(e) => check_errors(&e, text),
    }
}

fn json_never_panics(text: &str) {
    match Project::from_json(text) {
        Ok(p) => run_engine(&p, None),
        Err(e) => check_errors(&e, text),
    }
}

/// An error always says what, with a key every shell can translate, and where (a field or
/// a line); a line it names lies in the text. (For some TOML syntax errors, `a = ` or a lone
/// `\r`, the toml crate gives no words of its own: the key still says it is the syntax.)
fn check_errors(e: &InputErrors, text: &str) {
    assert!(!e.errors.is_empty());
    let lines = text.split('\n').count();
    for err in &e.errors {
        assert!(
            mobiplan_core::input::KEYS
                .iter()
                .any(|(k, _)| *k == err.key),
            "{err:?}"
        );
        assert!(err.line.is_some() || !err.field.is_empty(), "{err:?}");
        if let Some(l) = err.line {
            assert!(l >= 1 && l <= lines, "line {l} of {lines}: {err:?}");
        }
        let _ = err.to_string();
    }
    let _ = e.to_string();
}

/// The number of cases: `default`, or `PROPTEST_CASES` when set (for longer runs).
fn cases(default: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default);
    ProptestConfig {
        cases,
        ..ProptestConfig::default()
    }
}

// ---------------------------------------------------------------------------------------------
// 1. Arbitrary bytes and strings

/// Text that looks a little like a project file, so that the parsers get past the first byte.
fn tomlish() -> impl Strategy<Value = String> {
    let key = prop::sample::select(vec![
        "format",
        "project",
        "title",
        "field",
        "call_year",
        "round",
        "start",
        "end",
        "duration_months",
        "application_date",
        "applicant",
        "name",
        "country",
        "coordinates",
        "people",
        "id",
        "role",
        "activities",
        "kind",
        "participants",
        "count",
        "names",
        "travel",
        "distance_km",
        "days",
        "host",
        "from",
        "accompanying",
        "course",
        "preparatory_visits",
        "prepares",
        "persons",
        "real_costs",
        "amount",
        "application",
        "objectives",
        "field_objectives",
        "learning_outcomes",
        "summary_en",
        "\"quoted key\"",
        "ā",
    ]);
    let value = prop_oneof![
        Just("1".to_owned()),
        Just("-1".to_owned()),
        Just("18446744073709551616".to_owned()),
        Just("1e400".to_owned()),
        Just("nan".to_owned()),
        Just("2026-09-01".to_owned()),
        Just("2026-02-30".to_owned()),
        Just("2026-09-01T10:00:00+01:00".to_owned()),
        Just("10:00:00".to_owned()),
        Just("\"SCH\"".to_owned()),
        Just("\"course\"".to_owned()),
        Just("\"LV\"".to_owned()),
        Just("\"ā😀\"".to_owned()),
        Just("[56.9, 24.1]".to_owned()),
        Just("{ count = 2 }".to_owned()),
        Just("{ names = [\"x\"] }".to_owned()),
        Just("[]".to_owned()),
        Just("true".to_owned()),
        "\"[^\"\\\\\n]{0,12}\"".prop_map(|s| s),
        any::<i64>().prop_map(|n| n.to_string()),
        any::<f64>().prop_map(|n| format!("{n:?}")),
    ];
    let line = prop_oneof![
        (key.clone(), value).prop_map(|(k, v)| format!("{k} = {v}")),
        key.clone().prop_map(|k| format!("[{k}]")),
        key.prop_map(|k| format!("[[{k}]]")),
        "[ -~ā\t]{0,20}".prop_map(|s| s),
    ];
    prop::collection::vec(line, 0..30).prop_map(|v| v.join("\n"))
}

fn jsonish() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        Just(serde_json::json!(null)),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<u64>().prop_map(serde_json::Value::from),
        (-1e300f64..1e300).prop_map(serde_json::Value::from),
        prop::sample::select(vec![
            "SCH",
            "VET",
            "course",
            "LV",
            "ES",
            "2026-09-01",
            "2026-13-01",
            "staff",
            "",
            "120.50",
            "1.234",
        ])
        .prop_map(serde_json::Value::from),
        ".{0,8}".prop_map(serde_json::Value::from),
    ];
    let keys = prop::sample::select(vec![
        "format",
        "project",
        "applicant",
        "people",
        "activities",
        "preparatory_visits",
        "title",
        "field",
        "call_year",
        "round",
        "start",
        "end",
        "duration_months",
        "name",
        "country",
        "id",
        "kind",
        "participants",
        "count",
        "names",
        "travel",
        "distance_km",
        "days",
        "host",
        "role",
    ]);
    leaf.prop_recursive(4, 48, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::Array),
            prop::collection::vec((keys.clone(), inner), 0..6).prop_map(|kv| {
                serde_json::Value::Object(kv.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
            }),
        ]
    })
    .prop_map(|v| v.to_string())
}

proptest! {
    #![proptest_config(cases(1024))]

    #[test]
    fn arbitrary_bytes_never_panic_the_parsers(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        let text = String::from_utf8_lossy(&bytes);
        toml_never_panics(&text);
        json_never_panics(&text);
    }

    #[test]
    fn arbitrary_strings_never_panic_the_parsers(text in ".{0,300}") {
        toml_never_panics(&text);
        json_never_panics(&text);
    }

    #[test]
    fn toml_like_text_never_panics(text in tomlish()) {
        toml_never_panics(&text);
    }

    #[test]
    fn json_like_text_never_panics(text in jsonish()) {
        json_never_panics(&text);
    }
}

// ---------------------------------------------------------------------------------------------
// 2. Mutated example files

const EXTREMES: &[&str] = &[
    "0",
    "-1",
    "1",
    "4294967295",
    "4294967296",
    "18446744073709551615",
    "-9223372036854775808",
    "9223372036854775807",
    "10000000000",
    "1e308",
    "-0.0",
    "nan",
    "inf",
    "-inf",
    "0.001",
    "24999.99",
    "25000.01",
    "\"99999999999.99\"",
    "\"-1\"",
    "\"0.00\"",
    "0001-01-01",
    "9999-12-31",
    "1970-01-01",
    "2026-02-29",
    "2026-02-19",
    "2026-02-19T12:00:01+01:00",
    "2026-02-19T11:59:59+01:00",
    "2026-02-19T23:59:59-23:59",
    "2026-06-01",
    "2026-12-31",
    "2027-12-31",
    "12:00:00",
    "2026-09-01T00:00:00",
    "\"\"",
    "\" \"",
    "\"ā😀\\u0000\"",
    "\"SCH\"",
    "\"VET\"",
    "\"ADU\"",
    "\"XX\"",
    "\"LV\"",
    "\"CH\"",
    "\"course\"",
    "\"skills-competition\"",
    "\"invited-expert\"",
    "\"hosting-teacher-in-training\"",
    "\"learner\"",
    "\"trainee\"",
    "true",
    "false",
    "[]",
    "[90.0, 180.0]",
    "[91.0, 0.0]",
    "{}",
    "{ count = 0 }",
    "{ count = 10000, fewer_opportunities = 10000, minors = 10000 }",
    "{ count = 10001 }",
    "{ names = [] }",
    "{ names = [\"anna\", \"anna\"] }",
    "{ distance_km = 24999.99, green = true, means = \"other-sustainable\", days = 30, expensive_real_cost = \"99999999999.99\" }",
    "{ distance_km = 0, days = 0 }",
    "[{ count = 4294967295 }]",
    "[{ count = 10000, days = 1 }, { person = \"anna\", days = 0 }]",
];

#[derive(Clone, Debug)]
enum Mutation {
    DeleteLine(prop::sample::Index),
    ReplaceValue(prop::sample::Index, prop::sample::Index),
    ReplaceValueWith(prop::sample::Index, String),
    DuplicateLine(prop::sample::Index),
    SwapLines(prop::sample::Index, prop::sample::Index),
    Truncate(prop::sample::Index),
    ReplaceDate(prop::sample::Index, i32),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        3 => any::<prop::sample::Index>().prop_map(Mutation::DeleteLine),
        6 => (any::<prop::sample::Index>(), any::<prop::sample::Index>())
            .prop_map(|(a, b)| Mutation::ReplaceValue(a, b)),
        2 => (any::<prop::sample::Index>(), prop_oneof![
                any::<i64>().prop_map(|n| n.to_string()),
                any::<u32>().prop_map(|n| n.to_string()),
                any::<f64>().prop_map(|n| format!("{n:?}")),
                "\"[^\"\\\\\n]{0,40}\"".prop_map(|s| s),
                Just(format!("\"{}\"", "x".repeat(10_001))),
            ]).prop_map(|(a, s)| Mutation::ReplaceValueWith(a, s)),
        1 => any::<prop::sample::Index>().prop_map(Mutation::DuplicateLine),
        1 => (any::<prop::sample::Index>(), any::<prop::sample::Index>())
            .prop_map(|(a, b)| Mutation::SwapLines(a, b)),
        1 => any::<prop::sample::Index>().prop_map(Mutation::Truncate),
        3 => (any::<prop::sample::Index>(), -800_000i32..800_000)
            .prop_map(|(a, d)| Mutation::ReplaceDate(a, d)),
    ]
}

/// Replaces the value of a `key = value` line; for a line without `=`, the line itself.
fn replace_value(line: &str, value: &str) -> String {
    match line.split_once(" = ") {
        Some((k, _)) => format!("{k} = {value}"),
        None => value.to_owned(),
    }
}

/// Replaces every date on a line with a date `days` days from 2026-09-01.
fn replace_dates(line: &str, days: i32) -> String {
    let base = NaiveDate::from_ymd_opt(2026, 9, 1).unwrap();
    let date = if days >= 0 {
        base.checked_add_days(Days::new(days as u64))
    } else {
        base.checked_sub_days(Days::new(days.unsigned_abs() as u64))
    }
    .unwrap_or(base);
    let mut out = String::new();
    let b = line.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let is_date = i + 10 <= b.len()
            && b[i..i + 10].iter().enumerate().all(|(j, c)| match j {
                4 | 7 => *c == b'-',
                _ => c.is_ascii_digit(),
            });
        if is_date {
            out.push_str(&date.format("%Y-%m-%d").to_string());
            i += 10;
        } else {
            let ch = line[i..].chars().next().unwrap();
            out.push(ch);
            i += ch.len_utf8();
        }
    }
    out
}

fn mutate(text: &str, mutations: &[Mutation]) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    for m in mutations {
        if lines.is_empty() {
            break;
        }
        match m {
            Mutation::DeleteLine(i) => {
                lines.remove(i.index(lines.len()));
            }
            Mutation::ReplaceValue(i, v) => {
                let i = i.index(lines.len());
                let value: &&str = v.get(EXTREMES);
                lines[i] = replace_value(&lines[i], value);
            }
            Mutation::ReplaceValueWith(i, v) => {
                let i = i.index(lines.len());
                lines[i] = replace_value(&lines[i], v);
            }
            Mutation::DuplicateLine(i) => {
                let i = i.index(lines.len());
                lines.insert(i, lines[i].clone());
            }
            Mutation::SwapLines(a, b) => {
                let (a, b) = (a.index(lines.len()), b.index(lines.len()));
                lines.swap(a, b);
            }
            Mutation::Truncate(i) => {
                let i = i.index(lines.len());
                let keep = lines[i]
                    .char_indices()
                    .nth(lines[i].len() / 2)
                    .map(|(p, _)| p);
                lines[i].truncate(keep.unwrap_or(0));
            }
            Mutation::ReplaceDate(i, d) => {
                let i = i.index(lines.len());
                lines[i] = replace_dates(&lines[i], *d);
            }
        }
    }
    lines.join("\n")
}

proptest! {
    #![proptest_config(cases(2048))]

    /// Random line deletions and value replacements (extreme numbers, dates, strings) in the
    /// example files: parse, check and budget return, never panic.
    #[test]
    fn mutated_examples_never_panic(
        which in any::<prop::sample::Index>(),
        mutations in prop::collection::vec(mutation(), 1..6),
        now in prop::option::of(-20_000_000_000i64..20_000_000_000),
    ) {
        let (_, text) = which.get(&env().examples);
        let text = mutate(text, &mutations);
        match Project::from_toml(&text) {
            Ok(p) => {
                let now = now.and_then(|s| DateTime::from_timestamp(s, 0)).map(|t| t.fixed_offset());
                run_engine(&p, now);
                // The JSON form of the same file reads the same way.
                let f = mobiplan_core::project::parse_toml(&text).unwrap();
                let json = serde_json::to_string(&f).unwrap();
                let _ = Project::from_json(&json);
            }
            Err(e) => check_errors(&e, &text),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// 3. Arbitrary structures with wide-range values, straight into from_file → check → budget

fn wide_u32() -> impl Strategy<Value = u32> {
    prop_oneof![
        40 => 1u32..40,
        6 => Just(10_000u32),
        3 => 9_000u32..=10_000,
        1 => prop_oneof![Just(0u32), Just(10_001u32), Just(u32::MAX), any::<u32>()],
    ]
}

fn wide_days() -> impl Strategy<Value = u32> {
    prop_oneof![
        30 => 0u32..12,
        4 => Just(0u32),
        4 => Just(30u32),
        1 => Just(31u32),
        1 => Just(3_660u32),
        1 => any::<u32>(),
    ]
}

fn wide_date() -> impl Strategy<Value = Date> {
    let min = NaiveDate::MIN.num_days_from_ce();
    let max = NaiveDate::MAX.num_days_from_ce();
    let near = NaiveDate::from_ymd_opt(2026, 9, 1)
        .unwrap()
        .num_days_from_ce();
    prop_oneof![
        40 => near - 400..near + 800,
        4 => near - 3_660..near + 3_660,
        1 => Just(min),
        1 => Just(max),
        1 => min..=max,
    ]
    .prop_map(|d| Date(NaiveDate::from_num_days_from_ce_opt(d).unwrap()))
}

fn wide_money() -> impl Strategy<Value = Money> {
    prop_oneof![
        30 => (1i64..100_000_000).prop_map(Money::from_cents),
        6 => Just(Money::from_euros(1_000_000)),
        1 => Just(Money::from_cents(i64::MAX)),
        1 => Just(Money::from_cents(1)),
        1 => prop_oneof![
            Just(Money::from_cents(i64::MIN)),
            Just(Money::ZERO),
            any::<i64>().prop_map(Money::from_cents),
        ],
    ]
}

fn wide_km() -> impl Strategy<Value = f64> {
    prop_oneof![
        30 => (0u32..2_500_000).prop_map(|h| f64::from(h) / 100.0),
        4 => Just(25_000.0),
        2 => Just(0.0),
        1 => Just(25_000.01),
        1 => Just(f64::NAN),
        1 => Just(f64::INFINITY),
        1 => Just(-1.0),
        1 => Just(1.234),
        1 => any::<f64>(),
    ]
}

fn wide_text() -> impl Strategy<Value = String> {
    prop_oneof![
        60 => "[a-zA-Z0-9āčē][a-zA-Z0-9 āčē]{0,11}",
        3 => Just("x".repeat(10_000)),
        2 => "[^\\s]{1,20}",
        1 => prop_oneof![
            Just(String::new()),
            Just(" ".to_owned()),
            Just("x".repeat(10_001)),
        ],
    ]
}

fn wide_country() -> impl Strategy<Value = Country> {
    prop_oneof![
        20 => prop::sample::select(vec!["LV", "EE", "DE", "IT", "ES", "FI", "NO", "TR"]),
        1 => prop::sample::select(vec!["US", "CH", "GB", "XX", "ZZ"]),
    ]
    .prop_map(|c| Country::parse(c).unwrap())
}

fn wide_id(prefix: &'static str, n: usize) -> impl Strategy<Value = String> {
    prop_oneof![
        200 => (0..n).prop_map(move |i| format!("{prefix}{i}")),
        1 => prop_oneof![Just(String::new()), Just("not an id!".to_owned())],
    ]
}

fn wide_org() -> impl Strategy<Value = Organisation> {
    (
        wide_text(),
        prop::option::of(wide_text()),
        wide_country(),
        prop::option::of((-90.0f64..=90.0, -180.0f64..=180.0)),
        prop::bool::weighted(0.1),
    )
        .prop_map(|(name, oid, country, c, related)| Organisation {
            name,
            oid,
            country,
            town: None,
            coordinates: c.map(|(a, b)| Coordinates::new(a, b).unwrap()),
            related_to_sender: related,
        })
}

fn wide_participants() -> impl Strategy<Value = Participants> {
    (
        prop::option::of(wide_u32()),
        prop::option::of(wide_u32()),
        prop::option::of(wide_u32()),
        prop::option::of(prop::collection::vec(wide_id("p", 8), 0..5)),
    )
        .prop_map(|(count, fewer, minors, names)| {
            // Mostly one of count or names, as a real file would have.
            let names = if count.is_some() && names.as_ref().is_some_and(|n| n.len() % 2 == 0) {
                None
            } else {
                names
            };
            let (fewer, minors) = if names.is_some() {
                (None, None)
            } else {
                (fewer, minors)
            };
            Participants {
                count,
                fewer_opportunities: fewer,
                minors,
                names,
            }
        })
}

fn wide_travel() -> impl Strategy<Value = Travel> {
    (
        prop::option::of(wide_km()),
        any::<bool>(),
        prop::option::of(prop::sample::select(vec![
            Means::Plane,
            Means::Train,
            Means::Bus,
            Means::OtherSustainable,
            Means::Other,
        ])),
        prop::option::of(wide_text()),
        wide_days(),
        prop::option::of(wide_date()),
        prop::option::of(wide_date()),
        prop::option::of(wide_money()),
    )
        .prop_map(
            |(distance_km, green, means, means_description, days, departure, return_date, exp)| {
                Travel {
                    distance_km,
                    green,
                    means,
                    means_description,
                    days,
                    departure,
                    return_date,
                    expensive_real_cost: exp,
                }
            },
        )
}

fn wide_activity() -> impl Strategy<Value = Activity> {
    (
        (
            wide_id("a", 8),
            prop::sample::select(ActivityKind::ALL.to_vec()),
            wide_date(),
            prop_oneof![30 => 1u32..120, 3 => Just(3_660u32), 1 => wide_days()],
            prop::option::of(prop::sample::select(vec![
                Venue::Host,
                Venue::EuInstitution,
                Venue::Other,
            ])),
            prop::option::weighted(0.97, wide_org()),
            prop::option::weighted(0.97, wide_org()),
            wide_participants(),
        ),
        (
            prop::collection::vec(
                (
                    prop::option::of(wide_u32()),
                    prop::option::of(wide_id("p", 8)),
                    prop::option::of(wide_u32()),
                    prop::option::of(wide_days()),
                ),
                0..3,
            ),
            prop::option::of(wide_travel()),
            prop::option::weighted(
                0.97,
                (wide_text(), wide_text(), prop::option::of(wide_days())),
            ),
            prop::option::of(wide_text()),
            prop::option::of(wide_u32()),
            any::<bool>(),
            prop::option::of(wide_text()),
            prop::collection::vec(
                (
                    prop::sample::select(vec![
                        RealCostKind::Inclusion,
                        RealCostKind::Visa,
                        RealCostKind::Guarantee,
                    ]),
                    wide_text(),
                    wide_money(),
                    prop::option::of(wide_text()),
                ),
                0..3,
            ),
        ),
    )
        .prop_map(
            |(
                (id, kind, start, len, venue, host, from, participants),
                (acc, travel, course, mentor, host_learners, linguistic, recognition, costs),
            )| {
                // Keep the structure a file for this kind would have most of the time, so
                // that a good share of the cases gets past from_file into the engine.
                let incoming = kind.is_incoming();
                // len days long; 0 gives an end the day before the start.
                let end = Date(
                    start
                        .0
                        .checked_add_days(Days::new(len.into()))
                        .and_then(|d| d.pred_opt())
                        .unwrap_or(start.0),
                );
                Activity {
                    id,
                    kind,
                    title: None,
                    start,
                    end,
                    blended: len % 2 == 0,
                    venue,
                    host: if incoming && len % 3 != 0 { None } else { host },
                    from: if incoming { from } else { None },
                    participants,
                    accompanying: acc
                        .into_iter()
                        .map(|(count, person, fewer, days)| Accompanying {
                            count,
                            person: if count.is_some() { None } else { person },
                            fewer_opportunities: fewer,
                            days,
                        })
                        .collect(),
                    travel: if kind == ActivityKind::HostingTeacherInTraining {
                        None
                    } else {
                        travel
                    },
                    course: if kind == ActivityKind::Course {
                        course.map(|(provider, title, fee_days)| Course {
                            provider,
                            title,
                            fee_days,
                            quality: vec![QualityArea::Information],
                        })
                    } else {
                        None
                    },
                    mentor: if kind == ActivityKind::JobShadowing {
                        mentor
                    } else {
                        None
                    },
                    host_learners: if kind == ActivityKind::GroupMobility {
                        host_learners
                    } else {
                        None
                    },
                    linguistic_support: linguistic,
                    fewer_opportunities_justification: None,
                    recognition,
                    objectives: vec![],
                    learning_outcomes: None,
                    selection: None,
                    preparation: None,
                    support: None,
                    real_costs: costs
                        .into_iter()
                        .map(|(kind, description, amount, justification)| RealCost {
                            kind,
                            description,
                            amount,
                            justification,
                        })
                        .collect(),
                }
            },
        )
}

/// Makes most references and profile counts of a wide structure consistent (ids by position,
/// names of existing persons, profile counts within the count, one of count or names), so that
/// the extreme values themselves — not a dangling reference — decide whether the file is
/// accepted. Values beyond the limits stay as generated.
fn tidy_up(f: &mut ProjectFile) {
    let n_people = f.people.len();
    let n_acts = f.activities.len();
    let renumber = |id: &mut String, prefix: &str, i: usize| {
        if id.starts_with(prefix) {
            *id = format!("{prefix}{i}");
        }
    };
    let remap = |id: &str| -> String {
        match id.strip_prefix('p').and_then(|k| k.parse::<usize>().ok()) {
            Some(k) if n_people > 0 => format!("p{}", k % n_people),
            _ => id.to_owned(),
        }
    };
    let fix = |parts: &mut Participants| {
        if let Some(names) = parts.names.take() {
            let mut kept: Vec<String> = Vec::new();
            for n in names.iter().map(|n| remap(n)) {
                if !kept.contains(&n) {
                    kept.push(n);
                }
            }
            if parts.count.is_none() && n_people > 0 && !kept.is_empty() {
                parts.names = Some(kept);
            }
        }
        if parts.names.is_some() {
            parts.fewer_opportunities = None;
            parts.minors = None;
        } else {
            let c = *parts.count.get_or_insert(1);
            for x in [&mut parts.fewer_opportunities, &mut parts.minors]
                .into_iter()
                .flatten()
            {
                *x = (*x).min(c);
            }
        }
    };
    for (i, p) in f.people.iter_mut().enumerate() {
        renumber(&mut p.id, "p", i);
    }
    let year = f.project.call_year;
    for g in &mut f.applicant.earlier_grants {
        g.call_year = g.call_year.min(year);
    }
    for (i, a) in f.activities.iter_mut().enumerate() {
        renumber(&mut a.id, "a", i);
        fix(&mut a.participants);
        let days = ((a.end.0 - a.start.0).num_days() + 1).clamp(1, 10_000) as u32;
        for acc in &mut a.accompanying {
            match (&acc.count, &acc.person) {
                (None, Some(p)) if n_people > 0 => {
                    acc.person = Some(remap(p));
                    acc.fewer_opportunities = None;
                }
                (Some(_), None) => {}
                _ => {
                    acc.person = None;
                    acc.count = Some(1);
                }
            }
            if let (Some(c), Some(x)) = (acc.count, &mut acc.fewer_opportunities) {
                *x = (*x).min(c);
            }
            if let Some(d) = &mut acc.days {
                *d = (*d).clamp(1, days);
            }
        }
        if let Some(t) = &mut a.travel
            && let (Some(d), Some(r)) = (t.departure, t.return_date)
            && r < d
        {
            t.departure = Some(r);
            t.return_date = Some(d);
        }
    }
    if n_acts == 0 {
        f.preparatory_visits.clear();
    }
    for (i, v) in f.preparatory_visits.iter_mut().enumerate() {
        renumber(&mut v.id, "v", i);
        if let Some(k) = v
            .prepares
            .strip_prefix('a')
            .and_then(|k| k.parse::<usize>().ok())
        {
            v.prepares = format!("a{}", k % n_acts.max(1));
        }
        fix(&mut v.persons);
    }
}

fn wide_project() -> impl Strategy<Value = ProjectFile> {
    (
        (
            prop_oneof![60 => Just(1u32), 1 => any::<u32>()],
            wide_text(),
            prop::sample::select(vec![Field::SCH, Field::VET, Field::ADU]),
            prop_oneof![60 => Just(2026u16), 1 => any::<u16>()],
            prop_oneof![60 => Just(1u8), 1 => any::<u8>()],
            wide_date(),
            prop_oneof![30 => 1u32..30, 4 => Just(120u32), 1 => any::<u32>()],
            prop::option::of(prop_oneof![
                wide_date().prop_map(|d| Moment::Day(d.0)),
                (-20_000_000_000i64..20_000_000_000, -86_399i32..86_400).prop_map(|(s, o)| {
                    let off = FixedOffset::east_opt(o).unwrap();
                    Moment::At(DateTime::from_timestamp(s, 0).unwrap().with_timezone(&off))
                }),
            ]),
        ),
        (
            wide_text(),
            wide_country(),
            prop::collection::vec(
                prop::sample::select(vec![Field::SCH, Field::VET, Field::ADU]),
                0..2,
            ),
            prop::collection::vec(
                (
                    prop::sample::select(vec![Field::SCH, Field::VET, Field::ADU]),
                    prop_oneof![20 => 2014u16..=2026, 1 => any::<u16>()],
                    prop_oneof![20 => 1u8..3, 1 => any::<u8>()],
                ),
                0..4,
            ),
        ),
        prop::collection::vec(
            (
                wide_id("p", 8),
                wide_text(),
                prop::sample::select(vec![
                    Role::Staff,
                    Role::Learner,
                    Role::Expert,
                    Role::Trainee,
                ]),
                any::<bool>(),
                any::<bool>(),
                prop::option::of(wide_date()),
            ),
            0..8,
        ),
        prop::collection::vec(wide_activity(), 0..6),
        prop::bool::weighted(0.85),
        prop::collection::vec(
            (
                wide_id("v", 3),
                wide_id("a", 8),
                wide_date(),
                wide_days(),
                wide_org(),
                wide_participants(),
            ),
            0..3,
        ),
    )
        .prop_map(
            |(
                (format, title, field, call_year, round, start, months, application_date),
                (name, country, accreditations, grants),
                people,
                activities,
                tidy,
                visits,
            )| {
                let mut f = ProjectFile {
                    format,
                    project: ProjectSection {
                        title,
                        field,
                        call_year,
                        round,
                        start,
                        duration_months: months,
                        application_date,
                    },
                    applicant: Applicant {
                        name,
                        oid: None,
                        country,
                        town: None,
                        coordinates: None,
                        accreditations,
                        earlier_grants: grants
                            .into_iter()
                            .map(|(field, call_year, round)| EarlierGrant {
                                field,
                                call_year,
                                round,
                            })
                            .collect(),
                    },
                    people: people
                        .into_iter()
                        .map(|(id, name, role, fewer, minor, grad)| Person {
                            id,
                            name,
                            role,
                            fewer_opportunities: fewer,
                            minor,
                            vet_graduation: grad,
                        })
                        .collect(),
                    activities,
                    preparatory_visits: visits
                        .into_iter()
                        .map(
                            |(id, prepares, start, len, host, persons)| PreparatoryVisit {
                                id,
                                prepares,
                                start,
                                end: Date(
                                    start
                                        .0
                                        .checked_add_days(Days::new(len.into()))
                                        .unwrap_or(start.0),
                                ),
                                host,
                                persons,
                            },
                        )
                        .collect(),
                    application: None,
                    implementation: None,
                };
                if tidy {
                    tidy_up(&mut f);
                }
                f
            },
        )
}

fn wide_now() -> impl Strategy<Value = Option<DateTime<FixedOffset>>> {
    prop::option::of(
        prop_oneof![
            Just(DateTime::<chrono::Utc>::MIN_UTC.timestamp()),
            Just(DateTime::<chrono::Utc>::MAX_UTC.timestamp()),
            -20_000_000_000i64..20_000_000_000,
        ]
        .prop_map(|s| DateTime::from_timestamp(s, 0).unwrap().fixed_offset()),
    )
}

proptest! {
    #![proptest_config(cases(2048))]

    /// Wide-range structures (huge counts, 0 days, dates far apart, huge or negative money):
    /// from_file answers Ok or Err; when Ok, check and budget return.
    #[test]
    fn wide_range_structures_never_panic(f in wide_project(), now in wide_now()) {
        match Project::from_file(f.clone()) {
            Ok(p) => run_engine(&p, now),
            Err(e) => {
                prop_assert!(!e.errors.is_empty());
                for err in &e.errors {
                    prop_assert!(!err.field.is_empty(), "{err:?}");
                }
            }
        }
        // The same structure as JSON text goes through the text parser too.
        if let Ok(json) = serde_json::to_string(&f) {
            let _ = Project::from_json(&json);
        }
    }
}

/// The largest structure the parser accepts: every count, day and amount at its limit. The
/// arithmetic saturates or stays in range; nothing panics and the sums still add up.
#[test]
fn the_largest_accepted_project_runs_through_the_engine() {
    let start = NaiveDate::from_ymd_opt(2026, 6, 1).unwrap();
    let org = |c: &str| Organisation {
        name: "Somewhere".into(),
        oid: None,
        country: Country::parse(c).unwrap(),
        town: None,
        coordinates: None,
        related_to_sender: false,
    };
    let activities: Vec<Activity> = ActivityKind::ALL
        .iter()
        .enumerate()
        .map(|(i, &kind)| {
            let incoming = kind.is_incoming();
            Activity {
                id: format!("a{i}"),
                kind,
                title: None,
                start: Date(start),
                end: Date(start + Days::new(3_659)),
                blended: false,
                venue: None,
                host: (!incoming).then(|| org("NO")),
                from: incoming.then(|| org("FI")),
                participants: Participants {
                    count: Some(10_000),
                    fewer_opportunities: Some(10_000),
                    minors: Some(10_000),
                    names: None,
                },
                accompanying: vec![
                    Accompanying {
                        count: Some(10_000),
                        person: None,
                        fewer_opportunities: None,
                        days: None,
                    };
                    50
                ],
                travel: (kind != ActivityKind::HostingTeacherInTraining).then(|| Travel {
                    distance_km: Some(25_000.0),
                    green: true,
                    means: Some(Means::Train),
                    means_description: None,
                    days: 30,
                    departure: None,
                    return_date: None,
                    expensive_real_cost: Some(Money::from_cents(i64::MAX)),
                }),
                course: (kind == ActivityKind::Course).then(|| Course {
                    provider: "P".into(),
                    title: "T".into(),
                    fee_days: Some(3_660),
                    quality: vec![],
                }),
                mentor: (kind == ActivityKind::JobShadowing).then(|| "M".into()),
                host_learners: (kind == ActivityKind::GroupMobility).then_some(10_000),
                linguistic_support: true,
                fewer_opportunities_justification: None,
                recognition: None,
                objectives: vec![],
                learning_outcomes: None,
                selection: None,
                preparation: None,
                support: None,
                real_costs: vec![
                    RealCost {
                        kind: RealCostKind::Guarantee,
                        description: "d".into(),
                        amount: Money::from_euros(1_000_000),
                        justification: None,
                    };
                    20
                ],
            }
        })
        .collect();
    let f = ProjectFile {
        format: 1,
        project: ProjectSection {
            title: "Largest".into(),
            field: Field::VET,
            call_year: 2026,
            round: 1,
            start: Date(start),
            duration_months: 120,
            application_date: Some(Moment::Day(NaiveDate::MAX)),
        },
        applicant: Applicant {
            name: "A".into(),
            oid: None,
            country: Country::parse("LV").unwrap(),
            town: None,
            coordinates: None,
            accreditations: vec![],
            earlier_grants: vec![],
        },
        people: vec![],
        activities,
        preparatory_visits: vec![PreparatoryVisit {
            id: "v".into(),
            prepares: "a0".into(),
            start: Date(start),
            end: Date(start + Days::new(3_659)),
            host: org("NO"),
            persons: Participants {
                count: Some(10_000),
                ..Participants::default()
            },
        }],
        application: None,
        implementation: None,
    };
    let p = Project::from_file(f).expect("every value is at, not beyond, its limit");
    run_engine(
        &p,
        DateTime::from_timestamp(i64::from(i32::MAX), 0).map(|t| t.fixed_offset()),
    );
    let b = budget(&p, &env().rb, Some(&env().profile));
    assert!(b.total.min > Money::ZERO);
}

/// Dates at the ends of the calendar: the project end, the travel span, the graduation limit
/// and the deadline arithmetic stay inside chrono's range.
#[test]
fn dates_at_the_ends_of_the_calendar_do_not_panic() {
    let base = mobiplan_core::project::parse_toml(VALID).unwrap();
    let mut reached = 0;
    for (start, graduation, months) in [
        (NaiveDate::MAX, NaiveDate::MAX, 120),
        (NaiveDate::MIN, NaiveDate::MIN, 120),
        (
            NaiveDate::MAX - Days::new(10),
            NaiveDate::MAX - Days::new(100),
            1,
        ),
        (NaiveDate::MIN + Days::new(1), NaiveDate::MAX, 6),
        (NaiveDate::MAX - Days::new(3_659), NaiveDate::MIN, 120),
    ] {
        let mut f = base.clone();
        f.project.field = Field::VET;
        f.project.start = Date(start);
        f.project.duration_months = months;
        f.project.application_date = Some(Moment::Day(start));
        f.people.push(Person {
            id: "l".into(),
            name: "L".into(),
            role: Role::Learner,
            fewer_opportunities: false,
            minor: true,
            vet_graduation: Some(Date(graduation)),
        });
        let mut a = f.activities[0].clone();
        a.id = "learning".into();
        a.kind = ActivityKind::ShortTermLearning;
        a.course = None;
        a.participants = Participants {
            names: Some(vec!["l".into()]),
            ..Participants::default()
        };
        a.start = Date(start);
        a.end = Date(start);
        a.travel = Some(Travel {
            distance_km: Some(100.0),
            green: true,
            means: Some(Means::Train),
            days: 6,
            ..Travel::default()
        });
        let mut dated = a.clone();
        dated.id = "dated".into();
        dated.travel = Some(Travel {
            departure: Some(Date(NaiveDate::MIN)),
            return_date: Some(Date(NaiveDate::MAX)),
            ..Travel::default()
        });
        f.activities[0].start = Date(start);
        f.activities[0].end = Date(start);
        f.activities.push(a);
        f.activities.push(dated);
        f.preparatory_visits.push(PreparatoryVisit {
            id: "v".into(),
            prepares: "learning".into(),
            start: Date(start),
            end: Date(start),
            host: f.activities[0].host.clone().unwrap(),
            persons: Participants {
                count: Some(1),
                ..Participants::default()
            },
        });
        let p = Project::from_file(f).expect("far dates are structurally valid");
        reached += 1;
        for now in [
            None,
            Some(DateTime::<chrono::Utc>::MAX_UTC.fixed_offset()),
            Some(DateTime::<chrono::Utc>::MIN_UTC.fixed_offset()),
        ] {
            run_engine(&p, now);
        }
        // At-the-limit application times with extreme offsets.
        let mut q = p.clone();
        for t in [
            DateTime::<chrono::Utc>::MAX_UTC.fixed_offset(),
            DateTime::<chrono::Utc>::MIN_UTC.with_timezone(&FixedOffset::east_opt(86_399).unwrap()),
        ] {
            q.application_date = Some(Moment::At(t));
            run_engine(&q, None);
        }
    }
    assert_eq!(reached, 5);
}

// ---------------------------------------------------------------------------------------------
// 4. Specific malformed inputs: the error names the field (and the line, for parse errors)

const VALID: &str = r#"format = 1

[project]
title = "Robustness"
field = "SCH"
call_year = 2026
round = 1
start = 2026-09-01
duration_months = 12

[applicant]
name = "A school"
country = "LV"

[[people]]
id = "anna"
name = "Anna"
role = "staff"

[[activities]]
id = "course"
kind = "course"
start = 2026-10-05
end = 2026-10-09
participants = { names = ["anna"] }
host = { name = "Provider", country = "ES" }
travel = { distance_km = 2630.47, means = "plane", days = 2 }
course = { provider = "Provider", title = "A course" }
"#;

/// The 1-based line of the first line of `text` that contains `needle`.
fn line_of(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|l| l.contains(needle))
        .map(|i| i + 1)
        .unwrap_or_else(|| panic!("{needle} is not in the text"))
}

fn one_error(text: &str) -> mobiplan_core::InputError {
    let e = Project::from_toml(text).expect_err("the text is malformed");
    assert_eq!(e.errors.len(), 1, "{e}");
    e.errors.into_iter().next().unwrap()
}

#[test]
fn the_valid_base_file_parses() {
    let p = Project::from_toml(VALID).unwrap();
    assert_eq!(p.activities.len(), 1);
}

#[test]
fn a_string_for_a_distance_names_the_field_and_the_line() {
    let text = VALID.replace("distance_km = 2630.47", "distance_km = \"far\"");
    let e = one_error(&text);
    assert_eq!(e.field, "activities[0].travel.distance_km");
    assert_eq!(e.line, Some(line_of(&text, "distance_km")));
    assert!(e.column.is_some());
    assert!(
        e.to_string()
            .starts_with("activities[0].travel.distance_km (line ")
    );
}

#[test]
fn a_string_for_a_distance_in_json_names_the_field_and_the_line() {
    let f = mobiplan_core::project::parse_toml(VALID).unwrap();
    let json = serde_json::to_string_pretty(&f).unwrap();
    let json = json.replace("\"distance_km\": 2630.47", "\"distance_km\": \"far\"");
    let e = Project::from_json(&json).expect_err("malformed");
    assert_eq!(e.errors.len(), 1);
    let e = &e.errors[0];
    assert_eq!(e.field, "activities[0].travel.distance_km");
    assert_eq!(e.line, Some(line_of(&json, "\"distance_km\"")));
    assert_eq!(e.key, "input.expected-number", "{e}");
    let detail = e.detail.as_deref().expect("the parser's words are kept");
    assert!(!detail.contains(" at line "), "{detail}");
}

#[test]
fn a_number_in_a_separate_travel_table_names_the_field_and_its_line() {
    let text = VALID.replace(
        "travel = { distance_km = 2630.47, means = \"plane\", days = 2 }",
        "travel.distance_km = 2630.47\ntravel.means = \"plane\"\ntravel.days = \"two\"",
    );
    let e = one_error(&text);
    assert_eq!(e.field, "activities[0].travel.days");
    assert_eq!(e.line, Some(line_of(&text, "travel.days")));
}

#[test]
fn an_unknown_key_is_named_with_its_place_and_line() {
    let text = VALID.replace("kind = \"course\"", "kind = \"course\"\ncolour = \"blue\"");
    let e = one_error(&text);
    assert!(e.field.starts_with("activities[0]"), "{e:?}");
    assert_eq!(e.key, "input.unknown-field", "{e}");
    assert_eq!(e.arg("name"), Some(&Arg::Text("colour".into())), "{e}");
    assert_eq!(e.line, Some(line_of(&text, "colour")));
}

#[test]
fn an_unknown_activity_kind_names_the_kind_field() {
    let text = VALID.replace("kind = \"course\"", "kind = \"holiday\"");
    let e = one_error(&text);
    assert_eq!(e.field, "activities[0].kind");
    assert_eq!(e.key, "input.unknown-value", "{e}");
    assert_eq!(e.arg("value"), Some(&Arg::Text("holiday".into())), "{e}");
    let Some(Arg::List(kinds)) = e.arg("accepted") else {
        panic!("lists the known kinds: {e}")
    };
    assert!(kinds.iter().any(|k| k == "job-shadowing"), "{e}");
    assert_eq!(e.line, Some(line_of(&text, "holiday")));
}

#[test]
fn a_bad_date_names_the_date_field() {
    for (from, to, field) in [
        (
            "start = 2026-10-05",
            "start = \"2026-02-30\"",
            "activities[0].start",
        ),
        (
            "start = 2026-10-05",
            "start = \"5.10.2026\"",
            "activities[0].start",
        ),
        (
            "start = 2026-09-01",
            "start = 2026-09-01T10:00:00",
            "project.start",
        ),
        ("end = 2026-10-09", "end = 12:00:00", "activities[0].end"),
    ] {
        let text = VALID.replacen(from, to, 1);
        assert_ne!(text, VALID, "{from}");
        let e = one_error(&text);
        assert_eq!(e.field, field, "{to}: {e:?}");
        assert!(e.line.is_some(), "{to}: {e:?}");
    }
    // A date that does not exist in TOML's own date syntax is a syntax error on its line.
    let text = VALID.replacen("start = 2026-10-05", "start = 2026-02-30", 1);
    let e = Project::from_toml(&text).expect_err("no 30 February");
    assert_eq!(e.errors[0].line, Some(line_of(&text, "2026-02-30")));
}

#[test]
fn an_end_before_the_start_is_a_field_error() {
    let text = VALID.replace("end = 2026-10-09", "end = 2026-10-01");
    let e = one_error(&text);
    assert_eq!(e.field, "activities[0].end");
    assert_eq!(e.line, None, "structural errors come after parsing");
}

#[test]
fn a_name_that_is_not_a_person_names_the_reference() {
    let text = VALID.replace("names = [\"anna\"]", "names = [\"anna\", \"bob\"]");
    let e = one_error(&text);
    assert_eq!(e.field, "activities[0].participants.names[1]");
    assert_eq!(e.key, "input.unknown-person", "{e}");
    assert_eq!(e.arg("id"), Some(&Arg::Text("bob".into())), "{e}");
}

#[test]
fn an_unknown_accompanying_person_and_visit_target_are_named() {
    let text = format!(
        "{}accompanying = [{{ person = \"nobody\" }}]\n\n[[preparatory_visits]]\nid = \"v\"\nprepares = \"nothing\"\nstart = 2026-09-10\nend = 2026-09-11\nhost = {{ name = \"H\", country = \"ES\" }}\npersons = {{ count = 1 }}\n",
        VALID
    );
    let e = Project::from_toml(&text).expect_err("two bad references");
    let fields: Vec<&str> = e.errors.iter().map(|e| e.field.as_str()).collect();
    assert!(
        fields.contains(&"activities[0].accompanying[0].person"),
        "{fields:?}"
    );
    assert!(
        fields.contains(&"preparatory_visits[0].prepares"),
        "{fields:?}"
    );
}

#[test]
fn structural_errors_are_all_reported_at_once() {
    let text = VALID
        .replace("names = [\"anna\"]", "count = 0")
        .replace("days = 2 }", "days = 31 }")
        .replace("format = 1", "format = 2");
    let e = Project::from_toml(&text).expect_err("three problems");
    let fields: Vec<&str> = e.errors.iter().map(|e| e.field.as_str()).collect();
    for f in [
        "format",
        "activities[0].participants.count",
        "activities[0].travel.days",
    ] {
        assert!(fields.contains(&f), "{f} missing in {fields:?}");
    }
}

#[test]
fn bad_values_inside_the_range_types_name_their_field() {
    for (from, to, field) in [
        (
            "country = \"ES\"",
            "country = \"Spain\"",
            "activities[0].host.country",
        ),
        (
            "distance_km = 2630.47",
            "distance_km = 2630.471",
            "activities[0].travel.distance_km",
        ),
        (
            "distance_km = 2630.47",
            "distance_km = -5",
            "activities[0].travel.distance_km",
        ),
        ("role = \"staff\"", "role = \"boss\"", "people[0].role"),
        ("field = \"SCH\"", "field = \"HE\"", "project.field"),
        (
            "duration_months = 12",
            "duration_months = -1",
            "project.duration_months",
        ),
        (
            "means = \"plane\"",
            "means = \"rocket\"",
            "activities[0].travel.means",
        ),
    ] {
        let text = VALID.replacen(from, to, 1);
        assert_ne!(text, VALID, "{from}");
        let e = Project::from_toml(&text).expect_err(to);
        assert_eq!(e.errors[0].field, field, "{to}: {e}");
    }
}

#[test]
fn a_syntax_error_has_a_line_and_no_field() {
    let text = VALID.replace("title = \"Robustness\"", "title = \"Robustness");
    let e = one_error(&text);
    assert_eq!(e.line, Some(line_of(&text, "title = \"Robustness")));
    let e = Project::from_json("{\"format\": 1,,}").expect_err("bad JSON");
    assert_eq!(e.errors[0].line, Some(1));
    assert_eq!(e.errors[0].column, Some(14));
    assert_eq!(e.errors[0].key, "input.syntax-json");
    assert!(
        e.errors[0].detail.is_some(),
        "the parser's words, for the details"
    );
    let e = Project::from_json("{} trailing").expect_err("trailing text");
    assert!(e.errors[0].line.is_some());
}

/// `Coordinates` are written as `[lat, lon]`, the form they are read in, so a project file a
/// program writes out reads back (they were once written as a map).
#[test]
fn coordinates_survive_a_json_round_trip() {
    let text = &env()
        .examples
        .iter()
        .find(|(n, _)| n == "sch-riga-school.toml")
        .expect("the SCH example")
        .1;
    let f = mobiplan_core::project::parse_toml(text).unwrap();
    let json = serde_json::to_string(&f).unwrap();
    let back = mobiplan_core::project::parse_json(&json).expect("reads back");
    assert_eq!(back, f);
}

#[test]
fn multibyte_text_around_an_error_keeps_line_and_column_in_characters() {
    let text = VALID.replace(
        "name = \"A school\"",
        "name = \"Rīgas Ziemeļu vidusskola\"\ntown = 5",
    );
    let e = one_error(&text);
    assert_eq!(e.field, "applicant.town");
    assert_eq!(e.line, Some(line_of(&text, "town = 5")));
    assert_eq!(e.column, Some(8));
}
