//! Corrected rulebook editions and instance administrators in the store, against SQLite and
//! (with `DATABASE_URL`) PostgreSQL: every load is kept with its author and note, the newest
//! of a year is active, a document mobiplan would refuse is never stored, and only users named
//! administrators are.

#[macro_use]
mod common;

suite!(
    every_load_is_kept_and_the_newest_of_a_year_is_active,
    an_edition_that_does_not_load_is_refused_with_its_path_and_not_stored,
    instance_administrators_are_named_and_revoked,
    the_projects_of_a_call_year_are_listed_across_organisations,
);

mod cases {
    use std::sync::Arc;

    use mobiplan_store::{NewOrganisation, NewUser, StoreError};

    use crate::common::{Fixture, project};

    const RB_2026: &str = include_str!("../../../rulebook/2026.toml");
    const RB_2027: &str = include_str!("../../../rulebook/2027.toml");

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

    fn corrected(amount: u32) -> String {
        let text = RB_2026.replacen(
            "per_person = { value = 680,",
            &format!("per_person = {{ value = {amount},"),
            1,
        );
        assert_ne!(text, RB_2026);
        text
    }

    pub async fn every_load_is_kept_and_the_newest_of_a_year_is_active(fx: Arc<Fixture>) {
        let store = fx.open().await;
        let (_, admin) = store
            .create_organisation_with_owner(&org("Operator"), &user("admin@x.lv"))
            .await
            .unwrap();
        assert!(store.active_rulebook_editions().await.unwrap().is_empty());
        let first = store
            .load_rulebook_edition(
                &corrected(700),
                Some(&admin.id),
                "Admin <admin@x.lv>",
                "letter 1",
            )
            .await
            .unwrap();
        assert_eq!((first.call_year, first.seq), (2026, 1));
        assert_eq!(first.edition, "2026.1");
        let second = store
            .load_rulebook_edition(&corrected(710), None, "command line", "letter 2")
            .await
            .unwrap();
        assert_eq!(second.seq, 2);
        let other_year = store
            .load_rulebook_edition(RB_2027, Some(&admin.id), "Admin <admin@x.lv>", "as shipped")
            .await
            .unwrap();
        assert_eq!((other_year.call_year, other_year.seq), (2027, 1));

        let active = store.active_rulebook_editions().await.unwrap();
        assert_eq!(
            active
                .iter()
                .map(|e| (e.call_year, e.seq))
                .collect::<Vec<_>>(),
            [(2026, 2), (2027, 1)]
        );
        assert_eq!(active[0].document, corrected(710));
        assert_eq!(active[0].note, "letter 2");

        let history = store.rulebook_editions(Some(2026)).await.unwrap();
        assert_eq!(history, [second.clone(), first.clone()]);
        assert_eq!(history[1].loaded_by.as_deref(), Some(admin.id.as_str()));
        assert_eq!(store.rulebook_editions(None).await.unwrap().len(), 3);
        store.close().await;
    }

    pub async fn an_edition_that_does_not_load_is_refused_with_its_path_and_not_stored(
        fx: Arc<Fixture>,
    ) {
        let store = fx.open().await;
        let no_source = RB_2026.replacen(
            "per_person = { value = 680, unit = \"EUR per person\", source = \"funding-ref\",",
            "per_person = { value = 680, unit = \"EUR per person\",",
            1,
        );
        match store
            .load_rulebook_edition(&no_source, None, "command line", "x")
            .await
        {
            Err(StoreError::Invalid(message)) => assert!(
                message.contains("funding.preparatory_visits.per_person: missing source"),
                "{message}"
            ),
            other => panic!("expected Invalid, got {other:?}"),
        }
        assert!(store.rulebook_editions(None).await.unwrap().is_empty());
        store.close().await;
    }

    pub async fn instance_administrators_are_named_and_revoked(fx: Arc<Fixture>) {
        let store = fx.open().await;
        let (_, owner) = store
            .create_organisation_with_owner(&org("A"), &user("owner@a.lv"))
            .await
            .unwrap();
        // Owning an organisation does not make an instance administrator.
        assert!(!store.is_instance_admin(&owner.id).await.unwrap());
        store.grant_instance_admin(&owner.id).await.unwrap();
        store.grant_instance_admin(&owner.id).await.unwrap();
        assert!(store.is_instance_admin(&owner.id).await.unwrap());
        assert!(store.revoke_instance_admin(&owner.id).await.unwrap());
        assert!(!store.revoke_instance_admin(&owner.id).await.unwrap());
        assert!(!store.is_instance_admin(&owner.id).await.unwrap());
        assert!(matches!(
            store.grant_instance_admin("no-such-user").await,
            Err(StoreError::NotFound)
        ));
        store.close().await;
    }

    pub async fn the_projects_of_a_call_year_are_listed_across_organisations(fx: Arc<Fixture>) {
        let store = fx.open().await;
        let (a, anna) = store
            .create_organisation_with_owner(&org("A"), &user("anna@a.lv"))
            .await
            .unwrap();
        let (b, bert) = store
            .create_organisation_with_owner(&org("B"), &user("bert@b.ee"))
            .await
            .unwrap();
        let pa = store
            .create_project_in(&a.id, Some(&anna.id), &project("A 2026"))
            .await
            .unwrap();
        let pb = store
            .create_project_in(&b.id, Some(&bert.id), &project("B 2026"))
            .await
            .unwrap();
        let mut later = project("A 2027");
        later.project.call_year = 2027;
        let p27 = store
            .create_project_in(&a.id, Some(&anna.id), &later)
            .await
            .unwrap();
        let of_2026 = store.projects_of_call_year(2026).await.unwrap();
        assert_eq!(
            of_2026
                .iter()
                .map(|p| (p.id.as_str(), p.org_id.as_deref()))
                .collect::<Vec<_>>(),
            [
                (pa.id.as_str(), Some(a.id.as_str())),
                (pb.id.as_str(), Some(b.id.as_str()))
            ]
        );
        let of_2027 = store.projects_of_call_year(2027).await.unwrap();
        assert_eq!(of_2027.len(), 1);
        assert_eq!(of_2027[0].id, p27.id);
        store.close().await;
    }
}
