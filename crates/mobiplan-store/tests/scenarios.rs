//! What-if scenarios in the store, against SQLite and (with `DATABASE_URL`) PostgreSQL: a
//! scenario is a copy in the original's organisation with its rate profile, linked to its
//! original; families are flat; lists per user show only what the user may read; deleting the
//! original keeps its scenarios.

#[macro_use]
mod common;

suite!(
    a_scenario_keeps_the_organisation_and_rate_profile_and_knows_its_original,
    a_copy_of_a_scenario_belongs_to_the_same_original,
    users_list_only_the_scenarios_they_may_read,
    deleting_the_original_keeps_its_scenarios,
);

mod cases {
    use std::sync::Arc;

    use mobiplan_store::{NewOrganisation, NewUser, ShareAccess, StoreError};

    use crate::common::{Fixture, RATES, project};

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

    fn ids(l: Vec<mobiplan_store::ProjectSummary>) -> Vec<String> {
        l.into_iter().map(|p| p.id).collect()
    }

    pub async fn a_scenario_keeps_the_organisation_and_rate_profile_and_knows_its_original(
        fx: Arc<Fixture>,
    ) {
        let store = fx.open().await;
        let (a, anna) = store
            .create_organisation_with_owner(&org("A"), &user("anna@a.lv"))
            .await
            .unwrap();
        let plan = store
            .create_project_in(&a.id, Some(&anna.id), &project("Plan"))
            .await
            .unwrap();
        let rates = store
            .create_rate_profile_in(&a.id, "", RATES)
            .await
            .unwrap();
        let plan = store
            .set_project_rate_profile(&plan.id, Some(&rates.id), plan.version)
            .await
            .unwrap();

        let mut doc = plan.document.clone();
        doc.project.title = "Plan — by train".into();
        let s = store
            .create_scenario(&plan.id, Some(&anna.id), &doc)
            .await
            .unwrap();
        assert_ne!(s.id, plan.id);
        assert_eq!(s.version, 1);
        assert_eq!(store.get_project(&s.id).await.unwrap().document, doc);
        assert_eq!(
            store.project_org(&s.id).await.unwrap().as_deref(),
            Some(a.id.as_str())
        );
        assert_eq!(
            store.project_rate_profile(&s.id).await.unwrap().as_deref(),
            Some(rates.id.as_str())
        );
        assert_eq!(
            store.scenario_origin(&s.id).await.unwrap().as_deref(),
            Some(plan.id.as_str())
        );
        assert_eq!(store.scenario_origin(&plan.id).await.unwrap(), None);
        assert_eq!(
            ids(store.list_scenarios(&plan.id).await.unwrap()),
            [s.id.as_str()]
        );
        assert!(store.list_scenarios(&s.id).await.unwrap().is_empty());
        // The copy is a project like any other: listed, versioned, with its author.
        assert!(
            ids(store.list_projects_for(&anna.id).await.unwrap()).contains(&s.id),
            "the scenario is in the project list"
        );
        let history = store.project_history(&s.id).await.unwrap();
        assert_eq!(history.len(), 1);
        assert_eq!(
            history[0].saved_by.as_ref().map(|u| u.id.as_str()),
            Some(anna.id.as_str())
        );
        // The original is untouched.
        assert_eq!(store.get_project(&plan.id).await.unwrap(), plan);

        assert!(matches!(
            store.create_scenario("no-such-project", None, &doc).await,
            Err(StoreError::NotFound)
        ));
        assert!(matches!(
            store.scenario_origin("no-such-project").await,
            Err(StoreError::NotFound)
        ));
        store.integrity_check().await.unwrap();
    }

    pub async fn a_copy_of_a_scenario_belongs_to_the_same_original(fx: Arc<Fixture>) {
        let store = fx.open().await;
        let (a, anna) = store
            .create_organisation_with_owner(&org("A"), &user("anna@a.lv"))
            .await
            .unwrap();
        let plan = store
            .create_project_in(&a.id, Some(&anna.id), &project("Plan"))
            .await
            .unwrap();
        let first = store
            .create_scenario(&plan.id, None, &project("Plan — scenario 1"))
            .await
            .unwrap();
        let second = store
            .create_scenario(&first.id, None, &project("Plan — scenario 2"))
            .await
            .unwrap();
        assert_eq!(
            store.scenario_origin(&second.id).await.unwrap().as_deref(),
            Some(plan.id.as_str()),
            "families are flat"
        );
        assert_eq!(
            ids(store.list_scenarios(&plan.id).await.unwrap()),
            [first.id.clone(), second.id.clone()],
            "oldest first"
        );
    }

    pub async fn users_list_only_the_scenarios_they_may_read(fx: Arc<Fixture>) {
        let store = fx.open().await;
        let (a, anna) = store
            .create_organisation_with_owner(&org("A"), &user("anna@a.lv"))
            .await
            .unwrap();
        let (_, bob) = store
            .create_organisation_with_owner(&org("B"), &user("bob@b.ee"))
            .await
            .unwrap();
        let plan = store
            .create_project_in(&a.id, Some(&anna.id), &project("Plan"))
            .await
            .unwrap();
        let one = store
            .create_scenario(&plan.id, None, &project("one"))
            .await
            .unwrap();
        let two = store
            .create_scenario(&plan.id, None, &project("two"))
            .await
            .unwrap();
        assert_eq!(
            ids(store.list_scenarios_for(&anna.id, &plan.id).await.unwrap()),
            [one.id.clone(), two.id.clone()]
        );
        // Bob of another organisation: a share of the plan shows him none of its scenarios.
        store
            .share_project(&plan.id, &bob.id, ShareAccess::Read)
            .await
            .unwrap();
        assert!(
            store
                .list_scenarios_for(&bob.id, &plan.id)
                .await
                .unwrap()
                .is_empty()
        );
        store
            .share_project(&two.id, &bob.id, ShareAccess::Read)
            .await
            .unwrap();
        assert_eq!(
            ids(store.list_scenarios_for(&bob.id, &plan.id).await.unwrap()),
            [two.id.as_str()]
        );
    }

    pub async fn deleting_the_original_keeps_its_scenarios(fx: Arc<Fixture>) {
        let store = fx.open().await;
        let (a, _) = store
            .create_organisation_with_owner(&org("A"), &user("anna@a.lv"))
            .await
            .unwrap();
        let plan = store
            .create_project_in(&a.id, None, &project("Plan"))
            .await
            .unwrap();
        let s = store
            .create_scenario(&plan.id, None, &project("Plan — scenario 1"))
            .await
            .unwrap();
        store.delete_project(&plan.id).await.unwrap();
        assert_eq!(store.get_project(&s.id).await.unwrap().id, s.id);
        assert_eq!(store.scenario_origin(&s.id).await.unwrap(), None);
        store.integrity_check().await.unwrap();
    }
}
