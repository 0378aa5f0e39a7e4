//! Builds the search index of the embedded gazetteer at compile time, so that loading it at run
//! time costs no decompression, folding or sorting. The index is built by `src/table.rs`, the
//! same code `Gazetteer::from_bytes` runs, from `data/gazetteer/places.tsv.gz` and
//! `data/gazetteer/lv-exonyms.tsv` at the workspace root.

#[allow(dead_code)]
#[path = "src/table.rs"]
mod table;

use std::path::PathBuf;

fn main() {
    let manifest =
        PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR"));
    let data = manifest.join("../../data/gazetteer");
    let places = data.join("places.tsv.gz");
    let exonyms = data.join("lv-exonyms.tsv");
    println!("cargo::rerun-if-changed={}", places.display());
    println!("cargo::rerun-if-changed={}", exonyms.display());
    println!("cargo::rerun-if-changed=src/table.rs");

    let bytes =
        std::fs::read(&places).unwrap_or_else(|e| panic!("reading {}: {e}", places.display()));
    let exonym_text = std::fs::read_to_string(&exonyms)
        .unwrap_or_else(|e| panic!("reading {}: {e}", exonyms.display()));
    let text = table::decompress(&bytes).unwrap_or_else(|e| panic!("{}: {e}", places.display()));
    let rows = table::parse_rows(&text).unwrap_or_else(|e| panic!("{}: {e}", places.display()));
    let built = table::build(&rows, &table::parse_exonyms(&exonym_text))
        .unwrap_or_else(|e| panic!("building the gazetteer index: {e}"));

    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("OUT_DIR"));
    for (name, content) in [
        ("records.bin", &built.records),
        ("strings.bin", &built.strings),
        ("features.txt", &built.features),
        ("keys.fst", &built.keys),
        ("postings.bin", &built.postings),
        ("heavy.fst", &built.heavy_keys),
        ("heavy.bin", &built.heavy),
    ] {
        std::fs::write(out.join(name), content).unwrap_or_else(|e| panic!("writing {name}: {e}"));
    }
}
