//! How a project's versions are kept: as the change against the previous version, with a full
//! copy every [`SNAPSHOT_EVERY`] versions, and how consecutive autosaves fold into one history
//! entry.
//!
//! A row of `project_versions` is either `stored_as = 'full'` (`document` is the project's
//! JSON) or `stored_as = 'delta'` (`document` is a [change list](diff) that turns version
//! `version - 1` into this one). Reading version `v` takes the newest full row at or below `v`
//! and applies the deltas after it in order; since every version `1 + k·SNAPSHOT_EVERY` is
//! full, that is never more than `SNAPSHOT_EVERY - 1` deltas. The current document also stays
//! whole in `projects.document`, so a save diffs against it without replaying anything.
//!
//! The change list is this crate's own format rather than a JSON Merge Patch (RFC 7396): a
//! merge patch cannot set a value to `null`, and it replaces arrays whole (one edited field of
//! one activity would store every activity). The format, a JSON array of operations, each an
//! array whose first element names it:
//!
//! - `["=", path, value]` — set: replace the value at `path` (an array index that exists, or an
//!   object key, present or not); `path = []` replaces the whole document.
//! - `["-", path]` — remove the object key at the end of `path` (it must exist).
//! - `["~", path, start, removed, [items…]]` — splice the array at `path`: remove `removed`
//!   elements from `start` and insert the items there.
//!
//! A path is a JSON array of object keys (strings) and array indices (numbers). Operations
//! apply in order; values are carried as they are, `null` included, so a replay gives back
//! exactly the JSON value that was saved.

use std::time::Duration;

use chrono::{DateTime, Utc};
use serde_json::Value;

use crate::error::{Result, StoreError};

/// Every version `1 + k·SNAPSHOT_EVERY` is stored whole, so reading any version replays at
/// most `SNAPSHOT_EVERY - 1` deltas (one query of at most 32 short rows plus one parse of a
/// full document). 32 keeps the full copies at about 3% of the versions — with the SCH
/// example's 4 KB document that is ~130 bytes per version on top of the deltas — while a read
/// stays about as cheap as parsing one document.
pub(crate) const SNAPSHOT_EVERY: i64 = 32;

/// Whether version `version` is stored whole whatever its change.
pub(crate) fn is_snapshot_position(version: i64) -> bool {
    (version - 1).rem_euclid(SNAPSHOT_EVERY) == 0
}

/// What kind of write a save is, for the history: autosaves of one person in a short time
/// fold into one entry; everything else is an entry of its own.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SaveKind {
    /// An action the person chose: a form's save button, delete, restore, import, a status
    /// change, a rate profile. Always its own history entry.
    #[default]
    Explicit,
    /// A save the page made by itself while the person edits (the autosave script). Folds into
    /// the previous history entry when that is an autosave by the same user within the
    /// [`AutosaveFolding`] limits.
    Autosave,
}

impl SaveKind {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            SaveKind::Explicit => "explicit",
            SaveKind::Autosave => "autosave",
        }
    }
}

/// When consecutive autosaves fold into one history entry. Folding only groups versions for
/// the history: every version is still stored and readable (a client may hold any of them as
/// its merge base), and the entry shows the newest.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AutosaveFolding {
    /// An autosave folds into the previous entry only if the previous version is an autosave by
    /// the same user saved at most this long before. `Duration::ZERO` turns folding off.
    pub window: Duration,
    /// …and only while the entry's first version is at most this old, so that a long editing
    /// session still leaves a trail of entries to go back to.
    pub max_span: Duration,
}

impl Default for AutosaveFolding {
    /// Two minutes between autosaves (a pause to think is still the same edit), at most ten
    /// minutes per entry.
    fn default() -> Self {
        AutosaveFolding {
            window: Duration::from_secs(120),
            max_span: Duration::from_secs(600),
        }
    }
}

/// The history row of the version a save starts from.
pub(crate) struct Previous {
    pub kind: Option<String>,
    pub saved_by: Option<String>,
    pub saved_at: Option<DateTime<Utc>>,
    /// The first version of the entry the previous version belongs to.
    pub entry_start: i64,
    pub entry_started_at: Option<DateTime<Utc>>,
}

