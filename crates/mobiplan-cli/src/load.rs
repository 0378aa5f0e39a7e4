//! Reading files: the project, its rulebook, a rate profile. Every failure becomes one message
//! that names the file, the field (and line) and the problem.

use std::path::Path;

use chrono::{DateTime, FixedOffset};
use mobiplan_core::input::InputError;
use mobiplan_core::project::file::ProjectFile;
use mobiplan_core::project::{parse_json, parse_toml};
use mobiplan_core::{InputErrors, Project, RateProfile, Rulebook};
use mobiplan_i18n::{Lang, input_error_message, render, text};

pub struct Loaded {
    pub file: String,
    pub project: Project,
    pub rulebook: Rulebook,
}

fn read(path: &Path, lang: Lang) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| {
        format!(
            "{}: {e}",
            render(
                lang,
                "cli.input-error",
                &[("file", path.display().to_string())]
            )
        )
    })
}

fn describe(path: &Path, errors: &InputErrors, lang: Lang) -> String {
    let mut out = format!(
        "{}:",
        render(
            lang,
            "cli.input-error",
            &[("file", path.display().to_string())]
        )
    );
    for e in &errors.errors {
        out.push_str("\n  ");
        out.push_str(&describe_one(e, lang));
    }
    out
}

/// One problem on one line: where in the file (the field as the file names it, since the
/// reader edits that file, and the line) and what, in `lang`. The parser's own words are
/// added only where the sentence cannot say what it found: a syntax error, or a refusal
/// mobiplan does not recognise.
fn describe_one(e: &InputError, lang: Lang) -> String {
    let message = input_error_message(e, lang);
    let at = match (e.field.is_empty(), e.line) {
        (false, Some(l)) => render(
            lang,
            "cli.input-field-line",
            &[("field", e.field.clone()), ("line", l.to_string())],
        ),
        (false, None) => e.field.clone(),
        (true, Some(l)) => render(lang, "cli.input-line", &[("line", l.to_string())]),
        (true, None) => String::new(),
    };
    let mut out = if at.is_empty() {
        message
    } else {
        format!("{at}: {message}")
    };
    let unrecognised = matches!(
        e.key,
        "input.syntax-toml" | "input.syntax-json" | "input.unreadable"
    );
    if let Some(detail) = e.detail.as_deref().filter(|_| unrecognised) {
        out.push_str(&format!(
            " ({}: {})",
            text(lang, "cli.technical-details"),
            detail.replace('\n', " ")
        ));
    }
    out
}

pub fn project(path: &Path, rulebook_file: Option<&Path>, lang: Lang) -> Result<Loaded, String> {
    let file = project_file(path, lang)?;
    from_file(file, path, rulebook_file, lang)
}

/// The project file as written (before its references are resolved): what implementation
/// tracking derives its actual and reported projects from.
pub fn project_file(path: &Path, lang: Lang) -> Result<ProjectFile, String> {
    let text = read(path, lang)?;
    let is_json = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"));
    let parsed = if is_json {
        parse_json(&text)
    } else {
        parse_toml(&text)
    };
    parsed.map_err(|e| describe(path, &e, lang))
}

/// Resolves a project file into a project ([`resolve`]) and loads its call year's rulebook.
pub fn from_file(
    file: ProjectFile,
    path: &Path,
    rulebook_file: Option<&Path>,
    lang: Lang,
) -> Result<Loaded, String> {
    let project = resolve(file, path, lang)?;
    let rulebook = rulebook(project.call_year, rulebook_file, lang)?;
    Ok(Loaded {
        file: path.display().to_string(),
        project,
        rulebook,
    })
}

/// A project file into a project, with distances from the gazetteer where only towns are
/// given; errors are reported against `path`.
pub fn resolve(file: ProjectFile, path: &Path, lang: Lang) -> Result<Project, String> {
    let mut project = Project::from_file(file).map_err(|e| describe(path, &e, lang))?;
    let needs_places = project
        .activities
        .iter()
        .any(|a| a.travel.as_ref().is_some_and(|t| t.distance.is_none()));
    if needs_places {
        // Towns instead of kilometres: the gazetteer computes the missing distances.
        mobiplan_geo::fill_distances(&mut project, mobiplan_geo::Gazetteer::embedded())
            .map_err(|e| describe(path, &e, lang))?;
    }
    Ok(project)
}

pub fn rulebook(year: u16, file: Option<&Path>, lang: Lang) -> Result<Rulebook, String> {
    match file {
        None => Rulebook::embedded(year).map_err(|e| e.to_string()),
        Some(path) => {
            let text = read(path, lang)?;
            let rb = Rulebook::from_toml(&text).map_err(|e| {
                format!(
                    "{}: {e}",
                    render(
                        lang,
                        "cli.input-error",
                        &[("file", path.display().to_string())]
                    )
                )
            })?;
            if rb.call_year() != year {
                return Err(format!(
                    "{}: the rulebook is for call {}, the project for call {year}",
                    path.display(),
                    rb.call_year()
                ));
            }
            Ok(rb)
        }
    }
}

pub fn profile(path: &Path, rb: &Rulebook, lang: Lang) -> Result<RateProfile, String> {
    let text = read(path, lang)?;
    RateProfile::from_toml(&text, rb).map_err(|e| {
        format!(
            "{}: {e}",
            render(
                lang,
                "cli.input-error",
                &[("file", path.display().to_string())]
            )
        )
    })
}

pub fn parse_now(text: Option<&str>) -> Result<DateTime<FixedOffset>, String> {
    match text {
        None => Ok(chrono::Utc::now().fixed_offset()),
        Some(t) => DateTime::parse_from_rfc3339(t).map_err(|_| {
            format!("--now: \"{t}\" is not a date-time with offset, e.g. 2026-02-01T10:00:00+02:00")
        }),
    }
}
