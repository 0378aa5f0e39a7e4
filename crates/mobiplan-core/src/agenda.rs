//! A project's agenda on a given day: what comes next, what is overdue, and how many days
//! remain to the project's end and to the final report. The dashboard shows it for every
//! project of an organisation; `mobiplan report` prints it for one.
//!
//! It reads the plan with its `[implementation]` overlay (actual dates where known, statuses),
//! so it works from the first draft (the application deadline comes next) to the final report.

use chrono::{Days, NaiveDate};
use serde::Serialize;

use crate::project::file::ProjectFile;
use crate::rulebook::Rulebook;
use crate::tracking::{Report, Status, file::Implementation};

/// Something that happens on a day.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Event {
    /// The application deadline of the project's round (while nothing is awarded).
    Deadline,
    ProjectStart,
    ActivityStart {
        activity: String,
    },
    ActivityEnd {
        activity: String,
    },
    VisitStart {
        visit: String,
    },
    ProjectEnd,
    FinalReport,
}

/// A dated event.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Dated {
    pub date: NaiveDate,
    #[serde(flatten)]
    pub event: Event,
}

/// Something that should have happened by now.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Overdue {
    /// The activity has started (or should have) but is still only planned.
    NotConfirmed { activity: String, start: NaiveDate },
    /// The activity has ended but is not marked completed (or cancelled).
    NotCompleted { activity: String, end: NaiveDate },
    /// A preparatory visit has ended but is not marked completed (or cancelled).
    VisitNotCompleted { visit: String, end: NaiveDate },
    /// A completed activity still lacks evidence documents.
    Evidence {
        activity: String,
        received: u32,
        needed: u32,
    },
    /// The final report's due date has passed and no submission is recorded.
    FinalReport { due: NaiveDate },
}

/// The agenda of one project on `today`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Agenda {
    pub today: NaiveDate,
    pub start: NaiveDate,
    /// The project's last day.
    pub end: NaiveDate,
    /// The final report's due date (`reporting.final_report_days` after the end).
    pub final_report_due: NaiveDate,
    /// When the final report was submitted, if recorded.
    pub final_report_submitted: Option<NaiveDate>,
    /// Days from today to the end (negative once past).
    pub days_to_end: i64,
    /// Days from today to the final report's due date (negative once past).
    pub days_to_report: i64,
    /// The coming events from today on, earliest first (at most [`NEXT`]).
    pub next: Vec<Dated>,
    pub overdue: Vec<Overdue>,
}

/// How many coming events an agenda lists.
pub const NEXT: usize = 3;

