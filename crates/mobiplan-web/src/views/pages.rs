//! Pages: projects list, new project, project task list, details, people, visits, budget,
//! checks, rate profiles.

use crate::handlers::PAGE_VERSION;
use maud::{Markup, html};
use mobiplan_core::Rulebook;
use mobiplan_core::project::file::{Organisation, Participants, PreparatoryVisit, ProjectFile};
use mobiplan_core::types::{ActivityKind, Field, Role};
use mobiplan_i18n::amount;
use mobiplan_store::{ProjectSummary, Stored};

use crate::access::{Need, may};
use crate::eval::Evaluation;
use crate::forms::FieldError;
use crate::i18n::{Lang, t, tr};
use crate::views::layout::back;
use crate::views::partials::{
    Errors, Input, budget_panel, cell, checkbox, error_summary, findings_panel, input, select,
    text_input,
};

pub fn label_of(lang: Lang, name: &str) -> String {
    let key = format!(
        "web.label.{}",
        name.trim_start_matches(|c: char| c.is_ascii_digit())
    );
    if mobiplan_i18n::has(&key) {
        return t(lang, &key);
    }
    // People's rows (`person_anna_name`, `new_0_name`) use the label of their column.
    for col in ["name", "role", "fewer", "minor", "graduation"] {
        let key = format!("web.label.person_{col}");
        if let Some(row) = name
            .strip_suffix(&format!("_{col}"))
            .and_then(|r| r.strip_prefix("person_").or_else(|| r.strip_prefix("new_")))
        {
            return format!("{} ({row})", t(lang, &key));
        }
    }
    // Other row fields (`acc_3_days`) use the label of their column and the row's number.
    let parts: Vec<&str> = name.split('_').collect();
    if parts.len() >= 3 && parts[1].parse::<usize>().is_ok() {
        let col = format!("web.label.{}_{}", parts[0], parts[2..].join("_"));
        if mobiplan_i18n::has(&col) {
            return format!(
                "{} {}",
                t(lang, &col),
                parts[1].parse::<usize>().unwrap_or(0) + 1
            );
        }
    }
    name.to_owned()
}

/// A status tag for the task list.
fn status(lang: Lang, has_errors: bool, empty: bool) -> Markup {
    html! {
        @if has_errors { strong.tag.tag-error { (t(lang, "web.status.errors")) } }
        @else if empty { strong.tag.tag-todo { (t(lang, "web.status.todo")) } }
        @else { strong.tag.tag-done { (t(lang, "web.status.complete")) } }
    }
}

pub fn projects_list(lang: Lang, projects: &[(ProjectSummary, usize)]) -> Markup {
    html! {
        h1 { (t(lang, "web.projects")) }
        p { a.button href="/projects/new" { (t(lang, "web.new-project")) } }
        @if projects.is_empty() {
            p { (t(lang, "web.no-projects")) }
        } @else {
            div.table-scroll { table.list {
                thead { tr {
                    th { (t(lang, "web.label.title")) }
                    th { (t(lang, "web.label.field")) }
                    th { (t(lang, "web.label.call_year")) }
                    th { (t(lang, "web.checks")) }
                    th { (t(lang, "web.updated")) }
                } }
                tbody {
                    @for (p, errors) in projects {
                        tr {
                            td { a href={"/projects/" (p.id)} { (p.title) } }
                            td { (p.field) }
                            td { (p.call_year) }
                            td { @if *errors > 0 { strong.tag.tag-error { (tr(lang, "web.n-errors", &[("n", errors.to_string())])) } } @else { strong.tag.tag-done { "✓" } } }
                            td { time datetime=(p.updated_at.to_rfc3339()) { (p.updated_at.format("%Y-%m-%d %H:%M UTC")) } }
                        }
                    }
                }
            } }
        }
        section {
            h2 { (t(lang, "web.import")) }
            (import_form(lang, None))
        }
    }
}

/// The form that uploads a project file (into the organisation chosen, when there is a
/// choice): on the projects list, and again, with the organisation chosen before, on the page
/// that lists what was wrong with a file.
pub fn import_form(lang: Lang, org: Option<&str>) -> Markup {
    html! {
        form method="post" action="/projects/import" enctype="multipart/form-data" {
            (crate::views::accounts::csrf_field())
            (crate::views::accounts::org_choice_with(lang, org))
            div.field {
                label for="file" { (t(lang, "web.import-file")) }
                p.hint { (t(lang, "web.import-hint")) }
                input #file type="file" name="file" accept=".toml,.json" required;
            }
            button type="submit" { (t(lang, "web.import")) }
        }
    }
}

