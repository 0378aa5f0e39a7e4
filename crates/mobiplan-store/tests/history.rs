//! Versions stored as changes and autosave bursts, on SQLite and (with `DATABASE_URL`)
//! PostgreSQL: what the history costs, that every version reads back exactly as it was saved,
//! how autosaves fold into history entries, and that a broken chain is an error.

#[macro_use]
mod common;

use std::sync::Arc;
use std::time::Duration;

use common::{Fixture, Kind, RATES, project};
use mobiplan_core::project::file::ProjectFile;
use mobiplan_store::{AutosaveFolding, NewOrganisation, NewUser, SaveKind, Store, StoreError};
use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{Config, TestRng, TestRunner};

suite!(
    autosaves_cost_what_the_change_costs,
    random_edit_sequences_read_back,
    autosaves_fold_into_one_entry,
    explicit_actions_are_their_own_entries,
    folding_window_and_switch,
    broken_chain_is_an_error,
);

/// The activity the autosave tests edit.
const ACTIVITY: &str = "course-valencia";

/// An organisation with two users; their ids.
async fn two_users(store: &Store) -> (String, String) {
    let org = NewOrganisation {
        name: "Skola",
        oid: "E10000001",
        country: "LV",
        town: "Rīga",
    };
    let user = |email| NewUser {
        email,
        name: "Name",
        password_hash: "$argon2id$v=19$test",
    };
    let (o, a) = store
        .create_organisation_with_owner(&org, &user("a@skola.lv"))
        .await
        .unwrap();
    let b = store
        .create_user_in(&o.id, mobiplan_store::Role::Editor, &user("b@skola.lv"))
        .await
        .unwrap();
    (a.id, b.id)
}

fn set_activity_title(doc: &mut ProjectFile, title: String) {
    let a = doc
        .activities
        .iter_mut()
        .find(|a| a.id == ACTIVITY)
        .expect("the example has the activity");
    a.title = Some(title);
}

/// One random change of a project document, with the shapes the editors make: a field set or
/// cleared (`None` is left out of the JSON), an activity removed, copied or moved, a person
/// renamed.
#[derive(Clone, Debug)]
enum Edit {
    Title(String),
    ActivityTitle(usize, Option<String>),
    TravelDays(usize, u32),
    Distance(usize, Option<f64>),
    Mentor(usize, Option<String>),
    Blended(usize),
    RemoveActivity(usize),
    CopyActivity(usize),
    SwapActivities(usize, usize),
    PersonName(usize, String),
}

fn edit() -> impl Strategy<Value = Edit> {
    use proptest::prelude::*;
    let text = "[a-zA-Zāčēģīķļņšūž \"\\\\]{0,24}";
    prop_oneof![
        text.prop_map(Edit::Title),
        (0..8usize, proptest::option::of(text)).prop_map(|(i, t)| Edit::ActivityTitle(i, t)),
        (0..8usize, 0..5u32).prop_map(|(i, d)| Edit::TravelDays(i, d)),
        (0..8usize, proptest::option::of(0..400_000u32))
            .prop_map(|(i, d)| Edit::Distance(i, d.map(|d| f64::from(d) / 100.0))),
        (0..8usize, proptest::option::of(text)).prop_map(|(i, t)| Edit::Mentor(i, t)),
        (0..8usize).prop_map(Edit::Blended),
        (0..8usize).prop_map(Edit::RemoveActivity),
        (0..8usize).prop_map(Edit::CopyActivity),
        (0..8usize, 0..8usize).prop_map(|(i, j)| Edit::SwapActivities(i, j)),
        (0..8usize, text).prop_map(|(i, t)| Edit::PersonName(i, t)),
    ]
}

