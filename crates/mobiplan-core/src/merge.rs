//! Field-level changes and the three-way merge of project documents.
//!
//! Every write of a project — a form, an autosave, the API, a delete, a restore — is the
//! change from the version its author started from (*base*) to what they want (*mine*),
//! merged onto the version stored now (*theirs*). A field changed only by me is applied, a
//! field changed only by them stays, the same field changed by both to different values is a
//! [`Conflict`] that names the field with the three values; a person resolves it field by
//! field ([`Choice`]). Nothing is ever written that its author did not change.
//!
//! Documents are compared as JSON values (the project file's own serialisation), so the merge
//! knows every field of the format — including ones a form does not show — without a line of
//! code per field. Lists merge by identity, not by position:
//! - a list whose elements are all objects with a string `id` (people, activities, visits) or
//!   all objects with a string `person` (accompanying persons) is keyed by it: adding,
//!   removing and editing different elements never conflict;
//! - a list of plain values (named participants, accreditations, quality areas) is a set:
//!   additions and removals by both sides are all applied;
//! - any other list (real costs, earlier grants) is one value: changed by both → conflict.
//!
//! A missing key and `null` mean the same (the file format omits `None`); a keyed list that is
//! missing is the empty list (the format omits empty lists).

use std::collections::BTreeMap;
use std::fmt;

use serde_json::{Map, Value};

/// One step of a path into a document.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Seg {
    /// An object's key.
    Key(String),
    /// The element of a keyed list whose `key` field (`id` or `person`) is `id`.
    Item { key: &'static str, id: String },
}

/// Where a change is: `activities[tartu].participants.count`.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Path(pub Vec<Seg>);

impl Path {
    fn child(&self, seg: Seg) -> Path {
        let mut v = self.0.clone();
        v.push(seg);
        Path(v)
    }

    /// `self` is `other` or lies above it.
    pub fn covers(&self, other: &Path) -> bool {
        other.0.len() >= self.0.len() && other.0[..self.0.len()] == self.0[..]
    }

    /// Reads the text form back (`activities[tartu].title`, `accompanying[person=anna].days`).
    pub fn parse(text: &str) -> Option<Path> {
        let mut segs = Vec::new();
        let mut rest = text;
        while !rest.is_empty() {
            if let Some(after) = rest.strip_prefix('[') {
                let end = after.find(']')?;
                let inner = &after[..end];
                let seg = match inner.strip_prefix("person=") {
                    Some(id) => Seg::Item {
                        key: "person",
                        id: id.to_owned(),
                    },
                    None => Seg::Item {
                        key: "id",
                        id: inner.to_owned(),
                    },
                };
                segs.push(seg);
                rest = &after[end + 1..];
            } else {
                let rest1 = rest.strip_prefix('.').unwrap_or(rest);
                let end = rest1.find(['.', '[']).unwrap_or(rest1.len());
                if end == 0 {
                    return None;
                }
                segs.push(Seg::Key(rest1[..end].to_owned()));
                rest = &rest1[end..];
            }
        }
        Some(Path(segs))
    }
}

impl fmt::Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, seg) in self.0.iter().enumerate() {
            match seg {
                Seg::Key(k) if i == 0 => write!(f, "{k}")?,
                Seg::Key(k) => write!(f, ".{k}")?,
                Seg::Item { key: "id", id } => write!(f, "[{id}]")?,
                Seg::Item { key, id } => write!(f, "[{key}={id}]")?,
            }
        }
        Ok(())
    }
}

impl serde::Serialize for Path {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// What happens at a path.
#[derive(Clone, Debug, PartialEq)]
pub enum Op {
    /// The value at the path becomes this one (added or changed).
    Set(Value),
    /// The key or list element is removed.
    Remove,
    /// A value joins the set-list at the path.
    Insert(Value),
    /// A value leaves the set-list at the path.
    Delete(Value),
}

/// One field-level change.
#[derive(Clone, Debug, PartialEq)]
pub struct Change {
    pub path: Path,
    pub op: Op,
}

/// The same field changed by both sides to different values.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Conflict {
    pub path: Path,
    /// The value both started from (`None`: absent).
    pub base: Option<Value>,
    /// The value stored now.
    pub theirs: Option<Value>,
    /// The value the writer wants.
    pub mine: Option<Value>,
}

/// A person's decision on one conflicting field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Choice {
    Theirs,
    Mine,
}

impl Choice {
    pub fn parse(s: &str) -> Option<Choice> {
        match s {
            "theirs" => Some(Choice::Theirs),
            "mine" => Some(Choice::Mine),
            _ => None,
        }
    }
}

