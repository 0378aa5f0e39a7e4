//! A project's history: every saved version with who saved it, when and what changed; one
//! version as it was; restoring one as a new version (nothing is destroyed).

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use maud::html;
use mobiplan_core::merge;
use mobiplan_core::project::file::ProjectFile;
use mobiplan_store::{HistoryEntry, StoreError};
use serde::Serialize;

use super::projects::form_version;
use super::{error_page, html as page};
use crate::error::WebError;
use crate::forms::FormData;
use crate::i18n::{Lang, ReqLang, t, tr};
use crate::state::AppState;
use crate::views::accounts::csrf_field;
use crate::views::layout::back;

/// One part of a project that a version changed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "part", rename_all = "kebab-case")]
pub enum Change {
    Created,
    Details,
    People,
    ActivityAdded {
        id: String,
    },
    ActivityRemoved {
        id: String,
    },
    ActivityChanged {
        id: String,
    },
    VisitAdded {
        id: String,
    },
    VisitRemoved {
        id: String,
    },
    VisitChanged {
        id: String,
    },
    RateProfile,
    /// Saved without a change of content (e.g. a restore of the same content).
    Nothing,
}

fn by_id<T: Serialize>(items: &[T]) -> Vec<(String, serde_json::Value)> {
    items
        .iter()
        .filter_map(|i| {
            let v = serde_json::to_value(i).ok()?;
            let id = v.get("id")?.as_str()?.to_owned();
            Some((id, v))
        })
        .collect()
}

fn list_changes(
    before: &[(String, serde_json::Value)],
    after: &[(String, serde_json::Value)],
    added: fn(String) -> Change,
    removed: fn(String) -> Change,
    changed: fn(String) -> Change,
    out: &mut Vec<Change>,
) {
    for (id, v) in after {
        match before.iter().find(|(b, _)| b == id) {
            None => out.push(added(id.clone())),
            Some((_, old)) if old != v => out.push(changed(id.clone())),
            Some(_) => {}
        }
    }
    for (id, _) in before {
        if !after.iter().any(|(a, _)| a == id) {
            out.push(removed(id.clone()));
        }
    }
}

/// What changed from `before` (the previous version; `None` for the first) to `after`.
pub fn changes(
    before: Option<(&ProjectFile, Option<&str>)>,
    after: (&ProjectFile, Option<&str>),
) -> Vec<Change> {
    let Some((b, b_profile)) = before else {
        return vec![Change::Created];
    };
    let (a, a_profile) = after;
    let mut out = Vec::new();
    if json(&b.project) != json(&a.project) || json(&b.applicant) != json(&a.applicant) {
        out.push(Change::Details);
    }
    if json(&b.people) != json(&a.people) {
        out.push(Change::People);
    }
    list_changes(
        &by_id(&b.activities),
        &by_id(&a.activities),
        |id| Change::ActivityAdded { id },
        |id| Change::ActivityRemoved { id },
        |id| Change::ActivityChanged { id },
        &mut out,
    );
    list_changes(
        &by_id(&b.preparatory_visits),
        &by_id(&a.preparatory_visits),
        |id| Change::VisitAdded { id },
        |id| Change::VisitRemoved { id },
        |id| Change::VisitChanged { id },
        &mut out,
    );
    if b_profile != a_profile {
        out.push(Change::RateProfile);
    }
    if out.is_empty() {
        out.push(Change::Nothing);
    }
    out
}

/// A part of a document as JSON, to compare it.
fn json<T: Serialize>(part: &T) -> serde_json::Value {
    serde_json::to_value(part).unwrap_or(serde_json::Value::Null)
}

