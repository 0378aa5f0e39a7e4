//! What every handler shares: the store, the clock, the security policy and the login
//! throttle.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use mobiplan_store::{Store, StoreConfig};

use crate::Config;
use crate::auth::{Clock, SecurityPolicy, Throttle};
use crate::error::WebError;

#[derive(Clone)]
pub struct AppState {
    pub store: Arc<Store>,
    pub clock: Clock,
    pub policy: Arc<SecurityPolicy>,
    pub throttle: Arc<Throttle>,
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
        // Load the gazetteer now rather than on the first request that needs it.
        let _ = mobiplan_geo::Gazetteer::embedded();
        Ok(AppState {
            store: Arc::new(store),
            clock,
            policy: Arc::new(policy),
            throttle: Arc::new(Throttle::default()),
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