fn apply(doc: &mut ProjectFile, edit: &Edit, n: usize) {
    let acts = doc.activities.len();
    let pick = |i: usize| (acts > 0).then(|| i % acts);
    match edit {
        Edit::Title(t) => doc.project.title = t.clone(),
        Edit::ActivityTitle(i, t) => {
            if let Some(i) = pick(*i) {
                doc.activities[i].title = t.clone();
            }
        }
        Edit::TravelDays(i, d) => {
            if let Some(t) = pick(*i).and_then(|i| doc.activities[i].travel.as_mut()) {
                t.days = *d;
            }
        }
        Edit::Distance(i, d) => {
            if let Some(t) = pick(*i).and_then(|i| doc.activities[i].travel.as_mut()) {
                t.distance_km = *d;
            }
        }
        Edit::Mentor(i, m) => {
            if let Some(i) = pick(*i) {
                doc.activities[i].mentor = m.clone();
            }
        }
        Edit::Blended(i) => {
            if let Some(i) = pick(*i) {
                doc.activities[i].blended = !doc.activities[i].blended;
            }
        }
        Edit::RemoveActivity(i) => {
            if let Some(i) = pick(*i) {
                doc.activities.remove(i);
            }
        }
        Edit::CopyActivity(i) => {
            if let Some(i) = pick(*i) {
                let mut copy = doc.activities[i].clone();
                copy.id = format!("{}-{n}", copy.id);
                doc.activities.insert(i + 1, copy);
            }
        }
        Edit::SwapActivities(i, j) => {
            if let (Some(i), Some(j)) = (pick(*i), pick(*j)) {
                doc.activities.swap(i, j);
            }
        }
        Edit::PersonName(i, name) => {
            let people = doc.people.len();
            if people > 0 {
                doc.people[i % people].name = name.clone();
            }
        }
    }
}

/// `count` random edit sequences of 1 to `max_len` edits, the same on every run (a fixed
/// seed, so that a failure can be repeated).
fn edit_sequences(count: usize, max_len: usize) -> Vec<Vec<Edit>> {
    let mut runner = TestRunner::new_with_rng(
        Config::default(),
        TestRng::deterministic_rng(proptest::test_runner::RngAlgorithm::ChaCha),
    );
    let strategy = proptest::collection::vec(edit(), 1..=max_len);
    (0..count)
        .map(|_| {
            strategy
                .new_tree(&mut runner)
                .expect("a sequence")
                .current()
        })
        .collect()
}

mod cases {
    use super::*;

    /// Issue 14's measure: 300 one-field autosaves of an activity of the SCH example grow the
    /// stored history by at most 1 KB per save on average (it was the whole 4 KB document).
    pub async fn autosaves_cost_what_the_change_costs(fx: Arc<Fixture>) {
        let store = fx.open().await;
        let (anna, _) = two_users(&store).await;
        let mut doc = project("Bursts");
        let created = store.create_project(&doc).await.unwrap();
        let id = created.id;
        let document_bytes = serde_json::to_string(&doc).unwrap().len() as i64;
        let backup_before = sqlite_backup_size(&fx, &store, "before").await;
        let before = store.project_history_bytes(&id).await.unwrap();

        const SAVES: i64 = 300;
        let mut saved = vec![doc.clone()];
        for i in 0..SAVES {
            set_activity_title(
                &mut doc,
                format!("Digital tools for the inclusive classroom {i}"),
            );
            let s = store
                .save_project_as(&id, &doc, i + 1, Some(&anna), SaveKind::Autosave)
                .await
                .unwrap();
            assert_eq!(s.version, i + 2);
            saved.push(doc.clone());
        }

        let after = store.project_history_bytes(&id).await.unwrap();
        let per_save = (after - before) / SAVES;
        let backup_after = sqlite_backup_size(&fx, &store, "after").await;
        eprintln!(
            "{:?}: document {document_bytes} B; history +{} B over {SAVES} autosaves = {per_save} B per save{}",
            fx.kind,
            after - before,
            match (backup_before, backup_after) {
                (Some(b), Some(a)) => format!(
                    "; database (VACUUM INTO copy) +{} B = {} B per save",
                    a - b,
                    (a - b) / SAVES as u64
                ),
                _ => String::new(),
            }
        );
        assert!(per_save <= 1024, "{per_save} bytes of history per autosave");
        if let (Some(b), Some(a)) = (backup_before, backup_after) {
            assert!(
                (a - b) / (SAVES as u64) <= 1024,
                "the database grew by {} bytes per autosave",
                (a - b) / SAVES as u64
            );
        }

        // Every version reads back as it was saved, across several full copies.
        for (v, expected) in saved.iter().enumerate() {
            let v = v as i64 + 1;
            assert_eq!(
                &store.project_version(&id, v).await.unwrap(),
                expected,
                "version {v}"
            );
        }
        assert_eq!(store.get_project(&id).await.unwrap().document, doc);
        assert_eq!(
            store.list_project_versions(&id).await.unwrap().len() as i64,
            SAVES + 1,
            "every version is kept"
        );
    }

