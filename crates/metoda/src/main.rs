//! `metoda`: the server and its command-line tools. `cargo run` starts the server on an embedded
//! SQLite file; see `metoda --help`.

mod config;

use std::io::{BufRead, Write};
use std::path::PathBuf;

use anyhow::{Context, Result, anyhow, bail};
use clap::{Parser, Subcommand};
use metoda_domain::access::{Role, ScopeKind};
use metoda_domain::directory::{RegionInput, UserInput};
use metoda_store::{Actor, Db, StoreError, archive, demo, migrate, profiles, regions, scale, sessions, users};

use crate::config::Config;

#[derive(Parser)]
#[command(
    name = "metoda",
    version,
    about = "Metoda — the information system of municipal methodological associations of teachers (ММО, МУМО, РМО)"
)]
struct Cli {
    /// Configuration file (TOML); default: METODA_CONFIG or ./metoda.toml when present.
    #[arg(long, global = true)]
    config: Option<PathBuf>,
    /// Database URL: sqlite://path/file.db or postgres://user@host:5432/db (overrides the config).
    #[arg(long, global = true)]
    database_url: Option<String>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Start the web server (the default command).
    Serve,
    /// Apply database migrations and exit.
    Migrate,
    /// Fill demo data: Томский район (seed 002) with organizations, teachers, associations created by orders and a
    /// user for every role; Асиновский район (seed 004) with an МУМО and its РМО.
    DemoData {
        /// Load even when the database already has users (the demo scale only).
        #[arg(long)]
        force: bool,
        /// `demo` (two municipalities, for trying the product) or `region` (10 municipalities,
        /// 200 organizations, 20 000 teachers, 1 000 associations, five years of meetings and
        /// results: for measuring; into an empty database only).
        #[arg(long, value_enum, default_value = "demo")]
        scale: DemoScale,
    },
    /// Manage user accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Personal API tokens.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Regions.
    #[command(subcommand)]
    Region(RegionCommand),
    /// Write the whole database to a JSON archive (docs/archive-format.md).
    Export { file: PathBuf },
    /// Load a JSON archive into an empty database.
    Import { file: PathBuf },
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum DemoScale {
    Demo,
    Region,
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create an account with one role; the password is read from standard input.
    Create {
        #[arg(long)]
        login: String,
        /// Full name (ФИО).
        #[arg(long)]
        name: String,
        /// administrator, region_operator, authority_head, authority_specialist, cabinet_head,
        /// association_head, deputy, secretary, member_teacher, org_admin
        #[arg(long)]
        role: String,
        /// Where the role holds: region:ID, municipality:ID, association:ID or organization:ID
        /// (not needed for administrator).
        #[arg(long)]
        scope: Option<String>,
        #[arg(long)]
        email: Option<String>,
        /// Read the password from standard input (required).
        #[arg(long)]
        password_stdin: bool,
    },
    /// Set a user's password (read from standard input) and end their sessions.
    SetPassword {
        #[arg(long)]
        login: String,
        #[arg(long)]
        password_stdin: bool,
    },
    /// List accounts and their roles.
    List,
}

#[derive(Subcommand)]
enum TokenCommand {
    /// Create a personal API token for a user and print it (shown once).
    Create {
        #[arg(long)]
        login: String,
        #[arg(long, default_value = "cli")]
        name: String,
    },
}

#[derive(Subcommand)]
enum RegionCommand {
    /// Create a region.
    Create {
        #[arg(long)]
        name: String,
        #[arg(long, default_value = "")]
        code: String,
    },
}

#[tokio::main]
async fn main() {
    let cli = Cli::parse();
    if let Err(e) = run(cli).await {
        eprintln!("error: {e:#}");
        std::process::exit(1);
    }
}

async fn open(cfg: &Config) -> Result<Db> {
    let db = Db::connect(&cfg.database_url)
        .await
        .with_context(|| format!("cannot open the database {}", metoda_store::redact_url(&cfg.database_url)))?;
    migrate::run(&db).await.context("migration failed")?;
    let mut c = db.conn().await?;
    profiles::install_presets(&mut c).await?;
    Ok(db)
}

fn read_password(flag: bool) -> Result<String> {
    if !flag {
        bail!("pass --password-stdin and type the password on standard input");
    }
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    Ok(line.trim_end_matches(['\n', '\r']).to_owned())
}

fn field_errors(e: Vec<metoda_domain::FieldError>) -> anyhow::Error {
    anyhow!(e.into_iter().map(|f| f.message).collect::<Vec<_>>().join("; "))
}

fn store_err(e: StoreError) -> anyhow::Error {
    match e {
        StoreError::Invalid(f) => field_errors(f),
        e => anyhow!(e),
    }
}

async fn run(cli: Cli) -> Result<()> {
    let mut cfg = Config::load(cli.config.as_deref())?;
    if let Some(url) = cli.database_url {
        cfg.database_url = url;
    }
    {
        use tracing_subscriber::Layer as _;
        use tracing_subscriber::layer::SubscriberExt as _;
        use tracing_subscriber::util::SubscriberInitExt as _;
        let filter = tracing_subscriber::EnvFilter::try_new(&cfg.log)
            .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
        // The log as configured; beside it, the count of each request's SQL statements
        // (metoda_web::telemetry), whatever the log level.
        tracing_subscriber::registry()
            .with(tracing_subscriber::fmt::layer().with_writer(std::io::stderr).with_filter(filter))
            .with(metoda_web::telemetry::query_counter())
            .init();
    }
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(&cfg).await,
        Command::Migrate => {
            let db = open(&cfg).await?;
            println!("schema version {} on {}", migrate::current_version(&db).await?, db.backend().name());
            Ok(())
        }
        Command::DemoData { scale: DemoScale::Region, .. } => {
            let db = open(&cfg).await?;
            let started = std::time::Instant::now();
            let today =
                time::OffsetDateTime::now_utc().to_offset(time::UtcOffset::from_whole_seconds(7 * 3600)?).date();
            let g = scale::generate(&db, &scale::Scale::region(today)).await.map_err(store_err)?;
            println!(
                "Данные масштаба региона загружены за {:.0} с ({}): {}.",
                started.elapsed().as_secs_f64(),
                db.backend().name(),
                g.summary_ru()
            );
            println!("Пароль всех пользователей: {}", demo::DEMO_PASSWORD);
            let logins: Vec<&str> = g.users.iter().map(|(l, _)| l.as_str()).collect();
            println!("  {}", logins.join(", "));
            Ok(())
        }
        Command::DemoData { force, scale: DemoScale::Demo } => {
            let db = open(&cfg).await?;
            let loaded = demo::load(&db, force).await.map_err(store_err)?;
            demo::example_emails(&db).await.map_err(store_err)?;
            metoda_web::features::analysis::demo_reports(&db, &loaded.associations)
                .await
                .map_err(|e| anyhow!("demo analyses: {e:?}"))?;
            println!(
                "Демо-данные загружены: {} / {}: организаций {}, педагогов {}, объединений {}; {}: «{}» с РМО.",
                demo::DEMO_REGION,
                demo::DEMO_MUNICIPALITY,
                loaded.organizations,
                loaded.teachers,
                loaded.associations.len() - 1,
                demo::DEMO_MUNICIPALITY_2,
                demo::DEMO_ASSOCIATION_2
            );
            println!("Пароль всех демо-пользователей: {}", demo::DEMO_PASSWORD);
            for (login, role) in &loaded.users {
                println!("  {login:<15} {}", role.label_ru());
            }
            Ok(())
        }
        Command::User(u) => user(&cfg, u).await,
        Command::Token(TokenCommand::Create { login, name }) => {
            let db = open(&cfg).await?;
            let mut tx = db.begin().await?;
            let (u, _) =
                users::by_login(&mut tx, &login).await?.ok_or_else(|| anyhow!("no user with login {login}"))?;
            let (secret, _) =
                sessions::create_token(&mut tx, &Actor::cli("token"), u.id, &name).await.map_err(store_err)?;
            tx.commit().await?;
            println!("{secret}");
            Ok(())
        }
        Command::Region(RegionCommand::Create { name, code }) => {
            let db = open(&cfg).await?;
            let d = RegionInput { name, code }.parse().map_err(field_errors)?;
            let mut tx = db.begin().await?;
            let r = regions::create(&mut tx, &Actor::cli("region"), &d).await.map_err(store_err)?;
            tx.commit().await?;
            println!("region {} created: id {}", r.name, r.id);
            Ok(())
        }
        Command::Export { file } => {
            let db = open(&cfg).await?;
            let a = archive::export(&db).await?;
            let tmp = file.with_extension("tmp");
            {
                // The archive holds password hashes and personal data: readable by the owner only.
                let mut opts = std::fs::OpenOptions::new();
                opts.write(true).create(true).truncate(true);
                #[cfg(unix)]
                std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
                let file_handle = opts.open(&tmp).with_context(|| format!("cannot write {}", tmp.display()))?;
                let mut f = std::io::BufWriter::new(file_handle);
                serde_json::to_writer(&mut f, &a)?;
                f.write_all(b"\n")?;
                f.flush()?;
            }
            std::fs::rename(&tmp, &file)?;
            println!("exported to {}", file.display());
            Ok(())
        }
        Command::Import { file } => {
            let db = open(&cfg).await?;
            let text = std::fs::read_to_string(&file).with_context(|| format!("cannot read {}", file.display()))?;
            let a: serde_json::Value =
                serde_json::from_str(&text).with_context(|| format!("{} is not JSON", file.display()))?;
            let n = archive::import(&db, &a).await.map_err(store_err)?;
            println!("imported {n} rows from {}", file.display());
            Ok(())
        }
    }
}

