//! Accounts: login and logout, the first-run setup, invitations, the organisation page, the
//! account page and sharing a project. Who may call each is decided by the route table.

use std::sync::atomic::Ordering;

use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use mobiplan_store::{NewOrganisation, NewUser, Role, ShareAccess, StoreError};
use serde::Deserialize;

use super::{error_page, html, see_other};
use crate::access::{ClientAddr, actor, local_target};
use crate::auth::{self, SESSION_COOKIE};
use crate::error::WebError;
use crate::forms::FormData;
use crate::i18n::{Lang, ReqLang, t, tr};
use crate::state::AppState;
use crate::views::accounts::{self as view, FormState};

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

fn values(form: &FormData, names: &[&str]) -> Vec<(String, String)> {
    names
        .iter()
        .map(|n| ((*n).to_owned(), form.get(n).unwrap_or_default().to_owned()))
        .collect()
}

/// Whether cookies get `Secure`: the proxy said the request came over TLS, or the operator
/// said the public address is https.
fn secure(state: &AppState, headers: &HeaderMap) -> bool {
    state.public_https || auth::behind_tls(headers)
}

/// A response that logs the user in: the session cookie and a redirect.
fn logged_in(secure: bool, token: &str, to: &str) -> Response {
    let mut res = see_other(to);
    let cookie = auth::set_cookie(SESSION_COOKIE, token, None, secure);
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    res
}

fn logged_out(secure: bool) -> Response {
    let mut res = see_other("/login");
    let cookie = auth::set_cookie(SESSION_COOKIE, "", Some(0), secure);
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    res
}

pub async fn login_page(ReqLang(lang): ReqLang, Query(q): Query<NextQuery>) -> Response {
    let next = local_target(q.next.as_deref());
    html(
        StatusCode::OK,
        lang,
        t(lang, "web.acc.login"),
        "/login",
        view::login(lang, &FormState::default(), &next),
    )
}

pub async fn login(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    client: Option<Extension<ClientAddr>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let form = FormData::parse(&body);
    let email = form.get("email").unwrap_or_default().to_owned();
    let password = form
        .0
        .iter()
        .find(|(k, _)| k == "password")
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    let next = local_target(form.get("next"));
    let now = state.clock.now();
    let again = |status: StatusCode, notice: String| {
        html(
            status,
            lang,
            t(lang, "web.acc.login"),
            "/login",
            view::login(
                lang,
                &FormState {
                    values: vec![("email".into(), email.clone())],
                    errors: vec![],
                    notice: Some(notice),
                },
                &next,
            ),
        )
    };
    // Both the account and the client's address are counted, in the database, so every
    // instance sees the same failures and a restart forgets none. A refused attempt costs no
    // password hash.
    let account = auth::account_key(&email);
    let address = client.map(|Extension(ClientAddr(a))| crate::input::address_key(a));
    let mut keys = vec![account.as_str()];
    keys.extend(address.as_deref());
    let blocked = match state.store.login_blocked_until(&keys, now).await {
        Ok(b) => b,
        Err(e) => return error_page(lang, e.into()),
    };
    if let Some(until) = blocked {
        state
            .metrics
            .throttled_logins
            .fetch_add(1, Ordering::Relaxed);
        return throttled(lang, &again, until, now);
    }
    let creds = match state.store.credentials(&email).await {
        Ok(c) => c,
        Err(e) => return error_page(lang, e.into()),
    };
    // The same work whether or not the address exists: the answer time tells nothing.
    let hash = creds
        .as_ref()
        .map_or(auth::dummy_hash(), |c| c.password_hash.as_str())
        .to_owned();
    let ok = match state
        .hashing
        .run(move || auth::verify_password(&password, &hash))
        .await
    {
        Ok(ok) => ok,
        Err(refused) => {
            if matches!(refused, auth::HashRefused::Busy) {
                state
                    .metrics
                    .hashing_refused
                    .fetch_add(1, Ordering::Relaxed);
            }
            return error_page(lang, refused.into_web(lang));
        }
    };
    match creds {
        Some(c) if ok => {
            if let Err(e) = state.store.clear_login_failures(&account).await {
                return error_page(lang, e.into());
            }
            match auth::start_session(&state.store, &c.id, now).await {
                Ok((token, _)) => logged_in(secure(&state, &headers), &token, &next),
                Err(e) => error_page(lang, e),
            }
        }
        _ => {
            state.metrics.failed_logins.fetch_add(1, Ordering::Relaxed);
            let counted = [
                Some((account.as_str(), state.policy.account_rule())),
                address.as_deref().map(|a| (a, state.policy.address_rule())),
            ];
            for (key, rule) in counted.into_iter().flatten() {
                if let Err(e) = state.store.record_login_failure(key, &rule, now).await {
                    return error_page(lang, e.into());
                }
            }
            again(StatusCode::UNAUTHORIZED, t(lang, "web.acc.login-failed"))
        }
    }
}

