//! The schema, as an ordered list of migrations, and the runner that applies them at open.
//!
//! **A released migration is never edited.** Databases in use have already applied it and
//! will not apply it again, so an edit would make their schema differ from a new database's.
//! To change the schema, append a new migration with the next version number (for both
//! SQLite and PostgreSQL).

use chrono::{DateTime, Utc};
use sqlx::Executor;

use crate::error::{Result, StoreError};
use crate::store::{Backend, WriteTx};

/// One step of the schema: applied once, in its own transaction, and recorded in
/// `schema_migrations`.
pub(crate) struct Migration {
    pub version: i64,
    pub description: &'static str,
    pub sqlite: &'static str,
    pub postgres: &'static str,
}

/// All migrations, in order of `version` (1, 2, 3 … without gaps). Append only.
pub(crate) const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        description: "rate profiles",
        sqlite: "
            CREATE TABLE rate_profiles (
                id          TEXT PRIMARY KEY NOT NULL,
                name        TEXT NOT NULL,
                document    TEXT NOT NULL,
                version     INTEGER NOT NULL CHECK (version >= 1),
                created_at  TEXT NOT NULL,
                updated_at  TEXT NOT NULL
            );
        ",
        postgres: "
            CREATE TABLE rate_profiles (
                id          TEXT PRIMARY KEY,
                name        TEXT NOT NULL,
                document    TEXT NOT NULL,
                version     BIGINT NOT NULL CHECK (version >= 1),
                created_at  TIMESTAMPTZ NOT NULL,
                updated_at  TIMESTAMPTZ NOT NULL
            );
        ",
    },
    Migration {
        version: 2,
        description: "projects and their saved versions",
        sqlite: "
            CREATE TABLE projects (
                id               TEXT PRIMARY KEY NOT NULL,
                title            TEXT NOT NULL,
                field            TEXT NOT NULL,
                call_year        INTEGER NOT NULL,
                document         TEXT NOT NULL,
                version          INTEGER NOT NULL CHECK (version >= 1),
                created_at       TEXT NOT NULL,
                updated_at       TEXT NOT NULL,
                rate_profile_id  TEXT REFERENCES rate_profiles (id) ON DELETE SET NULL
            );
            CREATE INDEX projects_updated_at ON projects (updated_at);
            CREATE INDEX projects_rate_profile_id ON projects (rate_profile_id);
            CREATE TABLE project_versions (
                project_id       TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
                version          INTEGER NOT NULL,
                document         TEXT NOT NULL,
                rate_profile_id  TEXT,
                saved_at         TEXT NOT NULL,
                PRIMARY KEY (project_id, version)
            );
        ",
        postgres: "
            CREATE TABLE projects (
                id               TEXT PRIMARY KEY,
                title            TEXT NOT NULL,
                field            TEXT NOT NULL,
                call_year        BIGINT NOT NULL,
                document         TEXT NOT NULL,
                version          BIGINT NOT NULL CHECK (version >= 1),
                created_at       TIMESTAMPTZ NOT NULL,
                updated_at       TIMESTAMPTZ NOT NULL,
                rate_profile_id  TEXT REFERENCES rate_profiles (id) ON DELETE SET NULL
            );
            CREATE INDEX projects_updated_at ON projects (updated_at);
            CREATE INDEX projects_rate_profile_id ON projects (rate_profile_id);
            CREATE TABLE project_versions (
                project_id       TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
                version          BIGINT NOT NULL,
                document         TEXT NOT NULL,
                rate_profile_id  TEXT,
                saved_at         TIMESTAMPTZ NOT NULL,
                PRIMARY KEY (project_id, version)
            );
        ",
    },
    Migration {
        version: 3,
        description: "accounts, sharing and the authors of versions",
        sqlite: "
            CREATE TABLE organisations (
                id          TEXT PRIMARY KEY NOT NULL,
                name        TEXT NOT NULL,
                oid         TEXT NOT NULL,
                country     TEXT NOT NULL,
                town        TEXT NOT NULL,
                created_at  TEXT NOT NULL
            );
            CREATE TABLE users (
                id             TEXT PRIMARY KEY NOT NULL,
                email          TEXT NOT NULL UNIQUE,
                name           TEXT NOT NULL,
                password_hash  TEXT NOT NULL,
                created_at     TEXT NOT NULL
            );
            CREATE TABLE memberships (
                user_id  TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
                org_id   TEXT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
                role     TEXT NOT NULL CHECK (role IN ('owner', 'editor', 'viewer')),
                PRIMARY KEY (user_id, org_id)
            );
            CREATE INDEX memberships_org_id ON memberships (org_id);
            CREATE TABLE sessions (
                token_hash    TEXT PRIMARY KEY NOT NULL,
                user_id       TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
                csrf_token    TEXT NOT NULL,
                created_at    TEXT NOT NULL,
                last_seen_at  TEXT NOT NULL
            );
            CREATE INDEX sessions_user_id ON sessions (user_id);
            CREATE TABLE invitations (
                token_hash  TEXT PRIMARY KEY NOT NULL,
                org_id      TEXT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
                role        TEXT NOT NULL CHECK (role IN ('owner', 'editor', 'viewer')),
                created_by  TEXT REFERENCES users (id) ON DELETE SET NULL,
                created_at  TEXT NOT NULL,
                expires_at  TEXT NOT NULL,
                used_at     TEXT,
                used_by     TEXT REFERENCES users (id) ON DELETE SET NULL
            );
            CREATE TABLE project_shares (
                project_id  TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
                user_id     TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
                access      TEXT NOT NULL CHECK (access IN ('read', 'edit')),
                PRIMARY KEY (project_id, user_id)
            );
            CREATE INDEX project_shares_user_id ON project_shares (user_id);
            ALTER TABLE projects ADD COLUMN org_id TEXT REFERENCES organisations (id) ON DELETE CASCADE;
            CREATE INDEX projects_org_id ON projects (org_id);
            ALTER TABLE rate_profiles ADD COLUMN org_id TEXT REFERENCES organisations (id) ON DELETE CASCADE;
            CREATE INDEX rate_profiles_org_id ON rate_profiles (org_id);
            ALTER TABLE project_versions ADD COLUMN saved_by TEXT REFERENCES users (id) ON DELETE SET NULL;
        ",
        postgres: "
            CREATE TABLE organisations (
                id          TEXT PRIMARY KEY,
                name        TEXT NOT NULL,
                oid         TEXT NOT NULL,
                country     TEXT NOT NULL,
                town        TEXT NOT NULL,
                created_at  TIMESTAMPTZ NOT NULL
            );
            CREATE TABLE users (
                id             TEXT PRIMARY KEY,
                email          TEXT NOT NULL UNIQUE,
                name           TEXT NOT NULL,
                password_hash  TEXT NOT NULL,
                created_at     TIMESTAMPTZ NOT NULL
            );
            CREATE TABLE memberships (
                user_id  TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
                org_id   TEXT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
                role     TEXT NOT NULL CHECK (role IN ('owner', 'editor', 'viewer')),
                PRIMARY KEY (user_id, org_id)
            );
            CREATE INDEX memberships_org_id ON memberships (org_id);
            CREATE TABLE sessions (
                token_hash    TEXT PRIMARY KEY,
                user_id       TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
                csrf_token    TEXT NOT NULL,
                created_at    TIMESTAMPTZ NOT NULL,
                last_seen_at  TIMESTAMPTZ NOT NULL
            );
            CREATE INDEX sessions_user_id ON sessions (user_id);
            CREATE TABLE invitations (
                token_hash  TEXT PRIMARY KEY,
                org_id      TEXT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
                role        TEXT NOT NULL CHECK (role IN ('owner', 'editor', 'viewer')),
                created_by  TEXT REFERENCES users (id) ON DELETE SET NULL,
                created_at  TIMESTAMPTZ NOT NULL,
                expires_at  TIMESTAMPTZ NOT NULL,
                used_at     TIMESTAMPTZ,
                used_by     TEXT REFERENCES users (id) ON DELETE SET NULL
            );
            CREATE TABLE project_shares (
                project_id  TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
                user_id     TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
                access      TEXT NOT NULL CHECK (access IN ('read', 'edit')),
                PRIMARY KEY (project_id, user_id)
            );
            CREATE INDEX project_shares_user_id ON project_shares (user_id);
            ALTER TABLE projects ADD COLUMN org_id TEXT REFERENCES organisations (id) ON DELETE CASCADE;
            CREATE INDEX projects_org_id ON projects (org_id);
            ALTER TABLE rate_profiles ADD COLUMN org_id TEXT REFERENCES organisations (id) ON DELETE CASCADE;
            CREATE INDEX rate_profiles_org_id ON rate_profiles (org_id);
            ALTER TABLE project_versions ADD COLUMN saved_by TEXT REFERENCES users (id) ON DELETE SET NULL;
        ",
    },
    Migration {
        version: 4,
        description: "what-if scenarios: the project a scenario was copied from",
        // Deleting the original keeps its scenarios as projects of their own.
        sqlite: "
            ALTER TABLE projects ADD COLUMN scenario_of TEXT REFERENCES projects (id) ON DELETE SET NULL;
            CREATE INDEX projects_scenario_of ON projects (scenario_of);
        ",
        postgres: "
            ALTER TABLE projects ADD COLUMN scenario_of TEXT REFERENCES projects (id) ON DELETE SET NULL;
            CREATE INDEX projects_scenario_of ON projects (scenario_of);
        ",
    },
    // Versions stored as changes (see `history.rs`): `document` holds the full JSON when
    // `stored_as = 'full'`, else the change list against the previous version. `kind` and
    // `burst` fold consecutive autosaves into one history entry. After the columns are added,
    // the runner converts the existing full copies to changes in the same transaction
    // (`history::convert_versions`, found by this description).
    Migration {
        version: 5,
        description: crate::history::VERSIONS_AS_CHANGES,
        sqlite: "
            ALTER TABLE project_versions ADD COLUMN stored_as TEXT NOT NULL DEFAULT 'full'
                CHECK (stored_as IN ('full', 'delta'));
            ALTER TABLE project_versions ADD COLUMN kind TEXT NOT NULL DEFAULT 'explicit'
                CHECK (kind IN ('explicit', 'autosave'));
            ALTER TABLE project_versions ADD COLUMN burst INTEGER;
        ",
        postgres: "
            ALTER TABLE project_versions ADD COLUMN stored_as TEXT NOT NULL DEFAULT 'full'
                CHECK (stored_as IN ('full', 'delta'));
            ALTER TABLE project_versions ADD COLUMN kind TEXT NOT NULL DEFAULT 'explicit'
                CHECK (kind IN ('explicit', 'autosave'));
            ALTER TABLE project_versions ADD COLUMN burst BIGINT;
        ",
    },
    Migration {
        version: 6,
        description: "login throttle shared by every instance; server secrets",
        // One row per throttled key (`email:…`, `addr:…`); `server_secrets` holds keys every
        // instance must agree on (the login-form CSRF key), created by the first to need one.
        sqlite: "
            CREATE TABLE login_throttle (
                key              TEXT PRIMARY KEY NOT NULL,
                failures         INTEGER NOT NULL CHECK (failures >= 0),
                last_failure_at  TEXT NOT NULL,
                blocked_until    TEXT
            );
            CREATE TABLE server_secrets (
                name        TEXT PRIMARY KEY NOT NULL,
                secret      TEXT NOT NULL,
                created_at  TEXT NOT NULL
            );
        ",
        postgres: "
            CREATE TABLE login_throttle (
                key              TEXT PRIMARY KEY,
                failures         BIGINT NOT NULL CHECK (failures >= 0),
                last_failure_at  TIMESTAMPTZ NOT NULL,
                blocked_until    TIMESTAMPTZ
            );
            CREATE TABLE server_secrets (
                name        TEXT PRIMARY KEY,
                secret      TEXT NOT NULL,
                created_at  TIMESTAMPTZ NOT NULL
            );
        ",
    },
    Migration {
        version: 7,
        description: "corrected rulebook editions with their history, and instance administrators",
        // The active edition of a call year is the one with the highest `seq`; without one,
        // the edition embedded in mobiplan applies.
        sqlite: "
            CREATE TABLE rulebook_editions (
                id          TEXT PRIMARY KEY NOT NULL,
                call_year   INTEGER NOT NULL,
                edition     TEXT NOT NULL,
                seq         INTEGER NOT NULL CHECK (seq >= 1),
                document    TEXT NOT NULL,
                loaded_by   TEXT REFERENCES users (id) ON DELETE SET NULL,
                author      TEXT NOT NULL,
                note        TEXT NOT NULL,
                loaded_at   TEXT NOT NULL,
                UNIQUE (call_year, seq)
            );
            CREATE TABLE instance_admins (
                user_id     TEXT PRIMARY KEY NOT NULL REFERENCES users (id) ON DELETE CASCADE,
                granted_at  TEXT NOT NULL
            );
        ",
        postgres: "
            CREATE TABLE rulebook_editions (
                id          TEXT PRIMARY KEY,
                call_year   BIGINT NOT NULL,
                edition     TEXT NOT NULL,
                seq         BIGINT NOT NULL CHECK (seq >= 1),
                document    TEXT NOT NULL,
                loaded_by   TEXT REFERENCES users (id) ON DELETE SET NULL,
                author      TEXT NOT NULL,
                note        TEXT NOT NULL,
                loaded_at   TIMESTAMPTZ NOT NULL,
                UNIQUE (call_year, seq)
            );
            CREATE TABLE instance_admins (
                user_id     TEXT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
                granted_at  TIMESTAMPTZ NOT NULL
            );
        ",
    },
];

