//! Fields of the project file in people's words: `activities[0].end` is "Activity «Job
//! shadowing in Tartu» — End date", `applicant.oid` is "Applicant — Organisation ID (OID)".
//! The labels are the ones the forms show (`web.label.*`), else the file's own names
//! (`path.*`); parts are named by their titles from the document. A path itself is only ever
//! shown in a technical-details toggle.

use mobiplan_core::project::file::ProjectFile;

use crate::i18n::{Lang, t};

#[derive(Clone, Copy, Debug, PartialEq)]
enum Seg<'a> {
    Key(&'a str),
    Index(&'a str),
}

/// `activities[0].travel.days` → Key(activities), Index(0), Key(travel), Key(days).
fn segments(path: &str) -> Vec<Seg<'_>> {
    let mut out = Vec::new();
    for part in path.split('.').filter(|p| !p.is_empty()) {
        let mut pieces = part.split('[');
        if let Some(name) = pieces.next().filter(|n| !n.is_empty()) {
            out.push(Seg::Key(name));
        }
        for index in pieces {
            out.push(Seg::Index(index.trim_end_matches(']')));
        }
    }
    out
}

fn label_if(lang: Lang, key: &str) -> Option<String> {
    mobiplan_i18n::has(key).then(|| t(lang, key))
}

/// An element of a list named by what it is and its name: "Activity «Tartu»"; by its
/// position when the document does not have it.
fn item(lang: Lang, list: &str, index: &str, name: Option<String>) -> String {
    let what = label_if(lang, &format!("path.item.{list}"))
        .or_else(|| label_if(lang, &format!("path.{list}")))
        .unwrap_or_default();
    match name {
        Some(n) => format!("{what} «{n}»"),
        None => match index.parse::<usize>() {
            Ok(i) => format!("{what} {}", i + 1),
            Err(_) => format!("{what} «{index}»"),
        },
    }
}

