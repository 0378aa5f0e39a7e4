//! Pages of accounts: login, first-run setup, invitations, the organisation, sharing, the
//! account.

use maud::{Markup, html};
use mobiplan_store::{Invitation, Member, Membership, Organisation, Role, Share, User};

use crate::access::csrf_token;
use crate::auth::CSRF_FIELD;
use crate::i18n::{Lang, t, tr};

/// The hidden CSRF field every POST form carries.
pub fn csrf_field() -> Markup {
    html! { input type="hidden" name=(CSRF_FIELD) value=(csrf_token()); }
}

/// A labelled input; `error` is shown above it and linked by `aria-describedby`.
pub fn field(name: &str, label: String, kind: &str, value: &str, error: Option<&String>) -> Markup {
    let autocomplete = match (name, kind) {
        ("email", _) => "email",
        (_, "password") if name == "password" => "current-password",
        (_, "password") => "new-password",
        ("name", _) => "name",
        _ => "off",
    };
    html! {
        div.field.has-error[error.is_some()] {
            label for=(name) { (label) }
            @if let Some(e) = error { p.error-message id={(name) "-error"} { (e) } }
            input id=(name) name=(name) type=(kind) value=(value) autocomplete=(autocomplete)
                aria-describedby={(name) "-error"};
        }
    }
}

pub fn role_label(lang: Lang, role: Role) -> String {
    t(lang, &format!("web.role.{}", role.as_str()))
}

fn role_select(lang: Lang, name: &str, selected: Role) -> Markup {
    html! {
        div.field {
            label for=(name) { (t(lang, "web.acc.role")) }
            select id=(name) name=(name) {
                @for r in Role::ALL {
                    option value=(r.as_str()) selected[r == selected] { (role_label(lang, r)) }
                }
            }
        }
    }
}

/// The values and errors of a form being shown again.
#[derive(Default)]
pub struct FormState {
    pub values: Vec<(String, String)>,
    pub errors: Vec<(String, String)>,
    /// An error about the whole form (wrong password, throttled).
    pub notice: Option<String>,
}

impl FormState {
    pub fn value(&self, name: &str) -> &str {
        self.values
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    }
    pub fn error(&self, name: &str) -> Option<&String> {
        self.errors.iter().find(|(k, _)| k == name).map(|(_, v)| v)
    }
}

/// The label of an account form's field, for the error summary (the field's own label).
fn field_label(lang: Lang, name: &str) -> String {
    match name {
        "org_name" => t(lang, "web.acc.org-name"),
        "org_oid" => t(lang, "web.acc.org-oid"),
        "org_country" => t(lang, "web.acc.org-country"),
        "org_town" => t(lang, "web.acc.org-town"),
        "name" => t(lang, "web.acc.name"),
        "email" => t(lang, "web.acc.email"),
        "password" => t(lang, "web.acc.password"),
        "new_password" => tr(
            lang,
            "web.acc.new-password",
            &[("min", crate::auth::MIN_PASSWORD_CHARS.to_string())],
        ),
        other => other.to_owned(),
    }
}

/// The GOV.UK error summary of an account form: a whole-form notice, and each field's problem
/// with the field's label, linked to the field; the script moves focus to it.
fn notice(lang: Lang, f: &FormState) -> Markup {
    html! {
        @if f.notice.is_some() || !f.errors.is_empty() {
            div.error-summary role="alert" tabindex="-1" aria-labelledby="error-summary-title" {
                h2 #error-summary-title { (t(lang, "web.error-summary")) }
                @if let Some(n) = &f.notice { p { (n) } }
                @if !f.errors.is_empty() {
                    ul {
                        @for (name, message) in &f.errors {
                            li { a href={"#" (name)} { (field_label(lang, name)) ": " (message) } }
                        }
                    }
                }
            }
        }
    }
}

