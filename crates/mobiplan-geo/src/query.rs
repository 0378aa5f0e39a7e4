//! Parsing what a user typed: typed coordinates, or a place name with optional narrowing.

use crate::error::{CoordinateProblem, SearchError};
use crate::table::fold;

/// Longest query accepted, in characters.
pub const MAX_QUERY_CHARS: usize = 200;

/// A parsed query.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Query {
    /// "lat,lon" typed by the user, validated.
    Coordinates { lat: f64, lon: f64 },
    /// A place name (folded key) and narrowing filters from the comma-separated parts after it.
    Name { key: String, filters: Vec<Filter> },
}

/// Narrowing given after a comma: "Valencia, ES" or "Frankfurt, Brandenburg".
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Filter {
    /// Two letters: a country code if the table has that country, else tried as a region.
    CountryOrRegion { code: [u8; 2], folded: String },
    /// Anything else: the folded region name must start with it.
    Region(String),
}

pub(crate) fn parse(input: &str) -> Result<Query, SearchError> {
    let trimmed = input.trim();
    if trimmed.is_empty() {
        return Err(SearchError::EmptyQuery);
    }
    let chars = trimmed.chars().count();
    if chars > MAX_QUERY_CHARS {
        return Err(SearchError::QueryTooLong {
            chars,
            max: MAX_QUERY_CHARS,
        });
    }
    if looks_like_coordinates(trimmed) {
        return parse_coordinates(trimmed)
            .map(|(lat, lon)| Query::Coordinates { lat, lon })
            .map_err(|problem| SearchError::InvalidCoordinates {
                input: trimmed.to_string(),
                problem,
            });
    }
    let mut parts = trimmed.split(',');
    let key = fold(parts.next().unwrap_or_default());
    if key.is_empty() {
        return Err(SearchError::EmptyQuery);
    }
    let filters = parts
        .filter_map(|p| {
            let folded = fold(p);
            let b = folded.as_bytes();
            match b.len() {
                0 => None,
                2 if b.iter().all(u8::is_ascii_alphabetic) && p.trim().len() == 2 => {
                    Some(Filter::CountryOrRegion {
                        code: [b[0].to_ascii_uppercase(), b[1].to_ascii_uppercase()],
                        folded,
                    })
                }
                _ => Some(Filter::Region(folded)),
            }
        })
        .collect();
    Ok(Query::Name { key, filters })
}

/// Only digits, signs, decimal points, separators and degree signs, with at least one digit:
/// the user meant coordinates (place names always have a letter).
fn looks_like_coordinates(s: &str) -> bool {
    s.chars().any(|c| c.is_ascii_digit())
        && s.chars().all(|c| {
            c.is_ascii_digit() || matches!(c, '+' | '-' | '.' | ',' | ';' | ' ' | '\t' | '°')
        })
}

fn parse_coordinates(s: &str) -> Result<(f64, f64), CoordinateProblem> {
    let parts: Vec<&str> = if s.contains(',') || s.contains(';') {
        s.split([',', ';']).map(str::trim).collect()
    } else {
        s.split_whitespace().collect()
    };
    if parts.len() == 4 {
        // "56,95, 24,1": decimal commas
        return Err(CoordinateProblem::DecimalComma);
    }
    if parts.len() != 2 {
        return Err(CoordinateProblem::Format);
    }
    let lat = parse_number(parts[0]).ok_or(CoordinateProblem::LatitudeNotANumber)?;
    let lon = parse_number(parts[1]).ok_or(CoordinateProblem::LongitudeNotANumber)?;
    if !(-90.0..=90.0).contains(&lat) {
        return Err(CoordinateProblem::LatitudeOutOfRange(lat));
    }
    if !(-180.0..=180.0).contains(&lon) {
        return Err(CoordinateProblem::LongitudeOutOfRange(lon));
    }
    Ok((lat, lon))
}

