//! Filling a project's missing distances from its places: the shell side of the pure core.
//!
//! A travelling activity without `travel.distance_km` gets the great-circle distance between
//! its origin (the applicant; for invited experts, where they come from) and its venue (the
//! host; for incoming kinds, the applicant), each taken from typed coordinates or from the town
//! resolved in the gazetteer within its country. An explicit distance always wins. A town that
//! matches several places, or none, is an input error that lists the candidates: the distance
//! is never guessed.

use mobiplan_core::input;
use mobiplan_core::project::{Distance, DistanceSource, InputError, InputErrors, Project};
use mobiplan_core::types::{Coordinates, Country, Km100};

use crate::{Gazetteer, Resolved, SearchError, haversine_km, round_km_2};

/// A point and what it is, for the record.
struct Point {
    at: Coordinates,
    label: String,
}

fn locate(
    gaz: &Gazetteer,
    field: &str,
    town: Option<&str>,
    country: Country,
    coordinates: Option<Coordinates>,
) -> Result<Option<Point>, InputError> {
    if let Some(at) = coordinates {
        let label = match town {
            Some(t) => format!("{t}, {country} ({:.5}, {:.5})", at.lat, at.lon),
            None => format!("{country} ({:.5}, {:.5})", at.lat, at.lon),
        };
        return Ok(Some(Point { at, label }));
    }
    let Some(town) = town.map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    let query = format!("{town},{country}");
    let at_town = format!("{field}.town");
    let resolved = gaz.resolve(&query).map_err(|e| {
        let refused = match &e {
            SearchError::QueryTooLong { max, .. } => input::too_long(at_town.as_str(), *max),
            SearchError::EmptyQuery | SearchError::InvalidCoordinates { .. } => {
                input::town_unreadable(at_town.as_str(), town)
            }
        };
        refused.with_detail(e.to_string())
    })?;
    match resolved {
        Resolved::One(c) => {
            // A gazetteer entry off the globe would be a broken table, not the person's input.
            let at = Coordinates::new(c.lat, c.lon)
                .map_err(|e| input::unreadable(at_town.as_str()).with_detail(e))?;
            let id = c.id.map(|i| format!(", GeoNames {i}")).unwrap_or_default();
            Ok(Some(Point {
                at,
                label: format!("{} ({:.5}, {:.5}{id})", c.display(), c.lat, c.lon),
            }))
        }
        Resolved::Ambiguous(cands) => {
            let list: Vec<String> = cands.iter().take(6).map(|c| c.display()).collect();
            Err(input::town_ambiguous(at_town, town, country, list))
        }
        Resolved::NotFound => Err(input::town_not_found(at_town, town, country)),
    }
}