pub fn field_options(lang: Lang) -> Vec<(String, String)> {
    Field::ALL
        .iter()
        .map(|f| {
            (
                f.as_str().to_owned(),
                format!(
                    "{} — {}",
                    f.as_str(),
                    t(lang, &format!("field.{}", f.as_str()))
                ),
            )
        })
        .collect()
}

fn country_options(lang: Lang, rb: Option<&Rulebook>, selected: &str) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = vec![(String::new(), t(lang, "web.choose"))];
    if let Some(rb) = rb {
        // Named in the page's language (the code where no name is known), in that order.
        let mut named: Vec<(String, String)> = rb
            .countries
            .eligible
            .value
            .iter()
            .map(|c| {
                let key = format!("country-name.{}", c.as_str());
                let name = if mobiplan_i18n::has(&key) {
                    t(lang, &key)
                } else {
                    c.as_str().to_owned()
                };
                (c.as_str().to_owned(), name)
            })
            .collect();
        named.sort_by_key(|(_, name)| mobiplan_geo::fold_key(name));
        v.extend(named);
    }
    if !selected.is_empty() && !v.iter().any(|(c, _)| c == selected) {
        v.push((selected.to_owned(), selected.to_owned()));
    }
    v
}

/// The value a choice shows: what the user sent when it could not be read (so an empty
/// choice stays empty, not the reader's placeholder), else the document's.
fn shown(e: &Errors<'_>, name: &str, stored: Option<&str>) -> String {
    e.value(name).or(stored).unwrap_or_default().to_owned()
}

/// The short "new project" page: the same page before and after an error (with the error
/// summary and the typed values then).
pub fn new_project_page(lang: Lang, doc: Option<&ProjectFile>, errors: &[FieldError]) -> Markup {
    html! {
        (back("/", t(lang, "web.projects")))
        h1 { (t(lang, "web.new-project")) }
        p.lead { (t(lang, "web.new-project-lead")) }
        (details_form(lang, doc, "/projects", None, errors, None))
    }
}