impl AutosaveFolding {
    /// The `burst` column of a new version: the first version of the entry it folds into, or
    /// `None` when it starts an entry of its own.
    pub(crate) fn burst(
        &self,
        kind: SaveKind,
        by: Option<&str>,
        at: DateTime<Utc>,
        previous: &Previous,
    ) -> Option<i64> {
        if kind != SaveKind::Autosave || self.window.is_zero() {
            return None;
        }
        let same_user = by.is_some() && previous.saved_by.as_deref() == by;
        let previous_autosave = previous.kind.as_deref() == Some(SaveKind::Autosave.as_str());
        let within = |since: Option<DateTime<Utc>>, limit: Duration| {
            since.is_some_and(|s| {
                let age = at.signed_duration_since(s);
                age >= chrono::TimeDelta::zero()
                    && chrono::TimeDelta::from_std(limit).is_ok_and(|l| age <= l)
            })
        };
        (same_user
            && previous_autosave
            && within(previous.saved_at, self.window)
            && within(previous.entry_started_at, self.max_span))
        .then_some(previous.entry_start)
    }
}

// --- the change list ------------------------------------------------------------------------

/// The change list that turns `old` into `new` (empty when they are equal). Objects are
/// compared key by key and arrays element by element (after their common beginning and end),
/// so one edited field of one activity is one small `=` operation.
pub(crate) fn diff(old: &Value, new: &Value) -> Value {
    let mut ops = Vec::new();
    let mut path = Vec::new();
    diff_into(old, new, &mut path, &mut ops);
    Value::Array(ops)
}

fn path_value(path: &[Value]) -> Value {
    Value::Array(path.to_vec())
}

fn diff_into(old: &Value, new: &Value, path: &mut Vec<Value>, ops: &mut Vec<Value>) {
    if old == new {
        return;
    }
    match (old, new) {
        (Value::Object(a), Value::Object(b)) => {
            for key in a.keys() {
                if !b.contains_key(key) {
                    path.push(Value::String(key.clone()));
                    ops.push(Value::Array(vec!["-".into(), path_value(path)]));
                    path.pop();
                }
            }
            for (key, nv) in b {
                path.push(Value::String(key.clone()));
                match a.get(key) {
                    Some(ov) => diff_into(ov, nv, path, ops),
                    None => ops.push(Value::Array(vec!["=".into(), path_value(path), nv.clone()])),
                }
                path.pop();
            }
        }
        (Value::Array(a), Value::Array(b)) => {
            let prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
            let room = a.len().min(b.len()) - prefix;
            let suffix = a
                .iter()
                .rev()
                .zip(b.iter().rev())
                .take(room)
                .take_while(|(x, y)| x == y)
                .count();
            let (old_mid, new_mid) = (&a[prefix..a.len() - suffix], &b[prefix..b.len() - suffix]);
            // Elements at the same place are changed in place (their indices do not move:
            // the splice below comes after them) …
            let paired = old_mid.len().min(new_mid.len());
            for i in 0..paired {
                path.push(Value::from(prefix + i));
                diff_into(&old_mid[i], &new_mid[i], path, ops);
                path.pop();
            }
            // … and what is left over is removed or inserted in one splice.
            if old_mid.len() != new_mid.len() {
                ops.push(Value::Array(vec![
                    "~".into(),
                    path_value(path),
                    Value::from(prefix + paired),
                    Value::from(old_mid.len() - paired),
                    Value::Array(new_mid[paired..].to_vec()),
                ]));
            }
        }
        _ => ops.push(Value::Array(vec![
            "=".into(),
            path_value(path),
            new.clone(),
        ])),
    }
}

/// Applies a change list made by [`diff`] to `doc`. `Err` says which operation does not fit
/// (a broken or foreign change list); `doc` may then be partly changed.
pub(crate) fn apply(doc: &mut Value, delta: &Value) -> std::result::Result<(), String> {
    let ops = delta.as_array().ok_or("the change list is not an array")?;
    for (n, op) in ops.iter().enumerate() {
        apply_op(doc, op).map_err(|e| format!("operation {n}: {e}"))?;
    }
    Ok(())
}

