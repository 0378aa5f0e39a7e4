//! `mobiplan places` and `mobiplan distance`: the offline distance calculator.

use mobiplan_core::Rulebook;
use mobiplan_core::finding::Arg;
use mobiplan_core::types::Km100;
use mobiplan_geo::{Candidate, Gazetteer, MatchKind, Resolved, haversine_km, round_km_2};
use mobiplan_i18n::{Lang, km, money, render, text};
use serde_json::{Value, json};

use crate::term::{bold, dim, pad, rpad, yellow};

macro_rules! w {
    ($out:expr) => {
        $out.push('\n')
    };
    ($out:expr, $($arg:tt)*) => {{
        use std::fmt::Write as _;
        let _ = writeln!($out, $($arg)*);
    }};
}

fn match_id(m: MatchKind) -> String {
    match m {
        MatchKind::Coordinates => "coordinates".into(),
        MatchKind::Exact => "exact".into(),
        MatchKind::Prefix => "prefix".into(),
        MatchKind::Fuzzy(n) => format!("fuzzy-{n}"),
        MatchKind::Nearest => "nearest".into(),
    }
}

pub fn candidate_json(c: &Candidate) -> Value {
    json!({
        "id": c.id,
        "name": c.name,
        "region": c.region,
        "country": c.country,
        "display": c.display(),
        "population": c.population,
        "lat": c.lat,
        "lon": c.lon,
        "match": match_id(c.match_kind),
    })
}

fn search_error(e: mobiplan_geo::SearchError) -> String {
    e.to_string()
}

pub fn places(query: &str, limit: usize, json_out: bool, lang: Lang) -> Result<String, String> {
    let found = Gazetteer::embedded()
        .search(query, limit)
        .map_err(search_error)?;
    if json_out {
        return Ok(crate::output::json_text(&json!({
            "query": query,
            "places": found.iter().map(candidate_json).collect::<Vec<_>>(),
            "attribution": mobiplan_geo::ATTRIBUTION,
        })));
    }
    let mut out = String::new();
    if found.is_empty() {
        w!(
            out,
            "{}",
            render(lang, "cli.not-found", &[("query", query.to_owned())])
        );
        return Ok(out);
    }
    for c in &found {
        let id =
            c.id.map(|i| format!("GeoNames {i}"))
                .unwrap_or_else(|| text(lang, "cli.typed-coordinates").into_owned());
        w!(
            out,
            "{} {} {} {}",
            bold(&pad(&c.display(), 48)),
            rpad(&c.population.to_string(), 10),
            pad(&format!("{:.5}, {:.5}", c.lat, c.lon), 22),
            dim(&id)
        );
    }
    w!(out, "{}", dim(mobiplan_geo::ATTRIBUTION));
    Ok(out)
}

/// One end of a distance: resolved, or the reason it could not be.
fn resolve_end(query: &str, lang: Lang) -> Result<Candidate, String> {
    match Gazetteer::embedded().resolve(query).map_err(search_error)? {
        Resolved::One(c) => Ok(c),
        Resolved::NotFound => Err(render(
            lang,
            "cli.not-found",
            &[("query", query.to_owned())],
        )),
        Resolved::Ambiguous(cands) => {
            let example = cands
                .first()
                .map(|c| format!("{},{}", c.name, c.country))
                .unwrap_or_default();
            let mut msg = render(
                lang,
                "cli.ambiguous",
                &[("query", query.to_owned()), ("example", example)],
            );
            for c in &cands {
                msg.push_str(&format!("\n  {} ({:.5}, {:.5})", c.display(), c.lat, c.lon));
            }
            Err(msg)
        }
    }
}

pub fn distance(
    from: &str,
    to: &str,
    rb: &Rulebook,
    json_out: bool,
    lang: Lang,
) -> Result<String, String> {
    let mut problems = Vec::new();
    let a = resolve_end(from, lang).map_err(|e| problems.push(e)).ok();
    let b = resolve_end(to, lang).map_err(|e| problems.push(e)).ok();
    let (Some(a), Some(b)) = (a, b) else {
        return Err(problems.join("\n"));
    };
    let d = Km100(round_km_2(haversine_km(a.coordinates(), b.coordinates())));
    let (idx, band) = rb.band_for(d);
    let label = rb.band_label(idx);
    let next = rb
        .funding
        .travel
        .bands
        .value
        .get(idx + 1)
        .map(|n| n.from_km - 1);
    let bands = &rb.funding.travel.bands;
    let edge = rb.near_band_border(d);
    let margin = rb.rules.a_distance_band_edge.values.margin_km.value;
    let edge_message = edge.map(|border| mobiplan_core::Finding {
        rule: mobiplan_core::RuleId::ADistanceBandEdge,
        severity: rb.rule(mobiplan_core::RuleId::ADistanceBandEdge).severity,
        subject: mobiplan_core::Subject::Project,
        key: "finding.A-DISTANCE-BAND-EDGE",
        args: vec![
            ("km", Arg::Km(d)),
            ("border", Arg::Int(border.into())),
            ("margin", Arg::Int(margin.into())),
        ],
        confidence: rb.rules.a_distance_band_edge.values.margin_km.confidence,
        field: None,
    });
    if json_out {
        let warnings: Vec<Value> = edge_message
            .iter()
            .map(|f| crate::output::finding_json(f, lang))
            .collect();
        return Ok(crate::output::json_text(&json!({
            "km": d,
            "band": { "from_km": band.from_km, "to_km": next, "label": label },
            "amounts": {
                "call_year": rb.call_year(),
                "standard": band.standard,
                "green": band.green,
                "source": bands.source,
                "confidence": bands.confidence,
                "unconfirmed": bands.confidence.is_provisional(),
            },
            "band_policy": rb.funding.travel.band_policy.value,
            "method": "haversine on a sphere of radius 6371.0 km, rounded to 2 decimals",
            "from": candidate_json(&a),
            "to": candidate_json(&b),
            "warnings": warnings,
            "attribution": mobiplan_geo::ATTRIBUTION,
        })));
    }
    let mut out = String::new();
    w!(out, "{}  →  {}", bold(&a.display()), bold(&b.display()));
    w!(
        out,
        "  {}",
        render(lang, "cli.distance-km", &[("km", km(d, lang))])
    );
    let star = if bands.confidence.is_provisional() {
        "*"
    } else {
        ""
    };
    w!(
        out,
        "  {}{star}",
        render(
            lang,
            "cli.distance-band",
            &[
                ("band", label),
                ("standard", money(band.standard, lang)),
                ("green", money(band.green, lang)),
                ("year", rb.call_year().to_string()),
            ]
        )
    );
    for (word, c) in [("cli.from", &a), ("cli.to", &b)] {
        let id =
            c.id.map(|i| format!("GeoNames {i}"))
                .unwrap_or_else(|| text(lang, "cli.typed-coordinates").into_owned());
        w!(
            out,
            "  {} {:.5}, {:.5} ({id})",
            pad(&text(lang, word), 6),
            c.lat,
            c.lon
        );
    }
    if let Some(f) = &edge_message {
        w!(
            out,
            "  {} {}",
            yellow(f.rule.as_str()),
            mobiplan_i18n::finding_message(f, lang)
        );
    }
    if !star.is_empty() {
        w!(out, "{}", dim(&text(lang, "cli.provisional-note")));
    }
    w!(out, "{}", dim(mobiplan_geo::ATTRIBUTION));
    Ok(out)
}
