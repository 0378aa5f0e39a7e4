//! The mobility list: one row per participant per activity, with the fields the Beneficiary
//! Module asks for. Named participants appear by name; counted ones are numbered. A counted
//! activity records only how many participants have fewer opportunities, not who: the first
//! that many numbered participants carry the flag, so the list's totals equal the plan's.

use mobiplan_core::project::{AccompanyingWho, Activity, Participants, Project};
use mobiplan_core::types::Role;
use mobiplan_core::{Country, Rulebook};
use mobiplan_i18n::Lang;

use crate::text::{kind, r, t, yes_no};
use crate::{ExportError, Plan};

/// One row of the list, every cell already text for people.
#[derive(Clone, Debug, PartialEq)]
pub struct MobilityRow {
    pub activity_id: String,
    pub activity_kind: String,
    pub participant: String,
    pub role: String,
    pub sending_org: String,
    pub sending_oid: String,
    pub sending_country: String,
    pub sending_town: String,
    pub receiving_org: String,
    pub receiving_oid: String,
    pub receiving_country: String,
    pub receiving_town: String,
    pub start: String,
    pub end: String,
    pub distance_band: String,
    pub distance_km: String,
    pub green: String,
    pub means: String,
    pub travel_days: String,
    pub fewer_opportunities: String,
    pub accompanying: String,
}

/// The column keys (`export.mobility.<key>`), in the order of [`MobilityRow::cells`].
pub const COLUMNS: [&str; 21] = [
    "activity-id",
    "activity-kind",
    "participant",
    "role",
    "sending-org",
    "sending-oid",
    "sending-country",
    "sending-town",
    "receiving-org",
    "receiving-oid",
    "receiving-country",
    "receiving-town",
    "start",
    "end",
    "distance-band",
    "distance-km",
    "green",
    "means",
    "travel-days",
    "fewer-opportunities",
    "accompanying",
];

impl MobilityRow {
    pub fn cells(&self) -> [&str; 21] {
        [
            &self.activity_id,
            &self.activity_kind,
            &self.participant,
            &self.role,
            &self.sending_org,
            &self.sending_oid,
            &self.sending_country,
            &self.sending_town,
            &self.receiving_org,
            &self.receiving_oid,
            &self.receiving_country,
            &self.receiving_town,
            &self.start,
            &self.end,
            &self.distance_band,
            &self.distance_km,
            &self.green,
            &self.means,
            &self.travel_days,
            &self.fewer_opportunities,
            &self.accompanying,
        ]
    }
}

pub fn headers(lang: Lang) -> Vec<String> {
    COLUMNS
        .iter()
        .map(|c| t(lang, &format!("export.mobility.{c}")))
        .collect()
}

struct Org {
    name: String,
    oid: String,
    country: Country,
    town: String,
}

fn sides(p: &Project, a: &Activity) -> (Org, Org) {
    let applicant = Org {
        name: p.applicant.name.clone(),
        oid: p.applicant.oid.clone().unwrap_or_default(),
        country: p.applicant.country,
        town: p.applicant.town.clone().unwrap_or_default(),
    };
    let other = |o: &mobiplan_core::project::file::Organisation| Org {
        name: o.name.clone(),
        oid: o.oid.clone().unwrap_or_default(),
        country: o.country,
        town: o.town.clone().unwrap_or_default(),
    };
    if a.kind.is_incoming() {
        let from = a.from.as_ref().map(other).unwrap_or(Org {
            name: String::new(),
            oid: String::new(),
            country: p.applicant.country,
            town: String::new(),
        });
        let to = a.host.as_ref().map(other).unwrap_or(applicant);
        (from, to)
    } else {
        let to = a.host.as_ref().map(other).unwrap_or(Org {
            name: String::new(),
            oid: String::new(),
            country: p.applicant.country,
            town: String::new(),
        });
        (applicant, to)
    }
}

struct Who {
    name: String,
    role: Role,
    fewer: bool,
    accompanying: bool,
}

