//! The PDF documents: the director's one-page summary, the full plan and the course quality
//! checklists. Text is set in DejaVu Sans, embedded (subset) so that Latvian letters render on
//! any machine and extract as text. Pages are laid out first as drawing operations (so that
//! the summary can be shortened until it fits one page, and every page knows the page count),
//! then drawn with krilla.

use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::num::NormalizedF32;
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::text::{Font, TextDirection};
use krilla::{Data, Document};
use mobiplan_core::Severity;
use mobiplan_core::budget::{Line, LineOwner};
use mobiplan_core::project::file::QualityArea;
use mobiplan_core::project::{AccompanyingWho, Activity, Participants};
use mobiplan_i18n::{finding_message, line_label};
use skrifa::instance::{LocationRef, Size};
use skrifa::{FontRef, MetadataProvider};

use crate::text::{
    activity_name, activity_name_and_kind, amount, dates, kind, line_amount, mark, r, t, visit_name,
};
use crate::timeline::{self, MARKER_COLOUR, RowStyle, TRAVEL_COLOUR, Timeline};
use crate::{ExportError, Plan};

const REGULAR: &[u8] = include_bytes!("../fonts/DejaVuSans.ttf");
const BOLD: &[u8] = include_bytes!("../fonts/DejaVuSans-Bold.ttf");

/// A4 in points.
const PAGE_W: f32 = 595.28;
const PAGE_H: f32 = 841.89;
const MARGIN: f32 = 42.0;
const BOTTOM: f32 = PAGE_H - 56.0;
const TEXT_W: f32 = PAGE_W - 2.0 * MARGIN;

type Colour = (u8, u8, u8);
const BLACK: Colour = (0x1a, 0x1a, 0x1a);
const GREY: Colour = (0x60, 0x60, 0x60);
const RED: Colour = (0xa0, 0x20, 0x20);
const AMBER: Colour = (0x8a, 0x5a, 0x00);
const RULE: Colour = (0xc0, 0xc0, 0xc0);

enum Op {
    Text {
        x: f32,
        y: f32,
        size: f32,
        bold: bool,
        colour: Colour,
        text: String,
    },
    Rect {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        colour: Colour,
    },
    Line {
        x1: f32,
        y1: f32,
        x2: f32,
        y2: f32,
        colour: Colour,
    },
}

/// Advance widths of one face, to wrap text at its printed width.
struct Metrics {
    font: FontRef<'static>,
}

impl Metrics {
    fn new(data: &'static [u8]) -> Result<Metrics, ExportError> {
        FontRef::new(data)
            .map(|font| Metrics { font })
            .map_err(|e| ExportError::Pdf(format!("embedded font: {e}")))
    }

    fn width(&self, s: &str, size: f32) -> f32 {
        let charmap = self.font.charmap();
        let glyphs = self
            .font
            .glyph_metrics(Size::new(size), LocationRef::default());
        s.chars()
            .map(|c| {
                charmap
                    .map(c)
                    .and_then(|g| glyphs.advance_width(g))
                    .unwrap_or(size * 0.6)
            })
            .sum()
    }
}

#[derive(Clone, Copy)]
enum Align {
    Left,
    Right,
}

struct Column {
    width: f32,
    align: Align,
}

struct Layout {
    pages: Vec<Vec<Op>>,
    y: f32,
    regular: Metrics,
    bold: Metrics,
}

impl Layout {
    fn new() -> Result<Layout, ExportError> {
        Ok(Layout {
            pages: vec![Vec::new()],
            y: MARGIN,
            regular: Metrics::new(REGULAR)?,
            bold: Metrics::new(BOLD)?,
        })
    }

    fn ops(&mut self) -> &mut Vec<Op> {
        if self.pages.is_empty() {
            self.pages.push(Vec::new());
        }
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = MARGIN;
    }

    /// Starts a new page unless `h` more points fit on this one.
    fn room(&mut self, h: f32) {
        if self.y + h > BOTTOM && self.y > MARGIN {
            self.new_page();
        }
    }

    fn text_at(&mut self, x: f32, baseline: f32, size: f32, bold: bool, colour: Colour, s: &str) {
        self.ops().push(Op::Text {
            x,
            y: baseline,
            size,
            bold,
            colour,
            text: s.to_owned(),
        });
    }

    fn width(&self, s: &str, size: f32, bold: bool) -> f32 {
        if bold {
            self.bold.width(s, size)
        } else {
            self.regular.width(s, size)
        }
    }

