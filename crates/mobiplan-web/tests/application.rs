//! The application in words on the web: its sections, objectives and the activities' texts
//! are written with the same merge as the rest (two people writing at once both keep their
//! words), linked both ways (objective ↔ activities and their budget), counted against the
//! form's limits, checked (N-* findings at their fields) and assessed. On SQLite and, with
//! `DATABASE_URL`, PostgreSQL.

mod support;

use support::html::{delete_confirmed, forms_of, page_form, set};
use support::{backends, spawn_app};

fn has(form: &[(String, String)], name: &str) -> bool {
    form.iter().any(|(k, _)| k == name)
}

/// Two people open the application at the same version: one writes the background, the other
/// the follow-up and, on the same page as the first, the needs. Every text of both is kept,
/// with and without the script.
#[tokio::test]
async fn two_people_writing_different_texts_at_once_both_keep_their_words() {
    for backend in backends() {
        let app = spawn_app(backend).await;
        let (id, _) = app.import_example("sch-riga-school.toml").await;
        let background = format!("/projects/{id}/application/background");
        let follow_up = format!("/projects/{id}/application/follow-up");
        // Both pages loaded before anyone saves.
        let mut anna = page_form(&app, &background, &background).await;
        let mut bert_needs = page_form(&app, &background, &background).await;
        let mut bert_follow = page_form(&app, &follow_up, &follow_up).await;
        assert!(has(&anna, "background") && has(&anna, "needs"));
        assert!(has(&bert_follow, "integration") && has(&bert_follow, "sharing"));

        set(
            &mut anna,
            "background",
            "Anna's background.\r\nSecond line.",
        );
        let res = app.post_form_json(&background, &anna).await;
        assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());

        // Bert's forms still carry the version both loaded: merged, not refused.
        set(&mut bert_follow, "sharing", "Bert's sharing plan.");
        assert_eq!(app.post_form(&follow_up, &bert_follow).await.status(), 303);
        set(&mut bert_needs, "needs", "Bert's needs.");
        let res = app.post_form_json(&background, &bert_needs).await;
        assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());

        let doc = app.document(&id).await;
        let a = &doc["application"];
        assert_eq!(
            a["background"], "Anna's background.\nSecond line.",
            "line breaks as the file keeps them"
        );
        assert_eq!(a["needs"], "Bert's needs.");
        assert_eq!(a["follow_up"]["sharing"], "Bert's sharing plan.");
        // What neither touched is as it was.
        let before = app.import_example("sch-riga-school.toml").await.0;
        let original = app.document(&before).await;
        assert_eq!(
            a["follow_up"]["integration"],
            original["application"]["follow_up"]["integration"]
        );
        assert_eq!(a["summary"], original["application"]["summary"]);

        // The same text changed by both is a conflict naming it, not a silent overwrite.
        let mut one = page_form(&app, &background, &background).await;
        let mut two = one.clone();
        set(&mut one, "needs", "First version of the needs.");
        assert_eq!(app.post_form(&background, &one).await.status(), 303);
        set(&mut two, "needs", "Second version of the needs.");
        let res = app.post_form(&background, &two).await;
        assert_eq!(res.status(), 409);
        let page = res.text().await.unwrap();
        assert!(page.contains("Needs and challenges"), "the field is named");
        assert!(page.contains("Second version of the needs."));
        assert_eq!(
            app.document(&id).await["application"]["needs"],
            "First version of the needs."
        );
    }
}

