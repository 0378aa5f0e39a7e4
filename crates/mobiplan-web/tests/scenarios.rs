//! What-if scenarios over HTTP, on SQLite and PostgreSQL: a new user copies a project as a
//! scenario, changes it (green travel, a shorter activity), and the comparison page shows
//! both side by side with the difference of the two budgets as the core computes them. Other
//! organisations' projects never reach a comparison.

mod support;

use mobiplan_core::project::file::ProjectFile;
use mobiplan_core::{Amount, Budget, Category, Money};
use mobiplan_i18n::{Lang, amount, signed_amount};
use mobiplan_store::ShareAccess;
use serde_json::{Value, json};
use support::{App, PASSWORD, spawn_app};

/// The budget of a stored document as the pages compute it (no rate profile: ranges).
fn budget_of(doc: &Value) -> Budget {
    let f: ProjectFile = serde_json::from_value(doc.clone()).expect("a project document");
    let rb = mobiplan_core::Rulebook::embedded(f.project.call_year).unwrap();
    let mut p = mobiplan_core::Project::from_file(f).unwrap();
    mobiplan_geo::fill_distances(&mut p, mobiplan_geo::Gazetteer::embedded()).unwrap();
    mobiplan_core::budget(&p, &rb, None)
}

fn category(b: &Budget, c: Category) -> Amount {
    b.by_category
        .iter()
        .find(|t| t.category == c)
        .map(|t| t.amount)
        .unwrap_or(Amount::ZERO)
}

fn minus(later: Amount, first: Amount) -> Amount {
    Amount {
        min: Money::from_cents(later.min.cents() - first.min.cents()),
        max: Money::from_cents(later.max.cents() - first.max.cents()),
    }
}

/// The cells of the comparison table's row `data-row="<row>"`, as text.
fn row(page: &str, row: &str) -> Vec<String> {
    let start = page
        .find(&format!("data-row=\"{row}\""))
        .unwrap_or_else(|| panic!("no row {row} in the comparison:\n{page}"));
    let rest = &page[start..];
    let tr = &rest[..rest.find("</tr>").unwrap()];
    tr.split("<td")
        .skip(1)
        .map(|cell| {
            let inner = &cell[cell.find('>').unwrap() + 1..];
            let mut text = String::new();
            let mut in_tag = false;
            for ch in inner.chars() {
                match ch {
                    '<' => in_tag = true,
                    '>' => in_tag = false,
                    c if !in_tag => text.push(c),
                    _ => {}
                }
            }
            text.trim().to_owned()
        })
        .collect()
}

