//! Error types.

use std::fmt;

/// Why a query could not be searched. Every input gives either results or one of these; the
/// search never panics.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SearchError {
    /// Nothing to search for: blank, or no letter or digit in the place name.
    #[error("the query is empty: type a place name or coordinates as \"lat,lon\"")]
    EmptyQuery,
    /// Longer than [`crate::MAX_QUERY_CHARS`].
    #[error("the query is too long ({chars} characters, at most {max})")]
    QueryTooLong { chars: usize, max: usize },
    /// The query looked like coordinates (only digits, signs, points and separators) but is
    /// not a valid "lat,lon" pair.
    #[error("invalid coordinates {input:?}: {problem}")]
    InvalidCoordinates {
        input: String,
        problem: CoordinateProblem,
    },
}

/// What is wrong with typed coordinates.
#[derive(Debug, Clone, PartialEq)]
pub enum CoordinateProblem {
    /// Not two numbers.
    Format,
    /// Four comma-separated numbers: decimal commas were used.
    DecimalComma,
    LatitudeNotANumber,
    LongitudeNotANumber,
    LatitudeOutOfRange(f64),
    LongitudeOutOfRange(f64),
}

impl fmt::Display for CoordinateProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Format => {
                f.write_str("expected two numbers, latitude then longitude, e.g. \"56.95,24.1\"")
            }
            Self::DecimalComma => f.write_str(
                "use a point as the decimal separator and a comma between latitude and \
                 longitude, e.g. \"56.95,24.1\"",
            ),
            Self::LatitudeNotANumber => f.write_str("the latitude is not a number"),
            Self::LongitudeNotANumber => f.write_str("the longitude is not a number"),
            Self::LatitudeOutOfRange(v) => {
                write!(
                    f,
                    "latitude {v} is out of range (must be between -90 and 90)"
                )
            }
            Self::LongitudeOutOfRange(v) => {
                write!(
                    f,
                    "longitude {v} is out of range (must be between -180 and 180)"
                )
            }
        }
    }
}

/// Why a gazetteer table could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("cannot read the gazetteer file {path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("invalid gazetteer table: {0}")]
    Invalid(String),
}
