//! The gazetteer table: parsing `places.tsv.gz`, folding names to search keys and building the
//! binary index (records, string blob, key FST, postings).
//!
//! This module is shared by the crate and its build script (`build.rs` includes it with
//! `#[path]`), so that the embedded index is built at compile time with exactly the same code
//! that [`crate::Gazetteer::from_bytes`] runs at run time. It must therefore depend only on
//! `std`, `deunicode`, `flate2` and `fst`.

use std::collections::HashMap;
use std::io::Read;

/// Size of one record in the records section, in bytes.
pub const RECORD_SIZE: usize = 40;

/// Match-source flags stored in each posting entry (low 3 bits).
pub const SRC_NAME: u32 = 1;
/// The key came from one of the place's GeoNames alternate names.
pub const SRC_ALT: u32 = 2;
/// The key came from the hand-made Latvian exonym list.
pub const SRC_EXONYM: u32 = 4;
const SRC_BITS: u32 = 3;

/// fst values with this bit set hold a single posting entry inline.
pub const INLINE_BIT: u64 = 1 << 63;

/// Maximum number of places a table may hold (so that `idx << SRC_BITS` fits a `u32`).
pub const MAX_PLACES: usize = (u32::MAX >> SRC_BITS) as usize;

/// Prefixes whose key range holds more than this many posting entries are "heavy": their best
/// places are precomputed so that a short prefix query does not scan thousands of keys.
pub const HEAVY_ENTRIES: usize = 512;
/// How many places are precomputed per heavy prefix.
pub const HEAVY_TOP: usize = 32;

/// The 27 EU member states and the third countries associated to the programme (North
/// Macedonia, Serbia, Iceland, Liechtenstein, Norway, Türkiye), ISO 3166-1 alpha-2.
pub const PROGRAMME_COUNTRIES: [&str; 33] = [
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE", "IT",
    "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK", // EU 27
    "MK", "RS", "IS", "LI", "NO", "TR", // associated
];

/// Is `code` one of [`PROGRAMME_COUNTRIES`]? (A `match`, not a scan of the list: it runs
/// once per place at load time.)
pub fn is_programme_code(code: &[u8]) -> bool {
    matches!(
        code,
        b"AT"
            | b"BE"
            | b"BG"
            | b"CY"
            | b"CZ"
            | b"DE"
            | b"DK"
            | b"EE"
            | b"ES"
            | b"FI"
            | b"FR"
            | b"GR"
            | b"HR"
            | b"HU"
            | b"IE"
            | b"IT"
            | b"LT"
            | b"LU"
            | b"LV"
            | b"MT"
            | b"NL"
            | b"PL"
            | b"PT"
            | b"RO"
            | b"SE"
            | b"SI"
            | b"SK"
            | b"MK"
            | b"RS"
            | b"IS"
            | b"LI"
            | b"NO"
            | b"TR"
    )
}

// Ranking weights, in decades of population (log10): a place in a programme country counts as
// if it had about 300 times its population, a capital 30 times, a region seat 10 times, ...
/// Added to the score of places in [`PROGRAMME_COUNTRIES`].
pub const PROGRAMME_BONUS: f64 = 2.5;
/// Added when the query is a Latvian exonym of the place.
pub const LANGUAGE_BONUS: f64 = 0.5;

/// Added for capitals and admin seats.
pub fn feature_bonus(code: &str) -> f64 {
    match code {
        "PPLC" => 1.5,
        "PPLA" | "PPLG" => 1.0,
        "PPLA2" => 0.6,
        "PPLA3" => 0.3,
        "PPLA4" | "PPLA5" => 0.1,
        _ => 0.0,
    }
}

/// The query-independent part of a place's ranking score.
pub fn static_score(population: u32, country: &str, feature: &str) -> f64 {
    let mut s = (f64::from(population) + 1.0).log10();
    if is_programme_code(country.as_bytes()) {
        s += PROGRAMME_BONUS;
    }
    s + feature_bonus(feature)
}

/// Column names of `places.tsv.gz`, in order.
pub const COLUMNS: [&str; 10] = [
    "geonameid",
    "name",
    "asciiname",
    "alternatenames",
    "country_code",
    "admin1_name",
    "feature_code",
    "population",
    "latitude",
    "longitude",
];

