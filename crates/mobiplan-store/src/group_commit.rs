//! Group commit of project saves on SQLite.
//!
//! With `synchronous=FULL` every COMMIT waits for the write-ahead log to reach the disk (an
//! fsync, milliseconds), and SQLite has one writer at a time: one save per transaction caps the
//! saves per second at about one per fsync, however many clients wait. So the saves go to one
//! writer task, which takes the first waiting save and every other one already waiting (up to
//! [`MAX_BATCH`]), runs them in one `BEGIN IMMEDIATE` transaction — each inside its own
//! `SAVEPOINT`, so that a save that is refused or fails is undone alone and the others go on —
//! and COMMITs once. Only after that COMMIT has returned is any save of the batch answered:
//! an `Ok` still means the version is on disk, and a conflict's answer shows a state that is
//! committed (a caller that reads again sees it). If the transaction fails, every save of the
//! batch gets the error: nothing is acknowledged that is not on disk.
//!
//! Saves of one batch run in the order they were handed in, each reading the row as the one
//! before it left it, so two saves of the same project in one batch behave exactly as if they
//! had been sequential (the second one starting from the same version is a conflict).
//!
//! Other writes (creations, deletions, accounts …) keep their own transactions; they wait for
//! the writer's transaction through SQLite's `busy_timeout` as they waited for each other's.

use std::sync::{Mutex, PoisonError};

use sqlx::{Connection, SqlitePool};
use tokio::sync::{mpsc, oneshot};

use crate::error::{Result, StoreError};
use crate::store::{SaveOutcome, SaveRequest, save_sqlite};

/// The most saves one transaction takes. Enough to absorb every client of a busy server in one
/// or two commits, and a bound on how long the write lock is held at once (other writers wait
/// for it) and on how many saves one failed COMMIT takes down with it.
const MAX_BATCH: usize = 64;

/// Saves handed in but not yet taken by the writer; beyond that, callers wait to hand theirs in.
const QUEUE: usize = 1024;

/// One save and where its answer goes.
struct Job {
    save: SaveRequest,
    reply: oneshot::Sender<Result<SaveOutcome>>,
}

/// The handle on the writer task. The task is started by the first save (on the runtime that
/// save runs on) and started again if it is gone — its runtime shut down, or the task ended —
/// so a save never waits for a writer that no longer exists.
pub(crate) struct GroupCommit {
    jobs: Mutex<Option<mpsc::Sender<Job>>>,
}

impl GroupCommit {
    pub(crate) fn new() -> GroupCommit {
        GroupCommit {
            jobs: Mutex::new(None),
        }
    }

    /// Hands `save` to the writer and waits until the transaction that contains it has
    /// committed (or failed).
    pub(crate) async fn save(&self, pool: &SqlitePool, save: SaveRequest) -> Result<SaveOutcome> {
        let jobs = self.sender(pool)?;
        let (reply, answer) = oneshot::channel();
        jobs.send(Job { save, reply })
            .await
            .map_err(|_| writer_gone())?;
        // The writer drops the reply unanswered only if it is itself dropped (its runtime
        // shutting down): the save's transaction, if it began, was rolled back.
        answer.await.map_err(|_| writer_gone())?
    }

    /// Lets the writer end once it has answered the saves already handed in. A later save
    /// starts a new one (which answers with the pool's error if the pool is closed).
    pub(crate) fn stop(&self) {
        self.jobs
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
    }

    fn sender(&self, pool: &SqlitePool) -> Result<mpsc::Sender<Job>> {
        let mut jobs = self.jobs.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(sender) = jobs.as_ref().filter(|s| !s.is_closed()) {
            return Ok(sender.clone());
        }
        let runtime = tokio::runtime::Handle::try_current().map_err(|e| {
            StoreError::Database(sqlx::Error::Io(std::io::Error::other(format!(
                "a save needs the tokio runtime: {e}"
            ))))
        })?;
        let (sender, receiver) = mpsc::channel(QUEUE);
        // The task holds a handle on the pool, and a connection only while it has saves to
        // write, so `Store::close` (which waits for every connection to come back) is never
        // held up by an idle writer.
        runtime.spawn(write(pool.clone(), receiver));
        *jobs = Some(sender.clone());
        Ok(sender)
    }
}

