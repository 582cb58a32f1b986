//! Migrations, both kinds in one run under one advisory lock: first the
//! versioned, append-only stream of `sql/` (refinery, one transaction per
//! migration), then every `procs/` file whose checksum differs from what the
//! database last applied (all in one transaction, recorded in `dues_procs`).
//! A database migrated with the log dues kept before procs/ held one file per
//! function is recognised and carried over to the baseline.

use crate::error::{Error, Result};
use crate::sqlscan;
use refinery::error::Kind;
use refinery::{Migration, Runner};
use std::collections::{BTreeMap, BTreeSet};
use tokio_postgres::Client;

mod legacy;
mod proc_files;
mod stream;

use legacy::*;
use proc_files::*;
pub use stream::{files, procs, use_folder};

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/migrations.rs"));
}

/// The table refinery records applied versioned migrations in.
pub const HISTORY_TABLE: &str = "dues_migrations";
/// The table recording each application of a procs/ file (file, checksum, applied at).
pub const PROCS_TABLE: &str = "dues_procs";
/// The channel told after migrations ran, so servers refresh their catalog cache.
pub const CATALOG_CHANNEL: &str = "dues_catalog";
/// Advisory lock key held while migrating ("dues" + 1).
const LOCK_KEY: i64 = 0x6475_6573_0000_0001;
/// The schemas whose every function has its procs/ file.
pub const SCHEMAS: [&str; 4] = ["api", "rules", "dues", "jobs"];
/// The versions, names and checksums of the log, and the last version of the baseline.
const LEGACY_HISTORY: &str = include_str!("../legacy_history.tsv");

/// One versioned migration of `sql/`.
#[derive(Debug, Clone, Copy)]
pub struct File {
    /// Path relative to the crate, e.g. `sql/V202611220401__schemas.sql`.
    pub path: &'static str,
    /// refinery's name, e.g. `V202611220401__schemas`.
    pub name: &'static str,
    pub sql: &'static str,
}

