//! Authorization, in one place. Every route is declared in `routes.rs` with an [`Access`];
//! [`guard`] runs before every handler, finds the route's declaration, identifies the user
//! (session), checks the CSRF token of every state-changing request, and decides — from the
//! route's path parameters (`{id}` a project, `{pid}` a rate profile, `{org}` an
//! organisation) — whether the user may do it. Handlers run only when it allowed; they get the
//! [`Actor`] and list only what the store returns for that user.
//!
//! A route that is not in the table is refused (deny by default), so a route added to the
//! router any other way cannot bypass this.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{FromRequestParts, MatchedPath, RawPathParams, Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use mobiplan_store::{ProjectGrant, Role, ShareAccess, StoreError};

use crate::auth::{self, Actor, CSRF_COOKIE, CSRF_FIELD, CSRF_HEADER, SESSION_COOKIE};
use crate::error::WebError;
use crate::i18n::{Lang, lang_of, t};
use crate::routes::{ROUTES, RouteInfo};
use crate::state::AppState;

/// What a project route needs, from least to most.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Need {
    /// See the project, its budget, checks, exports and history.
    Read,
    /// Change it (including restoring an old version).
    Edit,
    /// Delete it.
    Delete,
    /// Share it with users of other organisations.
    Share,
}

/// Who may use a route.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Anyone (login, assets, the language switch, invitation links, the API description).
    Public,
    /// Only while no user exists: the first-run setup.
    Setup,
    /// Any logged-in user; what the handler shows or creates is limited to the user's
    /// organisations (lists come from the store already filtered, creation checks the role).
    User,
    /// The project `{id}`.
    Project(Need),
    /// The rate profile `{pid}`: `Read` for members of its organisation, `Edit` for editors.
    RateProfile(Need),
    /// The organisation `{org}`, with at least this role.
    Org(Role),
    /// Operators' monitoring (`/metrics`): only from the server's own machine (the socket's
    /// peer is a loopback address, whatever a proxy header says) or on `--metrics-listen`.
    Operator,
    /// An instance administrator (`instance_admins`, named from the command line): loading
    /// corrected rulebook editions for every project of the instance. Owning an organisation
    /// is not enough.
    InstanceAdmin,
}

/// The client's address as the server understands it (see [`crate::input::client_address`]),
/// for the handlers that throttle by it.
#[derive(Clone, Copy, Debug)]
pub struct ClientAddr(pub std::net::IpAddr);

/// What a user may do with a project: the best of the organisation role and a share.
pub fn project_level(grant: ProjectGrant) -> Option<Need> {
    let by_role = grant.role.map(|r| match r {
        Role::Owner => Need::Share,
        Role::Editor => Need::Delete,
        Role::Viewer => Need::Read,
    });
    let by_share = grant.share.map(|s| match s {
        ShareAccess::Edit => Need::Edit,
        ShareAccess::Read => Need::Read,
    });
    by_role.max(by_share)
}

/// What a request carries through the handler: the user (if logged in) and the CSRF token
/// the page's forms and the script must send back.
#[derive(Clone, Debug)]
pub struct RequestContext {
    pub actor: Option<Arc<Actor>>,
    pub csrf: String,
    /// On a project route: what the user may do with that project (pages offer only that).
    pub project_level: Option<Need>,
    /// The notice a page shows once after a form posted without the script did its work.
    pub flash: Option<crate::handlers::Flash>,
}

tokio::task_local! {
    static CONTEXT: RequestContext;
}

/// The current request's CSRF token (empty outside a request).
pub fn csrf_token() -> String {
    CONTEXT.try_with(|c| c.csrf.clone()).unwrap_or_default()
}

/// The current request's user, if logged in.
pub fn current_actor() -> Option<Arc<Actor>> {
    CONTEXT.try_with(|c| c.actor.clone()).ok().flatten()
}

/// Whether the user may do `need` with the project of the current route: pages show the
/// forms and buttons of what is allowed only (the guard refuses the rest anyway).
/// The notice of the current request's page, if an action just redirected to it.
pub fn flash() -> Option<crate::handlers::Flash> {
    CONTEXT.try_with(|c| c.flash).ok().flatten()
}

pub fn may(need: Need) -> bool {
    CONTEXT
        .try_with(|c| c.project_level.is_some_and(|l| l >= need))
        .unwrap_or(false)
}

/// The user id to record as the author of a write.
pub fn current_user_id() -> Option<String> {
    current_actor().map(|a| a.user.id.clone())
}

