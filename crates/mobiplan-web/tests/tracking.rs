//! The implementation page over HTTP: a project imported with an `[implementation]` section
//! shows awarded, reported and expected amounts as the core computes them, its warnings and
//! its evidence; a project without one says how to record it.

mod support;

use mobiplan_core::tracking::{self, Scope};
use support::spawn_app;

/// The reported total of a file as the core computes it (no agency rates: a range).
fn reported_total(text: &str) -> mobiplan_core::Amount {
    let rb = mobiplan_core::Rulebook::embedded(2026).unwrap();
    let f = mobiplan_core::project::parse_toml(text).unwrap();
    let (reported, omitted) = tracking::derive(&f, Scope::Reported);
    let mut p = mobiplan_core::Project::from_file(reported).unwrap();
    mobiplan_geo::fill_distances(&mut p, mobiplan_geo::Gazetteer::embedded()).unwrap();
    tracking::derived_budget(&p, &omitted, &rb, None).total
}

#[tokio::test]
async fn a_tracked_project_shows_its_reported_budget_statuses_and_evidence() {
    for backend in support::backends() {
        let app = spawn_app(backend).await;
        let (id, text) = app.import_example("tracked-sch-riga-school.toml").await;
        let project = app.get_text(&format!("/projects/{id}")).await;
        assert!(project.contains(&format!("/projects/{id}/implementation")));

        let page = app
            .get_text(&format!("/projects/{id}/implementation"))
            .await;
        let total = reported_total(&text);
        let shown = mobiplan_i18n::amount(total, mobiplan_i18n::Lang::En);
        assert!(
            page.contains(&shown),
            "reported total {shown} not on the page"
        );
        assert!(page.contains("Activities: 0 planned, 1 confirmed, 2 completed, 0 cancelled"));
        assert!(page.contains("Evidence received: 7 of"), "{page}");
        assert!(page.contains("Participant report"));
        assert!(page.contains("Not in the reported budget: group-porto"));
    }
}

#[tokio::test]
async fn a_project_without_implementation_says_how_to_record_it() {
    for backend in support::backends() {
        let app = spawn_app(backend).await;
        let (id, _) = app.import_example("sch-riga-school.toml").await;
        let res = app
            .client
            .get(app.url(&format!("/projects/{id}/implementation")))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        let page = res.text().await.unwrap();
        assert!(page.contains("[implementation]"), "{page}");
    }
}
