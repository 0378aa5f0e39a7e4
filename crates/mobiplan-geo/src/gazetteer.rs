//! The gazetteer: loading, place search, resolution and nearest place.

use std::borrow::Cow;
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::path::Path;
use std::sync::OnceLock;

use fst::{Automaton, IntoStreamer, Streamer};
use levenshtein_automata::{DFA, Distance, LevenshteinAutomatonBuilder, SINK_STATE};

use crate::distance::haversine_km;
use crate::error::{LoadError, SearchError};
use crate::query::{self, Filter, Query};
use crate::table::{self, INLINE_BIT, LANGUAGE_BONUS, RECORD_SIZE, SRC_EXONYM, SRC_NAME};

/// Is `code` (ISO alpha-2, upper case) an EU member state or a programme-associated country
/// (see [`crate::PROGRAMME_COUNTRIES`])?
pub fn is_programme_country(code: &str) -> bool {
    table::is_programme_code(code.as_bytes())
}

/// Typo tolerance: no fuzzy search below this many characters in the key...
const FUZZY_MIN_LEN: usize = 4;
/// ...edit distance 1 up to this length, 2 above it.
const FUZZY_ONE_MAX_LEN: usize = 7;
/// Keys longer than this get no fuzzy search (a typed sentence is not a place name).
const FUZZY_MAX_LEN: usize = 64;
/// At most this many keys are read from one prefix range or fuzzy stream.
const MAX_KEYS_PER_STAGE: usize = 5_000;
/// At most this many automaton steps are taken in one typo walk over the index: a hard bound
/// on the latency of odd queries (long phrases near many similar names); ordinary typo
/// queries take a few thousand steps, the longest about 20,000.
const FUZZY_STEP_BUDGET: u32 = 50_000;
/// Grid cells for `nearest`: 1° × 1°.
const GRID_LAT: usize = 180;
const GRID_LON: usize = 360;

/// A place population ratio that counts as "far larger" for [`Gazetteer::resolve`].
pub const RESOLVE_POPULATION_RATIO: u64 = 20;
/// How many candidates [`Gazetteer::resolve`] returns when it is ambiguous.
pub const RESOLVE_MAX_CANDIDATES: usize = 10;

static RECORDS: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/records.bin"));
static STRINGS: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/strings.bin"));
static FEATURES: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/features.txt"));
static KEYS: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/keys.fst"));
static POSTINGS: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/postings.bin"));
static HEAVY_KEYS: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/heavy.fst"));
static HEAVY: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/heavy.bin"));
static LV_EXONYMS: &str = include_str!("../../../data/gazetteer/lv-exonyms.tsv");

static EMBEDDED: OnceLock<Gazetteer> = OnceLock::new();
static FUZZY: OnceLock<[LevenshteinAutomatonBuilder; 2]> = OnceLock::new();

fn fuzzy_builders() -> &'static [LevenshteinAutomatonBuilder; 2] {
    FUZZY.get_or_init(|| {
        [
            LevenshteinAutomatonBuilder::new(1, true),
            LevenshteinAutomatonBuilder::new(2, true),
        ]
    })
}

/// How a candidate matched the query. Orders from best to worst.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum MatchKind {
    /// Typed coordinates: a synthetic candidate.
    Coordinates,
    /// The folded query equals a folded name of the place.
    Exact,
    /// The folded query is the beginning of a folded name of the place.
    Prefix,
    /// A folded name within this edit distance (Damerau–Levenshtein, 1 or 2).
    Fuzzy(u8),
    /// Returned by [`Gazetteer::nearest`].
    Nearest,
}

/// A place offered to the user.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    /// GeoNames id; `None` for typed coordinates.
    pub id: Option<u32>,
    /// Primary GeoNames name (for typed coordinates: the coordinates as typed, normalised).
    pub name: String,
    /// First-level region (admin1) name; may be empty.
    pub region: String,
    /// ISO 3166-1 alpha-2 country code; empty for typed coordinates.
    pub country: String,
    /// GeoNames feature code (`PPLC` capital, `PPLA`… admin seat, `PPL`, …); may be empty.
    pub feature_code: String,
    /// Population (0 when unknown).
    pub population: u64,
    /// Latitude, decimal degrees (GeoNames point, or as typed).
    pub lat: f64,
    /// Longitude, decimal degrees.
    pub lon: f64,
    /// How it matched.
    pub match_kind: MatchKind,
    /// The place matched through the user's-language (Latvian exonym) list.
    pub language_hit: bool,
}

