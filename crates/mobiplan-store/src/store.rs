//! The store: every operation, written once for both backends.

use chrono::{DateTime, SubsecRound, Utc};
use mobiplan_core::RateProfile;
use mobiplan_core::project::file::ProjectFile;
use sqlx::{PgPool, SqlitePool};

use crate::config::{self, StoreConfig};
use crate::error::{CurrentDocument, Result, StoreError};
use crate::group_commit::GroupCommit;
use crate::history::{self, AutosaveFolding, Previous, SaveKind};
use crate::migrations;
use crate::{ProjectSummary, ProjectVersion, RateProfileSummary, Stored, StoredRateProfile};

/// The open database: a pool of connections to SQLite or PostgreSQL.
pub(crate) enum Backend {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// Runs `$body` with `$pool` bound to the backend's pool. The body is compiled once per
/// backend, so the same query text and binds serve both (parameters are written `$1`, `$2` …,
/// which SQLite reads as positional too).
macro_rules! dispatch {
    ($backend:expr, $pool:ident => $body:expr) => {
        match $backend {
            $crate::store::Backend::Sqlite($pool) => $body,
            $crate::store::Backend::Postgres($pool) => $body,
        }
    };
}
pub(crate) use dispatch;

/// How a write transaction starts on each backend.
pub(crate) trait WriteTx {
    type Db: sqlx::Database;

    /// A transaction for a write. On SQLite `BEGIN IMMEDIATE` takes the write lock at once
    /// (waiting up to the busy timeout), so a transaction never has to upgrade a read lock —
    /// which in WAL mode fails with `SQLITE_BUSY` without waiting. On PostgreSQL a plain
    /// `BEGIN` (READ COMMITTED): the versioned `UPDATE … WHERE version = $n` waits for a
    /// concurrent update of the row and then re-checks the version.
    async fn begin_write(&self) -> sqlx::Result<sqlx::Transaction<'static, Self::Db>>;

    /// A write transaction holding the migration lock.
    async fn begin_migration(&self) -> sqlx::Result<sqlx::Transaction<'static, Self::Db>>;
}

impl WriteTx for SqlitePool {
    type Db = sqlx::Sqlite;

    async fn begin_write(&self) -> sqlx::Result<sqlx::Transaction<'static, sqlx::Sqlite>> {
        self.begin_with("BEGIN IMMEDIATE").await
    }

    async fn begin_migration(&self) -> sqlx::Result<sqlx::Transaction<'static, sqlx::Sqlite>> {
        // SQLite has one writer at a time: the write lock is the migration lock.
        self.begin_write().await
    }
}

/// The key of the PostgreSQL advisory lock held while migrating ("mobiplan" in ASCII).
const PG_MIGRATION_LOCK: i64 = 0x6d6f_6269_706c_616e;

impl WriteTx for PgPool {
    type Db = sqlx::Postgres;

    async fn begin_write(&self) -> sqlx::Result<sqlx::Transaction<'static, sqlx::Postgres>> {
        self.begin().await
    }

    async fn begin_migration(&self) -> sqlx::Result<sqlx::Transaction<'static, sqlx::Postgres>> {
        let mut tx = self.begin().await?;
        sqlx::query("SELECT pg_advisory_xact_lock($1)")
            .bind(PG_MIGRATION_LOCK)
            .execute(&mut *tx)
            .await?;
        Ok(tx)
    }
}

/// The current time, to the microsecond (what PostgreSQL keeps), so that both backends give
/// back exactly the timestamp that was written.
pub(crate) fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

/// A new id: 12 characters of `[A-Za-z0-9_-]` (72 random bits) from the operating system's
/// generator.
pub(crate) fn new_id() -> Result<String> {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut bytes = [0u8; 12];
    getrandom::fill(&mut bytes).map_err(|e| {
        StoreError::Database(sqlx::Error::Io(std::io::Error::other(format!(
            "no random numbers for a new id: {e}"
        ))))
    })?;
    Ok(bytes
        .iter()
        .map(|b| ALPHABET[usize::from(b & 63)] as char)
        .collect())
}

/// The JSON text stored for a project.
pub(crate) fn project_json(doc: &ProjectFile) -> Result<String> {
    serde_json::to_string(doc)
        .map_err(|e| StoreError::Invalid(format!("the project cannot be written as JSON: {e}")))
}

/// Reads a stored project document.
pub(crate) fn read_project(id: &str, version: i64, text: &str) -> Result<ProjectFile> {
    serde_json::from_str(text).map_err(|e| {
        StoreError::Invalid(format!(
            "the stored project {id} (version {version}) does not read as a project document: {e}"
        ))
    })
}

