//! Forms and links of pages as a browser sees them, read with a real HTML parser (not the
//! server's own reader).

use scraper::{ElementRef, Html, Selector};

use super::App;

/// Every `method="post"` form of a page with its action and the fields a browser submits
/// when the form is sent unchanged (read with a real HTML parser, not the server's own).
pub fn forms_of(page: &str) -> Vec<(String, Vec<(String, String)>)> {
    let doc = Html::parse_document(page);
    let forms = Selector::parse("form[method=post]").unwrap();
    let fields = Selector::parse("input, select, textarea").unwrap();
    let options = Selector::parse("option").unwrap();
    doc.select(&forms)
        .map(|form| {
            let action = form.value().attr("action").unwrap_or_default().to_owned();
            let mut out = Vec::new();
            for el in form.select(&fields) {
                let v = el.value();
                let Some(name) = v.attr("name") else { continue };
                if v.attr("disabled").is_some() {
                    continue;
                }
                match v.name() {
                    "input" => match v.attr("type").unwrap_or("text") {
                        "submit" | "button" | "reset" | "image" | "file" => {}
                        "checkbox" | "radio" => {
                            if v.attr("checked").is_some() {
                                out.push((name.into(), v.attr("value").unwrap_or("on").into()));
                            }
                        }
                        _ => out.push((name.into(), v.attr("value").unwrap_or("").into())),
                    },
                    "select" => {
                        let all: Vec<ElementRef> = el.select(&options).collect();
                        let chosen = all
                            .iter()
                            .find(|o| o.value().attr("selected").is_some())
                            .or(all.first());
                        if let Some(o) = chosen {
                            let value = o
                                .value()
                                .attr("value")
                                .map(str::to_owned)
                                .unwrap_or_else(|| o.text().collect::<String>().trim().to_owned());
                            out.push((name.into(), value));
                        }
                    }
                    _ => out.push((name.into(), el.text().collect())),
                }
            }
            (action, out)
        })
        .collect()
}

/// Every link of a page (its `href`s).
pub fn links_of(page: &str) -> Vec<String> {
    let doc = Html::parse_document(page);
    let a = Selector::parse("a[href]").unwrap();
    doc.select(&a)
        .filter_map(|e| e.value().attr("href"))
        .map(|h| h.split('#').next().unwrap_or(h).to_owned())
        .collect()
}

pub fn set(form: &mut Vec<(String, String)>, name: &str, value: &str) {
    form.retain(|(k, _)| k != name);
    form.push((name.into(), value.into()));
}

pub fn field(form: &[(String, String)], name: &str) -> String {
    form.iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
        .unwrap_or_default()
}

pub async fn page_form(app: &App, page: &str, action: &str) -> Vec<(String, String)> {
    forms_of(&app.get_text(page).await)
        .into_iter()
        .find(|(a, _)| a == action)
        .unwrap_or_else(|| panic!("{page} has no form posting to {action}"))
        .1
}

/// A delete as a person without the script makes it: the page's form posted, the confirmation
/// page that answers it (naming what goes), and its form posted. The last answer.
pub async fn delete_confirmed(
    app: &App,
    action: &str,
    form: &[(String, String)],
) -> reqwest::Response {
    let res = app.post_form(action, form).await;
    assert_eq!(res.status(), 200, "{action}: a confirmation page first");
    let page = res.text().await.unwrap();
    let (_, confirm) = forms_of(&page)
        .into_iter()
        .find(|(a, _)| a == action)
        .unwrap_or_else(|| panic!("{action}: the confirmation has no form: {page}"));
    assert!(confirm.contains(&("confirmed".to_owned(), "1".to_owned())));
    app.post_form(action, &confirm).await
}
