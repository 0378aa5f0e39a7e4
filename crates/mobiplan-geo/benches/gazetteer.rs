//! Gazetteer benchmark (not a timed test): load time, memory, search latency.
//!
//! Run: `cargo bench -p mobiplan-geo --bench gazetteer` (release profile). Prints its numbers.
//! Targets: load < 150 ms, memory added < 60 MB, search p99 < 1 ms on one core.

use std::hint::black_box;
use std::time::{Duration, Instant};

use mobiplan_geo::Gazetteer;

/// Resident set size in bytes, from /proc/self/statm (0 where that is not available).
fn rss_bytes() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: u64 = statm
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    pages * 4096
}

const PLACES: &[&str] = &[
    "Rīga",
    "Brussels",
    "Paris",
    "Vienna",
    "Köln",
    "München",
    "Berlin",
    "Roma",
    "London",
    "Warszawa",
    "Vilnius",
    "Tallinn",
    "Helsinki",
    "Stockholm",
    "København",
    "Oslo",
    "Madrid",
    "Lisboa",
    "Athens",
    "Praha",
    "Budapest",
    "Bratislava",
    "Ljubljana",
    "Zagreb",
    "Beograd",
    "Skopje",
    "Ankara",
    "İstanbul",
    "Reykjavík",
    "Amsterdam",
    "Den Haag",
    "Dublin",
    "Luxembourg",
    "Valletta",
    "Nicosia",
    "Sofia",
    "București",
    "Milano",
    "Napoli",
    "Firenze",
    "Barcelona",
    "Valencia",
    "Sevilla",
    "Porto",
    "Kraków",
    "Gdańsk",
    "Tartu",
    "Kaunas",
    "Tampere",
    "Göteborg",
    "Hamburg",
    "Dresden",
    "Leipzig",
    "Stuttgart",
    "Salzburg",
    "Innsbruck",
    "Nice",
    "Lyon",
    "Marseille",
    "Strasbourg",
    "Brugge",
    "Antwerpen",
    "Gent",
    "Rotterdam",
    "Frankfurt am Main",
    "Venezia",
    "Daugavpils",
    "Liepāja",
    "Jelgava",
    "Ventspils",
    "Rēzekne",
    "Valmiera",
    "Cēsis",
    "Sigulda",
    "Ogre",
    "Tukums",
    "Kuldīga",
    "Talsi",
    "Bauska",
    "Dobele",
    "Saldus",
    "Limbaži",
    "Gulbene",
    "Madona",
    "Alūksne",
    "Krāslava",
    "Ludza",
    "Preiļi",
    "Aizkraukle",
    "Jēkabpils",
    "Bologna",
    "Torino",
    "Genova",
    "Palermo",
    "Zaragoza",
    "Málaga",
    "Bilbao",
    "Toulouse",
    "Bordeaux",
    "Nantes",
    "Lille",
    "Düsseldorf",
    "Bremen",
    "Hannover",
    "Nürnberg",
    "Bonn",
    "Aachen",
    "Poznań",
    "Wrocław",
    "Łódź",
    "Brno",
    "Ostrava",
    "Košice",
    "Debrecen",
    "Cluj-Napoca",
    "Iași",
    "Thessaloníki",
    "Uppsala",
    "Malmö",
    "Aarhus",
    "Bergen",
    "Turku",
    "Oulu",
    "Klaipėda",
    "Pärnu",
    "Graz",
    "Linz",
    "Split",
    "Rijeka",
    "Maribor",
    "Plovdiv",
    "Varna",
    "Izmir",
    "Bursa",
    "Antalya",
    "Niš",
    "Novi Sad",
    "Bitola",
    "Ohrid",
    "Vaduz",
    "Akureyri",
    "Trondheim",
    "Stavanger",
    "Limassol",
    "Larnaca",
    "Cork",
    "Galway",
    "Coimbra",
    "Braga",
    "Faro",
    "Granada",
    "Salamanca",
    "Santiago de Compostela",
    "Frankfurt (Oder)",
];