pub fn change_text(lang: Lang, c: &Change) -> String {
    match c {
        Change::Created => t(lang, "web.hist.created"),
        Change::Details => t(lang, "web.hist.details"),
        Change::People => t(lang, "web.hist.people"),
        Change::ActivityAdded { id } => tr(lang, "web.hist.activity-added", &[("id", id.clone())]),
        Change::ActivityRemoved { id } => {
            tr(lang, "web.hist.activity-removed", &[("id", id.clone())])
        }
        Change::ActivityChanged { id } => {
            tr(lang, "web.hist.activity-changed", &[("id", id.clone())])
        }
        Change::VisitAdded { id } => tr(lang, "web.hist.visit-added", &[("id", id.clone())]),
        Change::VisitRemoved { id } => tr(lang, "web.hist.visit-removed", &[("id", id.clone())]),
        Change::VisitChanged { id } => tr(lang, "web.hist.visit-changed", &[("id", id.clone())]),
        Change::RateProfile => t(lang, "web.hist.rate-profile"),
        Change::Nothing => t(lang, "web.hist.nothing"),
    }
}

/// The history, the newest first, with the changes of each version.
pub async fn history_with_changes(
    state: &AppState,
    id: &str,
) -> Result<Vec<(HistoryEntry, Vec<Change>)>, WebError> {
    let entries = state.store.project_history(id).await?;
    let versions: Vec<i64> = entries.iter().map(|e| e.version).collect();
    let docs = state
        .store
        .project_versions_documents(id, &versions)
        .await?;
    Ok(entries
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let before = entries
                .get(i + 1)
                .zip(docs.get(i + 1))
                .map(|(pe, pd)| (pd, pe.rate_profile_id.as_deref()));
            let c = changes(before, (&docs[i], e.rate_profile_id.as_deref()));
            (e.clone(), c)
        })
        .collect())
}

fn who(lang: Lang, e: &HistoryEntry) -> String {
    e.saved_by.as_ref().map_or_else(
        || t(lang, "web.hist.unknown-author"),
        |u| format!("{} <{}>", u.name, u.email),
    )
}

pub async fn history_page(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    Path(id): Path<String>,
) -> Response {
    let stored = match state.store.get_project(&id).await {
        Ok(s) => s,
        Err(e) => return error_page(lang, e.into()),
    };
    let history = match history_with_changes(&state, &id).await {
        Ok(h) => h,
        Err(e) => return error_page(lang, e),
    };
    page(
        StatusCode::OK,
        lang,
        t(lang, "web.hist.title"),
        &format!("/projects/{id}/history"),
        html! {
            (back(&format!("/projects/{id}"), stored.document.project.title.clone()))
            h1 { (t(lang, "web.hist.title")) }
            p.lead { (t(lang, "web.hist.lead")) }
            div.table-scroll { table.history {
                thead { tr {
                    th { (t(lang, "web.hist.version")) }
                    th { (t(lang, "web.hist.when")) }
                    th { (t(lang, "web.hist.who")) }
                    th { (t(lang, "web.hist.what")) }
                } }
                tbody {
                    @for (e, c) in &history {
                        tr {
                            td { a href={"/projects/" (id) "/history/" (e.version)} { (e.version) } }
                            td { time datetime=(e.saved_at.to_rfc3339()) { (e.saved_at.format("%Y-%m-%d %H:%M UTC")) } }
                            td { (who(lang, e)) }
                            td { ul { @for c in c { li { (change_text(lang, c)) } } } }
                        }
                    }
                }
            } }
        },
    )
}

fn parse_version(v: &str, lang: Lang) -> Result<i64, WebError> {
    v.parse::<i64>()
        .ok()
        .filter(|v| *v >= 1)
        .ok_or(WebError::BadRequest {
            field: "version".into(),
            message: t(lang, "web.hist.bad-version"),
        })
}