pub fn login(lang: Lang, f: &FormState, next: &str) -> Markup {
    html! {
        h1 { (t(lang, "web.acc.login")) }
        (notice(lang, f))
        form method="post" action="/login" novalidate {
            (csrf_field())
            input type="hidden" name="next" value=(next);
            (field("email", t(lang, "web.acc.email"), "email", f.value("email"), f.error("email")))
            (field("password", t(lang, "web.acc.password"), "password", "", f.error("password")))
            button type="submit" { (t(lang, "web.acc.login")) }
        }
        p.small { (t(lang, "web.acc.login-help")) }
    }
}

/// The organisation and first-owner fields (first-run setup).
pub fn setup(lang: Lang, f: &FormState) -> Markup {
    html! {
        h1 { (t(lang, "web.acc.setup")) }
        p.lead { (t(lang, "web.acc.setup-lead")) }
        (notice(lang, f))
        form method="post" action="/setup" novalidate {
            (csrf_field())
            fieldset {
                legend { (t(lang, "web.acc.organisation")) }
                (field("org_name", t(lang, "web.acc.org-name"), "text", f.value("org_name"), f.error("org_name")))
                (field("org_oid", t(lang, "web.acc.org-oid"), "text", f.value("org_oid"), f.error("org_oid")))
                (field("org_country", t(lang, "web.acc.org-country"), "text", f.value("org_country"), f.error("org_country")))
                (field("org_town", t(lang, "web.acc.org-town"), "text", f.value("org_town"), f.error("org_town")))
            }
            fieldset {
                legend { (t(lang, "web.acc.you")) }
                (user_fields(lang, f))
            }
            button type="submit" { (t(lang, "web.acc.setup-submit")) }
        }
    }
}

fn user_fields(lang: Lang, f: &FormState) -> Markup {
    html! {
        (field("name", t(lang, "web.acc.name"), "text", f.value("name"), f.error("name")))
        (field("email", t(lang, "web.acc.email"), "email", f.value("email"), f.error("email")))
        (field("new_password", tr(lang, "web.acc.new-password", &[("min", crate::auth::MIN_PASSWORD_CHARS.to_string())]), "password", "", f.error("new_password")))
    }
}

pub fn invitation(
    lang: Lang,
    inv: &Invitation,
    token: &str,
    logged_in: Option<&User>,
    f: &FormState,
) -> Markup {
    let action = format!("/invite/{token}");
    html! {
        h1 { (tr(lang, "web.acc.invited", &[("org", inv.org.name.clone()), ("role", role_label(lang, inv.role))])) }
        (notice(lang, f))
        @if let Some(u) = logged_in {
            form method="post" action=(action) {
                (csrf_field())
                p { (tr(lang, "web.acc.join-as", &[("email", u.email.clone())])) }
                button type="submit" { (t(lang, "web.acc.join")) }
            }
        } @else {
            form method="post" action=(action) novalidate {
                (csrf_field())
                (user_fields(lang, f))
                button type="submit" { (t(lang, "web.acc.join")) }
            }
            p.small { (t(lang, "web.acc.have-account")) " " a href={"/login?next=" (crate::access::url_encode(&action))} { (t(lang, "web.acc.login")) } }
        }
    }
}

pub fn org(
    lang: Lang,
    org: &Organisation,
    members: &[Member],
    me: &User,
    owner: bool,
    new_link: Option<&str>,
) -> Markup {
    html! {
        h1 { (org.name) }
        p { (org.oid) " · " (org.town) ", " (org.country) }
        h2 { (t(lang, "web.acc.members")) }
        div.table-scroll { table {
            thead { tr { th { (t(lang, "web.acc.email")) } th { (t(lang, "web.acc.name")) } th { (t(lang, "web.acc.role")) } } }
            tbody {
                @for m in members {
                    tr {
                        td { (m.user.email) }
                        td { (m.user.name) }
                        td {
                            @if owner && m.user.id != me.id {
                                form.inline method="post" action={"/orgs/" (org.id) "/members/" (m.user.id)} {
                                    (csrf_field())
                                    select name="role" aria-label=(t(lang, "web.acc.role")) {
                                        @for r in Role::ALL {
                                            option value=(r.as_str()) selected[r == m.role] { (role_label(lang, r)) }
                                        }
                                        option value="remove" { (t(lang, "web.acc.remove")) }
                                    }
                                    button type="submit" { (t(lang, "web.acc.change")) }
                                }
                            } @else {
                                (role_label(lang, m.role))
                            }
                        }
                    }
                }
            }
        } }
        @if owner {
            h2 { (t(lang, "web.acc.invite")) }
            @if let Some(link) = new_link {
                div.notice role="status" {
                    p { (t(lang, "web.acc.invite-link")) }
                    p { code.invite-link { (link) } }
                }
            }
            form method="post" action={"/orgs/" (org.id) "/invitations"} {
                (csrf_field())
                (role_select(lang, "role", Role::Editor))
                button type="submit" { (t(lang, "web.acc.invite-create")) }
            }
        }
    }
}

