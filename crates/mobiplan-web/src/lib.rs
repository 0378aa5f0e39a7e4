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
mod routes;
mod state;
mod views;

use std::net::SocketAddr;
use std::path::PathBuf;

pub use access::{Access, Need};
pub use mobiplan_store::Role;
pub use routes::{ROUTES, RouteInfo, router};
pub use state::AppState;

/// How to run the server.
#[derive(Clone, Debug)]
pub struct Config {
    pub listen: SocketAddr,
    pub data_dir: PathBuf,
    /// `postgres://…` to use PostgreSQL instead of the embedded SQLite file.
    pub database_url: Option<String>,
}

/// Opens the store (creating and migrating it), binds, and serves until the process ends.
pub async fn serve(config: Config) -> Result<(), String> {
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
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", config.listen))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    // The one line a person starting the server needs; parsed by tests that bind port 0.
    println!(
        "mobiplan is running at http://{addr}/ (data: {})",
        state.describe_store()
    );
    axum::serve(listener, router(state))
        .await
        .map_err(|e| e.to_string())
}
