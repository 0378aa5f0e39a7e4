//! Every route in one table: method, path, who may use it ([`Access`]) and the handler. The
//! router is built from the table and [`ROUTES`] lists it, so that the authorization layer
//! ([`crate::access::guard`]) and the authorization-matrix test see every route — a route
//! cannot be added without saying who may use it.
//!
//! Path parameters carry authorization: `{id}` is always a project, `{pid}` a rate profile,
//! `{org}` an organisation.

use axum::Router;
use axum::routing::{MethodFilter, on};
use mobiplan_store::Role;

use crate::access::{Access, Need};
use crate::handlers::{
    accounts, activities, api, application, assets, dashboard, exports, history, implementation,
    ops, projects, rates, rulebooks, scenarios, visits,
};
use crate::state::AppState;

/// One declared route.
#[derive(Clone, Copy, Debug)]
pub struct RouteInfo {
    /// `GET`, `POST`, `PUT`, `PATCH` or `DELETE` (a `GET` route also answers `HEAD`).
    pub method: &'static str,
    pub path: &'static str,
    pub access: Access,
}

macro_rules! route_table {
    ($( $method:ident $path:expr => $handler:path, $access:expr; )*) => {
        /// Every route of the application.
        pub const ROUTES: &[RouteInfo] = &[
            $( RouteInfo { method: stringify!($method), path: $path, access: $access }, )*
        ];

        fn add_routes(router: Router<AppState>) -> Router<AppState> {
            router $( .route($path, on(MethodFilter::$method, $handler)) )*
        }
    };
}

use Access::{InstanceAdmin, Operator, Org, Project, Public, RateProfile, Setup, User};
use Need::{Delete, Edit, Read, Share};