/// The project and applicant form, used for "new project" (no `version`: nothing is stored
/// yet) and "details" (the stored `version`). `doc` holds the values to show: the stored ones,
/// or the typed ones after an error.
pub fn details_form(
    lang: Lang,
    doc: Option<&ProjectFile>,
    action: &str,
    version: Option<i64>,
    errors: &[FieldError],
    eval: Option<&Evaluation>,
) -> Markup {
    // The checker's findings about the project's and applicant's fields, at the fields
    // (a start outside the window is said where the start is typed).
    let e = Errors::new(lang, errors)
        .with_findings(eval, "project.")
        .with_findings(eval, "applicant.");
    let p = doc.map(|d| &d.project);
    let a = doc.map(|d| &d.applicant);
    // A new project starts from what the organisation registered (it may be changed): its
    // name, OID, country and town are not asked again.
    let actor = crate::access::current_actor();
    let org = match (doc, version) {
        (None, None) => actor
            .as_ref()
            .and_then(|a| a.writable_orgs().first().map(|m| m.org.clone())),
        _ => None,
    };
    // Every call year with an edition, with its state by the server's clock (from the
    // editions' deadlines); a new project is for the call that is open or coming.
    let editions = crate::editions::current();
    let calls = editions.calls(crate::editions::now());
    let default_year = mobiplan_core::editions::default_call_year(&calls).unwrap_or_default();
    let years: Vec<(String, String)> = calls
        .iter()
        .map(|(y, state)| {
            (
                y.to_string(),
                tr(
                    lang,
                    &format!("web.call-state.{}", state.id()),
                    &[("year", y.to_string())],
                ),
            )
        })
        .collect();
    let rb = crate::eval::rulebook(p.map(|p| p.call_year).unwrap_or(default_year)).ok();
    let grants = a.map(|a| a.earlier_grants.clone()).unwrap_or_default();
    let date =
        |d: Option<&mobiplan_core::types::Date>| d.map(|d| d.to_string()).unwrap_or_default();
    // The new-project form asks only the short questions; the rest waits for the details page.
    let editing = version.is_some();
    let country = shown(
        &e,
        "applicant_country",
        a.map(|a| a.country.as_str())
            .or(org.as_ref().map(|o| o.country.as_str())),
    );
    let ro = editing && !may(Need::Edit);
    html! {
        (error_summary(lang, errors, &|n| label_of(lang, n)))
        @if ro { p.hint { (t(lang, "web.read-only")) } }
        fieldset.plain disabled[ro] {
        form method="post" action=(action) data-autosave[version.is_some()] novalidate {
            (crate::views::accounts::csrf_field())
            @if let Some(v) = version { input type="hidden" name="version" value=(v); input type="hidden" name=(PAGE_VERSION) value=(v); } @else { (crate::views::accounts::org_choice(lang)) }
            fieldset {
                legend { (t(lang, "web.section.project")) }
                (text_input("title", t(lang, "web.label.title"), p.map(|p| p.title.clone()).unwrap_or_default(), &e))
                (select("field", t(lang, "web.label.field"), &field_options(lang), p.map(|p| p.field.as_str()).unwrap_or("SCH"), &e))
                (select("call_year", t(lang, "web.label.call_year"), &years, &p.map(|p| p.call_year).unwrap_or(default_year).to_string(), &e))
                (input(Input { name: "round", label: t(lang, "web.label.round"), value: p.map(|p| p.round.to_string()).unwrap_or_else(|| "1".into()), kind: "number", hint: Some(t(lang, "web.hint.round")), attrs: "" }, &e))
                (input(Input { name: "start", label: t(lang, "web.label.start"), value: date(p.map(|p| &p.start)), kind: "date", hint: Some(t(lang, "web.hint.project-start")), attrs: "" }, &e))
                (input(Input { name: "duration_months", label: t(lang, "web.label.duration_months"), value: p.map(|p| p.duration_months.to_string()).unwrap_or_else(|| "12".into()), kind: "number", hint: Some(t(lang, "web.hint.duration")), attrs: "" }, &e))
                (input(Input { name: "application_date", label: t(lang, "web.label.application_date"), value: p.and_then(|p| p.application_date).map(|m| match m { mobiplan_core::types::Moment::Day(d) => d.to_string(), mobiplan_core::types::Moment::At(t) => t.date_naive().to_string() }).unwrap_or_default(), kind: "date", hint: Some(t(lang, "web.hint.application_date")), attrs: "" }, &e))
            }
            fieldset {
                legend { (t(lang, "web.section.applicant")) }
                (text_input("applicant_name", t(lang, "web.label.applicant_name"), a.map(|a| a.name.clone()).or(org.as_ref().map(|o| o.name.clone())).unwrap_or_default(), &e))
                (text_input("applicant_oid", t(lang, "web.label.oid"), a.and_then(|a| a.oid.clone()).or(org.as_ref().map(|o| o.oid.clone()).filter(|o| !o.is_empty())).unwrap_or_default(), &e))
                (select("applicant_country", t(lang, "web.label.country"), &country_options(lang, rb.as_deref(), &country), &country, &e))
                (input(Input { name: "applicant_town", label: t(lang, "web.label.town"), value: a.and_then(|a| a.town.clone()).or(org.as_ref().map(|o| o.town.clone()).filter(|t| !t.is_empty())).unwrap_or_default(), kind: "text", hint: Some(t(lang, "web.hint.town")), attrs: "place" }, &e))
                div.pair {
                    (input(Input { name: "applicant_lat", label: t(lang, "web.label.lat"), value: a.and_then(|a| a.coordinates).map(|c| c.lat.to_string()).unwrap_or_default(), kind: "decimal", hint: None, attrs: "" }, &e))
                    (input(Input { name: "applicant_lon", label: t(lang, "web.label.lon"), value: a.and_then(|a| a.coordinates).map(|c| c.lon.to_string()).unwrap_or_default(), kind: "decimal", hint: None, attrs: "" }, &e))
                }
                @if editing {
                    fieldset.inner {
                        legend { (t(lang, "web.label.accreditations")) }
                        p.hint { (t(lang, "web.hint.accreditations")) }
                        @for f in Field::ALL {
                            (checkbox("accreditations", f.as_str(), t(lang, &format!("field.{}", f.as_str())), a.is_some_and(|a| a.accreditations.contains(&f))))
                        }
                    }
                    fieldset.inner {
                        legend { (t(lang, "web.label.earlier_grants")) }
                        p.hint { (t(lang, "web.hint.earlier_grants")) }
                        div.table-scroll { table.rows {
                            thead { tr { th { (t(lang, "web.label.field")) } th { (t(lang, "web.label.call_year")) } th { (t(lang, "web.label.round")) } } }
                            tbody {
                                @for i in 0..(grants.len() + 2) {
                                    @let g = grants.get(i);
                                    tr {
                                        @let field_name = format!("grant_{i}_field");
                                        @let chosen = shown(&e, &field_name, g.map(|g| g.field.as_str()));
                                        @let field_error = e.of(&field_name);
                                        td.has-error[field_error.is_some()] {
                                            @if let Some(m) = &field_error { p.error-message id={(field_name) "-error"} { (m) } }
                                            select id=(field_name) name=(field_name) aria-label=(t(lang, "web.label.field")) aria-describedby=[field_error.as_ref().map(|_| format!("{field_name}-error"))] {
                                                option value="" { "—" }
                                                @for f in Field::ALL { option value=(f.as_str()) selected[chosen == f.as_str()] { (f.as_str()) } }
                                            }
                                        }
                                        (cell(&format!("grant_{i}_year"), "number", t(lang, "web.label.call_year"), g.map(|g| g.call_year.to_string()).unwrap_or_default(), &e))
                                        (cell(&format!("grant_{i}_round"), "number", t(lang, "web.label.round"), g.map(|g| g.round.to_string()).unwrap_or_default(), &e))
                                    }
                                }
                            }
                        } }
                    }
                }
            }
            div.actions {
                button type="submit" { (if editing { t(lang, "web.save") } else { t(lang, "web.create-project") }) }
                span.save-status aria-live="polite" {}
            }
        }
        }
    }
}

