//! Time loading a table from a file (the override path):
//! `cargo run --release -p mobiplan-geo --example load_file -- data/gazetteer/places.tsv.gz`

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: load_file PLACES.tsv.gz");
        std::process::exit(2);
    };
    let t = std::time::Instant::now();
    match mobiplan_geo::Gazetteer::from_path(&path) {
        Ok(g) => {
            println!(
                "{} places in {:.0} ms",
                g.len(),
                t.elapsed().as_secs_f64() * 1e3
            );
            let a = g.search("Frankfurte", 3).unwrap_or_default();
            let b = mobiplan_geo::Gazetteer::embedded()
                .search("Frankfurte", 3)
                .unwrap_or_default();
            println!("same results as the embedded table: {}", a == b);
        }
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    }
}
