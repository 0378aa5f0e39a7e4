//! Tests of the gazetteer against the embedded world table and small hand-made tables.

use super::*;
use crate::{CoordinateProblem, haversine_km};
use proptest::prelude::*;

const RIGA: u32 = 456172;
const BRUSSELS: u32 = 2800866;
const PARIS: u32 = 2988507;
const VENICE: u32 = 3164603;
const FRANKFURT_MAIN: u32 = 2925533;
const FRANKFURT_ODER: u32 = 2925535;
const COLOGNE: u32 = 2886242;
const SKOPJE: u32 = 785842;
const ISTANBUL: u32 = 745044;
const VALENCIA_ES: u32 = 2509954;
const VALENCIA_VE: u32 = 3625549;
const HELSINKI: u32 = 658225;
const BARCELONA: u32 = 3128760;
const ROME: u32 = 3169070;

fn g() -> &'static Gazetteer {
    Gazetteer::embedded()
}

fn ids(query: &str) -> Vec<u32> {
    g().search(query, 10)
        .unwrap_or_else(|e| panic!("{query:?}: {e}"))
        .iter()
        .map(|c| c.id.expect("a place has an id"))
        .collect()
}

fn first(query: &str) -> Candidate {
    g().search(query, 10)
        .unwrap_or_else(|e| panic!("{query:?}: {e}"))
        .into_iter()
        .next()
        .unwrap_or_else(|| panic!("{query:?}: no candidate"))
}

fn first_id(query: &str) -> u32 {
    first(query).id.expect("a place has an id")
}

#[test]
fn embedded_table_is_the_world() {
    assert_eq!(g().len(), 234_908);
    assert!(!g().is_empty());
    // Cheap to share: the same instance every time.
    assert!(std::ptr::eq(Gazetteer::embedded(), Gazetteer::embedded()));
}

#[test]
fn riga_in_any_case_and_with_or_without_diacritics() {
    for q in ["Rīga", "riga", "RIGA", "  Riga ", "RĪGA"] {
        let c = first(q);
        assert_eq!(c.id, Some(RIGA), "{q}");
        assert_eq!(c.country, "LV");
        assert_eq!(c.match_kind, MatchKind::Exact);
    }
}

#[test]
fn latvian_exonyms() {
    assert_eq!(first_id("Brisele"), BRUSSELS);
    assert_eq!(first_id("Parīze"), PARIS);
    assert_eq!(first_id("Venēcija"), VENICE);
    let f = first("Frankfurte");
    assert_eq!(f.id, Some(FRANKFURT_MAIN));
    assert!(f.language_hit, "Frankfurte comes from the Latvian list");
    assert_eq!(first_id("Roma"), ROME);
    assert_eq!(first_id("Kijiva"), 703448); // Kyiv: only in the Latvian list
}

#[test]
fn every_listed_exonym_finds_its_place_first() {
    for (name, id) in table::parse_exonyms(LV_EXONYMS) {
        assert_eq!(first_id(name), id, "{name}");
    }
}

#[test]
fn cologne_in_three_languages_is_one_place() {
    for q in ["Köln", "Koln", "Cologne", "Ķelne", "Кёльн"] {
        assert_eq!(first_id(q), COLOGNE, "{q}");
    }
}

#[test]
fn cyrillic_and_greek_through_alternate_names() {
    assert_eq!(first_id("Скопје"), SKOPJE);
    assert_eq!(first_id("Скопье"), SKOPJE);
    assert_eq!(first_id("Рига"), RIGA);
    assert_eq!(first_id("Αθήνα"), 264371); // Athens
}

#[test]
fn dotted_capital_i() {
    assert_eq!(first_id("İstanbul"), first_id("Istanbul"));
    assert_eq!(first_id("İstanbul"), ISTANBUL);
    assert_eq!(first_id("istanbul"), ISTANBUL);
}

#[test]
fn valencia_spain_before_venezuela() {
    let v = ids("Valencia");
    let es = v
        .iter()
        .position(|&i| i == VALENCIA_ES)
        .expect("Valencia, ES offered");
    let ve = v
        .iter()
        .position(|&i| i == VALENCIA_VE)
        .expect("Valencia, VE offered");
    assert!(es < ve, "{v:?}");
    assert_eq!(es, 0);
}