/// The newest schema version this program knows.
pub(crate) fn latest_version() -> i64 {
    MIGRATIONS.last().map_or(0, |m| m.version)
}

/// The per-backend parts of the runner.
pub(crate) trait MigrationSql {
    /// Creates `schema_migrations` if it does not exist.
    fn bootstrap_sql(&self) -> &'static str;
    /// The migration's SQL for this backend.
    fn migration_sql(&self, m: &Migration) -> &'static str;
}

impl MigrationSql for sqlx::SqlitePool {
    fn bootstrap_sql(&self) -> &'static str {
        "
        CREATE TABLE IF NOT EXISTS schema_migrations (
            version      INTEGER PRIMARY KEY NOT NULL,
            description  TEXT NOT NULL,
            applied_at   TEXT NOT NULL
        )"
    }
    fn migration_sql(&self, m: &Migration) -> &'static str {
        m.sqlite
    }
}

impl MigrationSql for sqlx::PgPool {
    fn bootstrap_sql(&self) -> &'static str {
        "
        CREATE TABLE IF NOT EXISTS schema_migrations (
            version      BIGINT PRIMARY KEY,
            description  TEXT NOT NULL,
            applied_at   TIMESTAMPTZ NOT NULL
        )"
    }
    fn migration_sql(&self, m: &Migration) -> &'static str {
        m.postgres
    }
}

