//! What operators ask of the database while the server runs: is it reachable, and how busy is
//! the connection pool.

use serde::Serialize;

use crate::Store;
use crate::error::Result;
use crate::store::dispatch;

/// The connection pool at one moment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct PoolStatus {
    /// Open connections, busy or idle.
    pub size: u32,
    /// Open connections not in use.
    pub idle: u32,
    /// The most the pool opens.
    pub max: u32,
}

impl Store {
    /// One round trip to the database (`SELECT 1`).
    pub async fn ping(&self) -> Result<()> {
        dispatch!(&self.backend, pool => {
            sqlx::query("SELECT 1").execute(pool).await?;
        });
        Ok(())
    }

    pub fn pool_status(&self) -> PoolStatus {
        dispatch!(&self.backend, pool => PoolStatus {
            size: pool.size(),
            idle: u32::try_from(pool.num_idle()).unwrap_or(u32::MAX),
            max: pool.options().get_max_connections(),
        })
    }
}
