//! The JSON API: everything the pages do, for programs. Errors always use the format of
//! [`WebError::body`] and name the field; bad input is a 4xx, never a 500.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use mobiplan_core::project::file::ProjectFile;
use serde::Deserialize;
use serde_json::{Value, json};

use super::{evaluate_stored, now};
use crate::error::WebError;
use crate::eval::{Evaluation, evaluate};
use crate::i18n::{Lang, ReqLang};
use crate::state::AppState;

fn document(text: &str, prefix: &str) -> Result<ProjectFile, WebError> {
    mobiplan_core::project::parse_json(text).map_err(|e| {
        WebError::Invalid(
            e.errors
                .iter()
                .map(|e| {
                    let field = if e.field.is_empty() {
                        prefix.trim_end_matches('.').to_owned()
                    } else {
                        format!("{prefix}{}", e.field)
                    };
                    (field, e.message.clone())
                })
                .collect(),
        )
    })
}

fn stored_json(s: &mobiplan_store::Stored<ProjectFile>) -> Value {
    json!({ "id": s.id, "version": s.version, "document": s.document })
}

pub async fn projects_list(State(state): State<AppState>) -> Result<Json<Value>, WebError> {
    let actor = crate::access::actor()?;
    let list = state.store.list_projects_for(&actor.user.id).await?;
    Ok(Json(json!({ "projects": list })))
}

#[derive(Deserialize)]
pub struct OrgQuery {
    org: Option<String>,
}

pub async fn project_create(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    Query(q): Query<OrgQuery>,
    body: Bytes,
) -> Result<Response, WebError> {
    let (org, by) = crate::access::create_in(q.org.as_deref(), lang)?;
    let text = std::str::from_utf8(&body).map_err(|_| WebError::BadRequest {
        field: "body".into(),
        message: "not UTF-8".into(),
    })?;
    let doc = document(text, "")?;
    let stored = state.store.create_project_in(&org, Some(&by), &doc).await?;
    Ok((StatusCode::CREATED, Json(stored_json(&stored))).into_response())
}