/// An objective added on its page, chosen on an activity, shows the activity and its part of
/// the budget; the activity's texts are saved from its editor; deleting the objective unlinks
/// the activity, so the plan still reads.
#[tokio::test]
async fn objectives_link_activities_and_their_budget() {
    for backend in backends() {
        let app = spawn_app(backend).await;
        let (id, _) = app.import_example("sch-riga-school.toml").await;
        let new = format!("/projects/{id}/application/objectives/new");
        let create = format!("/projects/{id}/application/objectives");
        let mut form = page_form(&app, &new, &create).await;

        // Without a title nothing is added, and what was typed is kept.
        set(&mut form, "description", "Typed before the title.");
        let res = app.post_form(&create, &form).await;
        assert_eq!(res.status(), 422);
        let page = res.text().await.unwrap();
        assert!(
            page.contains("Typed before the title."),
            "nothing typed is lost"
        );
        assert!(page.contains("error-summary"));

        set(&mut form, "title", "Inclusive classrooms");
        set(&mut form, "field_objectives", "quality");
        let res = app.post_form(&create, &form).await;
        assert_eq!(res.status(), 303);
        let objective = res.headers()["location"].to_str().unwrap().to_owned();
        let doc = app.document(&id).await;
        let objectives = doc["application"]["objectives"].as_array().unwrap();
        let added = objectives
            .iter()
            .find(|o| o["title"] == "Inclusive classrooms")
            .unwrap();
        let oid = added["id"].as_str().unwrap().to_owned();
        assert!(objective.ends_with(&format!("/objectives/{oid}")));
        assert_eq!(added["field_objectives"], serde_json::json!(["quality"]));
        assert_eq!(added["description"], "Typed before the title.");

        // Nothing serves it yet: the page says so and N-OBJECTIVE-SERVED names it.
        let page = app.get_text(&objective).await;
        assert!(page.contains("No activity serves this objective yet"));
        assert!(page.contains("N-OBJECTIVE-SERVED"));

        // An activity chooses it and writes its learning outcomes in its editor.
        let aid = app.first_activity(&id).await;
        let editor = format!("/projects/{id}/activities/{aid}");
        let mut form = page_form(&app, &editor, &editor).await;
        form.push(("objectives".into(), oid.clone()));
        set(
            &mut form,
            "learning_outcomes",
            "They can plan an inclusive lesson.",
        );
        let res = app.post_form_json(&editor, &form).await;
        assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
        let doc = app.document(&id).await;
        let activity = doc["activities"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["id"] == aid.as_str())
            .unwrap();
        assert!(
            activity["objectives"]
                .as_array()
                .unwrap()
                .iter()
                .any(|o| o == oid.as_str())
        );
        assert_eq!(
            activity["learning_outcomes"],
            "They can plan an inclusive lesson."
        );

        let page = app.get_text(&objective).await;
        assert!(page.contains(&format!("/projects/{id}/activities/{aid}")));
        assert!(page.contains("Their budget:"), "{page}");
        assert!(!page.contains("N-OBJECTIVE-SERVED"));

        // Deleting the objective takes the activity's link with it.
        let delete = format!("{objective}/delete");
        let form = page_form(&app, &objective, &delete).await;
        let res = app.post_form(&delete, &form).await;
        assert_eq!(res.status(), 200, "without the script it asks first");
        let confirmation = res.text().await.unwrap();
        assert!(
            confirmation.contains("Delete Inclusive classrooms?"),
            "{confirmation}"
        );
        assert!(
            app.document(&id).await["application"]["objectives"]
                .as_array()
                .unwrap()
                .iter()
                .any(|o| o["id"] == oid.as_str()),
            "nothing deleted before the confirmation"
        );
        assert_eq!(delete_confirmed(&app, &delete, &form).await.status(), 303);
        let doc = app.document(&id).await;
        assert!(
            !doc["application"]["objectives"]
                .as_array()
                .unwrap()
                .iter()
                .any(|o| o["id"] == oid.as_str())
        );
        assert!(doc["activities"].as_array().unwrap().iter().all(|a| {
            !a["objectives"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|o| o == oid.as_str())
        }));
        assert_eq!(
            app.evaluation(&id).await["input_errors"],
            serde_json::json!([])
        );
    }
}

