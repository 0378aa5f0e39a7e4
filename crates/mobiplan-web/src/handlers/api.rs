//! The JSON API: everything the pages do, for programs. Errors always use the format of
//! [`WebError::body`] and name the field; bad input is a 4xx, never a 500.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use mobiplan_core::project::file::ProjectFile;
use serde::Deserialize;
use serde_json::{Value, json};

use super::{evaluate_stored, now};
use crate::error::WebError;
use crate::eval::{Evaluation, evaluate};
use crate::i18n::{Lang, ReqLang};
use crate::state::AppState;

/// The document of a request; what does not read is named by its path (programs read the
/// API) with the problem in the request's language.
fn document(text: &str, prefix: &str, lang: Lang) -> Result<ProjectFile, WebError> {
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
                    (field, mobiplan_i18n::input_error_message(e, lang))
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
    let doc = document(text, "", lang)?;
    let stored = state.store.create_project_in(&org, Some(&by), &doc).await?;
    Ok((StatusCode::CREATED, Json(stored_json(&stored))).into_response())
}

/// The project with its version, also as the `ETag` a PATCH sends back in `If-Match`.
pub async fn project_get(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let stored = state.store.get_project(&id).await?;
    Ok((
        [(header::ETAG, format!("\"{}\"", stored.version))],
        Json(stored_json(&stored)),
    )
        .into_response())
}

/// The answer to a merged write: the stored project, whether it was merged onto a newer
/// version, and its version as the entity tag for the next `If-Match`.
fn saved_json(saved: &super::Saved) -> Response {
    let mut body = stored_json(&saved.stored);
    body["merged"] = json!(saved.merged);
    body["changed"] = json!(saved.changed);
    (
        [(header::ETAG, format!("\"{}\"", saved.stored.version))],
        Json(body),
    )
        .into_response()
}

/// A conflict as an RFC 9457 problem document: each field changed by both sides with the
/// value before, theirs (stored now) and mine (this request's).
fn conflict_problem(lang: Lang, c: &super::Conflicted) -> Response {
    let theirs = serde_json::to_value(&c.current.document).unwrap_or_default();
    let body = json!({
        "type": "/api/problems/conflict",
        "title": "Fields changed elsewhere",
        "status": 409,
        "detail": format!(
            "{} field(s) of this request were also changed by someone else since the base version; \
             nothing was saved. Look at each, then send the change again with base version {}.",
            c.conflicts.len(),
            c.current.version
        ),
        "current_version": c.current.version,
        "conflicts": crate::views::merge::conflicts_json(lang, &c.conflicts, &theirs, &c.mine),
    });
    (
        StatusCode::CONFLICT,
        [(header::CONTENT_TYPE, "application/problem+json")],
        Json(body),
    )
        .into_response()
}

/// Runs a merged write for the API.
async fn api_save(
    state: &AppState,
    lang: Lang,
    id: &str,
    base: super::Base,
    mine: &Value,
) -> Result<Response, WebError> {
    match super::save_change(
        state,
        id,
        base,
        mine,
        &super::Resolution::default(),
        mobiplan_store::SaveKind::Explicit,
    )
    .await
    {
        Ok(saved) => Ok(saved_json(&saved)),
        Err(super::SaveError::Conflict(c)) => Ok(conflict_problem(lang, &c)),
        Err(super::SaveError::Web(e)) => Err(e),
    }
}

/// Reads a whole document from JSON as the file format does, naming the fields it refuses.
fn check_document(value: &Value, prefix: &str, lang: Lang) -> Result<ProjectFile, WebError> {
    document(&value.to_string(), prefix, lang)
}

/// `PUT {"version": N, "document": {...}}`: the document as the client wants it, made from
/// version N; merged field by field onto the version stored now (what others changed since N
/// stays), a 409 problem document for fields changed by both.
pub async fn project_put(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, WebError> {
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
    let doc = check_document(doc_value, "document.", lang)?;
    let mine = serde_json::to_value(&doc).map_err(|e| WebError::Internal(e.to_string()))?;
    let base = super::load_base(&state, &id, version).await?;
    api_save(&state, lang, &id, base, &mine).await
}

#[derive(Deserialize)]
pub struct VersionQuery {
    version: Option<String>,
}

/// The base version of a PATCH: `If-Match: "N"` (the `ETag` of a read), or `?version=N`.
fn patch_base(headers: &HeaderMap, q: &VersionQuery) -> Result<i64, WebError> {
    let bad = |m: &str| WebError::BadRequest {
        field: "If-Match".into(),
        message: m.into(),
    };
    if let Some(v) = headers.get(header::IF_MATCH) {
        let text = v.to_str().map_err(|_| bad("not text"))?.trim();
        let text = text.strip_prefix("W/").unwrap_or(text);
        return text
            .trim_matches('"')
            .parse()
            .map_err(|_| bad("the base version in quotes, e.g. \"7\""));
    }
    match &q.version {
        Some(v) => v.parse().map_err(|_| WebError::BadRequest {
            field: "version".into(),
            message: "a whole number: the version the change starts from".into(),
        }),
        None => Err(bad(
            "missing: send the version the change starts from as If-Match: \"N\" or ?version=N",
        )),
    }
}

/// `PATCH` with a JSON Merge Patch (RFC 7396, `application/merge-patch+json`) made against
/// the base version (`If-Match` or `?version=`): applied to that version, then merged field by
/// field onto the version stored now like every save.
pub async fn project_patch(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    Path(id): Path<String>,
    Query(q): Query<VersionQuery>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, WebError> {
    let version = patch_base(&headers, &q)?;
    let patch: Value = serde_json::from_slice(&body).map_err(|e| WebError::BadRequest {
        field: "body".into(),
        message: e.to_string(),
    })?;
    if !patch.is_object() {
        return Err(WebError::BadRequest {
            field: "body".into(),
            message: "a JSON Merge Patch of the project document is an object".into(),
        });
    }
    let base = super::load_base(&state, &id, version).await?;
    let mut mine =
        serde_json::to_value(&base.doc).map_err(|e| WebError::Internal(e.to_string()))?;
    mobiplan_core::merge::merge_patch(&mut mine, &patch);
    // The patched document must still be a project document; its own form is what is merged.
    let doc = check_document(&mine, "", lang)?;
    let mine = serde_json::to_value(&doc).map_err(|e| WebError::Internal(e.to_string()))?;
    api_save(&state, lang, &id, base, &mine).await
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
            "first_version": e.first_version,
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
        "input_errors": ev.input_errors.iter().map(|e| mobiplan_i18n::json::input_error(e, lang)).collect::<Vec<_>>(),
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
    let doc = document(text, "", lang_of(&q, lang))?;
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
