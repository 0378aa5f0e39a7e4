//! Offline gazetteer, place search and great-circle distance for mobiplan.
//!
//! * [`Gazetteer`]: GeoNames cities500 (234,908 places, with Latin, Cyrillic and Greek alternate
//!   names and a hand-made Latvian exonym list), embedded in the binary. Search is case-,
//!   diacritic- and script-insensitive, ranks exact > prefix > typo matches, prefers the EU and
//!   programme-associated countries, capitals and admin seats, then population; typed
//!   coordinates are accepted; [`Gazetteer::resolve`] never guesses an ambiguous name.
//! * [`haversine_km`] / [`round_km_2`]: the distance the Erasmus+ distance calculator shows
//!   (haversine on a sphere of radius 6371.0 km, 2 decimals).
//!
//! ```
//! use mobiplan_geo::{Gazetteer, Resolved, haversine_km, round_km_2};
//!
//! let g = Gazetteer::embedded();
//! let riga = &g.search("riga", 5)?[0];
//! assert_eq!(riga.display(), "Riga, Riga, LV");
//! let Resolved::One(venice) = g.resolve("Venēcija")? else { panic!("ambiguous") };
//! assert_eq!(venice.display(), "Venice, Veneto, IT");
//! assert!(matches!(g.resolve("Frankfurt")?, Resolved::Ambiguous(_)));
//!
//! let km = haversine_km(riga.coordinates(), venice.coordinates());
//! assert_eq!(round_km_2(km), 151_546); // 1515.46 km
//! # Ok::<(), mobiplan_geo::SearchError>(())
//! ```
//!
//! No network I/O; no file I/O except [`Gazetteer::from_path`] for an explicit override file.
//! Travel-distance bands and grant amounts are not here (they belong to the rulebook).

mod distance;
mod error;
mod gazetteer;
mod plan;
mod query;
mod table;

pub use distance::{EARTH_RADIUS_KM, haversine_km, round_km_2};
pub use error::{CoordinateProblem, LoadError, SearchError};
pub use gazetteer::{
    Candidate, Gazetteer, MatchKind, RESOLVE_MAX_CANDIDATES, RESOLVE_POPULATION_RATIO, Resolved,
    is_programme_country,
};
pub use plan::fill_distances;
pub use query::MAX_QUERY_CHARS;
pub use table::PROGRAMME_COUNTRIES;

/// Credit required by the GeoNames licence (CC BY 4.0); show it in the README and in the
/// program's about/version text.
pub const ATTRIBUTION: &str = "Contains data from GeoNames (www.geonames.org), CC BY 4.0, modified";

/// Folds a place name or query to the search key used by the gazetteer ("Rīga", "RIGA" →
/// "riga"; "Скопје" → "skopje"; "İstanbul" → "istanbul").
pub fn fold_key(s: &str) -> String {
    table::fold(s)
}
