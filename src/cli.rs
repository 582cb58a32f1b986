//! The command line: parses arguments, runs one command, turns its error into
//! one line on stderr and an exit code (0 success, 1 failure, 2 usage).

use crate::api::call::execute;
use crate::api::{Call, Caller, Catalog};
use crate::database::Database;
use crate::error::{Error, Result};
use crate::{cluster, http, lint, migrate, sqltest, tap, worker};
use clap::{Parser, Subcommand};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "dues",
    version,
    about = "Membership and subscription billing that lives inside PostgreSQL"
)]
pub struct Cli {
    /// The database: a libpq URL or keyword string. Without it, dues uses its
    /// embedded cluster under DUES_HOME.
    #[arg(long, env = "DATABASE_URL", global = true, hide_env_values = true)]
    database_url: Option<String>,

    /// Folder of the embedded cluster.
    #[arg(long, env = "DUES_HOME", default_value = ".dues", global = true)]
    home: PathBuf,

    /// Read migrations from DIR/sql and DIR/procs instead of the copy built
    /// into dues (to try a migration without rebuilding).
    #[arg(long, env = "DUES_MIGRATIONS", global = true, value_name = "DIR")]
    migrations: Option<PathBuf>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the api functions over HTTP (migrates first).
    Serve {
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:8080")]
        listen: String,
        /// Do not apply pending migrations at start.
        #[arg(long)]
        no_migrate: bool,
        /// Database connections at most.
        #[arg(long, default_value_t = 32)]
        pool_size: usize,
        /// Seconds a request waits for a free connection before a 503.
        #[arg(long, default_value_t = 5.0)]
        pool_wait: f64,
        /// Seconds a statement may run before a 504.
        #[arg(long, default_value_t = 30.0)]
        statement_timeout: f64,
        /// Largest request body in bytes (413 past it).
        #[arg(long, default_value_t = 1 << 20)]
        body_limit: usize,
    },
    /// Apply pending migrations of sql/, then the changed files of procs/.
    Migrate {
        /// List applied and pending migrations and procs/ files instead.
        #[arg(long, conflicts_with = "fingerprint")]
        status: bool,
        /// Print the database's schema (every function, table, type, trigger,
        /// grant…) as text to compare two databases, instead of migrating.
        #[arg(long)]
        fingerprint: bool,
    },
    /// Run the pgTAP suites of tests/sql in a scratch database.
    Test {
        /// Connections to spread test functions over.
        #[arg(long, short, default_value_t = 4)]
        jobs: usize,
        /// Only test functions whose name matches this regular expression.
        #[arg(long = "match", short)]
        pattern: Option<String>,
        /// Report format.
        #[arg(long, value_enum, default_value = "tap")]
        format: tap::Format,
        /// Folder of the test files.
        #[arg(long, default_value = "tests/sql")]
        dir: PathBuf,
        /// Longest one statement of a test may run, in seconds.
        #[arg(long, default_value_t = 60)]
        timeout: u64,
    },
    /// Check every PL/pgSQL function with plpgsql_check.
    Lint,
    /// Call an api function, as HTTP does, and print its JSON answer.
    Call {
        /// The function of schema api.
        name: String,
        /// Arguments as name=value (PostgreSQL converts each value).
        #[arg(value_name = "ARG=VALUE")]
        args: Vec<String>,
        /// Arguments as one JSON object instead.
        #[arg(long, conflicts_with = "args")]
        json: Option<String>,
        /// Act as this member instead of staff.
        #[arg(long, value_name = "ID")]
        as_member: Option<i64>,
    },
    /// Deliver the outbox, verify payment notifications, run scheduled jobs.
    Worker {
        /// Seconds to wait between rounds when there is nothing to do.
        #[arg(long, default_value_t = 1.0)]
        poll: f64,
        /// Messages claimed per round.
        #[arg(long, default_value_t = 50)]
        batch: i32,
        /// Where e-mail goes: smtp://[user:pass@]host[:port][?tls=required] or smtps://…
        #[arg(
            long,
            env = "DUES_SMTP_URL",
            default_value = "smtp://127.0.0.1:25",
            hide_env_values = true
        )]
        smtp_url: String,
        /// Seconds one delivery may take.
        #[arg(long, default_value_t = 30.0)]
        timeout: f64,
        /// Run one round and exit.
        #[arg(long)]
        once: bool,
        /// This worker's name in the leases it takes (default: host and pid).
        #[arg(long)]
        name: Option<String>,
    },
    /// Background jobs.
    Jobs {
        #[command(subcommand)]
        action: JobsAction,
    },
    /// Manage API tokens.
    Token {
        #[command(subcommand)]
        action: TokenAction,
    },
    /// Manage the embedded cluster.
    Db {
        #[command(subcommand)]
        action: DbAction,
    },
}