/// Each long text shows its length against the form's limit (unconfirmed limits marked); a
/// text over it is marked invalid at the field and N-TEXT-LIMIT links to it.
#[tokio::test]
async fn long_texts_are_counted_against_the_limit_and_checked_at_the_field() {
    for backend in backends() {
        let app = spawn_app(backend).await;
        let (id, _) = app.import_example("sch-riga-school.toml").await;
        let summary = format!("/projects/{id}/application/summary");
        let page = app.get_text(&summary).await;
        assert!(page.contains("of 2000 characters"), "the limit is shown");
        assert!(page.contains("not yet confirmed"), "an estimate says so");

        let mut form = page_form(&app, &summary, &summary).await;
        set(&mut form, "summary_results", &"ā".repeat(2001));
        assert_eq!(app.post_form(&summary, &form).await.status(), 303);
        let page = app.get_text(&summary).await;
        assert!(
            page.contains("2001 of 2000 characters"),
            "letters, not bytes"
        );
        assert!(page.contains(r#"aria-invalid="true""#));
        assert!(page.contains("N-TEXT-LIMIT"));
        assert!(page.contains(&format!("{summary}#summary_results")));
    }
}

/// A plan without `[application]` is told what to write, not broken; the self-assessment
/// lists the evaluators' questions with the answers written so far and the gaps; the draft
/// downloads in both formats.
#[tokio::test]
async fn a_plan_without_words_is_told_what_to_write_and_assessed() {
    for backend in backends() {
        let app = spawn_app(backend).await;
        let id = app.create_project("Skola", "SCH").await;
        let project = app.get_text(&format!("/projects/{id}")).await;
        for section in ["background", "follow-up", "summary", "assessment"] {
            assert!(project.contains(&format!("/projects/{id}/application/{section}")));
        }
        let assessment = app
            .get_text(&format!("/projects/{id}/application/assessment"))
            .await;
        assert!(assessment.contains("Relevance"));
        assert!(assessment.contains("Not written yet"));
        assert!(assessment.contains(&format!("/projects/{id}/application/background#needs")));

        let (full, _) = app.import_example("sch-riga-school.toml").await;
        let assessment = app
            .get_text(&format!("/projects/{full}/application/assessment"))
            .await;
        assert!(
            !assessment.contains("Not written yet"),
            "the example answers every question"
        );

        for (format, magic) in [
            ("application-pdf", &b"%PDF-"[..]),
            ("application-docx", &b"PK\x03\x04"[..]),
        ] {
            let res = app
                .client
                .get(app.url(&format!("/projects/{full}/export/{format}")))
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), 200, "{format}");
            assert!(res.bytes().await.unwrap().starts_with(magic), "{format}");
        }
        // The forms of the application's pages are all there without the script too.
        let page = app
            .get_text(&format!("/projects/{full}/application/background"))
            .await;
        assert!(
            forms_of(&page)
                .iter()
                .any(|(a, f)| a.ends_with("/application/background") && has(f, "language"))
        );
    }
}

/// An objective's page is answered like every form: a rule broken at one of its fields (a
/// description over the form's limit) comes back at that field in the autosave's answer, and
/// the findings refreshed are this objective's, as the page shows them.
#[tokio::test]
async fn an_objective_autosave_says_its_errors_at_their_fields() {
    for backend in backends() {
        let app = spawn_app(backend).await;
        let (id, _) = app.import_example("sch-riga-school.toml").await;
        let page = format!("/projects/{id}/application/objectives/europe");
        let mut form = page_form(&app, &page, &page).await;
        set(&mut form, "description", &"x".repeat(3001));
        let res = app.post_form_json(&page, &form).await;
        assert_eq!(res.status(), 200);
        let answer: serde_json::Value = res.json().await.unwrap();
        let at_field: Vec<&serde_json::Value> = answer["field_errors"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["field"] == "description")
            .collect();
        assert_eq!(at_field.len(), 1, "{answer}");
        let shown = app.get_text(&page).await;
        assert!(
            shown.contains(r#"id="description-error""#),
            "the page agrees"
        );
        let findings = answer["findings_html"].as_str().unwrap();
        assert!(findings.contains("N-TEXT-LIMIT"), "{findings}");
        // Another objective's findings are on its own page, not here.
        assert!(!findings.contains("outdoor"), "{findings}");
    }
}