/// The login form again with the throttle's notice, 429 and `Retry-After`.
fn throttled(
    lang: Lang,
    again: &dyn Fn(StatusCode, String) -> Response,
    until: chrono::DateTime<chrono::Utc>,
    now: chrono::DateTime<chrono::Utc>,
) -> Response {
    // Rounded up: a client that waits this long finds the block over.
    let seconds = ((until - now).num_milliseconds() + 999)
        .div_euclid(1000)
        .max(1);
    let minutes = (seconds + 59) / 60;
    let mut res = again(
        StatusCode::TOO_MANY_REQUESTS,
        tr(
            lang,
            "web.acc.throttled",
            &[("minutes", minutes.max(1).to_string())],
        ),
    );
    res.headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(seconds as u64));
    res
}

pub async fn logout(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    headers: HeaderMap,
) -> Response {
    let a = match actor() {
        Ok(a) => a,
        Err(e) => return error_page(lang, e),
    };
    match state.store.delete_session(&a.session).await {
        Ok(()) => logged_out(secure(&state, &headers)),
        Err(e) => error_page(lang, e.into()),
    }
}

pub async fn logout_everywhere(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    headers: HeaderMap,
) -> Response {
    let a = match actor() {
        Ok(a) => a,
        Err(e) => return error_page(lang, e),
    };
    match state.store.delete_user_sessions(&a.user.id).await {
        Ok(()) => logged_out(secure(&state, &headers)),
        Err(e) => error_page(lang, e.into()),
    }
}

pub async fn setup_page(ReqLang(lang): ReqLang) -> Response {
    html(
        StatusCode::OK,
        lang,
        t(lang, "web.acc.setup"),
        "/setup",
        view::setup(lang, &FormState::default()),
    )
}

/// Checks the fields of a new user: name, e-mail, password. Errors by field.
fn check_user(
    lang: Lang,
    form: &FormData,
    errors: &mut Vec<(String, String)>,
) -> (String, String, String) {
    let name = form.get("name").unwrap_or_default().to_owned();
    let email = form.get("email").unwrap_or_default().to_owned();
    let password = form
        .0
        .iter()
        .find(|(k, _)| k == "new_password")
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    if name.is_empty() {
        errors.push(("name".into(), t(lang, "web.error.required")));
    }
    if !valid_email(&email) {
        errors.push(("email".into(), t(lang, "web.acc.email-invalid")));
    }
    if password.chars().count() < auth::MIN_PASSWORD_CHARS {
        errors.push((
            "new_password".into(),
            tr(
                lang,
                "web.acc.password-short",
                &[("min", auth::MIN_PASSWORD_CHARS.to_string())],
            ),
        ));
    }
    (name, email, password)
}

/// Shape only (something@something.tld): whether the address works is the owner's business.
fn valid_email(email: &str) -> bool {
    match email.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !email.chars().any(char::is_whitespace)
        }
        None => false,
    }
}

/// A new password's hash, on the bounded hashing pool like every login.
async fn hash(state: &AppState, lang: Lang, password: String) -> Result<String, WebError> {
    match state
        .hashing
        .run(move || auth::hash_password(&password))
        .await
    {
        Ok(hashed) => hashed,
        Err(refused) => {
            if matches!(refused, auth::HashRefused::Busy) {
                state
                    .metrics
                    .hashing_refused
                    .fetch_add(1, Ordering::Relaxed);
            }
            Err(refused.into_web(lang))
        }
    }
}

