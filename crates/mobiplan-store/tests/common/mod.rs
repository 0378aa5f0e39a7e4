//! Test fixtures: a fresh SQLite data directory, or a fresh PostgreSQL schema, per test.
#![allow(dead_code, unused_macros)]

/// Generates `sqlite::<case>` and `postgres::<case>` for every case of the file's `cases`
/// module, so each case runs against both backends.
macro_rules! suite {
    ($($case:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $case() {
                    crate::common::run(
                        crate::common::Kind::Sqlite,
                        concat!("sqlite::", stringify!($case)),
                        crate::cases::$case,
                    )
                    .await
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $case() {
                    crate::common::run(
                        crate::common::Kind::Postgres,
                        concat!("postgres::", stringify!($case)),
                        crate::cases::$case,
                    )
                    .await
                }
            )*
        }
    };
}

use std::future::Future;
use std::io::Write;
use std::sync::Arc;

use mobiplan_core::project::file::ProjectFile;
use mobiplan_store::{Store, StoreConfig};
use sqlx::Connection;
use sqlx::postgres::PgConnection;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Sqlite,
    Postgres,
}

/// Where one test keeps its data; removed after the test.
pub struct Fixture {
    pub kind: Kind,
    pub config: StoreConfig,
    dir: Option<tempfile::TempDir>,
    /// (admin URL, schema) for PostgreSQL.
    pg: Option<(String, String)>,
}

impl Fixture {
    /// Opens a store on this test's data (again and again: each call is a new `Store`).
    pub async fn open(&self) -> Store {
        Store::open(self.config.clone())
            .await
            .unwrap_or_else(|e| panic!("open {:?}: {e}", self.kind))
    }

    pub fn data_dir(&self) -> Option<&std::path::Path> {
        self.dir.as_ref().map(|d| d.path())
    }
}

/// The PostgreSQL URL for the tests, or `None` (with a visible `SKIPPED` line) — and a failure
/// when `CI` is set: CI must not silently skip the PostgreSQL tests.
pub fn database_url(test: &str) -> Option<String> {
    let url = std::env::var("DATABASE_URL")
        .ok()
        .filter(|u| !u.trim().is_empty());
    if url.is_none() {
        if std::env::var_os("CI").is_some_and(|v| !v.is_empty()) {
            panic!(
                "{test}: CI is set but DATABASE_URL is not: the PostgreSQL tests must run in CI \
                 (set DATABASE_URL=postgres://…)"
            );
        }
        // Written to the real stderr (not captured by the test harness) so the skip is seen.
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED: DATABASE_URL not set ({test} against PostgreSQL)"
        );
    }
    url
}

fn random_suffix() -> String {
    let mut b = [0u8; 8];
    getrandom::fill(&mut b).expect("random bytes");
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn with_search_path(url: &str, schema: &str) -> String {
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}options=-c%20search_path%3D{schema}")
}

async fn fixture(kind: Kind, test: &str) -> Option<Fixture> {
    match kind {
        Kind::Sqlite => {
            let dir = tempfile::tempdir().expect("temp dir");
            Some(Fixture {
                kind,
                config: StoreConfig::Sqlite(dir.path().join("data")),
                dir: Some(dir),
                pg: None,
            })
        }
        Kind::Postgres => {
            let url = database_url(test)?;
            let schema = format!("mobiplan_test_{}", random_suffix());
            let mut conn = PgConnection::connect(&url)
                .await
                .expect("connect to DATABASE_URL");
            sqlx::raw_sql(&format!("CREATE SCHEMA {schema}"))
                .execute(&mut conn)
                .await
                .expect("create schema");
            conn.close().await.ok();
            Some(Fixture {
                kind,
                config: StoreConfig::Postgres(with_search_path(&url, &schema)),
                dir: None,
                pg: Some((url, schema)),
            })
        }
    }
}

/// Runs one test against a fresh store of `kind`, then removes its data — also when the test
/// fails (the failure is re-raised after the cleanup).
pub async fn run<F, Fut>(kind: Kind, test: &str, body: F)
where
    F: FnOnce(Arc<Fixture>) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let Some(fx) = fixture(kind, test).await else {
        return;
    };
    let fx = Arc::new(fx);
    let result = tokio::spawn(body(fx.clone())).await;
    if let Some((url, schema)) = &fx.pg {
        let mut conn = PgConnection::connect(url)
            .await
            .expect("connect to DATABASE_URL");
        sqlx::raw_sql(&format!("DROP SCHEMA {schema} CASCADE"))
            .execute(&mut conn)
            .await
            .expect("drop schema");
        conn.close().await.ok();
    }
    if let Err(e) = result {
        std::panic::resume_unwind(e.into_panic());
    }
}

/// A valid project (the Riga school example) with the given title.
pub fn project(title: &str) -> ProjectFile {
    let mut doc = mobiplan_core::project::parse_toml(include_str!(
        "../../../../examples/sch-riga-school.toml"
    ))
    .expect("example project parses");
    doc.project.title = title.to_owned();
    doc
}

/// Another valid project (the Daugavpils adult-education example).
pub fn adult_project(title: &str) -> ProjectFile {
    let mut doc = mobiplan_core::project::parse_toml(include_str!(
        "../../../../examples/adu-daugavpils-adult-centre.toml"
    ))
    .expect("example project parses");
    doc.project.title = title.to_owned();
    doc
}

/// The example agency rate profile (TOML).
pub const RATES: &str = include_str!("../../../../examples/rates/example-agency-2026.toml");
