//! Input errors as people read them: in the page's language, the field by its name and its
//! part's title, at the input it is about; the file path and the parser's own words only in a
//! "technical details" toggle. Runs on SQLite, and on PostgreSQL when DATABASE_URL is set.

mod support;

use scraper::{Html, Selector};
use support::{App, spawn_app};

async fn each_backend<F, Fut>(test: F)
where
    F: Fn(App) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    for backend in support::backends() {
        test(spawn_app(backend).await).await;
    }
}

const RIGA: &str = "examples/sch-riga-school.toml";

fn riga() -> String {
    std::fs::read_to_string(support::root().join(RIGA)).unwrap()
}

async fn get_lv(app: &App, path: &str) -> String {
    let res = app
        .client
        .get(app.url(path))
        .header("accept-language", "lv")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "{path}");
    res.text().await.unwrap()
}

/// The text of every element `selector` selects.
fn texts(page: &str, selector: &str) -> Vec<String> {
    let doc = Html::parse_document(page);
    let s = Selector::parse(selector).unwrap();
    doc.select(&s)
        .map(|e| e.text().collect::<String>())
        .collect()
}

/// How often `needle` is in the text of `main`, and how often inside its technical details.
fn outside_and_inside_details(page: &str, needle: &str) -> (usize, usize) {
    let all: usize = texts(page, "main")
        .iter()
        .map(|t| t.matches(needle).count())
        .sum();
    let inside: usize = texts(page, "main details.tech")
        .iter()
        .map(|t| t.matches(needle).count())
        .sum();
    (all - inside, inside)
}

/// An activity that ends before it starts: the Latvian page says so in Latvian at the end
/// date (its message, `aria-invalid`) and in the findings panel, naming the activity by its
/// title and the field by its label; the file path only in the technical details.
#[tokio::test]
async fn an_end_before_the_start_is_said_in_latvian_at_the_end_date_and_in_the_findings() {
    each_backend(|app| async move {
        let text = riga().replacen("end = 2026-10-09", "end = 2026-10-01", 1);
        let id = app.import_text("riga.toml", &text).await;
        let message = "Beigu datums 2026-10-01 ir pirms sākuma datuma 2026-10-05.";
        let label = "Aktivitāte «Digital tools for the inclusive classroom» — Beigu datums";

        let page = get_lv(&app, &format!("/projects/{id}/activities/course-valencia")).await;
        let at_field = texts(&page, "#end-error");
        assert_eq!(at_field, [message], "the message at the end date");
        let doc = Html::parse_document(&page);
        let input = doc
            .select(&Selector::parse("input#end").unwrap())
            .next()
            .expect("the end date input");
        assert_eq!(input.value().attr("aria-invalid"), Some("true"));
        assert!(
            input
                .value()
                .attr("aria-describedby")
                .is_some_and(|d| d.contains("end-error")),
            "described by its message"
        );

        for page in [
            page,
            get_lv(&app, &format!("/projects/{id}")).await,
            get_lv(&app, &format!("/projects/{id}/checks")).await,
        ] {
            let findings = texts(&page, "#findings").concat();
            assert!(findings.contains(message), "{findings}");
            assert!(findings.contains(label), "{findings}");
            for english in [
                "is before",
                "End date",
                "Activity",
                "Technical details",
                "must be fixed",
                "error",
            ] {
                assert!(!findings.contains(english), "{english} in: {findings}");
            }
            let (outside, inside) = outside_and_inside_details(&page, "activities[0]");
            assert_eq!(outside, 0, "no file path outside the technical details");
            assert!(inside > 0, "the path is there for who looks for it");
            // The label links to the input it names.
            let doc = Html::parse_document(&page);
            let link = doc
                .select(&Selector::parse("#findings a.field-name").unwrap())
                .next()
                .expect("the field's name is a link");
            assert_eq!(
                link.value().attr("href"),
                Some(format!("/projects/{id}/activities/course-valencia#end").as_str())
            );
        }

        // The API gives the key and arguments with the sentence in both languages.
        let eval = app.evaluation(&id).await;
        let e = &eval["input_errors"][0];
        assert_eq!(e["field"], "activities[0].end");
        assert_eq!(e["key"], "input.end-before-start");
        assert_eq!(e["args"]["end"], "2026-10-01");
        assert_eq!(
            e["message"],
            "The end date 2026-10-01 is before the start date 2026-10-05."
        );
        assert_eq!(e["messages"]["lv"], message);
    })
    .await;
}

