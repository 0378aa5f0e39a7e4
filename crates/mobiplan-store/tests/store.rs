//! The store's behaviour, the same suite against SQLite (always) and PostgreSQL (when
//! `DATABASE_URL` is set; each test in its own fresh schema, dropped afterwards).

#[macro_use]
mod common;

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use common::{Fixture, RATES, adult_project, project};
use mobiplan_core::project::file::ProjectFile;
use mobiplan_store::{
    CurrentDocument, NewOrganisation, NewUser, Role, SaveKind, Store, StoreError,
};

suite!(
    create_get_list,
    save_keeps_every_version,
    versioned_write_conflict,
    delete_project,
    not_found,
    concurrent_saves_lose_nothing,
    same_version_race_has_one_winner,
    many_concurrent_saves_read_back,
    a_failed_save_leaves_the_others_of_its_batch,
    rate_profiles,
    invalid_rate_profile_rejected,
    project_rate_profile,
    reopen_keeps_data,
    migrations_idempotent,
    integrity_check,
);

fn is_not_found<T: std::fmt::Debug>(r: Result<T, StoreError>) -> bool {
    matches!(r, Err(StoreError::NotFound))
}

/// An organisation with `n` users; their ids.
async fn users(store: &Store, n: usize) -> Vec<String> {
    let org = NewOrganisation {
        name: "Skola",
        oid: "E10000001",
        country: "LV",
        town: "Rīga",
    };
    let emails: Vec<String> = (0..n).map(|i| format!("u{i}@skola.lv")).collect();
    let user = |email| NewUser {
        email,
        name: "Name",
        password_hash: "$argon2id$v=19$test",
    };
    let (o, first) = store
        .create_organisation_with_owner(&org, &user(&emails[0]))
        .await
        .unwrap();
    let mut ids = vec![first.id];
    for email in &emails[1..] {
        let u = store
            .create_user_in(&o.id, Role::Editor, &user(email))
            .await
            .unwrap();
        ids.push(u.id);
    }
    ids
}

/// A document that differs from `project("…")` deeper than its title, so that saves store
/// real change lists.
fn edited(title: &str, n: usize) -> ProjectFile {
    let mut doc = project(title);
    if let Some(a) = doc.activities.first_mut() {
        a.title = Some(format!("activity edit {n}"));
    }
    doc
}

/// Time moves on between writes whose order a test looks at.
async fn tick() {
    tokio::time::sleep(Duration::from_millis(5)).await;
}

mod cases {
    use super::*;

    pub async fn create_get_list(fx: Arc<Fixture>) {
        let store = fx.open().await;
        assert!(store.list_projects().await.unwrap().is_empty());

        let a = store.create_project(&project("A")).await.unwrap();
        assert_eq!(a.version, 1);
        assert_eq!(a.id.len(), 12);
        assert_eq!(a.document, project("A"));
        tick().await;
        let b = store.create_project(&adult_project("B")).await.unwrap();
        assert_ne!(a.id, b.id);

        // What was written is what is read, timestamps included.
        assert_eq!(store.get_project(&a.id).await.unwrap(), a);
        assert_eq!(store.get_project(&b.id).await.unwrap(), b);

        let list = store.list_projects().await.unwrap();
        assert_eq!(
            list.iter().map(|p| p.id.as_str()).collect::<Vec<_>>(),
            [b.id.as_str(), a.id.as_str()],
            "newest first"
        );
        assert_eq!(list[0].title, "B");
        assert_eq!(list[0].field, "ADU");
        assert_eq!(list[0].call_year, 2026);
        assert_eq!(list[0].version, 1);
        assert_eq!(list[0].updated_at, b.updated_at);
        assert_eq!(list[1].field, "SCH");

        // A save moves the project to the top.
        tick().await;
        let a2 = store.save_project(&a.id, &project("A2"), 1).await.unwrap();
        let list = store.list_projects().await.unwrap();
        assert_eq!(list[0].id, a.id);
        assert_eq!(list[0].title, "A2");
        assert_eq!(list[0].version, 2);
        assert_eq!(list[0].updated_at, a2.updated_at);
        store.close().await;
    }