#[derive(Debug, Subcommand)]
enum JobsAction {
    /// Run one job once (for cron): jobs.NAME(now).
    Run {
        name: String,
        /// The "now" the job runs at (a timestamp PostgreSQL understands); default: now.
        #[arg(long, value_name = "TIMESTAMP")]
        at: Option<String>,
    },
    /// The jobs there are and their schedule.
    List,
}

#[derive(Debug, Subcommand)]
enum TokenAction {
    /// Create a token for a member or for staff; it is printed once.
    Create {
        #[arg(
            long,
            value_name = "ID",
            conflicts_with = "staff",
            required_unless_present = "staff"
        )]
        member: Option<i64>,
        #[arg(long)]
        staff: bool,
        /// When it stops working (a timestamp PostgreSQL understands).
        #[arg(long, value_name = "TIMESTAMP")]
        expires: Option<String>,
        /// A note on what the token is for.
        #[arg(long)]
        label: Option<String>,
    },
    /// Revoke a token by its id.
    Revoke { id: i64 },
}

#[derive(Debug, Subcommand)]
enum DbAction {
    /// Where the database is and whether it runs.
    Status,
    /// Create and start the embedded cluster if needed.
    Start,
    /// Stop the embedded cluster (`dues serve` then leaves it stopped).
    Stop {
        /// Also remove its files, wherever they are, and DUES_HOME when nothing else is in it.
        #[arg(long)]
        remove: bool,
    },
    /// Print the connection string (for psql).
    Url,
}

/// Runs the command line; returns the process exit code.
pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { 2 } else { 0 };
        }
    };
    init_tracing(matches!(cli.command, Command::Serve { .. }));
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("dues: cannot start the async runtime: {e}");
            return 1;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => 0,
        Err(Error::Silent) => 1,
        Err(e) => {
            eprintln!("dues: {e}");
            e.exit_code()
        }
    }
}

fn init_tracing(serving: bool) {
    let default = if serving { "info" } else { "warn" };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
}

