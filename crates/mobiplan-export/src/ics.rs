//! The calendar (RFC 5545): the application deadline, the start window, the project period,
//! every activity with its travel days, the preparatory visits and the final report's due date,
//! each with reminders. Written by hand: CRLF line ends, lines folded at 75 octets (never
//! inside a UTF-8 character), text values escaped, a stable UID per event so that importing a
//! newer export updates the events instead of duplicating them.

use chrono::{DateTime, Days, FixedOffset, NaiveDate, Utc};

use crate::Plan;
use crate::text::{activity_name, date, kind, r};
use crate::timeline::final_report_due;

/// Escapes a TEXT value (RFC 5545 §3.3.11).
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Folds a content line: at most 75 octets per line, continuation lines start with a space.
pub fn fold(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    let mut used = 0;
    for c in line.chars() {
        let n = c.len_utf8();
        if used + n > 75 {
            out.push_str("\r\n ");
            used = 1;
        }
        out.push(c);
        used += n;
    }
    out.push_str("\r\n");
    out
}

/// FNV-1a: a stable, dependency-free hash for UIDs (not a security measure).
fn fnv(s: &str) -> u64 {
    let mut h: u64 = 0xcbf29ce484222325;
    for b in s.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x100000001b3);
    }
    h
}

enum When {
    /// All-day, first and last day included.
    Days(NaiveDate, NaiveDate),
    At(DateTime<FixedOffset>),
}

struct Event {
    uid: String,
    summary: String,
    description: String,
    when: When,
    /// Reminders, in days before the start.
    alarms: &'static [u32],
}

fn day(d: NaiveDate) -> String {
    d.format("%Y%m%d").to_string()
}

fn utc(t: DateTime<FixedOffset>) -> String {
    t.with_timezone(&Utc).format("%Y%m%dT%H%M%SZ").to_string()
}

fn events(plan: &Plan) -> Vec<Event> {
    let p = plan.project;
    let lang = plan.lang;
    let title = || vec![("title", p.title.clone())];
    let mut out = Vec::new();
    // Dates not published yet (an unknown deadline or start window) are no events.
    let round = plan.rulebook.rounds.get(&p.round);
    if let Some(deadline) = round.and_then(|r| r.deadline) {
        out.push(Event {
            uid: "deadline".into(),
            summary: r(lang, "export.ics.deadline", &title()),
            description: deadline.format("%Y-%m-%d %H:%M (UTC%:z)").to_string(),
            when: When::At(deadline),
            alarms: &[14, 1],
        });
    }
    if let Some((from, to)) = round.and_then(|r| r.start_window()) {
        out.push(Event {
            uid: "start-window".into(),
            summary: r(lang, "export.ics.start-window", &title()),
            description: crate::text::dates(from, to),
            when: When::Days(from, to),
            alarms: &[],
        });
    }
    out.push(Event {
        uid: "project".into(),
        summary: r(lang, "export.ics.project", &title()),
        description: format!(
            "{} — {}",
            p.applicant.name,
            crate::text::dates(p.start, p.end())
        ),
        when: When::Days(p.start, p.end()),
        alarms: &[14],
    });
    for a in &p.activities {
        let name = activity_name(lang, a);
        let place = a
            .host
            .as_ref()
            .map(|h| {
                let town = h
                    .town
                    .as_deref()
                    .map(|t| format!(", {t}"))
                    .unwrap_or_default();
                format!("{}{town}, {}", h.name, h.country.as_str())
            })
            .unwrap_or_else(|| p.applicant.name.clone());
        out.push(Event {
            uid: format!("activity-{}", a.id),
            // An untitled activity is named by its kind: not twice.
            summary: if a.title.is_some() {
                r(
                    lang,
                    "export.ics.activity",
                    &[("activity", name.clone()), ("kind", kind(lang, a.kind))],
                )
            } else {
                name.clone()
            },
            description: place,
            when: When::Days(a.start, a.end),
            alarms: &[30, 7],
        });
        let (first, last) = a.span_with_travel();
        let activity = vec![("activity", name.clone())];
        if first < a.start {
            let before = a.start.pred_opt().unwrap_or(a.start);
            out.push(Event {
                uid: format!("travel-out-{}", a.id),
                summary: r(lang, "export.ics.travel-out", &activity),
                description: crate::text::dates(first, before),
                when: When::Days(first, before),
                alarms: &[2],
            });
        }
        if last > a.end {
            let after = a.end.succ_opt().unwrap_or(a.end);
            out.push(Event {
                uid: format!("travel-back-{}", a.id),
                summary: r(lang, "export.ics.travel-back", &activity),
                description: crate::text::dates(after, last),
                when: When::Days(after, last),
                alarms: &[],
            });
        }
    }
    for v in &p.visits {
        out.push(Event {
            uid: format!("visit-{}", v.id),
            summary: r(lang, "export.ics.visit", &[("visit", v.host.name.clone())]),
            description: format!("{}, {}", v.host.name, v.host.country.as_str()),
            when: When::Days(v.start, v.end),
            alarms: &[14],
        });
    }
    let term = &plan.rulebook.reporting.final_report_days;
    let due = final_report_due(plan);
    out.push(Event {
        uid: "final-report".into(),
        summary: r(lang, "export.ics.final-report", &title()),
        description: r(
            lang,
            "export.ics.final-report-note",
            &[("days", term.value.to_string()), ("end", date(p.end()))],
        ),
        when: When::Days(due, due),
        alarms: &[30, 7],
    });
    out
}

