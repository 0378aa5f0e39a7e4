//! Load benchmark of the real server: `cargo bench -p mobiplan-cli --bench serve_load`.
//!
//! Starts the release `mobiplan serve` on 127.0.0.1:0 with a fresh SQLite data directory,
//! creates one project per client from `examples/sch-riga-school.toml`, and runs closed-loop
//! clients on loopback (each sends its next request when the previous one is answered):
//!
//! - **A — edit an activity, get checks and budget back**: each client edits the course
//!   activity of *its own* project through the activity editor form
//!   (`POST /projects/{id}/activities/course-valencia`, `Accept: application/json`), starting
//!   from the version the previous answer gave — what the autosave of 50 coordinators each
//!   editing their own plan does. No conflicts are expected (any would be counted).
//! - **B — a trivial request**: `GET /assets/app-<hash>.css` (the style sheet).
//! - **A + B** (for information): the A clients again, with a few B clients beside them, to
//!   show what a trivial request waits while saves run.
//!
//! Prints requests per second, p50 and p99 latency per phase and p99(A) / p99(B) (target ≤ 2).
//! The load generator runs in this process, on the same machine as the server.
//!
//! `MOBIPLAN_LOAD_CLIENTS` (default 50) and `MOBIPLAN_LOAD_SECS` (default 10, per phase)
//! change the size and the length of the run.
//!
//! Measured on the 2-core development machine (50 clients, 10 s per phase):
//! - before the field-level merge and versions stored as changes: A 1,094 req/s (p50 41 ms,
//!   p99 121 ms), B 11,798 req/s (p99 6.4 ms);
//! - 2026-12-06, with them (and a log line per request): A 851 req/s (p50 54 ms, p99 159 ms),
//!   B 12,768 req/s (p99 6.4 ms); p99(A)/p99(B) = 25. The save path is the next thing to
//!   make cheaper (issue 14): the merge renders the editor's form for the base version.
//! - 2026-12-07, with group commit of SQLite saves (many saves per COMMIT, issue 14), 8 s per
//!   phase on the shared machine (load average 1.3–2.1 before): A 1,296 and 1,437 req/s (p50
//!   38 and 34 ms, p99 64 and 62 ms), B 7,772 and 7,788 req/s (p99 13.4 ms) — B shows the
//!   machine busier than for the runs above.
//! - 2026-12-07, side by side within one minute (8 s per phase, the SCH example as it was
//!   before its application's words, load average ~2): without group commit (the save path
//!   that reads the project once, with fewer queries) A 665 req/s, p50 68 ms, p99 202 ms,
//!   B 10,515 req/s, p99 10.1 ms; with group commit A 1,668 req/s, p50 29 ms, p99 52 ms,
//!   B 9,779 req/s, p99 9.8 ms — 2.5 times the saves per second, p99(A)/p99(B) 20 → 5.3.
//!   (The machine's fsync took ~1–3 ms; one COMMIT per save capped A near 1 per fsync.)

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use mobiplan_core::project::file::ProjectFile;
use serde_json::Value;