/// Checks that `text` is a rate profile; the message names the problem and its line.
fn check_rate_profile(text: &str) -> Result<RateProfile> {
    toml::from_str::<RateProfile>(text)
        .map_err(|e| StoreError::Invalid(format!("the rate profile is not valid: {e}")))
}

/// The name a rate profile is listed under: the given one, else the profile's own.
fn profile_name(name: &str, profile: &RateProfile) -> Result<String> {
    let name = match name.trim() {
        "" => profile.profile.name.trim(),
        n => n,
    };
    if name.is_empty() {
        return Err(StoreError::Invalid(
            "the rate profile needs a name (profile.name)".to_owned(),
        ));
    }
    Ok(name.to_owned())
}

#[derive(sqlx::FromRow)]
pub(crate) struct ProjectRow {
    pub(crate) id: String,
    pub(crate) version: i64,
    pub(crate) document: String,
    pub(crate) updated_at: DateTime<Utc>,
}

impl ProjectRow {
    fn into_stored(self) -> Result<Stored<ProjectFile>> {
        let document = read_project(&self.id, self.version, &self.document)?;
        Ok(Stored {
            id: self.id,
            version: self.version,
            document,
            updated_at: self.updated_at,
        })
    }
}

pub(crate) const PROJECT_ROW: &str =
    "SELECT id, version, document, updated_at FROM projects WHERE id = $1";

/// Copies the project's current row into `project_versions` whole (inside the write
/// transaction that produced it): for a new project, whose version 1 has nothing to be a
/// change of. `$1` project, `$2` author.
pub(crate) const KEEP_VERSION: &str = "
    INSERT INTO project_versions (project_id, version, document, rate_profile_id, saved_at, saved_by)
    SELECT id, version, document, rate_profile_id, updated_at, $2 FROM projects WHERE id = $1";

/// Keeps the project's current row in `project_versions` as the change `$3` against the
/// previous version — or whole, copied from `projects`, when `$3` is NULL (see
/// [`history::delta_text`]). `$1` project, `$2` author, `$4` [`SaveKind`], `$5` the first
/// version of the history entry it folds into (NULL: an entry of its own).
const KEEP_CHANGE: &str = "
    INSERT INTO project_versions
      (project_id, version, document, stored_as, rate_profile_id, saved_at, saved_by, kind, burst)
    SELECT id, version, COALESCE($3, document), CASE WHEN $3 IS NULL THEN 'full' ELSE 'delta' END,
           rate_profile_id, updated_at, $2, $4, $5
    FROM projects WHERE id = $1";

/// What a save reads before it writes: the current row, and the history row of the current
/// version with the time its history entry started (to decide whether an autosave folds).
const BEFORE_SAVE: &str = "
    SELECT p.id, p.version, p.document, p.updated_at,
           v.kind, v.saved_by, v.saved_at, COALESCE(v.burst, v.version),
           (SELECT b.saved_at FROM project_versions b
            WHERE b.project_id = p.id AND b.version = COALESCE(v.burst, v.version))
    FROM projects p LEFT JOIN project_versions v ON v.project_id = p.id AND v.version = p.version
    WHERE p.id = $1";

type BeforeSaveRow = (
    String,
    i64,
    String,
    DateTime<Utc>,
    Option<String>,
    Option<String>,
    Option<DateTime<Utc>>,
    Option<i64>,
    Option<DateTime<Utc>>,
);

/// One project save, prepared before any database work (the group-commit writer of SQLite
/// runs the saves one after another, so whatever can be done beforehand is done by the
/// caller): the document as a JSON value to diff and as the text to store, and the columns
/// that are listed without reading the document.
pub(crate) struct SaveRequest {
    pub id: String,
    pub title: String,
    pub field: String,
    pub call_year: i64,
    pub value: serde_json::Value,
    pub json: String,
    pub expected_version: i64,
    pub by: Option<String>,
    pub kind: SaveKind,
    pub folding: AutosaveFolding,
}

/// What became of a save inside its write transaction.
pub(crate) enum SaveOutcome {
    /// Written as version `expected_version + 1`, at this time.
    Saved(DateTime<Utc>),
    /// Nothing written: the project is at another version (its current row, turned into
    /// [`StoreError::Conflict`] by the caller, outside the transaction) or does not exist.
    Refused(Option<ProjectRow>),
}

