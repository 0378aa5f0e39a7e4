//! Call years and rulebook editions over HTTP, on SQLite and PostgreSQL: a new project created
//! on 2026-12-06 is for call 2027 and opens without error; the call years are listed with their
//! state; a project moves to call 2027 as a scenario after a preview; a corrected edition
//! loaded by an instance administrator changes the budgets of that year's projects and lists
//! them, and an edition without sources is refused with the value's path.

mod support;

use chrono::{DateTime, Utc};
use mobiplan_core::project::file::ProjectFile;
use serde_json::Value;
use support::{App, OWNER, spawn_app};

fn set_clock(app: &App, at: &str) {
    let target: DateTime<Utc> = DateTime::parse_from_rfc3339(at).unwrap().to_utc();
    app.clock.advance(target - app.clock.now());
}

const ON_6_DECEMBER: &str = "2026-12-06T10:00:00+02:00";

/// The option of the `call_year` select that is selected, as (value, label).
fn selected_call_year(page: &str) -> (String, String) {
    let select = &page[page.find("name=\"call_year\"").expect("a call_year select")..];
    let select = &select[..select.find("</select>").unwrap()];
    let at = select.find(" selected").expect("a selected call year");
    let option = &select[select[..at].rfind("<option").unwrap()..];
    let value = option.split("value=\"").nth(1).unwrap();
    let value = &value[..value.find('"').unwrap()];
    let label = &option[option.find('>').unwrap() + 1..option.find("</option>").unwrap()];
    (value.to_owned(), label.to_owned())
}

fn total_min(eval: &Value) -> f64 {
    eval["budget"]["total"]["min"]
        .as_str()
        .unwrap_or_else(|| panic!("a budget total: {eval}"))
        .parse()
        .unwrap()
}