/// Applies every migration not yet recorded, each in its own transaction. Each transaction
/// holds the migration lock (SQLite: `BEGIN IMMEDIATE`; PostgreSQL: an advisory lock) while it
/// checks `schema_migrations`, so stores opened at the same moment apply each step exactly
/// once. Refuses a database that has a version this program does not know (a newer program
/// upgraded it).
pub(crate) async fn run(backend: &Backend) -> Result<()> {
    run_until(backend, None).await
}

/// [`run`], applying only the migrations up to version `last` when it is given (tests build
/// databases of an older schema with it).
pub(crate) async fn run_until(backend: &Backend, last: Option<i64>) -> Result<()> {
    crate::store::dispatch!(backend, pool => {
        let mut tx = pool.begin_migration().await?;
        // (`Executor::execute` rather than `RawSql::execute`: the latter's future is not `Send`.)
        tx.execute(sqlx::raw_sql(pool.bootstrap_sql())).await?;
        tx.commit().await?;

        let applied: Vec<i64> = sqlx::query_scalar("SELECT version FROM schema_migrations ORDER BY version")
            .fetch_all(pool)
            .await?;
        if let Some(unknown) = applied.iter().find(|v| !MIGRATIONS.iter().any(|m| m.version == **v)) {
            return Err(StoreError::Database(sqlx::Error::Configuration(
                format!(
                    "the database has schema version {unknown}, which this mobiplan does not know \
                     (it knows up to {}); it was probably upgraded by a newer mobiplan",
                    latest_version()
                )
                .into(),
            )));
        }

        for m in MIGRATIONS {
            if applied.contains(&m.version) || last.is_some_and(|l| m.version > l) {
                continue;
            }
            let mut tx = pool.begin_migration().await?;
            let done: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM schema_migrations WHERE version = $1")
                .bind(m.version)
                .fetch_one(&mut *tx)
                .await?;
            if done == 0 {
                tx.execute(sqlx::raw_sql(pool.migration_sql(m))).await?;
                if m.description == crate::history::VERSIONS_AS_CHANGES {
                    crate::history::convert_versions!(tx);
                }
                sqlx::query("INSERT INTO schema_migrations (version, description, applied_at) VALUES ($1, $2, $3)")
                    .bind(m.version)
                    .bind(m.description)
                    .bind(crate::store::now())
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
            }
        }
        Ok(())
    })
}

/// The applied schema versions, in order.
pub(crate) async fn applied(backend: &Backend) -> Result<Vec<(i64, String, DateTime<Utc>)>> {
    crate::store::dispatch!(backend, pool => {
        Ok(sqlx::query_as("SELECT version, description, applied_at FROM schema_migrations ORDER BY version")
            .fetch_all(pool)
            .await?)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_ordered_without_gaps() {
        for (i, m) in MIGRATIONS.iter().enumerate() {
            assert_eq!(m.version, i as i64 + 1, "{}", m.description);
            assert!(!m.sqlite.trim().is_empty() && !m.postgres.trim().is_empty());
        }
    }
}