pub async fn version_page(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    Path((id, v)): Path<(String, String)>,
) -> Response {
    let version = match parse_version(&v, lang) {
        Ok(v) => v,
        Err(e) => return error_page(lang, e),
    };
    let (current, doc) = match (
        state.store.get_project(&id).await,
        state.store.project_version(&id, version).await,
    ) {
        (Ok(c), Ok(d)) => (c, d),
        (Err(e), _) | (_, Err(e)) => return error_page(lang, e.into()),
    };
    // What this version changed, field by field, against the one before it — before the
    // first autosave of the burst this version ends, since the history shows a burst as one.
    let first = match state.store.project_history(&id).await {
        Ok(h) => h
            .iter()
            .find(|e| e.version == version)
            .map_or(version, |e| e.first_version),
        Err(e) => return error_page(lang, e.into()),
    };
    let previous = if first > 1 {
        match state.store.project_version(&id, first - 1).await {
            Ok(d) => Some(d),
            Err(StoreError::NotFound) => None,
            Err(e) => return error_page(lang, e.into()),
        }
    } else {
        None
    };
    let new_json = serde_json::to_value(&doc).unwrap_or_default();
    let old_json = previous
        .as_ref()
        .map(|d| serde_json::to_value(d).unwrap_or_default());
    let rows = old_json.as_ref().map(|old| {
        crate::views::merge::change_rows(lang, old, &new_json, &merge::diff(old, &new_json))
    });
    let text = toml::to_string_pretty(&doc).unwrap_or_default();
    let may_edit = crate::access::may(crate::access::Need::Edit) && version != current.version;
    page(
        StatusCode::OK,
        lang,
        tr(
            lang,
            "web.hist.version-n",
            &[("version", version.to_string())],
        ),
        &format!("/projects/{id}/history/{version}"),
        html! {
            (back(&format!("/projects/{id}/history"), t(lang, "web.hist.title")))
            h1 { (tr(lang, "web.hist.version-n", &[("version", version.to_string())])) }
            @if may_edit {
                form method="post" action={"/projects/" (id) "/history/" (version) "/restore"} {
                    (csrf_field())
                    input type="hidden" name="version" value=(current.version);
                    p { (tr(lang, "web.hist.restore-help", &[("version", version.to_string()), ("current", current.version.to_string())])) }
                    button type="submit" { (t(lang, "web.hist.restore")) }
                }
            }
            h2 { (t(lang, "web.hist.changed-fields")) }
            @match &rows {
                Some(rows) => (crate::views::merge::change_table(lang, rows)),
                None => p { (t(lang, "web.hist.created")) },
            }
            details {
                summary { (t(lang, "web.hist.document")) }
                pre.document { (text) }
            }
        },
    )
}

/// Writes version `{v}`'s document as a new version (onto the version the form was shown
/// at: a change made meanwhile is a conflict, never overwritten).
pub async fn restore(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    Path((id, v)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let version = match parse_version(&v, lang) {
        Ok(v) => v,
        Err(e) => return error_page(lang, e),
    };
    let form = FormData::parse(&body);
    let expected = match form_version(&form) {
        Ok(v) => v,
        Err(e) => return error_page(lang, e),
    };
    let old = match state.store.project_version(&id, version).await {
        Ok(d) => d,
        Err(e) => return error_page(lang, e.into()),
    };
    // The restore is the change from the version the page showed to the old one, merged like
    // any save: a change made meanwhile elsewhere stays, or is a conflict the person decides.
    let result = super::save_with(
        &state,
        &id,
        expected,
        &super::Resolution::from_form(&form),
        |doc| *doc = old,
    )
    .await;
    super::after_action(
        lang,
        result,
        expected,
        &format!("/projects/{id}/history/{version}/restore"),
        &format!("/projects/{id}/history"),
        &format!("/projects/{id}/history/{version}"),
        super::Action::Restore,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn example() -> ProjectFile {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../examples/sch-riga-school.toml"
        ))
        .expect("the example project");
        toml::from_str(&text).expect("the example reads")
    }

    #[test]
    fn changes_name_the_parts_that_differ() {
        let a = example();
        assert_eq!(changes(None, (&a, None)), vec![Change::Created]);
        assert_eq!(changes(Some((&a, None)), (&a, None)), vec![Change::Nothing]);

        let mut b = a.clone();
        b.project.title.push_str(" (2)");
        assert_eq!(changes(Some((&a, None)), (&b, None)), vec![Change::Details]);

        let mut c = a.clone();
        let removed = c.activities.remove(0);
        assert_eq!(
            changes(Some((&a, None)), (&c, None)),
            vec![Change::ActivityRemoved {
                id: removed.id.clone()
            }]
        );
        assert_eq!(
            changes(Some((&c, None)), (&a, None)),
            vec![Change::ActivityAdded {
                id: removed.id.clone()
            }]
        );
        assert_eq!(
            changes(Some((&a, None)), (&a, Some("p1"))),
            vec![Change::RateProfile]
        );
    }
}
