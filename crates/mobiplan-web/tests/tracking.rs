//! The implementation page over HTTP: a project imported with an `[implementation]` section
//! shows awarded, reported and expected amounts as the core computes them, its warnings and
//! its evidence; the forms take a project from the grant through every status change to
//! the report; the dashboard shows every project's agenda.

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
        // What the dashboard lists as overdue is on this page too, never "no findings".
        assert!(
            page.contains("Courses and training: Digital tools for the inclusive classroom: evidence 4 of 5 documents"),
            "{page}"
        );
        assert!(
            page.contains(
                "Not in the reported budget: Group mobility of learners: Rivers and cities: a pupil exchange"
            ),
            "{page}"
        );
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
        assert!(page.contains("No implementation is recorded"), "{page}");
        assert!(page.contains(&format!("action=\"/projects/{id}/implementation/awarded\"")));
    }
}

use mobiplan_core::project::file::ProjectFile;
use mobiplan_core::tracking::Status;
use mobiplan_core::{Rulebook, budget::Category};

async fn file_of(app: &support::App, id: &str) -> ProjectFile {
    serde_json::from_value(app.document(id).await).expect("the stored document is a project file")
}

fn load(f: ProjectFile) -> mobiplan_core::Project {
    let mut p = mobiplan_core::Project::from_file(f).expect("loads");
    mobiplan_geo::fill_distances(&mut p, mobiplan_geo::Gazetteer::embedded()).expect("places");
    p
}

/// The whole tracking path as the core computes it on a stored document.
fn tracked(f: &ProjectFile, now: chrono::DateTime<chrono::Utc>) -> tracking::Tracked {
    let rb = Rulebook::embedded(2026).unwrap();
    let plan = load(f.clone());
    tracking::evaluate(f, &plan, &rb, None, now.fixed_offset(), |f| {
        Ok::<_, ()>(load(f))
    })
    .unwrap()
}

fn pairs(p: &[(&str, String)]) -> Vec<(String, String)> {
    p.iter().map(|(k, v)| (k.to_string(), v.clone())).collect()
}

/// The record form as the page fills it for `aid` (plan's dates, participants and travel),
/// with `status` and the given evidence counts.
fn record_form(
    f: &ProjectFile,
    version: i64,
    aid: &str,
    status: Status,
    evidence: &[(tracking::Document, u32)],
) -> Vec<(String, String)> {
    let a = f.activities.iter().find(|a| a.id == aid).unwrap();
    let mut form = pairs(&[
        ("version", version.to_string()),
        ("status", status.id().to_owned()),
        ("start", a.start.to_string()),
        ("end", a.end.to_string()),
    ]);
    let mut add = |k: &str, v: String| form.push((k.to_owned(), v));
    match &a.participants.names {
        Some(names) => names.iter().for_each(|n| add("actual_names", n.clone())),
        None => add(
            "actual_count",
            a.participants.count.unwrap_or(0).to_string(),
        ),
    }
    if let Some(t) = &a.travel {
        add("travel_days", t.days.to_string());
        if t.green {
            add("travel_green", "on".into());
        }
    }
    for (doc, n) in evidence {
        add(&format!("evidence_{}", doc.id()), n.to_string());
    }
    form
}

/// Every document the activity needs, received for every participant.
fn all_evidence(f: &ProjectFile, aid: &str) -> Vec<(tracking::Document, u32)> {
    let rb = Rulebook::embedded(2026).unwrap();
    let a = f.activities.iter().find(|a| a.id == aid).unwrap();
    let n = a
        .participants
        .count
        .unwrap_or(a.participants.names.as_ref().map_or(0, |n| n.len() as u32));
    tracking::documents_needed(&rb, a.kind, a.travel.as_ref().map(|t| t.green))
        .into_iter()
        .map(|d| (d, n))
        .collect()
}

