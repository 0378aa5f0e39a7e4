//! Corrected rulebook editions loaded by an instance administrator, kept with their history,
//! and the instance administrators themselves.
//!
//! Every load is a new row (`rulebook_editions`: the TOML text, who loaded it, when, and a
//! per-year sequence number); the active edition of a call year is the row with the highest
//! sequence number, and without one the edition embedded in mobiplan applies. The text is
//! checked to load as a [`mobiplan_core::Rulebook`] of the year it is stored for, so a
//! document that mobiplan would refuse is never stored.
//!
//! Instance administrators (`instance_admins`) are users who may load editions for the whole
//! instance; being an organisation's owner is not enough on a shared instance. They are named
//! from the command line (`mobiplan user add --admin`, `mobiplan user admin EMAIL`).

use chrono::{DateTime, Utc};
use mobiplan_core::Rulebook;
use serde::Serialize;

use crate::Store;
use crate::error::{Result, StoreError};
use crate::store::{WriteTx, dispatch, new_id, now};

/// One loaded edition, without its text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct RulebookEditionSummary {
    pub id: String,
    pub call_year: i64,
    /// The edition named in the file (`[rulebook] edition`).
    pub edition: String,
    /// 1 for the first edition loaded for the year, one more with every load.
    pub seq: i64,
    /// The user who loaded it (`None`: from the command line, or the user was deleted).
    pub loaded_by: Option<String>,
    /// Who loaded it, as shown (kept when the user is deleted).
    pub author: String,
    /// Why it was loaded.
    pub note: String,
    pub loaded_at: DateTime<Utc>,
}

/// A loaded edition with its TOML text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct RulebookEdition {
    pub id: String,
    pub call_year: i64,
    pub edition: String,
    pub seq: i64,
    pub loaded_by: Option<String>,
    pub author: String,
    pub note: String,
    pub loaded_at: DateTime<Utc>,
    pub document: String,
}

/// A project's identity for the "what this edition changes" list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct ProjectOfYear {
    pub id: String,
    pub title: String,
    pub org_id: Option<String>,
}

impl Store {
    /// Stores a corrected edition as the active one for its call year. The text must load as
    /// a rulebook (strictly, as the embedded ones do) — otherwise [`StoreError::Invalid`]
    /// with the rulebook's message, which names the value's path.
    pub async fn load_rulebook_edition(
        &self,
        text: &str,
        loaded_by: Option<&str>,
        author: &str,
        note: &str,
    ) -> Result<RulebookEditionSummary> {
        let rb = Rulebook::from_toml(text).map_err(|e| StoreError::Invalid(e.to_string()))?;
        let id = new_id()?;
        let at = now();
        let year = i64::from(rb.call_year());
        let seq: i64 = dispatch!(&self.backend, pool => {
            let mut tx = pool.begin_write().await?;
            let seq: i64 = sqlx::query_scalar(
                "SELECT COALESCE(MAX(seq), 0) + 1 FROM rulebook_editions WHERE call_year = $1",
            )
            .bind(year)
            .fetch_one(&mut *tx)
            .await?;
            sqlx::query(
                "INSERT INTO rulebook_editions
                 (id, call_year, edition, seq, document, loaded_by, author, note, loaded_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(&id)
            .bind(year)
            .bind(&rb.meta.edition)
            .bind(seq)
            .bind(text)
            .bind(loaded_by)
            .bind(author)
            .bind(note)
            .bind(at)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            seq
        });
        Ok(RulebookEditionSummary {
            id,
            call_year: year,
            edition: rb.meta.edition.clone(),
            seq,
            loaded_by: loaded_by.map(str::to_owned),
            author: author.to_owned(),
            note: note.to_owned(),
            loaded_at: at,
        })
    }

    /// Every loaded edition (of one call year, or of all), the newest first: the history.
    pub async fn rulebook_editions(
        &self,
        year: Option<u16>,
    ) -> Result<Vec<RulebookEditionSummary>> {
        dispatch!(&self.backend, pool => {
            Ok(sqlx::query_as(
                "SELECT id, call_year, edition, seq, loaded_by, author, note, loaded_at
                 FROM rulebook_editions
                 WHERE $1 IS NULL OR call_year = $1
                 ORDER BY call_year DESC, seq DESC",
            )
            .bind(year.map(i64::from))
            .fetch_all(pool)
            .await?)
        })
    }

    /// The active loaded edition of every call year that has one (the highest sequence number).
    pub async fn active_rulebook_editions(&self) -> Result<Vec<RulebookEdition>> {
        dispatch!(&self.backend, pool => {
            Ok(sqlx::query_as(
                "SELECT id, call_year, edition, seq, loaded_by, author, note, loaded_at, document
                 FROM rulebook_editions e
                 WHERE seq = (SELECT MAX(seq) FROM rulebook_editions m
                              WHERE m.call_year = e.call_year)
                 ORDER BY call_year",
            )
            .fetch_all(pool)
            .await?)
        })
    }

    /// Every project (and scenario) of a call year, of every organisation: what a new edition
    /// of the year affects. Not filtered by user: the caller shows only what the user may read.
    pub async fn projects_of_call_year(&self, year: u16) -> Result<Vec<ProjectOfYear>> {
        dispatch!(&self.backend, pool => {
            Ok(sqlx::query_as(
                "SELECT id, title, org_id FROM projects WHERE call_year = $1 ORDER BY title, id",
            )
            .bind(i64::from(year))
            .fetch_all(pool)
            .await?)
        })
    }

    /// Makes a user an instance administrator (again is no error).
    pub async fn grant_instance_admin(&self, user_id: &str) -> Result<()> {
        let at = now();
        dispatch!(&self.backend, pool => {
            let mut tx = pool.begin_write().await?;
            let exists: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE id = $1")
                .bind(user_id)
                .fetch_one(&mut *tx)
                .await?;
            if exists == 0 {
                drop(tx);
                return Err(StoreError::NotFound);
            }
            sqlx::query(
                "INSERT INTO instance_admins (user_id, granted_at) VALUES ($1, $2)
                 ON CONFLICT (user_id) DO NOTHING",
            )
            .bind(user_id)
            .bind(at)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// Ends a user's instance administration; whether they were one.
    pub async fn revoke_instance_admin(&self, user_id: &str) -> Result<bool> {
        let n = dispatch!(&self.backend, pool => {
            sqlx::query("DELETE FROM instance_admins WHERE user_id = $1")
                .bind(user_id)
                .execute(pool)
                .await?
                .rows_affected()
        });
        Ok(n > 0)
    }

    pub async fn is_instance_admin(&self, user_id: &str) -> Result<bool> {
        let n: i64 = dispatch!(&self.backend, pool => {
            sqlx::query_scalar("SELECT COUNT(*) FROM instance_admins WHERE user_id = $1")
                .bind(user_id)
                .fetch_one(pool)
                .await?
        });
        Ok(n > 0)
    }
}

/// Every future of the API is `Send` (the web server runs them on a multi-threaded runtime).
#[allow(dead_code)]
fn _futures_are_send(store: &Store) {
    fn send<T: Send>(_: T) {}
    send(store.load_rulebook_edition("", None, "", ""));
    send(store.rulebook_editions(None));
    send(store.active_rulebook_editions());
    send(store.projects_of_call_year(2027));
    send(store.grant_instance_admin("u"));
    send(store.revoke_instance_admin("u"));
    send(store.is_instance_admin("u"));
}
