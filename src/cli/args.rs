//! The command line as clap reads it. Defaults are the settings' own
//! (`http::Settings`, `worker::Settings`), so they are written once.

use crate::http::Settings as Serve;
use crate::tap;
use crate::worker::Settings as Worker;
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
    pub database_url: Option<String>,

    /// Folder of the embedded cluster.
    #[arg(long, env = "DUES_HOME", default_value = ".dues", global = true)]
    pub home: PathBuf,

    /// Read migrations from DIR/sql and DIR/procs instead of the copy built
    /// into dues (to try a migration without rebuilding).
    #[arg(long, env = "DUES_MIGRATIONS", global = true, value_name = "DIR")]
    pub migrations: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the api functions over HTTP (migrates first).
    Serve(ServeArgs),
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
    Test(TestArgs),
    /// Check every PL/pgSQL function with plpgsql_check.
    Lint,
    /// Call an api function, as HTTP does, and print its JSON answer.
    Call(CallArgs),
    /// Deliver the outbox, verify payment notifications, run scheduled jobs.
    Worker(WorkerArgs),
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
    /// Write a consistent copy of the database (pg_dump) and its manifest into a new folder.
    Backup {
        /// The folder to write; default: dues-backup-<UTC time> here.
        #[arg(long, value_name = "DIR")]
        to: Option<PathBuf>,
    },
    /// Restore a backup into an empty database (--home or --database-url), migrate, compare.
    Restore {
        /// The backup's folder.
        from: PathBuf,
    },
    /// Import a CSV file of members, subscriptions, opening balances or bank statement lines (api.import_*).
    Import(ImportArgs),
    /// Write the journal, invoices, payments or members to stdout as CSV or JSON lines (api.export_*).
    Export(ExportArgs),
    /// Manage the embedded cluster.
    Db {
        #[command(subcommand)]
        action: DbAction,
    },
}

#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, default_value_t = Serve::default().listen)]
    pub listen: String,
    /// Do not apply pending migrations at start.
    #[arg(long)]
    pub no_migrate: bool,
    /// Database connections at most.
    #[arg(long, default_value_t = Serve::default().pool.size)]
    pub pool_size: usize,
    /// Seconds a request waits for a free connection before a 503.
    #[arg(long, default_value_t = Serve::default().pool.wait.as_secs_f64())]
    pub pool_wait: f64,
    /// Seconds a statement may run before a 504.
    #[arg(long, default_value_t = Serve::default().pool.statement_timeout.as_secs_f64())]
    pub statement_timeout: f64,
    /// Largest request body in bytes (413 past it).
    #[arg(long, default_value_t = Serve::default().body_limit)]
    pub body_limit: usize,
    /// Largest body of POST /webhooks/paypal in bytes (413 past it, nothing stored).
    #[arg(long, default_value_t = Serve::default().paypal_body_limit)]
    pub paypal_body_limit: usize,
    /// Requests to /webhooks/paypal one client address may send per minute (429 past it; 0: no limit).
    #[arg(long, default_value_t = Serve::default().paypal_rate)]
    pub paypal_rate: u32,
    /// Requests to /webhooks/stripe, /webhooks/gocardless and /webhooks/paypal-rest one client address may send per
    /// minute (429 past it; 0: no limit).
    #[arg(long, default_value_t = Serve::default().webhook_rate)]
    pub webhook_rate: u32,
    /// PayPal notifications the server verifies at once (postbacks in flight; 0: leave them all to dues worker).
    #[arg(long, default_value_t = Serve::default().paypal_verifiers)]
    pub paypal_verifiers: usize,
    /// PayPal notifications waiting for the server's verifiers at most; past it they are left to dues worker.
    #[arg(long, default_value_t = Serve::default().paypal_queue)]
    pub paypal_queue: usize,
    /// The bearer token GET /metrics asks for (without it, /metrics is open).
    #[arg(long, env = "DUES_METRICS_TOKEN", hide_env_values = true)]
    pub metrics_token: Option<String>,
    /// A streaming replica of the database (libpq URL or keyword string): GET /rpc of read-only functions goes
    /// there while it is up and not lagging; everything else to the primary.
    #[arg(
        long,
        env = "DUES_REPLICA_URL",
        hide_env_values = true,
        value_name = "URL"
    )]
    pub replica_url: Option<String>,
    /// `transaction`: --database-url names a pooler in transaction mode (PgBouncer's pool_mode = transaction):
    /// nothing is kept in the session, statements are unnamed, LISTEN goes to --direct-url.
    #[arg(long, env = "DUES_POOLER", value_enum, value_name = "MODE")]
    pub pooler: Option<PoolerMode>,
    /// The database itself, not through the pooler: LISTEN, migrations and the replica's checks go there
    /// (needed with --pooler transaction).
    #[arg(
        long,
        env = "DUES_DIRECT_URL",
        hide_env_values = true,
        value_name = "URL"
    )]
    pub direct_url: Option<String>,
    /// dues serve is behind a reverse proxy it trusts: a call's client address (the sign-in rate limits') is the last
    /// address of X-Forwarded-For, not the connection's peer, and X-Forwarded-Proto: https makes the session cookie
    /// of the pages Secure.
    #[arg(long, env = "DUES_TRUSTED_PROXY")]
    pub trusted_proxy: bool,
}