/// The agenda of a project file on `today`. `report` (from [`crate::tracking::evaluate`])
/// adds the evidence still missing for completed activities; without it (a plan that does not
/// load, say) the dates still come through.
pub fn agenda(
    file: &ProjectFile,
    rb: &Rulebook,
    report: Option<&Report>,
    today: NaiveDate,
) -> Agenda {
    let empty = Implementation::default();
    let imp = file.implementation.as_ref();
    let rec = imp.unwrap_or(&empty);
    let start = file.project.start.0;
    let end = crate::project::last_day(start, file.project.duration_months);
    let final_report_due = end
        .checked_add_days(Days::new(u64::from(rb.reporting.final_report_days.value)))
        .unwrap_or(end);
    let submitted = rec.final_report.map(|d| d.0);

    let mut events = Vec::new();
    // Before the grant, the deadline is what matters: a project with an `[implementation]`
    // section has been awarded. A deadline not published yet is no event.
    if imp.is_none()
        && let Some(deadline) = rb.rounds.get(&file.project.round).and_then(|r| r.deadline)
    {
        events.push(Dated {
            date: deadline.date_naive(),
            event: Event::Deadline,
        });
    }
    events.push(Dated {
        date: start,
        event: Event::ProjectStart,
    });
    let mut overdue = Vec::new();
    for a in &file.activities {
        let r = rec.activities.get(&a.id);
        let status = r.map(|r| r.status).unwrap_or_default();
        let s = r.and_then(|r| r.start).unwrap_or(a.start).0;
        let e = r.and_then(|r| r.end).unwrap_or(a.end).0;
        match status {
            Status::Cancelled | Status::Completed => {}
            Status::Planned | Status::Confirmed => {
                events.push(Dated {
                    date: s,
                    event: Event::ActivityStart {
                        activity: a.id.clone(),
                    },
                });
                events.push(Dated {
                    date: e,
                    event: Event::ActivityEnd {
                        activity: a.id.clone(),
                    },
                });
                if e < today {
                    overdue.push(Overdue::NotCompleted {
                        activity: a.id.clone(),
                        end: e,
                    });
                } else if status == Status::Planned && s <= today {
                    overdue.push(Overdue::NotConfirmed {
                        activity: a.id.clone(),
                        start: s,
                    });
                }
            }
        }
    }
    for v in &file.preparatory_visits {
        let r = rec.visits.get(&v.id);
        let status = r.map(|r| r.status).unwrap_or_default();
        if matches!(status, Status::Cancelled | Status::Completed) {
            continue;
        }
        let s = r.and_then(|r| r.start).unwrap_or(v.start).0;
        let e = r.and_then(|r| r.end).unwrap_or(v.end).0;
        events.push(Dated {
            date: s,
            event: Event::VisitStart {
                visit: v.id.clone(),
            },
        });
        if e < today {
            overdue.push(Overdue::VisitNotCompleted {
                visit: v.id.clone(),
                end: e,
            });
        }
    }
    if let Some(report) = report {
        for row in &report.evidence {
            if row.status == Status::Completed && row.received() < row.needed() {
                overdue.push(Overdue::Evidence {
                    activity: row.activity.clone(),
                    received: row.received(),
                    needed: row.needed(),
                });
            }
        }
    }
    events.push(Dated {
        date: end,
        event: Event::ProjectEnd,
    });
    if submitted.is_none() {
        events.push(Dated {
            date: final_report_due,
            event: Event::FinalReport,
        });
        if final_report_due < today {
            overdue.push(Overdue::FinalReport {
                due: final_report_due,
            });
        }
    }
    events.retain(|d| d.date >= today);
    events.sort();
    events.truncate(NEXT);

    Agenda {
        today,
        start,
        end,
        final_report_due,
        final_report_submitted: submitted,
        days_to_end: (end - today).num_days(),
        days_to_report: (final_report_due - today).num_days(),
        next: events,
        overdue,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tracking::file::ActivityRecord;
    use crate::types::Date;

    const EXAMPLE: &str = include_str!("../../../examples/sch-riga-school.toml");

    fn day(s: &str) -> NaiveDate {
        s.parse().expect("a date")
    }

    fn file() -> ProjectFile {
        crate::project::parse_toml(EXAMPLE).expect("the example parses")
    }

    fn rb() -> Rulebook {
        Rulebook::embedded(2026).expect("the 2026 rulebook loads")
    }

    #[test]
    fn before_the_grant_the_deadline_comes_first() {
        let f = file();
        let rb = rb();
        let a = agenda(&f, &rb, None, day("2026-01-10"));
        assert_eq!(a.next[0].event, Event::Deadline);
        assert_eq!(a.next[0].date, rb.rounds[&1].deadline.unwrap().date_naive());
        assert_eq!(a.next[1].event, Event::ProjectStart);
        assert!(a.overdue.is_empty(), "{:?}", a.overdue);
        assert_eq!(
            a.end,
            crate::project::last_day(f.project.start.0, f.project.duration_months)
        );
        assert_eq!(
            (a.final_report_due - a.end).num_days(),
            i64::from(rb.reporting.final_report_days.value)
        );
        assert_eq!(a.days_to_end, (a.end - day("2026-01-10")).num_days());
    }

    #[test]
    fn a_planned_activity_past_its_start_is_overdue_and_a_past_one_not_completed() {
        let f = file();
        let first = &f.activities[0];
        let during = first.start.0;
        let a = agenda(&f, &rb(), None, during);
        assert!(a.overdue.contains(&Overdue::NotConfirmed {
            activity: first.id.clone(),
            start: first.start.0,
        }));
        let after = first.end.0.succ_opt().expect("a day");
        let a = agenda(&f, &rb(), None, after);
        assert!(a.overdue.contains(&Overdue::NotCompleted {
            activity: first.id.clone(),
            end: first.end.0,
        }));
        // Its dates are behind: they are not among the coming events.
        assert!(a.next.iter().all(|d| d.date >= after));
    }

    #[test]
    fn completed_and_cancelled_activities_are_neither_coming_nor_overdue() {
        let mut f = file();
        let mut imp = Implementation::default();
        for (i, a) in f.activities.iter().enumerate() {
            let status = if i % 2 == 0 {
                Status::Completed
            } else {
                Status::Cancelled
            };
            imp.activities.insert(
                a.id.clone(),
                ActivityRecord {
                    status,
                    ..Default::default()
                },
            );
        }
        for v in &f.preparatory_visits {
            imp.visits.insert(
                v.id.clone(),
                crate::tracking::file::VisitRecord {
                    status: Status::Completed,
                    ..Default::default()
                },
            );
        }
        f.implementation = Some(imp);
        let a = agenda(&f, &rb(), None, day("2027-01-01"));
        assert!(a.overdue.is_empty(), "{:?}", a.overdue);
        assert!(
            a.next
                .iter()
                .all(|d| matches!(d.event, Event::ProjectEnd | Event::FinalReport)),
            "{:?}",
            a.next
        );
    }

    #[test]
    fn actual_dates_replace_the_planned_ones() {
        let mut f = file();
        let first = f.activities[0].clone();
        let later = first.end.0 + chrono::Days::new(30);
        let mut imp = Implementation::default();
        imp.activities.insert(
            first.id.clone(),
            ActivityRecord {
                status: Status::Confirmed,
                start: Some(Date(later)),
                end: Some(Date(later + chrono::Days::new(4))),
                ..Default::default()
            },
        );
        f.implementation = Some(imp);
        let today = first.end.0 + chrono::Days::new(1);
        let a = agenda(&f, &rb(), None, today);
        assert!(
            !a.overdue.iter().any(
                |o| matches!(o, Overdue::NotCompleted { activity, .. } if *activity == first.id)
            ),
            "{:?}",
            a.overdue
        );
        assert!(a.next.iter().any(|d| d.date == later
            && d.event
                == Event::ActivityStart {
                    activity: first.id.clone()
                }));
    }

    #[test]
    fn the_final_report_is_overdue_until_its_submission_is_recorded() {
        let mut f = file();
        f.implementation = Some(Implementation::default());
        let probe = agenda(&f, &rb(), None, day("2026-01-01"));
        let late = probe.final_report_due + chrono::Days::new(1);
        let a = agenda(&f, &rb(), None, late);
        assert!(a.overdue.contains(&Overdue::FinalReport {
            due: probe.final_report_due
        }));
        assert_eq!(a.days_to_report, -1);
        f.implementation.as_mut().expect("set").final_report = Some(Date(late));
        let a = agenda(&f, &rb(), None, late);
        assert!(
            !a.overdue
                .iter()
                .any(|o| matches!(o, Overdue::FinalReport { .. }))
        );
        assert_eq!(a.final_report_submitted, Some(late));
    }
}