    /// Greedy word wrap; a word longer than the line is broken between letters.
    fn wrap(&self, s: &str, size: f32, bold: bool, width: f32) -> Vec<String> {
        let mut lines = Vec::new();
        for paragraph in s.split('\n') {
            let mut current = String::new();
            for word in paragraph.split_whitespace() {
                let candidate = if current.is_empty() {
                    word.to_owned()
                } else {
                    format!("{current} {word}")
                };
                if self.width(&candidate, size, bold) <= width {
                    current = candidate;
                    continue;
                }
                if !current.is_empty() {
                    lines.push(std::mem::take(&mut current));
                }
                for c in word.chars() {
                    let mut next = current.clone();
                    next.push(c);
                    if self.width(&next, size, bold) > width && !current.is_empty() {
                        lines.push(std::mem::take(&mut current));
                        current.push(c);
                    } else {
                        current = next;
                    }
                }
            }
            lines.push(current);
        }
        lines
    }

    fn para_with(&mut self, s: &str, size: f32, bold: bool, colour: Colour, indent: f32) {
        let lh = size * 1.35;
        for line in self.wrap(s, size, bold, TEXT_W - indent) {
            self.room(lh);
            let y = self.y + size;
            self.text_at(MARGIN + indent, y, size, bold, colour, &line);
            self.y += lh;
        }
    }

    fn para(&mut self, s: &str, size: f32) {
        self.para_with(s, size, false, BLACK, 0.0);
    }

    fn heading(&mut self, s: &str, size: f32) {
        self.room(size * 3.0);
        self.y += size * 0.6;
        self.para_with(s, size, true, BLACK, 0.0);
        self.y += size * 0.2;
    }

    fn gap(&mut self, h: f32) {
        self.y += h;
    }

    fn rule(&mut self) {
        let y = self.y;
        self.ops().push(Op::Line {
            x1: MARGIN,
            y1: y,
            x2: PAGE_W - MARGIN,
            y2: y,
            colour: RULE,
        });
    }

    /// The columns' widths, widened where a word (the header's included) would not fit and
    /// would be broken between letters ("accompanyin/g"), taking the room from columns that
    /// have more than their own longest word needs. The table keeps its total width.
    fn fitted_widths(
        &self,
        cols: &[Column],
        header: &[String],
        rows: &[Vec<String>],
        size: f32,
        pad: f32,
    ) -> Vec<f32> {
        let longest_word = |cell: &str, bold: bool| {
            cell.split_whitespace()
                .map(|w| self.width(w, size, bold))
                .fold(0.0_f32, f32::max)
        };
        let need: Vec<f32> = cols
            .iter()
            .enumerate()
            .map(|(i, _)| {
                let head = header.get(i).map_or(0.0, |h| longest_word(h, true));
                let body = rows
                    .iter()
                    .filter_map(|r| r.get(i))
                    // The last row may be a bold total.
                    .map(|c| longest_word(c, true))
                    .fold(0.0_f32, f32::max);
                head.max(body) + pad
            })
            .collect();
        let mut widths: Vec<f32> = cols.iter().map(|c| c.width).collect();
        let deficit: f32 = widths
            .iter()
            .zip(&need)
            .map(|(w, n)| (n - w).max(0.0))
            .sum();
        let spare: f32 = widths
            .iter()
            .zip(&need)
            .map(|(w, n)| (w - n).max(0.0))
            .sum();
        if deficit <= 0.0 || spare <= 0.0 {
            return widths;
        }
        // Where the spare room is short of what is needed, each needing column gets its share.
        let given = deficit.min(spare);
        for (w, n) in widths.iter_mut().zip(&need) {
            if *n > *w {
                *w += (*n - *w) / deficit * given;
            } else {
                *w -= (*w - *n) / spare * given;
            }
        }
        widths
    }

    /// A table; the header repeats on every page the table continues on. `bold_last` sets the
    /// last row (a total) in bold.
    fn table(
        &mut self,
        cols: &[Column],
        header: &[String],
        rows: &[Vec<String>],
        size: f32,
        bold_last: bool,
    ) {
        let lh = size * 1.3;
        let pad = 4.0;
        let widths = self.fitted_widths(cols, header, rows, size, pad);
        let cell_lines = |me: &Layout, row: &[String], bold: bool| -> Vec<Vec<String>> {
            row.iter()
                .zip(&widths)
                .map(|(cell, w)| me.wrap(cell, size, bold, w - pad))
                .collect()
        };
        let draw = |me: &mut Layout, lines: &[Vec<String>], bold: bool, colour: Colour| {
            let h = lines.iter().map(Vec::len).max().unwrap_or(1) as f32 * lh + 3.0;
            let mut x = MARGIN;
            for ((cell, c), w) in lines.iter().zip(cols).zip(&widths) {
                for (i, l) in cell.iter().enumerate() {
                    let y = me.y + size + i as f32 * lh;
                    let tx = match c.align {
                        Align::Left => x,
                        Align::Right => x + w - pad - me.width(l, size, bold),
                    };
                    me.text_at(tx, y, size, bold, colour, l);
                }
                x += w;
            }
            me.y += h;
        };
        let head = cell_lines(self, header, true);
        let head_h = head.iter().map(Vec::len).max().unwrap_or(1) as f32 * lh + 3.0;
        self.room(head_h + lh * 2.0);
        draw(self, &head, true, GREY);
        self.rule();
        self.y += 2.0;
        for (i, row) in rows.iter().enumerate() {
            let bold = bold_last && i + 1 == rows.len();
            let lines = cell_lines(self, row, bold);
            let h = lines.iter().map(Vec::len).max().unwrap_or(1) as f32 * lh + 3.0;
            if self.y + h > BOTTOM {
                self.new_page();
                draw(self, &head, true, GREY);
                self.rule();
                self.y += 2.0;
            }
            if bold {
                self.rule();
                self.y += 2.0;
            }
            draw(self, &lines, bold, BLACK);
        }
    }