/// Generates the save for one backend's connection, inside a write transaction the caller
/// opened (and commits): the same text compiled for each backend, as `dispatch!` does.
macro_rules! save_in {
    ($name:ident, $conn:ty) => {
        pub(crate) async fn $name(conn: &mut $conn, save: &SaveRequest) -> Result<SaveOutcome> {
            let before: Option<BeforeSaveRow> = sqlx::query_as(BEFORE_SAVE)
                .bind(&save.id)
                .fetch_optional(&mut *conn)
                .await?;
            let Some((pid, current, old_text, updated_at, pkind, pby, pat, start, started)) =
                before
            else {
                return Ok(SaveOutcome::Refused(None));
            };
            if current != save.expected_version {
                return Ok(SaveOutcome::Refused(Some(ProjectRow {
                    id: pid,
                    version: current,
                    document: old_text,
                    updated_at,
                })));
            }
            let version = save.expected_version + 1;
            // Taken after the previous version was read (on SQLite under the write lock), so
            // that a version is never older than the one before it: the folding window
            // measures that gap.
            let at = now();
            // The change against the stored current document (not even parsed at a snapshot
            // position). One that no longer reads as JSON cannot be diffed against: the new
            // version is then kept whole.
            let delta = if history::is_snapshot_position(version) {
                None
            } else {
                match serde_json::from_str(&old_text) {
                    Ok(old) => history::delta_text(version, &old, &save.value, save.json.len())?,
                    Err(_) => None,
                }
            };
            let previous = Previous {
                kind: pkind,
                saved_by: pby,
                saved_at: pat,
                entry_start: start.unwrap_or(current),
                entry_started_at: started,
            };
            let by = save.by.as_deref();
            let burst = save.folding.burst(save.kind, by, at, &previous);
            // The version is checked again: on PostgreSQL another writer may have committed
            // since the read above (its UPDATE then made this one match no row).
            let updated = sqlx::query(
                "UPDATE projects
                 SET title = $1, field = $2, call_year = $3, document = $4,
                     version = version + 1, updated_at = $5
                 WHERE id = $6 AND version = $7",
            )
            .bind(&save.title)
            .bind(&save.field)
            .bind(save.call_year)
            .bind(&save.json)
            .bind(at)
            .bind(&save.id)
            .bind(save.expected_version)
            .execute(&mut *conn)
            .await?
            .rows_affected();
            if updated != 1 {
                let current: Option<ProjectRow> = sqlx::query_as(PROJECT_ROW)
                    .bind(&save.id)
                    .fetch_optional(&mut *conn)
                    .await?;
                return Ok(SaveOutcome::Refused(current));
            }
            sqlx::query(KEEP_CHANGE)
                .bind(&save.id)
                .bind(by)
                .bind(delta.as_deref())
                .bind(save.kind.as_str())
                .bind(burst)
                .execute(&mut *conn)
                .await?;
            Ok(SaveOutcome::Saved(at))
        }
    };
}

save_in!(save_sqlite, sqlx::SqliteConnection);
save_in!(save_postgres, sqlx::PgConnection);

const RATE_PROFILE_ROW: &str = "
    SELECT id, name, version, document, created_at, updated_at FROM rate_profiles WHERE id = $1";

/// Mobiplan's storage of projects and rate profiles. Cheap to share (`Arc<Store>`); every
/// method takes `&self` and may be called from many tasks at once.
pub struct Store {
    pub(crate) backend: Backend,
    /// When autosaves fold into one history entry.
    folding: AutosaveFolding,
    /// The writer of project saves on SQLite (unused on PostgreSQL).
    pub(crate) saves: GroupCommit,
}

impl Store {
    /// Opens (creating if needed) the database and brings its schema up to date. Opening an
    /// up-to-date database again changes nothing.
    pub async fn open(config: StoreConfig) -> Result<Store> {
        let backend = match &config {
            StoreConfig::Sqlite(dir) => Backend::Sqlite(config::open_sqlite(dir).await?),
            StoreConfig::Postgres(url) => Backend::Postgres(config::open_postgres(url).await?),
        };
        if let Err(e) = migrations::run(&backend).await {
            dispatch!(&backend, pool => pool.close().await);
            return Err(e);
        }
        Ok(Store::from_backend(backend))
    }

    /// A store on an open backend whose schema is up to date.
    pub(crate) fn from_backend(backend: Backend) -> Store {
        Store {
            backend,
            folding: AutosaveFolding::default(),
            saves: GroupCommit::new(),
        }
    }

    /// The same store, folding autosaves into history entries by `folding` instead of
    /// [`AutosaveFolding::default`].
    pub fn with_autosave_folding(mut self, folding: AutosaveFolding) -> Store {
        self.folding = folding;
        self
    }

