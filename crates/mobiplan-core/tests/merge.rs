//! Model-based properties of the three-way merge: two people edit the same version of a
//! project-shaped document at random; merged in either order, the result holds every change
//! of both, or the merge names the fields both changed to different values — never a silent
//! loss. Choosing a side for every conflict always gives a document with that side's values
//! there and both people's other changes.

use std::collections::BTreeMap;

use mobiplan_core::merge::{Change, Choice, Op, Path, diff, get, merge};
use proptest::prelude::*;
use serde_json::{Value, json};

/// One edit a person can make, as the forms and the API make them.
#[derive(Clone, Debug)]
enum Edit {
    /// A field of the project section.
    Title(u8),
    Round(u8),
    /// A field of an existing activity (by its position among the base's activities).
    ActivityCount(usize, u8),
    ActivityTitle(usize, u8),
    /// A new activity whose id the person's editor derived from its title.
    AddActivity(u8),
    RemoveActivity(usize),
    /// A named participant added to or removed from an activity.
    AddName(usize, u8),
    RemoveName(usize, u8),
    /// A whole unkeyed list (real costs) replaced.
    Costs(u8),
    /// An accompanying person's days.
    AccompanyingDays(usize, u8),
    /// A field removed (an optional value cleared).
    ClearMentor(usize),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (0u8..4).prop_map(Edit::Title),
        (1u8..4).prop_map(Edit::Round),
        (0usize..3, 1u8..5).prop_map(|(i, n)| Edit::ActivityCount(i, n)),
        (0usize..3, 0u8..3).prop_map(|(i, n)| Edit::ActivityTitle(i, n)),
        (0u8..3).prop_map(Edit::AddActivity),
        (0usize..3).prop_map(Edit::RemoveActivity),
        (0usize..3, 0u8..4).prop_map(|(i, n)| Edit::AddName(i, n)),
        (0usize..3, 0u8..4).prop_map(|(i, n)| Edit::RemoveName(i, n)),
        (0u8..3).prop_map(Edit::Costs),
        (0usize..3, 1u8..4).prop_map(|(i, n)| Edit::AccompanyingDays(i, n)),
        (0usize..3).prop_map(Edit::ClearMentor),
    ]
}

fn base() -> Value {
    json!({
        "format": 1,
        "project": {"title": "Base", "round": 1, "call_year": 2026},
        "people": [{"id": "anna", "name": "Anna"}, {"id": "juris", "name": "Juris"}],
        "activities": [
            {"id": "a0", "title": "Tartu", "participants": {"count": 2}, "mentor": "M",
             "accompanying": [{"person": "anna", "days": 5}]},
            {"id": "a1", "title": "Gent", "participants": {"names": ["anna", "juris"]},
             "real_costs": [{"amount": 100, "description": "ramp"}]},
            {"id": "a2", "title": "Porto", "participants": {"count": 10}, "mentor": "N"}
        ]
    })
}

fn activity(doc: &mut Value, i: usize) -> Option<&mut Value> {
    doc["activities"].as_array_mut()?.get_mut(i)
}

fn apply_edit(doc: &mut Value, e: &Edit) {
    match e {
        Edit::Title(n) => doc["project"]["title"] = json!(format!("Title {n}")),
        Edit::Round(n) => doc["project"]["round"] = json!(n),
        Edit::ActivityCount(i, n) => {
            if let Some(a) = activity(doc, *i)
                && a["participants"].get("count").is_some()
            {
                a["participants"]["count"] = json!(n);
            }
        }
        Edit::ActivityTitle(i, n) => {
            if let Some(a) = activity(doc, *i) {
                a["title"] = json!(format!("Activity {n}"));
            }
        }
        Edit::AddActivity(n) => {
            let id = format!("new-{n}");
            let list = doc["activities"].as_array_mut().unwrap();
            if !list.iter().any(|a| a["id"] == id) {
                list.push(
                    json!({"id": id, "title": format!("New {n}"), "participants": {"count": 1}}),
                );
            }
        }
        Edit::RemoveActivity(i) => {
            let list = doc["activities"].as_array_mut().unwrap();
            if *i < list.len() {
                list.remove(*i);
            }
        }
        Edit::AddName(i, n) => {
            if let Some(a) = activity(doc, *i)
                && let Some(names) = a["participants"]
                    .get_mut("names")
                    .and_then(Value::as_array_mut)
            {
                let name = json!(format!("p{n}"));
                if !names.contains(&name) {
                    names.push(name);
                }
            }
        }
        Edit::RemoveName(i, n) => {
            if let Some(a) = activity(doc, *i)
                && let Some(names) = a["participants"]
                    .get_mut("names")
                    .and_then(Value::as_array_mut)
            {
                let name = format!("p{n}");
                names.retain(|x| x != &json!(name) && !(n % 2 == 0 && x == "anna"));
            }
        }
        Edit::Costs(n) => {
            if let Some(a) = activity(doc, 1) {
                a["real_costs"] = json!([{"amount": 100 + u32::from(*n), "description": "ramp"}]);
            }
        }
        Edit::AccompanyingDays(i, n) => {
            if let Some(a) = activity(doc, *i)
                && let Some(list) = a.get_mut("accompanying").and_then(Value::as_array_mut)
                && let Some(first) = list.first_mut()
            {
                first["days"] = json!(n);
            }
        }
        Edit::ClearMentor(i) => {
            if let Some(a) = activity(doc, *i).and_then(Value::as_object_mut) {
                a.remove("mentor");
            }
        }
    }
}

fn edited(edits: &[Edit]) -> Value {
    let mut doc = base();
    for e in edits {
        apply_edit(&mut doc, e);
    }
    doc
}

