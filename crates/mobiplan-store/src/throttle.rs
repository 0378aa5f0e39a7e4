//! The login throttle and the server's shared secrets: state that every instance serving the
//! same database must see alike, and that must survive a restart.
//!
//! A throttle key (`email:…`, `addr:…`, chosen by the web layer) counts failed logins. From
//! the `limit`-th failure on, further attempts are refused until `blocked_until`; every
//! further failure after a block doubles the delay (up to `max_delay`). A key that has been
//! quiet for `window` after its last failure or block starts again from zero.

use chrono::{DateTime, Duration, SubsecRound, Utc};

use crate::Store;
use crate::error::{Result, StoreError};
use crate::store::dispatch;

/// How one kind of throttle key is limited.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ThrottleRule {
    /// Failures before the first block.
    pub limit: u32,
    /// The first block's length, and how long a key must be quiet to be forgotten.
    pub window: Duration,
    /// The longest block.
    pub max_delay: Duration,
}

impl ThrottleRule {
    /// When a key with `failures` failures (counted after the newest one, at `now`) may be
    /// tried again; `None` below the limit.
    pub fn blocked_until(&self, failures: i64, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let over = failures - i64::from(self.limit);
        if over < 0 {
            return None;
        }
        // 2^over windows, without overflowing for a key hammered for weeks.
        let factor = 1i32 << over.min(20);
        let delay = self
            .window
            .checked_mul(factor)
            .unwrap_or(self.max_delay)
            .min(self.max_delay);
        Some(now + delay)
    }
}

type ThrottleRow = (i64, DateTime<Utc>, Option<DateTime<Utc>>);

/// How often a failure is re-applied when another instance changed the row meanwhile.
const RETRIES: usize = 8;

impl Store {
    /// The latest moment until which any of `keys` is blocked, if one is blocked at `now`.
    pub async fn login_blocked_until(
        &self,
        keys: &[&str],
        now: DateTime<Utc>,
    ) -> Result<Option<DateTime<Utc>>> {
        let mut latest: Option<DateTime<Utc>> = None;
        for key in keys {
            let until: Option<Option<DateTime<Utc>>> = dispatch!(&self.backend, pool => {
                sqlx::query_scalar("SELECT blocked_until FROM login_throttle WHERE key = $1")
                    .bind(key).fetch_optional(pool).await?
            });
            if let Some(Some(until)) = until
                && until > now
            {
                latest = latest.max(Some(until));
            }
        }
        Ok(latest)
    }

    /// Counts a failed login for `key` at `now`; returns until when the key is now blocked.
    ///
    /// Every instance may count the same key at once: the update applies only onto the row it
    /// read (optimistic, as the versioned saves), and is redone on the newer row otherwise.
    pub async fn record_login_failure(
        &self,
        key: &str,
        rule: &ThrottleRule,
        now: DateTime<Utc>,
    ) -> Result<Option<DateTime<Utc>>> {
        // What PostgreSQL keeps, so that the row read back compares equal to the one written.
        let now = now.trunc_subsecs(6);
        for _ in 0..RETRIES {
            let row: Option<ThrottleRow> = dispatch!(&self.backend, pool => {
                sqlx::query_as(
                    "SELECT failures, last_failure_at, blocked_until FROM login_throttle WHERE key = $1",
                )
                .bind(key).fetch_optional(pool).await?
            });
            let Some((failures, last, blocked)) = row else {
                let until = rule.blocked_until(1, now);
                let inserted = dispatch!(&self.backend, pool => {
                    sqlx::query(
                        "INSERT INTO login_throttle (key, failures, last_failure_at, blocked_until)
                         VALUES ($1, 1, $2, $3) ON CONFLICT (key) DO NOTHING",
                    )
                    .bind(key).bind(now).bind(until).execute(pool).await?.rows_affected()
                });
                if inserted == 1 {
                    return Ok(until);
                }
                continue;
            };
            let quiet_since = blocked.map_or(last, |b| b.max(last));
            let before = if now - quiet_since >= rule.window {
                0
            } else {
                failures
            };
            let count = before + 1;
            let until = rule.blocked_until(count, now);
            let updated = dispatch!(&self.backend, pool => {
                sqlx::query(
                    "UPDATE login_throttle SET failures = $1, last_failure_at = $2, blocked_until = $3
                     WHERE key = $4 AND failures = $5 AND last_failure_at = $6",
                )
                .bind(count).bind(now).bind(until).bind(key).bind(failures).bind(last)
                .execute(pool).await?.rows_affected()
            });
            if updated == 1 {
                return Ok(until);
            }
        }
        Err(StoreError::Database(sqlx::Error::Protocol(format!(
            "the login throttle row changed {RETRIES} times while being counted"
        ))))
    }

    /// Forgets the failures of `key` (after a successful login for that account).
    pub async fn clear_login_failures(&self, key: &str) -> Result<()> {
        dispatch!(&self.backend, pool => {
            sqlx::query("DELETE FROM login_throttle WHERE key = $1").bind(key).execute(pool).await?;
        });
        Ok(())
    }

    /// Removes keys whose last failure and block both ended before `quiet_before` (the
    /// server's hourly housekeeping); returns how many. A key quiet that long would start
    /// again from zero anyway.
    pub async fn forget_login_failures(&self, quiet_before: DateTime<Utc>) -> Result<u64> {
        Ok(dispatch!(&self.backend, pool => {
            sqlx::query(
                "DELETE FROM login_throttle WHERE last_failure_at < $1
                 AND (blocked_until IS NULL OR blocked_until < $1)",
            )
            .bind(quiet_before).execute(pool).await?.rows_affected()
        }))
    }

    /// The server secret called `name`: made (256 random bits, hex) by the first instance that
    /// asks, then the same for every instance on this database.
    pub async fn server_secret(&self, name: &str) -> Result<String> {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes).map_err(|e| {
            StoreError::Database(sqlx::Error::Io(std::io::Error::other(format!(
                "no random numbers for a server secret: {e}"
            ))))
        })?;
        let fresh: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        dispatch!(&self.backend, pool => {
            sqlx::query(
                "INSERT INTO server_secrets (name, secret, created_at) VALUES ($1, $2, $3)
                 ON CONFLICT (name) DO NOTHING",
            )
            .bind(name).bind(&fresh).bind(crate::store::now()).execute(pool).await?;
            Ok(sqlx::query_scalar("SELECT secret FROM server_secrets WHERE name = $1")
                .bind(name).fetch_one(pool).await?)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_start_at_the_limit_and_double_up_to_the_maximum() {
        let rule = ThrottleRule {
            limit: 5,
            window: Duration::minutes(15),
            max_delay: Duration::hours(2),
        };
        let now = Utc::now();
        assert_eq!(rule.blocked_until(4, now), None);
        assert_eq!(
            rule.blocked_until(5, now),
            Some(now + Duration::minutes(15))
        );
        assert_eq!(
            rule.blocked_until(6, now),
            Some(now + Duration::minutes(30))
        );
        assert_eq!(rule.blocked_until(8, now), Some(now + Duration::hours(2)));
        assert_eq!(
            rule.blocked_until(1_000, now),
            Some(now + Duration::hours(2))
        );
    }
}
