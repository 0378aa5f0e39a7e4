//! Field-level changes and conflicts as people read them: each field named by its place in the
//! project ("Activity «Tartu job shadowing» › Participants › Number") and its values in words,
//! never as a file path or raw JSON.

use maud::{Markup, html};
use mobiplan_core::merge::{Change, Conflict, Op, Path, Seg};
use serde_json::Value;

use crate::handlers::{CHOICE_PREFIX, Conflicted, SEEN_VERSION};
use crate::i18n::{Lang, t, tr};

/// The label of one key of the project file (`path.<key>`), the key itself when there is none.
fn key_label(lang: Lang, key: &str) -> String {
    let k = format!("path.{key}");
    if mobiplan_i18n::has(&k) {
        t(lang, &k)
    } else {
        key.to_owned()
    }
}

/// How a list's element is called: its title or name where it has one, else its id.
fn item_name(list: Option<&Value>, key: &str, id: &str) -> String {
    let found = list.and_then(Value::as_array).and_then(|l| {
        l.iter()
            .find(|e| e.get(key).and_then(Value::as_str) == Some(id))
    });
    found
        .and_then(|e| {
            ["title", "name"]
                .iter()
                .find_map(|k| e.get(*k).and_then(Value::as_str))
        })
        .map(|s| format!("«{s}»"))
        .unwrap_or_else(|| format!("«{id}»"))
}

/// Where a field is, in words. Elements of lists are named from whichever document has them.
pub fn path_label(lang: Lang, docs: &[&Value], path: &Path) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut at: Vec<Option<&Value>> = docs.iter().map(|d| Some(*d)).collect();
    for seg in &path.0 {
        match seg {
            Seg::Key(k) => {
                // Keys of maps (implementation records by activity id) have no label and
                // show as they are.
                parts.push(key_label(lang, k));
                at = at.iter().map(|d| d.and_then(|d| d.get(k))).collect();
            }
            Seg::Item { key, id } => {
                let list = at.iter().flatten().find(|l| {
                    l.as_array().is_some_and(|l| {
                        l.iter()
                            .any(|e| e.get(*key).and_then(Value::as_str) == Some(id))
                    })
                });
                let name = item_name(list.copied(), key, id);
                // "Activities › «Tartu»" reads better as "Activity «Tartu»".
                match parts.pop() {
                    Some(list_label) => {
                        let single = path_item_label(lang, path, seg).unwrap_or(list_label);
                        parts.push(format!("{single} {name}"));
                    }
                    None => parts.push(name),
                }
                at = at
                    .iter()
                    .map(|l| {
                        l.and_then(Value::as_array).and_then(|l| {
                            l.iter()
                                .find(|e| e.get(*key).and_then(Value::as_str) == Some(id))
                        })
                    })
                    .collect();
            }
        }
    }
    if parts.is_empty() {
        t(lang, "web.merge.whole-project")
    } else {
        parts.join(" › ")
    }
}

/// The singular of the list an item belongs to (`path.item.<list key>`).
fn path_item_label(lang: Lang, path: &Path, seg: &Seg) -> Option<String> {
    let pos = path.0.iter().position(|s| s == seg)?;
    let Seg::Key(list) = path.0.get(pos.checked_sub(1)?)? else {
        return None;
    };
    let k = format!("path.item.{list}");
    mobiplan_i18n::has(&k).then(|| t(lang, &k))
}

/// A value in words.
pub fn value_text(lang: Lang, v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Null) => t(lang, "web.merge.empty"),
        Some(Value::Bool(true)) => t(lang, "web.merge.yes"),
        Some(Value::Bool(false)) => t(lang, "web.merge.no"),
        Some(Value::String(s)) if s.is_empty() => t(lang, "web.merge.empty"),
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::Array(l)) if l.is_empty() => t(lang, "web.merge.empty"),
        Some(Value::Array(l)) => l
            .iter()
            .map(|e| value_text(lang, Some(e)))
            .collect::<Vec<_>>()
            .join(", "),
        Some(Value::Object(o)) => {
            if let Some(s) = ["title", "name", "id", "person"]
                .iter()
                .find_map(|k| o.get(*k).and_then(Value::as_str))
            {
                return s.to_owned();
            }
            o.iter()
                .map(|(k, v)| format!("{}: {}", key_label(lang, k), value_text(lang, Some(v))))
                .collect::<Vec<_>>()
                .join("; ")
        }
    }
}