impl Candidate {
    /// "name, region, country" (empty parts left out), so two Frankfurts can be told apart.
    pub fn display(&self) -> String {
        [&self.name, &self.region, &self.country]
            .iter()
            .filter(|s| !s.is_empty())
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// `(lat, lon)`, ready for [`crate::haversine_km`].
    pub fn coordinates(&self) -> (f64, f64) {
        (self.lat, self.lon)
    }

    /// Is the place in an EU member state or a programme-associated country?
    pub fn in_programme_country(&self) -> bool {
        is_programme_country(&self.country)
    }

    fn typed(lat: f64, lon: f64) -> Self {
        Candidate {
            id: None,
            name: format!("{lat}, {lon}"),
            region: String::new(),
            country: String::new(),
            feature_code: String::new(),
            population: 0,
            lat,
            lon,
            match_kind: MatchKind::Coordinates,
            language_hit: false,
        }
    }
}

/// Outcome of [`Gazetteer::resolve`].
#[derive(Debug, Clone, PartialEq)]
pub enum Resolved {
    /// One place, clearly meant.
    One(Candidate),
    /// Several plausible places (best first): the user has to choose.
    Ambiguous(Vec<Candidate>),
    /// Nothing matched, not even approximately.
    NotFound,
}

/// One record, decoded.
struct Rec<'a> {
    id: u32,
    name: &'a str,
    region: &'a str,
    country: &'a str,
    feature: &'a str,
    population: u32,
    lat: f64,
    lon: f64,
}

/// An offline gazetteer: GeoNames cities500 (234,908 places) with Latin, Cyrillic and Greek
/// alternate names and Latvian exonyms, searchable by name, prefix, typo or coordinates.
///
/// [`Gazetteer::embedded`] gives the built-in table (loaded once, shared); [`Gazetteer::from_bytes`]
/// and [`Gazetteer::from_path`] load a table in the `places.tsv.gz` format (see
/// `data/gazetteer/README.md`). The type is `Send + Sync`; searching takes `&self`.
pub struct Gazetteer {
    records: Cow<'static, [u8]>,
    strings: Cow<'static, [u8]>,
    features: Vec<String>,
    keys: fst::Map<Cow<'static, [u8]>>,
    postings: Cow<'static, [u8]>,
    heavy_keys: fst::Map<Cow<'static, [u8]>>,
    heavy: Cow<'static, [u8]>,
    len: usize,
    /// Place indices sorted by 1° × 1° grid cell; `cell_start[c]..cell_start[c + 1]`.
    cell_order: Vec<u32>,
    cell_start: Vec<u32>,
    /// Country codes present, sorted.
    countries: Vec<[u8; 2]>,
    /// Query-independent ranking score of each place (`table::static_score`).
    scores: Vec<f64>,
}

impl std::fmt::Debug for Gazetteer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Gazetteer")
            .field("places", &self.len)
            .field("keys", &self.keys.len())
            .finish()
    }
}

/// A place hit with its ranking key: kind, then score (higher first), then GeoNames id.
#[derive(Clone, Copy)]
struct Ranked {
    idx: u32,
    hit: Hit,
    score: f64,
    id: u32,
    /// In an EU member state or a programme-associated country.
    programme: bool,
}

/// How much the way a place matched counts in suggestions, on the score's scale (log10 of
/// the population): an exact match of its own name (or Latvian exonym) as a place 100 times
/// larger; a match through another language's or a historic name less than its own — a
/// prefix of one as a place 30 times smaller ("Port" is Porto, not Nantes, whose Latin name
/// is Portus Namnetum; "Brux" is Brussels, "Bruxelles", before Most, "Brüx" in German).
const EXACT_OWN_BONUS: f64 = 2.0;
const EXACT_ALTERNATE_BONUS: f64 = 0.5;
const PREFIX_ALTERNATE_PENALTY: f64 = -1.5;

impl Ranked {
    /// The score of a suggestion: importance, plus the weight of how it matched.
    fn suggestion_score(&self) -> f64 {
        let own = self.hit.own_name || self.hit.language;
        self.score
            + match (self.hit.kind, own) {
                (MatchKind::Exact, true) => EXACT_OWN_BONUS,
                (MatchKind::Exact, false) => EXACT_ALTERNATE_BONUS,
                (MatchKind::Prefix, false) => PREFIX_ALTERNATE_PENALTY,
                _ => 0.0,
            }
    }
}

/// The order of suggestions while typing: places in the programme countries first (where
/// mobilities go) with places elsewhere typed by their full name, typo matches after exact
/// and prefix ones, and within that by importance
/// with a weight for an exact match — so "Tall" is Tallinn and "Port" is Porto, not a
/// village called Port.
fn suggestion_order(a: &Ranked, b: &Ranked) -> std::cmp::Ordering {
    let fuzzy = |r: &Ranked| matches!(r.hit.kind, MatchKind::Fuzzy(_));
    // A place elsewhere whose own name (or Latvian exonym) was typed in full is meant:
    // "Cīrihe" is Zürich, "Kijiva" Kyiv. It competes with the programme countries' places
    // by its score, which has no programme bonus.
    let first_tier = |r: &Ranked| {
        r.programme || (r.hit.kind == MatchKind::Exact && (r.hit.own_name || r.hit.language))
    };
    first_tier(b)
        .cmp(&first_tier(a))
        .then(fuzzy(a).cmp(&fuzzy(b)))
        .then(b.suggestion_score().total_cmp(&a.suggestion_score()))
        .then(a.hit.kind.cmp(&b.hit.kind))
        .then(a.id.cmp(&b.id))
}

