//! `spawn_app`: the real router on 127.0.0.1:0 with a fresh, migrated database, and a client
//! with one helper per thing the tests do.

#![allow(dead_code)]

pub mod html;

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
    /// Logged in as the owner of organisation `org` (after [`spawn_app`]); sends the CSRF
    /// token with every request, as the pages and the script do.
    pub client: reqwest::Client,
    pub state: mobiplan_web::AppState,
    /// The server's clock: stands still until a test moves it.
    pub clock: mobiplan_web::auth::ManualClock,
    /// The first owner's organisation (empty after [`spawn_empty`]).
    pub org: String,
    /// How the server was started (the same database for [`App::another_instance`]).
    pub config: mobiplan_web::Config,
    _dir: tempfile::TempDir,
}

/// The password of every user the tests create.
pub const PASSWORD: &str = "correct horse battery staple";
/// The first owner's e-mail.
pub const OWNER: &str = "owner@skola-a.lv";

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

/// The app with no user yet (the first-run state), and a client that is not logged in.
pub async fn spawn_empty(backend: Backend) -> App {
    spawn_configured(backend, |_| {}).await
}

/// [`spawn_empty`] with the configuration changed first (limits, public URL …).
pub async fn spawn_configured(
    backend: Backend,
    change: impl FnOnce(&mut mobiplan_web::Config),
) -> App {
    let dir = tempfile::tempdir().expect("temp dir");
    let database_url = match &backend {
        Backend::Sqlite => None,
        Backend::Postgres(url) => Some(fresh_postgres(url).await),
    };
    let mut config = mobiplan_web::Config::new(
        "127.0.0.1:0".parse().unwrap(),
        dir.path().to_path_buf(),
        database_url,
    );
    change(&mut config);
    let (clock, handle) = mobiplan_web::auth::Clock::manual(chrono::Utc::now());
    let (state, addr) = start(&config, clock).await;
    App {
        addr,
        client: anonymous_client(),
        state,
        clock: handle,
        org: String::new(),
        config,
        _dir: dir,
    }
}

/// Opens the store of `config` and serves it on a new port of 127.0.0.1.
async fn start(
    config: &mobiplan_web::Config,
    clock: mobiplan_web::auth::Clock,
) -> (mobiplan_web::AppState, SocketAddr) {
    let state = mobiplan_web::AppState::open_with(
        config,
        clock,
        mobiplan_web::auth::SecurityPolicy::default(),
    )
    .await
    .expect("the store opens");
    let listener = tokio::net::TcpListener::bind(config.listen).await.unwrap();
    let addr = listener.local_addr().unwrap();
    let router = mobiplan_web::router(state.clone());
    // The server's own accept loop, with its limits and the peer address each request needs.
    tokio::spawn(mobiplan_web::server::serve(listener, router, config.limits));
    (state, addr)
}

impl App {
    /// A second server on the same database (as behind a load balancer), with its own
    /// memory and the same clock as this one; its address.
    pub async fn another_instance(&self) -> SocketAddr {
        // The instances' clocks move together: a test moves this app's clock only.
        let mine = self.clock.clone();
        let follow = mobiplan_web::auth::Clock::from_fn(move || mine.now());
        start(&self.config, follow).await.1
    }
}

/// A client with a cookie store that does not follow redirects.
pub fn anonymous_client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// The app with a first owner ([`OWNER`]) of organisation "Skola A", logged in as `client`.
pub async fn spawn_app(backend: Backend) -> App {
    with_owner(spawn_empty(backend).await).await
}

/// The app given its first owner ([`OWNER`]) of organisation "Skola A", logged in as `client`.
pub async fn with_owner(mut app: App) -> App {
    let (org, _) = app
        .state
        .store
        .create_first_owner(
            &mobiplan_store::NewOrganisation {
                name: "Skola A",
                oid: "E10000001",
                country: "LV",
                town: "Rīga",
            },
            &mobiplan_store::NewUser {
                email: OWNER,
                name: "Anna Owner",
                password_hash: &password_hash(),
            },
        )
        .await
        .expect("the first owner");
    app.org = org.id;
    app.client = app.login(OWNER, PASSWORD).await;
    app
}