fn writer_gone() -> StoreError {
    StoreError::Database(sqlx::Error::WorkerCrashed)
}

/// The writer: a batch at a time, until every sender is gone (the store stopped or dropped).
async fn write(pool: SqlitePool, mut jobs: mpsc::Receiver<Job>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while jobs.recv_many(&mut batch, MAX_BATCH).await > 0 {
        // One connection for as long as saves keep coming: under load the pool's other
        // connections are busy with reads, and queueing for one at every batch would add that
        // wait to every commit. It goes back as soon as the queue is empty, so an idle writer
        // never keeps `Store::close` waiting.
        let mut conn = match pool.acquire().await {
            Ok(conn) => conn,
            Err(e) => {
                fail(&mut batch, &e);
                continue;
            }
        };
        loop {
            // A caller that gave up before its save began (a closed request) gets nothing
            // written, as when its own transaction was dropped before it committed.
            batch.retain(|job| !job.reply.is_closed());
            if !batch.is_empty() && !commit_batch(&mut conn, &mut batch).await {
                // A connection whose transaction failed is not trusted with the next batch.
                break;
            }
            batch.clear();
            while batch.len() < MAX_BATCH {
                match jobs.try_recv() {
                    Ok(job) => batch.push(job),
                    Err(_) => break,
                }
            }
            if batch.is_empty() {
                break;
            }
        }
    }
}

/// Runs `batch` in one transaction and answers every job of it. Whether it committed.
async fn commit_batch(conn: &mut sqlx::SqliteConnection, batch: &mut Vec<Job>) -> bool {
    // `BEGIN IMMEDIATE`, as every write transaction (see `WriteTx`): the write lock is taken
    // at once, waiting for other writers up to the busy timeout.
    let mut tx = match conn.begin_with("BEGIN IMMEDIATE").await {
        Ok(tx) => tx,
        Err(e) => {
            fail(batch, &e);
            return false;
        }
    };
    let mut answers = Vec::with_capacity(batch.len());
    for job in batch.iter() {
        match run_job(&mut tx, &job.save).await {
            Ok(answer) => answers.push(answer),
            Err(e) => {
                // The transaction is in an unknown state: none of it is kept.
                let _ = tx.rollback().await;
                fail(batch, &e);
                return false;
            }
        }
    }
    if let Err(e) = tx.commit().await {
        fail(batch, &e);
        return false;
    }
    for (job, answer) in batch.drain(..).zip(answers) {
        // A caller that has given up meanwhile does not want the answer; its save is
        // committed all the same, as a save whose answer was lost on the network.
        let _ = job.reply.send(answer);
    }
    true
}

/// One save inside the batch's transaction, in a savepoint of its own. `Err` only when the
/// savepoint itself fails (then the whole transaction is given up); the save's own answer,
/// refusal or error, is the `Ok` value, and anything it wrote before failing is undone.
async fn run_job(
    conn: &mut sqlx::SqliteConnection,
    save: &SaveRequest,
) -> sqlx::Result<Result<SaveOutcome>> {
    sqlx::query("SAVEPOINT save").execute(&mut *conn).await?;
    let answer = save_sqlite(conn, save).await;
    if !matches!(answer, Ok(SaveOutcome::Saved(_))) {
        // If the error already ended the whole transaction (SQLite does that on a full disk or
        // an I/O error), there is no savepoint left and this fails: the batch is given up.
        sqlx::query("ROLLBACK TO save").execute(&mut *conn).await?;
    }
    sqlx::query("RELEASE save").execute(&mut *conn).await?;
    Ok(answer)
}

