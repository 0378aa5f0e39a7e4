//! mobiplan's web application: server-rendered HTML that works without JavaScript, enhanced by
//! one small script (autosave, live checks), and a JSON API for everything the pages do.
//!
//! Only this crate knows HTML and HTTP; it asks the core for findings and budgets and the store
//! for documents.

mod access;
pub mod admin;
pub mod auth;
pub mod editions;
mod error;
mod eval;
mod forms;
mod handlers;
mod i18n;
pub mod input;
mod observe;
mod routes;
pub mod server;
mod state;
mod views;

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;

pub use access::{Access, Need};
pub use input::url_host::PublicUrl;
pub use mobiplan_store::Role;
pub use routes::{ROUTES, RouteInfo, operator_router, router};
pub use server::ServerLimits;
pub use state::AppState;

/// How to run the server.
#[derive(Clone, Debug)]
pub struct Config {
    pub listen: SocketAddr,
    pub data_dir: PathBuf,
    /// `postgres://…` to use PostgreSQL instead of the embedded SQLite file.
    pub database_url: Option<String>,
    /// Where people reach the server (`--public-url`): its host is allowed in `Host`, and
    /// `https://` makes cookies `Secure`.
    pub public_url: Option<PublicUrl>,
    /// Proxies whose `X-Forwarded-For` names the client (`--trusted-proxy`); from anyone
    /// else the header is ignored.
    pub trusted_proxies: Vec<IpAddr>,
    /// A second address serving only `/metrics`, `/healthz` and `/readyz`
    /// (`--metrics-listen`), for a monitoring network.
    pub metrics_listen: Option<SocketAddr>,
    pub limits: ServerLimits,
}

impl Config {
    /// A configuration with the defaults for everything but where to listen and the data.
    pub fn new(listen: SocketAddr, data_dir: PathBuf, database_url: Option<String>) -> Config {
        Config {
            listen,
            data_dir,
            database_url,
            public_url: None,
            trusted_proxies: Vec::new(),
            metrics_listen: None,
            limits: ServerLimits::default(),
        }
    }
}

/// Opens the store (creating and migrating it), binds, and serves until the process ends.
pub async fn serve(config: Config) -> Result<(), String> {
    // Whatever replaces the SQLite file (`mobiplan restore`) must wait until this server
    // ends; PostgreSQL is shared by design and restored with its own tools.
    let _lock = match config.database_url {
        None => Some(
            mobiplan_store::DataDirLock::acquire(&config.data_dir).map_err(|e| e.to_string())?,
        ),
        Some(_) => None,
    };
    let state = AppState::open(&config).await?;
    // Anyone who reaches the first-run setup page becomes the owner: on an address other
    // machines can reach, the first owner must exist before the server starts.
    if !config.listen.ip().is_loopback() && !state.has_users().await.map_err(|e| e.to_string())? {
        return Err(format!(
            "mobiplan will not serve {} without accounts: anyone reaching it could make \
             themselves the owner. Create the first owner first:\n  \
             mobiplan user add EMAIL --name NAME --org-name ORG --oid E10000000 --country LV --town TOWN\n\
             (the password is read from standard input), or set up on 127.0.0.1 first.",
            config.listen
        ));
    }
    // The throttle table keeps a row per address and account that ever failed; rows quiet
    // for longer than the longest block count for nothing and go.
    let housekeeping = state.clone();
    tokio::spawn(async move {
        let mut hourly = tokio::time::interval(std::time::Duration::from_secs(3600));
        loop {
            hourly.tick().await;
            let policy = &housekeeping.policy;
            let quiet_before =
                housekeeping.clock.now() - policy.max_throttle_delay - policy.throttle_window;
            if let Err(e) = housekeeping.store.forget_login_failures(quiet_before).await {
                tracing::warn!(cause = %e, "cleaning the login throttle failed");
            }
        }
    });
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", config.listen))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    if let Some(metrics) = config.metrics_listen {
        let listener = tokio::net::TcpListener::bind(metrics)
            .await
            .map_err(|e| format!("cannot listen on {metrics} (--metrics-listen): {e}"))?;
        let router = operator_router(state.clone());
        tokio::spawn(server::serve(listener, router, config.limits));
    }
    tracing::info!(
        listen = %addr,
        store = state.describe_store(),
        public_url = config.public_url.as_ref().map(|p| p.host.as_str()).unwrap_or("-"),
        trusted_proxies = ?config.trusted_proxies,
        metrics_listen = ?config.metrics_listen,
        limits = ?config.limits,
        version = env!("CARGO_PKG_VERSION"),
        "mobiplan serving"
    );
    // The one line a person starting the server needs; parsed by tests that bind port 0.
    println!(
        "mobiplan is running at http://{addr}/ (data: {})",
        state.describe_store()
    );
    server::serve(listener, router(state), config.limits).await;
    Ok(())
}
