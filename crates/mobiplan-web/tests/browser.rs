//! Browser tests: the real router on 127.0.0.1:0 (fresh SQLite database) driven by headless
//! Chromium through chromedriver, the way a person uses mobiplan — clicking, typing, waiting
//! for the autosave script.
//!
//! Each test starts `chromedriver --port=<free port>` as a child process, opens one Chromium
//! session per browser it needs (with a fresh profile directory), and always closes them and
//! ends chromedriver, also when the story fails or times out. Without `chromium` or
//! `chromedriver` the tests say they were skipped and pass — except under CI, where they fail.
//!
//! Screenshots of key steps (and of the page at a failure) go to
//! `target/browser-artifacts/` in the workspace.

mod support;

use std::future::Future;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::error::CmdError;
use fantoccini::wd::TimeoutConfiguration;
use fantoccini::{Client, Locator};
use mobiplan_i18n::Lang;
use serde_json::{Value, json};
use support::{App, Backend, COURSE_FORM, spawn_app};

/// The longest one story may take, start of the browser included.
const STORY_TIMEOUT: Duration = Duration::from_secs(150);
/// The longest one step waits for the page (a navigation, an autosave, a panel update).
const WAIT: Duration = Duration::from_secs(15);
const POLL: Duration = Duration::from_millis(50);

const CHROMIUM: &str = "/usr/bin/chromium";

// WebDriver key codes: Control held until NULL, so `CTRL_A` selects the field's text and what
// is typed next replaces it.
const CTRL_A: &str = "\u{E009}a\u{E000}";
const BACKSPACE: &str = "\u{E003}";
const ESCAPE: &str = "\u{E00C}";

/// One browser story at a time: Chromium sessions side by side on a small machine only make
/// the timing-dependent parts (autosave, autocomplete) slower, never more meaningful.
static ONE_STORY_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

// ---------------------------------------------------------------------------------------------
// Harness: chromedriver, Chromium sessions, screenshots.
// ---------------------------------------------------------------------------------------------

struct Tools {
    chromium: PathBuf,
    chromedriver: PathBuf,
}

fn in_path(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH")
        .into_iter()
        .flat_map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
}

/// Chromium and chromedriver, or `None` after saying the tests were skipped. Under CI a
/// missing browser is a failure: nothing may be skipped silently there.
fn tools() -> Option<Tools> {
    let chromium = PathBuf::from(CHROMIUM);
    let chromedriver = in_path("chromedriver");
    let mut missing = Vec::new();
    if !chromium.is_file() {
        missing.push(CHROMIUM.to_owned());
    }
    if chromedriver.is_none() {
        missing.push("chromedriver".to_owned());
    }
    if missing.is_empty() {
        return Some(Tools {
            chromium,
            chromedriver: chromedriver.unwrap(),
        });
    }
    let what = missing.join(" and ");
    assert!(
        std::env::var_os("CI").is_none(),
        "CI must install the browser: {what} not installed \
         (apt-get install chromium chromium-driver)"
    );
    // Straight to stderr, not through `eprintln!`, which the test harness captures from
    // passing tests: a skip must be seen. Once per run.
    static SAID: std::sync::Once = std::sync::Once::new();
    SAID.call_once(|| {
        use std::io::Write;
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED browser tests: {what} not installed (apt-get install chromium chromium-driver)"
        );
    });
    None
}

/// Where screenshots and logs go: `target/browser-artifacts/` in the workspace.
fn artifacts() -> PathBuf {
    let dir = support::root().join("target/browser-artifacts");
    std::fs::create_dir_all(&dir).expect("create target/browser-artifacts");
    dir.canonicalize().unwrap_or(dir)
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// One chromedriver with one Chromium session.
struct Browser {
    driver: Child,
    client: Client,
    /// Chromium's profile directory, fresh for this browser; also how its processes are found
    /// if it outlives its session.
    profile: tempfile::TempDir,
}

impl Browser {
    async fn launch(tools: &Tools, name: &str, javascript: bool) -> Browser {
        let log_path = artifacts().join(format!("{name}-chromedriver.log"));
        // A free port can be taken between looking and binding: try a few.
        let mut attempt = 0;
        let (mut driver, port) = loop {
            attempt += 1;
            let port = free_port();
            let log = std::fs::File::create(&log_path).expect("chromedriver log file");
            let mut driver = Command::new(&tools.chromedriver)
                .arg(format!("--port={port}"))
                .stdin(Stdio::null())
                .stdout(log.try_clone().unwrap())
                .stderr(log)
                .spawn()
                .expect("chromedriver starts");
            if wait_for_driver(&mut driver, port).await {
                break (driver, port);
            }
            let _ = driver.kill();
            let _ = driver.wait();
            assert!(
                attempt < 3,
                "chromedriver did not start; see {}",
                log_path.display()
            );
        };

        let profile = tempfile::Builder::new()
            .prefix("mobiplan-chromium-")
            .tempdir()
            .expect("profile dir");
        let args = vec![
            "--headless".to_owned(),
            "--no-sandbox".to_owned(),
            "--disable-gpu".to_owned(),
            "--disable-quic".to_owned(),
            "--no-first-run".to_owned(),
            "--disable-background-networking".to_owned(),
            "--disable-component-update".to_owned(),
            "--disable-sync".to_owned(),
            format!("--user-data-dir={}", profile.path().display()),
            // The same page size and language whatever the machine's settings.
            "--window-size=1280,1400".to_owned(),
            "--lang=en-US".to_owned(),
        ];
        let mut prefs = json!({ "intl.accept_languages": "en-US,en" });
        if !javascript {
            prefs["profile.managed_default_content_settings.javascript"] = json!(2);
        }
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            json!({ "binary": tools.chromium, "args": args, "prefs": prefs }),
        );
        let mut builder = fantoccini::ClientBuilder::new(
            hyper_util::client::legacy::connect::HttpConnector::new(),
        );
        builder.capabilities(caps);
        let url = format!("http://127.0.0.1:{port}");
        let connect = builder.connect(&url);
        let client = match tokio::time::timeout(Duration::from_secs(60), connect).await {
            Ok(Ok(c)) => c,
            other => {
                let _ = driver.kill();
                let _ = driver.wait();
                kill_processes_using(profile.path());
                let why = match other {
                    Ok(Err(e)) => e.to_string(),
                    _ => "no answer in 60 s".to_owned(),
                };
                panic!("Chromium did not start ({why}); see {}", log_path.display());
            }
        };
        client
            .update_timeouts(TimeoutConfiguration::new(
                Some(Duration::from_secs(10)),
                Some(Duration::from_secs(20)),
                Some(Duration::ZERO),
            ))
            .await
            .expect("set WebDriver timeouts");
        Browser {
            driver,
            client,
            profile,
        }
    }

    /// Ends the session (Chromium quits), then chromedriver; whatever is left of this
    /// browser's processes is ended by id.
    async fn quit(mut self) {
        let _ = tokio::time::timeout(Duration::from_secs(10), self.client.clone().close()).await;
        self.end_processes();
    }

    fn end_processes(&mut self) {
        let _ = self.driver.kill();
        let _ = self.driver.wait();
        kill_processes_using(self.profile.path());
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // Reached without `quit` only when a story's setup failed.
        self.end_processes();
    }
}

/// Waits until chromedriver on `port` answers that it is ready; false if it exited.
async fn wait_for_driver(driver: &mut Child, port: u16) -> bool {
    let http = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        if driver.try_wait().ok().flatten().is_some() {
            return false;
        }
        let status = http
            .get(format!("http://127.0.0.1:{port}/status"))
            .timeout(Duration::from_secs(2))
            .send()
            .await;
        if let Ok(res) = status
            && let Ok(v) = res.json::<Value>().await
            && v["value"]["ready"] == true
        {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    false
}

/// Ends, by process id, the Chromium processes started with this profile directory (only
/// ever ours: the directory is a fresh temporary one).
fn kill_processes_using(profile: &Path) {
    let needle = format!("--user-data-dir={}", profile.display());
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return;
    };
    for entry in entries.flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|s| s.parse::<u32>().ok())
        else {
            continue;
        };
        let Ok(cmdline) = std::fs::read(entry.path().join("cmdline")) else {
            continue;
        };
        if String::from_utf8_lossy(&cmdline)
            .split('\0')
            .any(|arg| arg == needle)
        {
            let _ = Command::new("kill")
                .arg("-KILL")
                .arg(pid.to_string())
                .status();
        }
    }
}

/// Numbered screenshots of one story.
struct Shots {
    story: &'static str,
    n: std::sync::atomic::AtomicUsize,
}

impl Shots {
    fn new(story: &'static str) -> Shots {
        Shots {
            story,
            n: std::sync::atomic::AtomicUsize::new(0),
        }
    }

    async fn take(&self, c: &Client, step: &str) -> PathBuf {
        let n = self.n.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
        let path = artifacts().join(format!("{}-{n:02}-{step}.png", self.story));
        let png = must(c.screenshot().await, "screenshot");
        std::fs::write(&path, png).expect("write screenshot");
        eprintln!("screenshot: {}", path.display());
        path
    }
}