    pub async fn save_keeps_every_version(fx: Arc<Fixture>) {
        let store = fx.open().await;
        let s1 = store.create_project(&project("v1")).await.unwrap();
        let id = s1.id.clone();
        let s2 = store.save_project(&id, &project("v2"), 1).await.unwrap();
        assert_eq!(s2.version, 2);
        assert_eq!(s2.id, id);
        let s3 = store
            .save_project(&id, &adult_project("v3"), 2)
            .await
            .unwrap();
        assert_eq!(s3.version, 3);
        assert_eq!(store.get_project(&id).await.unwrap(), s3);

        assert_eq!(store.project_version(&id, 1).await.unwrap(), project("v1"));
        assert_eq!(store.project_version(&id, 2).await.unwrap(), project("v2"));
        assert_eq!(
            store.project_version(&id, 3).await.unwrap(),
            adult_project("v3")
        );
        assert!(is_not_found(store.project_version(&id, 4).await));
        assert!(is_not_found(store.project_version(&id, 0).await));

        let versions = store.list_project_versions(&id).await.unwrap();
        assert_eq!(
            versions.iter().map(|v| v.version).collect::<Vec<_>>(),
            [3, 2, 1]
        );
        assert_eq!(versions[0].saved_at, s3.updated_at);
        assert_eq!(versions[2].saved_at, s1.updated_at);
        let summary = &store.list_projects().await.unwrap()[0];
        assert_eq!(
            (summary.title.as_str(), summary.field.as_str()),
            ("v3", "ADU")
        );
        store.close().await;
    }

    /// Two writers start from version 1: the first wins, the second gets a conflict with the
    /// first's document, and nothing of the second is written.
    pub async fn versioned_write_conflict(fx: Arc<Fixture>) {
        let store = fx.open().await;
        let id = store.create_project(&project("base")).await.unwrap().id;
        let seen_by_a = store.get_project(&id).await.unwrap();
        let seen_by_b = store.get_project(&id).await.unwrap();
        assert_eq!((seen_by_a.version, seen_by_b.version), (1, 1));

        let a = store
            .save_project(&id, &project("from A"), seen_by_a.version)
            .await
            .unwrap();
        assert_eq!(a.version, 2);
        match store
            .save_project(&id, &project("from B"), seen_by_b.version)
            .await
        {
            Err(StoreError::Conflict {
                current_version,
                current_document,
            }) => {
                assert_eq!(current_version, 2);
                assert_eq!(
                    *current_document,
                    CurrentDocument::Project(project("from A"))
                );
                assert_eq!(current_document.project(), Some(&project("from A")));
            }
            other => panic!("expected a conflict, got {other:?}"),
        }
        let now = store.get_project(&id).await.unwrap();
        assert_eq!((now.version, now.document), (2, project("from A")));
        assert_eq!(store.list_project_versions(&id).await.unwrap().len(), 2);

        // A version from the future is a conflict too.
        assert!(matches!(
            store.save_project(&id, &project("x"), 7).await,
            Err(StoreError::Conflict {
                current_version: 2,
                ..
            })
        ));
        // B, having seen version 2, can save.
        let b = store
            .save_project(&id, &project("from B"), 2)
            .await
            .unwrap();
        assert_eq!(b.version, 3);
        let msg = StoreError::Conflict {
            current_version: 3,
            current_document: Box::new(CurrentDocument::Project(project("x"))),
        }
        .to_string();
        assert!(msg.contains("version 3"), "{msg}");
        store.close().await;
    }

    pub async fn delete_project(fx: Arc<Fixture>) {
        let store = fx.open().await;
        let gone = store.create_project(&project("gone")).await.unwrap();
        let kept = store.create_project(&project("kept")).await.unwrap();
        store
            .save_project(&gone.id, &project("gone 2"), 1)
            .await
            .unwrap();

        store.delete_project(&gone.id).await.unwrap();
        assert!(is_not_found(store.get_project(&gone.id).await));
        assert!(is_not_found(store.project_version(&gone.id, 1).await));
        assert!(is_not_found(store.list_project_versions(&gone.id).await));
        assert!(is_not_found(store.delete_project(&gone.id).await));
        assert!(is_not_found(
            store.save_project(&gone.id, &project("again"), 2).await
        ));
        let list = store.list_projects().await.unwrap();
        assert_eq!(list.len(), 1);
        assert_eq!(list[0].id, kept.id);
        assert_eq!(store.get_project(&kept.id).await.unwrap(), kept);
        store.close().await;
    }

