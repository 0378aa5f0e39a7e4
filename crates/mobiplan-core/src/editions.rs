//! Call years and their rulebook editions: which call is open by a given moment, what changed
//! from one edition to another, and moving a project from one call to another.
//!
//! Everything here is computed from rulebook data (the rounds' deadlines, the listed values):
//! no call year and no date is written in code.

use std::collections::HashMap;

use chrono::{DateTime, FixedOffset, Months, NaiveDate};
use serde::Serialize;

use crate::budget::{Budget, Line};
use crate::finding::Finding;
use crate::project::file::ProjectFile;
use crate::rulebook::{ParamInfo, Rulebook, ValueState};
use crate::rules::RuleId;
use crate::types::{Date, Moment};

/// Where a call stands at a given moment, from its rounds' deadlines.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CallState {
    /// A round's deadline is known and not passed yet.
    Open,
    /// Every round's deadline has passed.
    Closed,
    /// The edition exists but a deadline is not published yet (its values are unconfirmed).
    Announced,
}

impl CallState {
    /// `open`, `closed`, `announced`: the message key suffix and the JSON value.
    pub fn id(self) -> &'static str {
        match self {
            CallState::Open => "open",
            CallState::Closed => "closed",
            CallState::Announced => "announced",
        }
    }
}

impl Rulebook {
    /// The call's state at `now`: open while a known deadline lies ahead, announced while a
    /// deadline is unknown (and none lies ahead), closed when every deadline has passed.
    pub fn call_state(&self, now: DateTime<FixedOffset>) -> CallState {
        let mut unknown = false;
        for round in self.rounds.values() {
            match round.deadline {
                Some(d) if now <= d => return CallState::Open,
                Some(_) => {}
                None => unknown = true,
            }
        }
        if unknown {
            CallState::Announced
        } else {
            CallState::Closed
        }
    }
}

/// The call year a new project should be for: the earliest open call, else the earliest
/// announced one, else the newest. `None` only when there is no call year at all.
pub fn default_call_year(calls: &[(u16, CallState)]) -> Option<u16> {
    let earliest = |state: CallState| {
        calls
            .iter()
            .filter(|(_, s)| *s == state)
            .map(|(y, _)| *y)
            .min()
    };
    earliest(CallState::Open)
        .or_else(|| earliest(CallState::Announced))
        .or_else(|| calls.iter().map(|(y, _)| *y).max())
}

// ---------------------------------------------------------------------------------------------
// What changed between two editions

#[derive(Clone, Debug, Serialize)]
pub struct EditionRef {
    pub call_year: u16,
    pub edition: String,
    pub title: String,
}