    /// Closes every connection (waiting for operations in progress). Operations after this
    /// fail with [`StoreError::Database`].
    pub async fn close(&self) {
        // The saves already handed to the writer are still answered (written, or refused
        // once the pool is closed); then it ends and lets go of its handle on the pool.
        self.saves.stop();
        dispatch!(&self.backend, pool => pool.close().await)
    }

    /// `"sqlite"` or `"postgres"`.
    pub fn backend_name(&self) -> &'static str {
        match self.backend {
            Backend::Sqlite(_) => "sqlite",
            Backend::Postgres(_) => "postgres",
        }
    }

    /// The applied schema migrations: (version, description, applied at), in order.
    pub async fn schema_migrations(&self) -> Result<Vec<(i64, String, DateTime<Utc>)>> {
        migrations::applied(&self.backend).await
    }

    /// Checks the database: SQLite's `PRAGMA integrity_check` must answer "ok" and
    /// `PRAGMA foreign_key_check` nothing ([`StoreError::Corrupt`] otherwise); on PostgreSQL,
    /// that the server answers a query.
    pub async fn integrity_check(&self) -> Result<()> {
        match &self.backend {
            Backend::Sqlite(pool) => {
                let report: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check")
                    .fetch_all(pool)
                    .await?;
                if report != ["ok"] {
                    return Err(StoreError::Corrupt(report.join("; ")));
                }
                let fk: Vec<(String,)> =
                    sqlx::query_as("SELECT \"table\" FROM pragma_foreign_key_check")
                        .fetch_all(pool)
                        .await?;
                if !fk.is_empty() {
                    let tables: Vec<String> = fk.into_iter().map(|(t,)| t).collect();
                    return Err(StoreError::Corrupt(format!(
                        "foreign key violations in {}",
                        tables.join(", ")
                    )));
                }
                Ok(())
            }
            Backend::Postgres(pool) => {
                let one: i32 = sqlx::query_scalar("SELECT 1").fetch_one(pool).await?;
                if one != 1 {
                    return Err(StoreError::Corrupt(format!("SELECT 1 answered {one}")));
                }
                Ok(())
            }
        }
    }

    // --- projects ---------------------------------------------------------------------------

    /// Every project, the most recently saved first.
    pub async fn list_projects(&self) -> Result<Vec<ProjectSummary>> {
        dispatch!(&self.backend, pool => {
            Ok(sqlx::query_as(
                "SELECT id, title, field, call_year, version, updated_at FROM projects
                 ORDER BY updated_at DESC, created_at DESC, id",
            )
            .fetch_all(pool)
            .await?)
        })
    }

    /// Stores a new project, at version 1, under a new random id, in no organisation: only
    /// the first owner's setup adopts such projects (data from before accounts). The web
    /// application creates projects with [`Store::create_project_in`].
    pub async fn create_project(&self, doc: &ProjectFile) -> Result<Stored<ProjectFile>> {
        self.create_project_owned(None, None, doc).await
    }

    /// Stores a new project of organisation `org_id`, at version 1, created by user `by`.
    pub async fn create_project_in(
        &self,
        org_id: &str,
        by: Option<&str>,
        doc: &ProjectFile,
    ) -> Result<Stored<ProjectFile>> {
        self.create_project_owned(Some(org_id), by, doc).await
    }

    async fn create_project_owned(
        &self,
        org_id: Option<&str>,
        by: Option<&str>,
        doc: &ProjectFile,
    ) -> Result<Stored<ProjectFile>> {
        let id = new_id()?;
        let json = project_json(doc)?;
        let at = now();
        dispatch!(&self.backend, pool => {
            let mut tx = pool.begin_write().await?;
            sqlx::query(
                "INSERT INTO projects
                 (id, title, field, call_year, document, version, created_at, updated_at, rate_profile_id, org_id)
                 VALUES ($1, $2, $3, $4, $5, 1, $6, $6, NULL, $7)",
            )
            .bind(&id)
            .bind(&doc.project.title)
            .bind(doc.project.field.to_string())
            .bind(i64::from(doc.project.call_year))
            .bind(&json)
            .bind(at)
            .bind(org_id)
            .execute(&mut *tx)
            .await?;
            sqlx::query(KEEP_VERSION).bind(&id).bind(by).execute(&mut *tx).await?;
            tx.commit().await?;
        });
        Ok(Stored {
            id,
            version: 1,
            document: doc.clone(),
            updated_at: at,
        })
    }

    /// The project's current version. [`StoreError::NotFound`] if there is none.
    pub async fn get_project(&self, id: &str) -> Result<Stored<ProjectFile>> {
        let row: Option<ProjectRow> = dispatch!(&self.backend, pool => {
            sqlx::query_as(PROJECT_ROW).bind(id).fetch_optional(pool).await?
        });
        row.ok_or(StoreError::NotFound)?.into_stored()
    }

    /// A versioned write: replaces the project with `doc` as version `expected_version + 1` —
    /// only if the stored version is `expected_version`. Otherwise nothing is written and the
    /// answer is [`StoreError::Conflict`] with the stored version and document (or
    /// [`StoreError::NotFound`]). The new version is kept in the project's history in the same
    /// transaction.
    pub async fn save_project(
        &self,
        id: &str,
        doc: &ProjectFile,
        expected_version: i64,
    ) -> Result<Stored<ProjectFile>> {
        self.save_project_by(id, doc, expected_version, None).await
    }

    /// [`Store::save_project`], recording user `by` as the author of the new version.
    pub async fn save_project_by(
        &self,
        id: &str,
        doc: &ProjectFile,
        expected_version: i64,
        by: Option<&str>,
    ) -> Result<Stored<ProjectFile>> {
        self.save_project_as(id, doc, expected_version, by, SaveKind::Explicit)
            .await
    }

    /// [`Store::save_project_by`], saying what kind of save it is: a
    /// [`SaveKind::Autosave`] folds into the previous history entry when that is an autosave
    /// by the same user within the store's [`AutosaveFolding`] (the new version is stored and
    /// readable like any other; [`Store::project_history`] shows the entry once, as its newest
    /// version). [`SaveKind::Explicit`] is always an entry of its own.
    pub async fn save_project_as(
        &self,
        id: &str,
        doc: &ProjectFile,
        expected_version: i64,
        by: Option<&str>,
        kind: SaveKind,
    ) -> Result<Stored<ProjectFile>> {
        let value = serde_json::to_value(doc).map_err(|e| {
            StoreError::Invalid(format!("the project cannot be written as JSON: {e}"))
        })?;
        let save = SaveRequest {
            id: id.to_owned(),
            title: doc.project.title.clone(),
            field: doc.project.field.to_string(),
            call_year: i64::from(doc.project.call_year),
            json: value.to_string(),
            value,
            expected_version,
            by: by.map(str::to_owned),
            kind,
            folding: self.folding,
        };
        let outcome = match &self.backend {
            // SQLite has one writer at a time and each commit waits for the disk: the saves
            // go to the group-commit writer, which commits many of them at once.
            Backend::Sqlite(pool) => self.saves.save(pool, save).await?,
            Backend::Postgres(pool) => {
                let mut tx = pool.begin_write().await?;
                let outcome = save_postgres(&mut tx, &save).await?;
                if matches!(outcome, SaveOutcome::Saved(_)) {
                    tx.commit().await?;
                }
                outcome
            }
        };
        match outcome {
            SaveOutcome::Saved(at) => Ok(Stored {
                id: id.to_owned(),
                version: expected_version + 1,
                document: doc.clone(),
                updated_at: at,
            }),
            SaveOutcome::Refused(current) => Err(project_conflict(current)?),
        }
    }

    /// Deletes the project and all its versions. [`StoreError::NotFound`] if there is none.
    pub async fn delete_project(&self, id: &str) -> Result<()> {
        let deleted = dispatch!(&self.backend, pool => {
            sqlx::query("DELETE FROM projects WHERE id = $1")
                .bind(id)
                .execute(pool)
                .await?
                .rows_affected()
        });
        if deleted == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    /// The document as it was saved at `version`. [`StoreError::NotFound`] if the project or
    /// that version does not exist; [`StoreError::Corrupt`] if its stored chain of changes is
    /// broken. Reads one full copy and at most [`SNAPSHOT_EVERY`](history::SNAPSHOT_EVERY)` - 1`
    /// short changes.
    pub async fn project_version(&self, id: &str, version: i64) -> Result<ProjectFile> {
        let rows: Vec<history::ChainRow> = dispatch!(&self.backend, pool => {
            sqlx::query_as(history::CHAIN)
                .bind(id)
                .bind(version)
                .fetch_all(pool)
                .await?
        });
        let value = history::replay(id, version, &rows)?;
        serde_json::from_value(value).map_err(|e| {
            StoreError::Invalid(format!(
                "the stored project {id} (version {version}) does not read as a project document: {e}"
            ))
        })
    }

    /// The documents of several versions of the project, in the order of `versions`, read in
    /// one query and one replay of the stored changes — for pages that show many versions (the
    /// history compares each entry with the one before), where [`Store::project_version`] per
    /// version would replay up to 31 changes each time. [`StoreError::NotFound`] if any of them
    /// does not exist; [`StoreError::Corrupt`] as for [`Store::project_version`].
    pub async fn project_versions_documents(
        &self,
        id: &str,
        versions: &[i64],
    ) -> Result<Vec<ProjectFile>> {
        let mut wanted = versions.to_vec();
        wanted.sort_unstable();
        wanted.dedup();
        let (Some(&first), Some(&last)) = (wanted.first(), wanted.last()) else {
            return Ok(Vec::new());
        };
        let rows: Vec<history::ChainRow> = dispatch!(&self.backend, pool => {
            sqlx::query_as(history::CHAINS)
                .bind(id)
                .bind(first)
                .bind(last)
                .fetch_all(pool)
                .await?
        });
        let values = history::replay_many(id, &wanted, &rows)?;
        let mut docs = Vec::with_capacity(wanted.len());
        for (v, value) in wanted.iter().zip(values) {
            docs.push(serde_json::from_value::<ProjectFile>(value).map_err(|e| {
                StoreError::Invalid(format!(
                    "the stored project {id} (version {v}) does not read as a project document: {e}"
                ))
            })?);
        }
        versions
            .iter()
            .map(|v| {
                // Every asked version is in `wanted`, which `docs` follows.
                let i = wanted.binary_search(v).map_err(|_| StoreError::NotFound)?;
                docs.get(i).cloned().ok_or(StoreError::NotFound)
            })
            .collect()
    }

    /// The bytes the project's stored versions take (the text of `project_versions.document`:
    /// full copies and changes), to see what the history costs. 0 for a project that does not
    /// exist.
    pub async fn project_history_bytes(&self, id: &str) -> Result<i64> {
        Ok(match &self.backend {
            Backend::Sqlite(pool) => {
                sqlx::query_scalar(
                    "SELECT COALESCE(SUM(length(CAST(document AS BLOB))), 0)
                     FROM project_versions WHERE project_id = $1",
                )
                .bind(id)
                .fetch_one(pool)
                .await?
            }
            Backend::Postgres(pool) => {
                sqlx::query_scalar(
                    "SELECT COALESCE(SUM(octet_length(document)), 0)::BIGINT
                     FROM project_versions WHERE project_id = $1",
                )
                .bind(id)
                .fetch_one(pool)
                .await?
            }
        })
    }

    /// Every saved version of the project, the newest first. [`StoreError::NotFound`] if the
    /// project does not exist.
    pub async fn list_project_versions(&self, id: &str) -> Result<Vec<ProjectVersion>> {
        let versions: Vec<ProjectVersion> = dispatch!(&self.backend, pool => {
            sqlx::query_as(
                "SELECT version, saved_at, rate_profile_id FROM project_versions
                 WHERE project_id = $1 ORDER BY version DESC",
            )
            .bind(id)
            .fetch_all(pool)
            .await?
        });
        if versions.is_empty() {
            return Err(StoreError::NotFound);
        }
        Ok(versions)
    }

    /// The id of the rate profile the project uses, if any. [`StoreError::NotFound`] if the
    /// project does not exist.
    pub async fn project_rate_profile(&self, id: &str) -> Result<Option<String>> {
        let row: Option<Option<String>> = dispatch!(&self.backend, pool => {
            sqlx::query_scalar("SELECT rate_profile_id FROM projects WHERE id = $1")
                .bind(id)
                .fetch_optional(pool)
                .await?
        });
        row.ok_or(StoreError::NotFound)
    }

    /// The project's rate profile, if it has one ([`Store::project_rate_profile`] and
    /// [`Store::get_rate_profile`] in one query). [`StoreError::NotFound`] if the project does
    /// not exist.
    pub async fn project_rate_profile_document(
        &self,
        id: &str,
    ) -> Result<Option<StoredRateProfile>> {
        type Row = (
            Option<String>,
            Option<String>,
            Option<i64>,
            Option<String>,
            Option<DateTime<Utc>>,
            Option<DateTime<Utc>>,
        );
        let row: Option<Row> = dispatch!(&self.backend, pool => {
            sqlx::query_as(
                "SELECT r.id, r.name, r.version, r.document, r.created_at, r.updated_at
                 FROM projects p LEFT JOIN rate_profiles r ON r.id = p.rate_profile_id
                 WHERE p.id = $1",
            )
            .bind(id)
            .fetch_optional(pool)
            .await?
        });
        match row.ok_or(StoreError::NotFound)? {
            (
                Some(id),
                Some(name),
                Some(version),
                Some(document),
                Some(created_at),
                Some(updated_at),
            ) => Ok(Some(StoredRateProfile {
                id,
                name,
                version,
                document,
                created_at,
                updated_at,
            })),
            _ => Ok(None),
        }
    }

    /// A versioned write of the project's rate profile (`None`: no profile, the budget is a
    /// range). Like [`Store::save_project`] it makes a new version (with the same document)
    /// only if the stored version is `expected_version`, else [`StoreError::Conflict`].
    /// [`StoreError::NotFound`] if the project or the rate profile does not exist.
    pub async fn set_project_rate_profile(
        &self,
        id: &str,
        profile_id: Option<&str>,
        expected_version: i64,
    ) -> Result<Stored<ProjectFile>> {
        self.set_project_rate_profile_by(id, profile_id, expected_version, None)
            .await
    }

    /// [`Store::set_project_rate_profile`] by user `by`. A profile of another organisation
    /// than the project's counts as not existing.
    pub async fn set_project_rate_profile_by(
        &self,
        id: &str,
        profile_id: Option<&str>,
        expected_version: i64,
        by: Option<&str>,
    ) -> Result<Stored<ProjectFile>> {
        let at = now();
        let row: ProjectRow = dispatch!(&self.backend, pool => {
            let mut tx = pool.begin_write().await?;
            let updated = sqlx::query(
                "UPDATE projects SET rate_profile_id = $1, version = version + 1, updated_at = $2
                 WHERE id = $3 AND version = $4
                   AND ($1 IS NULL OR EXISTS (
                       SELECT 1 FROM rate_profiles r
                       WHERE r.id = $1 AND r.org_id IS NOT DISTINCT FROM projects.org_id))",
            )
            .bind(profile_id)
            .bind(at)
            .bind(id)
            .bind(expected_version)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            let current: Option<ProjectRow> =
                sqlx::query_as(PROJECT_ROW).bind(id).fetch_optional(&mut *tx).await?;
            if updated != 1 {
                drop(tx);
                return Err(match current {
                    // Right project and version: the profile is what does not exist.
                    Some(c) if c.version == expected_version => StoreError::NotFound,
                    other => project_conflict(other)?,
                });
            }
            let current = current.ok_or(StoreError::NotFound)?;
            // The document did not change: the change list is empty (or, at a snapshot
            // position, the version is kept whole).
            let delta = (!history::is_snapshot_position(current.version)).then_some("[]");
            sqlx::query(KEEP_CHANGE)
                .bind(id)
                .bind(by)
                .bind(delta)
                .bind(SaveKind::Explicit.as_str())
                .bind(None::<i64>)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            current
        });
        row.into_stored()
    }

    // --- rate profiles ----------------------------------------------------------------------

    /// Every rate profile, by name.
    pub async fn list_rate_profiles(&self) -> Result<Vec<RateProfileSummary>> {
        dispatch!(&self.backend, pool => {
            Ok(sqlx::query_as(
                "SELECT id, name, version, updated_at FROM rate_profiles ORDER BY name, id",
            )
            .fetch_all(pool)
            .await?)
        })
    }

    /// Stores a new rate profile (version 1). `toml_text` must parse as a `RateProfile`
    /// ([`StoreError::Invalid`] says why not); `name` is what lists show — when empty, the
    /// profile's own `profile.name`.
    pub async fn create_rate_profile(
        &self,
        name: &str,
        toml_text: &str,
    ) -> Result<StoredRateProfile> {
        self.create_rate_profile_owned(None, name, toml_text).await
    }

    /// [`Store::create_rate_profile`] for organisation `org_id` (only its projects can use it).
    pub async fn create_rate_profile_in(
        &self,
        org_id: &str,
        name: &str,
        toml_text: &str,
    ) -> Result<StoredRateProfile> {
        self.create_rate_profile_owned(Some(org_id), name, toml_text)
            .await
    }

    async fn create_rate_profile_owned(
        &self,
        org_id: Option<&str>,
        name: &str,
        toml_text: &str,
    ) -> Result<StoredRateProfile> {
        let profile = check_rate_profile(toml_text)?;
        let name = profile_name(name, &profile)?;
        let id = new_id()?;
        let at = now();
        dispatch!(&self.backend, pool => {
            sqlx::query(
                "INSERT INTO rate_profiles (id, name, document, version, created_at, updated_at, org_id)
                 VALUES ($1, $2, $3, 1, $4, $4, $5)",
            )
            .bind(&id)
            .bind(&name)
            .bind(toml_text)
            .bind(at)
            .bind(org_id)
            .execute(pool)
            .await?;
        });
        Ok(StoredRateProfile {
            id,
            name,
            version: 1,
            document: toml_text.to_owned(),
            created_at: at,
            updated_at: at,
        })
    }

    /// The rate profile. [`StoreError::NotFound`] if there is none.
    pub async fn get_rate_profile(&self, id: &str) -> Result<StoredRateProfile> {
        let row: Option<StoredRateProfile> = dispatch!(&self.backend, pool => {
            sqlx::query_as(RATE_PROFILE_ROW).bind(id).fetch_optional(pool).await?
        });
        row.ok_or(StoreError::NotFound)
    }

    /// A versioned write of a rate profile, as [`Store::save_project`]: only if the stored
    /// version is `expected_version`, else [`StoreError::Conflict`] with the stored TOML.
    pub async fn save_rate_profile(
        &self,
        id: &str,
        name: &str,
        toml_text: &str,
        expected_version: i64,
    ) -> Result<StoredRateProfile> {
        let profile = check_rate_profile(toml_text)?;
        let name = profile_name(name, &profile)?;
        let at = now();
        dispatch!(&self.backend, pool => {
            let mut tx = pool.begin_write().await?;
            let updated = sqlx::query(
                "UPDATE rate_profiles SET name = $1, document = $2, version = version + 1, updated_at = $3
                 WHERE id = $4 AND version = $5",
            )
            .bind(&name)
            .bind(toml_text)
            .bind(at)
            .bind(id)
            .bind(expected_version)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if updated != 1 {
                let current: Option<StoredRateProfile> =
                    sqlx::query_as(RATE_PROFILE_ROW).bind(id).fetch_optional(&mut *tx).await?;
                drop(tx);
                let current = current.ok_or(StoreError::NotFound)?;
                return Err(StoreError::Conflict {
                    current_version: current.version,
                    current_document: Box::new(CurrentDocument::RateProfile(current.document)),
                });
            }
            let stored: StoredRateProfile =
                sqlx::query_as(RATE_PROFILE_ROW).bind(id).fetch_one(&mut *tx).await?;
            tx.commit().await?;
            Ok(stored)
        })
    }

    /// Deletes the rate profile; projects that used it are left without one (their budgets
    /// become ranges again). [`StoreError::NotFound`] if there is none.
    pub async fn delete_rate_profile(&self, id: &str) -> Result<()> {
        let deleted = dispatch!(&self.backend, pool => {
            sqlx::query("DELETE FROM rate_profiles WHERE id = $1")
                .bind(id)
                .execute(pool)
                .await?
                .rows_affected()
        });
        if deleted == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }
}

