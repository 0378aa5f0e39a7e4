//! Try the gazetteer from the command line:
//! `cargo run --release -p mobiplan-geo --example search -- "Valencia" "Скопје" "56.95,24.1"`

use mobiplan_geo::{Gazetteer, Resolved};

fn main() {
    let g = Gazetteer::embedded();
    for q in std::env::args().skip(1) {
        let t = std::time::Instant::now();
        let result = g.search(&q, 8);
        println!("== {q} ({} µs)", t.elapsed().as_micros());
        match result {
            Ok(cands) => {
                for c in cands {
                    println!(
                        "  {:<50} {:>9} {:<6} {:?}{} ({}, {}) id={:?}",
                        c.display(),
                        c.population,
                        c.feature_code,
                        c.match_kind,
                        if c.language_hit { " lv" } else { "" },
                        c.lat,
                        c.lon,
                        c.id
                    );
                }
            }
            Err(e) => println!("  error: {e}"),
        }
        match g.resolve(&q) {
            Ok(Resolved::One(c)) => println!("  resolve: One({})", c.display()),
            Ok(Resolved::Ambiguous(v)) => println!("  resolve: Ambiguous({} candidates)", v.len()),
            Ok(Resolved::NotFound) => println!("  resolve: NotFound"),
            Err(e) => println!("  resolve: error: {e}"),
        }
    }
}