const EXONYMS: &[&str] = &[
    "Brisele",
    "Parīze",
    "Vīne",
    "Ķelne",
    "Minhene",
    "Berlīne",
    "Londona",
    "Varšava",
    "Viļņa",
    "Tallina",
    "Stokholma",
    "Kopenhāgena",
    "Madride",
    "Lisabona",
    "Atēnas",
    "Prāga",
    "Budapešta",
    "Ļubļana",
    "Zagreba",
    "Belgrada",
    "Stambula",
    "Reikjavīka",
    "Amsterdama",
    "Hāga",
    "Dublina",
    "Luksemburga",
    "Nikosija",
    "Bukareste",
    "Milāna",
    "Neapole",
    "Barselona",
    "Valensija",
    "Seviļa",
    "Krakova",
    "Gdaņska",
    "Kauņa",
    "Gēteborga",
    "Hamburga",
    "Drēzdene",
    "Leipciga",
    "Štutgarte",
    "Zalcburga",
    "Insbruka",
    "Liona",
    "Marseļa",
    "Strasbūra",
    "Brige",
    "Antverpene",
    "Gente",
    "Roterdama",
    "Frankfurte",
    "Venēcija",
    "Скопје",
    "Београд",
    "Αθήνα",
];

/// Realistic queries: names as typed (with and without diacritics, lower case), Latvian
/// exonyms, one-letter typos, prefixes as while typing, country narrowing, coordinates.
fn queries() -> Vec<String> {
    let mut q: Vec<String> = Vec::new();
    for p in PLACES {
        q.push(p.to_string());
        q.push(mobiplan_geo::fold_key(p));
        let chars: Vec<char> = p.chars().collect();
        if chars.len() >= 6 {
            // typo: drop the 3rd letter, or swap two letters
            let mut t = chars.clone();
            t.remove(2);
            q.push(t.into_iter().collect());
            let mut s = chars.clone();
            s.swap(3, 4);
            q.push(s.into_iter().collect());
        }
        if chars.len() >= 5 {
            q.push(chars[..4].iter().collect());
        }
    }
    q.extend(EXONYMS.iter().map(|s| s.to_string()));
    q.extend(
        [
            "Valencia, ES",
            "Valencia,VE",
            "Frankfurt, Brandenburg",
            "Paris, FR",
            "Riga, LV",
        ]
        .iter()
        .map(|s| s.to_string()),
    );
    q.extend(
        [
            "56.95,24.1",
            "56.9496, 24.1052",
            "40.4165,-3.70256",
            "91,24",
        ]
        .iter()
        .map(|s| s.to_string()),
    );
    q
}

