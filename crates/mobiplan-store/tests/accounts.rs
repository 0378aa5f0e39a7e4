//! Accounts in the store, the same cases against SQLite and (with `DATABASE_URL`) PostgreSQL:
//! the first owner, memberships and roles, single-use invitations, shares and what each user
//! may read, sessions, authors of versions, backups.

#[macro_use]
mod common;

suite!(
    first_owner_once_and_adopts_old_projects,
    invitations_are_single_use_and_expire,
    shares_and_roles_decide_what_is_listed,
    sessions_and_authors,
    last_owner_stays,
    login_throttle_counts_blocks_and_forgets,
    server_secrets_are_made_once,
);

mod cases {
    use std::sync::Arc;

    use chrono::{Duration, Utc};
    use mobiplan_store::{NewOrganisation, NewUser, ProjectGrant, Role, ShareAccess, StoreError};

    use crate::common::{Fixture, project};

    fn org(name: &str) -> NewOrganisation<'_> {
        NewOrganisation {
            name,
            oid: "E10000001",
            country: "LV",
            town: "Rīga",
        }
    }

    fn user(email: &str) -> NewUser<'_> {
        NewUser {
            email,
            name: "Name",
            password_hash: "$argon2id$v=19$test",
        }
    }

    pub async fn first_owner_once_and_adopts_old_projects(fx: Arc<Fixture>) {
        let store = fx.open().await;
        let old = store
            .create_project(&project("from before accounts"))
            .await
            .unwrap();
        assert_eq!(store.count_users().await.unwrap(), 0);
        let (o, u) = store
            .create_first_owner(&org("A"), &user(" Anna@Skola.LV "))
            .await
            .unwrap();
        assert_eq!(u.email, "anna@skola.lv", "e-mail addresses are normalised");
        assert_eq!(
            store.project_org(&old.id).await.unwrap().as_deref(),
            Some(o.id.as_str())
        );
        let again = store.create_first_owner(&org("B"), &user("b@b.lv")).await;
        assert!(matches!(again, Err(StoreError::Exists(_))), "{again:?}");
        let dup = store
            .create_organisation_with_owner(&org("C"), &user("ANNA@skola.lv"))
            .await;
        assert!(matches!(dup, Err(StoreError::Exists(_))), "{dup:?}");
        assert_eq!(store.count_users().await.unwrap(), 1);
        let creds = store.credentials("anna@SKOLA.lv").await.unwrap().unwrap();
        assert_eq!(creds.id, u.id);
        assert_eq!(store.memberships(&u.id).await.unwrap()[0].role, Role::Owner);
        store.close().await;
    }

    pub async fn invitations_are_single_use_and_expire(fx: Arc<Fixture>) {
        let store = fx.open().await;
        let (o, owner) = store
            .create_first_owner(&org("A"), &user("a@a.lv"))
            .await
            .unwrap();
        let now = Utc::now();
        store
            .create_invitation(
                "hash-1",
                &o.id,
                Role::Viewer,
                &owner.id,
                now + Duration::days(7),
            )
            .await
            .unwrap();
        let inv = store.invitation("hash-1").await.unwrap().unwrap();
        assert!(!inv.used);
        assert_eq!(inv.role, Role::Viewer);
        let joined = store
            .accept_invitation("hash-1", None, Some(&user("v@a.lv")), now)
            .await
            .unwrap();
        assert_eq!(
            store.role_in(&joined.id, &o.id).await.unwrap(),
            Some(Role::Viewer)
        );
        let reuse = store
            .accept_invitation("hash-1", None, Some(&user("w@a.lv")), now)
            .await;
        assert!(matches!(reuse, Err(StoreError::NotFound)), "{reuse:?}");
        assert!(
            store.user_by_email("w@a.lv").await.unwrap().is_none(),
            "nothing of a refused use stays"
        );
        assert!(store.invitation("hash-1").await.unwrap().unwrap().used);

        store
            .create_invitation(
                "hash-2",
                &o.id,
                Role::Editor,
                &owner.id,
                now + Duration::days(7),
            )
            .await
            .unwrap();
        let late = store
            .accept_invitation("hash-2", Some(&joined.id), None, now + Duration::days(8))
            .await;
        assert!(matches!(late, Err(StoreError::NotFound)), "{late:?}");
        // An existing member is raised, never lowered, by an invitation.
        store
            .accept_invitation("hash-2", Some(&joined.id), None, now)
            .await
            .unwrap();
        assert_eq!(
            store.role_in(&joined.id, &o.id).await.unwrap(),
            Some(Role::Editor)
        );
        store.close().await;
    }

    pub async fn shares_and_roles_decide_what_is_listed(fx: Arc<Fixture>) {
        let store = fx.open().await;
        let (a, anna) = store
            .create_first_owner(&org("A"), &user("a@a.lv"))
            .await
            .unwrap();
        let (b, bob) = store
            .create_organisation_with_owner(&org("B"), &user("b@b.ee"))
            .await
            .unwrap();
        let pa = store
            .create_project_in(&a.id, Some(&anna.id), &project("A's"))
            .await
            .unwrap();
        let pb = store
            .create_project_in(&b.id, Some(&bob.id), &project("B's"))
            .await
            .unwrap();
        let ids = |l: Vec<mobiplan_store::ProjectSummary>| {
            l.into_iter().map(|p| p.id).collect::<Vec<_>>()
        };
        assert_eq!(
            ids(store.list_projects_for(&anna.id).await.unwrap()),
            vec![pa.id.clone()]
        );
        assert_eq!(
            store.project_grant(&anna.id, &pb.id).await.unwrap(),
            ProjectGrant {
                role: None,
                share: None
            }
        );
        store
            .share_project(&pb.id, &anna.id, ShareAccess::Read)
            .await
            .unwrap();
        store
            .share_project(&pb.id, &anna.id, ShareAccess::Edit)
            .await
            .unwrap();
        assert_eq!(
            store.project_grant(&anna.id, &pb.id).await.unwrap(),
            ProjectGrant {
                role: None,
                share: Some(ShareAccess::Edit)
            }
        );
        let mut listed = ids(store.list_projects_for(&anna.id).await.unwrap());
        listed.sort();
        let mut both = vec![pa.id.clone(), pb.id.clone()];
        both.sort();
        assert_eq!(listed, both);
        // The shared project shows under its own organisation, the one it belongs to.
        let orgs = store.project_orgs_for(&anna.id).await.unwrap();
        assert_eq!(orgs.len(), 2);
        assert_eq!(orgs[&pa.id], (a.id.clone(), a.name.clone()));
        assert_eq!(orgs[&pb.id], (b.id.clone(), b.name.clone()));
        assert_eq!(store.project_orgs_for(&bob.id).await.unwrap().len(), 1);
        assert_eq!(store.project_shares(&pb.id).await.unwrap().len(), 1);
        store.unshare_project(&pb.id, &anna.id).await.unwrap();
        assert_eq!(
            ids(store.list_projects_for(&anna.id).await.unwrap()),
            vec![pa.id.clone()]
        );
        assert!(matches!(
            store.project_grant(&anna.id, "nope").await,
            Err(StoreError::NotFound)
        ));

        // A rate profile serves only its organisation's projects.
        let rates = crate::common::RATES;
        let rb = store
            .create_rate_profile_in(&b.id, "B", rates)
            .await
            .unwrap();
        assert_eq!(
            store.rate_profile_org(&rb.id).await.unwrap().as_deref(),
            Some(b.id.as_str())
        );
        let wrong = store
            .set_project_rate_profile(&pa.id, Some(&rb.id), pa.version)
            .await;
        assert!(matches!(wrong, Err(StoreError::NotFound)), "{wrong:?}");
        store
            .set_project_rate_profile(&pb.id, Some(&rb.id), pb.version)
            .await
            .unwrap();
        assert!(
            store
                .list_rate_profiles_for(&anna.id)
                .await
                .unwrap()
                .is_empty()
        );
        assert_eq!(
            store.list_rate_profiles_for(&bob.id).await.unwrap().len(),
            1
        );
        store.close().await;
    }

    pub async fn sessions_and_authors(fx: Arc<Fixture>) {
        let store = fx.open().await;
        let (a, anna) = store
            .create_first_owner(&org("A"), &user("a@a.lv"))
            .await
            .unwrap();
        let t0 = Utc::now();
        store
            .create_session("s1", &anna.id, "csrf1", t0)
            .await
            .unwrap();
        store
            .create_session("s2", &anna.id, "csrf2", t0)
            .await
            .unwrap();
        let s = store.session("s1").await.unwrap().unwrap();
        assert_eq!(
            (s.user.id.as_str(), s.csrf_token.as_str()),
            (anna.id.as_str(), "csrf1")
        );
        // The one-query form every request uses reads the same session and memberships.
        let (joined, memberships) = store.session_with_memberships("s1").await.unwrap().unwrap();
        assert_eq!(joined, s);
        assert_eq!(memberships, store.memberships(&anna.id).await.unwrap());
        assert_eq!(memberships.len(), 1);
        assert!(
            store
                .session_with_memberships("nope")
                .await
                .unwrap()
                .is_none()
        );
        store
            .touch_session("s1", t0 + Duration::minutes(5))
            .await
            .unwrap();
        let s = store.session("s1").await.unwrap().unwrap();
        assert!(s.last_seen_at > s.created_at);
        store.delete_session("s1").await.unwrap();
        assert!(store.session("s1").await.unwrap().is_none());
        assert!(store.session("s2").await.unwrap().is_some());
        store.set_password(&anna.id, "$argon2id$new").await.unwrap();
        assert!(
            store.session("s2").await.unwrap().is_none(),
            "a new password ends every session"
        );

        let p = store
            .create_project_in(&a.id, Some(&anna.id), &project("v1"))
            .await
            .unwrap();
        store
            .save_project(&p.id, &project("v2 by a tool"), 1)
            .await
            .unwrap();
        store
            .save_project_by(&p.id, &project("v3"), 2, Some(&anna.id))
            .await
            .unwrap();
        let h = store.project_history(&p.id).await.unwrap();
        let authors: Vec<_> = h
            .iter()
            .map(|e| (e.version, e.saved_by.as_ref().map(|u| u.email.clone())))
            .collect();
        assert_eq!(
            authors,
            vec![
                (3, Some("a@a.lv".to_owned())),
                (2, None),
                (1, Some("a@a.lv".to_owned()))
            ]
        );
        store.close().await;
    }

    pub async fn last_owner_stays(fx: Arc<Fixture>) {
        let store = fx.open().await;
        let (a, anna) = store
            .create_first_owner(&org("A"), &user("a@a.lv"))
            .await
            .unwrap();
        let ed = store
            .create_user_in(&a.id, Role::Editor, &user("e@a.lv"))
            .await
            .unwrap();
        let demote = store
            .set_member_role(&a.id, &anna.id, Some(Role::Editor))
            .await;
        assert!(matches!(demote, Err(StoreError::Invalid(_))), "{demote:?}");
        assert_eq!(
            store.role_in(&anna.id, &a.id).await.unwrap(),
            Some(Role::Owner),
            "unchanged"
        );
        store
            .set_member_role(&a.id, &ed.id, Some(Role::Owner))
            .await
            .unwrap();
        store.set_member_role(&a.id, &anna.id, None).await.unwrap();
        assert_eq!(store.members(&a.id).await.unwrap().len(), 1);
        assert!(matches!(
            store.set_member_role(&a.id, &anna.id, None).await,
            Err(StoreError::NotFound)
        ));
        store.close().await;
    }

    pub async fn login_throttle_counts_blocks_and_forgets(fx: Arc<Fixture>) {
        use mobiplan_store::ThrottleRule;
        let store = fx.open().await;
        let rule = ThrottleRule {
            limit: 3,
            window: Duration::minutes(15),
            max_delay: Duration::hours(1),
        };
        let t0 = Utc::now();
        let key = "email:a@a.lv";
        assert_eq!(
            store.record_login_failure(key, &rule, t0).await.unwrap(),
            None
        );
        assert_eq!(
            store.record_login_failure(key, &rule, t0).await.unwrap(),
            None
        );
        let until = store
            .record_login_failure(key, &rule, t0)
            .await
            .unwrap()
            .expect("the third failure blocks");
        assert!(until - t0 >= Duration::minutes(15) - Duration::seconds(1));
        let other = "addr:192.0.2.1";
        assert_eq!(
            store.login_blocked_until(&[other, key], t0).await.unwrap(),
            Some(until)
        );
        assert_eq!(store.login_blocked_until(&[other], t0).await.unwrap(), None);
        // After the block a failure doubles the wait; a quiet window forgets the count.
        let t1 = until;
        let again = store
            .record_login_failure(key, &rule, t1)
            .await
            .unwrap()
            .unwrap();
        assert!(again - t1 >= Duration::minutes(30) - Duration::seconds(1));
        let later = again + Duration::minutes(15);
        assert_eq!(
            store.record_login_failure(key, &rule, later).await.unwrap(),
            None
        );
        // Housekeeping removes only quiet keys; clearing removes a key.
        assert_eq!(store.forget_login_failures(later).await.unwrap(), 0);
        store.record_login_failure(other, &rule, t0).await.unwrap();
        assert_eq!(
            store
                .forget_login_failures(t0 + Duration::minutes(1))
                .await
                .unwrap(),
            1
        );
        store.clear_login_failures(key).await.unwrap();
        assert_eq!(
            store.login_blocked_until(&[key], later).await.unwrap(),
            None
        );
        store.close().await;
    }

    pub async fn server_secrets_are_made_once(fx: Arc<Fixture>) {
        let store = fx.open().await;
        let first = store.server_secret("login-csrf").await.unwrap();
        assert_eq!(first.len(), 64);
        assert_eq!(store.server_secret("login-csrf").await.unwrap(), first);
        assert_ne!(store.server_secret("other").await.unwrap(), first);
        store.close().await;
    }
}
