//! The activity editor: one form per activity, showing only the fields its kind needs.

use crate::handlers::PAGE_VERSION;
use maud::{Markup, html};
use mobiplan_core::project::RealCostKind;
use mobiplan_core::project::file::{Activity, Means, ProjectFile, QualityArea, Venue};
use mobiplan_core::types::ActivityKind;
use mobiplan_i18n::amount;

use crate::eval::Evaluation;
use crate::forms::FieldError;
use crate::i18n::{Lang, t, tr};
use crate::views::layout::back;
use crate::views::pages::{label_of, org_fields, participants_fields};
use crate::views::partials::{
    Errors, Input, budget_panel, cell, checkbox, error_summary, findings_panel, input, select,
};

const MEANS: [Means; 9] = [
    Means::Plane,
    Means::Train,
    Means::Bus,
    Means::Car,
    Means::CarSharing,
    Means::Bike,
    Means::Boat,
    Means::OtherSustainable,
    Means::Other,
];

const QUALITY: [QualityArea; 5] = [
    QualityArea::Information,
    QualityArea::Pedagogy,
    QualityArea::EuropeanDimension,
    QualityArea::QualityService,
    QualityArea::FollowUp,
];

const COSTS: [RealCostKind; 6] = [
    RealCostKind::Inclusion,
    RealCostKind::Visa,
    RealCostKind::Permit,
    RealCostKind::Vaccination,
    RealCostKind::Medical,
    RealCostKind::Guarantee,
];

/// The choice of kind for a new activity, limited to the kinds of the project's field.
pub fn choose_kind(lang: Lang, project_id: &str, doc: &ProjectFile) -> Markup {
    let rb = crate::eval::rulebook(doc.project.call_year).ok();
    let kinds: Vec<ActivityKind> = ActivityKind::ALL
        .iter()
        .copied()
        .filter(|k| {
            rb.as_ref()
                .is_none_or(|rb| rb.kind_allowed(*k, doc.project.field))
        })
        .collect();
    html! {
        (back(&format!("/projects/{project_id}"), doc.project.title.clone()))
        h1 { (t(lang, "web.add-activity")) }
        form method="get" action={"/projects/" (project_id) "/activities/new"} {
            fieldset {
                legend { (t(lang, "web.which-kind")) }
                @for k in &kinds {
                    div.radio {
                        input type="radio" id={"kind-" (k.id())} name="kind" value=(k.id()) required;
                        label for={"kind-" (k.id())} { (t(lang, &format!("kind.{}", k.id()))) }
                        p.hint { (t(lang, &format!("web.kind-hint.{}", k.id()))) }
                    }
                }
            }
            button type="submit" { (t(lang, "web.continue")) }
        }
    }
}

pub struct ActivityView<'a> {
    pub lang: Lang,
    pub project_id: &'a str,
    pub doc: &'a ProjectFile,
    pub kind: ActivityKind,
    /// The activity as stored (editing) or as typed (after an error); `None` for a blank form.
    pub activity: Option<&'a Activity>,
    pub action: String,
    pub version: i64,
    pub errors: &'a [FieldError],
    pub eval: Option<&'a Evaluation>,
    pub notice: Option<String>,
}

