//! Storage of mobiplan projects and agency rate profiles.
//!
//! One [`Store`] over either an embedded **SQLite** file (the default: `mobiplan.sqlite` in a
//! data directory) or a **PostgreSQL** database (when a `postgres://` URL is given, e.g. from
//! `DATABASE_URL`). The same queries, with bound parameters, run on both.
//!
//! - A project is stored as the JSON text of its [`ProjectFile`], with its title, field and call
//!   year copied into columns for listing. Every save creates a new **version** (1, 2, 3 …) and
//!   every version is kept in `project_versions`, so that a conflict can be shown, a change
//!   merged onto its base and history restored. A version is stored as the **change** against
//!   the previous one, with a full copy every 32 versions (`history.rs`), so the history grows
//!   with the edits, not with the document; [`Store::project_version`] rebuilds any version.
//! - A save says whether it is an **autosave** ([`SaveKind`]): consecutive autosaves of one
//!   person within an [`AutosaveFolding`] window are one entry of [`Store::project_history`]
//!   (every version in it is still stored and readable); every other save is its own entry.
//! - Writes are **versioned**: [`Store::save_project`] succeeds only if the stored version is the
//!   one the caller started from; otherwise it returns [`StoreError::Conflict`] with the current
//!   version and document and changes nothing. Nothing is ever overwritten silently.
//! - A rate profile is stored as the TOML text of a [`mobiplan_core::RateProfile`] (checked to
//!   parse as one), versioned the same way, and can be chosen by any number of projects.
//! - An acknowledged write (an `Ok` from a save) is durable: SQLite runs in WAL mode with
//!   `synchronous=FULL` (see [`config`]), PostgreSQL commits synchronously by default.
//!
//! The schema is created and upgraded at [`Store::open`] by an ordered list of migrations
//! (`migrations.rs`, recorded in `schema_migrations`):
//!
//! ```text
//! rate_profiles    (id PK, name, document TOML, version ≥ 1, created_at, updated_at)
//! projects         (id PK, title, field, call_year, document JSON, version ≥ 1,
//!                   created_at, updated_at,
//!                   rate_profile_id → rate_profiles ON DELETE SET NULL)
//! project_versions (project_id → projects ON DELETE CASCADE, version, document JSON,
//!                   rate_profile_id, saved_at, saved_by → users,
//!                   stored_as full|delta (document: the whole JSON, or the change list
//!                   against version − 1), kind explicit|autosave,
//!                   burst (the first version of the history entry it folds into, or NULL);
//!                   PK (project_id, version))
//! organisations    (id PK, name, oid, country, town, created_at)
//! users            (id PK, email UNIQUE (lower case), name, password_hash, created_at)
//! memberships      (user_id → users, org_id → organisations, role owner|editor|viewer)
//! sessions         (token_hash PK, user_id → users, csrf_token, created_at, last_seen_at)
//! invitations      (token_hash PK, org_id, role, created_by, created_at, expires_at,
//!                   used_at, used_by)
//! project_shares   (project_id → projects, user_id → users, access read|edit)
//! projects.scenario_of → projects ON DELETE SET NULL   (a what-if copy's original)
//! login_throttle   (key PK `email:…`|`addr:…`, failures, last_failure_at, blocked_until)
//! server_secrets   (name PK, secret, created_at)   (the same for every instance)
//! rulebook_editions (id PK, call_year, edition, seq, document TOML, loaded_by → users
//!                   ON DELETE SET NULL, author, note, loaded_at; UNIQUE (call_year, seq))
//! instance_admins  (user_id PK → users ON DELETE CASCADE, granted_at)
//! ```
//!
//! Projects and rate profiles have an `org_id` (→ organisations); those from before accounts
//! have none until the first owner's setup adopts them. Authorization itself is the web
//! layer's; the store answers its questions ([`Store::project_grant`],
//! [`Store::list_projects_for`], …).
//!
//! Timestamps are `TEXT` (RFC 3339, UTC) on SQLite and `TIMESTAMPTZ` on PostgreSQL; integers
//! are `INTEGER` / `BIGINT`.

mod accounts;
mod backup;
mod config;
mod error;
mod group_commit;
mod health;
mod history;
mod lock;
mod migrations;
mod rulebooks;
mod scenarios;
mod store;
mod throttle;

use chrono::{DateTime, Utc};
use serde::Serialize;

#[cfg(doc)]
use mobiplan_core::project::file::ProjectFile;

pub use accounts::{
    Credentials, HistoryEntry, Invitation, Member, Membership, NewOrganisation, NewUser,
    Organisation, ProjectGrant, Role, SessionRecord, Share, ShareAccess, User, normalise_email,
};
pub use backup::{restore_sqlite, verify_sqlite_backup};
pub use config::StoreConfig;
pub use error::{CurrentDocument, Result, StoreError};
pub use health::PoolStatus;
pub use history::{AutosaveFolding, SaveKind};
pub use lock::{DataDirLock, LOCK_FILE};
pub use rulebooks::{ProjectOfYear, RulebookEdition, RulebookEditionSummary};
pub use store::Store;
pub use throttle::ThrottleRule;

/// A stored document with its identity and version.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Stored<T> {
    /// The id, 12 URL-safe characters (`[A-Za-z0-9_-]`).
    pub id: String,
    /// The version of this document: 1 when created, one more with every save.
    pub version: i64,
    pub document: T,
    /// When this version was saved.
    pub updated_at: DateTime<Utc>,
}

/// One line of the project list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct ProjectSummary {
    pub id: String,
    pub title: String,
    /// `SCH`, `VET` or `ADU`.
    pub field: String,
    pub call_year: i64,
    pub version: i64,
    pub updated_at: DateTime<Utc>,
}

/// One saved version of a project (the document itself: [`Store::project_version`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct ProjectVersion {
    pub version: i64,
    pub saved_at: DateTime<Utc>,
    /// The rate profile the project used in this version.
    pub rate_profile_id: Option<String>,
}

/// A stored rate profile: the TOML text of a [`mobiplan_core::RateProfile`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct StoredRateProfile {
    pub id: String,
    /// The name shown in lists (by default the profile's own `profile.name`).
    pub name: String,
    pub version: i64,
    /// TOML text that parses as a `RateProfile`.
    pub document: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// One line of the rate-profile list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct RateProfileSummary {
    pub id: String,
    pub name: String,
    pub version: i64,
    pub updated_at: DateTime<Utc>,
}
