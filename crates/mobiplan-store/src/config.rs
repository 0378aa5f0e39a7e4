//! Which database, and every connection setting, in one place.

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Connection, PgConnection, PgPool, SqlitePool};

use crate::error::{Result, StoreError};

/// The name of the SQLite file inside the data directory.
pub const SQLITE_FILE: &str = "mobiplan.sqlite";

/// How long a SQLite writer waits for another writer before giving up (`busy_timeout`).
const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(30);
/// SQLite in WAL mode allows concurrent readers beside the one writer.
const SQLITE_MAX_CONNECTIONS: u32 = 8;
const PG_MAX_CONNECTIONS: u32 = 10;
/// How long an operation waits for a free connection from the pool.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(30);
/// How long the first PostgreSQL connection may take (a host that drops packets would
/// otherwise hold the start-up for the operating system's TCP timeout, minutes).
const PG_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Where the store keeps its data.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StoreConfig {
    /// An SQLite file [`SQLITE_FILE`] in this data directory (created if missing).
    Sqlite(PathBuf),
    /// A PostgreSQL database, by URL (`postgres://user@host:port/db?…`). Parameters of the URL
    /// such as `options=-c search_path=…` are honoured.
    Postgres(String),
}

impl StoreConfig {
    /// PostgreSQL when a `postgres://` (or `postgresql://`) URL is given — the web server
    /// passes `DATABASE_URL` — otherwise SQLite in `data_dir`. Any other non-empty URL is
    /// refused with [`StoreError::Invalid`] rather than silently ignored.
    pub fn choose(database_url: Option<&str>, data_dir: impl Into<PathBuf>) -> Result<StoreConfig> {
        match database_url.map(str::trim).filter(|u| !u.is_empty()) {
            None => Ok(StoreConfig::Sqlite(data_dir.into())),
            Some(url) if is_postgres_url(url) => Ok(StoreConfig::Postgres(url.to_owned())),
            Some(url) => Err(StoreError::Invalid(format!(
                "the database URL must start with postgres:// (got '{}')",
                url.split(':').next().unwrap_or_default()
            ))),
        }
    }

    /// Where the data is, for people and logs, never with a password: the SQLite file, or
    /// `PostgreSQL at host:port/database`.
    pub fn describe(&self) -> String {
        match self {
            StoreConfig::Sqlite(dir) => dir.join(SQLITE_FILE).display().to_string(),
            StoreConfig::Postgres(url) => match PgConnectOptions::from_str(url) {
                Ok(options) => format!("PostgreSQL at {}", postgres_address(&options)),
                Err(_) => "PostgreSQL".to_owned(),
            },
        }
    }

    /// The SQLite file this configuration uses, if it is SQLite.
    pub fn sqlite_file(&self) -> Option<PathBuf> {
        match self {
            StoreConfig::Sqlite(dir) => Some(dir.join(SQLITE_FILE)),
            StoreConfig::Postgres(_) => None,
        }
    }
}

/// Where a PostgreSQL URL points, without user or password: `host:port/database` (or the
/// Unix socket's directory).
fn postgres_address(options: &PgConnectOptions) -> String {
    let place = match options.get_socket() {
        Some(dir) => dir.display().to_string(),
        None => format!("{}:{}", options.get_host(), options.get_port()),
    };
    match options.get_database() {
        Some(db) => format!("{place}/{db}"),
        None => place,
    }
}

fn is_postgres_url(url: &str) -> bool {
    url.starts_with("postgres://") || url.starts_with("postgresql://")
}

/// The SQLite connection settings. Every connection of the pool gets all of them.
///
/// - `journal_mode=WAL`: readers never block the writer nor the writer the readers.
/// - `synchronous=FULL`: in WAL mode the log is synced at every commit, so a transaction whose
///   commit returned survives a process kill *and* a power cut (`NORMAL` would only survive the
///   former).
/// - `foreign_keys=ON`: versions are deleted with their project, a deleted rate profile is
///   detached from its projects.
/// - `busy_timeout`: writers queue behind each other instead of failing with `SQLITE_BUSY`.
///   (Write transactions start with `BEGIN IMMEDIATE`, see `store.rs`, so the timeout applies
///   to them.)
pub(crate) fn sqlite_options(file: &Path) -> SqliteConnectOptions {
    SqliteConnectOptions::new()
        .filename(file)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full)
        .foreign_keys(true)
        .busy_timeout(SQLITE_BUSY_TIMEOUT)
}

pub(crate) async fn open_sqlite(dir: &Path) -> Result<SqlitePool> {
    create_private_dir(dir).map_err(sqlx::Error::Io)?;
    let file = dir.join(SQLITE_FILE);
    // SQLite creates its -wal and -shm files with the database file's mode, so a private
    // database file keeps all three private (password hashes and sessions live there).
    make_private_file(&file).map_err(sqlx::Error::Io)?;
    // No test query before handing out a connection: an embedded database cannot drop a
    // connection the way a server can, and the test costs a round trip to the connection's
    // worker thread on every query (sqlx still checks each connection when it is returned).
    let pool = SqlitePoolOptions::new()
        .max_connections(SQLITE_MAX_CONNECTIONS)
        .test_before_acquire(false)
        .acquire_timeout(ACQUIRE_TIMEOUT)
        .connect_with(sqlite_options(&file))
        .await?;
    // The file (and its -wal file) may just have been created: make their directory entries
    // durable too, not only their contents.
    sync_dir(dir).map_err(sqlx::Error::Io)?;
    Ok(pool)
}