/// Runs a story with a fresh app and one browser per entry of `javascript` (true: scripts
/// on). The browsers are closed and chromedriver ended whatever happens; at a failure each
/// browser's page is kept as a screenshot and its HTML.
async fn with_browsers<F, Fut>(story: &'static str, javascript: &[bool], run: F)
where
    F: FnOnce(App, Vec<Client>) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let Some(tools) = tools() else { return };
    let _one = ONE_STORY_AT_A_TIME.lock().await;
    for i in 0..javascript.len() {
        for ext in ["png", "html"] {
            let _ = std::fs::remove_file(artifacts().join(format!("{story}-FAILED-{i}.{ext}")));
        }
    }
    let started = Instant::now();
    let app = spawn_app(Backend::Sqlite).await;
    let mut browsers = Vec::new();
    for (i, js) in javascript.iter().enumerate() {
        browsers.push(Browser::launch(&tools, &format!("{story}-{i}"), *js).await);
    }
    let clients: Vec<Client> = browsers.iter().map(|b| b.client.clone()).collect();
    for c in &clients {
        log_in(c, &app).await;
    }
    let outcome = tokio::spawn(tokio::time::timeout(STORY_TIMEOUT, run(app, clients))).await;
    let failed = !matches!(outcome, Ok(Ok(())));
    if failed {
        for (i, b) in browsers.iter().enumerate() {
            let dir = artifacts();
            if let Ok(Ok(png)) =
                tokio::time::timeout(Duration::from_secs(5), b.client.screenshot()).await
            {
                let _ = std::fs::write(dir.join(format!("{story}-FAILED-{i}.png")), png);
            }
            if let Ok(Ok(html)) =
                tokio::time::timeout(Duration::from_secs(5), b.client.source()).await
            {
                let _ = std::fs::write(dir.join(format!("{story}-FAILED-{i}.html")), html);
            }
            eprintln!(
                "{story}: the page at the failure is in {}",
                dir.join(format!("{story}-FAILED-{i}.png")).display()
            );
        }
    }
    for b in browsers {
        b.quit().await;
    }
    eprintln!("{story}: {:.1} s", started.elapsed().as_secs_f64());
    match outcome {
        Ok(Ok(())) => {}
        Ok(Err(_)) => panic!("{story}: did not finish within {STORY_TIMEOUT:?}"),
        Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
        Err(e) => panic!("{story}: {e}"),
    }
}

// ---------------------------------------------------------------------------------------------
// Steps: find, type, choose, wait.
// ---------------------------------------------------------------------------------------------

fn must<T>(r: Result<T, CmdError>, what: &str) -> T {
    r.unwrap_or_else(|e| panic!("{what}: {e}"))
}

/// Polls `probe` until it gives a value; fails naming `what` after `WAIT`.
async fn wait_until<T, P, Fut>(what: &str, mut probe: P) -> T
where
    P: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let deadline = Instant::now() + WAIT;
    loop {
        if let Some(v) = probe().await {
            return v;
        }
        assert!(
            Instant::now() < deadline,
            "waited {WAIT:?} for {what} in vain"
        );
        tokio::time::sleep(POLL).await;
    }
}

async fn js(c: &Client, script: &str, args: Vec<Value>) -> Value {
    must(c.execute(script, args).await, script)
}

async fn find(c: &Client, css: &str) -> Element {
    must(
        c.wait()
            .at_most(WAIT)
            .every(POLL)
            .for_element(Locator::Css(css))
            .await,
        css,
    )
}

/// Logs the browser in as the app's first owner, through the login form.
async fn log_in(c: &Client, app: &App) {
    must(c.goto(&app.url("/login")).await, "open the login page");
    type_text(c, "#email", support::OWNER).await;
    type_text(c, "#password", support::PASSWORD).await;
    click(c, "main form[action='/login'] button[type=submit]").await;
    wait_for_page(c, "the projects list after logging in", |p| p == "/").await;
}

async fn click(c: &Client, css: &str) {
    must(find(c, css).await.click().await, &format!("click {css}"));
}

async fn click_link(c: &Client, text: &str) {
    let link = must(
        c.wait()
            .at_most(WAIT)
            .every(POLL)
            .for_element(Locator::LinkText(text))
            .await,
        text,
    );
    must(link.click().await, &format!("click the link {text:?}"));
}

/// Replaces the field's text by typing, as a person does.
async fn type_text(c: &Client, css: &str, text: &str) {
    let keys = format!("{CTRL_A}{}", if text.is_empty() { BACKSPACE } else { text });
    must(
        find(c, css).await.send_keys(&keys).await,
        &format!("type into {css}"),
    );
}

/// Sets a date field. Typing into `<input type=date>` depends on the browser's locale, so the
/// value is set the way the date picker sets it, with the same events.
async fn set_date(c: &Client, css: &str, date: &str) {
    let script =
        "const e = document.querySelector(arguments[0]); e.focus(); e.value = arguments[1];
        e.dispatchEvent(new Event('input', {bubbles: true}));
        e.dispatchEvent(new Event('change', {bubbles: true}));
        return e.value;";
    let v = js(c, script, vec![json!(css), json!(date)]).await;
    assert_eq!(v, json!(date), "{css} takes the date");
}

async fn choose(c: &Client, css: &str, value: &str) {
    must(
        find(c, css).await.select_by_value(value).await,
        &format!("choose {value} in {css}"),
    );
}

async fn check(c: &Client, css: &str) {
    let el = find(c, css).await;
    if !must(el.is_selected().await, css) {
        must(el.click().await, &format!("tick {css}"));
    }
}

/// Types a town into a place field: the autocomplete offers places, and Escape closes the
/// list, keeping the town as typed.
async fn type_place(c: &Client, css: &str, town: &str) {
    type_text(c, css, town).await;
    let list = format!("{css}-suggestions");
    let list = list.as_str();
    let first: String = wait_until(
        &format!("place suggestions for {town}"),
        move || async move {
            let v = js(
                c,
                "const l = document.querySelector(arguments[0]);
             return l && !l.hidden && l.children.length > 0 ? l.children[0].textContent : null;",
                vec![json!(list)],
            )
            .await;
            v.as_str().map(str::to_owned)
        },
    )
    .await;
    assert!(!first.is_empty(), "a suggestion for {town} has a text");
    must(find(c, css).await.send_keys(ESCAPE).await, "Escape");
    wait_until("the suggestions to close", move || async move {
        js(
            c,
            "return document.querySelector(arguments[0]).hidden;",
            vec![json!(list)],
        )
        .await
        .as_bool()
        .filter(|h| *h)
    })
    .await;
    assert_eq!(
        must(find(c, css).await.prop("value").await, css).as_deref(),
        Some(town)
    );
}

/// A field of a form, by its input's CSS selector.
enum Fill<'a> {
    Text(&'a str, &'a str),
    Date(&'a str, &'a str),
    Select(&'a str, &'a str),
    Check(&'a str),
    Place(&'a str, &'a str),
}

async fn fill(c: &Client, fields: &[Fill<'_>]) {
    for f in fields {
        match f {
            Fill::Text(css, v) => type_text(c, css, v).await,
            Fill::Date(css, v) => set_date(c, css, v).await,
            Fill::Select(css, v) => choose(c, css, v).await,
            Fill::Check(css) => check(c, css).await,
            Fill::Place(css, v) => type_place(c, css, v).await,
        }
    }
}

/// The text of the first element matching `css`, if there is one.
async fn text(c: &Client, css: &str) -> Option<String> {
    js(
        c,
        "const e = document.querySelector(arguments[0]); return e ? e.textContent : null;",
        vec![json!(css)],
    )
    .await
    .as_str()
    .map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// The current value of a field.
async fn value_of(c: &Client, css: &str) -> String {
    must(find(c, css).await.prop("value").await, css).unwrap_or_default()
}

async fn heading(c: &Client) -> String {
    text(c, "main h1").await.unwrap_or_default()
}

async fn html_lang(c: &Client) -> String {
    must(find(c, "html").await.attr("lang").await, "html lang").unwrap_or_default()
}

async fn path(c: &Client) -> String {
    must(c.current_url().await, "current url").path().to_owned()
}

/// Waits until a loaded page's path satisfies `ok`; returns the path.
async fn wait_for_page(c: &Client, what: &str, ok: impl Fn(&str) -> bool) -> String {
    let ok = &ok;
    wait_until(what, move || async move {
        let p = path(c).await;
        let ready = js(c, "return document.readyState;", vec![]).await == "complete";
        (ready && ok(&p)).then_some(p)
    })
    .await
}

/// Waits until the element's text satisfies `ok`; returns the text.
async fn wait_for_text(c: &Client, css: &str, what: &str, ok: impl Fn(&str) -> bool) -> String {
    let ok = &ok;
    wait_until(
        what,
        move || async move { text(c, css).await.filter(|t| ok(t)) },
    )
    .await
}

/// The autosave status line of the page's autosaving form: (text, class).
async fn save_status(c: &Client) -> (String, String) {
    let v = js(
        c,
        "const s = document.querySelector('form[data-autosave] .save-status');
         return s ? [s.textContent, s.className] : null;",
        vec![],
    )
    .await;
    (
        v[0].as_str().unwrap_or_default().to_owned(),
        v[1].as_str().unwrap_or_default().to_owned(),
    )
}

/// Waits until the autosave says "Saved" (not saving, failed or in conflict).
async fn wait_saved(c: &Client, what: &str) {
    wait_until(what, move || async move {
        let (t, class) = save_status(c).await;
        (t.starts_with("Saved") && class == "save-status").then_some(())
    })
    .await;
}

/// Marks the current document, to tell later whether the page was reloaded (a form submit).
async fn mark_document(c: &Client) {
    js(c, "window.__mobiplanSamePage = true;", vec![]).await;
}

async fn same_document(c: &Client) -> bool {
    js(c, "return window.__mobiplanSamePage === true;", vec![]).await == true
}

/// Inputs, selects and text areas (not hidden ones) without a `<label for>` with text nor an
/// `aria-label`, described by name.
async fn unlabelled_inputs(c: &Client) -> Vec<String> {
    let v = js(
        c,
        "return Array.from(document.querySelectorAll('main input, main select, main textarea'))
            .filter(e => e.type !== 'hidden')
            .filter(e => {
                const label = e.id
                    ? document.querySelector('label[for=\"' + CSS.escape(e.id) + '\"]') : null;
                const labelled = label && label.textContent.trim() !== '';
                const aria = (e.getAttribute('aria-label') || '').trim() !== '';
                return !labelled && !aria;
            })
            .map(e => e.tagName.toLowerCase() + '[name=' + e.name + ']');",
        vec![],
    )
    .await;
    serde_json::from_value(v).unwrap()
}

/// Element ids used more than once on the page.
async fn duplicate_ids(c: &Client) -> Vec<String> {
    let v = js(
        c,
        "const seen = new Map();
         document.querySelectorAll('[id]').forEach(e => seen.set(e.id, (seen.get(e.id) || 0) + 1));
         return Array.from(seen).filter(([, n]) => n > 1).map(([id]) => id);",
        vec![],
    )
    .await;
    serde_json::from_value(v).unwrap()
}

/// Forms without an explicit `action` and `method`: they would not work without the script.
async fn forms_without_action_or_method(c: &Client) -> Vec<String> {
    let v = js(
        c,
        "return Array.from(document.forms)
            .filter(f => !f.getAttribute('action')
                || !['get', 'post'].includes((f.getAttribute('method') || '').toLowerCase()))
            .map(f => f.outerHTML.slice(0, 120));",
        vec![],
    )
    .await;
    serde_json::from_value(v).unwrap()
}

// ---------------------------------------------------------------------------------------------
// The plan used by the stories.
// ---------------------------------------------------------------------------------------------

const PROJECT_TITLE: &str = "Digital and outdoor learning";
const APPLICANT: &str = "Rīgas Ziemeļu vidusskola";

fn course_fields() -> Vec<Fill<'static>> {
    vec![
        Fill::Text("#title", "Digital tools for our teachers"),
        Fill::Date("#start", "2026-10-05"),
        Fill::Date("#end", "2026-10-09"),
        Fill::Text("#host_name", "Valencia Teacher Academy"),
        Fill::Select("#host_country", "ES"),
        Fill::Place("#host_town", "Valencia"),
        Fill::Text("#participants_count", "2"),
        Fill::Text("#travel_distance_km", "2630.47"),
        Fill::Select("#travel_means", "plane"),
        Fill::Text("#travel_days", "2"),
        Fill::Text("#course_provider", "Valencia Teacher Academy"),
        Fill::Text("#course_title", "Digital tools"),
        Fill::Check("#course_quality-information"),
        Fill::Check("#course_quality-pedagogy"),
        Fill::Check("#course_quality-european-dimension"),
        Fill::Check("#course_quality-quality-service"),
        Fill::Check("#course_quality-follow-up"),
    ]
}

fn job_shadowing_fields() -> Vec<Fill<'static>> {
    vec![
        Fill::Text("#title", "Job shadowing in Tartu"),
        Fill::Date("#start", "2026-11-09"),
        Fill::Date("#end", "2026-11-13"),
        Fill::Text("#host_name", "Tartu Kesklinna Kool"),
        Fill::Select("#host_country", "EE"),
        Fill::Place("#host_town", "Tartu"),
        Fill::Text("#participants_count", "1"),
        Fill::Text("#mentor", "Kadri Tamm"),
        Fill::Text("#travel_distance_km", "245.60"),
        Fill::Select("#travel_means", "bus"),
        Fill::Text("#travel_days", "2"),
    ]
}