    pub async fn not_found(fx: Arc<Fixture>) {
        let store = fx.open().await;
        let missing = "doesNotExist";
        assert!(is_not_found(store.get_project(missing).await));
        assert!(is_not_found(
            store.save_project(missing, &project("x"), 1).await
        ));
        assert!(is_not_found(store.delete_project(missing).await));
        assert!(is_not_found(store.project_version(missing, 1).await));
        assert!(is_not_found(store.list_project_versions(missing).await));
        assert!(is_not_found(store.project_rate_profile(missing).await));
        assert!(is_not_found(
            store.project_rate_profile_document(missing).await
        ));
        assert!(is_not_found(
            store.set_project_rate_profile(missing, None, 1).await
        ));
        assert!(is_not_found(store.get_rate_profile(missing).await));
        assert!(is_not_found(
            store.save_rate_profile(missing, "n", RATES, 1).await
        ));
        assert!(is_not_found(store.delete_rate_profile(missing).await));
        assert_eq!(StoreError::NotFound.to_string(), "not found");
        store.close().await;
    }

    /// Many tasks save the same project, each retrying after a conflict until it has saved
    /// its share: every version has exactly one writer, and every acknowledged save is kept.
    pub async fn concurrent_saves_lose_nothing(fx: Arc<Fixture>) {
        const TASKS: usize = 8;
        const SAVES: usize = 8;
        let store = Arc::new(fx.open().await);
        let id = store.create_project(&project("start")).await.unwrap().id;

        let mut handles = Vec::new();
        for t in 0..TASKS {
            let store = store.clone();
            let id = id.clone();
            handles.push(tokio::spawn(async move {
                let mut acks = Vec::new();
                let mut conflicts = 0;
                while acks.len() < SAVES {
                    let current = store.get_project(&id).await.unwrap();
                    let title = format!("task {t} save {}", acks.len());
                    match store
                        .save_project(&id, &project(&title), current.version)
                        .await
                    {
                        Ok(s) => {
                            assert_eq!(s.version, current.version + 1);
                            acks.push((s.version, title));
                        }
                        Err(StoreError::Conflict {
                            current_version, ..
                        }) => {
                            assert!(current_version > current.version);
                            conflicts += 1;
                        }
                        Err(e) => panic!("task {t}: {e}"),
                    }
                }
                (acks, conflicts)
            }));
        }
        let mut acks = Vec::new();
        for h in handles {
            acks.extend(h.await.unwrap().0);
        }
        let versions: BTreeSet<i64> = acks.iter().map(|(v, _)| *v).collect();
        assert_eq!(versions.len(), TASKS * SAVES, "one writer per version");
        let last = 1 + (TASKS * SAVES) as i64;
        assert_eq!(versions, (2..=last).collect::<BTreeSet<_>>());
        assert_eq!(store.get_project(&id).await.unwrap().version, last);
        for (v, title) in &acks {
            assert_eq!(
                &store.project_version(&id, *v).await.unwrap().project.title,
                title,
                "version {v}"
            );
        }
        assert_eq!(
            store.list_project_versions(&id).await.unwrap().len() as i64,
            last
        );
        store.close().await;
    }

    /// Many tasks save on the same version at once: exactly one succeeds, every other one gets
    /// a conflict carrying the winner's version and document.
    pub async fn same_version_race_has_one_winner(fx: Arc<Fixture>) {
        const TASKS: usize = 8;
        let store = Arc::new(fx.open().await);
        let id = store.create_project(&project("start")).await.unwrap().id;
        for round in 0..4 {
            let base = store.get_project(&id).await.unwrap().version;
            let barrier = Arc::new(tokio::sync::Barrier::new(TASKS));
            let mut handles = Vec::new();
            for t in 0..TASKS {
                let (store, id, barrier) = (store.clone(), id.clone(), barrier.clone());
                handles.push(tokio::spawn(async move {
                    let doc = project(&format!("round {round} task {t}"));
                    barrier.wait().await;
                    (doc.clone(), store.save_project(&id, &doc, base).await)
                }));
            }
            let mut winners = Vec::new();
            let mut losers = Vec::new();
            for h in handles {
                match h.await.unwrap() {
                    (doc, Ok(s)) => winners.push((doc, s)),
                    (
                        _,
                        Err(StoreError::Conflict {
                            current_version,
                            current_document,
                        }),
                    ) => losers.push((current_version, current_document)),
                    (_, Err(e)) => panic!("round {round}: {e}"),
                }
            }
            assert_eq!(winners.len(), 1, "round {round}: one winner");
            let (doc, won) = &winners[0];
            assert_eq!(won.version, base + 1);
            for (v, d) in &losers {
                assert_eq!(*v, base + 1);
                assert_eq!(d.project(), Some(doc));
            }
            assert_eq!(store.get_project(&id).await.unwrap().document, *doc);
        }
        store.close().await;
    }