pub fn editor(v: ActivityView<'_>) -> Markup {
    let lang = v.lang;
    let a = v.activity;
    // The checker's findings about this activity's fields are shown at them too.
    let at = a
        .and_then(|a| v.doc.activities.iter().position(|x| x.id == a.id))
        .map(|i| format!("activities[{i}]."));
    let e = match &at {
        Some(prefix) => Errors::new(lang, v.errors).with_findings(v.eval, prefix),
        None => Errors::new(lang, v.errors),
    };
    let kind = v.kind;
    let rb = crate::eval::rulebook(v.doc.project.call_year).ok();
    let travel = a.and_then(|a| a.travel.as_ref());
    let course = a.and_then(|a| a.course.as_ref());
    let date = |d: Option<mobiplan_core::types::Date>| d.map(|d| d.to_string()).unwrap_or_default();
    let opt_num = |n: Option<u32>| n.map(|n| n.to_string()).unwrap_or_default();
    let index = a.and_then(|a| v.doc.activities.iter().position(|x| x.id == a.id));
    let limits = rb
        .as_ref()
        .and_then(|rb| rb.duration_limits(kind, v.doc.project.field))
        .map(|p| {
            tr(
                lang,
                "web.hint.days",
                &[
                    ("min", p.value.min.to_string()),
                    ("max", p.value.max.to_string()),
                ],
            )
        });
    let distance_hint = distance_hint(lang, v.doc, a, v.eval);
    let accompanying = a.map(|a| a.accompanying.clone()).unwrap_or_default();
    let costs = a.map(|a| a.real_costs.clone()).unwrap_or_default();
    // A reader sees the form as it is, without being able to change it.
    let ro = !crate::access::may(crate::access::Need::Edit);
    html! {
        (back(&format!("/projects/{}", v.project_id), v.doc.project.title.clone()))
        span.caption { (t(lang, &format!("kind.{}", kind.id()))) }
        h1 { (a.and_then(|a| a.title.clone()).unwrap_or_else(|| t(lang, "web.activity"))) }
        @if let Some(n) = &v.notice { div.notice role="status" { (n) } }
        (error_summary(lang, v.errors, &|n| label_of(lang, n)))
        div.columns {
            div.main-col {
                @if ro { p.hint { (t(lang, "web.read-only")) } }
                fieldset.plain disabled[ro] {
                form method="post" action=(v.action) data-autosave[a.is_some() && v.eval.is_some()] novalidate {
                    (crate::views::accounts::csrf_field())
                    input type="hidden" name="version" value=(v.version);
                    input type="hidden" name=(PAGE_VERSION) value=(v.version);
                    input type="hidden" name="kind" value=(kind.id());
                    (input(Input { name: "title", label: t(lang, "web.label.activity_title"), value: a.and_then(|a| a.title.clone()).unwrap_or_default(), kind: "text", hint: None, attrs: "" }, &e))
                    fieldset {
                        legend { (t(lang, "web.label.dates")) }
                        @if let Some(h) = &limits { p.hint { (h) } }
                        div.pair {
                            (input(Input { name: "start", label: t(lang, "web.label.start"), value: date(a.map(|a| a.start)), kind: "date", hint: None, attrs: "" }, &e))
                            (input(Input { name: "end", label: t(lang, "web.label.end"), value: date(a.map(|a| a.end)), kind: "date", hint: None, attrs: "" }, &e))
                        }
                        (checkbox("blended", "1", t(lang, "web.label.blended"), a.is_some_and(|a| a.blended)))
                    }
                    @if kind.is_incoming() {
                        fieldset { legend { (t(lang, "web.label.from")) } p.hint { (t(lang, "web.hint.from")) } (org_fields(lang, "from", a.and_then(|a| a.from.as_ref()), &e, rb.as_deref())) }
                    } @else {
                        fieldset {
                            legend { (t(lang, "web.label.host")) }
                            (org_fields(lang, "host", a.and_then(|a| a.host.as_ref()), &e, rb.as_deref()))
                            (checkbox("host_related", "1", t(lang, "web.label.host_related"), a.and_then(|a| a.host.as_ref()).is_some_and(|h| h.related_to_sender)))
                        }
                    }
                    @if kind == ActivityKind::GroupMobility {
                        (select("venue", t(lang, "web.label.venue"), &[Venue::Host, Venue::EuInstitution, Venue::Other].iter().map(|x| (x.id().to_owned(), t(lang, &format!("venue.{}", x.id())))).collect::<Vec<_>>(), a.and_then(|a| a.venue).map(|x| x.id()).unwrap_or("host"), &e))
                        (input(Input { name: "host_learners", label: t(lang, "web.label.host_learners"), value: opt_num(a.and_then(|a| a.host_learners)), kind: "number", hint: Some(t(lang, "web.hint.host_learners")), attrs: "" }, &e))
                    }
                    (participants_fields(lang, "participants", a.map(|a| &a.participants), v.doc, &e, Some(kind.participant_role())))
                    @if kind == ActivityKind::JobShadowing {
                        (input(Input { name: "mentor", label: t(lang, "web.label.mentor"), value: a.and_then(|a| a.mentor.clone()).unwrap_or_default(), kind: "text", hint: Some(t(lang, "web.hint.mentor")), attrs: "" }, &e))
                    }
                    @if kind == ActivityKind::Course {
                        fieldset {
                            legend { (t(lang, "web.label.course")) }
                            (input(Input { name: "course_provider", label: t(lang, "web.label.course_provider"), value: course.map(|c| c.provider.clone()).unwrap_or_default(), kind: "text", hint: None, attrs: "" }, &e))
                            (input(Input { name: "course_title", label: t(lang, "web.label.course_title"), value: course.map(|c| c.title.clone()).unwrap_or_default(), kind: "text", hint: None, attrs: "" }, &e))
                            (input(Input { name: "course_fee_days", label: t(lang, "web.label.course_fee_days"), value: opt_num(course.and_then(|c| c.fee_days)), kind: "number", hint: Some(t(lang, "web.hint.fee_days")), attrs: "" }, &e))
                            fieldset.inner {
                                legend { (t(lang, "web.label.course_quality")) }
                                @for q in QUALITY {
                                    (checkbox("course_quality", q.id(), t(lang, &format!("quality.{}", q.id())), course.is_some_and(|c| c.quality.contains(&q))))
                                }
                            }
                        }
                    }
                    @if kind != ActivityKind::HostingTeacherInTraining {
                        fieldset {
                            legend { (t(lang, "web.label.travel")) }
                            (input(Input { name: "travel_distance_km", label: t(lang, "web.label.travel_distance_km"), value: travel.and_then(|t| t.distance_km).map(|d| format!("{d:.2}")).unwrap_or_default(), kind: "decimal", hint: Some(distance_hint), attrs: "" }, &e))
                            (checkbox("travel_green", "1", t(lang, "web.label.travel_green"), travel.is_some_and(|t| t.green)))
                            (select("travel_means", t(lang, "web.label.travel_means"), &std::iter::once((String::new(), t(lang, "web.choose"))).chain(MEANS.iter().map(|m| (m.id().to_owned(), t(lang, &format!("means.{}", m.id()))))).collect::<Vec<_>>(), travel.and_then(|t| t.means).map(|m| m.id()).unwrap_or(""), &e))
                            (input(Input { name: "travel_means_description", label: t(lang, "web.label.travel_means_description"), value: travel.and_then(|t| t.means_description.clone()).unwrap_or_default(), kind: "text", hint: None, attrs: "" }, &e))
                            (input(Input { name: "travel_days", label: t(lang, "web.label.travel_days"), value: travel.map(|t| t.days.to_string()).unwrap_or_default(), kind: "number", hint: Some(t(lang, "web.hint.travel_days")), attrs: "" }, &e))
                            div.pair {
                                (input(Input { name: "travel_departure", label: t(lang, "web.label.travel_departure"), value: date(travel.and_then(|t| t.departure)), kind: "date", hint: None, attrs: "" }, &e))
                                (input(Input { name: "travel_return", label: t(lang, "web.label.travel_return"), value: date(travel.and_then(|t| t.return_date)), kind: "date", hint: None, attrs: "" }, &e))
                            }
                            (input(Input { name: "travel_expensive_real_cost", label: t(lang, "web.label.travel_expensive_real_cost"), value: travel.and_then(|t| t.expensive_real_cost).map(|m| m.to_string()).unwrap_or_default(), kind: "decimal", hint: Some(t(lang, "web.hint.expensive")), attrs: "" }, &e))
                        }
                    }
                    fieldset {
                        legend { (t(lang, "web.label.accompanying")) }
                        p.hint { (t(lang, "web.hint.accompanying")) }
                        div.table-scroll { table.rows {
                            thead { tr { th { (t(lang, "web.label.acc_person")) } th { (t(lang, "web.label.acc_count")) } th { (t(lang, "web.label.acc_days")) } } }
                            tbody {
                                @for i in 0..(accompanying.len() + 2) {
                                    @let acc = accompanying.get(i);
                                    tr {
                                        td { select name={"acc_" (i) "_person"} aria-label=(t(lang, "web.label.acc_person")) {
                                            option value="" { "—" }
                                            @for p in v.doc.people.iter().filter(|p| p.role == mobiplan_core::types::Role::Staff) {
                                                option value=(p.id) selected[acc.and_then(|a| a.person.as_deref()) == Some(p.id.as_str())] { (p.name) }
                                            }
                                        } }
                                        (cell(&format!("acc_{i}_count"), "number", t(lang, "web.label.acc_count"), opt_num(acc.and_then(|a| a.count)), &e))
                                        (cell(&format!("acc_{i}_days"), "number", t(lang, "web.label.acc_days"), opt_num(acc.and_then(|a| a.days)), &e))
                                    }
                                }
                            }
                        } }
                    }
                    @if kind.participant_role() == mobiplan_core::types::Role::Learner {
                        fieldset {
                            legend { (t(lang, "web.label.learners")) }
                            (input(Input { name: "recognition", label: t(lang, "web.label.recognition"), value: a.and_then(|a| a.recognition.clone()).unwrap_or_default(), kind: "textarea", hint: None, attrs: "" }, &e))
                            @if kind == ActivityKind::ShortTermLearning {
                                (input(Input { name: "fewer_opportunities_justification", label: t(lang, "web.label.fewer_opportunities_justification"), value: a.and_then(|a| a.fewer_opportunities_justification.clone()).unwrap_or_default(), kind: "textarea", hint: Some(t(lang, "web.hint.fewer_justification")), attrs: "" }, &e))
                            }
                            @if kind == ActivityKind::LongTermLearning {
                                (checkbox("linguistic_support", "1", t(lang, "web.label.linguistic_support"), a.is_some_and(|a| a.linguistic_support)))
                            }
                        }
                    }
                    (crate::views::application::activity_texts(lang, v.doc, kind, a, &e))
                    fieldset {
                        legend { (t(lang, "web.label.real_costs")) }
                        p.hint { (t(lang, "web.hint.real_costs")) }
                        div.table-scroll { table.rows {
                            thead { tr { th { (t(lang, "web.label.cost_kind")) } th { (t(lang, "web.label.cost_description")) } th { (t(lang, "web.label.cost_amount")) } th { (t(lang, "web.label.cost_justification")) } } }
                            tbody {
                                @for i in 0..(costs.len() + 1) {
                                    @let c = costs.get(i);
                                    tr {
                                        td { select name={"cost_" (i) "_kind"} aria-label=(t(lang, "web.label.cost_kind")) {
                                            @for k in COSTS { option value=(k.id()) selected[c.is_some_and(|c| c.kind == k)] { (t(lang, &format!("web.cost.{}", k.id()))) } }
                                        } }
                                        (cell(&format!("cost_{i}_description"), "text", t(lang, "web.label.cost_description"), c.map(|c| c.description.clone()).unwrap_or_default(), &e))
                                        (cell(&format!("cost_{i}_amount"), "decimal", t(lang, "web.label.cost_amount"), c.map(|c| c.amount.to_string()).unwrap_or_default(), &e))
                                        (cell(&format!("cost_{i}_justification"), "text", t(lang, "web.label.cost_justification"), c.and_then(|c| c.justification.clone()).unwrap_or_default(), &e))
                                    }
                                }
                            }
                        } }
                    }
                    div.actions {
                        button type="submit" { (t(lang, "web.save")) }
                        span.save-status aria-live="polite" {}
                    }
                }
                @if let Some(a) = a {
                    @if v.eval.is_some() {
                        form.inline method="post" action={"/projects/" (v.project_id) "/activities/" (a.id) "/delete"} data-confirm=(t(lang, "web.confirm-delete")) {
                            (crate::views::accounts::csrf_field())
                            input type="hidden" name="version" value=(v.version);
                            button.danger type="submit" { (t(lang, "web.delete")) }
                        }
                    }
                }
                }
            }
            @if let (Some(ev), Some(a), Some(_)) = (v.eval, a, index) {
                aside.side-col #live {
                    (live_panels(lang, v.project_id, v.doc, &a.id, ev))
                }
            }
        }
    }
}

