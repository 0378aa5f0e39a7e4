//! A project's history: every saved version with who saved it, when and what changed; one
//! version as it was; restoring one as a new version (nothing is destroyed).

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use maud::html;
use mobiplan_core::ActivityKind;
use mobiplan_core::merge::{self, Seg};
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
use crate::views::pages::kind_and_title;

/// One part of a project that a version changed. Activities and visits carry what people call
/// them (title and kind, host) as they were in that version, so the history reads without ids.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "part", rename_all = "kebab-case")]
pub enum Change {
    Created,
    Details,
    People,
    ActivityAdded {
        id: String,
        title: Option<String>,
        kind: ActivityKind,
    },
    ActivityRemoved {
        id: String,
        title: Option<String>,
        kind: ActivityKind,
    },
    ActivityChanged {
        id: String,
        title: Option<String>,
        kind: ActivityKind,
    },
    VisitAdded {
        id: String,
        host: String,
    },
    VisitRemoved {
        id: String,
        host: String,
    },
    VisitChanged {
        id: String,
        host: String,
    },
    /// The application's words (background, objectives, follow-up, summary).
    Application,
    /// What happened after the grant (the `[implementation]` records).
    Implementation,
    RateProfile,
    /// Saved without a change of content (e.g. a restore of the same content).
    Nothing,
}

/// What changed from `before` (the previous version; `None` for the first) to `after`: the
/// parts that the field-level diff (`merge::diff`, the one merges use) touches, each once, in
/// the project's order.
pub fn changes(
    before: Option<(&ProjectFile, Option<&str>)>,
    after: (&ProjectFile, Option<&str>),
) -> Vec<Change> {
    let Some((b, b_profile)) = before else {
        return vec![Change::Created];
    };
    let (a, a_profile) = after;
    let mut out = Vec::new();
    for change in merge::diff(&json(b), &json(a)) {
        for part in part_of(&change, b, a) {
            if !out.contains(&part) {
                out.push(part);
            }
        }
    }
    if b_profile != a_profile {
        out.push(Change::RateProfile);
    }
    // The diff walks JSON objects by key; people read the parts in the project's order.
    out.sort_by_key(Change::rank);
    if out.is_empty() {
        out.push(Change::Nothing);
    }
    out
}

impl Change {
    /// Where the part comes in a project: details, people, activities, visits, the
    /// application, the implementation, the rates.
    fn rank(&self) -> u8 {
        match self {
            Change::Created | Change::Details => 0,
            Change::People => 1,
            Change::ActivityAdded { .. }
            | Change::ActivityRemoved { .. }
            | Change::ActivityChanged { .. } => 2,
            Change::VisitAdded { .. }
            | Change::VisitRemoved { .. }
            | Change::VisitChanged { .. } => 3,
            Change::Application => 4,
            Change::Implementation => 5,
            Change::RateProfile => 6,
            Change::Nothing => 7,
        }
    }
}

/// The part of the project a field-level change lies in.
fn part_of(change: &merge::Change, b: &ProjectFile, a: &ProjectFile) -> Vec<Change> {
    let segs = change.path.0.as_slice();
    let Some(Seg::Key(top)) = segs.first() else {
        return vec![Change::Details];
    };
    match (top.as_str(), segs.get(1)) {
        ("people", _) => vec![Change::People],
        ("application", _) => vec![Change::Application],
        ("implementation", _) => vec![Change::Implementation],
        ("activities", Some(Seg::Item { id, .. })) => vec![activity_change(id, b, a)],
        // A list the diff cannot key (ids used twice): every activity that differs.
        ("activities", _) => all_ids(&b.activities, &a.activities, |x| &x.id)
            .map(|id| activity_change(id, b, a))
            .collect(),
        ("preparatory_visits", Some(Seg::Item { id, .. })) => vec![visit_change(id, b, a)],
        ("preparatory_visits", _) => {
            all_ids(&b.preparatory_visits, &a.preparatory_visits, |x| &x.id)
                .map(|id| visit_change(id, b, a))
                .collect()
        }
        _ => vec![Change::Details],
    }
}

/// The ids of either list whose elements differ (or are on one side only).
fn all_ids<'a, T: PartialEq>(
    b: &'a [T],
    a: &'a [T],
    id: impl Fn(&T) -> &String + Copy + 'a,
) -> impl Iterator<Item = &'a String> + 'a {
    a.iter()
        .filter(move |x| !b.contains(x))
        .chain(b.iter().filter(move |x| !a.contains(x)))
        .map(id)
}