/// Folds a name or a query to its search key: transliterated to ASCII (`deunicode`, so
/// diacritics, Cyrillic and Greek fold to Latin letters), lower-cased, apostrophes dropped,
/// every other run of non-alphanumeric characters turned into one space, trimmed.
///
/// "Rīga", "riga" and "RIGA" all give "riga"; "İstanbul" gives "istanbul"; "Скопје" gives
/// "skopje"; "Frankfurt (Oder)" gives "frankfurt oder".
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for ch in s.chars() {
        if ch.is_ascii() {
            fold_ascii(ch, &mut out, &mut space);
        } else if matches!(
            ch,
            '\u{2019}' | '\u{2018}' | '\u{02BC}' | '\u{02BB}' | '\u{00B4}'
        ) {
            // typographic apostrophes are dropped like the ASCII one
        } else {
            match deunicode::deunicode_char(ch) {
                Some(t) => t.chars().for_each(|c| fold_ascii(c, &mut out, &mut space)),
                None => space = true,
            }
        }
    }
    out
}

fn fold_ascii(c: char, out: &mut String, space: &mut bool) {
    if c.is_ascii_alphanumeric() {
        if *space && !out.is_empty() {
            out.push(' ');
        }
        *space = false;
        out.push(c.to_ascii_lowercase());
    } else if c != '\'' {
        *space = true;
    }
}

/// One parsed row of `places.tsv.gz`.
#[derive(Debug, Clone)]
pub struct Row<'a> {
    pub id: u32,
    pub name: &'a str,
    pub ascii: &'a str,
    pub alternates: &'a str,
    pub country: [u8; 2],
    pub region: &'a str,
    pub feature: &'a str,
    pub population: u32,
    pub lat: f64,
    pub lon: f64,
}

/// Decompresses `bytes` if they are gzip (magic `1f 8b`), else checks they are UTF-8 text.
pub fn decompress(bytes: &[u8]) -> Result<String, String> {
    if bytes.starts_with(&[0x1f, 0x8b]) {
        let mut text = String::new();
        flate2::read::MultiGzDecoder::new(bytes)
            .read_to_string(&mut text)
            .map_err(|e| format!("cannot decompress the table: {e}"))?;
        Ok(text)
    } else {
        String::from_utf8(bytes.to_vec()).map_err(|_| "the table is not UTF-8 text".to_string())
    }
}

/// Parses the TSV text (header line optional) into rows.
pub fn parse_rows(text: &str) -> Result<Vec<Row<'_>>, String> {
    let mut rows = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let lineno = n + 1;
        if line.is_empty() || line.starts_with('#') || line.starts_with("geonameid\t") {
            continue;
        }
        let f: Vec<&str> = line.split('\t').collect();
        if f.len() != COLUMNS.len() {
            return Err(format!(
                "line {lineno}: expected {} tab-separated columns, found {}",
                COLUMNS.len(),
                f.len()
            ));
        }
        let id: u32 = f[0]
            .parse()
            .map_err(|_| format!("line {lineno}: bad geonameid {:?}", f[0]))?;
        let name = f[1].trim();
        if name.is_empty() {
            return Err(format!("line {lineno}: empty name"));
        }
        let cc = f[4].as_bytes();
        if cc.len() != 2 || !cc.iter().all(u8::is_ascii_alphabetic) {
            return Err(format!("line {lineno}: bad country code {:?}", f[4]));
        }
        let population: u64 = if f[7].is_empty() {
            0
        } else {
            f[7].parse()
                .map_err(|_| format!("line {lineno}: bad population {:?}", f[7]))?
        };
        let lat: f64 = f[8]
            .parse()
            .map_err(|_| format!("line {lineno}: bad latitude {:?}", f[8]))?;
        let lon: f64 = f[9]
            .parse()
            .map_err(|_| format!("line {lineno}: bad longitude {:?}", f[9]))?;
        if !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lon) {
            return Err(format!("line {lineno}: coordinates out of range"));
        }
        rows.push(Row {
            id,
            name,
            ascii: f[2].trim(),
            alternates: f[3],
            country: [cc[0].to_ascii_uppercase(), cc[1].to_ascii_uppercase()],
            region: f[5].trim(),
            feature: f[6].trim(),
            population: u32::try_from(population).unwrap_or(u32::MAX),
            lat,
            lon,
        });
    }
    if rows.len() > MAX_PLACES {
        return Err(format!("too many places ({})", rows.len()));
    }
    Ok(rows)
}

/// Parses `lv-exonyms.tsv`: (exonym, geonameid) pairs. Malformed lines are skipped.
pub fn parse_exonyms(text: &str) -> Vec<(&str, u32)> {
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.starts_with("exonym\t"))
        .filter_map(|l| {
            let mut f = l.split('\t');
            let name = f.next()?.trim();
            let id = f.next()?.trim().parse().ok()?;
            (!name.is_empty()).then_some((name, id))
        })
        .collect()
}