pub fn calendar(plan: &Plan) -> String {
    let p = plan.project;
    // The UIDs are stable for the same project (title and applicant), whatever its dates.
    let domain = format!(
        "{:016x}.mobiplan",
        fnv(&format!("{}\n{}", p.applicant.name, p.title))
    );
    let stamp = utc(plan.now);
    let mut out = String::new();
    let mut line = |s: &str| out.push_str(&fold(s));
    line("BEGIN:VCALENDAR");
    line("VERSION:2.0");
    line(&format!(
        "PRODID:-//mobiplan//mobiplan {}//{}",
        env!("CARGO_PKG_VERSION"),
        plan.lang.code().to_uppercase()
    ));
    line("CALSCALE:GREGORIAN");
    line("METHOD:PUBLISH");
    line(&format!("X-WR-CALNAME:{}", escape(&p.title)));
    for e in events(plan) {
        line("BEGIN:VEVENT");
        line(&format!("UID:{}@{domain}", e.uid));
        line(&format!("DTSTAMP:{stamp}"));
        match e.when {
            When::Days(first, last) => {
                let after = last.checked_add_days(Days::new(1)).unwrap_or(last);
                line(&format!("DTSTART;VALUE=DATE:{}", day(first)));
                line(&format!("DTEND;VALUE=DATE:{}", day(after)));
                line("TRANSP:TRANSPARENT");
            }
            When::At(t) => line(&format!("DTSTART:{}", utc(t))),
        }
        let lang = plan.lang.code();
        line(&format!("SUMMARY;LANGUAGE={lang}:{}", escape(&e.summary)));
        line(&format!(
            "DESCRIPTION;LANGUAGE={lang}:{}",
            escape(&e.description)
        ));
        for days in e.alarms {
            line("BEGIN:VALARM");
            line("ACTION:DISPLAY");
            line(&format!(
                "DESCRIPTION:{}",
                escape(&r(
                    plan.lang,
                    "export.ics.reminder",
                    &[("what", e.summary.clone())]
                ))
            ));
            line(&format!("TRIGGER:-P{days}D"));
            line("END:VALARM");
        }
        line("END:VEVENT");
    }
    line("END:VCALENDAR");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lines_fold_at_75_octets_without_splitting_a_letter() {
        let text = format!("SUMMARY:{}", "ā".repeat(60));
        let folded = fold(&text);
        for l in folded.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(l.len() <= 75, "{} octets: {l}", l.len());
        }
        let unfolded = folded.trim_end_matches("\r\n").replace("\r\n ", "");
        assert_eq!(unfolded, text);
    }

    #[test]
    fn text_values_escape_the_characters_rfc_5545_reserves() {
        assert_eq!(escape("a,b;c\\d\ne"), "a\\,b\\;c\\\\d\\ne");
    }
}