    /// Any version read back from the middle of a history of random edits equals the document
    /// saved then — through full copies and changes, autosaves and explicit saves.
    pub async fn random_edit_sequences_read_back(fx: Arc<Fixture>) {
        let store = fx.open().await;
        let (anna, _) = two_users(&store).await;
        for (n, edits) in edit_sequences(6, 80).into_iter().enumerate() {
            let mut doc = project(&format!("Sequence {n}"));
            let id = store.create_project(&doc).await.unwrap().id;
            let mut saved = vec![doc.clone()];
            for (i, e) in edits.iter().enumerate() {
                apply(&mut doc, e, i);
                let kind = if i % 3 == 0 {
                    SaveKind::Explicit
                } else {
                    SaveKind::Autosave
                };
                store
                    .save_project_as(&id, &doc, i as i64 + 1, Some(&anna), kind)
                    .await
                    .unwrap_or_else(|e| panic!("sequence {n}, edit {i}: {e}"));
                saved.push(doc.clone());
            }
            for (v, expected) in saved.iter().enumerate() {
                let got = store.project_version(&id, v as i64 + 1).await.unwrap();
                assert_eq!(
                    &got,
                    expected,
                    "sequence {n} ({edits:?}), version {}",
                    v + 1
                );
            }
            assert!(matches!(
                store.project_version(&id, saved.len() as i64 + 1).await,
                Err(StoreError::NotFound)
            ));
            // All of them in one read, and a few in any order (repeats included).
            let all: Vec<i64> = (1..=saved.len() as i64).collect();
            assert_eq!(
                store.project_versions_documents(&id, &all).await.unwrap(),
                saved
            );
            let last = saved.len() as i64;
            let some = [last, 2, last / 2, 2];
            let docs = store.project_versions_documents(&id, &some).await.unwrap();
            for (v, doc) in some.iter().zip(&docs) {
                assert_eq!(doc, &saved[*v as usize - 1], "version {v}");
            }
            assert!(
                store
                    .project_versions_documents(&id, &[])
                    .await
                    .unwrap()
                    .is_empty()
            );
            assert!(matches!(
                store.project_versions_documents(&id, &[1, last + 1]).await,
                Err(StoreError::NotFound)
            ));
        }
    }

    /// A burst of autosaves by one person is one history entry showing the newest state, while
    /// every version in it stays readable (a merge base) and a stale version still conflicts.
    pub async fn autosaves_fold_into_one_entry(fx: Arc<Fixture>) {
        let store = fx.open().await;
        let (anna, _) = two_users(&store).await;
        let mut doc = project("Fold");
        let id = store.create_project(&doc).await.unwrap().id;
        let mut saved = vec![doc.clone()];
        for i in 0..5 {
            set_activity_title(&mut doc, format!("title {i}"));
            store
                .save_project_as(&id, &doc, i + 1, Some(&anna), SaveKind::Autosave)
                .await
                .unwrap();
            saved.push(doc.clone());
        }
        let history = store.project_history(&id).await.unwrap();
        let entries: Vec<(i64, i64)> = history
            .iter()
            .map(|e| (e.first_version, e.version))
            .collect();
        assert_eq!(
            entries,
            [(2, 6), (1, 1)],
            "creation, then one entry for the burst"
        );
        assert_eq!(
            history[0].saved_by.as_ref().map(|u| u.id.as_str()),
            Some(anna.as_str())
        );
        assert_eq!(store.list_project_versions(&id).await.unwrap().len(), 6);

        // A version inside the burst is still there, as it was.
        assert_eq!(store.project_version(&id, 4).await.unwrap(), saved[3]);
        // A client still holding version 4 is told about the newer one, never overwrites it.
        let stale = store
            .save_project_as(&id, &saved[3], 4, Some(&anna), SaveKind::Autosave)
            .await;
        match stale {
            Err(StoreError::Conflict {
                current_version,
                current_document,
            }) => {
                assert_eq!(current_version, 6);
                assert_eq!(current_document.project(), Some(&doc));
            }
            other => panic!("expected a conflict, got {other:?}"),
        }
        assert_eq!(store.get_project(&id).await.unwrap().version, 6);
    }