/// Computes the missing distances of `project` in place. Returns every problem at once.
pub fn fill_distances(project: &mut Project, gaz: &Gazetteer) -> Result<(), InputErrors> {
    let mut errors = Vec::new();
    let app = &project.applicant;
    let mut applicant_point: Option<Result<Option<Point>, InputError>> = None;
    let mut computed: Vec<(usize, Distance)> = Vec::new();

    for (i, a) in project.activities.iter().enumerate() {
        let Some(t) = &a.travel else { continue };
        if t.distance.is_some() {
            continue;
        }
        let mut applicant = || -> Result<Option<Point>, InputError> {
            let r = applicant_point.get_or_insert_with(|| {
                locate(
                    gaz,
                    "applicant",
                    app.town.as_deref(),
                    app.country,
                    app.coordinates,
                )
            });
            match r {
                Ok(Some(p)) => Ok(Some(Point {
                    at: p.at,
                    label: p.label.clone(),
                })),
                Ok(None) => Ok(None),
                Err(e) => Err(e.clone()),
            }
        };
        let org = |name: &str, o: &mobiplan_core::project::Organisation| {
            locate(
                gaz,
                &format!("activities[{i}].{name}"),
                o.town.as_deref(),
                o.country,
                o.coordinates,
            )
        };
        let (from, to) = if a.kind.is_incoming() {
            let from = match &a.from {
                Some(o) => org("from", o),
                None => Ok(None),
            };
            let to = match &a.host {
                Some(h) => org("host", h),
                None => applicant(),
            };
            (from, to)
        } else {
            let to = match &a.host {
                Some(h) => org("host", h),
                None => Ok(None),
            };
            (applicant(), to)
        };
        match (from, to) {
            (Ok(Some(from)), Ok(Some(to))) => {
                let km = round_km_2(haversine_km(
                    (from.at.lat, from.at.lon),
                    (to.at.lat, to.at.lon),
                ));
                computed.push((
                    i,
                    Distance {
                        km: Km100(km),
                        source: DistanceSource::Computed {
                            from: from.at,
                            to: to.at,
                            from_place: from.label,
                            to_place: to.label,
                        },
                    },
                ));
            }
            (from, to) => {
                for r in [from, to] {
                    if let Err(e) = r
                        && !errors.contains(&e)
                    {
                        errors.push(e);
                    }
                }
            }
        }
    }
    if !errors.is_empty() {
        return Err(InputErrors { errors });
    }
    for (i, d) in computed {
        if let Some(t) = project.activities[i].travel.as_mut() {
            t.distance = Some(d);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn project(host: &str, distance: &str) -> Project {
        let text = format!(
            r#"format = 1
[project]
title = "t"
field = "SCH"
call_year = 2026
round = 1
start = 2026-09-01
duration_months = 12
[applicant]
name = "School"
country = "LV"
town = "Rīga"
[[activities]]
id = "a"
kind = "job-shadowing"
start = 2026-10-05
end = 2026-10-09
participants = {{ count = 1 }}
mentor = "M"
host = {host}
travel = {{ means = "train", days = 2 {distance} }}
"#
        );
        Project::from_toml(&text).unwrap()
    }

    fn distance(p: &Project) -> &Distance {
        p.activities[0]
            .travel
            .as_ref()
            .unwrap()
            .distance
            .as_ref()
            .unwrap()
    }

    #[test]
    fn towns_give_the_distance_and_record_the_points_used() {
        let mut p = project(r#"{ name = "H", country = "ES", town = "Valencia" }"#, "");
        fill_distances(&mut p, Gazetteer::embedded()).unwrap();
        let d = distance(&p);
        // Riga → Valencia is about 2,630 km one way (the funding reference's worked example).
        assert!((262_000..264_000).contains(&d.km.0), "{}", d.km);
        let DistanceSource::Computed {
            from_place,
            to_place,
            ..
        } = &d.source
        else {
            panic!("not computed")
        };
        assert!(from_place.contains("Riga"), "{from_place}");
        assert!(
            to_place.contains("Valencia") && to_place.contains("ES"),
            "{to_place}"
        );
    }

    #[test]
    fn an_explicit_distance_always_wins() {
        let mut p = project(
            r#"{ name = "H", country = "ES", town = "Valencia" }"#,
            ", distance_km = 2630.47",
        );
        fill_distances(&mut p, Gazetteer::embedded()).unwrap();
        assert_eq!(distance(&p).km, Km100(263_047));
        assert_eq!(distance(&p).source, DistanceSource::Entered);
    }

    #[test]
    fn coordinates_win_over_the_town() {
        let mut p = project(
            r#"{ name = "H", country = "DE", town = "Berlin", coordinates = [60.1674081, 24.9425473] }"#,
            "",
        );
        p.applicant.coordinates = Some(Coordinates::new(52.5170365, 13.3888599).unwrap());
        fill_distances(&mut p, Gazetteer::embedded()).unwrap();
        assert_eq!(distance(&p).km, Km100(110_617)); // the current tool's Berlin → Helsinki
    }

    #[test]
    fn an_ambiguous_town_is_an_error_listing_the_candidates() {
        let mut p = project(r#"{ name = "H", country = "DE", town = "Frankfurt" }"#, "");
        let err = fill_distances(&mut p, Gazetteer::embedded()).unwrap_err();
        let e = &err.errors[0];
        assert_eq!(e.field, "activities[0].host.town");
        assert_eq!(e.key, "input.town-ambiguous");
        let Some(mobiplan_core::Arg::List(candidates)) = e.arg("candidates") else {
            panic!("{e}")
        };
        assert!(
            candidates.iter().any(|c| c.contains("Frankfurt am Main")),
            "{e}"
        );
        assert!(
            candidates.iter().any(|c| c.contains("Frankfurt (Oder)")),
            "{e}"
        );
    }

    #[test]
    fn an_unknown_town_is_an_error_naming_the_field() {
        let mut p = project(r#"{ name = "H", country = "ES", town = "Qqqqzzzz" }"#, "");
        let err = fill_distances(&mut p, Gazetteer::embedded()).unwrap_err();
        assert_eq!(err.errors[0].field, "activities[0].host.town");
        assert_eq!(err.errors[0].key, "input.town-not-found");
    }

    #[test]
    fn without_any_place_the_distance_stays_unknown() {
        let mut p = project(r#"{ name = "H", country = "ES" }"#, "");
        fill_distances(&mut p, Gazetteer::embedded()).unwrap();
        assert!(p.activities[0].travel.as_ref().unwrap().distance.is_none());
    }
}
