//! What-if scenarios: a scenario is an ordinary project (versioned, shared, exported like any
//! other) that remembers which project it was copied from (`projects.scenario_of`), so that
//! the family can be listed and compared.
//!
//! A family is flat: a copy of a scenario is another scenario of the same original, so the
//! plan and every variant of it are one list ([`Store::list_scenarios`] of the original).

use mobiplan_core::project::file::ProjectFile;

use crate::error::{Result, StoreError};
use crate::store::{KEEP_VERSION, WriteTx, dispatch, new_id, now, project_json};
use crate::{ProjectSummary, Store, Stored};

impl Store {
    /// Stores `doc` as a new scenario of project `of` (version 1, author `by`): in the same
    /// organisation, with the same rate profile, linked to `of`'s original when `of` is itself
    /// a scenario, else to `of`. [`StoreError::NotFound`] if `of` does not exist.
    pub async fn create_scenario(
        &self,
        of: &str,
        by: Option<&str>,
        doc: &ProjectFile,
    ) -> Result<Stored<ProjectFile>> {
        let id = new_id()?;
        let json = project_json(doc)?;
        let at = now();
        dispatch!(&self.backend, pool => {
            let mut tx = pool.begin_write().await?;
            // One statement reads the original's organisation and profile and writes the copy,
            // so nothing can change them in between.
            let inserted = sqlx::query(
                "INSERT INTO projects
                 (id, title, field, call_year, document, version, created_at, updated_at,
                  rate_profile_id, org_id, scenario_of)
                 SELECT $1, $2, $3, $4, $5, 1, $6, $6,
                        o.rate_profile_id, o.org_id, COALESCE(o.scenario_of, o.id)
                 FROM projects o WHERE o.id = $7",
            )
            .bind(&id)
            .bind(&doc.project.title)
            .bind(doc.project.field.to_string())
            .bind(i64::from(doc.project.call_year))
            .bind(&json)
            .bind(at)
            .bind(of)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if inserted != 1 {
                drop(tx);
                return Err(StoreError::NotFound);
            }
            sqlx::query(KEEP_VERSION).bind(&id).bind(by).execute(&mut *tx).await?;
            tx.commit().await?;
        });
        Ok(Stored {
            id,
            version: 1,
            document: doc.clone(),
            updated_at: at,
        })
    }

    /// The scenarios of project `id` (copied from it, or from one of its scenarios), the
    /// oldest first. Empty when there are none or the project does not exist. Not filtered by
    /// user: the web application lists with [`Store::list_scenarios_for`].
    pub async fn list_scenarios(&self, id: &str) -> Result<Vec<ProjectSummary>> {
        dispatch!(&self.backend, pool => {
            Ok(sqlx::query_as(
                "SELECT id, title, field, call_year, version, updated_at FROM projects
                 WHERE scenario_of = $1 ORDER BY created_at, id",
            )
            .bind(id)
            .fetch_all(pool)
            .await?)
        })
    }

    /// [`Store::list_scenarios`], only those user `user_id` may read (as
    /// [`Store::list_projects_for`]: the user's organisations and shares).
    pub async fn list_scenarios_for(&self, user_id: &str, id: &str) -> Result<Vec<ProjectSummary>> {
        dispatch!(&self.backend, pool => {
            Ok(sqlx::query_as(
                "SELECT id, title, field, call_year, version, updated_at FROM projects p
                 WHERE p.scenario_of = $2
                   AND (p.org_id IN (SELECT org_id FROM memberships WHERE user_id = $1)
                        OR p.id IN (SELECT project_id FROM project_shares WHERE user_id = $1))
                 ORDER BY created_at, id",
            )
            .bind(user_id)
            .bind(id)
            .fetch_all(pool)
            .await?)
        })
    }

    /// The project scenario `id` was copied from (`None`: not a scenario, or its original was
    /// deleted). [`StoreError::NotFound`] if `id` does not exist.
    pub async fn scenario_origin(&self, id: &str) -> Result<Option<String>> {
        let row: Option<Option<String>> = dispatch!(&self.backend, pool => {
            sqlx::query_scalar("SELECT scenario_of FROM projects WHERE id = $1")
                .bind(id)
                .fetch_optional(pool)
                .await?
        });
        row.ok_or(StoreError::NotFound)
    }
}

/// Every future of the API is `Send` (the web server runs them on a multi-threaded runtime).
#[allow(dead_code)]
fn _futures_are_send(store: &Store, doc: &ProjectFile) {
    fn send<T: Send>(_: T) {}
    send(store.create_scenario("x", None, doc));
    send(store.list_scenarios("x"));
    send(store.list_scenarios_for("u", "x"));
    send(store.scenario_origin("x"));
}