/// The binary index built from a table.
///
/// * `records`: `RECORD_SIZE` bytes per place, in table order (see [`RecordRef`]).
/// * `strings`: UTF-8 blob that records point into (names, region names), deduplicated.
/// * `features`: feature-code table, `\n`-separated; index 0 is the empty (unknown) code.
/// * `keys`: FST map from folded key to posting (inline entry or offset into `postings`).
/// * `postings`: `[count: u32][entry: u32; count]` lists; entry = `place << 3 | source flags`.
/// * `heavy_keys`: FST map from each heavy prefix to an offset into `heavy`.
/// * `heavy`: `[count: u32][place: u32; count]` lists, best static score first.
pub struct Built {
    pub records: Vec<u8>,
    pub strings: Vec<u8>,
    pub features: Vec<u8>,
    pub keys: Vec<u8>,
    pub postings: Vec<u8>,
    pub heavy_keys: Vec<u8>,
    pub heavy: Vec<u8>,
}

/// Builds the index. Exonyms whose geonameid is not in the table are ignored.
pub fn build(rows: &[Row<'_>], exonyms: &[(&str, u32)]) -> Result<Built, String> {
    let mut strings: Vec<u8> = Vec::new();
    let mut interned: HashMap<&str, u32> = HashMap::new();
    let mut features: Vec<String> = vec![String::new()];
    let mut records = Vec::with_capacity(rows.len() * RECORD_SIZE);
    let mut by_id: HashMap<u32, u32> = HashMap::with_capacity(rows.len());
    let mut entries: Vec<(String, u32)> = Vec::with_capacity(rows.len() * 5);

    for (idx, row) in rows.iter().enumerate() {
        let idx = idx as u32;
        by_id.entry(row.id).or_insert(idx);
        let (name_off, name_len) = intern(&mut interned, &mut strings, row.name)?;
        let (region_off, region_len) = intern(&mut interned, &mut strings, row.region)?;
        let feature = match features.iter().position(|f| f == row.feature) {
            Some(i) => i,
            None => {
                features.push(row.feature.to_string());
                features.len() - 1
            }
        };
        let feature = u8::try_from(feature).map_err(|_| "more than 255 feature codes")?;
        records.extend_from_slice(&row.id.to_le_bytes());
        records.extend_from_slice(&name_off.to_le_bytes());
        records.extend_from_slice(&region_off.to_le_bytes());
        records.extend_from_slice(&row.population.to_le_bytes());
        records.extend_from_slice(&row.lat.to_le_bytes());
        records.extend_from_slice(&row.lon.to_le_bytes());
        records.extend_from_slice(&name_len.to_le_bytes());
        records.extend_from_slice(&region_len.to_le_bytes());
        records.extend_from_slice(&row.country);
        records.push(feature);
        records.push(0);

        let mut add = |s: &str, src: u32| {
            let key = fold(s);
            if !key.is_empty() && key.len() <= 255 {
                entries.push((key, idx << SRC_BITS | src));
            }
        };
        add(row.name, SRC_NAME);
        if !row.ascii.is_empty() {
            add(row.ascii, SRC_NAME);
        }
        for alt in row.alternates.split(',') {
            add(alt, SRC_ALT);
        }
    }
    for &(name, id) in exonyms {
        if let Some(&idx) = by_id.get(&id) {
            let key = fold(name);
            if !key.is_empty() {
                entries.push((key, idx << SRC_BITS | SRC_EXONYM));
            }
        }
    }

    // Sort by (key, place), then merge the source flags of duplicate (key, place) pairs.
    entries.sort_unstable_by(|a, b| {
        a.0.cmp(&b.0)
            .then((a.1 >> SRC_BITS).cmp(&(b.1 >> SRC_BITS)))
    });
    let mut keys = fst::MapBuilder::memory();
    let mut postings: Vec<u8> = Vec::new();
    // (key, entries) groups in key order, kept for the heavy-prefix table.
    let mut groups: Vec<(&str, Vec<u32>)> = Vec::new();
    let mut i = 0;
    while i < entries.len() {
        let key = entries[i].0.as_str();
        let mut group: Vec<u32> = Vec::new();
        while i < entries.len() && entries[i].0 == key {
            let e = entries[i].1;
            match group.last_mut() {
                Some(last) if *last >> SRC_BITS == e >> SRC_BITS => *last |= e,
                _ => group.push(e),
            }
            i += 1;
        }
        let value = if group.len() == 1 {
            INLINE_BIT | u64::from(group[0])
        } else {
            let off = postings.len() as u64;
            postings.extend_from_slice(&(group.len() as u32).to_le_bytes());
            for e in &group {
                postings.extend_from_slice(&e.to_le_bytes());
            }
            off
        };
        keys.insert(key.as_bytes(), value)
            .map_err(|e| format!("fst: {e}"))?;
        groups.push((key, group));
    }
    let keys = keys.into_inner().map_err(|e| format!("fst: {e}"))?;

    let scores: Vec<f64> = rows
        .iter()
        .map(|r| {
            let cc = std::str::from_utf8(&r.country).unwrap_or_default();
            static_score(r.population, cc, r.feature)
        })
        .collect();
    let mut cumulative = Vec::with_capacity(groups.len() + 1);
    cumulative.push(0usize);
    for (_, g) in &groups {
        cumulative.push(cumulative.last().copied().unwrap_or(0) + g.len());
    }
    let mut heavy_list: Vec<(Vec<u8>, Vec<u32>)> = Vec::new();
    heavy_prefixes(
        &groups,
        &cumulative,
        &scores,
        rows,
        0,
        groups.len(),
        0,
        &mut heavy_list,
    );
    heavy_list.sort_by(|a, b| a.0.cmp(&b.0));
    let mut heavy_keys = fst::MapBuilder::memory();
    let mut heavy: Vec<u8> = Vec::new();
    for (prefix, places) in &heavy_list {
        heavy_keys
            .insert(prefix, heavy.len() as u64)
            .map_err(|e| format!("fst: {e}"))?;
        heavy.extend_from_slice(&(places.len() as u32).to_le_bytes());
        for p in places {
            heavy.extend_from_slice(&p.to_le_bytes());
        }
    }
    let heavy_keys = heavy_keys.into_inner().map_err(|e| format!("fst: {e}"))?;

    Ok(Built {
        records,
        strings,
        features: features.join("\n").into_bytes(),
        keys,
        postings,
        heavy_keys,
        heavy,
    })
}

/// Finds the heavy prefixes among `groups[lo..hi]`, all of which share their first `depth`
/// bytes, and records each with its `HEAVY_TOP` best places (static score, then lower id).
#[allow(clippy::too_many_arguments)]
fn heavy_prefixes(
    groups: &[(&str, Vec<u32>)],
    cumulative: &[usize],
    scores: &[f64],
    rows: &[Row<'_>],
    lo: usize,
    hi: usize,
    depth: usize,
    out: &mut Vec<(Vec<u8>, Vec<u32>)>,
) {
    if cumulative[hi] - cumulative[lo] <= HEAVY_ENTRIES {
        return;
    }
    if depth > 0 {
        let prefix = groups[lo].0.as_bytes()[..depth].to_vec();
        // Best HEAVY_TOP distinct places, kept sorted best first.
        let mut top: Vec<u32> = Vec::with_capacity(HEAVY_TOP + 1);
        let better = |a: u32, b: u32| -> bool {
            let (sa, sb) = (scores[a as usize], scores[b as usize]);
            sa > sb || (sa == sb && rows[a as usize].id < rows[b as usize].id)
        };
        for (_, g) in &groups[lo..hi] {
            for &e in g {
                let p = e >> SRC_BITS;
                if top.len() == HEAVY_TOP && !better(p, top[HEAVY_TOP - 1]) {
                    continue;
                }
                if top.contains(&p) {
                    continue;
                }
                let pos = top.iter().position(|&t| better(p, t)).unwrap_or(top.len());
                top.insert(pos, p);
                top.truncate(HEAVY_TOP);
            }
        }
        out.push((prefix, top));
    }
    // Split by the byte at `depth`; a key exactly `depth` long (the prefix itself) sorts first.
    let mut start = lo;
    while start < hi && groups[start].0.len() <= depth {
        start += 1;
    }
    while start < hi {
        let b = groups[start].0.as_bytes()[depth];
        let mut end = start;
        while end < hi && groups[end].0.as_bytes().get(depth) == Some(&b) {
            end += 1;
        }
        heavy_prefixes(groups, cumulative, scores, rows, start, end, depth + 1, out);
        start = end;
    }
}

fn intern<'a>(
    interned: &mut HashMap<&'a str, u32>,
    strings: &mut Vec<u8>,
    s: &'a str,
) -> Result<(u32, u16), String> {
    let len = u16::try_from(s.len()).map_err(|_| "string longer than 65535 bytes")?;
    if let Some(&off) = interned.get(s) {
        return Ok((off, len));
    }
    let off = u32::try_from(strings.len()).map_err(|_| "string blob over 4 GiB")?;
    strings.extend_from_slice(s.as_bytes());
    interned.insert(s, off);
    Ok((off, len))
}

/// Splits a posting entry into (place index, source flags).
pub fn split_entry(e: u32) -> (u32, u32) {
    (e >> SRC_BITS, e & ((1 << SRC_BITS) - 1))
}