#[tokio::test]
async fn a_project_goes_from_grant_to_report_through_the_forms() {
    for backend in support::backends() {
        let app = spawn_app(backend).await;
        let (id, _) = app.import_example("sch-riga-school.toml").await;
        let page = app
            .get_text(&format!("/projects/{id}/implementation"))
            .await;
        assert!(page.contains("record the awarded budget below"), "{page}");

        // The grant: what the plan asks for in each category (the upper end of its range).
        let plan = file_of(&app, &id).await;
        let rb = Rulebook::embedded(2026).unwrap();
        let planned = mobiplan_core::budget(&load(plan.clone()), &rb, None);
        let mut form = vec![("version", app.version(&id).await.to_string())];
        let awarded: Vec<(Category, mobiplan_core::Money)> = planned
            .by_category
            .iter()
            .filter(|t| t.amount.max.cents() > 0)
            .map(|t| (t.category, t.amount.max))
            .collect();
        let names: Vec<String> = awarded
            .iter()
            .map(|(c, _)| format!("awarded_{}", c.id()))
            .collect();
        for ((_, m), name) in awarded.iter().zip(&names) {
            form.push((name.as_str(), m.to_string()));
        }
        let res = app
            .post_form(
                &format!("/projects/{id}/implementation/awarded"),
                &pairs(&form),
            )
            .await;
        assert_eq!(res.status(), 303);
        let f = file_of(&app, &id).await;
        let imp = f
            .implementation
            .as_ref()
            .expect("recording the grant starts tracking");
        assert_eq!(imp.awarded, awarded.iter().copied().collect());

        // An illegal move is refused with the core's reason; nothing is stored.
        let path = |aid: &str| format!("/projects/{id}/implementation/activities/{aid}");
        let res = app
            .post_form(
                &path("course-valencia"),
                &record_form(
                    &f,
                    app.version(&id).await,
                    "course-valencia",
                    Status::Completed,
                    &[],
                ),
            )
            .await;
        assert_eq!(res.status(), 422);
        let body = res.text().await.unwrap();
        assert!(
            body.contains("A mobility that is planned cannot become completed; it can become: confirmed, cancelled."),
            "{body}"
        );
        assert!(
            file_of(&app, &id)
                .await
                .implementation
                .unwrap()
                .activities
                .is_empty()
        );

        // Confirm two, cancel one, complete the two with all their evidence.
        for (aid, status) in [
            ("course-valencia", Status::Confirmed),
            ("shadowing-tartu", Status::Confirmed),
            ("group-porto", Status::Cancelled),
            ("course-valencia", Status::Completed),
            ("shadowing-tartu", Status::Completed),
        ] {
            let evidence = if status == Status::Completed {
                all_evidence(&f, aid)
            } else {
                vec![]
            };
            let form = record_form(&f, app.version(&id).await, aid, status, &evidence);
            let res = app.post_form(&path(aid), &form).await;
            assert_eq!(
                res.status(),
                303,
                "{aid} → {status}: {}",
                res.text().await.unwrap()
            );
        }
        // The visit took place.
        let v = &f.preparatory_visits[0];
        for status in [Status::Confirmed, Status::Completed] {
            let form = pairs(&[
                ("version", app.version(&id).await.to_string()),
                ("status", status.id().into()),
                ("start", v.start.to_string()),
                ("end", v.end.to_string()),
                ("actual_count", v.persons.count.unwrap_or(1).to_string()),
            ]);
            let form = match &v.persons.names {
                Some(names) => {
                    let mut form: Vec<_> = form
                        .into_iter()
                        .filter(|(k, _)| k != "actual_count")
                        .collect();
                    form.extend(names.iter().map(|n| ("actual_names".to_owned(), n.clone())));
                    form
                }
                None => form,
            };
            let res = app
                .post_form(
                    &format!("/projects/{id}/implementation/visits/{}", v.id),
                    &form,
                )
                .await;
            assert_eq!(res.status(), 303, "{}", res.text().await.unwrap());
        }

        // What the page shows is what the core reports on the stored document.
        let f = file_of(&app, &id).await;
        let t = tracked(&f, app.clock.now());
        let r = &t.report;
        assert_eq!((r.statuses.completed, r.statuses.cancelled), (2, 1));
        let page = app
            .get_text(&format!("/projects/{id}/implementation"))
            .await;
        assert!(
            page.contains("Activities: 0 planned, 0 confirmed, 2 completed, 1 cancelled"),
            "{page}"
        );
        let reported = mobiplan_i18n::amount(r.reported_total, mobiplan_i18n::Lang::En);
        assert!(
            page.contains(&reported),
            "reported {reported} not on the page"
        );
        let used = mobiplan_i18n::percent(r.percent_used());
        assert!(
            !used.is_empty() && page.contains(&used),
            "used {used} not on the page"
        );
        let (received, needed) = r.evidence_progress();
        assert!(needed > 0);
        assert_eq!(received, needed, "all evidence of what was completed is in");
        assert!(page.contains(&format!(
            "Evidence received: {received} of {needed} documents"
        )));
        assert!(
            page.contains(
                "Not in the reported budget: Group mobility of learners: Rivers and cities: a pupil exchange"
            ),
            "{page}"
        );
        // Too little of the grant is used now that a group is cancelled: the core warns.
        let under = r
            .findings
            .iter()
            .any(|f| f.rule == mobiplan_core::RuleId::TUnderUsed);
        assert_eq!(page.contains("T-UNDER-USED"), under);
    }
}