/// The route declaration for a method and matched path.
pub fn route_info(method: &Method, path: &str) -> Option<&'static RouteInfo> {
    let method = if method == Method::HEAD {
        &Method::GET
    } else {
        method
    };
    ROUTES
        .iter()
        .find(|r| r.path == path && r.method == method.as_str())
}

fn is_safe(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// The `_csrf` field of a form body (url-encoded, or a multipart part).
fn form_token(content_type: &str, body: &[u8]) -> Option<String> {
    if content_type.starts_with("application/x-www-form-urlencoded") {
        let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(body).ok()?;
        return pairs
            .into_iter()
            .find(|(k, _)| k == CSRF_FIELD)
            .map(|(_, v)| v);
    }
    if content_type.starts_with("multipart/form-data") {
        // The part as browsers write it: its headers, an empty line, the value, CRLF. A
        // forged body could only contain the token if the forger already knew it.
        let needle = format!("name=\"{CSRF_FIELD}\"");
        let text = String::from_utf8_lossy(body);
        let at = text.find(&needle)?;
        let rest = &text[at..];
        let start = rest.find("\r\n\r\n")? + 4;
        let end = rest[start..].find("\r\n")?;
        return Some(rest[start..start + end].to_owned());
    }
    None
}

#[derive(Clone, Copy)]
struct Denied {
    status: StatusCode,
    key: &'static str,
}

fn deny(lang: Lang, api: bool, d: Denied) -> Response {
    // A lookup that failed is the server's failure, never a refusal: 500, not 403.
    let err = match d.status {
        StatusCode::NOT_FOUND => WebError::NotFound,
        StatusCode::UNAUTHORIZED if api => WebError::Unauthorized,
        s if s.is_server_error() => WebError::Internal("authorization lookup failed".into()),
        _ => WebError::Forbidden(t(lang, d.key)),
    };
    crate::handlers::respond_error(lang, api, err)
}

/// 421 Misdirected Request: this server does not answer for that host name.
fn misdirected(lang: Lang, api: bool) -> Response {
    let text = t(lang, "web.misdirected-text");
    if api {
        return crate::error::problem(StatusCode::MISDIRECTED_REQUEST, text, None);
    }
    let title = t(lang, "web.misdirected");
    crate::handlers::html(
        StatusCode::MISDIRECTED_REQUEST,
        lang,
        title.clone(),
        "/",
        crate::views::pages::message_page(lang, &title, &text),
    )
}

/// Whether a percent-encoded path holds a control character once decoded (`%00`, `%0A` …).
fn path_has_control(path: &str) -> bool {
    let bytes = path.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2]))
        {
            decoded.push((h * 16 + l) as u8);
            i += 3;
            continue;
        }
        decoded.push(bytes[i]);
        i += 1;
    }
    // No id holds a line break or a tab either: every control character counts here.
    String::from_utf8_lossy(&decoded)
        .chars()
        .any(char::is_control)
}

fn bad_field(lang: Lang, api: bool, field: String) -> Response {
    crate::handlers::respond_error(
        lang,
        api,
        WebError::BadRequest {
            field,
            message: t(lang, "web.control-character"),
        },
    )
}

fn param<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    params
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// May `actor` use a route declared `access` with these path parameters?
async fn decide(
    state: &AppState,
    access: Access,
    actor: &Actor,
    params: &[(String, String)],
) -> Result<Option<Need>, Denied> {
    let not_found = Denied {
        status: StatusCode::NOT_FOUND,
        key: "web.not-found",
    };
    let forbidden = Denied {
        status: StatusCode::FORBIDDEN,
        key: "web.forbidden-text",
    };
    let internal = |e: StoreError| {
        tracing::error!(cause = %e, "authorization lookup failed");
        Denied {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            key: "web.internal-text",
        }
    };
    match access {
        Access::Public | Access::Setup | Access::User | Access::Operator => Ok(None),
        Access::InstanceAdmin => match state.store.is_instance_admin(&actor.user.id).await {
            Ok(true) => Ok(None),
            Ok(false) => Err(forbidden),
            Err(e) => Err(internal(e)),
        },
        Access::Project(need) => {
            let id = param(params, "id").ok_or(not_found)?;
            let grant = match state.store.project_grant(&actor.user.id, id).await {
                Ok(g) => g,
                Err(StoreError::NotFound) => return Err(not_found),
                Err(e) => return Err(internal(e)),
            };
            match project_level(grant) {
                None => Err(not_found),
                Some(level) if level >= need => Ok(Some(level)),
                Some(_) => Err(forbidden),
            }
        }
        Access::RateProfile(need) => {
            let pid = param(params, "pid").ok_or(not_found)?;
            let org = match state.store.rate_profile_org(pid).await {
                Ok(Some(org)) => org,
                Ok(None) | Err(StoreError::NotFound) => return Err(not_found),
                Err(e) => return Err(internal(e)),
            };
            match actor.role_in(&org) {
                None => Err(not_found),
                Some(role) if need == Need::Read || role >= Role::Editor => Ok(None),
                Some(_) => Err(forbidden),
            }
        }
        Access::Org(min) => {
            let org = param(params, "org").ok_or(not_found)?;
            match actor.role_in(org) {
                None => Err(not_found),
                Some(role) if role >= min => Ok(None),
                Some(_) => Err(forbidden),
            }
        }
    }
}

