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
    objective: String,
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
        objective: doc
            .application
            .as_ref()
            .and_then(|a| a.objectives.first())
            .map(|o| o.id.clone())
            .expect("the example has an objective"),
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
            "oid" => &b.objective,
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
        "PATCH" => client
            .patch(url)
            .header("content-type", "application/merge-patch+json")
            .header("if-match", "\"1\"")
            .body(r#"{"project": {"title": "hijacked"}}"#),
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
            Access::Public | Access::Setup | Access::Operator => {}
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
        // (`Operator` routes answer anyone on this machine: the test client is on loopback.)
        if !matches!(r.access, Access::Public | Access::Setup | Access::Operator) {
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

/// The notice a no-JS save leaves for the next page ("Saved.") is a cookie like the others:
/// `Secure` behind TLS, and cleared (also `Secure`) once a page has shown it.
#[tokio::test]
async fn the_notice_after_a_save_is_a_secure_cookie_behind_tls() {
    let app = spawn_app(Backend::Sqlite).await;
    let (id, _) = app.import_example("sch-riga-school.toml").await;
    let details = format!("/projects/{id}/details");
    let form = support::html::page_form(&app, &details, &details).await;
    let notice = |res: &reqwest::Response| -> String {
        res.headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|c| c.starts_with("mobiplan_flash="))
            .unwrap_or_default()
            .to_owned()
    };
    let res = app
        .client
        .post(app.url(&details))
        .header("x-forwarded-proto", "https")
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    let set = notice(&res);
    assert!(set.contains("HttpOnly") && set.contains("Secure"), "{set}");
    let to = res.headers()["location"].to_str().unwrap().to_owned();
    let res = app
        .client
        .get(app.url(&to))
        .header("x-forwarded-proto", "https")
        .send()
        .await
        .unwrap();
    let cleared = notice(&res);
    assert!(
        cleared.contains("Max-Age=0") && cleared.contains("Secure"),
        "{cleared}"
    );
    assert!(res.text().await.unwrap().contains("Saved."));
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
    // The summary lists each problem with the field's label, linked to the field.
    let mut bad = form.to_vec();
    bad.retain(|(k, _)| *k != "org_town" && *k != "org_oid");
    bad.push(("org_oid", "E12"));
    let page = c
        .post(app.url("/setup"))
        .form(&bad)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let summary = &page[page.find("error-summary").expect("a summary")..];
    let summary = &summary[..summary.find("</div>").unwrap()];
    assert!(
        summary.contains(r#"tabindex="-1""#),
        "it can take focus: {summary}"
    );
    for field in ["org_town", "org_oid", "new_password"] {
        assert!(
            summary.contains(&format!(r##"href="#{field}""##)),
            "{field} linked: {summary}"
        );
    }
    assert!(summary.contains("Town"), "named by its label: {summary}");
    assert!(summary.contains("E followed by 8 digits"), "{summary}");
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

// --- ready to face the internet (issue 12) --------------------------------------------------

/// A logged-out client with a fresh login form: (client, the form's CSRF token).
async fn login_form(app: &App) -> (Client, String) {
    let c = anonymous_client();
    let page = c.get(app.url("/login")).send().await.unwrap();
    let token = csrf_of(&page.text().await.unwrap());
    (c, token)
}

async fn try_login(
    c: &Client,
    url: &str,
    token: &str,
    email: &str,
    password: &str,
) -> reqwest::Response {
    c.post(format!("{url}/login"))
        .form(&[("_csrf", token), ("email", email), ("password", password)])
        .send()
        .await
        .unwrap()
}

async fn throttle_is_shared_by_instances_and_grows(backend: Backend) {
    let app = spawn_app(backend).await;
    let policy = mobiplan_web::auth::SecurityPolicy::default();
    let other = format!("http://{}", app.another_instance().await);
    let (c, token) = login_form(&app).await;
    // Failures alternate between the two instances: they count together.
    for i in 0..policy.max_failed_logins {
        let base = if i % 2 == 0 {
            app.url("")
        } else {
            other.clone()
        };
        let res = try_login(&c, &base, &token, OWNER, "wrong password").await;
        assert_eq!(res.status(), 401, "attempt {i}");
    }
    for base in [app.url(""), other.clone()] {
        let res = try_login(&c, &base, &token, OWNER, PASSWORD).await;
        assert_eq!(res.status(), 429, "{base}: even the right password waits");
        let wait: i64 = res.headers()["retry-after"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        assert_eq!(wait, policy.throttle_window.num_seconds());
    }
    // After the first block, the next failure blocks for twice as long.
    app.clock.advance(policy.throttle_window);
    let res = try_login(&c, &other, &token, OWNER, "wrong again").await;
    assert_eq!(res.status(), 401);
    let res = try_login(&c, &app.url(""), &token, OWNER, PASSWORD).await;
    assert_eq!(res.status(), 429);
    let wait: i64 = res.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(wait, 2 * policy.throttle_window.num_seconds());
    // A third instance, started later (a restart), knows it too.
    let restarted = format!("http://{}", app.another_instance().await);
    let res = try_login(&c, &restarted, &token, OWNER, PASSWORD).await;
    assert_eq!(res.status(), 429, "a restart forgets nothing");
    app.clock.advance(policy.throttle_window * 2);
    let res = try_login(&c, &restarted, &token, OWNER, PASSWORD).await;
    assert_eq!(res.status(), 303, "after the wait");
    // A success forgets the account's failures.
    let (c, token) = login_form(&app).await;
    let res = try_login(&c, &app.url(""), &token, OWNER, "wrong").await;
    assert_eq!(res.status(), 401, "counting starts again");
    let res = try_login(&c, &app.url(""), &token, OWNER, PASSWORD).await;
    assert_eq!(
        res.status(),
        303,
        "one failure after a success blocks nothing"
    );
}

#[tokio::test]
async fn the_login_throttle_is_shared_by_every_instance_survives_restarts_and_grows() {
    for backend in support::backends() {
        throttle_is_shared_by_instances_and_grows(backend).await;
    }
}

#[tokio::test]
async fn failed_logins_are_throttled_per_client_address_across_accounts() {
    let app = spawn_app(Backend::Sqlite).await;
    let policy = mobiplan_web::auth::SecurityPolicy::default();
    let (c, token) = login_form(&app).await;
    // One address trying many accounts (password spraying).
    for i in 0..policy.max_failed_logins_per_address {
        let email = format!("nobody{i}@spray.example");
        let res = try_login(&c, &app.url(""), &token, &email, "guess").await;
        assert_eq!(res.status(), 401, "attempt {i}");
    }
    let res = try_login(&c, &app.url(""), &token, OWNER, PASSWORD).await;
    assert_eq!(
        res.status(),
        429,
        "the address is blocked for every account"
    );
    assert!(res.headers().contains_key("retry-after"));
}

#[tokio::test]
async fn password_hashing_beyond_the_pool_and_its_queue_is_refused_before_hashing() {
    let app = support::spawn_configured(Backend::Sqlite, |c| {
        c.limits.hash_workers = 1;
        c.limits.hash_queue = 0;
    })
    .await;
    let (c, token) = login_form(&app).await;
    let attempts = (0..12).map(|i| {
        let c = c.clone();
        let token = token.clone();
        let base = app.url("");
        async move { try_login(&c, &base, &token, &format!("u{i}@x.lv"), "wrong password").await }
    });
    let results = futures_join_all(attempts).await;
    let busy: Vec<&reqwest::Response> = results.iter().filter(|r| r.status() == 503).collect();
    assert!(!busy.is_empty(), "one worker, no queue: some are refused");
    assert!(busy.iter().all(|r| r.headers()["retry-after"] == "2"));
    assert!(
        results
            .iter()
            .all(|r| r.status() == 503 || r.status() == 401),
        "{:?}",
        results.iter().map(|r| r.status()).collect::<Vec<_>>()
    );
    let metrics = app.get_text("/metrics").await;
    assert!(
        metrics.contains(&format!(
            "mobiplan_password_hashing_refused_total {}",
            busy.len()
        )),
        "{metrics}"
    );
}

/// Runs the futures at once (without a futures crate).
async fn futures_join_all<F>(futures: impl Iterator<Item = F>) -> Vec<F::Output>
where
    F: std::future::Future + Send + 'static,
    F::Output: Send + 'static,
{
    let handles: Vec<_> = futures.map(tokio::spawn).collect();
    let mut out = Vec::new();
    for h in handles {
        out.push(h.await.unwrap());
    }
    out
}

/// A project file over the server's body limit is refused with words a person can act on, in
/// their language — not the HTTP library's.
#[tokio::test]
async fn an_upload_over_the_limit_is_refused_in_the_readers_language() {
    let app = support::with_owner(
        support::spawn_configured(Backend::Sqlite, |c| c.limits.max_body = 64 * 1024).await,
    )
    .await;
    let res = app
        .post_import("project.toml", "x".repeat(65 * 1024), "lv")
        .await;
    assert!(res.status().is_client_error(), "{}", res.status());
    let page = res.text().await.unwrap();
    let expected = mobiplan_i18n::text(mobiplan_i18n::Lang::Lv, "web.body-too-large");
    assert!(page.contains(expected.as_ref()), "{page}");
}

#[tokio::test]
async fn slow_and_idle_connections_are_closed_and_bodies_are_bounded() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let app = support::spawn_configured(Backend::Sqlite, |c| {
        c.limits.header_read_timeout = std::time::Duration::from_millis(500);
        c.limits.max_body = 64 * 1024;
    })
    .await;
    // Half a request head, then nothing: closed once the head timeout passes.
    let mut slow = tokio::net::TcpStream::connect(app.addr).await.unwrap();
    slow.write_all(b"GET /login HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
        .await
        .unwrap();
    let mut buf = Vec::new();
    let read = tokio::time::timeout(
        std::time::Duration::from_secs(5),
        slow.read_to_end(&mut buf),
    )
    .await;
    assert!(
        matches!(read, Ok(Ok(_)) | Ok(Err(_))),
        "the server closed the half-open connection"
    );
    // Nothing at all after connecting: closed too.
    let mut silent = tokio::net::TcpStream::connect(app.addr).await.unwrap();
    let read = tokio::time::timeout(
        std::time::Duration::from_secs(5),
        silent.read_to_end(&mut buf),
    )
    .await;
    assert!(read.is_ok(), "a silent connection is closed");
    // A keep-alive connection left idle after its answer: closed.
    let mut idle = tokio::net::TcpStream::connect(app.addr).await.unwrap();
    idle.write_all(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        .await
        .unwrap();
    let mut answer = Vec::new();
    let read = tokio::time::timeout(
        std::time::Duration::from_secs(5),
        idle.read_to_end(&mut answer),
    )
    .await;
    assert!(read.is_ok(), "an idle keep-alive connection is closed");
    assert!(String::from_utf8_lossy(&answer).starts_with("HTTP/1.1 200"));
    // The server still answers.
    let res = anonymous_client()
        .get(app.url("/healthz"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);

    // A body over the limit: 413, a problem document on the API.
    let big = "x".repeat(65 * 1024);
    let app_logged = app;
    let res = anonymous_client()
        .post(app_logged.url("/api/evaluate"))
        .header("content-type", "application/json")
        .header("x-csrf-token", "t")
        .body(big)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 413);
    assert_eq!(res.headers()["content-type"], "application/problem+json");
    let problem: Value = res.json().await.unwrap();
    assert_eq!(problem["status"], 413);
    assert_eq!(problem["error"]["code"], "too-large");
}

async fn control_characters_are_refused_by_field(backend: Backend) {
    let app = spawn_app(backend).await;
    let id = app.create_project("Skola A", "SCH").await;
    let stored = app.stored(&id).await;
    let version = stored["version"].as_i64().unwrap();
    let mut doc = stored["document"].clone();
    doc["project"]["title"] = Value::String("Title\u{0}with NUL".into());

    // The JSON API: update and create.
    let res = app
        .client
        .put(app.url(&format!("/api/projects/{id}")))
        .json(&serde_json::json!({"version": version, "document": doc}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400, "PUT with NUL");
    assert_eq!(res.headers()["content-type"], "application/problem+json");
    let body: Value = res.json().await.unwrap();
    assert_eq!(
        body["error"]["fields"][0]["field"],
        "document.project.title"
    );
    let res = app
        .client
        .post(app.url("/api/projects"))
        .json(&doc)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400, "POST with NUL");
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"]["fields"][0]["field"], "project.title");

    // Forms: the details form, sharing, rates, a bell character in a name.
    for (path, field, value) in [
        (format!("/projects/{id}/details"), "title", "a\u{0}b"),
        (format!("/projects/{id}/sharing"), "email", "x\u{0}@y.lv"),
        (format!("/projects/{id}/rates"), "profile", "p\u{0}"),
        ("/projects".to_owned(), "applicant_name", "School\u{7}"),
    ] {
        let form = vec![
            ("version".to_owned(), version.to_string()),
            ("access".to_owned(), "read".to_owned()),
            (field.to_owned(), value.to_owned()),
        ];
        let res = app.post_form(&path, &form).await;
        assert_eq!(res.status(), 400, "{path} {field}");
        let page = res.text().await.unwrap();
        let label = mobiplan_i18n::text(mobiplan_i18n::Lang::En, &format!("web.label.{field}"));
        assert!(
            page.contains(&format!("{label}: ")),
            "{path}: the field is named by its label\n{page}"
        );
    }
    // The login form, before any session.
    let (c, token) = login_form(&app).await;
    let res = try_login(&c, &app.url(""), &token, "x\u{0}@y.lv", "whatever").await;
    assert_eq!(res.status(), 400, "login e-mail with NUL");
    // Tab and line breaks are text.
    let res = app
        .post_form(
            &format!("/projects/{id}/details"),
            &[
                ("version".into(), version.to_string()),
                ("title".into(), "Two\r\nlines\tand a tab".into()),
            ],
        )
        .await;
    assert_ne!(res.status(), 400);
    // A query string.
    let res = app
        .client
        .get(app.url("/api/places?q=R%00iga"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"]["fields"][0]["field"], "q");
    // An id with a control character names nothing: 404, never 403 or 500.
    for path in [
        format!("/projects/{id}%00"),
        "/projects/%00".to_owned(),
        format!("/api/projects/{id}%00"),
        "/rates/x%00".to_owned(),
    ] {
        let res = app.client.get(app.url(&path)).send().await.unwrap();
        assert_eq!(res.status(), 404, "{path}");
    }
    // An import whose escapes carry a NUL.
    let text = std::fs::read_to_string(support::root().join("examples/sch-riga-school.toml"))
        .unwrap()
        .replace("name = \"Anna Bērziņa\"", "name = \"Anna\\u0000\"");
    let res = app.post_import("p.toml", text, "en").await;
    assert_eq!(res.status(), 422, "import with an escaped NUL");
    assert_eq!(app.version(&id).await, version, "nothing was saved");
}

#[tokio::test]
async fn control_characters_are_refused_naming_the_field_and_bad_ids_are_not_found() {
    for backend in support::backends() {
        control_characters_are_refused_by_field(backend).await;
    }
}

#[tokio::test]
async fn only_this_servers_host_names_are_answered_and_setup_only_on_loopback_names() {
    let app = spawn_empty(Backend::Sqlite).await;
    let c = anonymous_client();
    for path in ["/setup", "/login", "/api/openapi.json", "/assets/app.js"] {
        let res = c
            .get(app.url(path))
            .header("host", "rebind.attacker.example")
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 421, "{path}");
    }
    let res = c
        .post(app.url("/setup"))
        .header(
            "host",
            format!("rebind.attacker.example:{}", app.addr.port()),
        )
        .form(&[("name", "Mallory")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 421);
    assert_eq!(app.state.store.count_users().await.unwrap(), 0);
    let res = c
        .get(app.url("/setup"))
        .header("host", format!("localhost:{}", app.addr.port()))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "localhost is a loopback name");

    // The public name is allowed, but the setup stays on loopback names.
    let public = support::spawn_configured(Backend::Sqlite, |c| {
        c.public_url = Some("https://mobiplan.skola.lv".parse().unwrap());
    })
    .await;
    let res = c
        .get(public.url("/setup"))
        .header("host", "mobiplan.skola.lv")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 421, "no setup on the public name");
    let res = anonymous_client()
        .get(public.url("/login"))
        .header("host", "Mobiplan.Skola.LV")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "the public name is answered");
    let cookie = res.headers()["set-cookie"].to_str().unwrap();
    assert!(cookie.contains("Secure"), "https public URL: {cookie}");
}

#[tokio::test]
async fn the_language_switch_redirects_only_within_the_site() {
    let app = spawn_app(Backend::Sqlite).await;
    for (back, expected) in [
        ("/projects", "/projects"),
        ("/\\evil.example", "/"),
        ("//evil.example", "/"),
        ("https://evil.example/", "/"),
        ("/a\r\nSet-Cookie: x=1", "/"),
        ("/a\u{0}", "/"),
    ] {
        let res = app
            .post_form(
                "/lang",
                &[("lang".into(), "lv".into()), ("back".into(), back.into())],
            )
            .await;
        if back.contains('\0') {
            assert_eq!(res.status(), 400, "a NUL is refused as input");
            continue;
        }
        assert_eq!(res.status(), 303, "{back:?}");
        assert_eq!(res.headers()["location"], expected, "{back:?}");
    }
    let res = app
        .client
        .post(app.url("/lang"))
        .header("x-forwarded-proto", "https")
        .form(&[("lang", "en"), ("back", "/")])
        .send()
        .await
        .unwrap();
    let cookie = res.headers()["set-cookie"].to_str().unwrap();
    assert!(
        cookie.contains("Secure") && cookie.contains("HttpOnly"),
        "{cookie}"
    );
}

#[tokio::test]
async fn api_errors_are_problem_documents() {
    let app = spawn_app(Backend::Sqlite).await;
    for (path, status) in [
        ("/api/distance?year=abc", 400),
        ("/api/projects/nothing-here", 404),
        ("/api/no-such-route", 404),
    ] {
        let res = app.client.get(app.url(path)).send().await.unwrap();
        assert_eq!(res.status(), status, "{path}");
        assert_eq!(
            res.headers()["content-type"],
            "application/problem+json",
            "{path}"
        );
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["status"], status, "{path}");
        assert!(
            body["title"].is_string() && body["detail"].is_string(),
            "{path}"
        );
        assert!(
            body["error"]["code"].is_string(),
            "{path}: the old member stays"
        );
    }
    let res = app
        .client
        .post(app.url("/api/evaluate"))
        .header("content-type", "application/json")
        .body("{ not json")
        .send()
        .await
        .unwrap();
    assert!(res.status().is_client_error());
    assert_eq!(res.headers()["content-type"], "application/problem+json");
}

#[tokio::test]
async fn the_login_csrf_token_is_bound_to_the_pre_login_session() {
    let app = spawn_app(Backend::Sqlite).await;
    // A forger's own pair: a well-formed cookie and the same value as the token.
    let forged = "A".repeat(43);
    let res = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .post(app.url("/login"))
        .header("cookie", format!("mobiplan_csrf={forged}"))
        .form(&[
            ("_csrf", forged.as_str()),
            ("email", OWNER),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403, "a token the server did not make");
    // Another visitor's token does not work with this visitor's session.
    let (mine, _) = login_form(&app).await;
    let (_, theirs) = login_form(&app).await;
    let res = try_login(&mine, &app.url(""), &theirs, OWNER, PASSWORD).await;
    assert_eq!(res.status(), 403, "a token made for another session");
    let (c, token) = login_form(&app).await;
    let res = try_login(&c, &app.url(""), &token, OWNER, PASSWORD).await;
    assert_eq!(res.status(), 303);
}

#[cfg(unix)]
#[tokio::test]
async fn data_files_are_private_to_the_server_user() {
    use std::os::unix::fs::PermissionsExt;
    let app = spawn_app(Backend::Sqlite).await;
    app.create_project("Skola A", "SCH").await;
    let dir = app.config.data_dir.clone();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let entry = entry.unwrap();
        let mode = entry.metadata().unwrap().permissions().mode() & 0o777;
        assert_eq!(mode & 0o077, 0, "{:?} is {mode:o}", entry.file_name());
    }
    let backup = dir.join("backup.sqlite");
    app.state.store.backup_to(&backup).await.unwrap();
    let mode = std::fs::metadata(&backup).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "the backup holds password hashes");
}

#[tokio::test]
async fn restore_refuses_while_the_server_holds_the_data_directory() {
    let dir = tempfile::tempdir().unwrap();
    let backup = dir.path().join("backup.sqlite");
    {
        let store = mobiplan_store::Store::open(mobiplan_store::StoreConfig::Sqlite(
            dir.path().join("elsewhere"),
        ))
        .await
        .unwrap();
        store.backup_to(&backup).await.unwrap();
        store.close().await;
    }
    let config = mobiplan_web::Config::new(
        "127.0.0.1:0".parse().unwrap(),
        dir.path().join("data"),
        None,
    );
    let serving = tokio::spawn(mobiplan_web::serve(config.clone()));
    // The server takes the lock before it creates its database: once the file is there, the
    // server holds the directory.
    let db = config.data_dir.join("mobiplan.sqlite");
    while !db.exists() {
        assert!(!serving.is_finished(), "the server stopped");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let message = mobiplan_web::admin::restore(&config, &backup)
        .await
        .expect_err("restore refuses while serve runs");
    assert!(
        message.contains("stop the server") && message.contains(&std::process::id().to_string()),
        "{message}"
    );
    assert!(!serving.is_finished(), "the server runs on");
    serving.abort();
    let _ = serving.await;
    // The server is gone, and its lock with it.
    mobiplan_web::admin::restore(&config, &backup)
        .await
        .expect("restore once the server stopped");
}

#[tokio::test]
async fn health_readiness_metrics_and_request_ids() {
    let app = spawn_app(Backend::Sqlite).await;
    let res = app.client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.headers().contains_key("x-request-id"));
    let res = app.client.get(app.url("/readyz")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let res = app
        .client
        .get(app.url("/projects/nothing-here"))
        .header("x-request-id", "trace-42")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    assert_eq!(res.headers()["x-request-id"], "trace-42");
    let (c, token) = login_form(&app).await;
    try_login(&c, &app.url(""), &token, OWNER, "wrong password").await;
    let metrics = app.get_text("/metrics").await;
    for line in [
        "mobiplan_http_requests_total{route=\"/projects/{id}\",method=\"GET\",status=\"404\"} 1",
        "mobiplan_http_request_duration_seconds_bucket{route=\"/healthz\",le=\"+Inf\"} 1",
        "mobiplan_failed_logins_total 1",
        "mobiplan_db_pool_max_connections",
        "# TYPE mobiplan_saves_total counter",
    ] {
        assert!(metrics.contains(line), "{line} in:\n{metrics}");
    }
    assert!(!metrics.contains(OWNER), "no e-mail in the metrics");

    // The separate monitoring address answers without the Host check.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(mobiplan_web::server::serve(
        listener,
        mobiplan_web::operator_router(app.state.clone()),
        mobiplan_web::ServerLimits::default(),
    ));
    let res = anonymous_client()
        .get(format!("http://{addr}/metrics"))
        .header("host", "monitoring.internal")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
}

#[tokio::test]
async fn the_mobility_csv_neutralises_formulas() {
    let app = spawn_app(Backend::Sqlite).await;
    let text = std::fs::read_to_string(support::root().join("examples/sch-riga-school.toml"))
        .unwrap()
        .replace(
            "name = \"Anna Bērziņa\"",
            "name = \"=HYPERLINK(\\\"http://evil.example\\\",\\\"x\\\")\"",
        );
    let id = app.import_text("p.toml", &text).await;
    let csv = app
        .get_text(&format!("/projects/{id}/export/mobility-csv"))
        .await;
    assert!(csv.contains("'=HYPERLINK("), "{csv}");
    assert!(
        !csv.contains(",=HYPERLINK(") && !csv.contains(",\"=HYPERLINK("),
        "{csv}"
    );
}