fn pct(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn main() {
    let rss0 = rss_bytes();
    let t = Instant::now();
    let g = Gazetteer::embedded();
    let load = t.elapsed();
    let rss1 = rss_bytes();
    println!("places: {}", g.len());
    println!(
        "load embedded table (first Gazetteer::embedded(), incl. typo automata): {:.1} ms",
        load.as_secs_f64() * 1e3
    );
    println!(
        "RSS: before {:.1} MB, after load {:.1} MB (+{:.1} MB)",
        rss0 as f64 / 1e6,
        rss1 as f64 / 1e6,
        (rss1.saturating_sub(rss0)) as f64 / 1e6
    );

    let qs = queries();
    // Warm-up round (page in the index as a long-running program would have).
    for q in &qs {
        black_box(g.search(q, 10).ok());
    }
    let rss2 = rss_bytes();
    println!(
        "RSS after one round of queries: {:.1} MB (+{:.1} MB over the start)",
        rss2 as f64 / 1e6,
        (rss2.saturating_sub(rss0)) as f64 / 1e6
    );

    let rounds = 20;
    let mut times: Vec<Duration> = Vec::with_capacity(qs.len() * rounds);
    let mut per_query: Vec<Vec<Duration>> = vec![Vec::with_capacity(rounds); qs.len()];
    for _ in 0..rounds {
        for (i, q) in qs.iter().enumerate() {
            let t = Instant::now();
            black_box(g.search(black_box(q), 10).ok());
            let d = t.elapsed();
            times.push(d);
            per_query[i].push(d);
        }
    }
    times.sort();
    let total: Duration = times.iter().sum();
    println!(
        "search(query, 10): {} distinct queries x {} rounds = {} calls, one thread",
        qs.len(),
        rounds,
        times.len()
    );
    println!(
        "  p50 {:.1} µs, p90 {:.1} µs, p99 {:.1} µs, max {:.1} µs, mean {:.1} µs",
        pct(&times, 0.50).as_secs_f64() * 1e6,
        pct(&times, 0.90).as_secs_f64() * 1e6,
        pct(&times, 0.99).as_secs_f64() * 1e6,
        times.last().map_or(0.0, |d| d.as_secs_f64() * 1e6),
        total.as_secs_f64() * 1e6 / times.len() as f64,
    );
    // Per-query medians tell systematically slow queries from scheduling noise.
    let mut medians: Vec<(Duration, &str)> = per_query
        .iter_mut()
        .zip(&qs)
        .map(|(v, q)| {
            v.sort();
            (v[v.len() / 2], q.as_str())
        })
        .collect();
    medians.sort_by_key(|m| std::cmp::Reverse(m.0));
    let mut sorted_medians: Vec<Duration> = medians.iter().map(|m| m.0).collect();
    sorted_medians.sort();
    println!(
        "  per-query medians: p50 {:.1} µs, p99 {:.1} µs; slowest: {}",
        pct(&sorted_medians, 0.50).as_secs_f64() * 1e6,
        pct(&sorted_medians, 0.99).as_secs_f64() * 1e6,
        medians
            .iter()
            .take(6)
            .map(|(d, q)| format!("{q:?} {:.0} µs", d.as_secs_f64() * 1e6))
            .collect::<Vec<_>>()
            .join(", ")
    );

    // Odd input: long phrases with no match, filtered one-letter prefixes, junk.
    let odd: Vec<String> = vec![
        "s".repeat(60),
        format!("s{}", "a".repeat(40)),
        "santa maria de la cruz del sur".into(),
        "b, ES".into(),
        "s, Hesse".into(),
        "a".into(),
        "Dusseldorrff".into(),
        "Hellsinkki".into(),
        "Kopennhagenn".into(),
        "xqzv wpfk".into(),
        "der die das".into(),
        "1234567".into(),
    ];
    let mut odd_medians: Vec<(Duration, &str)> = odd
        .iter()
        .map(|q| {
            let mut v: Vec<Duration> = (0..11)
                .map(|_| {
                    let t = Instant::now();
                    black_box(g.search(black_box(q), 10).ok());
                    t.elapsed()
                })
                .collect();
            v.sort();
            (v[5], q.as_str())
        })
        .collect();
    odd_medians.sort_by_key(|m| std::cmp::Reverse(m.0));
    println!(
        "odd queries (median of 11): {}",
        odd_medians
            .iter()
            .map(|(d, q)| format!("{q:?} {:.0} µs", d.as_secs_f64() * 1e6))
            .collect::<Vec<_>>()
            .join(", ")
    );

    let mut rtimes = Vec::new();
    for q in &qs {
        let t = Instant::now();
        black_box(g.resolve(q).ok());
        rtimes.push(t.elapsed());
    }
    rtimes.sort();
    println!(
        "resolve(query): p50 {:.1} µs, p99 {:.1} µs",
        pct(&rtimes, 0.50).as_secs_f64() * 1e6,
        pct(&rtimes, 0.99).as_secs_f64() * 1e6
    );

    let points: Vec<(f64, f64)> = (0..500)
        .map(|i| {
            let f = i as f64;
            (35.0 + (f * 0.37) % 35.0, -10.0 + (f * 1.13) % 45.0)
        })
        .collect();
    let mut ntimes = Vec::new();
    for &(lat, lon) in &points {
        let t = Instant::now();
        black_box(g.nearest(lat, lon));
        ntimes.push(t.elapsed());
    }
    ntimes.sort();
    println!(
        "nearest(lat, lon) over Europe: p50 {:.1} µs, p99 {:.1} µs",
        pct(&ntimes, 0.50).as_secs_f64() * 1e6,
        pct(&ntimes, 0.99).as_secs_f64() * 1e6
    );
}
