//! Nothing silently lost or changed: every form writes only what its person changed, and two
//! people's changes are both kept or meet as a conflict naming the field — through forms
//! with and without JavaScript, deletes, the rate profile and the API. On SQLite and, with
//! `DATABASE_URL`, PostgreSQL.

mod support;

use serde_json::{Value, json};
use support::html::{delete_confirmed, field, forms_of, links_of, page_form, set};
use support::{App, backends, spawn_app};

/// Actions that are not edits of what the page shows (they do something else on purpose).
fn is_action(action: &str) -> bool {
    ["/delete", "/scenario", "/restore"]
        .iter()
        .any(|end| action.ends_with(end))
        || ["/logout", "/lang", "/logout-everywhere"].contains(&action)
        || action.contains("/sharing")
}

async fn post_json(app: &App, path: &str, form: &[(String, String)]) -> (u16, Value) {
    let res = app.post_form_json(path, form).await;
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

/// The class of the bug, for every example and every form of every page: a form sent back
/// unchanged stores nothing — the document stays exactly as it was and no version is added.
#[tokio::test]
async fn every_form_sent_back_unchanged_changes_nothing() {
    let examples: Vec<String> = std::fs::read_dir(support::root().join("examples"))
        .unwrap()
        .filter_map(|e| {
            let name = e.ok()?.file_name().into_string().ok()?;
            name.ends_with(".toml").then_some(name)
        })
        .collect();
    assert!(examples.len() >= 7, "{examples:?}");
    for backend in backends() {
        let app = spawn_app(backend).await;
        let mut posted = 0;
        for example in &examples {
            let (id, _) = app.import_example(example).await;
            let doc = app.document(&id).await;
            let mut pages = vec![
                format!("/projects/{id}"),
                format!("/projects/{id}/details"),
                format!("/projects/{id}/people"),
                format!("/projects/{id}/implementation"),
            ];
            for a in doc["activities"].as_array().into_iter().flatten() {
                let aid = a["id"].as_str().unwrap();
                pages.push(format!("/projects/{id}/activities/{aid}"));
                pages.push(format!("/projects/{id}/implementation/activities/{aid}"));
            }
            for v in doc["preparatory_visits"].as_array().into_iter().flatten() {
                let vid = v["id"].as_str().unwrap();
                pages.push(format!("/projects/{id}/visits/{vid}"));
                pages.push(format!("/projects/{id}/implementation/visits/{vid}"));
            }
            // The application's pages as the project page links them (its sections, each
            // objective, the self-assessment), so a new one is tried without naming it here.
            let linked = links_of(&app.get_text(&format!("/projects/{id}")).await);
            let application: Vec<String> = linked
                .into_iter()
                .filter(|l| l.starts_with(&format!("/projects/{id}/application/")))
                .filter(|l| !l.ends_with("/new"))
                .collect();
            assert!(application.len() >= 4, "{example}: {application:?}");
            pages.extend(application);
            for page in &pages {
                for (action, form) in forms_of(&app.get_text(page).await) {
                    if is_action(&action) {
                        continue;
                    }
                    let before = app.stored(&id).await;
                    let res = app.post_form(&action, &form).await;
                    let status = res.status().as_u16();
                    // Saved (nothing to save) or, for a broken example, refused as it stands.
                    assert!(
                        status == 303 || status == 422,
                        "{example} {page} → {action}: {status}"
                    );
                    let after = app.stored(&id).await;
                    assert_eq!(
                        before["version"], after["version"],
                        "{example} {page} → {action} added a version"
                    );
                    assert_eq!(
                        before["document"], after["document"],
                        "{example} {page} → {action} changed the document"
                    );
                    posted += 1;
                }
            }
        }
        assert!(posted >= 40, "only {posted} forms were tried");
    }
}

/// Saving "Project and applicant" unchanged keeps the time of the application date, so
/// P-DEADLINE keeps saying what it said.
#[tokio::test]
async fn a_form_keeps_what_it_shows_lossily() {
    for backend in backends() {
        let app = spawn_app(backend).await;
        let (id, _) = app.import_example("broken-project-frame.toml").await;
        let before = app.evaluation(&id).await;
        let action = format!("/projects/{id}/details");
        let mut form = page_form(&app, &action, &action).await;
        assert_eq!(field(&form, "application_date"), "2026-02-19");
        // A real change elsewhere in the same form.
        set(&mut form, "title", "Renamed");
        assert_eq!(app.post_form(&action, &form).await.status(), 303);
        let doc = app.document(&id).await;
        assert_eq!(doc["project"]["title"], "Renamed");
        assert_eq!(
            doc["project"]["application_date"],
            "2026-02-19T14:30:00+01:00"
        );
        let rules = |e: &Value| -> Vec<(String, String)> {
            let mut r: Vec<(String, String)> = e["findings"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| (f["rule"].to_string(), f["severity"].to_string()))
                .collect();
            r.sort();
            r
        };
        assert_eq!(rules(&before), rules(&app.evaluation(&id).await));
    }
}

/// The visit form lists staff only: a learner named on the visit stays when the form is
/// saved, and so do the rules that see them.
#[tokio::test]
async fn the_visit_form_keeps_persons_it_does_not_list() {
    for backend in backends() {
        let app = spawn_app(backend).await;
        let (id, _) = app.import_example("broken-preparatory-visit.toml").await;
        let action = format!("/projects/{id}/visits/visit-gent");
        let mut form = page_form(&app, &action, &action).await;
        set(&mut form, "end", "2027-01-27");
        assert_eq!(app.post_form(&action, &form).await.status(), 303);
        let doc = app.document(&id).await;
        let visit = &doc["preparatory_visits"][0];
        assert_eq!(visit["end"], "2027-01-27");
        assert_eq!(
            visit["persons"]["names"],
            json!(["inese", "andris", "rita", "valdis"])
        );
        let eval = app.evaluation(&id).await;
        let fired: Vec<&str> = eval["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|f| f["rule"].as_str())
            .collect();
        assert!(fired.contains(&"V-MAX-PERSONS"), "{fired:?}");
        assert!(fired.contains(&"V-PARTICIPANTS-STAFF"), "{fired:?}");
    }
}

/// Two windows on one activity, with the script: W1 changes the title, W2 the number of
/// participants — both kept, and W2's form takes W1's title; both change the number — a
/// conflict naming the field with both values, decided per field either way.
#[tokio::test]
async fn two_windows_with_the_script() {
    for backend in backends() {
        let app = spawn_app(backend).await;
        let (id, _) = app.import_example("sch-riga-school.toml").await;
        let aid = "group-porto".to_owned();
        let action = format!("/projects/{id}/activities/{aid}");
        let w1 = page_form(&app, &action, &action).await;
        let mut w2 = page_form(&app, &action, &action).await;

        let mut w1 = w1;
        set(&mut w1, "title", "Tartu job shadowing, renamed");
        let (status, j) = post_json(&app, &action, &w1).await;
        assert_eq!((status, j["ok"].clone()), (200, json!(true)), "{j}");
        set(&mut w1, "version", &j["version"].to_string());

        let count: u32 = field(&w2, "participants_count").parse().unwrap();
        set(&mut w2, "participants_count", &(count + 1).to_string());
        let (status, j) = post_json(&app, &action, &w2).await;
        assert_eq!(status, 200, "{j}");
        assert_eq!(j["merged"], true);
        let doc = app.document(&id).await;
        let stored = doc["activities"][2].clone();
        assert_eq!(stored["id"], aid.as_str());
        assert_eq!(stored["title"], "Tartu job shadowing, renamed");
        assert_eq!(stored["participants"]["count"], count + 1);
        // The answer brings W1's title into W2's form, as the script applies it.
        let values = j["values"].as_array().expect("values after a merge");
        let title = values.iter().find(|p| p[0] == "title").unwrap()[1].clone();
        assert_eq!(title, "Tartu job shadowing, renamed");
        set(&mut w2, "title", title.as_str().unwrap());
        set(&mut w2, "version", &j["version"].to_string());
        // W2 saves again (its form now as stored): nothing of W1's is undone.
        let (status, j) = post_json(&app, &action, &w2).await;
        assert_eq!(status, 200, "{j}");
        let doc = app.document(&id).await;
        assert_eq!(
            doc["activities"][2]["title"],
            "Tartu job shadowing, renamed"
        );

        // Now both change the number of participants.
        set(&mut w1, "participants_count", "7");
        set(&mut w1, "version", &app.version(&id).await.to_string());
        let w2_base = app.version(&id).await;
        let (status, _) = post_json(&app, &action, &w1).await;
        assert_eq!(status, 200);
        set(&mut w2, "participants_count", "9");
        set(&mut w2, "version", &w2_base.to_string());
        let (status, j) = post_json(&app, &action, &w2).await;
        assert_eq!(status, 409, "{j}");
        let conflicts = j["conflicts"].as_array().unwrap();
        assert_eq!(conflicts.len(), 1, "{j}");
        assert_eq!(
            conflicts[0]["path"],
            format!("activities[{aid}].participants.count")
        );
        assert_eq!(conflicts[0]["theirs"], 7);
        assert_eq!(conflicts[0]["mine"], 9);
        assert!(
            conflicts[0]["label"]
                .as_str()
                .unwrap()
                .contains("Tartu job shadowing, renamed")
        );
        assert!(
            j["conflict_html"]
                .as_str()
                .unwrap()
                .contains("_choice.activities[")
        );
        // Nothing was stored.
        assert_eq!(
            app.document(&id).await["activities"][2]["participants"]["count"],
            7
        );

        // "Keep theirs": the number stays 7, and nothing else of W2's form is written.
        let choice = format!("_choice.activities[{aid}].participants.count");
        let mut keep = w2.clone();
        keep.push((choice.clone(), "theirs".into()));
        keep.push(("_theirs_version".into(), j["current_version"].to_string()));
        let (status, k) = post_json(&app, &action, &keep).await;
        assert_eq!(status, 200, "{k}");
        assert_eq!(
            app.document(&id).await["activities"][2]["participants"]["count"],
            7
        );

        // "Use mine" from the same conflict (W2 again from its old version): 9.
        let mut mine = w2.clone();
        mine.push((choice.clone(), "mine".into()));
        mine.push(("_theirs_version".into(), app.version(&id).await.to_string()));
        let (status, m) = post_json(&app, &action, &mine).await;
        assert_eq!(status, 200, "{m}");
        assert_eq!(
            app.document(&id).await["activities"][2]["participants"]["count"],
            9
        );
        assert_eq!(
            app.document(&id).await["activities"][2]["title"],
            "Tartu job shadowing, renamed"
        );

        // A choice made against a value that changed again since is not taken: conflict.
        set(&mut w1, "participants_count", "11");
        set(&mut w1, "version", &app.version(&id).await.to_string());
        assert_eq!(post_json(&app, &action, &w1).await.0, 200);
        let (status, again) = post_json(&app, &action, &mine).await;
        assert_eq!(status, 409, "a stale choice must not overwrite 11: {again}");
        assert_eq!(
            app.document(&id).await["activities"][2]["participants"]["count"],
            11
        );
    }
}

/// The same without JavaScript: the conflict page keeps the person's values, names the field
/// with both values and a choice; sending it with the choice saves.
#[tokio::test]
async fn two_windows_without_the_script() {
    for backend in backends() {
        let app = spawn_app(backend).await;
        let (id, _) = app.import_example("sch-riga-school.toml").await;
        let aid = "group-porto".to_owned();
        let action = format!("/projects/{id}/activities/{aid}");
        let mut w1 = page_form(&app, &action, &action).await;
        let mut w2 = w1.clone();
        set(&mut w1, "participants_count", "5");
        set(&mut w1, "title", "From W1");
        assert_eq!(app.post_form(&action, &w1).await.status(), 303);
        set(&mut w2, "participants_count", "6");
        let res = app.post_form(&action, &w2).await;
        assert_eq!(res.status(), 409);
        let page = res.text().await.unwrap();
        let (_, resend) = forms_of(&page)
            .into_iter()
            .find(|(a, _)| a == &action)
            .expect("the form again");
        assert_eq!(
            field(&resend, "participants_count"),
            "6",
            "the person's value is kept"
        );
        let base = field(&w2, "version");
        assert_eq!(
            field(&resend, "version"),
            base,
            "still the version they started from"
        );
        assert!(page.contains("_choice.activities["), "a choice per field");
        assert!(
            page.contains("From W1") || page.contains('5'),
            "their value is shown"
        );
        // Without a choice it stays a conflict; with one it saves, keeping W1's title.
        assert_eq!(app.post_form(&action, &resend).await.status(), 409);
        let mut chosen = resend.clone();
        chosen.push((
            format!("_choice.activities[{aid}].participants.count"),
            "mine".into(),
        ));
        assert_eq!(app.post_form(&action, &chosen).await.status(), 303);
        let doc = app.document(&id).await;
        assert_eq!(doc["activities"][2]["participants"]["count"], 6);
        assert_eq!(doc["activities"][2]["title"], "From W1");
    }
}

/// A delete carries the version its page showed: a visit changed since is not deleted; the
/// answer names the change, and confirming deletes it.
#[tokio::test]
async fn a_stale_delete_says_what_changed() {
    for backend in backends() {
        let app = spawn_app(backend).await;
        let (id, _) = app.import_example("sch-riga-school.toml").await;
        let doc = app.document(&id).await;
        let vid = doc["preparatory_visits"][0]["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let page = format!("/projects/{id}/visits/{vid}");
        let delete = format!("{page}/delete");
        let x_delete = page_form(&app, &page, &delete).await;
        // Y changes the visit.
        let mut y = page_form(&app, &page, &page).await;
        set(&mut y, "end", "2027-01-31");
        assert_eq!(app.post_form(&page, &y).await.status(), 303);
        // X deletes from the old page (and confirms).
        let res = delete_confirmed(&app, &delete, &x_delete).await;
        assert_eq!(res.status(), 409);
        let text = res.text().await.unwrap();
        assert!(
            text.contains("2027-01-31"),
            "the change is named with its value"
        );
        let doc = app.document(&id).await;
        assert_eq!(
            doc["preparatory_visits"][0]["end"], "2027-01-31",
            "not deleted"
        );
        // Confirming with the choice deletes it.
        let (_, confirm) = forms_of(&text)
            .into_iter()
            .find(|(a, _)| a == &delete)
            .unwrap();
        let mut confirm = confirm;
        let choice = format!("_choice.preparatory_visits[{vid}]");
        confirm.push((choice, "mine".into()));
        assert_eq!(app.post_form(&delete, &confirm).await.status(), 303);
        let doc = app.document(&id).await;
        assert!(
            !doc["preparatory_visits"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|v| v["id"] == vid.as_str())
        );

        // A project changed since its page was shown is not deleted either.
        let project = format!("/projects/{id}");
        let stale = page_form(&app, &project, &format!("{project}/delete")).await;
        let mut t = page_form(
            &app,
            &format!("{project}/details"),
            &format!("{project}/details"),
        )
        .await;
        set(&mut t, "title", "Changed before the delete");
        assert_eq!(
            app.post_form(&format!("{project}/details"), &t)
                .await
                .status(),
            303
        );
        let res = delete_confirmed(&app, &format!("{project}/delete"), &stale).await;
        assert_eq!(res.status(), 409);
        assert!(
            res.text()
                .await
                .unwrap()
                .contains("Changed before the delete")
        );
        assert_eq!(
            app.document(&id).await["project"]["title"],
            "Changed before the delete",
            "still there"
        );
    }
}

/// The rate profile chosen from a stale page: applied when only the document moved on; a
/// page that says so when someone chose another profile meanwhile. Choosing the same one
/// again adds no version.
#[tokio::test]
async fn a_stale_rate_profile_choice_is_never_dropped_silently() {
    for backend in backends() {
        let app = spawn_app(backend).await;
        let (id, _) = app.import_example("sch-riga-school.toml").await;
        let profile_text = std::fs::read_to_string(
            support::root().join("examples/rates/example-agency-2026.toml"),
        )
        .unwrap();
        let pid = app
            .state
            .store
            .create_rate_profile_in(&app.org, "Agency A", &profile_text)
            .await
            .unwrap()
            .id;
        let project = format!("/projects/{id}");
        let rates = format!("{project}/rates");
        let mut stale = page_form(&app, &project, &rates).await;
        // The document moves on (details), then the stale choice: applied.
        let mut t = page_form(
            &app,
            &format!("{project}/details"),
            &format!("{project}/details"),
        )
        .await;
        set(&mut t, "title", "Moved on");
        assert_eq!(
            app.post_form(&format!("{project}/details"), &t)
                .await
                .status(),
            303
        );
        set(&mut stale, "profile", &pid);
        assert_eq!(app.post_form(&rates, &stale).await.status(), 303);
        assert_eq!(
            app.state
                .store
                .project_rate_profile(&id)
                .await
                .unwrap()
                .as_deref(),
            Some(pid.as_str())
        );
        // The same choice again from the now-current page adds no version.
        let v = app.version(&id).await;
        let same = page_form(&app, &project, &rates).await;
        assert_eq!(app.post_form(&rates, &same).await.status(), 303);
        assert_eq!(app.version(&id).await, v);
        // Someone else clears it; a stale page choosing it again sees that first.
        let mut clear = same.clone();
        set(&mut clear, "profile", "");
        assert_eq!(app.post_form(&rates, &clear).await.status(), 303);
        let mut again = same.clone();
        set(&mut again, "profile", &pid);
        let res = app.post_form(&rates, &again).await;
        assert_eq!(res.status(), 409);
        assert!(res.text().await.unwrap().contains("Agency A"));
        assert_eq!(
            app.state.store.project_rate_profile(&id).await.unwrap(),
            None
        );
    }
}

/// The API: a JSON Merge Patch made against a base version merges like every save; the
/// same field changed by both is a problem document with both values.
#[tokio::test]
async fn the_api_patches_and_merges() {
    for backend in backends() {
        let app = spawn_app(backend).await;
        let (id, _) = app.import_example("sch-riga-school.toml").await;
        let url = app.url(&format!("/api/projects/{id}"));
        let read = app.client.get(&url).send().await.unwrap();
        let etag = read.headers()["etag"].to_str().unwrap().to_owned();
        let base: Value = read.json().await.unwrap();
        let v0 = base["version"].as_i64().unwrap();
        assert_eq!(etag, format!("\"{v0}\""));

        let patch = |body: Value, if_match: &str| {
            app.client
                .patch(&url)
                .header("content-type", "application/merge-patch+json")
                .header("if-match", if_match.to_owned())
                .body(body.to_string())
                .send()
        };
        let res = patch(json!({"project": {"title": "By patch A"}}), &etag)
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        // Another client, from the same base, changes the round: merged, title kept.
        let res = patch(json!({"project": {"round": 2}}), &etag)
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        let j: Value = res.json().await.unwrap();
        assert_eq!(j["merged"], true);
        assert_eq!(j["document"]["project"]["title"], "By patch A");
        assert_eq!(j["document"]["project"]["round"], 2);
        // The same field from the old base: a problem document with both values.
        let res = patch(json!({"project": {"title": "By patch B"}}), &etag)
            .await
            .unwrap();
        assert_eq!(res.status(), 409);
        assert_eq!(
            res.headers()["content-type"].to_str().unwrap(),
            "application/problem+json"
        );
        let p: Value = res.json().await.unwrap();
        assert_eq!(p["status"], 409);
        assert_eq!(p["conflicts"][0]["path"], "project.title");
        assert_eq!(p["conflicts"][0]["theirs"], "By patch A");
        assert_eq!(p["conflicts"][0]["mine"], "By patch B");
        // Nothing changed, and the same patch on the current version is accepted.
        let now = app.version(&id).await;
        let res = patch(
            json!({"project": {"title": "By patch B"}}),
            &format!("\"{now}\""),
        )
        .await
        .unwrap();
        assert_eq!(res.status(), 200);
        // A patch without a base is refused, naming what is missing; a patch that breaks the
        // document names the field.
        let res = app
            .client
            .patch(&url)
            .header("content-type", "application/merge-patch+json")
            .body("{}")
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 400);
        assert!(res.text().await.unwrap().contains("If-Match"));
        let now = app.version(&id).await;
        let res = patch(
            json!({"project": {"duration_months": "long"}}),
            &format!("\"{now}\""),
        )
        .await
        .unwrap();
        assert_eq!(res.status(), 422);
        assert!(res.text().await.unwrap().contains("duration_months"));

        // PUT of a whole document made from the old base merges too: its one change is applied,
        // everything others changed stays.
        let mut doc = base["document"].clone();
        doc["project"]["duration_months"] = json!(18);
        let res = app
            .client
            .put(&url)
            .json(&json!({"version": v0, "document": doc}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        let d = app.document(&id).await;
        assert_eq!(d["project"]["duration_months"], 18);
        assert_eq!(d["project"]["title"], "By patch B");
        assert_eq!(d["project"]["round"], 2);
    }
}

/// The history says what changed, field by field, in words.
#[tokio::test]
async fn history_shows_field_changes() {
    for backend in backends() {
        let app = spawn_app(backend).await;
        let (id, _) = app.import_example("sch-riga-school.toml").await;
        let action = format!("/projects/{id}/details");
        let mut form = page_form(&app, &action, &action).await;
        let old_title = field(&form, "title");
        set(&mut form, "title", "A new title");
        assert_eq!(app.post_form(&action, &form).await.status(), 303);
        let v = app.version(&id).await;
        let page = app.get_text(&format!("/projects/{id}/history/{v}")).await;
        assert!(page.contains("A new title"), "{page}");
        assert!(
            page.contains(&old_title.replace('&', "&amp;")),
            "the value before"
        );
        assert!(page.contains("Project › Title"), "the field in words");
    }
}

/// A form loaded before others added to the project (a person, a participant named on the
/// activity) goes on autosaving after its saves merged those additions: what its page never
/// showed is never removed, and rows are people, not positions.
#[tokio::test]
async fn a_form_loaded_before_others_added_removes_nothing() {
    for backend in backends() {
        let app = spawn_app(backend).await;
        let (id, _) = app.import_example("sch-riga-school.toml").await;
        let people = format!("/projects/{id}/people");
        let course = format!("/projects/{id}/activities/course-valencia");
        // W2 opens both pages.
        let mut w2_people = page_form(&app, &people, &people).await;
        let mut w2_course = page_form(&app, &course, &course).await;
        // W1 adds Zane and names her on the course.
        let mut w1 = page_form(&app, &people, &people).await;
        set(&mut w1, "new_0_name", "Zane Kalniņa");
        assert_eq!(app.post_form(&people, &w1).await.status(), 303);
        let mut w1 = page_form(&app, &course, &course).await;
        w1.push(("participants_names".into(), "zane-kalnina".into()));
        assert_eq!(app.post_form(&course, &w1).await.status(), 303);
        let names = |d: &Value| d["activities"][0]["participants"]["names"].clone();
        assert!(
            names(&app.document(&id).await)
                .as_array()
                .unwrap()
                .contains(&json!("zane-kalnina"))
        );

        // W2's course form, without a box for Zane, autosaves twice.
        for title in ["W2 title one", "W2 title two"] {
            set(&mut w2_course, "title", title);
            let (status, j) = post_json(&app, &course, &w2_course).await;
            assert_eq!(status, 200, "{j}");
            set(&mut w2_course, "version", &j["version"].to_string());
            let doc = app.document(&id).await;
            assert_eq!(doc["activities"][0]["title"], title);
            assert!(
                names(&doc)
                    .as_array()
                    .unwrap()
                    .contains(&json!("zane-kalnina")),
                "Zane stays named: {}",
                names(&doc)
            );
        }
        // W2's people form, loaded before Zane, adds Pēteris in its first blank row, then
        // renames Anna: Zane stays.
        set(&mut w2_people, "new_0_name", "Pēteris Ozols");
        let (status, j) = post_json(&app, &people, &w2_people).await;
        assert_eq!(status, 200, "{j}");
        set(&mut w2_people, "version", &j["version"].to_string());
        set(&mut w2_people, "person_anna_name", "Anna B.");
        let (status, _) = post_json(&app, &people, &w2_people).await;
        assert_eq!(status, 200);
        let doc = app.document(&id).await;
        let ids: Vec<&str> = doc["people"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["id"].as_str().unwrap())
            .collect();
        assert!(ids.contains(&"zane-kalnina"), "{ids:?}");
        assert!(ids.contains(&"peteris-ozols"), "{ids:?}");
        let anna = doc["people"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["id"] == "anna")
            .unwrap();
        assert_eq!(anna["name"], "Anna B.");
    }
}

/// Autosaves by one person in a row are one history entry whose page shows all they changed;
/// a form posted without the script is an entry of its own. Every version stays readable.
#[tokio::test]
async fn autosaves_fold_into_one_history_entry() {
    for backend in backends() {
        let app = spawn_app(backend).await;
        let (id, _) = app.import_example("sch-riga-school.toml").await;
        let action = format!("/projects/{id}/details");
        let mut form = page_form(&app, &action, &action).await;
        let entries = |h: &Value| h["versions"].as_array().unwrap().len();
        let history = |app: &App| {
            let url = app.url(&format!("/api/projects/{id}/history"));
            let client = app.client.clone();
            async move {
                client
                    .get(url)
                    .send()
                    .await
                    .unwrap()
                    .json::<Value>()
                    .await
                    .unwrap()
            }
        };
        let before = entries(&history(&app).await);
        for (i, title) in ["Typed once", "Typed twice", "Typed thrice"]
            .iter()
            .enumerate()
        {
            set(&mut form, "title", title);
            if i == 1 {
                set(&mut form, "duration_months", "14");
            }
            let (status, j) = post_json(&app, &action, &form).await;
            assert_eq!(status, 200, "{j}");
            set(&mut form, "version", &j["version"].to_string());
        }
        let h = history(&app).await;
        assert_eq!(entries(&h), before + 1, "three autosaves, one entry: {h}");
        let newest = h["versions"][0]["version"].as_i64().unwrap();
        assert_eq!(
            h["versions"][0]["first_version"].as_i64().unwrap(),
            newest - 2
        );
        let page = app
            .get_text(&format!("/projects/{id}/history/{newest}"))
            .await;
        assert!(
            page.contains("Typed thrice") && page.contains("14"),
            "the entry shows the whole burst"
        );
        // The middle autosave is still a version of its own.
        let middle = app
            .state
            .store
            .project_version(&id, newest - 1)
            .await
            .unwrap();
        assert_eq!(middle.project.title, "Typed twice");
        // A posted form is an action: an entry of its own.
        set(&mut form, "title", "Posted");
        assert_eq!(app.post_form(&action, &form).await.status(), 303);
        assert_eq!(entries(&history(&app).await), before + 2);
    }
}

/// Without the script every delete asks first, naming what goes, and deletes nothing until
/// confirmed; the confirmation goes back where the person came from. Activities, visits,
/// objectives and projects alike.
#[tokio::test]
async fn every_delete_asks_first_without_javascript() {
    for backend in backends() {
        let app = spawn_app(backend).await;
        let (id, _) = app.import_example("sch-riga-school.toml").await;
        let project = format!("/projects/{id}");
        let deletes = [
            (
                format!("{project}/activities/course-valencia"),
                "Delete Courses and training: Digital tools for the inclusive classroom?",
            ),
            (
                format!("{project}/visits/visit-porto"),
                "Delete Porto Riverside School?",
            ),
            (
                format!("{project}/application/objectives/digital"),
                "Delete ",
            ),
            (project.clone(), "Delete "),
        ];
        for (page, named) in &deletes {
            let action = format!("{page}/delete");
            let form = page_form(&app, page, &action).await;
            let before = app.stored(&id).await;
            let res = app.post_form(&action, &form).await;
            assert_eq!(res.status(), 200, "{action}");
            let text = res.text().await.unwrap();
            assert!(text.contains(named), "{action} names what goes: {text}");
            assert!(
                text.contains(&format!("href=\"{page}\"")),
                "{action}: a way back"
            );
            assert_eq!(
                app.stored(&id).await,
                before,
                "{action}: nothing deleted yet"
            );
            assert_eq!(delete_confirmed(&app, &action, &form).await.status(), 303);
        }
        let res = app.client.get(app.url(&project)).send().await.unwrap();
        assert_eq!(res.status(), 404, "the project is gone");
    }
}
