//! HTTP-level tests: the real router on 127.0.0.1:0 with a fresh database — SQLite in a
//! temporary directory, and PostgreSQL when DATABASE_URL is set (CI sets it).

mod support;

use serde_json::{Value, json};
use support::{App, Backend, spawn_app};

fn backends() -> Vec<Backend> {
    support::backends()
}

async fn each_backend<F, Fut>(test: F)
where
    F: Fn(App) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    for backend in backends() {
        let app = spawn_app(backend).await;
        test(app).await;
    }
}

const COURSE_FORM: &[(&str, &str)] = &[
    ("kind", "course"),
    ("title", "Digital tools"),
    ("start", "2026-10-05"),
    ("end", "2026-10-09"),
    ("host_name", "Valencia Teacher Academy"),
    ("host_country", "ES"),
    ("host_town", "Valencia"),
    ("participants_count", "2"),
    ("travel_distance_km", "2630.47"),
    ("travel_means", "plane"),
    ("travel_days", "2"),
    ("course_provider", "Valencia Teacher Academy"),
    ("course_title", "Digital tools"),
    ("course_quality", "information"),
    ("course_quality", "pedagogy"),
    ("course_quality", "european-dimension"),
    ("course_quality", "quality-service"),
    ("course_quality", "follow-up"),
];

fn with(form: &[(&str, &str)], changes: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = form
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    for (k, val) in changes {
        match v.iter_mut().find(|(key, _)| key == k) {
            Some(slot) => slot.1 = val.to_string(),
            None => v.push((k.to_string(), val.to_string())),
        }
    }
    v
}