fn is_absent(v: Option<&Value>) -> bool {
    matches!(v, None | Some(Value::Null))
}

/// Which field keys the list's elements, if every element has one.
fn list_key(lists: &[&[Value]]) -> Option<&'static str> {
    ["id", "person"].into_iter().find(|key| {
        lists.iter().all(|l| {
            let mut seen = std::collections::HashSet::new();
            l.iter().all(|e| {
                e.get(key)
                    .and_then(Value::as_str)
                    .is_some_and(|id| seen.insert(id.to_owned()))
            })
        })
    })
}

fn is_set_list(lists: &[&[Value]]) -> bool {
    lists.iter().all(|l| {
        l.iter()
            .all(|e| !matches!(e, Value::Object(_) | Value::Array(_) | Value::Null))
    })
}

fn item_id<'a>(e: &'a Value, key: &str) -> &'a str {
    e.get(key).and_then(Value::as_str).unwrap_or_default()
}

/// The field-level changes from `base` to `new`.
pub fn diff(base: &Value, new: &Value) -> Vec<Change> {
    let mut out = Vec::new();
    diff_at(&Path::default(), Some(base), Some(new), &mut out);
    out
}

fn diff_at(path: &Path, base: Option<&Value>, new: Option<&Value>, out: &mut Vec<Change>) {
    match (base, new) {
        (b, n) if is_absent(b) && is_absent(n) => {}
        // An object that appears is its fields appearing: two people who each add a part of a
        // new section (two records of a new `[implementation]`) do not conflict.
        (b, Some(Value::Object(n))) if is_absent(b) => {
            for (k, nv) in n {
                diff_at(&path.child(Seg::Key(k.clone())), None, Some(nv), out);
            }
        }
        (Some(Value::Object(b)), Some(Value::Object(n))) => {
            for (k, bv) in b {
                diff_at(&path.child(Seg::Key(k.clone())), Some(bv), n.get(k), out);
            }
            for (k, nv) in n {
                if !b.contains_key(k) {
                    diff_at(&path.child(Seg::Key(k.clone())), None, Some(nv), out);
                }
            }
        }
        (b, n) => {
            fn as_list(v: Option<&Value>) -> Option<&[Value]> {
                match v {
                    Some(Value::Array(a)) => Some(a.as_slice()),
                    v if is_absent(v) => Some(&[]),
                    _ => None,
                }
            }
            // Keyed lists: a missing one is the empty list (the format omits empty lists).
            if let (Some(bl), Some(nl)) = (as_list(b), as_list(n))
                && (!bl.is_empty() || !nl.is_empty())
                && bl.first().or(nl.first()).is_some_and(Value::is_object)
                && let Some(key) = list_key(&[bl, nl])
            {
                for be in bl {
                    let id = item_id(be, key);
                    let seg = Seg::Item {
                        key,
                        id: id.to_owned(),
                    };
                    let ne = nl.iter().find(|e| item_id(e, key) == id);
                    match ne {
                        Some(ne) => diff_at(&path.child(seg), Some(be), Some(ne), out),
                        None => out.push(Change {
                            path: path.child(seg),
                            op: Op::Remove,
                        }),
                    }
                }
                for ne in nl {
                    let id = item_id(ne, key);
                    if !bl.iter().any(|e| item_id(e, key) == id) {
                        out.push(Change {
                            path: path.child(Seg::Item {
                                key,
                                id: id.to_owned(),
                            }),
                            op: Op::Set(ne.clone()),
                        });
                    }
                }
                return;
            }
            // Set-lists, when both sides are lists (a list appearing or disappearing is a
            // change of the whole value: `names` present or not means two ways of counting).
            if let (Some(Value::Array(bl)), Some(Value::Array(nl))) = (b, n)
                && is_set_list(&[bl, nl])
            {
                for be in bl {
                    if !nl.contains(be) {
                        out.push(Change {
                            path: path.clone(),
                            op: Op::Delete(be.clone()),
                        });
                    }
                }
                for ne in nl {
                    if !bl.contains(ne) {
                        out.push(Change {
                            path: path.clone(),
                            op: Op::Insert(ne.clone()),
                        });
                    }
                }
                return;
            }
            if b != n {
                out.push(Change {
                    path: path.clone(),
                    op: match n {
                        Some(v) if !v.is_null() => Op::Set(v.clone()),
                        _ => Op::Remove,
                    },
                });
            }
        }
    }
}