/// The activity every client edits (a course for two teachers in Valencia).
const ACTIVITY: &str = "course-valencia";
/// Clients of the trivial request beside the editing clients in the mixed phase.
const MIXED_PROBES: usize = 5;
const WARMUP: Duration = Duration::from_secs(1);

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The running server; killed when dropped.
struct Server {
    child: Child,
    addr: SocketAddr,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

const OWNER: &str = "load@skola.lv";
const PASSWORD: &str = "load test passphrase";

/// The first owner, by `mobiplan user add` (the password on standard input).
fn add_owner(data_dir: &Path) {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_mobiplan"))
        .args([
            "user",
            "add",
            OWNER,
            "--name",
            "Load",
            "--org-name",
            "Load school",
        ])
        .args([
            "--oid",
            "E10000001",
            "--country",
            "LV",
            "--town",
            "Rīga",
            "--data-dir",
        ])
        .arg(data_dir)
        .env_remove("DATABASE_URL")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("the mobiplan binary starts");
    writeln!(child.stdin.take().unwrap(), "{PASSWORD}").unwrap();
    assert!(child.wait().unwrap().success(), "mobiplan user add");
}

fn cookie_of(res: &reqwest::Response, name: &str) -> String {
    res.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next())
        .filter_map(|kv| kv.split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
        .unwrap_or_else(|| panic!("no {name} cookie"))
}

fn csrf_of(html: &str) -> String {
    let key = "name=\"csrf-token\" content=\"";
    let at = html.find(key).expect("a CSRF token") + key.len();
    html[at..at + html[at..].find('"').unwrap()].to_owned()
}

/// A client logged in as the owner: the session cookie and the CSRF token on every request.
async fn logged_in(base: &str, pool: usize) -> reqwest::Client {
    let plain = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let page = plain.get(format!("{base}/login")).send().await.unwrap();
    let anon = cookie_of(&page, "mobiplan_csrf");
    let token = csrf_of(&page.text().await.unwrap());
    let res = plain
        .post(format!("{base}/login"))
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
    let cookie = format!("mobiplan_session={}", cookie_of(&res, "mobiplan_session"));
    let account = plain
        .get(format!("{base}/account"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    let csrf = csrf_of(&account.text().await.unwrap());
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("cookie", cookie.parse().unwrap());
    headers.insert("x-csrf-token", csrf.parse().unwrap());
    reqwest::Client::builder()
        .default_headers(headers)
        .pool_max_idle_per_host(pool)
        .build()
        .unwrap()
}

fn start_server(data_dir: &Path) -> Server {
    if !data_dir.join("mobiplan.sqlite").exists() {
        add_owner(data_dir);
    }
    let mut child = Command::new(env!("CARGO_BIN_EXE_mobiplan"))
        .args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
        .arg(data_dir)
        .env_remove("DATABASE_URL")
        .env_remove("RUST_LOG")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("the mobiplan binary starts");
    let mut reader = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    reader
        .read_line(&mut line)
        .expect("the server's first line");
    std::thread::spawn(move || std::io::copy(&mut reader, &mut std::io::sink()));
    let addr = line
        .strip_prefix("mobiplan is running at http://")
        .and_then(|rest| rest.split_once('/'))
        .and_then(|(addr, _)| addr.parse().ok())
        .unwrap_or_else(|| panic!("no address in the server's first line: {line:?}"));
    Server { child, addr }
}

/// The course editor form as the page sends it, with the example's values and a new title.
fn course_form(version: i64, title: &str) -> Vec<(&'static str, String)> {
    let mut form: Vec<(&'static str, String)> = vec![
        ("version", version.to_string()),
        ("title", title.to_owned()),
        ("start", "2026-10-05".into()),
        ("end", "2026-10-09".into()),
        ("participants_names", "anna".into()),
        ("participants_names", "janis".into()),
        ("host_name", "Valencia Teacher Academy".into()),
        ("host_country", "ES".into()),
        ("host_town", "Valencia".into()),
        ("host_lat", "39.46975".into()),
        ("host_lon", "-0.37739".into()),
        ("travel_distance_km", "2630.47".into()),
        ("travel_means", "plane".into()),
        ("travel_days", "2".into()),
        ("course_provider", "Valencia Teacher Academy".into()),
        (
            "course_title",
            "Digital tools for the inclusive classroom".into(),
        ),
    ];
    for q in [
        "information",
        "pedagogy",
        "european-dimension",
        "quality-service",
        "follow-up",
    ] {
        form.push(("course_quality", q.into()));
    }
    form
}

/// Latencies and failures of one client.
#[derive(Default)]
struct Samples {
    latencies_us: Vec<u64>,
    failures: usize,
    conflicts: usize,
}

impl Samples {
    fn merge(mut self, other: Samples) -> Samples {
        self.latencies_us.extend(other.latencies_us);
        self.failures += other.failures;
        self.conflicts += other.conflicts;
        self
    }
}

/// One editing client: saves its project's course again and again until `until`; samples are
/// kept only from `from` on (the warm-up before it is not counted).
async fn editor(
    client: reqwest::Client,
    base: String,
    id: String,
    mut version: i64,
    from: Instant,
    until: Instant,
) -> (Samples, i64) {
    let url = format!("{base}/projects/{id}/activities/{ACTIVITY}");
    let mut s = Samples::default();
    let mut n = 0u64;
    while Instant::now() < until {
        n += 1;
        let form = course_form(
            version,
            &format!("Digital tools for the inclusive classroom ({n})"),
        );
        let t = Instant::now();
        let res = client
            .post(&url)
            .header("accept", "application/json")
            .form(&form)
            .send()
            .await;
        let body = match res {
            Ok(res) => {
                let status = res.status().as_u16();
                (status, res.json::<Value>().await.ok())
            }
            Err(_) => (0, None),
        };
        let elapsed = t.elapsed();
        match body {
            (200, Some(v)) if v["ok"] == true && v["findings_html"].is_string() => {
                version = v["version"].as_i64().expect("the new version");
                if t >= from {
                    s.latencies_us.push(elapsed.as_micros() as u64);
                }
            }
            (409, Some(v)) => {
                s.conflicts += 1;
                version = v["current_version"].as_i64().unwrap_or(version);
            }
            (status, v) => {
                s.failures += 1;
                if s.failures <= 3 {
                    eprintln!("edit failed: {status} {v:?}");
                }
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        }
    }
    (s, version)
}

/// One client of the trivial request.
async fn trivial(client: reqwest::Client, url: String, from: Instant, until: Instant) -> Samples {
    let mut s = Samples::default();
    while Instant::now() < until {
        let t = Instant::now();
        let ok = match client.get(&url).send().await {
            Ok(res) if res.status() == 200 => res.bytes().await.is_ok_and(|b| !b.is_empty()),
            _ => false,
        };
        let elapsed = t.elapsed();
        if !ok {
            s.failures += 1;
            tokio::time::sleep(Duration::from_millis(10)).await;
        } else if t >= from {
            s.latencies_us.push(elapsed.as_micros() as u64);
        }
    }
    s
}

struct Report {
    name: &'static str,
    requests: usize,
    seconds: f64,
    p50_ms: f64,
    p99_ms: f64,
    max_ms: f64,
    failures: usize,
    conflicts: usize,
}

fn percentile(sorted: &[u64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1] as f64 / 1000.0
}

fn report(name: &'static str, mut s: Samples, seconds: f64) -> Report {
    s.latencies_us.sort_unstable();
    Report {
        name,
        requests: s.latencies_us.len(),
        seconds,
        p50_ms: percentile(&s.latencies_us, 0.50),
        p99_ms: percentile(&s.latencies_us, 0.99),
        max_ms: s
            .latencies_us
            .last()
            .map_or(f64::NAN, |m| *m as f64 / 1000.0),
        failures: s.failures,
        conflicts: s.conflicts,
    }
}

fn print(r: &Report) {
    println!(
        "{:<44} {:>7} req {:>9.1} req/s   p50 {:>8.2} ms   p99 {:>8.2} ms   max {:>8.2} ms   failed {}   conflicts {}",
        r.name,
        r.requests,
        r.requests as f64 / r.seconds,
        r.p50_ms,
        r.p99_ms,
        r.max_ms,
        r.failures,
        r.conflicts
    );
}

fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "?".into())
}

async fn run(base: String, clients: usize, phase: Duration) {
    let client = logged_in(&base, clients + MIXED_PROBES).await;
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/sch-riga-school.toml"),
    )
    .unwrap();
    let example: ProjectFile =
        mobiplan_core::project::parse_toml(&text).expect("the example reads");

    // The style sheet's address carries a hash of its content: read it from a page.
    let home = client
        .get(format!("{base}/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let css_path = home
        .split("href=\"")
        .filter_map(|rest| rest.split('"').next())
        .find(|href| href.starts_with("/assets/") && href.ends_with(".css"))
        .expect("the page links its style sheet")
        .to_owned();

    // One project per client.
    let mut projects = Vec::new();
    for i in 0..clients {
        let mut doc = example.clone();
        doc.project.title = format!("Load client {i}");
        let res = client
            .post(format!("{base}/api/projects"))
            .json(&doc)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 201);
        let v: Value = res.json().await.unwrap();
        projects.push((
            v["id"].as_str().unwrap().to_owned(),
            v["version"].as_i64().unwrap(),
        ));
    }
    // The answer carries checks and budget: make sure the form really saves.
    {
        let (id, version) = &projects[0];
        let res = client
            .post(format!("{base}/projects/{id}/activities/{ACTIVITY}"))
            .header("accept", "application/json")
            .form(&course_form(
                *version,
                "Digital tools for the inclusive classroom",
            ))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
        let v: Value = res.json().await.unwrap();
        assert_eq!(v["ok"], true, "{v}");
        assert_eq!(v["errors"], 0, "the example stays valid: {v}");
        projects[0].1 = v["version"].as_i64().unwrap();
    }

    let edit_phase = |projects: Vec<(String, i64)>, probes: usize| {
        let client = client.clone();
        let base = base.clone();
        let css_path = css_path.clone();
        async move {
            let start = Instant::now();
            let from = start + WARMUP;
            let until = from + phase;
            let editors: Vec<_> = projects
                .into_iter()
                .map(|(id, v)| {
                    tokio::spawn(editor(client.clone(), base.clone(), id, v, from, until))
                })
                .collect();
            let probes: Vec<_> = (0..probes)
                .map(|_| {
                    tokio::spawn(trivial(
                        client.clone(),
                        format!("{base}{css_path}"),
                        from,
                        until,
                    ))
                })
                .collect();
            let mut edits = Samples::default();
            let mut versions = Vec::new();
            for e in editors {
                let (s, v) = e.await.unwrap();
                edits = edits.merge(s);
                versions.push(v);
            }
            let mut trivial = Samples::default();
            for p in probes {
                trivial = trivial.merge(p.await.unwrap());
            }
            let seconds = from.elapsed().as_secs_f64();
            (edits, trivial, versions, seconds)
        }
    };

    println!(
        "mobiplan serve (release, SQLite WAL synchronous=FULL) on {base}: {clients} closed-loop clients, \
         {}s per phase after {}s warm-up; {} CPUs, load average before: {}",
        phase.as_secs(),
        WARMUP.as_secs(),
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        loadavg()
    );

    // A: edit an activity, get checks and budget back.
    let (edits, _, versions, seconds) = edit_phase(projects.clone(), 0).await;
    let a = report("A  POST activity form (Accept: json)", edits, seconds);
    print(&a);
    let projects: Vec<(String, i64)> = projects
        .into_iter()
        .map(|(id, _)| id)
        .zip(versions)
        .collect();

    // B: a trivial request.
    let start = Instant::now();
    let from = start + WARMUP;
    let until = from + phase;
    let tasks: Vec<_> = (0..clients)
        .map(|_| {
            tokio::spawn(trivial(
                client.clone(),
                format!("{base}{css_path}"),
                from,
                until,
            ))
        })
        .collect();
    let mut css = Samples::default();
    for t in tasks {
        css = css.merge(t.await.unwrap());
    }
    let b = report(
        "B  GET /assets/app-<hash>.css",
        css,
        from.elapsed().as_secs_f64(),
    );
    print(&b);

    // A + B: the trivial request beside the edits.
    let (edits, probes, _, seconds) = edit_phase(projects, MIXED_PROBES).await;
    let mixed_a = report("A+B  the edits", edits, seconds);
    let mixed_b = report("A+B  GET css (5 clients beside the edits)", probes, seconds);
    print(&mixed_a);
    print(&mixed_b);

    println!(
        "p99(A) / p99(B) = {:.2} / {:.2} ms = {:.1} (target ≤ 2); load average after: {}",
        a.p99_ms,
        b.p99_ms,
        a.p99_ms / b.p99_ms,
        loadavg()
    );
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` runs this with no argument and
    // gets a short smoke run instead of the full benchmark.
    let full = std::env::args().any(|a| a == "--bench");
    let clients = env_number("MOBIPLAN_LOAD_CLIENTS", 50) as usize;
    let phase = Duration::from_secs(env_number("MOBIPLAN_LOAD_SECS", if full { 10 } else { 1 }));
    let dir = tempfile::tempdir().unwrap();
    let server = start_server(&dir.path().join("data"));
    let base = format!("http://{}", server.addr);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(run(base, clients, phase));
    drop(server);
}
