//! Accounts and web security end to end, against the real router: the authorization matrix
//! over every declared route, CSRF, sessions, throttling, password hashing, invitations,
//! sharing, the first-run setup, history and restore, security headers.

mod support;

use mobiplan_core::project::file::ProjectFile;
use mobiplan_store::Role;
use mobiplan_web::{Access, Need, ROUTES};
use reqwest::Client;
use serde_json::Value;
use support::{App, Backend, OWNER, PASSWORD, anonymous_client, csrf_of, spawn_app, spawn_empty};

fn example() -> ProjectFile {
    let text = std::fs::read_to_string(support::root().join("examples/sch-riga-school.toml"))
        .expect("the example project");
    toml::from_str(&text).expect("the example reads")
}

fn example_profile() -> String {
    let dir = support::root().join("examples/rates");
    let file = std::fs::read_dir(&dir)
        .expect("examples/rates")
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|x| x == "toml"))
        .expect("an example rate profile");
    std::fs::read_to_string(file).unwrap()
}

/// Organisation B with a project (with an activity), a rate profile, its owner and a viewer.
struct OrgB {
    org: String,
    owner_id: String,
    project: String,
    version: i64,
    activity: String,
    profile: String,
    title: String,
}

async fn org_b(app: &App) -> OrgB {
    let org = app.add_org("Skola B", "owner@skola-b.ee").await;
    app.add_member(&org, "viewer@skola-b.ee", Role::Viewer)
        .await;
    let mut doc = example();
    doc.project.title = "Secret plan of school B".into();
    let stored = app
        .state
        .store
        .create_project_in(&org, None, &doc)
        .await
        .unwrap();
    let profile = app
        .state
        .store
        .create_rate_profile_in(&org, "B rates", &example_profile())
        .await
        .unwrap();
    let owner_id = app
        .state
        .store
        .user_by_email("owner@skola-b.ee")
        .await
        .unwrap()
        .unwrap()
        .id;
    OrgB {
        org,
        owner_id,
        project: stored.id,
        version: stored.version,
        activity: doc.activities[0].id.clone(),
        profile: profile.id,
        title: doc.project.title,
    }
}

/// The route's path with B's resources in its parameters. A parameter the matrix does not
/// know fails the test: a new kind of route must say what it is tested with.
fn concrete(path: &str, b: &OrgB) -> String {
    let mut out = String::new();
    let mut rest = path;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let end = rest[start..].find('}').unwrap() + start;
        let name = &rest[start + 1..end];
        out.push_str(match name {
            "id" => &b.project,
            "aid" => &b.activity,
            "vid" => "no-such-visit",
            "pid" => &b.profile,
            "org" => &b.org,
            "uid" => &b.owner_id,
            "v" => "1",
            "token" => "not-an-invitation",
            "format" => "ics",
            "file" => "app.css",
            "year" => "2027",
            other => panic!(
                "route {path}: the authorization matrix has no value for {{{other}}}; add one"
            ),
        });
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    out
}