    /// 20 tasks autosave 20 times each, every one its own project, while 20 more save one
    /// shared project 20 times each (retrying after conflicts): every save is acknowledged
    /// with the next version or refused with a newer, committed one; every version reads back
    /// as saved; the history folds each person's consecutive autosaves as it does one save
    /// at a time.
    pub async fn many_concurrent_saves_read_back(fx: Arc<Fixture>) {
        const TASKS: usize = 20;
        const SAVES: usize = 20;
        const PEOPLE: usize = 4;
        let store = Arc::new(fx.open().await);
        let people = Arc::new(users(&store, PEOPLE).await);
        let shared = store.create_project(&project("shared")).await.unwrap().id;
        let mut own = Vec::new();
        for t in 0..TASKS {
            own.push(
                store
                    .create_project(&project(&format!("own {t}")))
                    .await
                    .unwrap()
                    .id,
            );
        }

        let mut handles = Vec::new();
        for (t, id) in own.iter().enumerate() {
            let (store, people, id) = (store.clone(), people.clone(), id.clone());
            handles.push(tokio::spawn(async move {
                let by = &people[t % PEOPLE];
                let mut version = 1;
                for i in 0..SAVES {
                    let doc = edited(&format!("own {t} save {i}"), i);
                    let s = store
                        .save_project_as(&id, &doc, version, Some(by), SaveKind::Autosave)
                        .await
                        .unwrap_or_else(|e| panic!("own {t} save {i}: {e}"));
                    assert_eq!(s.version, version + 1);
                    assert_eq!(s.document, doc);
                    version = s.version;
                }
                (Vec::new(), Vec::new())
            }));
        }
        for t in 0..TASKS {
            let (store, people, id) = (store.clone(), people.clone(), shared.clone());
            handles.push(tokio::spawn(async move {
                let person = t % PEOPLE;
                let mut acks = Vec::new();
                let mut refusals = Vec::new();
                let mut current = store.get_project(&id).await.unwrap().version;
                while acks.len() < SAVES {
                    let doc = edited(&format!("shared {t} save {}", acks.len()), t);
                    match store
                        .save_project_as(
                            &id,
                            &doc,
                            current,
                            Some(&people[person]),
                            SaveKind::Autosave,
                        )
                        .await
                    {
                        Ok(s) => {
                            assert_eq!(s.version, current + 1);
                            current = s.version;
                            acks.push((s.version, person, doc));
                        }
                        Err(StoreError::Conflict {
                            current_version,
                            current_document,
                        }) => {
                            assert!(current_version > current);
                            current = current_version;
                            refusals.push((current_version, current_document));
                        }
                        Err(e) => panic!("shared {t}: {e}"),
                    }
                }
                (acks, refusals)
            }));
        }
        let mut acks = Vec::new();
        let mut refusals = Vec::new();
        for h in handles {
            let (a, r) = h.await.unwrap();
            acks.extend(a);
            refusals.extend(r);
        }

        for (t, id) in own.iter().enumerate() {
            let last = 1 + SAVES as i64;
            assert_eq!(store.get_project(id).await.unwrap().version, last);
            for i in 0..SAVES {
                assert_eq!(
                    store.project_version(id, 2 + i as i64).await.unwrap(),
                    edited(&format!("own {t} save {i}"), i)
                );
            }
            let entries: Vec<(i64, i64)> = store
                .project_history(id)
                .await
                .unwrap()
                .iter()
                .map(|e| (e.first_version, e.version))
                .collect();
            assert_eq!(entries, [(2, last), (1, 1)], "own {t}: one burst");
        }

        acks.sort_by_key(|(v, _, _)| *v);
        let last = 1 + (TASKS * SAVES) as i64;
        assert_eq!(
            acks.iter().map(|(v, _, _)| *v).collect::<Vec<_>>(),
            (2..=last).collect::<Vec<_>>(),
            "one acknowledged save per version, none missing"
        );
        let stored = store.get_project(&shared).await.unwrap();
        assert_eq!(stored.version, last);
        assert_eq!(stored.document, acks.last().unwrap().2);
        for (v, _, doc) in &acks {
            assert_eq!(
                &store.project_version(&shared, *v).await.unwrap(),
                doc,
                "version {v}"
            );
        }
        // A conflict shows a committed version, as it reads back.
        for (v, doc) in refusals.iter().step_by(7) {
            assert_eq!(
                Some(&store.project_version(&shared, *v).await.unwrap()),
                doc.project(),
                "conflict at version {v}"
            );
        }
        assert_eq!(
            store.list_project_versions(&shared).await.unwrap().len() as i64,
            last
        );
        // Consecutive autosaves of one person are one entry; another person starts the next.
        let history = store.project_history(&shared).await.unwrap();
        let mut expected: Vec<(i64, i64)> = vec![(1, 1)];
        for (v, person, _) in &acks {
            match expected.last_mut() {
                Some((first, end)) if *first > 1 && acks[(*first - 2) as usize].1 == *person => {
                    *end = *v
                }
                _ => expected.push((*v, *v)),
            }
        }
        expected.reverse();
        let entries: Vec<(i64, i64)> = history
            .iter()
            .map(|e| (e.first_version, e.version))
            .collect();
        assert_eq!(entries, expected);
        store.close().await;
    }

