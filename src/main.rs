//! The `nibble` command line: demo, run, lessons check, db migrate, campaign, report, bench.

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand};
use nibble::cli_output::{CLOSED_PIPE_EXIT, OutputError, colour_logs, write_stdout};
use nibble::config::Config;
use nibble::content::load_catalog;
use nibble::store::Store;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "nibble",
    version,
    about = "Microlearning in team chat: bite-sized lessons, quizzes and recognition on Slack and Discord"
)]
struct Cli {
    /// Config file (TOML); NIBBLE_<SECTION>_<KEY> environment variables override it.
    #[arg(long, global = true, env = "NIBBLE_CONFIG")]
    config: Option<PathBuf>,
    /// Database: a SQLite file path or a sqlite:// URL (overrides the config's database.url).
    #[arg(long, global = true)]
    database: Option<String>,
    /// Log lines as human-readable text or as JSON objects (overrides the config's log.format).
    #[arg(long, global = true, value_parser = ["text", "json"])]
    log_format: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Simulate a small team learning for a week on the built-in local platform (no account needed).
    Demo {
        /// Days to simulate.
        #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..=30))]
        days: u32,
        /// Seed for the learners' behaviour: the same seed replays the same week.
        #[arg(long, default_value_t = 7)]
        seed: u64,
    },
    /// Run the bot daemon (reloads lessons on SIGHUP, stops cleanly on SIGINT/SIGTERM).
    Run,
    /// Lesson files.
    Lessons {
        #[command(subcommand)]
        command: LessonsCommand,
    },
    /// Database maintenance.
    Db {
        #[command(subcommand)]
        command: DbCommand,
    },
    /// Drip campaigns, as team leads manage them in chat: create, list, show, pause, resume, stop,
    /// send-next. A running daemon picks changes up within 30 seconds.
    #[command(
        after_help = "Examples:\n  nibble campaign --tenant slack:T0123 create course=security-awareness channel=C0456 cron=\"0 9 * * Mon-Fri\" zone=Europe/Berlin\n  nibble campaign --tenant slack:T0123 show 1"
    )]
    Campaign {
        /// The team: <platform>:<id>, e.g. slack:T0123 or discord:812345678901234567.
        #[arg(long)]
        tenant: String,
        /// The command and its settings, as in chat (`/nibble campaign …`).
        #[arg(trailing_var_arg = true, allow_hyphen_values = true, required = true)]
        words: Vec<String>,
    },
    /// Write all data (or one tenant's) as JSON Lines to standard output.
    Export {
        /// Only this tenant, as platform:id.
        #[arg(long)]
        tenant: Option<String>,
    },
    /// Read an export from standard input into an empty database.
    Import,
    /// Erase one member's personal data (keeping anonymous aggregates) and say what was removed.
    Forget {
        /// The member's tenant, as platform:id.
        #[arg(long)]
        tenant: String,
        /// The member's id on the platform.
        #[arg(long)]
        member: String,
    },
    /// Learning analytics: per course, campaign, question, learner and ISO week.
    Report {
        /// Only this tenant, as platform:id (e.g. slack:T0123).
        #[arg(long)]
        tenant: Option<String>,
        /// Only this course.
        #[arg(long)]
        course: Option<String>,
        /// Only activity on or after this date (YYYY-MM-DD, UTC).
        #[arg(long)]
        since: Option<String>,
        /// table (80 columns), csv or json.
        #[arg(long, default_value = "table", value_parser = ["table", "csv", "json"])]
        format: String,
    },
    /// Measure answer throughput through the engine against a real SQLite file.
    Bench {
        /// Learners who each answer one question.
        #[arg(long, default_value_t = 10_000)]
        learners: usize,
        /// Benchmark leaderboards instead: top ten and rank over a seeded ledger.
        #[arg(long)]
        leaderboard: bool,
        /// Members of the seeded tenant (with --leaderboard).
        #[arg(long, default_value_t = 100_000)]
        members: usize,
        /// Ledger rows seeded (with --leaderboard).
        #[arg(long, default_value_t = 1_000_000)]
        rows: usize,
        /// Benchmark `/learn <words>` search instead, over generated lessons.
        #[arg(long)]
        search: bool,
        /// Benchmark partner rounds instead, for a pool of this many members.
        #[arg(long)]
        partners: Option<usize>,
        /// Lessons generated (with --search).
        #[arg(long, default_value_t = 1_000)]
        lessons: usize,
    },
}

#[derive(Subcommand)]
enum LessonsCommand {
    /// Validate every course and lesson; print each problem as file:line: message (exit code 1 if any).
    Check {
        /// Lessons directory (default: the config's lessons.dir, "lessons", else the built-in courses).
        dir: Option<PathBuf>,
    },
    /// Write the courses built into nibble to a new folder, to start your own from.
    Export {
        /// The folder to create (it must not exist, or be empty).
        dir: PathBuf,
    },
}