async fn run(cli: Cli) -> Result<()> {
    if let Some(dir) = &cli.migrations {
        migrate::use_folder(dir)?;
    }
    let db = Database::resolve(cli.database_url.as_deref(), cli.home.clone())?;
    match cli.command {
        Command::Serve {
            listen,
            no_migrate,
            pool_size,
            pool_wait,
            statement_timeout,
            body_limit,
        } => {
            let seconds = |name: &str, v: f64| {
                if v.is_finite() && v > 0.0 {
                    Ok(std::time::Duration::from_secs_f64(v))
                } else {
                    Err(Error::Usage(format!(
                        "--{name} must be a positive number of seconds"
                    )))
                }
            };
            if pool_size == 0 {
                return Err(Error::Usage("--pool-size must be at least 1".into()));
            }
            let settings = http::Settings {
                listen,
                pool_size,
                pool_wait: seconds("pool-wait", pool_wait)?,
                statement_timeout: seconds("statement-timeout", statement_timeout)?,
                body_limit,
                ..http::Settings::default()
            };
            db.prepare().await?;
            if !no_migrate {
                migrate_and_print(&db, false).await?;
            }
            db.watch();
            http::serve(&db, settings).await
        }
        Command::Migrate {
            status,
            fingerprint,
        } => {
            db.prepare().await?;
            if status {
                let mut client = db.connect().await?;
                for s in migrate::status(&mut client).await? {
                    let mut line = format!("{:<7}  {}", s.state, s.path);
                    if let Some(at) = s.applied_on {
                        line.push_str(&format!("  {at}"));
                    }
                    if let Some(note) = s.note {
                        line.push_str(&format!("  ({note})"));
                    }
                    println!("{line}");
                }
                Ok(())
            } else if fingerprint {
                let client = db.connect().await?;
                print!("{}", crate::fingerprint::of(&client).await?);
                Ok(())
            } else {
                migrate_and_print(&db, true).await
            }
        }
        Command::Test {
            jobs,
            pattern,
            format,
            dir,
            timeout,
        } => {
            if jobs == 0 {
                return Err(Error::Usage("--jobs must be at least 1".into()));
            }
            db.prepare().await?;
            let opts = sqltest::Options {
                dir,
                jobs,
                pattern,
                format,
                statement_timeout_ms: timeout.saturating_mul(1000),
            };
            sqltest::run(&db, &opts).await.map(|_| ())
        }
        Command::Lint => {
            db.prepare().await?;
            lint::run(&db).await.map(|_| ())
        }
        Command::Call {
            name,
            args,
            json,
            as_member,
        } => {
            let text_values = json.is_none();
            let (args, keys) = match json {
                Some(j) => http::json_args(j.as_bytes()),
                None => {
                    let pairs = args
                        .iter()
                        .map(|a| {
                            a.split_once('=').ok_or_else(|| {
                                Error::Usage(format!("argument {a:?} is not name=value"))
                            })
                        })
                        .collect::<Result<Vec<_>>>()?;
                    let query = form_urlencoded::Serializer::new(String::new())
                        .extend_pairs(pairs)
                        .finish();
                    http::query_args(&query)
                }
            }
            .map_err(|e| Error::Usage(e.message))?;
            let caller = match as_member {
                Some(id) => Caller::Member(id),
                None => Caller::Staff,
            };
            let call = Call {
                function: name,
                args,
                keys,
                text_values,
                read_only: false,
                idempotency: None,
            };
            call_and_print(&db, &caller, &call).await
        }
        Command::Token { action } => {
            let (name, args) = match action {
                TokenAction::Create {
                    member,
                    staff,
                    expires,
                    label,
                } => (
                    "token_create",
                    serde_json::json!({"member_id": member, "staff": staff, "expires_at": expires, "label": label}),
                ),
                TokenAction::Revoke { id } => {
                    ("token_revoke", serde_json::json!({ "token_id": id }))
                }
            };
            let keys = args
                .as_object()
                .map(|o| o.keys().cloned().collect())
                .unwrap_or_default();
            let call = Call {
                function: name.into(),
                args: args.to_string(),
                keys,
                text_values: false,
                read_only: false,
                idempotency: None,
            };
            call_and_print(&db, &Caller::Staff, &call).await
        }
        Command::Worker {
            poll,
            batch,
            smtp_url,
            timeout,
            once,
            name,
        } => {
            let settings = worker::Settings {
                poll: seconds("poll", poll)?,
                batch: batch.max(1),
                smtp_url,
                timeout: seconds("timeout", timeout)?,
                once,
                name: name.unwrap_or_else(|| {
                    let host = nix::unistd::gethostname()
                        .map(|h| h.to_string_lossy().into_owned())
                        .unwrap_or_else(|_| "host".into());
                    format!("{host}:{}", std::process::id())
                }),
            };
            db.prepare().await?;
            worker::run(&db, settings).await
        }
        Command::Jobs { action } => {
            db.prepare().await?;
            let client = db.connect().await?;
            match action {
                JobsAction::Run { name, at } => {
                    println!("{}", crate::jobs::run(&client, &name, at.as_deref()).await?);
                }
                JobsAction::List => {
                    for r in client
                        .query(
                            "select job, case when cron is not null then 'cron ' || cron \
                                              when every is not null then 'every ' || every::text \
                                              else 'not scheduled' end \
                                         || case when not enabled then ' (disabled)' else '' end, \
                                    coalesce(next_run_at::text, ''), coalesce(last_error, '') from dues.job_list()",
                            &[],
                        )
                        .await?
                    {
                        let (job, schedule, next, error): (String, String, String, String) =
                            (r.get(0), r.get(1), r.get(2), r.get(3));
                        println!("{job:<16} {schedule:<20} next {next} {error}");
                    }
                }
            }
            Ok(())
        }
        Command::Db { action } => db_command(&db, action).await,
    }
}