/// The conflicts as JSON for scripts and API clients: the field's path, its name in words and
/// the three values.
pub fn conflicts_json(lang: Lang, conflicts: &[Conflict], theirs: &Value, mine: &Value) -> Value {
    Value::Array(
        conflicts
            .iter()
            .map(|c| {
                serde_json::json!({
                    "path": c.path.to_string(),
                    "label": path_label(lang, &[theirs, mine], &c.path),
                    "base": c.base,
                    "theirs": c.theirs,
                    "mine": c.mine,
                })
            })
            .collect(),
    )
}

/// The choice per conflicting field, to be placed inside the form it belongs to: for each
/// field its name, the value before, theirs and mine, and a radio choice between the two;
/// the version the choices were made against goes with them.
pub fn conflict_panel(lang: Lang, c: &Conflicted, theirs: &Value) -> Markup {
    let docs = [theirs, &c.mine];
    html! {
        div.notice.conflict-panel role="alert" {
            h2 { (t(lang, "web.merge.title")) }
            p { (tr(lang, "web.merge.lead", &[("version", c.current.version.to_string())])) }
            input type="hidden" name=(SEEN_VERSION) value=(c.current.version);
            @for (i, conflict) in c.conflicts.iter().enumerate() {
                @let name = format!("{CHOICE_PREFIX}{}", conflict.path);
                @let id = format!("conflict-{i}");
                fieldset.conflict {
                    legend { (path_label(lang, &docs, &conflict.path)) }
                    @if let Some(rows) = inner_changes(lang, conflict.base.as_ref(), conflict.theirs.as_ref()) {
                        p.hint { (t(lang, "web.merge.their-changes")) }
                        (change_table(lang, &rows))
                    } @else {
                        p.hint { (t(lang, "web.merge.before")) " " (value_text(lang, conflict.base.as_ref())) }
                    }
                    div.choice {
                        input type="radio" id={(id) "-theirs"} name=(name) value="theirs";
                        label for={(id) "-theirs"} {
                            (t(lang, "web.merge.keep-theirs")) ": " strong { (value_text(lang, conflict.theirs.as_ref())) }
                        }
                    }
                    div.choice {
                        input type="radio" id={(id) "-mine"} name=(name) value="mine";
                        label for={(id) "-mine"} {
                            (t(lang, "web.merge.use-mine")) ": " strong { (value_text(lang, conflict.mine.as_ref())) }
                        }
                    }
                }
            }
            p { button type="submit" { (t(lang, "web.merge.save-choices")) } }
        }
    }
}

/// What changed inside a part (an activity, a visit) that the other side deleted: without
/// it, "keep theirs" or "use mine" would be a choice between two names.
fn inner_changes(
    lang: Lang,
    base: Option<&Value>,
    theirs: Option<&Value>,
) -> Option<Vec<ChangeRow>> {
    let (Some(b @ Value::Object(_)), Some(t @ Value::Object(_))) = (base, theirs) else {
        return None;
    };
    Some(change_rows(lang, b, t, &mobiplan_core::merge::diff(b, t)))
}

/// A delete, a restore or another action from a page (`message` says which) that met a change made since the page was shown:
/// what changed, a way back, and the action again with the person's choice per field.
pub fn action_conflict_page(
    lang: Lang,
    c: &Conflicted,
    theirs: &Value,
    action: &str,
    version: i64,
    back: &str,
    message: &str,
) -> Markup {
    html! {
        h1 { (t(lang, "web.conflict-title")) }
        p { (t(lang, message)) }
        form method="post" action=(action) {
            (crate::views::accounts::csrf_field())
            input type="hidden" name="version" value=(version);
            // The person confirmed the action before it met the conflict.
            input type="hidden" name=(crate::handlers::CONFIRMED) value="1";
            (conflict_panel(lang, c, theirs))
        }
        p { a href=(back) { (t(lang, "web.merge.back")) } }
    }
}