/// The middleware in front of every route: security headers, session, CSRF, authorization.
pub async fn guard(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let mut res = guarded(state, req, next).await;
    security_headers(res.headers_mut());
    res
}

fn security_headers(h: &mut axum::http::HeaderMap) {
    let set = |h: &mut axum::http::HeaderMap, k: &'static str, v: &'static str| {
        h.insert(k, HeaderValue::from_static(v));
    };
    // No inline script or style anywhere: the page's behaviour is the one script file.
    set(
        h,
        "content-security-policy",
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
         connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; \
         object-src 'none'",
    );
    set(h, "x-frame-options", "DENY");
    set(h, "x-content-type-options", "nosniff");
    set(h, "referrer-policy", "same-origin");
    set(h, "cross-origin-opener-policy", "same-origin");
}

async fn guarded(state: AppState, mut req: Request, next: Next) -> Response {
    let lang = lang_of(req.headers());
    let path = req.uri().path().to_owned();
    let api = path.starts_with("/api/");
    let secure = auth::behind_tls(req.headers()) || state.public_https;
    let now = state.clock.now();

    // Only the names this server was told it has: a page answering for any name is what a
    // DNS-rebinding attack needs to reach a server on loopback from a browser.
    let host = crate::input::request_host(req.headers(), req.uri());
    if !host.as_deref().is_some_and(|h| state.hosts.allows(h)) {
        state
            .metrics
            .rejected_hosts
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        return misdirected(lang, api);
    }
    let peer = req
        .extensions()
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|c| c.0.ip());
    if let Some(peer) = peer {
        let client = crate::input::client_address(peer, req.headers(), &state.trusted_proxies);
        req.extensions_mut().insert(ClientAddr(client));
    }

    // Input no handler should have to think about: ids with control characters name nothing;
    // a query that does not read, or a field holding a control character, is refused by name.
    if path_has_control(&path) {
        return deny(
            lang,
            api,
            Denied {
                status: StatusCode::NOT_FOUND,
                key: "web.not-found",
            },
        );
    }
    if let Some(query) = req.uri().query() {
        match crate::input::bad_form_field(query.as_bytes()) {
            Ok(None) => {}
            Ok(Some(field)) => return bad_field(lang, api, field),
            Err(crate::input::NotUrlEncoded) => {
                return crate::handlers::respond_error(
                    lang,
                    api,
                    WebError::BadRequest {
                        field: "query".into(),
                        message: t(lang, "web.bad-query"),
                    },
                );
            }
        }
    }

    // Who is asking.
    let mut actor = None;
    let mut csrf = None;
    let mut clear_session = false;
    if let Some(token) = auth::cookie(req.headers(), SESSION_COOKIE) {
        match auth::load_session(&state.store, &state.policy, token, now).await {
            Ok(Ok((a, c))) => {
                actor = Some(Arc::new(a));
                csrf = Some(c);
            }
            Ok(Err(_)) => clear_session = true,
            Err(e) => return crate::handlers::respond_error(lang, api, e),
        }
    }
    // Before the login, the cookie holds a pre-login session id and the forms carry a token
    // made from it with the server's key: a token is good only for the session it was made
    // for, and only the server can make one.
    let mut new_anon_csrf = None;
    let csrf = match csrf {
        Some(c) => c,
        None => {
            let pre_session =
                match auth::cookie(req.headers(), CSRF_COOKIE).filter(|c| c.len() == 43) {
                    Some(c) => c.to_owned(),
                    None => match auth::new_token() {
                        Ok(c) => {
                            new_anon_csrf = Some(c.clone());
                            c
                        }
                        Err(e) => return crate::handlers::respond_error(lang, api, e),
                    },
                };
            auth::login_csrf_token(&state.login_csrf_key, &pre_session)
        }
    };

    // The body, read once (bounded) for the CSRF field and the control-character check.
    if !is_safe(req.method()) {
        let content_type = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let declared = req
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        let too_large = || {
            let err = WebError::TooLarge {
                message: t(lang, "web.body-too-large"),
            };
            crate::handlers::respond_error(lang, api, err)
        };
        if declared.is_some_and(|n| n > state.limits.max_body as u64) {
            return too_large();
        }
        let (parts, body) = req.into_parts();
        let bytes = match axum::body::to_bytes(body, state.limits.max_body).await {
            Ok(b) => b,
            Err(_) => return too_large(),
        };
        let bad = if content_type.starts_with("application/x-www-form-urlencoded") {
            crate::input::bad_form_field(&bytes).ok().flatten()
        } else if content_type.starts_with("multipart/form-data") {
            // Uploaded files are checked once parsed (their escapes hide what bytes show).
            None
        } else {
            // JSON, whatever the client called it: handlers read JSON from the bytes.
            serde_json::from_slice::<serde_json::Value>(&bytes)
                .ok()
                .and_then(|v| crate::input::bad_json_field(&v))
        };
        if let Some(field) = bad {
            return bad_field(lang, api, field);
        }
        req = Request::from_parts(parts, Body::from(bytes));
    }

    // Every state-changing request proves it comes from a mobiplan page (or a client that
    // read the token): the token in the X-CSRF-Token header or the form's `_csrf` field.
    if !is_safe(req.method()) {
        let header_token = req
            .headers()
            .get(CSRF_HEADER)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let provided = match header_token {
            Some(t) => Some(t),
            None => {
                let content_type = req
                    .headers()
                    .get(header::CONTENT_TYPE)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_default()
                    .to_owned();
                let (parts, body) = req.into_parts();
                // Already read into memory above: this takes no time and cannot fail.
                let bytes = axum::body::to_bytes(body, usize::MAX)
                    .await
                    .unwrap_or_default();
                let token = form_token(&content_type, &bytes);
                req = Request::from_parts(parts, Body::from(bytes));
                token
            }
        };
        if !provided.is_some_and(|p| auth::same_secret(&p, &csrf)) {
            let mut res = deny(
                lang,
                api,
                Denied {
                    status: StatusCode::FORBIDDEN,
                    key: "web.csrf-failed",
                },
            );
            attach_cookies(&mut res, new_anon_csrf.as_deref(), clear_session, secure);
            return res;
        }
    }

    // What the route allows.
    let matched = req
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_owned());
    let route = match &matched {
        Some(p) => match route_info(req.method(), p) {
            Some(r) => Some(r),
            None if ROUTES.iter().any(|r| r.path == p) => {
                if api {
                    return crate::error::problem(
                        StatusCode::METHOD_NOT_ALLOWED,
                        t(lang, "web.method-not-allowed"),
                        None,
                    );
                }
                return (
                    StatusCode::METHOD_NOT_ALLOWED,
                    t(lang, "web.method-not-allowed"),
                )
                    .into_response();
            }
            None => {
                tracing::error!(path = %p, method = %req.method(), "route missing from the route table: refused");
                return deny(
                    lang,
                    api,
                    Denied {
                        status: StatusCode::FORBIDDEN,
                        key: "web.forbidden-text",
                    },
                );
            }
        },
        // The fallback (404) and methods a path does not have (405).
        None => None,
    };
    let mut project_level = None;
    if let Some(route) = route {
        let users = match state.has_users().await {
            Ok(u) => u,
            Err(e) => return crate::handlers::respond_error(lang, api, e),
        };
        let decision = match (route.access, &actor) {
            (Access::Public, _) => Ok(None),
            // The socket's peer, never a forwarded address: a proxy on this machine forwards
            // everyone.
            (Access::Operator, _) if peer.is_some_and(|p| p.is_loopback()) => Ok(None),
            (Access::Operator, _) => Err(deny(
                lang,
                api,
                Denied {
                    status: StatusCode::NOT_FOUND,
                    key: "web.not-found",
                },
            )),
            (Access::Setup, _) if users => Err(Redirect::to("/login").into_response()),
            // Whoever completes the setup owns the server: only someone on this machine, by a
            // loopback name (a rebound DNS name resolving to 127.0.0.1 is not one).
            (Access::Setup, _)
                if !host.as_deref().is_some_and(crate::input::is_loopback_name)
                    || !peer.is_some_and(|p| p.is_loopback()) =>
            {
                Err(misdirected(lang, api))
            }
            (Access::Setup, _) => Ok(None),
            (_, _) if !users => Err(if api {
                WebError::Unauthorized.into_response()
            } else {
                Redirect::to("/setup").into_response()
            }),
            (_, None) => Err(if api {
                WebError::Unauthorized.into_response()
            } else {
                let back = req
                    .uri()
                    .path_and_query()
                    .map(|p| p.as_str().to_owned())
                    .unwrap_or_else(|| "/".into());
                let target = if is_safe(req.method()) {
                    back
                } else {
                    "/".into()
                };
                Redirect::to(&format!("/login?next={}", url_encode(&target))).into_response()
            }),
            (access, Some(a)) => {
                let (mut parts, body) = req.into_parts();
                let params: Vec<(String, String)> =
                    RawPathParams::from_request_parts(&mut parts, &state)
                        .await
                        .map(|p| {
                            p.iter()
                                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                                .collect()
                        })
                        .unwrap_or_default();
                req = Request::from_parts(parts, body);
                decide(&state, access, a, &params)
                    .await
                    .map_err(|d| deny(lang, api, d))
            }
        };
        match decision {
            Ok(level) => project_level = level,
            Err(mut res) => {
                attach_cookies(&mut res, new_anon_csrf.as_deref(), clear_session, secure);
                return res;
            }
        }
    }

    if let Some(a) = &actor {
        req.extensions_mut().insert(a.clone());
    }
    let user = actor.as_ref().map(|a| a.user.id.clone());
    // A page (not a redirect, a script's request or a download) shows the notice once.
    let flash = (req.method() == Method::GET)
        .then(|| auth::cookie(req.headers(), crate::handlers::Flash::COOKIE))
        .flatten()
        .and_then(crate::handlers::Flash::parse);
    let ctx = RequestContext {
        actor,
        csrf,
        project_level,
        flash,
    };
    let mut res = CONTEXT.scope(ctx, next.run(req)).await;
    attach_cookies(&mut res, new_anon_csrf.as_deref(), clear_session, secure);
    let shown_page = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    // The notice of a redirect for the next page (see `handlers::see_other_with`), with the
    // same `Secure` as the session's cookies; a page that showed one clears it.
    let notice = match res.extensions().get::<crate::handlers::Flash>() {
        Some(next) => Some(auth::set_cookie(
            crate::handlers::Flash::COOKIE,
            next.id(),
            Some(60),
            secure,
        )),
        None if flash.is_some() && shown_page => Some(auth::set_cookie(
            crate::handlers::Flash::COOKIE,
            "",
            Some(0),
            secure,
        )),
        None => None,
    };
    if let Some(Ok(v)) = notice.map(|c| HeaderValue::from_str(&c)) {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    if let Some(user) = user {
        res.extensions_mut()
            .insert(crate::observe::LoggedUser(user));
    }
    res
}

