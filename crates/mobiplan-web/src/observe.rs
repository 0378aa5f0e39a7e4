//! What operators see: one log line per request, a request id, and the Prometheus metrics.
//!
//! The log line names the method, the route *template* (`/projects/{id}`, never the path with
//! its ids, never a query string), the status, the latency, the request id and the user id —
//! never an e-mail address, a password, a token or a document. The same request id is sent
//! back in `X-Request-Id` and is on every line logged while the request runs (its span), so a
//! 5xx's cause can be found from what the user saw.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;
use tracing::Instrument;

use crate::state::AppState;

/// The request id header, read from a trusted proxy's request and always answered.
pub const REQUEST_ID: &str = "x-request-id";

/// The user a request ran as, set by the guard on the response for the log line.
#[derive(Clone, Debug)]
pub struct LoggedUser(pub String);

/// Latency buckets in seconds (upper bounds), as Prometheus histograms want them.
const BUCKETS: [f64; 11] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// A request slower than this is logged as a warning.
const SLOW_SECONDS: f64 = 1.0;

#[derive(Default)]
struct Histogram {
    counts: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

/// The counters behind `/metrics`. Hand-written rather than a metrics crate: a few counters
/// and one histogram family are all the format needs.
#[derive(Default)]
pub struct Metrics {
    requests: Mutex<BTreeMap<(String, &'static str, u16), u64>>,
    latency: Mutex<BTreeMap<String, Histogram>>,
    pub saves: AtomicU64,
    pub merges: AtomicU64,
    pub conflicts: AtomicU64,
    pub failed_logins: AtomicU64,
    pub throttled_logins: AtomicU64,
    pub hashing_refused: AtomicU64,
    pub rejected_hosts: AtomicU64,
}

fn method_name(m: &axum::http::Method) -> &'static str {
    match m.as_str() {
        "GET" => "GET",
        "HEAD" => "HEAD",
        "POST" => "POST",
        "PUT" => "PUT",
        "DELETE" => "DELETE",
        "OPTIONS" => "OPTIONS",
        "PATCH" => "PATCH",
        _ => "OTHER",
    }
}

impl Metrics {
    fn observe(&self, route: &str, method: &'static str, status: u16, seconds: f64) {
        {
            let mut r = self.requests.lock().unwrap_or_else(|p| p.into_inner());
            *r.entry((route.to_owned(), method, status)).or_default() += 1;
        }
        let mut l = self.latency.lock().unwrap_or_else(|p| p.into_inner());
        let h = l.entry(route.to_owned()).or_default();
        for (i, le) in BUCKETS.iter().enumerate() {
            if seconds <= *le {
                h.counts[i] += 1;
            }
        }
        h.count += 1;
        h.sum += seconds;
    }