pub struct ProjectView<'a> {
    pub lang: Lang,
    pub stored: &'a Stored<ProjectFile>,
    pub eval: &'a Evaluation,
    pub profiles: &'a [(String, String)],
    pub profile_id: Option<&'a str>,
    pub family: &'a crate::views::scenarios::Family,
}

fn kind_name(lang: Lang, k: ActivityKind) -> String {
    t(lang, &format!("kind.{}", k.id()))
}

/// "Course: Digital tools" — an activity as lists name it.
pub fn activity_title(lang: Lang, a: &mobiplan_core::project::file::Activity) -> String {
    kind_and_title(lang, a.kind, a.title.as_deref())
}

/// What each activity and visit is called, by id: for texts that the core writes with ids
/// (the agenda, the implementation report), as the project's pages call them.
pub fn names_by_id(
    lang: Lang,
    doc: &mobiplan_core::project::file::ProjectFile,
) -> std::collections::HashMap<String, String> {
    let activities = doc
        .activities
        .iter()
        .map(|a| (a.id.clone(), activity_title(lang, a)));
    // The messages say "preparatory visit" themselves; the visit is named by its host.
    let visits = doc
        .preparatory_visits
        .iter()
        .map(|v| (v.id.clone(), v.host.name.clone()));
    activities.chain(visits).collect()
}

/// An activity named by its kind and title ("Course: Digital tools"), or its kind alone.
pub fn kind_and_title(lang: Lang, kind: ActivityKind, title: Option<&str>) -> String {
    match title {
        Some(title) => format!("{}: {}", kind_name(lang, kind), title),
        None => kind_name(lang, kind),
    }
}

