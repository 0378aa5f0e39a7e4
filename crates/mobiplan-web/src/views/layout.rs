//! The page frame: header with navigation and the language switch, main content, footer.

use maud::{DOCTYPE, Markup, html};

use crate::handlers::assets::{css_path, js_path};
use crate::i18n::{Lang, t};
use crate::views::accounts::csrf_field;

pub struct Page<'a> {
    pub lang: Lang,
    pub title: String,
    /// The path of this page, for the language switch to come back to.
    pub path: &'a str,
    pub body: Markup,
}

pub fn page(p: Page<'_>) -> Markup {
    let lang = p.lang;
    let actor = crate::access::current_actor();
    html! {
        (DOCTYPE)
        html lang=(lang.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (p.title) " — mobiplan" }
                meta name="csrf-token" content=(crate::access::csrf_token());
                link rel="stylesheet" href=(css_path());
                script src=(js_path()) defer {}
            }
            body data-saving-text=(t(lang, "web.js.saving")) data-failed-text=(t(lang, "web.js.failed"))
                data-draft-text=(t(lang, "web.js.draft")) data-restore-text=(t(lang, "web.js.restore"))
                data-reload-text=(t(lang, "web.js.reload")) {
                a.skip href="#main" { (t(lang, "web.skip")) }
                header.top {
                    div.wrap {
                        a.brand href="/" { "mobiplan" }
                        nav aria-label=(t(lang, "web.nav")) {
                            a href="/" { (t(lang, "web.projects")) }
                            a href="/dashboard" { (t(lang, "dashboard.title")) }
                            a href="/rates" { (t(lang, "web.rates")) }
                            a href="/rulebooks" { (t(lang, "rulebooks.title")) }
                            @if let Some(a) = &actor {
                                a href="/account" { (a.user.email) }
                            }
                        }
                        @if actor.is_some() {
                            form.logout method="post" action="/logout" {
                                (csrf_field())
                                button type="submit" { (t(lang, "web.acc.logout")) }
                            }
                        }
                        form.lang method="post" action="/lang" {
                            (csrf_field())
                            input type="hidden" name="back" value=(p.path);
                            @for l in Lang::ALL {
                                @if l == lang {
                                    span aria-current="true" { (l.code().to_uppercase()) }
                                } @else {
                                    button type="submit" name="lang" value=(l.code())
                                        lang=(l.code()) { (l.code().to_uppercase()) }
                                }
                            }
                        }
                    }
                }
                main #main .wrap {
                    @if let Some(f) = crate::access::flash() {
                        div.notice.flash role="status" { (t(lang, &f.key())) }
                    }
                    (p.body)
                }
                footer.wrap {
                    p { (t(lang, "web.footer")) }
                    p.small { (t(lang, "web.attribution")) }
                }
            }
        }
    }
}

/// A link-styled back link.
pub fn back(href: &str, text: String) -> Markup {
    html! { a.back href=(href) { "← " (text) } }
}