    /// Counts one versioned save (and whether it was merged onto a newer version).
    pub fn saved(&self, merged: bool) {
        self.saves.fetch_add(1, Ordering::Relaxed);
        if merged {
            self.merges.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// The Prometheus text exposition format (version 0.0.4).
    pub fn render(&self, pool: mobiplan_store::PoolStatus) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "# HELP mobiplan_http_requests_total HTTP requests by route template, method and status.\n\
             # TYPE mobiplan_http_requests_total counter"
        );
        for ((route, method, status), n) in self
            .requests
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
        {
            let _ = writeln!(
                out,
                "mobiplan_http_requests_total{{route=\"{}\",method=\"{method}\",status=\"{status}\"}} {n}",
                label(route)
            );
        }
        let _ = writeln!(
            out,
            "# HELP mobiplan_http_request_duration_seconds Time from the request to the response's head.\n\
             # TYPE mobiplan_http_request_duration_seconds histogram"
        );
        for (route, h) in self
            .latency
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
        {
            let route = label(route);
            for (le, n) in BUCKETS.iter().zip(h.counts) {
                let _ = writeln!(
                    out,
                    "mobiplan_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"{le}\"}} {n}"
                );
            }
            let _ = writeln!(
                out,
                "mobiplan_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"+Inf\"}} {}\n\
                 mobiplan_http_request_duration_seconds_sum{{route=\"{route}\"}} {}\n\
                 mobiplan_http_request_duration_seconds_count{{route=\"{route}\"}} {}",
                h.count, h.sum, h.count
            );
        }
        let counters = [
            (
                "mobiplan_saves_total",
                "Project saves written.",
                &self.saves,
            ),
            (
                "mobiplan_merges_total",
                "Saves applied onto a newer version (another part had changed).",
                &self.merges,
            ),
            (
                "mobiplan_conflicts_total",
                "Saves refused because the same part had changed.",
                &self.conflicts,
            ),
            (
                "mobiplan_failed_logins_total",
                "Logins with a wrong e-mail or password.",
                &self.failed_logins,
            ),
            (
                "mobiplan_throttled_logins_total",
                "Logins refused by the throttle before any password check.",
                &self.throttled_logins,
            ),
            (
                "mobiplan_password_hashing_refused_total",
                "Requests refused because every password-hashing slot was busy.",
                &self.hashing_refused,
            ),
            (
                "mobiplan_misdirected_requests_total",
                "Requests refused for a Host name that is not this server's.",
                &self.rejected_hosts,
            ),
        ];
        for (name, help, value) in counters {
            let _ = writeln!(
                out,
                "# HELP {name} {help}\n# TYPE {name} counter\n{name} {}",
                value.load(Ordering::Relaxed)
            );
        }
        let _ = writeln!(
            out,
            "# HELP mobiplan_db_pool_connections Open database connections.\n\
             # TYPE mobiplan_db_pool_connections gauge\n\
             mobiplan_db_pool_connections {}\n\
             # HELP mobiplan_db_pool_idle_connections Open database connections not in use.\n\
             # TYPE mobiplan_db_pool_idle_connections gauge\n\
             mobiplan_db_pool_idle_connections {}\n\
             # HELP mobiplan_db_pool_max_connections The pool's limit.\n\
             # TYPE mobiplan_db_pool_max_connections gauge\n\
             mobiplan_db_pool_max_connections {}",
            pool.size, pool.idle, pool.max
        );
        out
    }
}

/// A label value with `\`, `"` and newlines escaped (route templates have none, but the
/// format must stay valid whatever a route is called).
fn label(v: &str) -> String {
    v.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// A request id from a proxy is kept only if it is short and plain; otherwise a new one.
fn request_id(req: &Request) -> String {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    if let Some(v) = req.headers().get(REQUEST_ID).and_then(|v| v.to_str().ok())
        && !v.is_empty()
        && v.len() <= 64
        && v.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.')
    {
        return v.to_owned();
    }
    let mut bytes = [0u8; 6];
    let random = getrandom::fill(&mut bytes).is_ok();
    if random {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    } else {
        format!("n{}", NEXT.fetch_add(1, Ordering::Relaxed))
    }
}

/// The outermost middleware: request id, span, log line, metrics.
pub async fn observe(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let started = Instant::now();
    let id = request_id(&req);
    let method = method_name(req.method());
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "(unmatched)".to_owned(), |m| m.as_str().to_owned());
    let span = tracing::info_span!("request", request_id = %id);
    let mut res = next.run(req).instrument(span.clone()).await;
    let seconds = started.elapsed().as_secs_f64();
    let status = res.status().as_u16();
    state.metrics.observe(&route, method, status, seconds);
    if status == 409 {
        state.metrics.conflicts.fetch_add(1, Ordering::Relaxed);
    }
    let user = res
        .extensions()
        .get::<LoggedUser>()
        .map_or("-", |u| u.0.as_str())
        .to_owned();
    let latency_ms = (seconds * 1000.0 * 10.0).round() / 10.0;
    span.in_scope(|| {
        if status >= 500 {
            tracing::error!(target: "mobiplan::request", method, route, status, latency_ms, user, "request");
        } else if seconds >= SLOW_SECONDS {
            tracing::warn!(target: "mobiplan::request", method, route, status, latency_ms, user, slow = true, "request");
        } else {
            tracing::info!(target: "mobiplan::request", method, route, status, latency_ms, user, "request");
        }
    });
    if let Ok(v) = HeaderValue::from_str(&id) {
        res.headers_mut().insert(REQUEST_ID, v);
    }
    res
}