    /// Saves handed in together (on SQLite one batch, one transaction: the write lock is held
    /// elsewhere while they queue) are each answered on their own: a save that fails (an
    /// author who does not exist), a stale one, one of a missing project and the loser of a
    /// race are refused, and every other save is committed.
    pub async fn a_failed_save_leaves_the_others_of_its_batch(fx: Arc<Fixture>) {
        let store = Arc::new(fx.open().await);
        let mut ids = Vec::new();
        for i in 0..8 {
            ids.push(
                store
                    .create_project(&project(&format!("p{i}")))
                    .await
                    .unwrap()
                    .id,
            );
        }
        // On SQLite another connection holds the write lock while the saves queue, so that
        // the writer takes them in one batch.
        let holder = match fx.config.sqlite_file() {
            Some(file) => {
                let options = sqlx::sqlite::SqliteConnectOptions::new().filename(file);
                let pool = sqlx::SqlitePool::connect_with(options).await.unwrap();
                let tx = pool.begin_with("BEGIN IMMEDIATE").await.unwrap();
                Some((pool, tx))
            }
            None => None,
        };
        let save = |id: &str, title: &str, expected: i64, by: Option<&str>| {
            let (store, id, by) = (store.clone(), id.to_owned(), by.map(str::to_owned));
            let doc = edited(title, 1);
            tokio::spawn(async move {
                let r = store
                    .save_project_by(&id, &doc, expected, by.as_deref())
                    .await;
                (doc, r)
            })
        };
        let good: Vec<_> = ids[..5]
            .iter()
            .map(|id| save(id, &format!("good {id}"), 1, None))
            .collect();
        let ghost = save(&ids[5], "ghost", 1, Some("no-such-user"));
        let stale = save(&ids[6], "stale", 5, None);
        let missing = save("nowhere", "missing", 1, None);
        let race = [
            save(&ids[7], "race a", 1, None),
            save(&ids[7], "race b", 1, None),
        ];
        if let Some((pool, tx)) = holder {
            tokio::time::sleep(Duration::from_millis(300)).await;
            tx.rollback().await.unwrap();
            pool.close().await;
        }

        for (h, id) in good.into_iter().zip(&ids) {
            let (doc, r) = h.await.unwrap();
            let s = r.unwrap();
            assert_eq!(s.version, 2);
            assert_eq!(store.get_project(id).await.unwrap().document, doc);
        }
        let (_, r) = ghost.await.unwrap();
        assert!(matches!(r, Err(StoreError::Database(_))), "{r:?}");
        let p5 = store.get_project(&ids[5]).await.unwrap();
        assert_eq!((p5.version, p5.document.project.title.as_str()), (1, "p5"));
        assert_eq!(store.list_project_versions(&ids[5]).await.unwrap().len(), 1);
        match stale.await.unwrap().1 {
            Err(StoreError::Conflict {
                current_version,
                current_document,
            }) => {
                assert_eq!(current_version, 1);
                assert_eq!(current_document.project(), Some(&project("p6")));
            }
            other => panic!("expected a conflict, got {other:?}"),
        }
        assert!(is_not_found(missing.await.unwrap().1));
        let mut winners = Vec::new();
        let mut losers = Vec::new();
        for h in race {
            match h.await.unwrap() {
                (doc, Ok(s)) => winners.push((doc, s)),
                (
                    _,
                    Err(StoreError::Conflict {
                        current_version,
                        current_document,
                    }),
                ) => losers.push((current_version, current_document)),
                (_, Err(e)) => panic!("race: {e}"),
            }
        }
        assert_eq!((winners.len(), losers.len()), (1, 1));
        assert_eq!(losers[0].0, 2);
        assert_eq!(losers[0].1.project(), Some(&winners[0].0));
        assert_eq!(store.get_project(&ids[7]).await.unwrap(), winners[0].1);

        store.close().await;
        // After close a save is an error, not a wait.
        let late = store.save_project(&ids[0], &project("late"), 2).await;
        assert!(matches!(late, Err(StoreError::Database(_))), "{late:?}");
    }