fn rank_order(a: &Ranked, b: &Ranked) -> std::cmp::Ordering {
    a.hit
        .kind
        .cmp(&b.hit.kind)
        .then(b.score.total_cmp(&a.score))
        .then(a.id.cmp(&b.id))
}

/// The best `n` of `hits` by `order`, best first (partial selection, then a sort of those
/// `n`).
fn top_n(
    mut hits: Vec<Ranked>,
    n: usize,
    order: fn(&Ranked, &Ranked) -> std::cmp::Ordering,
) -> Vec<Ranked> {
    if n == 0 {
        return Vec::new();
    }
    if hits.len() > n {
        hits.select_nth_unstable_by(n - 1, order);
        hits.truncate(n);
    }
    hits.sort_by(order);
    hits
}

/// Hit bookkeeping during one search.
#[derive(Clone, Copy)]
struct Hit {
    kind: MatchKind,
    /// Matched through the Latvian exonym list.
    language: bool,
    /// Matched through the place's own (primary or ASCII) name.
    own_name: bool,
}

/// The sections of a built index.
struct Parts {
    records: Cow<'static, [u8]>,
    strings: Cow<'static, [u8]>,
    features: Vec<String>,
    keys: Cow<'static, [u8]>,
    postings: Cow<'static, [u8]>,
    heavy_keys: Cow<'static, [u8]>,
    heavy: Cow<'static, [u8]>,
}