fn apply_op(doc: &mut Value, op: &Value) -> std::result::Result<(), String> {
    let parts = op.as_array().ok_or("not an array")?;
    let name = parts.first().and_then(Value::as_str).ok_or("no name")?;
    let path = parts
        .get(1)
        .and_then(Value::as_array)
        .ok_or("no path")?
        .as_slice();
    match (name, parts.len()) {
        ("=", 3) => {
            let value = parts[2].clone();
            let Some((last, parent)) = path.split_last() else {
                *doc = value;
                return Ok(());
            };
            match (at(doc, parent)?, last) {
                (Value::Object(o), Value::String(k)) => {
                    o.insert(k.clone(), value);
                }
                (Value::Array(a), i) => {
                    let slot = index(i).and_then(|i| a.get_mut(i)).ok_or("no such index")?;
                    *slot = value;
                }
                _ => return Err("the path does not lead to a value".into()),
            }
        }
        ("-", 2) => {
            let (last, parent) = path.split_last().ok_or("cannot remove the document")?;
            let removed = match (at(doc, parent)?, last) {
                (Value::Object(o), Value::String(k)) => o.remove(k),
                _ => None,
            };
            removed.ok_or("no such key to remove")?;
        }
        ("~", 5) => {
            let array = at(doc, path)?.as_array_mut().ok_or("not an array")?;
            let start = index(&parts[2]).ok_or("bad start")?;
            let removed = index(&parts[3]).ok_or("bad count")?;
            let items = parts[4].as_array().ok_or("no items")?;
            let end = start.checked_add(removed).ok_or("bad count")?;
            if end > array.len() {
                return Err("the splice goes past the end of the array".into());
            }
            array.splice(start..end, items.iter().cloned());
        }
        _ => return Err(format!("unknown operation '{name}'")),
    }
    Ok(())
}

fn index(v: &Value) -> Option<usize> {
    v.as_u64().and_then(|i| usize::try_from(i).ok())
}

/// The value at `path` in `doc`.
fn at<'a>(doc: &'a mut Value, path: &[Value]) -> std::result::Result<&'a mut Value, String> {
    let mut here = doc;
    for step in path {
        here = match (here, step) {
            (Value::Object(o), Value::String(k)) => o.get_mut(k),
            (Value::Array(a), i) => index(i).and_then(|i| a.get_mut(i)),
            _ => None,
        }
        .ok_or_else(|| format!("the path {} does not exist", Value::Array(path.to_vec())))?;
    }
    Ok(here)
}

// --- reading a version ----------------------------------------------------------------------

/// The stored rows a version is rebuilt from: the newest full row at or below it and every
/// row after that up to it, in order of version. `$1` project, `$2` version.
pub(crate) const CHAIN: &str = "
    SELECT version, stored_as, document FROM project_versions
    WHERE project_id = $1 AND version <= $2
      AND version >= (SELECT COALESCE(MAX(version), 0) FROM project_versions
                      WHERE project_id = $1 AND version <= $2 AND stored_as = 'full')
    ORDER BY version";

/// One row of [`CHAIN`]: (version, stored_as, document).
pub(crate) type ChainRow = (i64, String, String);

fn broken(id: &str, version: i64, why: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!(
        "the stored history of project {id} cannot be read at version {version}: {why}"
    ))
}

/// Rebuilds version `version` of project `id` from its [`CHAIN`] rows.
/// [`StoreError::NotFound`] when there is no such version; [`StoreError::Corrupt`] when the
/// rows do not make a whole chain (no full row first, a version missing, a change list that
/// does not apply).
pub(crate) fn replay(id: &str, version: i64, rows: &[ChainRow]) -> Result<Value> {
    let mut docs = replay_many(id, &[version], rows)?;
    docs.pop().ok_or(StoreError::NotFound)
}

/// The rows from the newest full row at or below version `$2` up to version `$3`, in order of
/// version: enough to rebuild every version from `$2` to `$3` in one pass. `$1` project.
pub(crate) const CHAINS: &str = "
    SELECT version, stored_as, document FROM project_versions
    WHERE project_id = $1 AND version <= $3
      AND version >= (SELECT COALESCE(MAX(version), 0) FROM project_versions
                      WHERE project_id = $1 AND version <= $2 AND stored_as = 'full')
    ORDER BY version";