/// Whether the change `c` (made on the base) holds in `doc`.
fn holds(doc: &Value, c: &Change) -> bool {
    match &c.op {
        Op::Set(v) => get(doc, &c.path) == Some(v),
        Op::Remove => get(doc, &c.path).is_none(),
        Op::Insert(v) => get(doc, &c.path)
            .and_then(Value::as_array)
            .is_some_and(|l| l.contains(v)),
        Op::Delete(v) => !get(doc, &c.path)
            .and_then(Value::as_array)
            .is_some_and(|l| l.contains(v)),
    }
}

fn overlaps(a: &Path, b: &Path) -> bool {
    a.covers(b) || b.covers(a)
}

/// The same document whatever the order of its lists (merging in the other order appends
/// the other side's additions first).
fn normal(v: &Value) -> Value {
    match v {
        Value::Object(o) => Value::Object(o.iter().map(|(k, v)| (k.clone(), normal(v))).collect()),
        Value::Array(l) => {
            let mut items: Vec<Value> = l.iter().map(normal).collect();
            items.sort_by_key(|e| e.to_string());
            Value::Array(items)
        }
        other => other.clone(),
    }
}

fn none() -> BTreeMap<Path, Choice> {
    BTreeMap::new()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    /// Both changes applied, or an explicit conflict naming fields both changed — in either
    /// order, with the same outcome.
    #[test]
    fn never_a_silent_loss(
        a in prop::collection::vec(edit(), 0..5),
        b in prop::collection::vec(edit(), 0..5),
    ) {
        let (base, theirs, mine) = (base(), edited(&a), edited(&b));
        let their_changes = diff(&base, &theirs);
        let my_changes = diff(&base, &mine);
        let one = merge(&base, &theirs, &mine, &none());
        let other = merge(&base, &mine, &theirs, &none());
        match (&one, &other) {
            (Ok(m1), Ok(m2)) => {
                for c in their_changes.iter().chain(&my_changes) {
                    prop_assert!(holds(m1, c), "lost {c:?} in {m1}");
                }
                prop_assert_eq!(normal(m1), normal(m2));
            }
            (Err(c1), Err(c2)) => {
                let p1: Vec<String> = c1.iter().map(|c| c.path.to_string()).collect();
                let p2: Vec<String> = c2.iter().map(|c| c.path.to_string()).collect();
                prop_assert_eq!(&p1, &p2, "the same fields conflict in either order");
                for c in c1 {
                    prop_assert!(their_changes.iter().any(|t| overlaps(&t.path, &c.path)));
                    prop_assert!(my_changes.iter().any(|m| overlaps(&m.path, &c.path)));
                    prop_assert_ne!(&c.theirs, &c.mine, "a conflict has two different values");
                    prop_assert_eq!(c.theirs.as_ref(), get(&theirs, &c.path));
                    prop_assert_eq!(c.mine.as_ref(), get(&mine, &c.path));
                    prop_assert_eq!(c.base.as_ref(), get(&base, &c.path));
                }
            }
            _ => prop_assert!(false, "one order merged, the other did not: {one:?} / {other:?}"),
        }
    }

    /// Deciding every conflict gives a document: the chosen side's value at each conflicting
    /// field, and every change of either side that is outside the conflicts.
    #[test]
    fn choices_decide_exactly_the_conflicting_fields(
        a in prop::collection::vec(edit(), 1..5),
        b in prop::collection::vec(edit(), 1..5),
        pick_mine in any::<bool>(),
    ) {
        let (base, theirs, mine) = (base(), edited(&a), edited(&b));
        if let Err(conflicts) = merge(&base, &theirs, &mine, &none()) {
            let choice = if pick_mine { Choice::Mine } else { Choice::Theirs };
            let choices: BTreeMap<Path, Choice> =
                conflicts.iter().map(|c| (c.path.clone(), choice)).collect();
            let merged = merge(&base, &theirs, &mine, &choices);
            prop_assert!(merged.is_ok(), "{merged:?}");
            let merged = merged.unwrap();
            for c in &conflicts {
                let want = if pick_mine { get(&mine, &c.path) } else { get(&theirs, &c.path) };
                prop_assert_eq!(get(&merged, &c.path), want, "{}", c.path);
            }
            let outside = |ch: &Change| !conflicts.iter().any(|c| overlaps(&c.path, &ch.path));
            for ch in diff(&base, &theirs).iter().chain(&diff(&base, &mine)).filter(|ch| outside(ch)) {
                prop_assert!(holds(&merged, ch), "lost {ch:?}");
            }
        }
    }
}

/// The story of the issue: one changes the title, the other the number of participants of
/// the same activity — both kept; both change the number — a conflict naming it.
#[test]
fn two_windows_on_one_activity() {
    let base = base();
    let mut w1 = base.clone();
    w1["activities"][0]["title"] = json!("Tartu job shadowing");
    let mut w2 = base.clone();
    w2["activities"][0]["participants"]["count"] = json!(3);
    let merged = merge(&base, &w1, &w2, &none()).unwrap();
    assert_eq!(merged["activities"][0]["title"], "Tartu job shadowing");
    assert_eq!(merged["activities"][0]["participants"]["count"], 3);

    let mut w1b = w1.clone();
    w1b["activities"][0]["participants"]["count"] = json!(4);
    let conflicts = merge(&base, &w1b, &w2, &none()).unwrap_err();
    assert_eq!(conflicts.len(), 1);
    assert_eq!(
        conflicts[0].path.to_string(),
        "activities[a0].participants.count"
    );
    assert_eq!(conflicts[0].theirs, Some(json!(4)));
    assert_eq!(conflicts[0].mine, Some(json!(3)));
}
