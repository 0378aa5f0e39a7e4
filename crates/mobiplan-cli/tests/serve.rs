//! `mobiplan serve`, the real binary, end to end:
//!
//! - a crash test: saves stream in through the JSON API, the server is killed with SIGKILL
//!   while saves are in flight, and after a restart every acknowledged save is still there (the
//!   stored version is at least the highest acknowledged one, the document of every
//!   acknowledged version reads back, the database is intact) — on SQLite always, on
//!   PostgreSQL when DATABASE_URL is set;
//! - start-up refusals: a bad `--listen`, an address already in use, an unreachable or
//!   refusing `DATABASE_URL` and one that is not PostgreSQL's each give one clear message and
//!   exit status 2.
#![cfg(unix)]

use std::io::{BufRead, BufReader, Read};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use mobiplan_core::project::file::ProjectFile;
use mobiplan_store::{Store, StoreConfig};
use serde_json::{Value, json};

/// Stop streaming saves after this many acknowledgements …
const TARGET_ACKS: usize = 300;
/// … or after this long, whichever comes first.
const MAX_STREAM: Duration = Duration::from_secs(10);
/// Concurrent writers: while one reads its acknowledgement the others have saves in flight.
const WRITERS: usize = 4;
/// How long the server may take to print its address.
const START_TIMEOUT: Duration = Duration::from_secs(20);

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn example() -> ProjectFile {
    let text = std::fs::read_to_string(root().join("examples/sch-riga-school.toml")).unwrap();
    mobiplan_core::project::parse_toml(&text).expect("the example reads")
}

/// The title every save writes into the version it creates: version and document can then
/// be checked against each other.
fn title(version: i64) -> String {
    format!("save {version}")
}

/// A running `mobiplan serve`; killed (SIGKILL) when dropped.
struct Server {
    child: Child,
    addr: SocketAddr,
    stderr: Arc<Mutex<String>>,
}