pub async fn setup(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let form = FormData::parse(&body);
    let mut errors = Vec::new();
    let (name, email, password) = check_user(lang, &form, &mut errors);
    let org_name = form.get("org_name").unwrap_or_default().to_owned();
    let oid = form.get("org_oid").unwrap_or_default().to_owned();
    let country = form.get("org_country").unwrap_or_default().to_uppercase();
    let town = form.get("org_town").unwrap_or_default().to_owned();
    if org_name.is_empty() {
        errors.push(("org_name".into(), t(lang, "web.error.required")));
    }
    if !valid_oid(&oid) {
        errors.push(("org_oid".into(), t(lang, "web.acc.oid-invalid")));
    }
    if mobiplan_core::Country::parse(&country).is_err() {
        errors.push(("org_country".into(), t(lang, "web.acc.country-invalid")));
    }
    if town.is_empty() {
        errors.push(("org_town".into(), t(lang, "web.error.required")));
    }
    if !errors.is_empty() {
        let values = values(
            &form,
            &[
                "name",
                "email",
                "org_name",
                "org_oid",
                "org_country",
                "org_town",
            ],
        );
        return html(
            StatusCode::UNPROCESSABLE_ENTITY,
            lang,
            t(lang, "web.acc.setup"),
            "/setup",
            view::setup(
                lang,
                &FormState {
                    values,
                    errors,
                    notice: None,
                },
            ),
        );
    }
    let password_hash = match hash(&state, lang, password).await {
        Ok(h) => h,
        Err(e) => return error_page(lang, e),
    };
    let created = state
        .store
        .create_first_owner(
            &NewOrganisation {
                name: &org_name,
                oid: &oid,
                country: &country,
                town: &town,
            },
            &NewUser {
                email: &email,
                name: &name,
                password_hash: &password_hash,
            },
        )
        .await;
    match created {
        Ok((_, user)) => match auth::start_session(&state.store, &user.id, state.clock.now()).await
        {
            Ok((token, _)) => logged_in(secure(&state, &headers), &token, "/"),
            Err(e) => error_page(lang, e),
        },
        // Someone else finished the setup first.
        Err(StoreError::Exists(_)) => see_other("/login"),
        Err(e) => error_page(lang, e.into()),
    }
}

/// An Erasmus+ organisation ID: E and 8 digits (E10000000).
pub fn valid_oid(oid: &str) -> bool {
    oid.len() == 9 && oid.starts_with('E') && oid[1..].bytes().all(|b| b.is_ascii_digit())
}

pub async fn account_page(State(state): State<AppState>, ReqLang(lang): ReqLang) -> Response {
    let a = match actor() {
        Ok(a) => a,
        Err(e) => return error_page(lang, e),
    };
    let _ = &state;
    html(
        StatusCode::OK,
        lang,
        t(lang, "web.acc.account"),
        "/account",
        view::account(lang, &a.user, &a.memberships),
    )
}

// --- invitations ----------------------------------------------------------------------------

async fn open_invitation(
    state: &AppState,
    lang: Lang,
    token: &str,
) -> Result<mobiplan_store::Invitation, Response> {
    match state.store.invitation(&auth::token_hash(token)).await {
        Ok(Some(inv)) if !inv.used && inv.expires_at > state.clock.now() => Ok(inv),
        Ok(_) => Err(html(
            StatusCode::NOT_FOUND,
            lang,
            t(lang, "web.acc.invitation-gone"),
            "/",
            crate::views::pages::message_page(
                lang,
                &t(lang, "web.acc.invitation-gone"),
                &t(lang, "web.acc.invitation-gone-text"),
            ),
        )),
        Err(e) => Err(error_page(lang, e.into())),
    }
}

pub async fn invitation_page(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    Path(token): Path<String>,
) -> Response {
    let inv = match open_invitation(&state, lang, &token).await {
        Ok(i) => i,
        Err(r) => return r,
    };
    let me = crate::access::current_actor();
    html(
        StatusCode::OK,
        lang,
        t(lang, "web.acc.join"),
        "/",
        view::invitation(
            lang,
            &inv,
            &token,
            me.as_ref().map(|a| &a.user),
            &FormState::default(),
        ),
    )
}