    pub async fn rate_profiles(fx: Arc<Fixture>) {
        let store = fx.open().await;
        assert!(store.list_rate_profiles().await.unwrap().is_empty());

        let own_name = store.create_rate_profile("", RATES).await.unwrap();
        assert_eq!(own_name.name, "Example agency rates 2026 (unconfirmed)");
        assert_eq!(own_name.version, 1);
        assert_eq!(own_name.document, RATES);
        let named = store
            .create_rate_profile(" My agency ", RATES)
            .await
            .unwrap();
        assert_eq!(named.name, "My agency");
        assert_eq!(store.get_rate_profile(&named.id).await.unwrap(), named);

        let list = store.list_rate_profiles().await.unwrap();
        assert_eq!(
            list.iter().map(|p| p.name.as_str()).collect::<Vec<_>>(),
            ["Example agency rates 2026 (unconfirmed)", "My agency"]
        );
        assert_eq!(list[1].id, named.id);

        let changed = RATES.replace("rate = 117", "rate = 118");
        assert_ne!(changed, RATES);
        let saved = store
            .save_rate_profile(&named.id, "Renamed", &changed, 1)
            .await
            .unwrap();
        assert_eq!(
            (saved.version, saved.name.as_str(), saved.document.as_str()),
            (2, "Renamed", changed.as_str())
        );
        assert_eq!(saved.created_at, named.created_at);
        assert_eq!(store.get_rate_profile(&named.id).await.unwrap(), saved);

        // A stale writer gets the current TOML and changes nothing.
        match store.save_rate_profile(&named.id, "Stale", RATES, 1).await {
            Err(StoreError::Conflict {
                current_version,
                current_document,
            }) => {
                assert_eq!(current_version, 2);
                assert_eq!(current_document.rate_profile(), Some(changed.as_str()));
            }
            other => panic!("expected a conflict, got {other:?}"),
        }
        assert_eq!(store.get_rate_profile(&named.id).await.unwrap(), saved);

        store.delete_rate_profile(&named.id).await.unwrap();
        assert!(is_not_found(store.get_rate_profile(&named.id).await));
        assert!(is_not_found(store.delete_rate_profile(&named.id).await));
        assert_eq!(store.list_rate_profiles().await.unwrap().len(), 1);
        store.close().await;
    }

    pub async fn invalid_rate_profile_rejected(fx: Arc<Fixture>) {
        let store = fx.open().await;
        let invalid = |r: Result<_, StoreError>| match r {
            Err(StoreError::Invalid(m)) => m,
            other => panic!("expected Invalid, got {other:?}"),
        };

        let m = invalid(store.create_rate_profile("x", "[profile\nname = 1").await);
        assert!(m.starts_with("the rate profile is not valid: "), "{m}");
        assert!(m.contains("line"), "names the line: {m}");

        let no_learners = RATES.split("[individual_support.learners]").next().unwrap();
        let m = invalid(store.create_rate_profile("x", no_learners).await);
        assert!(m.contains("learners"), "names the missing table: {m}");

        let unknown = RATES.replace("[profile]", "[profile]\ncolour = \"red\"");
        let m = invalid(store.create_rate_profile("x", &unknown).await);
        assert!(m.contains("colour"), "names the unknown key: {m}");

        let m = invalid(store.create_rate_profile("x", "").await);
        assert!(m.contains("profile"), "{m}");

        let nameless = RATES.replace(
            "name = \"Example agency rates 2026 (unconfirmed)\"",
            "name = \"\"",
        );
        let m = invalid(store.create_rate_profile("  ", &nameless).await);
        assert!(m.contains("name"), "{m}");
        assert!(store.list_rate_profiles().await.unwrap().is_empty());

        // An invalid save changes nothing.
        let p = store.create_rate_profile("ok", RATES).await.unwrap();
        invalid(store.save_rate_profile(&p.id, "ok", "nonsense", 1).await);
        assert_eq!(store.get_rate_profile(&p.id).await.unwrap(), p);
        store.close().await;
    }

