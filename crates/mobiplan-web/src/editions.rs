//! The rulebook editions in effect on this instance: for each call year, the corrected edition
//! an instance administrator loaded (the newest in `rulebook_editions`), else the edition
//! embedded in mobiplan.
//!
//! Every page reaches a rulebook through [`crate::eval::rulebook`]; during a request that reads
//! the instance's editions from a task-local set by [`scope`] (a layer of the router), so a
//! loaded edition takes effect for every project of its call year at once, and the pure views
//! need no extra argument. Outside a request (unit tests, the command line) the embedded
//! editions apply.

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex, OnceLock, RwLock};

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use chrono::{DateTime, FixedOffset};
use mobiplan_core::Rulebook;
use mobiplan_core::editions::{CallState, default_call_year};
use mobiplan_store::Store;

use crate::state::AppState;

/// The loaded editions of an instance, by call year.
#[derive(Default)]
pub struct Editions {
    loaded: RwLock<HashMap<u16, Arc<Rulebook>>>,
}

/// What a request reads the editions and the server's clock from.
#[derive(Clone)]
struct RequestContext {
    editions: Arc<Editions>,
    now: DateTime<FixedOffset>,
}

tokio::task_local! {
    static CONTEXT: RequestContext;
}

/// The embedded editions, parsed once per process and shared.
pub fn embedded(year: u16) -> Result<Arc<Rulebook>, String> {
    static CACHE: OnceLock<Mutex<HashMap<u16, Arc<Rulebook>>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    if let Some(rb) = cache.lock().map_err(|e| e.to_string())?.get(&year) {
        return Ok(rb.clone());
    }
    let rb = Arc::new(Rulebook::embedded(year).map_err(|e| e.to_string())?);
    cache
        .lock()
        .map_err(|e| e.to_string())?
        .insert(year, rb.clone());
    Ok(rb)
}

impl Editions {
    /// The active loaded edition of every call year in the store. One that no longer loads
    /// (refused by a newer, stricter mobiplan) is left out — the embedded edition applies —
    /// and said in the log.
    pub async fn from_store(store: &Store) -> Result<Editions, String> {
        let editions = Editions::default();
        for e in store
            .active_rulebook_editions()
            .await
            .map_err(|e| format!("cannot read the loaded rulebook editions: {e}"))?
        {
            match Rulebook::from_toml(&e.document) {
                Ok(rb) => editions.set(rb),
                Err(err) => tracing::error!(
                    call_year = e.call_year,
                    edition = %e.edition,
                    cause = %err,
                    "a loaded rulebook edition no longer loads; the embedded one applies"
                ),
            }
        }
        Ok(editions)
    }

    /// Makes `rb` the edition of its call year.
    pub fn set(&self, rb: Rulebook) {
        let mut loaded = self.loaded.write().unwrap_or_else(|p| p.into_inner());
        loaded.insert(rb.call_year(), Arc::new(rb));
    }

    /// The edition in effect for a call year: the loaded one, else the embedded one.
    pub fn get(&self, year: u16) -> Result<Arc<Rulebook>, String> {
        let loaded = self.loaded.read().unwrap_or_else(|p| p.into_inner());
        match loaded.get(&year) {
            Some(rb) => Ok(rb.clone()),
            None => embedded(year),
        }
    }

    /// Whether the edition of `year` is a loaded (corrected) one.
    pub fn is_loaded(&self, year: u16) -> bool {
        let loaded = self.loaded.read().unwrap_or_else(|p| p.into_inner());
        loaded.contains_key(&year)
    }

    /// Every call year with an edition, embedded or loaded, in order.
    pub fn years(&self) -> Vec<u16> {
        let loaded = self.loaded.read().unwrap_or_else(|p| p.into_inner());
        let years: BTreeSet<u16> = Rulebook::embedded_years()
            .into_iter()
            .chain(loaded.keys().copied())
            .collect();
        years.into_iter().collect()
    }

    /// Every call year with its state at `now`, from the editions' deadlines.
    pub fn calls(&self, now: DateTime<FixedOffset>) -> Vec<(u16, CallState)> {
        self.years()
            .into_iter()
            .filter_map(|y| Some((y, self.get(y).ok()?.call_state(now))))
            .collect()
    }

    /// The call year a new project is for by default: the call open or coming at `now`.
    pub fn default_year(&self, now: DateTime<FixedOffset>) -> u16 {
        default_call_year(&self.calls(now)).unwrap_or_default()
    }
}

/// The editions of the current request's instance (the embedded ones outside a request).
pub fn current() -> Arc<Editions> {
    CONTEXT
        .try_with(|c| c.editions.clone())
        .unwrap_or_else(|_| Arc::new(Editions::default()))
}

/// The server's clock ([`AppState::clock`]) as the request started: what call is open, which
/// call year a new project gets. Outside a request, the system clock.
pub fn now() -> DateTime<FixedOffset> {
    CONTEXT
        .try_with(|c| c.now)
        .unwrap_or_else(|_| chrono::Utc::now().fixed_offset())
}

/// The router layer that makes the instance's editions and the server's clock current for
/// the request.
pub async fn scope(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let context = RequestContext {
        editions: state.editions.clone(),
        now: state.clock.now().fixed_offset(),
    };
    CONTEXT.scope(context, next.run(req)).await
}
