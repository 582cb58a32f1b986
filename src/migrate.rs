//! Migrations: `sql/` and `procs/` as one refinery stream, each migration in
//! its own transaction, serialised across processes by an advisory lock.

use crate::error::{Error, Result};
use refinery::error::Kind;
use refinery::{Migration, Runner};
use tokio_postgres::Client;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/migrations.rs"));
}

/// The table refinery records applied migrations in.
pub const HISTORY_TABLE: &str = "dues_migrations";
/// The channel told after migrations ran, so servers refresh their catalog cache.
pub const CATALOG_CHANNEL: &str = "dues_catalog";
/// Advisory lock key held while migrating ("dues" + 1).
const LOCK_KEY: i64 = 0x6475_6573_0000_0001;

/// The stream read from a folder at run time instead of the built-in copy.
static FROM_DISK: std::sync::OnceLock<Vec<File>> = std::sync::OnceLock::new();

/// One migration file of the stream.
#[derive(Debug, Clone, Copy)]
pub struct File {
    /// Path relative to the crate, e.g. `procs/V202611220101__ledger.sql`.
    pub path: &'static str,
    /// refinery's name, e.g. `V202611220101__ledger`.
    pub name: &'static str,
    pub sql: &'static str,
}

/// The migration files, in version order: built into this binary, or read
/// from disk by [`use_folder`].
pub fn files() -> impl Iterator<Item = File> {
    let built_in = || {
        embedded::FILES
            .iter()
            .map(|&(path, name, sql)| File { path, name, sql })
            .collect()
    };
    FROM_DISK.get_or_init(built_in).clone().into_iter()
}

/// Reads the stream from `root/sql` and `root/procs` instead of the copy built
/// into the binary (to try migrations without rebuilding). Call before any
/// other function of this module.
pub fn use_folder(root: &std::path::Path) -> Result<()> {
    let mut stream: Vec<(i64, File)> = Vec::new();
    for folder in ["sql", "procs"] {
        let dir = root.join(folder);
        let rd = match std::fs::read_dir(&dir) {
            Ok(rd) => rd,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(Error::io(dir, e)),
        };
        for entry in rd.flatten() {
            let file = entry.file_name().to_string_lossy().into_owned();
            let Some(stem) = file.strip_suffix(".sql") else {
                continue;
            };
            let path = format!("{folder}/{file}");
            let version = version_of(stem);
            if version < 0 || !stem.contains("__") {
                return Err(Error::Migration(format!(
                    "{path}: a migration is named V<version>__<name>.sql"
                )));
            }
            if let Some((_, other)) = stream.iter().find(|(v, _)| *v == version) {
                return Err(Error::Migration(format!(
                    "{path} and {} have the same version {version}",
                    other.path
                )));
            }
            let sql =
                std::fs::read_to_string(entry.path()).map_err(|e| Error::io(entry.path(), e))?;
            let leak = |s: String| -> &'static str { Box::leak(s.into_boxed_str()) };
            stream.push((
                version,
                File {
                    path: leak(path),
                    name: leak(stem.to_string()),
                    sql: leak(sql),
                },
            ));
        }
    }
    stream.sort_by_key(|(v, _)| *v);
    FROM_DISK
        .set(stream.into_iter().map(|(_, f)| f).collect())
        .map_err(|_| Error::Migration("the migration stream was already chosen".into()))
}

/// One line of `dues migrate --status`.
#[derive(Debug)]
pub struct State {
    pub version: i64,
    pub path: String,
    /// When it was applied (RFC 3339), or None when pending.
    pub applied_on: Option<String>,
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

/// Applies every pending migration; returns the files applied. Another
/// `dues migrate` on the same database waits for this one to finish.
pub async fn run(client: &mut Client) -> Result<Vec<String>> {
    let runner = runner()?;
    client
        .execute("select pg_advisory_lock($1)", &[&LOCK_KEY])
        .await?;
    let result = runner.run_async(client).await;
    let unlock = client
        .execute("select pg_advisory_unlock($1)", &[&LOCK_KEY])
        .await;
    let report = result.map_err(explain)?;
    unlock?;
    let applied: Vec<String> = report
        .applied_migrations()
        .iter()
        .map(|m| path_of(m.version()))
        .collect();
    if !applied.is_empty() {
        client
            .batch_execute(&format!("notify {CATALOG_CHANNEL}, 'migrated'"))
            .await?;
    }
    Ok(applied)
}

/// Applied and pending migrations, in version order.
pub async fn status(client: &mut Client) -> Result<Vec<State>> {
    let table_exists: bool = client
        .query_one("select to_regclass($1) is not null", &[&HISTORY_TABLE])
        .await?
        .get(0);
    let applied = if table_exists {
        runner()?
            .get_applied_migrations_async(client)
            .await
            .map_err(explain)?
    } else {
        Vec::new()
    };
    let mut states: Vec<State> = applied
        .iter()
        .map(|m| State {
            version: m.version(),
            path: path_of(m.version()),
            applied_on: m.applied_on().map(|t| t.to_string()),
        })
        .collect();
    for f in files() {
        let version = version_of(f.name);
        if !applied.iter().any(|m| m.version() == version) {
            states.push(State {
                version,
                path: f.path.to_string(),
                applied_on: None,
            });
        }
    }
    states.sort_by_key(|s| s.version);
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

/// "procs/V…__x.sql line 12: relation "y" does not exist (SQLSTATE 42P01)".
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
}