fn group_exchange_fields() -> Vec<Fill<'static>> {
    vec![
        Fill::Text("#title", "Pupil exchange in Kraków"),
        Fill::Date("#start", "2027-03-08"),
        Fill::Date("#end", "2027-03-12"),
        Fill::Text("#host_name", "Szkoła Podstawowa nr 7"),
        Fill::Select("#host_country", "PL"),
        Fill::Place("#host_town", "Kraków"),
        Fill::Text("#participants_count", "12"),
        Fill::Text("#acc_0_count", "2"),
        Fill::Text("#acc_0_days", "5"),
        Fill::Text("#travel_distance_km", "905.30"),
        Fill::Select("#travel_means", "bus"),
        Fill::Text("#travel_days", "2"),
    ]
}

const JOB_SHADOWING_FORM: &[(&str, &str)] = &[
    ("kind", "job-shadowing"),
    ("title", "Job shadowing in Tartu"),
    ("start", "2026-11-09"),
    ("end", "2026-11-13"),
    ("host_name", "Tartu Kesklinna Kool"),
    ("host_country", "EE"),
    ("host_town", "Tartu"),
    ("participants_count", "1"),
    ("mentor", "Kadri Tamm"),
    ("travel_distance_km", "245.60"),
    ("travel_means", "bus"),
    ("travel_days", "2"),
];

const GROUP_EXCHANGE_FORM: &[(&str, &str)] = &[
    ("kind", "group-mobility"),
    ("title", "Pupil exchange in Kraków"),
    ("start", "2027-03-08"),
    ("end", "2027-03-12"),
    ("host_name", "Szkoła Podstawowa nr 7"),
    ("host_country", "PL"),
    ("host_town", "Kraków"),
    ("participants_count", "12"),
    ("acc_0_count", "2"),
    ("acc_0_days", "5"),
    ("travel_distance_km", "905.30"),
    ("travel_means", "bus"),
    ("travel_days", "2"),
];