fn parse_number(s: &str) -> Option<f64> {
    let s = s.trim().trim_end_matches('°').trim();
    if s.is_empty() || s.contains(char::is_whitespace) {
        return None;
    }
    s.parse::<f64>().ok().filter(|v| v.is_finite())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn coords(s: &str) -> (f64, f64) {
        match parse(s) {
            Ok(Query::Coordinates { lat, lon }) => (lat, lon),
            other => panic!("{s:?}: {other:?}"),
        }
    }

    fn problem(s: &str) -> CoordinateProblem {
        match parse(s) {
            Err(SearchError::InvalidCoordinates { problem, .. }) => problem,
            other => panic!("{s:?}: {other:?}"),
        }
    }

    #[test]
    fn coordinates_are_accepted_in_common_spellings() {
        assert_eq!(coords("56.95,24.1"), (56.95, 24.1));
        assert_eq!(coords("56.9496, 24.1052"), (56.9496, 24.1052));
        assert_eq!(coords(" -33.8688 ,151.2093 "), (-33.8688, 151.2093));
        assert_eq!(coords("56.95 24.1"), (56.95, 24.1));
        assert_eq!(coords("+56.95°, -24.1°"), (56.95, -24.1));
        assert_eq!(coords("90,180"), (90.0, 180.0));
        assert_eq!(coords("-90,-180"), (-90.0, -180.0));
    }

    #[test]
    fn coordinate_errors_name_the_problem() {
        assert_eq!(
            problem("91,24"),
            CoordinateProblem::LatitudeOutOfRange(91.0)
        );
        assert_eq!(
            problem("56.95,180.5"),
            CoordinateProblem::LongitudeOutOfRange(180.5)
        );
        assert_eq!(problem("56,95, 24,1"), CoordinateProblem::DecimalComma);
        assert_eq!(problem("56.95"), CoordinateProblem::Format);
        assert_eq!(problem("1,2,3"), CoordinateProblem::Format);
        assert_eq!(problem("56..9,24"), CoordinateProblem::LatitudeNotANumber);
        assert_eq!(problem("56.9,--24"), CoordinateProblem::LongitudeNotANumber);
        assert_eq!(problem("56.9,"), CoordinateProblem::LongitudeNotANumber);
        let msg = parse("91,24").unwrap_err().to_string();
        assert!(msg.contains("latitude") && msg.contains("91"), "{msg}");
        let msg = parse("10,200").unwrap_err().to_string();
        assert!(msg.contains("longitude") && msg.contains("200"), "{msg}");
    }

    #[test]
    fn names_and_filters() {
        assert_eq!(
            parse("Valencia, ES").unwrap(),
            Query::Name {
                key: "valencia".into(),
                filters: vec![Filter::CountryOrRegion {
                    code: *b"ES",
                    folded: "es".into()
                }]
            }
        );
        assert_eq!(
            parse("Valencia,es").unwrap(),
            parse("Valencia, ES").unwrap()
        );
        assert_eq!(
            parse("Frankfurt, Brandenburg").unwrap(),
            Query::Name {
                key: "frankfurt".into(),
                filters: vec![Filter::Region("brandenburg".into())]
            }
        );
        assert_eq!(
            parse("Riga,").unwrap(),
            Query::Name {
                key: "riga".into(),
                filters: vec![]
            }
        );
        // A name with digits is a name, not coordinates.
        assert!(matches!(parse("10th of Ramadan"), Ok(Query::Name { .. })));
    }

    #[test]
    fn empty_and_too_long() {
        assert_eq!(parse(""), Err(SearchError::EmptyQuery));
        assert_eq!(parse("   \t"), Err(SearchError::EmptyQuery));
        assert_eq!(parse("!!!"), Err(SearchError::EmptyQuery));
        assert_eq!(parse(", ES"), Err(SearchError::EmptyQuery));
        assert!(matches!(
            parse(&"a".repeat(201)),
            Err(SearchError::QueryTooLong { chars: 201, .. })
        ));
    }
}