/// Answers every job of `batch` with the failure of its transaction.
fn fail(batch: &mut Vec<Job>, error: &sqlx::Error) {
    for job in batch.drain(..) {
        let _ = job.reply.send(Err(batch_failed(error)));
    }
}

/// The error of a transaction, for each save it held (`sqlx::Error` cannot be cloned: the
/// plain ones are made again, the others carry the original's message).
fn batch_failed(error: &sqlx::Error) -> StoreError {
    StoreError::Database(match error {
        sqlx::Error::PoolClosed => sqlx::Error::PoolClosed,
        sqlx::Error::PoolTimedOut => sqlx::Error::PoolTimedOut,
        sqlx::Error::WorkerCrashed => sqlx::Error::WorkerCrashed,
        other => sqlx::Error::Io(std::io::Error::other(format!(
            "the transaction of this save failed: {other}"
        ))),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{Backend, WriteTx};
    use crate::{AutosaveFolding, NewOrganisation, NewUser, SaveKind, Store, StoreConfig};
    use mobiplan_core::project::file::ProjectFile;

    fn project(title: &str) -> ProjectFile {
        let mut doc = mobiplan_core::project::parse_toml(include_str!(
            "../../../examples/sch-riga-school.toml"
        ))
        .unwrap();
        doc.project.title = title.to_owned();
        doc
    }

    fn request(id: &str, doc: &ProjectFile, expected: i64, by: Option<&str>) -> SaveRequest {
        let value = serde_json::to_value(doc).unwrap();
        SaveRequest {
            id: id.to_owned(),
            title: doc.project.title.clone(),
            field: doc.project.field.to_string(),
            call_year: i64::from(doc.project.call_year),
            json: value.to_string(),
            value,
            expected_version: expected,
            by: by.map(str::to_owned),
            kind: SaveKind::Autosave,
            folding: AutosaveFolding::default(),
        }
    }

    fn jobs(saves: Vec<SaveRequest>) -> (Vec<Job>, Vec<oneshot::Receiver<Result<SaveOutcome>>>) {
        saves
            .into_iter()
            .map(|save| {
                let (reply, answer) = oneshot::channel();
                (Job { save, reply }, answer)
            })
            .unzip()
    }

    fn pool(store: &Store) -> SqlitePool {
        match &store.backend {
            Backend::Sqlite(pool) => pool.clone(),
            Backend::Postgres(_) => unreachable!("a SQLite store"),
        }
    }

    /// One batch: saves that are refused or fail are undone alone, the others are committed;
    /// saves of one project follow each other as if sequential (reading what the previous
    /// one wrote, folding into its history entry).
    #[tokio::test]
    async fn a_batch_commits_its_good_saves_and_answers_each() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(StoreConfig::Sqlite(dir.path().to_owned()))
            .await
            .unwrap();
        let (_, anna) = store
            .create_organisation_with_owner(
                &NewOrganisation {
                    name: "Skola",
                    oid: "E10000001",
                    country: "LV",
                    town: "Rīga",
                },
                &NewUser {
                    email: "a@skola.lv",
                    name: "Anna",
                    password_hash: "$argon2id$v=19$test",
                },
            )
            .await
            .unwrap();
        let a = store.create_project(&project("a")).await.unwrap().id;
        let b = store.create_project(&project("b")).await.unwrap().id;
        let anna = Some(anna.id.as_str());
        let docs: Vec<ProjectFile> = (0..6).map(|i| project(&format!("save {i}"))).collect();
        let (mut batch, answers) = jobs(vec![
            request(&a, &docs[0], 1, anna),          // a: 1 → 2
            request(&a, &docs[1], 1, anna),          // a: from 1 again: a conflict (a is at 2)
            request(&b, &docs[2], 1, Some("ghost")), // b: no such user, undone
            request("nowhere", &docs[3], 1, anna),   // not found
            request(&a, &docs[4], 2, anna),          // a: 2 → 3, folds into 2's entry
            request(&b, &docs[5], 1, anna),          // b: 1 → 2, the ghost left nothing
        ]);
        let mut conn = pool(&store).acquire().await.unwrap();
        assert!(commit_batch(&mut conn, &mut batch).await);
        drop(conn);
        assert!(batch.is_empty());
        let mut answers = answers.into_iter();
        let mut next = || answers.next().unwrap().try_recv().unwrap();
        assert!(matches!(next(), Ok(SaveOutcome::Saved(_))));
        match next() {
            Ok(SaveOutcome::Refused(Some(row))) => {
                assert_eq!(row.version, 2);
                assert_eq!(
                    crate::store::read_project(&a, 2, &row.document).unwrap(),
                    docs[0]
                );
            }
            _ => panic!("the second save of version 1 is a conflict"),
        }
        assert!(
            matches!(next(), Err(StoreError::Database(e)) if e.to_string().contains("FOREIGN KEY"))
        );
        assert!(matches!(next(), Ok(SaveOutcome::Refused(None))));
        assert!(matches!(next(), Ok(SaveOutcome::Saved(_))));
        assert!(matches!(next(), Ok(SaveOutcome::Saved(_))));

        assert_eq!(store.get_project(&a).await.unwrap().version, 3);
        assert_eq!(store.project_version(&a, 2).await.unwrap(), docs[0]);
        assert_eq!(store.project_version(&a, 3).await.unwrap(), docs[4]);
        let entries: Vec<(i64, i64)> = store
            .project_history(&a)
            .await
            .unwrap()
            .iter()
            .map(|e| (e.first_version, e.version))
            .collect();
        assert_eq!(entries, [(2, 3), (1, 1)]);
        let b_now = store.get_project(&b).await.unwrap();
        assert_eq!((b_now.version, &b_now.document), (2, &docs[5]));
        assert_eq!(store.list_project_versions(&b).await.unwrap().len(), 2);
        store.close().await;
    }

    /// A batch whose transaction cannot begin (the write lock is held elsewhere and this
    /// connection does not wait) answers every save with the error and writes nothing.
    #[tokio::test]
    async fn a_failed_transaction_answers_every_save_with_its_error() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(StoreConfig::Sqlite(dir.path().to_owned()))
            .await
            .unwrap();
        let a = store.create_project(&project("a")).await.unwrap().id;
        let doc = project("never");
        let (mut batch, answers) =
            jobs(vec![request(&a, &doc, 1, None), request(&a, &doc, 1, None)]);
        let pool = pool(&store);
        let holder = pool.begin_write().await.unwrap();
        let mut conn = pool.acquire().await.unwrap();
        sqlx::query("PRAGMA busy_timeout = 0")
            .execute(&mut *conn)
            .await
            .unwrap();
        assert!(!commit_batch(&mut conn, &mut batch).await);
        assert!(batch.is_empty());
        for mut answer in answers {
            match answer.try_recv().unwrap() {
                Err(StoreError::Database(e)) => assert!(e.to_string().contains("locked"), "{e}"),
                _ => panic!("every save gets the error"),
            }
        }
        holder.rollback().await.unwrap();
        conn.detach();
        assert_eq!(store.get_project(&a).await.unwrap().version, 1);
        store.close().await;
    }

    /// Saves after `close` are errors, not waits; so are saves whose writer is gone.
    #[tokio::test]
    async fn no_save_waits_for_a_writer_that_is_gone() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(StoreConfig::Sqlite(dir.path().to_owned()))
            .await
            .unwrap();
        let a = store.create_project(&project("a")).await.unwrap().id;
        store.save_project(&a, &project("one"), 1).await.unwrap();
        // The writer's channel closed under it (as when its runtime has shut down): the next
        // save starts another writer.
        store.saves.stop();
        store.save_project(&a, &project("two"), 2).await.unwrap();
        store.close().await;
        let late = store.save_project(&a, &project("three"), 3).await;
        assert!(matches!(late, Err(StoreError::Database(_))), "{late:?}");
    }
}