impl Gazetteer {
    /// The embedded world table, loaded on first use and shared for the life of the program.
    /// Its index is built at compile time, so loading only maps it and builds a small grid
    /// for [`Gazetteer::nearest`] (tens of milliseconds; see the `gazetteer` bench).
    pub fn embedded() -> &'static Gazetteer {
        EMBEDDED.get_or_init(|| {
            let features = std::str::from_utf8(FEATURES)
                .unwrap_or_default()
                .split('\n')
                .map(str::to_string)
                .collect();
            let parts = Parts {
                records: Cow::Borrowed(RECORDS),
                strings: Cow::Borrowed(STRINGS),
                features,
                keys: Cow::Borrowed(KEYS),
                postings: Cow::Borrowed(POSTINGS),
                heavy_keys: Cow::Borrowed(HEAVY_KEYS),
                heavy: Cow::Borrowed(HEAVY),
            };
            // Built and checked by build.rs with the same code as `from_bytes`: no second
            // validation pass (accessors stay bounds-checked regardless).
            Gazetteer::from_parts(parts, false)
                .expect("the embedded gazetteer index is built by build.rs and valid")
        })
    }

    /// Loads a table in the `places.tsv.gz` format (gzip or plain UTF-8 TSV, header line
    /// optional; see `data/gazetteer/README.md`) and builds its index in memory. The embedded
    /// Latvian exonyms are applied to the places it contains. The world table takes a few
    /// seconds this way; it is meant for tests and for an override file.
    pub fn from_bytes(bytes: &[u8]) -> Result<Gazetteer, LoadError> {
        let text = table::decompress(bytes).map_err(LoadError::Invalid)?;
        let rows = table::parse_rows(&text).map_err(LoadError::Invalid)?;
        let built =
            table::build(&rows, &table::parse_exonyms(LV_EXONYMS)).map_err(LoadError::Invalid)?;
        let features = String::from_utf8(built.features)
            .map_err(|_| LoadError::Invalid("feature codes are not UTF-8".into()))?
            .split('\n')
            .map(str::to_string)
            .collect();
        let parts = Parts {
            records: Cow::Owned(built.records),
            strings: Cow::Owned(built.strings),
            features,
            keys: Cow::Owned(built.keys),
            postings: Cow::Owned(built.postings),
            heavy_keys: Cow::Owned(built.heavy_keys),
            heavy: Cow::Owned(built.heavy),
        };
        Gazetteer::from_parts(parts, true)
    }

    /// Loads an override table from a file (the only file I/O this crate does).
    pub fn from_path(path: impl AsRef<Path>) -> Result<Gazetteer, LoadError> {
        let path = path.as_ref();
        let bytes = std::fs::read(path).map_err(|source| LoadError::Io {
            path: path.display().to_string(),
            source,
        })?;
        Gazetteer::from_bytes(&bytes)
    }

    fn from_parts(parts: Parts, validate: bool) -> Result<Gazetteer, LoadError> {
        if parts.records.len() / RECORD_SIZE * RECORD_SIZE != parts.records.len() {
            return Err(LoadError::Invalid(
                "records section has a partial record".into(),
            ));
        }
        let fst_err = |e: fst::Error| LoadError::Invalid(format!("key index: {e}"));
        let len = parts.records.len() / RECORD_SIZE;
        let mut g = Gazetteer {
            records: parts.records,
            strings: parts.strings,
            features: parts.features,
            keys: fst::Map::new(parts.keys).map_err(fst_err)?,
            postings: parts.postings,
            heavy_keys: fst::Map::new(parts.heavy_keys).map_err(fst_err)?,
            heavy: parts.heavy,
            len,
            cell_order: Vec::new(),
            cell_start: Vec::new(),
            countries: Vec::new(),
            scores: Vec::with_capacity(len),
        };
        if validate {
            for i in 0..len {
                let r = g.raw(i);
                if g.str_at(r.name_off, r.name_len).is_none()
                    || g.str_at(r.region_off, r.region_len).is_none()
                    || usize::from(r.feature) >= g.features.len()
                    || !r.country.iter().all(u8::is_ascii_uppercase)
                {
                    return Err(LoadError::Invalid(format!("record {i} is malformed")));
                }
            }
        }
        // Grid index for `nearest` (counting sort by cell) and the country list for filters.
        let mut cell_start = vec![0u32; GRID_LAT * GRID_LON + 1];
        let mut cells = Vec::with_capacity(len);
        let mut seen = [[false; 26]; 26];
        for i in 0..len {
            let r = g.raw(i);
            if !(-90.0..=90.0).contains(&r.lat) || !(-180.0..=180.0).contains(&r.lon) {
                return Err(LoadError::Invalid(format!("record {i}: bad coordinates")));
            }
            let c = cell(lat_band(r.lat), lon_cell(r.lon));
            cells.push(c as u32);
            cell_start[c + 1] += 1;
            if r.country.iter().all(u8::is_ascii_uppercase) {
                seen[usize::from(r.country[0] - b'A')][usize::from(r.country[1] - b'A')] = true;
            }
            let country = std::str::from_utf8(&r.country).unwrap_or_default();
            let feature = g
                .features
                .get(usize::from(r.feature))
                .map_or("", String::as_str);
            g.scores
                .push(table::static_score(r.population, country, feature));
        }
        for c in 1..cell_start.len() {
            cell_start[c] += cell_start[c - 1];
        }
        let mut next = cell_start.clone();
        let mut order = vec![0u32; len];
        for (i, &c) in cells.iter().enumerate() {
            order[next[c as usize] as usize] = i as u32;
            next[c as usize] += 1;
        }
        g.cell_order = order;
        g.cell_start = cell_start;
        for (a, row) in seen.iter().enumerate() {
            for (b, &present) in row.iter().enumerate() {
                if present {
                    g.countries.push([b'A' + a as u8, b'A' + b as u8]);
                }
            }
        }
        // Warm the typo automata (a few ms, once per process) so searches have even latency.
        fuzzy_builders();
        Ok(g)
    }

    /// Number of places.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when the table has no place.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Searches places by name (any of its names, ignoring case, diacritics and script),
    /// or accepts typed coordinates.
    ///
    /// * `"Rīga"`, `"riga"`, `"RIGA"` are the same query; `"Скопје"` finds Skopje.
    /// * `"Valencia, ES"` / `"Valencia,ES"` narrows to a country (a two-letter code the table
    ///   has), any other text after a comma narrows to regions whose name starts with it.
    /// * `"56.95,24.1"` or `"56.9496, 24.1052"` gives one synthetic candidate at those
    ///   coordinates ([`MatchKind::Coordinates`], `id: None`).
    ///
    /// Ranking, as a person typing a town expects: places in the EU and programme-associated
    /// countries ([`crate::PROGRAMME_COUNTRIES`]) first (with places elsewhere whose own name
    /// or Latvian exonym was typed in full), then the others; in each, exact and
    /// prefix matches before typo matches (Damerau–Levenshtein; the first letter must be
    /// right; keys of 4 or more characters; distance 1, and for keys longer than 7
    /// characters distance 2 when nothing closer matched), ordered by a score:
    /// log10(population + 1), plus 2.5 for a programme country, 1.5 for a capital, 1.0 for a
    /// region seat (less for lower admin seats), 0.5 when the query is a Latvian exonym of the
    /// place, and for how it matched: +2.0 for an exact match of its own name or exonym,
    /// +0.5 for an exact match of another language's name, −1.5 for a prefix of another
    /// language's name; ties go to the exact match, then the lower GeoNames id. So "Valencia" offers
    /// Spain before Venezuela, "Tall" Tallinn, "Port" Porto and "Brux" Brussels. For very common prefixes (more than 512 entries, e.g. "san")
    /// the prefix matches are the 32 best-scored places, precomputed.
    ///
    /// Returns at most `limit` candidates; never panics.
    pub fn search(&self, query: &str, limit: usize) -> Result<Vec<Candidate>, SearchError> {
        match query::parse(query)? {
            Query::Coordinates { lat, lon } => Ok(if limit == 0 {
                Vec::new()
            } else {
                vec![Candidate::typed(lat, lon)]
            }),
            Query::Name { key, filters } => {
                let hits = self.collect_hits(&key, &filters, limit);
                Ok(top_n(hits, limit, suggestion_order)
                    .into_iter()
                    .map(|h| self.candidate(h.idx, h.hit))
                    .collect())
            }
        }
    }

    /// Resolves a query to one place only when that is clearly what was meant.
    ///
    /// Policy (ambiguity is never guessed silently):
    /// 1. Typed coordinates resolve to themselves.
    /// 2. Nothing found, not even by prefix or typo: [`Resolved::NotFound`].
    /// 3. No *exact* match (only prefix or typo matches): [`Resolved::Ambiguous`], the user
    ///    confirms.
    /// 4. Exactly one place matches exactly: [`Resolved::One`].
    /// 5. Several places match exactly: the best-ranked one (see [`Gazetteer::search`]) is
    ///    [`Resolved::One`] only if it is clearly ahead of every *rival*, that is its
    ///    population is at least [`RESOLVE_POPULATION_RATIO`] (20) times the rival's (a
    ///    rival's population is taken as at least 500, the cities500 threshold). Rivals are
    ///    the other exact matches, except:
    ///    * when the best place is in a programme country, places outside the programme
    ///      countries are no rivals (so the only exact match in the EU and associated
    ///      countries resolves);
    ///    * when the query is the best place's own name, a place in another country that
    ///      matched only through one of its foreign-language alternate names is no rival
    ///      ("Valencia" is Valencia, Spain, although Valence, France is "Valencia" in
    ///      Spanish).
    ///
    ///    So "Frankfurt" stays ambiguous (Frankfurt am Main is only 11 times larger than
    ///    Frankfurt (Oder)), "Roma" resolves to Rome.
    /// 6. Else [`Resolved::Ambiguous`] with up to [`RESOLVE_MAX_CANDIDATES`] candidates,
    ///    exact matches first.
    ///
    /// A country or region narrowing ("Valencia, VE") applies before the policy.
    pub fn resolve(&self, query: &str) -> Result<Resolved, SearchError> {
        let (key, filters) = match query::parse(query)? {
            Query::Coordinates { lat, lon } => {
                return Ok(Resolved::One(Candidate::typed(lat, lon)));
            }
            Query::Name { key, filters } => (key, filters),
        };
        let hits = self.collect_hits(&key, &filters, RESOLVE_MAX_CANDIDATES);
        let Some(top) = hits
            .iter()
            .filter(|h| h.hit.kind == MatchKind::Exact)
            .min_by(|a, b| rank_order(a, b))
            .copied()
        else {
            return Ok(if hits.is_empty() {
                Resolved::NotFound
            } else {
                self.ambiguous(hits)
            });
        };
        let top_rec = self.rec(top.idx);
        let top_programme = is_programme_country(top_rec.country);
        let top_pop = u64::from(top_rec.population);
        let clearly_ahead = hits
            .iter()
            .filter(|h| h.hit.kind == MatchKind::Exact && h.idx != top.idx)
            .all(|h| {
                let r = self.rec(h.idx);
                if top_programme && !is_programme_country(r.country) {
                    return true;
                }
                if top.hit.own_name
                    && !h.hit.own_name
                    && !h.hit.language
                    && r.country != top_rec.country
                {
                    return true;
                }
                top_pop >= RESOLVE_POPULATION_RATIO * u64::from(r.population).max(500)
            });
        Ok(if clearly_ahead {
            Resolved::One(self.candidate(top.idx, top.hit))
        } else {
            self.ambiguous(hits)
        })
    }

    fn ambiguous(&self, hits: Vec<Ranked>) -> Resolved {
        Resolved::Ambiguous(
            top_n(hits, RESOLVE_MAX_CANDIDATES, rank_order)
                .into_iter()
                .map(|h| self.candidate(h.idx, h.hit))
                .collect(),
        )
    }

    /// The place nearest to `(lat, lon)` and its distance in km (haversine, R = 6371 km), for
    /// the "nearest town" fallback. `None` for coordinates out of range or an empty table.
    pub fn nearest(&self, lat: f64, lon: f64) -> Option<(Candidate, f64)> {
        if !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lon) || self.len == 0 {
            return None;
        }
        let (b0, c0) = (lat_band(lat) as i64, lon_cell(lon) as i64);
        let km_per_degree = haversine_km((0.0, 0.0), (1.0, 0.0));
        let cos_lat = lat.to_radians().cos();
        let mut best: Option<(u32, f64)> = None;
        let scan = |b: i64, c: i64, best: &mut Option<(u32, f64)>| {
            if !(0..GRID_LAT as i64).contains(&b) {
                return;
            }
            let c = c.rem_euclid(GRID_LON as i64);
            let k = cell(b as usize, c as usize);
            let range = self.cell_start[k] as usize..self.cell_start[k + 1] as usize;
            for &i in &self.cell_order[range] {
                let r = self.raw(i as usize);
                let d = haversine_km((lat, lon), (r.lat, r.lon));
                if best.is_none_or(|(_, bd)| d < bd) {
                    *best = Some((i, d));
                }
            }
        };
        for ring in 0..=(GRID_LON as i64 / 2) {
            if let Some((_, d)) = best {
                // Every place in ring `ring` is at least (ring - 1)° of latitude or of
                // longitude away: bound both ways and stop when even the smaller bound is
                // beyond the best distance found.
                let steps = (ring - 1).max(0) as f64;
                let lat_bound = steps * km_per_degree;
                // Distance to the meridian `steps`° away: asin(sin Δλ · cos φ); for Δλ ≥ 90°
                // it stays asin(cos φ) (the way over the pole).
                let x = (steps.min(90.0).to_radians().sin() * cos_lat).clamp(0.0, 1.0);
                let lon_bound = crate::EARTH_RADIUS_KM * x.asin();
                if lat_bound.min(lon_bound) > d {
                    break;
                }
            }
            if ring == 0 {
                scan(b0, c0, &mut best);
                continue;
            }
            for j in -ring..=ring {
                scan(b0 - ring, c0 + j, &mut best);
                scan(b0 + ring, c0 + j, &mut best);
            }
            for i in (1 - ring)..ring {
                scan(b0 + i, c0 - ring, &mut best);
                scan(b0 + i, c0 + ring, &mut best);
            }
        }
        best.map(|(i, d)| {
            let hit = Hit {
                kind: MatchKind::Nearest,
                language: false,
                own_name: false,
            };
            (self.candidate(i, hit), d)
        })
    }

    /// Looks a place up by GeoNames id.
    pub fn by_id(&self, id: u32) -> Option<Candidate> {
        let hit = Hit {
            kind: MatchKind::Exact,
            language: false,
            own_name: true,
        };
        // The derived table is sorted by id; an override file may not be.
        let idx = match self.records_sorted_search(id) {
            Some(i) => Some(i),
            None => (0..self.len).find(|&i| self.raw(i).id == id),
        }?;
        Some(self.candidate(idx as u32, hit))
    }

    // ---- internals ----

    fn records_sorted_search(&self, id: u32) -> Option<usize> {
        let (mut lo, mut hi) = (0usize, self.len);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            let m = self.raw(mid).id;
            match m.cmp(&id) {
                std::cmp::Ordering::Equal => return Some(mid),
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
            }
        }
        None
    }

    /// All hits for `key` passing `filters`, one per place, unordered (see [`top_n`]). Typo
    /// matches are looked for only when fewer than `want` places matched exactly or by prefix.
    fn collect_hits(&self, key: &str, filters: &[Filter], want: usize) -> Vec<Ranked> {
        // (place, kind, source flags); merged per place below.
        let mut raw: Vec<(u32, MatchKind, u32)> = Vec::new();
        let region_cache = RefCell::new(HashMap::new());
        let passes = |idx: u32| self.passes(idx, filters, &region_cache);
        let push = |raw: &mut Vec<(u32, MatchKind, u32)>, value: u64, kind: MatchKind| {
            self.for_each_entry(value, |idx, src| {
                if (idx as usize) < self.len && passes(idx) {
                    raw.push((idx, kind, src));
                }
            });
        };
        if let Some(v) = self.keys.get(key) {
            push(&mut raw, v, MatchKind::Exact);
        }
        let kb = key.as_bytes();
        let mut need_scan = true;
        if let Some(off) = self.heavy_keys.get(kb) {
            // A very common prefix: take its precomputed best places; scan only if a filter
            // left too few of them.
            let before = raw.len();
            self.for_each_heavy(off, |idx| {
                if (idx as usize) < self.len && passes(idx) {
                    raw.push((idx, MatchKind::Prefix, 0));
                }
            });
            need_scan = !filters.is_empty() && raw.len() - before < want;
        }
        let scan_upper = if need_scan {
            prefix_upper_bound(kb)
        } else {
            None
        };
        if let Some(upper) = scan_upper {
            let mut stream = self.keys.range().gt(kb).lt(upper).into_stream();
            let mut n = 0;
            while let Some((_, v)) = stream.next() {
                push(&mut raw, v, MatchKind::Prefix);
                n += 1;
                if n >= MAX_KEYS_PER_STAGE {
                    break;
                }
            }
        }
        // Typos: edit distance 1 when fewer than `want` places matched so far; distance 2,
        // for keys longer than 7 characters, only when nothing matched at all otherwise.
        // Typos are looked for after a correct first letter (as search engines do by
        // default): it keeps the automaton walk over the index small.
        let chars = key.chars().count();
        if (FUZZY_MIN_LEN..=FUZZY_MAX_LEN).contains(&chars) && count_places(&mut raw) < want {
            self.fuzzy(kb, 1, &mut |v, d| push(&mut raw, v, MatchKind::Fuzzy(d)));
            if chars > FUZZY_ONE_MAX_LEN && raw.is_empty() {
                self.fuzzy(kb, 2, &mut |v, d| {
                    if d == 2 {
                        push(&mut raw, v, MatchKind::Fuzzy(d));
                    }
                });
            }
        }

        // Merge per place: best kind, flags of that kind.
        raw.sort_unstable_by_key(|&(i, k, _)| (i, k));
        let mut ranked: Vec<Ranked> = Vec::new();
        for &(idx, kind, src) in &raw {
            match ranked.last_mut() {
                Some(last) if last.idx == idx => {
                    if last.hit.kind == kind {
                        last.hit.language |= src & SRC_EXONYM != 0;
                        last.hit.own_name |= src & SRC_NAME != 0;
                    }
                }
                _ => ranked.push(Ranked {
                    idx,
                    hit: Hit {
                        kind,
                        language: src & SRC_EXONYM != 0,
                        own_name: src & SRC_NAME != 0,
                    },
                    score: 0.0,
                    id: 0,
                    programme: false,
                }),
            }
        }
        for h in &mut ranked {
            h.score = self.scores.get(h.idx as usize).copied().unwrap_or_default()
                + if h.hit.language { LANGUAGE_BONUS } else { 0.0 };
            h.id = self.raw(h.idx as usize).id;
            let rec = self.rec(h.idx);
            h.programme = is_programme_country(rec.country);
            // The precomputed lists of common prefixes do not say which name matched: a
            // prefix of the place's own name is checked here.
            if h.hit.kind == MatchKind::Prefix && !h.hit.own_name {
                h.hit.own_name = table::fold(rec.name).starts_with(key);
            }
        }
        ranked
    }

    /// Streams the keys within edit distance `max` (1 or 2) of `key` that share its first
    /// byte, calling `f(value, distance)`.
    fn fuzzy(&self, key: &[u8], max: u8, f: &mut dyn FnMut(u64, u8)) {
        let (Some(&first), Ok(rest)) = (key.first(), std::str::from_utf8(&key[1.min(key.len())..]))
        else {
            return;
        };
        let dfa = fuzzy_builders()[usize::from(max.clamp(1, 2) - 1)].build_dfa(rest);
        let aut = AnchoredLevenshtein {
            first,
            dfa: &dfa,
            budget: Cell::new(FUZZY_STEP_BUDGET),
        };
        let mut stream = self
            .keys
            .search_with_state(&aut)
            .ge([first])
            .lt([first.saturating_add(1)])
            .into_stream();
        let mut n = 0;
        while let Some((k, v, state)) = stream.next() {
            if k == key {
                continue;
            }
            if let Distance::Exact(d) = dfa.distance(state) {
                f(v, d.max(1));
                n += 1;
                if n >= MAX_KEYS_PER_STAGE {
                    break;
                }
            }
        }
    }

    /// Does place `idx` pass the narrowing filters? Folded region names are cached per
    /// search in `regions` (region string offset -> folded name).
    fn passes(
        &self,
        idx: u32,
        filters: &[Filter],
        regions: &RefCell<HashMap<u32, String>>,
    ) -> bool {
        if filters.is_empty() {
            return true;
        }
        let raw = self.raw(idx as usize);
        let region_starts_with = |prefix: &str| {
            let mut cache = regions.borrow_mut();
            let folded = cache.entry(raw.region_off).or_insert_with(|| {
                table::fold(
                    self.str_at(raw.region_off, raw.region_len)
                        .unwrap_or_default(),
                )
            });
            folded.starts_with(prefix)
        };
        filters.iter().all(|f| match f {
            Filter::CountryOrRegion { code, folded } => {
                if self.countries.binary_search(code).is_ok() {
                    raw.country == *code
                } else {
                    region_starts_with(folded)
                }
            }
            Filter::Region(folded) => region_starts_with(folded),
        })
    }

    fn for_each_entry(&self, value: u64, mut f: impl FnMut(u32, u32)) {
        if value & INLINE_BIT != 0 {
            let (idx, src) = table::split_entry(value as u32);
            f(idx, src);
            return;
        }
        self.for_each_u32(&self.postings, value, |e| {
            let (idx, src) = table::split_entry(e);
            f(idx, src);
        });
    }

    fn for_each_heavy(&self, offset: u64, f: impl FnMut(u32)) {
        self.for_each_u32(&self.heavy, offset, f);
    }

    /// Calls `f` on each u32 of the `[count][u32; count]` list at `offset` of `blob`.
    fn for_each_u32(&self, blob: &[u8], offset: u64, mut f: impl FnMut(u32)) {
        let Ok(off) = usize::try_from(offset) else {
            return;
        };
        let Some(count) = read_u32(blob, off) else {
            return;
        };
        for j in 0..count as usize {
            match read_u32(blob, off + 4 + 4 * j) {
                Some(v) => f(v),
                None => return,
            }
        }
    }

    /// Raw fields of record `i` (`i < self.len`). Layout: see `table::build`.
    fn raw(&self, i: usize) -> RawRec {
        let r = &self.records[i * RECORD_SIZE..(i + 1) * RECORD_SIZE];
        let u32_at = |o: usize| u32::from_le_bytes([r[o], r[o + 1], r[o + 2], r[o + 3]]);
        let f64_at = |o: usize| {
            let mut b = [0u8; 8];
            b.copy_from_slice(&r[o..o + 8]);
            f64::from_le_bytes(b)
        };
        RawRec {
            id: u32_at(0),
            name_off: u32_at(4),
            region_off: u32_at(8),
            population: u32_at(12),
            lat: f64_at(16),
            lon: f64_at(24),
            name_len: u16::from_le_bytes([r[32], r[33]]),
            region_len: u16::from_le_bytes([r[34], r[35]]),
            country: [r[36], r[37]],
            feature: r[38],
        }
    }

    fn str_at(&self, off: u32, len: u16) -> Option<&str> {
        let start = off as usize;
        let bytes = self.strings.get(start..start + usize::from(len))?;
        std::str::from_utf8(bytes).ok()
    }

    fn rec(&self, idx: u32) -> Rec<'_> {
        let i = idx as usize;
        let raw = self.raw(i);
        let r = &self.records[i * RECORD_SIZE..(i + 1) * RECORD_SIZE];
        Rec {
            id: raw.id,
            name: self.str_at(raw.name_off, raw.name_len).unwrap_or_default(),
            region: self
                .str_at(raw.region_off, raw.region_len)
                .unwrap_or_default(),
            country: std::str::from_utf8(&r[36..38]).unwrap_or_default(),
            feature: self
                .features
                .get(usize::from(raw.feature))
                .map(String::as_str)
                .unwrap_or_default(),
            population: raw.population,
            lat: raw.lat,
            lon: raw.lon,
        }
    }

    fn candidate(&self, idx: u32, hit: Hit) -> Candidate {
        let r = self.rec(idx);
        Candidate {
            id: Some(r.id),
            name: r.name.to_string(),
            region: r.region.to_string(),
            country: r.country.to_string(),
            feature_code: r.feature.to_string(),
            population: u64::from(r.population),
            lat: r.lat,
            lon: r.lon,
            match_kind: hit.kind,
            language_hit: hit.language,
        }
    }
}