#[derive(Subcommand)]
enum DbCommand {
    /// Create the database if needed and apply every pending migration.
    Migrate,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match real_main(cli) {
        Ok(code) => code,
        Err(e)
            if e.downcast_ref::<OutputError>()
                .is_some_and(OutputError::is_closed_pipe) =>
        {
            ExitCode::from(CLOSED_PIPE_EXIT)
        }
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn real_main(cli: Cli) -> Result<ExitCode> {
    let mut config = Config::load(cli.config.as_deref(), std::env::vars())?;
    if let Some(db) = &cli.database {
        config.database.url = db.clone();
    }
    if let Some(format) = &cli.log_format {
        config.log.format = format.clone();
    }
    init_logging(&config, &cli.command);
    use_built_in_courses_if_needed(&mut config, &cli.command)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(async move {
        match cli.command {
            Command::Demo { days, seed } => {
                let database = nibble::store::database_path(cli.database.as_deref().unwrap_or("nibble-demo.db"))?;
                let opts = nibble::demo::DemoOptions { database, lessons_dir: config.lessons.dir.clone(), days, seed };
                let mut out = std::io::stdout().lock();
                match nibble::demo::run(&opts, &mut out).await {
                    Err(nibble::demo::DemoError::Output(e)) => return Err(OutputError(e).into()),
                    result => result.context("the demo failed")?,
                };
                Ok(ExitCode::SUCCESS)
            }
            Command::Run => nibble::daemon::run(config, std::env::vars().collect()).await.map(|()| ExitCode::SUCCESS).map_err(Into::into),
            Command::Lessons { command: LessonsCommand::Export { dir } } => {
                let files = nibble::content::embedded::export_to(&dir)
                    .with_context(|| format!("cannot write the built-in courses to `{}`", dir.display()))?;
                write_stdout(&format!("{}: {files} files of the built-in courses written; point [lessons] dir (or NIBBLE_LESSONS_DIR) at it\n", dir.display()))?;
                Ok(ExitCode::SUCCESS)
            }
            Command::Lessons { command: LessonsCommand::Check { dir } } => {
                let dir = dir.unwrap_or(config.lessons.dir);
                match load_catalog(&dir) {
                    Ok(catalog) => {
                        write_stdout(&format!("{}: {} courses, {} lessons, {} diagnostics, no problems\n", dir.display(), catalog.courses().len(), catalog.lesson_count(), catalog.diagnostic_count()))?;
                        Ok(ExitCode::SUCCESS)
                    }
                    Err(problems) => {
                        write_stdout(&problems.to_string())?;
                        eprintln!("{} problem(s) found", problems.0.len());
                        Ok(ExitCode::FAILURE)
                    }
                }
            }
            Command::Db { command: DbCommand::Migrate } => {
                let store = Store::open(&config.database.url, config.database.durability).await?;
                store.close().await;
                write_stdout(&format!("{}: migrated to schema version {}\n", config.database.url, nibble::store::latest_version()))?;
                Ok(ExitCode::SUCCESS)
            }
            Command::Campaign { tenant, words } => {
                // The words take everything after them: a global option there would be read as a
                // word and the command would run on the default database instead.
                if let Some(option) = words.iter().find_map(|w| global_option(w)) {
                    bail!("`{option}` after the campaign words is not read as an option: put it before them (`nibble {option} … campaign --tenant {tenant} …`)");
                }
                let outcome = nibble::campaign_cli::run(&config, &tenant, &words).await?;
                write_stdout(&format!("{}\n", outcome.text))?;
                Ok(if outcome.status.succeeded() { ExitCode::SUCCESS } else { ExitCode::FAILURE })
            }
            Command::Export { tenant } => {
                if !database_exists(&config.database.url) {
                    bail!("database `{}` does not exist", config.database.url);
                }
                let store = Store::open_read_only(&config.database.url).await?;
                let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
                let mut out = std::io::BufWriter::new(std::io::stdout().lock());
                let rows = nibble::backup::export(&store, tenant.as_deref(), &now, &mut out).await;
                store.close().await;
                let rows = match rows {
                    Err(nibble::backup::BackupError::Write(e)) => return Err(OutputError(e).into()),
                    rows => rows?,
                };
                eprintln!("exported {rows} rows");
                Ok(ExitCode::SUCCESS)
            }
            Command::Import => {
                // The whole input is verified before the database is opened (or created).
                let export = nibble::backup::read(std::io::stdin().lock())?;
                let store = Store::open(&config.database.url, config.database.durability).await?;
                let summary = nibble::backup::import(&store, export).await;
                store.close().await;
                eprintln!("{}", summary?);
                Ok(ExitCode::SUCCESS)
            }
            Command::Forget { tenant, member } => {
                if !database_exists(&config.database.url) {
                    bail!("database `{}` does not exist", config.database.url);
                }
                let store = Store::open(&config.database.url, config.database.durability).await?;
                let tenant_id = nibble::backup::tenant_id(&store, &tenant).await;
                let result = match tenant_id {
                    Ok(id) => store.forget_member(id, &member).await.map_err(anyhow::Error::from),
                    Err(e) => Err(anyhow::Error::from(e)),
                };
                store.close().await;
                write_stdout(&format!("{}\n", result?))?;
                Ok(ExitCode::SUCCESS)
            }
            Command::Report { tenant, course, since, format } => {
                if !database_exists(&config.database.url) {
                    // Right after `nibble demo`, the database to read is the demo's.
                    if std::path::Path::new("nibble-demo.db").is_file() {
                        bail!("database `{}` does not exist; the demo's is nibble-demo.db: `nibble report --database nibble-demo.db`", config.database.url);
                    }
                    bail!("database `{}` does not exist (run `nibble demo` first, or pass --database)", config.database.url);
                }
                let since = since.as_deref().map(nibble::report::parse_since).transpose()?;
                let format = match format.as_str() {
                    "csv" => nibble::report::Format::Csv,
                    "json" => nibble::report::Format::Json,
                    _ => nibble::report::Format::Table,
                };
                // Without the lesson files the report still runs: courses and questions by id only.
                let catalog = load_catalog(&config.lessons.dir).unwrap_or_else(|p| {
                    eprintln!("note: lessons not loaded ({}): courses and questions are shown by id", p.0.first().map(|x| x.message.clone()).unwrap_or_default());
                    nibble::content::Catalog::default()
                });
                let store = Store::open_read_only(&config.database.url).await?;
                let out = nibble::report::render(&store, &catalog, tenant.as_deref(), course.as_deref(), since, format, &config.reviews).await;
                let unchanged = store.unchanged_since_open();
                store.close().await;
                let out = out?;
                unchanged?;
                write_stdout(&out)?;
                Ok(ExitCode::SUCCESS)
            }
            Command::Bench { learners, leaderboard, members, rows, search, lessons, partners } => {
                let database = nibble::store::database_path(cli.database.as_deref().unwrap_or("nibble-bench.db"))?;
                let report = if let Some(pool) = partners {
                    nibble::bench::partners::run(&database, &config.lessons.dir, pool.max(2), config.database.durability).await?
                } else if search {
                    nibble::bench::search::run(lessons.max(1))?
                } else if leaderboard {
                    nibble::bench::leaderboard::run(&database, &config.lessons.dir, members.max(1), rows, config.database.durability).await?
                } else {
                    nibble::bench::answers::run(&database, &config.lessons.dir, learners, config.database.durability, config.engine_settings()).await?
                };
                write_stdout(&report.to_string())?;
                Ok(ExitCode::SUCCESS)
            }
        }
    })
}

/// The global option a campaign word spells (`--database`, `--config=x.toml` …), if any.
fn global_option(word: &str) -> Option<&'static str> {
    ["--database", "--config", "--log-format"]
        .into_iter()
        .find(|o| {
            word == *o
                || word
                    .strip_prefix(o)
                    .is_some_and(|rest| rest.starts_with('='))
        })
}

fn database_exists(url: &str) -> bool {
    let path = url
        .trim_start_matches("sqlite://")
        .trim_start_matches("sqlite:");
    let path = path.split('?').next().unwrap_or(path);
    std::path::Path::new(path).exists()
}

fn init_logging(config: &Config, command: &Command) {
    // One-shot commands print their own output: only warnings go to the log there, and the demo,
    // whose transcript shows refused clicks on purpose, logs errors only.
    let filter = match command {
        Command::Run => config.log.filter.clone(),
        Command::Demo { .. } => "error".to_string(),
        _ => "warn".to_string(),
    };
    let filter = std::env::var("RUST_LOG").unwrap_or(filter);
    let builder = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_new(&filter).unwrap_or_else(|_| "info".into()),
        )
        .with_writer(std::io::stderr)
        .with_ansi(colour_logs());
    if config.log.format == "json" {
        builder.json().init();
    } else {
        builder.init();
    }
}

/// Without a configured lessons folder and without `lessons/` here, the courses built into nibble
/// are used (unpacked once into the temporary directory), so the demo and a fresh install work
/// from any directory. A configured folder always wins, missing or not.
fn use_built_in_courses_if_needed(config: &mut Config, command: &Command) -> Result<()> {
    let needs_lessons = !matches!(
        command,
        Command::Lessons {
            command: LessonsCommand::Export { .. }
        }
    );
    if config.lessons.configured || config.lessons.dir.exists() || !needs_lessons {
        return Ok(());
    }
    config.lessons.dir = nibble::content::embedded::unpacked()
        .context("cannot unpack the courses built into nibble")?;
    if matches!(command, Command::Run) {
        tracing::info!(lessons = %config.lessons.dir.display(), "no lessons folder here: using the courses built into nibble");
    }
    Ok(())
}