#[tokio::test]
async fn a_record_that_does_not_fit_the_plan_comes_back_with_its_errors() {
    for backend in support::backends() {
        let app = spawn_app(backend).await;
        let (id, _) = app.import_example("sch-riga-school.toml").await;
        let f = file_of(&app, &id).await;
        let path = format!("/projects/{id}/implementation/activities/course-valencia");
        let version = app.version(&id).await;

        // A participant further along than the activity.
        let mut form = record_form(&f, version, "course-valencia", Status::Confirmed, &[]);
        form.push(("person_anna".into(), "completed".into()));
        let res = app.post_form(&path, &form).await;
        assert_eq!(res.status(), 422);
        let body = res.text().await.unwrap();
        assert!(
            body.contains("a participant cannot be further along than the activity"),
            "{body}"
        );

        // More documents than participants, and an end before the start: each named.
        let mut form = record_form(
            &f,
            version,
            "course-valencia",
            Status::Confirmed,
            &[(tracking::Document::Programme, 3)],
        );
        for (k, v) in form.iter_mut() {
            if k == "end" {
                *v = "2026-10-01".into();
            }
        }
        let res = app.post_form(&path, &form).await;
        assert_eq!(res.status(), 422);
        let body = res.text().await.unwrap();
        assert!(body.contains("more documents than participants"), "{body}");
        assert!(
            body.contains("the end date is before the start date"),
            "{body}"
        );
        // The typed values stay in the form.
        assert!(body.contains("value=\"2026-10-01\""), "{body}");
        assert!(
            file_of(&app, &id).await.implementation.is_none(),
            "nothing was stored"
        );

        // A cancelled person leaves the activity; the reported project counts one participant.
        let mut form = record_form(&f, version, "course-valencia", Status::Confirmed, &[]);
        form.push(("person_janis".into(), "cancelled".into()));
        let res = app.post_form(&path, &form).await;
        assert_eq!(res.status(), 303, "{}", res.text().await.unwrap());
        let f = file_of(&app, &id).await;
        let rec = &f.implementation.as_ref().unwrap().activities["course-valencia"];
        assert_eq!(rec.persons.get("janis"), Some(&Status::Cancelled));
        assert_eq!(
            rec.start, None,
            "dates equal to the plan are not copied into the record"
        );
        let t = tracked(&f, app.clock.now());
        let course = t
            .actual
            .activities
            .iter()
            .find(|a| a.id == "course-valencia")
            .unwrap();
        assert_eq!(course.participants.count(), 1);

        // The awarded form names an amount it cannot read and keeps the text.
        let res = app
            .post_form(
                &format!("/projects/{id}/implementation/awarded"),
                &pairs(&[
                    ("version", app.version(&id).await.to_string()),
                    ("awarded_travel", "lots".into()),
                ]),
            )
            .await;
        assert_eq!(res.status(), 422);
        let body = res.text().await.unwrap();
        assert!(body.contains("enter an amount in euros"), "{body}");
        assert!(body.contains("value=\"lots\""), "{body}");
    }
}