    pub async fn project_rate_profile(fx: Arc<Fixture>) {
        let store = fx.open().await;
        let p = store.create_project(&project("p")).await.unwrap();
        assert_eq!(store.project_rate_profile(&p.id).await.unwrap(), None);
        assert_eq!(
            store.project_rate_profile_document(&p.id).await.unwrap(),
            None
        );
        let r = store.create_rate_profile("agency", RATES).await.unwrap();

        let s = store
            .set_project_rate_profile(&p.id, Some(&r.id), 1)
            .await
            .unwrap();
        assert_eq!((s.version, &s.document), (2, &p.document));
        assert_eq!(
            store.project_rate_profile(&p.id).await.unwrap().as_deref(),
            Some(r.id.as_str())
        );
        assert_eq!(
            store.project_rate_profile_document(&p.id).await.unwrap(),
            Some(store.get_rate_profile(&r.id).await.unwrap())
        );
        let versions = store.list_project_versions(&p.id).await.unwrap();
        assert_eq!(versions[0].rate_profile_id.as_deref(), Some(r.id.as_str()));
        assert_eq!(versions[1].rate_profile_id, None);

        // Versioned like every write.
        assert!(matches!(
            store.set_project_rate_profile(&p.id, None, 1).await,
            Err(StoreError::Conflict {
                current_version: 2,
                ..
            })
        ));
        // An unknown profile, or project, is not found; nothing changes.
        assert!(is_not_found(
            store.set_project_rate_profile(&p.id, Some("nope"), 2).await
        ));
        assert!(is_not_found(
            store.set_project_rate_profile("nope", Some(&r.id), 1).await
        ));
        assert_eq!(store.get_project(&p.id).await.unwrap().version, 2);

        // Saving the document keeps the profile.
        store.save_project(&p.id, &project("p2"), 2).await.unwrap();
        assert_eq!(
            store.project_rate_profile(&p.id).await.unwrap().as_deref(),
            Some(r.id.as_str())
        );
        let cleared = store
            .set_project_rate_profile(&p.id, None, 3)
            .await
            .unwrap();
        assert_eq!(cleared.version, 4);
        assert_eq!(cleared.document, project("p2"));
        assert_eq!(store.project_rate_profile(&p.id).await.unwrap(), None);

        // Deleting a profile in use detaches it from its projects.
        store
            .set_project_rate_profile(&p.id, Some(&r.id), 4)
            .await
            .unwrap();
        store.delete_rate_profile(&r.id).await.unwrap();
        assert_eq!(store.project_rate_profile(&p.id).await.unwrap(), None);
        assert_eq!(store.get_project(&p.id).await.unwrap().version, 5);
        store.close().await;
    }

    pub async fn reopen_keeps_data(fx: Arc<Fixture>) {
        let (p, r) = {
            let store = fx.open().await;
            let p = store.create_project(&project("kept")).await.unwrap();
            let r = store.create_rate_profile("agency", RATES).await.unwrap();
            store
                .save_project(&p.id, &project("kept 2"), 1)
                .await
                .unwrap();
            let p = store
                .set_project_rate_profile(&p.id, Some(&r.id), 2)
                .await
                .unwrap();
            store.close().await;
            (p, r)
        };
        let store = fx.open().await;
        assert_eq!(store.get_project(&p.id).await.unwrap(), p);
        assert_eq!(store.get_rate_profile(&r.id).await.unwrap(), r);
        assert_eq!(
            store.project_rate_profile(&p.id).await.unwrap(),
            Some(r.id.clone())
        );
        assert_eq!(store.list_project_versions(&p.id).await.unwrap().len(), 3);
        // Dropped without close: an acknowledged write is there all the same.
        let s = store
            .save_project(&p.id, &project("kept 4"), 3)
            .await
            .unwrap();
        drop(store);
        let store = fx.open().await;
        assert_eq!(store.get_project(&p.id).await.unwrap(), s);
        store.integrity_check().await.unwrap();
        store.close().await;
    }