/// One file of `procs/`: the current definition of one function.
#[derive(Debug, Clone)]
pub struct Proc {
    /// e.g. `procs/api/register_payment.sql`.
    pub path: &'static str,
    pub schema: &'static str,
    pub name: &'static str,
    /// (trigger, table schema, table) of the triggers it creates.
    pub triggers: Vec<(&'static str, &'static str, &'static str)>,
    /// Line of its `create … function`.
    pub line: usize,
    pub sql: &'static str,
}

impl Proc {
    /// Hex SHA-256 of the file, what `dues_procs` records.
    pub fn checksum(&self) -> String {
        crate::hex_digest(self.sql.as_bytes())
    }
}

/// One line of `dues migrate --status`.
#[derive(Debug)]
pub struct State {
    /// applied, pending, legacy (a row of the log, replaced by the baseline at
    /// the next migrate) or orphan (a function with no procs/ file).
    pub state: &'static str,
    /// The file, or for an orphan the function.
    pub path: String,
    /// When it was applied (RFC 3339).
    pub applied_on: Option<String>,
    pub note: Option<String>,
}

fn runner() -> Result<Runner> {
    let migrations = files()
        .map(|f| {
            Migration::unapplied(f.name, f.sql)
                .map_err(|e| Error::Migration(format!("{}: {e}", f.path)))
        })
        .collect::<Result<Vec<_>>>()?;
    let mut runner = Runner::new(&migrations)
        .set_grouped(false)
        .set_abort_divergent(true)
        .set_abort_missing(true);
    runner.set_migration_table_name(HISTORY_TABLE);
    Ok(runner)
}

/// Applies every pending versioned migration, then every changed procs/ file;
/// returns the files applied. Another `dues migrate` on the same database
/// waits for this one to finish.
pub async fn run(client: &mut Client) -> Result<Vec<String>> {
    client
        .execute("select pg_advisory_lock($1)", &[&LOCK_KEY])
        .await?;
    let result = run_locked(client).await;
    let unlock = client
        .execute("select pg_advisory_unlock($1)", &[&LOCK_KEY])
        .await;
    let applied = result?;
    unlock?;
    if !applied.is_empty() {
        client
            .batch_execute(&format!("notify {CATALOG_CHANNEL}, 'migrated'"))
            .await?;
    }
    Ok(applied)
}

async fn run_locked(client: &mut Client) -> Result<Vec<String>> {
    adopt_legacy(client).await?;
    let report = runner()?.run_async(client).await.map_err(explain)?;
    let mut applied: Vec<String> = report
        .applied_migrations()
        .iter()
        .map(|m| path_of(m.version()))
        .collect();
    applied.extend(apply_procs(client, !applied.is_empty()).await?);
    Ok(applied)
}

// ---- status -------------------------------------------------------------------

/// Applied and pending versioned migrations in version order, then each
/// procs/ file (applied, or pending and why), then functions no file defines.
pub async fn status(client: &mut Client) -> Result<Vec<State>> {
    let legacy = legacy();
    let rows = history_rows(client).await?.unwrap_or_default();
    let mut states = Vec::new();
    let legacy_db = is_legacy(&rows, &legacy);
    if legacy_db {
        for (v, n, _) in &rows {
            states.push(State {
                state: "legacy",
                path: format!("V{v}__{n}"),
                applied_on: None,
                note: Some(
                    "the migration log before procs/; dues migrate replaces it by the baseline"
                        .into(),
                ),
            });
        }
    }
    let applied_on: BTreeMap<i64, Option<String>> = if rows.is_empty() || legacy_db {
        BTreeMap::new()
    } else {
        runner()?
            .get_applied_migrations_async(client)
            .await
            .map_err(explain)?
            .iter()
            .map(|m| (m.version(), m.applied_on().map(|t| t.to_string())))
            .collect()
    };
    for (v, at) in &applied_on {
        states.push(State {
            state: "applied",
            path: path_of(*v),
            applied_on: at.clone(),
            note: None,
        });
    }
    for f in files() {
        let v = version_of(f.name);
        let baseline_of_legacy = legacy_db && v <= legacy.baseline;
        if !applied_on.contains_key(&v) {
            states.push(State {
                state: "pending",
                path: f.path.to_string(),
                applied_on: None,
                note: baseline_of_legacy.then(|| "marked applied in place of the log".to_string()),
            });
        }
    }
    let db = applied(client).await?;
    for p in procs() {
        match pending_reason(p, &db) {
            None => states.push(State {
                state: "applied",
                path: p.path.to_string(),
                applied_on: db.files.get(p.path).map(|(_, at, _)| at.clone()),
                note: None,
            }),
            Some(why) => states.push(State {
                state: "pending",
                path: p.path.to_string(),
                applied_on: None,
                note: Some(why.to_string()),
            }),
        }
    }
    if !legacy_db {
        for (f, why) in orphans(&db) {
            states.push(State {
                state: "orphan",
                path: f,
                applied_on: None,
                note: Some(why),
            });
        }
    }
    Ok(states)
}

fn version_of(name: &str) -> i64 {
    name.trim_start_matches('V')
        .split("__")
        .next()
        .and_then(|v| v.parse().ok())
        .unwrap_or(-1)
}

/// The file of a version, or a description when no file has it.
fn path_of(version: i64) -> String {
    files()
        .find(|f| version_of(f.name) == version)
        .map(|f| f.path.to_string())
        .unwrap_or_else(|| format!("version {version} (no such file)"))
}

/// Turns refinery's errors into one message naming the file at fault, and
/// for a failed statement the line and PostgreSQL's message.
fn explain(e: refinery::Error) -> Error {
    let msg = match e.kind() {
        Kind::DivergentVersion(applied, _) => format!(
            "migration {} was changed after it was applied to this database; \
             a landed migration is never edited: restore it and add a new migration",
            path_of(applied.version())
        ),
        Kind::MissingVersion(m) if m.applied_on().is_some() => format!(
            "migration V{}__{} was applied to this database but its file is missing",
            m.version(),
            m.name()
        ),
        Kind::MissingVersion(m) => format!(
            "migration {} is older than the newest migration applied to this database \
             and was never applied: give it a version after the newest one",
            path_of(m.version())
        ),
        Kind::RepeatedVersion(m) => format!("migration version {} is repeated", m.version()),
        Kind::Connection(context, source) => {
            let pg = source.downcast_ref::<tokio_postgres::Error>();
            let failed = failed_file(context);
            match (failed, pg) {
                (Some(file), Some(pg)) => describe_failure(file, pg),
                (_, Some(pg)) => format!("{context}: {}", crate::error::describe_pg(pg)),
                _ => format!("{context}: {source}"),
            }
        }
        other => other.to_string(),
    };
    Error::Migration(msg)
}

/// The file refinery was applying when it failed ("error applying migration V…__…").
fn failed_file(context: &str) -> Option<File> {
    let shown = context.strip_prefix("error applying migration ")?;
    files().find(|f| f.name == shown.trim())
}

/// "sql/V…__x.sql line 12: relation "y" does not exist (SQLSTATE 42P01)".
fn describe_failure(file: File, e: &tokio_postgres::Error) -> String {
    let mut msg = format!("migration {} failed", file.path);
    if let Some(db) = e.as_db_error() {
        if let Some(tokio_postgres::error::ErrorPosition::Original(pos)) = db.position() {
            msg.push_str(&format!(" at line {}", line_of(file.sql, *pos as usize)));
        }
        if let Some(w) = db.where_() {
            msg.push_str(&format!(" ({})", w.replace('\n', "; ")));
        }
    }
    msg.push_str(&format!(
        ": {}; the database stays at the migration before it",
        crate::error::describe_pg(e)
    ));
    msg
}

/// The 1-based line of a 1-based character position.
fn line_of(sql: &str, pos: usize) -> usize {
    1 + sql
        .chars()
        .take(pos.saturating_sub(1))
        .filter(|&c| c == '\n')
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_of_counts_newlines_before_the_position() {
        let sql = "create table a();\ncreate tabel b();\n";
        let pos = sql.find("tabel").unwrap() + 1;
        assert_eq!(line_of(sql, pos), 2);
        assert_eq!(line_of(sql, 1), 1);
    }

    #[test]
    fn versions_are_unique_and_ordered() {
        let versions: Vec<i64> = files().map(|f| version_of(f.name)).collect();
        let mut sorted = versions.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(versions, sorted);
        assert!(versions.iter().all(|&v| v > 0));
    }

    #[test]
    fn the_baseline_follows_the_log_and_is_in_the_stream() {
        let legacy = legacy();
        assert!(!legacy.rows.is_empty());
        let newest_log = legacy.rows.iter().map(|(v, _, _)| *v).max().unwrap();
        assert!(files().any(|f| version_of(f.name) == legacy.baseline));
        assert!(files().all(|f| version_of(f.name) > newest_log));
    }

    #[test]
    fn the_log_history_is_what_refinery_computes_from_the_frozen_log() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/legacy");
        for (v, name, checksum) in legacy().rows {
            let file = ["sql", "procs"]
                .iter()
                .map(|d| root.join(d).join(format!("V{v}__{name}.sql")))
                .find(|p| p.exists())
                .unwrap_or_else(|| panic!("V{v}__{name} is not in tests/fixtures/legacy"));
            let sql = std::fs::read_to_string(file).unwrap();
            let m = Migration::unapplied(&format!("V{v}__{name}"), &sql).unwrap();
            assert_eq!(m.checksum().to_string(), checksum, "V{v}__{name}");
        }
    }

    #[test]
    fn a_plpgsql_context_gives_the_body_line() {
        assert_eq!(
            line_in_context("compilation of PL/pgSQL function \"f\" near line 3"),
            Some(3)
        );
        assert_eq!(line_in_context("SQL function \"f\""), None);
    }
}
