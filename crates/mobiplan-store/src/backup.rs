//! Backup and restore of the embedded SQLite database.
//!
//! A backup is `VACUUM INTO`: one read transaction copies a consistent snapshot while the
//! server goes on writing (WAL readers never block the writer), so a backup holds every write
//! acknowledged before it started. A restore checks the file first, keeps the database it
//! replaces next to it, and only then swaps the files. PostgreSQL has its own tools
//! (`pg_dump` / `pg_restore`, see docs/operations.md).

use std::path::{Path, PathBuf};

use sqlx::Connection;
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};

use crate::config::SQLITE_FILE;
use crate::error::{Result, StoreError};
use crate::lock::DataDirLock;
use crate::migrations::latest_version;
use crate::store::Backend;
use crate::{Store, StoreConfig};

fn io(e: std::io::Error) -> StoreError {
    StoreError::Database(sqlx::Error::Io(e))
}

impl Store {
    /// Writes a consistent snapshot of the SQLite database to `file`, which must not exist
    /// yet. On PostgreSQL: [`StoreError::Invalid`] naming `pg_dump`.
    pub async fn backup_to(&self, file: &Path) -> Result<()> {
        let Backend::Sqlite(pool) = &self.backend else {
            return Err(StoreError::Invalid(
                "mobiplan backup copies the embedded SQLite database; for PostgreSQL use \
                 pg_dump (see docs/operations.md)"
                    .into(),
            ));
        };
        if file.exists() {
            return Err(StoreError::Exists(format!(
                "{} already exists; a backup never overwrites a file",
                file.display()
            )));
        }
        let target = file.to_str().ok_or_else(|| {
            StoreError::Invalid(format!("{} is not a UTF-8 path", file.display()))
        })?;
        // Created private before SQLite writes into it: a backup holds the password hashes.
        crate::config::make_private_file(file).map_err(io)?;
        sqlx::query("VACUUM INTO $1")
            .bind(target)
            .execute(pool)
            .await?;
        std::fs::File::open(file)
            .and_then(|f| f.sync_all())
            .map_err(io)?;
        Ok(())
    }
}

/// Checks that `file` is an intact mobiplan SQLite database this program can open: the
/// integrity check passes and its schema is not newer than this program's.
pub async fn verify_sqlite_backup(file: &Path) -> Result<()> {
    if !file.is_file() {
        return Err(StoreError::Invalid(format!(
            "{} is not a file",
            file.display()
        )));
    }
    let options = SqliteConnectOptions::new()
        .filename(file)
        .read_only(true)
        .create_if_missing(false);
    let mut conn = SqliteConnection::connect_with(&options)
        .await
        .map_err(|e| {
            StoreError::Invalid(format!("{} is not a SQLite database: {e}", file.display()))
        })?;
    let report: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_all(&mut conn)
        .await
        .map_err(|e| StoreError::Invalid(format!("{} cannot be read: {e}", file.display())))?;
    if report != ["ok"] {
        return Err(StoreError::Corrupt(report.join("; ")));
    }
    let version: Option<i64> = sqlx::query_scalar("SELECT MAX(version) FROM schema_migrations")
        .fetch_one(&mut conn)
        .await
        .map_err(|_| {
            StoreError::Invalid(format!(
                "{} is a SQLite database but not a mobiplan one (no schema_migrations)",
                file.display()
            ))
        })?;
    conn.close().await?;
    match version {
        Some(v) if v > latest_version() => Err(StoreError::Invalid(format!(
            "{} has schema version {v}; this mobiplan knows up to {}",
            file.display(),
            latest_version()
        ))),
        _ => Ok(()),
    }
}

/// Replaces the SQLite database in `data_dir` with the backup `file` (checked first with
/// [`verify_sqlite_backup`]). The database it replaces is kept as a snapshot beside it; the
/// returned path names that snapshot (`None` when there was no database). Refused with
/// [`StoreError::Locked`] while a server holds `data_dir` ([`DataDirLock`]).
pub async fn restore_sqlite(file: &Path, data_dir: &Path) -> Result<Option<PathBuf>> {
    // Held until the new file is in place: a server starting meanwhile waits its turn, and a
    // running one makes the restore refuse before anything changes.
    let _lock = DataDirLock::acquire(data_dir)?;
    verify_sqlite_backup(file).await?;
    let target = data_dir.join(SQLITE_FILE);
    let kept = if target.exists() {
        let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%SZ");
        let kept = data_dir.join(format!("{SQLITE_FILE}.before-restore-{stamp}"));
        let old = Store::open(StoreConfig::Sqlite(data_dir.to_path_buf())).await?;
        let result = old.backup_to(&kept).await;
        old.close().await;
        result?;
        Some(kept)
    } else {
        None
    };
    let tmp = data_dir.join(format!("{SQLITE_FILE}.restoring"));
    std::fs::copy(file, &tmp).map_err(io)?;
    crate::config::make_private_file(&tmp).map_err(io)?;
    std::fs::File::open(&tmp)
        .and_then(|f| f.sync_all())
        .map_err(io)?;
    for suffix in ["-wal", "-shm"] {
        let side = data_dir.join(format!("{SQLITE_FILE}{suffix}"));
        match std::fs::remove_file(&side) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(io(e)),
        }
    }
    std::fs::rename(&tmp, &target).map_err(io)?;
    std::fs::File::open(data_dir)
        .and_then(|d| d.sync_all())
        .map_err(io)?;
    Ok(kept)
}