fn activity_change(id: &str, b: &ProjectFile, a: &ProjectFile) -> Change {
    // What the change list needs of the activity, not a copy of all of it.
    let find = |d: &ProjectFile| {
        d.activities
            .iter()
            .find(|x| x.id == id)
            .map(|x| (x.id.clone(), x.title.clone(), x.kind))
    };
    match (find(b), find(a)) {
        (None, Some((id, title, kind))) => Change::ActivityAdded { id, title, kind },
        (Some((id, title, kind)), None) => Change::ActivityRemoved { id, title, kind },
        (Some(_), Some((id, title, kind))) => Change::ActivityChanged { id, title, kind },
        (None, None) => Change::Details,
    }
}

fn visit_change(id: &str, b: &ProjectFile, a: &ProjectFile) -> Change {
    let find = |d: &ProjectFile| {
        d.preparatory_visits
            .iter()
            .find(|x| x.id == id)
            .map(|x| (x.id.clone(), x.host.name.clone()))
    };
    match (find(b), find(a)) {
        (None, Some((id, host))) => Change::VisitAdded { id, host },
        (Some((id, host)), None) => Change::VisitRemoved { id, host },
        (Some(_), Some((id, host))) => Change::VisitChanged { id, host },
        (None, None) => Change::Details,
    }
}

/// A document as JSON, to compare it field by field.
fn json<T: Serialize>(part: &T) -> serde_json::Value {
    serde_json::to_value(part).unwrap_or(serde_json::Value::Null)
}

pub fn change_text(lang: Lang, c: &Change) -> String {
    let activity = |key: &str, title: &Option<String>, kind: &ActivityKind| {
        tr(
            lang,
            key,
            &[("name", kind_and_title(lang, *kind, title.as_deref()))],
        )
    };
    match c {
        Change::Created => t(lang, "web.hist.created"),
        Change::Details => t(lang, "web.hist.details"),
        Change::People => t(lang, "web.hist.people"),
        Change::ActivityAdded { title, kind, .. } => {
            activity("web.hist.activity-added", title, kind)
        }
        Change::ActivityRemoved { title, kind, .. } => {
            activity("web.hist.activity-removed", title, kind)
        }
        Change::ActivityChanged { title, kind, .. } => {
            activity("web.hist.activity-changed", title, kind)
        }
        Change::VisitAdded { host, .. } => {
            tr(lang, "web.hist.visit-added", &[("host", host.clone())])
        }
        Change::VisitRemoved { host, .. } => {
            tr(lang, "web.hist.visit-removed", &[("host", host.clone())])
        }
        Change::VisitChanged { host, .. } => {
            tr(lang, "web.hist.visit-changed", &[("host", host.clone())])
        }
        Change::Application => t(lang, "web.hist.application"),
        Change::Implementation => t(lang, "web.hist.implementation"),
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
            details.tech {
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
        let named =
            |x: &mobiplan_core::project::file::Activity| (x.id.clone(), x.title.clone(), x.kind);
        let (id, title, kind) = named(&removed);
        assert_eq!(
            changes(Some((&a, None)), (&c, None)),
            vec![Change::ActivityRemoved {
                id: id.clone(),
                title: title.clone(),
                kind
            }]
        );
        assert_eq!(
            changes(Some((&c, None)), (&a, None)),
            vec![Change::ActivityAdded { id, title, kind }]
        );

        // One field of an activity, one of a visit, the application and the implementation:
        // each part once, named as people call it.
        let mut d = a.clone();
        d.activities[1].end.0 = d.activities[1].end.0.succ_opt().unwrap();
        let visit = &mut d.preparatory_visits[0];
        visit.end.0 = visit.end.0.succ_opt().unwrap();
        d.application
            .as_mut()
            .unwrap()
            .background
            .as_mut()
            .unwrap()
            .push_str(" More.");
        let (id, title, kind) = named(&a.activities[1]);
        let v = &a.preparatory_visits[0];
        assert_eq!(
            changes(Some((&a, None)), (&d, None)),
            vec![
                Change::ActivityChanged { id, title, kind },
                Change::VisitChanged {
                    id: v.id.clone(),
                    host: v.host.name.clone()
                },
                Change::Application,
            ]
        );
        let text: Vec<String> = changes(Some((&a, None)), (&d, None))
            .iter()
            .map(|c| change_text(Lang::Lv, c))
            .collect();
        assert!(
            text[0].contains(a.activities[1].title.as_deref().unwrap()),
            "{text:?}"
        );
        assert!(text[1].contains(&v.host.name), "{text:?}");
        assert!(
            text.iter()
                .all(|t| !t.contains(&a.activities[1].id) && !t.contains(&v.id)),
            "{text:?}"
        );
        assert_eq!(
            changes(Some((&a, None)), (&a, Some("p1"))),
            vec![Change::RateProfile]
        );
    }
}