pub fn project_page(v: ProjectView<'_>) -> Markup {
    let lang = v.lang;
    let doc = &v.stored.document;
    let id = &v.stored.id;
    let ev = v.eval;
    let currency = ev
        .rulebook
        .as_ref()
        .map(|r| r.meta.currency.clone())
        .unwrap_or_else(|| "EUR".into());
    html! {
        (back("/", t(lang, "web.projects")))
        h1 { (doc.project.title) }
        p.lead {
            (doc.applicant.name) " · " (t(lang, &format!("field.{}", doc.project.field.as_str()))) " · "
            (tr(lang, "cli.call", &[("year", doc.project.call_year.to_string()), ("round", doc.project.round.to_string())]))
        }
        div.columns {
            div.main-col {
                ol.task-list {
                    li {
                        h2 { (t(lang, "web.section.details")) }
                        ul { li.task {
                            a href={"/projects/" (id) "/details"} { (t(lang, "web.section.project-applicant")) }
                            (status(lang, ev.has_problem_under("project.") || ev.has_problem_under("applicant."), false))
                        } }
                    }
                    li {
                        h2 { (t(lang, "web.section.people")) }
                        ul { li.task {
                            a href={"/projects/" (id) "/people"} { (tr(lang, "web.people-count", &[("n", doc.people.len().to_string())])) }
                            (status(lang, ev.has_problem_under("people"), doc.people.is_empty()))
                        } }
                    }
                    li #activities {
                        h2 { (t(lang, "web.section.activities")) }
                        ul {
                            @for (i, a) in doc.activities.iter().enumerate() {
                                li.task {
                                    a href={"/projects/" (id) "/activities/" (a.id)} {
                                        (activity_title(lang, a))
                                    }
                                    span.meta { (a.start) " – " (a.end) " · " (participants_text(lang, &a.participants)) }
                                    (status(lang, ev.has_problem_under(&format!("activities[{i}]")), false))
                                }
                            }
                            @if may(Need::Edit) {
                                li.task { a.add href={"/projects/" (id) "/activities/new"} { "+ " (t(lang, "web.add-activity")) } }
                            }
                        }
                    }
                    li #visits {
                        h2 { (t(lang, "web.section.visits")) }
                        ul {
                            @for (i, vi) in doc.preparatory_visits.iter().enumerate() {
                                li.task {
                                    a href={"/projects/" (id) "/visits/" (vi.id)} { (vi.host.name) }
                                    span.meta { (vi.start) " – " (vi.end) }
                                    (status(lang, ev.has_problem_under(&format!("preparatory_visits[{i}]")), false))
                                }
                            }
                            @if !doc.activities.is_empty() && may(Need::Edit) {
                                li.task { a.add href={"/projects/" (id) "/visits/new"} { "+ " (t(lang, "web.add-visit")) } }
                            }
                        }
                    }
                    li #application {
                        h2 { (t(lang, "web.section.application")) }
                        @let app = doc.application.as_ref();
                        ul {
                            li.task {
                                a href={"/projects/" (id) "/application/background"} { (t(lang, "application.section.background")) }
                                (status(lang, ev.has_problem_under("application.background") || ev.has_problem_under("application.needs") || ev.has_problem_under("application.language"), app.is_none_or(|a| a.background.is_none() && a.needs.is_none())))
                            }
                            @for (i, o) in app.map(|a| a.objectives.as_slice()).unwrap_or(&[]).iter().enumerate() {
                                li.task {
                                    a href={"/projects/" (id) "/application/objectives/" (o.id)} {
                                        (t(lang, "web.app.objective")) ": " (o.title.clone().unwrap_or_else(|| o.id.clone()))
                                    }
                                    (status(lang, ev.has_problem_under(&format!("application.objectives[{i}]")), false))
                                }
                            }
                            @if may(Need::Edit) {
                                li.task { a.add href={"/projects/" (id) "/application/objectives/new"} { "+ " (t(lang, "web.app.add-objective")) } }
                            }
                            li.task {
                                a href={"/projects/" (id) "/application/follow-up"} { (t(lang, "application.section.follow-up")) }
                                (status(lang, ev.has_problem_under("application.follow_up"), app.is_none_or(|a| a.follow_up.is_none())))
                            }
                            li.task {
                                a href={"/projects/" (id) "/application/summary"} { (t(lang, "application.section.summary")) }
                                (status(lang, ev.has_problem_under("application.summary") || ev.has_problem_under("application.summary_en"), app.is_none_or(|a| a.summary.is_none() && a.summary_en.is_none())))
                            }
                            li.task { a href={"/projects/" (id) "/application/assessment"} { (t(lang, "web.app.assessment")) } }
                            li.task { a href={"/projects/" (id) "/export/application-pdf"} download { (t(lang, "web.app.download-pdf")) } }
                            li.task { a href={"/projects/" (id) "/export/application-docx"} download { (t(lang, "web.app.download-docx")) } }
                        }
                    }
                    li {
                        h2 { (t(lang, "web.section.budget")) }
                        ul {
                            @if may(Need::Edit) { li.task {
                                form.inline method="post" action={"/projects/" (id) "/rates"} {
                                    (crate::views::accounts::csrf_field())
                                    input type="hidden" name="version" value=(v.stored.version);
                                    label for="profile" { (t(lang, "web.label.profile")) }
                                    select #profile name="profile" {
                                        option value="" { (t(lang, "web.no-profile")) }
                                        @for (pid, name) in v.profiles {
                                            option value=(pid) selected[v.profile_id == Some(pid.as_str())] { (name) }
                                        }
                                    }
                                    button type="submit" { (t(lang, "web.apply")) }
                                }
                            } }
                            li.task {
                                a href={"/projects/" (id) "/budget"} { (t(lang, "web.budget-details")) }
                                @if let Some(b) = &ev.budget { span.meta { strong { (amount(b.total, lang)) " " (currency) } } }
                            }
                            li.task {
                                a href={"/projects/" (id) "/checks"} { (t(lang, "web.checks")) }
                                (status(lang, ev.errors() > 0, false))
                            }
                            li.task {
                                a href={"/projects/" (id) "/implementation"} { (t(lang, "tracking.title")) }
                            }
                        }
                    }
                    (crate::views::scenarios::project_section(lang, id, v.family))
                    (crate::views::rulebooks::move_section(lang, id, &v.stored.document))
                    (crate::views::exports::downloads(lang, id, ev))
                    li {
                        h2 { (t(lang, "web.section.files")) }
                        ul {
                            li.task { a href={"/projects/" (id) "/export.toml"} download { (t(lang, "web.export-toml")) } }
                            li.task { a href={"/projects/" (id) "/export.json"} download { (t(lang, "web.export-json")) } }
                            li.task { a href={"/projects/" (id) "/history"} { (t(lang, "web.hist.title")) } }
                            @if may(Need::Share) {
                                li.task { a href={"/projects/" (id) "/sharing"} { (t(lang, "web.acc.sharing")) } }
                            }
                            @if may(Need::Delete) { li.task {
                                form.inline method="post" action={"/projects/" (id) "/delete"} data-confirm=(t(lang, "web.confirm-delete")) {
                                    (crate::views::accounts::csrf_field())
                                    input type="hidden" name="version" value=(v.stored.version);
                                    button.danger type="submit" { (t(lang, "web.delete-project")) }
                                }
                            } }
                        }
                    }
                }
            }
            aside.side-col {
                (findings_panel(lang, id, ev, None))
            }
        }
    }
}