#[test]
fn country_narrowing() {
    for q in ["Valencia,VE", "Valencia, VE", "valencia , ve"] {
        let c = g().search(q, 10).unwrap();
        assert_eq!(c[0].id, Some(VALENCIA_VE), "{q}");
        assert!(c.iter().all(|c| c.country == "VE"), "{q}: {c:?}");
    }
    let c = g().search("Valencia, ES", 10).unwrap();
    assert_eq!(c[0].id, Some(VALENCIA_ES));
    assert!(c.iter().all(|c| c.country == "ES"));
    // Region narrowing tells the two Frankfurts apart.
    assert_eq!(first_id("Frankfurt, Brandenburg"), FRANKFURT_ODER);
    assert_eq!(first_id("Frankfurt, Hess"), FRANKFURT_MAIN);
    // A narrowing that matches nothing gives nothing, not something else.
    assert!(g().search("Riga, Hesse", 10).unwrap().is_empty());
}

#[test]
fn typos_still_find_the_place() {
    assert_eq!(first_id("Helsinky"), HELSINKI);
    for q in ["Helsnki", "Hlesinki", "Helsinkii"] {
        let c = first(q);
        assert_eq!(c.id, Some(HELSINKI), "{q}");
        assert!(
            matches!(c.match_kind, MatchKind::Fuzzy(1)),
            "{q}: {:?}",
            c.match_kind
        );
    }
    assert_eq!(first_id("Barcelna"), BARCELONA);
    assert_eq!(first_id("Barcleona"), BARCELONA);
    // Two edits on a long name.
    let c = first("Hellsinkki");
    assert_eq!(c.id, Some(HELSINKI), "{c:?}");
    assert_eq!(c.match_kind, MatchKind::Fuzzy(2));
    assert_eq!(first_id("Dusseldorrff"), 2934246);
    // Short keys get no typo tolerance beyond distance 1, and none below 4 characters.
    assert!(
        g().search("Rgia", 10)
            .unwrap()
            .iter()
            .any(|c| c.id == Some(RIGA))
    );
    assert!(
        g().search("Oslp", 10)
            .unwrap()
            .iter()
            .all(|c| c.match_kind != MatchKind::Fuzzy(2))
    );
}

#[test]
fn prefixes_find_the_big_place_first() {
    let c = first("Barcel");
    assert_eq!(c.id, Some(BARCELONA));
    assert_eq!(c.match_kind, MatchKind::Prefix);
    assert_eq!(first_id("Helsin"), HELSINKI);
    // Very common prefixes use the precomputed lists.
    let v = g().search("san", 10).unwrap();
    assert_eq!(v.len(), 10);
    assert!(
        v.iter()
            .all(|c| matches!(c.match_kind, MatchKind::Exact | MatchKind::Prefix))
    );
    let v = g().search("Sant, ES", 10).unwrap();
    assert_eq!(v.len(), 10);
    assert!(v.iter().all(|c| c.country == "ES"));
}

#[test]
fn ranking_classes_are_ordered() {
    for q in [
        "Riga",
        "Paris",
        "Barcel",
        "Helsnki",
        "Valencia",
        "Frankfurt",
        "san",
        "Tall",
    ] {
        let v = g().search(q, 50).unwrap();
        // Programme countries first: a place elsewhere comes before one in a programme country
        // only when its name was typed in full.
        for (i, c) in v.iter().enumerate() {
            if !c.in_programme_country() && c.match_kind != MatchKind::Exact {
                assert!(
                    v[i..].iter().all(|d| !d.in_programme_country()),
                    "{q}: {} before a programme country's place",
                    c.display()
                );
            }
        }
        // Typos after exact and prefix matches, among the programme countries' places.
        let programme: Vec<&Candidate> = v.iter().filter(|c| c.in_programme_country()).collect();
        let fuzzy = |c: &Candidate| matches!(c.match_kind, MatchKind::Fuzzy(_));
        assert!(
            programme.windows(2).all(|w| fuzzy(w[0]) <= fuzzy(w[1])),
            "{q}"
        );
        let mut seen = std::collections::HashSet::new();
        assert!(v.iter().all(|c| seen.insert(c.id)), "{q}: duplicate places");
    }
}