/// One change between two versions, in words: where, before, after.
pub struct ChangeRow {
    pub label: String,
    pub before: String,
    pub after: String,
    /// For a long text changed in place, what was removed and added word by word (the
    /// application's texts: a changed sentence is found without reading both versions).
    pub words: Option<Vec<Piece>>,
}

/// A run of words of a text difference.
#[derive(Debug, PartialEq)]
pub enum Piece {
    Same(String),
    Removed(String),
    Added(String),
}

/// Texts from this length on are shown as a word difference.
const LONG_TEXT: usize = 80;
/// Beyond this many word pairs the difference is not searched: the texts are shown whole.
const MAX_DIFF_CELLS: usize = 4_000_000;

/// The word-level difference of two texts (longest common subsequence of words, each word
/// with the spaces after it, so the pieces put together give the texts back).
pub fn word_diff(old: &str, new: &str) -> Vec<Piece> {
    let a: Vec<&str> = old.split_inclusive(char::is_whitespace).collect();
    let b: Vec<&str> = new.split_inclusive(char::is_whitespace).collect();
    let mut out: Vec<Piece> = Vec::new();
    let mut push = |p: Piece| {
        let merged = match (out.last_mut(), &p) {
            (Some(Piece::Same(x)), Piece::Same(y))
            | (Some(Piece::Removed(x)), Piece::Removed(y))
            | (Some(Piece::Added(x)), Piece::Added(y)) => {
                x.push_str(y);
                true
            }
            _ => false,
        };
        if !merged {
            out.push(p);
        }
    };
    if a.len().saturating_mul(b.len()) > MAX_DIFF_CELLS {
        push(Piece::Removed(old.to_owned()));
        push(Piece::Added(new.to_owned()));
        return out;
    }
    // lcs[i][j]: the longest common subsequence of a[i..] and b[j..].
    let w = b.len() + 1;
    let mut lcs = vec![0u32; (a.len() + 1) * w];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i * w + j] = if a[i] == b[j] {
                lcs[(i + 1) * w + j + 1] + 1
            } else {
                lcs[(i + 1) * w + j].max(lcs[i * w + j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            push(Piece::Same(a[i].to_owned()));
            i += 1;
            j += 1;
        } else if j < b.len() && (i == a.len() || lcs[i * w + j + 1] >= lcs[(i + 1) * w + j]) {
            push(Piece::Added(b[j].to_owned()));
            j += 1;
        } else {
            push(Piece::Removed(a[i].to_owned()));
            i += 1;
        }
    }
    out
}

/// The field-level changes from `old` to `new`, in words (a history entry).
pub fn change_rows(lang: Lang, old: &Value, new: &Value, changes: &[Change]) -> Vec<ChangeRow> {
    let docs = [new, old];
    changes
        .iter()
        .map(|c| {
            let label = path_label(lang, &docs, &c.path);
            let words = match (mobiplan_core::merge::get(old, &c.path), &c.op) {
                (Some(Value::String(was)), Op::Set(Value::String(now)))
                    if was.chars().count().max(now.chars().count()) >= LONG_TEXT =>
                {
                    Some(word_diff(was, now))
                }
                _ => None,
            };
            let (before, after) = match &c.op {
                Op::Set(v) => (
                    value_text(lang, mobiplan_core::merge::get(old, &c.path)),
                    value_text(lang, Some(v)),
                ),
                Op::Remove => (
                    value_text(lang, mobiplan_core::merge::get(old, &c.path)),
                    t(lang, "web.merge.removed"),
                ),
                Op::Insert(v) => (String::new(), format!("+ {}", value_text(lang, Some(v)))),
                Op::Delete(v) => (String::new(), format!("− {}", value_text(lang, Some(v)))),
            };
            ChangeRow {
                label,
                before,
                after,
                words,
            }
        })
        .collect()
}