    fn timeline(&mut self, tl: &Timeline) {
        let (label_w, row_h, size) = (150.0_f32, 13.0_f32, 7.0_f32);
        let chart_w = TEXT_W - label_w;
        let height = 16.0 + row_h * tl.rows.len() as f32 + 11.0 * tl.markers.len() as f32 + 6.0;
        self.room(height.min(BOTTOM - MARGIN));
        let top = self.y + 12.0;
        let x0 = MARGIN + label_w;
        let bottom = top + row_h * tl.rows.len() as f32;
        let step = if tl.months.len() > 14 { 2 } else { 1 };
        for (i, m) in tl.months.iter().enumerate() {
            let x = x0 + tl.fraction(*m) * chart_w;
            self.ops().push(Op::Line {
                x1: x,
                y1: top - 4.0,
                x2: x,
                y2: bottom,
                colour: (0xe0, 0xe0, 0xe0),
            });
            if i % step == 0 {
                self.text_at(
                    x + 1.5,
                    top - 5.0,
                    6.0,
                    false,
                    GREY,
                    &m.format("%Y-%m").to_string(),
                );
            }
        }
        for (i, row) in tl.rows.iter().enumerate() {
            let y = top + row_h * i as f32;
            let label = self.fit(&row.label, size, label_w - 6.0);
            self.text_at(
                MARGIN,
                y + 9.0,
                size,
                row.style == RowStyle::Project,
                BLACK,
                &label,
            );
            if let Some((first, last)) = row.travel {
                let x1 = x0 + tl.fraction(first) * chart_w;
                let x2 = x0 + tl.fraction_after(last) * chart_w;
                self.ops().push(Op::Rect {
                    x: x1,
                    y: y + 4.0,
                    w: (x2 - x1).max(1.0),
                    h: 6.0,
                    colour: TRAVEL_COLOUR,
                });
            }
            let x1 = x0 + tl.fraction(row.start) * chart_w;
            let x2 = x0 + tl.fraction_after(row.end) * chart_w;
            self.ops().push(Op::Rect {
                x: x1,
                y: y + 2.5,
                w: (x2 - x1).max(1.5),
                h: 9.0,
                colour: timeline::colour(row.style),
            });
        }
        for (i, m) in tl.markers.iter().enumerate() {
            let x = x0 + tl.fraction(m.date) * chart_w;
            let ly = bottom + 10.0 + 11.0 * i as f32;
            self.ops().push(Op::Line {
                x1: x,
                y1: top - 2.0,
                x2: x,
                y2: ly - 7.0,
                colour: MARKER_COLOUR,
            });
            let text = format!("{}: {}", m.label, crate::text::date(m.date));
            self.text_at(MARGIN, ly, size, false, MARKER_COLOUR, &text);
        }
        self.y = bottom + 11.0 * tl.markers.len() as f32 + 10.0;
    }

    /// Shortens a text with an ellipsis to fit `width`.
    fn fit(&self, s: &str, size: f32, width: f32) -> String {
        if self.width(s, size, false) <= width {
            return s.to_owned();
        }
        let mut out = String::new();
        for c in s.chars() {
            let mut next = out.clone();
            next.push(c);
            next.push('…');
            if self.width(&next, size, false) > width {
                break;
            }
            out.push(c);
        }
        out.push('…');
        out
    }
}

fn fill(c: Colour) -> Fill {
    Fill {
        paint: rgb::Color::new(c.0, c.1, c.2).into(),
        opacity: NormalizedF32::ONE,
        rule: Default::default(),
    }
}