/// What a coordinator types into the town field: the first three to six letters of a
/// well-known European city put that city first.
#[test]
fn common_prefixes_of_european_cities_find_the_city_first() {
    let cases = [
        ("Tall", "Tallinn", "EE"),
        ("Port", "Porto", "PT"),
        ("Brux", "Brussels", "BE"),
        ("Vil", "Vilnius", "LT"),
        ("Hels", "Helsinki", "FI"),
        ("Stock", "Stockholm", "SE"),
        ("Osl", "Oslo", "NO"),
        ("Cop", "Copenhagen", "DK"),
        ("Ber", "Berlin", "DE"),
        ("Mun", "Munich", "DE"),
        ("Ham", "Hamburg", "DE"),
        ("Vien", "Vienna", "AT"),
        ("Prag", "Prague", "CZ"),
        ("Brat", "Bratislava", "SK"),
        ("Buda", "Budapest", "HU"),
        ("Wars", "Warsaw", "PL"),
        ("Krak", "Kraków", "PL"),
        ("Lisb", "Lisbon", "PT"),
        ("Madr", "Madrid", "ES"),
        ("Barc", "Barcelona", "ES"),
        ("Vale", "Valencia", "ES"),
        ("Pari", "Paris", "FR"),
        ("Lyo", "Lyon", "FR"),
        ("Mars", "Marseille", "FR"),
        ("Rom", "Rome", "IT"),
        ("Mil", "Milan", "IT"),
        ("Nap", "Naples", "IT"),
        ("Flor", "Florence", "IT"),
        ("Athe", "Athens", "GR"),
        ("Sof", "Sofia", "BG"),
        ("Buch", "Bucharest", "RO"),
        ("Zag", "Zagreb", "HR"),
        ("Ljub", "Ljubljana", "SI"),
        ("Dubl", "Dublin", "IE"),
        ("Amst", "Amsterdam", "NL"),
        ("Rott", "Rotterdam", "NL"),
        ("Antw", "Antwerp", "BE"),
        ("Luxe", "Luxembourg", "LU"),
        ("Nico", "Nicosia", "CY"),
        ("Reyk", "Reykjavík", "IS"),
        ("Skop", "Skopje", "MK"),
        ("Tart", "Tartu", "EE"),
        ("Kaun", "Kaunas", "LT"),
        ("Gdan", "Gdańsk", "PL"),
        ("Wroc", "Wrocław", "PL"),
        ("Liep", "Liepāja", "LV"),
        ("Daug", "Daugavpils", "LV"),
        ("Rīga", "Riga", "LV"),
        ("Bord", "Bordeaux", "FR"),
        ("Stras", "Strasbourg", "FR"),
        ("Turk", "Turku", "FI"),
        ("Malm", "Malmö", "SE"),
        ("Inns", "Innsbruck", "AT"),
        ("Kosi", "Košice", "SK"),
        ("Plov", "Plovdiv", "BG"),
        ("Coimb", "Coimbra", "PT"),
        ("Bil", "Bilbao", "ES"),
    ];
    assert!(cases.len() >= 40);
    let mut wrong = Vec::new();
    for (prefix, city, country) in cases {
        let top = first(prefix);
        if top.name != city || top.country != country {
            wrong.push(format!(
                "{prefix}: {} ({}) instead of {city} ({country})",
                top.name, top.country
            ));
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}

#[test]
fn candidate_fields_and_display() {
    let c = first("Frankfurt am Main");
    assert_eq!(c.id, Some(FRANKFURT_MAIN));
    assert_eq!(c.name, "Frankfurt am Main");
    assert_eq!(c.region, "Hesse");
    assert_eq!(c.country, "DE");
    assert_eq!(c.display(), "Frankfurt am Main, Hesse, DE");
    assert_eq!(c.coordinates(), (50.11552, 8.68417));
    assert!(c.population > 500_000);
    assert!(c.in_programme_country());
    let r = first("Riga");
    assert_eq!(r.feature_code, "PPLC");
    assert_eq!((r.lat, r.lon), (56.946, 24.10589));
}

#[test]
fn typed_coordinates() {
    for (q, lat, lon) in [
        ("56.95,24.1", 56.95, 24.1),
        ("56.9496, 24.1052", 56.9496, 24.1052),
        ("-33.8688 151.2093", -33.8688, 151.2093),
    ] {
        let v = g().search(q, 10).unwrap();
        assert_eq!(v.len(), 1);
        let c = &v[0];
        assert_eq!((c.lat, c.lon), (lat, lon));
        assert_eq!(c.id, None);
        assert_eq!(c.match_kind, MatchKind::Coordinates);
        assert_eq!(g().resolve(q).unwrap(), Resolved::One(c.clone()));
    }
    assert_eq!(first("56.95,24.1").display(), "56.95, 24.1");
    assert!(g().search("56.95,24.1", 0).unwrap().is_empty());
}

#[test]
fn coordinate_and_query_errors() {
    let err = |q: &str| g().search(q, 10).unwrap_err();
    assert_eq!(err(""), SearchError::EmptyQuery);
    assert_eq!(err("  "), SearchError::EmptyQuery);
    assert_eq!(err("?!"), SearchError::EmptyQuery);
    match err("91,24") {
        SearchError::InvalidCoordinates { problem, .. } => {
            assert_eq!(problem, CoordinateProblem::LatitudeOutOfRange(91.0))
        }
        e => panic!("{e:?}"),
    }
    match err("45, -181") {
        SearchError::InvalidCoordinates { problem, .. } => {
            assert_eq!(problem, CoordinateProblem::LongitudeOutOfRange(-181.0))
        }
        e => panic!("{e:?}"),
    }
    assert!(
        err("91,24")
            .to_string()
            .contains("latitude 91 is out of range")
    );
    assert!(matches!(
        err(&"x".repeat(500)),
        SearchError::QueryTooLong { .. }
    ));
    assert_eq!(g().resolve(""), Err(SearchError::EmptyQuery));
}

#[test]
fn nothing_found() {
    assert!(g().search("Qqqxxzzv", 10).unwrap().is_empty());
    assert_eq!(g().resolve("Qqqxxzzv").unwrap(), Resolved::NotFound);
    assert!(g().search("Riga", 0).unwrap().is_empty());
}

#[test]
fn resolve_policy() {
    let one = |q: &str| match g().resolve(q).unwrap() {
        Resolved::One(c) => c.id.unwrap(),
        other => panic!("{q}: {other:?}"),
    };
    let ambiguous = |q: &str| match g().resolve(q).unwrap() {
        Resolved::Ambiguous(v) => v,
        other => panic!("{q}: {other:?}"),
    };
    assert_eq!(one("Rīga"), RIGA);
    assert_eq!(one("Frankfurte"), FRANKFURT_MAIN);
    assert_eq!(one("Skopje"), SKOPJE);
    assert_eq!(one("Roma"), ROME);
    assert_eq!(one("Köln"), COLOGNE);
    assert_eq!(one("Valencia"), VALENCIA_ES);
    assert_eq!(one("Valencia, VE"), VALENCIA_VE);
    assert_eq!(one("Frankfurt, Brandenburg"), FRANKFURT_ODER);
    // Two real Frankfurts in Germany: the user chooses.
    let v = ambiguous("Frankfurt");
    assert!(v.iter().any(|c| c.id == Some(FRANKFURT_MAIN)));
    assert!(v.iter().any(|c| c.id == Some(FRANKFURT_ODER)));
    assert!(v.len() <= RESOLVE_MAX_CANDIDATES);
    // Typos and prefixes are never taken as an answer.
    assert_eq!(ambiguous("Helsnki")[0].id, Some(HELSINKI));
    assert_eq!(ambiguous("Barcel")[0].id, Some(BARCELONA));
    ambiguous("Santiago");
}

#[test]
fn nearest_place() {
    let (c, d) = g().nearest(56.946, 24.10589).unwrap();
    assert_eq!(c.id, Some(RIGA), "{c:?}");
    assert_eq!(d, 0.0);
    assert_eq!(c.match_kind, MatchKind::Nearest);
    // A village too small for cities500 (Ērgļi's surroundings): some town in Latvia nearby.
    let (c, d) = g().nearest(56.86, 25.55).unwrap();
    assert_eq!(c.country, "LV");
    assert!(d < 30.0, "{c:?} {d}");
    assert!(g().nearest(91.0, 0.0).is_none());
    assert!(g().nearest(0.0, f64::NAN).is_none());
}

/// Linear scan, the reference for the grid search.
fn nearest_by_scan(g: &Gazetteer, lat: f64, lon: f64) -> f64 {
    (0..g.len())
        .map(|i| {
            let r = g.raw(i);
            haversine_km((lat, lon), (r.lat, r.lon))
        })
        .fold(f64::INFINITY, f64::min)
}

#[test]
fn nearest_agrees_with_a_linear_scan_everywhere() {
    let points = [
        (56.95, 24.1),
        (0.0, 0.0),
        (89.9, 10.0),
        (-89.9, -170.0),
        (65.0, 179.9),
        (-16.0, -179.99),
        (48.0, -40.0), // mid-Atlantic
        (-50.0, 100.0),
        (90.0, 180.0),
        (-90.0, -180.0),
        (78.2, 15.6), // Svalbard
    ];
    for (lat, lon) in points {
        let (_, d) = g().nearest(lat, lon).unwrap();
        let scan = nearest_by_scan(g(), lat, lon);
        assert!(
            (d - scan).abs() < 1e-9,
            "({lat}, {lon}): grid {d} vs scan {scan}"
        );
    }
}

#[test]
fn programme_countries() {
    assert_eq!(PROGRAMME_COUNTRIES_LEN, table::PROGRAMME_COUNTRIES.len());
    for c in table::PROGRAMME_COUNTRIES {
        assert!(is_programme_country(c), "{c}");
    }
    for c in ["GB", "CH", "UA", "VE", "US", "", "A", "ESP", "es"] {
        assert!(!is_programme_country(c), "{c}");
    }
}

const PROGRAMME_COUNTRIES_LEN: usize = 33;

#[test]
fn by_id() {
    assert_eq!(g().by_id(RIGA).unwrap().name, "Riga");
    assert!(g().by_id(1).is_none());
}

const SMALL: &str = "geonameid\tname\tasciiname\talternatenames\tcountry_code\tadmin1_name\tfeature_code\tpopulation\tlatitude\tlongitude
2925533\tFrankfurt am Main\t\tFrankfurt,Francfort\tDE\tHesse\tPPLA3\t650000\t50.11552\t8.68417
2925535\tFrankfurt (Oder)\t\tFrankfurt\tDE\tBrandenburg\tPPL\t57107\t52.34714\t14.55062
456172\tRiga\t\tRīga,Рига\tLV\tRiga\tPPLC\t742572\t56.946\t24.10589
100\tSmallville\t\t\tUS\tKansas\t\t0\t39.0\t-98.0
";

fn gzip(text: &str) -> Vec<u8> {
    use std::io::Write;
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(text.as_bytes()).unwrap();
    e.finish().unwrap()
}

#[test]
fn from_bytes_plain_and_gzip() {
    for bytes in [SMALL.as_bytes().to_vec(), gzip(SMALL)] {
        let g = Gazetteer::from_bytes(&bytes).unwrap();
        assert_eq!(g.len(), 4);
        let v = g.search("frankfurt", 10).unwrap();
        assert_eq!(v[0].id, Some(FRANKFURT_MAIN));
        assert_eq!(v[1].id, Some(FRANKFURT_ODER));
        assert!(matches!(
            g.resolve("Frankfurt").unwrap(),
            Resolved::Ambiguous(_)
        ));
        assert_eq!(g.search("Рига", 1).unwrap()[0].id, Some(RIGA));
        // The embedded Latvian exonyms apply to the places the table has.
        assert_eq!(
            g.search("Frankfurte", 1).unwrap()[0].id,
            Some(FRANKFURT_MAIN)
        );
        assert_eq!(g.search("Smallvile", 1).unwrap()[0].id, Some(100));
        assert_eq!(g.nearest(52.0, 14.0).unwrap().0.id, Some(FRANKFURT_ODER));
        assert_eq!(g.by_id(100).unwrap().feature_code, "");
        assert!(g.search("Riga, US", 10).unwrap().is_empty());
    }
}

#[test]
fn from_bytes_rejects_malformed_tables() {
    let bad = [
        "1\tA\n",
        "x\tA\t\t\tDE\tR\tPPL\t1\t0\t0\n",
        "1\tA\t\t\tDEU\tR\tPPL\t1\t0\t0\n",
        "1\tA\t\t\tDE\tR\tPPL\t1\t95\t0\n",
        "1\tA\t\t\tDE\tR\tPPL\tmany\t0\t0\n",
        "1\t\t\t\tDE\tR\tPPL\t1\t0\t0\n",
    ];
    for t in bad {
        let e = Gazetteer::from_bytes(t.as_bytes()).unwrap_err();
        assert!(e.to_string().contains("line 1"), "{t:?}: {e}");
    }
    assert!(Gazetteer::from_bytes(&[0x1f, 0x8b, 0, 1, 2]).is_err());
    assert!(Gazetteer::from_bytes(&[0xff, 0xfe, 0x00]).is_err());
    let empty = Gazetteer::from_bytes(b"").unwrap();
    assert!(empty.is_empty());
    assert!(empty.search("Riga", 10).unwrap().is_empty());
    assert!(empty.nearest(0.0, 0.0).is_none());
    assert!(matches!(
        Gazetteer::from_path("/nonexistent/places.tsv.gz"),
        Err(LoadError::Io { .. })
    ));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn search_never_panics(q in "\\PC{0,40}", limit in 0usize..30) {
        match g().search(&q, limit) {
            Ok(v) => prop_assert!(v.len() <= limit),
            Err(e) => prop_assert!(!e.to_string().is_empty()),
        }
        let _ = g().resolve(&q);
    }

    #[test]
    fn search_never_panics_on_name_like_input(
        q in "[a-zA-ZāčēģīķļņšūžÄÖÜäöüß ,.'()-]{0,30}",
    ) {
        let _ = g().search(&q, 10);
        let _ = g().resolve(&q);
    }

    #[test]
    fn coordinate_like_input_is_validated(q in "[-+0-9., °]{1,24}") {
        match g().search(&q, 5) {
            Ok(v) => {
                for c in v {
                    prop_assert!((-90.0..=90.0).contains(&c.lat));
                    prop_assert!((-180.0..=180.0).contains(&c.lon));
                }
            }
            Err(SearchError::InvalidCoordinates { .. } | SearchError::EmptyQuery) => {}
            Err(e) => prop_assert!(false, "unexpected {e:?}"),
        }
    }

    #[test]
    fn valid_coordinates_round_trip(lat in -90.0f64..=90.0, lon in -180.0f64..=180.0) {
        let v = g().search(&format!("{lat},{lon}"), 1).unwrap();
        prop_assert_eq!((v[0].lat, v[0].lon), (lat, lon));
        let v = g().search(&format!("{lat}, {lon}"), 1).unwrap();
        prop_assert_eq!((v[0].lat, v[0].lon), (lat, lon));
    }

    #[test]
    fn nearest_never_panics(lat in proptest::num::f64::ANY, lon in proptest::num::f64::ANY) {
        let r = g().nearest(lat, lon);
        let valid = (-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon);
        prop_assert_eq!(r.is_some(), valid);
    }

    #[test]
    fn from_bytes_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        let _ = Gazetteer::from_bytes(&bytes);
    }

    #[test]
    fn from_bytes_never_panics_on_row_like_text(
        rows in proptest::collection::vec("[0-9]{1,6}\t[A-Za-zé ]{0,8}\t[a-z]{0,3}\t[A-Za-z,]{0,10}\t[A-Z]{2}\t[A-Za-z]{0,5}\t[A-Z]{0,5}\t[0-9]{0,7}\t-?[0-9]{1,2}\\.[0-9]{1,3}\t-?[0-9]{1,3}\\.[0-9]{1,3}", 0..6),
        q in "[a-z]{1,8}",
    ) {
        let text = rows.join("\n");
        if let Ok(g) = Gazetteer::from_bytes(text.as_bytes()) {
            let _ = g.search(&q, 5);
            let _ = g.resolve(&q);
            let _ = g.nearest(10.0, 10.0);
        }
    }
}

#[test]
fn typo_walk_stops_when_its_budget_is_spent() {
    let dfa = fuzzy_builders()[0].build_dfa("iga");
    let aut = AnchoredLevenshtein {
        first: b'r',
        dfa: &dfa,
        budget: Cell::new(2),
    };
    let s = aut.accept(&aut.start(), b'r');
    let s = aut.accept(&s, b'i');
    assert_ne!(s, SINK_STATE);
    assert_eq!(
        aut.accept(&s, b'g'),
        SINK_STATE,
        "third step is over the budget"
    );
}
