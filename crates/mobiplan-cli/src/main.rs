//! `mobiplan`: one binary with subcommands. This file holds the command-line surface (every
//! flag with its help text) and the exit-status contract; `run` does the work.
//!
//! Exit status: 0 — no rule errors; 1 — the project has rule errors; 2 — unreadable or
//! invalid input (file, rulebook, rate profile, flags).

mod assess;
mod compare;
mod editions;
mod load;
mod output;
mod places;
mod report;
mod term;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use mobiplan_i18n::Lang;

// Gives freed memory back to the system (see Cargo.toml); measured by benches/login_burst.rs.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "mobiplan",
    version,
    about = "Plan, check and budget Erasmus+ short-term mobility projects (KA122).",
    long_about = "Plan, check and budget Erasmus+ short-term mobility projects (KA122).\n\n\
                  Exit status: 0 no rule errors, 1 the project has rule errors, 2 unreadable or invalid input."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
enum Format {
    /// Tables for people (colour only on a terminal; NO_COLOR turns it off).
    Text,
    /// A documented JSON document (see docs/cli-json.md): an API for other programs.
    Json,
}

#[derive(clap::Args)]
struct Common {
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
    /// Language of messages and labels: lv or en.
    #[arg(long, default_value = "en", value_parser = parse_lang)]
    lang: Lang,
    /// Use this rulebook file instead of the one embedded for the project's call year.
    #[arg(long, value_name = "FILE")]
    rulebook: Option<PathBuf>,
}

/// The call year that is open or coming by today's date (from the embedded rulebooks'
/// deadlines): the default of `--year`.
fn latest_year() -> u16 {
    let now = chrono::Utc::now().fixed_offset();
    let calls: Vec<(u16, mobiplan_core::editions::CallState)> =
        mobiplan_core::Rulebook::embedded_years()
            .into_iter()
            .filter_map(|y| {
                let rb = mobiplan_core::Rulebook::embedded(y).ok()?;
                Some((y, rb.call_state(now)))
            })
            .collect();
    mobiplan_core::editions::default_call_year(&calls).unwrap_or_default()
}

fn parse_lang(s: &str) -> Result<Lang, String> {
    s.parse()
}

fn parse_export_format(s: &str) -> Result<mobiplan_export::Format, String> {
    s.parse()
}