/// What kind of pooler stands between dues and the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum PoolerMode {
    /// Each transaction may run on another server connection (PgBouncer's pool_mode = transaction).
    Transaction,
}

#[derive(Debug, clap::Args)]
pub struct TestArgs {
    /// Connections to spread test functions over.
    #[arg(long, short, default_value_t = 4)]
    pub jobs: usize,
    /// Only test functions whose name matches this regular expression.
    #[arg(long = "match", short)]
    pub pattern: Option<String>,
    /// Report format.
    #[arg(long, value_enum, default_value = "tap")]
    pub format: tap::Format,
    /// Folder of the test files.
    #[arg(long, default_value = "tests/sql")]
    pub dir: PathBuf,
    /// Longest one statement of a test may run, in seconds.
    #[arg(long, default_value_t = 60)]
    pub timeout: u64,
}

#[derive(Debug, clap::Args)]
pub struct CallArgs {
    /// The function of schema api.
    pub name: String,
    /// Arguments as name=value (PostgreSQL converts each value).
    #[arg(value_name = "ARG=VALUE")]
    pub args: Vec<String>,
    /// Arguments as one JSON object instead.
    #[arg(long, conflicts_with = "args")]
    pub json: Option<String>,
    /// Act as this member instead of staff.
    #[arg(long, value_name = "ID")]
    pub as_member: Option<i64>,
}

#[derive(Debug, clap::Args)]
pub struct WorkerArgs {
    /// Seconds to wait between rounds when there is nothing to do.
    #[arg(long, default_value_t = Worker::default().poll.as_secs_f64())]
    pub poll: f64,
    /// Messages claimed per round.
    #[arg(long, default_value_t = Worker::default().batch)]
    pub batch: i32,
    /// Where e-mail goes: smtp://[user:pass@]host[:port][?tls=required] or smtps://…
    #[arg(
        long,
        env = "DUES_SMTP_URL",
        default_value_t = Worker::default().smtp_url,
        hide_env_values = true
    )]
    pub smtp_url: String,
    /// Seconds one delivery may take.
    #[arg(long, default_value_t = Worker::default().timeout.as_secs_f64())]
    pub timeout: f64,
    /// Run one round and exit.
    #[arg(long)]
    pub once: bool,
    /// This worker's name in the leases it takes (default: host and pid).
    #[arg(long)]
    pub name: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// What the file holds.
    #[arg(value_enum)]
    pub kind: ImportKind,
    /// The CSV file (UTF-8, a header line naming its columns).
    pub file: PathBuf,
    /// Read and check the file, report, and change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Longest the import may run, in seconds (then nothing is imported).
    #[arg(long, default_value_t = 3600)]
    pub timeout: u64,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum ImportKind {
    Members,
    Subscriptions,
    Balances,
    Payments,
}

#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    /// What to write.
    #[arg(value_enum)]
    pub kind: ExportKind,
    /// First day (YYYY-MM-DD) included; default: from the beginning.
    #[arg(long, value_name = "DATE")]
    pub from: Option<String>,
    /// Last day (YYYY-MM-DD) included; default: up to now.
    #[arg(long, value_name = "DATE")]
    pub to: Option<String>,
    /// csv (with a header line) or json (one JSON object per line).
    #[arg(long, value_enum, default_value = "csv")]
    pub format: ExportFormat,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum ExportKind {
    Journal,
    Invoices,
    Payments,
    Members,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum ExportFormat {
    Csv,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum JobsAction {
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
pub enum TokenAction {
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
pub enum DbAction {
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