fn render(plan: &Plan, layout: Layout) -> Result<Vec<u8>, ExportError> {
    let font = |data: &'static [u8]| {
        Font::new(Data::from(data), 0)
            .ok_or_else(|| ExportError::Pdf("the embedded font does not load".into()))
    };
    let regular = font(REGULAR)?;
    let bold = font(BOLD)?;
    let settings = PageSettings::from_wh(PAGE_W, PAGE_H)
        .ok_or_else(|| ExportError::Pdf("page size".into()))?;
    let total = layout.pages.len();
    let footer = r(
        plan.lang,
        "export.made-with",
        &[
            ("version", env!("CARGO_PKG_VERSION").to_owned()),
            ("edition", plan.rulebook.meta.edition.clone()),
            ("date", crate::text::date(plan.now.date_naive())),
        ],
    );
    let mut doc = Document::new();
    for (n, ops) in layout.pages.iter().enumerate() {
        let mut page = doc.start_page_with(settings.clone());
        let mut s = page.surface();
        for op in ops {
            match op {
                Op::Text {
                    x,
                    y,
                    size,
                    bold: b,
                    colour,
                    text,
                } => {
                    s.set_fill(Some(fill(*colour)));
                    let f = if *b { bold.clone() } else { regular.clone() };
                    s.draw_text(
                        Point::from_xy(*x, *y),
                        f,
                        *size,
                        text,
                        false,
                        TextDirection::Auto,
                    );
                }
                Op::Rect { x, y, w, h, colour } => {
                    if let Some(rect) = Rect::from_xywh(*x, *y, *w, *h) {
                        let mut pb = PathBuilder::new();
                        pb.push_rect(rect);
                        if let Some(path) = pb.finish() {
                            s.set_fill(Some(fill(*colour)));
                            s.set_stroke(None);
                            s.draw_path(&path);
                        }
                    }
                }
                Op::Line {
                    x1,
                    y1,
                    x2,
                    y2,
                    colour,
                } => {
                    let mut pb = PathBuilder::new();
                    pb.move_to(*x1, *y1);
                    pb.line_to(*x2, *y2);
                    if let Some(path) = pb.finish() {
                        s.set_fill(None);
                        s.set_stroke(Some(Stroke {
                            paint: rgb::Color::new(colour.0, colour.1, colour.2).into(),
                            width: 0.6,
                            ..Default::default()
                        }));
                        s.draw_path(&path);
                        s.set_stroke(None);
                    }
                }
            }
        }
        s.set_fill(Some(fill(GREY)));
        let page_no = r(
            plan.lang,
            "export.page",
            &[("n", (n + 1).to_string()), ("total", total.to_string())],
        );
        s.draw_text(
            Point::from_xy(MARGIN, PAGE_H - 30.0),
            regular.clone(),
            7.0,
            &format!("{footer}   {page_no}"),
            false,
            TextDirection::Auto,
        );
        s.finish();
        page.finish();
    }
    doc.finish().map_err(|e| ExportError::Pdf(format!("{e:?}")))
}

fn participants_total(plan: &Plan) -> (u32, u32) {
    let acts = &plan.project.activities;
    (
        acts.iter().map(|a| a.participants.count()).sum(),
        acts.iter().map(Activity::accompanying_count).sum(),
    )
}

fn facts(l: &mut Layout, plan: &Plan, size: f32) {
    let p = plan.project;
    let lang = plan.lang;
    let oid = p
        .applicant
        .oid
        .as_deref()
        .map(|o| format!(" ({} {o})", t(lang, "export.oid")))
        .unwrap_or_default();
    let (participants, accompanying) = participants_total(plan);
    let lines = [
        format!("{}: {}{oid}", t(lang, "export.applicant"), p.applicant.name),
        format!(
            "{} · {}",
            r(
                lang,
                "cli.call",
                &[
                    ("year", p.call_year.to_string()),
                    ("round", p.round.to_string())
                ]
            ),
            t(lang, &format!("field.{}", p.field.as_str()))
        ),
        format!(
            "{}: {} ({})",
            t(lang, "export.period"),
            dates(p.start, p.end()),
            r(
                lang,
                "export.months",
                &[("months", p.duration_months.to_string())]
            )
        ),
        r(
            lang,
            "export.participants-total",
            &[
                ("participants", participants.to_string()),
                ("accompanying", accompanying.to_string()),
            ],
        ),
    ];
    for line in lines {
        l.para(&line, size);
    }
}

fn host_text(plan: &Plan, a: &Activity) -> String {
    match &a.host {
        Some(h) => {
            let town = h
                .town
                .as_deref()
                .map(|t| format!(", {t}"))
                .unwrap_or_default();
            format!("{}{town} ({})", h.name, h.country.as_str())
        }
        None => plan.project.applicant.name.clone(),
    }
}

fn participants_cell(a: &Activity) -> String {
    let mut s = a.participants.count().to_string();
    let acc = a.accompanying_count();
    if acc > 0 {
        s.push_str(&format!(" + {acc}"));
    }
    s
}

