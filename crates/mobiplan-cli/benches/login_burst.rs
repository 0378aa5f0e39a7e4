//! Memory under a burst of failed logins: `cargo bench -p mobiplan-cli --bench login_burst`.
//!
//! Starts the release `mobiplan serve` (SQLite, a fresh data directory, one owner) and sends
//! rounds of 200 concurrent failed logins, each for another e-mail address and — through
//! `--trusted-proxy 127.0.0.1` and `X-Forwarded-For` — from another client address, so that
//! neither throttle refuses them and every one asks for a password hash (the worst case: a
//! botnet). Prints the server's resident memory (VmRSS from /proc) when idle, its peak during
//! each round (sampled every 5 ms, and the kernel's VmHWM high-water mark), and 1, 5 and 10 s
//! after the round, with the answers by status.
//!
//! Goals (issue 12): peak under 300 MB; back under 2× idle within 10 s.
//!
//! `MOBIPLAN_BURST` (default 200) and `MOBIPLAN_BURST_ROUNDS` (default 3) change the size.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

const OWNER: &str = "burst@skola.lv";
const PASSWORD: &str = "burst test passphrase";

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

fn add_owner(data_dir: &Path) {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_mobiplan"))
        .args(["user", "add", OWNER, "--name", "Burst"])
        .args(["--org-name", "Burst school", "--oid", "E10000001"])
        .args(["--country", "LV", "--town", "Rīga", "--data-dir"])
        .arg(data_dir)
        .env_remove("DATABASE_URL")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("the mobiplan binary starts");
    writeln!(child.stdin.take().unwrap(), "{PASSWORD}").unwrap();
    assert!(child.wait().unwrap().success(), "mobiplan user add");
}

fn start_server(data_dir: &Path) -> Server {
    add_owner(data_dir);
    let mut child = Command::new(env!("CARGO_BIN_EXE_mobiplan"))
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--trusted-proxy",
            "127.0.0.1",
        ])
        .arg("--data-dir")
        .arg(data_dir)
        .env_remove("DATABASE_URL")
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
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

/// A field of /proc/PID/status in kB (VmRSS, VmHWM).
fn status_kb(pid: u32, field: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

fn mb(kb: u64) -> f64 {
    kb as f64 / 1024.0
}

fn csrf_of(html: &str) -> String {
    let key = "name=\"csrf-token\" content=\"";
    let at = html.find(key).expect("a CSRF token") + key.len();
    html[at..at + html[at..].find('"').unwrap()].to_owned()
}

async fn round(base: &str, n: usize, round: usize) -> BTreeMap<u16, usize> {
    // One login form (its pre-login cookie and token) for every attempt.
    let plain = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let page = plain.get(format!("{base}/login")).send().await.unwrap();
    let pre_session = page
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next())
        .find_map(|kv| kv.strip_prefix("mobiplan_csrf="))
        .expect("the pre-login cookie")
        .to_owned();
    let token = csrf_of(&page.text().await.unwrap());
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(
        "cookie",
        format!("mobiplan_csrf={pre_session}").parse().unwrap(),
    );
    let client = reqwest::Client::builder()
        .default_headers(headers)
        .redirect(reqwest::redirect::Policy::none())
        .pool_max_idle_per_host(0)
        .build()
        .unwrap();
    let tasks: Vec<_> = (0..n)
        .map(|i| {
            let client = client.clone();
            let url = format!("{base}/login");
            let token = token.clone();
            // Another client address per attempt: the address throttle does not stop them.
            let forwarded = format!("10.{}.{}.{}", round % 250, i / 250, i % 250 + 1);
            tokio::spawn(async move {
                client
                    .post(url)
                    .header("x-forwarded-for", forwarded)
                    .form(&[
                        ("_csrf", token.as_str()),
                        ("email", &format!("nobody{round}-{i}@burst.example")),
                        ("password", "not the password"),
                    ])
                    .send()
                    .await
                    .map(|r| r.status().as_u16())
                    .unwrap_or(0)
            })
        })
        .collect();
    let mut by_status = BTreeMap::new();
    for t in tasks {
        *by_status.entry(t.await.unwrap()).or_default() += 1;
    }
    by_status
}

fn main() {
    let burst = env_number("MOBIPLAN_BURST", 200) as usize;
    let rounds = env_number("MOBIPLAN_BURST_ROUNDS", 3) as usize;
    let dir = tempfile::tempdir().unwrap();
    let server = start_server(&dir.path().join("data"));
    let pid = server.child.id();
    let base = format!("http://{}", server.addr);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    // Warm up: the first login computes the server's dummy hash for unknown addresses.
    runtime.block_on(round(&base, 1, 999));
    std::thread::sleep(Duration::from_secs(1));
    let idle = status_kb(pid, "VmRSS");
    println!("login burst: {burst} concurrent failed logins per round, {rounds} rounds");
    println!("idle RSS: {:.1} MB", mb(idle));
    let mut worst_peak = 0;
    let mut worst_after = 0;
    for r in 0..rounds {
        let peak = Arc::new(AtomicU64::new(0));
        let running = Arc::new(AtomicBool::new(true));
        let sampler = {
            let (peak, running) = (peak.clone(), running.clone());
            std::thread::spawn(move || {
                while running.load(Ordering::Relaxed) {
                    peak.fetch_max(status_kb(pid, "VmRSS"), Ordering::Relaxed);
                    std::thread::sleep(Duration::from_millis(5));
                }
            })
        };
        let started = Instant::now();
        let statuses = runtime.block_on(round(&base, burst, r));
        let took = started.elapsed();
        running.store(false, Ordering::Relaxed);
        sampler.join().unwrap();
        let peak = peak.load(Ordering::Relaxed).max(status_kb(pid, "VmRSS"));
        let mut after = Vec::new();
        let mut waited = 0;
        for at in [1, 5, 10] {
            std::thread::sleep(Duration::from_secs(at - waited));
            waited = at;
            after.push(status_kb(pid, "VmRSS"));
        }
        worst_peak = worst_peak.max(peak);
        worst_after = worst_after.max(after[2]);
        println!(
            "round {}: {:.2} s, answers {:?}; peak RSS {:.1} MB; after 1 s {:.1} MB, 5 s {:.1} MB, 10 s {:.1} MB",
            r + 1,
            took.as_secs_f64(),
            statuses,
            mb(peak),
            mb(after[0]),
            mb(after[1]),
            mb(after[2]),
        );
    }
    let hwm = status_kb(pid, "VmHWM");
    println!(
        "high-water mark (VmHWM) {:.1} MB; worst peak sampled {:.1} MB (goal < 300 MB): {}; \
         worst 10 s after a round {:.1} MB = {:.2}× idle (goal < 2×): {}",
        mb(hwm),
        mb(worst_peak),
        if hwm < 300 * 1024 { "met" } else { "NOT met" },
        mb(worst_after),
        worst_after as f64 / idle.max(1) as f64,
        if worst_after < 2 * idle {
            "met"
        } else {
            "NOT met"
        },
    );
    drop(server);
}