/// The value at `path`, if any.
pub fn get<'a>(doc: &'a Value, path: &Path) -> Option<&'a Value> {
    let mut at = doc;
    for seg in &path.0 {
        at = match seg {
            Seg::Key(k) => at.get(k)?,
            Seg::Item { key, id } => at
                .as_array()?
                .iter()
                .find(|e| e.get(*key).and_then(Value::as_str) == Some(id.as_str()))?,
        };
        if at.is_null() {
            return None;
        }
    }
    Some(at)
}

/// The slot at `path`, made on the way where missing (objects for keys, a list for an item).
fn slot<'a>(doc: &'a mut Value, segs: &[Seg]) -> Option<&'a mut Value> {
    let Some((seg, rest)) = segs.split_first() else {
        return Some(doc);
    };
    let next = match seg {
        Seg::Key(k) => {
            if !doc.is_object() {
                *doc = Value::Object(Map::new());
            }
            doc.as_object_mut()?.entry(k.clone()).or_insert(Value::Null)
        }
        Seg::Item { key, id } => {
            if !doc.is_array() {
                *doc = Value::Array(Vec::new());
            }
            let list = doc.as_array_mut()?;
            let pos = list
                .iter()
                .position(|e| e.get(*key).and_then(Value::as_str) == Some(id.as_str()));
            let pos = match pos {
                Some(p) => p,
                None => {
                    let mut fresh = Map::new();
                    fresh.insert((*key).to_owned(), Value::String(id.clone()));
                    list.push(Value::Object(fresh));
                    list.len() - 1
                }
            };
            &mut list[pos]
        }
    };
    slot(next, rest)
}

fn remove(doc: &mut Value, path: &Path) {
    let Some((last, parent)) = path.0.split_last() else {
        *doc = Value::Null;
        return;
    };
    let mut at = doc;
    for seg in parent {
        let next = match seg {
            Seg::Key(k) => at.get_mut(k),
            Seg::Item { key, id } => at.as_array_mut().and_then(|l| {
                l.iter_mut()
                    .find(|e| e.get(*key).and_then(Value::as_str) == Some(id.as_str()))
            }),
        };
        match next {
            Some(n) => at = n,
            None => return,
        }
    }
    match last {
        Seg::Key(k) => {
            if let Some(o) = at.as_object_mut() {
                o.remove(k);
            }
        }
        Seg::Item { key, id } => {
            if let Some(l) = at.as_array_mut() {
                l.retain(|e| e.get(*key).and_then(Value::as_str) != Some(id.as_str()));
            }
        }
    }
}

/// Applies changes in order.
pub fn apply(doc: &mut Value, changes: &[Change]) {
    for c in changes {
        apply_one(doc, c);
    }
}

fn apply_one(doc: &mut Value, c: &Change) {
    match &c.op {
        Op::Remove => remove(doc, &c.path),
        Op::Set(v) => {
            if let Some(s) = slot(doc, &c.path.0) {
                *s = v.clone();
            }
        }
        Op::Insert(v) => {
            if let Some(s) = slot(doc, &c.path.0) {
                if !s.is_array() {
                    *s = Value::Array(Vec::new());
                }
                if let Some(l) = s.as_array_mut()
                    && !l.contains(v)
                {
                    l.push(v.clone());
                }
            }
        }
        Op::Delete(v) => {
            if let Some(Value::Array(l)) = slot(doc, &c.path.0) {
                l.retain(|e| e != v);
            }
        }
    }
}

/// Sets the value at `path` to `value` (`None`: removes it).
pub fn put(doc: &mut Value, path: &Path, value: Option<&Value>) {
    match value {
        Some(v) => apply_one(
            doc,
            &Change {
                path: path.clone(),
                op: Op::Set(v.clone()),
            },
        ),
        None => remove(doc, path),
    }
}

fn overlaps(a: &Path, b: &Path) -> bool {
    a.covers(b) || b.covers(a)
}

fn is_set_op(op: &Op) -> bool {
    matches!(op, Op::Insert(_) | Op::Delete(_))
}