/// [`replay`] for the versions `wanted` (ascending, without repeats) in one pass over `rows`
/// (which start at a full row at or below the first of them): their documents, in that order.
pub(crate) fn replay_many(id: &str, wanted: &[i64], rows: &[ChainRow]) -> Result<Vec<Value>> {
    let mut out = Vec::with_capacity(wanted.len());
    let mut next = wanted.iter().copied().peekable();
    let mut doc: Option<Value> = None;
    let mut expected = rows.first().map_or(0, |r| r.0);
    for (v, stored_as, text) in rows {
        if next.peek().is_none() {
            break;
        }
        if *v != expected {
            return Err(broken(id, *v, format!("version {expected} is missing")));
        }
        expected = v + 1;
        let parsed: Value = serde_json::from_str(text)
            .map_err(|e| broken(id, *v, format!("the stored text is not JSON: {e}")))?;
        match (stored_as.as_str(), doc.as_mut()) {
            ("full", _) => doc = Some(parsed),
            ("delta", Some(d)) => apply(d, &parsed).map_err(|e| broken(id, *v, e))?,
            ("delta", None) => {
                return Err(broken(id, *v, "no full copy comes before this change"));
            }
            (other, _) => return Err(broken(id, *v, format!("unknown storage '{other}'"))),
        }
        if next.peek() == Some(v) {
            next.next();
            out.push(doc.clone().ok_or_else(|| broken(id, *v, "no rows"))?);
        }
    }
    // A wanted version past the last row, or between rows that were skipped, does not exist.
    if next.peek().is_some() {
        return Err(StoreError::NotFound);
    }
    Ok(out)
}

/// How a new version is stored: `None` whole (a snapshot position, or when the change list
/// would not be shorter than the document), else the change list's text.
pub(crate) fn delta_text(
    version: i64,
    old: &Value,
    new: &Value,
    new_len: usize,
) -> Result<Option<String>> {
    if is_snapshot_position(version) {
        return Ok(None);
    }
    let text = serde_json::to_string(&diff(old, new))
        .map_err(|e| StoreError::Invalid(format!("the change cannot be written as JSON: {e}")))?;
    Ok((text.len() < new_len).then_some(text))
}

// --- converting a database of full copies ----------------------------------------------------

/// The description of the migration that stores versions as changes; the runner converts the
/// existing rows right after that migration's SQL (matched by description, which stays when
/// migrations are renumbered).
pub(crate) const VERSIONS_AS_CHANGES: &str =
    "project versions stored as changes; autosaves folded into history entries";

/// The rows of one project (version, full JSON), in order of version, that become changes:
/// (version, change list). A row stays whole at a snapshot position, after a missing version,
/// when it or its predecessor does not read as JSON (it reads, or fails, as before), and when
/// the change would not be shorter.
pub(crate) fn as_changes(rows: &[(i64, String)]) -> Vec<(i64, String)> {
    let mut out = Vec::new();
    let mut previous: Option<(i64, Value)> = None;
    for (version, text) in rows {
        let value: Option<Value> = serde_json::from_str(text).ok();
        if let (Some((pv, old)), Some(new)) = (&previous, &value)
            && *pv + 1 == *version
            && let Ok(Some(delta)) = delta_text(*version, old, new, text.len())
        {
            out.push((*version, delta));
        }
        previous = value.map(|v| (*version, v));
    }
    out
}

/// Converts every project's full copies to changes ([`as_changes`]) inside the migration
/// transaction `$tx`. A macro so that the same text compiles for each backend's transaction
/// (as the store's `dispatch!` does); it is run once, when the migration is applied.
macro_rules! convert_versions {
    ($tx:ident) => {{
        let projects: Vec<String> =
            sqlx::query_scalar("SELECT DISTINCT project_id FROM project_versions")
                .fetch_all(&mut *$tx)
                .await?;
        for project in &projects {
            let rows: Vec<(i64, String)> = sqlx::query_as(
                "SELECT version, document FROM project_versions
                 WHERE project_id = $1 ORDER BY version",
            )
            .bind(project)
            .fetch_all(&mut *$tx)
            .await?;
            for (version, delta) in $crate::history::as_changes(&rows) {
                sqlx::query(
                    "UPDATE project_versions SET document = $1, stored_as = 'delta'
                     WHERE project_id = $2 AND version = $3",
                )
                .bind(delta)
                .bind(project)
                .bind(version)
                .execute(&mut *$tx)
                .await?;
            }
        }
    }};
}
pub(crate) use convert_versions;

