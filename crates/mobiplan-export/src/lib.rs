//! mobiplan's exports: the documents a coordinator hands to others, made from the core's
//! results. Every function here is pure: a [`Plan`] (the loaded project, its rulebook, the
//! core's findings and budget, the reader's language and the moment of the export) in, bytes
//! out. No HTTP, no SQL, no clock: the shells (CLI, web) load, evaluate and pass "now" in.
//!
//! Every figure comes from the core's [`Budget`] — lines and totals are copied, never
//! recomputed — so an export always agrees with `mobiplan budget`. A range (no agency rates)
//! is shown as minimum – maximum, and values resting on a provisional rulebook value are
//! marked unconfirmed.

mod docx;
pub mod draft;
mod ics;
mod mobility;
mod pdf;
mod text;
mod timeline;
mod workbook;

use chrono::{DateTime, FixedOffset};
use mobiplan_core::budget::Budget;
use mobiplan_core::{CheckContext, Finding, Project, RateProfile, Rulebook};
use mobiplan_i18n::Lang;

pub use mobility::{MobilityRow, mobility_rows};
pub use timeline::{Timeline, svg as timeline_svg, timeline};

/// Everything an export is made from.
pub struct Plan<'a> {
    pub project: &'a Project,
    pub rulebook: &'a Rulebook,
    pub budget: &'a Budget,
    pub findings: &'a [Finding],
    pub lang: Lang,
    /// When the export is made: the calendar's DTSTAMP and the documents' date line.
    pub now: DateTime<FixedOffset>,
}

/// The core's results for a project, computed once for every export of it.
pub struct Evaluated {
    pub budget: Budget,
    pub findings: Vec<Finding>,
}

/// Runs the checker and the calculator exactly as `mobiplan check` and `mobiplan budget` do.
pub fn evaluate(
    project: &Project,
    rulebook: &Rulebook,
    profile: Option<&RateProfile>,
    now: DateTime<FixedOffset>,
) -> Evaluated {
    Evaluated {
        budget: mobiplan_core::budget(project, rulebook, profile),
        findings: mobiplan_core::check(project, rulebook, &CheckContext { now: Some(now) }),
    }
}

/// The export formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    /// The budget workbook: a summary sheet, one sheet per category, the mobility list.
    Xlsx,
    /// The director's one-page summary.
    PdfSummary,
    /// The full plan: activities, every budget line explained, findings, checklists, timeline.
    PdfPlan,
    /// The dates as an iCalendar file with reminders.
    Ics,
    /// The Gantt chart of the project period and its activities.
    TimelineSvg,
    /// One row per participant per activity, for the Beneficiary Module.
    MobilityCsv,
    MobilityXlsx,
    /// The course quality checklists, printable (PDF).
    Checklist,
    /// The whole application draft in the order of the form, as PDF.
    ApplicationPdf,
    /// The same draft as a Word document (Office Open XML), to edit the words.
    ApplicationDocx,
}

impl Format {
    pub const ALL: [Format; 10] = [
        Format::Xlsx,
        Format::PdfSummary,
        Format::PdfPlan,
        Format::Ics,
        Format::TimelineSvg,
        Format::MobilityCsv,
        Format::MobilityXlsx,
        Format::Checklist,
        Format::ApplicationPdf,
        Format::ApplicationDocx,
    ];