#[tokio::test]
async fn the_dashboard_shows_every_project_with_its_agenda() {
    for backend in support::backends() {
        let app = spawn_app(backend).await;
        let (plan_id, _) = app.import_example("sch-riga-school.toml").await;
        let (tracked_id, _) = app.import_example("tracked-sch-riga-school.toml").await;
        let page = app.get_text("/dashboard").await;
        let now = app.clock.now();
        let today = now.date_naive();
        let rb = Rulebook::embedded(2026).unwrap();
        for (id, with_report) in [(plan_id, false), (tracked_id, true)] {
            let f = file_of(&app, &id).await;
            let t = with_report.then(|| tracked(&f, now));
            let a = mobiplan_core::agenda::agenda(&f, &rb, t.as_ref().map(|t| &t.report), today);
            let row_start = page
                .find(&format!("data-project=\"{id}\""))
                .unwrap_or_else(|| panic!("{id} is on the dashboard"));
            let row = &page[row_start..];
            let row = &row[..row.find("</tr>").unwrap()];
            let name = |id: &str| {
                f.activities
                    .iter()
                    .find(|a| a.id == id)
                    .map(|a| {
                        let title = a.title.clone().unwrap_or_else(|| a.id.clone());
                        let kind = mobiplan_i18n::text(
                            mobiplan_i18n::Lang::En,
                            &format!("kind.{}", a.kind.id()),
                        );
                        format!("{kind}: {title}")
                    })
                    .or_else(|| {
                        f.preparatory_visits
                            .iter()
                            .find(|v| v.id == id)
                            .map(|v| v.host.name.clone())
                    })
                    .unwrap_or_else(|| panic!("{id} is in the project"))
            };
            for d in &a.next {
                let text = mobiplan_i18n::agenda_event(&d.event, mobiplan_i18n::Lang::En, &name);
                assert!(
                    row.contains(&d.date.to_string()) && row.contains(&text),
                    "{text} in {row}"
                );
            }
            for o in &a.overdue {
                let text = mobiplan_i18n::agenda_overdue(o, mobiplan_i18n::Lang::En, &name);
                assert!(row.contains(&text), "{text} in {row}");
            }
            if a.overdue.is_empty() {
                assert!(row.contains("nothing overdue"));
            }
            let end = if a.days_to_end >= 0 {
                a.days_to_end.to_string()
            } else {
                format!("ended {} days ago", -a.days_to_end)
            };
            assert!(row.contains(&end), "{end} in {row}");
            assert_eq!(row.contains("/implementation"), with_report);
        }
        // Grouped under the organisation the projects belong to.
        assert!(page.contains("<h2>Skola A</h2>"), "{page}");
    }
}