#[derive(Subcommand)]
enum Command {
    /// Run the web application (SQLite in the data directory; PostgreSQL when DATABASE_URL is set).
    Serve {
        /// Address and port to listen on.
        #[arg(long, default_value = "127.0.0.1:8080", value_name = "ADDR:PORT")]
        listen: std::net::SocketAddr,
        /// Where the SQLite database lives (created on first run). `serve` holds a lock on it
        /// while it runs (`restore` refuses meanwhile).
        #[arg(long, default_value = "mobiplan-data", value_name = "DIR")]
        data_dir: PathBuf,
        /// The address people use (e.g. https://mobiplan.skola.lv): its host name is the one
        /// (beside loopback names and the --listen address) requests may name in `Host`;
        /// others get 421. `https://` makes cookies Secure.
        #[arg(long, value_name = "URL")]
        public_url: Option<mobiplan_web::PublicUrl>,
        /// A reverse proxy whose X-Forwarded-For names the client (repeat for several). From
        /// any other peer the header is ignored; the login throttle counts the client address.
        #[arg(long = "trusted-proxy", value_name = "IP")]
        trusted_proxies: Vec<std::net::IpAddr>,
        /// Also serve /metrics, /healthz and /readyz on this address (no Host check), e.g.
        /// for a monitoring network. Without it /metrics answers only requests from this
        /// machine.
        #[arg(long, value_name = "ADDR:PORT")]
        metrics_listen: Option<std::net::SocketAddr>,
        /// Log lines as text (default) or JSON objects, one per line. The level and filter
        /// come from RUST_LOG (default `info`).
        #[arg(long, value_enum, default_value = "text")]
        log_format: LogFormat,
        /// Most connections served at once (further ones wait in the listen queue).
        #[arg(long, default_value_t = 1024, value_name = "N")]
        max_connections: usize,
    },
    /// Accounts: add a user (the first owner too), set a password.
    User {
        #[command(subcommand)]
        action: UserAction,
    },
    /// Write a consistent snapshot of the SQLite database (safe while the server runs).
    Backup {
        /// The backup file to create (must not exist).
        file: PathBuf,
        /// Where the SQLite database lives.
        #[arg(long, default_value = "mobiplan-data", value_name = "DIR")]
        data_dir: PathBuf,
    },
    /// Replace the SQLite database with a backup (stop the server first). The replaced
    /// database is kept beside it.
    Restore {
        /// The backup file (checked before anything is replaced).
        file: PathBuf,
        /// Where the SQLite database lives.
        #[arg(long, default_value = "mobiplan-data", value_name = "DIR")]
        data_dir: PathBuf,
    },
    /// Check a project file against every rule of its call year.
    Check {
        /// The project file (.toml, or .json).
        file: PathBuf,
        #[command(flatten)]
        common: Common,
        /// Compare the deadline with this moment instead of now (RFC 3339, e.g.
        /// 2026-02-01T10:00:00+02:00) when the project has no application date.
        #[arg(long, value_name = "TIME")]
        now: Option<String>,
    },
    /// The self-assessment against the award criteria: for each criterion and each question
    /// evaluators ask, the parts of the application that answer it, or what is not written
    /// yet. Points and thresholds are the rulebook's (* unconfirmed); mobiplan does not score.
    /// Exit status 0, or 2 for unreadable input.
    Assess {
        /// The project file (.toml, or .json).
        file: PathBuf,
        #[command(flatten)]
        common: Common,
    },
    /// Compute the grant, line by line, with how each amount is computed.
    Budget {
        /// The project file (.toml, or .json).
        file: PathBuf,
        #[command(flatten)]
        common: Common,
        /// The agency's daily rates (a rate profile file); without it daily rates are the
        /// Commission's ranges and the budget is a range.
        #[arg(long, value_name = "FILE")]
        rates: Option<PathBuf>,
        /// Also list, under each line, the rulebook values used with their source and confidence.
        #[arg(long)]
        explain: bool,
    },
    /// Compare what-if scenarios side by side: participants, activities, findings and the
    /// budget per category of each file, with the difference of every later file from the
    /// first. Exit status 0 (rule errors are shown, not failed on), 2 for unreadable input.
    Compare {
        /// Two or more project files (.toml, or .json): the first is what the others are
        /// compared with.
        #[arg(required = true, num_args = 2.., value_name = "FILE")]
        files: Vec<PathBuf>,
        #[command(flatten)]
        common: Common,
        /// The agency's daily rates (a rate profile file), used for every file; without it
        /// budgets and differences are ranges.
        #[arg(long, value_name = "FILE")]
        rates: Option<PathBuf>,
    },
    /// Write a document made from the project: the budget workbook, the one-page summary or
    /// the full plan (PDF), the calendar, the timeline, the mobility list, the course checklists,
    /// the application draft (PDF or Word).
    /// The file is written even when the project has rule errors (exit status 1 then says so).
    Export {
        /// What to write: xlsx, pdf-summary, pdf-plan, ics, timeline-svg, mobility-csv,
        /// mobility-xlsx, checklist, application-pdf or application-docx (the whole
        /// application draft in the order of the form).
        #[arg(value_parser = parse_export_format)]
        format: mobiplan_export::Format,
        /// The project file (.toml, or .json).
        file: PathBuf,
        /// Where to write; "-" writes to standard output. Default: the project file's name with
        /// the format's ending, in the current directory.
        #[arg(long, value_name = "PATH")]
        out: Option<PathBuf>,
        /// Language of the document: lv or en.
        #[arg(long, default_value = "en", value_parser = parse_lang)]
        lang: Lang,
        /// The agency's daily rates (a rate profile file); without it the budget is a range.
        #[arg(long, value_name = "FILE")]
        rates: Option<PathBuf>,
        /// Use this rulebook file instead of the one embedded for the project's call year.
        #[arg(long, value_name = "FILE")]
        rulebook: Option<PathBuf>,
        /// The moment of the export (RFC 3339), instead of now: the calendar's time stamp, the
        /// documents' date and the deadline check.
        #[arg(long, value_name = "TIME")]
        now: Option<String>,
    },
    /// After the grant: awarded against reported budget per category, the statuses, the
    /// rules on what is actually done, and the evidence collected (the file's [implementation]).
    Report {
        file: PathBuf,
        #[command(flatten)]
        common: Common,
        /// The agency's daily rates (a rate profile file); without it amounts are ranges.
        #[arg(long, value_name = "FILE")]
        rates: Option<PathBuf>,
        /// Check the actual data as at this moment (RFC 3339); default: now.
        #[arg(long, value_name = "TIME")]
        now: Option<String>,
    },
    /// List every rule with its values, source, confidence and whether each is carried from an
    /// earlier call or unknown; `rules diff` compares two editions, `rules load` installs a
    /// corrected edition in the web application's database.
    Rules {
        #[command(subcommand)]
        action: Option<RulesAction>,
        /// The call year (default: the call that is open or coming).
        #[arg(long, default_value_t = latest_year())]
        year: u16,
        #[command(flatten)]
        common: Common,
    },
    /// Move a project to another call: writes the moved file and shows which findings and
    /// budget lines change. Exit status 1 when the moved project has rule errors.
    Migrate {
        /// The project file (.toml, or .json).
        file: PathBuf,
        /// The call year to move to.
        #[arg(long)]
        to: u16,
        /// Also move every date of the plan by the difference in whole years.
        #[arg(long)]
        shift_years: bool,
        /// Where to write the moved project (TOML); default: the file's name with the new
        /// year, in the current directory. An existing file is not overwritten.
        #[arg(long, value_name = "PATH")]
        out: Option<PathBuf>,
        #[command(flatten)]
        common: Common,
        /// Check the deadline at this moment (RFC 3339) instead of now.
        #[arg(long, value_name = "TIME")]
        now: Option<String>,
    },
    /// Find places in the offline gazetteer (GeoNames), in Latvian, English or the local language.
    Places {
        /// A place name ("Rīga", "Brisele", "Valencia,ES", "Frankfurt, Hesse") or "lat,lon".
        query: String,
        /// How many candidates to list.
        #[arg(long, default_value_t = 10)]
        limit: usize,
        #[command(flatten)]
        common: Common,
    },
    /// One-way distance between two places as the Commission's calculator computes it, with
    /// the band and the travel amounts of the call year.
    Distance {
        /// Where the journey starts: a place name or "lat,lon".
        from: String,
        /// Where it goes: a place name or "lat,lon".
        to: String,
        /// The call year whose bands and amounts to show.
        #[arg(long, default_value_t = latest_year())]
        year: u16,
        #[command(flatten)]
        common: Common,
    },
    /// Print the JSON Schema of the project file.
    Schema,
    /// Version, licence and data credits.
    About,
}