async fn send(client: &Client, app: &App, method: &str, path: &str) -> reqwest::Response {
    let url = app.url(path);
    let req = match method {
        "GET" => client.get(url),
        "POST" => client
            .post(url)
            .form(&[("version", "1"), ("title", "hijacked")]),
        "PUT" => client
            .put(url)
            .header("content-type", "application/json")
            .body(r#"{"version": 1, "document": {}}"#),
        "DELETE" => client.delete(url),
        other => panic!("the matrix does not know the method {other}"),
    };
    req.send().await.unwrap()
}

async fn matrix(backend: Backend) {
    let app = spawn_app(backend).await;
    let b = org_b(&app).await;
    let viewer = app.login("viewer@skola-b.ee", PASSWORD).await;
    let anonymous = anonymous_client();
    let before = app.state.store.get_project(&b.project).await.unwrap();
    let profile_before = app.state.store.get_rate_profile(&b.profile).await.unwrap();

    let mut checked = 0;
    for r in ROUTES {
        let path = concrete(r.path, &b);
        let what = format!("{} {}", r.method, r.path);
        let api = r.path.starts_with("/api/");
        // Logging out would end the sessions the matrix uses (logout has its own test).
        let ends_session = r.path.starts_with("/logout");

        // Organisation A's owner: B's things do not exist for them.
        let res = if ends_session {
            send(&anonymous, &app, r.method, &path).await
        } else {
            send(&app.client, &app, r.method, &path).await
        };
        let status = res.status().as_u16();
        let body = res.text().await.unwrap_or_default();
        match r.access {
            Access::Project(_) | Access::RateProfile(_) | Access::Org(_) => {
                assert!(
                    status == 404 || status == 403,
                    "{what}: an outsider got {status}"
                );
                assert!(!body.contains(&b.title), "{what}: leaked B's project");
            }
            Access::User => {
                assert!(!body.contains(&b.title), "{what}: listed B's project");
                assert!(!body.contains(&b.project), "{what}: listed B's project id");
                assert!(
                    !body.contains(&b.profile),
                    "{what}: listed B's rate profile"
                );
            }
            // Organisation A's owner is no instance administrator.
            Access::InstanceAdmin => {
                assert_eq!(status, 403, "{what}: a non-administrator got {status}");
            }
            Access::Public | Access::Setup => {}
        }

        // B's viewer: reads, never writes.
        let res = if ends_session {
            send(&anonymous, &app, r.method, &path).await
        } else {
            send(&viewer, &app, r.method, &path).await
        };
        let status = res.status().as_u16();
        let allowed = |s: u16| s != 401 && s != 403 && s < 500;
        match r.access {
            Access::Project(Need::Read)
            | Access::RateProfile(Need::Read)
            | Access::Org(Role::Viewer) => {
                assert!(
                    allowed(status),
                    "{what}: a viewer could not read ({status})"
                );
                // Only the visit the example does not have is missing.
                if !r.path.contains("{vid}") {
                    assert_eq!(status, 200, "{what}: a viewer could not read");
                }
            }
            Access::Project(_)
            | Access::RateProfile(_)
            | Access::Org(_)
            | Access::InstanceAdmin => {
                assert_eq!(status, 403, "{what}: a viewer was not refused");
            }
            Access::User
                if r.method != "GET"
                    && (r.path == "/projects"
                        || r.path == "/api/projects"
                        || r.path == "/rates") =>
            {
                assert_eq!(status, 403, "{what}: a viewer could create");
            }
            _ => {}
        }

        // Not logged in: only public routes answer.
        let res = send(&anonymous, &app, r.method, &path).await;
        let status = res.status().as_u16();
        if !matches!(r.access, Access::Public | Access::Setup) {
            if r.method == "GET" && !api {
                assert_eq!(status, 303, "{what}: anonymous GET");
                let to = res.headers()["location"].to_str().unwrap();
                assert!(to.starts_with("/login"), "{what}: redirected to {to}");
            } else if api && r.method == "GET" {
                assert_eq!(status, 401, "{what}: anonymous API read");
            } else {
                // No session and no CSRF token: refused before anything else.
                assert!(
                    status == 403 || status == 401,
                    "{what}: anonymous write got {status}"
                );
            }
        }
        checked += 1;
    }
    assert_eq!(checked, ROUTES.len());

    let after = app.state.store.get_project(&b.project).await.unwrap();
    assert_eq!(after.version, before.version, "B's project was written");
    assert_eq!(after.document, before.document);
    assert_eq!(b.version, before.version);
    let profile_after = app.state.store.get_rate_profile(&b.profile).await.unwrap();
    assert_eq!(profile_after, profile_before, "B's profile was written");
}

#[tokio::test]
async fn authorization_matrix_over_every_route() {
    for backend in support::backends() {
        matrix(backend).await;
    }
}

#[tokio::test]
async fn state_changing_requests_without_the_csrf_token_are_refused() {
    let app = spawn_app(Backend::Sqlite).await;
    let id = app.create_project("Rīgas skola", "SCH").await;
    let version = app.version(&id).await;

    // The session cookie alone (what a forged cross-site form sends) is not enough.
    let session = app.client.get(app.url("/account")).send().await.unwrap();
    assert_eq!(session.status(), 200);
    let jar_client = {
        // Same cookies, no token header: log in again on a client without default headers.
        let jar = std::sync::Arc::new(reqwest::cookie::Jar::default());
        let c = Client::builder()
            .cookie_provider(jar.clone())
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let token = csrf_of(
            &c.get(app.url("/login"))
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap(),
        );
        let res = c
            .post(app.url("/login"))
            .form(&[
                ("_csrf", token.as_str()),
                ("email", OWNER),
                ("password", PASSWORD),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 303);
        c
    };
    let form = [
        ("version", version.to_string()),
        ("title", "Forged".to_owned()),
    ];
    let res = jar_client
        .post(app.url(&format!("/projects/{id}/details")))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    let res = jar_client
        .post(app.url(&format!("/projects/{id}/details")))
        .form(&[
            ("_csrf", "a-wrong-token-of-the-right-length-43-chars-x"),
            ("version", "1"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    let res = jar_client
        .delete(app.url(&format!("/api/projects/{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    assert_eq!(app.version(&id).await, version, "nothing was saved");

    // The login form needs the token too (login CSRF).
    let fresh = anonymous_client();
    let res = fresh
        .post(app.url("/login"))
        .form(&[("email", OWNER), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
}

#[tokio::test]
async fn sessions_end_after_idle_and_absolute_timeouts_and_on_logout_everywhere() {
    let app = spawn_app(Backend::Sqlite).await;
    let policy = mobiplan_web::auth::SecurityPolicy::default();
    let home = |c: Client| {
        let url = app.url("/");
        async move { c.get(url).send().await.unwrap().status().as_u16() }
    };
    assert_eq!(home(app.client.clone()).await, 200);
    app.clock
        .advance(policy.idle_timeout - chrono::Duration::minutes(1));
    assert_eq!(
        home(app.client.clone()).await,
        200,
        "used within the idle timeout"
    );
    app.clock
        .advance(policy.idle_timeout + chrono::Duration::minutes(1));
    assert_eq!(home(app.client.clone()).await, 303, "idle too long");

    // Absolute: a busy session ends too.
    let busy = app.login(OWNER, PASSWORD).await;
    let step = policy.idle_timeout / 2;
    let mut elapsed = chrono::Duration::zero();
    while elapsed + step < policy.absolute_timeout {
        app.clock.advance(step);
        elapsed += step;
        assert_eq!(home(busy.clone()).await, 200, "busy session at {elapsed}");
    }
    app.clock.advance(step);
    assert_eq!(home(busy.clone()).await, 303, "past the absolute timeout");

    // Log out everywhere ends the other sessions of the user.
    let a = app.login(OWNER, PASSWORD).await;
    let b = app.login(OWNER, PASSWORD).await;
    let res = a.post(app.url("/logout-everywhere")).send().await.unwrap();
    assert_eq!(res.status(), 303);
    assert_eq!(home(a).await, 303);
    assert_eq!(home(b).await, 303);
}

#[tokio::test]
async fn cookies_are_http_only_same_site_and_secure_behind_tls() {
    let app = spawn_empty(Backend::Sqlite).await;
    let c = anonymous_client();
    let res = c
        .get(app.url("/setup"))
        .header("x-forwarded-proto", "https")
        .send()
        .await
        .unwrap();
    let cookie = res.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Secure"),
        "{cookie}"
    );
    let res = anonymous_client()
        .get(app.url("/setup"))
        .send()
        .await
        .unwrap();
    let cookie = res.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(
        !cookie.contains("Secure"),
        "plain HTTP on loopback: {cookie}"
    );
}

#[tokio::test]
async fn failed_logins_are_throttled_per_address() {
    let app = spawn_app(Backend::Sqlite).await;
    let policy = mobiplan_web::auth::SecurityPolicy::default();
    let c = anonymous_client();
    let token = csrf_of(
        &c.get(app.url("/login"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
    );
    let attempt = |password: &'static str| {
        let c = c.clone();
        let token = token.clone();
        let url = app.url("/login");
        async move {
            c.post(url)
                .form(&[
                    ("_csrf", token.as_str()),
                    ("email", OWNER),
                    ("password", password),
                ])
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    for _ in 0..policy.max_failed_logins {
        assert_eq!(attempt("wrong password").await, 401);
    }
    assert_eq!(
        attempt(PASSWORD).await,
        429,
        "even the right password waits"
    );
    app.clock.advance(policy.throttle_window);
    assert_eq!(attempt(PASSWORD).await, 303, "after the window");
}

#[tokio::test]
async fn passwords_are_stored_as_argon2id() {
    let app = spawn_app(Backend::Sqlite).await;
    let creds = app.state.store.credentials(OWNER).await.unwrap().unwrap();
    assert!(
        creds.password_hash.starts_with("$argon2id$v=19$"),
        "{}",
        creds.password_hash
    );
    assert!(!creds.password_hash.contains(PASSWORD));
    assert!(mobiplan_web::auth::verify_password(
        PASSWORD,
        &creds.password_hash
    ));
}

fn invitation_link(page: &str) -> String {
    let start = page.find("/invite/").expect("the page shows the link");
    let rest = &page[start..];
    rest[..rest.find('<').unwrap()].to_owned()
}

#[tokio::test]
async fn an_invitation_link_works_once_and_expires() {
    let app = spawn_app(Backend::Sqlite).await;
    let res = app
        .client
        .post(app.url(&format!("/orgs/{}/invitations", app.org)))
        .form(&[("role", "editor")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let link = invitation_link(&res.text().await.unwrap());

    let join = |email: &'static str| {
        let link = link.clone();
        let app = &app;
        async move {
            let c = anonymous_client();
            let page = c.get(app.url(&link)).send().await.unwrap();
            let status = page.status().as_u16();
            let text = page.text().await.unwrap();
            if status != 200 {
                return status;
            }
            let token = csrf_of(&text);
            c.post(app.url(&link))
                .form(&[
                    ("_csrf", token.as_str()),
                    ("name", "Jānis"),
                    ("email", email),
                    ("new_password", PASSWORD),
                ])
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    assert_eq!(join("janis@skola-a.lv").await, 303);
    assert_eq!(join("second@skola-a.lv").await, 404, "a used link");
    let roles = app
        .state
        .store
        .members(&app.org)
        .await
        .unwrap()
        .into_iter()
        .map(|m| (m.user.email, m.role))
        .collect::<Vec<_>>();
    assert!(roles.contains(&("janis@skola-a.lv".to_owned(), Role::Editor)));
    assert!(!roles.iter().any(|(e, _)| e == "second@skola-a.lv"));

    // An unused link expires.
    let res = app
        .client
        .post(app.url(&format!("/orgs/{}/invitations", app.org)))
        .form(&[("role", "viewer")])
        .send()
        .await
        .unwrap();
    let link2 = invitation_link(&res.text().await.unwrap());
    app.clock
        .advance(mobiplan_web::auth::SecurityPolicy::default().invitation_lifetime);
    let res = anonymous_client()
        .get(app.url(&link2))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
}

#[tokio::test]
async fn first_run_setup_creates_the_owner_once() {
    let app = spawn_empty(Backend::Sqlite).await;
    let c = anonymous_client();
    let res = c.get(app.url("/")).send().await.unwrap();
    assert_eq!(res.headers()["location"], "/setup");
    let page = c
        .get(app.url("/setup"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let token = csrf_of(&page);
    let form = [
        ("_csrf", token.as_str()),
        ("org_name", "Rīgas Ziemeļu vidusskola"),
        ("org_oid", "E10000009"),
        ("org_country", "lv"),
        ("org_town", "Rīga"),
        ("name", "Anna"),
        ("email", "anna@rzv.lv"),
        ("new_password", "short"),
    ];
    let res = c.post(app.url("/setup")).form(&form).send().await.unwrap();
    assert_eq!(res.status(), 422, "a short password is refused");
    let mut form = form.to_vec();
    form.retain(|(k, _)| *k != "new_password");
    form.push(("new_password", PASSWORD));
    let res = c.post(app.url("/setup")).form(&form).send().await.unwrap();
    assert_eq!(res.status(), 303);
    assert_eq!(
        c.get(app.url("/")).send().await.unwrap().status(),
        200,
        "logged in"
    );
    let again = anonymous_client()
        .get(app.url("/setup"))
        .send()
        .await
        .unwrap();
    assert_eq!(again.headers()["location"], "/login", "setup is over");
    let orgs = app.state.store.list_organisations().await.unwrap();
    assert_eq!(orgs.len(), 1);
    assert_eq!(orgs[0].country, "LV");
}

#[tokio::test]
async fn a_shared_project_can_be_edited_by_a_consultant_of_another_organisation() {
    let app = spawn_app(Backend::Sqlite).await;
    let b = org_b(&app).await;
    let owner_b = app.login("owner@skola-b.ee", PASSWORD).await;
    let res = owner_b
        .post(app.url(&format!("/projects/{}/sharing", b.project)))
        .form(&[("email", OWNER), ("access", "edit")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);

    let get = app
        .client
        .get(app.url(&format!("/api/projects/{}", b.project)))
        .send()
        .await
        .unwrap();
    assert_eq!(get.status(), 200);
    let list: Value = app
        .client
        .get(app.url("/api/projects"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        list["projects"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["id"] == b.project.as_str())
    );
    let mut doc = app.state.store.get_project(&b.project).await.unwrap();
    doc.document.project.title = "Improved by the consultant".into();
    let put = app
        .client
        .put(app.url(&format!("/api/projects/{}", b.project)))
        .json(&serde_json::json!({"version": doc.version, "document": doc.document}))
        .send()
        .await
        .unwrap();
    assert_eq!(put.status(), 200);
    let del = app
        .client
        .delete(app.url(&format!("/api/projects/{}", b.project)))
        .send()
        .await
        .unwrap();
    assert_eq!(del.status(), 403, "a share does not allow deleting");
    let share = app
        .client
        .get(app.url(&format!("/projects/{}/sharing", b.project)))
        .send()
        .await
        .unwrap();
    assert_eq!(share.status(), 403, "nor sharing further");

    // The history says who changed what.
    let history: Value = app
        .client
        .get(app.url(&format!("/api/projects/{}/history", b.project)))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let newest = &history["versions"][0];
    assert_eq!(newest["saved_by"]["email"], OWNER);
    assert_eq!(newest["changes"][0]["part"], "details");

    // Ending the share ends the access.
    let res = owner_b
        .post(app.url(&format!(
                "/projects/{}/sharing/{}/delete",
                b.project,
                app.state
                    .store
                    .user_by_email(OWNER)
                    .await
                    .unwrap()
                    .unwrap()
                    .id
            )))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    let get = app
        .client
        .get(app.url(&format!("/api/projects/{}", b.project)))
        .send()
        .await
        .unwrap();
    assert_eq!(get.status(), 404);
}

#[tokio::test]
async fn restoring_an_old_version_saves_it_as_a_new_version() {
    let app = spawn_app(Backend::Sqlite).await;
    let id = app.create_project("Rīgas skola", "SCH").await;
    let first = app.document(&id).await;
    let v1 = app.version(&id).await;
    let _ = app.add_activity(&id, support::COURSE_FORM).await;
    let v2 = app.version(&id).await;
    assert!(v2 > v1);
    let res = app
        .client
        .post(app.url(&format!("/projects/{id}/history/{v1}/restore")))
        .form(&[("version", v2.to_string())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    assert_eq!(app.version(&id).await, v2 + 1);
    assert_eq!(app.document(&id).await, first);
    // Nothing was destroyed: the version with the activity is still there.
    let page = app.get_text(&format!("/projects/{id}/history/{v2}")).await;
    assert!(page.contains("Valencia"));
    let history = app.get_text(&format!("/projects/{id}/history")).await;
    assert!(history.contains(OWNER));
}

#[tokio::test]
async fn pages_carry_the_security_headers_and_no_inline_script() {
    let app = spawn_app(Backend::Sqlite).await;
    for path in ["/", "/login", "/no-such-page", "/api/projects"] {
        let res = app.client.get(app.url(path)).send().await.unwrap();
        let h = res.headers();
        let csp = h["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        assert!(
            csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"),
            "{path}: {csp}"
        );
        assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(h["referrer-policy"], "same-origin", "{path}");
        let body = res.text().await.unwrap();
        let mut rest = body.as_str();
        while let Some(at) = rest.find("<script") {
            let tag_end = rest[at..].find('>').unwrap() + at;
            assert!(rest[at..tag_end].contains("src="), "{path}: inline script");
            rest = &rest[tag_end..];
        }
        assert!(!body.contains(" style=\""), "{path}: inline style");
    }
}

#[test]
fn the_openapi_document_describes_every_api_route() {
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/openapi.json")).unwrap();
    let spec: Value = serde_json::from_str(&text).unwrap();
    for r in ROUTES
        .iter()
        .filter(|r| r.path.starts_with("/api/") && r.path != "/api/openapi.json")
    {
        let op = &spec["paths"][r.path][r.method.to_ascii_lowercase()];
        assert!(
            op.is_object(),
            "{} {} is not in openapi.json",
            r.method,
            r.path
        );
        if !matches!(r.access, Access::Public) {
            assert!(
                op["responses"]["401"].is_object(),
                "{} {}: no 401",
                r.method,
                r.path
            );
        }
    }
}