/// From the project page: "Add an activity", choose the kind, fill the editor, save. Returns
/// the new activity's id (the editor the save leads to).
async fn add_activity_in_browser(
    c: &Client,
    project: &str,
    kind: &str,
    fields: &[Fill<'_>],
) -> String {
    click(
        c,
        &format!("a.add[href='/projects/{project}/activities/new']"),
    )
    .await;
    wait_for_page(c, "the choice of activity kind", |p| {
        p == format!("/projects/{project}/activities/new")
    })
    .await;
    click(c, &format!("label[for='kind-{kind}']")).await;
    click(c, "main form[method=get] button[type=submit]").await;
    wait_until(&format!("the {kind} editor"), move || async move {
        let url = must(c.current_url().await, "url");
        let ready = js(c, "return document.readyState;", vec![]).await == "complete";
        (ready && url.query() == Some(&format!("kind={kind}"))).then_some(())
    })
    .await;
    fill(c, fields).await;
    click(
        c,
        &format!("main form[action='/projects/{project}/activities'] button[type=submit]"),
    )
    .await;
    let prefix = format!("/projects/{project}/activities/");
    let p = wait_for_page(c, &format!("the saved {kind}"), |p| {
        p.starts_with(&prefix) && !p.ends_with("/new")
    })
    .await;
    p[prefix.len()..].to_owned()
}

async fn stored_activity(app: &App, project: &str, aid: &str) -> Value {
    let doc = app.document(project).await;
    doc["activities"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == aid)
        .cloned()
        .unwrap_or(Value::Null)
}

// ---------------------------------------------------------------------------------------------
// The stories.
// ---------------------------------------------------------------------------------------------

/// A new user plans a project with three activities, sees the budget as a range, sees a rule
/// finding come and go through autosave alone, and exports a file whose budget the core
/// computes to the same total as the page shows.
#[tokio::test]
async fn a_new_user_plans_a_project_and_the_exported_file_has_the_budget_the_page_shows() {
    with_browsers("story1-new-user", &[true], |app, browsers| async move {
        let c = &browsers[0];
        let shots = Shots::new("story1");

        must(c.goto(&app.url("/")).await, "open /");
        assert_eq!(heading(c).await, "Projects");
        assert_eq!(html_lang(c).await, "en");
        click_link(c, "New project").await;
        wait_for_page(c, "the new project form", |p| p == "/projects/new").await;
        fill(
            c,
            &[
                Fill::Text("#title", PROJECT_TITLE),
                Fill::Select("#field", "SCH"),
                Fill::Select("#call_year", "2026"),
                Fill::Date("#start", "2026-09-01"),
                Fill::Text("#duration_months", "12"),
                Fill::Date("#application_date", "2026-02-10"),
                Fill::Text("#applicant_name", APPLICANT),
                Fill::Select("#applicant_country", "LV"),
                Fill::Place("#applicant_town", "Rīga"),
            ],
        )
        .await;
        shots.take(c, "new-project-form").await;
        click(c, "main form[action='/projects'] button[type=submit]").await;
        let project_path = wait_for_page(c, "the new project's page", |p| {
            p.starts_with("/projects/") && p != "/projects/new" && p.matches('/').count() == 2
        })
        .await;
        let id = project_path.trim_start_matches("/projects/").to_owned();
        assert_eq!(heading(c).await, PROJECT_TITLE);
        assert!(
            text(c, "main p.lead")
                .await
                .unwrap_or_default()
                .contains(APPLICANT)
        );
        let doc = app.document(&id).await;
        assert_eq!(doc["project"]["field"], "SCH");
        assert_eq!(doc["project"]["call_year"], 2026);
        assert_eq!(doc["project"]["start"], "2026-09-01");
        assert_eq!(doc["project"]["duration_months"], 12);
        assert_eq!(doc["project"]["application_date"], "2026-02-10");
        assert_eq!(doc["applicant"]["name"], APPLICANT);
        assert_eq!(doc["applicant"]["country"], "LV");
        assert_eq!(doc["applicant"]["town"], "Rīga");

        // A course for two teachers.
        let course = add_activity_in_browser(c, &id, "course", &course_fields()).await;
        assert_eq!(heading(c).await, "Digital tools for our teachers");
        let stored = stored_activity(&app, &id, &course).await;
        assert_eq!(stored["kind"], "course", "{stored}");
        assert_eq!(stored["start"], "2026-10-05");
        assert_eq!(stored["end"], "2026-10-09");
        assert_eq!(stored["host"]["name"], "Valencia Teacher Academy");
        assert_eq!(stored["host"]["country"], "ES");
        assert_eq!(stored["host"]["town"], "Valencia");
        assert_eq!(stored["participants"]["count"], 2);
        assert_eq!(stored["travel"]["distance_km"], 2630.47);
        assert_eq!(stored["travel"]["means"], "plane");
        assert_eq!(stored["travel"]["days"], 2);
        assert_eq!(stored["course"]["provider"], "Valencia Teacher Academy");
        assert_eq!(stored["course"]["title"], "Digital tools");
        assert_eq!(
            stored["course"]["quality"].as_array().map(Vec::len),
            Some(5),
            "{stored}"
        );
        let findings = text(c, "#findings").await.unwrap_or_default();
        assert!(!findings.contains("C-MAX-PER-COURSE"), "{findings}");
        shots.take(c, "course-saved").await;

        // A job shadowing and a pupil group exchange.
        click(c, "main a.back").await;
        wait_for_page(c, "the project page", |p| p == project_path).await;
        let job = add_activity_in_browser(c, &id, "job-shadowing", &job_shadowing_fields()).await;
        assert_eq!(
            stored_activity(&app, &id, &job).await["mentor"],
            "Kadri Tamm"
        );
        click(c, "main a.back").await;
        wait_for_page(c, "the project page", |p| p == project_path).await;
        let group =
            add_activity_in_browser(c, &id, "group-mobility", &group_exchange_fields()).await;
        let stored = stored_activity(&app, &id, &group).await;
        assert_eq!(stored["participants"]["count"], 12, "{stored}");
        assert_eq!(stored["accompanying"][0]["count"], 2, "{stored}");
        click(c, "main a.back").await;
        wait_for_page(c, "the project page", |p| p == project_path).await;
        for title in [
            "Digital tools for our teachers",
            "Job shadowing in Tartu",
            "Pupil exchange in Kraków",
        ] {
            assert!(
                text(c, "#activities")
                    .await
                    .unwrap_or_default()
                    .contains(title),
                "the task list shows {title}"
            );
        }
        shots.take(c, "project-with-three-activities").await;

        // The budget: a range, without the agency's rates.
        click_link(c, "Budget, line by line").await;
        wait_for_page(c, "the budget page", |p| {
            p == format!("{project_path}/budget")
        })
        .await;
        let total = text(c, "main p.total strong")
            .await
            .expect("the budget page shows a total");
        assert!(
            total.contains(" – ") && total.ends_with(" EUR"),
            "the total is a range: {total}"
        );
        shots.take(c, "budget-range").await;

        // Four persons on the course: the findings panel shows C-MAX-PER-COURSE after the
        // autosave, without the form being submitted.
        click(c, "main a.back").await;
        wait_for_page(c, "the project page", |p| p == project_path).await;
        click(
            c,
            &format!("#activities a[href='/projects/{id}/activities/{course}']"),
        )
        .await;
        let editor = format!("/projects/{id}/activities/{course}");
        wait_for_page(c, "the course editor", |p| p == editor).await;
        mark_document(c).await;
        type_text(c, "#participants_count", "4").await;
        wait_for_text(
            c,
            "#findings",
            "C-MAX-PER-COURSE in the findings panel",
            |t| t.contains("C-MAX-PER-COURSE"),
        )
        .await;
        wait_saved(c, "the autosave of 4 participants").await;
        assert!(
            same_document(c).await,
            "the page was not reloaded: no submit"
        );
        assert_eq!(path(c).await, editor);
        assert_eq!(
            stored_activity(&app, &id, &course).await["participants"]["count"],
            4
        );
        shots.take(c, "autosave-c-max-per-course").await;

        type_text(c, "#participants_count", "3").await;
        wait_for_text(
            c,
            "#findings",
            "C-MAX-PER-COURSE to leave the findings panel",
            |t| !t.contains("C-MAX-PER-COURSE"),
        )
        .await;
        wait_saved(c, "the autosave of 3 participants").await;
        assert!(
            same_document(c).await,
            "the page was not reloaded: no submit"
        );
        assert_eq!(
            stored_activity(&app, &id, &course).await["participants"]["count"],
            3
        );
        shots.take(c, "autosave-fixed").await;

        // The exported file: the core computes the total the pages show.
        click(c, "main a.back").await;
        wait_for_page(c, "the project page", |p| p == project_path).await;
        let href = must(
            find(c, "a[href$='/export.toml']").await.prop("href").await,
            "export href",
        )
        .expect("href");
        let cookies = must(c.get_all_cookies().await, "cookies")
            .iter()
            .map(|k| format!("{}={}", k.name(), k.value()))
            .collect::<Vec<_>>()
            .join("; ");
        let mut req = app.client.get(href.as_str());
        if !cookies.is_empty() {
            req = req.header("cookie", cookies);
        }
        let res = req.send().await.unwrap();
        assert_eq!(res.status(), 200, "GET {href}");
        let disposition = res.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(
            disposition.starts_with("attachment;") && disposition.contains(".toml"),
            "{disposition}"
        );
        let toml = res.text().await.unwrap();
        let project = mobiplan_core::Project::from_toml(&toml).expect("the export reads back");
        let rulebook = mobiplan_core::Rulebook::embedded(2026).unwrap();
        let budget = mobiplan_core::budget(&project, &rulebook, None);
        assert_eq!(project.activities.len(), 3);
        assert!(
            !budget.total.is_exact(),
            "without agency rates the total is a range"
        );
        let expected = format!("{} EUR", mobiplan_i18n::amount(budget.total, Lang::En));
        let on_project_page = text(c, "#main li.task span.meta strong")
            .await
            .expect("the project page shows the total");
        assert_eq!(
            on_project_page, expected,
            "the project page's total is the core's"
        );
        click_link(c, "Budget, line by line").await;
        wait_for_page(c, "the budget page", |p| {
            p == format!("{project_path}/budget")
        })
        .await;
        let total = text(c, "main p.total strong")
            .await
            .expect("the budget page shows a total");
        assert_eq!(total, expected, "the budget page's total is the core's");
        assert_eq!(
            app.evaluation(&id).await["budget"]["total"],
            json!(budget.total)
        );
    })
    .await;
}

/// The value of an input as the page shows it now.
async fn shown(c: &Client, css: &str) -> String {
    must(find(c, css).await.prop("value").await, css).unwrap_or_default()
}

/// Two tabs on the same activity, with the script. A changes the title, B the number of
/// participants: both kept, and B's form takes A's title. Then both change the number: the
/// later one sees the field named with both values and chooses — "Keep theirs" once, "Use
/// mine" once — and nothing else of anyone's is undone.
#[tokio::test]
async fn two_tabs_keep_both_changes_and_choose_per_field_on_a_conflict() {
    with_browsers("story2-two-tabs", &[true], |app, browsers| async move {
        let c = &browsers[0];
        let shots = Shots::new("story2");
        let id = app.create_project(APPLICANT, "SCH").await;
        let aid = app.add_activity(&id, COURSE_FORM).await;
        let editor = app.url(&format!("/projects/{id}/activities/{aid}"));

        must(c.goto(&editor).await, "open the editor in tab A");
        let tab_a = must(c.window().await, "tab A");
        let tab_b = must(c.new_window(true).await, "open tab B").handle;
        must(c.switch_to_window(tab_b.clone()).await, "to tab B");
        must(c.goto(&editor).await, "open the editor in tab B");
        wait_for_text(c, "main h1", "tab B's editor", |t| t == "Digital tools").await;

        // A changes the title; B, on the version before, the number of participants.
        must(c.switch_to_window(tab_a.clone()).await, "to tab A");
        type_text(c, "#title", "Title from tab A").await;
        wait_saved(c, "tab A's autosave").await;
        must(c.switch_to_window(tab_b.clone()).await, "to tab B");
        type_text(c, "#participants_count", "3").await;
        wait_saved(c, "tab B's autosave, merged").await;
        let stored = stored_activity(&app, &id, &aid).await;
        assert_eq!(stored["title"], "Title from tab A", "A's change is kept");
        assert_eq!(stored["participants"]["count"], 3, "B's change is kept");
        assert_eq!(
            shown(c, "#title").await,
            "Title from tab A",
            "B's form shows A's title"
        );
        shots.take(c, "tab-b-merged").await;

        // Both change the number: A (one version behind) meets the conflict.
        must(c.switch_to_window(tab_a.clone()).await, "to tab A");
        type_text(c, "#participants_count", "4").await;
        let panel = wait_for_text(c, ".conflict-panel", "the conflict in tab A", |t| {
            !t.is_empty()
        })
        .await;
        assert!(panel.contains("Number"), "the field is named: {panel}");
        assert!(
            panel.contains('3') && panel.contains('4'),
            "both values: {panel}"
        );
        assert_eq!(
            stored_activity(&app, &id, &aid).await["participants"]["count"],
            3
        );
        shots.take(c, "tab-a-conflict").await;
        click(c, ".conflict-panel input[value=theirs]").await;
        click(c, ".conflict-panel button[type=submit]").await;
        wait_saved(c, "tab A keeps theirs").await;
        assert!(
            text(c, ".conflict-panel").await.is_none(),
            "the choice is gone once saved"
        );
        assert_eq!(
            stored_activity(&app, &id, &aid).await["participants"]["count"],
            3
        );
        assert_eq!(
            shown(c, "#participants_count").await,
            "3",
            "A's form shows the kept value"
        );

        // Again, and now B (behind A's last save) uses its own value.
        type_text(c, "#participants_count", "5").await;
        wait_until("tab A's number stored", || async {
            (stored_activity(&app, &id, &aid).await["participants"]["count"] == 5).then_some(())
        })
        .await;
        must(c.switch_to_window(tab_b.clone()).await, "to tab B");
        type_text(c, "#participants_count", "6").await;
        wait_for_text(c, ".conflict-panel", "the conflict in tab B", |t| {
            !t.is_empty()
        })
        .await;
        click(c, ".conflict-panel input[value=mine]").await;
        click(c, ".conflict-panel button[type=submit]").await;
        wait_saved(c, "tab B uses its own").await;
        let stored = stored_activity(&app, &id, &aid).await;
        assert_eq!(stored["participants"]["count"], 6);
        assert_eq!(
            stored["title"], "Title from tab A",
            "nothing else was undone"
        );
        shots.take(c, "tab-b-mine").await;

        // "Discard my changes and load the saved version", then the kept draft restored: the
        // draft's changes are merged from the version it was made on, so A's newer changes
        // to other fields are not undone by it.
        must(c.switch_to_window(tab_a.clone()).await, "to tab A");
        must(c.goto(&editor).await, "tab A opens the editor again");
        type_text(c, "#participants_count", "10").await;
        type_text(c, "#title", "Title A2").await;
        wait_until("tab A's number and title stored", || async {
            let a = stored_activity(&app, &id, &aid).await;
            (a["participants"]["count"] == 10 && a["title"] == "Title A2").then_some(())
        })
        .await;
        must(c.switch_to_window(tab_b.clone()).await, "to tab B");
        type_text(c, "#title", "Title B2").await;
        wait_for_text(c, ".conflict-panel", "the title conflict in tab B", |t| {
            !t.is_empty()
        })
        .await;
        click_link(c, "Discard my changes and load the saved version").await;
        let restore = wait_until("the kept draft offered after the reload", || async {
            let buttons = c.find_all(Locator::Css(".notice button")).await.ok()?;
            for b in buttons {
                if b.text().await.ok()? == "Restore them" {
                    return Some(b);
                }
            }
            None
        })
        .await;
        must(restore.click().await, "Restore them");
        wait_for_text(c, ".conflict-panel", "the title conflict again", |t| {
            t.contains("Title A2")
        })
        .await;
        click(c, ".conflict-panel input[value=theirs]").await;
        click(c, ".conflict-panel button[type=submit]").await;
        wait_saved(c, "tab B after the restored draft").await;
        let stored = stored_activity(&app, &id, &aid).await;
        assert_eq!(stored["title"], "Title A2");
        assert_eq!(
            stored["participants"]["count"], 10,
            "the draft did not undo A's number"
        );
    })
    .await;
}

/// The same without the script: the second window's save shows the form again with its
/// values and the choice for the one field both changed; choosing saves, keeping the other
/// window's title.
#[tokio::test]
async fn two_windows_without_javascript_choose_per_field() {
    with_browsers(
        "story2b-no-js",
        &[false, false],
        |app, browsers| async move {
            let (w1, w2) = (&browsers[0], &browsers[1]);
            let id = app.create_project(APPLICANT, "SCH").await;
            let aid = app.add_activity(&id, COURSE_FORM).await;
            let editor = app.url(&format!("/projects/{id}/activities/{aid}"));
            must(w1.goto(&editor).await, "window 1 opens the editor");
            must(w2.goto(&editor).await, "window 2 opens the editor");

            type_text(w1, "#title", "Title from window 1").await;
            type_text(w1, "#participants_count", "7").await;
            mark_document(w1).await;
            click(w1, "form[data-autosave] button[type=submit]").await;
            wait_until("window 1's page after saving", || async {
                (!same_document(w1).await).then_some(())
            })
            .await;
            wait_for_page(w1, "window 1 saved", |p| p.ends_with(&aid)).await;
            assert_eq!(
                stored_activity(&app, &id, &aid).await["participants"]["count"],
                7
            );

            type_text(w2, "#participants_count", "8").await;
            click(w2, "form[data-autosave] button[type=submit]").await;
            let panel = wait_for_text(w2, ".conflict-panel", "the conflict in window 2", |t| {
                !t.is_empty()
            })
            .await;
            assert!(panel.contains('7') && panel.contains('8'), "{panel}");
            assert_eq!(
                shown(w2, "#participants_count").await,
                "8",
                "window 2 keeps its value"
            );
            assert_eq!(
                stored_activity(&app, &id, &aid).await["participants"]["count"],
                7
            );
            click(w2, ".conflict-panel input[value=mine]").await;
            mark_document(w2).await;
            click(w2, ".conflict-panel button[type=submit]").await;
            wait_until("window 2's page after choosing", || async {
                (!same_document(w2).await).then_some(())
            })
            .await;
            wait_for_page(w2, "saved after choosing", |p| p.ends_with(&aid)).await;
            assert!(text(w2, ".conflict-panel").await.is_none());
            let stored = stored_activity(&app, &id, &aid).await;
            assert_eq!(stored["participants"]["count"], 8);
            assert_eq!(stored["title"], "Title from window 1");
        },
    )
    .await;
}

/// The language switch: Latvian at a click, and still Latvian on the next page.
#[tokio::test]
async fn the_language_switch_turns_the_pages_latvian_and_they_stay_latvian() {
    with_browsers("story3-language", &[true], |app, browsers| async move {
        let c = &browsers[0];
        let shots = Shots::new("story3");
        let id = app.create_project(APPLICANT, "SCH").await;

        must(c.goto(&app.url("/")).await, "open /");
        assert_eq!(heading(c).await, "Projects");
        click(c, "header form.lang button[value=lv]").await;
        wait_for_text(c, "main h1", "the Latvian projects list", |t| {
            t == "Projekti"
        })
        .await;
        assert_eq!(html_lang(c).await, "lv");
        assert_eq!(
            text(c, "header form.lang [aria-current]").await.as_deref(),
            Some("LV")
        );
        shots.take(c, "projects-lv").await;

        click_link(c, "Jauns projekts").await;
        wait_for_page(c, "the new project form", |p| p == "/projects/new").await;
        assert_eq!(heading(c).await, "Jauns projekts");
        assert_eq!(html_lang(c).await, "lv");
        must(
            c.goto(&app.url(&format!("/projects/{id}"))).await,
            "open the project",
        );
        assert_eq!(html_lang(c).await, "lv");
        assert!(
            text(c, "#activities")
                .await
                .unwrap_or_default()
                .contains("Pievienot aktivitāti")
        );

        // And back to English, on the page where the switch was used.
        click(c, "header form.lang button[value=en]").await;
        wait_for_text(c, "#activities", "the English project page", |t| {
            t.contains("Add an activity")
        })
        .await;
        assert_eq!(html_lang(c).await, "en");
        assert_eq!(path(c).await, format!("/projects/{id}"));
    })
    .await;
}

/// Accessibility and life without JavaScript: every field of every editor is labelled, every
/// form posts somewhere by itself, an empty required field brings the error summary (which
/// takes the focus), and with scripts off a plain submit saves and shows the findings.
#[tokio::test]
async fn fields_are_labelled_errors_are_summarised_and_forms_work_without_javascript() {
    with_browsers(
        "story4-accessible-no-js",
        &[true, false],
        |app, browsers| async move {
            let (c, nojs) = (&browsers[0], &browsers[1]);
            let shots = Shots::new("story4");
            let id = app.create_project(APPLICANT, "SCH").await;
            let course = app.add_activity(&id, COURSE_FORM).await;
            let job = app.add_activity(&id, JOB_SHADOWING_FORM).await;
            let group = app.add_activity(&id, GROUP_EXCHANGE_FORM).await;
            let people_form = [
                ("version".to_owned(), app.version(&id).await.to_string()),
                ("new_0_name".to_owned(), "Anna Bērziņa".to_owned()),
                ("new_0_role".to_owned(), "staff".to_owned()),
            ];
            let res = app
                .post_form(&format!("/projects/{id}/people"), &people_form)
                .await;
            assert_eq!(res.status(), 303, "{}", res.text().await.unwrap());

            // Every input of every editor has a label or an aria-label; every form has its own
            // action and method.
            let mut pages = vec![
                "/".to_owned(),
                format!("/projects/{id}/activities/{course}"),
                format!("/projects/{id}/activities/{job}"),
                format!("/projects/{id}/activities/{group}"),
                "/projects/new".to_owned(),
                format!("/projects/{id}"),
                format!("/projects/{id}/details"),
                format!("/projects/{id}/people"),
                format!("/projects/{id}/visits/new"),
                format!("/projects/{id}/application/background"),
                format!("/projects/{id}/application/follow-up"),
                format!("/projects/{id}/application/summary"),
                format!("/projects/{id}/application/objectives/new"),
                format!("/projects/{id}/application/assessment"),
            ];
            for kind in [
                "course",
                "job-shadowing",
                "group-mobility",
                "teaching-assignment",
            ] {
                pages.push(format!("/projects/{id}/activities/new?kind={kind}"));
            }
            let mut problems = Vec::new();
            for page in &pages {
                must(c.goto(&app.url(page)).await, page);
                find(c, "main h1").await;
                for input in unlabelled_inputs(c).await {
                    problems.push(format!(
                        "{page}: {input} has neither <label for> nor aria-label"
                    ));
                }
                for dup in duplicate_ids(c).await {
                    problems.push(format!("{page}: the id {dup:?} is used more than once"));
                }
                for form in forms_without_action_or_method(c).await {
                    problems.push(format!("{page}: a form without action or method: {form}"));
                }
            }
            assert!(
                problems.is_empty(),
                "accessibility problems:\n{}",
                problems.join("\n")
            );

            // An empty required field: the error summary appears, takes the focus and links to
            // the field; what was typed is kept.
            let new_course = app.url(&format!("/projects/{id}/activities/new?kind=course"));
            must(c.goto(&new_course).await, "new course");
            // Another course (a second one of the same provider and title would share the first
            // one's C-MAX-PER-COURSE count), with its start date left empty.
            let without_start: Vec<Fill<'_>> = course_fields()
                .into_iter()
                .filter(|f| !matches!(f, Fill::Date("#start", _)))
                .map(|f| match f {
                    Fill::Text("#course_title", _) => {
                        Fill::Text("#course_title", "Outdoor learning")
                    }
                    f => f,
                })
                .collect();
            fill(c, &without_start).await;
            let save = format!("main form[action='/projects/{id}/activities'] button[type=submit]");
            click(c, &save).await;
            find(c, ".error-summary").await;
            wait_until("the error summary to have the focus", move || async move {
                let script =
                    "return document.activeElement === document.querySelector('.error-summary');";
                (js(c, script, vec![]).await == true).then_some(())
            })
            .await;
            let summary = text(c, ".error-summary").await.unwrap_or_default();
            assert!(summary.contains("There is a problem"), "{summary}");
            find(c, ".error-summary a[href='#start']").await;
            let marked = "return document.getElementById('start').closest('.field')
            .classList.contains('has-error');";
            assert_eq!(
                js(c, marked, vec![]).await,
                true,
                "the start field is marked"
            );
            let host = must(find(c, "#host_name").await.prop("value").await, "host");
            assert_eq!(
                host.as_deref(),
                Some("Valencia Teacher Academy"),
                "typed values are kept"
            );
            let stored = app.document(&id).await["activities"]
                .as_array()
                .unwrap()
                .len();
            assert_eq!(stored, 3, "nothing was saved");
            shots.take(c, "error-summary-focused").await;
            click(c, ".error-summary a[href='#start']").await;
            assert_eq!(must(c.current_url().await, "url").fragment(), Some("start"));
            set_date(c, "#start", "2026-10-05").await;
            click(c, &save).await;
            let prefix = format!("/projects/{id}/activities/");
            wait_for_page(c, "the new course's editor", |p| {
                p.starts_with(&prefix) && !p.ends_with("/new")
            })
            .await;
            assert_eq!(
                app.document(&id).await["activities"]
                    .as_array()
                    .unwrap()
                    .len(),
                4
            );

            // Scripts off: the editor is a plain form that posts, redirects and shows the result.
            let editor = format!("/projects/{id}/activities/{course}");
            must(
                nojs.goto(&app.url(&editor)).await,
                "the editor without JavaScript",
            );
            assert_eq!(
                must(find(nojs, "#host_town").await.attr("role").await, "role"),
                None,
                "scripts are really off (the autocomplete did not set up)"
            );
            type_text(nojs, "#participants_count", "4").await;
            let count = stored_activity(&app, &id, &course).await["participants"]["count"].clone();
            assert_eq!(count, 2, "no autosave without scripts");
            click(nojs, "form[data-autosave] button[type=submit]").await;
            wait_for_text(
                nojs,
                "#findings",
                "C-MAX-PER-COURSE after the plain submit",
                |t| t.contains("C-MAX-PER-COURSE"),
            )
            .await;
            assert_eq!(
                path(nojs).await,
                editor,
                "the post redirected back to the editor"
            );
            assert_eq!(
                stored_activity(&app, &id, &course).await["participants"]["count"],
                4
            );
            assert_eq!(value_of(nojs, "#participants_count").await, "4");
            shots.take(nojs, "no-js-saved-with-finding").await;

            // Scripts off, an empty required field: the error summary is there too.
            must(
                nojs.goto(&app.url("/projects/new")).await,
                "new project without JavaScript",
            );
            click(nojs, "main form[action='/projects'] button[type=submit]").await;
            let summary = wait_for_text(nojs, ".error-summary", "the error summary", |t| {
                !t.is_empty()
            })
            .await;
            assert!(summary.contains("There is a problem"), "{summary}");
            find(nojs, ".error-summary a[href='#title']").await;
            shots.take(nojs, "no-js-error-summary").await;
        },
    )
    .await;
}

// ---------------------------------------------------------------------------------------------
// Bugs found by the stories above, fixed since; each test states the right behaviour.
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn bug_an_empty_required_date_comes_back_empty_not_as_1970() {
    with_browsers("bug-1970", &[true], |app, browsers| async move {
        let c = &browsers[0];
        must(c.goto(&app.url("/projects/new")).await, "new project");
        click(c, "main form[action='/projects'] button[type=submit]").await;
        find(c, ".error-summary a[href='#start']").await;
        assert_eq!(
            value_of(c, "#start").await,
            "",
            "the project's start date was left empty"
        );

        let id = app.create_project(APPLICANT, "SCH").await;
        let new_course = app.url(&format!("/projects/{id}/activities/new?kind=course"));
        must(c.goto(&new_course).await, "new course");
        let without_start: Vec<Fill<'_>> = course_fields()
            .into_iter()
            .filter(|f| !matches!(f, Fill::Date("#start", _)))
            .collect();
        fill(c, &without_start).await;
        let save = format!("main form[action='/projects/{id}/activities'] button[type=submit]");
        click(c, &save).await;
        find(c, ".error-summary a[href='#start']").await;
        assert_eq!(
            value_of(c, "#start").await,
            "",
            "the course's start date was left empty"
        );
    })
    .await;
}

#[tokio::test]
async fn bug_the_new_project_form_keeps_its_shape_after_an_error() {
    with_browsers(
        "bug-new-project-shape",
        &[true],
        |app, browsers| async move {
            let c = &browsers[0];
            let shape = "return [
            document.querySelector('main form[action=\"/projects\"] button[type=submit]')
                .textContent,
            document.querySelectorAll('main input[name=accreditations]').length,
            document.querySelectorAll('main a.back').length];";
            must(c.goto(&app.url("/projects/new")).await, "new project");
            let before = js(c, shape, vec![]).await;
            assert_eq!(before, json!(["Create project", 0, 1]));
            click(c, "main form[action='/projects'] button[type=submit]").await;
            find(c, ".error-summary").await;
            assert_eq!(
                js(c, shape, vec![]).await,
                before,
                "the form after an error is the same form"
            );
        },
    )
    .await;
}

