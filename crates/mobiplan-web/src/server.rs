//! The HTTP server's own limits: how many connections, how long a client may take to send a
//! request head (or stay idle between requests), how long a whole request may take, and how
//! large a body may be. `axum::serve` sets none of these, so a client that opens connections
//! and sends nothing holds them (and a file descriptor each) for ever.
//!
//! HTTP/1.1 only: mobiplan runs behind a proxy on a public address, and HTTP/1's head timeout
//! also closes a keep-alive connection that stays idle.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode};
use axum::response::{IntoResponse, Response};
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tower::ServiceExt;

/// The limits of the HTTP server (defaults in [`ServerLimits::default`]).
#[derive(Clone, Copy, Debug)]
pub struct ServerLimits {
    /// How long a client may take to send a request's head; also how long a keep-alive
    /// connection may stay idle between requests.
    pub header_read_timeout: Duration,
    /// How long a whole request may take, body included (a slow upload ends with 408).
    pub request_timeout: Duration,
    /// The largest request body (413 beyond it).
    pub max_body: usize,
    /// Connections served at once; further ones wait in the listen queue.
    pub max_connections: usize,
    /// Password hashes computed at once (each takes 19 MiB and a core for a moment).
    pub hash_workers: usize,
    /// Password checks that may wait for a hashing slot; beyond them, 503 at once.
    pub hash_queue: usize,
}

impl Default for ServerLimits {
    fn default() -> ServerLimits {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        ServerLimits {
            header_read_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(60),
            // An imported project file or a rate profile is a few kilobytes; 2 MiB leaves
            // room for the largest plan while bounding what one request can make the server
            // hold.
            max_body: 2 * 1024 * 1024,
            max_connections: 1024,
            hash_workers: cores,
            hash_queue: cores * 4,
        }
    }
}

/// Serves `router` on `listener` within `limits`, until the listener fails for good. Each
/// request carries its peer address as [`ConnectInfo`].
pub async fn serve(listener: TcpListener, router: Router, limits: ServerLimits) {
    let slots = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    loop {
        // At the cap, stop accepting: the kernel's listen queue holds the rest, and every
        // connection held frees its slot after the head timeout at the latest.
        let Ok(slot) = slots.clone().acquire_owned().await else {
            return;
        };
        let (stream, peer) = match listener.accept().await {
            Ok(c) => c,
            Err(e) => {
                // Out of file descriptors (EMFILE) and the like: wait instead of spinning.
                tracing::warn!(error = %e, "accepting a connection failed");
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        let router = router.clone();
        tokio::spawn(async move {
            let _slot = slot;
            let service = hyper::service::service_fn(move |req: Request<Incoming>| {
                let router = router.clone();
                async move { Ok::<_, Infallible>(handle(router, req, peer, limits).await) }
            });
            let mut http = hyper::server::conn::http1::Builder::new();
            http.timer(TokioTimer::new())
                .header_read_timeout(limits.header_read_timeout)
                .keep_alive(true);
            let conn = http.serve_connection(TokioIo::new(stream), service);
            if let Err(e) = conn.await {
                tracing::debug!(error = %e, "connection ended");
            }
        });
    }
}

async fn handle(
    router: Router,
    req: Request<Incoming>,
    peer: SocketAddr,
    limits: ServerLimits,
) -> Response {
    let mut req = req.map(Body::new);
    req.extensions_mut().insert(ConnectInfo(peer));
    match tokio::time::timeout(limits.request_timeout, router.oneshot(req)).await {
        Ok(Ok(res)) => res,
        Ok(Err(never)) => match never {},
        Err(_) => {
            tracing::warn!(
                timeout_s = limits.request_timeout.as_secs(),
                "request timed out"
            );
            let text = crate::i18n::t(crate::i18n::Lang::default(), "web.request-timeout");
            (StatusCode::REQUEST_TIMEOUT, text).into_response()
        }
    }
}