fn attach_cookies(res: &mut Response, anon_csrf: Option<&str>, clear_session: bool, secure: bool) {
    let mut add = |v: String| {
        if let Ok(v) = HeaderValue::from_str(&v) {
            res.headers_mut().append(header::SET_COOKIE, v);
        }
    };
    if let Some(c) = anon_csrf {
        add(auth::set_cookie(CSRF_COOKIE, c, None, secure));
    }
    if clear_session {
        add(auth::set_cookie(SESSION_COOKIE, "", Some(0), secure));
    }
}

/// Percent-encodes a path for a query parameter.
pub fn url_encode(s: &str) -> String {
    serde_urlencoded::to_string([("x", s)])
        .map(|q| q.trim_start_matches("x=").to_owned())
        .unwrap_or_default()
}

/// A `next` target is only ever a local path (never another site).
pub use crate::input::local_target;

/// The logged-in user of the current request (the guard let only logged-in users reach the
/// handlers of `User`, `Project`, `RateProfile` and `Org` routes).
pub fn actor() -> Result<Arc<Actor>, WebError> {
    current_actor().ok_or(WebError::Unauthorized)
}

/// (organisation, user id) for a creation by the current user: see [`org_for_create`].
pub fn create_in(requested: Option<&str>, lang: Lang) -> Result<(String, String), WebError> {
    let actor = actor()?;
    let org = org_for_create(&actor, requested, lang)?;
    Ok((org, actor.user.id.clone()))
}