impl Server {
    /// Starts the binary on 127.0.0.1:0 and reads the address from its first stdout line.
    fn start(data_dir: &Path, database_url: Option<&str>) -> Server {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_mobiplan"));
        cmd.args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
            .arg(data_dir)
            .env_remove("DATABASE_URL")
            .env_remove("RUST_LOG")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        if let Some(url) = database_url {
            cmd.env("DATABASE_URL", url);
        }
        let mut child = cmd.spawn().expect("the binary starts");
        let stderr = Arc::new(Mutex::new(String::new()));
        {
            let mut pipe = child.stderr.take().unwrap();
            let stderr = Arc::clone(&stderr);
            std::thread::spawn(move || {
                let mut buf = [0u8; 4096];
                while let Ok(n @ 1..) = pipe.read(&mut buf) {
                    stderr
                        .lock()
                        .unwrap()
                        .push_str(&String::from_utf8_lossy(&buf[..n]));
                }
            });
        }
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            let mut first = String::new();
            let _ = reader.read_line(&mut first);
            let _ = tx.send(first);
            // Keep reading, so that the server never writes into a closed pipe.
            let _ = std::io::copy(&mut reader, &mut std::io::sink());
        });
        let line = rx.recv_timeout(START_TIMEOUT).unwrap_or_default();
        let addr = line
            .strip_prefix("mobiplan is running at http://")
            .and_then(|rest| rest.split_once('/'))
            .and_then(|(addr, _)| addr.parse().ok());
        let Some(addr) = addr else {
            let _ = child.kill();
            let status = child.wait().unwrap();
            std::thread::sleep(Duration::from_millis(100));
            panic!(
                "no address on the first stdout line {line:?} ({status}); stderr:\n{}",
                stderr.lock().unwrap()
            );
        };
        Server {
            child,
            addr,
            stderr,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// SIGKILL (what `Child::kill` sends on Unix), then reap the process.
    fn kill(&mut self) {
        self.child.kill().expect("SIGKILL the server");
        let status = self.child.wait().unwrap();
        use std::os::unix::process::ExitStatusExt;
        assert_eq!(status.signal(), Some(9), "killed by SIGKILL: {status}");
    }

    fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What the writers share.
#[derive(Default)]
struct Stream {
    /// Every acknowledged (200) version.
    acks: Mutex<Vec<i64>>,
    /// The highest version a writer has seen (acknowledged or reported by a conflict).
    latest: AtomicI64,
    conflicts: AtomicUsize,
    /// Saves that were cut off by the kill (sent, no answer).
    cut_off: AtomicUsize,
    /// Set right after the kill.
    killed: AtomicBool,
    /// The writers stop starting new saves.
    stop: AtomicBool,
    /// Told when enough saves were acknowledged.
    enough: tokio::sync::Notify,
}

/// One writer: PUT version after version (each titled after the version it creates) until
/// stopped, recording every acknowledgement; after a conflict it starts from the version the
/// server reported.
async fn writer(client: reqwest::Client, url: String, mut doc: ProjectFile, s: Arc<Stream>) {
    while !s.stop.load(Ordering::SeqCst) {
        let base = s.latest.load(Ordering::SeqCst);
        let next = base + 1;
        doc.project.title = title(next);
        let sent = client
            .put(&url)
            .json(&json!({ "version": base, "document": doc }))
            .send()
            .await;
        let res = match sent {
            Ok(res) => res,
            Err(e) => {
                // Only the kill may cut a save off: wait for it to be announced.
                let t = Instant::now();
                while !s.killed.load(Ordering::SeqCst) {
                    assert!(
                        t.elapsed() < Duration::from_secs(5),
                        "a save failed before the kill: {e}"
                    );
                    tokio::time::sleep(Duration::from_millis(5)).await;
                }
                s.cut_off.fetch_add(1, Ordering::SeqCst);
                return;
            }
        };
        match res.status().as_u16() {
            // The status line is the acknowledgement: the server answers after the commit.
            200 => {
                let n = {
                    let mut acks = s.acks.lock().unwrap();
                    acks.push(next);
                    acks.len()
                };
                s.latest.fetch_max(next, Ordering::SeqCst);
                if n >= TARGET_ACKS {
                    s.enough.notify_one();
                }
                // The body may be cut off by the kill; when it arrives it names the version.
                if let Ok(body) = res.json::<Value>().await {
                    assert_eq!(body["version"], next, "{body}");
                }
            }
            409 => {
                s.conflicts.fetch_add(1, Ordering::SeqCst);
                match res.json::<Value>().await {
                    Ok(body) => {
                        // A merge conflict is a problem document (`current_version` at
                        // its top); a base the project never had, the error format.
                        let current = body["current_version"]
                            .as_i64()
                            .or_else(|| body["error"]["current_version"].as_i64())
                            .unwrap_or_else(|| panic!("a conflict names the version: {body}"));
                        s.latest.fetch_max(current, Ordering::SeqCst);
                    }
                    Err(_) => {
                        assert!(s.killed.load(Ordering::SeqCst) || s.stop.load(Ordering::SeqCst))
                    }
                }
            }
            status => panic!(
                "PUT version {base}: {status} {}",
                res.text().await.unwrap_or_default()
            ),
        }
    }
}

/// The whole story on one backend: create, stream saves, SIGKILL, restart, verify.
async fn crash_while_saving(data_dir: &Path, database_url: Option<&str>) {
    let started = Instant::now();
    let backend = if database_url.is_some() {
        "PostgreSQL"
    } else {
        "SQLite"
    };
    add_owner(data_dir, database_url);
    let mut server = Server::start(data_dir, database_url);
    let client = log_in(&server).await;

    let doc = example();
    let res = client
        .post(server.url("/api/projects"))
        .json(&doc)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
    let created: Value = res.json().await.unwrap();
    let id = created["id"].as_str().unwrap().to_owned();
    assert_eq!(created["version"], 1);

    // Stream saves, then kill the server while the writers still have saves in flight.
    let s = Arc::new(Stream::default());
    s.latest.store(1, Ordering::SeqCst);
    let url = server.url(&format!("/api/projects/{id}"));
    let writers: Vec<_> = (0..WRITERS)
        .map(|_| {
            tokio::spawn(writer(
                client.clone(),
                url.clone(),
                doc.clone(),
                Arc::clone(&s),
            ))
        })
        .collect();
    let stream_start = Instant::now();
    let _ = tokio::time::timeout(MAX_STREAM, s.enough.notified()).await;
    server.kill();
    s.killed.store(true, Ordering::SeqCst);
    s.stop.store(true, Ordering::SeqCst);
    let streamed = stream_start.elapsed();
    for w in writers {
        w.await.expect("a writer failed");
    }
    let stderr = server.stderr();
    assert!(
        !stderr.contains("panicked"),
        "the server panicked:\n{stderr}"
    );
    let mut acks = s.acks.lock().unwrap().clone();
    acks.sort_unstable();
    assert!(!acks.is_empty(), "no save was acknowledged in {streamed:?}");
    // Writers on the same base send the same change (the title of the version it makes), so
    // the merge acknowledges the later ones as already stored, at the same version: one
    // version may be acknowledged to several writers — each version below must hold it.
    acks.dedup();
    let highest = *acks.last().unwrap();
    eprintln!(
        "{backend}: {} saves acknowledged in {streamed:.2?} (highest version {highest}), \
         {} conflicts, {} saves cut off by the SIGKILL",
        acks.len(),
        s.conflicts.load(Ordering::SeqCst),
        s.cut_off.load(Ordering::SeqCst),
    );

    // Restart on the same data: nothing acknowledged is lost.
    let server = Server::start(data_dir, database_url);
    let res = client
        .get(server.url(&format!("/api/projects/{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let current: Value = res.json().await.unwrap();
    let version = current["version"].as_i64().unwrap();
    assert!(
        version >= highest,
        "{backend}: the project is at version {version} after the restart, but version {highest} was acknowledged"
    );
    assert_eq!(current["document"]["project"]["title"], title(version));
    // Saving goes on from there.
    let mut next_doc = doc.clone();
    next_doc.project.title = title(version + 1);
    let res = client
        .put(server.url(&format!("/api/projects/{id}")))
        .json(&json!({ "version": version, "document": next_doc }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    drop(server);

    // Every acknowledged version, read from the database itself.
    let config = match database_url {
        Some(url) => StoreConfig::Postgres(url.to_owned()),
        None => StoreConfig::Sqlite(data_dir.to_path_buf()),
    };
    let store = Store::open(config).await.expect("the database opens");
    store
        .integrity_check()
        .await
        .expect("the database is intact");
    for &v in &acks {
        let saved = store
            .project_version(&id, v)
            .await
            .unwrap_or_else(|e| panic!("{backend}: acknowledged version {v} is gone: {e}"));
        assert_eq!(saved.project.title, title(v), "{backend}: version {v}");
        assert_eq!(saved.activities, doc.activities, "{backend}: version {v}");
    }
    // The history has no holes: 1 ..= the current version, each once.
    let history = store.list_project_versions(&id).await.unwrap();
    let mut numbers: Vec<i64> = history.iter().map(|h| h.version).collect();
    numbers.sort_unstable();
    assert_eq!(numbers, (1..=version + 1).collect::<Vec<_>>(), "{backend}");
    assert_eq!(store.get_project(&id).await.unwrap().version, version + 1);
    store.delete_project(&id).await.unwrap();
    store.close().await;
    eprintln!("{backend}: crash test done in {:.2?}", started.elapsed());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_saves_survive_a_sigkill_of_the_server_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    crash_while_saving(&dir.path().join("data"), None).await;
}

/// The same on PostgreSQL, in a database of its own, when DATABASE_URL is set (required under
/// CI, skipped visibly otherwise).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_saves_survive_a_sigkill_of_the_server_postgres() {
    let url = match std::env::var("DATABASE_URL") {
        Ok(url) if !url.trim().is_empty() => url,
        _ => {
            assert!(
                std::env::var_os("CI").is_none(),
                "CI must set DATABASE_URL: the PostgreSQL tests may not be skipped there"
            );
            eprintln!("SKIPPED (PostgreSQL crash test): DATABASE_URL is not set");
            return;
        }
    };
    let (fresh, name) = fresh_postgres(&url).await;
    let dir = tempfile::tempdir().unwrap();
    crash_while_saving(dir.path(), Some(&fresh)).await;
    drop_postgres(&url, &name).await;
}

/// A new database on the server at `url`: (its URL, its name).
async fn fresh_postgres(url: &str) -> (String, String) {
    use sqlx::Connection;
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    let name = format!("mobiplan_crash_{}_{nanos}", std::process::id());
    let mut conn = sqlx::PgConnection::connect(url)
        .await
        .expect("DATABASE_URL reachable");
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut conn)
        .await
        .expect("create the test database");
    conn.close().await.ok();
    // Same server, another database: replace the path of the URL, keep its query.
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, format!("?{q}")),
        None => (url, String::new()),
    };
    let server = match base.rsplit_once('/') {
        Some((s, _)) if s.contains("://") && !s.ends_with('/') => s,
        _ => base,
    };
    (format!("{server}/{name}{query}"), name)
}

async fn drop_postgres(url: &str, name: &str) {
    use sqlx::Connection;
    if let Ok(mut conn) = sqlx::PgConnection::connect(url).await {
        let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .execute(&mut conn)
            .await;
        conn.close().await.ok();
    }
}

// --- start-up refusals -----------------------------------------------------------------------

const OWNER: &str = "owner@skola.lv";
const PASSWORD: &str = "correct horse battery staple";

/// `mobiplan user add` for the first owner, the password on standard input.
fn add_owner(data_dir: &Path, database_url: Option<&str>) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_mobiplan"));
    cmd.args([
        "user",
        "add",
        OWNER,
        "--name",
        "Anna",
        "--org-name",
        "Skola",
    ])
    .args([
        "--oid",
        "E10000001",
        "--country",
        "lv",
        "--town",
        "Rīga",
        "--data-dir",
    ])
    .arg(data_dir)
    .env_remove("DATABASE_URL")
    .stdin(Stdio::piped())
    .stdout(Stdio::piped())
    .stderr(Stdio::piped());
    if let Some(url) = database_url {
        cmd.env("DATABASE_URL", url);
    }
    let mut child = cmd.spawn().expect("the binary starts");
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().unwrap();
        writeln!(stdin, "{PASSWORD}").unwrap();
    }
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "user add: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains(OWNER));
}