fn activities_table(l: &mut Layout, plan: &Plan, limit: usize, size: f32) {
    let lang = plan.lang;
    let cols = [
        Column {
            width: 125.0,
            align: Align::Left,
        },
        Column {
            width: 105.0,
            align: Align::Left,
        },
        Column {
            width: 90.0,
            align: Align::Left,
        },
        Column {
            width: 75.0,
            align: Align::Right,
        },
        Column {
            width: TEXT_W - 395.0,
            align: Align::Left,
        },
    ];
    let header = [
        t(lang, "export.activity"),
        t(lang, "export.kind"),
        t(lang, "export.dates"),
        t(lang, "export.participants-accompanying"),
        t(lang, "export.host"),
    ];
    let mut rows: Vec<Vec<String>> = plan
        .project
        .activities
        .iter()
        .take(limit)
        .map(|a| {
            vec![
                activity_name(lang, a),
                kind(lang, a.kind),
                dates(a.start, a.end),
                participants_cell(a),
                host_text(plan, a),
            ]
        })
        .collect();
    let hidden = plan.project.activities.len().saturating_sub(limit);
    if hidden > 0 {
        rows.push(vec![
            r(lang, "export.more", &[("n", hidden.to_string())]),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
        ]);
    }
    l.table(&cols, &header, &rows, size, false);
}

fn category_table(l: &mut Layout, plan: &Plan, size: f32) {
    let lang = plan.lang;
    let cols = [
        Column {
            width: TEXT_W - 160.0,
            align: Align::Left,
        },
        Column {
            width: 160.0,
            align: Align::Right,
        },
    ];
    let currency = &plan.rulebook.meta.currency;
    let header = [t(lang, "export.category"), currency.clone()];
    let mut rows: Vec<Vec<String>> = plan
        .budget
        .by_category
        .iter()
        .filter(|c| c.amount.min.cents() != 0 || c.amount.max.cents() != 0)
        .map(|c| {
            vec![
                t(lang, &format!("category.{}", c.category.id())),
                amount(c.amount, lang),
            ]
        })
        .collect();
    rows.push(vec![
        t(lang, "export.total"),
        format!(
            "{}{}",
            amount(plan.budget.total, lang),
            mark(plan.budget.confidence)
        ),
    ]);
    l.table(&cols, &header, &rows, size, true);
    let b = plan.budget;
    let note = match &b.rate_profile {
        Some(p) => r(lang, "export.profile-note", &[("profile", p.clone())]),
        None => t(lang, "export.range-note"),
    };
    l.gap(2.0);
    l.para_with(&note, size - 1.0, false, GREY, 0.0);
    if b.confidence.is_provisional() {
        l.para_with(
            &t(lang, "export.provisional-note"),
            size - 1.0,
            false,
            GREY,
            0.0,
        );
    }
    for (shown, note) in [
        (b.incomplete, "cli.incomplete-note"),
        (b.placeholder, "cli.placeholder-note"),
    ] {
        if shown {
            l.para_with(&t(lang, note), size - 1.0, false, AMBER, 0.0);
        }
    }
}

fn finding_lines(l: &mut Layout, plan: &Plan, open_only: bool, limit: usize, size: f32) {
    let lang = plan.lang;
    let shown: Vec<_> = plan
        .findings
        .iter()
        .filter(|f| !open_only || f.severity >= Severity::Warning)
        .collect();
    if shown.is_empty() {
        l.para(&t(lang, "export.no-findings"), size);
        return;
    }
    for f in shown.iter().take(limit) {
        let colour = match f.severity {
            Severity::Error => RED,
            Severity::Warning => AMBER,
            Severity::Info => GREY,
        };
        l.para_with(
            &format!(
                "{} · {}{} · {}",
                t(lang, &format!("severity.{}", f.severity.as_str())),
                f.rule,
                mark(f.confidence),
                crate::text::subject(&f.subject, lang, plan.project)
            ),
            size,
            true,
            colour,
            0.0,
        );
        // The subject names what to fix; the field's file path is no words for a reader.
        l.para_with(&finding_message(f, lang), size, false, BLACK, 10.0);
    }
    if shown.len() > limit {
        l.para_with(
            &r(
                lang,
                "export.more",
                &[("n", (shown.len() - limit).to_string())],
            ),
            size,
            false,
            GREY,
            0.0,
        );
    }
}

fn summary_layout(plan: &Plan, limit: usize, size: f32) -> Result<Layout, ExportError> {
    let lang = plan.lang;
    let mut l = Layout::new()?;
    l.para_with(&t(lang, "export.summary-title"), 9.0, false, GREY, 0.0);
    l.para_with(&plan.project.title, 16.0, true, BLACK, 0.0);
    l.gap(4.0);
    facts(&mut l, plan, size);
    l.heading(&t(lang, "export.activities"), size + 3.0);
    activities_table(&mut l, plan, limit, size - 0.5);
    if !plan.project.visits.is_empty() {
        let visits: Vec<String> = plan
            .project
            .visits
            .iter()
            .map(|v| format!("{} ({})", v.host.name, dates(v.start, v.end)))
            .collect();
        l.gap(3.0);
        l.para(
            &format!("{}: {}", t(lang, "export.visits"), visits.join("; ")),
            size - 0.5,
        );
    }
    l.heading(&t(lang, "export.budget-by-category"), size + 3.0);
    category_table(&mut l, plan, size);
    l.heading(&t(lang, "export.open-findings"), size + 3.0);
    finding_lines(&mut l, plan, true, limit, size - 0.5);
    Ok(l)
}

