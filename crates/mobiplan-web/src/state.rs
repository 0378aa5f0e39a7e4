//! What every handler shares: the store.

use std::sync::Arc;

use mobiplan_store::{Store, StoreConfig};

use crate::Config;

#[derive(Clone)]
pub struct AppState {
    pub store: Arc<Store>,
    describe: Arc<String>,
}

impl AppState {
    pub async fn open(config: &Config) -> Result<AppState, String> {
        let store_config =
            StoreConfig::choose(config.database_url.as_deref(), config.data_dir.clone())
                .map_err(|e| format!("cannot open the database (DATABASE_URL): {e}"))?;
        let describe = store_config.describe();
        let store = Store::open(store_config)
            .await
            .map_err(|e| format!("cannot open the database ({describe}): {e}"))?;
        // Load the gazetteer now rather than on the first request that needs it.
        let _ = mobiplan_geo::Gazetteer::embedded();
        Ok(AppState {
            store: Arc::new(store),
            describe: Arc::new(describe),
        })
    }

    pub fn describe_store(&self) -> &str {
        &self.describe
    }
}