/// A table of field-level changes.
pub fn change_table(lang: Lang, rows: &[ChangeRow]) -> Markup {
    html! {
        @if rows.is_empty() {
            p { (t(lang, "web.hist.nothing")) }
        } @else {
            div.table-scroll { table.changes {
                thead { tr {
                    th scope="col" { (t(lang, "web.merge.field")) }
                    th scope="col" { (t(lang, "web.merge.was")) }
                    th scope="col" { (t(lang, "web.merge.now")) }
                } }
                tbody {
                    @for r in rows {
                        @if let Some(words) = &r.words {
                            tr {
                                th scope="row" { (r.label) }
                                td.text-diff colspan="2" {
                                    @for p in words {
                                        @match p {
                                            Piece::Same(s) => (s),
                                            Piece::Removed(s) => del { (s) },
                                            Piece::Added(s) => ins { (s) },
                                        }
                                    }
                                }
                            }
                        } @else {
                            tr { th scope="row" { (r.label) } td { (r.before) } td { (r.after) } }
                        }
                    }
                }
            } }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_long_text_shows_what_changed_word_by_word() {
        let old = "We teach 300 pupils in Riga. Our teachers need digital skills. We also run an evening school.";
        let new = "We teach 320 pupils in Riga. Our teachers need digital and outdoor skills. We also run an evening school.";
        let d = word_diff(old, new);
        let joined =
            |keep: fn(&Piece) -> Option<&str>| d.iter().filter_map(keep).collect::<String>();
        let before = joined(|p| match p {
            Piece::Same(s) | Piece::Removed(s) => Some(s),
            Piece::Added(_) => None,
        });
        let after = joined(|p| match p {
            Piece::Same(s) | Piece::Added(s) => Some(s),
            Piece::Removed(_) => None,
        });
        assert_eq!((before.as_str(), after.as_str()), (old, new));
        assert!(d.contains(&Piece::Removed("300 ".into())), "{d:?}");
        assert!(d.contains(&Piece::Added("320 ".into())), "{d:?}");
        assert!(d.contains(&Piece::Added("and outdoor ".into())), "{d:?}");
        assert!(
            d.contains(&Piece::Same(
                "pupils in Riga. Our teachers need digital ".into()
            )),
            "{d:?}"
        );

        // Long texts in a history entry come as the word difference; short values as before/after.
        let old_doc = json!({"application": {"needs": old}, "project": {"title": "A"}});
        let new_doc = json!({"application": {"needs": new}, "project": {"title": "B"}});
        let rows = change_rows(
            Lang::En,
            &old_doc,
            &new_doc,
            &mobiplan_core::merge::diff(&old_doc, &new_doc),
        );
        let needs = rows.iter().find(|r| r.label.contains("Needs")).unwrap();
        assert!(needs.words.is_some());
        let title = rows.iter().find(|r| r.label.contains("Title")).unwrap();
        assert!(title.words.is_none());
        let html = change_table(Lang::En, &rows).into_string();
        assert!(
            html.contains("<del>300 </del>") && html.contains("<ins>320 </ins>"),
            "{html}"
        );
    }

    #[test]
    fn fields_are_named_by_their_place_and_titles() {
        let doc = json!({"activities": [{"id": "tartu", "title": "Tartu job shadowing", "participants": {"count": 2}}]});
        let p = Path::parse("activities[tartu].participants.count").unwrap();
        let label = path_label(Lang::En, &[&doc], &p);
        assert!(label.contains("«Tartu job shadowing»"), "{label}");
        assert!(!label.contains("tartu]"), "{label}");
        let lv = path_label(Lang::Lv, &[&doc], &p);
        assert_ne!(label, lv, "Latvian labels are Latvian");
        assert_eq!(
            value_text(Lang::En, Some(&json!(true))),
            t(Lang::En, "web.merge.yes")
        );
        assert_eq!(value_text(Lang::En, None), t(Lang::En, "web.merge.empty"));
    }
}
