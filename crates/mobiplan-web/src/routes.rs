//! Every route in one place, grouped by page.

use axum::Router;
use axum::routing::{get, post};

use crate::handlers::{activities, api, assets, exports, projects, rates, visits};
use crate::state::AppState;

pub fn router(state: AppState) -> Router {
    Router::new()
        // Projects
        .route("/", get(projects::project_list))
        .route("/projects/new", get(projects::project_new))
        .route("/projects", post(projects::project_create))
        .route("/projects/import", post(projects::project_import))
        .route("/projects/{id}", get(projects::project_show))
        .route(
            "/projects/{id}/details",
            get(projects::details_edit).post(projects::details_save),
        )
        .route(
            "/projects/{id}/people",
            get(projects::people_edit).post(projects::people_save),
        )
        .route("/projects/{id}/budget", get(projects::budget_show))
        .route("/projects/{id}/checks", get(projects::checks_show))
        .route("/projects/{id}/rates", post(projects::rates_select))
        .route("/projects/{id}/export.toml", get(projects::export_toml))
        .route("/projects/{id}/export.json", get(projects::export_json))
        .route("/projects/{id}/delete", post(projects::project_delete))
        // Activities
        .route(
            "/projects/{id}/activities/new",
            get(activities::activity_new),
        )
        .route(
            "/projects/{id}/activities",
            post(activities::activity_create),
        )
        .route(
            "/projects/{id}/activities/{aid}",
            get(activities::activity_edit).post(activities::activity_save),
        )
        .route(
            "/projects/{id}/activities/{aid}/delete",
            post(activities::activity_delete),
        )
        // Preparatory visits
        .route("/projects/{id}/visits/new", get(visits::visit_new))
        .route("/projects/{id}/visits", post(visits::visit_create))
        .route(
            "/projects/{id}/visits/{vid}",
            get(visits::visit_edit).post(visits::visit_save),
        )
        .route(
            "/projects/{id}/visits/{vid}/delete",
            post(visits::visit_delete),
        )
        // Documents made from a project (mobiplan-export)
        .route(
            "/projects/{id}/export/{format}",
            get(exports::export_document),
        )
        // Agency rate profiles
        .route("/rates", get(rates::rates_list).post(rates::rates_create))
        .route("/rates/new", get(rates::rates_new))
        .route(
            "/rates/{pid}",
            get(rates::rates_edit).post(rates::rates_save),
        )
        // Language switch and assets
        .route("/lang", post(projects::lang_set))
        .route(assets::css_path(), get(assets::css))
        .route(assets::js_path(), get(assets::js))
        // JSON API (documented in /api/openapi.json)
        .route("/api/openapi.json", get(api::openapi))
        .route(
            "/api/projects",
            get(api::projects_list).post(api::project_create),
        )
        .route(
            "/api/projects/{id}",
            get(api::project_get)
                .put(api::project_put)
                .delete(api::project_delete),
        )
        .route(
            "/api/projects/{id}/evaluation",
            get(api::project_evaluation),
        )
        .route("/api/evaluate", post(api::evaluate_document))
        .route("/api/places", get(api::places))
        .route("/api/distance", get(api::distance))
        .fallback(fallback)
        .with_state(state)
}

async fn fallback(
    crate::i18n::ReqLang(lang): crate::i18n::ReqLang,
    uri: axum::http::Uri,
) -> axum::response::Response {
    if uri.path().starts_with("/api/") {
        use axum::response::IntoResponse;
        return crate::error::WebError::NotFound.into_response();
    }
    crate::handlers::error_page(lang, crate::error::WebError::NotFound)
}