    pub async fn migrations_idempotent(fx: Arc<Fixture>) {
        // Three stores open a new database at once: each migration is applied once.
        let (a, b, c) = tokio::join!(fx.open(), fx.open(), fx.open());
        let applied = a.schema_migrations().await.unwrap();
        assert_eq!(
            applied
                .iter()
                .map(|(v, d, _)| (*v, d.as_str()))
                .collect::<Vec<_>>(),
            [
                (1, "rate profiles"),
                (2, "projects and their saved versions"),
                (3, "accounts, sharing and the authors of versions"),
                (
                    4,
                    "what-if scenarios: the project a scenario was copied from"
                ),
                (
                    5,
                    "project versions stored as changes; autosaves folded into history entries"
                ),
                (6, "login throttle shared by every instance; server secrets"),
                (
                    7,
                    "corrected rulebook editions with their history, and instance administrators"
                ),
            ]
        );
        assert_eq!(b.schema_migrations().await.unwrap(), applied);
        let p = a.create_project(&project("p")).await.unwrap();
        for s in [&a, &b, &c] {
            s.close().await;
        }
        drop((a, b, c));
        // Opening again applies nothing and keeps the data.
        for _ in 0..2 {
            let s = fx.open().await;
            assert_eq!(s.schema_migrations().await.unwrap(), applied);
            assert_eq!(s.get_project(&p.id).await.unwrap(), p);
            s.close().await;
        }
    }

    pub async fn integrity_check(fx: Arc<Fixture>) {
        let store = fx.open().await;
        store.integrity_check().await.unwrap();
        let p = store.create_project(&project("p")).await.unwrap();
        let r = store.create_rate_profile("r", RATES).await.unwrap();
        store
            .set_project_rate_profile(&p.id, Some(&r.id), 1)
            .await
            .unwrap();
        store.integrity_check().await.unwrap();
        assert_eq!(
            store.backend_name(),
            match fx.kind {
                common::Kind::Sqlite => "sqlite",
                common::Kind::Postgres => "postgres",
            }
        );
        store.close().await;
        // After close, operations fail with an error, not a panic.
        assert!(matches!(
            store.get_project(&p.id).await,
            Err(StoreError::Database(_))
        ));
    }
}

/// SQLite only: the file lives where the configuration says, and damage is detected.
mod sqlite_file {
    use super::*;
    use mobiplan_store::{Store, StoreConfig};
    use std::io::{Seek, SeekFrom, Write};

    #[tokio::test]
    async fn data_directory_is_created_with_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("a/b/c");
        let config = StoreConfig::Sqlite(data.clone());
        assert_eq!(config.sqlite_file(), Some(data.join("mobiplan.sqlite")));
        let store = Store::open(config).await.unwrap();
        assert!(data.join("mobiplan.sqlite").is_file());
        store.close().await;
    }

    #[tokio::test]
    async fn unwritable_data_directory_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("not-a-directory");
        std::fs::write(&file, b"x").unwrap();
        let err = Store::open(StoreConfig::Sqlite(file.join("data")))
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::Database(_)), "{err:?}");
    }

    #[tokio::test]
    async fn integrity_check_detects_damage() {
        let dir = tempfile::tempdir().unwrap();
        let config = StoreConfig::Sqlite(dir.path().to_owned());
        let store = Store::open(config.clone()).await.unwrap();
        for i in 0..50 {
            let p = store
                .create_project(&project(&format!("p{i}")))
                .await
                .unwrap();
            store
                .save_project(&p.id, &project(&format!("p{i}'")), 1)
                .await
                .unwrap();
        }
        store.close().await;
        drop(store);
        // Move everything from the log into the file, then damage pages 3 and 4 (not the
        // header or the schema page).
        let path = config.sqlite_file().unwrap();
        {
            use sqlx::Connection;
            let mut conn = sqlx::SqliteConnection::connect_with(
                &sqlx::sqlite::SqliteConnectOptions::new().filename(&path),
            )
            .await
            .unwrap();
            sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                .execute(&mut conn)
                .await
                .unwrap();
            conn.close().await.unwrap();
        }
        let page = 4096;
        assert!(std::fs::metadata(&path).unwrap().len() > 5 * page);
        let mut f = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
        f.seek(SeekFrom::Start(2 * page)).unwrap();
        f.write_all(&vec![0xA5; 2 * page as usize]).unwrap();
        f.sync_all().unwrap();
        drop(f);

        match Store::open(config).await {
            Err(_) => {}
            Ok(store) => {
                let err = store.integrity_check().await.unwrap_err();
                assert!(
                    matches!(err, StoreError::Corrupt(_) | StoreError::Database(_)),
                    "{err:?}"
                );
                store.close().await;
            }
        }
    }
}