#[tokio::test]
async fn bug_the_editors_budget_follows_the_autosave() {
    with_browsers("bug-editor-budget", &[true], |app, browsers| async move {
        let c = &browsers[0];
        let id = app.create_project(APPLICANT, "SCH").await;
        let aid = app.add_activity(&id, COURSE_FORM).await;
        must(
            c.goto(&app.url(&format!("/projects/{id}/activities/{aid}")))
                .await,
            "editor",
        );
        assert!(
            text(c, "#budget")
                .await
                .unwrap_or_default()
                .contains("travellers: 2")
        );
        type_text(c, "#participants_count", "3").await;
        wait_saved(c, "the autosave of 3 participants").await;
        assert_eq!(
            stored_activity(&app, &id, &aid).await["participants"]["count"],
            3
        );
        wait_for_text(
            c,
            "#budget",
            "the budget panel to count 3 travellers",
            |t| t.contains("travellers: 3"),
        )
        .await;
    })
    .await;
}

#[tokio::test]
async fn bug_place_suggestions_stay_closed_after_leaving_the_field() {
    with_browsers(
        "bug-late-suggestions",
        &[true],
        |app, browsers| async move {
            let c = &browsers[0];
            let id = app.create_project(APPLICANT, "SCH").await;
            let aid = app.add_activity(&id, COURSE_FORM).await;
            must(
                c.goto(&app.url(&format!("/projects/{id}/activities/{aid}")))
                    .await,
                "editor",
            );
            // Type a town and leave the field at once with Tab, as keyboard users do.
            let keys = format!("{CTRL_A}Valencia\u{E004}");
            must(
                find(c, "#host_town").await.send_keys(&keys).await,
                "type and Tab",
            );
            wait_until("the place search to answer", move || async move {
                let script = "return performance.getEntriesByType('resource')
                .some(e => e.name.includes('/api/places'));";
                (js(c, script, vec![]).await == true).then_some(())
            })
            .await;
            // Let the page handle the answer (its callbacks run within a few milliseconds).
            let settled = "const done = arguments[0]; setTimeout(() => done(true), 300);";
            must(c.execute_async(settled, vec![]).await, "settle");
            let state = js(
                c,
                "const l = document.getElementById('host_town-suggestions');
             return [l.hidden, document.activeElement.id];",
                vec![],
            )
            .await;
            assert_eq!(
                state,
                json!([true, "host_lat"]),
                "the list stays closed: the field was left"
            );
        },
    )
    .await;
}