async fn copy_as_scenario(app: &App, id: &str) -> String {
    let res = app
        .client
        .post(app.url(&format!("/projects/{id}/scenario")))
        .form(&[("x", "")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303, "{}", res.text().await.unwrap());
    res.headers()["location"]
        .to_str()
        .unwrap()
        .trim_start_matches("/projects/")
        .to_owned()
}

/// Saves `doc` over the project through the JSON API, as a client of the API would.
async fn put(app: &App, id: &str, doc: &Value) {
    let version = app.version(id).await;
    let res = app
        .client
        .put(app.url(&format!("/api/projects/{id}")))
        .json(&json!({ "version": version, "document": doc }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
}

#[tokio::test]
async fn a_new_user_copies_a_plan_changes_the_copy_and_compares_the_two() {
    for backend in support::backends() {
        let app = spawn_app(backend).await;
        let (id, _) = app.import_example("sch-riga-school.toml").await;
        let page = app.get_text(&format!("/projects/{id}")).await;
        assert!(page.contains(&format!("action=\"/projects/{id}/scenario\"")));
        assert!(page.contains("Copy as scenario"));
        assert!(
            !page.contains(&format!("/projects/{id}/compare")),
            "nothing to compare yet"
        );

        let sid = copy_as_scenario(&app, &id).await;
        assert_ne!(sid, id);
        let plan = app.document(&id).await;
        let mut doc = app.document(&sid).await;
        let title = plan["project"]["title"].as_str().unwrap();
        assert_eq!(
            doc["project"]["title"],
            format!("{title} — scenario 1"),
            "the copy is named after its original"
        );
        let store = &app.state.store;
        assert_eq!(
            store.project_org(&sid).await.unwrap(),
            store.project_org(&id).await.unwrap()
        );
        assert_eq!(
            store.scenario_origin(&sid).await.unwrap().as_deref(),
            Some(id.as_str())
        );

        // Train instead of plane to Valencia, and two days fewer in Tartu.
        for a in doc["activities"].as_array_mut().unwrap() {
            if a["id"] == "course-valencia" {
                a["travel"]["green"] = json!(true);
                a["travel"]["means"] = json!("train");
            }
            if a["id"] == "shadowing-tartu" {
                a["end"] = json!("2026-11-11");
            }
        }
        put(&app, &sid, &doc).await;

        let page = app.get_text(&format!("/projects/{id}/compare")).await;
        assert!(page.contains(&format!("data-project=\"{id}\"")), "{page}");
        assert!(page.contains(&format!("data-project=\"{sid}\"")), "{page}");
        assert!(
            page.find(&format!("data-project=\"{id}\""))
                < page.find(&format!("data-project=\"{sid}\"")),
            "the original is the first column"
        );
        let a = budget_of(&app.document(&id).await);
        let b = budget_of(&app.document(&sid).await);
        for cat in [
            Category::Travel,
            Category::IndividualSupport,
            Category::CourseFees,
        ] {
            let cells = row(&page, cat.id());
            assert_eq!(
                cells,
                [
                    amount(category(&a, cat), Lang::En),
                    amount(category(&b, cat), Lang::En),
                    signed_amount(minus(category(&b, cat), category(&a, cat)), Lang::En),
                ],
                "{cat:?}"
            );
        }
        assert!(
            minus(
                category(&b, Category::Travel),
                category(&a, Category::Travel)
            )
            .min
            .cents()
                > 0,
            "green travel pays more"
        );
        assert_eq!(
            row(&page, "total")[2],
            signed_amount(minus(b.total, a.total), Lang::En)
        );
        assert_eq!(row(&page, "participants"), ["15", "15", "0"]);

        // The scenario's page names its original and links to the comparison.
        let spage = app.get_text(&format!("/projects/{sid}")).await;
        assert!(spage.contains(&format!("href=\"/projects/{id}\"")));
        assert!(spage.contains(&format!("/projects/{sid}/compare")));
        let from_scenario = app.get_text(&format!("/projects/{sid}/compare")).await;
        assert_eq!(
            row(&from_scenario, "total"),
            row(&page, "total"),
            "the family compares the same way from any member"
        );

        // A second copy is numbered on; choosing no other project shows this one alone.
        let second = copy_as_scenario(&app, &sid).await;
        assert_eq!(
            app.document(&second).await["project"]["title"],
            format!("{title} — scenario 2")
        );
        let page = app.get_text(&format!("/projects/{id}/compare")).await;
        assert_eq!(
            row(&page, "participants").len(),
            5,
            "3 columns, 2 differences"
        );
        let alone = app
            .get_text(&format!("/projects/{id}/compare?pick=1"))
            .await;
        assert_eq!(row(&alone, "participants").len(), 1);
        let chosen = app
            .get_text(&format!("/projects/{id}/compare?with={second}"))
            .await;
        assert!(!chosen.contains(&format!("data-project=\"{sid}\"")));
        assert!(chosen.contains(&format!("data-project=\"{second}\"")));

        // In Latvian.
        let res = app
            .client
            .get(app.url(&format!("/projects/{id}/compare")))
            .header("accept-language", "lv")
            .send()
            .await
            .unwrap();
        let lv = res.text().await.unwrap();
        assert!(
            lv.contains("Salīdzināt scenārijus") && lv.contains("Starpība"),
            "{lv}"
        );
    }
}

#[tokio::test]
async fn another_organisation_s_projects_never_reach_a_comparison() {
    for backend in support::backends() {
        let app = spawn_app(backend).await;
        let (id, _) = app.import_example("sch-riga-school.toml").await;
        let sid = copy_as_scenario(&app, &id).await;

        let org_b = app.add_org("Skola B", "owner@skola-b.ee").await;
        let mut doc: ProjectFile = mobiplan_core::project::parse_toml(
            &std::fs::read_to_string(support::root().join("examples/sch-riga-school.toml"))
                .unwrap(),
        )
        .unwrap();
        doc.project.title = "Secret plan of school B".into();
        let secret = app
            .state
            .store
            .create_project_in(&org_b, None, &doc)
            .await
            .unwrap();

        // A's owner asks for B's project in A's comparison: refused like the guard refuses.
        for query in [
            format!("with={}", secret.id),
            format!("pick=1&with={sid}&with={}", secret.id),
            "with=no-such-project".to_owned(),
        ] {
            let res = app
                .client
                .get(app.url(&format!("/projects/{id}/compare?{query}")))
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), 404, "{query}");
            let body = res.text().await.unwrap();
            assert!(!body.contains("Secret plan of school B"), "{query}: leaked");
        }

        // B's owner, to whom A's plan is shared for editing: may compare it (not with A's
        // scenario, which is not shared) and may not copy it into A's organisation.
        let b_owner = app
            .state
            .store
            .user_by_email("owner@skola-b.ee")
            .await
            .unwrap()
            .unwrap();
        app.state
            .store
            .share_project(&id, &b_owner.id, ShareAccess::Edit)
            .await
            .unwrap();
        let b = app.login("owner@skola-b.ee", PASSWORD).await;
        let res = b
            .get(app.url(&format!("/projects/{id}/compare")))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        let page = res.text().await.unwrap();
        assert!(!page.contains(&sid), "B sees no unshared scenario of A");
        let res = b
            .get(app.url(&format!("/projects/{id}/compare?with={sid}")))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 404);
        let res = b
            .post(app.url(&format!("/projects/{id}/scenario")))
            .form(&[("x", "")])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 403, "a share does not let B create in A");
        assert_eq!(app.state.store.list_scenarios(&id).await.unwrap().len(), 1);

        // And B's project cannot be copied by A at all.
        let res = app
            .client
            .post(app.url(&format!("/projects/{}/scenario", secret.id)))
            .form(&[("x", "")])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 404);
        assert!(
            app.state
                .store
                .list_scenarios(&secret.id)
                .await
                .unwrap()
                .is_empty()
        );
    }
}

/// The dashboard is about the projects being run: a what-if scenario, with its copied dates,
/// is not listed there with "overdue" items of its own.
#[tokio::test]
async fn scenarios_stay_off_the_dashboard() {
    for backend in support::backends() {
        let app = spawn_app(backend).await;
        let (id, _) = app.import_example("sch-riga-school.toml").await;
        let copy = copy_as_scenario(&app, &id).await;
        let dashboard = app.get_text("/dashboard").await;
        assert!(
            dashboard.contains(&format!("/projects/{id}")),
            "the original is listed"
        );
        assert!(
            !dashboard.contains(&format!("/projects/{copy}")),
            "the scenario is not"
        );
    }
}
