//! `spawn_app`: the real router on 127.0.0.1:0 with a fresh, migrated database, and a client
//! with one helper per thing the tests do.

#![allow(dead_code)]

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde_json::Value;

#[derive(Clone, Debug)]
pub enum Backend {
    Sqlite,
    Postgres(String),
}

pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// SQLite always; PostgreSQL when DATABASE_URL is set. Without it the PostgreSQL half says it
/// was skipped — and fails under CI, where nothing may be skipped silently.
pub fn backends() -> Vec<Backend> {
    let mut v = vec![Backend::Sqlite];
    match std::env::var("DATABASE_URL") {
        Ok(url) if !url.is_empty() => v.push(Backend::Postgres(url)),
        _ => {
            assert!(
                std::env::var_os("CI").is_none(),
                "CI must set DATABASE_URL: the PostgreSQL tests may not be skipped there"
            );
            eprintln!("SKIPPED (PostgreSQL half): DATABASE_URL is not set");
        }
    }
    v
}

pub struct App {
    pub addr: SocketAddr,
    pub client: reqwest::Client,
    _dir: tempfile::TempDir,
}

/// A database of its own for one test on the PostgreSQL server at `url`.
async fn fresh_postgres(url: &str) -> String {
    use sqlx::Connection;
    let name = format!(
        "mobiplan_test_{}",
        std::process::id() as u64 * 1_000_000 + rand_suffix()
    );
    let mut conn = sqlx::PgConnection::connect(url)
        .await
        .expect("DATABASE_URL reachable");
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut conn)
        .await
        .expect("create test database");
    // Same server, another database: replace the path of the URL, keep its query.
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, format!("?{q}")),
        None => (url, String::new()),
    };
    let server = match base.rsplit_once('/') {
        Some((s, _)) if s.contains("://") => s,
        _ => base,
    };
    format!("{server}/{name}{query}")
}

fn rand_suffix() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos() as u64)
        .unwrap_or(0);
    (nanos % 1000) * 1000 + N.fetch_add(1, Ordering::Relaxed) % 1000
}

pub async fn spawn_app(backend: Backend) -> App {
    let dir = tempfile::tempdir().expect("temp dir");
    let database_url = match &backend {
        Backend::Sqlite => None,
        Backend::Postgres(url) => Some(fresh_postgres(url).await),
    };
    let config = mobiplan_web::Config {
        listen: "127.0.0.1:0".parse().unwrap(),
        data_dir: dir.path().to_path_buf(),
        database_url,
    };
    let state = mobiplan_web::AppState::open(&config)
        .await
        .expect("the store opens");
    let listener = tokio::net::TcpListener::bind(config.listen).await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(listener, mobiplan_web::router(state))
            .await
            .unwrap();
    });
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    App {
        addr,
        client,
        _dir: dir,
    }
}

impl App {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub async fn get_text(&self, path: &str) -> String {
        let res = self.client.get(self.url(path)).send().await.unwrap();
        assert!(res.status().is_success(), "GET {path}: {}", res.status());
        res.text().await.unwrap()
    }

    pub async fn post_form(&self, path: &str, form: &[(String, String)]) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .form(form)
            .send()
            .await
            .unwrap()
    }

    /// The way the autosave script posts: the same form, asking for JSON.
    pub async fn post_form_json(&self, path: &str, form: &[(String, String)]) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .header("accept", "application/json")
            .form(form)
            .send()
            .await
            .unwrap()
    }

    pub async fn create_project(&self, applicant: &str, field: &str) -> String {
        let form: Vec<(String, String)> = [
            ("title", "Digital and outdoor learning"),
            ("field", field),
            ("call_year", "2026"),
            ("round", "1"),
            ("start", "2026-09-01"),
            ("duration_months", "12"),
            ("application_date", "2026-02-10"),
            ("applicant_name", applicant),
            ("applicant_country", "LV"),
            ("applicant_town", "Rīga"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let res = self.post_form("/projects", &form).await;
        assert_eq!(res.status(), 303, "create: {}", res.text().await.unwrap());
        res.headers()["location"]
            .to_str()
            .unwrap()
            .trim_start_matches("/projects/")
            .to_owned()
    }

    pub async fn stored(&self, id: &str) -> Value {
        self.client
            .get(self.url(&format!("/api/projects/{id}")))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    pub async fn version(&self, id: &str) -> i64 {
        self.stored(id).await["version"].as_i64().unwrap()
    }

    pub async fn document(&self, id: &str) -> Value {
        self.stored(id).await["document"].clone()
    }

    pub async fn first_activity(&self, id: &str) -> String {
        self.document(id).await["activities"][0]["id"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    pub async fn evaluation(&self, id: &str) -> Value {
        self.client
            .get(self.url(&format!("/api/projects/{id}/evaluation")))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }
}

/// A course for two teachers in Valencia, as the activity editor posts it (without `version`).
pub const COURSE_FORM: &[(&str, &str)] = &[
    ("kind", "course"),
    ("title", "Digital tools"),
    ("start", "2026-10-05"),
    ("end", "2026-10-09"),
    ("host_name", "Valencia Teacher Academy"),
    ("host_country", "ES"),
    ("host_town", "Valencia"),
    ("participants_count", "2"),
    ("travel_distance_km", "2630.47"),
    ("travel_means", "plane"),
    ("travel_days", "2"),
    ("course_provider", "Valencia Teacher Academy"),
    ("course_title", "Digital tools"),
    ("course_quality", "information"),
    ("course_quality", "pedagogy"),
    ("course_quality", "european-dimension"),
    ("course_quality", "quality-service"),
    ("course_quality", "follow-up"),
];

impl App {
    /// Adds an activity through the plain form post onto the project's current version and
    /// returns the new activity's id.
    pub async fn add_activity(&self, id: &str, form: &[(&str, &str)]) -> String {
        let before: Vec<Value> = self.document(id).await["activities"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let mut pairs: Vec<(String, String)> = form
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        pairs.push(("version".into(), self.version(id).await.to_string()));
        let res = self
            .post_form(&format!("/projects/{id}/activities"), &pairs)
            .await;
        assert_eq!(
            res.status(),
            303,
            "add activity: {}",
            res.text().await.unwrap()
        );
        let after = self.document(id).await["activities"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        after
            .iter()
            .find(|a| !before.iter().any(|b| b["id"] == a["id"]))
            .and_then(|a| a["id"].as_str())
            .expect("the new activity is stored")
            .to_owned()
    }
}
