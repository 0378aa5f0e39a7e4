//! The documents section of the project page and the timeline of the budget page; the
//! documents themselves are made by mobiplan-export.

use maud::{Markup, PreEscaped, html};
use mobiplan_export::{Format, Plan};

use crate::eval::Evaluation;
use crate::i18n::{Lang, t};

/// Download links, one per format; without a readable project, why there are none.
pub fn downloads(lang: Lang, project_id: &str, eval: &Evaluation) -> Markup {
    html! {
        li #documents {
            h2 { (t(lang, "export.web.downloads")) }
            @if eval.budget.is_some() {
                p.hint { (t(lang, "export.web.downloads-hint")) }
                ul {
                    @for f in Format::ALL {
                        li.task {
                            a href={"/projects/" (project_id) "/export/" (f.id())} download {
                                (t(lang, &f.label_key()))
                            }
                        }
                    }
                }
            } @else {
                p.hint { (t(lang, "export.web.unavailable")) }
            }
        }
    }
}

/// The timeline chart, inline. The SVG escapes every text it contains (mobiplan-export).
pub fn timeline(lang: Lang, eval: &Evaluation) -> Markup {
    let (Some(project), Some(rulebook), Some(budget)) =
        (&eval.project, &eval.rulebook, &eval.budget)
    else {
        return html! {};
    };
    let plan = Plan {
        project,
        rulebook,
        budget,
        findings: &eval.findings,
        lang,
        now: crate::handlers::now(),
    };
    html! {
        section.timeline aria-labelledby="timeline-heading" {
            h2 #timeline-heading { (t(lang, "export.web.timeline")) }
            div.timeline-chart { (PreEscaped(mobiplan_export::timeline_svg(&plan))) }
        }
    }
}