impl EditionRef {
    fn of(rb: &Rulebook) -> EditionRef {
        EditionRef {
            call_year: rb.call_year(),
            edition: rb.meta.edition.clone(),
            title: rb.meta.title.clone(),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ChangeKind {
    Added,
    Removed,
    Changed,
}

/// One value (or rule) that differs: both sides as listed, with their sources.
#[derive(Clone, Debug, Serialize)]
pub struct Change {
    pub path: String,
    pub kind: ChangeKind,
    /// For `changed`: which of `value`, `unit`, `source`, `confidence`, `state` differ.
    pub what: Vec<&'static str>,
    pub old: Option<ParamInfo>,
    pub new: Option<ParamInfo>,
}

#[derive(Clone, Debug, Serialize)]
pub struct EditionDiff {
    pub from: EditionRef,
    pub to: EditionRef,
    pub changes: Vec<Change>,
}

/// Every listed value of a rulebook and, at `rules.<ID>`, every rule's own description
/// (severity and sentence with the rule's source and confidence).
fn entries(rb: &Rulebook) -> Vec<ParamInfo> {
    let mut out: Vec<ParamInfo> = RuleId::ALL
        .iter()
        .map(|id| {
            let m = rb.rule(*id);
            ParamInfo {
                path: format!("rules.{}", id.as_str()),
                value: serde_json::json!({ "severity": m.severity, "text": m.text }),
                unit: None,
                source: m.source.to_owned(),
                confidence: m.confidence,
                note: m.note.map(str::to_owned),
                previous: None,
                state: if m.carried_from.is_some() {
                    ValueState::Carried
                } else {
                    ValueState::Known
                },
                carried_from: m.carried_from,
            }
        })
        .collect();
    out.extend(rb.params().iter().cloned());
    out
}

/// What changed from edition `a` to edition `b`, value by value (by path), in `a`'s order
/// with the values only `b` has at the end.
pub fn diff(a: &Rulebook, b: &Rulebook) -> EditionDiff {
    let old = entries(a);
    let new = entries(b);
    let new_by_path: HashMap<&str, &ParamInfo> = new.iter().map(|p| (p.path.as_str(), p)).collect();
    let old_paths: HashMap<&str, ()> = old.iter().map(|p| (p.path.as_str(), ())).collect();
    let mut changes = Vec::new();
    for o in &old {
        match new_by_path.get(o.path.as_str()) {
            None => changes.push(Change {
                path: o.path.clone(),
                kind: ChangeKind::Removed,
                what: vec![],
                old: Some(o.clone()),
                new: None,
            }),
            Some(n) => {
                let mut what = Vec::new();
                if o.value != n.value {
                    what.push("value");
                }
                if o.unit != n.unit {
                    what.push("unit");
                }
                if o.source != n.source {
                    what.push("source");
                }
                if o.confidence != n.confidence {
                    what.push("confidence");
                }
                if o.state != n.state || o.carried_from != n.carried_from {
                    what.push("state");
                }
                if !what.is_empty() {
                    changes.push(Change {
                        path: o.path.clone(),
                        kind: ChangeKind::Changed,
                        what,
                        old: Some(o.clone()),
                        new: Some((*n).clone()),
                    });
                }
            }
        }
    }
    for n in &new {
        if !old_paths.contains_key(n.path.as_str()) {
            changes.push(Change {
                path: n.path.clone(),
                kind: ChangeKind::Added,
                what: vec![],
                old: None,
                new: Some(n.clone()),
            });
        }
    }
    EditionDiff {
        from: EditionRef::of(a),
        to: EditionRef::of(b),
        changes,
    }
}

// ---------------------------------------------------------------------------------------------
// Moving a project to another call

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum MoveError {
    #[error("the project is already for call {0}")]
    SameYear(u16),
    #[error(
        "the project records its implementation (an [implementation] section): it was awarded \
         under call {0} and stays there; copy the plan without it to prepare a new application"
    )]
    Awarded(u16),
    #[error("{field}: shifting {date} by {years} years leaves the calendar")]
    OutOfRange {
        field: String,
        date: String,
        years: i32,
    },
}

fn shift_date(d: NaiveDate, years: i32) -> Option<NaiveDate> {
    let months = Months::new(years.unsigned_abs() * 12);
    if years >= 0 {
        d.checked_add_months(months)
    } else {
        d.checked_sub_months(months)
    }
}

/// The project file moved to call `to`: the call year changes, and with `shift_years` every
/// date of the plan (project start, application date, activity and travel dates, preparatory
/// visits) moves by the difference in whole years (29 February becomes 28 February). Facts
/// about people (a VET graduation) and earlier grants do not move. A project that records its
/// implementation was awarded under its call and is refused.
pub fn move_to_call(
    file: &ProjectFile,
    to: u16,
    shift_years: bool,
) -> Result<ProjectFile, MoveError> {
    let from = file.project.call_year;
    if from == to {
        return Err(MoveError::SameYear(to));
    }
    if file.implementation.is_some() {
        return Err(MoveError::Awarded(from));
    }
    let mut out = file.clone();
    out.project.call_year = to;
    if !shift_years {
        return Ok(out);
    }
    let years = i32::from(to) - i32::from(from);
    let shift = |field: &str, d: &mut Date| -> Result<(), MoveError> {
        d.0 = shift_date(d.0, years).ok_or_else(|| MoveError::OutOfRange {
            field: field.to_owned(),
            date: d.0.to_string(),
            years,
        })?;
        Ok(())
    };
    shift("project.start", &mut out.project.start)?;
    if let Some(m) = &mut out.project.application_date {
        let field = "project.application_date";
        let moved = match *m {
            Moment::Day(d) => shift_date(d, years).map(Moment::Day),
            Moment::At(t) => {
                let months = Months::new(years.unsigned_abs() * 12);
                if years >= 0 {
                    t.checked_add_months(months)
                } else {
                    t.checked_sub_months(months)
                }
                .map(Moment::At)
            }
        };
        *m = moved.ok_or_else(|| MoveError::OutOfRange {
            field: field.into(),
            date: format!("{m:?}"),
            years,
        })?;
    }
    for (i, a) in out.activities.iter_mut().enumerate() {
        shift(&format!("activities[{i}].start"), &mut a.start)?;
        shift(&format!("activities[{i}].end"), &mut a.end)?;
        if let Some(t) = &mut a.travel {
            if let Some(d) = &mut t.departure {
                shift(&format!("activities[{i}].travel.departure"), d)?;
            }
            if let Some(d) = &mut t.return_date {
                shift(&format!("activities[{i}].travel.return_date"), d)?;
            }
        }
    }
    for (i, v) in out.preparatory_visits.iter_mut().enumerate() {
        shift(&format!("preparatory_visits[{i}].start"), &mut v.start)?;
        shift(&format!("preparatory_visits[{i}].end"), &mut v.end)?;
    }
    Ok(out)
}

/// A finding present before and after a move whose arguments changed.
#[derive(Clone, Debug, Serialize)]
pub struct FindingChange {
    pub before: Finding,
    pub after: Finding,
}

/// A budget line (top level) whose amount, formula or confidence changed, or that appears or
/// disappears.
#[derive(Clone, Debug, Serialize)]
pub struct LineChange {
    pub before: Option<Line>,
    pub after: Option<Line>,
}

/// What a move (or a corrected edition) changes in a project's findings and budget.
#[derive(Clone, Debug, Serialize)]
pub struct Effects {
    pub findings_gone: Vec<Finding>,
    pub findings_new: Vec<Finding>,
    pub findings_changed: Vec<FindingChange>,
    pub lines: Vec<LineChange>,
    pub total_before: crate::money::Amount,
    pub total_after: crate::money::Amount,
}

impl Effects {
    /// Whether anything a person would see changed.
    pub fn is_empty(&self) -> bool {
        self.findings_gone.is_empty()
            && self.findings_new.is_empty()
            && self.findings_changed.is_empty()
            && self.lines.is_empty()
            && self.total_before == self.total_after
    }
}

fn same_finding(a: &Finding, b: &Finding) -> bool {
    a.rule == b.rule && a.key == b.key && a.subject == b.subject && a.field == b.field
}

fn same_line(a: &Line, b: &Line) -> bool {
    a.owner == b.owner && a.category == b.category && a.key == b.key
}

/// Pairs items of `before` and `after` in order, each at most once.
fn pair<T>(
    before: &[T],
    after: &[T],
    same: impl Fn(&T, &T) -> bool,
) -> Vec<(Option<usize>, Option<usize>)> {
    let mut used = vec![false; after.len()];
    let mut out = Vec::new();
    for (i, b) in before.iter().enumerate() {
        let j = (0..after.len()).find(|&j| !used[j] && same(b, &after[j]));
        if let Some(j) = j {
            used[j] = true;
        }
        out.push((Some(i), j));
    }
    for (j, u) in used.iter().enumerate() {
        if !u {
            out.push((None, Some(j)));
        }
    }
    out
}

/// The differences between a project's findings and budget before and after a change of
/// call or edition. Findings are the same when rule, message, subject and field are; budget
/// lines when owner, category and label are.
pub fn effects(before: (&[Finding], &Budget), after: (&[Finding], &Budget)) -> Effects {
    let (fb, bb) = before;
    let (fa, ba) = after;
    let mut e = Effects {
        findings_gone: vec![],
        findings_new: vec![],
        findings_changed: vec![],
        lines: vec![],
        total_before: bb.total,
        total_after: ba.total,
    };
    for (i, j) in pair(fb, fa, same_finding) {
        match (i, j) {
            (Some(i), None) => e.findings_gone.push(fb[i].clone()),
            (None, Some(j)) => e.findings_new.push(fa[j].clone()),
            (Some(i), Some(j)) => {
                if fb[i].args != fa[j].args
                    || fb[i].severity != fa[j].severity
                    || fb[i].confidence != fa[j].confidence
                {
                    e.findings_changed.push(FindingChange {
                        before: fb[i].clone(),
                        after: fa[j].clone(),
                    });
                }
            }
            (None, None) => {}
        }
    }
    for (i, j) in pair(&bb.lines, &ba.lines, same_line) {
        let (b, a) = (i.map(|i| &bb.lines[i]), j.map(|j| &ba.lines[j]));
        let changed = match (b, a) {
            (Some(b), Some(a)) => {
                b.amount != a.amount || b.formula != a.formula || b.confidence != a.confidence
            }
            _ => true,
        };
        if changed {
            e.lines.push(LineChange {
                before: b.cloned(),
                after: a.cloned(),
            });
        }
    }
    e
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(s).unwrap()
    }