pub fn participants_text(lang: Lang, p: &Participants) -> String {
    match (&p.count, &p.names) {
        (_, Some(n)) => tr(lang, "web.n-participants", &[("n", n.len().to_string())]),
        (Some(c), None) => tr(lang, "web.n-participants", &[("n", c.to_string())]),
        _ => String::new(),
    }
}

pub fn people_form(
    lang: Lang,
    project_id: &str,
    doc: &ProjectFile,
    version: i64,
    errors: &[FieldError],
) -> Markup {
    let e = Errors::new(lang, errors);
    let roles = [Role::Staff, Role::Learner, Role::Expert, Role::Trainee];
    html! {
        (back(&format!("/projects/{project_id}"), doc.project.title.clone()))
        h1 { (t(lang, "web.section.people")) }
        p.hint { (t(lang, "web.hint.people")) }
        (error_summary(lang, errors, &|n| label_of(lang, n)))
        @if !may(Need::Edit) { p.hint { (t(lang, "web.read-only")) } }
        fieldset.plain disabled[!may(Need::Edit)] {
        form method="post" action={"/projects/" (project_id) "/people"} data-autosave novalidate {
            (crate::views::accounts::csrf_field())
            input type="hidden" name="version" value=(version);
            input type="hidden" name=(PAGE_VERSION) value=(version);
            div.table-scroll { table.rows {
                thead { tr {
                    th { (t(lang, "web.label.person_name")) }
                    th { (t(lang, "web.label.person_role")) }
                    th { (t(lang, "web.label.person_fewer")) }
                    th { (t(lang, "web.label.person_minor")) }
                    th { (t(lang, "web.label.person_graduation")) }
                    th { (t(lang, "web.remove")) }
                } }
                tbody {
                    // Rows are named by the person's id (`person_anna_name`), blank rows for
                    // new people `new_0_name`…: a row means the same person in every version,
                    // so edits merge by person, never by position.
                    @for (key, p) in doc.people.iter().map(|p| (format!("person_{}", p.id), Some(p))).chain((0..3).map(|k| (format!("new_{k}"), None))) {
                        tr {
                            (cell(&format!("{key}_name"), "text", t(lang, "web.label.person_name"), p.map(|p| p.name.clone()).unwrap_or_default(), &e))
                            td {
                                @if let Some(p) = p { input type="hidden" name={(key) "_id"} value=(p.id); }
                                select name={(key) "_role"} aria-label=(t(lang, "web.label.person_role")) {
                                @for r in roles { option value=(r.as_str()) selected[p.is_some_and(|p| p.role == r)] { (t(lang, &format!("role.{}", r.as_str()))) } }
                            } }
                            td { input type="checkbox" name={(key) "_fewer"} value="1" aria-label=(t(lang, "web.label.person_fewer")) checked[p.is_some_and(|p| p.fewer_opportunities)]; }
                            td { input type="checkbox" name={(key) "_minor"} value="1" aria-label=(t(lang, "web.label.person_minor")) checked[p.is_some_and(|p| p.minor)]; }
                            (cell(&format!("{key}_graduation"), "date", t(lang, "web.label.person_graduation"), p.and_then(|p| p.vet_graduation).map(|d| d.to_string()).unwrap_or_default(), &e))
                            td { @if p.is_some() { input type="checkbox" name={(key) "_remove"} value="1" aria-label=(t(lang, "web.remove")); } }
                        }
                    }
                }
            } }
            div.actions { button type="submit" { (t(lang, "web.save")) } span.save-status aria-live="polite" {} }
        }
        }
    }
}

