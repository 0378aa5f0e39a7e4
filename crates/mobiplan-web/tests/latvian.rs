//! The Latvian interface, walked as a person would: every page reachable by links from the
//! start page, for each example project, read with an HTML parser. No text a person reads may
//! be an English text of the interface (every message of `en.toml` that `lv.toml` translates
//! differently is looked for), and no internal name — an activity's or visit's id, a rulebook
//! path, an algorithm's name — may show outside a "technical details" toggle.

mod support;

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use scraper::{ElementRef, Html, Node};
use support::{App, Backend, root, spawn_app};

/// Every message of a locale file, by its dotted key.
fn locale(code: &str) -> BTreeMap<String, String> {
    fn walk(prefix: &str, v: &toml::Value, out: &mut BTreeMap<String, String>) {
        match v {
            toml::Value::Table(t) => {
                for (k, v) in t {
                    let key = if prefix.is_empty() {
                        k.clone()
                    } else {
                        format!("{prefix}.{k}")
                    };
                    walk(&key, v, out);
                }
            }
            toml::Value::String(s) => {
                out.insert(prefix.to_owned(), s.clone());
            }
            _ => {}
        }
    }
    let path = root().join(format!("crates/mobiplan-i18n/locales/{code}.toml"));
    let text = std::fs::read_to_string(&path).unwrap();
    let mut out = BTreeMap::new();
    walk("", &toml::from_str(&text).unwrap(), &mut out);
    out
}

/// The English texts to look for: each message's literal parts between its `{placeholders}`,
/// where the Latvian file says something else, and the rulebooks' English source titles. A part counts when it is at least two words or
/// one long word; parts that are also in some Latvian message (names like "Erasmus+",
/// "KA122") are not English of ours.
fn english_fragments() -> Vec<(String, String)> {
    let en = locale("en");
    let lv = locale("lv");
    let lv_all: Vec<&String> = lv.values().collect();
    let mut out = Vec::new();
    for (key, text) in &en {
        if lv.get(key) == Some(text) {
            continue;
        }
        let mut literal = String::new();
        let mut depth = 0;
        for c in text.chars() {
            match c {
                '{' => {
                    depth += 1;
                    literal.push('\u{1}');
                }
                '}' => depth -= 1,
                _ if depth == 0 => literal.push(c),
                _ => {}
            }
        }
        for part in literal.split('\u{1}') {
            let part = part.trim_matches(|c: char| !c.is_alphanumeric());
            let words = part.split_whitespace().count();
            let long_word = words == 1 && part.chars().count() >= 9;
            if (words >= 2 && part.chars().count() >= 8) || long_word {
                if lv_all.iter().any(|l| l.contains(part)) {
                    continue;
                }
                out.push((key.clone(), part.to_owned()));
            }
        }
    }
    // The rulebooks' sources, which "why this number" names: their English titles too.
    for year in mobiplan_core::Rulebook::embedded_years() {
        let rb = mobiplan_core::Rulebook::embedded(year).unwrap();
        for (id, source) in &rb.sources {
            out.push((format!("{year} source {id}"), source.title.clone()));
        }
    }
    out
}