/// The one-page summary: lists are shortened (and the text made smaller) until it fits.
pub fn summary(plan: &Plan) -> Result<Vec<u8>, ExportError> {
    let mut last = None;
    for (limit, size) in [
        (usize::MAX, 9.5),
        (12, 9.0),
        (8, 8.5),
        (5, 8.0),
        (3, 7.5),
        (1, 7.0),
        (0, 7.0),
    ] {
        let l = summary_layout(plan, limit, size)?;
        if l.pages.len() == 1 {
            return render(plan, l);
        }
        last = Some(l);
    }
    match last {
        Some(l) => render(plan, l),
        None => Err(ExportError::Pdf("no layout".into())),
    }
}

fn people_text(plan: &Plan, a: &Activity) -> String {
    let lang = plan.lang;
    let mut s = match &a.participants {
        Participants::Named(ids) => ids
            .iter()
            .map(|i| plan.project.people[*i].name.clone())
            .collect::<Vec<_>>()
            .join(", "),
        Participants::Counted { count, .. } => count.to_string(),
    };
    let fewer = a.participants.fewer_opportunities(&plan.project.people);
    if fewer > 0 {
        s.push_str(&format!(
            " ({}: {fewer})",
            t(lang, "export.mobility.fewer-opportunities")
        ));
    }
    let acc: Vec<String> = a
        .accompanying
        .iter()
        .map(|acc| match acc.who {
            AccompanyingWho::Person(i) => plan.project.people[i].name.clone(),
            AccompanyingWho::Counted { count, .. } => format!("+{count}"),
        })
        .collect();
    if !acc.is_empty() {
        s.push_str(&format!(
            "; {} ({}): {}",
            t(lang, "web.label.accompanying"),
            a.accompanying_count(),
            acc.join(", ")
        ));
    }
    s
}

fn activity_details(l: &mut Layout, plan: &Plan, a: &Activity, size: f32) {
    let lang = plan.lang;
    l.heading(&activity_name_and_kind(lang, a), size + 1.5);
    let mut lines = vec![
        format!(
            "{}: {} ({}: {})",
            t(lang, "export.dates"),
            dates(a.start, a.end),
            t(lang, "export.days").to_lowercase(),
            a.days()
        ),
        format!(
            "{}: {}",
            t(lang, "export.participants"),
            people_text(plan, a)
        ),
        format!("{}: {}", t(lang, "export.host"), host_text(plan, a)),
    ];
    if let Some(tr) = &a.travel {
        let mut s = format!("{}: ", t(lang, "export.mobility.distance-km"));
        match &tr.distance {
            Some(d) => {
                let band = plan.rulebook.band_label(plan.rulebook.band_for(d.km).0);
                s.push_str(&format!(
                    "{} ({}: {band})",
                    mobiplan_i18n::km(d.km, lang),
                    t(lang, "export.mobility.distance-band")
                ));
            }
            None => s.push('?'),
        }
        if let Some(m) = tr.means {
            s.push_str(&format!(
                "; {}: {}",
                t(lang, "export.mobility.means"),
                t(lang, &format!("means.{}", m.id()))
            ));
        }
        s.push_str(&format!(
            "; {}: {}; {}: {}",
            t(lang, "export.mobility.green"),
            crate::text::yes_no(tr.green, lang),
            t(lang, "export.mobility.travel-days"),
            tr.days
        ));
        lines.push(s);
    }
    if let Some(c) = &a.course {
        lines.push(format!(
            "{}: {} — {}",
            t(lang, "export.checklist.course"),
            c.title,
            c.provider
        ));
    }
    for line in lines {
        l.para(&line, size);
    }
}

fn explained_line(l: &mut Layout, plan: &Plan, line: &Line, size: f32, indent: f32) {
    let lang = plan.lang;
    let label = format!("{}{}", line_label(line, lang), mark(line.confidence));
    let amt = line_amount(line, lang);
    let amt_w = l.width(&amt, size, true);
    let lines = l.wrap(&label, size, indent == 0.0, TEXT_W - indent - amt_w - 20.0);
    let lh = size * 1.35;
    l.room(lh * (lines.len() as f32 + 1.0));
    for (i, text) in lines.iter().enumerate() {
        let y = l.y + size;
        l.text_at(MARGIN + indent, y, size, indent == 0.0, BLACK, text);
        if i == 0 {
            l.text_at(PAGE_W - MARGIN - amt_w, y, size, true, BLACK, &amt);
        }
        l.y += lh;
    }
    l.para_with(
        &format!("= {}", line.formula),
        size - 1.0,
        false,
        GREY,
        indent + 10.0,
    );
    // A value by what it is and its source's title, as on the web; the rulebook path is for
    // those who check the file and is not printed for readers.
    for p in &line.params {
        let source = plan.rulebook.sources.get(&*p.source).map_or_else(
            || p.source.to_string(),
            |s| mobiplan_i18n::source_title(s, lang).to_owned(),
        );
        l.para_with(
            &format!(
                "{} [{}; {}]{}",
                mobiplan_i18n::param_value(&p.value, lang),
                source,
                t(lang, &format!("confidence.{:?}", p.confidence)),
                mark(p.confidence)
            ),
            size - 1.5,
            false,
            GREY,
            indent + 10.0,
        );
    }
    for c in &line.children {
        explained_line(l, plan, c, size - 0.5, indent + 14.0);
    }
    l.gap(2.0);
}