/// The error for a versioned project write that matched no row: the project is gone, or it is
/// at another version.
fn project_conflict(current: Option<ProjectRow>) -> Result<StoreError> {
    let Some(current) = current else {
        return Ok(StoreError::NotFound);
    };
    let document = read_project(&current.id, current.version, &current.document)?;
    Ok(StoreError::Conflict {
        current_version: current.version,
        current_document: Box::new(CurrentDocument::Project(document)),
    })
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("backend", &self.backend_name())
            .finish()
    }
}

/// Every future of the API is `Send` (the web server runs them on a multi-threaded runtime).
#[allow(dead_code)]
fn _futures_are_send(store: &Store, doc: &ProjectFile) {
    fn send<T: Send>(_: T) {}
    fn shared<T: Send + Sync>() {}
    shared::<Store>();
    send(store.list_projects());
    send(store.create_project(doc));
    send(store.get_project("x"));
    send(store.save_project("x", doc, 1));
    send(store.save_project_as("x", doc, 1, None, SaveKind::Autosave));
    send(store.project_history_bytes("x"));
    send(store.project_versions_documents("x", &[1]));
    send(store.delete_project("x"));
    send(store.project_version("x", 1));
    send(store.list_project_versions("x"));
    send(store.project_rate_profile("x"));
    send(store.set_project_rate_profile("x", None, 1));
    send(store.list_rate_profiles());
    send(store.create_rate_profile("x", "y"));
    send(store.get_rate_profile("x"));
    send(store.save_rate_profile("x", "y", "z", 1));
    send(store.delete_rate_profile("x"));
    send(store.integrity_check());
    send(store.schema_migrations());
    send(store.close());
    send(Store::open(StoreConfig::Sqlite("x".into())));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_12_url_safe_characters() {
        let a = new_id().unwrap();
        let b = new_id().unwrap();
        assert_eq!(a.len(), 12);
        assert!(
            a.bytes()
                .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_')
        );
        assert_ne!(a, b);
    }
}