/// A value as an object, for the tests' generators.
#[cfg(test)]
fn object(pairs: &[(&str, Value)]) -> Value {
    let mut m = serde_json::Map::new();
    for (k, v) in pairs {
        m.insert((*k).to_owned(), v.clone());
    }
    Value::Object(m)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    fn round_trip(old: &Value, new: &Value) {
        let d = diff(old, new);
        let mut doc = old.clone();
        apply(&mut doc, &d).unwrap();
        assert_eq!(&doc, new, "change list {d}");
    }

    #[test]
    fn one_field_is_one_small_operation() {
        let old = json!({"activities": [{"id": "a", "days": 5}, {"id": "b", "days": 3}]});
        let new = json!({"activities": [{"id": "a", "days": 5}, {"id": "b", "days": 4}]});
        assert_eq!(
            diff(&old, &new),
            json!([["=", ["activities", 1, "days"], 4]])
        );
        round_trip(&old, &new);
        assert_eq!(diff(&old, &old), json!([]));
    }

    #[test]
    fn nulls_removed_keys_and_splices_round_trip() {
        let old = json!({"a": 1, "b": [1, 2, 3, 4], "c": {"d": null}});
        let new = json!({"a": null, "b": [1, 9, 4, 5, 6], "c": {}, "e": [null]});
        round_trip(&old, &new);
        round_trip(&new, &old);
        round_trip(&old, &json!(null));
        round_trip(&json!([1, 2, 3]), &json!([3]));
        round_trip(&json!([1, 2, 3]), &json!([]));
        round_trip(&json!([]), &json!([1, {"x": null}]));
    }

    #[test]
    fn a_broken_change_list_is_an_error_not_a_panic() {
        let mut doc = json!({"a": [1, 2]});
        for bad in [
            json!({"not": "a list"}),
            json!([["?", []]]),
            json!([["=", ["a", 5], 1]]),
            json!([["=", ["x", "y"], 1]]),
            json!([["-", ["b"]]]),
            json!([["-", []]]),
            json!([["~", ["a"], 1, 5, []]]),
            json!([["~", ["a"], 18446744073709551615u64, 1, []]]),
            json!([["~", ["a"], -1, 0, []]]),
            json!([["=", "a", 1]]),
            json!([[]]),
        ] {
            assert!(apply(&mut doc, &bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn replay_refuses_broken_chains() {
        let full = |v: i64, t: &str| (v, "full".to_owned(), t.to_owned());
        let delta = |v: i64, t: &str| (v, "delta".to_owned(), t.to_owned());
        let ok = [full(1, r#"{"a":1}"#), delta(2, r#"[["=",["a"],2]]"#)];
        assert_eq!(replay("p", 2, &ok).unwrap(), json!({"a": 2}));
        assert!(matches!(replay("p", 3, &ok), Err(StoreError::NotFound)));
        assert!(matches!(replay("p", 1, &[]), Err(StoreError::NotFound)));
        for bad in [
            vec![delta(2, "[]")],
            vec![full(1, "{}"), delta(3, "[]")],
            vec![full(1, "{"), delta(2, "[]")],
            vec![full(1, "{}"), delta(2, r#"[["-",["a"]]]"#)],
            vec![full(1, "{}"), (2, "zip".to_owned(), "[]".to_owned())],
        ] {
            let last = bad.last().unwrap().0;
            assert!(
                matches!(replay("p", last, &bad), Err(StoreError::Corrupt(_))),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn snapshots_bound_the_chain() {
        assert!(is_snapshot_position(1));
        assert!(!is_snapshot_position(2));
        assert!(!is_snapshot_position(SNAPSHOT_EVERY));
        assert!(is_snapshot_position(SNAPSHOT_EVERY + 1));
    }

    #[test]
    fn folding_needs_the_same_user_the_window_and_the_span() {
        let fold = AutosaveFolding {
            window: Duration::from_secs(60),
            max_span: Duration::from_secs(300),
        };
        let t0 = DateTime::<Utc>::from_timestamp(1_800_000_000, 0).unwrap();
        let secs = |s| t0 + chrono::TimeDelta::seconds(s);
        let prev = |kind: &str, by: &str, at, start, started| Previous {
            kind: Some(kind.to_owned()),
            saved_by: Some(by.to_owned()),
            saved_at: Some(at),
            entry_start: start,
            entry_started_at: Some(started),
        };
        let p = prev("autosave", "u", secs(100), 4, secs(0));
        assert_eq!(
            fold.burst(SaveKind::Autosave, Some("u"), secs(130), &p),
            Some(4)
        );
        assert_eq!(
            fold.burst(SaveKind::Explicit, Some("u"), secs(130), &p),
            None
        );
        assert_eq!(
            fold.burst(SaveKind::Autosave, Some("v"), secs(130), &p),
            None
        );
        assert_eq!(fold.burst(SaveKind::Autosave, None, secs(130), &p), None);
        assert_eq!(
            fold.burst(SaveKind::Autosave, Some("u"), secs(161), &p),
            None
        );
        assert_eq!(
            fold.burst(
                SaveKind::Autosave,
                Some("u"),
                secs(301),
                &prev("autosave", "u", secs(290), 4, secs(0))
            ),
            None
        );
        assert_eq!(
            fold.burst(
                SaveKind::Autosave,
                Some("u"),
                secs(130),
                &prev("explicit", "u", secs(100), 4, secs(0))
            ),
            None
        );
        let off = AutosaveFolding {
            window: Duration::ZERO,
            ..fold
        };
        assert_eq!(
            off.burst(SaveKind::Autosave, Some("u"), secs(130), &p),
            None
        );
    }

    /// Random JSON values of limited depth, with the shapes a project has: objects with a few
    /// known keys, arrays, `null`.
    fn value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            (-1000i64..1000).prop_map(Value::from),
            "[a-c]{0,3}".prop_map(Value::String),
        ];
        leaf.prop_recursive(4, 40, 5, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
                prop::collection::vec(
                    (prop::sample::select(vec!["a", "b", "c", "d"]), inner),
                    0..4
                )
                .prop_map(|kv| {
                    let pairs: Vec<(&str, Value)> = kv.into_iter().collect();
                    object(&pairs)
                }),
            ]
        })
    }

    proptest! {
        #[test]
        fn any_change_round_trips(old in value(), new in value()) {
            let d = diff(&old, &new);
            let mut doc = old.clone();
            prop_assert!(apply(&mut doc, &d).is_ok());
            prop_assert_eq!(doc, new);
        }
    }
}

/// The migration to changes, on databases written by the previous schema.
#[cfg(test)]
mod conversion {
    use super::*;
    use crate::Store;
    use crate::migrations::{MIGRATIONS, run, run_until};
    use crate::store::{Backend, dispatch};
    use mobiplan_core::project::file::ProjectFile;

    fn example() -> ProjectFile {
        mobiplan_core::project::parse_toml(include_str!("../../../examples/sch-riga-school.toml"))
            .expect("the example reads")
    }

    /// 75 versions of one project (two full copies' worth of changes and more, every kind of
    /// edit), as the documents that were saved.
    fn versions() -> Vec<ProjectFile> {
        let mut doc = example();
        let mut out = vec![doc.clone()];
        for i in 0..74 {
            match i % 5 {
                0 => doc.project.title = format!("Title {i}"),
                1 => doc.activities[0].title = (i % 2 == 0).then(|| format!("Course {i}")),
                2 => {
                    let mut copy = doc.activities[1].clone();
                    copy.id = format!("copy-{i}");
                    doc.activities.push(copy);
                }
                3 => {
                    doc.activities.remove(doc.activities.len() - 1);
                }
                _ => doc.people[0].name = format!("Anna {i}"),
            }
            out.push(doc.clone());
        }
        out
    }

    /// Writes `docs` as project `id`'s versions the way the previous schema did: every one a
    /// full copy.
    async fn write_old_format(backend: &Backend, id: &str, docs: &[ProjectFile]) {
        let at = crate::store::now();
        let last = serde_json::to_string(docs.last().unwrap()).unwrap();
        dispatch!(backend, pool => {
            sqlx::query(
                "INSERT INTO projects (id, title, field, call_year, document, version, created_at, updated_at)
                 VALUES ($1, 't', 'SCH', 2026, $2, $3, $4, $4)",
            )
            .bind(id).bind(&last).bind(docs.len() as i64).bind(at)
            .execute(pool).await.unwrap();
            for (i, doc) in docs.iter().enumerate() {
                sqlx::query(
                    "INSERT INTO project_versions (project_id, version, document, saved_at)
                     VALUES ($1, $2, $3, $4)",
                )
                .bind(id).bind(i as i64 + 1).bind(serde_json::to_string(doc).unwrap()).bind(at)
                .execute(pool).await.unwrap();
            }
        });
    }

    async fn converts(backend: Backend) {
        let before = MIGRATIONS
            .iter()
            .find(|m| m.description == VERSIONS_AS_CHANGES)
            .unwrap()
            .version
            - 1;
        run_until(&backend, Some(before)).await.unwrap();
        let docs = versions();
        write_old_format(&backend, "many", &docs).await;
        write_old_format(&backend, "one", &docs[..1]).await;

        run(&backend).await.unwrap();
        let store = Store::from_backend(backend);
        for (v, doc) in docs.iter().enumerate() {
            assert_eq!(
                &store.project_version("many", v as i64 + 1).await.unwrap(),
                doc,
                "version {}",
                v + 1
            );
        }
        assert_eq!(store.project_version("one", 1).await.unwrap(), docs[0]);
        let kinds: Vec<(i64, String)> = dispatch!(&store.backend, pool => {
            sqlx::query_as("SELECT version, stored_as FROM project_versions WHERE project_id = 'many' ORDER BY version")
                .fetch_all(pool).await.unwrap()
        });
        for (v, stored_as) in &kinds {
            let expected = if is_snapshot_position(*v) {
                "full"
            } else {
                "delta"
            };
            assert_eq!(stored_as, expected, "version {v}");
        }
        // Three full copies (versions 1, 33, 65) and 72 short changes: a fifth of the full
        // copies the old schema kept is generous.
        let old: usize = docs
            .iter()
            .map(|d| serde_json::to_string(d).unwrap().len())
            .sum();
        let bytes = store.project_history_bytes("many").await.unwrap();
        assert!(
            bytes * 5 < old as i64,
            "{bytes} bytes where the full copies took {old}"
        );

        // Saving on top of a converted history goes on as usual.
        let mut next = docs.last().unwrap().clone();
        next.project.title = "after the migration".into();
        store
            .save_project("many", &next, docs.len() as i64)
            .await
            .unwrap();
        assert_eq!(
            store
                .project_version("many", docs.len() as i64 + 1)
                .await
                .unwrap(),
            next
        );
        assert_eq!(
            store
                .project_version("many", docs.len() as i64)
                .await
                .unwrap(),
            *docs.last().unwrap()
        );
        store.close().await;
    }

    #[tokio::test]
    async fn sqlite_full_copies_become_changes() {
        let dir = tempfile::tempdir().unwrap();
        let pool = crate::config::open_sqlite(&dir.path().join("data"))
            .await
            .unwrap();
        converts(Backend::Sqlite(pool)).await;
    }

    /// On PostgreSQL when `DATABASE_URL` is set (in a schema of its own, dropped afterwards).
    #[tokio::test]
    async fn postgres_full_copies_become_changes() {
        use sqlx::Connection;
        let Some(url) = std::env::var("DATABASE_URL")
            .ok()
            .filter(|u| !u.trim().is_empty())
        else {
            eprintln!("SKIPPED: DATABASE_URL not set (conversion on PostgreSQL)");
            return;
        };
        let schema = format!(
            "mobiplan_conv_{}",
            crate::store::new_id()
                .unwrap()
                .to_lowercase()
                .replace('-', "_")
        );
        let mut admin = sqlx::PgConnection::connect(&url).await.unwrap();
        sqlx::raw_sql(&format!("CREATE SCHEMA {schema}"))
            .execute(&mut admin)
            .await
            .unwrap();
        let sep = if url.contains('?') { '&' } else { '?' };
        let scoped = format!("{url}{sep}options=-c%20search_path%3D{schema}");
        let pool = crate::config::open_postgres(&scoped).await.unwrap();
        let result = tokio::spawn(converts(Backend::Postgres(pool))).await;
        sqlx::raw_sql(&format!("DROP SCHEMA {schema} CASCADE"))
            .execute(&mut admin)
            .await
            .unwrap();
        if let Err(e) = result {
            std::panic::resume_unwind(e.into_panic());
        }
    }
}