route_table! {
    // Accounts
    GET "/login" => accounts::login_page, Public;
    POST "/login" => accounts::login, Public;
    POST "/logout" => accounts::logout, User;
    POST "/logout-everywhere" => accounts::logout_everywhere, User;
    GET "/setup" => accounts::setup_page, Setup;
    POST "/setup" => accounts::setup, Setup;
    GET "/account" => accounts::account_page, User;
    GET "/invite/{token}" => accounts::invitation_page, Public;
    POST "/invite/{token}" => accounts::invitation_accept, Public;
    GET "/orgs/{org}" => accounts::org_page, Org(Role::Viewer);
    POST "/orgs/{org}/invitations" => accounts::invitation_create, Org(Role::Owner);
    POST "/orgs/{org}/members/{uid}" => accounts::member_update, Org(Role::Owner);
    // Projects
    GET "/" => projects::project_list, User;
    GET "/dashboard" => dashboard::dashboard, User;
    GET "/projects/new" => projects::project_new, User;
    POST "/projects" => projects::project_create, User;
    POST "/projects/import" => projects::project_import, User;
    GET "/projects/{id}" => projects::project_show, Project(Read);
    GET "/projects/{id}/details" => projects::details_edit, Project(Read);
    POST "/projects/{id}/details" => projects::details_save, Project(Edit);
    GET "/projects/{id}/people" => projects::people_edit, Project(Read);
    POST "/projects/{id}/people" => projects::people_save, Project(Edit);
    // The application in words
    GET "/projects/{id}/application/background" => application::background_show, Project(Read);
    POST "/projects/{id}/application/background" => application::background_save, Project(Edit);
    GET "/projects/{id}/application/follow-up" => application::follow_up_show, Project(Read);
    POST "/projects/{id}/application/follow-up" => application::follow_up_save, Project(Edit);
    GET "/projects/{id}/application/summary" => application::summary_show, Project(Read);
    POST "/projects/{id}/application/summary" => application::summary_save, Project(Edit);
    GET "/projects/{id}/application/objectives/new" => application::objective_new, Project(Edit);
    POST "/projects/{id}/application/objectives" => application::objective_create, Project(Edit);
    GET "/projects/{id}/application/objectives/{oid}" => application::objective_show, Project(Read);
    POST "/projects/{id}/application/objectives/{oid}" => application::objective_save, Project(Edit);
    POST "/projects/{id}/application/objectives/{oid}/delete" => application::objective_delete, Project(Edit);
    GET "/projects/{id}/application/assessment" => application::assessment_show, Project(Read);
    GET "/projects/{id}/budget" => projects::budget_show, Project(Read);
    GET "/projects/{id}/checks" => projects::checks_show, Project(Read);
    // Implementation tracking
    GET "/projects/{id}/implementation" => implementation::implementation_show, Project(Read);
    POST "/projects/{id}/implementation/awarded" => implementation::awarded_save, Project(Edit);
    GET "/projects/{id}/implementation/activities/{aid}" => implementation::activity_record_edit, Project(Read);
    POST "/projects/{id}/implementation/activities/{aid}" => implementation::activity_record_save, Project(Edit);
    GET "/projects/{id}/implementation/visits/{vid}" => implementation::visit_record_edit, Project(Read);
    POST "/projects/{id}/implementation/visits/{vid}" => implementation::visit_record_save, Project(Edit);
    POST "/projects/{id}/rates" => projects::rates_select, Project(Edit);
    GET "/projects/{id}/export.toml" => projects::export_toml, Project(Read);
    GET "/projects/{id}/export.json" => projects::export_json, Project(Read);
    POST "/projects/{id}/delete" => projects::project_delete, Project(Delete);
    // Documents made from a project (mobiplan-export)
    GET "/projects/{id}/export/{format}" => exports::export_document, Project(Read);
    // Sharing and history
    GET "/projects/{id}/sharing" => accounts::sharing_page, Project(Share);
    POST "/projects/{id}/sharing" => accounts::share_add, Project(Share);
    POST "/projects/{id}/sharing/{uid}/delete" => accounts::share_remove, Project(Share);
    GET "/projects/{id}/history" => history::history_page, Project(Read);
    GET "/projects/{id}/history/{v}" => history::version_page, Project(Read);
    POST "/projects/{id}/history/{v}/restore" => history::restore, Project(Edit);
    // What-if scenarios (creating one also needs the editor role in the project's
    // organisation; compared projects from the query are checked like `{id}`)
    POST "/projects/{id}/scenario" => scenarios::scenario_create, Project(Edit);
    GET "/projects/{id}/compare" => scenarios::compare_page, Project(Read);
    // Moving a project to another call: a preview, then a scenario (creating it also needs
    // the editor role in the project's organisation, as for a scenario)
    GET "/projects/{id}/move" => rulebooks::move_preview, Project(Read);
    POST "/projects/{id}/move" => rulebooks::move_save, Project(Edit);
    // Activities
    GET "/projects/{id}/activities/new" => activities::activity_new, Project(Read);
    POST "/projects/{id}/activities" => activities::activity_create, Project(Edit);
    GET "/projects/{id}/activities/{aid}" => activities::activity_edit, Project(Read);
    POST "/projects/{id}/activities/{aid}" => activities::activity_save, Project(Edit);
    POST "/projects/{id}/activities/{aid}/delete" => activities::activity_delete, Project(Edit);
    // Preparatory visits
    GET "/projects/{id}/visits/new" => visits::visit_new, Project(Read);
    POST "/projects/{id}/visits" => visits::visit_create, Project(Edit);
    GET "/projects/{id}/visits/{vid}" => visits::visit_edit, Project(Read);
    POST "/projects/{id}/visits/{vid}" => visits::visit_save, Project(Edit);
    POST "/projects/{id}/visits/{vid}/delete" => visits::visit_delete, Project(Edit);
    // Agency rate profiles
    GET "/rates" => rates::rates_list, User;
    POST "/rates" => rates::rates_create, User;
    GET "/rates/new" => rates::rates_new, User;
    GET "/rates/{pid}" => rates::rates_edit, RateProfile(Read);
    POST "/rates/{pid}" => rates::rates_save, RateProfile(Edit);
    // Rulebook editions: call years, differences; corrected editions by instance administrators
    GET "/rulebooks" => rulebooks::rulebooks_list, User;
    GET "/rulebooks/load" => rulebooks::rulebook_load_form, InstanceAdmin;
    POST "/rulebooks/load" => rulebooks::rulebook_load, InstanceAdmin;
    GET "/rulebooks/{year}/diff" => rulebooks::rulebook_diff, User;
    // Language switch and assets
    POST "/lang" => projects::lang_set, Public;
    GET "/assets/{file}" => assets::asset, Public;
    // JSON API (documented in /api/openapi.json)
    GET "/api/openapi.json" => api::openapi, Public;
    GET "/api/projects" => api::projects_list, User;
    POST "/api/projects" => api::project_create, User;
    GET "/api/projects/{id}" => api::project_get, Project(Read);
    PUT "/api/projects/{id}" => api::project_put, Project(Edit);
    PATCH "/api/projects/{id}" => api::project_patch, Project(Edit);
    DELETE "/api/projects/{id}" => api::project_delete, Project(Delete);
    GET "/api/projects/{id}/evaluation" => api::project_evaluation, Project(Read);
    GET "/api/projects/{id}/history" => api::project_history, Project(Read);
    POST "/api/evaluate" => api::evaluate_document, User;
    GET "/api/places" => api::places, User;
    GET "/api/distance" => api::distance, User;
    // Operations: liveness and readiness for load balancers (they reveal nothing), metrics
    // only from this machine (or on --metrics-listen, see `operator_router`)
    GET "/healthz" => ops::healthz, Public;
    GET "/readyz" => ops::readyz, Public;
    GET "/metrics" => ops::metrics, Operator;
}