    /// The name used on the command line and in URLs.
    pub fn id(self) -> &'static str {
        match self {
            Format::Xlsx => "xlsx",
            Format::PdfSummary => "pdf-summary",
            Format::PdfPlan => "pdf-plan",
            Format::Ics => "ics",
            Format::TimelineSvg => "timeline-svg",
            Format::MobilityCsv => "mobility-csv",
            Format::MobilityXlsx => "mobility-xlsx",
            Format::Checklist => "checklist",
            Format::ApplicationPdf => "application-pdf",
            Format::ApplicationDocx => "application-docx",
        }
    }

    pub fn from_id(id: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.id() == id)
    }

    /// What the file is, in its name (`…-budget.xlsx`): the extension says the format.
    pub fn file_kind(self) -> &'static str {
        match self {
            Format::Xlsx => "budget",
            Format::PdfSummary => "summary",
            Format::PdfPlan => "plan",
            Format::Ics => "calendar",
            Format::TimelineSvg => "timeline",
            Format::MobilityCsv | Format::MobilityXlsx => "mobilities",
            Format::Checklist => "course-checklists",
            Format::ApplicationPdf | Format::ApplicationDocx => "application",
        }
    }

    /// The usual file name ending, with its dot.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Xlsx | Format::MobilityXlsx => ".xlsx",
            Format::PdfSummary | Format::PdfPlan | Format::Checklist | Format::ApplicationPdf => {
                ".pdf"
            }
            Format::ApplicationDocx => ".docx",
            Format::Ics => ".ics",
            Format::TimelineSvg => ".svg",
            Format::MobilityCsv => ".csv",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Format::Xlsx | Format::MobilityXlsx => {
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
            Format::PdfSummary | Format::PdfPlan | Format::Checklist | Format::ApplicationPdf => {
                "application/pdf"
            }
            Format::ApplicationDocx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
            Format::Ics => "text/calendar; charset=utf-8",
            Format::TimelineSvg => "image/svg+xml",
            Format::MobilityCsv => "text/csv; charset=utf-8",
        }
    }

    /// The i18n key of the format's name for people.
    pub fn label_key(self) -> String {
        format!("export.format.{}", self.id())
    }
}

impl std::str::FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Format, String> {
        Format::from_id(s).ok_or_else(|| {
            let all: Vec<&str> = Format::ALL.iter().map(|f| f.id()).collect();
            format!(
                "\"{s}\" is not an export format: use one of {}",
                all.join(", ")
            )
        })
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("cannot write the spreadsheet: {0}")]
    Xlsx(String),
    #[error("cannot write the PDF: {0}")]
    Pdf(String),
    #[error("cannot write the CSV: {0}")]
    Csv(String),
    #[error("cannot write the Word document: {0}")]
    Docx(String),
}

/// The file in the given format.
pub fn export(format: Format, plan: &Plan) -> Result<Vec<u8>, ExportError> {
    match format {
        Format::Xlsx => workbook::budget_workbook(plan),
        Format::PdfSummary => pdf::summary(plan),
        Format::PdfPlan => pdf::full_plan(plan),
        Format::Ics => Ok(ics::calendar(plan).into_bytes()),
        Format::TimelineSvg => Ok(timeline::svg(plan).into_bytes()),
        Format::MobilityCsv => mobility::csv(plan),
        Format::MobilityXlsx => workbook::mobility_workbook(plan),
        Format::Checklist => pdf::checklists(plan),
        Format::ApplicationPdf => pdf::application_draft(plan),
        Format::ApplicationDocx => docx::application(plan),
    }
}

/// A file name for the export: the project's title reduced to safe characters.
pub fn file_name(project: &Project, format: Format) -> String {
    let mut stem: String = project
        .title
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { '-' })
        .collect();
    while stem.contains("--") {
        stem = stem.replace("--", "-");
    }
    let stem = stem.trim_matches('-');
    let stem = if stem.is_empty() { "project" } else { stem };
    format!("{stem}-{}{}", format.file_kind(), format.extension())
}

#[cfg(test)]
mod file_name_tests {
    use super::*;

    /// A file name says what the file is once, and its ending says the format.
    #[test]
    fn names_say_what_the_file_is_once() {
        let mut names: Vec<String> = Format::ALL
            .into_iter()
            .map(|f| format!("x-{}{}", f.file_kind(), f.extension()))
            .collect();
        for n in &names {
            let (stem, ext) = n.rsplit_once('.').unwrap();
            assert!(!stem.ends_with(ext), "{n}");
        }
        names.sort();
        names.dedup();
        assert_eq!(
            names.len(),
            Format::ALL.len(),
            "every format has its own name"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_ids_round_trip_and_every_format_has_a_name() {
        for f in Format::ALL {
            assert_eq!(Format::from_id(f.id()), Some(f));
            assert!(mobiplan_i18n::has(&f.label_key()), "{}", f.label_key());
        }
        assert_eq!(
            Format::from_id("application-docx"),
            Some(Format::ApplicationDocx)
        );
        let err = "docx".parse::<Format>().unwrap_err();
        assert!(err.contains("docx") && err.contains("pdf-summary"), "{err}");
    }
}