async fn new_project_on_6_december_is_for_call_2027_and_opens_without_error(app: &App) {
    set_clock(app, ON_6_DECEMBER);
    let page = app.get_text("/projects/new").await;
    assert_eq!(
        selected_call_year(&page),
        ("2027".into(), "2027 — announced, not confirmed yet".into())
    );
    assert!(page.contains("2026 — closed"), "the closed call is listed");

    // The form as it comes, with a start a year from now and no application date yet.
    let form: Vec<(String, String)> = [
        ("title", "Outdoor learning 2027"),
        ("field", "SCH"),
        ("call_year", "2027"),
        ("round", "1"),
        ("start", "2027-09-01"),
        ("duration_months", "12"),
        ("applicant_name", "Rīgas Ziemeļu vidusskola"),
        ("applicant_country", "LV"),
        ("applicant_town", "Rīga"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    let res = app.post_form("/projects", &form).await;
    assert_eq!(res.status(), 303, "{}", res.text().await.unwrap());
    let id = res.headers()["location"]
        .to_str()
        .unwrap()
        .trim_start_matches("/projects/")
        .to_owned();
    let eval = app.evaluation(&id).await;
    assert_eq!(eval["summary"]["errors"], 0, "{eval}");
    let keys: Vec<&str> = eval["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["key"].as_str().unwrap())
        .collect();
    assert!(keys.contains(&"finding.P-DEADLINE.unknown"), "{keys:?}");
    assert!(keys.contains(&"finding.P-START-WINDOW.unknown"), "{keys:?}");
    let page = app.get_text(&format!("/projects/{id}")).await;
    assert!(
        page.contains("The call-2027 deadline of round 1 is not published yet"),
        "the project page says what cannot be checked yet"
    );

    // Before the 2026 deadline, call 2026 is open and the default.
    set_clock(app, "2026-01-10T10:00:00+02:00");
    let page = app.get_text("/projects/new").await;
    assert_eq!(
        selected_call_year(&page),
        ("2026".into(), "2026 — open".into())
    );
    set_clock(app, ON_6_DECEMBER);
}

async fn the_rulebooks_page_lists_the_calls_and_the_diff_page_both_sources(app: &App) {
    set_clock(app, ON_6_DECEMBER);
    let page = app.get_text("/rulebooks").await;
    assert!(page.contains("2026 — closed"), "{page}");
    assert!(
        page.contains("2027 — announced, not confirmed yet"),
        "{page}"
    );
    assert!(page.contains("/rulebooks/2027/diff?from=2026"));
    let diff = app.get_text("/rulebooks/2027/diff").await;
    assert!(diff.contains("<code>rounds.1.deadline</code>"), "{diff}");
    assert!(diff.contains("2026-02-19T12:00:00+01:00"));
    // Sources by their titles; the value's part of the rulebook in words, its path under the
    // technical details.
    let rb26 = mobiplan_core::Rulebook::embedded(2026).unwrap();
    let rb27 = mobiplan_core::Rulebook::embedded(2027).unwrap();
    let title = |rb: &mobiplan_core::Rulebook, id: &str| rb.sources[id].title.clone();
    assert!(diff.contains(&format!("{}; verified", title(&rb26, "seed-2026"))));
    assert!(diff.contains(&format!(
        "{}; provisional, unconfirmed",
        title(&rb27, "call-2027-pending")
    )));
    assert!(diff.contains(&format!(
        "{}; provisional, unconfirmed; carried from call 2026",
        title(&rb27, "carried-2026")
    )));
    assert!(diff.contains("Rounds and deadlines"));
    assert!(diff.contains("Rule P-DURATION"), "{diff}");
    let lv = app
        .client
        .get(app.url("/rulebooks/2027/diff"))
        .header("accept-language", "lv")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(lv.contains("Kārtas un termiņi") && lv.contains("Noteikums P-DURATION"));
    assert!(lv.contains(rb27.sources["carried-2026"].title_lv.as_deref().unwrap()));
    // The other way round, and an edition that does not exist.
    let back = app.get_text("/rulebooks/2026/diff?from=2027").await;
    assert!(back.contains("<code>rounds.1.deadline</code>"));
    let res = app
        .client
        .get(app.url("/rulebooks/2031/diff"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
}

async fn a_project_moves_to_call_2027_as_a_scenario_after_a_preview(app: &App) {
    set_clock(app, ON_6_DECEMBER);
    let (id, _) = app.import_example("sch-riga-school.toml").await;
    let page = app.get_text(&format!("/projects/{id}")).await;
    assert!(
        page.contains(&format!("/projects/{id}/move?to=2027&amp;shift=1")),
        "the project page offers the move to the coming call"
    );
    let before = app.document(&id).await;

    let preview = app
        .get_text(&format!("/projects/{id}/move?to=2027&shift=1"))
        .await;
    assert!(preview.contains("The call-2027 deadline of round 1 is not published yet"));
    assert!(
        preview.contains("Rule errors in the moved project: 0."),
        "{preview}"
    );
    assert_eq!(app.document(&id).await, before, "a preview saves nothing");

    let form = vec![
        ("to".to_owned(), "2027".to_owned()),
        ("shift".to_owned(), "1".to_owned()),
    ];
    let res = app.post_form(&format!("/projects/{id}/move"), &form).await;
    assert_eq!(res.status(), 303);
    let moved_id = res.headers()["location"]
        .to_str()
        .unwrap()
        .trim_start_matches("/projects/")
        .to_owned();
    assert_ne!(moved_id, id);
    let moved: ProjectFile = serde_json::from_value(app.document(&moved_id).await).unwrap();
    assert_eq!(moved.project.call_year, 2027);
    assert_eq!(moved.project.start.to_string(), "2027-09-01");
    assert!(
        moved.project.title.ends_with("— call 2027"),
        "{}",
        moved.project.title
    );
    assert_eq!(app.document(&id).await, before, "the original stays");
    assert_eq!(
        app.state.store.scenario_origin(&moved_id).await.unwrap(),
        Some(id.clone())
    );
    let eval = app.evaluation(&moved_id).await;
    assert_eq!(eval["summary"]["errors"], 0, "{eval}");

    // A year without a rulebook is refused, and nothing is created.
    let res = app
        .post_form(
            &format!("/projects/{id}/move"),
            &[("to".to_owned(), "2031".to_owned())],
        )
        .await;
    assert_eq!(res.status(), 400);
    assert_eq!(app.state.store.list_scenarios(&id).await.unwrap().len(), 1);
}

async fn upload(app: &App, text: &str, note: &str) -> reqwest::Response {
    let form = reqwest::multipart::Form::new()
        .text("note", note.to_owned())
        .part(
            "file",
            reqwest::multipart::Part::text(text.to_owned()).file_name("2026-corrected.toml"),
        );
    app.client
        .post(app.url("/rulebooks/load"))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

async fn a_corrected_edition_changes_the_budgets_of_that_years_projects_and_lists_them(app: &App) {
    set_clock(app, ON_6_DECEMBER);
    let rb_2026 = std::fs::read_to_string(support::root().join("rulebook/2026.toml")).unwrap();
    let corrected = rb_2026.replacen(
        "per_person = { value = 680,",
        "per_person = { value = 700,",
        1,
    );
    assert_ne!(corrected, rb_2026);

    // An organisation's owner is no instance administrator.
    let res = app
        .client
        .get(app.url("/rulebooks/load"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    assert_eq!(upload(app, &corrected, "agency letter").await.status(), 403);
    let owner = app.state.store.user_by_email(OWNER).await.unwrap().unwrap();
    app.state
        .store
        .grant_instance_admin(&owner.id)
        .await
        .unwrap();
    let form = app.get_text("/rulebooks/load").await;
    assert!(form.contains("action=\"/rulebooks/load\""), "{form}");
    assert!(form.contains("enctype=\"multipart/form-data\""), "{form}");

    let (mine, _) = app.import_example("sch-riga-school.toml").await;
    let doc: ProjectFile = serde_json::from_value(app.document(&mine).await).unwrap();
    let visit_persons: f64 = doc
        .preparatory_visits
        .iter()
        .map(|v| {
            v.persons
                .names
                .as_ref()
                .map_or(v.persons.count.unwrap_or(0) as usize, Vec::len) as f64
        })
        .sum();
    assert!(visit_persons > 0.0, "the example has a preparatory visit");
    // A project of another organisation, of the same call year.
    let other_org = app.add_org("Skola B", "owner@skola-b.ee").await;
    app.state
        .store
        .create_project_in(&other_org, None, &doc)
        .await
        .unwrap();
    let before = total_min(&app.evaluation(&mine).await);

    // Without sources: refused with the value's path, nothing stored, nothing changed.
    let no_source = rb_2026.replacen(
        "per_person = { value = 680, unit = \"EUR per person\", source = \"funding-ref\",",
        "per_person = { value = 700, unit = \"EUR per person\",",
        1,
    );
    let res = upload(app, &no_source, "agency letter").await;
    assert_eq!(res.status(), 422);
    let page = res.text().await.unwrap();
    assert!(
        page.contains("rulebook value funding.preparatory_visits.per_person: missing source"),
        "{page}"
    );
    assert!(
        app.state
            .store
            .rulebook_editions(None)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(total_min(&app.evaluation(&mine).await), before);

    let res = upload(
        app,
        &corrected,
        "agency letter 2026-12-01: 700 EUR per person",
    )
    .await;
    assert_eq!(res.status(), 200);
    let page = res.text().await.unwrap();
    assert!(
        page.contains("Projects whose findings or budget change: 2"),
        "{page}"
    );
    assert!(page.contains(&format!("/projects/{mine}")), "{page}");
    assert!(
        page.contains("belong to organisations you are not a member of"),
        "{page}"
    );
    assert!(!page.contains("Skola B"));

    // In effect at once for every project of the year; the history keeps who and why.
    let after = total_min(&app.evaluation(&mine).await);
    assert_eq!(after - before, 20.0 * visit_persons);
    let history = app.state.store.rulebook_editions(Some(2026)).await.unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].seq, 1);
    assert_eq!(history[0].loaded_by.as_deref(), Some(owner.id.as_str()));
    assert!(history[0].author.contains(OWNER));
    assert!(history[0].note.contains("agency letter"));
    let listed = app.get_text("/rulebooks").await;
    assert!(listed.contains("corrected edition loaded on this instance"));

    // After a restart the loaded edition is read back; the 2027 edition stays embedded.
    let editions = mobiplan_web::editions::Editions::from_store(&app.state.store)
        .await
        .unwrap();
    assert!(editions.is_loaded(2026) && !editions.is_loaded(2027));
    assert_eq!(
        editions
            .get(2026)
            .unwrap()
            .funding
            .preparatory_visits
            .per_person
            .value,
        mobiplan_core::Money::from_euros(700)
    );
}

#[tokio::test]
async fn call_years_editions_and_moves_on_every_backend() {
    for backend in support::backends() {
        let app = spawn_app(backend.clone()).await;
        new_project_on_6_december_is_for_call_2027_and_opens_without_error(&app).await;
        the_rulebooks_page_lists_the_calls_and_the_diff_page_both_sources(&app).await;
        a_project_moves_to_call_2027_as_a_scenario_after_a_preview(&app).await;
        // A fresh instance: the corrected edition applies to this instance's projects only.
        let app = spawn_app(backend).await;
        a_corrected_edition_changes_the_budgets_of_that_years_projects_and_lists_them(&app).await;
    }
}