pub async fn invitation_accept(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    Path(token): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let inv = match open_invitation(&state, lang, &token).await {
        Ok(i) => i,
        Err(r) => return r,
    };
    let now = state.clock.now();
    let hash_of_token = auth::token_hash(&token);
    if let Some(me) = crate::access::current_actor() {
        return match state
            .store
            .accept_invitation(&hash_of_token, Some(&me.user.id), None, now)
            .await
        {
            Ok(_) => see_other(&format!("/orgs/{}", inv.org.id)),
            Err(StoreError::NotFound) => open_invitation(&state, lang, &token)
                .await
                .err()
                .unwrap_or_else(|| error_page(lang, WebError::NotFound)),
            Err(e) => error_page(lang, e.into()),
        };
    }
    let form = FormData::parse(&body);
    let mut errors = Vec::new();
    let (name, email, password) = check_user(lang, &form, &mut errors);
    if errors.is_empty() {
        let password_hash = match hash(&state, lang, password).await {
            Ok(h) => h,
            Err(e) => return error_page(lang, e),
        };
        let user = NewUser {
            email: &email,
            name: &name,
            password_hash: &password_hash,
        };
        match state
            .store
            .accept_invitation(&hash_of_token, None, Some(&user), now)
            .await
        {
            Ok(u) => {
                return match auth::start_session(&state.store, &u.id, now).await {
                    Ok((token, _)) => logged_in(secure(&state, &headers), &token, "/"),
                    Err(e) => error_page(lang, e),
                };
            }
            Err(StoreError::Exists(_)) => {
                errors.push(("email".into(), t(lang, "web.acc.email-taken")))
            }
            Err(StoreError::NotFound) => {
                return open_invitation(&state, lang, &token)
                    .await
                    .err()
                    .unwrap_or_else(|| error_page(lang, WebError::NotFound));
            }
            Err(e) => return error_page(lang, e.into()),
        }
    }
    html(
        StatusCode::UNPROCESSABLE_ENTITY,
        lang,
        t(lang, "web.acc.join"),
        "/",
        view::invitation(
            lang,
            &inv,
            &token,
            None,
            &FormState {
                values: values(&form, &["name", "email"]),
                errors,
                notice: None,
            },
        ),
    )
}

async fn org_page_with(
    state: &AppState,
    lang: Lang,
    org_id: &str,
    new_link: Option<&str>,
) -> Response {
    let a = match actor() {
        Ok(a) => a,
        Err(e) => return error_page(lang, e),
    };
    let org = match state.store.organisation(org_id).await {
        Ok(o) => o,
        Err(e) => return error_page(lang, e.into()),
    };
    let members = match state.store.members(org_id).await {
        Ok(m) => m,
        Err(e) => return error_page(lang, e.into()),
    };
    let owner = a.role_in(org_id) == Some(Role::Owner);
    html(
        StatusCode::OK,
        lang,
        org.name.clone(),
        &format!("/orgs/{org_id}"),
        view::org(lang, &org, &members, &a.user, owner, new_link),
    )
}

pub async fn org_page(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    Path(org): Path<String>,
) -> Response {
    org_page_with(&state, lang, &org, None).await
}

pub async fn invitation_create(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    Path(org): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let a = match actor() {
        Ok(a) => a,
        Err(e) => return error_page(lang, e),
    };
    let form = FormData::parse(&body);
    let Some(role) = form.get("role").and_then(Role::parse) else {
        return error_page(
            lang,
            WebError::BadRequest {
                field: "role".into(),
                message: t(lang, "web.acc.role-invalid"),
            },
        );
    };
    let token = match auth::new_token() {
        Ok(t) => t,
        Err(e) => return error_page(lang, e),
    };
    let expires = state.clock.now() + state.policy.invitation_lifetime;
    if let Err(e) = state
        .store
        .create_invitation(&auth::token_hash(&token), &org, role, &a.user.id, expires)
        .await
    {
        return error_page(lang, e.into());
    }
    // The link is shown once, to copy: only its hash is stored.
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("127.0.0.1:8080");
    let scheme = if secure(&state, &headers) {
        "https"
    } else {
        "http"
    };
    let link = format!("{scheme}://{host}/invite/{token}");
    org_page_with(&state, lang, &org, Some(&link)).await
}