#[tokio::test]
async fn bug_aria_describedby_names_only_existing_elements() {
    with_browsers("bug-describedby", &[true], |app, browsers| async move {
        let c = &browsers[0];
        let id = app.create_project(APPLICANT, "SCH").await;
        let aid = app.add_activity(&id, COURSE_FORM).await;
        let missing =
            "return Array.from(document.querySelectorAll('[aria-describedby]')).flatMap(e =>
                e.getAttribute('aria-describedby').split(/\\s+/)
                 .filter(x => x && !document.getElementById(x)).map(x => e.id + ' -> #' + x));";
        for page in [
            format!("/projects/{id}/activities/{aid}"),
            format!("/projects/{id}/details"),
            format!("/projects/{id}/people"),
            format!("/projects/{id}/activities/new?kind=group-mobility"),
            format!("/projects/{id}/application/background"),
            format!("/projects/{id}/application/summary"),
            format!("/projects/{id}/application/objectives/new"),
        ] {
            must(c.goto(&app.url(&page)).await, &page);
            assert_eq!(
                js(c, missing, vec![]).await,
                json!([]),
                "{page}: aria-describedby names missing elements"
            );
        }
        // With errors on the page, too: the new-project form sent empty.
        must(c.goto(&app.url("/projects/new")).await, "new project");
        click(c, "main form[action='/projects'] button[type=submit]").await;
        find(c, ".error-summary").await;
        assert_eq!(
            js(c, missing, vec![]).await,
            json!([]),
            "new project with errors: aria-describedby names missing elements"
        );
    })
    .await;
}

/// An error page with the script running (the form was sent before the script could take it):
/// once the autosave has saved the fixed form, the old error summary and messages are gone
/// and aria-describedby names nothing that left with them.
#[tokio::test]
async fn errors_shown_by_the_server_go_once_the_autosave_saved_the_fix() {
    with_browsers("fixed-errors-go", &[true], |app, browsers| async move {
        let c = &browsers[0];
        let id = app.create_project(APPLICANT, "SCH").await;
        let details = format!("/projects/{id}/details");
        must(c.goto(&app.url(&details)).await, "details");
        // The form's own submit() bypasses the script, as a send before it loaded does.
        js(
            c,
            "const f = document.querySelector('main form[data-autosave]');
             f.querySelector('#title').value = '';
             HTMLFormElement.prototype.submit.call(f);",
            vec![],
        )
        .await;
        find(c, ".error-summary a[href='#title']").await;
        find(c, "#title-error").await;
        assert_eq!(
            js(
                c,
                "return document.getElementById('title').getAttribute('aria-describedby');",
                vec![]
            )
            .await,
            "title-error"
        );
        type_text(c, "#title", "Learning in Europe").await;
        wait_saved(c, "the autosave of the fixed title").await;
        let left = js(
            c,
            "return [document.querySelectorAll('.error-summary, .error-message, .has-error').length,
                     document.getElementById('title').getAttribute('aria-describedby')];",
            vec![],
        )
        .await;
        assert_eq!(left, json!([0, null]), "nothing of the old errors is left");
        assert_eq!(
            app.document(&id).await["project"]["title"],
            "Learning in Europe"
        );
    })
    .await;
}