async fn user(cfg: &Config, cmd: UserCommand) -> Result<()> {
    let db = open(cfg).await?;
    let actor = Actor::cli("user");
    match cmd {
        UserCommand::Create { login, name, role, scope, email, password_stdin } => {
            let password = read_password(password_stdin)?;
            let role = Role::from_code(&role)
                .ok_or_else(|| anyhow!("unknown role {role:?}; see metoda user create --help"))?;
            let scope_id = match (role.scope_kind(), scope.as_deref()) {
                (ScopeKind::System, _) => None,
                (kind, Some(s)) => {
                    let (k, id) =
                        s.split_once(':').ok_or_else(|| anyhow!("--scope must look like {}:ID", kind.code()))?;
                    if k != kind.code() {
                        bail!("the role {} is held in a {} (--scope {}:ID)", role.code(), kind.code(), kind.code());
                    }
                    Some(id.parse::<i64>().with_context(|| format!("bad id in --scope {s}"))?)
                }
                (kind, None) => bail!("the role {} needs --scope {}:ID", role.code(), kind.code()),
            };
            let d = UserInput { login, full_name: name, email: email.unwrap_or_default(), password }
                .parse(true)
                .map_err(field_errors)?;
            let mut tx = db.begin().await?;
            let ids = users::resolve_scope(&mut tx, role.scope_kind(), scope_id).await.map_err(store_err)?;
            let u = users::create(&mut tx, &actor, ids.0, ids.1, &d).await.map_err(store_err)?;
            users::add_grant(&mut tx, &actor, u.id, role, ids).await.map_err(store_err)?;
            tx.commit().await?;
            println!("user {} created ({})", u.login, role.label_ru());
        }
        UserCommand::SetPassword { login, password_stdin } => {
            let password = read_password(password_stdin)?;
            let mut tx = db.begin().await?;
            let (u, _) =
                users::by_login(&mut tx, &login).await?.ok_or_else(|| anyhow!("no user with login {login}"))?;
            metoda_domain::values::new_password("password", &password, &u.login).map_err(|e| anyhow!(e.message))?;
            users::set_password(&mut tx, &actor, u.id, &password).await?;
            sessions::delete_others(&mut tx, u.id, None).await?;
            tx.commit().await?;
            println!("password of {} changed; their sessions ended", u.login);
        }
        UserCommand::List => {
            let mut c = db.conn().await?;
            for u in users::list(&mut c, None, None).await? {
                let grants = users::grants(&mut c, u.id).await?;
                let roles: Vec<String> =
                    grants.iter().map(|g| format!("{} ({})", g.role.code(), g.scope_name)).collect();
                let state = if u.archived_at.is_some() { " [blocked]" } else { "" };
                println!("{:<20} {}{} — {}", u.login, u.full_name, state, roles.join(", "));
            }
        }
    }
    Ok(())
}