/// The fixed-size fields of one record.
struct RawRec {
    id: u32,
    name_off: u32,
    region_off: u32,
    population: u32,
    lat: f64,
    lon: f64,
    name_len: u16,
    region_len: u16,
    country: [u8; 2],
    feature: u8,
}

/// Number of distinct places in `raw` (sorts it by place).
fn count_places(raw: &mut [(u32, MatchKind, u32)]) -> usize {
    raw.sort_unstable_by_key(|&(i, _, _)| i);
    let mut n = 0;
    let mut last = None;
    for &(i, _, _) in raw.iter() {
        if last != Some(i) {
            n += 1;
            last = Some(i);
        }
    }
    n
}

/// 1° latitude band, 0..180.
fn lat_band(lat: f64) -> usize {
    ((lat + 90.0).floor().max(0.0) as usize).min(GRID_LAT - 1)
}

/// 1° longitude cell, 0..360.
fn lon_cell(lon: f64) -> usize {
    ((lon + 180.0).floor().max(0.0) as usize).min(GRID_LON - 1)
}

fn cell(band: usize, lon_cell: usize) -> usize {
    band * GRID_LON + lon_cell
}

fn read_u32(b: &[u8], off: usize) -> Option<u32> {
    let s = b.get(off..off.checked_add(4)?)?;
    Some(u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
}

/// Smallest byte string greater than every string starting with `prefix`.
fn prefix_upper_bound(prefix: &[u8]) -> Option<Vec<u8>> {
    let mut upper = prefix.to_vec();
    while let Some(last) = upper.pop() {
        if last < u8::MAX {
            upper.push(last + 1);
            return Some(upper);
        }
    }
    None
}

/// Keys whose first byte is `first` and whose rest is within the DFA's edit distance of the
/// query's rest.
struct AnchoredLevenshtein<'a> {
    first: u8,
    dfa: &'a DFA,
    /// Steps left; at 0 every transition goes to the sink and the walk ends.
    budget: Cell<u32>,
}

/// Automaton state before the first byte (DFA states are small integers).
const BEFORE_FIRST: u32 = u32::MAX;

impl Automaton for AnchoredLevenshtein<'_> {
    type State = u32;

    fn start(&self) -> u32 {
        BEFORE_FIRST
    }

    fn is_match(&self, state: &u32) -> bool {
        *state != BEFORE_FIRST && matches!(self.dfa.distance(*state), Distance::Exact(_))
    }

    fn can_match(&self, state: &u32) -> bool {
        *state != SINK_STATE
    }

    fn accept(&self, state: &u32, byte: u8) -> u32 {
        let left = self.budget.get();
        if left == 0 {
            return SINK_STATE;
        }
        self.budget.set(left - 1);
        if *state == BEFORE_FIRST {
            if byte == self.first {
                self.dfa.initial_state()
            } else {
                SINK_STATE
            }
        } else {
            self.dfa.transition(*state, byte)
        }
    }
}

#[cfg(test)]
#[path = "gazetteer_tests.rs"]
mod tests;