fn people_of(p: &Project, a: &Activity, lang: Lang) -> Vec<Who> {
    let mut out = Vec::new();
    match &a.participants {
        Participants::Named(ids) => {
            for i in ids {
                let person = &p.people[*i];
                out.push(Who {
                    name: person.name.clone(),
                    role: person.role,
                    fewer: person.fewer_opportunities,
                    accompanying: false,
                });
            }
        }
        Participants::Counted {
            count,
            fewer_opportunities,
            ..
        } => {
            for n in 1..=*count {
                out.push(Who {
                    name: r(
                        lang,
                        "export.mobility.participant-n",
                        &[("n", n.to_string())],
                    ),
                    role: a.kind.participant_role(),
                    fewer: n <= *fewer_opportunities,
                    accompanying: false,
                });
            }
        }
    }
    let mut numbered = 0;
    for acc in &a.accompanying {
        match acc.who {
            AccompanyingWho::Person(i) => {
                let person = &p.people[i];
                out.push(Who {
                    name: person.name.clone(),
                    role: person.role,
                    fewer: person.fewer_opportunities,
                    accompanying: true,
                });
            }
            AccompanyingWho::Counted {
                count,
                fewer_opportunities,
            } => {
                for n in 1..=count {
                    numbered += 1;
                    out.push(Who {
                        name: r(
                            lang,
                            "export.mobility.accompanying-n",
                            &[("n", numbered.to_string())],
                        ),
                        role: Role::Staff,
                        fewer: n <= fewer_opportunities,
                        accompanying: true,
                    });
                }
            }
        }
    }
    out
}

/// The rows of the list, activity by activity in the plan's order.
pub fn mobility_rows(p: &Project, rb: &Rulebook, lang: Lang) -> Vec<MobilityRow> {
    let mut rows = Vec::new();
    for a in &p.activities {
        let (from, to) = sides(p, a);
        let travel = a.travel.as_ref();
        let distance = travel.and_then(|t| t.distance.as_ref());
        let band = distance
            .map(|d| rb.band_label(rb.band_for(d.km).0))
            .unwrap_or_default();
        let km = distance
            .map(|d| mobiplan_i18n::km(d.km, lang))
            .unwrap_or_default();
        let means = travel
            .and_then(|t| t.means)
            .map(|m| t(lang, &format!("means.{}", m.id())))
            .unwrap_or_default();
        for who in people_of(p, a, lang) {
            rows.push(MobilityRow {
                activity_id: a.id.to_string(),
                activity_kind: kind(lang, a.kind),
                participant: who.name,
                role: t(lang, &format!("role.{}", who.role.as_str())),
                sending_org: from.name.clone(),
                sending_oid: from.oid.clone(),
                sending_country: from.country.as_str().to_owned(),
                sending_town: from.town.clone(),
                receiving_org: to.name.clone(),
                receiving_oid: to.oid.clone(),
                receiving_country: to.country.as_str().to_owned(),
                receiving_town: to.town.clone(),
                start: crate::text::date(a.start),
                end: crate::text::date(a.end),
                distance_band: band.clone(),
                distance_km: km.clone(),
                green: travel.map(|t| yes_no(t.green, lang)).unwrap_or_default(),
                means: means.clone(),
                travel_days: travel.map(|t| t.days.to_string()).unwrap_or_default(),
                fewer_opportunities: yes_no(who.fewer, lang),
                accompanying: yes_no(who.accompanying, lang),
            });
        }
    }
    rows
}

pub fn csv(plan: &Plan) -> Result<Vec<u8>, ExportError> {
    let mut w = ::csv::Writer::from_writer(Vec::new());
    let err = |e: ::csv::Error| ExportError::Csv(e.to_string());
    w.write_record(
        headers(plan.lang)
            .iter()
            .map(|h| neutralise(h).into_owned()),
    )
    .map_err(err)?;
    for row in mobility_rows(plan.project, plan.rulebook, plan.lang) {
        w.write_record(row.cells().iter().map(|c| neutralise(c).into_owned()))
            .map_err(err)?;
    }
    w.into_inner().map_err(|e| ExportError::Csv(e.to_string()))
}

/// A cell a spreadsheet would run as a formula (it begins with `=`, `+`, `-`, `@`, a tab or a
/// carriage return) gets a leading `'`, as OWASP's "CSV Injection" advises: a name such as
/// `=HYPERLINK(…)` typed into a plan stays text when the list is opened. (The CSV writer
/// quotes cells that need it, doubling embedded quotes.)
pub fn neutralise(cell: &str) -> std::borrow::Cow<'_, str> {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}").into(),
        _ => cell.into(),
    }
}

#[cfg(test)]
mod csv_injection_tests {
    use super::neutralise;

    #[test]
    fn cells_that_would_run_as_formulas_are_neutralised() {
        for bad in [
            "=HYPERLINK(\"http://x\")",
            "+1",
            "-2+3",
            "@SUM(A1)",
            "\tx",
            "\rx",
        ] {
            assert_eq!(neutralise(bad), format!("'{bad}"), "{bad:?}");
        }
        for fine in ["Anna Bērziņa", "2026-09-01", "12", "", "a=b"] {
            assert_eq!(neutralise(fine), fine);
        }
    }
}