async fn serve(cfg: &Config) -> Result<()> {
    let db = open(cfg).await?;
    let web = cfg.web()?;
    tracing::info!(
        database = %metoda_store::redact_url(&cfg.database_url),
        backend = db.backend().name(),
        schema_version = migrate::current_version(&db).await?,
        "database ready"
    );
    {
        let mut c = db.conn().await?;
        if users::count(&mut c).await? == 0 {
            tracing::warn!(
                "no users yet: create the first administrator with \
                 `echo 'a-strong-password' | cargo run -- user create --login admin --name \"Администратор\" --role administrator --password-stdin` \
                 or load the demo with `cargo run -- demo-data`"
            );
        }
    }
    let sweeper = db.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(3600));
        loop {
            tick.tick().await;
            if let Ok(mut c) = sweeper.conn().await
                && let Err(e) = sessions::sweep(&mut c).await
            {
                tracing::warn!(error = %e, "session sweep failed");
            }
        }
    });
    // Reminders of deadlines and expiring categories: every app server, hourly (each is given
    // once, whichever server comes first).
    let reminder = db.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(3600));
        loop {
            tick.tick().await;
            if let Ok(mut c) = reminder.conn().await {
                match metoda_store::reminders::run(&mut c, time::OffsetDateTime::now_utc()).await {
                    Ok(r) if r.deadlines + r.categories > 0 => {
                        tracing::info!(deadlines = r.deadlines, categories = r.categories, "reminders given")
                    }
                    Ok(_) => {}
                    Err(e) => tracing::warn!(error = %e, "the reminder pass failed"),
                }
            }
        }
    });
    let clock = metoda_web::Clock::system();
    match cfg.mail()? {
        Some(mailer) => {
            tracing::info!(public_url = %cfg.public_url, "notifications are sent by e-mail");
            let interval = std::time::Duration::from_secs(cfg.mail_interval_seconds);
            metoda_web::mail::spawn(db.clone(), mailer, clock.clone(), interval);
        }
        None => tracing::info!("no smtp_url: notifications stay in Metoda, no e-mail is sent"),
    }
    let running = metoda_web::spawn(metoda_web::AppState { db, config: web, clock }, &cfg.bind)
        .await
        .with_context(|| format!("cannot listen on {}", cfg.bind))?;
    tracing::info!("Metoda listens on http://{}", running.addr);
    running.handle.await??;
    tracing::info!("stopped");
    Ok(())
}