/// A positive number of seconds from a flag.
fn seconds(name: &str, v: f64) -> Result<std::time::Duration> {
    if v.is_finite() && v > 0.0 {
        Ok(std::time::Duration::from_secs_f64(v))
    } else {
        Err(Error::Usage(format!(
            "--{name} must be a positive number of seconds"
        )))
    }
}

/// `dues call`: the same pipeline as HTTP; the answer's JSON on stdout, an
/// error's JSON on stderr (exit 1).
async fn call_and_print(db: &Database, caller: &Caller, call: &Call) -> Result<()> {
    db.prepare().await?;
    let settings = http::Settings::default();
    let pool = http::pool(db, 1, settings.pool_wait, settings.statement_timeout)?;
    let client = pool.get().await.map_err(|e| Error::Connect {
        target: db.describe(),
        reason: e.to_string(),
    })?;
    let catalog = Catalog::load(&client).await?;
    match execute(&client, &catalog, caller, call, "cli").await {
        Ok(answer) => {
            if let Some(body) = answer.body {
                println!("{body}");
            }
            Ok(())
        }
        Err(e) => {
            eprintln!("{}", e.body());
            Err(Error::Silent)
        }
    }
}

async fn migrate_and_print(db: &Database, verbose: bool) -> Result<()> {
    let mut client = db.connect().await?;
    let applied = migrate::run(&mut client).await?;
    for path in &applied {
        tracing::info!(migration = %path, "applied");
        if verbose {
            println!("applied  {path}");
        }
    }
    if verbose && applied.is_empty() {
        println!("nothing to apply: {} is up to date", db.describe());
    }
    Ok(())
}

async fn db_command(db: &Database, action: DbAction) -> Result<()> {
    let Some(cluster) = db.cluster() else {
        return match action {
            DbAction::Status => {
                let client = db.connect().await?;
                let version: String = client.query_one("select version()", &[]).await?.get(0);
                println!("database: {} (external, from DATABASE_URL)", db.describe());
                println!("server:   {version}");
                Ok(())
            }
            DbAction::Url => {
                println!("{}", db.describe());
                Ok(())
            }
            DbAction::Start | DbAction::Stop { .. } => Err(Error::Usage(
                "DATABASE_URL names an external server: dues starts and stops only its embedded cluster"
                    .into(),
            )),
        };
    };
    match action {
        DbAction::Status => {
            let s = cluster.status()?;
            println!("cluster:  {}", s.dir.display());
            print!("{}", s.placement());
            println!("programs: {} ({})", s.bindir.display(), s.version);
            println!(
                "state:    {}",
                match (s.initialized, s.pid) {
                    (false, _) => "not created yet (it is created on first use)".to_string(),
                    (true, None) => "stopped".to_string(),
                    (true, Some(pid)) => format!("running (pid {pid})"),
                }
            );
            println!("socket:   {}", s.socket_dir.display());
            println!("url:      {}", cluster_url(cluster));
            Ok(())
        }
        DbAction::Start => {
            db.prepare().await?;
            println!("running: {}", cluster_url(cluster));
            Ok(())
        }
        DbAction::Stop { remove: true } => {
            let c = cluster.clone();
            let removed = tokio::task::spawn_blocking(move || c.remove())
                .await
                .map_err(|e| Error::Cluster(e.to_string()))??;
            for path in removed {
                println!("removed: {}", path.display());
            }
            Ok(())
        }
        DbAction::Stop { remove: false } => {
            let c = cluster.clone();
            let was_running = tokio::task::spawn_blocking(move || c.stop())
                .await
                .map_err(|e| Error::Cluster(e.to_string()))??;
            println!(
                "{}",
                if was_running {
                    "stopped"
                } else {
                    "not running"
                }
            );
            Ok(())
        }
        DbAction::Url => {
            println!("{}", cluster_url(cluster));
            Ok(())
        }
    }
}

/// A libpq URL for the embedded cluster, usable with psql.
fn cluster_url(cluster: &cluster::Cluster) -> String {
    format!(
        "postgresql://{}@/{}?host={}&port={}",
        cluster::SUPERUSER,
        cluster::DATABASE,
        cluster.socket_dir().display(),
        cluster::PORT
    )
}