/// After the grant, as a coordinator does it in the browser: record the awarded grant,
/// confirm the course (completion is not even offered before), cancel the group exchange,
/// complete the course with its evidence, and read awarded against reported, the evidence
/// progress and the dashboard.
#[tokio::test]
async fn a_coordinator_records_the_grant_and_takes_mobilities_to_completion() {
    with_browsers("story-tracking", &[true], |app, browsers| async move {
        let c = &browsers[0];
        let shots = Shots::new("story-tracking");
        let (id, _) = app.import_example("sch-riga-school.toml").await;
        let page = app.url(&format!("/projects/{id}/implementation"));
        must(
            c.goto(&app.url(&format!("/projects/{id}"))).await,
            "open the project",
        );
        click_link(c, "Implementation").await;
        wait_for_page(c, "the implementation page", |p| {
            p.ends_with("/implementation")
        })
        .await;
        assert_eq!(unlabelled_inputs(c).await, Vec::<String>::new());
        fill(
            c,
            &[
                Fill::Text("#awarded_travel", "6500"),
                Fill::Text("#awarded_individual-support", "9800,50"),
                Fill::Text("#awarded_organisational-support", "1550"),
            ],
        )
        .await;
        shots.take(c, "awarded-form").await;
        click(
            c,
            "form[action$='/implementation/awarded'] button[type=submit]",
        )
        .await;
        wait_for_text(
            c,
            "#implementation-budget tfoot",
            "the awarded total",
            |t| t.contains("17,850.50"),
        )
        .await;

        let course = "Courses and training: Digital tools for the inclusive classroom";
        click_link(c, course).await;
        wait_for_text(c, "main h1", "the course's record form", |t| t == course).await;
        assert_eq!(unlabelled_inputs(c).await, Vec::<String>::new());
        let offered = js(
            c,
            "return Array.from(document.querySelectorAll('#status option')).map(o => o.value);",
            vec![],
        )
        .await;
        assert_eq!(offered, json!(["planned", "confirmed", "cancelled"]));
        choose(c, "#status", "confirmed").await;
        click(c, "main form button[type=submit]").await;
        wait_for_text(
            c,
            "#activity-course-valencia",
            "the course confirmed",
            |t| t.contains("confirmed"),
        )
        .await;

        must(
            c.goto(&format!("{page}/activities/group-porto")).await,
            "open the group exchange",
        );
        choose(c, "#status", "cancelled").await;
        click(c, "main form button[type=submit]").await;
        wait_for_text(c, "#activity-group-porto", "the group cancelled", |t| {
            t.contains("cancelled")
        })
        .await;

        click_link(c, course).await;
        wait_for_text(c, "main h1", "the course's record form again", |t| {
            t == course
        })
        .await;
        choose(c, "#status", "completed").await;
        for doc in [
            "programme",
            "attendance-certificate",
            "travel-tickets",
            "participant-report",
            "course-certificate",
        ] {
            type_text(c, &format!("#evidence_{doc}"), "2").await;
        }
        shots.take(c, "record-form").await;
        click(c, "main form button[type=submit]").await;
        wait_for_text(c, "main", "the report after completion", |t| {
            t.contains("Activities: 1 planned, 0 confirmed, 1 completed, 1 cancelled")
        })
        .await;
        let evidence = text(c, "#tracking-evidence + p").await.unwrap_or_default();
        assert!(
            evidence.starts_with("Evidence received: 10 of"),
            "{evidence}"
        );
        shots.take(c, "report").await;

        // The stored record is what the forms said, and the report is the core's.
        let doc = app.document(&id).await;
        let rec = &doc["implementation"]["activities"]["course-valencia"];
        assert_eq!(rec["status"], "completed");
        assert_eq!(rec["evidence"]["programme"], 2);
        assert_eq!(
            doc["implementation"]["awarded"]["individual-support"],
            "9800.50"
        );

        click_link(c, "Dashboard").await;
        wait_for_page(c, "the dashboard", |p| p == "/dashboard").await;
        let row = text(c, &format!("tr[data-project='{id}']"))
            .await
            .unwrap_or_default();
        assert!(row.contains("Digital and outdoor learning"), "{row}");
        shots.take(c, "dashboard").await;

        // What if the Tartu job shadowing went by plane instead of the bus? A scenario.
        must(
            c.goto(&app.url(&format!("/projects/{id}"))).await,
            "back to the project",
        );
        click(c, &format!("form[action='/projects/{id}/scenario'] button")).await;
        let scenario = wait_for_page(c, "the scenario's page", |p| {
            p.starts_with("/projects/")
                && p != format!("/projects/{id}")
                && p.matches('/').count() == 2
        })
        .await;
        let sid = scenario.trim_start_matches("/projects/").to_owned();
        assert!(
            heading(c).await.ends_with("scenario 1"),
            "{}",
            heading(c).await
        );
        must(
            c.goto(&app.url(&format!("/projects/{sid}/activities/shadowing-tartu")))
                .await,
            "the scenario's job shadowing",
        );
        let green = find(c, "#travel_green-1").await;
        // Out of the sticky save bar's way.
        js(
            c,
            "document.querySelector('#travel_green-1').scrollIntoView({block: 'center'});",
            vec![],
        )
        .await;
        if must(green.is_selected().await, "green travel") {
            must(green.click().await, "untick green travel");
        }
        wait_saved(c, "the scenario's travel").await;
        must(c.goto(&app.url(&scenario)).await, "the scenario's page");
        click_link(c, "Compare scenarios").await;
        wait_for_page(c, "the comparison", |p| p.ends_with("/compare")).await;
        let table = text(c, "main table").await.unwrap_or_default();
        assert!(table.contains("Travel"), "{table}");
        let scenario_doc = app.document(&sid).await;
        assert_ne!(scenario_doc["activities"][1]["travel"]["green"], true);
        assert_eq!(
            app.document(&id).await["activities"][1]["travel"]["green"],
            true
        );
        shots.take(c, "compare").await;
    })
    .await;
}

/// Place search as a coordinator types it: "Tall" offers Tallinn first and choosing it sets
/// the country; "Rīga" chosen keeps its spelling; a place in a country the host field does
/// not offer is not suggested at all.
#[tokio::test]
async fn place_search_finds_the_city_and_keeps_the_spelling() {
    with_browsers("story-places", &[true], |app, browsers| async move {
        let c = &browsers[0];
        let id = app.create_project(APPLICANT, "SCH").await;
        must(
            c.goto(&app.url(&format!("/projects/{id}/activities/new?kind=course")))
                .await,
            "open a new course",
        );
        let suggestions = |css: &'static str| async move {
            js(
                c,
                "const l = document.querySelector(arguments[0]);
                 return l && !l.hidden ? Array.from(l.children).map(e => e.textContent) : null;",
                vec![json!(css)],
            )
            .await
        };
        type_text(c, "#host_town", "Tall").await;
        let list = wait_until("suggestions for Tall", || async {
            suggestions("#host_town-suggestions")
                .await
                .as_array()
                .filter(|l| !l.is_empty())
                .cloned()
        })
        .await;
        assert!(list[0].as_str().unwrap().starts_with("Tallinn"), "{list:?}");
        must(
            find(c, "#host_town")
                .await
                .send_keys("\u{E015}\u{E007}")
                .await,
            "ArrowDown, Enter",
        );
        assert_eq!(shown(c, "#host_town").await, "Tallinn");
        assert_eq!(shown(c, "#host_country").await, "EE");

        // A Syrian town is not offered for a host.
        type_text(c, "#host_town", "Aleppo").await;
        tokio::time::sleep(Duration::from_millis(800)).await;
        let offered = suggestions("#host_town-suggestions").await;
        assert!(
            offered
                .as_array()
                .is_none_or(|l| l.iter().all(|t| !t.as_str().unwrap_or("").contains(", SY"))),
            "{offered:?}"
        );

        // The applicant's town keeps the person's spelling.
        must(
            c.goto(&app.url(&format!("/projects/{id}/details"))).await,
            "details",
        );
        type_text(c, "#applicant_town", "Rīga").await;
        wait_until("suggestions for Rīga", || async {
            suggestions("#applicant_town-suggestions")
                .await
                .as_array()
                .filter(|l| !l.is_empty())
                .cloned()
        })
        .await;
        must(
            find(c, "#applicant_town")
                .await
                .send_keys("\u{E015}\u{E007}")
                .await,
            "ArrowDown, Enter",
        );
        assert_eq!(shown(c, "#applicant_town").await, "Rīga");
    })
    .await;
}