#[derive(Subcommand)]
enum RulesAction {
    /// What changed between two editions: each value added, removed or changed, with both
    /// sources. FROM and TO are call years (the embedded editions) or rulebook files.
    Diff {
        from: String,
        to: String,
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
        #[arg(long, default_value = "en", value_parser = parse_lang)]
        lang: Lang,
    },
    /// Load a corrected edition into the web application's database (the instance
    /// administrator's task, on the server's machine): validated like the embedded editions,
    /// kept with its history, in effect for every project of its call year.
    Load {
        /// The rulebook file (TOML, the format of rulebook/<year>.toml).
        file: PathBuf,
        /// Why it is loaded (kept in the history).
        #[arg(long)]
        note: String,
        /// The instance administrator loading it (an e-mail address of a user).
        #[arg(long, value_name = "EMAIL")]
        by: String,
        #[arg(long, default_value = "mobiplan-data", value_name = "DIR")]
        data_dir: PathBuf,
    },
    /// The editions loaded into the web application's database, newest first.
    History {
        #[arg(long, default_value = "mobiplan-data", value_name = "DIR")]
        data_dir: PathBuf,
    },
}

#[derive(Subcommand)]
enum UserAction {
    /// Add a user; the password is read from the first line of standard input. Without
    /// --org, a new organisation is created with the user as its owner (the first owner when
    /// there is no user yet).
    Add {
        email: String,
        /// The user's name as colleagues know it.
        #[arg(long)]
        name: String,
        /// An existing organisation's id (from its page's address, /orgs/ID).
        #[arg(long, value_name = "ID", conflicts_with_all = ["org_name", "oid", "country", "town"])]
        org: Option<String>,
        /// The role in the existing organisation: owner, editor or viewer.
        #[arg(long, default_value = "editor", requires = "org")]
        role: String,
        /// The new organisation's name.
        #[arg(long, required_unless_present = "org")]
        org_name: Option<String>,
        /// The new organisation's Erasmus+ organisation ID (E and 8 digits).
        #[arg(long, required_unless_present = "org")]
        oid: Option<String>,
        /// The new organisation's country (two letters).
        #[arg(long, required_unless_present = "org")]
        country: Option<String>,
        /// The new organisation's town.
        #[arg(long, required_unless_present = "org")]
        town: Option<String>,
        /// Also make the user an instance administrator (may load corrected rulebook editions
        /// for the whole instance; owning an organisation is not enough).
        #[arg(long)]
        admin: bool,
        #[arg(long, default_value = "mobiplan-data", value_name = "DIR")]
        data_dir: PathBuf,
    },
    /// Make a user an instance administrator, or end it with --revoke.
    Admin {
        email: String,
        #[arg(long)]
        revoke: bool,
        #[arg(long, default_value = "mobiplan-data", value_name = "DIR")]
        data_dir: PathBuf,
    },
    /// Set a user's password (read from standard input) and end the user's sessions.
    Password {
        email: String,
        #[arg(long, default_value = "mobiplan-data", value_name = "DIR")]
        data_dir: PathBuf,
    },
}