pub async fn member_update(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    Path((org, uid)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let form = FormData::parse(&body);
    let role = match form.get("role") {
        Some("remove") => None,
        Some(r) => match Role::parse(r) {
            Some(r) => Some(r),
            None => {
                return error_page(
                    lang,
                    WebError::BadRequest {
                        field: "role".into(),
                        message: t(lang, "web.acc.role-invalid"),
                    },
                );
            }
        },
        None => {
            return error_page(
                lang,
                WebError::BadRequest {
                    field: "role".into(),
                    message: t(lang, "web.error.required"),
                },
            );
        }
    };
    match state.store.set_member_role(&org, &uid, role).await {
        Ok(()) => see_other(&format!("/orgs/{org}")),
        Err(StoreError::Invalid(_)) => error_page(
            lang,
            WebError::BadRequest {
                field: "role".into(),
                message: t(lang, "web.acc.last-owner"),
            },
        ),
        Err(e) => error_page(lang, e.into()),
    }
}

// --- sharing --------------------------------------------------------------------------------

async fn sharing_with(
    state: &AppState,
    lang: Lang,
    id: &str,
    status: StatusCode,
    f: FormState,
) -> Response {
    let stored = match state.store.get_project(id).await {
        Ok(s) => s,
        Err(e) => return error_page(lang, e.into()),
    };
    let shares = match state.store.project_shares(id).await {
        Ok(s) => s,
        Err(e) => return error_page(lang, e.into()),
    };
    html(
        status,
        lang,
        t(lang, "web.acc.sharing"),
        &format!("/projects/{id}/sharing"),
        view::sharing(lang, id, &stored.document.project.title, &shares, &f),
    )
}

pub async fn sharing_page(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    Path(id): Path<String>,
) -> Response {
    sharing_with(&state, lang, &id, StatusCode::OK, FormState::default()).await
}

pub async fn share_add(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let form = FormData::parse(&body);
    let email = form.get("email").unwrap_or_default().to_owned();
    let again = |key: &str| FormState {
        values: vec![("email".into(), email.clone())],
        errors: vec![("email".into(), t(lang, key))],
        notice: None,
    };
    let Some(access) = form.get("access").and_then(ShareAccess::parse) else {
        return error_page(
            lang,
            WebError::BadRequest {
                field: "access".into(),
                message: t(lang, "web.acc.access-invalid"),
            },
        );
    };
    let user = match state.store.user_by_email(&email).await {
        Ok(Some(u)) => u,
        Ok(None) => {
            return sharing_with(
                &state,
                lang,
                &id,
                StatusCode::UNPROCESSABLE_ENTITY,
                again("web.acc.no-such-user"),
            )
            .await;
        }
        Err(e) => return error_page(lang, e.into()),
    };
    match state.store.share_project(&id, &user.id, access).await {
        Ok(()) => see_other(&format!("/projects/{id}/sharing")),
        Err(e) => error_page(lang, e.into()),
    }
}

pub async fn share_remove(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    Path((id, uid)): Path<(String, String)>,
) -> Response {
    match state.store.unshare_project(&id, &uid).await {
        Ok(()) => see_other(&format!("/projects/{id}/sharing")),
        Err(e) => error_page(lang, e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_and_oids_are_checked_for_shape() {
        assert!(valid_email("anna@skola.lv"));
        assert!(!valid_email("anna"));
        assert!(!valid_email("anna@skola"));
        assert!(!valid_email("an na@skola.lv"));
        assert!(!valid_email("@skola.lv"));
        assert!(valid_oid("E10000001"));
        assert!(!valid_oid("E1000000"));
        assert!(!valid_oid("X10000001"));
        assert!(!valid_oid("E1000000a"));
    }
}