/// The three-way merge: `mine`'s changes from `base` applied onto `theirs`. Fields changed by
/// both to different values are conflicts unless `choices` (by the field's path) decides them.
/// `Ok` holds the merged document; `Err` every conflict still open, ordered by path.
pub fn merge(
    base: &Value,
    theirs: &Value,
    mine: &Value,
    choices: &BTreeMap<Path, Choice>,
) -> Result<Value, Vec<Conflict>> {
    let their_changes = diff(base, theirs);
    let my_changes = diff(base, mine);
    let mut result = theirs.clone();
    let mut open: BTreeMap<Path, Conflict> = BTreeMap::new();
    let mut chosen_mine: Vec<Path> = Vec::new();
    for m in &my_changes {
        let against: Vec<&Change> = their_changes
            .iter()
            .filter(|t| overlaps(&t.path, &m.path))
            .collect();
        let independent = against.is_empty()
            // Set-lists: both sides' additions and removals all hold.
            || (is_set_op(&m.op)
                && against.iter().all(|t| is_set_op(&t.op) && t.path == m.path))
            // The same change made twice.
            || (against.len() == 1 && against[0] == m);
        if independent {
            apply_one(&mut result, m);
            continue;
        }
        // The conflict is about the widest of the paths involved.
        let path = against
            .iter()
            .map(|t| &t.path)
            .chain(std::iter::once(&m.path))
            .min_by_key(|p| p.0.len())
            .cloned()
            .unwrap_or_default();
        let (t_val, m_val) = (get(theirs, &path), get(mine, &path));
        if t_val == m_val {
            continue;
        }
        match choices.get(&path) {
            Some(Choice::Theirs) => {}
            Some(Choice::Mine) => {
                if !chosen_mine.contains(&path) {
                    chosen_mine.push(path);
                }
            }
            None => {
                open.entry(path.clone()).or_insert_with(|| Conflict {
                    base: get(base, &path).cloned(),
                    theirs: t_val.cloned(),
                    mine: m_val.cloned(),
                    path,
                });
            }
        }
    }
    // A field kept as mine takes my whole value there, over their changes inside it.
    for path in &chosen_mine {
        put(&mut result, path, get(mine, path));
    }
    if open.is_empty() {
        Ok(result)
    } else {
        Err(open.into_values().collect())
    }
}

/// Paths of a list of conflicts whose stored value moved on since the person saw it: a choice
/// made against `seen` does not count for a field whose value in `now` is different.
pub fn still_valid(choices: &mut BTreeMap<Path, Choice>, seen: &Value, now: &Value) {
    choices.retain(|path, _| get(seen, path) == get(now, path));
}