/// The first line of standard input (a password; piped so that it is not shown).
fn read_password() -> Result<String, String> {
    use std::io::IsTerminal;
    if std::io::stdin().is_terminal() {
        eprint!("Password (shown as you type; pipe it in to hide it): ");
    }
    let mut line = String::new();
    std::io::stdin()
        .read_line(&mut line)
        .map_err(|e| format!("password: cannot read standard input: {e}"))?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}

fn web_config(data_dir: PathBuf) -> mobiplan_web::Config {
    mobiplan_web::Config::new(
        std::net::SocketAddr::from(([127, 0, 0, 1], 0)),
        data_dir,
        std::env::var("DATABASE_URL")
            .ok()
            .filter(|u| !u.trim().is_empty()),
    )
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum LogFormat {
    Text,
    Json,
}

/// Logs go to standard error (standard output carries the "running at" line tests and
/// scripts read). RUST_LOG filters; without it, `info`.
fn init_logging(format: LogFormat) -> Result<(), String> {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env().or_else(|e| {
        if std::env::var_os("RUST_LOG").is_some() {
            Err(format!("RUST_LOG: {e}"))
        } else {
            Ok(EnvFilter::new("info"))
        }
    })?;
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let result = match format {
        LogFormat::Text => builder
            .with_ansi(
                std::io::IsTerminal::is_terminal(&std::io::stderr())
                    && std::env::var_os("NO_COLOR").is_none(),
            )
            .try_init(),
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .with_span_list(false)
            .try_init(),
    };
    result.map_err(|e| format!("cannot set up logging: {e}"))
}

fn block_on<T>(f: impl std::future::Future<Output = Result<T, String>>) -> Result<T, String> {
    tokio::runtime::Runtime::new()
        .map_err(|e| e.to_string())?
        .block_on(f)
}

fn about() -> String {
    format!("mobiplan {}", version_text())
}

/// The version with licence and data credits (clap prefixes `--version` with the name).
fn version_text() -> String {
    format!(
        "{}\nLicence: {}\nRulebooks embedded for call years: {}\n{}\n",
        env!("CARGO_PKG_VERSION"),
        env!("CARGO_PKG_LICENSE"),
        mobiplan_core::Rulebook::embedded_years()
            .iter()
            .map(u16::to_string)
            .collect::<Vec<_>>()
            .join(", "),
        mobiplan_geo::ATTRIBUTION
    )
}

fn main() -> ExitCode {
    use clap::{CommandFactory, FromArgMatches};
    // The long version carries the data credits the GeoNames licence asks for.
    let long_version: &'static str = Box::leak(version_text().into_boxed_str());
    let matches = Cli::command().long_version(long_version).get_matches();
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode, String> {
    match cli.command {
        Command::Serve {
            listen,
            data_dir,
            public_url,
            trusted_proxies,
            metrics_listen,
            log_format,
            max_connections,
        } => {
            init_logging(log_format)?;
            let database_url = std::env::var("DATABASE_URL")
                .ok()
                .filter(|u| !u.trim().is_empty());
            let mut config = mobiplan_web::Config::new(listen, data_dir, database_url);
            config.public_url = public_url;
            config.trusted_proxies = trusted_proxies;
            config.metrics_listen = metrics_listen;
            if max_connections == 0 {
                return Err("--max-connections: must be at least 1".into());
            }
            config.limits.max_connections = max_connections;
            let runtime = tokio::runtime::Runtime::new().map_err(|e| e.to_string())?;
            // A refusal is one line on standard error (printed by `main`), not a log record.
            runtime.block_on(mobiplan_web::serve(config))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::User { action } => {
            let message = match action {
                UserAction::Add {
                    email,
                    name,
                    org,
                    role,
                    org_name,
                    oid,
                    country,
                    town,
                    admin,
                    data_dir,
                } => {
                    let choice = match org {
                        Some(id) => mobiplan_web::admin::OrgChoice::Existing {
                            id,
                            role: mobiplan_web::Role::parse(&role).ok_or_else(|| {
                                format!("--role: '{role}' is not owner, editor or viewer")
                            })?,
                        },
                        None => mobiplan_web::admin::OrgChoice::New {
                            name: org_name.unwrap_or_default(),
                            oid: oid.unwrap_or_default(),
                            country: country.unwrap_or_default().to_uppercase(),
                            town: town.unwrap_or_default(),
                        },
                    };
                    let password = read_password()?;
                    let config = web_config(data_dir);
                    let added = block_on(mobiplan_web::admin::add_user(
                        &config, &email, &name, &password, &choice,
                    ))?;
                    if admin {
                        let made = block_on(mobiplan_web::admin::set_instance_admin(
                            &config, &email, true,
                        ))?;
                        format!("{added}\n{made}")
                    } else {
                        added
                    }
                }
                UserAction::Admin {
                    email,
                    revoke,
                    data_dir,
                } => {
                    let config = web_config(data_dir);
                    block_on(mobiplan_web::admin::set_instance_admin(
                        &config, &email, !revoke,
                    ))?
                }
                UserAction::Password { email, data_dir } => {
                    let password = read_password()?;
                    let config = web_config(data_dir);
                    block_on(mobiplan_web::admin::set_password(
                        &config, &email, &password,
                    ))?
                }
            };
            println!("{message}");
            Ok(ExitCode::SUCCESS)
        }
        Command::Backup { file, data_dir } => {
            let config = web_config(data_dir);
            println!("{}", block_on(mobiplan_web::admin::backup(&config, &file))?);
            Ok(ExitCode::SUCCESS)
        }
        Command::Restore { file, data_dir } => {
            let config = web_config(data_dir);
            println!(
                "{}",
                block_on(mobiplan_web::admin::restore(&config, &file))?
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Check { file, common, now } => {
            let now = load::parse_now(now.as_deref())?;
            let loaded = load::project(&file, common.rulebook.as_deref(), common.lang)?;
            let findings = mobiplan_core::check(
                &loaded.project,
                &loaded.rulebook,
                &mobiplan_core::CheckContext { now: Some(now) },
            );
            let errors = findings
                .iter()
                .any(|f| f.severity == mobiplan_core::Severity::Error);
            match common.format {
                Format::Json => emit(&output::json_text(&output::check_json(
                    &loaded,
                    &findings,
                    common.lang,
                ))),
                Format::Text => emit(&output::check_text(&loaded, &findings, common.lang)),
            }
            Ok(exit(errors))
        }
        Command::Assess { file, common } => {
            let loaded = load::project(&file, common.rulebook.as_deref(), common.lang)?;
            let a = mobiplan_core::assessment::assess(&loaded.project, &loaded.rulebook);
            match common.format {
                Format::Json => emit(&output::json_text(&assess::json_output(
                    &loaded,
                    &a,
                    common.lang,
                ))),
                Format::Text => emit(&assess::text_output(&loaded, &a, common.lang)),
            }
            // A self-assessment is a report: what is missing is in it, not in the exit status.
            Ok(ExitCode::SUCCESS)
        }
        Command::Budget {
            file,
            common,
            rates,
            explain,
        } => {
            let loaded = load::project(&file, common.rulebook.as_deref(), common.lang)?;
            let profile = match &rates {
                Some(path) => Some(load::profile(path, &loaded.rulebook, common.lang)?),
                None => None,
            };
            let budget = mobiplan_core::budget(&loaded.project, &loaded.rulebook, profile.as_ref());
            let findings = mobiplan_core::check(
                &loaded.project,
                &loaded.rulebook,
                &mobiplan_core::CheckContext {
                    now: Some(load::parse_now(None)?),
                },
            );
            let errors = findings
                .iter()
                .filter(|f| f.severity == mobiplan_core::Severity::Error)
                .count();
            match common.format {
                Format::Json => emit(&output::json_text(&output::budget_json(
                    &loaded,
                    &budget,
                    errors,
                    common.lang,
                ))),
                Format::Text => emit(&output::budget_text(
                    &loaded,
                    &budget,
                    errors,
                    explain,
                    common.lang,
                )),
            }
            Ok(exit(errors > 0))
        }
        Command::Compare {
            files,
            common,
            rates,
        } => {
            let compared = compare::run(
                &files,
                common.rulebook.as_deref(),
                rates.as_deref(),
                common.lang,
            )?;
            match common.format {
                Format::Json => emit(&compare::json_output(&compared, common.lang)),
                Format::Text => emit(&compare::text_output(&compared, common.lang)),
            }
            // A comparison is a report: rule errors are in it, not in the exit status.
            Ok(ExitCode::SUCCESS)
        }
        Command::Export {
            format,
            file,
            out,
            lang,
            rates,
            rulebook,
            now,
        } => {
            let now = load::parse_now(now.as_deref())?;
            let loaded = load::project(&file, rulebook.as_deref(), lang)?;
            let profile = match &rates {
                Some(path) => Some(load::profile(path, &loaded.rulebook, lang)?),
                None => None,
            };
            let ev =
                mobiplan_export::evaluate(&loaded.project, &loaded.rulebook, profile.as_ref(), now);
            let bytes = mobiplan_export::export(
                format,
                &mobiplan_export::Plan {
                    project: &loaded.project,
                    rulebook: &loaded.rulebook,
                    budget: &ev.budget,
                    findings: &ev.findings,
                    lang,
                    now,
                },
            )
            .map_err(|e| e.to_string())?;
            let target = out.unwrap_or_else(|| default_export_path(&file, format));
            if target.as_os_str() == "-" {
                use std::io::Write;
                let mut stdout = std::io::stdout().lock();
                let _ = stdout.write_all(&bytes).and_then(|_| stdout.flush());
            } else {
                std::fs::write(&target, &bytes)
                    .map_err(|e| format!("--out {}: {e}", target.display()))?;
                eprintln!(
                    "{}",
                    mobiplan_i18n::render(
                        lang,
                        "cli.export-written",
                        &[
                            ("file", target.display().to_string()),
                            ("bytes", bytes.len().to_string())
                        ]
                    )
                );
            }
            let errors = ev
                .findings
                .iter()
                .filter(|f| f.severity == mobiplan_core::Severity::Error)
                .count();
            if errors > 0 {
                eprintln!(
                    "{}",
                    mobiplan_i18n::render(
                        lang,
                        "cli.errors-only",
                        &[("errors", errors.to_string())]
                    )
                );
            }
            Ok(exit(errors > 0))
        }
        Command::Report {
            file,
            common,
            rates,
            now,
        } => {
            let now = load::parse_now(now.as_deref())?;
            let tracked = report::run(
                &file,
                common.rulebook.as_deref(),
                rates.as_deref(),
                now,
                common.lang,
            )?;
            match common.format {
                Format::Json => emit(&report::json_output(&tracked, common.lang)),
                Format::Text => emit(&report::text_output(&tracked, common.lang)),
            }
            Ok(exit(tracked.has_errors()))
        }
        Command::Rules {
            action: Some(action),
            ..
        } => rules_action(action),
        Command::Migrate {
            file,
            to,
            shift_years,
            out,
            common,
            now,
        } => {
            let now = load::parse_now(now.as_deref())?;
            let m = editions::migrate(
                &file,
                to,
                shift_years,
                out.as_deref(),
                common.rulebook.as_deref(),
                now,
                common.lang,
            )?;
            match common.format {
                Format::Json => emit(&output::json_text(&editions::migrate_json(&m, common.lang))),
                Format::Text => emit(&editions::migrate_text(&m, common.lang)),
            }
            Ok(exit(m.has_errors()))
        }
        Command::Rules {
            action: None,
            year,
            common,
        } => {
            let rb = load::rulebook(year, common.rulebook.as_deref(), common.lang)?;
            match common.format {
                Format::Json => emit(&output::json_text(&output::rules_json(&rb))),
                Format::Text => emit(&output::rules_text(&rb, common.lang)),
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Places {
            query,
            limit,
            common,
        } => {
            emit(&places::places(
                &query,
                limit,
                common.format == Format::Json,
                common.lang,
            )?);
            Ok(ExitCode::SUCCESS)
        }
        Command::Distance {
            from,
            to,
            year,
            common,
        } => {
            let rb = load::rulebook(year, common.rulebook.as_deref(), common.lang)?;
            emit(&places::distance(
                &from,
                &to,
                &rb,
                common.format == Format::Json,
                common.lang,
            )?);
            Ok(ExitCode::SUCCESS)
        }
        Command::About => {
            emit(&about());
            Ok(ExitCode::SUCCESS)
        }
        Command::Schema => {
            emit(&output::json_text(&mobiplan_core::project::json_schema()));
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn rules_action(action: RulesAction) -> Result<ExitCode, String> {
    match action {
        RulesAction::Diff {
            from,
            to,
            format,
            lang,
        } => {
            let a = editions::edition(&from, lang)?;
            let b = editions::edition(&to, lang)?;
            let d = mobiplan_core::editions::diff(&a, &b);
            match format {
                Format::Json => emit(&output::json_text(&editions::diff_json(&d))),
                Format::Text => emit(&editions::diff_text(&d, lang)),
            }
        }
        RulesAction::Load {
            file,
            note,
            by,
            data_dir,
        } => {
            let text =
                std::fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?;
            let config = web_config(data_dir);
            let message = block_on(mobiplan_web::admin::load_rulebook(
                &config, &text, &by, &note,
            ))
            .map_err(|e| format!("{}: {e}", file.display()))?;
            println!("{message}");
        }
        RulesAction::History { data_dir } => {
            let config = web_config(data_dir);
            emit(&block_on(mobiplan_web::admin::rulebook_history(&config))?);
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Writes the whole output; a reader that went away (a closed pipe) is not an error.
fn emit(text: &str) {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    let _ = stdout
        .write_all(text.as_bytes())
        .and_then(|_| stdout.flush());
}

/// `examples/sch.toml` + pdf-summary → `sch-pdf-summary.pdf` in the current directory.
fn default_export_path(file: &std::path::Path, format: mobiplan_export::Format) -> PathBuf {
    let stem = file
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "project".into());
    PathBuf::from(format!(
        "{stem}-{}{}",
        format.file_kind(),
        format.extension()
    ))
}

fn exit(errors: bool) -> ExitCode {
    if errors {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