#[tokio::test]
async fn the_story_of_a_latvian_school_from_new_project_to_exported_file() {
    each_backend(|app| async move {
        // A new project for a Latvian school.
        let id = app.create_project("Rīgas Ziemeļu vidusskola", "SCH").await;
        let page = app.get_text(&format!("/projects/{id}")).await;
        assert!(page.contains("Rīgas Ziemeļu vidusskola"), "{page}");

        // A course for two teachers.
        let version = app.version(&id).await;
        let res = app
            .post_form(
                &format!("/projects/{id}/activities"),
                &with(COURSE_FORM, &[("version", &version.to_string())]),
            )
            .await;
        assert_eq!(res.status(), 303, "{}", res.text().await.unwrap());
        let eval = app.evaluation(&id).await;
        assert_eq!(eval["summary"]["errors"], 0, "{eval}");
        // Without agency rates the budget is a range: 790 + 2 × 7 × 84–170 + 800 + 200.
        assert_eq!(eval["budget"]["total"]["min"], "2966.00");
        assert_eq!(eval["budget"]["total"]["max"], "4170.00");

        // Four persons on the course: C-MAX-PER-COURSE, in the findings panel too.
        let aid = app.first_activity(&id).await;
        let version = app.version(&id).await;
        let res = app
            .post_form(
                &format!("/projects/{id}/activities/{aid}"),
                &with(
                    COURSE_FORM,
                    &[
                        ("version", &version.to_string()),
                        ("participants_count", "4"),
                    ],
                ),
            )
            .await;
        assert_eq!(res.status(), 303);
        let eval = app.evaluation(&id).await;
        let rules: Vec<&str> = eval["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["rule"].as_str().unwrap())
            .collect();
        assert!(rules.contains(&"C-MAX-PER-COURSE"), "{rules:?}");
        let page = app
            .get_text(&format!("/projects/{id}/activities/{aid}"))
            .await;
        assert!(
            page.contains("C-MAX-PER-COURSE"),
            "the activity page shows the finding"
        );

        // Fixed again.
        let version = app.version(&id).await;
        app.post_form(
            &format!("/projects/{id}/activities/{aid}"),
            &with(
                COURSE_FORM,
                &[
                    ("version", &version.to_string()),
                    ("participants_count", "3"),
                ],
            ),
        )
        .await;
        let eval = app.evaluation(&id).await;
        assert!(
            !eval["findings"]
                .as_array()
                .unwrap()
                .iter()
                .any(|f| f["rule"] == "C-MAX-PER-COURSE")
        );

        // The exported file gives the same totals as the core computes for it.
        let toml = app.get_text(&format!("/projects/{id}/export.toml")).await;
        let project = mobiplan_core::Project::from_toml(&toml).expect("the export reads back");
        let rb = mobiplan_core::Rulebook::embedded(2026).unwrap();
        let budget = mobiplan_core::budget(&project, &rb, None);
        assert_eq!(json!(budget.total), eval["budget"]["total"]);
    })
    .await;
}

#[tokio::test]
async fn autosave_returns_the_new_version_and_fresh_findings() {
    each_backend(|app| async move {
        let id = app.create_project("School", "SCH").await;
        let version = app.version(&id).await;
        app.post_form(
            &format!("/projects/{id}/activities"),
            &with(COURSE_FORM, &[("version", &version.to_string())]),
        )
        .await;
        let aid = app.first_activity(&id).await;
        let version = app.version(&id).await;
        let res = app
            .post_form_json(
                &format!("/projects/{id}/activities/{aid}"),
                &with(
                    COURSE_FORM,
                    &[
                        ("version", &version.to_string()),
                        ("participants_count", "4"),
                    ],
                ),
            )
            .await;
        assert_eq!(res.status(), 200);
        let v: Value = res.json().await.unwrap();
        assert_eq!(v["ok"], true);
        assert_eq!(v["version"], version + 1);
        assert!(
            v["findings_html"]
                .as_str()
                .unwrap()
                .contains("C-MAX-PER-COURSE")
        );
        // The editor's whole live column comes back too, so its budget follows the save.
        let live = v["live_html"].as_str().expect("the editor's live column");
        assert!(live.contains("C-MAX-PER-COURSE"), "{live}");
        assert!(live.contains(r#"id="budget""#), "{live}");
        assert!(live.contains(r#"id="activity-total""#), "{live}");
        assert!(live.contains("travellers: 4"), "{live}");

        // The distance hint follows the towns when no distance is typed: the answer carries
        // the hint the editor page shows for the saved state.
        let mut hints = Vec::new();
        for town in ["Valencia", "Madrid"] {
            let version = app.version(&id).await;
            let res = app
                .post_form_json(
                    &format!("/projects/{id}/activities/{aid}"),
                    &with(
                        COURSE_FORM,
                        &[
                            ("version", &version.to_string()),
                            ("travel_distance_km", ""),
                            ("host_town", town),
                        ],
                    ),
                )
                .await;
            assert_eq!(res.status(), 200);
            let v: Value = res.json().await.unwrap();
            let hint = v["hints"]["travel_distance_km-hint"]
                .as_str()
                .expect("the distance hint")
                .to_owned();
            let page = app
                .client
                .get(app.url(&format!("/projects/{id}/activities/{aid}")))
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
            assert!(
                page.contains(&format!("id=\"travel_distance_km-hint\">{hint}<")),
                "{town}: the page shows {hint:?}"
            );
            hints.push(hint);
        }
        assert_ne!(hints[0], hints[1], "the hint changed with the town");
    })
    .await;
}

#[tokio::test]
async fn two_tabs_editing_the_same_activity_get_a_conflict_not_a_silent_overwrite() {
    each_backend(|app| async move {
        let id = app.create_project("School", "SCH").await;
        let v1 = app.version(&id).await;
        app.post_form(
            &format!("/projects/{id}/activities"),
            &with(COURSE_FORM, &[("version", &v1.to_string())]),
        )
        .await;
        let aid = app.first_activity(&id).await;
        let base = app.version(&id).await;
        // Tab A saves first.
        let a = app
            .post_form_json(
                &format!("/projects/{id}/activities/{aid}"),
                &with(
                    COURSE_FORM,
                    &[("version", &base.to_string()), ("title", "Tab A")],
                ),
            )
            .await;
        assert_eq!(a.status(), 200);
        // Tab B started from the same version and edits the same activity.
        let b = app
            .post_form_json(
                &format!("/projects/{id}/activities/{aid}"),
                &with(
                    COURSE_FORM,
                    &[("version", &base.to_string()), ("title", "Tab B")],
                ),
            )
            .await;
        assert_eq!(b.status(), 409);
        let body: Value = b.json().await.unwrap();
        assert_eq!(body["conflict"], true);
        assert_eq!(body["current_version"], base + 1);
        let doc = app.document(&id).await;
        assert_eq!(
            doc["activities"][0]["title"], "Tab A",
            "tab A's save is kept"
        );
        // Without script: the form comes back with B's values and a conflict notice.
        let html = app
            .post_form(
                &format!("/projects/{id}/activities/{aid}"),
                &with(
                    COURSE_FORM,
                    &[("version", &base.to_string()), ("title", "Tab B")],
                ),
            )
            .await;
        assert_eq!(html.status(), 409);
        assert!(html.text().await.unwrap().contains("Tab B"));
    })
    .await;
}

#[tokio::test]
async fn edits_to_different_activities_from_two_tabs_are_merged() {
    each_backend(|app| async move {
        let id = app.create_project("School", "SCH").await;
        for title in ["First", "Second"] {
            let v = app.version(&id).await;
            app.post_form(
                &format!("/projects/{id}/activities"),
                &with(
                    COURSE_FORM,
                    &[
                        ("version", &v.to_string()),
                        ("title", title),
                        ("course_title", title),
                    ],
                ),
            )
            .await;
        }
        let doc = app.document(&id).await;
        let (a1, a2) = (
            doc["activities"][0]["id"].as_str().unwrap().to_owned(),
            doc["activities"][1]["id"].as_str().unwrap().to_owned(),
        );
        let base = app.version(&id).await;
        let r1 = app
            .post_form_json(
                &format!("/projects/{id}/activities/{a1}"),
                &with(
                    COURSE_FORM,
                    &[
                        ("version", &base.to_string()),
                        ("title", "First, edited"),
                        ("course_title", "First"),
                    ],
                ),
            )
            .await;
        assert_eq!(r1.status(), 200);
        let r2 = app
            .post_form_json(
                &format!("/projects/{id}/activities/{a2}"),
                &with(
                    COURSE_FORM,
                    &[
                        ("version", &base.to_string()),
                        ("title", "Second, edited"),
                        ("course_title", "Second"),
                    ],
                ),
            )
            .await;
        assert_eq!(r2.status(), 200);
        let v: Value = r2.json().await.unwrap();
        assert_eq!(v["merged"], true);
        let doc = app.document(&id).await;
        assert_eq!(doc["activities"][0]["title"], "First, edited");
        assert_eq!(doc["activities"][1]["title"], "Second, edited");
    })
    .await;
}

#[tokio::test]
async fn invalid_form_input_is_named_and_not_saved() {
    each_backend(|app| async move {
        let id = app.create_project("School", "SCH").await;
        let v = app.version(&id).await;
        let res = app
            .post_form(
                &format!("/projects/{id}/activities"),
                &with(
                    COURSE_FORM,
                    &[
                        ("version", &v.to_string()),
                        ("start", "5.10.2026"),
                        ("participants_count", "two"),
                    ],
                ),
            )
            .await;
        assert_eq!(res.status(), 422);
        let page = res.text().await.unwrap();
        assert!(
            page.contains("href=\"#start\""),
            "the error summary links to the field"
        );
        assert!(
            page.contains("5.10.2026"),
            "what the user typed is shown again"
        );
        assert_eq!(app.version(&id).await, v, "nothing was saved");

        // Choices left empty come back empty: no placeholder country is chosen for the user.
        let res = app
            .post_form(
                &format!("/projects/{id}/activities"),
                &with(
                    COURSE_FORM,
                    &[("version", &v.to_string()), ("host_country", "")],
                ),
            )
            .await;
        assert_eq!(res.status(), 422);
        let page = res.text().await.unwrap();
        assert!(
            page.contains("href=\"#host_country\""),
            "named in the summary"
        );
        let select = page
            .split("<select id=\"host_country\"")
            .nth(1)
            .and_then(|rest| rest.split("</select>").next())
            .expect("the country select");
        assert!(
            select.contains("<option value=\"\" selected>"),
            "the empty choice stays chosen: {select}"
        );
        assert_eq!(
            select.matches(" selected").count(),
            1,
            "nothing else is chosen: {select}"
        );
        assert_eq!(app.version(&id).await, v, "nothing was saved");

        let res = app
            .post_form_json(
                &format!("/projects/{id}/details"),
                &[
                    ("version".into(), v.to_string()),
                    ("title".into(), String::new()),
                ],
            )
            .await;
        assert_eq!(res.status(), 422);
        let body: Value = res.json().await.unwrap();
        assert!(
            body["fields"]
                .as_array()
                .unwrap()
                .iter()
                .any(|f| f["field"] == "title")
        );
    })
    .await;
}

#[tokio::test]
async fn the_api_names_the_field_and_never_answers_500_to_bad_input() {
    each_backend(|app| async move {
        let example =
            std::fs::read_to_string(support::root().join("examples/sch-riga-school.toml")).unwrap();
        let doc = mobiplan_core::project::parse_toml(&example).unwrap();
        let created = app
            .client
            .post(app.url("/api/projects"))
            .json(&doc)
            .send()
            .await
            .unwrap();
        assert_eq!(created.status(), 201);
        let created: Value = created.json().await.unwrap();
        let id = created["id"].as_str().unwrap();

        let mut bad = serde_json::to_value(&doc).unwrap();
        bad["activities"][0]["travel"]["distance_km"] = json!("far");
        let res = app
            .client
            .put(app.url(&format!("/api/projects/{id}")))
            .json(&json!({"version": 1, "document": bad}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 422);
        let body: Value = res.json().await.unwrap();
        assert_eq!(
            body["error"]["fields"][0]["field"],
            "document.activities[0].travel.distance_km"
        );

        let res = app
            .client
            .put(app.url(&format!("/api/projects/{id}")))
            .json(&json!({"version": 7, "document": doc}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 409);
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["error"]["code"], "conflict");
        assert_eq!(body["error"]["current_version"], 1);

        for (method, path, body) in [
            ("POST", "/api/projects".to_owned(), "not json".to_owned()),
            ("POST", "/api/projects".to_owned(), "{}".to_owned()),
            (
                "PUT",
                format!("/api/projects/{id}"),
                "{\"document\": {}}".to_owned(),
            ),
            ("GET", "/api/projects/nope".to_owned(), String::new()),
            ("GET", "/api/places?q=".to_owned(), String::new()),
            ("GET", "/api/distance?from=Riga".to_owned(), String::new()),
            ("GET", "/api/nothing".to_owned(), String::new()),
        ] {
            let req = app
                .client
                .request(method.parse().unwrap(), app.url(&path))
                .header("content-type", "application/json")
                .body(body);
            let res = req.send().await.unwrap();
            assert!(
                res.status().is_client_error(),
                "{method} {path}: {}",
                res.status()
            );
            let v: Value = res.json().await.unwrap();
            assert!(v["error"]["code"].is_string(), "{v}");
        }

        let spec: Value = app
            .client
            .get(app.url("/api/openapi.json"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(spec["openapi"], "3.1.0");
    })
    .await;
}

#[tokio::test]
async fn the_language_switch_is_remembered_and_pages_change_language() {
    each_backend(|app| async move {
        let en = app.get_text("/").await;
        assert!(en.contains("Projects"));
        let res = app
            .post_form(
                "/lang",
                &[("lang".into(), "lv".into()), ("back".into(), "/".into())],
            )
            .await;
        assert_eq!(res.status(), 303);
        let lv = app.get_text("/").await;
        assert!(lv.contains("Projekti"), "{lv}");
        assert!(lv.contains("lang=\"lv\""));
        // No open redirect through the switch.
        let res = app
            .post_form(
                "/lang",
                &[
                    ("lang".into(), "en".into()),
                    ("back".into(), "https://example.com".into()),
                ],
            )
            .await;
        assert_eq!(res.headers()["location"], "/");
    })
    .await;
}

#[tokio::test]
async fn a_project_file_imports_and_exports_with_the_same_budget() {
    each_backend(|app| async move {
        let text =
            std::fs::read_to_string(support::root().join("examples/vet-liepaja-vet-school.toml"))
                .unwrap();
        let res = app.post_import("vet.toml", text.clone(), "en").await;
        assert_eq!(res.status(), 303);
        let id = res.headers()["location"]
            .to_str()
            .unwrap()
            .trim_start_matches("/projects/")
            .to_owned();
        let eval = app.evaluation(&id).await;
        let rb = mobiplan_core::Rulebook::embedded(2026).unwrap();
        let expected = mobiplan_core::budget(
            &mobiplan_core::Project::from_toml(&text).unwrap(),
            &rb,
            None,
        );
        assert_eq!(eval["budget"]["total"], json!(expected.total));
        let json_export: Value =
            serde_json::from_str(&app.get_text(&format!("/projects/{id}/export.json")).await)
                .unwrap();
        assert_eq!(json_export["project"]["field"], "VET");

        let res = app
            .post_import("bad.toml", "format = 1\n[project]\ntitle = 3", "en")
            .await;
        assert_eq!(res.status(), 422);
        let page = res.text().await.unwrap();
        let doc = scraper::Html::parse_document(&page);
        let problems: String = doc
            .select(&scraper::Selector::parse("ul.input-errors > li").unwrap())
            .map(|e| e.text().collect::<String>())
            .collect();
        assert!(
            problems.contains("Project — Title (line 3): Write a text in quotes here."),
            "{problems}"
        );
        assert!(
            page.contains("<code>project.title</code>"),
            "the path, in the technical details"
        );
    })
    .await;
}

#[tokio::test]
async fn agency_rates_make_the_budget_exact() {
    each_backend(|app| async move {
        let id = app.create_project("School", "SCH").await;
        let v = app.version(&id).await;
        app.post_form(
            &format!("/projects/{id}/activities"),
            &with(COURSE_FORM, &[("version", &v.to_string())]),
        )
        .await;
        let mut form: Vec<(String, String)> = vec![
            ("name".into(), "Agency 2026".into()),
            ("call_year".into(), "2026".into()),
            ("source".into(), "published table".into()),
            ("confidence".into(), "S".into()),
        ];
        for (who, rates) in [("staff", [117, 104, 93]), ("learners", [64, 56, 48])] {
            for (g, r) in rates.iter().enumerate() {
                form.push((format!("{who}_{}_rate", g + 1), r.to_string()));
            }
        }
        let res = app.post_form("/rates", &form).await;
        assert_eq!(res.status(), 303, "{}", res.text().await.unwrap());
        let pid = res.headers()["location"]
            .to_str()
            .unwrap()
            .trim_start_matches("/rates/")
            .to_owned();
        let v = app.version(&id).await;
        app.post_form(
            &format!("/projects/{id}/rates"),
            &[("profile".into(), pid), ("version".into(), v.to_string())],
        )
        .await;
        let eval = app.evaluation(&id).await;
        assert_eq!(eval["budget"]["total"]["min"], "3246.00");
        assert_eq!(eval["budget"]["total"]["max"], "3246.00");
        // Typed rates are what the person said (the agency's table), never "verified".
        let typed: Vec<&serde_json::Value> = eval["budget"]["lines"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|l| l["params"].as_array().unwrap())
            .filter(|p| p["path"].as_str().unwrap().starts_with("profile:"))
            .collect();
        assert!(!typed.is_empty());
        assert!(typed.iter().all(|p| p["confidence"] == "S"), "{typed:?}");

        // Without saying how sure the rates are, the profile is not saved.
        let mut unsure = form.clone();
        unsure.retain(|(k, _)| k != "confidence");
        let res = app.post_form("/rates", &unsure).await;
        assert_eq!(res.status(), 422);
        assert!(res.text().await.unwrap().contains("href=\"#confidence\""));

        // A staff rate outside the Commission's range is refused, naming the field.
        let mut bad = form.clone();
        bad.retain(|(k, _)| k != "staff_2_rate");
        bad.push(("staff_2_rate".into(), "500".into()));
        let res = app.post_form("/rates", &bad).await;
        assert_eq!(res.status(), 422);
        let page = res.text().await.unwrap();
        assert!(page.contains("href=\"#staff_2_rate\""));
        // The refused rate is shown again as typed, beside its error.
        let cell = page
            .split("id=\"staff_2_rate\"")
            .nth(1)
            .and_then(|rest| rest.split('>').next())
            .expect("the staff rate of group 2");
        assert!(cell.contains("value=\"500\""), "{cell}");
        assert!(page.contains("id=\"staff_2_rate-error\""));
    })
    .await;
}

#[tokio::test]
async fn unknown_pages_are_404_pages_and_every_page_renders() {
    each_backend(|app| async move {
        let res = app
            .client
            .get(app.url("/projects/nope"))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 404);
        assert!(res.text().await.unwrap().contains("<html"));
        let text =
            std::fs::read_to_string(support::root().join("examples/sch-riga-school.toml")).unwrap();
        let doc = mobiplan_core::project::parse_toml(&text).unwrap();
        let created: Value = app
            .client
            .post(app.url("/api/projects"))
            .json(&doc)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let id = created["id"].as_str().unwrap();
        let mut paths = vec![
            "/".to_owned(),
            "/projects/new".to_owned(),
            format!("/projects/{id}"),
            format!("/projects/{id}/details"),
            format!("/projects/{id}/people"),
            format!("/projects/{id}/budget"),
            format!("/projects/{id}/checks"),
            format!("/projects/{id}/activities/new"),
            format!("/projects/{id}/visits/new"),
            "/rates".to_owned(),
            "/rates/new".to_owned(),
        ];
        for kind in mobiplan_core::ActivityKind::ALL {
            paths.push(format!("/projects/{id}/activities/new?kind={}", kind.id()));
        }
        for a in &doc.activities {
            paths.push(format!("/projects/{id}/activities/{}", a.id));
        }
        for v in &doc.preparatory_visits {
            paths.push(format!("/projects/{id}/visits/{}", v.id));
        }
        for path in paths {
            let res = app.client.get(app.url(&path)).send().await.unwrap();
            assert_eq!(res.status(), 200, "{path}");
            let html = res.text().await.unwrap();
            assert!(html.starts_with("<!DOCTYPE html>"), "{path}");
            for prefix in [">web.", ">kind.", ">cli.", ">field.", "\"web."] {
                assert!(
                    !html.contains(prefix),
                    "{path}: an untranslated key ({prefix})"
                );
            }
        }
    })
    .await;
}

/// A new preparatory visit starts unchosen and never offers a course to prepare; a project
/// without named people does not show its people section as complete.
#[tokio::test]
async fn the_visit_form_offers_no_course_and_empty_people_are_to_do() {
    for backend in backends() {
        let app = spawn_app(backend).await;
        let (id, _) = app.import_example("sch-riga-school.toml").await;
        let page = app.get_text(&format!("/projects/{id}/visits/new")).await;
        let select = &page[page.find("name=\"prepares\"").unwrap()..];
        let select = &select[..select.find("</select>").unwrap()];
        assert!(
            select.contains("<option value=\"\""),
            "unchosen first: {select}"
        );
        assert!(
            !select.contains("course-valencia"),
            "no course offered: {select}"
        );
        assert!(select.contains("group-porto"), "{select}");

        let empty = app.create_project("Skola B", "SCH").await;
        let page = app.get_text(&format!("/projects/{empty}")).await;
        let people = &page[page.find(&format!("/projects/{empty}/people")).unwrap()..];
        let people = &people[..people.find("</li>").unwrap()];
        assert!(people.contains("tag-todo"), "{people}");
    }
}

/// A new project starts from the organisation's registration (not asked again, still
/// changeable), and countries are chosen by their names in the page's language.
#[tokio::test]
async fn a_new_project_starts_from_the_organisation_and_names_countries() {
    each_backend(|app| async move {
        let page = app.get_text("/projects/new").await;
        assert!(
            page.contains(r#"value="Skola A""#),
            "the organisation's name"
        );
        assert!(page.contains(r#"value="E10000001""#), "its OID");
        assert!(page.contains(r#"value="Rīga""#), "its town, as spelt");
        assert!(
            page.contains(r#"<option value="LV" selected>Latvia</option>"#),
            "its country, by name"
        );
        assert!(page.contains(r#"<option value="EE">Estonia</option>"#));
        let res = app
            .post_form(
                "/lang",
                &[("lang".into(), "lv".into()), ("back".into(), "/".into())],
            )
            .await;
        assert_eq!(res.status(), 303);
        let page = app.get_text("/projects/new").await;
        assert!(page.contains(r#"<option value="EE">Igaunija</option>"#));
        // Sorted by name in the page's language: Austrija before Beļģija before Čehija.
        let at = page.find("Austrija").unwrap();
        let be = page.find("Beļģija").unwrap();
        let cz = page.find("Čehija").unwrap();
        assert!(at < be && be < cz);
    })
    .await;
}

/// An organisation ID has the shape setup asks for, wherever it is typed: the project's
/// details refuse "E12" at the field (nothing saved) and take "e10000009" as E10000009.
#[tokio::test]
async fn an_oid_is_checked_in_the_details_as_at_setup() {
    each_backend(|app| async move {
        let (id, _) = app.import_example("sch-riga-school.toml").await;
        let details = format!("/projects/{id}/details");
        let form = support::html::page_form(&app, &details, &details).await;
        let mut bad = form.clone();
        support::html::set(&mut bad, "applicant_oid", "E12");
        let before = app.stored(&id).await;
        let res = app.post_form(&details, &bad).await;
        assert_eq!(res.status(), 422);
        let page = res.text().await.unwrap();
        assert!(page.contains("E followed by 8 digits"), "{page}");
        assert!(page.contains(r##"href="#applicant_oid""##));
        assert_eq!(app.stored(&id).await, before);
        let mut good = form.clone();
        support::html::set(&mut good, "applicant_oid", "e10000009");
        assert_eq!(app.post_form(&details, &good).await.status(), 303);
        assert_eq!(app.document(&id).await["applicant"]["oid"], "E10000009");
    })
    .await;
}

/// "Why this number" explains with the value, its source's title and its confidence; where
/// the value lives in the rulebook is only in the technical details.
#[tokio::test]
async fn rulebook_paths_only_in_the_technical_details() {
    each_backend(|app| async move {
        let (id, _) = app.import_example("sch-riga-school.toml").await;
        let page = app.get_text(&format!("/projects/{id}/budget")).await;
        let doc = scraper::Html::parse_document(&page);
        let main = scraper::Selector::parse("main").unwrap();
        let tech = scraper::Selector::parse("details.tech").unwrap();
        let count = |s: &str| s.matches("funding.").count();
        let all: usize = doc
            .select(&main)
            .map(|m| count(&m.text().collect::<String>()))
            .sum();
        let inside: usize = doc
            .select(&tech)
            .map(|d| count(&d.text().collect::<String>()))
            .sum();
        assert!(inside > 0, "the paths are there for who checks them");
        assert_eq!(
            all, inside,
            "no rulebook path outside the technical details"
        );
        assert!(page.contains("Technical details"));
        assert!(
            !page.contains("— funding-ref;"),
            "sources by their titles, not their ids"
        );
    })
    .await;
}

/// Without the script a save, a delete and a restore each say once, on the page they lead
/// to, that they were done.
#[tokio::test]
async fn a_page_says_once_what_a_form_did_without_javascript() {
    each_backend(|app| async move {
        let (id, _) = app.import_example("sch-riga-school.toml").await;
        let details = format!("/projects/{id}/details");
        let mut form = support::html::page_form(&app, &details, &details).await;
        support::html::set(&mut form, "title", "Renamed");
        let res = app.post_form(&details, &form).await;
        assert_eq!(res.status(), 303);
        let to = res.headers()["location"].to_str().unwrap().to_owned();
        let page = app.get_text(&to).await;
        assert!(
            page.contains(r#"class="notice flash" role="status">Saved."#),
            "{page}"
        );
        let again = app.get_text(&to).await;
        assert!(!again.contains("notice flash"), "once");

        let history = format!("/projects/{id}/history/1");
        let restore = format!("{history}/restore");
        let form = support::html::page_form(&app, &history, &restore).await;
        let res = app.post_form(&restore, &form).await;
        assert_eq!(res.status(), 303);
        let to = res.headers()["location"].to_str().unwrap().to_owned();
        assert!(
            app.get_text(&to)
                .await
                .contains("restored as a new version")
        );

        let page = format!("/projects/{id}/visits/visit-porto");
        let delete = format!("{page}/delete");
        let form = support::html::page_form(&app, &page, &delete).await;
        let res = support::html::delete_confirmed(&app, &delete, &form).await;
        assert_eq!(res.status(), 303);
        let to = res.headers()["location"].to_str().unwrap().to_owned();
        assert!(app.get_text(&to).await.contains("Deleted."));
    })
    .await;
}

/// A rule broken by a field is said at that field, not only in the findings: a project start
/// outside the call's window is an error at "Start date" (linked, `aria-invalid`), on the page
/// and in the autosave's answer.
#[tokio::test]
async fn a_rule_error_is_shown_at_its_field() {
    each_backend(|app| async move {
        let (id, _) = app.import_example("sch-riga-school.toml").await;
        let details = format!("/projects/{id}/details");
        let page = app.get_text(&details).await;
        assert!(!page.contains(r#"id="start-error""#), "the example is fine");
        let mut form = support::html::page_form(&app, &details, &details).await;
        support::html::set(&mut form, "start", "2027-05-03");
        let res = app.post_form_json(&details, &form).await;
        assert_eq!(res.status(), 200);
        let answer: serde_json::Value = res.json().await.unwrap();
        let at_start: Vec<_> = answer["field_errors"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["field"] == "start")
            .collect();
        assert_eq!(at_start.len(), 1, "{answer}");
        let page = app.get_text(&details).await;
        let error = &page[page
            .find(r#"id="start-error""#)
            .expect("the message at the field")..];
        let error = &error[..error.find("</p>").unwrap()];
        assert!(
            error.contains("2027-05-03") || error.contains("start"),
            "{error}"
        );
        let input = &page[page.find(r#"id="start""#).unwrap()..];
        let input = &input[..input.find('>').unwrap()];
        assert!(input.contains(r#"aria-invalid="true""#), "{input}");
        assert!(
            input.contains("start-error"),
            "described by its message: {input}"
        );
    })
    .await;
}

/// Findings name what they are about as people call it (an activity by its kind and title),
/// never by the file's ids.
#[tokio::test]
async fn findings_name_activities_by_title_not_id() {
    each_backend(|app| async move {
        let (id, _) = app.import_example("broken-activities.toml").await;
        let doc = app.document(&id).await;
        let page = app.get_text(&format!("/projects/{id}/checks")).await;
        let html = scraper::Html::parse_document(&page);
        let subject = scraper::Selector::parse("span.subject").unwrap();
        let subjects: Vec<String> = html
            .select(&subject)
            .map(|s| s.text().collect::<String>())
            .collect();
        assert!(!subjects.is_empty(), "the broken example has findings");
        let ids: Vec<&str> = doc["activities"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|a| a["id"].as_str())
            .collect();
        for s in &subjects {
            assert!(
                !ids.contains(&s.as_str()),
                "an id shown as the subject: {s}"
            );
        }
        let titled = doc["activities"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|a| a["title"].as_str())
            .any(|t| subjects.iter().any(|s| s.ends_with(t)));
        assert!(titled, "{subjects:?}");
    })
    .await;
}

/// Without agency rates, the learners' daily rates of 2026 are an example figure, not a
/// Commission range: their lines say so (≈, with what it means) and the budget has a note;
/// with the agency's rates chosen, neither shows.
#[tokio::test]
async fn placeholder_learner_rates_are_shown_as_examples_not_amounts() {
    each_backend(|app| async move {
        let (id, _) = app.import_example("sch-riga-school.toml").await;
        let page = app.get_text(&format!("/projects/{id}/budget")).await;
        let note = mobiplan_i18n::text(mobiplan_i18n::Lang::En, "cli.placeholder-note");
        assert!(page.contains(note.as_ref()), "the note");
        let mark = mobiplan_i18n::text(mobiplan_i18n::Lang::En, "cli.placeholder-mark");
        assert!(
            page.contains(&format!(
                r#"<abbr class="placeholder" title="{mark}">≈</abbr>"#
            )),
            "the mark on the learners' lines"
        );
        let eval = app.evaluation(&id).await;
        assert_eq!(eval["budget"]["placeholder"], true);
    })
    .await;
}