/// RFC 7396 JSON Merge Patch: `patch` applied onto `target`.
pub fn merge_patch(target: &mut Value, patch: &Value) {
    match patch {
        Value::Object(p) => {
            if !target.is_object() {
                *target = Value::Object(Map::new());
            }
            if let Some(t) = target.as_object_mut() {
                for (k, v) in p {
                    if v.is_null() {
                        t.remove(k);
                    } else {
                        merge_patch(t.entry(k.clone()).or_insert(Value::Null), v);
                    }
                }
            }
        }
        other => *target = other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn no_choice() -> BTreeMap<Path, Choice> {
        BTreeMap::new()
    }

    #[test]
    fn paths_print_and_parse_back() {
        for text in [
            "project.title",
            "activities[tartu].participants.count",
            "activities[a-1].accompanying[person=anna].days",
            "people",
        ] {
            let p = Path::parse(text).unwrap();
            assert_eq!(p.to_string(), text);
        }
        assert_eq!(Path::parse(""), Some(Path::default()));
        assert_eq!(Path::parse("a..b"), None);
    }

    #[test]
    fn different_fields_merge() {
        let base = json!({"project": {"title": "A", "round": 1}});
        let theirs = json!({"project": {"title": "B", "round": 1}});
        let mine = json!({"project": {"title": "A", "round": 2}});
        let merged = merge(&base, &theirs, &mine, &no_choice()).unwrap();
        assert_eq!(merged, json!({"project": {"title": "B", "round": 2}}));
    }

    #[test]
    fn the_same_field_is_a_conflict_with_three_values_until_chosen() {
        let base = json!({"project": {"title": "A"}});
        let theirs = json!({"project": {"title": "B"}});
        let mine = json!({"project": {"title": "C"}});
        let err = merge(&base, &theirs, &mine, &no_choice()).unwrap_err();
        assert_eq!(err.len(), 1);
        assert_eq!(err[0].path.to_string(), "project.title");
        assert_eq!(err[0].base, Some(json!("A")));
        assert_eq!(err[0].theirs, Some(json!("B")));
        assert_eq!(err[0].mine, Some(json!("C")));
        let path = Path::parse("project.title").unwrap();
        let keep = BTreeMap::from([(path.clone(), Choice::Theirs)]);
        assert_eq!(merge(&base, &theirs, &mine, &keep).unwrap(), theirs);
        let use_mine = BTreeMap::from([(path, Choice::Mine)]);
        assert_eq!(merge(&base, &theirs, &mine, &use_mine).unwrap(), mine);
    }

    #[test]
    fn keyed_lists_merge_by_id_not_position() {
        let base = json!({"people": [{"id": "a", "name": "A"}, {"id": "b", "name": "B"}]});
        // They remove a (b moves to position 0); I rename b.
        let theirs = json!({"people": [{"id": "b", "name": "B"}]});
        let mine = json!({"people": [{"id": "a", "name": "A"}, {"id": "b", "name": "Bee"}]});
        let merged = merge(&base, &theirs, &mine, &no_choice()).unwrap();
        assert_eq!(merged, json!({"people": [{"id": "b", "name": "Bee"}]}));
        // Both add a person to a project that had none (the format omits the empty list).
        let base = json!({});
        let theirs = json!({"people": [{"id": "x"}]});
        let mine = json!({"people": [{"id": "y"}]});
        let merged = merge(&base, &theirs, &mine, &no_choice()).unwrap();
        assert_eq!(merged, json!({"people": [{"id": "x"}, {"id": "y"}]}));
    }

    #[test]
    fn deleting_what_the_other_changed_is_a_conflict() {
        let base = json!({"activities": [{"id": "t", "title": "T"}]});
        let theirs = json!({"activities": [{"id": "t", "title": "T2"}]});
        let mine = json!({"activities": []});
        let err = merge(&base, &theirs, &mine, &no_choice()).unwrap_err();
        assert_eq!(err[0].path.to_string(), "activities[t]");
        assert_eq!(err[0].mine, None);
        // And the other way round.
        let err = merge(&base, &mine, &theirs, &no_choice()).unwrap_err();
        assert_eq!(err[0].path.to_string(), "activities[t]");
        assert_eq!(err[0].theirs, None);
    }

    #[test]
    fn parts_of_a_new_section_added_by_both_merge() {
        let base = json!({"a": 1});
        let theirs =
            json!({"a": 1, "implementation": {"activities": {"x": {"status": "confirmed"}}}});
        let mine =
            json!({"a": 1, "implementation": {"activities": {"y": {"status": "cancelled"}}}});
        let merged = merge(&base, &theirs, &mine, &no_choice()).unwrap();
        assert_eq!(
            merged["implementation"]["activities"]["x"]["status"],
            "confirmed"
        );
        assert_eq!(
            merged["implementation"]["activities"]["y"]["status"],
            "cancelled"
        );
    }

    #[test]
    fn set_lists_take_both_sides_additions_and_removals() {
        let base = json!({"names": ["a", "b"]});
        let theirs = json!({"names": ["a", "b", "c"]});
        let mine = json!({"names": ["b", "d"]});
        let merged = merge(&base, &theirs, &mine, &no_choice()).unwrap();
        assert_eq!(merged, json!({"names": ["b", "c", "d"]}));
    }

    #[test]
    fn unkeyed_lists_are_one_value() {
        let base = json!({"real_costs": [{"amount": 1}]});
        let theirs = json!({"real_costs": [{"amount": 2}]});
        let mine = json!({"real_costs": [{"amount": 3}]});
        let err = merge(&base, &theirs, &mine, &no_choice()).unwrap_err();
        assert_eq!(err[0].path.to_string(), "real_costs");
    }

    #[test]
    fn equal_results_are_no_conflict_and_absent_equals_null() {
        let base = json!({"a": 1, "b": null});
        let theirs = json!({"a": 2});
        let mine = json!({"a": 2, "b": null});
        assert_eq!(merge(&base, &theirs, &mine, &no_choice()).unwrap(), theirs);
        assert!(diff(&json!({"x": null}), &json!({})).is_empty());
    }

    #[test]
    fn stale_choices_are_dropped() {
        let seen = json!({"t": "B"});
        let now = json!({"t": "B2"});
        let mut choices = BTreeMap::from([(Path::parse("t").unwrap(), Choice::Mine)]);
        still_valid(&mut choices, &seen, &now);
        assert!(choices.is_empty());
    }

    #[test]
    fn diff_then_apply_gives_the_new_document() {
        let base = json!({"p": {"x": 1, "y": [1, 2]}, "people": [{"id": "a", "n": 1}], "z": true});
        let new =
            json!({"p": {"y": [2, 3], "w": "v"}, "people": [{"id": "b"}, {"id": "a", "n": 2}]});
        let mut doc = base.clone();
        apply(&mut doc, &diff(&base, &new));
        assert!(diff(&doc, &new).is_empty(), "{doc}");
    }

    #[test]
    fn merge_patch_follows_rfc_7396() {
        // The RFC's own example (section 3).
        let mut target = json!({"a": "b", "c": {"d": "e", "f": "g"}});
        merge_patch(&mut target, &json!({"a": "z", "c": {"f": null}}));
        assert_eq!(target, json!({"a": "z", "c": {"d": "e"}}));
    }
}
