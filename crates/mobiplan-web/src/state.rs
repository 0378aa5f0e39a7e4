//! What every handler shares: the store, the clock, the security policy, the password-hashing
//! pool, the metrics and what the server was told about its place on the network.

use std::net::IpAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use mobiplan_store::{Store, StoreConfig};

use crate::Config;
use crate::auth::{Clock, HashPool, SecurityPolicy};
use crate::error::WebError;
use crate::input::AllowedHosts;
use crate::observe::Metrics;
use crate::server::ServerLimits;

#[derive(Clone)]
pub struct AppState {
    pub store: Arc<Store>,
    pub clock: Clock,
    pub policy: Arc<SecurityPolicy>,
    /// Every password hash is computed here: a bounded number at once, a short queue.
    pub hashing: HashPool,
    pub metrics: Arc<Metrics>,
    pub hosts: Arc<AllowedHosts>,
    pub trusted_proxies: Arc<Vec<IpAddr>>,
    pub limits: ServerLimits,
    /// `--public-url` starts with https://: cookies are `Secure` whatever the proxy says.
    pub public_https: bool,
    /// The key the login-form CSRF tokens are made with (the same for every instance).
    pub(crate) login_csrf_key: Arc<Vec<u8>>,
    /// The rulebook editions in effect: loaded corrections over the embedded editions.
    pub editions: Arc<crate::editions::Editions>,
    /// Set once the first user exists (users are never all deleted), to spare a query.
    users_exist: Arc<AtomicBool>,
    describe: Arc<String>,
}

impl AppState {
    pub async fn open(config: &Config) -> Result<AppState, String> {
        AppState::open_with(config, Clock::system(), SecurityPolicy::default()).await
    }

    /// [`AppState::open`] with another clock and policy (tests move the clock).
    pub async fn open_with(
        config: &Config,
        clock: Clock,
        policy: SecurityPolicy,
    ) -> Result<AppState, String> {
        let store_config =
            StoreConfig::choose(config.database_url.as_deref(), config.data_dir.clone())
                .map_err(|e| format!("cannot open the database (DATABASE_URL): {e}"))?;
        let describe = store_config.describe();
        let store = Store::open(store_config)
            .await
            .map_err(|e| format!("cannot open the database ({describe}): {e}"))?;
        let editions = crate::editions::Editions::from_store(&store).await?;
        let login_csrf_key = store
            .server_secret("login-csrf")
            .await
            .map_err(|e| format!("cannot read the server secret ({describe}): {e}"))?;
        // Load the gazetteer now rather than on the first request that needs it, and make
        // the unknown-address hash off the request path (it is a full argon2id hash).
        let _ = mobiplan_geo::Gazetteer::embedded();
        let _ = tokio::task::spawn_blocking(crate::auth::dummy_hash).await;
        Ok(AppState {
            store: Arc::new(store),
            clock,
            policy: Arc::new(policy),
            hashing: HashPool::new(config.limits.hash_workers, config.limits.hash_queue),
            metrics: Arc::new(Metrics::default()),
            hosts: Arc::new(AllowedHosts::new(config.listen, config.public_url.as_ref())),
            trusted_proxies: Arc::new(config.trusted_proxies.clone()),
            limits: config.limits,
            public_https: config.public_url.as_ref().is_some_and(|p| p.https),
            login_csrf_key: Arc::new(login_csrf_key.into_bytes()),
            editions: Arc::new(editions),
            users_exist: Arc::new(AtomicBool::new(false)),
            describe: Arc::new(describe),
        })
    }

    pub fn describe_store(&self) -> &str {
        &self.describe
    }

    /// Whether the first-run setup has happened.
    pub async fn has_users(&self) -> Result<bool, WebError> {
        if self.users_exist.load(Ordering::Relaxed) {
            return Ok(true);
        }
        let exist = self.store.count_users().await? > 0;
        if exist {
            self.users_exist.store(true, Ordering::Relaxed);
        }
        Ok(exist)
    }
}
