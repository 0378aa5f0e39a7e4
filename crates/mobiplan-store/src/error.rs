//! The one error type of the store. No operation panics; every failure is one of these.

use mobiplan_core::project::file::ProjectFile;

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Why a store operation did not happen. When an operation returns an error, nothing was
/// changed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// No project (or rate profile, or project version) with the given id. Also returned by
    /// [`crate::Store::set_project_rate_profile`] when the chosen rate profile does not exist.
    #[error("not found")]
    NotFound,

    /// A versioned write started from a version that is no longer the stored one: someone
    /// saved in between. Carries what is stored now, so that the difference can be shown;
    /// nothing was written.
    #[error("the document was changed elsewhere; it is now at version {current_version}")]
    Conflict {
        current_version: i64,
        current_document: Box<CurrentDocument>,
    },

    /// A document that does not parse: rate-profile TOML given to the store that is not a
    /// `RateProfile`, or a stored document that no longer reads. The message says why (with the
    /// parser's line and field where it has them).
    #[error("{0}")]
    Invalid(String),

    /// Something that must be unique already exists (a user's e-mail; an owner at first-run
    /// setup). The message says what.
    #[error("{0}")]
    Exists(String),

    /// `PRAGMA integrity_check` (or `foreign_key_check`) on the SQLite file found a problem;
    /// the message lists what it reported.
    #[error("the database failed its integrity check: {0}")]
    Corrupt(String),

    /// The first connection to PostgreSQL failed at start-up: refused, unresolvable host,
    /// authentication, no answer in time. The message is the driver's.
    #[error("cannot connect: {0}")]
    Unreachable(String),

    /// The data directory is held by a running server (see [`crate::DataDirLock`]); the
    /// message says which process and what to do.
    #[error("{0}")]
    Locked(String),

    /// The database could not be reached or refused the operation, the data directory could
    /// not be created (`sqlx::Error::Io`), or the database's schema is newer than this program
    /// (`sqlx::Error::Configuration`).
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
}

impl StoreError {
    /// Whether the database refused text it cannot hold (PostgreSQL: a NUL character, SQLSTATE
    /// 22021 in text and 22P05 in JSON): the request's input, not the server, is at fault.
    /// The web layer refuses control characters before they get here; this is the last line.
    pub fn is_unstorable_text(&self) -> bool {
        match self {
            StoreError::Database(e) => e
                .as_database_error()
                .and_then(|d| d.code())
                .is_some_and(|c| c == "22021" || c == "22P05"),
            _ => false,
        }
    }
}

/// The stored document at the time of a [`StoreError::Conflict`].
// Large, but only ever boxed inside `StoreError::Conflict`.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq)]
pub enum CurrentDocument {
    Project(ProjectFile),
    /// TOML text of the rate profile.
    RateProfile(String),
}

impl CurrentDocument {
    /// The project, if the conflict was on a project.
    pub fn project(&self) -> Option<&ProjectFile> {
        match self {
            CurrentDocument::Project(p) => Some(p),
            CurrentDocument::RateProfile(_) => None,
        }
    }

    /// The rate profile's TOML text, if the conflict was on a rate profile.
    pub fn rate_profile(&self) -> Option<&str> {
        match self {
            CurrentDocument::Project(_) => None,
            CurrentDocument::RateProfile(t) => Some(t),
        }
    }
}