/// The text a person reads on a page: text nodes (the insides of `script`, `style` and
/// technical-details toggles left out) and the attributes read out or shown (`title`,
/// `aria-label`, `placeholder`, `alt`, a button's `value`). What people typed in inputs and
/// text areas is theirs, not the interface's, and is left out too.
fn readable(page: &str) -> String {
    fn visit(el: ElementRef, out: &mut String) {
        let v = el.value();
        if matches!(v.name(), "script" | "style" | "textarea" | "template") {
            return;
        }
        if v.name() == "details" && v.classes().any(|c| c == "tech") {
            return;
        }
        for attr in ["title", "aria-label", "placeholder", "alt"] {
            if let Some(a) = v.attr(attr) {
                out.push_str(a);
                out.push('\n');
            }
        }
        if v.name() == "input" && matches!(v.attr("type"), Some("submit" | "button")) {
            out.push_str(v.attr("value").unwrap_or_default());
            out.push('\n');
        }
        for child in el.children() {
            match child.value() {
                Node::Text(t) => {
                    out.push_str(t);
                    out.push(' ');
                }
                Node::Element(_) => {
                    if let Some(e) = ElementRef::wrap(child) {
                        visit(e, out);
                    }
                }
                _ => {}
            }
        }
        if matches!(
            v.name(),
            "p" | "li" | "td" | "th" | "div" | "h1" | "h2" | "h3" | "option"
        ) {
            out.push('\n');
        }
    }
    let doc = Html::parse_document(page);
    let mut out = String::new();
    visit(doc.root_element(), &mut out);
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Names that are the file's or the rulebook's, not a person's: ids of the example's
/// activities, visits and objectives that are slugs (with a hyphen: a one-word id such as
/// "anna" is also a word), rulebook paths and the names of algorithms.
fn internal_names(example: &str) -> Vec<String> {
    let doc: toml::Value = toml::from_str(example).unwrap();
    let mut out: Vec<String> = [
        "funding.",
        "individual_support",
        "organisational_support",
        "largest-lower-bound",
        "haversine",
        "profile:",
        "activities[",
        "preparatory_visits[",
        "application.",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let ids = |list: Option<&toml::Value>| -> Vec<String> {
        list.and_then(toml::Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|i| i.get("id").and_then(toml::Value::as_str))
            .filter(|id| id.contains('-'))
            .map(str::to_owned)
            .collect()
    };
    out.extend(ids(doc.get("activities")));
    out.extend(ids(doc.get("preparatory_visits")));
    out.extend(ids(doc
        .get("application")
        .and_then(|a| a.get("objectives"))));
    out
}

/// Links worth following: the application's own pages, not downloads or the way out.
fn followable(href: &str) -> bool {
    href.starts_with('/')
        && !href.starts_with("/assets/")
        && !href.starts_with("/api/")
        && !href.contains("/export")
        && !href.starts_with("/logout")
        && !href.contains("/invite/")
}

/// What one example's pages are checked against: the interface's English texts (less those
/// the example's own words contain: an English title is the person's, not ours) and the
/// example's internal names.
struct Check {
    fragments: Vec<(String, String)>,
    internal: Vec<String>,
    /// The locale files' top-level sections: `web.` followed by a word on a page is a message
    /// key shown instead of its text (a key missing from the files).
    sections: Vec<String>,
}

impl Check {
    fn new(all: &[(String, String)], example: &str) -> Check {
        Check {
            fragments: all
                .iter()
                .filter(|(_, f)| !example.contains(f.as_str()))
                .cloned()
                .collect(),
            internal: internal_names(example),
            sections: locale("en")
                .keys()
                .filter_map(|k| k.split('.').next())
                .map(|k| format!("{k}."))
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect(),
        }
    }

    /// The problems of one page, each with where it is and the text around it.
    fn page(&self, path: &str, page: &str, problems: &mut BTreeSet<String>) {
        assert!(page.contains("<html lang=\"lv\""), "{path} is not Latvian");
        let read = readable(page);
        for (key, f) in &self.fragments {
            if let Some(at) = find_words(&read, f) {
                problems.insert(format!(
                    "{path}: English \"{f}\" ({key}) in «{}»",
                    around(&read, at)
                ));
            }
        }
        for section in &self.sections {
            let key = read.match_indices(section.as_str()).find(|(i, _)| {
                let before = read[..*i].chars().next_back();
                let after = read[i + section.len()..].chars().next();
                !before.is_some_and(|c| c.is_alphanumeric() || c == '.')
                    && after.is_some_and(|c| c.is_ascii_lowercase())
            });
            if let Some((at, _)) = key {
                problems.insert(format!(
                    "{path}: a message key instead of its text in «{}»",
                    around(&read, at)
                ));
            }
        }
        for name in &self.internal {
            if let Some(at) = read.find(name.as_str()) {
                problems.insert(format!(
                    "{path}: internal name \"{name}\" in «{}»",
                    around(&read, at)
                ));
            }
        }
    }
}

fn examples() -> Vec<String> {
    let mut examples: Vec<String> = std::fs::read_dir(root().join("examples"))
        .unwrap()
        .filter_map(|e| {
            let name = e.unwrap().file_name().into_string().unwrap();
            name.ends_with(".toml").then_some(name)
        })
        .collect();
    examples.sort();
    examples
}

/// GET in Latvian: the status, whether it is a page, and the body.
async fn get_lv(app: &App, path: &str) -> (reqwest::StatusCode, bool, String) {
    let res = app
        .client
        .get(app.url(path))
        .header("accept-language", "lv")
        .send()
        .await
        .unwrap();
    let html = res
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|c| c.starts_with("text/html"));
    (res.status(), html, res.text().await.unwrap())
}

/// Every page of project `id` (and the pages around it) reachable by links, each once across
/// calls: its path and HTML.
async fn walk(app: &App, id: &str, visited: &mut BTreeSet<String>) -> Vec<(String, String)> {
    let mut pages = Vec::new();
    let mut queue: VecDeque<String> = VecDeque::from([format!("/projects/{id}"), "/".into()]);
    while let Some(path) = queue.pop_front() {
        // Pages of other projects are walked with their own example.
        let elsewhere = path.starts_with("/projects/")
            && !path.starts_with(&format!("/projects/{id}"))
            && path != "/projects/new"
            && path != "/projects/import";
        if elsewhere || !visited.insert(path.clone()) {
            continue;
        }
        let (status, html, page) = get_lv(app, &path).await;
        assert!(
            status.is_success(),
            "GET {path} answered {status}: {}",
            readable(&page)
        );
        if !html {
            continue;
        }
        for link in support::html::links_of(&page) {
            if followable(&link) && !visited.contains(&link) {
                queue.push_back(link);
            }
        }
        pages.push((path, page));
    }
    pages
}

fn report(problems: &BTreeSet<String>, pages: usize) {
    assert!(
        problems.is_empty(),
        "{} problems on {pages} pages:\n{}",
        problems.len(),
        problems.iter().cloned().collect::<Vec<_>>().join("\n")
    );
}

#[tokio::test]
async fn every_page_of_the_latvian_interface_is_in_latvian_and_names_things_as_people_do() {
    let app = spawn_app(Backend::Sqlite).await;
    let fragments = english_fragments();
    assert!(fragments.len() > 300, "{} English texts", fragments.len());
    let mut problems: BTreeSet<String> = BTreeSet::new();
    let mut visited: BTreeSet<String> = BTreeSet::new();
    for example in examples() {
        let (id, text) = app.import_example(&example).await;
        let check = Check::new(&fragments, &text);
        for (path, page) in walk(&app, &id, &mut visited).await {
            check.page(&path, &page, &mut problems);
        }
    }
    // The detector itself: the same pages in English are full of what it looks for.
    let english = app
        .client
        .get(app.url("/"))
        .header("accept-language", "en")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let read = readable(&english);
    let found = fragments
        .iter()
        .filter(|(_, f)| find_words(&read, f).is_some())
        .count();
    assert!(
        found >= 5,
        "only {found} English texts found on the English start page"
    );
    assert!(
        visited.len() > 60,
        "the walk reached {} pages: {visited:?}",
        visited.len()
    );
    report(&problems, visited.len());
}

/// The same for the pages that answer mistakes: every form of an example's pages is sent
/// back (a) with its dates, numbers and names made unreadable or empty and (b) with an end
/// date before its start; what comes back — the form with its errors, or the page after a
/// save that the checks object to — is read like every other page.
#[tokio::test]
async fn the_latvian_answers_to_mistakes_are_in_latvian_too() {
    let app = spawn_app(Backend::Sqlite).await;
    let fragments = english_fragments();
    let mut problems: BTreeSet<String> = BTreeSet::new();
    let mut visited: BTreeSet<String> = BTreeSet::new();
    let mut answers = 0;
    for example in ["sch-riga-school.toml", "tracked-sch-riga-school.toml"] {
        let (id, text) = app.import_example(example).await;
        let check = Check::new(&fragments, &text);
        let mut forms: Vec<(String, Vec<(String, String)>)> = Vec::new();
        for (_, page) in walk(&app, &id, &mut visited).await {
            for (action, form) in support::html::forms_of(&page) {
                let mine = action.starts_with(&format!("/projects/{id}"));
                let harmless = [
                    "/delete",
                    "/restore",
                    "/scenario",
                    "/move",
                    "/sharing",
                    "/rates",
                ]
                .iter()
                .all(|s| !action.ends_with(s));
                if mine && harmless && !forms.iter().any(|(a, _)| *a == action) {
                    forms.push((action, form));
                }
            }
        }
        assert!(forms.len() > 8, "{example}: {} forms", forms.len());
        for (action, form) in &forms {
            for mistaken in [unreadable(form), end_before_start(form)]
                .into_iter()
                .flatten()
            {
                // The page's version, now (an earlier mistake may have been saved).
                let mut mistaken = mistaken;
                let version = app.version(&id).await.to_string();
                if mistaken.iter().any(|(k, _)| k == "version") {
                    support::html::set(&mut mistaken, "version", &version);
                }
                let res = app
                    .client
                    .post(app.url(action))
                    .header("accept-language", "lv")
                    .form(&mistaken)
                    .send()
                    .await
                    .unwrap();
                let status = res.status();
                let location = res
                    .headers()
                    .get("location")
                    .and_then(|l| l.to_str().ok())
                    .map(str::to_owned);
                let body = res.text().await.unwrap();
                answers += 1;
                match location {
                    Some(to) => {
                        let (s, html, page) = get_lv(&app, &to).await;
                        assert!(s.is_success(), "{action} → {to}: {s}");
                        if html {
                            check.page(&format!("{action} → {to}"), &page, &mut problems);
                        }
                    }
                    None => {
                        assert!(
                            status.is_success() || status.is_client_error(),
                            "{action}: {status}\n{body}"
                        );
                        check.page(&format!("POST {action} ({status})"), &body, &mut problems);
                    }
                }
            }
        }
    }
    assert!(answers > 16, "{answers} answers");
    report(&problems, answers);
}

/// The form with what a person can get wrong: dates that are not dates, numbers that are not
/// numbers, the title and names left empty. `None` when the form has nothing of the kind.
fn unreadable(form: &[(String, String)]) -> Option<Vec<(String, String)>> {
    let mut changed = false;
    let out = form
        .iter()
        .map(|(k, v)| {
            let date = v.len() == 10 && v.as_bytes().get(4) == Some(&b'-');
            let number = !v.is_empty() && v.chars().all(|c| c.is_ascii_digit());
            let value = if k == "version" || k == "_csrf" {
                v.clone()
            } else if date {
                "2026-02-31".to_owned()
            } else if number {
                "seven".to_owned()
            } else if k == "title" || k.ends_with("name") {
                String::new()
            } else {
                return (k.clone(), v.clone());
            };
            changed = true;
            (k.clone(), value)
        })
        .collect();
    changed.then_some(out)
}

/// The form with its end date the day before its start date, if it has both.
fn end_before_start(form: &[(String, String)]) -> Option<Vec<(String, String)>> {
    let get = |name: &str| form.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
    let start = chrono::NaiveDate::parse_from_str(&get("start")?, "%Y-%m-%d").ok()?;
    let mut out = form.to_vec();
    support::html::set(&mut out, "end", &(start.pred_opt()?).to_string());
    Some(out)
}

/// Where `needle` is in `hay` as whole words (so that "Budget" is not found in "Budgeting").
fn find_words(hay: &str, needle: &str) -> Option<usize> {
    hay.match_indices(needle).map(|(i, _)| i).find(|&i| {
        let before = hay[..i].chars().next_back();
        let after = hay[i + needle.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

/// The text around a place, to say where a problem is.
fn around(text: &str, at: usize) -> String {
    let start = text[..at]
        .char_indices()
        .rev()
        .nth(50)
        .map_or(0, |(i, _)| i);
    let end = text[at..]
        .char_indices()
        .nth(90)
        .map_or(text.len(), |(i, _)| at + i);
    text[start..end].to_owned()
}