/// Every page at 1366, 1024, 768, 390 and 320 CSS px: no sideways scrolling (WCAG 1.4.10),
/// no input running under the side panel, and a focused control is never under the sticky
/// save bar.
#[tokio::test]
async fn pages_reflow_at_every_width() {
    with_browsers("story-reflow", &[true], |app, browsers| async move {
        let c = &browsers[0];
        let (id, _) = app.import_example("sch-riga-school.toml").await;
        let pages = [
            "/".to_owned(),
            format!("/projects/{id}"),
            format!("/projects/{id}/details"),
            format!("/projects/{id}/people"),
            format!("/projects/{id}/activities/course-valencia"),
            format!("/projects/{id}/activities/group-porto"),
            format!("/projects/{id}/visits/visit-porto"),
            format!("/projects/{id}/budget"),
            format!("/projects/{id}/checks"),
            format!("/projects/{id}/implementation"),
            format!("/projects/{id}/history"),
            format!("/projects/{id}/history/1"),
            "/dashboard".to_owned(),
            format!("/projects/{id}/application/background"),
            format!("/projects/{id}/application/objectives/digital"),
            format!("/projects/{id}/application/assessment"),
        ];
        let mut problems = Vec::new();
        for width in [1366u32, 1024, 768, 390, 320] {
            // The window is the viewport plus what the browser adds around it.
            must(c.set_window_size(width, 900).await, "resize");
            let inner = js(c, "return window.innerWidth;", vec![]).await.as_u64().unwrap_or(0) as u32;
            if inner != width {
                let w = width + (width - inner.min(width));
                must(c.set_window_size(w, 900).await, "resize to the viewport");
            }
            for page in &pages {
                must(c.goto(&app.url(page)).await, page);
                let v = js(
                    c,
                    "const d = document.documentElement;
                     const out = [];
                     if (d.scrollWidth > d.clientWidth) {
                       const wide = Array.from(document.querySelectorAll('body *')).filter(e => {
                         const r = e.getBoundingClientRect();
                         return r.right > d.clientWidth + 1 && !e.closest('.table-scroll');
                       }).slice(0, 3).map(e => e.tagName + '.' + e.className);
                       out.push('scrolls sideways: ' + d.scrollWidth + ' > ' + d.clientWidth + ' ' + wide.join(' '));
                     }
                     const side = document.querySelector('.side-col');
                     const cols = document.querySelector('.columns');
                     if (side && cols && getComputedStyle(cols).gridTemplateColumns.split(' ').length > 1) {
                       const s = side.getBoundingClientRect();
                       document.querySelectorAll('.main-col input, .main-col select, .main-col textarea').forEach(e => {
                         const r = e.getBoundingClientRect();
                         // Inside a table that scrolls on its own, what is beyond its edge is hidden, not under the panel.
                         const box = e.closest('.table-scroll');
                         const right = box ? Math.min(r.right, box.getBoundingClientRect().right) : r.right;
                         if (r.width > 0 && right > s.left + 1) out.push('under the panel: ' + (e.id || e.name));
                       });
                     }
                     {
                       document.querySelectorAll('form input:not([type=hidden]), form select, form textarea').forEach(e => {
                         const bar = e.form && e.form.querySelector('.actions');
                         if (!bar || bar.contains(e) || e.offsetParent === null || e.closest('details:not([open])')) return;
                         e.focus();
                         const r = e.getBoundingClientRect(), b = bar.getBoundingClientRect();
                         if (r.bottom > b.top + 1 && r.top < b.bottom - 1) out.push('covered when focused: ' + (e.id || e.name));
                       });
                     }
                     return out;",
                    vec![],
                )
                .await;
                for p in v.as_array().into_iter().flatten() {
                    problems.push(format!("{width} px {page}: {}", p.as_str().unwrap_or_default()));
                }
            }
        }
        assert!(problems.is_empty(), "{problems:#?}");
    })
    .await;
}

/// Two people write the application at once, with the script: the coordinator the needs,
/// a colleague (another account of the same organisation, the page loaded before the
/// coordinator saved) the background. Both texts are kept, the colleague's page takes the
/// coordinator's words without a reload, and each text's count follows the typing.
#[tokio::test]
async fn two_people_write_the_application_at_once_and_both_texts_are_kept() {
    with_browsers(
        "story-application-two-people",
        &[true, true],
        |app, browsers| async move {
            let (coordinator, colleague) = (&browsers[0], &browsers[1]);
            let owner = app
                .state
                .store
                .user_by_email(support::OWNER)
                .await
                .unwrap()
                .unwrap();
            let org = app.state.store.memberships(&owner.id).await.unwrap()[0]
                .org
                .id
                .clone();
            let email = "kolega@skola-a.lv";
            app.add_member(&org, email, mobiplan_store::Role::Editor)
                .await;
            must(
                colleague.delete_all_cookies().await,
                "the colleague logs out",
            );
            must(
                colleague.goto(&app.url("/login")).await,
                "open the login page",
            );
            type_text(colleague, "#email", email).await;
            type_text(colleague, "#password", support::PASSWORD).await;
            click(colleague, "main form[action='/login'] button[type=submit]").await;
            wait_for_page(colleague, "the colleague's projects", |p| p == "/").await;

            let (id, _) = app.import_example("adu-daugavpils-adult-centre.toml").await;
            let page = app.url(&format!("/projects/{id}/application/background"));
            must(
                coordinator.goto(&page).await,
                "the coordinator opens Background",
            );
            must(
                colleague.goto(&page).await,
                "the colleague opens Background",
            );
            wait_for_text(colleague, "main h1", "the colleague's page", |t| {
                t == "Background"
            })
            .await;

            type_text(coordinator, "#needs", "Needs written by the coordinator.").await;
            let count = wait_for_text(coordinator, "#needs-count", "the needs' count", |t| {
                t.starts_with("33 of ")
            })
            .await;
            assert!(count.contains("characters"), "{count}");
            wait_saved(coordinator, "the coordinator's autosave").await;

            type_text(
                colleague,
                "#background",
                "Background written by the colleague.",
            )
            .await;
            wait_saved(colleague, "the colleague's autosave, merged").await;

            let doc = app.document(&id).await;
            assert_eq!(
                doc["application"]["needs"],
                "Needs written by the coordinator."
            );
            assert_eq!(
                doc["application"]["background"],
                "Background written by the colleague."
            );
            assert_eq!(
                shown(colleague, "#needs").await,
                "Needs written by the coordinator.",
                "the colleague's form shows the coordinator's text"
            );
            let history = app.state.store.project_history(&id).await.unwrap();
            let authors: std::collections::BTreeSet<_> = history
                .iter()
                .take(2)
                .filter_map(|e| e.saved_by.as_ref().map(|u| u.email.clone()))
                .collect();
            assert_eq!(authors.len(), 2, "each saved as themself: {authors:?}");
        },
    )
    .await;
}

/// axe-core's script (`tools/axe`, installed by `.ci/run` with `npm ci`); without it the
/// accessibility scan says it was skipped — and fails under CI, where nothing may be skipped.
fn axe_source() -> Option<String> {
    let path = support::root().join("tools/axe/node_modules/axe-core/axe.min.js");
    match std::fs::read_to_string(&path) {
        Ok(s) => Some(s),
        Err(_) => {
            assert!(
                std::env::var_os("CI").is_none(),
                "CI must install axe-core: npm ci --prefix tools/axe"
            );
            eprintln!("SKIPPED: axe-core is not installed (npm ci --prefix tools/axe)");
            None
        }
    }
}

/// The WCAG 2.1 A and AA violations axe-core finds on the page the browser shows.
async fn axe_violations(c: &Client, axe: &str) -> Vec<String> {
    js(c, axe, vec![]).await;
    let found = must(
        c.execute_async(
            r#"const done = arguments[arguments.length - 1];
            axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })
              .then(r => done(r.passes.length === 0 ? ['axe checked nothing'] : r.violations.map(v => v.id + ' (' + v.impact + '): '
                + v.nodes.map(n => n.target.join(' ')).slice(0, 5).join(', '))))
              .catch(e => done(['axe did not run: ' + e]));"#,
            vec![],
        )
        .await,
        "axe.run",
    );
    found
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_else(|| vec![format!("axe answered {found}")])
}

/// axe-core finds no WCAG 2.1 A/AA violation on any page of an example project (every page
/// reachable by its links, in English and in Latvian) nor in the error states: an input
/// error and a rule error at their fields (end before start, a start outside the call's
/// window), the error summary of a form sent with an empty required field, and a
/// conflict-free notice after a save.
#[tokio::test]
async fn axe_finds_no_accessibility_violation_on_pages_and_error_states() {
    let Some(axe) = axe_source() else { return };
    with_browsers("axe", &[true], |app, browsers| async move {
        let c = &browsers[0];
        let (id, _) = app.import_example("sch-riga-school.toml").await;
        // Error states stored in the plan: an activity that ends before it starts (an input
        // error at its field) and a project start outside the call's window (a rule error).
        let activity = format!("/projects/{id}/activities/shadowing-tartu");
        let mut form = support::html::page_form(&app, &activity, &activity).await;
        support::html::set(&mut form, "end", "2026-11-01");
        assert_eq!(app.post_form(&activity, &form).await.status(), 303);
        let details = format!("/projects/{id}/details");
        let mut form = support::html::page_form(&app, &details, &details).await;
        support::html::set(&mut form, "start", "2027-05-03");
        assert_eq!(app.post_form(&details, &form).await.status(), 303);

        // Every page the project's links reach (downloads and the way out left aside).
        let mut pages: Vec<String> = vec![format!("/projects/{id}"), "/".into()];
        let mut i = 0;
        while i < pages.len() {
            let page = app.get_text(&pages[i]).await;
            for link in support::html::links_of(&page) {
                let ours = link.starts_with(&format!("/projects/{id}"))
                    || !link.starts_with("/projects/")
                    || link == "/projects/new";
                let page_like = link.starts_with('/')
                    && !link.starts_with("/assets/")
                    && !link.starts_with("/api/")
                    && !link.contains("/export");
                if ours && page_like && !pages.contains(&link) {
                    pages.push(link);
                }
            }
            i += 1;
        }
        assert!(pages.len() > 20, "{pages:?}");
        let mut problems = Vec::new();
        for (lang, switch) in [("en", None), ("lv", Some("lv"))] {
            if let Some(to) = switch {
                click(c, &format!("header form.lang button[value={to}]")).await;
                // Read through the script, which waits for the new page: an element found on
                // the old one goes stale while the browser navigates.
                wait_until("the Latvian page", || async move {
                    let script = "return document.documentElement.getAttribute('lang');";
                    let lang = c.execute(script, vec![]).await.ok()?;
                    (lang == "lv").then_some(())
                })
                .await;
            }
            for page in &pages {
                must(c.goto(&app.url(page)).await, page);
                find(c, "main h1").await;
                for v in axe_violations(c, &axe).await {
                    problems.push(format!("{lang} {page}: {v}"));
                }
            }
        }
        // The error summary of a form sent without a required value.
        must(
            c.goto(&app.url(&format!("/projects/{id}/activities/new?kind=course")))
                .await,
            "new course",
        );
        click(
            c,
            &format!("main form[action='/projects/{id}/activities'] button[type=submit]"),
        )
        .await;
        find(c, ".error-summary").await;
        for v in axe_violations(c, &axe).await {
            problems.push(format!("the error summary: {v}"));
        }
        // The page after a save, with its notice.
        must(c.goto(&app.url(&details)).await, "details");
        click(
            c,
            &format!("main form[action='{details}'] button[type=submit]"),
        )
        .await;
        find(c, "main h1").await;
        for v in axe_violations(c, &axe).await {
            problems.push(format!("after a save: {v}"));
        }
        assert!(
            problems.is_empty(),
            "{} accessibility violations:\n{}",
            problems.len(),
            problems.join("\n")
        );
    })
    .await;
}