pub fn org_fields(
    lang: Lang,
    prefix: &str,
    o: Option<&Organisation>,
    e: &Errors<'_>,
    rb: Option<&Rulebook>,
) -> Markup {
    let country = shown(
        e,
        &format!("{prefix}_country"),
        o.map(|o| o.country.as_str()),
    );
    html! {
        (text_input(&format!("{prefix}_name"), t(lang, "web.label.org_name"), o.map(|o| o.name.clone()).unwrap_or_default(), e))
        (text_input(&format!("{prefix}_oid"), t(lang, "web.label.oid"), o.and_then(|o| o.oid.clone()).unwrap_or_default(), e))
        (select(&format!("{prefix}_country"), t(lang, "web.label.country"), &country_options(lang, rb, &country), &country, e))
        (input(Input { name: &format!("{prefix}_town"), label: t(lang, "web.label.town"), value: o.and_then(|o| o.town.clone()).unwrap_or_default(), kind: "text", hint: Some(t(lang, "web.hint.town")), attrs: "place" }, e))
        div.pair {
            (input(Input { name: &format!("{prefix}_lat"), label: t(lang, "web.label.lat"), value: o.and_then(|o| o.coordinates).map(|c| c.lat.to_string()).unwrap_or_default(), kind: "decimal", hint: None, attrs: "" }, e))
            (input(Input { name: &format!("{prefix}_lon"), label: t(lang, "web.label.lon"), value: o.and_then(|o| o.coordinates).map(|c| c.lon.to_string()).unwrap_or_default(), kind: "decimal", hint: None, attrs: "" }, e))
        }
    }
}

pub fn participants_fields(
    lang: Lang,
    prefix: &str,
    p: Option<&Participants>,
    doc: &ProjectFile,
    e: &Errors<'_>,
    role: Option<Role>,
) -> Markup {
    let names: Vec<String> = p.and_then(|p| p.names.clone()).unwrap_or_default();
    let candidates: Vec<_> = doc
        .people
        .iter()
        .filter(|x| role.is_none_or(|r| x.role == r))
        .collect();
    html! {
        fieldset.inner {
            legend { (t(lang, "web.label.participants")) }
            @if !candidates.is_empty() {
                p.hint { (t(lang, "web.hint.names-or-count")) }
                @for person in &candidates {
                    (checkbox(&format!("{prefix}_names"), &person.id, person.name.clone(), names.contains(&person.id)))
                }
            }
            div.pair {
                (input(Input { name: &format!("{prefix}_count"), label: t(lang, "web.label.count"), value: p.and_then(|p| p.count).map(|c| c.to_string()).unwrap_or_default(), kind: "number", hint: None, attrs: "" }, e))
                (input(Input { name: &format!("{prefix}_fewer"), label: t(lang, "web.label.fewer"), value: p.and_then(|p| p.fewer_opportunities).map(|c| c.to_string()).unwrap_or_default(), kind: "number", hint: None, attrs: "" }, e))
                (input(Input { name: &format!("{prefix}_minors"), label: t(lang, "web.label.minors"), value: p.and_then(|p| p.minors).map(|c| c.to_string()).unwrap_or_default(), kind: "number", hint: None, attrs: "" }, e))
            }
        }
    }
}

