//! The command line: parses arguments, runs one command (one function each,
//! in `commands` and `db`), and turns its error into one line on stderr and
//! an exit code (0 success, 1 failure, 2 usage).

mod args;
mod commands;
mod db;
mod import_export;

use crate::database::Database;
use crate::error::{Error, Result};
use args::{Cli, Command};
use clap::Parser;

/// Runs the command line; returns the process exit code.
pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { 2 } else { 0 };
        }
    };
    init_tracing(matches!(cli.command, Command::Serve(_)));
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
    use std::io::IsTerminal;
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
}

async fn run(cli: Cli) -> Result<()> {
    if let Some(dir) = &cli.migrations {
        crate::migrate::use_folder(dir)?;
    }
    let db = Database::resolve(cli.database_url.as_deref(), cli.home.clone())?;
    match cli.command {
        Command::Serve(a) => commands::serve(&db, a).await,
        Command::Migrate {
            status,
            fingerprint,
        } => commands::migrate(&db, status, fingerprint).await,
        Command::Test(a) => commands::test(&db, a).await,
        Command::Lint => commands::lint(&db).await,
        Command::Call(a) => commands::call(&db, a).await,
        Command::Token { action } => commands::token(&db, action).await,
        Command::Worker(a) => commands::worker(&db, a).await,
        Command::Jobs { action } => commands::jobs(&db, action).await,
        Command::Import(a) => import_export::import(&db, a).await,
        Command::Export(a) => import_export::export(&db, a).await,
        Command::Db { action } => db::run(&db, action).await,
        Command::Backup { to } => crate::backup::run(&db, to).await,
        Command::Restore { from } => crate::restore::run(&db, &from).await,
    }
}