    /// Explicit saves, another person's autosave and a rate-profile change each start an
    /// entry; an autosave after an explicit save starts a new burst.
    pub async fn explicit_actions_are_their_own_entries(fx: Arc<Fixture>) {
        let store = fx.open().await;
        let (anna, bert) = two_users(&store).await;
        let mut doc = project("Entries");
        let id = store.create_project(&doc).await.unwrap().id;
        let profile = store.create_rate_profile("", RATES).await.unwrap();
        let mut v = 1;
        let mut save = async |by: &str, kind: SaveKind, doc: &mut ProjectFile| {
            set_activity_title(doc, format!("title {v}"));
            let s = store
                .save_project_as(&id, doc, v, Some(by), kind)
                .await
                .unwrap();
            v = s.version;
        };
        save(&anna, SaveKind::Autosave, &mut doc).await; // 2: new burst
        save(&anna, SaveKind::Autosave, &mut doc).await; // 3: folds into 2
        save(&anna, SaveKind::Explicit, &mut doc).await; // 4: its own
        save(&anna, SaveKind::Autosave, &mut doc).await; // 5: new burst (after an explicit save)
        save(&bert, SaveKind::Autosave, &mut doc).await; // 6: another person
        save(&bert, SaveKind::Autosave, &mut doc).await; // 7: folds into 6
        store
            .set_project_rate_profile_by(&id, Some(&profile.id), 7, Some(&bert))
            .await
            .unwrap(); // 8: its own
        let mut v = 8;
        set_activity_title(&mut doc, "after the profile".into());
        v = store
            .save_project_as(&id, &doc, v, Some(&bert), SaveKind::Autosave)
            .await
            .unwrap()
            .version; // 9: new burst
        assert_eq!(v, 9);
        let entries: Vec<(i64, i64)> = store
            .project_history(&id)
            .await
            .unwrap()
            .iter()
            .map(|e| (e.first_version, e.version))
            .collect();
        assert_eq!(
            entries,
            [(9, 9), (8, 8), (6, 7), (5, 5), (4, 4), (2, 3), (1, 1)]
        );
        // The plain save is explicit.
        let s = store
            .save_project_by(&id, &doc, 9, Some(&bert))
            .await
            .unwrap();
        assert_eq!(
            store.project_history(&id).await.unwrap()[0].first_version,
            s.version
        );
        assert_eq!(
            store.project_version(&id, 8).await.unwrap(),
            store.project_version(&id, 7).await.unwrap()
        );
    }

    /// Autosaves further apart than the window start a new entry; a zero window folds nothing.
    pub async fn folding_window_and_switch(fx: Arc<Fixture>) {
        let store = fx.open().await.with_autosave_folding(AutosaveFolding {
            window: Duration::from_millis(300),
            max_span: Duration::from_secs(60),
        });
        let (anna, _) = two_users(&store).await;
        let mut doc = project("Window");
        let id = store.create_project(&doc).await.unwrap().id;
        for (v, pause) in [(1, 0), (2, 0), (3, 700), (4, 0)] {
            tokio::time::sleep(Duration::from_millis(pause)).await;
            set_activity_title(&mut doc, format!("title {v}"));
            store
                .save_project_as(&id, &doc, v, Some(&anna), SaveKind::Autosave)
                .await
                .unwrap();
        }
        let entries: Vec<(i64, i64)> = store
            .project_history(&id)
            .await
            .unwrap()
            .iter()
            .map(|e| (e.first_version, e.version))
            .collect();
        assert_eq!(entries, [(4, 5), (2, 3), (1, 1)]);

        let store = store.with_autosave_folding(AutosaveFolding {
            window: Duration::ZERO,
            ..AutosaveFolding::default()
        });
        for v in 5..7 {
            set_activity_title(&mut doc, format!("title {v}"));
            store
                .save_project_as(&id, &doc, v, Some(&anna), SaveKind::Autosave)
                .await
                .unwrap();
        }
        let history = store.project_history(&id).await.unwrap();
        assert_eq!(history.len(), 5, "{history:?}");
        assert!(history.iter().take(2).all(|e| e.first_version == e.version));
    }