/// Creates `dir` (and its parents) readable by this user only, if missing.
pub(crate) fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)
}

/// Makes `file` readable and writable by this user only: created empty with mode 0600 when
/// missing (an empty file is an empty SQLite database), narrowed to 0600 when it exists.
pub(crate) fn make_private_file(file: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(false)
            .mode(0o600)
            .open(file)?;
        std::fs::set_permissions(file, std::fs::Permissions::from_mode(0o600))?;
    }
    #[cfg(not(unix))]
    {
        let _ = file;
    }
    Ok(())
}

#[cfg(unix)]
fn sync_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::File::open(dir)?.sync_all()
}

#[cfg(not(unix))]
fn sync_dir(_dir: &Path) -> std::io::Result<()> {
    Ok(())
}

/// The PostgreSQL settings: the URL as given (default `synchronous_commit=on` makes a
/// returned commit durable), and the pool size.
///
/// One connection is made directly before the pool is built: the pool retries a failed
/// connection until its acquire timeout and then reports only "pool timed out", whereas a
/// server that refuses (or a host that does not resolve) should be said at once, in the
/// driver's own words.
pub(crate) async fn open_postgres(url: &str) -> Result<PgPool> {
    let options = PgConnectOptions::from_str(url)?.application_name("mobiplan");
    let first = PgConnection::connect_with(&options);
    match tokio::time::timeout(PG_CONNECT_TIMEOUT, first).await {
        Ok(Ok(conn)) => conn.close().await?,
        Ok(Err(e)) => {
            return Err(StoreError::Unreachable(e.to_string()));
        }
        Err(_) => {
            return Err(StoreError::Unreachable(format!(
                "no answer within {} s",
                PG_CONNECT_TIMEOUT.as_secs()
            )));
        }
    }
    let pool = PgPoolOptions::new()
        .max_connections(PG_MAX_CONNECTIONS)
        .acquire_timeout(ACQUIRE_TIMEOUT)
        .connect_with(options)
        .await?;
    Ok(pool)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn choose() {
        assert_eq!(
            StoreConfig::choose(None, "/d").unwrap(),
            StoreConfig::Sqlite("/d".into())
        );
        assert_eq!(
            StoreConfig::choose(Some("  "), "/d").unwrap(),
            StoreConfig::Sqlite("/d".into())
        );
        assert_eq!(
            StoreConfig::choose(Some("postgres://u@h/db"), "/d").unwrap(),
            StoreConfig::Postgres("postgres://u@h/db".into())
        );
        assert!(matches!(
            StoreConfig::choose(Some("postgresql://u@h/db"), "/d").unwrap(),
            StoreConfig::Postgres(_)
        ));
        let err = StoreConfig::choose(Some("mysql://u:secret@h/db"), "/d").unwrap_err();
        assert!(
            matches!(&err, StoreError::Invalid(m) if m.contains("postgres://") && !m.contains("secret"))
        );
    }

    #[test]
    fn describe_names_the_place_never_the_password() {
        let pg = StoreConfig::Postgres("postgres://u:secret@db.example:6543/plans".into());
        assert_eq!(pg.describe(), "PostgreSQL at db.example:6543/plans");
        let sqlite = StoreConfig::Sqlite("/d".into());
        assert_eq!(
            sqlite.describe(),
            Path::new("/d").join(SQLITE_FILE).display().to_string()
        );
    }

    /// A refused connection is said at once, not after the pool's acquire timeout.
    #[tokio::test]
    async fn a_refused_postgres_connection_fails_quickly_and_says_why() {
        // Nothing listens on port 1 of the loopback address.
        let started = std::time::Instant::now();
        let err = open_postgres("postgres://u:secret@127.0.0.1:1/db")
            .await
            .unwrap_err();
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "took {:?}",
            started.elapsed()
        );
        let text = err.to_string();
        assert!(matches!(err, StoreError::Unreachable(_)), "{err:?}");
        assert!(text.to_lowercase().contains("refused"), "{text}");
        assert!(!text.contains("secret"), "{text}");
    }

    /// The pragmas are in effect on every connection of the pool.
    #[tokio::test]
    async fn sqlite_pragmas() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("nested/data");
        let pool = open_sqlite(&data).await.unwrap();
        assert!(data.join(SQLITE_FILE).is_file());
        // Several connections at once: each has every setting.
        let mut conns = Vec::new();
        for _ in 0..3 {
            conns.push(pool.acquire().await.unwrap());
        }
        for conn in &mut conns {
            let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
                .fetch_one(&mut **conn)
                .await
                .unwrap();
            assert_eq!(mode, "wal");
            let sync: i64 = sqlx::query_scalar("PRAGMA synchronous")
                .fetch_one(&mut **conn)
                .await
                .unwrap();
            assert_eq!(sync, 2, "synchronous=FULL");
            let fk: i64 = sqlx::query_scalar("PRAGMA foreign_keys")
                .fetch_one(&mut **conn)
                .await
                .unwrap();
            assert_eq!(fk, 1);
            let busy: i64 = sqlx::query_scalar("PRAGMA busy_timeout")
                .fetch_one(&mut **conn)
                .await
                .unwrap();
            assert_eq!(busy, SQLITE_BUSY_TIMEOUT.as_millis() as i64);
        }
        drop(conns);
        pool.close().await;
    }
}