fn budget_lines(l: &mut Layout, plan: &Plan, size: f32) {
    let mut current: Option<&LineOwner> = None;
    for line in &plan.budget.lines {
        if current != Some(&line.owner) {
            current = Some(&line.owner);
            let name = match &line.owner {
                LineOwner::Activity { index, id } => plan
                    .project
                    .activities
                    .get(*index)
                    .map(|a| activity_name_and_kind(plan.lang, a))
                    .unwrap_or_else(|| id.to_string()),
                LineOwner::Visit { index, id } => plan
                    .project
                    .visits
                    .get(*index)
                    .map(|v| visit_name(plan.lang, v))
                    .unwrap_or_else(|| id.to_string()),
            };
            l.heading(&name, size + 1.0);
        }
        explained_line(l, plan, line, size, 0.0);
    }
}

fn checklist_section(l: &mut Layout, plan: &Plan, size: f32) {
    let lang = plan.lang;
    let courses: Vec<&Activity> = plan
        .project
        .activities
        .iter()
        .filter(|a| a.course.is_some())
        .collect();
    if courses.is_empty() {
        l.para(&t(lang, "export.no-courses"), size);
        return;
    }
    l.para_with(&t(lang, "export.checklist.intro"), size, false, GREY, 0.0);
    for a in courses {
        let Some(course) = &a.course else { continue };
        l.room(150.0);
        let name = activity_name(lang, a);
        if name == course.title {
            l.heading(&course.title, size + 2.0);
        } else {
            l.heading(&format!("{} — {name}", course.title), size + 2.0);
        }
        l.para(
            &format!(
                "{}: {} · {}: {} · {}",
                t(lang, "export.checklist.provider"),
                course.provider,
                t(lang, "export.dates"),
                dates(a.start, a.end),
                host_text(plan, a)
            ),
            size,
        );
        let areas = [
            QualityArea::Information,
            QualityArea::Pedagogy,
            QualityArea::EuropeanDimension,
            QualityArea::QualityService,
            QualityArea::FollowUp,
        ];
        let checked = areas.iter().filter(|q| course.quality.contains(q)).count();
        l.para_with(
            &r(
                lang,
                "export.checklist.summary",
                &[
                    ("checked", checked.to_string()),
                    ("total", areas.len().to_string()),
                ],
            ),
            size,
            true,
            if checked == areas.len() { BLACK } else { AMBER },
            0.0,
        );
        l.gap(3.0);
        for (i, q) in areas.iter().enumerate() {
            let done = course.quality.contains(q);
            let status = t(
                lang,
                if done {
                    "export.checklist.checked"
                } else {
                    "export.checklist.to-check"
                },
            );
            l.para_with(
                &format!(
                    "{} {}. {} — {}",
                    if done { "☑" } else { "☐" },
                    i + 1,
                    t(lang, &format!("quality.{}", q.id())),
                    status
                ),
                size,
                true,
                BLACK,
                0.0,
            );
            l.para_with(
                &t(lang, &format!("export.checklist.{}", q.id())),
                size - 0.5,
                false,
                GREY,
                16.0,
            );
            l.para_with(
                &format!(
                    "{}: ______________________________________________",
                    t(lang, "export.checklist.notes")
                ),
                size - 0.5,
                false,
                GREY,
                16.0,
            );
            l.gap(2.0);
        }
    }
}