pub fn account(lang: Lang, user: &User, memberships: &[Membership]) -> Markup {
    html! {
        h1 { (t(lang, "web.acc.account")) }
        p { (user.name) " · " (user.email) }
        h2 { (t(lang, "web.acc.organisations")) }
        ul.task-list-flat {
            @for m in memberships {
                li { a href={"/orgs/" (m.org.id)} { (m.org.name) } " — " (role_label(lang, m.role)) }
            }
        }
        form method="post" action="/logout-everywhere" {
            (csrf_field())
            p.small { (t(lang, "web.acc.logout-everywhere-help")) }
            button type="submit" { (t(lang, "web.acc.logout-everywhere")) }
        }
    }
}

pub fn sharing(
    lang: Lang,
    project_id: &str,
    title: &str,
    shares: &[Share],
    f: &FormState,
) -> Markup {
    html! {
        (crate::views::layout::back(&format!("/projects/{project_id}"), title.to_owned()))
        h1 { (t(lang, "web.acc.sharing")) }
        p.lead { (t(lang, "web.acc.sharing-lead")) }
        @if shares.is_empty() {
            p { (t(lang, "web.acc.not-shared")) }
        } @else {
            div.table-scroll { table {
                thead { tr { th { (t(lang, "web.acc.email")) } th { (t(lang, "web.acc.access")) } th {} } }
                tbody {
                    @for s in shares {
                        tr {
                            td { (s.user.email) }
                            td { (t(lang, &format!("web.access.{}", s.access.as_str()))) }
                            td {
                                form.inline method="post" action={"/projects/" (project_id) "/sharing/" (s.user.id) "/delete"} {
                                    (csrf_field())
                                    button type="submit" { (t(lang, "web.acc.unshare")) }
                                }
                            }
                        }
                    }
                }
            } }
        }
        (notice(lang, f))
        form method="post" action={"/projects/" (project_id) "/sharing"} novalidate {
            (csrf_field())
            (field("email", t(lang, "web.acc.share-email"), "email", f.value("email"), f.error("email")))
            div.field {
                label for="access" { (t(lang, "web.acc.access")) }
                select id="access" name="access" {
                    option value="read" { (t(lang, "web.access.read")) }
                    option value="edit" { (t(lang, "web.access.edit")) }
                }
            }
            button type="submit" { (t(lang, "web.acc.share")) }
        }
    }
}

/// The organisation choice of a creation form, when the user may create in several.
pub fn org_choice(lang: Lang) -> Markup {
    org_choice_with(lang, None)
}

/// [`org_choice`] with the organisation the person chose before (a form shown again).
pub fn org_choice_with(lang: Lang, selected: Option<&str>) -> Markup {
    let Some(actor) = crate::access::current_actor() else {
        return html! {};
    };
    let orgs = actor.writable_orgs();
    html! {
        @if orgs.len() > 1 {
            div.field {
                label for="org" { (t(lang, "web.acc.organisation")) }
                select id="org" name="org" {
                    @for m in orgs {
                        option value=(m.org.id) selected[selected == Some(m.org.id.as_str())] { (m.org.name) }
                    }
                }
            }
        }
    }
}