/// The value of cookie `name` in a response's Set-Cookie headers.
fn set_cookie(res: &reqwest::Response, name: &str) -> Option<String> {
    res.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next())
        .filter_map(|kv| kv.split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

fn csrf_of(html: &str) -> String {
    let key = "name=\"csrf-token\" content=\"";
    let at = html.find(key).expect("a CSRF token") + key.len();
    html[at..at + html[at..].find('"').unwrap()].to_owned()
}

/// Logs in as the owner; the client sends the session cookie and the CSRF token.
async fn log_in(server: &Server) -> reqwest::Client {
    let plain = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let page = plain.get(server.url("/login")).send().await.unwrap();
    let anon = set_cookie(&page, "mobiplan_csrf").expect("a CSRF cookie");
    let token = csrf_of(&page.text().await.unwrap());
    let res = plain
        .post(server.url("/login"))
        .header("cookie", format!("mobiplan_csrf={anon}"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!(
            "_csrf={token}&email={}&password={}",
            OWNER.replace('@', "%40"),
            PASSWORD.replace(' ', "+")
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303, "login");
    let session = set_cookie(&res, "mobiplan_session").expect("a session cookie");
    let cookie = format!("mobiplan_session={session}");
    let account = plain
        .get(server.url("/account"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(account.status(), 200);
    let csrf = csrf_of(&account.text().await.unwrap());
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("cookie", cookie.parse().unwrap());
    headers.insert("x-csrf-token", csrf.parse().unwrap());
    reqwest::Client::builder()
        .default_headers(headers)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

#[test]
fn serve_refuses_a_public_address_without_accounts() {
    let out = serve_refused(&["--listen", "0.0.0.0:0"], None, Duration::from_secs(10));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("without accounts") && stderr.contains("mobiplan user add"),
        "says why and what to do: {stderr}"
    );
}

/// Runs `mobiplan serve` with `args` (and `DATABASE_URL` if given), expecting it to exit on
/// its own within `within`.
fn serve_refused(args: &[&str], database_url: Option<&str>, within: Duration) -> Output {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_mobiplan"));
    cmd.arg("serve")
        .args(args)
        .arg("--data-dir")
        .arg(dir.path().join("data"))
        .env_remove("DATABASE_URL")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(url) = database_url {
        cmd.env("DATABASE_URL", url);
    }
    let mut child = cmd.spawn().expect("the binary starts");
    let t = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if t.elapsed() > within {
            let _ = child.kill();
            let out = child.wait_with_output().unwrap();
            panic!(
                "`mobiplan serve {}` was still running after {within:?}; stdout: {} stderr: {}",
                args.join(" "),
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(2),
        "{args:?}: {}\n{stderr}",
        out.status
    );
    assert!(
        !String::from_utf8_lossy(&out.stdout).contains("is running"),
        "{args:?}: claims to be running"
    );
    assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    out
}

#[test]
fn serve_refuses_a_listen_address_that_is_not_one() {
    let out = serve_refused(
        &["--listen", "localhost:eighty"],
        None,
        Duration::from_secs(10),
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("--listen") && stderr.contains("localhost:eighty"),
        "names the option and the value: {stderr}"
    );
}

#[test]
fn serve_refuses_an_address_already_in_use() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let out = serve_refused(&["--listen", &addr], None, Duration::from_secs(10));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!("cannot listen on {addr}")),
        "names the address: {stderr}"
    );
    assert_eq!(stderr.trim().lines().count(), 1, "one line: {stderr}");
}

#[test]
fn serve_refuses_an_unreachable_database() {
    // A host that cannot exist (RFC 6761): the connection fails at once.
    let url = "postgres://mobiplan@db.nonexistent.invalid/mobiplan";
    let out = serve_refused(
        &["--listen", "127.0.0.1:0"],
        Some(url),
        Duration::from_secs(20),
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("cannot open the database"),
        "says what failed: {stderr}"
    );
    assert_eq!(stderr.trim().lines().count(), 1, "one line: {stderr}");
}

/// Nothing listens at the address of `DATABASE_URL`: the refusal is said at once (the pool on
/// its own would retry until its acquire timeout and then only say "pool timed out").
#[test]
fn serve_refuses_a_database_that_refuses_the_connection_quickly_and_says_so() {
    // Nothing listens on port 1: the connection is refused.
    let url = "postgres://mobiplan@127.0.0.1:1/mobiplan";
    let out = serve_refused(
        &["--listen", "127.0.0.1:0"],
        Some(url),
        Duration::from_secs(10),
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("127.0.0.1:1") || stderr.to_lowercase().contains("refused"),
        "{stderr}"
    );
}

/// A `DATABASE_URL` of another database is refused by its scheme, not tried as PostgreSQL,
/// and the password in it is never shown.
#[test]
fn serve_refuses_a_database_url_that_is_not_postgres() {
    let out = serve_refused(
        &["--listen", "127.0.0.1:0"],
        Some("mysql://u:secret@db.nonexistent.invalid/db"),
        Duration::from_secs(10),
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("postgres://"), "{stderr}");
    assert!(!stderr.contains("secret"), "{stderr}");
}

/// `mobiplan backup` of a server's SQLite database while writers stream saves, then
/// `mobiplan restore` into a fresh data directory: the restored database passes the
/// integrity check and holds every save acknowledged before the backup started.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_taken_while_saves_run_restores_every_acknowledged_save() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    add_owner(&data, None);
    let server = Server::start(&data, None);
    let client = log_in(&server).await;
    let doc = example();
    let res = client
        .post(server.url("/api/projects"))
        .json(&doc)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
    let id = res.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();

    let s = Arc::new(Stream::default());
    s.latest.store(1, Ordering::SeqCst);
    let url = server.url(&format!("/api/projects/{id}"));
    let writers: Vec<_> = (0..WRITERS)
        .map(|_| {
            tokio::spawn(writer(
                client.clone(),
                url.clone(),
                doc.clone(),
                Arc::clone(&s),
            ))
        })
        .collect();
    let t = Instant::now();
    while s.acks.lock().unwrap().len() < 20 {
        assert!(
            t.elapsed() < MAX_STREAM,
            "the writers do not get saves through"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let acked_before: Vec<i64> = s.acks.lock().unwrap().clone();
    let file = dir.path().join("backup.sqlite");
    let backup = {
        let data = data.clone();
        let file = file.clone();
        tokio::task::spawn_blocking(move || {
            Command::new(env!("CARGO_BIN_EXE_mobiplan"))
                .arg("backup")
                .arg(&file)
                .arg("--data-dir")
                .arg(&data)
                .env_remove("DATABASE_URL")
                .output()
                .unwrap()
        })
        .await
        .unwrap()
    };
    let saves_during_backup = s.acks.lock().unwrap().len() - acked_before.len();
    s.stop.store(true, Ordering::SeqCst);
    for w in writers {
        w.await.expect("a writer failed");
    }
    // Never over the running server's database: it would acknowledge saves into a file that
    // is then replaced.
    let out = Command::new(env!("CARGO_BIN_EXE_mobiplan"))
        .arg("restore")
        .arg(&file)
        .arg("--data-dir")
        .arg(&data)
        .env_remove("DATABASE_URL")
        .output()
        .unwrap();
    let refusal = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(2),
        "restore under a server: {refusal}"
    );
    assert!(
        refusal.contains("stop the server") && refusal.contains(&server.child.id().to_string()),
        "{refusal}"
    );
    // The server's log: a line per request with the route's template and the user's id,
    // never the e-mail address.
    let log = server.stderr();
    assert!(
        log.contains("route=\"/api/projects/{id}\"") && log.contains("status=200"),
        "{log}"
    );
    assert!(
        log.contains("mobiplan serving"),
        "the configuration at start: {log}"
    );
    assert!(!log.contains(OWNER), "no e-mail address in the log");
    drop(server);
    assert!(
        backup.status.success(),
        "backup: {}",
        String::from_utf8_lossy(&backup.stderr)
    );
    assert!(String::from_utf8_lossy(&backup.stdout).contains("integrity check: ok"));
    eprintln!(
        "{} saves acknowledged before the backup, {saves_during_backup} while it ran",
        acked_before.len()
    );

    let restored = dir.path().join("restored");
    let out = Command::new(env!("CARGO_BIN_EXE_mobiplan"))
        .arg("restore")
        .arg(&file)
        .arg("--data-dir")
        .arg(&restored)
        .env_remove("DATABASE_URL")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "restore: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let store = Store::open(StoreConfig::Sqlite(restored))
        .await
        .expect("the restored database opens");
    store
        .integrity_check()
        .await
        .expect("the restored database is intact");
    for &v in &acked_before {
        let saved = store
            .project_version(&id, v)
            .await
            .unwrap_or_else(|e| panic!("acknowledged version {v} is not in the backup: {e}"));
        assert_eq!(saved.project.title, title(v), "version {v}");
    }
    let current = store.get_project(&id).await.unwrap();
    assert!(current.version >= *acked_before.iter().max().unwrap());
    assert!(
        store.credentials(OWNER).await.unwrap().is_some(),
        "the accounts are in the backup"
    );
    store.close().await;

    // A restore never takes a broken file.
    let junk = dir.path().join("junk.sqlite");
    std::fs::write(&junk, b"not a database").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_mobiplan"))
        .arg("restore")
        .arg(&junk)
        .arg("--data-dir")
        .arg(dir.path().join("other"))
        .env_remove("DATABASE_URL")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("junk.sqlite"));
}

/// `mobiplan user add` refuses a short password and a malformed organisation ID, naming the
/// field, and then a second user with the same e-mail.
#[test]
fn user_add_names_the_field_it_refuses() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let add = |email: &str, oid: &str, password: &str| {
        use std::io::Write;
        let mut child = Command::new(env!("CARGO_BIN_EXE_mobiplan"))
            .args([
                "user",
                "add",
                email,
                "--name",
                "Anna",
                "--org-name",
                "Skola",
            ])
            .args([
                "--oid",
                oid,
                "--country",
                "LV",
                "--town",
                "Rīga",
                "--data-dir",
            ])
            .arg(&data)
            .env_remove("DATABASE_URL")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        writeln!(child.stdin.take().unwrap(), "{password}").unwrap();
        child.wait_with_output().unwrap()
    };
    let out = add("a@skola.lv", "E10000001", "short");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("password"));
    let out = add("a@skola.lv", "X1", PASSWORD);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("oid"));
    let out = add("a@skola.lv", "E10000001", PASSWORD);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = add("A@skola.lv", "E10000002", PASSWORD);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("already exists"));
}