/// The full plan: every activity, every budget line explained, the findings, the checklists.
pub fn full_plan(plan: &Plan) -> Result<Vec<u8>, ExportError> {
    let lang = plan.lang;
    let size = 9.0;
    let mut l = Layout::new()?;
    l.para_with(&t(lang, "export.plan-title"), 9.0, false, GREY, 0.0);
    l.para_with(&plan.project.title, 16.0, true, BLACK, 0.0);
    l.gap(4.0);
    facts(&mut l, plan, size);
    l.heading(&t(lang, "export.timeline-title"), 12.0);
    l.timeline(&timeline::timeline(plan));
    l.heading(&t(lang, "export.activities"), 12.0);
    activities_table(&mut l, plan, usize::MAX, size - 0.5);
    for a in &plan.project.activities {
        activity_details(&mut l, plan, a, size);
    }
    if !plan.project.visits.is_empty() {
        l.heading(&t(lang, "export.visits"), 12.0);
        for v in &plan.project.visits {
            let prepares = plan
                .project
                .activities
                .get(v.prepares)
                .map(|a| activity_name(lang, a))
                .unwrap_or_default();
            l.para(
                &format!(
                    "{}, {}: {} ({}; {}: {})",
                    v.host.name,
                    v.host.country.as_str(),
                    dates(v.start, v.end),
                    r(lang, "export.visit-prepares", &[("activity", prepares)]),
                    t(lang, "export.participants").to_lowercase(),
                    v.persons.count()
                ),
                size,
            );
        }
    }
    l.new_page();
    l.heading(&t(lang, "export.budget-lines"), 12.0);
    budget_lines(&mut l, plan, size);
    l.heading(&t(lang, "export.budget-by-category"), 12.0);
    category_table(&mut l, plan, size);
    l.heading(&t(lang, "export.findings"), 12.0);
    finding_lines(&mut l, plan, false, usize::MAX, size);
    l.new_page();
    l.heading(&t(lang, "export.checklist-title"), 12.0);
    checklist_section(&mut l, plan, size);
    render(plan, l)
}

/// The course quality checklists alone, to print and fill in with the provider.
/// The application draft: every section of the form in its order, the words as written and
/// what is not written yet marked as such (`draft.rs` lays out the content).
pub fn application_draft(plan: &Plan) -> Result<Vec<u8>, ExportError> {
    use crate::draft::Block;
    let mut l = Layout::new()?;
    let missing = t(plan.lang, "export.application.not-written");
    for b in crate::draft::blocks(plan) {
        match b {
            Block::Title(s) => l.heading(&s, 16.0),
            Block::Subtitle(s) => {
                l.para_with(&s, 11.0, false, GREY, 0.0);
                l.gap(4.0);
            }
            Block::Section(s) => {
                l.gap(4.0);
                l.heading(&s, 13.0);
                l.rule();
                l.gap(3.0);
            }
            Block::Item(s) => l.heading(&s, 10.5),
            Block::Fact(label, value) => l.para(&format!("{label}: {value}"), 9.0),
            Block::Text(label, text) => {
                l.room(9.0 * 4.0);
                l.para_with(&label, 9.0, true, GREY, 0.0);
                l.para(&text, 9.0);
                l.gap(3.0);
            }
            Block::Missing(label) => {
                l.room(9.0 * 4.0);
                l.para_with(&label, 9.0, true, GREY, 0.0);
                l.para_with(&missing, 9.0, false, RED, 0.0);
                l.gap(3.0);
            }
        }
    }
    render(plan, l)
}

pub fn checklists(plan: &Plan) -> Result<Vec<u8>, ExportError> {
    let lang = plan.lang;
    let mut l = Layout::new()?;
    l.para_with(&t(lang, "export.checklist-title"), 9.0, false, GREY, 0.0);
    l.para_with(&plan.project.title, 16.0, true, BLACK, 0.0);
    l.para(&plan.project.applicant.name, 9.5);
    l.gap(6.0);
    checklist_section(&mut l, plan, 9.5);
    render(plan, l)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapping_keeps_every_word_and_respects_the_width() {
        let l = Layout::new().unwrap();
        let text = "Rīgas Ziemeļu vidusskola sūta skolotājus uz Valensiju mācīties digitālos rīkus";
        let lines = l.wrap(text, 10.0, false, 120.0);
        assert!(lines.len() > 1);
        for line in &lines {
            assert!(l.width(line, 10.0, false) <= 120.0, "{line}");
        }
        assert_eq!(lines.join(" "), text);
    }

    #[test]
    fn a_column_is_widened_to_its_longest_word_from_the_others_spare_room() {
        let l = Layout::new().unwrap();
        let col = |width| Column {
            width,
            align: Align::Left,
        };
        let cols = [col(200.0), col(30.0)];
        let header = vec![
            "Activity".to_owned(),
            "Participants (+ accompanying)".to_owned(),
        ];
        let rows = vec![vec![
            "Job shadowing in Tartu".to_owned(),
            "4 + 1".to_owned(),
        ]];
        let widths = l.fitted_widths(&cols, &header, &rows, 9.0, 4.0);
        assert!(
            (widths.iter().sum::<f32>() - 230.0).abs() < 0.01,
            "{widths:?}"
        );
        let needed = l.width("accompanying)", 9.0, true) + 4.0;
        assert!(widths[1] >= needed - 0.01, "{widths:?} < {needed}");
        for line in l.wrap(&header[1], 9.0, true, widths[1] - 4.0) {
            assert!(
                header[1].split_whitespace().any(|w| line.contains(w)),
                "{line}"
            );
            assert!(!line.ends_with("accompanyin"), "{line}");
        }
        // Columns that fit keep their widths.
        assert_eq!(
            l.fitted_widths(&[col(200.0), col(200.0)], &header, &rows, 9.0, 4.0),
            vec![200.0, 200.0]
        );
    }
}