pub fn router(state: AppState) -> Router {
    add_routes(Router::new())
        .fallback(fallback)
        // Inside the guard: the instance's rulebook editions for everything the handlers do.
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::editions::scope,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::access::guard,
        ))
        .layer(axum::middleware::from_fn(api_problems))
        .layer(axum::extract::DefaultBodyLimit::max(state.limits.max_body))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::observe::observe,
        ))
        .with_state(state)
}

/// The routes of `--metrics-listen`: metrics and health only, for a monitoring network. No
/// Host check and no session: nothing here changes or reveals a project.
pub fn operator_router(state: AppState) -> Router {
    Router::new()
        .route("/metrics", axum::routing::get(ops::metrics))
        .route("/healthz", axum::routing::get(ops::healthz))
        .route("/readyz", axum::routing::get(ops::readyz))
        .with_state(state)
}

/// Every error of an API route is a problem document (RFC 9457), also those made before or
/// outside the handlers — an extractor's refusal of a query string or a JSON body, a body
/// over the limit, a method the route does not have.
async fn api_problems(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let api = req.uri().path().starts_with("/api/");
    let lang = crate::i18n::lang_of(req.headers());
    let res = next.run(req).await;
    let status = res.status();
    if !api || !(status.is_client_error() || status.is_server_error()) {
        return res;
    }
    let is_problem = res
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with(crate::error::PROBLEM_JSON));
    if is_problem {
        return res;
    }
    // The layer's own words (axum's rejection text), kept as `cause` for the client's
    // developer; what a person reads comes from the locale.
    let cause = axum::body::to_bytes(res.into_body(), 16 * 1024)
        .await
        .ok()
        .map(|b| String::from_utf8_lossy(&b).trim().to_owned())
        .filter(|c| !c.is_empty());
    let key = match status {
        axum::http::StatusCode::PAYLOAD_TOO_LARGE => "web.body-too-large",
        axum::http::StatusCode::METHOD_NOT_ALLOWED => "web.method-not-allowed",
        axum::http::StatusCode::REQUEST_TIMEOUT => "web.request-timeout",
        s if s.is_server_error() => "web.internal-text",
        _ => "web.bad-request-text",
    };
    crate::error::problem(status, crate::i18n::t(lang, key), cause)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_parameters_name_what_authorization_checks() {
        for r in ROUTES {
            let needs = |p: &str| r.path.contains(p);
            match r.access {
                Access::Project(_) => assert!(needs("{id}"), "{} {}", r.method, r.path),
                Access::RateProfile(_) => assert!(needs("{pid}"), "{} {}", r.method, r.path),
                Access::Org(_) => assert!(needs("{org}"), "{} {}", r.method, r.path),
                _ => {}
            }
            // A project, profile or organisation in the path is always checked.
            if needs("{id}") {
                assert!(
                    matches!(r.access, Access::Project(_)),
                    "{} {}",
                    r.method,
                    r.path
                );
            }
            if needs("{pid}") {
                assert!(
                    matches!(r.access, Access::RateProfile(_)),
                    "{} {}",
                    r.method,
                    r.path
                );
            }
            if needs("{org}") {
                assert!(
                    matches!(r.access, Access::Org(_)),
                    "{} {}",
                    r.method,
                    r.path
                );
            }
            // Changing a project always needs more than reading it.
            if let Access::Project(need) = r.access
                && r.method != "GET"
            {
                assert!(need > Need::Read, "{} {}", r.method, r.path);
            }
        }
    }

    #[test]
    fn every_route_is_declared_once() {
        for (i, a) in ROUTES.iter().enumerate() {
            for b in &ROUTES[i + 1..] {
                assert!(
                    !(a.method == b.method && a.path == b.path),
                    "{} {} twice",
                    a.method,
                    a.path
                );
            }
        }
    }
}
