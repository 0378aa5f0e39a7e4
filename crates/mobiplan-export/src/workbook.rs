//! The spreadsheets: the budget workbook (a summary sheet, one sheet per budget category with
//! one row per line, the mobility list) and the mobility list on its own. Amounts are numbers
//! in euros with two decimals, copied from the core's budget; a range has a minimum and a
//! maximum column, an exact budget one amount column.

use mobiplan_core::budget::{Budget, Category, Line, LineOwner};
use mobiplan_core::money::Amount;
use mobiplan_i18n::{Lang, line_label};
use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};

use crate::text::{euros, mark, r, t};
use crate::{ExportError, Plan, mobility};

fn err(e: XlsxError) -> ExportError {
    ExportError::Xlsx(e.to_string())
}

struct Styles {
    bold: Format,
    money: Format,
    money_bold: Format,
    wrap: Format,
    head: Format,
}

fn styles() -> Styles {
    Styles {
        bold: Format::new().set_bold(),
        money: Format::new().set_num_format("#,##0.00"),
        money_bold: Format::new().set_num_format("#,##0.00").set_bold(),
        wrap: Format::new().set_text_wrap(),
        head: Format::new()
            .set_bold()
            .set_background_color(0xdde6f0)
            .set_text_wrap(),
    }
}

/// Excel's sheet names: at most 31 characters, none of `[]:*?/\`, unique in the workbook.
fn sheet_name(name: &str, taken: &mut Vec<String>) -> String {
    let clean: String = name
        .chars()
        .filter(|c| !"[]:*?/\\".contains(*c))
        .take(31)
        .collect();
    let mut candidate = clean.clone();
    let mut n = 2;
    while taken.iter().any(|t| t.eq_ignore_ascii_case(&candidate)) {
        let suffix = format!(" {n}");
        candidate = clean.chars().take(31 - suffix.len()).collect::<String>() + &suffix;
        n += 1;
    }
    taken.push(candidate.clone());
    candidate
}

/// Writes an amount at `col` (and its maximum at `col + 1` when the budget is a range).
fn write_amount(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    a: Amount,
    range: bool,
    f: &Format,
) -> Result<(), XlsxError> {
    ws.write_number_with_format(row, col, euros(a.min), f)?;
    if range {
        ws.write_number_with_format(row, col + 1, euros(a.max), f)?;
    }
    Ok(())
}

fn amount_headers(lang: Lang, range: bool) -> Vec<String> {
    if range {
        vec![t(lang, "export.amount-min"), t(lang, "export.amount-max")]
    } else {
        vec![t(lang, "export.amount")]
    }
}

fn owner_name(plan: &Plan, o: &LineOwner) -> String {
    match o {
        LineOwner::Activity { index, id } => match plan.project.activities.get(*index) {
            Some(a) => format!("{id} ({})", crate::text::kind(plan.lang, a.kind)),
            None => id.to_string(),
        },
        LineOwner::Visit { id, .. } => {
            format!("{id} ({})", t(plan.lang, "kind.preparatory-visit"))
        }
    }
}