/// Where an element is in its list: by position (`activities[0]`), or by id — in the
/// implementation's maps, and in paths that name an element by its id (`activities[tartu]`).
#[derive(Clone, Copy)]
enum At<'a> {
    Index(&'a str),
    Id(&'a str),
}

fn find<'a, T>(list: &'a [T], at: At<'_>, id: impl Fn(&T) -> &str) -> Option<&'a T> {
    match at {
        At::Index(i) => match i.parse::<usize>() {
            Ok(n) => list.get(n),
            Err(_) => list.iter().find(|x| id(x) == i),
        },
        At::Id(i) => list.iter().find(|x| id(x) == i),
    }
}

fn activity_name(lang: Lang, doc: Option<&ProjectFile>, at: At<'_>) -> Option<String> {
    let a = find(&doc?.activities, at, |a| a.id.as_str())?;
    Some(match &a.title {
        Some(title) if !title.trim().is_empty() => title.clone(),
        _ => crate::views::pages::kind_and_title(lang, a.kind, None),
    })
}

fn visit_name(doc: Option<&ProjectFile>, at: At<'_>) -> Option<String> {
    find(&doc?.preparatory_visits, at, |v| v.id.as_str()).map(|v| v.host.name.clone())
}

fn person_name(doc: Option<&ProjectFile>, at: At<'_>) -> Option<String> {
    find(&doc?.people, at, |p| p.id.as_str()).map(|p| p.name.clone())
}

fn objective_name(doc: Option<&ProjectFile>, at: At<'_>) -> Option<String> {
    let app = doc?.application.as_ref()?;
    let o = find(&app.objectives, at, |o| o.id.as_str())?;
    Some(
        o.title
            .clone()
            .filter(|t| !t.trim().is_empty())
            .unwrap_or_else(|| o.id.clone()),
    )
}

/// Where a field of the project file is, in words. `doc` names the parts (titles, hosts,
/// people); without it they are named by their position.
pub fn field_label(lang: Lang, doc: Option<&ProjectFile>, path: &str) -> String {
    let segs = segments(path);
    let mut parts: Vec<String> = Vec::new();
    let rest: &[Seg] = match segs.as_slice() {
        [Seg::Key("activities"), Seg::Index(i), rest @ ..] => {
            parts.push(item(
                lang,
                "activities",
                i,
                activity_name(lang, doc, At::Index(i)),
            ));
            rest
        }
        [Seg::Key("preparatory_visits"), Seg::Index(i), rest @ ..] => {
            parts.push(item(
                lang,
                "preparatory_visits",
                i,
                visit_name(doc, At::Index(i)),
            ));
            rest
        }
        [Seg::Key("people"), Seg::Index(i), rest @ ..] => {
            parts.push(item(lang, "people", i, person_name(doc, At::Index(i))));
            rest
        }
        [
            Seg::Key("application"),
            Seg::Key("objectives"),
            Seg::Index(i),
            rest @ ..,
        ] => {
            parts.push(item(
                lang,
                "objectives",
                i,
                objective_name(doc, At::Index(i)),
            ));
            rest
        }
        [
            Seg::Key("implementation"),
            Seg::Key(list @ ("activities" | "visits")),
            Seg::Key(id),
            rest @ ..,
        ] => {
            parts.push(t(lang, "path.implementation"));
            parts.push(if *list == "activities" {
                item(lang, "activities", id, activity_name(lang, doc, At::Id(id)))
            } else {
                item(lang, "preparatory_visits", id, visit_name(doc, At::Id(id)))
            });
            rest
        }
        [Seg::Key(owner @ ("project" | "applicant")), rest @ ..] => {
            parts.push(t(lang, &format!("path.{owner}")));
            // The forms name the applicant's inputs `applicant_<key>`.
            let prefix = if *owner == "applicant" {
                "applicant_"
            } else {
                ""
            };
            if let Some(label) = form_label(lang, prefix, rest) {
                parts.push(label);
                return parts.join(" — ");
            }
            rest
        }
        all => all,
    };
    if !rest.is_empty() {
        match form_label(lang, "", rest).filter(|_| !parts.is_empty()) {
            Some(label) => parts.push(label),
            None => parts.extend(file_labels(lang, doc, rest)),
        }
    }
    if parts.is_empty() {
        t(lang, "web.input-whole-file")
    } else {
        parts.join(" — ")
    }
}

/// The label of the form input that edits `rest` (`travel.days` → `web.label.travel_days`).
fn form_label(lang: Lang, prefix: &str, rest: &[Seg]) -> Option<String> {
    let keys: Vec<&str> = rest
        .iter()
        .map(|s| match s {
            Seg::Key(k) => Some(*k),
            Seg::Index(_) => None,
        })
        .collect::<Option<_>>()?;
    if keys.is_empty() {
        return None;
    }
    label_if(lang, &format!("web.label.{prefix}{}", keys.join("_")))
}

/// The file's own names of the keys (`path.*`), elements of lists by their position, the keys
/// of the implementation's maps by what they name. A key without a name (one the format does
/// not have, which the message names) is left out.
fn file_labels(lang: Lang, doc: Option<&ProjectFile>, rest: &[Seg]) -> Vec<String> {
    let mut parts: Vec<String> = Vec::new();
    let mut previous: Option<&str> = None;
    for seg in rest {
        match seg {
            Seg::Key(k) => {
                let named = match previous {
                    Some("persons") => {
                        Some(person_name(doc, At::Id(k)).unwrap_or_else(|| (*k).to_owned()))
                    }
                    Some("evidence") => label_if(lang, &format!("document.{k}")),
                    Some("awarded") => label_if(lang, &format!("category.{k}")),
                    _ => None,
                };
                if let Some(label) = named.or_else(|| label_if(lang, &format!("path.{k}"))) {
                    parts.push(label);
                }
                previous = Some(*k);
            }
            Seg::Index(i) => {
                // Counted from 1, as people count.
                let n = i
                    .parse::<usize>()
                    .map_or_else(|_| (*i).to_owned(), |n| (n + 1).to_string());
                let list = previous.unwrap_or("");
                if let Some(p) = label_if(lang, &format!("path.item.{list}")) {
                    parts.pop();
                    parts.push(format!("{p} {n}"));
                } else if let Some(last) = parts.last_mut() {
                    last.push_str(&format!(" {n}"));
                }
            }
        }
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn riga() -> ProjectFile {
        mobiplan_core::project::parse_toml(include_str!(
            "../../../../examples/sch-riga-school.toml"
        ))
        .unwrap()
    }

    #[test]
    fn an_activitys_field_is_named_by_the_activitys_title_and_the_forms_label() {
        let doc = riga();
        let title = doc.activities[1].title.clone().unwrap();
        assert_eq!(
            field_label(Lang::En, Some(&doc), "activities[1].end"),
            format!("Activity «{title}» — End date")
        );
        assert_eq!(
            field_label(Lang::Lv, Some(&doc), "activities[1].end"),
            format!("Aktivitāte «{title}» — Beigu datums")
        );
        let id = doc.activities[1].id.clone();
        assert_eq!(
            field_label(
                Lang::En,
                Some(&doc),
                &format!("activities[{id}].travel.distance_km")
            ),
            format!("Activity «{title}» — One-way distance in km")
        );
        assert_eq!(
            field_label(Lang::En, None, "activities[1].end"),
            "Activity 2 — End date"
        );
    }

    #[test]
    fn project_applicant_and_lists_inside_parts_are_named_in_words() {
        let doc = riga();
        assert_eq!(
            field_label(Lang::En, Some(&doc), "applicant.oid"),
            "Applicant — Organisation ID (OID)"
        );
        assert_eq!(
            field_label(Lang::En, Some(&doc), "project.field"),
            "Project — Field"
        );
        let label = field_label(Lang::En, Some(&doc), "activities[0].accompanying[0].person");
        assert!(
            label.ends_with("— Accompanying person 1 — Person"),
            "{label}"
        );
        let anna = &doc.people[0].name;
        let label = field_label(
            Lang::En,
            Some(&doc),
            &format!(
                "implementation.activities.{}.persons.{}",
                doc.activities[0].id, doc.people[0].id
            ),
        );
        assert!(label.starts_with("Implementation — Activity «"), "{label}");
        assert!(label.ends_with(&format!("Persons — {anna}")), "{label}");
        assert_eq!(field_label(Lang::Lv, Some(&doc), ""), "Fails");
    }

    #[test]
    fn no_label_shows_a_file_path() {
        let doc = riga();
        for path in [
            "activities[0].end",
            "activities[0].participants.names[1]",
            "activities[0].colour",
            "applicant.earlier_grants[0].call_year",
            "application.objectives[0].field_objectives[1]",
            "application.summary.results",
            "preparatory_visits[0].prepares",
            "people[1].id",
            "format",
            "project.call_year",
            "implementation.awarded.travel",
            "implementation.activities.x.evidence.travel-tickets",
        ] {
            for lang in Lang::ALL {
                let label = field_label(lang, Some(&doc), path);
                assert!(!label.is_empty(), "{path}");
                // A one-word path may be a word of its label ("File format").
                let shows_path = label == path || (path.contains('.') && label.contains(path));
                assert!(
                    !shows_path && !label.contains('[') && !label.contains('_'),
                    "{path}: {label}"
                );
            }
        }
    }
}