/// An autosave that makes an activity end before it starts is saved (a draft always
/// saves), and its answer carries the input error at the end date for the script, like a rule
/// error.
#[tokio::test]
async fn an_autosave_answers_an_input_error_at_its_field() {
    each_backend(|app| async move {
        let id = app.import_text("riga.toml", &riga()).await;
        let page = format!("/projects/{id}/activities/course-valencia");
        let mut form = support::html::page_form(&app, &page, &page).await;
        support::html::set(&mut form, "end", "2026-10-01");
        let res = app.post_form_json(&page, &form).await;
        assert_eq!(res.status(), 200);
        let answer: serde_json::Value = res.json().await.unwrap();
        let at_end: Vec<&serde_json::Value> = answer["field_errors"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["field"] == "end")
            .collect();
        assert_eq!(at_end.len(), 1, "{answer}");
        assert_eq!(
            at_end[0]["message"],
            "The end date 2026-10-01 is before the start date 2026-10-05."
        );
    })
    .await;
}

/// A file with a value a field does not take is refused with a 422 page in Latvian: the
/// field by its name, the value and every value it takes (with their names), the line; the
/// parser's English and the path only in the technical details; and the upload form again,
/// with its CSRF token, to try the corrected file.
#[tokio::test]
async fn an_import_with_an_unknown_value_lists_it_in_latvian_and_offers_the_form_again() {
    each_backend(|app| async move {
        let text = riga().replacen("field = \"SCH\"", "field = \"SCX\"", 1);
        let res = app.post_import("riga.toml", text, "lv").await;
        assert_eq!(res.status(), 422);
        let page = res.text().await.unwrap();

        let problems = texts(&page, "ul.input-errors > li");
        assert_eq!(problems.len(), 1, "{problems:?}");
        let problem = &problems[0];
        for said in [
            "Projekts — Joma",
            "(14. rindiņa)",
            "“SCX” nav neviena no šī lauka pieļaujamajām vērtībām:",
            "“SCH” (skolu izglītība)",
            "“VET” (profesionālā izglītība un mācības)",
            "“ADU” (pieaugušo izglītība)",
            "Tehniskā informācija",
        ] {
            assert!(problem.contains(said), "{said} not in: {problem}");
        }
        for hidden in ["project.field", "unknown variant"] {
            let (outside, inside) = outside_and_inside_details(&page, hidden);
            assert_eq!(outside, 0, "{hidden} outside the technical details: {page}");
            assert_eq!(inside, 1, "{hidden} in the technical details");
        }

        let doc = Html::parse_document(&page);
        let again = doc
            .select(&Selector::parse(r#"form[action="/projects/import"]"#).unwrap())
            .next()
            .expect("the upload form again");
        assert_eq!(again.value().attr("enctype"), Some("multipart/form-data"));
        let has = |s: &str| again.select(&Selector::parse(s).unwrap()).next().is_some();
        assert!(has(r#"input[type="file"][name="file"]"#));
        assert!(
            has(r#"input[name="_csrf"]"#),
            "the form carries its CSRF token"
        );

        // The corrected file, sent again, is imported.
        let res = app.post_import("riga.toml", riga(), "en").await;
        assert_eq!(res.status(), 303);
    })
    .await;
}

/// A syntax error is named by its line, with the parser's words in the details; a file that
/// is not text at all is said to be so. Both in English here.
#[tokio::test]
async fn an_import_with_a_syntax_error_or_no_text_says_which_in_words() {
    each_backend(|app| async move {
        let broken = riga().replacen("round = 1", "round = = 1", 1);
        let res = app.post_import("plan.toml", broken, "en").await;
        assert_eq!(res.status(), 422);
        let page = res.text().await.unwrap();
        let problem = texts(&page, "ul.input-errors > li").concat();
        assert!(problem.contains("The file (line 16)"), "{problem}");
        assert!(
            problem.contains("The file is not valid TOML here"),
            "{problem}"
        );

        let res = app
            .post_import("plan.toml", vec![0xff, 0xfe, 0x00], "en")
            .await;
        assert_eq!(res.status(), 422);
        let page = res.text().await.unwrap();
        let problem = texts(&page, "ul.input-errors > li").concat();
        assert!(problem.contains("The file is not UTF-8 text"), "{problem}");
    })
    .await;
}