/// The hint of the distance field: the distance computed from the towns when none is typed
/// (so it follows the towns; an autosave sends it again), else how to fill it in.
pub fn distance_hint(
    lang: Lang,
    doc: &ProjectFile,
    activity: Option<&Activity>,
    eval: Option<&Evaluation>,
) -> String {
    let computed = activity
        .filter(|a| a.travel.as_ref().is_some_and(|t| t.distance_km.is_none()))
        .and_then(|a| doc.activities.iter().position(|x| x.id == a.id))
        .zip(eval.and_then(|ev| ev.project.as_ref()))
        .and_then(|(i, p)| p.activities.get(i)?.travel.as_ref()?.distance.as_ref())
        .map(|d| d.km);
    match computed {
        Some(km) => tr(
            lang,
            "web.hint.distance-computed",
            &[("km", mobiplan_i18n::km(km, lang))],
        ),
        None => t(lang, "web.hint.distance"),
    }
}

/// The editor's live column: the activity's findings, its total and its budget lines. An
/// autosave answers with it again (`live_html`), so the column always shows the saved state.
pub fn live_panels(
    lang: Lang,
    project_id: &str,
    doc: &ProjectFile,
    activity_id: &str,
    eval: &Evaluation,
) -> Markup {
    let Some(i) = doc.activities.iter().position(|x| x.id == activity_id) else {
        return html! {};
    };
    let currency = eval
        .rulebook
        .as_ref()
        .map(|r| r.meta.currency.clone())
        .unwrap_or_default();
    html! {
        (findings_panel(lang, project_id, eval, Some(&format!("activities[{i}]"))))
        @if let Some(b) = &eval.budget {
            @let total: mobiplan_core::Amount = b.lines.iter().filter(|l| matches!(&l.owner, mobiplan_core::budget::LineOwner::Activity { index, .. } if *index == i)).map(|l| l.amount).sum();
            p.total #activity-total aria-live="polite" { (t(lang, "web.activity-total")) ": " strong { (amount(total, lang)) " " (currency) } }
            (budget_panel(lang, doc, b, &currency, Some(activity_id)))
        }
    }
}