/// A viewer reads the implementation (and the plan) but is offered no form to change it, and
/// the server refuses the change anyway.
#[tokio::test]
async fn a_viewer_reads_the_implementation_without_forms_to_change_it() {
    for backend in support::backends() {
        let app = spawn_app(backend).await;
        let (id, _) = app.import_example("tracked-sch-riga-school.toml").await;
        app.add_member(&app.org, "viewer@skola-a.lv", mobiplan_store::Role::Viewer)
            .await;
        let viewer = app.login("viewer@skola-a.lv", support::PASSWORD).await;
        let get = |path: String| {
            let viewer = viewer.clone();
            let url = app.url(&path);
            async move { viewer.get(url).send().await.unwrap().text().await.unwrap() }
        };
        let page = get(format!("/projects/{id}/implementation")).await;
        assert!(
            page.contains("You can read this project but not change it."),
            "{page}"
        );
        assert!(
            !page.contains("/implementation/awarded"),
            "no awarded form for a viewer"
        );
        assert!(page.contains("Evidence received"), "the report is shown");
        let record = get(format!(
            "/projects/{id}/implementation/activities/group-porto"
        ))
        .await;
        assert!(
            record.contains("<fieldset class=\"plain\" disabled>"),
            "{record}"
        );

        let f = file_of(&app, &id).await;
        let form = record_form(
            &f,
            app.version(&id).await,
            "group-porto",
            Status::Completed,
            &[],
        );
        let res = viewer
            .post(app.url(&format!(
                "/projects/{id}/implementation/activities/group-porto"
            )))
            .form(&form)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 403);
        let owner = app
            .get_text(&format!("/projects/{id}/implementation"))
            .await;
        assert!(
            owner.contains("/implementation/awarded"),
            "the owner has the form"
        );

        // The planning pages likewise: the viewer reads them, the owner edits them.
        let project = get(format!("/projects/{id}")).await;
        assert!(!project.contains("/activities/new") && !project.contains("/delete\""));
        assert!(!project.contains("/sharing\""));
        let owners = app.get_text(&format!("/projects/{id}")).await;
        assert!(owners.contains("/activities/new") && owners.contains("/sharing\""));
        for page in [
            format!("/projects/{id}/activities/course-valencia"),
            format!("/projects/{id}/visits/visit-porto"),
            format!("/projects/{id}/details"),
            format!("/projects/{id}/people"),
        ] {
            let viewed = get(page.clone()).await;
            assert!(
                viewed.contains("<fieldset class=\"plain\" disabled>"),
                "{page}"
            );
            let edited = app.get_text(&page).await;
            assert!(
                !edited.contains("disabled>"),
                "{page} is editable for the owner"
            );
        }
    }
}

/// Two people record the same activity: the second save, made on the version before the
/// first, is a conflict that keeps the second person's values in the form and stores nothing
/// over the first; another activity's record saved meanwhile merges.
#[tokio::test]
async fn the_same_record_changed_twice_is_a_conflict_another_merges() {
    for backend in support::backends() {
        let app = spawn_app(backend).await;
        let (id, _) = app.import_example("sch-riga-school.toml").await;
        let f = file_of(&app, &id).await;
        let base = app.version(&id).await;
        let path = |aid: &str| format!("/projects/{id}/implementation/activities/{aid}");

        let first = record_form(&f, base, "course-valencia", Status::Confirmed, &[]);
        assert_eq!(
            app.post_form(&path("course-valencia"), &first)
                .await
                .status(),
            303
        );
        // Another record, on the old version: a different section, merged.
        let other = record_form(&f, base, "group-porto", Status::Cancelled, &[]);
        assert_eq!(
            app.post_form(&path("group-porto"), &other).await.status(),
            303
        );
        // The same record on the old version: refused, the typed choice kept.
        let second = record_form(&f, base, "course-valencia", Status::Cancelled, &[]);
        let res = app.post_form(&path("course-valencia"), &second).await;
        assert_eq!(res.status(), 409);
        let body = res.text().await.unwrap();
        assert!(
            body.contains("<option value=\"cancelled\" selected>"),
            "{body}"
        );
        let imp = file_of(&app, &id).await.implementation.unwrap();
        assert_eq!(imp.activities["course-valencia"].status, Status::Confirmed);
        assert_eq!(imp.activities["group-porto"].status, Status::Cancelled);
    }
}