/// The argon2id hash of [`PASSWORD`] (computed once: hashing is slow on purpose).
pub fn password_hash() -> String {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| mobiplan_web::auth::hash_password(PASSWORD).unwrap())
        .clone()
}

/// The CSRF token of a page (its `<meta name="csrf-token">`).
pub fn csrf_of(html: &str) -> String {
    let at = html
        .find("name=\"csrf-token\" content=\"")
        .expect("the page has a CSRF token");
    let rest = &html[at + "name=\"csrf-token\" content=\"".len()..];
    rest[..rest.find('"').unwrap()].to_owned()
}

impl App {
    /// Logs in through the login form; the client then sends the session's CSRF token with
    /// every request (as the pages and the script do).
    pub async fn login(&self, email: &str, password: &str) -> reqwest::Client {
        let jar = std::sync::Arc::new(reqwest::cookie::Jar::default());
        let plain = reqwest::Client::builder()
            .cookie_provider(jar.clone())
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let page = plain.get(self.url("/login")).send().await.unwrap();
        let token = csrf_of(&page.text().await.unwrap());
        let res = plain
            .post(self.url("/login"))
            .form(&[
                ("_csrf", token.as_str()),
                ("email", email),
                ("password", password),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(
            res.status(),
            303,
            "login of {email}: {}",
            res.text().await.unwrap()
        );
        let home = plain.get(self.url("/account")).send().await.unwrap();
        assert_eq!(home.status(), 200, "logged in");
        let token = csrf_of(&home.text().await.unwrap());
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert("x-csrf-token", token.parse().unwrap());
        reqwest::Client::builder()
            .cookie_provider(jar)
            .default_headers(headers)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap()
    }

    /// A new organisation with a new owner; returns the organisation's id.
    pub async fn add_org(&self, name: &str, owner_email: &str) -> String {
        let (org, _) = self
            .state
            .store
            .create_organisation_with_owner(
                &mobiplan_store::NewOrganisation {
                    name,
                    oid: "E10000002",
                    country: "EE",
                    town: "Tartu",
                },
                &mobiplan_store::NewUser {
                    email: owner_email,
                    name: "Other Owner",
                    password_hash: &password_hash(),
                },
            )
            .await
            .expect("another organisation");
        org.id
    }

    /// A new user in `org` with `role`.
    pub async fn add_member(&self, org: &str, email: &str, role: mobiplan_store::Role) {
        self.state
            .store
            .create_user_in(
                org,
                role,
                &mobiplan_store::NewUser {
                    email,
                    name: "Member",
                    password_hash: &password_hash(),
                },
            )
            .await
            .expect("a member");
    }
}

impl App {
    /// Imports `examples/<example>` through the import form; the new project's id and the
    /// file's text.
    pub async fn import_example(&self, example: &str) -> (String, String) {
        let text = std::fs::read_to_string(root().join("examples").join(example)).unwrap();
        let id = self.import_text(example, &text).await;
        (id, text)
    }

    /// Imports a project file's `text` under the file name `name`; the new project's id.
    pub async fn import_text(&self, name: &str, text: &str) -> String {
        let res = self.post_import(name, text, "en").await;
        assert_eq!(res.status(), 303);
        res.headers()["location"]
            .to_str()
            .unwrap()
            .trim_start_matches("/projects/")
            .to_owned()
    }

    /// Sends a file to the import form as a browser does, with the page's language `lang`;
    /// the answer as it comes (a redirect to the new project, or the refusal).
    pub async fn post_import(
        &self,
        name: &str,
        body: impl Into<Vec<u8>>,
        lang: &str,
    ) -> reqwest::Response {
        let form = reqwest::multipart::Form::new().part(
            "file",
            reqwest::multipart::Part::bytes(body.into()).file_name(name.to_owned()),
        );
        self.client
            .post(self.url("/projects/import"))
            .header("accept-language", lang)
            .multipart(form)
            .send()
            .await
            .unwrap()
    }

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