pub async fn project_get(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Value>, WebError> {
    Ok(Json(stored_json(&state.store.get_project(&id).await?)))
}

/// `PUT {"version": N, "document": {...}}`: a versioned write; 409 when the project moved on.
pub async fn project_put(
    State(state): State<AppState>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<Value>, WebError> {
    let value: Value = serde_json::from_slice(&body).map_err(|e| WebError::BadRequest {
        field: "body".into(),
        message: e.to_string(),
    })?;
    let version = value
        .get("version")
        .and_then(Value::as_i64)
        .ok_or(WebError::BadRequest {
            field: "version".into(),
            message: "missing: the version the change starts from".into(),
        })?;
    let doc_value = value.get("document").ok_or(WebError::BadRequest {
        field: "document".into(),
        message: "missing".into(),
    })?;
    let doc = document(&doc_value.to_string(), "document.")?;
    let by = crate::access::current_user_id();
    let stored = state
        .store
        .save_project_by(&id, &doc, version, by.as_deref())
        .await?;
    Ok(Json(stored_json(&stored)))
}

pub async fn project_delete(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<StatusCode, WebError> {
    state.store.delete_project(&id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /api/projects/{id}/history`: every version, the newest first, with who saved it, when
/// and what changed.
pub async fn project_history(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Value>, WebError> {
    let history = super::history::history_with_changes(&state, &id).await?;
    Ok(Json(json!({
        "versions": history.iter().map(|(e, c)| json!({
            "version": e.version,
            "saved_at": e.saved_at,
            "saved_by": e.saved_by.as_ref().map(|u| json!({"email": u.email, "name": u.name})),
            "rate_profile_id": e.rate_profile_id,
            "changes": c,
        })).collect::<Vec<_>>(),
    })))
}

#[derive(Deserialize)]
pub struct LangQuery {
    lang: Option<String>,
}

fn lang_of(q: &LangQuery, fallback: Lang) -> Lang {
    q.lang
        .as_deref()
        .and_then(|l| l.parse().ok())
        .unwrap_or(fallback)
}

fn evaluation_json(ev: &Evaluation, lang: Lang) -> Value {
    let (mut errors, mut warnings, mut infos) = (ev.input_errors.len(), 0, 0);
    for f in &ev.findings {
        match f.severity {
            mobiplan_core::Severity::Error => errors += 1,
            mobiplan_core::Severity::Warning => warnings += 1,
            mobiplan_core::Severity::Info => infos += 1,
        }
    }
    json!({
        "lang": lang.code(),
        "input_errors": ev.input_errors,
        "summary": { "errors": errors, "warnings": warnings, "infos": infos },
        "findings": ev.findings.iter().map(|f| mobiplan_i18n::json::finding(f, lang)).collect::<Vec<_>>(),
        "budget": ev.budget.as_ref().map(|b| mobiplan_i18n::json::budget(b, lang)),
    })
}

pub async fn project_evaluation(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    Path(id): Path<String>,
    Query(q): Query<LangQuery>,
) -> Result<Json<Value>, WebError> {
    let stored = state.store.get_project(&id).await?;
    let ev = evaluate_stored(&state, &stored).await;
    let mut v = evaluation_json(&ev, lang_of(&q, lang));
    v["version"] = json!(stored.version);
    Ok(Json(v))
}

/// Checks and budgets a document without storing it (what-if, live previews).
pub async fn evaluate_document(
    ReqLang(lang): ReqLang,
    Query(q): Query<LangQuery>,
    body: Bytes,
) -> Result<Json<Value>, WebError> {
    let text = std::str::from_utf8(&body).map_err(|_| WebError::BadRequest {
        field: "body".into(),
        message: "not UTF-8".into(),
    })?;
    let doc = document(text, "")?;
    Ok(Json(evaluation_json(
        &evaluate(&doc, None, now()),
        lang_of(&q, lang),
    )))
}

#[derive(Deserialize)]
pub struct PlaceQuery {
    q: Option<String>,
    limit: Option<usize>,
}

pub async fn places(Query(q): Query<PlaceQuery>) -> Result<Json<Value>, WebError> {
    let query = q.q.unwrap_or_default();
    let found = mobiplan_geo::Gazetteer::embedded()
        .search(&query, q.limit.unwrap_or(8).clamp(1, 50))
        .map_err(|e| WebError::BadRequest {
            field: "q".into(),
            message: e.to_string(),
        })?;
    Ok(Json(json!({
        "query": query,
        "places": found.iter().map(|c| json!({
            "id": c.id, "name": c.name, "region": c.region, "country": c.country,
            "display": c.display(), "lat": c.lat, "lon": c.lon, "population": c.population,
        })).collect::<Vec<_>>(),
    })))
}

#[derive(Deserialize)]
pub struct DistanceQuery {
    from: Option<String>,
    to: Option<String>,
    year: Option<u16>,
}

fn resolve(field: &str, query: Option<&str>) -> Result<mobiplan_geo::Candidate, WebError> {
    let q = query
        .filter(|q| !q.trim().is_empty())
        .ok_or(WebError::BadRequest {
            field: field.into(),
            message: "missing".into(),
        })?;
    match mobiplan_geo::Gazetteer::embedded()
        .resolve(q)
        .map_err(|e| WebError::BadRequest {
            field: field.into(),
            message: e.to_string(),
        })? {
        mobiplan_geo::Resolved::One(c) => Ok(c),
        mobiplan_geo::Resolved::NotFound => Err(WebError::Invalid(vec![(
            field.into(),
            format!("no place matches \"{q}\""),
        )])),
        mobiplan_geo::Resolved::Ambiguous(c) => Err(WebError::Invalid(vec![(
            field.into(),
            format!(
                "\"{q}\" matches several places: {}",
                c.iter()
                    .take(6)
                    .map(|c| c.display())
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
        )])),
    }
}

pub async fn distance(Query(q): Query<DistanceQuery>) -> Result<Json<Value>, WebError> {
    let a = resolve("from", q.from.as_deref())?;
    let b = resolve("to", q.to.as_deref())?;
    let rb =
        crate::eval::rulebook(q.year.unwrap_or_else(crate::eval::latest_year)).map_err(|e| {
            WebError::BadRequest {
                field: "year".into(),
                message: e,
            }
        })?;
    let km = mobiplan_core::types::Km100(mobiplan_geo::round_km_2(mobiplan_geo::haversine_km(
        a.coordinates(),
        b.coordinates(),
    )));
    let (idx, band) = rb.band_for(km);
    Ok(Json(json!({
        "km": km,
        "band": { "from_km": band.from_km, "label": rb.band_label(idx) },
        "amounts": { "standard": band.standard, "green": band.green, "confidence": rb.funding.travel.bands.confidence },
        "near_border_km": rb.near_band_border(km),
        "from": { "display": a.display(), "lat": a.lat, "lon": a.lon, "id": a.id },
        "to": { "display": b.display(), "lat": b.lat, "lon": b.lon, "id": b.id },
    })))
}

pub async fn openapi() -> Response {
    (
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        include_str!("../../openapi.json"),
    )
        .into_response()
}