    /// A change list that was damaged in the database makes reading that version (and the
    /// ones after it up to the next full copy) a clear error, never a panic; the versions
    /// before it still read.
    pub async fn broken_chain_is_an_error(fx: Arc<Fixture>) {
        let store = fx.open().await;
        let mut doc = project("Broken");
        let id = store.create_project(&doc).await.unwrap().id;
        let mut saved = vec![doc.clone()];
        for v in 1..5 {
            set_activity_title(&mut doc, format!("title {v}"));
            store.save_project(&id, &doc, v).await.unwrap();
            saved.push(doc.clone());
        }
        for (sql, what) in [
            (
                "UPDATE project_versions SET document = '[[\"-\",[\"nope\"]]]' WHERE project_id = $1 AND version = 3",
                "a change that does not apply",
            ),
            (
                "UPDATE project_versions SET document = 'not json' WHERE project_id = $1 AND version = 3",
                "text that is not JSON",
            ),
            (
                "DELETE FROM project_versions WHERE project_id = $1 AND version = 3",
                "a missing version",
            ),
        ] {
            raw_sql(&fx, sql, &id).await;
            for v in [3, 4, 5] {
                let r = store.project_version(&id, v).await;
                match (v, r) {
                    (3, Err(StoreError::NotFound)) if what == "a missing version" => {}
                    (_, Err(StoreError::Corrupt(m))) => assert!(m.contains(&id), "{m}"),
                    (_, other) => panic!("{what}, version {v}: {other:?}"),
                }
            }
            assert_eq!(store.project_version(&id, 2).await.unwrap(), saved[1]);
        }
        // The current document is whole in `projects`: it reads, and a save onto it works.
        assert_eq!(store.get_project(&id).await.unwrap().document, doc);
        store.save_project(&id, &doc, 5).await.unwrap();
    }
}

/// The size of a `VACUUM INTO` copy of the SQLite database (its pages without free space), or
/// `None` on PostgreSQL.
async fn sqlite_backup_size(fx: &Fixture, store: &Store, name: &str) -> Option<u64> {
    let dir = fx.data_dir()?;
    let file = dir.join(format!("size-{name}.sqlite"));
    store.backup_to(&file).await.unwrap();
    Some(std::fs::metadata(&file).unwrap().len())
}

/// Runs one statement with the project id as `$1` directly on the test's database, behind the
/// store's back (to damage it).
async fn raw_sql(fx: &Fixture, sql: &str, id: &str) {
    use mobiplan_store::StoreConfig;
    use sqlx::Connection;
    match (&fx.config, fx.kind) {
        (StoreConfig::Sqlite(dir), Kind::Sqlite) => {
            let options =
                sqlx::sqlite::SqliteConnectOptions::new().filename(dir.join("mobiplan.sqlite"));
            let mut conn = sqlx::SqliteConnection::connect_with(&options)
                .await
                .unwrap();
            sqlx::query(sql).bind(id).execute(&mut conn).await.unwrap();
            conn.close().await.unwrap();
        }
        (StoreConfig::Postgres(url), Kind::Postgres) => {
            let mut conn = sqlx::PgConnection::connect(url).await.unwrap();
            sqlx::query(sql).bind(id).execute(&mut conn).await.unwrap();
            conn.close().await.unwrap();
        }
        other => panic!("unexpected fixture {other:?}"),
    }
}
