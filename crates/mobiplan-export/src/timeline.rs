//! The timeline: a Gantt chart of the project period and its activities. [`timeline`] lays it
//! out once (rows, dates, month ticks); [`svg`] draws it for the web page and the file export,
//! and the PDF draws the same layout with its own primitives.

use chrono::{Datelike, Days, Months, NaiveDate};
use mobiplan_i18n::Lang;

use crate::Plan;
use crate::text::{activity_name, kind, t};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RowStyle {
    Window,
    Project,
    Activity,
    Visit,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    pub label: String,
    /// What the bar's dates are, for a tooltip: `2026-10-05 – 2026-10-09`.
    pub detail: String,
    pub style: RowStyle,
    pub start: NaiveDate,
    /// The last day, included.
    pub end: NaiveDate,
    /// The travel days around the bar (first and last day, included), when there are any.
    pub travel: Option<(NaiveDate, NaiveDate)>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Marker {
    pub label: String,
    pub date: NaiveDate,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Timeline {
    /// The first day shown (the first of a month).
    pub from: NaiveDate,
    /// The day after the last day shown (the first of a month).
    pub until: NaiveDate,
    pub rows: Vec<Row>,
    pub markers: Vec<Marker>,
    /// The first day of every month shown.
    pub months: Vec<NaiveDate>,
}

impl Timeline {
    /// Where a day starts, as a fraction of the chart's width.
    pub fn fraction(&self, d: NaiveDate) -> f32 {
        let total = (self.until - self.from).num_days().max(1) as f32;
        ((d - self.from).num_days() as f32 / total).clamp(0.0, 1.0)
    }

    /// Where the day after `d` starts: the right edge of a bar ending on `d`.
    pub fn fraction_after(&self, d: NaiveDate) -> f32 {
        self.fraction(d.checked_add_days(Days::new(1)).unwrap_or(d))
    }
}

fn first_of_month(d: NaiveDate) -> NaiveDate {
    d.with_day(1).unwrap_or(d)
}

/// The final report's due date: the rulebook's term after the project's last day.
pub fn final_report_due(plan: &Plan) -> NaiveDate {
    let days = plan.rulebook.reporting.final_report_days.value;
    plan.project
        .end()
        .checked_add_days(Days::new(u64::from(days)))
        .unwrap_or(plan.project.end())
}

pub fn timeline(plan: &Plan) -> Timeline {
    let p = plan.project;
    let lang = plan.lang;
    let mut rows = Vec::new();
    // A start window not published yet is not drawn.
    if let Some((from, to)) = plan
        .rulebook
        .rounds
        .get(&p.round)
        .and_then(|r| r.start_window())
    {
        rows.push(Row {
            label: t(lang, "export.timeline.start-window"),
            detail: crate::text::dates(from, to),
            style: RowStyle::Window,
            start: from,
            end: to,
            travel: None,
        });
    }
    rows.push(Row {
        label: p.title.clone(),
        detail: format!(
            "{}: {}",
            t(lang, "export.timeline.project"),
            crate::text::dates(p.start, p.end())
        ),
        style: RowStyle::Project,
        start: p.start,
        end: p.end(),
        travel: None,
    });
    for a in &p.activities {
        let (first, last) = a.span_with_travel();
        rows.push(Row {
            label: activity_name(lang, a),
            detail: format!(
                "{}: {}",
                kind(lang, a.kind),
                crate::text::dates(a.start, a.end)
            ),
            style: RowStyle::Activity,
            start: a.start,
            end: a.end,
            travel: (first < a.start || last > a.end).then_some((first, last)),
        });
    }
    for v in &p.visits {
        rows.push(Row {
            label: v.host.name.clone(),
            detail: format!(
                "{}: {}",
                t(lang, "kind.preparatory-visit"),
                crate::text::dates(v.start, v.end)
            ),
            style: RowStyle::Visit,
            start: v.start,
            end: v.end,
            travel: None,
        });
    }
    let mut markers = Vec::new();
    if let Some(deadline) = plan.rulebook.rounds.get(&p.round).and_then(|r| r.deadline) {
        markers.push(Marker {
            label: t(lang, "export.timeline.deadline"),
            date: deadline.date_naive(),
        });
    }
    markers.push(Marker {
        label: t(lang, "export.timeline.final-report"),
        date: final_report_due(plan),
    });
    let earliest = rows
        .iter()
        .map(|r| r.travel.map_or(r.start, |t| t.0.min(r.start)))
        .chain(markers.iter().map(|m| m.date))
        .min()
        .unwrap_or(p.start);
    let latest = rows
        .iter()
        .map(|r| r.travel.map_or(r.end, |t| t.1.max(r.end)))
        .chain(markers.iter().map(|m| m.date))
        .max()
        .unwrap_or(p.end());
    let from = first_of_month(earliest);
    let until = first_of_month(latest)
        .checked_add_months(Months::new(1))
        .unwrap_or(latest);
    let mut months = Vec::new();
    let mut m = from;
    while m < until {
        months.push(m);
        m = match m.checked_add_months(Months::new(1)) {
            Some(next) => next,
            None => break,
        };
    }
    Timeline {
        from,
        until,
        rows,
        markers,
        months,
    }
}

/// Escapes text for SVG (XML) content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Control characters are not allowed in XML 1.0.
            c if (c as u32) < 0x20 && c != '\t' && c != '\n' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Colours per row style, shared with the PDF.
pub fn colour(style: RowStyle) -> (u8, u8, u8) {
    match style {
        RowStyle::Window => (0xc8, 0xd6, 0xe5),
        RowStyle::Project => (0x2f, 0x5d, 0x8a),
        RowStyle::Activity => (0x2e, 0x8b, 0x57),
        RowStyle::Visit => (0xd9, 0x8c, 0x1f),
    }
}

pub const TRAVEL_COLOUR: (u8, u8, u8) = (0xa8, 0xd5, 0xba);
pub const MARKER_COLOUR: (u8, u8, u8) = (0xb0, 0x30, 0x30);

fn hex((r, g, b): (u8, u8, u8)) -> String {
    format!("#{r:02x}{g:02x}{b:02x}")
}

/// Truncates a label to fit the label column (the full text stays in the tooltip).
fn short(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_owned()
    } else {
        let mut out: String = s.chars().take(max - 1).collect();
        out.push('…');
        out
    }
}

/// The chart as a standalone SVG document (also inlined in the web page).
pub fn svg(plan: &Plan) -> String {
    let tl = timeline(plan);
    let lang: Lang = plan.lang;
    let (label_w, chart_w, row_h, top) = (240.0_f32, 680.0_f32, 22.0_f32, 34.0_f32);
    let width = label_w + chart_w + 20.0;
    let height = top + row_h * tl.rows.len() as f32 + 22.0 * tl.markers.len() as f32 + 16.0;
    let x = |f: f32| label_w + f * chart_w;
    let mut s = String::new();
    s.push_str(&format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" role=\"img\" aria-labelledby=\"timeline-title\" font-family=\"DejaVu Sans, Verdana, sans-serif\" font-size=\"12\">\n"
    ));
    s.push_str(&format!(
        "<title id=\"timeline-title\">{}: {}</title>\n",
        escape(&t(lang, "export.timeline-title")),
        escape(&plan.project.title)
    ));
    s.push_str(&format!(
        "<rect x=\"0\" y=\"0\" width=\"{width}\" height=\"{height}\" fill=\"#ffffff\"/>\n"
    ));
    let chart_bottom = top + row_h * tl.rows.len() as f32;
    for (i, m) in tl.months.iter().enumerate() {
        let mx = x(tl.fraction(*m));
        s.push_str(&format!(
            "<line x1=\"{mx:.1}\" y1=\"{:.1}\" x2=\"{mx:.1}\" y2=\"{chart_bottom:.1}\" stroke=\"#dddddd\"/>\n",
            top - 6.0
        ));
        // Every month's tick, but a label only where there is room for it.
        if tl.months.len() <= 14 || i % 2 == 0 {
            s.push_str(&format!(
                "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"10\" fill=\"#555555\">{}</text>\n",
                mx + 2.0,
                top - 10.0,
                m.format("%Y-%m")
            ));
        }
    }
    for (i, row) in tl.rows.iter().enumerate() {
        let y = top + row_h * i as f32;
        s.push_str(&format!(
            "<text x=\"4\" y=\"{:.1}\">{}</text>\n",
            y + 15.0,
            escape(&short(&row.label, 34))
        ));
        if let Some((first, last)) = row.travel {
            let x1 = x(tl.fraction(first));
            let x2 = x(tl.fraction_after(last));
            s.push_str(&format!(
                "<rect x=\"{x1:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"10\" fill=\"{}\"><title>{}</title></rect>\n",
                y + 6.0,
                (x2 - x1).max(1.5),
                hex(TRAVEL_COLOUR),
                escape(&format!("{}: {}", t(lang, "export.timeline.travel"), crate::text::dates(first, last)))
            ));
        }
        let x1 = x(tl.fraction(row.start));
        let x2 = x(tl.fraction_after(row.end));
        s.push_str(&format!(
            "<rect x=\"{x1:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"14\" rx=\"2\" fill=\"{}\"><title>{}</title></rect>\n",
            y + 4.0,
            (x2 - x1).max(2.0),
            hex(colour(row.style)),
            escape(&format!("{} — {}", row.label, row.detail))
        ));
    }
    for (i, m) in tl.markers.iter().enumerate() {
        let mx = x(tl.fraction(m.date));
        let ly = chart_bottom + 16.0 + 22.0 * i as f32;
        s.push_str(&format!(
            "<line x1=\"{mx:.1}\" y1=\"{:.1}\" x2=\"{mx:.1}\" y2=\"{:.1}\" stroke=\"{}\" stroke-width=\"2\"/>\n",
            top - 4.0,
            ly - 10.0,
            hex(MARKER_COLOUR)
        ));
        s.push_str(&format!(
            "<text x=\"4\" y=\"{ly:.1}\" fill=\"{}\">{}</text>\n",
            hex(MARKER_COLOUR),
            escape(&format!("{}: {}", m.label, crate::text::date(m.date)))
        ));
    }
    s.push_str("</svg>\n");
    s
}