/// The organisation in which the actor creates a project or a profile: the one named by the
/// form's `org` field, else the only one the actor may write in. A field error otherwise.
pub fn org_for_create(
    actor: &Actor,
    requested: Option<&str>,
    lang: Lang,
) -> Result<String, WebError> {
    let writable = actor.writable_orgs();
    match requested {
        Some(org) => match actor.role_in(org) {
            Some(r) if r >= Role::Editor => Ok(org.to_owned()),
            Some(_) => Err(WebError::Forbidden(t(lang, "web.forbidden-text"))),
            None => Err(WebError::BadRequest {
                field: "org".into(),
                message: t(lang, "web.org-unknown"),
            }),
        },
        None => match writable.as_slice() {
            [only] => Ok(only.org.id.clone()),
            [] => Err(WebError::Forbidden(t(lang, "web.forbidden-viewer"))),
            _ => Err(WebError::BadRequest {
                field: "org".into(),
                message: t(lang, "web.org-choose"),
            }),
        },
    }
}

/// May `actor` use project `id` as a `{id}` route declared `Project(need)` allows? The guard's
/// own decision, for project ids that arrive in a query or a form rather than in the path
/// (the projects a comparison adds): 404 for a project the user may not see, as the guard.
pub async fn check_project(
    state: &AppState,
    actor: &Actor,
    id: &str,
    need: Need,
    lang: Lang,
) -> Result<(), WebError> {
    let params = [("id".to_owned(), id.to_owned())];
    decide(state, Access::Project(need), actor, &params)
        .await
        .map_err(|d| match d.status {
            StatusCode::NOT_FOUND => WebError::NotFound,
            StatusCode::FORBIDDEN => WebError::Forbidden(t(lang, d.key)),
            _ => WebError::Internal("authorization lookup failed".into()),
        })
        .map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn project_level_is_the_best_of_role_and_share() {
        let g = |role, share| project_level(ProjectGrant { role, share });
        assert_eq!(g(None, None), None);
        assert_eq!(g(Some(Role::Viewer), None), Some(Need::Read));
        assert_eq!(g(Some(Role::Editor), None), Some(Need::Delete));
        assert_eq!(g(Some(Role::Owner), None), Some(Need::Share));
        assert_eq!(g(None, Some(ShareAccess::Read)), Some(Need::Read));
        assert_eq!(g(None, Some(ShareAccess::Edit)), Some(Need::Edit));
        assert_eq!(
            g(Some(Role::Viewer), Some(ShareAccess::Edit)),
            Some(Need::Edit)
        );
    }

    #[test]
    fn form_tokens_are_found_in_both_encodings() {
        assert_eq!(
            form_token("application/x-www-form-urlencoded", b"a=1&_csrf=tok%2B&b=2").as_deref(),
            Some("tok+")
        );
        let body = b"--XX\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\nabc\r\n--XX\r\nContent-Disposition: form-data; name=\"file\"; filename=\"p.toml\"\r\n\r\nx\r\n--XX--\r\n";
        assert_eq!(
            form_token("multipart/form-data; boundary=XX", body).as_deref(),
            Some("abc")
        );
        assert_eq!(form_token("application/json", b"{}"), None);
    }

    #[test]
    fn next_targets_stay_on_this_site() {
        assert_eq!(local_target(Some("/projects/x")), "/projects/x");
        assert_eq!(local_target(Some("//evil.example/")), "/");
        assert_eq!(local_target(Some("https://evil.example/")), "/");
        assert_eq!(local_target(Some("/\\evil")), "/");
        assert_eq!(local_target(Some("/a\u{0}b")), "/");
        assert_eq!(local_target(None), "/");
    }

    #[test]
    fn paths_with_encoded_control_characters_are_found() {
        assert!(path_has_control("/projects/abc%00"));
        assert!(path_has_control("/projects/a%0Ab"));
        assert!(path_has_control("/projects/a%c2%85"));
        assert!(!path_has_control("/projects/R%C4%ABga%20x"));
        assert!(!path_has_control("/projects/100%"));
    }
}
