//! The documents of a project over HTTP: every format downloads with its type and file name,
//! the workbook's total is the core's budget, the pages link to them and show the timeline,
//! and bad requests are 4xx.

mod support;

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
use serde_json::json;
use support::spawn_app;

fn magic(format: &str) -> &'static [u8] {
    match format {
        "xlsx" | "mobility-xlsx" | "application-docx" => b"PK\x03\x04",
        "pdf-summary" | "pdf-plan" | "checklist" | "application-pdf" => b"%PDF-",
        "ics" => b"BEGIN:VCALENDAR\r\n",
        "timeline-svg" => b"<svg ",
        "mobility-csv" => b"Activity ID,",
        other => panic!("unknown format {other}"),
    }
}

#[tokio::test]
async fn every_format_downloads_with_its_type_and_name_and_the_workbook_has_the_budget() {
    for backend in support::backends() {
        let app = spawn_app(backend).await;
        let (id, text) = app.import_example("sch-riga-school.toml").await;
        for format in mobiplan_export::Format::ALL {
            let res = app
                .client
                .get(app.url(&format!("/projects/{id}/export/{}", format.id())))
                .header("accept-language", "en")
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), 200, "{}", format.id());
            assert_eq!(res.headers()["content-type"], format.content_type());
            let disposition = res.headers()["content-disposition"]
                .to_str()
                .unwrap()
                .to_owned();
            // An ASCII name and the exact UTF-8 one (RFC 8187), each ending in the format's
            // extension, the format named once.
            let (plain, exact) = disposition
                .strip_prefix("attachment; filename=\"")
                .and_then(|r| r.split_once("\"; filename*=UTF-8''"))
                .unwrap_or_else(|| panic!("{disposition}"));
            assert!(
                plain.is_ascii() && plain.ends_with(format.extension()),
                "{disposition}"
            );
            assert!(
                exact.is_ascii() && exact.ends_with(format.extension()),
                "{disposition}"
            );
            assert!(
                !plain.contains(&format!(
                    "{}{}",
                    format.extension().replace('.', "-"),
                    format.extension()
                )),
                "{disposition}"
            );
            let bytes = res.bytes().await.unwrap();
            assert!(bytes.starts_with(magic(format.id())), "{}", format.id());

            if format == mobiplan_export::Format::Xlsx {
                let rb = mobiplan_core::Rulebook::embedded(2026).unwrap();
                let mut project = mobiplan_core::Project::from_toml(&text).unwrap();
                mobiplan_geo::fill_distances(&mut project, mobiplan_geo::Gazetteer::embedded())
                    .unwrap();
                let expected = mobiplan_core::budget(&project, &rb, None).total;
                let mut wb: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes.to_vec())).unwrap();
                let summary = wb.worksheet_range(&wb.sheet_names()[0]).unwrap();
                let total = summary
                    .rows()
                    .find(|r| r[0] == Data::String("Total".into()))
                    .unwrap()
                    .to_vec();
                let cents = |d: &Data| match d {
                    Data::Float(f) => (f * 100.0).round() as i64,
                    other => panic!("{other:?}"),
                };
                assert_eq!(cents(&total[1]), expected.min.cents());
                if !expected.is_exact() {
                    assert_eq!(cents(&total[2]), expected.max.cents());
                }
            }
        }
        // Another language by query, whatever the page's.
        let csv = app
            .get_text(&format!("/projects/{id}/export/mobility-csv?lang=lv"))
            .await;
        assert!(csv.starts_with("Aktivitātes ID,"), "{csv}");
    }
}

#[tokio::test]
async fn the_project_page_links_every_document_and_the_budget_page_shows_the_timeline() {
    for backend in support::backends() {
        let app = spawn_app(backend).await;
        let (id, _) = app.import_example("vet-liepaja-vet-school.toml").await;
        let page = app.get_text(&format!("/projects/{id}")).await;
        for format in mobiplan_export::Format::ALL {
            assert!(
                page.contains(&format!("href=\"/projects/{id}/export/{}\"", format.id())),
                "link to {}",
                format.id()
            );
        }
        let budget = app.get_text(&format!("/projects/{id}/budget")).await;
        assert!(budget.contains("<svg xmlns=\"http://www.w3.org/2000/svg\""));
        assert!(budget.contains("id=\"timeline-heading\""));
    }
}

#[tokio::test]
async fn bad_export_requests_are_4xx_never_500() {
    for backend in support::backends() {
        let app = spawn_app(backend).await;
        let (id, _) = app.import_example("sch-riga-school.toml").await;
        let status = |path: String| {
            let app = &app;
            async move {
                app.client
                    .get(app.url(&path))
                    .send()
                    .await
                    .unwrap()
                    .status()
            }
        };
        assert_eq!(status(format!("/projects/{id}/export/docx")).await, 404);
        assert_eq!(
            status("/projects/no-such-project/export/xlsx".into()).await,
            404
        );
        assert_eq!(
            status(format!("/projects/{id}/export/ics?lang=de")).await,
            400
        );

        // A stored document that does not read as a project yet (an unknown person).
        let doc = json!({
            "format": 1,
            "project": { "title": "Draft", "field": "SCH", "call_year": 2026, "round": 1,
                         "start": "2026-09-01", "duration_months": 12 },
            "applicant": { "name": "Skola", "country": "LV" },
            "activities": [{
                "id": "course-1", "kind": "course", "start": "2026-10-05", "end": "2026-10-09",
                "participants": { "names": ["ghost"] },
                "host": { "name": "Academy", "country": "ES" },
                "travel": { "distance_km": 2630.47, "days": 2 },
                "course": { "provider": "Academy", "title": "Tools" }
            }]
        });
        let res = app
            .client
            .post(app.url("/api/projects"))
            .json(&doc)
            .send()
            .await
            .unwrap();
        let status = res.status();
        let body = res.text().await.unwrap();
        assert_eq!(status, 201, "{body}");
        let draft: serde_json::Value = serde_json::from_str(&body).unwrap();
        let draft = draft["id"].as_str().unwrap();
        let res = app
            .client
            .get(app.url(&format!("/projects/{draft}/export/pdf-summary")))
            .header("accept-language", "en")
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 422);
        let body = res.text().await.unwrap();
        assert!(body.contains("ghost"), "{body}");
        let page = app.get_text(&format!("/projects/{draft}")).await;
        assert!(!page.contains(&format!("/projects/{draft}/export/xlsx")));
    }
}