    #[test]
    fn the_call_state_follows_the_rounds_deadlines() {
        let rb26 = Rulebook::embedded(2026).unwrap();
        let rb27 = Rulebook::embedded(2027).unwrap();
        let deadline = rb26.rounds[&1].deadline.unwrap();
        assert_eq!(rb26.call_state(deadline), CallState::Open);
        assert_eq!(
            rb26.call_state(deadline + chrono::Duration::seconds(1)),
            CallState::Closed
        );
        // 2027's deadline is not published: announced, whatever the day.
        assert_eq!(
            rb27.call_state(at("2026-12-06T09:00:00+00:00")),
            CallState::Announced
        );
    }

    #[test]
    fn new_projects_default_to_the_open_call_then_the_announced_one() {
        use CallState::*;
        assert_eq!(
            default_call_year(&[(2026, Open), (2027, Announced)]),
            Some(2026)
        );
        assert_eq!(
            default_call_year(&[(2026, Closed), (2027, Announced)]),
            Some(2027)
        );
        assert_eq!(
            default_call_year(&[(2025, Closed), (2026, Closed)]),
            Some(2026)
        );
        assert_eq!(
            default_call_year(&[(2026, Closed), (2027, Open), (2028, Announced)]),
            Some(2027)
        );
        assert_eq!(default_call_year(&[]), None);
    }

    #[test]
    fn the_diff_of_an_edition_with_itself_is_empty() {
        let rb = Rulebook::embedded(2026).unwrap();
        assert!(diff(&rb, &rb).changes.is_empty());
    }
}