fn values_used(line: &Line, lang: Lang) -> String {
    line.params
        .iter()
        .map(|p| {
            format!(
                "{} = {} [{}; {}]{}",
                p.path,
                p.value,
                p.source,
                t(lang, &format!("confidence.{:?}", p.confidence)),
                mark(p.confidence)
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn parts(line: &Line, lang: Lang) -> String {
    line.children
        .iter()
        .map(|c| {
            format!(
                "{}: {} = {}",
                line_label(c, lang),
                c.formula,
                crate::text::line_amount(c, lang)
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn notes(plan: &Plan) -> Vec<String> {
    let lang = plan.lang;
    let b = plan.budget;
    let mut out = vec![match &b.rate_profile {
        Some(p) => r(lang, "export.profile-note", &[("profile", p.clone())]),
        None => t(lang, "export.range-note"),
    }];
    if b.confidence.is_provisional() {
        out.push(t(lang, "export.provisional-note"));
    }
    if b.incomplete {
        out.push(t(lang, "cli.incomplete-note"));
    }
    if b.placeholder {
        out.push(t(lang, "cli.placeholder-note"));
    }
    out
}

fn summary_sheet(plan: &Plan, ws: &mut Worksheet, s: &Styles) -> Result<(), XlsxError> {
    let lang = plan.lang;
    let p = plan.project;
    let b: &Budget = plan.budget;
    let range = !b.total.is_exact();
    ws.set_column_width(0, 44)?;
    ws.set_column_width(1, 18)?;
    ws.set_column_width(2, 18)?;
    ws.write_string_with_format(0, 0, &p.title, &s.bold)?;
    let facts = [
        (t(lang, "export.applicant"), p.applicant.name.clone()),
        (
            t(lang, "export.call"),
            r(
                lang,
                "cli.call",
                &[
                    ("year", p.call_year.to_string()),
                    ("round", p.round.to_string()),
                ],
            ),
        ),
        (
            t(lang, "export.field"),
            t(lang, &format!("field.{}", p.field.as_str())),
        ),
        (
            t(lang, "export.period"),
            crate::text::dates(p.start, p.end()),
        ),
    ];
    let mut row = 1;
    for (k, v) in facts {
        ws.write_string(row, 0, &k)?;
        ws.write_string(row, 1, &v)?;
        row += 1;
    }
    row += 1;
    ws.write_string_with_format(row, 0, t(lang, "export.category"), &s.head)?;
    for (i, h) in amount_headers(lang, range).iter().enumerate() {
        ws.write_string_with_format(row, 1 + i as u16, h, &s.head)?;
    }
    row += 1;
    for c in &b.by_category {
        ws.write_string(row, 0, t(lang, &format!("category.{}", c.category.id())))?;
        write_amount(ws, row, 1, c.amount, range, &s.money)?;
        row += 1;
    }
    ws.write_string_with_format(row, 0, t(lang, "export.total"), &s.bold)?;
    write_amount(ws, row, 1, b.total, range, &s.money_bold)?;
    row += 2;
    for n in notes(plan) {
        ws.write_string(row, 0, &n)?;
        row += 1;
    }
    ws.write_string(
        row,
        0,
        r(
            lang,
            "export.made-with",
            &[
                ("version", env!("CARGO_PKG_VERSION").to_owned()),
                ("edition", plan.rulebook.meta.edition.clone()),
                ("date", crate::text::date(plan.now.date_naive())),
            ],
        ),
    )?;
    Ok(())
}

fn category_sheet(
    plan: &Plan,
    category: Category,
    ws: &mut Worksheet,
    s: &Styles,
) -> Result<(), XlsxError> {
    let lang = plan.lang;
    let range = !plan.budget.total.is_exact();
    let mut headers = vec![
        t(lang, "export.activity"),
        t(lang, "export.line"),
        t(lang, "export.formula"),
    ];
    headers.extend(amount_headers(lang, range));
    headers.extend([
        t(lang, "export.confidence"),
        t(lang, "export.unconfirmed"),
        t(lang, "export.values-used"),
        t(lang, "export.parts"),
    ]);
    let widths = if range {
        vec![28, 46, 30, 14, 14, 22, 10, 70, 60]
    } else {
        vec![28, 46, 30, 14, 22, 10, 70, 60]
    };
    for (i, w) in widths.iter().enumerate() {
        ws.set_column_width(i as u16, *w)?;
    }
    for (i, h) in headers.iter().enumerate() {
        ws.write_string_with_format(0, i as u16, h, &s.head)?;
    }
    ws.set_freeze_panes(1, 0)?;
    let after = if range { 5 } else { 4 };
    let mut row = 1;
    for line in plan.budget.lines.iter().filter(|l| l.category == category) {
        ws.write_string(row, 0, owner_name(plan, &line.owner))?;
        let mut label = line_label(line, lang);
        if line.incomplete {
            label = format!("{label} ({})", t(lang, "export.incomplete"));
        }
        // The cell holds the figure as a number; the label says it is an example.
        if line.placeholder {
            label = format!("{label} (≈ {})", t(lang, "cli.placeholder-mark"));
        }
        ws.write_string_with_format(row, 1, &label, &s.wrap)?;
        ws.write_string(row, 2, line.formula.to_string())?;
        write_amount(ws, row, 3, line.amount, range, &s.money)?;
        ws.write_string(
            row,
            after,
            t(lang, &format!("confidence.{:?}", line.confidence)),
        )?;
        ws.write_string(
            row,
            after + 1,
            crate::text::yes_no(line.confidence.is_provisional(), lang),
        )?;
        ws.write_string_with_format(row, after + 2, values_used(line, lang), &s.wrap)?;
        ws.write_string_with_format(row, after + 3, parts(line, lang), &s.wrap)?;
        row += 1;
    }
    if row == 1 {
        ws.write_string(row, 0, t(lang, "export.no-lines"))?;
        row += 1;
    }
    let total = plan
        .budget
        .by_category
        .iter()
        .find(|c| c.category == category)
        .map(|c| c.amount)
        .unwrap_or_default();
    ws.write_string_with_format(row, 0, t(lang, "export.total"), &s.bold)?;
    write_amount(ws, row, 3, total, range, &s.money_bold)?;
    Ok(())
}

fn mobility_sheet(plan: &Plan, ws: &mut Worksheet, s: &Styles) -> Result<(), XlsxError> {
    for (i, h) in mobility::headers(plan.lang).iter().enumerate() {
        ws.write_string_with_format(0, i as u16, h, &s.head)?;
        ws.set_column_width(i as u16, 18)?;
    }
    ws.set_freeze_panes(1, 0)?;
    for (n, row) in mobility::mobility_rows(plan.project, plan.rulebook, plan.lang)
        .iter()
        .enumerate()
    {
        for (i, cell) in row.cells().iter().enumerate() {
            ws.write_string(n as u32 + 1, i as u16, *cell)?;
        }
    }
    Ok(())
}

pub fn budget_workbook(plan: &Plan) -> Result<Vec<u8>, ExportError> {
    let s = styles();
    let mut wb = Workbook::new();
    let mut taken = Vec::new();
    let lang = plan.lang;
    let ws = wb.add_worksheet();
    ws.set_name(sheet_name(&t(lang, "export.workbook-summary"), &mut taken))
        .map_err(err)?;
    summary_sheet(plan, ws, &s).map_err(err)?;
    for c in Category::ALL {
        if !plan.budget.lines.iter().any(|l| l.category == c) {
            continue;
        }
        let ws = wb.add_worksheet();
        ws.set_name(sheet_name(
            &t(lang, &format!("category.{}", c.id())),
            &mut taken,
        ))
        .map_err(err)?;
        category_sheet(plan, c, ws, &s).map_err(err)?;
    }
    let ws = wb.add_worksheet();
    ws.set_name(sheet_name(&t(lang, "export.mobility-sheet"), &mut taken))
        .map_err(err)?;
    mobility_sheet(plan, ws, &s).map_err(err)?;
    wb.save_to_buffer().map_err(err)
}

pub fn mobility_workbook(plan: &Plan) -> Result<Vec<u8>, ExportError> {
    let s = styles();
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(sheet_name(
        &t(plan.lang, "export.mobility-sheet"),
        &mut Vec::new(),
    ))
    .map_err(err)?;
    mobility_sheet(plan, ws, &s).map_err(err)?;
    wb.save_to_buffer().map_err(err)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_names_fit_excel_and_stay_unique() {
        let mut taken = Vec::new();
        let long = "Iekļaušanas atbalsts organizācijām un vēl";
        let a = sheet_name(long, &mut taken);
        let b = sheet_name(long, &mut taken);
        assert!(a.chars().count() <= 31 && b.chars().count() <= 31);
        assert_ne!(a, b);
        assert_eq!(sheet_name("a/b:c", &mut taken), "abc");
    }
}