#[allow(clippy::too_many_arguments)] // one per thing the page shows
pub fn visit_form(
    lang: Lang,
    project_id: &str,
    doc: &ProjectFile,
    visit: Option<&PreparatoryVisit>,
    action: &str,
    version: i64,
    errors: &[FieldError],
    eval: Option<&Evaluation>,
) -> Markup {
    let e = Errors::new(lang, errors);
    let rb = crate::eval::rulebook(doc.project.call_year).ok();
    // A visit prepares an activity that is not a course (V-NOT-FOR-COURSES): courses are not
    // offered, unless the visit already names one (it stays visible, and the finding says
    // why). A new visit starts unchosen rather than on whichever activity comes first.
    let current = visit.map(|v| v.prepares.as_str());
    let options: Vec<(String, String)> = current
        .is_none()
        .then(|| (String::new(), t(lang, "web.choose")))
        .into_iter()
        .chain(
            doc.activities
                .iter()
                .filter(|a| a.kind != ActivityKind::Course || current == Some(a.id.as_str()))
                .map(|a| {
                    (
                        a.id.clone(),
                        format!(
                            "{}: {}",
                            kind_name(lang, a.kind),
                            a.title.clone().unwrap_or_else(|| a.id.clone())
                        ),
                    )
                }),
        )
        .collect();
    html! {
        (back(&format!("/projects/{project_id}"), doc.project.title.clone()))
        h1 { (t(lang, "kind.preparatory-visit")) }
        (error_summary(lang, errors, &|n| label_of(lang, n)))
        div.columns {
            div.main-col {
                @if !may(Need::Edit) { p.hint { (t(lang, "web.read-only")) } }
                fieldset.plain disabled[!may(Need::Edit)] {
                form method="post" action=(action) data-autosave[visit.is_some()] novalidate {
                    (crate::views::accounts::csrf_field())
                    input type="hidden" name="version" value=(version);
                    input type="hidden" name=(PAGE_VERSION) value=(version);
                    (select("prepares", t(lang, "web.label.prepares"), &options, visit.map(|v| v.prepares.as_str()).unwrap_or(""), &e))
                    div.pair {
                        (input(Input { name: "start", label: t(lang, "web.label.start"), value: visit.map(|v| v.start.to_string()).unwrap_or_default(), kind: "date", hint: None, attrs: "" }, &e))
                        (input(Input { name: "end", label: t(lang, "web.label.end"), value: visit.map(|v| v.end.to_string()).unwrap_or_default(), kind: "date", hint: None, attrs: "" }, &e))
                    }
                    fieldset { legend { (t(lang, "web.label.host")) } (org_fields(lang, "host", visit.map(|v| &v.host), &e, rb.as_deref())) }
                    (participants_fields(lang, "persons", visit.map(|v| &v.persons), doc, &e, Some(Role::Staff)))
                    div.actions { button type="submit" { (t(lang, "web.save")) } span.save-status aria-live="polite" {} }
                }
                @if let Some(v) = visit {
                    form.inline method="post" action={"/projects/" (project_id) "/visits/" (v.id) "/delete"} data-confirm=(t(lang, "web.confirm-delete")) {
                        (crate::views::accounts::csrf_field())
                        input type="hidden" name="version" value=(version);
                        button.danger type="submit" { (t(lang, "web.delete")) }
                    }
                }
                }
            }
            @if let (Some(ev), Some(v)) = (eval, visit) {
                aside.side-col #live { (visit_live(lang, project_id, doc, &v.id, ev)) }
            }
        }
    }
}

/// The visit editor's live column: the visit's findings. An autosave answers with it again.
pub fn visit_live(
    lang: Lang,
    project_id: &str,
    doc: &ProjectFile,
    visit_id: &str,
    eval: &Evaluation,
) -> Markup {
    match doc.preparatory_visits.iter().position(|x| x.id == visit_id) {
        Some(i) => findings_panel(
            lang,
            project_id,
            eval,
            Some(&format!("preparatory_visits[{i}]")),
        ),
        None => html! {},
    }
}

pub fn budget_page(lang: Lang, project_id: &str, doc: &ProjectFile, eval: &Evaluation) -> Markup {
    let currency = eval
        .rulebook
        .as_ref()
        .map(|r| r.meta.currency.clone())
        .unwrap_or_else(|| "EUR".into());
    html! {
        (back(&format!("/projects/{project_id}"), doc.project.title.clone()))
        h1 { (t(lang, "cli.budget")) }
        @match &eval.budget {
            Some(b) => (budget_panel(lang, doc, b, &currency, None)),
            None => (findings_panel(lang, project_id, eval, None)),
        }
        (crate::views::exports::timeline(lang, eval))
    }
}

pub fn checks_page(lang: Lang, project_id: &str, doc: &ProjectFile, eval: &Evaluation) -> Markup {
    html! {
        (back(&format!("/projects/{project_id}"), doc.project.title.clone()))
        h1 { (t(lang, "web.checks")) }
        (findings_panel(lang, project_id, eval, None))
    }
}

pub fn message_page(lang: Lang, title: &str, text: &str) -> Markup {
    html! {
        h1 { (title) }
        p { (text) }
        p { a href="/" { (t(lang, "web.projects")) } }
    }
}
